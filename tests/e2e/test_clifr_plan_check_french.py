"""`pac plan check` on a French plan (``language: fr``) words every line it writes itself in French: the summary,
what each percentage objective stands for, the cost warnings (audit clifr: a French team read « AX-CROISS
objective: +30% of the scope's 2026 revenue… » and « its cost is 0, so it has no ROI » on its own plan). The same
plan in English reads byte for byte as before. Expected lines written by hand in /tmp/audits/clifr/EXPECTED.md:
ROI of AX-FIXE (10 % × 20 000 = 2 000; × 0,30 = 600; (600 − 1 000) / 1 000) −40 %, of AX-PERTE (4 000 × 0,30 =
1 200; (1 200 − 5 000) / 5 000) −76 %. Console typography as the command's other French lines: a plain space
before « : » and « ; », pac_core.money's figures (U+202F grouping, U+00A0 before « € » and « % », U+2212 minus)."""

from __future__ import annotations

import os
from pathlib import Path

from tests.cli import run_pac
from tests.e2e.test_cli_unmeasured import PLAN as ENGLISH_PLAN
from tests.e2e.test_cli_unmeasured import _env, _files

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config" / "plans" / "example.pac.yaml"

PLAN = """\
plan: {name: PAC test FR, year: 2027, timezone: Europe/Paris, currency: EUR, language: fr}
people:
  - {email: nathalie.garnier@durand-process.example, name: Nathalie Garnier, role: manager}
  - {email: julie.martin@durand-process.example, name: Julie Martin, role: rep}
segments:
  - id: S-RA
    name: Rhône-Alpes
    kind: horizontale
    scope: {region: Auvergne-Rhône-Alpes}
    swot: {strengths: [a], weaknesses: [b], opportunities: [c], threats: [d]}
axes:
  - id: AX-CROISS
    name: Croissance clients
    segment: S-RA
    objective: {additional_revenue: "+30 %", margin_rate: 0.35, budget: 5000}
  - id: AX-FIXE
    name: Croissance fixée
    segment: S-RA
    objective: {additional_revenue: "+10 %", baseline: 20000, margin_rate: 0.30, budget: 1000}
  - id: AX-GRATUIT
    name: Axe sans coût
    segment: S-RA
    objective: {additional_revenue: 10000, margin_rate: 0.30, budget: 0}
  - id: AX-INCONNU
    name: Axe sans coût écrit
    segment: S-RA
    objective: {additional_revenue: 10000, margin_rate: 0.30}
  - id: AX-PERTE
    name: Axe à perte
    segment: S-RA
    objective: {additional_revenue: 4000, margin_rate: 0.30, budget: 5000}
actions:
""" + "".join(f"""\
  - id: A-0{i}
    axis: {axis}
    text: "Visiter 5 clients du 69 en semaine 18"
    who: julie.martin@durand-process.example
    what: {{activity: visite, count: 5, scope: {{departement: "69"}}}}
    when: "semaine 18"
""" for i, axis in enumerate(("AX-CROISS", "AX-FIXE", "AX-GRATUIT", "AX-INCONNU", "AX-PERTE"), 1))

NO_COST = """\
plan: {name: PAC sans coûts, year: 2027, timezone: Europe/Paris, currency: EUR, language: fr}
people:
  - {email: julie.martin@durand-process.example, name: Julie Martin, role: manager}
segments:
  - id: S-RA
    name: Rhône-Alpes
    kind: horizontale
    scope: {region: Auvergne-Rhône-Alpes}
    swot: {strengths: [a]}
axes:
  - {id: AX-1, name: Un, segment: S-RA, objective: {additional_revenue: 10000, margin_rate: 0.3}}
actions:
  - id: A-01
    axis: AX-1
    text: "Visiter 5 clients du 69 en semaine 18"
    who: julie.martin@durand-process.example
    what: {activity: visite, count: 5, scope: {departement: "69"}}
    when: "semaine 18"
"""

FISCAL = NO_COST.replace("language: fr}",
                         "language: fr, fiscal_calendar: 4-4-5,\n       period: \"2027-01-04..2028-01-02\"}")

