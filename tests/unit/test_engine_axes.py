"""Axis KPIs from the worked example: activities done, coverage, conversion, revenue per visit."""

from __future__ import annotations

from datetime import date, datetime

from pac_core.engine import EngineSettings, evaluate
from pac_core.records import Records
from pac_core.results import Pace
from tests.unit.test_engine_support import PARIS, plan, won
from tests.unit.test_engine_worked_example import ACCOUNTS, ACTIVITIES, USERS

DEFAULTS = EngineSettings()
YEAR_END = datetime(2027, 12, 31, 12, tzinfo=PARIS)
DEALS = (won("d-lyon", "lyon-a", "10000", date(2027, 6, 15)), won("d-rill", "rillieux", "5000", date(2027, 9, 30)))


def _axis(settings: EngineSettings = DEFAULTS):
    records = Records(accounts=ACCOUNTS, activities=ACTIVITIES, deals=DEALS, users=USERS)
    return evaluate(plan(), records, as_of=YEAR_END, settings=settings).axis("AX-DORMANT")


class TestAxisKpis:
    def test_activities_done_are_the_activities_its_actions_counted(self) -> None:
        """The four counted visits are the axis's four activities: the repeat visit of Lyon A, which A-01 (distinct
        accounts) does not count (`pac explain`: « compte déjà compté »), is not one (audit meeting F4: the axis read
        7 where its actions counted 6 and the CRM's PAC_Done__c said 6)."""
        evaluation = evaluate(plan(), Records(accounts=ACCOUNTS, activities=ACTIVITIES, deals=DEALS, users=USERS),
                              as_of=YEAR_END)
        assert evaluation.axis("AX-DORMANT").activities_done == 4 == sum(a.done for a in evaluation.actions)

    def test_coverage(self) -> None:
        """Four of the ten dormant accounts of the région were visited: 40 %."""
        assert _axis().coverage == 0.4

    def test_conversion_within_attribution_window(self) -> None:
        """Lyon A won 40 days after its visit (converted); Rillieux 148 days after (not): 1 of 4."""
        assert _axis().conversion == 0.25

    def test_longer_attribution_window(self) -> None:
        """With a 180-day attribution window both accounts converted: 2 of 4."""
        assert _axis(EngineSettings(attribution_days=180)).conversion == 0.5

    def test_conversion_counts_only_deals_won_by_the_evaluation_date(self) -> None:
        """As of 1 June (Lyon A's deal is won on 15 June) no visited account has converted yet, even from a store
        that holds the later deal; as of 15 June 12:00, Lyon A has."""
        records = Records(accounts=ACCOUNTS, activities=ACTIVITIES, deals=DEALS, users=USERS)
        june_1 = evaluate(plan(), records, as_of=datetime(2027, 6, 1, 12, tzinfo=PARIS)).axis("AX-DORMANT")
        june_15 = evaluate(plan(), records, as_of=datetime(2027, 6, 15, 12, tzinfo=PARIS)).axis("AX-DORMANT")
        assert (june_1.conversion, june_15.conversion) == (0.0, 0.25)

    def test_revenue_per_visit(self) -> None:
        """15,000 won in the axis scope over its four counted visits (the repeat is not one): 3,750 per visit."""
        assert _axis().revenue_per_visit == 3750

    def test_axis_without_objective_has_no_revenue_pace(self) -> None:
        """An axis with no objective has no progress, no ROI and an on-track pace while its period runs."""
        axis = _axis()
        assert (axis.progress, axis.roi, axis.pace) == (None, None, Pace.ON_TRACK)

    def test_a_product_axis_converts_on_its_products_only(self) -> None:
        """The dormant-customers axis limited to MX50 sales: Lyon A's 15 June deal is a PX200 pump, another product,
        so none of the four visited accounts converted for this axis (failed before: 1 of 4, the visit-to-win
        counted a sale its own revenue and won-deal KPIs leave out); an MX50 line in the same deal converts it."""
        from dataclasses import replace
        from decimal import Decimal

        from pac_core.records import DealLine
        from pac_core.scopes import Condition, Scope
        from tests.unit.test_engine_support import DORMANT

        base = plan()
        mx50 = Scope((DORMANT, Condition("product", "in", ("MX50",))))
        product_plan = replace(base, axes=(replace(base.axes[0], scope=mx50),))

        def conversion(lines: tuple[DealLine, ...]) -> float | None:
            deals = (replace(DEALS[0], lines=lines), DEALS[1])
            records = Records(accounts=ACCOUNTS, activities=ACTIVITIES, deals=deals, users=USERS)
            return evaluate(product_plan, records, as_of=YEAR_END).axis("AX-DORMANT").conversion

        pump = DealLine("PX200", Decimal(1), Decimal(10000), code="PX200")
        analyser = DealLine("MX50", Decimal(1), Decimal(2000), code="MX50")
        assert (conversion((pump,)), conversion((pump, analyser))) == (0.0, 0.25)
