"""HubSpot fallback (tasks) end to end: the example plan synced by the real pipeline into a Starter portal of the
sandbox CRM (the schemas API answers 403, so each action is a task), then a manager's and a workflow's changes."""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from rich.console import Console

from pac_config.settings import load_settings
from sandbox_crm.demo_org import build_demo_org
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.server import SandboxServer
from sync_jobs.cli import main
from sync_jobs.cli_sync import print_result
from sync_jobs.demo import write_demo_settings
from sync_jobs.pipeline import RunResult
from tests.fakes import sandbox_sync_clean
from tests.integration.test_retired_records import _block

SHIPPED_PLAN = Path(__file__).resolve().parents[2] / "config" / "plans" / "example.pac.yaml"
PARIS = ZoneInfo("Europe/Paris")
WORKFLOW = {"sourceType": "AUTOMATION_PLATFORM", "sourceId": "workflow:4711", "sourceLabel": "Workflows"}


class Starter:
    """A Starter portal seeded with the demo organisation, and settings syncing the example plan to it alone."""

    def __init__(self, tmp: Path, *, extra_actions: int = 0) -> None:
        self.api = HubSpotApi(build_demo_org(), tier="starter", ten_second_limit=1_000_000)
        self.server = SandboxServer([self.api]).start()
        plan = tmp / "plan.pac.yaml"
        shutil.copy(SHIPPED_PLAN, plan)
        if extra_actions:       # more actions of a HubSpot rep (the file ends with the actions and comments)
            with plan.open("a", encoding="utf-8") as out:
                out.write("".join(f"""
  - id: A-X{i:02d}
    axis: AX-SO-DORM
    text: "Appeler le client dormant {i} de Gironde en juin"
    who: hugo.lambert@durand-process.example
    what: {{activity: appel, count: 1, scope: {{departement: "33", dormant: {{months: 12}}}}}}
    when: "juin 2027"
    status: prévu
""" for i in range(1, extra_actions + 1)))
        os.utime(plan, (1_600_000_000, 1_600_000_000))       # written long before any CRM edit
        path = write_demo_settings(f"sqlite:///{tmp / 'pac.db'}", tmp / "pac.yaml")
        text = path.read_text(encoding="utf-8").replace(str(SHIPPED_PLAN), str(plan))
        text = re.sub(r"connectors: \[[^\]]*\]", "connectors: [hs-west]", text)
        text = "\n".join(line for line in text.splitlines() if "crm: salesforce" not in line) + "\n"
        path.write_text(text, encoding="utf-8")
        self.settings = load_settings(path, env={})

    def sync(self, *, full: bool = False) -> RunResult:
        result: RunResult = sandbox_sync_clean(self.settings, self.server, full=full)
        return result

    def tasks(self) -> dict[str, Any]:
        """pac_key -> the task (its ``props``, ``id``)."""
        return {o.props["pac_key"]: o for o in self.api.tables["tasks"].rows.values() if o.props.get("pac_key")}

    def user(self, email_start: str) -> int:
        return next(o["userId"] for o in self.api.owners if str(o.get("email", "")).startswith(email_start))


def _status(result: RunResult, key: str) -> str:
    assert result.plan is not None
    [action] = [a for a in result.plan.actions if a.id == key.split(":", 1)[1]]
    return action.status.value


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Starter]:
    started = Starter(tmp_path)
    try:
        yield started
    finally:
        started.server.stop()


@pytest.fixture
def crowded(tmp_path: Path) -> Iterator[Starter]:
    """The Starter portal with 55 more actions (so more than 50 tasks)."""
    started = Starter(tmp_path, extra_actions=55)
    try:
        yield started
    finally:
        started.server.stop()


def _owned(portal: Starter, result: RunResult) -> list[str]:
    """The actions whose owner is a user (owner) of the portal: the only ones written there (an action no CRM of
    the plan knows the owner of is written nowhere, and warned of)."""
    assert result.plan is not None
    owners = {str(o.get("email", "")).lower() for o in portal.api.owners}
    return [a.id for a in result.plan.actions if a.who in owners]


def _planned(portal: Starter) -> list[str]:
    return sorted(k for k, t in portal.tasks().items() if t.props.get("pac_status") == "planned")


