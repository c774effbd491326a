"""The Salesforce field mapping (``config/mappings/salesforce.default.yaml``): typed, validated, located.

What ops staff decide per org: which Events and Tasks are visit reports, calls, meetings... (rules on
field values), how an activity's status is read, which Account fields carry postal code, country,
industry, type, revenue and custom attributes, what "won" means, which currency field to read, and
which PAC fields the write-back fills. The write-back may only touch the PAC objects' fields and the
account's ``PAC_*__c`` fields: any other field is refused here, before anything is written.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from connectors.base import FAMILY_ASIDE, label_warnings
from connectors.salesforce.schema import pac_field, picklist_gaps
from pac_config.loader import (
    MAX_MAPPING_TEXT,
    Document,
    config_dir,
    load_or_raise,
    load_yaml,
    locate,
    parse_path,
    plain,
    problems_in,
)
from pac_core.errors import Problem
from pac_core.plan import ActivityType
from pac_core.records import ActivityStatus
from pac_core.text import closest, fold_value

# describe types of compound fields (an address, a geolocation): "Bulk API 2.0 doesn't support ... Compound data, such
# as compound address fields, compound geolocation fields" (Bulk API 2.0, *Create a Query Job*); map their components
COMPOUND_TYPES = frozenset({"address", "location"})


class Describes(Protocol):
    """What the online mapping check needs of a connector: the org's describe of an object."""

    def describe_fields(self, sobject: str) -> dict[str, dict[str, Any]] | None: ...


# whether live records of an object hold a value in a field (``SalesforceConnector.holds_value``: one COUNT() query)
Held = Callable[[str, str, str], bool]


class LabelFacts(Describes, Protocol):
    """What the online check's notes on picklist labels need of a connector: the describe, the user's language."""

    def user_language(self) -> str | None: ...


DEFAULT_MAPPING = "mappings/salesforce.default.yaml"
PAC_FIELD = re.compile(r"^PAC_[A-Za-z0-9_]+__c$")
FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)?$")


class _Model(BaseModel):
    # str_max_length: a field name, a type or stage label longer than that is a pasting slip (the limit is said)
    model_config = ConfigDict(extra="forbid", frozen=True, str_max_length=MAX_MAPPING_TEXT)


_LIST_FIX = ("write one field's API name, e.g. BillingPostalCode, or an ordered list of them, e.g. "
             "[BillingPostalCode, PersonMailingPostalCode] (the first non-empty value wins); null if the org has none")


def _one_or_ordered(value: object) -> object:
    """A field, or an ordered list of fields (kept as written: a single field's fingerprint is today's). Anything
    else, a list that names no field, holds something else than a field name or names a field twice, is refused
    here with the fix, once (the schema would report each member of ``str | list[str]``: "must be text" and "must
    be a list")."""
    if value is None:
        return value
    if not isinstance(value, (str, list)):
        raise PydanticCustomError("field_list", "must be a field name or a list of field names, not {value}",
                                  {"value": repr(value)[:40], "fix": _LIST_FIX})
    names = value if isinstance(value, list) else [value]
    if not names:
        raise PydanticCustomError("field_list", "an empty list names no field", {"fix": _LIST_FIX})
    for i, item in enumerate(names, 1):
        if isinstance(value, list) and (not isinstance(item, str) or not item.strip()):
            raise PydanticCustomError("field_list", "item {i} of the list, {item}, is not a field name",
                                      {"i": i, "item": repr(item)[:40], "fix": "write the field's API name, e.g. "
                                       "PersonMailingPostalCode (one field per item)"})
        if len(item) > MAX_MAPPING_TEXT:
            raise PydanticCustomError("field_list", "must be at most {max_length} characters long",
                                      {"max_length": MAX_MAPPING_TEXT, "fix": "shorten it"})
    twice = next((f for i, f in enumerate(names) if f in names[:i]), None)
    if twice is not None:
        raise PydanticCustomError("field_list", "{field} is listed twice", {"field": twice,
                                  "fix": "list each field once"})
    return value


# One Account field, or an ordered list of them: the first holding a value is read (``normalise.first_of``). A
# Salesforce org with Person Accounts keeps a business account's address in Billing*, a person account's in
# PersonMailing*.
Fields = Annotated[str | list[str], BeforeValidator(_one_or_ordered)]


def field_list(fields: str | list[str] | None) -> list[str]:
    """The fields of a mapping key that names one field or an ordered list of them, in order."""
    return [] if fields is None else [fields] if isinstance(fields, str) else list(fields)


class AccountMap(_Model):
    """Account fields read into ``Account``; ``null`` means the org has no such field. ``postal_code`` and
    ``country`` may list several fields, in order: the first non-empty value wins (Person Accounts)."""

    name: str = "Name"
    postal_code: Fields | None = "BillingPostalCode"
    country: Fields | None = "BillingCountry"
    industry: str | None = "Industry"
    account_type: str | None = "Type"
    annual_revenue: str | None = "AnnualRevenue"
    dormant: str | None = None                 # a checkbox field, when the org keeps one
    default_country: str | None = "FR"         # accounts with no country: postal codes read as French
    custom: dict[str, str] = Field(default_factory=dict)   # logical attribute -> field


class StatusMap(_Model):
    """How one activity object's status is read: ``field`` values per status; else, when ``closed_field`` (a checkbox
    the CRM derives from the status, ``Task.IsClosed``) is true, completed; else ``default``. An org can add its own
    closed Task statuses ("Terminée", "Closed"): Salesforce marks them closed in ``IsClosed``, whatever their text."""

    field: str | None = None
    values: dict[ActivityStatus, list[str]] = Field(default_factory=dict)
    closed_field: str | None = None
    default: ActivityStatus = ActivityStatus.COMPLETED


class ActivityRule(_Model):
    """Records of ``object`` whose fields all hold one of the listed values are of ``type``."""

    object: Literal["Event", "Task"]
    type: ActivityType
    where: dict[str, list[str | bool]] = Field(min_length=1)


