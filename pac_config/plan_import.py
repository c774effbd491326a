"""Import a plan from the spreadsheet where PACs usually live (``.xlsx`` or ``.csv``), one row per action.

Columns (header row = the first non-empty row; French or English names, case and accents ignored,
a parenthesised note such as "Quoi (activité)" is ignored; other columns are ignored):

=====================  ========================================  =========
key                    accepted headers (first = documented)     required
=====================  ========================================  =========
segment                Segment                                   yes
segment_kind           Type de segment, Segment type             no (horizontal)
axis                   Axe, Axe de développement, Axis           yes
id                     Id, Id action, Action id, Réf             no (A-01...; a Réf given twice is refused)
text                   Action, Énoncé, Statement                 yes
who                    Qui, Who, Owner, Responsable, Rep (...)   yes (an e-mail)
activity               Quoi, Activité, What, Activity (type)     yes (visite, appel...)
count                  Combien, Nombre, How many, Count, Qty     yes
counting               Comptage, Counting                        no
when                   Quand, Échéance, Date limite, When...     yes
scope                  Périmètre, Scope                          no (the action's accounts)
departement            Département, Dépt, Dpt...                 no (the action's départements; 1 is « 01 »)
segment_scope          Périmètre du segment, Segment scope       no (once per segment)
axis_scope             Périmètre de l'axe, Axis scope            no (once per axis)
info_needed            Information nécessaire, Information ...   no
info_from              Auprès de qui, From whom, Source          no
status                 Statut, Status, État                      no
=====================  ========================================  =========

Business rules:

- A blank Segment cell repeats the value of the row above (the usual way a spreadsheet groups actions),
  and so does a blank Type de segment or Axe cell **within the same segment**: under a new segment a blank
  Axe is a located error and a blank type the default "horizontal" flagged « à vérifier »; **merged cells
  over a column read are refused** (openpyxl only keeps the top-left value,
  so the rows below would silently lose theirs): the error names the sheet and range, to unmerge; but a Segment,
  Type de segment or Axe merged down the rows of one segment reads as shown (its blank cells repeat the row above).
- Formulas are read by the value Excel or LibreOffice kept beside them; a formula cell without one (a file
  written by a script, never saved by a spreadsheet) and a cell showing an error (« #N/A », « #REF! », « Err:502 »)
  are refused in a read column with their cell: read as blank or as text they changed the plan without a word.
- Périmètre is written ``key: values`` separated by ``;`` (e.g. ``département: 69, 38; dormant: 12 mois;
  CA >= 50 M€; sauf type: Distributeur``); keys as in plan scopes (docs/plan-format.md).
- CSV: ``;``, ``,`` or tab delimiter (sniffed), UTF-8 with or without BOM, UTF-16 with its BOM (Excel's
  « Texte Unicode »), else Windows-1252 (Excel) when no byte is UTF-8; a file mixing the two, or in
  another encoding (Mac Roman), is refused with the line of the first byte that does not fit; a file (or
  workbook) garbled once already (« RhÃ´ne », UTF-8 read as Windows-1252 and saved again) is refused at its
  first garbled cell.
- A date under Échéance/Deadline/Date limite/Date butoir/Due date, or under Quand when the statement says
  "avant le / d'ici / by...", becomes "avant le DATE": from the plan's start to the end of that day (the
  deadline the statement means), whether it is a date cell or text (every CSV cell); otherwise a date is
  that day. Under those deadline headers a single period written as text is due by its end (« juin 2027 »
  → « d'ici fin juin 2027 », « S24 » → « d'ici fin S24 »); a cell that says its bounds is kept as written.
- Numeric dates (« 3/4/2027 ») are read in the order the file's own dates show (``_date_order``): some only
  month/day (3/31/2027) and none only day/month: month/day; both: refused naming rows; all ambiguous: day/month
  (the plan's rule), said, in a French plan, refused in an English one (audit importus F1); ``date_order``
  (--date-order) decides instead. They are written out in the plan's
  language ("by March 4, 2027", « avant le 04/03/2027 », « avant le 4 mars 2027 » when month/day); a month/day
  file makes a plan saying ``date_order: mdy``, so the statements, kept as written, are linted month/day again
  (usplan audit F2). The plan's language is ``language`` or the headers'
  (English headers: en; its periods, name and comments are then English), its currency ``currency`` or EUR.
- A date cell whose number format shows no day (Excel stores « juin 2027 » typed in a cell as
  1 June 2027 shown ``mmm-yy``; also ``mmmm yyyy``, ``mm/yyyy``) is the month the manager sees:
  "juin 2027", or the deadline "d'ici fin juin 2027" where a date would be "avant le DATE".
- Every imported action is linted (``pac_core.linter``, with the plan's period) and the results are
  returned with the row of each action; a statement over the linter's 1,000 characters is a problem.
  Where the statement's confident reading (activity verb, one count, one window, départements) and the
  columns disagree, a warning per row names each disagreement (``statement_disagreements``).
- After a French month name two digits are a year (Excel FR shows a month as « juin-27 »; the day is
  « 27 juin »): « juin 27 » / « juin-27 » is June 2027, « 03-mai » 3 May; two digits that could be a day
  and a year far from the plan (« juin 15 » in 2027) are refused, asking for « 15 juin » or « juin 2015 ».
- The year: ``year``, else the start of ``period``, else the year most Quand cells name (« 30/04/27 »
  and « juin-27 » name 2027), else today's; what was assumed is returned in plain words, and a window
  outside the plan's period says which period was taken and why.
- Bounds, each in the message that refuses more: 50 MB per file, 10,000 action rows (a sheet that
  declares more is refused before it is read), 128 KiB per CSV cell. An .xlsx is read in openpyxl's
  read-only mode (row by row, small memory); merged ranges are read from the sheet's XML part.
  A header with no row under it, an empty file, a workbook missing its sheet part: a clear error.
- Every problem is reported at once with its row and column; nothing is produced when there is one.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from babel.core import get_global
from openpyxl import load_workbook
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, range_boundaries
from openpyxl.xml.functions import iterparse
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from pac_config.planfile import load_plan_text
from pac_core.errors import InvalidInput, PeriodError, Problem, ScopeError
from pac_core.linter import LintResult, lint_statement, statement_disagreements, statement_too_long
from pac_core.periods import FRENCH_MONTHS, parse_period
from pac_core.scopes import KEY_ALIASES, NEGATION_KEYS, parse_scope, read_count
from pac_core.text import INVISIBLE, fold_alnum, fold_keep_length, fold_key

Progress = Callable[[str, int], None]      # (what is counted: "rows read", "actions linted"; how many so far)


@dataclass(frozen=True)
class Column:
    key: str
    headers: tuple[str, ...]
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("segment", ("Segment",), True),
    Column("segment_kind", ("Type de segment", "Segment type", "Type segment", "Segment kind")),
    Column("axis", ("Axe", "Axe de développement", "Axis", "Development axis"), True),
    Column("id", ("Id", "Id action", "Action id", "Réf", "Ref")),
    Column("text", ("Action", "Énoncé", "Statement", "Action statement"), True),
    # a US tracker's Rep / Activity type / Qty too (audit importus F9)
    Column("who", ("Qui", "Who", "Owner", "Responsable", "Rep", "Sales rep", "Assigned to"), True),
    Column("activity", ("Quoi", "Activité", "Type d'activité", "What", "Activity", "Activity type",
                        "Type of activity"), True),
    Column("count", ("Combien", "Nombre", "Cible", "How many", "Count", "Target", "Quantity", "Qty"), True),
    Column("counting", ("Comptage", "Counting")),
    Column("when", ("Quand", "Échéance", "Période", "When", "Deadline", "Period", "Date limite", "Date butoir",
                    "Due date", "Due by"), True),
    Column("scope", ("Périmètre", "Scope", "Périmètre de l'action", "Action scope")),
    Column("departement", ("Département", "Départements", "Dépt", "Dept", "Dpt", "Code département",
                           "N° département")),
    Column("segment_scope", ("Périmètre du segment", "Périmètre segment", "Segment scope")),
    Column("axis_scope", ("Périmètre de l'axe", "Périmètre axe", "Axis scope")),
    Column("info_needed", ("Information nécessaire", "Info nécessaire", "Information needed", "Info needed")),
    Column("info_from", ("Auprès de qui", "From whom", "Information from", "Source")),
    Column("status", ("Statut", "Status", "État")),
)
_REPEATED = ("segment", "segment_kind", "axis")   # blank = the row above
# A column not read that holds an axis's objective (headers folded by fold_key), and the key to write it under.
_OBJECTIVE_HEADERS = (
    (re.compile(r"marge|margin"), "margin_rate"),
    (re.compile(r"budget"), "budget"),
    (re.compile(r"(?:^|_)roi(?:_|$)|retour_sur_inv"), "expected_roi"),
    (re.compile(r"jours|effort|days"), "effort_days"),
    (re.compile(r"cout|cost"), "day_cost"),
    (re.compile(r"objectif|ca_(?:additionnel|vise|cible|supplementaire)|croissance|growth|goal|revenue_target"),
     "additional_revenue"),
)
# A totals row under the actions (« Total », « TOTAL GÉNÉRAL », « Sous-total », « Totaux », folded).
_TOTALS = re.compile(r"(?:sous_?)?total(?:s)?(?:_general|_pac|_plan)?|totaux|grand_total")
# A statement that says "avant le / d'ici / by..." makes a date cell its deadline whatever the header.
_DEADLINE_WORDS = re.compile(r"\b(?:avant|d'ici|au plus tard|jusqu'au|jusqu'a|by|before|until|till|no later than"
                             r"|not later than|prior to|due)\b")

# Bounds, each said in the message that refuses more.
MAX_ACTION_ROWS = 10_000          # a team's plan has tens to hundreds of actions
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_CELL_CHARS = 131_072          # the csv module's limit (128 KiB), kept: a bigger cell is a broken quote
PROGRESS_EVERY = 1_000            # rows between two calls of the progress callback


def header_key(text: str) -> str:
    """How headers are compared: no parenthesised note, no accents, no case, single spaces."""
    text = re.sub(r"\(.*?\)", " ", str(text))
    return fold_alnum(text)


_BY_HEADER = {header_key(h): c for c in COLUMNS for h in c.headers}

# A date (cell or text) under one of these headers is a deadline: "until" that day (from the plan's start).
_DEADLINE_HEADERS = {header_key(h) for h in ("Échéance", "Deadline", "Date limite", "Date butoir", "Due date",
                                             "Due by")}
# A when cell that already says its bounds (a deadline, a range, a start): kept as written under Échéance.
_BOUND_WORDS = re.compile(r"\b(?:avant|d'ici|au plus tard|jusqu|fin|by|before|until|till|end|du|au|entre|between"
                          r"|from|a partir|a compter|des|depuis|to|through|et|and|prior|due)\b|\.\.")


# Headers in one language only (Segment, Id, Action, Ref, Source are both): the plan's language when not given.
_ENGLISH_HEADERS = frozenset(header_key(h) for h in (
    "Segment type", "Segment kind", "Axis", "Development axis", "Action id", "Statement", "Action statement", "Who",
    "Owner", "What", "Activity", "How many", "Count", "Target", "Counting", "When", "Deadline", "Period", "Due date",
    "Due by", "Scope", "Action scope", "Segment scope", "Axis scope", "Information needed", "Info needed",
    "From whom", "Information from", "Status", "Rep", "Sales rep", "Assigned to", "Activity type", "Type of activity",
    "Quantity", "Qty"))
_FRENCH_HEADERS = frozenset(header_key(h) for c in COLUMNS for h in c.headers) - _ENGLISH_HEADERS - frozenset(
    header_key(h) for h in ("Segment", "Id", "Action", "Ref", "Source", "Dept"))


def _english_name(column: Column) -> str:
    """The column's first English header (« Who » for Qui), for an English sheet's messages."""
    return next((h for h in column.headers if header_key(h) in _ENGLISH_HEADERS), column.headers[0])

# A numeric date: « 3/4/2027 », « 31.03.27 », « 5/9 » (day and month in an order the file decides, see
# ``_date_order``); not inside an ISO date, a fraction of a number or a longer run of digits.
_NUMERIC_DATE = re.compile(r"(?<![\w/.,-])(\d{1,2})([/.])(\d{1,2})(?:\2(\d{4}|\d{2}))?(?![\w/.-]|,\d)")
DATE_ORDERS = ("dmy", "mdy")
# the words that put a date right after them in a statement: "by 4/5", « avant le 4/5 », « jusqu'au 30/4 »
_DATE_WORD = re.compile(r"(?:\b(?:by|before|until|till|on|from|to|through|due|le|du|au|jusqu'au|jusqu’au)|^)\s*$",
                        re.IGNORECASE)

_MONTH_NAMES_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                   "November", "December")
# French month names and the abbreviations Excel FR shows (« juin-27 », « 03-mai », « janv.-27 »), accents folded.
_FR_MONTH = (r"(?:janvier|janv|fevrier|fevr|fev|mars|avril|avr|mai|juin|juillet|juil|aout|septembre|sept|octobre|oct"
             r"|novembre|nov|decembre|dec)\.?")
# « juin 27 », « juin-27 », « 3 mai 27 »: a French month name then two digits (Excel FR's « mmm-aa »).
_MONTH_YY = re.compile(rf"(?<![\w.])(?:(?P<d>\d{{1,2}})(?:er)?[\s-]+)?(?P<m>{_FR_MONTH})(?:\s*-\s*|\s+|/)"
                       rf"(?P<yy>\d{{2}})(?![\w/:.,]|\s*(?:h|heures?)\b)")
# « 03-mai », « 3-mai-2027 »: Excel FR's « jj-mmm » display of a date cell, saved as text.
_DAY_DASH_MONTH = re.compile(rf"(?<![\w/.])(?P<d>\d{{1,2}})-(?P<m>{_FR_MONTH})(?![\w-])")
# « 3-May », « 3-May-27 », « 03-May-2027 »: US Excel's d-mmm / d-mmm-yy display of a date cell, saved as text
# (audit importus F5: refused, « cannot read '3-May' as a period »).
_EN_MONTH = (r"(?:january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug|september|sept|sep"
             r"|october|oct|november|nov|december|dec)")
_EN_DAY_DASH_MONTH = re.compile(rf"(?<![\w/.-])(?P<d>\d{{1,2}})-(?P<m>{_EN_MONTH})(?:-(?P<y>\d{{4}}|\d{{2}}))?"
                                rf"(?![\w-])")
# « 30/04/27 »: a numeric date with a two-digit year.
_NUM_DATE_YY = re.compile(r"(?<![\w/.])\d{1,2}[/.]\d{1,2}[/.](?P<yy>\d{2})(?![\w/.])")


def _short_years(text: str, years: tuple[int, int]) -> tuple[str, tuple[str, str] | None]:
    """``text`` with Excel FR's short forms written out: « juin 27 » / « juin-27 » → « juin 2027 » (after a
    month name two digits are a year: the manager who means the day writes « 27 juin »), « 03-mai » → « 03
    mai »; and the problem (message, fix) when two digits after a month could be a day as well as a year far
    from the plan's ``years`` (first, last): « juin 15 » in a 2027 plan is neither surely June 2015 nor the
    15th."""
    out: list[str] = []
    last, problem = 0, None
    for m in _MONTH_YY.finditer(fold_keep_length(text)):
        yy = int(m.group("yy"))
        year = 2000 + yy
        if m.group("d") is None and yy <= 31 and not years[0] - 1 <= year <= years[1] + 1:
            month = text[m.start("m"):m.end("m")]
            problem = (f"{text!r}: is « {month} {m.group('yy')} » the month of {month} {year}, or the {yy}th?",
                       f"write « {yy} {month} » for the day, or « {month} {year} » for the month")
            continue
        out.append(text[last:m.start()] + text[m.start():m.end("m")].replace("-", " ") + f" {year}")
        last = m.end()
    text = "".join(out) + text[last:]
    out, last = [], 0
    for m in _DAY_DASH_MONTH.finditer(fold_keep_length(text)):
        out.append(text[last:m.start()] + f"{m.group('d')} {text[m.start('m'):m.end('m')]}")
        last = m.end()
    text = "".join(out) + text[last:]
    out, last = [], 0
    for m in _EN_DAY_DASH_MONTH.finditer(fold_keep_length(text)):
        y = m.group("y")
        shown_year = "" if y is None else f" {2000 + int(y) if len(y) == 2 else y}"
        out.append(text[last:m.start()] + f"{m.group('d')} {text[m.start('m'):m.end('m')]}{shown_year}")
        last = m.end()
    return "".join(out) + text[last:], problem


@dataclass(frozen=True)
class MonthCell:
    """A date cell displayed without its day (number format ``mmm-yy``, ``mmmm yyyy``, ``mm/yyyy``...): Excel
    stores « juin 2027 » typed in a cell as 1 June 2027, but the manager wrote and sees the month."""

    year: int
    month: int

    def __str__(self) -> str:
        return f"{FRENCH_MONTHS[self.month - 1]} {self.year}"


# Excel number formats: quoted text, escaped characters, [colour]/[$-locale] sections and fills carry no date part.
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|_.|\*.|\[(?:\$[^\]]*|[<>=][^\]]*|colou?r\s*\d+'
                              r'|black|blue|cyan|green|magenta|red|white|yellow)\]', re.IGNORECASE)


@dataclass(frozen=True)
class YearlessCell:
    """A date cell displayed without its year (``d-mmm``, ``dd/mm``, ``mmmm``): Excel stores « 15/03 » typed in a
    cell as 15 March of the year it was typed in, and shows « 15-mars »; the manager wrote no year, the plan's is
    meant (audit xlsximport F7). ``day`` is None for a month shown alone."""

    month: int
    day: int | None
    stored: int                    # the year Excel stored, said

    def words(self, language: str) -> str:
        """« 15 mars », « mars »; "March 15", "March"."""
        if language == "en":
            return _MONTH_NAMES_EN[self.month - 1] + (f" {self.day}" if self.day else "")
        return _french_day(self.day, self.month, None) if self.day else FRENCH_MONTHS[self.month - 1]

    def __str__(self) -> str:
        return self.words("fr")


def _format_code(number_format: str | None) -> str:
    """The date part of a number format: first section, no literals, lower case."""
    return _FORMAT_LITERALS.sub("", (number_format or "").split(";")[0]).lower()


def _shown_as_month(number_format: str | None) -> bool:
    """A date format that shows the month and no day and no time: "mmm-yy", "mmmm yyyy", "mm/yyyy", "mmmm"."""
    code = _format_code(number_format)
    return "m" in code and not re.search(r"[djhs]", code)     # a month, no day ("jj": French codes), no time


def _shows_year(number_format: str | None) -> bool:
    """Whether a date format shows the year: y (e: an era's year; "aa": French codes)."""
    return bool(re.search(r"[ye]|aa", _format_code(number_format)))


def _shown_as_day(number_format: str | None) -> bool:
    """A date format showing a day and a month and no time: "d-mmm", "dd/mm", "dd/mm/yyyy"."""
    code = _format_code(number_format)
    return bool(re.search(r"[dj]", code)) and "m" in code and not re.search(r"[hs]", code)


# The currency a number format shows: « [$$-409] » / « [$€-40C] » (a symbol before the locale; « [$-40C] » is only
# a locale), a quoted or escaped symbol or ISO code (« "€" », « \\€ », « "USD" »), or a bare « $ » / « € ».
_CURRENCY_TAG = re.compile(r'\[\$([^\]-]*)(?:-[^\]]*)?\]|\[[^\]]*\]|"([^"]*)"|\\(.)|_.|\*.'
                           r'|([^\s\d#0?,.;_*"\\\[\]()+-])')


def _currency_shown(number_format: str | None) -> tuple[str, bool] | None:
    """The currency symbol (or code) a number format's first section shows, and whether it comes before the
    number: ('$', True) for « "$"#,##0 », ('€', False) for « #,##0 "€" ». None for a format showing no money."""
    section = (number_format or "").split(";")[0]
    digits = re.search(r"[0#?]", _FORMAT_LITERALS.sub(lambda m: " " * len(m.group()), section))
    for m in _CURRENCY_TAG.finditer(section):
        text = next((g for g in m.groups() if g is not None), "").strip()
        if text and (any(unicodedata.category(c) == "Sc" for c in text) or re.fullmatch(r"[A-Z]{3}", text)):
            return text, digits is None or m.start() < digits.start()
    return None


def _money_shown(value: float, number_format: str | None) -> str | None:
    """A number in a currency format as the cell shows it (« $25,000 », « 25 000 € »); None in another format.
    The grouping follows the symbol's side (a symbol first is the English way)."""
    shown = _currency_shown(number_format)
    if shown is None:
        return None
    symbol, first = shown
    section = _FORMAT_LITERALS.sub("", (number_format or "").split(";")[0])
    decimals = len(m.group(1)) if (m := re.search(r"\.([0#?]+)", section)) else 0
    number = f"{abs(value):,.{decimals}f}" if "," in section else f"{abs(value):.{decimals}f}"
    sign = "-" if value < 0 else ""
    if first:
        return f"{sign}{symbol}{' ' if symbol[-1].isalpha() else ''}{number}"
    return f"{sign}{number.replace(',', ' ').replace('.', ',')} {symbol}"


_EXCEL_EPOCH = datetime(1899, 12, 30)      # Excel's day 0 (the 1900 date system)


@dataclass(frozen=True)
class NumberAsDate:
    """A small number typed in a cell formatted as a date: « 18 » (a week) is stored 18 and shown 18/01/1900, Excel's
    day 18. No plan is dated before 1910: read as a date it voted for the plan's year 1900 (audit excelcells F5)."""

    number: float
    shown: str

    def __str__(self) -> str:
        return self.shown


def _cell_value(cell: Any) -> Any:
    """The value of an openpyxl cell, a date shown without its day being the month it shows, one shown without its
    year the day (or month) of the plan's year."""
    value = cell.value
    number_format = getattr(cell, "number_format", None)
    if isinstance(value, (date, datetime)) and value.year < 1910:
        epoch = getattr(getattr(getattr(cell, "parent", None), "parent", None), "epoch", None)
        epoch = epoch if isinstance(epoch, datetime) else _EXCEL_EPOCH      # 1 Jan 1904 in a Mac workbook
        stamp = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        number = (stamp - epoch).total_seconds() / 86400
        if epoch == _EXCEL_EPOCH and number < 61:       # Excel's day 60 is 29 February 1900, a day that never was
            number -= 1
        return NumberAsDate(number, str(_plain(value)))
    if isinstance(value, (date, datetime)) and not _shows_year(number_format):
        if _shown_as_month(number_format):
            return YearlessCell(value.month, None, value.year)
        if _shown_as_day(number_format):
            return YearlessCell(value.month, value.day, value.year)
    if isinstance(value, (date, datetime)) and _shown_as_month(number_format):
        return MonthCell(value.year, value.month)
    if (isinstance(value, (int, float)) and not isinstance(value, bool)
            and "%" in _FORMAT_LITERALS.sub("", (getattr(cell, "number_format", None) or "").split(";")[0])):
        return f"{value * 100:.15g} %"      # 20 % typed is stored 0.2: said as shown, never « 0.2 »
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # « $25,000 » typed is stored 25000 in a currency format: said as shown, never read as 25000 visits
        # (audit excelcells F1; the same text in a CSV is refused)
        return _money_shown(value, getattr(cell, "number_format", None)) or value
    return value


@dataclass(frozen=True)
class Uncomputed:
    """A formula cell written without its value (openpyxl and other generators do not compute formulas; Excel and
    LibreOffice keep each formula's last value beside it): read with ``data_only`` it would be None, a blank that
    repeats the Segment above or drops a scope or a status without a word."""

    formula: str

    def __str__(self) -> str:
        return self.formula


# What a failed formula shows, as Excel stores it (English in the file), as French Excel writes it into a CSV, and
# LibreOffice's « Err:502 ».
_EXCEL_ERRORS = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                           "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
                           "#EXTERNAL!", "#PYTHON!", "#NUL!", "#VALEUR!", "#NOM?", "#NOMBRE!", "#DIV/0"))
