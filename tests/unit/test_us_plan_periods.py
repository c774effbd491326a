"""A US plan's periods (usplan audit): "FY2028" as the plan's period, month/day dates (plan.date_order), the import's
month/day statements linted again, weeks and English period phrasings of a February-January plan.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from pac_config.plan_import import import_spreadsheet
from pac_config.planfile import load_plan_text
from pac_core.errors import InvalidInput, PeriodError
from pac_core.linter import lint_statement
from pac_core.periods import parse_period
from sync_jobs import cli_plan
from sync_jobs.cli import main

TZ = "America/Chicago"
FY = parse_period("2027-02-01..2028-01-31", year=2027, tz=TZ)     # the Chicago plan's fiscal year (US "FY2028")

PLAN = """\
plan: {name: Chicago Sales Plan, year: 2027, timezone: America/Chicago, currency: USD, language: en,
       period: "2027-02-01..2028-01-31"}
people:
  - {email: amy.chen@acme-us.example, name: Amy Chen, role: rep}
segments:
  - {id: S-IL, name: Illinois, kind: horizontal, scope: {country: US}}
axes:
  - id: AX-IL
    name: Grow Illinois
    segment: S-IL
    objective: {additional_revenue: 150000, budget: 10000}
actions:
  - id: A-01
    axis: AX-IL
    text: "Amy visits 6 customers between 11/02/2027 and 11/09/2027"
    who: amy.chen@acme-us.example
    what: {activity: visit, count: 6}
    when: "between 11/02/2027 and 11/09/2027"
  - id: A-02
    axis: AX-IL
    text: "Amy visits 3 customers in week 18"
    who: amy.chen@acme-us.example
    what: {activity: visit, count: 3}
    when: "week 18"
"""


def days(text: str, within=FY, **kw: object) -> tuple[date, date]:
    """(first day, last day) of ``text`` in the plan's period ``within``."""
    w = parse_period(text, year=2027, tz=TZ, within=within, **kw)  # type: ignore[arg-type]
    return w.start.date(), date.fromordinal(w.end.date().toordinal() - 1)


def problems(text: str) -> list[str]:
    with pytest.raises(InvalidInput) as exc:
        load_plan_text(text, "us.pac.yaml")
    return [str(p) for p in exc.value.problems]


