"""The HubSpot portal's records as the sandbox stores them (``Obj``: properties, their history, timestamps; ``Table``:
one object type's records, property definitions, unique-value indexes) and the wire helpers every HubSpot
component shares (error bodies, batch bodies, millisecond timestamps), after HubSpot's published OpenAPI specs."""

from __future__ import annotations

import functools
import time
import uuid
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sandbox_crm.faults import Fault
from sandbox_crm.http import Request, Response

PORTAL_ID = 4242
TIERS = {"starter": (100, 250_000), "professional": (190, 625_000), "enterprise": (190, 1_000_000)}
STANDARD_TYPES = {"contacts": "0-1", "companies": "0-2", "deals": "0-3", "products": "0-7", "line_items": "0-8",
                  "tasks": "0-27", "notes": "0-46", "meetings": "0-47", "calls": "0-48", "emails": "0-49"}
# HubSpot-defined association type ids (from -> to) used by the sandbox.
ASSOCIATION_TYPES = {("meetings", "companies"): 188, ("companies", "meetings"): 187, ("calls", "companies"): 182,
                     ("companies", "calls"): 181, ("deals", "companies"): 341, ("companies", "deals"): 342,
                     ("deals", "line_items"): 19, ("line_items", "deals"): 20, ("tasks", "companies"): 192,
                     ("companies", "tasks"): 191,
                     # engagements' contacts and contacts' companies (unlabelled), as the associations v4 guide lists
                     ("meetings", "contacts"): 200, ("contacts", "meetings"): 199, ("calls", "contacts"): 194,
                     ("contacts", "calls"): 193, ("contacts", "companies"): 279, ("companies", "contacts"): 280,
                     ("emails", "companies"): 186, ("companies", "emails"): 185, ("emails", "contacts"): 198,
                     ("contacts", "emails"): 197, ("tasks", "contacts"): 204, ("contacts", "tasks"): 203,
                     # a deal's contacts (unlabelled: HubSpot defines no primary contact), engagements' deals
                     ("deals", "contacts"): 3, ("contacts", "deals"): 4, ("meetings", "deals"): 212,
                     ("deals", "meetings"): 211, ("calls", "deals"): 206, ("deals", "calls"): 205,
                     ("emails", "deals"): 210, ("deals", "emails"): 209, ("tasks", "deals"): 216,
                     ("deals", "tasks"): 215}
# HubSpot-defined primary association to a company, per pair: (typeId, label). The typeIds never changed; the labels
# did on 19 Feb 2024 ("Primary Company" -> "<Object> with Primary Company", developer changelog "Changes to primary
# labels for HubSpot-defined association labels"). Engagements (meetings, calls...) have no primary company.
PRIMARY_TYPES = {("deals", "companies"): (5, "Deal with Primary Company"),
                 ("contacts", "companies"): (1, "Contact with Primary Company"),
                 ("tickets", "companies"): (26, "Ticket with Primary Company")}
# the company's side of a primary association where the sandbox keeps it typed: company -> contact 2
PRIMARY_BACKWARD = {("companies", "contacts"): 2}
# HubSpot's parent / child company association, both ways (developer changelog 2018-09-11 "Parent <-> Child
# Associations via API": "Parent company to child company, ID = 13", "Child company to parent company, ID = 14")
COMPANY_FAMILY = {13: 14, 14: 13}
MEETING_OUTCOME = {"completed": "COMPLETED", "planned": "SCHEDULED", "cancelled": "CANCELED", "no_show": "NO_SHOW"}
CALL_DISPOSITION = {"completed": "f240bbac-87c9-4f6e-bf70-924b57d47db7",
                    "no_show": "73a0d17f-1163-4015-bdd5-ec830791da20"}