class ActivitiesMap(_Model):
    """``task_date``: the date a **completed** Task counts on. ``due`` (default): its ``ActivityDate``, the date the
    rep gave, what Salesforce's activity reports and timeline show, or its ``CompletedDateTime`` when it was closed
    before that day. ``completed``: its ``CompletedDateTime`` whenever it has one (an org whose reps leave stale due
    dates and close each call when they make it: one due on 10 March and closed on 20 March counts on 20 March). An
    open Task keeps its due date either way."""

    rules: list[ActivityRule] = Field(min_length=1)
    status: dict[Literal["Event", "Task"], StatusMap] = Field(default_factory=dict)
    task_date: Literal["due", "completed"] = "due"

    def objects(self) -> list[str]:
        return sorted({r.object for r in self.rules})


# a deal filter's conditions: Opportunity field (or relationship path, ``RecordType.DeveloperName``) -> the values
# it is compared with, exactly as records hold them (each list names at least one value)
DealConditions = dict[str, Annotated[list[str | bool], Field(min_length=1)]]


class DealsMap(_Model):
    """Opportunities: ``won_stages`` (StageName values) overrides the ``won`` checkbox when given. ``where`` and
    ``exclude`` say which opportunities are deals pac counts: with ``where``, only those whose fields all hold one
    of the listed values (as an activity rule's ``where``: an empty field matches nothing); with ``exclude``, not
    those where any listed field holds one of its values (an empty field excludes nothing)."""

    won: str = "IsWon"
    closed: str = "IsClosed"
    won_stages: list[str] = Field(default_factory=list)
    where: DealConditions = Field(default_factory=dict)
    exclude: DealConditions = Field(default_factory=dict)
    amount: str = "Amount"
    close_date: str = "CloseDate"
    currency_field: str | None = None          # CurrencyIsoCode in multi-currency orgs
    line_items: bool = True
    line_product: str = "Product2.Name"
    line_quantity: str = "Quantity"
    line_amount: str = "TotalPrice"
    # not read: revenue is booked whole on the close date, so nothing used a line's ServiceDate (revenue audit F7);
    # kept so that a mapping naming it still loads, with the default it always had, which keeps the deals' reading
    line_service_date: str | None = "ServiceDate"
    # what product scopes match (product, product_code, product_family): the line's product code, family, name
    line_code: str | None = "Product2.ProductCode"
    line_family: str | None = "Product2.Family"
    line_name: str | None = "Product2.Name"
    # with line_items false: an Opportunity field naming the deal's product line (its whole amount is that line)
    product_field: str | None = None


class TargetMap(_Model):
    object: str
    key_field: str = "PAC_Key__c"
    fields: dict[str, str]                     # logical field -> CRM field
    editable: dict[str, str] = Field(default_factory=dict)   # CRM field -> edit name (axis_status...)
    # who set each editable field, from <Object>__History (Field History Tracking: force-app/ and pac crm provision
    # turn it on); false: the record's LastModifiedById, which a later write by pac (another field, the same
    # record) takes over, so a manager's edit made while a run wrote would read as pac's own and be undone
    field_history: bool = True


class AccountWriteMap(_Model):
    fields: dict[str, str] = Field(default_factory=lambda: {"axes": "PAC_Axes__c", "target": "PAC_Target__c"})


def _iso_currency(value: object) -> object:
    """A three-capital ISO 4217 code as written (``eur`` refused with the code to write: audit opsmap, the fix was a
    regular expression, "it must match ^[A-Z]{3}$"); another type is left to the schema's own message."""
    if isinstance(value, str) and not re.fullmatch(r"[A-Z]{3}", value):
        fix = f"write {value.strip().upper()}" if re.fullmatch(r"[A-Za-z]{3}", value.strip()) else "write e.g. EUR"
        raise PydanticCustomError("currency", "{given} is not an ISO 4217 currency code",
                                  {"given": repr(value), "fix": fix})
    return value


class WritebackMap(_Model):
    axis: TargetMap
    action: TargetMap
    account: AccountWriteMap = AccountWriteMap()


