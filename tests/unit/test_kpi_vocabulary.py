"""The KPI vocabulary: names in French and English, and every KPI measured per axis and per segment.

The organisation below is small enough to compute every figure by hand (as_of 20 May 2027, Paris):

| account | postal | dormant flag | won deals (close) | lost (close) | created (UTC -> Paris) |
|---|---|---|---|---|---|
| a1 | 69003 | yes | 2024-01-10 900; 2027-03-10 5000 | | d1: 2026-12-31 23:30Z -> 1 Jan 2027 00:30 |
| a2 | 69100 | yes | | 2027-04-01 | d-open: 2027-03-31 22:30Z -> 1 Apr |
| a3 | 69200 | no | 2026-06-01 700; 2027-02-01 3000; 2027-05-04 1000 | 2027-05-01 | |
| a4 | 69300 | none | 2025-06-01 800; 2027-05-05 2000 | | |
| a5 | 38000 | no | 2027-04-20 4000 (its first ever) | 2026-12-30 | 2026-12-31 22:30Z -> 31 Dec 23:30 |
| a6 | 75001 (IDF) | no | 2027-04-01 9999 | | 2027-02-01 |

Julie's action (week 18, département 69) visits a1 (3 May), a4 (4 May) and a3 twice (5 and 6 May).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest

from pac_core.engine import EngineSettings, evaluate
from pac_core.kpi_vocabulary import BY_ID, VOCABULARY, resolve
from pac_core.plan import AxisState, AxisStatus, Segment, SegmentKind
from pac_core.records import Deal, DealStage, Records
from pac_core.results import KpiValue
from pac_core.scopes import Condition, Scope
from pac_core.snapshots import evaluation_from_payload, snapshot_payload
from pac_core.window import Window
from tests.unit.test_engine_support import (
    DORMANT,
    IN_69,
    PARIS,
    USERS,
    account,
    action,
    axis,
    plan,
    utc,
    visit,
    won,
)

AS_OF = datetime(2027, 5, 20, 12, tzinfo=PARIS)
ARA = Scope((Condition("region", "in", ("Auvergne-Rhône-Alpes",), "région ARA"),))


def _records() -> Records:
    accounts = (
        account("a1", "69003", dormant=True), account("a2", "69100", dormant=True),
        account("a3", "69200", dormant=False), account("a4", "69300", dormant=None),
        account("a5", "38000", dormant=False),
        account("a6", "75001", dormant=False, region="Île-de-France"),
    )
    deals = (
        won("w1-old", "a1", "900", date(2024, 1, 10)),
        replace(won("d1", "a1", "5000", date(2027, 3, 10)), created_at=utc(12, 31, 23, 30, year=2026)),
        replace(won("d-open", "a2", "7000", date(2027, 9, 1), stage=DealStage.OPEN), created_at=utc(3, 31, 22, 30)),
        won("l2", "a2", "100", date(2027, 4, 1), stage=DealStage.LOST),
        won("w3-old", "a3", "700", date(2026, 6, 1)),
        won("w3a", "a3", "3000", date(2027, 2, 1)),
        won("w3b", "a3", "1000", date(2027, 5, 4)),
        won("l3", "a3", "100", date(2027, 5, 1), stage=DealStage.LOST),
        won("w4-old", "a4", "800", date(2025, 6, 1)),
        won("w4", "a4", "2000", date(2027, 5, 5)),
        replace(won("w5", "a5", "4000", date(2027, 4, 20)), created_at=utc(12, 31, 22, 30, year=2026)),
        won("l5", "a5", "100", date(2026, 12, 30), stage=DealStage.LOST),
        replace(won("w6", "a6", "9999", date(2027, 4, 1)), created_at=utc(2, 1, 9)),
    )
    activities = (
        visit("v1", "a1", utc(5, 3, 7, 30)), visit("v2", "a4", utc(5, 4, 8)),
        visit("v3", "a3", utc(5, 5, 9)), visit("v4", "a3", utc(5, 6, 9)),
    )
    return Records(accounts=accounts, activities=activities, deals=deals, users=USERS)


def _plan():
    segment = Segment("SEG-ARA", "Auvergne-Rhône-Alpes", SegmentKind.HORIZONTAL, ARA)
    the_axis = axis("AX-69", "SEG-ARA", scope=IN_69)
    return plan(action(axis_id="AX-69", scope=IN_69), axes=(the_axis,), segments=(segment,))


def _values(rows: tuple[KpiValue, ...]) -> dict[str, tuple[Decimal | None, Decimal | None, Decimal | None]]:
    return {v.kpi: (v.value, v.numerator, v.denominator) for v in rows}


D = Decimal


class TestVocabulary:
    @pytest.mark.parametrize(("name", "kpi"), [
        ("taux de réactivation", "reactivation_rate"), ("Taux de reactivation", "reactivation_rate"),
        ("reactivation rate", "reactivation_rate"), ("reactivation_rate", "reactivation_rate"),
        ("taux de transformation", "win_rate"), ("Win rate", "win_rate"),
        ("conversion visite-commande", "visit_to_win"), ("visit-to-win conversion", "visit_to_win"),
        ("panier moyen", "average_won_deal"), ("average won deal", "average_won_deal"),
        ("couverture du périmètre", "coverage"), ("coverage of the scope", "coverage"),
        ("nouveaux comptes", "new_accounts"), ("new accounts", "new_accounts"),
        ("CA par visite", "revenue_per_visit"), ("revenue per visit", "revenue_per_visit"),
        ("pipeline créé", "pipeline_created"), ("Pipeline created", "pipeline_created"),
    ])
    def test_french_and_english_names(self, name: str, kpi: str) -> None:
        """Each KPI of the issue is found under its French and English names, any case or accents."""
        assert resolve(name) == kpi

    def test_unknown_name(self) -> None:
        """A label outside the vocabulary resolves to nothing (the plan check reports it)."""
        assert resolve("bonne humeur de l'équipe") is None

    def test_every_kpi_has_a_formula_in_both_languages(self) -> None:
        """The vocabulary documents itself: a formula per KPI, in French and English."""
        assert len(VOCABULARY) >= 8
        assert all(k.formula("fr") and k.formula("en") and k.unit in ("ratio", "money", "count") for k in VOCABULARY)


class TestMeasuredPerAxisAndSegment:
    def test_axis_kpis_by_hand(self) -> None:
        """The axis (département 69: a1-a4) over 2027 to 20 May: every KPI as computed by hand."""
        got = _values(evaluate(_plan(), _records(), as_of=AS_OF).axis("AX-69").kpis)
        assert got["reactivation_rate"] == (D(2) / D(3), D(2), D(3))     # a1, a4 of dormant a1, a2, a4
        assert got["win_rate"] == (D(4) / D(6), D(4), D(6))              # d1, w3a, w3b, w4 / + l2, l3
        assert got["visit_to_win"] == (D(1) / D(3), D(1), D(3))          # a4 won the day after its visit
        assert got["average_won_deal"] == (D(2750), D(11000), D(4))
        assert got["coverage"] == (D(3) / D(4), D(3), D(4))
        assert got["new_accounts"][0] == 0
        assert got["revenue_per_visit"] == (D(11000) / D(3), D(11000), D(3))   # the repeat visit to a3 is no count
        assert got["pipeline_created"][0] == D(12000)                    # d1 (1 Jan in Paris) + d-open
        assert got["accounts_visited"][0] == 3 and got["activities_done"][0] == 3
        assert got["won_deals"][0] == 4 and got["revenue"][0] == D(11000)

    def test_segment_kpis_by_hand(self) -> None:
        """The segment (région ARA: a1-a5) over the plan's period: a5 adds a new account and a won deal."""
        got = _values(evaluate(_plan(), _records(), as_of=AS_OF).segments[0].kpis)
        assert got["reactivation_rate"] == (D(2) / D(3), D(2), D(3))
        assert got["win_rate"] == (D(5) / D(7), D(5), D(7))               # l5 closed in 2026: not counted
        assert got["average_won_deal"] == (D(3000), D(15000), D(5))
        assert got["coverage"] == (D(3) / D(5), D(3), D(5))
        assert got["new_accounts"][0] == 1                               # a5, first won deal ever in April
        assert got["pipeline_created"][0] == D(12000)                    # w5 created 31 Dec in Paris: out
        assert got["revenue"][0] == D(15000)

    def test_scope_dormancy_rule_defines_the_dormant(self) -> None:
        """An axis whose scope is 'dormant 12 months' counts its own accounts as the dormant ones (a1 and a4 won a
        deal before 2026 and none in 2026; a3 won one in 2026; a2 never won one: a prospect), whatever the CRM
        flags."""
        dormant_axis = axis("AX-69", "SEG-ARA", scope=IN_69 & Scope((Condition("dormant", "dormant_months", (12,)),)))
        the_plan = replace(_plan(), axes=(dormant_axis,))
        got = _values(evaluate(the_plan, _records(), as_of=AS_OF).axis("AX-69").kpis)
        assert got["reactivation_rate"] == (D(1), D(2), D(2))

    def test_an_active_customers_scope_has_no_dormant_to_reactivate(self) -> None:
        """An axis on active customers (``dormant: false``: a3, a5, a6 by their flags, none in 69 but a3) has no
        dormant account, so no reactivation rate: its own members are not its "dormant" ones (was 1 / 1: a3, an
        active customer winning a deal, read as a reactivation)."""
        active_axis = axis("AX-69", "SEG-ARA", scope=IN_69 & Scope((Condition("dormant", "is", (False,), "actifs"),)))
        got = _values(evaluate(replace(_plan(), axes=(active_axis,)), _records(), as_of=AS_OF).axis("AX-69").kpis)
        assert got["reactivation_rate"] == (None, D(0), D(0))

    def test_an_account_the_crm_flags_dormant_is_reactivated_not_new(self) -> None:
        """a2 is flagged dormant by the CRM (a customer whose orders predate the CRM) and wins its first CRM deal in
        May: a reactivation, not also a new account (was counted as both)."""
        records = _records()
        records = replace(records, deals=(*records.deals, won("w2", "a2", "600", date(2027, 5, 8))))
        before = _values(evaluate(_plan(), _records(), as_of=AS_OF).axis("AX-69").kpis)
        got = _values(evaluate(_plan(), records, as_of=AS_OF).axis("AX-69").kpis)
        assert got["reactivation_rate"][1] == before["reactivation_rate"][1] + 1
        assert got["new_accounts"][0] == before["new_accounts"][0]

    def test_a_prospect_that_never_bought_is_not_dormant(self) -> None:
        """a7 (69, no CRM flag) had no won deal before 2027: a prospect, not a dormant customer. Its first order
        (10 May) is a new account, not a reactivation, and its visit does not count for « visiter des clients
        dormants » (audit E F2: 3 / 4 reactivated and 3 dormant visits, a7 counted twice over)."""
        records = _records()
        records = replace(records, accounts=(*records.accounts, account("a7", "69400", dormant=None)),
                          deals=(*records.deals, won("w7", "a7", "500", date(2027, 5, 10))),
                          activities=(*records.activities, visit("v7", "a7", utc(5, 6, 14))))
        dormant_visits = action(axis_id="AX-69", scope=IN_69 & Scope((DORMANT,)))
        the_plan = replace(_plan(), actions=(dormant_visits,))
        evaluation = evaluate(the_plan, records, as_of=AS_OF)
        got = _values(evaluation.axis("AX-69").kpis)
        assert got["reactivation_rate"] == (D(2) / D(3), D(2), D(3))     # a1, a4 of dormant a1, a2, a4
        assert got["new_accounts"][0] == 1                               # a7
        assert evaluation.action("A-01").done == 2                       # a1 (flag), a4 (won in 2025); not a7
        rule_axis = axis("AX-69", "SEG-ARA", scope=IN_69 & Scope((Condition("dormant", "dormant_months", (12,)),)))
        by_rule = evaluate(replace(the_plan, axes=(rule_axis,)), records, as_of=AS_OF)
        got = _values(by_rule.axis("AX-69").kpis)
        assert got["reactivation_rate"] == (D(1), D(2), D(2))             # a1 (won 2024), a4 (2025); not a2, a7
        assert got["new_accounts"][0] == 0

    def test_a_won_deal_with_no_amount_is_left_out_of_the_average(self) -> None:
        """w4 (a4, 5 May) has no amount: unknown, not a 0 € order. The average won deal is 9 000 / 3 = 3 000 (d1
        5 000, w3a 3 000, w3b 1 000), one deal left out; it is still a won deal of won_deals and win_rate
        (audit E F3: 9 000 / 4 = 2 250)."""
        records = _records()
        records = replace(records, deals=tuple(replace(d, amount=None) if d.id == "w4" else d for d in records.deals))
        evaluation = evaluate(_plan(), records, as_of=AS_OF)
        values = {v.kpi: v for v in evaluation.axis("AX-69").kpis}
        average = values["average_won_deal"]
        assert (average.value, average.numerator, average.denominator, average.excluded) == (D(3000), D(9000), D(3), 1)
        assert values["won_deals"].value == 4
        assert (values["win_rate"].numerator, values["win_rate"].denominator) == (D(4), D(6))
        segment = {v.kpi: v for v in evaluation.segments[0].kpis}["average_won_deal"]
        assert (segment.value, segment.denominator, segment.excluded) == (D(13000) / D(4), D(4), 1)   # + w5 4 000
        everything_missing = replace(records, deals=tuple(replace(d, amount=None) for d in records.deals))
        none_known = {v.kpi: v for v in evaluate(_plan(), everything_missing, as_of=AS_OF).axis("AX-69").kpis}
        assert (none_known["average_won_deal"].value, none_known["average_won_deal"].excluded) == (None, 4)

    def test_empty_denominators_are_none(self) -> None:
        """No deal closed, no visit: ratios are None (unknown), not 0."""
        records = replace(_records(), deals=(), activities=())
        got = _values(evaluate(_plan(), records, as_of=AS_OF).axis("AX-69").kpis)
        assert got["win_rate"] == (None, D(0), D(0))
        assert got["visit_to_win"][0] is None and got["revenue_per_visit"][0] is None

    def test_snapshot_round_trip(self) -> None:
        """KPIs survive the snapshot payload (monthly and quarterly snapshots) exactly."""
        evaluation = evaluate(_plan(), _records(), as_of=AS_OF)
        assert evaluation_from_payload(snapshot_payload(evaluation)) == evaluation
        assert set(BY_ID) == {v.kpi for v in evaluation.axes[0].kpis}


    def test_money_keeps_the_exponent_of_a_decimal_sum(self) -> None:
        """Money KPIs, revenue and totals (summed on arrays) are Python's Decimal sums from zero, exponent
        included: amounts with cents, with a positive exponent and in USD (rate 0.92) keep their quantum."""
        deals = (
            replace(won("d1", "a1", "5000.50", date(2027, 3, 10)), created_at=utc(2, 1, 9)),
            replace(won("d2", "a3", "2E+3", date(2027, 2, 1)), created_at=utc(2, 2, 9)),
            replace(won("d3", "a4", "100", date(2027, 5, 5), currency="USD"), created_at=utc(2, 3, 9)),
            won("d4", "a3", "1E+2", date(2027, 5, 4)),
        )
        records = replace(_records(), deals=deals)
        evaluation = evaluate(_plan(), records, as_of=AS_OF, settings=EngineSettings(fx_rates={"USD": D("0.92")}))
        got = _values(evaluation.axis("AX-69").kpis)
        amounts = (D("5000.50"), D("2E+3"), D("100") * D("0.92"), D("1E+2"))
        total = sum(amounts, D(0))
        assert str(got["revenue"][0]) == str(total) == "7192.50"
        assert str(got["average_won_deal"][1]) == str(total)
        assert str(got["pipeline_created"][0]) == str(sum(amounts[:3], D(0))) == "7092.50"
        assert str(evaluation.axis("AX-69").revenue) == str(total)
        assert str(evaluation.plan.revenue) == str(total)
        # whole amounts on the axis's accounts, cents elsewhere (a5, outside the axis): the axis's sums stay whole
        cents = won("d5", "a5", "10.25", date(2027, 4, 20))
        whole = evaluate(_plan(), replace(records, deals=(deals[1], deals[3], cents)), as_of=AS_OF)
        assert str(_values(whole.axis("AX-69").kpis)["revenue"][0]) == str(whole.axis("AX-69").revenue) == "2100"
        assert str(whole.segments[0].revenue) == str(D(0) + D("2E+3") + D("1E+2") + D("10.25")) == "2110.25"


