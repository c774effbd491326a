"""One plan, one truth (issue 10) end to end: the sandbox CRM (Salesforce and HubSpot) through the real client
libraries, the shipped example plan (a copy we edit) spanning both CRMs, or one CRM at a time."""

from __future__ import annotations

import os
import re
import shutil
import stat
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from pac_config.planfile import load_plan
from pac_config.settings import load_settings
from sandbox_crm.server import SandboxServer
from sync_jobs.cli import main
from sync_jobs.demo import write_demo_settings
from sync_jobs.pipeline import RunResult, run_sync
from sync_jobs.plan_pull import pull_plan
from sync_jobs.store import open_store, repo
from tests.fakes import sandbox_connectors

SHIPPED_PLAN = Path(__file__).resolve().parents[2] / "config" / "plans" / "example.pac.yaml"
AXIS = "AX-GC-QUOTES"          # active in the file
BOTH = ("sf-main", "hs-west")


class Org:
    """A sandbox, a copy of the example plan and settings for the given connectors."""

    def __init__(self, tmp: Path, server: SandboxServer, connectors: tuple[str, ...]) -> None:
        self.tmp, self.server = tmp, server
        self.plan = tmp / "plan.pac.yaml"
        shutil.copy(SHIPPED_PLAN, self.plan)
        os.utime(self.plan, (1_600_000_000, 1_600_000_000))       # written long before any CRM edit
        path = write_demo_settings(f"sqlite:///{tmp / 'pac.db'}", tmp / "pac.yaml")
        text = path.read_text(encoding="utf-8").replace(str(SHIPPED_PLAN), str(self.plan))
        text = re.sub(r"connectors: \[[^\]]*\]", f"connectors: [{', '.join(connectors)}]", text)
        path.write_text(text, encoding="utf-8")
        self.settings = load_settings(path, env={})

    def sync(self, *, full: bool = False) -> RunResult:
        connectors = sandbox_connectors(self.settings, self.server)
        try:
            return run_sync(None, self.settings, connectors=connectors, full=full)
        finally:
            for c in connectors.values():
                c.close()

    def edit_file(self, old: str, new: str, *, at: datetime | None = None) -> None:
        text = self.plan.read_text(encoding="utf-8")
        assert old in text
        self.plan.write_text(text.replace(old, new, 1), encoding="utf-8")
        if at is not None:
            os.utime(self.plan, (at.timestamp(), at.timestamp()))

    # -- the CRMs' PAC records ----------------------------------------------------------------
    def sf_axis(self, plan_id: str, axis: str = AXIS) -> dict[str, Any]:
        [row] = self.server.api("salesforce").find("PAC_Axis__c", PAC_Key__c=f"{plan_id}:{axis}")
        return row

    def hs_axis(self, plan_id: str, axis: str = AXIS) -> Any:
        table = self.server.api("hubspot").table("pac_axis")
        [obj] = [o for o in table.rows.values() if o.props.get("pac_key") == f"{plan_id}:{axis}"]
        return obj

    def hs_user(self, email: str) -> int:
        return next(o["userId"] for o in self.server.api("hubspot").owners if o.get("email") == email)

    def states(self) -> dict[tuple[str, str, str], Any]:
        engine = open_store(self.settings.database())
        try:
            return repo.field_states(engine, _plan_id(self))
        finally:
            engine.dispose()


def _plan_id(org: Org) -> str:
    from pac_config.planfile import load_plan

    return load_plan(org.plan).id


@pytest.fixture
def both(tmp_path: Path, server: SandboxServer) -> Org:
    return Org(tmp_path, server, BOTH)


def _status_of(result: RunResult, axis: str = AXIS) -> str:
    assert result.plan is not None
    return result.plan.axis(axis).status.state.value


NATHALIE = "nathalie.garnier@durand-process.example"


class TestFileEdits:
    def test_a_status_changed_in_the_file_reaches_both_crms_and_stays(self, both: Org) -> None:
        """Suspended in the file after two syncs: both CRMs show it on the next run, and a run after writes nothing
        (pac's own writes read back are not edits that would outrank the file)."""
        first = both.sync()
        both.sync()
        assert both.sf_axis(first.plan_id)["PAC_Status__c"] == "active"
        both.edit_file("    segment: S-GC\n    status: active",
                       "    segment: S-GC\n    status: {state: abandonné, reason: 'no budget'}", at=datetime.now(UTC))
        third = both.sync()
        assert _status_of(third) == "dropped", third.errors
        assert both.sf_axis(first.plan_id)["PAC_Status__c"] == "dropped"
        assert both.hs_axis(first.plan_id).props["pac_status"] == "dropped"
        fourth = both.sync()
        assert _status_of(fourth) == "dropped" and fourth.written == 0 and not fourth.conflicts
        assert both.sf_axis(first.plan_id)["PAC_Status__c"] == "dropped"
        states = both.states()
        assert {s.source for s in states.values()} == {"file"}

    def test_salesforce_only_plan_takes_an_action_target_from_the_file(self, tmp_path: Path,
                                                                       server: SandboxServer) -> None:
        """On a Salesforce-only plan, a target changed in the file replaces the CRM's on the next run."""
        org = Org(tmp_path, server, ("sf-main",))
        first = org.sync()
        org.edit_file("what: {activity: visite, count: 5,", "what: {activity: visite, count: 7,",
                      at=datetime.now(UTC))
        second = org.sync()
        [row] = server.api("salesforce").find("PAC_Action__c", PAC_Key__c=f"{first.plan_id}:A-01")
        assert second.plan is not None and second.plan.action("A-01").target == 7
        assert row["PAC_Target__c"] == 7


