"""Audit schedhand F3: which ended runs of a claimed night keep the other workers from taking it over, on the real
PostgreSQL store (a schema of the test's own), through ``orphaned_claim`` (the check a worker that skipped the fire
makes every ``takeover_seconds``).

A night that ended on its own (ok, partial, failed on a CRM or plan error, locked, quota stopped) is not taken
over: it would fail again, or it ran. A night stopped by the machinery, not by the plan, is taken over by a worker
still up: its run lost its lock (its PostgreSQL session ended: a server restart, a failover; ``LockLost``, "the
next run redoes what is left") or its worker was stopped (SIGTERM: a deploy restarting the workers one by one).
Before the fix those nights were lost until the next fire: the check saw "a run ended since the claim".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pac_config.settings import load_settings
from sync_jobs import scheduler as sched
from sync_jobs.evaluation import load_plan_file
from sync_jobs.lock import LockLost
from sync_jobs.store import open_store, repo
from sync_jobs.unit_of_work import INTERRUPTED_NEXT
from tests.fakes import write_settings

FIRE = datetime(2027, 5, 20, 0, 0, tzinfo=UTC)     # 02:00 Europe/Paris


@pytest.mark.parametrize(("status", "error", "verdict"), [
    # the errors as the run closes itself (unit_of_work._close_crashed_runs)
    ("failed", f"stopped: LockLost: {LockLost('pac-2027-durand-process')}", sched.CLAIM_TAKEN),
    ("failed", f"unexpected error: LockLost: {LockLost('pac-2027-durand-process')}", sched.CLAIM_TAKEN),  # before 8 Dec
    ("failed", f"interrupted by SIGTERM: {INTERRUPTED_NEXT}", sched.CLAIM_TAKEN),
    ("failed", "unexpected error: OperationalError: server closed the connection unexpectedly", sched.CLAIM_TAKEN),
    ("failed", "CRM salesforce refused: INVALID_FIELD PAC_Done__c", sched.CLAIM_DONE),
    ("locked", "not run: another run of plan 'test' held its lock", sched.CLAIM_DONE),
    ("partial", "", sched.CLAIM_DONE),
])
def test_which_ended_nights_are_taken_over(tmp_path: Path, pg_url: str, status: str, error: str,
                                           verdict: str) -> None:
    settings = load_settings(write_settings(tmp_path, pg_url), env={})
    plan_id = load_plan_file(settings.plan("test"))[0].id
    claimed_at = FIRE + timedelta(seconds=2)
    assert sched.claim_scheduled_run(settings, "test", "sync", now=claimed_at, worker="A") is None
    engine = open_store(pg_url)
    try:
        began = claimed_at + timedelta(seconds=1)
        repo.record_run_not_run(engine, plan_id, began, began + timedelta(seconds=20), error, status=status)
    finally:
        engine.dispose()
    assert sched.orphaned_claim(settings, "test", "sync", FIRE, "A", now=claimed_at + timedelta(seconds=301),
                                worker="B") == verdict
    # whatever the verdict, the night is taken over at most once: B's claim now, or done
    assert sched.orphaned_claim(settings, "test", "sync", FIRE, "A", now=claimed_at + timedelta(seconds=302),
                                worker="C") == sched.CLAIM_DONE
