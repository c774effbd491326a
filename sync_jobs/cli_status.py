"""``pac status``: the last runs and their figures, watermarks, the last run's problems, and the advice the last
evaluating run kept, all read from the store (no CRM call, no evaluation: the engine is not even imported).

Settings come from ``PAC_CONFIG`` (default: the shipped ``config/pac.yaml``); the store from
``PAC_DATABASE_URL`` or the settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine

from pac_config.planfile import load_plan
from pac_core.errors import InvalidInput
from pac_core.plan import Plan
from pac_core.plan_end import following, period_line, quiet_line
from pac_core.results import Recommendation
from pac_core.snapshots import recommendations_from_payload
from sync_jobs import cli_common
from sync_jobs.failed_plan import failed_plan_id
from sync_jobs.interrupts import ABANDONED_HEAD
from sync_jobs.lock import lock_held
from sync_jobs.run_views import new_part, print_rejection_table
from sync_jobs.schedule_end import schedule_line
from sync_jobs.store import open_store, repo
from sync_jobs.store.db import shown_url
from sync_jobs.store.tables import Run

NO_ADVICE = {"fr": "Aucune recommandation : chaque axe est dans les seuils fixés.",
             "en": "No recommendation: every axis is within its thresholds."}
"""What the advice says when no axis has a recommendation, in the plan's language (``pac advice`` too)."""
ADVICE_LATER = ("Advice: kept with each run from this version of pac on; it appears after the next sync "
                "(`pac advice` evaluates it now).")


@dataclass(frozen=True)
class RunAdvice:
    """The advice one run kept (``sync_jobs.run_advice``): the plan's name and language then, the evaluation's
    instant, the recommendations, and the words of their rules in that language."""

    run_id: int
    plan_name: str
    language: str
    as_of: datetime
    recommendations: tuple[Recommendation, ...]
    labels: Mapping[str, str]

    def label(self, rule: str) -> str:
        return self.labels.get(rule) or rule.replace("_", " ")


def read_advice(run_id: int, kept: Mapping[str, Any]) -> RunAdvice:
    """The advice ``sync_jobs.run_advice.kept_advice`` kept with run ``run_id``."""
    return RunAdvice(run_id, str(kept["plan"]), str(kept["language"]), datetime.fromisoformat(kept["as_of"]),
                     recommendations_from_payload(kept["recommendations"]), dict(kept.get("labels") or {}))


def advice_heading(plan_name: str, axes: int, kept: str = "") -> str:
    """``Advice for PLAN (1 axis; evidence: pac advice AXIS):``, the count agreed (it read "1 axes"). The line is
    pac's English, as the rest of ``pac status`` (the sentences under it are in the plan's language); the report's
    words (``i18n.counted``) are not imported here: ``pac status`` loads no report module."""
    return f"Advice for {plan_name} ({axes} {'axis' if axes == 1 else 'axes'}; evidence: pac advice AXIS){kept}:"


def print_kept_advice(console: Console, engine: Engine, plan_id: str, last_run: int | None,
                      notice: str | None = None, named: str | None = None, indent: str = "",
                      plan: Plan | None = None) -> None:
    """``pac status``'s advice block, as the plan's latest evaluating run kept it (``read_advice``): one
    line per axis with a recommendation (rule, sentence, overruled rules); said when no run kept any yet.
    ``notice``: the plan is outside its period (``pac_core.plan_end.period_line``: over, or not begun), said once,
    in place of "no recommendation" (advice a run kept before the end is still listed, under it). ``named``: the
    plan's name, when the status shows several plans: the lines say which plan they are about (audit year-end F3:
    « Advice: Aucune recommandation » under two plans' runs). ``indent``: before each line (a plan's block).
    ``plan``: the plan, when the settings hold its file: with no recommendation kept before any axis has a ROI to
    date, the line says it is too early (``pac_core.plan_end.too_early_line``, at the kept evaluation's instant)
    rather than that every axis is within its thresholds (audit janmeet F8)."""
    head = "Advice" if named is None else f"Advice for {named}"
    if notice is not None:
        console.print(indent + (notice if named is None else f"{head}: {notice}"), markup=False, highlight=False,
                      soft_wrap=bool(indent))
    row = repo.latest_advice(engine, plan_id)
    if row is None or row.id is None or row.advice is None:
        console.print(indent + ADVICE_LATER, markup=False, soft_wrap=bool(indent))
        return
    advice = read_advice(row.id, row.advice)
    recos, lang = advice.recommendations, advice.language
    kept = "" if row.id == last_run else f" (kept by run {row.id}, the last that evaluated the plan)"
    if not recos:
        if notice is None:
            early = quiet_line(plan, advice.as_of, lang) if plan is not None else None
            console.print(f"{indent}{head}{kept}: {early or NO_ADVICE.get(lang, NO_ADVICE['en'])}", markup=False,
                          soft_wrap=bool(indent))
        return
    console.print(indent + advice_heading(advice.plan_name, len(recos), kept), markup=False, soft_wrap=bool(indent))
    for reco in recos:
        lost = "".join(f" [+{advice.label(o.rule.value)}]" for o in reco.overruled)
        console.print(f"{indent}  {reco.axis_id}: {reco.text(lang)}{lost}".replace("\u00a0", " "), markup=False,
                      soft_wrap=True)