class SalesforceMapping(_Model):
    crm: Literal["salesforce"]
    org_currency: Annotated[str, BeforeValidator(_iso_currency)] = "EUR"
    overlap_minutes: int = Field(5, ge=0, le=1440)
    reconciliation_days: int = Field(7, ge=1, le=90)
    bulk_threshold: int = Field(50_000, ge=2_000, le=100_000_000)
    # minutes of waiting for a Bulk API 2.0 query job before it is aborted and the read goes through REST
    bulk_max_wait_minutes: int = Field(30, ge=1, le=24 * 60)
    accounts: AccountMap = AccountMap()
    activities: ActivitiesMap
    deals: DealsMap = DealsMap()
    writeback: WritebackMap

    def activity_types(self) -> frozenset[ActivityType]:
        """The activity types this mapping can read records as (the plan check warns of an action counting
        another): those of its ``activities.rules``."""
        return frozenset(rule.type for rule in self.activities.rules)

    def activity_type_fix(self, kind: ActivityType, lang: str = "en") -> str:
        """How to make this mapping read records of ``kind`` (the plan check's advice), in ``lang`` (``fr``, else
        English)."""
        if lang == "fr":
            return (f"ajoutez à son mapping une entrée activities.rules avec type: {kind.value}, p. ex. {{object: "
                    f"Task, type: {kind.value}, where: {{Subject: [...]}}}} (docs/salesforce.md)")
        return (f"add an activities.rules entry with type: {kind.value} to its mapping, e.g. {{object: Task, type: "
                f"{kind.value}, where: {{Subject: [...]}}}} (docs/salesforce.md)")

    def labelled(self) -> dict[str, str]:
        """Mapping key -> Account field plan scopes test by value (industry, type, custom), read as its picklist
        labels when it is a picklist (``Reader.labelled``): a picklist stores its entry's API name (``Chemicals``)
        while Salesforce shows, and plan authors write, its label, translated into the user's language (« Chimie »)."""
        a = self.accounts
        keyed = [("accounts.industry", a.industry), ("accounts.account_type", a.account_type),
                 *((f"accounts.custom.{name}", fld) for name, fld in a.custom.items())]
        return {key: fld for key, fld in keyed if fld}

    def read_fields(self) -> dict[str, dict[str, str]]:
        """Per object, key path in the mapping -> field it reads (for offline and online checks)."""
        a = self.accounts
        acc: dict[str, str] = {}
        for k, v in (("name", a.name), ("postal_code", a.postal_code), ("country", a.country),
                     ("industry", a.industry), ("account_type", a.account_type),
                     ("annual_revenue", a.annual_revenue), ("dormant", a.dormant)):
            # one field keeps its key (``accounts.postal_code``); a list's fields are keyed one by one (``[1]``)
            if isinstance(v, list):
                acc.update({f"accounts.{k}[{i}]": f for i, f in enumerate(v)})
            elif v:
                acc[f"accounts.{k}"] = v
        acc.update({f"accounts.custom.{k}": v for k, v in a.custom.items()})
        if self.account_currency_field():
            acc["deals.currency_field"] = str(self.account_currency_field())
        out: dict[str, dict[str, str]] = {"Account": acc, "Event": {}, "Task": {}}
        for i, rule in enumerate(self.activities.rules):
            for name in rule.where:
                out[rule.object][f"activities.rules[{i}].where.{name}"] = name
        for obj, st in self.activities.status.items():
            if st.field:
                out[obj][f"activities.status.{obj}.field"] = st.field
            if st.closed_field:
                out[obj][f"activities.status.{obj}.closed_field"] = st.closed_field
        d = self.deals
        out["Opportunity"] = {f"deals.{k}": v for k, v in (("won", d.won), ("closed", d.closed),
                                                           ("amount", d.amount), ("close_date", d.close_date),
                                                           ("currency_field", d.currency_field),
                                                           ("product_field", None if d.line_items
                                                            else d.product_field)) if v}
        for part in ("where", "exclude"):
            out["Opportunity"].update({f"deals.{part}.{name}": name for name in getattr(d, part)})
        if d.line_items:
            out["OpportunityLineItem"] = {f"deals.{k}": v for k, v in (
                ("line_product", d.line_product), ("line_quantity", d.line_quantity),
                ("line_amount", d.line_amount),
                ("line_code", d.line_code), ("line_family", d.line_family), ("line_name", d.line_name)) if v}
        return {k: v for k, v in out.items() if v or k in self.activities.objects()}

    def multi_currency(self) -> bool:
        """Whether the mapping reads a currency per record (``deals.currency_field``): a multi-currency org, whose
        amounts the connector converts with the org's own rates (``connectors.salesforce.currency``)."""
        return self.deals.currency_field is not None

    def account_currency_field(self) -> str | None:
        """The field holding an account's currency when its annual revenue is read in a multi-currency org: the
        deals' currency field (``CurrencyIsoCode``, which every object with currency fields carries there)."""
        return self.deals.currency_field if self.accounts.annual_revenue else None

    def account_fields(self) -> dict[str, str]:
        """Logical account field (``axes``, ``target``) -> the Account PAC field the write-back fills."""
        return dict(self.writeback.account.fields)

    def write_fields(self) -> dict[str, dict[str, str]]:
        """Per object, key path -> field the write-back fills."""
        w = self.writeback
        out: dict[str, dict[str, str]] = {}
        for name, target in (("axis", w.axis), ("action", w.action)):
            fields = {f"writeback.{name}.fields.{k}": v for k, v in target.fields.items()}
            fields[f"writeback.{name}.key_field"] = target.key_field
            out.setdefault(target.object, {}).update(fields)
        out.setdefault("Account", {}).update({f"writeback.account.fields.{k}": v for k, v in w.account.fields.items()})
        return out


def default_mapping_path() -> Path:
    return config_dir() / DEFAULT_MAPPING


def load_mapping(path: str | Path | None = None) -> SalesforceMapping:
    """The mapping at ``path`` (default: the shipped one); ``InvalidInput`` with every problem located."""
    return load_or_raise(_load, Path(path) if path else default_mapping_path())


def check_mapping_offline(path: str | Path) -> list[Problem]:
    """Every problem found without an org, each as ``file:line key: problem (fix)``."""
    return problems_in(_load, Path(path))


def _load(path: Path) -> tuple[SalesforceMapping | None, list[Problem]]:
    return parse_mapping(load_yaml(path))


def parse_mapping(doc: Document) -> tuple[SalesforceMapping | None, list[Problem]]:
    """The mapping of a file already parsed (``pac_config.loader.load_yaml``), or None; and every problem found
    without an org, each located in the document's file (``file:line key: problem (fix)``). The one entry
    point for a caller that parsed the file itself (``pac config check``): nothing is read again."""
    mapping, problems = doc.validate(SalesforceMapping)
    raw = plain(doc.data) if isinstance(doc.data, dict) else {}
    problems += _writeback_problems(doc, _section(raw.get("writeback")))
    if mapping is None:
        return None, problems
    for fields in mapping.read_fields().values():
        for key, name in fields.items():
            if not FIELD_NAME.match(name):
                problems.append(doc.problem(parse_path(key), f"{name!r} is not a Salesforce field name",
                                            "write the field's API name, e.g. BillingPostalCode"))
    for name, target in (("axis", mapping.writeback.axis), ("action", mapping.writeback.action)):
        for fld in target.editable:
            if fld not in target.fields.values():
                problems.append(doc.problem(("writeback", name, "editable", fld), f"{fld} is not among the "
                                            "fields written for this object", "list it under fields too"))
    problems += _same_field_problems(doc, mapping)
    problems += _shadowed_rule_problems(doc, mapping)
    if not field_list(mapping.accounts.postal_code):
        problems.append(doc.problem(("accounts", "postal_code"), "no postal code field: départements and "
                                    "régions cannot be derived", "set it to BillingPostalCode or your field"))
    return (None if problems else mapping), problems


def _shadowed_rule_problems(doc: Document, mapping: SalesforceMapping) -> list[Problem]:
    """A value a later rule lists that an earlier rule of the same object takes on that field alone (``'Visite
    client'`` under the visit rule and the meeting rule): an activity takes the first rule it matches, so the later
    rule never applies to it and the activities count for the earlier type only, silently (audit opsmap; HubSpot's
    ``meetings.types`` refuses a type given twice as a duplicate key)."""
    problems: list[Problem] = []
    rules = mapping.activities.rules
    for j, later in enumerate(rules):
        for name, values in later.where.items():
            for value in values:
                first = next((i for i, earlier in enumerate(rules[:j]) if earlier.object == later.object
                              and list(earlier.where) == [name] and value in earlier.where[name]), None)
                if first is None:
                    continue
                taken = rules[first].type.value
                problems.append(doc.problem(
                    ("activities", "rules", j, "where", name),
                    f"{value!r} is taken by rules[{first}] (line {doc.line(('activities', 'rules', first))}) first: "
                    f"those {later.object}s count as {taken}, never as {later.type.value}",
                    "list the value in one rule only"))
    return problems


