"""The sandbox org's sObject schema: standard objects as a standard org describes them, plus custom fields.

Only the objects and fields the sandbox stores. ``describe_field`` shapes one field the way
``GET /sobjects/{Type}/describe`` documents it (name, label, type, length, updateable, createable,
nillable, externalId, picklistValues, referenceTo, relationshipName, custom...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SField:
    name: str
    type: str                       # describe type: id, string, textarea, picklist, reference, datetime...
    label: str = ""
    length: int = 0
    updateable: bool = True
    createable: bool = True
    nillable: bool = True
    reference_to: tuple[str, ...] = ()
    relationship: str | None = None
    picklist: tuple[str, ...] = ()
    # a picklist value's label where it differs from the value (its API name): an admin may relabel "Closed Won"
    # « Gagnée », records keep "Closed Won" (describe's picklistValues carry both, ``value`` and ``label``)
    labels: dict[str, str] = field(default_factory=dict)
    # values deactivated in Setup: still in describe's picklistValues with ``active`` false, refused by a restricted
    # picklist as a value it does not have
    inactive: set[str] = field(default_factory=set)
    restricted: bool = False
    external_id: bool = False
    unique: bool = False
    custom: bool = False
    precision: int = 0
    scale: int = 0

    def label_of(self, value: Any) -> Any:
        """What ``toLabel()`` returns for ``value``: the picklist entry's label (each entry's of a multi-select
        picklist's ``a;b``, joined the same way); a value with no entry comes back as it is."""
        if not isinstance(value, str) or not self.labels:
            return value
        if self.type == "multipicklist":
            return ";".join(self.labels.get(part, part) for part in value.split(";"))
        return self.labels.get(value, value)


@dataclass
class SObject:
    name: str
    prefix: str                     # the 3-character key prefix of its ids
    label: str
    fields: dict[str, SField] = field(default_factory=dict)
    children: dict[str, tuple[str, str]] = field(default_factory=dict)   # relationship -> (child type, field)
    custom: bool = False

    def add(self, *fields: SField) -> SObject:
        for f in fields:
            self.fields[f.name] = f
        return self

    def lookup(self, name: str) -> SField | None:
        f = self.fields.get(name)
        if f is not None:
            return f
        lower = name.lower()
        return next((f for f in self.fields.values() if f.name.lower() == lower), None)


def _ro(name: str, type_: str, **kw: Any) -> SField:
    return SField(name, type_, updateable=False, createable=False, **kw)


def _system(owner: bool = True) -> list[SField]:
    out = [
        _ro("Id", "id", length=18, nillable=False),
        _ro("IsDeleted", "boolean", nillable=False),
        _ro("CreatedDate", "datetime", nillable=False),
        _ro("CreatedById", "reference", reference_to=("User",), relationship="CreatedBy"),
        _ro("LastModifiedDate", "datetime", nillable=False),
        _ro("LastModifiedById", "reference", reference_to=("User",), relationship="LastModifiedBy"),
        _ro("SystemModstamp", "datetime", nillable=False),
    ]
    if owner:
        out.append(SField("OwnerId", "reference", reference_to=("User",), relationship="Owner", nillable=False))
    return out


INDUSTRY_VALUES = ("Pharmaceutique", "Agroalimentaire", "Chimie", "Cosmétique", "Automobile", "Traitement de l'eau",
                   "Agriculture", "Banking", "Chemicals", "Energy", "Manufacturing", "Other")
ACCOUNT_TYPES = ("Client", "Prospect", "Distributeur", "Customer - Direct", "Partner", "Other")
# the standard English entries as a French-speaking org shows them (Translation Workbench): label != value, for tests;
# the demo's own entries (Pharmaceutique, Client...) are labelled as they are, so the demo's figures do not move
INDUSTRY_LABELS = {"Banking": "Banque", "Chemicals": "Industrie chimique",
                   "Energy": "Énergie", "Manufacturing": "Industrie manufacturière", "Other": "Autre"}
ACCOUNT_TYPE_LABELS = {"Customer - Direct": "Client direct", "Partner": "Partenaire", "Other": "Autre"}
LANGUAGES = ("fr", "en_US", "de", "es", "it")
USER_TYPES = ("Standard", "PowerPartner", "PowerCustomerSuccess", "CustomerSuccess", "Guest", "CspLitePortal",
              "CsnOnly", "SelfService")
EVENT_TYPES = ("Visite client", "Customer visit", "Réunion", "Meeting", "Démonstration", "Appel", "Call",
               "Email", "Relance devis", "Other")
