"""The quarterly report of a plan whose axes have no cost written, some or all (audit m3cost, 7 Dec 2026).

Plan 2027, Europe/Paris, evaluated on 1 July 2027 00:00 (181 of 365 days). Hand computation:

- AX-R « Clients du Rhône » (segment Rhône): objective +100,000 at 30 %, budget 20,000; the Rhône account won
  150,000 against 100,000 a year earlier: +50,000, margin 15,000, cost to date 20,000 x 181 / 365 = 9,917.81,
  ROI (15,000 - 9,917.81) / 9,917.81 = 51 %, payback 20,000 x 5.945 / 15,000 = 7.9 months;
- AX-P « Laboratoires » (segment Pharma): objective +50,000 at 40 %, **no cost written**; the laboratory won 50,000
  against 30,000: +20,000, margin 8,000, ROI unknown (« – »).

The plan's ROI is unknown (its pharma margin would count without its cost: 132 % instead of the Rhône's 51 %), and
so is its cost (20,000 is one axis's of two). The report says so where the figure stands: the headline card, a line
under the overview, the Pharma segment's card, and the workbook's total row and Segments sheet, naming the axis and
what to write in the plan file. With no cost written at all, it says that no axis has one.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from pac_config.planfile import load_plan_text
from pac_core.engine import evaluate
from pac_core.records import Account, Deal, DealStage, Records
from sync_jobs.report import render_html, write_xlsx
from sync_jobs.report_inputs import ReportInputs
from tests.fakes import user

PLAN = """\
plan: {{name: PAC m3, year: 2027, timezone: Europe/Paris, currency: EUR, language: fr}}
people: [{{email: julie@ex.example, name: Julie, role: manager}}]
segments:
  - {{id: S-R, name: Rhône, kind: horizontal, scope: {{departement: "69"}}, swot: {{strengths: [proximité]}}}}
  - {{id: S-P, name: Pharma, kind: vertical, scope: {{industry: Pharmaceutique}}, swot: {{strengths: [références]}}}}
axes:
  - id: AX-R
    name: Clients du Rhône
    segment: S-R
    objective: {{additional_revenue: 100000, margin_rate: 0.3{rhone}}}
  - id: AX-P
    name: Laboratoires
    segment: S-P
    objective: {{additional_revenue: 50000, margin_rate: 0.4{pharma}}}
actions:
  - {{id: A-01, axis: AX-R, text: "Visiter 5 clients du Rhône en mai", who: julie@ex.example,
     what: {{activity: visite, count: 5}}, when: mai 2027}}
  - {{id: A-02, axis: AX-P, text: "Visiter 3 laboratoires en juin", who: julie@ex.example,
     what: {{activity: visite, count: 3}}, when: juin 2027}}
"""
T0 = datetime(2026, 1, 1, tzinfo=UTC)
ACCOUNTS = (
    Account(id="a1", source="fake", name="Lyon Méca", postal_code="69003", departement="69", country="FR",
            industry="Mécanique", modified_at=T0),
    Account(id="a2", source="fake", name="Labo Paris", postal_code="75008", departement="75", country="FR",
            industry="Pharmaceutique", modified_at=T0),
)


def _won(deal_id: str, account: str, amount: str, day: date) -> Deal:
    return Deal(id=deal_id, source="fake", account_id=account, owner_id="u1", amount=Decimal(amount), currency="EUR",
                close_date=day, stage=DealStage.WON, name=deal_id, modified_at=T0)


DEALS = (_won("d1", "a1", "100000", date(2026, 3, 1)), _won("d2", "a1", "150000", date(2027, 3, 1)),
         _won("d3", "a2", "30000", date(2026, 3, 1)), _won("d4", "a2", "50000", date(2027, 3, 1)))
AS_OF = datetime(2027, 7, 1, tzinfo=ZoneInfo("Europe/Paris"))


def _inputs(rhone: str, pharma: str) -> ReportInputs:
    plan = load_plan_text(PLAN.format(rhone=rhone, pharma=pharma))
    records = Records(accounts=ACCOUNTS, deals=DEALS, users=(user("u1", "julie@ex.example"),))
    return ReportInputs(plan, evaluate(plan, records, as_of=AS_OF))


MIXED = (", budget: 20000", "")
NONE = ("", "")


def _text(html: str) -> str:
    """The page's text, one line per block, no-break spaces made plain."""
    html = re.sub(r"<style.*?</style>|<svg.*?</svg>", "", html, flags=re.S)
    html = re.sub(r"</?(?!(?:b|span|abbr|em|strong|a)\b)[a-z0-9]+\b[^>]*>", "\n", html)
    text = unescape(re.sub(r"<[^>]+>", "", html)).replace("\u00a0", " ").replace("\u202f", " ")
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def _card(text: str, label: str) -> list[str]:
    lines = text.split("\n")
    at = lines.index(label)
    return lines[at + 1:at + 3]


