"""`pac report --quarter "Q3 2027"` on a plan from 1 April is the calendar quarter (July-September, the plan's Q2),
as a year written always means the calendar: kept, and now said on stderr with the plan's Q3 (fiscal audit F3)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from pac_core.window import Window
from sync_jobs.report import calendar_quarter_note
from tests.unit import report_fixtures as fx

CALENDAR = fx.plan("en")
APRIL = replace(CALENDAR, period=Window(datetime(2027, 4, 1, tzinfo=fx.PARIS), datetime(2028, 4, 1, tzinfo=fx.PARIS),
                                        "2027-04-01..2028-03-31"))


def test_a_calendar_quarter_with_its_year_is_said_in_english() -> None:
    assert calendar_quarter_note(APRIL, "Q3 2027") == (
        "note: Q3 2027 is the calendar quarter Jul–Sep 2027, the plan's Q2 (fiscal year 2027-2028); for the plan's "
        "Q3 (Oct–Dec 2027) write --quarter Q3")
    assert calendar_quarter_note(APRIL, "2028-Q1") == (
        "note: 2028-Q1 is the calendar quarter Jan–Mar 2028, the plan's Q4 (fiscal year 2027-2028); for the plan's "
        "Q1 (Apr–Jun 2027) write --quarter Q1")


def test_and_in_french() -> None:
    french = replace(APRIL, language="fr")
    assert calendar_quarter_note(french, "T3 2027") == (
        "note : T3 2027 est le trimestre civil juil.–sept. 2027, le T2 du plan (exercice 2027-2028) ; pour le T3 du "
        "plan (oct.–déc. 2027), écrivez --quarter T3")
    assert calendar_quarter_note(APRIL, "T3 2027", "fr") == calendar_quarter_note(french, "T3 2027")


@pytest.mark.parametrize("quarter", ["Q3", "T3", "Q3 FY2027-28", "Q3 of fiscal year 2027-2028", "not a quarter"])
def test_the_plans_own_quarter_needs_no_note(quarter: str) -> None:
    assert calendar_quarter_note(APRIL, quarter) is None


@pytest.mark.parametrize("quarter", ["Q3 2027", "2027-Q3", "Q3", "T2 2027"])
def test_a_calendar_plan_prints_nothing(quarter: str) -> None:
    assert calendar_quarter_note(CALENDAR, quarter) is None
