"""A `pac schedule` worker killed while it holds a plan's sync: another worker sharing the PostgreSQL store takes the
fire over once the plan's run lock is gone and ``takeover_seconds`` have passed, never while the first one runs, and
redoes the killed run's work without a duplicate in the CRM (audit crash F2)."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pac_config.settings import load_settings
from sandbox_crm.run import start_sandbox
from sync_jobs import scheduler as sched
from sync_jobs.evaluation import load_plan_file
from sync_jobs.lock import run_lock
from sync_jobs.store import open_store, repo
from sync_jobs.unit_of_work import ABANDONED
from tests.fakes import sandbox_connectors, sandbox_env_fast, sandbox_settings, write_settings
from tests.faults import FAULTS, faults_env

TAKEOVER_SECONDS = 2


def _settings(tmp_path: Path, url: str) -> Path:
    """The sandbox's settings on ``url``, every sync due now, no snapshot job, takeover after 2 s."""
    path = Path(sandbox_settings(tmp_path, url).source)
    path.write_text(path.read_text(encoding="utf-8") + (
        f"schedule: {{cron: '0 2 * * *', monthly_snapshot: null, quarterly_snapshot: null, "
        f"takeover_seconds: {TAKEOVER_SECONDS}}}\n"), encoding="utf-8")
    return path


def _pump(worker: int, proc: subprocess.Popen[str], out: queue.Queue[tuple[int, dict[str, Any]]]) -> None:
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.startswith("{"):
            out.put((worker, json.loads(line)))


def _kind(event: dict[str, Any]) -> str:
    return str(event.get("event", "")).split(" ", 1)[0]


def _pac_keys(server: Any) -> dict[str, Counter[str]]:
    """How many PAC records (axes and actions) each CRM holds per key."""
    sf, hs = server.api("salesforce"), server.api("hubspot")
    return {"sf-main": Counter(r["PAC_Key__c"] for obj in ("PAC_Axis__c", "PAC_Action__c") for r in sf.rows(obj)),
            "hs-west": Counter(o.props.get("pac_key") for name in ("pac_axis", "pac_action")
                               for o in hs.table(name).rows.values())}


