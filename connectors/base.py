"""The connector interface that sync_jobs depends on, and the project's own exceptions.

Adapters translate every vendor exception into these, so sync_jobs never catches a vendor type:

* ``AuthError``: credentials refused; fatal for this connector's run.
* ``CredentialsMissing``: a credential variable not set, empty or malformed, found while the connector is built
  (before any call): a configuration problem (an ``InvalidInput``, exit 2), not a ``ConnectorError``.
* ``RateLimited(retry_after)``: the CRM asked us to slow down; retriable after ``retry_after`` s.
* ``QuotaExhausted``: the configured share of the daily allocation is spent; stop, resume tomorrow.
* ``TransientError``: 5xx, dropped connection, timeout; retriable with backoff.
* ``RecordRejected(id, reason)``: one record refused (on read: malformed; on write: validation).

A record a pull cannot normalise is not raised but yielded, as ``Rejected`` made by
``pac_core.reject_codes.rejection(source, object, id, code, **values)``: a stable code of ``reject_codes.CODES`` and
its values (``missing_field``, ``field="CloseDate"``), whose English (``Rejected.reason``, stored and shown to ops) and
French words the table makes; never free text, which no reader could word in its language.
* ``RequestRefused``: a whole request refused as invalid (HTTP 400): bad input, exit 2, not "CRM unreachable".
* ``ReadFailed``: a read the CRM answered but could not complete by any way pac has (Salesforce: a Bulk API 2.0
  query job that failed, then the same read over REST); its message names the way out. Exit 4, not "unreachable".
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import ssl
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

from pac_core.errors import InvalidInput, Problem
from pac_core.records import AccountChange, Record, Rejected
from pac_core.text import closest, fold_value

# Credentials a connector obtains while it runs (an OAuth access token from a refresh, a Salesforce session from a
# login, a signed JWT assertion): each is handed to every hook the moment it exists, before any call can echo it.
# The layer above subscribes (``sync_jobs.secrets`` registers it for redaction); connectors import nothing of it.
_secret_hooks: list[Callable[[str], None]] = []


def on_new_secret(hook: Callable[[str], None]) -> None:
    """Call ``hook(value)`` with every credential a connector obtains from now on (once per hook)."""
    if hook not in _secret_hooks:
        _secret_hooks.append(hook)


def new_secret(value: str | None) -> None:
    """A connector obtained ``value``, a credential: every hook hears of it at once."""
    if value:
        for hook in list(_secret_hooks):
            hook(value)


# The check run before each HTTP call that writes to a CRM (``checked_writes``): the layer above passes its run-lock
# check (``sync_jobs.lock.ensure_held``), so a run that lost its lock stops before its next write call, not at the
# end of a write batch of several calls. Connectors import nothing of it: their clients call ``before_write()``.
_before_write: ContextVar[Callable[[], None] | None] = ContextVar("pac_before_write", default=None)


@contextlib.contextmanager
def checked_writes(check: Callable[[], None]) -> Iterator[None]:
    """In this block (this thread), ``check()`` runs before every write call (each attempt, retries included) a
    connector's client sends; it raises to stop the write there."""
    token = _before_write.set(check)
    try:
        yield
    finally:
        _before_write.reset(token)


def before_write() -> None:
    """Called by a client right before it sends a call that writes to its CRM (``checked_writes``)."""
    check = _before_write.get()
    if check is not None:
        check()


class ConnectorError(Exception):
    """Base of connector errors; messages never contain a secret.

    A stop raised by ``Connector.write`` (a daily quota, credentials refused) after some of its calls went through
    carries ``partial``: one entry per change of that ``write()`` call, in order, its result when the CRM answered for
    it before the stop (accepted or refused), None when it was not sent. The layer above checkpoints those the CRM
    accepted, counts them, and keeps what it made of them in ``outcome`` (``sync_jobs.writeback.WriteOutcome``)
    for the run's record before the stop goes on up."""

    partial: list[WriteResult | None] | None = None
    outcome: object | None = None


class AuthError(ConnectorError):
    pass


