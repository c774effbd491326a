"""The KPI vocabulary of every axis and segment against an independent reference (``tests/unit/vocab_oracle.py``,
written from docs/engine.md alone): on random small organisations (two CRMs, deals won / lost / open in the plan's
currency, in a rated and an unrated one, with no amount, credits, product lines, deal owners; accounts with and
without a dormant flag, flags, owners and types changed around the reference dates; visits and calls counted by
actions of several axes; evaluation instants on and around the periods' edges), ``evaluate()``'s KPIs equal the
reference's, and the CRM's KPI fields say the same figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.base import Target
from pac_core.engine import EngineSettings, evaluate
from pac_core.kpi_vocabulary import BY_ID, resolve
from pac_core.plan import (
    Action,
    ActivityType,
    Axis,
    AxisState,
    AxisStatus,
    Counting,
    Objective,
    Plan,
    Segment,
    SegmentKind,
)
from pac_core.records import Account, AccountChange, Activity, ActivityStatus, Deal, DealLine, DealStage, Records
from pac_core.results import KpiValue
from pac_core.scopes import EVERYTHING, Condition, Scope, parse_scope
from pac_core.window import Window
from sync_jobs.diff import desired_state, record_key
from tests.unit.count_oracle import local_midnight, months_before
from tests.unit.test_count_oracle import JULIE, MARC, ORG_USERS, PEOPLE
from tests.unit.vocab_oracle import Kpi, VocabOracle

FX = {"USD": Decimal("0.92")}          # GBP has no rate: a won deal in GBP is rejected
ZONES = ("Europe/Paris", "Europe/Paris", "America/Chicago", "Pacific/Auckland")
DEAL_CONDITIONS = (
    Condition("product_family", "in", ("EQUIP",), "équipements"),
    Condition("deal_owner", "in", (MARC,), "Marc"),
    Condition("product_code", "not_in", ("MAINT",), "hors maintenance"),
)


# account conditions (count_oracle's test covers every kind of scope; here a few, to keep most scopes non-empty)
ACCOUNT_SCOPES = (EVERYTHING, EVERYTHING, EVERYTHING, EVERYTHING, EVERYTHING, parse_scope({"departement": "69"}),
                  parse_scope({"industry": "Chimie"}), parse_scope({"not": {"industry": "Chimie"}}),
                  parse_scope({"account_type": "Client"}), parse_scope({"owner": JULIE}))
DORMANCY = (EVERYTHING, EVERYTHING, parse_scope({"dormant": True}), parse_scope({"dormant": False}),
            parse_scope({"dormant": {"months": 6}}), parse_scope({"dormant": {"months": 12}}))


@st.composite
def _account(draw: st.DrawFn, source: str, ident: str) -> Account:
    postal = draw(st.sampled_from(("69003", "69100", "38000", None)))
    return Account(ident, source, ident, postal_code=postal, departement=postal[:2] if postal else None,
                   country="FR", industry=draw(st.sampled_from((None, "Chimie", "Pharmaceutique"))),
                   account_type=draw(st.sampled_from((None, "Client", "Prospect"))),
                   owner_id=draw(st.sampled_from(("005J", "005M", "h1", None) if source == "sf" else ("h1", "h2"))),
                   dormant=draw(st.sampled_from((None, None, True, False))), deleted=draw(st.integers(0, 11)) == 0)


@dataclass(frozen=True)
class Org:
    plan: Plan
    records: Records
    as_of: datetime
    settings: EngineSettings


def _months(first: date, n: int) -> date:
    m = first.month - 1 + n
    return date(first.year + m // 12, m % 12 + 1, 1)


def _pump(amount: Decimal | None) -> DealLine:
    return DealLine("PX200", Decimal(1), amount, code="PX200", family="EQUIP", name="Pump")


def _maint(amount: Decimal | None) -> DealLine:
    return DealLine("MAINT", Decimal(1), amount, code="MAINT", family="SERV", name="Maintenance")


@st.composite
def orgs(draw: st.DrawFn) -> Org:
    zone = ZoneInfo(draw(st.sampled_from(ZONES)))
    first, after = date(2027, 1, 1), date(2028, 1, 1)

    def at(d: date, seconds: int = 0) -> datetime:
        return local_midnight(d, zone).astimezone(UTC) + timedelta(seconds=seconds)

    periods = {"year": (first, after), "Q1": (first, _months(first, 3)), "M2": (_months(first, 1), _months(first, 2)),
               "Q2": (_months(first, 3), _months(first, 6)), "Q4": (_months(first, 9), after)}
    windows = {k: Window(at(a), at(b), k) for k, (a, b) in periods.items()}
    starts = sorted({a for a, _ in periods.values()})
    ends = sorted({b - timedelta(days=1) for _, b in periods.values()})
    # the days that matter: each period's first and last day and their neighbours, the dormancy rule's edges
    edges = [d + timedelta(days=k) for d in starts + ends for k in (-1, 0, 1)]
    edges += [months_before(s, n) + timedelta(days=k) for s in starts for n in (3, 6, 12) for k in (-1, 0)]
    inside_year = st.integers(0, 364).map(lambda n: first + timedelta(days=n))
    day = st.one_of(st.sampled_from(edges), inside_year, inside_year,
                    st.integers(-800, -1).map(lambda n: first + timedelta(days=n)))

    keys = draw(st.lists(st.sampled_from([("sf", "a1"), ("sf", "a2"), ("sf", "a3"), ("sf", "a4"), ("hs", "b1"),
                                          ("hs", "b2")]), min_size=4, max_size=6, unique=True))
    accounts = [draw(_account(source, ident)) for source, ident in keys]

    deals = []
    for n in range(draw(st.integers(6, 20))):
        acc = draw(st.sampled_from(accounts))
        account_id = draw(st.sampled_from((acc.id,) * 12 + (None, "ghost")))
        close = draw(day)
        closed_at = None
        if draw(st.booleans()):
            closed_at = at(close, draw(st.sampled_from((-1800, 1800, 23 * 3600 + 1800))))
        amount = draw(st.sampled_from((Decimal(1000), Decimal("2500.5"), None, Decimal(-500), Decimal(40))))
        currency = draw(st.sampled_from(("EUR", "EUR", "EUR", "EUR", None, "USD", "USD", "GBP")))
        line_amount = st.sampled_from((None, Decimal(400), Decimal("1200.25")))
        lines = tuple(draw(st.lists(st.one_of(line_amount.map(_pump), line_amount.map(_maint)), max_size=2)))
        created_at = None
        if draw(st.booleans()):
            created_at = at(draw(day), draw(st.sampled_from((-1800, 1800, 12 * 3600))))
        owners = ("005J", "005J", "005M", None, MARC) if acc.source == "sf" else ("h1", "h1", "h2", None)
        deals.append(Deal(
            f"d{n}", acc.source, account_id, draw(st.sampled_from(owners)), amount, currency,
            closed_at.date() if closed_at else close,
            draw(st.sampled_from((DealStage.WON,) * 4 + (DealStage.LOST, DealStage.LOST, DealStage.OPEN))),
            lines=lines, deleted=draw(st.integers(0, 9)) == 0, closed_at=closed_at, created_at=created_at))

    changes = []
    for acc in draw(st.lists(st.sampled_from(accounts), max_size=3)):
        field, old = draw(st.sampled_from((("dormant", True), ("dormant", False), ("dormant", None),
                                           ("owner_id", "005J"), ("owner_id", "h1"), ("account_type", "Client"))))
        changed = at(draw(st.sampled_from(starts)) + timedelta(days=draw(st.sampled_from((-1, 0, 1, 20)))),
                     draw(st.sampled_from((-60, 60, 10 * 3600))))
        changes.append(AccountChange(acc.source, acc.id, field, changed, old, getattr(acc, field)))

    seg_ids = ["S1", "S2"][:draw(st.integers(1, 2))]
    segments = []
    for s in seg_ids:
        scope = draw(st.sampled_from((EVERYTHING, *ACCOUNT_SCOPES)))
        if draw(st.integers(0, 4)) == 0:     # a segment of dormant (or active) customers
            scope = scope & draw(st.sampled_from(DORMANCY))
        if draw(st.integers(0, 4)) == 0:
            scope = scope & Scope((draw(st.sampled_from(DEAL_CONDITIONS)),))
        segments.append(Segment(s, s, SegmentKind.HORIZONTAL, scope))
    axes = []
    for n in range(draw(st.integers(1, 3))):
        scope = draw(st.sampled_from(ACCOUNT_SCOPES)) & draw(st.sampled_from(DORMANCY))
        if draw(st.integers(0, 3)) == 0:
            scope = scope & Scope((draw(st.sampled_from(DEAL_CONDITIONS)),))
        named = tuple(draw(st.lists(st.sampled_from(KPI_IDS), unique=True, max_size=4)))
        objective = Objective(Decimal(10000), windows[draw(st.sampled_from(sorted(windows)))],
                              budget=Decimal(1000), kpis=named)
        status = draw(st.sampled_from((AxisStatus(),) * 4 + (
            AxisStatus(AxisState.DROPPED, reason="ROI"), AxisStatus(AxisState.SUSPENDED, reason="charge",
                                                                    until=date(2027, 3, 31)))))
        axes.append(Axis(f"AX{n}", f"Axe {n}", draw(st.sampled_from(seg_ids)), scope, status, objective=objective,
                         who=draw(st.sampled_from(((), (), (), (JULIE,))))))
    actions = []
    action_windows = []
    for n in range(draw(st.integers(1, 3))):
        on = draw(st.sampled_from(axes))
        assert on.objective is not None
        # mostly inside its axis's objective period (its visits convert its orders), else any period
        a, b = draw(st.sampled_from((periods[on.objective.period.label],) * 2 + tuple(sorted(periods.values()))))
        if draw(st.booleans()):            # a week or a month inside, around its first day
            a = a + timedelta(days=draw(st.sampled_from((0, 0, 3, 30))))
            b = a + timedelta(days=draw(st.sampled_from((7, 31))))
        action_windows.append((a, b))
        actions.append(Action(f"A-{n}", on.id, "t", draw(st.sampled_from((JULIE, JULIE, MARC))),
                              draw(st.sampled_from((ActivityType.VISIT, ActivityType.VISIT, ActivityType.CALL))),
                              5, Window(at(a), at(b), f"w{n}"), draw(st.sampled_from(tuple(Counting))),
                              draw(st.sampled_from(ACCOUNT_SCOPES))))
    activities = []
    for n in range(draw(st.integers(2, 16))):
        acc = draw(st.sampled_from(accounts))
        a, b = draw(st.sampled_from(action_windows))
        d = draw(st.sampled_from((a, a + timedelta(days=1), b - timedelta(days=1), b,
                                  a + timedelta(days=draw(st.integers(0, max(0, (b - a).days - 1)))))))
        start = at(d, draw(st.sampled_from((-3600, 1, 9 * 3600, 23 * 3600))))
        owners = ("005J", "005J", "005M", JULIE) if acc.source == "sf" else ("h1", "h2")
        activities.append(Activity(
            f"v{n}", acc.source, draw(st.sampled_from((ActivityType.VISIT,) * 3 + (ActivityType.CALL,))),
            draw(st.sampled_from(owners)), acc.id, start,
            draw(st.sampled_from((ActivityStatus.COMPLETED,) * 5 + (ActivityStatus.CANCELLED,))),
            deleted=draw(st.integers(0, 11)) == 0))

    # orders a counted visit may convert: on the account of an activity, from the day before it to 91 days after
    likely = [a for a in activities if a.status is ActivityStatus.COMPLETED and not a.deleted
              and a.owner_id in ("005J", JULIE, "h1")]
    for n, act in enumerate(draw(st.lists(st.sampled_from(likely), max_size=8)) if likely else ()):
        assert act.start is not None
        after_visit = draw(st.sampled_from((-1, 0, 0, 1, 5, 20, 89, 90, 91)))
        close = act.start.astimezone(zone).date() + timedelta(days=after_visit)
        deals.append(Deal(f"c{n}", act.source, act.account_id, draw(st.sampled_from(("005J", "005M", "h1"))),
                          draw(st.sampled_from((Decimal(700), None, Decimal(-200)))),
                          draw(st.sampled_from(("EUR", "EUR", "GBP"))), close,
                          draw(st.sampled_from((DealStage.WON, DealStage.WON, DealStage.LOST))),
                          lines=tuple(draw(st.lists(st.sampled_from((_pump(Decimal(300)), _maint(None))),
                                                    max_size=1)))))
    # an all-day visit: its day, no instant
    activities = [Activity(a.id, a.source, a.type, a.owner_id, a.account_id, None, a.status, day=a.start.date())
                  if a.start is not None and draw(st.integers(0, 5)) == 0 else a for a in activities]

    as_of = draw(st.one_of(
        st.sampled_from([at(s) for s in starts] + [at(s, 1) for s in starts] + [at(e, 86399) for e in ends]
                        + [at(e + timedelta(days=1)) for e in ends]
                        + [at(after + timedelta(days=20)), at(first - timedelta(days=10), 7200)]),
        st.integers(0, 400).map(lambda n: at(first + timedelta(days=n), 10 * 3600)),
        st.integers(150, 400).map(lambda n: at(first + timedelta(days=n), 10 * 3600)),
        st.integers(250, 400).map(lambda n: at(first + timedelta(days=n), 10 * 3600))))
    plan = Plan("P", windows["year"], str(zone), language=draw(st.sampled_from(("fr", "en"))), people=PEOPLE,
                segments=tuple(segments), axes=tuple(axes),
                actions=tuple(actions))
    records = Records(accounts=tuple(accounts), activities=tuple(activities), deals=tuple(deals), users=ORG_USERS,
                      account_changes=tuple(changes))
    attribution = draw(st.sampled_from(("full", "full", "split")))
    return Org(plan, records, as_of, EngineSettings(
        fx_rates=FX, attribution=attribution, attribution_days=draw(st.sampled_from((90, 90, 30))),
        dormant_default_months=draw(st.sampled_from((12, 12, 6)))))


KPI_IDS = ("reactivation_rate", "win_rate", "visit_to_win", "average_won_deal", "coverage", "new_accounts",
           "revenue_per_visit", "pipeline_created", "accounts_visited", "activities_done", "won_deals", "revenue")
NAMES = {
    "fr": ("Taux de réactivation", "Taux de réussite", "Conversion visite-commande",
           "Montant moyen des affaires gagnées", "Couverture du périmètre", "Nouveaux comptes", "CA par visite",
           "Pipeline créé", "Comptes visités",
           "Activités réalisées", "Affaires gagnées", "Chiffre d'affaires"),
    "en": ("Reactivation rate", "Win rate", "Visit-to-win conversion", "Average won deal", "Scope coverage",
           "New accounts", "Revenue per visit", "Pipeline created", "Accounts visited", "Activities done", "Won deals",
           "Revenue"),
}
PERCENTS = ("reactivation_rate", "win_rate", "visit_to_win", "coverage")
MONEY = ("average_won_deal", "revenue_per_visit", "pipeline_created", "revenue")


def _grouped(n: int, lang: str) -> str:
    """A whole number with the report's thousands separator (a narrow no-break space in French, a comma in English)."""
    text = f"{abs(n):,}".replace(",", "\u202f" if lang == "fr" else ",")
    return ("\u2212" if n < 0 else "") + text     # the minus sign of a figure people read (docs/report.md, *Signs*)


