"""A figure that rounds onto a threshold the advisor compares it with reads on its own side of it (decided 7 Dec 2026,
audit nearthreshold; docs/report.md, *One figure, one number*). Expectations written by hand before the code."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from pac_core.money import NBSP, decimals_apart
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.page import formatter_for
from sync_jobs.report.sections_plan import axes, overview, segments
from sync_jobs.report.workbook import FIRST_ROW
from sync_jobs.report.workbook import write as write_xlsx
from sync_jobs.report_inputs import ReportInputs
from tests.unit.test_totals import second_quarter_axis

# the advisor's defaults (EngineSettings): ROI rolled out at >= 50 %, dropped below 0 %; a segment prioritised at
# a trend <= -10 %, a target of a roll-out below +5 %
ROI = ((0.5, True), (0.0, True))
TREND = ((0.05, True), (-0.10, False))


@pytest.mark.parametrize(("ratio", "limits", "decimals"), [
    (0.4996, ROI, 2),        # 50 % / 50,0 % would read as meeting the roll-out's 50 %
    (0.4994, ROI, 1),        # 49,9 %
    (0.5004, ROI, 0),        # 50 %: met, and it is
    (0.5, ROI, 0),
    (0.43, ROI, 0),
    (-0.003, ROI, 1),        # -0,3 %: below 0 %, dropped, not « 0 % »
    (0.004, ROI, 0),         # 0 %: not below 0, and it is not
    (-0.0999, TREND, 2),     # -9,99 %: not the -10 % that prioritises
    (-0.1004, TREND, 0),     # -10 %: met, and it is
    (0.04996, TREND, 2),     # 5 % would read as not lagging (< 5 %)
    (0.0504, TREND, 0),
    (-0.09999999, TREND, 2),  # still -10,00 % at two decimals: rounded towards its own side
])
def test_decimals_apart(ratio: float, limits: tuple[tuple[float, bool], ...], decimals: int) -> None:
    assert decimals_apart(ratio, limits) == decimals


def test_formatter_roi_and_trend_fr_en() -> None:
    fr = Formatter(lang="fr", roi_limits=ROI, trend_limits=TREND)
    en = Formatter(lang="en", roi_limits=ROI, trend_limits=TREND)
    assert fr.roi(0.4996, Decimal(100)) == f"49,96{NBSP}%"
    assert en.roi(0.4996, Decimal(100)) == "49.96%"
    assert fr.roi(0.5004, Decimal(100)) == f"50{NBSP}%"
    assert fr.roi(-0.003, Decimal(100)) == f"−0,3{NBSP}%"
    assert fr.change_near(-0.0999) == f"−9,99{NBSP}%"
    assert en.change_near(-0.0999) == "−9.99%"
    assert fr.change_near(-0.1004) == f"−10{NBSP}%"
    assert en.change_near(0.04996) == "+4.99%"      # +5% would read as growing enough
    assert fr.change_near(-0.09999999) == f"−9,99{NBSP}%"
    # without limits (a formatter not told the advisor's thresholds) nothing moves
    assert Formatter(lang="fr").roi(0.4996, Decimal(100)) == f"50{NBSP}%"


def _inputs(trend: float, roi: float) -> ReportInputs:
    p, ev = second_quarter_axis()
    segs = tuple(replace(s, trend=trend) for s in ev.segments)
    axes = tuple(replace(a, roi=roi) for a in ev.axes)
    return ReportInputs(p, replace(ev, segments=segs, axes=axes))


@pytest.mark.parametrize(("lang", "trend", "roi"), [("fr", f"−9,99{NBSP}%", f"49,96{NBSP}%"),
                                                    ("en", "−9.99%", "49.96%")])
def test_cards_and_tables_read_a_figure_just_short_of_a_threshold(lang: str, trend: str, roi: str) -> None:
    """A segment at -9.99 % is not prioritised (-10 %), its card does not read « -10 % »; an axis at a ROI of
    49.96 % is not rolled out (50 %), the overview and the Axes table do not read « 50 % »."""
    inputs = _inputs(-0.0999, 0.4996)
    fmt = formatter_for(inputs, lang)
    assert trend in segments(inputs, fmt)
    assert roi in overview(inputs, fmt)
    assert roi in axes(inputs, fmt)


def test_a_figure_on_its_threshold_side_is_rounded_once() -> None:
    inputs = _inputs(-0.1004, 0.5004)
    fmt = formatter_for(inputs, "fr")
    assert f"−10{NBSP}%" in segments(inputs, fmt)
    assert f"50{NBSP}%" in axes(inputs, fmt) and "50,04" not in axes(inputs, fmt)


def _cell(sheet: Any, header: str, row: int = 0) -> Any:
    headers = [c.value for c in sheet[FIRST_ROW]]
    return sheet.cell(FIRST_ROW + 1 + row, headers.index(header) + 1)


def test_the_workbook_shows_the_decimals_that_keep_a_figure_short(tmp_path: Path) -> None:
    """The Segments sheet's trend and the Axes sheet's ROI read « -9,99 % » and « 49,96 % » in Excel (formats
    0.00 %); a figure on its side keeps the one-figure format."""
    book = openpyxl.load_workbook(write_xlsx(_inputs(-0.0999, 0.4996), tmp_path / "r.xlsx", "en"))
    assert _cell(book["Segments"], "Trend").number_format == "+0.00%;-0.00%;0.00%"
    assert _cell(book["Axes"], "ROI to date").number_format == "0.00%"
    book = openpyxl.load_workbook(write_xlsx(_inputs(-0.1004, 0.5004), tmp_path / "s.xlsx", "en"))
    assert _cell(book["Segments"], "Trend").number_format == "+0%;-0%;0%"
    assert _cell(book["Axes"], "ROI to date").number_format == "0%"


@pytest.mark.parametrize(("lang", "months", "text"), [
    ("fr", 6.04, f"6,04{NBSP}mois"),       # not paid back within 6 months: not « 6 mois »
    ("en", 6.04, "6.04 months".replace(" ", NBSP)),
    ("fr", 5.96, f"6{NBSP}mois"),          # paid back within 6, and it reads so
    ("fr", 6.0, f"6{NBSP}mois"),
    ("fr", 6.2, f"6,2{NBSP}mois"),
])
def test_a_payback_just_over_the_roll_outs_months(lang: str, months: float, text: str) -> None:
    fmt = Formatter(lang=lang, payback_limits=((6.0, False),))
    assert fmt.payback(months, Decimal(100)) == text


def test_the_axes_table_and_sheet_read_a_payback_just_over_six_months(tmp_path: Path) -> None:
    p, ev = second_quarter_axis()
    inputs = ReportInputs(p, replace(ev, axes=tuple(replace(a, time_to_roi_months=6.04) for a in ev.axes)))
    assert f"6,04{NBSP}mois" in axes(inputs, formatter_for(inputs, "fr"))
    book = openpyxl.load_workbook(write_xlsx(inputs, tmp_path / "r.xlsx", "en"))
    assert _cell(book["Axes"], "Payback (months from period start)").number_format == "0.00"


def test_the_roi_ranking_chart_reads_a_roi_just_short_of_the_roll_out() -> None:
    inputs = _inputs(-0.0999, 0.4996)
    html = axes(inputs, formatter_for(inputs, "en"))
    figure = html[html.index("<figure"):html.index("</figure>")]
    assert ">49.96%</text>" in figure and ">50%</text>" not in figure
