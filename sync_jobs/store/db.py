"""Engines and migrations: ``open_store(url)`` returns an engine on an up-to-date schema."""

from __future__ import annotations

import hashlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine; SQLite files get their directory, WAL and a busy timeout (several processes share them)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine | None = None) -> Config:
    """The programmatic Alembic configuration (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, *, wait: float = 120.0) -> None:
    """Apply every migration (``alembic upgrade head``) on ``engine``'s database, one process at a time.

    Two first runs started together must not both create the schema (the loser used to fail on a duplicate
    type, exit 6). When the schema is already at head nothing is locked. Otherwise the upgrade runs in one
    transaction that first takes a lock: on PostgreSQL a transaction-level advisory lock keyed on the schema
    (``pg_advisory_xact_lock``, released at commit; ``lock_timeout`` bounds the wait), on SQLite a ``BEGIN
    IMMEDIATE`` write lock (the busy timeout bounds the wait). Alembic then reads the version again under the
    lock, so the second process finds the schema at head and has nothing left to do."""
    if _at_head(engine):
        return
    cfg = alembic_config(engine)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            schema = connection.execute(text("SELECT current_schema()")).scalar_one()
            connection.execute(text(f"SET LOCAL lock_timeout = '{int(wait * 1000)}ms'"))
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _lock_key(f"pac:migrate:{schema}")})
            connection.execute(text("SET LOCAL lock_timeout = 0"))
        elif connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


def _at_head(engine: Engine) -> bool:
    """Whether the database's Alembic version is the newest migration (read without any lock)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current == heads


def _lock_key(name: str) -> int:
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1    # fits a signed bigint


def open_store(url: str) -> Engine:
    engine = make_engine(url)
    upgrade(engine)
    return engine
