"""pac plan import, audit of a French manager's spreadsheets (/tmp/audit-import): what was silently wrong."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from pac_config.plan_import import import_spreadsheet
from pac_config.planfile import load_plan_text
from pac_core.errors import InvalidInput

JULIE = "julie.martin@durand-process.example"
HEADER = ["Segment", "Type de segment", "Axe", "Action", "Qui", "Quoi", "Combien"]


def csv_file(path: Path, rows: list[list[object]], *, encoding: str = "utf-8") -> Path:
    def cell(value: object) -> str:
        text = "" if value is None else str(value)
        return f'"{text}"' if ";" in text else text
    path.write_bytes(("\r\n".join(";".join(cell(v) for v in r) for r in rows) + "\r\n").encode(encoding))
    return path


def xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "PAC"
    for values in rows:
        sheet.append(values)
    book.save(path)
    return path


def action(text: str, activity: str, count: object, when: object, *, segment: str = "Rhône-Alpes",
           kind: str | None = "géographique", axis: str | None = "Clients dormants") -> list[object]:
    return [segment, kind, axis, text, JULIE, activity, count, when]


def windows(path: Path, **kw: object) -> list[tuple[date, date, str]]:
    result = import_spreadsheet(path, **kw)  # type: ignore[arg-type]
    plan = load_plan_text(result.text)
    return [(a.window.start.date(), a.window.end.date(), a.window.label or "") for a in plan.actions]


def problems(path: Path, **kw: object) -> list[str]:
    with pytest.raises(InvalidInput) as info:
        import_spreadsheet(path, **kw)  # type: ignore[arg-type]
    return [str(p) for p in info.value.problems]


class TestDeadlineColumn:
    """Audit 1 and 11: under « Échéance », a date written as text (every CSV) is a deadline, as a date cell is."""

    def test_a_csv_date_under_echeance_is_a_deadline_like_the_xlsx_date_cell(self, tmp_path: Path) -> None:
        rows = [[*HEADER, "Échéance"],
                action("Appeler 10 clients dormants avant le 30 avril", "appel", 10, "30/04/2027"),
                action("Visiter 6 clients d'ici le 15 juin", "visite", 6, "15/06/2027")]
        got = windows(csv_file(tmp_path / "p.csv", rows), year=2027)
        assert got == [(date(2027, 1, 1), date(2027, 5, 1), "avant le 30/04/2027"),
                       (date(2027, 1, 1), date(2027, 6, 16), "avant le 15/06/2027")]
        from datetime import datetime
        cell = windows(xlsx(tmp_path / "p.xlsx", [[*HEADER, "Échéance"],
                                                  action("Appeler 10 clients", "appel", 10, datetime(2027, 4, 30))]),
                       year=2027)
        assert cell[0] == got[0]

    def test_a_text_cell_in_an_xlsx_is_read_as_the_same_deadline(self, tmp_path: Path) -> None:
        path = xlsx(tmp_path / "p.xlsx", [[*HEADER, "Échéance"], action("Appeler 10 clients", "appel", 10,
                                                                        "30/04/2027")])
        assert windows(path, year=2027) == [(date(2027, 1, 1), date(2027, 5, 1), "avant le 30/04/2027")]

    def test_a_month_or_week_under_echeance_is_due_by_its_end(self, tmp_path: Path) -> None:
        rows = [[*HEADER, "Échéance"],
                action("Visiter 5 clients", "visite", 5, "juin 2027"),
                action("Appeler 8 clients", "appel", 8, "S24"),
                action("Appeler 9 clients", "appel", 9, "T2"),
                action("Appeler 3 clients", "appel", 3, "avant le 15 mai"),         # a deadline already
                action("Appeler 4 clients", "appel", 4, "du 3 au 28 mai")]          # a range: as written
        got = windows(csv_file(tmp_path / "p.csv", rows), year=2027)
        assert [(a, b) for a, b, _ in got] == [(date(2027, 1, 1), date(2027, 7, 1)),
                                               (date(2027, 1, 1), date(2027, 6, 21)),
                                               (date(2027, 1, 1), date(2027, 7, 1)),
                                               (date(2027, 1, 1), date(2027, 5, 16)),
                                               (date(2027, 5, 3), date(2027, 5, 29))]

    def test_a_text_date_under_quand_follows_the_statement_like_a_date_cell(self, tmp_path: Path) -> None:
        rows = [[*HEADER, "Quand"],
                action("Appeler 10 clients dormants avant le 30 avril", "appel", 10, "30/04/2027"),
                action("Rencontrer 2 clients le 4 mai", "rdv", 2, "04/05/2027")]
        got = windows(csv_file(tmp_path / "p.csv", rows), year=2027)
        assert [(a, b) for a, b, _ in got] == [(date(2027, 1, 1), date(2027, 5, 1)),
                                               (date(2027, 5, 4), date(2027, 5, 5))]

    @pytest.mark.parametrize("header", ["Date limite", "Due date", "Date butoir"])
    def test_the_documented_deadline_headers_are_accepted(self, tmp_path: Path, header: str) -> None:
        rows = [[*HEADER, header], action("Appeler 10 clients avant le 30 avril", "appel", 10, "30/04/2027")]
        assert windows(csv_file(tmp_path / "p.csv", rows), year=2027) == [
            (date(2027, 1, 1), date(2027, 5, 1), "avant le 30/04/2027")]
