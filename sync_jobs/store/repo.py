"""Repository functions over the store's rows: plan versions, watermarks, last-written values,
manager overrides, runs and their rejections, snapshots."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from more_itertools import chunked
from sqlalchemy import Engine, Table, delete, func, inspect
from sqlalchemy import select as core_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from connectors.base import REMOVED_PACE, KeptRates
from pac_core.records import Activity, Deal, Rejected
from pac_core.reject_codes import CODES, reason_group
from sync_jobs import retired_kept
from sync_jobs.logs import hide_credentials, redact
from sync_jobs.store.codec import from_payload, to_payload
from sync_jobs.store.db import stored_instant
from sync_jobs.store.tables import (
    AccountAxes,
    CrmLabels,
    CrmRate,
    CrmRatesRead,
    EngineSettingsVersion,
    FieldEvent,
    FieldState,
    Override,
    PlanVersion,
    Rejection,
    Run,
    Snapshot,
    StoredRecord,
    Watermark,
    Written,
)

SAVE_ATTEMPTS = 5            # inserts of a plan version refused because another worker recorded one meanwhile
WRITTEN_CHUNK = 500          # keys per IN list and rows per multi-row upsert statement


def table_of(model: type[SQLModel]) -> Table:
    """A model's table, for Core statements (SQLModel declares no ``__table__`` for the type checker)."""
    table = inspect(model).local_table
    assert isinstance(table, Table)
    return table


_W = table_of(Written)
_RUN = table_of(Run)
_PLAN_TARGETS = ("axis", "action")      # the records of the plan's items (``connectors.base.Target``)
_AX = table_of(AccountAxes)
_RATE = table_of(CrmRate)


# -- plan versions -------------------------------------------------------------------------------
def save_plan_version(engine: Engine, plan_id: str, fingerprint: str, source_path: str, content: str,
                      now: datetime) -> tuple[PlanVersion, bool]:
    """Record the plan file; a new version only when its fingerprint differs from the latest one.

    Returns (the current version, whether it was created). Older versions are kept. Another worker sharing the
    store may record a version between the read of the latest one and the insert (two snapshot jobs, a snapshot
    and a sync): the insert is refused by (plan, version) and the latest is read again.
    """
    return _record_version(
        engine, lambda: latest_plan_version(engine, plan_id), fingerprint,
        lambda version: PlanVersion(plan_id=plan_id, version=version, fingerprint=fingerprint,
                                    source_path=source_path, content=content, imported_at=now),
        f"plan {plan_id}: the plan version")


_V = TypeVar("_V", PlanVersion, EngineSettingsVersion)


def _record_version(engine: Engine, latest: Callable[[], _V | None], fingerprint: str, make: Callable[[int], _V],
                    what: str) -> tuple[_V, bool]:
    """The latest version (``latest``) when its fingerprint is ``fingerprint``, else a new one (``make``, given the
    next version number) inserted; (it, whether it was created). Another worker may insert the same version between
    the read and the insert: refused by (plan, version), the latest is read again."""
    for _attempt in range(SAVE_ATTEMPTS):
        current = latest()
        if current is not None and current.fingerprint == fingerprint:
            return current, False
        row = make((current.version + 1) if current else 1)
        with Session(engine) as session:
            session.add(row)
            try:
                session.commit()
            except IntegrityError:   # that version was recorded meanwhile: read the latest again
                continue
            session.refresh(row)
            return row, True
    raise RuntimeError(f"{what} could not be recorded in {SAVE_ATTEMPTS} attempts, other workers recording the "
                       "same at the same time")


def latest_plan_version(engine: Engine, plan_id: str) -> PlanVersion | None:
    with Session(engine) as session:
        return session.exec(select(PlanVersion).where(PlanVersion.plan_id == plan_id)
                            .order_by(col(PlanVersion.version).desc()).limit(1)).first()


def plan_id_of_file(engine: Engine, source_path: str) -> str | None:
    """The plan id of the latest version the store kept from the file ``source_path`` (as the settings resolve
    it), or None: what a night whose file no longer loads is logged under (``sync_jobs.failed_plan``)."""
    with Session(engine) as session:
        row = session.exec(select(PlanVersion).where(PlanVersion.source_path == source_path)
                           .order_by(col(PlanVersion.id).desc()).limit(1)).first()
        return row.plan_id if row is not None else None


def plan_versions(engine: Engine, plan_id: str) -> list[PlanVersion]:
    with Session(engine) as session:
        return list(session.exec(select(PlanVersion).where(PlanVersion.plan_id == plan_id)
                                 .order_by(col(PlanVersion.version))))


# -- engine settings ------------------------------------------------------------------------------
def save_engine_settings(engine: Engine, plan_id: str, content: Mapping[str, Any],
                         now: datetime) -> tuple[EngineSettingsVersion, bool]:
    """Record the engine section a plan runs with (``pac_config.settings.kept_engine_section``); a new version only
    when it differs from the latest one, as plan versions are (``save_plan_version``). Returns (the current version,
    whether it was created)."""
    body = dict(content)
    fingerprint = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode("utf-8")).hexdigest()[:32]
    return _record_version(
        engine, lambda: _latest_engine_settings(engine, plan_id), fingerprint,
        lambda version: EngineSettingsVersion(plan_id=plan_id, version=version, fingerprint=fingerprint,
                                              content=body, recorded_at=now),
        f"plan {plan_id}: the engine settings")


