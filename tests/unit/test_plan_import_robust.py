"""pac plan import: deadlines as "until" windows, lint of every action, segment scopes, bounds and plain errors."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from pac_config import plan_import
from pac_config.plan_import import import_plan, import_spreadsheet
from pac_config.planfile import load_plan_text
from pac_core.errors import InvalidInput
from sync_jobs.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "config" / "plans" / "example.actions.csv"
JULIE = "julie.martin@durand-process.example"
HEADER = ["Segment", "Axe", "Action", "Qui", "Quoi", "Combien", "Échéance"]


def xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "PAC"
    for values in rows:
        sheet.append(values)
    book.save(path)
    return path


def problems(path: Path, **kw: object) -> list[str]:
    with pytest.raises(InvalidInput) as info:
        import_spreadsheet(path, year=2027, **kw)  # type: ignore[arg-type]
    return [str(p) for p in info.value.problems]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["plan", "import", *args])
    return result.exit_code, result.output


class TestDeadlines:
    def test_a_date_under_echeance_is_until_that_day(self, tmp_path: Path) -> None:
        """« avant le 30 juin » with 30/06/2027 under Échéance: from the plan's start to the end of 30 June."""
        path = xlsx(tmp_path / "p.xlsx", [HEADER, ["Ouest", "Dormants", "Appeler 10 clients avant le 30 juin", JULIE,
                                                  "appel", 10, datetime(2027, 6, 30)]])
        plan = load_plan_text(import_plan(path, year=2027))
        window = plan.actions[0].window
        assert (window.start.date(), window.end.date()) == (date(2027, 1, 1), date(2027, 7, 1))
        assert window.label == "avant le 30/06/2027"

    def test_a_date_under_quand_follows_the_statement(self, tmp_path: Path) -> None:
        header = [*HEADER[:-1], "Quand"]
        path = xlsx(tmp_path / "p.xlsx", [header,
                                          ["Ouest", "Dormants", "Appeler 10 clients d'ici le 30 juin", JULIE, "appel",
                                           10, datetime(2027, 6, 30)],
                                          ["Ouest", "Dormants", "Rencontrer 2 clients le 4 mai", JULIE, "rdv", 2,
                                           datetime(2027, 5, 4)]])
        result = import_spreadsheet(path, year=2027)
        first, second = load_plan_text(result.text).actions
        assert (first.window.start.date(), first.window.end.date()) == (date(2027, 1, 1), date(2027, 7, 1))
        assert (second.window.start.date(), second.window.end.date()) == (date(2027, 5, 4), date(2027, 5, 5))
        assert any("avant le 30/06/2027" in a and "plan's start" in a for a in result.assumed)

    def test_a_fiscal_period_option(self, tmp_path: Path) -> None:
        """--period makes a fiscal plan: « janvier » is January 2028 and the year is the period's."""
        path = xlsx(tmp_path / "p.xlsx", [[*HEADER[:-1], "Quand"],
                                          ["Ouest", "Dormants", "Visiter 5 clients en janvier", JULIE, "visite", 5,
                                           "janvier"]])
        result = import_spreadsheet(path, period="du 1er avril 2027 au 31 mars 2028")
        plan = load_plan_text(result.text)
        assert result.year == 2027 and plan.actions[0].window.start.date() == date(2028, 1, 1)
        assert (plan.period.start.date(), plan.period.end.date()) == (date(2027, 4, 1), date(2028, 4, 1))


