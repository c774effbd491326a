"""``pac schedule``: APScheduler 3 runs each plan's sync on its cron, plus monthly and quarterly snapshots.

* Cron expressions come from the settings (default ``0 2 * * *``) and are read in the plan's timezone. On a
  fiscal year from February or March the quarterly snapshot's default months (1,4,7,10) become the plan's
  quarters' first months (``snapshot_cron``: 2,5,8,11 for a year from February).
* The job store is a SQLite file of this scheduler process only (APScheduler forbids two schedulers on one
  store; a lock file next to it refuses a second process). Jobs persist there, so a run missed while the
  machine was down is run once (coalesced) at start-up if it is still within ``misfire_grace_seconds``.
  When several workers share a PostgreSQL store, each has its own scheduler and job store; each fire of each
  job is claimed in the store (``claim_scheduled_run``) so exactly one worker runs it, the plan's run lock keeps
  one run per plan, and scheduled runs of plans sharing a connector queue behind each other (every real run
  holds its connectors' locks, ``pipeline.run_sync``; a scheduled one waits up to an hour for them). See
  docs/operations.md, "Several workers on one PostgreSQL store".
* A running worker follows its settings file without a restart (``SettingsWatch``): at each fire and every minute
  it compares the file's digest with that of the settings its jobs follow; a changed file that loads replaces
  exactly the jobs that changed (``reconcile_jobs``, as at start-up), one that does not leaves the previous
  settings in force, said once at error level. See docs/operations.md, "Editing the settings needs no restart".
* ``coalesce=True``, ``max_instances=1``, an explicit ``misfire_grace_time``; job functions are module-level
  (APScheduler stores them by reference) and take only strings (the settings file and the plan name).
* Snapshots are never skipped, whatever the grace time: a snapshot job takes every closed period of the plan
  that has no snapshot yet (``sync_jobs.app.take_due_snapshots``), the scheduler runs that catch-up for every
  plan at start-up before its first job, and a snapshot job reported missed (beyond its grace) is run again
  at once as a one-off job. A snapshot job that fails (a plan file that does not load that morning, the store down)
  logs at WARNING, and each sync fire of the plan takes again the periods whose snapshot job has fired and that
  still have no snapshot (``retry_snapshots``): the next night, not the next fire of that kind a quarter later.
* SIGTERM or SIGINT shuts the scheduler down cleanly and stops the sync running then (``STOP``, a
  ``sync_jobs.interrupts.StopRequest``): it stops at its next check, between its steps, before its next pulled
  object or write batch, or while it waits for a lock, and is closed as interrupted (``failed``, "interrupted by
  SIGTERM"), with nothing more sent; the process logs ``schedule.stopping`` with the runs it waits for, then
  ``schedule.stopped`` once they have stopped, and exits 0. A snapshot job running then is short and ends first.
  Every run logs one ``schedule.run`` line.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, EVENT_SCHEDULER_STARTED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError

from pac_config.settings import PlanSettings, Settings, file_digest, load_settings
from pac_core.errors import InvalidInput, Problem
from pac_core.plan import Plan
from pac_core.snapshots import quarter_phase
from sync_jobs.app import take_due_snapshots
from sync_jobs.crm_exit import crm_exit_code
from sync_jobs.evaluation import load_plan_file
from sync_jobs.exit_codes import (
    EXIT_BAD_INPUT,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    exit_code_for,
)
from sync_jobs.failed_plan import kept_plan
from sync_jobs.interrupts import ABANDONED_HEAD, StopRequest, interruption
from sync_jobs.lock import CONNECTOR_LOCK, LockHeld, LockLost, default_owner, lock_held
from sync_jobs.logs import event, redact
from sync_jobs.notify import after_sync  # the digests of what changed (notifications.enabled)
from sync_jobs.pipeline import run_sync
from sync_jobs.plan_fallback import kept_plan_version
from sync_jobs.schedule_end import job_end, last_day, sync_end
from sync_jobs.store import open_store, repo
from sync_jobs.store.db import stored_instant
from sync_jobs.store.tables import ScheduleClaim

log = logging.getLogger("pac.schedule")


# -- the plan's quarters -------------------------------------------------------------------------
CALENDAR_QUARTER_MONTHS = (1, 4, 7, 10)


def _months(field: str) -> set[int]:
    """The months a crontab month field names (``1,4,7,10``, ``*/3``, ``1-12/3``...), as APScheduler reads it."""
    trigger = CronTrigger(month=field, day=1, hour=0, timezone=UTC)
    out: set[int] = set()
    fire = trigger.get_next_fire_time(None, datetime(2001, 1, 1, tzinfo=UTC))
    while fire is not None and fire.year == 2001:
        out.add(fire.month)
        fire = trigger.get_next_fire_time(fire, fire + timedelta(days=1))
    return out


def snapshot_cron(cron: str, kind: str, plan: Plan) -> str:
    """The cron a plan's snapshot job runs on. On a fiscal year from February or March (``quarter_phase``), whose
    quarters are no calendar quarters, a quarterly cron on the calendar quarters' first months (the default
    ``45 5 1 1,4,7,10 *``, or ``*/3``) fires on the plan's quarters' first months instead (``2,5,8,11`` for a
    year from February), just after each of its quarters ends. Any other cron is the settings' as written (a
    snapshot job takes every quarter of the plan that has ended, whenever it fires).

    On a plan whose ``fiscal_calendar`` declares its quarters (a 4-4-5 year: they end on a Saturday, any day of
    the month), such a cron whose day field is one day ``d`` fires instead ``d - 1`` days after each declared
    quarter's close (the day after its last day: 2 May, 1 Aug, 31 Oct, 30 Jan for a year from 31 January 2027),
    as ``1`` is the day a calendar quarter closes. One crontab names those days as the days of the month and the
    months they fall in (``45 5 1,2,30,31 1,5,8,10 *``): it also fires on the other combinations (1 May...), where
    no quarter has closed since the last fire and the job takes nothing."""
    phase = quarter_phase(plan.period)
    fields = cron.split()
    if (kind == "quarterly" and plan.period.quarters and len(fields) == 5 and fields[2].isdigit()
            and _months(fields[3]) == set(CALENDAR_QUARTER_MONTHS)):
        after = timedelta(days=int(fields[2]) - 1)
        fires = [end + after for _, end in plan.period.quarters]
        fields[2] = ",".join(str(d) for d in sorted({f.day for f in fires}))
        fields[3] = ",".join(str(m) for m in sorted({f.month for f in fires}))
        return " ".join(fields)
    if kind != "quarterly" or not phase or len(fields) != 5 or _months(fields[3]) != set(CALENDAR_QUARTER_MONTHS):
        return cron
    fields[3] = ",".join(str(m + phase) for m in CALENDAR_QUARTER_MONTHS)
    return " ".join(fields)


# -- the trigger: one fire per local day, DST nights included ------------------------------------
DST_SHIFT = timedelta(hours=3)   # more than any zone's DST change (1 h; 30 min at Lord Howe, 2 h at Troll)


class LocalDayCron(CronTrigger):
    """APScheduler 3's ``CronTrigger`` whose next fire is found among the local wall times the cron names, day by
    day in the plan's zone (audit calendar F4).

    ``CronTrigger`` steps a day by adding 24 real hours: the night after the spring change (29 March 2027 in Paris,
    a 23-hour 28 March before it) a cron in the 00:xx hour lands on 01:xx and goes on to the next day, so that
    night had no run and nothing said so (agronholm/apscheduler#606, "APScheduler With CronTrigger Skipped A Day
    Due To Daylight Savings"). Here the cron's fields are matched on naive wall times (a copy of the trigger in
    UTC, where no day is short), and each wall time is then placed in the zone: a wall time the spring change
    skips (02:30 on 28 March) fires at the instant of ``fold=0`` (PEP 495: "the time ... computed using the UTC
    offset before the transition"), 03:30 CEST, as ``CronTrigger`` does; a wall time the autumn change repeats
    (02:00 on 31 October) fires at both instants, as ``CronTrigger`` does, and the claim runs the first only
    (``claim_scheduled_run``: a fire whose local date and wall time were already claimed is skipped). APScheduler
    itself warns of those nights (``CalendarIntervalTrigger``'s docstring, 3.11: "a date could either be skipped
    or repeated due to the specified wall clock time either occurring twice or not at all"). Steps are made on UTC
    instants, never by local arithmetic (which drops ``fold``). Stored and compared like its parent (same
    ``__getstate__``, same ``str``); ``sync_jobstore`` replaces a stored plain ``CronTrigger`` by it once."""

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        if previous_fire_time is not None:     # the next fire strictly after the previous one
            after, inclusive = previous_fire_time.astimezone(UTC), False
        else:
            after, inclusive = now.astimezone(UTC), True
            if self.start_date is not None:
                after = max(after, self.start_date.astimezone(UTC))
        walls = CronTrigger.__new__(CronTrigger)  # the same fields on wall clock times (UTC: every day has 24 h)
        walls.__setstate__({"version": 2, "timezone": UTC, "start_date": None, "end_date": None,
                            "fields": self.fields, "jitter": None})
        local = after.astimezone(self.timezone).replace(tzinfo=None)
        wall = CronTrigger.get_next_fire_time(walls, None, (local - DST_SHIFT).replace(tzinfo=UTC))
        best: datetime | None = None
        while wall is not None and (best is None or wall.replace(tzinfo=None) <= local_of(best, self.timezone)
                                    + DST_SHIFT):
            for instant in instants(wall.replace(tzinfo=None), self.timezone):
                if (instant > after or (inclusive and instant == after)) and (best is None or instant < best):
                    best = instant
            wall = CronTrigger.get_next_fire_time(walls, None, wall + timedelta(seconds=1))
        if best is None or (self.end_date is not None and best > self.end_date):
            return None
        return best.astimezone(self.timezone)


def local_of(instant: datetime, tz: Any) -> datetime:
    """The naive local wall time of ``instant`` in ``tz``."""
    return instant.astimezone(tz).replace(tzinfo=None)


def instants(wall: datetime, tz: Any) -> list[datetime]:
    """The UTC instants of the naive local ``wall`` time in ``tz``: one; two in the hour the autumn change repeats
    (``fold`` 0 then 1); in the spring gap, the instant of ``fold=0`` (the offset before the change: an hour
    later on the clock)."""
    found = sorted({at for fold in (0, 1)
                    if local_of(at := wall.replace(tzinfo=tz, fold=fold).astimezone(UTC), tz) == wall})
    return found or [wall.replace(tzinfo=tz, fold=0).astimezone(UTC)]


# -- jobs (module-level: APScheduler stores them by reference) ----------------------------------
STOP = StopRequest()   # asked by run_scheduler's signal handler; every sync this process runs checks it


class _Running:
    """The sync jobs running in this process, so that a stopping scheduler waits for them to stop."""

    def __init__(self) -> None:
        self.count = 0
        self.changed = threading.Condition()

    @contextlib.contextmanager
    def one(self) -> Iterator[None]:
        with self.changed:
            self.count += 1
        try:
            yield
        finally:
            with self.changed:
                self.count -= 1
                self.changed.notify_all()

    def wait_idle(self) -> None:
        with self.changed:
            self.changed.wait_for(lambda: self.count == 0)


RUNNING = _Running()


PLAN_LOCK_WAIT = 60.0          # seconds a scheduled run waits for its plan's lock (another run of the plan)
CONNECTOR_LOCK_WAIT = 3600.0   # and for each of its connectors' locks (runs of other plans on the connector)


def _run_plan(settings_path: str, plan: str) -> tuple[str, int]:
    settings = current_settings(settings_path)
    # queue behind another scheduled run using one of this plan's connectors (run_sync takes their locks)
    result = run_sync(plan, settings, wait=PLAN_LOCK_WAIT, connector_wait=CONNECTOR_LOCK_WAIT, stop=STOP.check)
    after_sync(settings, plan, result.status, as_of=result.evaluation.as_of if result.evaluation else None)
    return result.log_status, exit_code_for(result.status)


WORKER = default_owner()   # this scheduler process, in claims and log lines: host:pid#token


def current_settings(settings_path: str) -> Settings:
    """The settings a job of this worker runs with: those its jobs now follow (``WATCH``: the last valid version of
    the file, so an invalid edit leaves the previous settings in force), else the file read now."""
    watch = WATCH
    if watch is not None and watch.path == settings_path:
        return watch.settings
    return load_settings(settings_path or None)


def fire_refused(settings_path: str, plan: str, job: str) -> str | None:
    """At each fire: the settings file is checked first (``SettingsWatch.check``), then why this fire must not run,
    in words, or None: its plan was removed from the settings, or its job's schedule changed since it fired (a fire
    of the former schedule). Never raises."""
    watch = WATCH
    if watch is None or watch.path != settings_path:
        return None
    watch.check()
    try:
        return watch.refused(plan, f"{job}:{plan}")
    except Exception as exc:   # the fire runs: the claim still decides who runs it
        log.warning(redact(f"schedule.fire_check job={job}:{plan}: {type(exc).__name__}: {exc}"))
        return None


def sync_job(settings_path: str, plan: str) -> None:
    """The nightly sync of one plan, unless another worker sharing the store has claimed this night's run;
    never raises (the next run retries), always logs one line (``schedule.run`` or ``schedule.skip``). A stop of
    the scheduler (``STOP``) stops it at its next check: logged ``status=interrupted by SIGTERM ... exit=130``.
    A worker that skips a fire claimed by another checks it again ``takeover_seconds`` later (``watch_claim``)."""
    with RUNNING.one():
        if (why := fire_refused(settings_path, plan, "sync")) is not None:
            event(log, "schedule.skip", job="sync", plan=plan, worker=WORKER, reason=why)
            return

        def claimed() -> bool:
            holder = claim_scheduled_run(current_settings(settings_path), plan, "sync")
            if holder is not None:
                event(log, "schedule.skip", job="sync", plan=plan, claimed_by=holder, worker=WORKER)
                watch_claim(settings_path, plan)
            return holder is None

        _sync_if(settings_path, plan, claimed)


def takeover_job(settings_path: str, plan: str, fire: str, claimant: str) -> None:
    """The check of a fire another worker claimed (``watch_claim``): its sync runs here when that worker is gone
    (``orphaned_claim``), is checked again later while it runs there, and is left alone once it has ended."""
    with RUNNING.one():
        def claimed() -> bool:
            settings = current_settings(settings_path)
            verdict = orphaned_claim(settings, plan, "sync", datetime.fromisoformat(fire), claimant)
            if verdict == CLAIM_ALIVE:
                event(log, "schedule.claim_running", job="sync", plan=plan, fire=fire, claimed_by=claimant,
                      worker=WORKER)
                watch_claim(settings_path, plan)
            elif verdict == CLAIM_TAKEN:
                event(log, "schedule.takeover", level=logging.WARNING, job="sync", plan=plan, fire=fire,
                      claimed_by=claimant, worker=WORKER,
                      reason="no process holds the plan's run lock and no run of it ended since the claim (the "
                             "worker that claimed this fire died, or its run stopped before it began): this worker "
                             "runs it; a run left open is closed as interrupted and its work redone")
            return verdict == CLAIM_TAKEN

        _sync_if(settings_path, plan, claimed)


def _sync_if(settings_path: str, plan: str, claimed: Callable[[], bool]) -> None:
    """Run the plan's sync when ``claimed()`` says this worker has the fire; log one ``schedule.run`` line."""
    began = datetime.now(UTC)
    try:
        STOP.check()      # the scheduler is stopping: no new run
        if not claimed():
            return
        status, code = _run_plan(settings_path, plan)
        retry_snapshots(settings_path, plan)
    except KeyboardInterrupt as exc:   # the scheduler's stop, checked by the run: closed as interrupted
        status, code = (f"interrupted by {interruption(exc)}: the run is closed as interrupted; the next run "
                        "starts over", EXIT_INTERRUPTED)
    except LockHeld as exc:   # this worker claimed the fire, and the run could not start: said where ops look
        try:
            status = f"locked: {fire_not_run(settings_path, plan, exc, began)}"
        except Exception as failed:  # the store or the settings failed too: still logged, never raised
            status = f"locked: {redact(str(exc))} (not kept in the store: {type(failed).__name__}: {failed})"
        code = EXIT_LOCKED
        event(log, "schedule.run", level=logging.WARNING, job="sync", plan=plan, status=status, exit=code,
              worker=WORKER)
        return
    except Exception as exc:  # a failed night must not kill the scheduler; said at WARNING, as a locked one
        code = crm_exit_code(exc) or (EXIT_BAD_INPUT if isinstance(exc, InvalidInput) else EXIT_INTERNAL)
        status = f"error: {type(exc).__name__}: {exc}"
        event(log, "schedule.run", level=logging.WARNING, job="sync", plan=plan, status=status, exit=code,
              worker=WORKER)
        return
    event(log, "schedule.run", job="sync", plan=plan, status=status, exit=code, worker=WORKER)


SCHEDULER: BaseScheduler | None = None   # the running pac schedule's scheduler (its takeover checks)
TAKEOVER = "takeover"   # the in-memory job store of the checks of fires other workers claimed
CLAIM_ALIVE, CLAIM_TAKEN, CLAIM_DONE = "alive", "taken", "done"


def watch_claim(settings_path: str, plan: str) -> None:
    """Check the plan's claimed sync fire again ``takeover_seconds`` from now (``takeover_job``), in this running
    worker (none outside ``pac schedule``); never raises."""
    scheduler = SCHEDULER
    if scheduler is None:
        return
    try:
        settings = current_settings(settings_path)
        ps = settings.plan(plan)
        seconds = (ps.schedule or settings.schedule).takeover_seconds
        table = ScheduleClaim.__table__   # type: ignore[attr-defined]
        engine = open_store(settings.database())
        try:
            with engine.connect() as conn:
                row = conn.execute(select(table.c.fire_time, table.c.worker)
                                   .where(table.c.job_id == f"sync:{ps.key}")).first()
        finally:
            engine.dispose()
        if row is None or row.worker == WORKER:
            return
        scheduler.add_job("sync_jobs.scheduler:takeover_job", "date",
                          run_date=datetime.now(UTC) + timedelta(seconds=seconds),
                          args=[settings_path, plan, stored_instant(row.fire_time).isoformat(), str(row.worker)],
                          id=f"takeover:sync:{plan}", name=f"takeover:sync:{plan}", jobstore=TAKEOVER,
                          replace_existing=True, misfire_grace_time=None, coalesce=True, max_instances=1)
    except Exception as exc:   # the next fire runs the plan anyway
        log.warning(redact(f"schedule.takeover_check job=sync:{plan}: not scheduled: {type(exc).__name__}: {exc}"))


def orphaned_claim(settings: Settings, plan: str, job: str, fire: datetime, claimant: str, *,
                   now: datetime | None = None, worker: str = WORKER) -> str:
    """Whether this worker takes over the fire ``fire`` of ``job`` that ``claimant`` claimed: ``CLAIM_DONE`` when
    the claim moved on (a later fire, another worker took it over) or a run of the plan was closed since the fire
    (it ran: ok, partial, failed or locked: a failed run is not retried before the next fire; but a run stopped
    from outside, its lock lost or its worker stopped, ``stopped_from_outside``, did not run the night);
    ``CLAIM_ALIVE`` when
    a process holds the plan's run lock (the claimant runs it, or waits for a connector) or the claim is younger than
    ``takeover_seconds``; else the claimant is gone (killed, its machine down: the lock dies with its process or
    session) and this worker moves the claim to itself (an UPDATE only one worker can win): ``CLAIM_TAKEN``."""
    ps = settings.plan(plan)
    seconds = (ps.schedule or settings.schedule).takeover_seconds
    table = ScheduleClaim.__table__   # type: ignore[attr-defined]
    engine = open_store(settings.database())
    try:
        try:
            loaded: Plan | None = load_plan_file(ps)[0]
        except InvalidInput:
            loaded = kept_plan(engine, ps)
        if loaded is None:
            return CLAIM_DONE
        with engine.connect() as conn:
            row = conn.execute(select(table.c.fire_time, table.c.worker, table.c.claimed_at)
                               .where(table.c.job_id == f"{job}:{ps.key}")).first()
        if row is None or row.worker != claimant or stored_instant(row.fire_time) != fire:
            return CLAIM_DONE
        claimed = stored_instant(row.claimed_at)
        # a run of this fire started after the fire by its worker's clock, whatever that clock's error: a worker
        # whose clock is behind claims at the store's 02:10 and stamps its run 02:00 by its own clock; counted from
        # the claim (as before 8 Dec 2026) such a night looked not run and was run again (audit schedhand F2)
        since = min(fire, claimed) - CLOCK_MARGIN
        if any(r.status != "running" and stored_instant(r.started_at) >= since and not stopped_from_outside(r)
               for r in repo.runs(engine, loaded.id, limit=20) if not r.dry_run):
            return CLAIM_DONE
        if lock_held(engine, loaded.id):
            return CLAIM_ALIVE
        now = now or store_now(engine)
        if now - claimed < timedelta(seconds=seconds):
            return CLAIM_ALIVE
        with engine.begin() as conn:
            moved = conn.execute(update(table).where(table.c.job_id == f"{job}:{ps.key}",
                                                     table.c.worker == claimant,
                                                     table.c.fire_time == row.fire_time)
                                 .values(worker=worker, claimed_at=now)).rowcount
        return CLAIM_TAKEN if moved else CLAIM_DONE
    finally:
        engine.dispose()


# how a run stopped by the machinery, not by its plan or its CRM, closes its row (``unit_of_work``): its lock lost
# (its PostgreSQL session ended: a server restart, a failover), the store's connection failing, its worker stopped
# (SIGTERM, Ctrl-C), or closed by a later run after its process ended
MACHINERY_STOPS = (f"stopped: {LockLost.__name__}:", f"unexpected error: {LockLost.__name__}:",   # (before 8 Dec 2026)
                   "unexpected error: OperationalError:", "interrupted by ",
                   ABANDONED_HEAD)


def stopped_from_outside(run: Any) -> bool:
    """Whether ``run`` (ended) was stopped by the machinery (``MACHINERY_STOPS``), not by its plan or its CRM: its
    night is taken over by a worker still up (``orphaned_claim``), as a killed worker's is; a night that failed on
    its own would fail again and waits for the next fire (audit schedhand F3)."""
    return run.status == "failed" and any(str(e).startswith(MACHINERY_STOPS) for e in (run.errors or [])[:1])


def fire_not_run(settings_path: str, plan: str, exc: LockHeld, began: datetime) -> str:
    """A claimed fire whose run could not get its plan's lock (held past ``PLAN_LOCK_WAIT``) or a connector's
    (past ``CONNECTOR_LOCK_WAIT``): kept as a run of status ``locked`` with the cause and what to do (``pac status``
    shows it), so a night that did not run is never lost silently; returns that cause."""
    settings = current_settings(settings_path)
    ps = settings.plan(plan)
    who = exc.holder or "another process"
    since = f" since {exc.since.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC" if exc.since else ""
    if exc.plan_id.startswith(CONNECTOR_LOCK):
        name = exc.plan_id.removeprefix(CONNECTOR_LOCK)
        others = ", ".join(sorted(p.key for p in settings.plans if name in p.connectors and p.key != ps.key))
        error = (f"not run: connector {name!r} stayed busy for {CONNECTOR_LOCK_WAIT:.0f} s with runs of other plans "
                 f"using it ({others or 'none in these settings'}; held by {who}{since}); this fire's sync of "
                 f"{plan!r} did not run: it runs at its next fire, or now with `pac sync --plan {plan}`. If this "
                 f"repeats, the runs of the plans sharing {name!r} take longer than that in a row: spread their "
                 f"crons (plans[].schedule.cron in {settings.source or 'the settings'})")
    else:
        error = (f"not run: another run of plan {plan!r} held its lock ({who}{since}) for the {PLAN_LOCK_WAIT:.0f} s "
                 f"a scheduled run waits; this fire's sync did not run: it runs at its next fire, or now with "
                 f"`pac sync --plan {plan}` once that run has ended (`pac status`)")
    try:
        engine = open_store(settings.database())
        try:
            repo.record_run_not_run(engine, load_plan_file(ps)[0].id, began, datetime.now(UTC), error)
        finally:
            engine.dispose()
    except Exception as again:     # the store failing: the log line still says it
        log.warning(redact(f"could not record the fire of {plan} that did not run: {type(again).__name__}: {again}"))
    return error


def previous_fire(trigger: CronTrigger, now: datetime) -> datetime | None:
    """The latest fire time of ``trigger`` at or before ``now`` (looked for up to a year back), in UTC.

    The walk from fire to fire steps in UTC: a local time the autumn DST change repeats (02:00 twice in Paris on
    31 October) is the second one only by its ``fold``, which datetime arithmetic drops (PEP 495), so one
    microsecond after the second 02:00, counted in local time, was a microsecond after the first one, the
    trigger answered the second 02:00 again, and the walk never ended. A step that does not move forward ends
    it too."""
    for back in (timedelta(hours=1), timedelta(days=1), timedelta(days=8), timedelta(days=32), timedelta(days=367)):
        fire = trigger.get_next_fire_time(None, now - back)
        if fire is None or fire > now:
            continue
        fire = fire.astimezone(UTC)
        while True:
            following = trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))
            if following is None or following > now or following.astimezone(UTC) <= fire:
                return fire
            fire = following.astimezone(UTC)
    return None


