"""Writers: how the write step hands its changes to a CRM.

``CrmWriter`` (a real run) sends batches of ``batch_size`` changes to ``connector.write`` (which itself splits into
the CRM's maximum per call) and, after each batch, saves the records the CRM accepted as "last written" right away,
so a crash after this point never re-sends them (in the same transaction, the axes and actions the batch marks
removed are kept on the run's row: ``repo.save_written``, ``retired_kept``); refused ones are left as they were
and retried on the next run, and so are the fields of an accepted record that the connector left unsent
(``WriteResult.unsent``: an owner with no active CRM user yet; the field that makes a link that failed,
``WriteResult.link_error``). A record the upsert created (``WriteResult.created``) has its "last written" row
replaced by what this write sent: for a key pac had written, the record was deleted in the CRM, and the pipeline
sends the rest of it (``outcome.created``).
After the writes, ``settle_links`` lets the connector reconcile the links it keeps apart from fields (HubSpot
associations, on a run that read every account); a link it could not make has the field that makes it forgotten
from what was last written, so the next run sends it again. A failed link is an error of the run (counted
``links_failed``: the run is partial), never a refused write.
CRM writes are not transactional: a dry run's ``RecordingWriter`` records the changes and sends nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from connectors.base import Connector, ConnectorError, Target, WriteChange, WriteResult, checked_writes
from sync_jobs.hooks import RunHooks
from sync_jobs.lock import ensure_held
from sync_jobs.logs import event, redact

log = logging.getLogger("pac.sync")


LINK_EXAMPLES = 3     # records named in a failed links' error line, the others counted


@dataclass(frozen=True)
class Unlinked:
    """A record written whose links failed (``WriteResult.link_error``), with the fields withheld for them."""

    target: str
    key: str
    crm_id: str | None
    error: str
    fields: Mapping[str, Any]


@dataclass
class WriteOutcome:
    written: dict[str, int] = field(default_factory=dict)     # target -> records accepted
    failed: dict[str, int] = field(default_factory=dict)      # target -> records refused
    links_failed: dict[str, int] = field(default_factory=dict)   # target -> records whose links failed
    errors: list[str] = field(default_factory=list)
    # records written whose links failed, with the fields withheld for it: reported by ``settle_links``, unless the
    # run's full reconciliation of links makes them (then those fields are recorded as written)
    unlinked: list[Unlinked] = field(default_factory=list)
    # the records an upsert created ((target, key), ``WriteResult.created``): what was last written to each is what
    # this write sent, nothing more; the pipeline sends the whole record of those pac had written before
    created: list[tuple[str, str]] = field(default_factory=list)



class Writer(Protocol):
    def write(self, plan_id: str, connector: Connector, changes: Sequence[WriteChange], *,
              now: datetime) -> WriteOutcome: ...

    def settle_links(self, plan_id: str, connector: Connector, unlinked: Sequence[Unlinked] = (), *,
                     now: datetime | None = None) -> WriteOutcome: ...


class WrittenStore(Protocol):
    """Where a writer checkpoints what a CRM accepted (``sync_jobs.unit_of_work.UnitOfWork``)."""

    def save_written(self, plan_id: str, connector: str,
                     rows: Iterable[tuple[str, str, str | None, Mapping[str, Any]]], now: datetime, *,
                     sent: bool = False) -> int: ...

    def forget_written(self, plan_id: str, connector: str, items: Iterable[tuple[str, str, Iterable[str]]]
                       ) -> dict[tuple[str, str], str]: ...

    def drop_written(self, plan_id: str, connector: str, keys: Iterable[tuple[str, str]]) -> int: ...


def link_errors(connector: str, failed: Iterable[tuple[str, str | None, str]]) -> list[str]:
    """One error line per kind of record and failure (``(target, record key or None, error)``), naming a few
    records: ``hs-west action K1, K2 (+2 more): link to its axis ...: HTTP 502 ... (the next run makes it again)``.
    A failure naming no record is settled by the next full reconciliation."""
    groups: dict[tuple[str, str, bool], list[str]] = {}
    for target, key, error in failed:
        groups.setdefault((target, error, key is not None), []).append(key or "")
    out = []
    for (target, error, named), keys in groups.items():
        if not named:
            out.append(redact(f"{connector}: {error} (the next full reconciliation settles it: "
                              "`pac sync --full` does it now)"))
            continue
        keys = sorted(dict.fromkeys(keys))
        more = f" (+{len(keys) - LINK_EXAMPLES} more)" if len(keys) > LINK_EXAMPLES else ""
        out.append(redact(f"{connector} {target} {', '.join(keys[:LINK_EXAMPLES])}{more}: {error} (not recorded "
                          "as written: the next run makes the link again)"))
    return out


TARGET_ORDER = tuple(Target)       # axis, action, account


def batches(changes: Sequence[WriteChange], size: int) -> Iterator[list[WriteChange]]:
    """``changes`` in batches of at most ``size`` changes of one target each: the axes first (the actions link to
    them), then the actions, then the accounts, each target's changes in their order. A CRM whose batch endpoints
    take one object type each (HubSpot, 100 records a call) then makes the fewest calls: batches of 200 mixed
    changes made 14 company updates for 1,236 companies, not 13 (audit bigplan); Salesforce's connector sends one
    sObject Collections call per object type of a batch, so it makes as many calls either way."""
    ordered = sorted(changes, key=lambda c: TARGET_ORDER.index(c.target))     # stable: each target keeps its order
    start = 0
    while start < len(ordered):
        target = ordered[start].target
        end = start
        while end < len(ordered) and end - start < size and ordered[end].target is target:
            end += 1
        yield ordered[start:end]
        start = end


class CrmWriter:
    """Sends the changes, batch by batch; ``QuotaExhausted`` and other connector errors propagate after the
    batches already accepted have been checkpointed, and so have the records of the batch under way that the CRM
    accepted before the stop (``ConnectorError.partial``): the error carries the ``WriteOutcome`` of them all
    (``ConnectorError.outcome``), so the run counts what was written before the stop."""

    def __init__(self, store: WrittenStore, hooks: RunHooks, *, batch_size: int,
                 progress: Callable[..., None] | None = None, stop: Callable[[], None] | None = None) -> None:
        self.store, self.hooks, self.batch_size, self.progress = store, hooks, batch_size, progress
        self.stop = stop       # called before each batch: raises to stop the run (``sync_jobs.interrupts``)

    def write(self, plan_id: str, connector: Connector, changes: Sequence[WriteChange], *,
              now: datetime) -> WriteOutcome:
        outcome = WriteOutcome()
        done = 0
        for batch in batches(changes, self.batch_size):
            if self.stop is not None:   # a stop asked (pac schedule stopping): nothing more is sent
                self.stop()
            ensure_held()   # a run that lost its lock sends nothing more (``LockLost``): another may hold it now
            with checked_writes(ensure_held):   # nor the next call of the batch (several calls: axes, actions...)
                try:
                    results: Sequence[WriteResult | None] = connector.write(batch)
                except ConnectorError as exc:   # a stop: what the CRM answered before it is kept, then it goes up
                    if exc.partial is not None and len(exc.partial) == len(batch):
                        self._record(plan_id, connector, batch, exc.partial, outcome, now)
                    exc.outcome = outcome
                    raise
            self.hooks.after_crm_write(connector.name)
            accepted = self._record(plan_id, connector, batch, results, outcome, now)
            done += len(batch)
            targets = sorted({c.target.value for c in batch})
            event(log, "sync.batch", crm=connector.crm, connector=connector.name, object=",".join(targets),
                  records=len(batch), accepted=accepted)
            if self.progress:
                self.progress("write", connector=connector.name, done=done, total=len(changes))
        return outcome

    def _record(self, plan_id: str, connector: Connector, batch: Sequence[WriteChange],
                results: Sequence[WriteResult | None], outcome: WriteOutcome, now: datetime) -> int:
        """Count a batch's results in ``outcome`` and checkpoint the records the CRM accepted (a change without a
        result was not sent: a stop came first); returns how many were saved as written."""
        accepted = []
        created: list[tuple[str, str]] = []
        for change, result in zip(batch, results, strict=True):
            if result is None:
                continue
            target = change.target.value
            if result.ok and result.link_error:     # written, but not its links: said by settle_links
                outcome.unlinked.append(Unlinked(target, change.key, result.crm_id or change.crm_id,
                                                 result.link_error, {k: v for k, v in change.fields.items()
                                                                     if k in result.link_fields}))
            if result.ok:       # what was sent (not the fields left unsent), + the CRM's stamp of pac's write
                sent = {k: v for k, v in change.fields.items() if k not in result.unsent}
                if not sent:    # nothing of it could be sent (an owner with no active user yet): tried next run
                    continue
                accepted.append((target, change.key, result.crm_id or change.crm_id,
                                 {**sent, **result.recorded()}))
                if result.created:      # a new record holds what was sent, nothing of an older write
                    created.append((target, change.key))
                if result.stored:   # else accepted, kept nowhere in this CRM (HubSpot fallback: axes)
                    outcome.written[target] = outcome.written.get(target, 0) + 1
            else:
                outcome.failed[target] = outcome.failed.get(target, 0) + 1
                again = "retried next run" if result.retryable else "sent again each night until fixed in the CRM"
                outcome.errors.append(redact(f"{connector.name} {change.key}: {result.error} ({again})"))
        if created:
            self.store.drop_written(plan_id, connector.name, created)
            outcome.created.extend(created)
        # sent: the records this write marks removed are kept on the run's row with them (audit removedrec)
        self.store.save_written(plan_id, connector.name, accepted, now, sent=True)
        return len(accepted)

    def settle_links(self, plan_id: str, connector: Connector, unlinked: Sequence[Unlinked] = (), *,
                     now: datetime | None = None) -> WriteOutcome:
        """The connector's reconciliation of links (``Connector.settle_links``: None, and no call, unless the run
        read every account); the field that makes each failed link again is forgotten from what was last written
        to its record, so the next run sends it. ``unlinked``, the records of this run's writes whose links failed:
        on a run that settled its links, those the settlement does not list were made by it (a passing outage),
        and their withheld fields are recorded as written; otherwise each is reported (the run is partial) and
        sent again by the next run."""
        if self.stop is not None:
            self.stop()
        ensure_held()
        with checked_writes(ensure_held):
            failures = connector.settle_links()
        outcome = WriteOutcome()
        if failures is None:
            for u in unlinked:
                outcome.links_failed[u.target] = outcome.links_failed.get(u.target, 0) + 1
            outcome.errors.extend(link_errors(connector.name, [(u.target, u.key, u.error) for u in unlinked]))
            return outcome
        still = {(f.target.value, f.crm_id) for f in failures}      # reported below, with their records

        def made(u: Unlinked) -> bool:
            return u.crm_id is not None and set(u.fields) <= connector.settled_link_fields

        done = [u for u in unlinked if made(u) and (u.target, u.crm_id) not in still]
        if done:
            self.store.save_written(plan_id, connector.name, [(u.target, u.key, u.crm_id, u.fields) for u in done],
                                    now or datetime.now(UTC))
        lost = [u for u in unlinked if not made(u) and (u.target, u.crm_id) not in still]
        for u in lost:
            outcome.links_failed[u.target] = outcome.links_failed.get(u.target, 0) + 1
        outcome.errors.extend(link_errors(connector.name, [(u.target, u.key, u.error) for u in lost]))
        if not failures:
            return outcome
        found = self.store.forget_written(plan_id, connector.name, [(f.target.value, f.crm_id, tuple(sorted(f.fields)))
                                                                     for f in failures if f.crm_id])
        named: list[tuple[str, str | None, str]] = []
        for failure in failures:
            target = failure.target.value
            key = found.get((target, failure.crm_id)) if failure.crm_id else None
            if key is None and failure.crm_id:      # no record pac wrote: named by its CRM id
                key = failure.crm_id
            named.append((target, key, failure.error))
            outcome.links_failed[target] = outcome.links_failed.get(target, 0) + 1
        outcome.errors.extend(link_errors(connector.name, named))
        event(log, "sync.links", connector=connector.name, failed=len(failures))
        return outcome


class RecordingWriter:
    """A dry run's writer: keeps the changes it is given (``recorded``, per connector), sends nothing, so nothing
    is counted as written."""

    def __init__(self) -> None:
        self.recorded: dict[str, list[WriteChange]] = {}

    def write(self, plan_id: str, connector: Connector, changes: Sequence[WriteChange], *,
              now: datetime) -> WriteOutcome:
        self.recorded.setdefault(connector.name, []).extend(changes)
        return WriteOutcome()

    def settle_links(self, plan_id: str, connector: Connector, unlinked: Sequence[Unlinked] = (), *,
                     now: datetime | None = None) -> WriteOutcome:
        return WriteOutcome()      # a dry run touches no link
