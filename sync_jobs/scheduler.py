"""``pac schedule``: APScheduler 3 runs each plan's sync on its cron, plus monthly and quarterly snapshots.

* Cron expressions come from the settings (default ``0 2 * * *``) and are read in the plan's timezone.
* The job store is a SQLite file of this scheduler process only (APScheduler forbids two schedulers on one
  store; a lock file next to it refuses a second process). Jobs persist there, so a run missed while the
  machine was down is run once (coalesced) at start-up if it is still within ``misfire_grace_seconds``.
  When several machines share a PostgreSQL store, each has its own scheduler and job store; the run lock
  in the database keeps one run per plan.
* ``coalesce=True``, ``max_instances=1``, an explicit ``misfire_grace_time``; job functions are module-level
  (APScheduler stores them by reference) and take only strings (the settings file and the plan name).
* SIGTERM or SIGINT shuts the scheduler down cleanly; every run logs one ``schedule.run`` line.
"""

from __future__ import annotations

import fcntl
import logging
import signal
import socket
from pathlib import Path
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from pac_config.settings import Settings, load_settings
from sync_jobs.logs import event

log = logging.getLogger("pac.schedule")


# -- jobs (module-level: APScheduler stores them by reference) ----------------------------------
def _run_plan(settings_path: str, plan: str) -> tuple[str, int]:
    from sync_jobs.notify import after_sync  # the digests of what changed (notifications.enabled)
    from sync_jobs.pipeline import run_sync

    settings = load_settings(settings_path)
    result = run_sync(plan, settings, wait=60.0)
    after_sync(settings, plan, result.status)
    return result.status, result.exit_code


def sync_job(settings_path: str, plan: str) -> None:
    """The nightly sync of one plan; never raises (the next run retries), always logs one line."""
    try:
        status, code = _run_plan(settings_path, plan)
    except Exception as exc:  # a failed night must not kill the scheduler
        status, code = f"error: {type(exc).__name__}: {exc}", -1
    event(log, "schedule.run", job="sync", plan=plan, status=status, exit=code)


def snapshot_job(settings_path: str, plan: str, kind: str) -> None:
    """Keep this month's (actions) or quarter's (revenue, ROI) evaluation for the report's trends."""
    from sync_jobs.app import take_snapshot

    try:
        label = take_snapshot(load_settings(settings_path), plan, kind)
        status = f"ok {label}"
    except Exception as exc:
        status = f"error: {type(exc).__name__}: {exc}"
    event(log, "schedule.run", job=f"{kind}_snapshot", plan=plan, status=status)


# -- the scheduler -------------------------------------------------------------------------------
def default_jobstore() -> Path:
    return Path(".pac") / f"scheduler-{socket.gethostname()}.db"


def wanted_jobs(settings: Settings) -> list[dict[str, Any]]:
    """Each plan's sync and snapshot jobs: id, function reference, args, cron trigger in the plan's zone."""
    from sync_jobs.pipeline import load_plan_file

    jobs = []
    source = str(Path(settings.source).resolve()) if settings.source else ""
    options = job_options(settings)
    for ps in settings.plans:
        plan, _ = load_plan_file(ps)
        schedule = ps.schedule or settings.schedule
        tz = plan.timezone
        jobs.append({"id": f"sync:{ps.key}", "func": "sync_jobs.scheduler:sync_job", "args": [source, ps.key],
                     "trigger": CronTrigger.from_crontab(schedule.cron, timezone=tz), "options": options})
        for kind, cron in (("monthly", schedule.monthly_snapshot), ("quarterly", schedule.quarterly_snapshot)):
            if cron:
                jobs.append({"id": f"{kind}:{ps.key}", "func": "sync_jobs.scheduler:snapshot_job",
                             "args": [source, ps.key, kind], "trigger": CronTrigger.from_crontab(cron, timezone=tz),
                             "options": options})
    return jobs


def job_options(settings: Settings) -> dict[str, Any]:
    """What every job runs with: coalesced, one instance at a time, the settings' misfire grace (seconds)."""
    return {"coalesce": True, "max_instances": 1, "misfire_grace_time": settings.schedule.misfire_grace_seconds}


def build_scheduler(settings: Settings, jobstore: Path, scheduler_cls: type[BaseScheduler] = BlockingScheduler
                    ) -> BaseScheduler:
    """A scheduler on its own job store with the settings' grace time; jobs come from ``sync_jobstore``."""
    jobstore.parent.mkdir(parents=True, exist_ok=True)
    scheduler = scheduler_cls(
        jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{jobstore.resolve()}")},
        job_defaults=job_options(settings),
    )

    def on_event(ev: JobExecutionEvent) -> None:
        what = "missed" if ev.code == EVENT_JOB_MISSED else "error"
        event(log, f"schedule.{what}", job=ev.job_id, scheduled=ev.scheduled_run_time)

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


def sync_jobstore(settings: Settings, jobstore: Path) -> list[Any]:
    """Bring the job store in line with the settings, keeping the pending run time of every unchanged job
    (so a run missed while down is still due), replacing jobs whose trigger or arguments changed, updating in
    place (pending run time kept) those whose options changed (misfire grace, coalescing, instances), and
    removing those of plans no longer configured. Done by a short-lived paused scheduler, before the real one
    starts (never both at once)."""
    helper = offline_scheduler(settings, jobstore)
    try:
        wanted = wanted_jobs(settings)
        ids = {j["id"] for j in wanted}
        for job in helper.get_jobs():
            if job.id not in ids:
                job.remove()
        for spec in wanted:
            stored = helper.get_job(spec["id"])
            if stored is not None and str(stored.trigger) == str(spec["trigger"]) and list(stored.args) == spec["args"]:
                changed = {k: v for k, v in spec["options"].items() if getattr(stored, k, None) != v}
                if changed:
                    stored.modify(**changed)
                    event(log, "schedule.job_updated", job=stored.id, **changed)
                continue
            helper.add_job(spec["func"], spec["trigger"], id=spec["id"], args=spec["args"], replace_existing=True,
                           name=spec["id"], **spec["options"])
        jobs = helper.get_jobs()
        for job in jobs:
            event(log, "schedule.job", job=job.id, next_run=job.next_run_time)
        return jobs
    finally:
        helper.shutdown(wait=False)


def run_scheduler(settings: Settings, jobstore: str | None = None) -> None:
    """``pac schedule``: a BlockingScheduler that runs until SIGTERM or SIGINT."""
    path = Path(jobstore) if jobstore else default_jobstore()
    path.parent.mkdir(parents=True, exist_ok=True)
    guard = open(f"{path}.lock", "w")  # noqa: SIM115 - held for the process's life
    try:
        fcntl.flock(guard, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        from pac_core.errors import InvalidInput

        guard.close()
        raise InvalidInput(f"another scheduler already uses the job store {path}",
                           "give each scheduler process its own --jobstore file") from None
    sync_jobstore(settings, path)
    scheduler = build_scheduler(settings, path)

    def stop(signum: int, _frame: Any) -> None:
        event(log, "schedule.stop", signal=signal.Signals(signum).name)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    event(log, "schedule.start", jobstore=path, plans=len(settings.plans))
    scheduler.start()          # blocks until stop() shuts it down
    event(log, "schedule.stopped")
    guard.close()
