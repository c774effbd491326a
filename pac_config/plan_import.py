"""Import a plan from the spreadsheet where PACs usually live (``.xlsx`` or ``.csv``), one row per action.

Columns (header row = the first non-empty row; French or English names, case and accents ignored,
a parenthesised note such as "Quoi (activité)" is ignored; other columns are ignored):

=====================  ========================================  =========
key                    accepted headers (first = documented)     required
=====================  ========================================  =========
segment                Segment                                   yes
segment_kind           Type de segment, Segment type             no (horizontal)
axis                   Axe, Axe de développement, Axis           yes
id                     Id, Id action, Action id, Réf             no (A-01...)
text                   Action, Énoncé, Statement                 yes
who                    Qui, Who, Owner, Responsable              yes (an e-mail)
activity               Quoi, Activité, What, Activity            yes (visite, appel...)
count                  Combien, Nombre, How many, Count          yes
counting               Comptage, Counting                        no
when                   Quand, Échéance, When, Deadline           yes
scope                  Périmètre, Scope                          no
info_needed            Information nécessaire, Information ...   no
info_from              Auprès de qui, From whom, Source          no
status                 Statut, Status, État                      no
=====================  ========================================  =========

Business rules:

- A blank Segment, Type de segment or Axe cell repeats the value of the row above (the usual way a
  spreadsheet groups actions); **merged cells are refused** (openpyxl only keeps the top-left value,
  so the rows below would silently lose theirs): the error names the sheet and range, to unmerge.
- Périmètre is written ``key: values`` separated by ``;`` (e.g. ``département: 69, 38; dormant: 12 mois;
  CA >= 50 M€; sauf type: Distributeur``); keys as in plan scopes (docs/plan-format.md).
- CSV: ``;``, ``,`` or tab delimiter (sniffed), UTF-8 with or without BOM, else Windows-1252 (Excel).
- Every problem is reported at once with its row and column; nothing is produced when there is one.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from pac_config.planfile import load_plan_text
from pac_core.errors import InvalidInput, Problem
from pac_core.scopes import KEY_ALIASES, NEGATION_KEYS, fold


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
    Column("who", ("Qui", "Who", "Owner", "Responsable"), True),
    Column("activity", ("Quoi", "Activité", "Type d'activité", "What", "Activity"), True),
    Column("count", ("Combien", "Nombre", "Cible", "How many", "Count", "Target"), True),
    Column("counting", ("Comptage", "Counting")),
    Column("when", ("Quand", "Échéance", "Période", "When", "Deadline", "Period"), True),
    Column("scope", ("Périmètre", "Scope")),
    Column("info_needed", ("Information nécessaire", "Info nécessaire", "Information needed", "Info needed")),
    Column("info_from", ("Auprès de qui", "From whom", "Information from", "Source")),
    Column("status", ("Statut", "Status", "État")),
)
_REPEATED = ("segment", "segment_kind", "axis")   # blank = the row above


def header_key(text: str) -> str:
    """How headers are compared: no parenthesised note, no accents, no case, single spaces."""
    text = re.sub(r"\(.*?\)", " ", str(text))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


_BY_HEADER = {header_key(h): c for c in COLUMNS for h in c.headers}


@dataclass
class Sheet:
    """The cells of the table: where they come from (for messages) and the rows under the header."""

    name: str                        # file name, for messages
    sheet: str | None                # xlsx sheet title; None for CSV
    header_row: int = 0
    columns: dict[str, tuple[int, str]] = field(default_factory=dict)   # key -> (index, header as written)
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)     # (row number, cells)

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

def read_table(path: Path, *, sheet: str | None = None) -> Sheet:
    """The table of an .xlsx or .csv file; InvalidInput for merged cells, an unknown sheet or format."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    raise InvalidInput(Problem("", f"cannot import {path.suffix or 'a file without extension'}",
                               "save the spreadsheet as .xlsx or .csv", file=path.name))


def _read_csv(path: Path) -> Sheet:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")   # Excel's "CSV" on French Windows
    # the header line decides: headers hold few delimiters ("Périmètre (département, industrie)" has one comma)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(";,\t", key=re.sub(r'"[^"]*"', "", first).count)
    table = Sheet(path.name, None)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    _fill(table, ((i, row) for i, row in enumerate(rows, start=1)))
    return table