class TestCredits:
    """A credit (a won deal with a negative amount: an avoir) is subtracted from the won revenue, but it is no deal won
    and no purchase (audit revenue F1, F1b): out of ``won_deals``, ``win_rate``, the average's denominator,
    reactivation, new accounts and visit-to-win. Credits added to the table: a2 -100 on 10 April 2027 (a dormant
    account never won), a3 -500 on 10 May 2027 (after its visits of 5 and 6 May), a5 -300 on 1 December 2026 (before
    its first order)."""

    def _evaluate(self):
        credits = (won("c2", "a2", "-100", date(2027, 4, 10)), won("c3", "a3", "-500", date(2027, 5, 10)),
                   won("c5", "a5", "-300", date(2026, 12, 1)))
        records = _records()
        return evaluate(_plan(), replace(records, deals=records.deals + credits), as_of=AS_OF)

    def test_axis(self) -> None:
        """Revenue 11,000 - 600; 4 won deals of 6 closed, average 11,000 / 4 (the deals' own amounts: a credit
        reduces revenue, not the average deal, audit reverify N3; was 10,400 / 4); a2 is not reactivated by its
        credit nor a3 converted by its own (was: both credits rejected, revenue 11,000; 3 / 3 dormant reactivated;
        2 / 3 converted)."""
        evaluation = self._evaluate()
        got = _values(evaluation.axis("AX-69").kpis)
        assert evaluation.axis("AX-69").revenue == D(10400) and got["revenue"][0] == D(10400)
        assert got["won_deals"][0] == 4
        assert got["win_rate"] == (D(4) / D(6), D(4), D(6))
        assert got["average_won_deal"] == (D(2750), D(11000), D(4))
        assert got["reactivation_rate"] == (D(2) / D(3), D(2), D(3))
        assert got["visit_to_win"] == (D(1) / D(3), D(1), D(3))
        assert {w.record_id for w in evaluation.warnings if w.rule == "credit"} == {"c2", "c3", "c5"}

    def test_segment(self) -> None:
        """a5's credit of December 2026 is no first purchase: its April 2027 order still makes it a new account (was 0:
        the credit's close date was its first won deal)."""
        got = _values(self._evaluate().segments[0].kpis)
        assert got["revenue"][0] == D(14400)
        assert got["win_rate"] == (D(5) / D(7), D(5), D(7))
        assert got["average_won_deal"] == (D(3000), D(15000), D(5))   # 14,400 + 600 of credits
        assert got["new_accounts"][0] == 1


