"""The demo's quarterly report (now and end of Q1, HTML, CSV, workbook), monthly reviews (team and each rep)
and dry-run digests are written byte for byte as before the move to Jinja2 templates and Babel formatting."""

from __future__ import annotations

from pathlib import Path

from tests.unit.report_golden import GOLDEN, demo_outputs, differences


def test_demo_outputs_are_byte_for_byte_the_golden_files(demo: tuple[Path, dict[str, str]]) -> None:
    _, env = demo
    produced = demo_outputs(Path(env["PAC_CONFIG"]))
    assert {p.name for p in GOLDEN.iterdir() if p.name.startswith("demo_")} == set(produced)
    assert len(produced) >= 40 and all(produced.values())
    assert differences(produced) == []