def repeated_fire(claimed: datetime, fire: datetime, tz: Any) -> str | None:
    """``fire`` (in words) when it is a later instant of the local date and wall time ``claimed`` already had, the
    second 02:00 of an autumn DST night (31 October 2027 in Paris: 02:00 CEST, then 02:00 CET an hour later, both
    fired by APScheduler's cron trigger); else None. The claimed fire is that night's run and the second is
    skipped, so the night runs once, at the earlier instant: the rule APScheduler 3.11 documents for its
    ``CalendarIntervalTrigger`` ("If instead the datetime is ambiguous due to a backward DST shift, the earlier of
    the two resulting datetimes is used"), the one of its triggers that keeps a wall clock time across DST."""
    if fire <= claimed or local_of(fire, tz) != local_of(claimed, tz):
        return None
    return _when(fire.astimezone(tz))


def worker_now() -> datetime:
    """This worker's clock."""
    return datetime.now(UTC)


CLOCK_MARGIN = timedelta(seconds=60)   # a worker's clock this far from the store's is said (fix NTP)


def store_now(engine: Any) -> datetime:
    """The store's clock, the one every worker claims by: PostgreSQL's ``now()``; a SQLite store is a file of this
    machine, whose clock every process using it shares."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            return stored_instant(conn.execute(text("SELECT now()")).scalar_one())
    return datetime.now(UTC)


def claim_scheduled_run(settings: Settings, plan: str, job: str, *, now: datetime | None = None,
                        worker: str = WORKER) -> str | None:
    """Claim this fire of ``job`` ("sync", "monthly", "quarterly") for ``plan`` in the shared store: None when
    this worker has it (it runs), else the worker that claimed it first (this one skips). One row per job
    holds its last claimed fire time; a worker claims by moving it forward (an UPDATE that only one of several
    concurrent workers can win) or by inserting the first row (the primary key refuses a second one).

    The fire is computed from the store's clock (``store_now``; ``now`` for tests), not this worker's: a worker
    whose clock runs ahead would claim a future fire, run the plan early and leave every worker skipping it until
    that time. A worker whose clock is off by more than ``CLOCK_MARGIN`` says so; a stored fire time ahead of the
    store's clock (claimed so before 6 Dec 2026) is taken over, with a warning. A plan file that does not load is
    claimed on the plan's last version the store kept (its timezone, its quarters): the run then keeps the failed
    night once, whichever worker claimed it; with no version kept the file's error is raised."""
    ps = settings.plan(plan)
    schedule = ps.schedule or settings.schedule
    cron = {"sync": schedule.cron, "monthly": schedule.monthly_snapshot, "quarterly": schedule.quarterly_snapshot}[job]
    if not cron:
        return None
    unloadable: InvalidInput | None = None
    try:
        loaded: Plan | None = load_plan_file(ps)[0]
    except InvalidInput as exc:   # the night's run keeps the failed night (failed_plan): claimed on the last version
        loaded, unloadable = None, exc
    job_id, table = f"{job}:{ps.key}", ScheduleClaim.__table__   # type: ignore[attr-defined]
    engine = open_store(settings.database())
    try:
        if loaded is None:
            loaded = kept_plan(engine, ps)
            if loaded is None:
                assert unloadable is not None
                raise unloadable
        if now is None:
            now, mine = store_now(engine), worker_now()
            if abs(mine - now) > CLOCK_MARGIN:
                skew = (mine - now).total_seconds()
                log.warning(f"schedule.clock_skew worker={worker} job={job_id}: this worker's clock is "
                            f"{abs(skew):.0f} s {'ahead of' if skew > 0 else 'behind'} the store's: fix NTP on this "
                            "machine (claims use the store's clock)")
        trigger = _cron(snapshot_cron(cron, job, loaded), loaded.timezone, None)
        fire = previous_fire(trigger, now)
        if fire is None:
            return None
        ahead = now + CLOCK_MARGIN
        with engine.connect() as conn:
            stored = conn.execute(select(table.c.fire_time, table.c.worker).where(table.c.job_id == job_id)).first()
        if stored is not None and (repeated := repeated_fire(stored_instant(stored.fire_time), fire,
                                                             trigger.timezone)):
            first = _when(stored_instant(stored.fire_time).astimezone(trigger.timezone))
            log.info(f"schedule.dst_repeat job={job_id} fire={repeated} worker={worker}: the autumn DST change "
                     f"repeats this wall time; the night's run is the fire of {first} (claimed by {stored.worker}): "
                     "this one is skipped")
            return str(stored.worker)
        if stored is not None and (stored_fire := stored_instant(stored.fire_time)) > ahead:
            log.warning(f"schedule.future_claim job={job_id} fire_time={stored_fire:%Y-%m-%d %H:%M:%S} "
                        f"claimed_by={stored.worker}: a fire ahead of the store's clock (that worker's clock ran "
                        "ahead: fix NTP there); taken over")
        with engine.begin() as conn:
            moved = conn.execute(update(table).where(table.c.job_id == job_id,
                                                     or_(table.c.fire_time < fire, table.c.fire_time > ahead))
                                 .values(fire_time=fire, worker=worker, claimed_at=now)).rowcount
        if moved:
            return None
        try:
            with engine.begin() as conn:
                conn.execute(insert(table).values(job_id=job_id, fire_time=fire, worker=worker, claimed_at=now))
            return None
        except IntegrityError:
            pass
        with engine.connect() as conn:
            row = conn.execute(select(table.c.worker, table.c.fire_time).where(table.c.job_id == job_id)).first()
        if row is None:
            return "?"
        if row.worker == worker:   # this worker already claimed (and ran) this fire: not run twice
            # a worker whose clock runs ahead fires before the store's fire time, where the last fire is still the
            # one it claimed the night before: before 8 Dec 2026 it ran that night again (audit schedhand F1)
            log.info(f"schedule.already_claimed job={job_id} fire_time="
                     f"{stored_instant(row.fire_time):%Y-%m-%d %H:%M:%S} worker={worker}: this worker claimed this "
                     "fire already: not run again")
        return str(row.worker)
    finally:
        engine.dispose()


