"""The sandbox org's data: its schema, its records, their system fields and indexes, the changes users make.

``Org`` is the one place that stores records; every other Salesforce component (field security, SOQL, record
writes, Bulk 2.0, Tooling, describe) reads and writes through it. Records are plain dicts keyed by field API
name (unset fields are absent, read as null), plus ``_type``; ids are 18-character Salesforce ids.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sandbox_crm.salesforce.schema import (
    SField,
    SObject,
    custom_object,
    field_definition_object,
    field_from_metadata,
    history_name,
    history_object,
    history_parent,
    period_object,
    permission_schema,
    standard_schema,
)
from sandbox_crm.salesforce.soql import labelled
from sandbox_crm.salesforce.wire import SaveError, sf_id, to18

Row = dict[str, Any]


def user_fields(email: str, name: str) -> dict[str, Any]:
    """A ``User`` row's fields for ``email`` and ``name``."""
    first, _, last = name.partition(" ")
    return {"Username": email.lower(), "Email": email, "FirstName": first, "LastName": last or first,
            "Name": name, "IsActive": True, "LanguageLocaleKey": "fr"}


class Org:
    """An in-memory org: ``schema`` (sObject name -> ``SObject``), ``store`` (sObject -> id -> row), ``ids``
    (demo key -> Salesforce id), the integration user, Field History Tracking, external-id indexes."""

    def __init__(self, *, multi_currency: bool, now: Callable[[], datetime] | None, integration_user: str,
                 integration_name: str) -> None:
        self.schema: dict[str, SObject] = standard_schema(multi_currency=multi_currency) | permission_schema()
        # every org has AccountHistory (empty until a field is tracked) and answers FieldDefinition queries
        self.schema["AccountHistory"] = history_object("AccountHistory", history_parent("Account"), "Account")
        self.schema["FieldDefinition"] = field_definition_object()
        self.schema["Period"] = period_object()     # every org has its fiscal periods (a standard year here)
        # a single-currency org's currency, which SOAP getUserInfo returns as orgDefaultCurrencyIsoCode
        self.currency = "EUR"
        self.store: dict[str, dict[str, Row]] = {name: {} for name in self.schema}
        self._lines: dict[str, set[str]] = {}      # opportunity id -> its products' ids (the Amount roll-up)
        self.tracked: dict[str, set[str]] = {}                  # object -> fields with Field History Tracking
        self.ext_index: dict[tuple[str, str], dict[str, str]] = {}
        self.ids: dict[str, str] = {}
        self.accessors: dict[tuple[str, str], Callable[[Row], Any]] = {}
        self.now = now or (lambda: datetime.now(UTC))
        self.lock = threading.RLock()
        self._counter = 0
        self._prefixes = iter(f"a{i:02d}" for i in range(100))
        self._seed_clock = self.now().replace(microsecond=0) - timedelta(days=400)
        self._seeded = 0
        self._latest_seed = self._seed_clock + timedelta(days=399)
        # object -> when its metadata last changed through the org (a custom field created, deleted and created
        # again): the describe's Last-Modified (``describe.Describe``), which also notices any other change of it
        self.metadata_changed: dict[str, datetime] = {}
        self.integration_user: str | None = None
        self.integration_user = self.insert("User", user_fields(integration_user, integration_name))
        self._standard_periods()

    def _standard_periods(self) -> None:
        """A standard fiscal year's ``Period`` rows (the calendar year, its quarters and months) for the years around
        the org's clock, with ids of their own (026...): the records' ids and stamps stay what they were before the
        org had them (audit readmewalk: ``pac config check --online`` warned « Period unreadable »)."""
        year = self.now().year
        stamp = self._seed_clock
        n = 0
        for y in range(year - 3, year + 4):
            spans = [("Year", 0, 12, None)] + [("Quarter", 3 * q, 3, q + 1) for q in range(4)] \
                + [("Month", m, 1, m + 1) for m in range(12)]
            for kind, first, months, number in spans:
                n += 1
                start = date(y, first + 1, 1)
                nxt = date(y + (first + months) // 12, (first + months) % 12 + 1, 1)
                label = f"FY {y}" if kind == "Year" else f"Q{number} FY {y}" if kind == "Quarter" \
                    else f"{start:%B} FY {y}"
                record_id = sf_id("026", n)
                self.store["Period"][record_id] = {
                    "_type": "Period", "Id": record_id, "IsDeleted": False, "SystemModstamp": stamp, "Type": kind,
                    "StartDate": start, "EndDate": nxt - timedelta(days=1), "Number": number,
                    "FullyQualifiedLabel": label, "IsForecastPeriod": kind == "Month",
                    "FiscalYearSettingsId": sf_id("022", y)}

    # -- reading ---------------------------------------------------------------------------------
    def row(self, sobject: str, record_id: str) -> Row:
        return self.store[sobject][record_id]

    def rows(self, sobject: str) -> list[Row]:
        return list(self.store[sobject].values())

    def find(self, sobject: str, **equal: Any) -> list[Row]:
        return [r for r in self.store[sobject].values() if all(r.get(k) == v for k, v in equal.items())]

    def sobject(self, name: str) -> SObject | None:
        """The object named ``name``, case-insensitively (as the API resolves names)."""
        return self.schema.get(name) or next((o for o in self.schema.values() if o.name.lower() == name.lower()),
                                             None)

    @staticmethod
    def field(obj: SObject, name: str) -> SField:
        f = obj.lookup(name)
        if f is None:
            raise SaveError("INVALID_FIELD", f"No such column '{name}' on sobject of type {obj.name}", [name])
        return f

    def find_by_id(self, record_id: str | None) -> tuple[str, Row | None]:
        """(sObject name, row) of any record by its 15- or 18-character id, or ("", None)."""
        if not record_id:
            return "", None
        record_id = to18(record_id)
        for obj in self.schema.values():
            if obj.prefix == record_id[:3] and record_id in self.store[obj.name]:
                return obj.name, self.store[obj.name][record_id]
        return "", None

    def resolve(self, row: Row, path: str) -> Any:
        """The value of ``path`` ("Name", "Owner.Email", "What.Name") on a stored row."""
        return self.accessor(row["_type"], path)(row)

    def accessor(self, sobject: str, path: str) -> Callable[[Row], Any]:
        """A function reading ``path`` from a stored row of ``sobject`` (cached, cleared when the schema changes);
        an unknown field or relationship raises ``SaveError`` INVALID_FIELD."""
        cached = self.accessors.get((sobject, path))
        if cached is None:
            cached = self.accessors[(sobject, path)] = self._build_accessor(sobject, path)
        return cached

    def field_at(self, sobject: str, path: str) -> SField:
        """The field ``path`` ends on ("Industry", "Owner.Email": User's Email; a polymorphic relationship's first
        type); ``SaveError`` INVALID_FIELD as ``accessor`` raises it."""
        self.accessor(sobject, path)
        head, _, tail = path.partition(".")
        obj = self.schema[sobject]
        if not tail:
            return self.field(obj, head)
        ref = next(f for f in obj.fields.values() if f.relationship and f.relationship.lower() == head.lower())
        return self.field_at(next(t for t in ref.reference_to if t in self.schema), tail)

    def _label_accessor(self, sobject: str, path: str) -> Callable[[Row], Any]:
        """``toLabel(path)``: the picklist entry's label of the value (``SField.label_of``), as "Regular,
        multiselect, division, or currency code picklist fields" and record type names are translated (SOQL and
        SOSL Reference, toLabel()); any other field is refused."""
        value = self.accessor(sobject, path)
        f = self.field_at(sobject, path)
        owner = path.rsplit(".", 1)[0] if "." in path else sobject
        if f.type not in ("picklist", "multipicklist") and not (f.name == "Name" and owner.lower() == "recordtype"):
            raise SaveError("INVALID_FIELD", f"toLabel() is not supported on field {path} of type {f.type}: the "
                            "sandbox translates picklist and multi-select picklist fields and record type names")
        return lambda row: f.label_of(value(row))

    def _build_accessor(self, sobject: str, path: str) -> Callable[[Row], Any]:
        wrapped = labelled(path)
        if wrapped is not None:
            return self._label_accessor(sobject, wrapped)
        obj = self.schema[sobject]
        head, _, tail = path.partition(".")
        if not tail:
            f = obj.lookup(head)
            if f is None:
                raise SaveError("INVALID_FIELD", f"No such column '{head}' on entity '{sobject}'. If you are "
                                "attempting to use a custom field, be sure to append the '__c' after the custom "
                                "field name.")
            name = f.name
            return lambda row: row.get(name)
        ref = next((f for f in obj.fields.values() if f.relationship and f.relationship.lower() == head.lower()),
                   None)
        if ref is None:
            raise SaveError("INVALID_FIELD", f"Didn't understand relationship '{head}' in field path. If you are "
                            "attempting to use a custom relationship, be sure to append the '__r'.")
        inner = {t: self.accessor(t, tail) for t in ref.reference_to if t in self.schema}
        if not inner:
            raise SaveError("INVALID_FIELD", f"No such relation '{head}' on entity '{sobject}'")
        fk, store = ref.name, self.store

        def read(row: Row) -> Any:
            target_id = row.get(fk)
            if not target_id:
                return None
            for t, get in inner.items():
                target = store[t].get(target_id)
                if target is not None:
                    return get(target)
            return None

        return read

    # -- writing -----------------------------------------------------------------------------------
    def next_stamp(self) -> datetime:
        now = self.now()
        return now.replace(microsecond=now.microsecond // 1000 * 1000)

    def _seed_stamp(self) -> datetime:
        self._seeded += 1
        # spread over months, as a real org's history is: an overlap window holds a few records, not thousands
        return min(self._seed_clock + timedelta(seconds=self._seeded * 10), self._latest_seed)

    def insert(self, sobject: str, values: dict[str, Any], stamp: datetime | None = None,
               by: str | None = None) -> str:
        """Store a new row (no validation: callers validate), its system fields set; returns its id. Without a
        ``stamp``, a seeding stamp spread over the past year."""
        self._counter += 1
        obj = self.schema[sobject]
        record_id = sf_id(obj.prefix, self._counter)
        seeding = stamp is None
        stamp = stamp or self._seed_stamp()
        user = by or self.integration_user or record_id
        # unset fields are simply absent (read as null): a million rows stay affordable
        row: Row = {f.name: False for f in obj.fields.values() if f.type == "boolean"}
        row.update((k, v) for k, v in values.items() if v is not None)
        if sobject == "User":
            row.setdefault("UserType", "Standard")      # a user with a Salesforce licence unless told otherwise
        row.update({"_type": sobject, "Id": record_id, "IsDeleted": values.get("IsDeleted", False),
                    "CreatedDate": stamp, "CreatedById": user, "LastModifiedDate": stamp,
                    "LastModifiedById": user, "SystemModstamp": stamp})
        if "OwnerId" in obj.fields and row.get("OwnerId") is None:
            row["OwnerId"] = user
        self.derive(sobject, row)
        self.store[sobject][record_id] = row
        self.index(sobject, row)
        if sobject == "OpportunityLineItem":
            self._lines.setdefault(str(row.get("OpportunityId")), set()).add(record_id)
            # a seeded line (no stamp given) leaves its opportunity's seeded stamp as it is
            self._roll_up(row, user, restamp=not seeding)
        return record_id

    def index(self, sobject: str, row: Row) -> None:
        for f in self.schema[sobject].fields.values():
            if f.external_id and row.get(f.name) is not None:
                self.ext_index.setdefault((sobject, f.name), {})[str(row[f.name]).lower()] = row["Id"]

    def stamp(self, row: Row, by: str) -> None:
        stamp = self.next_stamp()
        row.update(LastModifiedDate=stamp, SystemModstamp=stamp, LastModifiedById=by)

    def derive(self, sobject: str, row: Row) -> None:
        """Read-only fields Salesforce derives: IsWon/IsClosed, Task.IsClosed, Event/Task.AccountId, an opportunity
        product's Subtotal and TotalPrice (and its UnitPrice when only the TotalPrice was given)."""
        if sobject == "Opportunity":
            row["IsWon"] = row.get("StageName") == "Closed Won"
            row["IsClosed"] = row.get("StageName") in ("Closed Won", "Closed Lost")
        elif sobject == "Task":
            row["IsClosed"] = row.get("Status") in ("Completed", "Deferred")
        elif sobject == "OpportunityLineItem":
            _price(row)
        if sobject in ("Event", "Task"):
            row["AccountId"] = self._account_of(row.get("WhatId"))

    def _account_of(self, what: str | None) -> str | None:
        """An activity's AccountId (Object Reference, Event/Task ``AccountId``: "If the value of WhatId is any of the
        following objects, then Salesforce uses that object's AccountId: Account, Opportunity, ..."; otherwise null
        here: the sandbox has no Contact, whose AccountId a WhoId would give)."""
        if not what:
            return None
        if what.startswith("001"):
            return what
        opportunity = self.store.get("Opportunity", {}).get(what) if what.startswith("006") else None
        return opportunity.get("AccountId") if opportunity is not None else None

    def _roll_up(self, line: Row, by: str, *, restamp: bool = True) -> None:
        """An opportunity with products: "the amount is the sum of the related products" (Opportunity Fields), so a
        product added, changed or deleted changes the opportunity (its Amount, and its stamp: the next incremental
        read sees it). An opportunity with no live product keeps its Amount."""
        opportunity = self.store["Opportunity"].get(str(line.get("OpportunityId")))
        if opportunity is None:
            return
        lines = [self.store["OpportunityLineItem"][i] for i in self._lines.get(opportunity["Id"], ())]
        live = [r for r in lines if not r.get("IsDeleted")]
        if live:
            opportunity["Amount"] = round(sum(float(r.get("TotalPrice") or 0) for r in live), 2)
        if restamp:
            self.stamp(opportunity, by)

    def track(self, sobject: str, row: Row, values: dict[str, Any], by: str) -> None:
        """History rows for the tracked fields ``values`` changes on ``row``. A lookup is named by its relationship
        (``Owner``) in two rows: "One row contains the foreign key object names that display in the online
        application ... The other row contains the actual foreign key ID that is only returned to and visible from
        the API" (Object Reference, *EntityHistory*)."""
        parent = history_parent(sobject)
        for name in sorted(self.tracked.get(sobject, ())):
            if name not in values or row.get(name) == values[name]:
                continue
            f = self.schema[sobject].lookup(name)
            old, new = row.get(name), values[name]
            if f is not None and f.type == "reference" and f.relationship:
                names = [None if v is None else self._name_of(v) for v in (old, new)]
                rows = [(f.relationship, "EntityId", old, new), (f.relationship, "Text", *names)]
            else:
                rows = [(name, "Text", old, new)]
            for field, data_type, before, after in rows:
                self.insert(history_name(sobject), {parent: row["Id"], "Field": field, "DataType": data_type,
                                                    "OldValue": before, "NewValue": after},
                            stamp=self.next_stamp(), by=by)

    def _name_of(self, record_id: str) -> str | None:
        """The ``Name`` of the record ``record_id`` (a user, a queue...), wherever it is stored."""
        for rows in self.store.values():
            if record_id in rows:
                return rows[record_id].get("Name")
        return None

    def field_definitions(self) -> list[Row]:
        """FieldDefinition's rows: every field of every object, ``IsFieldHistoryTracked`` as ``tracked`` says now."""
        return [{"_type": "FieldDefinition", "Id": f"{obj.name}.{f.name}", "IsDeleted": False,
                 "DurableId": f"{obj.name}.{f.name}", "QualifiedApiName": f.name, "EntityDefinitionId": obj.name,
                 "IsFieldHistoryTracked": f.name in self.tracked.get(obj.name, ())}
                for obj in self.schema.values() for f in obj.fields.values()]

    def update(self, sobject: str, row: Row, values: dict[str, Any], by: str) -> None:
        """Apply validated ``values`` (field API names) to ``row`` as ``by``: history, derived fields, indexes,
        system fields."""
        self.track(sobject, row, values, by)
        row.update(_priced(sobject, values))
        self.derive(sobject, row)
        self.index(sobject, row)
        self.stamp(row, by)
        if sobject == "OpportunityLineItem":
            self._roll_up(row, by)

    def edit(self, sobject: str, record_id: str, by: str | None = None, **values: Any) -> None:
        """A change made in the CRM (by a user, or by automation): bumps SystemModstamp."""
        with self.lock:
            row = self.store[sobject][record_id]
            who = by or self.someone_else()
            self.track(sobject, row, values, who)
            row.update(_priced(sobject, values))
            self.derive(sobject, row)
            self.stamp(row, who)
            if sobject == "OpportunityLineItem":
                self._roll_up(row, who)

    def someone_else(self) -> str:
        """A CRM user other than the integration user: who makes the changes tests simulate by default."""
        for user_id in self.store.get("User", {}):
            if user_id != self.integration_user:
                return user_id
        return str(self.integration_user)

    def delete(self, sobject: str, record_id: str) -> None:
        """Move a record to the recycle bin: hidden from query, returned by queryAll with IsDeleted; its children
        with it ("a delete call cascade-deletes child records", SOAP API ``undelete()``): an account's opportunities
        and activities, an opportunity's products and activities, each noted as deleted with its parent."""
        with self.lock:
            self.edit(sobject, record_id, IsDeleted=True)
            for child, lookup in CASCADE.get(sobject, ()):
                for row in list(self.store.get(child, {}).values()):
                    if row.get(lookup) == record_id and not row.get("IsDeleted"):
                        row["_deleted_with"] = record_id
                        self.delete(child, row["Id"])

    def undelete(self, sobject: str, record_id: str) -> None:
        """Restore a record from the recycle bin, with the children deleted with it ("an undelete call undeletes
        the cascade-deleted records", SOAP API ``undelete()``); a child deleted on its own before stays deleted."""
        with self.lock:
            self.edit(sobject, record_id, IsDeleted=False)
            self.store[sobject][record_id].pop("_deleted_with", None)
            for child, _lookup in CASCADE.get(sobject, ()):
                for row in list(self.store.get(child, {}).values()):
                    if row.get("_deleted_with") == record_id:
                        self.undelete(child, row["Id"])

    def merge(self, sobject: str, master_id: str, loser_id: str, by: str | None = None) -> None:
        """Merge ``loser_id`` into ``master_id`` as Salesforce documents it (Apex Developer Guide, "Triggers and
        Merge Statements": "The system deletes the necessary records due to the merge, assigns new parent records
        to the child records, and sets the MasterRecordId field on the deleted records"; SOAP API merge(): the
        main record becomes "the new parent of the related records"): every record whose lookup to ``sobject``
        names the loser now names the master (derived fields such as an activity's AccountId follow), the loser
        goes to the recycle bin with ``MasterRecordId``, and the master is updated (its stamp moves). The
        reparented children keep their ``SystemModstamp``: "Any child records that are reparented as a result of
        the merge operation do not fire triggers" and Salesforce documents no stamp change for them."""
        with self.lock:
            who = by or self.someone_else()
            for name, obj in self.schema.items():
                lookups = [f.name for f in obj.fields.values() if f.type == "reference" and sobject in f.reference_to
                           and f.name != "MasterRecordId"]
                for row in self.store[name].values() if lookups else ():
                    moved = [fk for fk in lookups if row.get(fk) == loser_id]
                    for fk in moved:
                        row[fk] = master_id
                    if moved:
                        self.derive(name, row)
            self.edit(sobject, loser_id, who, IsDeleted=True, MasterRecordId=master_id)
            self.stamp(self.store[sobject][master_id], who)

    def create(self, sobject: str, **values: Any) -> str:
        with self.lock:
            return self.insert(sobject, values, stamp=self.next_stamp())

    def set_currency_rates(self, corporate: str, rates: Mapping[str, float],
                           dated: Mapping[str, Sequence[tuple[date, float]]] | None = None,
                           places: Mapping[str, int] | None = None) -> None:
        """The exchange rates of a multi-currency org, replacing any before: ``CurrencyType`` rows for ``corporate``
        (rate 1, ``IsCorporate``) and each of ``rates`` (ISO code -> units per corporate unit; ``places``: decimal
        places, default 2); with ``dated`` (advanced currency management: ISO code -> (StartDate, rate) rows),
        ``DatedConversionRate`` rows whose ``NextStartDate`` Salesforce sets: the next row's StartDate, or null."""
        if "CurrencyType" not in self.schema:
            raise ValueError("a single-currency org has no CurrencyType")
        with self.lock:
            for name in ("CurrencyType", "DatedConversionRate"):
                self.store[name].clear()
            for iso, rate in {corporate: 1.0, **rates}.items():
                self.insert("CurrencyType", {"IsoCode": iso, "ConversionRate": rate, "IsActive": True,
                                             "IsCorporate": iso == corporate,
                                             "DecimalPlaces": (places or {}).get(iso, 2)}, stamp=self.next_stamp())
            for iso, rows in (dated or {}).items():
                ordered = sorted(rows)
                for i, (start, rate) in enumerate(ordered):
                    following = ordered[i + 1][0] if i + 1 < len(ordered) else None
                    self.insert("DatedConversionRate", {"IsoCode": iso, "ConversionRate": rate, "StartDate": start,
                                                        "NextStartDate": following}, stamp=self.next_stamp())

    def add_dated_rate(self, iso: str, start: date, rate: float) -> str:
        """A dated exchange rate entered in Manage Currencies (a feed's daily rate): a new ``DatedConversionRate`` row
        from ``start``, ending the range of the row in force until then, whose read-only ``NextStartDate`` ("the date
        on which the next effective dated exchange rate will start", Object Reference) becomes ``start``. The Object
        Reference does not say that this moves that row's ``SystemModstamp``: here it does not (the harder case)."""
        with self.lock:
            rows = sorted((r for r in self.store["DatedConversionRate"].values() if r.get("IsoCode") == iso),
                          key=lambda r: str(r["StartDate"]))
            before = [r for r in rows if str(r["StartDate"]) < str(start)]
            after = [r for r in rows if str(r["StartDate"]) > str(start)]
            if before:
                before[-1]["NextStartDate"] = start
            return self.insert("DatedConversionRate", {"IsoCode": iso, "ConversionRate": rate, "StartDate": start,
                                                       "NextStartDate": after[0]["StartDate"] if after else None},
                               stamp=self.next_stamp())

    def delete_dated_rate(self, record_id: str) -> None:
        """A dated exchange rate deleted (``DatedConversionRate`` supports delete()): the row is gone from query
        (the object has no ``IsDeleted`` and no queryAll), and the row before it now runs to the deleted row's
        ``NextStartDate``, again with no ``SystemModstamp`` change."""
        with self.lock:
            gone = self.store["DatedConversionRate"].pop(record_id)
            rows = sorted((r for r in self.store["DatedConversionRate"].values()
                           if r.get("IsoCode") == gone.get("IsoCode")), key=lambda r: str(r["StartDate"]))
            before = [r for r in rows if str(r["StartDate"]) < str(gone["StartDate"])]
            if before:
                before[-1]["NextStartDate"] = gone.get("NextStartDate")

    def add_currency(self, iso: str, rate: float, places: int = 2) -> str:
        """A currency added and activated in Manage Currencies: a ``CurrencyType`` row."""
        with self.lock:
            return self.insert("CurrencyType", {"IsoCode": iso, "ConversionRate": rate, "IsActive": True,
                                                "IsCorporate": False, "DecimalPlaces": places},
                               stamp=self.next_stamp())

    def add_record_type(self, sobject: str, developer_name: str, label: str | None = None, *,
                        active: bool = True) -> str:
        """A record type of ``sobject`` created in Setup (``DeveloperName`` its API name, ``Name`` its label): a
        ``RecordType`` row; the object's records carry the lookup ``RecordTypeId`` (relationship ``RecordType``)
        from its first record type on (an object without record types has no such field: "No such column")."""
        with self.lock:
            obj = self.schema[sobject]
            if obj.lookup("RecordTypeId") is None:
                obj.add(SField("RecordTypeId", "reference", label="Record Type ID", length=18,
                               reference_to=("RecordType",), relationship="RecordType"))
                self.accessors.clear()
            return self.insert("RecordType", {"SobjectType": sobject, "DeveloperName": developer_name,
                                              "Name": label or developer_name, "IsActive": active},
                               stamp=self.next_stamp())

    def relabel(self, sobject: str, field_name: str, value: str, label: str) -> None:
        """A picklist value relabelled in Setup: its label changes, its value (API name), what records hold,
        does not ("Closed Won" shown as « Gagnée »)."""
        with self.lock:
            f = self.field(self.schema[sobject], field_name)
            if value not in f.picklist:
                raise ValueError(f"{sobject}.{field_name} has no value {value!r}")
            f.labels[value] = label

    def add_picklist_value(self, sobject: str, field_name: str, value: str, label: str | None = None) -> None:
        """A picklist value added in Setup: its API name ``value`` (what records hold) and its ``label`` (what users
        see, the value itself when None): a French org's Product2 family ``MACH`` labelled « Machines »."""
        with self.lock:
            f = self.field(self.schema[sobject], field_name)
            if value not in f.picklist:
                f.picklist = (*f.picklist, value)
            if label is not None and label != value:
                f.labels[value] = label

    def remove_picklist_value(self, sobject: str, field_name: str, value: str, *, deactivate: bool = False) -> None:
        """A picklist value deleted in Setup (gone from describe's ``picklistValues``), or with ``deactivate``
        deactivated (listed with ``active`` false): a restricted picklist then refuses it
        (``INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST``), as in an org provisioned before the value existed."""
        with self.lock:
            f = self.field(self.schema[sobject], field_name)
            if value not in f.picklist:
                raise ValueError(f"{sobject}.{field_name} has no value {value!r}")
            if deactivate:
                f.inactive.add(value)
            else:
                f.picklist = tuple(v for v in f.picklist if v != value)
                f.labels.pop(value, None)

    def enable_history(self, sobject: str, *fields: str) -> None:
        """Field History Tracking switched on in Setup for ``fields`` of ``sobject`` (at most 20 per object): each
        later change of one of them, by the API or in the UI, adds a row to ``<Object>__History`` (``ParentId``,
        ``Field``, ``OldValue``, ``NewValue``, ``CreatedById``, ``CreatedDate``)."""
        with self.lock:
            tracked = self.tracked.setdefault(sobject, set())
            tracked.update(fields)
            if len(tracked) > 20:
                raise ValueError("at most 20 fields per object can be tracked")
            name = history_name(sobject)
            if name not in self.schema:
                self.schema[name] = history_object(name, history_parent(sobject), sobject)
                self.store[name] = {}

    # -- schema changes (Tooling API and pre-provisioning) -------------------------------------
    def create_custom_object(self, name: str, meta: dict[str, Any]) -> str:
        if name in self.schema:
            raise SaveError("DUPLICATE_DEVELOPER_NAME", f"There is already a CustomObject named {name}")
        multi = self.schema["Opportunity"].lookup("CurrencyIsoCode") is not None
        self.schema[name] = custom_object(name, next(self._prefixes), meta, multi_currency=multi)
        self.store[name] = {}
        self.metadata_changed[name] = self.now()
        if meta.get("enableHistory"):     # "Track Field History": <Object>__History exists, its fields tracked later
            self.enable_history(name)
        return sf_id("01I", len(self.schema))

    def delete_custom_field(self, full_name: str) -> None:
        """Delete a custom field as Setup does, values and field permissions with it (what an admin does to change a
        field's type): the object's metadata changed, no record's ``SystemModstamp`` moves."""
        sobject, _, name = full_name.partition(".")
        if self.schema[sobject].fields.pop(name, None) is None:
            raise SaveError("INVALID_FIELD", f"no field {name} on {sobject}", ["FullName"])
        for row in self.store[sobject].values():
            row.pop(name, None)
        for pid, row in list(self.store.get("FieldPermissions", {}).items()):
            if row.get("Field") == full_name:
                self.store["FieldPermissions"].pop(pid)
        self.accessors.clear()
        self.metadata_changed[sobject] = self.now()

    def create_custom_field(self, full_name: str, meta: dict[str, Any]) -> str:
        sobject, _, name = full_name.partition(".")
        if sobject not in self.schema:
            raise SaveError("INVALID_CROSS_REFERENCE_KEY", f"no such object {sobject}", ["FullName"])
        if not name.endswith("__c"):
            raise SaveError("INVALID_FIELD", f"custom field names end in __c: {name}", ["FullName"])
        if self.schema[sobject].lookup(name) is not None:
            raise SaveError("DUPLICATE_DEVELOPER_NAME", f"There is already a field named {name} on {sobject}")
        try:
            self.schema[sobject].add(field_from_metadata(name, meta))
        except ValueError as exc:
            raise SaveError("FIELD_INTEGRITY_EXCEPTION", str(exc), ["Metadata"]) from None
        if meta.get("trackHistory") and history_name(sobject) in self.schema:   # the object tracks field history
            self.enable_history(sobject, name)
        if meta.get("type") == "Checkbox":
            for row in self.store[sobject].values():
                row.setdefault(name, False)
        if meta.get("type") == "Lookup":
            parent = self.schema.get(str(meta["referenceTo"]))
            if parent is None:
                self.schema[sobject].fields.pop(name)
                raise SaveError("FIELD_INTEGRITY_EXCEPTION", f"referenceTo: no such object {meta['referenceTo']}",
                                ["Metadata"])
            parent.children[f"{meta['relationshipName']}__r"] = (sobject, name)
        self.accessors.clear()
        self.metadata_changed[sobject] = self.now()
        return sf_id("00N", sum(len(o.fields) for o in self.schema.values()))


# the children a delete takes with it (and an undelete restores): (child object, its lookup to the parent)
CASCADE: dict[str, tuple[tuple[str, str], ...]] = {
    "Account": (("Opportunity", "AccountId"), ("Event", "AccountId"), ("Task", "AccountId")),
    "Opportunity": (("OpportunityLineItem", "OpportunityId"), ("Event", "WhatId"), ("Task", "WhatId")),
}


def _priced(sobject: str, values: dict[str, Any]) -> dict[str, Any]:
    """A product's change of ``TotalPrice`` alone sets its ``UnitPrice`` from it (``_price``); any other change keeps
    the unit price and derives the total."""
    if sobject == "OpportunityLineItem" and "TotalPrice" in values and "UnitPrice" not in values:
        return {**values, "UnitPrice": None}
    return values


def _price(row: Row) -> None:
    """An opportunity product's prices (OpportunityLineItem: ``Subtotal`` is Quantity x UnitPrice; ``TotalPrice``
    that, less the ``Discount`` percent; an insert names the UnitPrice or the TotalPrice, the other derived)."""
    quantity, discount = row.get("Quantity"), float(row.get("Discount") or 0)
    if quantity in (None, 0):
        return
    if row.get("UnitPrice") is None and row.get("TotalPrice") is not None and discount < 100:
        row["UnitPrice"] = round(float(row["TotalPrice"]) / float(quantity) / (1 - discount / 100), 2)
    if row.get("UnitPrice") is None:
        return
    row["Subtotal"] = round(float(row["UnitPrice"]) * float(quantity), 2)
    row["TotalPrice"] = round(row["Subtotal"] * (1 - discount / 100), 2)
