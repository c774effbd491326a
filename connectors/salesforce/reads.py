"""Reading a Salesforce org: what the connector reads, as data (``SfObject``), and the queries behind it.

``OBJECTS`` lists, per object kind, the sObjects read (``User``, ``Account``, ``Event``/``Task`` as the mapping
enables them, ``Opportunity`` with its line items), their fields (the mapping's, only), the cursor field
(``SystemModstamp``, ``ORDER BY SystemModstamp, Id``), where deleted rows come from (``queryAll`` flags them),
the page size (2,000 per query batch) and how a row is normalised: the connector's one pull loop reads it.
Full reads of Accounts, Events and Tasks above the mapping's ``bulk_threshold`` (their first REST page's
``totalSize`` decides: no ``COUNT()`` query) use a Bulk API 2.0 query job. ``Reader.edits`` reads the PAC records'
editable values and who set them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from more_itertools import chunked
from simple_salesforce.format import format_soql

from connectors.base import (
    EDIT_FIELDS,
    EDIT_LOGICAL,
    AuthError,
    ConnectorError,
    ManagerEdit,
    ObjectKind,
    PacListed,
    PacValue,
    QuotaExhausted,
    RateLimited,
    ReadFailed,
    SchemaError,
    Target,
    same_value,
)
from connectors.salesforce.client import BulkJobFailed, SfClient, read_already
from connectors.salesforce.mapping import COMPOUND_TYPES, SalesforceMapping
from connectors.salesforce.normalise import Normaliser, get, sf_datetime
from connectors.salesforce.schema import history_name, pac_field
from pac_core.records import Record, Rejected

log = logging.getLogger(__name__)
PAGE = 2000                 # query batch maximum
HISTORY_BATCH = 200         # record ids per field-history query
ACCOUNT_BATCH = 200         # account ids per "AccountId IN (...)" query (merge winners' children)
CURSOR = "SystemModstamp"
BULK_OBJECTS = frozenset({"Account", "Event", "Task"})   # Opportunity needs its line-item subquery: REST
_NOT_DRIFT = frozenset({"owner_email", "text", "plan", "last_synced"})   # not compared for drift repair (the owner
# apart: read as its e-mail, ``Reader.edits``)
# the owner's e-mail through the polymorphic Owner ("Email: The email address of the user or group (queue)", Object
# Reference, Name): no query of its own
OWNER_EMAIL = "Owner.Email"
# a multi-currency org's record currency: an amount "is read in the record's currency" (docs/salesforce.md, *Currency*),
# so an axis's is read back with its PAC fields and restored when it is not the plan's (audit sfwrite F3)
CURRENCY = "CurrencyIsoCode"
# Account's standard picklists (Object Reference, Account: Industry and Type are picklists, whatever the org): read by
# their labels with no describe; any other field plan scopes test is typed by Account's describe (``Reader.labelled``)
STANDARD_PICKLISTS = frozenset({"industry", "type"})
# Product2's standard picklist (Object Reference, Product2: Family is a picklist, whatever the org): a line's family
# read through it is read by its label with no describe; a family read from another field is typed by the describe of
# the object it ends on (``Reader.family_labelled``)
STANDARD_FAMILY = "product2.family"
# the field types toLabel() translates ("Regular, multiselect, division, or currency code picklist fields", SOQL and
# SOSL Reference, toLabel())
LABELLED_TYPES = frozenset({"picklist", "multipicklist"})


def plain(field: str) -> str:
    """``Industry`` for ``toLabel(Industry)``; any other field as it is."""
    return field[8:-1] if field.startswith("toLabel(") and field.endswith(")") else field


@dataclass(frozen=True)
class SfObject:
    """One sObject a pull reads."""

    kind: ObjectKind
    sobject: str
    fields: Callable[[Reader, str], list[str]]               # (reader, sobject) -> the fields to select
    normalise: Callable[[Normaliser, str, dict[str, Any]], Record | Rejected]
    cursor: str = CURSOR
    deleted: bool = True           # queryAll: deleted (and archived) rows come back flagged
    page_size: int = PAGE
    own_writes: bool = False       # pac writes it (accounts): its own writes are left out of incremental reads


OBJECTS: tuple[SfObject, ...] = (
    SfObject(ObjectKind.USERS, "User", lambda _r, _o: ["Id", "Email", "Name", "IsActive", "UserType", "SystemModstamp"],
             lambda n, _o, r: n.user(r), deleted=False),
    SfObject(ObjectKind.ACCOUNTS, "Account", lambda rd, _o: rd.account_fields(), lambda n, _o, r: n.account(r),
             own_writes=True),
    SfObject(ObjectKind.ACTIVITIES, "Event", lambda rd, o: rd.activity_fields(o), lambda n, o, r: n.activity(o, r)),
    SfObject(ObjectKind.ACTIVITIES, "Task", lambda rd, o: rd.activity_fields(o), lambda n, o, r: n.activity(o, r)),
    SfObject(ObjectKind.DEALS, "Opportunity", lambda rd, _o: rd.deal_fields(), lambda n, _o, r: n.deal(r)),
)


def objects_of(kind: ObjectKind, mapping: SalesforceMapping) -> list[SfObject]:
    """The sObjects a pull of ``kind`` reads with this mapping (activities: the objects it enables), in order."""
    if kind is ObjectKind.ACTIVITIES:
        enabled = mapping.activities.objects()
        return [o for obj in enabled for o in OBJECTS if o.kind is kind and o.sobject == obj]
    found = [o for o in OBJECTS if o.kind is kind]
    if not found and kind is not ObjectKind.PAC_EDITS:
        raise ValueError(f"unknown object kind {kind!r}")
    return found


class _Spelling:
    """The fields of a query's answer as the query wrote them. SOQL takes a field name in any case, but the answer's
    records carry it as Salesforce spells it (``BillingPostalCode`` for ``billingpostalcode``), and the normaliser
    reads the name the mapping wrote: every value would be missing. The first records that show a field say how it
    is spelt; a field spelt otherwise is copied under the written name in every record (relationship paths part by
    part), and the pull warns once with the spelling to write (``pac config check --online`` reports it too)."""

    def __init__(self, obj: str, fields: list[str], warn: Callable[[str], None]) -> None:
        self.obj, self.warn = obj, warn
        self.unsure = list(fields)          # written paths not yet seen in an answer
        self.respelt: list[list[tuple[str, str]]] = []   # per path: (written part, spelt part) down the path

    def fixed(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if self.unsure and rows:
            self._learn(rows)
        for row in rows if self.respelt else ():
            for parts in self.respelt:
                node: Any = row
                for written, spelt in parts:
                    if not isinstance(node, dict):
                        break
                    if written not in node and spelt in node:
                        node[written] = node[spelt]
                    node = node.get(written)
        return rows

    def _learn(self, rows: list[dict[str, Any]]) -> None:
        still = []
        for path in self.unsure:
            parts = _spelt(rows, path.split("."))
            if parts is None:              # a null relationship in every record so far: look again later (a field
                head = path.split(".", 1)[0].lower()      # the answer does not carry at all: nothing to learn)
                if any(k.lower() == head for k in rows[0]):
                    still.append(path)
            elif any(written != spelt for written, spelt in parts):
                self.respelt.append(parts)
                spelt = ".".join(spelt for _, spelt in parts)
                self.warn(f"{self.obj}.{path}: Salesforce spells this field {spelt!r}; read as {spelt} for now "
                          f"(write {spelt} in the mapping)")
        self.unsure = still


def _spelt(rows: list[dict[str, Any]], parts: list[str]) -> list[tuple[str, str]] | None:
    """(written, spelt) for each part of a field path, from the first record where the path can be followed;
    None when no record shows it all (a relationship null everywhere)."""
    for row in rows:
        out, node = [], row
        for part in parts:
            if not isinstance(node, dict):
                break
            key = part if part in node else next((k for k in node if k.lower() == part.lower()), None)
            if key is None:
                break
            out.append((part, key))
            node = node[key]
        if len(out) == len(parts):
            return out
    return None



LACKING_HEAD = "salesforce.schema "
"""How ``lacking_words`` starts."""


def lacking_words(lacks: str) -> str:
    """The night's words for PAC fields an org provisioned by an older pac lacks (``lacks``: "PAC_Axis__c lacks
    PAC_Plan_End__c", objects joined by "; "), in the log and in the run's summary alike."""
    return (f"{LACKING_HEAD}{lacks} (an org provisioned by an older pac): left out of the sync, everything else "
            "is written; to fill them deploy force-app/ again (sf project deploy start --source-dir force-app "
            "--target-org ORG: the fields with the list views and the Lightning component that read them), or run "
            "pac crm provision salesforce for the fields alone")

