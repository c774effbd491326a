"""Figures before a plan starts, and won deals dated after the evaluation date, computed by hand (audit m2year).

Salesforce and HubSpot both accept a Closed Won opportunity / deal whose close date is in the future. Such a deal is
not revenue "to date" (docs/engine.md, *Revenue, baseline and attribution*), and every base a figure is compared
with (a percentage objective's base, the year-earlier revenue behind a segment's "year's target") takes the same cut:
while the base year is not over it is that year's revenue up to the evaluation date, provisional.

The organisation (Paris, EUR, calendar plan 2027, one segment over the Rhône, attribution full):
- clients c1, c2 (axis AX-PCT, "+30 %" over 2026, budget 1,000, margin 30 %);
- prospect p1 (axis AX-AMT, 5,000 as an amount, budget 2,000, margin 30 %; in ``FIXED``: AX-FIX on the clients,
  5,000 over a fixed baseline of 20,000, beside AX-AMT).
Won deals: d1 c1 2026-03-10 10,000.00; d2 c2 2026-12-05 2,000.50; d3 c1 2026-12-20 5,000.25; d4 c2 2027-02-15
3,000.00; d5 p1 2026-06-01 1,000.00; d6 p1 2027-01-05 4,000.00; d7 p1 2026-12-31 700.00.
The expected figures are worked out in each test's comment, never from the engine's code."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from connectors.base import Target
from pac_config.planfile import load_plan_text
from pac_core.engine import evaluate
from pac_core.plan import Plan
from pac_core.records import Records
from pac_core.results import Evaluation
from sync_jobs.diff import desired_state, record_key
from sync_jobs.report import sections_plan
from sync_jobs.report.fmt import Formatter
from sync_jobs.report_inputs import ReportInputs
from tests.unit.test_engine_support import USERS, account, won

PARIS = ZoneInfo("Europe/Paris")
ACCOUNTS = (account("c1", "69003", account_type="Client"), account("c2", "69100", account_type="Client"),
            account("p1", "69500", account_type="Prospect"))
HEAD = """\
plan: {name: PAC, year: 2027, timezone: Europe/Paris, language: fr, currency: EUR}
people: [{email: julie@example.com, name: Julie, role: manager}]
segments:
  - {id: SEG, name: Rhône, kind: horizontal, scope: {departement: "69"}, swot: {strengths: [une équipe locale]}}
axes:
"""
PCT = """\
  - id: AX-PCT
    name: Clients
    segment: SEG
    scope: {account_type: Client}
    objective: {additional_revenue: "+30 %", budget: 1000, margin_rate: 0.3}
"""
FIX = """\
  - id: AX-FIX
    name: Clients
    segment: SEG
    scope: {account_type: Client}
    objective: {additional_revenue: 5000, baseline: 20000, budget: 1000, margin_rate: 0.3}
"""
AMT = """\
  - id: AX-AMT
    name: Prospects
    segment: SEG
    scope: {account_type: Prospect}
    objective: {additional_revenue: 5000, budget: 2000, margin_rate: 0.3}
actions:
  - {id: A-02, axis: AX-AMT, text: "Visiter 5 prospects", who: julie@example.com, what: {activity: visite, count: 5},
     when: cette année}
