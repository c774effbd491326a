"""``pac plan import`` of a US sales manager's workbook and CSV in English, checked field by field against what the
manager means (audit importus, 6 Dec 2026; the oracle written before reading the importer: /tmp/audits/importus).

The plan: English headers, ``--currency USD``, a fiscal year from 1 April 2027 (``--period 2027-04-01..2028-03-31``).
The .xlsx cells are typed as Excel stores them (numbers, dates with their number formats), the CSV cells are text.
"""

from __future__ import annotations

import csv
import os
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from ruamel.yaml import YAML

from pac_config.planfile import load_plan
from tests.cli import run_pac

US = ["Segment", "Segment type", "Axis", "Action id", "Action statement", "Owner", "Activity", "Target",
      "Due date", "Scope", "Status"]
FR = ["Segment", "Type de segment", "Axe", "Id", "Action", "Qui", "Quoi", "Combien", "Échéance", "Périmètre",
      "Statut"]
FY = ("--currency", "USD", "--period", "2027-04-01..2028-03-31")


def _env() -> dict[str, str]:
    return {**os.environ, "COLUMNS": "1000"}


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _xlsx(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    """Cells given as (value, number format) are typed so, the others as they are."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Plan"
    ws.append(header)
    for r, row in enumerate(rows, start=2):
        for c, cell in enumerate(row, start=1):
            if isinstance(cell, tuple):
                ws.cell(r, c, cell[0]).number_format = cell[1]
            else:
                ws.cell(r, c, cell)
    wb.save(path)
    return path


def _import(tmp_path: Path, source: Path, *args: str) -> tuple[int, str, dict[str, Any] | None]:
    out = tmp_path / "plan.pac.yaml"
    result = run_pac("plan", "import", str(source), "-o", str(out), "--force", *args, env=_env(), cwd=tmp_path)
    plan = YAML(typ="safe").load(out.read_text(encoding="utf-8")) if result.returncode == 0 else None
    return result.returncode, result.stdout + result.stderr, plan


def _row(statement: str, count: Any, due: Any, scope: str = "", status: str = "planned") -> list[Any]:
    return ["Midwest", "geographic", "Dormant accounts", "", statement, "alex@pumps.example", "call", count, due,
            scope, status]


def test_a_csv_of_ambiguous_numeric_dates_in_an_english_plan_is_refused_not_read_day_month(tmp_path: Path) -> None:
    """05/03/2027 in a US manager's CSV is May 3; read day/month (the French plan's rule) it became March 5 with only
    an `assumed:` line (refused here by luck: March 5 is before the fiscal year, and the error then blamed the
    year). An English plan does not say which English: the file is refused naming the cells and both readings."""
    rows = [_row("Call 20 dormant accounts", "20", "05/03/2027"), _row("Call 10 customers", "10", "06/04/2027")]
    source = _csv(tmp_path / "us.csv", US, rows)
    code, out, _ = _import(tmp_path, source, *FY)
    assert code == 2, out
    assert "us.csv column 'Due date': the file's numeric dates do not say their order" in out, out
    assert "line 2, column 'Due date': '05/03/2027' (May 3, 2027 or March 5, 2027)" in out, out
    assert "--date-order mdy" in out and "--date-order dmy" in out, out
    assert "outside the plan's period" not in out, out

    code, out, plan = _import(tmp_path, source, *FY, "--date-order", "mdy")
    assert code == 0, out
    assert plan is not None
    assert plan["plan"]["date_order"] == "mdy"
    assert [a["when"] for a in plan["actions"]] == ["by May 3, 2027", "by June 4, 2027"]


def test_a_french_plan_keeps_reading_ambiguous_numeric_dates_day_month(tmp_path: Path) -> None:
    rows = [["Rhône", "géographique", "Dormants", "", "Appeler 20 clients", "julie@acme.example", "appel", "20",
             "05/06/2027", "", "prévu"]]
    code, out, plan = _import(tmp_path, _csv(tmp_path / "fr.csv", FR, rows), "--year", "2027")
    assert code == 0, out
    assert plan is not None
    assert plan["plan"]["language"] == "fr" and "date_order" not in plan["plan"]
    assert plan["actions"][0]["when"] == "avant le 05/06/2027"
    assert "give --date-order mdy if they are month/day" in out, out


def test_a_us_csv_read_field_by_field(tmp_path: Path) -> None:
    """Text cells as a CSV gives them: 1,234 is one thousand two hundred thirty-four in an English plan."""
    rows = [
        _row("Call 1,234 customers", "1,234", "5/31/2027", "annual revenue >= $25k; dormant: Yes", "Done"),
        _row("Call 12 customers", "12", "May 3, 2027", "annual revenue >= $1,234.56; dormant: No"),
        _row("Call 12 customers", "12", "week 18"),
        _row("Call 12 customers", "12", "wk 18"),
        _row("Call 12 customers", "12", "Q2"),
        _row("Call 1,000 customers", "1,000", "Q2"),       # read 1 (a decimal comma) before
    ]
    code, out, plan = _import(tmp_path, _csv(tmp_path / "us.csv", US, rows), *FY)
    assert code == 0, out
    assert plan is not None
    header = plan["plan"]
    assert (header["language"], header["currency"], header["period"], header["year"], header["date_order"]) == (
        "en", "USD", "2027-04-01..2028-03-31", 2027, "mdy")
    assert [a["what"]["count"] for a in plan["actions"]] == [1234, 12, 12, 12, 12, 1000]
    # under 'Due date' a period is due by its end (docs/plan-format.md, Dates and deadlines)
    assert [a["when"] for a in plan["actions"]] == ["by May 31, 2027", "by May 3, 2027", "by end of week 18",
                                                    "by end of wk 18", "by end of Q2", "by end of Q2"]
    loaded = load_plan(tmp_path / "plan.pac.yaml")
    windows = [(a.window.start.date().isoformat(), a.window.end.date().isoformat()) for a in loaded.actions]
    assert windows == [("2027-04-01", end) for end in ("2027-06-01", "2027-05-04", "2027-05-10", "2027-05-10",
                                                         "2027-10-01", "2027-10-01")]
    scopes = [{(c.field, c.op): c.values for c in a.scope.conditions} for a in loaded.actions[:2]]
    assert scopes == [{("annual_revenue", "gte"): (25000,), ("dormant", "is"): (True,)},
                      {("annual_revenue", "gte"): (Decimal("1234.56"),),
                       ("dormant", "is"): (False,)}]
    assert plan["actions"][0]["status"].lower() == "done"


def test_a_french_plan_reads_1_234_as_a_count_and_refuses_1_5(tmp_path: Path) -> None:
    """A count is whole, so « 1,234 » can only be one thousand two hundred thirty-four, in French as in English
    (audit amounts2 F1 reversed the earlier refusal: docs/linter.md); « 1,5 » is refused, a count being whole."""
    rows = [["Rhône", "géographique", "Dormants", "", "Appeler des clients", "julie@acme.example", "appel", "1,234",
             "juin 2027", "", "prévu"]]
    code, out, plan = _import(tmp_path, _csv(tmp_path / "fr.csv", FR, rows), "--year", "2027")
    assert code == 0, out
    assert plan is not None and [a["what"]["count"] for a in plan["actions"]] == [1234]
    rows[0][7] = "1,5"
    code, out, _ = _import(tmp_path, _csv(tmp_path / "fr.csv", FR, rows), "--year", "2027")
    assert code == 2, out
    assert "fr.csv line 2, column 'Combien'" in out and "1,5" in out, out


def test_us_cells_refused_with_their_cell_and_as_shown(tmp_path: Path) -> None:
    rows = [
        _row("Call customers", "12.5%", "Q2"),
        _row("Call customers", "(1,000)", "Q2"),
        _row("Call customers", "$25k", "Q2"),
        _row("Call customers", "$1,234.56", "Q2"),
        _row("Call customers", "25 %", "Q2"),
        _row("Call customers", "12", "Q2 FY28"),
    ]
    code, out, _ = _import(tmp_path, _csv(tmp_path / "us.csv", US, rows), *FY)
    assert code == 2, out
    for line, shown in ((2, "12.5%"), (3, "(1,000)"), (4, "$25k"), (5, "$1,234.56"), (6, "25 %")):
        assert f"us.csv line {line}, column 'Target': '{shown}' is not a whole number" in out, out
    assert "us.csv line 7, column 'Due date': 'Q2 FY28' is ambiguous" in out, out
    assert "write 'Q2' for the plan's own quarter 2 (2027-07-01..2027-09-30)" in out, out


def test_a_us_workbook_typed_as_excel_stores_it(tmp_path: Path) -> None:
    rows = [
        _row("Call 1,234 customers", (1234, "#,##0"), (datetime(2027, 5, 3), "mm/dd/yyyy")),
        _row("Call 12 customers", (12, "0"), (datetime(2027, 5, 3), "mmmm d, yyyy")),
        _row("Call 12 customers", (12, "0"), (datetime(2027, 5, 1), "mmm-yy")),
    ]
    code, out, plan = _import(tmp_path, _xlsx(tmp_path / "us.xlsx", US, rows), *FY)
    assert code == 0, out
    assert plan is not None
    assert [a["what"]["count"] for a in plan["actions"]] == [1234, 12, 12]
    assert [a["when"] for a in plan["actions"]] == ["by May 3, 2027", "by May 3, 2027", "by end of May 2027"]

    refused = [
        _row("Call customers", (0.125, "0.0%"), "Q2"),
        _row("Call customers", (1234.56, '"$"#,##0.00'), "Q2"),
        _row("Call customers", (-1000, "#,##0;(#,##0)"), "Q2"),
    ]
    code, out, _ = _import(tmp_path, _xlsx(tmp_path / "bad.xlsx", US, refused), *FY)
    assert code == 2, out
    # a % cell is said as shown, with the space of docs/plan-format.md's « '20 %' » (the display is the reader's locale)
    assert "bad.xlsx sheet 'Plan', row 2, column 'Target' (H): '12.5 %' is not a whole number" in out, out
    # a currency cell too (audit excelcells F1: « 1234.56 »; a whole $25,000 was imported as 25,000 calls)
    assert "row 3, column 'Target' (H): '$1,234.56' is not a whole number" in out, out
    assert "row 4, column 'Target' (H): the target count must be positive, not -1000" in out, out


def test_a_us_statement_counting_in_thousands_is_an_action(tmp_path: Path) -> None:
    """« Call 1,234 customers by May 31, 2027 » counts 1,234 customers: the import's lint read no count in it (an
    « intention ... add: how many ») and so could not see a Target that disagrees with it."""
    rows = [_row("Call 1,234 customers by May 31, 2027", "1,234", "5/31/2027"),
            _row("Call 1,000 customers by May 31, 2027", "100", "5/31/2027")]
    code, out, _ = _import(tmp_path, _csv(tmp_path / "us.csv", US, rows), *FY)
    assert code == 0, out
    assert "intention:" not in out, out
    assert "lint: 2 action(s), 0 objective(s), 0 intention(s)" in out, out
    assert "line 3 (A-02): the statement and the columns disagree: statement says 1000, column 'Target' 100" in out, out
    assert "line 2 (A-01): the statement and the columns disagree" not in out, out


def test_a_us_managers_status_words(tmp_path: Path) -> None:
    """« Not started » was refused with « did you mean 'started'? » (the opposite); the words of a US tracker are
    read: Not started / To do / Scheduled = planned, Ongoing = in_progress, Complete / Finished = done."""
    words = {"Not started": "planned", "To do": "planned", "Scheduled": "planned", "Ongoing": "in_progress",
             "Complete": "done", "Finished": "done", "Canceled": "cancelled"}
    rows = [_row("Call 5 customers in Q2", "5", "Q2", "", word) for word in words]
    code, out, _ = _import(tmp_path, _csv(tmp_path / "us.csv", US, rows), *FY)
    assert code == 0, out
    loaded = load_plan(tmp_path / "plan.pac.yaml")
    assert [a.status.value for a in loaded.actions] == list(words.values())


def test_excel_us_day_month_displays_saved_as_text(tmp_path: Path) -> None:
    """A US Excel shows a date cell « 3-May » (d-mmm) or « 3-May-27 » (d-mmm-yy), and a CSV saves that text: it was
    refused (« cannot read '3-May' as a period ») where French Excel's « 03-mai » reads."""
    header = [*US[:8], "When", *US[9:]]
    rows = [_row("Call 5 customers", "5", written) for written in ("3-May", "3-May-27", "03-May-2027", "15-Jan")]
    code, out, plan = _import(tmp_path, _csv(tmp_path / "us.csv", header, rows), *FY)
    assert code == 0, out
    assert plan is not None
    loaded = load_plan(tmp_path / "plan.pac.yaml")
    days = [(a.window.start.date().isoformat(), a.window.end.date().isoformat()) for a in loaded.actions]
    assert days == [("2027-05-03", "2027-05-04")] * 3 + [("2028-01-15", "2028-01-16")]


