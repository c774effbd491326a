"""Writers: how the write step hands its changes to a CRM.

``CrmWriter`` (a real run) sends batches of ``batch_size`` changes to ``connector.write`` (which itself splits into
the CRM's maximum per call) and, after each batch, saves the records the CRM accepted as "last written" right away,
so a crash after this point never re-sends them; refused ones are left as they were and retried on the next run, and
so are the fields of an accepted record that the connector left unsent (``WriteResult.unsent``: an owner with no
active CRM user yet).
CRM writes are not transactional: a dry run's ``RecordingWriter`` records the changes and sends nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any, Protocol

from connectors.base import Connector, WriteChange
from sync_jobs.hooks import RunHooks
from sync_jobs.lock import ensure_held
from sync_jobs.logs import event, redact

log = logging.getLogger("pac.sync")


@dataclass
class WriteOutcome:
    written: dict[str, int] = field(default_factory=dict)     # target -> records accepted
    failed: dict[str, int] = field(default_factory=dict)      # target -> records refused
    errors: list[str] = field(default_factory=list)


class Writer(Protocol):
    def write(self, plan_id: str, connector: Connector, changes: Sequence[WriteChange], *,
              now: datetime) -> WriteOutcome: ...


class WrittenStore(Protocol):
    """Where a writer checkpoints what a CRM accepted (``sync_jobs.unit_of_work.UnitOfWork``)."""

    def save_written(self, plan_id: str, connector: str,
                     rows: Iterable[tuple[str, str, str | None, Mapping[str, Any]]], now: datetime) -> int: ...


class CrmWriter:
    """Sends the changes, batch by batch; ``QuotaExhausted`` and other connector errors propagate after the
    batches already accepted have been checkpointed."""

    def __init__(self, store: WrittenStore, hooks: RunHooks, *, batch_size: int,
                 progress: Callable[..., None] | None = None) -> None:
        self.store, self.hooks, self.batch_size, self.progress = store, hooks, batch_size, progress

    def write(self, plan_id: str, connector: Connector, changes: Sequence[WriteChange], *,
              now: datetime) -> WriteOutcome:
        outcome = WriteOutcome()
        done = 0
        it = iter(changes)
        while batch := list(islice(it, self.batch_size)):
            ensure_held()   # a run that lost its lock sends nothing more (``LockLost``): another may hold it now
            results = connector.write(batch)
            self.hooks.after_crm_write(connector.name)
            accepted = []
            for change, result in zip(batch, results, strict=True):
                target = change.target.value
                if result.ok:       # what was sent (not the fields left unsent), + the CRM's stamp of pac's write
                    sent = {k: v for k, v in change.fields.items() if k not in result.unsent}
                    if not sent:    # nothing of it could be sent (an owner with no active user yet): tried next run
                        continue
                    accepted.append((target, change.key, result.crm_id or change.crm_id,
                                     {**sent, **result.recorded()}))
                    if result.stored:   # else accepted, kept nowhere in this CRM (HubSpot fallback: axes)
                        outcome.written[target] = outcome.written.get(target, 0) + 1
                else:
                    outcome.failed[target] = outcome.failed.get(target, 0) + 1
                    again = "retried next run" if result.retryable else "refused"
                    outcome.errors.append(redact(f"{connector.name} {change.key}: {result.error} ({again})"))
            self.store.save_written(plan_id, connector.name, accepted, now)
            done += len(batch)
            targets = sorted({c.target.value for c in batch})
            event(log, "sync.batch", crm=connector.crm, connector=connector.name, object=",".join(targets),
                  records=len(batch), accepted=len(accepted))
            if self.progress:
                self.progress("write", connector=connector.name, done=done, total=len(changes))
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
