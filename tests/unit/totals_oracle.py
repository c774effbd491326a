"""An independent reference for the segments' and the plan's totals, written from docs/engine.md alone (*Revenue,
baseline and attribution*, *Objectives written as a percentage*, *KPIs and ROI*: *Per segment*, *Plan totals*) and
the method (docs pac-method.md: the additional revenue an axis must bring, its expected ROI), never from
pac_core/totals.py.

It reads the records through the revenue reference's primitives (tests/unit/revenue_oracle.py: what a deal is worth,
which lines a scope keeps, the axes' spans and their own figures, checked against the engine there) and computes the
totals its own way, one deal at a time: a ledger of which live axes hold each deal now and a year earlier, from which
the plan's revenue, baseline, gross margin, costs, ROI, progress and overlap follow.

The totals are over the **live axes with an objective** (an axis without one has no objective period, no margin rate
and no objective: its revenue is no progress towards the plan's objectives; docs/engine.md, *Plan totals*);
``left_out`` lists the suspended and dropped axes, with an objective or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from pac_core.engine_settings import EngineSettings
from pac_core.plan import Axis, Plan
from pac_core.records import Deal, Records
from tests.unit.revenue_oracle import DAYS_PER_MONTH, TOO_EARLY, _meet, _Org, inside, prorated
from tests.unit.revenue_oracle import live as is_live

Span = tuple  # (first day, last day) | None, as the revenue reference's spans


@dataclass
class Totals:
    axis_ids: tuple[str, ...]
    left_out: tuple[str, ...]
    revenue: Decimal
    baseline: Decimal
    additional: Decimal
    objective: Decimal | None
    progress: float | None
    cost: Decimal | None
    cost_to_date: Decimal | None
    roi: float | None
    roi_known: bool
    overlap: Decimal


@dataclass
class AxisCost:
    cost: Decimal | None
    cost_to_date: Decimal | None
    roi: float | None
    months_to_roi: float | None


def cost_of(axis: Axis) -> Decimal | None:
    """The objective's cost for its whole period: its budget, else effort days x day cost (both needed)."""
    o = axis.objective
    if o is None:
        return None
    if o.budget is not None:
        return o.budget
    if o.effort_days is not None and o.day_cost is not None:
        return o.effort_days * o.day_cost
    return None


def _mean(rates: list[Decimal]) -> Decimal:
    return sum(rates, Decimal(0)) / len(rates)