_LIBREOFFICE_ERROR = re.compile(r"Err:\d{3}")
MAX_CELL_PROBLEMS = 20            # unreadable cells said one by one; the rest counted


def _cell_problems(table: Sheet, cells_found: list[tuple[int, str]] | None = None) -> list[Problem]:
    """The cells of the read columns that hold no value a person wrote: a formula without its value, an error value
    (« #N/A », « #REF! »...). Read as they are, a blank Segment repeats the row above, a Périmètre or Statut is lost,
    « #N/A » becomes a segment's name (audit xlsximport F1, F2)."""
    found: list[Problem] = []
    for number, cells in table.rows:
        for key, (index, _) in table.columns.items():
            value = cells[index] if index < len(cells) else None
            before = len(found)
            _cell_problem(table, number, key, value, found)
            if cells_found is not None and len(found) > before:
                cells_found.append((number, key))
    if len(found) > MAX_CELL_PROBLEMS:
        rest = len(found) - MAX_CELL_PROBLEMS
        found = [*found[:MAX_CELL_PROBLEMS],
                 Problem(table.where(None, None), f"and {rest:,} more cell(s) like these",
                         "open the file in Excel or LibreOffice, correct or compute them and save it",
                         file=table.name)]
    return found


# The columns whose blank is the row's own (not « as the row above »): an unreadable cell there can be set aside as
# blank to check the rest of the sheet; one in Segment, Axe or a scope heads the rows under it, refused alone.
_ACTION_ONLY = frozenset(("id", "who", "activity", "count", "counting", "when", "scope", "departement", "info_needed",
                          "info_from", "status"))