def _left_out(n: int, lang: str) -> str:
    s = "s" if n > 1 else ""
    return f"{n} affaire{s} sans montant exclue{s}" if lang == "fr" else f"{n} deal{s} with no amount left out"


def _euros(amount: Decimal, lang: str) -> str:
    whole = int(amount.quantize(Decimal(1), ROUND_HALF_UP))
    if lang == "fr":
        return f"{_grouped(whole, lang)}\u00a0€"
    return ("\u2212" if whole < 0 else "") + f"€{_grouped(abs(whole), lang)}"


def _total(amount: Decimal, count: int, average: Decimal, lang: str) -> str:
    """An average's total: to the euro when that divided by the count reads the average shown, else to the cent
    (« 3 500,50 € / 2 » beside 1 750 €, as 3 501 € / 2 reads 1 751 €: audit roundings, docs/report.md)."""
    whole = amount.quantize(Decimal(1), ROUND_HALF_UP)
    if (whole / count).quantize(Decimal(1), ROUND_HALF_UP) == average.quantize(Decimal(1), ROUND_HALF_UP):
        return _euros(amount, lang)
    cents = amount.quantize(Decimal("0.01"), ROUND_HALF_UP)
    units, decimals = f"{abs(cents):.2f}".split(".")
    number = _grouped(int(units), lang) + ("," if lang == "fr" else ".") + decimals
    sign = "\u2212" if cents < 0 else ""
    return f"{sign}{number}\u00a0€" if lang == "fr" else f"{sign}€{number}"


