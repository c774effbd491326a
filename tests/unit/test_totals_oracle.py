"""The segments' and the plan's totals against a reference written from the docs (tests/unit/totals_oracle.py): on
random organisations (the revenue reference's, with costs written as effort days x day cost, budgets of 0, axes
without an objective, axes in two segments), and on organisations computed by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pac_core.engine import EngineSettings, evaluate
from pac_core.plan import Axis, AxisStatus, Objective, Plan, Segment, SegmentKind
from pac_core.records import Deal, DealLine, DealStage, Records
from pac_core.results import Evaluation
from pac_core.scopes import EVERYTHING, Condition, Scope
from pac_core.window import Window
from tests.unit.test_revenue_oracle import ACCOUNTS, USERS, _window, describe, organisations
from tests.unit.totals_oracle import TotalsReference

PARIS = ZoneInfo("Europe/Paris")
TINY = Decimal("1e-9")
Org = tuple[Plan, Records, datetime, EngineSettings]


@st.composite
def costed_organisations(draw: st.DrawFn) -> Org:
    """The revenue reference's organisations, some costs written as effort days x day cost (or half written: an
    effort without a day cost is no cost), some axes without an objective."""
    plan, records, as_of, engine_settings = draw(organisations())
    axes = []
    for axis in plan.axes:
        o = axis.objective
        assert o is not None
        how = draw(st.sampled_from(("as drawn", "as drawn", "effort", "effort and budget", "half effort", "none")))
        if how == "effort":
            o = replace(o, budget=None, effort_days=Decimal(draw(st.sampled_from(("12", "0.5", "0")))),
                        day_cost=Decimal(draw(st.sampled_from(("650", "812.35")))))
        elif how == "effort and budget":
            o = replace(o, effort_days=Decimal(10), day_cost=Decimal(700))
        elif how == "half effort":
            o = replace(o, budget=None, effort_days=Decimal(10), day_cost=None)
        if draw(st.integers(0, 5)) == 0:     # an objective over the plan's last quarter and the next year's first
            o = replace(o, period=Window(_shifted(plan.period.end, -3), _shifted(plan.period.end, 3), "Q4-Q1"))
        axes.append(replace(axis, objective=None if how == "none" and axis is not plan.axes[0] else o))
    # won deals in the plan's period and a year earlier, so that most organisations have revenue to total
    first = plan.period.start.date()
    extra = []
    upto = max(0, min(364, (as_of.date() - first).days))
    for i in range(draw(st.integers(2, 8))):
        day = first + timedelta(days=draw(st.one_of(st.integers(0, upto), st.integers(-365, upto - 365))))
        account = draw(st.sampled_from(("a69c", "a69p", "a38p", "a69d", "h69")))
        source = "hs" if account == "h69" else "sf"
        owner = draw(st.sampled_from(("71", None) if source == "hs" else ("005J", "005M", None)))
        amount = draw(st.sampled_from(("12000", "3000", "750.25", None, "-1500")))
        lines = tuple(draw(st.lists(st.sampled_from((
            DealLine("MAINT", Decimal(1), Decimal("2000"), code="MAINT", family="SERV", name="Maintenance"),
            DealLine("PX200", Decimal(2), Decimal("5000"), code="PX200", family="EQUIP", name="Pump"),
            DealLine("PX200", Decimal(1), None, code="PX200", family="EQUIP", name="Pump"))), max_size=2)))
        extra.append(Deal(f"w{i}", source, account, owner, None if amount is None else Decimal(amount),
                          draw(st.sampled_from(("EUR", "EUR", "USD"))), day, DealStage.WON, lines=lines))
    records = replace(records, deals=records.deals + tuple(extra))
    return replace(plan, axes=tuple(axes)), records, as_of, engine_settings


def _shifted(instant: datetime, months: int) -> datetime:
    """A local midnight on the first of a month, ``months`` later (earlier when negative), in its zone."""
    index = instant.year * 12 + instant.month - 1 + months
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=instant.tzinfo)


def _money(what: str, got: Decimal | None, want: Decimal | None, errors: list[str]) -> None:
    if (got is None) != (want is None) or (got is not None and want is not None and abs(got - want) > TINY):
        errors.append(f"{what}: engine {got}, reference {want}")


def _ratio(what: str, got: float | None, want: float | None, errors: list[str]) -> None:
    if (got is None) != (want is None) or (got is not None and want is not None
                                           and abs(got - want) > 1e-9 * max(1.0, abs(want))):
        errors.append(f"{what}: engine {got}, reference {want}")


def differences(plan: Plan, records: Records, as_of: datetime, engine_settings: EngineSettings) -> list[str]:
    ev = evaluate(plan, records, as_of=as_of, settings=engine_settings, explain=True)
    ref = TotalsReference(plan, records, as_of, engine_settings)
    errors: list[str] = []
    for axis in plan.axes:
        # pac explain AXIS lists the amounts (shares) the axis counts: they add up to its revenue, an axis without an
        # objective's too (under split its share is on top of the axes with an objective)
        listed = [d for d in ev.axis(axis.id).decisions if d.counted and d.rule != "truncated"]
        _money(f"{axis.id}.listed deals", sum((d.amount or Decimal(0) for d in listed), Decimal(0)),
               ev.axis(axis.id).revenue, errors)
        if axis.objective is None:
            continue
        got, want = ev.axis(axis.id), ref.axis_cost(axis)
        _money(f"{axis.id}.cost", got.cost, want.cost, errors)
        _money(f"{axis.id}.cost_to_date", got.cost_to_date, want.cost_to_date, errors)
        _ratio(f"{axis.id}.roi", got.roi, want.roi, errors)
        _ratio(f"{axis.id}.time_to_roi_months", got.time_to_roi_months, want.months_to_roi, errors)
    totals = ev.plan
    assert totals is not None
    want_plan = ref.totals()
    if (totals.axis_ids, totals.left_out) != (want_plan.axis_ids, want_plan.left_out):
        errors.append(f"plan axes: engine {totals.axis_ids} / {totals.left_out}, "
                      f"reference {want_plan.axis_ids} / {want_plan.left_out}")
    for name in ("revenue", "baseline", "additional", "objective", "cost", "cost_to_date", "overlap"):
        _money(f"plan.{name}", getattr(totals, name), getattr(want_plan, name), errors)
    _ratio("plan.progress", totals.progress, want_plan.progress, errors)
    if want_plan.roi_known:
        _ratio("plan.roi", totals.roi, want_plan.roi, errors)
    for seg in ev.segments:
        want = ref.totals(seg.segment_id)
        _money(f"{seg.segment_id}.objective", seg.objective, want.objective, errors)
        _money(f"{seg.segment_id}.roi_additional", seg.roi_additional, want.additional if want.axis_ids else None,
               errors)
        if want.roi_known:
            _ratio(f"{seg.segment_id}.roi", seg.roi, want.roi if want.axis_ids else None, errors)
    return errors


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(costed_organisations())
def test_the_totals_agree_with_the_reference(org: Org) -> None:
    plan, records, as_of, engine_settings = org
    errors = differences(plan, records, as_of, engine_settings)
    assert not errors, "\n".join(errors) + "\n" + _describe(plan, records, as_of, engine_settings)


def _describe(plan: Plan, records: Records, as_of: datetime, engine_settings: EngineSettings) -> str:
    """The revenue reference's description, with the costs and the axes without an objective."""
    with_objective = tuple(a for a in plan.axes if a.objective is not None)
    out = [describe(replace(plan, axes=with_objective), records, as_of, engine_settings)]
    out += [f"axis {a.id} ({a.segment_id}): no objective, scope {a.scope.conditions} who={a.who} "
            f"status={a.status.state}" for a in plan.axes if a.objective is None]
    out += [f"axis {a.id}: effort {a.objective.effort_days} x {a.objective.day_cost}" for a in with_objective
            if a.objective is not None and a.objective.effort_days is not None]
    return "\n".join(out)


