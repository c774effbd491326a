"""Read-side services: the report's inputs and snapshots, from the store, with the real engine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from connectors.base import ObjectKind
from pac_config.settings import load_settings
from pac_core.errors import InvalidInput
from pac_core.records import Rejected
from pac_core.results import Pace
from sync_jobs import app
from sync_jobs.pipeline import run_sync
from sync_jobs.report import render_html
from sync_jobs.store import open_store, repo
from sync_jobs.store.tables import PlanVersion
from tests.fakes import Clock, FakeConnector, account, fake_evaluate, user, visit, write_settings

AS_OF = datetime(2027, 5, 20, 16, 0, tzinfo=UTC)
Q1_END = datetime(2027, 3, 31, 22, 0, tzinfo=UTC)


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
        _legacy_q1_snapshot(synced, AS_OF)
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

    def test_the_choices_of_a_refused_period_leave_out_the_periods_kept(self, synced) -> None:
        """Q1 kept, then Q2 asked on 20 May: the fix offered « choose a closed period of the plan: 2027-Q1 », the
        quarter just kept, which the command would refuse in turn (audit newcomer3). It says Q1 is kept, and how to
        take it again; of the months, those kept are set apart from those still to take."""
        from pac_core.errors import InvalidInput

        app.take_snapshot(synced, None, period="2027-Q1", now=AS_OF)
        with pytest.raises(InvalidInput) as refused:
            app.take_snapshot(synced, None, period="2027-Q2", now=AS_OF)
        assert str(refused.value.problems[0]).endswith(
            "(every closed quarter of the plan is kept already (2027-Q1): add --replace to take one again)")
        app.take_snapshot(synced, None, period="2027-02", now=AS_OF)
        with pytest.raises(InvalidInput) as refused:
            app.take_snapshot(synced, None, period="2027-05", now=AS_OF)
        assert str(refused.value.problems[0]).endswith(
            "(choose a closed period of the plan not kept yet: 2027-01, 2027-03, 2027-04 (kept already: 2027-02; "
            "--replace takes one again))")


class TestAClosedQuartersRun:
    """A closed quarter's report made from its kept snapshot shows the sync the snapshot was taken from (the last
    one finished when it was taken), beside the frozen figures, not today's last sync."""

    def test_the_snapshot_report_shows_the_run_it_was_taken_from(self, synced) -> None:
        """The snapshot is taken after the first sync (partial, deal d9 rejected); a later sync is ok and rejects
        nothing. Before the fix the Q1 report showed that later sync (ok, no rejection) under "Last sync"."""
        app.take_snapshot(synced, None, period="2027-Q1", now=AS_OF + timedelta(hours=1))
        later = AS_OF + timedelta(days=1)
        run_sync(None, synced, connectors={"fake": FakeConnector()}, clock=Clock(later), evaluator=fake_evaluate)
        inputs = app.load_report_inputs(synced, as_of=Q1_END, closed=True)
        assert inputs.basis is not None and inputs.basis.kind == "snapshot"
        assert inputs.last_run is not None and inputs.last_run.status == "partial"
        assert inputs.last_run.started_at == AS_OF and [r.id for r in inputs.rejected] == ["d9"]
        assert inputs.run_of == "snapshot"
        html = render_html(inputs, "en")
        assert "<h3>Last sync before the snapshot of May 20, 2027</h3>" in html
        assert "The snapshot&#x27;s sync" in html                      # the card
        restated = app.load_report_inputs(synced, as_of=Q1_END, closed=True, restated=True)
        assert restated.last_run is not None and restated.last_run.started_at == later   # today's records: today's
        assert restated.run_of == "latest"

    def test_a_snapshot_that_does_not_say_when_it_was_taken_labels_todays_run(self, synced) -> None:
        """A snapshot kept before pac recorded when it was taken: the run it came from is unknown; today's last
        sync is shown, labelled as such."""
        _legacy_q1_snapshot(synced, AS_OF + timedelta(hours=1))
        inputs = app.load_report_inputs(synced, as_of=Q1_END, closed=True)
        assert inputs.last_run is not None and inputs.run_of == "latest_unknown"
        assert "<h3>Latest sync to date (the snapshot does not say which sync it was taken from)</h3>" in render_html(
            inputs, "en")