def snapshot_job(settings_path: str, plan: str, kind: str) -> None:
    """Close the month (actions) or quarter (revenue, ROI) that has just ended for the report's trends, and
    any earlier closed period of the plan still without its snapshot (by one worker only, when several share
    the store). Never raises; logs one line."""
    if (why := fire_refused(settings_path, plan, kind)) is not None:
        event(log, "schedule.skip", job=f"{kind}_snapshot", plan=plan, worker=WORKER, reason=why)
        return
    try:
        holder = claim_scheduled_run(current_settings(settings_path), plan, kind)
    except Exception:   # the snapshot itself says what is wrong with the settings or the store
        holder = None
    if holder is not None:
        event(log, "schedule.skip", job=f"{kind}_snapshot", plan=plan, claimed_by=holder, worker=WORKER)
        return
    take_due(None, settings_path, plan, kind)


def take_due(settings: Settings | None, settings_path: str, plan: str, kind: str, *, why: str = "cron",
             due_by: datetime | None = None, loaded: Plan | None = None) -> list[str]:
    """The snapshots of ``kind`` due for ``plan`` (see ``snapshot_job``; ``due_by``: those closed by then); logs
    ``schedule.run`` with their labels, a failure at WARNING (as a failed sync: a closed period not kept is what
    the next meeting's report misses; the next sync fire takes it again, ``retry_snapshots``). A retry that finds
    nothing due says nothing."""
    labels: list[str] = []
    try:
        labels = take_due_snapshots(settings or current_settings(settings_path), plan, kind, due_by=due_by,
                                    plan=loaded)
        status = f"ok {' '.join(labels)}" if labels else "ok (nothing due)"
    except Exception as exc:
        status = f"error: {type(exc).__name__}: {exc}"
        event(log, "schedule.run", level=logging.WARNING, job=f"{kind}_snapshot", plan=plan, status=status,
              trigger=why)
        return labels
    if labels or why != "retry":
        event(log, "schedule.run", job=f"{kind}_snapshot", plan=plan, status=status, trigger=why)
    return labels


