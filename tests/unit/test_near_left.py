"""A progress reads on its own side of 0 % and 100 %, and the workbook's and the CRM's exact figures on their own side
of the advisor's thresholds (decided 7 Dec 2026, audit nearleft; docs/report.md, *One figure, one number*).
Expectations written by hand before the code."""
from __future__ import annotations

import csv
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from pac_core.explain import explain_action
from pac_core.money import NBSP
from pac_core.results import Pace
from sync_jobs.diff import desired_state
from sync_jobs.notify.alerts import compute_alerts
from sync_jobs.notify.digest import render_digest
from sync_jobs.report import sections_actions
from sync_jobs.report.csv_export import write as write_csv
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.page import formatter_for, kpi_cards
from sync_jobs.report.sections_actions import actions
from sync_jobs.report.sections_plan import axes, overview
from sync_jobs.report.view import MonthPoint
from sync_jobs.report.workbook import FIRST_ROW
from sync_jobs.report.workbook import write as write_xlsx
from sync_jobs.report_inputs import ReportInputs
from sync_jobs.review import build_review, render_html, render_markdown
from tests.unit import report_fixtures as fx
from tests.unit.test_totals import second_quarter_axis


@pytest.mark.parametrize(("ratio", "fr", "en"), [
    (0.9996, "99,96", "99.96"),     # not done: not « 100 % »
    (0.9994, "99,9", "99.9"),
    (0.995, "99,5", "99.5"),        # half up to the unit would read 100
    (0.99996, "99,99", "99.99"),    # still 100,00 at two places: floored, towards its own side
    (1.0, "100", "100"),
    (1.00004, "100", "100"),        # done reads done
    (0.5, "50", "50"),
    (0.004, "0,4", "0.4"),          # begun: not « 0 % »
    (0.00004, "0,01", "0.01"),
    (-0.004, "−0,4", "−0.4"),       # an axis whose revenue is under its baseline: not « 0 % »
    (0.0, "0", "0"),
])
def test_a_progress_reads_on_its_own_side_of_0_and_100(ratio: float, fr: str, en: str) -> None:
    assert Formatter(lang="fr").progress(ratio) == f"{fr}{NBSP}%"
    assert Formatter(lang="en").progress(ratio) == f"{en}%"
    assert Formatter(lang="fr").progress(None) == "–"


def _review_at(progress: float) -> Any:
    """The August review of the fixture plan with maint-ra (at risk, among the axes in difficulty) at ``progress``."""
    ev = fx.evaluation()
    ev = replace(ev, as_of=datetime(2027, 8, 20, 18, 0, tzinfo=fx.PARIS),
                 axes=tuple(replace(a, progress=progress) if a.axis_id == "maint-ra" else a for a in ev.axes))
    return build_review(fx.plan(), ev, None, month="2027-08", previous=None, previous_source=None,
                        next_until=datetime(2027, 10, 1, tzinfo=fx.PARIS))


def test_the_reviews_axes_in_difficulty_read_an_unmet_objective_below_100() -> None:
    """maint-ra at risk at 99.96 % of its objective: « 99,96 % » in the page and the Markdown, not « 100 % »."""
    review = _review_at(0.9996)
    html, text = render_html(review, "fr"), render_markdown(review, "en")
    assert f">99,96{NBSP}%</td>" in html and f">100{NBSP}%</td>" not in html
    assert "| 99.96% |" in text and "| 100% |" not in text


def _inputs(axis_progress: float, action_progress: float, plan_progress: float | None = None) -> ReportInputs:
    p, ev = second_quarter_axis()
    ev = replace(ev, axes=tuple(replace(a, progress=axis_progress, pace=Pace.AT_RISK) for a in ev.axes),
                 actions=tuple(replace(a, progress=action_progress) for a in ev.actions))
    if plan_progress is not None and ev.plan is not None:
        ev = replace(ev, plan=replace(ev.plan, progress=plan_progress))
    return ReportInputs(p, ev)


@pytest.mark.parametrize(("lang", "shown"), [("fr", f"99,96{NBSP}%"), ("en", "99.96%")])
def test_the_reports_progress_reads_below_100_until_done(lang: str, shown: str) -> None:
    """The overview's and the Axes table's bars, the actions' table and the headline card: « 99,96 % »."""
    inputs = _inputs(0.9996, 0.9996, 0.9996)
    fmt = formatter_for(inputs, lang)
    full = "100\u00a0%" if lang == "fr" else "100%"
    for html in (overview(inputs, fmt), axes(inputs, fmt), actions(inputs, fmt)):
        assert shown in html and f">{full}<" not in html
    [note] = [c[2] for c in kpi_cards(inputs, fmt) if shown in c[2]]
    assert not note.startswith(full)


