"""ISO weeks straddling the plan's first or last day (year-end audit F1): « semaine 53 » of a 2026 plan (28 December
2026 - 3 January 2027), « semaine 1 » (29 December 2025 - 4 January 2026), « semaine 52 » of a 2027 plan (27 December
2027 - 2 January 2028) were refused "outside the plan's period (check the year...)". They are the plan's first or last
week: cut to the plan's days, accepted, and the cut is said. A window reaching further out stays refused, with a fix
that passes in the plan."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pac_config.planfile import load_plan_text
from pac_core.engine import evaluate
from pac_core.errors import InvalidInput, PeriodError
from pac_core.explain import explain_action
from pac_core.periods import cut_note, find_periods, parse_period
from pac_core.plan import Plan
from pac_core.records import Records
from sync_jobs.cli_lint import Statement, _counted_window
from sync_jobs.cli_plan import cut_week_warnings
from tests.unit.test_engine_support import PARIS, USERS, account, action, plan, visit
from tests.unit.test_planfile import MINIMAL

TZ = "Europe/Paris"
Y2025 = parse_period("2025", year=2025, tz=TZ)
Y2026 = parse_period("2026", year=2026, tz=TZ)
Y2027 = parse_period("2027", year=2027, tz=TZ)
FY = parse_period("du 1er avril 2027 au 31 mars 2028", year=2027, tz=TZ)


def days(text: str, within=Y2026) -> tuple[date, date]:
    """(first day, last day) of the window read in the plan ``within``."""
    w = parse_period(text, year=within.start.year, tz=TZ, within=within)
    return w.start.date(), w.end.date() - timedelta(days=1)


class TestEdgeWeeksAreCut:
    @pytest.mark.parametrize(("text", "within", "kept"), [
        ("semaine 53", Y2026, (date(2026, 12, 28), date(2026, 12, 31))),
        ("S53", Y2026, (date(2026, 12, 28), date(2026, 12, 31))),
        ("2026-W53", Y2026, (date(2026, 12, 28), date(2026, 12, 31))),
        ("semaine 53 2026", Y2026, (date(2026, 12, 28), date(2026, 12, 31))),
        ("semaine du 28 décembre", Y2026, (date(2026, 12, 28), date(2026, 12, 31))),
        ("semaine 1", Y2026, (date(2026, 1, 1), date(2026, 1, 4))),
        ("semaines 1 à 3", Y2026, (date(2026, 1, 1), date(2026, 1, 18))),
        ("semaines 52 à 53", Y2026, (date(2026, 12, 21), date(2026, 12, 31))),
        ("d'ici la semaine 53", Y2026, (date(2026, 1, 1), date(2026, 12, 31))),
        ("semaine 52", Y2027, (date(2027, 12, 27), date(2027, 12, 31))),
        ("semaine 53 2026", Y2027, (date(2027, 1, 1), date(2027, 1, 3))),      # the year written: its days in 2027
        ("semaine 1", Y2025, (date(2025, 1, 1), date(2025, 1, 5))),            # W01-2025, not W01-2026 (29-31 Dec)
    ])
    def test_the_week_is_cut_to_the_plans_days(self, text: str, within, kept: tuple[date, date]) -> None:
        assert days(text, within) == kept

    def test_the_cut_is_said_in_the_plans_language(self) -> None:
        w = parse_period("semaine 53", year=2026, tz=TZ, within=Y2026)
        assert cut_note(w, "fr") == ("semaine 53 : du 28 au 31 décembre 2026 (la semaine 53 finit le 3 janvier 2027, "
                                     "après la fin du plan)")
        assert cut_note(w, "en") == ("semaine 53: December 28 to 31, 2026 (week 53 ends on January 3, 2027, after the "
                                     "plan's end)")
        w = parse_period("semaine 1", year=2026, tz=TZ, within=Y2026)
        assert cut_note(w, "fr") == ("semaine 1 : du 1er au 4 janvier 2026 (la semaine 1 commence le 29 décembre 2025, "
                                     "avant le début du plan)")

    @pytest.mark.parametrize("text", ["semaine 18", "semaine 52", "semaines 22 à 24", "décembre", "T4",
                                      "du 28 au 31 décembre"])
    def test_a_window_inside_the_plan_is_not_cut(self, text: str) -> None:
        w = parse_period(text, year=2026, tz=TZ, within=Y2026)
        assert w.uncut is None and cut_note(w) is None
        assert w == parse_period(text, year=2026, tz=TZ)      # as without the plan's period

    def test_a_fiscal_plan_keeps_its_weeks(self) -> None:
        """ISO week 52 of 2027 and the range 52 to 2 are inside an April-March plan: not cut."""
        assert days("semaine 52", FY) == (date(2027, 12, 27), date(2028, 1, 2))
        assert days("S52 à S2", FY) == (date(2027, 12, 27), date(2028, 1, 16))

    def test_in_a_statement_the_week_is_cut_too(self) -> None:
        [(_, w)] = find_periods("Visiter 3 clients dormants en semaine 53", year=2026, tz=TZ, within=Y2026)
        assert (w.start.date(), w.end.date()) == (date(2026, 12, 28), date(2027, 1, 1))
        assert cut_note(w) is not None


class TestStillRefused:
    def test_week_53_of_a_year_of_52_weeks(self) -> None:
        """« semaine 53 » in the 2027 plan: 2027 has no week 53 (the 1-3 January days of W53-2026 are not read as
        it); the fix's « semaine 52 » now passes (cut to 27-31 December 2027)."""
        with pytest.raises(PeriodError, match="week 53 does not exist in 2027"):
            days("semaine 53", Y2027)
        assert days("semaine 52", Y2027) == (date(2027, 12, 27), date(2027, 12, 31))

    @pytest.mark.parametrize(("text", "within"), [("S52 à S2", Y2026), ("semaines 52 à 2", Y2026),
                                                  ("S53 à S1", Y2026), ("S52 à S2", Y2027)])
    def test_weeks_across_the_year_end_give_fixes_that_pass(self, text: str, within) -> None:
        """It advised « de la semaine 52 2026 à la semaine 2 2027 », outside a 2026 plan too (the fix looped)."""
        with pytest.raises(PeriodError) as exc:
            days(text, within)
        fix = exc.value.problems[0].fix
        suggested = [p.split(" » ")[0] for p in fix.split("« ")[1:]]
        assert suggested, fix
        year = within.start.year
        assert f"{year + 1}" not in " ".join(suggested)
        for phrase in suggested:
            w = parse_period(phrase, year=year, tz=TZ, within=within)
            assert within.start <= w.start and w.end <= within.end, phrase

    def test_the_fix_of_s52_a_s2_names_the_plans_days(self) -> None:
        with pytest.raises(PeriodError) as exc:
            days("S52 à S2", Y2026)
        fix = exc.value.problems[0].fix
        assert "« semaines 52 à 53 » / 'weeks 52 to 53' (du 21 au 31 décembre 2026) for the plan's last weeks" in fix
        assert "« semaines 1 à 2 » / 'weeks 1 to 2' (du 1er au 11 janvier 2026)" in fix

    @pytest.mark.parametrize(("text", "inside"), [
        ("décembre-janvier", "du 1er au 31 décembre 2026"),
        ("de novembre à février", "du 1er novembre au 31 décembre 2026"),
        ("du 20 décembre au 10 janvier", "du 20 au 31 décembre 2026"),
    ])
    def test_months_and_days_across_the_year_end_are_not_cut(self, text: str, inside: str) -> None:
        """Decision: only a week straddling the plan's edge is cut; a month or a day named is refused, with the part
        inside the plan as the fix (it said "give both years", which named a window outside the plan)."""
        with pytest.raises(PeriodError) as exc:
            days(text, Y2026)
        problem = exc.value.problems[0]
        assert "crosses a year end" in problem.message
        assert f"« {inside} »" in problem.fix
        assert days(inside, Y2026)[1] == date(2026, 12, 31)

    def test_a_window_reaching_further_out_is_refused_with_the_days_inside(self) -> None:
        minimal = _plan_text("de la semaine 52 2026 à la semaine 2 2027")
        with pytest.raises(InvalidInput) as exc:
            load_plan_text(minimal, "t.pac.yaml")
        [problem] = exc.value.problems
        assert problem.message == ("the window de la semaine 52 2026 à la semaine 2 2027 (2026-12-21..2027-01-17) is "
                                   "outside the plan's period (2026-01-01..2026-12-31)")
        assert "2026-12-21..2026-12-31" in problem.fix and "check the year" not in problem.fix
        assert days("2026-12-21..2026-12-31") == (date(2026, 12, 21), date(2026, 12, 31))

    def test_a_window_wholly_outside_is_refused(self) -> None:
        with pytest.raises(InvalidInput) as exc:
            load_plan_text(_plan_text("semaine 52 2025"), "t.pac.yaml")
        [problem] = exc.value.problems
        assert "(2025-12-22..2025-12-28) is outside the plan's period (2026-01-01..2026-12-31)" in problem.message


