"""`pac sync`'s progress bars group their counts by thousands, as its summary and `pac status` do (audit newcomer3
L10: « 1500/? » beside the summary's « 4,748 »)."""

from __future__ import annotations

import io

from rich.console import Console

from sync_jobs.run_views import Bars


def _shown(done: int, total: int | None) -> str:
    out = io.StringIO()
    bars = Bars(Console(file=out, width=120, force_terminal=True), enabled=True)
    bars.show("k", "reading sf-main activities", done, total)
    [column] = [c for c in bars.progress.columns if "Count" in type(c).__name__ or "MofN" in type(c).__name__]
    task = bars.progress.tasks[0]
    return str(column.render(task))


def test_a_count_with_no_total_is_grouped() -> None:
    assert _shown(1500, None) == "1,500/?"


def test_a_count_and_its_total_are_grouped() -> None:
    assert _shown(12345, 1_000_000) == "   12,345/1,000,000"     # padded to the total's width: the bar stays put


def test_small_counts_are_unchanged() -> None:
    assert _shown(7, 8) == "7/8"
