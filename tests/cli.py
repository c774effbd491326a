"""How tests start ``pac`` as a separate process: through the interpreter running the tests, so the suite works
in any environment the README's command (or another) creates, never through a hard-coded ``.venv`` path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PAC = (sys.executable, "-c", "from sync_jobs.cli import run; run()")


def run_pac(*args: str, env: dict[str, str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """``pac ARGS`` in a separate process, its output captured as text; the exit code is the caller's to check."""
    return subprocess.run([*PAC, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout,
                          check=False)