ACCOUNT_CONCEPTS = ("name", "postal_code", "country", "industry", "account_type", "annual_revenue", "dormant")


def _same_field_problems(doc: Document, mapping: SalesforceMapping) -> list[Problem]:
    """Two things pac reads from one Account field (``country: BillingPostalCode`` beside ``postal_code:
    BillingPostalCode``: every account's country a postal code), or two figures written to one PAC field
    (``roi: PAC_Revenue__c``: each night one overwrote the other); at the second key (audit opsmap). Custom attributes
    may repeat a field (a second name for it in plan scopes)."""
    a = mapping.accounts
    problems = doc.read_twice("accounts", ((concept, fld) for concept in ACCOUNT_CONCEPTS
                                           for fld in field_list(getattr(a, concept))), "field")
    w = mapping.writeback
    for target, fields in (("axis", w.axis.fields), ("action", w.action.fields), ("account", w.account.fields)):
        written: dict[str, str] = {}
        for logical, fld in fields.items():
            first = written.setdefault(fld.lower(), logical)
            if first == logical:
                continue
            provisioned = _provisioned_names().get((target, logical))
            fix = (f"pac provisions {provisioned} for {logical}" if provisioned and provisioned.lower() != fld.lower()
                   else "give each figure its own PAC field")
            problems.append(doc.problem(("writeback", target, "fields", logical),
                                        f"{fld} is already written as writeback.{target}.fields.{first} (line "
                                        f"{doc.line(('writeback', target, 'fields', first))}): one field cannot "
                                        "hold two figures", fix))
    return problems


def _section(value: object) -> dict[str, Any]:
    """``value`` if the file has a mapping there, else an empty one (the schema reports the wrong type)."""
    return value if isinstance(value, dict) else {}


@functools.cache
def _provisioned_names() -> dict[tuple[str, str], str]:
    """(target, logical field) -> the PAC field the shipped mapping writes it to (what ``pac crm provision`` and
    force-app/ create, and what the Lightning component and the reports read)."""
    data = load_yaml(default_mapping_path()).data
    out: dict[tuple[str, str], str] = {}
    for target, section in ((data or {}).get("writeback") or {}).items():
        fields = section.get("fields") if isinstance(section, dict) else None
        for logical, name in (fields or {}).items():
            out[(str(target), str(logical))] = str(name)
    return out


def _misspelt(doc: Document, target: str, obj: str, logical: str, fld: str) -> Problem | None:
    """A PAC field name one slip away from the one pac provisions for ``logical`` (``PAC_Progres_Pct__c``): the org
    lacks it, each night said to provision it, and ``pac crm provision`` would create it beside the field the
    Lightning component and the reports read, which pac would stop filling (audit ops). A PAC field of the admin's
    own, close to none of pac's, is left alone."""
    provisioned = _provisioned_names().get((target, logical))
    if provisioned is None or fld.lower() == provisioned.lower() or pac_field(obj, fld) is not None:
        return None
    if difflib.SequenceMatcher(None, fld.lower(), provisioned.lower()).ratio() < MISSPELT_RATIO:
        return None
    return doc.problem(("writeback", target, "fields", logical),
                       f"{fld} is not the field pac provisions for it on {obj}",
                       f"did you mean {provisioned}? pac crm provision would create {fld}, which the Lightning "
                       "component and the PAC reports do not read")


MISSPELT_RATIO = 0.85   # PAC_Progres_Pct__c / PAC_Progress_Pct__c: 0.97; PAC_Regional_Share__c / any of pac's: < 0.7


def _writeback_problems(doc: Document, w: dict[str, Any]) -> list[Problem]:
    """The security boundary, checked on the raw file so it is reported even beside other mistakes; and a PAC field
    misspelt (``_misspelt``)."""
    problems: list[Problem] = []
    for name, expected in (("axis", "PAC_Axis__c"), ("action", "PAC_Action__c")):
        target = _section(w.get(name))
        obj = target.get("object")
        if obj is not None and obj != expected:
            problems.append(doc.problem(("writeback", name, "object"), f"the write-back may only write "
                                        f"{expected}, not {obj}", f"write object: {expected}"))
        fields = _section(target.get("fields"))
        for logical, fld in fields.items():
            fld = str(fld)
            allowed = PAC_FIELD.match(fld) or fld == "Name" or (fld == "OwnerId" and logical == "owner_email")
            if not allowed:
                problems.append(doc.problem(("writeback", name, "fields", logical), f"the write-back may not "
                                            f"write {fld}: only PAC_*__c fields, Name and OwnerId (owner_email)",
                                            "map it to a PAC_ field of the object"))
            elif (slip := _misspelt(doc, name, expected, str(logical), fld)) is not None:
                problems.append(slip)
        key = target.get("key_field")
        if key is not None and not PAC_FIELD.match(str(key)):
            problems.append(doc.problem(("writeback", name, "key_field"), f"{key} is not a PAC external id field",
                                        "use PAC_Key__c"))
    account = _section(w.get("account"))
    fields = _section(account.get("fields"))
    for logical, fld in fields.items():
        if not PAC_FIELD.match(str(fld)):
            problems.append(doc.problem(("writeback", "account", "fields", logical), f"the write-back may not "
                                        f"write Account.{fld}: only the account's PAC_*__c fields",
                                        "use PAC_Axes__c / PAC_Target__c, or another PAC_ field you created"))
        elif (slip := _misspelt(doc, "account", "Account", str(logical), str(fld))) is not None:
            problems.append(slip)
    return problems