# F12: `period: "FY2028"` (the US name of February 2027 - January 2028) was silently the calendar year 2028: every
# window moved up to a year (A-01 read 0 / 10 instead of 2 / 10), with a ✓.
class TestFiscalYearNamedByOneYearAsThePlansPeriod:
    @pytest.mark.parametrize(("written", "shown", "y"), [
        ("FY2028", "FY2028", 2028), ("FY 2028", "FY 2028", 2028), ("fiscal year 2028", "fiscal year 2028", 2028),
        ("exercice 2027", "exercice 2027", 2027),
    ])
    def test_refused_with_both_readings_days(self, written: str, shown: str, y: int) -> None:
        (problem,) = problems(PLAN.replace('period: "2027-02-01..2028-01-31"', f'period: "{written}"').replace(
            "year: 2027", f"year: {y}"))
        assert f"plan.period: {shown!r} names a fiscal year by one year: as the plan's period its first month " \
               "cannot be known" in problem
        assert f"period: {y - 1}-02-01..{y}-01-31 for a fiscal year ending in January {y}" in problem
        assert f"or {y}-01-01..{y}-12-31 for the calendar year {y}" in problem

    def test_elsewhere_it_is_unchanged(self) -> None:
        """In a when: of a calendar plan FY 2027 stays the calendar year (both conventions agree), without a plan
        too; the refusal is the plan's own period's only."""
        assert days("FY 2027", within=None) == (date(2027, 1, 1), date(2027, 12, 31))
        assert days("FY2027", within=parse_period("2027", year=2027, tz=TZ)) == (date(2027, 1, 1), date(2027, 12, 31))

    def test_a_year_outside_the_period_is_flagged(self) -> None:
        """year: 2027 beside a period from February 2028: one of the two is wrong (the audit's year: 2027 beside
        FY2028 read as 2028 was not flagged); the year a fiscal period ends in (US naming) is not."""
        found = problems(PLAN.replace('period: "2027-02-01..2028-01-31"', 'period: "2028-02-01..2029-01-31"'))
        (problem,) = [p for p in found if "plan.year" in p]       # with the 2027 windows outside the period
        assert "plan.year: year 2027 is outside plan.period (2028-02-01..2029-01-31)" in problem
        assert "write year: 2028 if the period is right" in problem
        assert load_plan_text(PLAN, "us.pac.yaml").period.start.date() == date(2027, 2, 1)
        assert load_plan_text(PLAN.replace("year: 2027", "year: 2028"), "us.pac.yaml").period.start.year == 2027

    def test_the_import_option_is_refused_too(self, tmp_path: Path) -> None:
        """pac plan import --period FY2028 took calendar 2028, then blamed the cells ("check the year written in
        this cell") in French quotes."""
        path = tmp_path / "us.csv"
        path.write_text("Segment,Segment type,Axis,Action,Owner,Activity,Count,Due date\n"
                        'Illinois,horizontal,Win back,"Call 10 customers",amy.chen@acme-us.example,call,10,'
                        '"March 15, 2027"\n', encoding="utf-8")
        with pytest.raises(InvalidInput) as exc:
            import_spreadsheet(path, period="FY2028", tz=TZ)
        (problem,) = [str(p) for p in exc.value.problems]
        assert "option --period: 'FY2028' names a fiscal year by one year" in problem
        assert "--period 2027-02-01..2028-01-31" in problem


# F1: a US plan's numeric dates were silently read day/month: "between 11/02/2027 and 11/09/2027" counted 11 February -
# 11 September (0 / 6 instead of 2 / 6) and "07/04/2027" was April 7, with a ✓.
class TestDateOrder:
    def test_date_order_mdy_reads_month_day(self) -> None:
        plan = load_plan_text(PLAN.replace("language: en,", "language: en, date_order: mdy,"), "us.pac.yaml")
        window = plan.action("A-01").window
        assert (window.start.date(), window.end.date()) == (date(2027, 11, 2), date(2027, 11, 10))
        assert plan.date_order == "mdy" and cli_plan.date_order_warnings(plan) == []

    def test_without_it_day_month_stays_and_the_check_warns_with_both_readings(self) -> None:
        plan = load_plan_text(PLAN, "us.pac.yaml")
        window = plan.action("A-01").window
        assert (window.start.date(), window.end.date()) == (date(2027, 2, 11), date(2027, 9, 12))
        warnings = cli_plan.date_order_warnings(plan)
        assert len(warnings) == 4, warnings         # two dates in when:, the same two in the statement
        assert warnings[0].startswith("A-01 when: '11/02/2027' is read February 11, 2027 (numeric dates are "
                                      "day/month in a plan); if you mean November 2, 2027, write 'November 2, 2027'"
                                      " or 2027-11-02, or add date_order: mdy under plan:")

    def test_the_cli_check_prints_the_warning(self, tmp_path: Path) -> None:
        path = tmp_path / "us.pac.yaml"
        path.write_text(PLAN, encoding="utf-8")
        result = CliRunner().invoke(main, ["plan", "check", str(path)])
        assert result.exit_code == 0, result.output
        assert "warning: A-01 when: '11/09/2027' is read September 11, 2027" in result.output

    def test_no_warning_where_dates_are_day_month(self) -> None:
        """A French EUR plan in Paris, or one saying date_order: dmy: no warning; 12/12/2027 reads one way."""
        french = PLAN.replace("timezone: America/Chicago, currency: USD, language: en",
                              "timezone: Europe/Paris, currency: EUR, language: fr").replace("week 18", "semaine 18")
        assert cli_plan.date_order_warnings(load_plan_text(french, "fr.pac.yaml")) == []
        stated = PLAN.replace("language: en,", "language: en, date_order: dmy,")
        assert cli_plan.date_order_warnings(load_plan_text(stated, "us.pac.yaml")) == []
        same = PLAN.replace("11/02/2027 and 11/09/2027", "12/12/2027 and 13/12/2027")
        assert cli_plan.date_order_warnings(load_plan_text(same, "us.pac.yaml")) == []

    def test_a_day_month_only_date_is_refused_in_a_month_day_plan(self) -> None:
        (problem,) = problems(PLAN.replace("language: en,", "language: en, date_order: mdy,").replace(
            'when: "between 11/02/2027 and 11/09/2027"', 'when: "15/03/2027"'))
        assert "'15/03/2027' is not a month/day date: numeric dates are read month/day in this plan " \
               "(plan.date_order: mdy)" in problem and "write 03/15/2027" in problem

    def test_an_unknown_date_order_is_refused(self) -> None:
        (problem,) = problems(PLAN.replace("language: en,", "language: en, date_order: ymd,"))
        assert "plan.date_order" in problem and "'mdy'" in problem