# hs_call_status as HubSpot's Calls guide lists them (BUSY, CALLING_CRM_USER, CANCELED, COMPLETED, CONNECTING,
# FAILED, IN_PROGRESS, NO_ANSWER, QUEUED, RINGING) and inbound calling adds (HOLD, MISSED, UNKNOWN); the seed files
# some unanswered calls as MISSED (``Portal.seed``).
CALL_STATUS = {"completed": "COMPLETED", "no_show": "NO_ANSWER", "cancelled": "CANCELED", "planned": "QUEUED"}
DEAL_STAGES = (("appointmentscheduled", "Appointment scheduled", False, "0.2"),
               ("qualifiedtobuy", "Qualified to buy", False, "0.4"),
               ("presentationscheduled", "Presentation scheduled", False, "0.6"),
               ("decisionmakerboughtin", "Decision maker bought-in", False, "0.8"),
               ("contractsent", "Contract sent", False, "0.9"),
               ("closedwon", "Closed won", True, "1.0"), ("closedlost", "Closed lost", True, "0.0"))
MAINTENANCE_STAGES = (("1001", "Renewal due", False, "0.5"), ("1002", "Renewed", True, "1.0"),
                      ("1003", "Not renewed", True, "0.0"))

# HubSpot's "Merged [record] IDs" (knowledge base, "Merge records": "For all objects, you can use the Merged [record]
# IDs property to view previously merged records"): calculated by a merge, the ids merged into the record, in
# HubSpot's multi-value encoding "id1;id2"; never written through the API.
MERGED_IDS = "hs_merged_object_ids"
# "Amount in company currency" (HubSpot's default deal properties): the deal's amount converted into the portal's
# company currency (``Portal.company_currency``), calculated by HubSpot, never written through the API
HOME_AMOUNT = "amount_in_home_currency"
CALCULATED = {MERGED_IDS, HOME_AMOUNT}

