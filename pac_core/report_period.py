"""The instant a report is evaluated at, always inside the plan's period, and the quarters a plan spans."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pac_core.errors import InvalidInput, PeriodError, Problem
from pac_core.periods import is_fiscal, parse_period
from pac_core.plan import Plan
from pac_core.revenue import DateRange, last_day, weekly_year, window_days
from pac_core.snapshots import MONTH_NAMES, first_month, month_span, quarter_phase


def report_instant(plan: Plan, quarter: str | None, now: datetime) -> datetime:
    """The evaluation instant, always inside the plan's period.

    Without ``--quarter``: now, or the period's end once it is over; a plan whose period has not begun has
    nothing to report yet (refused). With ``--quarter`` (read as the plan reads periods: "T1" / "Q1"
    is a fiscal plan's first quarter, "2027-Q2" a calendar quarter): the quarter's end in the plan's timezone
    (its exclusive end: every figure counts the days up to its last one, ``revenue.last_day``), or now when
    it is still running; a quarter that has not begun, or one outside the plan's period, is refused with the
    plan's quarters, and so is, on a year from February or March, a period that is none of its quarters
    ("2027-Q2", April-June, on a year from February, whose quarters are February-April, May-July...).
    """
    period = plan.period
    zone = ZoneInfo(plan.timezone)
    first, last = period.start.astimezone(zone), (period.end - timedelta(microseconds=1)).astimezone(zone)
    if quarter is None:
        if now < period.start:
            raise InvalidInput(Problem("plan", f"plan {plan.name!r} starts on {first:%Y-%m-%d}: there is "
                                       f"nothing to report yet (now is {now:%Y-%m-%d})",
                                       "write the report once the plan's period has begun"))
        return min(now, period.end)
    # resolved inside the plan's period: on a fiscal plan (from 1 April), "T1" / "Q1" is its first quarter
    try:
        window = parse_period(quarter, year=period.start.year, tz=plan.timezone, within=period,
                              language=plan.language)
    except PeriodError as exc:   # the option is what to fix (« there is no quarter 5 » said no key)
        raise PeriodError([replace(p, path=p.path or "--quarter") for p in exc.problems]) from exc
    quarters = begun_quarters(plan, now)
    if window.end <= period.start or window.start >= period.end:
        raise InvalidInput(Problem("--quarter", f"{quarter} is outside the plan's period "
                                   f"({first:%Y-%m-%d} to {last:%Y-%m-%d})",
                                   f"choose one of the plan's quarters that have begun: {quarters}"))
    if quarter_phase(period) or period.quarters:   # a year from February or March, or a declared calendar (4-4-5):
        # a calendar quarter is none of the plan's
        days = window_days(window, zone)
        if days not in [_fiscal_days(plan, k, zone) for k in range(1, 5)]:
            shown = (month_span(*days) if days[0].day == 1 and (days[1] + timedelta(days=1)).day == 1
                     else f"{days[0].isoformat()} to {days[1].isoformat()}")
            why = ("its fiscal_calendar" if period.quarters else
                   f"its year starts on {first.day} {MONTH_NAMES[first.month - 1]}")
            raise InvalidInput(Problem("--quarter", f"{quarter} ({shown}) is not one of the plan's quarters ({why})",
                                       f"choose one of the plan's quarters that have begun: {quarters}"))
    if window.start > now:
        raise InvalidInput(Problem("--quarter", f"{quarter} has not started yet (now is {now:%Y-%m-%d})",
                                   f"leave --quarter out for today, or choose a quarter that has begun: {quarters}"))
    return max(min(window.end, now, period.end), period.start)


def plan_quarters(plan: Plan) -> list[str]:
    """The quarters a ``--quarter`` can name: the calendar quarters the plan's period touches, in its timezone
    (``["2027-Q1", ..., "2027-Q4"]``); a fiscal plan's own quarters first (``"Q1 (2027-04-01 to 2027-06-30)"``,
    ...: "Q1" resolves to them), and only those on a year from February or March, whose quarters are no calendar
    quarters."""
    return [label for label, _ in _quarters_and_first_days(plan)]


def begun_quarters(plan: Plan, now: datetime) -> str:
    """The plan's quarters a ``--quarter`` can name that have begun by ``now`` (``plan_quarters``), and when the
    others begin: ``2027-Q1, 2027-Q2; 2027-Q3 begins on 2027-07-01, 2027-Q4 on 2027-10-01`` (last in a fix's
    parentheses: none nested). A quarter not begun is refused, so it is offered no more (audit newcomer3 L3)."""
    today = now.astimezone(ZoneInfo(plan.timezone)).date()
    quarters = _quarters_and_first_days(plan)
    begun = [label for label, day in quarters if day <= today]
    later = [f"{label} {'begins ' if not i else ''}on {day.isoformat()}"
             for i, (label, day) in enumerate(q for q in quarters if q[1] > today)]
    if not begun:
        return f"none has begun yet; {', '.join(later)}"
    return ", ".join(begun) + (f"; {', '.join(later)}" if later else "")


def _quarters_and_first_days(plan: Plan) -> list[tuple[str, date]]:
    """``plan_quarters``' labels, each with its first local day."""
    zone = ZoneInfo(plan.timezone)
    first = plan.period.start.astimezone(zone)
    last = (plan.period.end - timedelta(microseconds=1)).astimezone(zone)
    year, q = first.year, (first.month - 1) // 3
    out = ([(_fiscal_quarter(plan, k, zone), _fiscal_days(plan, k, zone)[0]) for k in range(1, 5)]
           if is_fiscal(plan.period) else [])
    if quarter_phase(plan.period) or plan.period.quarters:
        return out   # a year from February or March, or a declared calendar: no calendar quarter is one of its own
    while (year, q) <= (last.year, (last.month - 1) // 3):
        out.append((f"{year}-Q{q + 1}", date(year, 3 * q + 1, 1)))
        year, q = (year + 1, 0) if q == 3 else (year, q + 1)
    return out



def _fiscal_days(plan: Plan, k: int, zone: ZoneInfo) -> tuple[date, date]:
    """The first and last local days of the fiscal quarter "Qk", as ``--quarter`` resolves it."""
    return window_days(parse_period(f"Q{k}", year=plan.period.start.year, tz=plan.timezone, within=plan.period), zone)


def fiscal_quarter_days(plan: Plan, k: int) -> tuple[date, date]:
    """The first and last local days of a fiscal plan's quarter ``k`` (1 to 4)."""
    return _fiscal_days(plan, k, ZoneInfo(plan.timezone))


def _fiscal_quarter(plan: Plan, k: int, zone: ZoneInfo) -> str:
    """``"Q1 (2027-04-01 to 2027-06-30)"``: the fiscal quarter "Qk" as ``--quarter`` resolves it, with its days."""
    first, last = _fiscal_days(plan, k, zone)
    return f"Q{k} ({first.isoformat()} to {last.isoformat()})"


def fiscal_quarter(plan: Plan, moment: datetime) -> int | None:
    """On a fiscal plan (``periods.is_fiscal``), which of its own quarters (1 to 4) holds the last day counted at
    ``moment`` (``revenue.last_day``); None on a calendar plan, or outside the plan's period."""
    if not is_fiscal(plan.period):
        return None
    zone = ZoneInfo(plan.timezone)
    day = last_day(moment, zone)
    for k in range(1, 5):
        first, last = _fiscal_days(plan, k, zone)
        if first <= day <= last:
            return k
    return None


def fiscal_start(plan: Plan) -> date | None:
    """The first local day of a fiscal plan's year (``periods.is_fiscal``: 1 April 2027 for a year from April to
    March); None on a calendar plan, and on a plan declaring its ``fiscal_calendar`` (its quarters are named by their
    days, ``quarter_phrase``)."""
    if not is_fiscal(plan.period) or plan.period.quarters:
        return None   # a declared calendar's quarters (4-4-5) are no months from its first one: none is found by months
    return plan.period.start.astimezone(ZoneInfo(plan.timezone)).date()


def base_calendar(plan: Plan) -> tuple[date | None, DateRange | None]:
    """What names and places a percentage objective's base (``growth_words.provenance`` and its callers): the fiscal
    plan's first day (``fiscal_start``), whose quarters name the base, and the days of its year when it is cut in
    weeks (``revenue.weekly_year``: the base is 52 weeks earlier, none for a 53rd week)."""
    return fiscal_start(plan), weekly_year(plan.period.quarters)


def fiscal_quarter_of(label: str, start: date) -> tuple[int, int] | None:
    """Which quarter of which fiscal year a calendar quarter label (``2027-Q3``, a snapshot's or the advisor's) is,
    for fiscal years starting on ``start``'s day and month: ``(k, first year)``, (2, 2027) for ``2027-Q3`` on a
    year from 1 April (July-September is the second quarter of 2027-2028). None when the calendar quarters do
    not fall on the fiscal year's quarters (a year from 1 February): that quarter is no fiscal quarter. A plan's
    own quarter (``2027-05..2027-07``) is found by its first month."""
    return _fiscal_quarter_at(first_month(label), start)


def _fiscal_quarter_at(month: int, start: date) -> tuple[int, int] | None:
    """``(k, first year)`` of the fiscal quarter starting on month index ``month`` (year x 12 + month - 1), None
    when no fiscal quarter starts that month."""
    offset = month - (start.year * 12 + start.month - 1)
    if offset % 3:
        return None
    years, months = divmod(offset, 12)
    return months // 3 + 1, start.year + years


def quarter_phrase(plan: Plan, label: str, lang: str) -> str:
    """A quarter label (``2027-Q3``, or a plan's own ``2027-05..2027-07``) as a sentence names it: as it is on a
    calendar plan; on a fiscal plan by the plan's own quarters, as the report's header (« T2 de l'exercice
    2027-2028 » / "Q2 of fiscal year 2027-2028"), or as a calendar quarter said so when it is none of them (« T3
    civil 2027 » / "calendar Q3 2027")."""
    if plan.period.quarters:   # a declared calendar's quarter, labelled by its days (``snapshots.current_quarter``)
        zone = ZoneInfo(plan.timezone)
        years = f"{plan.period.start.astimezone(zone).year}-{last_day(plan.period.end, zone).year}"
        for k, (q_first, q_end) in enumerate(plan.period.quarters, 1):
            if label == f"{q_first.isoformat()}..{(q_end - timedelta(days=1)).isoformat()}":
                return f"T{k} de l'exercice {years}" if lang == "fr" else f"Q{k} of fiscal year {years}"
    start = fiscal_start(plan)
    if start is None:
        return label
    found = fiscal_quarter_of(label, start)
    if found is None:
        return f"T{label[-1]} civil {label[:4]}" if lang == "fr" else f"calendar Q{label[-1]} {label[:4]}"
    k, first = found
    return f"T{k} de l'exercice {first}-{first + 1}" if lang == "fr" else f"Q{k} of fiscal year {first}-{first + 1}"


def calendar_quarter_asked(plan: Plan, quarter: str) -> tuple[int, int, int, int, tuple[date, date]] | None:
    """On a fiscal plan whose quarters are calendar quarters (a year from April, July or October), a ``--quarter``
    written as a calendar quarter with its year (``Q3 2027``, ``2027-Q3``) that is not the same-numbered quarter of
    the plan: ``(n, year, k, fiscal, days)``, the calendar quarter n of ``year``, which is quarter k of the fiscal
    year starting in ``fiscal``, and ``days``
    (first, last) of the plan's own quarter n, the one a manager writing « Q3 » of a fiscal plan may have meant
    (fiscal audit F3). None on a calendar plan, for a quarter written without its year (``Q3``: the plan's own) or
    a fiscal label (``Q3 FY2027-28``), and when the quarter is not read."""
    start = fiscal_start(plan)
    if start is None:
        return None
    zone = ZoneInfo(plan.timezone)
    try:
        within = window_days(parse_period(quarter, year=plan.period.start.year, tz=plan.timezone,
                                          within=plan.period), zone)
        alone = window_days(parse_period(quarter, year=plan.period.start.year, tz=plan.timezone), zone)
    except InvalidInput:
        return None
    first, last = within
    month = first.year * 12 + first.month - 1
    after = last + timedelta(days=1)
    if within != alone or first.day != 1 or (first.month - 1) % 3 or (after.day, after.year * 12 + after.month - 1) \
            != (1, month + 3):
        return None
    n = (first.month - 1) // 3 + 1
    found = _fiscal_quarter_at(month, start)
    if found is None or found[0] == n:
        return None
    return n, first.year, found[0], found[1], fiscal_quarter_days(plan, n)