def _latest_engine_settings(engine: Engine, plan_id: str) -> EngineSettingsVersion | None:
    with Session(engine) as session:
        return session.exec(select(EngineSettingsVersion).where(EngineSettingsVersion.plan_id == plan_id)
                            .order_by(col(EngineSettingsVersion.version).desc()).limit(1)).first()


def engine_settings_versions(engine: Engine, plan_id: str) -> list[EngineSettingsVersion]:
    """The engine sections recorded for ``plan_id``, oldest first."""
    with Session(engine) as session:
        return list(session.exec(select(EngineSettingsVersion).where(EngineSettingsVersion.plan_id == plan_id)
                                 .order_by(col(EngineSettingsVersion.version))))


# -- watermarks ----------------------------------------------------------------------------------
def watermarks(engine: Engine, connector: str | None = None) -> dict[tuple[str, str], Watermark]:
    with Session(engine) as session:
        query = select(Watermark)
        if connector:
            query = query.where(Watermark.connector == connector)
        return {(w.connector, w.object): w for w in session.exec(query)}


def _put_watermark(session: Session, connector: str, obj: str, value: datetime | None, full: bool,
                   now: datetime, reading: str | None = None) -> None:
    row = session.get(Watermark, (connector, obj))
    if row is None:
        row = Watermark(connector=connector, object=obj, value=value, updated_at=now)
    elif value is not None and (row.value is None or value > row.value):
        row.value = value
    if full:
        row.last_full_at = now
    if full or reading is not None:      # a full read, or stored records converted at new rates (sync_jobs.pull)
        row.reading = reading
    row.updated_at = now
    session.add(row)


def _drop_stale_watermarks(session: Session, seen: set[tuple[str, str]]) -> None:
    """Watermarks of an object kind the run no longer keeps: its CRM objects now split or merged ("activities" for
    one object, "activities:Event" and "activities:Task" for two; sync_jobs.pull.watermark_key)."""
    kinds = {(connector, obj.split(":", 1)[0]) for connector, obj in seen}
    for connector in {c for c, _ in kinds}:
        for row in session.exec(select(Watermark).where(Watermark.connector == connector)):
            if (connector, row.object.split(":", 1)[0]) in kinds and (connector, row.object) not in seen:
                session.delete(row)


# -- a CRM's dated exchange rates --------------------------------------------------------------------
def crm_rates(engine: Engine, connector: str) -> KeptRates | None:
    """The dated exchange-rate rows ``connector`` last read (``CrmRate``) and how (``CrmRatesRead``), or None: none
    kept yet (the first night after the upgrade reads them all)."""
    with Session(engine) as session:
        state = session.get(CrmRatesRead, connector)
        if state is None:
            return None
        rows = session.exec(select(CrmRate).where(CrmRate.connector == connector)).all()
        return KeptRates({r.crm_id: dict(r.row) for r in rows},
                         None if state.stamp is None else stored_instant(state.stamp),
                         stored_instant(state.full_at), stored_instant(state.updated_at))


def _put_rates(session: Session, connector: str, kept: KeptRates, now: datetime) -> None:
    """The rows a run read: every row replaced after a full read (``changed`` None), else the changed ones; upserted
    in batches (73,000 rows on a daily feed's first night; two plans' runs on one connector may write together)."""
    if kept.changed is None:
        session.execute(delete(CrmRate).where(CrmRate.connector == connector))   # type: ignore[arg-type]
    ids = sorted(kept.rows if kept.changed is None else kept.changed)
    bind = session.get_bind()
    stmt = (postgresql.insert if bind.dialect.name == "postgresql" else sqlite.insert)(_RATE)
    stmt = stmt.on_conflict_do_update(index_elements=["connector", "crm_id"], set_={"row": stmt.excluded.row})
    for batch in chunked(ids, WRITTEN_CHUNK):
        session.execute(stmt, [{"connector": connector, "crm_id": i, "row": dict(kept.rows[i])} for i in batch])
    state = session.get(CrmRatesRead, connector) or CrmRatesRead(connector=connector, full_at=now, updated_at=now)
    state.stamp, state.updated_at = kept.stamp, now
    if kept.changed is None:
        state.full_at = now
    session.add(state)


# -- the scope picklists' labels -----------------------------------------------------------------
def crm_labels(engine: Engine, connector: str) -> dict[str, Any] | None:
    """The labels of the scope picklists ``connector``'s CRM last showed (``PicklistLabels.as_json``), or None."""
    with Session(engine) as session:
        row = session.get(CrmLabels, connector)
        return dict(row.labels) if row is not None else None


# -- what was last written -----------------------------------------------------------------------
def written(engine: Engine, plan_id: str, connector: str) -> dict[tuple[str, str], Written]:
    with Session(engine) as session:
        query = select(Written).where(Written.plan_id == plan_id, Written.connector == connector)
        return {(w.target, w.key): w for w in session.exec(query)}


