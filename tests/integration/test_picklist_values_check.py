"""An org and a portal provisioned before pac wrote the pace ``removed`` (« Retirée du plan »): their restricted
picklist ``PAC_Pace__c`` and their ``pac_pace`` dropdown lack it, so each write of it is refused. ``pac crm check``
(and ``pac config check --online``) compare the values pac writes with the org's describe ``picklistValues`` and the
portal's property ``options``, naming each missing value, its field and the fix, with no call more than the check
made before; the night's refusal names the same fix. Through simple-salesforce and hubspot-api-client against the
sandbox CRM, the shipped example plan spanning both CRMs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from connectors.hubspot.mapping import check_mapping_online as hs_check_online
from connectors.salesforce.mapping import check_mapping_online as sf_check_online
from sandbox_crm.server import SandboxServer
from sync_jobs import cli_crm
from sync_jobs.textsafe import console as make_console
from tests.fakes import sandbox_connectors
from tests.integration.test_plan_state import _plan_id
from tests.integration.test_retired_records import HS_ACTION, SF_ACTION, _block
from tests.integration.test_upgrade_new_axis_fields import Upgraded

SF_PACE = {("PAC_Axis__c", "PAC_Pace__c"), ("PAC_Action__c", "PAC_Pace__c")}
HS_PACE = {("pac_axis", "pac_pace"), ("pac_action", "pac_pace")}
DEPLOY = "sf project deploy start --source-dir force-app"


def _without_removed(server: SandboxServer, *, deactivate: bool = False) -> None:
    """Both CRMs as a pac of before the value ``removed`` provisioned them."""
    sf = server.api("salesforce")
    for obj, name in sorted(SF_PACE):
        sf.remove_picklist_value(obj, name, "removed", deactivate=deactivate)
    hs = server.api("hubspot")
    for obj, name in sorted(HS_PACE):
        hs.remove_option(obj, name, "removed")


@pytest.fixture
def old(tmp_path: Path, server: SandboxServer) -> Upgraded:
    return Upgraded.provisioned(tmp_path, server, _without_removed)


def _checked(org: Upgraded) -> tuple[dict[str, list[Any]], dict[str, dict[str, int]]]:
    """Each connector's schema issues, and the calls each check made by endpoint."""
    connectors = sandbox_connectors(org.settings, org.server, provision=False)
    try:
        return ({name: c.check_schema() for name, c in connectors.items()},
                {name: dict(c.usage().by_endpoint) for name, c in connectors.items()})
    finally:
        for c in connectors.values():
            c.close()


def test_crm_check_names_each_missing_value_its_field_and_the_fix(old: Upgraded) -> None:
    """Seen failing before the check compared picklist values: both checks found nothing ({} for each)."""
    issues, _ = _checked(old)
    sf = {(i.object, i.field): i for i in issues["sf-main"]}
    hs = {(i.object, i.field): i for i in issues["hs-west"]}
    assert set(sf) == SF_PACE and set(hs) == HS_PACE
    for (obj, name), issue in sf.items():
        assert issue.problem == (f"{obj}.{name} lacks the picklist value 'removed' (Removed from plan), which pac "
                                 "writes: the org refuses it (INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST)")
        assert DEPLOY in issue.fix and "add the value 'removed'" in issue.fix
        assert "`pac crm provision salesforce` does not change an existing picklist" in issue.fix
    for (_obj, name), issue in hs.items():
        assert issue.problem == f"{name} lacks the option 'removed' (Removed from plan), which pac writes: HubSpot " \
                                "refuses it"
        assert issue.fix == "run `pac crm provision hubspot` (it adds the missing options, values unchanged)"


def test_the_check_makes_no_call_more_for_the_values(old: Upgraded, server: SandboxServer) -> None:
    """The values come from the describes and properties reads the check made already: an org and a portal lacking
    a value cost the check the same calls as up-to-date ones."""
    _, lacking = _checked(old)
    server.api("salesforce").org.schema["PAC_Axis__c"].fields["PAC_Pace__c"].picklist += ("removed",)
    server.api("salesforce").org.schema["PAC_Action__c"].fields["PAC_Pace__c"].picklist += ("removed",)
    for c in sandbox_connectors(old.settings, server).values():     # HubSpot's provisioning adds the option back
        c.close()
    issues, clean = _checked(old)
    assert issues == {"sf-main": [], "hs-west": []}
    assert lacking == clean
    assert clean["sf-main"].get("sobjects", 0) > 0 and sum(clean["hs-west"].values()) > 0


