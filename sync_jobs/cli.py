"""The ``pac`` command line: the root group, its subgroups, and where each command lives.

Each command is a module-level ``click.command`` in its ``sync_jobs.cli_*`` module. This module imports none of
them: ``COMMANDS`` maps each command's name to ``"module:attribute"`` and to the first paragraph of its help, and
``LazyGroup`` imports a command's module only when that command runs (or its own ``--help`` is asked), so
``pac --help`` and ``pac plan --help`` list every command without loading the engine, the store or the CRM
clients; each command's module imports only what that command needs (``pac status`` reads the store and imports
no engine). This lazy loading (``_load``) is the one documented exception to the project's top-level imports; the
error reporter (``sync_jobs.cli_errors``) is loaded the same way, once an error reached the top, and so is the
scheduler, once ``pac schedule`` runs (``run_lazily``).

Exit codes: ``sync_jobs.exit_codes`` (0 ok, 1 partial, 2 bad input, 3 locked, 4 CRM, 5 quota, 6 unexpected error:
see the log, one redacted line, a JSON event under ``--log-format json``; the traceback with ``-v``; 130 interrupted
by Ctrl-C or SIGTERM, with one line saying so, instead of click's bare "Aborted!" and exit 1).
"""

from __future__ import annotations

import importlib
import logging
import sys
from typing import Any, NamedTuple

import click

from sync_jobs import interrupts
from sync_jobs.exit_codes import EXIT_INTERRUPTED
from sync_jobs.logs import setup_logging

_options: dict[str, Any] = {"log_format": "text", "verbose": 0}   # the top-level options, for run()'s error line


class Lazy(NamedTuple):
    """A command not imported yet: where it lives (``"module:attribute"``) and the first paragraph of its help
    (what ``--help`` lists; ``tests/unit/test_cli_lazy.py`` checks it is the command's own)."""

    target: str
    summary: str


def _load(target: str) -> Any:
    """The object at ``"module:attribute"``, its module imported now (the CLI's lazy loading)."""
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


def run_lazily(target: str, *args: Any, **kwargs: Any) -> Any:
    """Call the function at ``"module:attribute"``, its module imported now: for a command whose work lives in a
    module that imports the whole run (``pac schedule``: the scheduler), so that its ``--help`` stays light."""
    return _load(target)(*args, **kwargs)


class LazyGroup(click.Group):
    """A group whose commands are imported when one of them is run or its help asked; listing them (``--help``)
    imports nothing."""

    def __init__(self, *args: Any, lazy: dict[str, Lazy] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, Lazy] = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            command = _load(self.lazy[cmd_name].target)
            if not isinstance(command, click.Command):
                raise TypeError(f"{self.lazy[cmd_name].target} is not a click command")
            self.commands[cmd_name] = command
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's listing, with a stand-in carrying the summary for each command not loaded yet: the same short
        help, cut the same way, without importing the command."""
        commands = [(name, self.commands.get(name) or click.Command(name, help=self.lazy[name].summary))
                    for name in self.list_commands(ctx)]
        commands = [(name, cmd) for name, cmd in commands if not cmd.hidden]
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            with formatter.section("Commands"):
                formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in commands])


# what an interrupted command means, for those that keep state: the run closed, what to do
INTERRUPTED_WORDS = {
    "sync": f"the run is closed as interrupted; {interrupts.NOTHING_LOST} (run `pac sync` again)",
}


class RootGroup(LazyGroup):
    """``pac`` itself: a command interrupted by Ctrl-C or SIGTERM (``sync_jobs.interrupts``) ends with one line
    saying so and exit 130 (``EXIT_INTERRUPTED``), not click's bare "Aborted!" and exit 1, the code of a finished
    run with findings."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            raise click.exceptions.Exit(interrupted(exc, ctx.invoked_subcommand)) from exc


def interrupted(exc: BaseException, command: str | None) -> int:
    """Say that ``command`` was interrupted, how, and what it means (one line on stderr; a JSON ``interrupted``
    event under ``--log-format json``); returns ``EXIT_INTERRUPTED``."""
    what = interrupts.interruption(exc)
    words = INTERRUPTED_WORDS.get(command or "", "run it again")
    if command == "sync" and not interrupts.run_opened():   # stopped before its run began: nothing to close
        words = "it stopped before its run began: nothing was sent to a CRM nor stored (run `pac sync` again)"
    line = f"pac: {command or 'command'} interrupted by {what}: {words} (exit {EXIT_INTERRUPTED})"
    if _options.get("log_format") == "json":
        logging.getLogger("pac").warning(f"interrupted exit={EXIT_INTERRUPTED}", extra={"fields": {
            "exit": EXIT_INTERRUPTED, "command": command, "signal": what, "message": line}})
    else:
        click.echo(line, err=True)
    return EXIT_INTERRUPTED