def retry_snapshots(settings_path: str, plan: str) -> dict[str, list[str]]:
    """At each sync fire of ``plan`` (after its sync): the periods whose snapshot job has fired (its cron's last
    fire) and still have no snapshot, taken now (``take_due``, ``trigger=retry``). A snapshot job that failed (a
    plan file that did not load that morning, the store down) is so taken again the next night, not at the next
    fire of its kind (a quarter later, on the records of then); a period whose job has not fired yet is
    left to it (a cron may wait for late entries). Jobs no longer scheduled (the plan ended, ``wanted_jobs``) retry
    nothing. Never raises. Returns ``{kind: [labels]}``."""
    done: dict[str, list[str]] = {}
    try:
        settings = current_settings(settings_path)
        ps = settings.plan(plan)
        loaded, _ = load_plan_file(ps)
    except Exception:   # the sync just said what is wrong with the settings or the plan
        return done
    schedule = ps.schedule or settings.schedule
    at = ps.as_of or worker_now()
    for kind, cron in (("monthly", schedule.monthly_snapshot), ("quarterly", schedule.quarterly_snapshot)):
        if not cron:
            continue
        try:
            cron = snapshot_cron(cron, kind, loaded)
            fired = previous_fire(_cron(cron, loaded.timezone, None), at)
            if fired is None or at > job_end(loaded, cron, schedule.after_end_days):
                continue
        except Exception as exc:  # never the sync's failure: said, and the snapshot job's own fire still runs
            log.warning(redact(f"schedule.retry job={kind}_snapshot plan={plan}: {type(exc).__name__}: {exc}"))
            continue
        done[kind] = take_due(settings, settings_path, plan, kind, why="retry", due_by=fired, loaded=loaded)
    return done


