"""Normalised CRM records: the language every connector translates into.

Ids are the CRM's own; the pair (source, id) is unique. ``source`` names the connector instance
("sf-main", "hs-west"). ``modified_at`` is the CRM's change stamp, which drives watermarks.
The same person in two CRMs is one owner, matched by e-mail through ``User``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from pac_core.plan import ActivityType

_EMPTY: Mapping[str, Any] = MappingProxyType({})


class ActivityStatus(StrEnum):
    COMPLETED = "completed"
    PLANNED = "planned"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class DealStage(StrEnum):
    WON = "won"
    LOST = "lost"
    OPEN = "open"


@dataclass(frozen=True, slots=True)
class User:
    id: str
    source: str
    email: str | None          # lower-case; None when the CRM has none (reported, never matched)
    name: str = ""
    active: bool = True
    modified_at: datetime | None = None
    # the e-mails this user id held before ``email``, oldest first, as pac saw them (lower-case): kept by the store
    # when a pull reads the user under another e-mail (a connector never gives them); ``pac_core.people``
    former_emails: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    source: str
    name: str
    postal_code: str | None = None
    departement: str | None = None     # code: "69", "2A", "971"; None when it cannot be derived
    region: str | None = None          # 2016 région name
    country: str | None = None         # ISO 3166 alpha-2 when known ("FR")
    industry: str | None = None
    account_type: str | None = None
    annual_revenue: Decimal | None = None
    owner_id: str | None = None
    dormant: bool | None = None        # an explicit CRM flag when the mapping has one
    custom: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    deleted: bool = False
    modified_at: datetime | None = None
    # the currency ``annual_revenue`` is in, as the CRM gives it (None: not said, taken to be the plan's), and the
    # CRM's own exchange rates that apply to it (a multi-currency Salesforce org's ``CurrencyType`` rates; None: it
    # gave none): the engine converts the annual revenue into the plan's currency with them, as a deal's amount
    # (``pac_core.fx.conversion``), before comparing it with a scope's ``annual_revenue`` bounds
    currency: str | None = None
    rates: CrmRates | None = None


HISTORY_FIELDS = ("dormant", "owner_id", "account_type")   # account attributes whose change is a change of state


@dataclass(frozen=True, slots=True)
class AccountChange:
    """One recorded change of an account attribute whose change is a change of **state**, not a data fix
    (``HISTORY_FIELDS``: the CRM dormant flag, the owner, the account type): the store records one when an upsert
    changes it (``sync_jobs/store/records.py``). ``changed_at`` (aware) is when it was seen to change: the CRM's
    modification stamp of the account when it moved with the change, else the run's instant. The engine reads such
    a field as of a reference date (an action's window's first day, an axis's objective period's first day): the
    ``old`` value of the first change on or after that local day, else the account's current value
    (``value_on``). Other attributes (département, industry...) are corrections: always read as they are now."""

    source: str
    account_id: str
    field: str                 # one of HISTORY_FIELDS
    changed_at: datetime
    old: Any = None
    new: Any = None


def value_on(current: Any, changes: Sequence[AccountChange], day: date, zone: tzinfo) -> Any:
    """The value of one field in force at the start of ``day`` (a local day of ``zone``): the ``old`` value of the
    first of ``changes`` (one account's changes of that field, in time order) made on or after that day, else
    ``current``. A change made during the reference day itself is after its start: not yet in force."""
    for change in changes:
        if change.changed_at.astimezone(zone).date() >= day:
            return change.old
    return current


def account_on(account: Account, changes: Sequence[AccountChange], day: date, zone: tzinfo) -> Account:
    """``account`` with its ``HISTORY_FIELDS`` as in force at the start of ``day`` (``value_on``; ``changes``: its
    recorded changes, any field, any order); the account itself when none differs."""
    values = {}
    ordered = sorted(changes, key=lambda c: c.changed_at)
    for name in HISTORY_FIELDS:
        of_field = [c for c in ordered if c.field == name]
        if of_field:
            value = value_on(getattr(account, name), of_field, day, zone)
            if value != getattr(account, name):
                values[name] = value
    return replace(account, **values) if values else account


@dataclass(frozen=True, slots=True)
class Activity:
    """A visit report, call, meeting... ``start`` is aware (UTC from the CRM).

    All-day events carry ``day`` (a calendar date, never shifted by timezone) and no ``start``. A record with both
    (a Salesforce Task completed before its due date: ``day`` the due date, ``start`` the completion instant) is
    dated at the earlier of the two, the day's 00:00 in the plan's timezone (``moment``): it happened by then.
    ``type`` is None when the record matched no mapped activity type.
    ``whole_day``: the all-day activity is a calendar entry that takes its whole ``day`` and has no status of its own
    (a Salesforce all-day Event: the status is the mapping's default, read from no field), so it has happened once
    that day is over (at the next local midnight), not from its first minute; otherwise a ``day`` is the day the
    activity was done on (a completed task's date), counted from that day's start.
    ``placed_by`` and ``also_on`` are the connector's, kept by the store, never read by the engine: the associations
    that placed the activity on its account when its contacts' primary company did (HubSpot, ``"contact:7001"``,
    ``"company:10001"``), so a contact's change of employer does not move it at the next read; the other accounts it
    is associated with when nothing told which one it was about (HubSpot engagements have no primary company), named
    by ``pac explain``; on a Salesforce Event or Task with no account, why it has none (``private``, ``who:<Id>``,
    ``what:<Id>``, ``none``: ``connectors.salesforce.normalise.unplaced_by``), so the engine's ``no_account`` of it
    tells the rep what to change (audit sfhints). ``crm_object`` is the connector's too: the CRM object an undated
    record was read from where its ids do not tell it (a HubSpot engagement with no start time: ``meeting``,
    ``call``, ``e-mail`` or ``task``), so the engine's ``no_start`` of it is worded as the connector rejected it
    (``connectors.base.WordsUndated``); None on every other record.
    """

    id: str
    source: str
    type: ActivityType | None
    owner_id: str | None
    account_id: str | None
    start: datetime | None
    status: ActivityStatus = ActivityStatus.COMPLETED
    subject: str = ""
    day: date | None = None
    deleted: bool = False
    modified_at: datetime | None = None
    whole_day: bool = False
    placed_by: tuple[str, ...] = ()
    also_on: tuple[str, ...] = ()
    crm_object: str | None = None

    def moment(self, zone: tzinfo) -> datetime | None:
        """The instant the activity is dated at in a plan of this timezone: its start, else 00:00 of its day there,
        the earlier of the two when it has both (a naive start is given as it is: the engine rejects it)."""
        start, day = self.start, self.day
        if day is None or (start is not None and start.tzinfo is None):
            return start
        midnight = datetime.combine(day, time(0), tzinfo=zone)
        return midnight if start is None or midnight <= start else start

    def when(self, zone: tzinfo) -> datetime | date | None:
        """What a reader is shown as the activity's date: its day when it is dated by it (an all-day event, a task
        done on or after its due date), else its start instant."""
        moment = self.moment(zone)
        return self.day if self.day is not None and moment != self.start else moment


def past_at(when: datetime | date | None, as_of: datetime, zone: tzinfo) -> bool:
    """Whether an activity shown at ``when`` (``Activity.when``) is on a **past date** at ``as_of``: an instant
    before it; a day (a task dated by its due day alone, an all-day event) once that local day is over, at the next
    local midnight, as a whole-day activity has happened then. A task due today and still "Not Started" at the 02:00
    night is today's to-do, not one whose status nobody updated (audit oracle2counts F2, 6 Dec 2026)."""
    if when is None:
        return False
    if isinstance(when, datetime):
        return when < as_of
    return datetime.combine(when + timedelta(days=1), time(0), tzinfo=zone) <= as_of


@dataclass(frozen=True, slots=True)
class DealLine:
    """One product line of a deal. ``product`` is the key production capacity is configured by (the
    mapping's product field); ``code``, ``family`` and ``name`` are what product scopes match
    (Salesforce ``Product2.ProductCode`` / ``Product2.Family`` / ``Product2.Name``; HubSpot ``hs_sku`` /
    a mapped family property / ``name``). ``amount`` is in the deal's currency, unless ``currency`` names the line's
    own: a HubSpot line item priced in another currency than its deal that the deal's own HubSpot rates do not
    convert (a CHF line on an EUR deal), which the engine converts into the plan's currency on its own, with
    ``engine.fx_rates`` (``fx.for_lines``); such a line is no part of the deal's amount in its currency
    (``revenue.lines_total``). ``id`` is the CRM's own line id where the connector needs it kept (a HubSpot line
    item's: a line deleted in HubSpot is listed without its deal, whose lines the connector then reads again, found by
    the ids the store keeps); None elsewhere."""

    product: str
    quantity: Decimal
    amount: Decimal | None = None
    service_date: date | None = None
    code: str | None = None
    family: str | None = None
    name: str | None = None
    id: str | None = None
    currency: str | None = None        # the line's own currency when it is not its deal's (above); None: the deal's
    # the product library item the line was made from (HubSpot ``hs_product_id``), and the other SKUs and names that
    # item is known by: its library values when the line was read, then (``products.linked``) every SKU and name a
    # line made from it holds, so a product renamed in the library keeps its old and new lines together
    product_id: str | None = None
    codes: tuple[str, ...] = ()
    names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CrmRates:
    """The CRM's own exchange rates for one deal, as they were in force on its close date (for an account's annual
    revenue, a Salesforce org's ``CurrencyType`` rates, which apply to every record but opportunities): ``rates``
    pairs each currency with an amount of it worth as much as ``rates`` of any other (``(("EUR", 1), ("CHF", 0.95),
    ("USD", 1.10))``: a Salesforce org's rates against its corporate currency ``corporate``, whose own is 1;
    HubSpot's deal amount and "Amount in company currency", ``(("EUR", 4600), ("USD", 5000))``). An amount of ``a``
    in X is ``a * rates[Y] / rates[X]`` in Y, rounded half up to Y's minor unit (``places`` for the corporate
    currency), one record and one line at a time, as the CRM's own reports convert it (``pac_core.fx.Conversion``)."""

    corporate: str
    rates: tuple[tuple[str, Decimal], ...]
    places: int = 2                    # the corporate currency's decimals (Salesforce ``DecimalPlaces``)
    # False: a Salesforce org without advanced currency management, whose one rate per currency (``CurrencyType``)
    # converts every opportunity whatever its close date (audit sfhand5)
    dated: bool = True

    def rate(self, currency: str) -> Decimal | None:
        return next((r for c, r in self.rates if c == currency), None)

    def text(self) -> str:
        """How the store keeps it: ``EUR 2 EUR=1 CHF=0.95`` (one text, shared by the deals of one rate table);
        ``EUR 2 static EUR=1 CHF=0.95`` for an org's undated rates."""
        return " ".join([self.corporate, str(self.places), *([] if self.dated else [STATIC_RATES]),
                         *(f"{c}={r}" for c, r in self.rates)])

    @classmethod
    def parse(cls, text: str) -> CrmRates:
        corporate, places, *pairs = text.split()
        dated = not pairs or pairs[0] != STATIC_RATES
        return cls(corporate, tuple((c, Decimal(r)) for c, r in (p.split("=", 1) for p in pairs[0 if dated else 1:])),
                   int(places), dated)


STATIC_RATES = "static"     # CrmRates.text's word for an org's undated rates


@dataclass(frozen=True, slots=True)
class Deal:
    """A deal (opportunity). ``close_date`` is the CRM's plain date (Salesforce ``CloseDate``); when the CRM
    keeps the close as an instant (HubSpot ``closedate``), ``closed_at`` holds it (aware) and ``close_date``
    its UTC date, for storage only: the day a manager means is ``day(zone)``, the instant's date in the
    plan's timezone. Everything that buckets deals by day reads ``day(zone)``. ``placed_by``: as an activity's, the
    associations that placed the deal on its account through its contacts (the connector's, kept by the store).

    ``amount``, ``currency`` and the lines' amounts are the CRM's own, in the deal's currency; ``rates``, when the
    CRM converts amounts itself (a multi-currency Salesforce org, a HubSpot portal's company currency), its rates of
    the close date, which the engine converts the deal into the plan's currency with (``pac_core.revenue``)."""

    id: str
    source: str
    account_id: str | None
    owner_id: str | None
    amount: Decimal | None
    currency: str | None
    close_date: date | None
    stage: DealStage
    name: str = ""
    lines: tuple[DealLine, ...] = ()
    deleted: bool = False
    modified_at: datetime | None = None
    closed_at: datetime | None = None
    created_at: datetime | None = None   # aware creation instant (pipeline created KPI); None when unknown
    placed_by: tuple[str, ...] = ()
    rates: CrmRates | None = None        # the CRM's own exchange rates on the close date; None: it gave none

    def day(self, zone: tzinfo) -> date | None:
        """The close date in the plan's timezone: the instant's local date, else the CRM's plain date."""
        if self.closed_at is not None:
            return self.closed_at.astimezone(zone).date()
        return self.close_date


@dataclass(frozen=True, slots=True)
class Rejected:
    """A CRM record that could not be normalised: skipped, reported, never counted.

    A connector's rejection carries its reason as a stable ``code`` with its ``values`` (``missing_field``,
    ``(("field", "CloseDate"),)``: ``pac_core.reject_codes.CODES``), and ``reason`` is the English made from them
    (what is stored, logged and shown to ops). An engine set-aside, and a rejection stored by a pac older than the
    codes, has no code: its ``reason`` alone (``reject_codes.read_reason`` reads a code from it). Two rejections are
    equal when their record and English reason are: the code and values (and ``record``) are made of the same CRM
    facts."""

    source: str
    object: str        # "accounts", "activities", "deals", "users"
    id: str
    reason: str
    code: str = field(default="", compare=False)
    values: tuple[tuple[str, str], ...] = field(default=(), compare=False)   # (name, value), the code's names' order
    # what a connector read of a record it rejected, when ``pac explain`` lists it (audit hsmulti): a won deal
    # (HubSpot: a stage of another pipeline, an amount that is no number; its company, amount, currency, close) on
    # its company's axes, an engagement (on contacts with no primary company: its owner, type, start, subject) among
    # its rep's rejected records of an action; None for any other rejection
    record: Activity | Deal | None = field(default=None, compare=False)


Record = Account | Activity | Deal | User


@dataclass(frozen=True)
class Records:
    """Everything the engine reads for one evaluation (already de-duplicated by (source, id))."""

    accounts: tuple[Account, ...] = ()
    activities: tuple[Activity, ...] = ()
    deals: tuple[Deal, ...] = ()
    users: tuple[User, ...] = ()
    rejected: tuple[Rejected, ...] = ()
    account_changes: tuple[AccountChange, ...] = ()   # recorded changes of the accounts' HISTORY_FIELDS