# --- organisations computed by hand --------------------------------------------------------------------------------

YEAR = _window(date(2027, 1, 1), date(2028, 1, 1), "2027")
AS_OF = datetime(2027, 6, 30, 12, tzinfo=PARIS)       # 181 of 2027's 365 days counted (1 January - 30 June)
S69 = Segment("S69", "Rhône", SegmentKind.HORIZONTAL, Scope((Condition("departement", "in", ("69",), "69"),)))
SPH = Segment("SPH", "Pharma", SegmentKind.VERTICAL,
              Scope((Condition("industry", "in", ("Pharmaceutique",), "pharma"),)))
CHIMIE = Scope((Condition("industry", "in", ("Chimie",), "chimie"),))


def _won(deal_id: str, account: str, amount: str, day: date, lines: tuple[DealLine, ...] = ()) -> Deal:
    return Deal(deal_id, "sf", account, "005J", Decimal(amount), "EUR", day, DealStage.WON, lines=lines)


def _objective(amount: str, margin: str, **kw: object) -> Objective:
    return Objective(Decimal(amount), YEAR, margin_rate=Decimal(margin), **kw)  # type: ignore[arg-type]


def _plan(*axes: Axis, segments: tuple[Segment, ...] = (S69, SPH)) -> Plan:
    return Plan("PAC", YEAR, "Europe/Paris", segments=segments, axes=axes)