def certificate_refused(exc: BaseException) -> bool:
    """Whether ``exc``, or what it wraps (urllib3's ``MaxRetryError`` holds an ``SSLError`` as its reason, requests'
    ``SSLError`` a ``MaxRetryError``), is a TLS certificate that did not verify: a configuration problem (a proxy
    re-signing TLS, a CA bundle not set), never a passing outage worth retrying."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return True
        todo += [x for x in (current.__cause__, current.__context__, getattr(current, "reason", None), *current.args)
                 if isinstance(x, BaseException)]
    return False


def untrusted_certificate(host: str, ca_variable: str) -> AuthError:
    """The error for a certificate that did not verify: the host, and the variable that names the CA to trust."""
    return AuthError(f"TLS certificate verification failed for {host}: set {ca_variable} to the CA that signed its "
                     "certificate (a PEM file)")


WHERE_CREDENTIALS = "in the environment or in the file PAC_SECRETS_FILE names"


class CredentialsMissing(InvalidInput):
    """A credential variable is not set, empty or malformed: the connector cannot be built, nothing was sent to the
    CRM. Configuration (exit 2), never "CRM unreachable or credentials refused" (exit 4). Names variables, never
    values; ``connector`` (its name in the settings) leads the message when known."""

    def __init__(self, message: str, fix: str, connector: str = "") -> None:
        super().__init__(Problem(connector, message, fix))


def refuse_host_password(variable: str, value: str, example: str, connector: str = "") -> None:
    """Refuse a host variable that carries a user name and password (``https://user:pw@gateway``), never echoing it:
    pac sends none in a host, and every message naming the host would print it (audit secretsaudit)."""
    if "@" in urlsplit(value if "://" in value else f"https://{value}").netloc:
        raise CredentialsMissing(f"{variable} holds a user name and password (before '@'): pac sends none in a host "
                                 "and would show it wherever it names the host",
                                 f"set it to the host alone, e.g. {example}", connector)


class RateLimited(ConnectorError):
    def __init__(self, message: str, retry_after: float = 1.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


QUOTA_RESETS = "the CRM's daily API allocation has room"


class QuotaExhausted(ConnectorError):
    """The run must stop: it would spend more than the configured share of the daily allocation
    (``refused_by_crm`` false: pac's own guard, ``max_daily_share``), or the CRM refused a call because the whole
    daily allocation, which every integration shares, is spent (``refused_by_crm`` true: no setting of pac helps).
    ``resets``: when the CRM gives calls back, in its own rule, worded to follow "once" (Salesforce: a rolling 24
    hours; HubSpot: midnight in the account's time zone)."""

    def __init__(self, message: str, used: int | None = None, limit: int | None = None, *,
                 refused_by_crm: bool = False, resets: str = QUOTA_RESETS) -> None:
        super().__init__(message)
        self.used, self.limit, self.refused_by_crm, self.resets = used, limit, refused_by_crm, resets


class TransientError(ConnectorError):
    pass


class RecordRejected(ConnectorError):
    def __init__(self, record_id: str, reason: str) -> None:
        super().__init__(f"{record_id}: {reason}")
        self.record_id, self.reason = record_id, reason


class SchemaError(ConnectorError):
    """The CRM lacks an object or field the mapping needs (run ``pac crm provision``)."""


class MappingRefused(SchemaError):
    """A mapping key names what the CRM does not know or refuses to query (a HubSpot property the portal lacks, a
    Salesforce field a SOQL query refuses): the CRM was reached, the same read fails again, so the run stops before
    any write-back with exit 2 and ``problems``, each with the mapping file, line, key and fix where known; never
    "CRM unreachable" (exit 4)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


class RequestRefused(ConnectorError):
    """The CRM refused a request as invalid (HubSpot: HTTP 400, e.g. ``VALIDATION_ERROR``), with its own message. The
    CRM was reached and the credentials accepted, and sending the same request again cannot succeed: bad input (a
    mapping naming what the portal does not accept, or a request pac should not have sent), exit 2, never "CRM
    unreachable" (exit 4)."""


class ReadFailed(ConnectorError):
    """A read the CRM answered but could not complete (a Salesforce Bulk API 2.0 query job that failed or was lost,
    and the same read over REST after it): not an unreachable CRM, and its message names the setting that avoids
    it. The run stops with exit 4, as for a passing outage: nothing written, no watermark moved."""


class ObjectKind(StrEnum):
    """What a connector pulls; each has its own watermark."""

    USERS = "users"
    ACCOUNTS = "accounts"
    ACTIVITIES = "activities"
    DEALS = "deals"          # with their line items (products and quantities)
    PAC_EDITS = "pac_edits"  # manager edits made in the CRM to PAC records


class Target(StrEnum):
    """Where progress is written back."""

    AXIS = "axis"            # PAC_Axis__c / HubSpot custom object or fallback
    ACTION = "action"        # PAC_Action__c / custom object or one task per action
    ACCOUNT = "account"      # account-level fields telling reps which axes target the account


@dataclass(frozen=True)
class ManagerEdit:
    """A field a manager changed in the CRM on a PAC record: flows back into the plan.

    ``field`` is an edit name (``EDIT_FIELDS``): ``axis_status``, ``axis_priority``, ``action_status``,
    ``action_target``, ``action_due``. Connectors yield the current value of every editable field of the PAC records
    that changed, with who set it; the pipeline decides which are a person's edits (see ``sync_jobs.overrides``).
    """

    target: Target
    key: str                 # the PAC external key, e.g. "pac-2027:A-01"
    field: str
    value: Any
    modified_at: datetime
    by_id: str | None = None         # who set the value: a CRM user id (Salesforce User Id, HubSpot user id)
    by_name: str = ""                # that user's name, when the CRM gives it
    by_integration: bool = False     # set by pac's own integration user (or another app): never a manager's edit
    crm_field: str = ""              # the CRM's name of the field read (``PAC_Progress_Pct__c``), for the reports
    # whether the record holds the value where pac writes it: then an accepted edit needs no write back to this CRM
    # (an echo). False when it was read from another field than pac's own (a HubSpot fallback task's status, read
    # from ``hs_task_status`` while pac keeps the action's status in ``pac_status``): the accepted value is written
    # back to the record, so the field pac keeps says it too
    held: bool = True


EDIT_FIELDS: Mapping[Target, Mapping[str, str]] = {
    Target.AXIS: {"axis_status": "status", "axis_priority": "priority"},
    Target.ACTION: {"action_status": "status", "action_target": "target", "action_due": "window_end"},
}
"""The manager-editable values (edit name -> logical write field), per PAC record kind. Every other field pac
writes is computed: a hand change to it in the CRM is restored (drift repair)."""


EDIT_LOGICAL: Mapping[str, str] = {name: logical for fields in EDIT_FIELDS.values() for name, logical in fields.items()}


# Separates a reading's rules-and-mapping part from the fingerprint of the exchange rates its records are converted
# with (``Connector.reading``, ``Connector.rerate``).
RATES_MARK = " rates:"


def reading_of(rules: int, *parts: Any) -> str:
    """``Connector.reading``'s fingerprint: the version of the connector's normalisation rules (bumped with any change
    to how it reads a record) and the mapping's parts that one object kind's normalisation reads (JSON-able)."""
    text = json.dumps([rules, *parts], sort_keys=True, default=str, separators=(",", ":"))
    return f"{rules}:" + hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class PicklistLabels:
    """The labels of the account picklists plan scopes test, as a CRM last showed them (``Connector.labels``), kept
    by the store from one night to the next (``Connector.remember_labels``): a relabel in the CRM (a Salesforce
    picklist value or a HubSpot option shown under another label) touches no record, so the incremental reads would
    leave the accounts already stored with the old label until the next full read. Part of the accounts' reading
    fingerprint, so a change reads them in full the same night.

    ``fields``: the CRM fields asked for (the mapping's scope fields), ``labels``: of those that are picklists,
    field -> value -> label, ``stamp``: what the next night sends to ask whether they changed at all (Salesforce:
    the If-Modified-Since date of Account's describe; "" where the CRM has no such request); ``family``: likewise
    the labels of the deal lines' product family when the CRM reads it as its label (Salesforce ``Product2.Family``,
    with Product2's describe date: part of the deals' reading fingerprint, audit sffamily F1), None otherwise."""

    fields: tuple[str, ...]
    labels: Mapping[str, Mapping[str, str]]
    stamp: str = ""
    family: PicklistLabels | None = None

    def as_json(self) -> dict[str, Any]:
        out = {"fields": list(self.fields), "labels": {f: dict(v) for f, v in self.labels.items()},
               "stamp": self.stamp}
        return out | ({"family": self.family.as_json()} if self.family is not None else {})

    @classmethod
    def from_json(cls, data: Any) -> PicklistLabels | None:
        """The kept labels, or None when ``data`` is not what ``as_json`` wrote (read again in full then)."""
        if not isinstance(data, dict) or not isinstance(data.get("labels"), dict):
            return None
        labels = {str(f): {str(v): str(lab) for v, lab in table.items()}
                  for f, table in data["labels"].items() if isinstance(table, dict)}
        return cls(tuple(str(f) for f in data.get("fields") or ()), labels, str(data.get("stamp") or ""),
                   cls.from_json(data.get("family")))

    def relabelled(self, now: PicklistLabels) -> list[tuple[str, str, str, str]]:
        """(field, value, old label, new label) of each value both show under different labels, in order."""
        return [(f, value, old, new) for f, table in sorted(self.labels.items())
                for value, old in sorted(table.items())
                if (new := (now.labels.get(f) or {}).get(value)) is not None and new != old]

    def family_relabelled(self, now: PicklistLabels) -> list[tuple[str, str, str, str]]:
        """``relabelled`` for the deal lines' product family (``family``), when both keep its labels."""
        return self.family.relabelled(now.family) if self.family is not None and now.family is not None else []


@dataclass(frozen=True)
class KeptRates:
    """A CRM's dated exchange-rate rows as the store keeps them from one night to the next (Salesforce's
    ``DatedConversionRate``, ``KeepsRates``): ``rows`` by CRM id, each as read; ``stamp``: the highest
    ``SystemModstamp`` among them (None: read them all); ``full_at``: when they were last read in full; ``changed``:
    the ids of ``rows`` this run read (None: every row, read in full, replacing those kept)."""

    rows: Mapping[str, Mapping[str, Any]]
    stamp: datetime | None
    full_at: datetime | None = None
    updated_at: datetime | None = None
    changed: frozenset[str] | None = None


@dataclass(frozen=True)
class ProductRename:
    """A product value the lines of deals read again tonight no longer hold (``RenamesProducts``): ``field`` the
    line's key (``code``, ``name``, ``family``), ``old`` the value the stored lines held, ``new`` the values of that
    key the lines read again hold and the stored ones did not (a Product2 whose ``ProductCode`` P40 became P40X:
    ``("code", "P40", ("P40X",))``), ``deals`` how many deals were read again."""

    field: str
    old: str
    new: tuple[str, ...]
    deals: int
    # HubSpot: the product library item was renamed; its lines under the old and new values are one product
    # (``pac_core.products``), so the plan values on the old one still count them all
    library: bool = False


@runtime_checkable
class RenamesProducts(Protocol):
    """A connector that reads deals again because a product of their lines was edited, with nothing of the deals
    changed (Salesforce: a Product2's code, name or family edited, ``products_changed``), or reads them all (a full
    read): what the lines read so hold no longer, against the stored deals (``ProductRename``), once per pull of the
    deals."""

    def products_renamed(self) -> list[ProductRename]: ...


@runtime_checkable
class WordsUndated(Protocol):
    """A connector that stores an activity with no date for the engine to judge, and words the engine's ``no_start``
    rejection of it as it rejected such records itself (its code and values): Salesforce's done Event or Task
    (``no_activity_date``, its object by the Id's key prefix), HubSpot's engagement with no start time
    (``no_start_time``, its object kept with the stored record: ``Activity.crm_object``, audit hsundated). None for
    a record it does not word so."""

    def undated_rejection(self, record_id: str) -> Rejected | None: ...


@runtime_checkable
class WordsUnplaced(Protocol):
    """A connector that stores an activity it cannot place on an account for the engine to judge, and words the
    engine's ``no_account`` rejection of it as it rejected such records itself: HubSpot's engagement associated only
    with contacts that have no primary company (``contact_only``, its object and contacts kept with the stored record:
    ``Activity.crm_object``, ``placed_by``; audit hsplanaware), and its won deal so associated (``kind`` deals, its
    contacts in ``Deal.placed_by``; audit hsdealnocompany); Salesforce's Event or Task with no account, by why (a
    private Event, on a case with no contact, on a contact with no account, on nothing: ``sf_unplaced``, audit
    sfhints). None for a record it does not word so."""

    def unplaced_rejection(self, record_id: str, kind: str = "activities") -> Rejected | None: ...


@runtime_checkable
class ReportsCopies(Protocol):
    """A connector that can find several CRM records carrying one pac_key (HubSpot's fallback tasks: a task copied by
    hand): pac writes one, the others are left; one line naming them and what to do, for the run's summary and
    ``pac status`` (None: none this run)."""

    def copies_found(self) -> str | None: ...


@runtime_checkable
class ReportsNotices(Protocol):
    """A connector whose reads and writes can warn of the CRM as a whole (a field not history-tracked, the org's
    currency not the plan's, the PAC edits not readable, accounts whose postal code gives no département): its
    warnings of this run, each once, in order, for the run's summary and ``pac status`` (none: nothing to say). What
    ``lacking_fields`` and ``copies_found`` say is not repeated here."""

    def notices(self) -> list[str]: ...


# the stored live deals of a connector, each with its stored lines' JSON (``sync_jobs.store.records.deal_lines``)
DealLinesStored = Callable[[], Iterable[tuple[str, Sequence[Mapping[str, Any]]]]]


@runtime_checkable
class NamesProducts(Protocol):
    """A connector whose deal lines keep the product they were sold under while the product is renamed (HubSpot: a
    line item keeps its SKU and name, the library item its id): told, before an incremental pull on a night the plan
    file changed, the ``product_code`` / ``product`` values its plan scopes name (``values``) and how to read the
    stored deals' lines (``stored``). A value no stored line and no line read that night is known by is looked up
    in the product library; the stored deals holding lines of a product so found are stored again knowing its
    current SKU and name (audit renames F2): an axis written on a product's new SKU counts its old lines that
    morning."""

    def note_plan_products(self, values: Sequence[str], stored: DealLinesStored) -> None: ...


@runtime_checkable
class KeepsRates(Protocol):
    """A connector whose exchange rates the store keeps (Salesforce with advanced currency management): given the
    rows kept (None: read them all, the periodic reconciliation), it reads only those changed since, and says what to
    keep after its run (None: nothing read, nothing to keep)."""

    def remember_rates(self, kept: KeptRates | None) -> None: ...

    def rates_to_keep(self) -> KeptRates | None: ...


def same_value(a: Any, b: Any) -> bool:
    """Whether two field values are the same once read back from a CRM ("2.0", 2, 2.0; "" and None; the case of
    picklist values aside): the one comparison of what pac wrote with what a CRM shows."""
    if a in (None, "") or b in (None, ""):
        return a in (None, "") and b in (None, "")
    if isinstance(a, bool) or isinstance(b, bool):
        return str(a).lower() == str(b).lower()
    try:
        return abs(float(a) - float(b)) < 1e-6
    except (TypeError, ValueError):
        return str(a).strip().lower() == str(b).strip().lower()


@dataclass(frozen=True)
class PacValue(ManagerEdit):
    """A computed field's current value on a PAC record, as read from the CRM (``field`` is the logical write
    field: ``done``, ``progress_pct``...): pac compares it with what it should be and restores it if needed."""


@dataclass(frozen=True)
class PacListed:
    """The keys of every PAC record of ``target`` the CRM holds, yielded once by a full read of the PAC records
    (``ObjectKind.PAC_EDITS`` with no start) that listed them all: a key pac wrote that is not among them was deleted
    in the CRM (an admin's clean-up), so its "last written" row is forgotten and the record written again in full.
    A read that could not list a kind (a PAC object missing, a layout that keeps no such record) yields none for it."""

    target: Target
    keys: frozenset[str]


@dataclass(frozen=True)
class HistoryRead:
    """The accounts whose state history the CRM keeps a full read of the accounts read (HubSpot's
    ``propertiesWithHistory``): ``ids``, each for ``fields``, (state field, the CRM property it was read from; ""
    for a field the mapping no longer reads). Yielded after the ``AccountChange`` items that read gave, only for the
    accounts the CRM answered; the store keeps them with those changes (``pac_history_read``) and the next full
    reads read no history of them again (``StoredRecords.histories``)."""

    ids: tuple[str, ...]
    fields: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class WriteChange:
    """One record to upsert: logical field names -> values (only what changed since last write).

    Logical fields (the mapping turns them into CRM fields): name, status, priority, target, done,
    progress_pct, pace, window_start, window_end, revenue, objective, roi, last_synced, axis_key,
    owner_email, axes (for accounts: the axes that target the account).
    ``crm_id`` is set for ``Target.ACCOUNT`` (accounts are updated by id, never created).
    """

    target: Target
    key: str
    fields: Mapping[str, Any]
    crm_id: str | None = None


REMOVED_PACE = "removed"
"""The pace of a PAC record whose axis or action is no longer in the plan (``sync_jobs.diff.REMOVED``, a value of the
CRMs' pace picklists, never an engine pace)."""
REMOVED_LABEL = "removed_label"
"""A retired action's logical field, for a CRM that keeps it (HubSpot's fallback tasks): the words, in the plan's
language, its task's subject starts with once the action is removed (``sync_jobs.diff.retired_fields``)."""

CRM_STAMP = "crm_modified_at"
# The key of ``Account.custom`` under which a connector keeps the account PAC fields the CRM holds, as read with the
# account: {"axes": ..., "target": ..., "at": the read's change stamp, ISO}, and, when the CRM keeps only so many
# characters of ``axes`` (Salesforce's ``PAC_Axes__c``, 255), "length": that many (the write cuts the list to whole
# tokens, ``pac_core.text.cut_list``: the held value is compared with the wanted one cut alike), diffed with what they
# should be (``sync_jobs.account_targets``: a hand edit, a merged account's inherited values, or values a store that
# never wrote them cannot know of, are repaired). Not a scope field (a plan's ``custom.<name>`` never holds a colon).
HELD_PAC = "pac:held"
"""The key under which a last-written row keeps the CRM's change stamp of pac's write (``WriteResult.modified_at``,
ISO UTC): the next incremental pull tells pac's own writes from other changes by it."""
RESTORED = "pac:restored"
"""The key under which a last-written PAC record's row keeps drift repair's state (``sync_jobs.drift``): per logical
field pac sent again, the CRM's value it found, the value it wrote back and whether an automation is known to rewrite
it (``{"found": …, "to": …, "held": bool}``). A connector may read it (HubSpot reads the property history of such a
field, to tell an automation from a person)."""


@dataclass(frozen=True)
class WriteResult:
    key: str
    ok: bool
    crm_id: str | None = None
    error: str = ""
    retryable: bool = False   # e.g. UNABLE_TO_LOCK_ROW: retried on the next run
    modified_at: datetime | None = None   # the record's change stamp right after this write, when the CRM says
    # logical fields of the change the connector left out of an accepted write (an owner e-mail with no active CRM
    # user, warned): not recorded as written, so the next run sends them again. When they are all its fields
    # (``nothing_to_send``), nothing was sent: the record is neither written nor refused
    unsent: frozenset[str] = frozenset()
    # False: accepted, but this CRM's layout keeps no such record (HubSpot without custom objects: an axis's figures);
    # recorded as written, so it is not sent again, and not counted among the records written
    stored: bool = True
    # accepted, but a link that goes with it failed (HubSpot: the action's association to its axis, a company's to
    # the axes that target it): what failed, in words; the field that makes the link is in ``unsent``, so the next
    # run sends it and makes the link again. Reported among the run's errors (the run is partial)
    link_error: str = ""
    # of ``unsent``, the fields withheld because their link failed (not for another reason): a full reconciliation of
    # links later in the run (``Connector.settle_links``) that makes the link lets them be recorded as written
    link_fields: frozenset[str] = frozenset()
    # the upsert created the record (Salesforce's UpsertResult ``created``, HubSpot's batch upsert result ``new``):
    # for a key pac had written, the record was deleted in the CRM since, and this write made a new one holding only
    # the fields sent: what was last written is replaced by them, and the pipeline sends the whole record again
    created: bool = False

    def recorded(self) -> dict[str, str]:
        """What the last-written row keeps beside the fields sent: the CRM's change stamp of this write."""
        return {CRM_STAMP: self.modified_at.isoformat()} if self.modified_at is not None else {}

    def with_unsent(self, unsent: frozenset[str]) -> WriteResult:
        """This result with ``unsent`` named when the write was accepted (a refused one records nothing anyway)."""
        return replace(self, unsent=unsent) if self.ok and unsent else self


def deleted_since_read(crm: str) -> str:
    """What a write refused because its account was deleted in ``crm`` after the night's read says, beside the CRM's
    own message (Salesforce's ``ENTITY_IS_DELETED``, HubSpot's not found on a company update). The failure is
    retryable ("retried next run"): nothing in the CRM is to fix, the next run reads the deletion (Salesforce's
    deleted rows, HubSpot's archived list) and retires the account; a permanent deletion (a Recycle Bin emptied, a
    GDPR deletion) is in neither, and is retired by the next full read (audits sfdocs F2, hsdocs F2)."""
    return (f"the record was deleted in {crm} since tonight's read: nothing to fix, pac retires it when it reads the "
            "deletion, the next run (a permanent deletion: the next full read)")


@dataclass(frozen=True)
class LinkFailure:
    """A link between CRM records (a HubSpot association) that a connector's full reconciliation of links
    (``Connector.settle_links``) could not make or remove. ``crm_id`` names the PAC record or account whose
    ``field`` (an action's ``axis_key``, an account's ``axes``) makes the link again when it is written once more:
    the pipeline forgets that field from what was last written there, so the next run sends it; None when no record
    can carry it (the read of an axis's links failed: the next full reconciliation settles it). ``target`` is that
    record's kind; ``error`` says what failed, for the run's errors."""

    target: Target
    crm_id: str | None
    field: str
    error: str

    @property
    def fields(self) -> frozenset[str]:
        """The fields left unrecorded for this link: an account's ``target`` goes with its ``axes`` (a company
        cleared of every axis is written again only while what was last written to it differs from the cleared
        values)."""
        return frozenset({"axes", "target"}) if self.field == "axes" else frozenset({self.field})


def nothing_to_send(change: WriteChange, unsent: frozenset[str]) -> bool:
    """Whether ``change`` has nothing left to send once its ``unsent`` fields are left out: ``last_synced`` only
    rides along a change (an owner that still cannot be set, night after night, costs no write)."""
    return bool(unsent) and not set(change.fields) - unsent - {"last_synced"}


def nothing_sent(change: WriteChange) -> WriteResult:
    """The result of a change with nothing to send (``nothing_to_send``): no call made, nothing recorded as written."""
    return WriteResult(change.key, True, change.crm_id, unsent=frozenset(change.fields))


@dataclass
class AxesRefused:
    """The new PAC axes (no record in the CRM yet) the CRM refused during the run, each with why. An action linked to
    one cannot name it (Salesforce resolves the action's axis lookup by the axis's key, HubSpot associates record
    ids), so it waits: not sent, a retryable failure naming its axis, and sent with it on the next run, whichever
    ``write()`` of the run sends it (the pipeline sends the axes and the actions in separate batches). An axis that
    has a record is named by it even when its update failed: its actions are sent. One rule for both connectors."""

    crm: str
    refused: dict[str, str] = field(default_factory=dict)

    def note(self, key: str, result: WriteResult | None, has_record: bool) -> None:
        """What the write of axis ``key`` gave: refused with no record, its actions wait; written, they go."""
        if result is None:
            return
        if result.ok:
            self.refused.pop(key, None)
        elif not has_record:
            self.refused[key] = result.error

    def waiting(self, change: WriteChange, axis: str | None) -> WriteResult | None:
        """The result of an action whose axis ``axis`` was refused (not sent), or None: the action is sent."""
        if not axis or axis not in self.refused:
            return None
        return WriteResult(change.key, False, change.crm_id,
                           f"held back: its axis {axis} was not written to {self.crm} ({self.refused[axis]}); "
                           "the action is written once its axis is", retryable=True)


def own_stamps(written: Mapping[tuple[str, str], Any] | None, target: Target) -> dict[str, datetime]:
    """CRM id -> the change stamp of pac's last write to it, from last-written rows (``remember_written``)."""
    out: dict[str, datetime] = {}
    for (kind, _key), row in (written or {}).items():
        stamp = row.fields.get(CRM_STAMP) if kind == target.value else None
        if stamp and row.crm_id:
            try:
                out[str(row.crm_id)] = datetime.fromisoformat(str(stamp))
            except ValueError:
                continue
    return out


@dataclass
class ApiUsage:
    """API calls spent by this connector in this run, and the CRM's own figures when it gives them."""

    calls: int = 0
    used: int | None = None        # e.g. Sforce-Limit-Info api-usage used
    limit: int | None = None       # the daily allocation
    by_endpoint: dict[str, int] = field(default_factory=dict)

    @property
    def remaining(self) -> int | None:
        if self.used is None or self.limit is None:
            return None
        return self.limit - self.used


@dataclass(frozen=True)
class SchemaIssue:
    object: str
    field: str | None
    problem: str
    fix: str
    by_provisioning: bool = True     # `pac crm provision` fixes it (else only what ``fix`` says does)


# line ids -> {line id: id of the stored live deal holding it} (``Connector.remember_stored_lines``)
LineHolders = Callable[[Sequence[str]], Mapping[str, str]]


@dataclass
class StoredRecords:
    """What a pull may ask of the store its records go to (``Connector.remember_stored``), and where it leaves the
    data-quality warnings it adds (listed with the engine's, as ``Rejected``: source, object, id, "rule: detail").

    ``live(kind, ids)``: id -> its stored account id ("" when none), for those of ``ids`` the store holds as live
    records of ``kind`` (``"accounts"``, ``"activities"``, ``"deals"``); ``retired(kind)``: the ids of ``kind`` the
    store holds as deleted, retired lately (within a CRM's recycle-bin time) with their whole record (not an id
    merged away or moved out of what the mapping reads); ``placed(kind, ids)``: id -> (its stored account id, the
    associations that placed it there, ``placed_by``), for those of ``ids`` the store holds as live records of
    ``kind`` placed through their contacts' primary company (a contact's change of employer then moves nothing);
    ``records(kind, ids)``: id -> the stored record, with its stamp, for those of ``ids`` the store holds as live
    records of ``kind`` (a HubSpot search result at the stamp the store holds needs none of its links read again);
    ``holding(kind, account_ids)``: those of ``account_ids`` the store holds a live record of ``kind`` on (a
    Salesforce merge loser still holding visits or deals: its winner's are read again; default: every one);
    ``unplaced(kind)``: the ids of the live records of ``kind`` the store holds with no account and something that
    placed them noted (``placed_by``): HubSpot's engagements and won deals on contacts with no primary company, whose
    contacts a night checks again (default: none); ``histories(account_ids)``: account id -> {state field: the CRM
    property its kept history was read from} (``HistoryRead``), for those of ``account_ids`` whose history a full
    read read (default: none, every history read; ``pac sync --full`` asked by the user passes none too);
    ``changes(account_ids)``: account id -> its recorded changes of the state fields (``AccountChange``), in time
    order, for those of ``account_ids`` the store holds any of, deleted ones included (default: none): the past of
    the companies a HubSpot merge retires, which becomes the merged company's;
    ``several(kind)``: the ids of the live records of ``kind`` the store holds with other companies noted beside the
    one counted (``Activity.also_on``): HubSpot's engagements on several companies nothing told apart, whose company
    associations a night checks again (default: none)."""

    live: Callable[[str, Sequence[str]], Mapping[str, str]]
    retired: Callable[[str], Sequence[str]]
    placed: Callable[[str, Sequence[str]], Mapping[str, tuple[str, tuple[str, ...]]]]
    records: Callable[[str, Sequence[str]], Mapping[str, Record]] = field(default=lambda _kind, _ids: {})
    holding: Callable[[str, Sequence[str]], Set[str]] = field(default=lambda _kind, ids: set(ids))
    warnings: list[Rejected] = field(default_factory=list)
    unplaced: Callable[[str], Sequence[str]] = field(default=lambda _kind: ())
    histories: Callable[[Sequence[str]], Mapping[str, Mapping[str, str]]] = field(default=lambda _ids: {})
    changes: Callable[[Sequence[str]], Mapping[str, Sequence[AccountChange]]] = field(default=lambda _ids: {})
    several: Callable[[str], Sequence[str]] = field(default=lambda _kind: ())


@runtime_checkable
class Connector(Protocol):
    """One configured CRM (a Salesforce org, a HubSpot portal): everything a run, ``pac crm`` and the
    benchmarks ask of it. Callers use these members directly (no ``getattr`` probing); a connector with
    nothing to do for one of them implements it as a no-op."""

    name: str       # the connector instance name, used as Record.source ("sf-main")
    crm: str        # "salesforce" | "hubspot" (a key of ``connectors.registry.CRMS``)
    # the fields whose links ``settle_links`` compares and makes: a write-time link failure of those fields alone
    # is made by a run that settles its links (empty for a CRM whose links are fields)
    settled_link_fields: frozenset[str]
    labels_language: str   # language of the labels ``provision_schema`` writes ("en" or "fr"), where the CRM has any
    # how many days after a deletion the CRM still shows it to an incremental read (Salesforce's Recycle Bin: 15);
    # a pull whose object was last read longer ago than that reads in full (``sync_jobs.pull``); None: no such limit
    deletions_kept_days: int | None
    # the connector's own reconciliation period (a Salesforce mapping's ``reconciliation_days``), used when pac.yaml
    # gives the connector none; None: pac's default (``pac_config.settings.RECONCILIATION_DAYS``)
    reconciliation_days: int | None

    # -- read ------------------------------------------------------------------------------------
    def parts(self, kind: ObjectKind) -> tuple[str, ...]:
        """The CRM objects a pull of ``kind`` reads, in order (activities: Salesforce ``Event`` and ``Task``, HubSpot
        ``meetings`` and ``calls``, as the mapping enables them). Each keeps its own watermark: read one after the
        other, a later object's newest change can be well past a change made to an earlier one after it was read,
        so one watermark for both would skip that change."""
        ...

    def pull(self, kind: ObjectKind, since: datetime | None, *, full: bool = False, part: str | None = None
             ) -> Iterator[Record | Rejected | ManagerEdit | PacListed | AccountChange | HistoryRead]:
        """Records changed at or after ``since`` (minus the connector's overlap), lazily; only those of ``part`` (one
        of ``parts(kind)``) when given. A full read of the accounts may also yield ``AccountChange`` items: changes
        of their state fields the CRM kept (Salesforce's ``AccountHistory``), which the store records where it
        knows none of its own (``UnitOfWork.record_history``), and ``HistoryRead`` items: the accounts whose kept
        history it read (HubSpot: read once per company, ``StoredRecords.histories``).

        ``since=None`` or ``full=True`` reads everything (a full reconciliation): the pipeline then
        treats records it has stored but did not see as deleted. Deleted and archived records are
        yielded with ``deleted=True`` where the CRM exposes them. ``ObjectKind.PAC_EDITS`` yields the
        current values of the PAC records (``ManagerEdit`` / ``PacValue``), with who set them, and, on a full
        read, one ``PacListed`` per PAC object it listed completely (the keys of every record it holds).
        """
        ...

    def reading(self, kind: ObjectKind) -> str:
        """A short fingerprint of everything that decides how ``kind``'s CRM records become stored records: the
        mapping's read side for it and the connector's normalisation rules (``reading_of``). When it differs from
        the one the store kept with the object's last full read, the next pull of ``kind`` is a full read, so every
        stored record is normalised again by the rules in force (a mapping edited by ops staff applies to the
        records already stored, not only to those that change next).

        A reading may end with ``RATES_MARK`` and the fingerprint of the exchange rates its records are converted
        with (a multi-currency Salesforce org): when only that part differs from the kept one, the stored records are
        converted again in the store (``rerate``) instead of being read again (``sync_jobs.pull``)."""
        ...

    def rerate(self, record: Record) -> Record:
        """``record`` as stored, with the CRM's exchange rates of this run (a reading's ``RATES_MARK`` part): what a
        full read of it would store now when only the rates changed. A connector whose readings carry no rates part
        returns it unchanged."""
        ...

    def remember_written(self, written: Mapping[tuple[str, str], Any]) -> None:
        """What pac last wrote to this CRM's PAC records (``(target, key) -> row with .fields``), given before
        the pull: records whose editable values all equal it need no field-history read."""
        ...

    def remember_stored_lines(self, holders: LineHolders) -> None:
        """How to find, among the live deals the store keeps for this connector, those whose stored lines hold given
        CRM line ids (``DealLine.id``: line id -> deal id), given before the pull: HubSpot lists a deleted line item
        without its deal, and reads that deal again the same night; a no-op for a CRM that needs none."""
        ...

    def remember_stored(self, stored: StoredRecords) -> None:
        """What the store keeps for this connector (``StoredRecords``), given before the pull: HubSpot follows a
        company merge's children while the merged ids are still live there, keeps the company of a record a contact
        deletion left with no association at all, and reads again a record it retired that its recycle bin no
        longer lists (restored); a no-op for a CRM that needs none."""
        ...

    def remember_labels(self, kept: PicklistLabels | None) -> None:
        """The labels of the picklists plan scopes test as the store kept them from the last night that read them
        (``PicklistLabels``; None: none kept), given before the pull: the accounts' ``reading`` asks the CRM whether
        they changed since (Salesforce: one describe with ``If-Modified-Since``, 304 when nothing changed)."""
        ...

    def labels(self) -> PicklistLabels | None:
        """The labels this run's ``reading`` of the accounts found (kept by the store for the next night, compared
        with ``remember_labels``'s to name a relabel); None when it read none (no picklist in the plan scopes)."""
        ...

    # -- write -----------------------------------------------------------------------------------
    def keeps(self, target: Target) -> frozenset[str]:
        """The logical fields this CRM keeps for ``target``: the pipeline sends no extended field
        (``sync_jobs.diff.EXTENDED_FIELDS``) outside it."""
        ...

    def account_fields(self) -> dict[str, str]:
        """Logical account field (``axes``, ``target``) -> the CRM field the account write-back fills; empty when
        the mapping writes nothing on accounts."""
        ...

    def lacking_fields(self) -> str | None:
        """One line naming the PAC fields this run found missing in the CRM (an org or portal provisioned by an
        older pac: left out of the write-back, see ``keeps``) and the command that creates them, for the run's
        summary and log; None when nothing is missing (or not known yet)."""
        ...

    def note_plan_zone(self, timezone: str) -> None:
        """The IANA timezone of the plan this run syncs (``Plan.timezone``), given before the pull and before the
        write: the day of an instant the CRM keeps for an action's last day is the day in that zone (HubSpot's task
        due date ``hs_timestamp``, written as noon of that day there and read back as its day there); a connector
        that writes no such instant ignores it."""
        ...

    def note_axis_targets(self, plan_id: str, companies: Mapping[str, Iterable[str]],
                          owners: Mapping[str, str] | None = None) -> None:
        """The targets in this CRM (axis token, as the accounts' ``axes`` name it -> account ids), given before
        ``write`` (HubSpot links each axis to its companies; a CRM without such links ignores it). The tokens are
        the axis ids of ``plan_id``, or of the plan ``owners`` names for them (plans sharing the CRM), or whole
        axis keys ``plan:AX-01`` (an id two plans share)."""
        ...

    def write(self, changes: Sequence[WriteChange]) -> list[WriteResult]:
        """Upsert in batches at the CRM's maximum; one result per change, in order."""
        ...

    def settle_links(self) -> list[LinkFailure] | None:
        """After a real run's writes, on a run that read every account (a full reconciliation, once per run): the
        links between PAC records and accounts the CRM keeps apart from fields (HubSpot associations: each action
        to its axis, each axis to its companies) compared with what the CRM holds and made equal to the plan, even
        when nothing was written; the links it could not make or remove. None, and no call, on other runs or for a
        CRM whose links are fields (Salesforce lookups, written with the records)."""
        ...

    # -- schema ----------------------------------------------------------------------------------
    def check_schema(self) -> list[SchemaIssue]:
        """What the CRM lacks for reading the mapping and writing PAC results."""
        ...

    def provision_schema(self) -> list[str]:
        """Create what ``check_schema`` reports missing, idempotently; returns what was done."""
        ...

    # -- limits, secrets, life -------------------------------------------------------------------
    def usage(self) -> ApiUsage:
        """API calls spent by this connector so far, and the CRM's own figures (``QuotaExhausted`` guards them)."""
        ...

    def secrets(self) -> list[str]:
        """Credential values to redact from every log line (live sessions included, once they exist)."""
        ...

    def close(self) -> None:
        ...


# a product scope value may be a line's code or name as well as its family: never "no such label", and said so
FAMILY_ASIDE = {"product": " (a product code or name written so still matches)"}


def label_warnings(options: Sequence[tuple[str, str]], plan_values: Mapping[str, Sequence[tuple[str, str]]] | None,
                   keys: Sequence[str], internal: tuple[str, str], unknown: str,
                   aside: Mapping[str, str] | None = None) -> list[str]:
    """``pac config check --online``'s warnings of the plans' scope values (``plan_values``: scope field -> (where,
    value)) under ``keys`` against the options (internal value, label) of a field the connector reads as labels
    (Salesforce ``toLabel()``, a HubSpot dropdown): a value written as an option's internal value names the label to
    write (``internal``: the words before and after the label, what it is; ``aside[key]`` may add a note); a value
    matching no label gets ``unknown`` and the closest label, except under a key of ``aside`` (a ``product`` value may
    be a code or a name)."""
    labels = [label for _, label in options]
    shown = ", ".join(f"{label!r}" for label in labels[:3]) + (", ..." if len(labels) > 3 else "")
    by_label = {fold_value(label) for label in labels}
    by_value = {fold_value(v): label for v, label in options}
    aside = aside or {}
    out = []
    for key in keys:
        for where, value in (plan_values or {}).get(key, ()):
            folded = fold_value(value)
            if folded in by_label:
                continue
            if folded in by_value:
                label = by_value[folded]
                out.append(f"warning: {where}: {value!r} {internal[0]}{label!r}{internal[1]}: pac reads the label, so "
                           f"write {label!r}{aside.get(key, '')}")
            elif key not in aside:
                close = closest(value, labels)
                out.append(f"warning: {where}: {value!r} {unknown}"
                           + (f" (did you mean {close!r}?)" if close else f" (its labels: {shown})"))
    return out
