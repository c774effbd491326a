"""An action measurable by the plan's connectors, but not in the CRM its owner works in (ops audit F10: a HubSpot-only
rep's « Relance devis » action stayed at 0 with no warning, the Salesforce mapping reading that type)."""

from __future__ import annotations

from pathlib import Path

from connectors.hubspot.mapping import parse_mapping as parse_hubspot
from connectors.salesforce.mapping import parse_mapping as parse_salesforce
from pac_config.loader import load_yaml
from pac_config.planfile import load_plan
from sync_jobs.coverage import unmeasured, unmeasured_for_owners

CONFIG = Path(__file__).resolve().parents[2] / "config"
MARC = "marc.dubois@durand-process.example"


def _connectors() -> list[tuple[str, str, object]]:
    sf, sf_problems = parse_salesforce(load_yaml(CONFIG / "mappings" / "salesforce.demo.yaml"))
    hs, hs_problems = parse_hubspot(load_yaml(CONFIG / "mappings" / "hubspot.default.yaml"))
    assert not sf_problems and not hs_problems
    return [("sf-main", "salesforce", sf), ("hs-west", "hubspot", hs)]


def test_an_owner_only_in_the_crm_that_does_not_read_the_type_is_warned() -> None:
    """A-19 (Marc, « relance devis », quote_follow_up: Salesforce Events typed « Relance devis »; the shipped HubSpot
    mapping reads none) is measurable by the plan, so the plan-wide check says nothing; with Marc a user of
    hs-west only, the run warns of A-19 and of no other of his actions (his calls and meetings are read there)."""
    plan = load_plan(CONFIG / "plans" / "example.pac.yaml")
    connectors = _connectors()
    assert not [w for w in unmeasured(plan, connectors) if "A-19" in w]
    warnings = unmeasured_for_owners(plan, connectors, {"sf-main": set(), "hs-west": {MARC}})
    assert len(warnings) == 1 and warnings[0].startswith(
        "action A-19 counts 'quote_follow_up' activities, but its owner marc.dubois@durand-process.example works "
        "only in hs-west (hubspot), which does not read them"), warnings
    assert "hs-west:" in warnings[0]
    assert [a.id for a in plan.actions if a.who == MARC and a.id != "A-19"]      # his other actions: not warned
    assert unmeasured_for_owners(plan, connectors, {"sf-main": {MARC}, "hs-west": {MARC}}) == []
    assert unmeasured_for_owners(plan, connectors, {"sf-main": {MARC}, "hs-west": set()}) == []