STANDARD_PROPERTIES: dict[str, list[tuple[str, str, str]]] = {   # (name, type, fieldType)
    "companies": [("name", "string", "text"), ("domain", "string", "text"), ("zip", "string", "text"),
                  ("city", "string", "text"), ("country", "string", "text"),
                  ("industry", "enumeration", "select"), ("type", "enumeration", "select"),
                  ("annualrevenue", "number", "number"),
                  ("description", "string", "textarea"), ("hubspot_owner_id", "enumeration", "select"),
                  (MERGED_IDS, "enumeration", "checkbox")],
    "contacts": [("email", "string", "text"), ("firstname", "string", "text"), ("lastname", "string", "text")],
    "deals": [("dealname", "string", "text"), ("amount", "number", "number"), ("closedate", "datetime", "date"),
              ("createdate", "datetime", "date"),
              ("dealstage", "enumeration", "select"), ("pipeline", "enumeration", "select"),
              ("deal_currency_code", "enumeration", "select"), ("hubspot_owner_id", "enumeration", "select"),
              (HOME_AMOUNT, "number", "calculation_equation"), (MERGED_IDS, "enumeration", "checkbox")],
    "meetings": [("hs_meeting_title", "string", "text"), ("hs_meeting_start_time", "datetime", "date"),
                 ("hs_meeting_end_time", "datetime", "date"), ("hs_timestamp", "datetime", "date"),
                 ("hs_meeting_outcome", "enumeration", "select"), ("hs_activity_type", "enumeration", "select"),
                 ("hs_meeting_body", "string", "textarea"), ("hubspot_owner_id", "enumeration", "select")],
    "calls": [("hs_call_title", "string", "text"), ("hs_timestamp", "datetime", "date"),
              ("hs_call_disposition", "enumeration", "select"), ("hs_call_status", "enumeration", "select"),
              ("hs_call_direction", "enumeration", "select"),
              ("hs_call_body", "string", "textarea"), ("hubspot_owner_id", "enumeration", "select")],
    # the Emails guide's properties (https://developers.hubspot.com/docs/api-reference/crm-emails-v3/guide)
    "emails": [("hs_timestamp", "datetime", "date"), ("hubspot_owner_id", "enumeration", "select"),
               ("hs_email_direction", "enumeration", "select"), ("hs_email_status", "enumeration", "select"),
               ("hs_email_subject", "string", "text"), ("hs_email_text", "string", "textarea")],
    # the Tasks guide's properties (https://developers.hubspot.com/docs/api/crm/tasks: hs_timestamp is the due date),
    # and hs_task_completion_date, when the task was completed (a plain property here: tests set it)
    "tasks": [("hs_task_subject", "string", "text"), ("hs_task_body", "string", "textarea"),
              ("hs_timestamp", "datetime", "date"), ("hs_task_status", "enumeration", "select"),
              ("hs_task_priority", "enumeration", "select"), ("hs_task_type", "enumeration", "select"),
              ("hs_task_completion_date", "datetime", "date"), ("hubspot_owner_id", "enumeration", "select")],
    # with the recurring billing properties and the amounts HubSpot calculates from them (knowledge base, "HubSpot's
    # default line item properties"): stored as given here, where HubSpot calculates them
    "line_items": [("name", "string", "text"), ("hs_sku", "string", "text"), ("quantity", "number", "number"),
                   ("price", "number", "number"), ("amount", "number", "number"),
                   ("discount", "number", "number"), ("hs_discount_percentage", "number", "number"),
                   ("hs_product_id", "string", "text"), ("recurringbillingfrequency", "enumeration", "select"),
                   ("hs_recurring_billing_period", "string", "text"), ("hs_tcv", "number", "number"),
                   ("hs_acv", "number", "number"), ("hs_arr", "number", "number"), ("hs_mrr", "number", "number"),
                   ("hs_line_item_currency_code", "enumeration", "select")],
    "products": [("name", "string", "text"), ("hs_sku", "string", "text"), ("price", "number", "number")],
    "notes": [("hs_note_body", "string", "textarea"), ("hs_timestamp", "datetime", "date")],
}
# Labels of HubSpot's default properties, as the properties API gives them: an admin reads these in HubSpot and may
# write one where the mapping wants the internal name ("Postal Code" for zip).
STANDARD_LABELS: dict[str, dict[str, str]] = {
    "companies": {"name": "Company name", "domain": "Company Domain Name", "zip": "Postal Code", "city": "City",
                  "country": "Country/Region", "industry": "Industry", "type": "Type",
                  "annualrevenue": "Annual Revenue", "description": "Description",
                  "hubspot_owner_id": "Company owner", MERGED_IDS: "Merged Company IDs"},
    "contacts": {"email": "Email", "firstname": "First Name", "lastname": "Last Name"},
    "deals": {"dealname": "Deal Name", "amount": "Amount", "closedate": "Close Date", "createdate": "Create Date",
              "dealstage": "Deal Stage", "pipeline": "Pipeline", "deal_currency_code": "Currency",
              "hubspot_owner_id": "Deal owner", MERGED_IDS: "Merged Deal IDs"},
    "meetings": {"hs_meeting_title": "Meeting name", "hs_meeting_start_time": "Start Time",
                 "hs_meeting_end_time": "End Time", "hs_timestamp": "Activity date",
                 "hs_meeting_outcome": "Meeting outcome", "hs_activity_type": "Call and meeting type",
                 "hs_meeting_body": "Meeting description", "hubspot_owner_id": "Activity assigned to"},
    "calls": {"hs_call_title": "Call Title", "hs_timestamp": "Activity date", "hs_call_disposition": "Call outcome",
              "hs_call_status": "Call status", "hs_call_direction": "Call direction", "hs_call_body": "Call notes",
              "hubspot_owner_id": "Activity assigned to"},
    "emails": {"hs_timestamp": "Activity date", "hubspot_owner_id": "Activity assigned to",
               "hs_email_direction": "Email direction", "hs_email_status": "Email send status",
               "hs_email_subject": "Email subject", "hs_email_text": "Email body"},
    "tasks": {"hs_task_subject": "Task Title", "hs_task_body": "Notes", "hs_timestamp": "Due date",
              "hs_task_status": "Task Status", "hs_task_priority": "Priority", "hs_task_type": "Task Type",
              "hs_task_completion_date": "Completed at", "hubspot_owner_id": "Assigned to"},
    "line_items": {"name": "Name", "hs_sku": "SKU", "quantity": "Quantity", "price": "Unit price",
                   "amount": "Net price", "discount": "Unit discount",
                   "hs_discount_percentage": "Unit discount percentage", "hs_product_id": "Product ID",
                   "recurringbillingfrequency": "Billing frequency", "hs_recurring_billing_period": "Term",
                   "hs_tcv": "Total contract value", "hs_acv": "Annual contract value",
                   "hs_arr": "Annual recurring revenue", "hs_mrr": "Monthly recurring revenue",
                   "hs_line_item_currency_code": "Currency"},
}


