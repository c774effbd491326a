"""The report's evaluation instant stays inside the plan's period (pac_core/report_period.py)."""

from dataclasses import replace
from datetime import datetime

import pytest

from pac_core.errors import InvalidInput
from pac_core.report_period import fiscal_quarter, plan_quarters, report_instant
from pac_core.results import Evaluation
from pac_core.window import Window
from sync_jobs.report import render_html
from sync_jobs.report_inputs import ReportInputs
from tests.unit import report_fixtures as fx

PLAN = fx.plan()


class TestReportInstant:
    def test_now_inside_the_period_is_kept(self) -> None:
        """Without --quarter, a moment inside the plan's year is the evaluation instant."""
        assert report_instant(PLAN, None, fx.AS_OF) == fx.AS_OF

    def test_after_the_period_the_report_stops_at_its_end(self) -> None:
        """In 2028 the 2027 plan is reported as it ended, not as a 2028 quarter."""
        assert report_instant(PLAN, None, datetime(2028, 3, 3, tzinfo=fx.PARIS)) == PLAN.period.end

    def test_before_the_period_there_is_nothing_to_report(self) -> None:
        """In November 2026 a 2027 plan has not begun: refused rather than a 'T4 2026' report."""
        with pytest.raises(InvalidInput, match="starts on 2027-01-01: there is nothing to report yet"):
            report_instant(PLAN, None, datetime(2026, 11, 26, tzinfo=fx.PARIS))

    def test_a_quarter_outside_the_plan_lists_the_plans_quarters(self) -> None:
        """--quarter 2026-Q4 on a 2027 plan names the plan's quarters in the fix."""
        with pytest.raises(InvalidInput, match="2027-Q1, 2027-Q2, 2027-Q3, 2027-Q4") as caught:
            report_instant(PLAN, "2026-Q4", fx.AS_OF)
        assert "outside the plan's period (2027-01-01 to 2027-12-31)" in str(caught.value)

    def test_a_closed_quarter_ends_at_its_last_instant(self) -> None:
        """T2 2027, asked on 20 August, is evaluated at 1 July 00:00 Paris."""
        assert report_instant(PLAN, "T2 2027", fx.AS_OF) == datetime(2027, 7, 1, tzinfo=fx.PARIS)

    def test_the_plans_quarters(self) -> None:
        """A calendar-year plan has the four quarters of its year."""
        assert plan_quarters(PLAN) == ["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"]

    def test_a_fiscal_plans_quarters_are_its_own(self) -> None:
        """On a plan from 1 April 2027 to 31 March 2028, T1 / Q1 is April-June 2027 and Q2 July-September (as
        the plan's own periods read); a quarter written with its year stays a calendar quarter."""
        fiscal = replace(PLAN, period=Window(datetime(2027, 4, 1, tzinfo=fx.PARIS),
                                             datetime(2028, 4, 1, tzinfo=fx.PARIS), "exercice 2027-2028"))
        now = datetime(2027, 12, 3, 10, tzinfo=fx.PARIS)
        assert report_instant(fiscal, "T1", now) == datetime(2027, 7, 1, tzinfo=fx.PARIS)
        assert report_instant(fiscal, "Q2", now) == datetime(2027, 10, 1, tzinfo=fx.PARIS)
        assert report_instant(fiscal, "T2 2027", now) == datetime(2027, 7, 1, tzinfo=fx.PARIS)
        assert plan_quarters(fiscal) == ["Q1 (2027-04-01 to 2027-06-30)", "Q2 (2027-07-01 to 2027-09-30)",
                                         "Q3 (2027-10-01 to 2027-12-31)", "Q4 (2028-01-01 to 2028-03-31)",
                                         "2027-Q2", "2027-Q3", "2027-Q4", "2028-Q1"]


class TestHeading:
    def test_a_fiscal_plans_report_names_its_own_quarter(self) -> None:
        """`pac report --quarter T1` on a plan from 1 April 2027 is evaluated at 1 July 00:00: its header says
        « T1 de l'exercice 2027-2028 » / "Q1 of fiscal year 2027-2028", as asked, not the calendar "T2 2027"; a
        calendar plan's header keeps its calendar quarter. Seen failing before: « T2 2027 »."""
        fiscal = replace(PLAN, period=Window(datetime(2027, 4, 1, tzinfo=fx.PARIS),
                                             datetime(2028, 4, 1, tzinfo=fx.PARIS), "exercice 2027-2028"))
        now = datetime(2027, 12, 3, 10, tzinfo=fx.PARIS)
        ends_q1 = report_instant(fiscal, "T1", now)
        empty = Evaluation(fiscal.id, ends_q1, (), (), ())
        assert "T1 de l&#x27;exercice 2027-2028</div>" in render_html(ReportInputs(fiscal, empty))
        assert "Q1 of fiscal year 2027-2028" in render_html(ReportInputs(fiscal, empty), "en")
        assert fiscal_quarter(fiscal, now) == 3 and fiscal_quarter(PLAN, now) is None
        calendar = render_html(ReportInputs(PLAN, Evaluation(PLAN.id, datetime(2027, 7, 1, tzinfo=fx.PARIS),
                                                             (), (), ())))
        assert "T2 2027" in calendar and "exercice" not in calendar.split("</header>")[0]


class TestFebruaryYear:
    """A plan from 1 February 2027 to 31 January 2028: its quarters are February-April, May-July, August-October and
    November-January, none a calendar quarter (audit US, F5: `--quarter 2027-Q2` gave a report headed "Q2 of
    fiscal year 2027-2028" holding April-June)."""

    FEB = replace(PLAN, period=Window(datetime(2027, 2, 1, tzinfo=fx.PARIS), datetime(2028, 2, 1, tzinfo=fx.PARIS),
                                      "2027-02-01..2028-01-31"))
    NOW = datetime(2027, 12, 5, 12, tzinfo=fx.PARIS)

    def test_a_calendar_quarter_is_refused_naming_the_plans_quarters(self) -> None:
        """2027-Q2 (April-June) and « T2 2027 » are none of the plan's quarters: refused, with the plan's."""
        for asked in ("2027-Q2", "T2 2027"):
            with pytest.raises(InvalidInput) as caught:
                report_instant(self.FEB, asked, self.NOW)
            message = str(caught.value)
            assert f"{asked} (April to June 2027) is not one of the plan's quarters (its year starts on 1 February)" \
                in message
            assert "Q2 (2027-05-01 to 2027-07-31)" in message
        with pytest.raises(InvalidInput, match=r"May 2027 \(May 2027\) is not one of the plan's quarters"):
            report_instant(self.FEB, "May 2027", self.NOW)

    def test_the_plans_quarters(self) -> None:
        """Q2 ends on 31 July (evaluated at 1 August 00:00); the quarters offered are the plan's four only."""
        assert report_instant(self.FEB, "Q2", self.NOW) == datetime(2027, 8, 1, tzinfo=fx.PARIS)
        assert plan_quarters(self.FEB) == ["Q1 (2027-02-01 to 2027-04-30)", "Q2 (2027-05-01 to 2027-07-31)",
                                           "Q3 (2027-08-01 to 2027-10-31)", "Q4 (2027-11-01 to 2028-01-31)"]
