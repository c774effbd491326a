"""Line items HubSpot gave no ``amount``: created through the API with ``price`` and ``quantity`` only, as the line
items guide's example does (``{"price": 10, "quantity": 1, "name": ...}``), or imported ("when importing line items,
the associated deal amount will not be updated", knowledge base). Each counts its net price, unit price x quantity
less its discount, and a deal with no amount is worth its lines. Synced by the real pipeline through
hubspot-api-client against the sandbox portal."""

from __future__ import annotations

from pathlib import Path

from connectors.hubspot.mapping import default_mapping_path
from tests.fakes import SeededPortal, one_connector_settings
from tests.integration.test_hs_recurring_lines import PLAN


def test_lines_without_amount_count_their_price_times_quantity(tmp_path: Path) -> None:
    """A won deal with no amount: MAINT 900 x 3 (2,700) and SETUP 500 x 1 (500). The MAINT axis counts 2,700, the
    SETUP axis 500, the client axis 3,200 (the deal's lines, with the warning ``amount_from_lines``). Failed
    before: 0, 0 and 0, the deal "no amount". (Discounts: tests/unit/test_hs_readers.py, and
    tests/integration/test_product_axes_hand.py through the sandbox portal.)"""
    with SeededPortal() as portal:
        api = portal.api
        julie = api.add_owner("julie@audit.example", "Julie", "Martin")
        lyon = api.add("companies", {"name": "Lyon Chimie", "zip": "69001", "country": "France", "type": "Client",
                                     "hubspot_owner_id": julie})
        deal = api.add("deals", {"dealname": "Maintenance and set-up", "pipeline": "default",
                                 "dealstage": "closedwon", "closedate": "2027-05-10T10:00:00Z",
                                 "deal_currency_code": "EUR", "hubspot_owner_id": julie},
                       companies=(lyon,), primary=lyon)
        for line in ({"name": "Maintenance", "hs_sku": "MAINT", "price": "900", "quantity": "3"},
                     {"name": "Set-up", "hs_sku": "SETUP", "price": "500", "quantity": "1"}):
            api.associate("deals", deal, "line_items", api.add("line_items", line))
        portal.serve()
        portal.settings = one_connector_settings(tmp_path, PLAN, "hs-p", default_mapping_path(), "prices")
        evaluation = portal.sync().evaluation
    assert evaluation.axis("AX-MAINT").revenue == 2_700
    assert evaluation.axis("AX-SETUP").revenue == 500
    assert evaluation.axis("AX-RA").revenue == 3_200
    assert [w.rule for w in evaluation.warnings] == ["amount_from_lines"]