def _cell_problem(table: Sheet, number: int, key: str, value: Any, found: list[Problem]) -> None:
    """Add to ``found`` the problem of one cell, if it holds no value a person wrote."""
    if isinstance(value, Uncomputed):
        found.append(Problem(
            table.where(number, key), f"the cell holds the formula {value.formula or '(shared)'} but not its "
            "value: the file was written by a program that does not compute formulas and was not saved "
            "since by Excel or LibreOffice, so what the cell shows is unknown (read as blank, it would "
            "change the plan without a word)", "open the file in Excel or LibreOffice and save it (the "
            "formulas are then computed and their values kept), or type the value", file=table.name))
    elif isinstance(value, bool):       # a ticked box: « did you mean 'prévue'? » read it backwards (F8)
        fix = ("write the status: fait, en cours, prévu or annulé (done, in progress, planned, cancelled)"
               if key == "status" else "type the value the cell means")
        found.append(Problem(table.where(number, key), f"the cell is a {'TRUE' if value else 'FALSE'} "
                             f"({'VRAI' if value else 'FAUX'}) box, which pac does not read", fix,
                             file=table.name))
    elif (key == "when" and isinstance(value, (int, float)) and not isinstance(value, bool)
          and 30_000 < value < 80_000     # no timedelta overflow; then the days of 2000-2099
          and date(2000, 1, 1) <= (table.epoch + timedelta(days=int(value))).date() < date(2100, 1, 1)):
        # a date pasted as a value into a Standard cell shows Excel's number for it (excelcells F9)
        day = (table.epoch + timedelta(days=int(value))).date()
        found.append(Problem(
            table.where(number, key), f"the cell shows {value:.15g}, the number Excel keeps for the date "
            f"{day:%d/%m/%Y} (a date pasted as a value, or a date cell whose format was removed)", "format "
            f"the cell as a date (Format Cells > Date), or write the period (e.g. « {day:%d/%m/%Y} »)",
            file=table.name))
    elif isinstance(value, NumberAsDate):
        typed = f"{value.number:.15g}"
        found.append(Problem(
            table.where(number, key), f"the cell shows {value.shown}: the number {typed} typed in a cell "
            f"formatted as a date (Excel's day {typed})", "format the cell as Text (or Standard) and write "
            f"what you mean: « semaine {typed} » for a week, {typed} for a count, or the whole date (e.g. "
            "30/06/2027)", file=table.name))
    elif isinstance(value, str) and (value.strip().upper() in _EXCEL_ERRORS
                                     or _LIBREOFFICE_ERROR.fullmatch(value.strip())):
        found.append(Problem(
            table.where(number, key), f"the cell shows the error {value.strip()} (a formula that failed, "
            "or a lookup that found nothing), not a value", "correct the formula or type the value, so "
            "that the cell shows what it means", file=table.name))


@dataclass
class Sheet:
    """The cells of the table: where they come from (for messages) and the rows under the header."""

    name: str                        # file name, for messages
    sheet: str | None                # xlsx sheet title; None for CSV
    encoding: str | None = None      # a CSV's: UTF-8, UTF-16, Windows-1252
    sheets: list[str] = field(default_factory=list)   # every sheet of the workbook, for messages
    header_row: int = 0
    columns: dict[str, tuple[int, str]] = field(default_factory=dict)   # key -> (index, header as written)
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)     # (row number, cells)
    ignored: list[tuple[int, str]] = field(default_factory=list)   # (index, header) of the columns not read
    alike: list[tuple[str, int]] = field(default_factory=list)     # (sheet, action rows) of the other tabs
    skipped: list[int] = field(default_factory=list)         # rows with something only in columns not read
    skipped_in: list[str] = field(default_factory=list)      # the headers of those columns
    hidden_rows: set[int] = field(default_factory=set)       # rows hidden in the sheet (a filter, Format > Hide)
    hidden_columns: set[int] = field(default_factory=set)    # column indexes (from 0) hidden in the sheet
    merged: list[str] = field(default_factory=list)          # merged ranges of the sheet ("A2:A4")
    end_columns: list[tuple[int, str]] = field(default_factory=list)   # a window's end typed beside Quand (F4)
    epoch: datetime = field(default=datetime(1899, 12, 30))    # the workbook's day 0 (1 Jan 1904 on an old Mac)
    unreadable: list[Problem] = field(default_factory=list)   # cells holding no value a person wrote, set aside
    unreadable_at: set[str] = field(default_factory=set)      # where those cells are (Problem.where)

    def where(self, row: int | None, key: str | None) -> str:
        parts = [f"sheet {self.sheet!r}"] if self.sheet else []
        if row is not None:
            parts.append(f"row {row}" if self.sheet else f"line {row}")
        if key is not None and key in self.columns:
            index, header = self.columns[key]
            letter = f" ({_letter(index)})" if self.sheet else ""
            parts.append(f"column {header!r}{letter}")
        return ", ".join(parts)


def _letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


# -- reading ---------------------------------------------------------------------------------

def read_table(path: Path, *, sheet: str | None = None, progress: Progress | None = None) -> Sheet:
    """The table of an .xlsx or .csv file; InvalidInput for merged cells, an unknown sheet or format,
    a broken file, a file, cell or sheet over its bound (the message gives the bound and the fix)."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt"):
        raise InvalidInput(Problem("", f"cannot import {path.suffix or 'a file without extension'}",
                                   "save the spreadsheet as .xlsx or .csv", file=path.name))
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InvalidInput(Problem("", f"cannot read the file: {exc.strerror or exc}", "check the path",
                                   file=path.name)) from None
    if size > MAX_FILE_BYTES:
        raise InvalidInput(Problem("", f"the file is {size / 1024 / 1024:,.0f} MB; an import reads at most "
                                       f"{MAX_FILE_BYTES // 1024 // 1024} MB",
                                   "keep only the sheet of actions (one row per action), or split the plan "
                                   "by team or region", file=path.name))
    try:
        if suffix in (".xlsx", ".xlsm"):
            return _read_xlsx(path, sheet, progress)
        return _read_csv(path, progress)
    except OSError as exc:
        raise InvalidInput(Problem("", f"cannot read the file: {exc.strerror or exc}",
                                   "check that it exists and that you may read it", file=path.name)) from None


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# Letters Windows-1252 has but French and English text do not use between letters: what a Mac « CSV
# (Macintosh) » file's é, à, â, ä (bytes 0x8E, 0x88, 0x89, 0x8A) become when read as Windows-1252.
# What a Mac Roman (« CSV (Macintosh) ») accent reads as in Windows-1252, where French text never has it: next to a
# letter (é -> Ž, à -> ˆ, â -> ‰, É -> ƒ...), or between two letters for the signs that also close a word (ô -> ™,
# î -> ”, ï -> •, Ç -> ‚: « Rh™ne »)
_NOT_CP1252_TEXT = re.compile(r"(?<=[^\W\d_])[ŽžˆŠš˜‰ƒ]|[ŽžˆŠš˜‰ƒ](?=[^\W\d_])|(?<=[^\W\d_])[™”•‚](?=[^\W\d_])")
_SAVE_AGAIN = ("save the file again from the spreadsheet as « CSV UTF-8 (délimité par des virgules) », or as « CSV "
               "(séparateur: point-virgule) » throughout")


def _decode_csv(data: bytes, name: str) -> tuple[str, str]:
    """The text of a CSV file and its encoding: UTF-8 (with or without BOM), UTF-16 with its mark (Excel's
    « Texte Unicode »), or Windows-1252 (Excel's « CSV » on French Windows) when no byte of the file is
    UTF-8. A file mixing the two (one character pasted from elsewhere), or in another encoding, is
    refused with the line of the first byte that does not fit: read as Windows-1252, every « ô » of its
    UTF-8 part would become « Ã´ » without a word."""
    def refuse(at: int, message: str, fix: str = _SAVE_AGAIN) -> InvalidInput:
        breaks = list(re.finditer(rb"\r\n?|\n", data[:at]))       # Excel for Mac ends lines with CR alone
        start = breaks[-1].end() if breaks else 0
        end = re.compile(rb"[\r\n]").search(data, at)
        shown = data[max(start, at - 30):end.start() if end else len(data)][:60].decode("utf-8", "replace").strip()
        line = len(breaks) + 1
        return InvalidInput(Problem(f"line {line}", f"{message} (in « {shown} »)", fix, file=name))

    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise InvalidInput(Problem("", f"the file starts with the UTF-16 mark but is not UTF-16 text "
                                           f"({exc.reason} at byte {exc.start})", _SAVE_AGAIN, file=name)) from None
    if b"\x00" in data[:4096]:
        raise InvalidInput(Problem("", "the file holds NUL bytes: it looks like UTF-16 text without its byte order "
                                       "mark (or is not text)", _SAVE_AGAIN, file=name))
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    if _UTF8_SEQUENCE.search(data):
        raise refuse(first_bad, f"byte 0x{data[first_bad]:02X} of this line is not UTF-8 while the rest of the "
                                "file is: the file mixes two encodings (a character pasted from another file?), "
                                "and reading it all as Windows-1252 would turn every « ô » into « Ã´ »",
                     _SAVE_AGAIN + "; or retype that character")
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise refuse(exc.start, f"byte 0x{data[exc.start]:02X} is neither UTF-8 nor Windows-1252 (a Mac « CSV "
                                "(Macintosh) » file?)") from None
    odd = _NOT_CP1252_TEXT.search(text)
    if odd:
        raise refuse(odd.start(), f"byte 0x{data[odd.start()]:02X} reads as « {odd.group(0)} » in Windows-1252: the "
                                  "file is in another encoding (a Mac « CSV (Macintosh) » file?)")
    return text, "Windows-1252"


# UTF-8 read as Windows-1252 (audit ops2): a lead byte (0xC2-0xF4: « Â » to « ô ») then continuation bytes (0x80-0xBF:
# « € », « ™ », « © », « ¨ »...), as « Ã© » for « é » or « â€™ » for « ’ »: what a UTF-8 file becomes when Excel opens
# it as Windows-1252 and it is saved again as UTF-8 (valid UTF-8 then, so the decoding above cannot see it)
_CP1252_CONTINUATION = "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014" \
    "\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
_MOJIBAKE = re.compile(f"[\u00c2-\u00f4][{_CP1252_CONTINUATION}]+")


def _latin_text(char: str) -> bool:
    """A character a double-encoded French or English text stands for: Latin letters and signs, punctuation."""
    return 0xA0 <= ord(char) <= 0x24F or 0x2000 <= ord(char) <= 0x214F


def _undouble(text: str) -> str | None:
    """What ``text`` read before it was decoded twice (UTF-8 bytes read as Windows-1252: « RhÃ´ne » -> « Rhône »),
    or None when no part of it reads so."""
    def repair(match: re.Match[str]) -> str:
        try:
            fixed = match.group(0).encode("cp1252").decode("utf-8")
        except UnicodeError:
            return match.group(0)
        return fixed if all(_latin_text(c) for c in fixed) else match.group(0)
    repaired = _MOJIBAKE.sub(repair, text)
    return repaired if repaired != text else None


def _double_encoded(table: Sheet, header: list[Any]) -> Problem | None:
    """The first cell (header first) whose text was decoded twice, located, with what it stood for and the fix;
    None when no cell was. Importing it would write « RhÃ´ne-Alpes » into the plan, and lose the column
    « PÃ©rimÃ¨tre » (every action's scope) without a word."""
    key_of = {index: key for key, (index, _) in table.columns.items()}
    for number, cells, is_header in [(table.header_row, header, True),
                                     *((n, c, False) for n, c in table.rows)]:
        for index, cell in enumerate(cells):
            if not isinstance(cell, str):
                continue
            repaired = _undouble(cell)
            if repaired is None:
                continue
            where = table.where(number, None if is_header else key_of.get(index))
            return Problem(where, f"« {_shorten(cell)} » is « {_shorten(repaired)} » garbled: the file was UTF-8, "
                                  "was opened as Windows-1252 (Excel opening a CSV by a double-click) and saved "
                                  "again, so every accent of the file reads so",
                           "import the original file; or open it in Excel with Data > From Text/CSV, file origin "
                           "« 65001 : Unicode (UTF-8) », then save it as « CSV UTF-8 (délimité par des virgules) »",
                           file=table.name)
    return None


def _shorten(text: str, most: int = 60) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"


def _read_csv(path: Path, progress: Progress | None) -> Sheet:
    text, encoding = _decode_csv(path.read_bytes(), path.name)
    # the header line decides: headers hold few delimiters ("Périmètre (département, industrie)" has one comma)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(";,\t", key=re.sub(r'"[^"]*"', "", first).count)
    table = Sheet(path.name, None, encoding=encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        number = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field larger than field limit" not in str(exc):
                    raise InvalidInput(Problem(f"line {reader.line_num}", f"cannot read this line as CSV ({exc})",
                                               "save the file again as CSV from the spreadsheet",
                                               file=path.name)) from None
                raise InvalidInput(Problem(
                    f"line {number + 1}", f"a cell is longer than {MAX_CELL_CHARS:,} characters (128 KiB), the most "
                    "a cell may hold", "check the quotes on that line: a \" left open makes the rest of the file "
                    "one cell; or shorten the cell", file=path.name)) from None
            number += 1
            yield number, cells
    csv.field_size_limit(MAX_CELL_CHARS)
    _fill(table, rows(), progress)
    return table


def _read_xlsx(path: Path, sheet: str | None, progress: Progress | None) -> Sheet:
    """Read row by row (openpyxl's read-only mode): memory stays small whatever the size of the sheet."""

    def broken(exc: BaseException) -> InvalidInput:
        missing = re.search(r"no item named '([^']+)'", str(exc))
        if missing:
            message = f"the workbook is incomplete: its part {missing.group(1)} is missing"
        else:
            message = f"the file is not a readable .xlsx workbook ({type(exc).__name__}: {exc})"
        return InvalidInput(Problem("", message, "open it in Excel or LibreOffice and save it again as .xlsx",
                                    file=path.name))

    missing = _missing_sheet_parts(path)
    if missing:
        raise broken(KeyError(f"There is no item named '{missing}' in the archive"))
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/InvalidFileException for broken files
        raise broken(exc) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            # a tab's trailing space or case is invisible in Excel (audit xlsximport F12): the one name that matches
            # without them is it
            alike = [n for n in book.sheetnames if " ".join(n.split()).casefold() == " ".join(sheet.split()).casefold()]
            if len(alike) != 1:
                raise InvalidInput(Problem("", f"no sheet named {sheet!r}", "use one of: "
                                           f"{', '.join(repr(n) for n in book.sheetnames)} (option --sheet)",
                                           file=path.name))
            sheet = alike[0]
        ws = book[sheet] if sheet is not None else book.active
        if ws is None:
            raise InvalidInput(Problem("", "the workbook has no sheet", "save it again with the sheet of actions",
                                       file=path.name))
        if not hasattr(ws, "iter_rows"):        # a chart sheet (audit xlsximport F10: a traceback)
            tables = [name for name in book.sheetnames if hasattr(book[name], "iter_rows")]
            raise InvalidInput(Problem(f"sheet {ws.title!r}", "this sheet is a chart, not a table of actions"
                                       + ("" if sheet is not None else " (it is the active sheet, the one shown when "
                                          "the file was saved)"),
                                       "choose the sheet of actions with --sheet" + (
                                           f" (sheets: {', '.join(repr(n) for n in tables)})" if tables else ""),
                                       file=path.name))
        declared = ws.max_row or 0      # from the sheet's <dimension> tag, when Excel wrote one
        if declared > MAX_ACTION_ROWS + 100:
            raise InvalidInput(Problem(f"sheet {ws.title!r}", f"the sheet has {declared:,} rows; an import reads at "
                                       f"most {MAX_ACTION_ROWS:,} actions", "split the plan by team or region, "
                                       "one file each, or delete the empty rows at the bottom", file=path.name))
        table = Sheet(path.name, ws.title, sheets=list(book.sheetnames))
        table.merged = _merged_ranges(book, ws)     # refused once the header says which columns are read
        table.epoch = book.epoch if isinstance(book.epoch, datetime) else table.epoch
        table.hidden_rows, table.hidden_columns = _hidden(book, ws)
        if sheet is None:       # audit importhand: one tab per segment, the others' actions left out silently
            table.alike = [(name, rows) for name in book.sheetnames if name != ws.title
                           and (rows := _action_rows(book[name]))]
        try:
            formulas = _uncomputed_formulas(book, ws)
            _fill(table, ((n, _with_formulas(n, [_cell_value(cell) for cell in cells], formulas))
                          for n, cells in enumerate(ws.iter_rows(min_row=1), start=1)), progress)
        except (KeyError, OSError, ValueError) as exc:
            raise broken(exc) from None
        return table
    finally:
        book.close()


def _action_rows(ws: Any) -> int:
    """How many non-empty rows a worksheet holds under a header naming every required column (0 if none)."""
    if not hasattr(ws, "iter_rows"):
        return 0
    header: set[str] | None = None
    rows = 0
    for values in ws.iter_rows(values_only=True):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if header is None:
            header = {c.key for v in values if v is not None and (c := _BY_HEADER.get(header_key(str(v))))}
            if not all(c.key in header for c in COLUMNS if c.required):
                return 0
            continue
        rows += 1
        if rows > MAX_ACTION_ROWS:
            break
    return rows


def _missing_sheet_parts(path: Path) -> str | None:
    """The first sheet part the workbook declares but does not hold (read-only openpyxl skips it silently)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/_rels/workbook.xml.rels" not in names:
                return None
            rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, OSError):
        return None                      # openpyxl says what is wrong
    for target in re.findall(r'Target="([^"]*worksheets/[^"]+)"', rels):
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if part not in names:
            return part
    return None


_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _uncomputed_formulas(book: Any, ws: Any) -> dict[int, dict[int, str]]:
    """row -> column index (from 0) -> formula, of each formula cell the sheet's XML part holds without a value
    (no ``<v>``, or an empty one that is no text): openpyxl's ``data_only`` reads those as None. Streamed with
    openpyxl's own safe parser, the elements dropped as read."""
    part = getattr(ws, "_worksheet_path", None)
    archive = getattr(book, "_archive", None)
    if part is None or archive is None or not _holds_formulas(archive, part):
        return {}
    found: dict[int, dict[int, str]] = {}
    row, column = 0, -1
    with archive.open(part) as source:
        for event, element in iterparse(source, events=("start", "end")):
            tag = element.tag.rsplit("}", 1)[-1]
            if event == "start":
                if tag == "row":
                    row = int(element.get("r") or row + 1)
                    column = -1
                continue
            if tag == "c":
                ref = element.get("r")
                column = column_index_from_string(coordinate_from_string(ref)[0]) - 1 if ref else column + 1
                formula = element.find(f"{_SHEET_NS}f")
                if formula is None:
                    formula = next((child for child in element if child.tag.rsplit("}", 1)[-1] == "f"), None)
                # openpyxl writes an empty <v> for a value it does not know; Excel and LibreOffice write an empty
                # text result as t="str" with an empty <v>: that one is a value (a blank)
                has_value = any(child.tag.rsplit("}", 1)[-1] == "is" or (child.tag.rsplit("}", 1)[-1] == "v" and (
                    child.text or element.get("t") == "str")) for child in element)
                if formula is not None and not has_value:
                    found.setdefault(row, {})[column] = f"={formula.text}" if formula.text else ""
                element.clear()
            elif tag == "row":
                element.clear()
    return found


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _holds_formulas(archive: Any, part: str) -> bool:
    """Whether the sheet's XML part has a formula at all (read in chunks): most sheets have none, and parsing
    them cell by cell would double the import's time."""
    tail = b""
    with archive.open(part) as source:
        while chunk := source.read(1 << 20):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-8:]
    return False


def _with_formulas(number: int, cells: list[Any], formulas: dict[int, dict[int, str]]) -> list[Any]:
    """``cells`` of row ``number`` with each formula read without its value as ``Uncomputed``, not a blank."""
    for column, formula in formulas.get(number, {}).items():
        cells += [None] * (column + 1 - len(cells))
        if cells[column] is None:
            cells[column] = Uncomputed(formula)
    return cells


_ROW_TAG = re.compile(rb"<(?:\w+:)?row\s([^>]*)>")
_COL_TAG = re.compile(rb"<(?:\w+:)?col\s([^>]*)>")


def _attribute(tag: bytes, name: bytes) -> bytes | None:
    found = re.search(rb"(?:^|\s)" + name + rb'="([^"]*)"', tag)
    return found.group(1) if found else None


def _hidden(book: Any, ws: Any) -> tuple[set[int], set[int]]:
    """The rows (numbers) and columns (indexes from 0) the sheet hides (a filter, Format > Hide), read from its XML
    part in chunks: openpyxl's read-only mode does not load them."""
    part = getattr(ws, "_worksheet_path", None)
    archive = getattr(book, "_archive", None)
    if part is None or archive is None:
        return ({n for n, d in ws.row_dimensions.items() if d.hidden},
                {column_index_from_string(k) - 1 for k, d in ws.column_dimensions.items() if d.hidden})
    rows: set[int] = set()
    columns: set[int] = set()
    tail = b""
    with archive.open(part) as source:
        while chunk := source.read(1 << 20):
            data = tail + chunk
            cut = data.rfind(b"<")
            whole, tail = (data[:cut], data[cut:]) if cut >= 0 and len(data) - cut < 4096 else (data, b"")
            for m in _ROW_TAG.finditer(whole):
                number = _attribute(m.group(1), b"r")
                if _attribute(m.group(1), b"hidden") in (b"1", b"true") and number and number.isdigit():
                    rows.add(int(number))
            for m in _COL_TAG.finditer(whole):
                first, last = _attribute(m.group(1), b"min"), _attribute(m.group(1), b"max")
                if _attribute(m.group(1), b"hidden") in (b"1", b"true") and first and first.isdigit():
                    end = int(last) if last and last.isdigit() else int(first)
                    columns.update(range(int(first) - 1, min(end, 16_384)))
    return rows, columns


_MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Z]+[0-9]+:[A-Z]+[0-9]+)\"")


