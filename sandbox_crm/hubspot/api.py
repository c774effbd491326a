"""The sandbox CRM's HubSpot dialect: the subset of CRM v3 / associations v4 the connector uses.

Wire formats follow HubSpot's published OpenAPI specs (HubSpot/HubSpot-public-api-spec-collection):
objects (basic get/list with ``archived``, search, batch read/update/upsert with 207 multi-status;
``objects.py``, ``search.py``), associations v4 (``associations.py``), properties, groups and custom object
schemas (``properties.py``), owners and deal pipelines (``owners.py``), and the OAuth token endpoint with
Bearer auth and HubSpot's 401 bodies (``auth.py``); the ``X-HubSpot-RateLimit-*`` headers from a real rolling
10-second window and a daily counter, 429 bodies as documented (``limits.py``). Faults (``server.faults``,
``faults.py``): rate_limit, server_error, drop (core), expire_session, lock_row (one record of a batch write
refused, retryable; ``context=`` says how its error names it), quota (daily limit reached), conflict (a batch
write answered 409 CONFLICT), invalid_input (a batch write holding input ``key`` refused whole, 400 VALIDATION_ERROR,
as HubSpot answers an upsert or update with one invalid value); with ``echo=True``,
server_error and lock_row messages echo the request's Authorization header (redaction tests).

``HubSpotApi`` owns one of each component, all sharing one ``Portal`` (the data, ``portal.py``), and routes each
request to the component that answers it. Seeded from the demo organisation's "hubspot" records. Helpers
(``add``, ``archive``, ``merge``, ``associate``, ``update``...) let tests and benchmarks shape the portal directly.
"""

from __future__ import annotations

import time
from collections import deque
from datetime import datetime
from typing import Any

from sandbox_crm.demo_org import DemoOrg
from sandbox_crm.faults import Fault
from sandbox_crm.http import Request, Response
from sandbox_crm.hubspot.associations import Associations
from sandbox_crm.hubspot.auth import Auth
from sandbox_crm.hubspot.limits import RateLimits
from sandbox_crm.hubspot.objects import Objects
from sandbox_crm.hubspot.owners import Owners
from sandbox_crm.hubspot.portal import Portal
from sandbox_crm.hubspot.properties import Properties, Schemas
from sandbox_crm.hubspot.records import PORTAL_ID, TIERS, Table, echo, error
from sandbox_crm.hubspot.search import Search, SearchError


