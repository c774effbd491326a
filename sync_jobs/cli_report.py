"""``pac report``: the quarterly sales-meeting report as HTML (to project and print), xlsx or CSV."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from pac_core.errors import InvalidInput, Problem

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
    from pac_config.settings import load_settings
    from sync_jobs.app import load_report_inputs
    from sync_jobs.report import render_html, write_actions_csv, write_xlsx

    fmt = fmt or {".xlsx": "xlsx", ".csv": "csv"}.get(output.suffix.lower(), "html")
    settings = load_settings(config_path)
    as_of = quarter_end(settings, plan_ref, quarter) if quarter else None
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


def quarter_end(settings: object, plan_ref: str | None, text: str) -> datetime:
    """The evaluation instant for ``--quarter``: the quarter's end (plan timezone), or now if it is running."""
    from pac_config.planfile import load_plan
    from pac_core.periods import parse_period

    ps = settings.plan(plan_ref)  # type: ignore[attr-defined]
    plan = load_plan(ps.file)
    window = parse_period(text, year=plan.period.start.year, tz=plan.timezone)
    now = ps.as_of or datetime.now(UTC)
    if window.start > now:
        raise InvalidInput(Problem("--quarter", f"{text} has not started yet (now is {now:%Y-%m-%d})",
                                   "choose a quarter that has begun, or leave --quarter out for today"))
    return min(window.end, now)
