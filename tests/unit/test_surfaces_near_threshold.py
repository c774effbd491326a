"""One figure, one number, on every surface (audit surfaces2, 7 Dec 2026): a figure just short of an advisor's
threshold reads as the axes' table and the segment's card show it (``money.apart``, decided 7 Dec 2026, audit
nearthreshold) wherever else the report, ``pac advice`` and the advice's evidence quote it.

Hand expectations, written before running pac (the advisor's defaults: roll out at a ROI >= 50 %, drop below 0 %;
prioritise at a trend <= -10 %, a roll-out's targets growing below +5 %; payback within 6 months):
an axis at a ROI of 49.96 % reads « 49,96 % » / "49.96%" (its table's figure) in the ROI footnotes that list the axes'
ROI and in the evidence that names it (« au profit de », « ROI final », « axe équivalent déjà en place »); 50.04 %
reads « 50 % »; a segment at -9.99 % reads « -9,99 % » (its card) in a prioritise's evidence and among a roll-out's
targets, one at +4.996 % « +4,99 % » (its card), not « juste sous +5 % »; a payback of 6.04 months « 6,04 mois ».
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest

from pac_config.planfile import load_plan_text
from pac_core.advisor import advise
from pac_core.engine import EngineSettings
from pac_core.money import NBSP
from pac_core.plan import Plan
from pac_core.results import Evaluation, PlanTotals, Recommendation, Rule
from sync_jobs.cli_advice import advice_lines
from sync_jobs.report import render_html
from sync_jobs.report.evidence import rows
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.page import formatter_for, kpi_cards
from sync_jobs.report.sections_plan import roi_footnote_lines
from sync_jobs.report.view import plan_roi_line
from sync_jobs.report_inputs import ReportInputs
from tests.unit import report_fixtures
from tests.unit import test_report_roundings_hand as roundings_hand
from tests.unit.test_totals import second_quarter_axis

ROI = ((0.5, True), (0.0, True))
TREND = ((0.05, True), (-0.10, False))
PAYBACK = ((6.0, False),)

ROLL_OUT = Recommendation(Rule.ROLL_OUT, "dormants-69", "rhone-alpes", "…", {
    "roi": 0.5004, "time_to_roi_months": 5.96, "min_roi": 0.5, "max_months_to_roi": 6.0,
    "lagging_growth_below": 0.05, "to_segments": ["pharma", "grands-comptes"],
    "growth": {"pharma": 0.04996, "grands-comptes": -0.0999},
    "already_running": {"grands-comptes": {"axis": "maint-ra", "state": "active", "roi": 0.4996}}})
DROP = Recommendation(Rule.DROP, "pharma-mx50", "pharma", "…", {
    "roi": -0.003, "elapsed_share": 0.64, "max_roi": 0.0, "min_elapsed": 0.5, "in_favour_of": "maint-ra",
    "in_favour_of_roi": 0.4996})
PRIORITISE = Recommendation(Rule.PRIORITISE, "maint-ra", "rhone-alpes", "…", {
    "revenue": "1754500", "baseline": "1608500", "trend": -0.0999, "min_decline": 0.1,
    "triggers": ["lost_key_account"]})
CLOSED = Recommendation(Rule.CLOSED, "pharma-px200", "pharma", "…", {
    "period_end": "2027-06-30", "reached": False, "objective": "100000", "additional": "5068", "progress": 0.05068,
    "final_roi": 0.4996, "cost": "1000", "time_to_roi_months": 6.04})


def _inputs(lang: str) -> ReportInputs:
    """The report's fixture with « Contrats de maintenance » at a ROI of 49.96 %, « Clients dormants » at 50.04 %, their
    segment Rhône-Alpes at 20 % (below both: the footnote names them) and a trend of -9.99 %, Pharma at +4.996 %."""
    inputs = report_fixtures.inputs(lang)
    ev = inputs.evaluation
    roi = {"maint-ra": 0.4996, "dormants-69": 0.5004}
    axes = tuple(replace(a, roi=roi.get(a.axis_id, a.roi)) for a in ev.axes)
    trend = {"rhone-alpes": -0.0999, "pharma": 0.04996}
    segments = tuple(replace(s, trend=trend.get(s.segment_id, s.trend),
                             roi=0.2 if s.segment_id == "rhone-alpes" else s.roi) for s in ev.segments)
    return replace(inputs, evaluation=replace(ev, axes=axes, segments=segments,
                                              recommendations=(ROLL_OUT, DROP, PRIORITISE, CLOSED)))


def _plain(text: str) -> str:
    return text.replace(NBSP, " ").replace("\u202f", " ")


@pytest.mark.parametrize(("lang", "expected"), [
    ("fr", "Rhône-Alpes : ROI 20 % alors que ses axes sont à 50 % et 49,96 %"),
    ("en", "Rhône-Alpes: ROI 20% while its axes are at 50% and 49.96%"),
])
def test_the_segment_roi_note_names_the_axes_roi_as_their_table(lang: str, expected: str) -> None:
    """Seen failing before the fix: « ses axes sont à 50 % et 50 % » beside a table reading 49,96 %."""
    inputs = _inputs(lang)
    lines = [_plain(line) for line in roi_footnote_lines(inputs, formatter_for(inputs, lang))]
    assert any(expected in line for line in lines), lines


def test_the_plan_roi_note_names_the_axes_roi_as_their_table() -> None:
    inputs = _inputs("fr")
    ev = inputs.evaluation
    live = ("dormants-69", "maint-ra", "pharma-mx50")
    totals = PlanTotals(Decimal(100), Decimal(0), Decimal(100), Decimal(1000), 0.1, Decimal(10), -0.5,
                        axis_ids=live)
    inputs = replace(inputs, evaluation=replace(ev, plan=totals))
    line = _plain(plan_roi_line(inputs, formatter_for(inputs, "fr")))
    assert "ses axes sont à 50 %, 49,96 % et 9 %" in line, line


def _evidence(reco: Recommendation, lang: str) -> dict[str, str]:
    inputs = _inputs(lang)
    return {label: _plain(value) for label, value, _ in rows(reco.evidence, inputs.plan, formatter_for(inputs, lang))}


def test_the_evidence_quotes_an_axis_roi_as_its_table() -> None:
    """Seen failing before the fix: « ROI à date de cet axe 50 % », « ROI final 50 % », « (ROI 50 %) » for an axis
    the tables show at 49,96 %."""
    assert _evidence(DROP, "fr")["ROI à date de cet axe"] == "49,96 %"
    assert _evidence(DROP, "fr")["ROI à date de l'axe"] == "−0,3 %"
    assert _evidence(CLOSED, "fr")["ROI final"] == "49,96 %"
    assert _evidence(CLOSED, "en")["Final ROI"] == "49.96%"
    assert _evidence(ROLL_OUT, "fr")["Segments écartés (axe équivalent déjà en place)"] == (
        "Grands comptes : Contrats de maintenance (ROI 49,96 %)")
    assert _evidence(ROLL_OUT, "fr")["ROI à date de l'axe"] == "50 %"


def test_the_evidence_quotes_a_segment_trend_as_its_card() -> None:
    """Seen failing before the fix: « Évolution du segment -10 % » beside « Baisse minimale (seuil) 10 % » for a
    segment prioritised for a lost key account, whose card reads « Tendance -9,99 % »; a roll-out's targets
    « Industrie pharmaceutique juste sous +5 %, Grands comptes -10 % »."""
    assert _evidence(PRIORITISE, "fr")["Évolution du segment"] == "−9,99 %"
    assert _evidence(PRIORITISE, "en")["Segment trend"] == "−9.99%"
    assert _evidence(ROLL_OUT, "fr")["Croissance des segments cibles"] == (
        "Industrie pharmaceutique +4,99 %, Grands comptes −9,99 %")
    assert _evidence(ROLL_OUT, "en")["Growth of target segments"] == (
        "Industrie pharmaceutique +4.99%, Grands comptes −9.99%")


def test_the_evidence_quotes_a_payback_as_the_axes_table() -> None:
    assert _evidence(CLOSED, "fr")["Rentabilisé en (depuis le début de la période)"] == "6,04 mois"
    assert _evidence(ROLL_OUT, "fr")["Rentabilisé en (depuis le début de la période)"] == "6 mois"


def test_a_formatter_told_no_threshold_rounds_once() -> None:
    """The evidence's rows through a formatter with no limits (a caller that has none) keep one rounding."""
    inputs = _inputs("fr")
    got = {label: _plain(value) for label, value, _ in rows(DROP.evidence, inputs.plan, Formatter(lang="fr"))}
    assert got["ROI à date de cet axe"] == "50 %"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pac_advice_quotes_the_evidence_as_the_report(lang: str) -> None:
    """``pac advice``'s evidence lines read the report's recommendations' rows (there, with the advisor's thresholds).
    Seen failing before the fix: pac advice's formatter had no thresholds (« ROI final : 50 % »)."""
    inputs = _inputs(lang)
    fmt = formatter_for(inputs, lang)
    lines = advice_lines(inputs.plan, inputs.evaluation, lang)
    for reco in inputs.evaluation.recommendations:
        for label, value, _ in rows(reco.evidence, inputs.plan, fmt):
            assert any(line.endswith(f" {_plain(value)}") and label in line for line in lines), (label, value)


