"""The Salesforce dialect of the sandbox CRM: the REST subset pac uses, in the documented wire format.

Endpoints (``/services/...``): OAuth 2.0 token (JWT bearer, client credentials, username-password; ``auth.py``),
``GET /data/`` (versions), ``/limits`` (``limits.py``), ``/sobjects`` and ``/sobjects/{T}/describe``
(``describe.py``), ``/query`` and ``/queryAll`` over a SOQL subset (``query.py``, ``soql.py``), record creation and
sObject Collections (``records.py``), Tooling API provisioning (``tooling.py``) and Bulk API 2.0 query jobs
(``bulk.py``). Every data response carries ``Sforce-Limit-Info: api-usage=used/max``; errors are JSON arrays of
``{message, errorCode, fields}``. Faults come from ``server.faults`` (``faults.py``); with ``echo=True``, a refused
login echoes the request body and a ``lock_row`` the Authorization header (redaction tests); ``short_answer``
(``keep=N``) answers a collection call with its first N results only, every record saved (no documented behaviour).

``SalesforceApi`` owns one of each component, all sharing one ``Org`` (the data, ``org.py``) and one
``FieldSecurity`` (``access.py``), and routes each request to the component that answers it.

Test helpers (no HTTP): ``ids`` (demo key -> Salesforce id), ``row``, ``rows``, ``find``, ``edit``, ``delete``,
``create``, ``merge``, ``add_record_type``, ``relabel``, ``enable_history``, ``set_daily_max``, ``used``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from connectors.salesforce.schema import PAC_OBJECTS
from sandbox_crm.demo_org import DemoOrg
from sandbox_crm.faults import Fault
from sandbox_crm.http import Request, Response
from sandbox_crm.salesforce.access import FieldSecurity
from sandbox_crm.salesforce.auth import OAuth
from sandbox_crm.salesforce.bulk import BulkQueryJobs
from sandbox_crm.salesforce.describe import Describe
from sandbox_crm.salesforce.limits import DailyLimit
from sandbox_crm.salesforce.org import Org, Row
from sandbox_crm.salesforce.query import SoqlQueries
from sandbox_crm.salesforce.records import RecordWrites
from sandbox_crm.salesforce.schema import SObject
from sandbox_crm.salesforce.seed import Seeder
from sandbox_crm.salesforce.soql import SoqlError
from sandbox_crm.salesforce.tooling import Tooling
from sandbox_crm.salesforce.wire import SaveError, error

VERSIONS = ("58.0", "59.0", "60.0", "61.0", "62.0", "63.0", "64.0")
INTEGRATION_USER = "pac.integration@durand-process.example"


_SESSION_ID = re.compile(r"<(?:\w+:)?sessionId>([^<]+)</")
_SOAP_ENVELOPE = ('<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/'
                  'soap/envelope/" xmlns="urn:partner.soap.sforce.com"><soapenv:Body>{}</soapenv:Body>'
                  "</soapenv:Envelope>")


class SalesforceApi:
    """An in-memory Salesforce org seeded from the demo organisation (``crm == "salesforce"`` records)."""

    name = "salesforce"
    prefixes: tuple[str, ...] = ("/services/",)

    def __init__(self, org: DemoOrg | None = None, *, daily_max: int = 100_000, provisioned: bool = True,
                 multi_currency: bool = True, now: Callable[[], datetime] | None = None) -> None:
        self.org = Org(multi_currency=multi_currency, now=now, integration_user=INTEGRATION_USER,
                       integration_name="Intégration PAC")
        self.security = FieldSecurity(self.org)
        self.oauth = OAuth(self.org)
        self.limits = DailyLimit(daily_max)
        self.describe = Describe(self.org, self.security)
        self.soql = SoqlQueries(self.org, self.security)
        self.records = RecordWrites(self.org, self.security)
        self.tooling = Tooling(self.org, self.security)
        self.bulk = BulkQueryJobs(self.org, self.soql)
        if provisioned:
            for obj in PAC_OBJECTS:
                if obj.custom:
                    self.org.create_custom_object(obj.name, obj.metadata())
                for f in obj.fields:
                    self.org.create_custom_field(f"{obj.name}.{f.name}", f.metadata())
            self.security.deploy_permission_set(self.integration_user)    # force-app/ deployed and assigned
        if org is not None:
            Seeder(self.org).seed(org)

    # -- the org's data, for tests -------------------------------------------------------------
    @property
    def schema(self) -> dict[str, SObject]:
        return self.org.schema

    @property
    def store(self) -> dict[str, dict[str, Row]]:
        return self.org.store

    @property
    def ids(self) -> dict[str, str]:
        return self.org.ids

    @property
    def integration_user(self) -> str:
        return str(self.org.integration_user)

    @property
    def tokens(self) -> dict[str, str]:
        return self.oauth.tokens

    @property
    def manage_permissions(self) -> bool:
        """False: the integration user may not manage or assign permission sets."""
        return self.security.manage_permissions

    @manage_permissions.setter
    def manage_permissions(self, value: bool) -> None:
        self.security.manage_permissions = value

    @property
    def daily_max(self) -> int:
        return self.limits.daily_max

    @property
    def used(self) -> int:
        return self.limits.used

    def row(self, sobject: str, record_id: str) -> Row:
        return self.org.row(sobject, record_id)

    def rows(self, sobject: str) -> list[Row]:
        return self.org.rows(sobject)

    def find(self, sobject: str, **equal: Any) -> list[Row]:
        return self.org.find(sobject, **equal)

    def edit(self, sobject: str, record_id: str, by: str | None = None, **values: Any) -> None:
        """A change made in the CRM (by a user, or by automation): bumps SystemModstamp."""
        self.org.edit(sobject, record_id, by, **values)

    def delete(self, sobject: str, record_id: str) -> None:
        """Move a record to the recycle bin: hidden from query, returned by queryAll with IsDeleted."""
        self.org.delete(sobject, record_id)

    def undelete(self, sobject: str, record_id: str) -> None:
        """Restore a record from the recycle bin, with the children deleted with it (``Org.undelete``)."""
        self.org.undelete(sobject, record_id)

    def create(self, sobject: str, **values: Any) -> str:
        return self.org.create(sobject, **values)

    def merge(self, sobject: str, master_id: str, loser_id: str) -> None:
        """Merge two records as Salesforce does (``Org.merge``): children reparented without a stamp change, the
        loser deleted with ``MasterRecordId``."""
        self.org.merge(sobject, master_id, loser_id)

    def set_currency_rates(self, corporate: str, rates: Mapping[str, float],
                           dated: Mapping[str, Sequence[tuple[date, float]]] | None = None,
                           places: Mapping[str, int] | None = None) -> None:
        """A multi-currency org's CurrencyType and DatedConversionRate rows (``Org.set_currency_rates``); the demo org
        has none (its deals' currencies are converted by pac's settings)."""
        self.org.set_currency_rates(corporate, rates, dated, places)

    def add_record_type(self, sobject: str, developer_name: str, label: str | None = None) -> str:
        """A record type of ``sobject`` (``Org.add_record_type``): its ``RecordType`` id."""
        return self.org.add_record_type(sobject, developer_name, label)

    def relabel(self, sobject: str, field_name: str, value: str, label: str) -> None:
        """A picklist value shown under another label, its value unchanged (``Org.relabel``)."""
        self.org.relabel(sobject, field_name, value, label)

    def add_picklist_value(self, sobject: str, field_name: str, value: str, label: str | None = None) -> None:
        """A picklist value added in Setup, its API name and its label (``Org.add_picklist_value``)."""
        self.org.add_picklist_value(sobject, field_name, value, label)

    def remove_picklist_value(self, sobject: str, field_name: str, value: str, *, deactivate: bool = False) -> None:
        """A picklist value deleted (or deactivated) in Setup (``Org.remove_picklist_value``): an org provisioned
        before pac wrote that value."""
        self.org.remove_picklist_value(sobject, field_name, value, deactivate=deactivate)

    def enable_history(self, sobject: str, *fields: str) -> None:
        """Field History Tracking for ``fields`` of ``sobject`` (``Org.enable_history``)."""
        self.org.enable_history(sobject, *fields)

    def set_daily_max(self, maximum: int, used: int | None = None) -> None:
        self.limits.set(maximum, used)

    # -- HTTP ------------------------------------------------------------------------------------
    def handle(self, request: Request, fault: Fault | None) -> Response:
        with self.org.lock:
            return self._handle(request, fault)

    def _handle(self, request: Request, fault: Fault | None) -> Response:
        path = request.path.rstrip("/")
        if fault is not None and fault.kind == "server_error":
            status = int(fault.detail.get("status", 503))
            code = "SERVER_UNAVAILABLE" if status == 503 else "UNKNOWN_EXCEPTION"
            return error(status, code, "An unexpected error occurred. Please try again.")
        if path == "/services/oauth2/token" and request.method == "POST":
            response = self.oauth.token(request)
            if fault is not None and fault.detail.get("echo") and response.status != 200:   # echo what was sent
                response.body["error_description"] += f" (request: {request.body.decode(errors='replace')})"
            return response
        if path == "/services/data" and request.method == "GET":
            return Response(200, [{"label": f"v{v}", "url": f"/services/data/v{v}", "version": v} for v in VERSIONS])
        if path.startswith("/services/Soap/u/") and request.method == "POST":
            return self._soap(request, fault)
        if not path.startswith("/services/data/v"):
            return error(404, "NOT_FOUND", "The requested resource does not exist")
        if fault is not None and fault.kind == "expire_session":
            self.oauth.expire_all()
        user = self.oauth.user(request)
        if user is None:
            return error(401, "INVALID_SESSION_ID", "Session expired or invalid")
        refused = self.limits.spend(fault)
        if refused is not None:
            response = refused
        else:
            version, _, rest = path.removeprefix("/services/data/v").partition("/")
            if version not in VERSIONS:
                retired = version.replace(".", "", 1).isdigit() and float(version) < 31.0
                response = (error(410, "GONE", "The requested resource is no longer available") if retired
                            else error(404, "NOT_FOUND", f"API version {version} is not supported"))
            else:
                try:
                    response = self._data(request, version, rest, user, fault)
                except SaveError as exc:
                    response = error(400, exc.code, exc.message, exc.fields or None)
                except SoqlError as exc:
                    response = error(400, "MALFORMED_QUERY", str(exc))
        response.headers["Sforce-Limit-Info"] = self.limits.header()
        return response

    def _soap(self, request: Request, fault: Fault | None) -> Response:
        """``POST /services/Soap/u/XX.X``: the SOAP API's getUserInfo only (what pac asks of it: a single-currency
        org's currency, ``orgDefaultCurrencyIsoCode``, "Applicable only when organizationMultiCurrency is false");
        the session is the SessionHeader's sessionId. Any other call, or a bad session, is a SOAP fault."""
        body = request.body.decode(errors="replace")
        session = _SESSION_ID.search(body)
        user = self.oauth.tokens.get(session.group(1)) if session else None
        if user is None or "getUserInfo" not in body:
            code, text = ("INVALID_SESSION_ID", "Invalid Session ID found in SessionHeader") if user is None else (
                "UNKNOWN_EXCEPTION", "the sandbox answers getUserInfo only")
            return Response(500, _SOAP_ENVELOPE.format(
                f"<soapenv:Fault><faultcode>sf:{code}</faultcode><faultstring>{code}: {text}</faultstring>"
                "</soapenv:Fault>"), content_type="text/xml;charset=UTF-8")
        refused = self.limits.spend(fault)
        if refused is not None:
            return refused
        multi = "CurrencyType" in self.org.schema
        return Response(200, _SOAP_ENVELOPE.format(
            "<getUserInfoResponse><result><accessibilityMode>false</accessibilityMode>"
            f"<orgDefaultCurrencyIsoCode>{'' if multi else self.org.currency}</orgDefaultCurrencyIsoCode>"
            f"<organizationMultiCurrency>{str(multi).lower()}</organizationMultiCurrency>"
            f"<userId>{user}</userId></result></getUserInfoResponse>"),
            headers={"Sforce-Limit-Info": self.limits.header()}, content_type="text/xml;charset=UTF-8")

    def _data(self, request: Request, version: str, rest: str, user: str, fault: Fault | None) -> Response:
        """Route ``/services/data/vXX.X/...`` to the component that answers it."""
        parts = rest.split("/") if rest else []
        method = request.method
        if not parts:
            return Response(200, {k: f"/services/data/v{version}/{k}" for k in
                                  ("limits", "query", "queryAll", "sobjects", "composite", "tooling", "jobs")})
        head = parts[0]
        if head == "limits" and method == "GET":
            return self.limits.describe()
        if head == "sobjects" and method == "GET":
            return self.describe.handle(version, parts[1:], user, request.headers.get("if-modified-since"))
        if head in ("query", "queryAll") and method == "GET":
            return self.soql.run(request, version, head, parts[1:], user)
        if head == "composite" and len(parts) >= 2 and parts[1] == "sobjects" and method == "PATCH":
            return self.records.collection(request, parts[2:], user, fault)
        if head == "sobjects" and len(parts) == 2 and method == "POST":
            return self.records.create_one(request, parts[1], user)
        if head == "composite" and parts[1:] == ["sobjects"] and method == "POST":
            return self.records.create_many(request, user)
        if head == "tooling" and len(parts) == 3 and parts[1] == "sobjects" and method == "POST":
            return self.tooling.create(request, parts[2])
        if head == "jobs" and len(parts) >= 2 and parts[1] == "query":
            return self.bulk.handle(request, version, parts[2:], user)
        return error(404, "NOT_FOUND", "The requested resource does not exist")
