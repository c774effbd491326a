"""How tests start ``pac`` as a separate process: through the interpreter running the tests, so the suite works
in any environment the README's command (or another) creates, never through a hard-coded ``.venv`` path."""

from __future__ import annotations

import sys

PAC = (sys.executable, "-c", "from sync_jobs.cli import run; run()")
