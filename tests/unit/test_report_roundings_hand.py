"""One figure, one number, on every surface (audit roundings, 7 Dec 2026): hand-built plans whose amounts sit on the
boundaries of the report's rounding to the euro, each expectation written by hand before pac was run on it.

A calendar plan 2027, Europe/Paris, margin 30 % (the default), segment Isère (38) and, for two axes, Savoie (73);
« Relance Isère » (AX-38) +100 000 € for a budget of 10 000 €, evaluated on 15 August 2027 at noon. The report shows
money to the euro, and an axis's additional revenue as its shown revenue less its shown baseline (audit revenue F6):
10 000,40 € won against 4 931,51 € reads 10 000 € | 4 932 € | 5 068 €, not the exact 5 068,89 € rounded to 5 069 €.
The headline card, the plan's total row and a segment's ROI basis are totals over the axes: they read the sum of the
axes' cards when no deal is counted twice (one axis: its card), and the plan's own shown revenue less its own shown
baseline when some are, what the axes count twice being then the cards' sum less the headline.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from pac_config.planfile import load_plan_text
from pac_core.engine import EngineSettings, evaluate
from pac_core.plan import Plan
from pac_core.records import Records
from pac_core.restatement import since_close
from pac_core.results import Evaluation
from sync_jobs.cli_advice import advice_lines
from sync_jobs.diff import desired_state
from sync_jobs.report import render_html, write_xlsx
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.restated import since_lines
from sync_jobs.report_inputs import ReportInputs
from tests.unit.test_engine_support import USERS, account, won

PARIS = ZoneInfo("Europe/Paris")
AS_OF = datetime(2027, 8, 15, 12, tzinfo=PARIS)
TEMPLATE = """
plan: {{name: PAC 2027, year: 2027, timezone: Europe/Paris, language: fr}}
people:
  - {{email: julie.martin@durand-process.example, name: Julie Martin, role: rep}}
segments:
  - {{id: SEG-38, name: Isère, kind: horizontale, scope: {{departement: "38"}}}}
  - {{id: SEG-73, name: Savoie, kind: horizontale, scope: {{departement: "73"}}}}
axes:
  - {{id: AX-38, name: Relance Isère, segment: SEG-38, objective: {{additional_revenue: 100000, budget: 10000}}}}
{second}
actions:
  - {{id: A-38, axis: AX-38, text: "Visiter 5 clients de l'Isère", who: julie.martin@durand-process.example,
     what: {{activity: visite, count: 5}}, when: T1}}
"""
SECOND = ("  - {{id: AX-2, name: Second axe, segment: {segment}, "
          "objective: {{additional_revenue: 100000, budget: 10000}}}}")
ACCOUNTS = (account("i1", "38000", dormant=False), account("s1", "73000", dormant=False))


def load(second: str | None = None) -> Plan:
    """One axis over Isère; with ``second`` (a segment id) a second axis over that segment."""
    return load_plan_text(TEMPLATE.format(second=SECOND.format(segment=second) if second else ""), "r.pac.yaml")


def run(p: Plan, isere: tuple[str, str], savoie: tuple[str, str] | None = None) -> Evaluation:
    """Isère's account won ``isere`` = (2027, 2026) in February of each year; Savoie's likewise."""
    deals = [won("i-now", "i1", isere[0], date(2027, 2, 1)), won("i-then", "i1", isere[1], date(2026, 2, 1))]
    if savoie is not None:
        deals += [won("s-now", "s1", savoie[0], date(2027, 2, 1)), won("s-then", "s1", savoie[1], date(2026, 2, 1))]
    return evaluate(p, Records(accounts=ACCOUNTS, deals=tuple(deals), users=USERS), as_of=AS_OF,
                    settings=EngineSettings())


def text(html: str) -> str:
    flat = unescape(re.sub(r"<[^>]+>", " ", html)).replace("\u202f", " ").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", flat)


def headline(html: str) -> str:
    """The « CA supplémentaire » card's figure."""
    found = re.search(r'<div class="label">CA supplémentaire</div><div class="value">([^<]*)</div>', html)
    assert found, "no headline card"
    return found.group(1).replace("\u202f", " ").replace("\u00a0", " ")


def sheet(p: Plan, ev: Evaluation, tmp_path: Path, name: str) -> list[tuple]:
    book = openpyxl.load_workbook(write_xlsx(ReportInputs(p, ev), tmp_path / "r.xlsx", "fr"))
    return [row for row in book[name].iter_rows(values_only=True) if any(v is not None for v in row)]


def total_row(rows: list[tuple]) -> tuple:
    [row] = [r for r in rows if str(r[0]).startswith("Total")]
    return row


