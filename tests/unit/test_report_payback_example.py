"""The payback formula's example follows the plan's period (fiscal audit F4): "7.9 months on a calendar year:
late August" was printed on an April-March plan too, where 7.9 months from the start is late November."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from pac_core.results import Evaluation
from pac_core.window import Window
from sync_jobs.report import render_html
from sync_jobs.report_inputs import ReportInputs
from tests.unit import report_fixtures as fx

CALENDAR = fx.plan()
APRIL = replace(CALENDAR, period=Window(datetime(2027, 4, 1, tzinfo=fx.PARIS), datetime(2028, 4, 1, tzinfo=fx.PARIS),
                                        "2027-04-01..2028-03-31"))


def _html(plan: object, lang: str) -> str:
    inputs = ReportInputs(plan, Evaluation(plan.id, datetime(2028, 1, 1, tzinfo=fx.PARIS), (), (), ()))  # type: ignore[attr-defined,arg-type]
    return render_html(inputs, lang)


def test_an_april_year_says_late_november() -> None:
    english, french = _html(APRIL, "en"), _html(APRIL, "fr")
    assert "(7.9 months from April 1: late November)" in english and "late August" not in english
    assert "(7,9 mois depuis le 1er avril\u00a0: fin novembre)" in french and "fin août" not in french


def test_a_calendar_year_keeps_late_august() -> None:
    assert "(7.9 months on a calendar year: late August)" in _html(CALENDAR, "en")
    assert "(7,9 mois sur une année civile\u00a0: fin août)" in _html(CALENDAR, "fr")
