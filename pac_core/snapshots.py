"""The method's cadence as data: monthly snapshots of actions, quarterly snapshots of revenue and ROI.

A snapshot **closes** a period: it is labelled by the period whose figures it holds ("2027-04",
"2027-Q1") and is the plan evaluated at that period's end in the plan's timezone (the instant the next one
starts: every figure counts the period's days up to its last one, ``revenue.last_day``, and an action due with
the period and short of its target is late, as in ``pac report --quarter`` of that quarter). The
scheduler's snapshot job runs at the start of a period (``30 5 1 * *``) and so closes the period that
has just ended, never the one that begins. Periods are whole local days: a month starts at 00:00 local
on its first day (or at the first instant that exists, on a night whose midnight is skipped by a DST
change) and ends where the next one starts; instants are compared in UTC, so the DST nights change
nothing. ``due_snapshots`` lists the closed periods of a plan that have no snapshot yet: the scheduler
takes them at start-up (catch-up) and at every run of its snapshot jobs.
``snapshot_payload`` / ``evaluation_from_payload`` round-trip an ``Evaluation`` through JSON-safe
data (Decimal and dates as strings, enums as their values); ``recommendations_payload`` /
``recommendations_from_payload`` the advice alone (kept with each run for ``pac status``).
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from pac_core.errors import PeriodError
from pac_core.periods import day_window, is_fiscal, month_window, parse_period, quarter_window
from pac_core.results import Evaluation, Recommendation
from pac_core.window import Window

KINDS = ("monthly", "quarterly")
# the key of a snapshot's payload that says when and with which plan it was taken (``sync_jobs.app``): ``taken_on``
# (ISO instant), ``plan_version`` (``pac_plan_version``) and ``edits`` ([key, field, value] of the CRM edits applied)
KEPT = "kept"
_LABEL = re.compile(r"^\s*(\d{4})-(?:(0[1-9]|1[0-2])|[QqTt]([1-4]))\s*$")
# a fiscal plan's quarter that is no calendar quarter, by its first and last months: 2027-02..2027-04
_MONTHS = re.compile(r"^\s*(\d{4})-(0[1-9]|1[0-2])\s*\.\.\s*(\d{4})-(0[1-9]|1[0-2])\s*$")
# a quarter of a plan's declared fiscal calendar (a 4-4-5 year), by its first and last days: 2027-05-02..2027-07-31
_DAYS = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})\s*$")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December")
LABEL_FORMS = "write a month as 2027-03 or a quarter as 2027-Q1 (on a fiscal plan, its own quarter as Q1)"


def month_label(day: date | datetime) -> str:
    return f"{day.year}-{day.month:02d}"


def _quarter_of_months(index: int) -> str:
    """The quarter whose first month is ``index`` (year * 12 + month - 1): ``2027-Q2`` when it is a calendar
    quarter, else by its months, ``2027-02..2027-04``."""
    if index % 3 == 0:
        return f"{index // 12}-Q{index % 12 // 3 + 1}"
    last = index + 2
    return f"{index // 12}-{index % 12 + 1:02d}..{last // 12}-{last % 12 + 1:02d}"


def first_month(label: str) -> int:
    """year * 12 + month - 1 of a quarter label's first month (``2027-Q3``, or a plan's own ``2027-05..2027-07``)."""
    if ".." in label:
        return int(label[:4]) * 12 + int(label[5:7]) - 1
    return int(label[:4]) * 12 + 3 * int(label[-1]) - 3


def quarter_label(day: date | datetime, phase: int = 0) -> str:
    """The quarter holding ``day``: a calendar one (``2027-Q2``) when ``phase`` is 0, else the quarter of a year
    whose quarters start ``phase`` months after the calendar's (1 for a year from February: ``2027-05..2027-07``
    for 20 May), ``quarter_phase``."""
    return _quarter_of_months(_quarter_start(day, phase))


def quarter_days(day: date | datetime, phase: int = 0) -> tuple[date, date]:
    """The first and last days of the quarter holding ``day`` (``phase`` as for ``quarter_label``)."""
    index = _quarter_start(day, phase)
    return date(index // 12, index % 12 + 1, 1), date((index + 3) // 12, (index + 3) % 12 + 1, 1) - timedelta(days=1)


def _quarter_start(day: date | datetime, phase: int) -> int:
    """year * 12 + month - 1 of the first month of the quarter holding ``day``."""
    index = day.year * 12 + day.month - 1
    return index - (index - phase) % 3


def days_label(first: date, end: date) -> str:
    """The label of a declared fiscal calendar's quarter [first, end) (``end``: the day after its last day), by its
    first and last days: ``2027-05-02..2027-07-31``."""
    return f"{first.isoformat()}..{(end - timedelta(days=1)).isoformat()}"


def declared_quarters(within: Window | None) -> list[str]:
    """The labels of the quarters of a plan's declared ``fiscal_calendar`` (``days_label``), Q1 first; empty for a
    plan without one (its quarters are months: ``quarter_labels``)."""
    return [days_label(first, end) for first, end in within.quarters] if within is not None else []


def months_refused(within: Window | None, written: str) -> tuple[str, str] | None:
    """Why a month (``written``: a monthly snapshot's ``2027-05``, the review's ``--month``) is refused on a plan
    whose declared ``fiscal_calendar`` quarters are no runs of calendar months (a 4-4-5 year: its months are its 4-
    and 5-week periods, which pac does not cut, and calendar May is none of them), as (message, fix); None when
    months are the plan's (no calendar declared, or declared quarters starting on months' first days)."""
    if within is None or all(first.day == 1 and end.day == 1 for first, end in within.quarters):
        return None
    return (f"{written}: the plan's fiscal_calendar cuts its year in weeks, and its months are its 4- and 5-week "
            f"periods, which pac does not cut yet: a calendar month is none of them",
            "keep its quarters (pac snapshot --period Q1; pac schedule takes each after its close) and see a "
            "quarter with pac report --quarter Q2, the running figures with pac report or pac status")


def _day_range(text: str) -> tuple[date, date] | None:
    """(first, last) of a label written by its days (``2027-05-02..2027-07-31``), None for another form."""
    m = _DAYS.match(text or "")
    if m is None:
        return None
    try:
        first, last = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
    except ValueError as exc:
        raise PeriodError(f"{text!r}: {exc}", "write a quarter's days as 2027-05-02..2027-07-31") from None
    if last < first:
        raise PeriodError(f"{text!r} ends before it starts", "write the first day, then the last")
    return first, last


def current_quarter(day: date, within: Window | None) -> tuple[str, tuple[date, date]]:
    """The plan's quarter holding the local ``day`` (the advisor's "current quarter"): its label and (first, last)
    days. A quarter of the plan's declared ``fiscal_calendar`` (a 4-4-5 year) is labelled by its days,
    ``2027-05-02..2027-07-31`` (``report_period.quarter_phrase`` names it « T2 de l'exercice 2027-2028 »); otherwise
    ``quarter_label`` / ``quarter_days`` with the plan's ``quarter_phase``. A day outside the declared quarters: its
    calendar quarter."""
    for first, end in within.quarters if within is not None else ():
        if first <= day < end:
            return days_label(first, end), (first, end - timedelta(days=1))
    phase = quarter_phase(within)
    return quarter_label(day, phase), quarter_days(day, phase)


def label_of(kind: str, day: date | datetime, phase: int = 0) -> str:
    """The label of the month (``monthly``) or quarter (``quarterly``) holding ``day`` (a local date); a quarter of
    a plan whose quarters are no calendar quarters with their ``phase`` (``quarter_phase``)."""
    return quarter_label(day, phase) if kind == "quarterly" else month_label(day)


def quarter_phase(within: Window | None) -> int:
    """How many months (0 to 2) a plan's quarters start after the calendar quarters: 0 on a calendar plan and on
    a fiscal year from April, July or October (its quarters are calendar quarters), 1 on a fiscal year from
    February (quarters February-April...), 2 from March (``periods.is_fiscal``)."""
    if within is None or not is_fiscal(within):
        return 0
    return (within.start.month - 1) % 3


def parse_label(text: str) -> tuple[str, str]:
    """``("monthly", "2027-03")`` for ``2027-03``, ``("quarterly", "2027-Q1")`` for ``2027-Q1`` (or ``2027-T1``),
    ``("quarterly", "2027-02..2027-04")`` for three months that are a fiscal plan's quarter (written ``2027-Q2``
    when they are a calendar quarter: ``2027-04..2027-06``), ``("quarterly", "2027-05-02..2027-07-31")`` for a
    quarter of a declared fiscal calendar written by its days (``plan_label`` checks it is one of the plan's).

    Raises ``PeriodError`` for anything else, with the accepted forms."""
    months = _MONTHS.match(text or "")
    if months is not None:
        y1, m1, y2, m2 = (int(g) for g in months.groups())
        first, last = y1 * 12 + m1 - 1, y2 * 12 + m2 - 1
        if last - first != 2:
            raise PeriodError(f"{text!r} is not three months in a row (a quarter)",
                              "write a quarter by its first and last months, e.g. 2027-02..2027-04")
        return "quarterly", _quarter_of_months(first)
    days = _day_range(text)
    if days is not None:
        return "quarterly", f"{days[0].isoformat()}..{days[1].isoformat()}"
    m = _LABEL.match(text or "")
    if m is None:
        raise PeriodError(f"{text!r} is not a month or a quarter", LABEL_FORMS)
    year, month, quarter = m.groups()
    return ("monthly", f"{year}-{month}") if month else ("quarterly", f"{year}-Q{quarter}")


def period_window(label: str, tz: str) -> Window:
    """The period ``label`` names, as a window [start, end) of local days in ``tz``."""
    kind, norm = parse_label(label)
    days = _day_range(norm)
    if days is not None:   # a declared calendar's quarter: 00:00 local on its first day to 00:00 the day after its last
        return Window(day_window(days[0], tz).start, day_window(days[1], tz).end, norm)
    year = int(norm[:4])
    if kind == "quarterly" and ".." in norm:
        first = month_window(year, int(norm[5:7]), tz)
        return Window(first.start, month_window(int(norm[-7:-3]), int(norm[-2:]), tz).end, norm)
    return quarter_window(year, int(norm[-1]), tz) if kind == "quarterly" else month_window(year, int(norm[5:]), tz)


def month_span(first: date, last: date) -> str:
    """The months from ``first``'s to ``last``'s, in English for messages: ``January to March 2027``,
    ``November 2027 to January 2028``."""
    if (first.year, first.month) == (last.year, last.month):
        return f"{MONTH_NAMES[first.month - 1]} {first.year}"
    head = MONTH_NAMES[first.month - 1] + ("" if first.year == last.year else f" {first.year}")
    return f"{head} to {MONTH_NAMES[last.month - 1]} {last.year}"


def months_named(label: str) -> str:
    """A quarter label by its months, in English for messages: ``January to March 2027``."""
    first = first_month(parse_label(label)[1])
    last = first + 2
    return month_span(date(first // 12, first % 12 + 1, 1), date(last // 12, last % 12 + 1, 1))


def is_plan_quarter(label: str, phase: int) -> bool:
    """Whether the quarter ``label`` is one of the quarters of a plan of that ``phase`` (``quarter_phase``): any
    calendar quarter on a calendar plan, ``2027-05..2027-07`` but not ``2027-Q2`` on a year from February."""
    return first_month(parse_label(label)[1]) % 3 == phase


def quarter_labels(within: Window) -> list[str]:
    """The labels of a plan's quarters (``quarter_phase``), from the one holding its first day to the last that
    starts inside it."""
    index = _quarter_start(within.start, quarter_phase(within))
    out = []
    while date(index // 12, index % 12 + 1, 1) < within.end.date():
        out.append(_quarter_of_months(index))
        index += 3
    return out


def plan_label(text: str, within: Window, tz: str) -> tuple[str, str]:
    """What ``pac snapshot --period`` names, read as the plan reads periods: a month (``2027-03``), a quarter label
    (``parse_label``) or one of the plan's own quarters written ``Q1``..``Q4`` / ``T1``..``T4`` (on a fiscal
    plan its own, as ``pac report --quarter Q1``). A calendar quarter that is none of the plan's quarters (on a
    year from February) is refused, naming the plan's quarters with their months."""
    if within.quarters:
        return _declared_label(text, within)
    if re.fullmatch(r"\s*[QqTt][1-4]\s*", text or ""):
        first = parse_period(text, year=within.start.year, tz=tz, within=within).start
        kind, label = "quarterly", _quarter_of_months(first.year * 12 + first.month - 1)
    else:
        kind, label = parse_label(text)
    if kind == "quarterly" and not is_plan_quarter(label, quarter_phase(within)):
        start = within.start.astimezone(ZoneInfo(tz))
        quarters = ", ".join(f"Q{k} = {q}" for k, q in enumerate(quarter_labels(within)[:4], 1))
        raise PeriodError(f"{label} ({months_named(label)}) is not one of the plan's quarters (its year starts on "
                          f"{start.day} {MONTH_NAMES[start.month - 1]})",
                          f"name one of the plan's quarters, Q1 to Q4 ({quarters}), or a month (2027-03)")
    return kind, label


