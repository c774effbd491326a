"""A second, independent oracle of the figures a manager brings to the sales meeting: per axis revenue, baseline,
additional revenue, objective (amounts and percentages), cost to date and ROI to date; per segment revenue, baseline,
objective and ROI; the plan's totals. Written from docs/engine.md (*Won deals without amount*, *Credits*, *Owners and
products: deal conditions*, *Revenue, baseline and attribution*, *Objectives written as a percentage*, *KPIs and
ROI*) and docs/plan-format.md only, without pac_core's code: it reads its own plain description of a plan
(:class:`PlanSpec`), which tests/unit/test_oracle2_revenue.py also writes as a plan file and CRM records for
``evaluate()``.

Portions: what a figure counts of one deal is either the deal whole (``WHOLE``) or a set of its lines (product
conditions); a union of portions is whole as soon as one is, an intersection keeps the narrower one.
"""

from __future__ import annotations

import calendar
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

WHOLE = "whole"
Portion = str | frozenset[int]          # WHOLE, or the indexes of the lines counted
MINOR = {"JPY": 0}


def minor(currency: str) -> Decimal:
    return Decimal(1).scaleb(-MINOR.get(currency, 2))


def round_money(value: Decimal, currency: str) -> Decimal:
    return value.quantize(minor(currency), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineSpec:
    product: str                       # its code (and capacity key)
    amount: Decimal | None
    family: str = "Fam"
    name: str = ""                     # "" : "<code> item"

    def values(self) -> set[str]:
        """What a ``product`` condition matches: code, family or name, each multi-select value apart, without case."""
        name = self.name or f"{self.product} item"
        return {fold(v) for text in (self.product, self.family, name) for v in text.split(";")}


def fold(text: str) -> str:
    """Compared without case nor accents: « Équipement » is « equipement »."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True)
class DealSpec:
    id: str
    account: str
    owner: str                         # the owner's e-mail
    day: date                          # the local close day
    amount: Decimal | None
    currency: str | None               # None: the plan's
    lines: tuple[LineSpec, ...] = ()
    won: bool = True
    deleted: bool = False
    rates: tuple[str, tuple[tuple[str, Decimal], ...], int] | None = None   # the CRM's (corporate, rates, places)
    closed_late_utc: bool = False      # a HubSpot instant whose UTC date is not ``day``


@dataclass(frozen=True)
class AccountSpec:
    id: str
    departement: str
    industry: str


@dataclass(frozen=True)
class Cond:
    """An account condition (``departement``, ``industry``) or a deal condition (``product``, ``deal_owner``)."""

    key: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class AxisSpec:
    id: str
    segment: str
    conds: tuple[Cond, ...] = ()
    who: tuple[str, ...] = ()
    has_objective: bool = True
    amount: Decimal | None = None      # the additional revenue written as an amount ...
    rate: Decimal | None = None        # ... or as a growth rate (0.3 for "30 %")
    period: str | None = None          # None (the plan's), "Q1".."Q4", "H1", "H2", "2027-03-01..2027-06-15"
    fixed: Decimal | None = None       # a fixed baseline, else the previous year's
    margin: Decimal = Decimal("0.3")
    budget: Decimal | None = None
    effort: tuple[Decimal, Decimal] | None = None   # effort days, day cost
    status: str = "active"             # active, dropped, suspended
    until: date | None = None          # a suspension's last day
    since: date | None = None          # the day a suspension or a drop took effect (None: the whole period)

    def cost(self) -> Decimal | None:
        if self.budget is not None:
            return self.budget
        if self.effort is not None:
            return self.effort[0] * self.effort[1]
        return None


@dataclass(frozen=True)
class SegmentSpec:
    id: str
    conds: tuple[Cond, ...]


@dataclass
class PlanSpec:
    kind: str                          # cal, fy_feb, fy_oct, 445
    start: date
    end: date                          # last day
    currency: str
    accounts: tuple[AccountSpec, ...]
    segments: tuple[SegmentSpec, ...]
    axes: tuple[AxisSpec, ...]
    deals: tuple[DealSpec, ...]
    fx: dict[str, Decimal] = field(default_factory=dict)
    split: bool = False
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Paris"))


# ---------------------------------------------------------------------------------------------- calendar

def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def quarters(spec: PlanSpec) -> list[tuple[date, date]]:
    if spec.kind == "445":
        starts = [spec.start + timedelta(weeks=13 * i) for i in range(4)]
    else:
        starts = [add_months(spec.start, 3 * i) for i in range(4)]
    ends = [s - timedelta(days=1) for s in starts[1:]] + [spec.end]
    return list(zip(starts, ends, strict=True))


def objective_period(spec: PlanSpec, axis: AxisSpec) -> tuple[date, date]:
    q = quarters(spec)
    if axis.period is None:
        return spec.start, spec.end
    if ".." in axis.period:
        first, last = axis.period.split("..")
        return date.fromisoformat(first), date.fromisoformat(last)
    if axis.period == "H1":
        return q[0][0], q[1][1]
    if axis.period == "H2":
        return q[2][0], q[3][1]
    return q[int(axis.period[1]) - 1]


def last_day(as_of: datetime, zone: ZoneInfo) -> date:
    """The last local day begun at ``as_of``: the day before at exactly local midnight."""
    local = as_of.astimezone(zone)
    return local.date() - timedelta(days=1) if local.time() == time(0) else local.date()


def year_earlier(spec: PlanSpec, first: date, last: date) -> tuple[date, date]:
    """docs/engine.md: 52 weeks earlier in a year cut in weeks, its 53rd week (in a 371-day year) mapping to no day: a
    first day in it to the year's first day, a last day in it to the day before (last year's last day), a day after
    the year to the same day of the same week this year; else a month's last day maps to that month's last day
    a year earlier, a first day on 29 February to 1 March a year earlier, any other day to the same date."""
    if spec.kind == "445":
        length = (spec.end - spec.start).days + 1     # 364 or 371

        def back(day: date, is_first: bool) -> date:
            if day > spec.end:
                return day - timedelta(days=length)
            if (day - spec.start).days < 364:
                return day - timedelta(days=364)
            return spec.start if is_first else spec.start - timedelta(days=1)
        return back(first, True), back(last, False)
    if first.month == 2 and first.day == 29:
        start = date(first.year - 1, 3, 1)
    else:
        start = date(first.year - 1, first.month, first.day)
    if last.day == calendar.monthrange(last.year, last.month)[1]:
        end = date(last.year - 1, last.month, calendar.monthrange(last.year - 1, last.month)[1])
    else:
        end = date(last.year - 1, last.month, last.day)
    return start, end


def to_date(first: date, last: date, today: date) -> tuple[date, date] | None:
    """The span cut at the evaluation day; None before it starts."""
    if today < first:
        return None
    return first, min(last, today)


def prorated(amount: Decimal, first: date, last: date, today: date) -> Decimal:
    """The amount pro-rated by the span's local days up to ``today``, that day included."""
    total = (last - first).days + 1
    done = max(0, min((today - first).days + 1, total))
    return amount * done / total