_TYPES = {  # what a mapped field's describe type must be
    "accounts.postal_code": {"string", "textarea"}, "accounts.country": {"string", "picklist"},
    "accounts.annual_revenue": {"currency", "double", "int"}, "accounts.dormant": {"boolean"},
    "deals.won": {"boolean"}, "deals.closed": {"boolean"}, "deals.amount": {"currency", "double"},
    "deals.close_date": {"date"}, "deals.currency_field": {"picklist", "string"},
    "deals.line_quantity": {"double", "int"}, "deals.line_amount": {"currency", "double"},
    "deals.line_family": {"picklist", "string"}, "deals.line_code": {"string", "picklist"},
    "deals.product_field": {"picklist", "string", "multipicklist"},
}

# what an activity's status fields must be: ``field`` holds the values listed under ``values``, ``closed_field`` is a
# checkbox (``Task.IsClosed``)
_STATUS_TYPES = {"field": {"picklist", "combobox", "string"}, "closed_field": {"boolean"}}
_PICKLISTS = ("picklist", "multipicklist", "combobox")


def _broken_relationship(obj: str, path: str, fields_of: Callable[[str], dict[str, dict[str, Any]] | None]
                         ) -> tuple[str, str] | None:
    """(problem, fix) when a relationship of ``path`` (``RecordType.DeveloperName``) is none of its object's, else
    None (the path's last field is the missing one). An object without record types has no ``RecordTypeId``, so no
    ``RecordType`` relationship: said as such, not as a missing ``DeveloperName``."""
    parts = path.split(".")
    for rel in parts[:-1]:
        fields = fields_of(obj) or {}
        ref = next((f for f in fields.values() if (f.get("relationshipName") or "").lower() == rel.lower()), None)
        if ref is None or not ref.get("referenceTo"):
            if rel.lower() == "recordtype":
                return (f"{obj} has no record types in this org (no RecordTypeId field), so {path} holds nothing",
                        "leave this condition out, or create the record types first")
            lookups = sorted(str(f["relationshipName"]) for f in fields.values() if f.get("relationshipName"))
            close = closest(rel, lookups)
            return (f"{obj} has no relationship {rel!r} (in {path})",
                    f"did you mean {close!r}?" if close else "write the lookup's relationship name, e.g. Account")
        obj = ref["referenceTo"][0]
    return None


def _picklist_problems(key: str, name: str, obj: str, f: dict[str, Any] | None,
                       listed: Sequence[tuple[str | None, object]], held: Held | None = None) -> list[Problem]:
    """The listed values (each with its own key path, or None: ``key``) that match no picklist value of field
    ``f`` of ``obj`` (as ``describe`` gives it, ``picklistValues``). Compared exactly, as records are; the suggestion
    forgives case and accents. Nothing for a field that is missing (reported on its own) or not a picklist (its
    values cannot be known). An unrestricted picklist (``restrictedPicklist`` not true, the default) also holds
    values loaded through the API that have no entry ("When inserting an unrestricted picklist field that does not
    have a PicklistEntry, the system creates an 'inactive' picklist value", Salesforce Help): a value ``held`` says
    live records hold (one COUNT() query each, for values no entry matches) is no mistake (audit sfdocs F3)."""
    if f is None or f.get("type") not in _PICKLISTS:
        return []
    entries = [p for p in f.get("picklistValues") or [] if isinstance(p.get("value"), str)]
    known = [p["value"] for p in entries]
    # a value's label (what users see) may differ from the value (its API name), which records hold: an org that
    # relabelled "Closed Won" « Gagnée » keeps StageName = 'Closed Won' ("Protect Picklist API Names", Salesforce
    # Help; describe's picklistValues carry both, ``value`` and ``label``)
    labelled = {str(p["label"]): p["value"] for p in entries if isinstance(p.get("label"), str)
                and p["label"] != p["value"]}
    unmatched = [(path, value) for path, value in listed if isinstance(value, str) and value not in known]
    if held is not None and f.get("restrictedPicklist") is not True:
        unmatched = [(path, value) for path, value in unmatched if not held(obj, str(f["name"]), str(value))]
    return [_value_problem(path or key, f"{name} value {value!r}", f"{obj}.{f['name']}'s picklist value",
                           f"picklist value of {obj}.{f['name']}", str(value), known, labelled)
            for path, value in unmatched]


def _value_problem(key: str, what: str, owner: str, kind: str, value: str, known: list[str],
                   labelled: dict[str, str], held: str = "the value") -> Problem:
    """``value`` (``what``) is not one of ``known``: a label written for its value (``labelled``: label -> value) is
    told as such, with the value to write; else the closest value (by value, then by label: 'Gagnee' for the value
    labelled « Gagnée »), else the values. ``owner`` names what a label belongs to, ``kind`` what was expected,
    ``held`` what records hold (the value, an API name)."""
    if value in labelled:
        return Problem(key, f"{what} is the label of {owner} {labelled[value]!r}: records hold {held}, not the "
                       "label", f"write {held}: {labelled[value]!r}")
    folded = fold_value(value)
    same = next((k for k in known if fold_value(k) == folded), None)
    if same is None:
        same = next((v for lb, v in labelled.items() if fold_value(lb) == folded), None)
    close = same or closest(value, known)
    if close is None and (label := closest(value, labelled)) is not None:
        close = labelled[label]
    hint = {v: lb for lb, v in labelled.items()}.get(close or "")
    return Problem(key, f"{what} matches no {kind}",
                   f"did you mean {close!r}{f', labelled {hint!r}' if hint else ''}?" if close
                   else f"use one of {known}")


# the fields naming an opportunity's record type -> what of its describe's ``recordTypeInfos`` they hold
_RECORD_TYPE_KEYS = {("RecordType", "developername"): "developerName", ("RecordType", "name"): "name",
                     ("Opportunity", "recordtypeid"): "recordTypeId"}


