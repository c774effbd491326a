"""A `pac sync` stopped from outside (SIGTERM from systemd, Kubernetes or a cron timeout; Ctrl-C; SIGKILL) never
leaves its run ``running``: real processes, paused before their writes with the plan's lock held
(``tests.faults --pause-at``), on the sandbox CRM."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox_crm.run import start_sandbox
from sync_jobs.store import open_store, repo
from sync_jobs.store.tables import Run
from tests.cli import PAC
from tests.fakes import sandbox_connectors, sandbox_env_fast, sandbox_settings
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


def paused_sync(env: dict[str, str], cwd: Path, release: Path) -> subprocess.Popen[str]:
    """``pac sync`` in a process of its own, stopped before its writes (lock held, changes computed) until
    ``release`` exists; returns once it says so (``release.paused``), or fails with its output."""
    proc = subprocess.Popen([*FAULTS, "--pause-at", f"before_writes:{release}", "--", "sync"], cwd=cwd,
                            env=faults_env(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    paused, deadline = Path(f"{release}.paused"), time.monotonic() + PAUSED_WITHIN
    while not paused.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    if not paused.exists():
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError(f"the sync never reached its writes (exit {proc.returncode}): {out[-2000:]} {err[-2000:]}")
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
        after = subprocess.run([*PAC, "sync"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
        assert after.returncode in (0, 1), after.stderr
        killed, finished = _runs(database_url)
        assert (killed.status, finished.status) == ("failed", "partial")
        assert killed.finished_at is not None and killed.finished_at <= finished.started_at
        assert any("the process ended without closing the run" in e for e in killed.errors), killed.errors
        status = subprocess.run([*PAC, "status"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert status.returncode == 0 and "running" not in status.stdout, status.stdout