def test_a_one_group_dollar_amount_in_a_scope_reads_and_a_scaled_one_says_both_readings(tmp_path: Path) -> None:
    """« $25,000 » is 25 000 dollars in a scope (it was refused as ambiguous, thousands or decimals: audit amounts F1,
    docs/plan-format.md *Amounts*); « 1,500k » stays refused, with both numbers to write, its k applied (the fix said
    « write 1500 for thousands »: F2)."""
    rows = [_row("Call 5 customers in Q2", "5", "Q2", "annual revenue >= $25,000")]
    code, out, _ = _import(tmp_path, _csv(tmp_path / "us.csv", US, rows), *FY)
    assert code == 0, out
    scope = load_plan(tmp_path / "plan.pac.yaml").actions[0].scope
    assert [c.values for c in scope.conditions] == [(Decimal(25_000),)]
    rows = [_row("Call 5 customers in Q2", "5", "Q2", "annual revenue >= 1,500k")]
    code, out, _ = _import(tmp_path, _csv(tmp_path / "us2.csv", US, rows), *FY)
    assert code == 2, out
    assert ("us2.csv line 2, column 'Scope': '1,500k' is ambiguous: 1500000 with a comma grouping thousands, or 1500 "
            "with a decimal comma (write 1500000 for thousands, or 1500 for decimals)") in out, out


