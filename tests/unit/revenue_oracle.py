"""An independent reference for the axes', segments' and plan's revenue figures, written from docs/engine.md alone
(*Won deals without amount*, *Credits*, *Owners and products: deal conditions*, *Revenue, baseline and attribution*,
*Objectives written as a percentage*, *KPIs and ROI*), never from pac_core/revenue.py, totals.py or engine.py.

Plain loops over ``Deal`` objects and ``Decimal`` arithmetic, no index, no cache: slow and obviously right, for
the differential test (tests/unit/test_revenue_oracle.py) on small organisations. It covers the scopes that test
generates: account conditions ``departement`` / ``industry`` (``in``, ``not_in``), ``dormant`` (the CRM flag, else the
rule by won deals at the axis's reference date), deal conditions ``deal_owner``, ``product``, ``product_code``,
``product_family``, an axis's ``who``; no account history, no aliases, no fiscal calendar.

Where the docs read two ways and the engine's reading was kept, the docs now say so (docs/engine.md, 6 Dec 2026): a
deal with no amount in another currency converts the sum of its lines once; a fixed baseline loses what the other
live axes counted of its own scope (its ``who`` and deal conditions) on its own days a year earlier, the measured
axes' deals and those the fixed figures before it stand for; a year-earlier deal's margin is at the mean rate of every
live axis holding it, fixed-baseline axes included; a deal's owner id is never taken as an e-mail.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from pac_core.engine_settings import EngineSettings
from pac_core.plan import Axis, AxisState, Plan
from pac_core.records import Account, Deal, DealLine, DealStage, Records
from pac_core.scopes import Condition, Scope
from pac_core.text import fold_value
from pac_core.window import Window

DAYS_PER_MONTH = 365.25 / 12      # kpis.months_elapsed: months of 30.44 days (the only definition not in the docs)
TOO_EARLY = 0.10                  # KPIs and ROI: no ROI before a tenth of the objective's period


MINOR_UNITS = {"JPY": 0, "KRW": 0, "CLP": 0, "ISK": 0}    # ISO 4217 currencies without cents (the ones tested)


def cents(x: Decimal, currency: str = "EUR") -> Decimal:
    """Rounded half up to the currency's minor unit (the cent, the yen)."""
    return x.quantize(Decimal(1).scaleb(-MINOR_UNITS.get(currency, 2)), rounding=ROUND_HALF_UP)


# --- days ---------------------------------------------------------------------------------------------------------

def last_day(as_of: datetime, zone: ZoneInfo) -> date:
    """The last local day begun at ``as_of``: its own day, the day before at exactly local midnight."""
    local = as_of.astimezone(zone)
    return local.date() - timedelta(days=1) if local.time() == time(0) else local.date()


def days_of(window: Window, zone: ZoneInfo) -> tuple[date, date]:
    """A window's first and last local days."""
    return window.start.astimezone(zone).date(), (window.end.astimezone(zone) - timedelta(microseconds=1)).date()


def to_date(window: Window, today: date, zone: ZoneInfo) -> tuple[date, date] | None:
    """The window's days up to ``today`` included; None before it starts."""
    first, last = days_of(window, zone)
    last = min(last, today)
    return (first, last) if first <= last else None


def year_before(span: tuple[date, date] | None) -> tuple[date, date] | None:
    """The same span a year earlier (docs: around 29 February adjacent spans keep adjacent baselines)."""
    if span is None:
        return None
    first, last = span
    first = date(first.year - 1, 3, 1) if (first.month, first.day) == (2, 29) else first.replace(year=first.year - 1)
    if last.day == calendar.monthrange(last.year, last.month)[1]:
        last = date(last.year - 1, last.month, calendar.monthrange(last.year - 1, last.month)[1])
    else:
        last = last.replace(year=last.year - 1)
    return first, last


def n_days(span: tuple[date, date] | None) -> int:
    return 0 if span is None else (span[1] - span[0]).days + 1


