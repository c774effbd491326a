"""pac plan import: what Excel makes of what a manager types (audit excelcells). « $25,000 » in a Combien cell is
stored 25000 with a currency format, « 1,5 » 1.5, a merged Notes column holds its value in its top cell only, a
window typed as two date cells (« du 01/06/2027 » | « au 30/06/2027 ») fills two columns. Each case was a plan the
manager did not write, or a refusal of a cell pac does not read."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from pac_config.plan_import import import_spreadsheet
from pac_config.planfile import load_plan_text
from pac_core.errors import InvalidInput

JULIE = "julie.martin@durand-process.example"
HEADER = ["Segment", "Axe", "Action", "Qui", "Quoi", "Combien", "Quand", "Périmètre", "Statut"]
ENGLISH = ["Segment", "Axis", "Action", "Who", "What", "How many", "When", "Scope", "Status"]


def row(count: Any = 5, when: Any = "semaine 18") -> list[Any]:
    return ["Ouest", "Dormants", "Visiter 5 clients", JULIE, "visite", count, when, "département: 69", "fait"]


def save(path: Path, rows: list[list[Any]], formats: dict[str, str] | None = None,
         merged: tuple[str, ...] = ()) -> Path:
    book = Workbook()
    sheet: Any = book.active
    sheet.title = "PAC"
    for values in rows:
        sheet.append(values)
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    for cells in merged:
        sheet.merge_cells(cells)
    book.save(path)
    return path


def problems(path: Path, **kw: Any) -> list[str]:
    with pytest.raises(InvalidInput) as info:
        import_spreadsheet(path, year=2027, today=date(2027, 1, 4), **kw)
    return [str(p) for p in info.value.problems]


class TestAmountsAndDecimalsInCombien:
    @pytest.mark.parametrize(("number_format", "shown"), [
        ('"$"#,##0', "'$25,000'"),                       # « $25,000 » typed in a US Excel
        ("[$$-409]#,##0", "'$25,000'"),                  # Format Cells > Currency > $ English (United States)
        ('#,##0\\ "€"', "'25 000 €'"),                   # « 25 000 € » typed in a French Excel
        ("#,##0\\ [$€-40C]", "'25 000 €'"),              # LibreOffice's euro
        ('_-* #,##0\\ "€"_-;\\-* #,##0\\ "€"_-;_-* "-"??\\ "€"_-;_-@_-', "'25 000 €'"),   # French accounting
    ])
    def test_a_number_shown_as_money_is_no_count(self, tmp_path: Path, number_format: str, shown: str) -> None:
        # before: imported as 25000 visits (only a « statement says 5 » warning; none when the statement says no
        # number), while the same text in a CSV is refused
        path = save(tmp_path / "m.xlsx", [HEADER, row(count=25000)], {"F2": number_format})
        said = problems(path)
        assert len(said) == 1 and shown in said[0] and "column 'Combien' (F)" in said[0], said

    def test_a_decimal_count_is_said_as_the_french_sheet_shows_it(self, tmp_path: Path) -> None:
        # « 1,5 » typed in a French Excel is stored 1.5: it was said « 1.5 is not a whole number », as a CSV's '1,5'
        path = save(tmp_path / "d.xlsx", [HEADER, row(count=1.5)])
        said = problems(path)
        assert len(said) == 1 and "'1,5' is not a whole number" in said[0], said

    def test_a_decimal_count_is_said_with_its_point_in_an_english_sheet(self, tmp_path: Path) -> None:
        english = ["West", "Dormant", "Visit 5 accounts", JULIE, "visit", 1.5, "May 2027", "", ""]
        path = save(tmp_path / "e.xlsx", [ENGLISH, english])
        said = problems(path, language="en")
        assert len(said) == 1 and "'1.5' is not a whole number" in said[0], said


class TestMergedCells:
    def test_merged_cells_in_a_column_not_read_are_no_problem(self, tmp_path: Path) -> None:
        # before: refused « merged cells cannot be read row by row » for a Notes column pac ignores
        path = save(tmp_path / "n.xlsx", [[*HEADER, "Notes"], [*row(), "à relancer"], [*row(), None], [*row(), None]],
                    merged=("J2:J4",))
        plan = load_plan_text(import_spreadsheet(path, year=2027).text)
        assert len(plan.actions) == 3

    def test_merged_cells_in_a_column_read_are_still_refused(self, tmp_path: Path) -> None:
        # one owner merged over two actions: only the top row holds it (a blank Qui does not repeat the row above)
        rows = [[*HEADER, "Notes"], row(), [*row()[:3], None, *row()[4:]]]
        said = problems(save(tmp_path / "r.xlsx", rows, merged=("D2:D3", "J2:J3")))
        assert len(said) == 1 and "cells D2:D3: merged cells" in said[0], said

    def test_a_segment_or_axis_merged_down_its_rows_is_read_as_shown(self, tmp_path: Path) -> None:
        # « Ouest » merged down A2:A4, « Dormants » down B2:B3: the cells below are blank, which repeat the row
        # above, as the merge shows. Before: refused, « merged cells cannot be read row by row »
        rows = [HEADER, row(), [None, None, *row()[2:]], [None, "Contrats", *row()[2:]], ["Est", *row()[1:]]]
        plan = load_plan_text(import_spreadsheet(save(tmp_path / "s.xlsx", rows, merged=("A2:A4", "B2:B3")),
                                                 year=2027).text)
        axes = {axis.id: axis for axis in plan.axes}
        assert [(axes[a.axis_id].segment_id, axes[a.axis_id].name) for a in plan.actions] == [
            ("S-OUEST", "Dormants"), ("S-OUEST", "Dormants"), ("S-OUEST", "Contrats"), ("S-EST", "Dormants")]

    def test_an_axis_merged_across_two_segments_is_refused(self, tmp_path: Path) -> None:
        # the axis would repeat only while the segment is the same: the row of « Est » would have no axis
        rows = [HEADER, row(), ["Est", None, *row()[2:]]]
        said = problems(save(tmp_path / "a.xlsx", rows, merged=("B2:B3",)))
        assert len(said) == 1 and "cells B2:B3" in said[0] and "row 3 starts the segment 'Est'" in said[0], said

    def test_a_merged_title_row_is_told_as_a_title_row(self, tmp_path: Path) -> None:
        # before: « cells A1:I1: merged cells cannot be read », and once unmerged, the title row read as the header
        path = save(tmp_path / "t.xlsx", [["PAC 2027"], HEADER, row()], merged=("A1:I1",))
        said = problems(path)
        assert len(said) == 1 and "missing column(s)" in said[0] and "title rows" in said[0], said


class TestWindowTypedAsTwoDates:
    """« du 01/06/2027 au 30/06/2027 » typed as two date cells: the header « Quand » merged over two columns (then
    unmerged, the second column has no header) or a « Fin » column beside it. Only the first date was read: the
    action's window became 1 June alone, the end date dropped without a word."""

    @pytest.mark.parametrize("second", [None, "Fin", "Date de fin", "Au"])
    def test_an_end_date_beside_quand_is_refused_with_the_window_to_write(self, tmp_path: Path,
                                                                          second: str | None) -> None:
        rows = [[*HEADER[:7], second, *HEADER[7:]],
                [*row(when=datetime(2027, 6, 1))[:7], datetime(2027, 6, 30), *row()[7:]]]
        path = save(tmp_path / "w.xlsx", rows, {"G2": "dd/mm/yyyy", "H2": "dd/mm/yyyy"})
        said = problems(path)
        assert len(said) == 1, said
        assert "row 2, column 'Quand' (G)" in said[0] and "(H)" in said[0], said
        assert "du 01/06/2027 au 30/06/2027" in said[0], said

    def test_an_english_sheet_is_told_the_window_in_english(self, tmp_path: Path) -> None:
        english: list[Any] = ["West", "Dormant", "Visit 5 accounts", JULIE, "visit", 5, datetime(2027, 6, 1), "", ""]
        rows = [[*ENGLISH[:7], "End date", *ENGLISH[7:]], [*english[:7], datetime(2027, 6, 30), *english[7:]]]
        said = problems(save(tmp_path / "e.xlsx", rows), language="en")
        assert len(said) == 1 and "« from June 1, 2027 to June 30, 2027 »" in said[0], said

    def test_a_column_not_beside_quand_with_dates_is_not_read(self, tmp_path: Path) -> None:
        # a « Dernière visite » column of dates somewhere else is a column not read, as before
        rows = [[*HEADER, "Dernière visite"], [*row(), datetime(2026, 11, 3)]]
        plan = load_plan_text(import_spreadsheet(save(tmp_path / "o.xlsx", rows), year=2027).text)
        assert len(plan.actions) == 1

    def test_a_merged_quand_header_is_refused_as_merged(self, tmp_path: Path) -> None:
        rows = [[*HEADER[:7], None, *HEADER[7:]],
                [*row(when=datetime(2027, 6, 1))[:7], datetime(2027, 6, 30), *row()[7:]]]
        said = problems(save(tmp_path / "h.xlsx", rows, merged=("G1:H1",)))
        assert len(said) == 1 and "cells G1:H1: merged cells" in said[0], said


