"""pac plan import: the cells managers really hand in (audit xlsximport): formulas, Excel error values, several
sheets, hidden rows, float noise. Each case is a silently wrong plan before the fix (a row put under the segment
above, a scope or status lost, a segment named « #N/A », last year's sheet imported without a word)."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from pac_config.plan_import import import_spreadsheet
from pac_config.planfile import load_plan_text
from pac_core.errors import InvalidInput

JULIE = "julie.martin@durand-process.example"
HEADER = ["Segment", "Axe", "Action", "Qui", "Quoi", "Combien", "Quand", "Périmètre", "Statut"]


def row(segment: Any = "Ouest", scope: Any = "département: 69", status: Any = "fait", count: Any = 5,
        text: Any = "Visiter 5 clients") -> list[Any]:
    return [segment, "Dormants", text, JULIE, "visite", count, "semaine 18", scope, status]


def xlsx(path: Path, rows: list[list[Any]], *, title: str = "PAC") -> tuple[Path, Any]:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for values in rows:
        sheet.append(values)
    book.save(path)
    return path, book


def problems(path: Path, **kw: Any) -> list[str]:
    with pytest.raises(InvalidInput) as info:
        import_spreadsheet(path, year=2027, today=date(2027, 1, 4), **kw)
    return [str(p) for p in info.value.problems]


class TestFormulas:
    """openpyxl (and other generators) write formulas without their values; only Excel or LibreOffice compute them.
    Read with data_only, such a cell is None: it read as blank."""

    def test_a_formula_without_its_value_is_refused_not_read_blank(self, tmp_path: Path) -> None:
        # row 3: Segment =UPPER("Est") (meant: EST, a new segment), Périmètre ="département: "&"38", Statut
        # =IF(1,"fait",""): read blank, the row went under segment Ouest, its scope and status were lost.
        path, _ = xlsx(tmp_path / "f.xlsx", [HEADER, row(),
                                             row(segment='=UPPER("Est")', scope='="département: "&"38"',
                                                 status='=IF(1,"fait","")')])
        said = problems(path)
        assert len(said) == 3, said
        for column, letter in (("Segment", "A"), ("Périmètre", "H"), ("Statut", "I")):
            assert any(f"sheet 'PAC', row 3, column {column!r} ({letter})" in p and "formula" in p
                       and "Excel or LibreOffice" in p for p in said), (column, said)
        assert any('=UPPER("Est")' in p for p in said)

    def test_a_formula_with_its_value_is_that_value(self, tmp_path: Path) -> None:
        # a file saved by Excel keeps each formula's last value next to it (<v>): that value is read.
        path, _ = xlsx(tmp_path / "v.xlsx", [HEADER, row(), row(segment="Est", scope="département: 38")])
        edit_sheet(path, b'<c r="A3" t="inlineStr"><is><t>Est</t></is></c>',
                   b'<c r="A3" t="str"><f>UPPER("est")</f><v>Est</v></c>')
        # a formula whose value is an empty text (=IF(0,"fait","")): Excel writes t="str" and an empty <v>: a blank
        edit_sheet(path, b'<c r="I3" t="inlineStr"><is><t>fait</t></is></c>',
                   b'<c r="I3" t="str"><f>IF(0,"fait","")</f><v></v></c>')
        plan = load_plan_text(import_spreadsheet(path, year=2027).text)
        assert [s.name for s in plan.segments] == ["Ouest", "Est"]
        assert [a.status.value for a in plan.actions] == ["done", "planned"]

    def test_a_formula_in_a_column_the_import_ignores_is_no_problem(self, tmp_path: Path) -> None:
        path, _ = xlsx(tmp_path / "n.xlsx", [[*HEADER, "Note"], [*row(), "=1+1"]])
        plan = load_plan_text(import_spreadsheet(path, year=2027).text)
        assert len(plan.actions) == 1


def edit_sheet(path: Path, old: bytes, new: bytes) -> None:
    """Replace ``old`` by ``new`` in the first sheet's XML of the workbook ``path`` (a cell as Excel writes it)."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    assert old in parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(old, new)
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)


