"""pac's revenue, baseline, objective and ROI figures against a second oracle written from the docs alone
(tests/unit/oracle2_revenue.py), on random plans: fiscal years (from February, from October, 4-4-5), leap years,
fixed and measured baselines, percentage objectives, credits, deals without amount, product and owner conditions,
three ways of converting currencies, suspended and dropped axes, ``attribution`` full and split."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from pac_config.planfile import load_plan_text
from pac_core.engine import evaluate
from pac_core.engine_settings import EngineSettings
from pac_core.records import Account, CrmRates, Deal, DealLine, DealStage, Records, User
from pac_core.results import Evaluation
from tests.unit.oracle2_revenue import (
    AccountSpec,
    AxisSpec,
    Cond,
    DealSpec,
    Evaluator,
    LineSpec,
    Oracle,
    PlanSpec,
    SegmentSpec,
    add_months,
    convert,
    lines_value,
    prorated,
    quarters,
    round_money,
    whole_value,
    year_earlier,
)

EMAILS = ("ana@acme.example", "ben@acme.example", "cleo@acme.example")
PRODUCTS = ("PUMP", "MAINT", "KIT")
SUNDAYS = {2027: date(2027, 1, 31), 2028: date(2028, 1, 30), 2029: date(2029, 1, 28)}


def _money(rng: random.Random, low: int, high: int, currency: str) -> Decimal:
    if currency == "JPY":
        return Decimal(rng.randint(low, high) * 100)
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def make_spec(seed: int) -> tuple[PlanSpec, datetime]:
    rng = random.Random(seed)
    kind = rng.choice(("cal", "fy_feb", "fy_oct", "fy_mar", "445", "long"))
    year = rng.choice((2027, 2028, 2029))
    if kind in ("cal", "long"):
        start = date(year, 1, 1)
    elif kind == "fy_feb":
        start = date(year, 2, 1)
    elif kind == "fy_oct":
        start = date(year - 1, 10, 1)
    elif kind == "fy_mar":
        start = date(year - 1, 3, 1)
    else:
        start = SUNDAYS[year]
    if kind == "445":                   # NRF fiscal 2028 is 53 weeks (30 January 2028 – 3 February 2029)
        end = start + timedelta(days=370 if year == 2028 else 363)
    else:                               # 18 months: its base a year earlier overlaps its own first six months
        end = add_months(start, 18 if kind == "long" else 12) - timedelta(days=1)
    currency = "JPY" if rng.random() < 0.2 else "EUR"
    accounts = tuple(AccountSpec(f"acc{i}", rng.choice(("69", "38", "75")), rng.choice(("Pharma", "Chimie")))
                     for i in range(6))

    def conds(for_axis: bool) -> tuple[Cond, ...]:
        out = []
        if rng.random() < 0.4:
            out.append(Cond("departement", tuple(sorted(set(rng.sample(("69", "38", "75"), rng.randint(1, 2)))))))
        if rng.random() < (0.2 if for_axis else 0.3):
            out.append(Cond("industry", (rng.choice(("Pharma", "Chimie")),)))
        if rng.random() < (0.35 if for_axis else 0.15):    # codes, a family, a line's name, any letter case
            out.append(Cond("product", tuple(sorted(set(rng.sample((*PRODUCTS, "equipement", "kit item"),
                                                                   rng.randint(1, 2)))))))
        if rng.random() < 0.15:
            out.append(Cond("deal_owner", tuple(sorted(set(rng.sample(EMAILS, 2))))))
        return tuple(out)

    segments = tuple(SegmentSpec(f"S{i}", conds(False)) for i in range(1, rng.randint(1, 2) + 1))
    axes = []
    for i in range(rng.randint(1, 4)):
        has_objective = rng.random() > 0.1
        rate = target = fixed = None
        if has_objective:
            if rng.random() < 0.4:
                rate = Decimal(rng.choice(("0.3", "0.125", "0.2", "1")))
            else:
                target = _money(rng, 1000, 40000, currency)
            if rng.random() < 0.3:
                fixed = _money(rng, 0, 60000, currency)
        budget = effort = None
        roll = rng.random()
        if roll < 0.5:
            budget = _money(rng, 0 if roll < 0.05 else 500, 9000, currency)
        elif roll < 0.8:
            effort = (Decimal(rng.randint(1, 30)), _money(rng, 100, 900, currency))
        status, until, since = "active", None, None
        roll = rng.random()
        if roll < 0.1:
            status = "dropped"
        elif roll < 0.25:
            status, until = "suspended", (start + timedelta(days=rng.randint(0, 300)) if rng.random() < 0.8 else None)
        if status != "active" and rng.random() < 0.5:
            since = start + timedelta(days=rng.randint(0, 200))
            if until is not None and since > until:
                since, until = until, since
        period = None
        if has_objective:
            period = rng.choice((None, "range") if kind == "long" else
                                (None, None, "Q1", "Q2", "Q3", "Q4", "H1", "H2", "range"))
            if period == "range":       # days of its own, possibly from before the plan's first day
                first = start + timedelta(days=rng.randint(-60, 300))
                period = f"{first}..{max(first + timedelta(days=rng.randint(20, 200)), start + timedelta(days=9))}"
        axes.append(AxisSpec(
            f"AX{i}", rng.choice(segments).id, conds(True),
            who=tuple(sorted(set(rng.sample(EMAILS, 2)))) if rng.random() < 0.2 else (),
            has_objective=has_objective, amount=target, rate=rate,
            period=period,
            fixed=fixed, margin=Decimal("0.3") if rng.random() < 0.7 else Decimal(rng.choice(("0.25", "0.5"))),
            budget=budget if has_objective else None, effort=effort if has_objective else None,
            status=status, until=until, since=since))
    fx = {"USD": Decimal("150.37") if currency == "JPY" else Decimal("0.92")}
    edges = sorted({d for first, last in (quarters(PlanSpec(kind, start, end, currency, (), (), (), ()))
                                          if kind != "long" else [(start, end)])
                    for d in (first, last, first - timedelta(days=1))}
                   | {date(y, m, d) for y in (year - 2, year - 1, year) for m, d in ((2, 28), (3, 1), (1, 31))}
                   | {date(y, 2, 29) for y in (2024, 2028)})
    as_of_day = rng.choice(edges) if rng.random() < 0.3 else \
        start + timedelta(days=rng.randint(-120, 560 if kind == "long" else 380))
    edges += [e - timedelta(days=364) for e in edges] + [e.replace(year=e.year - 1) for e in edges if e.month != 2]
    edges += [as_of_day, as_of_day - timedelta(days=1), as_of_day + timedelta(days=1)]
    deals = []
    amount: Decimal | None
    for i in range(rng.randint(5, 40)):
        if rng.random() < 0.3:
            day = rng.choice(edges)
        else:
            day = start + timedelta(days=rng.randint(-380, max(0, (as_of_day - start).days) + 10))
        lines: tuple[LineSpec, ...] = ()
        if rng.random() < 0.08:            # a multi-select product field: one line worth the whole deal
            lines = (LineSpec(";".join(rng.sample(PRODUCTS, 2)), _money(rng, 100, 8000, currency),
                              name="multi"),)
        elif rng.random() < 0.5:
            lines = tuple(LineSpec(rng.choice(PRODUCTS),
                                   None if rng.random() < 0.1 else _money(rng, 100, 8000, currency),
                                   family=rng.choice(("Fam", "Équipement")))
                          for _ in range(rng.randint(1, 3)))
        priced = [line.amount for line in lines if line.amount is not None]
        roll = rng.random()
        if lines and roll < 0.5:
            amount = sum(priced, Decimal(0)) if priced else None
        elif roll < 0.1 or (lines and roll < 0.65):
            amount = None
        else:
            amount = _money(rng, 100, 20000, currency)
        if amount is not None and rng.random() < 0.08:
            amount = -amount                           # a credit
        cur: str | None = None
        rates: tuple[str, tuple[tuple[str, Decimal], ...], int] | None = None
        roll = rng.random()
        if roll < 0.15:
            cur = "USD"
        elif roll < 0.3 and currency == "EUR":
            cur = "CHF"
            rates = ("EUR", (("EUR", Decimal(1)), ("CHF", Decimal(rng.choice(("0.95", "0.9412", "0.97")))),
                             ("USD", Decimal("1.1"))), 2)
        elif roll < 0.3:
            cur = "EUR"
            rates = ("EUR", (("EUR", Decimal(1)), ("JPY", Decimal(rng.choice(("161.2", "158.73")))),), 2)
        elif roll < 0.4:
            cur = "GBP"
            rates = ("USD", (("USD", Decimal(1)), ("GBP", Decimal(rng.choice(("0.79", "0.8123"))))), 2)
        elif roll < 0.45:
            cur = currency
        elif roll < 0.5:                # a rate table without the deal's currency: fx_rates converts it
            cur = "USD"
            rates = ("EUR", (("EUR", Decimal(1)), ("CHF", Decimal("0.95"))), 2)
        deals.append(DealSpec(f"d{i}", rng.choice(accounts).id if rng.random() > 0.05 else "nowhere",
                              rng.choice(EMAILS), day, amount, cur, lines, won=rng.random() > 0.1, rates=rates,
                              closed_late_utc=rng.random() < 0.15, deleted=rng.random() < 0.03))
    hour = rng.choice((time(0), time(0), time(9, 30), time(23, 59)))
    zone = ZoneInfo("America/New_York" if rng.random() < 0.25 else "Europe/Paris")
    spec = PlanSpec(kind, start, end, currency, accounts, segments, tuple(axes), tuple(deals), fx,
                    split=rng.random() < 0.4, zone=zone)
    return spec, datetime.combine(as_of_day, hour, tzinfo=spec.zone)


def _scope_yaml(conds: tuple[Cond, ...]) -> str:
    keys = {"departement": "departement", "industry": "industry", "product": "product", "deal_owner": "deal_owner"}
    return "{" + ", ".join(f"{keys[c.key]}: [{', '.join(repr(v) for v in c.values)}]" for c in conds) + "}"


def plan_yaml(spec: PlanSpec) -> str:
    out = ["plan:", "  name: Oracle", f"  year: {spec.start.year}", f"  currency: {spec.currency}",
           f"  timezone: {spec.zone.key}", "  language: en", f"  period: {spec.start}..{spec.end}"]
    if spec.kind == "445":
        out.append("  fiscal_calendar: 4-4-5")
    out += ["people:"] + [f"  - {{email: {e}, name: P{i}, role: {'manager' if i == 0 else 'rep'}}}"
                         for i, e in enumerate(EMAILS)]
    out += ["segments:"] + [f"  - {{id: {s.id}, name: {s.id}, kind: mixed, scope: {_scope_yaml(s.conds)}}}"
                            for s in spec.segments]
    out.append("axes:")
    for a in spec.axes:
        out += [f"  - id: {a.id}", f"    name: {a.id}", f"    segment: {a.segment}",
                f"    scope: {_scope_yaml(a.conds)}"]
        if a.who:
            out.append(f"    who: [{', '.join(a.who)}]")
        since = f", since: {a.since}" if a.since else ""
        if a.status == "dropped":
            out.append(f"    status: {{state: dropped, reason: gone{since}}}")
        elif a.status == "suspended":
            until = f", until: {a.until}" if a.until else ""
            out.append(f"    status: {{state: suspended, reason: hold{until}{since}}}")
        if a.has_objective:
            out.append("    objective:")
            target = f'"{a.rate * 100:f} %"' if a.rate is not None else str(a.amount)
            out.append(f"      additional_revenue: {target}")
            if a.period:
                out.append(f"      period: {a.period}")
            if a.fixed is not None:
                # with its currency: a bare "2000" is refused as « a year or an amount? »
                fixed = f"¥{a.fixed}" if spec.currency == "JPY" else f"{a.fixed} €"
                out.append(f'      baseline: "{fixed}"')
            out.append(f"      margin_rate: {a.margin}")
            if a.budget is not None:
                out.append(f"      budget: {a.budget}")
            if a.effort is not None:
                out.append(f"      effort_days: {a.effort[0]}")
                out.append(f"      day_cost: {a.effort[1]}")
    out.append("actions: []")
    return "\n".join(out) + "\n"


def records(spec: PlanSpec) -> Records:
    users = tuple(User(f"u{i}", "sf", e) for i, e in enumerate(EMAILS))
    accounts = tuple(Account(a.id, "sf", a.id, departement=a.departement, industry=a.industry, country="FR")
                     for a in spec.accounts)
    deals = []
    for d in spec.deals:
        closed_at = None
        close_date = d.day
        if d.closed_late_utc:          # a HubSpot instant whose UTC date is not its local day
            if spec.zone.key == "Europe/Paris":
                closed_at = datetime.combine(d.day - timedelta(days=1), time(23, 30), tzinfo=UTC)
            else:
                closed_at = datetime.combine(d.day + timedelta(days=1), time(2, 30), tzinfo=UTC)
            close_date = closed_at.date()
            assert closed_at.astimezone(spec.zone).date() == d.day
        lines = tuple(DealLine(line.product, Decimal(1), line.amount, code=line.product, family=line.family,
                               name=line.name or f"{line.product} item")
                      for line in d.lines)
        deals.append(Deal(d.id, "sf", d.account, f"u{EMAILS.index(d.owner)}", d.amount, d.currency, close_date,
                          DealStage.WON if d.won else DealStage.LOST, lines=lines, closed_at=closed_at,
                          deleted=d.deleted, rates=CrmRates(*d.rates) if d.rates else None))
    return Records(accounts=accounts, deals=tuple(deals), users=users)


def cent(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"))


def close(a: Decimal | None, b: Decimal | None, tolerance: str = "1e-15") -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= Decimal(tolerance)


def close_ratio(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def compare(oracle: Oracle, ev: Evaluation) -> list[str]:
    diffs = []
    for axis in ev.axes:
        want = oracle.axes[axis.axis_id]
        for name in ("revenue", "baseline", "additional", "objective", "cost_to_date"):
            if not close(getattr(axis, name), getattr(want, name)):
                diffs.append(f"axis {axis.axis_id} {name}: pac {getattr(axis, name)} "
                             f"oracle {cent(getattr(want, name))}")
        if abs(want.share - 0.1) > 0.01:
            for name in ("roi", "time_to_roi_months"):
                if not close_ratio(getattr(axis, name), getattr(want, name)):
                    diffs.append(f"axis {axis.axis_id} {name}: pac {getattr(axis, name)} oracle {getattr(want, name)}")
        if not close_ratio(axis.progress, want.progress):
            diffs.append(f"axis {axis.axis_id} progress: pac {axis.progress} oracle {want.progress}")
    for seg in ev.segments:
        want_seg = oracle.segments[seg.segment_id]
        for name in ("revenue", "baseline", "additional", "objective", "period_baseline"):
            if not close(getattr(seg, name), getattr(want_seg, name)):
                diffs.append(f"segment {seg.segment_id} {name}: pac {getattr(seg, name)} "
                             f"oracle {cent(getattr(want_seg, name))}")
        # docs/engine.md (*The advisor*, prioritise): a segment with a baseline of 0 or below has no trend
        trend = float(want_seg.revenue / want_seg.baseline - 1) if want_seg.baseline > 0 else None
        if not close_ratio(seg.trend, trend):
            diffs.append(f"segment {seg.segment_id} trend: pac {seg.trend} oracle {trend}")
        if not want_seg.roi_uncertain and not close_ratio(seg.roi, want_seg.roi):
            diffs.append(f"segment {seg.segment_id} roi: pac {seg.roi} oracle {want_seg.roi}")
    totals = ev.plan
    assert totals is not None
    want_plan = oracle.plan
    for name in ("revenue", "baseline", "additional", "objective", "cost", "cost_to_date"):
        if not close(getattr(totals, name), getattr(want_plan, name)):
            diffs.append(f"plan {name}: pac {getattr(totals, name)} oracle {cent(getattr(want_plan, name))}")
    progress = float(want_plan.additional / want_plan.objective) if want_plan.objective else None
    if not close_ratio(totals.progress, progress):
        diffs.append(f"plan progress: pac {totals.progress} oracle {progress}")
    if not want_plan.roi_uncertain and not close_ratio(totals.roi, want_plan.roi):
        diffs.append(f"plan roi: pac {totals.roi} oracle {want_plan.roi}")
    return diffs


def run_seed(seed: int) -> list[str]:
    spec, as_of = make_spec(seed)
    plan = load_plan_text(plan_yaml(spec))
    settings = EngineSettings(fx_rates=spec.fx, attribution="split" if spec.split else "full")
    ev = evaluate(plan, records(spec), as_of=as_of, settings=settings)
    return compare(Evaluator(spec, as_of).run(), ev)


@pytest.mark.parametrize("block", range(8))
def test_pac_agrees_with_the_second_revenue_oracle(block: int) -> None:
    failures = {}
    for seed in range(block * 50, block * 50 + 50):
        diffs = run_seed(seed)
        if diffs:
            failures[seed] = diffs
    assert not failures, "\n".join(f"seed {s}: {d}" for s, ds in failures.items() for d in ds[:6])


@pytest.mark.parametrize("seed", [1690, 7503])
def test_seeds_that_found_a_defect(seed: int) -> None:
    """Seeds of this generator beyond the blocks above (where seed 13 is one) on which pac disagreed with the oracle
    before a fix: the plan's revenue or baseline a cent above the deal's amount (a converted deal whose amount is its
    lines' sum, counted whole and by lines; test_a_converted_deal_whose_amount_is_its_lines_counts_its_amount_in_the_
    totals). They name plans only while make_spec draws the same: a change of the generator moves them."""
    assert run_seed(seed) == []


CENT_PLAN = """plan: {name: Cents, year: 2027, currency: EUR, language: en}
segments: [{id: S, name: S, kind: mixed, scope: {}}]
axes:
  - {id: WHOLE, name: w, segment: S, scope: {}, objective: {additional_revenue: 1000, budget: 100}}
  - {id: PUMPS, name: p, segment: S, scope: {product: PUMP}, objective: {additional_revenue: 1000, budget: 100}}
