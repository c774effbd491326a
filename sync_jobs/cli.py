"""The ``pac`` command line. Each area registers its commands from its own module.

Exit codes (for cron and schedulers): 0 ok, 1 the run finished with rejected records or failed
writes (retried next run), 2 bad input or configuration, 3 another run holds the lock,
4 CRM unreachable or credentials refused, 5 API quota guard stopped the run.
"""

from __future__ import annotations

import sys

import click

from pac_core.errors import InvalidInput

EXIT_OK, EXIT_PARTIAL, EXIT_BAD_INPUT, EXIT_LOCKED, EXIT_CRM, EXIT_QUOTA = 0, 1, 2, 3, 4, 5


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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
    Managers:     pac plan check FILE      validate a plan;  pac plan lint FILE  5Q check
                  pac report -o pac.html   the quarterly sales-meeting report
    Ops:          pac config check FILE    validate a field mapping
                  pac crm check / provision, pac sync, pac status, pac schedule
    """
    from sync_jobs.logs import setup_logging

    ctx.ensure_object(dict)
    ctx.obj["log_format"] = log_format
    setup_logging(log_format, verbose)


@main.group()
def plan() -> None:
    """Write and check plans: check, lint, import from a spreadsheet."""


@main.group()
def config() -> None:
    """Field mappings and settings: check them offline or against the CRM."""


@main.group()
def crm() -> None:
    """The CRM side: check and provision PAC objects and fields."""


def _register() -> None:
    from sync_jobs import cli_crm, cli_lint, cli_plan, cli_report, cli_sync

    cli_plan.register(plan)
    cli_lint.register(plan)
    cli_crm.register(config, crm)
    cli_sync.register(main)
    cli_report.register(main)


_register()


def run() -> None:
    try:
        main(standalone_mode=True)
    except InvalidInput as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_BAD_INPUT)
