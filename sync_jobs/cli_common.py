"""What several commands share: the settings they read, ``--as-of``, how ``pac`` was started, the log format, the
console the nightly job's commands print tables with."""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Callable
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import click

from pac_config.planfile import load_plan
from pac_config.settings import (
    DEMO_SETTINGS,
    PlanSettings,
    Settings,
    default_settings_path,
    discover_settings_path,
    load_settings,
)
from pac_core.errors import InvalidInput
from pac_core.plan import Plan
from pac_core.plan_end import following
from sync_jobs import textsafe

F = TypeVar("F", bound=Callable[..., Any])

# what every --as-of accepts (sync, explain, advice: ``as_of_option``, one parser, audit leftsmall), said in its help
# and in its error
AS_OF_FORMS = ("2027-05-20 (the end of that day in the plan's timezone), 2027-05-20T18:00 (in the plan's timezone) "
               "or 2027-05-20T18:00+02:00 / 2027-05-20T16:00Z (ISO 8601, with its offset)")
# the default: the plan's ``as_of`` in the settings (the demo's and the sandbox's 2027-05-20 18:00), else now; it
# read « default: now » (audit readmewalk)
AS_OF_HELP = (f"Evaluation date and time: {AS_OF_FORMS}; default: the plan's as_of in the settings when set, "
              "else now.")
PIPED_WIDTH = 160   # the tables' width when the output is not a terminal: one line per row


def table_console() -> textsafe.SafeConsole:
    """The invocation's console, laid out for tables: when piped (no terminal), wide enough for the tables not to
    wrap every word."""
    return textsafe.console(piped_width=PIPED_WIDTH)


def as_of(value: str | datetime | None, zone: str | None = None) -> datetime | None:
    """``--as-of``: a real date and time with its offset, else a usage error (exit 2) giving the accepted form.

    With ``zone`` (the plan's timezone, for the commands that read one plan: explain, advice) a date and time
    without an offset is that wall time in the plan's zone (``2027-11-07T12:00`` in Chicago is -06:00), and a bare
    date the end of that day there (``2027-03-14``: 14 March counted in full): a Chicago manager need not know
    whether the day is -05:00 or -06:00 (usplan audit, minor list)."""
    if not value or isinstance(value, datetime):
        return value or None
    text = value.strip()
    moment = _parsed(text, value)
    if moment.tzinfo is None and zone is not None:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return datetime.combine(moment.date() + timedelta(days=1), time(), ZoneInfo(zone))
        return moment.replace(tzinfo=ZoneInfo(zone))
    if moment.tzinfo is None:
        raise click.BadParameter("the plan's timezone is not known here (its file does not load): give the offset, "
                                 "as in 2027-05-20T18:00+02:00 or 2027-05-20T16:00Z", param_hint="--as-of")
    return moment


def _parsed(text: str, value: str) -> datetime:
    """``text`` (``value`` stripped) read as ISO 8601, else a usage error (exit 2) naming the accepted forms."""
    try:
        return datetime.fromisoformat(text)
    except ValueError as exc:
        why = "that day does not exist" if "out of range" in str(exc) else "not a date and time"
        raise click.BadParameter(f"{textsafe.clean(value)[:60]!r}: {why}; write it as {AS_OF_FORMS}",
                                 param_hint="--as-of") from None


def as_of_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """``--as-of``'s click callback, the same for every command: the text, refused at once (exit 2, the accepted
    forms named) when it is no date; the command reads it with its plan's timezone (``as_of``)."""
    if not value:
        return None
    _parsed(value.strip(), value)
    return value.strip()


def as_of_flag(command: F) -> F:
    """The ``--as-of`` option of every command that takes one: one parser, one help, one error."""
    return click.option("--as-of", "as_of", callback=as_of_option, metavar="DATETIME", help=AS_OF_HELP)(command)


def plan_zone(settings: Settings, plan_ref: str | None, value: str | None) -> str | None:
    """The timezone ``--as-of`` (``value``) is read in for the plan ``plan_ref`` of ``settings``: None when none is
    needed (no value, or one with its offset) or the plan's file does not load (the offset is then asked for)."""
    if not value or _parsed(value, value).tzinfo is not None:
        return None
    file = settings.plan(plan_ref).file     # several plans and no --plan: refused as the run refuses it
    try:
        return load_plan(file).timezone
    except InvalidInput:
        return None


def settings(*, read_only: bool = False) -> Settings:
    """The settings: ``PAC_CONFIG``, else the shipped ``config/pac.yaml``. Read-only commands (status,
    explain), in a directory where ``pac demo`` ran and that has no store of its own, read the demo's."""
    if not read_only:
        return load_settings(os.environ.get("PAC_CONFIG") or default_settings_path())
    path = discover_settings_path()
    if path.name == "demo.yaml" and not os.environ.get("PAC_CONFIG"):
        click.echo(f"(reading the demo's store: {path}; set PAC_CONFIG to read another)", err=True)
    return load_settings(path)


def settings_named(config_path: Path | None, *, read_only: bool, config_option: bool = True) -> Settings:
    """The settings of a command with a ``--config`` option (click fills it from ``PAC_CONFIG`` too): that file when
    given; else as ``settings`` reads them: a read-only command (report, review, ``notify --dry-run``) falls back to
    the demo's, saying so, and a command that writes to the store (snapshot, notify) never does: it reads the shipped
    settings and, where the demo's would have been read, says how to name them (audit newcomer F6: ``pac snapshot
    --replace`` rewrote the demo's snapshot without a word). ``config_option``: the command has a ``--config``, which
    the hint names; ``pac plan pull`` has none, so its hint names ``PAC_CONFIG`` alone (audit newcomer2)."""
    if config_path is not None:
        return load_settings(config_path)
    if not read_only and (demo := discover_settings_path()) == DEMO_SETTINGS and not os.environ.get("PAC_CONFIG"):
        named = f"--config {demo} or PAC_CONFIG={demo}" if config_option else f"PAC_CONFIG={demo}"
        click.echo(f"(not the demo's store: a command that writes reads the demo's settings only when named: "
                   f"{named})", err=True)
    return settings(read_only=read_only)


def program() -> str:
    """How this process was started, for commands printed to be run as is (``.venv/bin/pac`` or ``pac``)."""
    argv0 = sys.argv[0] if sys.argv else ""
    name = os.path.basename(argv0)
    if name == "pac" and os.sep in argv0 and shutil.which("pac") != os.path.abspath(argv0):
        return os.path.relpath(argv0) if not os.path.isabs(argv0) or argv0.startswith(os.getcwd()) else argv0
    return "pac"


def log_format() -> str:
    """``--log-format`` of this invocation (``text`` outside a command)."""
    ctx = click.get_current_context(silent=True)
    return str(ctx.find_root().params.get("log_format") or "text") if ctx is not None else "text"


def settings_plans(settings: Settings) -> list[tuple[PlanSettings, Plan]]:
    """The plans the settings list (``plans:``) with their entries, each as its file loads; a file that no longer
    loads is left out (its problems are ``pac plan check``'s)."""
    out = []
    for ps in settings.plans:
        try:
            out.append((ps, load_plan(ps.file)))
        except (InvalidInput, OSError):
            continue
    return out


def following_plan(settings: Settings, plan: Plan) -> Plan | None:
    """The plan the settings already hold for the period after ``plan``'s (``pac_core.plan_end.following``): an
    ended plan's line names it instead of asking to write it (audit year-end F6)."""
    return following(plan, (p for _, p in settings_plans(settings)))
