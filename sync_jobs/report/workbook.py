"""The report as an xlsx workbook (openpyxl): one sheet per view, real numbers with number formats.

Each sheet: a title row, the as-of line, then a styled header row with frozen panes and an autofilter,
so managers can sort, filter and rework the figures. Text cells never become formulas.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel.numbers import get_currency_symbol
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from connectors.fit import printable
from pac_core.money import LOCALES, PROGRESS_LIMITS, Limit, apart, places_of
from pac_core.rounding import half_up
from pac_core.text import french_spacing
from sync_jobs.report.csv_export import FORMULA_START
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.i18n import labels
from sync_jobs.report.page import formatter_for
from sync_jobs.report.restated import overlap_lines, report_since, status_line
from sync_jobs.report.scrub import scrub
from sync_jobs.report.tables import Footer, iter_views, pace_places
from sync_jobs.report_inputs import ReportInputs

HEADER_FILL = PatternFill("solid", fgColor="14213D")
HEADER_FONT = Font(bold=True, color="FFFFFF")
FIRST_ROW = 3   # header row; rows 1-2 carry the title and the as-of line
# the decimals each number format shows (a ratio's percentage: 2 places of the ratio)
SHOWN_PLACES = {"money": 0, "percent": 2, "change": 2, "months": 1, "number": 1, "int": 0}
HEADER_LINE = 15   # points a line of the header row takes (11-point bold)
TEXT_WIDTH = (10, 60)   # a text column's narrowest and widest, in characters (a longer text wraps)
WIDTHS = {"text": 28, "money": 15, "percent": 11, "change": 11, "months": 11, "date": 13, "int": 9, "number": 11,
          "quantity": 11, "any": 22}


def formats(lang: str, currency: str) -> dict[str, str]:
    # the page's symbol (CLDR's for the language: « $US » in French, "CA$" in English), not a table of three
    symbol = get_currency_symbol(currency, locale=LOCALES[lang]).replace('"', "")
    return {
        "money": f'#,##0\\ "{symbol}"' if lang == "fr" else f'"{symbol}"#,##0',
        "percent": "0%",
        "change": "+0%;-0%;0%",     # a change from a baseline, signed as the page writes it (« +210 % »)
        # one decimal, and « < 0,1 » / "< 0.1" below 0.05 as the page (pac_core.money.months), not « 0,0 » (F6)
        "months": '[<0.05]"< 0,1";0.0' if lang == "fr" else '[<0.05]"< 0.1";0.0',
        "number": "0.0",
        "int": "0",
        "quantity": "General",     # a product's capacity: as written, 40 or 12.5, the decimal sign Excel's own
        "date": "dd/mm/yyyy" if lang == "fr" else "mmm d, yyyy",
        "datetime": "dd/mm/yyyy hh:mm" if lang == "fr" else "mmm d, yyyy hh:mm",
    }


def write(inputs: ReportInputs, path: Path, lang: str | None = None) -> Path:
    fmt = formatter_for(inputs, lang)
    number_formats = formats(fmt.lang, inputs.plan.currency)
    book = Workbook()
    blank = book.active   # the empty sheet a new workbook starts with (None only for a write-only one)
    if blank is not None:
        book.remove(blank)
    since = report_since(inputs, fmt)
    spaced = french_spacing if fmt.lang == "fr" else str   # French typography, as the page (templating.render)
    subtitle = spaced(" · ".join([status_line(inputs, fmt), *since, *overlap_lines(inputs, fmt)]))
    for name, (columns, rows) in iter_views(inputs, fmt):
        sheet = book.create_sheet(name)
        # the plan's name heads each sheet: text, as every cell (a name starting with '=' made A1 a formula, F1)
        _text(sheet["A1"], spaced(scrub(f"{inputs.plan.name} — {name}")))   # scrubbed first: a secret as written
        sheet["A1"].font = Font(bold=True, size=14)
        _text(sheet["A2"], subtitle)
        sheet["A2"].font = Font(italic=True, color="5B6B82")
        for c, (header, kind) in enumerate(columns, start=1):
            cell = sheet.cell(FIRST_ROW, c)
            _text(cell, spaced(header))
            cell.fill, cell.font = HEADER_FILL, HEADER_FONT
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            sheet.column_dimensions[get_column_letter(c)].width = WIDTHS.get(kind, 14)
        near = _near_limits(name, columns, fmt)
        progress = _progress_columns(columns, fmt)
        for r, row in enumerate(rows, start=FIRST_ROW + 1):
            behind = pace_places(columns, row, fmt.lang)     # a row at risk: the decimals that read it (sfhand7)
            for c, ((_, kind), value) in enumerate(zip(columns, row, strict=True), start=1):
                _put(sheet.cell(r, c), value, kind, number_formats, spaced)
                if not isinstance(value, float):
                    continue
                if c in progress:     # the plan's total too: a progress reads on its own side of 0 % and 100 %
                    _near(sheet.cell(r, c), value, kind, PROGRESS_LIMITS, behind.get(c - 1, 0))
                elif c - 1 in behind:     # an expected share or count beside a figure behind it
                    sheet.cell(r, c).value = value
                    sheet.cell(r, c).number_format = "0." + "0" * behind[c - 1] + ("%" if kind == "percent" else "")
                elif c in near and not isinstance(row, Footer):
                    _near(sheet.cell(r, c), value, kind, near[c])
            if isinstance(row, Footer):
                sheet.cell(r, 1).font = Font(bold=True)
        _fit_text_columns(sheet, columns, rows)
        _fit_header(sheet, [spaced(header) for header, _ in columns], columns)
        last = get_column_letter(len(columns))
        sheet.freeze_panes = sheet.cell(FIRST_ROW + 1, 2)
        # the filter covers the table's rows, not its total and note (a sort in Excel kept them among the axes, F2)
        body = sum(1 for row in rows if not isinstance(row, Footer))
        sheet.auto_filter.ref = f"A{FIRST_ROW}:{last}{FIRST_ROW + max(body, 1)}"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _fit_header(sheet: Any, headers: list[str], columns: list[tuple[str, str]]) -> None:
    """A number column at least wide enough for its header's longest word and its header in three lines; the header
    row as high as its longest header needs, wrapped (it was two lines high: « Délai de retour (mois depuis le
    début) » read « Délai de retour (mois », F5)."""
    most = 2
    for c, (header, (_, kind)) in enumerate(zip(headers, columns, strict=True), start=1):
        letter = get_column_letter(c)
        if kind != "text":
            longest = max((len(word) for word in header.split()), default=0)
            wide = max(WIDTHS.get(kind, 14), longest + 2, -(-len(header) // 3) + 2)
            sheet.column_dimensions[letter].width = wide
        width = int(sheet.column_dimensions[letter].width) - 1   # bold: a character's margin
        lines = textwrap.wrap(header, width, break_long_words=False, break_on_hyphens=False)
        most = max(most, len(lines))
    sheet.row_dimensions[FIRST_ROW].height = HEADER_LINE * most


def _fit_text_columns(sheet: Any, columns: list[tuple[str, str]], rows: list[list[Any]]) -> None:
    """Each text column as wide as its longest line (header words included), between TEXT_WIDTH's bounds; a cell
    longer than its column wraps, so a recommendation or a long action reads whole (every text column was 28 wide
    and cut them at the next filled cell: F3). A footer (the overview's note) keeps its one line over the empty
    cells to its right."""
    for c, (header, kind) in enumerate(columns, start=1):
        if kind != "text":
            continue
        body = [sheet.cell(r, c) for r, row in enumerate(rows, start=FIRST_ROW + 1) if not isinstance(row, Footer)]
        texts = [cell.value for cell in body if isinstance(cell.value, str)]
        longest = max((len(line) for t in texts for line in t.splitlines()), default=0)
        longest = max([longest, *(len(word) for word in header.split())])
        width = min(TEXT_WIDTH[1], max(TEXT_WIDTH[0], longest + 2))
        sheet.column_dimensions[get_column_letter(c)].width = width
        for cell in body:
            if isinstance(cell.value, str) and max((len(line) for line in cell.value.splitlines()), default=0) > width:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _text(cell: Any, text: str) -> None:
    """``text`` stored as text, never as a formula: "=HYPERLINK(...)" from the CRM or the plan would otherwise be one
    (openpyxl makes a str starting with '=' a formula). One starting with = + - @ (OWASP's CSV-injection list) is
    also marked with Excel's quote prefix, as Excel marks a typed « '=… »: it stays text when a manager edits it."""
    # without the control characters a CRM field does not keep either (Word's line break U+000B, an escape): openpyxl
    # refuses them, and the whole workbook failed (F4); tab, line feed and carriage return stay
    text = printable(text)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True


def _near_limits(sheet: str, columns: list[tuple[str, str]], fmt: Formatter) -> dict[int, tuple[Limit, ...]]:
    """The columns (from 1) whose figures the advisor compares with a threshold: an axis's ROI (the overview's and
    the Axes sheet's rows) and a segment's trend; not a segment's ROI, which no rule compares."""
    w = labels(fmt.lang)
    near = {}
    for c, (header, kind) in enumerate(columns, start=1):
        if header == w["trend"] and kind == "change":
            near[c] = fmt.trend_limits
        elif header == w["roi"] and kind == "percent" and sheet != "Segments":
            near[c] = fmt.roi_limits
        elif header == w["time_to_roi"] and kind == "months":
            near[c] = fmt.payback_limits
    return near


def _progress_columns(columns: list[tuple[str, str]], fmt: Formatter) -> set[int]:
    """The columns (from 1) holding a progress (an axis's additional revenue / objective, an action's done / target),
    which reads below 100 % until done and above 0 % once begun, as on the page (``money.PROGRESS_LIMITS``)."""
    word = labels(fmt.lang)["progress"]
    return {c for c, (header, kind) in enumerate(columns, start=1) if header == word and kind == "percent"}


def _near(cell: Any, value: float, kind: str, limits: tuple[Limit, ...], least: int = 0) -> None:
    """A figure just short of a threshold shows the decimals that keep it short, as the page (``money.apart``; audit
    nearthreshold): 0.4996 as « 49,96 % », not the roll-out's « 50 % »; 0.9996 of an objective as « 99,96 % », not
    « 100 % » (audit nearleft). The cell keeps the exact value, unless that value would still read on the other side
    at those decimals (a trend of -0.09999999 under « 0,00 % » reads « -10,00 % » in Excel, the prioritising figure):
    it then holds the figure as the page shows it, -0.0999 (decided 7 Dec 2026, audit nearleft)."""
    percent = kind != "months"
    usual = 0 if percent else 1     # the places of the column's format (« 0 % », months' « 0,0 »)
    shown = apart(value, limits, max(usual, least), percent=percent)
    places = places_of(shown)
    if places > usual:
        # the exact value: ``_put`` zeroed a figure that prints « -0 % » at the column's places, but at these it
        # reads below 0 (an ROI of -0.26 % the drop fired on is « -0,3 % », not 0: audit sfhand7)
        cell.value = value
        if not percent:       # one decimal as a rule (« 6,0 »); 6.04 months beside « within 6 »: « 6,04 »
            cell.number_format = "0." + "0" * places
        else:
            fixed = "0." + "0" * places + "%"
            cell.number_format = f"+{fixed};-{fixed};{fixed}" if kind == "change" else fixed
    if half_up(value, places, percent=percent) != shown:     # Excel would round the exact value across it
        cell.value = float(shown.scaleb(-2) if percent else shown)


def _put(cell: Any, value: Any, kind: str, number_formats: dict[str, str],
         spaced: Callable[[str], str] = str) -> None:
    if value is None or value == "":
        return
    if isinstance(value, Decimal):
        value = float(value)   # Excel stores doubles; money is rounded to the unit by the number format
    if isinstance(value, str):
        _text(cell, spaced(scrub(value)))
        cell.alignment = Alignment(wrap_text="\n" in value, vertical="top")
        return
    if kind in SHOWN_PLACES and isinstance(value, float) and value < 0 and half_up(value, SHOWN_PLACES[kind]) == 0:
        value = 0.0   # it shows as zero: a spreadsheet would print « -0 % » / « -0 € » (the page reads « 0 % »)
    cell.value = value
    if isinstance(value, datetime):
        cell.number_format = number_formats["datetime"]
    elif isinstance(value, date):
        cell.number_format = number_formats["date"]
    elif kind in number_formats:
        cell.number_format = number_formats[kind]