class TestTwoWorkersKeepTheSameSnapshot:
    """Two workers sharing the store keep the same period at once: the other one's insert lands between this one's
    "is it kept?" read and its own insert (simulated deterministically by wrapping the store's write). The loser
    says the period is already kept, as a kept period is refused or left, and the winner's snapshot stays."""

    @staticmethod
    def _other_worker_first(monkeypatch, payload: dict) -> None:
        real = repo.save_snapshot

        def racing(engine, plan_id, kind, label, body, now, *, replace=False):
            if not racing.done:   # the other worker commits its snapshot just before this one's insert
                racing.done = True
                real(engine, plan_id, kind, label, payload, now)
            real(engine, plan_id, kind, label, body, now, replace=replace)

        racing.done = False
        monkeypatch.setattr(repo, "save_snapshot", racing)

    def _kept_payloads(self, settings) -> list[dict]:
        engine = open_store(settings.database())
        try:
            return [s.payload for s in repo.snapshots(engine, "test-plan")]
        finally:
            engine.dispose()

    def test_pac_snapshot_losing_the_race_is_refused_as_already_kept(self, synced, monkeypatch) -> None:
        """``pac snapshot`` (``take_snapshot``): an IndexError (no label taken) before; now the refusal of a kept
        period, naming when the other worker took it, and the other worker's figures stay."""
        other = {"kept": {"taken_on": "2027-05-20T03:45:00+00:00"}, "by": "the other worker"}
        self._other_worker_first(monkeypatch, other)
        with pytest.raises(InvalidInput, match=r"2027-Q1 is already kept \(taken on 2027-05-20 05:45 "
                                               r"\(Europe/Paris\), by another worker meanwhile\).*--replace"):
            app.take_snapshot(synced, None, period="2027-Q1", now=AS_OF)
        assert self._kept_payloads(synced) == [other]

    def test_the_schedulers_catch_up_losing_the_race_leaves_the_kept_one(self, synced, monkeypatch, caplog) -> None:
        """The scheduler's quarterly job (``take_due_snapshots``): the period is left as kept by the other worker,
        logged as an already kept one is, and not reported as taken."""
        other = {"kept": {"taken_on": "2027-05-20T03:45:00+00:00"}, "by": "the other worker"}
        self._other_worker_first(monkeypatch, other)
        with caplog.at_level("INFO", logger="pac.snapshot"):
            assert app.take_due_snapshots(synced, None, "quarterly", now=AS_OF) == []
        assert self._kept_payloads(synced) == [other]
        assert "snapshot 2027-Q1 of test-plan already kept (taken on 2027-05-20 05:45 (Europe/Paris)" in caplog.text

    def test_the_plan_version_recorded_meanwhile_is_the_one_used(self, synced, monkeypatch) -> None:
        """Both workers record the plan file (edited since the last sync) before keeping the snapshot: the other
        one's version N+1 lands between this one's read of the latest version and its insert. An IntegrityError
        before; now that version is the one the snapshot names."""
        plan = Path(synced.plan(None).file)
        plan.write_text(plan.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        fingerprint = app.load_plan_file(synced.plan(None))[1]
        real = repo.latest_plan_version

        def racing(engine, plan_id):
            latest = real(engine, plan_id)
            if not racing.done and latest is not None and latest.fingerprint != fingerprint:
                racing.done = True
                with Session(engine) as session:
                    session.add(PlanVersion(plan_id=plan_id, version=latest.version + 1, fingerprint=fingerprint,
                                            source_path=str(plan), content=plan.read_text(encoding="utf-8"),
                                            imported_at=AS_OF))
                    session.commit()
            return latest

        racing.done = False
        monkeypatch.setattr(repo, "latest_plan_version", racing)
        assert app.take_snapshot(synced, None, period="2027-Q1", now=AS_OF) == "2027-Q1"
        assert racing.done
        engine = open_store(synced.database())
        try:
            versions = repo.plan_versions(engine, "test-plan")
        finally:
            engine.dispose()
        assert [v.fingerprint for v in versions][-1] == fingerprint and len({v.version for v in versions}) == 2
        # Q1 is taken late (20 May): it names the plan version of then, the first the store kept since both were
        # recorded after Q1's close (audit asofplan F1); the version recorded meanwhile raised no IntegrityError
        assert self._kept_payloads(synced)[0]["kept"]["plan_version"] == versions[0].version


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


def _legacy_q1_snapshot(synced: Any, now: datetime) -> None:
    """2027-Q1 kept at ``now`` as pac kept snapshots before it recorded when they were taken (no "kept" part)."""
    app.take_snapshot(synced, None, period="2027-Q1", now=now)
    engine = open_store(synced.database())
    try:
        row = repo.snapshots(engine, "test-plan")[0]
        legacy = {k: v for k, v in row.payload.items() if k != "kept"}
        repo.save_snapshot(engine, "test-plan", "quarterly", "2027-Q1", legacy, row.taken_at, replace=True)
    finally:
        engine.dispose()