class TestDealWithoutAmountButLines:
    """A won deal with no amount but priced line items (HubSpot: "when importing line items, the associated deal
    amount will not be updated"): it is worth its lines (audit revenue F2), never "left out, no amount" on a scope that
    counted its lines. d1: no amount, line MAINT 6,000; d2: 4,000, line MAINT 4,000; d3: no amount, a MAINT line with
    no amount either (unknown: left out of the average)."""

    def test_average_counts_it(self) -> None:
        from pac_core.records import DealLine

        def maint(amount):
            return (DealLine("MAINT", D(1), None if amount is None else D(amount), code="MAINT"),)

        deals = (won("d1", "a1", None, date(2027, 3, 10), lines=maint("6000")),
                 won("d2", "a1", "4000", date(2027, 3, 11), lines=maint("4000")),
                 won("d3", "a1", None, date(2027, 3, 12), lines=maint(None)))
        product = axis("AX-MAINT", "SEG-ARA", scope=IN_69 & Scope((Condition("product_code", "in", ("MAINT",)),)))
        the_plan = replace(_plan(), axes=(*_plan().axes, product))
        evaluation = evaluate(the_plan, replace(_records(), deals=deals, activities=()), as_of=AS_OF)
        for axis_id in ("AX-69", "AX-MAINT"):
            kpis = {v.kpi: v for v in evaluation.axis(axis_id).kpis}
            average = kpis["average_won_deal"]
            assert (average.value, average.numerator, average.denominator, average.excluded) == (
                D(5000), D(10000), D(2), 1), axis_id


