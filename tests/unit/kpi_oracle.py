"""A plain reference for the KPI vocabulary (audit kpioracle, 7 Dec 2026), written from docs/engine.md (*KPI
vocabulary*, *Revenue, baseline and attribution*, *Scopes and dormancy*, *Dates*, *Won deals without amount*,
*Credits*, *Matching activities to actions*) and ../shared/docs/pac-method.md, without reading
``pac_core.kpi_vocabulary``, ``pac_core.revenue`` or ``pac_core.matching``. Loops over record objects, no index, no
engine helper: only the plan and record types.

It covers what ``test_kpi_oracle.py`` generates: account conditions on ``region``, ``departement``, ``dormant``
(flag or ``{months: N}``), deal conditions ``product`` (code, family or name) and an axis's ``who``; deals in the
plan's currency, in a currency ``fx_rates`` converts, in one no rate converts, or with none; activities with a start
instant. It holds no test itself.
"""

from __future__ import annotations

import calendar
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from pac_core.plan import Action, Axis, AxisState, Counting, Plan, Segment
from pac_core.records import (
    Account,
    AccountChange,
    Activity,
    ActivityStatus,
    CrmRates,
    Deal,
    DealLine,
    DealStage,
    Records,
)
from pac_core.scopes import Condition, Scope

MINOR_UNITS = {"JPY": 0}                # places of a currency's minor unit, 2 unless named
ATTRIBUTION_DAYS = 90
DEFAULT_DORMANT_MONTHS = 12
DEAL_CONDITIONS = ("product", "product_code", "product_family", "deal_owner")


def fold(text: object) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


@dataclass(frozen=True)
class Expected:
    """One KPI as the oracle computes it: ``value`` None for a ratio with a 0 denominator or a span not begun."""

    value: Decimal | float | int | None
    numerator: Decimal | int | None = None
    denominator: Decimal | int | None = None
    excluded: int = 0