class TestStarterPortal:
    def test_second_sync_updates_the_same_tasks(self, portal: Starter) -> None:
        """Two syncs: one task per action of the portal's owners, the same ids (upserted by pac_key), the second run
        writes nothing."""
        first = portal.sync()
        ids = {k: t.id for k, t in portal.tasks().items()}
        owned = _owned(portal, first)
        assert owned and sorted(k.split(":", 1)[1] for k in ids) == sorted(owned)
        assert len(ids) == len(portal.api.tables["tasks"].rows)
        second = portal.sync()
        assert {k: t.id for k, t in portal.tasks().items()} == ids and second.written == 0

    def test_the_counts_say_what_was_stored(self, portal: Starter) -> None:
        """Without custom objects no axis record exists in HubSpot: the run counts its tasks and companies as
        written, and no axis (failed before: 'axis written 8', though no axis request is sent); a second run
        writes nothing, axes included."""
        first = portal.sync()
        assert first.plan is not None
        written = {obj: c.get("written", 0) for obj, c in first.counts.items()}
        assert written.get("axis", 0) == 0, written
        assert written["action"] == len(_owned(portal, first)) and written["account"] > 0, written
        assert portal.sync().written == 0

    def test_a_reopened_task_reopens_the_action(self, portal: Starter) -> None:
        """A manager completes a task, then reopens it: the plan follows both changes (the old code compared the
        read status with the task's pac_status, still 'planned' after the completion was accepted, so the reopen
        was never seen and the plan stayed 'done')."""
        portal.sync()
        key = _planned(portal)[0]
        task, hugo = portal.tasks()[key], portal.user("hugo")
        portal.api.update("tasks", task.id, {"hs_task_status": "COMPLETED"}, by_user=hugo)
        assert _status(portal.sync(), key) == "done"
        portal.api.update("tasks", task.id, {"hs_task_status": "NOT_STARTED"}, by_user=hugo)
        reopened = portal.sync()
        assert _status(reopened, key) == "planned"
        assert _status(portal.sync(), key) == "planned"

    def test_an_accepted_status_is_written_to_the_tasks_pac_status(self, portal: Starter) -> None:
        """A manager completes a task and puts another on WAITING: the plan accepts "done" and "in_progress", and each
        task's pac_status says so (seen failing before the fix: it stayed "planned", so a view or report on
        pac_status showed the status pac had written, not the plan's), while hs_task_status stays as the manager set
        it (WAITING is not rewritten NOT_STARTED); the next night writes nothing."""
        portal.sync()
        done, waiting = _planned(portal)[:2]
        tasks, hugo = portal.tasks(), portal.user("hugo")
        portal.api.update("tasks", tasks[done].id, {"hs_task_status": "COMPLETED"}, by_user=hugo)
        portal.api.update("tasks", tasks[waiting].id, {"hs_task_status": "WAITING"}, by_user=hugo)
        after = portal.sync()
        assert (_status(after, done), _status(after, waiting)) == ("done", "in_progress")
        tasks = portal.tasks()
        assert (tasks[done].props["pac_status"], tasks[done].props["hs_task_status"]) == ("done", "COMPLETED")
        assert (tasks[waiting].props["pac_status"], tasks[waiting].props["hs_task_status"]) == ("in_progress",
                                                                                                  "WAITING")
        quiet = portal.sync()
        assert quiet.written == 0 and _status(quiet, done) == "done" and _status(quiet, waiting) == "in_progress"

    def test_more_than_fifty_completed_tasks_are_accepted(self, crowded: Starter) -> None:
        """A manager completes 55 tasks in one day: the next night reads their property history 50 per call (HubSpot,
        and the sandbox, answer 400 VALIDATION_ERROR above 50) and accepts every completion. Failed before: the
        history batch of 55 was refused and every later night stopped "CRM unreachable" (exit 4), writing nothing."""
        crowded.sync()
        hugo = crowded.user("hugo")
        completed = [key for key in _planned(crowded) if ":A-X" in key]
        assert len(completed) == 55
        for key in completed:
            crowded.api.update("tasks", crowded.tasks()[key].id, {"hs_task_status": "COMPLETED"}, by_user=hugo)
        after = crowded.sync()
        assert {key: _status(after, key) for key in completed} == dict.fromkeys(completed, "done")
        assert crowded.sync().written == 0

    def test_a_workflow_completing_a_task_is_no_managers_edit(self, portal: Starter) -> None:
        """A status set by a workflow (no user in the property history) is not an edit: the plan keeps its status
        and pac restores the task (the old code took any status change as a manager's edit)."""
        portal.sync()
        key = _planned(portal)[0]
        portal.api.update("tasks", portal.tasks()[key].id, {"hs_task_status": "COMPLETED"}, source=WORKFLOW)
        after = portal.sync()
        assert _status(after, key) == "planned"
        assert portal.tasks()[key].props["hs_task_status"] == "NOT_STARTED"

    def test_only_documented_task_statuses_are_written(self, portal: Starter) -> None:
        """hs_task_status gets COMPLETED or NOT_STARTED only (the tasks guide's values); the action's own status
        stays in pac_status, and reading it back is no edit (a third run writes nothing)."""
        first = portal.sync()
        tasks = portal.tasks()
        assert {t.props["hs_task_status"] for t in tasks.values()} <= {"COMPLETED", "NOT_STARTED"}
        assert "in_progress" in {t.props["pac_status"] for t in tasks.values()}
        for key, task in tasks.items():
            assert task.props["pac_status"] == _status(first, key)
        portal.sync()
        third = portal.sync()
        assert third.written == 0 and not third.conflicts and not third.state_changes

    def test_due_date_is_the_same_day_west_and_east_of_utc(self, portal: Starter) -> None:
        """hs_timestamp is noon of the action's last day in the plan's timezone (Europe/Paris here): the same
        calendar day for users eleven hours either side of it (the old code wrote midnight UTC, the day before
        anywhere west of UTC, then noon UTC, the next day at UTC+12; other zones: test_hs_due_zone)."""
        portal.sync()
        for task in portal.tasks().values():
            due = datetime.fromtimestamp(int(task.props["hs_timestamp"]) / 1000, UTC).astimezone(PARIS)
            assert (due.hour, due.minute) == (12, 0)
            assert due.date().isoformat() == task.props["pac_window_end"]