def elapsed_share(first: date, last: date, as_of: datetime, zone: ZoneInfo) -> float:
    local = as_of.astimezone(zone).replace(tzinfo=None)
    start = datetime.combine(first, time(0))
    end = datetime.combine(last + timedelta(days=1), time(0))
    return min(1.0, max(0.0, (local - start) / (end - start)))


# ---------------------------------------------------------------------------------------------- money

def convert(spec: PlanSpec, deal: DealSpec, amount: Decimal) -> Decimal:
    """The deal's amount in the plan's currency: its own in the plan's currency; the CRM's rates when they know both
    currencies (rounded half up to the plan currency's minor unit); else into the CRM's corporate currency (rounded to
    its places) and on with ``fx_rates``; ``fx_rates`` for a currency the CRM has no rate for."""
    currency = deal.currency or spec.currency
    if currency == spec.currency:
        return amount
    if deal.rates is not None:
        corporate, pairs, places = deal.rates
        rates = dict(pairs)
        if currency in rates and spec.currency in rates:
            return round_money(amount * rates[spec.currency] / rates[currency], spec.currency)
        if currency in rates:
            in_corporate = (amount * rates[corporate] / rates[currency]).quantize(Decimal(1).scaleb(-places),
                                                                               rounding=ROUND_HALF_UP)
            if corporate == spec.currency:
                return in_corporate
            return round_money(in_corporate * spec.fx[corporate], spec.currency)
    return round_money(amount * spec.fx[currency], spec.currency)


