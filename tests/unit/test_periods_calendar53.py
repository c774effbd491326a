"""Year-end phrases of an ISO year with 53 weeks (calendar53 audit, 7 Dec 2026): 2026 has 53 ISO weeks, week 53 being
Monday 28 December 2026 - Sunday 3 January 2027; 2027 has 52.

F1: « semaine 53 2027 » (which does not exist) in a plan that holds 2026's year end, a 2026 plan or one from July 2026,
got the fix of a 2027 plan: « semaine 52 » (27 December 2027 - 2 January 2028), outside the plan, when the week meant is
2026's week 53, the plan's own « semaine 53 ». F2: « au T1 2027 », « au 2e trimestre », « au second semestre » (the
way pac's own French report words a quarter, « +20 % au T3 ») were "cannot read" as a `when:`, while `pac plan lint`
read the same statement's « au T1 2027 » as Q1 2027. F3: the US calendar's week named beside an ISO week in a US plan
ran over the year end (« week 53 is December 27, 2026 to January 2, 2027 », « week 1 is December 28, 2025 to January 3,
2026 »), where Excel's WEEKNUM numbers each date within its own year: 1-2 January 2027 are its week 1 of 2027. F4:
« S1 2027 » (refused as ambiguous) suggested « 1er semestre », which a plan from July 2026 reads as its own first half,
July-December 2026, not January-June 2027: the year written stays in the fix. F5: in a plan of ISO weeks (2026-W01 to
2026-W53: 29 December 2025 - 3 January 2027) « T1 » occurs twice and the example to write was
« 2026-01-01..2026-03-31 »; it is « T1 2026 »."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pac_config.planfile import load_plan_text
from pac_core.errors import InvalidInput, PeriodError
from pac_core.linter import lint_statement
from pac_core.periods import cut_note, iso_week_note, parse_period

TZ = "Europe/Paris"
Y2026 = parse_period("2026", year=2026, tz=TZ)
Y2027 = parse_period("2027", year=2027, tz=TZ)
JULY = parse_period("2026-07-01..2027-06-30", year=2026, tz=TZ)


def _fix(text: str, within, language: str) -> tuple[str, str]:
    with pytest.raises(PeriodError) as exc:
        parse_period(text, year=within.start.year, tz=TZ, within=within, language=language)
    problem = exc.value.problems[0]
    return problem.message, problem.fix


def _days(text: str, within) -> tuple[date, date]:
    w = parse_period(text, year=within.start.year, tz=TZ, within=within, language="fr")
    return w.start.date(), w.end.date() - timedelta(days=1)


class TestWeek53OfAYearOf52:
    def test_in_a_2026_plan_the_fix_is_the_plans_week_53(self) -> None:
        """F1, hand: in a 2026 plan « semaine 53 » is 28-31 December 2026 (cut to the plan, docs/plan-format.md);
        that is what a manager writing « semaine 53 2027 » means, and the fix must pass in the plan (seen failing
        before the fix: "the year's last week is « semaine 52 » (du 27 décembre 2027 au 2 janvier 2028 ...)")."""
        message, fix = _fix("semaine 53 2027", Y2026, "fr")
        assert message == "week 53 does not exist in 2027"
        assert fix == ("2027 has 52 ISO weeks; the plan's year-end week is week 53 of 2026: write « semaine 53 » "
                       "(du 28 au 31 décembre 2026 in this plan; it ends on 3 janvier 2027)")
        assert _days("semaine 53", Y2026) == (date(2026, 12, 28), date(2026, 12, 31))
        message, fix = _fix("2027-W53", Y2026, "en")
        assert fix == ("2027 has 52 ISO weeks; the plan's year-end week is week 53 of 2026: write 'week 53' "
                       "(December 28 to 31, 2026 in this plan; it ends on January 3, 2027)")

    def test_in_a_plan_from_july_the_week_is_whole(self) -> None:
        """F1, hand: a plan from 1 July 2026 to 30 June 2027 holds all 7 days of week 53 (28 December 2026 - 3 January
        2027), so the fix gives them all, and « semaine 53 » reads them."""
        _, fix = _fix("semaine 53 2027", JULY, "fr")
        assert fix == ("2027 has 52 ISO weeks; the plan's year-end week is week 53 of 2026: write « semaine 53 » "
                       "(du 28 décembre 2026 au 3 janvier 2027)")
        assert _days("semaine 53", JULY) == (date(2026, 12, 28), date(2027, 1, 3))

    def test_a_2027_plan_keeps_the_years_last_week(self) -> None:
        """A 2027 plan holds only 1-3 January of 2026's week 53 (3 days, under ISO's 4): its fix is unchanged, the
        year's last week « semaine 52 » (calendar audit F6)."""
        _, fix = _fix("semaine 53 2027", Y2027, "fr")
        assert "the year's last week is « semaine 52 » (du 27 décembre 2027 au 2 janvier 2028" in fix

    def test_plan_check_names_the_file_line_and_the_fix(self) -> None:
        """The same through the plan loader: the error names the action's `when:` and the fix of F1."""
        text = """\
plan: {name: PAC 2026, year: 2026, timezone: Europe/Paris, language: fr, currency: EUR}
people: [{email: julie@example.com, name: Julie}]
segments: [{id: S-1, name: Tout, kind: horizontale}]
axes: [{id: AX-1, name: Clients, segment: S-1, status: actif}]
actions:
  - {id: A-1, axis: AX-1, text: "Visiter 4 clients en semaine 53 2027", who: julie@example.com,
     what: {activity: visite, count: 4}, when: "semaine 53 2027"}
"""
        with pytest.raises(InvalidInput) as exc:
            load_plan_text(text, "pac2026.yaml")
        words = str(exc.value)
        assert "actions[0].when" in words and "pac2026.yaml" in words
        assert "write « semaine 53 » (du 28 au 31 décembre 2026 in this plan" in words

    def test_the_linter_gives_the_same_fix(self) -> None:
        """`pac plan lint` reads the statement with the plan's period: the same fix as the `when:`."""
        result = lint_statement("Visiter 4 clients en semaine 53 2027", year=2026, tz=TZ, within=Y2026,
                                language="fr")
        assert any("write « semaine 53 » (du 28 au 31 décembre 2026 in this plan" in r for r in result.reasons)


