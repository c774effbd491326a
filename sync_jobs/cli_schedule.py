"""``pac schedule``: the nightly sync and the monthly/quarterly snapshots on the configured cron.

The scheduler (``sync_jobs.scheduler``) imports the whole run (pipeline, engine, connectors): it is loaded when the
command runs (``sync_jobs.cli.run_lazily``), so ``pac schedule --help`` stays as light as ``pac --help``.
"""

from __future__ import annotations

import sys

import click

from sync_jobs import cli_common
from sync_jobs.cli import run_lazily
from sync_jobs.exit_codes import EXIT_OK


@click.command("schedule")
@click.option("--jobstore", help="SQLite file of this scheduler's job store (never shared with another one); "
                                  "default: .pac/scheduler-HOST.db.")
def schedule_cmd(jobstore: str | None) -> None:
    """Run the nightly sync and the monthly/quarterly snapshots on the configured cron (Ctrl-C stops).

    Each plan's cron is read in its timezone; snapshots missed while stopped are taken at start. An edited settings
    file (pac.yaml) or plan file is followed within a minute, no restart. Ctrl-C or SIGTERM stops it cleanly (a
    running sync stops at its next check), exit 0. docs/operations.md, "Running it every night".
    """
    run_lazily("sync_jobs.scheduler:run_scheduler", cli_common.settings(), jobstore=jobstore)
    sys.exit(EXIT_OK)
