"""`pac sync`'s warnings under its table, on a large plan (audit bigplan): 111 reps of a 1,200-action plan with no
CRM user made 107 warnings of four lines each (460 lines) after every run. The first ten are printed, then one line
counting the others and saying where each is (the run's log, one event per warning)."""

from __future__ import annotations

import io

from rich.console import Console

from sync_jobs.cli_sync import print_result
from sync_jobs.run_context import RunResult


def _printed(unmeasured: list[str], lacking: list[str] | None = None) -> str:
    out = io.StringIO()
    result = RunResult(plan_id="pac-2027")
    result.unmeasured = unmeasured
    result.lacking = lacking or []
    print_result(Console(file=out, width=300), result)
    return out.getvalue()


def test_the_first_ten_warnings_are_printed_and_the_others_counted() -> None:
    warnings = [f"A-{k:03d} : rep{k:03d}@x.example n'est utilisateur d'aucun CRM du plan" for k in range(107)]
    shown = _printed(warnings)
    assert [w for w in warnings if w in shown] == warnings[:10]
    assert shown.count("warning:") == 10
    assert ("… 97 more warnings like these: this run's log has each one (pac.sync events sync.unknown_owner, "
            "sync.remembered_email, sync.unmeasured, sync.relabelled)") in shown


def test_ten_warnings_or_fewer_are_all_printed() -> None:
    shown = _printed([f"w{k}" for k in range(10)])
    assert shown.count("warning:") == 10
    assert "more warnings" not in shown


def test_the_missing_fields_of_each_connector_are_always_printed() -> None:
    """``lacking`` (one line per connector at most, kept with the run for ``pac status``) is never cut."""
    shown = _printed([f"w{k}" for k in range(30)], ["sf-main: 2 PAC fields missing", "hs-west: 1 PAC field missing"])
    assert "sf-main: 2 PAC fields missing" in shown and "hs-west: 1 PAC field missing" in shown
    assert shown.count("warning:") == 12
    assert "… 20 more warnings like these" in shown
