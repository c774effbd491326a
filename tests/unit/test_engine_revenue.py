"""Revenue per axis and segment: currencies, rejections, baselines, overlapping axes, ROI."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from pac_core.engine import EngineSettings, evaluate
from pac_core.explain import explain_axis
from pac_core.plan import AxisState, AxisStatus, Plan, Segment, SegmentKind
from pac_core.records import DealLine, DealStage, Records
from pac_core.results import Rule
from pac_core.revenue import baseline_range, last_day
from pac_core.scopes import Condition, Scope
from pac_core.window import Window
from tests.unit.test_engine_support import DORMANT, JULIE, MARC, PARIS, USERS, account, action, axis, plan, won

YEAR_END = datetime(2028, 1, 10, tzinfo=PARIS)
RATES = EngineSettings(fx_rates={"USD": Decimal("0.9")})
SEG = Segment("SEG", "Rhône", SegmentKind.HORIZONTAL, Scope((Condition("departement", "in", ("69",)),)))
BIG = Scope((Condition("annual_revenue", "gte", (50_000_000,), "grands comptes"),))
PHARMA = Scope((Condition("industry", "in", ("Pharmaceutique",), "pharma"),))
ACCOUNTS = (
    account("big-pharma", "69003", annual_revenue=Decimal("90000000"), industry="Pharmaceutique"),
    account("big-chem", "69100", annual_revenue=Decimal("70000000"), industry="Chimie"),
    account("small-pharma", "69200", annual_revenue=Decimal("2000000"), industry="Pharmaceutique"),
    account("grenoble", "38000", annual_revenue=Decimal("90000000"), industry="Pharmaceutique"),
)


def _run(deals, axes, *, settings=RATES, as_of=YEAR_END, segments=(SEG,)):
    p = plan(action(axis_id=axes[0].id), axes=axes, segments=segments)
    return evaluate(p, Records(accounts=ACCOUNTS, deals=tuple(deals), users=USERS), as_of=as_of, settings=settings,
                    explain=True)


class TestCurrencies:
    def test_converted_with_configured_rate(self) -> None:
        """A 1,000 USD deal at 0.9 adds 900 EUR to a 1,000 EUR deal."""
        deals = [won("d1", "big-pharma", "1000", date(2027, 3, 1)),
                 won("d2", "big-pharma", "1000", date(2027, 4, 1), currency="USD")]
        assert _run(deals, (axis("AX", "SEG"),)).axis("AX").revenue == Decimal("1900.0")

    def test_each_converted_deal_is_rounded_to_the_cent_before_the_sum(self) -> None:
        """USD 1,234.56 / 2,345.67 / 3,456.78 at 0.92 are listed as 1,135.80 / 2,158.02 / 3,180.24 and the axis counts
        their sum, 6,474.06, as a report of converted amounts (audit multi F6). Seen failing before the fix: 6,474.0492
        (shown 6,474.05, a cent under the rows)."""
        deals = [won(f"d{i}", "big-pharma", amount, date(2027, 4, 10 + i), currency="USD")
                 for i, amount in enumerate(("1234.56", "2345.67", "3456.78"))]
        ev = _run(deals, (axis("AX", "SEG"),), settings=EngineSettings(fx_rates={"USD": Decimal("0.92")}))
        assert [d.detail for d in ev.axis("AX").decisions] == ["1135.80", "2158.02", "3180.24"]
        assert ev.axis("AX").revenue == Decimal("6474.06")

    def test_unknown_currency_is_rejected_not_summed(self) -> None:
        """A CHF deal without a rate is rejected with a reason and never summed."""
        deals = [won("d1", "big-pharma", "1000", date(2027, 3, 1)),
                 won("chf", "big-pharma", "5000", date(2027, 4, 1), currency="CHF")]
        ev = _run(deals, (axis("AX", "SEG"),))
        assert ev.axis("AX").revenue == Decimal("1000")
        [rejected] = ev.rejected
        assert (rejected.record_id, rejected.rule) == ("chf", "unknown_currency") and "CHF" in rejected.detail



MAINT = Scope((Condition("product_code", "in", ("MAINT",)),))


def _maint(amount: str) -> tuple[DealLine, ...]:
    return (DealLine("MAINT", Decimal(1), Decimal(amount), code="MAINT"),)


class TestCredits:
    """A won deal with a negative amount is a credit (an avoir, a refund booked as its own opportunity): its signed
    amount counts, as a Closed-Won report sums it, with a data-quality warning; it is no purchase (audit revenue
    F1, F1b)."""

    def test_a_credit_is_subtracted_with_a_warning(self) -> None:
        """Order 10,000 then a credit of -2,000 (line MAINT -2,000): 8,000 on the whole-deal axis and on the MAINT
        axis, as the same refund typed as a negative line; a warning, no rejection; listed as counted -2,000 (was
        10,000: the credit rejected ``negative_amount``)."""
        deals = [won("order", "big-pharma", "10000", date(2027, 3, 10), lines=_maint("10000")),
                 won("credit", "big-pharma", "-2000", date(2027, 3, 20), lines=_maint("-2000"))]
        ev = _run(deals, (axis("AX", "SEG"), axis("AXP", "SEG", scope=MAINT)))
        assert (ev.axis("AX").revenue, ev.axis("AXP").revenue) == (8000, 8000)
        assert ev.rejected == ()
        assert [(w.record_id, w.rule, w.counted) for w in ev.warnings] == [("credit", "credit", True)]
        listed = {d.record_id: (d.rule, d.detail) for d in ev.axis("AX").decisions}
        assert listed == {"order": ("counted", "10000.00"), "credit": ("credit", "-2000.00")}

    def test_a_credit_lowers_next_years_baseline(self) -> None:
        """The baseline a year later is the net won revenue too: 10,000 - 2,000 in 2026."""
        deals = [won("order", "big-pharma", "10000", date(2026, 3, 10)),
                 won("credit", "big-pharma", "-2000", date(2026, 3, 20))]
        assert _run(deals, (axis("AX", "SEG"),)).axis("AX").baseline == 8000

    def test_a_credit_is_no_purchase_for_dormancy(self) -> None:
        """A customer last bought in March 2025, refunded -500 in November 2026, orders 8,000 in March 2027: dormant
        on 1 January 2027 (no purchase in 2026), so the order is a reactivation on the dormant axis (was 0: the
        credit's close date made the account active)."""
        acc = account("acc1", "69003", dormant=None)
        deals = (won("o2025", "acc1", "10000", date(2025, 3, 1)), won("o2027", "acc1", "8000", date(2027, 3, 10)),
                 won("credit", "acc1", "-500", date(2026, 11, 15)))
        dormant = axis("AX-DORMANT", "SEG", baseline="0", scope=Scope((DORMANT,)))
        p = plan(action(axis_id="AX-DORMANT"), axes=(dormant,), segments=(SEG,))
        ev = evaluate(p, Records(accounts=(acc,), deals=deals, users=USERS), as_of=datetime(2027, 4, 1, tzinfo=PARIS),
                      explain=True)
        assert ev.axis("AX-DORMANT").revenue == 8000

    def test_the_average_won_deal_is_over_the_deals_won_credits_out(self) -> None:
        """A 1,000 order and a -3,000 credit (a 2026 order refunded): revenue -2,000 (net), one deal won, its
        average 1,000 (the deal's own amount), never -2,000, a size no deal had; with 10,000 and 6,000 orders and a
        -2,000 credit, 8,000 (was 7,000: the credit lowered the numerator). Decided after audit reverify N3: credits
        reduce revenue, not the average deal size. Seen failing before the fix: -2000 (numerator -2000 / 1)."""
        kpis = {k.kpi: k for k in _run([won("o", "big-pharma", "1000", date(2027, 3, 5)),
                                        won("c", "big-pharma", "-3000", date(2027, 3, 10))],
                                       (axis("AX", "SEG"), axis("AXP", "SEG", scope=MAINT))).axis("AX").kpis}
        average = kpis["average_won_deal"]
        assert (average.value, average.numerator, average.denominator) == (1000, 1000, 1)
        deals = [won("o1", "big-pharma", "10000", date(2027, 3, 10), lines=_maint("10000")),
                 won("o2", "big-pharma", "6000", date(2027, 3, 11), lines=_maint("6000")),
                 won("c", "big-pharma", "-2000", date(2027, 3, 20), lines=_maint("-2000"))]
        ev = _run(deals, (axis("AX", "SEG"), axis("AXP", "SEG", scope=MAINT)))
        for axis_id in ("AX", "AXP"):          # the whole-deal path and the product (deal filter) path
            average = {k.kpi: k for k in ev.axis(axis_id).kpis}["average_won_deal"]
            assert (ev.axis(axis_id).revenue, average.value, average.denominator) == (14000, 8000, 2), axis_id


    def test_a_credit_whose_product_line_has_no_price_is_no_deal_without_amount(self) -> None:
        """On the MAINT axis: an order of 1,000 (MAINT line 1,000) and a credit of -300 whose MAINT line has no price.
        The credit is no deal won, so it is not one "with no amount" left out of the average either: 1,000 / 1, none
        excluded (found by the revenue oracle). Seen failing before the fix: denominator 0 and 1 excluded (with the
        credit alone, 0 / -1: a negative count of deals)."""
        unpriced = (DealLine("MAINT", Decimal(1), None, code="MAINT"),)
        deals = [won("o", "big-pharma", "1000", date(2027, 3, 5), lines=_maint("1000")),
                 won("c", "big-pharma", "-300", date(2027, 3, 10), lines=unpriced)]
        ev = _run(deals, (axis("AX", "SEG"), axis("AXP", "SEG", scope=MAINT)))
        kpis = {k.kpi: k for k in ev.axis("AXP").kpis}
        average = kpis["average_won_deal"]
        assert (kpis["won_deals"].value, average.numerator, average.denominator, average.excluded) == (1, 1000, 1, 0)
        ev = _run(deals[1:], (axis("AX", "SEG"), axis("AXP", "SEG", scope=MAINT)))
        average = {k.kpi: k for k in ev.axis("AXP").kpis}["average_won_deal"]
        assert (average.value, average.denominator, average.excluded) == (None, 0, 0)

class TestWonDealWithoutAmount:
    def test_counted_as_won_worth_zero_and_warned(self) -> None:
        """A won deal with no amount is counted (worth 0, listed in the axis), a warning, not a rejection."""
        deals = [won("none", "big-pharma", None, date(2027, 3, 1)), won("ok", "big-pharma", "1000", date(2027, 3, 2))]
        ev = _run(deals, (axis("AX", "SEG"),))
        assert ev.axis("AX").revenue == Decimal("1000")
        assert ev.rejected == ()
        [warning] = ev.warnings
        assert (warning.record_id, warning.rule, warning.counted) == ("none", "no_amount", True)
        counted = {d.record_id: (d.counted, d.detail) for d in ev.axis("AX").decisions}
        assert counted == {"none": (True, "0.00"), "ok": (True, "1000.00")}


    def test_worth_its_priced_lines(self) -> None:
        """No amount but a line MAINT 6,000 (a HubSpot deal whose line items were imported): worth 6,000 on the
        whole-deal and the MAINT axes, listed as counted 6,000 (was ``no_amount`` with detail 6000.00 on the MAINT
        axis, 0 on the whole-deal one), with the warning that the sum of its lines was used."""
        deals = [won("d1", "big-pharma", None, date(2027, 3, 10), lines=_maint("6000")),
                 won("d2", "big-pharma", "4000", date(2027, 3, 11), lines=_maint("4000"))]
        ev = _run(deals, (axis("AX", "SEG"), axis("AXP", "SEG", scope=MAINT)))
        assert (ev.axis("AX").revenue, ev.axis("AXP").revenue) == (10000, 10000)
        [warning] = ev.warnings
        assert (warning.record_id, warning.rule, warning.counted) == ("d1", "amount_from_lines", True)
        assert warning.detail.endswith("the sum of its line items used, €6,000.00")   # the report's money
        for axis_id in ("AX", "AXP"):
            listed = {d.record_id: (d.rule, d.detail) for d in ev.axis(axis_id).decisions}
            assert listed == {"d1": ("counted", "6000.00"), "d2": ("counted", "4000.00")}, axis_id

    def test_a_typed_amount_that_differs_from_its_lines_is_warned(self) -> None:
        """Amount 5,000, line MAINT 8,000: the whole-deal axis counts the amount, the MAINT axis the line, and a
        warning names both figures."""
        deals = [won("d1", "big-pharma", "5000", date(2027, 3, 10), lines=_maint("8000"))]
        ev = _run(deals, (axis("AX", "SEG"), axis("AXP", "SEG", scope=MAINT)))
        assert (ev.axis("AX").revenue, ev.axis("AXP").revenue) == (5000, 8000)
        [warning] = ev.warnings
        assert (warning.record_id, warning.rule, warning.counted) == ("d1", "amount_differs_from_lines", True)
        assert "€5,000.00" in warning.detail and "€8,000.00" in warning.detail


class TestCloseDateInThePlansTimezone:
    """A CRM close instant counts on its local day in the plan's timezone; a plain date is never shifted."""

    def _april(self, deal):
        april = Window(datetime(2027, 4, 1, tzinfo=PARIS), datetime(2027, 5, 1, tzinfo=PARIS), "avril")
        objective = axis("AX", "SEG").objective
        ax = replace(axis("AX", "SEG"), objective=replace(objective, period=april, baseline=Decimal(0)))
        return _run([deal], (ax,), as_of=datetime(2027, 6, 1, tzinfo=PARIS)).axis("AX").revenue

    def test_just_after_midnight_paris_counts_in_april(self) -> None:
        """00:30 in Paris on 1 April (22:30 UTC on 31 March) is 1 April: it counts for April."""
        deal = replace(won("d", "big-pharma", "1000", date(2027, 3, 31)),
                       closed_at=datetime(2027, 3, 31, 22, 30, tzinfo=UTC))
        assert self._april(deal) == Decimal("1000")

    def test_late_evening_paris_stays_in_march(self) -> None:
        """23:15 in Paris on 31 March (21:15 UTC) is 31 March: not April."""
        deal = replace(won("d", "big-pharma", "1000", date(2027, 3, 31)),
                       closed_at=datetime(2027, 3, 31, 21, 15, tzinfo=UTC))
        assert self._april(deal) == 0

    def test_end_of_april_paris_is_not_may(self) -> None:
        """23:30 in Paris on 30 April is 21:30 UTC the same day: April, whatever UTC says about May."""
        deal = replace(won("d", "big-pharma", "1000", date(2027, 4, 30)),
                       closed_at=datetime(2027, 4, 30, 21, 30, tzinfo=UTC))
        assert self._april(deal) == Decimal("1000")

    def test_plain_date_is_not_shifted(self) -> None:
        """A plain close date (Salesforce CloseDate) of 1 April counts for April as written."""
        assert self._april(won("d", "big-pharma", "1000", date(2027, 4, 1))) == Decimal("1000")

    def test_rejected_deal_is_listed_in_the_axis_decisions(self) -> None:
        """The axis's explanation lists its counted deals and the rejected one of its scope."""
        deals = [won("d1", "big-pharma", "1000", date(2027, 3, 1)),
                 won("chf", "big-pharma", "5000", date(2027, 4, 1), currency="CHF")]
        rules = {d.record_id: d.rule for d in _run(deals, (axis("AX", "SEG"),)).axis("AX").decisions}
        assert rules == {"d1": "counted", "chf": "unknown_currency"}


class TestWhatCounts:
    def test_only_won_live_deals_in_period_and_scope(self) -> None:
        """Lost, open, deleted, out-of-period and out-of-scope deals are left out."""
        deals = [
            won("ok", "big-pharma", "100", date(2027, 12, 31)),
            won("lost", "big-pharma", "100", date(2027, 3, 1), stage=DealStage.LOST),
            won("open", "big-pharma", "100", date(2027, 3, 1), stage=DealStage.OPEN),
            won("gone", "big-pharma", "100", date(2027, 3, 1), deleted=True),
            won("next-year", "big-pharma", "100", date(2028, 1, 1)),
            won("isere", "grenoble", "100", date(2027, 3, 1)),
        ]
        assert _run(deals, (axis("AX", "SEG"),)).axis("AX").revenue == Decimal("100")

    def test_revenue_is_to_date(self) -> None:
        """On 20 May only deals closed by 20 May count, and the baseline stops on 20 May 2026."""
        deals = [won("may", "big-pharma", "100", date(2027, 5, 20)),
                 won("june", "big-pharma", "100", date(2027, 6, 1)),
                 won("b-may", "big-pharma", "40", date(2026, 5, 20)),
                 won("b-june", "big-pharma", "40", date(2026, 6, 1))]
        ev = _run(deals, (axis("AX", "SEG"),), as_of=datetime(2027, 5, 20, 18, tzinfo=PARIS))
        assert (ev.axis("AX").revenue, ev.axis("AX").baseline, ev.axis("AX").additional) == (100, 40, 60)

    def test_as_of_a_quarters_end_counts_up_to_its_last_day(self) -> None:
        """As of 1 July 00:00 (the second quarter's end, as `pac report --quarter 2027-Q2` evaluates it),
        nothing of 1 July has happened: a deal closed on 1 July, and the baseline's 1 July 2026, are left out;
        one second later they count. The advice's quarter is the second one."""
        deals = [won("june", "big-pharma", "100", date(2027, 6, 30)),
                 won("july", "big-pharma", "1000", date(2027, 7, 1)),
                 won("b-june", "big-pharma", "40", date(2026, 6, 30)),
                 won("b-july", "big-pharma", "400", date(2026, 7, 1))]
        end = _run(deals, (axis("AX", "SEG"),), as_of=datetime(2027, 7, 1, tzinfo=PARIS))
        assert (end.axis("AX").revenue, end.axis("AX").baseline) == (100, 40)
        assert (end.segments[0].revenue, end.plan.revenue if end.plan else None) == (100, 100)
        later = _run(deals, (axis("AX", "SEG"),), as_of=datetime(2027, 7, 1, 0, 0, 1, tzinfo=PARIS))
        assert (later.axis("AX").revenue, later.axis("AX").baseline) == (1100, 440)

    def test_a_day_whose_midnight_dst_skips_begins_at_its_first_instant(self) -> None:
        """Asunción went to summer time at 00:00 on 1 October 2023: that day began at 01:00 local (04:00 UTC), the
        end of the third quarter. At that instant nothing of 1 October has happened (the last day is 30
        September); a microsecond later, 1 October has begun. In Paris, midnight and the microsecond after."""
        asuncion = ZoneInfo("America/Asuncion")
        q4 = datetime(2023, 10, 1, 4, 0, tzinfo=UTC)
        assert last_day(q4, asuncion) == date(2023, 9, 30)
        assert last_day(q4.astimezone(asuncion), asuncion) == date(2023, 9, 30)
        assert last_day(q4 + timedelta(microseconds=1), asuncion) == date(2023, 10, 1)
        assert last_day(q4 - timedelta(microseconds=1), asuncion) == date(2023, 9, 30)
        assert last_day(datetime(2027, 7, 1, tzinfo=PARIS), PARIS) == date(2027, 6, 30)
        assert last_day(datetime(2027, 7, 1, 0, 0, 0, 1, tzinfo=PARIS), PARIS) == date(2027, 7, 1)


class TestBaselineAndRoi:
    def test_baseline_is_same_period_a_year_earlier(self) -> None:
        """2026 revenue of the same scope is the baseline; ROI = (additional x margin - cost) / cost."""
        deals = [won("now", "big-pharma", "150000", date(2027, 6, 1)),
                 won("then", "big-pharma", "50000", date(2026, 6, 1))]
        progress = _run(deals, (axis("AX", "SEG", budget="10000", additional="100000"),)).axis("AX")
        assert (progress.baseline, progress.additional, progress.progress) == (50000, 100000, 1.0)
        assert progress.roi == 2.0      # (100000 x 0.3 - 10000) / 10000

    def test_fixed_baseline_is_prorated_to_date(self) -> None:
        """A fixed baseline of 120,000 on 2 July at noon counts for the 183 days of 2027 up to that day, as the
        revenue it is compared with: 120,000 x 183 / 365."""
        as_of = datetime(2027, 7, 2, 12, tzinfo=PARIS)
        progress = _run([], (axis("AX", "SEG", baseline="120000"),), as_of=as_of).axis("AX")
        assert progress.baseline == Decimal(120000) * 183 / 365

    def test_fixed_baseline_keeps_summer_times_hour(self) -> None:
        """At the end of September (1 October 00:00 Paris), 20,000 x 273 / 365 = 14,958.90 to the cent: the plan's
        days, not its elapsed seconds (failed before: 14,956.62, the hour summer time took in March lost)."""
        as_of = datetime(2027, 10, 1, tzinfo=PARIS)
        progress = _run([], (axis("AX", "SEG", baseline="20000"),), as_of=as_of).axis("AX")
        assert progress.baseline.quantize(Decimal("0.01")) == Decimal("14958.90")

    def test_time_to_roi(self) -> None:
        """30,000 additional in 6 months at 30 % margin covers a 3,000 cost in 2 months."""
        as_of = datetime(2027, 7, 2, 15, tzinfo=PARIS)
        deals = [won("now", "big-pharma", "30000", date(2027, 3, 1))]
        progress = _run(deals, (axis("AX", "SEG", budget="3000"),), as_of=as_of).axis("AX")
        assert abs(progress.time_to_roi_months - 2.0) < 0.01

    def test_roi_to_date_compares_the_cost_to_date(self) -> None:
        """ROI to date on 15 July at noon (196 of 2027's 365 days): 5,000 additional x 30 % = 1,500 of margin against
        the cost to date, 2,000 x 196 / 365 = 1,073.97, not the whole year's 2,000: (1,500 - 1,073.97) / 1,073.97 =
        +39.7 %, the year's ROI at this pace ((1,500 x 365 / 196 - 2,000) / 2,000). Audit E F1: it read -25 %."""
        as_of = datetime(2027, 7, 15, 12, tzinfo=PARIS)
        deals = [won("now", "big-pharma", "5000", date(2027, 5, 10))]
        progress = _run(deals, (axis("AX", "SEG", budget="2000", additional="20000"),), as_of=as_of).axis("AX")
        assert progress.roi == pytest.approx(1500 * 365 / (2000 * 196) - 1)
        assert progress.roi == pytest.approx((1500 * 365 / 196 - 2000) / 2000)
        assert progress.roi == pytest.approx(0.39668, abs=1e-5)
        assert progress.cost == 2000 and progress.cost_to_date == Decimal(2000) * 196 / 365

    def test_roi_to_date_before_the_period_starts_is_unknown(self) -> None:
        """On 31 December 2026 nothing of 2027's cost is spent yet: the ROI to date is unknown, not -100 %."""
        progress = _run([], (axis("AX", "SEG", budget="2000"),), as_of=datetime(2026, 12, 31, 12, tzinfo=PARIS))
        assert (progress.axis("AX").roi, progress.axis("AX").cost_to_date) == (None, 0)

    def test_roi_at_the_period_end_is_on_the_whole_cost(self) -> None:
        """Once the period is over, the cost to date is the whole cost: (100,000 x 0.3 - 10,000) / 10,000."""
        progress = _run([won("now", "big-pharma", "100000", date(2027, 6, 1))], (axis("AX", "SEG"),)).axis("AX")
        assert (progress.roi, progress.cost_to_date) == (2.0, 10000)

    def test_an_axis_on_course_for_40_percent_is_not_dropped(self) -> None:
        """The drop rule reads the ROI to date: on 15 July (54 % of the year elapsed, past the 50 % threshold) the
        axis above is at +39.7 %, so no drop. Audit E F1: « Abandonner l'axe … (ROI -25 % …) » on the whole year's
        cost."""
        as_of = datetime(2027, 7, 15, 12, tzinfo=PARIS)
        deals = [won("now", "big-pharma", "5000", date(2027, 5, 10))]
        ev = _run(deals, (axis("AX", "SEG", budget="2000", additional="20000"),), as_of=as_of)
        assert ev.axis("AX").roi is not None and ev.axis("AX").roi > 0
        assert [r.rule for r in ev.recommendations if r.axis_id == "AX"] == []
        slower = _run([won("now", "big-pharma", "3000", date(2027, 5, 10))],
                      (axis("AX", "SEG", budget="2000", additional="20000"),), as_of=as_of)
        # 900 of margin against 1,073.97 spent: -16.2 %, dropped (the rule still fires on a real loss)
        assert slower.axis("AX").roi == pytest.approx(900 * 365 / (2000 * 196) - 1)
        assert [r.rule for r in slower.recommendations if r.axis_id == "AX"] == [Rule.DROP]

    def test_no_cost_no_roi(self) -> None:
        """Without a budget or effort cost, ROI and time to ROI are unknown, not zero."""
        progress = _run([won("d", "big-pharma", "100", date(2027, 3, 1))], (axis("AX", "SEG", budget=None),)).axis("AX")
        assert (progress.roi, progress.time_to_roi_months) == (None, None)


class TestBaselineAroundTheLeapDay:
    """The baseline is the same span a year earlier; a month's last day maps to that month's last day, and a
    first day on 29 February to 1 March, so adjacent spans keep adjacent baselines (docs/engine.md)."""

    FEB_2029 = Window(datetime(2029, 2, 1, tzinfo=PARIS), datetime(2029, 3, 1, tzinfo=PARIS), "février 2029")
    FY = Window(datetime(2028, 3, 1, tzinfo=PARIS), datetime(2029, 3, 1, tzinfo=PARIS), "exercice 2028-2029")

    @staticmethod
    def _run(period: Window, plan_period: Window, deals, as_of: datetime):
        objective = axis("AX", "SEG").objective
        ax = replace(axis("AX", "SEG"), objective=replace(objective, period=period))
        p = Plan("PAC", plan_period, "Europe/Paris", segments=(SEG,), axes=(ax,),
                 actions=(action(axis_id="AX", window=period),))
        return evaluate(p, Records(accounts=ACCOUNTS, deals=tuple(deals), users=USERS), as_of=as_of, explain=True)

    def test_spans_ending_on_a_months_last_day(self) -> None:
        """February 2029 (28 days) maps to the whole of February 2028 (29 days), and back; a span ending on 28
        February of a leap year ends on 28 February; a first day on 29 February maps to 1 March."""
        assert baseline_range((date(2029, 2, 1), date(2029, 2, 28))) == (date(2028, 2, 1), date(2028, 2, 29))
        assert baseline_range((date(2028, 3, 1), date(2029, 2, 28))) == (date(2027, 3, 1), date(2028, 2, 29))
        assert baseline_range((date(2028, 2, 1), date(2028, 2, 29))) == (date(2027, 2, 1), date(2027, 2, 28))
        assert baseline_range((date(2028, 1, 1), date(2028, 2, 28))) == (date(2027, 1, 1), date(2027, 2, 28))
        assert baseline_range((date(2029, 1, 1), date(2029, 2, 27))) == (date(2028, 1, 1), date(2028, 2, 27))
        assert baseline_range((date(2028, 2, 29), date(2028, 3, 31))) == (date(2027, 3, 1), date(2027, 3, 31))
        first, last = baseline_range((date(2028, 2, 29), date(2028, 2, 29)))      # no 29 February in 2027
        assert (first, last) == (date(2027, 3, 1), date(2027, 2, 28)) and first > last

    def test_a_closed_february_after_a_leap_year(self) -> None:
        """February 2029, evaluated on 15 March 2029: the baseline is February 2028, 100 (1 Feb) + 1,000 (29 Feb)
        = 1,100, so the additional revenue is 5,000 - 1,100 = 3,900 (not 4,900 with the leap day left out)."""
        deals = [won("b1", "big-pharma", "100", date(2028, 2, 1)), won("b2", "big-pharma", "1000", date(2028, 2, 29)),
                 won("r1", "big-pharma", "5000", date(2029, 2, 28))]
        year = Window(datetime(2029, 1, 1, tzinfo=PARIS), datetime(2030, 1, 1, tzinfo=PARIS), "2029")
        progress = self._run(self.FEB_2029, year, deals, datetime(2029, 3, 15, tzinfo=PARIS)).axis("AX")
        assert (progress.revenue, progress.baseline, progress.additional) == (5000, 1100, 3900)

    def test_a_fiscal_year_ending_on_28_february(self) -> None:
        """Fiscal year 1 March 2028 - 28 February 2029: the previous one ends on 29 February 2028, so axis, segment
        and plan totals all have 100 (1 March 2027) + 1,000 (29 February 2028) = 1,100 as baseline."""
        deals = [won("b1", "big-pharma", "100", date(2027, 3, 1)), won("b2", "big-pharma", "1000", date(2028, 2, 29)),
                 won("r1", "big-pharma", "5000", date(2028, 3, 1))]
        ev = self._run(self.FY, self.FY, deals, datetime(2029, 3, 15, tzinfo=PARIS))
        assert (ev.axis("AX").revenue, ev.axis("AX").baseline) == (5000, 1100)
        assert ev.segments[0].baseline == 1100
        assert ev.plan is not None and ev.plan.baseline == 1100


class TestOverlappingAxes:
    DEALS = (won("bp", "big-pharma", "1000", date(2027, 3, 1)), won("bc", "big-chem", "600", date(2027, 3, 1)),
             won("sp", "small-pharma", "300", date(2027, 3, 1)))
    AXES = (axis("BIG", "SEG", scope=BIG), axis("PHARMA", "SEG", scope=PHARMA))

    def test_full_attribution_credits_every_axis(self) -> None:
        """By default the big pharma deal counts fully for both the big-accounts and the pharma axes."""
        ev = _run(self.DEALS, self.AXES)
        assert (ev.axis("BIG").revenue, ev.axis("PHARMA").revenue) == (1600, 1300)

    def test_segment_total_counts_each_deal_once(self) -> None:
        """The segment's total is 1,900, not the 2,900 the axes add up to."""
        [segment] = _run(self.DEALS, self.AXES).segments
        assert segment.revenue == 1900

    def test_split_attribution_shares_the_deal(self) -> None:
        """With the split rule the shared deal is halved, and the axes add up to the segment total."""
        ev = _run(self.DEALS, self.AXES, settings=EngineSettings(attribution="split"))
        assert (ev.axis("BIG").revenue, ev.axis("PHARMA").revenue) == (1100, 800)
        assert ev.axis("BIG").revenue + ev.axis("PHARMA").revenue == ev.segments[0].revenue

    SPLIT = EngineSettings(attribution="split")
    H2 = Window(datetime(2027, 7, 1, tzinfo=PARIS), datetime(2028, 1, 1, tzinfo=PARIS), "S2")

    @staticmethod
    def _adds_up(ev) -> None:
        """The live axes' split figures add up to the plan's: nothing counted twice, nothing lost."""
        assert ev.plan is not None
        live = [ev.axis(a) for a in ev.plan.axis_ids]
        assert sum((a.revenue for a in live), Decimal(0)) == ev.plan.revenue
        assert sum((a.baseline for a in live), Decimal(0)) == ev.plan.baseline
        assert ev.plan.overlap == 0

    def test_split_between_the_axes_whose_period_holds_the_deal(self) -> None:
        """PHARMA's objective is the second half (S2): the 1 March big-pharma deal (1,000) and its 1 March 2026
        baseline deal (80) are BIG's alone; the September ones (200 this year, 60 the year before) are halved.
        BIG: 1,000 + 600 (big-chem) + 100 = 1,700, baseline 80 + 30 = 110; PHARMA: 300 (small-pharma, September)
        + 100 = 400, baseline 30. The plan: 2,100 and 140."""
        pharma = axis("PHARMA", "SEG", scope=PHARMA)
        assert pharma.objective is not None
        axes = (axis("BIG", "SEG", scope=BIG), replace(pharma, objective=replace(pharma.objective, period=self.H2)))
        deals = (won("bp", "big-pharma", "1000", date(2027, 3, 1)), won("bc", "big-chem", "600", date(2027, 3, 1)),
                 won("sp", "small-pharma", "300", date(2027, 9, 1)), won("bp2", "big-pharma", "200", date(2027, 9, 1)),
                 won("b-bp", "big-pharma", "80", date(2026, 3, 1)), won("b-bp2", "big-pharma", "60", date(2026, 9, 1)))
        ev = _run(deals, axes, settings=self.SPLIT)
        assert (ev.axis("BIG").revenue, ev.axis("BIG").baseline) == (1700, 110)
        assert (ev.axis("PHARMA").revenue, ev.axis("PHARMA").baseline) == (400, 30)
        assert ev.plan is not None and (ev.plan.revenue, ev.plan.baseline) == (2100, 140)
        self._adds_up(ev)

    def test_split_between_the_axes_whose_people_own_the_deal(self) -> None:
        """BIG is Julie's, PHARMA Marc's: Julie's 1,000 deal on big-pharma is BIG's alone, Marc's 400 PHARMA's alone
        (both scopes hold the account)."""
        axes = (replace(axis("BIG", "SEG", scope=BIG), who=(JULIE,)),
                replace(axis("PHARMA", "SEG", scope=PHARMA), who=(MARC,)))
        deals = (won("bp-j", "big-pharma", "1000", date(2027, 3, 1)),
                 replace(won("bp-m", "big-pharma", "400", date(2027, 3, 2)), owner_id="005M"))
        ev = _run(deals, axes, settings=self.SPLIT)
        assert (ev.axis("BIG").revenue, ev.axis("PHARMA").revenue) == (1000, 400)
        self._adds_up(ev)

    def test_a_dropped_axis_takes_no_share_from_the_live_ones(self) -> None:
        """PHARMA dropped: BIG, the only live axis, keeps the big-pharma deal whole, 1,000 + 600 = 1,600, the plan's
        revenue. PHARMA's own figure is what it would get beside the live axes: 1,000 / 2 + 300 = 800."""
        dropped = AxisStatus(AxisState.DROPPED, reason="abandonné")
        axes = (axis("BIG", "SEG", scope=BIG), axis("PHARMA", "SEG", scope=PHARMA, status=dropped))
        ev = _run(self.DEALS, axes, settings=self.SPLIT)
        assert (ev.axis("BIG").revenue, ev.axis("PHARMA").revenue) == (1600, 800)
        assert ev.plan is not None and ev.plan.axis_ids == ("BIG",) and ev.plan.revenue == 1600
        self._adds_up(ev)

    def test_an_axis_with_a_fixed_baseline_takes_its_share_of_the_year_before(self) -> None:
        """PHARMA has a fixed baseline (500): its figure stands for the big-pharma deal of 1 March 2026 (80) as it
        would have counted it, so BIG's baseline takes half of it, 40, as BIG's revenue takes half of this year's
        big-pharma deal (1,000): BIG 500 + 600 = 1,100 against 40, like for like. BIG's figures are those of the same
        plan with PHARMA's baseline measured: how PHARMA writes its baseline is no reason for BIG's to change (audit
        reporthand2: BIG kept the 80 whole against a halved 1,000, a growth understated on every shared account).
        PHARMA's own figures are unchanged (800 against its fixed 500)."""
        axes = (axis("BIG", "SEG", scope=BIG), axis("PHARMA", "SEG", scope=PHARMA, baseline="500"))
        deals = (*self.DEALS, won("b-bp", "big-pharma", "80", date(2026, 3, 1)))
        ev = _run(deals, axes, settings=self.SPLIT)
        assert (ev.axis("BIG").revenue, ev.axis("BIG").baseline) == (1100, 40)
        assert (ev.axis("PHARMA").revenue, ev.axis("PHARMA").baseline) == (800, 500)
        measured = _run(deals, (axis("BIG", "SEG", scope=BIG), axis("PHARMA", "SEG", scope=PHARMA)),
                        settings=self.SPLIT)
        assert (measured.axis("BIG").revenue, measured.axis("BIG").baseline) == (1100, 40)

    def test_segment_trend(self) -> None:
        """Segment trend is revenue over baseline minus one: 1,900 against 2,000 is -5 %."""
        deals = (*self.DEALS, won("old", "big-chem", "2000", date(2026, 3, 1)))
        assert abs(_run(deals, self.AXES).segments[0].trend - (-0.05)) < 1e-9


class TestProductAxisKpis:
    def test_won_deal_kpis_count_only_the_axis_products(self) -> None:
        """A product axis's won deals and average won deal count its product's lines only, as its revenue does
        (two deals of 1,000 and 600 € on the scope, one holding 400 € of MAINT: one won deal, 400 € average)."""
        from pac_core.records import DealLine

        maint = Scope((Condition("product", "in", ("MAINT",), "maintenance"),))
        deals = (won("d1", "big-pharma", "1000", date(2027, 3, 1),
                     lines=(DealLine("MAINT", Decimal(1), Decimal(400), code="MAINT"),
                            DealLine("PX200", Decimal(1), Decimal(600), code="PX200"))),
                 won("d2", "big-chem", "600", date(2027, 3, 2),
                     lines=(DealLine("PX200", Decimal(1), Decimal(600), code="PX200"),)))
        ev = _run(deals, (axis("MAINT", "SEG", scope=maint),))
        kpis = {k.kpi: k for k in ev.axis("MAINT").kpis}
        assert ev.axis("MAINT").revenue == 400
        assert kpis["won_deals"].value == 1
        assert kpis["average_won_deal"].value == 400


def _rate_and_pipeline(kpis):
    """(win rate's numerator and denominator, pipeline created) of a KPI row by id."""
    return (kpis["win_rate"].numerator, kpis["win_rate"].denominator), kpis["pipeline_created"].value

class TestFilteredLostAndCreatedDeals:
    """``win_rate`` and ``pipeline_created`` of a scope limited by product or by owner read the deals its conditions
    keep, on both sides of the ratio, as its won deals and revenue do (2027, evaluated on 10 January 2028).

    Product MAINT: won d1 (MAINT 400 + PX200 600) and d2 (PX200 only); lost l1 (PX200 only), l2 (MAINT only) and l3
    (MAINT 50 + PX200 150: counts once, one of its lines matching). Created in 2027: d1 (1,000 EUR, 400 of MAINT),
    o1 (open, PX200 900) and o2 (open, 1,000 USD at 0.9: MAINT 250 + PX200 750, so 225 of MAINT).
    """

    MAINT = Scope((Condition("product", "in", ("MAINT",), "maintenance"),))
    MAINT_SEGMENT = Segment("S-MAINT", "Maintenance", SegmentKind.VERTICAL, MAINT)

    @staticmethod
    def _product_deals():
        from pac_core.records import DealLine

        def line(code: str, amount: int) -> DealLine:
            return DealLine(code, Decimal(1), Decimal(amount), code=code)

        created = datetime(2027, 2, 1, 9, tzinfo=UTC)
        return (replace(won("d1", "big-pharma", "1000", date(2027, 3, 1),
                            lines=(line("MAINT", 400), line("PX200", 600))), created_at=created),
                won("d2", "big-chem", "600", date(2027, 3, 2), lines=(line("PX200", 600),)),
                won("l1", "big-chem", "800", date(2027, 4, 1), stage=DealStage.LOST, lines=(line("PX200", 800),)),
                won("l2", "big-pharma", "200", date(2027, 4, 2), stage=DealStage.LOST, lines=(line("MAINT", 200),)),
                won("l3", "big-chem", "200", date(2027, 4, 3), stage=DealStage.LOST,
                    lines=(line("MAINT", 50), line("PX200", 150))),
                replace(won("o1", "big-chem", "900", date(2028, 3, 1), stage=DealStage.OPEN,
                            lines=(line("PX200", 900),)), created_at=created),
                replace(won("o2", "big-pharma", "1000", date(2028, 3, 1), stage=DealStage.OPEN, currency="USD",
                            lines=(line("MAINT", 250), line("PX200", 750))), created_at=created))

    def test_product_axis_win_rate_and_pipeline(self) -> None:
        """MAINT axis: 1 won / (1 won + 2 lost: l2, l3) = 1/3, not 1/4 with l1, a PX200 loss; pipeline created
        400 + 250 x 0.9 = 625.0, not the whole deals' 1,000 + 900 + 900 = 2,800."""
        ev = _run(self._product_deals(), (axis("AX-M", "SEG", scope=self.MAINT),))
        kpis = {k.kpi: k for k in ev.axis("AX-M").kpis}
        assert _rate_and_pipeline(kpis) == ((1, 3), Decimal("625.0"))

    def test_product_segment_win_rate_and_pipeline(self) -> None:
        """The same figures for a MAINT segment and for its axis (empty own scope), which inherits its condition."""
        ev = _run(self._product_deals(), (axis("AX", "S-MAINT"),), segments=(self.MAINT_SEGMENT,))
        for rows in (ev.axis("AX").kpis, ev.segments[0].kpis):
            kpis = {k.kpi: k for k in rows}
            assert _rate_and_pipeline(kpis) == ((1, 3), Decimal("625.0"))

    def test_lost_and_created_deals_of_other_products_count_nothing(self) -> None:
        """A PX200 axis's MAINT-only loss and a created deal with no PX200 line are left out: won d1 (PX200 600)
        and d2 over lost l1 and l3: 2 / 4; created d1's 600 + o1's 900 + o2's 750 x 0.9 = 2,175.0."""
        px200 = Scope((Condition("product", "in", ("PX200",), "PX200"),))
        ev = _run(self._product_deals(), (axis("AX-P", "SEG", scope=px200),))
        kpis = {k.kpi: k for k in ev.axis("AX-P").kpis}
        assert _rate_and_pipeline(kpis) == ((2, 4), Decimal("2175.0"))

    @staticmethod
    def _owner_deals():
        created = datetime(2027, 3, 1, 9, tzinfo=UTC)
        def marc(deal):
            return replace(deal, owner_id="005M")
        return (replace(won("w1", "big-pharma", "100", date(2027, 2, 1)), created_at=created),
                marc(won("w2", "big-chem", "100", date(2027, 2, 2))),
                marc(won("w3", "big-chem", "100", date(2027, 2, 3))),
                won("x1", "big-pharma", "100", date(2027, 2, 4), stage=DealStage.LOST),
                marc(won("x2", "big-chem", "100", date(2027, 2, 5), stage=DealStage.LOST)),
                marc(won("x3", "big-pharma", "100", date(2027, 2, 6), stage=DealStage.LOST)),
                replace(marc(won("o2", "big-chem", "5000", date(2027, 9, 6), stage=DealStage.OPEN)),
                        created_at=created))

    @pytest.mark.parametrize("how", ["who", "deal_owner"])
    def test_axis_of_one_owner(self, how: str) -> None:
        """Julie's axis (its ``who``, or a ``deal_owner`` condition): she won w1 and lost x1, so 1 / 2, not 1 / 4 with
        Marc's two losses; pipeline created: her w1 (100), not Marc's 5,000 open deal."""
        if how == "who":
            the_axis = replace(axis("AX-J", "SEG"), who=(JULIE,))
        else:
            the_axis = axis("AX-J", "SEG", scope=Scope((Condition("deal_owner", "in", (JULIE,), "Julie"),)))
        kpis = {k.kpi: k for k in _run(self._owner_deals(), (the_axis,)).axis("AX-J").kpis}
        assert _rate_and_pipeline(kpis) == ((1, 2), 100)


class TestLinesInAnotherCurrency:
    """A HubSpot line priced in another currency than its deal, which the deal's own rates do not convert, keeps its
    currency (``DealLine.currency``) and is converted on its own with ``fx_rates`` (audit products F2). An EUR deal of
    800 created 1 February and won 5 March 2027: a PX line of CHF 500 and a MAINT line of EUR 300."""

    PX = Scope((Condition("product", "in", ("PX",), "PX"),))
    MAINT = Scope((Condition("product", "in", ("MAINT",), "MAINT"),))
    CHF = EngineSettings(fx_rates={"CHF": Decimal("0.95")})

    @staticmethod
    def _deal():
        lines = (DealLine("PX", Decimal(1), Decimal(500), code="PX", currency="CHF"),
                 DealLine("MAINT", Decimal(1), Decimal(300), code="MAINT"))
        return replace(won("f1", "big-pharma", "800", date(2027, 3, 5), lines=lines),
                       created_at=datetime(2027, 2, 1, 9, tzinfo=UTC))

    def test_the_line_counts_at_its_own_rate(self) -> None:
        """PX axis: CHF 500 x 0.95 = 475.00 (revenue and pipeline created); MAINT 300; the plan's total over both
        axes 775.00, each line once; the whole deal counts its 800 on a whole-deal axis, with no warning (its lines'
        sum in EUR is unknown, so no ``amount_differs_from_lines``). Failed before: the CHF line was taken in EUR."""
        ev = _run((self._deal(),), (axis("AX-P", "SEG", scope=self.PX), axis("AX-M", "SEG", scope=self.MAINT)),
                  settings=self.CHF)
        assert (ev.axis("AX-P").revenue, ev.axis("AX-M").revenue) == (Decimal("475.00"), Decimal(300))
        assert {k.kpi: k for k in ev.axis("AX-P").kpis}["pipeline_created"].value == Decimal("475.00")
        assert ev.plan is not None and ev.plan.revenue == Decimal("775.00")
        # pac explain shows the line in its own currency, not as 500 € (the deal's)
        p = plan(action(axis_id="AX-P"), axes=(axis("AX-P", "SEG", scope=self.PX),), segments=(SEG,))
        rows = explain_axis(p, ev, "AX-P", deals={("sf", "f1"): self._deal()}, lang="en").rows
        assert [(r["record"], r["lines"]) for r in rows] == [("f1", "PX CHF\u00a0500.00")]
        whole = _run((self._deal(),), (axis("AX", "SEG"),), settings=self.CHF)
        assert whole.axis("AX").revenue == 800 and not whole.warnings

    def test_no_rate_counts_0_with_a_warning(self) -> None:
        """No CHF rate: the PX axis counts 0 and the deal is counted with the warning ``line_unknown_currency``."""
        ev = _run((self._deal(),), (axis("AX-P", "SEG", scope=self.PX),), settings=EngineSettings())
        assert ev.axis("AX-P").revenue == 0
        assert [(w.record_id, w.rule) for w in ev.warnings] == [("f1", "line_unknown_currency")]
        assert "add it to engine.fx_rates" in ev.warnings[0].detail


class TestSegmentDealConditions:
    """A segment scoped by product (a vertical "product line" segment) or by deal owner counts what its scope
    says, as its axes do: its revenue, baseline, trend and KPIs read the matching lines (the deals of those owners),
    not every product's whole deals. 2027 against 2026, evaluated on 10 January 2028 (both years whole):

    | deal | account | close | amount | lines |
    |---|---|---|---|---|
    | d1 | big-pharma | 2027-03-01 | 1,000 | MAINT 300, PX200 700 |
    | d2 | big-chem | 2027-04-01 | 500 | PX200 500 |
    | b1 | big-pharma | 2026-03-01 | 400 | MAINT 400 |
    | b2 | big-chem | 2026-04-01 | 500 | PX200 500 |

    The MAINT segment: revenue 300 (d1's MAINT line), baseline 400 (b1), additional -100, trend 300 / 400 - 1 =
    -25 %; the whole deals would give 1,500 against 900, +67 %.
    """

    MAINT = Segment("MAINT", "Maintenance", SegmentKind.VERTICAL,
                    Scope((Condition("product", "in", ("MAINT",), "maintenance"),)))

    @staticmethod
    def _deals():
        from pac_core.records import DealLine

        def line(code: str, amount: int) -> DealLine:
            return DealLine(code, Decimal(1), Decimal(amount), code=code)

        return (won("d1", "big-pharma", "1000", date(2027, 3, 1), lines=(line("MAINT", 300), line("PX200", 700))),
                won("d2", "big-chem", "500", date(2027, 4, 1), lines=(line("PX200", 500),)),
                won("b1", "big-pharma", "400", date(2026, 3, 1), lines=(line("MAINT", 400),)),
                won("b2", "big-chem", "500", date(2026, 4, 1), lines=(line("PX200", 500),)))

    def test_product_segment_counts_its_lines(self) -> None:
        """Revenue 300, baseline 400, additional -100, trend -25 %: the same figures as its only axis (empty own
        scope), and its ROI, the axis's: (-100 x 0.3 - 10,000) / 10,000."""
        ev = _run(self._deals(), (axis("AX-M", "MAINT"),), segments=(self.MAINT,))
        [segment] = ev.segments
        assert (segment.revenue, segment.baseline, segment.additional) == (300, 400, -100)
        assert segment.trend == -0.25
        the_axis = ev.axis("AX-M")
        assert (the_axis.revenue, the_axis.baseline) == (segment.revenue, segment.baseline)
        assert segment.roi == the_axis.roi and abs(segment.roi - (-100 * 0.3 - 10_000) / 10_000) < 1e-12
        assert ev.plan is not None and (ev.plan.revenue, ev.plan.baseline) == (300, 400)

    def test_product_segment_kpis_count_its_lines(self) -> None:
        """The segment's KPIs over 2027: one won deal (d1, for its MAINT line), revenue 300, average 300 / 1."""
        [segment] = _run(self._deals(), (axis("AX-M", "MAINT"),), segments=(self.MAINT,)).segments
        kpis = {k.kpi: (k.value, k.numerator, k.denominator) for k in segment.kpis}
        assert kpis["won_deals"][0] == 1
        assert kpis["revenue"][0] == 300
        assert kpis["average_won_deal"] == (300, 300, 1)

    def test_prioritise_reads_the_product_segments_trend(self) -> None:
        """MAINT is down 25 % (threshold 10 %): its axis (no budget, so no ROI and no drop) is to be prioritised,
        the evidence quoting 300 against 400. Counted on whole deals the segment would be up 67 %: no advice."""
        # at the plan's end instant (on 10 January 2028 the plan is over: no advice, pac_core.plan_end)
        ev = _run(self._deals(), (axis("AX-M", "MAINT", budget=None),), segments=(self.MAINT,),
                  as_of=datetime(2028, 1, 1, tzinfo=PARIS))
        [rec] = ev.recommendations
        assert (rec.rule, rec.axis_id, rec.segment_id) == (Rule.PRIORITISE, "AX-M", "MAINT")
        assert rec.evidence["triggers"] == ["segment_decline"]
        assert (rec.evidence["revenue"], rec.evidence["baseline"], rec.evidence["trend"]) == ("300", "400", -0.25)

    def test_deal_owner_segment_counts_those_owners_deals(self) -> None:
        """A segment of Marc's deals: his 400 in 2027 against his 100 in 2026 (Julie's 1,000 and 2,000 left out):
        revenue 400, baseline 100, trend +300 %; one won deal."""
        marc = Segment("MARC", "Affaires de Marc", SegmentKind.HORIZONTAL,
                       Scope((Condition("deal_owner", "in", (MARC,), "Marc"),)))
        deals = (won("j1", "big-pharma", "1000", date(2027, 3, 1)),
                 replace(won("m1", "big-chem", "400", date(2027, 3, 2)), owner_id="005M"),
                 won("j0", "big-pharma", "2000", date(2026, 3, 1)),
                 replace(won("m0", "big-chem", "100", date(2026, 3, 2)), owner_id="005M"))
        [segment] = _run(deals, (axis("AX", "MARC"),), segments=(marc,)).segments
        assert (segment.revenue, segment.baseline, segment.trend) == (400, 100, 3.0)
        assert {k.kpi: k.value for k in segment.kpis}["won_deals"] == 1


class TestSegmentPeriodBaseline:
    """The segment's baseline over the plan's whole period (the year's target is it plus the objective)."""

    DEALS = (won("spring", "big-chem", "800", date(2026, 3, 1)), won("autumn", "big-chem", "500", date(2026, 10, 1)),
             won("now", "big-chem", "900", date(2027, 3, 1)))

    def test_whole_year_a_year_earlier_whatever_the_date(self) -> None:
        """On 15 June the baseline to date is 800 (March 2026); the whole year's is 1,300 (March and October
        2026), the same on 15 June as at the year's end."""
        june = _run(self.DEALS, (axis("AX", "SEG"),), as_of=datetime(2027, 6, 16, tzinfo=PARIS)).segments[0]
        end = _run(self.DEALS, (axis("AX", "SEG"),)).segments[0]
        assert (june.baseline, june.period_baseline) == (800, 1300)
        assert (end.baseline, end.period_baseline) == (1300, 1300)