def catch_up_snapshots(settings: Settings) -> dict[str, list[str]]:
    """At start-up: take every snapshot missed while the scheduler was down (or skipped beyond the grace time),
    for each plan and each snapshot kind that has a cron. Returns ``{"monthly:plan": [labels]}``."""
    source = str(Path(settings.source).resolve()) if settings.source else ""
    done: dict[str, list[str]] = {}
    for ps in settings.plans:
        schedule = ps.schedule or settings.schedule
        try:
            plan, _ = load_plan_file(ps)
        except InvalidInput:  # said once at start-up (scheduled_plan); snapshots wait for the file: retry_snapshots
            continue
        at = ps.as_of or worker_now()
        for kind, cron in (("monthly", schedule.monthly_snapshot), ("quarterly", schedule.quarterly_snapshot)):
            # a job no longer scheduled (the plan ended more than after_end_days ago: wanted_jobs) catches up nothing
            if cron and at <= job_end(plan, snapshot_cron(cron, kind, plan), schedule.after_end_days):
                done[f"{kind}:{ps.key}"] = take_due(settings, source, ps.key, kind, why="catch-up")
    return done


# -- the scheduler -------------------------------------------------------------------------------
def default_jobstore() -> Path:
    return Path(".pac") / f"scheduler-{socket.gethostname()}.db"


def _cron(expr: str, tz: Any, end: datetime | None) -> LocalDayCron:
    """``CronTrigger.from_crontab(expr, tz)`` (as ``LocalDayCron``: each local day gets its fire) that fires no more
    after ``end`` (APScheduler then removes the job)."""
    minute, hour, day, month, day_of_week = expr.split()
    return LocalDayCron(minute=minute, hour=hour, day=day, month=month, day_of_week=day_of_week, timezone=tz,
                        end_date=end)


