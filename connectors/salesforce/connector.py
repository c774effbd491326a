"""The Salesforce connector: pulls normalised records, writes PAC progress back, checks and provisions.

Frugality rules it keeps: only mapped fields are selected; queries are built with ``format_soql``;
incremental reads filter ``SystemModstamp >= watermark - overlap`` ordered by ``SystemModstamp, Id``;
activities, deals and accounts are read with ``queryAll`` so deleted and archived rows come back
flagged; pages hold 2,000 records; deal line items ride along as a parent-to-child subquery (no
extra call); full reads of Accounts, Events and Tasks above the mapping's ``bulk_threshold`` (one
``COUNT()`` call decides) use a Bulk API 2.0 query job; writes are sObject Collections upserts by
``PAC_Key__c``, 200 records per call, ``allOrNone`` false; account PAC fields (``PAC_Axes__c``,
``PAC_Target__c``: the axes targeting the account) are updates by id through ``PATCH /composite/sobjects``,
200 per call, and any other Account field is refused. See ``docs/salesforce.md``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from more_itertools import chunked
from simple_salesforce import format_soql

from connectors.base import (
    EDIT_FIELDS,
    EDIT_LOGICAL,
    ApiUsage,
    AuthError,
    ConnectorError,
    ManagerEdit,
    ObjectKind,
    PacValue,
    QuotaExhausted,
    RateLimited,
    SchemaError,
    SchemaIssue,
    Target,
    TransientError,
    WriteChange,
    WriteResult,
    same_value,
)
from connectors.retry import RetryPolicy
from connectors.salesforce.client import Credentials, SfClient
from connectors.salesforce.mapping import PAC_FIELD, SalesforceMapping, load_mapping
from connectors.salesforce.normalise import Normaliser, get, sf_datetime
from connectors.salesforce.permissions import grant_access
from connectors.salesforce.schema import PAC_OBJECTS, PacField, PacObject, history_name, pac_object
from pac_core.errors import InvalidInput
from pac_core.records import Record, Rejected

log = logging.getLogger(__name__)
BATCH = 200                 # sObject Collections maximum
PAGE = 2000                 # query batch maximum
BULK_OBJECTS = frozenset({"Account", "Event", "Task"})   # Opportunity needs its line-item subquery: REST
RETRYABLE_SAVE = {"UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "REQUEST_LIMIT_EXCEEDED"}
ACCOUNT_LOGICAL = frozenset({"axes", "target"})   # the only logical fields an account update may carry
_NOT_DRIFT = frozenset({"owner_email", "text", "plan", "last_synced"})   # not compared for drift repair
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WRITE_ORDER = {Target.AXIS: 0, Target.ACTION: 1, Target.ACCOUNT: 2}
_DESCRIBE_TYPE = {"Text": "string", "LongTextArea": "textarea", "Number": "double", "Currency": "currency",
                  "Percent": "percent", "Checkbox": "boolean", "Date": "date", "DateTime": "datetime",
                  "Picklist": "picklist", "Lookup": "reference"}   # Metadata API type -> describe() type


class SalesforceConnector:
    """One Salesforce org, configured by a mapping and ``PAC_SF_*`` credentials."""

    crm = "salesforce"

    def __init__(self, name: str, mapping: SalesforceMapping, client: SfClient) -> None:
        self.name, self.mapping, self.client = name, mapping, client
        self.reconciliation_days = mapping.reconciliation_days   # the org's advice; settings may override
        self.warnings: list[str] = []
        self.normaliser = Normaliser(name, mapping, warn=self._warn)
        self._user_ids: dict[str, str] = {}
        self._describes: dict[str, dict[str, dict[str, Any]] | None] = {}
        self._currency_warned: set[str] = set()

    def _warn(self, text: str) -> None:
        self.warnings.append(text)
        log.warning(text)

    def secrets(self) -> list[str]:
        """Credential values to redact from every log line (the CLI registers them), the live session included."""
        live = getattr(getattr(self.client, "_sf", None), "session_id", None)
        return self.client.creds.secrets() + ([live] if live else [])

    # -- pull ------------------------------------------------------------------------------------------
    def pull(self, kind: ObjectKind, since: datetime | None, *, full: bool = False
             ) -> Iterator[Record | Rejected | ManagerEdit]:
        """Records changed at or after ``since`` minus the overlap (everything when ``full`` or no watermark)."""
        start = None if (full or since is None) else since - timedelta(minutes=self.mapping.overlap_minutes)
        if kind is ObjectKind.USERS:
            for r in self._rows("User", ["Id", "Email", "Name", "IsActive", "SystemModstamp"], start, deleted=False):
                user = self.normaliser.user(r)
                if not isinstance(user, Rejected) and user.email:
                    self._user_ids[user.email] = user.id
                yield user
        elif kind is ObjectKind.ACCOUNTS:
            fields = ["Id", "OwnerId", "IsDeleted", "SystemModstamp", *self.mapping.read_fields()["Account"].values()]
            where = ""
            if start is not None and since is not None and self.client.user_id:
                # Accounts are the one read object pac also writes (their PAC fields). Inside the overlap
                # window, rows whose last change is our own write-back were read already: skip them, so a
                # quiet org costs one page; anything past the watermark, or changed by anyone else, is read.
                # The periodic full reconciliation still reads everything.
                # SOQL datetime literals carry whole seconds: round the watermark up, never down
                after = since.replace(microsecond=0) + timedelta(seconds=1) if since.microsecond else since
                where = format_soql("(SystemModstamp >= {} OR LastModifiedById != {})", after, self.client.user_id)
            for r in self._rows("Account", fields, start, where=where):
                yield self.normaliser.account(r)
        elif kind is ObjectKind.ACTIVITIES:
            for obj in self.mapping.activities.objects():
                for r in self._rows(obj, self._activity_fields(obj), start):
                    yield self.normaliser.activity(obj, r)
        elif kind is ObjectKind.DEALS:
            for r in self._rows("Opportunity", self._deal_fields(), start):
                yield self.normaliser.deal(r)
        elif kind is ObjectKind.PAC_EDITS:
            yield from self._edits(start)
        else:
            raise ValueError(f"unknown object kind {kind!r}")

    def _activity_fields(self, obj: str) -> list[str]:
        base = ["Id", "OwnerId", "WhatId", "AccountId", "Subject", "IsDeleted", "SystemModstamp", "ActivityDate"]
        base += ["ActivityDateTime", "StartDateTime", "IsAllDayEvent"] if obj == "Event" else ["CompletedDateTime"]
        return base + list(self.mapping.read_fields().get(obj, {}).values())

    def _deal_fields(self) -> list[str]:
        d = self.mapping.deals
        fields = ["Id", "Name", "AccountId", "OwnerId", "IsDeleted", "SystemModstamp", "CreatedDate",
                  *self.mapping.read_fields()["Opportunity"].values()]
        if d.won_stages:
            fields.append("StageName")
        if d.line_items:
            items = ["Id", d.line_product, d.line_quantity, d.line_amount] + [
                f for f in (d.line_service_date, d.line_code, d.line_family, d.line_name) if f]
            sub = ", ".join(dict.fromkeys(items))     # field names from the validated mapping, no values
            fields.append(f"(SELECT {sub} FROM OpportunityLineItems)")  # noqa: S608
        return fields

    def _rows(self, obj: str, fields: list[str], start: datetime | None, *, deleted: bool = True,
              where: str = "") -> Iterator[dict[str, Any]]:
        select = ", ".join(dict.fromkeys(fields))
        clauses = [c for c in (format_soql("SystemModstamp >= {}", start) if start else "", where) if c]
        # field and object names come from the validated mapping; values only through format_soql
        soql = f"SELECT {select} FROM {obj}"  # noqa: S608
        if clauses:
            soql += " WHERE " + " AND ".join(clauses)
        soql += " ORDER BY SystemModstamp, Id"
        if start is None and not where and "(SELECT" not in select and self._large(obj, deleted):
            # a large initial load or reconciliation: Bulk API 2.0 (no ORDER BY there: it disables chunking)
            dormant = self.mapping.accounts.dormant
            pages = self.client.bulk_pages(f"SELECT {select} FROM {obj}", include_deleted=deleted,  # noqa: S608
                                           boolean_columns=frozenset([dormant] if dormant else []))
        else:
            pages = self.client.query_pages(soql, include_deleted=deleted, batch_size=PAGE)
        for page in pages:
            yield from page

    def _large(self, obj: str, deleted: bool) -> bool:
        """Whether a full read of ``obj`` is above the mapping's bulk threshold (one COUNT() call)."""
        if obj not in BULK_OBJECTS:
            return False
        total = self.client.count(f"SELECT COUNT() FROM {obj}", include_deleted=deleted)  # noqa: S608
        return total >= self.mapping.bulk_threshold

    def _edits(self, start: datetime | None) -> Iterator[ManagerEdit]:
        """The current values of the PAC records changed since ``start``, with who changed them last.

        Editable fields (``EDIT_FIELDS``, plus the mapping's ``editable``) come back as ``ManagerEdit`` with the
        record's ``LastModifiedById`` (and that user's name): ``by_integration`` when it is pac's own integration
        user (the identity of the token, ``client.user_id``), which is never a manager's edit. The other written
        fields come back as ``PacValue`` for drift repair. One query per PAC object (plus one for the names of the
        people who edited, when any did).
        """
        w = self.mapping.writeback
        rows_of: list[tuple[Target, Any, dict[str, str], dict[str, str], list[dict[str, Any]]]] = []
        for target, tmap in ((Target.AXIS, w.axis), (Target.ACTION, w.action)):
            editable = {tmap.fields[lg]: name for name, lg in EDIT_FIELDS[target].items() if lg in tmap.fields}
            editable.update(tmap.editable)
            computed = {crm: lg for lg, crm in tmap.fields.items()
                        if crm not in editable and lg not in _NOT_DRIFT and crm != "OwnerId"}
            fields = ["Id", tmap.key_field, *editable, *computed, "LastModifiedById", "LastModifiedDate",
                      "SystemModstamp"]
            try:
                rows = list(self._rows(tmap.object, fields, start, deleted=False))
            except SchemaError as exc:
                self._warn(f"salesforce.pac_edits object={tmap.object} skipped: {exc} (run pac crm provision)")
                continue
            rows_of.append((target, tmap, editable, computed, rows))
        me = self.client.user_id
        history: dict[tuple[Target, str, str], tuple[datetime, str | None]] = {}
        for target, tmap, editable, _computed, rows in rows_of:
            if tmap.field_history:
                found = self._field_history(tmap.object, target, tmap.key_field, editable, rows)
                history.update({(target, rid, fld): h for (rid, fld), h in found.items()})
        people = {str(r.get("LastModifiedById")) for *_x, rows in rows_of for r in rows
                  if r.get("LastModifiedById") and r.get("LastModifiedById") != me}
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
                    at, by = history.get((target, r.get("Id"), fld)) or (stamp, record_by)
                    yield ManagerEdit(target, str(key), edit_name, value, at,  # type: ignore[arg-type]
                                      by_id=by, by_name=names.get(by or "", ""),
                                      by_integration=by is not None and by == me)
                for fld, logical in computed.items():
                    yield PacValue(target, str(key), logical, get(r, fld), stamp,  # type: ignore[arg-type]
                                   by_id=record_by, by_integration=record_by == me)

    def remember_written(self, written: Mapping[tuple[str, str], Any]) -> None:
        """What pac last wrote to this org's PAC records (``(target, key) -> row with .fields``): records whose
        editable values all equal it need no field-history read."""
        self._written = written

    def _field_history(self, obj: str, target: Target, key_field: str, editable: Mapping[str, str],
                       rows: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[datetime, str | None]]:
        """(record id, field) -> (when, who) of the newest ``<Object>__History`` change that set the field's current
        value, for the records whose editable values differ from what pac last wrote: the field's own author, even
        when pac (or another person) changed another field of the record since. One query per 200 records."""
        written = getattr(self, "_written", None)
        wanted: dict[str, dict[str, Any]] = {}
        for r in rows:
            row = written.get((target.value, r.get(key_field))) if written is not None else None
            if row is not None and all(same_value(get(r, fld), row.fields.get(EDIT_LOGICAL[name]))
                                       for fld, name in editable.items() if EDIT_LOGICAL.get(name) in row.fields):
                continue
            wanted[str(r["Id"])] = r
        out: dict[tuple[str, str], tuple[datetime, str | None]] = {}
        ids = sorted(wanted)
        for batch in chunked(ids, BATCH):
            # the object name comes from the validated mapping; values only through format_soql
            soql = format_soql("SELECT ParentId, Field, NewValue, CreatedById, CreatedDate FROM "  # noqa: S608
                               + history_name(obj) + " WHERE ParentId IN {} AND Field IN {} ORDER BY CreatedDate, Id",
                               batch, sorted(editable))
            try:
                pages = list(self.client.query_pages(soql))
            except ConnectorError as exc:
                self._warn(f"salesforce.field_history object={obj} unavailable: {exc} (enable Field History "
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

    # -- write -----------------------------------------------------------------------------------------
    def write(self, changes: Sequence[WriteChange]) -> list[WriteResult]:
        """Upsert PAC records by ``PAC_Key__c`` and update account PAC fields by id, 200 per call."""
        results: list[WriteResult | None] = [None] * len(changes)
        self._resolve_owners(changes)
        groups: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        # axes first: an action names its axis by the axis's PAC key (a lookup resolved by Salesforce)
        order = sorted(range(len(changes)), key=lambda i: _WRITE_ORDER.get(changes[i].target, 9))
        for i in order:
            change = changes[i]
            try:
                path, record = self._record(change)
            except ValueError as exc:
                results[i] = WriteResult(change.key, False, change.crm_id, str(exc), retryable=False)
                continue
            if change.target is Target.ACCOUNT and set(record) <= {"attributes", "id"}:
                results[i] = WriteResult(change.key, True, change.crm_id)   # no field this org keeps: no call
                continue
            groups.setdefault(path, []).append((i, record))
        for path, items in groups.items():
            items = self._without_failed_axes(items, changes, results)
            for chunk in chunked(items, BATCH):
                self._write_chunk(path, chunk, changes, results)
        return [r for r in results if r is not None]

    @staticmethod
    def _without_failed_axes(items: list[tuple[int, dict[str, Any]]], changes: Sequence[WriteChange],
                             results: list[WriteResult | None]) -> list[tuple[int, dict[str, Any]]]:
        """Actions whose axis failed in this write are not sent (Salesforce could not resolve the lookup): each
        is reported as a retryable failure naming its axis, and goes with it on the next run."""
        failed = {changes[i].key: r.error for i, r in enumerate(results)
                  if r is not None and not r.ok and changes[i].target is Target.AXIS}
        if not failed:
            return items
        kept = []
        for i, record in items:
            axis = changes[i].fields.get("axis_key")
            if changes[i].target is Target.ACTION and axis in failed:
                results[i] = WriteResult(changes[i].key, False, changes[i].crm_id, f"not sent: its axis {axis} was "
                                         f"not written ({failed[axis]}); retried on the next run", retryable=True)
            else:
                kept.append((i, record))
        return kept

    def _write_chunk(self, path: str, chunk: list[tuple[int, dict[str, Any]]], changes: Sequence[WriteChange],
                     results: list[WriteResult | None]) -> None:
        try:
            saved = self.client.restful(path, method="PATCH",
                                        json={"allOrNone": False, "records": [rec for _, rec in chunk]})
        except (TransientError, RateLimited) as exc:
            for i, _ in chunk:
                results[i] = WriteResult(changes[i].key, False, changes[i].crm_id, str(exc), retryable=True)
            return
        except (AuthError, QuotaExhausted):
            raise
        except SchemaError as exc:
            raise SchemaError(f"{exc} (run: pac crm check / pac crm provision salesforce)") from None
        for (i, _), res in zip(chunk, saved or [], strict=False):
            if res.get("success"):
                results[i] = WriteResult(changes[i].key, True, res.get("id") or changes[i].crm_id)
            else:
                errors = res.get("errors") or [{}]
                codes = {e.get("statusCode") for e in errors}
                text = "; ".join(f"{e.get('statusCode')}: {e.get('message')}" for e in errors)
                results[i] = WriteResult(changes[i].key, False, changes[i].crm_id, text,
                                         retryable=bool(codes & RETRYABLE_SAVE))

    def _record(self, change: WriteChange) -> tuple[str, dict[str, Any]]:
        w = self.mapping.writeback
        if change.target is Target.ACCOUNT:
            if not change.crm_id:
                raise ValueError("an account change needs its crm_id")
            unknown = sorted(set(change.fields) - ACCOUNT_LOGICAL)
            if unknown:
                raise ValueError(f"field(s) {unknown} are not PAC fields of accounts: refused")
            values = self._values("Account", w.account.fields, change.fields)
            foreign = sorted(f for f in values if not PAC_FIELD.match(f))
            if foreign:     # the mapping check refuses these too; never reach the CRM whatever built the mapping
                raise ValueError(f"Account.{', Account.'.join(foreign)} is not a PAC field: refused")
            record: dict[str, Any] = {"attributes": {"type": "Account"}, "id": change.crm_id, **values}
            return "composite/sobjects", record
        tmap = w.axis if change.target is Target.AXIS else w.action
        fields = dict(change.fields)
        currency = fields.pop("currency", None)
        if "axis_key" in fields and "axis" in tmap.fields:
            fields["axis"] = fields["axis_key"]      # the lookup to the axis, by the axis's external id
        record = {"attributes": {"type": tmap.object}, tmap.key_field: change.key}
        record.update(self._values(tmap.object, tmap.fields, fields))
        if currency and change.target is Target.AXIS:
            record.update(self._currency(str(currency)))
        return f"composite/sobjects/{tmap.object}/{tmap.key_field}", record

    def keeps(self, target: Target) -> frozenset[str]:
        """The logical fields this org keeps for ``target`` (the pipeline sends no others)."""
        w = self.mapping.writeback
        tmap = {Target.AXIS: w.axis, Target.ACTION: w.action}.get(target)
        if tmap is None:
            return frozenset(w.account.fields)
        return frozenset(tmap.fields) | ({"currency"} if target is Target.AXIS else set())

    def _currency(self, currency: str) -> dict[str, str]:
        """``CurrencyIsoCode`` with the amounts in a multi-currency org (the mapping reads deals' currency from
        ``deals.currency_field``); in a single-currency org amounts are in the org's currency: nothing to write,
        a warning when the plan's currency differs."""
        if self.mapping.deals.currency_field:
            return {"CurrencyIsoCode": currency}
        if currency != self.mapping.org_currency and currency not in self._currency_warned:
            self._currency_warned.add(currency)
            self._warn(f"salesforce.write the plan's amounts are in {currency} but the org's currency is "
                       f"{self.mapping.org_currency} (single-currency org): set org_currency, or enable "
                       "multi-currency and map deals.currency_field: CurrencyIsoCode")
        return {}

    def _values(self, obj: str, mapped: Mapping[str, str], fields: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for logical, value in fields.items():
            crm_field = mapped.get(logical)
            if crm_field is None:
                continue        # a logical field this org does not keep: not written, by design
            if crm_field == "OwnerId":
                owner = self._user_ids.get(str(value or "").lower())
                if owner is None:
                    self._warn(f"salesforce.write owner={value} has no active Salesforce user; owner left unchanged")
                    continue
                out["OwnerId"] = owner
                continue
            spec = _pac_field(obj, crm_field)
            if spec is not None and spec.type == "Lookup":
                if value in (None, ""):
                    out[crm_field] = None
                else:       # a relationship reference: Salesforce finds the parent by its external id
                    parent = self.mapping.writeback.axis if spec.reference_to == "PAC_Axis__c" else None
                    key_field = parent.key_field if parent is not None else "PAC_Key__c"
                    out[spec.relationship_field] = {"attributes": {"type": spec.reference_to}, key_field: str(value)}
                continue
            out[crm_field] = self._json(obj, crm_field, value)
        return out

    @staticmethod
    def _json(obj: str, crm_field: str, value: Any) -> Any:
        if isinstance(value, Enum):
            value = value.value
        if isinstance(value, datetime):
            return value.isoformat().replace("+00:00", "Z")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, list | tuple | set | frozenset):
            value = "; ".join(str(v) for v in (sorted(value) if isinstance(value, set | frozenset) else value))
        if isinstance(value, str):
            value = _CONTROL.sub("", value)
            limit = 80 if crm_field == "Name" else _length(obj, crm_field)
            if limit and len(value) > limit:
                value = value[: limit - 1] + "…"
        return value

    def _resolve_owners(self, changes: Sequence[WriteChange]) -> None:
        wanted = {str(c.fields["owner_email"]).lower() for c in changes
                  if c.fields.get("owner_email") and str(c.fields["owner_email"]).lower() not in self._user_ids}
        if not wanted:
            return
        soql = format_soql("SELECT Id, Email FROM User WHERE Email IN {} AND IsActive = true", sorted(wanted))
        for page in self.client.query_pages(soql):
            for r in page:
                if r.get("Email"):
                    self._user_ids.setdefault(str(r["Email"]).lower(), str(r["Id"]))

    # -- schema ----------------------------------------------------------------------------------------
    def describe_fields(self, sobject: str) -> dict[str, dict[str, Any]] | None:
        """The object's fields by lower-case name (one describe call per object and run), None if absent."""
        if sobject not in self._describes:
            described = self.client.describe(sobject)
            self._describes[sobject] = None if described is None else {
                f["name"].lower(): f for f in described.get("fields", [])}
        return self._describes[sobject]

    def check_schema(self) -> list[SchemaIssue]:
        issues: list[SchemaIssue] = []
        for obj, keyed in self.mapping.write_fields().items():
            fields = self.describe_fields(obj)
            if fields is None:
                issues.append(SchemaIssue(obj, None, f"the org has no object {obj}",
                                          "run: pac crm provision salesforce (or deploy force-app/ with the sf CLI)"))
                continue
            for name in dict.fromkeys(keyed.values()):
                f = fields.get(name.lower())
                if f is None:
                    issues.append(SchemaIssue(obj, name, f"{obj}.{name} is missing (or hidden from the integration "
                                              "user)", "run: pac crm provision salesforce (creates it and grants "
                                              "access through the permission set PAC_Integration)"))
                elif not f.get("updateable") and name != "Id":
                    issues.append(SchemaIssue(obj, name, f"{obj}.{name} is not updateable by the integration user",
                                              "run: pac crm provision salesforce, or assign the permission set "
                                              "PAC_Integration to the integration user"))
                elif (spec := _pac_field(obj, name)) is not None and f.get("type") != _DESCRIBE_TYPE[spec.type]:
                    issues.append(SchemaIssue(obj, name, f"{obj}.{name} is a {f.get('type')} field; pac writes a "
                                              f"{_DESCRIBE_TYPE[spec.type]} ({spec.type}) there",
                                              "an org provisioned by an older pac: change the field's type in Setup "
                                              f"to {spec.type} (or deploy force-app/), see docs/salesforce.md"))
        for obj, keyed in self.mapping.read_fields().items():
            fields = self.describe_fields(obj)
            if fields is None:
                issues.append(SchemaIssue(obj, None, f"the org has no object {obj} (or it is hidden)",
                                          "grant the integration user read access to it"))
                continue
            for key, name in keyed.items():
                if "." not in name and name.lower() not in fields:
                    issues.append(SchemaIssue(obj, name, f"{obj}.{name} does not exist ({key})",
                                              "fix the mapping (pac config check --online says more)"))
        return issues

    def provision_schema(self) -> list[str]:
        """Create the PAC objects and fields the org lacks through the Tooling API, then grant access to them.

        Fields created through the Tooling API are visible to nobody until a permission set grants them:
        ``connectors.salesforce.permissions.grant_access`` keeps the permission set ``PAC_Integration``
        (object and field access, as in ``force-app/``) and assigns it to the integration user. A field
        that exists but is hidden from the integration user (describe does not show it) is not created
        twice: the Tooling API's ``DUPLICATE_DEVELOPER_NAME`` is taken as "exists". Idempotent: a second
        run changes nothing and returns an empty list. ``SchemaError`` (with the admin's instruction,
        naming the permission set to assign) when the org refuses the permission set changes.
        """
        done: list[str] = []
        wanted = {obj: set(keyed.values()) for obj, keyed in self.mapping.write_fields().items()}
        granted: list[PacObject] = []
        for pac in PAC_OBJECTS:
            if pac.name not in wanted:
                continue
            fields = self.describe_fields(pac.name)
            if fields is None:
                if not pac.custom:
                    raise SchemaError(f"the org has no {pac.name} object visible to the integration user")
                if self._tooling_create("CustomObject", pac.name, pac.metadata()):
                    done.append(f"created object {pac.name}")
                fields = {}
            for f in pac.fields:
                if f.name.lower() in fields or f.name not in wanted[pac.name]:
                    continue
                if self._tooling_create("CustomField", f"{pac.name}.{f.name}", f.metadata()):
                    done.append(f"created field {pac.name}.{f.name}")
            granted.append(replace(pac, fields=tuple(f for f in pac.fields if f.name in wanted[pac.name])))
            self._describes.pop(pac.name, None)
        if not self.client.user_id:
            self.client.sf  # noqa: B018 - logs in, which tells the integration user's id
        done += grant_access(self.client, granted, self.client.user_id)
        self._describes.clear()
        return done

    def _tooling_create(self, kind: str, full_name: str, metadata: dict[str, Any]) -> bool:
        """Create one ``CustomObject`` or ``CustomField``; False when it already exists (hidden from us)."""
        try:
            self.client.restful(f"tooling/sobjects/{kind}", method="POST",
                                json={"FullName": full_name, "Metadata": metadata})
        except ConnectorError as exc:
            if "DUPLICATE_DEVELOPER_NAME" in str(exc):
                return False
            raise
        return True

    def usage(self) -> ApiUsage:
        return self.client.usage

    def close(self) -> None:
        self.client.close()


def _pac_field(obj: str, crm_field: str) -> PacField | None:
    try:
        return pac_object(obj).field(crm_field)
    except StopIteration:
        return None


def _length(obj: str, crm_field: str) -> int | None:
    spec = _pac_field(obj, crm_field)
    return spec.length if spec is not None else None


def build(name: str, mapping_path: str | Path, env: Mapping[str, str], *, prefix: str = "PAC_SF_",
          max_daily_share: float = 0.5, policy: RetryPolicy | None = None) -> SalesforceConnector:
    """A connector from a mapping file and ``{prefix}*`` environment variables (nothing is called yet).

    Raises ``AuthError`` naming the variables to set, ``SchemaError`` when the mapping would write a
    field other than the PAC fields, ``InvalidInput`` for any other mapping problem.
    """
    try:
        mapping = load_mapping(mapping_path)
    except InvalidInput as exc:
        if any(p.path.startswith("writeback") for p in exc.problems):
            raise SchemaError(str(exc)) from None
        raise
    creds = Credentials.from_env(env, prefix)
    return SalesforceConnector(name, mapping, SfClient(creds, max_daily_share=max_daily_share, policy=policy))
