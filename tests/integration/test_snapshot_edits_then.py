"""A snapshot taken late keeps the CRM edits in force at its period's end, each field at the value it had then,
however many times it was edited since (audit snapedits). A target edited twice, 5 -> 8 on 20 March and 8 -> 3 on
10 April: the March snapshot taken on 1 April (on time) reads 8, and so must the one taken on 15 April. Before, the
store's one state per field (its last value, 3 on 10 April) was left out as too recent and the file's 5 stood."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from connectors.base import Target
from pac_config.settings import Settings, load_settings
from pac_core.results import ActionProgress
from sync_jobs import app
from sync_jobs.pipeline import run_sync
from tests.fakes import SMALL_PLAN, Clock, FakeConnector, account, edit, fake_evaluate, user, visit, write_settings

MARCH_ACTION = """\
  - id: A-03
    axis: AX-1
    text: "Visit 5 customers in March"
    who: julie@example.com
    what: {activity: visit, count: 5}
    when: "March 2027"
"""
MARCH_1 = datetime(2027, 3, 1, 1, 0, tzinfo=UTC)
MARCH_20_EDIT = datetime(2027, 3, 20, 9, 0, tzinfo=UTC)
MARCH_20_NIGHT = datetime(2027, 3, 21, 1, 0, tzinfo=UTC)
APRIL_1_SYNC = datetime(2027, 4, 1, 0, 0, tzinfo=UTC)        # 02:00 Paris, the night after the close
APRIL_1_SNAPSHOT = datetime(2027, 4, 1, 3, 45, tzinfo=UTC)   # 05:45 Paris, the scheduler's snapshot job
APRIL_10_EDIT = datetime(2027, 4, 10, 9, 0, tzinfo=UTC)
APRIL_10_NIGHT = datetime(2027, 4, 11, 0, 0, tzinfo=UTC)
APRIL_15 = datetime(2027, 4, 15, 3, 45, tzinfo=UTC)


def _sync(settings: Settings, crm: FakeConnector, at: datetime) -> str:
    return run_sync(None, settings, connectors={"fake": crm}, clock=Clock(at), as_of=at,
                    evaluator=fake_evaluate).plan_id


def _a03(settings: Settings, label: str = "2027-03", kind: str = "monthly") -> tuple[ActionProgress, app.Kept]:
    kept = app.kept_snapshot(settings, None, kind, label)
    assert kept is not None
    return next(a for a in kept.evaluation.actions if a.action_id == "A-03"), kept


class EditedTwice:
    """A-03 (5 visits in March, due 31 March) with ``visits`` visits to distinct accounts in March; one field of it
    edited in the CRM by the manager on 20 March (``first``) and on 10 April (``second``), each read by that night's
    sync. ``late``: the March snapshot is taken on 15 April; else on 1 April at 05:45, after that night's sync."""

    def __init__(self, tmp_path: Path, database_url: str, visits: int) -> None:
        self.settings = load_settings(write_settings(tmp_path, database_url, plan_text=SMALL_PLAN + MARCH_ACTION),
                                      env={})
        self.crm = FakeConnector()
        self.crm.put(user("u1", "julie@example.com"), *(account(f"a{i}") for i in range(1, visits + 1)),
                     *(visit(f"v{i}", "u1", f"a{i}", datetime(2027, 3, 2 + i, 8, tzinfo=UTC))
                       for i in range(1, visits + 1)))
        self.plan_id = _sync(self.settings, self.crm, MARCH_1)

    def run(self, field: str, first: object, second: object, *, late: bool) -> None:
        key = f"{self.plan_id}:A-03"
        self.crm.put(edit(key, field, first, MARCH_20_EDIT, Target.ACTION))
        _sync(self.settings, self.crm, MARCH_20_NIGHT)
        _sync(self.settings, self.crm, APRIL_1_SYNC)
        if not late:
            assert app.take_snapshot(self.settings, None, period="2027-03", now=APRIL_1_SNAPSHOT) == "2027-03"
        self.crm.put(edit(key, field, second, APRIL_10_EDIT, Target.ACTION))
        _sync(self.settings, self.crm, APRIL_10_NIGHT)
        if late:
            assert app.take_snapshot(self.settings, None, period="2027-03", now=APRIL_15) == "2027-03"


class TestATargetEditedTwice:
    """6 visits in March; target 5 in the file, 8 from 20 March, 3 from 10 April. In force at March's end: 8, so
    March reads 6 / 8, late (missed), whenever it is taken; 6 / 5 or 6 / 3 would read done."""

    @pytest.mark.parametrize("late", [False, True], ids=["on time", "late"])
    def test_march_reads_the_target_of_20_march(self, tmp_path: Path, database_url: str, late: bool) -> None:
        """Seen failing before the fix (late): (6, 5, 'done'), the file's target, the 20 March edit lost."""
        case = EditedTwice(tmp_path, database_url, visits=6)
        case.run("action_target", 8, 3, late=late)
        a03, kept = _a03(case.settings)
        assert (a03.done, a03.target, a03.pace.value) == (6, 8, "late")
        assert kept.plan.action("A-03").target == 8      # the report's plan of then

    def test_the_quarter_taken_late_too(self, tmp_path: Path, database_url: str) -> None:
        case = EditedTwice(tmp_path, database_url, visits=6)
        case.run("action_target", 8, 3, late=True)
        assert app.take_snapshot(case.settings, None, period="2027-Q1", now=APRIL_15) == "2027-Q1"
        a03, _ = _a03(case.settings, "2027-Q1", "quarterly")
        assert (a03.done, a03.target, a03.pace.value) == (6, 8, "late")

    def test_replace_takes_today_s_target_by_design(self, tmp_path: Path, database_url: str) -> None:
        case = EditedTwice(tmp_path, database_url, visits=6)
        case.run("action_target", 8, 3, late=True)
        app.take_snapshot(case.settings, None, period="2027-03", now=APRIL_15, replace=True)
        a03, _ = _a03(case.settings)
        assert (a03.target, a03.pace.value) == (3, "done")