class TestOneCrm:
    def test_hubspot_only_a_file_change_reaches_hubspot_and_stays(self, tmp_path: Path, server: SandboxServer) -> None:
        """On a HubSpot-only plan, pac's own values read back on the second run are not edits: a status changed in
        the file afterwards reaches HubSpot and stays (it used to be outranked by pac's own echo)."""
        org = Org(tmp_path, server, ("hs-west",))
        first = org.sync()
        org.sync()
        org.edit_file("    segment: S-GC\n    status: active",
                      "    segment: S-GC\n    status: {state: abandonné, reason: 'no budget'}", at=datetime.now(UTC))
        third = org.sync()
        assert _status_of(third) == "dropped" and org.hs_axis(first.plan_id).props["pac_status"] == "dropped"
        fourth = org.sync()
        assert _status_of(fourth) == "dropped" and fourth.written == 0
        assert {s.source for s in org.states().values()} == {"file"}

    def test_salesforce_only_a_due_date_set_by_a_manager_reaches_the_plan_and_the_file(
            self, tmp_path: Path, server: SandboxServer) -> None:
        """A manager moves A-01's due date in Salesforce (week 18 -> 14 May): the plan's window ends then, and
        `pac plan pull` writes the range into the file's `when`."""
        org = Org(tmp_path, server, ("sf-main",))
        first = org.sync()
        sf = server.api("salesforce")
        [row] = sf.find("PAC_Action__c", PAC_Key__c=f"{first.plan_id}:A-01")
        assert row["PAC_Window_End__c"] in ("2027-05-09", date(2027, 5, 9))
        sf.edit("PAC_Action__c", row["Id"], by=sf.ids["u-nathalie-sf"], PAC_Window_End__c="2027-05-14")
        second = org.sync()
        assert second.plan is not None
        window = second.plan.action("A-01").window
        assert (window.start.date(), window.end.date()) == (date(2027, 5, 3), date(2027, 5, 15))
        assert second.written == 0 or all("window_end" not in c.fields for c in second.changes["sf-main"])

        from sync_jobs.plan_pull import pull_plan

        [change] = pull_plan(org.settings, None)
        assert (change.item, change.field, change.new) == ("A-01", "when", "du 3 au 14 mai 2027")
        assert 'when: "du 3 au 14 mai 2027"' in org.plan.read_text(encoding="utf-8")
        assert "statement says semaine 18 (2027-05-03 to 2027-05-09)" in change.note
        assert org.sync().written == 0


