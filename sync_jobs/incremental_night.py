"""The nightly evaluation, incremental: the one call the pipeline makes in place of ``evaluate()``.

``night_evaluator(engine, plan_id, connectors, engine_settings, full=..., dry_run=...)`` returns the
``(plan, records, as_of) -> Evaluation`` callable ``pipeline._run`` already accepts as its ``evaluator``. It loads
the plan's kept state, lists the records stored since (``sync_jobs/store/kept.py``), runs
``pac_core.incremental.evaluate_incremental`` (equal field by field to a full evaluation) and saves the new kept
state. ``full=True`` (``pac sync --full``) always evaluates every action on every record, and refreshes the kept
state; a dry run evaluates in full and saves nothing (its records are laid over the store, not in it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy import Engine

from pac_core.columnar import RecordColumns
from pac_core.engine import evaluate
from pac_core.engine_settings import EngineSettings
from pac_core.incremental import NightStats, evaluate_incremental, touched_summary
from pac_core.plan import Plan
from pac_core.records import Records
from pac_core.results import Evaluation
from sync_jobs.logs import event
from sync_jobs.store import kept as kept_store

log = logging.getLogger("pac.sync")


def night_evaluator(engine: Engine, plan_id: str, connectors: Sequence[str],
                    engine_settings: Callable[[Plan], EngineSettings], *, full: bool = False, dry_run: bool = False,
                    on_stats: Callable[[NightStats], None] | None = None, now: datetime | None = None
                    ) -> Callable[[Plan, Records | RecordColumns, datetime], Evaluation]:
    """The pipeline's evaluator for one run of one plan (see the module's docstring). ``now``: the run's start
    instant, which stamps the records it stores; a run whose clock is before the kept night's mark (minus
    ``RECHECK``) could store records the change list would miss, so it makes a full night."""
    names = list(connectors)

    def night(plan: Plan, records: Records | RecordColumns, as_of: datetime) -> Evaluation:
        settings = engine_settings(plan)
        if dry_run:
            return evaluate(plan, records, as_of=as_of, settings=settings)
        stamp = kept_store.records_stamp(engine, names)
        loaded = None if full else kept_store.load_kept(engine, plan_id)
        previous, since = loaded if loaded is not None else (None, None)
        behind = now is not None and since is not None and now < since - kept_store.RECHECK
        changes = kept_store.changes_since(engine, names, since) if previous is not None and not behind else None
        evaluation, kept, stats = evaluate_incremental(plan, records, changes, previous, as_of=as_of,
                                                       settings=settings, full=full)
        kept_store.save_kept(engine, plan_id, kept, stamp, datetime.now(UTC), previous)
        event(log, "sync.evaluate", plan=plan_id, mode=stats.mode, actions=stats.actions_reselected,
              of=stats.actions_total, axes=stats.axes_recomputed, activities=stats.activities_read)
        log.debug(touched_summary(stats))
        if on_stats is not None:
            on_stats(stats)
        return evaluation

    return night
