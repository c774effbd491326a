"""A product axis and the whole-deal axis agree on a deal with a recurring line item (audit B, finding B-2).

HubSpot's line item ``amount`` ("Net price") is one billing period: price x quantity - discount (HubSpot's answer in
the community thread "update field hs_term_in_months for line item through API": price 6,000, quantity 2, monthly,
P24M gives ``"amount": "12000.000"``, with ``hs_acv`` and ``hs_tcv`` apart). The deal amount a portal shows when
line items are added is, by the portal's *Default deal amount* setting, their total contract value (TCV, "the total
value of the deal, based on the line items associated to the deal, including any recurring revenue and one-time
charges": knowledge base, "Edit price and term details in the line items editor"). So the shipped mapping reads each
line's ``hs_tcv`` (``deals.line_amount``), its ``amount`` when HubSpot gave none. Synced by the real pipeline through
hubspot-api-client against the sandbox portal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.hubspot.mapping import default_mapping_path
from tests.fakes import SeededPortal, audit_plan, one_connector_settings


def _product_axis(axis: str, product: str) -> str:
    return (f"  - id: {axis}\n    name: {product} contracts\n    segment: S-RA\n"
            f"    scope: {{account_type: Client, product: {product}}}\n    status: active\n"
            "    objective: {additional_revenue: 50000, baseline: 0, margin_rate: 0.3, budget: 1000, "
            "expected_roi: 2}\n")


PLAN = audit_plan("B2", "en", """\
  - id: A-1
    axis: AX-RA
    text: "Visit clients in Q2"
    who: julie@audit.example
    what: {activity: visit, count: 10, counting: activities}
    when: "Q2 2027"
    status: in_progress
""").replace("actions:\n", _product_axis("AX-MAINT", "MAINT") + _product_axis("AX-SETUP", "SETUP") + "actions:\n",
             1)


class Portal(SeededPortal):
    """Julie's client Lyon Chimie with three won deals, each amount its lines' TCV (HubSpot's default deal amount):

    * the audit's maintenance contract: one line MAINT at 1,000 a month, quantity 1, 12 months (``amount`` 1,000,
      ``hs_tcv`` 12,000): deal amount 12,000;
    * a one-time set-up: one line SETUP of 3,000 (``hs_tcv`` 3,000, as ``amount``): deal amount 3,000;
    * an older set-up whose line HubSpot gave no ``hs_tcv`` (``amount`` 500 only): deal amount 500."""

    def __init__(self, tmp: Path, mapping: Path) -> None:
        super().__init__()
        api = self.api
        julie = api.add_owner("julie@audit.example", "Julie", "Martin")
        lyon = api.add("companies", {"name": "Lyon Chimie", "zip": "69001", "country": "France", "type": "Client",
                                     "hubspot_owner_id": julie})

        def won(name: str, amount: str, *lines: dict[str, str]) -> None:
            deal = api.add("deals", {"dealname": name, "pipeline": "default", "dealstage": "closedwon",
                                     "amount": amount, "closedate": "2027-05-10T10:00:00Z",
                                     "deal_currency_code": "EUR", "hubspot_owner_id": julie},
                           companies=(lyon,), primary=lyon)
            for line in lines:
                api.associate("deals", deal, "line_items", api.add("line_items", line))

        won("Maintenance 12 months", "12000",
            {"name": "Maintenance", "hs_sku": "MAINT", "quantity": "1", "price": "1000", "amount": "1000",
             "recurringbillingfrequency": "monthly", "hs_recurring_billing_period": "P12M",
             "hs_tcv": "12000", "hs_acv": "12000", "hs_arr": "12000", "hs_mrr": "1000"})
        won("Set-up", "3000", {"name": "Set-up", "hs_sku": "SETUP", "quantity": "1", "price": "3000",
                               "amount": "3000", "hs_tcv": "3000", "hs_acv": "3000", "hs_arr": "0", "hs_mrr": "0"})
        won("Set-up (imported)", "500", {"name": "Set-up", "hs_sku": "SETUP", "quantity": "1", "amount": "500"})
        self.serve()
        self.settings = one_connector_settings(tmp, PLAN, "hs-b", mapping, "b2")



@pytest.fixture
def shipped(tmp_path: Path) -> Iterator[Portal]:
    with Portal(tmp_path, default_mapping_path()) as p:
        yield p


def test_a_recurring_line_counts_its_contract_on_its_product_axis(shipped: Portal) -> None:
    """The 12-month maintenance contract counts 12,000 on the MAINT axis, as on the whole-deal axis. Failed before:
    1,000 (one month), while the whole-deal axis counted 12,000."""
    axis = shipped.sync().evaluation.axis
    assert axis("AX-MAINT").revenue == 12_000
    assert axis("AX-RA").revenue == 12_000 + 3_000 + 500


def test_a_one_time_line_and_a_line_without_tcv_count_their_amount(shipped: Portal) -> None:
    """A one-time line's TCV is its amount (3,000); a line HubSpot gave no ``hs_tcv`` counts its ``amount`` (500)."""
    assert shipped.sync().evaluation.axis("AX-SETUP").revenue == 3_000 + 500