def written_everywhere(engine: Engine, plan_id: str, target: str, key: str) -> dict[str, dict[str, Any]]:
    """Connector -> the fields pac last wrote to the record ``(target, key)`` of the plan there (``pac explain`` of
    an item no longer in the plan: where its last figures are), the connectors by name."""
    with Session(engine) as session:
        query = select(Written).where(Written.plan_id == plan_id, Written.target == target, Written.key == key)
        return {w.connector: dict(w.fields or {}) for w in sorted(session.exec(query), key=lambda w: w.connector)}


def save_written(engine: Engine, plan_id: str, connector: str,
                 rows: Iterable[tuple[str, str, str | None, Mapping[str, Any]]], now: datetime, *,
                 run_id: int | None = None) -> int:
    """After a successful batch: merge the sent field values into what was last written, per record.

    Set-based: one transaction per call, holding one read of the batch's existing rows (per target and
    ``WRITTEN_CHUNK`` keys) and one multi-row upsert (``INSERT ... ON CONFLICT DO UPDATE``). Field
    values merge key by key (a later partial write keeps the fields it did not send), a ``None`` CRM id
    keeps the stored one; saving the same batch twice leaves the same rows (idempotent). Returns how
    many (target, key, crm id, fields) tuples were saved, duplicates inside ``rows`` included.

    ``run_id``: the run whose write the CRM accepted (``CrmWriter``). The axis and action records this batch marks
    removed (pace ``REMOVED_PACE`` sent, not stored before) are kept on that run's row (``Run.removed``,
    ``retired_kept.with_marked``) in the same transaction, named and counted from what was last written to them: a
    run stopped at any later point still names what it took out of the plan (audit removedrec).
    """
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    marking: set[tuple[str, str]] = set()      # (target, key) of the records this batch marks removed
    n = 0
    for target, key, crm_id, fields in rows:
        n += 1
        row = merged.get((target, key))
        if row is None:
            merged[(target, key)] = {"plan_id": plan_id, "connector": connector, "target": target, "key": key,
                                     "crm_id": crm_id, "fields": dict(fields), "written_at": now}
        else:
            row["fields"] = {**row["fields"], **fields}
            row["crm_id"] = crm_id or row["crm_id"]
        if run_id is not None and target in _PLAN_TARGETS and fields.get("pace") == REMOVED_PACE:
            marking.add((target, key))
    if not merged:
        return 0
    keys_of: dict[str, list[str]] = {}
    for target, key in merged:
        keys_of.setdefault(target, []).append(key)
    with engine.begin() as conn:
        for target, keys in keys_of.items():       # whole primary keys: an index lookup per record
            for chunk in chunked(keys, WRITTEN_CHUNK):
                query = select(_W.c.key, _W.c.crm_id, _W.c.fields).where(
                    _W.c.plan_id == plan_id, _W.c.connector == connector, _W.c.target == target,
                    _W.c.key.in_(chunk))
                for key, crm_id, fields in conn.execute(query):
                    row = merged[(target, key)]
                    if (fields or {}).get("pace") == REMOVED_PACE:
                        marking.discard((target, key))     # marked removed before: not this run's to name
                    row["fields"] = {**(fields or {}), **row["fields"]}
                    row["crm_id"] = row["crm_id"] or crm_id
        stmt = _insert(engine)(_W)
        stmt = stmt.on_conflict_do_update(
            index_elements=["plan_id", "connector", "target", "key"],
            set_={c: stmt.excluded[c] for c in ("crm_id", "fields", "written_at")})
        for batch in chunked(merged.values(), WRITTEN_CHUNK):
            conn.execute(stmt, batch)
        if marking and run_id is not None:
            items = [replace(item, name=hide_credentials(item.name)) for item in retired_kept.removed_items(
                {connector: [item for item in merged if item in marking]},
                {connector: {item: merged[item]["fields"] for item in marking}})]     # plan text, as pac shows it
            kept = conn.execute(core_select(_RUN.c.removed).where(_RUN.c.id == run_id)).scalar()
            conn.execute(_RUN.update().where(_RUN.c.id == run_id).values(
                removed=retired_kept.with_marked(kept, items)))
    return n


def forget_written(engine: Engine, plan_id: str, connector: str, items: Iterable[tuple[str, str, Iterable[str]]]
                   ) -> dict[tuple[str, str], str]:
    """Remove fields from what was last written to records named by their CRM id (``(target, crm id, fields)``), so
    the next diff sends them again (a HubSpot link that failed: ``connectors.base.LinkFailure``). One transaction;
    returns ``(target, crm id) -> key`` of the rows found (an id with no row is left out)."""
    wanted: dict[tuple[str, str], set[str]] = {}
    for target, crm_id, fields in items:
        wanted.setdefault((target, crm_id), set()).update(fields)
    found: dict[tuple[str, str], str] = {}
    if not wanted:
        return found
    ids_of: dict[str, list[str]] = {}
    for target, crm_id in wanted:
        ids_of.setdefault(target, []).append(crm_id)
    with engine.begin() as conn:
        for target, ids in ids_of.items():
            for chunk in chunked(ids, WRITTEN_CHUNK):
                query = select(_W.c.key, _W.c.crm_id, _W.c.fields).where(
                    _W.c.plan_id == plan_id, _W.c.connector == connector, _W.c.target == target,
                    _W.c.crm_id.in_(chunk))
                for key, crm_id, fields in conn.execute(query).all():
                    found[(target, crm_id)] = key
                    drop = wanted[(target, crm_id)]
                    kept = {k: v for k, v in (fields or {}).items() if k not in drop}
                    conn.execute(_W.update().where(_W.c.plan_id == plan_id, _W.c.connector == connector,
                                                   _W.c.target == target, _W.c.key == key).values(fields=kept))
    return found


