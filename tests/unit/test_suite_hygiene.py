"""The suite runs in any environment the README's command (or another) creates: no test names a virtualenv path."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
VENV_PATH = re.compile(r"""["']\.venv["']|\.venv/bin""")


class TestNoHardCodedEnvironment:
    def test_no_test_starts_pac_through_a_venv_path(self) -> None:
        """Every test file that starts pac does it through the running interpreter (tests/cli.py), never .venv/."""
        files = sorted(p for p in TESTS.rglob("*.py") if p.name != "test_suite_hygiene.py")
        assert len(files) > 50
        offenders = [f"{p.relative_to(TESTS)}:{n}" for p in files
                     for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                     if VENV_PATH.search(line) and not line.lstrip().startswith(("#", '"""'))]
        assert offenders == []