class TestLintAndScopes:
    def test_every_action_is_linted_and_reported(self, tmp_path: Path) -> None:
        path = xlsx(tmp_path / "p.xlsx", [[*HEADER[:-1], "Quand"],
                                          ["Ouest", "Dormants", "Visiter 5 clients dormants du 69 en semaine 18",
                                           JULIE, "visite", 5, "semaine 18"],
                                          ["Ouest", "Dormants", "Réactiver les clients dormants de la Loire", JULIE,
                                           "visite", 5, "semaine 19"]])
        result = import_spreadsheet(path, year=2027)
        assert [r.kind for _, r in result.lint] == ["action", "objective"]
        assert result.lint[1][0] == "sheet 'PAC', row 3 (A-02)"
        code, out = run(str(path), "--year", "2027", "-o", str(tmp_path / "out.pac.yaml"))
        assert code == 0, out
        assert "lint sheet 'PAC', row 3 (A-02): objective" in out
        assert "lint: 1 action(s), 1 objective(s), 0 intention(s)" in out

    def test_segment_and_axis_scope_columns(self, tmp_path: Path) -> None:
        header = [*HEADER[:-1], "Quand", "Périmètre du segment", "Périmètre de l'axe"]
        path = xlsx(tmp_path / "p.xlsx", [header,
                                          ["Rhône-Alpes", "Dormants", "Visiter 5 clients en mai", JULIE, "visite", 5,
                                           "mai", "région: Auvergne-Rhône-Alpes", "dormant: 12 mois"],
                                          [None, None, "Appeler 5 clients en juin", JULIE, "appel", 5, "juin",
                                           None, None]])
        plan = load_plan_text(import_plan(path, year=2027))
        assert [c.label for c in plan.segments[0].scope.conditions] == ["région Auvergne-Rhône-Alpes"]
        assert [c.label for c in plan.axes[0].scope.conditions] == ["dormant 12 mois"]

    def test_two_scopes_for_one_segment_are_refused_where_they_differ(self, tmp_path: Path) -> None:
        header = [*HEADER[:-1], "Quand", "Segment scope"]
        path = xlsx(tmp_path / "p.xlsx", [header,
                                          ["RA", "Dormants", "Visiter 5 clients en mai", JULIE, "visite", 5, "mai",
                                           "département: 69"],
                                          ["RA", "Dormants", "Visiter 5 clients en juin", JULIE, "visite", 5, "juin",
                                           "département: 38"]])
        (line,) = problems(path)
        assert line.startswith("p.xlsx sheet 'PAC', row 3, column 'Segment scope' (H): segment 'RA' has another "
                               "scope on row 2")

    def test_a_statement_over_the_linter_bound_is_located(self, tmp_path: Path) -> None:
        path = xlsx(tmp_path / "p.xlsx", [[*HEADER[:-1], "Quand"],
                                          ["Ouest", "Dormants", "Visiter 5 clients " + "x" * 1200, JULIE, "visite",
                                           5, "mai"]])
        (line,) = problems(path)
        assert "row 2, column 'Action' (C): this statement is 1,218 characters long" in line
        assert "at most 1,000" in line


