"""Pull one connector's objects since their watermarks into the store.

An object is read in full (a reconciliation) on its first run, when ``full`` is asked, or when the
connector's ``reconciliation_days`` have passed since its last full read; after a full read the records
the store holds but the CRM no longer returned are marked deleted. Otherwise only what changed since
the watermark is read (the connector subtracts its own overlap). The new watermark, the highest
``modified_at`` seen, is only returned here: the pipeline commits it with the run log. A dry run stores
nothing: what it reads, and the deletions its full reads find, are laid over the stored records in memory
(``PullOutcome.overlay``).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from connectors.base import Connector, ManagerEdit, ObjectKind
from pac_core.records import Record, Rejected
from sync_jobs.logs import event
from sync_jobs.store import records as store_records
from sync_jobs.store import repo
from sync_jobs.store.tables import StoredRecord

log = logging.getLogger("pac.sync")
ORDER = (ObjectKind.USERS, ObjectKind.ACCOUNTS, ObjectKind.ACTIVITIES, ObjectKind.DEALS, ObjectKind.PAC_EDITS)


@dataclass
class PullOutcome:
    read: dict[str, int] = field(default_factory=dict)
    rejected: list[Rejected] = field(default_factory=list)
    edits: list[tuple[str, ManagerEdit]] = field(default_factory=list)
    watermarks: dict[tuple[str, str], datetime | None] = field(default_factory=dict)
    full_objects: list[tuple[str, str]] = field(default_factory=list)
    overlay: dict[tuple[str, str, str], Record] = field(default_factory=dict)   # dry run: not stored
    deleted: dict[str, int] = field(default_factory=dict)
    gone_emails: dict[str, set[str]] = field(default_factory=dict)   # dry run: connector -> deleted users' e-mails


def needs_full(last_full_at: datetime | None, now: datetime, days: int, full: bool) -> bool:
    return full or last_full_at is None or now - last_full_at >= timedelta(days=days)


def pull_connector(engine, connector: Connector, *, run_id: int | None, now: datetime,  # type: ignore[no-untyped-def]
                   reconciliation_days: int, full: bool, dry_run: bool, outcome: PullOutcome,
                   progress: Callable[..., None] | None = None) -> None:
    """Read every object of ``connector`` into the store (or ``outcome.overlay`` on a dry run)."""
    marks = repo.watermarks(engine, connector.name)
    for kind in ORDER:
        mark = marks.get((connector.name, kind.value))
        do_full = needs_full(mark.last_full_at if mark else None, now, reconciliation_days, full)
        since = None if do_full or mark is None else mark.value
        top: list[datetime | None] = [mark.value if mark else None]
        n = [0]

        def records(kind: ObjectKind = kind, top: list[datetime | None] = top, n: list[int] = n,
                    since: datetime | None = since, do_full: bool = do_full) -> Iterator[Record]:
            for item in connector.pull(kind, since, full=do_full):
                n[0] += 1
                stamp = getattr(item, "modified_at", None)
                if stamp is not None and (top[0] is None or stamp > top[0]):
                    top[0] = stamp
                if isinstance(item, Rejected):
                    outcome.rejected.append(item)
                elif isinstance(item, ManagerEdit):
                    outcome.edits.append((connector.name, item))
                else:
                    yield item
                if progress and n[0] % 500 == 0:
                    progress("pull", connector=connector.name, object=kind.value, done=n[0])

        if dry_run:
            seen: set[str] = set()
            for record in records():
                outcome.overlay[(connector.name, kind.value, record.id)] = record
                seen.add(record.id)
            if do_full and kind is not ObjectKind.PAC_EDITS:
                gone = _mark_unseen_in_memory(engine, connector.name, kind.value, seen, outcome)
                outcome.deleted[kind.value] = outcome.deleted.get(kind.value, 0) + gone
        else:
            store_records.upsert_records(engine, connector.name, records(), run_id=run_id, now=now)
            if do_full and kind is not ObjectKind.PAC_EDITS and run_id is not None:
                gone = store_records.mark_unseen_deleted(engine, connector.name, kind.value, run_id, now)
                outcome.deleted[kind.value] = outcome.deleted.get(kind.value, 0) + gone
        outcome.read[kind.value] = outcome.read.get(kind.value, 0) + n[0]
        outcome.watermarks[(connector.name, kind.value)] = top[0]
        if do_full:
            outcome.full_objects.append((connector.name, kind.value))
        if progress:
            progress("pull", connector=connector.name, object=kind.value, done=n[0], finished=True)
        event(log, "sync.pull", crm=connector.crm, connector=connector.name, object=kind.value, records=n[0],
              full=do_full)


def _mark_unseen_in_memory(engine, connector: str, kind: str, seen: set[str],  # type: ignore[no-untyped-def]
                           outcome: PullOutcome) -> int:
    """A dry run's full read: the deletions ``store_records.mark_unseen_deleted`` would store, laid over the
    stored records in ``outcome.overlay`` (users, whose records carry no deleted flag, leave their e-mail in
    ``outcome.gone_emails``: a deleted user routes no action). Returns how many a real run would mark."""
    if kind == ObjectKind.USERS.value:
        table = StoredRecord.__table__  # type: ignore[attr-defined]
        query = select(table.c.crm_id, table.c.email).where(table.c.connector == connector, table.c.kind == kind,
                                                            table.c.deleted.is_(False))
        with engine.connect() as conn:
            unseen = [(crm_id, email) for crm_id, email in conn.execute(query) if crm_id not in seen]
        outcome.gone_emails.setdefault(connector, set()).update(str(e).lower() for _i, e in unseen if e)
        return len(unseen)
    gone = 0
    for record in store_records.iter_records(engine, [connector], kind):
        if record.id in seen or getattr(record, "deleted", True):
            continue
        gone += 1
        outcome.overlay[(connector, kind, record.id)] = dataclasses.replace(record, deleted=True)
    return gone