def drop_written(engine: Engine, plan_id: str, connector: str, keys: Iterable[tuple[str, str]]) -> int:
    """Remove whole "last written" rows (``(target, key)``): the record is no longer in the CRM (deleted there, or
    created again holding only the fields of one write), so the next diff sends every field of it as for a new
    record. One transaction; returns how many rows were removed."""
    keys_of: dict[str, list[str]] = {}
    for target, key in keys:
        keys_of.setdefault(target, []).append(key)
    gone = 0
    if not keys_of:
        return gone
    with engine.begin() as conn:
        for target, wanted in keys_of.items():
            for chunk in chunked(sorted(set(wanted)), WRITTEN_CHUNK):
                gone += conn.execute(_W.delete().where(_W.c.plan_id == plan_id, _W.c.connector == connector,
                                                       _W.c.target == target, _W.c.key.in_(chunk))).rowcount or 0
    return gone


# -- each plan's axes per account (shared account fields) ---------------------------------------------
def account_axes(engine: Engine, connector: str,
                 other_than: str | None = None) -> dict[str, dict[str, tuple[str, ...]]]:
    """Plan id -> account key -> the ids of that plan's axes targeting the account, for every plan that saved
    some on ``connector`` but ``other_than`` (one query; a plan alone on its connector reads no row)."""
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    with engine.connect() as conn:
        query = select(_AX.c.plan_id, _AX.c.key, _AX.c.axes).where(_AX.c.connector == connector)
        if other_than is not None:
            query = query.where(_AX.c.plan_id != other_than)
        for plan_id, key, axes in conn.execute(query):
            out.setdefault(plan_id, {})[key] = tuple(axes)
    return out


def save_account_axes(engine: Engine, plan_id: str, connector: str,
                      rows: Mapping[str, tuple[str, ...]], now: datetime) -> int:
    """Replace the plan's contribution on ``connector`` by ``rows`` (account key -> axis ids; an empty tuple or
    a key left out: none), touching only the rows that differ. Returns how many rows were inserted, updated or
    deleted."""
    with engine.begin() as conn:
        query = select(_AX.c.key, _AX.c.axes).where(_AX.c.plan_id == plan_id, _AX.c.connector == connector)
        stored = {key: tuple(axes) for key, axes in conn.execute(query)}
        gone = [k for k in stored if not rows.get(k)]
        upserts = [{"plan_id": plan_id, "connector": connector, "key": k, "axes": list(v), "saved_at": now}
                   for k, v in rows.items() if v and stored.get(k) != tuple(v)]
        for chunk in chunked(gone, WRITTEN_CHUNK):
            conn.execute(delete(_AX).where(_AX.c.plan_id == plan_id, _AX.c.connector == connector,
                                           _AX.c.key.in_(chunk)))
        if upserts:
            stmt = _insert(engine)(_AX)
            stmt = stmt.on_conflict_do_update(index_elements=["plan_id", "connector", "key"],
                                              set_={c: stmt.excluded[c] for c in ("axes", "saved_at")})
            for batch in chunked(upserts, WRITTEN_CHUNK):
                conn.execute(stmt, batch)
    return len(gone) + len(upserts)


@dataclass(frozen=True)
class WrittenAccount:
    """What one plan last wrote on one CRM account (the columns the account fields' diff reads)."""

    plan_id: str
    written_at: datetime
    fields: dict[str, Any]


def written_accounts(engine: Engine, connector: str, other_than: str | None = None) -> dict[str, list[WrittenAccount]]:
    """Account key -> the newest last-written row of that account on ``connector`` among the plans but
    ``other_than`` (one row each: the diff only needs the newest; a plan alone on its connector reads no row: its
    own rows are the run's ``written``). One query, the newest picked by the database."""
    where = [_W.c.connector == connector, _W.c.target == "account"]
    if other_than is not None:
        where.append(_W.c.plan_id != other_than)
    newest = func.row_number().over(partition_by=_W.c.key, order_by=(_W.c.written_at.desc(), _W.c.plan_id))
    ranked = core_select(_W.c.key, _W.c.plan_id, _W.c.written_at, _W.c.fields, newest.label("n")
                         ).where(*where).subquery()
    out: dict[str, list[WrittenAccount]] = {}
    with engine.connect() as conn:
        for key, plan_id, written_at, fields, _ in conn.execute(core_select(ranked).where(ranked.c.n == 1)):
            out[key] = [WrittenAccount(plan_id, written_at, fields or {})]
    return out


def _insert(engine: Engine) -> Any:
    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert


