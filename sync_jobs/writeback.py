"""Batched write-back with a checkpoint after each successful batch.

Each batch of ``batch_size`` changes goes to ``connector.write`` (which itself splits into the CRM's
maximum per call); the records the CRM accepted are saved as "last written" right away, so a crash
after this point never re-sends them; refused ones are left as they were and retried on the next run.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from connectors.base import Connector, WriteChange
from sync_jobs.logs import event, redact
from sync_jobs.store import repo

log = logging.getLogger("pac.sync")
CRASH_ENV = "PAC_TEST_CRASH_AT"   # test hook: "after_crm_write[:<connector>]" exits (77) before "last written" is saved


def _crash_after_crm_write(connector: str) -> None:
    if os.environ.get(CRASH_ENV) in ("after_crm_write", f"after_crm_write:{connector}"):
        os._exit(77)


@dataclass
class WriteOutcome:
    written: dict[str, int] = field(default_factory=dict)     # target -> records accepted
    failed: dict[str, int] = field(default_factory=dict)      # target -> records refused
    errors: list[str] = field(default_factory=list)


def write_changes(engine, plan_id: str, connector: Connector, changes: Sequence[WriteChange], *,  # type: ignore[no-untyped-def]
                  batch_size: int, now: datetime,
                  progress: Callable[..., None] | None = None,
                  after_batch: Callable[[], None] | None = None) -> WriteOutcome:
    """Write ``changes`` batch by batch; ``QuotaExhausted`` and other connector errors propagate
    after the batches already accepted have been checkpointed."""
    outcome = WriteOutcome()
    done = 0
    it = iter(changes)
    while batch := list(islice(it, batch_size)):
        results = connector.write(batch)
        _crash_after_crm_write(connector.name)
        accepted = []
        for change, result in zip(batch, results, strict=True):
            target = change.target.value
            if result.ok:
                accepted.append((target, change.key, result.crm_id or change.crm_id,
                                 {**change.fields, **result.recorded()}))   # + the CRM's stamp of pac's write
                outcome.written[target] = outcome.written.get(target, 0) + 1
            else:
                outcome.failed[target] = outcome.failed.get(target, 0) + 1
                again = "retried next run" if result.retryable else "refused"
                outcome.errors.append(redact(f"{connector.name} {change.key}: {result.error} ({again})"))
        repo.save_written(engine, plan_id, connector.name, accepted, now)
        done += len(batch)
        targets = sorted({c.target.value for c in batch})
        event(log, "sync.batch", crm=connector.crm, connector=connector.name, object=",".join(targets),
              records=len(batch), accepted=len(accepted))
        if progress:
            progress("write", connector=connector.name, done=done, total=len(changes))
        if after_batch:
            after_batch()
    return outcome