def _brackets(parts: list[str], lang: str) -> str:
    """The parts of a quotient in brackets, as the report's KPI table gives them (audit crmhandus)."""
    return f" ({(' ; ' if lang == 'fr' else '; ').join(parts)})" if parts else ""


def kpi_text(kpi: str, want: Kpi, lang: str) -> str:
    """One KPI as the CRM's text field writes it (docs/engine.md, *KPI vocabulary*, Write-back), from the docs."""
    name = NAMES[lang][KPI_IDS.index(kpi)]
    head = f"{name} : " if lang == "fr" else f"{name}: "
    if want.value is None:
        # an average of no priced deal is unknown, and still says which won deals it left out
        return head + "–" + _brackets([_left_out(want.excluded, lang)] if want.excluded else [], lang)
    if kpi in PERCENTS:
        pct = int((want.value * 100).quantize(Decimal(1), ROUND_HALF_UP))
        assert want.numerator is not None and want.denominator is not None
        frac = f"({int(want.numerator)} / {int(want.denominator)})"
        return head + (f"{pct}\u00a0% {frac}" if lang == "fr" else f"{pct}% {frac}")
    if kpi in MONEY:
        # an average (sum / count) gives its parts, as the report does; a sum (pipeline created) is alone
        parts = ([f"{_total(want.numerator or Decimal(0), int(want.denominator), want.value, lang)} / "
                  f"{_grouped(int(want.denominator), lang)}"]
                 if want.denominator else [])
        return head + _euros(want.value, lang) + _brackets(
            parts + ([_left_out(want.excluded, lang)] if want.excluded else []), lang)
    return head + _grouped(int(want.value), lang)


