"""``pac snapshot --period 2027-Q1``: keep a past month's or quarter's figures for the report's trends.

On a fiscal plan a quarter is the plan's own: ``--period Q1`` on a year from February is February-April,
kept as ``2027-02..2027-04``; a calendar quarter that is none of the plan's quarters is refused.
The scheduler closes each month and quarter on its own (``monthly_snapshot`` / ``quarterly_snapshot`` crons,
with a catch-up at start-up); this command takes one by hand: after a first deploy mid-year, to redo one
after a late CRM correction, or for a period the scheduler never saw. The plan is evaluated on the stored
records at the period's end in the plan's timezone (its last day counted in full); the snapshot is labelled
by that period and replaces one kept before under the same label. No CRM call.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from pac_config.planfile import load_plan
from pac_config.settings import load_settings
from pac_core.revenue import last_day
from pac_core.snapshots import closing_instant, plan_label
from sync_jobs.app import take_snapshot
from sync_jobs.store_guard import require_sync


@click.command("snapshot")
@click.option("--period", required=True, metavar="2027-Q1|Q1|2027-03",
              help="The closed quarter (2027-Q1, also 2027-T1; Q1 is the plan's first quarter, on a fiscal plan "
                   "its own) or month (2027-03) to keep.")
@click.option("--plan", "plan_ref", metavar="NAME", help="Which configured plan (needed when several are).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), envvar="PAC_CONFIG",
              help="Settings file (default: $PAC_CONFIG, else the shipped config/pac.yaml).")
def snapshot(period: str, plan_ref: str | None, config_path: Path | None) -> None:
    """Keep a closed month's or quarter's figures (the plan at its end) for the report's trends.

    \b
    Examples:
      pac snapshot --period 2027-Q1            Q1's revenue, ROI and actions, at the end of 31 March
      pac snapshot --period Q1                 the plan's first quarter (a year from February: Feb-Apr)
      pac snapshot --period 2027-03 --plan west
    A period still running, or outside the plan's period, is refused (exit 2) with the periods that can
    be taken. Needs a sync of the plan in the store (exit 2 otherwise); makes no CRM call.
    """
    settings = load_settings(config_path)
    ps = settings.plan(plan_ref)
    plan = load_plan(ps.file)
    kind, label = plan_label(period, plan.period, plan.timezone)
    require_sync(settings.database(), ps.key, plan.id)
    take_snapshot(settings, ps.key, kind, period=label, now=ps.as_of or datetime.now(UTC))
    zone = ZoneInfo(plan.timezone)
    last = last_day(closing_instant(label, plan.timezone), zone)
    what = "quarterly (revenue, ROI, actions)" if kind == "quarterly" else "monthly (actions)"
    click.echo(f"{label}: {what} snapshot of {plan.name} kept, evaluated at the end of its last day, "
               f"{last:%Y-%m-%d} ({plan.timezone}); `pac report` shows it in the trends.")
