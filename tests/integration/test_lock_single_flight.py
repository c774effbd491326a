"""Single flight: one run per plan at a time, across real processes, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from sync_jobs.lock import LockHeld, run_lock
from sync_jobs.store import open_store

ROOT = Path(__file__).resolve().parents[2]
HOLDER = """
import sys, time, pathlib
from sync_jobs.lock import run_lock, LockHeld
from sync_jobs.store import open_store
url, plan, wait = sys.argv[1], sys.argv[2], float(sys.argv[5])
out, release = pathlib.Path(sys.argv[3]), pathlib.Path(sys.argv[4])
engine = open_store(url)
try:
    with run_lock(engine, plan, wait=wait, poll=0.05):
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
        """With --wait, B enters only after A has left: the two never hold the lock together."""
        open_store(database_url).dispose()
        log, release = tmp_path / "both.log", tmp_path / "release"
        a = _spawn(database_url, "plan-y", log, release)
        _wait_for(log, "enter", a)
        b = _spawn(database_url, "plan-y", log, release, wait=60)
        time.sleep(0.3)   # B is polling now; let A finish
        release.touch()
        a.communicate(timeout=60)
        b.communicate(timeout=60)
        assert log.read_text().split() == ["enter", "leave", "enter", "leave"]
        assert (a.returncode, b.returncode) == (0, 0)


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