def test_an_english_plan_says_the_timezone_it_took(tmp_path: Path) -> None:
    """With no --tz an English plan got Europe/Paris without a word (its currency EUR is said): a Chicago rep's call
    at 6 pm on the last day of a window is 1 am the next day in Paris, outside it."""
    rows = [_row("Call 5 customers in Q2", "5", "Q2")]
    source = _csv(tmp_path / "us.csv", US, rows)
    code, out, plan = _import(tmp_path, source, *FY)
    assert code == 0, out
    assert plan is not None and plan["plan"]["timezone"] == "Europe/Paris"
    assert "assumed: timezone Europe/Paris: the plan's days start and end at midnight in Paris; give --tz" in out, out
    code, out, plan = _import(tmp_path, source, *FY, "--tz", "America/Chicago")
    assert code == 0, out
    assert plan is not None and plan["plan"]["timezone"] == "America/Chicago"
    assert "assumed: timezone" not in out, out
    rows_fr = [["Rhône", "géographique", "Dormants", "", "Appeler 5 clients en juin", "julie@acme.example", "appel",
                "5", "juin 2027", "", "prévu"]]
    code, out, _ = _import(tmp_path, _csv(tmp_path / "fr.csv", FR, rows_fr), "--year", "2027")
    assert code == 0 and "assumed: timezone" not in out, out