class TestAuTrimestre:
    @pytest.mark.parametrize(("text", "first", "last"), [
        ("au T1 2027", date(2027, 1, 1), date(2027, 3, 31)),
        ("au T1", date(2027, 1, 1), date(2027, 3, 31)),
        ("au 2e trimestre", date(2027, 4, 1), date(2027, 6, 30)),
        ("au premier trimestre 2027", date(2027, 1, 1), date(2027, 3, 31)),
        ("au dernier trimestre", date(2027, 10, 1), date(2027, 12, 31)),
        ("au second semestre", date(2027, 7, 1), date(2027, 12, 31)),
        ("au 1er semestre 2027", date(2027, 1, 1), date(2027, 6, 30)),
    ])
    def test_au_before_a_quarter_or_a_half_is_read(self, text: str, first: date, last: date) -> None:
        """F2: seen failing before the fix ("cannot read 'au T1 2027' as a period")."""
        assert _days(text, Y2027) == (first, last)

    def test_in_a_plan_from_july_au_t1_is_the_plans_quarter(self) -> None:
        """« au T1 » is « T1 »: in a plan from July, its first quarter (July-September 2026)."""
        assert _days("au T1", JULY) == (date(2026, 7, 1), date(2026, 9, 30))

    def test_au_before_a_day_or_a_week_stays_refused(self) -> None:
        """« au 15 mars » may say until when: still refused; « au S2 » gets S2's own question."""
        with pytest.raises(PeriodError, match="cannot read"):
            parse_period("au 15 mars", year=2027, tz=TZ, within=Y2027, language="fr")
        with pytest.raises(PeriodError, match="ambiguous"):
            parse_period("au S2", year=2027, tz=TZ, within=Y2027, language="fr")

    def test_in_a_2026_plan_au_t1_2027_is_outside_the_plan(self) -> None:
        """Read, then refused by the plan for what it is: outside the 2026 plan (it was "cannot read")."""
        text = """\
plan: {name: PAC 2026, year: 2026, timezone: Europe/Paris, language: fr, currency: EUR}
people: [{email: julie@example.com, name: Julie}]
segments: [{id: S-1, name: Tout, kind: horizontale}]
axes: [{id: AX-1, name: Clients, segment: S-1, status: actif}]
actions:
  - {id: A-1, axis: AX-1, text: "Visiter 4 clients au T1 2027", who: julie@example.com,
     what: {activity: visite, count: 4}, when: "au T1 2027"}
"""
        with pytest.raises(InvalidInput, match="outside the plan's period"):
            load_plan_text(text, "pac2026.yaml")


def _weeknum(day: date) -> int:
    """Excel's WEEKNUM(day) (return type 1), from its definition: weeks begin on Sunday, the week holding January 1 is
    week 1 (support.microsoft.com, WEEKNUM function, System 1)."""
    jan1 = date(day.year, 1, 1)
    return ((day - jan1).days + jan1.isoweekday() % 7) // 7 + 1


