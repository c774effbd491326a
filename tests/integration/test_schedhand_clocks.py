"""Audit schedhand: two `pac schedule` workers on one PostgreSQL store whose clocks are 10 minutes apart from the
store's (NTP broken on one machine). The claims are computed from the store's clock (docs/operations.md,
"Clocks"); these are the two nights an ops team meets when one worker's clock is off, checked on the real store
(PostgreSQL, a schema of the test's own) through the functions the worker calls at each fire and each takeover
check (``claim_scheduled_run``, ``orphaned_claim``), with the store's clock given as ``now``.

* Clock AHEAD by 10 min, and that worker claimed (and ran) last night's fire: its cron fires at its own 02:00,
  01:50 by the store's clock, where the last fire is still last night's, its own claim. Before the fix the claim
  answered "yours" and the worker ran last night again, ten minutes before the real night's run: two runs a night.
* Clock BEHIND by 10 min, and that worker won the fire: its run's start is stamped by its own clock, 10 min
  before its claim (claims carry the store's clock). Before the fix the other worker's takeover check did not see
  that run as "this night's" (it looked for runs started at most 60 s before the claim), found the lock free and
  the claim old, took the night over and ran it a second time; a failed night was retried, against the rule
  "a run that ended, even failed or locked, is not taken over".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from pac_config.settings import load_settings
from sync_jobs import scheduler as sched
from sync_jobs.evaluation import load_plan_file
from sync_jobs.store import open_store, repo
from tests.fakes import write_settings

FIRE_20 = datetime(2027, 5, 20, 0, 0, tzinfo=UTC)     # 02:00 Europe/Paris on 20 May 2027 (CEST, UTC+2)
FIRE_21 = FIRE_20 + timedelta(days=1)
SKEW = timedelta(minutes=10)


def test_a_worker_ahead_does_not_run_last_night_again(tmp_path: Path, pg_url: str) -> None:
    settings = load_settings(write_settings(tmp_path, pg_url), env={})
    # night of 20 May: A (10 min ahead) fires at its 02:00 = 01:50 store... the first night it claims 19 May;
    # take the plain case: A claims the 20 May fire at 02:00:05 store time and runs it
    assert sched.claim_scheduled_run(settings, "test", "sync", now=FIRE_20 + timedelta(seconds=5), worker="A") is None
    # 21 May: A's cron fires at its own 02:00, i.e. 01:50 by the store's clock: the last fire is still 20 May's,
    # the one A claimed and ran: A must not run it again
    early = FIRE_21 - SKEW
    assert sched.claim_scheduled_run(settings, "test", "sync", now=early, worker="A") == "A"
    # the real night of 21 May is claimed once, by whoever fires first at 02:00 store time
    assert sched.claim_scheduled_run(settings, "test", "sync", now=FIRE_21 + timedelta(seconds=1), worker="B") is None
    assert sched.claim_scheduled_run(settings, "test", "sync", now=FIRE_21 + timedelta(seconds=2), worker="A") == "B"


def test_a_night_run_by_a_worker_behind_is_not_taken_over(tmp_path: Path, pg_url: str) -> None:
    settings = load_settings(write_settings(tmp_path, pg_url), env={})
    plan_id = load_plan_file(settings.plan("test"))[0].id
    claimed_at = FIRE_20 + SKEW     # A (10 min behind) fires at its 02:00, 02:10 store time, and wins the claim
    assert sched.claim_scheduled_run(settings, "test", "sync", now=claimed_at, worker="A") is None
    engine = open_store(pg_url)
    try:
        # A's run, stamped by A's clock (02:00:01 by A = 02:10:01 store), ends failed after 40 s
        began = claimed_at - SKEW + timedelta(seconds=1)
        repo.record_run_not_run(engine, plan_id, began, began + timedelta(seconds=40), "CRM refused",
                                status="failed")
    finally:
        engine.dispose()
    # B skipped the fire and checks it again takeover_seconds (300) later, and later again
    for after in (301, 900, 3600):
        verdict = sched.orphaned_claim(settings, "test", "sync", FIRE_20, "A",
                                       now=claimed_at + timedelta(seconds=after), worker="B")
        assert verdict == sched.CLAIM_DONE, (after, verdict)


def test_a_dead_claimant_behind_is_still_taken_over(tmp_path: Path, pg_url: str) -> None:
    """The other side of the same rule: A (10 min behind) claimed and died before its run row; yesterday's run
    (ended) does not count for tonight: B takes the night over once takeover_seconds have passed."""
    settings = load_settings(write_settings(tmp_path, pg_url), env={})
    plan_id = load_plan_file(settings.plan("test"))[0].id
    engine = open_store(pg_url)
    try:
        yesterday = FIRE_20 - timedelta(days=1) + timedelta(seconds=3)
        repo.record_run_not_run(engine, plan_id, yesterday, yesterday + timedelta(seconds=30), "ok", status="ok")
    finally:
        engine.dispose()
    claimed_at = FIRE_20 + SKEW
    assert sched.claim_scheduled_run(settings, "test", "sync", now=claimed_at, worker="A") is None
    assert sched.orphaned_claim(settings, "test", "sync", FIRE_20, "A", now=claimed_at + timedelta(seconds=299),
                                worker="B") == sched.CLAIM_ALIVE
    assert sched.orphaned_claim(settings, "test", "sync", FIRE_20, "A", now=claimed_at + timedelta(seconds=301),
                                worker="B") == sched.CLAIM_TAKEN
