"""A running ``pac schedule`` worker follows its settings file: at each fire and on its own check every minute it
reads the file's digest, and a changed valid file adds, removes and replaces exactly the jobs that changed; an
invalid one leaves the previous settings in force, said once. No restart, no sleep: the worker is the real
``run_scheduler`` in a thread, its fires are APScheduler's (a job's next run time set to now) or the check is
called directly."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_SCHEDULER_STARTED
from apscheduler.schedulers.blocking import BlockingScheduler

from pac_config.settings import load_settings
from sync_jobs import scheduler as sched
from tests.fakes import SMALL_PLAN

PARIS = ZoneInfo("Europe/Paris")
FAR = (datetime.now(PARIS) + timedelta(hours=12)).hour  # an hour whose 02-minute fire no test reaches


def _write(tmp_path: Path, database_url: str, plans: tuple[str, ...], cron: str = f"2 {FAR} * * *") -> Path:
    """Settings with one plan file per name in ``plans`` (each its own plan id), the sync on ``cron``."""
    (tmp_path / "mapping.yaml").write_text("crm: fake\n", encoding="utf-8")
    lines = [
        f"database_url: {database_url}",
        "connectors:",
        "  - {name: fake, crm: salesforce, mapping: mapping.yaml, reconciliation_days: 7}",
        "plans:",
    ]
    for name in plans:
        (tmp_path / f"{name}.pac.yaml").write_text(
            SMALL_PLAN.replace('"Test plan"', f'"Plan {name}"'), encoding="utf-8"
        )
        lines.append(f"  - {{name: {name}, file: {name}.pac.yaml, connectors: [fake]}}")
    lines.append(f"schedule: {{cron: '{cron}', misfire_grace_seconds: 600}}")
    path = tmp_path / "pac.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class Worker:
    """A real ``pac schedule`` (``run_scheduler``, its BlockingScheduler) running in a thread of the test."""

    def __init__(self, scheduler: Any, thread: threading.Thread, path: Path) -> None:
        self.scheduler, self.thread, self.path = scheduler, thread, path

    def ids(self) -> set[str]:
        return {job.id for job in self.scheduler.get_jobs(jobstore="default")}

    def fire(self, job_id: str) -> None:
        """Make APScheduler fire ``job_id`` now, and return once it has run."""
        done = threading.Event()
        self.scheduler.add_listener(lambda ev: ev.job_id == job_id and done.set(), EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
        self.scheduler.modify_job(job_id, next_run_time=datetime.now(UTC))
        assert done.wait(60), f"{job_id} did not run"

    def check(self) -> None:
        """The worker's periodic settings check, as its own job runs it."""
        job = self.scheduler.get_job("settings-check")
        assert job is not None, "the worker has no periodic settings check"
        job.func(*job.args)


@pytest.fixture
def worker(tmp_path, monkeypatch) -> Iterator[Any]:
    """Start a worker on settings written by ``_write``; stopped at the end of the test."""
    monkeypatch.delenv("PAC_DATABASE_URL", raising=False)
    monkeypatch.setattr(sched.signal, "signal", lambda *_: None)  # not the main thread: the test stops it
    monkeypatch.setattr(sched, "_run_plan", lambda _path, plan: ("ok", 0))
    started: list[Worker] = []
    real = sched.build_scheduler

    def start(path: Path) -> Worker:
        built: list[Any] = []
        ready = threading.Event()

        def capture(settings: Any, jobstore: Path, scheduler_cls: Any = BlockingScheduler) -> Any:
            scheduler = real(settings, jobstore, scheduler_cls)
            if scheduler_cls is BlockingScheduler:
                scheduler.add_listener(lambda _ev: ready.set(), EVENT_SCHEDULER_STARTED)
                built.append(scheduler)
            return scheduler

        monkeypatch.setattr(sched, "build_scheduler", capture)
        settings = load_settings(path)
        thread = threading.Thread(
            target=sched.run_scheduler, args=(settings, str(path.parent / "jobs.db")), daemon=True
        )
        thread.start()
        assert ready.wait(60), "the worker did not start"
        started.append(Worker(built[0], thread, path))
        return started[-1]

    yield start
    for w in started:
        w.scheduler.shutdown(wait=False)
        w.thread.join(60)
        assert not w.thread.is_alive()