class TestErrorValues:
    """A formula that failed shows « #N/A », « #REF! »...: the cell holds that error, not a name or a statement."""

    def test_an_error_value_is_refused_with_its_cell(self, tmp_path: Path) -> None:
        # row 3's Segment and Action show #N/A and #REF!: they made a segment « #N/A » (S-N-A) and a statement
        # « #REF! » without a word.
        path, book = xlsx(tmp_path / "e.xlsx", [HEADER, row(), row(segment="x", text="x")])
        sheet = book.active
        for cell, error in (("A3", "#N/A"), ("C3", "#REF!")):
            sheet[cell].value = error
            sheet[cell].data_type = "e"
        book.save(path)
        said = problems(path)
        assert any("row 3, column 'Segment' (A)" in p and "#N/A" in p for p in said), said
        assert any("row 3, column 'Action' (C)" in p and "#REF!" in p for p in said), said

    def test_an_error_value_in_a_csv_is_refused(self, tmp_path: Path) -> None:
        # Excel writes the error's text into a CSV: « #N/A » under Segment is no segment's name.
        path = tmp_path / "e.csv"
        path.write_text("Segment;Axe;Action;Qui;Quoi;Combien;Quand\n"
                        f"#N/A;Dormants;Visiter 5 clients;{JULIE};visite;5;S18\n", encoding="utf-8")
        said = problems(path)
        assert any("line 2, column 'Segment'" in p and "#N/A" in p for p in said), said


class TestWhichSheet:
    def test_the_sheet_read_is_said_when_the_workbook_has_several(self, tmp_path: Path) -> None:
        # last year's sheet left active (the tab shown when the file was saved): its 2 actions were imported as the
        # plan, and nothing said which sheet was read, nor that another one exists.
        book = Workbook()
        old = book.active
        old.title = "PAC 2026"
        new = book.create_sheet("PAC 2027")
        for sheet, n in ((old, 2), (new, 3)):
            sheet.append(HEADER)
            for _ in range(n):
                sheet.append(row())
        book.active = 0
        book.save(tmp_path / "s.xlsx")
        result = import_spreadsheet(tmp_path / "s.xlsx", year=2027)
        assert result.actions == 2       # the active sheet, as documented
        said = [a for a in result.assumed if "'PAC 2026'" in a]
        assert said and "'PAC 2027'" in said[0] and "--sheet" in said[0], result.assumed

    def test_a_single_sheet_goes_without_saying(self, tmp_path: Path) -> None:
        path, _ = xlsx(tmp_path / "one.xlsx", [HEADER, row()])
        assert not [a for a in import_spreadsheet(path, year=2027).assumed if "sheet" in a]

    def test_a_sheet_chosen_with_the_option_goes_without_saying(self, tmp_path: Path) -> None:
        book = Workbook()
        book.active.title = "Synthèse"
        book.create_sheet("PAC").append(HEADER)
        book["PAC"].append(row())
        book.save(tmp_path / "c.xlsx")
        assert not [a for a in import_spreadsheet(tmp_path / "c.xlsx", year=2027, sheet="PAC").assumed
                    if "sheet" in a]


class TestHidden:
    def test_hidden_rows_and_columns_are_imported_and_said(self, tmp_path: Path) -> None:
        # row 3 hidden (a filter, or Format > Hide: often an action set aside) and column H (Périmètre) hidden: both
        # were imported without a word, while the manager does not see them.
        path, book = xlsx(tmp_path / "h.xlsx", [HEADER, row(), row(text="Visiter 5 clients (reportée)"), row()])
        book.active.row_dimensions[3].hidden = True
        book.active.column_dimensions["H"].hidden = True
        book.save(path)
        result = import_spreadsheet(path, year=2027)
        assert result.actions == 3
        rows = [w for w in result.warnings if "hidden" in w and "row 3" in w]
        assert rows and "row 2" not in rows[0] and "row 4" not in rows[0], result.warnings
        columns = [w for w in result.warnings if "hidden" in w and "'Périmètre' (H)" in w]
        assert columns, result.warnings


