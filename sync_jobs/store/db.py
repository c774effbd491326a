"""Engines and migrations: ``open_store(url)`` returns an engine on an up-to-date schema."""

from __future__ import annotations

import hashlib
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from pac_core.errors import InvalidInput, Problem
from sync_jobs.logs import register_secret

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


SUPPORTED = ("sqlite:///PATH (a SQLite file; the default is .pac/pac.db) or postgresql+psycopg://USER@HOST/DATABASE "
             "(PostgreSQL through psycopg 3; postgresql:// and postgres:// are read the same way)")
_WHERE = "database_url in the settings, or PAC_DATABASE_URL"
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
# a host name, an IPv4 or (bracketless, as SQLAlchemy gives it) IPv6 address with its zone, or libpq's list of them
_HOST = re.compile(r"[A-Za-z0-9._:%,-]+")
_QUERY_PASSWORD = re.compile(r"([?&]password=)[^&]*")     # as rendered: its value percent-encoded


def stored_instant(moment: datetime) -> datetime:
    """An instant as the store gives it back, aware: SQLite keeps no offset, so its naive instants are UTC (every
    instant is stored in UTC); PostgreSQL's are aware already."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def check_url(url: str) -> URL:
    """The store's URL, parsed and checked: SQLite, or PostgreSQL through an installed driver. Anything else
    (``mysql://``, a driver that is not installed, a typo) is refused with ``InvalidInput`` (exit 2) naming
    what is supported. ``postgresql://`` without a driver means psycopg 3, the driver pac installs; ``postgres://``
    (the spelling Heroku, Render and many hosts hand out, which SQLAlchemy no longer reads) means the same."""
    try:
        parsed = make_url(url)
    except ArgumentError:       # what it holds may be a password (user:password@host with no scheme): not shown
        scheme = url.split("://", 1)[0]
        shown = f"{scheme!r}" if "://" in url and _SCHEME.fullmatch(scheme) else \
            f"the value ({len(url)} characters: no scheme:// at its start)"
        raise _refuse(f"{shown} is not a database URL") from None
    except ValueError:   # SQLAlchemy reads the port as an integer
        if "@" in url.split("://", 1)[-1].rsplit("@", 1)[0]:    # user:pass@word@host: the "port" is password
            raise _unencoded_at() from None
        port = url.rsplit("@", 1)[-1].split("/", 1)[0]
        raise _refuse(f"the port in {port!r} is not a number") from None
    if parsed.host and not _HOST.fullmatch(parsed.host):
        # SQLAlchemy splits user:password at the first '@': what follows a password's own '@' became the host, and
        # the driver's "failed to resolve host ..." would print it. Never shown.
        raise _unencoded_at() if "@" in parsed.host else \
            _refuse(f"the host part ({len(parsed.host)} characters, not shown) is not a host name or address: "
                    "a character of the user name or password that a URL reserves (@ : / ? #) may be unencoded; "
                    "percent-encode them (@ is %40, : %3A, / %2F, ? %3F, # %23)")
    # never in a log line from here on, whatever comes next (the URL is read from the secrets file too); libpq reads
    # a password in the query string as well (``?password=``: pac.yaml refuses it there too), also never shown
    register_secret(parsed.password if isinstance(parsed.password, str) else None)
    in_query = parsed.query.get("password", ())
    for value in (in_query,) if isinstance(in_query, str) else in_query:
        register_secret(value)
    if parsed.drivername == "postgres" or parsed.drivername.startswith("postgres+"):
        parsed = parsed.set(drivername="postgresql" + parsed.drivername[len("postgres"):])
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    shown = shown_url(parsed)
    if backend not in ("sqlite", "postgresql"):
        raise _refuse(f"{shown}: {backend} is not supported as pac's store")
    if backend == "postgresql" and "+" not in parsed.drivername:
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        parsed.get_dialect().import_dbapi()
    except NoSuchModuleError:
        raise _refuse(f"{shown}: pac knows no {backend} driver called {driver!r}") from None
    except ImportError as exc:
        raise _refuse(f"{shown}: the driver {driver!r} is not installed ({exc.name or exc})") from None
    if parsed.get_dialect().is_async:
        raise _refuse(f"{shown}: {driver!r} is an asyncio driver; pac's store needs a regular one")
    return parsed


def _unencoded_at() -> Exception:
    return InvalidInput(Problem(_WHERE, "the user name or password holds an '@' that is not encoded: the URL cannot "
                                "be read as USER:PASSWORD@HOST (none of it is shown)",
                                "percent-encode the password: '@' is %40 (and ':' %3A, '/' %2F, '#' %23), "
                                "e.g. python3 -c 'import urllib.parse,getpass; "
                                "print(urllib.parse.quote(getpass.getpass(), safe=\"\"))'"))


def shown_url(url: URL) -> str:
    """The store's URL as messages show it: its password hidden, after ``user:`` and in the query string (libpq's
    ``?password=``, where pac.yaml refuses it too)."""
    return _QUERY_PASSWORD.sub(r"\1***", url.render_as_string(hide_password=True))


def _refuse(what: str) -> Exception:
    return InvalidInput(Problem(_WHERE, what, f"use {SUPPORTED}"))


def _unwritable(what: str, path: Path, fix: str) -> Exception:
    return InvalidInput(Problem("", f"{what}: pac writes to its store on every command (schema upgrades, runs, "
                                "the SQLite journal next to the file)", f"{fix}, or point {_WHERE} elsewhere"))


def prepare_sqlite_file(database: str) -> None:
    """The SQLite file's folder (created 0700) and the file (created 0600: CRM data inside), or a plain-word
    refusal (exit 2) when either cannot be written: a read-only file, a folder pac cannot write in, a path
    under a file. The journal files SQLite adds next to it (-wal, -shm) take the file's mode."""
    path = Path(database)
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except (PermissionError, FileExistsError, NotADirectoryError) as exc:
        raise _unwritable(f"cannot create the folder {folder} for the store ({exc.strerror or exc})", path,
                          f"create it and give the user running pac write access (mkdir -p {folder})") from None
    _refuse_inaccessible(path, folder)
    if path.exists():
        return
    try:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))   # an empty file is an empty database
    except FileExistsError:
        pass   # another process created it first
    except PermissionError as exc:
        raise _unwritable(f"cannot create the store {path} ({exc.strerror})", path,
                          f"give the user running pac write access to {folder}") from None


