"""``pac plan lint``: is each statement of a plan an action, an objective or an intention?

Exit codes: 0 every statement is an action, 1 some are objectives or intentions (rewrite them),
2 bad input (file missing or unreadable, invalid YAML, unknown timezone, nothing to lint).
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from rich.table import Table

from pac_config.loader import load_yaml
from pac_config.plan_models import DATE_ORDER_ALIASES, LANGUAGE_ALIASES, normalise_enum
from pac_config.planfile import load_plan
from pac_core.errors import InvalidInput, Problem
from pac_core.linter import (
    FIELD_KEYS,
    LintResult,
    disagreement_warning,
    lint_statement,
    statement_disagreements,
    statement_too_long,
)
from pac_core.periods import cut_note, end_word_note, iso_week_label, parse_period
from pac_core.text import fold_key
from pac_core.window import Window
from sync_jobs import textsafe
from sync_jobs.exit_codes import EXIT_BAD_INPUT, EXIT_OK, EXIT_PARTIAL

DEFAULT_TZ = "Europe/Paris"
KIND_STYLE = {"action": "green", "objective": "yellow", "intention": "red"}
# Above this many statements the table lists only those with something to fix (a 1,200-action plan made a 7,500-line
# table, audit bigplan); --all lists them all, --format json always does.
TABLE_ALL_UP_TO = 50


@dataclass(frozen=True)
class Statement:
    """One statement to lint, with where it comes from and, for plan actions, its structured fields."""

    text: str
    line: int | None = None
    id: str | None = None
    who: str | None = None
    info_needed: str | None = None
    info_source: str | None = None
    when: str | None = None            # a plan action's when: (the window counted), as written


@dataclass(frozen=True)
class Source:
    statements: list[Statement]
    year: int | None = None
    tz: str | None = None
    people: tuple[str, ...] = ()
    period: str | None = None          # the plan's period as written (a fiscal year...)
    language: str = "fr"               # the plan's language (the notes of weeks cut to the plan's period)
    plan: bool = False                 # a plan file (its period, written or its year, places the windows)
    date_order: str | None = None      # the plan's date_order (mdy: its numeric dates are month/day)


def _fail(message: str, fix: str = "") -> None:
    textsafe.echo(f"pac plan lint: {message}" + (f" ({fix})" if fix else ""), err=True)
    sys.exit(EXIT_BAD_INPUT)


def _text_statements(text: str) -> Iterator[Statement]:
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            yield Statement(stripped, line=number)


def _read_text(file: str) -> str:
    if file == "-":
        return sys.stdin.read()
    path = Path(file)
    if not path.exists():
        _fail(f"{file}: no such file", "give a text file with one statement per line, a plan .yaml, or - for stdin")
    if path.is_dir():
        _fail(f"{file} is a directory", "give a file")
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        _fail(f"{file} is a spreadsheet", f"turn it into a plan with: pac plan import {file}, then lint the .yaml")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        _fail(f"{file} is not UTF-8 text", "save it as UTF-8 (in Excel: 'CSV UTF-8' or 'Unicode text')")
    except OSError as exc:
        _fail(f"cannot read {file}: {exc.strerror}")
    raise AssertionError("unreachable")


def _plan_source(file: str, text: str) -> Source:
    """Statements of a plan file: each action's ``text``, with its id, who and info."""
    doc = load_yaml(file, text)
    data = doc.data
    if not isinstance(data, dict):
        raise InvalidInput(Problem("", "a plan file is a mapping with plan:, people:, actions:...",
                                   "see config/plans/example.pac.yaml", file=file, line=1))
    plan = data.get("plan")
    header: dict[str, Any] = plan if isinstance(plan, dict) else {}
    year = header.get("year", data.get("year"))
    tz = header.get("timezone", data.get("timezone"))
    problems: list[Problem] = []
    if year is not None and not (isinstance(year, int) and 1900 <= year <= 2199):
        problems.append(doc.problem(("plan", "year") if "year" in header else ("year",),
                                    f"year {year!r} is not a year", "write e.g. year: 2027"))
        year = None
    actions = data.get("actions")
    if not isinstance(actions, list):
        problems.append(doc.problem(("actions",), "no list of actions to lint",
                                    "add actions: [{id: A-01, text: 'Visiter 5 clients dormants du 69 en semaine 18', "
                                    "...}]"))
        actions = []
    statements: list[Statement] = []
    for i, action in enumerate(actions):
        if not isinstance(action, dict) or not str(action.get("text") or "").strip():
            problems.append(doc.problem(("actions", i), "this action has no text to lint",
                                        "add text: the statement as written, "
                                        "e.g. 'Appeler 10 clients avant le 30 avril'"))
            continue
        given = action.get("info")
        info: dict[str, Any] = given if isinstance(given, dict) else {}
        statements.append(Statement(
            str(action["text"]).strip(), line=doc.line(("actions", i, "text")),
            id=str(action["id"]) if action.get("id") is not None else f"actions[{i}]",
            who=str(action["who"]) if action.get("who") else None,
            info_needed=str(info.get("needed") or "") or None, info_source=str(info.get("from") or "") or None,
            when=str(action["when"]) if action.get("when") not in (None, "") else None))
    if problems:
        raise InvalidInput(problems)
    people: list[str] = []
    for person in data.get("people") or []:
        if isinstance(person, dict):
            people.extend(str(person[k]) for k in ("name", "email") if person.get(k))
    period = header.get("period")
    written = fold_key(str(header.get("language") or "")).replace("_", " ")   # as the plan loader reads it
    language = "en" if written == "en" or written in LANGUAGE_ALIASES["en"] else "fr"
    date_order = None      # as the plan loader reads it; a wrong one is pac plan check's to say (day/month here)
    if header.get("date_order"):
        with contextlib.suppress(ValueError):
            date_order = normalise_enum(DATE_ORDER_ALIASES, "date order", header["date_order"])
    return Source(statements, year=year, tz=str(tz) if tz else None, people=tuple(people),
                  period=str(period) if period else None, language=language, plan=True, date_order=date_order)