"""
DEALS = (won("d1", "c1", "10000.00", date(2026, 3, 10)), won("d2", "c2", "2000.50", date(2026, 12, 5)),
         won("d3", "c1", "5000.25", date(2026, 12, 20)), won("d4", "c2", "3000.00", date(2027, 2, 15)),
         won("d5", "p1", "1000.00", date(2026, 6, 1)), won("d6", "p1", "4000.00", date(2027, 1, 5)),
         won("d7", "p1", "700.00", date(2026, 12, 31)))
DEC_6 = datetime(2026, 12, 6, 10, tzinfo=PARIS)     # before the plan; d3, d7 (2026) and d4, d6 (2027) are future
DEC_25 = datetime(2026, 12, 25, 10, tzinfo=PARIS)   # past d3's date, before d7's
JAN_10 = datetime(2027, 1, 10, 10, tzinfo=PARIS)    # the plan begun, 2026 closed; d4 still future
MAR_1 = datetime(2027, 3, 1, 10, tzinfo=PARIS)


def _plan(axes: str) -> Plan:
    return load_plan_text(HEAD + axes + AMT, "pac.yaml")


def _run(axes: str, as_of: datetime) -> Evaluation:
    return evaluate(_plan(axes), Records(accounts=ACCOUNTS, deals=DEALS, users=USERS), as_of=as_of)


def _d(amount: str) -> Decimal:
    return Decimal(amount)


def _year_target(ev: Evaluation) -> Decimal:
    seg = ev.segments[0]
    assert seg.period_baseline is not None and seg.objective is not None
    return seg.period_baseline + seg.objective


class TestBeforeThePlanStarts:
    def test_the_axes_count_nothing_dated_after_tonight(self) -> None:
        """On 6 December 2026: AX-PCT's base is 2026 to 6 December, d1 + d2 = 12,000.50 (d3, dated 20 December, is
        not won "to date"), its objective 30 % of it, 3,600.15; no revenue, baseline, additional, cost to date nor
        ROI for either axis (2027 has not begun; d4 and d6, dated in 2027, are not revenue yet)."""
        ev = _run(PCT, DEC_6)
        pct, amt = ev.axis("AX-PCT"), ev.axis("AX-AMT")
        assert (pct.growth_base, pct.growth_base_through, pct.objective) == (_d("12000.50"), date(2026, 12, 6),
                                                                             _d("3600.15"))
        assert amt.objective == _d("5000")
        for ax in (pct, amt):
            assert (ax.revenue, ax.baseline, ax.additional, ax.cost_to_date, ax.roi) == (0, 0, 0, 0, None)
            assert ax.progress == 0.0 and ax.time_to_roi_months is None

    def test_the_segments_year_target_takes_the_percentages_cut(self) -> None:
        """The year's target is 2026's revenue beside the objectives, 2026 to date as the percentage's base is:
        d1 + d2 + d5 = 13,000.50, + 3,600.15 + 5,000 = 21,600.65. It read 18,700.75 (d3 and d7, dated after the
        evaluation date, in it) and a target of 27,300.90, beside a percentage base without d3."""
        ev = _run(PCT, DEC_6)
        seg = ev.segments[0]
        assert (seg.revenue, seg.baseline, seg.additional, seg.objective) == (0, 0, 0, _d("8600.15"))
        assert seg.period_baseline == _d("13000.50")
        assert _year_target(ev) == _d("21600.65")

    def test_the_plans_totals(self) -> None:
        """The plan: nothing to date, objective 3,600.15 + 5,000, cost 3,000, nothing spent yet, no ROI."""
        totals = _run(PCT, DEC_6).plan
        assert totals is not None
        assert (totals.revenue, totals.baseline, totals.additional, totals.objective, totals.cost,
                totals.cost_to_date, totals.roi) == (0, 0, 0, _d("8600.15"), _d("3000"), 0, None)

    def test_the_target_moves_with_the_provisional_base_then_stops(self) -> None:
        """On 25 December d3 (20 December) is won to date: the base 17,000.75, the objective 5,100.23 (5,100.225 half
        up), the segment's 2026 18,000.75 (d7 of 31 December still future), the target 18,000.75 + 10,100.23 =
        28,100.98. From 1 January 2026 is closed: 18,700.75 + 10,100.23 = 28,800.98, on 10 January and 1 March."""
        dec_25 = _run(PCT, DEC_25)
        assert (dec_25.axis("AX-PCT").growth_base, dec_25.axis("AX-PCT").objective) == (_d("17000.75"),
                                                                                        _d("5100.23"))
        assert dec_25.segments[0].period_baseline == _d("18000.75")
        assert _year_target(dec_25) == _d("28100.98")
        for when in (JAN_10, MAR_1):
            ev = _run(PCT, when)
            assert ev.axis("AX-PCT").growth_base_through is None
            assert ev.segments[0].period_baseline == _d("18700.75") and _year_target(ev) == _d("28800.98")


    def test_the_crm_gets_the_same_figures(self) -> None:
        """The CRM's axis records on 6 December: the objective 3,600.15 and 5,000, nothing won nor baseline to date,
        no progress, ROI null; AX-PCT's KPI text ends with its provisional objective's words."""
        plan = _plan(PCT)
        state = desired_state(plan, _run(PCT, DEC_6))
        pct, amt = state[(Target.AXIS, record_key(plan, "AX-PCT"))], state[(Target.AXIS, record_key(plan, "AX-AMT"))]
        assert [(r["objective"], r["won_revenue"], r["baseline"], r["revenue"], r["progress_pct"], r["roi"])
                for r in (pct, amt)] == [(3600.15, 0.0, 0.0, 0.0, 0.0, None), (5000.0, 0.0, 0.0, 0.0, 0.0, None)]
        assert pct["kpis"].replace("\u202f", " ").endswith("de 12 000,50\xa0€ (CA 2026 du périmètre au 6 décembre, "
                                                            "provisoire : 2026 n'est pas terminé) = 3 600,15\xa0€")


    def test_the_reports_target_line_says_provisional(self) -> None:
        """The segment's chart draws the year's target as a dashed line: while 2026 is not over its base, and so the
        line, moves as the clock passes a deal's date, and the legend says so, « Cible de l'année (provisoire) »;
        from 1 January it is the year's target again."""
        plan = _plan(PCT)
        for when, fr, en in ((DEC_6, "Cible de l&#x27;année (provisoire)", "Year&#x27;s target (provisional)"),
                             (JAN_10, "Cible de l&#x27;année</text>", "Year&#x27;s target</text>")):
            inputs = ReportInputs(plan=plan, evaluation=_run(PCT, when))
            assert fr in sections_plan.segments(inputs, Formatter("fr", "EUR"))
            assert en in sections_plan.segments(inputs, Formatter("en", "EUR"))


