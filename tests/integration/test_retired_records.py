"""An action removed from the plan file (audit B F4): pac retires the record it owns in each CRM, without deleting
it: its pace becomes "removed" (« Retirée du plan » / "Removed from plan"), its last figures are kept, it is no
longer updated, ``pac sync`` (and ``--dry-run``) says it, one line per record; put back in the plan, it is updated
as any other. Through simple-salesforce and hubspot-api-client against the sandbox CRM, the shipped example plan
(a copy we edit) spanning both CRMs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from sandbox_crm.server import SandboxServer
from sync_jobs.pipeline import RunResult, run_sync
from tests.fakes import sandbox_connectors
from tests.integration.test_plan_state import BOTH, Org, _plan_id

SF_ACTION, HS_ACTION = "A-02", "A-09"     # Marc Dubois (a Salesforce user), Hugo Lambert (a HubSpot owner)


@pytest.fixture
def both(tmp_path: Path, server: SandboxServer) -> Org:
    # six runs within seconds (nightly runs are a day apart): with the tests' no-wait retries the portal's rolling
    # 10-second window (190 calls) never rolls, and the sixth run's 23rd call was refused once the no-change run
    # gained its archived line items' call
    server.api("hubspot").limits.ten_second_limit = 1_000_000
    return Org(tmp_path, server, BOTH)


def _block(text: str, action_id: str) -> str:
    m = re.search(rf"\n  - id: {action_id}\n.*?(?=\n  - id: |\n\n[^ ]|\Z)", text, re.S)
    assert m is not None, action_id
    return m.group(0)


def _sf_action(org: Org, key: str) -> dict[str, Any]:
    [row] = org.server.api("salesforce").find("PAC_Action__c", PAC_Key__c=key)
    return row


def _hs_action(org: Org, key: str) -> dict[str, Any]:
    api = org.server.api("hubspot")
    rows = [o.props for name in ("pac_action", "tasks") if (table := api.table(name)) is not None
            for o in table.rows.values() if o.props.get("pac_key") == key]
    assert len(rows) == 1, rows
    return rows[0]


def _hs_axis_links(org: Org, key: str) -> set[str]:
    """The keys of the axis records the HubSpot action record ``key`` is associated with."""
    api = org.server.api("hubspot")
    [action] = [o.id for o in api.table("pac_action").rows.values() if o.props.get("pac_key") == key]
    axes = {o.id: o.props["pac_key"] for o in api.table("pac_axis").rows.values()}
    return {axes[i] for i in api.links.get(("pac_action", "pac_axis"), {}).get(action) or ()}


def _dry(org: Org) -> RunResult:
    connectors = sandbox_connectors(org.settings, org.server)
    try:
        return run_sync(None, org.settings, connectors=connectors, dry_run=True)
    finally:
        for c in connectors.values():
            c.close()


def test_an_action_removed_from_the_plan_is_marked_removed_in_its_crm_and_left_alone(both: Org) -> None:
    first = both.sync()
    plan_id = _plan_id(both)
    sf_key, hs_key = f"{plan_id}:{SF_ACTION}", f"{plan_id}:{HS_ACTION}"
    quiet = both.sync()
    assert quiet.written == 0 and not quiet.retired
    before_sf, before_hs = dict(_sf_action(both, sf_key)), dict(_hs_action(both, hs_key))
    assert before_sf["PAC_Pace__c"] != "removed" and before_hs["pac_pace"] != "removed"
    text = both.plan.read_text(encoding="utf-8")
    removed = {a: _block(text, a) for a in (SF_ACTION, HS_ACTION)}
    both.plan.write_text(text.replace(removed[SF_ACTION], "").replace(removed[HS_ACTION], ""), encoding="utf-8")

    dry = _dry(both)
    assert sorted(dry.retired) == [f"{SF_ACTION}: no longer in the plan, would be marked removed in sf-main (dry run)",
                                   f"{HS_ACTION}: no longer in the plan, would be marked removed in hs-west "
                                   "(dry run)"]
    sent = {(n, c.key): dict(c.fields) for n, changes in dry.changes.items() for c in changes}
    assert {k: v["pace"] for k, v in sent.items() if k[1] in (sf_key, hs_key)} == {
        ("sf-main", sf_key): "removed", ("hs-west", hs_key): "removed"}
    assert set(sent[("sf-main", sf_key)]) == {"pace", "last_synced"}
    assert _sf_action(both, sf_key)["PAC_Pace__c"] == before_sf["PAC_Pace__c"]     # a dry run writes nothing

    third = both.sync()
    assert sorted(third.retired) == [f"{SF_ACTION}: no longer in the plan, marked removed in sf-main",
                                     f"{HS_ACTION}: no longer in the plan, marked removed in hs-west"], third.errors
    sf_row, hs_row = _sf_action(both, sf_key), _hs_action(both, hs_key)
    assert sf_row["PAC_Pace__c"] == "removed" and hs_row["pac_pace"] == "removed"
    # not deleted, its last figures kept (history, the reps' links)
    assert (sf_row["PAC_Done__c"], sf_row["PAC_Target__c"]) == (before_sf["PAC_Done__c"], before_sf["PAC_Target__c"])
    assert hs_row["pac_done"] == before_hs["pac_done"]
    assert _hs_axis_links(both, hs_key) == set()      # off its axis record's actions card (audit hspkg F2)

    fourth = both.sync()
    assert fourth.written == 0 and not fourth.retired, fourth.changes
    assert {n: a["calls"] for n, a in fourth.api.items()} == {n: a["calls"] for n, a in quiet.api.items()}

    both.plan.write_text(text, encoding="utf-8")         # put back: updated as any action again
    fifth = both.sync()
    assert not fifth.retired
    assert _sf_action(both, sf_key)["PAC_Pace__c"] == before_sf["PAC_Pace__c"]
    assert _hs_action(both, hs_key)["pac_pace"] == before_hs["pac_pace"]
    assert _hs_axis_links(both, hs_key) == {before_hs["pac_axis_key"]}
    assert first.plan is not None


def test_retired_names_axes_and_actions_no_longer_in_the_plan_only() -> None:
    """From what was last written to each CRM (no CRM call): an axis and an action gone from the plan are retired
    in the CRM that holds them; an account row, and a record still in the plan (even routed elsewhere), are not."""
    from types import SimpleNamespace

    from connectors.base import Target
    from sync_jobs import diff

    row = SimpleNamespace(crm_id="x", fields={"pace": "on_track"})
    desired = {(Target.AXIS, "p:AX-1"): {}, (Target.ACTION, "p:A-01"): {}}
    written = {"sf-main": {("axis", "p:AX-1"): row, ("axis", "p:AX-9"): row, ("action", "p:A-91"): row,
                           ("account", "001"): row},
               "hs-west": {("action", "p:A-01"): row}}
    assert diff.retired(desired, written) == {"sf-main": [(Target.ACTION, "p:A-91"), (Target.AXIS, "p:AX-9")],
                                              "hs-west": []}
    assert diff.retired_line("p:AX-9", "sf-main") == "AX-9: no longer in the plan, marked removed in sf-main"
