"""A small Salesforce org emulated from Salesforce's public documentation only (REST API Developer Guide, Object
Reference, SOQL and SOSL Reference), served through ``responses``, with no code of ``sandbox_crm``.

What it follows from the documentation, where a sandbox might happen to be kinder:

* Query (``/query``, ``/queryAll``): "the returned batch can include fewer records than the limit or what's set in the
  request": it pages at ``page_size`` records whatever ``Sforce-Query-Options: batchSize`` asks (its documented
  minimum is 200); ``nextRecordsUrl`` is a ``/services/data/vXX.X/query/<locator>-<n>`` path; ``queryAll`` returns
  deleted rows (``IsDeleted`` true) and archived activities (``IsArchived``: "queryAll() also returns information
  about archived Task and Event records", SOAP API), ``query`` neither.
* Records carry ``attributes`` {type, url}; a relationship path (``Owner.Email``) comes as a nested record, null when
  the lookup is empty; a child subquery (``(SELECT ... FROM OpportunityLineItems WHERE ...)``) comes as a query
  result of its own, ``{totalSize, done, records}``, null when there is no child; dates are ``YYYY-MM-DD``;
  datetimes are UTC in the documented ``2027-05-04T09:30:00.000+0000`` form; numbers are JSON numbers, checkboxes
  JSON booleans.
* A field the object does not have is refused: HTTP 400 ``[{"message", "errorCode": "INVALID_FIELD"}]``; an unknown
  object 400 ``INVALID_TYPE``; an unknown resource 404 ``NOT_FOUND``. Every answer carries ``Sforce-Limit-Info``.
* sObject Collections: ``PATCH composite/sobjects`` (update: each record with ``attributes.type`` and ``id``) and
  ``PATCH composite/sobjects/{Type}/{ExternalIdField}`` (upsert: records of that type only, no ``id``); at most 200
  records (more: 400 ``EXCEEDED_ID_LIMIT``), ``allOrNone`` default false; 200 OK with one result per record in request
  order, ``{id, success, errors[{statusCode, message, fields}], created}`` (``created`` on upsert). A PAC field is
  typed as ``force-app`` deploys it (``force_app_fields``): a text longer than its length is refused
  (STRING_TOO_LONG), a number beyond its precision (NUMBER_OUTSIDE_VALID_RANGE), a value no restricted picklist
  holds (INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST), a value of another JSON type (INVALID_TYPE_ON_FIELD_IN_RECORD),
  and a number with more decimal places than the field's is listed in ``unhandled`` (pac writes to the field's
  places).
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_DOWN, Decimal
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import responses

DOMAIN = "acme.my.salesforce.com"
INSTANCE = f"https://{DOMAIN}"
VERSION = "62.0"
BASE = f"/services/data/v{VERSION}/"
ENV = {"PAC_SF_AUTH": "client_credentials", "PAC_SF_DOMAIN": DOMAIN, "PAC_SF_CLIENT_ID": "cid",
       "PAC_SF_CLIENT_SECRET": "csecret-docs-1234", "PAC_SF_API_VERSION": VERSION}
INTEGRATION_USER = "005000000000INTAAA"
METADATA_CHANGED = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)   # when every object's metadata last changed

PREFIX = {"Account": "001", "User": "005", "Event": "00U", "Task": "00T", "Opportunity": "006", "Contact": "003",
          "Lead": "00Q", "TaskStatus": "01J", "EventRelation": "0RE", "EventWhoRelation": "0RE",
          "TaskWhoRelation": "0RT",
          "PAC_Axis__c": "a01", "PAC_Action__c": "a02", "Product2": "01t",
          "OpportunityLineItem": "00k", "CurrencyType": "02c", "AccountHistory": "017",
          "DatedConversionRate": "04w", "Case": "500"}

# field -> describe type; a reference field names (its relationship name, the objects it refers to)
_COMMON = {"Id": "id", "IsDeleted": "boolean", "CreatedDate": "datetime", "CreatedById": "reference",
           "LastModifiedDate": "datetime", "LastModifiedById": "reference", "SystemModstamp": "datetime",
           "Name": "string", "OwnerId": "reference"}
_ACTIVITY = {"Subject": "string", "Type": "picklist", "WhatId": "reference", "WhoId": "reference",
             "AccountId": "reference", "ActivityDate": "date", "IsArchived": "boolean", "IsRecurrence": "boolean",
             "Description": "textarea", "RecurrenceActivityId": "reference", "WhoCount": "int", "WhatCount": "int"}
SCHEMA: dict[str, dict[str, str]] = {
    "User": {**_COMMON, "Username": "string", "Email": "email", "FirstName": "string", "LastName": "string",
             "IsActive": "boolean", "UserType": "picklist", "LanguageLocaleKey": "picklist", "ManagerId": "reference"},
    "Account": {**_COMMON, "BillingPostalCode": "string", "BillingCountry": "string", "Industry": "picklist",
                "Type": "picklist", "AnnualRevenue": "currency", "ParentId": "reference", "MasterRecordId": "reference",
                "PAC_Axes__c": "string", "PAC_Target__c": "string"},
    "Event": {**{k: v for k, v in _COMMON.items() if k != "Name"}, **_ACTIVITY, "EventSubtype": "picklist",
              "ActivityDateTime": "datetime", "StartDateTime": "datetime", "EndDateTime": "datetime",
              "EndDate": "date", "DurationInMinutes": "int", "IsAllDayEvent": "boolean", "IsChild": "boolean",
              "IsGroupEvent": "boolean", "GroupEventType": "picklist",
              # Classic series (IsRecurrence, Recurrence*) and Lightning event series (IsRecurrence2, Recurrence2*)
              "RecurrenceStartDateTime": "datetime", "RecurrenceEndDateOnly": "date", "RecurrenceType": "picklist",
              "RecurrenceInterval": "int", "IsRecurrence2": "boolean", "IsRecurrence2Exception": "boolean",
              "IsRecurrence2Exclusion": "boolean", "Recurrence2PatternText": "textarea",
              "Recurrence2PatternStartDate": "datetime", "Recurrence2PatternTimeZone": "string",
              "Recurrence2PatternVersion": "picklist",
              # "Indicates whether users other than the creator of the event can (false) or can't (true) see the event
              # details ... Private events can't be associated with opportunities, accounts, cases, campaigns,
              # contracts, leads, or contacts. Label is Private." (Object Reference, Event; ``activity`` keeps it so)
              "IsPrivate": "boolean"},
    "Task": {**{k: v for k, v in _COMMON.items() if k != "Name"}, **_ACTIVITY, "TaskSubtype": "picklist",
             "Status": "picklist", "IsClosed": "boolean", "CompletedDateTime": "datetime", "CallType": "picklist",
             "Priority": "picklist", "RecurrenceStartDateOnly": "date", "RecurrenceEndDateOnly": "date",
             "RecurrenceType": "picklist", "RecurrenceInterval": "int",
             # "CallDisposition: Represents the result of a given call, for example, "we'll call back," or "call
             # unsuccessful." Limit is 255 characters"; "CallDurationInSeconds: Duration of the call in seconds"
             # (Object Reference, Task: Salesforce CRM Call Center fields; a string, not a picklist)
             "CallDisposition": "string", "CallDurationInSeconds": "int"},
    "Lead": {**_COMMON, "Email": "email", "Company": "string", "IsConverted": "boolean"},
    # TaskStatus: "Represents the status of a Task ... IsClosed: Indicates whether this task status value represents a
    # closed Task (true) or not (false). Multiple task status values can represent a closed Task. MasterLabel: Master
    # label for this task status value ... the internal label that does not get translated" (Object Reference)
    "TaskStatus": {"Id": "id", "MasterLabel": "string", "IsClosed": "boolean", "IsDefault": "boolean",
                   "SortOrder": "int", "CreatedDate": "datetime", "CreatedById": "reference",
                   "LastModifiedDate": "datetime", "LastModifiedById": "reference", "SystemModstamp": "datetime"},
    # EventRelation: "Represents a person (User, Contact, or Lead) or resource (such as a conference room) invited to
    # an Event ... When Shared Activities is enabled, the EventRelation object can also represent a Who or What
    # object" (Object Reference, EventRelation); EventWhoRelation and TaskWhoRelation: the Who relations only
    "EventRelation": {"Id": "id", "IsDeleted": "boolean", "CreatedDate": "datetime", "CreatedById": "reference",
                      "LastModifiedDate": "datetime", "LastModifiedById": "reference", "SystemModstamp": "datetime",
                      "EventId": "reference", "RelationId": "reference", "AccountId": "reference",
                      "IsInvitee": "boolean", "IsParent": "boolean", "IsWhat": "boolean", "Status": "picklist",
                      "RespondedDate": "datetime", "Response": "string"},
    "EventWhoRelation": {"Id": "id", "IsDeleted": "boolean", "CreatedDate": "datetime", "CreatedById": "reference",
                         "LastModifiedDate": "datetime", "LastModifiedById": "reference",
                         "SystemModstamp": "datetime", "EventId": "reference", "RelationId": "reference",
                         "Type": "string"},
    "TaskWhoRelation": {"Id": "id", "IsDeleted": "boolean", "CreatedDate": "datetime", "CreatedById": "reference",
                        "LastModifiedDate": "datetime", "LastModifiedById": "reference", "SystemModstamp": "datetime",
                        "TaskId": "reference", "RelationId": "reference", "Type": "string"},
    "Opportunity": {**_COMMON, "AccountId": "reference", "StageName": "picklist", "IsWon": "boolean",
                    "IsClosed": "boolean", "CloseDate": "date", "Amount": "currency", "Probability": "percent",
                    "Type": "picklist", "LeadSource": "picklist", "ForecastCategory": "picklist",
                    "ForecastCategoryName": "picklist"},
    "Contact": {**_COMMON, "AccountId": "reference", "Email": "email"},
    # a support case of an account (Object Reference, Case: AccountId "ID of the account associated with this case",
    # ContactId "ID of the associated Contact"); an activity related to one is related to "any other object" for the
    # derivation of its AccountId (``DocsOrg.account_of``)
    "Case": {**{k: v for k, v in _COMMON.items() if k != "Name"}, "CaseNumber": "string", "Subject": "string",
             "Status": "picklist", "AccountId": "reference", "ContactId": "reference", "IsClosed": "boolean"},
    # a multi-currency org's rates (Object Reference: CurrencyType "Represents the currencies used by an
    # organization for which the multiple currencies feature is enabled"; DatedConversionRate: "the conversion rate
    # ... for a given date range", advanced currency management)
    "CurrencyType": {"Id": "id", "IsoCode": "picklist", "ConversionRate": "double", "DecimalPlaces": "int",
                     "IsActive": "boolean", "IsCorporate": "boolean", "SystemModstamp": "datetime",
                     "IsDeleted": "boolean", "CreatedDate": "datetime", "CreatedById": "reference",
                     "LastModifiedDate": "datetime", "LastModifiedById": "reference"},
    "DatedConversionRate": {"Id": "id", "IsoCode": "picklist", "ConversionRate": "double", "StartDate": "date",
                            "NextStartDate": "date", "SystemModstamp": "datetime", "IsDeleted": "boolean",
                            "CreatedDate": "datetime", "CreatedById": "reference", "LastModifiedDate": "datetime",
                            "LastModifiedById": "reference"},
    # products are another audit's: the standard objects exist, the org sells no product line
    "Product2": {**{k: v for k, v in _COMMON.items() if k != "OwnerId"}, "ProductCode": "string",
                 "Family": "picklist", "IsActive": "boolean"},
    "OpportunityLineItem": {**{k: v for k, v in _COMMON.items() if k != "OwnerId"}, "OpportunityId": "reference",
                            "Product2Id": "reference", "Quantity": "double", "TotalPrice": "currency",
                            "UnitPrice": "currency", "ServiceDate": "date"},
    # StandardObjectNameHistory (Object Reference): "AccountHistory represents the history of changes to the values of
    # an account record's fields"; DataType "Data type of the field that was changed", Field "Name of the field that
    # was changed", NewValue / OldValue anyType; query() leaves out IsDeleted rows (those of a deleted account)
    "AccountHistory": {"Id": "id", "IsDeleted": "boolean", "AccountId": "reference", "CreatedById": "reference",
                       "CreatedDate": "datetime", "Field": "picklist", "DataType": "picklist", "OldValue": "anyType",
                       "NewValue": "anyType"},
    # FieldDefinition (Tooling API / SOAP API 45.0+): "Represents a standard or custom field, providing row-based
    # access to field metadata"; IsFieldHistoryTracked; a standard object's EntityDefinitionId is its name
    "FieldDefinition": {"Id": "id", "DurableId": "string", "QualifiedApiName": "string", "EntityDefinitionId": "string",
                        "IsFieldHistoryTracked": "boolean"},
}
# the org's picklist values (a describe lists them all, used or not): the standard ones plus the org's own
PICKLISTS = {
    ("Event", "Type"): ["Call", "Email", "Meeting", "Other", "Visite client", "Customer visit", "Réunion",
                        "Démonstration", "Relance devis"],
    ("Task", "Type"): ["Call", "Email", "Meeting", "Other"],
    ("Task", "TaskSubtype"): ["Task", "Email", "ListEmail", "Cadence", "Call", "LinkedIn"],
    ("Event", "EventSubtype"): ["Event"],
    # "0 (Non–group event) ... 1 (Group event) ... 2 (Proposed event)"; 3: "the event series record, which represents
    # the recurrence pattern, with GroupEventType set to 3" (Change Data Capture Developer Guide, Recurring Activities)
    ("Event", "GroupEventType"): ["0", "1", "2", "3"],
    ("EventRelation", "Status"): ["New", "Declined", "Accepted", "Deleted"],
    ("Task", "Status"): ["Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred", "Clôturée"],
    ("Task", "Priority"): ["High", "Normal", "Low"],
    ("Task", "CallType"): ["Internal", "Inbound", "Outbound"],
    ("Opportunity", "StageName"): ["Prospecting", "Qualification", "Needs Analysis", "Value Proposition",
                                   "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost"],
    ("Account", "Industry"): ["Banking", "Chemicals", "Manufacturing", "Other"],
    ("Account", "Type"): ["Prospect", "Customer - Direct", "Customer - Channel", "Other"],
}
REFERENCE_TO = {"OwnerId": ["User"], "CreatedById": ["User"], "LastModifiedById": ["User"], "ManagerId": ["User"],
                "AccountId": ["Account"], "ParentId": ["Account"], "MasterRecordId": ["Account"],
                "WhatId": ["Account", "Opportunity", "Case"], "WhoId": ["Contact", "Lead"], "Product2Id": ["Product2"],
                "EventId": ["Event"], "TaskId": ["Task"], "RelationId": ["User", "Contact", "Lead", "Account",
                                                                          "Opportunity"],
                "RecurrenceActivityId": ["Event", "Task"],
                "OpportunityId": ["Opportunity"], "PAC_Axis__c": ["PAC_Axis__c"],
                "ContactId": ["Contact"]}
RELATIONSHIPS = {"Owner": "OwnerId", "Account": "AccountId", "What": "WhatId", "Who": "WhoId",
                 "CreatedBy": "CreatedById", "LastModifiedBy": "LastModifiedById", "Parent": "ParentId",
                 "Manager": "ManagerId", "MasterRecord": "MasterRecordId",
                 "Product2": "Product2Id", "Opportunity": "OpportunityId"}
CHILDREN = {("Opportunity", "OpportunityLineItems")}


def add_pac_objects(writeback: dict[str, Any]) -> None:
    """The PAC custom objects an installed org holds: every field the mapping's write-back names."""
    for part in ("axis", "action"):
        spec = writeback[part]
        fields = {**_COMMON, spec["key_field"]: "string"}
        for name in spec["fields"].values():
            fields[name] = "reference" if name in ("OwnerId", "PAC_Axis__c") else "string"
        SCHEMA[spec["object"]] = fields
    for name in writeback["account"]["fields"].values():
        SCHEMA["Account"][name] = "string"


