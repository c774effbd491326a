"""The sandbox's HubSpot CRM search: filter groups, sorts, ``after`` paging and the 10,000-result cap.

Semantics follow HubSpot's search guide: filters in a group are ANDed, groups are ORed (at most 5
groups, 6 filters per group, 18 in all); one sorting rule ("Only one sorting rule can be applied to any
search"; more answers 400); ``limit`` at most 200; paging past 10,000 results answers 400; a body of more than
3,000 characters answers 400 ("If the body of your request exceeds 3,000 characters, a 400 error will be
returned"). Values compare by property type: numbers as numbers, dates and datetimes as epoch milliseconds
(the filter value may be milliseconds or ISO 8601), text case-insensitively.
"""

from __future__ import annotations

import base64
import bisect
import fnmatch
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sandbox_crm.http import Response

MAX_LIMIT = 200
MAX_BODY = 3_000
RESULT_CAP = 10_000
OPERATORS = {"EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY",
             "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"}
MODIFIED = "hs_lastmodifieddate"


class SearchError(ValueError):
    """A search the real API refuses with 400 (the message says why)."""


def iso_to_ms(text: str) -> int | None:
    text = text.strip()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp() * 1000)


def typed(kind: str, value: Any) -> Any:
    """A property value (string) as a comparable: float, epoch ms, or case-folded text."""
    if value is None or value == "":
        return None
    if kind in ("datetime", "date") and isinstance(value, str) and value.isdigit():
        return int(value)
    if kind == "number":
        try:
            return float(str(value).replace(",", ""))
        except ValueError:
            return None
    if kind in ("datetime", "date"):
        return iso_to_ms(str(value))
    return str(value).casefold()


def compile_groups(groups: list[dict[str, Any]], kind_of: Callable[[str], str]) -> Callable[[Any], bool]:
    """A predicate on objects (``obj.value(prop)``) for HubSpot filter groups."""
    if len(groups) > 5:
        raise SearchError("too many filterGroups: at most 5")
    if sum(len(g.get("filters") or []) for g in groups) > 18 or any(len(g.get("filters") or []) > 6 for g in groups):
        raise SearchError("too many filters: at most 6 per group and 18 in all")
    compiled = [[_compile(f, kind_of) for f in g.get("filters") or []] for g in groups]
    if not compiled:
        return lambda obj: True
    return lambda obj: any(all(test(obj) for test in group) for group in compiled)


def _compile(f: dict[str, Any], kind_of: Callable[[str], str]) -> Callable[[Any], bool]:
    prop, op = f.get("propertyName"), f.get("operator", "EQ")
    if not prop:
        raise SearchError("a filter needs propertyName")
    if op not in OPERATORS:
        raise SearchError(f"unknown operator {op!r}")
    kind = kind_of(prop)

    def get(obj: Any) -> Any:
        return typed(kind, obj.value(prop))

    if prop == MODIFIED:        # the hot paths: read the stored numbers directly
        def get(obj: Any) -> Any:
            return obj.modified
    elif prop == "hs_object_id":
        def get(obj: Any) -> Any:
            return float(obj.id)

    if op == "HAS_PROPERTY":
        return lambda obj: get(obj) is not None
    if op == "NOT_HAS_PROPERTY":
        return lambda obj: get(obj) is None
    if op in ("IN", "NOT_IN"):
        values = {typed(kind, v) for v in f.get("values") or []}
        if op == "IN":
            return lambda obj: get(obj) in values
        return lambda obj: get(obj) not in values
    if op in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        pattern = str(f.get("value", "")).casefold()

        def contains(obj: Any) -> bool:
            text = str(obj.value(prop) or "").casefold()
            tokens = re.split(r"[\s,;.@]+", text)
            return any(fnmatch.fnmatchcase(t, pattern) for t in tokens) or fnmatch.fnmatchcase(text, pattern)
        return contains if op == "CONTAINS_TOKEN" else (lambda obj: not contains(obj))
    value = typed(kind, f.get("value"))
    if op == "BETWEEN":
        high = typed(kind, f.get("highValue"))
        return lambda obj: (v := get(obj)) is not None and value <= v <= high
    compare: dict[str, Callable[[Any, Any], bool]] = {
        "EQ": lambda a, b: a == b, "NEQ": lambda a, b: a != b, "LT": lambda a, b: a < b,
        "LTE": lambda a, b: a <= b, "GT": lambda a, b: a > b, "GTE": lambda a, b: a >= b}
    test = compare[op]
    if op == "NEQ":
        return lambda obj: get(obj) != value
    return lambda obj: (v := get(obj)) is not None and value is not None and test(v, value)


def _range(groups: list[dict[str, Any]]) -> tuple[int | None, int | None, bool]:
    """(lowest, highest modified ms a match can have, whether modified is the only filtered property): over every
    group (they are ORed), so a search from a stamp in several groups still starts at that stamp."""
    if not groups:
        return None, None, False
    bounds = [_group_range(g) for g in groups]
    lows, highs = [b[0] for b in bounds], [b[1] for b in bounds]
    low = None if any(v is None for v in lows) else min(v for v in lows if v is not None)
    high = None if any(v is None for v in highs) else max(v for v in highs if v is not None)
    return low, high, len(groups) == 1 and bounds[0][2]