actions: []
"""


@pytest.mark.parametrize("amount", [Decimal("200.10"), None])
def test_a_converted_deal_whose_amount_is_its_lines_counts_its_amount_in_the_totals(amount: Decimal | None) -> None:
    """USD 200.10, two PUMP lines of USD 100.05, at 0.9: the deal is worth 180.09 € (200.10 x 0.9, rounded once), its
    lines 90.05 + 90.05 = 180.10 € (each rounded). The whole-deal axis and the segment count 180.09, the PUMP axis
    180.10; the plan counts the deal once, whole, at 180.09 (docs/engine.md, *Totals*: only a typed amount differing
    from its priced lines takes the larger of the two). Found by the second revenue oracle (seed 1417): the plan read
    180.10, a cent above the segment holding the same deal. Seen failing before the fix (180.10, both cases)."""
    lines = tuple(DealLine("PUMP", Decimal(1), Decimal("100.05"), code="PUMP") for _ in range(2))
    deal = Deal("d", "sf", "a", "u", amount, "USD", date(2027, 3, 1), DealStage.WON, lines=lines)
    recs = Records(accounts=(Account("a", "sf", "A"),), deals=(deal,), users=(User("u", "sf", "x@y.example"),))
    ev = evaluate(load_plan_text(CENT_PLAN), recs, as_of=datetime(2027, 6, 1, 12, tzinfo=UTC),
                  settings=EngineSettings(fx_rates={"USD": Decimal("0.9")}))
    assert [a.revenue for a in ev.axes] == [Decimal("180.09"), Decimal("180.10")]
    assert [s.revenue for s in ev.segments] == [Decimal("180.09")]
    assert ev.plan is not None and ev.plan.revenue == Decimal("180.09")


def test_the_oracle_reproduces_the_documented_examples() -> None:
    """The oracle's own rules against the figures docs/engine.md and docs/plan-format.md write out, so that agreeing
    with pac means agreeing with the docs."""
    calendar_plan = PlanSpec("cal", date(2029, 1, 1), date(2029, 12, 31), "EUR", (), (), (), ())
    # February 2029 and a fiscal year ending 28 February 2029 end their baselines on 29 February 2028; February 2028
    # ends on 28 February 2027; a span starting on 29 February starts a year earlier on 1 March
    assert year_earlier(calendar_plan, date(2029, 2, 1), date(2029, 2, 28)) == (date(2028, 2, 1), date(2028, 2, 29))
    assert year_earlier(calendar_plan, date(2028, 3, 1), date(2029, 2, 28))[1] == date(2028, 2, 29)
    assert year_earlier(calendar_plan, date(2028, 2, 1), date(2028, 2, 29)) == (date(2027, 2, 1), date(2027, 2, 28))
    assert year_earlier(calendar_plan, date(2028, 2, 29), date(2028, 3, 31)) == (date(2027, 3, 1), date(2027, 3, 31))
    # a 4-4-5 year from 31 January 2027: Q2 2 May - 31 July 2027, compared with 3 May - 1 August 2026
    retail = PlanSpec("445", date(2027, 1, 31), date(2028, 1, 29), "USD", (), (), (), ())
    assert quarters(retail)[1] == (date(2027, 5, 2), date(2027, 7, 31))
    assert year_earlier(retail, *quarters(retail)[1]) == (date(2026, 5, 3), date(2026, 8, 1))
    # a 53-week year (audit fiscal53): its 14-week Q4 compares with last year's 13, its 53rd week with no day
    fy53 = PlanSpec("445", date(2023, 1, 29), date(2024, 2, 3), "USD", (), (), (), ())
    assert quarters(fy53)[3] == (date(2023, 10, 29), date(2024, 2, 3))
    assert year_earlier(fy53, *quarters(fy53)[3]) == (date(2022, 10, 30), date(2023, 1, 28))
    first, last = year_earlier(fy53, date(2024, 1, 28), date(2024, 2, 3))
    assert first > last
    # 20,000 x 273 / 365 at the end of September; 100,000 x 140 / 365 = 38,356 on 20 May
    assert prorated(Decimal(20000), date(2027, 1, 1), date(2027, 12, 31), date(2027, 9, 30)) == \
        Decimal(20000) * 273 / 365
    assert round(prorated(Decimal(100000), date(2027, 1, 1), date(2027, 12, 31), date(2027, 5, 20))) == 38356
    # two CHF 400 lines at 0.95, no amount: 842.11 counted whole, 421.05 + 421.05 = 842.10 line by line
    chf = DealSpec("d", "a", EMAILS[0], date(2027, 3, 1), None, "CHF",
                   (LineSpec("PUMP", Decimal(400)), LineSpec("MAINT", Decimal(400))),
                   rates=("EUR", (("EUR", Decimal(1)), ("CHF", Decimal("0.95"))), 2))
    assert whole_value(calendar_plan, chf) == Decimal("842.11")
    assert lines_value(calendar_plan, chf, frozenset({0, 1})) == Decimal("842.10")
    # USD 1,234.56 at 0.92 is 1,135.80; a percentage objective of ¥33,001.5 is ¥33,002
    usd = DealSpec("u", "a", EMAILS[0], date(2027, 3, 1), Decimal("1234.56"), "USD")
    assert convert(PlanSpec("cal", date(2027, 1, 1), date(2027, 12, 31), "EUR", (), (), (), (),
                            fx={"USD": Decimal("0.92")}), usd, usd.amount) == Decimal("1135.80")  # type: ignore[arg-type]
    assert round_money(Decimal("33001.5"), "JPY") == Decimal(33002)
