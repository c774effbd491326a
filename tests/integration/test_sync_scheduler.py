"""The scheduler: jobs from the settings in the plan's timezone, catch-up of a run missed while down,
its own job store, clean shutdown of a real ``pac schedule`` process on SIGTERM."""

from __future__ import annotations

import copy
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from click.testing import CliRunner

from pac_config.settings import load_settings
from pac_core.errors import InvalidInput
from sync_jobs import scheduler as sched
from sync_jobs.cli import main
from tests.fakes import synced_one_visit, write_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(tmp_path):
    return load_settings(write_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}",
                                       extra="schedule: {misfire_grace_seconds: 600}"), env={})


class TestJobs:
    def test_sync_and_snapshot_jobs_run_in_the_plan_timezone(self, settings) -> None:
        """Default cron 02:00 Europe/Paris for the sync, plus monthly and quarterly snapshots."""
        jobs = {j["id"]: j for j in sched.wanted_jobs(settings)}
        assert set(jobs) == {"sync:test", "monthly:test", "quarterly:test"}
        trigger = jobs["sync:test"]["trigger"]
        assert str(trigger.timezone) == "Europe/Paris" and "hour='2'" in str(trigger)

    def test_restart_keeps_the_pending_run_time(self, settings, tmp_path) -> None:
        """Syncing the job store again does not push an unchanged job's next run time forward."""
        store = tmp_path / "jobs.db"
        sched.sync_jobstore(settings, store)
        past = datetime.now(UTC) - timedelta(minutes=5)
        _set_next_run(settings, store, "sync:test", past)
        (job,) = [j for j in sched.sync_jobstore(settings, store) if j.id == "sync:test"]
        assert job.next_run_time == past

    def test_a_changed_grace_reaches_the_stored_jobs_and_keeps_their_run_time(self, settings, tmp_path) -> None:
        """A new misfire_grace_seconds (and coalesce, max_instances) is written into every stored job, in place."""
        store = tmp_path / "jobs.db"
        sched.sync_jobstore(settings, store)
        past = datetime.now(UTC) - timedelta(minutes=5)
        _set_next_run(settings, store, "sync:test", past)
        helper = sched.offline_scheduler(settings, store)
        helper.modify_job("monthly:test", coalesce=False, max_instances=3)
        helper.shutdown(wait=False)
        changed = load_settings(write_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}",
                                               extra="schedule: {misfire_grace_seconds: 7200}"), env={})
        jobs = {j.id: j for j in sched.sync_jobstore(changed, store)}
        assert {j.misfire_grace_time for j in jobs.values()} == {7200}
        assert jobs and all(j.coalesce is True and j.max_instances == 1 for j in jobs.values())
        assert jobs["sync:test"].next_run_time == past
        reread = sched.offline_scheduler(changed, store)
        try:
            assert {j.misfire_grace_time for j in reread.get_jobs()} == {7200}
        finally:
            reread.shutdown(wait=False)


def _set_next_run(settings, store: Path, job_id: str, when: datetime) -> None:
    helper = sched.offline_scheduler(settings, store)
    helper.modify_job(job_id, next_run_time=when)
    helper.shutdown(wait=False)