# -- manager overrides ---------------------------------------------------------------------------
def save_override(engine: Engine, plan_id: str, target: str, key: str, field: str, value: Any,
                  modified_at: datetime, connector: str) -> bool:
    """Keep the newest edit of each (record, field); returns whether this one was kept."""
    with Session(engine) as session:
        row = session.get(Override, (plan_id, target, key, field))
        if row is not None and row.modified_at >= modified_at:
            return False
        if row is None:
            row = Override(plan_id=plan_id, target=target, key=key, field=field, value=value,
                           modified_at=modified_at, connector=connector)
        else:
            row.value, row.modified_at, row.connector = value, modified_at, connector
        session.add(row)
        session.commit()
        return True


def overrides(engine: Engine, plan_id: str) -> list[Override]:
    with Session(engine) as session:
        return list(session.exec(select(Override).where(Override.plan_id == plan_id)
                                 .order_by(col(Override.modified_at))))


# -- per-field state of manager-editable values (provenance) and its history ----------------------
def field_states(engine: Engine, plan_id: str) -> dict[tuple[str, str, str], FieldState]:
    """(target, key, field) -> the stored state of each manager-editable field of the plan."""
    with Session(engine) as session:
        rows = session.exec(select(FieldState).where(FieldState.plan_id == plan_id))
        return {(r.target, r.key, r.field): r for r in rows}


def save_field_states(engine: Engine, plan_id: str, states: Iterable[Mapping[str, Any]],
                      events: Iterable[Mapping[str, Any]]) -> None:
    """Replace the given fields' states (dicts with target, key, field and the other columns) and append the
    events, in one transaction."""
    with Session(engine) as session:
        for values in states:
            row = session.get(FieldState, (plan_id, values["target"], values["key"], values["field"]))
            if row is None:
                row = FieldState(plan_id=plan_id, **values)
            else:
                for name, value in values.items():
                    setattr(row, name, value)
            session.add(row)
        for values in events:
            session.add(FieldEvent(plan_id=plan_id, **values))
        session.commit()


def field_events(engine: Engine, plan_id: str, key: str | None = None) -> list[FieldEvent]:
    """The plan's field changes, oldest first (only ``key``'s when given)."""
    with Session(engine) as session:
        query = select(FieldEvent).where(FieldEvent.plan_id == plan_id)
        if key is not None:
            query = query.where(FieldEvent.key == key)
        return list(session.exec(query.order_by(col(FieldEvent.changed_at), col(FieldEvent.id))))


def run_conflicts(engine: Engine, plan_id: str, run_id: int | None) -> list[str]:
    """The conflicts a run decided (each once, in plain words, with the rule), from its ``lost`` field events."""
    if run_id is None:
        return []
    with Session(engine) as session:
        rows = session.exec(select(FieldEvent.note).where(
            FieldEvent.plan_id == plan_id, FieldEvent.run_id == run_id, FieldEvent.outcome == "lost")
            .order_by(col(FieldEvent.id)))
        return list(dict.fromkeys(rows))


# -- runs ----------------------------------------------------------------------------------------
def start_run(engine: Engine, plan_id: str, now: datetime, *, dry_run: bool = False, full: bool = False) -> int:
    with Session(engine) as session:
        run = Run(plan_id=plan_id, started_at=now, dry_run=dry_run, full=full)
        session.add(run)
        session.commit()
        assert run.id is not None
        return run.id


def finish_run(engine: Engine, run_id: int, *, status: str, now: datetime, counts: Mapping[str, Any],
               api: Mapping[str, Any], errors: Iterable[str],
               watermarks_seen: Mapping[tuple[str, str], datetime | None] | None = None,
               full_objects: Iterable[tuple[str, str]] = (), rejections: Iterable[Rejected] = (),
               advice: Mapping[str, Any] | None = None, readings: Mapping[tuple[str, str], str] | None = None,
               labels: Mapping[str, Mapping[str, Any]] | None = None,
               rates: Mapping[str, KeptRates] | None = None,
               plan_warnings: Iterable[Mapping[str, Any]] = ()) -> None:
    """Commit the run log, its rejections, its advice (``sync_jobs.run_advice``; None: the run did not evaluate)
    and (when given) the new watermarks in one transaction: a run is never found finished without its
    rejections or its advice, nor half committed (a run that stops is closed ``failed`` with the rejections it met,
    ``close_own_run``: audit leftsmall). ``readings``: how each object
    read in full was read (``Connector.reading``), kept with its watermark; ``labels``: per connector, the scope
    picklists' labels its CRM showed this run (``crm_labels``), kept with the accounts read by them; ``rates``: per
    connector, the dated exchange-rate rows it read (``crm_rates``); ``plan_warnings``: the plan's warnings the run
    worded (``pac_core.plan_warnings.record``, ``Run.plan_warnings``), their English words redacted as the errors."""
    full_set = set(full_objects)
    with Session(engine) as session:
        run = session.get(Run, run_id)
        assert run is not None
        run.status, run.finished_at = status, now
        run.counts, run.api = dict(counts), dict(api)
        run.errors = [redact(e) for e in errors]
        run.plan_warnings = [kept_warning(w) for w in plan_warnings]
        if advice is not None:
            run.advice = dict(advice)
        session.add(run)
        _add_rejections(session, run_id, rejections)
        for (connector, obj), value in (watermarks_seen or {}).items():
            _put_watermark(session, connector, obj, value, (connector, obj) in full_set, now,
                           (readings or {}).get((connector, obj)))
        _drop_stale_watermarks(session, set(watermarks_seen or {}))
        for connector, kept in (labels or {}).items():
            row = session.get(CrmLabels, connector) or CrmLabels(connector=connector, labels={}, updated_at=now)
            row.labels, row.updated_at = dict(kept), now
            session.add(row)
        for connector, read in (rates or {}).items():
            _put_rates(session, connector, read, now)
        session.commit()


