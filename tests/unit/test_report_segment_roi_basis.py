"""The segment card and the Segments sheet say what a segment's ROI is computed on when it is not the row's additional
revenue (audit meeting F1: « CA supplémentaire +29 000 € » beside « ROI à date −67 % », built on 4 000 €)."""

from __future__ import annotations

from pac_core.engine import evaluate
from pac_core.records import Records
from sync_jobs.report import tables
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.sections_plan import segments
from sync_jobs.report_inputs import ReportInputs
from tests.unit.test_engine_support import USERS, action, plan
from tests.unit.test_totals import ACCOUNTS, AUGUST, DEALS, PHARMA, RHONE, _axes, second_quarter_axis

BASIS = "ROI basis: the axes' additional revenue"


def test_segment_card_names_the_roi_basis() -> None:
    html = segments(ReportInputs(*second_quarter_axis()), Formatter(lang="fr"))
    assert "ROI à date 20\u00a0%\u00a0: calculé sur le CA supplémentaire de ses axes actifs" in html
    assert "40\u202f000\u00a0€, et non sur les 120\u202f000\u00a0€ du segment" in html


def test_segments_sheet_has_the_roi_basis_column() -> None:
    cols, rows = tables.segments(ReportInputs(*second_quarter_axis()), Formatter(lang="en"))
    names = [name for name, _ in cols]
    [row] = rows
    assert row[names.index("Additional revenue")] == 120_000
    assert row[names.index(BASIS)] == 40_000


def test_no_roi_basis_where_the_axes_cover_the_row() -> None:
    """Pharma's one live axis (MX50, fixed baseline) covers its whole scope over the plan's period, and Rhône's
    two live axes cover it too: the sheet keeps its columns, the cards say nothing more."""
    p = plan(action(axis_id="AX-RA"), axes=_axes("40000"), segments=(RHONE, PHARMA))
    ev = evaluate(p, Records(accounts=ACCOUNTS, deals=DEALS, users=USERS), as_of=AUGUST)
    assert [s.roi_additional == s.additional for s in ev.segments] == [True, True]
    cols, _ = tables.segments(ReportInputs(p, ev), Formatter(lang="en"))
    assert BASIS not in [name for name, _ in cols]
    assert "calculé sur le CA supplémentaire de ses axes" not in segments(ReportInputs(p, ev), Formatter(lang="fr"))
