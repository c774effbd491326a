"""Shared e2e fixtures: the demo store, built by ``pac demo`` as a user runs it, ONCE per test session.

``pac demo`` is the slowest thing the suite does (a sandbox CRM, provisioning, two syncs through both CRMs,
snapshots, a report). It runs once per session, under a file lock shared by the pytest-xdist workers (the first
worker builds it, the others reuse it), in a directory of its own (``demo_run``). Modules get a private copy of
the store (``demo``: a file copy of the SQLite store and its settings, milliseconds), so a module that writes to
the store never changes what another module reads.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock

from tests.cli import run_pac


@dataclass(frozen=True)
class DemoRun:
    """One ``pac demo --lang en`` run in ``cwd`` (its default paths: ``.pac/demo.db``, ``.pac/demo.yaml``,
    ``out/pac-report.html``): its exit code and output, and the environment it ran in (no ``PAC_`` variable)."""

    cwd: Path
    returncode: int
    stdout: str
    stderr: str
    env: dict[str, str]

    @property
    def db(self) -> Path:
        return self.cwd / ".pac" / "demo.db"

    @property
    def settings(self) -> Path:
        return self.cwd / ".pac" / "demo.yaml"


DEMO_TIMEOUT = 900   # seconds: a test using the demo may build it (the first of the session) or run it again


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that use the session's demo get DEMO_TIMEOUT instead of the default (unless they set their own)."""
    for item in items:
        if "demo_run" in getattr(item, "fixturenames", ()) and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(DEMO_TIMEOUT))


def clean_env() -> dict[str, str]:
    """The test process's environment without any ``PAC_`` variable."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PAC_")}


def copy_demo_store(run: DemoRun, where: Path, name: str = "demo") -> Path:
    """A copy of the demo's store in ``where`` (``NAME.db`` and ``NAME.yaml``, the settings pointing at the copy);
    returns the settings' path."""
    where.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{run.db}{suffix}").exists():
            shutil.copy(f"{run.db}{suffix}", where / f"{name}.db{suffix}")
    text = run.settings.read_text(encoding="utf-8")
    source = str(run.db.resolve())
    assert source in text, text
    settings = where / f"{name}.yaml"
    settings.write_text(text.replace(source, str((where / f"{name}.db").resolve())), encoding="utf-8")
    return settings


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> DemoRun:
    """``pac demo --lang en`` run once for the whole session (shared by the xdist workers). Read it, never write
    to it: take a ``demo`` copy to change the store."""
    base = tmp_path_factory.getbasetemp()
    if worker_id != "master":     # each worker's base is a folder of the run's: share the run's
        base = base.parent
    cwd, record = base / "demo-session", base / "demo-session.json"
    with FileLock(str(base / "demo-session.lock")):
        if not record.exists():
            cwd.mkdir(exist_ok=True)
            env = clean_env()
            done = run_pac("demo", "--lang", "en", env=env, cwd=cwd, timeout=600)
            record.write_text(json.dumps({"returncode": done.returncode, "stdout": done.stdout,
                                          "stderr": done.stderr, "env": env}), encoding="utf-8")
    saved = json.loads(record.read_text(encoding="utf-8"))
    return DemoRun(cwd, saved["returncode"], saved["stdout"], saved["stderr"], saved["env"])


@pytest.fixture(scope="module")
def demo(demo_run: DemoRun, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A private copy of the session's demo store (sandbox CRM, two syncs, monthly snapshots January to April) in
    a folder of the module's (``demo.db``, ``demo.yaml``), and the environment pointing at its settings (no other
    ``PAC_`` variable)."""
    assert demo_run.returncode == 0, demo_run.stdout[-3000:] + demo_run.stderr[-3000:]
    where = tmp_path_factory.mktemp("demo")
    settings = copy_demo_store(demo_run, where)
    return where, {**clean_env(), "PAC_CONFIG": str(settings)}
