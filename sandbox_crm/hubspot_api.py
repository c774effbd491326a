"""The sandbox CRM's HubSpot dialect: the subset of CRM v3 / associations v4 the connector uses.

Wire formats follow HubSpot's published OpenAPI specs (HubSpot/HubSpot-public-api-spec-collection):
objects (basic get/list with ``archived``, search, batch read/update/upsert with 207 multi-status),
associations v4 (batch read, associate/default, create with the pair's type, archive; the types between two
objects from ``/labels``; writes need an association definition between the two types), properties and
groups (create, and PATCH of a custom property's label and options), custom object schemas (labels PATCH,
association definitions; 403 on tier "starter"),
owners, deal pipelines, and the OAuth token endpoint. Bearer auth with HubSpot's 401 bodies; the
``X-HubSpot-RateLimit-*`` headers from a real rolling 10-second window and a daily counter; 429 bodies
as documented. Faults (``server.faults``): rate_limit, server_error, drop (core), expire_session,
lock_row (one record of a batch write refused, retryable), quota (daily limit reached); with ``echo=True``,
server_error and lock_row messages echo the request's Authorization header (redaction tests).

Seeded from the demo organisation's "hubspot" records. Helpers (``add``, ``archive``, ``associate``,
``update``) let tests and benchmarks shape the portal directly.
"""

from __future__ import annotations

import functools
import threading
import time
import uuid
import zlib
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

from sandbox_crm import hubspot_search
from sandbox_crm.demo_org import DemoOrg
from sandbox_crm.server import Fault, Request, Response

SANDBOX_TOKEN = "pac-sandbox-hubspot-token"   # noqa: S105 - the sandbox's own throw-away private app token
OAUTH_CLIENT_ID = "pac-sandbox-hs-client-id"
OAUTH_CLIENT_SECRET = "pac-sandbox-hs-client-secret"  # noqa: S105 - idem
OAUTH_REFRESH_TOKEN = "pac-sandbox-hs-refresh-token"  # noqa: S105 - idem
PORTAL_ID = 4242
TIERS = {"starter": (100, 250_000), "professional": (190, 625_000), "enterprise": (190, 1_000_000)}
STANDARD_TYPES = {"contacts": "0-1", "companies": "0-2", "deals": "0-3", "products": "0-7", "line_items": "0-8",
                  "tasks": "0-27", "notes": "0-46", "meetings": "0-47", "calls": "0-48"}
# HubSpot-defined association type ids (from -> to) used by the sandbox.
ASSOCIATION_TYPES = {("meetings", "companies"): 188, ("companies", "meetings"): 187, ("calls", "companies"): 182,
                     ("companies", "calls"): 181, ("deals", "companies"): 341, ("companies", "deals"): 342,
                     ("deals", "line_items"): 19, ("line_items", "deals"): 20, ("tasks", "companies"): 192,
                     ("companies", "tasks"): 191}
PRIMARY_TYPE = 5          # the "Primary" label (deal -> company); used for any primary association here
MEETING_OUTCOME = {"completed": "COMPLETED", "planned": "SCHEDULED", "cancelled": "CANCELED", "no_show": "NO_SHOW"}
CALL_DISPOSITION = {"completed": "f240bbac-87c9-4f6e-bf70-924b57d47db7",
                    "no_show": "73a0d17f-1163-4015-bdd5-ec830791da20"}
CALL_STATUS = {"completed": "COMPLETED", "no_show": "NO_ANSWER", "cancelled": "CANCELED", "planned": "QUEUED"}
DEAL_STAGES = (("appointmentscheduled", "Appointment scheduled", False, "0.2"),
               ("qualifiedtobuy", "Qualified to buy", False, "0.4"),
               ("presentationscheduled", "Presentation scheduled", False, "0.6"),
               ("decisionmakerboughtin", "Decision maker bought-in", False, "0.8"),
               ("contractsent", "Contract sent", False, "0.9"),
               ("closedwon", "Closed won", True, "1.0"), ("closedlost", "Closed lost", True, "0.0"))
MAINTENANCE_STAGES = (("1001", "Renewal due", False, "0.5"), ("1002", "Renewed", True, "1.0"),
                      ("1003", "Not renewed", True, "0.0"))

_STANDARD_PROPERTIES: dict[str, list[tuple[str, str, str]]] = {   # (name, type, fieldType)
    "companies": [("name", "string", "text"), ("domain", "string", "text"), ("zip", "string", "text"),
                  ("city", "string", "text"), ("country", "string", "text"), ("industry", "string", "text"),
                  ("type", "string", "text"), ("annualrevenue", "number", "number"),
                  ("description", "string", "textarea"), ("hubspot_owner_id", "enumeration", "select")],
    "contacts": [("email", "string", "text"), ("firstname", "string", "text"), ("lastname", "string", "text")],
    "deals": [("dealname", "string", "text"), ("amount", "string", "text"), ("closedate", "datetime", "date"),
              ("dealstage", "enumeration", "select"), ("pipeline", "enumeration", "select"),
              ("deal_currency_code", "enumeration", "select"), ("hubspot_owner_id", "enumeration", "select")],
    "meetings": [("hs_meeting_title", "string", "text"), ("hs_meeting_start_time", "datetime", "date"),
                 ("hs_meeting_end_time", "datetime", "date"), ("hs_timestamp", "datetime", "date"),
                 ("hs_meeting_outcome", "enumeration", "select"), ("hs_activity_type", "enumeration", "select"),
                 ("hs_meeting_body", "string", "textarea"), ("hubspot_owner_id", "enumeration", "select")],
    "calls": [("hs_call_title", "string", "text"), ("hs_timestamp", "datetime", "date"),
              ("hs_call_disposition", "enumeration", "select"), ("hs_call_status", "enumeration", "select"),
              ("hs_call_body", "string", "textarea"), ("hubspot_owner_id", "enumeration", "select")],
    "tasks": [("hs_task_subject", "string", "text"), ("hs_task_body", "string", "textarea"),
              ("hs_timestamp", "datetime", "date"), ("hs_task_status", "enumeration", "select"),
              ("hs_task_priority", "enumeration", "select"), ("hubspot_owner_id", "enumeration", "select")],
    "line_items": [("name", "string", "text"), ("hs_sku", "string", "text"), ("quantity", "number", "number"),
                   ("price", "number", "number"), ("amount", "number", "number"),
                   ("hs_product_id", "string", "text")],
    "products": [("name", "string", "text"), ("hs_sku", "string", "text"), ("price", "number", "number")],
    "notes": [("hs_note_body", "string", "textarea"), ("hs_timestamp", "datetime", "date")],
}
_READ_ONLY = {"hs_object_id", "hs_lastmodifieddate", "hs_createdate", "createdate"}
_DEFAULT_PROPERTIES = [("hs_object_id", "number", "number"), ("hs_lastmodifieddate", "datetime", "date"),
                       ("hs_createdate", "datetime", "date")]


