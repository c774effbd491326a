"""Fiscal years: months, quarters and halves written without a year resolve inside the plan's period.

A plan from 1 April 2027 to 31 March 2028 means « janvier » = January 2028, « T1 » = April-June 2027
(the plan year's first quarter). Calendar-year plans are unchanged.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from pac_config.planfile import load_plan_text
from pac_core.errors import InvalidInput, PeriodError
from pac_core.linter import lint_statement
from pac_core.periods import find_periods, parse_period

TZ = "Europe/Paris"
FY = parse_period("du 1er avril 2027 au 31 mars 2028", year=2027, tz=TZ)
CALENDAR = parse_period("2027", year=2027, tz=TZ)


def days(text: str, within=FY, **kw: object) -> tuple[date, date]:
    """(first day, last day) of ``text`` in the plan's period ``within``."""
    w = parse_period(text, year=2027, tz=TZ, within=within, **kw)  # type: ignore[arg-type]
    return w.start.date(), date.fromordinal(w.end.date().toordinal() - 1)


@pytest.mark.parametrize(("text", "first", "last"), [
    ("janvier", date(2028, 1, 1), date(2028, 1, 31)),
    ("mars", date(2028, 3, 1), date(2028, 3, 31)),
    ("avril", date(2027, 4, 1), date(2027, 4, 30)),
    ("December", date(2027, 12, 1), date(2027, 12, 31)),
    ("T1", date(2027, 4, 1), date(2027, 6, 30)),
    ("Q1", date(2027, 4, 1), date(2027, 6, 30)),
    ("premier trimestre", date(2027, 4, 1), date(2027, 6, 30)),
    ("T4", date(2028, 1, 1), date(2028, 3, 31)),
    ("fourth quarter", date(2028, 1, 1), date(2028, 3, 31)),
    ("H1", date(2027, 4, 1), date(2027, 9, 30)),
    ("second semestre", date(2027, 10, 1), date(2028, 3, 31)),
    ("le 15 janvier", date(2028, 1, 15), date(2028, 1, 15)),
    ("semaine 2", date(2028, 1, 10), date(2028, 1, 16)),
    ("semaine 18", date(2027, 5, 3), date(2027, 5, 9)),
    ("de novembre à février", date(2027, 11, 1), date(2028, 2, 29)),
    ("avant le 30 juin", date(2027, 4, 1), date(2027, 6, 30)),      # from the plan's start
    ("d'ici fin janvier", date(2027, 4, 1), date(2028, 1, 31)),
    ("by Q3", date(2027, 4, 1), date(2027, 12, 31)),
    ("d'ici la fin de l'année", date(2027, 4, 1), date(2028, 3, 31)),   # the plan's year
    ("T1 2027", date(2027, 1, 1), date(2027, 3, 31)),                # a year written: the calendar's
    ("janvier 2028", date(2028, 1, 1), date(2028, 1, 31)),
])
def test_periods_resolve_inside_a_fiscal_year(text: str, first: date, last: date) -> None:
    assert days(text) == (first, last)


@pytest.mark.parametrize(("text", "first", "last"), [
    ("janvier", date(2027, 1, 1), date(2027, 1, 31)),
    ("T1", date(2027, 1, 1), date(2027, 3, 31)),
    ("H2", date(2027, 7, 1), date(2027, 12, 31)),
    ("semaine 18", date(2027, 5, 3), date(2027, 5, 9)),
    ("avant le 30 juin", date(2027, 1, 1), date(2027, 6, 30)),
])
def test_calendar_year_plans_are_unchanged(text: str, first: date, last: date) -> None:
    assert days(text, within=CALENDAR) == (first, last)
    assert days(text, within=None) == (first, last)


