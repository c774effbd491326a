"""Spreadsheet import: one row per action, French or English headers, every problem by row and column."""

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from pac_config.plan_import import header_key, import_plan, scope_from_text
from pac_config.planfile import load_plan_text
from pac_core.errors import InvalidInput
from pac_core.plan import ActivityType, SegmentKind

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "config" / "plans" / "example.actions.csv"
FR_HEADER = ["Segment", "Type de segment", "Axe", "Action", "Qui", "Quoi (activité)", "Combien", "Quand",
             "Périmètre (département, industrie...)", "Information nécessaire", "Auprès de qui", "Statut"]
JULIE = "julie.martin@durand-process.example"
SCOPE = "Périmètre (département, industrie...)"


def row(**over: object) -> list[object]:
    base = {"Segment": "Rhône-Alpes", "Type de segment": "horizontale", "Axe": "Clients dormants",
            "Action": "Visiter 5 clients dormants du 69 en semaine 18", "Qui": JULIE, "Quoi (activité)": "visite",
            "Combien": 5, "Quand": "semaine 18", SCOPE: "département: 69; dormant: 12 mois",
            "Information nécessaire": "liste des dormants", "Auprès de qui": "ADV", "Statut": "prévu"}
    base.update({k.replace("_", " "): v for k, v in over.items()})
    return [base[h] for h in FR_HEADER]


def xlsx(path: Path, rows: list[list[object]], *, title: str = "PAC") -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for values in rows:
        sheet.append(values)
    book.save(path)
    return path


def csv_file(path: Path, rows: list[list[object]], *, delimiter: str = ";", encoding: str = "utf-8") -> Path:
    def cell(value: object) -> str:
        text = "" if value is None else str(value)
        return f'"{text}"' if delimiter in text or "," in text else text
    path.write_text("\n".join(delimiter.join(cell(v) for v in r) for r in rows) + "\n", encoding=encoding)
    return path


def problems(path: Path, **kwargs: object) -> list[str]:
    with pytest.raises(InvalidInput) as info:
        import_plan(path, year=2027, **kwargs)  # type: ignore[arg-type]
    return [str(p) for p in info.value.problems]


class TestImportSample:
    def test_sample_csv_becomes_a_valid_plan(self) -> None:
        """The shipped sample gives 4 segments, 5 axes and 7 actions, A-01 as in the example plan."""
        text = import_plan(SAMPLE, year=2027)
        plan = load_plan_text(text)
        assert (len(plan.segments), len(plan.axes), len(plan.actions)) == (4, 5, 7)
        a01 = plan.actions[0]
        assert (a01.activity_type, a01.target, a01.window.label) == (ActivityType.VISIT, 5, "semaine 18")
        assert [c.label for c in a01.scope.conditions] == ["département 69", "dormant 12 mois"]
        assert {s.kind for s in plan.segments} == set(SegmentKind)

    def test_comment_says_what_to_complete(self) -> None:
        """The YAML starts with a comment naming the source and what to complete."""
        text = import_plan(SAMPLE, year=2027)
        assert text.startswith("# Importé de example.actions.csv")
        assert "SWOT" in text.split("plan:")[0] and "objectif" in text.split("plan:")[0]

    def test_blank_group_cells_repeat_the_row_above(self) -> None:
        """Rows with blank Segment/Axe belong to the segment and axis above."""
        plan = load_plan_text(import_plan(SAMPLE, year=2027))
        assert plan.actions[1].axis_id == plan.actions[0].axis_id
        assert plan.axis(plan.actions[2].axis_id).segment_id == plan.axis(plan.actions[0].axis_id).segment_id

    def test_name_and_email_form_adds_the_person(self) -> None:
        """'Marc Dubois <marc...>' gives the e-mail and the person's name."""
        plan = load_plan_text(import_plan(SAMPLE, year=2027, plan_name="PAC test"))
        assert plan.name == "PAC test"
        marc = next(p for p in plan.people if p.email.startswith("marc."))
        assert marc.name == "Marc Dubois"


