"""The Salesforce connector: pulls normalised records, writes PAC progress back, checks and provisions.

Frugality rules it keeps: only mapped fields are selected; queries are built with ``format_soql``;
incremental reads filter ``SystemModstamp >= watermark - overlap`` ordered by ``SystemModstamp, Id``;
activities, deals and accounts are read with ``queryAll`` so deleted and archived rows come back
flagged; pages hold 2,000 records; deal line items ride along as a parent-to-child subquery (no
extra call, except one ``query_more`` per further batch of a deal with many lines); an incremental deals read asks
for the products changed since the watermark (one ``query``) and reads again the opportunities holding their
lines, and the incremental reads after an account read that saw merges read the winners' children by account;
full reads of Accounts, Events and Tasks above the mapping's ``bulk_threshold`` (their first REST page's
``totalSize`` decides: no ``COUNT()`` call) use a Bulk API 2.0 query job; writes are sObject Collections upserts by
``PAC_Key__c``, 200 records per call, ``allOrNone`` false; account PAC fields (``PAC_Axes__c``,
``PAC_Target__c``: the axes targeting the account) are updates by id through ``PATCH /composite/sobjects``,
200 per call, and any other Account field is refused. See ``docs/salesforce.md``.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from simple_salesforce.format import format_soql

from connectors.base import (
    RATES_MARK,
    ApiUsage,
    ConnectorError,
    KeptRates,
    LineHolders,
    LinkFailure,
    ManagerEdit,
    MappingRefused,
    ObjectKind,
    PacListed,
    PicklistLabels,
    ProductRename,
    SchemaError,
    SchemaIssue,
    StoredRecords,
    Target,
    WriteChange,
    WriteResult,
    own_stamps,
    reading_of,
)
from connectors.heap import frozen_heap
from connectors.retry import RetryPolicy
from connectors.salesforce.client import Credentials, SfClient, read_already, row_stamp
from connectors.salesforce.currency import NO_RATES, OrgRates, read_rates
from connectors.salesforce.fiscal import fiscal_notes
from connectors.salesforce.history import AccountStates
from connectors.salesforce.mapping import (
    SalesforceMapping,
    check_mapping_online,
    family_notes,
    label_notes,
    load_mapping,
    person_account_notes,
    won_stage_problems,
)
from connectors.salesforce.normalise import (
    POSTAL_CODE_HEAD,
    Normaliser,
    paired_addresses,
    sf_datetime,
    undated_rejection,
    unplaced_rejection,
)
from connectors.salesforce.owners import Owners
from connectors.salesforce.provisioning import Schema
from connectors.salesforce.reads import LABELLED_TYPES, LACKING_HEAD, Reader, SfObject, lacking_words, objects_of
from connectors.salesforce.writeback import Writer
from pac_config.loader import locate
from pac_core.errors import InvalidInput, Problem
from pac_core.geography import COUNTRY_READING
from pac_core.records import AccountChange, Activity, Deal, Record, Rejected, User
from pac_core.text import fold_value

log = logging.getLogger(__name__)
# The version of how this connector turns rows into records: bumped with any change to it, so that the next pull of
# every object is a full read and the records already stored are normalised again (``Connector.reading``).
# 2: Events that are invitees' copies, series records or proposals, and Tasks that are series masters, are left out.
# 3: a deal's line items past the first batch of its OpportunityLineItems subquery are read (nextRecordsUrl).
# 4: Bulk API 2.0 rows are shaped as REST rows (relationship columns nested, cells typed by the describe).
# 5: a Task is dated by its ActivityDate (CompletedDateTime only without one); an activity on a lead with no account
#    is left out (``normalise.not_a_report``).
READING_RULES = 5
# How accounts are read besides READING_RULES and the mapping: "picklists by label", the picklists plan scopes test
# come as their labels (SOQL toLabel(), ``Reader.labelled``; before, as their API names); "pac values", each account
# keeps the PAC_Axes__c / PAC_Target__c it holds (``HELD_PAC``, ``Reader.held_fields``), so a hand edit is restored and
# values a store never wrote (a rebuilt store) are cleared (audit longlife F1): the accounts stored before hold none.
# Part of the accounts' fingerprint only, so an existing install re-reads its accounts in full once, and nothing else.
ACCOUNT_RULES = "picklists by label; pac values"
# How an account's annual revenue is read besides READING_RULES and the mapping: in its own currency (a multi-currency
# org's CurrencyIsoCode, else org_currency) with the org's CurrencyType rates, which the engine compares it in the
# plan's currency with (audit multi F2; before, converted into the corporate currency, or with no currency at all).
# Part of the accounts' fingerprint when the mapping reads AnnualRevenue, so an existing install re-reads its accounts
# in full once, and nothing else.
ACCOUNT_CURRENCY = "annual revenue in its own currency"
# How accounts read through Bulk API 2.0 are typed besides READING_RULES and the mapping: a relationship column
# (``Parent.AnnualRevenue``) by the describe of the object it refers to, a datetime in REST's ``…+0000`` form (before,
# the text '2.5E7' and '…Z': a numeric scope on it matched nothing, sfbulk audit F1). Part of the accounts' fingerprint
# when the mapping reads a custom attribute or a relationship path (the values it changes), so such an install
# re-reads its accounts in full once, and nothing else.
ACCOUNT_BULK_TYPING = "bulk relationship columns and datetimes typed as REST"
# How an account's place is read when the mapping lists its addresses (``[BillingPostalCode, PersonMailingPostalCode]``
# with ``[BillingCountry, PersonMailingCountry]``): the postal code and the country of one address
# (``normalise.first_address``; before, each the first that held a value: a Lyon billing code with a Geneva mailing
# country read abroad, audit sfhand4). Part of the accounts' fingerprint for such a mapping only, so those installs
# re-read their accounts in full once, and nothing else.
ACCOUNT_ADDRESS = "postal code and country of one address"
# How activities are read besides READING_RULES and the mapping: a completed Task keeps its CompletedDateTime beside its
# ActivityDate (one done before its due date is dated when it was done; before, its due date alone), and an all-day
# Event with no status of its own is ``whole_day`` (counted once its day is over; before, from its first minute):
# part of the activities' fingerprint only, so an existing install re-reads its activities in full once (stored tasks
# get their completion, stored all-day events the flag), and nothing else.
ACTIVITY_RULES = "completed tasks keep their completion; all-day without status: whole day"
# How deals are read besides READING_RULES and the mapping: live line items only (``WHERE IsDeleted = false`` in the
# subquery: a queryAll may return a deleted line beside the live ones, sfemu audit F1): part of the deals' fingerprint
# only, so an existing install re-reads its deals in full once (a stored deal drops a deleted line), and nothing else.
# "line ids": each line keeps its OpportunityLineItem Id (``DealLine.id``), by which a full read tells a product's code,
# name or family edited (the same line, now under another value) from a line of another product put in its place
# (audit renames F1): read again once.
DEAL_RULES = "live line items only; line ids"
# How a deal line's family is read when it is a picklist (``Reader.family_labelled``): as its label (SOQL toLabel() in
# the line items' subquery; before, its API name: a family `MACH` labelled « Machines » matched no `product_family:
# Machines` axis, audit sffamily F1). Part of the deals' fingerprint when the family is so read, with the family's
# labels (``SalesforceConnector.family_labels``: a relabel in Setup touches no opportunity nor product, so that night
# reads the deals in full, each line with its new label), so an existing install re-reads its deals in full once.
FAMILY_LABELS = "line family by label"

# How a multi-currency org's deals are read besides READING_RULES, the mapping and the org's rates: each keeps its own
# amount and currency with the org's rates of its CloseDate (``Deal.rates``); before, only its amount converted into
# the corporate currency (a CHF plan's CHF deal came back from EUR at another rate: audit multi F4). Part of a
# multi-currency org's deals fingerprint only, so such an install re-reads its deals in full once, and nothing else.
MULTI_CURRENCY_DEALS = "own amounts with the org's rates"
# A multi-currency org's accounts and deals keep the org's rates apart in their reading (``base.RATES_MARK``): a
# change of rates alone converts the stored records again without reading them (audit sfrates F1). Part of the
# accounts' fingerprint (the deals' changes by the move of the rates out of it), so such an install reads its
# accounts and deals in full once, and nothing else.
RATES_APART = "rates apart"
# Salesforce reparents a merged account's children to the winner without changing their SystemModstamp (Apex
# Developer Guide, "Triggers and Merge Statements"): an incremental read of these kinds also reads the winners' rows.
MOVED_BY_MERGE = (ObjectKind.ACTIVITIES, ObjectKind.DEALS)
# "After you have deleted records, the records are placed in the Recycle Bin for 15 days, after which they are
# permanently deleted" (Apex Developer Guide, *Restoring Deleted Records*): queryAll shows a deletion that long only
RECYCLE_BIN_DAYS = 15


RENAME_CHUNK = 1_000      # a full read's deals compared with the store's versions per store query (``_RenameNotes``)



# rejections a mapping key naming a field of another type makes (Salesforce types its fields' values)
TYPED_CODES = frozenset({"not_a_number", "not_finite_number", "bad_date", "bad_datetime"})


class _RenameNotes:
    """The product values (line key ``code``, ``name``, ``family``) the deals a pull reads hold no longer, against
    the store's versions of them (``compare``), as ``ProductRename`` (``renames``). A value is renamed when a stored
    deal's lines held it, its version read now holds it nowhere, and no deal read now holds it; its new values are
    those the same line items hold now (``DealLine.id``: an OpportunityLineItem's product is set at its creation, so
    the same line is the same product), or, for a deal stored before its lines kept their ids, those its lines hold
    now and did not before (a Product2's ``ProductCode`` P40 edited to P40X: ``("code", "P40", ("P40X",))``).
    Compared case- and accent-insensitively, as scopes match. A full read (audit renames F1, 7 Dec 2026) reads every
    deal, so it also sees deals that lost a line, a line of another product put in its place, a deleted deal: there a
    value is renamed only when it has a new one so found, never for a deal deleted, a line removed or replaced."""

    def __init__(self) -> None:
        # (key, folded old value) -> (old value as stored, the deals that held it, folded new value -> new value)
        self._gone: dict[tuple[str, str], tuple[str, set[str], dict[str, str]]] = {}
        self._held: dict[str, set[str]] = {}      # key -> the folded values the deals read now hold
        self._full = False

    def compare(self, pairs: Sequence[tuple[Record | None, Deal]], *, full: bool) -> None:
        """Each (stored version or None, deal read now) of one read; ``full``: a full read's."""
        self._full = self._full or full
        for old, new in pairs:
            if new.deleted:
                continue
            for key in ("code", "name", "family"):
                now = {fold_value(v): v for ln in new.lines if (v := getattr(ln, key))}
                self._held.setdefault(key, set()).update(now)
                if not isinstance(old, Deal):
                    continue
                was = {fold_value(v): v for ln in old.lines if (v := getattr(ln, key))}
                added = {k: v for k, v in now.items() if k not in was}
                same = {ln.id: ln for ln in new.lines if ln.id is not None}
                for k in was.keys() - now.keys():
                    _, deals, into = self._gone.setdefault((key, k), (was[k], set(), {}))
                    deals.add(new.id)
                    held = [ln for ln in old.lines if (v := getattr(ln, key)) and fold_value(v) == k]
                    if any(ln.id is not None for ln in held):
                        # by line: what the same line items hold now (a line's product is set at its creation)
                        into.update((fold_value(v), v) for ln in held if ln.id in same
                                    and (v := getattr(same[ln.id], key)) and fold_value(v) in added)
                    else:               # stored before lines kept their ids: what the deal holds that it did not
                        into.update(added)

    def renames(self) -> list[ProductRename]:
        out: list[ProductRename] = []
        for (key, folded), (value, deals, into) in sorted(self._gone.items()):
            if folded in self._held.get(key, ()) or (self._full and not into):
                continue
            out.append(ProductRename(key, value, tuple(into[k] for k in sorted(into)), len(deals)))
        return out


class SalesforceConnector:
    """One Salesforce org, configured by a mapping and ``PAC_SF_*`` credentials: reads (``reads``), write-back
    (``writeback``), normalisation (``normalise``) and schema (``provisioning``) composed behind the Protocol."""

    crm = "salesforce"
    settled_link_fields: frozenset[str] = frozenset()     # its links are fields
    deletions_kept_days: int | None = RECYCLE_BIN_DAYS    # older reads: a full one (``sync_jobs.pull``)
    mapping_path: Path | None = None     # the mapping file (``build``): a refused query names its lines

    def __init__(self, name: str, mapping: SalesforceMapping, client: SfClient) -> None:
        self.name, self.mapping, self.client = name, mapping, client
        self.reconciliation_days: int | None = mapping.reconciliation_days   # used when pac.yaml gives none
        self.warnings: list[str] = []
        self.labels_language = "en"      # Salesforce provisioning writes English labels whatever the plan's language
        self.normaliser = Normaliser(name, mapping, warn=self._warn)
        self.owners = Owners(client, self._warn)      # who owns a person's PAC records (the pull fills it)
        # accounts that won a merge since the accounts' watermark, seen by this run's account read, full or not
        # (losers: IsDeleted, MasterRecordId): loser -> winner
        self._merge_winners: dict[str, str] = {}
        self._stored: StoredRecords | None = None       # what the store keeps (``remember_stored``)
        self._renames = _RenameNotes()                  # product values the deals read again hold no longer
        self._types_checked = False                     # the describes asked once, on a value of the wrong type
        self._stages_checked = False                    # deals.won_stages against StageName's values, once a run
        self._written: Mapping[tuple[str, str], Any] | None = None
        self._rates: OrgRates | None = None       # the org's exchange rates, read once (``org_rates``)
        self._kept_rates: KeptRates | None = None      # the dated rate rows the store kept (``remember_rates``)
        self._rates_keep: KeptRates | None = None      # those to keep after this run (``rates_to_keep``)
        self._kept_labels: PicklistLabels | None = None   # the scope picklists' labels kept by the store
        self._labels: PicklistLabels | None = None        # this run's, once ``labels`` read them
        self._labels_read = False
        self.schema = Schema(client, mapping)
        self.reader = Reader(client, mapping, self._warn, describe=self.schema.describe_fields)
        self.writer = Writer(client, mapping, self.owners, self._warn, rates=self.org_rates)
        self.states = AccountStates(client, mapping, name, self._warn, self._read_labels)

    @property
    def skipped(self) -> Counter[str]:
        """Rows read that are not records pac counts, by reason (``normalise.not_a_report``, and ``Normaliser.left_out``
        for deals the mapping's deal filter leaves out)."""
        return self.normaliser.skipped

    @property
    def mapping(self) -> SalesforceMapping:
        return self._mapping

    @mapping.setter
    def mapping(self, mapping: SalesforceMapping) -> None:
        """A new mapping (tests, ``pac config check``) reaches the reads, the write-back and the schema."""
        self._mapping = mapping
        for part in ("reader", "writer", "schema", "states"):
            if hasattr(self, part):
                getattr(self, part).mapping = mapping

    def _warn(self, text: str) -> None:
        self.warnings.append(text)
        log.warning(text)

    def secrets(self) -> list[str]:
        """Credential values to redact from every log line (the CLI registers them), the live session included."""
        return self.client.secrets()

    # -- pull ------------------------------------------------------------------------------------------
    def org_rates(self) -> OrgRates:
        """A multi-currency org's exchange rates (``currency.read_rates``: CurrencyType, and DatedConversionRate with
        advanced currency management), read once per connector, i.e. once per run (a run builds its connectors),
        before the first pull of accounts or deals, which the normaliser converts with them. A single-currency
        mapping (no ``deals.currency_field``) reads none: no query, ``NO_RATES``."""
        if not self.mapping.multi_currency():
            return NO_RATES
        if self._rates is None:
            self._rates, self._rates_keep = read_rates(self.client, self._warn, self._kept_rates,
                                                       timedelta(minutes=self.mapping.overlap_minutes))
            log.info("%s: %s", self.name, self._rates.summary())
        self.normaliser.rates = self._rates
        return self._rates

    def remember_rates(self, kept: KeptRates | None) -> None:
        """The ``DatedConversionRate`` rows the store kept from the last night (None: read them all, the first night
        or the periodic reconciliation): ``org_rates`` reads only the rows changed since (``currency.dated_rows``)."""
        self._kept_rates, self._rates, self._rates_keep = kept, None, None

    def rates_to_keep(self) -> KeptRates | None:
        """The dated rate rows this run read, to keep for the next (``KeptRates.changed``: the rows read, None when
        every row was read); None when it read none (a single-currency mapping, no ``CurrencyType``)."""
        return self._rates_keep

    def remember_labels(self, kept: PicklistLabels | None) -> None:
        """The scope picklists' labels the store kept from the last night that read them (``labels`` asks Account's
        describe whether they changed since)."""
        self._kept_labels, self._labels, self._labels_read = kept, None, False

    def labels(self) -> PicklistLabels | None:
        """The labels of the Account picklists plan scopes test (``Reader.label_fields``), read once per run, by the
        accounts' ``reading``: Account's describe asked with ``If-Modified-Since`` the date kept from the last one
        (``PicklistLabels.stamp``), so a night with no change of Account's metadata costs one call with no body (304
        Not Modified) and keeps the labels the store holds; a change (a picklist value relabelled in Setup, a field
        added) returns the describe, whose ``picklistValues`` labels are the integration user's language's, as
        toLabel() returns them. A mapping asking other fields than the kept ones asks unconditionally. The describe
        read serves the run's other uses of it (``describe_fields``), and which fields are picklists saves
        ``Reader.labelled`` its describe. None, and no call, when plan scopes test no Account field."""
        if self._labels_read:
            return self._labels
        wanted = tuple(self.reader.label_fields())
        kept = self._kept_labels
        self._labels = None
        if wanted:
            since = kept.stamp if kept is not None and kept.fields == wanted else ""
            described, stamp = self.client.describe_since("Account", since)
            if described is None and kept is not None:          # 304: nothing changed since ``since``
                self._labels = replace(kept, family=None)
            else:
                if described is not None:
                    self.schema.remember("Account", described)
                fields = {f["name"].lower(): f for f in (described or {}).get("fields", []) if isinstance(f, dict)}
                labels: dict[str, dict[str, str]] = {}
                for name in wanted:
                    f = fields.get(name.lower()) or {}
                    if f.get("type") in LABELLED_TYPES:
                        labels[name] = {str(p["value"]): str(p.get("label") or p["value"])
                                        for p in f.get("picklistValues") or []
                                        if isinstance(p, dict) and isinstance(p.get("value"), str)}
                self._labels = PicklistLabels(wanted, labels, stamp)
            self.reader.picklists = frozenset(f.lower() for f in self._labels.labels)
        family = self._family_labels(kept.family if kept is not None else None)
        if family is not None:
            self._labels = replace(self._labels or PicklistLabels((), {}), family=family)
        self._labels_read = True
        return self._labels

    def _read_labels(self) -> dict[str, Mapping[str, str]]:
        """Account field -> (value -> label) of the picklists this run reads by their label (``labels``,
        ``Reader.labelled``): how ``AccountHistory``'s stored values are read as the accounts' own."""
        kept = self.labels()
        labelled = self.reader.labelled()
        return {f: table for f, table in (kept.labels if kept is not None else {}).items() if f in labelled}

    def _family_labels(self, kept: PicklistLabels | None) -> PicklistLabels | None:
        """The labels of a deal line's family read as its label (``Reader.family_labelled``), value -> label in the
        integration user's language as toLabel() returns them, read once per run with the Account picklists'
        (``labels``): a family on Product2 (``Product2.Family``, the shipped mappings) by Product2's describe asked
        with ``If-Modified-Since`` the date kept from the last one, so a quiet night costs one call with no body
        (304) and keeps the labels kept; another path by the describe of the object it ends on (one call a run). None
        when the family is read as stored."""
        family = self.mapping.deals.line_family
        if family is None or not self.reader.family_labelled():
            return None
        head, _, name = family.partition(".")
        stamp = ""
        if head.lower() == "product2" and name and "." not in name:
            since = kept.stamp if kept is not None and kept.fields == (family,) else ""
            described, stamp = self.client.describe_since("Product2", since)
            if described is None and kept is not None and since:    # 304: nothing changed since ``since``
                return kept
            if described is not None:
                self.schema.remember("Product2", described)
            f = (self.describe_fields("Product2") or {}).get(name.lower())
        else:
            found = self.reader.family_field()
            f = found[1] if found is not None else None
        if f is None:
            return PicklistLabels((family,), {}, stamp)
        table = {str(p["value"]): str(p.get("label") or p["value"]) for p in f.get("picklistValues") or []
                 if isinstance(p, dict) and isinstance(p.get("value"), str)}
        return PicklistLabels((family,), {family: table}, stamp)

    def family_labels(self) -> dict[str, str]:
        """The labels of a deal line's family read as its label (``_family_labels``, with ``labels``), value -> label
        where they differ: part of the deals' reading, so a family value relabelled in Setup (which changes no
        opportunity's nor product's ``SystemModstamp``) reads every deal in full that night, each line with its new
        label. Empty when the family is read as stored or the describe lacks it."""
        kept = self.labels()
        family = kept.family if kept is not None else None
        if family is None:
            return {}
        return {value: label for table in family.labels.values() for value, label in table.items() if label != value}

    def parts(self, kind: ObjectKind) -> tuple[str, ...]:
        return tuple(spec.sobject for spec in objects_of(kind, self.mapping)) if kind is not ObjectKind.PAC_EDITS \
            else ("PAC",)

    def pull(self, kind: ObjectKind, since: datetime | None, *, full: bool = False, part: str | None = None
             ) -> Iterator[Record | Rejected | ManagerEdit | PacListed | AccountChange]:
        """Records changed at or after ``since`` minus the overlap (everything when ``full`` or no watermark): the
        one pull loop over the sObjects ``reads.OBJECTS`` lists for ``kind``.

        An account read, full or not, notes the accounts that won a merge since ``since`` (the watermark, given on
        a full read too); this run's incremental reads of activities and deals read their children by account
        (``_read``): a night that reads accounts in full and activities incrementally (an exchange-rate update
        re-reads accounts and deals, a mapping edit of ``accounts:``) stores the loser's visits with the winner
        too (sflife audit F1: they stayed on the deleted loser until the activities' next full read)."""
        overlap = timedelta(minutes=self.mapping.overlap_minutes)
        start = None if (full or since is None) else since - overlap
        merged_since = None if since is None else since - overlap
        with frozen_heap():         # the garbage collector scans the pull's own objects only (connectors.heap)
            if kind is ObjectKind.PAC_EDITS:
                yield from self.reader.edits(start, self._written)
                return
            if kind is ObjectKind.ACCOUNTS:
                self._merge_winners.clear()      # this run's merges: noted by its account read, used by the next
            if kind in (ObjectKind.ACCOUNTS, ObjectKind.DEALS):
                self.org_rates()                 # converts amounts in a multi-currency org (nothing otherwise)
            if kind is ObjectKind.DEALS and self.mapping.deals.won_stages and not self._stages_checked:
                self._stages_checked = True      # one describe a run, only for a mapping listing won stages
                if stages := won_stage_problems(self.mapping, self, self.mapping_path):
                    raise MappingRefused(stages)
            if kind is ObjectKind.DEALS and since is None and (wrong := self.org_currency_problem()) is not None:
                self._warn(str(wrong))           # the first sync only: a store with deals asks no more
            before = self.skipped.copy()
            for spec in objects_of(kind, self.mapping):
                if part is None or spec.sobject == part:
                    try:
                        for item in self._read(spec, start, since, merged_since):
                            if isinstance(item, Rejected) and item.code in TYPED_CODES and not self._types_checked:
                                self._wrong_type(item)
                            yield item
                    except SchemaError as exc:      # a field the org refuses: the mapping key, when it is one
                        raise self._located(exc) from None
            if kind is ObjectKind.USERS and start is None and part is None:
                self.owners.complete()           # every active user read: no owner lookup this run
            if kind is ObjectKind.ACCOUNTS and start is None and part in (None, "Account"):
                # a full read: the state fields' changes Salesforce kept, those before pac's first night included
                yield from self.states.changes()
            left_out = self.skipped - before
            if left_out:
                log.info("%s: rows left out (not records pac counts): %s", self.name,
                         ", ".join(f"{n} {why}" for why, n in sorted(left_out.items())))

    def reading(self, kind: ObjectKind) -> str:
        """What decides how ``kind`` is read and normalised (``Connector.reading``): ``READING_RULES`` and the
        mapping's section for it; in a multi-currency org, for accounts and deals, also the org's exchange rates
        (``OrgRates.digest``), so a change of the org's rates reads them in full once and every stored amount is
        converted again (a single-currency mapping's fingerprint is unchanged: no rates, no query); for accounts, the
        labels of the picklists plan scopes test (``labels``), so a relabel in Setup reads them in full that night."""
        m = self.mapping
        parts: dict[ObjectKind, Any] = {
            ObjectKind.USERS: None,
            # the scope picklists read as labels (ACCOUNT_RULES) and how a country is read (geography.COUNTRY_READING):
            # a change normalises the stored accounts again
            ObjectKind.ACCOUNTS: [m.accounts.model_dump(mode="json"), ACCOUNT_RULES, COUNTRY_READING,
                                  *([ACCOUNT_CURRENCY, m.org_currency] if m.accounts.annual_revenue else []),
                                  *([ACCOUNT_ADDRESS] if paired_addresses(m.accounts.postal_code,
                                                                          m.accounts.country) else []),
                                  *([ACCOUNT_BULK_TYPING] if m.accounts.custom or any(
                                      "." in f for f in m.read_fields()["Account"].values()) else [])],
            # ``task_date`` left at its default is left out: a mapping without it keeps the fingerprint it had before
            ObjectKind.ACTIVITIES: [m.activities.model_dump(mode="json", exclude=(
                {"task_date"} if m.activities.task_date == "due" else set())), ACTIVITY_RULES],
            # a deal filter left unset is left out: a mapping without one keeps the fingerprint it had before
            ObjectKind.DEALS: [m.org_currency, m.deals.model_dump(mode="json", exclude={
                k for k in ("where", "exclude") if not getattr(m.deals, k)}), DEAL_RULES,
                *([FAMILY_LABELS, self.family_labels()] if kind is ObjectKind.DEALS
                  and self.reader.family_labelled() else [])],
        }
        # the labels of the scope picklists (``labels``: one describe, 304 when Account's metadata did not change): a
        # relabel in Setup touches no account, so it reads them all again the same night, each with its new label;
        # and the date Account's metadata last changed (``PicklistLabels.stamp``): a PAC account field deleted and
        # created again is empty on every account and moves no account's stamp, so any change of Account's metadata
        # reads them all again that night, and what they hold is compared (``account_targets.held_values``: fresh)
        labelled = self.labels() if kind is ObjectKind.ACCOUNTS else None
        if labelled is not None and not labelled.fields:    # the lines' family's alone (the deals' reading's)
            labelled = None
        extra: list[Any] = [{f: dict(sorted(t.items())) for f, t in sorted(labelled.labels.items())}
                            ] if labelled else []
        if labelled is not None and labelled.stamp:
            extra.append({"metadata": labelled.stamp})
        if m.multi_currency() and kind in (ObjectKind.ACCOUNTS, ObjectKind.DEALS):
            # the rates apart (RATES_MARK): a change of the org's rates only converts the stored records again
            # (``rerate``), it does not read them again (audit sfrates F1)
            rates = RATES_MARK + self.org_rates().digest(dated=kind is ObjectKind.DEALS)
            if kind is ObjectKind.DEALS:
                return reading_of(READING_RULES, kind.value, parts.get(kind), MULTI_CURRENCY_DEALS) + rates
            return reading_of(READING_RULES, kind.value, parts.get(kind), RATES_APART, *extra) + rates
        return reading_of(READING_RULES, kind.value, parts.get(kind), *extra)

    def rerate(self, record: Record) -> Record:
        """A stored account or deal with this run's rates (``Normaliser.rerate``): what a full read would store
        when the org's rates changed and the record did not (``Connector.rerate``)."""
        self.org_rates()
        return self.normaliser.rerate(record)

    def online_notes(self, plan_values: Mapping[str, Sequence[tuple[str, str]]] | None = None) -> list[str]:
        """What ``pac config check --online`` says besides problems: the picklists plan scopes test, read as their
        labels in the integration user's language, and the plans' scope values (``plan_values``: scope field ->
        (where, value)) that are a picklist entry's API name or match no label (``mapping.label_notes``); on an org
        with Person Accounts, a warning when the mapping reads no person address field, with how many person accounts
        it places nowhere (``mapping.person_account_notes``); in a multi-currency org, which exchange rates will
        convert the amounts (the org's, dated or not, or none), and a warning for each plan (``plan_values``'s
        ``currency``: its file, its currency) whose currency the org lacks or has inactive: its axes would be refused
        (``OrgRates.unwritable``); for each plan (``fiscal_period``) whose quarters are not the org's fiscal
        quarters (``Period``), the ``fiscal_calendar`` to write (``fiscal.fiscal_notes``); the org's closed Task
        statuses the mapping lists nowhere, which count as completed (``closed_status_notes``)."""
        notes = label_notes(self.mapping, self, self.reader.labelled(), plan_values)
        notes += family_notes(self.mapping, self, self.reader.family_field(), plan_values)
        notes += person_account_notes(self.mapping, self, self.unplaced_person_accounts)
        notes += self.closed_status_notes()
        fiscal = (plan_values or {}).get("fiscal_period", ())
        if fiscal:    # each plan's quarters beside the org's Period records (a custom fiscal year: 4-4-5...)
            try:
                notes += fiscal_notes(self.client, fiscal)
            except ConnectorError as exc:
                notes.append(f"warning: Period unreadable ({exc}): the plans' quarters were not compared with the "
                             "org's fiscal year")
        if (wrong := self.org_currency_problem()) is not None:
            notes.append(f"warning: {wrong}")
        if self.mapping.multi_currency():
            rates = self.org_rates()
            notes.append(f"currency: {rates.summary()}")
            for where, iso in dict.fromkeys((plan_values or {}).get("currency", ())):
                refused = rates.unwritable(iso)
                if refused is not None:
                    notes.append(f"warning: {where}: {refused}")
        return notes

    def closed_status_notes(self) -> list[str]:
        """A warning naming the org's closed Task statuses that ``activities.status.Task`` lists under no status: with
        ``closed_field`` a Task closed in one counts as completed, a call made, which is right for an org's « Clôturée »
        and wrong for its « Annulée » (audit sfshared F1) or its « Pas de réponse », which goes under no_show (« appel
        sans réponse », as HubSpot's *No answer*; cancelled reads « appel non abouti »: audit sfhand11). Salesforce
        keeps which statuses close a Task in TaskStatus ("IsClosed: Indicates whether this task status value
        represents a closed Task (true) or not (false). Multiple task status values can represent a closed Task",
        Object Reference, TaskStatus): one query, made by the online check only, and only for a mapping that reads
        Tasks with a closed field; nothing when it cannot be read. ``MasterLabel`` is "the internal label that does
        not get translated": it is compared with the listed values, and with the values of the Status entries whose
        label it is (the Task describe, when one was read)."""
        st = self.mapping.activities.status.get("Task")
        if st is None or not st.closed_field or not st.field \
                or not any(rule.object == "Task" for rule in self.mapping.activities.rules):
            return []
        try:
            closed = [str(row["MasterLabel"]) for page in self.client.query_pages(
                "SELECT MasterLabel FROM TaskStatus WHERE IsClosed = true ORDER BY SortOrder") for row in page
                if row.get("MasterLabel")]
        except ConnectorError as exc:
            log.info("salesforce.task_status closed statuses unavailable: %s", exc)
            return []
        entries = ((self.describe_fields("Task") or {}).get(st.field.lower()) or {}).get("picklistValues")
        value_of = {str(e["label"]): str(e["value"]) for e in entries or () if e.get("label") and e.get("value")}
        listed = {value for values in st.values.values() for value in values}
        unlisted = [value_of.get(label, label) for label in closed
                    if label not in listed and value_of.get(label, label) not in listed]
        if not unlisted:
            return []
        return [f"warning: activities.status.Task: the org's closed Task statuses {', '.join(map(repr, unlisted))} are "
                "listed under no status, so a Task closed in one counts as completed (closed_field: "
                f"{st.closed_field}), a call or e-mail made (TaskStatus.IsClosed); list those that mean it was not "
                "made under cancelled, those that mean nobody answered under no_show, and those that mean done under "
                "completed to silence this"]

    def org_currency_problem(self) -> Problem | None:
        """A single-currency mapping's ``org_currency`` that is not the org's currency (``SfClient.org_currency``:
        one SOAP getUserInfo call), located at its line in the mapping file with the fix; None when they agree, the
        mapping is multi-currency (no call) or the org does not say (audit sfrates F3: a USD org keeping the shipped
        ``org_currency: EUR`` had every amount read as EUR, silently). Asked by ``pac config check --online`` and by
        the first read of deals (no watermark): no call on a normal night."""
        m = self.mapping
        if m.multi_currency():
            return None
        iso = self.client.org_currency()
        if iso is None or iso == m.org_currency:
            return None
        where = str(self.mapping_path) if self.mapping_path is not None else "the mapping"
        problem = Problem("org_currency", f"{m.org_currency} is not the org's currency: Salesforce says this "
                          f"single-currency org is in {iso} (getUserInfo orgDefaultCurrencyIsoCode), so every amount "
                          f"is read as {m.org_currency} and never converted",
                          f"set org_currency: {iso} in {where}")
        return locate([problem], self.mapping_path)[0] if self.mapping_path is not None else problem

    def unplaced_person_accounts(self, postal_fields: Sequence[str]) -> int | None:
        """How many person accounts hold a ``PersonMailingPostalCode`` and none of ``postal_fields`` (what the mapping
        reads): those it places in no département. One ``COUNT()`` query, made by the online check only; None when
        it cannot be read."""
        empty = " AND ".join(f"{name} = null" for name in postal_fields)
        soql = ("SELECT COUNT() FROM Account WHERE IsPersonAccount = true AND PersonMailingPostalCode != null"  # noqa: S608
                f" AND {empty}")
        try:
            return self.client.count(soql)
        except ConnectorError as exc:
            log.info("salesforce.person_accounts count unavailable: %s", exc)
            return None

    def holds_value(self, sobject: str, field: str, value: str) -> bool:
        """Whether a live record of ``sobject`` (archived activities included: queryAll) holds ``value`` in
        ``field``: one ``COUNT()`` query, made by the online mapping check for a value no picklist entry matches (an
        unrestricted picklist holds values loaded through the API with no entry, audit sfdocs F3). False when it
        cannot be read (the value is then reported as before)."""
        soql = format_soql(f"SELECT COUNT() FROM {sobject} WHERE {field} = {{}} AND IsDeleted = false LIMIT 1",  # noqa: S608
                           value)
        try:
            return self.client.count(soql, include_deleted=True) > 0
        except ConnectorError as exc:
            log.info("salesforce.holds_value %s.%s unavailable: %s", sobject, field, exc)
            return False

    def user_language(self) -> str | None:
        """The integration user's language (``User.LanguageLocaleKey``: ``fr``, ``en_US``), which decides the labels
        toLabel() and describe return; one query, made by the online check only. None when it cannot be read."""
        try:
            self.client.sf  # noqa: B018 - logs in, which tells the integration user's id
            if not self.client.user_id:
                return None
            soql = format_soql("SELECT LanguageLocaleKey FROM User WHERE Id = {}", self.client.user_id)
            rows = [r for page in self.client.query_pages(soql) for r in page]
        except ConnectorError as exc:
            log.info("salesforce.user_language unavailable: %s", exc)
            return None
        return str(rows[0].get("LanguageLocaleKey") or "") or None if rows else None

    def _read(self, spec: SfObject, start: datetime | None, since: datetime | None,
              merged_since: datetime | None = None) -> Iterator[Record | Rejected]:
        """``spec``'s rows since ``start`` (all when None), and, on an incremental read, first those a change
        elsewhere moved without touching their stamp: the children of this run's merge winners (activities, deals),
        the opportunities holding a line of a product changed since ``start`` (deals). ``merged_since``: the losers an
        account read notes (stamped at or after it; all when None).

        The rows read by account or by product come **before** the query by stamp: they are read as they are then,
        with their current stamps, and the watermark is the newest stamp read. Read after the query (whose results
        are fixed when it runs: "Each locator and its associated results are available for two days after the
        initial query executes", Salesforce Help, *INVALID_QUERY_LOCATOR*), while its pages took minutes, one
        stamped then carried the watermark past a change made in between that the query could not see, and no
        incremental night read that change (audit cursors F1). Read before, every stamp they hold is one the query
        covers. A row the query answers again at the stamp it was read at is not yielded twice."""
        where = self._account_where(start, since) if spec.own_writes else ""
        winners = self._winners_to_follow(spec.kind) if start is not None and spec.kind in MOVED_BY_MERGE else []
        # a product reclassified (Family, ProductCode, Name) changes no opportunity's SystemModstamp: the
        # opportunities holding a line of a product changed since the watermark are read again (revenue F4)
        changed = self.reader.products_changed(start) if (
            start is not None and spec.kind is ObjectKind.DEALS and self.reader.reads_products()) else []
        early: dict[str, str] = {}      # id -> stamp (``row_stamp``) of the rows read by account or by product

        def moved() -> Iterator[dict[str, Any]]:
            # without IsRecurrence when the org lacks it (``_read_again_without``)
            fields = spec.fields(self.reader, spec.sobject)
            # the children a merge moved to the winners keep their SystemModstamp: read them by account, this run
            yield from self.reader.rows_of_accounts(spec.sobject, fields, winners, deleted=spec.deleted,
                                                    page_size=spec.page_size)
            yield from self.reader.rows_of_products(spec.sobject, fields, changed, deleted=spec.deleted,
                                                    page_size=spec.page_size)

        if winners or changed:
            rows = moved()
            if spec.kind is ObjectKind.ACTIVITIES:
                rows = self._read_again_without(self._lacks_recurrence, spec, rows, moved)
            again: list[Record | Rejected] = []     # the few deals read again, held until compared with the store's
            for row in rows:
                if str(row.get("Id")) not in early:
                    early[str(row.get("Id"))] = row_stamp(row)
                    if not changed:
                        yield from self._normalised(spec, row)
                    else:
                        again.extend(self._normalised(spec, row))
            if again:
                self._note_renames([r for r in again if isinstance(r, Deal)])
                yield from again

        def by_stamp() -> Iterator[dict[str, Any]]:
            return self.reader.rows(spec.sobject, spec.fields(self.reader, spec.sobject), start, deleted=spec.deleted,
                                    where=where, cursor=spec.cursor, page_size=spec.page_size)

        merges = spec.kind is ObjectKind.ACCOUNTS
        rows = by_stamp()
        if spec.kind is ObjectKind.ACTIVITIES:
            rows = self._read_again_without(self._lacks_recurrence, spec, rows, by_stamp)
        if merges:
            rows = self._read_again_without(lambda _spec: self.reader.lacks_held_fields(), spec, rows, by_stamp)
        # a full read of the deals (``pac sync --full``, the reconciliation, a first sync on a kept store) compares
        # them with the store's versions too, a chunk at a time before they are stored: a product edited since the
        # last night is warned of whether an incremental night or a full read sees it first (audit renames F1)
        compare = start is None and spec.kind is ObjectKind.DEALS and self._stored is not None
        held: list[Record | Rejected] = []
        for row in rows:
            if early and read_already(early, row):
                continue        # read just before, unchanged since
            if merges and row.get("IsDeleted") and row.get("MasterRecordId") and (
                    merged_since is None or (sf_datetime(row.get("SystemModstamp")) or merged_since) >= merged_since):
                self._merge_winners[str(row["Id"])] = str(row["MasterRecordId"])
            if not compare:
                yield from self._normalised(spec, row)
                continue
            held.extend(self._normalised(spec, row))
            if len(held) >= RENAME_CHUNK:
                self._note_renames([r for r in held if isinstance(r, Deal)], full=True)
                yield from held
                held = []
        if held:
            self._note_renames([r for r in held if isinstance(r, Deal)], full=True)
            yield from held

    def _lacks_recurrence(self, spec: SfObject) -> bool:
        """For an activity read the org refused: whether the object's describe (one call, on this error path only)
        shows no ``IsRecurrence`` (a Task where recurring tasks were never enabled, or the field hidden from the
        integration user); then the read leaves it out from now on: no series master exists there to leave out
        (audit sfrates F2). An org that has the field costs no describe."""
        if spec.sobject in self.reader.no_recurrence:
            return False
        described = self.schema.describe_fields(spec.sobject)
        if described is None or "isrecurrence" in described:
            return False
        self.reader.no_recurrence.add(spec.sobject)
        log.info("%s: %s has no IsRecurrence (recurring activities not enabled): read without it", self.name,
                 spec.sobject)
        return True

    def _read_again_without(self, lacking: Callable[[SfObject], bool], spec: SfObject,
                            rows: Iterator[dict[str, Any]], again: Callable[[], Iterator[dict[str, Any]]]
                            ) -> Iterator[dict[str, Any]]:
        """A read's ``rows``; when the org refuses the query before its first row and ``lacking(spec)`` says a field
        the read asks for is missing there (and drops it from the read's fields), the same read once more (``again``,
        which asks for the read's fields anew): the
        accounts' PAC fields an org provisioned by an older pac lacks (``Reader.lacks_held_fields``: the accounts
        are read, their PAC fields neither compared nor written, warned about), an activity's ``IsRecurrence``."""
        try:
            first = next(rows, None)
        except SchemaError:
            if not lacking(spec):
                raise
            rows = again()
            first = next(rows, None)
        if first is not None:
            yield first
            yield from rows

    def _located(self, exc: SchemaError) -> SchemaError:
        """A query the org refused (``INVALID_FIELD``, ``MALFORMED_QUERY``: a field it lacks, one spelt twice in two
        cases) as the mapping problems behind it (``check_mapping_online``: the describes, on this error path only),
        each at its file, line and key; ``exc`` itself when the mapping shows none."""
        if isinstance(exc, MappingRefused):
            return exc
        try:
            problems = check_mapping_online(self.mapping, self, self.mapping_path)
        except (ConnectorError, InvalidInput, OSError):
            return exc
        return MappingRefused([*problems, Problem("", f"Salesforce answered: {exc}")]) if problems else exc

    def _wrong_type(self, rejected: Rejected) -> None:
        """A value of the wrong type (« Chimie » read as an annual revenue) where Salesforce types its fields: a number
        field answers a number, a date field a date, so such a value comes from a mapping key naming a field of another
        type (``annual_revenue: Industry``). The describes, once a run (what ``pac config check --online`` asks), and
        ``MappingRefused`` when they show a mapping problem: the night stops before any write-back, exit 2, at the key
        (audit opsmap: each account was rejected, its deals and visits with it as "no account", and the night wrote the
        figures without them: 1,738 records rejected, exit 1). A record alone with a bad value stays rejected."""
        self._types_checked = True
        try:
            problems = check_mapping_online(self.mapping, self, self.mapping_path)
        except (ConnectorError, InvalidInput, OSError):
            return
        typed = [p for p in problems if " field; expected " in p.message]   # a key's field of another type
        if typed:
            raise MappingRefused([*typed, Problem("", f"{rejected.object} {rejected.id}: {rejected.reason}")])

    def _note_renames(self, deals: Sequence[Deal], *, full: bool = False) -> None:
        """What the lines of ``deals`` hold no longer, against the store's versions (``StoredRecords.records``, one
        query; before they are stored), noted for ``products_renamed``: deals read again for a product edited since
        the watermark, or (``full``) a chunk of a full read's deals."""
        stored = self._stored.records(ObjectKind.DEALS.value, [d.id for d in deals]) if self._stored else {}
        self._renames.compare([(stored.get(d.id), d) for d in deals], full=full)

    def products_renamed(self) -> list[ProductRename]:
        """The product values the deals read this pull no longer hold (``_RenameNotes``), then forgotten."""
        out, self._renames = self._renames.renames(), _RenameNotes()
        return out

    def _normalised(self, spec: SfObject, row: dict[str, Any]) -> Iterator[Record | Rejected]:
        # an invitee's copy, a series record, a lead's call come back deleted (``Normaliser.activity``): stored so,
        # they replace a counted version the store held
        record = spec.normalise(self.normaliser, spec.sobject, row)
        if isinstance(record, User):
            self.owners.seen(row, record.email, record.active)     # the write-back's owners: active users only
        yield record

    def _account_where(self, start: datetime | None, since: datetime | None) -> str:
        """The filter of an incremental account read that leaves out pac's own writes.

        Accounts are the one read object pac also writes (their PAC fields). Rows whose last change is pac's own
        write were read already: inside the overlap window, and up to the end of pac's last account write-back
        (``own_stamps``: the answers' Date + 1 s, kept with the last-written rows), rows last modified by the
        integration user are skipped, so a quiet org costs one page even after a write-back; anything later, or
        changed by anyone else, is read. (A change made between pac's pull and pac's write of the same account
        is masked by the write, which leaves the integration user as the last modifier: the periodic full
        reconciliation reads it.) SOQL datetime literals carry whole seconds: bounds are rounded up.

        Deleted rows are always read (``IsDeleted = true``): a deletion is stamped in ``SystemModstamp`` (getDeleted's
        "deletedDate ... is obtained using the SystemModstamp system field"), and nothing documents that it changes
        ``LastModifiedById``, so an account pac wrote last and a user deleted (or merged away) during pac's run,
        before its account write, would keep pac as last modifier with a stamp under the bound: skipped until the
        full reconciliation, still live in every scope (audit sfdocs F1). They are few; the overlap window bounds them.
        """
        if start is None or since is None or not self.client.user_id:
            return ""
        bound = max([since, *own_stamps(self._written, Target.ACCOUNT).values()])
        bound = bound.replace(microsecond=0) + timedelta(seconds=1) if bound.microsecond else bound
        return format_soql("(SystemModstamp >= {} OR LastModifiedById != {} OR IsDeleted = true)", bound,
                           self.client.user_id)

    def remember_written(self, written: Mapping[tuple[str, str], Any]) -> None:
        """What pac last wrote to this org's PAC records (``(target, key) -> row with .fields``): records whose
        editable values all equal it need no field-history read; accounts' stamps leave pac's writes unread."""
        self._written = written

    def remember_stored_lines(self, holders: LineHolders) -> None:
        """Not used: this connector reads an opportunity's lines with the opportunity (its stamp decides), keeps no
        line id and asks the store for none (HubSpot's lists deleted line items without their deal)."""

    def remember_stored(self, stored: StoredRecords) -> None:
        """Which merge losers still hold stored visits, calls or deals (``StoredRecords.holding``,
        ``_winners_to_follow``); the rest is not used: an org's merged, deleted and undeleted records come back with
        ``queryAll`` (``IsDeleted``, ``MasterRecordId``) and their stamps, and an activity's account is a field of its
        own (``AccountId``)."""
        self._stored = stored

    def _winners_to_follow(self, kind: ObjectKind) -> list[str]:
        """The winners of this run's merges whose children of ``kind`` are read by account: those whose loser the
        store still holds a live record of ``kind`` on (with no store: every one). The loser, the newest account row
        when nothing else changed, stays in the overlap window of the next nights, read again each night with its
        merge already followed: its winner's children were read again every night for nothing, 3 calls a quiet
        night until another account changed (audit nights F1). A run stopped before it read the children leaves them
        on the loser in the store: the next run that reads the loser follows the merge again."""
        if not self._merge_winners:
            return []
        losers = sorted(self._merge_winners)
        holding = self._stored.holding(kind.value, losers) if self._stored is not None else set(losers)
        return sorted({self._merge_winners[loser] for loser in losers if loser in holding})

    # -- write -----------------------------------------------------------------------------------------
    def write(self, changes: Sequence[WriteChange]) -> list[WriteResult]:
        """Upsert PAC records by ``PAC_Key__c`` and update account PAC fields by id, 200 per call."""
        return self.writer.write(changes)

    def _record(self, change: WriteChange) -> tuple[str, dict[str, Any]]:
        return self.writer.record(change)

    def keeps(self, target: Target) -> frozenset[str]:
        """The logical fields the mapping writes for ``target``, less those whose field this run's read of the PAC
        records found missing in the org (``Reader.lacking``: an org provisioned before the field existed, warned
        about with the command to run), so an upgraded pac's new fields never fail an older org's writes."""
        kept = self.writer.keeps(target)
        if target is Target.ACCOUNT:
            return kept & frozenset(self.account_fields())
        w = self.mapping.writeback
        tmap = {Target.AXIS: w.axis, Target.ACTION: w.action}.get(target)
        lacking = self.reader.lacking.get(tmap.object, frozenset()) if tmap is not None else frozenset()
        if not lacking:
            return kept
        assert tmap is not None
        return frozenset(k for k in kept if tmap.fields.get(k) not in lacking)

    def lacking_fields(self) -> str | None:
        """The fields this run's read of the PAC records found missing (``Reader.lacking``), in the words of the
        read's warning, every object on one line."""
        order = self.mapping.write_fields()
        parts = [f"{obj} lacks {', '.join(f for f in dict.fromkeys(order.get(obj, {}).values()) if f in missing)}"
                 for obj, missing in self.reader.lacking.items() if missing]
        if not parts:
            return None
        return lacking_words("; ".join(parts))

    def notices(self) -> list[str]:
        """This run's warnings about the org (``_warn``: a field not history-tracked, amounts in a currency the
        single-currency org does not keep, the PAC edits or a field history not readable, a user who cannot own
        records, a bulk read done through REST...), each once, in order, for the run's summary and `pac status`
        (audit sfhand8: nothing read them, so a night `pac schedule` ran said them to the log alone). The PAC fields
        the org lacks are said by ``lacking_fields``; a postal code that gives no département is one account's, left
        to the log (docs/plan-format.md, *Postal codes*)."""
        return [w for w in dict.fromkeys(self.warnings)
                if not w.startswith((LACKING_HEAD, POSTAL_CODE_HEAD))]

    def account_fields(self) -> dict[str, str]:
        """The account PAC fields the write-back fills, less those this run's account read found the org lacks
        (``Reader.lacking``: warned about with the command that creates them)."""
        lacking = self.reader.lacking.get("Account", frozenset())
        return {k: v for k, v in self.mapping.account_fields().items() if v not in lacking}

    def undated_rejection(self, record_id: str) -> Rejected | None:
        """``normalise.undated_rejection``: the engine's rejection of a done Event or Task with no date, worded
        ``no_activity_date`` as before (audit connrejects)."""
        return undated_rejection(self.name, record_id)

    def unplaced_rejection(self, record_id: str, kind: str = ObjectKind.ACTIVITIES.value) -> Rejected | None:
        """``normalise.unplaced_rejection``: the engine's ``no_account`` of an Event or Task, worded by why it has no
        account (private, on a case with no contact, on a contact with no account, on nothing: ``sf_unplaced``),
        carrying the record: this pull's reading of it, else the stored record (a night that does not read it again).
        None for a won deal, or a record stored before pac noted why (the engine's words then; audit sfhints)."""
        if kind != ObjectKind.ACTIVITIES.value:
            return None
        record = self.normaliser.unplaced.get(record_id)
        if record is None and self._stored is not None:
            stored = self._stored.records(kind, [record_id]).get(record_id)
            record = stored if isinstance(stored, Activity) else None
        return unplaced_rejection(self.name, record) if record is not None else None

    def note_plan_zone(self, timezone: str) -> None:
        """A Salesforce action's last day is a date field (``PAC_Window_End__c``): no instant, nothing to note."""

    def owner_users(self, emails: Collection[str]) -> dict[str, str]:
        """Of ``emails``, those held by an active Standard user, the only users that may own PAC records, with the
        words naming them (``Owners.able``; ``sync_jobs.owner_choice.PicksOwners``)."""
        return self.owners.able(emails)

    def note_axis_targets(self, plan_id: str, companies: Mapping[str, Iterable[str]],
                          owners: Mapping[str, str] | None = None) -> None:
        """Salesforce keeps no axis -> account links (accounts carry ``PAC_Axes__c``): nothing to note."""

    def settle_links(self) -> list[LinkFailure] | None:
        """An action's axis is a lookup written with the action, an account's axes a field: no links to settle."""
        return None

    # -- schema ----------------------------------------------------------------------------------------
    @property
    def _describes(self) -> dict[str, dict[str, dict[str, Any]] | None]:
        return self.schema.describes

    def describe_fields(self, sobject: str) -> dict[str, dict[str, Any]] | None:
        """The object's fields by lower-case name (one describe call per object and run), None if absent."""
        return self.schema.describe_fields(sobject)

    def record_types(self, sobject: str) -> list[dict[str, Any]]:
        """The object's record types, from its describe (``recordTypeInfos``; no call besides the describe)."""
        return self.schema.record_types(sobject)

    def check_schema(self) -> list[SchemaIssue]:
        return self.schema.check()

    def provision_schema(self) -> list[str]:
        done = self.schema.provision()
        self.reader.lacking.clear()       # known again from the next read of the PAC records
        return done

    def usage(self) -> ApiUsage:
        return self.client.usage

    def close(self) -> None:
        self.client.close()


def build(name: str, mapping_path: str | Path, env: Mapping[str, str], *, prefix: str = "PAC_SF_",
          max_daily_share: float = 0.5, policy: RetryPolicy | None = None) -> SalesforceConnector:
    """A connector from a mapping file and ``{prefix}*`` environment variables (nothing is called yet).

    Raises ``CredentialsMissing`` naming the variables to set, ``InvalidInput`` for any problem of the mapping file (a
    write-back to a field other than the PAC fields included: the file is wrong, not the org, so exit 2 at its
    line); ``SchemaError`` is kept for what the org lacks, found once the connector calls it.
    """
    mapping = load_mapping(mapping_path)
    connector = connect(name, mapping, env, prefix=prefix, max_daily_share=max_daily_share, policy=policy)
    connector.mapping_path = Path(mapping_path)
    return connector


def connect(name: str, mapping: SalesforceMapping, env: Mapping[str, str], *, prefix: str = "PAC_SF_",
            max_daily_share: float = 0.5, policy: RetryPolicy | None = None) -> SalesforceConnector:
    """A connector from a mapping already loaded and checked (``mapping.parse_mapping``: ``pac config check``
    parses the file once) and ``{prefix}*`` environment variables (nothing is called yet)."""
    creds = Credentials.from_env(env, prefix, connector=name)
    return SalesforceConnector(name, mapping, SfClient(creds, max_daily_share=max_daily_share, policy=policy))
