"""Inline SVG charts: bounded bars, ranking order, escaped labels."""

import re
from decimal import Decimal

import pytest

from sync_jobs.report import charts
from sync_jobs.report.fmt import Formatter

FR = Formatter("fr")


class TestProgressBar:
    def test_fill_is_clamped_to_the_track(self) -> None:
        """Above 100 % the bar is full, never longer than its track; below 0 it is empty."""
        assert 'width="110.0"' in charts.progress_bar(1.8, 0.5, "done")
        assert 'width="0.0"' in charts.progress_bar(-0.3, None, "late")

    def test_expected_tick_only_inside_the_window(self) -> None:
        """The 'expected by now' tick is drawn only strictly between 0 and 100 %."""
        assert charts.progress_bar(0.2, 0.5, "at_risk").count("<rect") == 3
        assert charts.progress_bar(0.2, 1.0, "late").count("<rect") == 2


class TestRanking:
    def test_best_roi_first_and_unknown_last(self) -> None:
        """Axes are ranked by ROI, highest first; an axis without ROI comes last, unranked."""
        svg = charts.ranking([("B", 0.1), ("None", None), ("A", 1.2), ("C", -0.4)], FR, title="ROI")
        order = [svg.index(f". {name}<") for name in "ABC"]
        assert order == sorted(order)
        assert svg.index("1. A<") < svg.index("–. None<")

    def test_no_cost_axes_are_listed_apart_after_the_ranking(self) -> None:
        """An axis with no cost has no ROI to rank: it is listed after the ranked axes as « sans coût », with no
        rank, never as the last of the ranking below an axis at -310 % (audit E F5); unknown ROIs come after it."""
        svg = charts.ranking([("A", 0.4), ("C", -3.1), ("None", None)], FR, title="ROI", free=["Libre"])
        assert svg.index("1. A<") < svg.index("2. C<") < svg.index("· Libre<") < svg.index("–. None<")
        assert "3. Libre" not in svg and "sans coût" in svg

    def test_labels_are_escaped(self) -> None:
        """An axis named like markup is drawn as text."""
        svg = charts.ranking([("<script>alert(1)</script>", 0.5)], FR, title="<b>")
        assert "<script>" not in svg and "&lt;script&gt;" in svg


class TestTrend:
    def test_one_column_per_point_and_a_target_line(self) -> None:
        """Each period is a column with its figure; the target is a dashed line."""
        svg = charts.trend_chart([("2027-Q1", Decimal(100000)), ("2027-Q2", Decimal(250000))], Decimal(400000),
                                 FR, title="t", legend=("CA", "Cible"))
        assert ">T1 2027</text>" in svg and ">T2 2027</text>" in svg
        assert "stroke-dasharray" in svg
        assert "250\u00a0k€" in svg

    def test_axis_ticks_are_round(self) -> None:
        """Ticks step by 1, 2, 2.5 or 5 times a power of ten."""
        assert charts.nice_step(542_000) == 1_000_000
        assert charts.nice_step(180_000) == 200_000
        assert charts.nice_step(0.0) == 1.0


class TestTrendTicks:
    """The y-axis of a segment's trend chart reads whole, distinct amounts (audit F6: a segment with no revenue
    read « 0 €, 0 €, 1 €, 1 €, 1 €, 1 € »)."""

    @staticmethod
    def _ticks(points, target=None) -> list[str]:
        svg = charts.trend_chart(points, target, FR, title="t", legend=("CA", "Cible"))
        return re.findall(r'<text x="58" y="[\d.]+" text-anchor="end" font-size="11" fill="#5b6b82">([^<]*)<', svg)

    def test_no_revenue_and_no_target_is_one_tick_at_zero(self) -> None:
        assert self._ticks([("2027-Q2", Decimal(0)), ("2027-Q3", Decimal(0))]) == ["0\u00a0€"]

    def test_small_amounts_step_by_whole_units(self) -> None:
        """3 € at most: 0, 1, 2, 3, 4 €; 11 €: 0, 5, 10, 15 €, never 2.5 € steps written rounded (3, 5, 8 €)."""
        ticks = self._ticks([("2027-Q2", Decimal(3))])
        assert ticks == [f"{n}\u00a0€" for n in range(5)]
        assert self._ticks([("2027-Q2", Decimal(11))]) == [f"{n}\u00a0€" for n in (0, 5, 10, 15)]

    def test_a_target_alone_gives_the_scale(self) -> None:
        """Nothing won yet against a 10,000 € target: the scale reaches the target."""
        ticks = self._ticks([("2027-Q2", Decimal(0))], Decimal(10_000))
        assert ticks[0] == "0\u00a0€" and ticks[-1] == "12,5\u00a0k€" and len(ticks) == len(set(ticks))


class TestRankingScale:
    def test_an_outlier_is_cut_so_the_others_stay_readable(self) -> None:
        """An ROI far above the others is drawn cut (with a chevron) at twice the next one."""
        svg = charts.ranking([("A", 64.0), ("B", 2.4), ("C", 1.2)], FR, title="ROI")
        widths = [float(w) for w in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"', svg)]
        assert widths[0] == pytest.approx(2 * widths[1], rel=0.01)
        assert "<path" in svg and ">6\u202f400\u00a0%<" in svg