class TestReading:
    def test_xlsx_with_date_and_float_cells(self, tmp_path: Path) -> None:
        """A date cell in Quand means that day; 5.0 is 5."""
        path = xlsx(tmp_path / "p.xlsx", [FR_HEADER, row(Quand=date(2027, 5, 4), Combien=5.0)])
        plan = load_plan_text(import_plan(path, year=2027))
        assert plan.actions[0].window.label == "04/05/2027" and plan.actions[0].target == 5

    def test_english_headers_comma_and_bom(self, tmp_path: Path) -> None:
        """English headers, comma delimiter and a UTF-8 BOM are understood."""
        header = ["segment", "SEGMENT TYPE", "Axis", "Statement", "Who", "Activity", "How many", "When", "Scope"]
        path = tmp_path / "p.csv"
        csv_file(path, [header, ["West", "vertical", "Dormant", "Call 3 customers in May", JULIE, "call", "3",
                                 "May 2027", "departement: 69, 38"]], delimiter=",")
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
        plan = load_plan_text(import_plan(path, year=2027))
        assert plan.actions[0].scope.conditions[0].values == ("69", "38")

    def test_windows_1252_csv(self, tmp_path: Path) -> None:
        """A CSV saved by French Excel (Windows-1252) keeps its accents."""
        path = csv_file(tmp_path / "p.csv", [FR_HEADER, row()], encoding="cp1252")
        plan = load_plan_text(import_plan(path, year=2027))
        assert plan.segments[0].name == "Rhône-Alpes"

    def test_header_matching_ignores_case_accents_and_notes(self) -> None:
        """'QUOI (Activité)' and 'quoi' are one header."""
        assert header_key("QUOI (Activité)") == header_key("quoi") == "quoi"
        assert header_key("Auprès de qui") == "aupres de qui"

    def test_without_segment_type_column(self, tmp_path: Path) -> None:
        """Without Type de segment, segments are horizontal and flagged to check."""
        header = [h for h in FR_HEADER if h != "Type de segment"]
        values = [v for h, v in zip(FR_HEADER, row(), strict=True) if h != "Type de segment"]
        text = import_plan(csv_file(tmp_path / "p.csv", [header, values]), year=2027)
        assert "kind: horizontal  # à vérifier" in text
        assert load_plan_text(text).segments[0].kind is SegmentKind.HORIZONTAL

    def test_leading_empty_rows_are_skipped(self, tmp_path: Path) -> None:
        """The header is the first non-empty row; empty rows between actions are ignored."""
        path = xlsx(tmp_path / "p.xlsx", [[None] * 3, FR_HEADER, row(), [None] * 12, row(Action="Appeler 3 clients")])
        assert len(load_plan_text(import_plan(path, year=2027)).actions) == 2


