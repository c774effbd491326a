"""Windows, won deals and the nightly fire in zones with unusual offsets or DST rules (audit tz): Asia/Kolkata
(+05:30), Australia/Lord_Howe (a 30-minute DST), Pacific/Chatham (+12:45/+13:45), America/Sao_Paulo (no DST since
2019), Europe/Dublin (negative DST in tzdata), America/New_York. Expectations computed by hand from the local
wall clock: a visit counts in the ISO week of its local date, the repeated hour of an autumn night counts once
per record and in the right week, a won deal counts on its local close day (an instant) or its plain date."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from pac_core.engine import evaluate
from pac_core.periods import parse_period
from pac_core.plan import ActivityType, Axis, Counting, Objective, Plan
from pac_core.records import Activity, ActivityStatus, Deal, DealStage, Records
from pac_core.results import Evaluation, Pace
from pac_core.scopes import EVERYTHING
from pac_core.window import Window
from sync_jobs.scheduler import _cron
from tests.unit.test_engine_support import ACTIVE, USERS, account, action, plan

ACCOUNTS = tuple(account(f"acc{i}", f"6900{i}") for i in range(12))
LATE = datetime(2028, 1, 1, 12, tzinfo=UTC)


def at(tz: str, *wall: int, fold: int = 0) -> datetime:
    """A local wall time of ``tz`` as the CRM gives it: a UTC instant (``fold`` 1: the second of a repeated time)."""
    return datetime(*wall, tzinfo=ZoneInfo(tz), fold=fold).astimezone(UTC)  # type: ignore[misc]


def _plan(tz: str, when: str, *, axes: tuple[Axis, ...] = ()) -> tuple[Plan, Window]:
    period = parse_period("2027", year=2027, tz=tz)
    window = parse_period(when, year=2027, tz=tz, within=period)
    base = plan()
    act = action("A", window=window, kind=ActivityType.CALL, scope=EVERYTHING, counting=Counting.ACTIVITIES,
                 target=9, axis_id=axes[0].id if axes else "AX-DORMANT")
    return Plan("P", period, tz, language="fr", people=base.people, segments=base.segments,
                axes=axes or base.axes, actions=(act,)), window


def _calls(tz: str, when: str, starts: list[datetime], *, as_of: datetime = LATE,
           days: tuple[date, ...] = ()) -> list[str]:
    p, _ = _plan(tz, when)
    acts = [Activity(f"c{i}", "sf", ActivityType.CALL, "005J", f"acc{i}", t, ActivityStatus.COMPLETED, f"c{i}")
            for i, t in enumerate(starts)]
    acts += [Activity(f"d{i}", "sf", ActivityType.CALL, "005J", f"acc{6 + i}", None, ActivityStatus.COMPLETED,
                      f"d{i}", day=d, whole_day=True) for i, d in enumerate(days)]
    ev = evaluate(p, Records(accounts=ACCOUNTS, activities=tuple(acts), users=USERS), as_of=as_of, explain=True)
    return sorted(d.record_id for d in ev.action("A").decisions if d.counted)


class TestWeeksAcrossOffsetChanges:
    def test_lord_howe_half_hour_fall_back_counts_both_1_45_in_week_13(self) -> None:
        """Lord Howe, Sunday 4 April 2027: 02:00 (+11) goes back to 01:30 (+10:30); 01:45 happens twice, both in
        week 13 (29 March - 4 April); Monday 5 April 00:00 is week 14."""
        tz = "Australia/Lord_Howe"
        starts = [at(tz, 2027, 4, 4, 1, 45), at(tz, 2027, 4, 4, 1, 45, fold=1), at(tz, 2027, 4, 5, 0, 0),
                  at(tz, 2027, 3, 29, 0, 0), at(tz, 2027, 3, 28, 23, 59)]
        assert _calls(tz, "semaine 13", starts) == ["c0", "c1", "c3"]

    def test_chatham_spring_forward_in_week_38(self) -> None:
        """Chatham, Sunday 26 September 2027: 02:45 (+12:45) jumps to 03:45 (+13:45); a call at 02:50 written as
        that wall time (fold 0, 14:05 UTC on the 25th) is 03:50 local, still Sunday: week 38 (20-26 September)."""
        tz = "Pacific/Chatham"
        starts = [at(tz, 2027, 9, 26, 2, 50), at(tz, 2027, 9, 20, 0, 0), at(tz, 2027, 9, 27, 0, 0),
                  at(tz, 2027, 9, 26, 23, 59)]
        assert _calls(tz, "semaine 38", starts) == ["c0", "c1", "c3"]

    def test_dublin_negative_dst_autumn_repeated_hour_counts_once_each(self) -> None:
        """Dublin (tzdata's IST is standard time, GMT the negative 'DST'), Sunday 31 October 2027: 01:30 happens
        at 00:30 and 01:30 UTC; both in week 43, Monday 1 November 00:00 GMT is week 44."""
        tz = "Europe/Dublin"
        starts = [at(tz, 2027, 10, 31, 1, 30), at(tz, 2027, 10, 31, 1, 30, fold=1), at(tz, 2027, 11, 1, 0, 0),
                  at(tz, 2027, 10, 25, 0, 0)]
        assert _calls(tz, "semaine 43", starts) == ["c0", "c1", "c3"]

    @pytest.mark.parametrize(("tz", "first_utc", "end_utc"), [
        ("Asia/Kolkata", datetime(2027, 5, 2, 18, 30, tzinfo=UTC), datetime(2027, 5, 9, 18, 30, tzinfo=UTC)),
        ("America/Sao_Paulo", datetime(2027, 5, 3, 3, 0, tzinfo=UTC), datetime(2027, 5, 10, 3, 0, tzinfo=UTC)),
    ])
    def test_fixed_offsets_week_18_bounds(self, tz: str, first_utc: datetime, end_utc: datetime) -> None:
        """Week 18 (3-9 May 2027) starts and ends at local midnight: Kolkata 18:30 UTC the day before, São Paulo
        (no DST since 2019) 03:00 UTC."""
        one_minute = 60
        starts = [first_utc, datetime.fromtimestamp(first_utc.timestamp() - one_minute, UTC),
                  datetime.fromtimestamp(end_utc.timestamp() - one_minute, UTC), end_utc]
        assert _calls(tz, "semaine 18", starts) == ["c0", "c2"]

    def test_chatham_all_day_events_on_the_first_and_last_day(self) -> None:
        """All-day events (Salesforce IsAllDayEvent, ActivityDate) on 3 and 9 May count in week 18, the one on
        9 May once that day is over in the plan's zone (00:00 on the 10th, +12:45), not at 23:59."""
        tz = "Pacific/Chatham"
        days = (date(2027, 5, 3), date(2027, 5, 9), date(2027, 5, 2))
        assert _calls(tz, "semaine 18", [], days=days) == ["d0", "d1"]
        assert _calls(tz, "semaine 18", [], days=days, as_of=at(tz, 2027, 5, 9, 23, 59)) == ["d0"]
        assert _calls(tz, "semaine 18", [], days=days, as_of=at(tz, 2027, 5, 10, 0, 0)) == ["d0", "d1"]


def _revenue(tz: str, deals: list[Deal], as_of: datetime) -> tuple[Decimal, list[str]]:
    period = parse_period("2027", year=2027, tz=tz)
    q2 = parse_period("T2", year=2027, tz=tz, within=period)
    base = plan()
    ax = Axis("AX", "AX", base.segments[0].id, EVERYTHING, ACTIVE,
              Objective(Decimal(1000), q2, Decimal(0), Decimal("0.3"), Decimal(10)))
    p, _ = _plan(tz, "T2", axes=(ax,))
    ev: Evaluation = evaluate(p, Records(accounts=ACCOUNTS, deals=tuple(deals), users=USERS), as_of=as_of,
                              explain=True)
    [progress] = [a for a in ev.axes if a.axis_id == "AX"]
    return progress.revenue, sorted(d.record_id for d in progress.decisions if d.counted)


@pytest.mark.parametrize("tz", ["Asia/Kolkata", "Pacific/Chatham", "America/New_York", "Australia/Lord_Howe"])
def test_quarter_end_close_dates(tz: str) -> None:
    """Q2 2027: a Salesforce CloseDate 30 June (a plain date) counts, 1 July does not; a HubSpot closedate at
    23:30 local on 30 June counts, 00:00 local on 1 July does not, 00:00 on 1 April does, 23:59 on 31 March
    does not. As of 23:59 on 30 June and as of 00:00 on 1 July: 100 + 400 + 10 + 40 = 550; as of 00:00 on
    30 June nothing of 30 June yet: 400 + 40 = 440."""
    zone = ZoneInfo(tz)

    def instant(ident: str, acc: str, amount: str, wall: datetime) -> Deal:
        moment = wall.astimezone(UTC)
        return Deal(ident, "sf", acc, "005J", Decimal(amount), "EUR", moment.date(), DealStage.WON, closed_at=moment)

    def day(ident: str, acc: str, amount: str, close: date) -> Deal:
        return Deal(ident, "sf", acc, "005J", Decimal(amount), "EUR", close, DealStage.WON)

    deals = [day("sf-0630", "acc0", "100", date(2027, 6, 30)), day("sf-0701", "acc1", "200", date(2027, 7, 1)),
             day("sf-0401", "acc1", "400", date(2027, 4, 1)),
             instant("hs-2330", "acc2", "10", datetime(2027, 6, 30, 23, 30, tzinfo=zone)),
             instant("hs-0000", "acc3", "20", datetime(2027, 7, 1, 0, 0, tzinfo=zone)),
             instant("hs-0401", "acc4", "40", datetime(2027, 4, 1, 0, 0, tzinfo=zone)),
             instant("hs-0331", "acc5", "80", datetime(2027, 3, 31, 23, 59, tzinfo=zone))]
    whole = (Decimal(550), ["hs-0401", "hs-2330", "sf-0401", "sf-0630"])
    assert _revenue(tz, deals, datetime(2027, 6, 30, 23, 59, tzinfo=zone)) == whole
    assert _revenue(tz, deals, datetime(2027, 7, 1, 0, 0, tzinfo=zone)) == whole
    assert _revenue(tz, deals, datetime(2027, 6, 30, 0, 0, tzinfo=zone)) == (Decimal(440), ["hs-0401", "sf-0401"])


def _fires(tz: str, cron: str, first: date, end: date) -> list[str]:
    zone = ZoneInfo(tz)
    trigger = _cron(cron, zone, None)
    now, stop = datetime.combine(first, datetime.min.time(), zone), datetime.combine(end, datetime.min.time(), zone)
    out: list[str] = []
    previous: datetime | None = None
    while (fire := trigger.get_next_fire_time(previous, previous or now)) is not None and fire < stop:
        out.append(fire.astimezone(zone).strftime("%m-%d %H:%M%z"))
        previous = fire
    return out


@pytest.mark.parametrize(("tz", "cron", "first", "end", "expected"), [
    # Lord Howe spring (3 October 2027, 02:00 +10:30 -> 02:30 +11): 02:15 does not exist, fired 30 min later
    ("Australia/Lord_Howe", "15 2 * * *", date(2027, 10, 2), date(2027, 10, 5),
     ["10-02 02:15+1030", "10-03 02:45+1100", "10-04 02:15+1100"]),
    # Lord Howe autumn (4 April 2027, 02:00 +11 -> 01:30 +10:30): 01:45 fires at both instants (the claim runs the
    # first only: scheduler.repeated_fire), 02:00 once
    ("Australia/Lord_Howe", "45 1 * * *", date(2027, 4, 3), date(2027, 4, 6),
     ["04-03 01:45+1100", "04-04 01:45+1100", "04-04 01:45+1030", "04-05 01:45+1030"]),
    ("Australia/Lord_Howe", "0 2 * * *", date(2027, 4, 3), date(2027, 4, 6),
     ["04-03 02:00+1100", "04-04 02:00+1030", "04-05 02:00+1030"]),
    # Chatham spring (26 September 2027, 02:45 +12:45 -> 03:45 +13:45): 03:00 does not exist, fired at 04:00
    ("Pacific/Chatham", "0 3 * * *", date(2027, 9, 25), date(2027, 9, 28),
     ["09-25 03:00+1245", "09-26 04:00+1345", "09-27 03:00+1345"]),
    # Dublin spring (28 March 2027, 01:00 GMT -> 02:00 IST): every local day keeps its run
    ("Europe/Dublin", "30 1 * * *", date(2027, 3, 27), date(2027, 3, 30),
     ["03-27 01:30+0000", "03-28 02:30+0100", "03-29 01:30+0100"]),
    # São Paulo: no DST since 2019, the first Sunday of November is an ordinary night
    ("America/Sao_Paulo", "0 0 * * *", date(2027, 11, 6), date(2027, 11, 9),
     ["11-06 00:00-0300", "11-07 00:00-0300", "11-08 00:00-0300"]),
])
def test_nightly_fire_around_dst(tz: str, cron: str, first: date, end: date, expected: list[str]) -> None:
    """Each local day gets its fire (no night skipped) in zones whose DST is 30 minutes, at 02:45, or negative."""
    assert _fires(tz, cron, first, end) == expected


class TestExpectedByNowOnTheWallClock:
    def test_spring_week_expected_by_now_counts_calendar_days(self) -> None:
        """Week 12 of 2027 in Paris (22-28 March) has 167 hours: summer time starts on Sunday. On Friday 26 March at
        02:00 (the nightly sync), 4 days and 2 hours of its 7 days are gone: a target of 12 expects 12 x 98 / 168 =
        7 by then, and 7 done is on track. Counted in real hours (98 of 167) it expected 7.04 and read « À risque »
        with 7 done, a pace no manager counting days would give."""
        tz = "Europe/Paris"
        p, window = _plan(tz, "semaine 12")
        p = Plan(p.name, p.period, tz, language="fr", people=p.people, segments=p.segments, axes=p.axes,
                 actions=(action("A", window=window, kind=ActivityType.CALL, scope=EVERYTHING,
                                 counting=Counting.ACTIVITIES, target=12),))
        calls = tuple(Activity(f"c{i}", "sf", ActivityType.CALL, "005J", f"acc{i}", at(tz, 2027, 3, 22, 9 + i),
                               ActivityStatus.COMPLETED, f"c{i}") for i in range(7))
        as_of = datetime(2027, 3, 26, 2, 0, tzinfo=ZoneInfo(tz))
        ev = evaluate(p, Records(accounts=ACCOUNTS, activities=calls, users=USERS), as_of=as_of)
        progress = ev.action("A")
        assert (progress.done, progress.expected_by_now, progress.pace) == (7, pytest.approx(7.0), Pace.ON_TRACK)

    @pytest.mark.parametrize(("tz", "wall", "share"), [
        ("Europe/Paris", (2027, 3, 26, 2), 98 / 168),           # before the spring change of a 167-hour week
        ("Europe/Paris", (2027, 3, 28, 12), 156 / 168),         # after it, Sunday noon: 6.5 days of 7
        ("Australia/Lord_Howe", (2027, 4, 4, 12), 156 / 168),   # a 168.5-hour week (30 minutes back on Sunday)
        ("Europe/Dublin", (2027, 10, 31, 12), 156 / 168),       # a 169-hour week (tzdata's negative DST)
    ])
    def test_elapsed_share_is_the_share_of_the_windows_wall_clock(self, tz: str, wall: tuple[int, ...],
                                                                  share: float) -> None:
        week = {"Europe/Paris": "semaine 12", "Australia/Lord_Howe": "semaine 13", "Europe/Dublin": "semaine 43"}[tz]
        _, window = _plan(tz, week)
        assert window.elapsed_share(datetime(*wall, tzinfo=ZoneInfo(tz))) == pytest.approx(share)  # type: ignore[misc]
