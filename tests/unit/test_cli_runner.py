"""The suite's way of starting ``pac`` (tests/cli.py: a process forked from a server that has imported pac) gives
what a fresh interpreter gives: same exit code, same stdout, same stderr, same environment and directory, and
the timeout kills it. A difference here would make every e2e test that uses it test something else than `pac`."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.cli import run_pac

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config" / "plans" / "example.pac.yaml"
BAD = ROOT / "tests" / "data" / "plans" / "week_54.pac.yaml"


def _env(**more: str) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("PAC_")}, **more}


CASES = {
    "version": ("--version",),
    "help": ("--help",),
    "plan ok (exit 0, non-ASCII output)": ("plan", "check", str(EXAMPLE)),
    "plan error (exit 2)": ("plan", "check", str(BAD)),
    "unknown command (click usage error, exit 2)": ("no-such-command",),
    "missing file (exit 2 on stderr)": ("plan", "check", "does-not-exist.pac.yaml"),
    "status with no store (relative config path, read in the command's directory)": ("status",),
}


@pytest.mark.parametrize("args", list(CASES.values()), ids=list(CASES))
def test_forked_and_fresh_pac_answer_alike(args: tuple[str, ...], tmp_path: Path) -> None:
    (tmp_path / "pac.yaml").write_text("database_url: sqlite:///./here.db\n", encoding="utf-8")
    env = _env(PAC_CONFIG="pac.yaml", COLUMNS="100")
    forked = run_pac(*args, env=env, cwd=tmp_path, timeout=120)
    fresh = run_pac(*args, env=env, cwd=tmp_path, timeout=120, fresh=True)
    assert (forked.returncode, forked.stdout, forked.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
    assert forked.stdout or forked.stderr


def test_the_outcomes_differ_between_cases(tmp_path: Path) -> None:
    """The comparison above is not between two empty answers: exit 0 and exit 2 are told apart, and so are the
    two streams."""
    ok = run_pac("plan", "check", str(EXAMPLE), env=_env(), cwd=tmp_path, timeout=120)
    bad = run_pac("plan", "check", str(BAD), env=_env(), cwd=tmp_path, timeout=120)
    assert ok.returncode == 0 and "✓ plan OK" in ok.stdout
    assert bad.returncode == 2 and "week 54 does not exist" in bad.stdout


def test_the_environment_and_directory_are_the_commands_own(tmp_path: Path) -> None:
    """A variable set for one command is not seen by the next (each child starts from the server, not from the
    previous command), and a relative path is read in the directory given."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "pac.yaml").write_text("database_url: sqlite:///./a.db\n", encoding="utf-8")
    missing = run_pac("status", env=_env(PAC_CONFIG="pac.yaml"), cwd=tmp_path, timeout=120)
    found = run_pac("status", env=_env(PAC_CONFIG="pac.yaml"), cwd=tmp_path / "a", timeout=120)
    unset = run_pac("status", env=_env(), cwd=tmp_path, timeout=120)
    assert missing.returncode == 2 and "file not found: pac.yaml" in missing.stderr
    assert found.returncode == 0 and "No run yet" in found.stdout, found.stderr
    assert "pac.yaml" not in unset.stdout + unset.stderr


def test_the_timeout_kills_the_command(tmp_path: Path) -> None:
    """A command still running at the timeout is killed and reported as subprocess.run does."""
    with pytest.raises(subprocess.TimeoutExpired):
        # `pac sandbox` serves until stopped: it never ends by itself
        run_pac("sandbox", "--dir", str(tmp_path / "sandbox"), env=_env(), cwd=tmp_path, timeout=3)