class TestCatchUp:
    def test_a_run_missed_while_down_runs_at_start_within_grace(self, settings, tmp_path, monkeypatch) -> None:
        """A sync due 5 minutes ago (grace 10 minutes) runs once as soon as the scheduler starts."""
        ran = threading.Event()
        calls: list[tuple[str, str]] = []

        def fake_run(settings_path: str, plan: str) -> tuple[str, int]:
            calls.append((settings_path, plan))
            ran.set()
            return "ok", 0

        monkeypatch.setattr(sched, "_run_plan", fake_run)
        store = tmp_path / "jobs.db"
        sched.sync_jobstore(settings, store)
        _set_next_run(settings, store, "sync:test", datetime.now(UTC) - timedelta(minutes=5))
        scheduler = sched.build_scheduler(settings, store, BackgroundScheduler)
        scheduler.start()
        try:
            assert ran.wait(30)
        finally:
            scheduler.shutdown(wait=True)
        assert [plan for _, plan in calls] == ["test"]

    def test_a_run_missed_beyond_grace_is_skipped(self, settings, tmp_path, monkeypatch) -> None:
        """A sync due at its last 02:00 fire, an hour or more ago (grace 10 minutes), is not run; the job moves to
        its next cron time. The missed fire is a real 02:00 Paris: set to "an hour ago", a suite run in the ten
        minutes after 02:00 Paris had today's 02:00 fire due within grace, and rightly ran it (seen failing so at
        02:08 Paris)."""
        calls: list[str] = []
        monkeypatch.setattr(sched, "_run_plan", lambda path, plan: calls.append(plan) or ("ok", 0))
        store = tmp_path / "jobs.db"
        sched.sync_jobstore(settings, store)
        local = datetime.now(ZoneInfo("Europe/Paris"))
        fire = local.replace(hour=2, minute=0, second=0, microsecond=0)
        if fire > local - timedelta(hours=1):
            fire = (local - timedelta(days=1)).replace(hour=2, minute=0, second=0, microsecond=0)
        _set_next_run(settings, store, "sync:test", fire.astimezone(UTC))
        scheduler = sched.build_scheduler(settings, store, BackgroundScheduler)
        scheduler.start()
        try:
            for _ in range(100):
                job = scheduler.get_job("sync:test")
                if job.next_run_time > datetime.now(UTC):
                    break
                time.sleep(0.05)
        finally:
            scheduler.shutdown(wait=True)
        assert calls == [] and job.next_run_time > datetime.now(UTC)


class TestProcess:
    def test_sigterm_stops_pac_schedule_cleanly(self, tmp_path) -> None:
        """A real `pac schedule` process logs its start, and exits 0 with stop lines on SIGTERM."""
        config = write_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
        env = {**os.environ, "PAC_CONFIG": str(config)}
        proc = subprocess.Popen([sys.executable, "-c", "from sync_jobs.cli import run; run()", "--log-format",
                                 "json", "schedule", "--jobstore", str(tmp_path / "jobs.db")], cwd=tmp_path,
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines: list[str] = []
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            if "schedule.start" in line:
                break
        # ready: the stop handlers are in place before schedule.start is logged (a signal before the loop starts
        # stops it as cleanly as one during the loop)
        proc.send_signal(signal.SIGTERM)
        _, rest = proc.communicate(timeout=30)
        err = "".join(lines) + rest
        assert proc.returncode == 0, err
        assert "schedule.start" in err and '"signal": "SIGTERM"' in err and "schedule.stopped" in err

    def test_sigterm_stops_the_sync_it_runs_at_its_next_step(self, tmp_path) -> None:
        """SIGTERM to `pac schedule` while its nightly sync runs (held before its writes by tests.faults, then let
        go): the sync stops before sending anything, its run is closed ``failed`` "interrupted by SIGTERM", its line
        says exit 130, and the scheduler logs schedule.stopped after it and exits 0. Before (audit C F4), the
        scheduler shut down but the sync went on to its end, writes included, and the process waited for it (under
        systemd's 90 s stop timeout: SIGKILL, the run left running)."""
        from sandbox_crm.run import start_sandbox
        from sync_jobs.store import open_store, repo
        from tests.fakes import sandbox_connectors, sandbox_env_fast, sandbox_settings
        from tests.integration.test_interrupted_runs import paused_sync

        log = tmp_path / "schedule.log"
        with start_sandbox() as crm, log.open("w") as stderr:
            settings = sandbox_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
            for connector in sandbox_connectors(settings, crm).values():
                connector.close()
            store = tmp_path / "jobs.db"
            sched.sync_jobstore(settings, store)
            _set_next_run(settings, store, f"sync:{settings.plans[0].key}", datetime.now(UTC) - timedelta(minutes=1))
            env = {**os.environ, **sandbox_env_fast(crm), "PAC_CONFIG": settings.source}
            env.pop("PAC_DATABASE_URL", None)
            release = tmp_path / "release"
            proc = paused_sync(env, tmp_path, release, stderr=stderr,
                               command=("--log-format", "json", "schedule", "--jobstore", str(store)))
            crm.reset_counts()
            proc.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 60
            stopped = '"event": "schedule.stop signal=SIGTERM"'
            while stopped not in log.read_text() and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            assert stopped in log.read_text(), log.read_text()
            release.touch()             # the sync goes on from its pause: its next check stops it
            proc.communicate(timeout=120)
            writes = [e for e in crm.log if e[1] in ("POST", "PATCH") and ("composite/sobjects" in e[2] or (
                "/batch/" in e[2] and "read" not in e[2] and "search" not in e[2]))]
        err = log.read_text()
        assert proc.returncode == 0, err
        assert writes == [], writes
        engine = open_store(settings.database())
        try:
            [run] = repo.runs(engine)
        finally:
            engine.dispose()
        assert run.status == "failed" and any("interrupted by SIGTERM" in e for e in run.errors), run.errors
        order = ['"event": "schedule.stopping runs=1"', '"event": "schedule.run job=sync',
                 '"event": "schedule.stopped"']
        assert all(line in err for line in order) and sorted(order, key=err.index) == order, err
        ran = next(line for line in err.splitlines() if '"event": "schedule.run job=sync' in line)
        assert '"exit": 130' in ran and "interrupted by SIGTERM" in ran, ran

    def test_second_scheduler_on_the_same_job_store_is_refused(self, settings, tmp_path) -> None:
        """Two scheduler processes must never share a job store: the second one is told to use its own."""
        import fcntl

        store = tmp_path / "jobs.db"
        holder = open(f"{store}.lock", "w")  # noqa: SIM115
        fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        from pac_core.errors import InvalidInput

        with pytest.raises(InvalidInput, match="own --jobstore"):
            sched.run_scheduler(settings, str(store))
        holder.close()


def _settings_at(tmp_path, as_of: str, grace: int = 600):
    """Settings whose plan clock is ``as_of`` (the snapshots' "now"), on a SQLite store in ``tmp_path``."""
    path = write_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}",
                          extra=f"schedule: {{misfire_grace_seconds: {grace}}}")
    text = path.read_text(encoding="utf-8").replace("connectors: [fake]}", f"connectors: [fake], as_of: '{as_of}'}}")
    path.write_text(text, encoding="utf-8")
    return load_settings(path, env={})


