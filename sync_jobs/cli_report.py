"""``pac report``: the quarterly sales-meeting report as HTML (to project and print), xlsx or CSV."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from pac_core.errors import InvalidInput, Problem
from pac_core.report_period import report_instant
from sync_jobs import cli_common
from sync_jobs.app import kept_off_calendar, load_report_inputs
from sync_jobs.atomic_file import replaced
from sync_jobs.plan_fallback import readable_plan
from sync_jobs.report import calendar_quarter_note, render_html, write_actions_csv, write_xlsx
from sync_jobs.report.restated import instant_words
from sync_jobs.report_inputs import ReportInputs
from sync_jobs.store_guard import require_sync

FORMATS = ("html", "xlsx", "csv")


_SUFFIXES = {".html": "html", ".htm": "html", ".xlsx": "xlsx", ".csv": "csv", "": "html"}


def _format_of(output: Path) -> str:
    """The format ``-o``'s suffix names (none: html); another suffix is refused, as ``pac review`` refuses one: an
    HTML page written into ``pac.pdf`` is a file no viewer opens (audit newcomer3)."""
    fmt = _SUFFIXES.get(output.suffix.lower())
    if fmt is None:
        raise InvalidInput(Problem("-o", f"{output.name}: the report is written as .html, .xlsx or .csv",
                                   "name the file e.g. pac-2027-T2.html, pac.xlsx or actions.csv, or give --format; "
                                   "for a PDF, print the HTML page (A4 landscape)"))
    return fmt


@click.command("report")
@click.option("--plan", "plan_ref", metavar="NAME", help="Which configured plan (needed when several are).")
@click.option("--quarter", metavar="2027-Q2",
              help="The quarter's report: a closed quarter as kept at its close (its snapshot, with what "
                   "changed since), else re-evaluated at its end on today's records and plan; now, if it is "
                   "still running. Also T2 2027, Q2.")
@click.option("--restated", is_flag=True,
              help="With --quarter of a closed quarter: re-evaluate it at its end on today's records and plan "
                   "(late entries and plan edits included) instead of showing its kept snapshot. With the "
                   "running quarter it changes nothing (a note on stderr says so).")
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Labels, numbers and dates; default: the plan's.")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="html (default), xlsx (one sheet per view) or csv (action progress); default from -o's suffix.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write, e.g. pac-2027-T2.html.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), envvar="PAC_CONFIG",
              help="Settings file (default: $PAC_CONFIG; else, in a directory where `pac demo` ran and .pac/pac.db "
                   "holds no sync, the demo's .pac/demo.yaml, saying so; else the shipped config/pac.yaml).")
def report(plan_ref: str | None, quarter: str | None, restated: bool, lang: str | None, fmt: str | None, output: Path,
           config_path: Path | None) -> None:
    """Write the quarterly sales-meeting report from the last sync's data.

    \b
    The HTML file is self-contained (no script, no network): attach it to an e-mail, project it,
    print it (A4 landscape). Examples:
      pac report -o pac.html
      pac report --quarter 2027-Q2 --lang en -o q2.html
      pac report --quarter 2027-Q1 --restated -o q1.html   (re-evaluated on today's records)
      pac report --format xlsx -o pac.xlsx      (managers who rework the figures)
      pac report --format csv -o actions.csv    (action progress; ';' in French, ',' in English)
    """
    fmt = fmt or _format_of(output)
    settings, ps, plan = readable_plan(cli_common.settings_named(config_path, read_only=True), plan_ref, "the report")
    plan_ref = ps.key
    require_sync(settings.database(), ps.key, plan.id, config_option=True)
    now = ps.as_of or datetime.now(UTC)
    if restated and quarter is None:
        raise click.UsageError("--restated goes with --quarter (a closed quarter)")
    try:
        as_of = report_instant(plan, quarter, now)
    except InvalidInput:   # none of today's quarters: one kept under the plan's calendar of then is still shown
        if quarter is None or (label := kept_off_calendar(settings, plan_ref, quarter)) is None:
            raise
        if restated:
            raise click.UsageError(f"--restated: {label} is none of the plan's quarters since its calendar changed: "
                                   "today's plan cannot re-evaluate it; its snapshot, kept under the calendar of "
                                   "then, is shown without --restated") from None
        inputs = load_report_inputs(settings, plan_ref, as_of=report_instant(plan, None, now), kept_label=label)
        _write(inputs, fmt, lang, output)
        return
    closed = quarter is not None and as_of < now
    if quarter is not None and (note := calendar_quarter_note(plan, quarter, lang)) is not None:
        click.echo(note, err=True)     # Q3 2027 on a year from April is its Q2: said, not silent (fiscal audit F3)
    if restated and not closed:   # the running quarter: no snapshot kept yet, the report is already today's
        click.echo(f"note: --restated changes nothing: {quarter.strip() if quarter else ''} is still running, so the "
                   "report is already today's evaluation on the current records and plan (a quarter's snapshot is "
                   "kept once it closes)", err=True)
    # no --quarter on a plan that is over: its end, today's re-evaluation of its last quarter, worded as --restated
    # when that quarter's snapshot is kept (audit janmeet F6)
    ended = quarter is None and as_of < now
    inputs = load_report_inputs(settings, plan_ref, as_of=as_of, closed=closed, restated=restated, ended=ended)
    _write(inputs, fmt, lang, output)


def _write(inputs: ReportInputs, fmt: str, lang: str | None, output: Path) -> None:
    """The report in its format, whole or not at all, and its one-line summary."""
    with replaced(output) as new:   # last report whole until this one is (a full disk, a kill mid-write)
        if fmt == "html":
            new.write_text(render_html(inputs, lang), encoding="utf-8")
        elif fmt == "xlsx":
            write_xlsx(inputs, new, lang)
        else:
            write_actions_csv(inputs, new, lang)
    size = output.stat().st_size
    click.echo(f"{output}: {fmt}, {lang or inputs.plan.language}, {size / 1024:.0f} kB "
               f"({inputs.plan.name}, as of {instant_words(inputs.evaluation.as_of, inputs.plan.timezone)}"
               f"{_basis_words(inputs)})")


def _basis_words(inputs: ReportInputs) -> str:
    """What a closed quarter's figures are, said on the command's line as on the page: its kept snapshot or today's
    re-evaluation (both lines read « as of the end of 2027-03-31 » alike before: audit readmewalk)."""
    basis = inputs.basis
    if basis is None:
        return ""
    if basis.kind == "snapshot":
        return ": the quarter as kept at its close, its snapshot"
    return ": re-evaluated on today's records and plan" + ("" if basis.kept else " (no snapshot kept)")