CORE = KPI_IDS[:8]


def _same(got: KpiValue, want: Kpi) -> bool:
    def eq(a: Decimal | None, b: Decimal | None) -> bool:
        return (a is None) == (b is None) and (a is None or b is None or abs(a - b) < Decimal("1e-9"))
    return (eq(got.value, want.value) and eq(got.numerator, want.numerator)
            and eq(got.denominator, want.denominator) and got.excluded == want.excluded)


def _pct(value: Decimal | None) -> float | None:
    return None if value is None else float((value * 100).quantize(Decimal("0.1"), ROUND_HALF_UP))


def _cents(value: Decimal | None) -> float | None:
    return None if value is None else float(value.quantize(Decimal("0.01"), ROUND_HALF_UP))


FIELDS = {"reactivation_rate": _pct, "win_rate": _pct, "visit_to_win": _pct, "coverage": _pct,
          "average_won_deal": _cents, "revenue_per_visit": _cents, "pipeline_created": _cents}


def differences(org: Org) -> list[str]:
    ev = evaluate(org.plan, org.records, as_of=org.as_of, settings=org.settings)
    oracle = VocabOracle(org.plan, org.records, org.as_of, org.settings)
    errors: list[str] = []
    state = desired_state(org.plan, ev)
    split = org.settings.attribution == "split"
    for got_axis in ev.axes:
        want = oracle.axis(got_axis.axis_id, got_axis.revenue if split else None)
        got = {k.kpi: k for k in got_axis.kpis}
        errors += [f"{got_axis.axis_id}.{name}: engine {got[name]}, oracle {w}"
                   for name, w in want.items() if not _same(got[name], w)]
        # the axis's own figures (the report's axes table, the advisor) are the same KPIs
        mirrors = (("coverage", got_axis.coverage, want["coverage"].value),
                   ("conversion", got_axis.conversion, want["visit_to_win"].value),
                   ("revenue_per_visit", got_axis.revenue_per_visit, want["revenue_per_visit"].value),
                   ("activities_done", got_axis.activities_done, want["activities_done"].value))
        for name, mirror, value in mirrors:
            if (mirror is None) != (value is None) or (
                    mirror is not None and value is not None and abs(Decimal(str(mirror)) - value) > Decimal("1e-9")):
                errors.append(f"{got_axis.axis_id}.{name}: axis {mirror}, oracle {value}")
        fields = state[(Target.AXIS, record_key(org.plan, got_axis.axis_id))]
        for name, fmt in FIELDS.items():
            if fields[f"kpi_{name}"] != fmt(want[name].value):
                errors.append(f"{got_axis.axis_id}.kpi_{name}: field {fields[f'kpi_{name}']}, oracle "
                              f"{fmt(want[name].value)}")
        axis = org.plan.axis(got_axis.axis_id)
        named = (axis.objective.kpis if axis.objective else ()) or CORE
        text = " · ".join(kpi_text(k, want[k], org.plan.language) for k in named)
        # an axis with no cost written, or a cost of 0, says so under its KPIs (its ROI field is empty): stop 38
        cost = axis.objective.cost if axis.objective else None
        if axis.objective is not None and cost is None:
            text += ("\nROI : inconnu, aucun coût écrit pour cet axe (écrire budget, ou effort_days et day_cost)"
                     if org.plan.language == "fr" else
                     "\nROI: unknown, no cost written for this axis (write budget, or effort_days and day_cost)")
        elif axis.objective is not None and cost == 0:
            text += ("\nROI : sans coût (coût 0 écrit pour cet axe)" if org.plan.language == "fr" else
                     "\nROI: no cost (a cost of 0 written for this axis)")
        if fields["kpis"] != text:
            errors.append(f"{got_axis.axis_id}.kpis text: field {fields['kpis']!r}, oracle {text!r}")
        if fields["kpi_new_accounts"] != want["new_accounts"].value:
            errors.append(f"{got_axis.axis_id}.kpi_new_accounts: field {fields['kpi_new_accounts']}")
    for seg in ev.segments:
        want = oracle.segment(seg.segment_id)
        got = {k.kpi: k for k in seg.kpis}
        errors += [f"{seg.segment_id}.{name}: engine {got[name]}, oracle {w}"
                   for name, w in want.items() if not _same(got[name], w)]
    return errors


