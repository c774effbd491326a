"""The scheduler: jobs from the settings in the plan's timezone, catch-up of a run missed while down,
its own job store, clean shutdown of a real ``pac schedule`` process on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from pac_config.settings import load_settings
from sync_jobs import scheduler as sched
from tests.fakes import write_settings

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
        assert all(j.coalesce is True and j.max_instances == 1 for j in jobs.values())
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
        """A sync due an hour ago (grace 10 minutes) is not run; the job moves to its next cron time."""
        calls: list[str] = []
        monkeypatch.setattr(sched, "_run_plan", lambda path, plan: calls.append(plan) or ("ok", 0))
        store = tmp_path / "jobs.db"
        sched.sync_jobstore(settings, store)
        _set_next_run(settings, store, "sync:test", datetime.now(UTC) - timedelta(hours=1))
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
        time.sleep(0.5)   # let the scheduler enter its loop
        proc.send_signal(signal.SIGTERM)
        _, rest = proc.communicate(timeout=30)
        err = "".join(lines) + rest
        assert proc.returncode == 0, err
        assert "schedule.start" in err and '"signal": "SIGTERM"' in err and "schedule.stopped" in err

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