class TestNamesAsTyped:
    def test_one_segment_and_one_axis_whatever_the_case_accents_and_spaces(self, tmp_path: Path) -> None:
        # the same segment typed « Grands comptes », « grands comptes », « Grands\ncomptes » (Alt+Entrée to wrap) and
        # the same axis « Dormants » / « dormants » / « Dormants  » made 3 segments (S-GRANDS-COMPTES,
        # S-GRANDS-COMPTES-2...) and 3 axes: A-03's visits counted for an axis with no objective, without a word.
        rows = [HEADER]
        for segment, axis in (("Grands comptes", "Dormants"), ("grands comptes", "dormants"),
                              ("Grands\ncomptes", "Dormants\u00a0 "), ("Grands comptés", "Dormants")):
            values = row(segment=segment)
            values[1] = axis
            rows.append(values)
        path, _ = xlsx(tmp_path / "n.xlsx", rows)
        result = import_spreadsheet(path, year=2027)
        plan = load_plan_text(result.text)
        assert [s.name for s in plan.segments] == ["Grands comptes"]
        assert [a.name for a in plan.axes] == ["Dormants"]
        assert {a.axis_id for a in plan.actions} == {plan.axes[0].id}
        said = [a for a in result.assumed if "'grands comptes'" in a]
        assert said and "row 3" in said[0], result.assumed

    def test_names_that_differ_by_more_than_case_accents_and_spaces_stay_apart(self, tmp_path: Path) -> None:
        # « CA > 50 M€ » and « CA < 50 M€ » differ by a sign: two segments
        path, _ = xlsx(tmp_path / "d.xlsx", [HEADER, row(segment="CA > 50 M€"), row(segment="CA < 50 M€")])
        plan = load_plan_text(import_spreadsheet(path, year=2027).text)
        assert [s.name for s in plan.segments] == ["CA > 50 M€", "CA < 50 M€"]


class TestTargets:
    def test_a_target_computed_by_a_formula_is_the_whole_number_excel_shows(self, tmp_path: Path) -> None:
        # =0,07*100 is stored as 7.000000000000001 (binary floating point; Excel shows 15 significant digits: 7);
        # it was refused as « 7.000000000000001 is not a whole number » while the manager sees 7.
        path, _ = xlsx(tmp_path / "t.xlsx", [HEADER, row(count=0.07 * 100), row(count=4.999999999999999)])
        plan = load_plan_text(import_spreadsheet(path, year=2027).text)
        assert [a.target for a in plan.actions] == [7, 5]

    def test_a_target_of_a_fraction_stays_refused(self, tmp_path: Path) -> None:
        path, _ = xlsx(tmp_path / "f.xlsx", [HEADER, row(count=5.5), row(count=7.01)])
        said = problems(path)
        # said as the French sheet shows them (audit excelcells F2: « 5.5 »)
        assert any("row 2" in p and "'5,5'" in p for p in said) and any("row 3" in p and "'7,01'" in p for p in said)

    def test_a_percentage_cell_is_said_as_the_manager_sees_it(self, tmp_path: Path) -> None:
        # 20 % typed in a cell is stored 0.2 with a « 0 % » format: the error said « 0.2 is not a whole number »
        path, book = xlsx(tmp_path / "p.xlsx", [HEADER, row(count=0.2)])
        book.active["F2"].number_format = "0%"
        book.save(path)
        said = problems(path)
        assert len(said) == 1 and "'20 %'" in said[0] and "column 'Combien' (F)" in said[0], said


def dated(path: Path, header_when: str, cells: list[tuple[Any, str | None]]) -> Path:
    """A sheet whose when column (header ``header_when``) holds ``cells``: (value, number format or None)."""
    rows = [[*HEADER[:6], header_when]]
    for value, _ in cells:
        rows.append([*row()[:6], value])
    _, book = xlsx(path, rows)
    for n, (_, number_format) in enumerate(cells, start=2):
        if number_format:
            book.active[f"G{n}"].number_format = number_format
    book.save(path)
    return path


