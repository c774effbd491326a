"""Action progress as CSV for Excel: who does what and when, done / target, pace.

UTF-8 with a byte-order mark (so Excel reads accents right). French: ``;`` separator and decimal comma
(what Excel expects on a French system); English: ``,`` and decimal point. Dates are ISO (2027-05-03),
progress is a percentage number (80.0 or 80,0; 99,96 for 99.96 %, which one decimal would read 100,0: audit
nearleft), the pace is given in words and as a stable code.
A text that starts with = + - @ (or a tab, a carriage return) gets a leading apostrophe so a spreadsheet never
runs it as a formula; the control characters a CRM field does not keep (``connectors.fit.CONTROL``) are dropped.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from connectors.fit import printable
from pac_core.money import PROGRESS_LIMITS, apart
from pac_core.rounding import half_up
from sync_jobs.report.page import formatter_for
from sync_jobs.report.scrub import scrub
from sync_jobs.report.tables import actions, pace_places
from sync_jobs.report_inputs import ReportInputs

FORMULA_START = ("=", "+", "-", "@")   # what a spreadsheet reads as the start of a formula (OWASP)
_CSV_FORMULA_START = (*FORMULA_START, "\t", "\r")   # in a CSV, a cell opening with a tab or CR too


def write(inputs: ReportInputs, path: Path, lang: str | None = None) -> Path:
    fmt = formatter_for(inputs, lang)
    columns, rows = actions(inputs, fmt)
    delimiter, point = (";", ",") if fmt.lang == "fr" else (",", ".")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL)
        writer.writerow([f"{h} (%)" if kind == "percent" else h for h, kind in columns])
        for row in rows:
            behind = pace_places(columns, row, fmt.lang, 1)   # a count expected beside one done, at risk (sfhand7)
            writer.writerow([_cell(v, kind, point, behind.get(c, 1))
                             for c, ((_, kind), v) in enumerate(zip(columns, row, strict=True))])
    return path


def _cell(value: Any, kind: str, point: str, places: int = 1) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        number = value if isinstance(value, Decimal | float) else int(value)   # a bool as 0 / 1, as before
        if kind == "percent":   # the progress: below 100 until done, above 0 once begun, as the page (audit nearleft)
            return str(apart(number, PROGRESS_LIMITS, 1)).replace(".", point)
        text = str(half_up(number, places if kind == "number" else 0))
        return text.replace(".", point)
    text = printable(scrub(str(value)))   # no control character the CRMs drop (Word's line break, an escape: F4)
    return "'" + text if text.startswith(_CSV_FORMULA_START) else text
