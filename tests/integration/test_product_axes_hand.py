"""Product axes by hand (audit products, 6 Dec 2026): a small Salesforce org and a small HubSpot portal, served by the
sandbox CRM in each vendor's wire format and read by the real client libraries, whose product axes' revenue was
computed by hand, to the cent, before pac's figures were looked at (/tmp/audits/products/ORACLE.md).

Salesforce: ``TotalPrice`` is the line's ``Quantity`` x ``UnitPrice`` less its ``Discount`` percent, stored to the cent
(Object Reference, OpportunityLineItem): 3 x 1,234.56 at 10 % off is 3,333.312, stored 3,333.31. HubSpot: a line item's
``amount`` ("Net price") is ``price`` x ``quantity`` less its discount, computed by pac when HubSpot left it empty."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest

from pac_core.engine import evaluate
from pac_core.engine_settings import EngineSettings
from pac_core.plan import Segment, SegmentKind
from pac_core.records import Records
from pac_core.scopes import parse_scope
from pac_core.window import Window
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.server import SandboxServer
from tests.contract.factory_hubspot import sandbox_connector
from tests.contract.factory_salesforce import SalesforceRig
from tests.integration.test_revenue_crm import _pull
from tests.unit.test_engine_support import PARIS, action, axis, plan

APRIL = Window(datetime(2027, 4, 1, tzinfo=PARIS), datetime(2027, 5, 1, tzinfo=PARIS), "avril")
AS_OF = datetime(2027, 6, 1, tzinfo=PARIS)
SEG = Segment("SEG", "Rhône", SegmentKind.HORIZONTAL, parse_scope({"departement": "69"}))


def _evaluate(records: Records, scopes: dict[str, dict], settings: EngineSettings = EngineSettings()):
    axes = []
    for ident, scope in scopes.items():
        ax = axis(ident, "SEG", scope=parse_scope(scope), baseline="0")
        axes.append(replace(ax, objective=replace(ax.objective, period=APRIL)))
    p = plan(action(axis_id=axes[0].id), axes=tuple(axes), segments=(SEG,))
    return evaluate(p, records, as_of=AS_OF, settings=settings, explain=True)


@pytest.fixture(scope="module")
def salesforce_org():
    """P1 « Pompe PMP » PMP-100 (Pompes), P2 « Maintenance annuelle » MAINT (Services); A won 10 April: 3 x 1,234.56
    at 10 % off (3,333.31) and 1 x 500; B won 20 April: 1 x 999.99; C lost: 5,000; D won 31 March: 7,000."""
    rig = SalesforceRig()
    api = rig.api
    pump = api.create("Product2", Name="Pompe PMP", ProductCode="PMP-100", Family="Pompes", IsActive=True)
    maint = api.create("Product2", Name="Maintenance annuelle", ProductCode="MAINT", Family="Services",
                       IsActive=True)

    def opp(name: str, stage: str, close: date, lines: tuple[tuple[str, int, str, str], ...]) -> str:
        ident = api.create("Opportunity", Name=name, AccountId=rig.account, OwnerId=rig.owner, StageName=stage,
                           CloseDate=close)
        for product, quantity, price, discount in lines:
            api.create("OpportunityLineItem", OpportunityId=ident, Product2Id=product, Quantity=quantity,
                       UnitPrice=Decimal(price), Discount=Decimal(discount))
        return ident

    opp("A", "Closed Won", date(2027, 4, 10), ((pump, 3, "1234.56", "10"), (maint, 1, "500", "0")))
    opp("B", "Closed Won", date(2027, 4, 20), ((pump, 1, "999.99", "0"),))
    opp("C", "Closed Lost", date(2027, 4, 15), ((pump, 1, "5000", "0"),))
    opp("D", "Closed Won", date(2027, 3, 31), ((pump, 1, "7000", "0"),))
    records = _pull(rig.connector)
    yield rig, pump, records
    rig.close()


class TestSalesforceByHand:
    def test_the_lines_as_the_org_prices_them(self, salesforce_org):
        _, _, records = salesforce_org
        amounts = sorted((ln.code, ln.amount) for d in records.deals for ln in d.lines)
        assert amounts == [("MAINT", Decimal("500")), ("PMP-100", Decimal("999.99")), ("PMP-100", Decimal("3333.31")),
                           ("PMP-100", Decimal("5000")), ("PMP-100", Decimal("7000"))]

    @pytest.mark.parametrize("scope", [{"product_code": "PMP-100"}, {"product": "Pompe PMP"},
                                       {"product_family": "Pompes"}, {"product": "pompe pmp"},
                                       {"product_family": "POMPES"}])
    def test_the_pump_axis(self, salesforce_org, scope):
        _, _, records = salesforce_org
        assert _evaluate(records, {"AX": scope}).axis("AX").revenue == Decimal("4333.30")

    @pytest.mark.parametrize("code", ["pmp-100", "Pmp-100", " PMP-100", "PMP-100 ", "PMP-100\u00a0"])
    def test_a_code_written_in_another_case_or_with_spaces(self, salesforce_org, code):
        """A plan writing "pmp-100" (or with spaces around) for ProductCode PMP-100 counts the pump lines."""
        _, _, records = salesforce_org
        assert _evaluate(records, {"AX": {"product_code": code}}).axis("AX").revenue == Decimal("4333.30")

    def test_two_product_axes_and_the_plans_total(self, salesforce_org):
        _, _, records = salesforce_org
        ev = _evaluate(records, {"AX-P": {"product_code": "PMP-100"}, "AX-M": {"product": "MAINT"}})
        assert (ev.axis("AX-P").revenue, ev.axis("AX-M").revenue) == (Decimal("4333.30"), Decimal("500"))
        assert ev.plan is not None and ev.plan.revenue == Decimal("4833.30")


class TestSalesforceStoredWithSpaces:
    def test_a_code_stored_with_a_trailing_space(self):
        """ProductCode stored "PMP-100 " (an import kept the space): the plan's PMP-100 counts its 1,000 line."""
        rig = SalesforceRig()
        try:
            api = rig.api
            pump = api.create("Product2", Name="Pompe PMP ", ProductCode="PMP-100 ", Family="Pompes", IsActive=True)
            ident = api.create("Opportunity", Name="E", AccountId=rig.account, OwnerId=rig.owner,
                               StageName="Closed Won", CloseDate=date(2027, 4, 3))
            api.create("OpportunityLineItem", OpportunityId=ident, Product2Id=pump, Quantity=1,
                       UnitPrice=Decimal("1000"))
            records = _pull(rig.connector)
        finally:
            rig.close()
        assert _evaluate(records, {"AX": {"product_code": "PMP-100"}}).axis("AX").revenue == Decimal("1000")
        assert _evaluate(records, {"AX": {"product": "pompe pmp"}}).axis("AX").revenue == Decimal("1000")