class TotalsReference:
    """One evaluation's totals, by plain loops over the deals."""

    def __init__(self, plan: Plan, records: Records, as_of: datetime, settings: EngineSettings) -> None:
        self.org = _Org(plan, records, as_of, settings)
        self.plan, self.as_of = plan, as_of

    # -- the axes ---------------------------------------------------------------------------------------------------
    def live(self, segment_id: str | None = None) -> list[Axis]:
        return [a for a in self.org.live_axes() if segment_id is None or a.segment_id == segment_id]

    def axis_cost(self, axis: Axis) -> AxisCost:
        """Cost, cost to date (pro-rated day for day), ROI to date and the payback in months from the period's start,
        none of the last two before a tenth of the period."""
        o = axis.objective
        assert o is not None
        cost = cost_of(axis)
        if cost is None:
            return AxisCost(None, None, None, None)
        to_date = prorated(cost, o.period, self.org.today, self.org.zone)
        additional = self.org.axis_figures(axis).additional
        margin = additional * o.margin_rate
        early = o.period.elapsed_share(self.as_of) < TOO_EARLY
        roi = None if early or to_date <= 0 else float((margin - to_date) / to_date)
        months = None
        if not early and cost > 0 and margin > 0:
            start, end, now = o.period.start.timestamp(), o.period.end.timestamp(), self.as_of.timestamp()
            gone = (min(max(now, start), end) - start) / 86400 / DAYS_PER_MONTH
            if gone > 0:
                months = float(cost * Decimal(gone) / margin)
        return AxisCost(cost, to_date, roi, months)

    # -- one deal ---------------------------------------------------------------------------------------------------
    def holders(self, deal: Deal, axes: list[Axis], spans: dict[str, Span]) -> dict[str, tuple[int, ...]]:
        """The axes holding ``deal`` on their days: axis id -> () whole, or the lines kept."""
        out = {}
        for a in axes:
            kept = self.org.counts(a, deal, spans[a.id])
            if kept is not None:
                out[a.id] = kept
        return out

    def worth(self, deal: Deal, held: dict[str, tuple[int, ...]]) -> Decimal:
        """The deal once: whole when an axis holds it whole (the larger of its typed amount and the lines product axes
        count, when the two differ), else the union of the lines held."""
        lines = sorted({i for kept in held.values() for i in kept})
        by_lines = sum((self.org.line_value(deal, deal.lines[i]) for i in lines), Decimal(0))
        if any(kept == () for kept in held.values()):
            return max(self.org.value(deal), by_lines) if lines and self.org.differs(deal) else self.org.value(deal)
        return by_lines

    def margin(self, deal: Deal, held: dict[str, tuple[int, ...]], rated: dict[str, tuple[int, ...]]
               ) -> Decimal | None:
        """The gross margin of what ``held`` counts of ``deal``, each part at the mean rate of the axes of ``rated``
        holding it (the whole-deal axes, and per line the product axes counting it); None where the docs do not say
        (a typed amount differing from its lines, held whole by one axis and by lines by another)."""
        rate = {a.id: a.objective.margin_rate for a in self.plan.axes if a.objective is not None}
        whole_rates = [rate[a] for a, kept in rated.items() if kept == ()]
        line_axes = [(rate[a], kept) for a, kept in rated.items() if kept != ()]
        held_whole = any(kept == () for kept in held.values())
        if held_whole and not line_axes:
            return self.org.value(deal) * _mean(whole_rates)
        if held_whole and self.org.differs(deal):
            if held != rated:       # a year earlier, a fixed baseline's product axis rating lines no measured one reads
                return None
            # counted at the larger of its typed amount and the lines counted: those lines at their mean rates, the
            # rest of the typed amount (none when the lines are larger) at the whole-deal axes' mean
            counted = sorted({i for kept in held.values() for i in kept})
            total, on_lines = Decimal(0), Decimal(0)
            for i in counted:
                amount = self.org.line_value(deal, deal.lines[i])
                on_lines += amount
                total += amount * _mean(whole_rates + [r for r, kept in line_axes if i in kept])
            return total + (self.worth(deal, held) - on_lines) * _mean(whole_rates)
        lines = range(len(deal.lines)) if held_whole else sorted({i for kept in held.values() for i in kept})
        total, on_lines = Decimal(0), Decimal(0)
        for i in lines:
            amount = self.org.line_value(deal, deal.lines[i])
            on_lines += amount
            total += amount * _mean(whole_rates + [r for r, kept in line_axes if i in kept])
        if held_whole:
            total += (self.org.value(deal) - on_lines) * _mean(whole_rates)
        return total

    # -- fixed baselines --------------------------------------------------------------------------------------------
    def fixed_part(self, axis: Axis, before: list[Axis]) -> Decimal:
        """A fixed baseline's part of a total's baseline: its pro-rated figure less the year-earlier revenue of its own
        scope on its own days a year earlier that ``before`` (the measured axes, the fixed ones before it) read, each
        deal once, never below 0."""
        o = axis.objective
        assert o is not None and o.baseline is not None
        base = self.org.base_spans()
        already = Decimal(0)
        for deal in self.org.deals:
            mine = self.org.counts(axis, deal, base[axis.id])
            if mine is None:
                continue
            held = {}
            for other in before:
                if not inside(deal.day(self.org.zone), _meet(base[other.id], base[axis.id])):
                    continue
                kept = self.org.lines_kept(deal, self.org.axis_scope(axis) & self.org.axis_scope(other), other.who,
                                           axis.who)
                if kept is not None:
                    held[other.id] = kept
            if held:
                already += self.worth(deal, held)
        return max(Decimal(0), prorated(o.baseline, o.period, self.org.today, self.org.zone) - already)

    # -- totals -----------------------------------------------------------------------------------------------------
    def totals(self, segment_id: str | None = None) -> Totals:
        live = self.live(segment_id)
        measured = [a for a in live if a.objective is not None and a.objective.baseline is None]
        fixed = [a for a in live if a.objective is not None and a.objective.baseline is not None]
        spans, base = self.org.spans(), self.org.base_spans()
        revenue = baseline = gross = Decimal(0)
        known = True
        for deal in self.org.deals:
            now = self.holders(deal, live, spans)
            if now:
                revenue += self.worth(deal, now)
                m = self.margin(deal, now, now)
                known = known and m is not None
                gross += m or 0
            before = self.holders(deal, live, base)
            read = {a: kept for a, kept in before.items() if a in {x.id for x in measured}}
            if read:
                baseline += self.worth(deal, read)
                m = self.margin(deal, read, before)
                known = known and m is not None
                gross -= m or 0
        # the fixed figures, the larger written one first (ties by axis id), whatever the plan's order
        fixed = sorted(fixed, key=lambda a: (-(a.objective.baseline or 0) if a.objective else 0, a.id))
        for i, axis in enumerate(fixed):
            part = self.fixed_part(axis, measured + fixed[:i])
            baseline += part
            assert axis.objective is not None
            gross -= part * axis.objective.margin_rate
        additional = revenue - baseline
        objectives = [self.org.axis_figures(a).objective for a in live]
        objective = sum((o for o in objectives if o is not None), Decimal(0)) if live else None
        costs = [(a, cost_of(a)) for a in live if cost_of(a) is not None]
        # a live axis whose cost is not written: the plan's cost is unknown, not the sum of the others' (audit m3cost)
        written = bool(costs) and len(costs) == len(live)
        cost = sum((c for _, c in costs if c is not None), Decimal(0)) if written else None
        to_date = sum((self.axis_cost(a).cost_to_date or Decimal(0) for a, _ in costs), Decimal(0)) if written else None
        roi = None
        # a live axis whose cost is not written: its margin would count and its cost not; the ROI is unknown
        if len(costs) == len(live) and costs and to_date is not None and to_date > 0 and max(
                a.objective.period.elapsed_share(self.as_of) for a, _ in costs if a.objective is not None) >= TOO_EARLY:
            roi = float((gross - to_date) / to_date)
        overlap = sum((self.org.axis_figures(a).additional for a in live), Decimal(0)) - additional
        return Totals(
            tuple(a.id for a in live),
            tuple(a.id for a in self.plan.axes if not is_live(a, self.org.today)
                  and (segment_id is None or a.segment_id == segment_id)),
            revenue, baseline, additional, objective,
            float(additional / objective) if objective else None,
            cost, to_date, roi, known, overlap)
