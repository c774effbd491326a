"""pac plan import, audit of a French manager's spreadsheets (/tmp/audit-import): what was silently wrong."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import ClassVar

import pytest
from openpyxl import Workbook

from pac_config.plan_import import import_spreadsheet
from pac_config.planfile import load_plan_text
from pac_core.errors import InvalidInput
from tests.unit.test_plan_import_robust import xlsx

JULIE = "julie.martin@durand-process.example"
HEADER = ["Segment", "Type de segment", "Axe", "Action", "Qui", "Quoi", "Combien"]


def csv_file(path: Path, rows: list[list[object]], *, encoding: str = "utf-8") -> Path:
    def cell(value: object) -> str:
        text = "" if value is None else str(value)
        return f'"{text}"' if ";" in text else text
    path.write_bytes(("\r\n".join(";".join(cell(v) for v in r) for r in rows) + "\r\n").encode(encoding))
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


class TestShortYears:
    """Audit 2, 9, 10: « juin 27 » (Excel FR shows a month cell as « juin-27 ») is June 2027, not 27 June of this
    year; « 30/04/27 » names 2027; what cannot be decided is refused with its row and column."""

    TODAY = date(2026, 12, 5)

    def test_a_month_then_two_digits_is_the_month_of_that_year(self, tmp_path: Path) -> None:
        rows = [[*HEADER, "Quand"],
                action("Visiter 5 clients dormants en juin", "visite", 5, "juin 27"),
                action("Appeler 8 clients en mai", "appel", 8, "mai-27"),
                action("Faire 3 démos avant fin juin", "démo", 3, "fin juin 27"),
                action("Visiter 4 clients le 3 mai", "visite", 4, "03-mai")]
        result = import_spreadsheet(csv_file(tmp_path / "p.csv", rows), today=self.TODAY)
        assert result.year == 2027
        got = [(a.window.start.date(), a.window.end.date()) for a in load_plan_text(result.text).actions]
        assert got == [(date(2027, 6, 1), date(2027, 7, 1)), (date(2027, 5, 1), date(2027, 6, 1)),
                       (date(2027, 1, 1), date(2027, 7, 1)), (date(2027, 5, 3), date(2027, 5, 4))]

    def test_juin_27_and_juin_dash_27_read_the_same_and_27_juin_stays_a_day(self, tmp_path: Path) -> None:
        rows = [[*HEADER, "Quand"], action("Visiter 5 clients", "visite", 5, "juin 27"),
                action("Visiter 5 clients", "visite", 5, "juin-27"), action("Visiter 5 clients", "visite", 5,
                                                                             "27 juin")]
        first, second, third = windows(csv_file(tmp_path / "p.csv", rows), year=2027)
        assert first[:2] == second[:2] == (date(2027, 6, 1), date(2027, 7, 1))
        assert third[:2] == (date(2027, 6, 27), date(2027, 6, 28))

    def test_a_month_then_a_number_far_from_the_plan_is_refused_as_ambiguous(self, tmp_path: Path) -> None:
        rows = [[*HEADER, "Quand"], action("Visiter 5 clients", "visite", 5, "juin 15")]
        found = problems(csv_file(tmp_path / "p.csv", rows), year=2027)
        assert len(found) == 1
        assert "line 2, column 'Quand'" in found[0] and "juin 2015" in found[0] and "15 juin" in found[0]

    def test_two_digit_years_of_numeric_dates_give_the_plan_year(self, tmp_path: Path) -> None:
        rows = [[*HEADER, "Quand"], action("Visiter 5 clients en semaine 18", "visite", 5, "S18"),
                action("Appeler 10 clients avant le 30 avril", "appel", 10, "avant le 30/04/27"),
                action("Visiter 4 clients le 3 mai", "visite", 4, "03/05/27")]
        result = import_spreadsheet(csv_file(tmp_path / "p.csv", rows), today=self.TODAY)
        assert result.year == 2027
        assert load_plan_text(result.text).actions[0].window.start.date() == date(2027, 5, 3)

    def test_outside_the_period_says_the_year_pac_assumed(self, tmp_path: Path) -> None:
        rows = [[*HEADER, "Quand"], action("Visiter 5 clients en semaine 18", "visite", 5, "S18"),
                action("Visiter 4 clients le 3 mai 2028", "visite", 4, "03/05/2028"),
                action("Visiter 4 clients en juin", "visite", 4, "juin 2027"),
                action("Visiter 4 clients en juillet", "visite", 4, "juillet 2027")]
        found = problems(csv_file(tmp_path / "p.csv", rows), today=self.TODAY)
        assert len(found) == 1 and "line 3" in found[0] and "outside the plan's period" in found[0]
        assert "2027-01-01 to 2027-12-31" in found[0] and "assumed year 2027" in found[0] and "--year" in found[0]


class TestGroups:
    """Audit 3: a blank Type de segment / Axe repeats the row above only within the same segment."""

    def test_a_new_segment_does_not_inherit_the_previous_type_and_axis(self, tmp_path: Path) -> None:
        rows = [[*HEADER, "Quand"],
                action("Visiter 5 clients en mai", "visite", 5, "mai"),
                action("Appeler 5 clients en juin", "appel", 5, "juin", segment="", kind=None, axis=None),
                action("Faire 3 démos en juin", "démo", 3, "juin", segment="Industrie pharmaceutique", kind=None,
                       axis=None)]
        found = problems(csv_file(tmp_path / "p.csv", rows), year=2027)
        assert len(found) == 1, found
        assert "line 4, column 'Axe'" in found[0] and "Industrie pharmaceutique" in found[0]
        assert "line 3" not in found[0]

    def test_a_new_segment_with_a_blank_type_gets_the_flagged_default(self, tmp_path: Path) -> None:
        rows = [[*HEADER, "Quand"],
                action("Visiter 5 clients en mai", "visite", 5, "mai"),
                action("Faire 3 démos en juin", "démo", 3, "juin", segment="Industrie pharmaceutique", kind=None,
                       axis="Démonstrations"),
                action("Faire 2 démos en mai", "démo", 2, "mai", segment="", kind=None, axis=None)]
        result = import_spreadsheet(csv_file(tmp_path / "p.csv", rows), year=2027)
        plan = load_plan_text(result.text)
        kinds = {s.name: s.kind.value for s in plan.segments}
        assert kinds == {"Rhône-Alpes": "horizontal", "Industrie pharmaceutique": "horizontal"}
        pharma = result.text[result.text.index("Industrie pharmaceutique"):]
        assert "à vérifier" in pharma.split("\n", 2)[1]
        assert [a.axis_id for a in plan.actions][1:] == [plan.axes[1].id, plan.axes[1].id]


class TestIds:
    """Audit 5: a Réf given twice is refused (ids are the CRM keys), never renamed without a word."""

    @pytest.mark.parametrize("again", ["A-01", "a-01"])
    def test_a_duplicated_ref_names_both_rows(self, tmp_path: Path, again: str) -> None:
        rows = [[*HEADER, "Quand", "Réf"],
                [*action("Visiter 5 clients en mai", "visite", 5, "mai"), "A-01"],
                [*action("Visiter 6 clients en juin", "visite", 6, "juin"), "A-02"],
                [*action("Appeler 7 clients en juin", "appel", 7, "juin"), again]]
        found = problems(csv_file(tmp_path / "p.csv", rows), year=2027)
        assert len(found) == 1, found
        assert "line 4, column 'Réf'" in found[0] and "line 2" in found[0] and f"{again!r}" in found[0]

    def test_a_blank_ref_takes_a_number_no_given_ref_uses(self, tmp_path: Path) -> None:
        rows = [[*HEADER, "Quand", "Réf"],
                [*action("Visiter 5 clients en mai", "visite", 5, "mai"), "A-02"],
                [*action("Visiter 6 clients en juin", "visite", 6, "juin"), None],
                [*action("Appeler 7 clients en juin", "appel", 7, "juin"), None]]
        plan = load_plan_text(import_spreadsheet(csv_file(tmp_path / "p.csv", rows), year=2027).text)
        assert [a.id for a in plan.actions] == ["A-02", "A-03", "A-04"]


ENC_ROWS = [[*HEADER, "Quand"], action("Visiter 5 clients de l'Isère en mai", "visite", 5, "mai"),
            action("Appeler 5 clients en juin", "appel", 5, "juin")]


class TestEncodings:
    """Audit 6 and 13: a file mixing encodings is refused with the line, never read as mojibake; UTF-16 is read."""

    def test_one_windows_1252_byte_in_a_utf8_file_is_refused_with_its_line(self, tmp_path: Path) -> None:
        path = csv_file(tmp_path / "p.csv", ENC_ROWS)
        data = path.read_bytes().replace("l'Isère".encode(), b"l\x92Is\xc3\xa8re")   # ’ pasted as cp1252
        assert b"\x92" in data and "Rhône".encode() in data
        path.write_bytes(data)
        found = problems(path, year=2027)
        assert len(found) == 1, found
        assert "line 2" in found[0] and "0x92" in found[0] and "CSV UTF-8" in found[0] and "Isère" in found[0]

    def test_a_mac_roman_file_is_refused_not_read_as_windows_1252(self, tmp_path: Path) -> None:
        path = csv_file(tmp_path / "p.csv", ENC_ROWS, encoding="mac_roman")
        found = problems(path, year=2027)
        assert len(found) == 1, found
        assert "line 2" in found[0] and "Windows-1252" in found[0] and "CSV UTF-8" in found[0]

    def test_a_mac_roman_file_whose_only_accents_are_o_circumflex_and_capital_e_is_refused(self, tmp_path: Path
                                                                                           ) -> None:
        """ô and É are ™ and ƒ in Windows-1252 (« Rh™ne-Alpes »): the file is refused, not imported as mojibake
        (re-verification F5: exit 0 with « Rh™ne-Alpes »); a real ™ or ” after a word stays readable."""
        rows = [[*HEADER, "Quand"], action("Visiter 5 clients d'Épinal en mai", "visite", 5, "mai")]
        path = csv_file(tmp_path / "p.csv", rows, encoding="mac_roman")
        assert "Rh\u2122ne".encode("cp1252") in path.read_bytes()
        found = problems(path, year=2027)
        assert len(found) == 1 and "Windows-1252" in found[0] and "CSV UTF-8" in found[0], found
        rows = [[*HEADER, "Quand"], action("Visiter 5 clients “PX200™” en mai", "visite", 5, "mai")]
        result = import_spreadsheet(csv_file(tmp_path / "q.csv", rows, encoding="cp1252"), year=2027)
        assert "name: Rhône-Alpes" in result.text and "PX200™”" in result.text

    def test_a_plain_windows_1252_file_is_read_and_said(self, tmp_path: Path) -> None:
        result = import_spreadsheet(csv_file(tmp_path / "p.csv", ENC_ROWS, encoding="cp1252"), year=2027)
        assert "name: Rhône-Alpes" in result.text
        assert any("Windows-1252" in a for a in result.assumed)

    def test_excel_unicode_text_utf16_is_read(self, tmp_path: Path) -> None:
        path = tmp_path / "p.txt"
        path.write_bytes(b"\xff\xfe" + "\r\n".join("\t".join("" if v is None else str(v) for v in r)
                                                   for r in ENC_ROWS).encode("utf-16-le"))
        result = import_spreadsheet(path, year=2027)
        assert "name: Rhône-Alpes" in result.text and "l'Isère" in result.text

    def test_utf16_without_its_mark_is_refused_naming_the_encoding(self, tmp_path: Path) -> None:
        path = tmp_path / "p.csv"
        path.write_bytes("\r\n".join(";".join("" if v is None else str(v) for v in r)
                                     for r in ENC_ROWS).encode("utf-16-le"))
        found = problems(path, year=2027)
        assert len(found) == 1 and "UTF-16" in found[0] and "CSV UTF-8" in found[0]


EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "plans" / "example.actions.csv"


def _mojibake(text: str) -> str:
    """What a UTF-8 file becomes when Excel opens it as Windows-1252 (no BOM) and it is saved again as UTF-8."""
    return text.encode("utf-8").decode("cp1252", "replace")


class TestDoubleEncoded:
    """Audit ops2: a UTF-8 file opened by Excel as Windows-1252 and saved again as « CSV UTF-8 » holds « RhÃ´ne »
    for « Rhône ». It is valid UTF-8, so it was imported: segment and people names written as mojibake, and the
    column « PÃ©rimÃ¨tre » not recognised, so every action lost its scope (it would count every account)."""

    ROWS: ClassVar[list[list[object]]] = [
        [*HEADER, "Quand", "Périmètre"],
        [*action("Visiter 5 clients de l'Isère en mai", "visite", 5, "mai", kind="horizontale"), "département: 38"]]

    def test_a_double_encoded_csv_is_refused_at_its_first_cell_with_the_fix(self, tmp_path: Path) -> None:
        """Seen failing before the fix: DID NOT RAISE (the plan had « name: RhÃ´ne-Alpes » and no scope)."""
        path = tmp_path / "p.csv"
        path.write_bytes(_mojibake(csv_file(tmp_path / "src.csv", self.ROWS).read_text(encoding="utf-8"))
                         .encode("utf-8-sig"))
        found = problems(path, year=2027)
        assert len(found) == 1, found
        assert found[0].startswith("p.csv line 1: ") and "« PÃ©rimÃ¨tre »" in found[0], found
        assert "« Périmètre »" in found[0] and "Windows-1252" in found[0] and "CSV UTF-8" in found[0], found

    def test_a_double_encoded_xlsx_cell_is_refused_at_its_row_and_column(self, tmp_path: Path) -> None:
        """Seen failing before the fix: DID NOT RAISE."""
        rows = [self.ROWS[0], [_mojibake(str(v)) if isinstance(v, str) else v for v in self.ROWS[1]]]
        found = problems(xlsx(tmp_path / "p.xlsx", rows), year=2027)
        assert len(found) == 1, found
        assert found[0].startswith("p.xlsx sheet 'PAC', row 2, column 'Segment' (A): "), found
        assert "« RhÃ´ne-Alpes »" in found[0] and "« Rhône-Alpes »" in found[0], found

    def test_real_text_with_these_letters_is_read(self, tmp_path: Path) -> None:
        """« Ã » and « © » side by side in real words are no mojibake unless they decode as UTF-8 together."""
        rows = [self.ROWS[0], [*self.ROWS[1][:3], "Visiter 5 clients SÃO PAULO© en mai", *self.ROWS[1][4:]]]
        result = import_spreadsheet(csv_file(tmp_path / "p.csv", rows), year=2027)
        assert "SÃO PAULO©" in result.text

    @pytest.mark.parametrize(("name", "newline", "encoding", "delimiter"), [
        ("utf8.csv", "\n", "utf-8", ";"), ("bom-crlf.csv", "\r\n", "utf-8-sig", ";"),
        ("excel-fr.csv", "\r\n", "cp1252", ";"), ("mac.csv", "\r", "cp1252", ";"),
        ("unicode.txt", "\r\n", "utf-16", "\t"), ("excel-en.csv", "\r\n", "utf-8", ",")])
    def test_the_example_reads_the_same_in_every_encoding_excel_saves(self, tmp_path: Path, name: str, newline: str,
                                                                      encoding: str, delimiter: str) -> None:
        """The shipped example, saved as each of Excel's CSV / Unicode text flavours, gives the same plan."""
        rows = list(csv.reader(io.StringIO(EXAMPLE.read_text(encoding="utf-8"), newline=""), delimiter=";"))
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
        path = tmp_path / name
        path.write_bytes(out.getvalue().encode(encoding))
        expected = import_spreadsheet(EXAMPLE, year=2027).text.replace(EXAMPLE.name, name)
        assert import_spreadsheet(path, year=2027).text == expected