class TestDatesShownWithoutTheirYear:
    """« 15/03 » typed in December 2026 is stored by Excel as 15 March 2026 (the year of typing) and shown
    « 15-mars » (format d-mmm): the manager wrote no year; the plan's year is meant."""

    def test_a_day_shown_without_its_year_is_that_day_of_the_plan(self, tmp_path: Path) -> None:
        # before: refused, « the window 15/03/2026 ... is outside the plan's period ... check the year written in
        # this cell » (no year is written in it)
        path = dated(tmp_path / "d.xlsx", "Quand", [(datetime(2026, 3, 15), "d-mmm"), (datetime(2026, 6, 30), "dd/mm")])
        result = import_spreadsheet(path, year=2027)
        plan = load_plan_text(result.text)
        # 15 March 2027, one day: [2027-03-15, 2027-03-16); 30 June 2027: [2027-06-30, 2027-07-01)
        assert [(a.window.start.date(), a.window.end.date()) for a in plan.actions] == [
            (date(2027, 3, 15), date(2027, 3, 16)), (date(2027, 6, 30), date(2027, 7, 1))]
        assert any("without their year" in a for a in result.assumed), result.assumed

    def test_under_echeance_it_is_the_deadline_of_the_plan_year(self, tmp_path: Path) -> None:
        path = dated(tmp_path / "e.xlsx", "Échéance", [(datetime(2026, 3, 15), "d-mmm")])
        plan = load_plan_text(import_spreadsheet(path, year=2027).text)
        # « avant le 15 mars »: from the plan's first day to the end of 15 March 2027
        window = plan.actions[0].window
        assert (window.start.date(), window.end.date()) == (date(2027, 1, 1), date(2027, 3, 16))

    def test_it_does_not_vote_for_the_plan_year(self, tmp_path: Path) -> None:
        # before: year 2026 (2 of 3 dates « are in 2026 », the year Excel stored), and « mai 2027 » refused as
        # outside the plan
        path = dated(tmp_path / "y.xlsx", "Quand", [(datetime(2026, 3, 15), "d-mmm"), (datetime(2026, 6, 30), "dd/mm"),
                                                     ("mai 2027", None)])
        result = import_spreadsheet(path, today=date(2026, 12, 6))
        assert result.year == 2027

    def test_a_month_shown_without_its_year_is_that_month_of_the_plan(self, tmp_path: Path) -> None:
        path = dated(tmp_path / "m.xlsx", "Quand", [(datetime(2026, 3, 1), "mmmm")])
        plan = load_plan_text(import_spreadsheet(path, year=2027).text)
        window = plan.actions[0].window
        assert (window.start.date(), window.end.date()) == (date(2027, 3, 1), date(2027, 4, 1))


class TestDepartementColumn:
    """A « Département » column (codes typed as numbers: 1 for « 01 », 38.0, « 2A ») was ignored like any other
    column: every action lost its accounts' département without a word."""

    def test_a_departement_column_is_the_actions_departement(self, tmp_path: Path) -> None:
        rows: list[list[Any]] = [[*HEADER[:8], "Département"]]
        for scope, code in (("", 69), ("", 1), ("", "2A"), ("dormant: 12 mois", 38.0), ("", None), ("", "69, 38")):
            rows.append([*row(scope=scope)[:8], code])
        path, _ = xlsx(tmp_path / "d.xlsx", rows)
        plan = load_plan_text(import_spreadsheet(path, year=2027).text)

        def codes(n: int) -> tuple[str, ...]:
            return next((c.values for c in plan.actions[n].scope.conditions if c.field == "departement"), ())
        # 69; 1 is Ain, « 01 »; « 2A »; 38.0 is Isère, beside the Périmètre's dormant; none; 69 and 38
        assert [codes(n) for n in range(6)] == [("69",), ("01",), ("2A",), ("38",), (), ("69", "38")]
        assert any(c.field == "dormant" for c in plan.actions[3].scope.conditions)

    def test_a_departement_in_both_the_column_and_the_perimetre_is_refused(self, tmp_path: Path) -> None:
        path, _ = xlsx(tmp_path / "b.xlsx", [[*HEADER[:8], "Département"], [*row(scope="département: 38")[:8], 69]])
        said = problems(path)
        assert any("row 2, column 'Département' (I)" in p and "'Périmètre'" in p for p in said), said

    def test_an_unknown_departement_is_said_at_its_column(self, tmp_path: Path) -> None:
        path, _ = xlsx(tmp_path / "u.xlsx", [[*HEADER[:8], "Dépt"], [*row(scope="")[:8], 20]])
        said = problems(path)
        assert len(said) == 1 and "row 2, column 'Dépt' (I)" in said[0] and "2A" in said[0], said

    def test_a_column_named_as_another_scope_field_is_said_not_read(self, tmp_path: Path) -> None:
        # « Secteur » beside the actions: ignored without a word, as « Département » was
        path, _ = xlsx(tmp_path / "s.xlsx", [[*HEADER, "Secteur", "Commentaire"], [*row(), "Chimie", "ok"]])
        result = import_spreadsheet(path, year=2027)
        said = [w for w in result.warnings if "'Secteur' (J)" in w]
        assert said and "Périmètre" in said[0], result.warnings
        assert not [w for w in result.warnings if "Commentaire" in w]