class HubSpotApi:
    """The HubSpot portal of the sandbox CRM (``tier``: starter | professional | enterprise; ``opaque_cursors``: search
    cursors as opaque tokens, see ``Search``)."""

    name = "hubspot"
    prefixes: tuple[str, ...] = ("/crm/", "/crm-object-schemas/", "/oauth/", "/account-info/")

    def __init__(self, org: DemoOrg | None = None, *, tier: str = "enterprise", ten_second_limit: int | None = None,
                 daily_limit: int | None = None, search_per_second: float | None = None,
                 clock: Any = time.time, opaque_cursors: bool = False) -> None:
        if tier not in TIERS:
            raise ValueError(f"tier must be one of {sorted(TIERS)}")
        self.portal = Portal(tier=tier, clock=clock)
        self.auth = Auth()
        self.limits = RateLimits(ten_second_limit or TIERS[tier][0], daily_limit or TIERS[tier][1],
                                 search_per_second)
        self.objects = Objects(self.portal)
        self.search = Search(opaque_cursors=opaque_cursors)
        self.associations = Associations(self.portal)
        self.properties = Properties()
        self.schemas_api = Schemas(self.portal, self.properties)
        self.owners_api = Owners(self.portal)
        self.requests: deque[tuple[str, str, Any]] = deque(maxlen=2_000)   # last (method, path, JSON body)
        if org is not None:
            self.portal.seed(org.for_crm("hubspot") if hasattr(org, "for_crm") else org)

    # -- the portal's data and helpers, for seeds, tests and benchmarks ------------------------------
    @property
    def tier(self) -> str:
        return self.portal.tier

    @property
    def tables(self) -> dict[str, Table]:
        return self.portal.tables

    @property
    def links(self) -> dict[tuple[str, str], dict[str, dict[str, tuple[int, str | None]]]]:
        return self.portal.links

    @property
    def owners(self) -> list[dict[str, Any]]:
        return self.portal.owners

    @property
    def pipelines(self) -> dict[str, list[dict[str, Any]]]:
        return self.portal.pipelines

    @property
    def schemas(self) -> dict[str, dict[str, Any]]:
        return self.portal.schemas

    @property
    def assoc_types(self) -> dict[tuple[str, str], tuple[str, int]]:
        return self.portal.assoc_types

    @property
    def tokens(self) -> set[str]:
        return self.auth.tokens

    @property
    def daily_used(self) -> int:
        return self.limits.daily_used

    @daily_used.setter
    def daily_used(self, value: int) -> None:
        self.limits.daily_used = value

    @property
    def daily_limit(self) -> int:
        return self.limits.daily_limit

    @property
    def ten_second_limit(self) -> int:
        return self.limits.ten_second_limit

    def now_ms(self) -> int:
        return self.portal.now_ms()

    def table(self, object_type: str) -> Table | None:
        return self.portal.table(object_type)

    def remove_option(self, object_type: str, prop: str, value: str) -> None:
        """An option deleted from a property in the portal's settings: gone from the properties API's ``options``,
        and a write of that value refused, as on a portal provisioned before pac wrote it."""
        table = self.portal.table(object_type)
        definition = table.properties.get(prop) if table is not None else None
        if definition is None or value not in {o.get("value") for o in definition.get("options") or []}:
            raise ValueError(f"{object_type}.{prop} has no option {value!r}")
        definition["options"] = [o for o in definition["options"] if o.get("value") != value]

    def add(self, object_type: str, properties: dict[str, Any], *, modified: datetime | int | None = None,
            companies: tuple[str, ...] | list[str] = (), primary: str | None = None,
            source: dict[str, Any] | None = None) -> str:
        """Create a record directly (``Portal.add``)."""
        return self.portal.add(object_type, properties, modified=modified, companies=companies, primary=primary,
                               source=source)

    def update(self, object_type: str, object_id: str, properties: dict[str, Any], *, touch: bool = True,
               by_user: int | str | None = None, source: dict[str, Any] | None = None) -> None:
        """Change a record as a person in the app, or as ``source`` (``Portal.update``)."""
        self.portal.update(object_type, object_id, properties, touch=touch, by_user=by_user, source=source)

    def archive(self, object_type: str, object_id: str) -> None:
        self.portal.archive(object_type, object_id)

    def merge(self, object_type: str, primary: str, other: str) -> str:
        """Merge two records into a new one, as HubSpot does (``Portal.merge``); the new id."""
        return self.portal.merge(object_type, primary, other)

    def associate(self, from_type: str, from_id: str, to_type: str, to_id: str, *, primary: bool = False,
                  type_id: int | None = None) -> None:
        self.portal.associate(from_type, from_id, to_type, to_id, primary=primary, type_id=type_id)

    def define_association(self, from_type: str, to_type: str) -> int:
        return self.portal.define_association(from_type, to_type)

    def unassociate(self, from_type: str, from_id: str, to_type: str, to_id: str) -> None:
        self.portal.unassociate(from_type, from_id, to_type, to_id)

    def add_owner(self, email: str | None, first: str, last: str, *, archived: bool = False) -> str:
        return self.portal.add_owner(email, first, last, archived=archived)

    def seed(self, org: DemoOrg) -> None:
        self.portal.seed(org)

    # -- dispatch -------------------------------------------------------------------------------
    def handle(self, request: Request, fault: Fault | None) -> Response:
        body: Any = None
        if request.body and "json" in request.headers.get("content-type", "json"):
            try:
                body = request.json()
            except ValueError:
                return error(400, "Invalid input JSON", "VALIDATION_ERROR")
        self.requests.append((request.method, request.path, body))
        if request.path.startswith("/oauth/"):      # the token endpoint fails as the API does: 5xx, 429
            if fault is not None and fault.kind == "server_error":
                return error(int(fault.detail.get("status", 502)), "Internal error; please try again",
                             "INTERNAL_ERROR")
            if fault is not None and fault.kind == "rate_limit":
                return self.limits.spend(False, fault) or self.auth.oauth(request)
            return self.auth.oauth(request)
        denied = self.auth.check(request, fault)
        if denied is not None:
            return denied
        search = request.method == "POST" and request.path.endswith("/search")
        limited = self.limits.spend(search, fault)
        if limited is not None:
            return limited
        if fault is not None and fault.kind == "server_error":
            # any status HubSpot's error handling page lists, in its words when the test gives them (423 Locked, 477
            # Migration in Progress with its Retry-After), else a 5xx
            failed = error(int(fault.detail.get("status", 502)),
                           str(fault.detail.get("message", "Internal error; please try again")) + echo(request, fault),
                           str(fault.detail.get("category", "INTERNAL_ERROR")))
            if "retry_after" in fault.detail:
                failed.headers["Retry-After"] = f"{fault.detail['retry_after']:g}"
            return failed
        with self.portal.lock:
            try:
                response = self._route(request, body, fault)
            except SearchError as exc:
                response = error(400, str(exc), "VALIDATION_ERROR")
        if not search:
            response.headers.update(self.limits.headers())
        return response

    def _route(self, req: Request, body: Any, fault: Fault | None) -> Response:
        """Route a request to the component that answers it."""
        parts = [p for p in req.path.split("/") if p]
        method = req.method
        if parts[:3] == ["crm", "v3", "objects"] and len(parts) >= 4:
            table = self.portal.table(parts[3])
            if table is None:
                return error(400, f"Unable to infer object type from: {parts[3]}", "VALIDATION_ERROR")
            rest = parts[4:]
            if rest == ["search"] and method == "POST":
                return self.search.handle(table, body or {})
            if len(rest) == 2 and rest[0] == "batch" and method == "POST":
                return self.objects.batch(table, rest[1], body or {}, req, fault)
            if not rest and method == "GET":
                return self.objects.list(table, req)
            if len(rest) == 1 and method == "GET":
                return self.objects.get(table, rest[0], req)
            if not rest and method == "POST":
                return self.objects.create(table, body or {})
        if parts[:3] == ["crm", "v4", "associations"] and len(parts) in (7, 8) and parts[5] == "batch" \
                and method == "POST":
            return self.associations.associations(parts[3], parts[4], parts[6], body or {})
        if parts[:3] == ["crm", "v4", "associations"] and len(parts) == 6 and parts[5] == "labels" \
                and method == "GET":
            return self.associations.association_labels(parts[3], parts[4])
        if parts[:3] == ["crm", "v3", "properties"] and len(parts) >= 4:
            table = self.portal.table(parts[3])
            if table is None:
                return error(400, f"Unable to infer object type from: {parts[3]}", "VALIDATION_ERROR")
            return self.properties.properties(table, parts[4:], method, body)
        if parts[:3] == ["crm-object-schemas", "v3", "schemas"]:
            return self.schemas_api.schemas(parts[3:], method, body)
        if parts[:3] == ["crm", "v3", "owners"]:
            return self.owners_api.owners(req)
        if parts[:3] == ["crm", "v3", "pipelines"] and len(parts) == 4 and method == "GET":
            return self.owners_api.pipelines(parts[3])
        if parts[:1] == ["account-info"]:
            return Response(200, {"portalId": PORTAL_ID, "accountType": "STANDARD", "timeZone": "Europe/Paris",
                                  "companyCurrency": "EUR", "utcOffset": "+01:00"})
        return error(404, f"no sandbox HubSpot endpoint {method} {req.path}", "OBJECT_NOT_FOUND")
