"""First deploy: two `pac sync` started together on a fresh store. The migrations are serialised (an advisory
lock on PostgreSQL, BEGIN IMMEDIATE on SQLite), so one process runs and the other exits 3 (the plan's run
lock is held), never 6 (a migration lost in a race)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sandbox_crm.run import start_sandbox
from tests.fakes import sandbox_connectors, sandbox_env_fast, sandbox_settings


@pytest.fixture(scope="module")
def crm():
    with start_sandbox() as server:
        yield server


@pytest.mark.parametrize("attempt", range(3))
def test_two_first_runs_give_one_run_and_one_exit_3(crm, tmp_path, database_url, attempt) -> None:
    """Two real `pac sync` processes on a fresh store (a fresh PostgreSQL schema, or no SQLite file yet), let go
    at the same instant: exit codes {1, 3} (the run's first night ends partial on the demo org's awkward
    records; the other is refused by the run lock), the schema migrated once, one run recorded."""
    settings = sandbox_settings(tmp_path, database_url)
    for c in sandbox_connectors(settings, crm).values():   # PAC objects provisioned (idempotent)
        c.close()
    env = {**os.environ, **sandbox_env_fast(crm), "PAC_CONFIG": settings.source}
    env.pop("PAC_DATABASE_URL", None)
    # each process imports pac, says "ready", then waits for its stdin to close: both start migrating together
    code = ("import sys; from sync_jobs.cli import run; print('ready', flush=True); sys.stdin.read(); "
            "sys.argv = ['pac', 'sync']; run()")
    procs = [subprocess.Popen([sys.executable, "-c", code], cwd=tmp_path, env=env, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    for p in procs:
        assert p.stdin is not None
        p.stdin.close()
    outs = [(p.stdout.read(), p.stderr.read()) for p in procs if p.stdout and p.stderr]  # until each ends
    for p in procs:
        p.wait(timeout=300)
    codes = sorted(p.returncode for p in procs)
    detail = "\n".join(f"exit {p.returncode}: {err[-2000:]}" for p, (_, err) in zip(procs, outs, strict=True))
    assert codes == [1, 3], detail
    locked = next(err for p, (_, err) in zip(procs, outs, strict=True) if p.returncode == 3)
    assert "already being synced" in locked

    from sync_jobs.store import open_store, repo

    engine = open_store(database_url)
    try:
        assert [r.status for r in repo.runs(engine)] == ["partial"]
    finally:
        engine.dispose()