def _snapshots(settings) -> list[tuple[str, str, datetime]]:
    from sync_jobs.store import open_store, repo

    engine = open_store(settings.database())
    try:
        return [(s.kind, s.label, s.taken_at) for s in repo.snapshots(engine, "test-plan")]
    finally:
        engine.dispose()


class TestSnapshotJobs:
    def test_the_quarter_that_ends_is_the_label(self, tmp_path) -> None:
        """The quarterly job at 05:45 on 1 April (Paris) keeps Q1's figures under "2027-Q1", evaluated as of
        Q1's end (1 April 00:00 Paris: its last day, 31 March, counted in full), not under "2027-Q2"."""
        settings = _settings_at(tmp_path, "2027-04-01T05:45:00+02:00")
        sched.snapshot_job(settings.source, "test", "quarterly")
        (kind, label, taken), = _snapshots(settings)
        assert (kind, label) == ("quarterly", "2027-Q1")
        assert taken == datetime(2027, 3, 31, 22, 0, tzinfo=UTC)

    def test_catch_up_at_start_whatever_the_grace(self, tmp_path) -> None:
        """A real `pac schedule` started on 20 May with a 1-second grace takes, before its first job, every
        closed period still without a snapshot: January to April and Q1; none of the running month."""
        settings = _settings_at(tmp_path, "2027-05-20T18:00:00+02:00", grace=1)
        env = {**os.environ, "PAC_CONFIG": settings.source}
        proc = subprocess.Popen([sys.executable, "-c", "from sync_jobs.cli import run; run()", "--log-format",
                                 "json", "schedule", "--jobstore", str(tmp_path / "jobs.db")], cwd=tmp_path,
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        seen = _read_until(proc, ['"job": "quarterly_snapshot"'], timeout=300)   # a loaded CI machine
        proc.send_signal(signal.SIGTERM)
        _, rest = proc.communicate(timeout=30)
        assert proc.returncode == 0, seen + rest
        assert [(k, label) for k, label, _ in _snapshots(settings)] == [
            ("monthly", "2027-01"), ("monthly", "2027-02"), ("monthly", "2027-03"), ("quarterly", "2027-Q1"),
            ("monthly", "2027-04")]
        assert "catch-up" in seen

    def test_no_catch_up_for_a_plan_whose_jobs_ended(self, tmp_path) -> None:
        """A worker started on 1 March 2028, past the 2027 plan's schedule.after_end_days, schedules none of its
        jobs and takes none of its snapshots at start-up either (it took the whole year's, 2027-01 to 2027-Q4, on a
        store that had never synced the plan: docs audit, 5 Dec 2026); within the grace it still takes them."""
        (tmp_path / "late").mkdir()
        (tmp_path / "grace").mkdir()
        late = _settings_at(tmp_path / "late", "2028-03-01T05:00:00+01:00")
        assert sched.catch_up_snapshots(late) == {}
        assert _snapshots(late) == []
        done = sched.catch_up_snapshots(_settings_at(tmp_path / "grace", "2028-01-20T05:00:00+01:00"))
        assert done["quarterly:test"][-1] == "2027-Q4" and done["monthly:test"][-1] == "2027-12"

    def test_a_snapshot_missed_beyond_grace_runs_at_once(self, tmp_path) -> None:
        """A monthly job due 40 days ago (grace 10 minutes) is reported missed, then run at once as a one-off
        job that takes the closed months without a snapshot."""
        from apscheduler.events import EVENT_JOB_EXECUTED

        settings = _settings_at(tmp_path, "2027-03-02T06:00:00+01:00")
        ran = threading.Event()
        store = tmp_path / "jobs.db"
        sched.sync_jobstore(settings, store)
        _set_next_run(settings, store, "monthly:test", datetime.now(UTC) - timedelta(days=40))
        scheduler = sched.build_scheduler(settings, store, BackgroundScheduler)
        scheduler.add_listener(lambda ev: ev.job_id == "catch-up:monthly:test" and ran.set(), EVENT_JOB_EXECUTED)
        scheduler.start()
        try:
            assert ran.wait(60)
        finally:
            scheduler.shutdown(wait=True)
        assert [(k, label) for k, label, _ in _snapshots(settings)] == [("monthly", "2027-01"), ("monthly", "2027-02")]


def _read_until(proc: subprocess.Popen, needles: list[str], timeout: float) -> str:
    """stderr of ``proc`` up to the first line holding every needle (read in a thread, bounded in time)."""
    import queue

    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while True:
        line = lines.get(timeout=max(deadline - time.monotonic(), 0.01))
        if line is None:
            raise AssertionError("process ended: " + "".join(seen))
        seen.append(line)
        if all(n in line for n in needles):
            return "".join(seen)


FEBRUARY = ('  timezone: Europe/Paris\n', '  timezone: America/Chicago\n  period: "2027-02-01..2028-01-31"\n')


class TestFiscalQuarters:
    """Audit US, F5: the default quarterly cron (1 January, April, July, October) only ever closed calendar
    quarters, so a plan whose year starts on 1 February never got a snapshot of its own quarters. The quarterly
    job now fires after each of the plan's quarters ends and keeps it."""

    @staticmethod
    def _settings(tmp_path, as_of: str, period: tuple[str, str] = FEBRUARY, extra: str = ""):
        from tests.fakes import SMALL_PLAN

        path = write_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}", plan_text=SMALL_PLAN.replace(*period),
                              extra=extra or "schedule: {misfire_grace_seconds: 600}")
        text = path.read_text(encoding="utf-8").replace("connectors: [fake]}",
                                                        f"connectors: [fake], as_of: '{as_of}'}}")
        path.write_text(text, encoding="utf-8")
        return load_settings(path, env={})

    def test_the_default_cron_fires_after_the_plans_quarters(self, tmp_path) -> None:
        """On a year from February the default quarterly cron fires on 1 February, May, August and November
        (05:45 Chicago); the monthly one is unchanged."""
        from sync_jobs.evaluation import load_plan_file

        settings = self._settings(tmp_path, "2027-05-01T05:45:00-05:00")
        jobs = {j["id"]: j for j in sched.wanted_jobs(settings)}
        quarterly = jobs["quarterly:test"]["trigger"]
        assert "month='2,5,8,11'" in str(quarterly) and str(quarterly.timezone) == "America/Chicago"
        assert "month='*'" in str(jobs["monthly:test"]["trigger"])
        plan = load_plan_file(settings.plan("test"))[0]
        assert sched.snapshot_cron("0 6 1 */3 *", "quarterly", plan) == "0 6 1 2,5,8,11 *"
        assert sched.snapshot_cron("0 6 1 1,4,7,10 *", "monthly", plan) == "0 6 1 1,4,7,10 *"

    def test_calendar_and_april_plans_and_a_custom_cron_unchanged(self, tmp_path) -> None:
        """A calendar plan and a year from April keep 1,4,7,10; a cron that names other months is kept as written."""
        april = ('  timezone: Europe/Paris\n', '  timezone: Europe/Paris\n  period: "2027-04-01..2028-03-31"\n')
        for name, period in (("calendar", ("", "")), ("april", april)):
            (tmp_path / name).mkdir()
            settings = self._settings(tmp_path / name, "2027-05-01T05:45:00+02:00", period)
            jobs = {j["id"]: j for j in sched.wanted_jobs(settings)}
            assert "month='1,4,7,10'" in str(jobs["quarterly:test"]["trigger"])
        (tmp_path / "custom").mkdir()
        custom = self._settings(tmp_path / "custom", "2027-05-01T05:45:00-05:00",
                                extra='schedule: {quarterly_snapshot: "45 5 1 3,6,9,12 *"}')
        jobs = {j["id"]: j for j in sched.wanted_jobs(custom)}
        assert "month='3,6,9,12'" in str(jobs["quarterly:test"]["trigger"])

    def test_the_job_on_1_may_keeps_february_to_april(self, tmp_path) -> None:
        """The quarterly job at 05:45 on 1 May (Chicago) keeps the plan's first quarter, February-April, evaluated
        at its end (1 May 00:00 Chicago, 05:00 UTC)."""
        settings = self._settings(tmp_path, "2027-05-01T05:45:00-05:00")
        sched.snapshot_job(settings.source, "test", "quarterly")
        assert _snapshots(settings) == [("quarterly", "2027-02..2027-04", datetime(2027, 5, 1, 5, 0, tzinfo=UTC))]

    def test_a_worker_claims_the_fire_after_the_plans_quarter(self, tmp_path) -> None:
        """Workers sharing a store claim each fire of the plan's quarterly cron: one claimed on 15 April (the fire
        of 1 February) does not hold the fire of 1 May, which ends the plan's first quarter."""
        settings = self._settings(tmp_path, "2027-05-01T05:45:00-05:00")
        chicago = ZoneInfo("America/Chicago")
        assert sched.claim_scheduled_run(settings, "test", "quarterly", now=datetime(2027, 4, 15, tzinfo=chicago),
                                         worker="w1") is None
        assert sched.claim_scheduled_run(settings, "test", "quarterly", now=datetime(2027, 5, 1, 6, tzinfo=chicago),
                                         worker="w2") is None
        assert sched.claim_scheduled_run(settings, "test", "quarterly", now=datetime(2027, 5, 1, 7, tzinfo=chicago),
                                         worker="w1") == "w2"