class TestADueDateEditedTwice:
    """2 visits in March; due 31 March in the file, 30 April from 20 March, 31 March again from 10 April. At March's
    end A-03 runs to 30 April: 31 of its 61 days elapsed, 5 x 31 / 61 = 2.54 expected, 2 done: at risk, not late."""

    @pytest.mark.parametrize("late", [False, True], ids=["on time", "late"])
    def test_march_reads_the_due_date_of_20_march(self, tmp_path: Path, database_url: str, late: bool) -> None:
        """Seen failing before the fix (late): 'late', the file's 31 March (the 10 April edit brought the field back
        to the file's value, so no edit at all was kept)."""
        case = EditedTwice(tmp_path, database_url, visits=2)
        case.run("action_due", "2027-04-30", "2027-03-31", late=late)
        a03, kept = _a03(case.settings)
        assert (a03.done, a03.target, a03.pace.value) == (2, 5, "at_risk")
        assert a03.expected_by_now == pytest.approx(5 * 31 / 61)
        assert kept.plan.action("A-03").window.end == datetime(2027, 4, 30, 22, 0, tzinfo=UTC)


class TestAnAxisSuspendedThenResumed:
    """AX-1 suspended in the CRM on 20 March, resumed (active) on 10 April: at March's end it was suspended, so its
    action A-03 (2 of 5 visits, due 31 March) is inactive in March, not late, whenever March is taken, and the kept
    plan says who suspended it and when, as it did before the axis was resumed."""

    @pytest.mark.parametrize("late", [False, True], ids=["on time", "late"])
    def test_march_reads_the_suspension(self, tmp_path: Path, database_url: str, late: bool) -> None:
        """Seen failing before the fix (late): 'late', the 10 April resumption left out with the suspension; and
        (both) the reason « suspended in a CRM », the store's state being the resumption."""
        case = EditedTwice(tmp_path, database_url, visits=2)
        key = f"{case.plan_id}:AX-1"
        case.crm.put(edit(key, "axis_status", "suspended", MARCH_20_EDIT))
        _sync(case.settings, case.crm, MARCH_20_NIGHT)
        _sync(case.settings, case.crm, APRIL_1_SYNC)
        if not late:
            app.take_snapshot(case.settings, None, period="2027-03", now=APRIL_1_SNAPSHOT)
        case.crm.put(edit(key, "axis_status", "active", APRIL_10_EDIT))
        _sync(case.settings, case.crm, APRIL_10_NIGHT)
        if late:
            app.take_snapshot(case.settings, None, period="2027-03", now=APRIL_15)
        a03, kept = _a03(case.settings)
        assert a03.pace.value == "inactive"
        status = kept.plan.axis("AX-1").status
        assert (status.state.value, status.since) == ("suspended", date(2027, 3, 20))
        assert status.reason == "suspended in fake on March 20, 2027"


def test_a_file_edit_after_the_close_leaves_the_crm_edit_of_then(tmp_path: Path, database_url: str) -> None:
    """Target 5 in the file, 8 in the CRM on 20 March; on 10 April the manager writes 4 in the plan file (saved then,
    read by that night's sync: the later change wins). March, taken on 15 April, had 8 in force at its end: 6 / 8
    late. Seen failing before the fix: (6, 5, 'done'), the store's state being the file's since 10 April."""
    case = EditedTwice(tmp_path, database_url, visits=6)
    case.crm.put(edit(f"{case.plan_id}:A-03", "action_target", 8, MARCH_20_EDIT, Target.ACTION))
    _sync(case.settings, case.crm, MARCH_20_NIGHT)
    _sync(case.settings, case.crm, APRIL_1_SYNC)
    plan = Path(case.settings.plan(None).file)
    plan.write_text(plan.read_text(encoding="utf-8").replace("count: 5}", "count: 4}"), encoding="utf-8")
    os.utime(plan, (APRIL_10_EDIT.timestamp(), APRIL_10_EDIT.timestamp()))
    _sync(case.settings, case.crm, APRIL_10_NIGHT)
    assert app.take_snapshot(case.settings, None, period="2027-03", now=APRIL_15) == "2027-03"
    a03, kept = _a03(case.settings)
    assert (a03.done, a03.target, a03.pace.value) == (6, 8, "late")
    assert kept.plan.action("A-03").target == 8
    today = app.current(case.settings, None, as_of=APRIL_15).plan.action("A-03")
    assert today.target == 4       # the file's change applied: the plan of today is not the snapshot's
