"""Read-side services over the store: the current evaluation, snapshots, what the report needs.

Nothing here calls a CRM: the evaluation is recomputed (pure engine) from the stored records and the
plan file with the manager's CRM edits applied, as of the given date (default: the plan's configured
``as_of``, else now).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from pac_config.settings import PlanSettings, Settings
from pac_core.plan import Plan
from pac_core.records import Records
from pac_core.results import Evaluation
from sync_jobs.pipeline import effective_plan, evaluate, load_plan_file
from sync_jobs.report_inputs import ReportInputs, RunSummary, SnapshotPoint
from sync_jobs.store import open_store, repo
from sync_jobs.store import records as store_records


@dataclass(frozen=True)
class Current:
    plan: Plan
    evaluation: Evaluation
    records: Records
    settings: PlanSettings


def current(settings: Settings, plan_ref: str | None = None, *, as_of: datetime | None = None,
            engine: Engine | None = None, explain: Sequence[str] = ()) -> Current:
    """The plan (with CRM edits) evaluated on the stored records; ``explain``: the actions whose
    per-record decisions are kept (``pac explain``), in the same pass."""
    ps = settings.plan(plan_ref)
    plan, _ = load_plan_file(ps)
    own = engine is None
    engine = engine or open_store(settings.database())
    try:
        plan, _refused = effective_plan(engine, plan)
        records = store_records.load_records(engine, ps.connectors)
        when = as_of or ps.as_of or datetime.now(UTC)
        return Current(plan, evaluate(plan, records, when, settings, explain=list(explain)), records, ps)
    finally:
        if own:
            engine.dispose()


def run_summary(row: Any, conflicts: Sequence[str] = ()) -> RunSummary:
    return RunSummary(run_id=row.id, started_at=row.started_at, finished_at=row.finished_at, status=row.status,
                      counts={k: dict(v) for k, v in row.counts.items()},
                      api_calls={k: int(v.get("calls", 0)) for k, v in row.api.items()},
                      quota_left={k: v.get("remaining") for k, v in row.api.items()}, errors=tuple(row.errors),
                      conflicts=tuple(conflicts))


def take_snapshot(settings: Settings, plan_ref: str | None, kind: str, *, as_of: datetime | None = None,
                  taken_at: datetime | None = None) -> str:
    """Evaluate now (or as of ``as_of``) and keep it as that month's or quarter's snapshot; returns its label.

    ``taken_at`` (default: now) orders the snapshots in the report's trends: a snapshot computed later for
    an earlier period (the demo's catch-up) passes the moment it stands for."""
    from pac_core.snapshots import month_label, quarter_label, snapshot_payload

    engine = open_store(settings.database())
    try:
        now = current(settings, plan_ref, as_of=as_of, engine=engine)
        when = now.evaluation.as_of.astimezone(ZoneInfo(now.plan.timezone))   # the plan's calendar decides
        label = quarter_label(when) if kind == "quarterly" else month_label(when)
        repo.save_snapshot(engine, now.plan.id, kind, label, snapshot_payload(now.evaluation),
                           (taken_at or datetime.now(UTC)).astimezone(UTC))
        return label
    finally:
        engine.dispose()


def load_report_inputs(settings: Settings, plan_ref: str | None = None, *, as_of: datetime | None = None,
                       linter: Callable[..., Any] | None = None) -> ReportInputs:
    """Everything the quarterly report shows, from the store (no CRM call)."""
    engine = open_store(settings.database())
    try:
        now = current(settings, plan_ref, as_of=as_of, engine=engine)
        points = []
        try:
            from pac_core.snapshots import evaluation_from_payload

            points = [SnapshotPoint(s.label, s.kind, s.taken_at, evaluation_from_payload(s.payload))
                      for s in repo.snapshots(engine, now.plan.id)]
        except ImportError:
            points = []
        runs = repo.runs(engine, now.plan.id, limit=1, include_dry=False)
        last = run_summary(runs[0], repo.run_conflicts(engine, now.plan.id, runs[0].id)) if runs else None
        rejected = tuple(repo.rejections(engine, runs[0].id)) if runs else ()
        people = {p.email: p.name for p in now.plan.people if p.name}
        return ReportInputs(plan=now.plan, evaluation=now.evaluation, snapshots=tuple(points), last_run=last,
                            rejected=rejected, lint=tuple(_lint(now.plan, linter)), people=people)
    finally:
        engine.dispose()


def _lint(plan: Plan, linter: Callable[..., Any] | None) -> list[dict[str, Any]]:
    if linter is None:
        try:
            from pac_core.linter import lint_statement as linter
        except ImportError:
            return []
    year = plan.period.start.year
    out = []
    for action in plan.actions:
        result = linter(action.text, year=year, tz=plan.timezone, people=[p.email for p in plan.people],
                        who=action.who, info_needed=action.info_needed or None,
                        info_source=action.info_from or None)
        data = result if isinstance(result, dict) else _as_dict(result)
        data.setdefault("action_id", action.id)
        out.append(data)
    return out


def _as_dict(result: Any) -> dict[str, Any]:
    for name in ("to_json", "to_dict"):
        if hasattr(result, name):
            return dict(getattr(result, name)())
    import dataclasses

    if dataclasses.is_dataclass(result):
        return dataclasses.asdict(result)  # type: ignore[arg-type]
    return dict(result)