class TestBadFiles:
    def test_a_csv_cell_over_128_kib(self, tmp_path: Path) -> None:
        path = tmp_path / "p.csv"
        path.write_text("Segment;Axe;Action;Qui;Quoi;Combien;Quand\n"
                        f'Ouest;Dormants;"Visiter {"x" * 140_000};{JULIE};visite;5;mai\n', encoding="utf-8")
        code, out = run(str(path), "--year", "2027")
        assert code == 2
        assert "p.csv line 2: a cell is longer than 131,072 characters (128 KiB)" in " ".join(out.split())
        assert "quotes" in out

    def test_an_xlsx_without_its_sheet_part(self, tmp_path: Path) -> None:
        good = xlsx(tmp_path / "good.xlsx", [HEADER, ["Ouest", "Dormants", "Appeler 3 clients en mai", JULIE,
                                                      "appel", 3, "mai"]])
        bad = tmp_path / "bad.xlsx"
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
            for item in src.infolist():
                if item.filename != "xl/worksheets/sheet1.xml":
                    dst.writestr(item, src.read(item.filename))
        code, out = run(str(bad), "--year", "2027")
        assert code == 2
        flat = " ".join(out.split())
        assert "bad.xlsx the workbook is incomplete: its part xl/worksheets/sheet1.xml is missing" in flat
        assert "save it again as .xlsx" in flat

    def test_a_huge_sheet_is_refused_before_reading_it(self, tmp_path: Path) -> None:
        """A sheet that declares 300,000 rows is refused at once with the limit (read-only mode)."""
        good = xlsx(tmp_path / "good.xlsx", [HEADER, ["Ouest", "Dormants", "Appeler 3 clients en mai", JULIE,
                                                      "appel", 3, "mai"]])
        big = tmp_path / "big.xlsx"
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(big, "w") as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = data.replace(b'<dimension ref="A1:G2"/>', b'<dimension ref="A1:G300000"/>')
                    assert b"G300000" in data
                dst.writestr(item, data)
        (line,) = problems(big)
        assert "the sheet has 300,000 rows; an import reads at most 10,000 actions" in line
        assert "split the plan" in line

    def test_rows_past_the_limit_are_refused_while_streaming(self, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(plan_import, "MAX_ACTION_ROWS", 3)
        path = tmp_path / "p.csv"
        path.write_text("Segment;Axe;Action;Qui;Quoi;Combien;Quand\n"
                        + "".join(f"Ouest;Dormants;Appeler 3 clients en mai;{JULIE};appel;3;mai\n" for _ in range(5)),
                        encoding="utf-8")
        (line,) = problems(path)
        assert line.startswith("p.csv line 5: more than 3 action rows; an import reads at most 3")

    def test_a_header_only_csv_writes_nothing(self, tmp_path: Path) -> None:
        path = tmp_path / "p.csv"
        path.write_text("Segment;Axe;Action;Qui;Quoi;Combien;Quand\n", encoding="utf-8")
        out_file = tmp_path / "out.pac.yaml"
        code, out = run(str(path), "--year", "2027", "-o", str(out_file))
        assert code == 2 and not out_file.exists()
        assert "p.csv line 1: no actions found: there is a header row but no row under it" in " ".join(out.split())
        assert "✓" not in out

    def test_an_empty_file(self, tmp_path: Path) -> None:
        path = tmp_path / "p.csv"
        path.write_text("\n\n", encoding="utf-8")
        (line,) = problems(path)
        assert "the file is empty" in line

    def test_messages_are_plain_words(self, tmp_path: Path) -> None:
        """A date typed in Combien is shown as 04/05/2027, an unknown sheet lists the sheets plainly."""
        path = xlsx(tmp_path / "p.xlsx", [[*HEADER[:-1], "Quand"],
                                          ["Ouest", "Dormants", "Visiter 5 clients en mai", JULIE, "visite",
                                           datetime(2027, 5, 4), "mai"]])
        found = problems(path)
        assert any("'04/05/2027'" in f for f in found), found
        assert not any("datetime" in f for f in found)
        (sheet,) = problems(path, sheet="Plan")
        assert "use one of: 'PAC' (option --sheet)" in sheet

    def test_progress_is_reported(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(plan_import, "PROGRESS_EVERY", 2)
        seen: list[tuple[str, int]] = []
        import_spreadsheet(SAMPLE, year=2027, progress=lambda what, n: seen.append((what, n)))
        assert ("rows read", 2) in seen and ("actions linted", 6) in seen


class TestYear:
    def test_the_year_is_inferred_from_the_file_and_said(self) -> None:
        result = import_spreadsheet(SAMPLE, today=date(2026, 12, 4))
        assert result.year == 2027
        assert result.assumed == ["year 2027: 4 of 4 dates of column 'Quand' are in 2027 (give --year or --period "
                                  "to choose)"]

    def test_the_readme_command_works_without_year(self, tmp_path: Path) -> None:
        out_file = tmp_path / "pac-2027.pac.yaml"
        code, out = run(str(SAMPLE), "-o", str(out_file))
        assert code == 0, out
        assert "assumed: year 2027" in out and out_file.exists()
        assert "year: 2027" in out_file.read_text(encoding="utf-8")

    def test_no_year_in_the_file_is_this_year_and_said(self, tmp_path: Path) -> None:
        path = xlsx(tmp_path / "p.xlsx", [[*HEADER[:-1], "Quand"],
                                          ["Ouest", "Dormants", "Visiter 5 clients en semaine 18", JULIE, "visite", 5,
                                           "semaine 18"]])
        result = import_spreadsheet(path, today=date(2031, 2, 1))
        assert result.year == 2031
        assert result.assumed[0].startswith("year 2031: this year, as no cell of column 'Quand' names one")

    def test_a_bad_period_option_is_located(self, tmp_path: Path) -> None:
        code, out = run(str(SAMPLE), "--period", "du 1er avril au 31 mars")
        assert code == 2
        assert "option --period" in out


def month_cells(path: Path, column: str) -> Path:
    """A sheet as Excel saves it when « juin 2027 » and « juillet 2027 » are typed in the cells of ``column``:
    the dates 1 June / 1 July 2027, displayed without their day."""
    book = Workbook()
    sheet = book.active
    sheet.title = "PAC"
    sheet.append([*HEADER[:-1], column])
    sheet.append(["Ouest", "Dormants", "Rencontrer 8 clients de l'Isère en juin", JULIE, "rdv", 8,
                  datetime(2027, 6, 1)])
    sheet.append(["Ouest", "Dormants", "Appeler 10 clients en juillet", JULIE, "appel", 10, datetime(2027, 7, 1)])
    sheet.append(["Ouest", "Dormants", "Visiter 2 clients le 1er septembre", JULIE, "visite", 2, datetime(2027, 9, 1)])
    sheet["G2"].number_format = "mmm-yy"          # shown « juin-27 »
    sheet["G3"].number_format = "mmmm yyyy"       # shown « juillet 2027 »
    sheet["G4"].number_format = "dd/mm/yyyy"      # a day: stays a day
    book.save(path)
    return path


class TestMonthCells:
    """Audit finding 1: a month typed in an Excel cell is that month, not its 1st day."""

    def test_under_quand_a_date_shown_without_its_day_is_the_month(self, tmp_path: Path) -> None:
        result = import_spreadsheet(month_cells(tmp_path / "p.xlsx", "Quand"), year=2027)
        june, july, september = load_plan_text(result.text).actions
        assert (june.window.label, june.window.start.date(), june.window.end.date()) == (
            "juin 2027", date(2027, 6, 1), date(2027, 7, 1))
        assert (july.window.label, july.window.start.date(), july.window.end.date()) == (
            "juillet 2027", date(2027, 7, 1), date(2027, 8, 1))
        assert (september.window.start.date(), september.window.end.date()) == (date(2027, 9, 1), date(2027, 9, 2))
        assert [a for a in result.assumed if "shown without a day" in a] == [
            "date cells of column 'Quand' shown without a day (e.g. 'juin 2027') are that month, not its 1st day "
            "(first: sheet 'PAC', row 2)"]

    def test_under_echeance_it_is_the_end_of_the_month(self, tmp_path: Path) -> None:
        result = import_spreadsheet(month_cells(tmp_path / "p.xlsx", "Échéance"), year=2027)
        june, july, september = load_plan_text(result.text).actions
        assert (june.window.label, june.window.start.date(), june.window.end.date()) == (
            "d'ici fin juin 2027", date(2027, 1, 1), date(2027, 7, 1))
        assert (july.window.start.date(), july.window.end.date()) == (date(2027, 1, 1), date(2027, 8, 1))
        assert (september.window.label, september.window.end.date()) == ("avant le 01/09/2027", date(2027, 9, 2))

    def test_the_year_is_inferred_from_month_cells(self, tmp_path: Path) -> None:
        result = import_spreadsheet(month_cells(tmp_path / "p.xlsx", "Quand"), today=date(2026, 3, 1))
        assert result.year == 2027

    @pytest.mark.parametrize(("number_format", "month"), [
        ("mmm-yy", True), ("mmmm yyyy", True), ("mm/yyyy", True), ("[$-40C]mmmm\\ yyyy;@", True),
        ('"mois "mmmm yyyy', True), ("mmmm aaaa", True), ("[Red]mmm-yy", True), ("mmmm", True),
        ("dd/mm/yyyy", False), ("d-mmm-yy", False), ("jj/mm/aaaa", False), ("yyyy-mm-dd h:mm", False),
        ("mm:ss", False), ("[h]:mm", False), ("[mm]:ss", False), ("General", False), ("yyyy", False),
    ])
    def test_which_formats_show_a_month(self, number_format: str, month: bool) -> None:
        assert plan_import._shown_as_month(number_format) is month
