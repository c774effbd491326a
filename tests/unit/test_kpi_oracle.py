"""Every KPI of every axis and segment that ``evaluate()`` gives, against ``kpi_oracle.Oracle`` (written from the docs
only), on seeded random small organisations (audit kpioracle, 7 Dec 2026).

The plan crosses what the KPIs read: a segment on a region, one on a département, one on a product (a deal
condition); axes on the CRM flag, on the 12-month rule, on 6 months, on an axis's `who`, on a product line, on
`dormant: false`, over the year, a quarter and a half-year; actions of every counting inside and before their axis's
period. The records: two currencies (EUR, the plan's, and USD at 0.9137) and one no rate converts (GBP), deals with
no currency, no amount, priced lines only, credits, won / lost / open, deleted, closed at an instant near local
midnight, created or not; activities completed, cancelled, planned or deleted; flags changed during the year;
evaluation instants before, at the first instant of, inside, at local midnights of, and after the periods.
"""

from __future__ import annotations

import collections
import random
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from pac_config.planfile import load_plan_text
from pac_core.engine import EngineSettings, evaluate
from pac_core.plan import ActivityType, Plan
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
    User,
)
from pac_core.results import KpiValue
from tests.unit.kpi_oracle import Expected, Oracle

PARIS = ZoneInfo("Europe/Paris")
FX = {"USD": Decimal("0.9137")}
USERS = (User("005J", "sf", "julie@example.com", "Julie"), User("005M", "sf", "marc@example.com", "Marc"),
         User("h1", "hs", "julie@example.com", "Julie"), User("h2", "hs", "marc@example.com", "Marc"))
OWNERS = {"sf": ("005J", "005M", "005J", "005M", "julie@example.com"), "hs": ("h1", "h2", "h1", "h2", "h3")}
# a Salesforce org's rates on a close date: corporate USD; one table knows the plan's EUR, one does not
KNOWS_EUR = CrmRates("USD", (("USD", Decimal(1)), ("EUR", Decimal("0.92")), ("CHF", Decimal("0.8841"))))
NO_EUR = CrmRates("USD", (("USD", Decimal(1)), ("CHF", Decimal("0.8841")), ("JPY", Decimal("151.2"))), places=2)

