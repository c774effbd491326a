"""The store as one run sees it: a unit of work the run's steps read and write through, the same for every run.

``UnitOfWork`` (a real run) commits each write as the run goes, in the order that makes a run idempotent and
resumable (``sync_jobs.pipeline``): records as they are pulled, "last written" after each accepted batch, the
run log with its rejections and the watermarks last, in one transaction. It holds the plan's run lock for the
run (``guard``) and closes the run as ``failed`` if an exception escapes.

``DryRun`` is the unit of work of ``pac sync --dry-run``: it is never committed. Its writes are kept in memory
for the rest of the run and then discarded; its reads see the store with them laid over: the pulled records and
the deletions a full read finds (the only things a run reads back). Its writer records the changes and sends
nothing (CRM writes are not transactional). So a dry run goes through exactly the steps of a real run and returns
exactly the changes it would send, and leaves nothing anywhere: no CRM write, no store write, no watermark. It
takes no lock and holds no database transaction, so it never blocks a real run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Engine, select

from connectors.base import HistoryRead, KeptRates, ObjectKind
from pac_core.columnar import RecordColumns
from pac_core.records import Account, AccountChange, Record, Records, Rejected, User
from sync_jobs.hooks import RunHooks
from sync_jobs.interrupts import ABANDONED_HEAD, NOTHING_LOST, interruption, note_run_opened
from sync_jobs.lock import LockLost, ensure_held, run_lock
from sync_jobs.logs import event, redact
from sync_jobs.store import records as store_records
from sync_jobs.store import repo
from sync_jobs.store.codec import kind_of
from sync_jobs.store.tables import FieldState, Override, StoredRecord, Watermark, Written
from sync_jobs.writeback import CrmWriter, RecordingWriter, Writer

log = logging.getLogger("pac.sync")
Clock = Callable[[], datetime]
T = TypeVar("T")
# the API usage of a run's connectors so far, per connector, as the run log keeps it (``steps.usage``)
Spent = Callable[[], Mapping[str, Mapping[str, Any]]]
# the records a run read (and wrote) so far, per object, as the run log counts them (``steps.counted_so_far``)
Counted = Callable[[], Mapping[str, Mapping[str, int]]]
# the rejections a run met so far, the connectors' and the engine's (``steps.rejections_so_far``)
Met = Callable[[], Sequence[Rejected]]

# what an interrupted run means for the next one (run errors, ``pac sync``'s message)
INTERRUPTED_NEXT = f"{NOTHING_LOST} (no watermark moved; what a CRM accepted is kept)"
# the error of a run left ``running`` by a process that ended without closing it, closed by the next run
ABANDONED = f"{ABANDONED_HEAD} (killed, or its machine stopped); {INTERRUPTED_NEXT}"


class UnitOfWork:
    """A real run's store: every write committed as the run goes."""

    discards = False     # a dry run's unit of work discards its writes

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.run_id: int | None = None      # the run this unit of work started (``start_run``): the only one it closes

    @contextlib.contextmanager
    def guard(self, plan_id: str, *, wait: float, clock: Clock, stop: Callable[[], None] | None = None,
              spent: Spent | None = None, counted: Counted | None = None, met: Met | None = None) -> Iterator[None]:
        """Hold the plan's run lock (``LockHeld`` after ``wait`` seconds; ``stop`` is called while it waits, and
        raises to stop waiting: ``sync_jobs.interrupts``); an exception that escapes closes the
        run it started, by its id, as ``failed`` (redacted error, no watermark moved), then propagates. Once the lock
        is held, every older run of the plan still marked ``running`` is closed as ``failed`` (``ABANDONED``):
        holding the lock shows its process is gone (killed by SIGKILL, the machine down), and ``pac status`` no
        longer shows it running for ever. A run whose lock was lost while it went on (``LockLost``) was closed so
        by the run that took the lock over; it then writes its real cause over that on its own row, and never
        touches the other run's. ``spent``: the API calls the run's connectors made so far, kept on the run it closes
        so (an interrupted run spent them on the CRM's daily allocation all the same: audit newcomer3 L1); ``counted``:
        the records it read so far, kept with them (``pac status`` showed "read 0": audit newcomerleft); ``met``: the
        rejections it met so far, kept with its row (``pac status`` and ``pac explain`` showed none: audit
        leftsmall)."""
        with run_lock(self.engine, plan_id, wait=wait, sleep=stoppable_sleep(stop)):
            closed = repo.close_running_runs(self.engine, plan_id, clock(), ABANDONED)
            if closed:
                event(log, "sync.abandoned_runs_closed", plan=plan_id, runs=",".join(map(str, closed)))
            try:
                yield
            except BaseException as exc:
                self._close_crashed_runs(plan_id, exc, clock, spent, counted, met)
                raise

    def writer(self, hooks: RunHooks, *, batch_size: int, progress: Callable[..., None] | None,
               stop: Callable[[], None] | None = None) -> Writer:
        return CrmWriter(self, hooks, batch_size=batch_size, progress=progress, stop=stop)

    # -- reads ---------------------------------------------------------------------------------------
    def watermarks(self, connector: str) -> dict[tuple[str, str], Watermark]:
        return repo.watermarks(self.engine, connector)

    def crm_labels(self, connector: str) -> dict[str, Any] | None:
        return repo.crm_labels(self.engine, connector)

    def crm_rates(self, connector: str) -> KeptRates | None:
        return repo.crm_rates(self.engine, connector)

    def written(self, plan_id: str, connector: str) -> dict[tuple[str, str], Written]:
        return repo.written(self.engine, plan_id, connector)

    def field_states(self, plan_id: str) -> dict[tuple[str, str, str], FieldState]:
        return repo.field_states(self.engine, plan_id)

    def account_axes(self, connector: str, other_than: str | None = None) -> dict[str, dict[str, tuple[str, ...]]]:
        return repo.account_axes(self.engine, connector, other_than)

    def written_accounts(self, connector: str, other_than: str | None = None) -> dict[str, list[repo.WrittenAccount]]:
        return repo.written_accounts(self.engine, connector, other_than)

    def save_account_axes(self, plan_id: str, connector: str, rows: Mapping[str, tuple[str, ...]],
                          now: datetime) -> int:
        ensure_held()
        return repo.save_account_axes(self.engine, plan_id, connector, rows, now)

    def overrides(self, plan_id: str) -> list[Override]:
        return repo.overrides(self.engine, plan_id)

    def load_records(self, connectors: list[str], rejected: Iterable[Rejected]) -> Records | RecordColumns:
        """What the engine reads: the stored records as columns (``store.records.load_columns``: one SELECT per
        kind, no record object)."""
        return store_records.load_columns(self.engine, connectors, rejected)

    def user_emails(self, connector: str) -> set[str]:
        return store_records.user_emails(self.engine, connector)

    def line_holders(self, connector: str, line_ids: Iterable[str]) -> dict[str, str]:
        """Line id -> the stored live deal of ``connector`` holding it (``store.records.line_holders``)."""
        return store_records.line_holders(self.engine, connector, line_ids)

    def deal_lines(self, connector: str) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        """Each live stored deal of ``connector`` with its stored lines (``store.records.deal_lines``)."""
        return store_records.deal_lines(self.engine, connector)

    def live_records(self, connector: str, kind: str, ids: Sequence[str]) -> dict[str, str]:
        """CRM id -> stored account id of the live records of ``kind`` among ``ids`` (``records.live_records``)."""
        return store_records.live_records(self.engine, connector, kind, ids)

    def stored_records(self, connector: str, kind: str, ids: Sequence[str]) -> dict[str, Record]:
        """CRM id -> the stored live record of ``kind`` among ``ids``, with its stamp (``records.live_by_id``)."""
        return store_records.live_by_id(self.engine, connector, kind, ids)

    def accounts_holding(self, connector: str, kind: str, account_ids: Sequence[str]) -> set[str]:
        """Those of ``account_ids`` holding a live stored record of ``kind`` (``records.holding_accounts``)."""
        return store_records.holding_accounts(self.engine, connector, kind, account_ids)

    def placements(self, connector: str, kind: str, ids: Sequence[str]) -> dict[str, tuple[str, tuple[str, ...]]]:
        """CRM id -> (stored account id, what placed it there) of the live records of ``kind`` among ``ids`` placed
        through their contacts (``records.placements``)."""
        return store_records.placements(self.engine, connector, kind, ids)

    def unplaced_records(self, connector: str, kind: str) -> list[str]:
        """The ids of the live records of ``kind`` stored with no account, placed by something noted
        (``records.unplaced_records``)."""
        return store_records.unplaced_records(self.engine, connector, kind)

    def several_companies_records(self, connector: str, kind: str) -> list[str]:
        """The ids of the live records of ``kind`` stored with other companies noted beside the one counted
        (``records.several_companies_records``)."""
        return store_records.several_companies_records(self.engine, connector, kind)

    def retired_records(self, connector: str, kind: str, since: datetime) -> list[str]:
        """The ids of ``kind`` retired since ``since`` with their whole record (``store.records.retired_records``)."""
        return store_records.retired_records(self.engine, connector, kind, since)

    def previous_rejections(self, plan_id: str, run_id: int | None) -> list[Rejected]:
        return repo.previous_rejections(self.engine, plan_id, run_id)

    # -- writes --------------------------------------------------------------------------------------
    def save_plan_version(self, plan_id: str, fingerprint: str, source_path: str, content: str,
                          now: datetime) -> bool:
        """Records the plan file's version; whether it is new (the file changed since the last one recorded)."""
        return repo.save_plan_version(self.engine, plan_id, fingerprint, source_path, content, now)[1]

    def save_engine_settings(self, plan_id: str, content: Mapping[str, Any], now: datetime) -> None:
        """The engine section the night runs with (``repo.save_engine_settings``): what a snapshot of a period
        closed by now, taken late, is evaluated with."""
        repo.save_engine_settings(self.engine, plan_id, content, now)

    def start_run(self, plan_id: str, now: datetime, *, full: bool) -> int | None:
        self.run_id = repo.start_run(self.engine, plan_id, now, full=full)
        note_run_opened()
        return self.run_id

    def upsert_records(self, connector: str, records: Iterable[Record], *, run_id: int | None,
                       now: datetime) -> store_records.Upserted:
        """The records stored; how many, and per kind how many live ones they retired (``records.upsert_records``)."""
        return store_records.upsert_records(self.engine, connector, records, run_id=run_id, now=now)

    def record_history(self, connector: str, changes: Sequence[AccountChange], *, run_id: int | None,
                       now: datetime, read: Sequence[HistoryRead] = ()) -> int:
        """The changes of the accounts' state fields the CRM kept, recorded where the store knows none of its own,
        and the accounts whose history was read (``read``), in one transaction (``records.record_history``)."""
        return store_records.record_history(self.engine, connector, changes, run_id=run_id, now=now, read=read)

    def account_changes_of(self, connector: str, ids: Sequence[str]) -> dict[str, list[AccountChange]]:
        """Account id -> its recorded state changes, in time order, for those of ``ids`` (``records.changes_of``)."""
        return store_records.changes_of(self.engine, connector, ids)

    def histories_read(self, connector: str, ids: Sequence[str]) -> dict[str, dict[str, str]]:
        """Account id -> {state field: the property its kept history was read from}, for those of ``ids`` whose
        history a full read read (``records.histories_read``)."""
        return store_records.histories_read(self.engine, connector, ids)

    def rerate_records(self, connector: str, kind: str, rerate: Callable[[Record], Record], *,
                       now: datetime) -> int:
        """The stored records of (connector, kind) with the CRM's new exchange rates (``Connector.rerate``)."""
        return store_records.rerate_records(self.engine, connector, kind, rerate, now=now)

    def mark_unseen_deleted(self, connector: str, kind: str, run_id: int | None, now: datetime) -> int:
        """After a full read: the stored records of (connector, kind) this run did not see are deleted."""
        if run_id is None:
            return 0
        return store_records.mark_unseen_deleted(self.engine, connector, kind, run_id, now)

    def save_field_states(self, plan_id: str, states: Iterable[Mapping[str, Any]],
                          events: Iterable[Mapping[str, Any]]) -> None:
        repo.save_field_states(self.engine, plan_id, states, events)

    def save_written(self, plan_id: str, connector: str,
                     rows: Iterable[tuple[str, str, str | None, Mapping[str, Any]]], now: datetime, *,
                     sent: bool = False) -> int:
        """``rows`` saved as last written; ``sent``: what the CRM accepted of this run's write (``CrmWriter``): the
        records it marks removed are kept on the run's row in the same transaction (``repo.save_written``)."""
        ensure_held()     # a run that lost its lock stops before saving more (``LockLost``)
        return repo.save_written(self.engine, plan_id, connector, rows, now, run_id=self.run_id if sent else None)

    def forget_written(self, plan_id: str, connector: str, items: Iterable[tuple[str, str, Iterable[str]]]
                       ) -> dict[tuple[str, str], str]:
        """Fields of records (by CRM id) removed from what was last written: the next run sends them again."""
        ensure_held()
        return repo.forget_written(self.engine, plan_id, connector, items)

    def drop_written(self, plan_id: str, connector: str, keys: Iterable[tuple[str, str]]) -> int:
        """Whole rows of records (``(target, key)``) removed from what was last written: the next diff sends every
        field of them (a record deleted in the CRM, ``repo.drop_written``)."""
        ensure_held()
        return repo.drop_written(self.engine, plan_id, connector, keys)

    def finish_run(self, run_id: int, *, status: str, now: datetime, counts: Mapping[str, Any],
                   api: Mapping[str, Any], errors: Iterable[str], rejections: Iterable[Rejected],
                   watermarks_seen: Mapping[tuple[str, str], datetime | None] | None,
                   full_objects: Iterable[tuple[str, str]], advice: Mapping[str, Any] | None = None,
                   readings: Mapping[tuple[str, str], str] | None = None,
                   labels: Mapping[str, Mapping[str, Any]] | None = None,
                   rates: Mapping[str, KeptRates] | None = None,
                   plan_warnings: Iterable[Mapping[str, Any]] = ()) -> None:
        """The run log, its rejections, its advice, the new watermarks (None: none moves), the scope picklists'
        labels read (``labels``, per connector), the dated exchange-rate rows read (``rates``) and the plan's
        warnings (``plan_warnings``: ``pac_core.plan_warnings.record``), in one transaction; ``LockLost`` instead
        when the run lost its lock (the run is then closed as failed, no watermark moved)."""
        ensure_held()
        repo.finish_run(self.engine, run_id, status=status, now=now, counts=counts, api=api, errors=errors,
                        watermarks_seen=watermarks_seen, full_objects=full_objects, rejections=rejections,
                        advice=advice, readings=readings, labels=labels, rates=rates, plan_warnings=plan_warnings)

    def _close_crashed_runs(self, plan_id: str, exc: BaseException, clock: Clock, spent: Spent | None,
                            counted: Counted | None = None, met: Met | None = None) -> None:
        """The run this guard started (by its id: after a ``LockLost`` another run of the plan may be running),
        closed as failed, or its error set right if the run that took its lost lock over closed it as abandoned,
        with the API calls ``spent`` so far (``pac status``'s "API calls" and "quota left" of the run) and the records
        ``counted`` so far (its "read") and the rejections ``met`` so far (its rejections table).
        Best effort: the store itself may be what failed, and the original exception is the one to report."""
        if isinstance(exc, KeyboardInterrupt):
            message = f"interrupted by {interruption(exc)}: {INTERRUPTED_NEXT}"
        else:
            # a lost lock is pac's own stop, explained (its database connection ended: a server restart, a failover),
            # not an "unexpected error" (audit schedhand: pac status read « unexpected error: LockLost »)
            what = "interrupted" if isinstance(exc, SystemExit) else "stopped" if isinstance(exc, LockLost) \
                else "unexpected error"
            first = str(exc).splitlines()[0] if str(exc) else ""
            message = redact(f"{what}: {type(exc).__name__}: {first}".rstrip(": "))
        if self.run_id is None:     # it failed before starting its run: no row of its own
            return
        try:
            repo.close_own_run(self.engine, self.run_id, clock(), message, replacing=ABANDONED_HEAD,
                               api=_so_far(spent), counts=_so_far(counted), rejections=_so_far(met))
        except Exception as again:
            log.warning(redact(f"could not close the failed run of {plan_id}: {type(again).__name__}: {again}"))


