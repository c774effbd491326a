"""The nightly run of one plan: lock, then the steps (``STEPS``: pull, plan state, load, evaluate, route, write,
compare rejections; then tally and checkpoint), each a function of one run context (``sync_jobs.steps``).

Order of commits (what makes it idempotent and resumable):

1. records are upserted into the store as they are pulled (idempotent: keyed by connector and CRM id);
2. the plan's manager-editable values are decided from the file and the people's edits read from every CRM (the
   later change wins, ``sync_jobs.overrides``) and saved with their provenance (``pac_field_state``);
3. the plan (with those values) is evaluated on the stored records, read as columns (``load_columns``), by the
   incremental night (``sync_jobs.incremental_night``: equal field by field to the pure engine's ``evaluate()``,
   recomputing only what the records stored since the last night can touch; ``full=True`` forces a full night,
   a dry run evaluates in full and keeps nothing);
4. per connector, only the fields that differ from what was last written are sent, in batches; after
   each batch the accepted records are saved as "last written" (a crash after that never re-sends them;
   refused records keep their old values and are retried on the next run);
5. last, the new watermarks and the run log are committed together. A run killed anywhere before
   step 5 leaves the old watermarks: the next run re-reads the same window (upserts are idempotent),
   re-evaluates, and sends only what the CRM does not have yet: no duplicate, no loss.

A dry run reads the CRMs but writes nothing anywhere (no CRM write, no store write, no watermark): it
returns the exact changes, per CRM record and field, that a real run would send. It runs the same steps as a
real run over a unit of work that is never committed (``sync_jobs.unit_of_work.DryRun``): what the steps store
(the pulled records, the deletions a full read finds, the plan's state decided from the file and the CRM edits)
is kept in memory for the rest of the run, then discarded, and its writer records the changes instead of
sending them.

Rejections: a run reports each record left out once, per object: the records a connector could not
normalise (never stored) and the stored records the engine set aside (an activity with no account, a won
deal with no amount or in a currency with no rate...; reason ``rule: detail``). Both go to the run's
counts (``rejected``) and its rejections. The engine sets a stored record aside on every run until it is fixed
in the CRM, so such a record is reported every night; only the **new** ones make the run ``partial`` (exit 1):
those the previous finished run (``ok`` or ``partial``) of the plan did not reject with the same reason
(``counts[object]["rejected_new"]``). A write the CRM refused makes it ``partial`` too (retried next run).

The run returns a ``RunStatus`` (``sync_jobs.run_status``), never an exit code: only the command line maps one to
the other. An exception that escapes a real run (the store failing, a bug) closes its run log as ``failed`` with
the error (redacted) before it propagates, so no run stays ``running``; ``pac`` maps it to exit code 6. SIGTERM
takes the path of Ctrl-C (``sync_jobs.interrupts``): the run is closed ``failed``, "interrupted by SIGTERM". A
process killed outright (SIGKILL) cannot close its run: the next run of the plan closes it once it holds the plan's
lock (``UnitOfWork.guard``), which proves the killed one is gone.

Tests act at named points of a run (before the writes, after a CRM accepted a batch, after the writes) through
the run's hooks (``sync_jobs.hooks``), never through the environment.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from connectors.base import (
    AuthError,
    Connector,
    ConnectorError,
    MappingRefused,
    QuotaExhausted,
    RateLimited,
    ReadFailed,
    RequestRefused,
    SchemaError,
    TransientError,
)
from pac_config.settings import Settings, engine_settings
from pac_core.columnar import RecordColumns
from pac_core.errors import InvalidInput
from pac_core.plan import Plan
from pac_core.records import Records, Rejected
from pac_core.results import Evaluation
from sync_jobs import steps
from sync_jobs.evaluation import effective_plan, evaluate, load_plan_file
from sync_jobs.factory import build_connectors
from sync_jobs.failed_plan import failed_mapping_words, record_failed_plan
from sync_jobs.hooks import RunHooks, installed
from sync_jobs.incremental_night import night_evaluator
from sync_jobs.lock import CONNECTOR_LOCK, run_lock
from sync_jobs.plan_identity import check_period_kept
from sync_jobs.run_context import Clock, Evaluator, RunContext, RunResult
from sync_jobs.run_status import RunStatus
from sync_jobs.steps import engine_rejections
from sync_jobs.store import open_store
from sync_jobs.store.db import check_store
from sync_jobs.unit_of_work import stoppable_sleep, unit_of_work

__all__ = ["STEPS", "RunResult", "RunStatus", "effective_plan", "engine_rejections", "evaluate", "load_plan_file",
           "run_sync", "utc_now"]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Step:
    """One step of the run; ``timing``: the result's timing it counts in (seconds)."""

    run: Callable[[RunContext], None]
    timing: str