class Reader:
    """The queries of a pull: rows of an sObject since a stamp, the PAC records' values and their history."""

    client: SfClient
    mapping: SalesforceMapping
    warn: Callable[[str], None]

    def __init__(self, client: SfClient, mapping: SalesforceMapping, warn: Callable[[str], None],
                 describe: Callable[[str], dict[str, dict[str, Any]] | None] | None = None) -> None:
        self.client, self.mapping, self.warn = client, mapping, warn
        self.describe = describe      # an object's fields by lower-case name (the connector's cached describe)
        # PAC object -> the mapped fields its PAC query found missing this run (an org provisioned by an older pac)
        self.lacking: dict[str, frozenset[str]] = {}
        # the lower-case names of the Account fields ``label_fields`` lists that are picklists, when this run's label
        # check knows them (Account's describe, or the kept labels when its metadata did not change): no describe
        self.picklists: frozenset[str] | None = None
        # the activity objects whose describe this run showed no ``IsRecurrence`` (``activity_fields``)
        self.no_recurrence: set[str] = set()

    def account_fields(self) -> list[str]:
        """The Account query's fields: the mapping's, those ``labelled`` through ``toLabel()`` (the label comes back
        under the field's name: the normaliser reads it as it read the value), and the PAC fields the write-back fills
        (``held_fields``), read back on the same pages (no call more)."""
        labelled = self.labelled()
        fields = ["Id", "OwnerId", "IsDeleted", "MasterRecordId", "SystemModstamp",
                  *(f"toLabel({f})" if f in labelled else f for f in self.mapping.read_fields()["Account"].values())]
        selected = {plain(f).lower() for f in fields}
        return fields + [f for f in self.held_fields() if f.lower() not in selected]

    def held_fields(self) -> list[str]:
        """The Account PAC fields the write-back fills (``writeback.account.fields``: ``PAC_Axes__c``,
        ``PAC_Target__c``), which the account query reads back so that what an account holds is compared with what
        the plan wants (``HELD_PAC``, ``sync_jobs.account_targets``: a hand edit is restored, values a store never
        wrote are cleared), less those this run found the org lacks (``lacking``, ``lacks_held_fields``)."""
        lacking = self.lacking.get("Account", frozenset())
        return [f for f in dict.fromkeys(self.mapping.account_fields().values()) if f not in lacking]

    def lacks_held_fields(self) -> bool:
        """Whether the org lacks Account PAC fields ``held_fields`` reads back, asked once the account query was
        refused (``SchemaError``): an org provisioned by an older pac, a field deleted to change its type (docs
        salesforce.md §3), or one the integration user may not read. Account's describe (one call per run, on this
        path only) names them: recorded in ``lacking`` (the query is made again without them, and the write-back
        leaves them out, ``SalesforceConnector.account_fields``) and named in a warning with the command that creates
        them. False when the describe shows them all (the query was refused for another reason) or cannot be read."""
        described = self.describe("Account") if self.describe is not None else None
        if described is None:
            return False
        missing = frozenset(f for f in self.held_fields() if f.lower() not in described)
        if not missing:
            return False
        self.lacking["Account"] = self.lacking.get("Account", frozenset()) | missing
        order = dict.fromkeys(self.mapping.account_fields().values())
        self.warn(lacking_words(f"Account lacks {', '.join(f for f in order if f in missing)}"))
        return True

    def labelled(self) -> frozenset[str]:
        """The Account fields read as their picklist labels: those plan scopes test (``SalesforceMapping.labelled``:
        industry, type, custom) that are picklists or multi-select picklists, read through SOQL ``toLabel()``, which
        returns each entry's label translated into the integration user's language (a value with no entry comes
        back as it is). ``Industry`` and ``Type`` are standard picklists: no call. Another field (a custom
        ``Secteur__c``) is typed by Account's describe, one call per run shared with the schema checks and Bulk
        reads; with no describe it is read as stored. Left out: a relationship path (``Parent.Industry``), and a
        field the query also reads as itself for another key (``country: BillingCountryCode``: SOQL would need an
        alias)."""
        wanted = self.label_fields()
        if self.picklists is not None:      # this run's label check typed them (``SalesforceConnector.labels``)
            return frozenset(f for f in wanted if f.lower() in self.picklists)
        if all(f.lower() in STANDARD_PICKLISTS for f in wanted):
            return frozenset(wanted)
        described = self.describe("Account") if self.describe is not None else None
        if described is None:
            return frozenset(f for f in wanted if f.lower() in STANDARD_PICKLISTS)
        return frozenset(f for f in wanted if (described.get(f.lower()) or {}).get("type") in LABELLED_TYPES)

    def label_fields(self) -> list[str]:
        """The Account fields ``labelled`` may read as their labels, before knowing which are picklists: the fields plan
        scopes test, less a relationship path and a field the query also reads as itself for another key."""
        scoped = self.mapping.labelled()
        others = {f.lower() for key, f in self.mapping.read_fields()["Account"].items() if key not in scoped}
        return [f for f in dict.fromkeys(scoped.values()) if "." not in f and f.lower() not in others]

    def activity_fields(self, obj: str) -> list[str]:
        base = ["Id", "OwnerId", "WhatId", "WhoId", "AccountId", "Subject", "IsDeleted", "SystemModstamp",
                "ActivityDate"]
        # IsPrivate: why an Event has no account, for the rep (``normalise.unplaced_by``, audit sfhints)
        base += ["ActivityDateTime", "StartDateTime", "IsAllDayEvent", "IsChild", "GroupEventType", "IsPrivate"] \
            if obj == "Event" else ["CompletedDateTime"]
        # a series master (``normalise.not_a_report``) exists only where recurring activities are enabled: an org
        # whose describe shows no IsRecurrence (recurring tasks never enabled, or the field hidden from the
        # integration user) refuses it, so it is read without (``SalesforceConnector._without_recurrence``)
        if obj not in self.no_recurrence:
            base.append("IsRecurrence")
        return base + list(self.mapping.read_fields().get(obj, {}).values())

    def family_labelled(self) -> bool:
        """Whether a deal line's family (``deals.line_family``) is read as its picklist label, through SOQL
        ``toLabel()`` in the line items' subquery (the label comes back under the field's name, ``Product2`` ->
        ``Family``: the normaliser reads it as it read the value), as Account's picklists are (``labelled``): plan
        authors write the family users see (« Machines »), not its API name (``MACH``). ``Product2.Family`` is a
        standard picklist: no call. Another field is typed by the describe of the object it ends on (one call per
        object and run, shared); with no describe it is read as stored. Left out, read as stored: a family field the
        subquery also reads as itself for another key (``line_product: Product2.Family``: SOQL would need an
        alias)."""
        d = self.mapping.deals
        if not d.line_items or not d.line_family:
            return False
        others = {f.lower() for f in (d.line_product, d.line_quantity, d.line_amount, d.line_code, d.line_name) if f}
        if d.line_family.lower() in others:
            return False
        if d.line_family.lower() == STANDARD_FAMILY:
            return True
        return self._path_type("OpportunityLineItem", d.line_family.split(".")) in LABELLED_TYPES

    def family_field(self) -> tuple[str, dict[str, Any]] | None:
        """The object and describe of the field a labelled line family (``family_labelled``) ends on (``Product2``
        and its ``Family``: its ``picklistValues`` pair each API name with the label toLabel() returns, in the
        integration user's language); one describe call per object and run. None when the family is read as stored,
        or the describe lacks the field."""
        family = self.mapping.deals.line_family
        if family is None or not self.family_labelled():
            return None
        if family.lower() == STANDARD_FAMILY:     # Product2's own describe: no OpportunityLineItem describe first
            return self._path_field("Product2", ["Family"])
        return self._path_field("OpportunityLineItem", family.split("."))

    def deal_fields(self) -> list[str]:
        d = self.mapping.deals
        fields = ["Id", "Name", "AccountId", "OwnerId", "IsDeleted", "SystemModstamp", "CreatedDate",
                  *self.mapping.read_fields()["Opportunity"].values()]
        if d.won_stages:
            fields.append("StageName")
        if d.line_items:
            family = f"toLabel({d.line_family})" if self.family_labelled() else d.line_family
            items = ["Id", "IsDeleted", d.line_product, d.line_quantity, d.line_amount] + [
                f for f in (d.line_code, family, d.line_name) if f]    # no ServiceDate: booked on CloseDate
            sub = ", ".join(dict.fromkeys(items))     # field names from the validated mapping, no values
            # live lines only: the deals are read with queryAll, whose deleted rows nothing documents as stopping
            # at the outer object (normalise drops any line still flagged IsDeleted)
            fields.append(f"(SELECT {sub} FROM OpportunityLineItems WHERE IsDeleted = false)")  # noqa: S608
        return fields

    def rows(self, obj: str, fields: list[str], start: datetime | None, *, deleted: bool = True,
             where: str = "", cursor: str = CURSOR, page_size: int = PAGE) -> Iterator[dict[str, Any]]:
        """Rows of ``obj`` whose ``cursor`` is at or after ``start`` (all when None), ascending, lazily."""
        select = ", ".join(dict.fromkeys(fields))
        # field and object names come from the validated mapping and OBJECTS; values only through format_soql
        clauses = [c for c in (format_soql(f"{cursor} >= {{}}", start) if start else "", where) if c]
        soql = f"SELECT {select} FROM {obj}"  # noqa: S608
        if clauses:
            soql += " WHERE " + " AND ".join(clauses)
        soql += f" ORDER BY {cursor}, Id"
        if start is None and not where and "(SELECT" not in select and obj in BULK_OBJECTS:
            # a full read sized by its first page's totalSize (no COUNT() query): a large initial load or
            # reconciliation goes through Bulk API 2.0, else REST goes on from that page (``_bulk_or_rest``)
            first = self.client.query_first(soql, include_deleted=deleted, batch_size=page_size)
            if int(first.get("totalSize") or 0) >= self.mapping.bulk_threshold:
                pages = self._bulk_or_rest(obj, fields, soql, deleted=deleted, page_size=page_size, first=first)
            else:
                pages = self.client.query_pages(soql, include_deleted=deleted, batch_size=page_size, first=first)
        else:
            pages = self.client.query_pages(soql, include_deleted=deleted, batch_size=page_size)
        spelling = _Spelling(obj, [plain(f) for f in dict.fromkeys(fields) if "(" not in plain(f)], self.warn)
        if "(SELECT" not in select:
            for page in pages:
                yield from spelling.fixed(page)
            return
        for page in pages:
            for row in spelling.fixed(page):
                yield self._whole_children(row)

    def _bulk_or_rest(self, obj: str, fields: list[str], soql: str, *, deleted: bool, page_size: int,
                      first: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
        """Pages of a full read of ``obj`` through a Bulk API 2.0 query job (no ORDER BY there: it disables
        chunking), or through REST (``soql``: the same read, queryAll, ORDER BY the cursor) when Bulk cannot give
        it, with a warning: a compound field (``address``, ``location``: "Bulk API 2.0 doesn't support ... Compound
        data", *Create a Query Job*) is never sent to Bulk (REST goes on from ``first``, the read's first page that
        sized it); a job that ended ``Failed`` or ``Aborted``, was refused, gone twice or still running after
        ``bulk_max_wait_minutes`` (``BulkJobFailed``) is read again through REST from its start (the first page's
        cursor may have expired while the job ran: "a query cursor ... inactive for 15 minutes" is deleted), the
        rows it gave left out at the stamp it gave them (``read_already``). REST failing too is ``ReadFailed``, naming
        ``bulk_threshold`` (a passing outage keeps its own error when it is a refusal of the credentials, the quota
        or a field)."""
        types = self._types(obj, fields)
        compound = [plain(f) for f in dict.fromkeys(fields) if types.get(plain(f).lower()) in COMPOUND_TYPES]
        if compound:
            described = (self.describe(obj) if self.describe is not None else None) or {}
            parts = [str(f["name"]) for f in described.values() if any(
                str(f.get("compoundFieldName") or "").lower() == c.lower() for c in compound)]
            self.warn(f"salesforce.bulk {obj}: {', '.join(compound)}: compound data, which Bulk API 2.0 does not "
                      f"read: this full read goes through REST (2,000 rows a call); map its components instead"
                      f"{' (' + ', '.join(parts) + ')' if parts else ''} (`pac config check --online` names the key)")
            yield from self.client.query_pages(soql, include_deleted=deleted, batch_size=page_size, first=first)
            return
        select = ", ".join(dict.fromkeys(fields))
        try:
            yield from self.client.bulk_pages(f"SELECT {select} FROM {obj}",  # noqa: S608
                                              include_deleted=deleted, types=types,
                                              boolean_columns=self._checkboxes(obj),
                                              max_wait=self.mapping.bulk_max_wait_minutes * 60.0)
            return
        except BulkJobFailed as exc:
            failed = exc
        kept = f", {len(failed.delivered)} rows already read kept" if failed.delivered else ""
        self.warn(f"salesforce.bulk {obj}: {str(failed).rstrip('.')}; read through REST instead (queryAll, 2,000 rows "
                  f"a call{kept})")
        try:
            for page in self.client.query_pages(soql, include_deleted=deleted, batch_size=page_size):
                yield [r for r in page if not read_already(failed.delivered, r)] if failed.delivered else page
        except (AuthError, RateLimited, QuotaExhausted, SchemaError):
            raise
        except ConnectorError as exc:
            raise ReadFailed(f"the full read of Salesforce {obj} failed: {str(failed).rstrip('.')}; the same read "
                             f"through REST failed too: {exc}. To read {obj} through REST only, set bulk_threshold: "
                             "100000000 in the Salesforce mapping") from None

    def _whole_children(self, row: dict[str, Any]) -> dict[str, Any]:
        """``row`` with every parent-to-child subquery result complete: a result with ``done`` false holds the
        first batch of children only; the rest are read through its ``nextRecordsUrl`` (``SfClient.more_pages``)."""
        for value in row.values():
            if isinstance(value, dict) and value.get("done") is False and value.get("nextRecordsUrl") \
                    and isinstance(value.get("records"), list):
                for batch in self.client.more_pages(str(value["nextRecordsUrl"])):
                    value["records"].extend(batch)
                value["done"] = True
                value.pop("nextRecordsUrl", None)
        return row

    def rows_of_accounts(self, obj: str, fields: list[str], accounts: list[str], *, deleted: bool = True,
                         page_size: int = PAGE) -> Iterator[dict[str, Any]]:
        """Rows of ``obj`` whose ``AccountId`` is one of ``accounts``, whatever their stamp: one query per
        ``ACCOUNT_BATCH`` ids (the ids only through format_soql)."""
        for batch in chunked(accounts, ACCOUNT_BATCH):
            yield from self.rows(obj, fields, None, deleted=deleted, where=format_soql("AccountId IN {}", batch),
                                 page_size=page_size)

    def reads_products(self) -> bool:
        """Whether the deals' query reads a product field through the line's ``Product2`` lookup (the mapping's
        ``line_product``, ``line_code``, ``line_family``, ``line_name``): then a product changed since the watermark
        moves the lines of opportunities whose own stamp did not move (``products_changed``)."""
        d = self.mapping.deals
        return d.line_items and any(f and f.startswith("Product2.")
                                    for f in (d.line_product, d.line_code, d.line_family, d.line_name))

    def products_changed(self, start: datetime) -> list[str]:
        """The ids of the products changed at or after ``start``: one query, empty on most nights. Editing a
        Product2 changes its own system fields only ("SystemModstamp: Date and time when a user or automated process
        last modified this record", API Developer Guide, *System Fields*): neither the opportunity line item nor
        the opportunity is modified, so their read since the watermark does not see a product reclassified. Any
        change of the product counts (its previous values are not kept to tell which field changed)."""
        soql = format_soql("SELECT Id FROM Product2 WHERE SystemModstamp >= {} ORDER BY SystemModstamp, Id", start)
        return [str(r["Id"]) for page in self.client.query_pages(soql) for r in page]

    def rows_of_products(self, obj: str, fields: list[str], products: list[str], *, deleted: bool = True,
                         page_size: int = PAGE) -> Iterator[dict[str, Any]]:
        """Opportunities (``obj``) holding a line of one of ``products``, whatever their stamp: per ``ACCOUNT_BATCH``
        products, one query for the lines' opportunity ids, then one per ``ACCOUNT_BATCH`` opportunities (the ids
        only through format_soql); none when ``products`` is empty."""
        opportunities: dict[str, None] = {}
        for batch in chunked(products, ACCOUNT_BATCH):
            soql = format_soql("SELECT OpportunityId FROM OpportunityLineItem WHERE Product2Id IN {}", batch)
            opportunities.update((str(r["OpportunityId"]), None) for page in self.client.query_pages(soql)
                                 for r in page if r.get("OpportunityId"))
        for ids in chunked(sorted(opportunities), ACCOUNT_BATCH):
            yield from self.rows(obj, fields, None, deleted=deleted, where=format_soql("Id IN {}", ids),
                                 page_size=page_size)

    def _types(self, obj: str, columns: list[str]) -> dict[str, str]:
        """``obj``'s field types by lower-case name, from its describe (one call per object and run, shared with the
        schema checks), and those of the relationship ``columns`` by their lower-case path (``parent.annualrevenue``),
        so Bulk API 2.0 cells are typed as REST types them; empty when there is no describe."""
        fields = self.describe(obj) if self.describe is not None else None
        types = {name: str(f.get("type", "")) for name, f in (fields or {}).items()}
        for column in columns:
            path = plain(column).split(".")
            if len(path) > 1 and (kind := self._path_type(obj, path)) is not None:
                types[".".join(path).lower()] = kind
        return types

    def _path_type(self, obj: str, path: list[str]) -> str | None:
        """The describe type of the field a relationship path ends on (``_path_field``); None when a describe lacks
        it, or for a polymorphic relationship."""
        found = self._path_field(obj, path)
        return str(found[1].get("type", "")) if found is not None else None

    def _path_field(self, obj: str, path: list[str]) -> tuple[str, dict[str, Any]] | None:
        """The object and describe of the field a relationship path ends on (``Parent.AnnualRevenue``: the field of
        ``obj`` whose ``relationshipName`` is ``Parent``, then ``AnnualRevenue`` in the describe of the object it
        refers to, one call per object and run); None when a describe lacks it, or for a polymorphic relationship
        (``What``, ``Owner``: several ``referenceTo``, whose fields SOQL reads from the Name object, text)."""
        fields = self.describe(obj) if self.describe is not None else None
        if not fields:
            return None
        if len(path) == 1:
            field = fields.get(path[0].lower())
            return (obj, field) if field is not None else None
        head = path[0].lower()
        ref = next((f for f in fields.values() if str(f.get("relationshipName") or "").lower() == head), None)
        targets = (ref or {}).get("referenceTo") or []
        return self._path_field(str(targets[0]), path[1:]) if len(targets) == 1 else None

    def _checkboxes(self, obj: str) -> frozenset[str]:
        """The mapping's checkbox fields of ``obj`` (the dormant flag, rule fields matched against true or false):
        read as booleans from Bulk API 2.0 even where the describe does not type them."""
        if obj == "Account":
            return frozenset([self.mapping.accounts.dormant] if self.mapping.accounts.dormant else [])
        return frozenset(f for rule in self.mapping.activities.rules if rule.object == obj
                         for f, values in rule.where.items() if any(isinstance(v, bool) for v in values))

    def edits(self, start: datetime | None, written: Mapping[tuple[str, str], Any] | None
              ) -> Iterator[ManagerEdit | PacListed]:
        """The current values of the PAC records changed since ``start``, with who changed them last.

        Editable fields (``EDIT_FIELDS``, plus the mapping's ``editable``) come back as ``ManagerEdit`` with the
        record's ``LastModifiedById`` (and that user's name): ``by_integration`` when it is pac's own integration
        user (the identity of the token, ``client.user_id``), which is never a manager's edit. The other written
        fields come back as ``PacValue`` for drift repair. One query per PAC object (plus one for the names of the
        people who edited, when any did).

        A lookup to the axis is read back as the axis's key (``PAC_Axis__r.PAC_Key__c``, as ``axis_key``): an action
        whose axis was deleted has its lookup cleared (``deleteConstraint`` SetNull), so its link is restored by drift
        repair even though its ``PAC_Axis_Key__c`` text still names the axis. The owner comes back as its e-mail
        (``Owner.Email``, as ``owner_email``), compared with the plan's ``who`` (``sync_jobs.steps.drifted``). A full
        read (no ``start``) also yields, per PAC object it could read, the keys of every record it found
        (``PacListed``): a record pac wrote that the org no longer holds was deleted there (query leaves out the
        records in the Recycle Bin: "query() ... excludes records that have been deleted", SOAP API).
        """
        w = self.mapping.writeback
        rows_of: list[tuple[Target, Any, dict[str, str], dict[str, str], list[dict[str, Any]]]] = []
        for target, tmap in ((Target.AXIS, w.axis), (Target.ACTION, w.action)):
            editable = {tmap.fields[lg]: name for name, lg in EDIT_FIELDS[target].items() if lg in tmap.fields}
            editable.update(tmap.editable)
            computed = {self._read_back(tmap.object, crm): lg for lg, crm in tmap.fields.items()
                        if crm not in editable and lg not in _NOT_DRIFT and crm != "OwnerId"}
            computed = {crm: ("axis_key" if "." in crm and lg == "axis" else lg) for crm, lg in computed.items()}
            if tmap.fields.get("owner_email") == "OwnerId":
                computed[OWNER_EMAIL] = "owner_email"
            if target is Target.AXIS and self.mapping.multi_currency():
                computed[CURRENCY] = "currency"     # the axis's amounts are read in it (``Writer._currency``)
            try:
                rows = self._pac_rows(tmap.object, tmap.key_field, editable, computed, start)
            except SchemaError as exc:
                self.warn(f"salesforce.pac_edits object={tmap.object} skipped: {exc} (run pac crm provision)")
                continue
            rows_of.append((target, tmap, editable, computed, rows))
            if start is None:
                yield PacListed(target, frozenset(str(r[tmap.key_field]) for r in rows if r.get(tmap.key_field)))
        me = self.client.user_id
        history: dict[tuple[Target, str, str], tuple[datetime | None, str | None]] = {}
        for target, tmap, editable, _computed, rows in rows_of:
            if tmap.field_history:
                found = self._field_history(tmap.object, target, tmap.key_field, editable, rows, written)
                history.update({(target, rid, fld): h for (rid, fld), h in found.items()})
        # the names of those who last changed a record holding other values than pac last wrote there: a record
        # holding pac's values (an accepted edit, recorded as held) is no edit, and its last editor's name is not
        # shown; asked every night while the record stayed in the overlap window (audit nights F2)
        mine = _plans_written(written)
        people = {str(r.get("LastModifiedById")) for target, tmap, editable, _c, rows in rows_of for r in rows
                  if r.get("LastModifiedById") and r.get("LastModifiedById") != me
                  and not _holds_written(r, target, tmap.key_field, editable, written)
                  and _of_plans(r, tmap.key_field, mine)}
        people |= {h[1] for h in history.values() if h[1] and h[1] != me}
        names = self._user_names(people)
        for target, tmap, editable, computed, rows in rows_of:
            for r in rows:
                key = r.get(tmap.key_field)
                if not key:
                    continue
                stamp = sf_datetime(r.get("LastModifiedDate") or r.get("SystemModstamp"))
                record_by = str(r.get("LastModifiedById") or "") or None
                for fld, edit_name in editable.items():
                    value = get(r, fld)
                    if isinstance(value, float) and value.is_integer():
                        value = int(value)          # a Number(3, 0) priority comes back as 2.0 in JSON
                    at, by = history.get((target, str(r.get("Id")), fld)) or (stamp, record_by)
                    yield ManagerEdit(target, str(key), edit_name, value, at,  # type: ignore[arg-type]
                                      by_id=by, by_name=names.get(by or "", ""),
                                      by_integration=by is not None and by == me, crm_field=fld)
                for fld, logical in computed.items():
                    value = get(r, fld)
                    if fld == OWNER_EMAIL:      # an owner with no e-mail: nothing to compare
                        if value in (None, ""):
                            continue
                        value = str(value).strip().lower()
                    yield PacValue(target, str(key), logical, value, stamp,  # type: ignore[arg-type]
                                   by_id=record_by, by_integration=record_by == me,
                                   crm_field=tmap.fields.get(logical, fld))

    def _read_back(self, obj: str, crm: str) -> str:
        """How a written field is read back: a lookup to the axis as the axis's key through the relationship
        (``PAC_Axis__r.PAC_Key__c``: null when the lookup was cleared), any other field as it is."""
        spec = pac_field(obj, crm)
        if spec is None or spec.type != "Lookup" or spec.reference_to != "PAC_Axis__c":
            return crm
        return f"{spec.relationship_field}.{self.mapping.writeback.axis.key_field}"

    def _pac_rows(self, obj: str, key_field: str, editable: dict[str, str], computed: dict[str, str],
                  start: datetime | None) -> list[dict[str, Any]]:
        """The PAC records of ``obj`` changed since ``start``. A mapped field the org lacks (an org provisioned by an
        older pac, before the field existed) fails the query: the describe names the missing fields, which are left
        out of this read (``editable`` and ``computed`` lose them), recorded in ``lacking`` (the write-back leaves
        them out too, ``SalesforceConnector.keeps``) and named in a warning with the command that creates them.
        ``SchemaError`` when the query fails for another reason."""
        def query() -> list[dict[str, Any]]:
            fields = ["Id", key_field, *editable, *computed, "LastModifiedById", "LastModifiedDate", "SystemModstamp"]
            return list(self.rows(obj, fields, start, deleted=False))

        try:
            return query()
        except SchemaError:
            described = self.describe(obj) if self.describe is not None else None
            if described is None:
                raise
            mapped = dict.fromkeys(self.mapping.write_fields().get(obj, {}).values())
            missing = frozenset(f for f in mapped if "." not in f and f.lower() not in described)
            read = {f.split(".", 1)[0].replace("__r", "__c") for f in editable.keys() | computed.keys()}
            no_currency = CURRENCY in computed and CURRENCY.lower() not in described
            if not missing & read and not no_currency:
                raise
        if no_currency:     # a mapping reading deals' currency, an object with none: no record currency to read back
            computed.pop(CURRENCY)
        if missing & read:
            self.lacking[obj] = missing
            self.warn(lacking_words(f"{obj} lacks {', '.join(f for f in mapped if f in missing)}"))
        for gone in missing & read:
            editable.pop(gone, None)
            for path in [p for p in computed if p.split(".", 1)[0].replace("__r", "__c") == gone]:
                computed.pop(path)
        return query()

    def _field_history(self, obj: str, target: Target, key_field: str, editable: Mapping[str, str],
                       rows: list[dict[str, Any]], written: Mapping[tuple[str, str], Any] | None
                       ) -> dict[tuple[str, str], tuple[datetime | None, str | None]]:
        """(record id, field) -> (when, who) of the newest ``<Object>__History`` change that set the field's current
        value, for the records whose editable values differ from what pac last wrote: the field's own author, even
        when pac (or another person) changed another field of the record since. One query per 200 records."""
        wanted: dict[str, dict[str, Any]] = {}
        mine = _plans_written(written)
        for r in rows:
            if _holds_written(r, target, key_field, editable, written) or not _of_plans(r, key_field, mine):
                continue
            wanted[str(r["Id"])] = r
        out: dict[tuple[str, str], tuple[datetime | None, str | None]] = {}
        ids = sorted(wanted)
        for batch in chunked(ids, HISTORY_BATCH):
            # the object name comes from the validated mapping; values only through format_soql
            soql = format_soql("SELECT ParentId, Field, NewValue, CreatedById, CreatedDate FROM "  # noqa: S608
                               + history_name(obj) + " WHERE ParentId IN {} AND Field IN {} ORDER BY CreatedDate, Id",
                               batch, sorted(editable))
            try:
                pages = list(self.client.query_pages(soql))
            except ConnectorError as exc:
                self.warn(f"salesforce.field_history object={obj} unavailable: {exc} (enable Field History "
                           "Tracking on the PAC object, or set field_history: false in the mapping)")
                return {}
            for page in pages:
                for h in page:
                    current = get(wanted[str(h["ParentId"])], h["Field"])
                    if same_value(h.get("NewValue"), current):      # the newest entry that set today's value
                        out[(str(h["ParentId"]), str(h["Field"]))] = (sf_datetime(h.get("CreatedDate")),
                                                                      h.get("CreatedById"))
        return out

    def _user_names(self, ids: set[str]) -> dict[str, str]:
        """User Id -> Name, for the people who edited PAC records (one query; none when nobody did)."""
        if not ids:
            return {}
        out: dict[str, str] = {}
        for page in self.client.query_pages(format_soql("SELECT Id, Name FROM User WHERE Id IN {}", sorted(ids))):
            for r in page:
                out[str(r["Id"])] = str(r.get("Name") or "")
        return out


def _plans_written(written: Mapping[tuple[str, str], Any] | None) -> frozenset[str]:
    """The plans whose PAC records ``written`` holds (a key is ``plan:item``): the running plan's; empty when pac
    wrote nothing yet (then every record is read as before)."""
    if not written:
        return frozenset()
    return frozenset(key.split(":", 1)[0] for (target, key) in written
                     if target in (Target.AXIS.value, Target.ACTION.value) and ":" in key)


def _of_plans(r: dict[str, Any], key_field: str, plans: frozenset[str]) -> bool:
    """Whether the PAC row ``r`` is one of ``plans``' records (any record when ``plans`` is empty): another plan on
    the org keeps its records beside them, which never hold what this plan wrote, so who edited them is that plan's
    run to ask (audit twoplans F2: each run read the other plan's field history every night)."""
    return not plans or str(r.get(key_field) or "").split(":", 1)[0] in plans


def _holds_written(r: dict[str, Any], target: Target, key_field: str, editable: Mapping[str, str],
                   written: Mapping[tuple[str, str], Any] | None) -> bool:
    """Whether the PAC row ``r`` holds, in every editable field, the value pac last wrote there (or recorded it as
    holding: an accepted edit): then none of them is a person's edit to read the author of."""
    row = written.get((target.value, str(r.get(key_field)))) if written is not None else None
    return row is not None and all(same_value(get(r, fld), row.fields.get(EDIT_LOGICAL[name]))
                                   for fld, name in editable.items() if EDIT_LOGICAL.get(name) in row.fields)
