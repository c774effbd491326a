"""The changes of an account's state fields made before pac read the account: Salesforce's ``AccountHistory``.

pac records a change of an account's owner, type or dormant flag itself when a night reads it
(``sync_jobs/store/records.py``, ``pac_account_change``); what changed **before its first night** only the org's
Field History Tracking kept. On a full read of the accounts (the first night, ``pac sync --full``, the weekly
reconciliation) ``AccountStates.changes`` reads it, in two queries whatever the number of accounts:

* which of the mapped state fields are tracked: ``FieldDefinition.IsFieldHistoryTracked`` (Tooling API and SOAP API
  object FieldDefinition, "FieldDefinition fields are exposed in SOAP API version 45.0 and later"), filtered on
  ``EntityDefinitionId = 'Account'``; a field not tracked is named in a warning with how to turn tracking on
  ("Salesforce starts tracking field history from the date and time that you turn it on a field", Security Guide,
  *Field History Tracking*: pac cannot read what was never kept);
* the tracked fields' changes: ``AccountHistory`` (Object Reference, *StandardObjectNameHistory*: ``AccountId``,
  ``Field``, ``OldValue``, ``NewValue``, ``CreatedDate``; ``query`` leaves the rows of deleted accounts out), ordered
  by ``CreatedDate``. A standard lookup is named by its relationship (``Owner``, not ``OwnerId``), a custom field by
  its API name (``Dormant__c``). "Two rows are added to this object when foreign key fields change. One row contains
  the foreign key object names that display in the online application ... The other row contains the actual foreign
  key ID that is only returned to and visible from the API" (Object Reference, *EntityHistory*): the owner's row of
  ids is kept, the one of names left. "Salesforce retains field history data for up to 18 months, and up to 24
  months via the API" (Security Guide): older changes are gone, and the plan's reference dates are within its year.

Each row becomes a ``pac_core.records.AccountChange`` read as the account's own field is read (an owner's 18-character
id, a picklist read by its label as ``toLabel()`` gives it, a checkbox a boolean), dated by its ``CreatedDate``. The
store records them only for an account and field it holds no recorded change of (``store.records.record_history``):
pac's own changes are never doubled.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from simple_salesforce.format import format_soql

from connectors.base import RequestRefused, SchemaError
from connectors.salesforce.client import SfClient
from connectors.salesforce.mapping import SalesforceMapping
from connectors.salesforce.normalise import sf_datetime
from pac_core.records import AccountChange

log = logging.getLogger(__name__)

# a user's or a queue's id (User 005, Group 00G), 15 or 18 characters: the owner row of ids, not the one of names
_OWNER_ID = re.compile(r"^00[5G][0-9A-Za-z]{12}(?:[0-9A-Za-z]{3})?$")
_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
TRACKING_HELP = ("Setup > Object Manager > Account > Fields & Relationships > Set History Tracking, tick it "
                 "(20 fields an object); changes made before it was turned on are not kept")


def id18(value: str) -> str:
    """A Salesforce id in its 18-character form (the case-safe suffix: each 5-character chunk's upper-case letters
    as a bit mask into ``A..Z0..5``); an 18-character id as it is."""
    if len(value) != 15:
        return value
    out = value
    for chunk in (value[0:5], value[5:10], value[10:15]):
        bits = sum(1 << i for i, ch in enumerate(chunk) if "A" <= ch <= "Z")
        out += _SUFFIX[bits]
    return out


def history_field(api_name: str) -> str:
    """The ``AccountHistory.Field`` value of an Account field: a standard lookup by its relationship name
    (``OwnerId`` -> ``Owner``), any other field by its API name."""
    return "Owner" if api_name.lower() == "ownerid" else api_name


def state_fields(mapping: SalesforceMapping) -> dict[str, str]:
    """``HISTORY_FIELDS`` name -> the Account field it is read from: the owner always, the type and the dormant flag
    when the mapping reads them from a field of the account itself (a relationship path is another record's field,
    whose changes ``AccountHistory`` does not keep)."""
    a = mapping.accounts
    out = {"owner_id": "OwnerId"}
    for name, fld in (("account_type", a.account_type), ("dormant", a.dormant)):
        if fld and "." not in fld:
            out[name] = fld
    return out


class AccountStates:
    """Reads the state fields' changes Salesforce kept (the module's docstring). ``labels``: the Account field ->
    (value -> label) of the picklists read by their label this run (``SalesforceConnector.labels``)."""

    def __init__(self, client: SfClient, mapping: SalesforceMapping, source: str, warn: Callable[[str], None],
                 labels: Callable[[], Mapping[str, Mapping[str, str]]]) -> None:
        self.client, self.mapping, self.source, self.warn, self.labels = client, mapping, source, warn, labels

    def changes(self) -> Iterator[AccountChange]:
        fields = state_fields(self.mapping)
        tracked = self._tracked(sorted(set(fields.values())))
        wanted = {history_field(fld).lower(): (name, fld) for name, fld in fields.items()
                  if tracked is None or fld.lower() in tracked}
        for name, fld in fields.items():
            if tracked is not None and fld.lower() not in tracked:
                self.warn(f"accounts: Account.{fld} ({name}) is not history-tracked: its changes made before pac's "
                          "first night are unknown, so a past window reads it as it is now; turn tracking on in "
                          f"{TRACKING_HELP}")
        if not wanted:
            return
        soql = format_soql("SELECT AccountId, Field, OldValue, NewValue, CreatedDate FROM AccountHistory "
                           "WHERE Field IN {} ORDER BY CreatedDate, Id",
                           sorted(history_field(fields[n]) for n, _f in wanted.values()))
        try:
            pages = list(self.client.query_pages(soql))
        except (SchemaError, RequestRefused) as exc:
            self.warn(f"accounts: AccountHistory could not be read ({exc}): changes of the accounts' owner, type "
                      "or dormant flag made before pac's first night are unknown")
            return
        labelled = self.labels()
        for page in pages:
            for row in page:
                found = wanted.get(str(row.get("Field") or "").lower())
                if found is not None:
                    change = self._change(row, *found, labelled.get(found[1]) or {})
                    if change is not None:
                        yield change

    def _tracked(self, api_names: list[str]) -> frozenset[str] | None:
        """The lower-case names of those Account fields whose history is tracked; None when FieldDefinition cannot be
        read (then every field is asked: an untracked one has no rows)."""
        soql = format_soql("SELECT QualifiedApiName, IsFieldHistoryTracked FROM FieldDefinition "
                           "WHERE EntityDefinitionId = 'Account' AND QualifiedApiName IN {}", api_names)
        try:
            rows = [r for page in self.client.query_pages(soql) for r in page]
        except (SchemaError, RequestRefused) as exc:
            log.info("%s: FieldDefinition unreadable (%s): AccountHistory asked for every state field", self.source,
                     exc)
            return None
        return frozenset(str(r["QualifiedApiName"]).lower() for r in rows if r.get("IsFieldHistoryTracked") is True)

    def _change(self, row: dict[str, Any], name: str, fld: str, labels: Mapping[str, str]) -> AccountChange | None:
        """One history row as the change of ``name``, its values read as the account's field is; None for a row that
        is no change of it (the owner's row of names, a value pac cannot read)."""
        old, new = (history_value(name, row.get(side), labels) for side in ("OldValue", "NewValue"))
        when = sf_datetime(row.get("CreatedDate"))
        if old is NOT_READ or new is NOT_READ or old == new or when is None or not row.get("AccountId"):
            return None
        return AccountChange(self.source, id18(str(row["AccountId"])), name, when, old, new)


NOT_READ = object()


def history_value(name: str, value: Any, labels: Mapping[str, str]) -> Any:
    """A history value as the account's field is read: the owner's id (a name: ``NOT_READ``), a checkbox a boolean (a
    value neither: ``NOT_READ``), a picklist its label when read by label."""
    if name == "owner_id":
        if value is None:
            return None
        return id18(str(value)) if _OWNER_ID.match(str(value)) else NOT_READ
    if name == "dormant":
        flag = {True: True, False: False, "true": True, "false": False}.get(
            value.lower() if isinstance(value, str) else value)
        return NOT_READ if flag is None else flag
    if value is None:
        return None
    return labels.get(str(value), str(value))