class TestImportProblems:
    def test_missing_columns_one_message_with_accepted_names(self, tmp_path: Path) -> None:
        """Every missing column is named once, with the headers accepted for it."""
        path = csv_file(tmp_path / "p.csv", [["Segment", "Axe", "Action", "Qui"], ["a", "b", "c", JULIE]])
        (line,) = problems(path)
        assert "missing column(s): Quoi, Combien, Quand" in line
        assert "Combien: Combien, Nombre, Cible, How many, Count, Target" in line

    def test_merged_cells_name_sheet_and_range(self, tmp_path: Path) -> None:
        """Merged cells are refused with the sheet, the range and how to unmerge."""
        path = tmp_path / "p.xlsx"
        book = Workbook()
        sheet = book.active
        sheet.title = "PAC 2027"
        for values in (FR_HEADER, row(), row(Qui=None)):
            sheet.append(values)
        sheet.merge_cells("E2:E3")      # a Qui (a merged Segment reads: audit excelcells F7)
        book.save(path)
        (line,) = problems(path)
        assert line.startswith("p.xlsx sheet 'PAC 2027' cells E2:E3: merged cells cannot be read row by row")
        assert "unmerge" in line

    def test_bad_values_name_row_and_column(self, tmp_path: Path) -> None:
        """A misspelt activity, an impossible week, a non-number and a name as who: four located problems."""
        path = xlsx(tmp_path / "p.xlsx", [FR_HEADER, row(), row(**{"Quoi (activité)": "visitt"}),
                                          row(Quand="semaine 54"), row(Combien="cinq"), row(Qui="Julie Martin")])
        found = problems(path)
        assert len(found) == 4
        assert any(f.startswith("p.xlsx sheet 'PAC', row 3, column 'Quoi (activité)' (F): unknown activity 'visitt'")
                   and "did you mean 'visit'" in f for f in found)
        assert any(f.startswith("p.xlsx sheet 'PAC', row 4, column 'Quand' (H): week 54 does not exist") for f in found)
        assert any("row 5, column 'Combien' (G)" in f for f in found)
        assert any("row 6, column 'Qui' (E): 'Julie Martin' is not an e-mail" in f for f in found)

    def test_csv_rows_are_lines(self, tmp_path: Path) -> None:
        """In a CSV the place is the line and the column header."""
        path = csv_file(tmp_path / "p.csv", [FR_HEADER, row(**{SCOPE: "département: Rhônne"})])
        (line,) = problems(path)
        assert line.startswith("p.csv line 2, column 'Périmètre (département, industrie...)': unknown département")

    def test_unreadable_scope_cell(self, tmp_path: Path) -> None:
        """A Périmètre cell with an unknown field says how to write it."""
        path = csv_file(tmp_path / "p.csv", [FR_HEADER, row(**{SCOPE: "couleur: rouge"})])
        (line,) = problems(path)
        assert "unknown field 'couleur'" in line and "département: 69, 38" in line

    def test_empty_required_cell(self, tmp_path: Path) -> None:
        """An empty required cell is reported at its place."""
        path = csv_file(tmp_path / "p.csv", [FR_HEADER, row(Quand="")])
        found = problems(path)
        assert any("line 2, column 'Quand': this cell is empty" in f for f in found)

    def test_conflicting_segment_types(self, tmp_path: Path) -> None:
        """One segment given two types is refused at the second row."""
        path = csv_file(tmp_path / "p.csv", [FR_HEADER, row(), row(**{"Type de segment": "marché"})])
        (line,) = problems(path)
        assert "line 3, column 'Type de segment'" in line and "one type" in line

    def test_unknown_sheet_and_format(self, tmp_path: Path) -> None:
        """An unknown sheet lists the sheets; an .ods file is refused with the formats accepted."""
        path = xlsx(tmp_path / "p.xlsx", [FR_HEADER, row()])
        assert "no sheet named 'Plan'" in problems(path, sheet="Plan")[0]
        other = tmp_path / "p.ods"
        other.write_bytes(b"x")
        assert ".xlsx or .csv" in problems(other)[0]

    def test_bad_timezone_option(self) -> None:
        """A problem of the plan header is attributed to the command option."""
        found = problems(SAMPLE, tz="Europe/Pariss")
        assert any(f.startswith("example.actions.csv option --tz: unknown timezone") for f in found)


class TestScopeFromText:
    @pytest.mark.parametrize(("text", "scope"), [
        ("département: 69, 38; dormant: 12 mois", {"departement": ["69", "38"], "dormant": {"months": 12}}),
        ("département 69", {"departement": "69"}),
        ("dormant", {"dormant": True}),
        ("non dormant", {"dormant": False}),
        ("CA >= 50 M€", {"annual_revenue": {"gte": "50 M€"}}),
        ("chiffre d'affaires: entre 10 M€ et 50 M€", {"annual_revenue": {"between": ["10 M€", "50 M€"]}}),
        ("sauf type: Distributeur", {"not": {"account_type": "Distributeur"}}),
        ("industrie: Chimie\nrégion: ARA", {"industry": "Chimie", "region": "ARA"}),
        ("custom.segment_code: A1", {"custom.segment_code": "A1"}),
    ])
    def test_forms(self, text: str, scope: dict) -> None:
        """key: values pairs separated by ';' or new lines, comparisons for revenue, sauf for exclusions."""
        assert scope_from_text(text) == scope

    @pytest.mark.parametrize("text", ["couleur: rouge", "département:", "industrie > 3", "dormant: souvent", "69"])
    def test_refused(self, text: str) -> None:
        """Unknown fields, empty values, comparisons on text and unreadable parts are refused."""
        with pytest.raises(ValueError):
            scope_from_text(text)