def whole_value(spec: PlanSpec, deal: DealSpec) -> Decimal:
    """A deal counted whole: its amount, else the sum of its priced lines converted once, else 0 (no amount)."""
    if deal.amount is not None:
        return convert(spec, deal, deal.amount)
    priced = [line.amount for line in deal.lines if line.amount is not None]
    return convert(spec, deal, sum(priced, Decimal(0))) if priced else Decimal(0)


def lines_value(spec: PlanSpec, deal: DealSpec, lines: frozenset[int]) -> Decimal:
    """Counted line by line: each line converted (and rounded) on its own, a line without amount 0."""
    return sum((convert(spec, deal, deal.lines[i].amount) for i in sorted(lines)  # type: ignore[arg-type]
                if deal.lines[i].amount is not None), Decimal(0))


def typed_differs(deal: DealSpec) -> bool:
    priced = [line.amount for line in deal.lines if line.amount is not None]
    return deal.amount is not None and bool(priced) and sum(priced, Decimal(0)) != deal.amount


def portion_value(spec: PlanSpec, deal: DealSpec, portion: Portion, counted_lines: frozenset[int] = frozenset()
                  ) -> Decimal:
    """A portion's value; a deal counted whole whose typed amount differs from its priced lines, whose lines other
    figures count (``counted_lines``), counts the larger of the two (docs/engine.md, *Totals*)."""
    if portion == WHOLE:
        whole = whole_value(spec, deal)
        if counted_lines and typed_differs(deal):
            return max(whole, lines_value(spec, deal, counted_lines))
        return whole
    assert isinstance(portion, frozenset)
    return lines_value(spec, deal, portion)


def union(a: Portion | None, b: Portion | None) -> Portion | None:
    if a is None:
        return b
    if b is None:
        return a
    if a == WHOLE or b == WHOLE:
        return WHOLE
    assert isinstance(a, frozenset) and isinstance(b, frozenset)
    return a | b


def intersection(a: Portion | None, b: Portion | None) -> Portion | None:
    if a is None or b is None:
        return None
    if a == WHOLE:
        return b
    if b == WHOLE:
        return a
    assert isinstance(a, frozenset) and isinstance(b, frozenset)
    common = a & b
    return common or None


# ---------------------------------------------------------------------------------------------- scopes

def _matches_line(line: LineSpec, conds: list[Cond]) -> bool:
    """A line's product matches any of a condition's values; a multi-select value (``PUMP;MAINT``) each of its own."""
    return all(line.values() & {fold(v) for v in c.values} for c in conds)


def portion(spec: PlanSpec, conds: tuple[Cond, ...], who: tuple[str, ...], deal: DealSpec) -> Portion | None:
    """What a scope (its account and deal conditions, its axis's ``who``) counts of a won deal, whatever its day."""
    if not deal.won or deal.deleted:
        return None
    account = next((a for a in spec.accounts if a.id == deal.account), None)
    if account is None:
        return None
    for c in conds:
        if c.key == "departement" and account.departement not in c.values:
            return None
        if c.key == "industry" and account.industry not in c.values:
            return None
        if c.key == "deal_owner" and deal.owner not in c.values:
            return None
    if who and deal.owner not in who:
        return None
    products = [c for c in conds if c.key == "product"]
    if not products:
        return WHOLE
    lines = frozenset(i for i, line in enumerate(deal.lines) if _matches_line(line, products))
    return lines or None