class Oracle:
    def __init__(self, plan: Plan, records: Records, as_of: datetime, fx_rates: Mapping[str, Decimal]) -> None:
        self.plan = plan
        self.zone: tzinfo = ZoneInfo(plan.timezone)
        self.as_of = as_of
        self.currency = plan.currency
        self.unit = Decimal(1).scaleb(-MINOR_UNITS.get(plan.currency, 2))      # the plan currency's minor unit
        self.fx = dict(fx_rates)
        self.accounts = {(a.source, a.id): a for a in records.accounts}
        self.emails = {(u.source, u.id): (u.email or "").lower() for u in records.users}
        self.deals = [d for d in records.deals if not d.deleted]
        self.activities = list(records.activities)
        self.changes: dict[tuple[str, str, str], list[AccountChange]] = {}
        for change in records.account_changes:
            self.changes.setdefault((change.source, change.account_id, change.field), []).append(change)
        local = as_of.astimezone(self.zone)
        # the evaluation date: the last local day begun (at exactly local midnight, the day before)
        self.today = local.date() - timedelta(days=1) if local.time() == time(0) else local.date()
        self._counted: dict[str, list[Activity]] = {}
        self._matched: dict[str, list[Activity]] = {}   # counted and repeat visits

    # ------------------------------------------------------------------ dates
    def local_day(self, instant: datetime) -> date:
        return instant.astimezone(self.zone).date()

    def deal_day(self, deal: Deal) -> date | None:
        return self.local_day(deal.closed_at) if deal.closed_at is not None else deal.close_date

    def span(self, period_start: datetime, period_end: datetime) -> tuple[date, date] | None:
        """First and last day counted; None when the span has not begun at the evaluation instant."""
        if self.as_of <= period_start:
            return None
        last = self.local_day(period_end) - timedelta(days=1)
        return self.local_day(period_start), min(self.today, last)

    # ------------------------------------------------------------------ accounts
    def state(self, account: Account, fieldname: str, day: date) -> object:
        """The value in force when ``day`` began: the old value of the first change on or after it, else now."""
        later = [c for c in self.changes.get((account.source, account.id, fieldname), ())
                 if self.local_day(c.changed_at) >= day]
        if later:
            return min(later, key=lambda c: c.changed_at).old
        return getattr(account, fieldname)

    def purchases(self, account: Account) -> list[date]:
        """Days of the account's won deals pac has (any currency; credits are no purchase)."""
        days = []
        for deal in self.deals:
            if (deal.source, deal.account_id) != (account.source, account.id) or deal.stage != DealStage.WON:
                continue
            if self.is_credit(deal):
                continue
            day = self.deal_day(deal)
            if day is not None:
                days.append(day)
        return days

    @staticmethod
    def months_before(day: date, months: int) -> date:
        year, month = day.year, day.month - months
        while month <= 0:
            month += 12
            year -= 1
        return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))

    def dormant_by_rule(self, account: Account, day: date, months: int) -> bool:
        days = self.purchases(account)
        since = self.months_before(day, months)
        return any(d < day for d in days) and not any(since <= d < day for d in days)

    def dormant_flag_or_rule(self, account: Account, day: date) -> bool:
        flag = self.state(account, "dormant", day)
        if flag is not None:
            return bool(flag)
        return self.dormant_by_rule(account, day, DEFAULT_DORMANT_MONTHS)

    def passes(self, account: Account, condition: Condition, day: date) -> bool:
        if condition.field in DEAL_CONDITIONS:
            return True
        if condition.field == "dormant":
            if condition.op == "dormant_months":
                return self.dormant_by_rule(account, day, int(condition.values[0]))
            assert condition.op == "is", condition
            return self.dormant_flag_or_rule(account, day) == bool(condition.values[0])
        value = getattr(account, condition.field)
        assert condition.op == "in", condition
        return value is not None and fold(value) in {fold(v) for v in condition.values}

    def in_scope(self, account: Account | None, scope: Scope, day: date) -> bool:
        return (account is not None and not account.deleted
                and all(self.passes(account, c, day) for c in scope.conditions))

    def members(self, scope: Scope, day: date) -> list[Account]:
        return [a for a in self.accounts.values() if self.in_scope(a, scope, day)]

    # ------------------------------------------------------------------ money
    def convert(self, amount: Decimal, currency: str | None, crm: CrmRates | None = None) -> Decimal | None:
        """Into the plan's currency (docs/engine.md, `fx_rates`; docs/salesforce.md, *Amounts of a multi-currency
        org*): its own amount in the plan's currency or with none; at the CRM's rates when they know both currencies;
        into the CRM's corporate currency at them and on with `fx_rates` of that currency; else `fx_rates` of its own
        currency; None when nothing converts it. Each step rounded half up (the corporate currency's places, the
        cent)."""
        if currency is None or currency == self.currency:
            return amount
        if crm is not None and crm.rate(currency):
            own, target = crm.rate(currency), crm.rate(self.currency)
            assert own is not None
            if target is not None:
                return (amount * target / own).quantize(self.unit, rounding=ROUND_HALF_UP)
            corporate = crm.rate(crm.corporate)
            if corporate is not None and crm.corporate in self.fx:
                step = Decimal(1).scaleb(-crm.places)
                in_corporate = (amount * corporate / own).quantize(step, rounding=ROUND_HALF_UP)
                return (in_corporate * self.fx[crm.corporate]).quantize(self.unit, rounding=ROUND_HALF_UP)
        if currency in self.fx:
            return (amount * self.fx[currency]).quantize(self.unit, rounding=ROUND_HALF_UP)
        return None

    def rated(self, deal: Deal) -> bool:
        """Whether the deal's currency converts (a won deal that does not is rejected: `unknown_currency`)."""
        return self.convert(Decimal(1), deal.currency, deal.rates) is not None

    @staticmethod
    def typed_or_lines(deal: Deal) -> Decimal | None:
        """The deal's amount in its own currency: typed, else its priced lines' sum; None when neither."""
        if deal.amount is not None:
            return deal.amount
        priced = [line.amount for line in deal.lines if line.amount is not None]
        return sum(priced, Decimal(0)) if priced else None

    def is_credit(self, deal: Deal) -> bool:
        own = self.typed_or_lines(deal)
        return own is not None and own < 0

    @staticmethod
    def line_matches(line: DealLine, condition: Condition) -> bool:
        wanted = {fold(v) for v in condition.values}
        if condition.field == "product":
            held = [line.code, line.family, line.name, line.product]
        elif condition.field == "product_code":
            held = [line.code]
        else:
            held = [line.family]
        return any(h is not None and fold(h) in wanted for h in held)

    def kept(self, deal: Deal, scope: Scope, who: tuple[str, ...]) -> tuple[bool, Decimal | None]:
        """Whether the deal conditions keep the deal, and its value in the plan's currency (None: no amount).
        The caller checks the currency has a rate."""
        owner = self.emails.get((deal.source, deal.owner_id or ""))
        if who and owner not in {w.lower() for w in who}:
            return False, None
        for condition in scope.conditions:
            if condition.field == "deal_owner":
                named = owner is not None and owner in {fold(v) for v in condition.values}
                if named != (condition.op == "in"):
                    return False, None
        products = [c for c in scope.conditions if c.field in ("product", "product_code", "product_family")]
        if products:
            lines = [line for line in deal.lines if all(self.line_matches(line, c) for c in products)]
            if not lines:
                return False, None
            priced = [self.convert(line.amount, deal.currency, deal.rates) for line in lines if line.amount is not None]
            if not priced:
                return True, None
            return True, sum((p for p in priced if p is not None), Decimal(0))
        own = self.typed_or_lines(deal)
        return True, None if own is None else self.convert(own, deal.currency, deal.rates)

    # ------------------------------------------------------------------ actions
    def moment(self, activity: Activity) -> datetime | None:
        """Its start, else 00:00 of its day in the plan's zone; the earlier of the two when it has both (a task
        completed before its due day)."""
        midnight = (None if activity.day is None
                    else datetime.combine(activity.day, time(0), tzinfo=self.zone))
        if activity.start is None:
            return midnight
        return activity.start if midnight is None or activity.start < midnight else midnight

    def matched(self, action: Action) -> list[Activity]:
        """Every visit of the action: what it counted and the repeat visits of an account it counts once."""
        self.counted(action)
        return self._matched[action.id]

    def counted(self, action: Action) -> list[Activity]:
        if action.id in self._counted:
            return self._counted[action.id]
        axis = next(a for a in self.plan.axes if a.id == action.axis_id)
        segment = next(s for s in self.plan.segments if s.id == axis.segment_id)
        scope = segment.scope & axis.scope & action.scope
        first = self.local_day(action.window.start)
        found = []
        for activity in self.activities:
            if activity.deleted or activity.status != ActivityStatus.COMPLETED or activity.type != action.activity_type:
                continue
            owner = self.emails.get((activity.source, activity.owner_id or ""),
                                    (activity.owner_id or "").lower() if "@" in (activity.owner_id or "") else None)
            if owner != action.who.lower():
                continue
            start = self.moment(activity)
            if start is None or not (action.window.start <= start < action.window.end):
                continue
            if activity.whole_day and activity.start is None and activity.day is not None:
                # an all-day calendar entry has happened once its local day is over
                if datetime.combine(activity.day + timedelta(days=1), time(0), tzinfo=self.zone) > self.as_of:
                    continue
            elif start >= self.as_of:
                continue
            if not self.in_scope(self.accounts.get((activity.source, activity.account_id or "")), scope, first):
                continue
            found.append(activity)
        found.sort(key=lambda a: (self.moment(a), a.source, a.id))
        self._matched[action.id] = found
        if action.counting == Counting.DISTINCT_ACCOUNTS:
            seen: set[tuple[str, str | None]] = set()
            kept = []
            for activity in found:
                if (activity.source, activity.account_id) not in seen:
                    seen.add((activity.source, activity.account_id))
                    kept.append(activity)
            found = kept
        self._counted[action.id] = found
        return found

    # ------------------------------------------------------------------ the KPIs of one scope
    # ------------------------------------------------------------------ split attribution
    def live(self, axis: Axis) -> bool:
        """Live: an objective, not dropped, not suspended on the evaluation date (from its `since`, until its
        `until` day included); after the plan's end, judged on the plan's last day."""
        if axis.objective is None:
            return False
        status = axis.status
        day = min(self.today, self.local_day(self.plan.period.end) - timedelta(days=1))
        if status.since is not None and day < status.since:
            return True
        if status.state == AxisState.DROPPED:
            return False
        if status.state == AxisState.SUSPENDED:
            return status.until is not None and day > status.until
        return True

    def counts_deal(self, axis: Axis, deal: Deal) -> bool:
        """Whether the axis's revenue holds the deal: its account in the axis's scope on its period's first day,
        its day in the axis's period to date, kept by the axis's `who` and deal conditions."""
        assert axis.objective is not None
        span = self.span(axis.objective.period.start, axis.objective.period.end)
        day = self.deal_day(deal)
        if span is None or day is None or not span[0] <= day <= span[1]:
            return False
        scope = self.segment_of(axis).scope & axis.scope
        if not self.in_scope(self.accounts.get((deal.source, deal.account_id or "")), scope, span[0]):
            return False
        return self.kept(deal, scope, axis.who)[0]

    def divisor(self, axis: Axis, deal: Deal) -> int:
        """Under `attribution: split`: the live axes counting the deal, the axis itself counted when it is not live."""
        sharing = sum(1 for other in self.plan.axes if self.live(other) and self.counts_deal(other, deal))
        return sharing if self.live(axis) else sharing + 1

    def kpis(self, scope: Scope, who: tuple[str, ...], period_start: datetime, period_end: datetime,
             actions: Iterable[Action], split: Axis | None = None) -> dict[str, Expected]:
        actions = list(actions)
        activities = [a for action in actions for a in self.counted(action)]
        visits = [a for action in actions for a in self.matched(action)]
        touched = {(a.source, a.account_id) for a in activities}
        span = self.span(period_start, period_end)
        if span is None:
            return {
                "reactivation_rate": Expected(None), "win_rate": Expected(None), "visit_to_win": Expected(None),
                "average_won_deal": Expected(None), "coverage": Expected(None), "new_accounts": Expected(0),
                "revenue_per_visit": Expected(None), "pipeline_created": Expected(Decimal(0)),
                "accounts_visited": Expected(len(touched)), "activities_done": Expected(len(activities)),
                "won_deals": Expected(0), "revenue": Expected(Decimal(0)),
            }
        first, last = span
        members = self.members(scope, first)
        keys = {(a.source, a.id) for a in members}

        def in_span(day: date | None) -> bool:
            return day is not None and first <= day <= last

        # won deals of the ledger kept by the scope's deal conditions, on any account, in the span
        won_any: list[tuple[Deal, Decimal | None]] = []
        for deal in self.deals:
            if deal.stage != DealStage.WON or not self.rated(deal) or not in_span(self.deal_day(deal)):
                continue
            keep, value = self.kept(deal, scope, who)
            if keep:
                won_any.append((deal, value))
        won_in_scope = [(d, v) for d, v in won_any if (d.source, d.account_id) in keys]
        if split is None:
            revenue = sum((v for _, v in won_in_scope if v is not None), Decimal(0))
        else:
            revenue = sum((v / self.divisor(split, d) for d, v in won_in_scope if v is not None), Decimal(0))
        orders = [(d, v) for d, v in won_in_scope if not self.is_credit(d)]
        lost = 0
        for deal in self.deals:
            # a lost deal in a currency no rate converts is left out, as its won siblings are (audit kpioracle D1)
            if (deal.stage == DealStage.LOST and (deal.source, deal.account_id) in keys and self.rated(deal)
                    and in_span(self.deal_day(deal))):
                lost += self.kept(deal, scope, who)[0]

        dormant_rules = [c for c in scope.conditions if c.field == "dormant"]
        if dormant_rules:
            dormant = [a for a in members if any(c.op == "dormant_months" or c.values[0] is True
                                                 for c in dormant_rules)]
        else:
            dormant = [a for a in members if self.dormant_flag_or_rule(a, first)]
        ordering = {(d.source, d.account_id) for d, _ in orders}
        reactivated = [a for a in dormant if (a.source, a.id) in ordering]

        def ratio(num: int | Decimal, den: int) -> Expected:
            return Expected(None if den == 0 else Decimal(num) / Decimal(den), num, den)

        with_amount = [v for _, v in orders if v is not None]
        average = Expected(None if not with_amount else sum(with_amount, Decimal(0)) / len(with_amount),
                           sum(with_amount, Decimal(0)), len(with_amount), len(orders) - len(with_amount))

        # visit-to-win: a visit's day (a counted activity or a repeat visit of an action counting distinct accounts:
        # a visit too, decided 7 Dec 2026), an order of the account within 90 days on or after it
        visit_days: dict[tuple[str, str | None], list[date]] = {}
        for activity in visits:
            moment = self.moment(activity)
            assert moment is not None
            visit_days.setdefault((activity.source, activity.account_id), []).append(self.local_day(moment))
        converted = 0
        for key, days in visit_days.items():
            order_days = [self.deal_day(d) for d, _ in won_any
                          if (d.source, d.account_id) == key and not self.is_credit(d)]
            if any(v <= o <= v + timedelta(days=ATTRIBUTION_DAYS) for v in days for o in order_days if o):
                converted += 1

        new = 0
        for account in members:
            if self.dormant_flag_or_rule(account, first):
                continue
            ever = sorted((self.deal_day(d) or date.max, d.id) for d in self.deals
                          if (d.source, d.account_id) == (account.source, account.id) and d.stage == DealStage.WON
                          and not self.is_credit(d))
            if not ever or not in_span(ever[0][0]):
                continue
            if any((d.source, d.account_id) == (account.source, account.id) for d, _ in orders):
                new += 1

        pipeline = Decimal(0)
        for deal in self.deals:
            if (deal.source, deal.account_id) not in keys or deal.created_at is None:
                continue
            if not in_span(self.local_day(deal.created_at)) or not self.rated(deal):
                continue
            keep, value = self.kept(deal, scope, who)
            if keep and value is not None:
                pipeline += value

        return {
            "reactivation_rate": ratio(len(reactivated), len(dormant)),
            "win_rate": ratio(len(orders), len(orders) + lost),
            "visit_to_win": ratio(converted, len(touched)),
            "average_won_deal": average,
            "coverage": ratio(len(touched & keys), len(keys)),
            "new_accounts": Expected(new),
            "revenue_per_visit": ratio(revenue, len(activities)),
            "pipeline_created": Expected(pipeline),
            "accounts_visited": Expected(len(touched)),
            "activities_done": Expected(len(activities)),
            "won_deals": Expected(len(orders)),
            "revenue": Expected(revenue),
        }

    def axis(self, axis: Axis, split: bool = False) -> dict[str, Expected]:
        segment = self.segment_of(axis)
        assert axis.objective is not None
        period = axis.objective.period
        actions = [a for a in self.plan.actions if a.axis_id == axis.id]
        return self.kpis(segment.scope & axis.scope, axis.who, period.start, period.end, actions,
                         axis if split else None)

    def segment(self, segment: Segment) -> dict[str, Expected]:
        axes = {a.id for a in self.plan.axes if a.segment_id == segment.id}
        actions = [a for a in self.plan.actions if a.axis_id in axes]
        return self.kpis(segment.scope, (), self.plan.period.start, self.plan.period.end, actions)

    def segment_of(self, axis: Axis) -> Segment:
        return next(s for s in self.plan.segments if s.id == axis.segment_id)