def _plan_text(when: str) -> str:
    text = MINIMAL.replace('"semaine 18"', f'"{when}"')
    assert text != MINIMAL
    return text.replace("year: 2027", "year: 2026")


class TestPlanFile:
    def test_plan_check_accepts_and_warns(self) -> None:
        """The 2026 plan with « semaine 53 » loads (it was refused) and `pac plan check` warns of the cut."""
        p = load_plan_text(_plan_text("semaine 53"), "t.pac.yaml")
        [a] = p.actions
        assert (a.window.start, a.window.end) == (datetime(2026, 12, 28, tzinfo=PARIS),
                                                  datetime(2027, 1, 1, tzinfo=PARIS))
        assert cut_week_warnings(p) == [f"{a.id} : semaine 53 : du 28 au 31 décembre 2026 (la semaine 53 finit le "
                                        "3 janvier 2027, après la fin du plan)"]

    def test_lint_shows_the_window_counted_and_the_cut(self) -> None:
        window = _counted_window(Statement("Visiter 3 clients en semaine 53", when="semaine 53"), year=2026, tz=TZ,
                                 within=Y2026)
        assert window is not None
        assert (window["start"], window["end"]) == ("2026-12-28T00:00:00+01:00", "2027-01-01T00:00:00+01:00")
        assert window["cut"].startswith("semaine 53 : du 28 au 31 décembre 2026")