def _deal_value_problems(d: DealsMap, sf: Describes, fields: dict[str, dict[str, Any]] | None,
                         resolve: Callable[[str, str], tuple[str, dict[str, Any] | None, Any, str]]
                         ) -> list[Problem]:
    """The values the deals' keys compare records with, checked against the org: ``won_stages`` against
    ``Opportunity.StageName``'s picklist (a value the picklist lacks, 'Gagnee' for 'Gagnée', or a label where the
    value differs, « Gagnée » for 'Closed Won', won no deal: every axis's revenue 0, silently); the values of
    ``where`` and ``exclude`` against their field's picklist, and record types (``RecordType.DeveloperName``,
    ``RecordType.Name``, ``RecordTypeId``) against the object's record types (a filter naming none filters
    nothing: the partner deals it was written for would count)."""
    if fields is None:
        return []                 # reported with the object
    held = getattr(sf, "holds_value", None)
    problems = _picklist_problems("deals.won_stages", "StageName", "Opportunity", fields.get("stagename"),
                                  [(f"deals.won_stages[{j}]", v) for j, v in enumerate(d.won_stages)], held)
    types = getattr(sf, "record_types", None)
    for part in ("where", "exclude"):
        for name, values in getattr(d, part).items():
            listed = [(f"deals.{part}.{name}[{j}]", v) for j, v in enumerate(values)]
            where, f, _, _ = resolve("Opportunity", name)
            kind = _RECORD_TYPE_KEYS.get((where, str((f or {}).get("name", "")).lower()))
            if f is not None and kind is not None and types is not None:
                problems += _record_type_problems(kind, types("Opportunity"), listed)
            else:
                problems += _picklist_problems(f"deals.{part}.{name}", name, where, f, listed, held)
    return problems


def _record_type_problems(kind: str, infos: list[dict[str, Any]], listed: list[tuple[str, object]]) -> list[Problem]:
    """The listed record types (``kind``: ``developerName``, ``name`` the label, or ``recordTypeId``) Opportunity's
    describe does not list (``recordTypeInfos``); a label written where the API name is compared is told so."""
    known = [str(i[kind]) for i in infos if isinstance(i.get(kind), str)]
    if not known:
        return []
    labelled = {str(i["name"]): str(i["developerName"]) for i in infos if kind == "developerName"
                and isinstance(i.get("name"), str) and isinstance(i.get("developerName"), str)
                and i["name"] != i["developerName"]}
    what = {"developerName": "record type API name", "name": "record type label", "recordTypeId": "record type id"}
    return [_value_problem(path, f"{what[kind]} {value!r}", "record type", "record type of Opportunity", value,
                           known, labelled, "the API name")
            for path, value in listed if isinstance(value, str) and value not in known]


def label_notes(mapping: SalesforceMapping, sf: LabelFacts, labelled: frozenset[str],
                plan_values: Mapping[str, Sequence[tuple[str, str]]] | None = None) -> list[str]:
    """What ``pac config check --online`` says of the Account fields plan scopes test that are read as their picklist
    labels (``labelled``, ``Reader.labelled``): one line each, naming the integration user's language (which decides
    the labels toLabel() returns, and describe's, listed here); with ``plan_values`` (scope field, ``industry`` /
    ``account_type`` / ``custom.<name>`` -> (where, value) of the plans using this mapping), one more line per value
    that is an entry's API name rather than its label (write the label: a plan spanning Salesforce and HubSpot then
    uses one word for both), or matches no label at all."""
    fields = sf.describe_fields("Account") or {}
    notes: list[str] = []
    language: str | None = None
    for key, name in mapping.labelled().items():
        f = fields.get(name.lower())
        if name not in labelled or f is None:
            continue
        if language is None:
            language = sf.user_language() or ""
        entries = [(str(p["value"]), str(p.get("label") or p["value"])) for p in f.get("picklistValues") or []
                   if isinstance(p, dict) and isinstance(p.get("value"), str)]
        shown = ", ".join(f"{label!r}" for _, label in entries[:3]) + (", ..." if len(entries) > 3 else "")
        example = next(((v, label) for v, label in entries if v != label), None)
        kind = "multi-select picklist" if f.get("type") == "multipicklist" else "picklist"
        notes.append(f"{key}: Account.{f['name']} is a {kind}: pac reads its values as their labels (SOQL toLabel()), "
                     f"in the integration user's language{f' ({language})' if language else ''}"
                     + (f" ({example[1]!r}, not {example[0]!r})" if example else "")
                     + f": write those labels in plan scopes ({shown})")
        notes += label_warnings(entries, plan_values, (key.removeprefix("accounts."),),
                                ("is the API name of the picklist value labelled ", f" of Account.{f['name']}"),
                                f"matches no label of Account.{f['name']}'s picklist: only an account holding a value "
                                "outside the picklist can match it")
    return notes


def family_notes(mapping: SalesforceMapping, sf: LabelFacts, family: tuple[str, dict[str, Any]] | None,
                 plan_values: Mapping[str, Sequence[tuple[str, str]]] | None = None) -> list[str]:
    """What ``pac config check --online`` says of a deal line's family read as its picklist label (``family``:
    ``Reader.family_field``, the object and describe of the field ``deals.line_family`` ends on; None when it is
    read as stored): one line naming the integration user's language and the labels to write; with ``plan_values``,
    a warning per ``product_family`` value that is an entry's API name rather than its label, or matches no label,
    and per ``product`` value that is a family's API name labelled otherwise (``product`` also matches a line's code
    and name, so a value matching no family label is no slip)."""
    if family is None:
        return []
    obj, f = family
    language = sf.user_language() or ""
    entries = [(str(p["value"]), str(p.get("label") or p["value"])) for p in f.get("picklistValues") or []
               if isinstance(p, dict) and isinstance(p.get("value"), str)]
    shown = ", ".join(f"{label!r}" for _, label in entries[:3]) + (", ..." if len(entries) > 3 else "")
    example = next(((v, label) for v, label in entries if v != label), None)
    name = f"{obj}.{f['name']}"
    notes = [f"deals.line_family: {name} is a picklist: pac reads a line's family as its label (SOQL toLabel()), in "
             f"the integration user's language{f' ({language})' if language else ''}"
             + (f" ({example[1]!r}, not {example[0]!r})" if example else "")
             + f": write those labels in product_family and product scopes ({shown})"]
    return notes + label_warnings(
        entries, plan_values, ("product_family", "product"),
        ("is the API name of the product family labelled ", f" ({name})"),
        f"matches no label of {name}'s picklist: only a line whose product holds a value outside the picklist can "
        "match it", FAMILY_ASIDE)


