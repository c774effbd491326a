"""A `pac sync` stopped from outside (SIGTERM from systemd, Kubernetes or a cron timeout; Ctrl-C; SIGKILL) never
leaves its run ``running``: real processes, paused before their writes with the plan's lock held
(``tests.faults --pause-at``), on the sandbox CRM; and a stop asked from another thread (`pac schedule` stopping,
``sync_jobs.interrupts.StopRequest``) reaches a run at its next check."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from connectors.base import ObjectKind
from pac_config.settings import load_settings
from sandbox_crm.run import start_sandbox
from sync_jobs.interrupts import StopRequest, Terminated
from sync_jobs.lock import run_lock
from sync_jobs.pipeline import run_sync
from sync_jobs.store import open_store, repo
from sync_jobs.store.tables import Run
from tests.cli import PAC
from tests.fakes import (
    FakeConnector,
    account,
    fake_evaluate,
    sandbox_connectors,
    sandbox_env_fast,
    sandbox_settings,
    user,
    visit,
    write_settings,
)
from tests.faults import FAULTS, faults_env

PAUSED_WITHIN = 300     # seconds a first sync of the demo org may take to reach its writes, on a loaded machine


@pytest.fixture
def crm() -> Iterator[Any]:
    with start_sandbox() as server:
        yield server


def _setup(crm: Any, tmp_path: Path, database_url: str) -> dict[str, str]:
    """The demo settings on ``database_url``, the PAC objects provisioned; the environment of a `pac` process."""
    settings = sandbox_settings(tmp_path, database_url)
    for connector in sandbox_connectors(settings, crm).values():
        connector.close()
    env = {**os.environ, **sandbox_env_fast(crm), "PAC_CONFIG": settings.source}
    env.pop("PAC_DATABASE_URL", None)
    return env


def _ctrl_c_heard() -> None:
    """In the child, before it runs: SIGINT back to its default. A shell without job control starts its background
    commands with SIGINT ignored (POSIX), and a child inherits that: the test suite launched with `&` from a script
    sent Ctrl-C to a sync that never heard it (the SIGINT case hung 120 s, then failed)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def paused_sync(env: dict[str, str], cwd: Path, release: Path, command: tuple[str, ...] = ("sync",),
                stderr: Any = subprocess.PIPE) -> subprocess.Popen[str]:
    """``pac sync`` (or ``command``, which runs one: ``schedule``) in a process of its own, stopped before its writes
    (lock held, changes computed) until ``release`` exists; returns once it says so (``release.paused``), or fails
    with its output. ``stderr``: a file for a chatty command (a pipe nobody reads would fill and block it)."""
    proc = subprocess.Popen([*FAULTS, "--pause-at", f"before_writes:{release}", "--", *command], cwd=cwd,
                            env=faults_env(env), stdout=subprocess.PIPE, stderr=stderr, text=True,
                            preexec_fn=_ctrl_c_heard)
    paused, deadline = Path(f"{release}.paused"), time.monotonic() + PAUSED_WITHIN
    while not paused.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    if not paused.exists():
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError(f"the sync never reached its writes (exit {proc.returncode}): {out[-2000:]} "
                             f"{(err or '')[-2000:]}")
    return proc


def _runs(database_url: str) -> list[Run]:
    engine = open_store(database_url)
    try:
        return sorted(repo.runs(engine, limit=50), key=lambda r: r.id or 0)
    finally:
        engine.dispose()


