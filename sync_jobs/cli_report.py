"""``pac report``: the quarterly sales-meeting report as HTML (to project and print), xlsx or CSV."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import click

from pac_core.errors import InvalidInput, Problem

if TYPE_CHECKING:
    from pac_core.plan import Plan

FORMATS = ("html", "xlsx", "csv")


def register(group: click.Group) -> None:
    """Add this module's commands to ``group``."""
    group.add_command(report)


@click.command("report")
@click.option("--plan", "plan_ref", metavar="NAME", help="Which configured plan (needed when several are).")
@click.option("--quarter", metavar="2027-Q2",
              help="Figures as they stood at the end of that quarter (now, if it is still running). "
                   "Also T2 2027, Q2.")
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Labels, numbers and dates; default: the plan's.")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="html (default), xlsx (one sheet per view) or csv (action progress); default from -o's suffix.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write, e.g. pac-2027-T2.html.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), envvar="PAC_CONFIG",
              help="Settings file (default: $PAC_CONFIG, else the shipped config/pac.yaml).")
def report(plan_ref: str | None, quarter: str | None, lang: str | None, fmt: str | None, output: Path,
           config_path: Path | None) -> None:
    """Write the quarterly sales-meeting report from the last sync's data.

    \b
    The HTML file is self-contained (no script, no network): attach it to an e-mail, project it,
    print it (A4 landscape). Examples:
      pac report -o pac.html
      pac report --quarter 2027-Q2 --lang en -o q2.html
      pac report --format xlsx -o pac.xlsx      (managers who rework the figures)
      pac report --format csv -o actions.csv    (action progress; ';' in French, ',' in English)
    """
    from pac_config.planfile import load_plan
    from pac_config.settings import load_settings
    from sync_jobs.app import load_report_inputs
    from sync_jobs.report import render_html, write_actions_csv, write_xlsx

    fmt = fmt or {".xlsx": "xlsx", ".csv": "csv"}.get(output.suffix.lower(), "html")
    settings = load_settings(config_path)
    ps = settings.plan(plan_ref)
    plan = load_plan(ps.file)
    require_sync(settings.database(), ps.key, plan.id)
    as_of = report_instant(plan, quarter, ps.as_of or datetime.now(UTC))
    inputs = load_report_inputs(settings, plan_ref, as_of=as_of)
    if fmt == "html":
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(render_html(inputs, lang), encoding="utf-8")
    elif fmt == "xlsx":
        write_xlsx(inputs, output, lang)
    else:
        write_actions_csv(inputs, output, lang)
    size = output.stat().st_size
    click.echo(f"{output}: {fmt}, {lang or inputs.plan.language}, {size / 1024:.0f} kB "
               f"({inputs.plan.name}, as of {inputs.evaluation.as_of.isoformat(timespec='minutes')})")


def report_instant(plan: Plan, quarter: str | None, now: datetime) -> datetime:
    """The evaluation instant, always inside the plan's period.

    Without ``--quarter``: now, or the period's end once it is over; a plan whose period has not begun has
    nothing to report yet (refused). With ``--quarter``: the quarter's end in the plan's timezone, or now when
    it is still running; a quarter that has not begun, or one outside the plan's period, is refused with the
    plan's quarters.
    """
    from pac_core.periods import parse_period

    period = plan.period
    zone = ZoneInfo(plan.timezone)
    first, last = period.start.astimezone(zone), (period.end - timedelta(microseconds=1)).astimezone(zone)
    if quarter is None:
        if now < period.start:
            raise InvalidInput(Problem("plan", f"plan {plan.name!r} starts on {first:%Y-%m-%d}: there is "
                                       f"nothing to report yet (now is {now:%Y-%m-%d})",
                                       "write the report once the plan's period has begun"))
        return min(now, period.end)
    window = parse_period(quarter, year=period.start.year, tz=plan.timezone)
    quarters = plan_quarters(plan)
    if window.end <= period.start or window.start >= period.end:
        raise InvalidInput(Problem("--quarter", f"{quarter} is outside the plan's period "
                                   f"({first:%Y-%m-%d} to {last:%Y-%m-%d})",
                                   f"choose one of the plan's quarters: {', '.join(quarters)}"))
    if window.start > now:
        raise InvalidInput(Problem("--quarter", f"{quarter} has not started yet (now is {now:%Y-%m-%d})",
                                   f"choose a quarter that has begun among the plan's quarters, {', '.join(quarters)}, "
                                   "or leave --quarter out for today"))
    return max(min(window.end, now, period.end), period.start)


def plan_quarters(plan: Plan) -> list[str]:
    """The calendar quarters the plan's period touches, in its timezone: ``["2027-Q1", ..., "2027-Q4"]``."""
    zone = ZoneInfo(plan.timezone)
    first = plan.period.start.astimezone(zone)
    last = (plan.period.end - timedelta(microseconds=1)).astimezone(zone)
    year, q = first.year, (first.month - 1) // 3
    out = []
    while (year, q) <= (last.year, (last.month - 1) // 3):
        out.append(f"{year}-Q{q + 1}")
        year, q = (year + 1, 0) if q == 3 else (year, q + 1)
    return out


def require_sync(url: str, plan_key: str, plan_id: str) -> None:
    """Refuse (exit 2) when the store holds no sync of this plan, without creating or migrating a store.

    A report computed on an empty store would show every figure at zero and every ROI at -100 %.
    """
    from sqlalchemy import create_engine, inspect, select
    from sqlalchemy.exc import SQLAlchemyError
    from sqlmodel import Session

    from sync_jobs.store.db import check_url, make_engine
    from sync_jobs.store.tables import Run

    parsed = check_url(url)
    where = parsed.render_as_string(hide_password=True)
    problem = InvalidInput(Problem("", f"no sync recorded for plan {plan_key}: run `pac sync` (or `pac demo`)",
                                   f"the store read is {where}; PAC_CONFIG or --config chooses the settings"))
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:") or not Path(database).is_file():
            raise problem
    # SQLite: a plain reader (the store's engine would switch an empty file to WAL mode, that is write to it)
    engine = create_engine(parsed) if parsed.get_backend_name() == "sqlite" else make_engine(url)
    try:
        if not inspect(engine).has_table(Run.__tablename__):
            raise problem
        with Session(engine) as session:
            query = select(Run.id).where(Run.plan_id == plan_id, Run.dry_run.is_(False)).limit(1)  # type: ignore[attr-defined]
            if session.execute(query).first() is None:
                raise problem
    except SQLAlchemyError as exc:
        raise InvalidInput(Problem("", f"cannot read the store {where}: {type(exc).__name__}",
                                   "check database_url (or PAC_DATABASE_URL) and that the database is up")) from exc
    finally:
        engine.dispose()