A08_6 = "what: {activity: visite, count: 6, scope: {departement: Haute-Garonne"
A08_8 = "what: {activity: visite, count: 8, scope: {departement: Haute-Garonne"
# what a task pac wrote holds, compared before and after the rep deleted it (pac_target aside: it may change)
WHOLE = ("hs_task_subject", "hs_task_body", "hubspot_owner_id", "hs_timestamp", "hs_task_status", "pac_status",
         "pac_window_start", "pac_window_end", "pac_progress_pct")


class TestATaskTheRepDeleted:
    """A rep deletes pac's task for A-08 (archived in HubSpot). docs/hubspot.md §4: a PAC record deleted in the
    portal is written again in full, by the full reconciliation or by the next upsert of a changed figure (audit
    hsemu F2). The sandbox, like HubSpot's tasks guide ("hs_timestamp: Required"), refuses to create a task without
    its due date."""

    @staticmethod
    def _deleted(portal: Starter) -> tuple[str, dict[str, Any], str]:
        portal.sync()
        portal.sync()       # past pac's first writes: the next night reads the tasks changed since only
        [key] = [k for k in portal.tasks() if k.endswith(":A-08")]
        task = portal.tasks()[key]
        before = {p: task.props.get(p) for p in WHOLE}
        assert all(before.values()), before
        portal.api.archive("tasks", task.id)
        return key, before, task.id

    def test_written_again_in_full_by_the_full_reconciliation(self, portal: Starter) -> None:
        """Seen failing before the fix: `pac sync --full` wrote nothing (the tasks were never listed), A-08 had no
        task for good."""
        key, before, old = self._deleted(portal)
        quiet = portal.sync()       # an incremental night does not list pac's tasks: nothing to see yet
        assert key not in portal.tasks() and quiet.written == 0
        full = sandbox_sync_clean(portal.settings, portal.server, full=True)
        task = portal.tasks()[key]
        assert task.id != old and {p: task.props.get(p) for p in WHOLE} == before
        assert any("A-08" in line and "no longer in the CRM" in line for line in full.drift), full.drift
        again = sandbox_sync_clean(portal.settings, portal.server, full=True)
        assert again.written == 0 and not again.drift, (again.written, again.drift)

    def test_created_again_complete_by_the_upsert_of_a_changed_figure(self, portal: Starter) -> None:
        """Seen failing before the fix: the upsert sent only the changed figures (pac_target, pac_progress_pct...),
        without hs_timestamp, and the portal refused it: "hs-west …:A-08: hs_timestamp is required to create a task
        (refused)", every night."""
        key, before, old = self._deleted(portal)
        text = portal.settings.plans[0].file.read_text(encoding="utf-8")
        portal.settings.plans[0].file.write_text(text.replace(A08_6, A08_8, 1), encoding="utf-8")
        result = portal.sync()
        task = portal.tasks()[key]
        assert task.id != old and task.props["pac_target"] == "8"
        assert {p: task.props.get(p) for p in WHOLE if p != "pac_progress_pct"} \
            == {p: v for p, v in before.items() if p != "pac_progress_pct"}
        assert any("A-08" in line and "created again" in line for line in result.drift), result.drift
        assert portal.sync().written == 0