def store_name(engine: Engine) -> str:
    """The store as people name it: a SQLite file's absolute path (``sqlite:///srv/pac.db``, three slashes, is under
    the working directory: named so, it is not taken for /srv/pac.db), else its URL without the password."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database:
        return url.database if url.database == ":memory:" else str(Path(url.database).absolute())
    return shown_url(url)


@click.command("status")
@click.option("--plan", "plan_ref", help="Only this plan's runs.")
@click.option("--limit", default=10, show_default=True, help="How many runs to list.")
def status_cmd(plan_ref: str | None, limit: int) -> None:
    """Last runs and their figures, watermarks, API quota."""
    settings = cli_common.settings(read_only=True)
    plan_id, ps = None, settings.plan(plan_ref) if plan_ref else None
    if ps is not None:
        try:
            plan_id = load_plan(ps.file).id
        except InvalidInput:   # the night it failed on is what to show (its run names the file's problems)
            plan_id = None
    engine = open_store(settings.database())
    if ps is not None and plan_id is None:
        plan_id = failed_plan_id(engine, ps)
    console = cli_common.table_console()
    runs = repo.runs(engine, plan_id, limit=limit)
    table = Table(title="Last runs")
    for col in ("run", "plan", "started (UTC)", "took", "status", "read", "written", "rejected", "deleted",
                "API calls", "quota left"):
        table.add_column(col)
    gone: list[Run] = []    # runs marked running whose process is gone (no one holds their plan's lock)
    for r in runs:
        took = f"{(r.finished_at - r.started_at).total_seconds():.1f}s" if r.finished_at else "running"
        if r.finished_at and any(e.startswith(ABANDONED_HEAD) for e in r.errors or ()):
            took = "killed"     # closed by the next run: when it died is not known, its finish is that run's start
        if r.finished_at is None and r.status == "running" and not r.dry_run and not lock_held(engine, r.plan_id):
            took = "no process"     # a live run holds its plan's lock from before its row is written to its close
            gone.append(r)
        counts = r.counts or {}
        total = {k: sum(int(c.get(k, 0)) for c in counts.values()) for k in ("read", "written")}
        rejected, new = _rejected(counts)
        deleted = _deleted(counts)
        # every figure grouped by thousands, as `pac sync`'s summary and its API line (« 99,972 left today ») and the
        # report show them (audit opscounts: « 6954 », « sf-main=99972 »)
        calls = ", ".join(f"{n}={int(a.get('calls', 0)):,}" for n, a in (r.api or {}).items())
        left = ", ".join(f"{n}={int(a['remaining']):,}" for n, a in (r.api or {}).items()
                         if a.get("remaining") is not None)
        table.add_row(str(r.id), r.plan_id, f"{r.started_at:%Y-%m-%d %H:%M}", took,
                      ("not closed" if r in gone else r.status) + (" (dry)" if r.dry_run else ""),
                      f"{total['read']:,}", f"{total['written']:,}",
                      f"{rejected:,}" + new_part(rejected, new), "" if deleted is None else f"{deleted:,}",
                      calls, left or "-")
    if runs:
        console.print(table)
        for r in gone:
            console.print(f"Run {r.id} of {r.plan_id} is marked running, but no process holds the plan's lock: it "
                          "ended without closing the run (killed, or its machine stopped). Nothing is lost: the next "
                          "run of the plan closes it as interrupted and redoes its work (the next scheduled run, or "
                          "`pac sync` now).", markup=False, soft_wrap=True)
    elif settings.plans:
        console.print(f"No run yet in {store_name(engine)}: try `pac sync` (or `pac demo`).", markup=False)
    else:   # the store may be right (a reader of runs needs no plan), the settings have nothing to run
        console.print(f"No run yet in {store_name(engine)}, and {settings.source or 'the settings'} configure no "
                      "plan: add one under plans: (name, file, connectors), as config/pac.yaml does.", markup=False)
    marks = repo.watermarks(engine)
    if marks:
        wt = Table(title="Watermarks (highest change stamp read, per connector and object)")
        for col in ("connector", "object", "watermark (UTC)", "last full read (UTC)"):
            wt.add_column(col)
        for (connector, obj), w in sorted(marks.items()):
            wt.add_row(connector, obj, f"{w.value:%Y-%m-%d %H:%M:%S}" if w.value else "-",
                       f"{w.last_full_at:%Y-%m-%d %H:%M}" if w.last_full_at else "never")
        console.print(wt)
    # several plans in the settings and no --plan: one block per plan at the end (audit reverify N2), not the last
    # run's plan's lines only
    loaded = cli_common.settings_plans(settings) if runs or len(settings.plans) > 1 else []   # each file once
    blocks = loaded if plan_ref is None and len(settings.plans) > 1 else []
    in_blocks = {plan.id for _, plan in blocks}
    for plan_key in sorted({r.plan_id for r in runs} - in_blocks):
        if (version := _version_text(engine, plan_key)) is not None:
            console.print(f"Plan {plan_key}: {version}", markup=False)
    scheduled = _schedule_after_end(settings, loaded, runs[0].plan_id) if not blocks and runs else None
    if scheduled:   # an ended plan's nightly sync
        console.print(scheduled, markup=False, soft_wrap=True)
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
    # what the records say comes from the last run that read them: a fire that could not start (locked) read nothing
    runs = [r for r in runs if r.status != "locked"] or runs[:0]
    counts = (runs[0].counts or {}) if runs else {}
    warned, planned = _warnings(counts)
    if warned:
        console.print(f"Last run's data-quality warnings: {warned} won deal(s) with no amount, counted as won "
                      "and worth 0 (fix the amounts in the CRM; `pac explain AXIS` lists them).", markup=False)
    if planned:
        console.print(f"Last run's data-quality warnings: {planned} activit{'y' if planned == 1 else 'ies'} still "
                      "planned on a past date, counted nowhere (update their outcome or status in the CRM; `pac "
                      "explain ACTION` lists them).", markup=False)
    if runs and runs[0].id is not None:
        groups = repo.rejection_groups(engine, runs[0].id)
        if groups:
            listed = sum(g.count for g in groups)
            _, new = _rejected(runs[0].counts or {})
            new_text = f", {new} new" if new is not None else ""
            print_rejection_table(console, groups, f"Last run's rejected records ({listed}{new_text}, counted "
                                                   "nowhere; fix them in the CRM)")
    if blocks:
        for entry, shown in blocks:
            _print_plan_block(console, engine, settings, entry, shown, [p for _, p in loaded])
    elif runs:
        plan_key = runs[0].plan_id
        plan, notice = _period_notice(loaded, plan_key)
        several = plan_ref is None and (len(settings.plans) > 1 or len({r.plan_id for r in runs}) > 1)
        print_kept_advice(console, engine, plan_key, runs[0].id, notice=notice,
                          named=(plan.name if plan is not None else plan_key) if several else None, plan=plan)
    engine.dispose()


def _version_text(engine: Engine, plan_id: str) -> str | None:
    """``version 3 (plans/pac-2027.yaml, imported 2027-01-01 01:00 UTC)``: the plan's latest stored version."""
    latest = repo.latest_plan_version(engine, plan_id)
    if latest is None:
        return None
    return f"version {latest.version} ({latest.source_path}, imported {latest.imported_at:%Y-%m-%d %H:%M} UTC)"


