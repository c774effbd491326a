"""Single flight: one run per plan at a time, across real processes, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from sync_jobs.lock import _HELD, LockHeld, run_lock
from sync_jobs.store import open_store, repo
from tests.cli import PAC
from tests.faults import FAULTS, faults_env

ROOT = Path(__file__).resolve().parents[2]
HOLDER = """
import sys, time, pathlib
from sync_jobs.lock import run_lock, LockHeld
from sync_jobs.store import open_store
url, plan, wait = sys.argv[1], sys.argv[2], float(sys.argv[5])
out, release = pathlib.Path(sys.argv[3]), pathlib.Path(sys.argv[4])
engine = open_store(url)
def waiting(seconds):
    with out.open("a") as f: f.write("waiting\\n")
    time.sleep(seconds)
try:
    with run_lock(engine, plan, wait=wait, poll=0.05, sleep=waiting):
        with out.open("a") as f: f.write("enter\\n")
        while not release.exists(): time.sleep(0.02)
        with out.open("a") as f: f.write("leave\\n")
except LockHeld as exc:
    print(exc, file=sys.stderr); sys.exit(3)
"""


def _spawn(url: str, plan: str, out: Path, release: Path, wait: float = 0.0) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", HOLDER, url, plan, str(out), str(release), str(wait)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(path: Path, word: str, proc: subprocess.Popen[str]) -> None:
    for _ in range(1500):
        if path.exists() and word in path.read_text():
            return
        if proc.poll() is not None:
            raise AssertionError(f"holder exited early: {proc.stderr.read() if proc.stderr else ''}")
        time.sleep(0.02)
    raise AssertionError(f"{word!r} never written")


@pytest.fixture
def engine(database_url):
    engine = open_store(database_url)
    yield engine
    engine.dispose()


class TestTwoProcesses:
    def test_second_process_is_refused_while_the_first_holds_the_lock(self, database_url, tmp_path) -> None:
        """While process A holds the plan's lock, process B exits with code 3 naming A; B never enters."""
        open_store(database_url).dispose()
        out_a, out_b, release = tmp_path / "a.log", tmp_path / "b.log", tmp_path / "release"
        a = _spawn(database_url, "plan-x", out_a, release)
        _wait_for(out_a, "enter", a)
        b = _spawn(database_url, "plan-x", out_b, release)
        _, err = b.communicate(timeout=60)
        release.touch()
        a.communicate(timeout=60)
        assert b.returncode == 3 and "already being synced by" in err and "since" in err
        assert not out_b.exists() and a.returncode == 0

    def test_waiting_process_runs_after_the_first_one_leaves(self, database_url, tmp_path) -> None:
        """With --wait, B is refused, polls (sleeps) while A holds the lock, and enters only after A has left."""
        open_store(database_url).dispose()
        log_a, log_b, release = tmp_path / "a.log", tmp_path / "b.log", tmp_path / "release"
        a = _spawn(database_url, "plan-y", log_a, release)
        _wait_for(log_a, "enter", a)
        b = _spawn(database_url, "plan-y", log_b, release, wait=120)
        for n in range(1, 4):                  # B has tried, been refused and slept three times
            _wait_for(log_b, "waiting\n" * n, b)
        assert "enter" not in log_b.read_text()
        release.touch()
        a.communicate(timeout=60)
        _, err = b.communicate(timeout=60)
        assert (a.returncode, b.returncode) == (0, 0), err
        assert log_a.read_text().split() == ["enter", "leave"]
        polls = log_b.read_text().split()
        assert polls[-2:] == ["enter", "leave"] and set(polls[:-2]) == {"waiting"} and len(polls) >= 5