def _load(file: str) -> Source:
    text = _read_text(file)
    if file != "-" and Path(file).suffix.lower() in (".yaml", ".yml"):
        return _plan_source(file, text)
    return Source(list(_text_statements(text)))


def _summary(results: list[LintResult]) -> str:
    counts = Counter(r.kind for r in results)

    def n(kind: str) -> str:
        k = counts.get(kind, 0)
        return f"{k} {kind}{'s' if k != 1 else ''}"
    line = f"{n('action')}, {n('objective')}, {n('intention')}"
    others = counts.get("objective", 0) + counts.get("intention", 0)
    if others:
        line += f": rewrite {'that one' if others == 1 else f'those {others}'} with who/what/when"
    else:
        line += ": every statement is an action"
    return line


def _shown(window: dict[str, str], language: str = "fr") -> str:
    start, end = datetime.fromisoformat(window["start"]), datetime.fromisoformat(window["end"])
    last = (end - timedelta(days=1)).date()     # windows end at midnight after their last day
    return f"{iso_week_label(window['label'], language)} ({start:%Y-%m-%d} to {last:%Y-%m-%d})"


def _differs(said: dict[str, str] | None, counted: dict[str, str] | None, today: date | None) -> bool:
    """The statement's window is not the one counted (a deadline read from --today compares its end only)."""
    if not said or not counted or said["end"] != counted["end"]:
        return bool(said and counted)
    return said["start"] != counted["start"] and not (today and said["start"][:10] == today.isoformat())


def _window_text(result: LintResult, counted: dict[str, str] | None = None, today: date | None = None,
                 language: str = "fr") -> str:
    """The window counted (a plan action's when:) when there is one, else the statement's; both when they differ."""
    window = result.parsed.get("window")
    if counted is None:
        return _shown(window, language) if window else ""
    if window and _differs(window, counted, today):
        return f"{_shown(counted, language)}; statement: {_shown(window, language)}"
    return _shown(counted, language)


def _counted_window(statement: Statement, *, year: int, tz: str, within: Window | None,
                    language: str = "fr", date_order: str | None = None) -> dict[str, str] | None:
    """The window pac counts for a plan action: its when:, read as `pac plan check` reads it (None if unreadable:
    the check says why); ``cut`` says what a week straddling the plan's edge kept (pac_core.periods.cut_note)."""
    if statement.when is None:
        return None
    try:
        window = parse_period(statement.when, year=year, tz=tz, within=within, language=language,
                              date_order=date_order)
    except InvalidInput:
        return None
    out = {"start": window.start.isoformat(), "end": window.end.isoformat(), "label": window.label}
    if (note := cut_note(window, language, tz)) is not None:
        out["cut"] = note
    if (note := end_word_note(window, year=year, tz=tz, within=within, language=language,
                              date_order=date_order)) is not None:
        out["deadline"] = note      # a bare « fin décembre »: a deadline from the plan's start (calendar audit F1)
    return out