def test_a_month_twice_in_a_long_plan_asks_for_the_year() -> None:
    long_plan = parse_period("du 1er juillet 2027 au 31 décembre 2028", year=2027, tz=TZ)
    assert days("janvier", within=long_plan)[0] == date(2028, 1, 1)
    with pytest.raises(PeriodError) as exc:
        parse_period("juillet", year=2027, tz=TZ, within=long_plan)
    assert "2 times in the plan's period" in str(exc.value) and "write the year" in str(exc.value)


def test_find_periods_in_a_sentence_use_the_fiscal_year() -> None:
    [(_, window)] = find_periods("Visiter 5 clients dormants en janvier", year=2027, tz=TZ, within=FY)
    assert window.start.date() == date(2028, 1, 1)


PLAN = """
plan: {name: Exercice 2027-2028, year: 2027, timezone: Europe/Paris, period: "du 1er avril 2027 au 31 mars 2028"}
people:
  - {email: julie.martin@durand-process.example, name: Julie Martin, role: rep}
segments:
  - {id: S-RA, name: Rhône-Alpes, kind: horizontale, scope: {region: Auvergne-Rhône-Alpes}}
axes:
  - {id: AX-DORM, name: Clients dormants, segment: S-RA}
actions:
  - {id: A-01, axis: AX-DORM, text: "Visiter 5 clients dormants du 69 en janvier",
     who: julie.martin@durand-process.example, what: {activity: visite, count: 5}, when: "janvier"}
  - {id: A-02, axis: AX-DORM, text: "Appeler 20 clients au T1", who: julie.martin@durand-process.example,
     what: {activity: appel, count: 20}, when: "T1"}
  - {id: A-03, axis: AX-DORM, text: "Visiter 3 clients avant le 30 juin", who: julie.martin@durand-process.example,
     what: {activity: visite, count: 3}, when: "avant le 30 juin"}
"""


def test_a_fiscal_plan_accepts_janvier_and_t1() -> None:
    plan = load_plan_text(PLAN, "fy.pac.yaml")
    windows = {a.id: (a.window.start.date(), a.window.end.date()) for a in plan.actions}
    assert windows == {"A-01": (date(2028, 1, 1), date(2028, 2, 1)),
                       "A-02": (date(2027, 4, 1), date(2027, 7, 1)),
                       "A-03": (date(2027, 4, 1), date(2027, 7, 1))}


def test_a_calendar_plan_still_refuses_a_month_outside_its_period() -> None:
    text = PLAN.replace('period: "du 1er avril 2027 au 31 mars 2028"', 'period: "2027"').replace(
        'when: "janvier"', 'when: "janvier 2028"')
    with pytest.raises(InvalidInput) as exc:
        load_plan_text(text, "cal.pac.yaml")
    assert "actions[0].when" in str(exc.value)


def test_the_linter_reads_the_fiscal_year_of_a_plan(tmp_path) -> None:
    from sync_jobs.cli import main

    result = lint_statement("Visiter 5 clients dormants en janvier", year=2027, tz=TZ, within=FY)
    assert result.parsed["window"]["start"].startswith("2028-01-01")
    path = tmp_path / "fy.pac.yaml"
    path.write_text(PLAN, encoding="utf-8")
    out = CliRunner().invoke(main, ["plan", "lint", str(path), "--format", "json"])
    assert out.exit_code in (0, 1), out.output
    by_id = {item["id"]: item for item in json.loads(out.output)}
    assert by_id["A-01"]["parsed"]["window"]["start"].startswith("2028-01-01")
    assert by_id["A-02"]["parsed"]["window"]["start"].startswith("2027-04-01")