def _declared_label(text: str, within: Window) -> tuple[str, str]:
    """``plan_label`` on a plan with a declared fiscal calendar: a month as written; ``Q2`` / ``T2`` or a quarter's
    days (``2027-05-02..2027-07-31``) as the declared quarter's label (``days_label``). A calendar quarter
    (``2027-Q2``), three months or other days are none of its quarters: refused, naming them."""
    quarters = declared_quarters(within)
    own = re.fullmatch(r"\s*[QqTt]([1-4])\s*", text or "")
    if own is not None:
        return "quarterly", quarters[int(own.group(1)) - 1]
    kind, label = parse_label(text)
    refused = months_refused(within, label) if kind == "monthly" else None
    if refused is not None:
        raise PeriodError(*refused)
    if kind == "monthly" or label in quarters:
        return kind, label
    raise PeriodError(f"{text.strip()} is not one of the plan's quarters: its fiscal_calendar declares them by their "
                      f"days", "name one of the plan's quarters, Q1 to Q4 ("
                      + ", ".join(f"Q{k} = {q}" for k, q in enumerate(quarters, 1))
                      + (")" if months_refused(within, "") else "), or a month (2027-03)"))


def closing_instant(label: str, tz: str) -> datetime:
    """The end of the period ``label`` in ``tz`` (the first instant of the next one, shown in the plan's zone):
    what its snapshot is evaluated as of. The engine counts the days up to the period's last one (at a local
    midnight, ``revenue.last_day`` is the day before) and judges pace at the end, so an action due with the
    period and short of its target is late, not "at risk" a microsecond before its deadline."""
    return period_window(label, tz).end.astimezone(UTC).astimezone(ZoneInfo(tz))