def _disagreements(file: str, source: Source, results: list[LintResult], today: date | None
                   ) -> list[list[tuple[str, str, str]]]:
    """Per statement of a plan file, where it says another thing than its action's fields (activity, count,
    window, départements: ``pac_core.linter.statement_disagreements``, the check ``pac plan import`` makes per row).
    Empty lists when the file is no valid plan (``pac plan check`` says why) or not a plan."""
    none: list[list[tuple[str, str, str]]] = [[] for _ in source.statements]
    if not source.plan or file == "-":
        return none
    try:
        plan = load_plan(file)
    except InvalidInput:
        return none
    actions = {a.id: a for a in plan.actions}
    return [statement_disagreements(result, actions[s.id], today=today) if s.id in actions else []
            for s, result in zip(source.statements, results, strict=True)]


def _print_table(results: list[LintResult], statements: list[Statement],
                 counted: list[dict[str, str] | None], today: date | None, language: str = "fr",
                 disagree: list[list[tuple[str, str, str]]] | None = None, file: str = "",
                 every: bool = False) -> None:
    console = textsafe.console()
    every = every or len(statements) <= TABLE_ALL_UP_TO
    listed = 0
    with_ids = any(s.id for s in statements)
    table = Table(show_lines=False, header_style="bold")
    table.add_column("id" if with_ids else "line", no_wrap=True)
    table.add_column("statement", ratio=3)
    table.add_column("kind", no_wrap=True)
    table.add_column("missing", ratio=1)
    table.add_column("window", ratio=1)
    for statement, result, window in zip(statements, results, counted, strict=True):
        if not every and result.kind == "action" and not result.missing:
            continue
        listed += 1
        where = statement.id if with_ids else str(statement.line or "")
        table.add_row(where, result.text, textsafe.text(result.kind, style=KIND_STYLE[result.kind]),
                      ", ".join(m.replace("_", " ") for m in result.missing) or "—",
                      _window_text(result, window, today, language))
    if listed:
        console.print(table)
    if listed < len(statements):
        unlisted = len(statements) - listed
        console.print(textsafe.text(f"{unlisted:,} of {len(statements):,} statements are actions with nothing missing: "
                                    "not listed (--all lists every statement)"))
    disagree = disagree or [[] for _ in statements]
    for statement, found in zip(statements, disagree, strict=True):
        if found:        # the fields are what pac counts, the statement what the CRM and the report show
            console.print(textsafe.text(disagreement_warning(f"{file}:{statement.line}", statement.id or "", found),
                                        style="yellow"))
    for statement, result, window, found in zip(statements, results, counted, disagree, strict=True):
        said = result.parsed.get("window")
        if any(key == "when" for key, _, _ in found):
            continue            # said by the warning above
        if window and said and _differs(said, window, today):
            console.print(textsafe.text(f"{statement.id}: the window counted is when: {_shown(window, language)}, "
                                        f"not the statement's {_shown(said, language)} (make the statement and when: "
                                        "say the same)", style="yellow"))
    for statement, window in zip(statements, counted, strict=True):
        for key in ("cut", "deadline"):
            if window and key in window:
                console.print(textsafe.text(f"warning: {statement.id}: {window[key]}", style="yellow"))
    for statement, result in zip(statements, results, strict=True):
        if result.kind == "action":     # an action's count given as a rate ("5 per week"): its target is not that
            where = statement.id or f"line {statement.line}"
            for reason in result.reasons:
                if " is a rate, not a target" in reason or "(numeric dates are day/month)" in reason:
                    console.print(textsafe.text(f"warning: {where}: {reason}", style="yellow"))
        if result.kind != "action":
            where = statement.id or f"line {statement.line}"
            console.print(textsafe.text(f"{where}: {'; '.join(result.reasons)}", style=KIND_STYLE[result.kind]))
    console.print(textsafe.text(_summary(results), style="bold"))