PLAN_TEXT = """\
plan:
  name: "Oracle plan"
  year: 2027
  timezone: Europe/Paris
  currency: EUR
  language: en
people:
  - {email: julie@example.com, name: Julie}
  - {email: marc@example.com, name: Marc}
segments:
  - {id: S-ARA, name: ARA, kind: horizontal, scope: {region: Auvergne-Rhône-Alpes}}
  - {id: S-69, name: Rhone, kind: horizontal, scope: {departement: "69"}}
  - {id: S-PMP, name: Pumps, kind: vertical, scope: {product: PMP}}
  - {id: S-ACTIVE, name: Active customers, kind: mixed, scope: {dormant: false}}
  - {id: S-MARC, name: Marc's deals, kind: mixed, scope: {deal_owner: marc@example.com}}
axes:
  - {id: AX-DORM, name: Dormant, segment: S-ARA, scope: {dormant: true},
     objective: {additional_revenue: 10000, budget: 1000}}
  - {id: AX-Q3, name: Rhone Q3, segment: S-ARA, scope: {departement: "69"},
     objective: {additional_revenue: 5000, period: "Q3 2027", budget: 500}}
  - {id: AX-M6, name: Quiet six months, segment: S-69, scope: {dormant: {months: 6}},
     objective: {additional_revenue: 5000, budget: 500}}
  - {id: AX-JULIE, name: Julie's deals, segment: S-69, who: [julie@example.com],
     objective: {additional_revenue: 5000, budget: 500}}
  - {id: AX-PMP, name: Pumps, segment: S-PMP, objective: {additional_revenue: 5000, budget: 500}}
  - {id: AX-PMP-H2, name: Pumps H2 ARA, segment: S-ARA, scope: {product: PMP, dormant: false},
     objective: {additional_revenue: 5000, period: "second half", budget: 500}}
  - {id: AX-OFF, name: On hold, segment: S-69, status: {state: suspended, reason: "capacity"},
     objective: {additional_revenue: 5000, budget: 500}}
  - {id: AX-BACK, name: Quiet actives, segment: S-ACTIVE, scope: {dormant: {months: 6}},
     objective: {additional_revenue: 5000, period: "H1 2027", budget: 500}}
  - {id: AX-WINTER, name: Winter, segment: S-ARA,
     objective: {additional_revenue: 5000, period: "from 2026-11-01 to 2027-02-28", budget: 500}}
  - {id: AX-NEWYEAR, name: Over the new year, segment: S-69, scope: {dormant: true},
     objective: {additional_revenue: 5000, period: "between December 1, 2027 and January 31, 2028", budget: 500}}
  - {id: AX-PAUSE, name: Paused in spring, segment: S-ARA,
     status: {state: suspended, reason: "capacity", since: 2027-04-01, until: 2027-06-30},
     objective: {additional_revenue: 5000, budget: 500}}
  - {id: AX-GONE, name: Dropped, segment: S-69, status: {state: dropped, reason: "no ROI"},
     objective: {additional_revenue: 5000, budget: 500}}
  - {id: AX-MARC-MAINT, name: Marc's maintenance, segment: S-MARC, scope: {product_code: MAINT},
     objective: {additional_revenue: 5000, period: "Q2 2027", budget: 500}}
actions:
  - {id: A-1, axis: AX-DORM, text: "Visit 3 dormant customers in May", who: julie@example.com,
     what: {activity: visit, count: 3}, when: "May 2027"}
  - {id: A-2, axis: AX-Q3, text: "Call 5 Rhone customers in June", who: marc@example.com,
     what: {activity: call, count: 5, counting: activities}, when: "June 2027"}
  - {id: A-3, axis: AX-Q3, text: "Visit 4 Rhone customers in Q3", who: marc@example.com,
     what: {activity: visit, count: 4}, when: "Q3 2027"}
  - {id: A-4, axis: AX-M6, text: "Meet 3 quiet customers in Q2", who: julie@example.com,
     what: {activity: meeting, count: 3, scope: {departement: "69"}}, when: "Q2 2027"}
  - {id: A-5, axis: AX-JULIE, text: "Visit 6 Rhone accounts in 2027", who: julie@example.com,
     what: {activity: visit, count: 6, counting: activities}, when: "2027"}
  - {id: A-6, axis: AX-PMP, text: "Demo pumps to 4 accounts in the second half", who: marc@example.com,
     what: {activity: demo, count: 4}, when: "second half"}
  - {id: A-7, axis: AX-PMP-H2, text: "Call 4 pump customers in the second half", who: julie@example.com,
     what: {activity: call, count: 4}, when: "second half"}
  - {id: A-8, axis: AX-OFF, text: "Email 3 Rhone customers in March", who: marc@example.com,
     what: {activity: email, count: 3}, when: "March 2027"}
  - {id: A-9, axis: AX-BACK, text: "Visit 2 quiet customers in Q2", who: julie@example.com,
     what: {activity: visit, count: 2}, when: "Q2 2027"}
  - {id: A-10, axis: AX-WINTER, text: "Call 3 customers in February", who: julie@example.com,
     what: {activity: call, count: 3}, when: "February 2027"}
  - {id: A-11, axis: AX-NEWYEAR, text: "Visit 3 dormant customers in December", who: marc@example.com,
     what: {activity: visit, count: 3}, when: "December 2027"}
  - {id: A-12, axis: AX-MARC-MAINT, text: "Call 3 maintenance customers in May", who: marc@example.com,
     what: {activity: call, count: 3}, when: "May 2027"}
"""