def _so_far(read: Callable[[], T] | None) -> T | None:
    """The API usage of the run's connectors, its counts or its rejections, at its stop; None when unknown (a
    connector failing to say it must not keep the run ``running``)."""
    if read is None:
        return None
    try:
        return read()
    except Exception as exc:
        log.warning(redact(f"could not read the figures of the stopped run: {type(exc).__name__}: {exc}"))
        return None


class DryRun(UnitOfWork):
    """A unit of work that is never committed: its writes live in memory until the run ends, then vanish."""

    discards = True

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.overlay: dict[tuple[str, str, str], Record] = {}     # (connector, kind, id) -> as the run stored it
        self.gone_emails: dict[str, set[str]] = {}                # connector -> e-mails of users a full read lost
        self.now: datetime | None = None                          # the instant the run stores its records at
        self.history: list[AccountChange] = []                    # the CRM's kept state changes, as the run got them

    @contextlib.contextmanager
    def guard(self, plan_id: str, *, wait: float, clock: Clock, stop: Callable[[], None] | None = None,
              spent: Spent | None = None, counted: Counted | None = None, met: Met | None = None) -> Iterator[None]:
        yield    # nothing is written: no lock to hold, no run to close

    def writer(self, hooks: RunHooks, *, batch_size: int, progress: Callable[..., None] | None,
               stop: Callable[[], None] | None = None) -> Writer:
        return RecordingWriter()

    def load_records(self, connectors: list[str], rejected: Iterable[Rejected]) -> Records | RecordColumns:
        """The stored records with the run's writes laid over them, as objects (a dry run evaluates in full)."""
        stored = store_records.load_records(self.engine, connectors, rejected)
        if not self.overlay:
            return stored
        merged: dict[str, dict[tuple[str, str], Any]] = {}
        for kind in ("accounts", "activities", "deals", "users"):
            merged[kind] = {(r.source, r.id): r for r in getattr(stored, kind)}
        changes = list(stored.account_changes)
        for (source, kind, rid), record in self.overlay.items():
            old = merged[kind].get((source, rid))
            if isinstance(old, Account) and isinstance(record, Account) and self.now is not None:
                # the changes of state fields the real run would record (``store.records.upsert_records``)
                changes.extend(store_records.state_changes(old, dataclasses.replace(record, source=source), None,
                                                           self.now))
            merged[kind][(source, rid)] = record
        changes.extend(self._kept_history(changes, merged["accounts"]))
        changes.sort(key=lambda c: c.changed_at)      # in time order, as the store loads them
        return Records(accounts=tuple(merged["accounts"].values()), activities=tuple(merged["activities"].values()),
                       deals=tuple(merged["deals"].values()), users=tuple(merged["users"].values()),
                       rejected=stored.rejected, account_changes=tuple(changes))

    def _kept_history(self, recorded: Sequence[AccountChange], accounts: Mapping[tuple[str, str], Any]
                      ) -> list[AccountChange]:
        """The CRM's kept changes the real run would record (``records.kept_changes``), per connector."""
        out: list[AccountChange] = []
        for source in sorted({c.source for c in self.history}):
            known = {(c.account_id, c.field) for c in recorded if c.source == source}
            live = {rid for (s, rid), a in accounts.items() if s == source and not a.deleted}
            out.extend(store_records.kept_changes([c for c in self.history if c.source == source], known, live))
        return out

    def user_emails(self, connector: str) -> set[str]:
        pulled = {r.email.lower() for (c, _k, _i), r in self.overlay.items()
                  if c == connector and isinstance(r, User) and r.email}
        return (super().user_emails(connector) - self.gone_emails.get(connector, set())) | pulled

    def save_plan_version(self, plan_id: str, fingerprint: str, source_path: str, content: str,
                          now: datetime) -> bool:
        latest = repo.latest_plan_version(self.engine, plan_id)      # nothing recorded: whether it would be new
        return latest is None or latest.fingerprint != fingerprint

    def save_engine_settings(self, plan_id: str, content: Mapping[str, Any], now: datetime) -> None:
        pass

    def start_run(self, plan_id: str, now: datetime, *, full: bool) -> int | None:
        return None     # no run is logged

    def upsert_records(self, connector: str, records: Iterable[Record], *, run_id: int | None,
                       now: datetime) -> store_records.Upserted:
        """Laid over the stored records; the live records retired counted as the real run counts them: live in the
        overlay, else in the store."""
        out = store_records.Upserted()
        self.now = now
        unknown: dict[str, set[str]] = {}        # kind -> ids handed over deleted the overlay does not hold yet
        for record in records:
            key = (connector, kind_of(record), record.id)
            if getattr(record, "deleted", False):
                before = self.overlay.get(key)
                if before is None:
                    unknown.setdefault(key[1], set()).add(record.id)
                elif not getattr(before, "deleted", False):
                    out.retired(key[1], 1)
            self.overlay[key] = record
            out.stored += 1
        for kind, ids in unknown.items():
            out.retired(kind, len(store_records.live_records(self.engine, connector, kind, sorted(ids))))
        return out

    def record_history(self, connector: str, changes: Sequence[AccountChange], *, run_id: int | None,
                       now: datetime, read: Sequence[HistoryRead] = ()) -> int:
        """Kept in memory; ``load_records`` records them as the real run would (``records.kept_changes``); the
        accounts whose history was read are not kept (the real run reads them again)."""
        self.history.extend(changes)
        return len(changes)

    def rerate_records(self, connector: str, kind: str, rerate: Callable[[Record], Record], *,
                       now: datetime) -> int:
        """What the real run would convert again, laid over the stored records."""
        n = 0
        self.now = now
        for record in store_records.iter_records(self.engine, [connector], kind):
            if getattr(record, "deleted", False) or (connector, kind, record.id) in self.overlay:
                continue
            new = rerate(record)
            if new != record:
                self.overlay[(connector, kind, record.id)] = new
                n += 1
        return n

    def mark_unseen_deleted(self, connector: str, kind: str, run_id: int | None, now: datetime) -> int:
        """What the real run would mark, laid over the stored records (users, whose records carry no deleted flag,
        leave their e-mail in ``gone_emails``: a deleted user routes no action)."""
        seen = {rid for (c, k, rid) in self.overlay if c == connector and k == kind}
        if kind == ObjectKind.USERS.value:
            table = StoredRecord.__table__  # type: ignore[attr-defined]
            query = select(table.c.crm_id, table.c.email).where(
                table.c.connector == connector, table.c.kind == kind, table.c.deleted.is_(False))
            with self.engine.connect() as conn:
                unseen = [(crm_id, email) for crm_id, email in conn.execute(query) if crm_id not in seen]
            self.gone_emails.setdefault(connector, set()).update(str(e).lower() for _i, e in unseen if e)
            return len(unseen)
        gone = 0
        for record in store_records.iter_records(self.engine, [connector], kind):
            if record.id in seen or getattr(record, "deleted", True):
                continue
            gone += 1
            self.overlay[(connector, kind, record.id)] = dataclasses.replace(record, deleted=True)  # type: ignore[arg-type]  # a User has no deleted flag: never marked here
        return gone

    def save_field_states(self, plan_id: str, states: Iterable[Mapping[str, Any]],
                          events: Iterable[Mapping[str, Any]]) -> None:
        pass

    def save_written(self, plan_id: str, connector: str,
                     rows: Iterable[tuple[str, str, str | None, Mapping[str, Any]]], now: datetime, *,
                     sent: bool = False) -> int:
        return 0

    def save_account_axes(self, plan_id: str, connector: str, rows: Mapping[str, tuple[str, ...]],
                          now: datetime) -> int:
        return 0

    def forget_written(self, plan_id: str, connector: str, items: Iterable[tuple[str, str, Iterable[str]]]
                       ) -> dict[tuple[str, str], str]:
        return {}

    def drop_written(self, plan_id: str, connector: str, keys: Iterable[tuple[str, str]]) -> int:
        return 0

    def finish_run(self, run_id: int, *, status: str, now: datetime, counts: Mapping[str, Any],
                   api: Mapping[str, Any], errors: Iterable[str], rejections: Iterable[Rejected],
                   watermarks_seen: Mapping[tuple[str, str], datetime | None] | None,
                   full_objects: Iterable[tuple[str, str]], advice: Mapping[str, Any] | None = None,
                   readings: Mapping[tuple[str, str], str] | None = None,
                   labels: Mapping[str, Mapping[str, Any]] | None = None,
                   rates: Mapping[str, KeptRates] | None = None,
                   plan_warnings: Iterable[Mapping[str, Any]] = ()) -> None:
        pass


def stoppable_sleep(stop: Callable[[], None] | None) -> Callable[[float], None]:
    """``time.sleep`` for a lock's wait, calling ``stop`` before and after (it raises to stop waiting)."""
    if stop is None:
        return time.sleep

    def sleep(seconds: float) -> None:
        stop()
        time.sleep(seconds)
        stop()

    return sleep


def unit_of_work(engine: Engine, *, dry_run: bool) -> UnitOfWork:
    """The run's unit of work: committed as the run goes, or (a dry run) never."""
    return DryRun(engine) if dry_run else UnitOfWork(engine)