class TestInProcess:
    def test_other_plans_are_not_blocked(self, engine) -> None:
        """Locks are per plan: holding plan A's does not stop plan B."""
        with run_lock(engine, "plan-a"), run_lock(engine, "plan-b") as owner:
            assert owner

    def test_lock_is_released_after_the_block(self, engine) -> None:
        """The same plan can be locked again once the first holder left."""
        with run_lock(engine, "plan-a"):
            pass
        with run_lock(engine, "plan-a"):
            pass

    def test_held_lock_raises_with_holder_and_since(self, engine) -> None:
        """A second holder gets LockHeld naming the first owner."""
        with (run_lock(engine, "plan-a", owner="host-1:123#abc"), pytest.raises(LockHeld) as caught,
              run_lock(engine, "plan-a", owner="host-2:456#def")):
            pass
        assert caught.value.holder == "host-1:123#abc" and caught.value.since is not None


class TestSqliteStaleLock:
    def test_expired_lock_of_a_dead_holder_is_taken_over(self, tmp_path) -> None:
        """A lock row whose expiry has passed (holder crashed) is taken over by the next run."""
        engine = open_store(f"sqlite:///{tmp_path / 'pac.db'}")
        past = (datetime.now(UTC) - timedelta(hours=1)).replace(tzinfo=None).isoformat(sep=" ")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO pac_run_lock VALUES ('plan-a', 'elsewhere:1#x', :t, :t)"), {"t": past})
        with run_lock(engine, "plan-a", owner="here:2#y"), engine.connect() as conn:
            assert conn.execute(text("SELECT owner FROM pac_run_lock")).scalar_one() == "here:2#y"
        engine.dispose()

    def test_live_lock_of_another_host_is_respected(self, tmp_path) -> None:
        """A lock row that has not expired, held on another machine, is not taken over."""
        engine = open_store(f"sqlite:///{tmp_path / 'pac.db'}")
        soon = (datetime.now(UTC) + timedelta(hours=1)).replace(tzinfo=None).isoformat(sep=" ")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO pac_run_lock VALUES ('plan-a', 'elsewhere:1#x', :t, :t)"), {"t": soon})
        with pytest.raises(LockHeld), run_lock(engine, "plan-a"):
            pass
        engine.dispose()


# -- two real `pac sync` processes on one plan, against the sandbox CRM --------------------------------------
@pytest.fixture
def crm():
    from sandbox_crm.run import start_sandbox

    with start_sandbox() as server:
        yield server


def _record_pac_writes(server) -> list[str]:  # type: ignore[no-untyped-def]
    """Every PAC record key the sandbox saves from now on (Salesforce collection upserts, HubSpot batch upserts)."""
    keys: list[str] = []
    sf, hs = server.api("salesforce"), server.api("hubspot")
    save = sf.records.save

    def recording_save(record, upsert, user):  # type: ignore[no-untyped-def]
        out = save(record, upsert, user)
        if upsert and upsert[0] in ("PAC_Axis__c", "PAC_Action__c") and out.get("success"):
            keys.append(f"salesforce {record[upsert[1]]}")
        return out

    sf.records.save = recording_save
    hs.requests.clear()
    return keys


def _hubspot_pac_upserts(server) -> list[str]:  # type: ignore[no-untyped-def]
    hs = server.api("hubspot")
    types = {hs.table(n).type_id for n in ("pac_axis", "pac_action")} | {"pac_axis", "pac_action"}
    return [f"hubspot {item['id']}" for method, path, body in list(hs.requests)
            if method == "POST" and path.endswith("/batch/upsert") and path.split("/")[4] in types
            for item in (body or {}).get("inputs", [])]


def _pac_sync(env: dict[str, str], cwd: Path, *args: str, pause_at: str | None = None) -> subprocess.Popen[str]:
    """``pac sync ARGS``; with ``pause_at`` (``POINT:FILE``), through the fault launcher (``tests.faults``)."""
    start = [*FAULTS, "--pause-at", pause_at, "--"] if pause_at else list(PAC)
    return subprocess.Popen([*start, "sync", *args], cwd=cwd, env=faults_env(env) if pause_at else env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _in_lock_loop(url: str, app: str) -> bool:
    """PostgreSQL shows a session of ``app`` whose last statement tried the advisory lock."""
    from sqlalchemy import create_engine

    admin = create_engine(url.split("?")[0])
    try:
        with admin.connect() as conn:
            return bool(conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :a "
                                          "AND query ILIKE '%pg_try_advisory_lock%'"), {"a": app}).scalar_one())
    finally:
        admin.dispose()