def scheduled_plan(settings: Settings, ps: PlanSettings) -> tuple[Plan | None, InvalidInput | None]:
    """The plan ``ps``'s jobs are built from at start-up, and the file's error when it does not load.

    The file's plan when it loads. When it does not (a YAML slip the night a worker is (re)started), the version
    the store kept at the last sync (``plan_fallback.kept_plan_version``: its timezone, period and quarters), with
    a warning naming the file, its line and the fix: the plan stays scheduled, and each of its fires keeps the
    night as a ``failed`` run (``sync_job``: ``pac sync`` refuses the file) until the file loads again. Without a
    kept version the plan is left out of this worker's jobs, with a warning saying so and to restart once fixed.
    Either way the other plans run (before 6 Dec 2026 one broken file made `pac schedule` exit 2 and stopped every
    plan)."""
    try:
        return load_plan_file(ps)[0], None
    except InvalidInput as exc:
        broken = exc
    problems = str(broken).splitlines() or [type(broken).__name__]
    said = "; ".join(problems[:3]) + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")
    check = f"fix the file (`pac plan check {ps.file}` names each problem)"
    kept = kept_plan_version(settings, ps)
    if kept is not None:
        plan, version = kept
        log.warning(
            f"schedule.plan_unloaded plan={ps.key} file={ps.file}: the plan file does not load: {said}. Scheduled "
            f"from the plan as the store kept it at the last sync (version {version.version} of {plan.id}, imported "
            f"{version.imported_at:%Y-%m-%d %H:%M} UTC): each fire keeps its night as a failed run (`pac status`) and "
            f"syncs nothing until the file loads; {check}, and the next fire syncs it (restart the workers if you "
            "changed its timezone, period or quarters)"
        )
        return plan, broken
    log.warning(
        f"schedule.plan_unloaded plan={ps.key} file={ps.file}: the plan file does not load: {said}. The store keeps "
        f"no version of it: left out of this worker's jobs (the other plans run); {check}, then restart every pac "
        "schedule worker using these settings"
    )
    return None, broken


def wanted_jobs(settings: Settings, now: datetime | None = None, left_out: list[str] | None = None
                ) -> list[dict[str, Any]]:
    """Each plan's sync and snapshot jobs: id, function reference, args, cron trigger in the plan's zone. Each
    trigger ends ``schedule.after_end_days`` after the plan's end (``sync_jobs.schedule_end.job_end``); a job
    whose end has passed (at ``now``: the plan's ``as_of``, else this worker's clock) is left out, and the plan's
    jobs left out are logged once (``schedule.skip ... ended=...``): this runs when the scheduler starts. A plan
    whose file does not load is scheduled from its kept version or left out (``scheduled_plan``); when no plan at
    all can be scheduled so, the files' errors are raised (``pac schedule`` exits 2). The keys of the plans left out
    so are appended to ``left_out``."""
    jobs = []
    source = str(Path(settings.source).resolve()) if settings.source else ""
    options = job_options(settings)
    unscheduled: list[InvalidInput] = []
    for ps in settings.plans:
        loaded, broken = scheduled_plan(settings, ps)
        if loaded is None:
            assert broken is not None
            unscheduled.append(broken)
            if left_out is not None:
                left_out.append(ps.key)
            continue
        plan = loaded
        schedule = ps.schedule or settings.schedule
        tz, at = plan.timezone, ps.as_of or now or worker_now()
        crons = [("sync", schedule.cron, "sync_jobs.scheduler:sync_job", [source, ps.key])]
        crons += [(kind, snapshot_cron(cron, kind, plan), "sync_jobs.scheduler:snapshot_job", [source, ps.key, kind])
                  for kind, cron in (("monthly", schedule.monthly_snapshot), ("quarterly", schedule.quarterly_snapshot))
                  if cron]
        dropped = []
        for kind, cron, func, args in crons:
            end = job_end(plan, cron, schedule.after_end_days)
            if at > end:
                dropped.append(kind)
                continue
            jobs.append({"id": f"{kind}:{ps.key}", "func": func, "args": args, "trigger": _cron(cron, tz, end),
                         "options": options})
        if dropped:
            log.info(f"schedule.skip plan={ps.key} jobs={','.join(dropped)} ended={last_day(plan)}: the plan "
                     f"ended on {last_day(plan)}, more than schedule.after_end_days ({schedule.after_end_days}) "
                     f"ago: no longer scheduled (its sync stopped on {sync_end(plan, schedule):%Y-%m-%d %H:%M %Z}); "
                     f"`pac sync --plan {ps.key}` still syncs it by hand; remove it from plans: once it is no "
                     "longer needed")
    if unscheduled and len(unscheduled) == len(settings.plans):
        raise InvalidInput(
            [problem for exc in unscheduled for problem in exc.problems]
            + [Problem("", "no plan can be scheduled: every plan file fails to load and the store keeps no version "
                       "of it", "fix the files (`pac plan check FILE` names each problem), then start pac schedule "
                       "again")])
    return jobs


def job_options(settings: Settings) -> dict[str, Any]:
    """What every job runs with: coalesced, one instance at a time, the settings' misfire grace (seconds)."""
    return {"coalesce": True, "max_instances": 1, "misfire_grace_time": settings.schedule.misfire_grace_seconds}


def build_scheduler(settings: Settings, jobstore: Path, scheduler_cls: type[BaseScheduler] = BlockingScheduler
                    ) -> BaseScheduler:
    """A scheduler on its own job store with the settings' grace time; jobs come from ``sync_jobstore``."""
    jobstore.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    scheduler = scheduler_cls(
        jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{jobstore.resolve()}")},
        job_defaults=job_options(settings),
    )

    def on_event(ev: JobExecutionEvent) -> None:
        what = "missed" if ev.code == EVENT_JOB_MISSED else "error"
        event(log, f"schedule.{what}", job=ev.job_id, scheduled=ev.scheduled_run_time)
        if ev.code == EVENT_JOB_MISSED and ev.job_id.split(":")[0] in ("monthly", "quarterly"):
            job = scheduler.get_job(ev.job_id)
            if job is not None:   # a snapshot is never skipped: run it now, whatever the grace time
                scheduler.add_job("sync_jobs.scheduler:snapshot_job", "date", args=list(job.args),
                                  id=f"catch-up:{ev.job_id}", name=f"catch-up:{ev.job_id}", replace_existing=True,
                                  misfire_grace_time=None, coalesce=True, max_instances=1)

    scheduler.add_listener(on_event, EVENT_JOB_MISSED | EVENT_JOB_ERROR)
    return scheduler


class _Offline(BaseScheduler):
    """A scheduler with no thread and no wake-up: it only reads and edits its job store, never runs a job."""

    def wakeup(self) -> None:
        return None

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)


def offline_scheduler(settings: Settings, jobstore: Path) -> BaseScheduler:
    """A started scheduler that never runs jobs, to inspect or edit ``jobstore`` (then ``shutdown()`` it)."""
    helper = build_scheduler(settings, jobstore, _Offline)
    helper.start(paused=True)
    return helper


def _when(at: datetime | None) -> str:
    return f"{at:%Y-%m-%d %H:%M %Z}" if at is not None else "none"