def test_a_fiscal_quarter_named_with_two_digit_years(tmp_path: Path) -> None:
    """« Q2 FY27-28 » is how a US sheet shortens « Q2 FY2027-28 », which reads as the plan's own Q2: it was « cannot
    read ... as a period ». Another fiscal year's quarter stays refused."""
    header = [*US[:8], "When", *US[9:]]
    rows = [_row("Call 5 customers", "5", written) for written in ("Q2 FY27-28", "Q2 FY2027-28", "Q3 FY 27/28")]
    code, out, _ = _import(tmp_path, _csv(tmp_path / "us.csv", header, rows), *FY)
    assert code == 0, out
    loaded = load_plan(tmp_path / "plan.pac.yaml")
    days = [(a.window.start.date().isoformat(), a.window.end.date().isoformat()) for a in loaded.actions]
    assert days == [("2027-07-01", "2027-10-01")] * 2 + [("2027-10-01", "2028-01-01")]
    rows = [_row("Call 5 customers", "5", "Q2 FY26-27")]
    code, out, _ = _import(tmp_path, _csv(tmp_path / "old.csv", header, rows), *FY)
    assert code == 2, out
    assert "old.csv line 2, column 'when': 'q2 fy26-27' is a quarter of the fiscal year 2026-2027" in out.lower(), out