def _messages(caplog: Any, level: int | None = None, needle: str = "") -> list[str]:
    return [
        r.getMessage() for r in caplog.records if (level is None or r.levelno == level) and needle in r.getMessage()
    ]


class TestReload:
    def test_a_fire_takes_a_plan_added_and_drops_one_removed(self, tmp_path, worker, caplog) -> None:
        """Audit C, F5: a plan added was never scheduled and a removed one failed at each fire (exit 2, "no plan
        named ...") until the worker was restarted. The fire of the removed plan's job now reads the changed file
        first: the new plan's jobs are there, the removed plan's gone, and the fire itself is skipped, said so."""
        url = f"sqlite:///{tmp_path / 'pac.db'}"
        w = worker(_write(tmp_path, url, ("test",)))
        assert w.ids() == {"sync:test", "monthly:test", "quarterly:test"}
        _write(tmp_path, url, ("second",))
        with caplog.at_level(logging.INFO, logger="pac.schedule"):
            w.fire("sync:test")
        assert w.ids() == {"sync:second", "monthly:second", "quarterly:second"}, caplog.text
        assert not _messages(caplog, needle=" exit=2"), caplog.text
        (skip,) = _messages(caplog, logging.INFO, "schedule.skip job=sync plan=test")
        assert "no longer in the settings" in skip
        (reloaded,) = _messages(caplog, logging.INFO, "schedule.reloaded")
        assert (
            "added=sync:second,monthly:second,quarterly:second removed=sync:test,monthly:test,quarterly:test"
            in reloaded
        ), reloaded
        assert not _messages(caplog, logging.WARNING) and not _messages(caplog, logging.ERROR), caplog.text

    def test_the_periodic_check_follows_an_edited_cron_and_timezone_of_one_plan(self, tmp_path, worker, caplog) -> None:
        """Between fires, the worker's own check (every minute) replaces exactly the job whose cron changed."""
        url = f"sqlite:///{tmp_path / 'pac.db'}"
        path = _write(tmp_path, url, ("test", "other"))
        w = worker(path)
        before = {job.id: job for job in w.scheduler.get_jobs(jobstore="default")}
        hour = (FAR + 1) % 24
        path.write_text(
            path.read_text(encoding="utf-8").replace(
                "{name: other, file: other.pac.yaml, connectors: [fake]}",
                f"{{name: other, file: other.pac.yaml, connectors: [fake], schedule: {{cron: '7 {hour} * * *'}}}}",
            ),
            encoding="utf-8",
        )
        with caplog.at_level(logging.INFO, logger="pac.schedule"):
            w.check()
            w.check()  # the same file again: nothing more
        after = {job.id: job for job in w.scheduler.get_jobs(jobstore="default")}
        assert set(after) == set(before)
        assert f"hour='{hour}'" in str(after["sync:other"].trigger) and "minute='7'" in str(after["sync:other"].trigger)
        assert after["sync:other"].next_run_time != before["sync:other"].next_run_time
        assert {i: str(j.trigger) for i, j in after.items() if i != "sync:other"} == {
            i: str(j.trigger) for i, j in before.items() if i != "sync:other"
        }
        (reloaded,) = _messages(caplog, logging.INFO, "schedule.reloaded")
        assert "added=none removed=none changed=sync:other (" in reloaded and f"hour='{hour}'" in reloaded, reloaded

    def test_an_edited_plan_file_alone_moves_its_jobs(self, tmp_path, worker, caplog) -> None:
        """A plan's jobs run on its timezone: a plan file moved to America/New_York (the settings file untouched)
        replaces exactly that plan's jobs at the next check. Seen failing before the plan files were followed: the
        trigger stayed in Europe/Paris until the settings file changed or the worker restarted."""
        url = f"sqlite:///{tmp_path / 'pac.db'}"
        w = worker(_write(tmp_path, url, ("test", "other")))
        before = {job.id: str(job.trigger) for job in w.scheduler.get_jobs(jobstore="default")}
        plan = tmp_path / "other.pac.yaml"
        text = plan.read_text(encoding="utf-8")
        plan.write_text(text.replace("timezone: Europe/Paris", "timezone: America/New_York"), encoding="utf-8")
        with caplog.at_level(logging.INFO, logger="pac.schedule"):
            w.check()
            w.check()  # the same files again: nothing more
        after = {job.id: job for job in w.scheduler.get_jobs(jobstore="default")}
        assert set(after) == set(before)
        assert str(after["sync:other"].trigger.timezone) == "America/New_York", after["sync:other"].trigger
        assert {i: str(j.trigger) for i, j in after.items() if not i.endswith(":other")} == {
            i: t for i, t in before.items() if not i.endswith(":other")
        }
        (reloaded,) = _messages(caplog, logging.INFO, "schedule.reloaded")
        assert "changed=sync:other (" in reloaded, reloaded

    def test_an_invalid_edit_keeps_the_previous_jobs_and_is_said_once(self, tmp_path, worker, caplog) -> None:
        """A YAML slip, then a wrong cron: the jobs stay those of the last valid file, each fire runs on those
        settings, and each bad content is said once at error level, with its file, line, key and fix; a valid file
        then applies."""
        url = f"sqlite:///{tmp_path / 'pac.db'}"
        path = _write(tmp_path, url, ("test",))
        w = worker(path)
        good = path.read_text(encoding="utf-8")
        path.write_text(good.replace("plans:\n", "plans:\n  - {name: broken, file: x\n"), encoding="utf-8")
        with caplog.at_level(logging.INFO, logger="pac.schedule"):
            w.check()
            w.check()
            w.fire("sync:test")
        assert w.ids() == {"sync:test", "monthly:test", "quarterly:test"}
        (said,) = _messages(caplog, logging.ERROR)
        assert f"{path}:6 YAML syntax error" in said and "the previous settings stay in force" in said, said
        (ran,) = _messages(caplog, logging.INFO, "schedule.run job=sync plan=test")
        assert " exit=0 " in ran, ran  # the fire ran on the previous settings (it failed with exit 2)
        caplog.clear()
        path.write_text(good.replace(f"cron: '2 {FAR} * * *'", "cron: '61 2 * * *'"), encoding="utf-8")
        with caplog.at_level(logging.INFO, logger="pac.schedule"):
            w.check()
            w.check()
        (said,) = _messages(caplog, logging.ERROR)
        assert f"{path}:6 schedule.cron: '61 2 * * *': '61' is not a valid minute" in said, said
        assert "the minute goes 0-59" in said  # the fix the validation gives
        assert w.ids() == {"sync:test", "monthly:test", "quarterly:test"}
        caplog.clear()
        _write(tmp_path, url, ("test", "second"))
        with caplog.at_level(logging.INFO, logger="pac.schedule"):
            w.check()
        assert w.ids() == {f"{k}:{p}" for k in ("sync", "monthly", "quarterly") for p in ("test", "second")}
        assert not _messages(caplog, logging.ERROR), caplog.text