# before, at the first instant of, inside, at local midnights of, and after the plan's and the axes' periods
AS_OF = (
    datetime(2026, 12, 20, 10, tzinfo=PARIS), datetime(2027, 1, 1, tzinfo=PARIS),
    datetime(2027, 3, 15, 12, tzinfo=PARIS), datetime(2027, 5, 20, 12, tzinfo=PARIS),
    datetime(2027, 7, 1, tzinfo=PARIS), datetime(2027, 8, 15, 9, 30, tzinfo=PARIS),
    datetime(2027, 10, 1, tzinfo=PARIS), datetime(2027, 11, 30, 23, 59, tzinfo=PARIS),
    datetime(2028, 1, 1, tzinfo=PARIS), datetime(2028, 1, 20, 2, tzinfo=PARIS), datetime(2028, 2, 15, 2, tzinfo=PARIS),
)
PLACES = (("69", "Auvergne-Rhône-Alpes"), ("69", "Auvergne-Rhône-Alpes"), ("38", "Auvergne-Rhône-Alpes"),
          ("75", "Île-de-France"), (None, None))
ORGANISATIONS = 100
ABS = 1e-9


PLANS = {(zone, currency): load_plan_text(PLAN_TEXT.replace("Europe/Paris", zone).replace("EUR", currency),
                                          "plan.pac.yaml")
         for zone, currency in (("Europe/Paris", "EUR"), ("America/Chicago", "EUR"), ("Asia/Tokyo", "JPY"))}
RATES = {"EUR": FX, "JPY": {"USD": Decimal("151.2"), "EUR": Decimal("162.5")}}


def _plan(seed: int) -> Plan:
    """Paris; one organisation in four a plan in Chicago (its days end at 05:00 or 06:00 UTC), one in four a yen plan
    in Tokyo (converted to the yen, the CRM's rates knowing the yen or not)."""
    return PLANS[{1: ("America/Chicago", "EUR"), 3: ("Asia/Tokyo", "JPY")}.get(seed % 4, ("Europe/Paris", "EUR"))]


def _money(rng: random.Random, low: int = 1, high: int = 9000) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _instant(rng: random.Random, first: date, last: date) -> datetime:
    day = first + timedelta(days=rng.randint(0, (last - first).days))
    hour = rng.choice((0, 7, 9, 14, 21, 22, 23))
    return datetime(day.year, day.month, day.day, hour, rng.choice((0, 30)), tzinfo=UTC)