STEPS: tuple[Step, ...] = (
    Step(steps.pull, "pull"),
    Step(steps.decide_plan_state, "pull"),
    Step(steps.load, "load"),
    Step(steps.evaluate, "evaluate"),       # the one call into the engine
    Step(steps.route, "evaluate"),
    Step(steps.write, "write"),
    Step(steps.compare_rejections, "write"),
)


def run_sync(plan_ref: str | None, settings: Settings, *, connectors: Mapping[str, Connector] | None = None,
             clock: Clock = utc_now, dry_run: bool = False, full: bool = False, wait: float = 0.0,
             as_of: datetime | None = None, progress: Callable[..., None] | None = None,
             env: Mapping[str, str] | None = None, evaluator: Evaluator | None = None,
             hooks: RunHooks | None = None, connector_wait: float | None = None,
             stop: Callable[[], None] | None = None, keep_plan_id: bool = False) -> RunResult:
    """Run the sync of one plan (``plan_ref``: its name in the settings, or None for the only one).

    ``as_of`` (else the plan's configured ``as_of``, else the clock) is the evaluation date; ``hooks``: the
    points where a test acts (default: those installed in this process, no-ops unless a test launcher
    installed others). Raises ``LockHeld`` when another run holds the plan's lock after ``wait`` seconds, or
    when a run of another plan holds the lock of one of its connectors after ``connector_wait`` seconds (default
    ``wait``), ``InvalidInput`` for a bad plan or settings. CRM failures do not raise: they give the result's status.
    A plan file that does not load is also kept in the run log as a ``failed`` run naming the file, the line and the
    fix (``sync_jobs.failed_plan``; not by a dry run), so `pac status` shows the night; nothing else is written. So
    is a mapping file of its connectors that does not load (a credential not set is not: no file is wrong).

    A plan whose period no longer overlaps the period of its id's last stored version is refused (``InvalidInput``)
    before anything is written, unless ``keep_plan_id`` (``sync_jobs.plan_identity``).

    ``stop`` (``pac schedule``: ``sync_jobs.interrupts.StopRequest.check``) is called while the run waits for a lock,
    between its steps, before each pulled object and each write batch: once it raises (a ``KeyboardInterrupt``),
    the run stops there and is closed as interrupted, as on Ctrl-C, with nothing more sent.

    A real run holds its connectors' locks (``connector:NAME``, taken in name order, after the plan's): two plans
    on one connector share its records, watermarks and reconciliation, and a full read marks deleted what it did
    not see, including what the other plan's run had just stored. A dry run writes nothing and takes none.
    """
    ps = settings.plan(plan_ref)
    try:
        plan, fingerprint = load_plan_file(ps)
    except InvalidInput as exc:   # a night that did not run: in the run log as a CRM schema problem is (failed_plan)
        if not dry_run:
            began = clock()
            record_failed_plan(settings, ps, exc, began, clock())
        raise
    owned = connectors is None
    check_store(settings.database())   # the store's URL and access first (as every command), creating nothing
    if connectors is None:   # then the connectors, before the store: a credential not set leaves no store behind
        try:
            connectors = build_connectors(settings, ps.connectors, env)
        except InvalidInput as exc:     # a mapping file that does not load: a failed night in the run log too
            mappings = {str(settings.connector(n).mapping) for n in ps.connectors}
            if not dry_run and any(p.file in mappings for p in exc.problems):
                began = clock()
                record_failed_plan(settings, ps, exc, began, clock(), failed_mapping_words(settings, ps, exc))
            raise
    try:
        engine = open_store(settings.database())
    except BaseException:
        if owned:
            for c in connectors.values():
                c.close()
        raise
    try:
        missing = [n for n in ps.connectors if n not in connectors]
        if missing:
            raise InvalidInput(f"plan {ps.key!r} uses connectors {missing} that were not built",
                               "check the plan's connectors in the settings")
        check_period_kept(engine, plan, keep_plan_id=keep_plan_id, file=str(ps.file))
        store = unit_of_work(engine, dry_run=dry_run)
        hooks = hooks or installed()
        counted = _Counted()
        with contextlib.ExitStack() as held:
            held.enter_context(store.guard(plan.id, wait=wait, clock=clock, stop=stop,
                                           spent=_spent(connectors, ps.connectors), counted=counted,
                                           met=counted.rejections))
            if not dry_run:
                for name in sorted(ps.connectors):
                    held.enter_context(run_lock(engine, f"{CONNECTOR_LOCK}{name}",
                                                wait=wait if connector_wait is None else connector_wait,
                                                sleep=stoppable_sleep(stop)))
            now = clock()
            ctx = RunContext(settings=settings, plan_settings=ps, plan=plan, fingerprint=fingerprint,
                             connectors=connectors, store=store, clock=clock, hooks=hooks, now=now,
                             writer=store.writer(hooks, batch_size=settings.writeback.batch_size, progress=progress,
                                                 stop=stop),
                             evaluator=evaluator or _evaluator(engine, settings, ps.connectors, plan.id, now,
                                                               full=full, dry_run=dry_run),
                             full=full, as_of=as_of, progress=progress, stop=stop)
            counted.ctx = ctx
            return run(ctx)
    finally:
        if owned and connectors:
            for c in connectors.values():
                c.close()
        engine.dispose()