class TestTemplateRows:
    def test_rows_with_nothing_in_the_read_columns_are_skipped_and_said(self, tmp_path: Path) -> None:
        # a template numbered down column A (« N° » 1 to 4) with 1 action: rows 3 to 5 made 5 « this cell is empty »
        # errors each and nothing was imported
        path, _ = xlsx(tmp_path / "t.xlsx", [["N°", *HEADER], [1, *row()], [2], [3, None, None, None, None, None, None,
                                                                               None, None, None], [4]])
        result = import_spreadsheet(path, year=2027)
        assert result.actions == 1
        said = [a for a in result.assumed if "rows 3, 4, 5" in a]
        assert said and "'N°'" in said[0], result.assumed

    def test_a_row_with_one_read_cell_is_still_an_action_row(self, tmp_path: Path) -> None:
        path, _ = xlsx(tmp_path / "o.xlsx", [["N°", *HEADER], [1, *row()], [2, None, None, "Appeler 3 clients"]])
        said = problems(path)
        assert any("row 3, column 'Qui'" in p and "empty" in p for p in said), said


class TestChartSheet:
    def test_a_chart_sheet_is_named_not_called_a_broken_file(self, tmp_path: Path) -> None:
        # the active tab is a chart (« Graphique »): AttributeError: 'Chartsheet' object has no attribute 'max_row'
        # (a traceback, not a located error)
        path, book = xlsx(tmp_path / "c.xlsx", [HEADER, row()])
        chart = BarChart()
        chart.add_data(Reference(book.active, min_col=6, min_row=1, max_row=2))
        book.create_chartsheet("Graphique", 0).add_chart(chart)
        book.active = 0
        book.save(path)
        said = problems(path)
        assert len(said) == 1 and "'Graphique'" in said[0] and "chart" in said[0] and "--sheet" in said[0] \
            and "'PAC'" in said[0], said
        assert load_plan_text(import_spreadsheet(path, year=2027, sheet="PAC").text).actions


class TestWhoAndSheet:
    def test_a_mailto_link_is_the_e_mail(self, tmp_path: Path) -> None:
        # a Qui cell pasted as a link's address: « mailto:Julie.Martin@… » became the e-mail « mailto:julie.martin@… »,
        # a person no CRM user matches (every visit of hers outside the count)
        values = row()
        values[3] = f"mailto:{JULIE.title()} "
        path, _ = xlsx(tmp_path / "m.xlsx", [HEADER, values])
        plan = load_plan_text(import_spreadsheet(path, year=2027).text)
        assert plan.actions[0].who == JULIE
        assert [p.email for p in plan.people] == [JULIE]

    def test_sheet_option_matches_a_name_with_a_trailing_space_or_another_case(self, tmp_path: Path) -> None:
        # the tab is « PAC 2027 » with a trailing space (invisible in Excel): --sheet "PAC 2027" was refused with
        # « no sheet named 'PAC 2027' (use one of: Synthèse, PAC 2027 ) », the space unseen
        book = Workbook()
        book.active.title = "Synthèse"
        sheet = book.create_sheet("PAC 2027 ")
        sheet.append(HEADER)
        sheet.append(row())
        book.save(tmp_path / "t.xlsx")
        assert import_spreadsheet(tmp_path / "t.xlsx", year=2027, sheet="pac 2027").actions == 1
        said = problems(tmp_path / "t.xlsx", sheet="PAC 2028")
        assert "'PAC 2027 '" in said[0], said

    def test_an_invisible_character_pasted_with_an_e_mail_is_dropped(self, tmp_path: Path) -> None:
        # « julie.martin@…\u200b » (a zero-width space pasted from a web page or a chat) was a second person beside
        # julie.martin@…: who no CRM user matches, her actions on that row counted nothing
        values = row()
        values[3] = f"\u200b{JULIE}\u200b"
        segment = row(segment="Ouest\ufeff")
        path, _ = xlsx(tmp_path / "z.xlsx", [HEADER, row(), values, segment])
        plan = load_plan_text(import_spreadsheet(path, year=2027).text)
        assert [p.email for p in plan.people] == [JULIE]
        assert {a.who for a in plan.actions} == {JULIE}
        assert [s.name for s in plan.segments] == ["Ouest"]


def test_a_dept_column_of_an_english_sheet_is_not_read_as_departements(tmp_path: Path) -> None:
    # « Dept » in a US sheet is the owner's department (Sales, Inside Sales), not a French département: reading it
    # refused the import (« unknown département 'Sales' »); « Département » is read in any language
    header = ["Segment", "Axis", "Statement", "Owner", "Activity", "Count", "When", "Dept"]
    path, _ = xlsx(tmp_path / "us.xlsx", [header, ["West", "Dormant", "Visit 5 accounts", JULIE, "visit", 5, "week 18",
                                                   "Sales"]])
    plan = load_plan_text(import_spreadsheet(path, year=2027).text)
    assert plan.actions[0].scope.conditions == ()