class TestLockedFire:
    def test_a_locked_fire_whose_record_fails_is_still_logged_and_never_raises(self, settings, monkeypatch,
                                                                               caplog) -> None:
        """A fire whose run could not get its lock is kept as a ``locked`` run; when keeping it fails too (the
        store down), the job still logs its one ``schedule.run`` line and does not raise (review: the handler
        raised out of the job, which must never raise)."""
        import logging

        from sync_jobs.lock import LockHeld

        def held(*_: object) -> tuple[str, int]:
            raise LockHeld("test", "worker-b", None)

        def store_down(*_: object) -> str:
            raise RuntimeError("the store is down")

        monkeypatch.setattr(sched, "claim_scheduled_run", lambda *_: None)
        monkeypatch.setattr(sched, "_run_plan", held)
        monkeypatch.setattr(sched, "fire_not_run", store_down)
        with caplog.at_level(logging.INFO, logger="pac.schedule"):
            sched.sync_job(str(settings.source), "test")
        ran = [r.getMessage() for r in caplog.records if "schedule.run" in r.getMessage()]
        assert len(ran) == 1 and " exit=3 " in ran[0] and "not kept in the store" in ran[0], ran


PARIS = ZoneInfo("Europe/Paris")


class TestAfterThePlansEnd:
    """Audit yearend F6: an ended plan kept its nightly sync (and snapshot jobs) scheduled for ever, at a live plan's
    API cost. Its jobs now end ``schedule.after_end_days`` (31) after the plan's end (2027 plan: 1 February 2028
    00:00 Paris), the first fires after the end (the last day's sync, the year-end snapshots) always included, and a
    scheduler started later schedules none of them, saying why once. The clock is given (``now``)."""

    @staticmethod
    def _settings(tmp_path, schedule: str = "") -> Any:
        return load_settings(write_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}",
                                            extra=f"schedule: {{misfire_grace_seconds: 600{schedule}}}"), env={})

    @staticmethod
    def _fires(trigger: Any, after: datetime) -> list[datetime]:
        """Every fire of ``trigger`` from ``after`` on (bounded: a trigger with no end would fail the test)."""
        fires, previous = [], None
        while (fire := trigger.get_next_fire_time(previous, previous + timedelta(seconds=1) if previous else after)):
            fires.append(fire)
            previous = fire
            assert len(fires) < 100, "the trigger does not end"
        return fires

    def test_a_live_plans_jobs_end_31_days_after_its_end(self, tmp_path) -> None:
        jobs = {j["id"]: j for j in sched.wanted_jobs(self._settings(tmp_path), datetime(2027, 12, 5, tzinfo=PARIS))}
        assert set(jobs) == {"sync:test", "monthly:test", "quarterly:test"}
        assert {j["trigger"].end_date for j in jobs.values()} == {datetime(2028, 2, 1, tzinfo=PARIS)}
        syncs = self._fires(jobs["sync:test"]["trigger"], datetime(2028, 1, 25, tzinfo=PARIS))
        assert (syncs[0], syncs[-1], len(syncs)) == (datetime(2028, 1, 25, 2, tzinfo=PARIS),
                                                     datetime(2028, 1, 31, 2, tzinfo=PARIS), 7)
        # the year-end snapshots, taken after the end, still fire once
        assert self._fires(jobs["quarterly:test"]["trigger"], datetime(2027, 12, 5, tzinfo=PARIS)) == [
            datetime(2028, 1, 1, 5, 45, tzinfo=PARIS)]
        assert self._fires(jobs["monthly:test"]["trigger"], datetime(2027, 12, 5, tzinfo=PARIS)) == [
            datetime(2028, 1, 1, 5, 30, tzinfo=PARIS)]

    def test_after_the_grace_the_plan_has_no_job_and_the_log_says_why_once(self, tmp_path, caplog) -> None:
        settings, store = self._settings(tmp_path), tmp_path / "jobs.db"
        with caplog.at_level(logging.INFO, logger="pac.schedule"):
            assert len(sched.wanted_jobs(settings, datetime(2028, 1, 31, 23, 59, tzinfo=PARIS))) == 3
            assert not [r for r in caplog.records if "schedule.skip" in r.getMessage()]
            sched.sync_jobstore(settings, store)     # a scheduler started in December: its jobs are stored
            caplog.clear()
            assert sched.wanted_jobs(settings, datetime(2028, 2, 1, 0, 1, tzinfo=PARIS)) == []
        skipped = [r.getMessage() for r in caplog.records if "schedule.skip" in r.getMessage()]
        assert skipped == [
            "schedule.skip plan=test jobs=sync,monthly,quarterly ended=2027-12-31: the plan ended on 2027-12-31, "
            "more than schedule.after_end_days (31) ago: no longer scheduled (its sync stopped on 2028-02-01 00:00 "
            "CET); `pac sync --plan test` still syncs it by hand; remove it from plans: once it is no longer needed"]

    def test_a_restart_after_the_grace_removes_the_stored_jobs(self, tmp_path, monkeypatch) -> None:
        settings, store = self._settings(tmp_path), tmp_path / "jobs.db"
        assert {j.id for j in sched.sync_jobstore(settings, store)} == {"sync:test", "monthly:test", "quarterly:test"}
        monkeypatch.setattr(sched, "worker_now", lambda: datetime(2028, 3, 1, tzinfo=PARIS))
        assert sched.sync_jobstore(settings, store) == []

    def test_after_end_days_zero_still_syncs_the_last_day_and_takes_the_year_end_snapshots(self, tmp_path) -> None:
        """Each job ends at its first fire after the end at the earliest: the sync of 1 January 02:00 (the last
        day's records) before the snapshots of 05:30 and 05:45."""
        jobs = {j["id"]: j["trigger"] for j in sched.wanted_jobs(self._settings(tmp_path, ", after_end_days: 0"),
                                                                    datetime(2027, 12, 5, tzinfo=PARIS))}
        assert self._fires(jobs["sync:test"], datetime(2027, 12, 31, 12, tzinfo=PARIS)) == [
            datetime(2028, 1, 1, 2, tzinfo=PARIS)]
        assert [self._fires(jobs[k], datetime(2027, 12, 5, tzinfo=PARIS)) for k in ("monthly:test", "quarterly:test")
                ] == [[datetime(2028, 1, 1, 5, 30, tzinfo=PARIS)], [datetime(2028, 1, 1, 5, 45, tzinfo=PARIS)]]

    def test_a_plans_own_schedule_sets_its_grace(self, tmp_path) -> None:
        settings = load_settings(write_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}"), env={})
        path = Path(settings.source)
        path.write_text(path.read_text(encoding="utf-8").replace(
            "connectors: [fake]}", "connectors: [fake], schedule: {after_end_days: 90}}"), encoding="utf-8")
        jobs = sched.wanted_jobs(load_settings(path, env={}), datetime(2028, 3, 1, tzinfo=PARIS))
        assert {j["trigger"].end_date for j in jobs} == {datetime(2028, 3, 31, tzinfo=PARIS)}

    def test_a_negative_grace_is_refused(self, tmp_path) -> None:
        with pytest.raises(InvalidInput, match="after_end_days"):
            self._settings(tmp_path, ", after_end_days: -1")