# Lyon Pharma's 10,000 is in both axes (Rhône and pharma), Lyon Chimie's 6,000 in the Rhône's, Grenoble Pharma's 4,000
# in pharma's; a year earlier Lyon Chimie bought 2,000.
DEALS = (_won("d1", "a69p", "10000", date(2027, 2, 10)), _won("d2", "a69c", "6000", date(2027, 3, 5)),
         _won("d3", "a38p", "4000", date(2027, 4, 1)), _won("d0", "a69c", "2000", date(2026, 3, 1)))
RHONE = Axis("R", "Rhône", "S69", EVERYTHING, AxisStatus(), _objective("20000", "0.4", budget=Decimal(3650)))
PHARMA = Axis("P", "Pharma", "SPH", EVERYTHING, AxisStatus(),
              _objective("10000", "0.2", effort_days=Decimal(5), day_cost=Decimal(730)))


def _evaluate(plan: Plan, deals: tuple[Deal, ...] = DEALS) -> Evaluation:
    records = Records(accounts=ACCOUNTS, deals=deals, users=USERS)
    ev = evaluate(plan, records, as_of=AS_OF, explain=True)
    assert not differences(plan, records, AS_OF, EngineSettings())   # the reference agrees with the hand
    return ev


def test_a_deal_in_two_axes_and_two_segments_counts_once_in_the_plan() -> None:
    ev = _evaluate(_plan(RHONE, PHARMA))
    rhone, pharma = ev.axis("R"), ev.axis("P")
    # the axes: Rhône 16,000 - 2,000; pharma 14,000 - 0; each cost 3,650 (pharma's 5 days x 730), 1,810 to date
    assert (rhone.additional, pharma.additional) == (Decimal(14000), Decimal(14000))
    assert rhone.cost == pharma.cost == Decimal(3650)
    assert rhone.cost_to_date == pharma.cost_to_date == Decimal(1810)
    assert rhone.roi is not None and abs(rhone.roi - (5600 - 1810) / 1810) < 1e-12
    assert pharma.roi is not None and abs(pharma.roi - (2800 - 1810) / 1810) < 1e-12
    # the plan: Lyon Pharma's 10,000 once; its margin at the mean of 40 % and 20 %
    plan = ev.plan
    assert plan is not None
    assert (plan.revenue, plan.baseline, plan.additional) == (Decimal(20000), Decimal(2000), Decimal(18000))
    assert (plan.objective, plan.progress) == (Decimal(30000), 0.6)
    assert (plan.cost, plan.cost_to_date, plan.overlap) == (Decimal(7300), Decimal(3620), Decimal(10000))
    margin = 10000 * 0.3 + 6000 * 0.4 + 4000 * 0.2 - 2000 * 0.4      # 5,400
    assert plan.roi is not None and abs(plan.roi - (margin - 3620) / 3620) < 1e-12
    # the segments: each counts the laboratory, each its own axis's ROI
    seg = {s.segment_id: s for s in ev.segments}
    assert (seg["S69"].revenue, seg["SPH"].revenue) == (Decimal(16000), Decimal(14000))
    assert (seg["S69"].objective, seg["SPH"].objective) == (Decimal(20000), Decimal(10000))
    assert seg["S69"].roi == rhone.roi and seg["SPH"].roi == pharma.roi


def test_percentage_and_fixed_baseline_objectives_add_up_in_the_plan() -> None:
    # the Rhône "+30 %" of its 2026 revenue, 2,000: 600; pharma +10,000 over a fixed 36,500 (18,100 to date)
    rhone = replace(RHONE, objective=replace(RHONE.objective, additional_revenue=Decimal(0),
                                             growth_rate=Decimal("0.3")))
    pharma = replace(PHARMA, objective=replace(PHARMA.objective, baseline=Decimal(36500)))
    ev = _evaluate(_plan(rhone, pharma))
    assert ev.axis("R").objective == Decimal(600)
    assert ev.axis("P").baseline == Decimal(18100)
    plan = ev.plan
    assert plan is not None
    # the fixed figure stands for pharma's year-earlier accounts: Lyon Chimie's 2,000 is no pharma deal
    assert (plan.revenue, plan.baseline, plan.objective) == (Decimal(20000), Decimal(20100), Decimal(10600))
    assert plan.progress is not None and abs(plan.progress - (-100 / 10600)) < 1e-12
    margin = 10000 * 0.3 + 6000 * 0.4 + 4000 * 0.2 - 2000 * 0.4 - 18100 * 0.2
    assert plan.roi is not None and abs(plan.roi - (margin - 3620) / 3620) < 1e-12