@click.command("lint")
@click.argument("file")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: an array with one object per statement (text, kind, missing, parsed, reasons; id for plans).")
@click.option("--year", type=click.IntRange(1900, 2199), default=None,
              help="Year of periods written without one. Default: the plan's year, else --today's, else this year.")
@click.option("--tz", "tz", default=None, metavar="ZONE",
              help=f"IANA timezone of the windows. Default: the plan's timezone, else {DEFAULT_TZ}.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="Start of deadline windows ('avant le 30/06') and base of 'next week'. Default: start of the year.")
@click.option("--all", "every", is_flag=True,
              help=f"List every statement in the table (above {TABLE_ALL_UP_TO}, only those with something to fix).")
@click.option("--date-order", "date_order", type=click.Choice(["mdy", "dmy"]), default=None,
              help="Numeric dates month/day (mdy: 'by 9/30') or day/month (dmy). Default: the plan's date_order, "
                   "else dmy.")
def lint_command(file: str, fmt: str, year: int | None, tz: str | None, today: datetime | None,
                 every: bool, date_order: str | None) -> None:
    """Classify each statement as an action, an objective or an intention (the 5Q rule).

    FILE is a text file with one statement per line (blank lines and lines starting with # are
    ignored), a plan file (*.yaml, *.yml: each action's text is linted), or - to read stdin.

    \b
    An action has an activity verb, a count or a named account or person, and a time bound:
      "Visiter 5 clients dormants du 69 en semaine 18".
    An objective is a result ("augmenter le CA de 10 %", "visit all dormant customers");
    an intention is neither ("go and meet this CEO").

    \b
    Exit codes: 0 every statement is an action; 1 some are objectives or intentions;
    2 bad input (file missing or unreadable, invalid plan file, unknown timezone).
    """
    try:
        source = _load(file)
    except InvalidInput as exc:
        for problem in exc.problems:
            textsafe.echo(problem, err=True)
        sys.exit(EXIT_BAD_INPUT)
    if not source.statements:
        _fail(f"{file}: no statement to lint", "write one statement per line; lines starting with # are comments")
    too_long = [(s, reason) for s in source.statements if (reason := statement_too_long(s.text))]
    if too_long:
        name = "stdin" if file == "-" else file
        for statement, reason in too_long:
            where = f"{name}:{statement.line}" if statement.line else name
            click.echo(f"{where}{' ' + statement.id if statement.id else ''}: {reason}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    today_date: date | None = today.date() if today else None
    order = date_order or source.date_order
    zone = tz or source.tz or DEFAULT_TZ
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, OSError):   # OSError: a name too long to be a file name
        _fail(f"unknown timezone {zone[:60]!r}", "use an IANA name such as Europe/Paris")
    the_year = year or source.year or (today_date.year if today_date else date.today().year)
    within = None
    if source.plan and not year and (source.period or source.year):
        try:      # a plan without period: is its calendar year, as pac plan check reads it
            within = parse_period(source.period or str(source.year), year=the_year, tz=zone,
                                  date_order=order, plan_period=True)
        except InvalidInput as exc:
            _fail(f"{file}: plan.period: {exc}", "pac plan check says more; write e.g. period: 2027")
    counted = [_counted_window(s, year=the_year, tz=zone, within=within, language=source.language,
                               date_order=order) for s in source.statements]
    results = [lint_statement(s.text, year=the_year, tz=zone, today=today_date, people=source.people, who=s.who,
                              info_needed=s.info_needed, info_source=s.info_source, within=within, when=window,
                              language=source.language if source.plan else None, date_order=order)
               for s, window in zip(source.statements, counted, strict=True)]
    disagree = _disagreements(file, source, results, today_date)
    if fmt == "json":
        out: list[dict[str, Any]] = []
        for statement, result, window, found in zip(source.statements, results, counted, disagree, strict=True):
            item = result.to_json()
            if statement.id:
                item["id"] = statement.id
            item["line"] = statement.line
            if window is not None:
                item["counted_window"] = window     # the action's when:, what pac counts
            if found:
                item["disagreements"] = [{"field": FIELD_KEYS.get(key, key), "statement": said, "value": value}
                                         for key, said, value in found]
            out.append(item)
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        _print_table(results, source.statements, counted, today_date, source.language if source.plan else "fr",
                     disagree, file, every)
    sys.exit(EXIT_OK if all(r.kind == "action" for r in results) else EXIT_PARTIAL)   # 1: findings to act on
