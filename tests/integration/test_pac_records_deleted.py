"""PAC records pac wrote and someone deleted in the CRM (sflife F2, hslife H4), or reassigned there (sflife F3).

A PAC action or axis record deleted by an admin (Salesforce Recycle Bin, HubSpot archive) is written again in full
by the next full reconciliation (``pac sync --full``, which lists the PAC records anyway), and by the first write
whose upsert creates it again (Salesforce ``created: true``, HubSpot ``new: true``): owner, text, plan, axis link
included, never a half-empty record. An action's owner changed in Salesforce is put back to the plan's ``who``, with a
"restored" line naming the fix. Through simple-salesforce and hubspot-api-client against the sandbox CRM, on a copy
of the shipped example plan spanning both CRMs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sandbox_crm.server import SandboxServer
from tests.integration.test_plan_state import BOTH, Org, _plan_id

TARGET_5 = 'what: {activity: visite, count: 5, counting: comptes distincts, scope: {departement: "69"'
TARGET_6 = 'what: {activity: visite, count: 6, counting: comptes distincts, scope: {departement: "69"'
A08_6 = "what: {activity: visite, count: 6, scope: {departement: Haute-Garonne"
A08_8 = "what: {activity: visite, count: 8, scope: {departement: Haute-Garonne"
JULIE, MARC = "julie.martin@durand-process.example", "marc.dubois@durand-process.example"


@pytest.fixture
def both(tmp_path: Path, server: SandboxServer) -> Org:
    server.api("hubspot").limits.ten_second_limit = 1_000_000     # several runs within seconds
    return Org(tmp_path, server, BOTH)


def _live(org: Org, sobject: str, key: str) -> list[dict[str, Any]]:
    return [r for r in org.server.api("salesforce").find(sobject, PAC_Key__c=key) if not r["IsDeleted"]]


def _user_id(org: Org, email: str) -> str:
    [user] = org.server.api("salesforce").find("User", Email=email)
    return str(user["Id"])


def _complete_sf_action(org: Org, key: str, axis_key: str) -> dict[str, Any]:
    [row] = _live(org, "PAC_Action__c", key)
    [axis] = _live(org, "PAC_Axis__c", axis_key)
    assert row["Name"] and row["PAC_Text__c"] and row["PAC_Plan__c"], row
    assert row["OwnerId"] == _user_id(org, JULIE)
    assert row["PAC_Axis__c"] == axis["Id"] and row["PAC_Axis_Key__c"] == axis_key
    return row


def _hs_live(org: Org, table: str, key: str) -> list[Any]:
    return [o for o in org.server.api("hubspot").table(table).rows.values() if o.props.get("pac_key") == key]


def test_sf_action_deleted_is_written_again_in_full_by_the_full_reconciliation(both: Org) -> None:
    both.sync()
    both.sync()         # the PAC records' watermark is past pac's first writes: the next night reads changes only
    plan_id = _plan_id(both)
    key, axis_key = f"{plan_id}:A-01", f"{plan_id}:AX-RA-DORM"
    before = _complete_sf_action(both, key, axis_key)
    both.server.api("salesforce").delete("PAC_Action__c", before["Id"])

    quiet = both.sync()         # an incremental night does not list the PAC records: nothing to see yet
    assert quiet.status == "ok" and not _live(both, "PAC_Action__c", key)
    full = both.sync(full=True)
    assert full.status == "ok", full.errors
    row = _complete_sf_action(both, key, axis_key)
    assert row["Id"] != before["Id"]
    assert {f: row[f] for f in ("Name", "PAC_Text__c", "PAC_Plan__c", "PAC_Target__c", "PAC_Done__c", "PAC_Pace__c")} \
        == {f: before[f] for f in ("Name", "PAC_Text__c", "PAC_Plan__c", "PAC_Target__c", "PAC_Done__c",
                                   "PAC_Pace__c")}
    assert any("A-01" in line and "no longer in the CRM" in line for line in full.drift), full.drift
    again = both.sync(full=True)
    assert again.written == 0 and not again.drift, (again.written, again.drift)


def test_sf_action_deleted_then_changed_is_recreated_complete_by_its_upsert(both: Org) -> None:
    both.sync()
    both.sync()         # past pac's first writes: the next night reads the PAC records changed since only
    plan_id = _plan_id(both)
    key, axis_key = f"{plan_id}:A-01", f"{plan_id}:AX-RA-DORM"
    before = _complete_sf_action(both, key, axis_key)
    both.server.api("salesforce").delete("PAC_Action__c", before["Id"])
    both.edit_file(TARGET_5, TARGET_6)       # its target changes: the next upsert creates the record again

    result = both.sync()
    assert result.status == "ok", result.errors
    row = _complete_sf_action(both, key, axis_key)
    assert row["PAC_Target__c"] == 6 and row["Id"] != before["Id"]
    assert any("A-01" in line and "created again" in line for line in result.drift), result.drift
    assert not any("no longer in the CRM" in line for line in result.drift), result.drift
    assert both.sync().written == 0


def test_sf_axis_deleted_is_recreated_and_its_actions_linked_again(both: Org) -> None:
    both.sync()
    plan_id = _plan_id(both)
    axis_key = f"{plan_id}:AX-RA-DORM"
    [axis] = _live(both, "PAC_Axis__c", axis_key)
    api = both.server.api("salesforce")
    kids = [r["Id"] for r in api.find("PAC_Action__c", PAC_Axis__c=axis["Id"])]
    assert len(kids) == 2
    api.delete("PAC_Axis__c", axis["Id"])
    for kid in kids:        # deleteConstraint SetNull (force-app PAC_Action__c.PAC_Axis__c): the lookup is cleared
        api.edit("PAC_Action__c", kid, PAC_Axis__c=None)

    result = both.sync(full=True)
    assert result.status == "ok", result.errors
    [new] = _live(both, "PAC_Axis__c", axis_key)
    assert new["Name"] and new["PAC_Plan__c"] and new["PAC_Status__c"] == axis["PAC_Status__c"], new
    assert [api.row("PAC_Action__c", k)["PAC_Axis__c"] for k in kids] == [new["Id"], new["Id"]]


@pytest.mark.parametrize("stamped", [True, False], ids=["lookup-cleared-stamped", "stamps-unchanged"])
def test_sf_axis_deleted_then_changed_links_its_actions_on_the_recreating_write(both: Org, stamped: bool) -> None:
    """Whether Salesforce moves the children's SystemModstamp when it clears their lookup is not documented: with
    the stamp moved, drift repair reads the cleared lookup; without, the axis's recreating write relinks them."""
    both.sync()
    both.sync()         # past pac's first writes: the next night reads the PAC records changed since only
    plan_id = _plan_id(both)
    axis_key = f"{plan_id}:AX-RA-DORM"
    [axis] = _live(both, "PAC_Axis__c", axis_key)
    api = both.server.api("salesforce")
    kids = [r["Id"] for r in api.find("PAC_Action__c", PAC_Axis__c=axis["Id"])]
    api.delete("PAC_Axis__c", axis["Id"])
    for kid in kids if stamped else ():
        api.edit("PAC_Action__c", kid, PAC_Axis__c=None)
    both.edit_file(TARGET_5, TARGET_6)       # A-01's target moves its axis's figures: an incremental write

    result = both.sync()
    assert result.status == "ok", result.errors
    assert any("AX-RA-DORM" in line and "created again" in line for line in result.drift), result.drift
    if not stamped:
        assert any("AX-RA-DORM" in line and "its 2 action(s) linked to it again" in line for line in result.drift)
    [new] = _live(both, "PAC_Axis__c", axis_key)
    assert new["Name"] and new["PAC_Plan__c"] and new["PAC_Status__c"], new
    assert [api.row("PAC_Action__c", k)["PAC_Axis__c"] for k in kids] == [new["Id"], new["Id"]]


