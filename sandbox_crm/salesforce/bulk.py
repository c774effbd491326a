"""Bulk API 2.0 query jobs in the sandbox: create (``POST /jobs/query``), poll, CSV results paged by
``Sforce-Locator`` and ``maxRecords``. As documented, ORDER BY, LIMIT, OFFSET, COUNT() and parent-to-child
subqueries are refused; the job completes at its first poll. A relationship field is one column headed
``RelationshipName.FieldName`` ("Relationship Fields in a Header Row", Bulk API 2.0 guide); every cell is text.
"""

from __future__ import annotations

import csv
import io
import secrets
from datetime import datetime
from typing import Any

from sandbox_crm.http import Request, Response
from sandbox_crm.salesforce.org import Org
from sandbox_crm.salesforce.query import SoqlQueries
from sandbox_crm.salesforce.schema import SObject
from sandbox_crm.salesforce.soql import Query, labelled
from sandbox_crm.salesforce.wire import error as _error
from sandbox_crm.salesforce.wire import json_value as _json_value
from sandbox_crm.salesforce.wire import sf_datetime


class BulkQueryJobs:
    """``/jobs/query``: the org's query jobs (id -> rows selected at creation, the query, the job info)."""

    def __init__(self, org: Org, soql: SoqlQueries) -> None:
        self.org = org
        self.soql = soql
        self.jobs: dict[str, dict[str, Any]] = {}

    def handle(self, request: Request, version: str, parts: list[str], user: str) -> Response:
        if not parts and request.method == "POST":
            body = request.json() or {}
            q = self.soql.compile(str(body.get("query", "")), user)
            if q.subqueries or q.count or q.order or q.limit is not None or q.offset:
                return _error(400, "API_ERROR", "Bulk API 2.0 doesn't support parent-to-child relationship "
                              "queries, COUNT(), ORDER BY, LIMIT or OFFSET")
            rows = self.soql.rows(q, include_deleted=body.get("operation") == "queryAll")
            job_id = "750" + secrets.token_hex(8)[:15]
            self.jobs[job_id] = {"rows": rows, "query": q, "info": {
                "id": job_id, "operation": body.get("operation", "query"), "object": q.sobject,
                "createdById": user, "createdDate": sf_datetime(self.org.now()), "state": "UploadComplete",
                "concurrencyMode": "Parallel", "contentType": "CSV", "apiVersion": float(version),
                "lineEnding": body.get("lineEnding", "LF"), "columnDelimiter": body.get("columnDelimiter", "COMMA")}}
            return Response(200, self.jobs[job_id]["info"])
        if not parts:
            return _error(405, "METHOD_NOT_ALLOWED", "HTTP Method not allowed")
        job = self.jobs.get(parts[0])
        if job is None:
            return _error(404, "NOT_FOUND", "The requested resource does not exist")
        if len(parts) == 1 and request.method == "GET":
            job["info"].update(state="JobComplete", numberRecordsProcessed=len(job["rows"]), retries=0,
                               totalProcessingTime=1)
            return Response(200, job["info"])
        if len(parts) == 1 and request.method == "DELETE":
            self.jobs.pop(parts[0])
            return Response(204, None)
        if len(parts) == 2 and parts[1] == "results" and request.method == "GET":
            return self._results(request, job)
        return _error(404, "NOT_FOUND", "The requested resource does not exist")

    def _results(self, request: Request, job: dict[str, Any]) -> Response:
        start = int(request.arg("locator") or 0) if (request.arg("locator") or "0").isdigit() else 0
        size = int(request.arg("maxRecords") or 50_000)
        q: Query = job["query"]
        chunk = job["rows"][start: start + size]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
        obj = self.org.schema[q.sobject]
        names = [q.aliases.get(f) or self._header(obj, labelled(f) or f) for f in q.fields]
        writer.writerow(names)
        for row in chunk:
            values = [self.org.resolve(row, f) for f in q.fields]
            writer.writerow(["" if v is None else _csv_value(v) for v in values])
        end = start + len(chunk)
        locator = str(end) if end < len(job["rows"]) else "null"
        return Response(200, out.getvalue(), headers={"Sforce-Locator": locator,
                                                      "Sforce-NumberOfRecords": str(len(chunk))},
                        content_type="text/csv")


    def _header(self, obj: SObject, path: str) -> str:
        """A column's header: the field's API name, or ``Relationship.Field`` for a relationship path."""
        head, _, tail = path.partition(".")
        if not tail:
            return self.org.field(obj, head).name
        ref = next(f for f in obj.fields.values() if f.relationship and f.relationship.lower() == head.lower())
        assert ref.relationship is not None         # found by its relationship name
        return f"{ref.relationship}.{self._header(self.org.schema[ref.reference_to[0]], tail)}"


def _csv_value(value: Any) -> str:
    """Bulk API 2.0 CSV cells: true/false, 2027-05-03T07:30:00.000Z, plain numbers."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return sf_datetime(value).replace("+0000", "Z")
    return str(_json_value(value))
