"""Differential test: ``evaluate()``'s recommendations against the advisor's reference written from the docs alone
(tests/unit/advice_oracle.py), on the revenue reference's random organisations (tests/unit/test_revenue_oracle.py)
with what the advisor reads added: visits counted by actions of several owners, products drawing on a capacity,
declared market events, lost key accounts, reps leaving (declared, or every CRM user inactive), prioritised axes,
a segment with no axis to roll out to, an equivalent axis elsewhere, and the rules' thresholds moved about; then a few
organisations computed by hand, each threshold exactly at its limit."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pac_core.engine import EngineSettings, evaluate
from pac_core.plan import (
    Action,
    ActionStatus,
    ActivityType,
    Axis,
    AxisState,
    AxisStatus,
    ContextChange,
    ContextKind,
    Impact,
    Objective,
    Person,
    Plan,
    Segment,
    SegmentKind,
)
from pac_core.records import Account, Activity, Deal, DealLine, DealStage, Records
from pac_core.results import Evaluation, Recommendation
from pac_core.scopes import EVERYTHING, Condition, Scope
from pac_core.window import Window
from tests.unit.advice_oracle import Advice, advice
from tests.unit.test_engine_support import PARIS, account, action, axis, plan, visit
from tests.unit.test_engine_support import USERS as HAND_USERS
from tests.unit.test_revenue_oracle import ACCOUNTS, JULIE, MARC, USERS, describe, organisations

ORG = tuple[Plan, Records, datetime, EngineSettings]
S38 = Segment("S38", "Isère", SegmentKind.VERTICAL, Scope((Condition("departement", "in", ("38",), "38"),)))
DOUBLE = AxisStatus(AxisState.DROPPED, reason="doublon")
VISITABLE = ("a69c", "a69p", "a38p", "a69d", "h69", "a69x")


def _engine_advice(ev: Evaluation) -> dict[str, Advice]:
    out: dict[str, Advice] = {}
    for rec in ev.recommendations:
        assert rec.axis_id not in out, f"two recommendations for {rec.axis_id}"
        out[rec.axis_id] = _read(rec)
    return out


def _read(rec: Recommendation) -> Advice:
    ev = rec.evidence
    favour = None
    if rec.rule.value == "drop":
        favour = frozenset([ev["in_favour_of"]]) if ev.get("in_favour_of") else frozenset()
    targets = tuple(sorted(ev["to_segments"])) if ev.get("to_segments") else None
    left_out = None if targets is None else (tuple(sorted(ev["already_running"])),
                                             tuple(sorted(ev["no_account_in_scope"])),
                                             tuple(sorted(ev["no_revenue_last_year"])))
    return Advice(rec.rule.value, frozenset(o.rule.value for o in rec.overruled), favour, targets, left_out)


def _agrees(got: Advice, want: Advice) -> bool:
    if (got.rule, got.overruled, got.to_segments, got.left_out) != \
            (want.rule, want.overruled, want.to_segments, want.left_out):
        return False
    if want.in_favour_of is None or got.in_favour_of is None:
        return want.in_favour_of is got.in_favour_of
    if not want.in_favour_of:
        return not got.in_favour_of
    return got.in_favour_of <= want.in_favour_of and len(got.in_favour_of) == 1


def differences(plan: Plan, records: Records, as_of: datetime, engine_settings: EngineSettings) -> list[str]:
    ev = evaluate(plan, records, as_of=as_of, settings=engine_settings)
    got = _engine_advice(ev)
    want = advice(plan, records, as_of, engine_settings, ev.actions)
    errors = []
    for axis_id in sorted(set(got) | set(want)):
        g, w = got.get(axis_id), want.get(axis_id)
        if g is None or w is None or not _agrees(g, w):
            errors.append(f"{axis_id}: engine {g}, oracle {w}")
    return errors


def _with_figures(plan: Plan, records: Records, as_of: datetime, engine_settings: EngineSettings) -> str:
    ev = evaluate(plan, records, as_of=as_of, settings=engine_settings)
    out = [describe(plan, records, as_of, engine_settings), f"settings {engine_settings}"]
    out += [f"{a.axis_id}: add {a.additional} obj {a.objective} roi {a.roi} months {a.time_to_roi_months} "
            f"pace {a.pace} cost {a.cost}" for a in ev.axes]
    out += [f"{s.segment_id}: trend {s.trend}" for s in ev.segments]
    out += [f"{a.action_id}: done {a.done}/{a.target}" for a in ev.actions]
    out += [f"context {c}" for c in plan.context]
    out += [f"rec {r.axis_id} {r.rule}: {r.summary} {r.evidence}" for r in ev.recommendations]
    return "\n".join(out)


@st.composite
def advised_organisations(draw: st.DrawFn) -> ORG:
    plan, records, as_of, engine_settings = draw(organisations())
    zone = ZoneInfo(plan.timezone)
    first = plan.period.start.astimezone(zone).date()

    def at(d: date, hour: int = 10) -> datetime:
        return datetime(d.year, d.month, d.day, hour, tzinfo=zone)

    # axes: products drawing on a capacity, some prioritised
    axes = []
    for n, a in enumerate(plan.axes):
        products = draw(st.sampled_from(((), (), ("PX200",), ("pump",), ("maintenance",))))
        status = a.status
        if status.state is AxisState.ACTIVE and draw(st.integers(0, 4)) == 0:
            since = draw(st.sampled_from((None, first + timedelta(days=60))))
            status = AxisStatus(AxisState.PRIORITISED, rank=n + 1, since=since)
        axes.append(replace(a, products=products, status=status))
    segments = list(plan.segments)
    if draw(st.booleans()):
        segments.append(S38)
        if draw(st.booleans()):     # an axis of Isère equivalent (or not) to the first one
            twin = axes[0]
            axes.append(replace(twin, id="AXE", name="Twin", segment_id="S38",
                                products=draw(st.sampled_from((twin.products, ("other",)))),
                                status=draw(st.sampled_from((AxisStatus(), DOUBLE)))))
    segments = [replace(s, kind=draw(st.sampled_from(tuple(SegmentKind)))) for s in segments]
    # actions of Julie and Marc, visits to count
    windows = sorted({a.objective.period for a in axes if a.objective is not None}, key=lambda w: (w.start, w.end))
    actions = [plan.actions[0]]
    for i in range(draw(st.integers(0, 3))):
        actions.append(Action(
            f"A-{i + 2:02d}", draw(st.sampled_from([a.id for a in axes])), "Visiter des clients",
            draw(st.sampled_from((JULIE, MARC))), ActivityType.VISIT, draw(st.integers(1, 3)),
            draw(st.sampled_from(windows)),
            status=draw(st.sampled_from((ActionStatus.PLANNED,) * 4 + (ActionStatus.CANCELLED,)))))
    activities = []
    for i in range(draw(st.integers(0, 10))):
        account = draw(st.sampled_from(VISITABLE))
        source = "hs" if account == "h69" else "sf"
        owner = "71" if source == "hs" else draw(st.sampled_from(("005J", "005M")))
        day = first + timedelta(days=draw(st.one_of(st.integers(0, 8), st.integers(0, 200))))
        activities.append(Activity(f"v{i}", source, ActivityType.VISIT, owner, account, at(day)))
    # context changes
    days = st.one_of(st.none(), st.integers(-10, 300).map(lambda n: first + timedelta(days=n)))
    context = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(tuple(ContextKind)))
        if kind is ContextKind.MARKET_EVENT:
            target = draw(st.sampled_from([("axis", a.id) for a in axes] + [("segment", s.id) for s in segments]))
            on = draw(days)
            until = draw(st.one_of(st.none(), st.integers(0, 120).map(
                lambda n, o=on: (o or first - timedelta(days=30)) + timedelta(days=n))))
            context.append(ContextChange(kind, on=on, until=until,
                                         impact=draw(st.sampled_from(tuple(Impact))),
                                         axis_id=target[1] if target[0] == "axis" else None,
                                         segment_id=target[1] if target[0] == "segment" else None))
        elif kind is ContextKind.LOST_KEY_ACCOUNT:
            context.append(ContextChange(kind, on=draw(days),
                                         account=draw(st.sampled_from(("Grenoble Pharma", "a69c", "lyon chimie",
                                                                       "Nobody SA"))),
                                         segment_id=draw(st.sampled_from([None, None] + [s.id for s in segments]))))
        elif kind is ContextKind.REP_LEAVING:
            context.append(ContextChange(kind, on=draw(days), who=draw(st.sampled_from((JULIE, MARC)))))
        else:
            context.append(ContextChange(kind, product=draw(st.sampled_from(("PX200", "Pump", "MAINT"))),
                                         capacity=Decimal(draw(st.integers(1, 8))), on=draw(days)))
    # orders that pay for an axis (the random ones seldom do): a roll-out's ROI and payback
    deals = list(records.deals)
    for i in range(draw(st.sampled_from((0, 1, 2, 3)))):
        account = draw(st.sampled_from(("a69c", "a38p", "h69", "a69p")))
        source = "hs" if account == "h69" else "sf"
        day = first + timedelta(days=draw(st.integers(0, 70)))
        deals.append(Deal(f"big{i}", source, account, "71" if source == "hs" else "005J", Decimal(50000), "EUR",
                          day, DealStage.WON, lines=(DealLine("PX200", Decimal(3), Decimal(50000), code="PX200",
                                                               family="EQUIP", name="Pump"),)))
    users = USERS
    if draw(st.integers(0, 3)) == 0:     # Marc's only user inactive: gone, shown by the CRM
        users = tuple(replace(u, active=False) if u.email == MARC else u for u in USERS)
    plan = replace(plan, axes=tuple(axes), segments=tuple(segments), actions=tuple(actions), context=tuple(context))
    records = replace(records, activities=tuple(activities), users=users, deals=tuple(deals))
    engine_settings = replace(
        engine_settings,
        capacity=draw(st.sampled_from(({}, {"PX200": Decimal(4)}, {"pump": Decimal(2), "MAINT": Decimal(1)}))),
        rollout_min_roi=draw(st.sampled_from((0.5, 0.5, 0.0, -1.0))),
        rollout_max_months_to_roi=draw(st.sampled_from((6.0, 6.0, 1000.0))),
        rollout_lagging_growth=draw(st.sampled_from((0.05, 0.05, 100.0))),
        rollout_min_elapsed=draw(st.sampled_from((0.2, 0.2, 0.1, 0.0))),
        drop_max_roi=draw(st.sampled_from((0.0, 0.0, 0.5))),
        drop_min_elapsed=draw(st.sampled_from((0.5, 0.5, 0.1, 0.0))),
        prioritise_min_decline=draw(st.sampled_from((0.10, 0.10, 0.0))),
        prioritise_min_elapsed=draw(st.sampled_from((0.1, 0.1, 0.0))),
        suspend_load=draw(st.sampled_from((0.9, 0.5))))
    return plan, records, as_of, engine_settings


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(advised_organisations())
def test_the_advisor_agrees_with_the_reference(org: ORG) -> None:
    plan, records, as_of, engine_settings = org
    errors = differences(plan, records, as_of, engine_settings)
    assert not errors, "\n".join(errors) + "\n" + _with_figures(plan, records, as_of, engine_settings)




# a denser organisation for the ROI rules: orders of thousands this year and last, visits counted by an action of
# each axis, costs and margins that pay back or do not, axes over the year, a quarter or a half
DENSE_ACCOUNTS = (*ACCOUNTS, Account("a38c", "sf", "Grenoble Chimie", postal_code="38100", departement="38",
                                      country="FR", industry="Chimie"))
DENSE_SEGMENTS = (
    Segment("S69", "Rhône", SegmentKind.HORIZONTAL, Scope((Condition("departement", "in", ("69",), "69"),))),
    Segment("S38", "Isère", SegmentKind.HORIZONTAL, Scope((Condition("departement", "in", ("38",), "38"),))),
    Segment("SPH", "Pharmacie", SegmentKind.VERTICAL, Scope((Condition("industry", "in", ("Pharmaceutique",),
                                                                       "pharma"),))))
DENSE_SCOPES = (EVERYTHING, EVERYTHING, Scope((Condition("industry", "in", ("Chimie",), "chimie"),)),
                Scope((Condition("dormant", "is", (True,), "dormants"),)))


@st.composite
def dense_organisations(draw: st.DrawFn) -> ORG:
    first = date(2027, 1, 1)
    periods = [Window(_at(2027, 1, 1), _at(2028, 1, 1), "2027"), Window(_at(2027, 1, 1), _at(2027, 4, 1), "T1"),
               Window(_at(2027, 4, 1), _at(2027, 7, 1), "T2"), Window(_at(2027, 1, 1), _at(2027, 7, 1), "S1")]
    axes, actions = [], []
    for i in range(draw(st.integers(1, 4))):
        budget = draw(st.sampled_from((None, "0", "1000", "5000", "20000")))
        objective = Objective(Decimal(draw(st.sampled_from(("5000", "30000", "100000")))),
                              draw(st.sampled_from(periods)), None, Decimal(draw(st.sampled_from(("0.3", "0.5")))),
                              None if budget is None else Decimal(budget))
        axes.append(Axis(f"AX{i}", f"Axe {i}", draw(st.sampled_from([s.id for s in DENSE_SEGMENTS])),
                         draw(st.sampled_from(DENSE_SCOPES)), AxisStatus(), objective,
                         draw(st.sampled_from(((), ("PX200",))))))
        actions.append(Action(f"A{i}", f"AX{i}", "Visiter", JULIE, ActivityType.VISIT, draw(st.integers(1, 2)),
                              objective.period))
    deals = []
    for i in range(draw(st.integers(0, 10))):
        close = first + timedelta(days=draw(st.one_of(st.integers(-400, 300), st.integers(0, 60))))
        account = draw(st.sampled_from(("a69c", "a69p", "a38p", "a38c", "a69d")))
        deals.append(Deal(f"d{i}", "sf", account, "005J", Decimal(1000 * draw(st.integers(-1, 40))), "EUR", close,
                          draw(st.sampled_from((DealStage.WON,) * 4 + (DealStage.OPEN,))),
                          lines=(DealLine("PX200", Decimal(draw(st.integers(1, 3))), None, code="PX200"),)))
    for i in range(draw(st.integers(0, 3))):     # last year's early orders: segments with a trend to lag
        deals.append(Deal(f"b{i}", "sf", draw(st.sampled_from(("a69p", "a38p", "a38c"))), "005J",
                          Decimal(1000 * draw(st.integers(5, 60))), "EUR",
                          date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 30))), DealStage.WON))
    activities = [Activity(f"v{i}", "sf", ActivityType.VISIT, "005J", draw(st.sampled_from(("a69c", "a38p", "a38c"))),
                           _at(2027, 1, 1, 9) + timedelta(days=draw(st.integers(0, 180))))
                  for i in range(draw(st.integers(0, 6)))]
    as_of = draw(st.one_of(st.integers(0, 400).map(lambda n: _at(2027, 1, 1) + timedelta(days=n)),
                           st.integers(0, 200 * 24).map(lambda n: _at(2027, 1, 1) + timedelta(hours=n))))
    plan_ = Plan("PAC dense", periods[0], "Europe/Paris", people=(Person(JULIE, "Julie"),),
                 segments=DENSE_SEGMENTS, axes=tuple(axes), actions=tuple(actions))
    records = Records(accounts=DENSE_ACCOUNTS, deals=tuple(deals), activities=tuple(activities), users=USERS)
    engine_settings = EngineSettings(
        attribution=draw(st.sampled_from(("full", "split"))),
        capacity=draw(st.sampled_from(({}, {"px200": Decimal(6)}))),
        rollout_min_roi=draw(st.sampled_from((0.5, 0.0))),
        rollout_max_months_to_roi=draw(st.sampled_from((6.0, 12.0))),
        rollout_lagging_growth=draw(st.sampled_from((0.05, 0.5))))
    return plan_, records, as_of, engine_settings


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(dense_organisations())
def test_the_advisor_agrees_with_the_reference_on_dense_organisations(org: ORG) -> None:
    plan_, records, as_of, engine_settings = org
    errors = differences(plan_, records, as_of, engine_settings)
    assert not errors, "\n".join(errors) + "\n" + _with_figures(plan_, records, as_of, engine_settings)

# --- organisations computed by hand ---------------------------------------------------------------------------------
# Rhône (r1, 69) and Isère (i1, 38); the axis AX-69 of Rhône, its action visiting r1 in February (1 visit counted)

SEG_69 = Segment("SEG-69", "Rhône", SegmentKind.HORIZONTAL, Scope((Condition("departement", "in", ("69",)),)))
SEG_38 = Segment("SEG-38", "Isère", SegmentKind.HORIZONTAL, Scope((Condition("departement", "in", ("38",)),)))
FEBRUARY = Window(datetime(2027, 2, 1, tzinfo=PARIS), datetime(2027, 3, 1, tzinfo=PARIS), "février")
MARCH_9 = datetime(2027, 3, 9, 10, tzinfo=PARIS)
DEFAULTS = EngineSettings()


def _pump_order(ident: str, quantity: str, close: date, stage: DealStage = DealStage.WON) -> Deal:
    """An order of pumps as Salesforce's default mapping gives it: the line keyed by the product's name, with its
    code."""
    return Deal(ident, "sf", "r1", "005J", Decimal(1000), "EUR", close, stage,
                lines=(DealLine("Pompe doseuse PX200", Decimal(quantity), Decimal(1000), code="PX200", family="EQUIP",
                                name="Pompe doseuse PX200"),))


def _hand(axes: tuple[Axis, ...], deals: tuple[Deal, ...], as_of: datetime,
          engine_settings: EngineSettings = DEFAULTS, *, window: Window = FEBRUARY,
          visited: datetime = datetime(2027, 2, 10, 9, tzinfo=PARIS), **plan_fields: object) -> dict[str, Advice]:
    p = replace(plan(action(axis_id="AX-69", window=window), axes=axes, segments=(SEG_69, SEG_38)), **plan_fields)
    records = Records(accounts=(account("r1", "69003", industry="Chimie"), account("i1", "38000", industry="Chimie")),
                      deals=deals,
                      activities=(visit("v-r1", "r1", visited),), users=HAND_USERS)
    errors = differences(p, records, as_of, engine_settings)
    assert not errors, "\n".join(errors) + "\n" + _with_figures(p, records, as_of, engine_settings)
    return _engine_advice(evaluate(p, records, as_of=as_of, settings=engine_settings))


class TestCapacityNamedInAnyCase:
    """The axis's product and the capacity's are compared folded, as the load's lines are (docs, rule 1): a plan
    writing ``products: [px200]`` beside ``capacity: {PX200: 4}`` has that capacity (the load of 4 pumps of 4 is
    100 %)."""

    ORDERS = (_pump_order("d1", "3", date(2027, 2, 1)), _pump_order("d2", "2", date(2027, 3, 20), DealStage.OPEN))

    def test_settings_capacity_in_another_case(self) -> None:
        got = _hand((axis("AX-69", "SEG-69", products=("px200",)),), self.ORDERS, MARCH_9,
                    EngineSettings(capacity={"PX200": Decimal(4)}))
        assert got["AX-69"].rule == "suspend"

    def test_declared_capacity_in_another_case(self) -> None:
        capacity = ContextChange(ContextKind.CAPACITY, product="Pompe Doseuse px200", capacity=Decimal(4))
        got = _hand((axis("AX-69", "SEG-69", products=("pompe doseuse PX200",)),), self.ORDERS, MARCH_9,
                    EngineSettings(capacity={"POMPE DOSEUSE PX200": Decimal(100)}), context=(capacity,))
        assert got["AX-69"].rule == "suspend"


def _won(ident: str, account_id: str, amount: str, close: date) -> Deal:
    return Deal(ident, "sf", account_id, "005J", Decimal(amount), "EUR", close, DealStage.WON)


def _in(a: Axis, period: Window) -> Axis:
    assert a.objective is not None
    return replace(a, objective=replace(a.objective, period=period))


def _at(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=PARIS)   # type: ignore[misc]


Q1 = Window(_at(2027, 1, 1), _at(2027, 4, 1), "2027-T1")
JANUARY = Window(_at(2027, 1, 1), _at(2027, 2, 1), "janvier")


def _roll(rhone: str, isere: str, as_of: datetime, *others: Axis, scope: Scope = EVERYTHING) -> dict[str, Advice]:
    """AX-69 over the first quarter: Rhône's order of ``rhone`` on 10 January after a visit on 5 January; Isère's
    revenue ``isere`` this year against 100,000 a year earlier."""
    deals = (_won("r", "r1", rhone, date(2027, 1, 10)), _won("i-then", "i1", "100000", date(2026, 1, 5)),
             _won("i-now", "i1", isere, date(2027, 1, 5)))
    return _hand((_in(axis("AX-69", "SEG-69", scope=scope), Q1), *others), deals, as_of, window=JANUARY,
                 visited=_at(2027, 1, 5, 9))


class TestThresholdsAtTheirLimits:
    """Each rule fires exactly at its threshold (``>=``, ``<=``) and not a hair before, the drop below its own."""

    def test_segment_down_exactly_ten_percent_is_prioritised(self) -> None:
        # Rhône: 90,000 this year to 9 March against 100,000 a year earlier: -10 %, the threshold
        deals = (_won("now", "r1", "90000", date(2027, 2, 1)), _won("then", "r1", "100000", date(2026, 2, 1)))
        assert _hand((axis("AX-69", "SEG-69"),), deals, MARCH_9)["AX-69"].rule == "prioritise"
        deals = (_won("now", "r1", "90000.01", date(2027, 2, 1)), _won("then", "r1", "100000", date(2026, 2, 1)))
        assert "AX-69" not in _hand((axis("AX-69", "SEG-69"),), deals, MARCH_9)

    def test_prioritise_waits_for_a_tenth_of_the_plan(self) -> None:
        # 36.5 days of 365: 6 February at noon
        deals = (_won("now", "r1", "90000", date(2027, 2, 1)), _won("then", "r1", "100000", date(2026, 2, 1)))
        assert _hand((axis("AX-69", "SEG-69"),), deals, _at(2027, 2, 6, 12))["AX-69"].rule == "prioritise"
        assert "AX-69" not in _hand((axis("AX-69", "SEG-69"),), deals, _at(2027, 2, 6, 11, 59, 59))

    def test_load_exactly_ninety_percent_suspends(self) -> None:
        # 8 pumps won + 2 ordered but won after today (open that day) x 0.5 = 9 of a capacity of 10
        deals = (_pump_order("d1", "8", date(2027, 2, 1)), _pump_order("d2", "2", date(2027, 3, 20)))
        capacity = EngineSettings(capacity={"PX200": Decimal(10)})
        assert _hand((axis("AX-69", "SEG-69", products=("PX200",)),), deals, MARCH_9, capacity)["AX-69"].rule == \
            "suspend"
        deals = (_pump_order("d1", "8", date(2027, 2, 1)), _pump_order("d2", "1", date(2027, 3, 20)))
        assert "AX-69" not in _hand((axis("AX-69", "SEG-69", products=("PX200",)),), deals, MARCH_9, capacity)

    # a first-quarter axis: on 19 January 00:00, 18 of its 90 days are gone (20 %), its cost to date is 2,000 of
    # 10,000; 10,000 of additional revenue at 30 % is a margin of 3,000: ROI (3,000 - 2,000) / 2,000 = 50 %

    def test_roll_out_at_fifty_percent_after_a_fifth_to_a_segment_under_five_percent(self) -> None:
        got = _roll("10000", "104999", _at(2027, 1, 19))
        assert (got["AX-69"].rule, got["AX-69"].to_segments) == ("roll_out", ("SEG-38",))

    def test_no_roll_out_a_second_before_a_fifth(self) -> None:
        assert "AX-69" not in _roll("10000", "104999", _at(2027, 1, 18, 23, 59, 59))

    def test_no_roll_out_just_under_fifty_percent(self) -> None:
        assert "AX-69" not in _roll("9999.99", "104999", _at(2027, 1, 19))

    def test_a_segment_growing_exactly_five_percent_is_no_target(self) -> None:
        assert "AX-69" not in _roll("10000", "105000", _at(2027, 1, 19))

    # a year's axis: on 2 July at noon half of 2027 is gone; 183 days of 365 of a cost of 3,650 are 1,830 to date
    def test_drop_at_half_the_period_below_zero(self) -> None:
        deals = (_won("r", "r1", "6099.99", date(2027, 2, 1)),)
        a = axis("AX-69", "SEG-69", budget="3650")
        assert _hand((a,), deals, _at(2027, 7, 2, 12))["AX-69"].rule == "drop"
        assert "AX-69" not in _hand((a,), deals, _at(2027, 7, 2, 11, 59, 59))

    def test_no_drop_at_a_roi_of_exactly_zero(self) -> None:
        # 6,100 x 30 % = 1,830: the margin to date covers the cost to date exactly
        deals = (_won("r", "r1", "6100", date(2027, 2, 1)),)
        assert "AX-69" not in _hand((axis("AX-69", "SEG-69", budget="3650"),), deals, _at(2027, 7, 2, 12))

    def test_drop_in_favour_of_a_free_axis_before_a_paying_one(self) -> None:
        deals = (_won("r", "r1", "1000", date(2027, 2, 1)), _won("i", "i1", "500", date(2027, 2, 1)))
        axes = (axis("AX-69", "SEG-69", budget="3650"), axis("AX-38", "SEG-38", budget="0"),
                axis("AX-38B", "SEG-38", budget="10"))
        got = _hand(axes, deals, _at(2027, 7, 2, 12))
        assert (got["AX-69"].rule, got["AX-69"].in_favour_of) == ("drop", frozenset({"AX-38"}))


class TestTheAdvisorsTime:
    """No advice before the plan's first instant (included) nor after its end; an axis of the first quarter is
    closed from its end instant (the Q1 report's), the year's axes keep their rules at the plan's end instant."""

    DEALS = (_won("r", "r1", "1000", date(2027, 2, 1)),)

    def test_plan_not_begun_and_plan_over(self) -> None:
        a = axis("AX-69", "SEG-69", budget="3650")
        assert _hand((a,), self.DEALS, _at(2027, 1, 1)) == {}
        assert _hand((a,), self.DEALS, _at(2028, 1, 1))["AX-69"].rule == "drop"
        assert _hand((a,), self.DEALS, _at(2028, 1, 1, 0, 0, 1)) == {}

    def test_a_first_quarter_axis_closes_at_its_end_instant(self) -> None:
        a = _in(axis("AX-69", "SEG-69", budget="3650"), Q1)
        assert _hand((a,), self.DEALS, _at(2027, 3, 31, 23, 59, 59))["AX-69"].rule == "drop"
        assert _hand((a,), self.DEALS, _at(2027, 4, 1))["AX-69"] == Advice("closed")


def _industry(*names: str) -> Scope:
    return Scope((Condition("industry", "in", names, "secteur " + ", ".join(names)),))


class TestEquivalentAxisWrittenOtherwise:
    """A segment already running the same axis is no roll-out target, however its scope's values are written: scopes
    compare casefolded and accent-insensitive, and a list is a set (« secteur Chimie » of Rhône and « secteur chimie »
    of Isère are one axis; « [Chimie, Pharmacie] » and « [Pharmacie, Chimie] » too)."""

    def test_value_in_another_case(self) -> None:
        assert _roll("10000", "104999", _at(2027, 1, 19), scope=_industry("Chimie"))["AX-69"].to_segments == \
            ("SEG-38",)
        isere = axis("AX-38", "SEG-38", scope=_industry("chimie"), budget=None)
        assert "AX-69" not in _roll("10000", "104999", _at(2027, 1, 19), isere, scope=_industry("Chimie"))

    def test_values_in_another_order(self) -> None:
        isere = axis("AX-38", "SEG-38", scope=_industry("Pharmacie", "Chimie"), budget=None)
        assert "AX-69" not in _roll("10000", "104999", _at(2027, 1, 19), isere,
                                        scope=_industry("Chimie", "Pharmacie"))

    def test_products_with_and_without_accents(self) -> None:
        isere = axis("AX-38", "SEG-38", products=("reacteur R-200",), budget=None)
        rhone = _in(axis("AX-69", "SEG-69", products=("Réacteur r-200",)), Q1)
        deals = (_won("r", "r1", "10000", date(2027, 1, 10)), _won("i-then", "i1", "100000", date(2026, 1, 5)))
        assert "AX-69" not in _hand((rhone, isere), deals, _at(2027, 1, 19), window=JANUARY,
                                    visited=_at(2027, 1, 5, 9))


class TestAFreeAxisWaitsForATenth:
    """``rollout_min_elapsed`` below 0.1 waits for the tenth (docs, *KPIs and ROI*: no rule judges an axis before),
    a free axis too, whose roll-out rests on no ROI: 10,000 of revenue won on its second day is no reason to roll
    out on 4 January."""

    DEALS = (_won("r", "r1", "10000", date(2027, 1, 2)), _won("i-then", "i1", "100000", date(2026, 1, 2)),
             _won("i-now", "i1", "50000", date(2027, 1, 2)))
    EAGER = EngineSettings(rollout_min_elapsed=0.0)

    def _advice(self, as_of: datetime) -> dict[str, Advice]:
        return _hand((_in(axis("AX-69", "SEG-69", budget="0"), Q1),), self.DEALS, as_of, self.EAGER,
                     window=JANUARY, visited=_at(2027, 1, 2, 9))

    def test_not_before_a_tenth(self) -> None:
        assert "AX-69" not in self._advice(_at(2027, 1, 4, 10))

    def test_from_a_tenth(self) -> None:
        # 10 January 00:00: 9 of the quarter's 90 days
        assert self._advice(_at(2027, 1, 10))["AX-69"].rule == "roll_out"


class TestReassignWhatCanStillBeDone:
    """Marc leaves on 1 March (declared); his action runs from 15 February to 15 March, nothing done yet. On 9 March
    it is open and must be handed over; on 9 August its window closed five months ago (it is late): there is nothing
    left to hand over, and « Réaffecter les actions A-01 » would stay in the CRM's advice field all year."""

    MID_FEBRUARY = Window(_at(2027, 2, 15), _at(2027, 3, 16), "15 février - 15 mars")

    def _advice(self, as_of: datetime) -> dict[str, Advice]:
        p = replace(plan(action(axis_id="AX-69", window=self.MID_FEBRUARY, who=MARC, target=3),
                         axes=(axis("AX-69", "SEG-69", budget=None),), segments=(SEG_69, SEG_38)),
                    context=(ContextChange(ContextKind.REP_LEAVING, on=date(2027, 3, 1), who=MARC),))
        records = Records(accounts=(account("r1", "69003"),), users=HAND_USERS)
        errors = differences(p, records, as_of, DEFAULTS)
        assert not errors, "\n".join(errors) + "\n" + _with_figures(p, records, as_of, DEFAULTS)
        return _engine_advice(evaluate(p, records, as_of=as_of, settings=DEFAULTS))

    def test_open_action_is_reassigned(self) -> None:
        assert self._advice(_at(2027, 3, 9, 10))["AX-69"].rule == "reassign"
        assert self._advice(_at(2027, 3, 15, 23))["AX-69"].rule == "reassign"     # its last day

    def test_action_whose_window_is_over_is_not(self) -> None:
        assert "AX-69" not in self._advice(_at(2027, 3, 16, 10))
        assert "AX-69" not in self._advice(_at(2027, 8, 9, 10))

    def test_a_rep_gone_in_the_crm_up_to_the_actions_last_day(self) -> None:
        """Marc's every CRM user inactive, nothing declared: gone already; his action ending on 15 March is handed
        over up to that day included (someone can still do it that day), not after (docs, rule 3): not at its end
        instant, 16 March 00:00, either, where nothing of it is left (audit advicefiscal, as an axis's period)."""
        p = plan(action(axis_id="AX-69", window=self.MID_FEBRUARY, who=MARC, target=3),
                 axes=(axis("AX-69", "SEG-69", budget=None),), segments=(SEG_69, SEG_38))
        users = tuple(replace(u, active=u.email != MARC) for u in HAND_USERS)
        records = Records(accounts=(account("r1", "69003"),), users=users)
        got = {}
        for as_of in (_at(2027, 3, 15, 10), _at(2027, 3, 16), _at(2027, 3, 16, 10)):
            assert not differences(p, records, as_of, DEFAULTS), _with_figures(p, records, as_of, DEFAULTS)
            got[as_of] = [r.rule.value for r in evaluate(p, records, as_of=as_of).recommendations]
        assert list(got.values()) == [["reassign"], [], []]


class TestLostOnAnInstant:
    """A CRM field marking a lost account with an instant (a Salesforce DateTime, « 2027-03-14T23:30:00.000+0000 »)
    is lost on that instant's day in the plan's timezone (docs, *Dates*): 15 March in Paris, so on 14 March nothing is
    lost yet, and the 12 months before the loss run from 15 March 2026: 1,000 + 5,000 to replace, not the order of 14
    March 2026."""

    @staticmethod
    def _advice(mark: object, as_of: datetime) -> tuple[str, ...]:
        p = replace(plan(action(axis_id="AX-69", window=FEBRUARY), axes=(axis("AX-69", "SEG-69"),),
                         segments=(SEG_69, SEG_38)),
                    context=(ContextChange(ContextKind.LOST_KEY_ACCOUNT, crm_field="custom.lost_on"),))
        lost = replace(account("r1", "69003", name="Lyon A"), custom={"lost_on": mark})
        deals = (_won("a", "r1", "1000", date(2026, 3, 15)), _won("b", "r1", "2000", date(2026, 3, 14)),
                 _won("c", "r1", "5000", date(2027, 1, 10)))      # Rhône grows: no decline to prioritise on
        ev = evaluate(p, Records(accounts=(lost,), deals=deals, users=HAND_USERS), as_of=as_of)
        return tuple(f"{r.rule.value} {r.evidence.get('lost_accounts')}" for r in ev.recommendations)

    def test_text_instant_read_in_the_plans_timezone(self) -> None:
        mark = "2027-03-14T23:30:00.000+0000"
        assert self._advice(mark, _at(2027, 3, 14, 12)) == ()
        assert self._advice(mark, _at(2027, 3, 15, 12)) == (
            "prioritise [{'account': 'Lyon A', 'id': 'r1', 'on': '2027-03-15', 'revenue_12m': '6000', "
            "'declared': 'crm'}]",)

    def test_datetime_read_in_the_plans_timezone(self) -> None:
        mark = datetime(2027, 3, 14, 23, 30, tzinfo=UTC)
        assert self._advice(mark, _at(2027, 3, 14, 12)) == ()
        assert self._advice(mark, _at(2027, 3, 15, 12))[0].startswith("prioritise")

    def test_plain_date_stays_its_day(self) -> None:
        assert self._advice("2027-03-15", _at(2027, 3, 14, 12)) == ()
        assert self._advice("2027-03-15", _at(2027, 3, 15, 0, 1))[0].startswith("prioritise")


class TestLostAccountNotFound:
    """A key account declared lost in the plan under a name no account of the CRMs has (« Lyon B » for « Lyon A »)
    prioritises nothing, or (with its segment given) is « 0 € sur 12 mois à remplacer »: the evaluation warns of it
    (rule ``lost_account_unknown``), as ``pac sync`` prints its warnings, instead of ignoring the manager's word."""

    @staticmethod
    def _evaluate(name: str, segment: str | None = None) -> Evaluation:
        p = replace(plan(action(axis_id="AX-69", window=FEBRUARY), axes=(axis("AX-69", "SEG-69"),),
                         segments=(SEG_69, SEG_38)),
                    context=(ContextChange(ContextKind.LOST_KEY_ACCOUNT, on=date(2027, 3, 1), account=name,
                                           segment_id=segment),))
        return evaluate(p, Records(accounts=(account("r1", "69003", name="Lyon A"),), users=HAND_USERS), as_of=MARCH_9)

    def test_unknown_name_is_warned(self) -> None:
        ev = self._evaluate("Lyon B")
        assert ev.recommendations == ()
        [warning] = [w for w in ev.warnings if w.rule == "lost_account_unknown"]
        assert (warning.source, warning.record_id, warning.counted) == ("plan", "Lyon B", False)
        assert "no account" in warning.detail and "no axis is prioritised" in warning.detail

    def test_unknown_name_with_its_segment_is_warned(self) -> None:
        ev = self._evaluate("Lyon B", "SEG-69")
        assert [r.rule.value for r in ev.recommendations] == ["prioritise"]
        [warning] = [w for w in ev.warnings if w.rule == "lost_account_unknown"]
        assert "revenue to replace is unknown" in warning.detail

    def test_known_name_or_id_is_not(self) -> None:
        for name in ("lyon a", "r1"):
            ev = self._evaluate(name)
            assert [r.rule.value for r in ev.recommendations] == ["prioritise"]
            assert not [w for w in ev.warnings if w.rule == "lost_account_unknown"]


class TestFiscalQuarterOfTheLoad:
    """On a fiscal year from March the load is measured over the plan's own quarter (March-May, then June-August):
    3 pumps won on 2 March against a capacity of 2 saturate the first quarter up to its end (1 June 00:00 still reads
    31 May), not the second."""

    FY = Window(_at(2027, 3, 1), _at(2028, 3, 1), "2027-2028")

    def _rules(self, as_of: datetime) -> list[str]:
        a = _in(axis("AX-69", "SEG-69", products=("PX200",)), self.FY)
        p = replace(plan(action(axis_id="AX-69", window=Window(_at(2027, 3, 1), _at(2027, 4, 1), "mars")), axes=(a,),
                         segments=(SEG_69, SEG_38)), period=self.FY)
        records = Records(accounts=(account("r1", "69003"),), deals=(_pump_order("d1", "3", date(2027, 3, 2)),),
                          users=HAND_USERS)
        capacity = EngineSettings(capacity={"PX200": Decimal(2)})
        assert not differences(p, records, as_of, capacity), _with_figures(p, records, as_of, capacity)
        return [r.rule.value for r in evaluate(p, records, as_of=as_of, settings=capacity).recommendations]

    def test_first_quarter_up_to_its_end(self) -> None:
        assert self._rules(_at(2027, 5, 31, 23)) == ["suspend"]
        assert self._rules(_at(2027, 6, 1)) == ["suspend"]

    def test_second_quarter_from_its_first_day(self) -> None:
        assert self._rules(_at(2027, 6, 1, 10)) == []
