"""A plan's declared fiscal calendar (``plan.fiscal_calendar``): a 4-4-5 retail year's quarters are 13-week runs.

Hand-computed: a 52-week fiscal year from Sunday 31 January 2027 to Saturday 29 January 2028, cut 4-4-5, has
Q1 = 31 Jan-1 May 2027, Q2 = 2 May-31 Jul, Q3 = 1 Aug-30 Oct, Q4 = 31 Oct 2027-29 Jan 2028 (91 days each). Before
the calendar could be declared, "Q2" in such a plan was the calendar's April-June on every surface.
The plan's timezone is New York (UTC-4 in summer): a visit at 23:30 local on 1 May is 03:30 UTC on 2 May, still Q1.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from pac_config.planfile import load_plan_text
from pac_core.engine import evaluate
from pac_core.errors import InvalidInput, PeriodError
from pac_core.plan import Plan
from pac_core.records import Records
from pac_core.report_period import fiscal_quarter, plan_quarters, quarter_phrase, report_instant
from pac_core.snapshots import closed_periods, current_quarter, plan_label
from sync_jobs.cli import main
from sync_jobs.cli_plan import unfilled_warnings
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.i18n import labels
from sync_jobs.report.page import calendar_quarter_note, quarter_heading
from sync_jobs.report.sections_plan import _no_trend_note, first_quarter_closed
from sync_jobs.report_inputs import ReportInputs
from tests.unit.test_engine_support import USERS, account, visit, won

NY = ZoneInfo("America/New_York")
Q = {1: (date(2027, 1, 31), date(2027, 5, 1)), 2: (date(2027, 5, 2), date(2027, 7, 31)),
     3: (date(2027, 8, 1), date(2027, 10, 30)), 4: (date(2027, 10, 31), date(2028, 1, 29))}

PLAN = """
plan: {{name: Retail FY2027, year: 2027, timezone: America/New_York, language: {lang},
       period: "2027-01-31..2028-01-29", fiscal_calendar: {calendar}}}
people:
  - {{email: julie.martin@durand-process.example, name: Julie Martin, role: rep}}
segments:
  - {{id: S-RA, name: Rhône-Alpes, kind: horizontale, scope: {{region: Auvergne-Rhône-Alpes}}}}
axes:
  - {{id: AX-Q2, name: Q2 push, segment: S-RA,
     objective: {{additional_revenue: 1000, baseline: 0, period: "Q2"}}}}
actions:
  - {{id: A-Q1, axis: AX-Q2, text: "Visit clients in Q1", who: julie.martin@durand-process.example,
     what: {{activity: visite, count: 5}}, when: "Q1"}}
  - {{id: A-Q2, axis: AX-Q2, text: "Visit clients in Q2", who: julie.martin@durand-process.example,
     what: {{activity: visite, count: 5}}, when: "Q2"}}
  - {{id: A-Q3, axis: AX-Q2, text: "Visit clients in Q3", who: julie.martin@durand-process.example,
     what: {{activity: visite, count: 5}}, when: "Q3"}}
  - {{id: A-H2, axis: AX-Q2, text: "Visit clients in H2", who: julie.martin@durand-process.example,
     what: {{activity: visite, count: 5}}, when: "H2"}}