# The person's own address of a person account, which Salesforce adds to Account only when Person Accounts are enabled
# (with IsPersonAccount): what ``accounts.postal_code`` and ``accounts.country`` list after the Billing field
PERSON_ADDRESS = {"postal_code": "PersonMailingPostalCode", "country": "PersonMailingCountry"}


def _reads_person_field(fields: list[str]) -> bool:
    """Whether one of ``fields`` is a person account's own: a ``Person*`` field, or a contact field Salesforce shows on
    Account (``*__pc``): a mapping naming one chose where person accounts keep their address."""
    return any(f.lower().startswith("person") or f.lower().endswith("__pc") for f in fields)


def person_account_notes(mapping: SalesforceMapping, sf: Describes,
                         unplaced: Callable[[list[str]], int | None] | None = None) -> list[str]:
    """A warning of ``pac config check --online`` (exit code unchanged) when Account's describe shows Person Accounts
    (``IsPersonAccount``, ``PersonMailingPostalCode``) and ``accounts.postal_code`` or ``accounts.country`` lists no
    person field: a person account usually keeps its address in the person's mailing address, so read through the
    Billing fields alone it lands in no département and no région, silently (docs/salesforce.md, *Person
    Accounts*). ``unplaced`` (the postal code fields read) says how many person accounts hold a
    ``PersonMailingPostalCode`` and none of them (None: unknown)."""
    fields = sf.describe_fields("Account") or {}
    if "ispersonaccount" not in fields and PERSON_ADDRESS["postal_code"].lower() not in fields:
        return []
    a = mapping.accounts
    missing = {key: listed for key in PERSON_ADDRESS if (listed := field_list(getattr(a, key)))
               and not _reads_person_field(listed)}
    if not missing:
        return []
    keys = ", ".join(f"accounts.{key}" for key in missing)
    read = ", ".join(f for listed in missing.values() for f in listed)
    # a country read as its ISO code (BillingCountryCode, State and Country picklists) has the person's code beside it
    person = {key: PERSON_ADDRESS[key] + ("Code" if key == "country" and any(f.endswith("CountryCode") for f in listed)
                                          else "") for key, listed in missing.items()}
    fixes = " and ".join(f"{key}: [{', '.join([*listed, person[key]])}]" for key, listed in missing.items())
    hidden = [person[key] for key in missing if person[key].lower() not in fields]
    count = unplaced(missing["postal_code"]) if unplaced is not None and "postal_code" in missing \
        and not hidden else None
    found = ("" if count is None else
             f"; {count} person account{' has' if count == 1 else 's have'} a PersonMailingPostalCode and no "
             f"{' nor '.join(missing['postal_code'])} today")
    grant = f"grant the integration user read access to {', '.join(hidden)}, then " if hidden else ""
    lost = ("falls outside every département and région scope, silently" if "postal_code" in missing else
            f"is taken to be in default_country ({a.default_country})" if a.default_country else "has no country")
    return [f"warning: {keys}: the org has Person Accounts (Account.IsPersonAccount) and the mapping reads {read} "
            f"only: a person account whose address is the person's mailing address (PersonMailing*) {lost}{found}. "
            f"Fix: {grant}write {fixes} (the first non-empty value wins; docs/salesforce.md, Person Accounts)"]


def won_stage_problems(mapping: SalesforceMapping, sf: Describes, path: str | Path | Document | None = None
                       ) -> list[Problem]:
    """``deals.won_stages`` against ``Opportunity.StageName``'s picklist alone (one describe): what a night asks
    before reading deals when the mapping lists won stages, since a stage the org lacks wins no deal (audit opsmap:
    « Gagnée », a label, gave every axis a revenue of 0 and the night wrote it)."""
    fields = sf.describe_fields("Opportunity")
    if not mapping.deals.won_stages or fields is None:
        return []
    problems = _picklist_problems("deals.won_stages", "StageName", "Opportunity", fields.get("stagename"),
                                  [(f"deals.won_stages[{j}]", v) for j, v in enumerate(mapping.deals.won_stages)],
                                  getattr(sf, "holds_value", None))
    return locate(problems, path) if path is not None else problems


