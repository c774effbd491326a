"""A HubSpot line item priced in another currency than its deal (``hs_line_item_currency_code``: the line items API
takes any currency the portal has, audit sffamily F2), synced by the real pipeline through hubspot-api-client against
the sandbox portal: a line no HubSpot rate pac reads converts is listed with the run's data-quality warnings."""

from __future__ import annotations

from pathlib import Path

from connectors.hubspot.mapping import default_mapping_path
from tests.fakes import SeededPortal, audit_plan, one_connector_settings

PLAN = audit_plan("Lines", "en", """\
  - id: A-1
    axis: AX-RA
    text: "Visit clients in Q2"
    who: julie@audit.example
    what: {activity: visit, count: 10, counting: activities}
    when: "Q2 2027"
    status: in_progress
""")


def test_a_line_in_a_currency_no_rate_links_to_its_deal_is_a_data_quality_warning(tmp_path: Path) -> None:
    """Julie's client won an EUR deal of 800 holding a line of CHF 500 (created through the API): the axis counts the
    deal's 800 (its own amount is unchanged) and the run lists a warning on the deal naming the line, CHF, EUR and the
    fix. Before the fix: no warning (the CHF 500 counted as 500 € on product axes, silently)."""
    with SeededPortal() as portal:
        api = portal.api
        julie = api.add_owner("julie@audit.example", "Julie", "Martin")
        lyon = api.add("companies", {"name": "Lyon Chimie", "zip": "69001", "country": "France", "type": "Client",
                                     "hubspot_owner_id": julie})
        deal = api.add("deals", {"dealname": "EUR", "pipeline": "default", "dealstage": "closedwon", "amount": "800",
                                 "closedate": "2027-05-10T10:00:00Z", "deal_currency_code": "EUR",
                                 "hubspot_owner_id": julie}, companies=(lyon,), primary=lyon)
        line = api.add("line_items", {"name": "PX", "hs_sku": "PX", "quantity": "1", "amount": "500",
                                      "hs_line_item_currency_code": "CHF"})
        api.associate("deals", deal, "line_items", line)
        portal.serve()
        portal.settings = one_connector_settings(tmp_path, PLAN, "hs-s", default_mapping_path(), "lines")
        result = portal.sync()
    assert result.evaluation.axis("AX-RA").revenue == 800
    [warning] = [w for w in result.warnings if w.reason.startswith("line currency:")]
    assert (warning.object, warning.id) == ("deals", deal)
    assert f"line item {line} (PX) is priced in CHF (hs_line_item_currency_code), its deal in EUR" in warning.reason