class TestLostDealsOnTheirLocalDay:
    """A lost deal closed at a CRM instant (HubSpot ``closedate``; ``close_date`` its UTC date, as the connectors
    store it) counts in ``win_rate`` on its day in the plan's timezone, as won deals do. The axis's objective is
    April 2027 (evaluated on 20 May), the segment's span 1 January - 20 May 2027; one won deal on 15 April."""

    APRIL = Window(datetime(2027, 4, 1, tzinfo=PARIS), datetime(2027, 5, 1, tzinfo=PARIS), "avril")

    def _win_rates(self, *lost: Deal) -> tuple[tuple[Decimal | None, ...], tuple[Decimal | None, ...]]:
        the_plan = _plan()
        the_axis = the_plan.axes[0]
        assert the_axis.objective is not None
        april_axis = replace(the_axis, objective=replace(the_axis.objective, period=self.APRIL))
        deals = (won("w", "a1", "1000", date(2027, 4, 15)), *lost)
        records = replace(_records(), deals=deals, activities=())
        evaluation = evaluate(replace(the_plan, axes=(april_axis,)), records, as_of=AS_OF)
        return (_values(evaluation.axis("AX-69").kpis)["win_rate"][1:],
                _values(evaluation.segments[0].kpis)["win_rate"][1:])

    @staticmethod
    def _lost(ident: str, closed_at: datetime) -> Deal:
        return replace(won(ident, "a1", "100", closed_at.date(), stage=DealStage.LOST), closed_at=closed_at)

    def test_just_after_midnight_paris_counts_on_the_new_day(self) -> None:
        """Lost at 00:30 in Paris on 1 April (22:30 UTC on 31 March): an April loss, 1 won / (1 + 1 lost) on the
        axis. Lost at 00:30 in Paris on 1 January 2027 (23:30 UTC on 31 December 2026): a 2027 loss for the
        segment, 1 won / (1 + 2 lost), and not an April one."""
        axis_rate, segment_rate = self._win_rates(self._lost("l-apr", utc(3, 31, 22, 30)),
                                                  self._lost("l-jan", utc(12, 31, 23, 30, year=2026)))
        assert axis_rate == (D(1), D(2))
        assert segment_rate == (D(1), D(3))

    def test_just_after_midnight_paris_is_not_the_day_before(self) -> None:
        """Lost at 00:30 in Paris on 1 May (22:30 UTC on 30 April): a May loss, not April's: 1 won / 1 on the axis;
        the segment (to 20 May) counts it: 1 won / (1 + 1 lost)."""
        axis_rate, segment_rate = self._win_rates(self._lost("l-may", utc(4, 30, 22, 30)))
        assert axis_rate == (D(1), D(1))
        assert segment_rate == (D(1), D(2))