@pytest.fixture(scope="module")
def hubspot_portal():
    """Deal X won 10 April: PMP-100 3 x 1,234.56 at 10 % off (no amount: pac computes 3,333.31) and MAINT 500; Y won
    20 April: PMP-100 999.99; W won 21 April: KIT 11.90 at 15 % off (no amount: 1.785 off rounded to 1.79, 10.11, as
    HubSpot rounds it); Z won 22 April, EUR 800: a PX line priced CHF 500."""
    api = HubSpotApi(None)
    with SandboxServer([api]) as server:
        company = api.add("companies", {"name": "Lyon A", "zip": "69003"})
        won = {"pipeline": "default", "dealstage": "closedwon", "deal_currency_code": "EUR"}

        def deal(name: str, closedate: str, amount: str, lines: tuple[dict, ...]) -> str:
            ident = api.add("deals", {**won, "dealname": name, "closedate": closedate, "amount": amount},
                            companies=(company,))
            for props in lines:
                api.associate("deals", ident, "line_items", api.add("line_items", props))
            return ident

        deal("X", "2027-04-10T10:00:00Z", "3833.31", (
            {"name": "Pompe PMP", "hs_sku": "PMP-100", "price": "1234.56", "quantity": "3",
             "hs_discount_percentage": "10"},
            {"name": "Maintenance annuelle", "hs_sku": "MAINT", "price": "500", "quantity": "1", "amount": "500"}))
        deal("Y", "2027-04-20T10:00:00Z", "999.99",
             ({"name": "Pompe PMP", "hs_sku": "PMP-100", "price": "999.99", "quantity": "1", "amount": "999.99"},))
        deal("W", "2027-04-21T10:00:00Z", "10.11",
             ({"name": "Kit joints", "hs_sku": "KIT", "price": "11.90", "quantity": "1",
               "hs_discount_percentage": "15"},))
        z = deal("Z", "2027-04-22T10:00:00Z", "800",
                 ({"name": "Pompe PX", "hs_sku": "PX", "price": "500", "quantity": "1", "amount": "500",
                   "hs_line_item_currency_code": "CHF"},))
        connector = sandbox_connector(server)
        try:
            records = _pull(connector)
        finally:
            connector.close()
    yield records, z


