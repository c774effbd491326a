"""A small HubSpot portal emulator written from HubSpot's public documentation only, not from sandbox_crm.

It answers, over HTTPS on loopback, the CRM v3 / v4 endpoints the connector calls, the way HubSpot's developer
documentation describes them (CRM search guide, objects list / batch read, owners v3, pipelines v3, properties v3,
associations v4 batch read, rate-limit headers):

- every property value is a string (numbers and instants too); a requested property the record has no value for
  comes back as ``null``; datetimes are ISO 8601 UTC with milliseconds (``2027-05-03T07:30:00.000Z``);
- search: ``filterGroups`` (OR of ANDs), ``sorts`` (object form), ``limit`` at most 200, an opaque ``after``;
  archived records are never in search results; past 10,000 results the request is refused (400). The page size
  this portal serves may be smaller than ``limit`` (``page_cap``): a client must follow ``paging.next.after`` and
  never infer the end from a short page;
- list ``GET /crm/v3/objects/{type}?archived=true``: only archived records, each with ``archived: true`` and
  ``archivedAt``; batch read never returns archived records (they are reported as not found, 207 multi-status);
- owners ``GET /crm/v3/owners``: ``id`` (what ``hubspot_owner_id`` holds) differs from ``userId``; archived owners
  are listed only with ``archived=true``;
- pipelines: stage ``metadata`` values are strings (``"isClosed": "true"``, ``"probability": "1.0"``);
- associations v4 batch read: ``{"status", "results": [{"from": {"id"}, "to": [{"toObjectId": <int>,
  "associationTypes": [...]}]}]}``; an input with no association is reported under ``errors`` with HTTP 207
  (``NO_ASSOCIATIONS_FOUND``), not as an empty ``to``;
- every answer carries the ``X-HubSpot-RateLimit-*`` headers; ``rate_limit_once`` answers one 429 with the documented
  body (``errorType: RATE_LIMIT``) to the first search;
- writes (batch create / update / upsert, properties, groups, schemas, associations) are stored and recorded.
"""

from __future__ import annotations

import base64
import json
import ssl
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import trustme

DATETIME_PROPS = {"hs_timestamp", "hs_lastmodifieddate", "createdate", "hs_createdate", "closedate",
                  "hs_meeting_start_time", "hs_meeting_end_time", "hs_task_completion_date", "lastmodifieddate"}
NUMBER_PROPS = {"amount", "annualrevenue", "hs_object_id", "amount_in_home_currency", "hs_call_duration"}
# association type ids HubSpot defines (associations v4 guide, "Association type id values")
# (the unlabelled type of each pair; contacts -> companies 279, engagements and deals -> contacts and engagements ->
# deals as the guide's table lists them: meeting -> contact 200, call -> contact 194, task -> contact 204, e-mail ->
# contact 198, note -> contact 202, deal -> contact 3; meeting -> deal 212, call -> deal 206, task -> deal 216, e-mail
# -> deal 210)
ASSOCIATION_TYPES = {("meetings", "companies"): 188, ("calls", "companies"): 182, ("tasks", "companies"): 192,
                     ("emails", "companies"): 186, ("notes", "companies"): 190, ("deals", "companies"): 341,
                     ("line_items", "deals"): 20, ("contacts", "companies"): 279, ("meetings", "contacts"): 200,
                     ("calls", "contacts"): 194, ("tasks", "contacts"): 204, ("emails", "contacts"): 198,
                     ("notes", "contacts"): 202, ("deals", "contacts"): 3, ("meetings", "deals"): 212,
                     ("calls", "deals"): 206, ("tasks", "deals"): 216, ("emails", "deals"): 210}
PRIMARY_DEAL_COMPANY = 5
# HubSpot's "Primary" company types (the guide's table): deal -> company 5, contact -> company 1, ticket -> company 26;
# none for calls, meetings, tasks, notes or e-mails (their company associations are unlabelled only)
PRIMARY_CONTACT_COMPANY = 1
PRIMARY_TYPES = frozenset({PRIMARY_DEAL_COMPANY, PRIMARY_CONTACT_COMPANY, 26})
INVERSE = {188: 187, 182: 181, 192: 191, 186: 185, 190: 189, 341: 342, 5: 6, 20: 19, 13: 14, 14: 13, 1: 2, 279: 280,
           200: 199, 194: 193, 204: 203, 198: 197, 202: 201, 3: 4, 212: 211, 206: 205, 216: 215, 210: 209}
SINGULAR = {"companies": "company", "deals": "deal", "meetings": "meeting", "calls": "call", "tasks": "task",
            "emails": "email", "notes": "note", "contacts": "contact", "line_items": "line item"}


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _instant(value: Any) -> float | None:
    """A datetime property or filter value (epoch milliseconds or ISO 8601) as epoch milliseconds."""
    if value is None or value == "":
        return None
    text = str(value)
    if text.lstrip("-").isdigit():
        return float(text)
    if len(text) == 10:
        text += "T00:00:00Z"
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def _offset(token: str | None) -> int:
    if not token:
        return 0
    padded = token + "=" * (-len(token) % 4)
    return int(base64.urlsafe_b64decode(padded.encode()).decode().split(":")[1])


