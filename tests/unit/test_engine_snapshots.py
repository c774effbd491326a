"""Snapshots: labels, when they are due, and the JSON-safe round trip of an evaluation."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pac_core.engine import EngineSettings, evaluate
from pac_core.errors import PeriodError
from pac_core.periods import quarter_window
from pac_core.records import Records
from pac_core.report_period import report_instant
from pac_core.results import Pace
from pac_core.snapshots import (
    closing_instant,
    due_snapshots,
    evaluation_from_payload,
    last_closed,
    parse_label,
    period_window,
    plan_label,
    snapshot_payload,
)
from pac_core.window import Window
from tests.unit.test_engine_support import PARIS, action, plan, won
from tests.unit.test_engine_worked_example import ACCOUNTS, ACTIVITIES, AS_OF, USERS


class TestLabels:
    """A snapshot is labelled by the period it closes, in the plan's timezone, right at the boundaries."""

    def test_the_start_of_a_quarter_closes_the_previous_one(self) -> None:
        """At 05:45 on 1 April (the scheduler's default), the quarter closed is Q1, not Q2; the month, March."""
        now = datetime(2027, 4, 1, 5, 45, tzinfo=PARIS)
        assert last_closed("quarterly", now, "Europe/Paris") == "2027-Q1"
        assert last_closed("monthly", now, "Europe/Paris") == "2027-03"

    def test_boundary_instants_in_the_plan_zone_not_utc(self) -> None:
        """Paris midnight on 1 April is 22:00 UTC on 31 March: from that instant Q1 is closed, not a
        microsecond before; judged in UTC it would still be Q4 of 2026."""
        boundary = datetime(2027, 3, 31, 22, 0, tzinfo=UTC)
        assert last_closed("quarterly", boundary, "Europe/Paris") == "2027-Q1"
        assert last_closed("quarterly", boundary - timedelta(microseconds=1), "Europe/Paris") == "2026-Q4"
        assert last_closed("quarterly", boundary, "America/New_York") == "2026-Q4"

    def test_dst_nights(self) -> None:
        """The night of 31 October 2027 Paris leaves summer time (02:00 CEST back to 01:00 CET): 1 November
        00:30 CET is 23:30 UTC on 31 October and closes October; on 28 March (summer time starts) a snapshot
        at 03:30 closes February, and March stays open until 31 March 22:00 UTC."""
        assert last_closed("monthly", datetime(2027, 10, 31, 23, 30, tzinfo=UTC), "Europe/Paris") == "2027-10"
        assert last_closed("monthly", datetime(2027, 10, 31, 22, 59, tzinfo=UTC), "Europe/Paris") == "2027-09"
        assert last_closed("monthly", datetime(2027, 3, 28, 3, 30, tzinfo=PARIS), "Europe/Paris") == "2027-02"
        assert closing_instant("2027-10", "Europe/Paris") == datetime(2027, 10, 31, 23, 0, tzinfo=UTC)
        assert closing_instant("2027-03", "Europe/Paris") == datetime(2027, 3, 31, 22, 0, tzinfo=UTC)

    def test_a_midnight_skipped_by_dst(self) -> None:
        """Asunción went to summer time at 00:00 on 1 October 2023 (clocks jumped to 01:00): Q3 ends at that
        jump, 04:00 UTC, which is when its snapshot is evaluated (its last day, 30 September, counted)."""
        zone = "America/Asuncion"
        assert period_window("2023-Q4", zone).start.astimezone(UTC) == datetime(2023, 10, 1, 4, tzinfo=UTC)
        assert closing_instant("2023-Q3", zone) == datetime(2023, 10, 1, 4, 0, tzinfo=UTC)
        assert last_closed("quarterly", datetime(2023, 10, 1, 4, 0, tzinfo=UTC), zone) == "2023-Q3"
        assert last_closed("quarterly", datetime(2023, 10, 1, 3, 59, 59, tzinfo=UTC), zone) == "2023-Q2"

    def test_year_end(self) -> None:
        """On 1 January the closed month is December and the closed quarter Q4 of the year before."""
        now = datetime(2028, 1, 1, 5, 30, tzinfo=PARIS)
        assert (last_closed("monthly", now, "Europe/Paris"), last_closed("quarterly", now, "Europe/Paris")) == \
            ("2027-12", "2027-Q4")

    def test_parse_label(self) -> None:
        """Months as 2027-03, quarters as 2027-Q1 (or T1); anything else is refused with both forms."""
        assert parse_label("2027-03") == ("monthly", "2027-03")
        assert parse_label("2027-q1") == ("quarterly", "2027-Q1")
        assert parse_label("2027-T4") == ("quarterly", "2027-Q4")
        for bad in ("2027-13", "2027-Q5", "Q1", "2027-3", ""):
            with pytest.raises(PeriodError, match="2027-03"):
                parse_label(bad)


