"""The plan's totals and each segment's ROI over the live axes, every won deal counted once.

Axis figures answer "what did this axis's scope bring" and overlap (a pharma laboratory in the Rhône is in
the Rhône-Alpes axes and in the pharma axes; two axes of one segment may share a scope): adding them
counts a deal several times. Here, per group of axes (the whole plan, or one segment):

* **live axes** only: an axis suspended (until its ``until`` day) or dropped (``pace`` inactive) is left
  out of revenue, baseline, objective and cost, and listed in ``left_out``;
* **revenue**: the won deals whose account is in at least one live axis's scope (segment AND axis) and whose
  close date is in that axis's objective period up to the evaluation date, each deal once;
* **baseline**: likewise on the same days a year earlier; an axis with a fixed baseline (pro-rated by the
  elapsed share of its period, as for the axis) adds that figure, less the year-earlier revenue of its
  accounts that the other live axes already counted (never below zero);
* **objective** and **cost**: sums over the live axes; **ROI** = (additional x margin - cost) / cost, the
  margin being the live axes' margin rates weighted by their objectives.

Pure: it reads the engine's won-deal ledger, the axes' account sets and their results.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from pac_core import kpis
from pac_core.plan import Axis, Plan
from pac_core.results import AxisProgress, Pace, PlanTotals, SegmentProgress
from pac_core.revenue import ZERO, DateRange, WonLedger, baseline_range, to_date, window_days


def live_totals(plan: Plan, rows: Sequence[AxisProgress], members: Mapping[str, frozenset[int]], ledger: WonLedger,
                *, as_of: datetime, zone: ZoneInfo, segment_id: str | None = None) -> PlanTotals:
    """Totals over the live axes of the plan (``segment_id`` None) or of one segment; see the module's rules.

    ``members`` maps an axis id to the account numbers of its scope (segment AND axis), as the engine computed
    them for the axis's own figures.
    """
    results = {r.axis_id: r for r in rows}
    axes = [a for a in plan.axes if a.id in results and (segment_id is None or a.segment_id == segment_id)]
    live = [a for a in axes if results[a.id].pace is not Pace.INACTIVE]
    counted: set[int] = set()       # ledger positions of this year's deals, each once
    measured: set[int] = set()      # ledger positions of the year-earlier deals summed as baseline
    covered: set[int] = set()       # year-earlier positions already accounted for (measured or in a fixed figure)
    fixed = ZERO
    # axes measured on the year before first, so a fixed baseline knows which of its deals are already counted
    for axis in sorted(live, key=_has_fixed_baseline):
        days = _days(plan, axis, as_of, zone)
        counted |= _positions(ledger, days, members[axis.id])
        earlier = _positions(ledger, baseline_range(days), members[axis.id])
        objective = axis.objective
        if objective is not None and objective.baseline is not None:
            share = Decimal(str(objective.period.elapsed_share(as_of)))
            fixed += max(ZERO, objective.baseline * share - _sum(ledger, earlier & covered))
        else:
            measured |= earlier
        covered |= earlier
    revenue = _sum(ledger, counted)
    baseline = _sum(ledger, measured) + fixed
    additional = revenue - baseline
    objectives = [a.objective for a in live if a.objective is not None]
    target = sum((o.additional_revenue for o in objectives), ZERO) if objectives else None
    costs = [results[a.id].cost for a in live if results[a.id].cost is not None]
    cost = sum(costs, ZERO) if costs else None      # type: ignore[arg-type]
    margin = ZERO
    if target:
        margin = sum((o.margin_rate * o.additional_revenue for o in objectives), ZERO) / target
    elif objectives:
        margin = sum((o.margin_rate for o in objectives), ZERO) / len(objectives)
    return PlanTotals(
        revenue=revenue, baseline=baseline, additional=additional, objective=target,
        progress=kpis.ratio(additional, target), cost=cost, roi=kpis.roi(additional, margin, cost),
        axis_ids=tuple(a.id for a in live),
        left_out=tuple(a.id for a in axes if results[a.id].pace is Pace.INACTIVE),
        overlap=sum((results[a.id].additional for a in live), ZERO) - additional)


def with_totals(plan: Plan, segments: Sequence[SegmentProgress], rows: Sequence[AxisProgress],
                members: Mapping[str, frozenset[int]], ledger: WonLedger, *, as_of: datetime,
                zone: ZoneInfo) -> tuple[list[SegmentProgress], PlanTotals]:
    """The segments with their ROI over their live axes (each deal once), and the plan's totals.

    A segment's revenue, baseline, additional revenue and trend stay those of its whole scope (what the
    segment did); its ROI is the return of what was spent on it: its live axes' additional revenue, each
    deal once, against their cost. None when no live axis of the segment has a cost.
    """
    ranked = [replace(s, roi=live_totals(plan, rows, members, ledger, as_of=as_of, zone=zone,
                                         segment_id=s.segment_id).roi) for s in segments]
    return ranked, live_totals(plan, rows, members, ledger, as_of=as_of, zone=zone)


def _has_fixed_baseline(axis: Axis) -> bool:
    return axis.objective is not None and axis.objective.baseline is not None


def _days(plan: Plan, axis: Axis, as_of: datetime, zone: ZoneInfo) -> DateRange:
    """The axis's objective period (else the plan's), as local days, up to the evaluation date."""
    period = axis.objective.period if axis.objective else plan.period
    return to_date(window_days(period, zone), as_of, zone)


def _positions(ledger: WonLedger, days: DateRange, members: frozenset[int]) -> set[int]:
    """Ledger positions of the won deals closed in ``days`` on accounts of ``members``."""
    _, by_account = ledger.by_account(days)
    small, big = (by_account.keys(), members) if len(by_account) <= len(members) else (members, by_account)
    return {p for n in small if n in big for p in by_account[n]}


def _sum(ledger: WonLedger, positions: set[int]) -> Decimal:
    amounts = ledger.amounts
    return sum((amounts[p] for p in positions), ZERO)