@functools.lru_cache(maxsize=65_536)
def ms_to_iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def _ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


INTEGRATION_APP_ID = 2710001        # the sandbox's private app: pac's token writes as this app
INTEGRATION_SOURCE = {"sourceType": "INTEGRATION", "sourceId": str(INTEGRATION_APP_ID), "sourceLabel": "pac"}


def person_source(user_id: int | str) -> dict[str, Any]:
    """The source HubSpot records for a change a person made in the app (``CRM_UI``, ``userId:<id>``)."""
    return {"sourceType": "CRM_UI", "sourceId": f"userId:{user_id}", "updatedByUserId": int(user_id)}


class Obj:
    __slots__ = ("archived_at", "created", "history", "id", "modified", "props")

    def __init__(self, id: str, props: dict[str, str], created: int, modified: int) -> None:
        self.id, self.props, self.created, self.modified = id, props, created, modified
        self.archived_at: int | None = None
        self.history: dict[str, list[dict[str, Any]]] | None = None   # only for records changed with a known source

    def record(self, props: dict[str, str], ms: int, source: dict[str, Any]) -> None:
        """Keep a property history entry (value, timestamp, source) for each property set to a new value."""
        if self.history is None:
            self.history = {}
        for name, value in props.items():
            entries = self.history.setdefault(name, [])
            if entries and entries[-1]["value"] == value:
                continue
            entries.append({"value": value, "timestamp": ms_to_iso(ms), **source})

    def history_of(self, prop: str) -> list[dict[str, Any]]:
        """``propertiesWithHistory`` of one property, newest first; a value set with no recorded source (seed data)
        shows as one ``IMPORT`` entry at the record's creation."""
        entries = (self.history or {}).get(prop)
        if entries:
            return list(reversed(entries))
        value = self.props.get(prop)
        return [] if value is None else [{"value": value, "timestamp": ms_to_iso(self.created), "sourceType": "IMPORT",
                                          "sourceId": "", "sourceLabel": "import"}]

    def value(self, prop: str) -> Any:
        if prop == "hs_object_id":
            return self.id
        if prop == "hs_lastmodifieddate":
            return str(self.modified)
        if prop in ("hs_createdate", "createdate"):
            return str(self.created)
        return self.props.get(prop)

    def render(self, properties: list[str] | None, with_history: list[str] | None = None) -> dict[str, Any]:
        wanted = properties if properties else list(self.props)
        props = {p: self.props.get(p) for p in wanted if p not in _READ_ONLY}
        props.update({"hs_object_id": self.id, "hs_lastmodifieddate": ms_to_iso(self.modified),
                      "hs_createdate": ms_to_iso(self.created)})
        out = {"id": self.id, "properties": props, "createdAt": ms_to_iso(self.created),
               "updatedAt": ms_to_iso(self.modified), "archived": self.archived_at is not None}
        if self.archived_at is not None:
            out["archivedAt"] = ms_to_iso(self.archived_at)
        if with_history:
            out["propertiesWithHistory"] = {p: self.history_of(p) for p in with_history}
        return out