@pytest.mark.parametrize(("isere", "shown"), [
    (("10000.40", "4931.51"), "5 068 €"),     # 10 000 - 4 932; the exact 5 068,89 read 5 069 €
    (("4931.51", "10000.40"), "−5 068 €"),    # 4 932 - 10 000; the exact -5 068,89 read -5 069 €
    (("2000.50", "1000.49"), "1 001 €"),      # 2 001 - 1 000; the exact 1 000,01 read 1 000 €
])
def test_a_plan_of_one_axis_reads_its_axis_card_in_the_headline(isere: tuple[str, str], shown: str,
                                                                  tmp_path: Path) -> None:
    """The headline card, the axis's card in the overview and the axes' table, the segment's row, and the workbook's
    axis and total rows: one figure. Seen failing before the fix: 5 069 €, -5 069 €, 1 000 € in the headline and the
    workbook's total row (5068.89 under an axis row of 5068)."""
    p = load()
    ev = run(p, isere)
    html = render_html(ReportInputs(p, ev))
    assert headline(html) == shown
    overview = text(html[html.index('<section id="overview">'):html.index('<section id="segments">')])
    assert f"{shown} / 100 000 €" in overview
    segment = text(html[html.index('<section id="segments">'):html.index('<section id="axes">')])
    assert f"CA supplémentaire {shown}" in segment
    figure = int(shown.replace(" €", "").replace(" ", "").replace("\u2212", "-"))
    synthese = sheet(p, ev, tmp_path, "Synthèse")
    [axis_row] = [r for r in synthese if r[1] == "Relance Isère"]
    assert axis_row[3] == figure and total_row(synthese)[3] == figure
    [axes_row] = [r for r in sheet(p, ev, tmp_path, "Axes") if r[0] == "Relance Isère"]
    assert axes_row[4] - axes_row[5] == axes_row[6] == figure


def test_a_segment_of_one_axis_says_no_other_roi_basis(tmp_path: Path) -> None:
    """Isère's one axis covers its scope over the plan's period: its ROI is computed on its row's 5 068 €, and neither
    its card nor the Segments sheet says otherwise. Seen failing before: « calculé sur … chaque affaire une fois :
    5 069 €, et non sur les 5 068 € du segment », and a column « Base du ROI » holding 5069."""
    p = load()
    ev = run(p, ("10000.40", "4931.51"))
    html = text(render_html(ReportInputs(p, ev)))
    assert "5 069" not in html and "et non sur les" not in html
    [head, *_] = [r for r in sheet(p, ev, tmp_path, "Segments") if r[0] == "Segment"]
    assert not any(str(h).startswith("Base du ROI") for h in head)


def test_disjoint_axes_add_up_to_the_headline(tmp_path: Path) -> None:
    """Isère and Savoie each won 10 000,40 € against 4 931,51 €: two cards of 5 068 €, no deal counted twice, so the
    headline and the total row read 10 136 € (5 068 + 5 068). Seen failing before: 10 138 € (the exact 10 137,78 €),
    and 10137.78 in the total row under 5068 and 5068."""
    p = load("SEG-73")
    ev = run(p, ("10000.40", "4931.51"), ("10000.40", "4931.51"))
    assert ev.plan is not None and ev.plan.overlap == 0
    assert headline(render_html(ReportInputs(p, ev))) == "10 136 €"
    rows = sheet(p, ev, tmp_path, "Synthèse")
    axes = [r[3] for r in rows if r[1] in ("Relance Isère", "Second axe")]
    assert axes == [5068, 5068] and total_row(rows)[3] == 10136


def test_overlapping_axes_read_the_plans_own_figure_and_what_they_count_twice(tmp_path: Path) -> None:
    """Two axes over Isère count its one deal each (cards 5 068 € and 5 068 €); the plan counts it once: 10 000 € won
    against 4 932 €, so 5 068 €, and the note says the axes count 5 068 € twice (10 136 − 5 068), the figures a
    manager can check. Seen failing before: headline 5 069 €, « 5 069 € de CA supplémentaire sont comptés par
    plusieurs axes »."""
    p = load("SEG-38")
    ev = run(p, ("10000.40", "4931.51"))
    assert ev.plan is not None and ev.plan.overlap == Decimal("5068.89")
    html = render_html(ReportInputs(p, ev))
    assert headline(html) == "5 068 €"
    flat = text(html)
    assert "5 068 € de CA supplémentaire sont comptés par plusieurs axes" in flat and "5 069" not in flat
    rows = sheet(p, ev, tmp_path, "Synthèse")
    assert total_row(rows)[3] == 5068
    assert any("5\u202f068\u00a0€ de CA supplémentaire sont comptés" in str(r[0]) for r in rows)


@pytest.mark.parametrize(("isere", "card", "bar"), [
    (("1049.60", "0"), "1 050 €", "1,1 k€"),     # 1 050 € shortened; the exact 1 049,60 read « 1 k€ »
    (("1050.40", "0.51"), "1 049 €", "1 k€"),    # 1 050 - 1, not the exact 1 049,89 (« 1 050 € », « 1,1 k€ »)
])
def test_chart_labels_shorten_the_shown_figure(isere: tuple[str, str], card: str, bar: str) -> None:
    """The overview's bar note shortens the axis's card: 1 049,60 € won against nothing reads 1 050 € in the tables,
    so « 1,1 k€ » beside its bar, as 1 050 € would; 1 050,40 € against 0,51 € reads 1 050 € − 1 € = 1 049 €, so
    « 1 k€ », the card's figure shortened, not the exact 1 049,89 € (which labels rounding to the unit first would read
    « 1,1 k€ »). Seen failing before: « 1 k€ » for the first (shortened from the exact figure)."""
    p = load()
    ev = run(p, isere)
    flat = text(render_html(ReportInputs(p, ev)))
    assert f"CA supplémentaire {card}" in flat
    assert f"1 % · {bar} / 100 k€" in flat


