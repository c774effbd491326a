"""`pac plan import` piped (a script, a log) starts with what it says, not an empty line: the transient spinner is
for a terminal only (audit newcomer3 L10: an empty first line on stderr)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from sync_jobs.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "config" / "plans" / "example.actions.csv"


def test_piped_stderr_starts_with_the_first_sentence(tmp_path: Path) -> None:
    done = CliRunner().invoke(main, ["plan", "import", str(SAMPLE), "-o", str(tmp_path / "p.pac.yaml")])
    assert done.exit_code == 0, done.output
    lines = done.stderr.splitlines()
    assert lines and lines[0].startswith("assumed: year 2027"), lines[:3]
    assert "" not in lines, lines
