"""A HubSpot line item priced in another currency than its deal (``hs_line_item_currency_code``: the line items API
takes any currency the portal has, audit sffamily F2), synced by the real pipeline through hubspot-api-client against
the sandbox portal: the line keeps its own currency in the store, and the engine converts it with the settings'
``engine.fx_rates`` (audit products F2), or counts it 0 with a data-quality warning naming the rate to add."""

from __future__ import annotations

from pathlib import Path

from connectors.hubspot.mapping import default_mapping_path
from pac_config.settings import load_settings
from tests.fakes import SeededPortal, audit_plan, one_connector_settings

PLAN = audit_plan("Lines", "en", """\
  - id: A-1
    axis: AX-RA
    text: "Visit clients in Q2"
    who: julie@audit.example
    what: {activity: visit, count: 10, counting: activities}
    when: "Q2 2027"
    status: in_progress
""").replace("actions:\n", "  - id: AX-PX\n    name: PX pumps\n    segment: S-RA\n"
             "    scope: {account_type: Client, product: PX}\n    status: active\n"
             "    objective: {additional_revenue: 10000, baseline: 0, margin_rate: 0.3, budget: 1000}\nactions:\n", 1)


def _portal(portal: SeededPortal) -> str:
    """Julie's client won an EUR deal of 800 holding a PX line of CHF 500 (created through the API)."""
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
    return deal


def test_a_line_in_a_currency_no_rate_converts_is_a_data_quality_warning(tmp_path: Path) -> None:
    """No CHF in engine.fx_rates: the client axis counts the deal's 800 (its own amount is unchanged), the PX axis 0,
    and the run's evaluation warns on the deal (``line_unknown_currency``) naming the line, CHF, EUR and the rate to
    add. Before audit sffamily F2: no warning, the CHF 500 counted 500 € on the PX axis."""
    with SeededPortal() as portal:
        deal = _portal(portal)
        portal.serve()
        portal.settings = one_connector_settings(tmp_path, PLAN, "hs-s", default_mapping_path(), "lines")
        result = portal.sync()
    assert result.evaluation.axis("AX-RA").revenue == 800
    assert result.evaluation.axis("AX-PX").revenue == 0
    [warning] = [w for w in result.evaluation.warnings if w.rule == "line_unknown_currency"]
    assert warning.record_id == deal
    assert warning.detail == ("line PX is priced in CHF, its deal in EUR: counted 0 on product axes, no exchange rate "
                              "for CHF into EUR (add it to engine.fx_rates in pac.yaml)")
    # listed with the run's data-quality warnings (pac sync, pac status)
    assert [(w.object, w.id) for w in result.warnings if w.reason.startswith("line_unknown_currency: ")] == [
        ("deals", deal)]


def test_a_line_in_another_currency_is_converted_with_the_settings_rates(tmp_path: Path) -> None:
    """engine.fx_rates {CHF: 0.95} in pac.yaml: the PX axis counts CHF 500 x 0.95 = 475.00 €, read back from the
    store (the line keeps its currency there), with no warning. Failed before (audit products F2): 0, the line
    stored with no amount whatever the plan's rates."""
    with SeededPortal() as portal:
        _portal(portal)
        portal.serve()
        one_connector_settings(tmp_path, PLAN, "hs-s", default_mapping_path(), "lines")
        pac_yaml = tmp_path / "pac.yaml"
        pac_yaml.write_text(pac_yaml.read_text(encoding="utf-8") + "engine:\n  fx_rates: {CHF: 0.95}\n",
                            encoding="utf-8")
        portal.settings = load_settings(pac_yaml, env={})
        result = portal.sync()
    assert result.evaluation.axis("AX-PX").revenue == 475
    assert result.evaluation.axis("AX-RA").revenue == 800
    assert not [w for w in result.evaluation.warnings if w.rule == "line_unknown_currency"]