def test_the_restated_quarter_lists_the_headline_figures_as_shown() -> None:
    """A kept quarter at 10 000,60 € won against 4 931,51 € (headline 10 001 − 4 932 = 5 069 €), restated at
    10 001,40 € (10 001 − 4 932 = 5 069 €): no figure of the headline moved to the euro, so no line says « 10 001 € →
    10 001 € (+1 €) » nor « 5 069 € → 5 070 € » (the exact 5 069,09 and 5 069,89 rounded). Seen failing before: both
    lines. Then a move that shows: 12 000,40 € -> the additional revenue « 5 069 € → 7 068 € »."""
    p = load()
    kept = run(p, ("10000.60", "4931.51"))
    now = run(p, ("10001.40", "4931.51"))
    since = since_close(p, kept, p, now)
    assert since.revenue is None and all(name != "additional" for name, _, _ in since.totals)
    close = datetime(2027, 3, 31, 22, tzinfo=PARIS)
    lines = " ".join(since_lines(since, close, Formatter("fr", "EUR", "Europe/Paris")))
    assert "chiffre d'affaires du plan" not in lines and "CA supplémentaire du plan" not in lines
    moved = since_close(p, kept, p, run(p, ("12000.40", "4931.51")))
    assert moved.revenue == (Decimal(10001), Decimal(12000))
    assert ("additional", Decimal(5069), Decimal(7068)) in moved.totals


PERCENT = TEMPLATE.replace("additional_revenue: 100000, budget: 10000", 'additional_revenue: "30 %", budget: 10000')


def test_objectives_written_as_a_percentage_add_up_in_the_total_row(tmp_path: Path) -> None:
    """Isère and Savoie each sold 110 001,67 € in 2026; each axis's objective is +30 % of it, 33 000,501 € to the
    cent 33 000,50 €, shown 33 001 € on its row: the headline's « Objectif » and the total row read 66 002 €
    (33 001 + 33 001), not the exact 66 001 € beside two rows of 33 001 €; the workbook's rows hold 33001, so a SUM of
    the column gives the total row's figure. Seen failing before: 66 001 €, a total row of 66001 under rows of
    33000.5."""
    p = load_plan_text(PERCENT.format(second=SECOND.format(segment="SEG-73").replace(
        "additional_revenue: 100000", 'additional_revenue: "30 %"')), "r.pac.yaml")
    ev = run(p, ("10000", "110001.67"), ("10000", "110001.67"))
    assert [a.objective for a in ev.axes] == [Decimal("33000.50"), Decimal("33000.50")]
    flat = text(render_html(ReportInputs(p, ev)))
    assert "Objectif 66 002 €" in flat and "66 001" not in flat
    rows = sheet(p, ev, tmp_path, "Synthèse")
    assert [r[4] for r in rows if r[1] in ("Relance Isère", "Second axe")] == [33001, 33001]
    assert total_row(rows)[4] == 66002
    axes = [r[7] for r in sheet(p, ev, tmp_path, "Axes") if r[0] in ("Relance Isère", "Second axe")]
    assert axes == [33001, 33001]


@pytest.mark.parametrize(("each", "parts"), [
    ("2500.25", "2 500 € (5 000,50 € / 2)"),    # 5 001 € / 2 would be 2 500,50 €, « 2 501 € »
    ("2500.20", "2 500 € (5 000 € / 2)"),       # 5 000 € / 2 is the 2 500 € shown: to the unit, as before
])
def test_an_average_gives_parts_that_divide_into_it(each: str, parts: str) -> None:
    """Isère's axis won two deals of ``each`` in 2027: the average won deal is ``each``, shown to the euro, 2 500 €;
    its sum beside it must divide into it: 5 000,50 € / 2 (2 500,25 €), not 5 001 € / 2 (2 500,50 €, which reads
    2 501 €), in the report's KPI table, the CRM's KPI line and ``pac advice``'s. Seen failing before: « (5 001 € /
    2) » in all three."""
    p = load()
    deals = (won("i-a", "i1", each, date(2027, 2, 1)), won("i-b", "i1", each, date(2027, 3, 1)),
             won("i-then", "i1", "100", date(2026, 2, 1)))
    ev = evaluate(p, Records(accounts=ACCOUNTS, deals=deals, users=USERS), as_of=AS_OF, settings=EngineSettings())
    kpis = text(render_html(ReportInputs(p, ev)))
    assert parts in kpis
    [crm] = [v["kpis"] for k, v in desired_state(p, ev).items() if k[0].value == "axis"]
    assert f"Montant moyen des affaires gagnées : {parts}" in crm.replace("\u202f", " ").replace("\u00a0", " ")
    assert any(f"Montant moyen des affaires gagnées : {parts}" in line for line in advice_lines(p, ev, "fr"))
