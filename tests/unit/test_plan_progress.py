"""Progress on a big plan's check: the loader reports reading (lines) and checking (actions) as it goes."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pac_config.planfile import load_plan
from sync_jobs.cli import main

ROOT = Path(__file__).resolve().parents[2]


def big_plan(tmp_path: Path, actions: int) -> Path:
    src = (ROOT / "config" / "plans" / "example.pac.yaml").read_text(encoding="utf-8")
    start = src.index("actions:\n") + len("actions:\n")
    first = src[start:].split("\n  - id: A-02")[0]
    body = "".join(first.replace("id: A-01", f"id: X-{n:05d}") + "\n" for n in range(actions))
    path = tmp_path / "big.pac.yaml"
    path.write_text(src[:start] + body, encoding="utf-8")
    return path


def test_progress_reports_reading_then_checking(tmp_path: Path) -> None:
    """1,500 actions: "reading" reaches the file's last line, then "checking" counts up to every action."""
    path = big_plan(tmp_path, 1500)
    seen: list[tuple[str, int, int]] = []
    plan = load_plan(path, progress=lambda step, done, total: seen.append((step, done, total)))
    lines = path.read_text(encoding="utf-8").count("\n") + 1
    reading = [s for s in seen if s[0] == "reading"]
    checking = [s for s in seen if s[0] == "checking"]
    assert len(plan.actions) == 1500
    assert reading and all(total == lines for _, _, total in reading) and reading[-1][1] > lines // 2
    assert [d for _, d, _ in reading] == sorted(d for _, d, _ in reading)
    assert checking[0] == ("checking", 0, 1500) and checking[-1] == ("checking", 1500, 1500)
    assert seen.index(reading[-1]) < seen.index(checking[0])


def test_plan_check_of_a_big_plan_prints_no_bar_when_piped(tmp_path: Path) -> None:
    """Not on a terminal (a pipe, cron): no bar, only the summary line (and the plan's warnings: the copies of A-01
    serve one axis, so the seven others are said to be served by no action; « attention : », the plan being French,
    audit frwords)."""
    result = CliRunner().invoke(main, ["plan", "check", str(big_plan(tmp_path, 300))])
    lines = result.output.strip().splitlines()
    assert result.exit_code == 0 and lines[0] == "✓ plan OK : 6 segments, 8 axes, 300 actions"
    assert "\r" not in result.output and all(line.startswith("attention : ") for line in lines[1:])
