"""Shared e2e fixtures: the demo store, built by ``pac demo`` as a user runs it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli import run_pac


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A demo store (``pac demo``: sandbox CRM, two syncs, monthly snapshots January to April), and the environment
    pointing at its settings (no other ``PAC_`` variable)."""
    where = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAC_")}
    result = run_pac("demo", "--db", str(where / "demo.db"), "--output", str(where / "demo.html"), env=env,
                     cwd=where)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    env["PAC_CONFIG"] = str(where / "demo.yaml")
    return where, env