class TestTwoPacSyncs:
    @pytest.mark.timeout(900)   # three real syncs against the sandbox, one after another
    def test_concurrent_pac_syncs_never_both_write(self, crm, database_url, tmp_path) -> None:
        """While a real `pac sync` is paused before its writes (lock held, changes computed), a second one exits 3
        naming the holder and a third with --wait waits, then runs after it: each PAC record is written once."""
        import os
        import uuid

        from tests.fakes import sandbox_connectors, sandbox_env_fast, sandbox_settings

        settings = sandbox_settings(tmp_path, database_url)
        for c in sandbox_connectors(settings, crm).values():   # PAC objects exist in HubSpot
            c.close()
        writes = _record_pac_writes(crm)
        release = tmp_path / "release"
        env = {**os.environ, **sandbox_env_fast(crm), "PAC_CONFIG": settings.source}
        env.pop("PAC_DATABASE_URL", None)
        a = _pac_sync(env, tmp_path, pause_at=f"before_writes:{release}")
        paused = Path(f"{release}.paused")
        for _ in range(6000):
            if paused.exists() or a.poll() is not None:
                break
            time.sleep(0.02)
        assert paused.exists(), a.communicate()[1]
        refused = subprocess.run([*PAC, "sync"], cwd=tmp_path, env=env,
                                 capture_output=True, text=True, timeout=120)
        assert refused.returncode == 3, refused.stdout + refused.stderr
        assert "is already being synced by" in refused.stderr and f":{a.pid}#" in refused.stderr
        assert "since" in refused.stderr and "--wait" in refused.stderr
        app = f"pac-wait-{uuid.uuid4().hex[:8]}"
        waiter = subprocess.Popen([*PAC, "--log-format", "json", "sync", "--wait", "120"], cwd=tmp_path,
                                  env={**env, "PGAPPNAME": app}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        if database_url.startswith("postgresql"):   # the waiter is polling the lock before A is released
            seen = False       # its last statement is the lock's try at some moment (not at every one: between tries it
            for _ in range(6000):                       # runs others, so the finding is kept, not asked again)
                seen = _in_lock_loop(database_url, app)
                if seen or waiter.poll() is not None:
                    break
                time.sleep(0.02)
            assert seen, waiter.communicate()[1]
        waited: list[str] = []                       # the waiter says it was refused and waits (lock.wait)
        assert waiter.stderr is not None
        for line in waiter.stderr:
            waited.append(line)
            if '"lock.wait' in line:
                break
        assert any('"lock.wait' in line for line in waited), "".join(waited)
        assert waiter.poll() is None and writes == []
        release.touch()
        err_a = a.communicate(timeout=300)[1]
        err_w = "".join(waited) + waiter.communicate(timeout=300)[1]
        assert a.returncode in (0, 1), err_a
        assert waiter.returncode in (0, 1), err_w
        written = writes + _hubspot_pac_upserts(crm)
        assert any(k.startswith("salesforce ") for k in written) and any(k.startswith("hubspot ") for k in written)
        doubled = sorted(k for k, n in Counter(written).items() if n > 1)
        assert doubled == []
        engine = open_store(database_url)
        runs = sorted(repo.runs(engine), key=lambda r: r.id)
        engine.dispose()
        assert len(runs) == 2 and all(r.status in ("ok", "partial") for r in runs)
        assert runs[1].started_at >= runs[0].finished_at
        assert sum(int(c.get("written", 0)) for k, c in (runs[1].counts or {}).items() if k != "account") == 0


class TestSharedConnector:
    """Two plans on one connector share its records, watermarks and reconciliation: a full read of one marks
    deleted what it did not see, including what the other run had just stored (the store audit: live records
    marked deleted for up to a week). Every real run, not only the scheduler's, takes the connector's lock."""

    def test_a_run_waits_for_another_plans_run_on_its_connector(self, tmp_path, database_url, engine) -> None:
        """The connector's lock is held (another plan's run): ``run_sync`` is refused, naming the connector
        (it ran regardless before); a dry run, which writes nothing, still runs."""
        from pac_config.settings import load_settings
        from sync_jobs.pipeline import run_sync
        from tests.fakes import FakeConnector, write_settings

        settings = load_settings(write_settings(tmp_path, database_url), env={})
        with run_lock(engine, "connector:fake", owner="worker-9:1#other"):
            with pytest.raises(LockHeld, match=r"connector 'fake' is being synced by worker-9:1#other"):
                run_sync(None, settings, connectors={"fake": FakeConnector()})
            assert run_sync(None, settings, connectors={"fake": FakeConnector()}, dry_run=True).status.value == \
                "dry_run"
        assert run_sync(None, settings, connectors={"fake": FakeConnector()}).status.value == "ok"


class TestLostLock:
    """The store audit: on PostgreSQL the run lock is the session's, so when its connection ends (an idle timeout,
    a pooler, a failover) the server releases it and another worker may take it, while the run goes on writing;
    its release then raised, and a run that had succeeded exited 6."""

    def test_a_run_that_lost_its_lock_stops_before_saving(self, tmp_path, database_url, engine) -> None:
        """The lock is lost after the CRM accepted a batch (PostgreSQL: its backend terminated; SQLite: its lease
        taken over): the run raises LockLost (exit 3), saves nothing as written, moves no watermark and is closed
        as failed; before, it saved, checkpointed and ended ok."""
        from pac_config.settings import load_settings
        from sync_jobs.crm_exit import crm_exit_code
        from sync_jobs.hooks import RunHooks
        from sync_jobs.lock import LockLost
        from sync_jobs.pipeline import run_sync
        from tests.fakes import FakeConnector, account, user, visit, write_settings

        class Thief(RunHooks):
            def after_crm_write(self, connector: str) -> None:
                _steal(engine)

        settings = load_settings(write_settings(tmp_path, database_url), env={})
        crm = FakeConnector()
        crm.put(user("u1", "julie@example.com"), account("a1"), visit("v1", "u1", "a1", datetime(2027, 5, 4, 9,
                                                                                              tzinfo=UTC)))
        with pytest.raises(LockLost) as caught:
            run_sync(None, settings, connectors={"fake": crm}, hooks=Thief())
        assert crm_exit_code(caught.value) == 3 and crm.writes, "the CRM was written, then the lock lost"
        _nothing_saved(engine)

    def test_a_run_that_lost_its_lock_before_writing_sends_nothing(self, tmp_path, database_url, engine) -> None:
        """The lock is lost once the changes are computed, before any write: no CRM write at all."""
        from pac_config.settings import load_settings
        from sync_jobs.hooks import RunHooks
        from sync_jobs.lock import LockLost
        from sync_jobs.pipeline import run_sync
        from tests.fakes import FakeConnector, account, user, visit, write_settings

        class Thief(RunHooks):
            def before_writes(self) -> None:
                _steal(engine)

        settings = load_settings(write_settings(tmp_path, database_url), env={})
        crm = FakeConnector()
        crm.put(user("u1", "julie@example.com"), account("a1"), visit("v1", "u1", "a1", datetime(2027, 5, 4, 9,
                                                                                              tzinfo=UTC)))
        with pytest.raises(LockLost):
            run_sync(None, settings, connectors={"fake": crm}, hooks=Thief())
        assert crm.writes == []
        _nothing_saved(engine)


    @pytest.mark.timeout(600)
    @pytest.mark.parametrize("crm_prefix", ["/services/data/", "/crm/"])
    def test_a_run_that_lost_its_lock_sends_no_further_call(self, crm, tmp_path, database_url, engine,
                                                             crm_prefix) -> None:
        """Audit C, F2: one write batch is several HTTP calls (Salesforce: the axes' upsert, the actions' upsert,
        the accounts' update; HubSpot: upserts, updates, associations). The lock is lost right after the CRM
        (Salesforce, then HubSpot) answered its first write call of the run: no write call follows it (before, the
        lock was checked once per batch, and the lost run sent the batch's other calls beside the run that took
        over)."""
        from sync_jobs.lock import LockLost
        from tests.fakes import sandbox_settings, sandbox_sync

        settings = sandbox_settings(tmp_path, database_url)
        writes: list[str] = []
        stolen: list[str] = []
        route = crm.route

        def stealing_route(request):  # type: ignore[no-untyped-def]
            write = request.method in ("POST", "PATCH", "PUT", "DELETE") and any(
                w in request.path for w in ("composite/sobjects", "/batch/upsert", "/batch/update",
                                            "/batch/create", "/batch/archive")) and "/properties/" not in request.path
            if write and not request.path.startswith(crm_prefix):
                write = False
            if write:
                writes.append(f"{request.method} {request.path}" + (" (after the loss)" if stolen else ""))
            answer = route(request)
            if write and not stolen:
                _steal(engine)
                stolen.append(request.path)
            return answer

        crm.route = stealing_route
        try:
            with pytest.raises(LockLost):
                sandbox_sync(settings, crm)
        finally:
            crm.route = route
        assert stolen, "the run made no write call"
        assert [w for w in writes if "(after the loss)" in w] == [], writes
        with engine.connect() as conn:     # only what the CRM accepted before the loss is saved (Salesforce's)
            saved = set(conn.execute(text("SELECT DISTINCT connector FROM pac_written")).scalars())
            assert conn.execute(text("SELECT count(*) FROM pac_watermark")).scalar_one() == 0
            assert conn.execute(text("SELECT status FROM pac_run")).scalars().all() == ["failed"]
        assert saved == ({"sf-main"} if crm_prefix == "/crm/" else set())


    def test_each_run_closes_only_its_own_row(self, tmp_path, database_url, engine) -> None:
        """Audit C, F1: run A loses its lock before its writes and run B takes it over while A is still alive. B
        closes A's row as "process ended" (it cannot know better); A, failing with LockLost, then writes its real
        cause on its own row and leaves B's alone (before, A closed B's running row with A's LockLost error, and
        A's own row kept "the process ended", which was false)."""
        import threading

        from pac_config.settings import load_settings
        from sync_jobs.hooks import RunHooks
        from sync_jobs.lock import LockLost
        from sync_jobs.pipeline import run_sync
        from sync_jobs.unit_of_work import UnitOfWork
        from tests.fakes import FakeConnector, account, user, visit, write_settings

        started, done, b_runs = threading.Event(), threading.Event(), []

        def newcomer(plan_id: str) -> None:
            store = UnitOfWork(engine)
            with store.guard(plan_id, wait=30, clock=lambda: datetime.now(UTC)):
                b_runs.append(store.start_run(plan_id, datetime.now(UTC), full=False))
                started.set()
                done.wait(60)

        class TakeOver(RunHooks):
            def before_writes(self) -> None:
                plan_id = _lose_to_newcomer(engine)
                threading.Thread(target=newcomer, args=(plan_id,), daemon=True).start()
                assert started.wait(30), "the newcomer never took the lock"

        settings = load_settings(write_settings(tmp_path, database_url), env={})
        crm = FakeConnector()
        crm.put(user("u1", "julie@example.com"), account("a1"), visit("v1", "u1", "a1", datetime(2027, 5, 4, 9,
                                                                                              tzinfo=UTC)))
        try:
            with pytest.raises(LockLost):
                run_sync(None, settings, connectors={"fake": crm}, hooks=TakeOver())
            runs = {r.id: r for r in repo.runs(engine)}
        finally:
            done.set()
        [b_id] = b_runs
        [a_id] = [i for i in runs if i != b_id]
        assert (runs[b_id].status, runs[b_id].errors) == ("running", []), runs[b_id].errors
        assert runs[a_id].status == "failed"
        # pac's own stop, explained: not an "unexpected error" (seen failing before 8 Dec 2026: « unexpected error:
        # LockLost: the run lock ... » in pac status)
        assert len(runs[a_id].errors) == 1 and runs[a_id].errors[0].startswith("stopped: LockLost: the run lock "), \
            runs[a_id].errors


def _lose_to_newcomer(engine) -> str:
    """Lose the plan's run lock so that another run can take it at once (PostgreSQL: its backend terminated;
    SQLite: its lease expired); returns the plan id."""
    if engine.dialect.name == "postgresql":
        _steal(engine)
    with engine.begin() as conn:
        [name] = conn.execute(text("SELECT name FROM pac_run_lock WHERE name NOT LIKE 'connector:%'")
                              ).scalars().all()
        if engine.dialect.name != "postgresql":
            conn.execute(text("UPDATE pac_run_lock SET expires_at = '2000-01-01 00:00:00' WHERE name = :n"),
                         {"n": name})
    return str(name)


def _steal(engine) -> None:
    """Lose the plan's run lock as a dropped connection (PostgreSQL: its backend terminated) or an expired lease
    taken over (SQLite) would."""
    with engine.begin() as conn:
        [name] = conn.execute(text("SELECT name FROM pac_run_lock WHERE name NOT LIKE 'connector:%'")
                              ).scalars().all()
        if engine.dialect.name == "postgresql":   # the backend holding the plan's advisory lock
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
            key = int.from_bytes(hashlib.blake2b(f"pac:{schema}:{name}".encode(), digest_size=8).digest(),
                                 "big") >> 1
            pid = conn.execute(text(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = :hi "
                "AND objid = :lo AND objsubid = 1"), {"hi": key >> 32, "lo": key & 0xFFFFFFFF}
            ).scalar_one()
            conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
        else:
            conn.execute(text("UPDATE pac_run_lock SET owner = 'thief:1#x' WHERE name = :n"), {"n": name})


def _nothing_saved(engine) -> None:
    """Nothing saved as written, no watermark, the run closed as failed."""
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM pac_written")).scalar_one() == 0
        assert conn.execute(text("SELECT count(*) FROM pac_watermark")).scalar_one() == 0
        assert conn.execute(text("SELECT status FROM pac_run")).scalars().all() == ["failed"]


class TestDeadMachine:
    def test_the_lock_session_asks_the_server_to_probe_a_silent_client(self, pg_url) -> None:
        """A worker whose machine vanishes (power cut, partition) sends no FIN: the server keeps its session, and the
        plan's advisory lock, until TCP keepalive gives up, over two hours with the Linux defaults, and no other
        worker can take the plan over meanwhile. The lock's session sets the server's keepalive to probe after 60 s
        idle, every 10 s, 6 times: the lock is released about two minutes after the client goes silent (a live
        client's kernel answers the probes, whatever the process does; audit crash F5)."""
        engine = open_store(pg_url)
        try:
            with run_lock(engine, "p-keepalive"):
                (lock,) = _HELD.get()
                assert lock.conn is not None
                settings = dict(lock.conn.execute(text(
                    "SELECT name, setting FROM pg_settings WHERE name IN ('tcp_keepalives_idle', "
                    "'tcp_keepalives_interval', 'tcp_keepalives_count')")).all())
        finally:
            engine.dispose()
        assert settings == {"tcp_keepalives_idle": "60", "tcp_keepalives_interval": "10", "tcp_keepalives_count": "6"}