def _spent(connectors: Mapping[str, Connector], names: Sequence[str]) -> Callable[[], dict[str, dict[str, Any]]]:
    """The API usage of the plan's connectors when asked, as a finished run keeps it (``steps.usage``): what an
    interrupted run spent, kept with it (``UnitOfWork.guard``)."""
    return lambda: {name: steps.usage(connectors[name]) for name in names if name in connectors}


class _Counted:
    """The records the run read (and wrote) so far, once its context is built (``steps.counted_so_far``): what an
    interrupted run read, kept with it (``UnitOfWork.guard``); none before."""

    def __init__(self) -> None:
        self.ctx: RunContext | None = None

    def __call__(self) -> dict[str, dict[str, int]]:
        return {} if self.ctx is None else steps.counted_so_far(self.ctx)

    def rejections(self) -> list[Rejected]:
        """The rejections the run met so far (``steps.rejections_so_far``); none before its context is built."""
        return [] if self.ctx is None else steps.rejections_so_far(self.ctx)


# the phases between the reads and the writes, reported to the progress callback when they start and end (no count of
# their own): on a 1,200-action plan they took 17 s of a full run and most of a no-change night's 76 s, with nothing
# on the terminal (audit bigplan); the reads and the writes report their records themselves
SHOWN_PHASES = ("load", "evaluate")


def run(ctx: RunContext, steps_: tuple[Step, ...] = STEPS) -> RunResult:
    """Begin, run the steps until one stops on a CRM (its status says why), then tally and checkpoint."""
    steps.begin(ctx)
    try:
        for step in steps_:
            if ctx.stop is not None:    # a stop asked (pac schedule stopping): the run ends here, interrupted
                ctx.stop()
            tick = time.perf_counter()
            shown = ctx.progress if step.timing in SHOWN_PHASES else None
            if shown is not None:
                shown(step.timing, connector="", done=0)
            step.run(ctx)
            if shown is not None:
                shown(step.timing, connector="", done=1, finished=True)
            ctx.result.timings[step.timing] = ctx.result.timings.get(step.timing, 0.0) + time.perf_counter() - tick
    except (QuotaExhausted, SchemaError, AuthError, TransientError, RateLimited, ConnectorError) as exc:
        written = ctx.result.written + ctx.result.accounts_written if ctx.writing else None
        ctx.status, error = stopped_by(exc, mappings=[ctx.settings.connector(n).mapping for n in ctx.names],
                                       settings=ctx.settings.source or "pac.yaml", written=written)
        ctx.result.errors.append(error)
    steps.tally(ctx)
    steps.checkpoint(ctx)
    return ctx.result