def test_hs_action_archived_is_written_again_in_full_by_the_full_reconciliation(both: Org) -> None:
    both.sync()
    plan_id = _plan_id(both)
    key = f"{plan_id}:A-08"
    [before] = _hs_live(both, "pac_action", key)
    both.server.api("hubspot").archive("pac_action", before.id)

    result = both.sync(full=True)
    assert result.status == "ok", result.errors
    [new] = _hs_live(both, "pac_action", key)
    assert new.id != before.id
    wanted = ("pac_name", "hubspot_owner_id", "pac_axis_key", "pac_target", "pac_status", "pac_window_end")
    assert {p: new.props.get(p) for p in wanted} == {p: before.props.get(p) for p in wanted}
    assert any("A-08" in line and "no longer in the CRM" in line for line in result.drift), result.drift
    assert both.sync(full=True).written == 0


def test_hs_action_archived_then_changed_is_recreated_complete_without_error(both: Org) -> None:
    both.sync()
    both.sync()         # past pac's first writes: the next night reads the PAC records changed since only
    plan_id = _plan_id(both)
    key = f"{plan_id}:A-08"
    [before] = _hs_live(both, "pac_action", key)
    both.server.api("hubspot").archive("pac_action", before.id)
    both.edit_file(A08_6, A08_8)

    result = both.sync()
    assert result.status == "ok", result.errors
    assert any("A-08" in line and "created again" in line for line in result.drift), result.drift
    [new] = _hs_live(both, "pac_action", key)
    assert new.props.get("pac_target") == "8"
    wanted = ("pac_name", "hubspot_owner_id", "pac_axis_key", "pac_status", "pac_window_end")
    assert {p: new.props.get(p) for p in wanted} == {p: before.props.get(p) for p in wanted}


