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

    def test_a_quarter_outside_the_plan_lists_the_plans_quarters_that_have_begun(self) -> None:
        """--quarter 2026-Q4 on a 2027 plan, on 20 August, names the plan's quarters that have begun in the fix, and
        says which have not (audit newcomer3 L3: Q4 was offered, and then refused as not begun)."""
        with pytest.raises(InvalidInput) as caught:
            report_instant(PLAN, "2026-Q4", fx.AS_OF)
        assert str(caught.value) == ("--quarter: 2026-Q4 is outside the plan's period (2027-01-01 to 2027-12-31) "
                                     "(choose one of the plan's quarters that have begun: 2027-Q1, 2027-Q2, 2027-Q3; "
                                     "2027-Q4 begins on 2027-10-01)")

    def test_a_quarter_not_begun_offers_only_the_quarters_that_have_begun(self) -> None:
        """On 20 May 2027 (the demo's day), `--quarter 2027-Q3`: the choices are Q1 and Q2, Q3 and Q4 are said
        to begin later (audit newcomer3 L3: « choose a quarter that has begun among … 2027-Q3, 2027-Q4 »)."""
        may = datetime(2027, 5, 20, 16, tzinfo=fx.PARIS)
        with pytest.raises(InvalidInput) as caught:
            report_instant(PLAN, "2027-Q3", may)
        assert str(caught.value) == ("--quarter: 2027-Q3 has not started yet (now is 2027-05-20) (leave --quarter out "
                                     "for today, or choose a quarter that has begun: 2027-Q1, 2027-Q2; 2027-Q3 begins "
                                     "on 2027-07-01, 2027-Q4 on 2027-10-01)")

    def test_a_fiscal_plans_quarters_not_begun_are_left_out_of_the_choices(self) -> None:
        """A plan from 1 April, on 3 December 2027: its Q1 to Q3 have begun, its Q4 (January-March 2028) has not,
        nor calendar 2028-Q1."""
        fiscal = replace(PLAN, period=Window(datetime(2027, 4, 1, tzinfo=fx.PARIS),
                                             datetime(2028, 4, 1, tzinfo=fx.PARIS), "exercice 2027-2028"))
        with pytest.raises(InvalidInput) as caught:
            report_instant(fiscal, "Q4", datetime(2027, 12, 3, 10, tzinfo=fx.PARIS))
        fix = str(caught.value).split("or choose ", 1)[1]
        assert fix == ("a quarter that has begun: Q1 (2027-04-01 to 2027-06-30), Q2 (2027-07-01 to 2027-09-30), "
                       "Q3 (2027-10-01 to 2027-12-31), 2027-Q2, 2027-Q3, 2027-Q4; Q4 (2028-01-01 to 2028-03-31) "
                       "begins on 2028-01-01, 2028-Q1 on 2028-01-01)")

    @pytest.mark.parametrize(("asked", "fix"), [("2027-Q5", "write Q1 to Q4"), ("Q5", "write Q1 to Q4"),
                                                ("T5", "write T1 to T4")])
    def test_an_unknown_quarter_names_the_option_and_the_letter_written(self, asked: str, fix: str) -> None:
        """`--quarter 2027-Q5` on a French plan: the option named, and the fix in the letter the user wrote (audit
        newcomer3 L4: « there is no quarter 5 (a year has 4 quarters: write T1 to T4) », no key)."""
        with pytest.raises(InvalidInput) as caught:
            report_instant(PLAN, asked, fx.AS_OF)
        assert str(caught.value) == f"--quarter: there is no quarter 5 (a year has 4 quarters: {fix})"

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