class TestDue:
    PERIOD = quarter_window(2027, 1, "Europe/Paris")

    def test_closed_periods_of_the_plan_without_a_snapshot(self) -> None:
        """On 20 May, a 2027 plan's closed months are January to April; those without a snapshot are due."""
        year = Window(datetime(2027, 1, 1, tzinfo=PARIS), datetime(2028, 1, 1, tzinfo=PARIS))
        now = datetime(2027, 5, 20, 18, tzinfo=PARIS)
        assert due_snapshots("monthly", now, "Europe/Paris", year, ["2027-02"]) == ["2027-01", "2027-03", "2027-04"]
        assert due_snapshots("quarterly", now, "Europe/Paris", year, []) == ["2027-Q1"]
        assert due_snapshots("quarterly", now, "Europe/Paris", year, ["2027-Q1"]) == []

    def test_nothing_before_the_plan_and_nothing_after(self) -> None:
        """A Q1 plan read in 2029: only its three months; a plan not begun: nothing."""
        later = datetime(2029, 6, 1, tzinfo=PARIS)
        assert due_snapshots("monthly", later, "Europe/Paris", self.PERIOD, []) == ["2027-01", "2027-02", "2027-03"]
        assert due_snapshots("monthly", datetime(2026, 12, 15, tzinfo=PARIS), "Europe/Paris", self.PERIOD, []) == []


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


class TestClosingInstant:
    """A closed period is evaluated at its end: an action due with the period and short of its target is late
    in the period's snapshot, as in the report of that quarter, and counts what the period's days hold."""

    def test_the_snapshot_and_the_quarters_report_agree_on_an_action_due_with_the_quarter(self) -> None:
        march = Window(datetime(2027, 3, 1, tzinfo=PARIS), datetime(2027, 4, 1, tzinfo=PARIS), "mars")
        records = Records(accounts=ACCOUNTS, activities=ACTIVITIES, users=USERS)
        p = plan(action(window=march))
        settings = EngineSettings()
        snap = evaluate(p, records, as_of=closing_instant("2027-Q1", "Europe/Paris"), settings=settings)
        report = evaluate(p, records, as_of=report_instant(p, "2027-Q1", datetime(2027, 6, 1, tzinfo=UTC)),
                          settings=settings)
        month = evaluate(p, records, as_of=closing_instant("2027-03", "Europe/Paris"), settings=settings)
        assert snap.action("A-01").done < 5
        assert snap.action("A-01").pace is report.action("A-01").pace is month.action("A-01").pace is Pace.LATE
        assert snap.as_of == report.as_of

    def test_the_end_counts_the_last_day_not_the_next_one(self) -> None:
        """A deal won on 31 March counts in Q1's snapshot; one won on 1 April does not."""
        deals = (won("d-31", "lyon-a", "100", date(2027, 3, 31)), won("d-01", "lyon-a", "1000", date(2027, 4, 1)))
        ev = evaluate(plan(), Records(accounts=ACCOUNTS, activities=ACTIVITIES, deals=deals, users=USERS),
                      as_of=closing_instant("2027-Q1", "Europe/Paris"), settings=EngineSettings())
        assert ev.axes[0].revenue == 100


