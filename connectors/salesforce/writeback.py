"""Writing PAC progress to a Salesforce org: sObject Collections upserts by ``PAC_Key__c`` (200 records per call,
``allOrNone`` false, axes before actions so an action's axis lookup resolves) and account PAC fields
(``PAC_Axes__c``, ``PAC_Target__c``) updated by id through ``PATCH /composite/sobjects``; any other Account field
is refused. Values are coerced to the fields' JSON forms (dates, amounts, picklists, lookups by external id). An
owner e-mail with no active user or with no active Standard user (a Chatter Free or portal user never owns PAC records;
several: the oldest, ``owners.Owners``) is left out (a warning) and named in the result's ``unsent``: not recorded as
written, it is sent again on the next run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from more_itertools import chunked

from connectors.base import (
    AuthError,
    AxesRefused,
    ConnectorError,
    QuotaExhausted,
    RateLimited,
    SchemaError,
    Target,
    TransientError,
    WriteChange,
    WriteResult,
    deleted_since_read,
    nothing_sent,
    nothing_to_send,
)
from connectors.fit import cut, printable, units
from connectors.salesforce.client import SfClient
from connectors.salesforce.currency import NO_RATES, OrgRates
from connectors.salesforce.mapping import PAC_FIELD, SalesforceMapping
from connectors.salesforce.owners import Owners
from connectors.salesforce.schema import field_length, pac_field, refused_value_fix
from pac_core.text import cut_list

log = logging.getLogger(__name__)
BATCH = 200                 # sObject Collections maximum
# ENTITY_IS_DELETED: an account deleted (or merged away) after the run's read; the next run reads the deletion (the
# account read always reads deleted rows, ``_account_where``) and writes to it no more: nothing for an admin to fix
RETRYABLE_SAVE = {"UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "REQUEST_LIMIT_EXCEEDED", "ENTITY_IS_DELETED"}
# What the org's admin does about a record error that comes back every night (the record is sent again each night
# until then): one hint per documented status code; ENTITY_IS_DELETED's says why none is needed
SAVE_HINTS = {
    "FIELD_CUSTOM_VALIDATION_EXCEPTION": "a validation rule of the org refused it: exempt the integration user or the "
                                         "PAC objects from that rule",
    "DUPLICATES_DETECTED": "a duplicate rule of the org blocked it: exempt the integration user or the PAC objects "
                           "from that duplicate rule",
    "INVALID_FIELD_FOR_INSERT_UPDATE": "field-level security: assign the integration user the permission set "
                                       "`pac crm check` names (PAC_Integration)",
    "STRING_TOO_LONG": "the org's field is shorter than pac's schema: run `pac crm check`",
    "NUMBER_OUTSIDE_VALID_RANGE": "the org's field holds fewer digits than pac's schema: run `pac crm check`",
    "ENTITY_IS_DELETED": deleted_since_read("Salesforce"),
}
# a duplicate rule whose action is Allow (with an alert) lets pac save as it lets a person: the API's default,
# allowSave false, refuses the record instead ("Applicable if an alert is enabled for the action", REST API, Duplicate
# Rule Header); a rule that blocks still blocks (DUPLICATES_DETECTED, with its hint)
DUPLICATE_RULE_HEADER = {"Sforce-Duplicate-Rule-Header": "allowSave=true"}
ACCOUNT_LOGICAL = frozenset({"axes", "target"})   # the only logical fields an account update may carry
_WRITE_ORDER = {Target.AXIS: 0, Target.ACTION: 1, Target.ACCOUNT: 2}


class Writer:
    """The write-back of one org; ``owners`` (e-mail -> the owning user) is shared with the pull, which fills it."""

    def __init__(self, client: SfClient, mapping: SalesforceMapping, owners: Owners,
                 warn: Callable[[str], None], rates: Callable[[], OrgRates] = lambda: NO_RATES) -> None:
        self.client, self.mapping, self.owners, self.warn = client, mapping, owners, warn
        self.rates = rates      # the org's currencies (``SalesforceConnector.org_rates``: read once per run)
        self._currency_warned: set[str] = set()
        # new axes (no record yet) the org refused in the run: their actions wait (``connectors.base.AxesRefused``)
        self.axes_refused = AxesRefused("Salesforce")

    def write(self, changes: Sequence[WriteChange]) -> list[WriteResult]:
        """Upsert PAC records by ``PAC_Key__c`` and update account PAC fields by id, 200 per call."""
        results: list[WriteResult | None] = [None] * len(changes)
        unsent: dict[int, frozenset[str]] = {}
        self._resolve_owners(changes)
        groups: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        # axes first: an action names its axis by the axis's PAC key (a lookup resolved by Salesforce)
        order = sorted(range(len(changes)), key=lambda i: _WRITE_ORDER.get(changes[i].target, 9))
        for i in order:
            change = changes[i]
            try:
                path, record = self.record(change)
            except ValueError as exc:
                results[i] = WriteResult(change.key, False, change.crm_id, str(exc), retryable=False)
                continue
            if change.target is Target.ACCOUNT and set(record) <= {"attributes", "id"}:
                results[i] = WriteResult(change.key, True, change.crm_id)   # no field this org keeps: no call
                continue
            if left_out := self._unsent(change, record):
                if nothing_to_send(change, left_out):      # only an owner that still has no active user: no call
                    results[i] = nothing_sent(change)
                    continue
                unsent[i] = left_out
            groups.setdefault(path, []).append((i, record))
        stop: ConnectorError | None = None
        try:
            for path, items in groups.items():     # the axes' group first: its refusals hold their actions back
                self._note_axes(changes, results)
                items = self._without_refused_axes(items, changes, results)
                for chunk in chunked(items, BATCH):
                    self._write_chunk(path, chunk, changes, results)
        except ConnectorError as exc:   # a stop (the org's daily limit, a session refused): what went before goes up
            stop = exc
        self._note_axes(changes, results)
        for i, left_out in unsent.items():
            result = results[i]
            if result is not None:
                results[i] = result.with_unsent(left_out)
        if stop is not None:
            stop.partial = list(results)
            raise stop
        return [r if r is not None else _no_result(c) for r, c in zip(results, changes, strict=True)]

    def _unsent(self, change: WriteChange, record: Mapping[str, Any]) -> frozenset[str]:
        """The logical fields of ``change`` its record leaves out: an owner e-mail with no active user or with no active
        Standard user (warned by ``_values``), kept unrecorded so the owner is sent again on the next
        run."""
        if change.target is Target.ACCOUNT or "OwnerId" in record:
            return frozenset()
        w = self.mapping.writeback
        mapped = (w.axis if change.target is Target.AXIS else w.action).fields
        return frozenset(f for f, v in change.fields.items() if mapped.get(f) == "OwnerId" and v not in (None, ""))

    def _note_axes(self, changes: Sequence[WriteChange], results: Sequence[WriteResult | None]) -> None:
        """The axes of this write answered so far (refused before any call too) into ``axes_refused``."""
        for change, result in zip(changes, results, strict=True):
            if change.target is Target.AXIS:
                self.axes_refused.note(change.key, result, has_record=change.crm_id is not None)

    def _without_refused_axes(self, items: list[tuple[int, dict[str, Any]]], changes: Sequence[WriteChange],
                              results: list[WriteResult | None]) -> list[tuple[int, dict[str, Any]]]:
        """The records to send: an action whose axis is a new one the org refused in the run is not (Salesforce
        could not resolve its lookup), ``AxesRefused.waiting``."""
        kept = []
        for i, record in items:
            change = changes[i]
            waiting = self.axes_refused.waiting(change, change.fields.get("axis_key")) \
                if change.target is Target.ACTION else None
            if waiting is not None:
                results[i] = waiting
            else:
                kept.append((i, record))
        return kept

    def _write_chunk(self, path: str, chunk: list[tuple[int, dict[str, Any]]], changes: Sequence[WriteChange],
                     results: list[WriteResult | None]) -> None:
        try:
            saved = self.client.restful(path, method="PATCH", headers=DUPLICATE_RULE_HEADER,
                                        json={"allOrNone": False, "records": [rec for _, rec in chunk]})
        except (TransientError, RateLimited) as exc:
            for i, _ in chunk:
                results[i] = WriteResult(changes[i].key, False, changes[i].crm_id, str(exc), retryable=True)
            return
        except (AuthError, QuotaExhausted):
            raise
        except SchemaError as exc:
            raise SchemaError(f"{exc} (run: pac crm check / pac crm provision salesforce)") from None
        # An account's SystemModstamp after this write is before the answer's Date (whole seconds) + 1 s: kept as
        # pac's own change, so the next incremental pull does not read it again (see ``_account_where``).
        answered = self.client.server_time
        stamp = answered + timedelta(seconds=1) if answered is not None and path == "composite/sobjects" else None
        # (fewer results than records, though Salesforce documents one each, in order: those left without one are
        # retryable failures, ``write``'s ``_no_result``)
        for (i, rec), res in zip(chunk, saved or [], strict=False):
            if res.get("success"):      # an upsert's result says whether it created the record (UpsertResult:
                # "created: Indicates whether the record was created (true) or updated (false)")
                results[i] = WriteResult(changes[i].key, True, res.get("id") or changes[i].crm_id,
                                         modified_at=stamp if changes[i].target is Target.ACCOUNT else None,
                                         created=res.get("created") is True)
            else:
                errors = res.get("errors") or [{}]
                codes = {e.get("statusCode") for e in errors}
                text = "; ".join(f"{e.get('statusCode')}: {e.get('message')}" for e in errors)
                obj = str(rec.get("attributes", {}).get("type", ""))
                fixes = [refused_value_fix(obj, list(e.get("fields") or []), str(e.get("message") or ""))
                         for e in errors if e.get("statusCode") == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"]
                fixes += [SAVE_HINTS[code] for code in sorted(c for c in codes if c in SAVE_HINTS)]
                text += "".join(f" ({fix})" for fix in dict.fromkeys(fixes) if fix)
                results[i] = WriteResult(changes[i].key, False, changes[i].crm_id, text,
                                         retryable=bool(codes & RETRYABLE_SAVE))

    def record(self, change: WriteChange) -> tuple[str, dict[str, Any]]:
        w = self.mapping.writeback
        if change.target is Target.ACCOUNT:
            if not change.crm_id:
                raise ValueError("an account change needs its crm_id")
            unknown = sorted(set(change.fields) - ACCOUNT_LOGICAL)
            if unknown:
                raise ValueError(f"field(s) {unknown} are not PAC fields of accounts: refused")
            fields = dict(change.fields)
            crm_axes = w.account.fields.get("axes")
            limit = field_length("Account", crm_axes) if crm_axes else None
            if limit and isinstance(fields.get("axes"), str):    # whole tokens dropped, never one cut in the middle
                fields["axes"] = cut_list(printable(fields["axes"]), limit)
            values = self._values("Account", w.account.fields, fields)
            foreign = sorted(f for f in values if not PAC_FIELD.match(f))
            if foreign:     # the mapping check refuses these too; never reach the CRM whatever built the mapping
                raise ValueError(f"Account.{', Account.'.join(foreign)} is not a PAC field: refused")
            record: dict[str, Any] = {"attributes": {"type": "Account"}, "id": change.crm_id, **values}
            return "composite/sobjects", record
        tmap = w.axis if change.target is Target.AXIS else w.action
        key_limit = field_length(tmap.object, tmap.key_field)
        if key_limit and units(change.key) > key_limit:
            # Salesforce refuses it record by record every night (STRING_TOO_LONG): the plan's id is too long, most
            # often the slug of a long plan name (audit wbvalues F5)
            plan_id, _, item = change.key.partition(":")
            raise ValueError(f"its key is {units(change.key)} characters long, more than {tmap.object}."
                             f"{tmap.key_field} holds ({key_limit}), which Salesforce refuses: give the plan a shorter "
                             f"id, at most {key_limit - 1 - units(item)} characters (`id:` under `plan:` in the plan "
                             f"file; without it the id is the slug of the plan's name, here {len(plan_id)} characters)")
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
        ``deals.currency_field``), refused (``ValueError``, no call: its actions wait for it) when the org's
        ``CurrencyType`` lacks that currency or has it inactive, which Salesforce would refuse every night; in a
        single-currency org amounts are in the org's currency: nothing to write, a warning when the plan's currency
        differs."""
        if self.mapping.deals.currency_field:
            refused = self.rates().unwritable(currency)
            if refused is not None:     # Salesforce would refuse it each night, and its actions with it
                raise ValueError(refused)
            return {"CurrencyIsoCode": currency}
        if currency != self.mapping.org_currency and currency not in self._currency_warned:
            self._currency_warned.add(currency)
            self.warn(f"salesforce.write the plan's amounts are in {currency} but the org's currency is "
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
                owner, why = self.owners.owner(str(value or ""))
                if owner is None:
                    if why:
                        self.warn(why)
                    continue
                out["OwnerId"] = owner
                continue
            spec = pac_field(obj, crm_field)
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
            value = printable(value)
            limit = 80 if crm_field == "Name" else field_length(obj, crm_field)
            if limit:       # counted in UTF-16 units, as Salesforce counts them; cut between whole characters
                value = cut(value, limit)
        return value

    def _resolve_owners(self, changes: Sequence[WriteChange]) -> None:
        self.owners.resolve(str(c.fields["owner_email"]) for c in changes if c.fields.get("owner_email"))


def _no_result(change: WriteChange) -> WriteResult:
    """A record the answer says nothing about: perhaps applied, perhaps not; sent again next run (an upsert by key, or
    an update by id, so a second write changes nothing more)."""
    return WriteResult(change.key, False, change.crm_id, "no result from Salesforce for this record; retried on "
                       "the next run", retryable=True)