def test_an_axis_without_objective_is_no_progress_towards_the_plans_objective() -> None:
    # pharma +10,000 at 50 % for 1,000; a chemistry axis imported without an objective yet (pac plan import)
    pharma = Axis("P", "Pharma", "S69", Scope((Condition("industry", "in", ("Pharmaceutique",), "p"),)),
                  AxisStatus(), _objective("10000", "0.5", budget=Decimal(1000)))
    chimie = Axis("C", "Chimie", "S69", CHIMIE, AxisStatus(), None)
    ev = _evaluate(_plan(pharma, chimie, segments=(S69,)))
    plan = ev.plan
    assert plan is not None
    # Lyon Pharma's 10,000 is pharma's progress; Lyon Chimie's 6,000 is no one's objective
    assert (plan.revenue, plan.baseline, plan.additional) == (Decimal(10000), Decimal(0), Decimal(10000))
    assert (plan.objective, plan.progress, plan.overlap) == (Decimal(10000), 1.0, Decimal(0))
    assert plan.axis_ids == ("P",)
    assert plan.roi == ev.axis("P").roi
    segment = ev.segments[0]
    assert (segment.revenue, segment.roi_additional, segment.roi) == (Decimal(16000), Decimal(10000), plan.roi)


def test_under_split_an_axis_without_objective_takes_no_share_of_the_deals() -> None:
    # the same plan under attribution split: the chemistry axis without an objective covers every account; pharma's
    # laboratory is pharma's alone among the axes with an objective, so pharma keeps its 10,000
    pharma = Axis("P", "Pharma", "S69", Scope((Condition("industry", "in", ("Pharmaceutique",), "p"),)),
                  AxisStatus(), _objective("10000", "0.5", budget=Decimal(1000)))
    imported = Axis("C", "Tout le Rhône", "S69", EVERYTHING, AxisStatus(), None)
    plan = _plan(pharma, imported, segments=(S69,))
    records = Records(accounts=ACCOUNTS, deals=DEALS, users=USERS)
    split = EngineSettings(attribution="split")
    ev = evaluate(plan, records, as_of=AS_OF, settings=split, explain=True)
    assert ev.axis("P").revenue == Decimal(10000)
    # the axis without an objective reads its share as a dropped axis does: each deal divided by the axes with an
    # objective counting it, plus itself (Lyon Pharma's 10,000 / 2, Lyon Chimie's 6,000 / 1)
    assert ev.axis("C").revenue == Decimal(11000)
    totals = ev.plan
    assert totals is not None
    assert (totals.revenue, totals.overlap) == (Decimal(10000), Decimal(0))
    assert not differences(plan, records, AS_OF, split)


def test_an_axis_whose_cost_is_not_written_leaves_the_plans_roi_unknown() -> None:
    # the Rhône axis costs 3,650 and brought 14,000 (ROI +209 %); pharma's cost was never written: its 2,800 € of
    # margin cost nothing only in appearance, so the plan's ROI is unknown (« – »), as pharma's own is
    pharma = replace(PHARMA, objective=replace(PHARMA.objective, effort_days=None, day_cost=None))
    ev = _evaluate(_plan(RHONE, pharma))
    assert ev.axis("P").roi is None and ev.axis("R").roi is not None
    totals = ev.plan
    assert totals is not None
    assert totals.roi is None
    # the Rhône segment's only axis has a cost: its ROI is the axis's; the pharma segment's is unknown
    seg = {s.segment_id: s for s in ev.segments}
    assert seg["S69"].roi == ev.axis("R").roi
    assert seg["SPH"].roi is None
    # a cost of 0 is written: a free axis's margin counts (5,400 of margin against the Rhône's 1,810 to date)
    free = replace(PHARMA, objective=replace(PHARMA.objective, effort_days=Decimal(0)))
    ev = _evaluate(_plan(RHONE, free))
    assert ev.plan is not None and ev.plan.roi is not None
    assert abs(ev.plan.roi - (10000 * 0.3 + 6000 * 0.4 + 4000 * 0.2 - 2000 * 0.4 - 1810) / 1810) < 1e-12