def check_mapping_online(mapping: SalesforceMapping, sf: Describes,
                         path: str | Path | Document | None = None) -> list[Problem]:
    """Problems only the org can reveal, from ``describe()``: missing fields, wrong types, unknown picklist
    values, fields the integration user cannot update. With ``path`` (the mapping file, or its parsed
    ``Document``: then not read again) each problem also carries its file and line, sorted by line."""
    problems: list[Problem] = []
    described: dict[str, dict[str, dict[str, Any]] | None] = {}

    def fields_of(obj: str) -> dict[str, dict[str, Any]] | None:
        if obj not in described:
            described[obj] = sf.describe_fields(obj)
        return described[obj]

    def resolve(obj: str, name: str) -> tuple[str, dict[str, Any] | None, dict[str, dict[str, Any]] | None, str]:
        """(the object holding the field, its describe, that object's fields, the path as Salesforce spells it)."""
        fields = fields_of(obj)
        if fields is None or "." not in name:
            f = (fields or {}).get(name.lower())
            return obj, f, fields, f["name"] if f is not None else name
        rel, _, rest = name.partition(".")
        ref = next((f for f in fields.values() if (f.get("relationshipName") or "").lower() == rel.lower()), None)
        if ref is None or not ref.get("referenceTo"):
            return obj, None, fields, name
        where, f, of, spelt = resolve(ref["referenceTo"][0], rest)
        return where, f, of, f"{ref['relationshipName']}.{spelt}"

    for obj, keyed in mapping.read_fields().items():
        if fields_of(obj) is None:
            problems.append(Problem(next(iter(keyed), obj), f"the org has no object {obj}",
                                    "check the object name, or the integration user's access to it"))
            continue
        for key, name in keyed.items():
            where, f, fields, spelt = resolve(obj, name)
            if f is not None and spelt != name:
                # SOQL takes any case, but the answer's records carry the field as Salesforce spells it: read as
                # written, every value would be missing (a postal code on no account: every figure 0)
                problems.append(Problem(key, f"Salesforce spells this field {spelt!r}: records carry it under that "
                                        "name only", f"write {spelt}"))
            if f is None:
                broken = _broken_relationship(obj, name, fields_of)
                if broken is not None:
                    problems.append(Problem(key, *broken))
                    continue
                last = name.rsplit(".", 1)[-1]
                known = [v["name"] for v in (fields or {}).values()]
                close = closest(last, known)
                # a field of another object the mapping reads (an Opportunity field under accounts:): said so, from
                # the describes this check makes anyway (audit ops: "did you mean 'Name'?" sent the admin after a typo)
                owners = sorted(o for o in mapping.read_fields() if o != where and (fields_of(o) or {}).get(
                    last.lower()))
                if owners:
                    problems.append(Problem(key, f"{where} has no field {last!r}: {last} is a field of "
                                            f"{', '.join(owners)}, not of {where}", f"map a field of {where}"
                                            + (f"; did you mean {close!r}?" if close else "")))
                    continue
                if last.lower() == "currencyisocode" and key == "deals.currency_field":
                    # "Available only for organizations with the multicurrency feature enabled" (Object Reference):
                    # missing, it says the org has one currency; no permission set grants it (audit sfamounts F2)
                    problems.append(Problem(key, f"{where} has no field {last!r}: Salesforce adds it to records only "
                                            "in a multi-currency org, so this org has a single currency",
                                            "set deals.currency_field: null, and org_currency to the org's currency "
                                            "(Setup, Company Information, Currency Locale); pac config check --online "
                                            "then confirms it"))
                    continue
                # describe and SOQL leave out a field field-level security hides from the integration user: a right
                # name (BillingPostalCode) then looks misspelt, and its look-alike (ShippingPostalCode) would read
                # other values without a word, so the grant comes first (audit sfmoney F4)
                problems.append(Problem(key, f"{where} has no field {last!r} the integration user can see",
                                        f"if {last} is the field you mean, field-level security hides it: grant the "
                                        f"integration user read access to {where}.{last} (a permission set); "
                                        + ("Salesforce adds the Person* fields only to an org with Person Accounts: "
                                           "on another, do not list it; " if where == "Account" and (
                                               last.startswith("Person") or last.lower().endswith("__pc")) else "")
                                        + "otherwise, " + (f"did you mean {close!r}?" if close else
                                                           "fix the field name")))
                continue
            if f["type"] in COMPOUND_TYPES:
                # REST reads it as one JSON object, but Bulk API 2.0 refuses it: the full reads of an object past
                # bulk_threshold would fail (or fall back to REST every time), and no scope compares an object
                parts = [str(v["name"]) for v in (fields or {}).values()
                         if str(v.get("compoundFieldName") or "").lower() == f["name"].lower()]
                example = ("its __Latitude__s or __Longitude__s field" if f["type"] == "location" else
                           "e.g. BillingPostalCode or BillingCity for BillingAddress")
                problems.append(Problem(key, f"{where}.{f['name']} is a compound {f['type']} field: Bulk API 2.0, "
                                        f"which reads {obj} in full once it passes bulk_threshold, does not read it",
                                        f"map one of its components instead: {', '.join(parts)}" if parts else
                                        f"map one of its components instead ({example})"))
                continue
            # a listed field (``accounts.postal_code[1]``) must be of its key's type
            allowed = _TYPES.get(re.sub(r"\[\d+\]$", "", key)) or _STATUS_TYPES.get(
                key.rsplit(".", 1)[-1] if key.startswith("activities.status.") else "")
            if allowed and f["type"] not in allowed:
                problems.append(Problem(key, f"{where}.{f['name']} is a {f['type']} field; expected "
                                        f"{' or '.join(sorted(allowed))}", "map a field of the right type"))
    held = getattr(sf, "holds_value", None)
    for i, rule in enumerate(mapping.activities.rules):
        fields = fields_of(rule.object) or {}
        for name, values in rule.where.items():
            problems += _picklist_problems(f"activities.rules[{i}].where.{name}", name, rule.object,
                                           fields.get(name.lower()), [(None, v) for v in values], held)
    for obj, st in mapping.activities.status.items():
        # the status values are compared exactly with the record's value (``normalise``): a value the picklist
        # lacks ('Annulee' for 'Annulée') matches no record, and those records fall to ``default``, silently
        if not st.field:
            continue
        listed = [(f"activities.status.{obj}.values.{status.value}[{j}]", value)
                  for status, values in st.values.items() for j, value in enumerate(values)]
        problems += _picklist_problems(f"activities.status.{obj}.values", st.field, obj,
                                       (fields_of(obj) or {}).get(st.field.lower()), listed, held)
    problems += _deal_value_problems(mapping.deals, sf, fields_of("Opportunity"), resolve)
    if mapping.deals.currency_field is None and "currencyisocode" in (fields_of("Opportunity") or {}):
        # a multi-currency org (Opportunity has CurrencyIsoCode): reading no currency would take a CHF deal's
        # amount for org_currency, silently
        problems.append(Problem("deals.currency_field", "the org is multi-currency (Opportunity has "
                                f"CurrencyIsoCode) but the mapping reads no deal currency: every amount would be "
                                f"taken as {mapping.org_currency}",
                                "set deals.currency_field: CurrencyIsoCode (the org's exchange rates of each deal's "
                                "CloseDate then convert it into the plan's currency; engine.fx_rates only for a plan "
                                "currency the org has no rate for)"))
    for obj, keyed in mapping.write_fields().items():
        fields = fields_of(obj)
        if fields is None:
            problems.append(Problem(next(iter(keyed)), f"the org has no object {obj}",
                                    "run: pac crm provision salesforce (or deploy force-app/ with the sf CLI)"))
            continue
        for key, name in keyed.items():
            f = fields.get(name.lower())
            if f is None:
                problems.append(Problem(key, f"{obj} has no field {name}",
                                        "run: pac crm provision salesforce (or deploy force-app/)"))
            elif not f.get("updateable") and not key.endswith("key_field"):
                problems.append(Problem(key, f"{obj}.{name} is not updateable by the integration user",
                                        "grant edit access to the field (permission set PAC_Integration)"))
            elif (spec := pac_field(obj, name)) is not None and (gap := picklist_gaps(obj, spec, f)) is not None:
                problems.append(Problem(key, *gap))     # values pac writes that the org refuses (``pac crm check``)
    return locate(problems, path) if path is not None else problems


