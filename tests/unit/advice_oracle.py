"""An independent reference for the advisor's decisions, written from docs/engine.md alone (*The advisor*, *Context
changes*, *KPIs and ROI*) and pac-method.md (*Managing with the plan*), never from pac_core/advisor.py.

It decides, per axis, which rule speaks (suspend > drop > reassign > prioritise > roll out; the closing verdict of an
axis whose own period is over, with a roll-out inside it when its final figures call for one), which other rules
fired (``overruled``), the axis a drop is in favour of, and the segments a roll-out goes to. The figures it reads
are the revenue reference's (tests/unit/revenue_oracle.py: revenue, additional, ROI to date, payback, segment trend),
the elapsed shares are computed here on the plan's wall clock, and only the actions' counts (``ActionProgress.done``,
checked by tests/unit/test_count_oracle.py) are taken from the evaluation: whether an axis has an activity counted,
whether an action is at its target.

Plain loops, no index: slow and obviously right, for tests/unit/test_advice_oracle.py on small organisations. It holds
no test itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from pac_core.engine_settings import EngineSettings
from pac_core.plan import (
    ActionStatus,
    Axis,
    AxisState,
    ContextChange,
    ContextKind,
    Impact,
    Plan,
    Segment,
)
from pac_core.records import DealStage, Records
from pac_core.results import ActionProgress
from pac_core.scopes import DEAL_FIELDS, Condition, Scope
from pac_core.text import fold_value
from tests.unit.revenue_oracle import TOO_EARLY as FORECAST_MIN_SHARE
from tests.unit.revenue_oracle import AxisFigures, Oracle, SegmentFigures, _Org, days_of, last_day, live, oracle


@dataclass(frozen=True)
class Advice:
    """What the advisor should say of one axis."""

    rule: str                                   # roll_out, drop, prioritise, suspend, reassign, closed
    overruled: frozenset[str] = frozenset()
    in_favour_of: frozenset[str] | None = None  # a drop: the axes tied best (empty: none is kept); None otherwise
    to_segments: tuple[str, ...] | None = None  # a roll-out (or a closing verdict's): the target segments, sorted
    # a roll-out's segments left out, each sorted: (already running an equivalent axis, no account of the axis's
    # kind, no revenue last year)
    left_out: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] | None = None


def wall_share(start: datetime, end: datetime, as_of: datetime) -> float:
    """The share of [start, end) elapsed at ``as_of`` on the wall clock of the window's zone (docs: *KPIs and ROI*,
    the elapsed share counts calendar days and hours), clamped to [0, 1]."""
    if as_of <= start:
        return 0.0
    if as_of >= end:
        return 1.0
    zone = start.tzinfo
    s = start.replace(tzinfo=None)
    e = end.astimezone(zone).replace(tzinfo=None)
    n = as_of.astimezone(zone).replace(tzinfo=None)
    return (n - s).total_seconds() / (e - s).total_seconds()


class AdviceOracle:
    def __init__(self, plan: Plan, records: Records, as_of: datetime, settings: EngineSettings,
                 actions: tuple[ActionProgress, ...]) -> None:
        self.plan, self.records, self.as_of, self.settings = plan, records, as_of, settings
        self.zone = ZoneInfo(plan.timezone)
        self.today = last_day(as_of, self.zone)
        self.org = _Org(plan, records, as_of, settings)
        self.ref: Oracle = oracle(plan, records, as_of, settings)
        self.done = {a.action_id: a.done for a in actions}

    # -- the plan's and the axes' time --------------------------------------------------------------------------
    def plan_silent(self) -> bool:
        """Not begun (up to its first instant included) or over (after its end instant): no advice at all."""
        return self.as_of <= self.plan.period.start or self.as_of > self.plan.period.end

    def closed(self, axis: Axis) -> bool:
        assert axis.objective is not None
        end = axis.objective.period.end
        return self.as_of > end or (self.as_of == end and end < self.plan.period.end)

    def share(self, axis: Axis) -> float:
        assert axis.objective is not None
        p = axis.objective.period
        return wall_share(p.start, p.end, self.as_of)

    def figures(self, axis: Axis) -> AxisFigures:
        return self.ref.axes[axis.id]

    def segment(self, segment_id: str) -> SegmentFigures:
        return self.ref.segments[segment_id]

    def in_force(self, change: ContextChange) -> bool:
        return (change.on is None or change.on <= self.today) and (change.until is None or self.today <= change.until)

    def reached(self, axis: Axis) -> bool:
        f = self.figures(axis)
        return f.objective is not None and f.objective > 0 and f.additional >= f.objective

    def cost(self, axis: Axis) -> Decimal | None:
        assert axis.objective is not None
        return axis.objective.cost

    # -- rule 1: suspend --------------------------------------------------------------------------------------
    def quarter(self) -> tuple[date, date]:
        """The plan's current quarter holding today: quarters counted from the plan's first month (a calendar
        quarter on a year from January, February-April on a year from February...)."""
        first = days_of(self.plan.period, self.zone)[0]
        months = (self.today.year - first.year) * 12 + self.today.month - first.month
        q = months // 3
        start_m = first.month - 1 + 3 * q
        start = date(first.year + start_m // 12, start_m % 12 + 1, 1)
        end_m = start_m + 3
        after = date(first.year + end_m // 12, end_m % 12 + 1, 1)
        return start, after - timedelta(days=1)

    def capacity(self, product: str) -> Decimal | None:
        key = fold_value(product)
        for change in self.plan.context:
            if change.kind is ContextKind.CAPACITY and change.product and fold_value(change.product) == key \
                    and change.capacity is not None and self.in_force(change):
                return change.capacity
        for name, value in self.settings.capacity.items():
            if fold_value(name) == key:
                return value
        return None

    def load(self, product: str) -> Decimal:
        """(won + open x committed_weight) over the quarter, company-wide: the lines of the deals closing in the
        quarter whose capacity key, code or name is the product; a deal won or lost after today counts as open."""
        key = fold_value(product)
        first, last = self.quarter()
        won, committed = Decimal(0), Decimal(0)
        for deal in self.records.deals:
            if deal.deleted:
                continue
            day = deal.day(self.zone)
            if day is None or not first <= day <= last or (deal.stage is DealStage.LOST and day <= self.today):
                continue
            is_won = deal.stage is DealStage.WON and day <= self.today
            for line in deal.lines:
                if key in {fold_value(k) for k in (line.product, line.code, line.name) if k}:
                    if is_won:
                        won += line.quantity
                    else:
                        committed += line.quantity * self.settings.committed_weight
        return won + committed

    def suspend(self, axis: Axis) -> bool:
        for product in axis.products:
            cap = self.capacity(product)
            if cap is not None and cap > 0 and self.load(product) / cap >= Decimal(str(self.settings.suspend_load)):
                return True
        return any(c.kind is ContextKind.MARKET_EVENT and c.impact is Impact.THREAT and self.in_force(c)
                   and (c.axis_id == axis.id or (c.axis_id is None and c.segment_id == axis.segment_id))
                   for c in self.plan.context)

    # -- rule 2: drop -----------------------------------------------------------------------------------------
    def drop(self, axis: Axis) -> bool:
        f = self.figures(axis)
        return (f.roi is not None and f.roi < self.settings.drop_max_roi
                and self.share(axis) >= self.settings.drop_min_elapsed and not self.reached(axis))

    def in_favour_of(self, axis: Axis, kept: list[Axis]) -> frozenset[str]:
        mine = self.figures(axis).roi
        assert mine is not None
        free: list[tuple[Decimal, str]] = []
        paying: list[tuple[float, str]] = []
        for other in kept:
            f = self.figures(other)
            if self.cost(other) == 0 and f.additional > 0:
                free.append((f.additional, other.id))
            elif f.roi is not None and f.roi >= 0 and f.roi > mine:
                paying.append((f.roi, other.id))
        if free:
            best = max(a for a, _ in free)
            return frozenset(i for a, i in free if a == best)
        if paying:
            top = max(r for r, _ in paying)
            return frozenset(i for r, i in paying if r == top)
        return frozenset()

    # -- rule 3: reassign -------------------------------------------------------------------------------------
    def leaving(self) -> list[tuple[str, date]]:
        """(e-mail, first day gone): declared in the plan, else every CRM user of that e-mail inactive (gone
        already: every open action ending on or after today)."""
        out: list[tuple[str, date]] = []
        declared = set()
        for c in self.plan.context:
            if c.kind is ContextKind.REP_LEAVING and c.who:
                out.append((c.who.lower(), c.on or self.today))
                declared.add(c.who.lower())
        users: dict[str, list[bool]] = {}
        for u in self.records.users:
            if u.email:
                users.setdefault(u.email.strip().lower(), []).append(u.active)
        for email, active in users.items():
            if not any(active) and email not in declared:
                out.append((email, self.today))
        return out

    def reassign(self, axis: Axis) -> bool:
        for who, on in self.leaving():
            for action in self.plan.actions:
                if action.axis_id != axis.id or action.who.lower() != who:
                    continue
                cancelled = action.status is ActionStatus.CANCELLED and (
                    action.status_since is None or action.status_since <= self.today)
                if cancelled or self.done[action.id] >= action.target:
                    continue
                # over at this very instant (the report of the quarter closing it), unless it ends with the plan
                if action.window.end <= self.as_of and action.window.end < self.plan.period.end:
                    continue
                # open: its window not over today, and running on or after the leaving day
                if days_of(action.window, self.zone)[1] >= max(on, self.today):
                    return True
        return False

    # -- rule 4: prioritise -----------------------------------------------------------------------------------
    def lost_segments(self) -> set[str]:
        out: set[str] = set()
        first = days_of(self.plan.period, self.zone)[0]
        for c in self.plan.context:
            if c.kind is not ContextKind.LOST_KEY_ACCOUNT or not c.account:
                continue
            if c.on is not None and c.on > self.today:
                continue
            found = [a for a in self.records.accounts
                     if not a.deleted and (a.id == c.account or fold_value(a.name) == fold_value(c.account))]
            if c.segment_id:
                out.add(c.segment_id)
                continue
            for a in found:
                out |= {s.id for s in self.plan.segments if self._holds(a, s.scope, first)}
        return out

    def _holds(self, account: object, scope: Scope, ref: date) -> bool:
        conditions = tuple(Condition("dormant@", c.op, (c.values[0], ref)) if c.field == "dormant" else c
                           for c in scope.conditions if c.field not in DEAL_FIELDS)
        return self.org.account_in(account, Scope(conditions))  # type: ignore[arg-type]

    def prioritise(self, axis: Axis) -> bool:
        if axis.status.state is AxisState.PRIORITISED:     # decided, from whatever day (docs, rule 4)
            return False
        trend = self.segment(axis.segment_id).trend
        plan_share = wall_share(self.plan.period.start, self.plan.period.end, self.as_of)
        if trend is not None and trend <= -self.settings.prioritise_min_decline \
                and plan_share >= self.settings.prioritise_min_elapsed:
            return True
        if axis.segment_id in self.lost_segments():
            return True
        return any(c.kind is ContextKind.MARKET_EVENT and c.impact is Impact.OPPORTUNITY and self.in_force(c)
                   and (c.axis_id == axis.id or (c.axis_id is None and c.segment_id == axis.segment_id))
                   for c in self.plan.context)

    # -- rule 5: roll out -------------------------------------------------------------------------------------
    def equivalent(self, axis: Axis, other: Axis) -> bool:
        """The same own conditions, as scopes compare them (text folded, a list as a set), the same products."""
        def key(a: Axis) -> frozenset[tuple[str, str, frozenset[object]]]:
            return frozenset((c.field, c.op, frozenset(fold_value(v) if isinstance(v, str) else v for v in c.values))
                             for c in a.scope.conditions)
        return key(axis) == key(other) and {fold_value(p) for p in axis.products} == \
            {fold_value(p) for p in other.products}

    def accounts_of_kind(self, axis: Axis, segment: Segment) -> bool:
        assert axis.objective is not None
        ref = days_of(axis.objective.period, self.zone)[0]
        return any(not a.deleted and self._holds(a, segment.scope & axis.scope, ref) for a in self.records.accounts)

    def targets(self, axis: Axis) -> tuple[str, ...]:
        out = []
        for seg in self.plan.segments:
            if seg.id == axis.segment_id:
                continue
            trend = self.segment(seg.id).trend
            if trend is None or trend >= self.settings.rollout_lagging_growth:
                continue
            if any(o.segment_id == seg.id and o.id != axis.id and self.equivalent(axis, o) for o in self.plan.axes):
                continue
            if not self.accounts_of_kind(axis, seg):
                continue
            out.append(seg.id)
        return tuple(sorted(out))

    def left_out(self, axis: Axis) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        running, empty, unknown = [], [], []
        for seg in self.plan.segments:
            if seg.id == axis.segment_id:
                continue
            trend = self.segment(seg.id).trend
            if trend is None:
                unknown.append(seg.id)
            elif trend < self.settings.rollout_lagging_growth:
                if any(o.segment_id == seg.id and o.id != axis.id and self.equivalent(axis, o)
                       for o in self.plan.axes):
                    running.append(seg.id)
                elif not self.accounts_of_kind(axis, seg):
                    empty.append(seg.id)
        return tuple(sorted(running)), tuple(sorted(empty)), tuple(sorted(unknown))

    def roll_out(self, axis: Axis) -> tuple[str, ...] | None:
        f = self.figures(axis)
        # no rule judges an axis before a tenth of its period (docs: a setting below it waits for the tenth), a free
        # axis (no ROI to wait for) included
        if self.share(axis) < max(self.settings.rollout_min_elapsed, FORECAST_MIN_SHARE):
            return None
        if not any(self.done[a.id] > 0 for a in self.plan.actions if a.axis_id == axis.id):
            return None
        pays = (f.roi is not None and f.roi >= self.settings.rollout_min_roi and f.months_to_roi is not None
                and f.months_to_roi <= self.settings.rollout_max_months_to_roi)
        free = self.cost(axis) == 0 and f.additional > 0
        if not (pays or free):
            return None
        targets = self.targets(axis)
        return targets or None

    # -- the advice -------------------------------------------------------------------------------------------
    def advice(self) -> dict[str, Advice]:
        if self.plan_silent():
            return {}
        axes = [a for a in self.plan.axes if a.objective is not None and live(a, self.today)]
        running = [a for a in axes if not self.closed(a)]
        suspended = {a.id for a in running if self.suspend(a)}
        dropped = {a.id for a in running if self.drop(a)}
        kept = [a for a in running if a.id not in suspended | dropped]
        out: dict[str, Advice] = {}
        for axis in axes:
            if self.closed(axis):
                targets = self.roll_out(axis)
                out[axis.id] = Advice("closed", to_segments=targets,
                                      left_out=self.left_out(axis) if targets else None)
                continue
            fired: list[str] = []
            if axis.id in suspended:
                fired.append("suspend")
            if axis.id in dropped:
                fired.append("drop")
            if self.reassign(axis):
                fired.append("reassign")
            if self.prioritise(axis):
                fired.append("prioritise")
            targets = self.roll_out(axis)
            if targets:
                fired.append("roll_out")
            if not fired:
                continue
            rule = fired[0]
            out[axis.id] = Advice(
                rule, frozenset(fired[1:]),
                self.in_favour_of(axis, kept) if rule == "drop" else None,
                targets if rule == "roll_out" else None,
                self.left_out(axis) if rule == "roll_out" else None)
        return out


def advice(plan: Plan, records: Records, as_of: datetime, settings: EngineSettings,
           actions: tuple[ActionProgress, ...]) -> dict[str, Advice]:
    return AdviceOracle(plan, records, as_of, settings, actions).advice()
