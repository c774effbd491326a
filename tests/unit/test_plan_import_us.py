"""pac plan import of a US sheet: the date order decided by the file's own dates, an English USD plan."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from pac_config.plan_import import import_spreadsheet
from pac_config.planfile import load_plan_text
from pac_core.errors import InvalidInput
from sync_jobs.cli import main

MIKE = "mike.obrien@midwestpumps.example"
EN_HEADER = "Segment,Segment type,Axis,Action,Owner,Activity,Count,Due date\n"
FR_HEADER = "Segment;Axe;Action;Qui;Quoi;Combien;Échéance\n"
PERIOD = "2027-02-01..2028-01-31"


def csv_file(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def en_row(statement: str, due: str, activity: str = "call", count: int = 10) -> str:
    return f'Illinois,geographic,Win back,"{statement}",{MIKE},{activity},{count},"{due}"'


def fr_row(statement: str, due: str) -> str:
    return f"Ouest;Dormants;{statement};julie@x.example;appel;10;{due}"


def windows(text: str) -> list[tuple[date, date]]:
    return [(a.window.start.date(), (a.window.end.date())) for a in load_plan_text(text).actions]


def problems(path: Path, **kw: object) -> list[str]:
    with pytest.raises(InvalidInput) as info:
        import_spreadsheet(path, period=PERIOD, tz="America/Chicago", **kw)  # type: ignore[arg-type]
    return [str(p) for p in info.value.problems]


class TestDateOrder:
    def test_a_month_day_only_date_makes_the_file_month_day(self, tmp_path: Path) -> None:
        """5/9/2027, 3/31/2027, 3/4/2027 in one Due date column: 3/31 can only be month/day, none only day/month,
        so 5/9 is May 9 and 3/4 March 4 (they were 5 September and 3 April), and the import says so."""
        path = csv_file(tmp_path / "us.csv", EN_HEADER, [
            en_row("Visit 5 dormant customers in week 18", "5/9/2027", "visit", 5),
            en_row("Call 20 prospects by March 31", "3/31/2027", count=20),
            en_row("Call 10 customers by 3/4/2027", "3/4/2027")])
        result = import_spreadsheet(path, period=PERIOD, tz="America/Chicago")
        ends = [end for _, end in windows(result.text)]
        assert ends == [date(2027, 5, 10), date(2027, 4, 1), date(2027, 3, 5)]
        said = [a for a in result.assumed if "month/day" in a]
        assert len(said) == 1 and "'3/31/2027'" in said[0] and "line 3" in said[0] and "--date-order" in said[0]
        # the statement's 3/4/2027 is read in the same order: no disagreement with its own column
        assert not [w for w in result.warnings if "A-03" in w]

    def test_a_yearless_statement_date_after_by_is_read_in_the_files_order(self, tmp_path: Path) -> None:
        """« Call 10 customers by 4/5 » beside a 4/5/2027 column in a month/day file: April 5 both, no disagreement
        (second re-verification F1: the statement's 4/5 was read 4 May, a false warning); « 4/5 clients » with no
        date word before it stays a number pair."""
        path = csv_file(tmp_path / "us.csv", EN_HEADER, [
            en_row("Call 10 customers by 4/5", "4/5/2027"), en_row("Call 5 customers", "3/31/2027", count=5)])
        result = import_spreadsheet(path, period=PERIOD, tz="America/Chicago")
        assert windows(result.text)[0][1] == date(2027, 4, 6)
        assert result.warnings == [], result.warnings

    def test_both_orders_in_one_file_are_refused_naming_rows(self, tmp_path: Path) -> None:
        """3/31/2027 (month/day only) and 31/03/2027 (day/month only) in one file: 3/4/2027 cannot be read."""
        path = csv_file(tmp_path / "mixed.csv", EN_HEADER, [
            en_row("Call 20 prospects", "3/31/2027"), en_row("Call 10 customers", "31/03/2027"),
            en_row("Call 5 customers", "3/4/2027")])
        (line,) = problems(path)
        assert "line 2" in line and "line 3" in line and "'3/31/2027'" in line and "'31/03/2027'" in line
        assert "--date-order" in line

    def test_all_ambiguous_in_a_french_sheet_stay_day_month_and_are_said(self, tmp_path: Path) -> None:
        """04/03/2027 alone: day/month (4 March), as the plan format reads it, said in assumed."""
        path = csv_file(tmp_path / "fr.csv", FR_HEADER, [fr_row("Appeler 10 clients avant le 4 mars", "04/03/2027")])
        result = import_spreadsheet(path, year=2027)
        assert windows(result.text)[0][1] == date(2027, 3, 5)
        assert "avant le 04/03/2027" in result.text
        said = [a for a in result.assumed if "day/month" in a]
        assert len(said) == 1 and "--date-order mdy" in said[0]

    def test_the_option_reads_ambiguous_dates_month_day(self, tmp_path: Path) -> None:
        """--date-order mdy: 3/4/2027 is March 4; a date that is only day/month (31/03/2027) is refused by row."""
        path = csv_file(tmp_path / "us.csv", EN_HEADER, [en_row("Call 10 customers", "3/4/2027")])
        result = import_spreadsheet(path, period=PERIOD, tz="America/Chicago", date_order="mdy")
        assert windows(result.text)[0][1] == date(2027, 3, 5)
        bad = csv_file(tmp_path / "bad.csv", EN_HEADER, [en_row("Call 10 customers", "3/4/2027"),
                                                         en_row("Call 5 customers", "31/03/2027")])
        (line,) = problems(bad, date_order="mdy")
        assert "line 3" in line and "'31/03/2027'" in line and "month/day" in line

    def test_the_option_dmy_refuses_month_day_dates(self, tmp_path: Path) -> None:
        path = csv_file(tmp_path / "us.csv", EN_HEADER, [en_row("Call 10 customers", "3/31/2027")])
        (line,) = problems(path, date_order="dmy")
        assert "line 2" in line and "'3/31/2027'" in line


class TestLanguageAndCurrency:
    def test_english_headers_give_an_english_plan(self, tmp_path: Path) -> None:
        """Owner, Activity, Due date: language en, said; English comments and periods (by March 31, 2027; by end
        of Q2), not « avant le », « d'ici fin », « Importé de »."""
        path = csv_file(tmp_path / "us.csv", EN_HEADER, [
            en_row("Call 20 prospects by March 31", "March 31, 2027", count=20),
            en_row("Book 3 demos in Q2", "Q2", "demo", 3), en_row("Visit 4 customers in November", "November",
                                                                  "visit", 4)])
        result = import_spreadsheet(path, period=PERIOD, tz="America/Chicago")
        text = result.text
        assert "language: en" in text and "timezone: America/Chicago" in text
        assert "when: by March 31, 2027" in text and "when: by end of Q2" in text and "when: by end of November" in text
        assert "avant le" not in text and "d'ici" not in text and "Importé" not in text and "importé" not in text
        assert "Imported from us.csv" in text
        assert any(a.startswith("language en:") for a in result.assumed)
        assert any("currency EUR" in a and "--currency" in a for a in result.assumed)
        plan = load_plan_text(text)
        assert plan.language == "en"

    def test_currency_and_language_options(self, tmp_path: Path) -> None:
        """--currency USD --language en: an English USD plan, nothing assumed about either."""
        path = csv_file(tmp_path / "fr.csv", FR_HEADER, [fr_row("Appeler 10 clients avant le 31 mars", "31/03/2027")])
        result = import_spreadsheet(path, year=2027, currency="usd", language="en")
        assert "currency: USD" in result.text and "language: en" in result.text
        assert "when: by March 31, 2027" in result.text
        assert not any("currency" in a or a.startswith("language") for a in result.assumed)

    def test_an_unknown_currency_is_refused_as_the_option(self, tmp_path: Path) -> None:
        path = csv_file(tmp_path / "fr.csv", FR_HEADER, [fr_row("Appeler 10 clients", "31/03/2027")])
        with pytest.raises(InvalidInput) as info:
            import_spreadsheet(path, year=2027, currency="DOLLARS")
        assert "option --currency" in str(info.value.problems[0])

    def test_english_date_cells(self, tmp_path: Path) -> None:
        """An .xlsx date cell under Due date in an English plan is 'by March 4, 2027'."""
        book = Workbook()
        sheet = book.active
        sheet.append(EN_HEADER.strip().split(","))
        sheet.append(["Illinois", "geographic", "Win back", "Call 10 customers", MIKE, "call", 10,
                      datetime(2027, 3, 4)])
        book.save(tmp_path / "us.xlsx")
        result = import_spreadsheet(tmp_path / "us.xlsx", period=PERIOD, tz="America/Chicago")
        assert "when: by March 4, 2027" in result.text


def test_cli_options(tmp_path: Path) -> None:
    """pac plan import --language en --currency USD --timezone America/Chicago --date-order mdy."""
    path = csv_file(tmp_path / "us.csv", EN_HEADER, [en_row("Call 10 customers", "3/4/2027")])
    out = tmp_path / "us.pac.yaml"
    result = CliRunner().invoke(main, ["plan", "import", str(path), "--period", PERIOD, "--timezone",
                                       "America/Chicago", "--currency", "USD", "--language", "en", "--date-order",
                                       "mdy", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "currency: USD" in text and "when: by March 4, 2027" in text and "timezone: America/Chicago" in text


def test_scope_cell_fixes_give_english_examples_too(tmp_path: Path) -> None:
    """A Scope cell that cannot be read: the fix shows an English example beside the French one."""
    path = csv_file(tmp_path / "us.csv", EN_HEADER.replace("Due date\n", "Due date,Scope\n"),
                    [en_row("Call 10 customers", "March 4, 2027") + ',"dormant: often"',
                     en_row("Call 5 customers", "March 4, 2027") + ',"whatever"'])
    found = problems(path)
    assert len(found) == 2
    assert "'dormant: 12 months'" in found[0] and "12 mois" in found[0]
    assert "custom.state: IL" in found[1] and "département: 69" in found[1]
