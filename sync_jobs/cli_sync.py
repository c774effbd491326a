"""``pac sync``, ``pac status``, ``pac schedule``, ``pac demo``: the nightly job's commands.

Settings come from ``PAC_CONFIG`` (default: the shipped ``config/pac.yaml``); the store from
``PAC_DATABASE_URL`` or the settings. Exit codes are those of ``sync_jobs.cli``.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from sync_jobs import textsafe
from sync_jobs.run_status import EXIT_CODES, RunStatus

EXIT_CRM, EXIT_LOCKED, EXIT_OK = (EXIT_CODES[s] for s in (RunStatus.CRM_UNREACHABLE, RunStatus.LOCKED, RunStatus.OK))


def _console() -> Console:
    """Rich output; when piped (no terminal), wide enough for the tables not to wrap every word."""
    console = textsafe.console()
    if not console.is_terminal:
        console = textsafe.console(width=160)
    return console


AS_OF_FORMS = "2027-05-20T18:00+02:00 or 2027-05-20T16:00Z (ISO 8601: date, T, time, timezone offset)"


def _as_of(value: str | datetime | None) -> datetime | None:
    """``--as-of``: a real date and time with its offset, else a usage error (exit 2) giving the accepted form."""
    if not value or isinstance(value, datetime):
        return value or None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        why = "that day does not exist" if "out of range" in str(exc) else "not a date and time"
        raise click.BadParameter(f"{textsafe.clean(value)[:60]!r}: {why}; write it as {AS_OF_FORMS}",
                                 param_hint="--as-of") from None
    if moment.tzinfo is None:
        raise click.BadParameter(f"give a timezone offset; write it as {AS_OF_FORMS}", param_hint="--as-of")
    return moment


def _as_of_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime | None:
    return _as_of(value)


def _settings(*, read_only: bool = False) -> Any:
    """The settings: ``PAC_CONFIG``, else the shipped ``config/pac.yaml``. Read-only commands (status,
    explain), in a directory where ``pac demo`` ran and that has no store of its own, read the demo's."""
    from pac_config.settings import default_settings_path, discover_settings_path, load_settings

    if not read_only:
        return load_settings(os.environ.get("PAC_CONFIG") or default_settings_path())
    path = discover_settings_path()
    if path.name == "demo.yaml" and not os.environ.get("PAC_CONFIG"):
        click.echo(f"(reading the demo's store: {path}; set PAC_CONFIG to read another)", err=True)
    return load_settings(path)


def _program() -> str:
    """How this process was started, for commands printed to be run as is (``.venv/bin/pac`` or ``pac``)."""
    argv0 = sys.argv[0] if sys.argv else ""
    name = os.path.basename(argv0)
    if name == "pac" and os.sep in argv0 and shutil.which("pac") != os.path.abspath(argv0):
        return os.path.relpath(argv0) if not os.path.isabs(argv0) or argv0.startswith(os.getcwd()) else argv0
    return "pac"


def _log_format() -> str:
    ctx = click.get_current_context(silent=True)
    return str(ctx.find_root().params.get("log_format") or "text") if ctx is not None else "text"


class ProgressView:
    """Rich progress bars fed by the pipeline's progress callback (one bar per connector and phase).

    Shown only on a terminal and never under ``--log-format json`` (a log collector reads stderr): otherwise
    the view is a silent no-op, so stderr holds nothing but log lines."""

    def __init__(self, console: Console, *, enabled: bool | None = None) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.enabled = (console.is_terminal and _log_format() != "json") if enabled is None else enabled
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=console, transient=True)
        self.tasks: dict[tuple[str, str], Any] = {}

    def __enter__(self) -> ProgressView:
        if self.enabled:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.progress.stop()

    def __call__(self, phase: str, *, connector: str, done: int, total: int | None = None, object: str = "",
                 finished: bool = False) -> None:
        if not self.enabled:
            return
        key = (connector, f"{phase}:{object}" if phase == "pull" else phase)
        label = f"{'reading' if phase == 'pull' else 'writing'} {connector} {object}".strip()
        if key not in self.tasks:
            self.tasks[key] = self.progress.add_task(label, total=total)
        task = self.tasks[key]
        self.progress.update(task, completed=done, total=done if finished else total)


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


