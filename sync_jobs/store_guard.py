"""Commands that read the store (report, review, snapshot, notify) refuse, before anything else, a store that holds
no sync of their plan: a report computed on an empty store would show every figure at zero and every ROI at -100 %.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col

from pac_core.errors import InvalidInput, Problem
from sync_jobs.store.db import check_url, make_engine, shown_url
from sync_jobs.store.tables import Run


def require_sync(url: str, plan_key: str, plan_id: str, *, config_option: bool = False) -> None:
    """Refuse (exit 2) when the store holds no sync of this plan, without creating or migrating a store.
    ``config_option``: the command has a ``--config`` (report, review, snapshot, notify), which the fix then names;
    the others (explain, advice, status, plan pull) have none (audit newcomer2: they were told to use it)."""
    parsed = check_url(url)
    where = shown_url(parsed)
    chooses = "PAC_CONFIG or --config" if config_option else "PAC_CONFIG"
    problem = InvalidInput(Problem("", f"no sync recorded for plan {plan_key}: run `pac sync` (or `pac demo`)",
                                   f"the store read is {where}; {chooses} chooses the settings"))
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:") or not Path(database).is_file():
            raise problem
    # SQLite: a plain reader (the store's engine would switch an empty file to WAL mode, that is write to it)
    engine = create_engine(parsed) if parsed.get_backend_name() == "sqlite" else make_engine(url)
    try:
        if not inspect(engine).has_table(Run.__tablename__):
            raise problem
        with Session(engine) as session:
            query = select(col(Run.id)).where(col(Run.plan_id) == plan_id, col(Run.dry_run).is_(False),
                                              col(Run.status) != "locked").limit(1)
            if session.execute(query).first() is None:
                raise problem
    except SQLAlchemyError as exc:
        raise InvalidInput(Problem("", f"cannot read the store {where}: {type(exc).__name__}",
                                   "check database_url (or PAC_DATABASE_URL) and that the database is up")) from exc
    finally:
        engine.dispose()