PLAN_COMMANDS = {
    "check": Lazy("sync_jobs.cli_plan:check_command",
                  "Validate a plan file (YAML): shape, periods, scopes and the method's rules."),
    "import": Lazy("sync_jobs.cli_plan:import_command",
                   "Turn a spreadsheet (.xlsx or .csv, one row per action) into a plan file."),
    "lint": Lazy("sync_jobs.cli_lint:lint_command",
                 "Classify each statement as an action, an objective or an intention (the 5Q rule)."),
    "pull": Lazy("sync_jobs.cli_state:pull_command",
                 "Write the CRM edits pac accepted (status, priority, target, due date) into the plan file."),
    "schema": Lazy("sync_jobs.cli_plan:schema_command",
                   "Print the JSON Schema of plan files (for editors):  pac plan schema > config/plan.schema.json"),
}
CONFIG_COMMANDS = {
    "check": Lazy("sync_jobs.cli_crm:config_check",
                  "Validate a field mapping, or the settings file (pac.yaml) with the mappings and plans it "
                  "names: every problem at once, with file, line, key and fix. Without FILE: the settings pac "
                  "sync reads, $PAC_CONFIG, else the shipped config/pac.yaml."),
}
CRM_COMMANDS = {
    "check": Lazy("sync_jobs.cli_crm:crm_check",
                  "Report what each CRM lacks for reading its mapping and writing PAC results."),
    "provision": Lazy("sync_jobs.cli_crm:crm_provision",
                      "Create the PAC objects and fields the CRM lacks (idempotent), then check the CRM again."),
}
COMMANDS = {
    "advice": Lazy("sync_jobs.cli_advice:advice",
                   "The advisor's recommendation per axis, with its evidence and the rules it overruled."),
    "demo": Lazy("sync_jobs.cli_demo:demo_cmd", "The whole nightly job on a local sandbox CRM: seed, sync twice, "
                 "show progress, write the report."),
    "explain": Lazy("sync_jobs.cli_explain:explain_cmd",
                    "Why ID counts what it counts, from the stored records: an action (A-01) lists the activities "
                    "counted and the near misses; an axis (AX-...) lists the won deals counted and left out, with "
                    "amounts, close dates, owners, product lines and reasons, then those of its baseline a year "
                    "earlier."),
    "history": Lazy("sync_jobs.cli_state:history_command", "Who changed an axis or action (KEY: its id, such "
                    "as AX-RA-DORM or A-01), what, when and from where."),
    "notify": Lazy("sync_jobs.cli_notify:notify_cmd",
                   "Send the digests of alerts not yet sent: actions late or done, axes behind, new recommendations, "
                   "rejected records to fix; per person on the channels the settings give them (notifications: "
                   "section)."),
    "report": Lazy("sync_jobs.cli_report:report",
                   "Write the quarterly sales-meeting report from the last sync's data."),
    "review": Lazy("sync_jobs.cli_review:review", "Write the monthly action review from the last sync's data."),
    "sandbox": Lazy("sync_jobs.cli_sandbox:sandbox_cmd", "Start the sandbox CRM (Salesforce + HubSpot, demo data) and "
                    "print the settings to use it by hand."),
    "schedule": Lazy("sync_jobs.cli_schedule:schedule_cmd", "Run the nightly sync and the monthly/quarterly "
                     "snapshots on the configured cron (Ctrl-C stops)."),
    "snapshot": Lazy("sync_jobs.cli_snapshot:snapshot", "Keep a closed month's or quarter's figures (the plan at "
                     "its end) for the report's trends."),
    "status": Lazy("sync_jobs.cli_status:status_cmd", "Last runs and their figures, watermarks, API quota."),
    "sync": Lazy("sync_jobs.cli_sync:sync_cmd", "Pull from the CRMs, evaluate the plan, write back only what changed."),
}


@click.group(cls=RootGroup, lazy=COMMANDS,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: one JSON object per log line, for log collectors.")
@click.option("-v", "--verbose", count=True, help="More log lines (-vv for debug).")
@click.version_option(package_name="pac")
@click.pass_context
def main(ctx: click.Context, log_format: str, verbose: int) -> None:
    """pac keeps your Commercial Action Plan (PAC) alive from the visit reports and won deals
    your reps already enter in Salesforce or HubSpot.

    \b
    Start here:   pac demo                 the whole nightly job on a local sandbox CRM
                  pac sandbox              that sandbox CRM alone, to try sync/status/explain by hand
    Managers:     pac plan check FILE      validate a plan;  pac plan lint FILE  5Q check
                  pac report -o pac.html   the quarterly sales-meeting report
    Ops:          pac config check FILE    validate a field mapping, or pac.yaml and all it names
                  pac crm check / provision, pac sync, pac status, pac schedule
    """
    ctx.ensure_object(dict)
    ctx.obj["log_format"] = log_format
    _options.update(log_format=log_format, verbose=verbose)
    setup_logging(log_format, verbose)


@main.group(cls=LazyGroup, lazy=PLAN_COMMANDS)
def plan() -> None:
    """Write and check plans: check, lint, import a spreadsheet, pull CRM edits, schema."""


@main.group(cls=LazyGroup, lazy=CONFIG_COMMANDS)
def config() -> None:
    """Field mappings and settings: check them offline or against the CRM."""


@main.group(cls=LazyGroup, lazy=CRM_COMMANDS)
def crm() -> None:
    """The CRM side: check and provision PAC objects and fields."""


def run() -> None:
    """The ``pac`` entry point: an error that reaches the top becomes one line and its exit code
    (``sync_jobs.cli_errors``), never a bare traceback that cron reads as exit 1. SIGTERM takes the path of Ctrl-C
    (``sync_jobs.interrupts``): a run being synced is closed as interrupted, never left ``running``."""
    interrupts.install()
    try:
        main(standalone_mode=True)
    except Exception as exc:
        sys.exit(_load("sync_jobs.cli_errors:exit_code_of")(exc, **_options))
