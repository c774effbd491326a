"""A plan's declared fiscal calendar (``plan.fiscal_calendar``): quarters that are no runs of three months.

Retail and many US companies close their books on weeks: a 52- or 53-week year cut 4-4-5 (or 4-5-4, 5-4-4) weeks
per quarter, as Salesforce's "Custom Fiscal Years" allow (its ``Period`` records). Such a year's "Q2" is not April-June
nor three months from its first month: a plan says which days its quarters hold, and every surface that names or
cuts a quarter ("T2" in an action's ``when``, ``pac report --quarter Q2``, the report's heading, "this quarter")
follows it (docs/plan-format.md, "Fiscal calendar").

Two forms, both from the plan's period's first day (the fiscal year's first day):

- a week pattern, ``4-4-5``, ``4-5-4`` or ``5-4-4``: the period is 52 weeks (364 days) or 53 (371 days); each
  quarter is 13 weeks, the 53rd week going to the fourth quarter (its last period), as the 4-4-5 calendars of the
  National Retail Federation and Salesforce's custom fiscal years do;
- the quarters' first days, four ISO dates: Q1 starts on the period's first day, each quarter ends the day before
  the next one starts, Q4 on the period's last day (no gap, no overlap by construction).
"""

from __future__ import annotations

from datetime import date, timedelta

from pac_core.errors import PeriodError, Problem

PATTERNS = {"4-4-5": (4, 4, 5), "4-5-4": (4, 5, 4), "5-4-4": (5, 4, 4)}
KEY = "fiscal_calendar"


def _days(first: date, end: date) -> str:
    return f"{first.isoformat()}..{(end - timedelta(days=1)).isoformat()}"


def _fail(where: str, message: str, fix: str) -> PeriodError:
    return PeriodError([Problem(where, message, fix)])


def weeks_pattern(pattern: str, first: date, end: date) -> tuple[tuple[date, date], ...]:
    """The quarters (first day, day after the last) of a 52/53-week year from ``first`` to ``end`` (exclusive) cut
    by ``pattern`` (``4-4-5``...): 13 weeks each, the 53rd week in Q4."""
    length = (end - first).days
    if length not in (364, 371):
        weeks, rest = divmod(length, 7)
        shown = f"{weeks} weeks" + (f" and {rest} days" if rest else "")
        nearest = first + timedelta(days=364 if length < 368 else 371)
        raise _fail(KEY, f"a {pattern} calendar is a 52- or 53-week year, and the plan's period "
                         f"({_days(first, end)}) is {length} days ({shown})",
                    f"write period: {_days(first, nearest)} ({(nearest - first).days // 7} weeks from its first "
                    f"day), or give the quarters' first days: {KEY}: [{first.isoformat()}, ...]")
    out: list[tuple[date, date]] = []
    start = first
    for k in range(4):
        weeks = 13 + (1 if k == 3 and length == 371 else 0)
        out.append((start, start + timedelta(weeks=weeks)))
        start = out[-1][1]
    return tuple(out)


def quarter_starts(starts: list[str], first: date, end: date) -> tuple[tuple[date, date], ...]:
    """The quarters of a year whose quarters start on ``starts`` (four ISO dates, Q1 on ``first``), each ending the
    day before the next starts, Q4 the day before ``end``."""
    problems: list[Problem] = []
    days: list[date] = []
    for i, text in enumerate(starts):
        try:
            days.append(date.fromisoformat(str(text).strip()))
        except ValueError:
            problems.append(Problem(f"{KEY}[{i}]", f"{text!r} is not a date",
                                    "write the quarter's first day as YYYY-MM-DD, e.g. 2027-05-02"))
    if problems:
        raise PeriodError(problems)
    if len(days) != 4:
        raise _fail(KEY, f"{len(days)} quarter start(s) given; a fiscal year has 4 quarters",
                    f"list the first day of Q1, Q2, Q3 and Q4, Q1 being the period's first day: "
                    f"{KEY}: [{first.isoformat()}, ...]")
    if days[0] != first:
        raise _fail(f"{KEY}[0]", f"Q1 starts on {days[0].isoformat()}, not on the plan's first day "
                                 f"({first.isoformat()}): the quarters would not cover the plan's period "
                                 f"({_days(first, end)})",
                    f"write {first.isoformat()} as Q1's first day, or correct plan.period")
    for i in range(1, 4):
        if days[i] <= days[i - 1]:
            raise _fail(f"{KEY}[{i}]", f"Q{i + 1} starts on {days[i].isoformat()}, not after Q{i}'s first day "
                                       f"({days[i - 1].isoformat()}): the quarters would overlap",
                        "list the four first days in order, each after the one before")
        if days[i] >= end:
            raise _fail(f"{KEY}[{i}]", f"Q{i + 1} starts on {days[i].isoformat()}, after the plan's period "
                                       f"({_days(first, end)})",
                        "write a first day inside the plan's period, or widen plan.period")
    bounds = [*days, end]
    return tuple((bounds[i], bounds[i + 1]) for i in range(4))


def fiscal_quarters(spec: str | list[str], first: date, end: date) -> tuple[tuple[date, date], ...]:
    """The quarters ``plan.fiscal_calendar`` declares for the period [``first``, ``end``): a pattern name or the
    quarters' first days. Raises PeriodError (paths from ``fiscal_calendar``) with the fix."""
    if isinstance(spec, str):
        pattern = "".join(spec.split()).replace("/", "-")
        if pattern in PATTERNS:
            return weeks_pattern(pattern, first, end)
        raise _fail(KEY, f"{spec!r} is no fiscal calendar pac knows",
                    f"write one of {', '.join(PATTERNS)} (weeks per period, the year being the plan's period), or "
                    f"the quarters' first days: {KEY}: [{first.isoformat()}, ...]")
    return quarter_starts(list(spec), first, end)


def quarter_list(quarters: tuple[tuple[date, date], ...]) -> str:
    """``Q1 2027-01-31..2027-05-01, Q2 ...``: a declared calendar's quarters with their days, for messages."""
    return ", ".join(f"Q{k} {_days(a, b)}" for k, (a, b) in enumerate(quarters, 1))
