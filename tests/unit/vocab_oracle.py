"""A slow, plain reference for the KPI vocabulary of axes and segments, written from docs/engine.md alone (*KPIs and
ROI*, *KPI vocabulary*, *Scopes and dormancy*, *Won deals without amount*, *Credits*, *Owners and products*), never
from ``pac_core.kpi_vocabulary``. It reuses the two other references: ``count_oracle`` for what the actions count
(and for an account's scope membership, state history and dormancy at a reference date), ``revenue_oracle`` for a
deal's value in the plan's currency and its deal conditions.

Per axis: its scope (segment AND axis, deal conditions and ``who`` included) over its objective's period to date;
per segment: its own scope over the plan's period to date. Loops over record objects, no index.

``test_vocab_oracle.py`` compares ``evaluate()`` with it. It holds no test itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from pac_core.engine_settings import EngineSettings
from pac_core.plan import Plan
from pac_core.records import Account, Activity, ActivityStatus, Deal, DealStage, Records
from pac_core.scopes import DEAL_FIELDS, Condition, Scope
from tests.unit import count_oracle
from tests.unit.revenue_oracle import _credit, _holds, _line_holds, _Org, inside, last_day, to_date

RATIOS = ("reactivation_rate", "win_rate", "visit_to_win", "average_won_deal", "coverage", "revenue_per_visit")
COUNTS = ("new_accounts", "accounts_visited", "activities_done", "won_deals")
SUMS = ("pipeline_created", "revenue")


@dataclass(frozen=True)
class Kpi:
    """What the docs say a KPI of the vocabulary is: ``value = numerator / denominator`` for a ratio (None when the
    denominator is 0; all three None over a span not begun), the count or sum alone otherwise."""

    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    excluded: int = 0


def ratio(numerator: Decimal | int, denominator: Decimal | int, excluded: int = 0) -> Kpi:
    n, d = Decimal(numerator), Decimal(denominator)
    return Kpi(n / d if d else None, n, d, excluded)


class VocabOracle:
    def __init__(self, plan: Plan, records: Records, as_of: datetime, settings: EngineSettings) -> None:
        self.plan, self.records, self.as_of, self.settings = plan, records, as_of, settings
        self.zone = ZoneInfo(plan.timezone)
        self.today = last_day(as_of, self.zone)
        self.counter = count_oracle.Oracle(plan, records, dormant_default_months=settings.dormant_default_months)
        self.money = _Org(plan, records, as_of, settings)
        self.accounts = {(a.source, a.id): a for a in records.accounts}
        self.activities = {(a.source, a.id): a for a in records.activities}
        self.counted = {action.id: self.counter.count(action, as_of).activity_ids for action in plan.actions}
        # every visit of each action, repeats of an account it counts once included: each opens the conversion
        # window (decided 7 Dec 2026, audit kpioracle)
        self.visits = {action.id: {(a.source, a.id) for a in self.counter.matching(action, as_of,
                                                                                   ActivityStatus.COMPLETED)}
                       for action in plan.actions}

    # -- scopes ----------------------------------------------------------------------------------------------------
    def members(self, scope: Scope, r: date) -> list[Account]:
        """The live accounts holding every account condition of ``scope`` at reference date ``r``."""
        return [a for a in self.records.accounts if not a.deleted
                and all(self.counter.holds(c, a, r) for c in scope.conditions if c.field not in DEAL_FIELDS)]

    def dormant_population(self, scope: Scope, r: date) -> list[Account]:
        """The scope's dormant accounts at ``r``: by the scope's own dormancy condition when it has one (all its
        accounts, or none for ``dormant: false``), else ``dormant: true`` (the flag in force, else the default rule)."""
        members = self.members(scope, r)
        own = [c for c in scope.conditions if c.field == "dormant"]
        if any(c.op == "dormant_months" or c.values[0] for c in own):
            # a condition asking for dormant accounts defines them, whatever else the scope asks (an axis of
            # customers quiet for 6 months in a segment of customers active within 12: its accounts are its dormant)
            return members
        if own:
            return []                    # only ``dormant: false``: no dormant account
        is_dormant = Condition("dormant", "is", (True,), "dormant")
        return [a for a in members if self.counter.holds(is_dormant, a, r)]

    def owner(self, deal: Deal) -> str | None:
        """The deal's owner: a user of its CRM by id (never an e-mail id), an alias resolved to its person."""
        return self.counter.person(deal.source, deal.owner_id)

    def kept(self, deal: Deal, scope: Scope, who: tuple[str, ...]) -> tuple[int, ...] | None:
        """The deal conditions and ``who`` alone (account membership is checked apart): None, not kept; () the whole
        deal; else the lines its product conditions keep."""
        if who and self.owner(deal) not in {w.lower() for w in who}:
            return None
        lines = list(range(len(deal.lines)))
        product = False
        for c in scope.conditions:
            if c.field == "deal_owner":
                if not _holds(c, self.owner(deal)):
                    return None
            elif c.field in ("product", "product_code", "product_family"):
                product = True
                lines = [i for i in lines if _line_holds(c, deal.lines[i])]
        if not product:
            return ()
        return tuple(lines) if lines else None

    def ledger(self) -> list[Deal]:
        """The won-deal ledger: won, live, on an account pac knows and that is live, with a close day, in a currency
        pac converts."""
        return [d for d in self.money.deals if d.day(self.zone) is not None]

    # -- one scope over one span -----------------------------------------------------------------------------------
    def kpis(self, scope: Scope, who: tuple[str, ...], r: date, span: tuple[date, date] | None,
             activity_ids: set[tuple[str, str]], revenue: Decimal | None = None,
             visit_ids: set[tuple[str, str]] | None = None) -> dict[str, Kpi]:
        """Every KPI of one scope: ``r`` its reference date (the span's first day), ``span`` its days to date (None:
        not begun), ``activity_ids`` the activities its actions counted; ``revenue``: the figure to divide by the
        activities (the split revenue under ``attribution: split``), else its revenue counted whole here;
        ``visit_ids``: the visits that open a conversion window (``activity_ids`` and the repeat visits)."""
        members = self.members(scope, r)
        member_keys = {(a.source, a.id) for a in members}
        zone = self.zone
        won: list[tuple[Deal, tuple[int, ...]]] = []   # the won deals of the span the scope counts (credits too)
        for deal in self.ledger():
            if (deal.source, deal.account_id) not in member_keys or not inside(deal.day(zone), span):
                continue
            kept = self.kept(deal, scope, who)
            if kept is not None:
                won.append((deal, kept))
        purchases = [(d, k) for d, k in won if not _credit(d)]
        whole_revenue = sum((self.money.amount(d, k) for d, k in won), Decimal(0))

        # activities: each once, any type
        acts: list[Activity] = [self.activities[k] for k in sorted(activity_ids)]
        touched = {(a.source, a.account_id or "") for a in acts}

        out: dict[str, Kpi] = {}
        if span is None:
            for name in RATIOS:
                out[name] = Kpi(None)
        else:
            dormant = {(a.source, a.id) for a in self.dormant_population(scope, r)}
            reactivated = {(d.source, d.account_id) for d, _ in purchases} & dormant
            out["reactivation_rate"] = ratio(len(reactivated), len(dormant))
            lost = 0
            for deal in self.records.deals:
                if deal.stage is not DealStage.LOST or deal.deleted:
                    continue
                if self.money.convert(Decimal(1), deal) is None:    # no rate: left out, as its won siblings are
                    continue                                         # (audit kpioracle D1, 7 Dec 2026)
                if (deal.source, deal.account_id) not in member_keys or not inside(deal.day(zone), span):
                    continue
                if self.kept(deal, scope, who) is not None:
                    lost += 1
            out["win_rate"] = ratio(len(purchases), len(purchases) + lost)
            # a visited account converts on its own orders, kept by the deal conditions and ``who``, whether or not it
            # is still of the scope on the span's first day (an action's scope is judged on its window's first day:
            # an account dormant on 1 October may not have been on 1 January); the ratio's numerator is then always
            # among its denominator, the visited accounts (decided 6 Dec 2026, audit oracle-vocab)
            orders = []
            for deal in self.ledger():
                if _credit(deal) or not inside(deal.day(zone), span):
                    continue
                if self.kept(deal, scope, who) is not None:
                    orders.append((deal, ()))
            converted = set()
            for act in [self.activities[k] for k in sorted(visit_ids if visit_ids is not None else activity_ids)]:
                when = count_oracle.moment(act, zone)
                assert when is not None
                v = when.astimezone(zone).date()
                for deal, _ in orders:
                    day = deal.day(zone)
                    assert day is not None
                    if ((deal.source, deal.account_id) == (act.source, act.account_id)
                            and v <= day <= v + timedelta(days=self.settings.attribution_days)):
                        converted.add((act.source, act.account_id or ""))
            out["visit_to_win"] = ratio(len(converted), len(touched))
            priced, unpriced, total = 0, 0, Decimal(0)
            for deal, kept in purchases:
                has_amount = (deal.amount is not None or any(ln.amount is not None for ln in deal.lines)) \
                    if kept == () else any(deal.lines[i].amount is not None for i in kept)
                if has_amount:
                    priced += 1
                    total += self.money.amount(deal, kept)
                else:
                    unpriced += 1
            out["average_won_deal"] = ratio(total, priced, unpriced)
            out["coverage"] = ratio(len(touched & member_keys), len(members))
            out["revenue_per_visit"] = ratio(whole_revenue if revenue is None else revenue, len(acts))

        # new accounts: not dormant at r, first won deal ever (a purchase, any product, any owner, whatever its
        # currency: the deals dormancy reads) in the span, and a won deal of the span the KPI counts (one of
        # ``won_deals``: kept by the deal conditions and ``who``, in the ledger; an order in a currency with no rate is
        # rejected, counted nowhere until its rate is added, but it still makes an older customer)
        dormant_now = {(a.source, a.id) for a in self.dormant_population(scope, r)}
        new = 0
        for acc in members:
            key = (acc.source, acc.id)
            if key in dormant_now:
                continue
            days = self.counter.won_days(acc)
            if not days or not inside(min(days), span):
                continue
            if not any((d.source, d.account_id) == key for d, _ in purchases):
                continue
            new += 1
        out["new_accounts"] = Kpi(Decimal(new))

        pipeline = Decimal(0)
        for deal in self.records.deals:
            if deal.deleted or deal.created_at is None or (deal.source, deal.account_id) not in member_keys:
                continue
            if not inside(deal.created_at.astimezone(zone).date(), span):
                continue
            kept = self.kept(deal, scope, who)
            if kept is None or self.money.convert(Decimal(1), deal) is None:
                continue
            if kept == ():
                # what the deal is worth, as a won deal is: its amount, else the sum of its priced lines (converted
                # once), else 0 (docs/engine.md, *Won deals without amount*; decided 6 Dec 2026, audit oracle-vocab)
                pipeline += self.money.value(deal)
            else:
                pipeline += sum((self.money.line_value(deal, deal.lines[i]) for i in kept), Decimal(0))
        out["pipeline_created"] = Kpi(pipeline)
        out["accounts_visited"] = Kpi(Decimal(len(touched)))
        out["activities_done"] = Kpi(Decimal(len(acts)))
        out["won_deals"] = Kpi(Decimal(len(purchases)))
        out["revenue"] = Kpi(whole_revenue if revenue is None else revenue)
        return out

    # -- axes and segments -----------------------------------------------------------------------------------------
    def axis(self, axis_id: str, revenue: Decimal | None = None) -> dict[str, Kpi]:
        axis = self.plan.axis(axis_id)
        assert axis.objective is not None
        scope = self.plan.segment(axis.segment_id).scope & axis.scope
        period = axis.objective.period
        r = period.start.astimezone(self.zone).date()
        ids = {k for action in self.plan.actions if action.axis_id == axis_id for k in self.counted[action.id]}
        visits = {k for action in self.plan.actions if action.axis_id == axis_id for k in self.visits[action.id]}
        return self.kpis(scope, axis.who, r, to_date(period, self.today, self.zone), ids, revenue, visits)

    def segment(self, segment_id: str, revenue: Decimal | None = None) -> dict[str, Kpi]:
        scope = self.plan.segment(segment_id).scope
        axes = {a.id for a in self.plan.axes if a.segment_id == segment_id}
        ids = {k for action in self.plan.actions if action.axis_id in axes for k in self.counted[action.id]}
        visits = {k for action in self.plan.actions if action.axis_id in axes for k in self.visits[action.id]}
        period = self.plan.period
        r = period.start.astimezone(self.zone).date()
        return self.kpis(scope, (), r, to_date(period, self.today, self.zone), ids, revenue, visits)