class TestAfterThePlansEnd:
    """The nightly sync keeps syncing an ended plan for late entries (``schedule.after_end_days``) and evaluates it on
    its clock, after the period (audit janmeet F1): its figures must be those of the period's end, which the report
    shows. Julie visits a1 (6 Dec 2027), a3 (20 Dec) and a4 (28 Dec); a1 is won on 15 December 2027, a3 on
    6 January 2028 and a4 on 3 March 2028, both within 90 days of their visit but deals of the next year, outside the
    plan's revenue: the conversion is 1 / 3 whenever the 2027 plan is evaluated (it read 2 / 3 on 12 January, 3 / 3
    in March)."""

    END = datetime(2028, 1, 1, tzinfo=PARIS)
    DECEMBER = Window(datetime(2027, 12, 1, tzinfo=PARIS), END, "décembre")

    def _evaluate(self, as_of: datetime, the_plan=None):
        deals = (won("w1", "a1", "5000", date(2027, 12, 15)), won("w3", "a3", "7000", date(2028, 1, 6)),
                 won("w4", "a4", "2000", date(2028, 3, 3)), won("b1", "a1", "1000", date(2026, 12, 15)))
        activities = (visit("v1", "a1", utc(12, 6, 9)), visit("v3", "a3", utc(12, 20, 9)),
                      visit("v4", "a4", utc(12, 28, 9)))
        records = replace(_records(), deals=deals, activities=activities)
        if the_plan is None:
            segment = Segment("SEG-ARA", "Auvergne-Rhône-Alpes", SegmentKind.HORIZONTAL, ARA)
            the_plan = plan(action(axis_id="AX-69", scope=IN_69, window=self.DECEMBER),
                            axes=(axis("AX-69", "SEG-ARA", scope=IN_69),), segments=(segment,))
        return evaluate(the_plan, records, as_of=as_of)

    @pytest.mark.parametrize("later", [datetime(2028, 1, 12, 3, tzinfo=PARIS), datetime(2028, 3, 15, tzinfo=PARIS)])
    def test_conversion_counts_no_win_after_the_plans_end(self, later: datetime) -> None:
        """Visit-to-win 1 / 3 on the axis and on the segment, at the period's end and after it (seen failing before
        the fix: 2 / 3 on 12 January, 3 / 3 on 15 March)."""
        for evaluation in (self._evaluate(self.END), self._evaluate(later)):
            assert _values(evaluation.axis("AX-69").kpis)["visit_to_win"] == (D(1) / D(3), D(1), D(3))
            assert _values(evaluation.segments[0].kpis)["visit_to_win"] == (D(1) / D(3), D(1), D(3))

    def test_every_figure_after_the_end_is_the_periods_end(self) -> None:
        """Axes, segments, plan totals and actions evaluated on 12 January 2028 equal those at 1 January 00:00 (the
        report's instant once the plan is over): no KPI reads a day past the plan."""
        end, later = self._evaluate(self.END), self._evaluate(datetime(2028, 1, 12, 3, tzinfo=PARIS))
        assert end.axes and end.segments and end.actions
        assert (later.axes, later.segments, later.plan, later.actions) == (end.axes, end.segments, end.plan,
                                                                             end.actions)

    def test_an_axis_suspended_past_the_plans_end_stays_out(self) -> None:
        """An axis suspended until 5 January 2028 was out of the 2027 plan to its last day: still out (and the plan's
        totals without it) when the sync evaluates the ended plan on 12 January (seen failing before the fix:
        ``left_out`` empty on 12 January, the axis's revenue back in the totals)."""
        segment = Segment("SEG-ARA", "Auvergne-Rhône-Alpes", SegmentKind.HORIZONTAL, ARA)
        suspended = AxisStatus(AxisState.SUSPENDED, until=date(2028, 1, 5), reason="salon reporté")
        the_plan = plan(action(axis_id="AX-69", scope=IN_69, window=self.DECEMBER),
                        axes=(axis("AX-69", "SEG-ARA", scope=IN_69),
                              axis("AX-S", "SEG-ARA", scope=IN_69, status=suspended)), segments=(segment,))
        end = self._evaluate(self.END, the_plan)
        later = self._evaluate(datetime(2028, 1, 12, 3, tzinfo=PARIS), the_plan)
        assert end.plan is not None and end.plan.left_out == ("AX-S",)
        assert (later.plan, later.axes, later.segments) == (end.plan, end.axes, end.segments)


