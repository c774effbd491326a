"""Single flight: one run per plan at a time, across processes and machines, held in the database.

* PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) on a dedicated autocommit
  connection; the key is a 63-bit hash of the schema and the plan id. The server releases it when that
  connection ends, so a killed process never leaves it behind. A row in ``pac_run_lock`` only says who
  holds it, for the message a second run prints.
* SQLite: a row in ``pac_run_lock`` (owner, acquired_at, expires_at) inserted inside a ``BEGIN IMMEDIATE``
  transaction, so two processes cannot both see it free. The holder refreshes ``expires_at`` every
  ``ttl / 3`` seconds from a heartbeat thread. Stale-lock takeover: a row whose ``expires_at`` has passed
  (its holder stopped heart-beating: crashed or frozen), or whose owner is a process of this host that no
  longer exists, is taken over.

A second run waits up to ``wait`` seconds, then raises ``LockHeld`` naming the holder and since when.

A lock can be lost while its run goes on: the PostgreSQL connection holding it ends (an idle timeout, a pooler,
a failover, ``pg_terminate_backend``: the server releases the lock and another worker may take it), or a SQLite
lease expires unrefreshed and is taken over. ``ensure_held()`` raises ``LockLost`` when any lock this run holds
is no longer its own; the writer calls it before each batch it sends to a CRM and, through
``connectors.base.checked_writes``, the connectors' clients before each write call of the batch (a batch is
several HTTP calls: one per object, links...), the store before it saves what a CRM accepted and before the run's
checkpoint (watermarks), so a run that lost its lock stops before its next write call instead of running beside
another. One check is one store round trip for all the run's locks (``ensure_held``). The
PostgreSQL lock's connection is kept alive by a heartbeat (``SELECT 1`` every minute), which also notices its end.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, bindparam, text

from pac_core.errors import PacError
from sync_jobs.logs import event

log = logging.getLogger("pac.lock")


CONNECTOR_LOCK = "connector:"   # + a connector's name: the lock every real run of a plan using it holds


class LockHeld(PacError):
    """Another run of the same plan holds the lock (or, for a ``connector:`` lock, a run of another plan using the
    same connector)."""

    def __init__(self, plan_id: str, holder: str | None, since: datetime | None) -> None:
        who = holder or "another process"
        when = f" since {since.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC" if since else ""
        if plan_id.startswith(CONNECTOR_LOCK):
            head = (f"connector {plan_id.removeprefix(CONNECTOR_LOCK)!r} is being synced by {who}{when}, for "
                    "another plan using it")
        else:
            head = f"plan {plan_id!r} is already being synced by {who}{when}"
        super().__init__(f"{head} (wait for it, or pass --wait SECONDS to queue behind it)")
        self.plan_id, self.holder, self.since = plan_id, holder, since


class LockLost(PacError):
    """A lock this run held is no longer its own (its database connection ended, or its lease was taken over)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"the run lock {name!r} was lost while the run went on (its database connection ended or "
                         "its lease expired): the run stopped before saving more; the next run redoes what is left "
                         "(check the database's idle-session timeout or pooler if this repeats)")
        self.name = name


_HELD: ContextVar[tuple[_PgLock | _SqliteLock, ...]] = ContextVar("pac_held_locks", default=())


def ensure_held() -> None:
    """Raise ``LockLost`` when a lock held by this run (this thread's ``run_lock`` blocks: the plan's and its
    connectors') is lost. One store round trip for all of them: run before every CRM write call, it must be cheap
    (PostgreSQL: one query of ``pg_locks`` on the plan lock's connection; SQLite: one read of ``pac_run_lock``)."""
    held = _HELD.get()
    pg = [lock for lock in held if isinstance(lock, _PgLock)]
    lite = [lock for lock in held if isinstance(lock, _SqliteLock)]
    lost = (_pg_lost(pg) if pg else None) or (_sqlite_lost(lite) if lite else None)
    if lost is not None:
        raise LockLost(lost)


