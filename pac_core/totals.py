"""The plan's totals and each segment's ROI over the live axes, every won deal counted once.

Axis figures answer "what did this axis's scope bring" and overlap (a pharma laboratory in the Rhône is in
the Rhône-Alpes axes and in the pharma axes; two axes of one segment may share a scope): adding them
counts a deal several times. Here, per group of axes (the whole plan, or one segment):

* **live axes** only: an axis suspended (until its ``until`` day) or dropped (``pace`` inactive) is left
  out of revenue, baseline, objective and cost, and listed in ``left_out``; an axis without an objective is left
  out too (no period, no margin rate, no objective: its revenue is no progress towards the plan's objectives);
* **revenue**: the won deals whose account is in at least one live axis's scope (segment AND axis) and whose
  close date is in that axis's objective period up to the evaluation date, each deal once;
* **baseline**: likewise on the same days a year earlier; an axis with a fixed baseline (pro-rated by the
  elapsed share of its period, as for the axis) adds that figure, less the year-earlier revenue of its
  accounts that the other live axes already counted (never below zero);
* **objective** and **cost**: sums over the live axes (the cost unknown when a live axis's is not written);
  **ROI to date** = (gross margin - cost to date) / cost
  to date (unknown when a live axis's cost is not written: its margin would count, its cost not), the cost to
  date summing each live axis's cost pro-rated over its own objective period up to the evaluation date (as the
  axis's own ROI reads it), the gross margin being each counted deal (or line) at the
  margin rate of the axis counting it (the mean of their rates where several do), less the baseline's deals
  likewise, less each fixed baseline at its axis's rate: over disjoint axes, the sum of each axis's additional
  revenue x its rate, as the axes' table reads.

Pure: it reads the engine's won-deal ledger, the axes' account sets and their results.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np

from pac_core import kpis
from pac_core.plan import Axis, Plan
from pac_core.results import AxisProgress, Pace, PlanTotals, SegmentProgress
from pac_core.revenue import (
    ZERO,
    DateRange,
    DealFilter,
    Members,
    WonLedger,
    as_set,
    baseline_range,
    differs_from_lines,
    last_day,
    lines_amount,
    measure,
    prorated,
    to_date,
    weekly_year,
    window_days,
)


def live_totals(plan: Plan, rows: Sequence[AxisProgress], members: Mapping[str, Members], ledger: WonLedger,
                *, as_of: datetime, zone: ZoneInfo, segment_id: str | None = None,
                filters: Mapping[str, DealFilter] | None = None,
                owner_email: Mapping[tuple[str, str], str] | None = None,
                units: dict[str, tuple[Units, Units]] | None = None) -> PlanTotals:
    """Totals over the live axes of the plan (``segment_id`` None) or of one segment; see the module's rules.
    ``units``: each axis's deals this year and a year earlier, filled as they are found (``with_totals`` shares
    it between the segments and the plan, so no axis's deals are selected twice).

    ``members`` maps an axis id to the account numbers of its scope (segment AND axis), as the engine computed
    them for the axis's own figures (a set, or a boolean array per account number); ``filters`` its deal
    conditions (``who``, deal owner, products): a deal counts once, and with product axes each **line** once (a
    deal counted whole by one axis is counted whole, at the larger of its amount and the lines the axes counted when
    its typed amount differs from its priced lines: ``Units.total``). Whole deals are a boolean array over the
    ledger's positions.
    """
    filters, emails = filters or {}, owner_email or {}
    units = {} if units is None else units
    results = {r.axis_id: r for r in rows}
    axes = [a for a in plan.axes if a.id in results and (segment_id is None or a.segment_id == segment_id)]
    # an axis without an objective has no objective period, margin rate nor objective: its deals are no progress
    # towards the plan's objectives (an axis pac plan import made, its objective not written yet)
    live = [a for a in axes if results[a.id].pace is not Pace.INACTIVE and a.objective is not None]
    parts = _parts(plan, live, members, ledger, as_of, zone, filters, emails, units)
    counted, measured, fixed = parts.counted, parts.measured, parts.fixed
    revenue = counted.total(ledger)
    baseline = measured.total(ledger) + fixed
    additional = revenue - baseline
    objectives = [a.objective for a in live if a.objective is not None]
    target = sum((o.additional_revenue for o in objectives), ZERO) if objectives else None
    # a live axis whose cost is not written: its margin is in the gross margin, its cost unknown, so are the plan's
    # cost and ROI (as that axis's own ROI); a cost of 0 is written (a free axis). The costs written were summed as
    # the plan's cost, a figure read as the whole plan's with an axis left out (audit m3cost)
    unknown = any(o.cost is None for o in objectives)
    costs = [c for c in (results[a.id].cost for a in live) if c is not None]
    cost = sum(costs, ZERO) if costs and not unknown else None
    spent = [c for c in (results[a.id].cost_to_date for a in live) if c is not None]
    cost_to_date = sum(spent, ZERO) if spent and not unknown else None
    gross = _margin(ledger, counted, parts.this_year) - _margin(ledger, measured, parts.year_before) \
        - parts.fixed_margin
    # no ROI before a tenth of the periods it is spent over, as each axis's (kpis.roi; audit reverify N7): the
    # longest-running objective with a cost decides
    share = max((o.period.elapsed_share(as_of) for o in objectives if o.cost is not None), default=1.0)
    return PlanTotals(
        revenue=revenue, baseline=baseline, additional=additional, objective=target,
        progress=kpis.ratio(additional, target), cost=cost, cost_to_date=cost_to_date,
        roi=None if unknown else kpis.roi(gross, Decimal(1), cost_to_date, share=share),
        axis_ids=tuple(a.id for a in live),
        left_out=tuple(a.id for a in axes if results[a.id].pace is Pace.INACTIVE),
        overlap=sum((results[a.id].additional for a in live), ZERO) - additional)


@dataclass
class _Parts:
    """What a group of live axes counts (``live_totals``): this year's deals, the year-earlier deals summed as
    baseline (``measured``), those a fixed baseline stands for (``absorbed``: its axis's year-earlier deals no
    measured axis reads), the fixed figures' parts and their margin, and each axis's deals with its rate."""

    counted: Units
    measured: Units
    absorbed: Units
    fixed: Decimal
    fixed_margin: Decimal
    this_year: list[tuple[Units, Decimal | None]]
    year_before: list[tuple[Units, Decimal | None]]


def _parts(plan: Plan, live: Sequence[Axis], members: Mapping[str, Members], ledger: WonLedger, as_of: datetime,
           zone: ZoneInfo, filters: Mapping[str, DealFilter], emails: Mapping[tuple[str, str], str],
           units: dict[str, tuple[Units, Units]], through: date | None = None) -> _Parts:
    """What ``live`` counts as of ``as_of``; ``through``: the year-earlier deals only up to that day (a whole period
    read before its year earlier is over: none dated after the evaluation date)."""
    size = len(ledger.amounts)
    counted = Units.empty(size)     # ledger positions of this year's deals (and their lines), each once
    measured = Units.empty(size)    # ledger positions of the year-earlier deals summed as baseline
    covered = Units.empty(size)     # year-earlier positions already accounted for (measured or in a fixed figure)
    in_fixed = Units.empty(size)    # year-earlier positions of the fixed-baseline axes
    fixed = ZERO
    fixed_margin = ZERO             # each fixed figure's part x its axis's margin rate
    this_year: list[tuple[Units, Decimal | None]] = []    # each axis's deals, with its margin rate
    year_before: list[tuple[Units, Decimal | None]] = []
    # axes measured on the year before first, so a fixed baseline knows which of its deals are already counted; then
    # the fixed ones, whatever their order in the plan file: the larger written figure first (ties by axis id)
    for axis in sorted(live, key=_baseline_order):
        if axis.id not in units:
            days, flt = _days(plan, axis, as_of, zone), filters.get(axis.id)
            units[axis.id] = (_positions(ledger, days, members[axis.id], flt, emails),
                              _positions(ledger, baseline_range(days, weekly_year(plan.period.quarters)),
                                         members[axis.id], flt, emails))
        mine, earlier = units[axis.id]
        if through is not None:
            earlier = earlier.within(ledger, (date.min, through))
        rate = axis.objective.margin_rate if axis.objective is not None else None
        counted.merge(mine)
        this_year.append((mine, rate))
        year_before.append((earlier, rate))
        objective = axis.objective
        if objective is not None and objective.baseline is not None:
            share_of = prorated(objective.baseline, window_days(objective.period, zone), as_of, zone)
            part = max(ZERO, share_of - earlier.common(covered).total(ledger))
            fixed += part
            fixed_margin += part * objective.margin_rate
            in_fixed.merge(earlier)
        else:
            measured.merge(earlier)
        covered.merge(earlier)
    return _Parts(counted, measured, in_fixed.without(measured), fixed, fixed_margin, this_year, year_before)


def with_totals(plan: Plan, segments: Sequence[SegmentProgress], rows: Sequence[AxisProgress],
                members: Mapping[str, Members], ledger: WonLedger, *, as_of: datetime,
                zone: ZoneInfo, filters: Mapping[str, DealFilter] | None = None,
                owner_email: Mapping[tuple[str, str], str] | None = None) -> tuple[list[SegmentProgress], PlanTotals]:
    """The segments with their ROI over their live axes (each deal once), and the plan's totals.

    A segment's revenue, baseline, additional revenue and trend stay those of its whole scope, deal conditions
    included (what the segment did: a product segment its product's lines), except that a live axis's fixed
    baseline stands for its year-earlier deals there as in the ROI (``_with_fixed``); its ROI is the return of what
    was spent on it: its live axes' additional revenue, each deal once, against their cost to date (None when no
    live axis of the segment has a cost to date), that additional revenue kept as ``roi_additional`` (the report
    shows it where it is not the row's: an axis over the second quarter only, an axis on part of the scope).
    """
    units: dict[str, tuple[Units, Units]] = {}     # each axis's deals, selected once for every group
    ranked = []
    for segment in segments:
        totals = live_totals(plan, rows, members, ledger, as_of=as_of, zone=zone, segment_id=segment.segment_id,
                             filters=filters, owner_email=owner_email, units=units)
        ranked.append(replace(_with_fixed(plan, segment, rows, members, ledger, as_of, zone, filters or {},
                                          owner_email or {}, units),
                              roi=totals.roi, roi_additional=totals.additional if totals.axis_ids else None))
    return ranked, live_totals(plan, rows, members, ledger, as_of=as_of, zone=zone, filters=filters,
                               owner_email=owner_email, units=units)


def _with_fixed(plan: Plan, segment: SegmentProgress, rows: Sequence[AxisProgress], members: Mapping[str, Members],
                ledger: WonLedger, as_of: datetime, zone: ZoneInfo, filters: Mapping[str, DealFilter],
                emails: Mapping[tuple[str, str], str], units: dict[str, tuple[Units, Units]]) -> SegmentProgress:
    """The segment whose live axes include a fixed baseline, with that figure in its baseline in place of the
    year-earlier deals it stands for (its axis's deals that no measured live axis of the segment reads), the figure
    less what those axes already read, as the segment's ROI and the plan's totals take it: to date in ``baseline``
    (pro-rated, so additional = revenue - baseline is the figure the ROI is computed on), whole in
    ``period_baseline`` (the year's target: 100,000 fixed + 50,000 objective, never last year's revenue + 50,000;
    audit meeting F1), standing for the deals of that year up to the evaluation date, as the segment's measured part
    counts them (audit m2year). The trend follows the baseline. The segment unchanged when none of its live axes has
    one."""
    results = {r.axis_id: r for r in rows}
    live = [a for a in plan.axes if a.segment_id == segment.segment_id and a.id in results
            and results[a.id].pace is not Pace.INACTIVE and a.objective is not None]
    if not any(_has_fixed_baseline(a) for a in live):
        return segment
    whole = window_days(plan.period, zone)
    now = _parts(plan, live, members, ledger, as_of, zone, filters, emails, units)
    weeks = weekly_year(plan.period.quarters)   # a 4-4-5 year: last year's same weeks (revenue.baseline_range)
    days = baseline_range(to_date(whole, as_of, zone), weeks)
    # the segment's measured part is not floored: net of credits it may be below 0, as the plan's measured part is
    baseline = segment.baseline - now.absorbed.within(ledger, days).total_beyond(now.measured, ledger) + now.fixed
    period_baseline = segment.period_baseline
    if period_baseline is not None:   # every live axis's whole period: evaluated at the end of the latest one
        end = max([plan.period.end, *(a.objective.period.end for a in live if a.objective is not None)])
        # the year-earlier deals up to the evaluation date, as the segment's measured part (``engine.base_to_date``):
        # while that year is not over, a fixed figure stands for the deals won to date, not for those dated later
        year = _parts(plan, live, members, ledger, end, zone, filters, emails, {}, through=last_day(as_of, zone))
        period_baseline = (period_baseline
                           - year.absorbed.within(ledger, baseline_range(whole, weeks)).total_beyond(year.measured,
                                                                                                    ledger)
                           + year.fixed)
    return replace(segment, baseline=baseline, additional=segment.revenue - baseline,
                   trend=float(segment.revenue / baseline - 1) if baseline > 0 else None,
                   period_baseline=period_baseline)


def _margin(ledger: WonLedger, union: Units, parts: Sequence[tuple[Units, Decimal | None]]) -> Decimal:
    """The gross margin on the amounts ``union`` counts: each deal (or counted line) at the margin rate of the axis
    counting it, the mean of their rates where several do (axes with no objective have no rate and are left out
    of the mean; what only they count brings no margin). A deal some axis counts by its lines (a product axis) is
    taken line by line: each line at the mean rate of the axes counting the whole deal and of those counting that
    line, the rest of the deal's amount (not on a line) at the whole-deal axes' mean. Over disjoint axes (or
    disjoint lines) it is exactly the sum of each axis's additional revenue x its own rate, which is what the axes'
    table shows."""
    rated = [(units, rate) for units, rate in parts if rate is not None]
    if not rated:
        return ZERO
    by_lines = {pos for units, _ in rated for pos in units.lines}
    gross = ZERO
    # deals no rated axis counts by lines: one mean per set of axes counting them (one bit per axis, 62 a word)
    plain = union.whole.copy()
    plain[list(by_lines)] = False
    rows = np.flatnonzero(plain)      # the union's deals, ascending: the keys are read at those only
    keys = np.zeros((len(rows), (len(rated) + 61) // 62), dtype=np.int64)
    for k, (units, _) in enumerate(rated):
        keys[:, k // 62] |= units.whole[rows].astype(np.int64) << np.int64(k % 62)
    some = keys.any(axis=1)
    rows, keys = rows[some], keys[some]
    if len(rows):
        if keys.shape[1] == 1:      # up to 62 rated axes: one word per deal, a plain sort
            flat, group = np.unique(keys[:, 0], return_inverse=True)
            patterns = [[int(word)] for word in flat.tolist()]
        else:
            found, group = np.unique(keys, axis=0, return_inverse=True)
            patterns = found.tolist()
        group = group.reshape(-1)
        # the deals grouped by pattern, each group's positions ascending (a stable sort of ascending rows; on 16-bit
        # group numbers when they fit, a radix sort)
        order = np.argsort(group.astype(np.uint16) if len(patterns) <= 1 << 16 else group, kind="stable")
        bounds = np.cumsum(np.bincount(group, minlength=len(patterns)))[:-1]
        for pattern, positions in zip(patterns, np.split(rows[order], bounds), strict=True):
            gross += ledger.sum_at(positions) * _mean([r for k, (_, r) in enumerate(rated)
                                                       if pattern[k // 62] >> (k % 62) & 1])
    # deals some rated axis counts by lines: line by line
    for pos in sorted(by_lines):
        if not union.whole[pos] and pos not in union.lines:
            continue
        wholes = [r for units, r in rated if units.whole[pos]]
        deal_lines = ledger.deals[pos].lines
        counted = range(len(deal_lines)) if union.whole[pos] else sorted(union.lines[pos])
        on_lines = ZERO
        for i in counted:
            amount = lines_amount(deal_lines, (i,), ledger.rates[pos])
            on_lines += amount
            rates = wholes + [r for units, r in rated if i in units.lines.get(pos, ())]
            gross += amount * _mean(rates)
        if union.whole[pos] and wholes:
            whole = ledger.sum_at(np.array([pos])) + union.excess(ledger, pos)   # what the total counts of it
            gross += (whole - on_lines) * _mean(wholes)
    return gross


def _mean(rates: Sequence[Decimal]) -> Decimal:
    return sum(rates, ZERO) / len(rates) if rates else ZERO


def _has_fixed_baseline(axis: Axis) -> bool:
    return axis.objective is not None and axis.objective.baseline is not None


def _baseline_order(axis: Axis) -> tuple[bool, Decimal, str]:
    """The order a total reads its live axes in for its baseline: the measured ones first, then those with a fixed
    baseline by their written figure, the larger first, ties by axis id. A fixed figure loses what the ones read
    before it stand for, so the order decides which of two overlapping figures gives way; taking it from the file
    made reordering the axes move the plan's baseline (50,000 and 0 over one scope with a 1,000 order a year earlier
    read 50,000 or 49,000: audit oracle2rev M1). The larger first keeps the larger estimate whole."""
    if axis.objective is None or axis.objective.baseline is None:
        return (False, ZERO, "")
    return (True, -axis.objective.baseline, axis.id)


def _days(plan: Plan, axis: Axis, as_of: datetime, zone: ZoneInfo) -> DateRange:
    """The axis's objective period (else the plan's), as local days, up to the evaluation date."""
    period = axis.objective.period if axis.objective else plan.period
    return to_date(window_days(period, zone), as_of, zone)


@dataclass
class Units:
    """Ledger positions counted, each once: ``whole`` deals (a boolean array over the ledger's positions), and
    ``lines``, the lines product axes count of a deal (position -> those lines' indexes); a deal counted whole by
    one axis is whole, whatever the others count of it, and its counted lines are kept only for ``excess``."""

    whole: np.ndarray
    lines: dict[int, frozenset[int]] = field(default_factory=dict)

    @classmethod
    def empty(cls, size: int) -> Units:
        return cls(np.zeros(size, dtype=bool))

    def merge(self, more: Units) -> None:
        """Add ``more``: a whole deal becomes (or stays) whole; lines of a deal add up."""
        self.whole |= more.whole
        for pos, lines in more.lines.items():
            mine = self.lines.get(pos)
            self.lines[pos] = lines if mine is None else mine | lines

    def common(self, other: Units) -> Units:
        """What both count: a deal whole in both is whole, otherwise the lines both count (a whole deal counts
        every line)."""
        out = Units(self.whole & other.whole)
        for pos, lines in self.lines.items():
            if out.whole[pos] or self.whole[pos]:
                continue
            if other.whole[pos]:
                out.lines[pos] = lines
            elif pos in other.lines:
                out.lines[pos] = lines & other.lines[pos]
        for pos, lines in other.lines.items():
            if self.whole[pos] and not out.whole[pos]:
                out.lines[pos] = lines
        return out

    def without(self, other: Units) -> Units:
        """What this counts that ``other`` does not (a deal whole here and partly counted there stays whole)."""
        out = Units(self.whole & ~other.whole)
        for pos, lines in self.lines.items():
            if other.whole[pos] or self.whole[pos]:
                continue
            rest = lines - other.lines.get(pos, frozenset())
            if rest:
                out.lines[pos] = rest
        return out

    def within(self, ledger: WonLedger, days: DateRange) -> Units:
        """The deals (and lines) of this closed in ``days``."""
        lo, hi = ledger.span(days)
        out = Units.empty(len(self.whole))
        out.whole[lo:hi] = self.whole[lo:hi]
        out.lines = {pos: lines for pos, lines in self.lines.items() if lo <= pos < hi}
        return out

    def total(self, ledger: WonLedger) -> Decimal:
        """The amount counted: whole deals' amounts and the counted lines' amounts (converted like the deal)."""
        # exact: any order gives the same sum; the positions counted as an index (a gather of the few thousand
        # counted), not the boolean array over the whole ledger (a masked sum reads every position, several times
        # slower)
        total = ledger.sum_at(np.flatnonzero(self.whole))
        for pos, lines in self.lines.items():
            if self.whole[pos]:
                total += self.excess(ledger, pos)
            else:
                total += lines_amount(ledger.deals[pos].lines, lines, ledger.rates[pos])
        return total

    def total_beyond(self, other: Units, ledger: WonLedger) -> Decimal:
        """The amount this counts that ``other`` does not, for units from ``without(other)``: a deal whole here whose
        lines ``other`` counts (a measured product axis reading the MAINT line of an order a fixed baseline stands
        for) counts its amount less those lines, not its whole amount (the revenue oracle: the segment lost the
        MAINT line its measured axis read)."""
        total = self.total(ledger)
        for pos, lines in other.lines.items():
            if self.whole[pos] and not other.whole[pos]:
                total -= lines_amount(ledger.deals[pos].lines, lines, ledger.rates[pos])
        return total

    def excess(self, ledger: WonLedger, pos: int) -> Decimal:
        """What a whole deal counts beyond its amount: when its typed amount differs from its priced lines (the
        warning ``amount_differs_from_lines``: HubSpot lets an amount differ from its line items) and product axes
        count some of its lines, the total takes the larger of its amount and those lines, so it is never below a
        live axis because of that deal (audit revenue F2: a 5,000 amount with a MAINT line of 8,000 totalled 5,000
        with a whole-deal axis beside the MAINT one, 8,000 without it). A deal whose amount is its lines' sum (every
        Salesforce opportunity with products) counts its amount: its negative lines (a discount, a refund) net it."""
        lines = self.lines.get(pos)
        if not self.whole[pos] or not lines:
            return ZERO
        deal_lines, rate = ledger.deals[pos].lines, ledger.rates[pos]
        if not differs_from_lines(ledger.deals[pos].amount, deal_lines):
            return ZERO
        return max(ZERO, lines_amount(deal_lines, lines, rate) - ledger.amounts[pos])


def _positions(ledger: WonLedger, days: DateRange, members: Members, flt: DealFilter | None = None,
               emails: Mapping[tuple[str, str], str] | None = None) -> Units:
    """Ledger positions of the won deals closed in ``days`` on accounts of ``members`` passing the axis's deal
    conditions, with the lines that count (whole deals apart)."""
    out = Units.empty(len(ledger.amounts))
    if flt is not None and not flt.is_everything:
        kept, _ = measure(ledger, days, as_set(members), flt, emails or {})
        for p, (_, lines) in kept.items():
            if lines is None:
                out.whole[p] = True
            else:
                out.lines[p] = frozenset(lines)
        return out
    if ledger.account_array is None:
        out.whole[ledger.positions_of(days, members)] = True
    else:
        lo, hi, keep = ledger.select(days, members)
        out.whole[lo:hi] = keep
    return out