class TestSigterm:
    @pytest.mark.parametrize(("sent", "words"), [(signal.SIGTERM, "SIGTERM"), (signal.SIGINT, "Ctrl-C (SIGINT)")])
    def test_sigterm_or_ctrl_c_closes_the_run_as_interrupted_exit_130(self, crm: Any, tmp_path: Path,
                                                                      sent: signal.Signals, words: str) -> None:
        """SIGTERM to a `pac sync` holding its lock takes the path of Ctrl-C: the run is closed ``failed``,
        "interrupted by SIGTERM", the lock is free for the next run at once, and `pac` exits 130 saying what to do.
        SIGTERM exited -15 with no message and the run stayed ``running`` in `pac status` for good (audit C F2);
        Ctrl-C exited 1, the code of a finished run with new rejections, with click's bare "Aborted!" (F3)."""
        database_url = f"sqlite:///{tmp_path / 'pac.db'}"
        env = _setup(crm, tmp_path, database_url)
        proc = paused_sync(env, tmp_path, tmp_path / "release")
        proc.send_signal(sent)
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 130, (proc.returncode, out, err)
        assert f"pac: sync interrupted by {words}: the run is closed as interrupted; nothing is lost, the next run " \
               "starts over (run `pac sync` again) (exit 130)" in err and "Aborted!" not in err, err
        [run] = _runs(database_url)
        assert run.status == "failed" and run.finished_at is not None
        assert any(f"interrupted by {words}" in e and "the next run starts over" in e for e in run.errors), run.errors
        after = subprocess.run([*PAC, "sync"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
        assert after.returncode in (0, 1), after.stderr
        assert [r.status for r in _runs(database_url)] == ["failed", "partial"]


class TestKilled:
    def test_a_run_killed_outright_is_closed_by_the_next_run(self, crm: Any, tmp_path: Path,
                                                             database_url: str) -> None:
        """SIGKILL (no handler can run: the OOM killer, systemd after its stop timeout) leaves the run
        ``running``; the next run, once it holds the plan's lock (which proves the killed one is gone), closes it
        as ``failed`` ("interrupted: the process ended without closing the run"), and `pac status` shows no run
        running. It stayed ``running`` for good (audit C F2)."""
        env = _setup(crm, tmp_path, database_url)
        proc = paused_sync(env, tmp_path, tmp_path / "release")
        proc.kill()
        proc.communicate(timeout=60)
        assert [r.status for r in _runs(database_url)] == ["running"]
        # before the next run, pac status says the run's process is gone and what comes next (audit crash F3: it
        # showed the run ``running``, its "took" ``running``, for the whole day until the next night's run)
        gone = subprocess.run([*PAC, "status"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert gone.returncode == 0, gone.stderr
        plan_id = _runs(database_url)[0].plan_id
        assert "no process" in gone.stdout and "running  " not in gone.stdout.replace("│", " "), gone.stdout
        assert (f"Run 1 of {plan_id} is marked running, but no process holds the plan's lock: it ended without "
                "closing the run (killed, or its machine stopped). Nothing is lost: the next run of the plan closes "
                "it as interrupted and redoes its work (the next scheduled run, or `pac sync` now)."
                in " ".join(gone.stdout.split())), gone.stdout
        after = subprocess.run([*PAC, "sync"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
        assert after.returncode in (0, 1), after.stderr
        killed, finished = _runs(database_url)
        assert (killed.status, finished.status) == ("failed", "partial")
        assert killed.finished_at is not None and killed.finished_at <= finished.started_at
        assert any("the process ended without closing the run" in e for e in killed.errors), killed.errors
        status = subprocess.run([*PAC, "status"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert status.returncode == 0 and "running" not in status.stdout, status.stdout
        # how long it took is not known (audit S2: it showed the time until the next run closed it, a day at night)
        assert "killed" in status.stdout, status.stdout


class _StoppedWhilePulling(FakeConnector):
    """A CRM whose first accounts' read is when `pac schedule` is asked to stop (its signal handler sets the
    request)."""

    def __init__(self, stop: StopRequest) -> None:
        super().__init__()
        self.stop, self.asked = stop, False

    def pull(self, kind: ObjectKind, since: datetime | None, *, full: bool = False, part: str | None = None
             ) -> Iterator[Any]:
        if kind is ObjectKind.ACCOUNTS and not self.asked:
            self.stop.request("SIGTERM")
            self.asked = True
        yield from super().pull(kind, since, full=full, part=part)


class TestStopRequest:
    """A stop asked from another thread (`pac schedule` stopping) reaches a run at its next check."""

    def test_a_run_stops_at_its_next_check_closed_as_interrupted_with_nothing_written(self, tmp_path: Path,
                                                                                      database_url: str) -> None:
        """Asked while the accounts are read: the next object is not read, nothing is written, the run is closed
        ``failed`` "interrupted by SIGTERM"; the next run (no stop) goes through."""
        settings = load_settings(write_settings(tmp_path, database_url), env={})
        stop = StopRequest()
        crm = _StoppedWhilePulling(stop)
        crm.put(user("u1", "julie@example.com"), account("a1"), visit("v1", "u1", "a1", datetime(2027, 5, 3, 9, 0,
                                                                                                  tzinfo=UTC)))
        with pytest.raises(Terminated):
            run_sync(None, settings, connectors={"fake": crm}, evaluator=fake_evaluate, stop=stop.check)
        assert crm.writes == [] and "pull/activities" not in crm.usage().by_endpoint
        [run] = _runs(database_url)
        assert run.status == "failed" and any("interrupted by SIGTERM" in e for e in run.errors), run.errors
        stop.clear()
        again = run_sync(None, settings, connectors={"fake": crm}, evaluator=fake_evaluate, stop=stop.check)
        assert again.status.got_through and crm.writes

    def test_a_run_waiting_for_a_connector_lock_stops_at_once(self, tmp_path: Path, database_url: str) -> None:
        """A scheduled run queues up to an hour for a connector another plan's run holds: a stop asked then ends
        the wait (the scheduler would have waited for it, and systemd killed it), before any run is logged."""
        settings = load_settings(write_settings(tmp_path, database_url), env={})
        stop = StopRequest()
        stop.request("SIGTERM")
        engine = open_store(database_url)
        try:
            with run_lock(engine, "connector:fake", owner="worker-9:1#other"):
                started = time.monotonic()
                with pytest.raises(Terminated):
                    run_sync(None, settings, connectors={"fake": FakeConnector()}, connector_wait=3600.0,
                             stop=stop.check)
                assert time.monotonic() - started < 30
        finally:
            engine.dispose()
        assert _runs(database_url) == []