def stopped_by(exc: Exception, mappings: Sequence[object] = (), settings: str = "pac.yaml",
               written: int | None = None) -> tuple[RunStatus, str]:
    """The status of a run a CRM stopped, and the error it reports (``mappings``: the run's mapping files, which a
    field the CRM lacks is most often a typo of; ``written``: the records written before the stop when it came
    during the writes, None when it came before them)."""
    what = stop_words(written)
    if isinstance(exc, QuotaExhausted) and exc.refused_by_crm:     # the CRM refused: pac's share is not the cause
        return RunStatus.QUOTA_STOPPED, (f"{exc}: the CRM's daily API allocation is shared by pac and every other "
                                         f"integration of the org, and none is left today ({what}: the next run "
                                         f"reads the same changes again once {exc.resets}, usually the next night)")
    if isinstance(exc, QuotaExhausted):
        return RunStatus.QUOTA_STOPPED, (f"stopped before exceeding the configured share of the daily API "
                                         f"allocation: {exc} ({what}: the next run reads the same changes again, so "
                                         f"run it once {exc.resets}, or raise this connector's max_daily_share in "
                                         f"{settings})")
    if isinstance(exc, MappingRefused):     # a mapping key the CRM does not know: located, before any write
        return RunStatus.BAD_INPUT, (f"mapping: {exc} (nothing was written and no watermark moved; `pac config check "
                                     f"{settings} --online` names its line and the fix of every such key)")
    if isinstance(exc, SchemaError):
        where = f" ({', '.join(str(m) for m in mappings)})" if mappings else ""
        return RunStatus.BAD_INPUT, (f"CRM schema: {exc} (a field of the mapping{where}: `pac config check "
                                     f"{settings} --online` names its line and the fix; a PAC object or field: "
                                     "`pac crm provision`)")
    after = f" ({what}: the next run reads the same changes again)" if written is not None else ""
    if isinstance(exc, AuthError):
        return RunStatus.CRM_UNREACHABLE, f"credentials refused: {exc}{after}"
    if isinstance(exc, RequestRefused):     # reached, and refused as invalid: the same request fails again (exit 2)
        return RunStatus.BAD_INPUT, (f"the CRM refused a request: {exc} (check the mapping against the CRM with "
                                     "`pac config check MAPPING --online`; if it passes, report it with the log)"
                                     f"{after}")
    if isinstance(exc, ReadFailed):     # the CRM answered but the read could not complete: its words name the way out
        return RunStatus.CRM_UNREACHABLE, f"CRM read failed: {exc}{after}"
    return RunStatus.CRM_UNREACHABLE, f"CRM unreachable: {type(exc).__name__}: {exc}{after}"


def stop_words(written: int | None) -> str:
    """What a stop left written: nothing when it came before the writes (``written`` None) or before any record was
    accepted; else the records the CRM accepted and pac recorded (the next run does not send them again)."""
    if not written:
        return "nothing was written and no watermark moved"
    records = "record" if written == 1 else "records"
    return f"{written} {records} written before the stop; the rest next run, as no watermark moved"


def _evaluator(engine: Engine, settings: Settings, connectors: Sequence[str], plan_id: str, now: datetime, *,
               full: bool, dry_run: bool) -> Evaluator:
    """The run's evaluation: ``evaluate()`` on the store's columns; with ``engine.incremental_nights: true`` the
    incremental night (``sync_jobs.incremental_night``: from the plan's kept state, equal field by field to
    ``evaluate()``; a full night for ``pac sync --full`` or without kept state; a dry run evaluates in full and
    saves nothing). Off by default: on columns a night costs more than a full evaluation today (docs/engine.md)."""
    if not settings.engine.incremental_nights:
        def full_evaluation(plan: Plan, records: Records | RecordColumns, as_of: datetime) -> Evaluation:
            return evaluate(plan, records, as_of, settings)

        return full_evaluation
    return night_evaluator(engine, plan_id, connectors, lambda plan: engine_settings(settings, plan.currency),
                           full=full, dry_run=dry_run, now=now)