class TestWorkersReloadApart:
    """Two workers on one store, one whose check saw the new cron a minute before the other: the other one's fire
    on the former cron reads the file first and is skipped (it claimed the new cron's previous fire, a day old, and
    ran the plan once more that night), and the new cron's fire runs on exactly one worker."""

    def test_each_fire_runs_once(self, tmp_path, database_url, monkeypatch, caplog) -> None:
        monkeypatch.delenv("PAC_DATABASE_URL", raising=False)
        runs: list[str] = []
        monkeypatch.setattr(sched, "_run_plan", lambda _path, plan: runs.append(sched.WORKER) or ("ok", 0))
        claim = sched.claim_scheduled_run  # each worker claims under its own name (one process holds both here)
        monkeypatch.setattr(sched, "claim_scheduled_run", lambda *a: claim(*a, worker=sched.WORKER))
        path = _write(tmp_path, database_url, ("test",), cron="0 2 * * *")
        settings = load_settings(path)
        source = str(path.resolve())
        workers = {}
        for name in ("a", "b"):
            store = tmp_path / f"jobs-{name}.db"
            sched.sync_jobstore(settings, store)
            scheduler = sched.offline_scheduler(settings, store)
            workers[name] = sched.SettingsWatch(scheduler, settings, source)
        clock: list[datetime] = []
        monkeypatch.setattr(sched, "worker_now", lambda: clock[-1])
        monkeypatch.setattr(sched, "store_now", lambda _engine: clock[-1])

        def fire(name: str, plan: str = "test") -> None:
            monkeypatch.setattr(sched, "WORKER", f"worker-{name}")
            monkeypatch.setattr(sched, "WATCH", workers[name])
            sched.sync_job(source, plan)

        try:
            clock.append(datetime(2027, 5, 19, 2, 0, tzinfo=PARIS))
            fire("a")  # the night before, on the 02:00 cron: a runs it
            assert runs == ["worker-a"], caplog.text
            clock.append(datetime(2027, 5, 20, 1, 59, 30, tzinfo=PARIS))
            path.write_text(
                path.read_text(encoding="utf-8").replace("cron: '0 2 * * *'", "cron: '0 3 * * *'"), encoding="utf-8"
            )
            workers["a"].check()  # a's check sees the new cron
            assert "hour='3'" in str(workers["a"].scheduler.get_job("sync:test").trigger)
            runs.clear()
            caplog.clear()
            clock.append(datetime(2027, 5, 20, 2, 0, tzinfo=PARIS))
            with caplog.at_level(logging.INFO, logger="pac.schedule"):
                fire("b")  # b's job on the former 02:00 cron fires before b's own check
            assert "hour='3'" in str(workers["b"].scheduler.get_job("sync:test").trigger)
            assert runs == [], caplog.text
            (skip,) = _messages(caplog, logging.INFO, "schedule.skip job=sync plan=test")
            assert "former schedule" in skip, skip
            clock.append(datetime(2027, 5, 20, 3, 0, 5, tzinfo=PARIS))
            with caplog.at_level(logging.INFO, logger="pac.schedule"):
                fire("a")
                fire("b")
            assert runs == ["worker-a"], caplog.text
            assert _messages(caplog, logging.INFO, "schedule.skip job=sync plan=test claimed_by=worker-a")
        finally:
            for w in workers.values():
                w.scheduler.shutdown(wait=False)


