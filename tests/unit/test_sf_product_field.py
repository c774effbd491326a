"""An org without products (``line_items: false``) whose Opportunity names its product lines in a multi-select picklist
(``product_field: Product_Lines__c``, a type the mapping check accepts): Salesforce's REST answer holds the selected
values joined by ``;`` (``"PX200;MAINT"``), and the deal counts on each product axis one of them names, at its whole
amount, as a Salesforce report filtered "Product Lines includes PX200" sums it; the plan's total counts it once (audit
sfamounts F1). Figures worked out by hand, from REST rows as the API answers them."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from connectors.salesforce.mapping import load_mapping
from connectors.salesforce.normalise import Normaliser
from pac_config.loader import config_dir
from pac_core.engine import evaluate
from pac_core.engine_settings import EngineSettings
from pac_core.plan import Segment, SegmentKind
from pac_core.records import Account, Deal, Records
from pac_core.scopes import parse_scope
from pac_core.window import Window
from tests.unit.test_engine_support import PARIS, action, axis, plan

APRIL = Window(datetime(2027, 4, 1, tzinfo=PARIS), datetime(2027, 5, 1, tzinfo=PARIS), "avril")
SEG = Segment("SEG", "Tout", SegmentKind.HORIZONTAL, parse_scope({}))
LYON = Account(id="001A", source="sf", name="Lyon", postal_code="69003", departement="69", region="84")


def _opportunity(ident: str, amount: int, products: str | None) -> dict[str, Any]:
    """An Opportunity row of the REST query: a multi-select picklist comes as its values joined by ';'."""
    return {"attributes": {"type": "Opportunity"}, "Id": ident, "Name": ident, "AccountId": "001A",
            "OwnerId": "005A", "IsDeleted": False, "SystemModstamp": "2027-04-10T08:00:00.000+0000",
            "CreatedDate": "2027-03-01T08:00:00.000+0000", "IsWon": True, "IsClosed": True, "Amount": amount,
            "CloseDate": "2027-04-10", "Product_Lines__c": products}


def _deals(*rows: dict[str, Any]) -> tuple[Deal, ...]:
    base = load_mapping(config_dir() / "mappings" / "salesforce.default.yaml")
    mapping = base.model_copy(update={"deals": base.deals.model_copy(
        update={"line_items": False, "product_field": "Product_Lines__c"})})
    normaliser = Normaliser("sf", mapping)
    deals = [normaliser.deal(r) for r in rows]
    assert all(isinstance(d, Deal) for d in deals), deals
    return tuple(d for d in deals if isinstance(d, Deal))


def _april(deals: tuple[Deal, ...], *scopes: dict[str, Any], attribution: str = "full") -> Any:
    axes = tuple(replace(ax, objective=replace(ax.objective, period=APRIL))
                 for ax in (axis(f"AX{i}", "SEG", scope=parse_scope(s), baseline="0") for i, s in enumerate(scopes)))
    return evaluate(plan(action(axis_id="AX0"), axes=axes, segments=(SEG,)), Records(accounts=(LYON,), deals=deals),
                    as_of=datetime(2027, 6, 1, tzinfo=PARIS), settings=EngineSettings(attribution=attribution))


def test_a_deal_naming_two_product_lines_counts_on_each_product_axis_and_once_in_the_total() -> None:
    """O1 10,000 « PX200;MAINT », O2 4,000 « MAINT »: the PX200 axis counts O1, 10,000; the MAINT axis O1 and O2,
    14,000; the plan's total each deal once, 14,000. With ``attribution: split`` O1 is halved between the two axes:
    5,000 and 5,000 + 4,000 = 9,000, still 14,000 in all. Seen failing before the fix: PX200 0 and MAINT 4,000 (the
    value « PX200;MAINT » matched neither product)."""
    deals = _deals(_opportunity("006A", 10000, "PX200;MAINT"), _opportunity("006B", 4000, "MAINT"))
    ev = _april(deals, {"product": "PX200"}, {"product": "MAINT"})
    assert (ev.axis("AX0").revenue, ev.axis("AX1").revenue) == (Decimal(10000), Decimal(14000))
    assert ev.plan is not None and ev.plan.revenue == Decimal(14000)
    split = _april(deals, {"product": "PX200"}, {"product": "MAINT"}, attribution="split")
    assert (split.axis("AX0").revenue, split.axis("AX1").revenue) == (Decimal(5000), Decimal(9000))
    assert split.plan is not None and split.plan.revenue == Decimal(14000)


def test_product_code_and_family_read_each_value_and_an_unnamed_product_counts_nowhere() -> None:
    """``product_code: MAINT`` and ``product_family: PX200`` read each selected value as ``product`` does (10,000 and
    10,000); ``product: PX2`` (a part of a value, not a value) and a deal with no product line selected count 0 on
    product axes, the whole-deal axis counts every deal: 10,000 + 3,000."""
    deals = _deals(_opportunity("006A", 10000, "PX200;MAINT"), _opportunity("006C", 3000, None))
    ev = _april(deals, {"product_code": "MAINT"}, {"product_family": "PX200"}, {"product": "PX2"}, {})
    assert [ev.axis(f"AX{i}").revenue for i in range(4)] == [Decimal(10000), Decimal(10000), Decimal(0),
                                                              Decimal(13000)]