@dataclass
class Record:
    id: str
    properties: dict[str, str]
    created: datetime
    updated: datetime
    archived_at: datetime | None = None
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)   # propertiesWithHistory, newest first

    def set(self, props: dict[str, str], at: datetime, *, user_id: int | None = None) -> None:
        """Set values as HubSpot does, recording each change: an app's write has no user (``sourceType``
        INTEGRATION), a person's in the app names the user (CRM_UI, ``sourceId`` ``userId:N``, ``updatedByUserId``)."""
        for name, value in props.items():
            if name not in self.history:        # the value it held since its creation, then this change
                self.history[name] = self.history_of(name)
            entry: dict[str, Any] = {"value": value, "timestamp": iso(at)}
            if user_id is None:
                entry.update(sourceType="INTEGRATION", sourceId="4242")
            else:
                entry.update(sourceType="CRM_UI", sourceId=f"userId:{user_id}", updatedByUserId=user_id)
            self.history.setdefault(name, []).insert(0, entry)
            self.properties[name] = value
        self.properties["hs_lastmodifieddate"] = iso(at)
        self.updated = at

    def history_of(self, name: str) -> list[dict[str, Any]]:
        """``propertiesWithHistory`` of one property, newest first: its recorded changes, or a value set at the
        record's creation with no change since as one entry at ``created`` (HubSpot keeps the first value too)."""
        if name in self.history:
            return self.history[name]
        value = self.properties.get(name)
        return [] if value in (None, "") else [{"value": value, "timestamp": iso(self.created),
                                                "sourceType": "IMPORT", "sourceId": ""}]


@dataclass
class Portal:
    """The portal's data; ``now`` stamps writes."""

    now: datetime = field(default_factory=lambda: datetime(2027, 6, 30, 16, 0, tzinfo=UTC))
    objects: dict[str, dict[str, Record]] = field(default_factory=dict)
    associations: dict[tuple[str, str], dict[str, list[tuple[str, list[int]]]]] = field(default_factory=dict)
    owners: list[dict[str, Any]] = field(default_factory=list)
    pipelines: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    properties: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    groups: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    schemas: dict[str, dict[str, Any]] = field(default_factory=dict)
    # a portal's own association labels (associations v4: category USER_DEFINED, its label), by typeId
    user_labels: dict[int, str] = field(default_factory=dict)
    # (object type, id merged away) -> the id of the record it was merged into (``merge``)
    merged_into: dict[tuple[str, str], str] = field(default_factory=dict)
    _next_id: int = 5000

    def new_id(self) -> str:
        self._next_id += 1
        return str(self._next_id)

    def add(self, object_type: str, rid: str, props: dict[str, Any], *, modified: datetime,
            archived: datetime | None = None, companies: tuple[str, ...] = (), primary: str | None = None) -> str:
        values = {k: (iso(v) if isinstance(v, datetime) else str(v)) for k, v in props.items() if v is not None}
        values["hs_object_id"] = rid
        values.setdefault("hs_createdate", iso(modified))
        values["hs_lastmodifieddate"] = iso(modified)
        if object_type == "deals":
            values.setdefault("createdate", iso(modified))
        self.objects.setdefault(object_type, {})[rid] = Record(rid, values, modified, modified, archived)
        for company in companies:
            types = [ASSOCIATION_TYPES[(object_type, "companies")]]
            if company == primary:      # a deal's (5) or a contact's (1) primary company; engagements have none
                types.insert(0, PRIMARY_CONTACT_COMPANY if object_type == "contacts" else PRIMARY_DEAL_COMPANY)
            self.link(object_type, rid, "companies", company, types)
        return rid

    def associate(self, from_type: str, from_id: str, to_type: str, *to_ids: str) -> None:
        """Unlabelled associations of the pair's HubSpot-defined type (a meeting with contacts, a deal with its
        contacts, a task with its deal), both ways."""
        for to_id in to_ids:
            self.link(from_type, from_id, to_type, to_id, [ASSOCIATION_TYPES[(from_type, to_type)]])

    def link(self, from_type: str, from_id: str, to_type: str, to_id: str, types: list[int]) -> None:
        """Associations are two-way (associations v4 guide): the inverse pair is made too."""
        for (a, a_id, b, b_id, kinds) in ((from_type, from_id, to_type, to_id, types),
                                          (to_type, to_id, from_type, from_id, [INVERSE.get(t, t) for t in types])):
            rows = self.associations.setdefault((a, b), {}).setdefault(a_id, [])
            if all(other != b_id for other, _ in rows):
                rows.append((b_id, kinds))

    def merge(self, object_type: str, primary: str, other: str, new_id: str, at: datetime, *,
              lists_earlier: bool = False) -> str:
        """Merge two records as HubSpot does (POST /crm/v3/objects/{type}/merge, ``primaryObjectId`` and
        ``objectIdToMerge``; changelog "Updated merge functionality for contacts and companies"): a **new** record,
        with the primary's property values, created and stamped at ``at``, whose ``hs_merged_object_ids`` lists both
        ids; both leave search and batch read without being archived (a read by either id answers the new record);
        every association of either record moves to the new one, the associated records' stamps unchanged. The new
        record's property history holds both records' values ("Property values from both objects will still be
        merged onto the new object"; knowledge base, *Merge records*: "the history of property values from both
        records will be in the property history of the resulting, final record"), newest first.
        A property the primary leaves empty takes the other record's value ("secondary fills empty fields only", a
        merge vendor's reading of HubSpot's rules); the creation date properties stay the primary's (a merge vendor:
        the new record "will reference the oldest record for fields such as created date"), only the record's
        ``createdAt`` is the merge's.
        A record merged again (audit hshand12): the ids merged into it earlier point to the new record too ("both of
        the previous IDs will point to the resulting merged record, so fetching any records using the original IDs
        will return the new merged record with the new ID"); whether the new record's ``hs_merged_object_ids`` lists
        those earlier ids HubSpot does not document (the knowledge base, *Merge records*: "you can use the Merged
        [record] IDs property to view previously merged records"): ``lists_earlier`` lists them before the two."""
        table = self.objects[object_type]
        old = [table.pop(primary), table.pop(other)]
        earlier = [i for r in old for i in (r.properties.get("hs_merged_object_ids") or "").split(";") if i]
        values = {k: v for k, v in old[1].properties.items() if v not in (None, "")}
        values.update({k: v for k, v in old[0].properties.items() if v not in (None, "")})
        listed = [*(earlier if lists_earlier else []), primary, other]
        values.update(hs_object_id=new_id, hs_merged_object_ids=";".join(listed), hs_lastmodifieddate=iso(at))
        merged = Record(new_id, values, at, at)
        for name in {n for r in old for n in r.properties} - {"hs_object_id", "hs_lastmodifieddate"}:
            entries = [e for r in old for e in r.history_of(name)]
            if entries:
                merged.history[name] = sorted(entries, key=lambda e: e["timestamp"], reverse=True)
        table[new_id] = merged
        for key, into in list(self.merged_into.items()):
            if key[0] == object_type and into in (primary, other):
                self.merged_into[key] = new_id
        for gone in (primary, other):
            self.merged_into[(object_type, gone)] = new_id
            for (a, b), rows in list(self.associations.items()):
                if a != object_type:
                    continue
                for to_id, kinds in list(rows.pop(gone, [])):
                    self.unlink(a, gone, b, to_id)
                    self.link(a, new_id, b, to_id, kinds)
        return new_id

    def unlink(self, from_type: str, from_id: str, to_type: str, to_id: str) -> None:
        for (a, a_id, b, b_id) in ((from_type, from_id, to_type, to_id), (to_type, to_id, from_type, from_id)):
            rows = self.associations.get((a, b), {}).get(a_id, [])
            rows[:] = [r for r in rows if r[0] != b_id]

    def add_owner(self, oid: str, user_id: int, email: str, first: str, last: str, *, archived: bool = False) -> None:
        self.owners.append({"id": oid, "email": email, "type": "PERSON", "firstName": first, "lastName": last,
                            "userId": user_id, "userIdIncludingInactive": user_id,
                            "createdAt": "2025-01-10T09:00:00.000Z", "updatedAt": "2026-11-02T10:00:00.000Z",
                            "archived": archived, "teams": []})

    def define(self, object_type: str, name: str, kind: str, field_type: str,
               options: list[tuple[str, str]] | None = None) -> None:
        self.properties.setdefault(object_type, {})[name] = {
            "name": name, "label": name, "type": kind, "fieldType": field_type, "groupName": "information",
            "description": "", "hidden": False, "displayOrder": -1, "calculated": False, "externalOptions": False,
            "hasUniqueValue": False, "formField": False, "archived": False,
            "createdAt": "2020-01-01T00:00:00.000Z", "updatedAt": "2020-01-01T00:00:00.000Z",
            "modificationMetadata": {"archivable": True, "readOnlyDefinition": True, "readOnlyValue": False},
            "options": [{"label": label, "value": value, "displayOrder": i, "hidden": False}
                        for i, (value, label) in enumerate(options or [])]}