TASK_STATUSES = ("Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred")
STAGES = ("Prospecting", "Qualification", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost")
VISIT_STATUSES = ("Réalisée", "Planifiée", "Annulée", "Absent")
CURRENCIES = ("EUR", "USD", "CHF", "GBP", "JPY")


def standard_schema(*, multi_currency: bool = True, custom_event_status: bool = True) -> dict[str, SObject]:
    """The sandbox org's standard objects (and the demo org's one custom field on Event)."""
    user = SObject("User", "005", "User").add(
        *_system(owner=False), SField("Username", "string", length=80, nillable=False),
        SField("Email", "email", length=80, nillable=False), _ro("Name", "string", length=121),
        SField("FirstName", "string", length=40), SField("LastName", "string", length=80, nillable=False),
        SField("IsActive", "boolean", nillable=False),
        # the licence's category, set by Salesforce from the profile (read-only): Standard (Salesforce, Salesforce
        # Platform), CsnOnly (Chatter Free), Experience Cloud and portal types, Guest (Object Reference, User)
        _ro("UserType", "picklist", length=40, picklist=USER_TYPES),
        # the language the user's Salesforce speaks: toLabel() and describe labels follow it
        SField("LanguageLocaleKey", "picklist", label="Language", length=40, picklist=LANGUAGES))
    account = SObject("Account", "001", "Account").add(
        *_system(), SField("Name", "string", length=255, nillable=False),
        SField("BillingStreet", "textarea", length=255), SField("BillingCity", "string", length=40),
        SField("BillingPostalCode", "string", length=20), SField("BillingCountry", "string", length=80),
        SField("Industry", "picklist", length=255, picklist=INDUSTRY_VALUES, labels=dict(INDUSTRY_LABELS)),
        SField("Type", "picklist", length=255, picklist=ACCOUNT_TYPES, labels=dict(ACCOUNT_TYPE_LABELS)),
        SField("AnnualRevenue", "currency", precision=18, scale=0),
        SField("Description", "textarea", length=32000),
        _ro("MasterRecordId", "reference", reference_to=("Account",), relationship="MasterRecord"))
    activity_common = [
        SField("Subject", "combobox", length=255), SField("Description", "textarea", length=32000),
        SField("ActivityDate", "date"),
        SField("WhatId", "reference", reference_to=("Account", "Opportunity"), relationship="What"),
        SField("WhoId", "reference", reference_to=("Contact", "Lead"), relationship="Who"),
        _ro("AccountId", "reference", reference_to=("Account",), relationship="Account"),
        _ro("IsArchived", "boolean", nillable=False),
    ]
    event = SObject("Event", "00U", "Event").add(
        *_system(), *activity_common,
        SField("Type", "picklist", length=255, picklist=EVENT_TYPES),
        SField("EventSubtype", "picklist", length=255, picklist=("Event",), updateable=False),
        SField("ActivityDateTime", "datetime"), SField("StartDateTime", "datetime"),
        SField("EndDateTime", "datetime"), SField("DurationInMinutes", "int"),
        SField("IsAllDayEvent", "boolean", nillable=False),
        # invitees' copies (IsChild), Classic series masters (IsRecurrence), group / proposed / series records
        _ro("IsChild", "boolean", nillable=False), _ro("IsGroupEvent", "boolean", nillable=False),
        _ro("GroupEventType", "picklist", length=40, picklist=("0", "1", "2", "3")),
        SField("IsRecurrence", "boolean", nillable=False),
        _ro("RecurrenceActivityId", "reference", reference_to=("Event",)),
        # IsPrivate: "Private events can't be associated with opportunities, accounts, cases, campaigns, contracts,
        # leads, or contacts" (Object Reference, Event); pac reads why an Event has no account (audit sfhints)
        SField("IsPrivate", "boolean", nillable=False))
    if custom_event_status:
        event.add(SField("Statut__c", "picklist", label="Statut", length=255, picklist=VISIT_STATUSES, custom=True))
    task = SObject("Task", "00T", "Task").add(
        *_system(), *activity_common,
        SField("Type", "picklist", length=255, picklist=("Call", "Email", "Meeting", "Other")),
        SField("TaskSubtype", "picklist", length=255, picklist=("Task", "Email", "Call", "ListEmail", "Cadence"),
               updateable=False),
        SField("Status", "picklist", length=255, picklist=TASK_STATUSES, nillable=False),
        _ro("IsClosed", "boolean", nillable=False), _ro("CompletedDateTime", "datetime"),
        SField("CallDurationInSeconds", "int"),
        SField("IsRecurrence", "boolean", nillable=False),
        _ro("RecurrenceActivityId", "reference", reference_to=("Task",)))
    opportunity = SObject("Opportunity", "006", "Opportunity").add(
        *_system(), SField("Name", "string", length=120, nillable=False),
        SField("AccountId", "reference", reference_to=("Account",), relationship="Account"),
        SField("StageName", "picklist", length=255, picklist=STAGES, nillable=False),
        _ro("IsWon", "boolean", nillable=False), _ro("IsClosed", "boolean", nillable=False),
        SField("CloseDate", "date", nillable=False), SField("Amount", "currency", precision=18, scale=2),
        SField("Type", "picklist", length=255, picklist=("New Business", "Existing Business")))
    extra: list[SObject] = []
    if multi_currency:
        opportunity.add(SField("CurrencyIsoCode", "picklist", length=3, picklist=CURRENCIES, restricted=True))
        # every object with currency fields carries the record's currency in a multi-currency org
        account.add(SField("CurrencyIsoCode", "picklist", label="Account Currency", length=3, picklist=CURRENCIES,
                           restricted=True))
        extra = currency_objects()
    opportunity.children["OpportunityLineItems"] = ("OpportunityLineItem", "OpportunityId")
    product = SObject("Product2", "01t", "Product").add(
        *_system(owner=False), SField("Name", "string", length=255, nillable=False),
        SField("ProductCode", "string", length=255), SField("IsActive", "boolean", nillable=False),
        SField("Family", "picklist", length=40, picklist=("Pompes", "Mélangeurs", "Maintenance")))
    line = SObject("OpportunityLineItem", "00k", "Opportunity Product").add(
        *_system(owner=False),
        SField("OpportunityId", "reference", reference_to=("Opportunity",), relationship="Opportunity",
               updateable=False, nillable=False),
        SField("Product2Id", "reference", reference_to=("Product2",), relationship="Product2", updateable=False),
        _ro("ProductCode", "string", length=255), SField("Quantity", "double", precision=12, scale=2),
        SField("UnitPrice", "currency", precision=18, scale=2), SField("TotalPrice", "currency", precision=18, scale=2),
        SField("Discount", "percent", precision=18, scale=2), _ro("Subtotal", "currency", precision=18, scale=2),
        SField("ServiceDate", "date"))
    return {o.name: o for o in (user, account, event, task, opportunity, product, line, record_type_object(),
                                *extra)}


def record_type_object() -> SObject:
    """``RecordType`` as the Object Reference describes it (one row per record type of any object: ``SobjectType``,
    ``DeveloperName`` the API name, ``Name`` the label, which admins translate and rename); no ``IsDeleted``, no
    owner. Every org has the object; an object's records carry ``RecordTypeId`` once it has record types
    (``Org.add_record_type``)."""
    stamps = [f for f in _system(owner=False) if f.name != "IsDeleted"]
    return SObject("RecordType", "012", "Record Type").add(
        *stamps, SField("Name", "string", label="Name", length=80, nillable=False),
        SField("DeveloperName", "string", label="Record Type Name", length=80, nillable=False),
        SField("SobjectType", "picklist", label="SObject Type Name", length=40, nillable=False),
        SField("IsActive", "boolean", label="Active", nillable=False),
        SField("Description", "string", label="Description", length=255),
        _ro("NamespacePrefix", "string", label="Namespace Prefix", length=15))


def period_object() -> SObject:
    """``Period`` as the Object Reference describes it ("Represents a fiscal period defined in FiscalYearSettings",
    queryable from API 37.0; prefix 026): ``Type`` (Year, Quarter, Month, Week), ``StartDate``, ``EndDate``,
    ``Number``, ``FiscalYearSettingsId``; no owner, no ``IsDeleted``. Every org has it: FiscalYearSettings are the
    "Settings to define a custom or standard fiscal year for your organization"."""
    return SObject("Period", "026", "Period").add(
        _ro("Id", "id", length=18, nillable=False), _ro("SystemModstamp", "datetime", nillable=False),
        _ro("Type", "picklist", length=40, picklist=("Year", "Quarter", "Month", "Week"), restricted=True),
        _ro("StartDate", "date", nillable=False), _ro("EndDate", "date", nillable=False),
        _ro("Number", "int", precision=9), _ro("FullyQualifiedLabel", "string", length=80),
        _ro("IsForecastPeriod", "boolean", nillable=False),
        _ro("FiscalYearSettingsId", "reference", reference_to=("FiscalYearSettings",)))


def currency_objects() -> list[SObject]:
    """A multi-currency org's exchange rates, as the Object Reference describes them: ``CurrencyType`` (one row per
    currency, ``ConversionRate`` units per corporate unit) and ``DatedConversionRate`` (advanced currency management:
    ``StartDate``, ``NextStartDate`` read-only, set by Salesforce). Neither has ``IsDeleted`` or an owner."""
    stamps = [f for f in _system(owner=False) if f.name != "IsDeleted"]
    iso = SField("IsoCode", "picklist", label="Currency ISO Code", length=3, picklist=CURRENCIES,
                 restricted=True, nillable=False)
    rate = SField("ConversionRate", "double", label="Conversion Rate", precision=18, scale=6, nillable=False)
    currency_type = SObject("CurrencyType", "02c", "Currency Type").add(
        *stamps, iso, rate, SField("DecimalPlaces", "int", label="Decimal Places", precision=9, nillable=False),
        SField("IsActive", "boolean", label="Active", nillable=False),
        SField("IsCorporate", "boolean", label="Corporate Currency", nillable=False))
    dated = SObject("DatedConversionRate", "04w", "Dated Conversion Rate").add(
        *stamps, iso, rate, SField("StartDate", "date", label="Start Date", nillable=False),
        _ro("NextStartDate", "date", label="Next Start Date"))
    return [currency_type, dated]


_META_TYPES = {"Text": "string", "LongTextArea": "textarea", "Number": "double", "Currency": "currency",
               "Percent": "percent", "Checkbox": "boolean", "Date": "date", "DateTime": "datetime",
               "Picklist": "picklist", "Email": "email", "TextArea": "textarea", "Lookup": "reference"}


def field_from_metadata(name: str, meta: dict[str, Any]) -> SField:
    """A custom field as the Metadata API ``CustomField`` describes it (Tooling API create body)."""
    kind = meta.get("type")
    if kind not in _META_TYPES:
        raise ValueError(f"unsupported field type {kind!r}")
    values = tuple(v["fullName"] for v in
                   (meta.get("valueSet") or {}).get("valueSetDefinition", {}).get("value", []))
    length = int(meta.get("length") or (255 if kind == "Picklist" else 18 if kind == "Lookup" else 0))
    if kind == "Lookup":    # a custom lookup's relationship is the field's name ending in __r
        if not meta.get("referenceTo") or not meta.get("relationshipName"):
            raise ValueError("a Lookup needs referenceTo and relationshipName")
        return SField(name, "reference", label=meta.get("label", name), length=length, custom=True,
                      reference_to=(str(meta["referenceTo"]),), relationship=name[:-3] + "__r")
    return SField(name, _META_TYPES[kind], label=meta.get("label", name), length=length,
                  nillable=kind != "Checkbox", picklist=values,
                  restricted=bool((meta.get("valueSet") or {}).get("restricted")),
                  external_id=bool(meta.get("externalId")), unique=bool(meta.get("unique")), custom=True,
                  precision=int(meta.get("precision") or 0), scale=int(meta.get("scale") or 0))


def custom_object(name: str, prefix: str, meta: dict[str, Any], *, multi_currency: bool = False) -> SObject:
    """A new custom object with its standard fields (Id, Name, OwnerId, system stamps; ``CurrencyIsoCode`` in a
    multi-currency org, where every object carries one)."""
    obj = SObject(name, prefix, meta.get("label", name), custom=True)
    obj.add(*_system(), SField("Name", "string", label=(meta.get("nameField") or {}).get("label", "Name"),
                               length=80))
    if multi_currency:
        obj.add(SField("CurrencyIsoCode", "picklist", label="Currency ISO Code", length=3, picklist=CURRENCIES,
                       restricted=True))
    return obj


def history_name(sobject: str) -> str:
    """The field history object of ``sobject``: ``PAC_Axis__c`` -> ``PAC_Axis__History``, ``Account`` ->
    ``AccountHistory``."""
    return sobject[:-3] + "__History" if sobject.endswith("__c") else sobject + "History"


def history_parent(sobject: str) -> str:
    """The field of a history row naming its record: ``ParentId`` on a custom object's ``__History``, the object's
    own id field on a standard one's (``AccountHistory.AccountId``: Object Reference, *StandardObjectNameHistory*)."""
    return "ParentId" if sobject.endswith("__c") else sobject + "Id"


def history_object(name: str, parent: str = "ParentId", of: str | None = None) -> SObject:
    """A field history object (``<Object>__History``, ``AccountHistory``): one read-only row per change of a tracked
    field, naming its record by ``parent``."""
    return SObject(name, "017", name).add(
        _ro("Id", "id", length=18, nillable=False), _ro("IsDeleted", "boolean", nillable=False),
        _ro(parent, "reference", reference_to=(of or name,)), _ro("Field", "picklist", length=255),
        _ro("DataType", "string", length=40), _ro("OldValue", "anyType"), _ro("NewValue", "anyType"),
        _ro("CreatedDate", "datetime", nillable=False),
        _ro("CreatedById", "reference", reference_to=("User",), relationship="CreatedBy"))


def field_definition_object() -> SObject:
    """``FieldDefinition`` as a SOQL query reads it ("Represents a standard or custom field, providing row-based access
    to field metadata", SOAP API 45.0 and later: Object Reference, *FieldDefinition*): a standard object's
    ``EntityDefinitionId`` is its name; ``IsFieldHistoryTracked`` says whether Field History Tracking is on. Its rows
    are the org's fields as they are now (``Org.field_definitions``)."""
    return SObject("FieldDefinition", "4ie", "Field Definition").add(
        _ro("Id", "id", length=18, nillable=False), _ro("IsDeleted", "boolean", nillable=False),
        _ro("DurableId", "string", length=255), _ro("QualifiedApiName", "string", length=255),
        _ro("EntityDefinitionId", "string", length=255), _ro("IsFieldHistoryTracked", "boolean"))


def describe_field(f: SField) -> dict[str, Any]:
    return {
        "name": f.name, "label": f.label or f.name, "type": f.type, "length": f.length,
        "precision": f.precision, "scale": f.scale, "custom": f.custom,
        "updateable": f.updateable, "createable": f.createable, "nillable": f.nillable,
        "externalId": f.external_id, "idLookup": f.external_id or f.name == "Id", "unique": f.unique,
        "calculated": False, "filterable": True, "sortable": f.type != "textarea",
        "referenceTo": list(f.reference_to), "relationshipName": f.relationship,
        "restrictedPicklist": f.restricted,
        "picklistValues": [{"active": v not in f.inactive, "defaultValue": False, "label": f.labels.get(v, v),
                            "validFor": None, "value": v} for v in f.picklist],
        "soapType": _SOAP.get(f.type, "xsd:string"),
    }


_SOAP = {"id": "tns:ID", "reference": "tns:ID", "boolean": "xsd:boolean", "datetime": "xsd:dateTime",
         "date": "xsd:date", "double": "xsd:double", "currency": "xsd:double", "percent": "xsd:double",
         "int": "xsd:int"}


def permission_schema() -> dict[str, SObject]:
    """The setup objects that grant access, as the Object Reference documents them: ``PermissionSet``,
    ``ObjectPermissions`` and ``FieldPermissions`` (children of a permission set, ``ParentId``; ``SobjectType``
    and ``Field`` set at creation only) and ``PermissionSetAssignment`` (create and delete only)."""
    def fixed(name: str, type_: str, **kw: Any) -> SField:     # createable, never updateable
        return SField(name, type_, updateable=False, nillable=False, **kw)

    pset = SObject("PermissionSet", "0PS", "Permission Set").add(
        *_system(owner=False), SField("Name", "string", length=80, nillable=False),
        SField("Label", "string", length=80, nillable=False), SField("Description", "textarea", length=255),
        _ro("IsOwnedByProfile", "boolean", nillable=False), _ro("NamespacePrefix", "string", length=15))
    parent = fixed("ParentId", "reference", reference_to=("PermissionSet",), relationship="Parent")
    objects = SObject("ObjectPermissions", "110", "Object Permissions").add(
        *_system(owner=False), parent, fixed("SobjectType", "picklist", length=40),
        *(SField(f"Permissions{p}", "boolean", nillable=False)
          for p in ("Read", "Create", "Edit", "Delete", "ViewAllRecords", "ModifyAllRecords")))
    fields = SObject("FieldPermissions", "01k", "Field Permissions").add(
        *_system(owner=False), parent, fixed("SobjectType", "picklist", length=40),
        fixed("Field", "picklist", length=80), SField("PermissionsRead", "boolean", nillable=False),
        SField("PermissionsEdit", "boolean", nillable=False))
    assignment = SObject("PermissionSetAssignment", "0Pa", "Permission Set Assignment").add(
        *_system(owner=False), fixed("AssigneeId", "reference", reference_to=("User",), relationship="Assignee"),
        fixed("PermissionSetId", "reference", reference_to=("PermissionSet",), relationship="PermissionSet"))
    return {o.name: o for o in (pset, objects, fields, assignment)}
