"""Several `pac schedule` workers on one PostgreSQL store: each scheduled run of each plan is done by exactly one
worker (a claim per job and fire time in the store), the plan's run lock keeps one run at a time."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.triggers.cron import CronTrigger

from pac_config.settings import load_settings
from sync_jobs import scheduler as sched
from tests.fakes import SMALL_PLAN, write_settings


class TestClaims:
    def test_previous_fire_in_the_plan_zone(self) -> None:
        """02:00 Paris: at 01:59 on 20 May the last fire is 19 May 02:00, at 02:00 it is 20 May's."""
        trigger = CronTrigger.from_crontab("0 2 * * *", timezone="Europe/Paris")
        paris_2am = datetime(2027, 5, 20, 0, 0, tzinfo=UTC)
        assert sched.previous_fire(trigger, paris_2am) == paris_2am
        assert sched.previous_fire(trigger, paris_2am - timedelta(minutes=1)) == paris_2am - timedelta(days=1)

    def test_previous_fire_on_the_autumn_night(self) -> None:
        """31 October 2027 in Paris, 02:00 happens twice (00:00 and 01:00 UTC): the last fire is the first 02:00
        until the second one, then the second one all day (previous_fire looped for ever from the second 02:00:
        asked for the fire after it, one microsecond on, the trigger answers the same instant)."""
        trigger = CronTrigger.from_crontab("0 2 * * *", timezone="Europe/Paris")
        first, second = datetime(2027, 10, 31, 0, 0, tzinfo=UTC), datetime(2027, 10, 31, 1, 0, tzinfo=UTC)
        answers: queue.Queue[list[datetime | None]] = queue.Queue()
        nows = (first + timedelta(seconds=30), second, second + timedelta(seconds=30), datetime(2027, 10, 31, 9,
                                                                                               tzinfo=UTC))
        worker = threading.Thread(target=lambda: answers.put([sched.previous_fire(trigger, n) for n in nows]),
                                  daemon=True)
        worker.start()
        worker.join(30)       # a bound on a hang, not a wait for readiness: the answers take milliseconds
        assert not worker.is_alive(), "previous_fire did not return"
        # compared in UTC: Python never finds a time of the repeated hour equal to one of another zone (PEP 495)
        assert [fire.astimezone(UTC) if fire else None for fire in answers.get_nowait()] == [first, second, second,
                                                                                              second]

    def test_one_worker_per_fire(self, tmp_path, database_url) -> None:
        """Three workers claim the same fire at once: one gets it, the two others are told who; the next night
        is claimed afresh."""
        settings = load_settings(write_settings(tmp_path, database_url), env={})
        night = datetime(2027, 5, 20, 0, 30, tzinfo=UTC)
        with ThreadPoolExecutor(3) as pool:
            answers = list(pool.map(lambda w: sched.claim_scheduled_run(settings, "test", "sync", now=night,
                                                                      worker=w), ["w1", "w2", "w3"]))
        winner = ["w1", "w2", "w3"][answers.index(None)]
        assert answers.count(None) == 1 and sorted(a for a in answers if a) == [winner, winner]
        assert sched.claim_scheduled_run(settings, "test", "sync", now=night + timedelta(minutes=5),
                                         worker="w9") == winner
        assert sched.claim_scheduled_run(settings, "test", "sync", now=night + timedelta(days=1), worker="w9") is None


PLANS = 30