class TestHubSpotByHand:
    @pytest.mark.parametrize("scope", [{"product_code": "PMP-100"}, {"product_code": "pmp-100 "},
                                       {"product": "Pompe PMP"}, {"product": "POMPE PMP"}])
    def test_the_pump_axis(self, hubspot_portal, scope):
        records, _ = hubspot_portal
        assert _evaluate(records, {"AX": scope}).axis("AX").revenue == Decimal("4333.30")

    def test_two_product_axes_and_the_plans_total(self, hubspot_portal):
        records, _ = hubspot_portal
        ev = _evaluate(records, {"AX-P": {"product_code": "PMP-100"}, "AX-M": {"product": "MAINT"}})
        assert (ev.axis("AX-P").revenue, ev.axis("AX-M").revenue) == (Decimal("4333.30"), Decimal("500"))
        assert ev.plan is not None and ev.plan.revenue == Decimal("4833.30")

    def test_a_percentage_discount_is_rounded_before_it_is_taken_off(self, hubspot_portal):
        """11.90 at 15 % off: 10.11 (HubSpot's own example), not the net 10.115 rounded, 10.12 (audit products F1)."""
        records, _ = hubspot_portal
        assert _evaluate(records, {"AX": {"product_code": "KIT"}}).axis("AX").revenue == Decimal("10.11")
    def test_a_chf_line_on_an_eur_deal_is_converted_with_the_plans_rate(self, hubspot_portal):
        """CHF 500 at fx_rates CHF 0.95 is 475.00 € on the PX axis."""
        records, _ = hubspot_portal
        settings = EngineSettings(fx_rates={"CHF": Decimal("0.95")})
        assert _evaluate(records, {"AX": {"product": "PX"}}, settings).axis("AX").revenue == Decimal("475.00")