def kept_warning(row: Mapping[str, Any]) -> dict[str, Any]:
    """A plan warning's record as the run log keeps it: its English words redacted as the errors are (the same line
    among them reads the same), its values as they are (names, ids, places in the plan file)."""
    return {**row, "en": redact(str(row.get("en", "")))}


def add_rejections(engine: Engine, run_id: int, rejected: Iterable[Rejected]) -> int:
    with Session(engine) as session:
        n = _add_rejections(session, run_id, rejected)
        session.commit()
        return n


# the key of a rejection's ``reason_values`` holding the record it carries (``Rejected.record``: a won deal, an
# engagement), as the store keeps one of its kind (``codec.to_payload``); no code has a value of that name
RECORD_KEY = "_record"


def _add_rejections(session: Session, run_id: int, rejected: Iterable[Rejected]) -> int:
    n = 0
    for r in map(stored_rejection, rejected):
        values: dict[str, Any] | None = dict(r.values) if r.code else None
        if values is not None and r.record is not None:
            values[RECORD_KEY] = to_payload(r.record)
        session.add(Rejection(run_id=run_id, connector=r.source, object=r.object, crm_id=r.id, reason=r.reason,
                              code=r.code or None, reason_values=values))
        n += 1
    return n


# a rejection's row as ``_kept_rejection`` reads it
_REJECTION_COLUMNS = (col(Rejection.connector), col(Rejection.object), col(Rejection.crm_id), col(Rejection.reason),
                      col(Rejection.code), col(Rejection.reason_values))


def stored_rejection(r: Rejected) -> Rejected:
    """``r`` as the store keeps it: its English reason and its values redacted (``logs.redact``)."""
    values = tuple((name, redact(value)) for name, value in r.values)
    return replace(r, reason=redact(r.reason), values=values)


def _kept_rejection(connector: str, obj: str, crm_id: str, reason: str, code: str | None,
                    values: Mapping[str, Any] | None) -> Rejected:
    """A stored rejection: with its code and values when the row keeps them and they are a code's of
    ``reject_codes.CODES`` (and the record it carries, under ``RECORD_KEY``), else its English text alone (a row of a
    run before migration 0012, an engine set-aside), which ``reject_codes.read_reason`` reads (``LEGACY``)."""
    words = CODES.get(code or "")
    if not code or words is None or values is None:
        return Rejected(connector, obj, crm_id, reason)
    kept = {k: v for k, v in values.items() if k != RECORD_KEY}
    if set(kept) != set(words.names):
        return Rejected(connector, obj, crm_id, reason)
    payload = values.get(RECORD_KEY)
    record = from_payload(obj, crm_id, connector, payload, deleted=False, modified_at=None) \
        if isinstance(payload, dict) and obj in ("deals", "activities") else None
    return Rejected(connector, obj, crm_id, reason, code, tuple((n, str(kept[n])) for n in words.names),
                    record if isinstance(record, Activity | Deal) else None)


def rejections(engine: Engine, run_id: int) -> list[Rejected]:
    with Session(engine) as session:
        rows = session.exec(select(Rejection).where(Rejection.run_id == run_id).order_by(col(Rejection.id)))
        return [_kept_rejection(r.connector, r.object, r.crm_id, r.reason, r.code, r.reason_values) for r in rows]


FINISHED = ("ok", "partial")   # runs that got through their writes: their rejections are complete


def previous_rejections(engine: Engine, plan_id: str, before_run: int | None = None) -> list[Rejected]:
    """The rejections of the plan's previous finished run (the latest real run, status ``ok`` or ``partial``,
    older than ``before_run``; the latest one when None), as stored (redacted; a connector's with its code and
    values when the row keeps them). Empty when there is none. A failed or quota-stopped run is skipped: it
    stopped before evaluating, so its rejections are incomplete. Streams the rows."""
    query = select(Run.id).where(Run.plan_id == plan_id, col(Run.dry_run).is_(False), col(Run.status).in_(FINISHED))
    if before_run is not None:
        query = query.where(col(Run.id) < before_run)
    rows = core_select(*_REJECTION_COLUMNS)
    with engine.connect() as conn:
        previous = conn.execute(query.order_by(col(Run.id).desc()).limit(1)).scalar()
        if previous is None:
            return []
        result = conn.execution_options(yield_per=2000).execute(rows.where(col(Rejection.run_id) == previous))
        return [_kept_rejection(*row) for row in result]


