"""Start ``pac`` with fault hooks installed, for tests that stop a real process at a named point of a run:

    python -m tests.faults --crash-at after_writes -- sync
    python -m tests.faults --crash-at after_crm_write:hs-west -- sync
    python -m tests.faults --pause-at before_writes:/tmp/release -- sync

``--crash-at POINT[:CONNECTOR]`` exits at once with code ``CRASHED`` (77, no clean-up: like a killed process);
``--pause-at POINT:FILE`` writes ``FILE.paused`` and waits, the plan's lock held, until ``FILE`` exists.
Production code never reads these: the hooks are installed here (``sync_jobs.hooks.install``), then the command
line runs as ``pac`` would.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from sync_jobs.cli import run
from sync_jobs.hooks import RunHooks, install

CRASHED = 77
ROOT = Path(__file__).resolve().parents[1]
FAULTS = (sys.executable, "-m", "tests.faults")    # how a test starts it (with ``faults_env``)


def faults_env(env: dict[str, str]) -> dict[str, str]:
    """``env`` with the repository on ``PYTHONPATH``, so ``-m tests.faults`` is found from any directory."""
    path = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return {**env, "PYTHONPATH": path}


class FaultHooks(RunHooks):
    """Crash (``os._exit``) or pause at one named point; the other points do nothing."""

    def __init__(self, crash_at: str | None = None, pause_at: str | None = None) -> None:
        self.crash_at = crash_at
        self.pause_point, _, release = (pause_at or "").partition(":")
        self.release = Path(release) if release else None

    def _reached(self, point: str, connector: str | None = None) -> None:
        if self.crash_at in (point, f"{point}:{connector}"):
            os._exit(CRASHED)
        if self.release is not None and self.pause_point == point:
            Path(f"{self.release}.paused").touch()
            while not self.release.exists():
                time.sleep(0.02)

    def before_writes(self) -> None:
        self._reached("before_writes")

    def after_crm_write(self, connector: str) -> None:
        self._reached("after_crm_write", connector)

    def after_writes(self) -> None:
        self._reached("after_writes")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.faults")
    parser.add_argument("--crash-at", help="POINT or POINT:CONNECTOR where the process exits (77)")
    parser.add_argument("--pause-at", help="POINT:FILE where the run waits until FILE exists")
    parser.add_argument("pac", nargs=argparse.REMAINDER, help="-- then pac's arguments")
    args = parser.parse_args(argv)
    pac_args = args.pac[1:] if args.pac[:1] == ["--"] else args.pac
    install(FaultHooks(args.crash_at, args.pause_at))
    sys.argv = ["pac", *pac_args]
    run()


if __name__ == "__main__":
    main(sys.argv[1:])