def prorated(amount: Decimal, window: Window, today: date, zone: ZoneInfo) -> Decimal:
    """``amount`` x local days of the window up to ``today`` (included) / its local days."""
    return amount * n_days(to_date(window, today, zone)) / n_days(days_of(window, zone))


def inside(day: date | None, span: tuple[date, date] | None) -> bool:
    return day is not None and span is not None and span[0] <= day <= span[1]


# --- liveness -----------------------------------------------------------------------------------------------------

def live(axis: Axis, today: date) -> bool:
    """Not dropped, not suspended until a day not yet past; a state with a ``since`` day still to come not in force."""
    st = axis.status
    if st.since is not None and today < st.since:
        return True
    if st.state is AxisState.SUSPENDED:
        return st.until is not None and today > st.until
    return st.state is not AxisState.DROPPED


# --- the oracle ---------------------------------------------------------------------------------------------------

@dataclass
class AxisFigures:
    revenue: Decimal
    baseline: Decimal
    additional: Decimal
    objective: Decimal | None
    progress: float | None
    cost_to_date: Decimal | None
    roi: float | None
    months_to_roi: float | None
    live: bool
    growth_base: Decimal | None = None


@dataclass
class SegmentFigures:
    revenue: Decimal
    baseline: Decimal
    additional: Decimal
    objective: Decimal | None
    trend: float | None
    roi: float | None = None
    roi_known: bool = True
    period_baseline: Decimal | None = None


@dataclass
class PlanFigures:
    revenue: Decimal
    baseline: Decimal
    objective: Decimal | None
    cost: Decimal | None
    cost_to_date: Decimal | None
    axis_ids: tuple[str, ...]
    left_out: tuple[str, ...]
    roi: float | None = None
    roi_known: bool = True        # False where the reference does not say (``gross_margin``)


@dataclass
class Oracle:
    axes: dict[str, AxisFigures] = field(default_factory=dict)
    segments: dict[str, SegmentFigures] = field(default_factory=dict)
    plan: PlanFigures | None = None