@pytest.fixture(scope="module")
def renamed_product():
    """Audit hsproductid (6 Dec 2026). The product library's P « Pompe PX » SKU PX-1 and K « Kit » KIT. Night 1: A won
    5 April, a line made from P (« Pompe PX », PX-1) 1,000; C won 20 April, a line from K 300. Then P is renamed
    « Pompe PX v2 », SKU PX-2. Night 2: B won 15 April, a line made from P after the rename (« Pompe PX v2 », PX-2)
    2,000. By hand: before the rename, PX-1 1,000 and PX-2 0; after it, PX-1, PX-2, « Pompe PX » and « Pompe PX v2 »
    all 3,000 (A and B sell the one product P), KIT 300; a line with no product library item that the plan names by a
    text only keeps its own name."""
    api = HubSpotApi(None)
    with SandboxServer([api]) as server:
        company = api.add("companies", {"name": "Lyon A", "zip": "69003"})
        won = {"pipeline": "default", "dealstage": "closedwon", "deal_currency_code": "EUR"}
        pump = api.add("products", {"name": "Pompe PX", "hs_sku": "PX-1", "price": "1000"})
        kit = api.add("products", {"name": "Kit", "hs_sku": "KIT", "price": "300"})

        def deal(name: str, closedate: str, amount: str, line: dict) -> str:
            ident = api.add("deals", {**won, "dealname": name, "closedate": closedate, "amount": amount},
                            companies=(company,))
            api.associate("deals", ident, "line_items", api.add("line_items", {**line, "quantity": "1",
                                                                               "amount": amount}))
            return ident

        deal("A", "2027-04-05T10:00:00Z", "1000", {"name": "Pompe PX", "hs_sku": "PX-1", "hs_product_id": pump})
        deal("C", "2027-04-20T10:00:00Z", "300", {"name": "Kit", "hs_sku": "KIT", "hs_product_id": kit})
        deal("D", "2027-04-21T10:00:00Z", "40", {"name": "Pompe PX", "hs_sku": "SPARE"})   # no library item
        connector = sandbox_connector(server)
        try:
            before = _pull(connector)
        finally:
            connector.close()
        api.update("products", pump, {"name": "Pompe PX v2", "hs_sku": "PX-2"})
        b = deal("B", "2027-04-15T10:00:00Z", "2000", {"name": "Pompe PX v2", "hs_sku": "PX-2", "hs_product_id": pump})
        connector = sandbox_connector(server)
        try:
            tonight = [d for d in _pull(connector).deals if d.id == b]     # night 2 reads B only
        finally:
            connector.close()
    after = replace(before, deals=(*before.deals, *tonight))
    yield before, after


class TestAProductRenamedInTheLibrary:
    @pytest.mark.parametrize(("scope", "figure"), [({"product_code": "PX-1"}, "1000"), ({"product_code": "PX-2"}, "0"),
                                                   ({"product": "Pompe PX v2"}, "0"), ({"product": "KIT"}, "300")])
    def test_before_the_rename(self, renamed_product, scope, figure):
        before, _ = renamed_product
        assert _evaluate(before, {"AX": scope}).axis("AX").revenue == Decimal(figure)

    @pytest.mark.parametrize(("scope", "figure"), [
        ({"product_code": "PX-1"}, "3000"), ({"product_code": "px-2"}, "3000"), ({"product": "Pompe PX v2"}, "3000"),
        ({"product": "PX-1"}, "3000"), ({"product": "Pompe PX"}, "3040")])      # and D, sold under that name
    def test_old_and_new_lines_count_under_either_name(self, renamed_product, scope, figure):
        """Before the fix, PX-1 counted 1,000 (B left out), PX-2 and « Pompe PX v2 » 2,000 (A left out), « Pompe PX »
        1,040."""
        _, after = renamed_product
        assert _evaluate(after, {"AX": scope}).axis("AX").revenue == Decimal(figure)

    def test_the_kit_and_the_plans_total(self, renamed_product):
        _, after = renamed_product
        ev = _evaluate(after, {"AX-P": {"product_code": "PX-2"}, "AX-K": {"product_code": "KIT"}})
        assert (ev.axis("AX-P").revenue, ev.axis("AX-K").revenue) == (Decimal("3000"), Decimal("300"))
        assert ev.plan is not None and ev.plan.revenue == Decimal("3300")

    def test_a_line_without_a_library_item_keeps_its_own_values(self, renamed_product):
        """D's line named « Pompe PX » but made from no product: it counts on « Pompe PX » by its name, and on no SKU
        of P."""
        _, after = renamed_product
        assert _evaluate(after, {"AX": {"product": "Pompe PX"}, "AX-S": {"product_code": "SPARE"}}
                         ).axis("AX-S").revenue == Decimal("40")
        assert _evaluate(after, {"AX": {"product_code": "PX-2"}}).axis("AX").revenue == Decimal("3000")

    def test_a_plan_names_a_product_by_its_library_id(self, renamed_product):
        _, after = renamed_product
        pump = next(ln.product_id for d in after.deals for ln in d.lines if ln.code == "PX-1")
        assert _evaluate(after, {"AX": {"product_id": pump}}).axis("AX").revenue == Decimal("3000")