def _group_range(group: dict[str, Any]) -> tuple[int | None, int | None, bool]:
    low = high = None
    only = True
    for f in group.get("filters") or []:
        op = f.get("operator")
        if f.get("propertyName") != MODIFIED or op not in ("GT", "GTE", "EQ", "LT", "LTE"):
            only = False
            continue
        ms = iso_to_ms(str(f.get("value", "")))
        if ms is None:
            only = False
            continue
        lo = ms + 1 if op == "GT" else ms if op in ("GTE", "EQ") else None
        hi = ms - 1 if op == "LT" else ms if op in ("LTE", "EQ") else None
        low = lo if lo is not None and (low is None or lo > low) else low
        high = hi if hi is not None and (high is None or hi < high) else high
    return low, high, only


def run(body: dict[str, Any], rows_by_modified: list[Any], keys: list[tuple[int, int]],
        kind_of: Callable[[str], str], totals: dict[str, int]) -> tuple[list[Any], int, int | None]:
    """(page of objects, total, next ``after`` or None) for a search body over live objects.

    ``rows_by_modified`` is sorted by ``keys`` = (modified ms, numeric id), the common sort; ``totals``
    caches a query's total across its pages (cleared by the caller on every write).
    """
    if len(json.dumps(body)) > MAX_BODY:
        raise SearchError(f"the request body exceeds {MAX_BODY} characters")
    limit = int(body.get("limit") or 10)
    if limit > MAX_LIMIT or limit < 1:
        raise SearchError(f"limit must be between 1 and {MAX_LIMIT}")
    after = int(body.get("after") or 0)
    if after + 1 > RESULT_CAP:
        raise SearchError(f"cannot page beyond {RESULT_CAP} results: narrow the query (e.g. a later "
                          f"{MODIFIED} lower bound)")
    groups = body.get("filterGroups") or []
    match = compile_groups(groups, kind_of)
    sorts = [_sort(s) for s in body.get("sorts") or []]
    if len(sorts) > 1:
        raise SearchError("only one sorting rule can be applied to a search")
    low, high, only_modified = _range(groups)
    lo = bisect.bisect_left(keys, (low, -1)) if low is not None else 0
    hi = bisect.bisect_left(keys, (high + 1, -1)) if high is not None else len(keys)
    by_modified = not sorts or (len(sorts) == 1 and sorts[0] == (MODIFIED, False))
    # Within one timestamp the index order is the id order: an id sort there needs no sorting.
    by_modified = by_modified or (sorts == [("hs_object_id", False)] and low is not None and low == high)
    if by_modified and (only_modified or not groups):
        total = max(hi - lo, 0)
        page = rows_by_modified[lo + after:min(lo + after + limit, hi)]
        return page, total, (after + limit if total > after + limit else None)
    if by_modified:
        page, seen, more = [], 0, False
        for i in range(lo, hi):
            obj = rows_by_modified[i]
            if match(obj):
                if seen >= after + limit:
                    more = True
                    break
                if seen >= after:
                    page.append(obj)
                seen += 1
        signature = json.dumps(groups, sort_keys=True)
        if signature not in totals:
            totals[signature] = sum(1 for i in range(lo, hi) if match(rows_by_modified[i]))
        return page, totals[signature], (after + limit if more else None)
    matched = [rows_by_modified[i] for i in range(lo, hi) if match(rows_by_modified[i])]
    for prop, descending in reversed(sorts):
        kind = kind_of(prop)
        present = [o for o in matched if typed(kind, o.value(prop)) is not None]
        missing = [o for o in matched if typed(kind, o.value(prop)) is None]
        def sort_key(o: Any, k: str = kind, p: str = prop) -> Any:
            return typed(k, o.value(p))

        present.sort(key=sort_key, reverse=descending)
        matched = present + missing
    total = len(matched)
    return matched[after:after + limit], total, (after + limit if total > after + limit else None)


def _sort(sort: Any) -> tuple[str, bool]:
    """Sorts come as ``{"propertyName", "direction"}`` (the guide) or strings (the spec; "-prop" descends)."""
    if isinstance(sort, str):
        return (sort[1:], True) if sort.startswith("-") else (sort, False)
    return sort.get("propertyName", ""), str(sort.get("direction", "ASCENDING")).upper() == "DESCENDING"


class Search:
    """``POST /crm/v3/objects/{type}/search`` over one object type's records (``run`` above).

    ``opaque_cursors``: the ``paging.next.after`` cursor is an opaque token (base64 of the offset), as the API
    reference types it ("the cursor token"), instead of the offset's digits HubSpot sends today; a client must
    hand it back as it came, never read it."""

    def __init__(self, *, opaque_cursors: bool = False) -> None:
        self.opaque_cursors = opaque_cursors

    def handle(self, table: Any, body: dict[str, Any]) -> Response:
        rows, keys = table.by_modified()
        if self.opaque_cursors and body.get("after") is not None:
            try:
                body = {**body, "after": base64.urlsafe_b64decode(str(body["after"]).encode("ascii")).decode("ascii")}
            except ValueError:
                raise SearchError(f"invalid cursor {body['after']!r}") from None
        page, total, after = run(body, rows, keys, table.kind, table.totals)
        props = list(body.get("properties") or []) or ["hs_object_id", "hs_createdate", "hs_lastmodifieddate"]
        out: dict[str, Any] = {"total": total, "results": [o.render(props, known=table.properties,
                                                                    omit_empty=table.omit_empty) for o in page]}
        if after is not None:
            cursor = base64.urlsafe_b64encode(str(after).encode("ascii")).decode("ascii") if self.opaque_cursors \
                else str(after)
            out["paging"] = {"next": {"after": cursor, "link": ""}}
        return Response(200, out)
