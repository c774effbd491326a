"""Audit schedhand: two real `pac schedule` workers share one PostgreSQL store (a schema of the test's own) and
the sandbox CRM (Salesforce and HubSpot at once, the demo org), every sync due at once, ``takeover_seconds`` 2.
The worker that wins the claim is stopped at a named point of its run (``tests.faults --pause-at``, its plan's
lock held), then one of what an ops team meets at night:

* ``frozen``: it is SIGSTOPped (a VM frozen, a stop-the-world pause) for several takeover periods, then SIGCONT.
  On PostgreSQL the plan's lock is a session advisory lock; a stopped process keeps its TCP connection (its
  kernel answers), so the lock stays held: the other worker must keep logging ``schedule.claim_running`` and
  never take over; once resumed the first one finishes; one run.
* ``dropped``: every PostgreSQL connection of that worker is ended by the server (``pg_terminate_backend``: what
  a server restart or a failover does to a client's sessions). "pg_terminate_backend ... Terminates the session
  whose backend process has the specified process ID" and "a lock can be acquired explicitly with
  pg_advisory_lock ... Once acquired at session level, an advisory lock is held until explicitly released or the
  session ends" (https://www.postgresql.org/docs/current/functions-admin.html,
  https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS). The lock is gone: the other
  worker takes the night over and runs it; then the stale worker is let go: it must send nothing to the CRMs.
* ``killed_mid_write``: it is paused right after a CRM accepted its first write batch, before pac saved it, and
  SIGKILLed: the other worker takes over and re-sends by PAC key.
* ``dropped_noticed_first`` and ``restarted`` (audit schedhand F3): the sessions ended, or the worker stopped by
  SIGTERM (a deploy restarting the workers one by one), and the claimant's run ends (exit 3, exit 130, nothing
  sent) before the other worker's check (that worker is SIGSTOPped meanwhile, to fix the order): the other worker
  takes the night over and runs it. Before the fix it left the night, "a run ended since the claim".
* ``plan_removed``: the plan file is deleted while the claimant runs it: the run goes on with the version it
  loaded at its start, no takeover.

Every case: each PAC record (axes, actions) exists once in each CRM with the values the store says it wrote, and
a sync of the plan afterwards writes no PAC record (nothing left half-written, nothing to redo).
"""

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

import pytest
from sqlalchemy import create_engine, text

from pac_config.settings import load_settings
from sandbox_crm.run import start_sandbox
from sync_jobs import scheduler as sched
from sync_jobs.pipeline import run_sync
from sync_jobs.store import open_store, repo
from tests.conftest import PG_SERVER
from tests.e2e.test_faults_sync import _crm_values, _num, _pac_writes
from tests.fakes import sandbox_connectors, sandbox_env_fast, sandbox_settings
from tests.faults import FAULTS, faults_env

TAKEOVER_SECONDS = 2
WITHIN = 240     # seconds any awaited line may take on a loaded machine (a bound on a hang, not a wait)


def _settings(tmp_path: Path, url: str) -> Path:
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
    sf, hs = server.api("salesforce"), server.api("hubspot")
    return {"sf-main": Counter(r["PAC_Key__c"] for obj in ("PAC_Axis__c", "PAC_Action__c") for r in sf.rows(obj)),
            "hs-west": Counter(o.props.get("pac_key") for name in ("pac_axis", "pac_action")
                               for o in hs.table(name).rows.values())}


def _local_ports(pid: int) -> set[int]:
    """The local TCP ports of process ``pid``'s sockets (its connections to the PostgreSQL server among them)."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as f:
            next(f)
            for line in f:
                fields = line.split()
                if fields[9] in inodes:
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def _drop_connections(pid: int) -> int:
    """End every PostgreSQL session of process ``pid`` from the server's side; returns how many."""
    ports = sorted(_local_ports(pid))
    admin = create_engine(PG_SERVER.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            ended = conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                      "WHERE client_port = ANY(:ports) AND pid <> pg_backend_pid()"),
                                 {"ports": ports}).scalars().all()
    finally:
        admin.dispose()
    return sum(bool(e) for e in ended)


@pytest.mark.parametrize("case", ["frozen", "dropped", "killed_mid_write", "dropped_noticed_first",
                                  "restarted", "plan_removed"])
