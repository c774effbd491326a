"""The plan as both sides read it: the file, with the manager's accepted edits, evaluated on records.

Shared by the write side (``sync_jobs.pipeline``, the nightly run) and the read side (``sync_jobs.app``: explain,
snapshots, the report), so neither imports the other.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine

from pac_config.planfile import load_plan, plan_fingerprint
from pac_config.settings import PlanSettings, Settings, engine_settings
from pac_core.columnar import RecordColumns
from pac_core.engine import evaluate as engine_evaluate
from pac_core.plan import Plan
from pac_core.records import Records
from pac_core.results import Evaluation
from sync_jobs import overrides as plan_state
from sync_jobs.store import repo


def load_plan_file(ps: PlanSettings) -> tuple[Plan, str]:
    """The plan file of ``ps`` and its fingerprint (a new plan version is stored when it changes)."""
    return load_plan(ps.file), plan_fingerprint(ps.file)


# every counted deal of an axis, by (source, CRM id): the amount the axis counts (its share under split attribution)
# and the deal's close day; what a monthly snapshot keeps so the next review says which deals moved (audit reviewdeals)
CountedDeals = dict[str, dict[tuple[str, str], tuple[Decimal, date | None]]]
DEALS = "axis_deals"        # the key of a snapshot's payload that holds them (``deals_payload``)
_EVERY_DEAL = 2 ** 62       # ``deal_decision_limit`` that lists every counted deal


def evaluate(plan: Plan, records: Records | RecordColumns, as_of: datetime, settings: Settings, *,
             explain: bool | Sequence[str] = False, all_deals: bool = False) -> Evaluation:
    """The pure engine, with the settings' engine section (fx rates, advisor thresholds...) in the plan's currency.
    ``all_deals``: every axis's counted deals listed in its decisions, with no limit (``counted_deals``); the figures
    are the same; the deals of a baseline (and of a percentage objective's base) are listed for the axes ``explain``
    asks alone."""
    engine = engine_settings(settings, plan.currency)
    bases = explain        # the baselines' deals: of the axes asked alone (``pac explain AXIS``), not every axis's
    if all_deals:
        engine = dataclasses.replace(engine, deal_decision_limit=_EVERY_DEAL)
        explain = True if explain is True else [*(explain or ()), *(axis.id for axis in plan.axes)]
    return engine_evaluate(plan, records, as_of=as_of, settings=engine, explain=explain, explain_bases=bases)


def counted_deals(evaluation: Evaluation) -> CountedDeals:
    """Per axis, its counted deals as ``evaluate(..., all_deals=True)`` listed them (a won deal with no amount counts
    0); the axis's revenue is their sum."""
    return {axis.axis_id: {(d.source, d.record_id): (d.amount if d.amount is not None else Decimal(0), _day(d.when))
                           for d in axis.decisions if d.counted and d.record_id}
            for axis in evaluation.axes}


def _day(when: datetime | date | None) -> date | None:
    return when.date() if isinstance(when, datetime) else when


def without_axis_decisions(evaluation: Evaluation) -> Evaluation:
    """``evaluation`` with no axis's decisions (what a snapshot keeps of its figures)."""
    return dataclasses.replace(evaluation, axes=tuple(dataclasses.replace(a, decisions=(), baseline_decisions=(),
                                                                      base_decisions=()) for a in evaluation.axes))


def deals_payload(deals: CountedDeals) -> dict[str, list[list[str | None]]]:
    """``counted_deals`` as JSON-safe data: per axis, [source, id, amount, close day] (amounts as exact text)."""
    return {axis: [[source, ident, str(amount), day.isoformat() if day else None]
                   for (source, ident), (amount, day) in sorted(deals_of.items())]
            for axis, deals_of in deals.items()}


def deals_from_payload(payload: Mapping[str, Any]) -> CountedDeals | None:
    """The counted deals a snapshot's payload keeps (``DEALS``); None for a snapshot kept before 7 Dec 2026, which
    kept none."""
    kept = payload.get(DEALS)
    if not isinstance(kept, dict):
        return None
    return {axis: {(row[0], row[1]): (Decimal(row[2]), date.fromisoformat(row[3]) if row[3] else None)
                   for row in rows} for axis, rows in kept.items()}


def effective_plan(engine: Engine, plan: Plan) -> tuple[Plan, list[str]]:
    """The plan file with the stored state of its manager-editable values applied (``sync_jobs.overrides``):
    the CRM edits accepted by the last run, unless the file changed the value since."""
    return plan_state.apply_overrides(plan, plan_edits(engine, plan))


def plan_edits(engine: Engine, plan: Plan) -> list[Any]:
    """The rows (key, field, value, at) ``effective_plan`` applies to the plan file: what a snapshot keeps with its
    plan version, so the plan it was taken with can be rebuilt (``sync_jobs.app.kept_plan``)."""
    states = repo.field_states(engine, plan.id)
    values = {k: row.value for k, row in states.items()}
    at = {k: plan_state.edited_at(row) for k, row in states.items()}   # a CRM edit's day: its status's since
    files = plan_state.file_values(plan)
    for k, row in states.items():
        if k in files and not plan_state.same(row.file_value, files[k]):
            values[k] = files[k]          # edited in the file since the last run: the next run decides
            at[k] = None
    return plan_state.overrides_of(plan, values, at, sources=states)
