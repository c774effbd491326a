"""The worked example of docs: « Visiter 5 clients dormants du 69 en semaine 18 » is 4 / 5, line by line."""

from __future__ import annotations

from datetime import datetime

from pac_core.engine import evaluate
from pac_core.plan import ActivityType
from pac_core.records import ActivityStatus, Records
from pac_core.results import Pace
from tests.unit.test_engine_support import PARIS, USERS, account, plan, utc, visit

ACCOUNTS = (
    account("lyon-a", "69003", name="Lyon A"), account("villeurbanne", "69100"), account("venissieux", "69200"),
    account("caluire", "69300"), account("grenoble", "38000"), account("bron", "69500", dormant=False),
    account("givors", "69700"), account("tassin", "69160"), account("oullins", "69600"),
    account("ecully", "69130"), account("rillieux", "69140"),
)
ACTIVITIES = (
    visit("v1", "lyon-a", utc(5, 3, 7, 30)),
    visit("v2", "villeurbanne", utc(5, 2, 22, 30)),
    visit("v3", "venissieux", utc(5, 9, 21, 45)),
    visit("v4", "caluire", utc(5, 9, 22, 15)),
    visit("v5", "lyon-a", utc(5, 6, 12)),
    visit("v6", "grenoble", utc(5, 4, 8)),
    visit("v7", "bron", utc(5, 4, 13)),
    visit("v8", "givors", utc(5, 5, 9), owner="005M"),
    visit("v9", "tassin", utc(5, 5, 14), status=ActivityStatus.CANCELLED),
    visit("v10", "oullins", utc(5, 6, 8), kind=ActivityType.CALL),
    visit("v11", "ecully", utc(5, 7, 9), deleted=True),
    visit("v12", "rillieux", utc(5, 5, 7)),
)
AS_OF = datetime(2027, 5, 20, 18, tzinfo=PARIS)
EXPECTED = {
    "v1": "counted", "v2": "counted", "v3": "counted", "v12": "counted",
    "v4": "outside_window", "v5": "duplicate_account", "v6": "outside_scope", "v7": "outside_scope",
    "v8": "other_owner", "v9": "cancelled", "v10": "wrong_type", "v11": "deleted",
}


def _evaluate():
    return evaluate(plan(), Records(accounts=ACCOUNTS, activities=ACTIVITIES, users=USERS), as_of=AS_OF, explain=True)


class TestWorkedExample:
    def test_four_of_five(self) -> None:
        """Four distinct dormant accounts of the 69 were visited by Julie in week 18: 4 / 5, 80 %."""
        progress = _evaluate().action("A-01")
        assert (progress.done, progress.target, progress.progress) == (4, 5, 0.8)

    def test_every_line_has_its_rule(self) -> None:
        """Each of the twelve records gets exactly the decision the worked example gives it."""
        decisions = {d.record_id: d.rule for d in _evaluate().action("A-01").decisions}
        assert decisions == EXPECTED

    def test_counted_lines_come_first_in_time_order(self) -> None:
        """Counted lines are listed first, earliest visit first (v2 on Monday 00:30 Paris)."""
        decisions = _evaluate().action("A-01").decisions
        assert [d.record_id for d in decisions[:4]] == ["v2", "v1", "v12", "v3"]
        assert all(d.counted for d in decisions[:4]) and not any(d.counted for d in decisions[4:])

    def test_reasons_name_the_failing_condition(self) -> None:
        """The near misses say why: département 38, not dormant, the week after, the other rep."""
        details = {d.record_id: d.detail for d in _evaluate().action("A-01").decisions}
        assert details["v6"].startswith("département 38")
        assert details["v7"].startswith("not dormant")
        assert "2027-05-10 00:15" in details["v4"] and "after the window “semaine 18”" in details["v4"]
        assert "marc.dubois" in details["v8"]

    def test_window_is_over_and_target_missed(self) -> None:
        """On 20 May the week is over with 4 of 5: the action is late, forecast equals what was done."""
        progress = _evaluate().action("A-01")
        assert progress.pace is Pace.LATE and progress.forecast == 4.0 and progress.expected_by_now == 5.0
