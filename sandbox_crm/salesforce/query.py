"""SOQL over REST in the sandbox org: ``GET /query`` and ``/queryAll`` with ``nextRecordsUrl`` paging.

The SOQL subset (``soql.py``) runs over the org's rows: 2,000 records per batch, ``Sforce-Query-Options:
batchSize`` honoured between 200 and 2,000, parent-to-child subqueries, relationship paths (``Owner.Email``),
``COUNT()``; ``query`` hides deleted and archived rows, ``queryAll`` returns them, a subquery's deleted children
included (``_kids``). A parent-to-child subquery
result is paged like a query result ("Subquery results are like regular query results in that you might need to use
queryMore() to retrieve all the records if there are many children", SOQL and SOSL Reference, Understanding Query
Results): a parent's children arrive ``CHILD_BATCH`` (200, the documented minimum batch size) at a time, the first
batch inline with ``done`` false and a ``nextRecordsUrl`` that ``GET /query/{locator}-{offset}`` follows, until the
parent's next page is asked for: "A queryMore() call on a parent object invalidates all child cursors in the previous
result set" (SOAP API Developer Guide, queryMore()), then ``INVALID_QUERY_LOCATOR``.
Field-level security applies: a field the user may not read is unknown to their queries.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from sandbox_crm.http import Request, Response
from sandbox_crm.salesforce.access import FieldSecurity
from sandbox_crm.salesforce.org import Org, Row
from sandbox_crm.salesforce.soql import Query, labelled, parse
from sandbox_crm.salesforce.wire import SaveError, error, json_value

MAX_BATCH, MIN_BATCH = 2000, 200
CHILD_BATCH = 200       # children of one parent per batch: the rest through the child result's nextRecordsUrl
MAX_CURSORS = 64


class SoqlQueries:
    """Compiles SOQL against ``org``'s schema and serves its results page by page (the open query cursors)."""

    def __init__(self, org: Org, security: FieldSecurity) -> None:
        self.org = org
        self.security = security
        self.cursors: OrderedDict[str, tuple[list[Row], Query, int]] = OrderedDict()
        # the child cursors a parent cursor's last page opened: its next page closes them ("A queryMore() call on a
        # parent object invalidates all child cursors in the previous result set", SOAP API, queryMore())
        self._child_cursors: dict[str, list[str]] = {}
        self._children: dict[int, dict[str, dict[str, list[Row]]]] = {}   # per query: rel -> parent -> kids

    def run(self, request: Request, version: str, endpoint: str, parts: list[str], user: str) -> Response:
        """``GET /query?q=`` (a first page) or ``GET /query/{locator}-{offset}`` (the next one)."""
        if len(parts) == 1:
            return self._more(version, endpoint, parts[0])
        return self._query(request, version, endpoint, user)

    def rows(self, q: Query, *, include_deleted: bool) -> list[Row]:
        """The rows ``q`` selects (ordered, limited), deleted and archived ones only with ``include_deleted``."""
        rows: Iterator[Row] = iter(self.org.field_definitions() if q.sobject == "FieldDefinition"
                                   else self.org.store[q.sobject].values())
        if not include_deleted:
            rows = (r for r in rows if not r["IsDeleted"] and not r.get("IsArchived"))
        return q.run(rows, self.org.resolve)

    def compile(self, text: str, user: str | None) -> Query:
        q = parse(text, self.org.resolve)
        obj = self.org.sobject(q.sobject)
        if obj is None:
            raise SaveError("INVALID_TYPE", f"sObject type '{q.sobject}' is not supported.")
        q.sobject = obj.name
        for name in [*q.fields, *q.where_fields, *(k.field for k in q.order)]:
            self.org.accessor(obj.name, name)
        self.security.check_readable(obj.name, [*q.fields, *q.where_fields, *(k.field for k in q.order)], user)
        for sub in q.subqueries:
            rel = next((r for r in obj.children if r.lower() == sub.sobject.lower()), None)
            if rel is None:
                raise SaveError("INVALID_TYPE", f"Didn't understand relationship '{sub.sobject}' in FROM part of "
                                 "query call.")
            sub.sobject = rel
            child = obj.children[rel][0]
            for name in [*sub.fields, *sub.where_fields, *(k.field for k in sub.order)]:
                self.org.accessor(child, name)
        return q

    def _query(self, request: Request, version: str, endpoint: str, user: str) -> Response:
        text = request.arg("q")
        if not text:
            return error(400, "MALFORMED_QUERY", "The query string is empty")
        q = self.compile(text, user)
        selected = self.rows(q, include_deleted=endpoint == "queryAll")
        if q.count:
            return Response(200, {"totalSize": len(selected), "done": True, "records": []})
        self._children.pop(id(q), None)
        return self._page(version, endpoint, self._open(selected, q, self._batch_size(request)), 0)

    def _open(self, selected: list[Row], q: Query, batch: int) -> str:
        """A new query cursor over ``selected`` (the oldest ones closed past ``MAX_CURSORS``); its locator."""
        locator = "01g" + secrets.token_hex(8)[:15]
        self.cursors[locator] = (selected, q, batch)
        while len(self.cursors) > MAX_CURSORS:
            self.cursors.popitem(last=False)
        return locator

    @staticmethod
    def _batch_size(request: Request) -> int:
        options = request.headers.get("sforce-query-options", "")
        for part in options.split(","):
            name, _, value = part.strip().partition("=")
            if name.strip().lower() == "batchsize" and value.strip().isdigit():
                return max(MIN_BATCH, min(MAX_BATCH, int(value)))
        return MAX_BATCH

    def _more(self, version: str, endpoint: str, token: str) -> Response:
        locator, _, offset = token.rpartition("-")
        if locator not in self.cursors or not offset.isdigit():
            return error(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        return self._page(version, endpoint, locator, int(offset))

    def _page(self, version: str, endpoint: str, locator: str, offset: int) -> Response:
        return Response(200, self._result(version, endpoint, locator, offset))

    def _result(self, version: str, endpoint: str, locator: str, offset: int) -> dict[str, Any]:
        """One batch of a cursor as a query result: ``totalSize``, ``done``, ``records`` (and ``nextRecordsUrl``)."""
        selected, q, batch = self.cursors[locator]
        for child in self._child_cursors.pop(locator, ()):
            self.cursors.pop(child, None)
        chunk = selected[offset: offset + batch]
        end = offset + len(chunk)
        body: dict[str, Any] = {"totalSize": len(selected), "done": end >= len(selected),
                                "records": [self._project(version, r, q, endpoint) for r in chunk]}
        opened = [str(v["nextRecordsUrl"]).rsplit("/", 1)[-1].rpartition("-")[0] for record in body["records"]
                  for v in record.values() if isinstance(v, dict) and v.get("nextRecordsUrl")]
        if opened and end < len(selected):      # the last page has no next one: its children stay open
            self._child_cursors[locator] = opened
        if end < len(selected):
            body["nextRecordsUrl"] = f"/services/data/v{version}/{endpoint}/{locator}-{end}"
        else:
            self.cursors.pop(locator, None)
            self._children.pop(id(q), None)
        return body

    def _attributes(self, version: str, sobject: str, record_id: str) -> dict[str, str]:
        return {"type": sobject, "url": f"/services/data/v{version}/sobjects/{sobject}/{record_id}"}

    def _project(self, version: str, row: dict[str, Any], q: Query, endpoint: str = "query") -> dict[str, Any]:
        sobject = row["_type"]
        out: dict[str, Any] = {"attributes": self._attributes(version, sobject, row["Id"])}
        obj = self.org.schema[sobject]
        for path in q.fields:
            f = obj.fields.get(path) if "." not in path else None
            inner = labelled(path)
            if f is not None:
                out[path] = json_value(row.get(path))
            elif inner is not None and (path in q.aliases or "." not in inner):
                # toLabel(Industry): the label under the field's name ("Industry"), or under its alias
                out[q.aliases.get(path) or self.org.field(obj, inner).name] = json_value(self.org.resolve(row, path))
            elif inner is not None:
                self._put(version, out, sobject, row, inner.split("."), label=True)
            else:
                self._put(version, out, sobject, row, path.split("."))
        for sub in q.subqueries:
            kids = sub.run(self._kids(q, sobject, sub.sobject, endpoint == "queryAll").get(row["Id"], []),
                           self.org.resolve)
            if not kids:
                out[sub.sobject] = None
            elif len(kids) <= CHILD_BATCH:
                out[sub.sobject] = {"totalSize": len(kids), "done": True,
                                    "records": [self._project(version, k, sub) for k in kids]}
            else:   # a child result is a query result of its own: CHILD_BATCH children, then its nextRecordsUrl
                out[sub.sobject] = self._result(version, endpoint, self._open(kids, sub, CHILD_BATCH), 0)
        return out

    def _kids(self, q: Query, sobject: str, relationship: str,
              include_deleted: bool) -> dict[str, list[dict[str, Any]]]:
        """Children by parent id, indexed once per query (not scanned once per parent). Under ``queryAll`` the deleted
        children come too: queryAll "has read-only access to the field isDeleted but is otherwise the same as
        query()" (SOAP API, queryAll()) and Apex's ``ALL ROWS`` queries "all records in an organization, including
        deleted records" (Apex Developer Guide, Querying All Records with a SOQL Statement); neither limits it to the
        outer object, so a subquery that wants live children only says ``WHERE IsDeleted = false``."""
        per_query = self._children.setdefault(id(q), {})
        if relationship not in per_query:
            child, fk = self.org.schema[sobject].children[relationship]
            index: dict[str, list[dict[str, Any]]] = {}
            for r in self.org.store[child].values():
                if (include_deleted or not r["IsDeleted"]) and r.get(fk):
                    index.setdefault(r[fk], []).append(r)
            per_query[relationship] = index
        return per_query[relationship]

    def _put(self, version: str, out: dict[str, Any], sobject: str, row: dict[str, Any] | None,
             parts: list[str], *, label: bool = False) -> None:
        obj = self.org.schema[sobject]
        if len(parts) == 1:
            f = obj.lookup(parts[0])
            value = row.get(f.name) if row and f else None
            out[f.name if f else parts[0]] = json_value(f.label_of(value) if label and f else value)
            return
        ref = next(f for f in obj.fields.values() if f.relationship and f.relationship.lower() == parts[0].lower())
        target_id = row.get(ref.name) if row else None
        target_type, target = self.org.find_by_id(target_id)
        assert ref.relationship is not None        # ref was found by its relationship name
        if target is None or target_id is None:
            out.setdefault(ref.relationship, None)
            return
        node = out.get(ref.relationship) or {"attributes": self._attributes(version, target_type, target_id)}
        out[ref.relationship] = node
        self._put(version, node, target_type, target, parts[1:], label=label)
