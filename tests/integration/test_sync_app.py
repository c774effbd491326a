"""Read-side services: the report's inputs and snapshots, from the store, with the real engine."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.base import ObjectKind
from pac_config.settings import load_settings
from pac_core.records import Rejected
from pac_core.results import Pace
from sync_jobs import app
from sync_jobs.pipeline import run_sync
from tests.fakes import Clock, FakeConnector, account, fake_evaluate, user, visit, write_settings

AS_OF = datetime(2027, 5, 20, 16, 0, tzinfo=UTC)


@pytest.fixture
def synced(tmp_path, database_url):
    settings = load_settings(write_settings(tmp_path, database_url), env={})
    crm = FakeConnector()
    crm.put(user("u1", "julie@example.com"), account("a1"), account("a2"),
            visit("v1", "u1", "a1", datetime(2027, 5, 4, 8, tzinfo=UTC)),
            visit("v2", "u1", "a2", datetime(2027, 5, 5, 8, tzinfo=UTC)))
    crm.reject(ObjectKind.DEALS, Rejected("fake", "deals", "d9", "currency CHF has no rate"))
    run_sync(None, settings, connectors={"fake": crm}, clock=Clock(), evaluator=fake_evaluate)
    return settings


class TestReportInputs:
    def test_inputs_hold_the_plan_evaluation_last_run_and_rejections(self, synced) -> None:
        """The real engine re-evaluates the stored records: A-01 has its two visits; the run and its
        rejected deal come along, and the linter's view of each action."""
        inputs = app.load_report_inputs(synced, as_of=AS_OF)
        assert inputs.evaluation.action("A-01").done == 2
        assert inputs.last_run is not None and inputs.last_run.status == "partial"
        assert [r.id for r in inputs.rejected] == ["d9"]
        assert len(inputs.lint) == len(inputs.plan.actions) and "kind" in inputs.lint[0]
        assert inputs.people["julie@example.com"] == "Julie"

    def test_snapshots_are_listed_for_the_report(self, synced) -> None:
        """A snapshot taken on 20 May closes the last month that ended (April) and comes back as an evaluation
        at April's end: A-01 (week 18) had not begun, nothing expected, and its two visits of 4 and 5 May, in the
        store on 20 May, are not counted in April."""
        label = app.take_snapshot(synced, None, "monthly", now=AS_OF)
        inputs = app.load_report_inputs(synced, as_of=AS_OF)
        assert label == "2027-04"
        assert [(s.label, s.kind) for s in inputs.snapshots] == [("2027-04", "monthly")]
        snap = inputs.snapshots[0].evaluation
        assert snap.as_of == datetime(2027, 4, 30, 22, 0, tzinfo=UTC)
        assert snap.action("A-01").done == 0 and snap.action("A-01").expected_by_now == 0.0
        assert snap.action("A-01").pace is Pace.NOT_STARTED
        assert app.load_report_inputs(synced, as_of=AS_OF).evaluation.action("A-01").done == 2   # May: both

    def test_an_automatic_retake_leaves_the_kept_snapshot(self, synced, caplog) -> None:
        """Audit B, F3: the scheduler's takes (``take_snapshots``) replaced a kept snapshot silently. A period already
        kept is left as it is, with a log line saying why; ``replace`` replaces it."""
        from sync_jobs.store import open_store, repo

        app.take_snapshot(synced, None, period="2027-04", now=AS_OF)
        engine = open_store(synced.database())
        try:
            first = repo.snapshots(engine, "test-plan")[0].payload
            later = datetime(2027, 5, 25, tzinfo=UTC)
            with caplog.at_level("INFO", logger="pac.snapshot"):
                assert app.take_snapshots(synced, None, "monthly", ["2027-04"], now=later) == []
            assert [s.payload for s in repo.snapshots(engine, "test-plan")] == [first]
            assert "snapshot 2027-04 of test-plan already kept" in caplog.text
            assert app.take_snapshots(synced, None, "monthly", ["2027-04"], now=later, replace=True) == ["2027-04"]
            assert repo.snapshots(engine, "test-plan")[0].payload["kept"]["taken_on"].startswith("2027-05-25")
        finally:
            engine.dispose()

    def test_a_snapshot_kept_before_its_plan_was_recorded_reads_the_plan_of_then(self, synced) -> None:
        """A quarterly snapshot with no plan version in its payload (kept by an older pac), the plan edited since
        (A-02 removed): the closed quarter's report is read with the stored plan version that has the snapshot's
        actions, so A-02 is still in it and listed as removed since."""
        from pathlib import Path

        from sync_jobs.store import open_store, repo

        app.take_snapshot(synced, None, period="2027-Q1", now=AS_OF)
        engine = open_store(synced.database())
        try:
            row = repo.snapshots(engine, "test-plan")[0]
            legacy = {k: v for k, v in row.payload.items() if k != "kept"}
            repo.save_snapshot(engine, "test-plan", "quarterly", "2027-Q1", legacy, row.taken_at, replace=True)
        finally:
            engine.dispose()
        plan = Path(synced.plan(None).file)
        text = plan.read_text(encoding="utf-8")
        plan.write_text(text[:text.index("  - id: A-02")], encoding="utf-8")
        run_sync(None, synced, connectors={"fake": FakeConnector()}, clock=Clock(AS_OF), evaluator=fake_evaluate)
        q1_end = datetime(2027, 3, 31, 22, 0, tzinfo=UTC)
        inputs = app.load_report_inputs(synced, as_of=q1_end, closed=True)
        assert inputs.basis is not None and inputs.basis.kind == "snapshot" and inputs.basis.taken_on is None
        assert [a.id for a in inputs.plan.actions] == ["A-01", "A-02"]
        assert inputs.basis.since.removed == ("A-02",)

    def test_a_plan_version_that_no_longer_loads_falls_back_to_todays_plan(self, synced, caplog) -> None:
        """The plan version a snapshot was taken with no longer loads (the plan format tightened since): the closed
        quarter's report is still made, with today's plan, and the log says why (review: it failed)."""
        from sqlmodel import Session, select

        from sync_jobs.store import open_store
        from sync_jobs.store.tables import PlanVersion

        app.take_snapshot(synced, None, period="2027-Q1", now=AS_OF)
        engine = open_store(synced.database())
        try:
            with Session(engine) as session:
                for version in session.exec(select(PlanVersion)):
                    version.content = "plan: [this is no plan]\n"
                    session.add(version)
                session.commit()
        finally:
            engine.dispose()
        q1_end = datetime(2027, 3, 31, 22, 0, tzinfo=UTC)
        inputs = app.load_report_inputs(synced, as_of=q1_end, closed=True)
        assert inputs.basis is not None and inputs.basis.kind == "snapshot"
        assert [a.id for a in inputs.plan.actions] == ["A-01", "A-02"]
        assert "no longer loads" in caplog.text

    def test_a_running_or_foreign_period_is_refused(self, synced) -> None:
        """May is still running on 20 May; 2026-12 is outside the 2027 plan: both refused, with the choices."""
        from pac_core.errors import InvalidInput

        with pytest.raises(InvalidInput, match=r"2027-05 has not ended yet.*2027-01, 2027-02, 2027-03, 2027-04"):
            app.take_snapshot(synced, None, period="2027-05", now=AS_OF)
        with pytest.raises(InvalidInput, match="outside the plan's period"):
            app.take_snapshot(synced, None, period="2026-12", now=AS_OF)


class TestReviewPreviousMonth:
    def test_recomputed_at_the_previous_months_end_as_its_snapshot(self, synced, monkeypatch) -> None:
        """With no April snapshot kept, May's review recomputes April at April's end (1 May 00:00 Paris), the
        instant April's snapshot is evaluated at, not a second before it (where an action due on 30 April and
        short of its target read "at risk" instead of "late")."""
        from pac_core.snapshots import closing_instant
        from sync_jobs.review import load as review_load

        seen: list[datetime] = []
        real = review_load.current

        def spy(*args, **kwargs):
            seen.append(kwargs["as_of"])
            return real(*args, **kwargs)

        monkeypatch.setattr(review_load, "current", spy)
        review = review_load.load_review(synced, month="2027-05", now=AS_OF)
        assert (review.previous, review.previous_source) == ("2027-04", "recomputed")
        assert seen[-1] == closing_instant("2027-04", "Europe/Paris") == datetime(2027, 4, 30, 22, 0, tzinfo=UTC)