def test_the_hand_figures() -> None:
    ev = _inputs(*MIXED).evaluation
    rhone, pharma = ev.axis("AX-R"), ev.axis("AX-P")
    assert (rhone.additional, pharma.additional) == (Decimal(50000), Decimal(20000))
    assert rhone.roi == pytest.approx((15000 - 20000 * 181 / 365) / (20000 * 181 / 365))
    assert (pharma.cost, pharma.roi) == (None, None)
    assert ev.plan is not None and (ev.plan.cost, ev.plan.roi) == (None, None)


LINE_FR = ("ROI du plan inconnu (–) : pas de coût renseigné pour 1 axe actif sur 2, « Laboratoires » (Pharma), dont "
           "la marge compterait sans le coût ; coût renseigné : 20 000 € pour 1 axe. Écrivez dans le fichier du plan, "
           "sous l'objectif de chaque axe sans coût, budget: (ou effort_days: et day_cost:), ou budget: 0 s'il ne "
           "coûte rien.")
LINE_EN = ('Plan ROI unknown (–): no cost written for 1 live axis of 2, "Laboratoires" (Pharma), whose margin would '
           "count without the cost; cost written: €20,000 for 1 axis. Write in the plan file, under the objective of "
           "each axis without a cost, budget: (or effort_days: and day_cost:), or budget: 0 if it costs nothing.")
NONE_FR = ("ROI du plan inconnu (–) : aucun axe actif n'a de coût renseigné (2 axes). Écrivez dans le fichier du "
           "plan, sous l'objectif de chaque axe sans coût, budget: (ou effort_days: et day_cost:), ou budget: 0 s'il "
           "ne coûte rien.")
NONE_EN = ("Plan ROI unknown (–): no live axis has a cost written (2 axes). Write in the plan file, under the "
           "objective of each axis without a cost, budget: (or effort_days: and day_cost:), or budget: 0 if it costs "
           "nothing.")


@pytest.mark.parametrize(("costs", "lang", "card", "line"), [
    (MIXED, "fr", "coût non renseigné pour 1 axe actif sur 2 : voir la note sous le tableau", LINE_FR),
    (MIXED, "en", "cost not written for 1 live axis of 2: see the note under the table", LINE_EN),
    (NONE, "fr", "aucun axe actif n'a de coût renseigné : voir la note sous le tableau", NONE_FR),
    (NONE, "en", "no live axis has a cost written: see the note under the table", NONE_EN),
])
def test_the_page_says_why_the_plans_roi_is_unknown(costs: tuple[str, str], lang: str, card: str,
                                                      line: str) -> None:
    """Seen failing before the fix: the card read « – » beside the formula only, and no line said why."""
    text = _text(render_html(_inputs(*costs), lang))
    label = "ROI du plan à date" if lang == "fr" else "Plan ROI to date"
    value, note = _card(text, label)
    assert value == "–"
    assert note.endswith(f" · {card}"), note
    assert text.split("\n").count(line) == 1, [t for t in text.split("\n") if "ROI" in t]


@pytest.mark.parametrize(("lang", "note"), [
    ("fr", "ROI à date inconnu (–) : pas de coût renseigné pour « Laboratoires » ; écrivez-le dans le fichier du "
           "plan (budget:, ou effort_days: et day_cost:, sous l'objectif)."),
    ("en", 'ROI to date unknown (–): no cost written for "Laboratoires"; write it in the plan file (budget:, or '
           "effort_days: and day_cost:, under the objective)."),
])
def test_the_segment_card_says_which_axis_has_no_cost(lang: str, note: str) -> None:
    """Pharma's card: its ROI « – » and why; the Rhône's, whose axis has a cost, reads 51 % and no such note."""
    lines = _text(render_html(_inputs(*MIXED), lang)).split("\n")
    assert lines.count(note) == 1
    cards = ("Rhône géographique", "Pharma marché") if lang == "fr" else ("Rhône geographic", "Pharma market")
    rhone, pharma = (lines.index(card) for card in cards)
    assert rhone < pharma < lines.index(note)
    assert lines[lines.index(note) - 1] == ("ROI à date–" if lang == "fr" else "ROI to date–")
    assert lines[lines.index("ROI à date51 %" if lang == "fr" else "ROI to date51%") + 1] in ("Forces", "Strengths")