class TestCrmEdits:
    def test_a_hubspot_edit_by_a_person_reaches_the_plan_salesforce_and_the_file(self, both: Org) -> None:
        """Nathalie suspends the axis in HubSpot: the plan takes it (from her, by name), Salesforce gets it, and
        `pac plan pull` writes it into the file, comments kept."""
        first = both.sync()
        obj = both.hs_axis(first.plan_id)
        both.server.api("hubspot").update("pac_axis", obj.id, {"pac_status": "suspended"},
                                          by_user=both.hs_user(NATHALIE))
        second = both.sync()
        assert _status_of(second) == "suspended"
        assert both.sf_axis(first.plan_id)["PAC_Status__c"] == "suspended" and not second.conflicts
        # the reason the report shows, in the plan's language (audit planstate F4: was "changed in the CRM by the
        # manager", English, with neither who nor when)
        assert second.plan is not None
        reason = second.plan.axis(AXIS).status.reason
        assert re.fullmatch(r"suspendu dans hs-west \(Nathalie Garnier\) le \d+(er)? \w+ \d{4}", reason), reason
        state = both.states()[("axis", f"{first.plan_id}:{AXIS}", "axis_status")]
        assert (state.source, state.connector, state.who_name) == ("crm", "hs-west", "Nathalie Garnier")
        third = both.sync()
        assert third.written == 0 and _status_of(third) == "suspended"

        from sync_jobs.plan_pull import pull_plan

        changes = pull_plan(both.settings, None)
        text = both.plan.read_text(encoding="utf-8")
        day = state.changed_at.replace(tzinfo=UTC).astimezone(ZoneInfo("Europe/Paris")).date().isoformat()
        assert [(c.item, c.field, c.new) for c in changes] == [(AXIS, "status", "suspended"), (AXIS, "since", day)]
        assert f'    segment: S-GC\n    status: {{state: suspended, reason: "{reason}"' in text
        shipped = SHIPPED_PLAN.read_text(encoding="utf-8").splitlines()
        changed = [n for n, (a, b) in enumerate(zip(shipped, text.splitlines(), strict=True)) if a != b]
        assert len(changed) == 1 and text.splitlines()[changed[0]].startswith("    status: {state: suspended")
        assert "# Étape 5 : les actions" in text          # comments kept
        assert both.sync().written == 0                     # the file now agrees: nothing to write

    def test_a_salesforce_edit_by_a_manager_reaches_hubspot(self, both: Org) -> None:
        """A manager (not the integration user) sets the action's target in Salesforce: the plan and HubSpot follow
        for records both hold (axes); the action's own CRM keeps it."""
        first = both.sync()
        sf = both.server.api("salesforce")
        row = both.sf_axis(first.plan_id)
        sf.edit("PAC_Axis__c", row["Id"], by=sf.ids["u-nathalie-sf"], PAC_Status__c="dropped")
        second = both.sync()
        assert _status_of(second) == "dropped"
        assert both.hs_axis(first.plan_id).props["pac_status"] == "dropped"
        state = both.states()[("axis", f"{first.plan_id}:{AXIS}", "axis_status")]
        assert (state.source, state.who_id, state.who_name) == ("crm", sf.ids["u-nathalie-sf"], "Nathalie Garnier")

    def test_a_rank_already_given_is_refused_alone_and_the_target_edit_applies(
            self, tmp_path: Path, server: SandboxServer) -> None:
        """The same night in Salesforce Nathalie sets A-01's target 5 -> 8 and gives AX-GC-QUOTES priority 1, which
        AX-PHARMA-MX50 holds: the run applies the target (plan, store) and refuses the rank alone, reported with the
        run's problems and kept in `pac history` as refused; Salesforce gets the axis's priority back.
        Failed before: the run refused every edit (target 5) while the history said the target was applied."""
        org = Org(tmp_path, server, ("sf-main",))
        first = org.sync()
        sf = server.api("salesforce")
        [action] = sf.find("PAC_Action__c", PAC_Key__c=f"{first.plan_id}:A-01")
        sf.edit("PAC_Action__c", action["Id"], by=sf.ids["u-nathalie-sf"], PAC_Target__c=8)
        sf.edit("PAC_Axis__c", org.sf_axis(first.plan_id)["Id"], by=sf.ids["u-nathalie-sf"], PAC_Priority__c=1)
        second = org.sync()
        assert second.plan is not None and second.plan.action("A-01").target == 8, second.errors
        assert _status_of(second) == "active"
        [refused] = [e for e in second.errors if "refused" in e]
        assert f"{first.plan_id}:{AXIS} axis_priority = 1 refused" in refused
        assert "rank 1 is already given to AX-PHARMA-MX50" in refused and "Nathalie Garnier" in refused
        states = org.states()
        assert states[("action", f"{first.plan_id}:A-01", "action_target")].value == 8
        assert states[("axis", f"{first.plan_id}:{AXIS}", "axis_priority")].value is None
        engine = open_store(org.settings.database())
        try:
            events = repo.field_events(engine, first.plan_id)
        finally:
            engine.dispose()
        outcomes = {(e.field, str(e.value)): e.outcome for e in events if e.source == "crm"}
        assert outcomes == {("action_target", "8"): "applied", ("axis_priority", "1"): "refused"}
        assert org.sf_axis(first.plan_id)["PAC_Priority__c"] in (None, "")
        from tests.cli import run_pac

        history = run_pac("history", AXIS, env={**os.environ, "PAC_CONFIG": str(tmp_path / "pac.yaml")},
                          cwd=tmp_path)
        assert history.returncode == 0, history.stderr
        [row] = [line for line in history.stdout.splitlines() if "priority" in line]
        assert "refused: it breaks the plan's rules: rank 1 is already given to AX-PHARMA-MX50" in row

    def test_the_integration_users_changes_are_never_edits(self, both: Org) -> None:
        """A status changed by pac's integration user (as pac's writes are) does not become the plan's, and is
        restored."""
        first = both.sync()
        sf = both.server.api("salesforce")
        row = both.sf_axis(first.plan_id)
        sf.edit("PAC_Axis__c", row["Id"], by=sf.integration_user, PAC_Status__c="dropped")
        second = both.sync()
        assert _status_of(second) == "active"
        assert both.sf_axis(first.plan_id)["PAC_Status__c"] == "active"
        assert {s.source for s in both.states().values()} == {"file"}


class TestConflicts:
    def test_two_crms_disagree_the_later_edit_wins_and_is_reported(self, both: Org) -> None:
        """Dropped in Salesforce, then prioritised in HubSpot before the next run: HubSpot's (later) wins, both CRMs
        show it, and the conflict is reported and kept in the history."""
        first = both.sync()
        sf = both.server.api("salesforce")
        sf.edit("PAC_Axis__c", both.sf_axis(first.plan_id)["Id"], by=sf.ids["u-nathalie-sf"], PAC_Status__c="dropped")
        both.server.api("hubspot").update("pac_axis", both.hs_axis(first.plan_id).id, {"pac_status": "suspended"},
                                          by_user=both.hs_user(NATHALIE))
        second = both.sync()
        assert _status_of(second) == "suspended"
        assert both.sf_axis(first.plan_id)["PAC_Status__c"] == "suspended"
        assert both.hs_axis(first.plan_id).props["pac_status"] == "suspended"
        [conflict] = second.conflicts
        assert "kept 'suspended' from hs-west (Nathalie Garnier)" in conflict and "'dropped' from sf-main" in conflict
        engine = open_store(both.settings.database())
        try:
            events = repo.field_events(engine, first.plan_id, f"{first.plan_id}:{AXIS}")
        finally:
            engine.dispose()
        assert [(e.value, e.outcome) for e in events] == [("dropped", "lost"), ("suspended", "applied")]

    def test_file_and_crm_changed_the_crm_edit_made_later_wins(self, both: Org) -> None:
        """The file says dropped (edited earlier), a manager says suspended in Salesforce later: suspended wins,
        reported as a conflict."""
        first = both.sync()
        both.edit_file("    segment: S-GC\n    status: active",
                       "    segment: S-GC\n    status: {state: abandonné, reason: 'no budget'}",
                       at=datetime(2020, 1, 1, tzinfo=UTC))
        sf = both.server.api("salesforce")
        sf.edit("PAC_Axis__c", both.sf_axis(first.plan_id)["Id"], by=sf.ids["u-nathalie-sf"],
                PAC_Status__c="suspended")
        second = both.sync()
        assert _status_of(second) == "suspended"
        [conflict] = second.conflicts
        assert "'dropped' from the plan file" in conflict


