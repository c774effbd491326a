"""A Salesforce org's fiscal quarters (``Period`` records), for ``pac config check --online``.

An org with a custom fiscal year (Setup > Fiscal Year, "Custom Fiscal Years": a 4-4-5 retail year, a 52/53-week
year) keeps its quarters as ``Period`` records, children of ``FiscalYearSettings`` (Object Reference, "Period": the
fields ``Type`` (Year, Quarter, Month, Week), ``StartDate``, ``EndDate``, ``Number``, ``FiscalYearSettingsId``;
queryable from API 37.0). The online check reads the quarters overlapping each plan's period (one query per plan)
and says what the plan should declare (``plan.fiscal_calendar``, docs/plan-format.md): nothing when the org's
quarters are the plan's already, ``fiscal_calendar: [first days]`` to write when the plan has none or another one,
and a warning when the plan's period is not one of the org's fiscal years.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from typing import Any, Protocol

PERIOD_QUARTERS = ("SELECT Id, Type, StartDate, EndDate, Number, FiscalYearSettingsId FROM Period "
                   "WHERE Type = 'Quarter' AND StartDate <= {last} AND EndDate >= {first} ORDER BY StartDate")


class PeriodReader(Protocol):
    def query_pages(self, soql: str) -> Iterator[list[dict[str, Any]]]: ...


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def default_starts(first: date, last: date) -> list[date]:
    """The quarters' first days pac uses without ``fiscal_calendar``: three months from a fiscal year's first month
    (a 12-month period from the 1st of a month), else calendar quarters (from the one holding ``first``)."""
    if first.day == 1 and _add_months(first, 12) == last + timedelta(days=1):
        return [_add_months(first, 3 * k) for k in range(4)]
    start = date(first.year, 3 * ((first.month - 1) // 3) + 1, 1)
    out = []
    while start <= last:
        out.append(max(start, first))
        start = _add_months(start, 3)
    return out


def quarter_rows(reader: PeriodReader, first: date, last: date) -> list[tuple[date, date]]:
    """(first day, last day) of the org's quarters overlapping [first, last], in order: one SOQL query."""
    soql = PERIOD_QUARTERS.format(first=first.isoformat(), last=last.isoformat())
    rows = [r for page in reader.query_pages(soql) for r in page]
    out = [(date.fromisoformat(str(r["StartDate"])), date.fromisoformat(str(r["EndDate"])))
           for r in rows if r.get("Type") == "Quarter" and r.get("StartDate") and r.get("EndDate")]
    return sorted(set(out))


def calendar_note(where: str, first: date, last: date, declared: Sequence[date],
                  quarters: Iterable[tuple[date, date]]) -> str | None:
    """What to tell about a plan (``where``, its period [first, last], its declared quarters' first days or
    none) beside the org's quarters: None when they agree; else a note with the ``fiscal_calendar`` to write, or a
    warning when the plan's period is not four of the org's quarters."""
    inside = [q for q in quarters if first <= q[0] <= last]
    shown = ", ".join(f"{a.isoformat()}..{b.isoformat()}" for a, b in inside) or "none"
    fits = (len(inside) == 4 and inside[0][0] == first and inside[-1][1] == last
            and all(inside[i][1] + timedelta(days=1) == inside[i + 1][0] for i in range(3)))
    if not fits:
        return (f"warning: {where}: the plan's period ({first.isoformat()}..{last.isoformat()}) is not one of the "
                f"org's fiscal years (its quarters starting in it: {shown}); the plan's quarters are pac's own "
                f"(docs/plan-format.md, Fiscal calendar)")
    starts = [a for a, _ in inside]
    ours = list(declared) or default_starts(first, last)
    if starts == ours:
        return None
    written = "[" + ", ".join(d.isoformat() for d in starts) + "]"
    if declared:
        return (f"warning: {where}: plan.fiscal_calendar's quarters start on "
                f"{', '.join(d.isoformat() for d in declared)}, the org's (Period) on "
                f"{', '.join(d.isoformat() for d in starts)}: write fiscal_calendar: {written}")
    return (f"warning: {where}: the org's fiscal quarters (Period: {shown}) are not the plan's (its \"Q2\" would be "
            f"{ours[1].isoformat() if len(ours) > 1 else '?'}..): add under plan: fiscal_calendar: {written}")


def fiscal_notes(reader: PeriodReader, plans: Iterable[tuple[str, str]]) -> list[str]:
    """``calendar_note`` for each plan in ``plans`` ((its file, ``first..last`` or ``first..last|d1,d2,d3,d4``
    with its declared quarters' first days), what ``pac config check`` passes as ``fiscal_period``)."""
    notes: list[str] = []
    for where, value in dict.fromkeys(plans):
        span, _, declared = value.partition("|")
        first, last = (date.fromisoformat(x) for x in span.split(".."))
        starts = [date.fromisoformat(x) for x in declared.split(",")] if declared else []
        note = calendar_note(where, first, last, starts, quarter_rows(reader, first, last))
        if note is not None:
            notes.append(note)
    return notes
