"""When ``pac schedule`` stops a plan's jobs after its period has ended (audit yearend F6).

An ended plan synced every night for ever cost as much as a live one (11 Salesforce + 23 HubSpot calls a night on
the audit's org) to update figures nobody acts on. ``pac schedule`` now keeps a plan's jobs for
``schedule.after_end_days`` (default 31) after the plan's end: late entries (December's visits typed in January)
still update the closed plan, its CRM records and its snapshots' "since the close" notes for the year-end meeting,
and the last month's and quarter's snapshots, taken after the end, still run. Each job ends at that instant, and
never before its own first fire after the plan's end (``after_end_days: 0`` still syncs the last day once and takes
the year-end snapshot). After it the plan has no job; ``pac sync --plan NAME`` still syncs it by hand.

Light on purpose: ``pac status`` reads it (no scheduler, no run imported); ``sync_jobs.scheduler`` builds its
triggers with ``job_end``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from pac_config.settings import ScheduleSettings
from pac_core.periods import day_words
from pac_core.plan import Plan
from pac_core.plan_end import plan_ended, plan_last_day


def job_end(plan: Plan, cron: str, after_end_days: int) -> datetime:
    """The last instant a job of ``plan`` on ``cron`` may fire: ``after_end_days`` days after the plan's end (its
    next local midnight, in the plan's zone), or the cron's first fire after the end when that is later."""
    until = plan.period.end.astimezone(ZoneInfo(plan.timezone)) + timedelta(days=after_end_days)
    first = CronTrigger.from_crontab(cron, timezone=plan.timezone).get_next_fire_time(None, plan.period.end)
    return until if first is None or first <= until else first


def sync_end(plan: Plan, schedule: ScheduleSettings) -> datetime:
    """When the plan's nightly sync stops being scheduled (``job_end`` of its sync cron)."""
    return job_end(plan, schedule.cron, schedule.after_end_days)


def last_day(plan: Plan) -> str:
    """The plan's last day, ``2026-12-31``."""
    return plan_last_day(plan).isoformat()


def schedule_line(plan: Plan, schedule: ScheduleSettings, name: str, now: datetime | None = None, *,
                  named: bool = False, lang: str = "en") -> str | None:
    """What ``pac status`` says of an ended plan's nightly sync (None while the plan runs): still synced until
    ``sync_end`` for late entries, or no longer synced by ``pac schedule`` (by hand still). ``named``: the line names
    the plan (``Nightly sync of pac-2026: … still syncs it``), when the status shows several (audit reverify N2).
    ``lang``: the status's language (``fr``: the days in words, « jusqu'au 1er février 2028 à 00:00 CET »)."""
    now = now or datetime.now(UTC)
    if not plan_ended(plan, now):
        return None
    end = sync_end(plan, schedule)
    if lang == "fr":
        return _french_line(plan, schedule, name, now, end, named)
    why = f"the plan ended on {last_day(plan)}; schedule.after_end_days: {schedule.after_end_days}"
    head, it = (f"Nightly sync of {name}", "it") if named else ("Nightly sync", "this plan")
    if now <= end:
        return (f"{head}: pac schedule still syncs {it} for late entries until {end:%Y-%m-%d %H:%M %Z} "
                f"({why}), then stops.")
    return (f"{head}: no longer scheduled since {end:%Y-%m-%d %H:%M %Z} ({why}); `pac sync --plan {name}` "
            "still syncs it by hand. Remove it from plans: once it is no longer needed.")


def _french_line(plan: Plan, schedule: ScheduleSettings, name: str, now: datetime, end: datetime, named: bool) -> str:
    """``schedule_line`` in French."""
    ended = plan_last_day(plan)
    at = f"{day_words(end.date(), 'fr')} à {end:%H:%M %Z}"
    why = f"le plan s'est terminé le {day_words(ended, 'fr')} ; schedule.after_end_days : {schedule.after_end_days}"
    head, it = (f"Synchronisation nocturne de {name}", "le synchronise encore") if named else (
        "Synchronisation nocturne", "synchronise encore ce plan")
    if now <= end:
        return f"{head} : pac schedule {it} pour les saisies tardives jusqu'au {at} ({why}), puis s'arrête."
    return (f"{head} : plus planifiée depuis le {at} ({why}) ; `pac sync --plan {name}` le synchronise encore à la "
            "main. Retirez-le de plans: quand il n'est plus utile.")


__all__ = ["job_end", "last_day", "schedule_line", "sync_end"]