class TestDriftRepair:
    def test_a_hand_changed_computed_field_is_restored(self, both: Org) -> None:
        """A manager overwrites the axis's revenue objective and an action's done count by hand in Salesforce: the
        next run restores both."""
        first = both.sync()
        sf = both.server.api("salesforce")
        row = both.sf_axis(first.plan_id)
        objective = row["PAC_Objective__c"]
        sf.edit("PAC_Axis__c", row["Id"], by=sf.ids["u-nathalie-sf"], PAC_Objective__c=1.0)
        second = both.sync()
        assert both.sf_axis(first.plan_id)["PAC_Objective__c"] == objective
        assert any("PAC" not in d and "objective" in d for d in second.drift)
        assert both.sync().written == 0

    def test_a_plan_edit_is_written_not_reported_as_a_hand_change(self, both: Org) -> None:
        """The objective edited in the plan file (300 000 -> 310 000): the next run writes it to both CRMs and
        reports no drift: the CRMs still held what pac last wrote (the run said "restored: ... 300000.0 in the
        CRM, restored to 310000.0" for each CRM, as if a manager had changed it by hand)."""
        first = both.sync()
        both.edit_file("objective: {additional_revenue: 300000,", "objective: {additional_revenue: 310000,")
        second = both.sync()
        assert float(both.sf_axis(first.plan_id)["PAC_Objective__c"]) == 310000
        assert float(both.hs_axis(first.plan_id).props["pac_objective"]) == 310000
        assert second.written >= 2 and second.drift == []

    def test_full_sync_restores_a_change_the_incremental_read_cannot_see(self, both: Org) -> None:
        """A HubSpot value changed without moving the record's timestamp: `--full` reads it and restores it."""
        first = both.sync()
        hs = both.server.api("hubspot")
        obj = both.hs_axis(first.plan_id)
        objective = obj.props["pac_objective"]
        hs.update("pac_axis", obj.id, {"pac_objective": "1"}, touch=False)
        both.sync(full=True)
        assert float(both.hs_axis(first.plan_id).props["pac_objective"]) == float(objective)


class TestPlanPull:
    def test_an_action_status_accepted_from_a_crm_reaches_an_action_written_without_status(
            self, tmp_path: Path) -> None:
        """A-02 has no `status:` line (it defaults to planned); a manager cancelled it in a CRM and the sync accepted
        it: `pac plan pull` writes `status: cancelled` into A-02's block. It was dropped (neither in the diff nor
        in the changes), so the edit lived only in the store."""
        org = Org(tmp_path, None, BOTH)  # type: ignore[arg-type]
        text = org.plan.read_text(encoding="utf-8")
        block = text.index("  - id: A-02")
        status_at = text.index("    status: fait\n", block)
        org.plan.write_text(text[:status_at] + text[status_at + len("    status: fait\n"):], encoding="utf-8")
        plan_id = _plan_id(org)
        now = datetime.now(UTC)
        engine = open_store(org.settings.database())
        try:
            repo.save_field_states(engine, plan_id, [
                {"target": "action", "key": f"{plan_id}:A-02", "field": "action_status", "value": "cancelled",
                 "source": "crm", "connector": "sf-main", "who_id": "005N", "who_name": "Nathalie Garnier",
                 "changed_at": now, "file_value": "planned", "updated_at": now}], [])
        finally:
            engine.dispose()
        from pac_config.planfile import load_plan
        from sync_jobs.plan_pull import pull_plan

        changes = pull_plan(org.settings, None)
        day = now.astimezone(ZoneInfo("Europe/Paris")).date().isoformat()    # the edit's day: its since
        assert [(c.item, c.field, c.old, c.new) for c in changes] == [("A-02", "status", None, "cancelled"),
                                                                       ("A-02", "since", None, day)]
        assert load_plan(org.plan).action("A-02").status.value == "cancelled"
        after = org.plan.read_text(encoding="utf-8")
        assert f"  - id: A-02\n    status: {{state: cancelled, since: {day}}}\n    axis: AX-RA-DORM\n" in after

    def test_a_rank_given_in_a_crm_to_an_axis_written_as_a_mapping(self, tmp_path: Path) -> None:
        """An accepted CRM rank for an axis written `{state: active}` becomes `{state: prioritised, rank: 3}`, in
        place; `--dry-run` only prints the diff."""
        org = Org(tmp_path, None, BOTH)  # type: ignore[arg-type]
        org.edit_file("    segment: S-GC\n    status: active", "    segment: S-GC\n    status: {state: active}")
        plan_id = _plan_id(org)
        key = f"{plan_id}:{AXIS}"
        now = datetime.now(UTC)
        engine = open_store(org.settings.database())
        try:
            repo.save_field_states(engine, plan_id, [
                {"target": "axis", "key": key, "field": "axis_priority", "value": 3, "source": "crm",
                 "connector": "sf-main", "who_id": "005N", "who_name": "Nathalie Garnier", "changed_at": now,
                 "file_value": None, "updated_at": now}], [])
        finally:
            engine.dispose()
        from sync_jobs.plan_pull import pull_plan

        before = org.plan.read_text(encoding="utf-8")
        [dry] = pull_plan(org.settings, None, dry_run=True)
        assert org.plan.read_text(encoding="utf-8") == before and dry.new == 3
        [change] = pull_plan(org.settings, None)
        assert (change.item, change.field, change.new, change.where) == (AXIS, "rank", 3,
                                                                         "sf-main (Nathalie Garnier)")
        after = org.plan.read_text(encoding="utf-8")
        assert "    segment: S-GC\n    status: {state: prioritised, rank: 3}\n" in after
        assert len(after.splitlines()) == len(before.splitlines())