def describe(org: Org) -> str:
    def scope(sc: Scope) -> str:
        return " & ".join(f"{c.field} {c.op} {','.join(map(str, c.values))}" for c in sc.conditions) or "all"
    zone = ZoneInfo(org.plan.timezone)
    out = [f"plan {org.plan.timezone}, as of {org.as_of.astimezone(zone)}, {org.settings.attribution}"]
    out += [f"segment {s.id}: {scope(s.scope)}" for s in org.plan.segments]
    out += [f"axis {a.id} ({a.segment_id}) {scope(a.scope)} who={a.who} "
            f"{a.objective.period.label if a.objective else ''}" for a in org.plan.axes]
    out += [f"action {a.id} ({a.axis_id}) {a.who} {a.activity_type} {a.counting} {scope(a.scope)} "
            f"{a.window.start.astimezone(zone).date()}..{a.window.end.astimezone(zone).date()}"
            for a in org.plan.actions]
    out += [f"account {a.source}/{a.id} {a.postal_code} {a.country} {a.industry} {a.account_type} owner={a.owner_id} "
            f"dormant={a.dormant}{' deleted' if a.deleted else ''}" for a in org.records.accounts]
    out += [f"change {c.source}/{c.account_id} {c.field} {c.old}->{c.new} at {c.changed_at.astimezone(zone)}"
            for c in org.records.account_changes]
    out += [f"deal {d.id} {d.source}/{d.account_id} {d.stage} {d.amount} {d.currency} owner={d.owner_id} "
            f"day={d.day(zone)} created={d.created_at.astimezone(zone) if d.created_at else None} "
            f"lines={[(ln.code, ln.amount) for ln in d.lines]}{' deleted' if d.deleted else ''}"
            for d in org.records.deals]
    out += [f"activity {a.id} {a.source}/{a.account_id} {a.type} {a.owner_id} "
            f"{a.start.astimezone(zone) if a.start else a.day} {a.status}{' deleted' if a.deleted else ''}"
            for a in org.records.activities]
    return "\n".join(out)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(orgs())