class TestStatusAfterTheEnd:
    """``pac status`` says whether ``pac schedule`` still syncs an ended plan (audit yearend F6)."""

    def _status(self, tmp_path, as_of: str, *args: str) -> str:
        settings = synced_one_visit(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}", as_of,
                                    datetime(2027, 12, 20, 9, tzinfo=UTC))
        shown = CliRunner().invoke(main, ["status", *args], env={"PAC_CONFIG": str(settings.source),
                                                                 "COLUMNS": "250"})
        assert shown.exit_code == 0, shown.output
        return shown.output

    def test_a_live_plan_says_nothing(self, tmp_path) -> None:
        assert "Nightly sync" not in self._status(tmp_path, "2027-12-21T18:00:00+01:00")

    def test_within_the_grace(self, tmp_path) -> None:
        assert ("Nightly sync: pac schedule still syncs this plan for late entries until 2028-02-01 00:00 CET (the "
                "plan ended on 2027-12-31; schedule.after_end_days: 31), then stops.") in self._status(
                    tmp_path, "2028-01-10T18:00:00+01:00")

    def test_after_the_grace(self, tmp_path) -> None:
        assert ("Nightly sync: no longer scheduled since 2028-02-01 00:00 CET (the plan ended on 2027-12-31; "
                "schedule.after_end_days: 31); `pac sync --plan test` still syncs it by hand. Remove it from plans: "
                "once it is no longer needed.") in self._status(tmp_path, "2028-03-01T18:00:00+01:00")

    def test_within_the_grace_in_french(self, tmp_path) -> None:
        """``--lang fr``: the line in French, its days in words (audit frenchwords: it was the English line)."""
        assert ("Synchronisation nocturne : pac schedule synchronise encore ce plan pour les saisies tardives jusqu'au "
                "1er février 2028 à 00:00 CET (le plan s'est terminé le 31 décembre 2027 ; schedule.after_end_days : "
                "31), puis s'arrête.") in self._status(tmp_path, "2028-01-10T18:00:00+01:00", "--lang", "fr")

    def test_after_the_grace_in_french(self, tmp_path) -> None:
        assert ("Synchronisation nocturne : plus planifiée depuis le 1er février 2028 à 00:00 CET (le plan s'est "
                "terminé le 31 décembre 2027 ; schedule.after_end_days : 31) ; `pac sync --plan test` le synchronise "
                "encore à la main. Retirez-le de plans: quand il n'est plus utile.") in self._status(
                    tmp_path, "2028-03-01T18:00:00+01:00", "--lang", "fr")


