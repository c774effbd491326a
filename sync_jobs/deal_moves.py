"""Which deals make an axis's change between two evaluations: since the previous review (audit reviewdeals, 7 Dec
2026), and since a closed quarter's kept snapshot (the report's since-close lines, audit reportdeals).

An axis's « Évolution » said « −17 486 € depuis le mois dernier » and, at best, that part of it was last month's
revenue « retirés après sa revue (affaire rouverte, perdue ou réduite) »: the manager could not tell the deal reopened
from the one lost, lowered, moved to another account or to next quarter, or deleted. A monthly snapshot now keeps every
axis's counted deals (``sync_jobs.evaluation.counted_deals``); the review compares them with today's, deal by deal,
and says why each moved from the deal as the store holds it today. The amounts are shown so that they, and the
baseline's growth, add up to the change shown to the unit (``moves``).

The quarterly report's « Depuis la clôture » lines do the same against the quarter's kept snapshot (``close_moves``),
and so do a closed month's review against the month's own snapshot and ``pac snapshot --replace`` against the snapshot
it replaces (audit snapdeals): both evaluations are at the period's end, so a deal counted now and not then is of a day
before the close and was counted after it (``Days.first`` after ``Days.last``: none reads as won). An axis whose deals
cancel out is named too (``cancelled``).

Pure: the counted deals and today's deals come in as arguments (``sync_jobs.review.load`` and
``sync_jobs.app.load_report_inputs``, ``sync_jobs.cli_snapshot`` read them); the words are ``sync_jobs.report.deals``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from pac_core.plan import Axis, Plan
from pac_core.records import Deal, DealStage
from pac_core.results import Evaluation
from pac_core.revenue import last_day
from pac_core.rounding import half_up

Key = tuple[str, str]                               # (source, CRM id)
Counted = Mapping[Key, tuple[Decimal, date | None]]  # an axis's counted deals: amount counted, close day
LISTED = 8                                          # deals named per axis; the others in one sum
NOISE = Decimal("0.005")                            # below a cent: the deals' shares summed in another order


@dataclass(frozen=True)
class DealMove:
    """One deal whose amount counted by the axis moved since the previous review."""

    name: str                   # the CRM's name of the deal, else its id
    delta: Decimal              # exact: the amount counted now less then (a deal not counted: 0)
    shown: Decimal              # to the unit, so that the moves and the baseline add up to the change shown
    why: str                    # reopened, lost, deleted, moved, out, lowered, raised, won, credit, late, entered
    before: Decimal | None      # the amount counted at the previous review (None: not counted then)
    now: Decimal | None         # the amount counted now (None: not counted now)
    day: date | None            # the deal's close day today (moved: where it went; won, late: its day)


@dataclass(frozen=True)
class AxisMoves:
    """An axis's change since the previous review, deal by deal: ``deals`` (those that make the change first, the
    largest first), the ``others`` not named (how many, their shown sum) and ``baseline``, the baseline's growth to date
    as shown (it lowers the additional revenue by as much), said before ``baseline_at``, an index in the items said
    (``deals``, then the others' sum when there is one; None: last). ``sum(shown) + others + (-baseline)`` is the
    change shown."""

    deals: tuple[DealMove, ...]
    others: tuple[int, Decimal] = (0, Decimal(0))
    baseline: Decimal = Decimal(0)
    baseline_at: int | None = None

    @property
    def dropped(self) -> bool:
        """A deal counted at the previous review counts less, or nothing, now: news even when the pace held."""
        return any(move.delta < 0 for move in self.deals) or self.others[1] < 0


@dataclass(frozen=True)
class Days:
    """The days a deal's move is judged by: the reviewed month's first day, the last day it counts (its end or
    today), the first and last days of the axis's objective period; and whether the previous review is its kept snapshot
    (a deal of then counted only now was entered, or won again, after it) or recomputed on today's records."""

    first: date
    last: date
    period_first: date
    period_last: date
    zone: ZoneInfo
    kept: bool


def why_dropped(deal: Deal | None, days: Days) -> str:
    """Why a deal counted at the previous review counts nothing now, from the deal as the store holds it today."""
    if deal is None or deal.deleted:
        return "deleted"
    if deal.stage is DealStage.OPEN:
        return "reopened"
    if deal.stage is DealStage.LOST:
        return "lost"
    day = deal.day(days.zone)
    if day is None or day > min(days.last, days.period_last) or day < days.period_first:
        return "moved"
    return "out"      # won, in the period: its account, owner or products no longer in the axis's scope


def why_added(day: date | None, amount: Decimal, days: Days) -> str:
    """Why a deal not counted at the previous review counts now: won in the month (a credit note, its negative amount:
    « avoir »), else of a day before it."""
    if amount < 0:
        return "credit"
    if day is not None and days.first <= day <= days.last:
        return "won"
    return "late" if days.kept else "entered"


def _move(key: Key, then: tuple[Decimal, date | None] | None, now: tuple[Decimal, date | None] | None,
          deals: Mapping[Key, Deal], days: Days) -> DealMove:
    deal = deals.get(key)
    name = (deal.name if deal is not None and deal.name else "") or key[1]
    before, after = (then[0] if then else None), (now[0] if now else None)
    delta = (after or Decimal(0)) - (before or Decimal(0))
    if now is None:
        why = why_dropped(deal, days)
        day = deal.day(days.zone) if deal is not None else None
    elif then is None:
        why, day = why_added(now[1], now[0], days), now[1]
    else:
        why, day = ("lowered" if delta < 0 else "raised"), now[1]
    return DealMove(name, delta, Decimal(0), why, before, after, day)


def moves(before: Counted, now: Counted, deals: Mapping[Key, Deal], days: Days, *,
          revenue: tuple[Decimal, Decimal], baseline: tuple[Decimal, Decimal], listed: int = LISTED) -> AxisMoves:
    """The deals whose counted amount moved between ``before`` (the previous review's) and ``now``, with why.

    ``revenue`` and ``baseline``: the axis's (before, now) figures. Each move's ``shown`` is the difference of the
    running revenue rounded to the unit before and after it, from the previous review's revenue, the last landing on
    today's (within a cent; a sum the deals do not make is said apart, in ``others``): so the shown amounts add up to
    the revenue's change as the two reviews show it (half up to the unit, ``money.shown_additional``), and with the
    baseline's, to the additional revenue's."""
    found = [_move(key, before.get(key), now.get(key), deals, days)
             for key in sorted(set(before) | set(now))
             if (now[key][0] if key in now else Decimal(0)) != (before[key][0] if key in before else Decimal(0))]
    grew = half_up(baseline[1]) - half_up(baseline[0])
    towards = -1 if half_up(revenue[1]) - half_up(revenue[0]) - grew <= 0 else 1   # a drop (or none): drops first
    keep = set(sorted(range(len(found)), key=lambda k: -abs(found[k].delta))[:listed])   # the largest, named
    named = sorted((found[k] for k in keep), key=lambda m: (*_rank(m.delta, towards), m.name))
    rest = [found[k] for k in range(len(found)) if k not in keep]
    running, shown_at = revenue[0], half_up(revenue[0])
    out = []
    for k, move in enumerate(named + rest):
        running += move.delta
        if k == len(found) - 1 and abs(revenue[1] - running) < NOISE:   # shares' divisions: the same sum
            running = revenue[1]
        out.append(DealMove(move.name, move.delta, half_up(running) - shown_at, move.why, move.before, move.now,
                            move.day))
        shown_at = half_up(running)
    gap = half_up(revenue[1]) - shown_at      # nothing moved, or a sum the deals do not make: said as others
    others = (len(rest), sum((m.shown for m in out[len(named):]), Decimal(0)) + gap)
    said = [m.delta for m in named] + ([others[1]] if others[0] or others[1] else [])
    at = next((k for k, amount in enumerate(said) if _rank(-grew, towards) < _rank(amount, towards)), len(said))
    return AxisMoves(tuple(out[:len(named)]), others, grew, at)


def _rank(amount: Decimal, towards: int) -> tuple[bool, Decimal]:
    """Where an item is said (audit leftowner): those that make the change (``towards``: −1 a drop, +1 a rise) first,
    the largest first, then those against it, the largest first. A manager reads the first items as the change's
    cause: a drop made by the baseline's growth under eight wins starts with the baseline."""
    return (amount * towards <= 0, -abs(amount))


def axis_days(plan: Plan, axis: Axis, first: date | None, as_of: datetime, kept: bool) -> Days:
    """The days an axis's deal moves are judged by at ``as_of``: ``first``, the reviewed month's first day (None: no
    deal reads as won in it, the day after ``as_of``'s last), and the axis's objective period (else the plan's)."""
    zone = ZoneInfo(plan.timezone)
    period = axis.objective.period if axis.objective else plan.period
    last = last_day(as_of, zone)
    return Days(first or last + timedelta(days=1), last, period.start.astimezone(zone).date(),
                last_day(period.end, zone), zone, kept)


def close_moves(plan: Plan, axis_ids: Iterable[str], kept: Evaluation, now: Evaluation,
                counted: tuple[Mapping[str, Counted], Mapping[str, Counted]],
                deals: Mapping[Key, Deal]) -> dict[str, AxisMoves]:
    """Per axis of ``axis_ids`` (those whose additional revenue moved since a closed period's kept snapshot), the deals
    that make the move: ``kept`` and ``now`` evaluated at the period's end, ``counted`` their counted deals (the
    snapshot's, today's), ``deals`` today's deals by (source, id). Then, after them, each other axis whose counted
    deals moved though its figure did not (``cancelled``). An axis today's plan no longer has, or one either side did
    not count, is left out."""
    then_axes, now_axes = {a.axis_id: a for a in kept.axes}, {a.axis_id: a for a in now.axes}
    by_id = {a.id: a for a in plan.axes}
    moved = list(axis_ids)
    out = {}
    for axis_id in moved + [a.axis_id for a in now.axes if a.axis_id not in moved]:
        before, after = then_axes.get(axis_id), now_axes.get(axis_id)
        if (before is None or after is None or axis_id not in by_id or axis_id not in counted[0]
                or axis_id not in counted[1]):
            continue
        if axis_id not in moved and counted[0][axis_id] == counted[1][axis_id]:
            continue
        days = axis_days(plan, by_id[axis_id], None, now.as_of, True)
        found = moves(counted[0][axis_id], counted[1][axis_id], deals, days,
                      revenue=(before.revenue, after.revenue), baseline=(before.baseline, after.baseline))
        if axis_id in moved or cancelled(found):
            out[axis_id] = found
    return out


def cancelled(found: AxisMoves) -> bool:
    """Deals moved on an axis whose additional revenue, as shown, did not: one reopened −5 000 €, one typed late
    +5 000 €. Said all the same, « AX-KEY 0 € · détail : … », as the review's « 0 € depuis le mois dernier · détail :
    … » says it (decided 7 Dec 2026, audit snapdeals: the report said nothing, and a manager wants to know the revenue
    is the same from other deals); the same rule for both: a deal whose counted amount moved."""
    return bool(found.deals)