def _refuse_inaccessible(path: Path, folder: Path) -> None:
    if path.is_dir():
        raise _unwritable(f"the store {path} is a folder, not a file", path, "name a file, e.g. .pac/pac.db")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _unwritable(f"the folder {folder} of the store is not writable by this user", path,
                          f"give the user running pac write access to the folder (chmod u+rwx {folder})")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise _unwritable(f"the store {path} is read-only for this user", path,
                          f"make it writable by the user running pac (chmod 600 {path})")


def check_store(url: str) -> None:
    """What ``open_store`` would refuse, checked before anything is created: the URL, and a SQLite file's access
    (the file and its folder when they exist, else the nearest folder that does). ``pac sync`` checks this, then its
    connectors' settings and credentials, then opens the store: a mistake in either leaves no empty store behind."""
    parsed = check_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:") or database.startswith("file:"):
        return
    path = Path(database)
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    _refuse_inaccessible(path, folder)


def make_engine(url: str) -> Engine:
    """An engine; SQLite files get their directory, WAL and a busy timeout (several processes share them)."""
    parsed = check_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
            prepare_sqlite_file(parsed.database)
        engine = create_engine(parsed, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(parsed, pool_pre_ping=True)


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
    """Whether the database's Alembic version is the newest migration (read without any lock). A version this pac
    does not know (a store another machine's newer pac has migrated) is refused in plain words, exit 2."""
    scripts = ScriptDirectory.from_config(alembic_config())
    heads = set(scripts.get_heads())
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    unknown = sorted(v for v in current if v not in {s.revision for s in scripts.walk_revisions()})
    if unknown:
        raise InvalidInput(Problem(
            "store", f"the store is at schema revision {', '.join(unknown)}, which a newer pac migrated it to; this "
            f"pac knows revisions up to {', '.join(sorted(heads))}",
            "upgrade pac on this machine: every pac and pac schedule worker using one store runs the same version "
            "(docs/operations.md, \"The store\"); to go back to this version instead, downgrade the store with the "
            "newer pac first (same section)"))
    return current == heads


def _lock_key(name: str) -> int:
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1    # fits a signed bigint


def open_store(url: str) -> Engine:
    """An engine on an up-to-date schema. A SQLite store SQLite itself finds read-only (a read-only mount, a
    journal file owned by another user) is refused in plain words, exit 2, like the checks before opening."""
    engine = make_engine(url)
    register_secret(engine.url.password if isinstance(engine.url.password, str) else None)   # never in a log line
    try:
        upgrade(engine)
    except OperationalError as exc:
        engine.dispose()
        message = str(exc.orig or exc)
        if engine.dialect.name == "sqlite" and ("readonly" in message or "unable to open" in message):
            path = Path(engine.url.database or "")
            raise _unwritable(f"SQLite cannot write the store {path} ({message})", path,
                              f"make {path}, its folder and any {path.name}-wal / {path.name}-shm file writable "
                              "by the user running pac") from None
        raise
    return engine
