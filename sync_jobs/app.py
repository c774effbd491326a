"""Read-side services over the store: the current evaluation, snapshots, what the report needs.

Nothing here calls a CRM: the evaluation is recomputed (pure engine) from the stored records and the
plan file with the manager's CRM edits applied, as of the given date (default: the plan's configured
``as_of``, else now).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from pac_config.settings import PlanSettings, Settings, engine_settings
from pac_core.errors import InvalidInput, Problem
from pac_core.growth import with_evaluation
from pac_core.linter import lint_statement
from pac_core.plan import Plan
from pac_core.records import Records
from pac_core.results import Evaluation
from pac_core.snapshots import (
    closed_periods,
    closing_instant,
    due_snapshots,
    evaluation_from_payload,
    last_closed,
    period_window,
    plan_label,
    quarter_phase,
    snapshot_payload,
)
from sync_jobs.evaluation import effective_plan, evaluate, load_plan_file
from sync_jobs.report_inputs import ReportInputs, RunSummary, SnapshotPoint
from sync_jobs.store import open_store, repo
from sync_jobs.store import records as store_records
from sync_jobs.store_guard import require_sync


@dataclass(frozen=True)
class Current:
    plan: Plan
    evaluation: Evaluation
    records: Records
    settings: PlanSettings


def current(settings: Settings, plan_ref: str | None = None, *, as_of: datetime | None = None,
            engine: Engine | None = None, explain: Sequence[str] = (), plan: Plan | None = None) -> Current:
    """The plan (with CRM edits) evaluated on the stored records; ``explain``: the actions whose
    per-record decisions are kept (``pac explain``), in the same pass; ``plan``: the plan file as the caller
    already loaded it (read once). The plan returned carries the amounts of its objectives written as a
    percentage, as the evaluation resolved them (``pac_core.growth.with_evaluation``)."""
    ps = settings.plan(plan_ref)
    if plan is None:
        plan, _ = load_plan_file(ps)
    own = engine is None
    if own:   # figures from an empty store would read as "0 / 5" and "every axis within thresholds"
        require_sync(settings.database(), ps.key, plan.id)
    engine = engine or open_store(settings.database())
    try:
        plan, _refused = effective_plan(engine, plan)
        records = store_records.load_records(engine, ps.connectors)
        when = as_of or ps.as_of or datetime.now(UTC)
        evaluation = evaluate(plan, records, when, settings, explain=list(explain))
        # objectives written as a percentage carry the amount the evaluation resolved (pac_core/growth.py)
        return Current(with_evaluation(plan, evaluation), evaluation, records, ps)
    finally:
        if own:
            engine.dispose()


def run_summary(row: Any, conflicts: Sequence[str] = ()) -> RunSummary:
    return RunSummary(run_id=row.id, started_at=row.started_at, finished_at=row.finished_at, status=row.status,
                      counts={k: dict(v) for k, v in row.counts.items()},
                      api_calls={k: int(v.get("calls", 0)) for k, v in row.api.items()},
                      quota_left={k: v.get("remaining") for k, v in row.api.items()}, errors=tuple(row.errors),
                      conflicts=tuple(conflicts))


def take_snapshot(settings: Settings, plan_ref: str | None, kind: str | None = None, *, period: str | None = None,
                  now: datetime | None = None, engine: Engine | None = None) -> str:
    """Keep the evaluation of a closed period as its snapshot (replacing one already kept); returns its label.

    ``period``: ``2027-03`` (monthly) or ``2027-Q1`` (quarterly), or one of the plan's quarters as the plan reads
    it (``Q1``: on a year from February, ``2027-02..2027-04``, ``snapshots.plan_label``; a calendar quarter that is
    none of the plan's is refused); default: the last period of ``kind`` that has
    ended at ``now`` (default: the plan's configured ``as_of``, else the clock). The plan is evaluated at the
    period's end in its timezone (``closing_instant``), and the snapshot is stored with that instant (the
    report's trends sort by it). A period that has not ended, or that lies outside the plan's period, is refused
    (``InvalidInput``, with the periods that can be taken)."""
    return take_snapshots(settings, plan_ref, kind, [period] if period else None, now=now, engine=engine)[0]


def take_snapshots(settings: Settings, plan_ref: str | None, kind: str | None, periods: Sequence[str] | None, *,
                   now: datetime | None = None, engine: Engine | None = None) -> list[str]:
    """``take_snapshot`` for several periods, reading the store once (the scheduler's catch-up)."""
    ps = settings.plan(plan_ref)
    plan, _ = load_plan_file(ps)
    now = now or ps.as_of or datetime.now(UTC)
    tz = plan.timezone
    wanted: list[tuple[str, str]] = []
    for text in periods or [last_closed(kind or "monthly", now, tz, quarter_phase(plan.period))]:
        what, label = plan_label(text, plan.period, tz)
        if kind is not None and what != kind:
            raise InvalidInput(Problem("--period", f"{text} is a {what[:-2]}, not a {kind[:-2]}",
                                       "write a month as 2027-03 or a quarter as 2027-Q1"))
        allowed = closed_periods(what, now, tz, plan.period)
        if label not in allowed:
            window = period_window(label, tz)
            why = (f"{label} has not ended yet (now is {now.astimezone(ZoneInfo(tz)):%Y-%m-%d %H:%M} {tz})"
                   if window.end > now else f"{label} is outside the plan's period")
            raise InvalidInput(Problem("--period", why, "choose a closed period of the plan: "
                                       + (", ".join(allowed) if allowed else "none has ended yet")))
        wanted.append((what, label))
    own = engine is None
    engine = engine or open_store(settings.database())
    try:
        effective, _refused = effective_plan(engine, plan)
        records = store_records.load_records(engine, ps.connectors)
        for what, label in wanted:
            end = closing_instant(label, tz)
            evaluation = evaluate(effective, records, end, settings)
            try:
                repo.save_snapshot(engine, effective.id, what, label, snapshot_payload(evaluation),
                                   end.astimezone(UTC))
            except IntegrityError:   # another scheduler worker sharing the store kept the same one first
                continue
        return [label for _, label in wanted]
    finally:
        if own:
            engine.dispose()


def take_due_snapshots(settings: Settings, plan_ref: str | None, kind: str, *, now: datetime | None = None
                       ) -> list[str]:
    """Take every closed period of the plan that has no snapshot of ``kind`` yet (oldest first): what the
    scheduler's snapshot jobs do on their cron and at start-up, so a missed one is never skipped."""
    ps = settings.plan(plan_ref)
    plan, _ = load_plan_file(ps)
    now = now or ps.as_of or datetime.now(UTC)
    engine = open_store(settings.database())
    try:
        taken = [s.label for s in repo.snapshots(engine, plan.id) if s.kind == kind]
        due = due_snapshots(kind, now, plan.timezone, plan.period, taken)
        return take_snapshots(settings, plan_ref, kind, due, now=now, engine=engine) if due else []
    finally:
        engine.dispose()


def load_report_inputs(settings: Settings, plan_ref: str | None = None, *, as_of: datetime | None = None,
                       linter: Callable[..., Any] | None = None) -> ReportInputs:
    """Everything the quarterly report shows, from the store (no CRM call)."""
    engine = open_store(settings.database())
    try:
        now = current(settings, plan_ref, as_of=as_of, engine=engine)
        points = [SnapshotPoint(s.label, s.kind, s.taken_at, evaluation_from_payload(s.payload))
                  for s in repo.snapshots(engine, now.plan.id)]
        runs = repo.runs(engine, now.plan.id, limit=1, include_dry=False)
        last = run_summary(runs[0], repo.run_conflicts(engine, now.plan.id, runs[0].id)) if runs else None
        rejected = tuple(repo.rejections(engine, runs[0].id)) if runs and runs[0].id is not None else ()
        people = {p.email: p.name for p in now.plan.people if p.name}
        return ReportInputs(plan=now.plan, evaluation=now.evaluation, snapshots=tuple(points), last_run=last,
                            rejected=rejected, lint=tuple(_lint(now.plan, linter)), people=people,
                            attribution_days=engine_settings(settings, now.plan.currency).attribution_days)
    finally:
        engine.dispose()


def _lint(plan: Plan, linter: Callable[..., Any] | None) -> list[dict[str, Any]]:
    extra: dict[str, Any] = {}
    if linter is None:
        linter = lint_statement
        extra["within"] = plan.period     # periods without a year resolve inside the plan's (fiscal) period
    year = plan.period.start.year
    out = []
    for action in plan.actions:
        result = linter(action.text, year=year, tz=plan.timezone, people=[p.email for p in plan.people],
                        who=action.who, info_needed=action.info_needed or None,
                        info_source=action.info_from or None, **extra)
        data = result if isinstance(result, dict) else _as_dict(result)
        data.setdefault("action_id", action.id)
        out.append(data)
    return out


def _as_dict(result: Any) -> dict[str, Any]:
    for name in ("to_json", "to_dict"):
        if hasattr(result, name):
            return dict(getattr(result, name)())
    if dataclasses.is_dataclass(result):
        return dataclasses.asdict(result)  # type: ignore[arg-type]
    return dict(result)
