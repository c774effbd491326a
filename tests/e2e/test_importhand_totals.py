"""``pac plan import`` of a French sales manager's PAC workbook with a totals row at the bottom (audit importhand,
8 Dec 2026; the oracle written before running pac: /tmp/audits/importhand/EXPECTED.md).

A PAC kept in Excel ends with « Total » and the sums of its Combien / objective columns. pac refused it with five
« this cell is empty » problems at that row, one asking to « write this row's axis » for a segment named « Total »:
the manager was asked to fill in her totals row as an action. It is refused once, as a totals row, with the fix.
"""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook

from tests.cli import run_pac

HEADER = ["Segment", "Axe", "Action", "Responsable\u00a0", "Quoi", "Combien", "\u00c9ch\u00e9ance\u00a0"]


def _book(path: Path, last: list[object]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "PAC 2027"
    ws.append(HEADER)
    ws.append(["Rhône-Alpes", "Dormants", "Visiter 5 clients dormants du 69 en semaine 18", "julie.martin@acme.fr",
               "visite", 5, "S18"])
    ws.append([None, None, "Appeler 20 clients dormants avant le 18/05/2027", "julie.martin@acme.fr", "appel", 20,
               "18/05/2027"])
    ws.append([])
    ws.append(last)
    wb.save(path)
    return path


def _import(tmp_path: Path, source: Path) -> tuple[int, str]:
    result = run_pac("plan", "import", str(source), "-o", str(tmp_path / "p.pac.yaml"), "--force",
                     env={**os.environ, "COLUMNS": "1000"}, cwd=tmp_path)
    return result.returncode, result.stdout + result.stderr


def test_a_totals_row_is_refused_once_as_a_totals_row_not_as_an_action_to_fill_in(tmp_path: Path) -> None:
    code, out = _import(tmp_path, _book(tmp_path / "pac.xlsx", ["Total", None, None, None, None, 25, None]))
    assert code == 2, out
    assert "row 5" in out and "totals row" in out and "« Total »" in out, out
    assert "delete the row" in out, out
    assert "this cell is empty" not in out and "write this row's axis" not in out, out
    assert "1 problem" in out, out


def test_a_total_general_in_the_action_column_is_a_totals_row_too(tmp_path: Path) -> None:
    code, out = _import(tmp_path, _book(tmp_path / "pac.xlsx", [None, None, "TOTAL GÉNÉRAL", None, None, 25, None]))
    assert code == 2, out
    assert "row 5" in out and "totals row" in out and "« TOTAL GÉNÉRAL »" in out, out
    assert "this cell is empty" not in out, out


def test_a_segment_named_total_energies_stays_a_segment(tmp_path: Path) -> None:
    """A key account called « TotalEnergies » or « Total Énergies » is a segment, not a totals row."""
    code, out = _import(tmp_path, _book(tmp_path / "pac.xlsx", [
        "Total Énergies", "Fidélisation", "Visiter 3 sites Total Énergies en juin 2027", "julie.martin@acme.fr",
        "visite", 3, "juin 2027"]))
    assert code == 0, out
    assert "totals row" not in out, out


def test_an_objective_column_not_read_is_said_with_its_cells_and_where_to_write_it(tmp_path: Path) -> None:
    """« Objectif CA axe » (150 000 €) and « Taux de marge » (20 %) beside the actions were dropped without a word:
    the plan came out with axes without objective and nothing said the sheet had them."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "PAC 2027"
    ws.append([*HEADER, "Objectif CA axe", "Taux de marge", "Budget"])
    ws.append(["Rhône-Alpes", "Dormants", "Visiter 5 clients dormants du 69 en semaine 18", "julie.martin@acme.fr",
               "visite", 5, "S18", "150 000 €", 0.2, None])
    ws["I2"].number_format = "0%"
    ws.append([None, None, "Appeler 20 clients dormants avant le 18/05/2027", "julie.martin@acme.fr", "appel", 20,
               "18/05/2027", None, None, None])
    wb.save(tmp_path / "pac.xlsx")
    code, out = _import(tmp_path, tmp_path / "pac.xlsx")
    assert code == 0, out
    assert ("sheet 'PAC 2027', column 'Objectif CA axe' (H): not read (the import takes no objective), while row 2 "
            "holds one") in out, out
    assert "objective: {additional_revenue: ...}" in out, out
    assert "column 'Taux de marge' (I): not read" in out and "margin_rate" in out, out
    assert "'Budget'" not in out, out     # an empty column says nothing


def test_other_sheets_shaped_as_actions_are_warned_of_with_their_rows(tmp_path: Path) -> None:
    """One sheet per segment: only the active one was imported, with a ✓ and an `assumed:` line naming the others;
    the Industrie segment's actions were missing from the plan and nothing said the other tab held actions."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Distributeurs"
    head = ["Segment", "Axe", "Action", "Qui", "Quoi", "Combien", "Quand"]
    ws.append(head)
    ws.append(["Distributeurs", "Animation", "Faire 6 réunions avec les distributeurs en juin 2027",
               "paul.roux@acme.fr", "réunion", 6, "juin 2027"])
    other = wb.create_sheet("Industrie")
    other.append(head)
    other.append(["Industrie", "Conquête", "Visiter 15 industriels au T3", "paul.roux@acme.fr", "visite", 15, "T3"])
    other.append(["Industrie", "Conquête", "Appeler 30 industriels au T3", "paul.roux@acme.fr", "appel", 30, "T3"])
    wb.create_sheet("Notes").append(["Réunion du 12/01", "budget à voir"])
    wb.save(tmp_path / "pac.xlsx")
    code, out = _import(tmp_path, tmp_path / "pac.xlsx")
    assert code == 0, out
    assert ("warning: sheet 'Industrie': 2 action rows under the same columns, not imported (pac imports one sheet, "
            "here 'Distributeurs'") in out, out
    assert "'Notes'" not in out.split("assumed: sheet")[0] and "sheet 'Notes':" not in out, out