def _options(pairs: tuple[tuple[str, str], ...]) -> list[dict[str, Any]]:
    """Enumeration options as the properties API gives them (``label``, ``value``, ``displayOrder``, ``hidden``)."""
    return [{"label": label, "value": value, "description": "", "displayOrder": i, "hidden": False}
            for i, (value, label) in enumerate(pairs)]


# The options of the default enumeration properties pac maps (value, label): the companies' industry and type; the
# meeting outcomes (Meetings guide),
# the call statuses (Calls guide, and the inbound calls' HOLD, MISSED, UNKNOWN), the default call outcomes (GUID
# values, labelled), and the call and meeting types this bilingual portal defines (Settings > Objects > Activities).
# Company industry and type: dropdowns, as on a real portal, whose records hold internal values (HubSpot's own, e.g.
# PHARMACEUTICALS, PROSPECT, RESELLER) while HubSpot shows their labels, here the French words of this portal's demo
# organisation (its accounts' ``industry`` / ``account_type``, ``demo_org.INDUSTRIES`` / ``ACCOUNT_TYPES``).
INDUSTRY_OPTIONS = (("PHARMACEUTICALS", "Pharmaceutique"), ("FOOD_PRODUCTION", "Agroalimentaire"),
                    ("CHEMICALS", "Chimie"), ("COSMETICS", "Cosmétique"), ("AUTOMOTIVE", "Automobile"),
                    ("ENVIRONMENTAL_SERVICES", "Traitement de l'eau"))
# HubSpot's default types (PROSPECT, PARTNER, RESELLER, VENDOR, OTHER) in French, and the portal's own CUSTOMER
TYPE_OPTIONS = (("PROSPECT", "Prospect"), ("CUSTOMER", "Client"), ("PARTNER", "Partenaire"),
                ("RESELLER", "Distributeur"), ("VENDOR", "Fournisseur"), ("OTHER", "Autre"))
COMPANY_VALUES = {"industry": {label: value for value, label in INDUSTRY_OPTIONS},
                  "type": {label: value for value, label in TYPE_OPTIONS}}