FORCE_APP = Path(__file__).resolve().parents[2] / "force-app" / "main" / "default" / "objects"
_MD = "{http://soap.sforce.com/2006/04/metadata}"


@dataclass(frozen=True)
class FieldSpec:
    """A custom field as ``force-app`` deploys it: its metadata type, length (Text), precision and scale (Number,
    Currency, Percent: "precision" the digits in all, "scale" those after the point) and a restricted picklist's
    values."""
    kind: str
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    values: frozenset[str] | None = None


def force_app_fields() -> dict[tuple[str, str], FieldSpec]:
    """Every custom field of ``force-app``'s objects (PAC Axis, PAC Action, Account's PAC fields), by (object,
    field)."""
    out: dict[tuple[str, str], FieldSpec] = {}
    for path in sorted(FORCE_APP.glob("*/fields/*.field-meta.xml")):
        root = ElementTree.parse(path).getroot()  # noqa: S314 - the repository's own files

        def text(tag: str, node: ElementTree.Element = root) -> str | None:
            found = node.find(f"{_MD}{tag}")
            return found.text if found is not None else None

        restricted = root.find(f"{_MD}valueSet/{_MD}restricted")
        values = None
        if restricted is not None and restricted.text == "true":
            values = frozenset(str(v.text) for v in root.iter(f"{_MD}fullName") if v is not root.find(f"{_MD}fullName"))
        number = {k: int(v) for k in ("length", "precision", "scale") if (v := text(k)) is not None}
        out[(path.parent.parent.name, str(text("fullName")))] = FieldSpec(str(text("type")), values=values, **number)
    return out


