"""KPI arithmetic: pace, forecast, ROI and time to ROI."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from pac_core import kpis
from pac_core.engine import EngineSettings
from pac_core.results import Pace
from tests.unit.test_engine_support import PARIS, WEEK_18

MID_WEEK = datetime(2027, 5, 6, 12, tzinfo=PARIS)


class TestPace:
    def test_order_of_precedence(self) -> None:
        """Inactive beats done, done beats late, late needs the window closed."""
        after = datetime(2027, 6, 1, tzinfo=PARIS)
        assert kpis.pace(5, 5, 5, WEEK_18, after, inactive=True) is Pace.INACTIVE
        assert kpis.pace(5, 5, 5, WEEK_18, after) is Pace.DONE
        assert kpis.pace(4, 5, 5, WEEK_18, after) is Pace.LATE

    def test_on_track_and_at_risk(self) -> None:
        """Mid-window, at or above the expected count is on track, below is at risk."""
        assert kpis.pace(3, 5, 2.5, WEEK_18, MID_WEEK) is Pace.ON_TRACK
        assert kpis.pace(2, 5, 2.5, WEEK_18, MID_WEEK) is Pace.AT_RISK


class TestForecast:
    def test_linear_projection(self) -> None:
        """Two done at half the window projects four."""
        assert kpis.forecast(2, 5, 0.5) == 4.0

    def test_capped(self) -> None:
        """One done after 20 % of the window does not project past 3 x target, nor past the scope size."""
        assert kpis.forecast(4, 5, 0.2) == 15.0
        assert kpis.forecast(4, 5, 0.2, ceiling=8) == 8.0

    def test_too_early(self) -> None:
        """Audit B S1: one visit 2.5 hours into a 91-day window (share 0.00114) projected 6.0 on a target of 3.
        Before 10 % of the window has elapsed there is no forecast (None), unless the target is reached."""
        assert kpis.forecast(1, 3, 2.5 / 2184, ceiling=6) is None
        assert kpis.forecast(1, 5, 0.0999) is None
        assert kpis.forecast(0, 5, 0.0) is None
        assert kpis.forecast(1, 5, 0.10) == 10.0

    def test_too_early_but_target_reached(self) -> None:
        """Target already reached early: the forecast is what is done, not projected (review: 3 visits 1 % into the
        window projected 9, the 3 x target cap, the noise the 10 % rule is there to avoid)."""
        assert kpis.forecast(3, 3, 0.01) == 3.0
        assert kpis.forecast(4, 3, 0.05) == 4.0
        assert kpis.forecast(3, 3, 0.01, ceiling=3) == 3.0
        assert kpis.forecast(2, 2, 0.0) == 2.0


class TestRoi:
    def test_roi_formula(self) -> None:
        """ROI = (additional x margin - cost) / cost."""
        assert kpis.roi(Decimal("100000"), Decimal("0.3"), Decimal("10000")) == 2.0

    def test_no_cost_has_no_payback(self) -> None:
        """A cost of 0 has nothing to pay back: no payback figure (the report says « sans coût »), not « 0 mois »
        (audit E F5)."""
        assert kpis.time_to_roi_months(Decimal("5000"), Decimal("0.3"), Decimal("0"), 6.0) is None
        assert kpis.roi(Decimal("5000"), Decimal("0.3"), Decimal("0")) is None

    def test_time_to_roi_none_without_gain(self) -> None:
        """No additional margin yet: time to ROI is unknown."""
        assert kpis.time_to_roi_months(Decimal("-5"), Decimal("0.3"), Decimal("100"), 3.0) is None

    def test_time_to_roi(self) -> None:
        """6,000 additional over 3 months at 50 % margin covers 2,000 in 2 months."""
        assert kpis.time_to_roi_months(Decimal("6000"), Decimal("0.5"), Decimal("2000"), 3.0) == 2.0

    def test_time_to_roi_exact_in_decimal(self) -> None:
        """40,006 additional at 30 % margin (12,001.80) over 5 months pays back 14,402.16 in 6 months exactly: 6.0,
        what the roll-out's "within 6 months" compares, not 6.000000000000001 (seen failing before the fix: the
        payback divided in binary floats, 12,001.80 / 5 first)."""
        assert kpis.time_to_roi_months(Decimal("40006"), Decimal("0.3"), Decimal("14402.16"), 5.0) == 6.0


class TestSettings:
    def test_numbers_from_configuration_become_exact(self) -> None:
        """Rates and capacities given as floats or text become exact Decimals; thresholds become floats."""
        s = EngineSettings(fx_rates={"usd": 0.92}, capacity={"PX200": "120"}, committed_weight=0.5, suspend_load="1")
        assert s.fx_rates["USD"] == Decimal("0.92") and s.capacity["PX200"] == Decimal("120")
        assert s.committed_weight == Decimal("0.5") and s.suspend_load == 1.0

    def test_unknown_attribution_rule(self) -> None:
        """An attribution rule other than full or split is refused with the known names."""
        with pytest.raises(ValueError, match="full"):
            EngineSettings(attribution="proportional")
