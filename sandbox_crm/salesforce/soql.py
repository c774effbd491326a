"""A SOQL subset for the sandbox CRM: parse once, filter and sort in-memory sObjects.

Supported: ``SELECT f1, Rel.Field, toLabel(f) [alias], COUNT() FROM Type [WHERE ...] [ORDER BY f [ASC|DESC]
[NULLS FIRST|LAST], ...] [LIMIT n] [OFFSET n]``; ``toLabel(f)`` (a picklist entry's label, under the field's name
or its alias) in SELECT and WHERE, not in ORDER BY ("The toLabel() function can't be used with ORDER BY"); a field
selected both as itself and through toLabel() needs an alias, as the SOQL reference says; conditions with AND / OR
/ NOT and parentheses; ``= != <> < <= > >=``, ``IN (...)``, ``NOT IN (...)``, ``LIKE`` (case-insensitive, ``%``
and ``_``), ``null``, ``true/false``, numbers,
quoted strings with backslash escapes, date (``2027-05-03``) and datetime (``2027-05-03T07:30:00Z``,
``...+02:00``, ``...000+0000``) literals. As in Salesforce, ``=`` on text ignores case.
Anything else raises ``SoqlError`` (answered as ``MALFORMED_QUERY``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

Resolver = Callable[[dict[str, Any], str], Any]
Predicate = Callable[[dict[str, Any]], bool]


class SoqlError(ValueError):
    """The query is outside the supported subset or malformed."""


_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2}))
  | (?P<date>\d{4}-\d{2}-\d{2})(?![\d:T])
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<string>'(?:[^'\\]|\\.)*')
  | (?P<op><=|>=|!=|<>|=|<|>)
  | (?P<punct>[(),])
  | (?P<name>[A-Za-z_][A-Za-z0-9_.]*)
""", re.VERBOSE)
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\",
            "%": "\\%", "_": "\\_"}


@dataclass(frozen=True)
class Token:
    kind: str
    value: Any
    text: str


def tokenize(text: str) -> list[Token]:
    out: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise SoqlError(f"unexpected character {text[pos]!r} at position {pos}")
        pos = match.end()
        kind = match.lastgroup or ""
        raw = match.group()
        if kind == "ws":
            continue
        if kind == "string":
            out.append(Token("value", _unescape(raw[1:-1]), raw))
        elif kind == "number":
            out.append(Token("value", Decimal(raw), raw))
        elif kind == "date":
            out.append(Token("value", date.fromisoformat(raw), raw))
        elif kind == "datetime":
            out.append(Token("value", parse_datetime(raw), raw))
        else:
            out.append(Token(kind, raw, raw))
    return out


def _unescape(body: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


def parse_datetime(text: str) -> datetime:
    """Salesforce datetimes: ``2027-05-03T07:30:00.000+0000``, ``...Z``, ``...+02:00``."""
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}:?\d{2})", text)
    if match is None:
        raise SoqlError(f"bad datetime literal {text!r}")
    base, millis, tz = match.groups()
    value = datetime.fromisoformat(base)
    if millis:
        value = value.replace(microsecond=int(millis.ljust(3, "0")) * 1000)
    if tz == "Z":
        offset = UTC
    else:
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        offset = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    return value.replace(tzinfo=offset).astimezone(UTC)


@dataclass
class OrderKey:
    field: str
    descending: bool = False
    nulls_last: bool = False


@dataclass
class Query:
    fields: list[str]                  # as written (relationship paths kept)
    sobject: str
    where: Predicate | None = None
    where_fields: list[str] = field(default_factory=list)
    order: list[OrderKey] = field(default_factory=list)
    limit: int | None = None
    offset: int = 0
    count: bool = False                # SELECT COUNT()
    aliases: dict[str, str] = field(default_factory=dict)   # a field as written ("toLabel(Industry)") -> its alias
    subqueries: list[Query] = field(default_factory=list)   # (SELECT ... FROM ChildRelationship)

    def run(self, rows: Iterable[dict[str, Any]], resolve: Resolver) -> list[dict[str, Any]]:
        """Filter, sort, offset and limit ``rows`` (the caller shapes the output)."""
        selected = [r for r in rows if self.where(r)] if self.where is not None else list(rows)
        for key in reversed(self.order):   # stable sorts, last key first
            keyed = [(resolve(r, key.field), r) for r in selected]
            nulls = [r for v, r in keyed if v is None]
            rest = [(v, r) for v, r in keyed if v is not None]
            rest.sort(key=lambda pair: _sortable(pair[0]), reverse=key.descending)
            ordered = [r for _, r in rest]
            selected = ordered + nulls if key.nulls_last else nulls + ordered
        if self.offset:
            selected = selected[self.offset:]
        if self.limit is not None:
            selected = selected[: self.limit]
        return selected