class TestUpgradeReplacesJobs:
    """A job store written by a pac whose triggers had no end (before ``schedule.after_end_days``): the first start
    replaces every job once, and says so, naming the sync fire it drops (the clock is the test's own)."""

    @staticmethod
    def _old_store(settings, store: Path) -> None:
        helper = sched.offline_scheduler(settings, store)
        for spec in sched.wanted_jobs(settings):
            trigger = copy.copy(spec["trigger"])
            trigger.end_date = None     # what 582b97b stored
            helper.add_job(spec["func"], trigger, id=spec["id"], args=spec["args"], name=spec["id"],
                           **spec["options"])
        helper.shutdown(wait=False)

    def test_the_replacement_is_logged_once_with_the_fire_not_caught_up(self, settings, tmp_path, caplog) -> None:
        store = tmp_path / "jobs.db"
        self._old_store(settings, store)
        due = (datetime.now(UTC) - timedelta(minutes=10)).replace(microsecond=0)
        _set_next_run(settings, store, "sync:test", due)
        end = sched.wanted_jobs(settings)[0]["trigger"].end_date
        with caplog.at_level(logging.INFO, logger="pac.schedule"):
            jobs = {j.id: j for j in sched.sync_jobstore(settings, store)}
        assert jobs["sync:test"].trigger.end_date == end and jobs["sync:test"].next_run_time > due
        warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        ends = f"end none -> {end:%Y-%m-%d %H:%M %Z}"
        assert warned == [
            "schedule.replaced jobs=sync:test,monthly:test,quarterly:test: replaced 3 stored job(s) whose trigger "
            f"or arguments changed since the job store was written (sync:test: {ends}; monthly:test: {ends}; "
            f"quarterly:test: {ends}); a replaced job's pending run is dropped, so a run missed while the worker "
            "was down is not caught up this once; not caught up: sync:test due "
            f"{due.astimezone(ZoneInfo('Europe/Paris')):%Y-%m-%d %H:%M %Z} (run `pac sync --plan test` now)"]
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="pac.schedule"):   # the next start: nothing replaced, quiet
            sched.sync_jobstore(settings, store)
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text

    def test_no_fire_due_names_none(self, settings, tmp_path, caplog) -> None:
        store = tmp_path / "jobs.db"
        self._old_store(settings, store)
        with caplog.at_level(logging.WARNING, logger="pac.schedule"):
            sched.sync_jobstore(settings, store)
        (warned,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert warned.startswith("schedule.replaced jobs=sync:test,monthly:test,quarterly:test: replaced 3")
        assert "not caught up:" not in warned
