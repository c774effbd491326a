"""Quarterly snapshots of a plan with a declared fiscal calendar (``plan.fiscal_calendar``): kept by the declared
quarters' days, in the plan's timezone, labelled by those days (``2027-05-02..2027-07-31``).

Hand-computed 4-4-5 year from Sunday 31 January 2027 to Saturday 29 January 2028 (364 days), New York time:

- quarters of 13 weeks (91 days): Q1 31 Jan-1 May, Q2 2 May-31 Jul, Q3 1 Aug-30 Oct, Q4 31 Oct-29 Jan 2028;
- each quarter closes at 00:00 local the day after its last day: Q1 at 2 May 00:00 EDT (04:00 UTC), Q2 at 1 Aug
  00:00 EDT, Q3 at 31 Oct 00:00 EDT, Q4 at 30 Jan 2028 00:00 EST (05:00 UTC);
- the scheduler's default quarterly cron (05:45 on the 1st of January, April, July and October) fires instead on the
  quarters' closing days: 2 May, 1 Aug, 31 Oct, 30 Jan (days 1, 2, 30, 31 of months 1, 5, 8, 10).

Before: such a plan took no quarterly snapshot (``closed_periods`` gave none, ``pac snapshot --period Q2`` was
refused), so a closed quarter's report was recomputed from today's store.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from pac_config.planfile import load_plan_text
from pac_core.engine import evaluate
from pac_core.errors import InvalidInput, PeriodError
from pac_core.records import Records
from pac_core.snapshots import closed_periods, closing_instant, due_snapshots, last_closed, parse_label, plan_label
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.i18n import labels
from sync_jobs.report.sections_plan import _no_trend_note
from sync_jobs.report.view import current_label, trend
from sync_jobs.report_inputs import ReportInputs, SnapshotPoint
from sync_jobs.review.load import review_month
from sync_jobs.scheduler import LocalDayCron, previous_fire, snapshot_cron
from tests.unit.test_engine_support import USERS
from tests.unit.test_fiscal_calendar import PLAN, load, local

NY = ZoneInfo("America/New_York")
Q1, Q2, Q3, Q4 = ("2027-01-31..2027-05-01", "2027-05-02..2027-07-31", "2027-08-01..2027-10-30",
                  "2027-10-31..2028-01-29")


@pytest.mark.parametrize(("now", "closed"), [
    (local(2027, 5, 1, 23, 30), []),                       # 23:30 on Q1's last day: Q1 still runs
    (local(2027, 5, 2, 0, 0), [Q1]),                       # 00:00 on 2 May local (04:00 UTC): Q1 closed
    (datetime(2027, 5, 2, 3, 59, tzinfo=UTC), []),         # 23:59 on 1 May in New York
    (local(2027, 7, 31, 23, 30), [Q1]),
    (local(2027, 8, 1, 0, 0), [Q1, Q2]),
    (local(2028, 1, 30, 0, 0), [Q1, Q2, Q3, Q4]),
    (datetime(2028, 6, 1, tzinfo=UTC), [Q1, Q2, Q3, Q4]),
])
def test_the_declared_quarters_close_at_local_midnight_after_their_last_day(now: datetime,
                                                                           closed: list[str]) -> None:
    plan = load()
    assert closed_periods("quarterly", now, plan.timezone, plan.period) == closed
    assert due_snapshots("quarterly", now, plan.timezone, plan.period, [Q1]) == closed[1:]


@pytest.mark.parametrize(("label", "end"), [
    (Q1, datetime(2027, 5, 2, tzinfo=NY)), (Q2, datetime(2027, 8, 1, tzinfo=NY)),
    (Q3, datetime(2027, 10, 31, tzinfo=NY)), (Q4, datetime(2028, 1, 30, tzinfo=NY)),
])
def test_a_declared_quarters_snapshot_is_evaluated_at_its_close(label: str, end: datetime) -> None:
    assert parse_label(label) == ("quarterly", label)
    assert closing_instant(label, "America/New_York") == end
    assert closing_instant(label, "America/New_York").utcoffset() == end.utcoffset()


def test_pac_snapshot_names_a_declared_quarter_as_q2_or_by_its_days() -> None:
    plan = load()
    assert plan_label("Q2", plan.period, plan.timezone) == ("quarterly", Q2)
    assert plan_label("t4", plan.period, plan.timezone) == ("quarterly", Q4)
    assert plan_label(Q3, plan.period, plan.timezone) == ("quarterly", Q3)
    assert last_closed("quarterly", local(2027, 8, 1, 6), plan.timezone, within=plan.period) == Q2
    for wrong in ("2027-Q2", "2027-05-01..2027-07-31", "2027-05..2027-07"):
        with pytest.raises(PeriodError) as exc:
            plan_label(wrong, plan.period, plan.timezone)
        said = str(exc.value)
        assert "not one of the plan's quarters" in said and f"Q2 = {Q2}" in said, said
        assert "or a month" not in said, said   # its months are refused too: not offered instead


@pytest.mark.parametrize(("period", "expected"), [
    ("2027-01-01..2027-12-31", ["2027-Q1", "2027-Q2"]),
    ("2027-02-01..2028-01-31", ["2027-02..2027-04", "2027-05..2027-07"]),
])
def test_plans_without_a_calendar_keep_their_labels(period: str, expected: list[str]) -> None:
    text = PLAN.format(calendar="4-4-5", lang="en").replace(", fiscal_calendar: 4-4-5", "")
    plain = load_plan_text(text.replace("2027-01-31..2028-01-29", period), "plain.pac.yaml")
    assert not plain.period.quarters
    assert closed_periods("quarterly", local(2027, 8, 1, 6), plain.timezone, plain.period) == expected
    assert snapshot_cron("45 5 1 1,4,7,10 *", "quarterly", plain) == (
        "45 5 1 1,4,7,10 *" if period.startswith("2027-01") else "45 5 1 2,5,8,11 *")


def test_the_default_quarterly_cron_fires_on_each_declared_quarters_closing_day() -> None:
    plan = load()
    cron = snapshot_cron("45 5 1 1,4,7,10 *", "quarterly", plan)
    assert cron == "45 5 1,2,30,31 1,5,8,10 *"
    trigger = LocalDayCron.from_crontab(cron, timezone=NY)
    for closing in (datetime(2027, 5, 2, 5, 45, tzinfo=NY), datetime(2027, 8, 1, 5, 45, tzinfo=NY),
                    datetime(2027, 10, 31, 5, 45, tzinfo=NY), datetime(2028, 1, 30, 5, 45, tzinfo=NY)):
        assert previous_fire(trigger, closing) == closing.astimezone(UTC)
    assert snapshot_cron("45 5 1 * *", "monthly", plan) == "45 5 1 * *"
    # two days after each close, as the cron's day 3 is two days after a calendar quarter's: 4 May, 3 Aug, 2 Nov, 1 Feb
    assert snapshot_cron("0 7 3 1,4,7,10 *", "quarterly", plan) == "0 7 1,2,3,4 2,5,8,11 *"
    assert snapshot_cron("45 5 * * 1", "quarterly", plan) == "45 5 * * 1"   # written otherwise: as written


@pytest.mark.parametrize(("lang", "label", "shown"), [
    ("fr", Q2, "T2 (2 mai – 31 juil.)"), ("en", Q2, "Q2 (May 2 – Jul 31)"),
    ("en", Q4, "Q4 (Oct 31 – Jan 29)"),
])
def test_a_declared_quarters_snapshot_is_named_by_its_quarter_and_days(lang: str, label: str, shown: str) -> None:
    assert Formatter.for_plan(load(lang=lang)).period_label(label).replace("\u00a0", " ") == shown


def test_the_reports_now_point_and_trend_note_use_the_declared_quarters() -> None:
    plan = load()
    at_q2_close = ReportInputs(plan=plan, evaluation=evaluate(plan, Records(users=USERS), as_of=local(2027, 8, 1, 0)))
    assert current_label(at_q2_close) == Q2
    note = _no_trend_note(at_q2_close, labels("en"))
    assert "pac snapshot --period Q1" in note and "pac snapshot --period Q2" in note, note


def test_months_are_refused_where_the_declared_quarters_are_no_runs_of_months() -> None:
    """A 4-4-5 year's months are its 4- and 5-week periods, which pac does not cut: calendar May is none of them, so
    no monthly snapshot is kept (the scheduler's monthly job takes none) and the review by month is refused, each
    saying so and what to use instead. Before: « 2027-05 » was calendar May, beside quarters cut in weeks."""
    plan = load()
    assert closed_periods("monthly", local(2027, 8, 1, 6), plan.timezone, plan.period) == []
    with pytest.raises(PeriodError) as exc:
        plan_label("2027-05", plan.period, plan.timezone)
    said = " ".join(str(exc.value).split())
    assert "4- and 5-week periods" in said and "pac snapshot --period Q1" in said, said
    with pytest.raises(InvalidInput) as refused:
        review_month(plan, "2027-05", local(2027, 8, 1, 6))
    said = " ".join(str(refused.value).split())
    assert "--month" in said and "4- and 5-week periods" in said and "pac report --quarter Q2" in said, said
    with pytest.raises(InvalidInput):
        review_month(plan, None, local(2027, 8, 1, 6))


def test_declared_quarters_that_are_runs_of_months_keep_their_months() -> None:
    """Quarters declared by first days that are months' first days (a year from February written out): months cut
    them, and monthly snapshots and the review stay as for every plan."""
    plan = load("[2027-02-01, 2027-05-01, 2027-08-01, 2027-11-01]", period="2027-02-01..2028-01-31")
    assert closed_periods("monthly", local(2027, 4, 1, 6), plan.timezone, plan.period) == ["2027-02", "2027-03"]
    assert plan_label("2027-05", plan.period, plan.timezone) == ("monthly", "2027-05")
    assert review_month(plan, "2027-03", local(2027, 4, 1, 6))[0] == "2027-03"
    assert closed_periods("quarterly", local(2027, 8, 1, 6), plan.timezone, plan.period) == [
        "2027-02-01..2027-04-30", "2027-05-01..2027-07-31"]


def test_the_trend_shows_each_kept_declared_quarter() -> None:
    """The segment's trend at Q3's close: the kept Q1 and Q2 (a calendar-era « 2027-Q2 » kept by hand is none of the
    plan's quarters: left out), then Q3, now. Before: Q2's label (first day in May) read as no plan quarter, dropped."""
    plan = load()
    def kept(label: str, close: datetime) -> SnapshotPoint:
        return SnapshotPoint(label, "quarterly", close, evaluate(plan, Records(users=USERS), as_of=close))
    snapshots = (kept(Q1, local(2027, 5, 2, 0)), kept("2027-Q2", local(2027, 7, 1, 0)), kept(Q2, local(2027, 8, 1, 0)))
    inputs = ReportInputs(plan=plan, evaluation=evaluate(plan, Records(users=USERS), as_of=local(2027, 10, 31, 0)),
                          snapshots=snapshots)
    assert [p.label for p in trend(inputs, "S-RA")] == [Q1, Q2, Q3]


def test_a_53_week_years_fourth_quarter_closes_a_week_later() -> None:
    """53 weeks from 31 January 2027: Q4 is 31 October to 5 February 2028 (14 weeks), closed on 6 February 00:00
    EST; the cron's fourth fire moves to 6 February."""
    plan = load(period="2027-01-31..2028-02-05")
    q4 = "2027-10-31..2028-02-05"
    assert closed_periods("quarterly", local(2028, 2, 5, 23, 30), plan.timezone, plan.period) == [Q1, Q2, Q3]
    assert closed_periods("quarterly", local(2028, 2, 6, 0, 0), plan.timezone, plan.period) == [Q1, Q2, Q3, q4]
    assert snapshot_cron("45 5 1 1,4,7,10 *", "quarterly", plan) == "45 5 1,2,6,31 2,5,8,10 *"