def test_a_killed_workers_sync_is_taken_over_once_its_lock_is_gone(tmp_path: Path, pg_url: str) -> None:
    config = _settings(tmp_path, pg_url)
    settings = load_settings(config, env={})
    open_store(pg_url).dispose()
    due = datetime.now(UTC) - timedelta(seconds=30)
    stores = [tmp_path / f"jobs{w}.db" for w in range(2)]
    for store in stores:   # each worker's own job store, the sync due 30 s ago (within the grace)
        sched.sync_jobstore(settings, store)
        helper = sched.offline_scheduler(settings, store)
        for job in helper.get_jobs():
            job.modify(next_run_time=due)
        helper.shutdown(wait=False)
    release = tmp_path / "release"
    with start_sandbox() as crm:
        for c in sandbox_connectors(settings, crm).values():   # PAC objects exist in HubSpot
            c.close()
        env = faults_env({**os.environ, **sandbox_env_fast(crm), "PAC_CONFIG": str(config)})
        env.pop("PAC_DATABASE_URL", None)
        events: queue.Queue[tuple[int, dict[str, Any]]] = queue.Queue()
        # each worker's sync holds before its writes (the plan's lock held, the CRMs read) until `release` exists
        procs = [subprocess.Popen([*FAULTS, "--pause-at", f"before_writes:{release}", "--", "--log-format", "json",
                                   "schedule", "--jobstore", str(store)], cwd=tmp_path, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for store in stores]
        for w, p in enumerate(procs):
            threading.Thread(target=_pump, args=(w, p, events), daemon=True).start()
        seen: list[tuple[int, dict[str, Any]]] = []

        def until(kind: str, worker: int | None = None) -> tuple[int, dict[str, Any]]:
            deadline = time.monotonic() + 300
            while True:
                w, e = events.get(timeout=max(deadline - time.monotonic(), 0.01))
                seen.append((w, e))
                if _kind(e) == kind and worker in (None, w):
                    return w, e

        try:
            survivor, skip = until("schedule.skip")
            claimant = 1 - survivor
            assert skip["claimed_by"].split("#")[0].endswith(f":{procs[claimant].pid}")
            # the claimant holds the plan before its writes: the survivor checks, finds it running, leaves it
            while True:   # checked every 2 s: running there while it reads the CRMs, then while it holds
                _, alive = until("schedule.claim_running", survivor)
                assert alive["claimed_by"] == skip["claimed_by"]
                if Path(f"{release}.paused").exists():
                    break
            procs[claimant].send_signal(signal.SIGKILL)       # killed while it holds the plan
            procs[claimant].wait(timeout=60)
            release.touch()
            _, took = until("schedule.takeover", survivor)
            _, ran = until("schedule.run", survivor)
        finally:
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for p in procs:
                p.wait(timeout=60)
        assert took["claimed_by"] == skip["claimed_by"] and ran["job"] == "sync" and ran["exit"] == 1, ran
        assert not [e for w, e in seen if w == claimant and _kind(e) == "schedule.run"]
        keys = _pac_keys(crm)
    engine = open_store(pg_url)
    try:
        runs = sorted(repo.runs(engine), key=lambda r: r.id)
        plan_id = runs[0].plan_id
        written = {name: {k for (t, k) in repo.written(engine, plan_id, name) if t in ("axis", "action")}
                   for name in keys}
    finally:
        engine.dispose()
    # the killed run closed as interrupted by the run that took over (its lock proves the first is gone), which is
    # the plan's first finished run (partial: the demo's set-aside records are new)
    assert [(r.status, r.errors) for r in runs] == [("failed", [ABANDONED]), ("partial", [])]
    for name, counted in keys.items():       # every PAC record once in each CRM, as the store says it wrote them
        assert counted and set(counted) == written[name] and set(counted.values()) == {1}, name


class TestOrphanedClaim:
    """``orphaned_claim``'s verdicts, on both stores (the lock is an advisory lock on PostgreSQL, a lease on SQLite)."""

    def test_taken_over_once_only_when_the_claimant_is_gone(self, tmp_path: Path, database_url: str) -> None:
        settings = load_settings(write_settings(tmp_path, database_url), env={})
        night = datetime(2027, 5, 20, 0, 30, tzinfo=UTC)
        fire = datetime(2027, 5, 20, 0, 0, tzinfo=UTC)        # 02:00 in Paris
        assert sched.claim_scheduled_run(settings, "test", "sync", now=night, worker="w1") is None
        later = night + timedelta(seconds=301)                  # past the default takeover_seconds (300)
        plan_id = load_plan_file(settings.plan("test"))[0].id
        engine = open_store(database_url)
        try:
            def verdict(now: datetime, worker: str, claimant: str = "w1") -> str:
                return sched.orphaned_claim(settings, "test", "sync", fire, claimant, now=now, worker=worker)

            assert verdict(night + timedelta(seconds=299), "w2") == sched.CLAIM_ALIVE   # too young: it may start
            with run_lock(engine, plan_id, owner="w1-run"):      # its run holds the plan: alive, whatever its age
                assert verdict(later, "w2") == sched.CLAIM_ALIVE
            assert verdict(later, "w2") == sched.CLAIM_TAKEN     # lock gone, no run closed since the claim
            assert verdict(later, "w3") == sched.CLAIM_DONE      # the claim is w2's now: w3 leaves it
            assert verdict(later, "w3", claimant="w2") == sched.CLAIM_ALIVE     # w2's own claim is young
            # w2's run ends (here a fire that could not start): the night ran, nobody takes it over
            repo.record_run_not_run(engine, plan_id, later, later + timedelta(seconds=1), "not run")
            assert verdict(later + timedelta(seconds=600), "w3", claimant="w2") == sched.CLAIM_DONE
        finally:
            engine.dispose()

    def test_a_later_fire_ends_the_check(self, tmp_path: Path, database_url: str) -> None:
        settings = load_settings(write_settings(tmp_path, database_url), env={})
        night = datetime(2027, 5, 20, 0, 30, tzinfo=UTC)
        assert sched.claim_scheduled_run(settings, "test", "sync", now=night, worker="w1") is None
        assert sched.claim_scheduled_run(settings, "test", "sync", now=night + timedelta(days=1), worker="w1") is None
        assert sched.orphaned_claim(settings, "test", "sync", datetime(2027, 5, 20, 0, 0, tzinfo=UTC), "w1",
                                    now=night + timedelta(days=1, seconds=400), worker="w2") == sched.CLAIM_DONE