def known_rejections(engine: Engine, plan_id: str) -> list[Rejected]:
    """What ``pac explain`` lists as rejected: the rejections of the plan's previous finished run
    (``previous_rejections``), with those met by the real runs stopped since (interrupted, quota-stopped, failed:
    kept with them since audit leftsmall), a record's latest reason standing for it: a deal a stopped run rejected is
    named although no run finished since."""
    kept = {(r.source, r.object, r.id): r for r in previous_rejections(engine, plan_id)}
    with engine.connect() as conn:
        last = conn.execute(select(func.max(Run.id)).where(
            Run.plan_id == plan_id, col(Run.dry_run).is_(False), col(Run.status).in_(FINISHED))).scalar()
        query = select(Run.id).where(Run.plan_id == plan_id, col(Run.dry_run).is_(False),
                                     col(Run.status).not_in(FINISHED))
        if last is not None:
            query = query.where(col(Run.id) > last)
        stopped = list(conn.execute(query.order_by(col(Run.id))).scalars())
        for run_id in stopped:
            rows = conn.execute(core_select(*_REJECTION_COLUMNS).where(col(Rejection.run_id) == run_id)
                                .order_by(col(Rejection.id)))
            for row in rows:
                rejected = _kept_rejection(*row)
                kept[(rejected.source, rejected.object, rejected.id)] = rejected
    return list(kept.values())


@dataclass(frozen=True)
class RejectionGroup:
    """A run's rejected records of one object for one reason (``pac status``)."""

    object: str                                   # accounts, activities, deals, users
    reason: str                                   # the engine's rule code, or a connector reason's English head
                                                  # (``reject_codes.reason_group``)
    count: int
    sample: str                                   # the first record's full reason
    examples: tuple[tuple[str, str, str], ...]    # (connector, CRM id, subject or name) of the first few
    code: str = ""                                # the first record's code and values (its words in French)
    values: tuple[tuple[str, str], ...] = ()


def rejection_groups(engine: Engine, run_id: int, *, examples: int = 3) -> list[RejectionGroup]:
    """The run's rejections grouped by (object, reason head), largest group first, each with its first
    ``examples`` records and their stored subject or name (connector rejections are not stored: no name). A
    connector's reason is grouped by its code (``reject_codes.reason_group``: the English made from it, up to its
    first ": "), whichever pac stored it. Streams the rows: one pass, memory bounded by the number of groups."""
    groups: dict[tuple[str, str], list[Any]] = {}   # key -> [count, sample, [(connector, crm id)]]
    query = core_select(*_REJECTION_COLUMNS).where(col(Rejection.run_id) == run_id).order_by(col(Rejection.id))
    with engine.connect() as conn:
        for row in conn.execution_options(yield_per=2000).execute(query):
            kept = _kept_rejection(*row)
            obj, connector, crm_id, reason = kept.object, kept.source, kept.id, kept.reason
            group = groups.setdefault((obj, reason_group(reason, kept.code, kept.values)),
                                      [0, reason, [], (kept.code, tuple(kept.values))])
            group[0] += 1
            if len(group[2]) < examples:
                group[2].append((connector, crm_id))
        labels: dict[tuple[str, str, str], str] = {}
        table = table_of(StoredRecord)
        wanted: dict[tuple[str, str], set[str]] = {}
        for (obj, _head), (_n, _s, ids, _code) in groups.items():
            for connector, crm_id in ids:
                wanted.setdefault((connector, obj), set()).add(crm_id)
        for (connector, obj), ids in wanted.items():
            rows = conn.execute(select(table.c.crm_id, table.c.payload).where(
                table.c.connector == connector, table.c.kind == obj, table.c.crm_id.in_(sorted(ids))))
            for crm_id, payload in rows:
                label = (payload or {}).get("subject") or (payload or {}).get("name") or ""
                labels[(connector, obj, crm_id)] = str(label)
    out = [RejectionGroup(obj, head, n, sample, tuple((c, i, labels.get((c, obj, i), "")) for c, i in ids), *code)
           for (obj, head), (n, sample, ids, code) in groups.items()]
    return sorted(out, key=lambda g: (-g.count, g.object, g.reason))


def latest_advice(engine: Engine, plan_id: str) -> Run | None:
    """The plan's latest run that kept the advice of its evaluation (``Run.advice``), or None: no run evaluated
    since the store kept advice (migration 0006)."""
    with Session(engine) as session:
        query = select(Run).where(Run.plan_id == plan_id, col(Run.advice).is_not(None))
        return session.exec(query.order_by(col(Run.id).desc()).limit(1)).first()


def close_running_runs(engine: Engine, plan_id: str, now: datetime, error: str) -> list[int]:
    """Close every run of the plan still marked ``running`` as ``failed`` with ``error`` added to its errors (its
    counts and API figures kept; no watermark, rejection or advice: it never checkpointed); returns their ids.
    Called by a run holding the plan's lock, before it starts its own, which shows those runs' processes are gone
    (or, for a run whose lock was lost, that it no longer holds the lock: that one replaces the error with its own
    cause, ``close_own_run``)."""
    with Session(engine) as session:
        found = list(session.exec(select(Run).where(Run.plan_id == plan_id, col(Run.finished_at).is_(None),
                                                    Run.status == "running")))
        for run in found:
            run.status, run.finished_at = "failed", now
            run.errors = [*(run.errors or []), redact(error)]
            session.add(run)
        session.commit()
        return sorted(int(run.id) for run in found if run.id is not None)