class TestWinRateCurrencyWithoutRate:
    """``win_rate`` compares one population (audit kpioracle D1, 7 Dec 2026): a won deal in a currency no rate
    converts is rejected (``unknown_currency``) and in no KPI until its rate is added, so a lost deal in that currency
    is left out too. Lyon A (a3, 69) won GBP 3,000 on 10 March and EUR 2,000 on 5 April, lost GBP 900 on 20 March and
    EUR 100 on 1 April; no GBP rate. A manager counts the deals pac can read: 1 won / (1 + 1 lost) = 50 %, not
    1 / (1 + 2) = 33 %, the GBP loss counted beside its GBP win left out. With the rate (0.86) every deal counts:
    2 / 4."""

    DEALS = (won("w-gbp", "a3", "3000", date(2027, 3, 10), currency="GBP"),
             won("w-eur", "a3", "2000", date(2027, 4, 5)),
             won("l-gbp", "a3", "900", date(2027, 3, 20), currency="GBP", stage=DealStage.LOST),
             won("l-eur", "a3", "100", date(2027, 4, 1), stage=DealStage.LOST))

    def _win_rates(self, settings: EngineSettings) -> list[tuple[Decimal | None, ...]]:
        evaluation = evaluate(_plan(), replace(_records(), deals=self.DEALS, activities=()), as_of=AS_OF,
                              settings=settings)
        return [_values(evaluation.axis("AX-69").kpis)["win_rate"], _values(evaluation.segments[0].kpis)["win_rate"]]

    def test_a_loss_in_a_currency_without_rate_is_left_out_as_its_wins_are(self) -> None:
        assert self._win_rates(EngineSettings()) == [(D(1) / D(2), D(1), D(2))] * 2

    def test_with_the_rate_every_deal_counts(self) -> None:
        assert self._win_rates(EngineSettings(fx_rates={"GBP": D("0.86")})) == [(D(2) / D(4), D(2), D(4))] * 2
