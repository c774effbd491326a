"""A period error's fix gives its examples in the plan's language (fiscal audit F1): an English plan was told
"write semaine 1 to semaine 52" and « cette année » / 'this year'; a French plan keeps its French examples."""

from __future__ import annotations

import pytest

from pac_config.planfile import load_plan_text
from pac_core.errors import InvalidInput, PeriodError
from pac_core.linter import lint_statement
from pac_core.periods import parse_period
from sync_jobs import cli_lint

PLAN = """
plan: {name: UK FY2027, year: 2027, timezone: Europe/London, currency: GBP, language: LANG,
       period: "2027-04-01..2028-03-31"}
people:
  - {email: julie@brew.example, name: Julie, role: rep}
segments:
  - {id: S-BREW, name: Brewing, kind: market, scope: {industry: Brewing}}
axes:
  - {id: AX-DORM, name: Dormant, segment: S-BREW}
actions:
  - {id: A-01, axis: AX-DORM, text: "Visit 3 breweries", who: julie@brew.example,
     what: {activity: visit, count: 3}, when: "WHEN"}
"""


def _check(when: str, language: str = "en", period: str = "2027-04-01..2028-03-31") -> str:
    text = PLAN.replace("LANG", language).replace("WHEN", when).replace("2027-04-01..2028-03-31", period)
    with pytest.raises(InvalidInput) as info:
        load_plan_text(text, "uk.pac.yaml")
    return str(info.value)


@pytest.mark.parametrize(("when", "english", "french"), [
    ("week 53", "write week 1 to week 52", "semaine"),
    ("weeks 52 to 53", "write week 1 to week 52", "semaine"),
    ("FY2028", "'this year' is the plan's period", "cette année"),
    ("Q5", "write Q1 to Q4", "T1"),
    ("H3", "write H1 or H2 (first or second half)", "semestre"),
    ("2027-13", "e.g. 2027-05 or May 2027", "mai"),
    ("S1", "write 'week 1', or 'H1'", "semestre"),
    ("third fortnight of June", "'first half of June'", "quinzaine"),
    ("May and July", "one range 'from … to …'", "« du"),
    ("mid-May", "'May 11 to 20, 2027'", "du 11 au 20 mai"),   # the days a statement's mid-May is read as
    ("next month", "e.g. 'June 2027' or 'week 18'", "juin"),
    ("sometime soon", "'week 18', 'May', 'Q2' (the plan's second quarter)", "semaine 18"),   # no year: audit F5
])
def test_an_english_plan_gets_english_examples(when: str, english: str, french: str) -> None:
    message = _check(when)
    assert english in message
    assert french not in message


def test_a_range_across_a_year_end_is_fixed_in_english() -> None:
    """In a calendar plan, « décembre-janvier » is refused with the part inside the plan, written in English."""
    message = _check("December-January", period="2027-01-01..2027-12-31")
    assert "write the part inside the plan, 'December 1 to 31, 2027'" in message
    assert "décembre" not in message and "«" not in message


@pytest.mark.parametrize(("when", "french", "english"), [
    ("semaine 53", "write semaine 1 to semaine 52", "week 1"),
    ("FY2028", "« cette année » is the plan's period", "this year"),
])
def test_a_french_plan_keeps_french_examples(when: str, french: str, english: str) -> None:
    message = _check(when, "fr")
    assert french in message
    assert english not in message


def test_without_a_language_both_are_given() -> None:
    """A caller that does not know the plan's language (a bare parse_period) keeps both languages' examples."""
    fy = parse_period("2027-04-01..2028-03-31", year=2027, tz="Europe/London")
    with pytest.raises(PeriodError) as info:
        parse_period("FY2028", year=2027, tz="Europe/London", within=fy)
    assert "« cette année » / 'this year' is the plan's period" in str(info.value)


def test_lint_of_an_english_statement_says_week() -> None:
    r = lint_statement("Visit 5 breweries in week 54", year=2027, tz="Europe/London", language="en")
    assert any("write week 1 to week 52" in reason for reason in r.reasons), r.reasons


class TestLintReadsThePlansLanguageAsTheLoader:
    """``pac plan lint`` reads ``language:`` as the plan loader does: « anglais » is English (the loader's alias), so
    an English plan gets English examples and cut-week notes; lint read it as French (review finding 4)."""

    @pytest.mark.parametrize(("written", "expected"), [("anglais", "en"), ("English", "en"), ("en", "en"),
                                                       ("français", "fr"), ("fr", "fr")])
    def test_language_aliases(self, tmp_path, written: str, expected: str) -> None:
        plan = tmp_path / "p.pac.yaml"
        plan.write_text(f"plan:\n  name: P\n  year: 2027\n  language: {written}\nactions: []\n", encoding="utf-8")
        assert cli_lint._plan_source(str(plan), plan.read_text(encoding="utf-8")).language == expected