def _many_plans(tmp_path: Path, url: str) -> Path:
    """Settings with 30 small plans on the sandbox's Salesforce, no snapshot crons."""
    from tests.fakes import sandbox_settings

    shipped = sandbox_settings(tmp_path / "base", url)
    sf = next(c for c in shipped.connectors if c.crm == "salesforce")
    lines = [f"database_url: '{url}'", "connectors:",
             f"  - {{name: {sf.name}, crm: salesforce, mapping: '{sf.mapping}', env_prefix: {sf.prefix}}}", "plans:"]
    for i in range(PLANS):
        plan = tmp_path / f"plan{i:02d}.pac.yaml"
        plan.write_text(SMALL_PLAN.replace('name: "Test plan"', f'name: "Plan {i:02d}"'), encoding="utf-8")
        lines.append(f"  - {{name: p{i:02d}, file: '{plan}', connectors: [{sf.name}], "
                     "as_of: '2027-05-20T18:00:00+02:00'}")
    lines.append("schedule: {cron: '0 2 * * *', misfire_grace_seconds: 3600, monthly_snapshot: null, "
                 "quarterly_snapshot: null}")
    path = tmp_path / "pac.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class TestClockAhead:
    """Audit C, F4: a worker whose clock ran ahead claimed a future fire time, and every worker then skipped the
    plan until real time reached it (``UPDATE ... WHERE fire_time < :fire`` never matched)."""

    def test_a_future_claim_does_not_block_the_plan(self, tmp_path, database_url, caplog) -> None:
        import logging

        settings = load_settings(write_settings(tmp_path, database_url), env={})
        ahead = datetime.now(UTC) + timedelta(days=90)
        assert sched.claim_scheduled_run(settings, "test", "sync", now=ahead, worker="skewed") is None
        with caplog.at_level(logging.WARNING, logger="pac.schedule"):
            holder = sched.claim_scheduled_run(settings, "test", "sync", worker="w2")
        assert holder is None, f"the plan stays claimed by {holder}"
        assert any("ahead of the store's clock" in r.getMessage() for r in caplog.records), caplog.text
        assert sched.claim_scheduled_run(settings, "test", "sync", worker="w3") == "w2"   # once per fire still

    def test_a_worker_whose_clock_is_ahead_claims_by_the_stores_clock(self, tmp_path, database_url,
                                                                      monkeypatch, caplog) -> None:
        import logging

        settings = load_settings(write_settings(tmp_path, database_url), env={})
        monkeypatch.setattr(sched, "worker_now", lambda: datetime.now(UTC) + timedelta(days=1))
        with caplog.at_level(logging.WARNING, logger="pac.schedule"):
            assert sched.claim_scheduled_run(settings, "test", "sync", worker="skewed") is None
        assert any("clock is" in r.getMessage() and "fix NTP" in r.getMessage() for r in caplog.records), \
            caplog.text
        monkeypatch.setattr(sched, "worker_now", lambda: datetime.now(UTC))
        assert sched.claim_scheduled_run(settings, "test", "sync", worker="right") == "skewed"   # the same fire


class TestFireNotRun:
    """Audit C, F3: a fire this worker claimed but could not run (the plan's lock held for the minute it waits,
    or a connector's for the hour) was lost silently: no run row, an info line ``exit=-1`` advising ``--wait``,
    which ``pac schedule`` does not take."""

    def test_a_claimed_fire_that_cannot_get_its_lock_is_a_locked_run(self, tmp_path, database_url, monkeypatch,
                                                                      caplog) -> None:
        import logging

        from sandbox_crm.run import start_sandbox
        from sync_jobs.evaluation import load_plan_file
        from sync_jobs.lock import run_lock
        from sync_jobs.store import open_store, repo
        from tests.fakes import sandbox_env_fast, sandbox_settings

        monkeypatch.setattr(sched, "PLAN_LOCK_WAIT", 0.2)        # the minute and the hour, scaled down
        monkeypatch.setattr(sched, "CONNECTOR_LOCK_WAIT", 0.2)
        with start_sandbox() as crm:
            for name, value in sandbox_env_fast(crm).items():
                monkeypatch.setenv(name, value)
            settings = sandbox_settings(tmp_path, database_url)
            ps = settings.plans[0]
            plan_id = load_plan_file(ps)[0].id
            engine = open_store(database_url)
            try:
                lines = []
                for held in (plan_id, "connector:sf-main"):
                    caplog.clear()
                    with caplog.at_level(logging.INFO, logger="pac.schedule"), \
                            run_lock(engine, held, owner="other-host:42#abcdef"):
                        with engine.begin() as conn:      # a fresh claim for each attempt
                            conn.execute(sched.ScheduleClaim.__table__.delete())  # type: ignore[attr-defined]
                        sched.sync_job(settings.source, ps.key)
                    [line] = [r for r in caplog.records if "schedule.run" in r.getMessage()]
                    lines.append(line)
                runs = sorted(repo.runs(engine), key=lambda r: r.id)
            finally:
                engine.dispose()
        assert [r.status for r in runs] == ["locked", "locked"], [(r.status, r.errors) for r in runs]
        plan_busy, connector_busy = (r.errors for r in runs)
        assert len(plan_busy) == 1 and "other-host:42#abcdef" in plan_busy[0] and "did not run" in plan_busy[0]
        assert len(connector_busy) == 1 and "connector 'sf-main'" in connector_busy[0], connector_busy
        assert all("--wait SECONDS" not in e for e in plan_busy + connector_busy)
        assert "cron" in connector_busy[0]         # the advice fits a scheduler: spread the crons
        assert all(line.levelno == logging.WARNING and " exit=3 " in line.getMessage() for line in lines), \
            [line.getMessage() for line in lines]