def test_a_plan_whose_axes_all_have_a_cost_reads_no_such_line() -> None:
    text = _text(render_html(_inputs(", budget: 20000", ", budget: 8000"), "fr"))
    assert "ROI du plan inconnu" not in text and "pas de coût renseigné" not in text
    assert "coût non renseigné" not in text


def test_the_workbook_says_it_under_the_total_and_in_the_segments_sheet(tmp_path: Path) -> None:
    """Seen failing before the fix: the total row's ROI cell was empty and nothing under it said why."""
    book = openpyxl.load_workbook(write_xlsx(_inputs(*MIXED), tmp_path / "m.xlsx", "en"))
    sheet = book["Overview"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    [at] = [i for i, row in enumerate(rows) if str(row[0]).startswith("Total")]
    assert rows[at][-1] is None               # the ROI: unknown, an empty cell in a number column
    assert rows[at + 1][0] == LINE_EN
    sheet = book["Segments"]
    header = [c.value for c in sheet[3]]
    assert header[-1] == "Cost not written"
    column = {row[0].value: row[len(header) - 1].value for row in sheet.iter_rows(min_row=4) if row[0].value}
    assert column == {"Rhône": None, "Pharma": "Laboratoires"}


def test_an_old_snapshot_without_plan_totals_does_not_read_a_roi_either() -> None:
    """A kept evaluation from before the plan's totals (``plan`` None): the headline adds the axes' ROI weighted by
    their cost; an axis with no cost written leaves it unknown, as the engine's own totals (seen failing before the
    fix: « 51 % », the Rhône's alone)."""
    inputs = _inputs(*MIXED)
    inputs = replace(inputs, evaluation=replace(inputs.evaluation, plan=None))
    value, _ = _card(_text(render_html(inputs, "fr")), "ROI du plan à date")
    assert value == "–"


GLOSSARY = {"fr": "« – » : le coût de l'objectif n'est pas renseigné dans le plan (ni budget, ni effort_days et "
                  "day_cost) : pas de ROI ni de délai de retour pour l'axe, ni, s'il est actif, pour son segment "
                  "et le plan.",
            "en": '"–": the objective\'s cost is not written in the plan (no budget, nor effort_days and day_cost): no '
                  "ROI nor payback for the axis, nor, while it is live, for its segment and the plan."}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_axes_glossary_says_what_the_dash_of_an_uncosted_axis_means(lang: str) -> None:
    """Laboratoires' row reads « – » for its cost, ROI and payback; the formulas under the table said « – » only
    « tant qu'aucune marge supplémentaire n'est gagnée » (seen failing before the fix: no such sentence). A plan whose
    axes all have a cost keeps its glossary as it was (the goldens)."""
    lines = _text(render_html(_inputs(*MIXED), lang)).split("\n")
    [roi] = [t for t in lines if t.startswith(("(CA supplémentaire × marge", "(additional revenue × margin"))]
    assert roi.endswith(f" {GLOSSARY[lang]}"), roi
    text = _text(render_html(_inputs(", budget: 20000", ", budget: 8000"), lang))
    assert GLOSSARY[lang] not in text


def test_a_suspended_axis_without_a_cost_leaves_the_plans_roi_known() -> None:
    """Suspended since 15 May, the laboratories' axis counts in no total: the plan's ROI is the Rhône's 51 % (cost
    20,000, 9,917.81 to date, margin 15,000), and no line says it is unknown; its own row still reads « – »."""
    suspended = "    segment: S-P\n    status: {state: suspended, reason: capacité, since: 2027-05-15}\n"
    plan = load_plan_text(PLAN.format(rhone=", budget: 20000", pharma="").replace("    segment: S-P\n", suspended))
    records = Records(accounts=ACCOUNTS, deals=DEALS, users=(user("u1", "julie@ex.example"),))
    inputs = ReportInputs(plan, evaluate(plan, records, as_of=AS_OF))
    totals = inputs.evaluation.plan
    assert totals is not None and totals.left_out == ("AX-P",) and totals.cost == Decimal(20000)
    assert totals.roi == pytest.approx(inputs.evaluation.axis("AX-R").roi)
    text = _text(render_html(inputs, "fr"))
    assert _card(text, "ROI du plan à date")[0] == "51 %"
    assert "ROI du plan inconnu" not in text and "pas de coût renseigné" not in text
    assert GLOSSARY["fr"] in text