def test_a_us_sheets_usual_headers(tmp_path: Path) -> None:
    """« Rep », « Activity Type », « Qty » (a US tracker's headers) were no column: the sheet was refused as
    « missing column(s): Qui, Quoi, Combien » (French names, for an English sheet) with « delete the title rows
    above it ». They read now; a header still unknown is refused in English, naming the columns not read."""
    header = ["Segment", "Segment Type", "Axis", "Action", "Rep", "Activity Type", "Qty", "Due Date (MM/DD/YYYY)"]
    rows = [["Midwest", "geographic", "Dormant", "Call 5 customers by May 31, 2027", "alex@pumps.example", "call",
             "5", "5/31/2027"]]
    code, out, plan = _import(tmp_path, _csv(tmp_path / "us.csv", header, rows), *FY)
    assert code == 0, out
    assert plan is not None
    action = plan["actions"][0]
    assert (action["who"], action["what"], action["when"]) == (
        "alex@pumps.example", {"activity": "call", "count": 5}, "by May 31, 2027")

    header = ["Segment", "Segment Type", "Axis", "Action", "Sales Person", "Activity", "Goal", "Due Date"]
    code, out, _ = _import(tmp_path, _csv(tmp_path / "bad.csv", header, rows), *FY)
    assert code == 2, out
    assert "bad.csv line 1: missing column(s): Who, How many:" in out, out
    assert "columns not read: 'Sales Person', 'Goal'" in out, out
    assert "delete the title rows" not in out, out


def test_a_british_csv_whose_dates_say_day_month_is_read_so(tmp_path: Path) -> None:
    """31/03/2027 can only be day/month: the file's 05/03/2027 is then 5 March, in an English plan too (the refusal
    of F1 is for files where no date says its order)."""
    rows = [_row("Call 20 dormant accounts", "20", "31/03/2028"), _row("Call 10 customers", "10", "05/03/2028")]
    code, out, plan = _import(tmp_path, _csv(tmp_path / "uk.csv", US, rows), "--currency", "GBP", "--period",
                              "2027-04-01..2028-03-31")
    assert code == 0, out
    assert plan is not None and "date_order" not in plan["plan"]
    assert [a["when"] for a in plan["actions"]] == ["by March 31, 2028", "by March 5, 2028"]


def test_a_dollar_amount_without_currency_asks_for_the_option(tmp_path: Path) -> None:
    """With no --currency the import takes EUR, and a Scope cell's « $25,000 » was refused with « write ... an amount
    such as "50 M€" »: the sheet is right, the option is missing (audit amounts F8, seen failing before the fix)."""
    rows = [_row("Call 5 customers in Q2", "5", "Q2", "annual revenue >= $25,000"),
            _row("Call 6 customers in Q2", "6", "Q2", "annual revenue >= 25,000 GBP")]
    code, out, _ = _import(tmp_path, _csv(tmp_path / "us.csv", US, rows), "--period", "2027-04-01..2028-03-31")
    assert code == 2, out
    assert ("us.csv line 2, column 'Scope': '$25,000' is in dollars, and the plan's amounts are in EUR (give the "
            "sheet's currency with --currency USD: with no --currency the import takes EUR)") in out, out
    assert "line 3, column 'Scope': '25,000 GBP' is in GBP, and the plan's amounts are in EUR (give the sheet's " \
           "currency with --currency GBP" in out, out
    code, out, _ = _import(tmp_path, _csv(tmp_path / "us.csv", US, rows[:1]), *FY)
    assert code == 0, out