class TestNumberTypedInADateCell:
    """« 18 » (a week) typed in a cell formatted as a date is stored 18 and shown 18/01/1900 (Excel's day 18)."""

    def test_it_is_refused_at_its_cell_saying_what_excel_did(self, tmp_path: Path) -> None:
        # before, with no --year: « option --year: must be at least 2000, not 1900 » (an option never given: the
        # 1900 of the cell voted for the plan's year); with --year 2027: « outside the plan's period »
        rows = [HEADER, row(when=datetime(1900, 1, 18)), row(when="mai 2027")]
        path = save(tmp_path / "s.xlsx", rows, {"G2": "dd/mm/yyyy"})
        for year in (None, 2027):
            with pytest.raises(InvalidInput) as info:
                import_spreadsheet(path, year=year, today=date(2026, 12, 6))
            said = [str(p) for p in info.value.problems]
            assert len(said) == 1 and "row 2, column 'Quand' (G)" in said[0], said
            assert "18/01/1900" in said[0] and "the number 18" in said[0] and "semaine 18" in said[0], said

    def test_a_count_typed_in_a_date_cell_is_said_so(self, tmp_path: Path) -> None:
        path = save(tmp_path / "c.xlsx", [HEADER, row(count=datetime(1900, 1, 5))], {"F2": "dd/mm/yyyy"})
        said = problems(path)
        assert len(said) == 1 and "column 'Combien' (F)" in said[0] and "the number 5" in said[0], said