def test_sf_action_owner_changed_in_salesforce_is_restored_to_the_plans_who(both: Org) -> None:
    both.sync()
    plan_id = _plan_id(both)
    key = f"{plan_id}:A-01"
    [row] = _live(both, "PAC_Action__c", key)
    both.server.api("salesforce").edit("PAC_Action__c", row["Id"], OwnerId=_user_id(both, MARC))

    result = both.sync()
    assert result.status == "ok", result.errors
    assert both.server.api("salesforce").row("PAC_Action__c", row["Id"])["OwnerId"] == _user_id(both, JULIE)
    [line] = [d for d in result.drift if "A-01" in d]
    assert MARC in line and JULIE in line and "change `who` in the plan" in line, line
    assert not both.sync().drift


def test_sf_action_owner_changed_while_its_rep_is_deactivated_is_left_alone(both: Org) -> None:
    both.sync()
    plan_id = _plan_id(both)
    key = f"{plan_id}:A-01"
    [row] = _live(both, "PAC_Action__c", key)
    api = both.server.api("salesforce")
    api.edit("User", _user_id(both, JULIE), IsActive=False)
    api.edit("PAC_Action__c", row["Id"], OwnerId=_user_id(both, MARC))

    result = both.sync(full=True)
    assert api.row("PAC_Action__c", row["Id"])["OwnerId"] == _user_id(both, MARC)
    assert not [d for d in result.drift if "A-01" in d], result.drift


def test_hs_action_owner_changed_in_hubspot_is_restored_to_the_plans_who(both: Org) -> None:
    both.sync()
    plan_id = _plan_id(both)
    key = f"{plan_id}:A-08"
    api = both.server.api("hubspot")
    [record] = _hs_live(both, "pac_action", key)
    owner_of = {o["email"]: str(o["id"]) for o in api.owners if o.get("email")}
    lea, hugo = owner_of["lea.rousseau@durand-process.example"], owner_of["hugo.lambert@durand-process.example"]
    assert record.props["hubspot_owner_id"] == lea
    api.update("pac_action", record.id, {"hubspot_owner_id": hugo})

    result = both.sync()
    assert result.status == "ok", result.errors
    assert record.props["hubspot_owner_id"] == lea
    [line] = [d for d in result.drift if "A-08" in d]
    assert "hugo.lambert@" in line and "change `who` in the plan" in line, line
    assert not both.sync().drift