def segment_of(spec: PlanSpec, axis: AxisSpec) -> SegmentSpec:
    return next(s for s in spec.segments if s.id == axis.segment)


def axis_conds(spec: PlanSpec, axis: AxisSpec) -> tuple[Cond, ...]:
    return segment_of(spec, axis).conds + axis.conds


def axis_portion(spec: PlanSpec, axis: AxisSpec, deal: DealSpec) -> Portion | None:
    return portion(spec, axis_conds(spec, axis), axis.who, deal)


def live(axis: AxisSpec, today: date) -> bool:
    """Not dropped nor suspended on the evaluation day: a day before ``since`` is before the decision, a day after
    ``until`` after the suspension."""
    if axis.status == "active" or (axis.since is not None and today < axis.since):
        return True
    if axis.status == "dropped":
        return False
    return axis.until is not None and axis.until < today


def in_span(day: date, span: tuple[date, date] | None) -> bool:
    return span is not None and span[0] <= day <= span[1]


# ---------------------------------------------------------------------------------------------- figures

@dataclass
class AxisFigures:
    revenue: Decimal
    baseline: Decimal
    additional: Decimal
    objective: Decimal | None
    cost: Decimal | None
    cost_to_date: Decimal | None
    roi: float | None
    share: float                       # the objective period's elapsed share
    base: Decimal | None = None        # a percentage objective's base
    progress: float | None = None      # additional / objective
    time_to_roi_months: float | None = None


@dataclass
class Totals:
    revenue: Decimal
    baseline: Decimal
    additional: Decimal
    objective: Decimal | None
    cost: Decimal | None
    cost_to_date: Decimal | None
    roi: float | None
    roi_uncertain: bool = False        # the ROI's wait sits within a rounding of its threshold


@dataclass
class SegmentFigures:
    revenue: Decimal
    baseline: Decimal
    additional: Decimal
    objective: Decimal | None
    roi: float | None
    roi_uncertain: bool = False
    period_baseline: Decimal | None = None


@dataclass
class Oracle:
    axes: dict[str, AxisFigures]
    segments: dict[str, SegmentFigures]
    plan: Totals