def test_an_axis_whose_cost_is_not_written_leaves_the_plans_cost_unknown_too() -> None:
    # audit m3cost: the Rhône's 3,650 was the plan's cost (1,810 to date) while pharma's was not written, a figure
    # read as the plan's whole cost; it is unknown as the ROI it would divide, and known again once pharma's is
    pharma = replace(PHARMA, objective=replace(PHARMA.objective, effort_days=None, day_cost=None))
    totals = _evaluate(_plan(RHONE, pharma)).plan
    assert totals is not None and totals.axis_ids == ("R", "P")
    assert (totals.cost, totals.cost_to_date, totals.roi) == (None, None, None)
    # neither axis has a cost: unknown as well (not 0, which would read « sans coût »)
    rhone = replace(RHONE, objective=replace(RHONE.objective, budget=None))
    totals = _evaluate(_plan(rhone, pharma)).plan
    assert totals is not None and (totals.cost, totals.cost_to_date, totals.roi) == (None, None, None)
    # a cost of 0 is written: the plan's cost is known, 3,650
    free = replace(PHARMA, objective=replace(PHARMA.objective, effort_days=Decimal(0)))
    totals = _evaluate(_plan(RHONE, free)).plan
    assert totals is not None and (totals.cost, totals.cost_to_date) == (Decimal(3650), Decimal(1810))


def _payback(as_of: datetime, amount: str) -> float | None:
    axis = Axis("R", "Rhône", "S69", EVERYTHING, AxisStatus(), _objective("20000", "0.5", budget=Decimal(12000)))
    records = Records(accounts=ACCOUNTS, deals=(_won("d1", "a69c", amount, date(2027, 2, 10)),), users=USERS)
    plan = _plan(axis)
    assert not differences(plan, records, as_of, EngineSettings())
    return evaluate(plan, records, as_of=as_of).axis("R").time_to_roi_months


def test_the_payback_counts_months_of_30_44_days_in_real_time() -> None:
    # 12,000 € of cost; on 1 July 24,000 € won at 50 %: 12,000 € of margin. The months elapsed are average months,
    # 365.25 / 12 = 30.4375 days, in real time (docs/engine.md, *KPIs and ROI*): 1 January - 1 July is 181 days less
    # summer time's hour, 5.945 months, and the cost is paid back in 5.945 months (« 5,9 mois »)
    paid = _payback(datetime(2027, 7, 1, tzinfo=PARIS), "24000")
    assert paid is not None and abs(paid - (181 - 1 / 24) / 30.4375) < 1e-12
    # the whole year: 365 days less an hour and plus it again, 11.99 months
    paid = _payback(datetime(2028, 1, 1, tzinfo=PARIS), "24000")
    assert paid is not None and abs(paid - 365 / 30.4375) < 1e-12


def _typed_beside_lines(typed: str) -> float | None:
    """One deal of 1 March with one pump line of 8,000 and a typed amount, counted whole by an axis at 30 % and by
    its pump line by a pump axis at 50 %; each axis costs 1,000 (495.89 to date on 30 June at noon). The plan's gross
    margin over the ROI: its cost to date x (ROI + 1)."""
    whole = Axis("W", "Tout", "S69", EVERYTHING, AxisStatus(), _objective("10000", "0.3", budget=Decimal(1000)))
    pumps = Axis("P", "Pompes", "S69", Scope((Condition("product_code", "in", ("PX200",), "pompes"),)), AxisStatus(),
                 _objective("10000", "0.5", budget=Decimal(1000)))
    pump = DealLine("PX200", Decimal(2), Decimal(8000), code="PX200", family="EQUIP", name="Pump")
    ev = _evaluate(_plan(whole, pumps, segments=(S69,)), (_won("d1", "a69c", typed, date(2027, 3, 1), (pump,)),))
    totals = ev.plan
    assert totals is not None and totals.roi is not None and totals.cost_to_date is not None
    return (totals.roi + 1) * float(totals.cost_to_date)


def test_a_typed_amount_beside_its_lines_counts_at_the_larger_and_its_margin_follows() -> None:
    # typed 10,000 over 8,000 of lines: the pump line at the mean of 30 % and 50 % (3,200), the 2,000 on no line at
    # the whole-deal axis's 30 % (600): 3,800
    assert abs((_typed_beside_lines("10000") or 0) - 3800) < 1e-6
    # typed 5,000 under 8,000 of lines: the plan counts 8,000, the line's 3,200 of margin, nothing taken off for the
    # 3,000 the typed amount is short of the lines
    assert abs((_typed_beside_lines("5000") or 0) - 3200) < 1e-6