def test_pac_explain_reads_an_action_short_of_its_target_below_100() -> None:
    """The header « 2 499 / 2 500 (99,96 %) » as the report's actions table, not « (100 %) »."""
    ev = fx.evaluation()
    ev = replace(ev, actions=tuple(replace(a, progress=0.9996) if a.action_id == "A-01" else a for a in ev.actions))
    assert "(99.96%)" in explain_action(fx.plan(), ev, "A-01", lang="en").header
    assert f"(99,96{NBSP}%)" in explain_action(fx.plan(), ev, "A-01", lang="fr").header


def test_the_digest_reads_an_objective_missed_short_of_100() -> None:
    """An axis missed at 99.96 % of its objective, plan over: « 99,96 % de l'objectif à la fin du plan », not
    « 100 % » beside « Manqué »."""
    ev = fx.evaluation()
    axes_ = tuple(replace(a, pace=Pace.LATE, progress=0.9996, expected_by_now=1.0) if a.axis_id == "maint-ra" else a
                  for a in ev.axes)
    ended = replace(ev, as_of=datetime(2028, 1, 1, tzinfo=fx.PARIS), axes=axes_)
    alerts = [a for a in compute_alerts(fx.plan(), ended, [], month="2027-12") if a.subject == "maint-ra"
              and a.kind.startswith("axis")]
    assert "Manqué, 99,96 % de l'objectif" in render_digest(alerts, "fr")[1].replace(NBSP, " ")
    assert "Missed, 99.96% of the objective" in render_digest(alerts, "en")[1]



def test_the_csv_progress_reads_below_100_until_done(tmp_path: Path) -> None:
    """One decimal as a rule (« 80,0 »); 0.9996 reads 99,96, not 100,0."""
    path = write_csv(_inputs(0.5, 0.9996), tmp_path / "a.csv", "fr")
    with path.open(encoding="utf-8-sig") as f:
        header, row = list(csv.reader(f, delimiter=";"))[:2]
    assert row[header.index("Avancement (%)")] == "99,96"


def _cell(sheet: Any, header: str, row: int = 0) -> Any:
    headers = [c.value for c in sheet[FIRST_ROW]]
    return sheet.cell(FIRST_ROW + 1 + row, headers.index(header) + 1)


def test_the_workbooks_progress_cells_read_below_100_until_done(tmp_path: Path) -> None:
    """0.9996 keeps its value, formatted 0.00 % (Excel « 99,96 % », not the « 100 % » of 0 %); 0.99996, which reads
    100,00 % at two places, is written as the page shows it, 0.9999."""
    book = openpyxl.load_workbook(write_xlsx(_inputs(0.9996, 0.99996), tmp_path / "r.xlsx", "en"))
    for sheet in ("Overview", "Axes"):
        cell = _cell(book[sheet], "Progress")
        assert (cell.value, cell.number_format) == (0.9996, "0.00%")
    cell = _cell(book["Actions"], "Progress")
    assert (cell.value, cell.number_format) == (0.9999, "0.00%")
    book = openpyxl.load_workbook(write_xlsx(_inputs(0.5, 1.0), tmp_path / "s.xlsx", "en"))
    assert _cell(book["Axes"], "Progress").number_format == "0%"
    assert (_cell(book["Actions"], "Progress").value, _cell(book["Actions"], "Progress").number_format) == (1, "0%")