class TestStatementAndColumns:
    """Audit 4: the statement (what reps read in the CRM) and the columns (what is counted) disagree: said."""

    def test_each_disagreement_is_a_warning_on_its_row(self, tmp_path: Path) -> None:
        rows = [[*HEADER, "Quand", "Périmètre"],
                [*action("Visiter 5 clients dormants du 69 en semaine 18", "appel", 50, "S28"), "département: 38"],
                [*action("Visiter 5 clients dormants du 69 en semaine 18", "visite", 5, "S18"), "département: 69"],
                [*action("Appeler 10 clients avant le 30 avril", "appel", 10, "30/04/2027"), ""]]
        result = import_spreadsheet(csv_file(tmp_path / "p.csv", rows), year=2027, today=date(2026, 12, 5))
        assert len(result.warnings) == 1, result.warnings
        warning = result.warnings[0]
        assert warning.startswith("line 2 (A-01)")
        for said in ("visit", "call", "'Quoi'", "5", "50", "'Combien'", "semaine 18", "S28", "'Quand'",
                     "2027-07-12", "69", "38", "'Périmètre'"):
            assert said in warning, said


class TestSmaller:
    """Audit 10 and 8: « 5,0 » is 5 like the .xlsx 5.0; a title row or another sheet: the message says how the
    header row is found, and --sheet with the workbook's sheets."""

    def test_a_whole_number_written_with_a_decimal_comma(self, tmp_path: Path) -> None:
        rows = [[*HEADER, "Quand"], action("Visiter 5 clients en mai", "visite", "5,0", "mai"),
                action("Appeler 1000 clients en mai", "appel", "1\u00a0000", "mai")]
        plan = load_plan_text(import_spreadsheet(csv_file(tmp_path / "p.csv", rows), year=2027).text)
        assert [a.target for a in plan.actions] == [5, 1000]

    def test_a_title_row_and_another_sheet_are_explained(self, tmp_path: Path) -> None:
        book = Workbook()
        first = book.active
        first.title = "Synthèse"
        first.append(["Plan d'actions commerciales 2027"])
        first.append([])
        first.append([*HEADER, "Quand"])
        book.create_sheet("Actions")
        book.save(tmp_path / "p.xlsx")
        found = problems(tmp_path / "p.xlsx", year=2027)
        assert len(found) == 1
        assert "row 1 (« Plan d'actions commerciales 2027 ») was read as the header" in found[0]
        assert "first non-empty row" in found[0] and "--sheet" in found[0] and "Synthèse, Actions" in found[0]


class TestOnce:
    """Audit 12: each problem once, each with its row (a blank Qui was said twice, a bad owner once unlocated)."""

    def test_a_blank_cell_and_a_bad_owner_are_said_once_with_their_row(self, tmp_path: Path) -> None:
        rows = [[*HEADER, "Quand"], action("Visiter 5 clients en mai", "visite", 5, "mai"),
                [None, None, None, "Appeler 5 clients en juin", None, "appel", 5, "juin"],
                [None, None, None, "Appeler 6 clients en juin", "a@x.example; b@x.example", "appel", 6, "juin"]]
        found = problems(csv_file(tmp_path / "p.csv", rows), year=2027)
        assert len(found) == 2, found
        assert found[0].startswith("p.csv line 3, column 'Qui': this cell is empty")
        assert "repeat the row above" in found[0]
        assert found[1].startswith("p.csv line 4, column 'Qui'") and "not an e-mail address" in found[1]