def _read_xlsx(path: Path, sheet: str | None) -> Sheet:
    from openpyxl import load_workbook  # imported when a spreadsheet is imported, not at start

    try:
        book = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/InvalidFileException for broken files
        raise InvalidInput(Problem("", f"cannot open the spreadsheet: {exc}", "save it again as .xlsx",
                                   file=path.name)) from None
    if sheet is not None and sheet not in book.sheetnames:
        raise InvalidInput(Problem("", f"no sheet named {sheet!r}", f"use one of {book.sheetnames}", file=path.name))
    ws = book[sheet] if sheet is not None else book.active
    merged = sorted(str(r) for r in ws.merged_cells.ranges)
    if merged:
        raise InvalidInput([Problem(f"sheet {ws.title!r} cells {cells}", "merged cells cannot be read row by row",
                                    "unmerge them (Home > Merge & Center > Unmerge cells); a blank Segment, "
                                    "Type de segment or Axe cell repeats the row above", file=path.name)
                            for cells in merged])
    table = Sheet(path.name, ws.title)
    _fill(table, ((row[0].row, [c.value for c in row]) for row in ws.iter_rows() if row))
    return table


def _fill(table: Sheet, rows: Iterable[tuple[int, list[Any]]]) -> None:
    header: list[Any] | None = None
    for number, cells in rows:
        if all(_blank(c) for c in cells):
            continue
        if header is None:
            header, table.header_row = cells, number
            continue
        table.rows.append((number, list(cells)))
    problems: list[Problem] = []
    for index, raw in enumerate(header or []):
        if _blank(raw):
            continue
        column = _BY_HEADER.get(header_key(raw))
        if column is None:
            continue
        if column.key in table.columns:
            problems.append(Problem(table.where(table.header_row, None),
                                    f"columns {table.columns[column.key][1]!r} and {raw!r} both give {column.key}",
                                    "keep one of them", file=table.name))
        table.columns[column.key] = (index, str(raw).strip())
    missing = [c for c in COLUMNS if c.required and c.key not in table.columns]
    if missing:
        accepted = "; ".join(f"{c.headers[0]}: {', '.join(c.headers)}" for c in missing)
        problems.append(Problem(table.where(table.header_row or None, None) or "header",
                                f"missing column(s): {', '.join(c.headers[0] for c in missing)}",
                                f"add them to the header row (accepted names: {accepted})", file=table.name))
    if problems:
        raise InvalidInput(problems)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# -- building the plan -----------------------------------------------------------------------

def import_plan(path: str | Path, *, year: int, tz: str = "Europe/Paris", plan_name: str | None = None,
                sheet: str | None = None) -> str:
    """The YAML text of the plan in the spreadsheet ``path``, checked with ``load_plan_text``.

    Raises InvalidInput with every problem, each naming its row and column: the caller writes
    nothing unless this returns.
    """
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(Problem("", f"file not found: {path}", "check the path"))
    table = read_table(path, sheet=sheet)
    builder = _PlanBuilder(table, year=year, tz=tz, plan_name=plan_name or f"PAC {year} (importé de {path.name})")
    text = builder.yaml()
    problems = list(builder.problems)
    try:
        load_plan_text(text, name=f"{path.stem}.pac.yaml")
    except InvalidInput as exc:
        problems += [builder.locate(p) for p in exc.problems]
    if problems:
        raise InvalidInput(_dedupe(problems))
    return text