TAIL = ("relevez l'objectif ou baissez le coût, sinon le conseiller dira l'axe non rentable, même s'il réussit")
FRENCH = [
    "✓ plan OK : 1 segment, 5 axes, 5 actions",
    "AX-CROISS : objectif +30\u00a0% du CA 2026 du périmètre, mesuré sur les affaires gagnées du CRM à chaque "
    "évaluation (après une sync, pac explain AX-CROISS donne le montant)",
    "AX-FIXE : objectif +10\u00a0% de 20\u202f000\u00a0€ (référence fixée dans le plan) = 2\u202f000\u00a0€",
    "attention : axe AX-GRATUIT : son coût est 0, il n'a donc pas de ROI (le rapport dit « sans coût ») : si l'axe "
    "coûte quelque chose, écrivez son budget (ou effort_days et day_cost)",
    "attention : axe AX-INCONNU : aucun coût écrit (budget, ou effort_days et day_cost) alors que d'autres axes en ont "
    "un : son ROI, celui de son segment et celui du plan restent inconnus (« – ») tant qu'il ne l'est pas",
    "attention : axe AX-FIXE : atteint en entier, son objectif ne paie pas son coût : 2\u202f000\u00a0€ × 30\u00a0% "
    "de marge = 600\u00a0€, en dessous du coût de 1\u202f000\u00a0€ (ROI \u221240\u00a0% à 100\u00a0%) ; " + TAIL,
    "attention : axe AX-PERTE : atteint en entier, son objectif ne paie pas son coût : 4\u202f000\u00a0€ × 30\u00a0% "
    "de marge = 1\u202f200\u00a0€, en dessous du coût de 5\u202f000\u00a0€ (ROI \u221276\u00a0% à 100\u00a0%) ; "
    + TAIL,
]
ENGLISH = [
    "✓ plan OK: 1 segment, 5 axes, 5 actions",
    "AX-CROISS objective: +30% of the scope's 2026 revenue, measured on the CRM's won deals at each evaluation "
    "(after a sync, pac explain AX-CROISS shows the amount)",
    "AX-FIXE objective: +10% of €20,000 (the plan's fixed baseline) = €2,000",
    "warning: axis AX-GRATUIT: its cost is 0, so it has no ROI (the report says \"no cost\"): if the axis does cost "
    "something, write its budget (or effort_days and day_cost)",
    "warning: axis AX-INCONNU: no cost written (budget, or effort_days and day_cost) while other axes have one: its "
    "ROI, its segment's and the plan's are unknown (\"–\") until it is",
    "warning: axis AX-FIXE: reached in full, its objective does not pay its cost: €2,000 x 30% margin = €600, below "
    "the cost of €1,000 (ROI \u221240% at 100 %); raise the objective or lower the cost, or the advisor will call the "
    "axis unprofitable however well it goes",
    "warning: axis AX-PERTE: reached in full, its objective does not pay its cost: €4,000 x 30% margin = €1,200, "
    "below the cost of €5,000 (ROI \u221276% at 100 %); raise the objective or lower the cost, or the advisor will "
    "call the axis unprofitable however well it goes",
]


def _check(tmp_path: Path, text: str, name: str = "plan.pac.yaml") -> list[str]:
    plan = tmp_path / name
    plan.write_text(text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PAC_CONFIG"}
    env["PAC_CONFIG"] = str(tmp_path / "absent-settings.yaml")     # no settings: the plan's own lines only
    done = run_pac("plan", "check", str(plan), env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.splitlines()


def test_french_plan_check_lines_are_french(tmp_path: Path) -> None:
    assert _check(tmp_path, PLAN) == FRENCH


def test_english_plan_check_lines_unchanged(tmp_path: Path) -> None:
    assert _check(tmp_path, PLAN.replace("language: fr", "language: en")) == ENGLISH


def test_french_plan_with_no_cost_at_all(tmp_path: Path) -> None:
    assert _check(tmp_path, NO_COST) == [
        "✓ plan OK : 1 segment, 1 axe, 1 action",
        "attention : aucun axe n'a de coût écrit (budget, ou effort_days et day_cost, sous chaque objectif) : le "
        "rapport ne peut montrer aucun ROI, ni d'un axe, ni d'un segment, ni du plan (« – ») ; écrivez le coût de "
        "chaque axe, ou budget: 0 pour un axe qui ne coûte rien"]


def test_french_fiscal_calendar_line(tmp_path: Path) -> None:
    lines = _check(tmp_path, FISCAL)
    assert lines[1].startswith("calendrier fiscal : T1 2027-01-04.."), lines
    assert ", T4 " in lines[1] and "Q" not in lines[1], lines


def test_french_unfilled_warnings_name_the_axe(tmp_path: Path) -> None:
    """The key of an unfilled warning names « axe AX-2 », beside the French cost lines' « axe AX-GRATUIT : … »;
    the same plan in English keeps « axis AX-2 »."""
    text = NO_COST.replace("actions:", "  - {id: AX-2, name: Deux, segment: S-RA}\nactions:")
    path = tmp_path / "plan.pac.yaml"
    lines = _check(tmp_path, text)
    assert f"attention : {path}:12 axe AX-2: aucune action ne le sert : rien de ce que font les commerciaux n'est " \
        "compté pour lui, et son objectif reste un vœu (écrivez au moins une action avec axis: AX-2 : qui fait quoi, " \
        "combien, quand ; ou suspendez ou abandonnez l'axe)" in lines, lines
    assert any(line.startswith(f"attention : {path}:12 axe AX-2: pas d'objectif : ") for line in lines), lines
    english = _check(tmp_path, text.replace("language: fr", "language: en"))
    assert any(line.startswith(f"warning: {path}:12 axis AX-2: no action serves it: ") for line in english), english


def test_french_plan_check_words_an_unmeasured_action_in_french(tmp_path: Path) -> None:
    """A French plan the settings name, HubSpot only, an e-mail action: `pac plan check` says A-4 stays at 0 in
    French, as `pac sync --lang fr` does (``unmeasured_action``); it printed the English words before (audit clifr).
    The English plan's line is tests/e2e/test_cli_unmeasured.py's."""
    plan, settings = _files(tmp_path)
    plan.write_text(ENGLISH_PLAN.replace("language: en", "language: fr"), encoding="utf-8")
    done = run_pac("plan", "check", str(plan), env=_env(settings), cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    flat = " ".join(done.stdout.split())
    assert ("attention : l'action A-4 compte les activités 'email', qu'aucun connecteur du plan ne lit (hs-audit "
            "(hubspot)) : elle restera à 0 quoi qu'on fasse. Pour la mesurer : hs-audit : mettez "
            "activities.emails.enabled: true dans son mapping") in flat, done.stdout
    assert "counts 'email' activities" not in flat, done.stdout