def _merged_ranges(book: Any, ws: Any) -> list[str]:
    """The merged ranges of a read-only sheet, read from its XML part in chunks (never all in memory)."""
    part = getattr(ws, "_worksheet_path", None)
    archive = getattr(book, "_archive", None)
    if part is None or archive is None:      # not a read-only sheet: openpyxl knows them
        return sorted(str(r) for r in ws.merged_cells.ranges)
    found: list[str] = []
    tail = b""
    with archive.open(part) as source:
        while chunk := source.read(1 << 20):
            data = tail + chunk
            found += [m.decode() for m in _MERGE_CELL.findall(data)]
            cut = data.rfind(b"<")
            tail = data[cut:] if cut >= 0 and len(data) - cut < 200 else b""
    return sorted(dict.fromkeys(found))


# The header of a window's end typed as a second date cell beside Quand (« du » | « au »; « Début » | « Fin »).
_END_HEADERS = frozenset(header_key(h) for h in ("Fin", "Date de fin", "Date fin", "Au", "Jusqu'au", "End",
                                                  "End date", "To", "Until", "Through"))


def _end_dates(table: Sheet) -> list[Problem]:
    """A date in the column beside Quand with no header (« Quand » was merged over two columns, « du » and « au »)
    or in a column headed « Fin » / « End date »: the end of the window the manager typed as a second date cell.
    Read as it was, the window was the first date alone, its end dropped without a word (audit excelcells F4)."""
    found: list[Problem] = []
    index, header = table.columns["when"]
    english = header_key(header) in _ENGLISH_HEADERS
    for number, cells in table.rows:
        start = cells[index] if index < len(cells) else None
        for column, name in table.end_columns:
            end = cells[column] if column < len(cells) else None
            if _blank(start) or not (isinstance(end, (date, MonthCell, YearlessCell)) or (
                    isinstance(end, str) and _NUMERIC_DATE.fullmatch(end.strip()))):    # a CSV's, a Text cell's
                continue
            first, last = _date_words(start, english), _date_words(end, english)
            beside = (f"column {name!r} ({_letter(column)})" if name
                      else f"the column beside it ({_letter(column)}), which has no header")
            window = f"from {first} to {last}" if english else f"du {first} au {last}"
            found.append(Problem(
                table.where(number, "when"), f"the window is typed as two dates, {first} here and {last} in "
                f"{beside}: pac reads one cell, so the end date would be dropped", f"write the window in column "
                f"{header!r} as « {window} » and leave {_letter(column)} empty (or delete that column)",
                file=table.name))
    return found


def _date_words(value: Any, english: bool) -> str:
    """A date cell for a message: 01/06/2027 (June 1, 2027 in an English plan); a month cell as it shows."""
    if isinstance(value, YearlessCell):
        return value.words("en" if english else "fr")
    if isinstance(value, MonthCell) and english:
        return f"{_MONTH_NAMES_EN[value.month - 1]} {value.year}"
    if isinstance(value, date) and english:
        day = value.date() if isinstance(value, datetime) else value
        return f"{_MONTH_NAMES_EN[day.month - 1]} {day.day}, {day.year}"
    return str(_plain(value)).strip()


def _merged_read(table: Sheet) -> list[Problem]:
    """The merged ranges over a column the import reads: openpyxl keeps only the top-left value, so the rows below
    would silently lose theirs. A merge in a column not read (a « Notes » column) holds nothing pac reads, and a
    merged title row above the header is told as a title row by the missing columns (audit excelcells F3: both
    were refused as merged cells). A Segment, Type de segment or Axe merged down its rows reads as shown (F7)."""
    read = {index + 1 for index, _ in table.columns.values()}
    grouping = {table.columns[k][0] + 1 for k in ("segment", "segment_kind", "axis") if k in table.columns}
    segment = table.columns["segment"][0] if "segment" in table.columns else None
    found = []
    for cells in table.merged:
        low_col, low_row, high_col, high_row = range_boundaries(cells)
        columns = set(range(low_col or 1, (high_col or low_col or 1) + 1))
        if not ((high_row is None or high_row >= table.header_row) and read & columns):
            continue
        if len(columns) == 1 and columns <= grouping and low_row is not None and high_row is not None \
                and low_row > table.header_row:
            # a Segment, Type de segment or Axe merged down its rows: the cells below are blank, which repeat the
            # row above, as the merge shows; a Type or Axe only while the segment is the same (excelcells F7)
            below = [(n, c) for n, c in table.rows if low_row < n <= high_row]
            column = min(columns) - 1
            hidden = [n for n, c in below if column < len(c) and not _blank(c[column])]   # LibreOffice keeps them
            starts = [(n, c[segment]) for n, c in below if segment is not None and segment != column
                      and segment < len(c) and not _blank(c[segment])]
            if not hidden and not starts:
                continue
            if not hidden:
                n, name = starts[0]
                found.append(Problem(f"sheet {table.sheet!r} cells {cells}", f"the merge spans the rows of two "
                                     f"segments: row {n} starts the segment {str(_plain(name)).strip()!r}, whose "
                                     "rows do not repeat the type or axis of the segment above", "unmerge them "
                                     "(Home > Merge & Center > Unmerge cells) and give the new segment's row its "
                                     "own", file=table.name))
                continue
        found.append(Problem(f"sheet {table.sheet!r} cells {cells}", "merged cells cannot be read row by row",
                             "unmerge them (Home > Merge & Center > Unmerge cells); a blank Segment, "
                             "Type de segment or Axe cell repeats the row above", file=table.name))
    return found


