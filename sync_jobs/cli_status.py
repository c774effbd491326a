"""``pac status``: the last runs and their figures, watermarks, the last run's problems, read from the store (no
CRM call), and the advice (``sync_jobs.cli_advice``, which evaluates the plan: loaded when status runs).

Settings come from ``PAC_CONFIG`` (default: the shipped ``config/pac.yaml``); the store from
``PAC_DATABASE_URL`` or the settings.
"""

from __future__ import annotations

import click
from rich.table import Table

from pac_config.planfile import load_plan
from sync_jobs import cli_common
from sync_jobs.cli import run_lazily
from sync_jobs.run_views import new_part, print_rejection_table
from sync_jobs.store import open_store, repo


@click.command("status")
@click.option("--plan", "plan_ref", help="Only this plan's runs.")
@click.option("--limit", default=10, show_default=True, help="How many runs to list.")
def status_cmd(plan_ref: str | None, limit: int) -> None:
    """Last runs and their figures, watermarks, API quota."""
    settings = cli_common.settings(read_only=True)
    plan_id = None
    if plan_ref:
        plan_id = load_plan(settings.plan(plan_ref).file).id
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
            listed = sum(g.count for g in groups)
            last = runs[0].counts or {}
            new = (f", {sum(int(c.get('rejected_new', 0)) for c in last.values())} new"
                   if any("rejected_new" in c for c in last.values()) else "")
            print_rejection_table(console, groups, f"Last run's rejected records ({listed}{new}, counted "
                                                   "nowhere; fix them in the CRM)")
    if runs:   # the advice evaluates the plan: loaded only now, so that `pac status --help` loads no engine
        run_lazily("sync_jobs.cli_advice:print_advice_summary", console, settings, plan_ref, engine)
    engine.dispose()