class _Org:
    """One evaluation's reading of the records, by plain loops."""

    def __init__(self, plan: Plan, records: Records, as_of: datetime, settings: EngineSettings,
                 live_ids: frozenset[str] | None = None, deals_through: date | None = None) -> None:
        """``deals_through``: only the won deals dated up to that day count (the year's target read at the period's
        end keeps the evaluation's cut: no deal dated after the evaluation date, audit m2year)."""
        self.plan, self.settings, self.as_of = plan, settings, as_of
        self.live_ids = live_ids       # the live axes of another instant (the year's target: those of the evaluation)
        self.zone = ZoneInfo(plan.timezone)
        self.today = last_day(as_of, self.zone)
        self.accounts = {(a.source, a.id): a for a in records.accounts}
        self.emails = {(u.source, u.id): (u.email or "").lower() or None for u in records.users}
        self.all_deals = records.deals
        self.deals = [d for d in records.deals if self._countable(d)
                      and (deals_through is None or (d.day(self.zone) or deals_through) <= deals_through)]

    # -- a deal, its value --------------------------------------------------------------------------------------
    def _countable(self, deal: Deal) -> bool:
        """Won, live, on a live account pac knows, in a currency pac can convert (even with no amount: docs, the
        rejections of *Matching*, ``unknown_currency``)."""
        if deal.stage is not DealStage.WON or deal.deleted or deal.account_id is None:
            return False
        account = self.accounts.get((deal.source, deal.account_id))
        if account is None or account.deleted:
            return False
        return self.convert(Decimal(1), deal) is not None

    def convert(self, amount: Decimal, deal: Deal) -> Decimal | None:
        """Into the plan's currency: its own amount in the plan's currency (or none given); else the CRM's rates when
        they know the plan's currency, else into the CRM's corporate currency then ``fx_rates``; else ``fx_rates``;
        each step rounded half up to the cent."""
        plan_currency = self.plan.currency
        currency = deal.currency or plan_currency
        if currency == plan_currency:
            return amount
        rates = deal.rates
        if rates is not None and rates.rate(currency) is not None:
            own = rates.rate(currency)
            assert own is not None
            target = rates.rate(plan_currency)
            if target is not None:
                return cents(amount * target / own, plan_currency)
            corporate = rates.rate(rates.corporate)
            fx = self.settings.fx_rates.get(rates.corporate)
            if corporate is not None and fx is not None:
                in_corporate = (amount * corporate / own).quantize(Decimal(1).scaleb(-rates.places), ROUND_HALF_UP)
                return cents(in_corporate * fx, plan_currency)
        fx = self.settings.fx_rates.get(currency)
        return None if fx is None else cents(amount * fx, plan_currency)

    def line_value(self, deal: Deal, line: DealLine) -> Decimal:
        if line.amount is None:
            return Decimal(0)
        value = self.convert(line.amount, deal)
        assert value is not None
        return value

    def value(self, deal: Deal) -> Decimal:
        """A whole deal: its amount; with none, the sum of its priced lines; else 0."""
        if deal.amount is not None:
            value = self.convert(deal.amount, deal)
            assert value is not None
            return value
        priced = [ln.amount for ln in deal.lines if ln.amount is not None]
        if not priced:
            return Decimal(0)
        # the sum of its priced lines in the deal's currency, converted as its amount would be (docs/engine.md, *Won
        # deals without amount*: one rounding for the deal, as when the amount is typed)
        value = self.convert(sum(priced, Decimal(0)), deal)
        assert value is not None
        return value

    def differs(self, deal: Deal) -> bool:
        """A typed amount that differs from its priced lines."""
        priced = [ln for ln in deal.lines if ln.amount is not None]
        return deal.amount is not None and bool(priced) and deal.amount != sum(
            (ln.amount for ln in priced if ln.amount is not None), Decimal(0))

    # -- scopes ---------------------------------------------------------------------------------------------------
    def account_in(self, account: Account, scope: Scope) -> bool:
        for c in scope.conditions:
            if c.field == "departement":
                ok = _holds(c, account.departement)
            elif c.field == "industry":
                ok = _holds(c, account.industry)
            elif c.field == "dormant@":
                ok = self.dormant(account, c.values[1]) is c.values[0]
            elif c.field in ("deal_owner", "product", "product_code", "product_family"):
                continue
            else:
                raise AssertionError(f"the oracle does not read {c.field}")
            if not ok:
                return False
        return True

    def owner(self, deal: Deal) -> str | None:
        """The deal's owner resolved by e-mail among the users of its CRM (docs: *Owners and products*); an owner id
        that is itself an e-mail is accepted for activities only (matching rule 1), none here."""
        if deal.owner_id is None:
            return None
        return self.emails.get((deal.source, deal.owner_id))

    def lines_kept(self, deal: Deal, scope: Scope, who: Iterable[str] = (), also: Iterable[str] = ()
                   ) -> tuple[int, ...] | None:
        """None: the deal is not counted by a scope (account and deal conditions) and ``who`` (and ``also``, a second
        axis's ``who``); () the whole deal; else the indexes of the lines its product conditions keep."""
        account = self.accounts[(deal.source, deal.account_id or "")]
        if not self.account_in(account, scope):
            return None
        for people in (tuple(who), tuple(also)):
            if people and self.owner(deal) not in people:
                return None
        lines = list(range(len(deal.lines)))
        product_scope = False
        for c in scope.conditions:
            if c.field == "deal_owner":
                if not _holds(c, self.owner(deal)):
                    return None
            elif c.field in ("product", "product_code", "product_family"):
                product_scope = True
                lines = [i for i in lines if _line_holds(c, deal.lines[i])]
        if not product_scope:
            return ()
        return tuple(lines) if lines else None

    def amount(self, deal: Deal, kept: tuple[int, ...]) -> Decimal:
        if kept == ():
            return self.value(deal)
        return sum((self.line_value(deal, deal.lines[i]) for i in kept), Decimal(0))

    # -- the won-deal KPIs -----------------------------------------------------------------------------------------
    def won_kpis(self, scope: Scope, who: tuple[str, ...], span: tuple[date, date] | None
                 ) -> tuple[int, Decimal, int, int]:
        """``won_deals`` (credits out, deals with no amount in) and ``average_won_deal``'s numerator, denominator and
        deals left out for want of an amount, each deal fully whatever the attribution (docs: *KPI vocabulary*)."""
        won, total, priced, unpriced = 0, Decimal(0), 0, 0
        for deal in self.deals:
            if not inside(deal.day(self.zone), span):
                continue
            kept = self.lines_kept(deal, scope, who)
            if kept is None or _credit(deal):
                continue
            won += 1
            has_amount = (deal.amount is not None or any(ln.amount is not None for ln in deal.lines)) if kept == () \
                else any(deal.lines[i].amount is not None for i in kept)
            if has_amount:
                priced += 1
                total += self.amount(deal, kept)
            else:
                unpriced += 1
        return won, total, priced, unpriced

    # -- axes -----------------------------------------------------------------------------------------------------
    def axis_scope(self, axis: Axis) -> Scope:
        """Segment AND axis; a dormancy condition carries the axis's reference date, its objective period's first
        day (docs: *Scopes and dormancy*)."""
        scope = self.plan.segment(axis.segment_id).scope & axis.scope
        if axis.objective is None or not any(c.field == "dormant" for c in scope.conditions):
            return scope
        ref = days_of(axis.objective.period, self.zone)[0]
        return Scope(tuple(Condition("dormant@", c.op, (c.values[0], ref)) if c.field == "dormant" else c
                           for c in scope.conditions))

    def dormant(self, account: Account, ref: date) -> bool:
        """The CRM flag when the account has one, else the rule: a purchase (a won deal that is no credit) before
        ``ref`` and none in the 12 months before it."""
        if account.dormant is not None:
            return account.dormant
        since = date(ref.year - 1, ref.month, min(ref.day, calendar.monthrange(ref.year - 1, ref.month)[1]))
        days = [d.day(self.zone) for d in self.all_deals
                if (d.source, d.account_id) == (account.source, account.id) and d.stage is DealStage.WON
                and not d.deleted and not _credit(d)]
        before = [day for day in days if day is not None and day < ref]
        return bool(before) and not any(since <= day for day in before)

    def counts(self, axis: Axis, deal: Deal, span: tuple[date, date] | None) -> tuple[int, ...] | None:
        if not inside(deal.day(self.zone), span):
            return None
        return self.lines_kept(deal, self.axis_scope(axis), axis.who)

    def span(self, axis: Axis) -> tuple[date, date] | None:
        assert axis.objective is not None
        return to_date(axis.objective.period, self.today, self.zone)

    def fixed(self, axis: Axis) -> Decimal | None:
        return None if axis.objective is None else axis.objective.baseline

    def split(self) -> bool:
        return self.settings.attribution == "split"

    def live_axes(self) -> list[Axis]:
        return [a for a in self.plan.axes if a.objective is not None
                and (live(a, self.today) if self.live_ids is None else a.id in self.live_ids)]

    def share(self, axis: Axis, deal: Deal, spans: dict[str, tuple[date, date] | None], *, baseline: bool) -> int:
        """The split divisor of ``deal`` for ``axis``: the live axes that count it on their days (their baseline days
        for a year-earlier deal, an axis with a fixed baseline among them: its figure stands for that deal), plus the
        axis itself when it is not live."""
        n = sum(1 for other in self.live_axes() if self.counts(other, deal, spans[other.id]) is not None)
        return n if live(axis, self.today) else n + 1

    def measured(self, axis: Axis, spans: dict[str, tuple[date, date] | None], *, baseline: bool) -> Decimal:
        total = Decimal(0)
        for deal in self.deals:
            kept = self.counts(axis, deal, spans[axis.id])
            if kept is None:
                continue
            amount = self.amount(deal, kept)
            if self.split():
                amount = amount / self.share(axis, deal, spans, baseline=baseline)
            total += amount
        return total

    def spans(self) -> dict[str, tuple[date, date] | None]:
        return {a.id: self.span(a) for a in self.plan.axes if a.objective is not None}

    def base_spans(self) -> dict[str, tuple[date, date] | None]:
        return {a.id: year_before(self.span(a)) for a in self.plan.axes if a.objective is not None}

    def growth_base(self, axis: Axis) -> Decimal:
        """The whole objective period's baseline: the fixed figure, or the year-earlier revenue over the whole period,
        to date while that period is not over at the evaluation instant."""
        assert axis.objective is not None
        if axis.objective.baseline is not None:
            return axis.objective.baseline
        whole = {}
        for a in self.plan.axes:
            if a.objective is None:
                continue
            base = year_before(days_of(a.objective.period, self.zone))
            assert base is not None
            if self.as_of < _year_earlier_end(a.objective.period):
                base = (base[0], min(base[1], self.today)) if base[0] <= self.today else None
            whole[a.id] = base
        return self.measured(axis, whole, baseline=True)

    def axis_figures(self, axis: Axis) -> AxisFigures:
        obj = axis.objective
        assert obj is not None
        revenue = self.measured(axis, self.spans(), baseline=False)
        fixed = self.fixed(axis)
        if fixed is not None:
            baseline = prorated(fixed, obj.period, self.today, self.zone)
        else:
            baseline = self.measured(axis, self.base_spans(), baseline=True)
        additional = revenue - baseline
        base = None
        if obj.growth_rate is not None:
            base = self.growth_base(axis)
            objective = cents(obj.growth_rate * base, self.plan.currency) if base > 0 else Decimal(0)
        else:
            objective = obj.additional_revenue
        progress = float(additional / objective) if objective else None
        cost = obj.cost
        elapsed = obj.period.elapsed_share(self.as_of)
        cost_to_date = None if cost is None else prorated(cost, obj.period, self.today, self.zone)
        roi = None
        if cost_to_date is not None and cost_to_date > 0 and elapsed >= TOO_EARLY:
            roi = float((additional * obj.margin_rate - cost_to_date) / cost_to_date)
        months = None
        margin = additional * obj.margin_rate
        if cost is not None and cost > 0 and margin > 0 and elapsed >= TOO_EARLY:
            gone = (min(max(self.as_of.timestamp(), obj.period.start.timestamp()), obj.period.end.timestamp())
                    - obj.period.start.timestamp()) / 86400 / DAYS_PER_MONTH
            if gone > 0:
                months = float(cost * Decimal(gone) / margin)
        return AxisFigures(revenue, baseline, additional, objective, progress, cost_to_date, roi, months,
                           live(axis, self.today), base)

    # -- segments and the plan: each deal once ----------------------------------------------------------------
    def once(self, holders: list[tuple[tuple[str, ...], Scope, tuple[str, ...], tuple[date, date] | None]]
             ) -> Decimal:
        """Each deal once over several (scope, who, days): whole when one holder counts it whole (the larger of its
        amount and the lines counted when its typed amount differs from its priced lines), else the union of the
        lines counted."""
        total = Decimal(0)
        for deal in self.deals:
            whole, lines = False, set()
            for also, scope, who, span in holders:
                if not inside(deal.day(self.zone), span):
                    continue
                kept = self.lines_kept(deal, scope, who, also)
                if kept is None:
                    continue
                if kept == ():
                    whole = True
                else:
                    lines.update(kept)
            by_lines = sum((self.line_value(deal, deal.lines[i]) for i in lines), Decimal(0))
            if whole:
                total += max(self.value(deal), by_lines) if lines and self.differs(deal) else self.value(deal)
            elif lines:
                total += by_lines
        return total

    def fixed_parts(self, axes: list[Axis]) -> list[tuple[Axis, Decimal]]:
        """Each live fixed-baseline axis of ``axes`` with its part (``fixed_part``): what is already counted is what
        the measured axes read and what the fixed figures before it stand for, the larger written figure first (ties by
        axis id), whatever the plan's order."""
        measured = [a for a in axes if self.fixed(a) is None]
        fixed = sorted((a for a in axes if self.fixed(a) is not None), key=lambda a: (-(self.fixed(a) or 0), a.id))
        return [(a, self.fixed_part(a, measured + fixed[:i])) for i, a in enumerate(fixed)]

    def fixed_part(self, axis: Axis, measured: list[Axis]) -> Decimal:
        """A live fixed-baseline axis's share of a total's baseline: its pro-rated figure less the year-earlier revenue
        of its scope (its accounts, its ``who`` and deal conditions) on its own days a year earlier (what the figure
        stands for) that the measured axes already read, never below 0."""
        assert axis.objective is not None and axis.objective.baseline is not None
        spans = self.base_spans()
        holders = [(axis.who, self.axis_scope(axis) & self.axis_scope(a), a.who, _meet(spans[a.id], spans[axis.id]))
                   for a in measured]
        already = self.once(holders)
        figure = prorated(axis.objective.baseline, axis.objective.period, self.today, self.zone)
        return max(Decimal(0), figure - already)

    def gross_margin(self, axes: list[Axis], spans: dict[str, tuple[date, date] | None],
                     union: list[Axis] | None = None) -> Decimal | None:
        """Each deal the axes count once, at the mean margin rate of the axes counting it; a deal a product axis counts
        by its lines line by line (each line at the mean rate of the whole-deal axes and the product axes counting
        it, the amount on no line at the whole-deal axes' mean). None where the reference does not say (a deal whose
        typed amount differs from its lines, counted whole by one axis and by lines by another). ``union``: the axes
        whose deals are summed (``axes`` by default; the measured ones for a baseline, whose deals are still rated at
        the mean of every live axis holding them, a fixed baseline's included: its figure stands for them)."""
        total = Decimal(0)
        summed = {a.id for a in (axes if union is None else union)}
        for deal in self.deals:
            whole: list[Decimal] = []
            by_line: list[tuple[Decimal, tuple[int, ...]]] = []
            summed_whole, summed_lines = False, set()
            for a in axes:
                kept = self.counts(a, deal, spans[a.id])
                if kept is None:
                    continue
                assert a.objective is not None
                if kept == ():
                    whole.append(a.objective.margin_rate)
                    summed_whole = summed_whole or a.id in summed
                else:
                    by_line.append((a.objective.margin_rate, kept))
                    if a.id in summed:
                        summed_lines.update(kept)
            if not summed_whole and not summed_lines:
                continue
            if summed_whole and not by_line:
                total += self.value(deal) * sum(whole) / len(whole)
                continue
            if summed_whole and self.differs(deal):
                return None
            # the lines summed (every line of a deal summed whole), each at the mean of the whole-deal axes' rates and
            # of the product axes counting that line; the rest of a whole deal at the whole-deal axes' mean
            lines = set(range(len(deal.lines))) if summed_whole else summed_lines
            on_lines = Decimal(0)
            for i in sorted(lines):
                rates = whole + [rate for rate, kept in by_line if i in kept]
                amount = self.line_value(deal, deal.lines[i])
                on_lines += amount
                total += amount * sum(rates) / len(rates)
            if summed_whole:
                total += (self.value(deal) - on_lines) * sum(whole) / len(whole)
        return total

    def totals_roi(self, axes: list[Axis]) -> float | None:
        """(gross margin - cost to date) / cost to date over live axes, each deal once; None too early (before a tenth
        of the longest-elapsed objective period with a cost), without a cost to date, or when a live axis's cost is not
        written."""
        costed = [a for a in axes if a.objective is not None and a.objective.cost is not None]
        if len(costed) < len(axes):     # a live axis's cost not written: the ROI is unknown, as that axis's own
            return None
        if not costed or max(a.objective.period.elapsed_share(self.as_of) for a in costed
                             if a.objective is not None) < TOO_EARLY:
            return None
        cost_to_date = sum((prorated(a.objective.cost, a.objective.period, self.today, self.zone)
                            for a in costed if a.objective is not None and a.objective.cost is not None), Decimal(0))
        if cost_to_date <= 0:
            return None
        measured = [a for a in axes if self.fixed(a) is None]
        now = self.gross_margin(axes, self.spans())
        before = self.gross_margin(axes, self.base_spans(), measured)
        if now is None or before is None:
            return None
        margin = now - before
        for a, part in self.fixed_parts(axes):
            assert a.objective is not None
            margin -= part * a.objective.margin_rate
        return float((margin - cost_to_date) / cost_to_date)

    def plan_figures(self, segment_id: str | None = None) -> PlanFigures:
        """The totals over the live axes (of one segment: its ROI's basis, ``roi_additional``)."""
        live_axes = [a for a in self.live_axes() if segment_id is None or a.segment_id == segment_id]
        spans, base_spans = self.spans(), self.base_spans()
        revenue = self.once([((), self.axis_scope(a), a.who, spans[a.id]) for a in live_axes])
        measured = [a for a in live_axes if self.fixed(a) is None]
        baseline = self.once([((), self.axis_scope(a), a.who, base_spans[a.id]) for a in measured])
        baseline += sum((part for _, part in self.fixed_parts(live_axes)), Decimal(0))
        objectives = [self.axis_figures(a).objective for a in live_axes]
        costs = [a.objective.cost for a in live_axes if a.objective is not None and a.objective.cost is not None]
        to_date = [self.axis_figures(a).cost_to_date for a in live_axes]
        # a live axis whose cost is not written: the plan's cost is unknown, not the others' sum (audit m3cost)
        written = bool(costs) and len(costs) == len(live_axes)
        return PlanFigures(
            revenue, baseline,
            sum((o for o in objectives if o is not None), Decimal(0)) if live_axes else None,
            sum(costs, Decimal(0)) if written else None,
            sum((c for c in to_date if c is not None), Decimal(0)) if written else None,
            tuple(a.id for a in live_axes),
            tuple(a.id for a in self.plan.axes if a.objective is not None and a not in live_axes),
            self.totals_roi(live_axes), self._roi_known(live_axes))

    def _roi_known(self, axes: list[Axis]) -> bool:
        return (self.gross_margin(axes, self.spans()) is not None
                and self.gross_margin(axes, self.base_spans(), [a for a in axes if self.fixed(a) is None]) is not None)

    def segment_figures(self, segment_id: str) -> SegmentFigures:
        segment = self.plan.segment(segment_id)
        span = to_date(self.plan.period, self.today, self.zone)
        revenue = self.once([((), segment.scope, (), span)])
        baseline = self.once([((), segment.scope, (), year_before(span))])
        live_axes = [a for a in self.live_axes() if a.segment_id == segment_id]
        fixed = [a for a in live_axes if self.fixed(a) is not None]
        if fixed:
            measured = [a for a in live_axes if self.fixed(a) is None]
            base_spans = self.base_spans()
            # the year-earlier deals the fixed figures stand for, that no measured live axis of the segment reads,
            # leave the segment's baseline (each deal once, within the segment's own year-earlier days)
            seg_base = year_before(span)
            for deal in self.deals:
                if not inside(deal.day(self.zone), seg_base):
                    continue
                reads = {a.id: self.counts(a, deal, base_spans[a.id]) for a in [*fixed, *measured]}
                m_whole = any(reads[a.id] == () for a in measured)
                m_lines = {i for a in measured for i in (reads[a.id] or ())}
                f_whole = any(reads[a.id] == () for a in fixed)
                f_lines = {i for a in fixed for i in (reads[a.id] or ())}
                if m_whole:
                    continue
                if f_whole:     # the deal less the lines a measured axis reads of it
                    baseline -= self.value(deal) - sum((self.line_value(deal, deal.lines[i]) for i in m_lines),
                                                       Decimal(0))
                else:
                    baseline -= sum((self.line_value(deal, deal.lines[i]) for i in f_lines - m_lines), Decimal(0))
            baseline += sum((part for _, part in self.fixed_parts(live_axes)), Decimal(0))
        objectives = [self.axis_figures(a).objective for a in live_axes]
        objective = sum((o for o in objectives if o is not None), Decimal(0)) if live_axes else None
        trend = float(revenue / baseline - 1) if baseline > 0 else None
        return SegmentFigures(revenue, baseline, revenue - baseline, objective, trend,
                              self.totals_roi(live_axes) if live_axes else None, self._roi_known(live_axes))


