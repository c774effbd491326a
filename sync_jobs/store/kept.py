"""The kept state of incremental nights (pac_core/incremental.py) in the store, and the night's change list.

``load_kept`` / ``save_kept`` read and write one plan's ``KeptState`` (``pac_kept_night`` and one
``pac_kept_action`` row per action; a night rewrites only the actions whose fingerprint or candidates changed).
``changes_since`` lists the records stored since the kept night's high-water mark of ``stored_at`` (every upsert
and every reconciliation deletion stamps it), minus ``RECHECK``: a run stamps ``stored_at`` with its own start
instant, so a run that started before the mark but wrote after it is still seen. Listing a record twice is
harmless (it is only re-examined); missing one is not, hence the margin.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, delete, func, select
from sqlmodel import Session

from pac_core.incremental import Changes, KeptAction, KeptState, Key
from sync_jobs.store.db import stored_instant
from sync_jobs.store.tables import KeptActionRow, KeptNight, StoredRecord

RECHECK = timedelta(hours=2)   # longer than any run: see the module's docstring
_T = StoredRecord.__table__  # type: ignore[attr-defined]
_KINDS = ("activities", "accounts", "deals", "users")


def records_stamp(engine: Engine, connectors: Sequence[str]) -> datetime | None:
    """The newest ``stored_at`` among the connectors' records (the mark the next night's changes start from)."""
    query = select(func.max(_T.c.stored_at)).where(_T.c.connector.in_(list(connectors)))
    with engine.connect() as conn:
        value = conn.execute(query).scalar()
    return _aware(value)


def changes_since(engine: Engine, connectors: Sequence[str], stamp: datetime | None) -> Changes | None:
    """The records of these connectors stored after ``stamp`` - ``RECHECK``, by kind; None without a stamp."""
    if stamp is None:
        return None
    found: dict[str, set[Key]] = {kind: set() for kind in _KINDS}
    query = select(_T.c.kind, _T.c.connector, _T.c.crm_id).where(
        and_(_T.c.connector.in_(list(connectors)), _T.c.stored_at > stamp - RECHECK))
    with engine.connect() as conn:
        for kind, connector, crm_id in conn.execute(query):
            if kind in found:
                found[kind].add((connector, crm_id))
    return Changes(activities=frozenset(found["activities"]), accounts=frozenset(found["accounts"]),
                   deals=frozenset(found["deals"]), users=frozenset(found["users"]))


def load_kept(engine: Engine, plan_id: str) -> tuple[KeptState, datetime | None] | None:
    """The plan's kept state and the ``stored_at`` mark it was computed from, or None (never saved)."""
    with Session(engine) as session:
        night = session.get(KeptNight, plan_id)
        if night is None:
            return None
        rows = session.execute(select(KeptActionRow).where(
            KeptActionRow.plan_id == plan_id)).scalars().all()  # type: ignore[arg-type]
        actions = {row.action_id: KeptAction(row.fingerprint, frozenset(_keys(row.candidates))) for row in rows}
        kept = KeptState(
            engine_version=night.engine_version, settings_fingerprint=night.settings_fingerprint,
            users_fingerprint=night.users_fingerprint, as_of=_aware(night.as_of) or night.as_of, actions=actions,
            rejected=frozenset(_keys(night.rejected)))
        return kept, _aware(night.records_stamp)


def save_kept(engine: Engine, plan_id: str, kept: KeptState, stamp: datetime | None, now: datetime,
              previous: KeptState | None = None) -> int:
    """Store the plan's kept state (one transaction); returns how many action rows were written. With
    ``previous`` (what ``load_kept`` gave), only the actions that changed are rewritten."""
    old = previous.actions if previous is not None else {}
    stale = [aid for aid in old if aid not in kept.actions]
    fresh = [(aid, a) for aid, a in kept.actions.items() if old.get(aid) != a]
    with Session(engine) as session:
        if previous is None:
            session.execute(delete(KeptActionRow).where(KeptActionRow.plan_id == plan_id))  # type: ignore[arg-type]
        gone = stale + [aid for aid, _ in fresh if aid in old]
        for chunk in range(0, len(gone), 500):
            session.execute(delete(KeptActionRow).where(
                KeptActionRow.plan_id == plan_id, KeptActionRow.action_id.in_(gone[chunk:chunk + 500])))  # type: ignore[arg-type,attr-defined]
        session.add_all(KeptActionRow(plan_id=plan_id, action_id=aid, fingerprint=a.fingerprint,
                                      candidates=sorted(map(list, a.candidates))) for aid, a in fresh)
        night = session.get(KeptNight, plan_id) or KeptNight(
            plan_id=plan_id, engine_version="", settings_fingerprint="", users_fingerprint="", as_of=kept.as_of,
            saved_at=now)
        night.engine_version, night.settings_fingerprint = kept.engine_version, kept.settings_fingerprint
        night.users_fingerprint, night.as_of, night.records_stamp = kept.users_fingerprint, kept.as_of, stamp
        night.rejected = sorted(map(list, kept.rejected))
        night.saved_at = now
        session.add(night)
        session.commit()
    return len(fresh)


def forget_kept(engine: Engine, plan_id: str) -> None:
    """Drop the plan's kept state (the next night is a full one)."""
    with Session(engine) as session:
        session.execute(delete(KeptActionRow).where(KeptActionRow.plan_id == plan_id))  # type: ignore[arg-type]
        session.execute(delete(KeptNight).where(KeptNight.plan_id == plan_id))  # type: ignore[arg-type]
        session.commit()


def _keys(pairs: list[list[str]]) -> list[Key]:
    return [(s, i) for s, i in pairs]


def _aware(value: datetime | None) -> datetime | None:
    return None if value is None else stored_instant(value)
