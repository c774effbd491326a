"""The names pac gives a fiscal plan's quarters (the report's header « T3 de l'exercice 2027-2028 » / "Q3 of fiscal
year 2027-2028", its charts « T3 ex. 2027-28 » / "Q3 FY2027-28") can be typed back: `--quarter` and `when:` read
them as the plan's own quarter (fiscal audit F2: refused as "cannot read 'Q3 FY2027-28' as a period")."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from pac_config.planfile import load_plan_text
from pac_core.errors import InvalidInput, PeriodError
from pac_core.periods import parse_period
from pac_core.report_period import report_instant
from pac_core.window import Window
from sync_jobs.report.fmt import Formatter
from tests.unit import report_fixtures as fx

TZ = "Europe/London"
FY = parse_period("2027-04-01..2028-03-31", year=2027, tz=TZ)
CALENDAR = parse_period("2027", year=2027, tz=TZ)
LABELS = ["Q3 FY2027-28", "Q3 of fiscal year 2027-2028", "T3 de l'exercice 2027-2028", "T3 ex. 2027-28",
          "third quarter of fiscal year 2027-2028", "le 3e trimestre de l'exercice 2027-2028", "Q3 FY 2027-2028"]


def days(text: str, within: Window | None = FY, language: str | None = "en") -> tuple[date, date]:
    w = parse_period(text, year=2027, tz=TZ, within=within, language=language)
    return w.start.date(), date.fromordinal(w.end.date().toordinal() - 1)


@pytest.mark.parametrize("text", LABELS)
def test_the_reports_labels_are_the_plans_own_quarter(text: str) -> None:
    assert days(text) == (date(2027, 10, 1), date(2027, 12, 31))


def test_the_labels_are_the_ones_the_report_prints() -> None:
    """The chart's label of calendar 2027-Q4 on a year from April, read back, is that quarter."""
    start = date(2027, 4, 1)
    for lang in ("fr", "en"):
        label = Formatter(lang=lang, fiscal_start=start).period_label("2027-Q4")
        assert days(label) == (date(2027, 10, 1), date(2027, 12, 31)), label


def test_a_february_years_quarter_is_its_own() -> None:
    feb = parse_period("2027-02-01..2028-01-31", year=2027, tz=TZ)
    assert days("Q2 FY2027-28", within=feb) == (date(2027, 5, 1), date(2027, 7, 31))


def test_another_fiscal_years_quarter_is_refused_with_the_plans() -> None:
    with pytest.raises(PeriodError) as info:
        days("Q3 FY2026-27")
    assert "is a quarter of the fiscal year 2026-2027, not of the plan's (2027-04-01..2028-03-31)" in str(info.value)
    assert "write 'Q3' for the plan's own quarter 3" in str(info.value)


@pytest.mark.parametrize("within", [CALENDAR, None])
def test_outside_a_fiscal_plan_it_is_refused_with_what_works(within: Window | None) -> None:
    """A calendar plan cannot know the fiscal year's first month: refused, naming the days and the 'Q3' that works
    in a fiscal plan, not the generic "cannot read"."""
    with pytest.raises(PeriodError) as info:
        days("Q3 FY2027-28", within=within)
    message = str(info.value)
    assert "cannot read" not in message
    assert "names a quarter of a fiscal year by its years" in message
    assert "2027-10-01..2027-12-31 on a year from April" in message and "write 'Q3'" in message


def test_pac_report_quarter_takes_the_label() -> None:
    fiscal = replace(fx.plan("en"), period=Window(datetime(2027, 4, 1, tzinfo=fx.PARIS),
                                                 datetime(2028, 4, 1, tzinfo=fx.PARIS), "2027-04-01..2028-03-31"))
    now = datetime(2028, 1, 15, 12, tzinfo=fx.PARIS)
    for label in ("Q3 FY2027-28", "Q3 of fiscal year 2027-2028", "T3 de l'exercice 2027-2028"):
        assert report_instant(fiscal, label, now) == datetime(2028, 1, 1, tzinfo=fx.PARIS)


def test_a_plans_when_takes_the_label() -> None:
    text = """
plan: {name: UK, year: 2027, timezone: Europe/London, currency: GBP, language: en, period: "2027-04-01..2028-03-31"}
people:
  - {email: julie@brew.example, name: Julie, role: rep}
segments:
  - {id: S-BREW, name: Brewing, kind: market, scope: {industry: Brewing}}
axes:
  - {id: AX-DORM, name: Dormant, segment: S-BREW}
actions:
  - {id: A-Q3, axis: AX-DORM, text: "Visit 5 breweries", who: julie@brew.example,
     what: {activity: visit, count: 5}, when: "Q3 FY2027-28"}
"""
    plan = load_plan_text(text, "uk.pac.yaml")
    assert (plan.actions[0].window.start.date(), plan.actions[0].window.end.date()) == (date(2027, 10, 1),
                                                                                         date(2028, 1, 1))
    with pytest.raises(InvalidInput, match="names a quarter of a fiscal year"):
        load_plan_text(text.replace("2027-04-01..2028-03-31", "2027-01-01..2027-12-31"), "cal.pac.yaml")