class TestWatchEdges:
    @staticmethod
    def _watch(tmp_path: Path, settings: Any) -> Any:
        store = tmp_path / "jobs.db"
        sched.sync_jobstore(settings, store)
        return sched.SettingsWatch(sched.offline_scheduler(settings, store), settings, str(Path(settings.source)))

    def test_an_edit_made_while_the_worker_starts_is_applied(self, tmp_path, monkeypatch) -> None:
        """The settings' digest is that of the file as read for them, not as found when the worker starts watching:
        an edit in between (pac schedule imports the whole run first) is seen at the first check."""
        monkeypatch.delenv("PAC_DATABASE_URL", raising=False)
        path = _write(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}", ("test",))
        settings = load_settings(path)
        _write(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}", ("test", "second"))
        watch = self._watch(tmp_path, settings)
        try:
            watch.check()
            assert {job.id.split(":")[1] for job in watch.scheduler.get_jobs()} == {"test", "second"}
        finally:
            watch.scheduler.shutdown(wait=False)

    def test_a_plan_whose_file_breaks_keeps_its_jobs(self, tmp_path, monkeypatch, caplog) -> None:
        """A reload while one plan's own file does not load (and the store keeps no version of it) leaves that
        plan's jobs as they are, and applies the rest of the change."""
        monkeypatch.delenv("PAC_DATABASE_URL", raising=False)
        url = f"sqlite:///{tmp_path / 'pac.db'}"
        settings = load_settings(_write(tmp_path, url, ("test", "other")))
        watch = self._watch(tmp_path, settings)
        try:
            _write(tmp_path, url, ("test", "other", "third"))
            (tmp_path / "other.pac.yaml").write_text("plan: [\n", encoding="utf-8")
            with caplog.at_level(logging.INFO, logger="pac.schedule"):
                watch.check()
            assert {job.id for job in watch.scheduler.get_jobs()} == {
                f"{k}:{p}" for k in ("sync", "monthly", "quarterly") for p in ("test", "other", "third")
            }
            (reloaded,) = _messages(caplog, logging.INFO, "schedule.reloaded")
            assert "added=sync:third,monthly:third,quarterly:third removed=none" in reloaded, reloaded
            assert "the jobs of other, whose plan file does not load" in reloaded, reloaded
        finally:
            watch.scheduler.shutdown(wait=False)