def _step(kind: str, label: str, n: int) -> str:
    """The label ``n`` periods after (negative: before) ``label``."""
    year = int(label[:4])
    if kind == "quarterly":
        return _quarter_of_months(first_month(label) + 3 * n)
    index = year * 12 + int(label[5:]) - 1 + n
    return f"{index // 12}-{index % 12 + 1:02d}"


def last_closed(kind: str, now: datetime, tz: str, phase: int = 0, *, within: Window | None = None) -> str:
    """The label of the latest period of ``kind`` that has ended at ``now`` (an aware instant): at
    2027-04-01 00:00 Europe/Paris (2027-03-31T22:00Z) the quarter closed is 2027-Q1; a second earlier,
    2026-Q4. Quarters are the plan's (``phase``, ``quarter_phase``); ``within``: the plan's period, whose declared
    fiscal calendar's quarters are the quarters when it has one (before its first quarter has ended: that one)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if kind == "quarterly" and within is not None and within.quarters:
        ended = [label for label in declared_quarters(within) if period_window(label, tz).end <= now]
        return ended[-1] if ended else declared_quarters(within)[0]
    current = label_of(kind, now.astimezone(ZoneInfo(tz)), phase)
    if period_window(current, tz).start.astimezone(UTC) > now.astimezone(UTC):
        current = _step(kind, current, -1)   # a skipped local midnight: the period begins a little later
    return _step(kind, current, -1)


def closed_periods(kind: str, now: datetime, tz: str, within: Window) -> list[str]:
    """The periods of ``kind`` that overlap ``within`` (the plan's period) and have ended at ``now``, oldest first;
    quarters are the plan's own (``quarter_phase``: on a year from February, February-April...); on a plan whose
    ``fiscal_calendar`` declares them (a 4-4-5 year), its declared quarters, labelled by their days
    (``2027-05-02..2027-07-31``), each closed at 00:00 local the day after its last day."""
    if kind == "quarterly" and within.quarters:
        return [label for label in declared_quarters(within) if period_window(label, tz).end <= now]
    if kind == "monthly" and months_refused(within, "") is not None:
        return []
    phase = quarter_phase(within)
    first = label_of(kind, within.start.astimezone(ZoneInfo(tz)), phase)
    last = last_closed(kind, now, tz, phase)
    out = []
    label = first
    while label <= last and period_window(label, tz).start < within.end:
        out.append(label)
        label = _step(kind, label, 1)
    return out


def due_snapshots(kind: str, now: datetime, tz: str, within: Window, taken: Iterable[str]) -> list[str]:
    """The closed periods of the plan (``within``) that have no snapshot of ``kind`` yet, oldest first."""
    have = set(taken)
    return [label for label in closed_periods(kind, now, tz, within) if label not in have]


def snapshot_payload(evaluation: Evaluation, *, with_decisions: bool = True) -> dict[str, Any]:
    """A JSON-safe dict holding the evaluation.

    Decisions (per-record explanations) are the bulk of a large evaluation (tens of MB for 5,000
    actions); trend charts do not need them: ``with_decisions=False`` leaves them out (empty tuples
    when read back) and keeps the figures, rejections and recommendations.
    """
    if not with_decisions:
        evaluation = dataclasses.replace(
            evaluation,
            actions=tuple(dataclasses.replace(a, decisions=()) for a in evaluation.actions),
            axes=tuple(dataclasses.replace(a, decisions=(), baseline_decisions=(), base_decisions=())
                       for a in evaluation.axes))
    payload: dict[str, Any] = _encode(evaluation)
    return payload


def evaluation_from_payload(payload: dict[str, Any]) -> Evaluation:
    """The ``Evaluation`` that ``snapshot_payload`` encoded (equal to the original). Keys that are no field of an
    ``Evaluation`` (``KEPT``: when and with which plan a snapshot was taken) are left out."""
    names = {f.name for f in dataclasses.fields(Evaluation)}
    evaluation: Evaluation = _decode(Evaluation, {k: v for k, v in payload.items() if k in names})
    return evaluation


def recommendations_payload(recommendations: Iterable[Recommendation]) -> list[dict[str, Any]]:
    """The advisor's recommendations (with their evidence and overruled rules) as JSON-safe data, encoded as
    ``snapshot_payload`` encodes them: what a run keeps for ``pac status``."""
    return [_encode(r) for r in recommendations]


def recommendations_from_payload(payload: Iterable[dict[str, Any]]) -> tuple[Recommendation, ...]:
    """The recommendations ``recommendations_payload`` encoded (free-form evidence as ``_plain`` reads it)."""
    return tuple(_decode(Recommendation, r) for r in payload)


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)
                if not (f.metadata.get("omit_empty") and not getattr(value, f.name))}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def _decode(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [k for k in typing.get_args(kind) if k is not type(None)]
        if isinstance(value, dict) and ("datetime" in value or "date" in value):
            return _decode(datetime if "datetime" in value else date, value)
        return _decode(options[0], value)
    if origin is tuple:
        inner = typing.get_args(kind)[0]
        return tuple(_decode(inner, v) for v in value)
    if origin is dict or kind is Any:
        return _plain(value)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = _HINTS.get(kind)
        if hints is None:
            hints = _HINTS[kind] = typing.get_type_hints(kind)
        return kind(**{name: _decode(hints[name], v) for name, v in value.items()})
    if kind is datetime:
        return datetime.fromisoformat(value["datetime"])
    if kind is date:
        return date.fromisoformat(value["date"])
    if kind is Decimal:
        return Decimal(value)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(value)
    if kind is float:
        return float(value)
    return value


def _plain(value: Any) -> Any:
    """Evidence and other free-form dicts: tagged dates come back as dates, the rest unchanged."""
    if isinstance(value, dict):
        if set(value) == {"datetime"}:
            return datetime.fromisoformat(value["datetime"])
        if set(value) == {"date"}:
            return date.fromisoformat(value["date"])
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
