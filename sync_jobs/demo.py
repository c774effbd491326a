"""``pac demo``: the whole nightly job on the embedded default, on a fresh machine, with no account anywhere.

Starts the sandbox CRM in-process (Salesforce and HubSpot dialects, seeded with the demo organisation of
docs/demo-org.md), loads ``config/plans/example.pac.yaml`` into a fresh SQLite store (``.pac/demo.db``,
recreated each time), runs a full sync as of the demo clock (2027-05-20T18:00 Europe/Paris), prints the
plan's progress, runs a second sync to show it writes nothing, writes the HTML report and says where to
look next. The settings it used are kept in ``.pac/demo.yaml`` so that ``pac explain`` and ``pac status``
read the same store afterwards.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table

from sync_jobs.cli import EXIT_OK

DEMO_AS_OF = datetime(2027, 5, 20, 18, 0, tzinfo=ZoneInfo("Europe/Paris"))


def write_demo_settings(db: Path | str, where: Path) -> Path:
    """A settings file for the demo store (a SQLite path or any URL): the shipped connectors and plan,
    absolute paths, the demo clock."""
    from pac_config.settings import default_settings_path, load_settings

    shipped = load_settings(default_settings_path(), env={})
    url = db if isinstance(db, str) and "://" in db else f"sqlite:///{Path(db).resolve()}"
    lines = [f"database_url: '{url}'", "connectors:"]
    for c in shipped.connectors:
        lines.append(f"  - {{name: {c.name}, crm: {c.crm}, mapping: '{c.mapping}', env_prefix: {c.prefix}, "
                     f"max_daily_share: {c.max_daily_share}, reconciliation_days: {c.reconciliation_days}}}")
    lines.append("plans:")
    for p in shipped.plans:
        lines.append(f"  - {{name: {p.key}, file: '{p.file}', connectors: [{', '.join(p.connectors)}], "
                     f"as_of: '{DEMO_AS_OF.isoformat()}'}}")
    engine = shipped.engine
    lines.append("engine:")
    lines.append("  fx_rates: {" + ", ".join(f"{k}: {v}" for k, v in engine.fx_rates.items()) + "}")
    where.parent.mkdir(parents=True, exist_ok=True)
    header = "# written by `pac demo`: the demo's store and clock\n"
    where.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    return where


def _fresh(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def run_demo(*, lang: str | None = None, output: str = "out/pac-report.html", db: str = ".pac/demo.db",
             console: Console | None = None) -> int:
    """Run the demo; returns the exit code of the first sync (0, or 1 when the demo's awkward records
    were rejected, which is expected: they are there to be reported)."""
    from connectors.sandbox.run import sandbox_env, start_sandbox
    from pac_config.settings import load_settings
    from sync_jobs.cli_sync import ProgressView, print_result
    from sync_jobs.factory import build_connectors
    from sync_jobs.pipeline import run_sync

    console = console or Console()
    started = time.monotonic()
    db_path = Path(db)
    _fresh(db_path)
    settings_path = write_demo_settings(db_path, db_path.with_suffix(".yaml"))
    settings = load_settings(settings_path, env={})
    ps = settings.plan(None)
    console.print(f"[bold]pac demo[/]: sandbox CRM on this machine, demo clock {DEMO_AS_OF:%Y-%m-%d %H:%M} "
                  f"{DEMO_AS_OF.tzname()} (Europe/Paris)", markup=True)
    with start_sandbox() as server:
        env = sandbox_env(server)
        console.print(f"Sandbox CRM listening on {server.base_url} (Salesforce + HubSpot dialects, seeded).")
        connectors = build_connectors(settings, ps.connectors, env)
        for connector in connectors.values():   # the PAC objects and fields, as `pac crm provision` does
            done = connector.provision_schema()
            if done:
                console.print(f"Provisioned in {connector.name}: {len(done)} PAC objects and fields.")
        try:
            with ProgressView(Console(stderr=True)) as view:
                first = run_sync(ps.key, settings, connectors=connectors, full=True, progress=view)
        finally:
            for c in connectors.values():
                c.close()
        print_result(console, first)
        if first.evaluation is not None and first.plan is not None:
            print_progress(console, first.plan, first.evaluation)
        server.reset_counts()
        connectors = build_connectors(settings, ps.connectors, env)
        try:
            second = run_sync(ps.key, settings, connectors=connectors)
        finally:
            for c in connectors.values():
                c.close()
        calls = dict(server.calls)
        reads = sum(1 for _api, method, path in server.log if method in ("GET", "POST") and _is_read(path))
    objects = 5 * len(ps.connectors)
    pages = "at most one page per object" if reads <= objects else f"{objects} objects"
    console.print(f"Second sync (nothing changed in the CRMs): wrote {second.written} records, "
                  f"{sum(calls.values())} API calls ({', '.join(f'{k} {v}' for k, v in calls.items())}; "
                  f"{reads} read requests, {pages}).")
    report = _report(settings, ps.key, lang, Path(output), console)
    took = time.monotonic() - started
    console.print(f"\nDone in {took:.1f}s. Where to look next:")
    prefix = f"PAC_CONFIG={settings_path}"
    console.print(f"  {prefix} pac explain A-01     which visits counted for A-01, and why the others did not",
                  markup=False)
    console.print(f"  {prefix} pac status           runs, watermarks, API calls", markup=False)
    if report:
        console.print(f"  {report}   the quarterly sales-meeting report (open it in a browser)", markup=False)
    return first.exit_code if first.exit_code not in (EXIT_OK, 1) else EXIT_OK


def _is_read(path: str) -> bool:
    return "/query" in path or path.endswith("/search") or "/batch/read" in path or "/objects/" in path


def _report(settings: Any, plan: str, lang: str | None, output: Path, console: Console) -> Path | None:
    try:
        from sync_jobs.report import render_html
    except ImportError:
        console.print("(the HTML report module is not installed in this tree yet)")
        return None
    from sync_jobs.app import load_report_inputs

    inputs = load_report_inputs(settings, plan)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_html(inputs, lang or inputs.plan.language), encoding="utf-8")
    return output


def print_progress(console: Console, plan: Any, evaluation: Any) -> None:
    """The plan's progress as two Rich tables: actions (who, what, when, done/target, pace), axes."""
    people = {p.email: p.name or p.email for p in plan.people}
    actions = Table(title=f"{plan.name}: actions as of {evaluation.as_of:%Y-%m-%d %H:%M}")
    for col in ("action", "who", "what", "when", "done / target", "pace"):
        actions.add_column(col)
    for action in plan.actions:
        p = evaluation.action(action.id)
        actions.add_row(action.id, people.get(action.who, action.who), action.text[:60],
                        action.window.label or f"{action.window.start:%Y-%m-%d}", f"{p.done} / {p.target}",
                        p.pace.value)
    console.print(actions)
    axes = Table(title="Development axes: additional revenue vs objective, ROI")
    for col in ("axis", "status", "additional revenue", "objective", "progress", "ROI", "pace"):
        axes.add_column(col)
    for axis in plan.axes:
        p = evaluation.axis(axis.id)
        axes.add_row(f"{axis.id} {axis.name}"[:50], axis.status.state.value, f"{p.additional:,.0f}",
                     f"{p.objective:,.0f}" if p.objective is not None else "-",
                     f"{p.progress * 100:.0f} %" if p.progress is not None else "-",
                     f"{p.roi:.2f}" if p.roi is not None else "-", p.pace.value)
    console.print(axes)