def saved_value(spec: FieldSpec, value: Any) -> tuple[Any, tuple[str, str] | None]:
    """``value`` sent to a field of ``spec`` as kept, or the error Salesforce answers (statusCode, message), or a
    value pac should not have sent (``("", why)``: the caller lists it in ``unhandled``).

    Text: at most ``length`` characters, counted in UTF-16 units ("Surrogate pair characters are treated as two
    characters"), else STRING_TOO_LONG. Number, Currency, Percent: a JSON number whose integer part has at most
    ``precision - scale`` digits (NUMBER_OUTSIDE_VALID_RANGE); one with more than ``scale`` decimal places is one pac
    should not send (docs/salesforce.md: pac writes each figure to its field's places, ROI to four, amounts to the
    cent), whatever Salesforce would keep of it. A restricted picklist: one of its values
    (INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST). Checkbox: a JSON boolean. Date: ``YYYY-MM-DD``."""
    if value is None:
        return None, None
    if spec.kind in ("Text", "LongTextArea") and spec.length is not None:
        if not isinstance(value, str):
            return None, ("INVALID_TYPE_ON_FIELD_IN_RECORD", f"value not of required type: {value!r}")
        if len(value.encode("utf-16-le")) // 2 > spec.length:
            return None, ("STRING_TOO_LONG", f"data value too large: max length={spec.length}")
    elif spec.kind in ("Number", "Currency", "Percent"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None, ("INVALID_TYPE_ON_FIELD_IN_RECORD", f"value not of required type: {value!r}")
        places, exact = spec.scale or 0, Decimal(repr(value))
        if len(str(abs(exact).to_integral_value(ROUND_DOWN))) > (spec.precision or 18) - places and abs(exact) >= 1:
            return None, ("NUMBER_OUTSIDE_VALID_RANGE", f"value outside of valid range on numeric field: {value}")
        if exact != exact.quantize(Decimal(1).scaleb(-places)):
            return value, ("", f"{value} has more than the field's {places} decimal places")
    elif spec.kind == "Picklist" and spec.values is not None:
        if value not in spec.values:
            return None, ("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", f"bad value for restricted picklist field: "
                                                                     f"{value}")
    elif (spec.kind == "Checkbox" and not isinstance(value, bool)) or (
            spec.kind == "Date" and not (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))):
        return None, ("INVALID_TYPE_ON_FIELD_IN_RECORD", f"value not of required type: {value!r}")
    return value, None