def _credit(deal: Deal) -> bool:
    """A won deal worth less than 0: its amount, else the sum of its priced lines."""
    if deal.amount is not None:
        return deal.amount < 0
    return sum((ln.amount for ln in deal.lines if ln.amount is not None), Decimal(0)) < 0


def _meet(a: tuple[date, date] | None, b: tuple[date, date] | None) -> tuple[date, date] | None:
    if a is None or b is None:
        return None
    first, last = max(a[0], b[0]), min(a[1], b[1])
    return (first, last) if first <= last else None


def _year_earlier_end(period: Window) -> datetime:
    """The instant the objective's period a year earlier ends: its first local midnight after its last day."""
    zone = period.end.tzinfo
    assert zone is not None
    _first, last = year_before(days_of(period, ZoneInfo(str(zone)))) or (None, None)
    assert last is not None
    return datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone)


def _fold(value: object) -> str:
    return fold_value(str(value))


def _holds(c: Condition, value: object | None) -> bool:
    values = {_fold(v) for v in c.values}
    if c.op == "in":
        return value is not None and _fold(value) in values
    if c.op == "not_in":
        return value is None or _fold(value) not in values
    raise AssertionError(f"the oracle does not read the operator {c.op}")


def _line_holds(c: Condition, line: DealLine) -> bool:
    values = {_fold(v) for v in c.values}
    if c.field == "product_code":
        keys = [line.code]
    elif c.field == "product_family":
        keys = [line.family]
    else:
        keys = [line.code, line.family, line.name, line.product]
    # a multi-select product field's values come joined by ";": the line holds each of them
    keys += [part.strip() for k in keys if k and ";" in k for part in k.split(";") if part.strip()]
    hit = any(k is not None and _fold(k) in values for k in keys)
    return hit if c.op == "in" else not hit


def oracle(plan: Plan, records: Records, as_of: datetime, settings: EngineSettings) -> Oracle:
    org = _Org(plan, records, as_of, settings)
    out = Oracle()
    for axis in plan.axes:
        if axis.objective is not None:
            out.axes[axis.id] = org.axis_figures(axis)
    # the year's target: the segment's baseline over the plan's whole period a year earlier, its live axes' fixed
    # figures whole (evaluated at the end of the plan's period or of the latest live axis's, whichever is later), the
    # deals up to the evaluation day: while last year is not over, its revenue to date (audit m2year)
    live_now = org.live_axes()
    end = max([plan.period.end, *(a.objective.period.end for a in live_now if a.objective is not None)])
    year = _Org(plan, records, end, settings, frozenset(a.id for a in live_now), deals_through=org.today)
    for segment in plan.segments:
        out.segments[segment.id] = org.segment_figures(segment.id)
        out.segments[segment.id].period_baseline = year.segment_figures(segment.id).baseline
    out.plan = org.plan_figures()
    return out