def test_a_portal_whose_deal_amount_is_the_acv_maps_hs_acv(tmp_path: Path) -> None:
    """``deals.line_amount`` names the line property that adds up to the portal's deal amount: ``hs_acv`` for a
    portal whose default deal amount is the ACV (here the same 12,000 for a 12-month contract), ``amount`` for the
    old reading (one billing period)."""
    text = default_mapping_path().read_text(encoding="utf-8")
    assert "  line_amount: hs_tcv " in text
    for prop, want in (("hs_acv", 12_000), ("amount", 1_000)):
        mapping = tmp_path / f"hubspot.{prop}.yaml"
        mapping.write_text(text.replace("  line_amount: hs_tcv ", f"  line_amount: {prop} "), encoding="utf-8")
        where = tmp_path / prop
        where.mkdir()
        with Portal(where, mapping) as p:
            assert p.sync().evaluation.axis("AX-MAINT").revenue == want


class NoTcvPortal(SeededPortal):
    """Julie's client with a two-year maintenance contract billed quarterly whose line HubSpot gave no ``hs_tcv``
    (an imported line; an emulator keeping only what the line editor shows): price 2,500 a quarter, quantity 2,
    10 % off (``amount`` 4,500 a quarter), term 24 months: 8 quarters, 36,000, the deal amount."""

    def __init__(self, tmp: Path) -> None:
        super().__init__()
        api = self.api
        julie = api.add_owner("julie@audit.example", "Julie", "Martin")
        lyon = api.add("companies", {"name": "Lyon Chimie", "zip": "69001", "country": "France", "type": "Client",
                                     "hubspot_owner_id": julie})
        deal = api.add("deals", {"dealname": "Maintenance 24 months", "pipeline": "default",
                                 "dealstage": "closedwon", "amount": "36000", "closedate": "2027-05-10T10:00:00Z",
                                 "deal_currency_code": "EUR", "hubspot_owner_id": julie},
                       companies=(lyon,), primary=lyon)
        api.associate("deals", deal, "line_items", api.add("line_items", {
            "name": "Maintenance", "hs_sku": "MAINT", "quantity": "2", "price": "2500",
            "hs_discount_percentage": "10", "amount": "4500", "recurringbillingfrequency": "quarterly",
            "hs_recurring_billing_period": "P24M"}))
        self.serve()
        self.settings = one_connector_settings(tmp, PLAN, "hs-b", default_mapping_path(), "b2")


def test_a_recurring_line_without_tcv_counts_its_whole_term(tmp_path: Path) -> None:
    """The line counts 4,500 x 8 quarters = 36,000 on the MAINT axis, as the deal does on the whole-deal axis, and
    no warning says the deal differs from its lines. Failed before: 4,500 (one quarter) on the MAINT axis, with
    ``amount_differs_from_lines``."""
    with NoTcvPortal(tmp_path) as p:
        evaluation = p.sync().evaluation
    assert evaluation.axis("AX-MAINT").revenue == 36_000
    assert evaluation.axis("AX-RA").revenue == 36_000
    assert [w.rule for w in evaluation.warnings] == []