def _print_plan_block(console: Console, engine: Engine, settings: Any, ps: Any, plan: Plan,
                      plans: list[Plan]) -> None:
    """One plan's block of ``pac status`` when the settings hold several (audit reverify N2): its name and last run,
    then, indented and each naming the plan, its period notice with its advice, and its nightly sync once it ended.
    Each plan's own lines, whichever plan ran last (they were all the last run's plan's)."""
    head = f"Plan {ps.key} « {plan.name} » ({plan.id})"
    found = repo.runs(engine, plan.id, limit=5)
    last = next((r for r in found if r.status != "locked"), found[0] if found else None)
    clock = ps.as_of or datetime.now(UTC)
    notice = period_line(plan, clock, next_plan=following(plan, plans))
    console.print()
    if last is None:
        console.print(f"{head}: no run yet (`pac sync --plan {ps.key}`)", markup=False, soft_wrap=True)
        if notice is not None:
            console.print(f"  {notice}", markup=False, soft_wrap=True)
        return
    version = _version_text(engine, plan.id)
    console.print(f"{head}: last run {last.id} ({last.status}{' (dry)' if last.dry_run else ''}, started "
                  f"{last.started_at:%Y-%m-%d %H:%M} UTC)" + (f"; {version}" if version else ""),
                  markup=False, soft_wrap=True)
    left_out = _left_out_line(last, ps.key)
    if left_out is not None:
        console.print(f"  {left_out}", markup=False, soft_wrap=True)
    scheduled = schedule_line(plan, ps.schedule or settings.schedule, ps.key, clock, named=True)
    if scheduled is not None:
        console.print(f"  {scheduled}", markup=False, soft_wrap=True)
    print_kept_advice(console, engine, plan.id, last.id, notice=notice, named=plan.name, indent="  ", plan=plan)