class TestDateCellsOutsideAnyPlanYear:
    @pytest.mark.parametrize("day", [datetime(1935, 5, 1), datetime(2107, 5, 1)])
    def test_they_do_not_vote_for_the_plan_year_and_are_said_at_their_cell(self, tmp_path: Path,
                                                                            day: datetime) -> None:
        # « 01/05/35 » typed is 1 May 1935 in Excel (two digits from 30 are 19xx). Before: « option --year: must be
        # at least 2000, not 1935 », an option never given and no cell named; the same date as text was named
        path = save(tmp_path / "y.xlsx", [HEADER, row(when=day)], {"G2": "dd/mm/yyyy"})
        with pytest.raises(InvalidInput) as info:
            import_spreadsheet(path, today=date(2026, 12, 6))
        said = [str(p) for p in info.value.problems]
        assert len(said) == 1 and "row 2, column 'Quand' (G)" in said[0] and "--year" in said[0], said
        assert "option --year" not in said[0], said


class TestTrueFalseCells:
    def test_a_ticked_box_under_statut_is_refused_asking_for_the_status(self, tmp_path: Path) -> None:
        # a TRUE (VRAI) cell: before, « unknown action status 'True' (did you mean 'prévue'?) », a status the
        # manager did not write and a guess that reads the tick backwards
        said = problems(save(tmp_path / "b.xlsx", [HEADER, [*row()[:8], True]]))
        assert len(said) == 1 and "column 'Statut' (I)" in said[0] and "TRUE" in said[0], said
        assert "prévue" not in said[0] and "fait" in said[0], said


def test_an_end_date_in_a_csv_fin_column_is_refused_too(tmp_path: Path) -> None:
    # a CSV (or cells formatted as Text) holds the dates as text: the « Fin » column was dropped the same way
    path = tmp_path / "w.csv"
    lines = [[*HEADER[:7], "Fin", *HEADER[7:]], [*map(str, row(when="01/06/2027")[:7]), "30/06/2027", *row()[7:]]]
    path.write_text("\n".join(";".join(cells) for cells in lines) + "\n", encoding="utf-8")
    said = problems(path)
    assert len(said) == 1 and "line 2, column 'Quand'" in said[0] and "du 01/06/2027 au 30/06/2027" in said[0], said


def test_a_merged_segment_hiding_other_names_below_is_refused(tmp_path: Path) -> None:
    # LibreOffice can keep the contents of the cells a merge hides: the sheet shows « Ouest » on both rows, while
    # row 3 holds « Est »; reading either way would not be what the manager sees
    plain = save(tmp_path / "plain.xlsx", [HEADER, row(), ["Est", *row()[1:]]])
    path = tmp_path / "k.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":     # openpyxl's merge_cells would empty A3
                data = data.replace(b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A2:A3"/>'
                                    b"</mergeCells>")
            out.writestr(item, data)
    said = problems(path)
    assert len(said) == 1 and "cells A2:A3: merged cells" in said[0], said


def test_a_date_shown_as_its_number_is_said_with_the_date_it_stands_for(tmp_path: Path) -> None:
    # a date pasted as a value into a Standard cell shows 46508: « cannot read '46508' as a period » left the
    # manager to guess it was 01/05/2027
    said = problems(save(tmp_path / "n.xlsx", [HEADER, row(when=46508)]))
    assert len(said) == 1 and "row 2, column 'Quand' (G)" in said[0] and "01/05/2027" in said[0], said
    assert "format the cell as a date" in said[0], said