class TestUsCalendarWeekAtTheYearEnd:
    NY2026 = parse_period("2026", year=2026, tz="America/New_York")
    JULY_NY = parse_period("2026-07-01..2027-06-30", year=2026, tz="America/New_York")

    def _us_days(self, number: int, year: int) -> tuple[date, date]:
        days = [date(year, 1, 1) + timedelta(days=k) for k in range(366)]
        mine = [d for d in days if d.year == year and _weeknum(d) == number]
        return mine[0], mine[-1]

    def test_the_hand_oracle(self) -> None:
        assert self._us_days(53, 2026) == (date(2026, 12, 27), date(2026, 12, 31))
        assert _weeknum(date(2027, 1, 1)) == 1
        assert self._us_days(1, 2026) == (date(2026, 1, 1), date(2026, 1, 3))
        assert self._us_days(52, 2027) == (date(2027, 12, 19), date(2027, 12, 25))

    def test_week_53_of_a_new_york_2026_plan(self) -> None:
        """F3, seen failing before the fix ("week 53 is December 27, 2026 to January 2, 2027")."""
        w = parse_period("week 53", year=2026, tz="America/New_York", within=self.NY2026, language="en")
        note = cut_note(w, "en", "America/New_York")
        assert note is not None and note.endswith("week 53 is December 27 to 31, 2026")

    def test_week_1_of_a_new_york_2026_plan(self) -> None:
        """F3: week 1 of 2026 on a US calendar is 1-3 January 2026 (28-31 December 2025 are its week 53 of 2025)."""
        w = parse_period("week 1", year=2026, tz="America/New_York", within=self.NY2026, language="en")
        note = cut_note(w, "en", "America/New_York")
        assert note is not None and note.endswith("week 1 is January 1 to 3, 2026")

    def test_a_whole_week_53_in_a_plan_from_july(self) -> None:
        """F3: the plan holds all of ISO week 53 (28 December 2026 - 3 January 2027): the ISO note, then the US week 53,
        27-31 December 2026."""
        w = parse_period("week 53", year=2026, tz="America/New_York", within=self.JULY_NY, language="en")
        note = iso_week_note(w, "en", "America/New_York")
        assert note is not None and note.startswith("ISO week 53: December 28, 2026 to January 3, 2027")
        assert note.endswith("week 53 is December 27 to 31, 2026")


class TestS1WithItsYear:
    @pytest.mark.parametrize(("text", "language", "fix"), [
        ("S1 2027", "fr", "write « semaine 1 2027 », or « 1er semestre 2027 »"),
        ("S1 2027", "en", "write 'week 1 2027', or 'H1 2027'"),
        ("S2 2026", "fr", "write « semaine 2 2026 », or « 2e semestre 2026 »"),
    ])
    def test_in_a_plan_from_july_the_fix_keeps_the_year(self, text: str, language: str, fix: str) -> None:
        """F4, seen failing before the fix (« 1er semestre » alone). Hand: each suggestion passes in the plan and
        names the period meant, « 1er semestre 2027 » January-June 2027, « semaine 1 2027 » 4-10 January 2027;
        « 1er semestre » alone would be July-December 2026."""
        _, got = _fix(text, JULY, language)
        assert got == fix
        assert _days("1er semestre 2027", JULY) == (date(2027, 1, 1), date(2027, 6, 30))
        assert _days("semaine 1 2027", JULY) == (date(2027, 1, 4), date(2027, 1, 10))
        assert _days("1er semestre", JULY) == (date(2026, 7, 1), date(2026, 12, 31))

    def test_without_a_year_the_fix_is_unchanged(self) -> None:
        _, got = _fix("S1", JULY, "fr")
        assert got == "write « semaine 1 », or « 1er semestre »"


class TestAPlanOfIsoWeeks:
    ISO_YEAR = parse_period("2026-W01..2026-W53", year=2026, tz=TZ, plan_period=True)

    @pytest.mark.parametrize(("text", "language", "example"), [
        ("T1", "fr", "write the year, e.g. « T1 2026 »"),
        ("Q1", "en", "write the year, e.g. 'Q1 2026'"),
        ("1er semestre", "fr", "write the year, e.g. « 1er semestre 2026 »"),
        ("H1", "en", "write the year, e.g. 'H1 2026'"),
    ])
    def test_a_quarter_that_occurs_twice_is_given_with_its_year(self, text: str, language: str, example: str) -> None:
        """F5, seen failing before the fix (« 2026-01-01..2026-03-31 »). Hand: the plan holds 1 January - 31 March
        2026 and 1-3 January 2027; the example passes and is the whole of 2026's."""
        message, fix = _fix(text, self.ISO_YEAR, language)
        assert message.startswith("this ") and "occurs 2 times" in message
        assert fix == example
        assert _days("T1 2026", self.ISO_YEAR) == (date(2026, 1, 1), date(2026, 3, 31))
