"""``pac sync``, ``pac status``, ``pac schedule``, ``pac demo``: the nightly job's commands, and how a run is shown.

Settings come from ``PAC_CONFIG`` (default: the shipped ``config/pac.yaml``); the store from
``PAC_DATABASE_URL`` or the settings. Exit codes: ``sync_jobs.exit_codes`` (a run's from its status).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from connectors.base import ConnectorError
from sync_jobs import cli_common, textsafe
from sync_jobs.cli_advice import print_advice_summary
from sync_jobs.demo import DemoViews, run_demo
from sync_jobs.exit_codes import EXIT_CRM, EXIT_LOCKED, EXIT_OK, exit_code_for
from sync_jobs.lock import LockHeld
from sync_jobs.logs import redact
from sync_jobs.notify import after_sync
from sync_jobs.pipeline import RunResult, load_plan_file, run_sync
from sync_jobs.rejections import group_rejections
from sync_jobs.run_views import ProgressView, counts_table
from sync_jobs.scheduler import run_scheduler
from sync_jobs.store import open_store, repo

LONG_VALUE = 80   # characters of a value's repr shown in the dry run's table; longer ones are printed below it


def print_changes(console: Console, changes: dict[str, list[Any]],
                  previous: dict[str, dict[str, dict[str, Any]]] | None = None) -> None:
    """The dry run's exact changes: one line per CRM record and field, with the value last written."""
    table = Table(title="Changes a real run would write (dry run: nothing was written)")
    for col in ("CRM", "record", "field", "last written", "new value"):
        table.add_column(col)
    n = 0
    long: list[str] = []     # long texts (KPI line, advice) in full below the table, one line each, never wrapped
    for connector, items in changes.items():
        for change in items:
            old = (previous or {}).get(connector, {}).get(change.key)
            for field, value in change.fields.items():
                before = "(new record)" if old is None else repr(old.get(field))
                after = repr(value)
                where = f"{connector} {change.target.value} {change.key} {field}"
                if len(before) > LONG_VALUE:
                    long.append(f"{where} last written: {before}")
                    before = "(in full below)"
                if len(after) > LONG_VALUE:
                    long.append(f"{where} new value: {after}")
                    after = "(in full below)"
                table.add_row(connector, f"{change.target.value} {change.key}", field, before, after)
                n += 1
    if n:
        console.print(table)
        for line in long:
            console.print(line, markup=False, highlight=False, soft_wrap=True)
    else:
        console.print("Dry run: nothing to write, the CRMs are up to date.")


REASON_WORDS = {
    "no_account": "no account", "no_owner": "no owner", "no_start": "no date", "unknown_type": "unknown activity type",
    "no_close_date": "won deal with no close date", "no_amount": "won deal with no amount",
    "negative_amount": "negative amount", "unknown_currency": "currency with no exchange rate",
}


def reason_words(head: str) -> str:
    """A rejection's grouping reason for people: the engine's rule codes in words, connector reasons as they are."""
    return REASON_WORDS.get(head, head)


def _examples(group: Any) -> str:
    shown = [f"{crm_id} «{label}»" if label else crm_id for _c, crm_id, label in group.examples]
    more = group.count - len(shown)
    return ", ".join(shown) + (f" (+{more})" if more > 0 else "")


def print_rejection_table(console: Console, groups: Sequence[Any], title: str) -> None:
    """Rejected records grouped by reason: object, reason, count, a few example records (id and name)."""
    table = Table(title=title)
    for col in ("object", "reason", "count", "examples"):
        table.add_column(col, justify="right" if col == "count" else "left")
    for g in groups:
        words = reason_words(g.reason)
        detail = g.sample.split(": ", 1)[1] if g.count == 1 and ": " in g.sample and words != g.sample else ""
        table.add_row(g.object, words + (f" ({detail})" if detail else ""), str(g.count), _examples(g))
    console.print(table)


def new_part(rejected: int, new: int | None) -> str:
    """`` (1 new)`` after a rejection count: the new ones (not rejected for the same reason by the plan's previous
    finished run) make a run partial, the known ones do not. Empty with no rejection, or when ``new`` is None
    (a run that stopped before comparing, or a run logged before pac compared)."""
    return f" ({new} new)" if new is not None and rejected else ""


def print_rejection_summary(console: Console, result: Any) -> None:
    """The end of ``pac sync``: how many records were left out (how many of them new), by object and reason,
    where to see them."""
    if not result.rejections:
        return
    groups = group_rejections(result.rejections, result.labels, examples=2)
    compared = result.status in ("ok", "partial", "dry_run")
    new = len(result.new_rejections) if compared else None
    known = ("; the known ones, rejected for the same reason by the previous run, leave the exit code alone"
             if compared and new != len(result.rejections) else "")
    console.print(f"{len(result.rejections)} rejected{new_part(len(result.rejections), new)}: records counted "
                  f"nowhere (fix them in the CRM; `pac status` lists them{known}):", markup=False)
    for g in groups:
        console.print(f"  {g.object}: {reason_words(g.reason)} x{g.count}, e.g. {_examples(g)}", markup=False)


