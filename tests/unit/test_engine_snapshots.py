"""Snapshots: labels, when they are due, and the JSON-safe round trip of an evaluation."""

from __future__ import annotations

import json
from datetime import date, datetime

from pac_core.engine import EngineSettings, evaluate
from pac_core.records import Records
from pac_core.snapshots import (
    evaluation_from_payload,
    monthly_snapshot_due,
    quarterly_snapshot_due,
    snapshot_payload,
)
from tests.unit.test_engine_support import PARIS, plan, won
from tests.unit.test_engine_worked_example import ACCOUNTS, ACTIVITIES, AS_OF, USERS


class TestDue:
    def test_first_snapshot_of_the_month(self) -> None:
        """With no snapshot yet, or the last in April, May's is due; with one in May, none."""
        assert monthly_snapshot_due(None, date(2027, 5, 20)) == "2027-05"
        assert monthly_snapshot_due(date(2027, 4, 30), datetime(2027, 5, 1, 2, tzinfo=PARIS)) == "2027-05"
        assert monthly_snapshot_due(date(2027, 5, 1), date(2027, 5, 20)) is None

    def test_quarterly(self) -> None:
        """The quarterly snapshot is due once per quarter, across year ends too."""
        assert quarterly_snapshot_due(None, date(2027, 5, 20)) == "2027-Q2"
        assert quarterly_snapshot_due(date(2027, 4, 2), date(2027, 6, 30)) is None
        assert quarterly_snapshot_due(date(2027, 12, 2), date(2028, 1, 3)) == "2028-Q1"


class TestRoundTrip:
    def test_evaluation_survives_json(self) -> None:
        """An evaluation with decisions, money, rejections and recommendations comes back equal from JSON."""
        deals = (won("d", "lyon-a", "1234.50", date(2027, 3, 1)), won("x", "lyon-a", "10", date(2027, 3, 1),
                                                                      currency="CHF"))
        ev = evaluate(plan(), Records(accounts=ACCOUNTS, activities=ACTIVITIES, deals=deals, users=USERS),
                      as_of=AS_OF, settings=EngineSettings(), explain=True)
        text = json.dumps(snapshot_payload(ev))
        back = evaluation_from_payload(json.loads(text))
        assert back == ev and back.action("A-01").decisions
        assert back.axes[0].revenue == ev.axes[0].revenue and str(back.axes[0].revenue) == "1234.50"

    def test_figures_without_decisions(self) -> None:
        """Without decisions the payload keeps every figure and drops only the per-record explanations."""
        ev = evaluate(plan(), Records(accounts=ACCOUNTS, activities=ACTIVITIES, users=USERS), as_of=AS_OF,
                      settings=EngineSettings())
        back = evaluation_from_payload(json.loads(json.dumps(snapshot_payload(ev, with_decisions=False))))
        assert back.action("A-01").done == 4 and back.action("A-01").decisions == ()
        assert back.actions[0].pace is ev.actions[0].pace