def test_the_workbooks_exact_cells_read_on_their_own_side(tmp_path: Path) -> None:
    """A trend of -9.999999 % (prioritised at -10 % or less) was kept exact under +0.00 %: Excel read « -10,00 % »
    beside no advice; the cell holds the page's -9,99 %. An ROI of 49.9999 % (rolled out at 50 %) holds 49,99 %, a
    payback of 6.0001 months (rolled out within 6) 6,01; one already reading on its side keeps its exact value."""
    p, ev = second_quarter_axis()
    ev = replace(ev, segments=tuple(replace(s, trend=-0.09999999) for s in ev.segments),
                 axes=tuple(replace(a, roi=0.499999, time_to_roi_months=6.0001) for a in ev.axes))
    book = openpyxl.load_workbook(write_xlsx(ReportInputs(p, ev), tmp_path / "r.xlsx", "en"))
    trend = _cell(book["Segments"], "Trend")
    assert (trend.value, trend.number_format) == (-0.0999, "+0.00%;-0.00%;0.00%")
    roi = _cell(book["Axes"], "ROI to date")
    assert (roi.value, roi.number_format) == (0.4999, "0.00%")
    payback = _cell(book["Axes"], "Payback (months from period start)")
    assert (payback.value, payback.number_format) == (6.01, "0.00")
    ev = replace(ev, segments=tuple(replace(s, trend=-0.0999) for s in ev.segments),
                 axes=tuple(replace(a, roi=0.4996) for a in ev.axes))
    book = openpyxl.load_workbook(write_xlsx(ReportInputs(p, ev), tmp_path / "s.xlsx", "en"))
    assert _cell(book["Segments"], "Trend").value == -0.0999
    assert _cell(book["Axes"], "ROI to date").value == 0.4996


@pytest.mark.parametrize(("roi", "value", "shown"), [
    (-0.0025974025974025974, -0.0025974025974025974, "0.0%"),   # the page's « −0.3 % », exact under 0.0 %
    (-0.00004, -0.0001, "0.00%"),                                 # « 0.00 % » at two places: the page's −0.01 %
])
def test_a_workbooks_roi_just_below_0_is_not_written_0(tmp_path: Path, roi: float, value: float,
                                                       shown: str) -> None:
    """Audit sfhand7: an axis told to drop at an ROI of −0.26 % (« −0,3 % » on the page and in the advice) held 0
    under « 0.0 % » in the *Overview* and *Axes* sheets: the cell was zeroed as a figure that would print « -0 % » at
    the column's whole percent, before the decimals keeping it below the drop's 0 % were chosen."""
    p, ev = second_quarter_axis()
    ev = replace(ev, axes=tuple(replace(a, roi=roi) for a in ev.axes))
    book = openpyxl.load_workbook(write_xlsx(ReportInputs(p, ev), tmp_path / "r.xlsx", "en"))
    for sheet in ("Overview", "Axes"):
        cell = _cell(book[sheet], "ROI to date")
        assert (cell.value, cell.number_format) == (pytest.approx(value), shown), sheet


@pytest.mark.parametrize(("roi", "written"), [
    (0.49996, 0.4999),      # 0.5000 is the roll-out's 50 %; the report reads « 49,99 % »
    (0.49995, 0.4999),
    (0.4996, 0.4996),       # the report's « 49,96 % »
    (0.1875, 0.1875),       # four places as before (the report's « 19 % »)
    (0.5, 0.5),
    (-0.00001, -0.0001),    # below 0 %: dropped, not « 0 »
])
def test_the_crms_roi_is_written_on_its_own_side_of_the_advisors_thresholds(roi: float, written: float) -> None:
    p, ev = second_quarter_axis()
    ev = replace(ev, axes=tuple(replace(a, roi=roi) for a in ev.axes))
    [axis] = [v for (target, _), v in desired_state(p, ev).items() if target.value == "axis"]
    assert axis["roi"] == written


@pytest.mark.parametrize(("progress", "written"), [(0.9996, 99.9), (0.99996, 99.9), (1.0, 100.0), (0.0004, 0.1),
                                                   (0.0, 0.0), (0.4763, 47.6)])
def test_the_crms_progress_reads_below_100_until_done(progress: float, written: float) -> None:
    """PAC_Progress_Pct__c / pac_progress_pct hold one decimal (Percent(18, 1)): 99.96 % is written 99.9, not the
    100.0 a done action or a reached objective reads."""
    p, ev = second_quarter_axis()
    ev = replace(ev, axes=tuple(replace(a, progress=progress) for a in ev.axes),
                 actions=tuple(replace(a, progress=progress) for a in ev.actions))
    values = desired_state(p, ev).values()
    assert {v["progress_pct"] for v in values} == {written}


def test_the_month_by_month_share_reads_below_100_until_every_target_is_reached(monkeypatch: pytest.MonkeyPatch
                                                                                 ) -> None:
    """A rep with 2,499 of 2,500 counted by the end of May: « 99,96 % », not « 100 % » beside a missed action."""
    who = next(a.who for a in fx.plan().actions)
    monkeypatch.setattr(sections_actions, "action_trend", lambda _inputs: [
        MonthPoint("2027-05", {Pace.LATE: 1}, {who: (2499.0, 2500.0)})])
    html = sections_actions.month_by_month(fx.inputs(), Formatter(lang="fr"))
    assert f">99,96{NBSP}%<" in html and f">100{NBSP}%<" not in html