def _fill(table: Sheet, rows: Iterable[tuple[int, list[Any]]], progress: Progress | None = None) -> None:
    header: list[Any] | None = None
    for count, (number, cells) in enumerate(rows, start=1):
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress("rows read", count)
        if all(_blank(c) for c in cells):
            continue
        if header is None:
            header, table.header_row = cells, number
            continue
        if len(table.rows) >= MAX_ACTION_ROWS:
            raise InvalidInput(Problem(table.where(number, None), f"more than {MAX_ACTION_ROWS:,} action rows; an "
                                       f"import reads at most {MAX_ACTION_ROWS:,}", "split the plan by team or "
                                       "region, one file each", file=table.name))
        table.rows.append((number, list(cells)))
    if header is None:
        raise InvalidInput(Problem(table.where(None, None), "the file is empty: no header row, no actions",
                                   "start with a header row (Segment, Axe, Action, Qui, Quoi, Combien, Quand...) "
                                   "and one row per action; see config/plans/example.actions.csv",
                                   file=table.name))
    problems: list[Problem] = []
    for index, raw in enumerate(header or []):
        if _blank(raw):
            continue
        column = _BY_HEADER.get(header_key(raw))
        if column is None:
            table.ignored.append((index, str(_plain(raw)).strip()))
            continue
        if column.key in table.columns:
            problems.append(Problem(table.where(table.header_row, None),
                                    f"columns {table.columns[column.key][1]!r} and {_plain(raw)!r} both give "
                                    f"{column.key}", "keep one of them", file=table.name))
        table.columns[column.key] = (index, str(_plain(raw)).strip())
    garbled = _double_encoded(table, header)
    if garbled is not None:     # before the columns: « PÃ©rimÃ¨tre » is no column, every scope would be lost
        raise InvalidInput(garbled)
    missing = [c for c in COLUMNS if c.required and c.key not in table.columns]
    found = {header_key(h) for _, h in table.columns.values()}
    if missing and len(table.columns) >= 2 and found & _ENGLISH_HEADERS and not found & _FRENCH_HEADERS:
        # an English header row, read as one (audit importus F9: it was told « Qui, Quoi, Combien » and to delete
        # title rows): the columns named in English, and the headers not read
        accepted = "; ".join(
            f"{_english_name(c)}: {', '.join(h for h in c.headers if header_key(h) in _ENGLISH_HEADERS)}"
            for c in missing)
        unread = ", ".join(repr(h) for _, h in table.ignored if h) or "none"
        where = f"row {table.header_row}" if table.sheet else f"line {table.header_row}"
        problems.append(Problem(table.where(table.header_row or None, None) or "header",
                                f"missing column(s): {', '.join(_english_name(c) for c in missing)}: the header "
                                f"({where}) has no column for them; columns not read: {unread}",
                                f"rename a column with an accepted name ({accepted}), or add it",
                                file=table.name))
    elif missing:
        accepted = "; ".join(f"{c.headers[0]}: {', '.join(c.headers)}" for c in missing)
        shown = " | ".join(str(_plain(c)).strip() for c in header if not _blank(c))[:80]
        where = f"row {table.header_row}" if table.sheet else f"line {table.header_row}"
        others = ""
        if table.sheet is not None and len(table.sheets) > 1:
            others = f", or choose the sheet of actions with --sheet (sheets: {', '.join(table.sheets)})"
        problems.append(Problem(table.where(table.header_row or None, None) or "header",
                                f"missing column(s): {', '.join(c.headers[0] for c in missing)}: {where} "
                                f"(« {shown} ») was read as the header, the header being the first non-empty row",
                                "make the header row the first non-empty one (delete the title rows above it) and "
                                f"give it these columns (accepted names: {accepted}){others}", file=table.name))
    if problems:
        raise InvalidInput(problems)
    merged = _merged_read(table)
    if merged:
        raise InvalidInput(merged)
    when = table.columns["when"][0]
    table.end_columns = [(i, h) for i, h in table.ignored if header_key(h) in _END_HEADERS]
    if when + 1 < len(header) and _blank(header[when + 1]):
        table.end_columns.insert(0, (when + 1, ""))
    # a row with nothing in the columns read (a template numbered down an « N° » column) is no action (F9)
    read = [index for index, _ in table.columns.values()]
    table.skipped = [n for n, cells in table.rows if all(_blank(cells[i]) for i in read if i < len(cells))]
    if table.skipped:
        skipped = set(table.skipped)
        table.skipped_in = [h for i, h in table.ignored if any(i < len(c) and not _blank(c[i])
                                                               for n, c in table.rows if n in skipped)]
        table.rows = [(n, cells) for n, cells in table.rows if n not in skipped]
    bad_cells: list[tuple[int, str]] = []
    unreadable = _cell_problems(table, bad_cells)
    end_dates = _end_dates(table)
    if end_dates or len(unreadable) > MAX_CELL_PROBLEMS or any(key not in _ACTION_ONLY for _, key in bad_cells):
        raise InvalidInput(unreadable + end_dates)
    if unreadable:
        # every problem at once (audit importhand, second pass): the unreadable cells are set aside (blank) so that
        # the rows are still checked; the import refuses with them first, and says nothing else at those cells
        table.unreadable = unreadable
        table.unreadable_at = {table.where(number, key) for number, key in bad_cells}
        for number, key in bad_cells:
            index = table.columns[key][0]
            for n, cells in table.rows:
                if n == number and index < len(cells):
                    cells[index] = None
    if not table.rows:
        raise InvalidInput(Problem(table.where(table.header_row, None), "no actions found: there is a header row "
                                   "but no row under it", "add one row per action under the header (see "
                                   "config/plans/example.actions.csv)" + ("" if table.sheet is None else
                                                                          ", or name the sheet that holds them "
                                                                          "with --sheet"), file=table.name))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not INVISIBLE.sub("", value).strip())


# -- building the plan -----------------------------------------------------------------------

@dataclass
class ImportResult:
    """The plan's YAML text, what was assumed to build it, and the lint of each imported action."""

    text: str
    year: int
    assumed: list[str] = field(default_factory=list)            # plain sentences
    lint: list[tuple[str, LintResult]] = field(default_factory=list)   # (where: row and id, result)
    warnings: list[str] = field(default_factory=list)   # hidden rows and columns; statement and columns disagree

    @property
    def actions(self) -> int:
        return len(self.lint)


def import_plan(path: str | Path, *, year: int, tz: str = "Europe/Paris", plan_name: str | None = None,
                sheet: str | None = None) -> str:
    """The YAML text of the plan in the spreadsheet ``path``, checked with ``load_plan_text``.

    Raises InvalidInput with every problem, each naming its row and column: the caller writes
    nothing unless this returns.
    """
    return import_spreadsheet(path, year=year, tz=tz, plan_name=plan_name, sheet=sheet).text


def import_spreadsheet(path: str | Path, *, year: int | None = None, period: str | None = None,
                       tz: str | None = None, plan_name: str | None = None, sheet: str | None = None,
                       today: date | None = None, progress: Progress | None = None, language: str | None = None,
                       currency: str | None = None, date_order: str | None = None) -> ImportResult:
    """Import ``path`` (see the module docstring), lint every action, and say what was assumed.

    ``tz`` is the plan's timezone (IANA), Europe/Paris when not given (said for an English plan).
    The plan's year is ``year``; else the start of ``period`` (the plan's period, e.g. a fiscal year
    "du 1er avril 2027 au 31 mars 2028"); else the year most of the Quand cells name; else ``today``'s
    (the caller's clock) - each said in ``assumed``. The plan's ``language`` (en, fr) is the headers' when not
    given; its ``currency`` EUR when not given; numeric dates are read in ``date_order`` (dmy, mdy), else in the
    order the file's own dates show (``_date_order``). Raises InvalidInput with every problem located.
    """
    path = Path(path)
    options: list[Problem] = []
    if language is not None and language not in ("en", "fr"):
        options.append(Problem("option --language", f"unknown language {language!r}", "use en or fr"))
    if currency is not None:
        currency = currency.strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", currency) or currency not in get_global("all_currencies"):
            options.append(Problem("option --currency", f"{currency!r} is not an ISO 4217 currency code",
                                   "write its 3 letters, e.g. USD, EUR, GBP, CHF"))
    tz_given = tz is not None
    tz = tz or "Europe/Paris"
    if date_order is not None and date_order not in DATE_ORDERS:
        options.append(Problem("option --date-order", f"unknown date order {date_order!r}",
                               "use mdy (month/day, US) or dmy (day/month)"))
    if options:
        raise InvalidInput(options)
    if not path.is_file():
        raise InvalidInput(Problem("", f"file not found: {path}", "check the path"))
    table = read_table(path, sheet=sheet, progress=progress)
    assumed: list[str] = []
    if sheet is None and table.sheet is not None and len(table.sheets) > 1:      # audit xlsximport F3
        assumed.append(f"sheet {table.sheet!r}: the active one (the tab shown when the file was saved), of "
                       f"{len(table.sheets)}: {', '.join(repr(name) for name in table.sheets)}; give --sheet NAME to "
                       "read another")
    if language is None:
        language, why = _guess_language(table)
        if why:
            assumed.append(why)
    currency_given = currency is not None
    if currency is None:
        currency = "EUR"
        if language == "en":
            assumed.append("currency EUR: the plan's amounts (objectives, budgets, costs) are in euros; give "
                           "--currency (e.g. USD) if they are not")
    if not tz_given and language == "en":      # audit importus F7: an English plan got Paris without a word
        assumed.append("timezone Europe/Paris: the plan's days start and end at midnight in Paris; give --tz (e.g. "
                       "America/New_York, America/Chicago, America/Los_Angeles) if the team works elsewhere")
    order, said, order_problems = _date_order(table, date_order, language)
    if order_problems:
        raise InvalidInput([*table.unreadable, *order_problems])
    if said:
        assumed.append(said)
    if table.skipped:
        shown = ", ".join(str(n) for n in table.skipped[:10]) + (
            f" and {len(table.skipped) - 10} more" if len(table.skipped) > 10 else "")
        assumed.append(f"{'rows' if len(table.skipped) > 1 else 'row'} {shown}: not actions, skipped: nothing in "
                       "the columns pac reads, only in "
                       f"{', '.join(repr(h) for h in table.skipped_in) or 'columns without a header'}")
    if table.encoding == "Windows-1252":
        assumed.append("the file is not UTF-8: it was read as Windows-1252 (Excel's « CSV (séparateur: "
                       "point-virgule) »); check the accents of the output")
    if period is not None:
        try:
            window = parse_period(period, year=year or (today or date.today()).year, tz=tz, language=language,
                                  date_order=order, plan_period=True)
        except PeriodError as exc:
            raise InvalidInput([*table.unreadable, *(
                Problem("option --period", p.message, p.fix.replace("period: ", "--period "), file=table.name)
                for p in exc.problems)]) from None
        if year is None:
            year = window.start.year
            assumed.append(f"year {year}: the start of the plan's period ({period})")
    if year is None:
        year, why = _infer_year(table, today or date.today())
        assumed.append(why)
    default_name = (f"Action plan {year} (imported from {path.name})" if language == "en"
                    else f"PAC {year} (importé de {path.name})")
    builder = _PlanBuilder(table, year=year, tz=tz, period=period, plan_name=plan_name or default_name,
                           language=language, currency=currency, order=order)
    text = builder.yaml()
    problems = list(builder.problems)
    if progress is not None:
        progress("actions checked as a plan", len(builder.action_rows))
    plan = None
    try:
        plan = load_plan_text(text, name=f"{path.stem}.pac.yaml")
    except InvalidInput as exc:
        problems += [builder.locate(p) for p in exc.problems]
    if table.unreadable:        # the cells set aside first; nothing else said at them (they were read as blank)
        raise InvalidInput([*table.unreadable, *(p for p in _once(
            [_say_currency(_say_period(p, year, period, assumed, language), currency_given) for p in problems])
            if p.path not in table.unreadable_at)])
    if problems or plan is None:
        raise InvalidInput(_once([_say_currency(_say_period(p, year, period, assumed, language), currency_given)
                                  for p in problems]))
    assumed += builder.assumed
    people = [p.email for p in plan.people] + [p.name for p in plan.people if p.name]
    results = []
    warnings = _sheet_warnings(table)
    for n, (row, action) in enumerate(zip(builder.action_rows, plan.actions, strict=True), start=1):
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress("actions linted", n)
        # the statement's numeric dates in the file's order, as the column's were read (the text is kept as written)
        said = builder.dates_written(action.text, statement=True)
        result = lint_statement(said, year=year, tz=tz, today=today, people=people, who=action.who, language=language,
                                info_needed=action.info_needed or None, info_source=action.info_from or None,
                                within=plan.period, when={"start": action.window.start.isoformat(),
                                                          "end": action.window.end.isoformat(),
                                                          "label": action.window.label})
        where = f"{table.where(row, None)} ({action.id})"
        results.append((where, result))
        disagree = statement_disagreements(result, action, today=today)
        if disagree:
            named = "; ".join(f"{said}, column {table.columns[key][1]!r} {counted}"
                              for key, said, counted in disagree if key in table.columns)
            warnings.append(f"{where}: the statement and the columns disagree: {named} (the columns are what pac "
                            "counts, the statement what reps read in the CRM: make them say the same)")
    return ImportResult(text, year, assumed, results, warnings)