# the advisory locks still granted to the sessions (pid, and its start: a pid the OS reuses is another session)
_PG_HELD = text("SELECT l.pid, a.backend_start, l.classid, l.objid FROM pg_locks l "
                "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
                "AND l.objsubid = 1 AND l.pid = ANY(:pids)")


def _pg_lost(locks: list[_PgLock]) -> str | None:
    """The name of a lost lock among ``locks``, or None: a query on the first one's connection (it answers: that
    connection lives) finds each lock still granted to the session that took it (the server releases a session's
    advisory locks when it ends)."""
    for lock in locks:
        if lock.lost or lock.conn is None or lock.session is None:
            return lock.plan_id
    probe = locks[0]
    with probe._mutex:
        conn = probe.conn
        if conn is None:
            return probe.plan_id
        try:
            rows = conn.execute(_PG_HELD, {"pids": [lock.session[0] for lock in locks if lock.session]}).all()
        except Exception:   # the connection ended: the server released its lock with it
            probe.lost = True
            return probe.plan_id
    granted = {(pid, start, classid, objid) for pid, start, classid, objid in rows}
    for lock in locks:
        assert lock.session is not None and lock.key is not None
        if (*lock.session, lock.key >> 32, lock.key & 0xFFFFFFFF) not in granted:
            lock.lost = True
            return lock.plan_id
    return None


def _sqlite_lost(locks: list[_SqliteLock]) -> str | None:
    """The name of a lost lease among ``locks`` (its row no longer names this run), or None: one read."""
    try:
        query = text("SELECT name, owner FROM pac_run_lock WHERE name IN :names").bindparams(
            bindparam("names", expanding=True))
        with locks[0].engine.connect() as conn:
            owners: dict[str, str] = dict(conn.execute(query, {"names": [lock.plan_id for lock in locks]}).all())
    except Exception:   # the store cannot be read: its own error will tell
        return None
    return next((lock.plan_id for lock in locks if owners.get(lock.plan_id) != lock.owner), None)


def default_owner() -> str:
    """``host:pid#token``: who holds the lock, unique even for two locks taken in one process."""
    return f"{socket.gethostname()}:{os.getpid()}#{uuid.uuid4().hex[:6]}"


def _now() -> datetime:
    return datetime.now(UTC)


@contextlib.contextmanager
def run_lock(engine: Engine, plan_id: str, *, wait: float = 0.0, owner: str | None = None, ttl: float = 300.0,
             poll: float = 0.5, sleep: Callable[[float], None] = time.sleep) -> Iterator[str]:
    """Hold the plan's run lock for the ``with`` block; yields the owner string."""
    owner = owner or default_owner()
    lock = _PgLock(engine, plan_id, owner) if engine.dialect.name == "postgresql" else \
        _SqliteLock(engine, plan_id, owner, ttl)
    deadline = time.monotonic() + max(wait, 0.0)
    waiting = False
    while not lock.try_acquire():
        if time.monotonic() >= deadline:
            holder, since = lock.holder()
            raise LockHeld(plan_id, holder, since)
        if not waiting:     # said once: ops (and tests) see a run waiting for another, not a hung one
            event(log, "lock.wait", plan=plan_id, holder=lock.holder()[0], wait_seconds=wait)
            waiting = True
        sleep(poll)
    token = _HELD.set((*_HELD.get(), lock))
    try:
        yield owner
    finally:
        _HELD.reset(token)
        lock.release()


def _info(engine: Engine, name: str) -> tuple[str | None, datetime | None]:
    with engine.connect() as conn:
        row = conn.execute(text("SELECT owner, acquired_at FROM pac_run_lock WHERE name = :n"), {"n": name}).first()
    if row is None:
        return None, None
    since = row.acquired_at
    if isinstance(since, str):
        since = datetime.fromisoformat(since)
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return row.owner, since


