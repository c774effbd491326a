"""``pac demo``: the whole nightly job on a local sandbox CRM (``sync_jobs.demo``), shown as ``pac sync`` shows a
run (``sync_jobs.run_views``). Exit code: ``sync_jobs.exit_codes``, from the last run's status."""

from __future__ import annotations

import sys

import click

from sync_jobs import cli_common, textsafe
from sync_jobs.demo import DemoViews, run_demo
from sync_jobs.exit_codes import exit_code_for
from sync_jobs.run_views import ProgressView, counts_table


@click.command("demo")
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None,
              help="Language of the report and of what the demo prints (default: the report in the plan's language, "
                   "the printed story in English).")
@click.option("--output", default="out/pac-report.html", show_default=True, help="Where to write the report.")
@click.option("--db", default=".pac/demo.db", show_default=True, help="The demo's SQLite file (recreated).")
def demo_cmd(lang: str | None, output: str, db: str) -> None:
    """The whole nightly job on a local sandbox CRM: seed, sync twice, show progress, write the report."""
    top = click.get_current_context().find_root().params
    verbose = bool(top.get("verbose")) or top.get("log_format") == "json"
    views = DemoViews(lambda story: ProgressView(textsafe.console(stderr=True), lang=story), counts_table)
    sys.exit(exit_code_for(run_demo(views, lang=lang, output=output, db=db, console=cli_common.table_console(),
                                    verbose=verbose, program=cli_common.program())))