class Evaluator:
    """The oracle's figures for one plan at one instant."""

    def __init__(self, spec: PlanSpec, as_of: datetime, *, whole: bool = False) -> None:
        """``whole``: the baselines of the whole periods (a segment's ``period_baseline``), fixed figures whole, the
        year-earlier deals up to the evaluation day."""
        self.whole = whole
        self.spec = spec
        self.as_of = as_of
        self.today = last_day(as_of, spec.zone)
        self.periods = {a.id: objective_period(spec, a) for a in spec.axes}

    # spans of one axis
    def revenue_span(self, axis: AxisSpec) -> tuple[date, date] | None:
        first, last = self.periods[axis.id]
        return to_date(first, last, self.today)

    def baseline_span(self, axis: AxisSpec) -> tuple[date, date] | None:
        if self.whole:   # the whole period a year earlier, up to the evaluation day (audit m2year)
            return to_date(*year_earlier(self.spec, *self.periods[axis.id]), self.today)
        span = self.revenue_span(axis)
        return None if span is None else year_earlier(self.spec, *span)

    def fixed_to_date(self, axis: AxisSpec) -> Decimal:
        assert axis.fixed is not None
        return axis.fixed if self.whole else prorated(axis.fixed, *self.periods[axis.id], self.today)

    def base_span(self, axis: AxisSpec) -> tuple[date, date] | None:
        """A percentage objective's base: the whole period a year earlier, cut at the evaluation day."""
        first, last = year_earlier(self.spec, *self.periods[axis.id])
        return to_date(first, last, self.today)

    def counted(self, axis: AxisSpec) -> bool:
        """A live axis with an objective: those that share deals under split and make the totals."""
        return axis.has_objective and live(axis, self.today)

    def divisor(self, axis: AxisSpec, deal: DealSpec, span_of) -> int:  # type: ignore[no-untyped-def]
        if not self.spec.split:
            return 1
        count = sum(1 for other in self.spec.axes if self.counted(other)
                    and in_span(deal.day, span_of(other)) and axis_portion(self.spec, other, deal) is not None)
        return count if self.counted(axis) else count + 1

    def measured(self, axis: AxisSpec, span_of) -> Decimal:  # type: ignore[no-untyped-def]
        total = Decimal(0)
        span = span_of(axis)
        for deal in self.spec.deals:
            if not in_span(deal.day, span):
                continue
            part = axis_portion(self.spec, axis, deal)
            if part is None:
                continue
            total += portion_value(self.spec, deal, part) / self.divisor(axis, deal, span_of)
        return total

    def objective(self, axis: AxisSpec) -> tuple[Decimal | None, Decimal | None]:
        if not axis.has_objective:
            return None, None
        if axis.rate is None:
            return axis.amount, None
        base = axis.fixed if axis.fixed is not None else self.measured(axis, self.base_span)
        amount = round_money(axis.rate * base, self.spec.currency) if base > 0 else Decimal(0)
        return amount, base

    def axis(self, axis: AxisSpec) -> AxisFigures:
        revenue = self.measured(axis, self.revenue_span)
        first, last = self.periods[axis.id]
        if axis.fixed is not None:
            baseline = prorated(axis.fixed, first, last, self.today)
        else:
            baseline = self.measured(axis, self.baseline_span)
        additional = revenue - baseline
        objective, base = self.objective(axis)
        cost = axis.cost() if axis.has_objective else None
        cost_to_date = None if cost is None else prorated(cost, first, last, self.today)
        share = elapsed_share(first, last, self.as_of, self.spec.zone)
        roi = payback = None
        if cost_to_date and share >= 0.1:
            roi = float((additional * axis.margin - cost_to_date) / cost_to_date)
            earned = additional * axis.margin
            if cost and earned > 0:
                payback = float(cost * self.months_elapsed(first, last) / earned)
        progress = float(additional / objective) if objective else None
        return AxisFigures(revenue, baseline, additional, objective, cost, cost_to_date, roi, share, base, progress,
                           payback)

    def months_elapsed(self, first: date, last: date) -> Decimal:
        """The real time elapsed since the period's start (its end at the most), in months of 365.25 / 12 days."""
        zone = self.spec.zone
        start = datetime.combine(first, time(0), tzinfo=zone)
        end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone)
        # real instants (summer time's hour out): aware datetimes of one tzinfo subtract as wall clocks in Python
        seconds = Decimal(int((min(self.as_of, end).astimezone(UTC) - start.astimezone(UTC)).total_seconds()))
        return seconds / 86400 / (Decimal("365.25") / 12)

    def fixed_parts(self, live_axes: list[AxisSpec]) -> Decimal:
        return sum((part for _, part in self.fixed_shares(live_axes)), Decimal(0))

    def fixed_shares(self, live_axes: list[AxisSpec]) -> list[tuple[AxisSpec, Decimal]]:
        """Each live fixed baseline, pro-rated to date, less the year-earlier revenue of what it stands for that the
        measured live axes read, or the fixed figures read before it stand for, the larger written figure first (ties
        by axis id), whatever the plan's order (never below 0): docs/engine.md, *Plan totals*, which a segment's
        baseline takes the same way."""
        spec = self.spec
        stood_for = [a for a in live_axes if a.fixed is None]
        out = []
        for a in sorted((a for a in live_axes if a.fixed is not None), key=lambda a: (-(a.fixed or 0), a.id)):
            overlap = Decimal(0)
            for deal in spec.deals:
                mine = axis_portion(spec, a, deal) if in_span(deal.day, self.baseline_span(a)) else None
                if mine is None:
                    continue
                theirs: Portion | None = None
                for other in stood_for:
                    if in_span(deal.day, self.baseline_span(other)):
                        theirs = union(theirs, axis_portion(spec, other, deal))
                common = intersection(mine, theirs)
                if common is not None:
                    overlap += portion_value(spec, deal, common)
            out.append((a, max(Decimal(0), self.fixed_to_date(a) - overlap)))
            stood_for.append(a)
        return out

    def margin(self, deal: DealSpec, counted: Portion, counted_lines: frozenset[int],
               holders: list[tuple[AxisSpec, Portion]]) -> Decimal:
        """A deal's gross margin in the totals: each line product axes count at the mean rate of the whole-deal axes
        and of the product axes counting that line, the rest of its value at the whole-deal axes' mean (none when the
        lines are larger, as the value is then the lines'); a deal no product axis counts at the mean of the axes
        counting it."""
        spec = self.spec
        whole = [a.margin for a, part in holders if part == WHOLE]
        by_lines = [(a, part) for a, part in holders if isinstance(part, frozenset)]
        value = portion_value(spec, deal, counted, counted_lines)
        if not by_lines:
            return value * sum(whole, Decimal(0)) / len(whole)
        picked: frozenset[int] = frozenset().union(*(part for _, part in by_lines))
        if isinstance(counted, frozenset):  # a year earlier, the lines the measured axes read (a fixed one's rate kept)
            picked &= counted
        total = Decimal(0)
        on_lines = Decimal(0)
        for i in sorted(picked):
            rates = whole + [a.margin for a, part in by_lines if i in part]
            amount = deal.lines[i].amount
            line = Decimal(0) if amount is None else convert(spec, deal, amount)
            on_lines += line
            total += line * sum(rates, Decimal(0)) / len(rates)
        if whole and counted == WHOLE:
            # the rest at the whole-deal axes' mean; below 0 when lines a fixed baseline stands for are above the
            # amount counted a year earlier, so that the deal's margin stays between its axes' rates
            total += (value - on_lines) * sum(whole, Decimal(0)) / len(whole)
        return total

    # totals, each deal once
    def totals(self, axes: list[AxisSpec]) -> Totals:
        spec = self.spec
        live_axes = [a for a in axes if self.counted(a)]
        revenue = Decimal(0)
        baseline = Decimal(0)
        margin = Decimal(0)
        for deal in spec.deals:
            holders_now: list[tuple[AxisSpec, Portion]] = []
            holders_before: list[tuple[AxisSpec, Portion]] = []
            now: Portion | None = None
            lines_now: frozenset[int] = frozenset()
            before: Portion | None = None
            lines_before: frozenset[int] = frozenset()
            for a in live_axes:
                part = axis_portion(spec, a, deal)
                if part is None:
                    continue
                if in_span(deal.day, self.baseline_span(a)):
                    holders_before.append((a, part))
                if in_span(deal.day, self.revenue_span(a)):
                    holders_now.append((a, part))
                    now = union(now, part)
                    if part != WHOLE:
                        lines_now |= part  # type: ignore[operator]
                if a.fixed is None and in_span(deal.day, self.baseline_span(a)):
                    before = union(before, part)
                    if part != WHOLE:
                        lines_before |= part  # type: ignore[operator]
            if now is not None:
                revenue += portion_value(spec, deal, now, lines_now)
                margin += self.margin(deal, now, lines_now, holders_now)
            if before is not None:
                baseline += portion_value(spec, deal, before, lines_before)
                margin -= self.margin(deal, before, lines_before, holders_before)
        for a, share in self.fixed_shares(live_axes):
            baseline += share
            margin -= share * a.margin
        objectives = [self.objective(a)[0] for a in live_axes]
        objective = sum((o for o in objectives if o is not None), Decimal(0)) if live_axes else None
        costs = [a.cost() for a in live_axes]
        known = all(c is not None for c in costs)
        # the costs add up; while one is not written the cost is unknown, as the ROI (audit m3cost, 7 Dec 2026)
        written = [(a, c) for a, c in zip(live_axes, costs, strict=True) if c is not None]
        cost = sum((c for _, c in written), Decimal(0)) if written and known else None
        cost_to_date = sum((prorated(c, *self.periods[a.id], self.today) for a, c in written), Decimal(0)) \
            if written and known else None
        additional = revenue - baseline
        roi = None
        uncertain = False
        shares = [elapsed_share(*self.periods[a.id], self.as_of, spec.zone) for a in live_axes]
        if known and cost_to_date and max(shares) >= 0.1:
            roi = float((margin - cost_to_date) / cost_to_date)
        if any(abs(s - 0.1) < 0.01 for s in shares):
            uncertain = True
        return Totals(revenue, baseline, additional, objective, cost, cost_to_date, roi, uncertain)

    def segment(self, segment: SegmentSpec) -> SegmentFigures:
        """The segment's own scope over the plan's period to date, each deal once; a live fixed-baseline axis's figure
        stands in for the year-earlier deals it stands for that no measured live axis of the segment reads, less the
        year-earlier revenue its measured axes already read (never below 0)."""
        spec = self.spec
        span = to_date(spec.start, spec.end, self.today)
        before_span: tuple[date, date] | None
        if self.whole:   # the whole period a year earlier: it grows with the date only while that year is not over,
            # no won deal dated after the evaluation day in it, as a percentage's base (audit m2year)
            before_span = to_date(*year_earlier(spec, spec.start, spec.end), self.today)
        else:
            before_span = None if span is None else year_earlier(spec, *span)
        axes = [a for a in spec.axes if a.segment == segment.id]
        live_axes = [a for a in axes if self.counted(a)]
        fixed = [a for a in live_axes if a.fixed is not None]
        measured = [a for a in live_axes if a.fixed is None]
        revenue = Decimal(0)
        baseline = Decimal(0)
        for deal in spec.deals:
            part = portion(spec, segment.conds, (), deal)
            if part is None:
                continue
            if in_span(deal.day, span):
                revenue += portion_value(spec, deal, part)
            if in_span(deal.day, before_span):
                baseline += portion_value(spec, deal, part)
                stands: Portion | None = None
                read: Portion | None = None
                for a in fixed:
                    if in_span(deal.day, self.baseline_span(a)):
                        stands = union(stands, axis_portion(spec, a, deal))
                for a in measured:
                    if in_span(deal.day, self.baseline_span(a)):
                        read = union(read, axis_portion(spec, a, deal))
                left = intersection(part, stands)
                if left is not None:
                    baseline -= portion_value(spec, deal, left)
                    kept = intersection(left, read)
                    if kept is not None:
                        baseline += portion_value(spec, deal, kept)
        baseline += self.fixed_parts(live_axes)
        objectives = [self.objective(a)[0] for a in live_axes]
        objective = sum((o for o in objectives if o is not None), Decimal(0)) if live_axes else None
        if self.whole:
            return SegmentFigures(revenue, baseline, revenue - baseline, objective, None)
        totals = self.totals(axes)
        period_baseline = Evaluator(spec, self.as_of, whole=True).segment(segment).baseline
        return SegmentFigures(revenue, baseline, revenue - baseline, objective, totals.roi, totals.roi_uncertain,
                              period_baseline)

    def run(self) -> Oracle:
        return Oracle({a.id: self.axis(a) for a in self.spec.axes},
                      {s.id: self.segment(s) for s in self.spec.segments},
                      self.totals(list(self.spec.axes)))