def _dedupe(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


class _PlanBuilder:
    def __init__(self, table: Sheet, *, year: int, tz: str, plan_name: str) -> None:
        self.table, self.year, self.tz, self.plan_name = table, year, tz, plan_name
        self.problems: list[Problem] = []
        self.segment_rows: dict[str, int] = {}        # name -> first row
        self.segment_kinds: dict[str, str] = {}
        self.axis_rows: dict[tuple[str, str], int] = {}
        self.action_rows: list[int] = []
        self.people: dict[str, str] = {}              # e-mail -> name

    def cell(self, cells: list[Any], key: str) -> Any:
        if key not in self.table.columns:
            return None
        index = self.table.columns[key][0]
        value = cells[index] if index < len(cells) else None
        return value.strip() if isinstance(value, str) else value

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
            for key in _REPEATED:
                if _blank(values[key]):
                    values[key] = previous.get(key)
                previous[key] = values[key]
            for key in ("segment", "axis", "text", "who", "activity", "count", "when"):
                if _blank(values[key]):
                    self.problems.append(self.problem(number, key, "this cell is empty", "fill it in"))
            if _blank(values["segment"]) or _blank(values["axis"]):
                continue
            segment = self._segment(segments, number, str(values["segment"]), values["segment_kind"])
            axis = self._axis(axes, number, segment, str(values["segment"]), str(values["axis"]))
            actions.append(self._action(number, values, axis["id"], used_ids, len(actions) + 1))
        return self._dump(list(segments.values()), list(axes.values()), actions)

    def _segment(self, segments: dict[str, CommentedMap], row: int, name: str, kind: Any) -> CommentedMap:
        if name not in segments:
            self.segment_rows[name] = row
            seg = CommentedMap(id=_unique_id("S", name, {s["id"] for s in segments.values()}), name=name)
            seg["kind"] = str(kind) if not _blank(kind) else "horizontal"
            if _blank(kind):
                seg.yaml_add_eol_comment("à vérifier : type de segment absent du tableur", "kind")
            seg["swot"] = CommentedMap(strengths=[], weaknesses=[], opportunities=[], threats=[])
            seg["swot"].fa.set_flow_style()
            segments[name] = seg
            self.segment_kinds[name] = "" if _blank(kind) else str(kind)
        elif not _blank(kind) and self.segment_kinds[name] and fold(str(kind)) != fold(self.segment_kinds[name]):
            self.problems.append(self.problem(row, "segment_kind", f"segment {name!r} is {kind!r} here but "
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
        ident = str(values["id"]).strip() if not _blank(values["id"]) else f"A-{n:02d}"
        if ident in used:
            ident = f"{ident}-{n}"
        used.add(ident)
        who = _email(values["who"], self.people)
        what = CommentedMap(activity=_text(values["activity"]), count=_count(values["count"]))
        if not _blank(values["counting"]):
            what["counting"] = str(values["counting"])
        if not _blank(values["scope"]):
            try:
                scope = scope_from_text(str(values["scope"]))
            except ValueError as exc:
                self.problems.append(self.problem(row, "scope", str(exc),
                                                  "write key: values separated by ';', e.g. "
                                                  "'département: 69, 38; dormant: 12 mois'"))
            else:
                what["scope"] = _flow(scope)
        what.fa.set_flow_style()
        action = CommentedMap(id=ident, axis=axis_id, text=_text(values["text"]), who=who, what=what,
                              when=_when(values["when"]))
        if not (_blank(values["info_needed"]) and _blank(values["info_from"])):
            info = CommentedMap()
            if not _blank(values["info_needed"]):
                info["needed"] = str(values["info_needed"])
            if not _blank(values["info_from"]):
                info["from"] = str(values["info_from"])
            info.fa.set_flow_style()
            action["info"] = info
        if not _blank(values["status"]):
            action["status"] = str(values["status"])
        return action

    def _dump(self, segments: list[CommentedMap], axes: list[CommentedMap], actions: CommentedSeq) -> str:
        doc = CommentedMap()
        doc["plan"] = _flow(CommentedMap(name=self.plan_name, year=self.year, timezone=self.tz, currency="EUR",
                                         language="fr"))
        people = CommentedSeq(_flow(CommentedMap(email=e, name=n) if n else CommentedMap(email=e))
                              for e, n in self.people.items())
        doc["people"] = people
        doc["segments"] = CommentedSeq(segments)
        doc["axes"] = CommentedSeq(axes)
        doc["actions"] = actions
        doc.yaml_set_start_comment(
            f"Importé de {self.table.name}{f' (feuille {self.table.sheet})' if self.table.sheet else ''} "
            "par `pac plan import`.\n"
            "À compléter : le SWOT de chaque segment, le type des segments (kind), l'objectif de chaque axe\n"
            "(objective: additional_revenue, margin_rate, budget ou effort_days + day_cost), les personnes\n"
            "(people: name, role), puis vérifier avec `pac plan check`.")
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


_OPTIONS = {"plan.timezone": "--tz", "plan.year": "--year", "plan.name": "--plan-name", "plan": "--year"}
_ACTION_KEYS = {
    "id": "id", "axis": "axis", "text": "text", "who": "who", "when": "when", "status": "status",
    "what": "activity", "what.activity": "activity", "what.count": "count", "what.counting": "counting",
    "what.scope": "scope", "info.needed": "info_needed", "info.from": "info_from", "info": "info_needed",
}


def _unique_id(prefix: str, name: str, used: set[str]) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Z0-9]+", "-", ascii_name.upper()).strip("-")[:24].strip("-") or "X"
    ident, n = f"{prefix}-{slug}", 2
    while ident in used:
        ident, n = f"{prefix}-{slug}-{n}", n + 1
    return ident


def _flow(mapping: CommentedMap | dict[str, Any]) -> CommentedMap:
    out = mapping if isinstance(mapping, CommentedMap) else CommentedMap(mapping)
    out.fa.set_flow_style()
    return out


def _text(value: Any) -> Any:
    return value if value is None else str(value).strip()


def _count(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
        return int(value)
    return value


def _when(value: Any) -> Any:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return _text(value)


def _email(value: Any, people: dict[str, str]) -> Any:
    """"Julie Martin <julie.martin@x>" or the bare e-mail; the person is added to people."""
    if _blank(value):
        return value
    text = str(value).strip()
    m = re.fullmatch(r"(.*?)\s*<([^<>\s]+@[^<>\s]+)>", text)
    name, email = (m.group(1).strip(" \"'"), m.group(2)) if m else ("", text)
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
    key = fold(key_text)
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
    raise ValueError(f"{part!r}: write 'dormant' (the CRM's flag) or 'dormant: 12 mois'")