def _sheet_warnings(table: Sheet) -> list[str]:
    """A warning for the action rows and the read columns the sheet hides (audit xlsximport F4): they are imported
    like the others, while the manager, who does not see them, may have hidden an action set aside; and for each
    column not read that names a field of the accounts (« Secteur »: F8)."""
    said: list[str] = []
    rows = [number for number, _ in table.rows if number in table.hidden_rows]
    if rows:
        shown = ", ".join(str(n) for n in rows[:10]) + (f" and {len(rows) - 10} more" if len(rows) > 10 else "")
        said.append(f"sheet {table.sheet!r}, row{'s' if len(rows) > 1 else ''} {shown}: hidden in the sheet (a "
                    "filter, or Format > Hide), imported like the others: pac reads every row (delete the rows "
                    "that are not actions of the plan, or show them to check them)")
    for index, header in table.ignored:        # audit xlsximport F8: « Secteur » beside the actions was lost
        scope_field = KEY_ALIASES.get(fold_alnum(header, "_"))
        if scope_field and scope_field not in ("owner", "deal_owner", "name") and fold_alnum(header) != "type":
            where = f"sheet {table.sheet!r}, column {header!r} ({_letter(index)})" if table.sheet else \
                f"column {header!r}"
            said.append(f"{where}: not read, while it names a field of the accounts: an action's accounts are "
                        f"given in the column 'Périmètre' or 'Scope' (e.g. « {header.lower()}: ... ; dormant: 12 "
                        "mois »), a segment's in 'Périmètre du segment' (only 'Département' is also read as a column)")
    for index, header in table.ignored:        # audit importhand: « Objectif CA axe », « Taux de marge » were lost
        objective_key = next((k for pattern, k in _OBJECTIVE_HEADERS if pattern.search(fold_key(header))), None)
        held = [n for n, cells in table.rows if index < len(cells) and not _blank(cells[index])]
        if objective_key and held:
            where = f"sheet {table.sheet!r}, column {header!r} ({_letter(index)})" if table.sheet else \
                f"column {header!r}"
            held_rows = ", ".join(str(n) for n in held[:10]) + (f" and {len(held) - 10} more" if len(held) > 10 else "")
            said.append(f"{where}: not read (the import takes no objective), while row{'s' if len(held) > 1 else ''} "
                        f"{held_rows} hold{'' if len(held) > 1 else 's'} one: write it in the produced file under its "
                        f"axis, objective: {{{objective_key}: ...}} (docs/plan-format.md, Axes)")
    for name, count in table.alike:
        said.append(f"sheet {name!r}: {count} action row{'s' if count > 1 else ''} under the same columns, not "
                    f"imported (pac imports one sheet, here {table.sheet!r}, the active one): copy them under the "
                    f"rows of {table.sheet!r} to import them in the same plan (one sheet per segment is one plan), or "
                    "give --sheet to import another sheet alone")
    for key, (index, _) in sorted(table.columns.items(), key=lambda kv: kv[1][0]):
        if index in table.hidden_columns:
            said.append(f"{table.where(None, key)}: hidden in the sheet, read all the same (show it to check what "
                        "it says)")
    return said


_YEAR_IN_TEXT = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def _infer_year(table: Sheet, today: date) -> tuple[int, str]:
    """The year most Quand cells name (dates, "mai 2027", "30/04/2027"), else ``today``'s."""
    years: Counter[int] = Counter()
    if "when" in table.columns:
        index = table.columns["when"][0]
        for _, cells in table.rows:
            value = cells[index] if index < len(cells) else None
            if isinstance(value, (date, datetime, MonthCell)) and 2000 <= value.year <= 2099:
                years[value.year] += 1      # as a text's 20xx: 1935 voted, and was told as an --year never given
            elif isinstance(value, str):
                years.update(int(y) for y in _YEAR_IN_TEXT.findall(value))
                folded = fold_keep_length(value)
                years.update(2000 + int(m.group("yy")) for m in _NUM_DATE_YY.finditer(folded))
                years.update(2000 + int(m.group("yy")) for m in _MONTH_YY.finditer(folded)
                             if m.group("d") or abs(2000 + int(m.group("yy")) - today.year) <= 2)
    column = table.columns.get("when", (0, "Quand"))[1]
    if not years:
        return today.year, (f"year {today.year}: this year, as no cell of column {column!r} names one "
                            "(give --year or --period to choose)")
    year, n = max(years.items(), key=lambda kv: (kv[1], -kv[0]))
    return year, (f"year {year}: {n} of {sum(years.values())} dates of column {column!r} are in {year} "
                  "(give --year or --period to choose)")


def _guess_language(table: Sheet) -> tuple[str, str | None]:
    """The plan's language from the table's headers: en when more are English-only than French-only (Owner,
    Activity, Due date), else fr; and the sentence saying it (None for fr, the default)."""
    english = [h for _, h in table.columns.values() if header_key(h) in _ENGLISH_HEADERS]
    french = [h for _, h in table.columns.values() if header_key(h) in _FRENCH_HEADERS]
    if len(english) > len(french):
        return "en", (f"language en: the headers are English ({', '.join(english[:4])}): an English plan; give "
                      "--language fr for a French one")
    return "fr", None


def _numeric_dates(text: str, *, full_only: bool = False) -> Iterator[tuple[str, int, int]]:
    """The numeric dates of ``text``: (as written, first number, second number); with ``full_only`` those with a
    year only (in a statement, « 1/2 » is a half)."""
    for m in _NUMERIC_DATE.finditer(text):
        if full_only and m.group(4) is None:
            continue
        yield m.group(0), int(m.group(1)), int(m.group(3))


def _date_order(table: Sheet, option: str | None, language: str = "fr") -> tuple[str, str | None, list[Problem]]:
    """How the file's numeric dates read, decided by the file's own evidence: (dmy or mdy, the sentence saying
    what was assumed, the problems). A date whose first number is over 12 (31/03/2027) can only be day/month,
    whose second is (3/31/2027) only month/day. Some only month/day and none only day/month: the file is
    month/day (a US sheet: its 3/4/2027 is March 4); both kinds: refused, naming the rows (3/4/2027 could be
    either); all ambiguous: day/month, as a plan reads them, said, in a French plan; refused in an English one
    (audit importus F1: a US manager's 05/03/2027 is May 3, a British one's 5 March, and English says neither),
    naming the cells and both readings. ``option`` (--date-order) decides instead, and a date impossible in that
    order is refused with its row."""
    only: dict[str, list[tuple[int, str, str]]] = {"dmy": [], "mdy": []}     # order -> (row, column key, written)
    ambiguous: list[tuple[int, str, str]] = []
    for key, full_only in (("when", False), ("text", True)):
        if key not in table.columns:
            continue
        index = table.columns[key][0]
        for row, cells in table.rows:
            value = cells[index] if index < len(cells) else None
            if not isinstance(value, str):
                continue
            for written, a, b in _numeric_dates(value, full_only=full_only):
                if 12 < a <= 31 and 1 <= b <= 12:
                    only["dmy"].append((row, key, written))
                elif 12 < b <= 31 and 1 <= a <= 12:
                    only["mdy"].append((row, key, written))
                elif 1 <= a <= 12 and 1 <= b <= 12 and a != b:
                    ambiguous.append((row, key, written))

    def rows(found: list[tuple[int, str, str]]) -> str:
        shown = [f"{table.where(row, key)}: {written!r}" for row, key, written in found[:3]]
        return "; ".join(shown) + (f" and {len(found) - 3} more" if len(found) > 3 else "")

    names = {"dmy": "day/month", "mdy": "month/day"}
    if option is not None:
        other = "mdy" if option == "dmy" else "dmy"
        return option, None, [Problem(table.where(row, key), f"{written!r} is not a {names[option]} date "
                                      f"(--date-order {option}): it can only be read {names[other]}",
                                      f"write it {names[option]}, or leave out --date-order to let the file's "
                                      "dates decide", file=table.name) for row, key, written in only[other]]
    if only["mdy"] and only["dmy"]:
        return "dmy", None, [Problem(table.where(None, "when") or table.name,
                                     f"the file's numeric dates are in both orders: month/day ({rows(only['mdy'])}) "
                                     f"and day/month ({rows(only['dmy'])}), so a date such as 3/4/2027 cannot be read",
                                     "write them all one way (or as 'March 4, 2027' / « 4 mars 2027 »), or choose "
                                     "with --date-order mdy or dmy (the dates of the other order are then refused)",
                                     file=table.name)]
    if only["mdy"]:
        example = f"; so {ambiguous[0][2]!r} is read month/day" if ambiguous else ""
        return "mdy", (f"numeric dates are month/day (US order): {rows(only['mdy'][:1])} can only be read so, and "
                       f"no date of the file only day/month{example}; the plan says date_order: mdy, so pac plan "
                       "lint and pac plan check read its statements' dates so too (give --date-order dmy to refuse "
                       "them)"), []
    if only["dmy"]:
        return "dmy", None, []      # the file's own dates say day/month (31/03/2027): its 05/03/2027 is 5 March
    if ambiguous and language == "en":      # audit importus F1: read day/month, a US 05/03/2027 became March 5
        shown = "; ".join(f"{table.where(row, key)}: {written!r} ({_both_readings(written)})"
                          for row, key, written in ambiguous[:3])
        more = f" and {len(ambiguous) - 3} more" if len(ambiguous) > 3 else ""
        return "dmy", None, [Problem(table.where(None, "when") or table.name,
                                     f"the file's numeric dates do not say their order ({shown}{more}), and an "
                                     "English plan may be American (month/day) or British (day/month)",
                                     "give --date-order mdy (US: 05/03/2027 is May 3) or --date-order dmy (UK: "
                                     "5 March), or write the dates with their month's name ('May 3, 2027')",
                                     file=table.name)]
    if ambiguous:
        return "dmy", (f"numeric dates are day/month, as a plan reads them: none of them says its order "
                       f"(first: {rows(ambiguous[:1])}); give --date-order mdy if they are month/day"), []
    return "dmy", None, []


def _both_readings(written: str) -> str:
    """'05/03/2027' -> 'May 3, 2027 or March 5, 2027': a numeric date's month/day and day/month readings."""
    numbers = [int(n) for n in re.findall(r"\d+", written)]
    a, b = numbers[0], numbers[1]
    year = f", {2000 + numbers[2] if numbers[2] < 100 else numbers[2]}" if len(numbers) > 2 else ""
    return f"{_MONTH_NAMES_EN[a - 1]} {b}{year} or {_MONTH_NAMES_EN[b - 1]} {a}{year}"


def _french_day(day: int, month: int, year: int | None) -> str:
    """« 4 mars 2027 », « 1er juin »: a day with no numeric date a day/month or month/day reading could turn."""
    return f"{'1er' if day == 1 else day} {FRENCH_MONTHS[month - 1]}" + (f" {year}" if year else "")


def _say_period(problem: Problem, year: int, period: str | None, assumed: list[str], language: str = "fr"
                ) -> Problem:
    """A window outside the plan's period, with the period pac took and why (the year may be a guess); the period
    quoted as the plan's language quotes (« … » in French, '…' in English: usplan audit F9)."""
    if "outside the plan's period" not in problem.message:
        return problem
    quoted = f"'{period}'" if language == "en" else f"« {period} »"
    taken = quoted if period else f"{year} ({year}-01-01 to {year}-12-31)"
    year_said = next((a for a in assumed if a.startswith("year ")), None)
    why = f": assumed {year_said}" if year_said else ""
    return Problem(problem.path, f"{problem.message} {taken}{why}",
                   "check the year written in this cell, or give the plan's year with --year (or --period)",
                   file=problem.file, line=problem.line)


_OTHER_CURRENCY = re.compile(r"is in (dollars|pounds|yen or yuan|[A-Z]{3}), and the plan's amounts are in EUR$")
_CURRENCY_OF = {"dollars": "USD", "pounds": "GBP", "yen or yuan": "JPY"}


def _say_currency(problem: Problem, given: bool) -> Problem:
    """An amount in another currency than the EUR the import took for want of ``--currency``: the fix is the option,
    not rewriting the sheet's amounts in euros (audit amounts F8: a US sheet's « $25,000 » was told to be written
    « 50 M€ »)."""
    other = None if given else _OTHER_CURRENCY.search(problem.message)
    if other is None:
        return problem
    code = _CURRENCY_OF.get(other[1], other[1])
    return replace(problem, fix=f"give the sheet's currency with --currency {code}: with no --currency the import "
                                "takes EUR")


def _once(problems: list[Problem]) -> list[Problem]:
    """Each problem once, located: a cell said empty is not also a bad e-mail or an unknown activity, and a
    person's bad e-mail (``people[1].email``, made from a Qui cell) is said at the row of that cell."""
    empty = {p.path for p in problems if p.message == "this cell is empty"}
    located = {p.message for p in problems if not p.path.startswith("people[")}
    return _dedupe([p for p in problems
                    if (p.message == "this cell is empty" or p.path not in empty)
                    and not (p.path.startswith("people[") and p.message in located)])