def _advice(p: Plan, ev: Evaluation, roi: dict[str, float]) -> list[Recommendation]:
    axes = [replace(a, roi=roi.get(a.axis_id, a.roi)) for a in ev.axes]
    return advise(p, axes, ev.segments, settings=EngineSettings(), as_of=ev.as_of, load={}, quarter_label="2027-Q3",
                  actions=ev.actions)


def test_a_drop_names_the_axis_it_favours_at_its_tables_roi() -> None:
    """« Relance Isère » at a ROI of 49.96 % (not rolled out; its table reads « 49,96 % »): the sentence the CRM's
    advice field, the report, the review, the digest and pac status show drops « Second axe » « au profit de
    « Relance Isère » (ROI à date 49,96 %) ». Seen failing before the fix: « (ROI à date 50 %) »."""
    p = roundings_hand.load("SEG-73")
    ev = roundings_hand.run(p, ("1234567.50", "1000.49"), ("4931.51", "10000.40"))
    [drop] = [r for r in _advice(p, ev, {"AX-38": 0.4996}) if r.rule is Rule.DROP]
    assert _plain(drop.text("fr")).endswith("au profit de « Relance Isère » (ROI à date 49,96 %).")
    assert drop.text("en").endswith('in favour of "Relance Isère" (ROI to date 49.96%).')
    [drop] = [r for r in _advice(p, ev, {"AX-38": 0.5004}) if r.rule is Rule.DROP]
    assert _plain(drop.text("fr")).endswith("(ROI à date 50 %).")


