"""A fixed baseline's pro-rated figure explained where the manager reads it (audit meeting F1: « Référence 38 356 € »
with nowhere saying it is 100 000 € x 140 / 365)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pac_core.engine import evaluate
from pac_core.growth_words import fixed_baseline_words
from pac_core.plan import Objective
from pac_core.records import Records
from sync_jobs.report import tables
from sync_jobs.report.fmt import Formatter
from sync_jobs.report_inputs import ReportInputs
from tests.unit.test_engine_support import PARIS, USERS, YEAR_2027, account, action, axis, plan

MAY_20 = datetime(2027, 5, 20, 18, 0, tzinfo=PARIS)      # 140 local days of 2027
FIXED = Objective(Decimal(50_000), YEAR_2027, Decimal(100_000), Decimal("0.5"), Decimal(10_000))


def test_fixed_baseline_words_give_the_pro_rating() -> None:
    zone = PARIS
    assert fixed_baseline_words(FIXED, MAY_20, zone, "EUR", "fr") == \
        "Référence fixe : 100\u202f000\u00a0€ × 140 / 365 jours = 38\u202f356\u00a0€"
    assert fixed_baseline_words(FIXED, MAY_20, zone, "EUR", "en") == \
        "Fixed baseline: €100,000 × 140 / 365 days = €38,356"
    assert fixed_baseline_words(FIXED, datetime(2028, 1, 2, tzinfo=PARIS), zone, "EUR", "en") == \
        "Fixed baseline: €100,000 (whole period)"


def test_measured_baseline_has_no_words() -> None:
    measured = Objective(Decimal(50_000), YEAR_2027, None, Decimal("0.5"), Decimal(10_000))
    assert fixed_baseline_words(measured, MAY_20, PARIS, "EUR", "fr") == ""


def test_workbook_axes_sheet_explains_the_fixed_baseline() -> None:
    """The *Axes* sheet gets a column saying how the fixed baseline beside it is pro-rated."""
    p = plan(action(axis_id="AX-LABS"), axes=(axis("AX-LABS", "SEG-ARA", baseline="100000", additional="50000"),))
    ev = evaluate(p, Records(accounts=(account("lab", "69003"),), users=USERS), as_of=MAY_20)
    cols, rows = tables.axes(ReportInputs(p, ev), Formatter(lang="fr"))
    names = [name for name, _ in cols]
    assert "Référence : calcul" in names
    [row] = rows
    assert row[names.index("Référence : calcul")] == \
        "Référence fixe : 100\u202f000\u00a0€ × 140 / 365 jours = 38\u202f356\u00a0€"