def sf_datetime(value: datetime) -> str:
    """The REST API's datetime form: UTC, milliseconds, ``+0000``."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}+0000"


class SoqlError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


_TOKEN = re.compile(r"\s*(\(|\)|,|!=|<>|<=|>=|=|<|>|'(?:[^'\\]|\\.)*'|[^\s(),=<>!']+)")


def _tokens(text: str) -> list[str]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise SoqlError("MALFORMED_QUERY", f"unexpected text at {text[pos:pos + 20]!r}")
        out.append(m.group(1))
        pos = m.end()
    return out


def _literal(tok: str) -> Any:
    if tok.startswith("'"):
        return bytes(tok[1:-1], "utf-8").decode("unicode_escape") if "\\" in tok else tok[1:-1]
    low = tok.lower()
    if low in ("true", "false"):
        return low == "true"
    if low == "null":
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", tok):
        return date.fromisoformat(tok)
    # SOQL's dateTime literal forms (SOQL and SOSL Reference, Date Formats): ss then Z or an offset +hh:mm
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})", tok):
        return datetime.fromisoformat(tok.replace("Z", "+00:00"))
    if re.fullmatch(r"-?\d+(\.\d+)?", tok):
        return float(tok) if "." in tok else int(tok)
    raise SoqlError("MALFORMED_QUERY", f"unexpected token {tok!r} (date literals such as TODAY are not emulated)")


class Query:
    """One parsed SELECT: fields, FROM, WHERE (a predicate), ORDER BY, LIMIT."""

    def __init__(self, org: DocsOrg, soql: str) -> None:
        self.org = org
        toks = _tokens(soql)
        if not toks or toks[0].upper() != "SELECT":
            raise SoqlError("MALFORMED_QUERY", "a query starts with SELECT")
        i = 1
        self.fields: list[tuple[str, Any]] = []        # (kind, spec): field / label / child / count
        while True:
            if toks[i] == "(":
                depth, j = 0, i
                while True:
                    depth += {"(": 1, ")": -1}.get(toks[j], 0)
                    if depth == 0:
                        break
                    j += 1
                self.fields.append(("child", toks[i + 1:j]))
                i = j + 1
            elif toks[i].lower() == "tolabel" and toks[i + 1] == "(":
                self.fields.append(("label", toks[i + 2]))
                i += 4
            elif toks[i].upper() == "COUNT" and toks[i + 1] == "(" and toks[i + 2] == ")":
                self.fields.append(("count", None))
                i += 3
            else:
                self.fields.append(("field", toks[i]))
                i += 1
            if toks[i] == ",":
                i += 1
                continue
            break
        if toks[i].upper() != "FROM":
            raise SoqlError("MALFORMED_QUERY", f"expected FROM, got {toks[i]!r}")
        self.sobject = toks[i + 1]
        if self.sobject not in SCHEMA:
            raise SoqlError("INVALID_TYPE", f"sObject type '{self.sobject}' is not supported.")
        i += 2
        self.where: Callable[[dict[str, Any]], bool] = lambda _r: True
        self.order: list[tuple[str, bool, bool]] = []   # (field, descending, nulls last: SOQL's default is DESC)
        self.limit: int | None = None
        rest = toks[i:]
        for kind, spec in self.fields:
            if kind in ("field", "label"):
                self.org.check_path(self.sobject, spec)
        while rest:
            word = rest[0].upper()
            if word == "WHERE":
                end = next((k for k, t in enumerate(rest) if k > 0 and t.upper() in ("ORDER", "LIMIT")), len(rest))
                self.where, used = self._expr(rest[1:end], 0)
                if used != end - 1:
                    raise SoqlError("MALFORMED_QUERY", f"unexpected {rest[1 + used:end]}")
                rest = rest[end:]
            elif word == "ORDER" and rest[1].upper() == "BY":
                k = 2
                while k < len(rest) and rest[k].upper() != "LIMIT":
                    name, desc = rest[k], False
                    nulls_last: bool | None = None
                    self.org.check_path(self.sobject, name)
                    k += 1
                    while k < len(rest) and rest[k] != "," and rest[k].upper() != "LIMIT":
                        w = rest[k].upper()
                        desc = desc or w == "DESC"
                        if w == "NULLS":
                            nulls_last = rest[k + 1].upper() == "LAST"
                            k += 1
                        k += 1
                    self.order.append((name, desc, desc if nulls_last is None else nulls_last))
                    if k < len(rest) and rest[k] == ",":
                        k += 1
                rest = rest[k:]
            elif word == "LIMIT":
                self.limit = int(rest[1])
                rest = rest[2:]
            else:
                raise SoqlError("MALFORMED_QUERY", f"unexpected {rest[0]!r}")

    # WHERE: or-expr := and-expr (OR and-expr)*; and-expr := unary (AND unary)*; unary := NOT unary | (expr) | cond
    def _expr(self, toks: list[str], i: int) -> tuple[Callable[[dict[str, Any]], bool], int]:
        left, i = self._and(toks, i)
        while i < len(toks) and toks[i].upper() == "OR":
            right, i = self._and(toks, i + 1)
            left = (lambda a, b: lambda r: a(r) or b(r))(left, right)
        return left, i

    def _and(self, toks: list[str], i: int) -> tuple[Callable[[dict[str, Any]], bool], int]:
        left, i = self._unary(toks, i)
        while i < len(toks) and toks[i].upper() == "AND":
            right, i = self._unary(toks, i + 1)
            left = (lambda a, b: lambda r: a(r) and b(r))(left, right)
        return left, i

    def _unary(self, toks: list[str], i: int) -> tuple[Callable[[dict[str, Any]], bool], int]:
        if toks[i].upper() == "NOT":
            inner, i = self._unary(toks, i + 1)
            return (lambda r: not inner(r)), i
        if toks[i] == "(":
            inner, i = self._expr(toks, i + 1)
            if toks[i] != ")":
                raise SoqlError("MALFORMED_QUERY", "unbalanced parenthesis")
            return inner, i + 1
        name = toks[i]
        self.org.check_path(self.sobject, name)
        op = toks[i + 1].upper()
        if op in ("IN", "NOT") and (op == "IN" or toks[i + 2].upper() == "IN"):
            k = i + 2 if op == "IN" else i + 3
            if toks[k] != "(":
                raise SoqlError("MALFORMED_QUERY", "IN takes a list (semi-joins are not emulated)")
            values, k = [], k + 1
            while toks[k] != ")":
                if toks[k] != ",":
                    values.append(_literal(toks[k]))
                k += 1
            negate = op == "NOT"
            return (lambda r: (self._compare(r, name, "=", values) != negate)), k + 1
        if op == "LIKE":
            pattern = re.compile("^" + re.escape(_literal(toks[i + 2])).replace("%", ".*").replace("_", ".") + "$",
                                 re.I)
            return (lambda r: bool(pattern.match(str(self.org.value(r, name) or "")))), i + 3
        value = _literal(toks[i + 2])
        return (lambda r: self._compare(r, name, op, [value])), i + 3

    def _compare(self, row: dict[str, Any], name: str, op: str, values: list[Any]) -> bool:
        have = self.org.value(row, name)
        for want in values:
            a, b = have, want
            if isinstance(a, datetime) and isinstance(b, date) and not isinstance(b, datetime):
                a = a.date()
            if a is None or b is None:
                ok = (a is None and b is None) if op == "=" else (
                    not (a is None and b is None) if op in ("!=", "<>") else False)
            elif op == "=":
                ok = a == b if not isinstance(a, str) else a.lower() == str(b).lower()
            elif op in ("!=", "<>"):
                ok = a != b if not isinstance(a, str) else a.lower() != str(b).lower()
            else:
                ok = {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
            if ok:
                return True
        return False

    def rows(self, all_rows: bool) -> list[dict[str, Any]]:
        # queryAll "returns records that have been deleted because of a merge or delete" and "also returns information
        # about archived Task and Event records" (SOAP API, queryAll()); query returns neither
        rows = [r for r in self.org.rows[self.sobject]
                if (all_rows or not (r.get("IsDeleted") or r.get("IsArchived"))) and self.where(r)]
        for name, desc, nulls_last in reversed(self.order):
            present = sorted((r for r in rows if self.org.value(r, name) is not None),
                             key=functools.partial(self._key, name), reverse=desc)
            empty = [r for r in rows if self.org.value(r, name) is None]
            rows = present + empty if nulls_last else empty + present
        return rows[: self.limit] if self.limit is not None else rows

    def _children(self, row: dict[str, Any], spec: list[str], name: str, all_rows: bool) -> dict[str, Any] | None:
        """A child relationship subquery (``(SELECT ... FROM OpportunityLineItems WHERE ...)``): the parent's children
        as a query result of their own, null when it has none ("a child subquery with no child is null")."""
        if (self.sobject, name) not in CHILDREN:
            raise SoqlError("INVALID_TYPE", f"Didn't understand relationship '{name}' in FROM part of query call.")
        child = {"OpportunityLineItems": "OpportunityLineItem"}[name]
        sub = Query(self.org, " ".join(child if t == name else t for t in spec))
        parent_field = {"OpportunityLineItem": "OpportunityId"}[child]
        rows = [r for r in sub.rows(all_rows) if r.get(parent_field) == row["Id"]]
        if not rows:
            return None
        return {"totalSize": len(rows), "done": True, "records": [sub.shape(r) for r in rows]}

    def _key(self, name: str, row: dict[str, Any]) -> Any:
        return self.org.value(row, name)

    def shape(self, row: dict[str, Any], all_rows: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"attributes": self.org.attributes(self.sobject, row["Id"])}
        for kind, spec in self.fields:
            if kind == "child":
                name = spec[spec.index("FROM") + 1] if "FROM" in spec else spec[-1]
                out[name] = self._children(row, spec, name, all_rows)
            elif kind in ("field", "label"):
                self.org.place(out, self.sobject, row, spec)
        return out


class DocsOrg:
    """The org's rows (``rows[sobject]``: plain Python values) and its REST answers through ``responses``."""

    def __init__(self, page_size: int = 5) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMA}
        self.page_size = page_size
        self.locators: dict[str, list[dict[str, Any]]] = {}
        self.resources: dict[str, str] = {}     # locator -> the resource that answers its next pages
        self.jobs: dict[str, str] = {}          # Bulk API 2.0 query job id -> its CSV rows (header first)
        self.bulk_page = 500
        self.multi_currency = False
        self.seq = itertools.count(1)
        self.calls = 0
        self.requests: list[tuple[str, str, Any]] = []    # (method, path + query, JSON body)
        self.unhandled: list[str] = []
        self.errors: list[str] = []         # every error answered, "status errorCode message"
        # called with (sObject of an upsert or None, body) before each collection request: what users do meanwhile
        self.before_write: list[Callable[[str | None, Any], None]] = []
        self.now = datetime(2027, 5, 20, 15, 0, tzinfo=UTC)
        # the custom fields' types as force-app deploys them (``force_app_fields``): a value written to one is
        # checked and kept as Salesforce keeps it (``saved_value``); a field not listed keeps any value as sent
        self.field_specs: dict[tuple[str, str], FieldSpec] = force_app_fields()
        # the Account fields with Field History Tracking on ("Salesforce starts tracking field history from the date
        # and time that you turn it on a field", Security Guide): ``edit_account`` writes their AccountHistory rows
        self.tracked: set[str] = set()

    # --- data -----------------------------------------------------------------------------------------------
    def new_id(self, sobject: str) -> str:
        return f"{PREFIX[sobject]}{next(self.seq):012d}AAA"[:18]

    def add(self, sobject: str, **fields: Any) -> str:
        unknown = set(fields) - set(SCHEMA[sobject])
        assert not unknown, f"{sobject} has no {unknown}"
        row: dict[str, Any] = {name: None for name in SCHEMA[sobject]}
        row.update({"IsDeleted": False, "CreatedDate": datetime(2027, 1, 4, 9, 0, tzinfo=UTC),
                    "CreatedById": INTEGRATION_USER, "LastModifiedById": INTEGRATION_USER})
        if "IsArchived" in row:
            row["IsArchived"] = False
        for flag in ("IsRecurrence", "IsChild", "IsGroupEvent", "IsAllDayEvent", "IsClosed", "IsWon", "IsRecurrence2",
                     "IsRecurrence2Exception", "IsRecurrence2Exclusion", "IsInvitee", "IsParent", "IsWhat"):
            if flag in row:
                row[flag] = False
        if "IsPrivate" in row:      # IsPrivate: "Defaulted on create" (Object Reference, Event)
            row["IsPrivate"] = False
        row.update(fields)
        row.setdefault("Id", None)
        row["Id"] = row["Id"] or self.new_id(sobject)
        stamp = fields.get("SystemModstamp") or datetime(2027, 5, 19, 12, 0, 0, 347000, tzinfo=UTC)
        row["SystemModstamp"] = row["LastModifiedDate"] = stamp
        self.rows[sobject].append(row)
        return str(row["Id"])

    # --- activities as Salesforce relates them ---------------------------------------------------------------------
    def account_of(self, what: str | None, who: str | None) -> str | None:
        """An activity's ``AccountId`` as the Event and Task references derive it: "If the value of WhatId is any of
        the following objects, then Salesforce uses that object's AccountId: Account, Opportunity, Contract, Custom
        object that's a child of Account. If the value of the WhatId field is any other object, and the value of the
        WhoId field is a contact object, then Salesforce uses that contact's AccountId. If your org uses Shared
        Activities, Salesforce uses the AccountId of the primary contact. Otherwise, Salesforce sets the value of the
        AccountId field to null." (an account's is itself; a person account's person contact has it as AccountId)"""
        found = self.find(what)
        if found is not None and found[0] in ("Account", "Opportunity"):
            return str(found[1]["Id"]) if found[0] == "Account" else found[1].get("AccountId")
        found = self.find(who)
        return found[1].get("AccountId") if found is not None and found[0] == "Contact" else None

    def activity(self, sobject: str, *, who: tuple[str, ...] = (), what: str | None = None, **fields: Any) -> str:
        """An Event or Task related to ``what`` and to the contacts (or the one lead) ``who`` as an org with Shared
        Activities keeps it: the first contact is the primary one (``WhoId``), ``WhoCount`` and ``WhatCount`` count the
        relations, ``AccountId`` is derived (``account_of``), each contact has its Who relation (``EventWhoRelation``,
        a filtered ``EventRelation`` with IsParent true and IsWhat false; ``TaskWhoRelation``) and an Event's What
        its ``EventRelation`` (IsWhat true)."""
        assert "AccountId" not in fields and "WhoId" not in fields and "WhatId" not in fields, "derived: who=, what="
        # "Private events can't be associated with opportunities, accounts, ... leads, or contacts" (Event, IsPrivate);
        # "Multiday events can't exceed 14 days" (Event, Usage: Multiday Events)
        assert not (fields.get("IsPrivate") and (who or what)), "a private event relates to no record"
        assert (fields.get("DurationInMinutes") or 0) <= 14 * 1440, "a multiday event can't exceed 14 days"
        primary = who[0] if who else None
        if sobject == "Event":
            fields.setdefault("GroupEventType", "0")
        record = self.add(sobject, WhoId=primary, WhatId=what, AccountId=self.account_of(what, primary),
                          WhoCount=len(who), WhatCount=1 if what else 0, **fields)
        stamp = fields.get("SystemModstamp")
        for contact in who:
            kind = self.find(contact)
            assert kind is not None, contact
            if sobject == "Event":
                self.add("EventRelation", EventId=record, RelationId=contact, IsParent=True,
                         AccountId=self.account_of(None, contact), SystemModstamp=stamp)
                self.add("EventWhoRelation", EventId=record, RelationId=contact, Type=kind[0], SystemModstamp=stamp)
            else:
                self.add("TaskWhoRelation", TaskId=record, RelationId=contact, Type=kind[0], SystemModstamp=stamp)
        if what and sobject == "Event":
            self.add("EventRelation", EventId=record, RelationId=what, IsParent=True, IsWhat=True,
                     AccountId=self.account_of(what, None), SystemModstamp=stamp)
        return record

    def edit_activity(self, record_id: str, at: datetime, by: str = INTEGRATION_USER, *,
                      what: str | bool | None = False, **fields: Any) -> None:
        """A user edits an Event or Task at ``at``: ``fields`` as given (``OwnerId``: "Contains the ID of the user or
        public calendar who owns the event. Label is Assigned to ID", Create, Update; ``IsPrivate``, Update), and
        ``what`` (unless False) the new *Related To*: ``WhatId`` and ``WhatCount`` set, ``AccountId`` derived again
        as the references say (``account_of``) and an Event's What relation moved (its ``EventRelation`` with IsWhat).
        ``SystemModstamp``, ``LastModifiedDate`` and ``LastModifiedById`` move, as on any save. A private event
        relates to no record ("Private events can't be associated with ... accounts", Event, IsPrivate)."""
        found = self.find(record_id)
        assert found is not None
        sobject, row = found
        row.update(fields)
        if what is not False:
            assert what is None or isinstance(what, str)
            row.update(WhatId=what, WhatCount=1 if what else 0, AccountId=self.account_of(what, row.get("WhoId")))
            if sobject == "Event":
                for rel in self.rows["EventRelation"]:
                    if rel["EventId"] == record_id and rel.get("IsWhat") and not rel["IsDeleted"]:
                        rel.update(IsDeleted=True, SystemModstamp=at)
                if what:
                    self.add("EventRelation", EventId=record_id, RelationId=what, IsParent=True, IsWhat=True,
                             AccountId=self.account_of(what, None), SystemModstamp=at)
        assert not (row.get("IsPrivate") and (row.get("WhatId") or row.get("WhoId"))), "a private event relates to none"
        row.update(SystemModstamp=at, LastModifiedDate=at, LastModifiedById=by)

    def group_event(self, owner: str, invitees: tuple[str, ...], *, who: tuple[str, ...] = (),
                    what: str | None = None, **fields: Any) -> tuple[str, dict[str, str]]:
        """An event ``owner`` organises with ``invitees`` (users, contacts or leads): the organiser's event
        (``IsGroupEvent``, ``GroupEventType`` "1 (Group event)—An event with invitees"), an ``EventRelation`` per
        invitee (``IsInvitee`` true, ``Status`` New), and for each invited user the calendar copy Salesforce gives
        them: "When a Salesforce user is invited to a calendar event, a child calendar event record is created for the
        invitee. A child calendar event is an Event record with the IsChild field set to true and OwnerId set to the
        invitee's user ID. A child calendar event isn't created for an invitee who isn't a Salesforce user, such as a
        contact, a lead, or a resource" (Change Data Capture Developer Guide, Event Invitees: its example copy repeats
        the event's fields, ``IsGroupEvent`` and ``GroupEventType`` 1 included); "An EventRelation object can't be
        related to a child event". The event's id, and its copies' by user."""
        event = self.activity("Event", who=who, what=what, OwnerId=owner, IsGroupEvent=True,
                              **{"GroupEventType": "1", **fields})
        found = self.find(event)
        assert found is not None
        copies: dict[str, str] = {}
        for invitee in invitees:
            self.add("EventRelation", EventId=event, RelationId=invitee, IsInvitee=True, Status="New",
                     SystemModstamp=fields.get("SystemModstamp"))
            if invitee.startswith(PREFIX["User"]):
                copy = {k: v for k, v in found[1].items() if k != "Id"}
                copies[invitee] = self.add("Event", **{**copy, "OwnerId": invitee, "IsChild": True})
        return event, copies

    def classic_series(self, sobject: str, occurrences: list[dict[str, Any]], pattern: dict[str, Any], *,
                       who: tuple[str, ...] = (), what: str | None = None, **fields: Any) -> tuple[str, list[str]]:
        """A Salesforce Classic recurring series: its master (``IsRecurrence`` true, the ``Recurrence*`` fields of
        ``pattern``, the first occurrence's date), and each occurrence its own row whose ``RecurrenceActivityId`` is
        the master's ("The ID of the main record of the recurring event or task. Subsequent occurrences have the same
        value in this field"). A Task master has no due date: ActivityDate "can't be set or updated for a recurring
        task (IsRecurrence is true)" (Object Reference, Task). The master's id and the occurrences'."""
        first = {**occurrences[0], **({"ActivityDate": None, "CompletedDateTime": None} if sobject == "Task" else {})}
        master = self.activity(sobject, who=who, what=what, IsRecurrence=True, **{**fields, **first, **pattern})
        return master, [self.activity(sobject, who=who, what=what, RecurrenceActivityId=master,
                                      **{**fields, **occurrence}) for occurrence in occurrences]

    def event_series(self, occurrences: list[dict[str, Any]], rule: str, *, who: tuple[str, ...] = (),
                     what: str | None = None, **fields: Any) -> tuple[str, list[str]]:
        """A Lightning Experience event series (``IsRecurrence2``, its pattern an RRULE in ``Recurrence2PatternText``):
        the series record, "which represents the recurrence pattern, with GroupEventType set to 3" and the first
        occurrence's date, then "Each occurrence in the series is tracked by an individual change event": its own
        Event row (Change Data Capture Developer Guide, Recurring Activities). The series' id and the occurrences'."""
        series_fields = {"IsRecurrence2": True, "Recurrence2PatternText": rule, "Recurrence2PatternVersion": "1"}
        series = self.activity("Event", who=who, what=what, **{**fields, **occurrences[0], **series_fields,
                                                               "GroupEventType": "3"})
        return series, [self.activity("Event", who=who, what=what, **{**fields, **series_fields, **occurrence})
                        for occurrence in occurrences]

    def archive_activities(self, today: date) -> list[str]:
        """Salesforce's archival background process run on ``today``: "Salesforce archives activities (tasks and
        events) that are over a year old ... Events with an ActivityDateTime or ActivityDate value greater than or
        equal to 365 days old; Tasks with an IsClosed value of true and an ActivityDate value greater than or equal to
        365 days old; Tasks with an IsClosed value of true, a blank ActivityDate field, and a create date greater than
        or equal to 365 days ago ... you cannot update the isArchived field ... In the API, archived activities can
        only be queried via queryAll()" (SOAP API Developer Guide, Archived Activities,
        https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_guidelines_archive.htm). Nothing
        documents a change of ``SystemModstamp``: it is left as it was. The ids archived now."""
        done: list[str] = []
        for sobject in ("Event", "Task"):
            for row in self.rows[sobject]:
                if row["IsArchived"] or row["IsDeleted"]:
                    continue
                day = row.get("ActivityDate")
                if sobject == "Event":
                    when = row.get("ActivityDateTime")
                    day = when.date() if when is not None and day is None else day
                elif not row.get("IsClosed"):
                    continue
                elif day is None:
                    day = row["CreatedDate"].date()
                if day is not None and (today - day).days >= 365:
                    row["IsArchived"] = True
                    done.append(str(row["Id"]))
        return done

    def delete(self, record_id: str, at: datetime) -> None:
        """A user deletes the record at ``at``: ``IsDeleted`` and ``SystemModstamp`` change (getDeleted's
        "deletedDate ... is obtained using the SystemModstamp system field"); nothing documents a change of
        ``LastModifiedById`` or ``LastModifiedDate``, so they keep the last edit's. An account takes its
        opportunities and activities with it (cascade delete)."""
        found = self.find(record_id)
        assert found is not None
        sobject, row = found
        row.update(IsDeleted=True, SystemModstamp=at)
        if sobject == "Account":
            for h in self.rows["AccountHistory"]:
                if h["AccountId"] == record_id:
                    h["IsDeleted"] = True
            for child in ("Opportunity", "Event", "Task"):
                for r in self.rows[child]:
                    if r.get("AccountId") == record_id and not r["IsDeleted"]:
                        r.update(IsDeleted=True, SystemModstamp=at)

    def edit_account(self, account_id: str, at: datetime, by: str = INTEGRATION_USER, **fields: Any) -> None:
        """A user edits the account at ``at``: its stamps move, and each tracked field (``tracked``) that changes gets
        its AccountHistory row, dated ``at`` ("All entries include the date, time, nature of the change, and who made
        the change", Security Guide, *Field History Tracking*). A lookup is named by its relationship (``Owner``) and
        "Two rows are added to this object when foreign key fields change. One row contains the foreign key object
        names that display in the online application ... The other row contains the actual foreign key ID that is
        only returned to and visible from the API" (Object Reference, *EntityHistory*)."""
        found = self.find(account_id)
        assert found is not None and found[0] == "Account"
        row = found[1]
        for name, new in fields.items():
            old = row[name]
            row[name] = new
            if name not in self.tracked or old == new:
                continue
            kind = SCHEMA["Account"][name]
            if kind == "reference":
                field = next(r for r, f in RELATIONSHIPS.items() if f == name)
                self._history(account_id, at, by, field, "EntityId", old, new)
                names = [None if v is None else (self.find(v) or ("", {}))[1].get("Name") for v in (old, new)]
                self._history(account_id, at, by, field, "Text", *names)
            else:
                data_type = {"picklist": "DynamicEnum", "boolean": "Boolean"}.get(kind, "Text")
                self._history(account_id, at, by, name, data_type, old, new)
        row.update(SystemModstamp=at, LastModifiedDate=at, LastModifiedById=by)

    def _history(self, account_id: str, at: datetime, by: str, field: str, data_type: str, old: Any,
                 new: Any) -> None:
        self.rows["AccountHistory"].append({
            "Id": self.new_id("AccountHistory"), "IsDeleted": False, "AccountId": account_id, "CreatedById": by,
            "CreatedDate": at, "Field": field, "DataType": data_type, "OldValue": old, "NewValue": new})

    def field_definitions(self) -> None:
        """FieldDefinition's rows of Account's fields, as ``tracked`` says now."""
        self.rows["FieldDefinition"] = [
            {"Id": f"Account.{name}", "DurableId": f"Account.{name}", "QualifiedApiName": name,
             "EntityDefinitionId": "Account", "IsFieldHistoryTracked": name in self.tracked}
            for name in SCHEMA["Account"]]

    def find(self, record_id: str | None) -> tuple[str, dict[str, Any]] | None:
        if not record_id:
            return None
        for sobject, rows in self.rows.items():
            for row in rows:
                if row["Id"] == record_id:
                    return sobject, row
        return None

    @staticmethod
    def relationship(sobject: str, part: str) -> tuple[str, str | None]:
        """A relationship name's reference field and the object it refers to (None: polymorphic, What/Who); a custom
        lookup ``X__c`` is reached as ``X__r``."""
        field = part[:-1] + "c" if part.endswith("__r") else RELATIONSHIPS.get(part, "")
        if SCHEMA[sobject].get(field) != "reference":
            raise SoqlError("INVALID_FIELD", f"Didn't understand relationship '{part}' in field path. ")
        targets = REFERENCE_TO.get(field, [])
        return field, targets[0] if len(targets) == 1 else None

    def check_path(self, sobject: str, path: str) -> None:
        parts = path.split(".")
        for k, part in enumerate(parts):
            if k == len(parts) - 1:
                if part not in SCHEMA[sobject]:
                    raise SoqlError("INVALID_FIELD", f"No such column '{part}' on entity '{sobject}'. If you are "
                                    "attempting to use a custom field, be sure to append the '__c' after the custom "
                                    "field name.")
            else:
                _field, target = self.relationship(sobject, part)
                if target is None:   # polymorphic What/Who: only the fields every target has (Name, Type...)
                    if parts[k + 1] not in ("Id", "Name", "Type") or k + 2 != len(parts):
                        raise SoqlError("INVALID_FIELD", f"No such column '{parts[k + 1]}' on entity 'Name'.")
                    return
                sobject = target

    def value(self, row: dict[str, Any], path: str) -> Any:
        parts = path.split(".")
        sobject = next(name for name, rows in self.rows.items() if any(r is row for r in rows)) if len(parts) > 1 \
            else ""
        for part in parts[:-1]:
            field, _target = self.relationship(sobject, part)
            found = self.find(row.get(field))
            if found is None:
                return None
            sobject, row = found
        return row.get(parts[-1])

    def attributes(self, sobject: str, record_id: str) -> dict[str, str]:
        return {"type": sobject, "url": f"{BASE}sobjects/{sobject}/{record_id}"}

    def place(self, out: dict[str, Any], sobject: str, row: dict[str, Any], path: str) -> None:
        parts = path.split(".")
        if len(parts) == 1:
            out[path] = self.json_value(SCHEMA[sobject][path], row.get(path))
            return
        rel = parts[0]
        found = self.find(row.get(self.relationship(sobject, rel)[0]))
        if found is None:
            out[rel] = None
            return
        target, target_row = found
        if rel in ("What", "Who"):
            sub = out.setdefault(rel, {"attributes": self.attributes(target, target_row["Id"])})
            key = parts[1]
            sub[key] = target if key == "Type" else target_row.get(key)
            return
        sub = out.get(rel) or {"attributes": self.attributes(target, target_row["Id"])}
        out[rel] = sub
        self.place(sub, target, target_row, ".".join(parts[1:]))

    @staticmethod
    def json_value(kind: str, value: Any) -> Any:
        if value is None:
            return None
        if kind == "datetime":
            return sf_datetime(value)
        if kind == "date":
            return value.isoformat()
        if kind in ("currency", "double", "percent"):
            return float(value)
        return value

    # --- HTTP -----------------------------------------------------------------------------------------------
    def install(self, rsps: responses.RequestsMock) -> None:
        rsps.add_callback(responses.POST, f"https://{DOMAIN}/services/oauth2/token", callback=self._token)
        rsps.add_callback(responses.GET, re.compile(re.escape(INSTANCE) + r"/services/data/.*"), callback=self._get)
        for method in (responses.PATCH, responses.POST, responses.DELETE, responses.PUT):
            rsps.add_callback(method, re.compile(re.escape(INSTANCE) + r"/services/data/.*"), callback=self._write)
        rsps.add_callback(responses.POST, re.compile(re.escape(INSTANCE) + r"/services/Soap/u/.*"),
                          callback=self._soap)
        rsps.add_callback(responses.GET, re.compile(re.escape(INSTANCE) + r"/services/oauth2/userinfo.*"),
                          callback=self._userinfo)

    def _answer(self, status: int, body: Any, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        self.calls += 1
        base = {"Content-Type": "application/json;charset=UTF-8", "Sforce-Limit-Info": f"api-usage={self.calls}/15000",
                "Date": self.now.strftime("%a, %d %b %Y %H:%M:%S GMT")}
        return status, {**base, **(headers or {})}, json.dumps(body)

    def _error(self, status: int, code: str, message: str) -> tuple[int, dict[str, str], str]:
        self.errors.append(f"{status} {code} {message}")
        return self._answer(status, [{"message": message, "errorCode": code}])

    def _token(self, request: Any) -> tuple[int, dict[str, str], str]:
        self.requests.append(("POST", "/services/oauth2/token", None))
        return self._answer(200, {"access_token": "00Dxx!docs-token", "instance_url": INSTANCE,
                                  "id": f"https://login.salesforce.com/id/00D000000000001AAA/{INTEGRATION_USER}",
                                  "token_type": "Bearer", "issued_at": "1800000000000", "signature": "sig"})

    def _soap(self, request: Any) -> tuple[int, dict[str, str], str]:
        """SOAP API getUserInfo (the only SOAP call emulated): a single-currency org in EUR."""
        self.requests.append(("POST", urlsplit(request.url).path, None))
        body = request.body.decode() if isinstance(request.body, bytes) else str(request.body)
        if "getUserInfo" not in body:
            self.unhandled.append(f"SOAP {body[:200]}")
            return self._error(500, "UNKNOWN_EXCEPTION", "not emulated")
        self.calls += 1
        xml = ('<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/'
               'soap/envelope/" xmlns="urn:partner.soap.sforce.com"><soapenv:Body><getUserInfoResponse><result>'
               f"<organizationMultiCurrency>{str(self.multi_currency).lower()}</organizationMultiCurrency>"
               + ("" if self.multi_currency else "<orgDefaultCurrencyIsoCode>EUR</orgDefaultCurrencyIsoCode>") +
               f"<userId>{INTEGRATION_USER}</userId></result></getUserInfoResponse></soapenv:Body></soapenv:Envelope>")
        return 200, {"Content-Type": "text/xml;charset=UTF-8"}, xml

    def _userinfo(self, request: Any) -> tuple[int, dict[str, str], str]:
        self.requests.append(("GET", urlsplit(request.url).path, None))
        return self._answer(200, {"user_id": INTEGRATION_USER, "organization_id": "00D000000000001AAA"})

    def _get(self, request: Any) -> tuple[int, dict[str, str], str]:
        url = urlsplit(request.url)
        path = url.path[len(BASE):] if url.path.startswith(BASE) else None
        self.requests.append(("GET", url.path + ("?" + url.query if url.query else ""),
                              {k: v for k, v in request.headers.items() if k.lower().startswith(("sforce", "if-"))}))
        if path is None:
            if url.path.rstrip("/") == "/services/data":
                return self._answer(200, [{"label": "Winter '25", "url": BASE.rstrip("/"), "version": VERSION}])
            self.unhandled.append(f"GET {request.url}")
            return self._error(404, "NOT_FOUND", "The requested resource does not exist")
        query = parse_qs(url.query)
        try:
            if path.rstrip("/") in ("query", "queryAll") and "q" in query:
                return self._query(query["q"][0], path.startswith("queryAll"))
            m = re.fullmatch(r"(query|queryAll)/(\w+-\d+)", path)
            if m and m.group(2).rpartition("-")[0] in self.locators:
                return self._page(m.group(2))
            m = re.fullmatch(r"jobs/query/(\w+)(/results)?/?", path)
            if m and m.group(1) in self.jobs:
                return self._bulk_get(m.group(1), bool(m.group(2)), query)
            if path.rstrip("/") == "limits":
                return self._answer(200, {"DailyApiRequests": {"Max": 15000, "Remaining": 15000 - self.calls}})
            m = re.fullmatch(r"sobjects/(\w+)/describe/?", path)
            if m:
                since = request.headers.get("If-Modified-Since")
                if since and m.group(1) in SCHEMA and parsedate_to_datetime(since) >= METADATA_CHANGED:
                    self.calls += 1     # "a 304 Not Modified status code is returned, with no response body"
                    return 304, {"Sforce-Limit-Info": f"api-usage={self.calls}/15000"}, ""
                return self._describe(m.group(1))
        except SoqlError as exc:
            return self._error(400, exc.code, str(exc))
        self.unhandled.append(f"GET {request.url}")
        return self._error(404, "NOT_FOUND", "The requested resource does not exist")

    def _query(self, soql: str, all_rows: bool) -> tuple[int, dict[str, str], str]:
        self.field_definitions()
        q = Query(self, soql)
        rows = q.rows(all_rows)
        if q.fields == [("count", None)]:
            return self._answer(200, {"totalSize": len(rows), "done": True, "records": []})
        shaped = [q.shape(r, all_rows) for r in rows]
        locator = f"01g{next(self.seq):015d}"
        self.locators[locator] = shaped
        self.resources[locator] = "queryAll" if all_rows else "query"
        return self._page(f"{locator}-0")

    def _page(self, token: str) -> tuple[int, dict[str, str], str]:
        locator, _, start = token.rpartition("-")
        shaped = self.locators[locator]
        first = int(start)
        chunk = shaped[first:first + self.page_size]
        body: dict[str, Any] = {"totalSize": len(shaped), "done": first + self.page_size >= len(shaped),
                                "records": chunk}
        if not body["done"]:
            body["nextRecordsUrl"] = f"{BASE}{self.resources[locator]}/{locator}-{first + self.page_size}"
        return self._answer(200, body)

    # --- Bulk API 2.0 query jobs ("Get Results for a Query Job": CSV, Sforce-Locator 'null' after the last set) ----
    def _bulk_create(self, body: Any) -> tuple[int, dict[str, str], str]:
        operation, soql = (body or {}).get("operation"), (body or {}).get("query", "")
        if operation not in ("query", "queryAll"):
            return self._error(400, "INVALIDJOB", "operation must be query or queryAll")
        if re.search(r"\b(ORDER\s+BY|GROUP\s+BY|OFFSET|TYPEOF|COUNT\s*\()", soql, re.I) or "(SELECT" in soql.upper():
            self.unhandled.append(f"bulk query with a clause Bulk API 2.0 refuses or advises against: {soql}")
        try:
            q = Query(self, soql)
        except SoqlError as exc:
            return self._error(400, exc.code, str(exc))
        names = [spec for kind, spec in q.fields if kind in ("field", "label")]
        lines = [",".join(f'"{n}"' for n in names)]
        for row in q.rows(operation == "queryAll"):
            lines.append(",".join(self._cell(q.sobject, row, n) for n in names))
        job = f"750{next(self.seq):015d}"
        self.jobs[job] = "\n".join(lines)
        return self._answer(200, {"id": job, "operation": operation, "object": q.sobject, "state": "UploadComplete",
                                  "concurrencyMode": "Parallel", "contentType": "CSV", "apiVersion": float(VERSION),
                                  "lineEnding": "LF", "columnDelimiter": "COMMA"})

    def _cell(self, sobject: str, row: dict[str, Any], path: str) -> str:
        value, kind = self.value(row, path), self.kind(sobject, path)
        if value is None:
            return ""
        if kind == "datetime":
            text: str = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
        elif kind == "boolean":
            text = "true" if value else "false"
        else:
            text = value.isoformat() if isinstance(value, date) else str(value)
        return '"' + text.replace('"', '""') + '"'

    def kind(self, sobject: str, path: str) -> str:
        parts = path.split(".")
        for part in parts[:-1]:
            _field, target = self.relationship(sobject, part)
            if target is None:
                return "string"
            sobject = target
        return SCHEMA[sobject][parts[-1]]

    def _bulk_get(self, job: str, results: bool, query: dict[str, list[str]]) -> tuple[int, dict[str, str], str]:
        lines = self.jobs[job].split("\n")
        if not results:
            return self._answer(200, {"id": job, "state": "JobComplete", "numberRecordsProcessed": len(lines) - 1,
                                      "contentType": "CSV", "apiVersion": float(VERSION)})
        start = int((query.get("locator") or ["0"])[0])
        chunk = lines[1 + start: 1 + start + self.bulk_page]
        following = start + self.bulk_page
        self.calls += 1
        return 200, {"Content-Type": "text/csv", "Sforce-NumberOfRecords": str(len(chunk)),
                     "Sforce-Locator": str(following) if following < len(lines) - 1 else "null",
                     "Sforce-Limit-Info": f"api-usage={self.calls}/15000"}, "\n".join([lines[0], *chunk]) + "\n"

    def _describe(self, sobject: str) -> tuple[int, dict[str, str], str]:
        if sobject not in SCHEMA:
            return self._error(404, "NOT_FOUND", "The requested resource does not exist")
        fields = []
        for name, kind in SCHEMA[sobject].items():
            rel = next((r for r, f in RELATIONSHIPS.items() if f == name), None) if kind == "reference" else None
            picklist = PICKLISTS.get((sobject, name), []) if kind == "picklist" else []
            fields.append({"name": name, "type": kind, "label": name, "custom": name.endswith("__c"),
                           "nillable": name not in ("Id", "IsDeleted"), "createable": name not in ("Id",),
                           "updateable": name not in ("Id", "IsDeleted", "SystemModstamp", "IsWon", "IsClosed"),
                           "calculated": False, "externalId": name == "PAC_Key__c", "unique": name == "PAC_Key__c",
                           "relationshipName": rel,
                           "referenceTo": REFERENCE_TO.get(name, []) if kind == "reference" else [],
                           "picklistValues": [{"value": v, "label": v, "active": True, "defaultValue": False}
                                              for v in picklist],
                           "length": 255, "precision": 18, "scale": 2, "digits": 0})
        return self._answer(200, {"name": sobject, "label": sobject, "custom": sobject.endswith("__c"),
                                  "queryable": True, "fields": fields, "childRelationships": []},
                            {"Last-Modified": format_datetime(METADATA_CHANGED, usegmt=True)})

    def _write(self, request: Any) -> tuple[int, dict[str, str], str]:
        url = urlsplit(request.url)
        path = url.path[len(BASE):] if url.path.startswith(BASE) else url.path
        body = json.loads(request.body) if request.body else None
        self.requests.append((request.method, url.path, body))
        if request.method == "POST" and path.rstrip("/") == "jobs/query":
            return self._bulk_create(body)
        m = re.fullmatch(r"composite/sobjects(?:/(\w+)/(\w+))?/?", path)
        if request.method == "PATCH" and m:
            return self._collection(m.group(1), m.group(2), body)
        self.unhandled.append(f"{request.method} {request.url}")
        return self._error(404, "NOT_FOUND", "The requested resource does not exist")

    def _collection(self, sobject: str | None, external: str | None, body: Any) -> tuple[int, dict[str, str], str]:
        for hook in self.before_write:
            hook(sobject, body)
        if not isinstance(body, dict) or not isinstance(body.get("records"), list):
            return self._error(400, "JSON_PARSER_ERROR", "records is required")
        records = body["records"]
        if len(records) > 200:
            return self._error(400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records "
                                                         "into this call")
        results = []
        for rec in records:
            results.append(self._save(sobject, external, rec))
        if body.get("allOrNone") and not all(r["success"] for r in results):
            raise AssertionError("allOrNone rollback is not emulated: pac was not expected to ask for it")
        return self._answer(200, results)

    def _save(self, sobject: str | None, external: str | None, rec: dict[str, Any]) -> dict[str, Any]:
        kind = (rec.get("attributes") or {}).get("type")
        if not kind:
            return {"success": False, "errors": [{"statusCode": "INVALID_FIELD", "message": "attributes.type is "
                                                  "required", "fields": []}]}
        if sobject and kind != sobject:
            return {"success": False, "errors": [{"statusCode": "INVALID_TYPE", "message": "records must be of the "
                                                  "type in the URI", "fields": []}]}
        values = {k: v for k, v in rec.items() if k not in ("attributes", "id", "Id")}
        for name in [k for k in values if k.endswith("__r") and isinstance(values[k], dict)]:
            ref = values.pop(name)    # a lookup set by the parent's external id: {"PAC_Axis__r": {"PAC_Key__c": k}}
            field, target = self.relationship(kind, name)
            [(ext, key)] = [(k, v) for k, v in ref.items() if k != "attributes"]
            parent = next((r for r in self.rows[target or ""] if r.get(ext) == key and not r["IsDeleted"]), None)
            if parent is None:
                return {"success": False, "errors": [{"statusCode": "INVALID_FIELD", "message": f"Foreign key "
                                                      f"external ID: {key} not found for field {ext} in entity "
                                                      f"{target}", "fields": []}]}
            values[field] = parent["Id"]
        owner = self.find(values.get("OwnerId")) if values.get("OwnerId") else None
        if owner is not None and owner[0] == "User" and not owner[1].get("IsActive"):
            return {"success": False, "errors": [{"statusCode": "INACTIVE_OWNER_OR_USER", "message": "operation "
                                                  "performed with inactive user as owner", "fields": ["OwnerId"]}]}
        if owner is not None and owner[0] == "User" and kind.endswith("__c") and owner[1].get("UserType") == "CsnOnly":
            # UserType CsnOnly, a Chatter Free user: such users "will not be able to see any data updates on
            # opportunities, cases, accounts" (Salesforce Help 000206296), and "a Chatter Free user cannot be the owner
            # of a custom object record" (Salesforce developer forums, OP_WITH_INVALID_USER_TYPE_EXCEPTION): refused
            return {"success": False, "errors": [{"statusCode": "OP_WITH_INVALID_USER_TYPE_EXCEPTION",
                                                  "message": "operation with invalid user type",
                                                  "fields": ["OwnerId"]}]}
        bad = [k for k in values if k not in SCHEMA.get(kind, {})]
        if bad:
            return {"success": False, "errors": [{"statusCode": "INVALID_FIELD", "message": f"No such column "
                                                  f"'{bad[0]}' on sobject of type {kind}", "fields": bad}]}
        for name in list(values):
            spec = self.field_specs.get((kind, name))
            if spec is not None:
                values[name], problem = saved_value(spec, values[name])
                if problem is not None and not problem[0]:
                    self.unhandled.append(f"{kind}.{name}: {problem[1]}")
                elif problem is not None:
                    return {"success": False, "errors": [{"statusCode": problem[0], "message": f"{name}: {problem[1]}",
                                                          "fields": [name]}]}
        if external:
            if "id" in rec or "Id" in rec:
                return {"success": False, "errors": [{"statusCode": "INVALID_FIELD", "message": "Only external ids "
                                                      "are supported", "fields": ["Id"]}]}
            key = values.get(external)
            row = next((r for r in self.rows[kind] if r.get(external) == key and not r["IsDeleted"]), None)
            if row is None:
                new_id = self.add(kind, **values, SystemModstamp=self.now)
                return {"id": new_id, "success": True, "errors": [], "created": True}
            row.update(values, LastModifiedById=INTEGRATION_USER)
            row["SystemModstamp"] = row["LastModifiedDate"] = self.now
            return {"id": row["Id"], "success": True, "errors": [], "created": False}
        found = self.find(rec.get("id") or rec.get("Id"))
        if found is None:
            return {"success": False, "errors": [{"statusCode": "ENTITY_IS_DELETED" if rec.get("id") else
                                                  "MISSING_ARGUMENT", "message": "no such record", "fields": []}]}
        if found[1].get("IsDeleted"):
            return {"success": False, "errors": [{"statusCode": "ENTITY_IS_DELETED", "message": "entity is deleted",
                                                  "fields": []}]}
        found[1].update(values, LastModifiedById=INTEGRATION_USER)
        found[1]["SystemModstamp"] = found[1]["LastModifiedDate"] = self.now
        return {"id": found[1]["Id"], "success": True, "errors": []}


def serve(org: DocsOrg) -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        org.install(rsps)
        yield rsps
