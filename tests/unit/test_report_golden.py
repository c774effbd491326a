"""The report, the monthly review and the digests are written byte for byte as before their move to Jinja2
templates and Babel formatting (golden files captured from the f-string renderers; ``report_golden``)."""

from __future__ import annotations

from tests.unit.report_golden import GOLDEN, differences, fixture_outputs


def test_fixture_outputs_are_byte_for_byte_the_golden_files() -> None:
    produced = fixture_outputs()
    assert len(produced) >= 25 and all(produced.values())
    assert differences(produced) == []


def test_every_golden_file_is_checked() -> None:
    """A golden file no producer writes any more would silently stop being compared."""
    names = set(fixture_outputs())
    on_disk = {p.name for p in GOLDEN.iterdir() if p.name.startswith("fixture_")}
    assert on_disk and on_disk == names
