"""Normalised records in the store: idempotent batched upserts, reconciliation, loading for the engine."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from more_itertools import chunked
from sqlalchemy import Engine, and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from pac_core.records import Account, Activity, Deal, Record, Records, Rejected, User
from sync_jobs.store.codec import from_payload, indexed, kind_of, to_payload
from sync_jobs.store.tables import StoredRecord

UPSERT_BATCH = 1000
_T = StoredRecord.__table__  # type: ignore[attr-defined]


def _insert(engine: Engine) -> Any:
    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert


def upsert_records(engine: Engine, connector: str, records: Iterable[Record], *, run_id: int | None,
                   now: datetime) -> int:
    """Insert or replace each record by (connector, kind, crm id); returns how many were stored.

    Idempotent: storing the same record twice leaves one row with the latest payload. ``run_id``
    stamps ``seen_run`` so that a full reconciliation can find the rows it did not see.
    """
    insert = _insert(engine)
    total = 0
    for chunk in chunked(records, UPSERT_BATCH):
        rows = [{"connector": connector, "kind": kind_of(r), "crm_id": r.id, "modified_at": r.modified_at,
                 "deleted": getattr(r, "deleted", False), "payload": to_payload(r), "seen_run": run_id,
                 "stored_at": now, **indexed(r)} for r in chunk]
        rows = list({(r["kind"], r["crm_id"]): r for r in rows}.values())   # last one wins inside a batch
        stmt = insert(_T)
        stmt = stmt.on_conflict_do_update(
            index_elements=["connector", "kind", "crm_id"],
            set_={c: stmt.excluded[c] for c in ("modified_at", "deleted", "payload", "seen_run", "stored_at",
                                                 "owner_id", "account_id", "email", "occurred_at")})
        with engine.begin() as conn:
            conn.execute(stmt, rows)
        total += len(chunk)
    return total


def mark_unseen_deleted(engine: Engine, connector: str, kind: str, run_id: int, now: datetime) -> int:
    """After a full read: rows of (connector, kind) the run did not see are deleted in the CRM."""
    with engine.begin() as conn:
        result = conn.execute(
            update(_T)
            .where(_T.c.connector == connector, _T.c.kind == kind, _T.c.deleted.is_(False),
                   or_(_T.c.seen_run.is_(None), _T.c.seen_run != run_id))
            .values(deleted=True, stored_at=now))
        return result.rowcount or 0


def iter_records(engine: Engine, connectors: Sequence[str], kind: str) -> Iterator[Record]:
    """Every stored record of ``kind`` from ``connectors``, deleted ones included (the engine says why
    they do not count), streamed."""
    query = select(_T.c.connector, _T.c.crm_id, _T.c.payload, _T.c.deleted, _T.c.modified_at).where(
        and_(_T.c.kind == kind, _T.c.connector.in_(list(connectors)))).order_by(_T.c.id)
    with engine.connect() as conn:
        for row in conn.execution_options(yield_per=5000).execute(query):
            yield from_payload(kind, row.crm_id, row.connector, row.payload, deleted=row.deleted,
                               modified_at=row.modified_at)


def load_records(engine: Engine, connectors: Sequence[str], rejected: Iterable[Rejected] = ()) -> Records:
    """What the engine reads for one evaluation."""
    accounts = tuple(r for r in iter_records(engine, connectors, "accounts") if isinstance(r, Account))
    activities = tuple(r for r in iter_records(engine, connectors, "activities") if isinstance(r, Activity))
    deals = tuple(r for r in iter_records(engine, connectors, "deals") if isinstance(r, Deal))
    users = tuple(r for r in iter_records(engine, connectors, "users") if isinstance(r, User))
    return Records(accounts=accounts, activities=activities, deals=deals, users=users, rejected=tuple(rejected))


def user_emails(engine: Engine, connector: str) -> set[str]:
    """Lower-case e-mails of the connector's users (routes actions to the CRM where their owner works)."""
    query = select(_T.c.email).where(_T.c.connector == connector, _T.c.kind == "users",
                                     _T.c.deleted.is_(False), _T.c.email.is_not(None))
    with engine.connect() as conn:
        return {str(e).lower() for (e,) in conn.execute(query)}


def count_records(engine: Engine, connector: str | None = None) -> dict[str, int]:
    query = select(_T.c.kind, func.count()).where(_T.c.deleted.is_(False)).group_by(_T.c.kind)
    if connector:
        query = query.where(_T.c.connector == connector)
    with engine.connect() as conn:
        return {k: n for k, n in conn.execute(query)}
