"""The values of a hostile plan written to both sandbox CRMs, then a quiet night: what each CRM holds is what pac
wrote, so the second night writes nothing and restores nothing (real connectors, real client libraries; audit
wbvalues).

The shipped plan, with an axis named so that its title crosses Salesforce's 80 UTF-16 units on an emoji, holding a
flag, an accent written as e + combining acute and a control character (a YAML escape), and the plan in Auckland's
timezone (UTC+13 in January, UTC+12 in May: its days are not UTC's)."""

from __future__ import annotations

from pathlib import Path

from connectors.fit import units
from sandbox_crm.server import SandboxServer
from tests.integration.test_plan_state import Org

NAME = "Clients dormants Rhône-Alpes relancés avant l'ete\u0301\\x07 par l'équipe : 🚀🇫🇷 Villeurbanne et Lyon"
# the title as the CRMs should hold it: 76 characters, the rocket (2 units), « … »: 80 units; the flag left out whole
TITLE = "AX-RA-DORM Clients dormants Rhône-Alpes relancés avant l'ete\u0301 par l'équipe : 🚀…"


def test_a_hostile_plan_is_written_once_and_read_back_as_written(tmp_path: Path, server: SandboxServer) -> None:
    org = Org(tmp_path, server, ("sf-main", "hs-west"))
    org.edit_file("name: Clients dormants Rhône-Alpes", f'name: "{NAME}"')
    org.edit_file("timezone: Europe/Paris", "timezone: Pacific/Auckland")
    first = org.sync()
    assert first.plan is not None, first.errors
    assert not [e for e in first.errors if "AX-RA-DORM" in e], first.errors
    sf = org.sf_axis(first.plan_id, "AX-RA-DORM")
    hs = org.hs_axis(first.plan_id, "AX-RA-DORM")
    # the title: 80 UTF-16 units, cut before the flag it cannot hold whole, without the control character
    assert (sf["Name"], hs.props["pac_name"], units(TITLE)) == (TITLE, TITLE, 80)
    # the objective's period is the plan's year, in the plan's days
    assert (str(sf["PAC_Window_Start__c"]), str(sf["PAC_Window_End__c"])) == ("2027-01-01", "2027-12-31")
    assert (hs.props["pac_window_start"], hs.props["pac_window_end"]) == ("2027-01-01", "2027-12-31")
    # the French KPI line and advice, the same text on both CRMs
    assert sf["PAC_KPIs__c"] and sf["PAC_Advice__c"], (sf["PAC_KPIs__c"], sf["PAC_Advice__c"])
    assert (hs.props["pac_kpis"], hs.props["pac_advice"]) == (sf["PAC_KPIs__c"], sf["PAC_Advice__c"])
    assert "Taux de réactivation" in sf["PAC_KPIs__c"]
    second = org.sync()
    assert (second.written, second.drift, second.rewritten) == (0, [], []), (second.written, second.drift,
                                                                             second.changes)