def print_warning_summary(console: Console, result: Any) -> None:
    """Records counted with a data-quality problem (won deals with no amount: counted as won, worth 0): listed so
    someone fixes them in the CRM; they never make a run partial."""
    if not result.warnings:
        return
    groups = group_rejections(result.warnings, result.labels, examples=3)
    console.print(f"{len(result.warnings)} data-quality warning(s): records counted, but fix them in the CRM "
                  "(`pac explain AXIS` lists them):", markup=False)
    for g in groups:
        console.print(f"  {g.object}: {WARNING_WORDS.get(g.reason, g.reason)} x{g.count}, e.g. {_examples(g)}",
                      markup=False)


WARNING_WORDS = {"no_amount": "won deal with no amount, counted as won and worth 0"}


def print_result(console: Console, result: Any) -> None:
    console.print(counts_table(f"Sync of {result.plan_id}: {result.log_status}", result.counts))
    for name, api in result.api.items():
        left = api.get("remaining")
        console.print(f"API {name}: {api['calls']} calls this run" + (f", {left} left today" if left is not None
                                                                       else ""))
    for error in result.errors[:20]:
        console.print(f"[yellow]![/] {textsafe.markup(error)}", markup=True)
    print_plan_state(console, result)


def print_plan_state(console: Console, result: Any) -> None:
    """The manager-editable values this run changed (from the file or a CRM user), its conflicts, the hand-changed
    PAC fields it restored (``sync_jobs.overrides``)."""
    changed = getattr(result, "state_changes", {}) or {}
    for (_target, key, field), change in sorted(changed.items()):
        console.print(f"plan: {key.split(':', 1)[-1]} {field} = {change.value!r} (from {change.where()})",
                      markup=False)
    for conflict in getattr(result, "conflicts", []) or []:
        console.print(f"[yellow]conflict:[/] {textsafe.markup(conflict)}", markup=True, highlight=False)
    for drift in getattr(result, "drift", []) or []:
        console.print(f"restored: {drift}", markup=False)


@click.command("sync")
@click.option("--plan", "plan_ref", help="Plan name in the settings (default: the only plan).")
@click.option("--dry-run", is_flag=True, help="Print the exact changes per CRM record and field; write nothing.")
@click.option("--full", is_flag=True, help="Read everything (detects records deleted in the CRM).")
@click.option("--wait", type=float, default=0.0, show_default=True,
              help="Seconds to wait if another run of this plan holds the lock (else exit 3).")
@click.option("--as-of", "as_of", callback=cli_common.as_of_option, metavar="DATETIME",
              help="Evaluation date and time with its offset, e.g. 2027-05-20T18:00+02:00; default now.")
def sync_cmd(plan_ref: str | None, dry_run: bool, full: bool, wait: float, as_of: datetime | None) -> None:
    """Pull from the CRMs, evaluate the plan, write back only what changed."""
    console = cli_common.table_console()
    settings = cli_common.settings()
    try:
        with ProgressView(textsafe.console(stderr=True)) as view:
            result = run_sync(plan_ref, settings, dry_run=dry_run, full=full, wait=wait, as_of=as_of,
                              progress=view)
    except LockHeld as exc:
        textsafe.echo(exc, err=True)
        sys.exit(EXIT_LOCKED)
    except ConnectorError as exc:    # raised while building a connector (missing credentials...)
        textsafe.echo(redact(f"cannot connect: {exc}"), err=True)
        sys.exit(EXIT_CRM)
    if dry_run:
        print_changes(console, result.changes, result.previous)
    print_result(console, result)
    print_rejection_summary(console, result)
    print_warning_summary(console, result)
    if not dry_run:   # the nightly run's last step: the digests (notifications.enabled), never failing the run
        after_sync(settings, plan_ref, result.status)
    sys.exit(run_exit_code(result))


