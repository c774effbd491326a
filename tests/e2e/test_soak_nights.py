"""Ten consecutive nights of the soak (``tests/soak_nights.py``): real nightly runs on the sandbox CRM (both dialects,
the demo organisation, the real connectors and client libraries) with the clock moving a day a night, random
changes made in the CRMs between nights (visits, calls, meetings made, cancelled and deleted; deals won, lost,
re-opened, moved; accounts edited, merged, deleted and restored; a manager's status and target edits; the plan file
edited), and after each night the soak's four checks: the CRMs' PAC figures are those of a fresh full evaluation of
the store (and a copy of the store synced with ``--full`` holds the same records and writes nothing), no PAC record
twice, a quiet night at its floor of calls (Salesforce 12, HubSpot 17), no manager's edit lost.

The long run (120 nights, and across the summer-time change and the year end) is ``python -m tests.soak_nights``;
its figures are in docs/operations.md, *Soak of nightly runs*."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.soak_nights import Soak


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_ten_nights_keep_the_crms_equal_to_a_fresh_evaluation(tmp_path: Path) -> None:
    lines: list[str] = []
    start = datetime(2027, 6, 26, 2, 0, tzinfo=ZoneInfo("Europe/Paris"))     # across the end of Q2 (30 June)
    soak = Soak(tmp_path, seed=11, start=start, full_every=5, rerun_every=3, log=lines.append)
    try:
        nights = soak.run(10)
    finally:
        soak.close()
    assert len([n for n in nights if "rerun" not in n.as_of]) == 10
    assert sum(1 for n in nights if n.changes) >= 5, lines          # the seed makes changes on most nights
    reruns = [n for n in nights if "rerun" in n.as_of]
    assert reruns and all((n.calls.get("salesforce"), n.calls.get("hubspot")) == (12, 17) for n in reruns
                          if not n.full), lines
    assert [p for n in nights for p in n.problems] == [], "\n".join(lines)