def _organisation(seed: int) -> Records:
    rng = random.Random(seed)
    accounts = []
    two_crms = rng.random() < 0.4                  # the same ids in both CRMs: other accounts
    for i in range(rng.randint(4, 9)):
        departement, region = rng.choice(PLACES)
        source = "hs" if two_crms and rng.random() < 0.5 else "sf"
        accounts.append(Account(f"a{i % 4 if two_crms else i}", source, f"Account {i}", departement=departement,
                                region=region, country="FR", dormant=rng.choice((True, False, None, None)),
                                deleted=rng.random() < 0.08))
    accounts = list({(a.source, a.id): a for a in accounts}.values())
    changes = []
    for account in accounts:
        if rng.random() < 0.25:
            changes.append(AccountChange(account.source, account.id, "dormant",
                                         _instant(rng, date(2027, 1, 1), date(2027, 11, 30)),
                                         rng.choice((True, False, None)), account.dormant))
    deals = []
    for i in range(rng.randint(6, 22)):
        stage = rng.choice((DealStage.WON, DealStage.WON, DealStage.WON, DealStage.LOST, DealStage.OPEN))
        currency = rng.choice(("EUR", "EUR", "USD", "USD", None, "GBP", "CHF", "JPY"))
        crm = rng.choice((None, None, KNOWS_EUR, NO_EUR))
        lines: tuple[DealLine, ...] = ()
        amount: Decimal | None = _money(rng)
        kind = rng.random()
        if kind < 0.3:
            lines = tuple(DealLine(product, Decimal(1), rng.choice((_money(rng), _money(rng), None)), code=product,
                                   name=f"{product} line")
                          for product in rng.sample(("PMP", "MAINT", "PMP"), rng.randint(1, 3)))
            priced = [line.amount for line in lines if line.amount is not None]
            amount = rng.choice((sum(priced, Decimal(0)) if priced else None, None, _money(rng)))
        elif kind < 0.4:
            amount = None
        elif kind < 0.48 and stage == DealStage.WON:
            amount = -_money(rng, 1, 3000)
        elif kind < 0.52:
            amount = Decimal(0)
        closed = (_instant(rng, date(2027, 1, 1), date(2027, 12, 31)) if rng.random() < 0.6
                  else _instant(rng, date(2025, 9, 1), date(2028, 1, 31)))
        exact = rng.random() < 0.4
        holder = rng.choice(accounts)
        deals.append(Deal(f"d{i}", holder.source, holder.id, rng.choice(OWNERS[holder.source][:4]), amount, currency,
                          closed.date(), stage, lines=lines, deleted=rng.random() < 0.06,
                          closed_at=closed if exact else None, rates=crm,
                          created_at=(_instant(rng, date(2026, 11, 1), date(2028, 1, 31))
                                      if rng.random() < 0.8 else None)))
    kinds = (ActivityType.VISIT, ActivityType.CALL, ActivityType.MEETING, ActivityType.DEMO, ActivityType.EMAIL)
    statuses = (ActivityStatus.COMPLETED,) * 6 + (ActivityStatus.CANCELLED, ActivityStatus.PLANNED)
    activities = []
    for i in range(rng.randint(5, 30)):
        holder = rng.choice(accounts)
        activities.append(Activity(f"v{i}", holder.source, rng.choice(kinds), rng.choice(OWNERS[holder.source]),
                                   holder.id, _instant(rng, date(2026, 12, 25), date(2027, 12, 31)),
                                   rng.choice(statuses), deleted=rng.random() < 0.06))
    for i in range(rng.randint(0, 6)):              # a task with its due day (done earlier or later), an all-day event
        due = _instant(rng, date(2027, 1, 1), date(2027, 12, 31)).date()
        done = rng.choice((None, _instant(rng, due - timedelta(days=3), due + timedelta(days=3))))
        holder = rng.choice(accounts)
        activities.append(Activity(f"t{i}", holder.source, rng.choice(kinds), rng.choice(OWNERS[holder.source][:4]),
                                   holder.id, done, ActivityStatus.COMPLETED, day=due,
                                   whole_day=done is None and rng.random() < 0.5))
    for i, deal in enumerate(list(deals)):          # a visit a few weeks (up to 100 days) before some deals' close
        if rng.random() < 0.5:
            before = datetime.combine(deal.close_date, datetime.min.time(), UTC) - timedelta(
                days=rng.choice((0, 1, 30, 89, 90, 91, 100)), hours=rng.choice((-2, 3, 10)))
            activities.append(Activity(f"w{i}", deal.source, rng.choice(kinds), rng.choice(OWNERS[deal.source][:4]),
                                       deal.account_id, before, ActivityStatus.COMPLETED))
    return Records(accounts=tuple(accounts), activities=tuple(activities), deals=tuple(deals), users=USERS,
                   account_changes=tuple(changes))


def _close(got: Decimal | None, want: Decimal | int | None, exact: bool) -> bool:
    if got is None or want is None:
        return got is None and want is None
    return got == want if exact else abs(got - Decimal(want)) <= Decimal(ABS)