def _why_replaced(stored: Any, spec: dict[str, Any]) -> str:
    """What differs between a stored job and the one the settings want, in words."""
    why = []
    if type(stored.trigger) is not type(spec["trigger"]):
        why.append("trigger now gives each local day its fire (DST nights)")
    if str(stored.trigger) != str(spec["trigger"]):
        why.append(f"schedule {stored.trigger} -> {spec['trigger']}")
    if (old_tz := str(getattr(stored.trigger, "timezone", ""))) != str(spec["trigger"].timezone):
        why.append(f"timezone {old_tz} -> {spec['trigger'].timezone}")
    if list(stored.args) != spec["args"]:
        why.append("arguments (settings file or plan) changed")
    old_end, new_end = getattr(stored.trigger, "end_date", None), spec["trigger"].end_date
    if old_end != new_end:
        why.append(f"end {_when(old_end)} -> {_when(new_end)}")
    return ", ".join(why)


def _not_caught_up(replaced: list[tuple[Any, str]]) -> str:
    """The sync fires that were due in jobs now replaced, dropped with them (snapshots are caught up:
    ``catch_up_snapshots``, ``retry_snapshots``), each with the command that runs it now; empty when none."""
    now = worker_now()
    lost = [(job, job.next_run_time) for job, _ in replaced
            if job.id.split(":")[0] == "sync" and job.next_run_time is not None and job.next_run_time <= now]
    return "; ".join(
        f"{job.id} due {_when(due.astimezone(job.trigger.timezone))} (run `pac sync --plan {job.args[1]}` now)"
        for job, due in lost)


def _warn_replaced(replaced: list[tuple[Any, str]]) -> None:
    """One warning for the stored jobs replaced at this start (a replaced job loses its pending run time), naming
    each sync fire that was due and is therefore not caught up (``_not_caught_up``)."""
    text = (f"schedule.replaced jobs={','.join(job.id for job, _ in replaced)}: replaced "
            f"{len(replaced)} stored job(s) whose trigger or arguments changed since the job store was written ("
            + "; ".join(f"{job.id}: {why}" for job, why in replaced)
            + "); a replaced job's pending run is dropped, so a run missed while the worker was down is not "
            "caught up this once")
    if lost := _not_caught_up(replaced):
        text += "; not caught up: " + lost
    log.warning(text)