class Emulator:
    """``with Emulator(portal) as hs``: ``hs.host``, ``hs.ca_path``, ``hs.requests`` (method, path, query, body)."""

    def __init__(self, portal: Portal, *, page_cap: int = 200, rate_limit_once: bool = False,
                 enterprise: bool = True, omit_unset: bool = False, millis: bool = True,
                 archive_on_update: tuple[str, str] | None = None, association_page: int = 500) -> None:
        self.portal = portal
        self.unique_only_on: set[str] = set()      # object types that take unique-value properties (empty: any)
        self.association_page = association_page   # associations of one input per page (paging.next.after)
        self.daily = (625_000, 624_000)             # the X-HubSpot-RateLimit-Daily(-Remaining) headers
        self.omit_unset = omit_unset            # unset requested properties left out instead of null
        self.millis = millis                    # instants as 2027-05-03T07:30:00.000Z, else 2027-05-03T07:30:00Z
        self.archive_on_update = archive_on_update   # (type, id) archived just before the first batch update
        self.page_cap = page_cap
        self.rate_limit_once = rate_limit_once
        self.enterprise = enterprise
        self.requests: list[tuple[str, str, dict[str, list[str]], Any]] = []
        self.association_types: dict[tuple[str, str], int] = {}
        self.refused: list[tuple[str, str, int, Any]] = []
        self._lock = threading.Lock()
        self._tmp = tempfile.TemporaryDirectory(prefix="pac-hsdocs-")
        self.ca_path = str(Path(self._tmp.name) / "ca.pem")

    # -- server ---------------------------------------------------------------------------------------------------
    def __enter__(self) -> Emulator:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self, method: str) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                form = "x-www-form-urlencoded" in (self.headers.get("content-type") or "")
                body = parse_qs(raw.decode()) if form else json.loads(raw) if raw else None
                with outer._lock:
                    outer.requests.append((method, parts.path, query, body))
                    if parts.path == "/oauth/v1/token":
                        status, data, extra = outer.token(method, form, body)
                    elif self.headers.get("authorization") != "Bearer docs-token":
                        status, data, extra = 401, {"status": "error", "message": "Authentication credentials not "
                                                    "found.", "category": "INVALID_AUTHENTICATION"}, {}
                    else:
                        try:
                            status, data, extra = outer.route(method, parts.path.rstrip("/"), query, body)
                        except (KeyError, ValueError, TypeError) as exc:
                            status, data, extra = 400, {"status": "error", "message": f"bad request: {exc!r}",
                                                        "category": "VALIDATION_ERROR"}, {}
                    if status >= 400:
                        outer.refused.append((method, parts.path, status, data))
                payload = b"" if data is None else json.dumps(data).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json;charset=utf-8")
                self.send_header("content-length", str(len(payload)))
                limits = {} if "/search" in parts.path else {   # search answers carry none (usage guidelines)
                    "X-HubSpot-RateLimit-Daily": str(outer.daily[0]),
                    "X-HubSpot-RateLimit-Daily-Remaining": str(outer.daily[1]),
                    "X-HubSpot-RateLimit-Interval-Milliseconds": "10000", "X-HubSpot-RateLimit-Max": "190",
                    "X-HubSpot-RateLimit-Remaining": "180"}
                for name, value in {**limits, **extra}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def do_PATCH(self) -> None:
                self._serve("PATCH")

            def do_PUT(self) -> None:
                self._serve("PUT")

            def do_DELETE(self) -> None:
                self._serve("DELETE")

            def log_message(self, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        ca = trustme.CA(organization_name="pac hubspot docs emulator")
        ca.cert_pem.write_to_path(self.ca_path)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        self.host = f"https://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._tmp.cleanup()

    def env(self, prefix: str = "PAC_HS_") -> dict[str, str]:
        return {f"{prefix}HOST": self.host, f"{prefix}ACCESS_TOKEN": "docs-token", f"{prefix}CA_BUNDLE": self.ca_path,
                f"{prefix}SEARCH_PER_SECOND": "1000"}

    def token(self, method: str, form: bool, body: Any) -> tuple[int, Any, dict[str, str]]:
        """OAuth refresh (oauth guide: a form-encoded POST of grant_type, client_id, client_secret, refresh_token)."""
        wanted = {"grant_type": ["refresh_token"], "client_id": ["docs-client"], "client_secret": ["docs-secret"],
                  "refresh_token": ["docs-refresh"]}
        if method != "POST" or not form or any(body.get(k) != v for k, v in wanted.items()):
            return 400, {"status": "BAD_REFRESH_TOKEN", "message": "missing or unknown refresh token"}, {}
        return 200, {"token_type": "bearer", "refresh_token": "docs-refresh", "access_token": "docs-token",
                     "expires_in": 1800}, {}

    # -- routing --------------------------------------------------------------------------------------------------
    def route(self, method: str, path: str, query: dict[str, list[str]], body: Any
              ) -> tuple[int, Any, dict[str, str]]:
        seg = path.strip("/").split("/")
        if seg[:3] == ["crm", "v3", "owners"]:
            return self.owners(query)
        if seg[:3] == ["crm", "v3", "pipelines"] and method == "GET":
            results = self.portal.pipelines.get(seg[3], [])
            return (200, {"results": results}, {}) if len(seg) == 4 else (404, _not_found("pipeline"), {})
        if seg[:3] == ["crm", "v3", "objects"]:
            return self.objects(method, seg[3:], query, body)
        if seg[:3] == ["crm", "v4", "associations"] and seg[5:] == ["labels"] and method == "GET":
            return self.association_labels(seg[3], seg[4])
        if seg[:3] == ["crm", "v4", "associations"] and seg[5:] == ["batch", "read"]:
            return self.association_read(seg[3], seg[4], body)
        if seg[:3] == ["crm", "v4", "associations"] and seg[5:6] == ["batch"]:
            return self.association_write(seg[3], seg[4], seg[6], body)
        if seg[:3] == ["crm", "v3", "properties"]:
            return self.property_route(method, seg[3:], query, body)
        if seg[:3] == ["crm-object-schemas", "v3", "schemas"]:
            return self.schema_route(method, seg[3:], body)
        return 404, _not_found("resource"), {}

    def owners(self, query: dict[str, list[str]]) -> tuple[int, Any, dict[str, str]]:
        archived = query.get("archived", ["false"])[0] == "true"
        rows = [o for o in self.portal.owners if o["archived"] == archived]
        if "email" in query:
            rows = [o for o in rows if o["email"] == query["email"][0]]
        limit = min(int(query.get("limit", ["100"])[0]), 500, self.page_cap)
        start = _offset(query.get("after", [None])[0])
        page = rows[start:start + limit]
        out: dict[str, Any] = {"results": page}
        if start + limit < len(rows):
            out["paging"] = {"next": {"after": _token(start + limit), "link": "?after=" + _token(start + limit)}}
        return 200, out, {}

    # -- objects --------------------------------------------------------------------------------------------------
    def _view(self, object_type: str, rec: Record, names: list[str] | None) -> dict[str, Any]:
        defaults = ["hs_object_id", "hs_createdate", "hs_lastmodifieddate"]
        if object_type == "deals":
            defaults += ["createdate", "dealname", "amount", "closedate", "dealstage", "pipeline"]
        wanted = list(dict.fromkeys(defaults + list(names or [])))
        values = {n: rec.properties.get(n) for n in wanted}
        if self.omit_unset:
            values = {n: v for n, v in values.items() if v is not None}
        if not self.millis:
            values = {n: (v[:-5] + "Z" if v and len(v) == 24 and v.endswith(".000Z") else v)
                      for n, v in values.items()}
        out = {"id": rec.id, "properties": values,
               "createdAt": iso(rec.created), "updatedAt": iso(rec.updated), "archived": rec.archived_at is not None}
        if rec.archived_at is not None:
            out["archivedAt"] = iso(rec.archived_at)
        return out

    def objects(self, method: str, rest: list[str], query: dict[str, list[str]], body: Any
                ) -> tuple[int, Any, dict[str, str]]:
        object_type = rest[0]
        table = self.portal.objects.setdefault(object_type, {})
        if rest[1:] == ["search"] and method == "POST":
            return self.search(object_type, table, body)
        if len(rest) == 1 and method == "GET":
            archived = query.get("archived", ["false"])[0] == "true"
            names = [p for v in query.get("properties", []) for p in v.split(",")]
            rows = sorted((r for r in table.values() if (r.archived_at is not None) == archived),
                          key=lambda r: int(r.id))
            limit = min(int(query.get("limit", ["10"])[0]), 100, self.page_cap)
            start = _offset(query.get("after", [None])[0])
            out: dict[str, Any] = {"results": [self._view(object_type, r, names) for r in rows[start:start + limit]]}
            if start + limit < len(rows):
                out["paging"] = {"next": {"after": _token(start + limit), "link": "?after=" + _token(start + limit)}}
            return 200, out, {}
        if rest[1:] == ["batch", "read"] and method == "POST":
            if len(body["inputs"]) > 100:
                return 400, _validation("inputs: at most 100"), {}
            if body.get("propertiesWithHistory") and len(body["inputs"]) > 50:
                # the cap is in HubSpot's answer only (HubSpot/hubspot-api-python#143, activepieces#9359)
                return 400, _validation("The maximum number of inputs supported in a batch request for property "
                                        "histories is 50. Please reduce the number of items and try again"), {}
            id_property = body.get("idProperty")
            found, missing = [], []
            for item in body["inputs"]:
                rec = self._find(table, item["id"], id_property)
                if rec is None or rec.archived_at is not None:
                    missing.append(item["id"])
                else:
                    view = self._view(object_type, rec, body.get("properties"))
                    if body.get("propertiesWithHistory"):
                        view["propertiesWithHistory"] = {n: rec.history_of(n)
                                                         for n in body["propertiesWithHistory"]}
                    found.append(view)
            return self._batch(found, missing, object_type)
        if rest[1:2] == ["batch"] and rest[2] in ("create", "update", "upsert") and method == "POST":
            return self.batch_write(object_type, table, rest[2], body)
        if len(rest) == 2 and method == "GET":
            rec = table.get(rest[1])
            if rec is None or rec.archived_at is not None:
                return 404, _not_found(SINGULAR.get(object_type, object_type)), {}
            names = [p for v in query.get("properties", []) for p in v.split(",")]
            return 200, self._view(object_type, rec, names), {}
        return 404, _not_found("resource"), {}

    def _find(self, table: dict[str, Record], key: str, id_property: str | None) -> Record | None:
        if not id_property or id_property == "hs_object_id":
            # a merged-away id "will point to the resulting merged record" (changelog, docs/hubspot.md)
            kind = next((k for k, v in self.portal.objects.items() if v is table), "")
            return table.get(self.portal.merged_into.get((kind, str(key)), str(key)))
        return next((r for r in table.values() if r.properties.get(id_property) == str(key)
                     and r.archived_at is None), None)

    def _batch(self, results: list[Any], missing: list[str], object_type: str) -> tuple[int, Any, dict[str, str]]:
        stamp = iso(self.portal.now)
        out: dict[str, Any] = {"status": "COMPLETE", "results": results, "startedAt": stamp, "completedAt": stamp}
        if not missing:
            return 200, out, {}
        out["numErrors"] = 1
        out["errors"] = [{"status": "error", "category": "OBJECT_NOT_FOUND",
                          "message": f"Could not get some {SINGULAR.get(object_type, object_type).upper()} objects, "
                                     "they may be deleted or not exist. Check that ids are valid.",
                          "context": {"ids": missing}}]
        return 207, out, {}

    def batch_write(self, object_type: str, table: dict[str, Record], verb: str, body: Any
                    ) -> tuple[int, Any, dict[str, str]]:
        if verb == "update" and self.archive_on_update and self.archive_on_update[0] == object_type:
            table[self.archive_on_update[1]].archived_at = self.portal.now
            self.archive_on_update = None
        inputs = body["inputs"]
        if len(inputs) > 100:
            return 400, _validation("inputs: at most 100"), {}
        # a custom object is written by its objectTypeId (2-3) or name: its definitions are the schema's
        defined = self.portal.properties.get(self._schema_type(object_type))
        results, missing = [], []
        for item in inputs:
            props = {k: ("" if v is None else str(v).lower() if isinstance(v, bool) else str(v))
                     for k, v in (item.get("properties") or {}).items()}
            unknown = [k for k in props if defined is not None and k not in defined]
            if unknown:
                return 400, _validation(f"Property values were not valid: {unknown}"), {}
            invalid = [f"{k}={v!r}" for k, v in props.items()
                       if not _valid_value((defined or {}).get(k), v)]
            if invalid:
                return 400, _validation(f"Property values were not valid: {invalid}"), {}
            rec: Record | None
            created = verb == "create"
            if verb == "create":
                rec = Record(self.portal.new_id(), {}, self.portal.now, self.portal.now)
                table[rec.id] = rec
                for assoc in item.get("associations") or []:
                    to_type = "companies"
                    types = [t["associationTypeId"] for t in assoc["types"]]
                    self.portal.link(object_type, rec.id, to_type, str(assoc["to"]["id"]), types)
            else:
                id_property = item.get("idProperty") or body.get("idProperty")
                definition = (defined or {}).get(id_property or "")
                if verb == "upsert" and definition is not None and not definition.get("hasUniqueValue"):
                    return 400, _validation(f"idProperty {id_property} is not a unique value property"), {}
                rec = self._find(table, item["id"], id_property)
                created = rec is None
                if rec is None and verb == "upsert":
                    rec = Record(self.portal.new_id(), {}, self.portal.now, self.portal.now)
                    props[item["idProperty"]] = str(item["id"])
                    table[rec.id] = rec
                if rec is None or rec.archived_at is not None:
                    missing.append(str(item["id"]))
                    continue
            rec.set(props, self.portal.now)
            rec.properties["hs_object_id"] = rec.id
            view = self._view(object_type, rec, list(props))
            if verb == "upsert":            # SimplePublicUpsertObject: "new", whether the upsert created it
                view["new"] = created
            results.append(view)
        if missing:
            return self._batch(results, missing, object_type)
        stamp = iso(self.portal.now)
        return (201 if verb == "create" else 200), {"status": "COMPLETE", "results": results, "startedAt": stamp,
                                                     "completedAt": stamp}, {}

    def search(self, object_type: str, table: dict[str, Record], body: Any) -> tuple[int, Any, dict[str, str]]:
        if self.rate_limit_once:
            self.rate_limit_once = False
            return 429, {"status": "error", "message": "You have reached your secondly limit.",
                         "errorType": "RATE_LIMIT", "correlationId": str(uuid.uuid4()), "policyName": "SECONDLY",
                         "groupName": "publicapi:crm-search"}, {}
        body = body or {}
        limit = int(body.get("limit", 10))
        if limit > 200:
            return 400, _validation("limit: must be less than or equal to 200"), {}
        groups = body.get("filterGroups") or []
        if len(groups) > 5 or sum(len(g.get("filters") or []) for g in groups) > 25:
            return 400, _validation("too many filters"), {}
        rows = [r for r in table.values() if r.archived_at is None
                and (not groups or any(all(_match(r.properties, f) for f in g.get("filters") or [])
                                       for g in groups))]
        for sort in reversed(body.get("sorts") or []):
            if not isinstance(sort, dict):
                return 400, _validation("sorts: object form"), {}
            name: str = sort["propertyName"]
            rows.sort(key=lambda r: _sort_key(name, r.properties.get(name)),
                      reverse=sort.get("direction", "ASCENDING") == "DESCENDING")
        if not body.get("sorts"):
            rows.sort(key=lambda r: int(r.id))
        start = _offset(body.get("after"))
        if start + limit > 10_000:
            return 400, _validation("Search results are limited to 10,000; page past them with a new filter"), {}
        size = min(limit, self.page_cap)
        page = rows[start:start + size]
        out: dict[str, Any] = {"total": len(rows),
                               "results": [self._view(object_type, r, body.get("properties")) for r in page]}
        if start + size < len(rows):
            out["paging"] = {"next": {"after": _token(start + size), "link": ""}}
        return 200, out, {}

    # -- associations ---------------------------------------------------------------------------------------------
    def association_read(self, from_type: str, to_type: str, body: Any) -> tuple[int, Any, dict[str, str]]:
        if len(body["inputs"]) > 1000:
            return 400, _validation("inputs: at most 1000"), {}
        links = self.portal.associations.get((from_type, to_type), {})
        results, empty = [], []
        for item in body["inputs"]:
            rows = [(to, types) for to, types in links.get(str(item["id"]), [])
                    if (rec := self.portal.objects.get(to_type, {}).get(to)) is not None and rec.archived_at is None]
            if not rows:
                empty.append(str(item["id"]))
                continue
            start = _offset(item.get("after"))
            page = rows[start:start + self.association_page]
            result: dict[str, Any] = {"from": {"id": str(item["id"])},
                                      "to": [{"toObjectId": int(to), "associationTypes": [
                                          {"category": "USER_DEFINED", "typeId": t, "label": self.portal.user_labels[t]}
                                          if t in self.portal.user_labels else
                                          {"category": "HUBSPOT_DEFINED", "typeId": t,
                                           "label": "Primary" if t in PRIMARY_TYPES else None} for t in types]}
                                             for to, types in page]}
            if start + self.association_page < len(rows):
                result["paging"] = {"next": {"after": _token(start + self.association_page), "link": None}}
            results.append(result)
        stamp = iso(self.portal.now)
        out: dict[str, Any] = {"status": "COMPLETE", "results": results, "startedAt": stamp, "completedAt": stamp}
        if not empty:
            return 200, out, {}
        out["numErrors"] = len(empty)
        out["errors"] = [{"status": "error", "category": "OBJECT_NOT_FOUND",
                          "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
                          "context": {"fromObjectId": [i]},
                          "message": f"No {SINGULAR.get(to_type, to_type)} is associated with "
                                     f"{SINGULAR.get(from_type, from_type)} {i}."} for i in empty]
        return 207, out, {}

    def association_write(self, from_type: str, to_type: str, verb: str, body: Any
                          ) -> tuple[int, Any, dict[str, str]]:
        for item in body["inputs"]:
            source = str(item["from"]["id"])
            targets = item["to"] if isinstance(item["to"], list) else [item["to"]]
            for target in targets:
                tid = str(target["id"])
                if verb == "create":
                    types = [t.get("associationTypeId") for t in item.get("types") or []]
                    self.portal.link(from_type, source, to_type, tid, types)
                elif verb == "archive":
                    self.portal.unlink(from_type, source, to_type, tid)
        stamp = iso(self.portal.now)
        return (201 if verb == "create" else 204), ({"status": "COMPLETE", "results": [], "startedAt": stamp,
                                                     "completedAt": stamp} if verb == "create" else None), {}

    def _type_id(self, name: str) -> str:
        standard = {"contacts": "0-1", "companies": "0-2", "deals": "0-3", "tasks": "0-27", "meetings": "0-47",
                    "calls": "0-48"}
        if name in standard:
            return standard[name]
        for schema in self.portal.schemas.values():
            if name in (schema["objectTypeId"], schema["fullyQualifiedName"], schema["name"]):
                return str(schema["objectTypeId"])
        return name

    def association_labels(self, from_type: str, to_type: str) -> tuple[int, Any, dict[str, str]]:
        key = (self._type_id(from_type), self._type_id(to_type))
        found = {k: v for k, v in self.association_types.items() if (self._type_id(k[0]), self._type_id(k[1])) == key}
        results = [{"category": "USER_DEFINED", "typeId": v, "label": None} for v in found.values()]
        standard = ASSOCIATION_TYPES.get((from_type, to_type))
        if standard is not None:
            results.append({"category": "HUBSPOT_DEFINED", "typeId": standard, "label": None})
        return 200, {"results": results}, {}

    # -- properties and schemas -----------------------------------------------------------------------------------
    def property_route(self, method: str, rest: list[str], query: dict[str, list[str]], body: Any
                       ) -> tuple[int, Any, dict[str, str]]:
        object_type = self._schema_type(rest[0])
        props = self.portal.properties.setdefault(object_type, {})
        groups = self.portal.groups.setdefault(object_type, {})
        if len(rest) == 1 and method == "GET":
            return 200, {"results": list(props.values())}, {}
        if rest[1:] == ["batch", "read"]:
            names = [i["name"] for i in body["inputs"]]
            return 200, {"status": "COMPLETE", "results": [props[n] for n in names if n in props]}, {}
        if rest[1:] == ["groups"] and method == "GET":
            return 200, {"results": list(groups.values())}, {}
        if rest[1:] == ["groups"] and method == "POST":
            if body["name"] in groups:
                return 409, {"status": "error", "message": "group exists", "category": "CONFLICT"}, {}
            groups[body["name"]] = {**body, "archived": False}
            return 201, groups[body["name"]], {}
        if rest[1:] == ["batch", "create"]:
            made = []
            if self.unique_only_on and object_type not in self.unique_only_on and any(
                    i.get("hasUniqueValue") for i in body["inputs"]):
                return 400, _validation(f"Unique value properties are not supported on {object_type}"), {}
            for item in body["inputs"]:
                props[item["name"]] = {**item, "archived": False, "options": item.get("options", [])}
                made.append(props[item["name"]])
            return 201, {"status": "COMPLETE", "results": made}, {}
        if len(rest) == 2 and method == "GET":
            return (200, props[rest[1]], {}) if rest[1] in props else (404, _not_found("property"), {})
        if len(rest) == 2 and method == "POST":
            props[rest[1]] = body
            return 201, body, {}
        if len(rest) == 2 and method == "PATCH":
            if rest[1] not in props:
                return 404, _not_found("property"), {}
            props[rest[1]].update(body)
            return 200, props[rest[1]], {}
        if len(rest) == 1 and method == "POST":
            props[body["name"]] = {**body, "archived": False}
            return 201, props[body["name"]], {}
        return 404, _not_found("resource"), {}

    def _schema_type(self, name: str) -> str:
        for schema in self.portal.schemas.values():
            if name in (schema["objectTypeId"], schema["fullyQualifiedName"], schema["name"]):
                return str(schema["name"])
        return name

    def schema_route(self, method: str, rest: list[str], body: Any) -> tuple[int, Any, dict[str, str]]:
        if not self.enterprise:
            return 403, {"status": "error", "category": "MISSING_SCOPES",
                         "message": "This app hasn't been granted all required scopes to make this call."}, {}
        if not rest and method == "GET":    # each schema with its properties as they are now (some added since)
            return 200, {"results": [{**schema, "properties": list(self.portal.properties.get(name, {}).values())}
                                     for name, schema in self.portal.schemas.items()]}, {}
        if not rest and method == "POST":
            number = 2 + len(self.portal.schemas)
            schema = {**body, "id": str(number), "objectTypeId": f"2-{number}", "fullyQualifiedName":
                      f"p1234_{body['name']}", "archived": False, "associations": []}
            for prop in body.get("properties", []):
                self.portal.define(body["name"], prop["name"], prop["type"], prop["fieldType"],
                                   [(o["value"], o["label"]) for o in prop.get("options") or []])
                # ObjectTypePropertyCreate takes hasUniqueValue (the custom objects guide's unique id property), a
                # label and a description (HubSpot's help text)
                self.portal.properties[body["name"]][prop["name"]].update(
                    hasUniqueValue=bool(prop.get("hasUniqueValue")), label=prop.get("label") or prop["name"],
                    description=prop.get("description") or "")
            for name, kind, field_type in (("hs_object_id", "number", "number"), ("hs_createdate", "datetime", "date"),
                                           ("hs_lastmodifieddate", "datetime", "date"),
                                           ("hubspot_owner_id", "enumeration", "select")):
                # every object's default properties: its id, stamps and record owner (an owner id, as on companies)
                self.portal.define(body["name"], name, kind, field_type)
            self.portal.properties[body["name"]]["hubspot_owner_id"]["externalOptions"] = True   # the portal's owners
            self.portal.schemas[body["name"]] = schema
            standard = {"CONTACT": "0-1", "COMPANY": "0-2", "DEAL": "0-3", "TICKET": "0-5"}
            for other in body.get("associatedObjects") or []:   # the schema guide: associations made with it
                pair = (schema["objectTypeId"], standard.get(other, other))
                number = 100 + 2 * len(self.association_types)
                schema["associations"].append({"fromObjectTypeId": pair[0], "toObjectTypeId": pair[1],
                                               "id": str(number), "name": f"{body['name']}_to_{other}".lower()})
                self.association_types[pair] = number
                self.association_types[(pair[1], pair[0])] = number + 1
            return 201, schema, {}
        found = self.portal.schemas.get(self._schema_type(rest[0]))
        if found is None:
            return 404, _not_found("schema"), {}
        schema = found
        if len(rest) == 1 and method == "GET":
            return 200, {**schema, "properties": list(self.portal.properties.get(schema["name"], {}).values())}, {}
        if len(rest) == 1 and method == "PATCH":
            schema.update(body)
            return 200, schema, {}
        if rest[1:] == ["associations"] and method == "POST":
            number = 100 + 2 * len(self.association_types)
            assoc = {**body, "id": str(number)}
            schema["associations"].append(assoc)
            self.association_types[(body["fromObjectTypeId"], body["toObjectTypeId"])] = number
            self.association_types[(body["toObjectTypeId"], body["fromObjectTypeId"])] = number + 1
            return 201, assoc, {}
        return 404, _not_found("resource"), {}


def define_standard(portal: Portal) -> None:
    """The HubSpot default properties the hand portals read (companies, meetings, calls, deals, tasks, line items:
    ``DATETIME_PROPS`` are datetimes, ``NUMBER_PROPS`` numbers, the others strings), the companies' ``type`` (Prospect,
    Partner, Client, Other), the meetings' ``hs_activity_type`` « Visite client » and ``hs_meeting_outcome`` as
    HubSpot documents its values (audits hshand7 and hshand9 defined them alike)."""
    standard = {"companies": ["name", "zip", "country", "state", "city", "industry", "annualrevenue",
                              "hubspot_owner_id", "hs_merged_object_ids", "hs_lastmodifieddate", "createdate"],
                "meetings": ["hs_meeting_title", "hs_timestamp", "hs_meeting_start_time", "hubspot_owner_id",
                             "hs_lastmodifieddate"],
                "calls": ["hs_call_title", "hs_timestamp", "hs_call_status", "hs_call_direction",
                          "hs_call_disposition", "hs_call_duration", "hubspot_owner_id", "hs_lastmodifieddate"],
                "deals": ["dealname", "pipeline", "dealstage", "amount", "amount_in_home_currency", "closedate",
                          "createdate", "deal_currency_code", "hs_exchange_rate", "hs_merged_object_ids",
                          "hs_is_closed_won", "hubspot_owner_id", "hs_lastmodifieddate"],
                "tasks": ["hs_task_subject", "hs_task_status", "hs_timestamp", "hs_task_completion_date",
                          "hs_task_type", "hs_task_priority", "hs_task_body", "hubspot_owner_id",
                          "hs_lastmodifieddate"],
                "line_items": ["name", "hs_sku", "quantity", "amount", "price", "hs_lastmodifieddate"]}
    for object_type, names in standard.items():
        for name in names:
            kind = ("datetime" if name in DATETIME_PROPS else "number" if name in NUMBER_PROPS else "string")
            portal.define(object_type, name, kind, {"datetime": "date", "number": "number"}.get(kind, "text"))
    portal.define("companies", "type", "enumeration", "select",
                  [("PROSPECT", "Prospect"), ("PARTNER", "Partner"), ("CUSTOMER", "Client"), ("OTHER", "Other")])
    portal.define("meetings", "hs_activity_type", "enumeration", "select", [("Visite client", "Visite client")])
    portal.define("meetings", "hs_meeting_outcome", "enumeration", "select",
                  [(v, v.title()) for v in ("SCHEDULED", "COMPLETED", "RESCHEDULED", "NO_SHOW", "CANCELED")])


def _valid_value(definition: dict[str, Any] | None, value: str) -> bool:
    """A written value as the properties guide documents each type ("" clears any property): a number, ``true`` /
    ``false``, a date as YYYY-MM-DD or midnight UTC in ms, a datetime as ms or ISO 8601, an enumeration among its
    options' values (several joined by ``;``)."""
    if definition is None or value == "":
        return True
    kind = definition.get("type")
    try:
        if kind == "number":
            Decimal(value)
        elif kind == "bool":
            return value in ("true", "false")
        elif kind == "date":
            if value.isdigit():
                return int(value) % 86_400_000 == 0
            datetime.strptime(value, "%Y-%m-%d")
        elif kind == "datetime":
            _instant(value)
        elif kind == "enumeration" and definition.get("externalOptions"):
            return value.isdigit()          # hubspot_owner_id: an owner's id, its options the owners API's
        elif kind == "enumeration":
            allowed = {o["value"] for o in definition.get("options") or []}
            return all(v in allowed for v in value.split(";"))
    except (InvalidOperation, ValueError):
        return False
    return True


def _not_found(what: str) -> dict[str, Any]:
    return {"status": "error", "message": f"resource not found: {what}", "category": "OBJECT_NOT_FOUND",
            "correlationId": str(uuid.uuid4())}


def _validation(message: str) -> dict[str, Any]:
    return {"status": "error", "message": message, "category": "VALIDATION_ERROR",
            "correlationId": str(uuid.uuid4())}


def _sort_key(name: str, value: str | None) -> tuple[int, Any]:
    if value is None:
        return (1, 0)
    if name in DATETIME_PROPS:
        return (0, _instant(value))
    if name in NUMBER_PROPS:
        return (0, Decimal(value))
    return (0, value)


def _compare(name: str, value: str | None, wanted: Any) -> int | None:
    if value is None:
        return None
    try:
        if name in DATETIME_PROPS:
            left, right = _instant(value), _instant(wanted)
            assert left is not None and right is not None
            return (left > right) - (left < right)
        if name in NUMBER_PROPS:
            a, b = Decimal(value), Decimal(str(wanted))
            return (a > b) - (a < b)
    except (InvalidOperation, ValueError):
        return None
    a_s, b_s = value.lower(), str(wanted).lower()
    return (a_s > b_s) - (a_s < b_s)


def _match(props: dict[str, str], flt: dict[str, Any]) -> bool:
    name, op = flt["propertyName"], flt["operator"]
    value = props.get(name)
    if op == "HAS_PROPERTY":
        return value not in (None, "")
    if op == "NOT_HAS_PROPERTY":
        return value in (None, "")
    if op in ("IN", "NOT_IN"):
        inside = any(_compare(name, value, v) == 0 for v in flt["values"])
        return inside if op == "IN" else value is not None and not inside
    if op == "BETWEEN":
        low, high = _compare(name, value, flt["value"]), _compare(name, value, flt["highValue"])
        return low is not None and high is not None and low >= 0 and high <= 0
    cmp = _compare(name, value, flt["value"])
    if cmp is None:
        return bool(op == "NEQ")
    return {"EQ": cmp == 0, "NEQ": cmp != 0, "LT": cmp < 0, "LTE": cmp <= 0, "GT": cmp > 0, "GTE": cmp >= 0}[op]