@dataclass
class Table:
    """One object type: live and archived records, property definitions, unique indexes."""

    name: str
    type_id: str
    rows: dict[str, Obj] = field(default_factory=dict)
    archived: dict[str, Obj] = field(default_factory=dict)
    properties: dict[str, dict[str, Any]] = field(default_factory=dict)
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    unique: dict[str, dict[str, str]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    _sorted: list[Obj] | None = None
    _keys: list[tuple[int, int]] | None = None

    def kind(self, prop: str) -> str:
        return (self.properties.get(prop) or {}).get("type", "string")

    def changed(self) -> None:
        self._sorted = self._keys = None
        self.totals.clear()

    def by_modified(self) -> tuple[list[Obj], list[tuple[int, int]]]:
        if self._sorted is None or self._keys is None:
            self._sorted = sorted(self.rows.values(), key=lambda o: (o.modified, int(o.id)))
            self._keys = [(o.modified, int(o.id)) for o in self._sorted]
        return self._sorted, self._keys

    def define(self, name: str, kind: str, field_type: str, *, group: str = "", label: str = "",
               unique: bool = False, options: list[dict[str, Any]] | None = None, custom: bool = False) -> dict:
        prop = {"name": name, "label": label or name, "type": kind, "fieldType": field_type,
                "groupName": group or f"{self.name}information", "description": "", "options": options or [],
                "hasUniqueValue": unique, "hubspotDefined": not custom, "hidden": False, "formField": False,
                "modificationMetadata": {"archivable": custom, "readOnlyDefinition": not custom,
                                         "readOnlyValue": name in _READ_ONLY}}
        self.properties[name] = prop
        if unique:
            self.unique.setdefault(name, {})
        return prop


def _echo(request: Request, fault: Fault | None) -> str:
    """With a fault's ``echo=True``: the Authorization header the request carried (redaction tests)."""
    if fault is None or not fault.detail.get("echo"):
        return ""
    return f" (request Authorization: {request.headers.get('authorization', '')})"


def _error(status: int, message: str, category: str, **extra: Any) -> Response:
    body = {"status": "error", "message": message, "correlationId": str(uuid.uuid4()), "category": category} | extra
    return Response(status, body)


class HubSpotApi:
    """The HubSpot portal of the sandbox CRM (``tier``: starter | professional | enterprise)."""

    name = "hubspot"
    prefixes = ("/crm/", "/crm-object-schemas/", "/oauth/", "/account-info/")

    def __init__(self, org: DemoOrg | None = None, *, tier: str = "enterprise", ten_second_limit: int | None = None,
                 daily_limit: int | None = None, search_per_second: float | None = None,
                 clock: Any = time.time) -> None:
        if tier not in TIERS:
            raise ValueError(f"tier must be one of {sorted(TIERS)}")
        self.tier = tier
        self.ten_second_limit = ten_second_limit or TIERS[tier][0]
        self.daily_limit = daily_limit or TIERS[tier][1]
        self.search_per_second = search_per_second
        self.clock = clock
        self.tables: dict[str, Table] = {}
        self.links: dict[tuple[str, str], dict[str, dict[str, tuple[int, str | None]]]] = {}
        self.owners: list[dict[str, Any]] = []
        self.pipelines: dict[str, list[dict[str, Any]]] = {}
        self.schemas: dict[str, dict[str, Any]] = {}
        # (from table, to table) -> (category, typeId) of the unlabelled association type between them
        self.assoc_types: dict[tuple[str, str], tuple[str, int]] = {
            pair: ("HUBSPOT_DEFINED", type_id) for pair, type_id in ASSOCIATION_TYPES.items()}
        self._next_assoc_type = 1000
        self.tokens: set[str] = set()                   # live OAuth access tokens
        self.requests: deque[tuple[str, str, Any]] = deque(maxlen=2_000)   # last (method, path, JSON body)
        self.daily_used = 0
        self._day = self._today()
        self._window: deque[float] = deque()
        self._search_window: deque[float] = deque()
        self._next_id = 10_000
        self._last_ms = 0
        self._lock = threading.RLock()
        for name, type_id in STANDARD_TYPES.items():
            table = self.tables[name] = Table(name, type_id)
            for prop, kind, field_type in _DEFAULT_PROPERTIES + _STANDARD_PROPERTIES[name]:
                table.define(prop, kind, field_type)
            table.groups[f"{name}information"] = {"name": f"{name}information", "label": f"{name} information",
                                                  "displayOrder": 0, "archived": False}
        self._seed_pipelines()
        if org is not None:
            self.seed(org.for_crm("hubspot") if hasattr(org, "for_crm") else org)

    # -- time and ids ---------------------------------------------------------------------------
    def now_ms(self) -> int:
        """Wall-clock milliseconds, never earlier than any stamp already given (seeds reach into 2027)."""
        with self._lock:
            self._last_ms = max(int(self.clock() * 1000), self._last_ms + 1)
            return self._last_ms

    def _new_id(self) -> str:
        self._next_id += 1
        return str(self._next_id)

    @staticmethod
    def _today() -> date:
        return datetime.now(UTC).date()

    # -- helpers for seeds, tests and benchmarks -------------------------------------------------
    def table(self, object_type: str) -> Table | None:
        if object_type in self.tables:
            return self.tables[object_type]
        for table in self.tables.values():
            if object_type in (table.type_id, f"p{PORTAL_ID}_{table.name}", f"p_{table.name}"):
                return table
        return None

    def add(self, object_type: str, properties: dict[str, Any], *, modified: datetime | int | None = None,
            companies: tuple[str, ...] | list[str] = (), primary: str | None = None,
            source: dict[str, Any] | None = None) -> str:
        """Create a record directly (no API call); ``modified`` fixes its ``hs_lastmodifieddate``; ``source``
        (e.g. ``INTEGRATION_SOURCE``) starts its property history."""
        with self._lock:
            table = self.tables[object_type] if object_type in self.tables else self.table(object_type)
            assert table is not None, f"no object type {object_type}"
            ms = modified if isinstance(modified, int) else (_ms(modified) if modified else self.now_ms())
            self._last_ms = max(self._last_ms, ms)
            obj = Obj(self._new_id(), {k: _str(v) for k, v in properties.items() if v is not None}, ms, ms)
            if source is not None:
                obj.record(obj.props, ms, source)
            table.rows[obj.id] = obj
            for prop, index in table.unique.items():
                if obj.props.get(prop):
                    index[obj.props[prop]] = obj.id
            table.changed()
            for company in companies:
                self.associate(table.name, obj.id, "companies", company, primary=company == primary)
            return obj.id

    def update(self, object_type: str, object_id: str, properties: dict[str, Any], *, touch: bool = True,
               by_user: int | str | None = None, source: dict[str, Any] | None = None) -> None:
        """Change a record. Called directly (tests), it is a person's change in the app: by ``by_user`` (a HubSpot
        user id, an owner's ``userId``), else by the first owner; the API's writes pass pac's ``INTEGRATION_SOURCE``.
        Either way the property history records who (``propertiesWithHistory``)."""
        with self._lock:
            table = self.table(object_type)
            assert table is not None
            obj = table.rows[object_id]
            values = {k: _str(v) for k, v in properties.items()}
            obj.props.update(values)
            if touch:
                obj.modified = self.now_ms()
            if source is None:
                user = by_user if by_user is not None else (self.owners[0]["userId"] if self.owners else 1)
                source = person_source(user)
            obj.record(values, obj.modified, source)
            table.changed()

    def archive(self, object_type: str, object_id: str) -> None:
        with self._lock:
            table = self.table(object_type)
            assert table is not None
            obj = table.rows.pop(object_id)
            obj.archived_at = obj.modified = self.now_ms()
            table.archived[object_id] = obj
            table.changed()

    def associate(self, from_type: str, from_id: str, to_type: str, to_id: str, *, primary: bool = False,
                  type_id: int | None = None) -> None:
        """Link two records both ways (like HubSpot); the engagement's own timestamp does not move."""
        with self._lock:
            forward = type_id or (PRIMARY_TYPE if primary else self.assoc_types.get((from_type, to_type), ("", 1))[1])
            backward = self.assoc_types.get((to_type, from_type), ("", 1))[1]
            label = "Primary" if primary else None
            self.links.setdefault((from_type, to_type), {}).setdefault(from_id, {})[to_id] = (forward, label)
            self.links.setdefault((to_type, from_type), {}).setdefault(to_id, {})[from_id] = (backward, label)

    def define_association(self, from_type: str, to_type: str) -> int:
        """Register the (user-defined) association type between two object types, both ways; its id."""
        with self._lock:
            if (from_type, to_type) not in self.assoc_types:
                self._next_assoc_type += 2
                self.assoc_types[(from_type, to_type)] = ("USER_DEFINED", self._next_assoc_type)
                self.assoc_types[(to_type, from_type)] = ("USER_DEFINED", self._next_assoc_type + 1)
            return self.assoc_types[(from_type, to_type)][1]

    def unassociate(self, from_type: str, from_id: str, to_type: str, to_id: str) -> None:
        with self._lock:
            self.links.get((from_type, to_type), {}).get(from_id, {}).pop(to_id, None)
            self.links.get((to_type, from_type), {}).get(to_id, {}).pop(from_id, None)

    def add_owner(self, email: str | None, first: str, last: str, *, archived: bool = False) -> str:
        owner_id = str(100 + len(self.owners) + 1)
        stamp = ms_to_iso(_ms(datetime(2026, 1, 1, tzinfo=UTC)))
        owner = {"id": owner_id, "firstName": first, "lastName": last, "userId": 9000 + len(self.owners),
                 "createdAt": stamp, "updatedAt": stamp, "archived": archived, "teams": []}
        if email:
            owner["email"] = email
        self.owners.append(owner)
        return owner_id

    # -- seeding --------------------------------------------------------------------------------
    def _seed_pipelines(self) -> None:
        def stages(rows: tuple[tuple[str, str, bool, str], ...]) -> list[dict[str, Any]]:
            return [{"id": sid, "label": label, "displayOrder": i, "archived": False,
                     "metadata": {"isClosed": "true" if closed else "false", "probability": prob}}
                    for i, (sid, label, closed, prob) in enumerate(rows)]
        self.pipelines["deals"] = [
            {"id": "default", "label": "Sales Pipeline", "displayOrder": 0, "archived": False,
             "stages": stages(DEAL_STAGES)},
            {"id": "maintenance", "label": "Maintenance contracts", "displayOrder": 1, "archived": False,
             "stages": stages(MAINTENANCE_STAGES)}]

    def seed(self, org: DemoOrg) -> None:
        """Owners, companies, meetings/calls and deals with line items from the demo organisation."""
        owner_of: dict[str, str] = {}
        for user in org.users:
            first, _, last = user.name.partition(" ")
            owner_id = self.add_owner(user.email, first, last)
            if user.email:
                owner_of[user.email] = owner_id
        company_of: dict[str, str] = {}
        base = datetime(2026, 1, 1, 8, tzinfo=UTC)
        for i, acc in enumerate(org.accounts):
            company_of[acc.key] = self.add("companies", {
                "name": acc.name, "zip": acc.postal_code, "city": acc.city,
                "country": "France" if acc.country == "FR" else acc.country, "industry": acc.industry,
                "type": acc.account_type, "annualrevenue": acc.annual_revenue, "description": acc.description,
                "hubspot_owner_id": owner_of.get(acc.owner_email or "")}, modified=base + timedelta(minutes=i))
        as_of = _ms(org.as_of)
        for act in org.activities:
            start = act.start or (datetime.combine(act.all_day, datetime.min.time(), UTC) if act.all_day else None)
            done = _ms(start) + act.duration_minutes * 60_000 if start else as_of
            stamp = done if done < as_of else _created_before(act.key, as_of)
            owner = owner_of.get(act.owner_email or "")
            if act.kind == "call":
                props = {"hs_call_title": act.subject, "hs_timestamp": _iso(start), "hubspot_owner_id": owner,
                         "hs_call_status": CALL_STATUS.get(act.status),
                         "hs_call_disposition": CALL_DISPOSITION.get(act.status)}
                object_type = "calls"
            else:
                end = start + timedelta(minutes=act.duration_minutes) if start else None
                props = {"hs_meeting_title": act.subject, "hs_timestamp": _iso(start),
                         "hs_meeting_start_time": _iso(start), "hs_meeting_end_time": _iso(end),
                         "hs_meeting_outcome": MEETING_OUTCOME.get(act.status), "hubspot_owner_id": owner,
                         "hs_activity_type": "Visite client" if act.kind == "visit" else "Réunion"}
                object_type = "meetings"
            company = company_of.get(act.account_key or "")
            record = self.add(object_type, props, modified=stamp, companies=(company,) if company else ())
            if act.deleted:
                self.tables[object_type].rows[record].archived_at = stamp
                self.tables[object_type].archived[record] = self.tables[object_type].rows.pop(record)
        products = {code: self.add("products", {"name": label, "hs_sku": code, "price": price},
                                   modified=base) for code, (label, price) in org.products.items()}
        open_stages = [s[0] for s in DEAL_STAGES if not s[2]]
        for i, deal in enumerate(org.deals):
            stage = {"won": "closedwon", "lost": "closedlost"}.get(deal.stage, open_stages[i % len(open_stages)])
            close = datetime.combine(deal.close_date, datetime.min.time(), UTC)
            closed = _ms(close) + 12 * 3_600_000
            stamp = closed if closed < as_of else _created_before(deal.key, as_of)
            deal_id = self.add("deals", {
                "dealname": deal.name, "amount": deal.amount, "deal_currency_code": deal.currency,
                "closedate": _iso(close), "pipeline": "default", "dealstage": stage,
                "hubspot_owner_id": owner_of.get(deal.owner_email or "")}, modified=stamp)
            company = company_of.get(deal.account_key or "")
            if company:
                self.associate("deals", deal_id, "companies", company, primary=True)
            for code, quantity, amount in deal.lines:
                line = self.add("line_items", {"name": org.products[code][0], "hs_sku": code, "quantity": quantity,
                                               "amount": amount,
                                               "hs_product_id": products.get(code)}, modified=stamp)
                self.associate("deals", deal_id, "line_items", line)

    # -- dispatch -------------------------------------------------------------------------------
    def handle(self, request: Request, fault: Fault | None) -> Response:
        body: Any = None
        if request.body and "json" in request.headers.get("content-type", "json"):
            try:
                body = request.json()
            except ValueError:
                return _error(400, "Invalid input JSON", "VALIDATION_ERROR")
        self.requests.append((request.method, request.path, body))
        if request.path.startswith("/oauth/"):
            return self._oauth(request)
        denied = self._auth(request, fault)
        if denied is not None:
            return denied
        search = request.method == "POST" and request.path.endswith("/search")
        limited = self._limits(search, fault)
        if limited is not None:
            return limited
        if fault is not None and fault.kind == "server_error":
            return _error(int(fault.detail.get("status", 502)),
                          "Internal error; please try again" + _echo(request, fault), "INTERNAL_ERROR")
        with self._lock:
            try:
                response = self._route(request, body, fault)
            except hubspot_search.SearchError as exc:
                response = _error(400, str(exc), "VALIDATION_ERROR")
        if not search:
            response.headers.update(self._rate_headers())
        return response

    def _auth(self, request: Request, fault: Fault | None) -> Response | None:
        header = request.headers.get("authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        if fault is not None and fault.kind == "expire_session":
            self.tokens.clear()
            if token:
                return _error(401, "The OAuth token used to make this call expired 0 second(s) ago.",
                              "EXPIRED_AUTHENTICATION")
        if token == SANDBOX_TOKEN or token in self.tokens:
            return None
        return _error(401, "Authentication credentials not found. This API supports OAuth 2.0 authentication and "
                      "you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
                      "INVALID_AUTHENTICATION")

    def _limits(self, search: bool, fault: Fault | None) -> Response | None:
        now = time.monotonic()
        with self._lock:
            if self._today() != self._day:
                self._day, self.daily_used = self._today(), 0
            if (fault is not None and fault.kind == "quota") or self.daily_used >= self.daily_limit:
                return self._too_many("You have reached your daily limit.", "DAILY", 3600)
            if fault is not None and fault.kind == "rate_limit":
                return self._too_many("You have reached your ten_secondly_rolling limit.", "TEN_SECONDLY_ROLLING",
                                      float(fault.detail.get("retry_after", 1)))
            if search:
                if self.search_per_second:
                    while self._search_window and self._search_window[0] <= now - 1.0:
                        self._search_window.popleft()
                    if len(self._search_window) >= self.search_per_second:
                        return self._too_many("You have reached your secondly limit.", "SECONDLY", 1)
                    self._search_window.append(now)
            else:
                while self._window and self._window[0] <= now - 10.0:
                    self._window.popleft()
                if len(self._window) >= self.ten_second_limit:
                    wait = max(self._window[0] + 10.0 - now, 0.1)
                    return self._too_many("You have reached your ten_secondly_rolling limit.",
                                          "TEN_SECONDLY_ROLLING", wait)
                self._window.append(now)
            self.daily_used += 1
        return None

    def _too_many(self, message: str, policy: str, retry_after: float) -> Response:
        body = {"status": "error", "message": message, "errorType": "RATE_LIMIT", "correlationId": str(uuid.uuid4()),
                "policyName": policy}
        headers = {"Retry-After": f"{retry_after:g}"} | self._rate_headers()
        return Response(429, body, headers)

    def _rate_headers(self) -> dict[str, str]:
        return {"X-HubSpot-RateLimit-Daily": str(self.daily_limit),
                "X-HubSpot-RateLimit-Daily-Remaining": str(max(self.daily_limit - self.daily_used, 0)),
                "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
                "X-HubSpot-RateLimit-Max": str(self.ten_second_limit),
                "X-HubSpot-RateLimit-Remaining": str(max(self.ten_second_limit - len(self._window), 0))}

    def _oauth(self, request: Request) -> Response:
        if request.path != "/oauth/v1/token" or request.method != "POST":
            return _error(404, "Not found", "OBJECT_NOT_FOUND")
        form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}
        if form.get("grant_type") != "refresh_token":
            return Response(400, {"status": "BAD_GRANT_TYPE", "message": "grant_type must be refresh_token here"})
        if form.get("client_id") != OAUTH_CLIENT_ID or form.get("client_secret") != OAUTH_CLIENT_SECRET:
            return Response(400, {"status": "BAD_CLIENT_ID", "message": "missing or unknown client id"})
        if form.get("refresh_token") != OAUTH_REFRESH_TOKEN:
            return Response(400, {"status": "BAD_REFRESH_TOKEN", "message": "missing or unknown refresh token"})
        token = f"hs-oauth-{uuid.uuid4().hex}"
        with self._lock:
            self.tokens.add(token)
        return Response(200, {"token_type": "bearer", "refresh_token": OAUTH_REFRESH_TOKEN, "access_token": token,
                              "expires_in": 1800})

    def _route(self, request: Request, body: Any, fault: Fault | None) -> Response:
        return _route(self, request, body, fault)


SEED_SPREAD_SECONDS = 30 * 86_400


def _created_before(key: str, latest_ms: int) -> int:
    """The stamp of a seeded record dated after the org's clock (a planned meeting, an open deal): it was
    created, and last modified, at some point of the 30 days before the clock, spread by its key (as in
    a real portal), never all at the same instant: an incremental read's overlap window holds a few of
    them, not thousands."""
    return latest_ms - (1 + zlib.crc32(key.encode()) % SEED_SPREAD_SECONDS) * 1000


def _str(value: Any) -> str:
    if isinstance(value, datetime):
        return _iso(value) or ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _iso(value: datetime | None) -> str | None:
    return ms_to_iso(_ms(value)) if value else None


# -- routes ------------------------------------------------------------------------------------------
def _route(api: HubSpotApi, req: Request, body: Any, fault: Fault | None) -> Response:
    parts = [p for p in req.path.split("/") if p]
    method = req.method
    if parts[:3] == ["crm", "v3", "objects"] and len(parts) >= 4:
        table = api.table(parts[3])
        if table is None:
            return _error(400, f"Unable to infer object type from: {parts[3]}", "VALIDATION_ERROR")
        rest = parts[4:]
        if rest == ["search"] and method == "POST":
            return _search(api, table, body or {})
        if len(rest) == 2 and rest[0] == "batch" and method == "POST":
            return _batch(api, table, rest[1], body or {}, req, fault)
        if not rest and method == "GET":
            return _list(table, req)
        if len(rest) == 1 and method == "GET":
            return _get(table, rest[0], req)
        if not rest and method == "POST":
            return _create(api, table, body or {})
    if parts[:3] == ["crm", "v4", "associations"] and len(parts) in (7, 8) and parts[5] == "batch" \
            and method == "POST":
        return _associations(api, parts[3], parts[4], parts[6], body or {})
    if parts[:3] == ["crm", "v4", "associations"] and len(parts) == 6 and parts[5] == "labels" and method == "GET":
        return _association_labels(api, parts[3], parts[4])
    if parts[:3] == ["crm", "v3", "properties"] and len(parts) >= 4:
        table = api.table(parts[3])
        if table is None:
            return _error(400, f"Unable to infer object type from: {parts[3]}", "VALIDATION_ERROR")
        return _properties(table, parts[4:], method, body)
    if parts[:3] == ["crm-object-schemas", "v3", "schemas"]:
        return _schemas(api, parts[3:], method, body)
    if parts[:3] == ["crm", "v3", "owners"]:
        return _owners(api, req)
    if parts[:3] == ["crm", "v3", "pipelines"] and len(parts) == 4 and method == "GET":
        if parts[3] not in api.pipelines:
            return _error(400, f"Unable to infer object type from: {parts[3]}", "VALIDATION_ERROR")
        return Response(200, {"results": api.pipelines[parts[3]]})
    if parts[:1] == ["account-info"]:
        return Response(200, {"portalId": PORTAL_ID, "accountType": "STANDARD", "timeZone": "Europe/Paris",
                              "companyCurrency": "EUR", "utcOffset": "+01:00"})
    return _error(404, f"no sandbox HubSpot endpoint {method} {req.path}", "OBJECT_NOT_FOUND")


def _props_arg(req: Request) -> list[str] | None:
    values = req.query.get("properties") or []
    props = [p for v in values for p in v.split(",") if p]
    return props or None


def _search(api: HubSpotApi, table: Table, body: dict[str, Any]) -> Response:
    rows, keys = table.by_modified()
    page, total, after = hubspot_search.run(body, rows, keys, table.kind, table.totals)
    props = list(body.get("properties") or []) or ["hs_object_id", "hs_createdate", "hs_lastmodifieddate"]
    out: dict[str, Any] = {"total": total, "results": [o.render(props) for o in page]}
    if after is not None:
        out["paging"] = {"next": {"after": str(after), "link": ""}}
    return Response(200, out)


def _list(table: Table, req: Request) -> Response:
    archived = (req.arg("archived") or "false").lower() == "true"
    source = table.archived if archived else table.rows
    limit = min(int(req.arg("limit") or 10), 100)
    after = int(req.arg("after") or 0)
    ids = sorted(int(i) for i in source if int(i) > after)
    page = ids[:limit]
    out: dict[str, Any] = {"results": [source[str(i)].render(_props_arg(req)) for i in page]}
    if len(ids) > limit:
        out["paging"] = {"next": {"after": str(page[-1]), "link": ""}}
    return Response(200, out)


def _get(table: Table, object_id: str, req: Request) -> Response:
    archived = (req.arg("archived") or "false").lower() == "true"
    source = table.archived if archived else table.rows
    id_property = req.arg("idProperty")
    if id_property:
        object_id = table.unique.get(id_property, {}).get(object_id, "")
    obj = source.get(object_id)
    if obj is None:
        return _error(404, "Object not found.  objectId are usually numeric.", "OBJECT_NOT_FOUND")
    history = [p for v in req.query.get("propertiesWithHistory") or [] for p in v.split(",") if p]
    return Response(200, obj.render(_props_arg(req), history))


def _invalid(table: Table, props: dict[str, Any]) -> str | None:
    """Why a property map cannot be written (unknown, read-only, bad number or option), or None."""
    for name, value in props.items():
        prop = table.properties.get(name)
        if prop is None:
            return f'Property "{name}" does not exist'
        if name in _READ_ONLY:
            return f'"{name}" is a read only property; its value cannot be set.'
        if value in (None, ""):
            continue
        if prop["type"] == "number" and hubspot_search.typed("number", value) is None:
            return f'{value} was not a valid number for property "{name}"'
        if prop["type"] in ("date", "datetime") and hubspot_search.iso_to_ms(str(value)) is None:
            return f'{value} was not a valid date for property "{name}"'
        options = prop.get("options") or []
        if prop["type"] == "enumeration" and options and prop.get("custom") \
                and str(value) not in {o["value"] for o in options}:
            return f'{value} was not one of the allowed options for property "{name}"'
    return None


def _create(api: HubSpotApi, table: Table, body: dict[str, Any]) -> Response:
    props = body.get("properties") or {}
    problem = _invalid(table, props)
    if problem:
        return _error(400, problem, "VALIDATION_ERROR")
    object_id = api.add(table.name, props, source=INTEGRATION_SOURCE)
    return Response(201, table.rows[object_id].render(list(props)))


def _batch(api: HubSpotApi, table: Table, verb: str, body: dict[str, Any], req: Request,
           fault: Fault | None) -> Response:
    inputs = body.get("inputs") or []
    limit = 100
    if len(inputs) > limit:
        return _error(400, f"Batch of {len(inputs)} inputs exceeds the limit of {limit}", "VALIDATION_ERROR")
    started = ms_to_iso(api.now_ms())
    if verb == "read":
        id_property = body.get("idProperty")
        archived = (req.arg("archived") or "false").lower() == "true"
        source = table.archived if archived else table.rows
        results, missing = [], []
        for item in inputs:
            key = str(item.get("id"))
            object_id = table.unique.get(id_property, {}).get(key, "") if id_property else key
            obj = source.get(object_id)
            if obj is None:
                missing.append(key)
            else:
                results.append(obj.render(list(body.get("properties") or []),
                                          list(body.get("propertiesWithHistory") or [])))
        out = _batch_body(started, results, [_input_error("OBJECT_NOT_FOUND", "Could not get some objects",
                                                          missing)] if missing else [])
        return Response(207 if missing else 200, out)
    if verb not in ("update", "upsert", "create"):
        return _error(404, f"no batch {verb}", "OBJECT_NOT_FOUND")
    locked = None
    if fault is not None and fault.kind == "lock_row" and inputs:
        wanted = fault.detail.get("key")
        locked = next((str(i.get("id")) for i in inputs if str(i.get("id")) == wanted), str(inputs[0].get("id")))
    id_property = body.get("idProperty") if verb != "upsert" else None
    results: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for item in inputs:
        key = str(item.get("id", ""))
        props = dict(item.get("properties") or {})
        if locked is not None and key == locked:
            errors.append(_input_error("CONFLICT", "The record is being updated by another process; retry later"
                                       + _echo(req, fault),
                                       [key]))
            continue
        problem = _invalid(table, props)
        if problem:
            errors.append(_input_error("VALIDATION_ERROR", problem, [key]))
            continue
        if verb == "create":
            object_id = api.add(table.name, props, source=INTEGRATION_SOURCE)
            results.append(table.rows[object_id].render(list(props)))
            continue
        if verb == "upsert":
            unique = item.get("idProperty")
            if not unique or unique not in table.unique:
                errors.append(_input_error("VALIDATION_ERROR", f"idProperty {unique!r} is not a unique property",
                                           [key]))
                continue
            object_id = table.unique[unique].get(key)
            new = object_id is None
            if new:
                object_id = api.add(table.name, props | {unique: key}, source=INTEGRATION_SOURCE)
                table.unique[unique][key] = object_id
            else:
                api.update(table.name, object_id, props, source=INTEGRATION_SOURCE)
            rendered = table.rows[object_id].render(sorted(set(props) | {unique}))
            results.append(rendered | {"new": new})
            continue
        object_id = table.unique.get(id_property, {}).get(key) if id_property else key
        if object_id not in table.rows:
            errors.append(_input_error("OBJECT_NOT_FOUND", f"No object with id {key}", [key]))
            continue
        api.update(table.name, object_id, props, source=INTEGRATION_SOURCE)
        results.append(table.rows[object_id].render(list(props)))
    status = 207 if errors else (201 if verb == "create" else 200)
    return Response(status, _batch_body(started, results, errors))


def _batch_body(started: str, results: list[Any], errors: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"status": "COMPLETE", "results": results, "startedAt": started,
                           "completedAt": ms_to_iso(int(time.time() * 1000))}
    if errors:
        out["numErrors"] = len(errors)
        out["errors"] = errors
    return out


def _input_error(category: str, message: str, ids: list[str]) -> dict[str, Any]:
    return {"status": "error", "category": category, "message": message, "context": {"ids": ids},
            "errors": [], "links": {}}


def _associations(api: HubSpotApi, from_type: str, to_type: str, verb: str, body: dict[str, Any]) -> Response:
    from_table, to_table = api.table(from_type), api.table(to_type)
    if from_table is None or to_table is None:
        return _error(400, f"Unknown object type {from_type} or {to_type}", "VALIDATION_ERROR")
    inputs = body.get("inputs") or []
    if len(inputs) > 1000:
        return _error(400, "Batch of inputs exceeds the limit of 1000", "VALIDATION_ERROR")
    started = ms_to_iso(api.now_ms())
    links = api.links.get((from_table.name, to_table.name), {})
    if verb == "associate":      # .../batch/associate/default arrives as verb "associate" + "default"
        verb = "default"
    pair = (from_table.name, to_table.name)
    if verb in ("default", "create", "archive") and pair not in api.assoc_types:
        return _error(400, f"No association definition exists between {from_type} and {to_type}",
                      "VALIDATION_ERROR")
    if verb in ("default", "create"):
        return _associate_batch(api, from_table, to_table, verb, inputs, started)
    if verb == "archive":
        for item in inputs:
            for to in item.get("to") or []:
                api.unassociate(from_table.name, str(item["from"]["id"]), to_table.name, str(to["id"]))
        return Response(204, None)
    if verb != "read":
        return _error(404, f"no association batch {verb}", "OBJECT_NOT_FOUND")
    results, missing = [], []
    for item in inputs:
        from_id = str(item.get("id"))
        tos = links.get(from_id)
        if not tos:
            missing.append(from_id)
            continue
        category = api.assoc_types.get((from_table.name, to_table.name), ("HUBSPOT_DEFINED", 0))[0]
        results.append({"from": {"id": from_id}, "to": [
            {"toObjectId": int(to_id), "associationTypes": [
                {"category": "HUBSPOT_DEFINED" if label == "Primary" else category, "typeId": type_id,
                 "label": label}]}
            for to_id, (type_id, label) in sorted(tos.items(), key=lambda kv: int(kv[0]))]})
    errors = [_input_error("NO_ASSOCIATIONS_FOUND", f"No {to_type} is associated with {from_type} {i}.", [i])
              for i in missing]
    return Response(207 if errors else 200, _batch_body(started, results, errors))


def _associate_batch(api: HubSpotApi, from_table: Table, to_table: Table, verb: str, inputs: list[dict[str, Any]],
                     started: str) -> Response:
    """``batch/associate/default`` (the pair's default type) or ``batch/create`` (the types given, which must
    be the pair's): both records must exist; 201 with the labels between each pair, 207 naming the missing."""
    category, type_id = api.assoc_types[(from_table.name, to_table.name)]
    results, errors = [], []
    for item in inputs:
        from_id, to_id = str(item["from"]["id"]), str(item["to"]["id"])
        if verb == "create":
            types = item.get("types") or []
            if not types or any((t.get("associationCategory"), t.get("associationTypeId")) != (category, type_id)
                                for t in types):
                return _error(400, f"associationTypeId/associationCategory must be {type_id}/{category} between "
                              f"{from_table.name} and {to_table.name}", "VALIDATION_ERROR")
        missing = [i for i, t in ((from_id, from_table), (to_id, to_table)) if i not in t.rows]
        if missing:
            errors.append(_input_error("OBJECT_NOT_FOUND", f"No object with id {', '.join(missing)}", missing))
            continue
        api.associate(from_table.name, from_id, to_table.name, to_id)
        if verb == "create":
            results.append({"fromObjectTypeId": from_table.type_id, "fromObjectId": from_id,
                            "toObjectTypeId": to_table.type_id, "toObjectId": to_id, "labels": []})
        else:
            results.append({"from": {"id": from_id}, "to": {"id": to_id},
                            "associationSpec": {"associationCategory": category, "associationTypeId": type_id}})
    ok = 201 if verb == "create" else 200
    return Response(207 if errors else ok, _batch_body(started, results, errors))


def _association_labels(api: HubSpotApi, from_type: str, to_type: str) -> Response:
    """``GET /crm/v4/associations/{from}/{to}/labels``: the association types between two object types."""
    from_table, to_table = api.table(from_type), api.table(to_type)
    if from_table is None or to_table is None:
        return _error(400, f"Unknown object type {from_type} or {to_type}", "VALIDATION_ERROR")
    found = api.assoc_types.get((from_table.name, to_table.name))
    results = [] if found is None else [{"category": found[0], "typeId": found[1], "label": None}]
    return Response(200, {"results": results})


def _properties(table: Table, rest: list[str], method: str, body: Any) -> Response:
    if rest == ["groups"]:
        if method == "GET":
            return Response(200, {"results": list(table.groups.values())})
        if not body or not body.get("name") or not body.get("label"):
            return _error(400, "A property group needs name and label", "VALIDATION_ERROR")
        if body["name"] in table.groups:
            return _error(409, f"A property group named '{body['name']}' already exists.", "OBJECT_ALREADY_EXISTS")
        group = {"name": body["name"], "label": body["label"], "displayOrder": body.get("displayOrder", -1),
                 "archived": False}
        table.groups[body["name"]] = group
        return Response(201, group)
    if rest == ["batch", "create"] and method == "POST":
        results, errors = [], []
        for item in (body or {}).get("inputs") or []:
            made = _define(table, item)
            if isinstance(made, Response):
                errors.append(_input_error(made.body["category"], made.body["message"], [str(item.get("name"))]))
            else:
                results.append(made)
        started = ms_to_iso(int(time.time() * 1000))
        return Response(207 if errors else 201, _batch_body(started, results, errors))
    if not rest:
        if method == "GET":
            return Response(200, {"results": list(table.properties.values())})
        made = _define(table, body or {})
        return made if isinstance(made, Response) else Response(201, made)
    if len(rest) == 1 and method == "GET":
        prop = table.properties.get(rest[0])
        return Response(200, prop) if prop else _error(404, f"Unable to find property {rest[0]}", "OBJECT_NOT_FOUND")
    if len(rest) == 1 and method == "PATCH":
        return _update_property(table, rest[0], body or {})
    return _error(404, "no such properties endpoint", "OBJECT_NOT_FOUND")


_PATCHABLE = {"label", "description", "groupName", "options", "displayOrder", "hidden", "formField", "fieldType",
              "type", "calculationFormula", "currencyPropertyName", "numberDisplayHint", "showCurrencySymbol",
              "textDisplayHint"}


def _update_property(table: Table, name: str, body: dict[str, Any]) -> Response:
    """``PATCH /crm/v3/properties/{objectType}/{propertyName}`` (PropertyUpdate): HubSpot's own properties are
    read-only definitions; options need label, value and hidden."""
    prop = table.properties.get(name)
    if prop is None:
        return _error(404, f"Unable to find property {name}", "OBJECT_NOT_FOUND")
    if prop["modificationMetadata"]["readOnlyDefinition"]:
        return _error(400, f"{name} is a HubSpot-defined property; its definition cannot be changed",
                      "VALIDATION_ERROR")
    unknown = sorted(set(body) - _PATCHABLE)
    if unknown:
        return _error(400, f"Unrecognized field(s) {', '.join(unknown)} in PropertyUpdate", "VALIDATION_ERROR")
    options = body.get("options")
    if options is not None and any(not {"label", "value", "hidden"} <= set(o) for o in options):
        return _error(400, "Each option needs label, value and hidden", "VALIDATION_ERROR")
    if body.get("groupName") and body["groupName"] not in table.groups:
        return _error(400, f"Property group {body['groupName']} does not exist", "VALIDATION_ERROR")
    prop.update({k: v for k, v in body.items()})
    return Response(200, prop)


_KINDS = {"string", "number", "date", "datetime", "enumeration", "bool"}
_FIELD_TYPES = {"textarea", "text", "date", "file", "number", "select", "radio", "checkbox", "booleancheckbox",
                "calculation_equation"}


def _define(table: Table, item: dict[str, Any], *, group_required: bool = True) -> dict[str, Any] | Response:
    missing = [k for k in ("name", "label", "type", "fieldType", "groupName") if not item.get(k)]
    if missing and not (missing == ["groupName"] and not group_required):
        return _error(400, f"Property is missing {', '.join(missing)}", "VALIDATION_ERROR")
    if item["type"] not in _KINDS or item["fieldType"] not in _FIELD_TYPES:
        return _error(400, f"Invalid type/fieldType {item['type']}/{item['fieldType']}", "VALIDATION_ERROR")
    if group_required and item["groupName"] not in table.groups:
        return _error(400, f"Property group {item['groupName']} does not exist", "VALIDATION_ERROR")
    if item["name"] in table.properties:
        return _error(409, f"Property {item['name']} already exists", "OBJECT_ALREADY_EXISTS")
    prop = table.define(item["name"], item["type"], item["fieldType"], group=item.get("groupName", ""),
                        label=item["label"], unique=bool(item.get("hasUniqueValue")), options=item.get("options"),
                        custom=True)
    prop["custom"] = True
    return prop


def _schemas(api: HubSpotApi, rest: list[str], method: str, body: Any) -> Response:
    if api.tier == "starter":
        return _error(403, "This portal does not have access to custom objects (requires an Enterprise "
                      "subscription).", "MISSING_SCOPES")
    if not rest and method == "GET":
        return Response(200, {"results": list(api.schemas.values())})
    if rest:
        schema = next((s for s in api.schemas.values() if rest[0] in (s["name"], s["objectTypeId"],
                                                                      s["fullyQualifiedName"])), None)
        if schema is None:
            return _error(404, f"Unknown object type {rest[0]}", "OBJECT_NOT_FOUND")
        if len(rest) == 1 and method == "GET":
            return Response(200, schema)
        if len(rest) == 1 and method == "PATCH":
            return _update_schema(api, schema, body or {})
        if rest[1:] == ["associations"] and method == "POST":
            return _define_association(api, schema, body or {})
        return _error(404, "no such schemas endpoint", "OBJECT_NOT_FOUND")
    if method != "POST":
        return _error(404, "no such schemas endpoint", "OBJECT_NOT_FOUND")
    body = body or {}
    name = body.get("name")
    if not name or not body.get("labels") or not body.get("properties"):
        return _error(400, "A schema needs name, labels and properties", "VALIDATION_ERROR")
    if name in api.schemas or name in api.tables:
        return _error(409, f"An object type named {name} already exists", "OBJECT_ALREADY_EXISTS")
    type_id = f"2-{1000 + len(api.schemas) + 1}"
    table = Table(name, type_id)
    for prop, kind, field_type in _DEFAULT_PROPERTIES:
        table.define(prop, kind, field_type)
    table.groups[f"{name}information"] = {"name": f"{name}information", "label": f"{name} information",
                                          "displayOrder": 0, "archived": False}
    for item in body["properties"]:
        made = _define(table, item | {"groupName": f"{name}information"})
        if isinstance(made, Response):
            return made
    table.define("hubspot_owner_id", "enumeration", "select")
    targets = []
    for other in body.get("associatedObjects") or []:
        target = api.table(STANDARD_OBJECTS.get(str(other).upper(), str(other)))
        if target is None:
            return _error(400, f"associatedObjects: unknown object type {other}", "VALIDATION_ERROR")
        targets.append(target)
    api.tables[name] = table
    stamp = ms_to_iso(api.now_ms())
    schema = {"id": type_id.split("-")[1], "objectTypeId": type_id, "name": name, "labels": body["labels"],
              "fullyQualifiedName": f"p{PORTAL_ID}_{name}", "properties": list(table.properties.values()),
              "primaryDisplayProperty": body.get("primaryDisplayProperty"),
              "requiredProperties": body.get("requiredProperties") or [],
              "searchableProperties": body.get("searchableProperties") or [],
              "associations": [{"fromObjectTypeId": type_id, "toObjectTypeId": target.type_id,
                                "name": f"{name}_to_{target.name}",
                                "id": str(api.define_association(name, target.name)),
                                "createdAt": stamp, "updatedAt": stamp}
                               for target in targets],
              "createdAt": stamp, "updatedAt": stamp, "archived": False}
    api.schemas[name] = schema
    return Response(201, schema)


STANDARD_OBJECTS = {"CONTACT": "contacts", "COMPANY": "companies", "DEAL": "deals", "TICKET": "tickets",
                    "LINE_ITEM": "line_items", "PRODUCT": "products", "TASK": "tasks", "MEETING": "meetings",
                    "CALL": "calls", "NOTE": "notes"}


def _define_association(api: HubSpotApi, schema: dict[str, Any], body: dict[str, Any]) -> Response:
    """``POST /crm-object-schemas/v3/schemas/{objectType}/associations`` (AssociationDefinitionEgg)."""
    missing = [k for k in ("fromObjectTypeId", "toObjectTypeId") if not body.get(k)]
    if missing:
        return _error(400, f"AssociationDefinitionEgg is missing {', '.join(missing)}", "VALIDATION_ERROR")
    source, target = api.table(str(body["fromObjectTypeId"])), api.table(str(body["toObjectTypeId"]))
    if source is None or target is None:
        return _error(400, "Unknown fromObjectTypeId or toObjectTypeId", "VALIDATION_ERROR")
    if source.type_id != schema["objectTypeId"]:
        return _error(400, "fromObjectTypeId must be the schema's own object type", "VALIDATION_ERROR")
    if (source.name, target.name) in api.assoc_types:
        return _error(409, f"An association between {source.name} and {target.name} already exists",
                      "OBJECT_ALREADY_EXISTS")
    stamp = ms_to_iso(api.now_ms())
    definition = {"id": str(api.define_association(source.name, target.name)), "fromObjectTypeId": source.type_id,
                  "toObjectTypeId": target.type_id, "name": body.get("name") or f"{source.name}_to_{target.name}",
                  "createdAt": stamp, "updatedAt": stamp}
    schema["associations"].append(definition)
    return Response(201, definition)


def _update_schema(api: HubSpotApi, schema: dict[str, Any], body: dict[str, Any]) -> Response:
    """``PATCH /crm-object-schemas/v3/schemas/{objectType}`` (ObjectTypeDefinitionPatch): labels and display
    settings; the name and the properties cannot change here."""
    allowed = {"labels", "primaryDisplayProperty", "secondaryDisplayProperties", "searchableProperties",
               "requiredProperties", "description", "clearDescription", "restorable", "allowsSensitiveProperties"}
    unknown = sorted(set(body) - allowed)
    if unknown:
        return _error(400, f"Unrecognized field(s) {', '.join(unknown)} in ObjectTypeDefinitionPatch",
                      "VALIDATION_ERROR")
    labels = body.get("labels")
    if labels is not None and not (isinstance(labels, dict) and labels.get("singular") and labels.get("plural")):
        return _error(400, "labels needs singular and plural", "VALIDATION_ERROR")
    schema.update(body)
    schema["updatedAt"] = ms_to_iso(api.now_ms())
    return Response(200, {k: v for k, v in schema.items() if k != "associations"})


def _owners(api: HubSpotApi, req: Request) -> Response:
    archived = (req.arg("archived") or "false").lower() == "true"
    email = (req.arg("email") or "").lower()
    owners = [o for o in api.owners if o["archived"] == archived and (not email or o.get("email", "") == email)]
    limit = min(int(req.arg("limit") or 100), 500)
    after = int(req.arg("after") or 0)
    page = owners[after:after + limit]
    out: dict[str, Any] = {"results": page}
    if after + limit < len(owners):
        out["paging"] = {"next": {"after": str(after + limit), "link": ""}}
    return Response(200, out)
