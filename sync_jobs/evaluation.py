"""The plan as both sides read it: the file, with the manager's accepted edits, evaluated on records.

Shared by the write side (``sync_jobs.pipeline``, the nightly run) and the read side (``sync_jobs.app``: explain,
snapshots, the report), so neither imports the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
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


def evaluate(plan: Plan, records: Records | RecordColumns, as_of: datetime, settings: Settings, *,
             explain: bool | Sequence[str] = False) -> Evaluation:
    """The pure engine, with the settings' engine section (fx rates, advisor thresholds...) in the plan's currency."""
    return engine_evaluate(plan, records, as_of=as_of, settings=engine_settings(settings, plan.currency),
                           explain=explain)


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