class TestPullThenNight:
    """Audit planstate F5: `pac plan pull` transcribes what the runs accepted; that is no new file change."""

    def test_a_pull_after_the_managers_newer_edit_does_not_overwrite_it(self, both: Org) -> None:
        """Night 1 accepts Nathalie's Salesforce target A-05 12 -> 15; she raises it to 18 there; ops then runs
        `pac plan pull`, which writes the 15 night 1 accepted (the file saved after her edit) and records it as the
        file's value in the store. Night 2: 18 in the plan and in Salesforce, no conflict. Failed before: 15 "from
        the plan file" won at the pull's time, Salesforce was set back to 15, reported as a conflict the file won."""
        from sync_jobs.plan_pull import pull_plan

        first = both.sync()
        key = ("action", f"{first.plan_id}:A-05", "action_target")
        sf = both.server.api("salesforce")
        [row] = sf.find("PAC_Action__c", PAC_Key__c=key[1])
        sf.edit("PAC_Action__c", row["Id"], by=sf.ids["u-nathalie-sf"], PAC_Target__c=15)
        night1 = both.sync()
        assert night1.plan is not None and night1.plan.action("A-05").target == 15
        sf.edit("PAC_Action__c", row["Id"], by=sf.ids["u-nathalie-sf"], PAC_Target__c=18)
        [edited] = sf.find("PAC_Action__c", PAC_Key__c=key[1])
        edited_at = datetime.fromisoformat(str(edited["LastModifiedDate"]).replace("Z", "+00:00"))
        [pulled] = pull_plan(both.settings, None)
        assert (pulled.item, pulled.field, pulled.old, pulled.new) == ("A-05", "count", 12, 15)
        later = edited_at.timestamp() + 60            # the pull saved the file after her edit
        os.utime(both.plan, (later, later))
        assert both.states()[key].file_value == 15   # the pull recorded what it wrote as the file's value
        night2 = both.sync()
        assert night2.plan is not None and night2.plan.action("A-05").target == 18
        [after] = sf.find("PAC_Action__c", PAC_Key__c=key[1])
        assert after["PAC_Target__c"] == 18 and night2.conflicts == []
        state = both.states()[key]
        assert (state.value, state.source, state.who_name, state.file_value) == (18, "crm", "Nathalie Garnier", 15)

    def test_a_file_edit_after_a_pull_is_seen(self, tmp_path: Path) -> None:
        """After the pull wrote A-01's accepted target 6, ops sets it back to 5 in the file: the store remembers 6
        as the file's value, so the 5 is a file change the next run applies (it would have gone unseen had the store
        still remembered the file's 5 of before the pull)."""
        from pac_config.planfile import load_plan
        from sync_jobs import overrides as plan_state
        from sync_jobs.plan_pull import pull_plan

        org = Org(tmp_path, None, BOTH)  # type: ignore[arg-type]
        plan_id = _plan_id(org)
        _crm_states(org, plan_id, ("action", "A-01", "action_target", 6, 5))
        [change] = pull_plan(org.settings, None)
        assert (change.item, change.new) == ("A-01", 6)
        key = ("action", f"{plan_id}:A-01", "action_target")
        assert org.states()[key].file_value == 6
        org.edit_file("visite, count: 6,", "visite, count: 5,")
        plan = load_plan(org.plan)
        assert plan.action("A-01").target == 5
        out = plan_state.decide(plan, org.states(), [], {}, file_changed_at=datetime.now(UTC),
                                now=datetime.now(UTC), order=list(BOTH))
        assert out.values[key] == 5 and out.changed[key].source == "file"


class TestRetiredWithCrmEdits:
    """Audit planstate F2: an action renamed (or removed) while the CRM edits accepted for it live only in the store
    drops them; pac says so, naming them, who, when and the fix, at `pac plan check` and at the sync."""

    def test_a_renamed_action_names_the_accepted_target_it_drops(self, both: Org) -> None:
        """Nathalie raises A-03's target 8 -> 10 in Salesforce (accepted); ops renames A-03 to A-03b without `pac
        plan pull`. `pac plan check` and the sync warn of A-03's target 10 (from sf-main, Nathalie Garnier), the fix
        naming A-03b; the night after, no repeat; A-04 removed later (no CRM edit) is retired with no such warning.
        Failed before: the only words were `A-03: no longer in the plan, marked removed in sf-main`."""
        from pac_config.planfile import load_plan
        from sync_jobs.plan_identity import retired_edits_warnings

        first = both.sync()
        sf = both.server.api("salesforce")
        [row] = sf.find("PAC_Action__c", PAC_Key__c=f"{first.plan_id}:A-03")
        sf.edit("PAC_Action__c", row["Id"], by=sf.ids["u-nathalie-sf"], PAC_Target__c=10)
        second = both.sync()
        assert second.plan is not None and second.plan.action("A-03").target == 10
        both.edit_file("  - id: A-03\n", "  - id: A-03b\n")
        [checked] = retired_edits_warnings(load_plan(both.plan), both.plan, both.settings)
        assert checked.startswith("A-03 is no longer in this file")
        assert "target 10 (8 in the file) from sf-main (Nathalie Garnier) on " in checked
        assert "write target 10 in A-03b" in checked and "`pac plan pull`" in checked
        third = both.sync()
        assert third.plan is not None and third.plan.action("A-03b").target == 8       # the file's: the edit is lost
        assert "A-03: no longer in the plan, marked removed in sf-main" in third.retired
        [warned] = [w for w in third.unmeasured if "no longer in the plan" in w]
        assert warned.startswith("A-03: no longer in the plan, and with it go the values accepted from the CRMs")
        assert "target 10 (8 in the file) from sf-main (Nathalie Garnier) on " in warned
        assert "write target 10 in A-03b" in warned and "run `pac plan pull` before renaming" in warned
        assert not [w for w in both.sync().unmeasured if "no longer in the plan" in w]   # said once: the night it goes
        assert retired_edits_warnings(load_plan(both.plan), both.plan, both.settings) == []
        text = both.plan.read_text(encoding="utf-8")
        a04, a05 = text.index("  - id: A-04\n"), text.index("  - id: A-05\n")
        both.plan.write_text(text[:a04] + text[a05:], encoding="utf-8")
        assert retired_edits_warnings(load_plan(both.plan), both.plan, both.settings) == []
        fifth = both.sync()
        assert "A-04: no longer in the plan, marked removed in sf-main" in fifth.retired
        assert not [w for w in fifth.unmeasured if "no longer in the plan" in w]