# Audit finding 6: a fiscal year written by its years (« exercice 2027-2028 ») was read as two calendar years
# (24 months). Its first month cannot be known from the years, so it is refused with the documented form.
@pytest.mark.parametrize(("text", "phrase"), [
    ("exercice 2027-2028", "exercice 2027-2028"),
    ("l'exercice 2027-2028", "l'exercice 2027-2028"),
    ("FY 2027-2028", "fy 2027-2028"),
    ("FY2027-28", "fy2027-28"),
    ("fiscal year 2027/2028", "fiscal year 2027/2028"),
    ("2027-2028", "2027-2028"),
    ("2027 – 2028", "2027 - 2028"),                  # dashes are read as "-"
    ("2027/28", "2027/28"),
    ("T2 2027-2028", "t2 2027-2028"),
])
def test_a_fiscal_year_written_by_its_years_is_refused(text: str, phrase: str) -> None:
    with pytest.raises(PeriodError) as exc:
        parse_period(text, year=2027, tz=TZ)
    message = str(exc.value)
    assert f"{phrase!r} names a fiscal year by its years: its first month cannot be known" in message
    assert "period: 2027-04-01..2028-03-31" in message and "2027-01-01..2028-12-31" in message


@pytest.mark.parametrize(("text", "first", "last"), [
    ("2027-04-01..2028-03-31", date(2027, 4, 1), date(2028, 3, 31)),
    ("du 1er avril 2027 au 31 mars 2028", date(2027, 4, 1), date(2028, 3, 31)),
    ("2027..2028", date(2027, 1, 1), date(2028, 12, 31)),         # an explicit range of two calendar years
    ("de 2027 à 2028", date(2027, 1, 1), date(2028, 12, 31)),
    ("2011-12", date(2011, 12, 1), date(2011, 12, 31)),           # a month, not « 2011-2012 »
    ("2027-05", date(2027, 5, 1), date(2027, 5, 31)),
    ("exercice 2027", date(2027, 1, 1), date(2027, 12, 31)),
])
def test_other_year_forms_are_unchanged(text: str, first: date, last: date) -> None:
    assert days(text, within=None) == (first, last)


def test_a_plan_period_written_by_its_years_is_a_located_error() -> None:
    text = PLAN.replace('period: "du 1er avril 2027 au 31 mars 2028"', 'period: "exercice 2027-2028"')
    with pytest.raises(InvalidInput) as exc:
        load_plan_text(text, "fy.pac.yaml")
    assert "plan.period: 'exercice 2027-2028' names a fiscal year by its years" in str(exc.value)


def test_in_a_statement_it_is_a_problem() -> None:
    problems: list[PeriodError] = []
    text = "Augmenter le CA de 10 % sur l'exercice 2027-2028"
    assert find_periods(text, year=2027, tz=TZ, problems=problems) == []
    assert ["fiscal year by its years" in str(p) for p in problems] == [True]


# Audit 2, finding 5: « FY 2027 » in an April-March plan was silently the calendar year 2027 (January-December),
# which is neither fiscal year a manager means: the one ending in 2027 (the common English convention,
# April 2026 - March 2027) or the one starting in 2027 (the plan's own, April 2027 - March 2028).
@pytest.mark.parametrize(("text", "written"), [
    ("FY 2027", "fy 2027"), ("FY2027", "fy2027"), ("exercice 2027", "exercice 2027"),
    ("l'exercice 2027", "l'exercice 2027"), ("fiscal year 2027", "fiscal year 2027"),
    ("d'ici fin FY 2027", "fy 2027"),
])
def test_fy_and_a_year_is_ambiguous_in_a_fiscal_plan(text: str, written: str) -> None:
    with pytest.raises(PeriodError) as exc:
        days(text)
    message = str(exc.value)
    assert (f"{written!r} is ambiguous in a fiscal plan (2027-04-01..2028-03-31): the fiscal year ending in 2027 "
            "(2026-04-01..2027-03-31) or the one starting in 2027 (2027-04-01..2028-03-31)?") in message
    assert "write its days, e.g. 2026-04-01..2027-03-31 or 2027-04-01..2028-03-31" in message
    assert "« cette année » / 'this year' is the plan's period" in message


def test_fy_and_a_year_is_the_calendar_year_in_a_calendar_plan() -> None:
    """Both conventions agree when the year starts in January."""
    assert days("FY 2027", within=CALENDAR) == (date(2027, 1, 1), date(2027, 12, 31))
    assert days("exercice 2027", within=None) == (date(2027, 1, 1), date(2027, 12, 31))