"""


def load(calendar: str = "4-4-5", lang: str = "en", period: str | None = None) -> Plan:
    text = PLAN.format(calendar=calendar, lang=lang)
    if period is not None:
        text = text.replace("2027-01-31..2028-01-29", period)
    return load_plan_text(text, "retail.pac.yaml")


def local(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=NY).astimezone(UTC)


def days(plan: Plan, action_id: str) -> tuple[date, date]:
    w = plan.action(action_id).window
    return w.start.astimezone(NY).date(), w.end.astimezone(NY).date() - timedelta(days=1)


@pytest.mark.parametrize("calendar", ["4-4-5", "[2027-01-31, 2027-05-02, 2027-08-01, 2027-10-31]"])
def test_q1_q2_q3_and_h2_are_the_calendars_own(calendar: str) -> None:
    plan = load(calendar)
    assert days(plan, "A-Q1") == Q[1]
    assert days(plan, "A-Q2") == Q[2]
    assert days(plan, "A-Q3") == Q[3]
    assert days(plan, "A-H2") == (Q[3][0], Q[4][1])
    objective = plan.axis("AX-Q2").objective
    assert objective is not None
    assert objective.period.start.astimezone(NY).date() == Q[2][0]


def test_the_53rd_week_goes_to_q4() -> None:
    plan = load(period="2027-01-31..2028-02-05")   # 53 weeks
    assert days(plan, "A-Q3") == Q[3]
    assert plan.period.quarters[3] == (date(2027, 10, 31), date(2028, 2, 6))


@pytest.mark.parametrize(("calendar", "period", "where", "says"), [
    ("4-4-6", None, "plan.fiscal_calendar", "no fiscal calendar pac knows"),
    ("4-4-5", "2027-02-01..2028-01-31", "plan.fiscal_calendar", "is 365 days"),
    ("[2027-02-01, 2027-05-02, 2027-08-01, 2027-10-31]", None, "plan.fiscal_calendar[0]", "would not cover"),
    ("[2027-01-31, 2027-08-01, 2027-05-02, 2027-10-31]", None, "plan.fiscal_calendar[2]", "would overlap"),
    ("[2027-01-31, 2027-05-02, 2027-08-01]", None, "plan.fiscal_calendar", "3 quarter start(s)"),
    ("[2027-01-31, 2027-05-02, 2027-08-01, 2028-03-01]", None, "plan.fiscal_calendar[3]", "after the plan's period"),
    ("[2027-01-31, 2027-05-02, 2027-08-01, 'late October']", None, "plan.fiscal_calendar[3]", "is not a date"),
])
def test_a_wrong_calendar_says_where_and_how_to_fix(calendar: str, period: str | None, where: str,
                                                     says: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        load(calendar, period=period)
    [problem] = [p for p in exc.value.problems if p.path.startswith("plan.fiscal_calendar")]
    assert problem.path == where and says in problem.message and problem.fix and problem.file == "retail.pac.yaml"


def test_report_quarter_ends_on_the_calendars_quarter_and_lists_its_days() -> None:
    plan = load()
    later = datetime(2028, 3, 1, tzinfo=UTC)
    assert report_instant(plan, "Q2", later) == datetime(2027, 8, 1, tzinfo=NY)
    assert report_instant(plan, "T1", later) == datetime(2027, 5, 2, tzinfo=NY)
    assert plan_quarters(plan) == ["Q1 (2027-01-31 to 2027-05-01)", "Q2 (2027-05-02 to 2027-07-31)",
                                   "Q3 (2027-08-01 to 2027-10-30)", "Q4 (2027-10-31 to 2028-01-29)"]
    with pytest.raises(InvalidInput) as exc:   # the calendar's April-June is none of the plan's quarters
        report_instant(plan, "2027-Q2", later)
    assert "not one of the plan's quarters (its fiscal_calendar)" in str(exc.value)


@pytest.mark.parametrize(("moment", "k"), [
    (local(2027, 5, 1, 23, 30), 1), (local(2027, 5, 2, 0, 15), 2),
    (local(2027, 7, 31, 23, 45), 2), (local(2027, 8, 1, 0, 0), 3),
])
def test_each_boundary_day_lands_in_its_quarter_in_the_engine(moment: datetime, k: int) -> None:
    plan = load()
    records = Records(accounts=(account("lyon", "69003"),), activities=(visit("v", "lyon", moment),), users=USERS)
    evaluation = evaluate(plan, records, as_of=datetime(2028, 1, 30, 12, tzinfo=NY))
    done = {a: evaluation.action(a).done for a in ("A-Q1", "A-Q2", "A-Q3")}
    assert done == {f"A-Q{n}": int(n == k) for n in (1, 2, 3)}
    # the report's quarter ("Qk of fiscal year 2027-2028") holds that moment: the first second of 2 May is Q2
    assert fiscal_quarter(plan, moment + timedelta(seconds=1)) == k


def test_deals_on_the_boundary_days_count_in_q2_revenue_only_inside_it() -> None:
    plan = load()
    deals = tuple(won(f"d{i}", "lyon", "100", day) for i, day in enumerate(
        (date(2027, 5, 1), date(2027, 5, 2), date(2027, 7, 31), date(2027, 8, 1))))
    records = Records(accounts=(account("lyon", "69003"),), deals=deals, users=USERS)
    axis = evaluate(plan, records, as_of=datetime(2028, 1, 30, 12, tzinfo=NY)).axis("AX-Q2")
    assert axis.revenue == Decimal("200")   # 2 May and 31 July; not 1 May (Q1) nor 1 August (Q3)


@pytest.mark.parametrize(("lang", "heading"), [
    ("en", "Q2 of fiscal year 2027-2028 (May 2 – July 31, 2027)"),
    ("fr", "T2 de l'exercice 2027-2028 (2 mai – 31 juillet 2027)"),
])
def test_the_reports_heading_names_the_quarter_with_its_days(lang: str, heading: str) -> None:
    plan = load(lang=lang)
    as_of = report_instant(plan, "Q2", datetime(2028, 3, 1, tzinfo=UTC))
    evaluation = evaluate(plan, Records(users=USERS), as_of=as_of)
    inputs = ReportInputs(plan=plan, evaluation=evaluation)
    assert quarter_heading(inputs, Formatter.for_plan(plan)).replace("\u00a0", " ") == heading


def test_quarterly_snapshots_are_the_declared_quarters_not_months() -> None:
    """Kept by the declared quarters' days (tests/unit/test_fiscal_calendar_snapshots.py); a calendar quarter is none
    of them. Before 6 Dec 2026 such a plan took no quarterly snapshot at all."""
    plan = load()
    assert closed_periods("quarterly", datetime(2028, 2, 1, tzinfo=UTC), plan.timezone, plan.period) == [
        f"{a.isoformat()}..{b.isoformat()}" for a, b in Q.values()]
    assert plan_label("Q2", plan.period, plan.timezone) == ("quarterly", "2027-05-02..2027-07-31")
    with pytest.raises(PeriodError) as exc:
        plan_label("2027-Q2", plan.period, plan.timezone)
    assert "Q2 = 2027-05-02..2027-07-31" in str(exc.value)


@pytest.mark.parametrize(("day", "label", "first", "last"), [
    (date(2027, 5, 1), "2027-01-31..2027-05-01", date(2027, 1, 31), date(2027, 5, 1)),
    (date(2027, 5, 2), "2027-05-02..2027-07-31", date(2027, 5, 2), date(2027, 7, 31)),
    (date(2027, 8, 1), "2027-08-01..2027-10-30", date(2027, 8, 1), date(2027, 10, 30)),
])
def test_the_advisors_current_quarter_is_the_calendars_own(day: date, label: str, first: date, last: date) -> None:
    plan = load()
    assert current_quarter(day, plan.period) == (label, (first, last))
    assert quarter_phrase(plan, label, "en") == f"Q{list(Q.values()).index((first, last)) + 1} of fiscal year 2027-2028"
    assert quarter_phrase(plan, "2027-05-02..2027-07-31", "fr") == "T2 de l'exercice 2027-2028"
    calendar = load_plan_text(PLAN.format(calendar="4-4-5", lang="en").replace(", fiscal_calendar: 4-4-5", "")
                              .replace("2027-01-31..2028-01-29", "2027"), "cal.pac.yaml")
    assert current_quarter(date(2027, 5, 2), calendar.period) == ("2027-Q2", (date(2027, 4, 1), date(2027, 6, 30)))


def test_a_calendar_quarter_label_is_not_named_as_one_of_the_declared_quarters() -> None:
    """« 2027-Q2 » (April-June: a monthly-era snapshot's label, a --quarter written with its year) is no quarter of a
    4-4-5 year: month arithmetic from the year's first month made it "Q2 of fiscal year 2027-2028"."""
    plan = load()
    assert quarter_phrase(plan, "2027-Q2", "en") == "2027-Q2"
    assert Formatter.for_plan(plan).fiscal_start is None
    assert calendar_quarter_note(plan, "Q3 2027") is None   # refused by report_instant instead, with the quarters


def test_plan_check_lists_the_declared_quarters_and_places_a_wrong_one(tmp_path: Path) -> None:
    good, bad = tmp_path / "retail.pac.yaml", tmp_path / "bad.pac.yaml"
    good.write_text(PLAN.format(calendar="4-4-5", lang="en"), encoding="utf-8")
    bad.write_text(PLAN.format(calendar="[2027-01-31, 2027-08-01, 2027-05-02, 2027-10-31]", lang="en"),
                   encoding="utf-8")
    result = CliRunner().invoke(main, ["plan", "check", str(good)], env={"PAC_CONFIG": str(tmp_path / "none.yaml")})
    assert result.exit_code == 0, result.output
    assert ("fiscal calendar: Q1 2027-01-31..2027-05-01, Q2 2027-05-02..2027-07-31, Q3 2027-08-01..2027-10-30, "
            "Q4 2027-10-31..2028-01-29") in " ".join(result.output.split())
    result = CliRunner().invoke(main, ["plan", "check", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:3 plan.fiscal_calendar[2]: Q3 starts on 2027-05-02, not after Q2's first day (2027-08-01)" \
           in " ".join(result.output.split())


def test_a_refused_calendar_is_the_only_problem_reported() -> None:
    """The actions' « Q1 » is not also reported as January-March 2028, outside the period: a consequence."""
    with pytest.raises(InvalidInput) as exc:
        load("[2027-02-01, 2027-05-02, 2027-08-01, 2027-10-31]")
    assert [p.path for p in exc.value.problems] == ["plan.fiscal_calendar[0]"]


@pytest.mark.parametrize(("lang", "says"), [
    ("en", "52 weeks"), ("fr", "52 semaines"),
])
def test_a_52_week_period_without_fiscal_calendar_is_warned(tmp_path: Path, lang: str, says: str) -> None:
    """A period of exactly 52 or 53 weeks is a week-based year; without fiscal_calendar its "Q2" is April-June."""
    text = re.sub(r'when: "[QH]\d"', 'when: "2027-05-03..2027-05-09"', PLAN.format(calendar="4-4-5", lang=lang)
                  .replace(", fiscal_calendar: 4-4-5", "")).replace('period: "Q2"', 'period: "2027-05-02..2027-07-31"')
    file = tmp_path / "retail.pac.yaml"
    file.write_text(text, encoding="utf-8")
    [warning] = [w for w in unfilled_warnings(load_plan_text(text, str(file)), file) if "fiscal_calendar" in w]
    assert f"{file}:3 plan.period" in warning and says in warning and "fiscal_calendar: 4-4-5" in warning
    assert not [w for w in unfilled_warnings(load(lang=lang), file) if "fiscal_calendar" in w]


def _inputs(quarter: str, lang: str = "en") -> ReportInputs:
    plan = load(lang=lang)
    as_of = report_instant(plan, quarter, datetime(2028, 3, 1, tzinfo=UTC))
    return ReportInputs(plan=plan, evaluation=evaluate(plan, Records(users=USERS), as_of=as_of))


def test_the_reports_trend_note_knows_the_declared_quarters() -> None:
    """The closed first quarter is Q1 (31 Jan-1 May), and no « pac snapshot --period 2027-Q1 » (a calendar quarter) is
    suggested: the declared quarters closed, as pac snapshot reads them (Q1, Q2)."""
    assert first_quarter_closed(_inputs("Q1"))
    assert not first_quarter_closed(_inputs("Q2"))
    note = _no_trend_note(_inputs("Q3"), labels("en"))
    assert "pac snapshot --period 2027-Q" not in note
    assert ("(3 quarter(s) closed): take them with pac snapshot --period Q1 then pac snapshot --period Q2 then "
            "pac snapshot --period Q3," in note)
    french = _no_trend_note(_inputs("Q3", "fr"), labels("fr"))
    assert "pac snapshot --period Q2 puis pac snapshot --period Q3," in french