def _crm_states(org: Org, plan_id: str, *rows: tuple[str, str, str, Any, Any]) -> None:
    """Store accepted CRM edits by Nathalie in sf-main: (target, item, field, value, the file's value then)."""
    now = datetime.now(UTC)
    engine = open_store(org.settings.database())
    try:
        repo.save_field_states(engine, plan_id, [
            {"target": target, "key": f"{plan_id}:{item}", "field": field, "value": value, "source": "crm",
             "connector": "sf-main", "who_id": "005N", "who_name": "Nathalie Garnier", "changed_at": now,
             "file_value": file_value, "updated_at": now} for target, item, field, value, file_value in rows], [])
    finally:
        engine.dispose()


class TestPlanPullEditsOnTheirOwn:
    """Audit F5: a CRM "prioritised" status with no rank, and an edit that would make the file invalid."""

    def test_a_prioritised_status_with_no_rank_is_written_with_the_next_free_rank(
            self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """AX-RA-MAINT set to prioritised in Salesforce with the priority left empty, A-01's target 5 -> 6: the
        dry run shows `{state: prioritised, rank: 3}` (ranks 1 and 2 are held) and writes nothing; the pull writes
        both, and the file is a valid plan. Failed before: the dry run showed a bare `prioritised`, the pull raised
        InvalidInput naming a temporary file, and the target edit was never written."""
        from pac_config.planfile import load_plan
        from sync_jobs.plan_pull import pull_plan

        org = Org(tmp_path, None, BOTH)  # type: ignore[arg-type]
        plan_id = _plan_id(org)
        _crm_states(org, plan_id, ("axis", "AX-RA-MAINT", "axis_status", "prioritised", "active"),
                    ("action", "A-01", "action_target", 6, 5))
        before = org.plan.read_text(encoding="utf-8")
        dry = pull_plan(org.settings, None, dry_run=True)
        diff = capsys.readouterr().out
        assert "+    status: {state: prioritised, rank: 3}\n" in diff and "count: 6" in diff
        assert org.plan.read_text(encoding="utf-8") == before
        changes = pull_plan(org.settings, None)
        assert changes == dry
        assert {(c.item, c.field, c.old, c.new, c.refused) for c in changes} == {
            ("A-01", "count", 5, 6, ""), ("AX-RA-MAINT", "status", "active", "prioritised", ""),
            ("AX-RA-MAINT", "rank", None, 3, "")}
        plan = load_plan(org.plan)
        assert (plan.axis("AX-RA-MAINT").status.state.value, plan.axis("AX-RA-MAINT").status.rank) == (
            "prioritised", 3)
        assert plan.action("A-01").target == 6
        after = org.plan.read_text(encoding="utf-8")
        assert len(after.splitlines()) == len(before.splitlines())

    @pytest.mark.parametrize(("written", "state", "expected"), [
        (" {state: prioritised, rank: 1}  # ROI", "active", "status: {state: active}  # ROI\n"),
        (" {rank: 1, state: prioritised}", "suspended",
         'status: {state: suspended, reason: "suspendu dans sf-main (Nathalie Garnier) le '),
        ("\n      state: prioritised\n      rank: 1   # first\n      reason: ROI", "active",
         "status:\n      state: active\n      reason: ROI\n")])
    def test_an_axis_no_longer_prioritised_loses_its_rank_line(self, tmp_path: Path, written: str, state: str,
                                                                expected: str) -> None:
        """AX-PHARMA-MX50 (prioritised, rank 1 in the file) set back to active or suspended in Salesforce: the pull
        writes the state and takes the rank out (flow or block style, first pair or not), so the file says what the
        plan is. Failed before: `{state: active, rank: 1}` was written, a rank the plan no longer has."""
        from pac_config.planfile import load_plan
        from sync_jobs.plan_pull import pull_plan

        org = Org(tmp_path, None, BOTH)  # type: ignore[arg-type]
        org.edit_file("status: {state: prioritised, rank: 1}  # ROI le plus rapide : à déployer ensuite dans les "
                      "autres territoires", f"status:{written}")
        plan_id = _plan_id(org)
        _crm_states(org, plan_id, ("axis", "AX-PHARMA-MX50", "axis_status", state, "prioritised"))
        changes = pull_plan(org.settings, None)
        day = datetime.now(ZoneInfo("Europe/Paris")).date().isoformat()   # a suspension's since: the edit's day
        assert {(c.item, c.field, c.old, c.new, c.refused) for c in changes} == {
            ("AX-PHARMA-MX50", "status", "prioritised", state, ""), ("AX-PHARMA-MX50", "rank", 1, None, ""),
            *([("AX-PHARMA-MX50", "since", None, day, "")] if state == "suspended" else [])}
        after = org.plan.read_text(encoding="utf-8")
        assert "    segment: S-PHARMA\n    scope: {product: MX50}                 # le CA des lignes MX50 des " \
               f"laboratoires\n    {expected}" in after
        assert "rank" not in after.split("id: AX-PHARMA-MX50", 1)[1].split("- id:", 1)[0]
        status = load_plan(org.plan).axis("AX-PHARMA-MX50").status
        assert (status.state.value, status.rank) == (state, None)

    def test_a_pulled_target_or_due_date_is_written_in_words_and_notes_the_statement_it_contradicts(
            self, tmp_path: Path) -> None:
        """Audit longlife F3: a manager sets A-01's target 5 -> 6 and its due date to 14 May, A-05's (« entre le 3 et
        le 28 mai ») to 4 June and A-07's (« avant le 15/06/2027 », a deadline) to 20 June. The windows are written
        in the plan's words, which the plan reads back to the same days, and each change whose statement still says
        otherwise carries a note naming the statement's line (the check `pac plan import` makes). Seen failing
        before the fix: `when: "2027-05-03..2027-05-14"` (a raw ISO range beside « semaine 18 ») and no note."""
        org = Org(tmp_path, None, BOTH)  # type: ignore[arg-type]
        plan_id = _plan_id(org)
        _crm_states(org, plan_id, ("action", "A-01", "action_target", 6, 5),
                    ("action", "A-01", "action_due", "2027-05-14", "2027-05-09"),
                    ("action", "A-05", "action_due", "2027-06-04", "2027-05-28"),
                    ("action", "A-07", "action_due", "2027-06-20", "2027-06-15"))
        changes = {(c.item, c.field): c for c in pull_plan(org.settings, None)}
        assert {k: (c.new, c.refused) for k, c in changes.items()} == {
            ("A-01", "count"): (6, ""), ("A-01", "when"): ("du 3 au 14 mai 2027", ""),
            ("A-05", "when"): ("du 3 mai au 4 juin 2027", ""), ("A-07", "when"): ("d'ici le 20 juin 2027", "")}
        text = org.plan.read_text(encoding="utf-8")
        for when in ("du 3 au 14 mai 2027", "du 3 mai au 4 juin 2027", "d'ici le 20 juin 2027"):
            assert f'when: "{when}"' in text
        plan = load_plan(org.plan)
        windows = {a: (plan.action(a).window.start.date(), plan.action(a).window.end.date())
                   for a in ("A-01", "A-05", "A-07")}
        assert windows == {"A-01": (date(2027, 5, 3), date(2027, 5, 15)), "A-05": (date(2027, 5, 3), date(2027, 6, 5)),
                           "A-07": (date(2027, 1, 1), date(2027, 6, 21))}
        lines = text.splitlines()
        line = lines.index('    text: "Visiter 5 clients dormants du 69 en semaine 18"') + 1
        assert changes[("A-01", "count")].note == (
            f"A-01: the statement at {org.plan}:{line} now disagrees with its what.count: statement says 5, "
            "what.count 6 (rewrite text: so that it says the same: the CRMs and the report show the statement; pac "
            "plan lint lists each)")
        assert ("now disagrees with its when: statement says semaine 18 (2027-05-03 to 2027-05-09), when du 3 au 14 "
                "mai 2027 (2027-05-03 to 2027-05-14)") in changes[("A-01", "when")].note
        assert "statement says entre le 3 et le 28 mai (2027-05-03 to 2027-05-28)" in changes[("A-05", "when")].note
        assert "statement says avant le 15 juin (2027-01-01 to 2027-06-15)" in changes[("A-07", "when")].note

    def test_a_due_date_pulled_into_an_english_plan_is_written_in_english(self, tmp_path: Path) -> None:
        """The same pull in an English plan: "May 3 to 14, 2027", "by June 20, 2027", read back to the same days."""
        org = Org(tmp_path, None, BOTH)  # type: ignore[arg-type]
        org.edit_file("language: fr", "language: en")
        plan_id = _plan_id(org)
        _crm_states(org, plan_id, ("action", "A-01", "action_due", "2027-05-14", "2027-05-09"),
                    ("action", "A-07", "action_due", "2027-06-20", "2027-06-15"))
        assert {(c.item, c.new) for c in pull_plan(org.settings, None)} == {
            ("A-01", "May 3 to 14, 2027"), ("A-07", "by June 20, 2027")}
        plan = load_plan(org.plan)
        assert (plan.action("A-01").window.start.date(), plan.action("A-01").window.end.date()) == (
            date(2027, 5, 3), date(2027, 5, 15))
        assert (plan.action("A-07").window.start.date(), plan.action("A-07").window.end.date()) == (
            date(2027, 1, 1), date(2027, 6, 21))

    def test_the_pull_command_prints_each_note(self, tmp_path: Path) -> None:
        """`pac plan pull` prints the note under its table and asks for the statements to be rewritten. Seen failing
        before the fix: only the table, and « check it with `pac plan check` » (which said nothing)."""
        org = Org(tmp_path, None, BOTH)  # type: ignore[arg-type]
        _crm_states(org, _plan_id(org), ("action", "A-01", "action_target", 6, 5))
        engine = open_store(org.settings.database())   # the night that accepted the edit (pull refuses a store
        try:                                            # with no sync of the plan)
            now = datetime.now(UTC)
            repo.finish_run(engine, repo.start_run(engine, _plan_id(org), now), status="ok", now=now, counts={},
                            api={}, errors=[])
        finally:
            engine.dispose()
        result = CliRunner().invoke(main, ["plan", "pull"], env={"PAC_CONFIG": str(tmp_path / "pac.yaml"),
                                                                 "COLUMNS": "1000"})
        assert result.exit_code == 0, result.output
        line = org.plan.read_text(encoding="utf-8").splitlines().index(
            '    text: "Visiter 5 clients dormants du 69 en semaine 18"') + 1
        out = " ".join(result.stdout.split())
        assert (f"note: A-01: the statement at {org.plan}:{line} now disagrees with its what.count: statement says 5, "
                "what.count 6 (rewrite text:") in out
        assert "rewrite the statements noted (`pac plan lint`) and commit it." in out

    def test_a_pull_keeps_the_file_s_line_endings_and_mode(self, tmp_path: Path) -> None:
        """A plan saved on Windows (CRLF, a BOM) and shared with the team (mode 0644): the pull changes A-01's count
        and nothing else, so `git diff` shows that one line. Seen failing before the fix: every line rewritten with
        LF (371 CRLF before, 0 after) and the file left 0600 (the temporary file's mode: others could no longer read
        the plan)."""
        org = Org(tmp_path, None, BOTH)  # type: ignore[arg-type]
        org.plan.write_bytes(b"\xef\xbb\xbf" + org.plan.read_bytes().replace(b"\n", b"\r\n"))
        org.plan.chmod(0o644)
        before = org.plan.read_bytes()
        _crm_states(org, _plan_id(org), ("action", "A-01", "action_target", 6, 5))
        assert [(c.item, c.field, c.new) for c in pull_plan(org.settings, None)] == [("A-01", "count", 6)]
        after = org.plan.read_bytes()
        changed = [(old, new) for old, new in zip(before.split(b"\r\n"), after.split(b"\r\n"), strict=True)
                   if old != new]
        assert len(changed) == 1 and b"count: 6" in changed[0][1] and after.startswith(b"\xef\xbb\xbf")
        assert stat.S_IMODE(org.plan.stat().st_mode) == 0o644

    def test_an_edit_breaking_a_rule_is_left_out_and_the_others_written(self, tmp_path: Path) -> None:
        """The file gave AX-GC-QUOTES rank 4 after the night accepted AX-RA-MAINT's priority 1 from Salesforce, which
        AX-PHARMA-MX50 holds in the file: that edit is left out with the reason, A-01's target is written, the file
        stays valid. Failed before: the pull raised (naming a temporary file) and wrote nothing."""
        from pac_config.planfile import load_plan
        from sync_jobs.plan_pull import pull_plan

        org = Org(tmp_path, None, BOTH)  # type: ignore[arg-type]
        plan_id = _plan_id(org)
        _crm_states(org, plan_id, ("axis", "AX-RA-MAINT", "axis_priority", 1, None),
                    ("action", "A-01", "action_target", 6, 5))
        changes = pull_plan(org.settings, None)
        [left_out] = [c for c in changes if c.refused]
        assert (left_out.item, left_out.field, left_out.new) == ("AX-RA-MAINT", "rank", 1)
        assert "rank 1 is already given to AX-PHARMA-MX50" in left_out.refused
        assert [(c.item, c.field, c.new) for c in changes if not c.refused] == [("A-01", "count", 6)]
        plan = load_plan(org.plan)
        assert plan.action("A-01").target == 6 and plan.axis("AX-RA-MAINT").status.state.value == "active"

    def test_a_file_the_edits_would_make_invalid_is_named_with_its_line(
            self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Should an edit pass the plan's rules yet make the file invalid (here: the rule check bypassed), it is left
        out with the plan file's own name and line, never a temporary file's, and the other edit is written."""
        from pac_config.planfile import load_plan
        from pac_core.plan import AxisState, AxisStatus
        from sync_jobs import overrides as plan_state
        from sync_jobs import plan_pull

        org = Org(tmp_path, None, BOTH)  # type: ignore[arg-type]
        plan_id = _plan_id(org)
        _crm_states(org, plan_id, ("axis", "AX-RA-MAINT", "axis_priority", 1, None),
                    ("action", "A-01", "action_target", 6, 5))
        ranked = SimpleNamespace(axis=lambda item: SimpleNamespace(status=AxisStatus(AxisState.PRIORITISED, 1)))
        monkeypatch.setattr(plan_state, "apply_each", lambda plan, edits: (ranked, []))
        changes = plan_pull.pull_plan(org.settings, None)
        [left_out] = [c for c in changes if c.refused]
        assert re.search(rf"{re.escape(str(org.plan))}:\d+ axes\[\d\]\.status\.rank: rank 1 is also given",
                         left_out.refused), left_out.refused
        assert ".pac.yaml." not in left_out.refused.replace(str(org.plan), "")
        assert load_plan(org.plan).action("A-01").target == 6