def close_own_run(engine: Engine, run_id: int, now: datetime, error: str, *, replacing: str,
                  api: Mapping[str, Mapping[str, Any]] | None = None,
                  counts: Mapping[str, Mapping[str, int]] | None = None,
                  rejections: Iterable[Rejected] | None = None) -> bool:
    """Close the run ``run_id`` as ``failed`` with ``error`` added to its errors, by the run itself on its failure
    path; a row another run already closed as abandoned (an error starting with ``replacing``: its lock was taken
    over while it went on) gets ``error`` in place of that one. A row that finished otherwise is left as it is.
    ``api``: the API usage of its connectors when it stopped (``Run.api``, as ``finish_run`` keeps it): the calls an
    interrupted run made count on the CRM's daily allocation all the same; ``counts``: the records it read (and
    wrote) so far (``Run.counts``, as ``finish_run`` keeps them); ``rejections``: those it met so far, kept as
    ``finish_run`` keeps them (audit leftsmall). Never touches another run. Returns
    whether the row changed."""
    with Session(engine) as session:
        run = session.get(Run, run_id)
        if run is None:
            return False
        errors = list(run.errors or [])
        kept = [e for e in errors if not e.startswith(replacing)]
        if run.status != "running" and (run.status != "failed" or kept == errors):
            return False
        run.status, run.finished_at = "failed", now    # its real end, not the start of the run that took over
        run.errors = [*kept, redact(error)]
        if api:
            run.api = {name: dict(usage) for name, usage in api.items()}
        if counts:
            run.counts = {kind: dict(figures) for kind, figures in counts.items()}
        if rejections:
            _add_rejections(session, run_id, rejections)
        session.add(run)
        session.commit()
        return True


def record_run_not_run(engine: Engine, plan_id: str, began: datetime, now: datetime, error: str, *,
                       status: str = "locked") -> int:
    """A scheduled run that could not start (its plan's or a connector's lock held too long), kept as a run of
    status ``locked`` with ``error`` (its cause and what to do), so ``pac status`` shows the night that did not run;
    returns its id. ``status="failed"``: a run whose plan file did not load (``sync_jobs.failed_plan``): it read and
    wrote nothing either, and is a failed night as a CRM schema problem is."""
    with Session(engine) as session:
        run = Run(plan_id=plan_id, started_at=began, finished_at=now, status=status, errors=[redact(error)])
        session.add(run)
        session.commit()
        assert run.id is not None
        return run.id


def runs(engine: Engine, plan_id: str | None = None, limit: int = 10, *, include_dry: bool = True,
         finished_by: datetime | None = None) -> list[Run]:
    """The latest runs, newest first; ``include_dry=False``: the runs that ran for real, so neither a dry run nor a
    scheduled fire that could not start (``locked``, ``record_run_not_run``: it read and wrote nothing);
    ``finished_by``: the runs that had ended by then (what a snapshot taken then read)."""
    with Session(engine) as session:
        query = select(Run).order_by(col(Run.id).desc()).limit(limit)
        if plan_id:
            query = query.where(Run.plan_id == plan_id)
        if not include_dry:
            query = query.where(col(Run.dry_run).is_(False), col(Run.status) != "locked")
        if finished_by is not None:   # instants are stored in UTC (SQLite keeps no offset)
            query = query.where(col(Run.finished_at).is_not(None), col(Run.finished_at) <= finished_by.astimezone(UTC))
        return list(session.exec(query))


# -- snapshots -----------------------------------------------------------------------------------
def save_snapshot(engine: Engine, plan_id: str, kind: str, label: str, payload: dict[str, Any],
                  now: datetime, *, replace: bool = False) -> None:
    """Keep one snapshot per (plan, kind, label): ``replace`` replaces one kept before, otherwise a second one
    of the same label raises ``IntegrityError`` (the kept one stays)."""
    with Session(engine) as session:
        if replace:
            session.exec(delete(Snapshot).where(col(Snapshot.plan_id) == plan_id, col(Snapshot.kind) == kind,
                                                col(Snapshot.label) == label))
        session.add(Snapshot(plan_id=plan_id, kind=kind, label=label, taken_at=now, payload=payload))
        session.commit()


def snapshot(engine: Engine, plan_id: str, kind: str, label: str) -> Snapshot | None:
    """The snapshot kept for (plan, kind, label), if any."""
    with Session(engine) as session:
        return session.exec(select(Snapshot).where(col(Snapshot.plan_id) == plan_id, col(Snapshot.kind) == kind,
                                                   col(Snapshot.label) == label)).first()


def snapshot_labels(engine: Engine, plan_id: str, kind: str) -> list[str]:
    """The labels of the plan's snapshots of ``kind``, without their payloads (what is due reads only these)."""
    with Session(engine) as session:
        return list(session.exec(select(Snapshot.label).where(col(Snapshot.plan_id) == plan_id,
                                                              col(Snapshot.kind) == kind)))


def snapshots(engine: Engine, plan_id: str) -> list[Snapshot]:
    with Session(engine) as session:
        return list(session.exec(select(Snapshot).where(Snapshot.plan_id == plan_id)
                                 .order_by(col(Snapshot.taken_at), col(Snapshot.kind), col(Snapshot.label))))


def count_runs(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(Run)).one())