@click.command("status")
@click.option("--plan", "plan_ref", help="Only this plan's runs.")
@click.option("--limit", default=10, show_default=True, help="How many runs to list.")
def status_cmd(plan_ref: str | None, limit: int) -> None:
    """Last runs and their figures, watermarks, API quota."""
    settings = cli_common.settings(read_only=True)
    plan_id = None
    if plan_ref:
        plan_id = load_plan_file(settings.plan(plan_ref))[0].id
    engine = open_store(settings.database())
    console = cli_common.table_console()
    runs = repo.runs(engine, plan_id, limit=limit)
    table = Table(title="Last runs")
    for col in ("run", "plan", "started (UTC)", "took", "status", "read", "written", "rejected", "API calls",
                "quota left"):
        table.add_column(col)
    for r in runs:
        took = f"{(r.finished_at - r.started_at).total_seconds():.1f}s" if r.finished_at else "running"
        counts = r.counts or {}
        total = {k: sum(int(c.get(k, 0)) for c in counts.values())
                 for k in ("read", "written", "rejected", "rejected_new")}
        compared = any("rejected_new" in c for c in counts.values())
        calls = ", ".join(f"{n}={a.get('calls', 0)}" for n, a in (r.api or {}).items())
        left = ", ".join(f"{n}={a.get('remaining')}" for n, a in (r.api or {}).items()
                         if a.get("remaining") is not None)
        table.add_row(str(r.id), r.plan_id, f"{r.started_at:%Y-%m-%d %H:%M}", took,
                      r.status + (" (dry)" if r.dry_run else ""), str(total["read"]), str(total["written"]),
                      str(total["rejected"]) + new_part(total["rejected"], total["rejected_new"] if compared
                                                        else None), calls, left or "-")
    console.print(table if runs else "No run yet: try `pac sync` (or `pac demo`).")
    marks = repo.watermarks(engine)
    if marks:
        wt = Table(title="Watermarks (highest change stamp read, per connector and object)")
        for col in ("connector", "object", "watermark (UTC)", "last full read (UTC)"):
            wt.add_column(col)
        for (connector, obj), w in sorted(marks.items()):
            wt.add_row(connector, obj, f"{w.value:%Y-%m-%d %H:%M:%S}" if w.value else "-",
                       f"{w.last_full_at:%Y-%m-%d %H:%M}" if w.last_full_at else "never")
        console.print(wt)
    for plan_key in sorted({r.plan_id for r in runs}):
        latest = repo.latest_plan_version(engine, plan_key)
        if latest is not None:
            console.print(f"Plan {plan_key}: version {latest.version} ({latest.source_path}, "
                          f"imported {latest.imported_at:%Y-%m-%d %H:%M} UTC)", markup=False)
    conflicts = repo.run_conflicts(engine, runs[0].plan_id, runs[0].id) if runs else []
    if conflicts:
        console.print(f"Last run's conflicts on the plan ({len(conflicts)}; the later change won, see "
                      "`pac history KEY`):")
        for c in conflicts:
            console.print(f"  - {c}", markup=False)
    if runs and runs[0].errors:
        console.print(f"Last run's problems ({len(runs[0].errors)}):")
        for e in runs[0].errors[:10]:
            console.print(f"  - {e}", markup=False)
    warned = sum(int(c.get("warnings", 0)) for c in (runs[0].counts or {}).values()) if runs else 0
    if warned:
        console.print(f"Last run's data-quality warnings: {warned} won deal(s) with no amount, counted as won "
                      "and worth 0 (fix the amounts in the CRM; `pac explain AXIS` lists them).", markup=False)
    if runs and runs[0].id is not None:
        groups = repo.rejection_groups(engine, runs[0].id)
        if groups:
            total = sum(g.count for g in groups)
            last = runs[0].counts or {}
            new = (f", {sum(int(c.get('rejected_new', 0)) for c in last.values())} new"
                   if any("rejected_new" in c for c in last.values()) else "")
            print_rejection_table(console, groups, f"Last run's rejected records ({total}{new}, counted "
                                                   "nowhere; fix them in the CRM)")
    if runs:
        print_advice_summary(console, settings, plan_ref, engine)
    engine.dispose()


@click.command("schedule")
@click.option("--jobstore", help="SQLite file of this scheduler's job store (never shared with another one).")
def schedule_cmd(jobstore: str | None) -> None:
    """Run the nightly sync and the monthly/quarterly snapshots on the configured cron (Ctrl-C stops)."""
    run_scheduler(cli_common.settings(), jobstore=jobstore)
    sys.exit(EXIT_OK)


@click.command("demo")
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None, help="Language of the report.")
@click.option("--output", default="out/pac-report.html", show_default=True, help="Where to write the report.")
@click.option("--db", default=".pac/demo.db", show_default=True, help="The demo's SQLite file (recreated).")
def demo_cmd(lang: str | None, output: str, db: str) -> None:
    """The whole nightly job on a local sandbox CRM: seed, sync twice, show progress, write the report."""
    top = click.get_current_context().find_root().params
    verbose = bool(top.get("verbose")) or top.get("log_format") == "json"
    views = DemoViews(lambda: ProgressView(textsafe.console(stderr=True)), counts_table)
    sys.exit(exit_code_for(run_demo(views, lang=lang, output=output, db=db, console=cli_common.table_console(),
                                    verbose=verbose, program=cli_common.program())))


def run_exit_code(result: RunResult) -> int:
    """The exit code of a finished run, from its status (``sync_jobs.exit_codes.exit_code_for``)."""
    return exit_code_for(result.status)