def _dedupe(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


class _PlanBuilder:
    def __init__(self, table: Sheet, *, year: int, tz: str, plan_name: str, period: str | None = None,
                 language: str = "fr", currency: str = "EUR", order: str = "dmy") -> None:
        self.table, self.year, self.tz, self.plan_name, self.period = table, year, tz, plan_name, period
        self.language, self.currency, self.order = language, currency, order
        self.problems: list[Problem] = []
        self.assumed: list[str] = []
        when_header = header_key(table.columns["when"][1]) if "when" in table.columns else ""
        self.deadline_column = when_header in _DEADLINE_HEADERS
        self.within = (parse_period(period, year=year, tz=tz, date_order=order, plan_period=True) if period
                       else None)   # checked by the caller
        self.segment_rows: dict[str, int] = {}        # name -> first row
        self.segment_kinds: dict[str, str] = {}
        self.axis_rows: dict[tuple[str, str], int] = {}
        self.action_rows: list[int] = []
        self.deadline_until = False                   # a date cell was made a deadline (said once)
        self.month_cells = False                      # a date cell shown without a day was read as a month
        self.yearless_cells = False                   # a date cell shown without its year was read in the plan's
        self.people: dict[str, str] = {}              # e-mail -> name
        self.scope_rows: dict[tuple[str, str], int] = {}   # (column, segment or axis id) -> row of its scope
        self.id_rows: dict[str, int] = {}             # given Réf (without case) -> its first row
        self.id_written: dict[str, str] = {}          # given Réf (without case) -> as first written
        self.names: dict[tuple[str, str, str], tuple[str, int]] = {}  # (what, segment, folded) -> (name, row)
        self.names_said: set[tuple[str, str, str]] = set()
        self.given_ids = {str(_plain(v)).strip().casefold() for _, cells in table.rows
                          if not _blank(v := self.cell(cells, "id"))}

    def cell(self, cells: list[Any], key: str) -> Any:
        if key not in self.table.columns:
            return None
        index = self.table.columns[key][0]
        value = cells[index] if index < len(cells) else None
        return INVISIBLE.sub("", value).strip() if isinstance(value, str) else value

    def dates_written(self, text: str, *, statement: bool = False) -> str:
        """``text`` with its numeric dates read in the file's order and written out unambiguously in the plan's
        language (« 3/4/2027 » of a month/day file: "March 4, 2027", « 04/03/2027 »); a French plan's day/month
        dates stay as written. A statement's dates without a year, and impossible dates, are left alone."""
        def one(m: re.Match[str]) -> str:
            a, b, yy = int(m.group(1)), int(m.group(3)), m.group(4)
            month, day = (a, b) if self.order == "mdy" else (b, a)
            year = None if yy is None else (2000 + int(yy) if len(yy) == 2 else int(yy))
            try:
                date(year or 2000, month, day)
            except ValueError:
                return m.group(0)
            if self.language == "en":
                return f"{_MONTH_NAMES_EN[month - 1]} {day}" + (f", {year}" if year else "")
            if self.order == "dmy":
                return m.group(0)
            return _french_day(day, month, year)     # the plan says date_order: mdy: no numeric date left to misread
        if statement:     # a yearless pair is a date only after a word that introduces one (« 4/5 clients » is not)
            return _NUMERIC_DATE.sub(lambda m: one(m) if m.group(4) or _DATE_WORD.search(text, 0, m.start())
                                     else m.group(0), text)
        return _NUMERIC_DATE.sub(one, text)

    def _day(self, value: date) -> str:
        if self.language == "en":
            return f"{_MONTH_NAMES_EN[value.month - 1]} {value.day}, {value.year}"
        if self.order == "mdy":        # the plan says date_order: mdy, where 04/03/2027 would be April 3
            return _french_day(value.day, value.month, value.year)
        return f"{value:%d/%m/%Y}"

    def _by(self, day: str) -> str:
        """The deadline "until the end of ``day``" in the plan's language."""
        return f"by {day}" if self.language == "en" else f"avant le {day}"

    def _by_end(self, period: str) -> str:
        """The deadline "by the end of ``period``" in the plan's language."""
        return f"by end of {period}" if self.language == "en" else f"d'ici fin {period}"

    def _scope_cell(self, row: int, key: str, value: Any) -> CommentedMap | None:
        try:
            return _flow(scope_from_text(str(_plain(value))))
        except ValueError as exc:
            self.problems.append(self.problem(row, key, str(exc), "write key: values separated by ';', e.g. "
                                              "'custom.state: IL; dormant: 12 months' or « département: 69, 38; "
                                              "dormant: 12 mois »"))
            return None

    def _departement(self, row: int, value: Any, what: CommentedMap) -> None:
        """A « Département » cell as the action's département scope: codes typed as numbers (1 is « 01 », 38.0 is
        38), several separated by « , » or « ; » (audit xlsximport F8: the column was ignored, every scope lost)."""
        codes = [c.strip() for c in re.split(r"[,;/\n]", str(_plain(value))) if c.strip()]
        if "scope" in what and "departement" in what["scope"]:
            self.problems.append(self.problem(row, "departement", f"this row gives départements in this column "
                                              f"and in column {self.table.columns['scope'][1]!r}",
                                              "give them in one of the two"))
            return
        try:
            parse_scope({"departement": codes}, at="departement")
        except ScopeError as exc:
            self.problems += [self.problem(row, "departement", p.message, p.fix) for p in exc.problems]
            return
        if "scope" not in what:
            what["scope"] = _flow(CommentedMap())
        what["scope"]["departement"] = codes[0] if len(codes) == 1 else codes

    def problem(self, row: int | None, key: str | None, message: str, fix: str = "") -> Problem:
        return Problem(self.table.where(row, key), message, fix, file=self.table.name)

    def yaml(self) -> str:
        segments: dict[str, CommentedMap] = {}
        axes: dict[tuple[str, str], CommentedMap] = {}
        actions = CommentedSeq()
        previous: dict[str, Any] = {}
        used_ids: set[str] = set()
        for number, cells in self.table.rows:
            values = {c.key: self.cell(cells, c.key) for c in COLUMNS}
            if self._totals_row(number, values):
                continue
            reported: set[str] = set()
            # Grouping rows: a blank Segment repeats the row above; a blank Type de segment or Axe repeats it
            # only while the segment is the same (a new segment with a blank axis is not the previous one's).
            written = None if _blank(values["segment"]) else self._name(number, "segment", "",
                                                                         str(_plain(values["segment"])))
            same_group = written is None or written == previous.get("segment")
            values["segment"] = previous.get("segment") if written is None else written
            for key in ("segment_kind", "axis"):
                if _blank(values[key]) and same_group:
                    values[key] = previous.get(key)
            if _blank(values["axis"]) and not same_group and not _blank(values["segment"]):
                above = previous.get("segment")
                self.problems.append(self.problem(
                    number, "axis", f"this cell is empty and this row starts the segment {written!r}"
                    + (f" (the row above is in {str(above)!r})" if above else "") + ": a blank "
                    f"{self.table.columns['axis'][1]!r} repeats the row above only within the same segment",
                    "write this row's axis"))
                reported.add("axis")
            if not _blank(values["axis"]) and not _blank(values["segment"]):
                values["axis"] = self._name(number, "axis", str(values["segment"]), str(_plain(values["axis"])))
            for key in _REPEATED:
                previous[key] = values[key]
            for key in ("segment", "axis", "text", "who", "activity", "count", "when"):
                if _blank(values[key]) and key not in reported:
                    self.problems.append(self.problem(number, key, "this cell is empty", "fill it in" + (
                        "" if key in _REPEATED else ": only Segment, Type de segment and Axe repeat the row above")))
            if _blank(values["segment"]) or _blank(values["axis"]):
                continue
            segment = self._segment(segments, number, str(_plain(values["segment"])), values["segment_kind"])
            axis = self._axis(axes, number, segment, str(_plain(values["segment"])), str(_plain(values["axis"])))
            self._group_scope(segment, number, "segment_scope", values["segment_scope"])
            self._group_scope(axis, number, "axis_scope", values["axis_scope"])
            actions.append(self._action(number, values, axis["id"], used_ids, len(actions) + 1))
        return self._dump(list(segments.values()), list(axes.values()), actions)

    def _totals_row(self, row: int, values: dict[str, Any]) -> bool:
        """A « Total » / « Totaux » / « Total général » row under the actions, with no statement (audit importhand:
        it was five « this cell is empty » problems, one asking to write the axis of a segment named « Total »): one
        problem, to delete it. A statement beside it, or a name going on (« Total Énergies »), is an action."""
        for key in ("segment", "axis", "text"):
            value = values[key]
            if isinstance(value, str) and _TOTALS.fullmatch(fold_key(value)) and (
                    key == "text" or _blank(values["text"])):
                self.problems.append(self.problem(
                    row, key, f"« {value} »: this looks like a totals row, not an action (pac sums the actions "
                    "itself)", "delete the row, or move the totals to another sheet"))
                return True
        return False

    def _name(self, row: int, what: str, within: str, written: str) -> str:
        """A segment's or axis's name as first written, whatever the case, accents and spaces (line breaks, no-break
        spaces) of this cell: « grands comptes » or « Grands\ncomptes » under « Grands comptes » is that segment,
        said once per spelling (audit xlsximport F5: they made S-GRANDS-COMPTES-2 and its own axes)."""
        name = " ".join(written.split())
        first = self.names.setdefault((what, within, " ".join(fold_keep_length(name).split())), (name, row))
        if first[0] != name and (what, within, name) not in self.names_said:
            self.names_said.add((what, within, name))
            self.assumed.append(f"{what} {name!r} ({self.table.where(row, what)}) is {what} {first[0]!r} of "
                                f"{self.table.where(first[1], None)}: the names differ only by letter case, accents "
                                "or spaces (write them alike, or make them differ if they are two)")
        return first[0]

    def _group_scope(self, item: CommentedMap, row: int, key: str, value: Any) -> None:
        """A segment's or axis's scope: given on one of its rows (blank on the others); two differ: refused."""
        if _blank(value):
            return
        scope = self._scope_cell(row, key, value)
        if scope is None:
            return
        first = self.scope_rows.setdefault((key, item["id"]), row)
        if "scope" not in item:
            item["scope"] = scope
        elif dict(item["scope"]) != dict(scope):
            what = "segment" if key == "segment_scope" else "axis"
            self.problems.append(self.problem(row, key, f"{what} {item['name']!r} has another scope on row {first}",
                                              f"give the {what}'s scope once (leave the cell blank on its other "
                                              "rows), or make it a separate " + what))

    def _segment(self, segments: dict[str, CommentedMap], row: int, name: str, kind: Any) -> CommentedMap:
        if name not in segments:
            self.segment_rows[name] = row
            seg = CommentedMap(id=_unique_id("S", name, {s["id"] for s in segments.values()}), name=name)
            seg["kind"] = str(_plain(kind)) if not _blank(kind) else "horizontal"
            if _blank(kind):
                seg.yaml_add_eol_comment("to check: no segment type in the sheet" if self.language == "en" else
                                         "à vérifier : type de segment absent du tableur", "kind")
            seg["swot"] = CommentedMap(strengths=[], weaknesses=[], opportunities=[], threats=[])
            seg["swot"].fa.set_flow_style()
            segments[name] = seg
            self.segment_kinds[name] = "" if _blank(kind) else str(_plain(kind))
        elif not _blank(kind) and self.segment_kinds[name] and fold_key(str(_plain(kind))) != fold_key(
                self.segment_kinds[name]):
            self.problems.append(self.problem(row, "segment_kind", f"segment {name!r} is {str(_plain(kind))!r} "
                                              "here but "
                                              f"{self.segment_kinds[name]!r} on row {self.segment_rows[name]}",
                                              "give each segment one type"))
        return segments[name]

    def _axis(self, axes: dict[tuple[str, str], CommentedMap], row: int, segment: CommentedMap, segment_name: str,
              name: str) -> CommentedMap:
        key = (segment_name, name)
        if key not in axes:
            self.axis_rows[key] = row
            axis = CommentedMap(id=_unique_id("AX", name, {a["id"] for a in axes.values()}), name=name,
                                segment=segment["id"], status="active")
            axes[key] = axis
        return axes[key]

    def _action(self, row: int, values: dict[str, Any], axis_id: str, used: set[str], n: int) -> CommentedMap:
        self.action_rows.append(row)
        if _blank(values["id"]):       # the next number no Réf of the file uses
            k = n
            while f"A-{k:02d}".casefold() in self.given_ids or f"A-{k:02d}".casefold() in used:
                k += 1
            ident = f"A-{k:02d}"
        else:
            ident = str(_plain(values["id"])).strip()
            first = self.id_rows.setdefault(ident.casefold(), row)
            if first != row:
                written = self.id_written[ident.casefold()]
                same = "" if written == ident else f" ({written!r}: the CRMs match ids without letter case)"
                self.problems.append(self.problem(
                    row, "id", f"Réf {ident!r} is already the Réf of {self.table.where(first, None)}{same}",
                    "give each action its own Réf (it is the action's key in the CRM, PAC_Key__c), or leave the "
                    "cell blank to number the action"))
                ident = f"{ident}-{n}"     # the plan check then reports nothing more about it
            self.id_written.setdefault(ident.casefold(), ident)
        used.add(ident.casefold())
        who = _email(values["who"], self.people)
        what = CommentedMap(activity=_text(values["activity"]), count=_count(values["count"], self.language))
        if not _blank(values["counting"]):
            what["counting"] = str(_plain(values["counting"]))
        if not _blank(values["scope"]):
            scope = self._scope_cell(row, "scope", values["scope"])
            if scope is not None:
                what["scope"] = scope
        if not _blank(values["departement"]) and not (
                self.language == "en" and header_key(self.table.columns["departement"][1]) == "dept"):
            # an English sheet's « Dept » is the owner's department (Sales), not a French département
            self._departement(row, values["departement"], what)
        what.fa.set_flow_style()
        text = _text(values["text"])
        if isinstance(text, str) and statement_too_long(text):
            self.problems.append(self.problem(row, "text", str(statement_too_long(text)).replace("the statement",
                                                                                                "this statement", 1)))
        action = CommentedMap(id=ident, axis=axis_id, text=text, who=who, what=what,
                              when=self._when(row, values["when"], text))
        if not (_blank(values["info_needed"]) and _blank(values["info_from"])):
            info = CommentedMap()
            if not _blank(values["info_needed"]):
                info["needed"] = str(_plain(values["info_needed"]))
            if not _blank(values["info_from"]):
                info["from"] = str(_plain(values["info_from"]))
            info.fa.set_flow_style()
            action["info"] = info
        if not _blank(values["status"]):
            action["status"] = str(_plain(values["status"]))
        return action

    def _when(self, row: int, value: Any, text: Any) -> Any:
        """A date is that day, or the deadline "until" that day (from the plan's start, the day included)
        when its column is an Échéance/Deadline or when the statement says "avant le / by..."; the same
        whether it is a date cell or text (every CSV cell): the manager cannot see a cell's type. Under
        Échéance any single period written as text (« juin 2027 », « S24 », « T2 ») is due by its end."""
        if isinstance(value, datetime):
            value = value.date()
        deadline = bool(self.deadline_column
                        or (isinstance(text, str) and _DEADLINE_WORDS.search(fold_keep_length(text))))
        if isinstance(value, MonthCell):
            if not self.month_cells:
                shown = (f"{_MONTH_NAMES_EN[value.month - 1]} {value.year}" if self.language == "en"
                         else str(value))       # 'March 2027' in an English plan, not « mars 2027 » (usplan F9)
                self.assumed.append(f"date cells of column {self.table.columns['when'][1]!r} shown without a day "
                                    f"(e.g. {shown!r}) are that month, not its 1st day"
                                    f"{', by its end as a deadline' if deadline else ''} "
                                    f"(first: {self.table.where(row, None)})")
                self.month_cells = True
            month = f"{_MONTH_NAMES_EN[value.month - 1]} {value.year}" if self.language == "en" else str(value)
            return self._by_end(month) if deadline else month
        if isinstance(value, YearlessCell):
            words = value.words(self.language)
            if not self.yearless_cells:
                self.assumed.append(f"date cells of column {self.table.columns['when'][1]!r} shown without their "
                                    f"year (e.g. {words!r}, stored in {value.stored}, the year it was typed in) are "
                                    f"that {'day' if value.day else 'month'} of the plan's period, as if typed "
                                    f"{words!r} (first: {self.table.where(row, None)})")
                self.yearless_cells = True
            return self._when_text(row, words, deadline)
        if not isinstance(value, date):
            value = _text(value)
            return self._when_text(row, value, deadline) if isinstance(value, str) and value else value
        day = self._day(value)
        if deadline:
            self._said_deadline(row, self._by(day), day)
            return self._by(day)
        return day

    def _when_text(self, row: int, text: str, deadline: bool) -> str:
        """A when cell written as text. Under Échéance, a date or one period that does not say its bounds
        already is due by its end (« 30/04/2027 » → « avant le 30/04/2027 », « juin 2027 » → « d'ici fin juin
        2027 », « S24 » → « d'ici fin S24 »); under Quand, a date or a month follows the statement's « avant
        le / d'ici / by », as a date cell does. Anything else, and what cannot be read, is kept as written
        (the plan check then says what is wrong with it)."""
        if self.within is not None:
            years = (self.within.start.year, (self.within.end - timedelta(days=1)).year)
        else:
            years = (self.year, self.year)
        text = self.dates_written(text)
        text, problem = _short_years(text, years)
        if problem is not None:
            self.problems.append(self.problem(row, "when", *problem))
            return text
        if not deadline or _BOUND_WORDS.search(fold_keep_length(text)):
            return text
        try:
            window = parse_period(text, year=self.year, tz=self.tz, within=self.within, language=self.language)
        except PeriodError:
            return text
        first, end = window.start.date(), window.end.date()
        if end - first == timedelta(days=1):
            phrase = self._by(re.sub(r"(?i)^(?:le|on|the)\s+", "", text))
        elif self.deadline_column or (first.day == 1 and end == (first + timedelta(days=32)).replace(day=1)):
            phrase = self._by_end(text)
        else:
            return text
        try:
            due = parse_period(phrase, year=self.year, tz=self.tz, within=self.within, language=self.language)
        except PeriodError:
            return text
        if due.end != window.end:
            return text
        self._said_deadline(row, phrase, text)
        return phrase

    def _said_deadline(self, row: int, phrase: str, written: str) -> None:
        if self.deadline_until:
            return
        column = self.table.columns["when"][1]
        what = (f"dates and periods of column {column!r} are deadlines (due by their end)" if self.deadline_column
                else f"dates of column {column!r} are deadlines where the statement says "
                + ("'by / before / until'" if self.language == "en" else "« avant le / d'ici / by »"))   # usplan F9
        self.assumed.append(f"{what}: {phrase!r} runs from the plan's start to the end of {written} "
                            f"(first: {self.table.where(row, None)})")
        self.deadline_until = True

    def _dump(self, segments: list[CommentedMap], axes: list[CommentedMap], actions: CommentedSeq) -> str:
        doc = CommentedMap()
        header = CommentedMap(name=self.plan_name, year=self.year, timezone=self.tz, currency=self.currency,
                              language=self.language)
        if self.period:
            header["period"] = self.period
        if self.order == "mdy":     # the statements keep their month/day dates: pac plan lint reads them so (F2)
            header["date_order"] = "mdy"
        doc["plan"] = _flow(header)
        people = CommentedSeq(_flow(CommentedMap(email=e, name=n) if n else CommentedMap(email=e))
                              for e, n in self.people.items())
        doc["people"] = people
        doc["segments"] = CommentedSeq(segments)
        doc["axes"] = CommentedSeq(axes)
        doc["actions"] = actions
        sheet = f" (sheet {self.table.sheet})" if self.table.sheet else ""
        doc.yaml_set_start_comment(
            f"Imported from {self.table.name}{sheet} by `pac plan import`.\n"
            "To complete: each segment's SWOT, the segments' kind, each axis's objective\n"
            "(objective: additional_revenue, an amount or \"30 %\" of last year's, margin_rate, budget or\n"
            "effort_days + day_cost), the people (people: name, role), then check with `pac plan check`."
            if self.language == "en" else
            f"Importé de {self.table.name}{f' (feuille {self.table.sheet})' if self.table.sheet else ''} "
            "par `pac plan import`.\n"
            "À compléter : le SWOT de chaque segment, le type des segments (kind), l'objectif de chaque axe\n"
            "(objective: additional_revenue, un montant ou \"30 %\" de l'an passé, margin_rate, budget ou\n"
            "effort_days + day_cost), les personnes (people: name, role), puis vérifier avec `pac plan check`.")
        yaml = YAML()
        yaml.indent(mapping=2, sequence=4, offset=2)
        yaml.width = 120
        out = io.StringIO()
        yaml.dump(doc, out)
        return out.getvalue()

    def locate(self, p: Problem) -> Problem:
        """A problem of the generated YAML, named by the spreadsheet row and column it came from."""
        m = re.match(r"(actions|segments|axes|people)\[(\d+)\]\.?([\w.]*)", p.path)
        if not m:
            option = _OPTIONS.get(p.path)
            if option:
                return Problem(f"option {option}", p.message, p.fix, file=self.table.name)
            return Problem(p.path, p.message, p.fix, file=self.table.name)
        section, index, rest = m.group(1), int(m.group(2)), m.group(3)
        if section == "actions" and index < len(self.action_rows):
            parts = rest.split(".")
            key = next((_ACTION_KEYS[k] for k in (rest, ".".join(parts[:2]), parts[0]) if k in _ACTION_KEYS), "text")
            return self.problem(self.action_rows[index], key, p.message, p.fix)
        if section == "segments" and index < len(self.segment_rows):
            row = list(self.segment_rows.values())[index]
            return self.problem(row, "segment_kind" if rest == "kind" else "segment", p.message, p.fix)
        if section == "axes" and index < len(self.axis_rows):
            return self.problem(list(self.axis_rows.values())[index], "axis", p.message, p.fix)
        return Problem(p.path, p.message, p.fix, file=self.table.name)


_OPTIONS = {"plan.timezone": "--tz", "plan.year": "--year", "plan.name": "--plan-name", "plan": "--year",
            "plan.currency": "--currency", "plan.language": "--language"}
_ACTION_KEYS = {
    "id": "id", "axis": "axis", "text": "text", "who": "who", "when": "when", "status": "status",
    "what": "activity", "what.activity": "activity", "what.count": "count", "what.counting": "counting",
    "what.scope": "scope", "info.needed": "info_needed", "info.from": "info_from", "info": "info_needed",
}


def _unique_id(prefix: str, name: str, used: set[str]) -> str:
    slug = fold_alnum(name, "-").upper()[:24].strip("-") or "X"
    ident, n = f"{prefix}-{slug}", 2
    while ident in used:
        ident, n = f"{prefix}-{slug}-{n}", n + 1
    return ident


def _flow(mapping: CommentedMap | dict[str, Any]) -> CommentedMap:
    out = mapping if isinstance(mapping, CommentedMap) else CommentedMap(mapping)
    out.fa.set_flow_style()
    return out


def _plain(value: Any) -> Any:
    """A cell as a person writes it: dates as 30/06/2027 (never datetime.datetime(...)), 5.0 as 5."""
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
        if isinstance(value, datetime):
            return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (int, float, str)) or value is None:
        return value
    return str(value)