def test_an_inactive_value_is_named_as_inactive(tmp_path: Path, server: SandboxServer) -> None:
    """A value deactivated in Setup is still in describe (``active`` false) and refused all the same."""
    org = Upgraded(tmp_path, server, ("sf-main",))
    for c in sandbox_connectors(org.settings, server).values():
        c.close()
    server.api("salesforce").remove_picklist_value("PAC_Action__c", "PAC_Pace__c", "removed", deactivate=True)
    issues, _ = _checked(org)
    [issue] = issues["sf-main"]
    assert (issue.object, issue.field) == ("PAC_Action__c", "PAC_Pace__c")
    assert "has the picklist value 'removed' (Removed from plan) inactive" in issue.problem
    assert "activate the value 'removed'" in issue.fix


def test_provisioning_hubspot_adds_the_option_and_the_check_is_clean(old: Upgraded) -> None:
    connectors = sandbox_connectors(old.settings, old.server, provision=False)
    try:
        done = connectors["hs-west"].provision_schema()
        assert any("pac_pace" in line for line in done), done
        assert connectors["hs-west"].check_schema() == []
        connectors["sf-main"].provision_schema()      # creates missing fields only: the values stay missing
        assert {(i.object, i.field) for i in connectors["sf-main"].check_schema()} == SF_PACE
    finally:
        for c in connectors.values():
            c.close()


def test_online_mapping_checks_name_them_too(old: Upgraded) -> None:
    """`pac config check --online` of each mapping reports the missing values at the write-back keys."""
    connectors = sandbox_connectors(old.settings, old.server, provision=False)
    try:
        sf, hs = connectors["sf-main"], connectors["hs-west"]
        sf_problems = [str(p) for p in sf_check_online(sf.mapping, sf)]
        hs_problems = [str(p) for p in hs_check_online(hs.mapping, hs)]
    finally:
        for c in connectors.values():
            c.close()
    assert sorted(p.split(":")[0] for p in sf_problems) == ["writeback.action.fields.pace",
                                                            "writeback.axis.fields.pace"], sf_problems
    assert all("lacks the picklist value 'removed'" in p and DEPLOY in p for p in sf_problems)
    assert len(hs_problems) == 2 and all("pac_pace lacks the option 'removed'" in p and "pac crm provision hubspot"
                                         in p for p in hs_problems), hs_problems


def test_pac_crm_check_prints_them(old: Upgraded, capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """What `pac crm check` prints for such an org: the table names the fields, the values and the fix, and the
    closing line does not send a Salesforce admin to provisioning, which would not add the value."""
    monkeypatch.setenv("COLUMNS", "400")       # the table's rows unwrapped
    connectors = sandbox_connectors(old.settings, old.server, provision=False)
    console = make_console(soft_wrap=True)
    codes = [cli_crm._check_one(c.crm, name, lambda c=c: c, console) for name, c in connectors.items()]
    out = capsys.readouterr().out
    assert codes == [2, 2]
    assert out.count("lacks the picklist value 'removed'") == 2 and out.count("lacks the option 'removed'") == 2
    assert "`pac crm provision salesforce` creates" not in out
    assert out.count("run `pac crm provision hubspot` (it adds the missing options, values unchanged)") == 2
    assert "`pac crm provision salesforce` fixes none of these: each needs what its fix says" in out


def test_the_night_refusal_names_the_fix(old: Upgraded) -> None:
    """An action removed from the plan is marked ``removed``: the org and the portal refuse it, and the run's error
    says what to do, not only the CRM's words. Seen failing before: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: Pace:
    bad value for restricted picklist field: removed (refused)' and 'removed was not one of the allowed options for
    property "pac_pace"', with no fix."""
    old.sync()
    text = old.plan.read_text(encoding="utf-8")
    old.plan.write_text(text.replace(_block(text, SF_ACTION), "").replace(_block(text, HS_ACTION), ""),
                        encoding="utf-8")
    night = old.sync()
    plan_id = _plan_id(old)
    [sf_error] = [e for e in night.errors if e.startswith(f"sf-main {plan_id}:{SF_ACTION}")]
    [hs_error] = [e for e in night.errors if e.startswith(f"hs-west {plan_id}:{HS_ACTION}")]
    assert "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST" in sf_error
    assert re.search(r"PAC_Action__c\.PAC_Pace__c lacks the value 'removed'.*" + re.escape(DEPLOY), sf_error), sf_error
    assert "pac crm check" in sf_error
    assert "pac_pace lacks the option 'removed'" in hs_error and "run `pac crm provision hubspot`" in hs_error
