"""The lines « Depuis la clôture … » (report, workbook, review, pac snapshot --replace) say an axis's figures and pace
as the report's tables do (audit surfaces F5, F6): an axis's pace in the axis's words (« Objectif atteint »,
« Inactif », « Manqué »: docs/report.md, *The plan at a glance*), and its additional revenue as the shown revenue
less the shown baseline, an axis listed only when that shown figure moved."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from pac_core.restatement import Restatement, since_close
from pac_core.results import Evaluation, Pace
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.restated import since_lines
from tests.unit import report_fixtures as fx

CLOSE = datetime(2027, 3, 31, 22, 0, tzinfo=UTC)
AXIS = "maint-ra"


def _with_axis(ev: Evaluation, *, pace: Pace, revenue: str, baseline: str) -> Evaluation:
    rev, base = Decimal(revenue), Decimal(baseline)
    return replace(ev, axes=tuple(replace(a, pace=pace, revenue=rev, baseline=base, additional=rev - base)
                                  if a.axis_id == AXIS else a for a in ev.axes))


def test_an_axis_pace_reads_in_the_axis_words() -> None:
    """An axis on track at the close, past its objective now: « Dans les temps → Objectif atteint » (it read
    « Terminée », the action's word the sales meeting took for "closed"), "Objective reached" in English."""
    ev = fx.evaluation()
    kept = _with_axis(ev, pace=Pace.ON_TRACK, revenue="10000", baseline="5000")
    now = _with_axis(ev, pace=Pace.DONE, revenue="10000", baseline="5000")
    since = since_close(fx.plan(), kept, fx.plan(), now)
    fr = since_lines(since, CLOSE, Formatter("fr", "EUR", "Europe/Paris"))
    en = since_lines(since, CLOSE, Formatter("en", "EUR", "Europe/Paris"))
    assert f"rythmes\u00a0: {AXIS} Dans les temps → Objectif atteint" in fr, fr
    assert f"paces: {AXIS} On track → Objective reached" in en, en


def test_axis_and_action_paces_in_one_line() -> None:
    since = Restatement(axis_paces=(("AX-GC-QUOTES", "at_risk", "inactive"),),
                        paces=(("A-06", "late", "inactive"),))
    assert since_lines(since, CLOSE, Formatter("fr", "EUR", "Europe/Paris"))[1] == \
        "rythmes\u00a0: AX-GC-QUOTES À risque → Inactif ; A-06 Manquée → Inactive"


def test_an_axis_whose_shown_additional_revenue_did_not_move_is_not_listed() -> None:
    """10 000,40 − 4 931,51 at the close, 10 000,40 − 4 931,60 now: the table reads 10 000 − 4 932 = 5 068 € both
    times; the line read « maint-ra 5 069 € → 5 069 € »."""
    ev = fx.evaluation()
    kept = _with_axis(ev, pace=Pace.ON_TRACK, revenue="10000.40", baseline="4931.51")
    now = _with_axis(ev, pace=Pace.ON_TRACK, revenue="10000.40", baseline="4931.60")
    since = since_close(fx.plan(), kept, fx.plan(), now)
    assert since.axes == ()
    assert not any(AXIS in line for line in since_lines(since, CLOSE, Formatter("fr", "EUR", "Europe/Paris")))


def test_an_axis_additional_revenue_reads_as_its_table() -> None:
    """5 068 € at the close (10 000 − 4 932), 7 068 € now (12 000 − 4 932), as the axes' table: not the exact
    5 068,89 and 7 068,89 rounded to 5 069 and 7 069."""
    ev = fx.evaluation()
    kept = _with_axis(ev, pace=Pace.ON_TRACK, revenue="10000.40", baseline="4931.51")
    now = _with_axis(ev, pace=Pace.ON_TRACK, revenue="12000.40", baseline="4931.51")
    lines = since_lines(since_close(fx.plan(), kept, fx.plan(), now), CLOSE, Formatter("fr", "EUR", "Europe/Paris"))
    assert f"CA supplémentaire des axes\u00a0: {AXIS} 5\u202f068\u00a0€ → 7\u202f068\u00a0€" in lines, lines
