"""`pac report -o FILE` with a suffix it does not write is refused, as `pac review` refuses one (audit newcomer3:
`pac report -o pac.pdf` wrote an HTML page into pac.pdf, exit 0, and the PDF viewer then refused to open it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli import run_pac


def _report(tmp_path: Path, *args: str):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAC_")}
    return run_pac("report", *args, env={**env, "PAC_CONFIG": str(tmp_path / "none.yaml")}, cwd=tmp_path,
                   timeout=120)


@pytest.mark.parametrize("name", ["pac.pdf", "pac.docx", "pac.md"])
def test_a_suffix_the_report_is_not_written_as_is_refused(tmp_path: Path, name: str) -> None:
    done = _report(tmp_path, "-o", name)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert f"-o: {name}: the report is written as .html, .xlsx or .csv" in done.stderr
    assert "--format" in done.stderr and not (tmp_path / name).exists()