def _pg_key(conn: Connection, name: str) -> int:
    """The advisory lock key of ``name``: a 63-bit hash of the schema and the name."""
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    digest = hashlib.blake2b(f"pac:{schema}:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1    # fits a signed bigint


# an advisory lock granted to any session of this database (advisory locks are per database; pg_locks lists the
# whole cluster's)
_PG_GRANTED = text("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 "
                   "AND classid = :classid AND objid = :objid "
                   "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))")


def lock_held(engine: Engine, name: str, now: datetime | None = None) -> bool:
    """Whether a live process holds the run lock ``name`` (a plan's id, or ``connector:NAME``), read without taking
    it (taking it even for an instant would make a run starting then exit 3): on PostgreSQL, the advisory lock is
    granted to a session (the server drops it with the session of a killed process); on SQLite, its lease row is
    there and not stale (``_stale``: expired, or its owner a process of this host that is gone)."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            key = _pg_key(conn, name)
            return bool(conn.execute(_PG_GRANTED, {"classid": key >> 32, "objid": key & 0xFFFFFFFF}).scalar_one())
        row = conn.execute(text("SELECT owner, expires_at FROM pac_run_lock WHERE name = :n"), {"n": name}).first()
    return row is not None and not _stale(row.owner, _parse(row.expires_at), now or _now())


KEEPALIVE = (60, 10, 6)   # the lock session's server-side TCP keepalive: idle seconds, interval seconds, probes


class _PgLock:
    HEARTBEAT = 60.0    # seconds between two ``SELECT 1`` on the lock's connection

    def __init__(self, engine: Engine, plan_id: str, owner: str) -> None:
        self.engine, self.plan_id, self.owner = engine, plan_id, owner
        self.conn: Connection | None = None
        self.key: int | None = None
        self.session: tuple[int, datetime] | None = None    # the lock's session: (backend pid, backend start)
        self.lost = False
        self._mutex = threading.Lock()      # the connection is used by the run's thread and the heartbeat
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    def _key(self, conn: Connection) -> int:
        return _pg_key(conn, self.plan_id)

    def try_acquire(self) -> bool:
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        # a client machine that vanishes sends no FIN: the server would keep this session, and the lock, until its
        # TCP keepalive gives up (over two hours by the Linux defaults); probed after 60 s idle, every 10 s, 6 times,
        # it ends about two minutes after the client went silent (a live client's kernel answers the probes)
        conn.execute(text(f"SET tcp_keepalives_idle = {KEEPALIVE[0]}; SET tcp_keepalives_interval = {KEEPALIVE[1]}; "
                          f"SET tcp_keepalives_count = {KEEPALIVE[2]}"))
        self.key = self._key(conn)
        if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar_one():
            conn.close()
            return False
        self.conn = conn
        pid, start = conn.execute(text("SELECT pid, backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()")
                                  ).one()
        self.session = (int(pid), start)
        now = _now()
        conn.execute(text("INSERT INTO pac_run_lock (name, owner, acquired_at, expires_at) VALUES (:n, :o, :a, :e) "
                          "ON CONFLICT (name) DO UPDATE SET owner = :o, acquired_at = :a, expires_at = :e"),
                     {"n": self.plan_id, "o": self.owner, "a": now, "e": now + timedelta(days=1)})
        self._beat = threading.Thread(target=self._heartbeat, name="pac-lock-heartbeat", daemon=True)
        self._beat.start()
        return True

    def still_held(self) -> bool:
        """The lock is this session's for as long as its connection lives: a query on it tells."""
        with self._mutex:
            if self.lost or self.conn is None:
                return False
            try:
                self.conn.execute(text("SELECT 1"))
            except Exception:   # the connection ended: the server released the lock with it
                self.lost = True
            return not self.lost

    def _heartbeat(self) -> None:
        while not self._stop.wait(self.HEARTBEAT) and self.still_held():
            pass

    def holder(self) -> tuple[str | None, datetime | None]:
        return _info(self.engine, self.plan_id)

    def release(self) -> None:
        self._stop.set()
        if self._beat is not None:
            self._beat.join(timeout=5)
        if self.conn is None:
            return
        with self._mutex:
            try:
                with contextlib.suppress(Exception):
                    self.conn.execute(text("DELETE FROM pac_run_lock WHERE name = :n AND owner = :o"),
                                      {"n": self.plan_id, "o": self.owner})
                self.conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
                self.conn.close()
            except Exception:    # the connection is gone, and the lock with it: nothing left to release
                with contextlib.suppress(Exception):
                    self.conn.invalidate()
            self.conn = None


class _SqliteLock:
    def __init__(self, engine: Engine, plan_id: str, owner: str, ttl: float) -> None:
        self.engine, self.plan_id, self.owner, self.ttl = engine, plan_id, owner, ttl
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    def _immediate(self, fn: Callable[[sqlite3.Cursor], bool]) -> bool:
        raw = self.engine.raw_connection()
        try:
            driver = raw.driver_connection
            if not isinstance(driver, sqlite3.Connection):
                raise TypeError(f"the SQLite run lock needs the sqlite3 driver, not {type(driver).__name__}")
            old = driver.isolation_level
            driver.isolation_level = None
            try:
                cur = driver.cursor()
                cur.execute("BEGIN IMMEDIATE")
                try:
                    result = fn(cur)
                    cur.execute("COMMIT")
                    return result
                except BaseException:
                    cur.execute("ROLLBACK")
                    raise
            finally:
                driver.isolation_level = old
        finally:
            raw.close()

    def try_acquire(self) -> bool:
        def attempt(cur: sqlite3.Cursor) -> bool:
            cur.execute("SELECT owner, expires_at FROM pac_run_lock WHERE name = ?", (self.plan_id,))
            row = cur.fetchone()
            now = _now()
            if row is not None and row[0] != self.owner and not _stale(row[0], _parse(row[1]), now):
                return False
            cur.execute("INSERT OR REPLACE INTO pac_run_lock (name, owner, acquired_at, expires_at) "
                        "VALUES (?, ?, ?, ?)", (self.plan_id, self.owner, _fmt(now),
                                                _fmt(now + timedelta(seconds=self.ttl))))
            return True

        if not self._immediate(attempt):
            return False
        self._beat = threading.Thread(target=self._heartbeat, name="pac-lock-heartbeat", daemon=True)
        self._beat.start()
        return True

    def _heartbeat(self) -> None:
        while not self._stop.wait(self.ttl / 3):
            with contextlib.suppress(Exception), self.engine.begin() as conn:
                conn.execute(text("UPDATE pac_run_lock SET expires_at = :e WHERE name = :n AND owner = :o"),
                             {"e": _fmt(_now() + timedelta(seconds=self.ttl)), "n": self.plan_id, "o": self.owner})

    def holder(self) -> tuple[str | None, datetime | None]:
        return _info(self.engine, self.plan_id)

    def still_held(self) -> bool:
        """The lease row is still this run's (not taken over after it expired unrefreshed)."""
        try:
            owner, _ = _info(self.engine, self.plan_id)
        except Exception:   # the store cannot be read: its own error will tell
            return True
        return owner == self.owner

    def release(self) -> None:
        self._stop.set()
        if self._beat is not None:
            self._beat.join(timeout=5)
        self._immediate(lambda cur: bool(cur.execute(
            "DELETE FROM pac_run_lock WHERE name = ? AND owner = ?", (self.plan_id, self.owner))))


def _fmt(moment: datetime) -> str:
    # the format SQLModel's UTCDateTime stores on SQLite (naive UTC), so rows read back the same way
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def _parse(value: object) -> datetime | None:
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _stale(owner: str, expires_at: datetime | None, now: datetime) -> bool:
    """Expired, or held by a process of this very host that is gone."""
    if expires_at is None or expires_at <= now:
        return True
    host, _, pid = owner.split("#")[0].rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
    return False