# F2: after a month/day import, pac plan lint read the kept statements day/month ("before 11/12/2027" as 11 December)
# and asked the manager to change a correct when:.
def test_lint_reads_an_imported_month_day_plan_month_day(tmp_path: Path) -> None:
    path = tmp_path / "us.csv"
    path.write_text("Segment,Segment type,Axis,Action,Owner,Activity,Count,Due date\n"
                    'Illinois,horizontal,Win back,"Visit 10 customers by 3/15/2027",amy.chen@acme-us.example,visit,10,'
                    '3/15/2027\n'
                    'Illinois,horizontal,Grow,"Amy visits 6 customers before 11/12/2027",amy.chen@acme-us.example,'
                    'visit,6,11/12/2027\n', encoding="utf-8")
    out = tmp_path / "us.pac.yaml"
    result = CliRunner().invoke(main, ["plan", "import", str(path), "--period", "2027-02-01..2028-01-31", "--tz", TZ,
                                       "--currency", "USD", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "date_order: mdy" in out.read_text(encoding="utf-8")
    lint = CliRunner().invoke(main, ["plan", "lint", str(out), "--format", "json"])
    by_id = {item["id"]: item for item in json.loads(lint.output)}
    assert by_id["A-02"]["parsed"]["window"]["end"].startswith("2027-11-13")        # not 2027-12-12
    assert by_id["A-01"]["parsed"]["window"]["end"].startswith("2027-03-16")        # it had no window at all
    text = CliRunner().invoke(main, ["plan", "lint", str(out)])
    assert "make the statement and when: say the same" not in text.output, text.output
    plan = load_plan_text(out.read_text(encoding="utf-8"), "us.pac.yaml")
    assert plan.action("A-02").window.end.date() == date(2027, 11, 13)


def test_a_french_month_day_import_writes_no_numeric_date(tmp_path: Path) -> None:
    """A French plan imported month/day says date_order: mdy, so its when: cannot keep « 04/03/2027 » (day/month):
    it is written « 4 mars 2027 »."""
    path = tmp_path / "fr.csv"
    path.write_text("Segment;Axe;Action;Qui;Quoi;Combien;Échéance\n"
                    "Ouest;Dormants;Appeler 10 clients;julie@x.example;appel;10;3/31/2027\n"
                    "Ouest;Dormants;Appeler 5 clients;julie@x.example;appel;5;3/4/2027\n", encoding="utf-8")
    result = import_spreadsheet(path, year=2027)
    assert "avant le 4 mars 2027" in result.text
    plan = load_plan_text(result.text, "fr.pac.yaml")
    assert plan.date_order == "mdy"
    assert [a.window.end.date() for a in plan.actions] == [date(2027, 4, 1), date(2027, 3, 5)]


def test_the_linter_takes_the_order() -> None:
    result = lint_statement("Amy visits 6 customers before 11/12/2027", year=2027, tz=TZ, within=FY,
                            date_order="mdy", language="en")
    assert result.parsed["window"]["end"].startswith("2027-11-13")     # the day included: not 2027-12-12



# F11: "week 5" in a February-January plan was refused as occurring twice, with the example 'May 2028' (a month): ISO
# week 5 of 2027 is 1-7 February (all in the plan), that of 2028 starts on the plan's last day (1 day in it).
class TestWeeksOfAFebruaryPlan:
    @pytest.mark.parametrize(("text", "first", "last"), [
        ("week 5", date(2027, 2, 1), date(2027, 2, 7)),
        ("by week 5", date(2027, 2, 1), date(2027, 2, 7)),
        ("week 5 2027", date(2027, 2, 1), date(2027, 2, 7)),
        ("week 4", date(2028, 1, 24), date(2028, 1, 30)),
    ])
    def test_the_four_days_rule_comes_first(self, text: str, first: date, last: date) -> None:
        assert days(text, language="en") == (first, last)

    def test_a_week_twice_in_a_long_plan_gives_a_week_as_the_example(self) -> None:
        long_plan = parse_period("2027-07-01..2028-12-31", year=2027, tz=TZ)
        with pytest.raises(PeriodError) as exc:
            days("week 30", within=long_plan, language="en")
        assert "this week occurs 2 times" in str(exc.value) and "write the year, e.g. 'week 30 2027'" in str(exc.value)
        with pytest.raises(PeriodError) as exc:
            days("juillet", within=long_plan, language="fr")
        assert "e.g. « juillet 2027 »" in str(exc.value)


# F10: ordinary US phrasings were "cannot read" with a generic fix whose first example, 'Q2 2027', is not a quarter of
# a February-January plan.
class TestUsPhrasings:
    @pytest.mark.parametrize(("text", "first", "last"), [
        ("through June 30", date(2027, 2, 1), date(2027, 6, 30)),
        ("thru June 30", date(2027, 2, 1), date(2027, 6, 30)),
        ("until June 30", date(2027, 2, 1), date(2027, 6, 30)),
        ("after March 15", date(2027, 3, 16), date(2028, 1, 31)),
        ("after March", date(2027, 4, 1), date(2028, 1, 31)),
        ("after week 18", date(2027, 5, 10), date(2028, 1, 31)),
        ("après le 15 mars", date(2027, 3, 16), date(2028, 1, 31)),
        ("from March 1 through March 15", date(2027, 3, 1), date(2027, 3, 15)),
    ])
    def test_read(self, text: str, first: date, last: date) -> None:
        assert days(text, language="en") == (first, last)

    def test_a_quarter_of_fy_and_a_year_follows_the_fiscal_year_rule(self) -> None:
        """In a calendar plan (or none) the calendar quarter; in a fiscal plan refused with both readings' days and
        the plan's own quarter to write, as "FY2028" alone is."""
        assert days("Q1 FY2027", within=None) == (date(2027, 1, 1), date(2027, 3, 31))
        assert days("Q2 FY2027", within=parse_period("2027", year=2027, tz=TZ)) == (date(2027, 4, 1),
                                                                                    date(2027, 6, 30))
        with pytest.raises(PeriodError) as exc:
            days("Q1 FY2028", language="en")
        message = str(exc.value)
        assert "'Q1 FY2028' is ambiguous in a fiscal plan (2027-02-01..2028-01-31): quarter 1 of the fiscal year " \
               "ending in 2028 (2027-02-01..2027-04-30) or of the one starting in 2028 (2028-02-01..2028-04-30)?" \
               in message
        assert "write 'Q1' for the plan's own quarter 1 (2027-02-01..2027-04-30)" in message

    def test_in_a_statement(self) -> None:
        result = lint_statement("Amy calls 5 customers through June 30", year=2027, tz=TZ, within=FY, language="en")
        window = result.parsed["window"]        # it was June 30 alone
        assert result.kind == "action" and (window["start"][:10], window["end"][:10]) == ("2027-02-01", "2027-07-01")

    def test_a_fiscal_plans_fix_gives_its_own_quarter(self) -> None:
        with pytest.raises(PeriodError) as exc:
            days("whenever possible", language="en")
        assert "'Q2' (the plan's second quarter)" in str(exc.value) and "Q2 2027" not in str(exc.value)
        with pytest.raises(PeriodError) as exc:
            days("whenever possible", within=parse_period("2027", year=2027, tz=TZ), language="en")
        assert "'Q2 2027'" in str(exc.value)


# F5: "week 18" is the ISO week (May 3-9, 2027); a US calendar's week 18 is April 25 - May 1. No English surface said
# "ISO".
class TestIsoWeeksInEnglish:
    def test_the_check_says_iso_and_the_us_calendars_week(self, tmp_path: Path) -> None:
        path = tmp_path / "us.pac.yaml"
        path.write_text(PLAN, encoding="utf-8")
        result = CliRunner().invoke(main, ["plan", "check", str(path)])
        assert result.exit_code == 0, result.output
        assert "A-02: ISO week 18: May 3 to 9, 2027 (Monday to Sunday; pac numbers weeks as ISO 8601 does" \
               in result.output
        assert "on a US calendar (Excel's WEEKNUM: Sunday to Saturday, week 1 holding January 1) week 18 is April " \
               "25 to May 1, 2027" in result.output

    def test_lint_labels_the_week_iso(self, tmp_path: Path) -> None:
        path = tmp_path / "us.pac.yaml"
        path.write_text(PLAN, encoding="utf-8")
        result = CliRunner().invoke(main, ["plan", "lint", str(path)], env={"COLUMNS": "250"})
        assert "ISO week 18 (2027-05-03 to 2027-05-09)" in result.output

    def test_the_report_and_explain_label_the_week_iso(self) -> None:
        from pac_core.periods import iso_week_label, iso_week_note
        plan = load_plan_text(PLAN, "us.pac.yaml")
        window = plan.action("A-02").window
        assert iso_week_label("in week 18", "en") == "in ISO week 18"
        assert iso_week_label("W18", "en") == "ISO week 18"
        assert iso_week_label("weeks 18-20", "en") == "ISO weeks 18-20"
        assert iso_week_label("semaine 18", "fr") == "semaine 18"
        assert iso_week_note(window, "fr", TZ) is None
        assert (iso_week_note(window, "en", "Europe/London") or "").startswith("ISO week 18: May 3 to 9, 2027")
        assert "US calendar" not in (iso_week_note(window, "en", "Europe/London") or "")

    def test_the_report_shows_iso_week(self) -> None:
        from sync_jobs.report.fmt import Formatter
        from sync_jobs.report.view import action_when
        plan = load_plan_text(PLAN, "us.pac.yaml")
        shown = action_when(plan.action("A-02"), Formatter.for_plan(plan))
        assert shown.endswith("(ISO week 18)"), shown


# F9: French inside English import messages (« avant le / d'ici », 'mars 2027').
def test_english_import_messages_are_english(tmp_path: Path) -> None:
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    sheet.append(["Segment", "Segment type", "Axis", "Action", "Owner", "Activity", "Count", "When"])
    sheet.append(["Illinois", "horizontal", "Win back", "Call 10 customers by June 30", "amy.chen@acme-us.example",
                  "call", 10, date(2027, 6, 30)])
    sheet.append(["Illinois", "horizontal", "Win back", "Visit 8 customers in March", "amy.chen@acme-us.example",
                  "visit", 8, date(2027, 3, 1)])
    sheet.cell(row=3, column=8).number_format = "mmm-yy"
    book.save(tmp_path / "us.xlsx")
    result = import_spreadsheet(tmp_path / "us.xlsx", period="2027-02-01..2028-01-31", tz=TZ)
    said = " ".join(result.assumed)
    assert "'by / before / until'" in said and "(e.g. 'March 2027')" in said, said
    assert "«" not in said and "mars" not in said and "avant" not in said


def test_explain_says_iso_week_under_its_header() -> None:
    """pac explain of an English plan's week-numbered action: the ISO week and its days under the header (F5); a
    French plan's « semaine 18 » gets no such line."""
    from dataclasses import replace as replaced

    from pac_core.explain import explain_action
    from pac_core.periods import iso_week_window
    from tests.unit.test_engine_support import action, plan
    from tests.unit.test_engine_worked_example import _evaluate
    week = replaced(iso_week_window(2027, 18, "Europe/Paris"), label="week 18")
    english = plan(action(window=week, text="Visit 5 dormant customers in week 18"), language="en")
    assert explain_action(english, _evaluate(), "A-01").cut.startswith("ISO week 18: May 3 to 9, 2027 (Monday to "
                                                                       "Sunday")
    french = plan(action(window=replaced(week, label="semaine 18")))
    assert explain_action(french, _evaluate(), "A-01").cut == ""


# Re-verification leftovers: a range of weeks past the plan's end, and phrasings still "cannot read" with the generic
# fix (usplan audit F10 and its re-verification).
class TestWeeksRangeAtThePlansEdge:
    def test_a_range_with_whole_weeks_past_the_plans_end_is_refused_with_the_weeks_it_holds(self) -> None:
        """'weeks 4-6' was 2028-01-24..2028-02-13, two weeks past the plan's end (31 January 2028)."""
        with pytest.raises(PeriodError) as exc:
            days("weeks 4-6", language="en")
        message = str(exc.value)
        assert "weeks 4 to 6 (2028-01-24..2028-02-13) end on February 13, 2028, after the plan's end: 8 of their 21 " \
               "days are in the plan's period (2027-02-01..2028-01-31)" in message
        assert "'weeks 5 to 6 2027' (February 1 to 14, 2027) or 'week 4 2028' (January 24 to 30, 2028)" in message
        assert days("weeks 5 to 6 2027", language="en") == (date(2027, 2, 1), date(2027, 2, 14))
        assert days("week 4 2028", language="en") == (date(2028, 1, 24), date(2028, 1, 30))

    def test_a_range_starting_whole_weeks_before_the_plan_is_refused_too(self) -> None:
        with pytest.raises(PeriodError) as exc:
            days("semaines 4 à 6 2027", language="fr")
        assert "commencent le 25 janvier 2027, avant le début du plan" in str(exc.value)
        assert "« semaines 5 à 6 2027 » (du 1er au 14 février 2027)" in str(exc.value)

    def test_a_range_whose_last_week_straddles_the_end_is_cut_as_a_single_week_is(self) -> None:
        """Week 5 of 2028 has 1 day in the plan: cut to it, as 'week 53' of a 2026 plan is; the days written kept."""
        window = parse_period("weeks 4 to 5", year=2027, tz=TZ, within=FY, language="en")
        assert (window.start.date(), window.end.date()) == (date(2028, 1, 24), date(2028, 2, 1))
        assert window.uncut is not None and window.uncut[1].date() == date(2028, 2, 7)

    def test_the_plan_check_refuses_it(self, tmp_path: Path) -> None:
        path = tmp_path / "us.pac.yaml"
        path.write_text(PLAN.replace("between 11/02/2027 and 11/09/2027", "in weeks 4-6"), encoding="utf-8")
        result = CliRunner().invoke(main, ["plan", "check", str(path)])
        assert result.exit_code != 0
        assert "after the plan's end" in result.output and "'week 4 2028'" in result.output


class TestMorePhrasings:
    @pytest.mark.parametrize(("text", "first", "last"), [
        ("by year end", date(2027, 2, 1), date(2028, 1, 31)),
        ("by year-end", date(2027, 2, 1), date(2028, 1, 31)),
        ("by the end of the fiscal year", date(2027, 2, 1), date(2028, 1, 31)),
        ("by fiscal year end", date(2027, 2, 1), date(2028, 1, 31)),
        ("d'ici la fin de l'exercice", date(2027, 2, 1), date(2028, 1, 31)),
        ("fin d'exercice", date(2027, 2, 1), date(2028, 1, 31)),
        ("d'ici la fin de l'année", date(2027, 2, 1), date(2028, 1, 31)),
        ("1H", date(2027, 2, 1), date(2027, 7, 31)),
        ("2H", date(2027, 8, 1), date(2028, 1, 31)),
        ("fiscal Q1", date(2027, 2, 1), date(2027, 4, 30)),
        ("FQ1", date(2027, 2, 1), date(2027, 4, 30)),
        ("FQ4", date(2027, 11, 1), date(2028, 1, 31)),
        ("first fiscal quarter", date(2027, 2, 1), date(2027, 4, 30)),
        ("Mar-27", date(2027, 3, 1), date(2027, 3, 31)),
        ("Jan-28", date(2028, 1, 1), date(2028, 1, 31)),
    ])
    def test_read(self, text: str, first: date, last: date) -> None:
        assert days(text, language="en") == (first, last)

    def test_in_a_calendar_plan_the_fiscal_year_is_the_plans(self) -> None:
        year = parse_period("2027", year=2027, tz=TZ)
        assert days("by the end of the fiscal year", within=year) == (date(2027, 1, 1), date(2027, 12, 31))
        assert days("FQ2", within=year) == (date(2027, 4, 1), date(2027, 6, 30))

    # « avant la fin de l'exercice » / « avant la fin de l'année » were "cannot read" while « d'ici la fin de
    # l'exercice » was read: the deadline pattern tried « avant la » before « avant la fin de ».
    @pytest.mark.parametrize(("text", "first", "last"), [
        ("avant la fin de l'exercice", date(2027, 2, 1), date(2028, 1, 31)),
        ("avant la fin de l'année", date(2027, 2, 1), date(2028, 1, 31)),
        ("avant la fin de l'année fiscale", date(2027, 2, 1), date(2028, 1, 31)),
        ("before the end of the year", date(2027, 2, 1), date(2028, 1, 31)),
        ("avant la fin de juin", date(2027, 2, 1), date(2027, 6, 30)),
        ("avant fin 2027", date(2027, 2, 1), date(2027, 12, 31)),
        ("d'ici fin juin", date(2027, 2, 1), date(2027, 6, 30)),
    ])
    def test_avant_la_fin_de_is_a_deadline_like_dici_la_fin_de(self, text: str, first: date, last: date) -> None:
        assert days(text, language="fr") == (first, last)

    def test_avant_la_fin_de_lannee_in_a_calendar_plan(self) -> None:
        year = parse_period("2027", year=2027, tz=TZ)
        assert days("avant la fin de l'année", within=year) == (date(2027, 1, 1), date(2027, 12, 31))
        assert days("avant la fin de l'exercice", within=year) == (date(2027, 1, 1), date(2027, 12, 31))

    def test_a_half_of_fy_and_a_year_follows_the_fiscal_year_rule(self) -> None:
        """"H1 FY28" / "H2 FY2028" were "cannot read" while "Q1 FY2028" had the rule of "FY2028": the calendar half in
        a calendar plan (or none), refused in a fiscal plan with both readings' days and the plan's own half."""
        year = parse_period("2028", year=2028, tz=TZ)
        assert days("H1 FY28", within=year) == (date(2028, 1, 1), date(2028, 6, 30))
        assert days("H2 FY2028", within=year) == (date(2028, 7, 1), date(2028, 12, 31))
        assert days("first half of FY2028", within=None) == (date(2028, 1, 1), date(2028, 6, 30))
        assert days("Q3 FY28", within=year) == (date(2028, 7, 1), date(2028, 9, 30))
        with pytest.raises(PeriodError) as exc:
            days("H2 FY2028", language="en")
        message = str(exc.value)
        assert "'H2 FY2028' is ambiguous in a fiscal plan (2027-02-01..2028-01-31): half 2 of the fiscal year " \
               "ending in 2028 (2027-08-01..2028-01-31) or of the one starting in 2028 (2028-08-01..2029-01-31)?" \
               in message
        assert "write 'H2' for the plan's own half 2 (2027-08-01..2028-01-31)" in message
        with pytest.raises(PeriodError) as exc:
            days("H1 FY28", language="fr")
        assert "'H1 FY28' is ambiguous in a fiscal plan" in str(exc.value)
        assert "write « 1er semestre » for the plan's own half 1 (2027-02-01..2027-07-31)" in str(exc.value)

    def test_a_half_of_fy_as_the_plans_period_is_refused_as_fy2028(self) -> None:
        with pytest.raises(PeriodError) as exc:
            parse_period("H1 FY2028", year=2028, tz=TZ, plan_period=True, language="en")
        assert "'H1 FY2028' names a fiscal year by one year" in str(exc.value)

    @pytest.mark.parametrize(("text", "language", "said", "fix", "last"), [
        ("avant la fin du trimestre", "fr", "ne dit pas quel trimestre", "« avant la fin du T2 »", date(2027, 7, 31)),
        ("d'ici la fin du mois", "fr", "ne dit pas quel mois", "« d'ici fin juin »", date(2027, 6, 30)),
        ("by the end of the quarter", "en", "does not say which quarter", "'by the end of Q2'", date(2027, 7, 31)),
        ("before the end of the month", "en", "does not say which month", "'by the end of June'", date(2027, 6, 30)),
    ])
    def test_the_end_of_an_unnamed_quarter_says_which(self, text: str, language: str, said: str, fix: str,
                                                      last: date) -> None:
        """"the quarter" has no fixed days in a plan read again every night: refused with named forms, which read (the
        plan's Q2 is May-July)."""
        with pytest.raises(PeriodError) as exc:
            days(text, language=language)
        message = str(exc.value)
        assert "cannot read" not in message and said in message and fix in message
        assert days(fix.strip("«»' "), language=language)[1] == last

    def test_a_fiscal_quarter_with_a_year_is_refused_with_what_to_write(self) -> None:
        with pytest.raises(PeriodError) as exc:
            days("fiscal Q1 2028", language="en")
        assert "of the fiscal year ending in 2028 or of the one starting in 2028?" in str(exc.value)
        assert "write 'Q1' alone for the plan's own quarter 1" in str(exc.value)

    @pytest.mark.parametrize(("text", "unit"), [("every month", "month"), ("monthly", "month"),
                                                ("chaque mois", "month"), ("weekly", "week")])
    def test_a_recurrence_is_one_action_per_month(self, text: str, unit: str) -> None:
        with pytest.raises(PeriodError) as exc:
            days(text, language="en")
        message = str(exc.value)
        assert f"{text!r} is a recurrence, not a window: pac counts an action over one window, so a recurring " \
               f"action is one action per {unit}" in message
        assert f"write one action per {unit}" in message and "cannot read" not in message

    def test_a_recurrence_in_french(self) -> None:
        with pytest.raises(PeriodError) as exc:
            days("tous les mois", language="fr")
        assert "est une récurrence, pas une fenêtre" in str(exc.value)
        assert "écrivez une action par mois (when: « mars 2027 »" in str(exc.value)

    def test_an_hour_in_a_statement_is_not_a_half(self) -> None:
        """« 1h » in a sentence is an hour: only a whole `when:` reads "1H" as H1."""
        result = lint_statement("Appeler 5 clients pendant 1h en mars", year=2027, tz=TZ, within=FY, language="fr")
        assert result.parsed["window"]["label"] == "mars"