class TestEngineCountsTheCutDays:
    def _plan(self) -> Plan:
        window = parse_period("semaine 53", year=2026, tz=TZ, within=Y2026)
        base = plan(action())
        return Plan(base.name, Y2026, base.timezone, people=base.people, segments=base.segments, axes=base.axes,
                    actions=(action(window=window, target=4, text="Visiter 4 clients dormants du 69 en semaine 53"),))

    def test_a_visit_after_the_plans_end_does_not_count(self) -> None:
        """30 December counts, 2 January 2027 (in ISO week 53, after the plan) does not."""
        p = self._plan()
        records = Records(accounts=(account("a1", "69003"), account("a2", "69004")), users=USERS,
                          activities=(visit("v30", "a1", datetime(2026, 12, 30, 10, tzinfo=PARIS)),
                                      visit("v02", "a2", datetime(2027, 1, 2, 10, tzinfo=PARIS))))
        ev = evaluate(p, records, as_of=datetime(2027, 1, 5, tzinfo=PARIS), explain=True)
        progress = ev.action("A-01")
        assert progress.done == 1
        counted = {d.record_id: d.counted for d in progress.decisions}
        assert counted.get("v30") is True and counted.get("v02") is not True
        explanation = explain_action(p, ev, "A-01")
        assert explanation.cut.startswith("semaine 53 : du 28 au 31 décembre 2026")

    def test_expected_by_now_uses_the_cut_window(self) -> None:
        """On 30 December at noon, 2.5 of the 4 days kept have passed: 4 x 2.5 / 4 = 2.5 expected (the whole week,
        7 days, would give 4 x 2.5 / 7)."""
        p = self._plan()
        records = Records(accounts=(account("a1", "69003"),), users=USERS, activities=())
        ev = evaluate(p, records, as_of=datetime(2026, 12, 30, 12, tzinfo=PARIS))
        assert ev.action("A-01").expected_by_now == pytest.approx(2.5)