def test_the_vocabulary_agrees_with_the_reference(org: Org) -> None:
    errors = differences(org)
    assert not errors, "\n".join(errors) + "\n" + describe(org)


# ---------------------------------------------------------------------------------------------------------------
# Hand-computed organisations (2027, Europe/Paris, euros): each figure by hand, then the reference must agree too.
# ---------------------------------------------------------------------------------------------------------------

PARIS = ZoneInfo("Europe/Paris")
YEAR = Window(datetime(2027, 1, 1, tzinfo=PARIS), datetime(2028, 1, 1, tzinfo=PARIS), "2027")
Q2 = Window(datetime(2027, 4, 1, tzinfo=PARIS), datetime(2027, 7, 1, tzinfo=PARIS), "T2")
USERS = ORG_USERS


def _hand_plan(*actions: Action, axis_scope: Scope = EVERYTHING) -> Plan:
    return Plan("P", YEAR, "Europe/Paris", people=PEOPLE,
                segments=(Segment("S", "Rhône", SegmentKind.HORIZONTAL, parse_scope({"departement": "69"})),),
                axes=(Axis("AX", "Axe", "S", axis_scope, objective=Objective(Decimal(10000), YEAR)),),
                actions=actions or (Action("A-1", "AX", "Visiter", JULIE, ActivityType.VISIT, 5, Q2),))


