"""``pac snapshot --period 2027-Q1``: keep a past month's or quarter's figures for the report's trends.

On a fiscal plan a quarter is the plan's own: ``--period Q1`` on a year from February is February-April,
kept as ``2027-02..2027-04``; a calendar quarter that is none of the plan's quarters is refused.
The scheduler closes each month and quarter on its own (``monthly_snapshot`` / ``quarterly_snapshot`` crons,
with a catch-up at start-up); this command takes one by hand: after a first deploy mid-year, to redo one
after a late CRM correction, or for a period the scheduler never saw. The plan is evaluated on the stored
records at the period's end in the plan's timezone (its last day counted in full); the snapshot is labelled
by that period, with when it was taken and the plan version it was evaluated with. A period already kept is
refused (its figures are what the manager saw then) unless ``--replace``, which prints what changed (the since-close
lines, each axis's move with the deals that make it: ``replaced_moves``). No CRM call.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from pac_config.planfile import load_plan
from pac_config.settings import Settings
from pac_core.errors import InvalidInput, PeriodError, Problem
from pac_core.plan import Plan
from pac_core.records import Deal
from pac_core.report_period import fiscal_quarter_of, fiscal_start
from pac_core.restatement import Restatement, since_close
from pac_core.revenue import last_day
from pac_core.snapshots import closing_instant, parse_label, period_window, plan_label
from sync_jobs import cli_common
from sync_jobs.app import Kept, kept_snapshot, plan_cutoff, take_snapshot, when_taken
from sync_jobs.deal_moves import AxisMoves, close_moves
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.restated import since_lines
from sync_jobs.store import open_store
from sync_jobs.store.records import iter_records
from sync_jobs.store_guard import require_sync


@click.command("snapshot")
@click.option("--period", required=True, metavar="2027-Q1|Q1|2027-03",
              help="The closed quarter (2027-Q1, also 2027-T1; Q1 is the plan's first quarter, on a fiscal plan "
                   "its own) or month (2027-03) to keep.")
@click.option("--plan", "plan_ref", metavar="NAME", help="Which configured plan (needed when several are).")
@click.option("--replace", is_flag=True,
              help="Replace a snapshot of the period kept before (re-evaluated on today's records and plan); "
                   "what changes is printed.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), envvar="PAC_CONFIG",
              help="Settings file (default: $PAC_CONFIG, else the shipped config/pac.yaml; never the demo's "
                   ".pac/demo.yaml unless named: a snapshot is written to the store).")
def snapshot(period: str, plan_ref: str | None, replace: bool, config_path: Path | None) -> None:
    """Keep a closed month's or quarter's figures (the plan at its end) for the report's trends.

    \b
    Examples:
      pac snapshot --period 2027-Q1            Q1's revenue, ROI and actions, at the end of 31 March
      pac snapshot --period Q1                 the plan's first quarter (a year from February: Feb-Apr)
      pac snapshot --period 2027-03 --plan west
      pac snapshot --period 2027-Q1 --replace  Q1 again (after late entries or an upgrade): prints what changes
    A period still running, or outside the plan's period, is refused (exit 2) with the periods that can
    be taken; so is one already kept, unless --replace. Needs a sync of the plan in the store (exit 2
    otherwise); makes no CRM call.
    """
    settings = cli_common.settings_named(config_path, read_only=False)
    ps = settings.plan(plan_ref)
    plan = load_plan(ps.file)
    try:
        kind, label = plan_label(period, plan.period, plan.timezone)
    except PeriodError:
        _kept_off_calendar(settings, ps.key, period)
        raise
    window = period_window(label, plan.timezone)
    if window.end <= plan.period.start or window.start >= plan.period.end:
        _kept_off_calendar(settings, ps.key, label)
    require_sync(settings.database(), ps.key, plan.id, config_option=True)
    before = kept_snapshot(settings, ps.key, kind, label) if replace else None
    now = ps.as_of or datetime.now(UTC)
    take_snapshot(settings, ps.key, kind, period=label, now=now, replace=replace)
    zone = ZoneInfo(plan.timezone)
    last = last_day(closing_instant(label, plan.timezone), zone)
    what = "quarterly (revenue, ROI, actions)" if kind == "quarterly" else "monthly (actions)"
    after = kept_snapshot(settings, ps.key, kind, label)
    late = now >= plan_cutoff(closing_instant(label, plan.timezone), plan.timezone)
    click.echo(f"{label}{_plan_quarter(plan, kind, label)}: {what} snapshot of {plan.name} kept, evaluated at the end "
               "of its last day, "
               f"{last:%Y-%m-%d} ({plan.timezone}){plan_words(after, late, zone)}; `pac report` shows it in the "
               "trends.")
    if before is not None and after is not None:
        since = since_close(before.plan, before.evaluation, after.plan, after.evaluation)
        lines = since_lines(since, after.evaluation.as_of, Formatter.for_plan(after.plan, "en"),
                            replaced_moves(settings, ps.connectors, before, after, since))
        click.echo(f"{label}: replaced the snapshot taken on {when_taken(before.taken_on, plan.timezone)}; "
                   + ("what changes:\n  " + "\n  ".join(lines) if lines else "no figure changes."))


def replaced_moves(settings: Settings, connectors: Sequence[str], before: Kept, after: Kept,
                   since: Restatement) -> dict[str, AxisMoves]:
    """The deals that make each axis's move between the snapshot replaced (``before``) and the one replacing it, both
    evaluated at the period's end, why each moved read from the deals as the store holds them now (audit snapdeals: the
    lines said « AX-KEY €30,541 → €7,041 » and named no deal, as the report's since-close lines name them); none when
    the replaced snapshot kept no deals (taken before 7 Dec 2026) or the currency changed (two currencies)."""
    if before.deals is None or after.deals is None or since.currency is not None:
        return {}
    engine = open_store(settings.database())
    try:
        deals = {(d.source, d.id): d for d in iter_records(engine, connectors, "deals") if isinstance(d, Deal)}
    finally:
        engine.dispose()
    return close_moves(after.plan, [axis for axis, _, _ in since.axes], before.evaluation, after.evaluation,
                       (before.deals, after.deals), deals)


def plan_words(kept: Kept | None, late: bool, zone: ZoneInfo) -> str:
    """Which plan and engine settings a snapshot taken after its period's cutoff (``late``: ``app.plan_cutoff``) was
    evaluated with: ``, with the plan as it was then (its version 1)``, or, when the store had none by then (or
    ``--replace``), ``, with the plan of 2027-05-20`` (audit asofplan F1, F5); the settings likewise, when they are
    not the close's: `` and the settings of 2027-04-15``, ``, with the plan and settings of 2027-05-20`` (audit
    snapsettings); "" for one taken on time (today's plan and settings are the close's)."""
    if kept is None or not late:
        return ""
    settings = f"{kept.settings_of.astimezone(zone):%Y-%m-%d}" if kept.settings_of is not None else None
    if kept.plan_of is not None:
        day = f"{kept.plan_of.astimezone(zone):%Y-%m-%d}"
        if settings == day:
            return f", with the plan and settings of {day}"
        return f", with the plan of {day}" + (f" and the settings of {settings}" if settings else "")
    words = f", with the plan as it was then (its version {kept.plan_version})" if kept.plan_version else ""
    return words + (f"{' and' if words else ', with'} the settings of {settings}" if settings else "")


def _plan_quarter(plan: Plan, kind: str, label: str) -> str:
    """`` (the plan's Q2 of fiscal year 2027-2028)`` after a fiscal plan's quarter kept under its calendar label
    (``2027-Q3`` on a year from April: audit reporthand2, « 2027-Q3 … kept » answered a manager who typed Q2, the
    fiscal Q3's name); "" on a calendar plan, for a month, and for a declared calendar's quarter (labelled by its
    days)."""
    start = fiscal_start(plan)
    found = fiscal_quarter_of(label, start) if kind == "quarterly" and start is not None else None
    if found is None:
        return ""
    k, first = found
    return f" (the plan's Q{k} of fiscal year {first}-{first + 1})"


def _kept_off_calendar(settings: Settings, plan_ref: str, text: str) -> None:
    """Refuses a period kept under a calendar the plan no longer has (its period moved since, a 4-4-5 calendar
    declared) with where to see it; returns when ``text`` is no such period (audit fiscalchange)."""
    try:
        kind, label = parse_label(text.strip())
    except PeriodError:
        return
    if kept_snapshot(settings, plan_ref, kind, label) is None:
        return
    see = f"pac report --quarter {label}" if kind == "quarterly" else f"pac review --month {label} -o review.md"
    raise InvalidInput(Problem("--period", f"{label} is none of the plan's periods since its calendar changed; its "
                               "snapshot, taken under the calendar of then, stays kept as it was (today's plan "
                               "cannot take it again)", f"see it with {see}"))