STANDARD_OPTIONS: dict[str, dict[str, list[dict[str, Any]]]] = {
    "companies": {"industry": _options(INDUSTRY_OPTIONS), "type": _options(TYPE_OPTIONS)},
    "meetings": {
        "hs_meeting_outcome": _options((("SCHEDULED", "Scheduled"), ("COMPLETED", "Completed"),
                                        ("RESCHEDULED", "Rescheduled"), ("NO_SHOW", "No Show"),
                                        ("CANCELED", "Canceled"))),
        "hs_activity_type": _options(tuple((t, t) for t in (
            "Visite client", "Customer visit", "Visit", "Réunion", "Meeting", "Démonstration", "Demo",
            "Relance devis", "Appel", "Call")))},
    "calls": {
        "hs_call_status": _options(tuple((v, v.replace("_", " ").capitalize().replace("crm", "CRM")) for v in (
            "BUSY", "CALLING_CRM_USER", "CANCELED", "COMPLETED", "CONNECTING", "FAILED", "HOLD", "IN_PROGRESS",
            "MISSED", "NO_ANSWER", "QUEUED", "RINGING", "UNKNOWN"))),
        "hs_call_disposition": _options((("9d9162e7-6cf3-4944-bf63-4dff82258764", "Busy"),
                                         ("f240bbac-87c9-4f6e-bf70-924b57d47db7", "Connected"),
                                         ("a4c4c377-d246-4b32-a13b-75a56a4cd0ff", "Left live message"),
                                         ("b2cf5968-551e-4856-9783-52b3da59a7d0", "Left voicemail"),
                                         ("73a0d17f-1163-4015-bdd5-ec830791da20", "No answer"),
                                         ("17b47fee-58de-441e-a44c-c6300d46f273", "Wrong number"))),
        # Calls guide: "the direction of the call from the perspective of the HubSpot user"
        "hs_call_direction": _options((("INBOUND", "Inbound"), ("OUTBOUND", "Outbound")))},
    "emails": {
        "hs_email_direction": _options((("EMAIL", "Email"), ("INCOMING_EMAIL", "Incoming email"),
                                        ("FORWARDED_EMAIL", "Forwarded email"))),
        "hs_email_status": _options(tuple((v, v.capitalize()) for v in (
            "BOUNCED", "FAILED", "SCHEDULED", "SENDING", "SENT")))},
    # hs_task_status: the guide's COMPLETED and NOT_STARTED (WAITING in its example), and IN_PROGRESS and DEFERRED a
    # portal's property offers; hs_task_type: the guide's EMAIL, CALL and TODO, and the LinkedIn Sales Navigator types
    "tasks": {
        "hs_task_status": _options((("NOT_STARTED", "Not started"), ("IN_PROGRESS", "In progress"),
                                    ("WAITING", "Waiting"), ("COMPLETED", "Completed"), ("DEFERRED", "Deferred"))),
        "hs_task_type": _options((("CALL", "Call"), ("EMAIL", "Email"), ("TODO", "To-do"),
                                  ("LINKED_IN_CONNECT", "Sales Navigator - Connection Request"),
                                  ("LINKED_IN_MESSAGE", "Sales Navigator - InMail")))},
}
READ_ONLY = {"hs_object_id", "hs_lastmodifieddate", "hs_createdate", "createdate"}
DEFAULT_PROPERTIES = [("hs_object_id", "number", "number"), ("hs_lastmodifieddate", "datetime", "date"),
                       ("hs_createdate", "datetime", "date")]


@functools.lru_cache(maxsize=65_536)
def ms_to_iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def to_ms(value: datetime) -> int:
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

    def keep_first(self, names: Iterable[str]) -> None:
        """Before a change: the value each of ``names`` held since the record's creation with no recorded source (seed
        data) kept as its first history entry (``IMPORT``), as HubSpot keeps a property's first value with its later
        ones: the change is then a change from it, not the property's only value."""
        for name in names:
            value = self.props.get(name)
            if value is not None and not (self.history or {}).get(name):
                if self.history is None:
                    self.history = {}
                self.history[name] = [_imported(value, self.created)]

    def history_of(self, prop: str) -> list[dict[str, Any]]:
        """``propertiesWithHistory`` of one property, newest first; a value set with no recorded source (seed data)
        shows as one ``IMPORT`` entry at the record's creation."""
        entries = (self.history or {}).get(prop)
        if entries:
            return list(reversed(entries))
        value = self.props.get(prop)
        return [] if value is None else [_imported(value, self.created)]

    def value(self, prop: str) -> Any:
        if prop == "hs_object_id":
            return self.id
        if prop == "hs_lastmodifieddate":
            return str(self.modified)
        if prop in ("hs_createdate", "createdate"):
            return str(self.created)
        return self.props.get(prop)

    def render(self, properties: list[str] | None, with_history: list[str] | None = None,
               known: Mapping[str, Any] | None = None, omit_empty: bool = False) -> dict[str, Any]:
        """The record as HubSpot answers it. With ``known`` (the object's property definitions), a requested
        property the portal does not define is left out of ``properties`` (HubSpot ignores it: "If any of the
        specified properties are not present on the requested object(s), they will be ignored", the objects API's
        ``properties`` parameter), while a defined one with no value comes back as null; ``createdate`` asked for
        comes back with the record's creation time, as HubSpot's read-only default property does."""
        wanted = properties if properties else list(self.props)
        if known is not None:
            wanted = [p for p in wanted if p in known or p in READ_ONLY]
        props = {p: self.props.get(p) for p in wanted if p not in READ_ONLY
                 and not (omit_empty and self.props.get(p) in (None, ""))}
        if "createdate" in wanted:
            props["createdate"] = ms_to_iso(self.created)
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
    merged: dict[str, str] = field(default_factory=dict)     # an id merged away -> the record it went into
    totals: dict[str, int] = field(default_factory=dict)
    # a requested property the record holds no value for is left out of the answer instead of null: the literal
    # reading of the objects API's "If any of the specified properties are not present on the requested object(s),
    # they will be ignored" (a test sets it, audit hslimits F3)
    omit_empty: bool = False
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
                                         "readOnlyValue": name in READ_ONLY or name in CALCULATED}}
        self.properties[name] = prop
        if unique:
            self.unique.setdefault(name, {})
        return prop