def test_two_workers_one_night(tmp_path: Path, pg_url: str, case: str) -> None:
    config = _settings(tmp_path, pg_url)
    settings = load_settings(config, env={})
    open_store(pg_url).dispose()
    due = datetime.now(UTC) - timedelta(seconds=30)
    stores = [tmp_path / f"jobs{w}.db" for w in range(2)]
    for store in stores:
        sched.sync_jobstore(settings, store)
        helper = sched.offline_scheduler(settings, store)
        for job in helper.get_jobs():
            job.modify(next_run_time=due)
        helper.shutdown(wait=False)
    point = "after_crm_write" if case == "killed_mid_write" else "before_writes"
    releases = [tmp_path / f"release{w}" for w in range(2)]
    with start_sandbox() as crm:
        for c in sandbox_connectors(settings, crm).values():   # PAC objects exist in HubSpot
            c.close()
        env = faults_env({**os.environ, **sandbox_env_fast(crm), "PAC_CONFIG": str(config)})
        env.pop("PAC_DATABASE_URL", None)
        events: queue.Queue[tuple[int, dict[str, Any]]] = queue.Queue()
        procs = [subprocess.Popen([*FAULTS, "--pause-at", f"{point}:{releases[w]}", "--", "--log-format", "json",
                                   "schedule", "--jobstore", str(store)], cwd=tmp_path, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                 for w, store in enumerate(stores)]
        for w, p in enumerate(procs):
            threading.Thread(target=_pump, args=(w, p, events), daemon=True).start()
        seen: list[tuple[int, dict[str, Any]]] = []

        def until(kind: str, worker: int | None = None, within: float = WITHIN) -> dict[str, Any]:
            deadline = time.monotonic() + within
            while True:
                try:
                    w, e = events.get(timeout=max(deadline - time.monotonic(), 0.01))
                except queue.Empty:
                    raise AssertionError(f"no {kind} of worker {worker} within {within} s; the last lines: "
                                         f"{[(w, _kind(e)) for w, e in seen[-6:]]}") from None
                seen.append((w, e))
                if _kind(e) == kind and worker in (None, w):
                    return e

        try:
            skip = until("schedule.skip")
            survivor = seen[-1][0]
            claimant = 1 - survivor
            releases[survivor].touch()        # the survivor's own run, if it comes to one, is not held
            paused = Path(f"{releases[claimant]}.paused")
            while not paused.exists():        # the claimant reads the CRMs, then holds at its point
                until("schedule.claim_running", survivor)
            if case == "frozen":
                procs[claimant].send_signal(signal.SIGSTOP)
                for _ in range(4):            # four checks, 2 s apart: twice takeover_seconds and more, frozen
                    alive = until("schedule.claim_running", survivor)
                    assert alive["claimed_by"] == skip["claimed_by"]
                procs[claimant].send_signal(signal.SIGCONT)
                releases[claimant].touch()
                ran = until("schedule.run", claimant)
                assert ran["exit"] in (0, 1), ran
                assert not [e for _, e in seen if _kind(e) == "schedule.takeover"]
            elif case == "plan_removed":     # the plan file deleted (a bad deploy) while the claimant runs it
                plan_file = Path(settings.plans[0].file)
                kept = plan_file.read_bytes()
                plan_file.unlink()
                releases[claimant].touch()
                ran = until("schedule.run", claimant)
                assert ran["exit"] in (0, 1), ran    # the run goes on with the version it loaded at its start
                plan_file.write_bytes(kept)          # put back for the checks below
                assert not [e for _, e in seen if _kind(e) == "schedule.takeover"]
            elif case in ("dropped_noticed_first", "restarted"):
                procs[survivor].send_signal(signal.SIGSTOP)    # its next check comes after the claimant's end
                writes = len(_pac_writes(crm))
                if case == "restarted":
                    procs[claimant].send_signal(signal.SIGTERM)
                    until("schedule.stopping", claimant)   # the stop is seen before the run goes on (a batch
                    # already on its way when it comes is sent, then the run stops: re-sent by key, not counted here)
                else:
                    assert _drop_connections(procs[claimant].pid) >= 1
                releases[claimant].touch()
                stopped = until("schedule.run", claimant)
                assert stopped["exit"] == (130 if case == "restarted" else 3), stopped
                assert len(_pac_writes(crm)) == writes, _pac_writes(crm)[writes:]   # the stopped run sent nothing
                procs[survivor].send_signal(signal.SIGCONT)
                took = until("schedule.takeover", survivor, within=60)   # its check was due while it was stopped
                assert took["claimed_by"] == skip["claimed_by"]
                ran = until("schedule.run", survivor)
                assert ran["exit"] in (0, 1), ran
            else:
                if case == "dropped":
                    assert _drop_connections(procs[claimant].pid) >= 1
                else:
                    procs[claimant].send_signal(signal.SIGKILL)
                    procs[claimant].wait(timeout=60)
                took = until("schedule.takeover", survivor)
                assert took["claimed_by"] == skip["claimed_by"]
                ran = until("schedule.run", survivor)
                assert ran["exit"] in (0, 1), ran
                if case == "dropped":         # the stale worker is let go: it must send nothing more
                    writes = len(_pac_writes(crm))
                    releases[claimant].touch()
                    stale = until("schedule.run", claimant)
                    assert stale["exit"] not in (0, 1), stale
                    assert len(_pac_writes(crm)) == writes, _pac_writes(crm)[writes:]
        finally:
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGCONT)
                    p.send_signal(signal.SIGTERM)
            for r in releases:
                r.touch()
            for p in procs:
                p.wait(timeout=60)
        runs_logged = [(w, e) for w, e in seen if _kind(e) == "schedule.run"]
        assert len([1 for _, e in runs_logged if e["exit"] in (0, 1)]) == 1, runs_logged
        keys = _pac_keys(crm)
        engine = open_store(pg_url)
        try:
            runs = sorted(repo.runs(engine), key=lambda r: r.id)
            plan_id = runs[0].plan_id
            assert [r.status for r in runs if r.status in ("ok", "partial")] == ["partial"], \
                [(r.status, r.errors) for r in runs]
            assert all(r.status != "running" for r in runs), [(r.status, r.errors) for r in runs]
            for name, counted in keys.items():
                written = repo.written(engine, plan_id, name)
                pac = {k for (t, k) in written if t in ("axis", "action")}
                assert counted and set(counted) == pac and set(counted.values()) == {1}, (name, counted)
                for (target, key), row in written.items():
                    if target in ("axis", "action"):
                        stored = {f: _num(row.fields.get(f)) for f in ("name", "done", "progress_pct")
                                  if f in row.fields}
                        crm_side = _crm_values(crm, name, target, key)
                        assert stored == {f: crm_side[f] for f in stored}, (name, key)
        finally:
            engine.dispose()
        crm.reset_counts()
        connectors = sandbox_connectors(settings, crm)
        try:
            again = run_sync(None, settings, connectors=connectors)
        finally:
            for c in connectors.values():
                c.close()
        assert (again.written, _pac_writes(crm)) == (0, []), again.errors