def group_rejections(rejections: Sequence[Any], labels: Mapping[tuple[str, str, str], str] | None = None,
                     examples: int = 3) -> list[Any]:
    """A run's rejections (``Rejected``) grouped as ``repo.rejection_groups`` groups the stored ones."""
    from sync_jobs.store.repo import RejectionGroup, reason_head

    groups: dict[tuple[str, str], list[Any]] = {}
    for r in rejections:
        group = groups.setdefault((r.object, reason_head(r.reason)), [0, r.reason, []])
        group[0] += 1
        if len(group[2]) < examples:
            group[2].append((r.source, r.id, (labels or {}).get((r.source, r.object, r.id), "")))
    out = [RejectionGroup(obj, head, n, sample, tuple(ex)) for (obj, head), (n, sample, ex) in groups.items()]
    return sorted(out, key=lambda g: (-g.count, g.object, g.reason))


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


def counts_table(title: str, counts: dict[str, dict[str, int]]) -> Table:
    """A run's figures per object: read, rejected, deleted, written, failed."""
    figures = ("read", "rejected", "warnings", "deleted", "written", "failed")
    figures = tuple(f for f in figures if f != "warnings" or any(c.get("warnings") for c in counts.values()))
    table = Table(title=title)
    table.add_column("object")
    for col in figures:
        table.add_column(col, justify="right")
    for obj, c in sorted(counts.items()):
        table.add_row(obj, *(str(c.get(k, "")) for k in figures))
    return table


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


NEAR = timedelta(days=31)


def rejected_candidates(plan: Any, records: Any, evaluation: Any, action_id: str) -> list[tuple[Any, Any]]:
    """The activities the engine set aside that would otherwise be candidates for the action: same owner (by
    user e-mail, or an owner given as an e-mail), same or unknown type, starting in the window or near it: within
    the window's length or a month (``NEAR``), whichever is longer (a rep asking "why not my visit?" sees
    "no account"); records with no date at all are listed too. In time order."""
    action = plan.action(action_id)
    who = action.who.strip().lower()
    emails = {(u.source, u.id): (u.email or "").strip().lower() for u in records.users}
    window = action.window
    slack = max(window.end - window.start, NEAR)
    by_key = {(a.source, a.id): a for a in records.activities}
    out = []
    for d in evaluation.rejected:
        activity = by_key.get((d.source, d.record_id))
        if activity is None or activity.deleted:
            continue
        owner = (activity.owner_id or "").strip().lower()
        if emails.get((activity.source, activity.owner_id or "")) != who and owner != who:
            continue
        if activity.type is not None and activity.type is not action.activity_type:
            continue
        start = activity.start
        if start is None and activity.day is not None:
            from datetime import time as day_time
            from zoneinfo import ZoneInfo

            start = datetime.combine(activity.day, day_time(), ZoneInfo(plan.timezone))
        if start is not None and start.tzinfo is not None and not window.start - slack <= start <= window.end + slack:
            continue
        out.append((activity, d))
    seen: set[tuple[str, str]] = set()
    unique = [(a, d) for a, d in out if (a.source, a.id) not in seen and not seen.add((a.source, a.id))]
    return sorted(unique, key=lambda p: str(p[0].start or p[0].day or ""))