def _plan_in(when: str, *, year: int = 2026, language: str = "fr", tz: str = TZ, period: str | None = None) -> Plan:
    text = _plan_text(when).replace("year: 2026", f"year: {year}")
    header = f"year: {year}, timezone: {tz}, language: {language}" + (f', period: "{period}"' if period else "")
    return load_plan_text(text.replace(f"year: {year}, timezone: Europe/Paris", header), "t.pac.yaml")


class TestCalendarAuditNotes:
    """Calendar audit: the notes `pac plan check` and `pac explain` give on the year-end weeks and deadline words."""

    def test_a_bare_fin_decembre_is_a_deadline_said_by_the_check(self) -> None:
        """F1: « fin décembre » alone stays « d'ici fin décembre » (a due date, as French business writing puts it in a
        « Quand » column), but the manager is told it runs from 1 January, and how to write the end of the month."""
        from sync_jobs.cli_plan import end_word_warnings
        p = _plan_in("fin décembre")
        [a] = p.actions
        assert end_word_warnings(p) == [
            f"{a.id} : « fin décembre » est lu comme une échéance : du 1er janvier au 31 décembre 2026, depuis le "
            "début du plan ; pour la fin du mois, écrivez « du 21 au 31 décembre 2026 » (« d'ici fin décembre » garde "
            "l'échéance, sans cet avertissement)"]
        assert end_word_warnings(_plan_in("d'ici fin décembre")) == []
        assert end_word_warnings(_plan_in("décembre")) == []
        english = _plan_in("end of December", language="en")
        assert end_word_warnings(english) == [
            f"{a.id}: 'end of December' is read as a deadline: January 1 to December 31, 2026, from the start of the "
            "plan; for the end of the month, write 'December 21 to 31, 2026' ('by the end of December' keeps the "
            "deadline, without this warning)"]
        assert parse_period("December 21 to 31, 2026", year=2026, tz=TZ, within=Y2026).start.date() == \
            date(2026, 12, 21)

    def test_lint_says_the_bare_fin_decembre_too(self) -> None:
        """F1: `pac plan lint` shows the window counted and the same words as the check."""
        window = _counted_window(Statement("Visiter 5 clients du 69 fin décembre", when="fin décembre"), year=2026,
                                 tz=TZ, within=Y2026)
        assert window is not None and window["deadline"].startswith("« fin décembre » est lu comme une échéance")
        assert window["end"] == "2027-01-01T00:00:00+01:00"

    def test_a_us_plans_cut_year_end_week_keeps_the_iso_and_us_notes(self) -> None:
        """F2: week 52 of a 2027 Chicago plan (ISO: 27 December 2027 - 2 January 2028, cut to 27-31 December) was
        said without "ISO" nor the US calendar's week 52 (19-25 December 2027), which has no day in common."""
        p = _plan_in("week 52", year=2027, language="en", tz="America/Chicago")
        [a] = p.actions
        expected = ("ISO week 52: December 27 to 31, 2027 (week 52 ends on January 2, 2028, after the plan's end; "
                    "Monday to Sunday, ISO 8601); on a US calendar (Excel's WEEKNUM: Sunday to Saturday, week 1 "
                    "holding January 1) week 52 is December 19 to 25, 2027")
        assert cut_week_warnings(p) == [f"{a.id}: {expected}"]
        assert cut_note(a.window, "en", "America/Chicago") == expected
        evaluation = evaluate(p, Records(), as_of=datetime(2027, 12, 28, tzinfo=ZoneInfo("America/Chicago")))
        assert explain_action(p, evaluation, a.id).cut == expected
        # a French plan's note is unchanged; a London one says ISO without the US week
        assert cut_note(a.window, "en", "Europe/London") == ("ISO week 52: December 27 to 31, 2027 (week 52 ends on "
                                                             "January 2, 2028, after the plan's end; Monday to "
                                                             "Sunday, ISO 8601)")

    def test_a_deadline_before_the_cut_week_is_not_said_cut(self) -> None:
        """F7: "before week 53" (1 January - 27 December 2026) drops no day: no cut note. "by week 53" does (week 53
        runs to 3 January 2027); "by week 1" runs from the plan's start anyway: nothing dropped."""
        assert cut_note(parse_period("before week 53", year=2026, tz=TZ, within=Y2026), "en") is None
        assert cut_note(parse_period("avant la semaine 53", year=2026, tz=TZ, within=Y2026)) is None
        assert cut_note(parse_period("by week 1", year=2026, tz=TZ, within=Y2026), "en") is None
        by53 = cut_note(parse_period("by week 53", year=2026, tz=TZ, within=Y2026), "en")
        assert by53 is not None and "week 53 ends on January 3, 2027, after the plan's end" in by53

    def test_week_53_in_a_year_of_52_names_the_years_last_week(self) -> None:
        """F6: the fix sent a manager copying the 2026 plan to « semaine 1 to semaine 52 », and the docs to 1-3
        January; 2026's « semaine 53 » was the last week of December, « semaine 52 » in 2027."""
        with pytest.raises(PeriodError) as exc:
            parse_period("semaine 53", year=2027, tz=TZ, within=Y2027, language="fr")
        problem = exc.value.problems[0]
        assert problem.message == "week 53 does not exist in 2027"
        assert problem.fix == ("2027 has 52 ISO weeks; write semaine 1 to semaine 52: the year's last week is "
                               "« semaine 52 » (du 27 décembre 2027 au 2 janvier 2028, in a 2027 plan du 27 au 31 "
                               "décembre 2027); 1-3 January 2027 are in week 53 of 2026 (« semaine 53 2026 »)")
        assert days("semaine 52", Y2027) == (date(2027, 12, 27), date(2027, 12, 31))
        assert days("semaine 53 2026", Y2027) == (date(2027, 1, 1), date(2027, 1, 3))

    def test_a_calendar_quarter_of_a_fiscal_plan_is_said(self) -> None:
        """F3: « T1 2027 » in a plan from April 2026 to March 2027 is January-March 2027, the plan's T4: `pac plan
        check` says it as `pac report --quarter` does; « T1 » (the plan's own) and a calendar plan say nothing."""
        from sync_jobs.cli_plan import calendar_quarter_warnings
        p = _plan_in("T1 2027", period="2026-04-01..2027-03-31")
        [a] = p.actions
        assert calendar_quarter_warnings(p) == [
            f"{a.id} : « T1 2027 » est le trimestre civil janv.–mars 2027, le T4 du plan (exercice 2026-2027) ; pour "
            "le T1 du plan (avr.–juin 2026), écrivez « T1 »"]
        english = _plan_in("Q1 2027", period="2026-04-01..2027-03-31", language="en")
        assert calendar_quarter_warnings(english) == [
            f"{a.id}: 'Q1 2027' is the calendar quarter Jan–Mar 2027, the plan's Q4 (fiscal year 2026-2027); for the "
            "plan's Q1 (Apr–Jun 2026), write 'Q1'"]
        assert calendar_quarter_warnings(_plan_in("T1", period="2026-04-01..2027-03-31")) == []
        assert calendar_quarter_warnings(_plan_in("2027-01-01..2027-03-31", period="2026-04-01..2027-03-31")) == []
        assert calendar_quarter_warnings(_plan_in("T4 2026")) == []