def labelled(path: str) -> str | None:
    """The field inside ``toLabel(field)`` (any case), or None for a plain field path."""
    match = re.fullmatch(r"tolabel\((.+)\)", path, re.IGNORECASE)
    return match.group(1) if match else None


def _sortable(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


class _Parser:
    def __init__(self, text: str, resolve: Resolver) -> None:
        self.tokens = tokenize(text)
        self.pos = 0
        self.resolve = resolve
        self.where_fields: list[str] = []

    # -- token helpers -------------------------------------------------------------------------
    def peek(self, offset: int = 0) -> Token | None:
        i = self.pos + offset
        return self.tokens[i] if i < len(self.tokens) else None

    def keyword(self, *words: str) -> bool:
        """Consume the keywords if they come next (case-insensitive)."""
        for i, word in enumerate(words):
            tok = self.peek(i)
            if tok is None or tok.kind != "name" or tok.value.upper() != word:
                return False
        self.pos += len(words)
        return True

    def expect_keyword(self, word: str) -> None:
        if not self.keyword(word):
            tok = self.peek()
            raise SoqlError(f"expected {word} but found {tok.text if tok else 'end of query'}")

    def take(self, kind: str, value: str | None = None) -> Token:
        tok = self.peek()
        if tok is None or tok.kind != kind or (value is not None and tok.value != value):
            want = value or kind
            raise SoqlError(f"expected {want} but found {tok.text if tok else 'end of query'}")
        self.pos += 1
        return tok

    # -- grammar -------------------------------------------------------------------------------
    def query(self, nested: bool = False) -> Query:
        self.expect_keyword("SELECT")
        fields: list[str] = []
        aliases: dict[str, str] = {}
        subqueries: list[Query] = []
        count = False
        while True:
            if not nested and self.peek() is not None and self.peek().value == "(":  # type: ignore[union-attr]
                self.pos += 1
                outer = self.where_fields
                self.where_fields = []
                subqueries.append(self.query(nested=True))
                self.where_fields = outer
                self.take("punct", ")")
                if self.peek() and self.peek().value == ",":  # type: ignore[union-attr]
                    self.pos += 1
                    continue
                break
            name = self.take("name").value
            if name.upper() == "TOLABEL" and self.peek() and self.peek().value == "(":  # type: ignore[union-attr]
                written = self.to_label()
                fields.append(written)
                tok = self.peek()
                if tok is not None and tok.kind == "name" and tok.value.upper() != "FROM":
                    self.pos += 1
                    aliases[written] = tok.value
            elif name.upper() == "COUNT" and self.peek() and self.peek().value == "(":  # type: ignore[union-attr]
                self.take("punct", "(")
                if self.peek() and self.peek().kind == "name":  # type: ignore[union-attr]
                    self.pos += 1
                self.take("punct", ")")
                count = True
            else:
                fields.append(name)
            if self.peek() and self.peek().value == ",":  # type: ignore[union-attr]
                self.pos += 1
                continue
            break
        self.expect_keyword("FROM")
        sobject = self.take("name").value
        named = [aliases.get(f) or (labelled(f) or f) for f in fields]
        twice = next((n for i, n in enumerate(named) if n.lower() in (m.lower() for m in named[:i])), None)
        if twice is not None:
            raise SoqlError(f"duplicate field selected: {twice}")
        q = Query(fields, sobject, count=count, subqueries=subqueries, aliases=aliases)
        if self.keyword("WHERE"):
            q.where = self.or_expr()
            q.where_fields = self.where_fields
        if self.keyword("ORDER", "BY"):
            while True:
                key = OrderKey(self.take("name").value)
                if key.field.upper() == "TOLABEL":
                    raise SoqlError("toLabel() can't be used in ORDER BY: picklists sort in their defined order")
                if self.keyword("DESC"):
                    key.descending = True
                else:
                    self.keyword("ASC")
                if self.keyword("NULLS", "LAST"):
                    key.nulls_last = True
                elif self.keyword("NULLS", "FIRST"):
                    key.nulls_last = False
                elif key.descending:
                    key.nulls_last = True   # Salesforce: DESC puts nulls last by default
                q.order.append(key)
                if self.peek() and self.peek().value == ",":  # type: ignore[union-attr]
                    self.pos += 1
                    continue
                break
        if self.keyword("LIMIT"):
            q.limit = int(self.take("value").value)
        if self.keyword("OFFSET"):
            q.offset = int(self.take("value").value)
        if not nested and self.peek() is not None:
            raise SoqlError(f"unexpected {self.peek().text!r} at the end of the query")  # type: ignore[union-attr]
        return q

    def or_expr(self) -> Predicate:
        parts = [self.and_expr()]
        while self.keyword("OR"):
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else (lambda r: any(p(r) for p in parts))

    def and_expr(self) -> Predicate:
        parts = [self.not_expr()]
        while self.keyword("AND"):
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else (lambda r: all(p(r) for p in parts))

    def not_expr(self) -> Predicate:
        if self.keyword("NOT"):
            inner = self.not_expr()
            return lambda r: not inner(r)
        tok = self.peek()
        if tok is not None and tok.value == "(":
            self.pos += 1
            inner = self.or_expr()
            self.take("punct", ")")
            return inner
        return self.comparison()

    def literal(self) -> Any:
        tok = self.peek()
        if tok is None:
            raise SoqlError("expected a value but the query ended")
        if tok.kind == "value":
            self.pos += 1
            return tok.value
        if tok.kind == "name" and tok.value.lower() in ("null", "true", "false"):
            self.pos += 1
            return {"null": None, "true": True, "false": False}[tok.value.lower()]
        raise SoqlError(f"expected a value but found {tok.text!r}")

    def to_label(self) -> str:
        """``toLabel(field)`` after its name: the field path, kept as ``toLabel(path)`` (``Org.accessor`` reads it)."""
        self.take("punct", "(")
        inner = self.take("name").value
        self.take("punct", ")")
        return f"toLabel({inner})"

    def comparison(self) -> Predicate:
        name = self.take("name").value
        if name.upper() == "TOLABEL" and self.peek() is not None and self.peek().value == "(":  # type: ignore[union-attr]
            name = self.to_label()
        self.where_fields.append(name)
        resolve = self.resolve
        if self.keyword("NOT", "IN") or self.keyword("IN"):
            negate = self.tokens[self.pos - 2].value.upper() == "NOT"
            self.take("punct", "(")
            values = [self.literal()]
            while self.peek() and self.peek().value == ",":  # type: ignore[union-attr]
                self.pos += 1
                values.append(self.literal())
            self.take("punct", ")")
            wanted = {_norm(v) for v in values}
            if negate:
                return lambda r: _norm(resolve(r, name)) not in wanted
            return lambda r: _norm(resolve(r, name)) in wanted
        if self.keyword("LIKE"):
            pattern = self.literal()
            if not isinstance(pattern, str):
                raise SoqlError("LIKE needs a quoted string")
            regex = _like(pattern)
            return lambda r: isinstance(v := resolve(r, name), str) and regex.fullmatch(v) is not None
        op = self.take("op").value
        value = self.literal()
        return _compare(name, op, value, resolve)


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, float | int) and not isinstance(value, bool):
        return Decimal(str(value))
    return value


def _like(pattern: str) -> re.Pattern[str]:
    out = ""
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out += re.escape(pattern[i + 1])
            i += 2
            continue
        out += ".*" if ch == "%" else "." if ch == "_" else re.escape(ch)
        i += 1
    return re.compile(out, re.IGNORECASE | re.DOTALL)


def _compare(name: str, op: str, value: Any, resolve: Resolver) -> Predicate:
    target = _norm(value)
    if op in ("=", "!=", "<>"):
        equal = op == "="
        return lambda r: (_norm(resolve(r, name)) == target) == equal
    if value is None:
        raise SoqlError(f"cannot compare {name} {op} null")

    def check(record: dict[str, Any]) -> bool:
        current = _norm(resolve(record, name))
        if current is None:
            return False
        try:
            if op == "<":
                return current < target
            if op == "<=":
                return current <= target
            if op == ">":
                return current > target
            return current >= target
        except TypeError:
            raise SoqlError(f"value of type {type(value).__name__} does not fit field {name}") from None

    return check


def parse(text: str, resolve: Resolver) -> Query:
    """Parse ``text``; ``resolve(row, "Owner.Email")`` reads a (relationship) field of a stored row."""
    return _Parser(text, resolve).query()