def _acc(ident: str, dormant: bool | None = False) -> Account:
    return Account(ident, "sf", ident, postal_code="69003", departement="69", country="FR", dormant=dormant)


def _visit(ident: str, account_id: str, day: date) -> Activity:
    return Activity(ident, "sf", ActivityType.VISIT, "005J", account_id, datetime(2027, day.month, day.day, 9,
                                                                                  tzinfo=PARIS),
                    ActivityStatus.COMPLETED)


def _deal(ident: str, account_id: str, amount: str | None, day: date, currency: str = "EUR",
          stage: DealStage = DealStage.WON) -> Deal:
    return Deal(ident, "sf", account_id, "005J", None if amount is None else Decimal(amount), currency, day, stage)


def _hand(plan: Plan, records: Records, as_of: datetime) -> dict[str, tuple[Decimal | None, ...]]:
    """The axis's KPIs (value, numerator, denominator), after checking that the reference says the same."""
    org = Org(plan, records, as_of, EngineSettings(fx_rates=FX))
    assert differences(org) == []
    ev = evaluate(plan, records, as_of=as_of, settings=org.settings)
    return {k.kpi: (k.value, k.numerator, k.denominator) for k in ev.axis("AX").kpis}


def test_an_order_pac_rejects_converts_no_visit() -> None:
    """c1, visited on 10 April, signs on 20 April an order in GBP, a currency no rate converts: pac rejects it
    (« unknown_currency »), so it is no won deal of the axis (won deals 0, win rate –, revenue 0) and converts no
    visit: 0 of 1 visited account, not 100 % beside « Affaires gagnées : 0 ». c2, visited on 12 April, signs 500 €
    on 1 May: converted. By hand: visit-to-win 1 / 2."""
    records = Records(accounts=(_acc("c1"), _acc("c2")),
                      activities=(_visit("v1", "c1", date(2027, 4, 10)), _visit("v2", "c2", date(2027, 4, 12))),
                      deals=(_deal("d1", "c1", "1000", date(2027, 4, 20), currency="GBP"),
                             _deal("d2", "c2", "500", date(2027, 5, 1))),
                      users=USERS)
    got = _hand(_hand_plan(), records, datetime(2027, 6, 1, 12, tzinfo=PARIS))
    assert got["won_deals"][0] == 1 and got["revenue"][0] == Decimal(500)
    assert got["visit_to_win"] == (Decimal("0.5"), Decimal(1), Decimal(2))


def test_pipeline_counts_a_deal_priced_by_its_lines() -> None:
    """A deal created on 2 April with an empty amount and two priced pump lines (400 € each: HubSpot leaves the amount
    empty when line items are imported) is worth 800 € as a won deal; the pipeline created counts it at 800 € too, on
    the whole segment as on its pump axis, not 0 € on the segment beside 800 € on the axis that is part of it. A
    deal with neither amount nor priced line counts 0. By hand: pipeline created 800 + 0 = 800 € on both."""
    lines = (_pump(Decimal(400)), _pump(Decimal(400)), _maint(None))
    deals = (Deal("o1", "sf", "c1", "005J", None, "EUR", date(2027, 9, 1), DealStage.OPEN, lines=lines,
                  created_at=datetime(2027, 4, 2, 9, tzinfo=PARIS)),
             Deal("o2", "sf", "c1", "005J", None, "EUR", date(2027, 9, 1), DealStage.OPEN, lines=(_maint(None),),
                  created_at=datetime(2027, 4, 3, 9, tzinfo=PARIS)))
    records = Records(accounts=(_acc("c1"),), deals=deals, users=USERS)
    as_of = datetime(2027, 6, 1, 12, tzinfo=PARIS)
    for scope in (EVERYTHING, parse_scope({"product_family": "EQUIP"})):
        got = _hand(_hand_plan(axis_scope=scope), records, as_of)
        assert got["pipeline_created"][0] == Decimal(800), scope


