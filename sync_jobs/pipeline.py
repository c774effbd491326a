"""The nightly run of one plan: lock, pull, store, evaluate, diff, write back, checkpoint.

Order of commits (what makes it idempotent and resumable):

1. records are upserted into the store as they are pulled (idempotent: keyed by connector and CRM id);
2. the plan's manager-editable values are decided from the file and the people's edits read from every CRM (the
   later change wins, ``sync_jobs.overrides``) and saved with their provenance (``pac_field_state``);
3. the plan (with those values) is evaluated on the stored records (pure engine);
4. per connector, only the fields that differ from what was last written are sent, in batches; after
   each batch the accepted records are saved as "last written" (a crash after that never re-sends them;
   refused records keep their old values and are retried on the next run);
5. last, the new watermarks and the run log are committed together. A run killed anywhere before
   step 5 leaves the old watermarks: the next run re-reads the same window (upserts are idempotent),
   re-evaluates, and sends only what the CRM does not have yet: no duplicate, no loss.

A dry run reads the CRMs but writes nothing anywhere (no CRM write, no store write, no watermark): it
returns the exact changes, per CRM record and field, that a real run would send. What a real run would
store is laid over the stored records in memory: the pulled records, the deletions a full read finds, and
the plan's state decided from the file and the CRM edits (as a real run decides it).

Rejections: a run reports each record left out once, per object: the records a connector could not
normalise (never stored) and the stored records the engine set aside (an activity with no account, a won
deal with no amount or in a currency with no rate...; reason ``rule: detail``). Both go to the run's
counts (``rejected``) and its rejections. The engine sets a stored record aside on every run until it is fixed
in the CRM, so such a record is reported every night; only the **new** ones make the run ``partial`` (exit 1):
those the previous finished run (``ok`` or ``partial``) of the plan did not reject with the same reason
(``counts[object]["rejected_new"]``). A write the CRM refused makes it ``partial`` too (retried next run).

An exception that escapes a real run (the store failing, a bug) closes its run log as ``failed`` with the
error (redacted) before it propagates, so no run stays ``running``; ``pac`` maps it to exit code 6.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from connectors.base import (
    AuthError,
    Connector,
    ConnectorError,
    PacValue,
    QuotaExhausted,
    RateLimited,
    SchemaError,
    Target,
    TransientError,
    WriteChange,
)
from pac_config.settings import PlanSettings, Settings
from pac_core.errors import InvalidInput
from pac_core.plan import Plan
from pac_core.records import Records, Rejected
from pac_core.results import Evaluation
from sync_jobs import account_targets, diff
from sync_jobs import overrides as plan_state
from sync_jobs.exit_codes import EXIT_BAD_INPUT, EXIT_CRM, EXIT_OK, EXIT_PARTIAL, EXIT_QUOTA
from sync_jobs.lock import run_lock
from sync_jobs.logs import event, redact, register_secret
from sync_jobs.pull import PullOutcome, pull_connector
from sync_jobs.store import open_store, repo
from sync_jobs.store import records as store_records
from sync_jobs.writeback import write_changes

log = logging.getLogger("pac.sync")
Clock = Callable[[], datetime]
CRASH_ENV = "PAC_TEST_CRASH_AT"   # test hook: "after_writes" kills the process before the checkpoint
PAUSE_ENV = "PAC_TEST_PAUSE_AT"   # test hook: "before_writes:<file>" waits, lock held, until <file> exists


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class RunResult:
    plan_id: str
    status: str                 # ok, partial, failed, quota_stopped, dry_run
    exit_code: int
    run_id: int | None = None
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    api: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    changes: dict[str, list[WriteChange]] = field(default_factory=dict)   # connector -> sent (or would send)
    previous: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # connector -> key -> last written
    evaluation: Evaluation | None = None
    plan: Plan | None = None
    timings: dict[str, float] = field(default_factory=dict)   # seconds: pull, load, evaluate, write
    # every record left out, once: connector rejections first, then the stored records the engine set aside
    rejections: list[Rejected] = field(default_factory=list)
    # those not rejected with the same reason by the previous finished run (they, or a failed write, make a run partial)
    new_rejections: list[Rejected] = field(default_factory=list)
    labels: dict[tuple[str, str, str], str] = field(default_factory=dict)   # (source, object, id) -> subject/name
    # records counted with a data-quality problem (a won deal with no amount: won, worth 0); never make a run partial
    warnings: list[Rejected] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)        # editable values changed on several sides (overrides)
    state_changes: dict[tuple[str, str, str], Any] = field(default_factory=dict)   # (t, key, f) -> Change
    drift: list[str] = field(default_factory=list)            # hand-changed PAC fields restored

    @property
    def written(self) -> int:
        """PAC records (axes and actions) created or updated in the CRMs."""
        return sum(c.get("written", 0) for obj, c in self.counts.items() if obj != Target.ACCOUNT.value)

    @property
    def accounts_written(self) -> int:
        """Accounts whose PAC fields (axes targeting them, target flag) were updated."""
        return self.counts.get(Target.ACCOUNT.value, {}).get("written", 0)


def load_plan_file(ps: PlanSettings) -> tuple[Plan, str]:
    from pac_config.planfile import load_plan, plan_fingerprint

    return load_plan(ps.file), plan_fingerprint(ps.file)


def evaluate(plan: Plan, records: Records, as_of: datetime, settings: Settings, *,
             explain: bool | Sequence[str] = False) -> Evaluation:
    from pac_config.settings import engine_settings
    from pac_core.engine import evaluate as engine_evaluate

    return engine_evaluate(plan, records, as_of=as_of, settings=engine_settings(settings, plan.currency),
                           explain=explain)


def effective_plan(engine, plan: Plan) -> tuple[Plan, list[str]]:  # type: ignore[no-untyped-def]
    """The plan file with the stored state of its manager-editable values applied (``sync_jobs.overrides``):
    the CRM edits accepted by the last run, unless the file changed the value since."""
    states = repo.field_states(engine, plan.id)
    values = {k: row.value for k, row in states.items()}
    files = plan_state.file_values(plan)
    for k, row in states.items():
        if k in files and not plan_state.same(row.file_value, files[k]):
            values[k] = files[k]          # edited in the file since the last run: the next run decides
    return plan_state.apply_overrides(plan, plan_state.overrides_of(plan, values))


def _file_changed_at(ps: PlanSettings, now: datetime) -> datetime:
    """When the plan file was last changed: its modification time (never later than ``now``)."""
    try:
        return min(datetime.fromtimestamp(ps.file.stat().st_mtime, UTC), now)
    except OSError:
        return now


def _with_echoes(engine, plan_id: str, written: dict[str, dict[tuple[str, str], Any]],  # type: ignore[no-untyped-def]
                 echoes: Sequence[tuple[str, str, str, str, Any]], now: datetime, *, store: bool
                 ) -> dict[str, dict[tuple[str, str], Any]]:
    """A CRM that holds a value already (the manager's edit there) needs no write of it: record it as "last
    written" to that CRM (stored on a real run), so the diff sends it only to the other CRMs."""
    out = {n: dict(rows) for n, rows in written.items()}
    by_connector: dict[str, list[tuple[str, str, str | None, dict[str, Any]]]] = {}
    for connector, target, key, logical, value in echoes:
        rows = out.get(connector)
        if rows is None or (target, key) not in rows:
            continue
        row = rows[(target, key)]
        rows[(target, key)] = SimpleNamespace(crm_id=row.crm_id, fields={**row.fields, logical: value})
        by_connector.setdefault(connector, []).append((target, key, None, {logical: value}))
    if store:
        for connector, rows in by_connector.items():
            repo.save_written(engine, plan_id, connector, rows, now)
    return out


def _drifted(written: Mapping[str, Mapping[tuple[str, str], Any]], observed: Sequence[tuple[str, Any]],
             desired: Mapping[tuple[Target, str], Mapping[str, Any]],
             routes: Mapping[str, set[tuple[Target, str]]]) -> tuple[dict[str, dict[tuple[str, str], Any]], list[str]]:
    """Drift repair: a PAC field whose value read from a CRM differs from what it should be (a hand change to a
    computed field, or a refused or automated change to an editable one) is forgotten from "last written" to that
    CRM, so the diff sends it again. Compared with the CRM's actual value, not only with pac's checkpoint."""
    out = {n: dict(rows) for n, rows in written.items()}
    drift: list[str] = []
    for connector, item in observed:
        logical = plan_state.LOGICAL.get(item.field, item.field) if not isinstance(item, PacValue) else item.field
        want = desired.get((item.target, item.key))
        if want is None or logical not in want or (item.target, item.key) not in routes.get(connector, ()):
            continue
        rows = out.get(connector)
        row = rows.get((item.target.value, item.key)) if rows is not None else None
        if row is None or logical not in row.fields or plan_state.same(item.value, want[logical]):
            continue
        fields = {k: v for k, v in row.fields.items() if k != logical}
        rows[(item.target.value, item.key)] = SimpleNamespace(crm_id=row.crm_id, fields=fields)  # type: ignore[index]
        drift.append(f"{connector} {item.key} {logical}: {item.value!r} in the CRM, restored to {want[logical]!r}")
    return out, drift


_DEAL_RULES = frozenset({"no_close_date", "no_amount", "negative_amount", "unknown_currency"})


def engine_rejections(evaluation: Evaluation, records: Records, already: Sequence[Rejected] = ()
                      ) -> tuple[list[Rejected], dict[tuple[str, str, str], str]]:
    """The stored records the engine set aside, as ``Rejected`` (reason ``rule: detail``), each record once and
    none that a connector already rejected in this run (``already``); plus their labels (activity subject,
    deal name) keyed by (source, object, id)."""
    activities = {(a.source, a.id): a.subject for a in records.activities}
    deals = {(d.source, d.id): d.name for d in records.deals}
    seen = {(r.source, r.object, r.id) for r in already}
    out: list[Rejected] = []
    labels: dict[tuple[str, str, str], str] = {}
    for d in evaluation.rejected:
        key = (d.source, d.record_id)
        if key in deals and key not in activities:
            obj = "deals"
        elif key in activities and key not in deals:
            obj = "activities"
        else:   # an id both kinds share (or neither): the rule tells
            obj = "deals" if d.rule in _DEAL_RULES or "deal" in d.detail else "activities"
        full = (d.source, obj, d.record_id)
        if full in seen:
            continue
        seen.add(full)
        out.append(Rejected(d.source, obj, d.record_id, f"{d.rule}: {d.detail}" if d.detail else d.rule))
        labels[full] = (deals if obj == "deals" else activities).get(key, "") or ""
    return out, labels


def new_rejections(engine, plan_id: str, run_id: int | None,  # type: ignore[no-untyped-def]
                   rejections: Sequence[Rejected]) -> list[Rejected]:
    """The rejections that are new: not rejected with the same reason (compared redacted, as stored) by the plan's
    previous finished run (``repo.previous_rejections``). The others are known: reported, but no run is partial
    because of them, so exit code 1 keeps meaning "something changed: look"."""
    if not rejections:
        return []
    known = repo.previous_rejections(engine, plan_id, run_id)
    return [r for r in rejections if (r.source, r.object, r.id, redact(r.reason)) not in known]


def _crash_point(name: str) -> None:
    if os.environ.get(CRASH_ENV) == name:
        os._exit(77)


def _pause_point(name: str) -> None:
    """Test hook: with ``PAC_TEST_PAUSE_AT=<name>:<file>``, write ``<file>.paused`` and wait until ``<file>`` exists."""
    point, _, release = os.environ.get(PAUSE_ENV, "").partition(":")
    if point == name and release:
        from pathlib import Path

        Path(release + ".paused").touch()
        while not Path(release).exists():
            time.sleep(0.02)


def run_sync(plan_ref: str | None, settings: Settings, *, connectors: Mapping[str, Connector] | None = None,
             clock: Clock = utc_now, dry_run: bool = False, full: bool = False, wait: float = 0.0,
             as_of: datetime | None = None, progress: Callable[..., None] | None = None,
             env: Mapping[str, str] | None = None, evaluator: Callable[..., Evaluation] | None = None) -> RunResult:
    """Run the sync of one plan (``plan_ref``: its name in the settings, or None for the only one).

    ``as_of`` (else the plan's configured ``as_of``, else the clock) is the evaluation date.
    Raises ``LockHeld`` when another run holds the plan's lock after ``wait`` seconds, ``InvalidInput``
    for a bad plan or settings. CRM failures do not raise: they give the result's status and exit code.
    """
    ps = settings.plan(plan_ref)
    plan, fingerprint = load_plan_file(ps)
    engine = open_store(settings.database())
    owned = connectors is None
    try:
        if connectors is None:
            from sync_jobs.factory import build_connectors

            connectors = build_connectors(settings, ps.connectors, env)
        missing = [n for n in ps.connectors if n not in connectors]
        if missing:
            raise InvalidInput(f"plan {ps.key!r} uses connectors {missing} that were not built",
                               "check the plan's connectors in the settings")
        if dry_run:
            return _run(engine, ps, plan, fingerprint, settings, connectors, clock, True, full, as_of, progress,
                        evaluator)
        with run_lock(engine, plan.id, wait=wait):
            before = _last_run_id(engine, plan.id)
            try:
                return _run(engine, ps, plan, fingerprint, settings, connectors, clock, False, full, as_of,
                            progress, evaluator)
            except BaseException as exc:
                _close_crashed_runs(engine, plan.id, before, exc, clock)
                raise
    finally:
        if owned and connectors:
            for c in connectors.values():
                c.close()
        engine.dispose()


def _run(engine, ps: PlanSettings, plan: Plan, fingerprint: str, settings: Settings,  # type: ignore[no-untyped-def]
         connectors: Mapping[str, Connector], clock: Clock, dry_run: bool, full: bool, as_of: datetime | None,
         progress: Callable[..., None] | None, evaluator: Callable[..., Evaluation] | None) -> RunResult:
    now = clock()
    names = list(ps.connectors)
    result = RunResult(plan_id=plan.id, status="running", exit_code=EXIT_OK, plan=plan)
    if not dry_run:
        repo.save_plan_version(engine, plan.id, fingerprint, str(ps.file), ps.file.read_text(encoding="utf-8"), now)
        result.run_id = repo.start_run(engine, plan.id, now, full=full)
    event(log, "sync.start", plan=plan.id, run=result.run_id, dry_run=dry_run, full=full)
    pulled = PullOutcome()
    status, code = "ok", EXIT_OK
    set_aside: list[Rejected] = []
    tick = time.perf_counter()
    try:
        for name in names:
            remember = getattr(connectors[name], "remember_written", None)
            if remember is not None:    # HubSpot: no property-history read for records holding pac's own values
                remember(repo.written(engine, plan.id, name))
            pull_connector(engine, connectors[name], run_id=result.run_id, now=now,
                           reconciliation_days=settings.connector(name).reconciliation_days, full=full,
                           dry_run=dry_run, outcome=pulled, progress=progress)
            for secret in getattr(connectors[name], "secrets", list)():  # live sessions exist only now
                register_secret(secret)
        written = {n: repo.written(engine, plan.id, n) for n in names}
        states = repo.field_states(engine, plan.id)
        legacy = {} if states else {(o.target, o.key, o.field): o for o in repo.overrides(engine, plan.id)}
        decision = plan_state.decide(plan, states, pulled.edits, written, file_changed_at=_file_changed_at(ps, now),
                                     now=now, order=names, run_id=result.run_id, legacy=legacy)
        written = _with_echoes(engine, plan.id, written, decision.echoes, now, store=not dry_run)
        if not dry_run:
            repo.save_field_states(engine, plan.id, decision.new_states, decision.events)
        result.conflicts = [c.describe() for c in decision.conflicts]
        result.state_changes = {k: c for k, c in decision.changed.items()}
        result.timings["pull"] = time.perf_counter() - tick
        tick = time.perf_counter()
        effective, refused = plan_state.apply_overrides(plan, plan_state.overrides_of(plan, decision.values))
        result.errors.extend(refused)
        records = _records(engine, names, pulled)
        result.timings["load"] = time.perf_counter() - tick
        tick = time.perf_counter()
        when = as_of or ps.as_of or now
        evaluation = (evaluator or (lambda p, r, a: evaluate(p, r, a, settings)))(effective, records, when)
        result.evaluation, result.plan = evaluation, effective
        set_aside, result.labels = engine_rejections(evaluation, records, pulled.rejected)
        names_of = {(d.source, d.id): d.name for d in records.deals}
        result.warnings = [Rejected(w.source, "deals", w.record_id, f"{w.rule}: {w.detail}")
                           for w in evaluation.warnings]
        result.labels.update({(w.source, "deals", w.id): names_of.get((w.source, w.id), "") for w in result.warnings})
        desired = diff.desired_state(effective, evaluation)
        users_of = {n: (store_records.user_emails(engine, n) - pulled.gone_emails.get(n, set()))
                    | _overlay_emails(pulled, n) for n in names}
        routes = diff.route(effective, names, users_of)
        written, result.drift = _drifted(written, pulled.edits, desired, routes)
        accounts = _account_changes(effective, records, when, settings, connectors, names, written)
        result.timings["evaluate"] = time.perf_counter() - tick
        _pause_point("before_writes")
        tick = time.perf_counter()
        for name in names:
            last = written[name]
            kept = diff.kept_by(desired, connectors[name])   # the fields this CRM keeps
            changes = diff.changes_for(kept, routes[name], last, now) + accounts.get(name, [])
            result.changes[name] = changes
            result.previous[name] = {c.key: dict(last[(c.target.value, c.key)].fields) for c in changes
                                     if (c.target.value, c.key) in last}
            if dry_run or not changes:
                continue
            note = getattr(connectors[name], "note_axis_targets", None)
            if callable(note):   # HubSpot links each axis to the companies it targets, under a cap: all of them
                note(plan.id, account_targets.axis_companies(last, accounts.get(name, [])))
            outcome = write_changes(engine, plan.id, connectors[name], changes,
                                    batch_size=settings.writeback.batch_size, now=now, progress=progress)
            for target, n in outcome.written.items():
                _count(result, target, "written", n)
            for target, n in outcome.failed.items():
                _count(result, target, "failed", n)
            result.errors.extend(outcome.errors)
        result.timings["write"] = time.perf_counter() - tick
        _crash_point("after_writes")
        result.new_rejections = new_rejections(engine, plan.id, result.run_id, [*pulled.rejected, *set_aside])
        if result.new_rejections or any(c.get("failed") for c in result.counts.values()):
            status, code = "partial", EXIT_PARTIAL
    except QuotaExhausted as exc:
        status, code = "quota_stopped", EXIT_QUOTA
        result.errors.append(f"stopped before exceeding the configured share of the daily API allocation: {exc} "
                             "(the next run resumes where this one stopped)")
    except SchemaError as exc:
        status, code = "failed", EXIT_BAD_INPUT
        result.errors.append(f"CRM schema: {exc} (run `pac crm provision`)")
    except AuthError as exc:
        status, code = "failed", EXIT_CRM
        result.errors.append(f"credentials refused: {exc}")
    except (TransientError, RateLimited, ConnectorError) as exc:
        status, code = "failed", EXIT_CRM
        result.errors.append(f"CRM unreachable: {type(exc).__name__}: {exc}")
    for kind, n in pulled.read.items():
        _count(result, kind, "read", n)
    result.rejections = [*pulled.rejected, *set_aside]
    for rejected in result.rejections:
        _count(result, rejected.object, "rejected", 1)
    if status in ("ok", "partial"):   # the run got through: its rejections were compared with the previous run's
        for rejected in result.rejections:
            _count(result, rejected.object, "rejected_new", 0)
        for rejected in result.new_rejections:
            _count(result, rejected.object, "rejected_new", 1)
    for warned in result.warnings:
        _count(result, warned.object, "warnings", 1)
    for kind, n in pulled.deleted.items():
        _count(result, kind, "deleted", n)
    result.api = {name: _usage(c) for name, c in connectors.items() if name in names}
    result.errors = [redact(e) for e in result.errors]
    result.status, result.exit_code = ("dry_run" if dry_run and code == EXIT_OK else status), code
    if not dry_run and result.run_id is not None:
        repo.add_rejections(engine, result.run_id, result.rejections)
        advance = status in ("ok", "partial")
        repo.finish_run(engine, result.run_id, status=status, now=clock(), counts=result.counts, api=result.api,
                        errors=result.errors, watermarks_seen=pulled.watermarks if advance else None,
                        full_objects=pulled.full_objects if advance else ())
    event(log, "sync.end", plan=plan.id, run=result.run_id, status=result.status, written=result.written,
          accounts=result.accounts_written, rejected=len(result.rejections), errors=len(result.errors))
    return result


def _last_run_id(engine, plan_id: str) -> int:  # type: ignore[no-untyped-def]
    latest = repo.runs(engine, plan_id, limit=1)
    return int(latest[0].id or 0) if latest else 0


def _close_crashed_runs(engine, plan_id: str, after: int, exc: BaseException,  # type: ignore[no-untyped-def]
                        clock: Clock) -> None:
    """An exception escaped a run (held under the plan's lock): close the run it started as ``failed``, with
    the error (redacted), and without moving a watermark. Best effort: the store itself may be what failed."""
    what = "interrupted" if isinstance(exc, KeyboardInterrupt | SystemExit) else "unexpected error"
    message = redact(f"{what}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".rstrip(": "))
    try:
        for run in repo.runs(engine, plan_id, limit=5):
            if run.id is not None and run.id > after and run.status == "running":
                repo.finish_run(engine, run.id, status="failed", now=clock(), counts=run.counts or {},
                                api=run.api or {}, errors=[*(run.errors or []), message])
    except Exception as again:   # the original exception is the one to report
        log.warning(redact(f"could not close the failed run of {plan_id}: {type(again).__name__}: {again}"))


def _account_changes(plan: Plan, records: Records, when: datetime, settings: Settings,
                     connectors: Mapping[str, Connector], names: list[str],
                     written: Mapping[str, Mapping[tuple[str, str], Any]]) -> dict[str, list[WriteChange]]:
    """Per connector, the account PAC fields to update (see ``sync_jobs.account_targets``)."""
    from pac_config.settings import engine_settings

    declared = {n: account_targets.account_fields(connectors[n]) for n in names}
    if not any(declared.values()):
        return {}
    months = engine_settings(settings, plan.currency).dormant_default_months
    return account_targets.changes_by_connector(plan, records, when, declared, written, default_months=months)


def _count(result: RunResult, obj: str, what: str, n: int) -> None:
    bucket = result.counts.setdefault(obj, {})
    bucket[what] = bucket.get(what, 0) + n


def _usage(connector: Connector) -> dict[str, Any]:
    usage = connector.usage()
    return {"calls": usage.calls, "used": usage.used, "limit": usage.limit, "remaining": usage.remaining,
            "by_endpoint": dict(usage.by_endpoint)}


def _overlay_emails(pulled: PullOutcome, name: str) -> set[str]:
    from pac_core.records import User

    return {r.email.lower() for (c, _k, _i), r in pulled.overlay.items()
            if c == name and isinstance(r, User) and r.email}


def _records(engine, names: list[str], pulled: PullOutcome) -> Records:  # type: ignore[no-untyped-def]
    """The stored records, with a dry run's pulled records laid over them (dry runs store nothing)."""
    stored = store_records.load_records(engine, names, pulled.rejected)
    if not pulled.overlay:
        return stored
    merged: dict[str, dict[tuple[str, str], Any]] = {}
    for kind in ("accounts", "activities", "deals", "users"):
        merged[kind] = {(r.source, r.id): r for r in getattr(stored, kind)}
    for (source, kind, rid), record in pulled.overlay.items():
        merged[kind][(source, rid)] = record
    return Records(accounts=tuple(merged["accounts"].values()), activities=tuple(merged["activities"].values()),
                   deals=tuple(merged["deals"].values()), users=tuple(merged["users"].values()),
                   rejected=stored.rejected)