class TestInThePlan:
    def test_a_2027_deal_dated_after_tonight_is_not_revenue_yet(self) -> None:
        """On 10 January: AX-AMT has d6 (5 January), 4,000, against 1-10 January 2026, nothing: +4,000, 80 % of
        5,000; AX-PCT nothing (d4 is dated 15 February). No ROI before a tenth of the year. On 1 March d4 counts:
        AX-PCT 3,000 (baseline 1 January - 1 March 2026: nothing, d1 is of 10 March), ROI (900 - 1,000 x 60 / 365) /
        (1,000 x 60 / 365) = 4.475; the segment 7,000."""
        jan = _run(PCT, JAN_10)
        assert (jan.axis("AX-PCT").revenue, jan.axis("AX-AMT").revenue, jan.axis("AX-AMT").additional) == (
            0, _d("4000.00"), _d("4000.00"))
        assert jan.axis("AX-AMT").progress == 0.8 and jan.axis("AX-AMT").roi is None
        assert jan.segments[0].revenue == _d("4000.00")
        mar = _run(PCT, MAR_1)
        pct = mar.axis("AX-PCT")
        assert (pct.revenue, pct.baseline, pct.additional) == (_d("3000.00"), 0, _d("3000.00"))
        assert pct.roi is not None and abs(pct.roi - 4.475) < 1e-12
        assert mar.segments[0].revenue == _d("7000.00")


class TestAFixedBaseline:
    def test_the_segments_year_target_before_the_plan(self) -> None:
        """AX-FIX's 20,000 stands for the clients' 2026 (what the segment measures of them, d1 + d2 to date, leaves
        it), the prospects' 2026 to date is d5, 1,000: 20,000 + 1,000 = 21,000, and the target 21,000 + 5,000 +
        5,000 = 31,000. It read 21,700 (d7 of 31 December in it): 31,700."""
        ev = _run(FIX, DEC_6)
        assert ev.segments[0].period_baseline == _d("21000.00")
        assert _year_target(ev) == _d("31000.00")

    def test_the_segments_year_target_once_2026_is_closed(self) -> None:
        """On 10 January: 20,000 + d5 + d7 = 21,700, the target 31,700."""
        ev = _run(FIX, JAN_10)
        assert ev.segments[0].period_baseline == _d("21700.00")
        assert _year_target(ev) == _d("31700.00")

    def test_beside_a_measured_axis_on_the_same_clients(self) -> None:
        """AX-PCT measures the clients, AX-FIX's 20,000 stands for them too: the segment measures everything (d1 + d2
        + d5 to date, 13,000.50) and the fixed figure adds what it stands for beyond what AX-PCT reads of the clients
        to date, 20,000 - 12,000.50 = 7,999.50: 21,000.00, the target 21,000 + 3,600.15 + 5,000 + 5,000 = 34,600.15.
        It read 18,700.75 + (20,000 - 17,000.75) = 21,700.00 (d3 and d7, after the evaluation date, in both)."""
        ev = _run(PCT + FIX, DEC_6)
        assert ev.segments[0].period_baseline == _d("21000.00")
        assert _year_target(ev) == _d("34600.15")
