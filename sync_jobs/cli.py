"""The ``pac`` command line. Each area registers its commands from its own module.

Exit codes (for cron and schedulers): 0 ok, 1 the run finished with rejected records or failed
writes (retried next run), 2 bad input or configuration, 3 another run holds the lock,
4 CRM unreachable or credentials refused, 5 API quota guard stopped the run, 6 unexpected error (the store
unreachable, a bug): see the log (one redacted line, a JSON event under ``--log-format json``; the
traceback with ``-v``).
"""

from __future__ import annotations

import sys

import click

from pac_core.errors import InvalidInput
from sync_jobs import textsafe

EXIT_OK, EXIT_PARTIAL, EXIT_BAD_INPUT, EXIT_LOCKED, EXIT_CRM, EXIT_QUOTA = 0, 1, 2, 3, 4, 5
EXIT_INTERNAL = 6          # unexpected error: see the log
_options: dict[str, object] = {"log_format": "text", "verbose": 0}   # the top-level options, for run()


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
                  pac sandbox              that sandbox CRM alone, to try sync/status/explain by hand
    Managers:     pac plan check FILE      validate a plan;  pac plan lint FILE  5Q check
                  pac report -o pac.html   the quarterly sales-meeting report
    Ops:          pac config check FILE    validate a field mapping
                  pac crm check / provision, pac sync, pac status, pac schedule
    """
    from sync_jobs.logs import setup_logging

    ctx.ensure_object(dict)
    ctx.obj["log_format"] = log_format
    _options.update(log_format=log_format, verbose=verbose)
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
    from sync_jobs import (
        cli_advice,
        cli_crm,
        cli_explain,
        cli_lint,
        cli_notify,
        cli_plan,
        cli_report,
        cli_review,
        cli_sandbox,
        cli_snapshot,
        cli_state,
        cli_sync,
    )

    cli_plan.register(plan)
    cli_lint.register(plan)
    cli_crm.register(config, crm)
    cli_sync.register(main)
    cli_report.register(main)
    cli_snapshot.register(main)
    cli_explain.register(main)
    cli_advice.register(main)
    cli_state.register(plan, main)
    cli_review.register(main)
    cli_notify.register(main)
    cli_sandbox.register(main)


_register()


def run() -> None:
    try:
        main(standalone_mode=True)
    except InvalidInput as exc:
        textsafe.echo(exc, err=True)
        sys.exit(EXIT_BAD_INPUT)
    except Exception as exc:
        code = crm_exit_code(exc)
        if code is None:   # anything else: exit 6, never a bare traceback that cron reads as exit 1
            report_internal_error(exc)
            sys.exit(EXIT_INTERNAL)
        from sync_jobs.logs import redact

        textsafe.echo(redact(f"pac: {exc} (exit {code})"), err=True)
        sys.exit(code)


def crm_exit_code(exc: BaseException) -> int | None:
    """The exit code of a CRM error that reached the top of any command: 5 for the quota guard, 3 for a held
    lock, 4 for every other connector error (unreachable, credentials refused, retries given up); None when
    ``exc`` is none of them."""
    from connectors.base import ConnectorError, QuotaExhausted
    from sync_jobs.lock import LockHeld

    if isinstance(exc, QuotaExhausted):
        return EXIT_QUOTA
    if isinstance(exc, LockHeld):
        return EXIT_LOCKED
    if isinstance(exc, ConnectorError):
        return EXIT_CRM
    return None


def report_internal_error(exc: BaseException) -> str:
    """One redacted line on stderr (a JSON event ``internal_error`` under ``--log-format json``), the traceback
    only with ``-v``; returns the line. Database errors name the store and how to check it."""
    import logging
    import re
    import traceback

    from sqlalchemy.exc import SQLAlchemyError

    from sync_jobs.logs import redact
    first = next((line.strip() for line in str(getattr(exc, "orig", None) or exc).splitlines() if line.strip()), "")
    if isinstance(exc, SQLAlchemyError):
        what, fix = (f"the store (database) failed: {type(exc).__name__}: {first}",
                     "check database_url or PAC_DATABASE_URL and that the database is up; the next run resumes")
    else:
        what, fix = f"unexpected error: {type(exc).__name__}: {first}", "run again with -v for the traceback"
    what = re.sub(r"(://[^:/@\s]+:)[^@\s]+@", r"\1***@", what)   # a password inside a database URL
    line = redact(f"pac: {what} ({fix}; exit {EXIT_INTERNAL})")
    if _options.get("log_format") == "json":
        logging.getLogger("pac").error(f"internal_error exit={EXIT_INTERNAL}", extra={"fields": {
            "exit": EXIT_INTERNAL, "error": type(exc).__name__, "message": line}})
    else:
        textsafe.echo(line, err=True)
    if _options.get("verbose"):
        textsafe.echo(redact("".join(traceback.format_exception(exc))), err=True)
    return line