def test_a_task_completed_after_the_evaluation_day_stays_completed(portal: Starter) -> None:
    """The demo settings evaluate 20 May 2027; the rep completes pac's task on 10 June (a run with `--as-of` a past
    day sees the same). The completion is applied (done, from 10 June) and the task left COMPLETED. Seen failing
    before the fix (audit hsemu F3): the same run wrote it back NOT_STARTED, the status in force on 20 May."""
    portal.sync()
    key = _planned(portal)[0]
    task, hugo = portal.tasks()[key], portal.user("hugo")
    portal.api.portal.clock = lambda: datetime(2027, 6, 10, 9, 0, tzinfo=UTC).timestamp()
    portal.api.update("tasks", task.id, {"hs_task_status": "COMPLETED"}, by_user=hugo)
    night = portal.sync()
    assert _status(night, key) == "done"
    assert portal.tasks()[key].props["hs_task_status"] == "COMPLETED"
    assert portal.sync().written == 0


def test_a_removed_actions_task_leaves_the_reps_list_until_put_back(portal: Starter) -> None:
    """A-10 (Hugo's) is removed from the plan: its task is completed, so it leaves Hugo's task queue (the tasks
    guide: only COMPLETED takes it off the to-do list), and its subject says why in the plan's language; its due
    date, owner and figures are kept. Put back, the task is open again under its own subject. Seen failing before
    the fix (audit hspkg F2): the task stayed NOT_STARTED with its due date, identical to a live task."""
    portal.sync()
    [key] = [k for k in portal.tasks() if k.endswith(":A-10")]
    before = dict(portal.tasks()[key].props)
    assert before["hs_task_status"] == "NOT_STARTED" and before["hs_task_subject"].startswith("A-10 ")
    plan = portal.settings.plans[0].file
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace(_block(text, "A-10"), ""), encoding="utf-8")
    removed = portal.sync()
    assert removed.retired == ["A-10: no longer in the plan, marked removed in hs-west"], removed.errors
    task = portal.tasks()[key].props
    assert (task["hs_task_status"], task["pac_pace"]) == ("COMPLETED", "removed")
    assert task["hs_task_subject"] == f"[Retirée du plan] {before['hs_task_subject']}"
    kept = ("hs_timestamp", "hubspot_owner_id", "pac_target", "pac_done", "pac_status", "hs_task_body")
    assert {p: task.get(p) for p in kept} == {p: before.get(p) for p in kept}
    quiet = portal.sync()
    assert quiet.written == 0 and not quiet.retired and not quiet.drift and not quiet.state_changes
    plan.write_text(text, encoding="utf-8")
    back = portal.sync()
    task = portal.tasks()[key].props
    assert (task["hs_task_status"], task["hs_task_subject"]) == ("NOT_STARTED", before["hs_task_subject"])
    assert task["pac_pace"] == before["pac_pace"]
    assert not back.drift and not back.state_changes, (back.drift, back.state_changes)
    assert portal.sync().written == 0