def test_the_new_accounts_formula_says_a_dormant_customer_is_not_new() -> None:
    """An org whose old orders are in its ERP flags its dormant customers in the CRM: c1, flagged dormant, places its
    first order in the CRM on 3 May; c2, a prospect, its first ever on 4 May. By hand: new accounts 1 (c2; c1's
    order is a reactivation, 1 / 1). The formula line the report and the CRM's help show must let a manager find 1,
    not 2: it says the scope's dormant accounts are left out."""
    records = Records(accounts=(_acc("c1", dormant=True), _acc("c2", dormant=False)),
                      deals=(_deal("d1", "c1", "900", date(2027, 5, 3)), _deal("d2", "c2", "800", date(2027, 5, 4))),
                      users=USERS)
    got = _hand(_hand_plan(), records, datetime(2027, 6, 1, 12, tzinfo=PARIS))
    assert got["new_accounts"][0] == 1 and got["reactivation_rate"] == (Decimal(1), Decimal(1), Decimal(1))
    assert "non dormants" in BY_ID["new_accounts"].formula("fr")
    assert "not dormant" in BY_ID["new_accounts"].formula("en")


def test_an_axis_not_begun_has_no_conversion_nor_revenue_per_visit_in_its_row() -> None:
    """An axis whose objective is the third quarter, prepared by visits in June: on 30 June its period has not begun,
    so its rates are unknown (« – »), not 0 %: the KPI lines say so, and the axes table of the report and workbook
    (``AxisProgress.coverage``, ``conversion``, ``revenue_per_visit``) must say the same, not « Conversion 0 % » and
    « CA par visite 0 € » beside « Couverture – ». By hand: 1 activity done, every rate None."""
    q3 = Window(datetime(2027, 7, 1, tzinfo=PARIS), datetime(2027, 10, 1, tzinfo=PARIS), "T3")
    plan = Plan("P", YEAR, "Europe/Paris", people=PEOPLE,
                segments=(Segment("S", "Rhône", SegmentKind.HORIZONTAL, parse_scope({"departement": "69"})),),
                axes=(Axis("AX", "Axe", "S", EVERYTHING, objective=Objective(Decimal(10000), q3)),),
                actions=(Action("A-1", "AX", "Préparer", JULIE, ActivityType.VISIT, 5, Q2),))
    records = Records(accounts=(_acc("c1"),), activities=(_visit("v1", "c1", date(2027, 6, 20)),),
                      deals=(_deal("d1", "c1", "500", date(2027, 6, 25)),), users=USERS)
    as_of = datetime(2027, 6, 30, 12, tzinfo=PARIS)
    got = _hand(plan, records, as_of)
    assert got["activities_done"][0] == 1
    assert got["visit_to_win"] == got["revenue_per_visit"] == got["coverage"] == (None, None, None)
    ax = evaluate(plan, records, as_of=as_of).axis("AX")
    assert (ax.activities_done, ax.coverage, ax.conversion, ax.revenue_per_visit) == (1, None, None, None)


def test_the_names_managers_give_their_counts_are_understood() -> None:
    """« Clients réactivés » is the reactivation rate (its numerator is the count), not « clients contactés » (the
    accounts visited, which plan check offered: a manager accepting it would read visits under the name of
    reactivations); « Nombre de … » / "Number of …" names the count itself; « Nombre de visites » the activities
    done (« visites réalisées »)."""
    assert resolve("Clients réactivés") == resolve("reactivated accounts") == "reactivation_rate"
    assert resolve("Clients dormants réactivés") == "reactivation_rate"
    assert resolve("Nombre de nouveaux clients") == resolve("Number of new accounts") == "new_accounts"
    assert resolve("Nombre d'affaires gagnées") == resolve("nb de commandes") == "won_deals"
    assert resolve("Nombre de visites") == resolve("visites") == "activities_done"
    assert resolve("Nombre de comptes visités") == "accounts_visited"
    assert resolve("nombre") is None