def test_a_closing_verdict_gives_the_final_roi_of_the_tables() -> None:
    """An axis whose period is over at a final ROI of 49.96 % (not worth rolling out: no « à reconduire »): « ROI final
    49,96 % », as its table. Seen failing before the fix: « ROI final 50 % »."""
    p, ev = second_quarter_axis()
    [closed] = [r for r in _advice(p, ev, {"AX-RA": 0.4996}) if r.rule is Rule.CLOSED]
    assert "ROI final 49,96 %" in _plain(closed.text("fr")) and "reconduire" not in closed.text("fr")
    assert "final ROI 49.96%" in closed.text("en")


def _overlap(plan_roi: float, segment_roi: float, rois: dict[str, float]) -> ReportInputs:
    """The fixture with Rhône-Alpes's two live axes at ``rois``, Rhône-Alpes at ``segment_roi`` and the plan (those two
    axes and Pharma's MX50 at 9,4 %, overlapping) at ``plan_roi``."""
    inputs = _inputs("fr")
    ev = inputs.evaluation
    axes = tuple(replace(a, roi=rois.get(a.axis_id, a.roi)) for a in ev.axes)
    segments = tuple(replace(s, roi=segment_roi) if s.segment_id == "rhone-alpes" else s for s in ev.segments)
    totals = PlanTotals(Decimal(100), Decimal(0), Decimal(100), Decimal(1000), 0.1, Decimal(10), plan_roi,
                        axis_ids=("dormants-69", "maint-ra", "pharma-mx50"))
    return replace(inputs, evaluation=replace(ev, axes=axes, segments=segments, plan=totals))


def test_no_roi_note_where_the_figures_shown_do_not_differ() -> None:
    """Rhône-Alpes at 12,7 % below its axes at 13,3 % and 20 % (by more than the half point the note waited for):
    both read « 13 % »; « ROI 13 % alors que ses axes sont à 13 % et 20 % » would say below what reads equal. The same
    for the plan, at 8,8 % beside MX50's 9,4 %: both « 9 % ». Decided 7 Dec 2026 (audit surfaces2): a note says
    « below » only of figures that read below. Seen failing before the fix: both notes were written."""
    inputs = _overlap(0.088, 0.127, {"dormants-69": 0.133, "maint-ra": 0.20})
    lines = [_plain(line) for line in roi_footnote_lines(inputs, formatter_for(inputs, "fr"))]
    assert not any(line.startswith(("Rhône-Alpes :", "ROI du plan")) for line in lines), lines
    assert plan_roi_line(inputs, formatter_for(inputs, "fr")) == ""
    inputs = _overlap(0.084, 0.124, {"dormants-69": 0.133, "maint-ra": 0.20})     # 8 % and 12 %: they read below
    lines = [_plain(line) for line in roi_footnote_lines(inputs, formatter_for(inputs, "fr"))]
    assert "Rhône-Alpes : ROI 12 % alors que ses axes sont à 13 % et 20 %" in " ".join(lines)
    assert "ROI du plan 8 % alors que ses axes sont à 13 %, 20 % et 9 %" in _plain(
        plan_roi_line(inputs, formatter_for(inputs, "fr")))