def register(group: click.Group) -> None:
    """Add sync, status, schedule and demo to ``pac`` (explain: ``sync_jobs.cli_explain``)."""

    @group.command("sync")
    @click.option("--plan", "plan_ref", help="Plan name in the settings (default: the only plan).")
    @click.option("--dry-run", is_flag=True, help="Print the exact changes per CRM record and field; write nothing.")
    @click.option("--full", is_flag=True, help="Read everything (detects records deleted in the CRM).")
    @click.option("--wait", type=float, default=0.0, show_default=True,
                  help="Seconds to wait if another run of this plan holds the lock (else exit 3).")
    @click.option("--as-of", "as_of", callback=_as_of_option, metavar="DATETIME",
                  help="Evaluation date and time with its offset, e.g. 2027-05-20T18:00+02:00; default now.")
    def sync_cmd(plan_ref: str | None, dry_run: bool, full: bool, wait: float, as_of: datetime | None) -> None:
        """Pull from the CRMs, evaluate the plan, write back only what changed."""
        from connectors.base import ConnectorError
        from sync_jobs.lock import LockHeld
        from sync_jobs.pipeline import run_sync

        console = _console()
        settings = _settings()
        try:
            with ProgressView(textsafe.console(stderr=True)) as view:
                result = run_sync(plan_ref, settings, dry_run=dry_run, full=full, wait=wait, as_of=as_of,
                                  progress=view)
        except LockHeld as exc:
            textsafe.echo(exc, err=True)
            sys.exit(EXIT_LOCKED)
        except ConnectorError as exc:    # raised while building a connector (missing credentials...)
            from sync_jobs.logs import redact

            textsafe.echo(redact(f"cannot connect: {exc}"), err=True)
            sys.exit(EXIT_CRM)
        if dry_run:
            print_changes(console, result.changes, result.previous)
        print_result(console, result)
        print_rejection_summary(console, result)
        print_warning_summary(console, result)
        if not dry_run:   # the nightly run's last step: the digests (notifications.enabled), never failing the run
            from sync_jobs.notify import after_sync

            after_sync(settings, plan_ref, result.status)
        sys.exit(EXIT_CODES[result.status])

    @group.command("status")
    @click.option("--plan", "plan_ref", help="Only this plan's runs.")
    @click.option("--limit", default=10, show_default=True, help="How many runs to list.")
    def status_cmd(plan_ref: str | None, limit: int) -> None:
        """Last runs and their figures, watermarks, API quota."""
        from sync_jobs.store import open_store, repo

        settings = _settings(read_only=True)
        plan_id = None
        if plan_ref:
            from sync_jobs.pipeline import load_plan_file

            plan_id = load_plan_file(settings.plan(plan_ref))[0].id
        engine = open_store(settings.database())
        console = _console()
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
            from sync_jobs.cli_advice import print_advice_summary

            print_advice_summary(console, settings, plan_ref, engine)
        engine.dispose()

    @group.command("schedule")
    @click.option("--jobstore", help="SQLite file of this scheduler's job store (never shared with another one).")
    def schedule_cmd(jobstore: str | None) -> None:
        """Run the nightly sync and the monthly/quarterly snapshots on the configured cron (Ctrl-C stops)."""
        from sync_jobs.scheduler import run_scheduler

        run_scheduler(_settings(), jobstore=jobstore)
        sys.exit(EXIT_OK)

    @group.command("demo")
    @click.option("--lang", type=click.Choice(["fr", "en"]), default=None, help="Language of the report.")
    @click.option("--output", default="out/pac-report.html", show_default=True, help="Where to write the report.")
    @click.option("--db", default=".pac/demo.db", show_default=True, help="The demo's SQLite file (recreated).")
    def demo_cmd(lang: str | None, output: str, db: str) -> None:
        """The whole nightly job on a local sandbox CRM: seed, sync twice, show progress, write the report."""
        from sync_jobs.demo import DemoViews, run_demo

        top = click.get_current_context().find_root().params
        verbose = bool(top.get("verbose")) or top.get("log_format") == "json"
        views = DemoViews(lambda: ProgressView(textsafe.console(stderr=True)), counts_table)
        sys.exit(EXIT_CODES[run_demo(views, lang=lang, output=output, db=db, console=_console(), verbose=verbose,
                                     program=_program())])