def test_a_reps_edit_of_pacs_figures_or_due_date_on_a_task_is_restored(portal: Starter) -> None:
    """In fallback mode only a task's status is a manager's edit (docs/hubspot.md §4); its PAC figures (« Cible »,
    « Réalisé », « Rythme »), due date, subject and owner are pac's, restored the next night from the task search the
    night makes anyway (drift repair, as custom objects are). Léa lowers A-08's target from 6 to 3 and moves its due
    date a week later, and sets A-11 done 4 / 4 « Terminée »: the next incremental night puts them back and says so;
    the night after writes nothing. Seen failing before the fix (audit hspkg F3): neither accepted nor restored, even
    by --full, and nothing said."""
    portal.sync()
    portal.sync()       # past pac's first writes: the next night reads the tasks changed since only
    tasks = portal.tasks()
    [a08] = [k for k in tasks if k.endswith(":A-08")]
    [a11] = [k for k in tasks if k.endswith(":A-11")]
    before = {k: dict(tasks[k].props) for k in (a08, a11)}
    lea = portal.user("lea")
    moved = str(int(before[a08]["hs_timestamp"]) + 7 * 86_400_000)
    portal.api.update("tasks", tasks[a08].id, {"pac_target": "3", "hs_timestamp": moved}, by_user=lea)
    portal.api.update("tasks", tasks[a11].id, {"pac_done": "4", "pac_pace": "done", "hs_task_subject": "Fait"},
                      by_user=lea)
    night = portal.sync()
    edited = {a08: ("pac_target", "hs_timestamp"), a11: ("pac_done", "pac_pace", "hs_task_subject")}
    after = portal.tasks()
    assert {k: {p: after[k].props[p] for p in ps} for k, ps in edited.items()} \
        == {k: {p: before[k][p] for p in ps} for k, ps in edited.items()}
    assert after[a08].props["hs_task_status"] == before[a08]["hs_task_status"]
    restored = sorted(line.split(" in the CRM")[0] for line in night.drift)
    assert restored == [f"hs-west {a08} target: '3'", f"hs-west {a08} window_end: '{moved_day(moved)}'",
                        f"hs-west {a11} done: '4'", f"hs-west {a11} name: 'Fait'", f"hs-west {a11} pace: 'done'"]
    assert not night.state_changes and not night.conflicts
    assert portal.sync().written == 0


def moved_day(ms: str) -> str:
    return datetime.fromtimestamp(int(ms) / 1000, UTC).date().isoformat()


def _key_searches(calls: list[tuple[str, str, Any]]) -> list[list[str]]:
    """The values of each ``pac_key IN`` filter of the tasks searches among ``calls``."""
    return [f["values"] for m, p, b in calls if p == "/crm/v3/objects/tasks/search"
            for g in (b or {}).get("filterGroups") or [] for f in g.get("filters") or []
            if f.get("propertyName") == "pac_key" and f.get("operator") == "IN"]