def _behind(axis_progress: float, axis_expected: float, done: int, expected: float) -> ReportInputs:
    """Every axis at risk at ``axis_progress`` against ``axis_expected``; every action at risk, ``done`` against
    ``expected`` by now."""
    p, ev = second_quarter_axis()
    ev = replace(ev, axes=tuple(replace(a, progress=axis_progress, expected_by_now=axis_expected, pace=Pace.AT_RISK)
                                for a in ev.axes),
                 actions=tuple(replace(a, done=done, expected_by_now=expected, pace=Pace.AT_RISK)
                               for a in ev.actions))
    return ReportInputs(p, ev)


def test_the_workbook_reads_an_axis_at_risk_behind_its_expected_share(tmp_path: Path) -> None:
    """45.75 % of the objective against 45.96 % expected by now, at risk: 0.0 % on both cells (« 45,8 % » /
    « 46,0 % »), not the « 46 % » / « 46 % » beside « À risque » of audit sfhand7 (seen failing before the fix:
    « 0% » on both); on track (46.02 %), the usual « 0% »."""
    book = openpyxl.load_workbook(write_xlsx(_behind(0.4575, 0.4596, 5, 5.04), tmp_path / "r.xlsx", "en"))
    for sheet in ("Overview", "Axes"):
        progress, expected = _cell(book[sheet], "Progress"), _cell(book[sheet], "Expected by now")
        assert (progress.value, progress.number_format) == (0.4575, "0.0%")
        assert (expected.value, expected.number_format) == (0.4596, "0.0%")
    p, ev = second_quarter_axis()
    ev = replace(ev, axes=tuple(replace(a, progress=0.4602, expected_by_now=0.4596, pace=Pace.ON_TRACK)
                                for a in ev.axes))
    book = openpyxl.load_workbook(write_xlsx(ReportInputs(p, ev), tmp_path / "s.xlsx", "en"))
    assert _cell(book["Axes"], "Progress").number_format == _cell(book["Axes"], "Expected by now").number_format \
        == "0%"


def test_an_actions_expected_count_reads_above_its_count_done_at_risk(tmp_path: Path) -> None:
    """5 done, 5.04 expected by now, at risk: the workbook's and the CSV's expected count « 5,04 », not the « 5,0 »
    beside 5 done (as the monthly review, audit reviewdeals); seen failing before the fix: « 0.0 » / « 5,0 »."""
    inputs = _behind(0.4575, 0.4596, 5, 5.04)
    book = openpyxl.load_workbook(write_xlsx(inputs, tmp_path / "r.xlsx", "en"))
    cell = _cell(book["Actions"], "Expected by now")
    assert (cell.value, cell.number_format) == (5.04, "0.00")
    path = write_csv(inputs, tmp_path / "a.csv", "fr")
    with path.open(encoding="utf-8-sig") as f:
        header, row = list(csv.reader(f, delimiter=";"))[:2]
    assert row[header.index("Attendu à date")] == "5,04"
    path = write_csv(_behind(0.4575, 0.4596, 5, 5.6), tmp_path / "b.csv", "fr")
    with path.open(encoding="utf-8-sig") as f:
        header, row = list(csv.reader(f, delimiter=";"))[:2]
    assert row[header.index("Attendu à date")] == "5,6"


def test_the_digest_reads_an_axis_at_risk_behind_its_expected_share() -> None:
    """« À risque, 45,8 % de l'objectif (attendu à ce jour : 46,0 %) », not « 46 % ... 46 % » (audit sfhand7; seen
    failing before the fix)."""
    ev = fx.evaluation()
    axes_ = tuple(replace(a, pace=Pace.AT_RISK, progress=0.4575, expected_by_now=0.4596)
                  if a.axis_id == "maint-ra" else a for a in ev.axes)
    alerts = [a for a in compute_alerts(fx.plan(), replace(ev, axes=axes_), [], month="2027-05")
              if a.subject == "maint-ra" and a.kind.startswith("axis")]
    assert "45,8 % de l'objectif (attendu à ce jour : 46,0 %)" in render_digest(alerts, "fr")[1].replace(NBSP, " ")
    assert "45.8% of the objective (expected by now: 46.0%)" in render_digest(alerts, "en")[1]
