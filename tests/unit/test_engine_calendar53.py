"""Year-end and southern-DST windows in the engine, by hand (calendar53 audit, 7 Dec 2026): ISO week 53 of 2026 is
Monday 28 December 2026 - Sunday 3 January 2027. Passes on main: the audit's hand checks, kept."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from pac_config.planfile import load_plan_text
from pac_core.engine import evaluate
from pac_core.plan import ActivityType
from pac_core.records import Account, Activity, ActivityStatus, Records, User

PLAN = """\
plan: {{name: PAC, year: 2026, timezone: {zone}, language: fr, currency: EUR{period}}}
people: [{{email: julie@example.com, name: Julie, role: rep}}]
segments: [{{id: SEG, name: Tout, kind: horizontal}}]
axes: [{{id: AX, name: Clients, segment: SEG}}]
actions:
{actions}"""


def _act(ident: str, when: str, count: int = 4) -> str:
    return (f'  - {{id: {ident}, axis: AX, text: "{ident}", who: julie@example.com, '
            f'what: {{activity: visite, count: {count}, counting: activités}}, when: "{when}"}}\n')


def _at(zone: str, *wall: int, fold: int = 0) -> datetime:
    return datetime(*wall, tzinfo=ZoneInfo(zone), fold=fold).astimezone(UTC)  # type: ignore[misc]


def _records(visits: list[tuple[str, datetime | None, date | None, bool]]) -> Records:
    users = (User("UJ", "sf", "julie@example.com", "Julie"),)
    accounts = tuple(Account(f"c{k}", "sf", f"c{k}", country="FR") for k in range(len(visits)))
    return Records(accounts=accounts, users=users, activities=tuple(
        Activity(ident, "sf", ActivityType.VISIT, "UJ", f"c{k}", start, ActivityStatus.COMPLETED, subject=ident,
                 day=day, whole_day=whole) for k, (ident, start, day, whole) in enumerate(visits)))


P = "Europe/Paris"
YEAR_END = _records([
    ("sun27-2330", _at(P, 2026, 12, 27, 23, 30), None, False), ("mon28-0030", _at(P, 2026, 12, 28, 0, 30), None, False),
    ("thu31-2330", _at(P, 2026, 12, 31, 23, 30), None, False), ("fri01-0030", _at(P, 2027, 1, 1, 0, 30), None, False),
    ("sat02-1000", _at(P, 2027, 1, 2, 10), None, False), ("allday-0103", None, date(2027, 1, 3), True),
    ("allday-1231", None, date(2026, 12, 31), True), ("task-0104", None, date(2027, 1, 4), False)])


@pytest.mark.parametrize(("period", "as_of", "done", "expected", "pace"), [
    # a 2026 plan: week 53 cut to 28-31 December; 30 Dec 12:00 is 2.5 of 4 days: 4 x 2.5 / 4; counted mon28-0030
    ("", _at(P, 2026, 12, 30, 12), 1, 2.5, "at_risk"),
    # at its end, 1 January 00:00: + thu31-2330 and the all-day 31 December (its day is over): 3 of 4, missed
    ("", _at(P, 2027, 1, 1), 3, 4.0, "late"),
    # a plan from July 2026 holds the whole week: 2.5 of 7 days: 4 x 2.5 / 7
    (", period: 2026-07-01..2027-06-30", _at(P, 2026, 12, 30, 12), 1, 4 * 2.5 / 7, "at_risk"),
    # 1 January 00:00 there: 4 of 7 days, 3 done: on track
    (", period: 2026-07-01..2027-06-30", _at(P, 2027, 1, 1), 3, 4 * 4 / 7, "on_track"),
    # 4 January 00:00: + fri01-0030, sat02-1000, the all-day 3 January: 6; not the task due 4 January (week 1)
    (", period: 2026-07-01..2027-06-30", _at(P, 2027, 1, 4), 6, 4.0, "done"),
])
def test_week_53_in_paris(period: str, as_of: datetime, done: int, expected: float, pace: str) -> None:
    plan = load_plan_text(PLAN.format(zone=P, period=period, actions=_act("W53", "semaine 53")), "pac.yaml")
    got = evaluate(plan, YEAR_END, as_of=as_of).action("W53")
    assert (got.done, got.pace) == (done, pace)
    assert got.expected_by_now == pytest.approx(expected)


def test_southern_summer_time_in_sydney() -> None:
    """Sydney 2026: summer time ends on Sunday 5 April (03:00 -> 02:00), starts on Sunday 4 October (02:00 -> 03:00).
    Week 14 (30 March - 5 April): both 02:30 of 5 April and 23:30 count, Monday 00:30 does not: 3. Week 40 (28
    September - 4 October): Monday 00:30 counts, Sunday 27 23:30 does not, the « 02:30 » of 4 October (stored 03:30)
    and 23:30 count: 3; on 4 October at 12:00, 6.5 of 7 wall-clock days: 3 x 6.5 / 7 expected, 2 done, at risk."""
    z = "Australia/Sydney"
    plan = load_plan_text(PLAN.format(zone=z, period="", actions=_act("W14", "semaine 14", 3)
                                      + _act("W40", "semaine 40", 3)), "pac.yaml")
    records = _records([
        ("apr05-0230a", _at(z, 2026, 4, 5, 2, 30), None, False),
        ("apr05-0230b", _at(z, 2026, 4, 5, 2, 30, fold=1), None, False),
        ("apr05-2330", _at(z, 2026, 4, 5, 23, 30), None, False), ("apr06-0030", _at(z, 2026, 4, 6, 0, 30), None, False),
        ("oct04-0230", _at(z, 2026, 10, 4, 2, 30), None, False),
        ("oct04-2330", _at(z, 2026, 10, 4, 23, 30), None, False),
        ("sep28-0030", _at(z, 2026, 9, 28, 0, 30), None, False),
        ("sep27-2330", _at(z, 2026, 9, 27, 23, 30), None, False)])
    after = evaluate(plan, records, as_of=_at(z, 2026, 10, 5))
    assert (after.action("W14").done, after.action("W40").done) == (3, 3)
    noon = evaluate(plan, records, as_of=_at(z, 2026, 10, 4, 12)).action("W40")
    assert (noon.done, noon.pace) == (2, "at_risk")
    assert noon.expected_by_now == pytest.approx(3 * 6.5 / 7)


def test_week_53_in_tokyo() -> None:
    """Asia/Tokyo (no DST): the cut week 53 ends on 1 January 2027 00:00 JST (31 December 15:00Z); 23:30 JST on 31
    December counts, 00:30 on 1 January does not."""
    z = "Asia/Tokyo"
    plan = load_plan_text(PLAN.format(zone=z, period="", actions=_act("W53", "semaine 53")), "pac.yaml")
    records = _records([("dec31-2330", _at(z, 2026, 12, 31, 23, 30), None, False),
                        ("jan01-0030", _at(z, 2027, 1, 1, 0, 30), None, False),
                        ("dec28-0030", _at(z, 2026, 12, 28, 0, 30), None, False),
                        ("dec27-2330", _at(z, 2026, 12, 27, 23, 30), None, False)])
    assert evaluate(plan, records, as_of=_at(z, 2027, 1, 2)).action("W53").done == 2