class TestTasksWithoutUpsert:
    """Tasks are not upserted (HubSpot documents unique-value properties, which an upsert's idProperty must be, for
    companies, deals, tickets, custom objects and contacts only: audit hsdocs F1): a night that writes tasks finds
    them by a ``pac_key IN`` search, updates those found by id and creates the others (audit hstasks)."""

    def test_provisioned_key_is_not_unique_and_a_quiet_night_searches_no_key(self, portal: Starter) -> None:
        """The first night searches the keys (none found), creates each task once; a quiet night writes no task and
        searches no key (its only tasks search is the pull's); a changed figure is one search and one update by id.
        Failed before the fix: the tasks' pac_key was unique and every task write was a batch upsert."""
        requests = portal.api.requests
        first = portal.sync()
        calls = list(requests)
        assert portal.api.tables["tasks"].properties["pac_key"]["hasUniqueValue"] is False
        owned = len(_owned(portal, first))
        assert [p for m, p, _b in calls if p.startswith("/crm/v3/objects/tasks/batch/")] \
            == ["/crm/v3/objects/tasks/batch/create"]
        assert sorted(v for values in _key_searches(calls) for v in values) == sorted(portal.tasks())
        assert len(portal.tasks()) == owned == len(portal.api.tables["tasks"].rows)
        ids = {k: t.id for k, t in portal.tasks().items()}
        portal.sync()       # past pac's first writes
        requests.clear()
        quiet = portal.sync()
        assert quiet.written == 0 and _key_searches(list(requests)) == []
        assert [p for m, p, _b in requests if "/objects/tasks/batch/" in p or "/objects/tasks/search" in p] \
            == ["/crm/v3/objects/tasks/search"]
        text = portal.settings.plans[0].file.read_text(encoding="utf-8")
        portal.settings.plans[0].file.write_text(text.replace(A08_6, A08_8, 1), encoding="utf-8")
        requests.clear()
        changed = portal.sync()
        [key] = [k for k in ids if k.endswith(":A-08")]
        assert changed.written >= 1 and portal.tasks()[key].props["pac_target"] == "8"
        assert _key_searches(list(requests)) == [[key]]
        assert [p for m, p, _b in requests if p.startswith("/crm/v3/objects/tasks/batch/")] \
            == ["/crm/v3/objects/tasks/batch/update"]
        assert {k: t.id for k, t in portal.tasks().items()} == ids

    def test_a_portal_whose_tasks_key_an_older_pac_made_unique_keeps_working(self, portal: Starter) -> None:
        """Provisioned by a pac before 6 Dec 2026: the tasks' pac_key is unique. Provisioning leaves it so, and the
        tasks are written the same way: one each, found the next nights by the search and updated by id."""
        portal.api.tables["tasks"].define("pac_key", "string", "text", group="pac", label="PAC key", unique=True,
                                          custom=True)
        portal.sync()
        ids = {k: t.id for k, t in portal.tasks().items()}
        assert ids and len(ids) == len(portal.api.tables["tasks"].rows)
        assert portal.api.tables["tasks"].properties["pac_key"]["hasUniqueValue"] is True
        text = portal.settings.plans[0].file.read_text(encoding="utf-8")
        portal.settings.plans[0].file.write_text(text.replace(A08_6, A08_8, 1), encoding="utf-8")
        changed = portal.sync()
        assert changed.errors == [] and {k: t.id for k, t in portal.tasks().items()} == ids
        assert [t.props["pac_target"] for k, t in portal.tasks().items() if k.endswith(":A-08")] == ["8"]
        assert portal.sync().written == 0

    def test_a_copy_of_pacs_task_is_neither_read_nor_written(self, portal: Starter,
                                                            caplog: pytest.LogCaptureFixture) -> None:
        """A rep copies A-08's task, pac_key included, and completes the copy. The next night (A-08's target changed
        to 8) pac's task, the lowest id, is read and written; the copy is left as it is, its completion is no
        manager's edit of A-08, and it is reported once. Failed before the fix: the copy's COMPLETED status was read
        as A-08 done (and the write was an upsert by a key two tasks hold)."""
        portal.sync()
        portal.sync()
        [key] = [k for k in portal.tasks() if k.endswith(":A-08")]
        mine = portal.tasks()[key]
        status = mine.props["pac_status"]
        copy = portal.api.add("tasks", dict(mine.props))
        portal.api.update("tasks", copy, {"hs_task_status": "COMPLETED"}, by_user=portal.user("hugo"))
        assert int(copy) > int(mine.id)
        text = portal.settings.plans[0].file.read_text(encoding="utf-8")
        portal.settings.plans[0].file.write_text(text.replace(A08_6, A08_8, 1), encoding="utf-8")
        with caplog.at_level(logging.WARNING):
            result = portal.sync()
        rows = portal.api.tables["tasks"].rows
        assert rows[mine.id].props["pac_target"] == "8" and rows[copy].props["pac_target"] == "6"
        assert _status(result, key) == status != "done"
        assert sorted(i for i, t in rows.items() if t.props.get("pac_key") == key) == sorted([mine.id, copy])
        warned = [r.getMessage() for r in caplog.records if "duplicate_tasks" in r.getMessage()]
        assert len(warned) == 1 and f"others={copy}" in warned[0], warned
        # ops see it in the run's summary and pac status, once, with what to do (audit smallwords F3: only logged;
        # seen failing before the fix)
        [warning] = result.copies
        assert warning.startswith("hs-west: ") and f"{key} (copies {copy})" in warning
        assert "delete the extra copies in HubSpot" in warning
        console = Console(record=True, width=400)
        print_result(console, result)
        assert console.export_text().count(f"warning: {warning}") == 1
        shown = CliRunner().invoke(main, ["status"], env={"PAC_CONFIG": str(portal.settings.source), "COLUMNS": "400"})
        assert f"- warning: {warning}" in " ".join(shown.output.split()), shown.output