def _rejected(counts: dict[str, Any]) -> tuple[int, int | None]:
    """A run's rejected records and how many of them are new, None when the run did not compare them with the
    previous run's (it stopped before, or was logged before pac compared)."""
    rejected = sum(int(c.get("rejected", 0)) for c in counts.values())
    compared = any("rejected_new" in c for c in counts.values())
    return rejected, sum(int(c.get("rejected_new", 0)) for c in counts.values()) if compared else None


def _deleted(counts: dict[str, Any]) -> int | None:
    """A run's records found deleted in the CRM, the sum of `pac sync`'s « deleted » column; None (a blank cell, as
    the summary's) when the run recorded none: an incremental night with no deletion, a run that stopped before
    reading (audit smallleft)."""
    found = [int(c["deleted"]) for c in counts.values() if "deleted" in c]
    return sum(found) if found else None


def _warnings(counts: dict[str, Any]) -> tuple[int, int]:
    """A run's data-quality warnings: won deals with no amount, activities still planned on a past date, counted apart
    from the object's other warnings (credits, amounts taken from lines...: audit explainhand, one deal without amount
    and one credit read « 2 won deal(s) with no amount »); a run recorded before has its object's warnings only."""
    bucket = {kind: counts.get(kind, {}) for kind in ("deals", "activities")}
    deals, activities = (int(bucket[kind].get(figure, bucket[kind].get("warnings", 0)))
                         for kind, figure in (("deals", "no_amount"), ("activities", "planned_past")))
    return deals, activities


def _left_out_line(run: Any, plan_key: str) -> str | None:
    """``Run 12 of main: 2 rejected records (2 new), 1 won deal with no amount: pac status --plan main lists
    them``: a plan's block says what its own last run left out, whichever plan ran last (audit multi F5: the
    tables below the runs are the last run's only, and another plan's rejected deal was listed nowhere)."""
    counts = run.counts or {}
    rejected, new = _rejected(counts)
    parts = []
    if rejected:
        parts.append(f"{rejected} rejected record{'s' if rejected != 1 else ''}{new_part(rejected, new)}")
    warned, planned = _warnings(counts)
    if warned:
        parts.append(f"{warned} won deal{'s' if warned != 1 else ''} with no amount")
    if planned:
        parts.append(f"{planned} activit{'y' if planned == 1 else 'ies'} still planned on a past date")
    if not parts:
        return None
    return f"Run {run.id} of {plan_key}: {', '.join(parts)}: `pac status --plan {plan_key}` lists them."


def _schedule_after_end(settings: Any, loaded: list[tuple[Any, Plan]], plan_id: str) -> str | None:
    """Whether ``pac schedule`` still syncs the ended plan ``plan_id`` (``sync_jobs.schedule_end``), on its settings'
    clock as ``_period_notice``; None while it runs, or when no plan of the settings (``loaded``) has that id."""
    for ps, plan in loaded:
        if plan.id == plan_id:
            return schedule_line(plan, ps.schedule or settings.schedule, ps.key, ps.as_of or datetime.now(UTC))
    return None


def _period_notice(loaded: list[tuple[Any, Plan]], plan_id: str) -> tuple[Plan | None, str | None]:
    """The settings' plan ``plan_id`` (None when no plan file of the settings, ``loaded``, has that id), and the line
    saying it is over, naming the next plan the settings hold, or not begun (``pac_core.plan_end``), on its
    settings' clock (``as_of``, else now); None while it runs."""
    for ps, plan in loaded:
        if plan.id == plan_id:
            following_plan = following(plan, (p for _, p in loaded))
            return plan, period_line(plan, ps.as_of or datetime.now(UTC), next_plan=following_plan)
    return None, None