def _flat(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)).replace("\u202f", " ").replace(NBSP, " "))


@pytest.mark.parametrize(("lang", "shown", "row"), [
    ("fr", "99 999,60 € / 100 000 €", "109 999,60 € Référence 10 000,00 € 99 999,60 € / 100 000 €"),
    ("en", "€99,999.60 / €100,000", "€109,999.60 Baseline €10,000.00 €99,999.60 / €100,000"),
])
def test_an_objective_missed_by_cents_reads_missed(lang: str, shown: str, row: str) -> None:
    """109 999,60 € won against 10 000,00 €: 99 999,60 € of an objective of 100 000 €, not reached (the pace is not
    « Objectif atteint »). To the euro it read « 100 000 € / 100 000 € » in the overview, the segment's axes and the
    axes' table (« 110 000 € | 10 000 € » there), as reached; the closing verdict already writes such a figure to
    the cent (audit advisehand). Decided 7 Dec 2026 (audit surfaces2): the row's revenue, baseline and additional
    revenue to the cent. Seen failing before the fix: « 100 000 € / 100 000 € »."""
    p = roundings_hand.load()
    ev = roundings_hand.run(p, ("109999.60", "10000.00"))
    html = _flat(render_html(ReportInputs(p, ev), lang))
    overview = html[html.index("Relance Isère"):]
    assert overview.count(shown) >= 3 and "100 000 € / 100 000 €" not in html and "€100,000 / €100,000" not in html
    assert row in html


def test_an_objective_reached_to_the_cent_reads_to_the_euro() -> None:
    """110 000,40 € against 10 000,40 €: 100 000 € exactly, reached: to the euro as every other figure."""
    p = roundings_hand.load()
    html = _flat(render_html(ReportInputs(p, roundings_hand.run(p, ("110000.40", "10000.40")))))
    assert "100 000 € / 100 000 €" in html and "100 000,00 €" not in html


def test_the_headline_of_a_plan_missed_by_cents_reads_missed() -> None:
    """The plan of that one axis: its headline reads its card, « 99 999,60 € » beside « Objectif 100 000 € », not
    « 100 000 € ». Seen failing before the fix: « 100 000 € »."""
    p = roundings_hand.load()
    ev = roundings_hand.run(p, ("109999.60", "10000.00"))
    assert roundings_hand.headline(render_html(ReportInputs(p, ev))) == "99 999,60 €"
    [card] = [c for c in kpi_cards(ReportInputs(p, ev), formatter_for(ReportInputs(p, ev), "fr"))
              if c[0] == "CA supplémentaire"]
    assert "Objectif 100 000 €" in _plain(card[2])
    assert roundings_hand.headline(render_html(ReportInputs(p, roundings_hand.run(p, ("110000.40", "10000.40"))))) == (
        "100 000 €")


def test_an_objective_with_cents_reads_to_the_cent_beside_it() -> None:
    """An objective of 33 000,40 € (one written as a percentage can have cents) and 33 000,30 € won over nothing: not
    reached; « 33 000 € / 33 000 € » to the euro, now « 33 000,30 € / 33 000,40 € »."""
    p = load_plan_text(roundings_hand.TEMPLATE.format(second="").replace("additional_revenue: 100000",
                                                                        "additional_revenue: 33000.40"), "r.pac.yaml")
    html = _flat(render_html(ReportInputs(p, roundings_hand.run(p, ("33000.30", "0")))))
    assert "33 000,30 € / 33 000,40 €" in html and "33 000 € / 33 000 €" not in html


def test_the_overview_sheet_keeps_its_total_to_the_unit(tmp_path: Path) -> None:
    """The workbook's Synthèse rows are to the unit (audit roundings: a SUM of the column is the total row): its total
    row stays 100000 for the plan missing its objective by cents (the previous commit wrote 99999.6 there)."""
    p = roundings_hand.load()
    rows = roundings_hand.sheet(p, roundings_hand.run(p, ("109999.60", "10000.00")), tmp_path, "Synthèse")
    assert roundings_hand.total_row(rows)[3] == 100000