def _same(got: KpiValue, want: Expected, split: bool) -> bool:
    """Counts and money exact (to the cent: every full-attribution amount is cents); ratios to 1e-9; an axis's
    revenue under split is its share of each deal, a division by 2 or 3 that the engine does not round, to 1e-9."""
    if want.value is None or got.value is None:
        if want.value is not got.value:
            return False
    elif isinstance(want.value, Decimal) and want.numerator is None:
        if not _close(got.value, want.value, exact=not split):
            return False
    elif abs(float(got.value) - float(want.value)) > ABS:
        return False
    if not (_close(got.numerator, want.numerator, exact=not split)
            and _close(got.denominator, want.denominator, exact=True)):
        return False
    return got.excluded == want.excluded


def _disagreements(plan: Plan, records: Records, as_of: datetime, split: bool = False,
                   seen: collections.Counter[str] | None = None) -> list[str]:
    """The KPIs where the engine and the oracle differ; ``seen`` counts, per KPI, the values compared that are
    neither None nor 0 (so that the comparison is known not to hold on empty organisations)."""
    fx = RATES[plan.currency]
    settings = EngineSettings(fx_rates=fx, attribution="split" if split else "full")
    evaluation = evaluate(plan, records, as_of=as_of, settings=settings)
    oracle = Oracle(plan, records, as_of, fx)
    found = []
    scopes = [(f"axis {a.id}", oracle.axis(a, split), evaluation.axis(a.id).kpis) for a in plan.axes]
    scopes += [(f"segment {s.id}", oracle.segment(s), next(p for p in evaluation.segments if p.segment_id == s.id).kpis)
               for s in plan.segments]
    for where, expected, values in scopes:
        by_id = {v.kpi: v for v in values}
        for kpi, want in expected.items():
            got = by_id[kpi]
            if seen is not None and want.value:
                seen[kpi] += 1
            if not _same(got, want, split):
                found.append(f"{where} {kpi}: engine {got.value} ({got.numerator} / {got.denominator}, "
                             f"excluded {got.excluded}), oracle {want.value} ({want.numerator} / {want.denominator}, "
                             f"excluded {want.excluded})")
    return found


def _instants(seed: int) -> list[datetime]:
    """Three of the fixed instants and one at random (a night at 02:00, a local midnight, any minute)."""
    rng = random.Random(seed)
    day = date(2026, 12, 1) + timedelta(days=rng.randint(0, 430))
    clock = rng.choice(((2, 0), (0, 0), (rng.randint(0, 23), rng.randint(0, 59))))
    return [*rng.sample(AS_OF, 3), datetime(day.year, day.month, day.day, *clock, tzinfo=PARIS)]


def test_every_kpi_of_every_axis_and_segment_equals_the_oracle() -> None:
    compared = 0
    seen: collections.Counter[str] = collections.Counter()
    problems: list[str] = []
    for seed in range(ORGANISATIONS):
        plan = _plan(seed)
        records = _organisation(seed)
        for as_of in _instants(seed):
            split = (seed + as_of.day) % 3 == 0
            problems += [f"seed {seed} as of {as_of}{' split' if split else ''}: {p}"
                         for p in _disagreements(plan, records, as_of, split, seen)]
            compared += 1
    assert compared == ORGANISATIONS * 4
    assert len(seen) == 12 and min(seen.values()) >= 20, seen       # every KPI compared on real figures
    assert not problems, "\n".join(problems[:40]) + f"\n... {len(problems)} in all"


if __name__ == "__main__":          # a quick tally by KPI while auditing: python -m tests.unit.test_kpi_oracle N [TEXT]

    tally: collections.Counter[str] = collections.Counter()
    for seed in range(int(sys.argv[1]) if len(sys.argv) > 1 else ORGANISATIONS):
        for as_of, split in [(t, False) for t in AS_OF] + [(t, s) for t in _instants(seed) for s in (False, True)]:
            for problem in _disagreements(_plan(seed), _organisation(seed), as_of, split):
                tally[problem.split(":")[0].split(" ", 2)[2]] += 1
                if len(sys.argv) > 2 and sys.argv[2] in problem:
                    print(seed, as_of, "split" if split else "", problem)
    print(tally)
