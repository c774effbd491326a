"""Normalised records in the store: idempotent batched upserts, reconciliation, loading for the engine; the
recorded changes of the accounts' state fields (``pac_account_change``), handed to the engine with them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import orjson
from more_itertools import chunked
from sqlalchemy import Connection, Engine, Text, and_, bindparam, cast, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from connectors.base import HistoryRead
from pac_core.columnar import (
    NO_DAY,
    NO_TIME,
    AccountHistory,
    AccountTable,
    ActivityTable,
    Categorical,
    DealTable,
    RecordColumns,
    encode,
)
from pac_core.plan import ActivityType
from pac_core.records import (
    HISTORY_FIELDS,
    Account,
    AccountChange,
    Activity,
    ActivityStatus,
    CrmRates,
    Deal,
    DealLine,
    DealStage,
    Record,
    Records,
    Rejected,
    User,
)
from sync_jobs.store.codec import from_payload, indexed, kind_of, to_payload
from sync_jobs.store.db import stored_instant
from sync_jobs.store.tables import SEVERAL_COMPANIES, AccountChangeRow, HistoryReadRow, StoredRecord

UPSERT_BATCH = 1000
_T = StoredRecord.__table__  # type: ignore[attr-defined]
_C = AccountChangeRow.__table__  # type: ignore[attr-defined]
_H = HistoryReadRow.__table__  # type: ignore[attr-defined]


def _insert(engine: Engine) -> Any:
    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert


@dataclass
class Upserted:
    """What an upsert stored: how many records, and per kind how many of them it retired (``upsert_records``)."""

    stored: int = 0
    deleted: dict[str, int] = field(default_factory=dict)

    def retired(self, kind: str, n: int) -> None:
        if n:
            self.deleted[kind] = self.deleted.get(kind, 0) + n


def upsert_records(engine: Engine, connector: str, records: Iterable[Record], *, run_id: int | None,
                   now: datetime) -> Upserted:
    """Insert or replace each record by (connector, kind, crm id); returns how many were stored, and per kind how
    many records the store held live that it stores deleted (a record the CRM handed over flagged deleted: what
    the run's « deleted » column counts on any read, audit opscounts). A record already stored deleted and handed
    over deleted again (HubSpot lists its recycle bin on every pull, an overlap window read twice) is no new
    deletion, nor is a record the store never held (it never counted in any figure).

    Idempotent: storing the same record twice leaves one row with the latest payload. ``run_id``
    stamps ``seen_run`` so that a full reconciliation can find the rows it did not see. An account whose state
    fields (``HISTORY_FIELDS``: the CRM dormant flag, the owner, the type) the upsert changes gets one
    ``pac_account_change`` row per field changed, in the same transaction (``state_changes``).
    """
    insert = _insert(engine)
    total = Upserted()
    for chunk in chunked(records, UPSERT_BATCH):
        if any(isinstance(r, User) for r in chunk):
            with engine.connect() as conn:
                chunk = with_former_emails(conn, connector, chunk)
        rows = [{"connector": connector, "kind": kind_of(r), "crm_id": r.id, "modified_at": r.modified_at,
                 "deleted": getattr(r, "deleted", False), "payload": to_payload(r), "seen_run": run_id,
                 "stored_at": now, **indexed(r)} for r in chunk]
        rows = list({(r["kind"], r["crm_id"]): r for r in rows}.values())   # last one wins inside a batch
        accounts = list({r.id: r for r in chunk if isinstance(r, Account)}.values())
        stmt = insert(_T)
        stmt = stmt.on_conflict_do_update(
            index_elements=["connector", "kind", "crm_id"],
            set_={c: stmt.excluded[c] for c in ("modified_at", "deleted", "payload", "seen_run", "stored_at",
                                                 "owner_id", "account_id", "email", "occurred_at")})
        with engine.begin() as conn:
            changes = _recorded_changes(conn, connector, accounts, run_id, now) if accounts else []
            for kind, n in _retiring(conn, connector, [r for r in rows if r["deleted"]]).items():
                total.retired(kind, n)
            conn.execute(stmt, rows)
            if changes:
                conn.execute(_C.insert(), changes)
        total.stored += len(chunk)
    return total


def with_former_emails(conn: Connection, connector: str, chunk: Sequence[Record]) -> list[Record]:
    """``chunk`` with each user read under another e-mail than the stored one given the e-mails its id held
    (``User.former_emails``: the stored ones, then the stored e-mail; the new e-mail left out): a rep whose login's
    e-mail changed in the CRM is still the person the plan names by the old one (``pac_core.people``). One query
    by the users' ids."""
    ids = sorted({r.id for r in chunk if isinstance(r, User)})
    query = select(_T.c.crm_id, _T.c.payload).where(_T.c.connector == connector, _T.c.kind == "users",
                                                    _T.c.crm_id.in_(ids))
    stored = {str(crm_id): payload or {} for crm_id, payload in conn.execute(query)}
    return [_remembering(r, stored[r.id]) if isinstance(r, User) and r.id in stored else r for r in chunk]


def _remembering(user: User, payload: dict[str, Any]) -> User:
    email = (user.email or "").strip().lower()
    held = [*(payload.get("former_emails") or ()), (payload.get("email") or "").strip().lower()]
    former = tuple(dict.fromkeys(e for e in (*user.former_emails, *held) if e and e != email))
    return replace(user, former_emails=former) if former != user.former_emails else user


def _retiring(conn: Connection, connector: str, dead: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Kind -> how many of the rows about to be stored deleted (``dead``) the store holds live: the records this
    upsert retires (one query by their ids)."""
    by_kind: dict[str, set[str]] = {}
    for r in dead:
        by_kind.setdefault(r["kind"], set()).add(str(r["crm_id"]))
    out: dict[str, int] = {}
    for kind, ids in by_kind.items():
        found = len(conn.execute(_live(connector, kind, sorted(ids))).all())
        if found:
            out[kind] = found
    return out


def state_changes(old: Account, new: Account, stored_at: datetime | None, now: datetime) -> list[AccountChange]:
    """The changes of the state fields (``HISTORY_FIELDS``) from the stored ``old`` account (stored at ``stored_at``)
    to the ``new`` one read now: none when either is deleted (a deleted account's row may be its id alone); a dormant
    flag appearing or disappearing (None on one side) is the mapping or the field being filled, not a change of the
    customer's state, and is not recorded either. Each change is dated by the CRM's stamp of the new account when
    it moved since the stored one (no later than ``now``, no earlier than ``stored_at``, when the old value was last
    read), else by ``now``: a formula or roll-up field changes its value without moving the stamp."""
    if old.deleted or new.deleted:
        return []
    fields = [name for name in HISTORY_FIELDS if getattr(old, name) != getattr(new, name)
              and not (name == "dormant" and (old.dormant is None or new.dormant is None))]
    if not fields:
        return []
    stamp, before = new.modified_at, old.modified_at
    when = now
    if stamp is not None and (before is None or stamp > before) and stamp <= now:
        when = stamp if stored_at is None or stamp >= stored_at else stored_at
    return [AccountChange(new.source, new.id, name, when, getattr(old, name), getattr(new, name)) for name in fields]


def _recorded_changes(conn: Connection, connector: str, accounts: Sequence[Account], run_id: int | None,
                      now: datetime) -> list[dict[str, Any]]:
    """The ``pac_account_change`` rows of these accounts about to be stored (``state_changes`` against the stored
    rows, read by their ids in one query)."""
    query = select(_T.c.crm_id, _T.c.deleted, _T.c.modified_at, _T.c.stored_at,
                   _T.c.payload["dormant"].as_boolean(), _T.c.payload["owner_id"].as_string(),
                   _T.c.payload["account_type"].as_string()).where(
        _T.c.connector == connector, _T.c.kind == "accounts", _T.c.crm_id.in_([a.id for a in accounts]))
    stored = {str(crm_id): (deleted, modified, stored_at, dormant, owner, kind)
              for crm_id, deleted, modified, stored_at, dormant, owner, kind in conn.execute(query)}
    out = []
    for new in accounts:
        found = stored.get(new.id)
        if found is None:
            continue
        deleted, modified, stored_at, dormant, owner, kind = found
        old = Account(new.id, connector, "", account_type=kind, owner_id=owner, dormant=_flag(dormant),
                      deleted=bool(deleted), modified_at=None if modified is None else stored_instant(modified))
        for change in state_changes(old, new, None if stored_at is None else stored_instant(stored_at), now):
            out.append({"connector": connector, "crm_id": change.account_id, "field": change.field,
                        "changed_at": change.changed_at, "old": change.old, "new": change.new, "run_id": run_id,
                        "recorded_at": now})
    return out


def kept_changes(changes: Iterable[AccountChange], known: set[tuple[str, str]], live: set[str]
                 ) -> list[AccountChange]:
    """Of the changes of the accounts' state fields a CRM kept (``Connector.pull``: Salesforce's ``AccountHistory``
    on a full read), those the store records: of a live stored account (``live``: their ids) and of a field the
    store knows no change of for it (``known``: (account id, field)). pac records a change itself from the night it
    reads the account on (``state_changes``); the CRM's history tells what came before (an owner change made before
    pac's first night), so a field pac recorded a change of keeps pac's own changes only, and reading the history
    again (the weekly full read) records nothing twice."""
    return [c for c in changes if c.account_id in live and (c.account_id, c.field) not in known]


def record_history(engine: Engine, connector: str, changes: Sequence[AccountChange], *, run_id: int | None,
                   now: datetime, read: Sequence[HistoryRead] = ()) -> int:
    """The ``pac_account_change`` rows of ``kept_changes``, after the accounts of the same read are stored (one
    query per 1,000 accounts for what the store holds), and, in the same transaction, the accounts and fields whose
    history that read read (``read``: ``pac_history_read``, the property each was read from); how many changes were
    recorded."""
    ids = sorted({c.account_id for c in changes})
    known: set[tuple[str, str]] = set()
    live: set[str] = set()
    with engine.begin() as conn:
        for chunk in chunked(ids, UPSERT_BATCH):
            known.update((str(i), str(f)) for i, f in conn.execute(select(_C.c.crm_id, _C.c.field).where(
                _C.c.connector == connector, _C.c.crm_id.in_(chunk))))
            live.update(str(i) for i, _account in conn.execute(_live(connector, "accounts", chunk)))
        rows = [{"connector": connector, "crm_id": c.account_id, "field": c.field, "changed_at": c.changed_at,
                 "old": c.old, "new": c.new, "run_id": run_id, "recorded_at": now}
                for c in kept_changes(changes, known, live)]
        if rows:
            conn.execute(_C.insert(), rows)
        _mark_read(engine, conn, connector, read, run_id, now)
    return len(rows)


def _mark_read(engine: Engine, conn: Connection, connector: str, read: Sequence[HistoryRead], run_id: int | None,
               now: datetime) -> None:
    """One ``pac_history_read`` row per account and field of ``read``, replacing the one it held (a field read
    from another property since)."""
    marks = list({(i, name): {"connector": connector, "crm_id": i, "field": name, "source": source,
                              "run_id": run_id, "read_at": now}
                  for item in read for i in item.ids for name, source in item.fields}.values())
    for chunk in chunked(marks, UPSERT_BATCH):
        stmt = _insert(engine)(_H)
        conn.execute(stmt.on_conflict_do_update(
            index_elements=["connector", "crm_id", "field"],
            set_={c: stmt.excluded[c] for c in ("source", "run_id", "read_at")}), chunk)


def histories_read(engine: Engine, connector: str, ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """Account id -> {state field: the property its kept history was read from}, for those of ``ids`` whose history
    a full read read (``pac_history_read``; ``StoredRecords.histories``): by the key, 1,000 ids a query."""
    out: dict[str, dict[str, str]] = {}
    with engine.connect() as conn:
        for chunk in chunked(sorted({str(i) for i in ids}), UPSERT_BATCH):
            for crm_id, name, source in conn.execute(select(_H.c.crm_id, _H.c.field, _H.c.source).where(
                    _H.c.connector == connector, _H.c.crm_id.in_(chunk))):
                out.setdefault(str(crm_id), {})[str(name)] = str(source)
    return out


def _flag(value: Any) -> bool | None:
    """A stored dormant flag (JSON true / false, or SQLite's 1 / 0) as a boolean, None when there is none."""
    return True if value is True or value == 1 else False if value is False or value == 0 else None


def account_changes(conn: Connection, connectors: Sequence[str]) -> tuple[AccountChange, ...]:
    """The recorded changes of the accounts' state fields of these connectors, in time order."""
    query = select(_C.c.connector, _C.c.crm_id, _C.c.field, _C.c.changed_at, _C.c.old, _C.c.new).where(
        _C.c.connector.in_(list(connectors))).order_by(_C.c.changed_at, _C.c.id)
    return tuple(AccountChange(str(connector), str(crm_id), str(name), stored_instant(at), old, new)
                 for connector, crm_id, name, at, old, new in conn.execute(query))


def changes_of(engine: Engine, connector: str, ids: Iterable[str]) -> dict[str, list[AccountChange]]:
    """Account id -> its recorded changes of the state fields (``pac_account_change``), in time order, for those of
    ``ids`` the store holds any of, deleted accounts included (``StoredRecords.changes``: the past of the companies a
    HubSpot merge retires, read before the merge's night retires them): by the indexed key, 1,000 ids a query."""
    out: dict[str, list[AccountChange]] = {}
    with engine.connect() as conn:
        for chunk in chunked(sorted({str(i) for i in ids}), UPSERT_BATCH):
            query = select(_C.c.crm_id, _C.c.field, _C.c.changed_at, _C.c.old, _C.c.new).where(
                _C.c.connector == connector, _C.c.crm_id.in_(chunk)).order_by(_C.c.changed_at, _C.c.id)
            for crm_id, name, at, old, new in conn.execute(query):
                out.setdefault(str(crm_id), []).append(
                    AccountChange(connector, str(crm_id), str(name), stored_instant(at), old, new))
    return out


def mark_unseen_deleted(engine: Engine, connector: str, kind: str, run_id: int, now: datetime) -> int:
    """After a full read: rows of (connector, kind) the run did not see are deleted in the CRM."""
    with engine.begin() as conn:
        result = conn.execute(
            update(_T)
            .where(_T.c.connector == connector, _T.c.kind == kind, _T.c.deleted.is_(False),
                   or_(_T.c.seen_run.is_(None), _T.c.seen_run != run_id))
            .values(deleted=True, stored_at=now))
        return result.rowcount or 0


def rerate_records(engine: Engine, connector: str, kind: str, rerate: Callable[[Record], Record], *,
                   now: datetime) -> int:
    """Each live stored record of (connector, kind) replaced by ``rerate``'s (``Connector.rerate``: the same record
    with the CRM's new exchange rates), where it differs; its watermark, ``modified_at`` and ``seen_run`` are kept.
    Returns how many changed."""
    query = select(_T.c.id, _T.c.crm_id, _T.c.payload, _T.c.modified_at).where(
        _T.c.connector == connector, _T.c.kind == kind, _T.c.deleted.is_(False)).order_by(_T.c.id)
    changed: list[dict[str, Any]] = []
    with engine.connect() as conn:
        for row in conn.execution_options(yield_per=5000).execute(query):
            record = from_payload(kind, row.crm_id, connector, row.payload, deleted=False,
                                  modified_at=row.modified_at)
            new = rerate(record)
            if new != record:
                changed.append({"rid": row.id, "new_payload": to_payload(new), "now": now})
    stmt = update(_T).where(_T.c.id == bindparam("rid")).values(payload=bindparam("new_payload"),
                                                                stored_at=bindparam("now"))
    for chunk in chunked(changed, UPSERT_BATCH):
        with engine.begin() as conn:
            conn.execute(stmt, chunk)
    return len(changed)


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
    with engine.connect() as conn:
        changes = account_changes(conn, connectors)
    return Records(accounts=accounts, activities=activities, deals=deals, users=users, rejected=tuple(rejected),
                   account_changes=changes)


def user_emails(engine: Engine, connector: str) -> set[str]:
    """Lower-case e-mails of the connector's users (routes actions to the CRM where their owner works)."""
    query = select(_T.c.email).where(_T.c.connector == connector, _T.c.kind == "users",
                                     _T.c.deleted.is_(False), _T.c.email.is_not(None))
    with engine.connect() as conn:
        return {str(e).lower() for (e,) in conn.execute(query)}


def line_holders(engine: Engine, connector: str, line_ids: Iterable[str]) -> dict[str, str]:
    """Line id -> the id of the live deal of ``connector`` whose stored lines hold it (``DealLine.id``), for the ids
    asked: HubSpot lists a deleted line item without its deal, so the connector finds the deal here and reads it
    again. One pass over the connector's stored deals' lines, on a night that has such lines only."""
    wanted = {str(i) for i in line_ids}
    if not wanted:
        return {}
    query = select(_T.c.crm_id, _T.c.payload["lines"].as_json()).where(
        _T.c.connector == connector, _T.c.kind == "deals", _T.c.deleted.is_(False))
    out: dict[str, str] = {}
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True).execute(query)
        while chunk := result.fetchmany(FETCH):
            for deal, lines in chunk:
                for ln in lines or ():
                    line = ln.get("id")
                    if line is not None and str(line) in wanted:
                        out[str(line)] = str(deal)
    return out


def deal_lines(engine: Engine, connector: str) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Each live stored deal of ``connector`` with its stored lines (their JSON: ``code``, ``name``, ``codes``,
    ``product_id``...): one pass over the connector's deals, on a night a plan names a product no line is known by
    (``connectors.base.NamesProducts``) only."""
    query = select(_T.c.crm_id, _T.c.payload["lines"].as_json()).where(
        _T.c.connector == connector, _T.c.kind == "deals", _T.c.deleted.is_(False))
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True).execute(query)
        while chunk := result.fetchmany(FETCH):
            for deal, lines in chunk:
                yield str(deal), list(lines or ())


def live_records(engine: Engine, connector: str, kind: str, ids: Iterable[str]) -> dict[str, str]:
    """CRM id -> its stored account id ("" when none), for those of ``ids`` the store holds as live records of
    ``kind`` for ``connector`` (``StoredRecords.live``): by the indexed key, 1,000 ids a query."""
    out: dict[str, str] = {}
    for chunk in chunked(sorted({str(i) for i in ids}), 1000):
        with engine.connect() as conn:
            out.update({str(i): str(a or "") for i, a in conn.execute(_live(connector, kind, chunk))})
    return out


def _live(connector: str, kind: str, ids: Sequence[str]) -> Any:
    """(CRM id, account id) of those of ``ids`` the store holds as live records of ``kind`` for ``connector``, by the
    indexed key (``live_records``, and the upsert's count of the records it retires)."""
    return select(_T.c.crm_id, _T.c.account_id).where(
        _T.c.connector == connector, _T.c.kind == kind, _T.c.deleted.is_(False), _T.c.crm_id.in_(ids))


def live_by_id(engine: Engine, connector: str, kind: str, ids: Iterable[str]) -> dict[str, Record]:
    """CRM id -> the stored record, for those of ``ids`` the store holds as live records of ``kind`` for ``connector``
    (``StoredRecords.records``), with their stored stamp (aware): by the indexed key, 1,000 ids a query."""
    out: dict[str, Record] = {}
    for chunk in chunked(sorted({str(i) for i in ids}), 1000):
        query = select(_T.c.crm_id, _T.c.payload, _T.c.modified_at).where(
            _T.c.connector == connector, _T.c.kind == kind, _T.c.deleted.is_(False), _T.c.crm_id.in_(chunk))
        with engine.connect() as conn:
            out.update({str(i): from_payload(kind, str(i), connector, payload or {}, deleted=False,
                                             modified_at=stored_instant(at) if at is not None else None)
                        for i, payload, at in conn.execute(query)})
    return out


def holding_accounts(engine: Engine, connector: str, kind: str, account_ids: Iterable[str]) -> set[str]:
    """Those of ``account_ids`` the store holds at least one live record of ``kind`` on, for ``connector``
    (``StoredRecords.holding``): by the indexed account column, 1,000 ids a query."""
    out: set[str] = set()
    for chunk in chunked(sorted({str(i) for i in account_ids}), 1000):
        query = select(_T.c.account_id).distinct().where(
            _T.c.connector == connector, _T.c.kind == kind, _T.c.deleted.is_(False), _T.c.account_id.in_(chunk))
        with engine.connect() as conn:
            out.update(str(a) for (a,) in conn.execute(query))
    return out


def placements(engine: Engine, connector: str, kind: str, ids: Iterable[str]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """CRM id -> (its stored account id, the associations that placed it there: ``placed_by``), for those of ``ids``
    the store holds as live records of ``kind`` placed through their contacts (``StoredRecords.placed``): by the
    indexed key, 1,000 ids a query."""
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for chunk in chunked(sorted({str(i) for i in ids}), 1000):
        query = select(_T.c.crm_id, _T.c.account_id, _T.c.payload["placed_by"].as_json()).where(
            _T.c.connector == connector, _T.c.kind == kind, _T.c.deleted.is_(False), _T.c.crm_id.in_(chunk))
        with engine.connect() as conn:
            out.update({str(i): (str(a or ""), tuple(str(x) for x in by)) for i, a, by in conn.execute(query) if by})
    return out


def unplaced_records(engine: Engine, connector: str, kind: str) -> list[str]:
    """The CRM ids of the live records of ``kind`` the store holds for ``connector`` with no account and a
    ``placed_by`` (``StoredRecords.unplaced``: HubSpot's records on contacts with no primary company): one query."""
    query = select(_T.c.crm_id, _T.c.payload["placed_by"].as_json()).where(
        _T.c.connector == connector, _T.c.kind == kind, _T.c.deleted.is_(False), _T.c.account_id.is_(None))
    with engine.connect() as conn:
        return sorted(str(i) for i, by in conn.execute(query) if by)


def several_companies_records(engine: Engine, connector: str, kind: str) -> list[str]:
    """The CRM ids of the live records of ``kind`` the store holds for ``connector`` with other companies noted beside
    the one counted (``also_on``: a HubSpot engagement on several companies nothing told apart, which pac warned of;
    ``StoredRecords.several``): one query, on the partial index that holds only those rows (``SEVERAL_COMPANIES``:
    the payload's key, absent when there are none)."""
    query = select(_T.c.crm_id).where(
        _T.c.connector == connector, _T.c.kind == kind, _T.c.deleted.is_(False), SEVERAL_COMPANIES)
    with engine.connect() as conn:
        return sorted(str(i) for (i,) in conn.execute(query))


def also_on(engine: Engine, connectors: Sequence[str], ids: Iterable[str]) -> dict[tuple[str, str], tuple[str, ...]]:
    """(connector, activity id) -> the other accounts the activity is associated with (``Activity.also_on``), for
    those of ``ids`` that have any: what ``pac explain`` names beside the account it counted for."""
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for chunk in chunked(sorted({str(i) for i in ids}), 1000):
        query = select(_T.c.connector, _T.c.crm_id, _T.c.payload["also_on"].as_json()).where(
            _T.c.connector.in_(list(connectors)), _T.c.kind == "activities", _T.c.crm_id.in_(chunk))
        with engine.connect() as conn:
            out.update({(str(c), str(i)): tuple(str(x) for x in others)
                        for c, i, others in conn.execute(query) if others})
    return out


def retired_records(engine: Engine, connector: str, kind: str, since: datetime) -> list[str]:
    """The CRM ids of ``kind`` the store holds as deleted for ``connector``, retired at or after ``since`` with their
    whole record (``StoredRecords.retired``): a record an archived list retired (an activity or a deal then carries
    no account: an archived record's associations are not read), not an id known by its id alone (merged away,
    moved out of what the mapping reads: no name, type, amount or date), nor an activity or deal a full read did not
    see (it keeps its account)."""
    query = select(_T.c.crm_id, _T.c.payload).where(
        _T.c.connector == connector, _T.c.kind == kind, _T.c.deleted.is_(True), _T.c.stored_at >= since)
    if kind in ("activities", "deals"):     # whole only with no account (below): the rest never reaches Python
        query = query.where(_T.c.account_id.is_(None))
    out: list[str] = []
    with engine.connect() as conn:
        for crm_id, payload in conn.execute(query):
            record = from_payload(kind, str(crm_id), connector, payload or {}, deleted=True, modified_at=None)
            if isinstance(record, Account):
                whole = bool(record.name)
            elif isinstance(record, Activity):
                whole = record.account_id is None and (record.type is not None or record.start is not None
                                                       or record.day is not None)
            elif isinstance(record, Deal):
                whole = record.account_id is None and (bool(record.name) or record.amount is not None
                                                       or record.close_date is not None)
            else:
                whole = False
            if whole:
                out.append(str(crm_id))
    return out


def count_records(engine: Engine, connector: str | None = None) -> dict[str, int]:
    query = select(_T.c.kind, func.count()).where(_T.c.deleted.is_(False)).group_by(_T.c.kind)
    if connector:
        query = query.where(_T.c.connector == connector)
    with engine.connect() as conn:
        return {k: n for k, n in conn.execute(query)}


# Loading straight into columns: one SELECT per kind, each payload fetched once as text and parsed in Python, each
# field turned into its column chunk by chunk (no ORM object, no record object, no row's strings kept past its chunk)
# ------------------------------------------------------------------------------------------------------------------

FETCH = 50_000          # rows per fetchmany


def _loads(text: str | bytes | None) -> Any:
    """A stored payload's JSON text -> its value: orjson (several times faster than ``json``), ``json`` for what
    orjson refuses and ``json.dumps`` may have written (``NaN``, integers past 64 bits)."""
    if text is None:
        return {}
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


class _Codes:
    """A categorical column built chunk by chunk (``Categorical.of`` over every chunk in turn: the same codes and
    values), each row's value first passed through ``prepare``: only the distinct values outlive their chunk."""

    def __init__(self, prepare: Callable[[Any], Any] | None = None) -> None:
        self.prepare: Callable[[Any], Any] | None = prepare
        self.table: dict[Any, int] = {}
        self.parts: list[np.ndarray] = []

    def add(self, values: list[Any]) -> None:
        self.parts.append(encode(values if self.prepare is None else map(self.prepare, values), self.table,
                                 len(values)))

    def done(self) -> Categorical:
        codes = np.concatenate(self.parts) if self.parts else np.zeros(0, dtype=np.int32)
        return Categorical(codes, tuple(self.table))


class _Kept:
    """A column kept as a list, each row's value through ``prepare`` (ids, names, custom attributes, deal lines)."""

    def __init__(self, prepare: Callable[[Any], Any] | None = None) -> None:
        self.prepare: Callable[[Any], Any] | None = prepare
        self.values: list[Any] = []

    def add(self, values: list[Any]) -> None:
        self.values.extend(values if self.prepare is None else map(self.prepare, values))

    def done(self) -> list[Any]:
        return self.values


class _Array:
    """A NumPy column converted chunk by chunk by ``convert`` (a list -> an array, or a tuple of arrays)."""

    def __init__(self, convert: Callable[[list[Any]], Any]) -> None:
        self.convert = convert
        self.parts: list[Any] = []

    def add(self, values: list[Any]) -> None:
        self.parts.append(self.convert(values))

    def done(self) -> Any:
        if self.parts and isinstance(self.parts[0], tuple):
            return tuple(np.concatenate(p) for p in zip(*self.parts, strict=True))
        return np.concatenate(self.parts) if self.parts else self.convert([])


_Column = _Codes | _Kept | _Array


def _rows(conn: Connection, kind: str, connectors: Sequence[str], fields: Mapping[str, _Column]
          ) -> tuple[Categorical, list[str], np.ndarray]:
    """Every stored row of ``kind``: (connector, crm_id, deleted) returned, the payload's ``fields`` added to their
    column builders, one chunk of ``FETCH`` rows at a time. The payload is fetched once per row as its JSON text and
    parsed in Python (orjson): extracting each field in SQL (SQLite ``json_extract``, PostgreSQL ``->>`` on a
    ``json`` column) parsed the whole payload again per field, eight times per activity, as much CPU as all the rest
    of the load; and a column built per chunk keeps no row's strings past its chunk (a night at a million activities
    held every row's values of every field at once)."""
    query = select(_T.c.connector, _T.c.crm_id, _T.c.deleted, cast(_T.c.payload, Text)).where(
        and_(_T.c.kind == kind, _T.c.connector.in_(list(connectors)))).order_by(_T.c.id)
    result = conn.execution_options(stream_results=True).execute(query)
    source, ids, deleted = _Codes(), _Kept(), _Array(_bools)
    while chunk := result.fetchmany(FETCH):
        connector, crm_id, gone, text = (list(c) for c in zip(*chunk, strict=True))
        del chunk
        source.add(connector)
        ids.add(crm_id)
        deleted.add(gone)
        payloads = [_loads(t) for t in text]
        del text
        for name, column in fields.items():
            column.add([p.get(name) for p in payloads])
    return source.done(), ids.done(), deleted.done()


def _bools(values: Sequence[Any]) -> np.ndarray:
    return np.fromiter((bool(v) for v in values), dtype=bool, count=len(values))


def _dormant(values: Sequence[Any]) -> np.ndarray:
    """The CRM's dormant flag as the engine's uint8: 1 dormant, 2 not, 0 none."""
    return np.fromiter((1 if d is True or d == 1 else 2 if d is False or d == 0 else 0 for d in values),
                       dtype=np.uint8, count=len(values))


def _micros(values: Sequence[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """ISO 8601 instants as stored (UTC, ``+00:00``) -> (int64 microseconds, naive flags); one parse per row in
    NumPy for the usual form, ``datetime.fromisoformat`` for any other."""
    n = len(values)
    out = np.full(n, NO_TIME, dtype=np.int64)
    naive = np.zeros(n, dtype=bool)
    utc = [i for i, v in enumerate(values) if v is not None and v.endswith("+00:00")]
    if utc:
        stamps = np.array([values[i][:-6] for i in utc], dtype="datetime64[us]")   # type: ignore[index]
        out[utc] = stamps.astype(np.int64)
    for i, v in enumerate(values):
        if v is not None and not v.endswith("+00:00"):
            moment = datetime.fromisoformat(v)
            naive[i] = moment.tzinfo is None
            moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
            out[i] = (moment - _EPOCH) // _MICROSECOND
    return out, naive


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=UTC) - _EPOCH


def _days(column: Categorical) -> np.ndarray:
    """ISO dates (a categorical column) -> proleptic ordinals (NO_DAY for none), parsed once per distinct date."""
    table = np.array([date.fromisoformat(v).toordinal() for v in column.values] + [NO_DAY], dtype=np.int32)
    return table[column.codes]


def _converted(column: Categorical, convert: Any) -> Categorical:
    return Categorical(column.codes, [convert(v) for v in column.values])


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def load_columns(engine_or_session: Engine | Connection | Session, connectors: Sequence[str],
                 rejected: Iterable[Rejected] = ()) -> RecordColumns:
    """What the engine reads for one evaluation, as columns (``load_records`` as columns): one SELECT per kind,
    each payload parsed once, each column built chunk by chunk (``_rows``). Deleted rows included (the engine says
    why they do not count). ``modified_at`` is not read (the engine does not use it). Accepts an Engine, a
    Connection or a Session (its connection: the same transaction)."""
    if isinstance(engine_or_session, Session):
        return _load_columns(engine_or_session.connection(), connectors, rejected)
    if isinstance(engine_or_session, Connection):
        return _load_columns(engine_or_session, connectors, rejected)
    with engine_or_session.connect() as conn:
        return _load_columns(conn, connectors, rejected)


def _load_columns(conn: Connection, connectors: Sequence[str], rejected: Iterable[Rejected]) -> RecordColumns:
    f: dict[str, _Column] = {
        "name": _Kept(lambda v: v or ""), **{k: _Codes() for k in (
            "postal_code", "departement", "region", "country", "industry", "account_type", "annual_revenue",
            "owner_id", "currency", "rates")},
        "dormant": _Array(_dormant), "custom": _Kept(lambda c: c or {})}
    source, ids, deleted = _rows(conn, "accounts", connectors, f)
    c: dict[str, Any] = {k: v.done() for k, v in f.items()}
    accounts = AccountTable(
        source=source, id=ids, name=c["name"], postal_code=c["postal_code"], departement=c["departement"],
        region=c["region"], country=c["country"], industry=c["industry"], account_type=c["account_type"],
        annual_revenue=_converted(c["annual_revenue"], Decimal), owner=c["owner_id"], dormant=c["dormant"],
        deleted=deleted, custom=c["custom"], currency=c["currency"],
        rates=_converted(c["rates"], CrmRates.parse) if c["rates"].values else None)
    changes = account_changes(conn, connectors)
    if changes:
        accounts.history = AccountHistory.of(changes, accounts.row_numbers())

    f = {"type": _Codes(), "owner_id": _Codes(), "account_id": _Codes(), "start": _Array(_micros),
         "status": _Codes(lambda v: v or "completed"), "subject": _Codes(lambda v: v or ""), "day": _Codes(),
         "whole_day": _Array(_bools)}
    source, ids, deleted = _rows(conn, "activities", connectors, f)
    c = {k: v.done() for k, v in f.items()}
    start_us, naive = c["start"]
    activities = ActivityTable(
        source=source, id=ids, type=_converted(c["type"], ActivityType), owner=c["owner_id"],
        account=c["account_id"], start=start_us, naive=naive, day=_days(c["day"]),
        status=_converted(c["status"], ActivityStatus), deleted=deleted, subject=c["subject"].decoded(),
        whole_day=c["whole_day"])

    f = {"account_id": _Codes(), "owner_id": _Codes(), "amount": _Codes(), "currency": _Codes(),
         "close_date": _Codes(), "stage": _Codes(), "name": _Kept(lambda v: v or ""), "closed_at": _Array(_micros),
         "created_at": _Array(_micros), "rates": _Codes(),
         "lines": _Kept(lambda deal_lines: tuple(_line(ln) for ln in deal_lines or ()))}
    source, ids, deleted = _rows(conn, "deals", connectors, f)
    c = {k: v.done() for k, v in f.items()}
    deals = DealTable(
        source=source, id=ids, account=c["account_id"], owner=c["owner_id"],
        amount=_converted(c["amount"], _decimal).decoded(), currency=c["currency"], close_date=_days(c["close_date"]),
        closed_at=c["closed_at"][0], stage=_converted(c["stage"], DealStage), deleted=deleted,
        created_at=c["created_at"][0], name=c["name"], lines=c["lines"],
        rates=_converted(c["rates"], CrmRates.parse) if c["rates"].values else None)

    users = tuple(r for r in iter_records_in(conn, connectors, "users") if isinstance(r, User))
    return RecordColumns(accounts, activities, deals, users, tuple(rejected))


def _line(ln: dict[str, Any]) -> DealLine:
    return DealLine(product=ln["product"], quantity=Decimal(ln["quantity"]), amount=_decimal(ln.get("amount")),
                    service_date=date.fromisoformat(ln["service_date"]) if ln.get("service_date") else None,
                    code=ln.get("code"), family=ln.get("family"), name=ln.get("name"), id=ln.get("id"),
                    currency=ln.get("currency"), product_id=ln.get("product_id"), codes=tuple(ln.get("codes") or ()),
                    names=tuple(ln.get("names") or ()))


def iter_records_in(conn: Connection, connectors: Sequence[str], kind: str) -> Iterator[Record]:
    """``iter_records`` on an open connection (users: a few hundred, read as records)."""
    query = select(_T.c.connector, _T.c.crm_id, _T.c.payload, _T.c.deleted, _T.c.modified_at).where(
        and_(_T.c.kind == kind, _T.c.connector.in_(list(connectors)))).order_by(_T.c.id)
    for row in conn.execute(query):
        yield from_payload(kind, row.crm_id, row.connector, row.payload, deleted=row.deleted,
                           modified_at=row.modified_at)