def test_a_year_without_fy_keeps_the_calendar_in_a_fiscal_plan() -> None:
    """A year written in the text keeps the calendar (the documented rule): « année 2027 », « T1 2027 »."""
    assert days("année 2027") == (date(2027, 1, 1), date(2027, 12, 31))
    assert days("T1 2027") == (date(2027, 1, 1), date(2027, 3, 31))
    assert days("cette année") == (date(2027, 4, 1), date(2028, 3, 31))


def test_fy_in_a_statement_of_a_fiscal_plan_is_a_problem() -> None:
    problems: list[PeriodError] = []
    assert find_periods("Visit 10 dormant customers in FY 2027", year=2027, tz=TZ, problems=problems, within=FY) == []
    assert ["is ambiguous in a fiscal plan" in str(p) for p in problems] == [True]


# Audit US, finding F6: in a plan from 1 February, "Q2" is May-July but "this quarter" was the calendar quarter
# (April-June), so `pac plan lint` warned of a disagreement between "this quarter" and `when: Q2` that was false.
FEB = parse_period("2027-02-01..2028-01-31", year=2027, tz="America/Chicago")


@pytest.mark.parametrize(("text", "today", "first", "last"), [
    ("this quarter", date(2027, 5, 20), date(2027, 5, 1), date(2027, 7, 31)),
    ("ce trimestre", date(2027, 5, 20), date(2027, 5, 1), date(2027, 7, 31)),
    ("next quarter", date(2027, 5, 20), date(2027, 8, 1), date(2027, 10, 31)),
    ("le trimestre prochain", date(2027, 7, 31), date(2027, 8, 1), date(2027, 10, 31)),
    ("this quarter", date(2027, 12, 5), date(2027, 11, 1), date(2028, 1, 31)),      # Q4 runs over 1 January
    ("this quarter", date(2028, 1, 10), date(2027, 11, 1), date(2028, 1, 31)),
    ("next quarter", date(2027, 12, 5), date(2028, 2, 1), date(2028, 4, 30)),       # the next year's Q1
    ("by next quarter", date(2027, 5, 20), date(2027, 5, 20), date(2027, 10, 31)),  # a deadline, from today
])
def test_relative_quarters_are_the_plans_quarters(text: str, today: date, first: date, last: date) -> None:
    """"this quarter" is the plan's quarter holding today, "next quarter" the one after, as "Q2" is the plan's."""
    assert days(text, within=FEB, today=today) == (first, last)


@pytest.mark.parametrize("within", [FY, CALENDAR, None])
def test_relative_quarters_unchanged_where_the_plans_quarters_are_calendar_ones(within: object) -> None:
    """A calendar plan, or a year from April, has calendar quarters: "this quarter" on 20 May is April-June."""
    assert days("this quarter", within=within, today=date(2027, 5, 20)) == (date(2027, 4, 1), date(2027, 6, 30))
    assert days("next quarter", within=within, today=date(2027, 5, 20)) == (date(2027, 7, 1), date(2027, 9, 30))


def test_lint_this_quarter_and_q2_agree_in_a_february_plan() -> None:
    """The audit's A-05: "Call 10 Illinois customers this quarter", `when: Q2`, linted on 20 May 2027: no warning
    that the statement and the window disagree (both are May-July)."""
    window = parse_period("Q2", year=2027, tz="America/Chicago", within=FEB)
    when = {"start": window.start.isoformat(), "end": window.end.isoformat(), "label": "Q2"}
    result = lint_statement("Call 10 Illinois customers this quarter", year=2027, tz="America/Chicago",
                            today=date(2027, 5, 20), within=FEB, when=when)
    assert (result.parsed["window"]["start"], result.parsed["window"]["end"]) == (when["start"], when["end"])