class TestFiscalQuarters:
    """A plan whose year starts on 1 February has quarters February-April, May-July, August-October and
    November-January, none of them a calendar quarter (audit US, F5: `pac snapshot --period Q1` was refused,
    `--period 2027-Q1` took January-March, and the scheduler only ever kept calendar quarters). Its quarterly
    snapshots close its own quarters and are labelled by their months, ``2027-02..2027-04``."""

    TZ = "America/Chicago"
    CHICAGO = ZoneInfo(TZ)
    FEB = Window(datetime(2027, 2, 1, tzinfo=CHICAGO), datetime(2028, 2, 1, tzinfo=CHICAGO), "2027-02-01..2028-01-31")
    APRIL = Window(datetime(2027, 4, 1, tzinfo=PARIS), datetime(2028, 4, 1, tzinfo=PARIS), "exercice")
    YEAR = Window(datetime(2027, 1, 1, tzinfo=PARIS), datetime(2028, 1, 1, tzinfo=PARIS), "2027")

    def test_the_quarters_due_are_the_plans(self) -> None:
        """On 1 August 2027 (05:45, the scheduler's hour) Q1 and Q2 have ended; on 1 July only Q1; on 1 February
        2028 the fourth, November-January, too. Months are unchanged."""
        due = [due_snapshots("quarterly", datetime(y, m, 1, 5, 45, tzinfo=self.CHICAGO), self.TZ, self.FEB, [])
               for y, m in ((2027, 7), (2027, 8), (2028, 2))]
        assert due == [["2027-02..2027-04"], ["2027-02..2027-04", "2027-05..2027-07"],
                       ["2027-02..2027-04", "2027-05..2027-07", "2027-08..2027-10", "2027-11..2028-01"]]
        assert due_snapshots("quarterly", datetime(2027, 8, 1, 6, tzinfo=self.CHICAGO), self.TZ, self.FEB,
                             ["2027-02..2027-04"]) == ["2027-05..2027-07"]
        assert due_snapshots("monthly", datetime(2027, 4, 1, 6, tzinfo=self.CHICAGO), self.TZ, self.FEB, []) == [
            "2027-02", "2027-03"]

    def test_a_quarter_of_months_is_a_period(self) -> None:
        """``2027-11..2028-01`` is 1 November 2027 to 31 January 2028 in the plan's zone, and closes at the first
        instant of February; three months that are a calendar quarter are written as one (``2027-Q2``)."""
        window = period_window("2027-11..2028-01", self.TZ)
        assert (window.start, window.end) == (datetime(2027, 11, 1, tzinfo=self.CHICAGO),
                                              datetime(2028, 2, 1, tzinfo=self.CHICAGO))
        assert closing_instant("2027-11..2028-01", self.TZ) == datetime(2028, 2, 1, 6, tzinfo=UTC)
        assert parse_label("2027-02..2027-04") == ("quarterly", "2027-02..2027-04")
        assert parse_label("2027-04..2027-06") == ("quarterly", "2027-Q2")
        for bad in ("2027-02..2027-05", "2027-04..2027-02"):
            with pytest.raises(PeriodError, match="not three months in a row"):
                parse_label(bad)
        with pytest.raises(PeriodError, match="not a month or a quarter"):
            parse_label("2027-02..2027-13")

    def test_the_plans_quarter_named_as_the_plan_reads_it(self) -> None:
        """``--period Q1`` is the plan's first quarter, as ``pac report --quarter Q1``: February-April on a year
        from February, April-June (calendar 2027-Q2, as before) on a year from April, January-March on a
        calendar plan; a month or a canonical label is read as before."""
        assert plan_label("Q1", self.FEB, self.TZ) == ("quarterly", "2027-02..2027-04")
        assert plan_label("T4", self.FEB, self.TZ) == ("quarterly", "2027-11..2028-01")
        assert plan_label("2027-05..2027-07", self.FEB, self.TZ) == ("quarterly", "2027-05..2027-07")
        assert plan_label("2027-03", self.FEB, self.TZ) == ("monthly", "2027-03")
        assert plan_label("Q1", self.APRIL, "Europe/Paris") == ("quarterly", "2027-Q2")
        assert plan_label("2027-Q3", self.APRIL, "Europe/Paris") == ("quarterly", "2027-Q3")
        assert plan_label("Q1", self.YEAR, "Europe/Paris") == ("quarterly", "2027-Q1")

    def test_a_calendar_quarter_of_a_february_year_is_refused_with_the_plans_quarters(self) -> None:
        """2027-Q1 (January-March) is none of the plan's quarters: refused, naming them with their months."""
        with pytest.raises(PeriodError) as caught:
            plan_label("2027-Q1", self.FEB, self.TZ)
        message = str(caught.value)
        assert "2027-Q1 (January to March 2027) is not one of the plan's quarters (its year starts on 1 February)" \
            in message
        assert "Q1 = 2027-02..2027-04, Q2 = 2027-05..2027-07, Q3 = 2027-08..2027-10, Q4 = 2027-11..2028-01" in message

    def test_calendar_and_april_plans_unchanged(self) -> None:
        """Years from January or April keep calendar-quarter labels."""
        now = datetime(2027, 10, 1, 6, tzinfo=PARIS)
        assert due_snapshots("quarterly", now, "Europe/Paris", self.APRIL, []) == ["2027-Q2", "2027-Q3"]
        assert due_snapshots("quarterly", now, "Europe/Paris", self.YEAR, []) == ["2027-Q1", "2027-Q2", "2027-Q3"]