def test_three_workers_thirty_plans(tmp_path, pg_url) -> None:
    """3 real `pac schedule` processes share one PostgreSQL store and 30 plans, every sync due at once: each
    plan is synced by exactly one worker (one `schedule.run`, two `schedule.skip`, one run row), the work is
    spread over the workers, and no two runs of a plan overlap."""
    from sandbox_crm.run import start_sandbox
    from sync_jobs.store import open_store, repo
    from tests.fakes import sandbox_connectors, sandbox_env_fast

    config = _many_plans(tmp_path, pg_url)
    settings = load_settings(config, env={})
    open_store(pg_url).dispose()
    due = datetime.now(UTC) - timedelta(seconds=30)
    stores = [tmp_path / f"jobs{w}.db" for w in range(3)]
    for store in stores:   # every worker has its own job store, every sync due 30 s ago (within the grace)
        sched.sync_jobstore(settings, store)
        helper = sched.offline_scheduler(settings, store)
        for job in helper.get_jobs():
            job.modify(next_run_time=due)
        helper.shutdown(wait=False)
    with start_sandbox() as crm:
        for c in sandbox_connectors(settings, crm).values():
            c.close()
        env = {**os.environ, **sandbox_env_fast(crm), "PAC_CONFIG": str(config)}
        env.pop("PAC_DATABASE_URL", None)
        lines: queue.Queue[dict] = queue.Queue()
        procs = [subprocess.Popen([sys.executable, "-c", "from sync_jobs.cli import run; run()", "--log-format", "json",
                                   "schedule", "--jobstore", str(store)], cwd=tmp_path, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for store in stores]
        for p in procs:
            threading.Thread(target=_pump, args=(p, lines), daemon=True).start()
        events: list[dict] = []
        deadline = time.monotonic() + 600
        try:
            while sum(_kind(e) in ("schedule.run", "schedule.skip") for e in events) < 3 * PLANS:
                events.append(lines.get(timeout=max(deadline - time.monotonic(), 0.01)))
        finally:
            for p in procs:
                p.send_signal(signal.SIGTERM)
            for p in procs:
                p.wait(timeout=60)
    runs = [e for e in events if _kind(e) == "schedule.run"]
    skips = [e for e in events if _kind(e) == "schedule.skip"]
    assert sorted(e["plan"] for e in runs) == [f"p{i:02d}" for i in range(PLANS)], runs
    assert all(e["exit"] in (0, 1) for e in runs), [e["status"][:800] for e in runs if e["exit"] not in (0, 1)][:2]
    assert len(skips) == 2 * PLANS and {e["claimed_by"] for e in skips} <= {e["worker"] for e in runs}
    assert len({e["worker"] for e in runs}) >= 2   # the plans are spread over the workers
    engine = open_store(pg_url)
    try:
        rows = repo.runs(engine, limit=1000)
    finally:
        engine.dispose()
    by_plan: dict[str, list] = {}
    for r in rows:
        by_plan.setdefault(r.plan_id, []).append(r)
    assert len(by_plan) == PLANS and all(len(v) == 1 for v in by_plan.values())


def _kind(event: dict) -> str:
    return str(event.get("event", "")).split(" ", 1)[0]


def _pump(proc: subprocess.Popen, out: queue.Queue) -> None:
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.startswith("{"):
            out.put(json.loads(line))
