"""A time window [start, end) with timezone-aware bounds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from pac_core.errors import PeriodError


@dataclass(frozen=True, order=True)
class Window:
    """A half-open interval [start, end) of aware datetimes (the plan's timezone is kept in tzinfo).

    ``label`` keeps the text it was parsed from ("semaine 18"), for messages and reports. ``uncut`` is set when
    the text named more than the window: an ISO week straddling the plan's first or last day is cut to the plan's
    days (« semaine 53 » of a 2026 plan is 28-31 December 2026), and ``uncut`` keeps the bounds written (28 December
    2026 to 4 January 2027) for the note that says so (``pac_core.periods.cut_note``). It takes no part in equality.
    """

    start: datetime
    end: datetime
    label: str = ""
    uncut: tuple[datetime, datetime] | None = field(default=None, compare=False, repr=False)
    # a plan period's own quarters when its plan declares a fiscal calendar (``plan.fiscal_calendar``: a 4-4-5 year,
    # or its quarters' first days): (first local day, day after the last) of Q1..Q4. Empty: quarters are months
    # (calendar quarters, or three months from a fiscal year's first month). No part in equality; not stored in
    # snapshots when empty (``snapshots._encode``), so payloads of plans without one are unchanged.
    quarters: tuple[tuple[date, date], ...] = field(default=(), compare=False, repr=False,
                                                     metadata={"omit_empty": True})

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise PeriodError("a window needs timezone-aware bounds", "give the plan's timezone")
        if not self.start < self.end:
            raise PeriodError(
                f"window {self.label or ''} ends ({self.end.isoformat()}) before it starts "
                f"({self.start.isoformat()})",
                "swap the two dates",
            )

    def __contains__(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    @property
    def seconds(self) -> float:
        # Through UTC: subtracting two datetimes of the same tzinfo ignores a DST change in between.
        return (self.end.astimezone(UTC) - self.start.astimezone(UTC)).total_seconds()

    def elapsed_share(self, as_of: datetime) -> float:
        """Share of the window elapsed at ``as_of``, clamped to [0, 1], on the wall clock of the window's zone (its
        start's): the share of its calendar days and hours a manager counts. Week 12 of 2027 in Paris has 167 real
        hours (summer time starts on Sunday); on Friday at 02:00, 4 days and 2 hours of its 7 days are gone, 98 / 168,
        not 98 / 167 (audit tz: a target of 12 expected 7.04 by then, and 7 done read « À risque »). Like the
        revenue's day-for-day proration (``revenue.prorated``)."""
        if as_of <= self.start:
            return 0.0
        if as_of >= self.end:
            return 1.0
        zone = self.start.tzinfo
        start = self.start.replace(tzinfo=None)
        span = (self.end.astimezone(zone).replace(tzinfo=None) - start).total_seconds()
        gone = (as_of.astimezone(zone).replace(tzinfo=None) - start).total_seconds()
        return min(1.0, max(0.0, gone / span))