def echo(request: Request, fault: Fault | None) -> str:
    """With a fault's ``echo=True``: the Authorization header the request carried (redaction tests); with
    ``echo="raw"``, its bare token, no ``Bearer`` before it (only the registered value can hide it)."""
    if fault is None or not fault.detail.get("echo"):
        return ""
    header = request.headers.get("authorization", "")
    if fault.detail["echo"] == "raw":
        return f" (token {header.split(' ', 1)[-1]} refused for this record)"
    return f" (request Authorization: {header})"


def archived_arg(req: Request) -> bool:
    """The ``archived`` query parameter as a server strict like HubSpot's reference reads it: only the documented
    literal ``true`` ("archived=true", a boolean: "Whether to return only results that have been archived") asks for
    the archived records; anything else, Python's ``True`` as hubspot-api-client serialises a bool included, is the
    default (false). So a client sending ``True`` gets the live records back (audit hsemu F1)."""
    return req.arg("archived") == "true"


def error(status: int, message: str, category: str, **extra: Any) -> Response:
    body = {"status": "error", "message": message, "correlationId": str(uuid.uuid4()), "category": category} | extra
    return Response(status, body)


SEED_SPREAD_SECONDS = 30 * 86_400


def created_before(key: str, latest_ms: int) -> int:
    """The stamp of a seeded record dated after the org's clock (a planned meeting, an open deal): it was
    created, and last modified, at some point of the 30 days before the clock, spread by its key (as in
    a real portal), never all at the same instant: an incremental read's overlap window holds a few of
    them, not thousands."""
    return latest_ms - (1 + zlib.crc32(key.encode()) % SEED_SPREAD_SECONDS) * 1000


def as_str(value: Any) -> str:
    if isinstance(value, datetime):
        return as_iso(value) or ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def as_iso(value: datetime | None) -> str | None:
    return ms_to_iso(to_ms(value)) if value else None


def batch_body(started: str, results: list[Any], errors: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"status": "COMPLETE", "results": results, "startedAt": started,
                           "completedAt": ms_to_iso(int(time.time() * 1000))}
    if errors:
        out["numErrors"] = len(errors)
        out["errors"] = errors
    return out


def input_error(category: str, message: str, ids: list[str]) -> dict[str, Any]:
    return {"status": "error", "category": category, "message": message, "context": {"ids": ids},
            "errors": [], "links": {}}


def _imported(value: Any, created: int) -> dict[str, Any]:
    """A property's first value, set with the record (seed data, an import): one ``IMPORT`` history entry."""
    return {"value": value, "timestamp": ms_to_iso(created), "sourceType": "IMPORT", "sourceId": "",
            "sourceLabel": "import"}