@dataclass
class JobChanges:
    """What ``reconcile_jobs`` did to a scheduler's jobs."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    replaced: list[tuple[Any, str]] = field(default_factory=list)    # (the job as it was, why: _why_replaced)
    updated: list[tuple[str, dict[str, Any]]] = field(default_factory=list)   # options changed in place
    triggers: dict[str, Any] = field(default_factory=dict)   # replaced job id -> its new trigger


def reconcile_jobs(scheduler: BaseScheduler, wanted: list[dict[str, Any]],
                   keep: Callable[[str], bool] = lambda _id: False) -> JobChanges:
    """Bring ``scheduler``'s job store in line with ``wanted`` (``wanted_jobs``): each unchanged job keeps its
    pending run time (a run missed while down is still due), a job whose trigger or arguments changed is replaced
    (``add_job(replace_existing=True)``: its pending run time is dropped), one whose options changed (misfire grace,
    coalescing, instances) is updated in place, pending run time kept, and a job no longer wanted is removed unless
    ``keep(job_id)``."""
    changes = JobChanges()
    ids = {j["id"] for j in wanted}
    for job in scheduler.get_jobs(jobstore="default"):
        if job.id not in ids and not keep(job.id):
            job.remove()
            changes.removed.append(job.id)
    for spec in wanted:
        stored = scheduler.get_job(spec["id"], jobstore="default")
        why = _why_replaced(stored, spec) if stored is not None else ""
        if stored is not None and not why:     # the same trigger, zone, end and arguments
            updated = {k: v for k, v in spec["options"].items() if getattr(stored, k, None) != v}
            if updated:
                stored.modify(**updated)
                changes.updated.append((stored.id, updated))
            continue
        if stored is not None:
            changes.replaced.append((stored, why))
            changes.triggers[spec["id"]] = spec["trigger"]
        else:
            changes.added.append(spec["id"])
        scheduler.add_job(spec["func"], spec["trigger"], id=spec["id"], args=spec["args"], replace_existing=True,
                          name=spec["id"], jobstore="default", **spec["options"])
    return changes


def sync_jobstore(settings: Settings, jobstore: Path) -> list[Any]:
    """Bring the job store in line with the settings at start-up (``reconcile_jobs``), saying each job replaced
    (``_warn_replaced``) and each updated. Done by a short-lived paused scheduler, before the real one starts
    (never both at once)."""
    helper = offline_scheduler(settings, jobstore)
    try:
        changes = reconcile_jobs(helper, wanted_jobs(settings))
        for job_id, updated in changes.updated:
            event(log, "schedule.job_updated", job=job_id, **updated)
        if changes.replaced:
            _warn_replaced(changes.replaced)
        jobs = helper.get_jobs()
        for job in jobs:
            event(log, "schedule.job", job=job.id, next_run=job.next_run_time)
        return jobs
    finally:
        helper.shutdown(wait=False)


SETTINGS_CHECK_SECONDS = 60   # a running worker's own check of its settings file, between fires
SETTINGS_CHECK = "settings-check"   # that check's job, and its job store and thread
SAID_PROBLEMS = 5             # problems of a refused settings file named in its error line (then "and N more")


class SettingsWatch:
    """A running worker's settings file, followed without a restart (``pac schedule``).

    ``check`` (at each fire, ``fire_refused``, and every ``SETTINGS_CHECK_SECONDS`` by a job of its own) compares the
    file's sha256 with that of the settings the jobs follow, and each plan file's (its timezone, period and quarters
    make its jobs' triggers). A changed file that loads is applied: its jobs
    (``wanted_jobs``) replace the scheduler's through ``reconcile_jobs``, so exactly the jobs whose plan, trigger or
    arguments changed are added, removed or replaced (the others keep their pending run time), said in one info line
    ``schedule.reloaded``. A changed file that does not load (YAML, validation, no plan schedulable) leaves the
    previous settings in force, jobs and runs alike (``current_settings``), said once per content at error level with
    the file's problems (file, line, key, fix). The jobs of a plan whose own file does not load and that the store
    keeps no version of stay as they are (``wanted_jobs``' ``left_out``), and so do the one-off ``catch-up:`` jobs of
    missed snapshots. Only the files' digests are read when nothing changed: never the plans parsed, never the store."""

    def __init__(self, scheduler: BaseScheduler, settings: Settings, path: str) -> None:
        self.scheduler, self.settings, self.path = scheduler, settings, path
        self.digest = settings.source_digest or file_digest(path)   # what the jobs follow
        self.plans = _plan_digests(settings)      # and the plan files their triggers read (zone, period, quarters)
        self.said = ""             # the content last refused (its digest, or "unreadable"): said once
        self.trouble = ""          # the last failure of the check itself (the store...): said once, retried
        self.replaced: dict[str, Any] = {}   # job id -> the trigger a reload gave it, until the job's next fire
        self.lock = threading.Lock()

    def check(self) -> None:
        """Apply the settings file if it changed; never raises (a fire goes on, the next check retries)."""
        with self.lock:
            try:
                self._check()
            except Exception as exc:
                trouble = redact(f"{type(exc).__name__}: {exc}")
                if trouble != self.trouble:
                    self.trouble = trouble
                    log.warning(f"schedule.reload_failed settings={self.path}: the settings file changed and could "
                                f"not be applied: {trouble}; the previous settings stay in force, and the check "
                                f"is retried every {SETTINGS_CHECK_SECONDS} s")

    def _check(self) -> None:
        digest = file_digest(self.path)
        seen = digest or "unreadable"
        if digest == self.digest and _plan_digests(self.settings) == self.plans:
            self.said = ""        # (back to) the content in force: a bad one seen again later is said again
            return
        if seen == self.said:
            return
        left_out: list[str] = []
        try:
            settings = load_settings(self.path)
            wanted = wanted_jobs(settings, left_out=left_out)
        except InvalidInput as exc:
            self.said = seen
            log.error(redact(_refused_words(self.path, exc)))
            return
        kept = set(left_out)
        changes = reconcile_jobs(self.scheduler, wanted,
                                 keep=lambda job_id: job_id.startswith("catch-up:") or job_id.split(":")[-1] in kept)
        self.settings, self.digest, self.said, self.trouble = settings, settings.source_digest or digest, "", ""
        self.plans = _plan_digests(settings)
        for job_id in changes.removed:
            self.replaced.pop(job_id, None)
        self.replaced.update(changes.triggers)
        changed = [f"{job.id} ({why})" for job, why in changes.replaced]
        changed += [f"{job_id} ({', '.join(f'{k}={v}' for k, v in updated.items())})"
                    for job_id, updated in changes.updated]
        log.info(f"schedule.reloaded settings={self.path} added={','.join(changes.added) or 'none'} "
                 f"removed={','.join(changes.removed) or 'none'} changed={'; '.join(changed) or 'none'}: the "
                 "settings file or a plan file changed; this worker's jobs now follow it"
                 + (f" (kept as they were: the jobs of {', '.join(sorted(kept))}, whose plan file does not load)"
                    if kept else ""))
        if lost := _not_caught_up(changes.replaced):
            log.warning(f"schedule.replaced jobs={','.join(job.id for job, _ in changes.replaced)}: a replaced job's "
                        f"pending run is dropped; not caught up: {lost}")

    def refused(self, plan: str, job_id: str) -> str | None:
        """Why this fire of ``job_id`` must not run, in words, or None: its plan is no longer in the settings, or it
        is a fire of the schedule a reload replaced (the job fired before this worker saw the change; the new
        schedule has no fire within ``misfire_grace_seconds`` before now). Workers that see a change at different
        moments so run each plan on the schedule of the file: each checks the file at the fire, before it claims,
        and the claim (``claim_scheduled_run``, on the cron of the settings so checked) picks one worker per fire."""
        with self.lock:
            if plan not in {ps.key for ps in self.settings.plans}:
                return f"plan {plan!r} is no longer in the settings {self.path}: its jobs were removed"
            trigger = self.replaced.pop(job_id, None)
            grace = timedelta(seconds=self.settings.schedule.misfire_grace_seconds)
        if trigger is None:
            return None
        now = worker_now()
        fire = previous_fire(trigger, now)
        if fire is not None and now - fire <= grace:
            return None
        return (f"a fire of the former schedule: the settings changed it to {trigger} in "
                f"{trigger.timezone}, next run {_when(trigger.get_next_fire_time(None, now))}")


def _plan_digests(settings: Settings) -> tuple[str, ...]:
    """The sha256 of each plan file of ``settings``: a job's trigger reads its plan's timezone, period and quarters,
    so an edited plan file is followed as an edited settings file is (a few small files read once a minute)."""
    return tuple(file_digest(ps.file) for ps in settings.plans)


def _refused_words(path: str, exc: InvalidInput) -> str:
    """The error line of a settings file that changed and does not load."""
    problems = [str(p) for p in exc.problems] or [str(exc)]
    said = "; ".join(problems[:SAID_PROBLEMS])
    if len(problems) > SAID_PROBLEMS:
        said += f" (and {len(problems) - SAID_PROBLEMS} more)"
    return (f"schedule.settings_refused settings={path}: the settings file changed and does not load: {said}; "
            "the previous settings stay in force (this worker's jobs and runs go on as before). Fix the file "
            "(`pac config check` names every problem): this worker applies it at its next check, within "
            f"{SETTINGS_CHECK_SECONDS} s (this error is said once for this content)")


WATCH: SettingsWatch | None = None   # the settings file this worker follows (``watch_settings``)


def watch_settings(scheduler: BaseScheduler, settings: Settings) -> SettingsWatch | None:
    """Follow ``settings``' file in ``scheduler``: a ``SettingsWatch`` checked at each fire and every
    ``SETTINGS_CHECK_SECONDS`` by a job in a job store and a thread of its own (in memory: nothing to persist; never
    queued behind the syncs of the job threads). Settings without a file (built in code) are not followed."""
    global WATCH
    if not settings.source:
        return None
    watch = SettingsWatch(scheduler, settings, str(Path(settings.source).resolve()))
    scheduler.add_jobstore(MemoryJobStore(), SETTINGS_CHECK)
    scheduler.add_executor(ThreadPoolExecutor(1), SETTINGS_CHECK)
    scheduler.add_job(watch.check, "interval", seconds=SETTINGS_CHECK_SECONDS, id=SETTINGS_CHECK, name=SETTINGS_CHECK,
                      jobstore=SETTINGS_CHECK, executor=SETTINGS_CHECK, coalesce=True, max_instances=1,
                      misfire_grace_time=None)
    WATCH = watch
    return watch


def run_scheduler(settings: Settings, jobstore: str | None = None) -> None:
    """``pac schedule``: a BlockingScheduler that runs until SIGTERM or SIGINT."""
    path = Path(jobstore) if jobstore else default_jobstore()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    guard = open(f"{path}.lock", "w")  # noqa: SIM115 - held for the process's life
    try:
        fcntl.flock(guard, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        guard.close()
        raise InvalidInput(f"another scheduler already uses the job store {path}",
                           "give each scheduler process its own --jobstore file") from None
    open_store(settings.database()).dispose()   # a store it cannot use is said now (exit 2), not every night
    sync_jobstore(settings, path)
    scheduler = build_scheduler(settings, path)
    scheduler.add_jobstore(MemoryJobStore(), TAKEOVER)   # checks of fires other workers claimed: nothing to persist
    watch_settings(scheduler, settings)
    global SCHEDULER
    SCHEDULER = scheduler
    stopping: list[str] = []
    STOP.clear()

    def stop(signum: int, _frame: Any) -> None:
        event(log, "schedule.stop", signal=signal.Signals(signum).name)
        stopping.append(signal.Signals(signum).name)
        STOP.request(signal.Signals(signum).name)    # the sync running now stops at its next check
        if scheduler.running:
            scheduler.shutdown(wait=False)

    def stop_if_asked(_event: Any) -> None:   # a signal between the check below and start(): stop at once
        if stopping:
            scheduler.shutdown(wait=False)

    scheduler.add_listener(stop_if_asked, EVENT_SCHEDULER_STARTED)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    event(log, "schedule.start", jobstore=path, plans=len(settings.plans))
    catch_up_snapshots(settings)
    if not stopping:
        scheduler.start()      # blocks until stop() shuts it down
    if RUNNING.count:          # each stops at its next check (STOP), closed as interrupted
        event(log, "schedule.stopping", runs=RUNNING.count)
        RUNNING.wait_idle()
    event(log, "schedule.stopped")
    global WATCH
    WATCH = None
    SCHEDULER = None
    guard.close()
