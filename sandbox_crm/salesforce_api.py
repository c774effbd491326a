"""The Salesforce dialect of the sandbox CRM: the REST subset pac uses, in the documented wire format.

Endpoints (``/services/...``): OAuth 2.0 token (JWT bearer, client credentials, username-password),
``GET /data/`` (versions), ``/limits``, ``/sobjects`` and ``/sobjects/{T}/describe``, ``/query`` and
``/queryAll`` over a SOQL subset (``soql.py``) with ``nextRecordsUrl`` paging (2,000 records per batch,
``Sforce-Query-Options: batchSize`` honoured between 200 and 2,000), parent-to-child subqueries,
sObject Collections ``PATCH /composite/sobjects`` (update by id) and
``PATCH /composite/sobjects/{T}/{ExternalIdField}`` (upsert, 200 records per call, SaveResults in
request order), Tooling API ``POST /tooling/sobjects/CustomObject|CustomField`` (provisioning), and
Bulk API 2.0 query jobs (``/jobs/query``: CSV results paged with ``Sforce-Locator``).
Every data response carries ``Sforce-Limit-Info: api-usage=used/max``; errors are JSON arrays of
``{message, errorCode, fields}``. Faults come from ``server.faults`` (see ``SandboxServer``); with ``echo=True``,
a refused login echoes the request body and a ``lock_row`` the Authorization header (redaction tests).

Test helpers (no HTTP): ``ids`` (demo key -> Salesforce id), ``row``, ``rows``, ``edit``, ``delete``,
``create``, ``set_daily_max``, ``used``.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qs

from sandbox_crm.demo_org import DemoOrg
from sandbox_crm.salesforce_access import SETUP_OBJECTS, AccessMixin
from sandbox_crm.salesforce_bulk import BulkMixin
from sandbox_crm.salesforce_schema import (
    SField,
    SObject,
    custom_object,
    field_from_metadata,
    history_name,
    history_object,
    permission_schema,
    standard_schema,
)
from sandbox_crm.salesforce_seed import SeedMixin
from sandbox_crm.salesforce_wire import SaveError as _SaveError
from sandbox_crm.salesforce_wire import collection_records, sf_id, to18
from sandbox_crm.salesforce_wire import error as _error
from sandbox_crm.salesforce_wire import json_value as _json_value
from sandbox_crm.server import Fault, Request, Response
from sandbox_crm.soql import Query, SoqlError, parse, parse_datetime

VERSIONS = ("58.0", "59.0", "60.0", "61.0", "62.0", "63.0", "64.0")
MAX_BATCH, MIN_BATCH, MAX_COLLECTION = 2000, 200, 200
CLIENTS = {"pac-sandbox-client-id": "pac-sandbox-client-secret"}
CONSUMER_KEYS = ("pac-sandbox-consumer-key", "pac-sandbox-client-id")
INTEGRATION_USER = "pac.integration@durand-process.example"
__all__ = ["INTEGRATION_USER", "SalesforceApi", "sf_id", "to18"]


class SalesforceApi(SeedMixin, BulkMixin, AccessMixin):
    """An in-memory Salesforce org seeded from the demo organisation (``crm == "salesforce"`` records)."""

    name = "salesforce"
    prefixes = ("/services/",)

    def __init__(self, org: DemoOrg | None = None, *, daily_max: int = 100_000, provisioned: bool = True,
                 multi_currency: bool = True, now: Callable[[], datetime] | None = None) -> None:
        self.schema: dict[str, SObject] = standard_schema(multi_currency=multi_currency) | permission_schema()
        self.store: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in self.schema}
        self.restricted_fields: set[tuple[str, str]] = set()    # Tooling-created: field-level security applies
        self.tracked: dict[str, set[str]] = {}                  # object -> fields with Field History Tracking
        self.ext_index: dict[tuple[str, str], dict[str, str]] = {}
        self.ids: dict[str, str] = {}
        self.daily_max, self.used = daily_max, 0
        self.tokens: dict[str, str] = {}         # access token -> user id
        self.cursors: OrderedDict[str, tuple[list[dict[str, Any]], Query, int]] = OrderedDict()
        self._children: dict[int, dict[str, dict[str, list[dict[str, Any]]]]] = {}   # per query: rel -> parent -> kids
        self.jobs: dict[str, dict[str, Any]] = {}
        self.accessors: dict[tuple[str, str], Callable[[dict[str, Any]], Any]] = {}
        self.now = now or (lambda: datetime.now(UTC))
        self._counter = 0
        self._lock = threading.RLock()
        self._prefixes = iter(f"a{i:02d}" for i in range(100))
        self._seed_clock = self.now().replace(microsecond=0) - timedelta(days=400)
        self._seeded = 0
        self._latest_seed = self._seed_clock + timedelta(days=399)
        self.integration_user = self._insert("User", self._user_fields(INTEGRATION_USER, "Intégration PAC"))
        if provisioned:
            from connectors.salesforce.schema import PAC_OBJECTS

            for obj in PAC_OBJECTS:
                if obj.custom:
                    self.create_custom_object(obj.name, obj.metadata())
                for f in obj.fields:
                    self.create_custom_field(f"{obj.name}.{f.name}", f.metadata())
            self.deploy_permission_set(self.integration_user)    # force-app/ deployed and assigned
        if org is not None:
            self._seed(org)

    # -- the org's data, for tests -------------------------------------------------------------
    def row(self, sobject: str, record_id: str) -> dict[str, Any]:
        return self.store[sobject][record_id]

    def rows(self, sobject: str) -> list[dict[str, Any]]:
        return list(self.store[sobject].values())

    def find(self, sobject: str, **equal: Any) -> list[dict[str, Any]]:
        return [r for r in self.store[sobject].values() if all(r.get(k) == v for k, v in equal.items())]

    def enable_history(self, sobject: str, *fields: str) -> None:
        """Field History Tracking switched on in Setup for ``fields`` of ``sobject`` (at most 20 per object): each
        later change of one of them, by the API or in the UI, adds a row to ``<Object>__History`` (``ParentId``,
        ``Field``, ``OldValue``, ``NewValue``, ``CreatedById``, ``CreatedDate``)."""
        with self._lock:
            tracked = self.tracked.setdefault(sobject, set())
            tracked.update(fields)
            if len(tracked) > 20:
                raise ValueError("at most 20 fields per object can be tracked")
            name = history_name(sobject)
            if name not in self.schema:
                self.schema[name] = history_object(name)
                self.store[name] = {}

    def _track(self, sobject: str, row: dict[str, Any], values: dict[str, Any], by: str) -> None:
        """History rows for the tracked fields ``values`` changes on ``row``."""
        for name in self.tracked.get(sobject, ()):
            if name in values and row.get(name) != values[name]:
                self._insert(history_name(sobject), {"ParentId": row["Id"], "Field": name, "OldValue": row.get(name),
                                                     "NewValue": values[name]}, stamp=self._next_stamp(), by=by)

    def edit(self, sobject: str, record_id: str, by: str | None = None, **values: Any) -> None:
        """A change made in the CRM (by a user, or by automation): bumps SystemModstamp."""
        with self._lock:
            row = self.store[sobject][record_id]
            self._track(sobject, row, values, by or self._someone_else())
            row.update(values)
            self._derive(sobject, row)
            self._stamp(row, by or self._someone_else())

    def _someone_else(self) -> str:
        """A CRM user other than the integration user: who makes the changes tests simulate by default."""
        for user_id in self.store.get("User", {}):
            if user_id != self.integration_user:
                return user_id
        return self.integration_user

    def delete(self, sobject: str, record_id: str) -> None:
        """Move a record to the recycle bin: hidden from query, returned by queryAll with IsDeleted."""
        self.edit(sobject, record_id, IsDeleted=True)

    def create(self, sobject: str, **values: Any) -> str:
        with self._lock:
            return self._insert(sobject, values, stamp=self._next_stamp())

    def set_daily_max(self, maximum: int, used: int | None = None) -> None:
        self.daily_max = maximum
        if used is not None:
            self.used = used

    # -- schema changes (Tooling API and pre-provisioning) -------------------------------------
    def create_custom_object(self, name: str, meta: dict[str, Any]) -> str:
        if name in self.schema:
            raise _SaveError("DUPLICATE_DEVELOPER_NAME", f"There is already a CustomObject named {name}")
        multi = self.schema["Opportunity"].lookup("CurrencyIsoCode") is not None
        self.schema[name] = custom_object(name, next(self._prefixes), meta, multi_currency=multi)
        self.store[name] = {}
        return sf_id("01I", len(self.schema))

    def create_custom_field(self, full_name: str, meta: dict[str, Any]) -> str:
        sobject, _, name = full_name.partition(".")
        if sobject not in self.schema:
            raise _SaveError("INVALID_CROSS_REFERENCE_KEY", f"no such object {sobject}", ["FullName"])
        if not name.endswith("__c"):
            raise _SaveError("INVALID_FIELD", f"custom field names end in __c: {name}", ["FullName"])
        if self.schema[sobject].lookup(name) is not None:
            raise _SaveError("DUPLICATE_DEVELOPER_NAME", f"There is already a field named {name} on {sobject}")
        try:
            self.schema[sobject].add(field_from_metadata(name, meta))
        except ValueError as exc:
            raise _SaveError("FIELD_INTEGRITY_EXCEPTION", str(exc), ["Metadata"]) from None
        if meta.get("type") == "Checkbox":
            for row in self.store[sobject].values():
                row.setdefault(name, False)
        if meta.get("type") == "Lookup":
            parent = self.schema.get(str(meta["referenceTo"]))
            if parent is None:
                self.schema[sobject].fields.pop(name)
                raise _SaveError("FIELD_INTEGRITY_EXCEPTION", f"referenceTo: no such object {meta['referenceTo']}",
                                 ["Metadata"])
            parent.children[f"{meta['relationshipName']}__r"] = (sobject, name)
        self.accessors.clear()
        return sf_id("00N", sum(len(o.fields) for o in self.schema.values()))

    # -- seeding -------------------------------------------------------------------------------
    def _next_stamp(self) -> datetime:
        now = self.now()
        return now.replace(microsecond=now.microsecond // 1000 * 1000)

    def _seed_stamp(self) -> datetime:
        self._seeded += 1
        # spread over months, as a real org's history is: an overlap window holds a few records, not thousands
        return min(self._seed_clock + timedelta(seconds=self._seeded * 10), self._latest_seed)

    def _insert(self, sobject: str, values: dict[str, Any], stamp: datetime | None = None,
                by: str | None = None) -> str:
        self._counter += 1
        obj = self.schema[sobject]
        record_id = sf_id(obj.prefix, self._counter)
        stamp = stamp or self._seed_stamp()
        user = by or getattr(self, "integration_user", None) or record_id
        # unset fields are simply absent (read as null): a million rows stay affordable
        row: dict[str, Any] = {f.name: False for f in obj.fields.values() if f.type == "boolean"}
        row.update((k, v) for k, v in values.items() if v is not None)
        row.update({"_type": sobject, "Id": record_id, "IsDeleted": values.get("IsDeleted", False),
                    "CreatedDate": stamp, "CreatedById": user, "LastModifiedDate": stamp,
                    "LastModifiedById": user, "SystemModstamp": stamp})
        if "OwnerId" in obj.fields and row.get("OwnerId") is None:
            row["OwnerId"] = user
        self._derive(sobject, row)
        self.store[sobject][record_id] = row
        self._index(sobject, row)
        return record_id

    def _index(self, sobject: str, row: dict[str, Any]) -> None:
        for f in self.schema[sobject].fields.values():
            if f.external_id and row.get(f.name) is not None:
                self.ext_index.setdefault((sobject, f.name), {})[str(row[f.name]).lower()] = row["Id"]

    def _stamp(self, row: dict[str, Any], by: str) -> None:
        stamp = self._next_stamp()
        row.update(LastModifiedDate=stamp, SystemModstamp=stamp, LastModifiedById=by)

    @staticmethod
    def _derive(sobject: str, row: dict[str, Any]) -> None:
        """Read-only fields Salesforce derives: IsWon/IsClosed, Task.IsClosed, Event.AccountId."""
        if sobject == "Opportunity":
            row["IsWon"] = row.get("StageName") == "Closed Won"
            row["IsClosed"] = row.get("StageName") in ("Closed Won", "Closed Lost")
        elif sobject == "Task":
            row["IsClosed"] = row.get("Status") in ("Completed", "Deferred")
        if sobject in ("Event", "Task"):
            what = row.get("WhatId")
            row["AccountId"] = what if what and what.startswith("001") else None

    # -- HTTP ------------------------------------------------------------------------------------
    def handle(self, request: Request, fault: Fault | None) -> Response:
        with self._lock:
            return self._handle(request, fault)

    def _handle(self, request: Request, fault: Fault | None) -> Response:
        path = request.path.rstrip("/")
        if fault is not None and fault.kind == "server_error":
            status = int(fault.detail.get("status", 503))
            code = "SERVER_UNAVAILABLE" if status == 503 else "UNKNOWN_EXCEPTION"
            return _error(status, code, "An unexpected error occurred. Please try again.")
        if path == "/services/oauth2/token" and request.method == "POST":
            response = self._token(request)
            if fault is not None and fault.detail.get("echo") and response.status != 200:   # echo what was sent
                response.body["error_description"] += f" (request: {request.body.decode(errors='replace')})"
            return response
        if path == "/services/data" and request.method == "GET":
            return Response(200, [{"label": f"v{v}", "url": f"/services/data/v{v}", "version": v} for v in VERSIONS])
        if not path.startswith("/services/data/v"):
            return _error(404, "NOT_FOUND", "The requested resource does not exist")
        if fault is not None and fault.kind == "expire_session":
            self.tokens.clear()
        user = self.tokens.get(request.headers.get("authorization", "").removeprefix("Bearer ").strip())
        if user is None:
            return _error(401, "INVALID_SESSION_ID", "Session expired or invalid")
        if fault is not None and fault.kind == "quota":
            self.used = max(self.used, self.daily_max - int(fault.detail.get("remaining", 5)))
        self.used += 1
        if fault is not None and fault.kind == "rate_limit":
            response = _error(403, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded.")
        elif self.used > self.daily_max:
            response = _error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
        else:
            version, _, rest = path.removeprefix("/services/data/v").partition("/")
            if version not in VERSIONS:
                retired = version.replace(".", "", 1).isdigit() and float(version) < 31.0
                response = (_error(410, "GONE", "The requested resource is no longer available") if retired
                            else _error(404, "NOT_FOUND", f"API version {version} is not supported"))
            else:
                try:
                    response = self._data(request, version, rest, user, fault)
                except _SaveError as exc:
                    response = _error(400, exc.code, exc.message, exc.fields or None)
                except SoqlError as exc:
                    response = _error(400, "MALFORMED_QUERY", str(exc))
        response.headers["Sforce-Limit-Info"] = f"api-usage={min(self.used, self.daily_max)}/{self.daily_max}"
        return response

    def _data(self, request: Request, version: str, rest: str, user: str, fault: Fault | None) -> Response:
        parts = rest.split("/") if rest else []
        method = request.method
        if not parts:
            return Response(200, {k: f"/services/data/v{version}/{k}" for k in
                                  ("limits", "query", "queryAll", "sobjects", "composite", "tooling", "jobs")})
        head = parts[0]
        self.current_user = user
        if head == "limits" and method == "GET":
            return Response(200, {"DailyApiRequests": {"Max": self.daily_max,
                                                       "Remaining": max(self.daily_max - self.used, 0)}})
        if head == "sobjects" and method == "GET":
            return self._describe(version, parts[1:])
        if head in ("query", "queryAll") and method == "GET":
            if len(parts) == 2:
                return self._more(version, head, parts[1])
            return self._query(request, version, head)
        if head == "composite" and len(parts) >= 2 and parts[1] == "sobjects" and method == "PATCH":
            return self._collection(request, parts[2:], user, fault)
        if head == "sobjects" and len(parts) == 2 and method == "POST":
            return self.create_one(request, parts[1], user)
        if head == "composite" and parts[1:] == ["sobjects"] and method == "POST":
            return self.create_many(request, user)
        if head == "tooling" and len(parts) == 3 and parts[1] == "sobjects" and method == "POST":
            return self._tooling_create(request, parts[2])
        if head == "jobs" and len(parts) >= 2 and parts[1] == "query":
            return self._bulk_query(request, version, parts[2:], user)
        return _error(404, "NOT_FOUND", "The requested resource does not exist")

    # -- OAuth -----------------------------------------------------------------------------------
    def _token(self, request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs(request.body.decode(), keep_blank_values=True).items()}
        grant = form.get("grant_type", "")
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("basic "):
            client_id, _, client_secret = base64.b64decode(auth[6:]).decode().partition(":")
        user: str | None = None
        if grant == "client_credentials":
            if CLIENTS.get(client_id or "") != client_secret:
                return Response(400, {"error": "invalid_client", "error_description": "invalid client credentials"})
            user = self.integration_user
        elif grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            user, problem = self._jwt_user(form.get("assertion", ""))
            if user is None:
                return Response(400, {"error": "invalid_grant", "error_description": problem})
        elif grant == "password":
            if CLIENTS.get(client_id or "") != client_secret:
                return Response(400, {"error": "invalid_client_id", "error_description": "client identifier invalid"})
            found = self.find("User", Username=(form.get("username") or "").lower())
            if not found or not form.get("password"):
                return Response(400, {"error": "invalid_grant", "error_description": "authentication failure"})
            user = found[0]["Id"]
        else:
            return Response(400, {"error": "unsupported_grant_type", "error_description": "grant type not supported"})
        token = "00D5g000000PACsb!" + secrets.token_urlsafe(48)
        self.tokens[token] = user
        base = f"https://{request.headers.get('host', '127.0.0.1')}"
        issued = str(int(self.now().timestamp() * 1000))
        body = {"access_token": token, "instance_url": base, "id": f"{base}/id/00D5g000000PACsb/{user}",
                "token_type": "Bearer", "issued_at": issued, "scope": "api",
                "signature": base64.b64encode(secrets.token_bytes(32)).decode()}
        return Response(200, body)

    def _jwt_user(self, assertion: str) -> tuple[str | None, str]:
        """Check the JWT's structure and claims (iss = consumer key, sub = username, aud, exp); not its signature."""
        pieces = assertion.split(".")
        if len(pieces) != 3:
            return None, "invalid assertion"
        try:
            header = json.loads(base64.urlsafe_b64decode(pieces[0] + "=" * (-len(pieces[0]) % 4)))
            claims = json.loads(base64.urlsafe_b64decode(pieces[1] + "=" * (-len(pieces[1]) % 4)))
        except ValueError:
            return None, "invalid assertion"
        if header.get("alg") != "RS256":
            return None, "invalid assertion: alg must be RS256"
        if claims.get("iss") not in CONSUMER_KEYS:
            return None, "invalid_client_id"
        if not str(claims.get("aud", "")).startswith("https://"):
            return None, "invalid audience"
        if int(claims.get("exp", 0)) < self.now().timestamp():
            return None, "expired authorization code"
        found = self.find("User", Username=str(claims.get("sub", "")).lower())
        if not found:
            return None, "user hasn't approved this consumer"
        return found[0]["Id"], ""

    # -- describe --------------------------------------------------------------------------------
    def _describe(self, version: str, parts: list[str]) -> Response:
        if not parts:
            return Response(200, {"encoding": "UTF-8", "maxBatchSize": MAX_COLLECTION, "sobjects": [
                {"name": o.name, "label": o.label, "custom": o.custom, "keyPrefix": o.prefix, "queryable": True,
                 "urls": {"describe": f"/services/data/v{version}/sobjects/{o.name}/describe"}}
                for o in self.schema.values()]})
        obj = self._sobject(parts[0])
        if obj is None:
            return _error(404, "NOT_FOUND", f"The requested resource does not exist: {parts[0]}")
        if len(parts) == 1 or parts[1] != "describe":
            return Response(200, {"objectDescribe": {"name": obj.name, "label": obj.label, "custom": obj.custom}})
        return Response(200, {
            "name": obj.name, "label": obj.label, "custom": obj.custom, "keyPrefix": obj.prefix,
            "queryable": True, "updateable": True, "createable": True,
            "fields": self.described_fields(obj, self.current_user),
            "childRelationships": [{"relationshipName": rel, "childSObject": child, "field": fld}
                                   for rel, (child, fld) in obj.children.items()]})

    def _sobject(self, name: str) -> SObject | None:
        return self.schema.get(name) or next((o for o in self.schema.values() if o.name.lower() == name.lower()),
                                             None)

    # -- query -----------------------------------------------------------------------------------
    def _resolve(self, row: dict[str, Any], path: str) -> Any:
        return _accessor(self, row["_type"], path)(row)

    def _compile(self, text: str) -> Query:
        q = parse(text, self._resolve)
        obj = self._sobject(q.sobject)
        if obj is None:
            raise _SaveError("INVALID_TYPE", f"sObject type '{q.sobject}' is not supported.")
        q.sobject = obj.name
        for name in [*q.fields, *q.where_fields, *(k.field for k in q.order)]:
            _accessor(self, obj.name, name)
        self.check_readable(obj.name, [*q.fields, *q.where_fields, *(k.field for k in q.order)])
        for sub in q.subqueries:
            rel = next((r for r in obj.children if r.lower() == sub.sobject.lower()), None)
            if rel is None:
                raise _SaveError("INVALID_TYPE", f"Didn't understand relationship '{sub.sobject}' in FROM part of "
                                 "query call.")
            sub.sobject = rel
            child = obj.children[rel][0]
            for name in [*sub.fields, *sub.where_fields, *(k.field for k in sub.order)]:
                _accessor(self, child, name)
        return q

    def _query(self, request: Request, version: str, endpoint: str) -> Response:
        text = request.arg("q")
        if not text:
            return _error(400, "MALFORMED_QUERY", "The query string is empty")
        q = self._compile(text)
        include_deleted = endpoint == "queryAll"
        rows: Iterator[dict[str, Any]] = iter(self.store[q.sobject].values())
        if not include_deleted:
            rows = (r for r in rows if not r["IsDeleted"] and not r.get("IsArchived"))
        selected = q.run(rows, self._resolve)
        if q.count:
            return Response(200, {"totalSize": len(selected), "done": True, "records": []})
        batch = self._batch_size(request)
        locator = "01g" + secrets.token_hex(8)[:15]
        self.cursors[locator] = (selected, q, batch)
        self._children.pop(id(q), None)
        while len(self.cursors) > 64:
            self.cursors.popitem(last=False)
        return self._page(version, endpoint, locator, 0)

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
            return _error(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        return self._page(version, endpoint, locator, int(offset))

    def _page(self, version: str, endpoint: str, locator: str, offset: int) -> Response:
        selected, q, batch = self.cursors[locator]
        chunk = selected[offset: offset + batch]
        end = offset + len(chunk)
        body: dict[str, Any] = {"totalSize": len(selected), "done": end >= len(selected),
                                "records": [self._project(version, r, q) for r in chunk]}
        if end < len(selected):
            body["nextRecordsUrl"] = f"/services/data/v{version}/{endpoint}/{locator}-{end}"
        else:
            self.cursors.pop(locator, None)
            self._children.pop(id(q), None)
        return Response(200, body)

    def _attributes(self, version: str, sobject: str, record_id: str) -> dict[str, str]:
        return {"type": sobject, "url": f"/services/data/v{version}/sobjects/{sobject}/{record_id}"}

    def _project(self, version: str, row: dict[str, Any], q: Query) -> dict[str, Any]:
        sobject = row["_type"]
        out: dict[str, Any] = {"attributes": self._attributes(version, sobject, row["Id"])}
        obj = self.schema[sobject]
        for path in q.fields:
            f = obj.fields.get(path) if "." not in path else None
            if f is not None:
                out[path] = _json_value(row.get(path))
            else:
                self._put(version, out, sobject, row, path.split("."))
        for sub in q.subqueries:
            kids = sub.run(self._kids(q, sobject, sub.sobject).get(row["Id"], []), self._resolve)
            out[sub.sobject] = None if not kids else {
                "totalSize": len(kids), "done": True, "records": [self._project(version, k, sub) for k in kids]}
        return out

    def _kids(self, q: Query, sobject: str, relationship: str) -> dict[str, list[dict[str, Any]]]:
        """Children by parent id, indexed once per query (not scanned once per parent)."""
        per_query = self._children.setdefault(id(q), {})
        if relationship not in per_query:
            child, fk = self.schema[sobject].children[relationship]
            index: dict[str, list[dict[str, Any]]] = {}
            for r in self.store[child].values():
                if not r["IsDeleted"] and r.get(fk):
                    index.setdefault(r[fk], []).append(r)
            per_query[relationship] = index
        return per_query[relationship]

    def _put(self, version: str, out: dict[str, Any], sobject: str, row: dict[str, Any] | None,
             parts: list[str]) -> None:
        obj = self.schema[sobject]
        if len(parts) == 1:
            f = obj.lookup(parts[0])
            out[f.name if f else parts[0]] = _json_value(row.get(f.name) if row and f else None)
            return
        ref = next(f for f in obj.fields.values() if f.relationship and f.relationship.lower() == parts[0].lower())
        target_id = row.get(ref.name) if row else None
        target_type, target = self._find_by_id(target_id)
        if target is None:
            out.setdefault(ref.relationship, None)
            return
        node = out.get(ref.relationship) or {"attributes": self._attributes(version, target_type, target_id)}
        out[ref.relationship] = node
        self._put(version, node, target_type, target, parts[1:])

    def _find_by_id(self, record_id: str | None) -> tuple[str, dict[str, Any] | None]:
        if not record_id:
            return "", None
        record_id = to18(record_id)
        for obj in self.schema.values():
            if obj.prefix == record_id[:3] and record_id in self.store[obj.name]:
                return obj.name, self.store[obj.name][record_id]
        return "", None

    # -- sObject Collections ---------------------------------------------------------------------
    def _collection(self, request: Request, parts: list[str], user: str, fault: Fault | None) -> Response:
        parsed = collection_records(request, MAX_COLLECTION)
        if isinstance(parsed, Response):
            return parsed
        records, all_or_none = parsed
        upsert = None
        if parts:
            if len(parts) != 2 or self._sobject(parts[0]) is None:
                return _error(404, "NOT_FOUND", "The requested resource does not exist")
            obj = self._sobject(parts[0])
            ext = obj.lookup(parts[1])  # type: ignore[union-attr]
            if ext is None or not (ext.external_id or ext.name == "Id"):
                return _error(400, "INVALID_FIELD", f"{parts[1]} is not an External ID field on {parts[0]}")
            upsert = (obj.name, ext.name)  # type: ignore[union-attr]
        locked = -1
        if fault is not None and fault.kind == "lock_row":     # detail: key= (external id or id) or index=
            key = fault.detail.get("key")
            locked = int(fault.detail.get("index", 0)) if key is None else next(
                (i for i, r in enumerate(records) if isinstance(r, dict) and key in (
                    r.get(upsert[1]) if upsert else None, r.get("id"), r.get("Id"))), -1)
        results = []
        for i, record in enumerate(records):
            try:
                if i == locked:
                    raise _SaveError("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record or 1 "
                                     "records" + (f" (request Authorization: {request.headers.get('authorization')})"
                                                  if fault is not None and fault.detail.get("echo") else ""))
                results.append(self._save(record, upsert, user))
            except _SaveError as exc:
                results.append({"success": False, "errors": [{"statusCode": exc.code, "message": exc.message,
                                                               "fields": exc.fields}]})
        if all_or_none and not all(r["success"] for r in results):
            results = [r if not r["success"] else {"id": r["id"], "success": False, "errors": [
                {"statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK", "message": "Record rolled back because not "
                 "all records were valid and the request was using AllOrNone header", "fields": []}]}
                for r in results]
        return Response(200, results)

    def _save(self, record: Any, upsert: tuple[str, str] | None, user: str) -> dict[str, Any]:
        if not isinstance(record, dict) or not isinstance(record.get("attributes"), dict):
            raise _SaveError("INVALID_FIELD", "each record needs attributes.type", ["attributes"])
        obj = self._sobject(str(record["attributes"].get("type", "")))
        if obj is None:
            raise _SaveError("INVALID_TYPE", f"sObject type '{record['attributes'].get('type')}' is not supported.")
        values = self._references({k: v for k, v in record.items() if k not in ("attributes", "id", "Id")}, obj)
        self.check_writable(obj, list(values), user)
        existing: dict[str, Any] | None = None
        if upsert is None:
            record_id = to18(str(record.get("id") or record.get("Id") or ""))
            if not record_id:
                raise _SaveError("MISSING_ARGUMENT", "Id not specified in an update call", ["Id"])
            existing = self.store[obj.name].get(record_id)
            if existing is None or existing["IsDeleted"]:
                raise _SaveError("ENTITY_IS_DELETED" if existing else "INVALID_CROSS_REFERENCE_KEY",
                                 f"invalid cross reference id {record_id}", ["Id"])
        else:
            if obj.name != upsert[0]:
                raise _SaveError("INVALID_TYPE", f"records must be of type {upsert[0]}")
            key = values.get(upsert[1])
            if key in (None, ""):
                raise _SaveError("MISSING_ARGUMENT", f"{upsert[1]} not specified", [upsert[1]])
            found = self.ext_index.get(upsert, {}).get(str(key).lower())
            existing = self.store[obj.name].get(found) if found else None
        coerced = {name: self._coerce(obj, name, value, creating=existing is None) for name, value in values.items()}
        if existing is None:
            record_id = self._insert(obj.name, {self._field(obj, k).name: v for k, v in coerced.items()},
                                     stamp=self._next_stamp(), by=user)
            return {"id": record_id, "success": True, "errors": [], "created": True}
        if obj.name in SETUP_OBJECTS:
            self.validate_setup_update(obj.name, existing, {self._field(obj, k).name: v for k, v in coerced.items()})
        self._track(obj.name, existing, {self._field(obj, k).name: v for k, v in coerced.items()}, user)
        for name, value in coerced.items():
            existing[self._field(obj, name).name] = value
        self._derive(obj.name, existing)
        self._index(obj.name, existing)
        self._stamp(existing, user)
        result = {"id": existing["Id"], "success": True, "errors": []}
        if upsert is not None:
            result["created"] = False
        return result

    def _references(self, values: dict[str, Any], obj: SObject) -> dict[str, Any]:
        """Relationship references by external id (REST API Developer Guide, upsert "associating with an
        external ID"): ``"PAC_Axis__r": {"PAC_Key__c": "..."}`` (``attributes.type`` optional for a lookup to one
        object) becomes the parent's id in ``PAC_Axis__c``; an unknown key fails the record."""
        out: dict[str, Any] = {}
        for name, value in values.items():
            if not isinstance(value, dict):
                out[name] = value
                continue
            ref = next((f for f in obj.fields.values() if f.relationship and f.relationship.lower() == name.lower()
                        and f.type == "reference"), None)
            if ref is None:
                raise _SaveError("INVALID_FIELD", f"No such column '{name}' on sobject of type {obj.name}", [name])
            kind = (value.get("attributes") or {}).get("type") or (ref.reference_to[0] if ref.reference_to else "")
            parent = self._sobject(str(kind))
            if parent is None or parent.name not in ref.reference_to:
                raise _SaveError("INVALID_TYPE", f"{kind} is not a valid type for {ref.name}", [ref.name])
            keys = [(k, v) for k, v in value.items() if k != "attributes"]
            if len(keys) != 1:
                raise _SaveError("INVALID_FIELD", f"a relationship reference names exactly one external id field: "
                                 f"{name}", [name])
            key, ext_value = keys[0]
            ext = parent.lookup(key)
            if ext is None or not (ext.external_id or ext.name == "Id"):
                raise _SaveError("INVALID_FIELD", f"Field {key} is not an External ID or indexed field for "
                                 f"{parent.name}", [name])
            found = self.ext_index.get((parent.name, ext.name), {}).get(str(ext_value).lower())
            if ext.name == "Id":
                found = to18(str(ext_value)) if to18(str(ext_value)) in self.store[parent.name] else None
            if found is None or self.store[parent.name][found].get("IsDeleted"):
                raise _SaveError("INVALID_FIELD", f"Foreign key external ID: {ext_value} not found for field "
                                 f"{ext.name} in entity {parent.name}", [])
            out[ref.name] = found
        return out

    @staticmethod
    def _field(obj: SObject, name: str) -> SField:
        f = obj.lookup(name)
        if f is None:
            raise _SaveError("INVALID_FIELD", f"No such column '{name}' on sobject of type {obj.name}", [name])
        return f

    def _coerce(self, obj: SObject, name: str, value: Any, *, creating: bool) -> Any:
        f = self._field(obj, name)
        if not (f.createable if creating else f.updateable):
            raise _SaveError("INVALID_FIELD_FOR_INSERT_UPDATE", f"Unable to create/update fields: {f.name}. Please "
                             "check the security settings of this field and verify that it is read/write for your "
                             "profile or permission set.", [f.name])
        if value is None:
            if not f.nillable:
                raise _SaveError("REQUIRED_FIELD_MISSING", f"Required fields are missing: [{f.name}]", [f.name])
            return None
        bad = _SaveError("INVALID_TYPE_ON_FIELD_IN_RECORD", f"{f.label or f.name}: value not of required type: "
                         f"{value}", [f.name])
        if f.type in ("string", "textarea", "email", "combobox", "picklist", "url", "phone"):
            if not isinstance(value, str):
                raise bad
            if f.length and len(value) > f.length:
                raise _SaveError("STRING_TOO_LONG", f"{f.label or f.name}: data value too large: {value[:40]}... "
                                 f"(max length={f.length})", [f.name])
            if f.type == "picklist" and f.restricted and value not in f.picklist:
                raise _SaveError("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                                 f"{f.label or f.name}: bad value for restricted picklist field: {value}", [f.name])
            return value
        if f.type == "boolean":
            if not isinstance(value, bool):
                raise bad
            return value
        if f.type in ("double", "currency", "percent", "int"):
            if isinstance(value, bool):
                raise bad
            try:
                return Decimal(str(value))
            except InvalidOperation:
                raise bad from None
        if f.type == "date":
            try:
                return date.fromisoformat(str(value))
            except ValueError:
                raise bad from None
        if f.type == "datetime":
            try:
                return parse_datetime(str(value))
            except SoqlError:
                raise bad from None
        if f.type == "reference":
            kind, target = self._find_by_id(str(value))
            if target is None or (f.reference_to and kind not in f.reference_to):
                raise _SaveError("INVALID_CROSS_REFERENCE_KEY", f"invalid cross reference id: {value}", [f.name])
            if kind == "User" and not target.get("IsActive"):
                raise _SaveError("INACTIVE_OWNER_OR_USER", "operation performed with inactive user", [f.name])
            return str(value)
        return value

    # -- Tooling API -------------------------------------------------------------------------------
    def _tooling_create(self, request: Request, kind: str) -> Response:
        body = request.json() or {}
        full_name, meta = body.get("FullName"), body.get("Metadata")
        if not isinstance(full_name, str) or not isinstance(meta, dict):
            return _error(400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [FullName, Metadata]",
                          ["FullName", "Metadata"])
        if kind == "CustomObject":
            if not full_name.endswith("__c"):
                return _error(400, "INVALID_FIELD", "custom object names end in __c", ["FullName"])
            new_id = self.create_custom_object(full_name, meta)
        elif kind == "CustomField":
            new_id = self.create_custom_field(full_name, meta)
            sobject, _, name = full_name.partition(".")
            self.restricted_fields.add((self.schema[sobject].name, name.lower()))   # granted to nobody yet
        else:
            return _error(404, "NOT_FOUND", f"The requested resource does not exist: tooling {kind}")
        return Response(201, {"id": new_id, "success": True, "errors": [], "warnings": [], "infos": []})

def _accessor(api: SalesforceApi, sobject: str, path: str) -> Callable[[dict[str, Any]], Any]:
    """A function reading ``path`` ("Name", "Owner.Email", "What.Name") from a stored row of ``sobject``
    (cached per org, cleared when the schema changes)."""
    cached = api.accessors.get((sobject, path))
    if cached is None:
        cached = api.accessors[(sobject, path)] = _build_accessor(api, sobject, path)
    return cached


def _build_accessor(api: SalesforceApi, sobject: str, path: str) -> Callable[[dict[str, Any]], Any]:
    obj = api.schema[sobject]
    head, _, tail = path.partition(".")
    if not tail:
        f = obj.lookup(head)
        if f is None:
            raise _SaveError("INVALID_FIELD", f"No such column '{head}' on entity '{sobject}'. If you are attempting "
                             "to use a custom field, be sure to append the '__c' after the custom field name.")
        name = f.name
        return lambda row: row.get(name)
    ref = next((f for f in obj.fields.values() if f.relationship and f.relationship.lower() == head.lower()), None)
    if ref is None:
        raise _SaveError("INVALID_FIELD", f"Didn't understand relationship '{head}' in field path. If you are "
                         "attempting to use a custom relationship, be sure to append the '__r'.")
    targets = ref.reference_to
    inner = {t: _accessor(api, t, tail) for t in targets if t in api.schema}
    if not inner:
        raise _SaveError("INVALID_FIELD", f"No such relation '{head}' on entity '{sobject}'")
    fk = ref.name

    def read(row: dict[str, Any]) -> Any:
        target_id = row.get(fk)
        if not target_id:
            return None
        for t, get in inner.items():
            target = api.store[t].get(target_id)
            if target is not None:
                return get(target)
        return None

    return read