def _text(value: Any) -> Any:
    return value if value is None else str(_plain(value)).strip()


def _count(value: Any, language: str = "fr") -> Any:
    """A whole number as a spreadsheet writes it: 5, « 5,0 » / « 5.0 » (a « 0,0 » number format, as the .xlsx
    5.0), « 1 000 » (a thousands space, also no-break); 5,5 stays refused by the plan check. A comma or a point
    before three digits groups thousands in either language, a count being whole: « 1,234 », « 1,000 », « 1.200 »
    are 1234, 1000 and 1200 (audit importus F2 read them so in an English sheet only; audit amounts2 F1: a French
    sheet's « 1,200 » and « 1.200 » were « not a whole number »)."""
    if isinstance(value, float):        # Excel shows 15 significant digits: =0,07*100 (7.000000000000001) is 7
        value = float(f"{value:.15g}")
        if not value.is_integer():      # « 1,5 » typed in a French sheet: said '1,5' as a CSV's (audit excelcells F2)
            return f"{value:.15g}".replace(".", "," if language != "en" else ".")
    value = _plain(value)
    if isinstance(value, str):
        number = read_count(value)      # « 1 200 », "1,200", « 1.200 », « 1'200 », « 5,0 » (scopes.read_count)
        if number is not None:
            return number
    return value


def _email(value: Any, people: dict[str, str]) -> Any:
    """"Julie Martin <julie.martin@x>" or the bare e-mail; the person is added to people."""
    if _blank(value):
        return value
    text = str(value).strip()
    m = re.fullmatch(r"(.*?)\s*<([^<>\s]+@[^<>\s]+)>", text)
    name, email = (m.group(1).strip(" \"'"), m.group(2)) if m else ("", text)
    email = re.sub(r"(?i)^mailto:\s*", "", email)      # a link's address pasted (audit xlsximport F11)
    if "@" not in email:
        return text      # refused when the plan is checked, as written
    email = email.lower()
    people[email] = people.get(email) or name
    return email


def scope_from_text(text: str) -> dict[str, Any]:
    """A Périmètre cell as a scope mapping: ``département: 69, 38; dormant: 12 mois; CA >= 50 M€;
    sauf type: Distributeur``. Keys as in plan scopes; raises ValueError naming the part it cannot read."""
    scope: dict[str, Any] = {}
    for part in (p.strip() for p in re.split(r"[;\n]", text)):
        if not part:
            continue
        negated = False
        m = re.match(r"(?i)(sauf|hors|not|non|except)\s+(.*)$", part)
        if m:
            negated, part = True, m.group(2)
        key, value = _condition(part)
        if key == "dormant" and negated and value is True:
            key, value, negated = "dormant", False, False
        target = scope.setdefault("not", {}) if negated else scope
        target[key] = value
    return scope


_OPS = {">=": "gte", "≥": "gte", "<=": "lte", "≤": "lte", ">": "gt", "<": "lt"}


def _condition(part: str) -> tuple[str, Any]:
    m = re.match(r"^(.*?)\s*(>=|<=|≥|≤|>|<|:|=)\s*(.*)$", part)
    if m:
        key_text, op, value_text = m.group(1), m.group(2), m.group(3).strip()
    else:
        words = part.split()
        for n in range(min(4, len(words)), 0, -1):
            if _field(" ".join(words[:n])):
                key_text, op, value_text = " ".join(words[:n]), ":", " ".join(words[n:])
                break
        else:
            raise ValueError(f"cannot read {part!r}: no known field")
    field_name = _field(key_text)
    if field_name is None:
        raise ValueError(f"unknown field {key_text.strip()!r} in {part!r}")
    if field_name == "dormant":
        return field_name, _dormant_value(value_text, part)
    if field_name == "annual_revenue":
        inner = re.match(r"^(>=|<=|≥|≤|>|<)\s*(.*)$", value_text)
        if op in _OPS:
            return field_name, {_OPS[op]: value_text}
        if inner:
            return field_name, {_OPS[inner.group(1)]: inner.group(2)}
        between = re.match(r"(?i)^(?:entre|between)\s+(.+?)\s+(?:et|and)\s+(.+)$", value_text)
        if between:
            return field_name, {"between": [between.group(1), between.group(2)]}
        raise ValueError(f"{part!r}: compare the revenue, e.g. 'CA >= 50 M€' or 'CA: entre 10 M€ et 50 M€'")
    if op in _OPS:
        raise ValueError(f"{part!r}: only the revenue is compared with {op}")
    values = [v.strip() for v in value_text.split(",") if v.strip()]
    if not values:
        raise ValueError(f"{part!r} has no value")
    return field_name, values[0] if len(values) == 1 else values


def _field(key_text: str) -> str | None:
    key = fold_key(key_text)
    if key.startswith("custom."):
        return key_text.strip()
    if key in NEGATION_KEYS:
        return None
    return KEY_ALIASES.get(key)


def _dormant_value(value_text: str, part: str) -> Any:
    text = value_text.strip().lower()
    if text in ("", "oui", "yes", "true", "vrai"):
        return True
    if text in ("non", "no", "false", "faux"):
        return False
    m = re.fullmatch(r"(\d+)\s*(mois|months?|m)?", text)
    if m:
        return {"months": int(m.group(1))}
    raise ValueError(f"{part!r}: write 'dormant' (the CRM's flag) or 'dormant: 12 months' (« dormant: 12 mois »)")
