"""Salesforce records (query JSON) -> normalised ``pac_core.records``, or ``Rejected`` with the reason.

Business rules: an activity's type is the first mapping rule it matches (None when none); Events are timed by
``ActivityDateTime`` (UTC) unless all-day, whose ``ActivityDate`` becomes ``day`` unshifted (with no status of its own,
``whole_day``: it has happened once that day is over); Tasks by their ``ActivityDate`` as ``day`` (the date the rep
gave, what Salesforce's reports and timeline show), else ``CompletedDateTime``; a completed Task keeps its
``CompletedDateTime`` as ``start`` beside its ``day``, so that one done before its due date counts when it was done
(``Activity.moment``: the earlier of the two); an undated row is rejected only when it is a completed activity of a
mapped type (an open to-do with no due date is no plan activity, left out); a deal is won per the mapping (``IsWon``
or listed stages), lost when closed and not won, else open; amounts are Decimal in the deal's currency
(``currency_field`` or the org's); in a multi-currency org whose rates the connector read (``currency``), a deal in a
currency the org has a rate for keeps the org's rates of its CloseDate (``Deal.rates``, which the engine converts it
into the plan's currency with) and an account keeps its annual revenue in its own currency with ``CurrencyType``'s
rates (``Account.currency``, ``Account.rates``; the engine compares it in the plan's currency); a single-currency
org's amounts are in ``org_currency``;
e-mails are lower-cased; a postal code that maps to no département keeps ``departement=None`` and is logged as a
warning, never rejected. Texts (subjects, names) are kept as data, whatever HTML they hold.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.base import HELD_PAC
from connectors.salesforce.currency import NO_RATES, OrgRates
from connectors.salesforce.mapping import SalesforceMapping, field_list
from connectors.salesforce.schema import field_length
from pac_core.geography import FRENCH_GEOGRAPHY, account_country, french_place
from pac_core.plan import ActivityType
from pac_core.records import (
    Account,
    Activity,
    ActivityStatus,
    CrmRates,
    Deal,
    DealLine,
    DealStage,
    Record,
    Rejected,
    User,
)
from pac_core.reject_codes import english, reason_values, rejection

log = logging.getLogger(__name__)
_DT = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:?\d{2})?$")


_Rule = tuple[ActivityType, tuple[tuple[str, list[str | bool]], ...]]   # (type, ((field, values), ...))


class Malformed(ValueError):
    """A record that cannot be normalised: its rejection's code and values (``pac_core.reject_words.CODES``); its
    message is the English reason made from them."""

    def __init__(self, code: str, **values: object) -> None:
        self.code, self.values = code, reason_values(code, values)
        super().__init__(english(code, self.values))


def sf_datetime(value: Any) -> datetime | None:
    """``2027-05-03T07:30:00.000+0000`` (or ``Z``/``+02:00``) -> aware UTC datetime."""
    if value in (None, ""):
        return None
    if type(value) is str:
        return _sf_datetime_text(value)
    return _sf_datetime(value)


@functools.lru_cache(maxsize=8192)
def _sf_datetime_text(value: str) -> datetime | None:
    """Each stamp string parsed once per page (datetimes are immutable: sharing them is safe)."""
    return _sf_datetime(value)


def _sf_datetime(value: Any) -> datetime | None:
    try:            # the usual form, fast (Python 3.11 reads +0000 and Z)
        parsed = datetime.fromisoformat(str(value))
        if parsed.tzinfo is not None:
            return parsed.astimezone(UTC) if parsed.utcoffset() else parsed
    except ValueError:
        pass
    match = _DT.match(str(value))
    if match is None:
        raise Malformed("bad_datetime", value=value)
    base, frac, tz = match.groups()
    dt = datetime.fromisoformat(base)
    if frac:
        dt = dt.replace(microsecond=int(frac.ljust(6, "0")[:6]))
    if tz in (None, "Z"):
        return dt.replace(tzinfo=UTC)
    digits = tz[1:].replace(":", "")
    sign = 1 if tz[0] == "+" else -1
    return dt.replace(tzinfo=timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))).astimezone(UTC)


def sf_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise Malformed("bad_date", value=value) from None


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value).strip() or None


def decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise Malformed("not_a_number", value=str(value)[:40]) from None
    if not number.is_finite():
        raise Malformed("not_finite_number", value=value)
    return number


def get(record: dict[str, Any], path: str) -> Any:
    """A (relationship) field of a query record: ``get(r, "Owner.Email")``; None along a null relation."""
    if "." not in path:                 # a plain field: most reads, on every record (the pull's hot path)
        return record.get(path)
    node: Any = record
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def _holds(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def first_of(record: dict[str, Any], fields: str | list[str] | None) -> Any:
    """The value of the first of ``fields`` (one field, or the mapping's ordered list) that holds one; blank text
    holds none. ``[BillingPostalCode, PersonMailingPostalCode]``: a business account's billing code, a person
    account's own (Person Accounts keep it in the person's mailing address)."""
    for path in field_list(fields):
        value = get(record, path)
        if _holds(value):
            return value
    return None


def paired_addresses(postal_fields: str | list[str] | None, country_fields: str | list[str] | None) -> bool:
    """Whether the mapping lists its postal codes and countries address by address (two lists of one length)."""
    postals, countries = field_list(postal_fields), field_list(country_fields)
    return len(postals) > 1 and len(postals) == len(countries)


def first_address(record: dict[str, Any], postal_fields: str | list[str] | None,
                  country_fields: str | list[str] | None) -> tuple[Any, Any]:
    """The account's postal code and country, read from one address: with two lists of one length
    (``[BillingPostalCode, PersonMailingPostalCode]`` and ``[BillingCountry, PersonMailingCountry]``, the i-th of each
    one address), the first address holding a postal code gives it, and its own country; a country of another
    address is taken only from an address with no postal code of its own (one address filled in two halves), never
    from one that is another place: Geneva's country is not a Lyon billing code's (decided 7 Dec 2026, audit
    sfhand4). Otherwise (a single field, or lists of other lengths) each is the first that holds a value."""
    if not paired_addresses(postal_fields, country_fields):
        return first_of(record, postal_fields), first_of(record, country_fields)
    pairs = [(get(record, p), get(record, c))
             for p, c in zip(field_list(postal_fields), field_list(country_fields), strict=True)]
    for postal, country in pairs:
        if _holds(postal):
            if _holds(country):
                return postal, country
            return postal, next((c for p, c in pairs if _holds(c) and not _holds(p)), None)
    return None, first_of(record, country_fields)


def _subquery(record: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The live records of a parent-to-child subquery field (``{"totalSize", "done", "records": [...]}`` or null)."""
    value = record.get(name)
    if value is None:
        return []
    rows = value.get("records") if isinstance(value, dict) else None
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise Malformed("bad_subquery", name=name)
    if value.get("done") is False:      # the reader follows nextRecordsUrl: never count part of the children
        raise Malformed("truncated_subquery", name=name, read=len(rows), total=value.get("totalSize", "?"))
    return [row for row in rows if not _flag(row.get("IsDeleted"))]    # a deleted child a queryAll returned


def _flag(value: Any) -> bool:
    """A checkbox as the API answers it: JSON true (REST), or "true" (a CSV cell of Bulk API 2.0 left as text)."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def not_a_report(obj: str, r: dict[str, Any]) -> str | None:
    """Why an Event or Task row is not an activity of its own, or None: what Salesforce keeps beside the real ones.

    * ``invitee_copy``: an Event with ``IsChild`` true is the calendar copy Salesforce makes for each user invited to
      an event (owned by the invitee); the event itself is its organiser's, and counts once, for them.
    * ``series``: ``IsRecurrence`` true marks a Classic recurring series' master record (Event or Task), which holds
      the pattern and repeats the first occurrence's date; ``GroupEventType`` 3 is the series record of a Lightning
      recurring event. Each occurrence is its own row, and counts.
    * ``proposed``: ``GroupEventType`` 2, a meeting proposed to a contact and not confirmed yet.
    * ``lead``: an activity on a lead (``WhoId`` of the Lead key prefix ``00Q``) and no account: a prospect before
      its conversion, outside the accounts a plan's scopes read; converting the lead moves its activities to the
      new account and contact (a new ``SystemModstamp``), and they are read then.
    """
    if _flag(r.get("IsRecurrence")):
        return "series"
    who = r.get("WhoId")
    if _account_of(r) is None and isinstance(who, str) and who.startswith("00Q"):
        return "lead"
    if obj == "Event":
        if _flag(r.get("IsChild")):
            return "invitee_copy"
        kind = r.get("GroupEventType")
        if kind is not None and str(kind) in ("2", "3"):
            return "proposed" if str(kind) == "2" else "series"
    return None


# Salesforce's key prefixes of the activity objects (an Id's first three characters: Event 00U, Task 00T)
ACTIVITY_PREFIX = {"00U": "Event", "00T": "Task"}


def undated_rejection(source: str, record_id: str) -> Rejected | None:
    """The words of a done call or visit stored with no date that the engine rejects for the plan (``no_start``):
    ``no_activity_date``, as the connector rejected every such row before (audit connrejects), so the words, the
    code and the known-vs-new key stay; None for an Id of no activity object."""
    obj = ACTIVITY_PREFIX.get(record_id[:3])
    if obj is None:
        return None
    return rejection(source, "activities", record_id, "no_activity_date", object=obj,
                     fields="ActivityDateTime, ActivityDate")


def unplaced_by(obj: str, r: dict[str, Any]) -> tuple[str, ...]:
    """Why an Event or Task row has no account (``Activity.placed_by``, kept by the store, never read by the engine;
    ``unplaced_rejection`` words it), or () when it has one. ``private``: an Event with ``IsPrivate`` ("Private events
    can't be associated with opportunities, accounts, cases, campaigns, contracts, leads, or contacts", Event);
    ``who:<Id>``: its contact has no account; ``what:<Id>``: related to a record that gives no account (a Case: "If
    the value of the WhatId field is any other object, and the value of the WhoId field is a contact object, then
    Salesforce uses that contact's AccountId ... Otherwise, Salesforce sets the value of the AccountId field to null",
    Task and Event AccountId) and to no contact; ``none``: related to nothing (audit sfhints)."""
    if _account_of(r) is not None:
        return ()
    who, what = r.get("WhoId"), r.get("WhatId")
    if obj == "Event" and _flag(r.get("IsPrivate")):
        return ("private",)
    if isinstance(who, str) and who:
        return (f"who:{who}",)
    if isinstance(what, str) and what:
        return (f"what:{what}",)
    return ("none",)


def unplaced_rejection(source: str, activity: Activity) -> Rejected | None:
    """The words of the engine's ``no_account`` of an Event or Task stored with no account, by why
    (``unplaced_by``): ``sf_unplaced`` with its object, why and the record or contact it is related to, carrying the
    record (``Rejected.record``: ``pac explain`` lists it among the rep's rejected records). None for a record with
    an account, one stored before pac noted why, or an Id of no activity object."""
    obj = ACTIVITY_PREFIX.get(activity.id[:3])
    if obj is None or activity.account_id is not None or len(activity.placed_by) != 1:
        return None
    why, _, related = activity.placed_by[0].partition(":")
    if why not in ("private", "who", "what", "none"):
        return None
    return replace(rejection(source, "activities", activity.id, "sf_unplaced", object=obj, why=why, related=related),
                   record=activity)


def _account_of(r: dict[str, Any]) -> str | None:
    """An Event's or Task's account: its ``AccountId`` (Salesforce derives it from What or Who), else a What that is
    an account (the Account key prefix ``001``)."""
    what = r.get("WhatId")
    return r.get("AccountId") or (what if isinstance(what, str) and what.startswith("001") else None)


POSTAL_CODE_HEAD = "salesforce.account_postal_code "
"""How the warning of an account whose postal code gives no département starts."""


class Normaliser:
    """Turns query records into records of one connector instance (``source``)."""

    def __init__(self, source: str, mapping: SalesforceMapping, *, warn: Callable[[str], None] | None = None) -> None:
        self.source, self.m = source, mapping
        self.warn = warn or (lambda text: log.warning(text))
        self._rules: dict[str, list[_Rule]] = {}
        self.skipped: Counter[str] = Counter()   # rows that are not records of their own, by reason (not_a_report)
        # this pull's Events and Tasks with no account, by Id (``unplaced_by``): the engine's rejection words them
        self.unplaced: dict[str, Activity] = {}
        # a multi-currency org's rates (the connector reads them before a pull of accounts or deals): amounts in a
        # currency they know are converted into the corporate currency
        self.rates: OrgRates = NO_RATES
        self._unrated: set[str] = set()          # account currencies without a rate, warned about once
        self._static: tuple[OrgRates, CrmRates | None] = (NO_RATES, None)   # CurrencyType's rates, as an account keeps

    def _safe(self, obj: str, record: dict[str, Any], build: Callable[[dict[str, Any]], Any]) -> Any:
        """``build(record)``, or the record's rejection: a ``Malformed`` record's code, a field the record lacks
        (``missing_field``), else Python's words for what failed (``unreadable_record``)."""
        try:
            return build(record)
        except Malformed as exc:
            return Rejected(self.source, obj, self._id(record), str(exc), exc.code, exc.values)
        except KeyError as exc:
            if exc.args and isinstance(exc.args[0], str):
                return rejection(self.source, obj, self._id(record), "missing_field", field=exc.args[0])
            return rejection(self.source, obj, self._id(record), "unreadable_record",
                             detail=str(exc) or type(exc).__name__)
        except (TypeError, ValueError) as exc:
            return rejection(self.source, obj, self._id(record), "unreadable_record",
                             detail=str(exc) or type(exc).__name__)

    @staticmethod
    def _id(record: dict[str, Any]) -> str:
        return str(record.get("Id") or "?")

    # -- users -------------------------------------------------------------------------------------
    def user(self, r: dict[str, Any]) -> User | Rejected:
        return self._safe("users", r, lambda r: User(
            id=str(r["Id"]), source=self.source, email=(str(r["Email"]).strip().lower() or None) if r.get("Email")
            else None, name=str(r.get("Name") or ""), active=bool(r.get("IsActive", True)),
            modified_at=sf_datetime(r.get("SystemModstamp"))))

    # -- accounts ----------------------------------------------------------------------------------
    def account(self, r: dict[str, Any]) -> Account | Rejected:
        return self._safe("accounts", r, self._account)

    def _account(self, r: dict[str, Any]) -> Account:
        a = self.m.accounts
        name = get(r, a.name)
        if not name:
            raise Malformed("no_name")
        postal, written = first_address(r, a.postal_code, a.country)
        postal = str(postal).strip() if postal is not None else None
        country = account_country(written, a.default_country)
        departement = region = None
        if postal and country in FRENCH_GEOGRAPHY:
            departement, region = self._geography(str(r["Id"]), postal)
        custom = {k: get(r, f) for k, f in a.custom.items()}
        held = self._held(r)
        if held is not None:
            custom[HELD_PAC] = held
        dormant = get(r, a.dormant) if a.dormant else None
        revenue, currency, rates = self._annual_revenue(r)
        return Account(
            id=str(r["Id"]), source=self.source, name=str(name), postal_code=postal, departement=departement,
            region=region, country=country, industry=get(r, a.industry) if a.industry else None,
            account_type=get(r, a.account_type) if a.account_type else None,
            annual_revenue=revenue,
            owner_id=r.get("OwnerId"), dormant=bool(dormant) if dormant is not None else None, custom=custom,
            deleted=bool(r.get("IsDeleted")), modified_at=sf_datetime(r.get("SystemModstamp")), currency=currency,
            rates=rates)

    def _held(self, r: dict[str, Any]) -> dict[str, Any] | None:
        """The account PAC fields the row holds (``HELD_PAC``: ``axes`` as text, none when empty; ``target`` as a
        boolean, from JSON ``true`` over REST or the text ``"true"`` of a Bulk API 2.0 cell the describe did not type),
        with the row's stamp (``at``: compared with the stamp of pac's last write to it) and the length the org keeps
        of ``axes`` (the write cuts a longer list to whole tokens: the comparison cuts the wanted one alike); None
        when the query read none of them (``Reader.held_fields``: an org lacking them, a mapping writing none)."""
        fields = {logical: crm for logical, crm in self.m.account_fields().items() if crm in r}
        if not fields:
            return None
        held: dict[str, Any] = {}
        for logical, crm in fields.items():
            value = r.get(crm)
            held[logical] = _flag(value) if logical == "target" else _text(value)
        stamp = sf_datetime(r.get("SystemModstamp"))
        held["at"] = stamp.isoformat() if stamp is not None else None
        length = field_length("Account", fields["axes"]) if "axes" in fields else None
        if length:
            held["length"] = length
        return held

    def _annual_revenue(self, r: dict[str, Any]) -> tuple[Decimal | None, str | None, CrmRates | None]:
        """``AnnualRevenue`` as Salesforce keeps it, with its currency and the org's rates for it (the engine compares
        it in the plan's currency with them: audit multi F2): in a multi-currency org the account's own currency
        (``CurrencyIsoCode``) and, when the org has a rate for it, ``CurrencyType``'s rates (dated rates apply to
        opportunities only: an account is converted at the org's current conversion rate); a currency without a rate
        keeps no rates (``engine.fx_rates`` may convert it), with a warning once per currency; in a single-currency
        org, ``org_currency``. No currency without an amount."""
        a = self.m.accounts
        revenue = decimal(get(r, a.annual_revenue)) if a.annual_revenue else None
        if revenue is None:
            return None, None, None
        field = self.m.account_currency_field()
        if field is None:
            return revenue, self.m.org_currency, None
        iso = _text(get(r, field)) or None
        if self.rates.knows(iso):
            return revenue, iso, self._static_rates()
        if iso and self.rates.corporate is not None and iso not in self._unrated:
            self._unrated.add(iso)
            self.warn(f"salesforce.account_currency currency={iso} has no rate in CurrencyType: AnnualRevenue of "
                      f"{iso} accounts is kept in {iso}, converted into a plan's currency by engine.fx_rates only "
                      f"(without a rate there, annual_revenue scopes treat it as unknown)")
        return revenue, iso, None

    def rerate(self, record: Record) -> Record:
        """A stored deal or account with this run's rates, exactly as ``_deal`` and ``_annual_revenue`` would give it
        from the same row (its amount, currency and close date are the stored ones, which the rates do not decide): a
        deal in a currency the org has a rate for keeps the rates of its CloseDate, an account with an annual revenue
        in such a currency ``CurrencyType``'s; any other record, and one whose currency has no rate, keeps none. Only
        a multi-currency mapping's records carry rates; other records are returned unchanged."""
        if not self.m.multi_currency():
            return record
        if isinstance(record, Deal):
            rates = self.rates.on(record.close_date) if self.rates.knows(record.currency) else None
        elif isinstance(record, Account) and record.currency is not None and record.annual_revenue is not None \
                and self.m.account_currency_field() is not None:
            rates = self._static_rates() if self.rates.knows(record.currency) else None
        else:
            return record
        return record if rates == record.rates else replace(record, rates=rates)

    def _static_rates(self) -> CrmRates | None:
        """The org's ``CurrencyType`` rates as a record keeps them (``OrgRates.on`` of no day), once per rate table."""
        rates, found = self._static
        if rates is not self.rates:
            found = self.rates.on(None)
            self._static = (self.rates, found)
        return found

    def _geography(self, account_id: str, postal: str) -> tuple[str | None, str | None]:
        departement, region, problem = french_place(postal)
        if problem is not None:
            self.warn(f"{POSTAL_CODE_HEAD}account={account_id} problem={problem}")
        return departement, region

    # -- activities --------------------------------------------------------------------------------
    def activity(self, obj: str, r: dict[str, Any]) -> Activity | Rejected:
        """The row as an activity. A row that is not a visit report of its own (``not_a_report``, counted in
        ``skipped``) comes back as a bare deleted activity (``_left_out_activity``), so that it replaces the version
        a store may hold: a call re-related to a lead (``AccountId`` null) is read by the next incremental run (its
        ``SystemModstamp`` moves) and stops counting that night, not at the next full read. A row with no date (an
        open Task with no due date, a to-do) is rejected only when it is a completed activity of a mapped type; any
        other comes back deleted, counted in ``skipped`` as ``undated``."""
        why = not_a_report(obj, r)
        if why is not None:
            self.skipped[why] += 1
            return self._safe("activities", r, lambda r: self._left_out_activity(obj, r))
        return self._safe("activities", r, lambda r: self._activity(obj, r))

    def _left_out_activity(self, obj: str, r: dict[str, Any]) -> Activity:
        """A row ``not_a_report`` leaves out, as the store keeps it: deleted, with no type and no date, so that it is
        counted nowhere and listed nowhere (not even as a near miss "deleted in the CRM" in an invitee's
        ``pac explain``: an activity with neither start nor day is never read by matching)."""
        return Activity(id=str(r["Id"]), source=self.source, type=None, owner_id=r.get("OwnerId"),
                        account_id=_account_of(r), start=None, status=self._status(obj, r)[0],
                        subject=str(r.get("Subject") or ""), day=None, deleted=True,
                        modified_at=sf_datetime(r.get("SystemModstamp")))

    def _rules_of(self, obj: str) -> list[_Rule]:
        """The mapping's activity rules of ``obj``, in order, as (type, ((field, values), ...)): worked out once,
        not for every record."""
        rules = self._rules.get(obj)
        if rules is None:
            rules = self._rules[obj] = [(rule.type, tuple(rule.where.items()))
                                        for rule in self.m.activities.rules if rule.object == obj]
        return rules

    def _activity(self, obj: str, r: dict[str, Any]) -> Activity:
        kind = None
        for rule_type, where in self._rules_of(obj):
            for f, values in where:
                if get(r, f) not in values:
                    break
            else:                       # every condition of the rule holds: the first such rule wins
                kind = rule_type
                break
        (status, own), modified = self._status(obj, r), sf_datetime(r.get("SystemModstamp"))
        start, day = None, None
        if obj == "Event":
            if r.get("IsAllDayEvent"):
                day = sf_date(r.get("ActivityDate"))
            else:
                start = sf_datetime(r.get("ActivityDateTime") or r.get("StartDateTime"))
        else:   # a Task's date is the one the rep gave (a call logged on Monday for Friday is Friday's)
            day = sf_date(r.get("ActivityDate"))
            if not day or status is ActivityStatus.COMPLETED:
                # a completed Task keeps when it was done beside its due date: one done before it counts then (the
                # engine takes the earlier of the two, the due date's 00:00 in the plan's timezone: Activity.moment)
                start = sf_datetime(r.get("CompletedDateTime"))
                if start is not None and self.m.activities.task_date == "completed":
                    day = None      # the mapping dates a completed Task when it was closed, even after its due date
        deleted = bool(r.get("IsDeleted"))
        if start is None and day is None and not deleted and (kind is None or status is not ActivityStatus.COMPLETED):
            # an open to-do with no due date, or a row matching no rule: no plan activity, and it cannot be counted
            # in any window. Left out (counted in ``skipped``) as a deleted activity, which replaces the dated
            # version a store may hold (a call reopened and its due date cleared stops counting). A call or visit
            # done with no date is kept undated: the engine rejects it when it is the plan's (its type counted by an
            # action naming its owner: docs/engine.md, *Bad records*), in the words ``no_activity_date``
            # (``undated_rejection``); another team's is left out (audit connrejects)
            self.skipped["undated"] += 1
            deleted = True
        activity = Activity(
            id=str(r["Id"]), source=self.source, type=kind, owner_id=r.get("OwnerId"), account_id=_account_of(r),
            start=start, status=status, subject=str(r.get("Subject") or ""), day=day,
            deleted=deleted, modified_at=modified, whole_day=day is not None and start is None and not own,
            placed_by=() if deleted else unplaced_by(obj, r))
        if activity.placed_by:
            self.unplaced[activity.id] = activity
        return activity

    def _status(self, obj: str, r: dict[str, Any]) -> tuple[ActivityStatus, bool]:
        """The row's status, and whether the row says it (a listed value of the status field, or the closed flag)
        rather than the mapping's default: an all-day row without a status of its own (a standard org's all-day
        Event, filed as completed from its first minute) is ``whole_day``, counted once its day is over."""
        st = self.m.activities.status.get(obj)  # type: ignore[call-overload]
        if st is None:
            return ActivityStatus.COMPLETED, False
        if st.field:
            value = get(r, st.field)
            for status, values in st.values.items():
                if value in values:
                    return ActivityStatus(status), True
        if st.closed_field and _flag(get(r, st.closed_field)):
            return ActivityStatus.COMPLETED, True     # a closed status of the org's own, listed nowhere
        return ActivityStatus(st.default), False

    # -- deals ---------------------------------------------------------------------------------------
    def deal(self, r: dict[str, Any]) -> Deal | Rejected:
        """The row as a deal; an opportunity the mapping's deal filter leaves out (``left_out``, counted in
        ``skipped``) comes back as a deleted deal, so that it replaces the version a store may hold: a deal moved
        into an excluded record type is read by the next incremental run (its ``SystemModstamp`` moves) and stops
        counting that night, its line items with it."""
        why = self.left_out(r)
        if why is not None:
            self.skipped[why] += 1
            return self._safe("deals", r, self._left_out_deal)
        return self._safe("deals", r, self._deal)

    def left_out(self, r: dict[str, Any]) -> str | None:
        """Why an Opportunity row is not a deal pac counts, or None: ``deals_where`` when one of the fields of
        ``deals.where`` holds none of its values (an empty field included), ``deals_exclude`` when a field of
        ``deals.exclude`` holds one of its values (an empty field never does). Values are compared exactly, as
        records hold them (``RecordType.DeveloperName``, a relationship path, reads the record type's API name)."""
        d = self.m.deals
        for f, values in d.where.items():
            if get(r, f) not in values:
                return "deals_where"
        for f, values in d.exclude.items():
            value = get(r, f)
            if value is not None and value in values:
                return "deals_exclude"
        return None

    def _stage(self, r: dict[str, Any]) -> DealStage:
        d = self.m.deals
        won = (get(r, "StageName") in d.won_stages) if d.won_stages else bool(get(r, d.won))
        return DealStage.WON if won else DealStage.LOST if get(r, d.closed) else DealStage.OPEN

    def _left_out_deal(self, r: dict[str, Any]) -> Deal:
        """A deal the filter leaves out, as the store keeps it: deleted (counted nowhere: no revenue, no line, no
        pipeline, no dormancy), with no amount or line (whatever they hold, they are not read)."""
        return Deal(id=str(r["Id"]), source=self.source, account_id=r.get("AccountId"), owner_id=r.get("OwnerId"),
                    amount=None, currency=None, close_date=None, stage=self._stage(r), name=str(r.get("Name") or ""),
                    deleted=True, modified_at=sf_datetime(r.get("SystemModstamp")))

    def _deal(self, r: dict[str, Any]) -> Deal:
        d = self.m.deals
        stage = self._stage(r)
        currency = get(r, d.currency_field) if d.currency_field else self.m.org_currency
        lines: list[DealLine] = []
        if d.line_items:
            for item in _subquery(r, "OpportunityLineItems"):
                product = get(item, d.line_product) or get(item, "ProductCode") or "?"
                lines.append(DealLine(str(product), decimal(get(item, d.line_quantity)) or Decimal(0),
                                      decimal(get(item, d.line_amount)),
                                      None,       # a line's ServiceDate is not read: revenue counts on CloseDate
                                      code=_text(get(item, d.line_code) if d.line_code else None),
                                      family=_text(get(item, d.line_family) if d.line_family else None),
                                      name=_text(get(item, d.line_name) if d.line_name else None),
                                      # the OpportunityLineItem's Id: its product is set once, at creation, so a
                                      # full read tells a product edited from one swapped (audit renames F1)
                                      id=_text(item.get("Id"))))
        elif d.product_field and get(r, d.product_field) not in (None, ""):
            # line items off: a deal field names the product line, the deal's whole amount is that line
            value = str(get(r, d.product_field)).strip()
            lines.append(DealLine(value, Decimal(1), decimal(get(r, d.amount)), None, code=value, family=value,
                                  name=value))
        amount, close = decimal(get(r, d.amount)), sf_date(get(r, d.close_date))
        iso = str(currency) if currency else None
        # the org's rates in force on the CloseDate (ACM), else CurrencyType's, kept with the deal in its own currency:
        # the engine converts it into the plan's currency with them (a deal in the plan's currency counts as it is)
        rates = self.rates.on(close) if self.rates.knows(iso) else None
        return Deal(
            id=str(r["Id"]), source=self.source, account_id=r.get("AccountId"), owner_id=r.get("OwnerId"),
            amount=amount, currency=iso, close_date=close, stage=stage, name=str(r.get("Name") or ""),
            lines=tuple(lines), deleted=bool(r.get("IsDeleted")), modified_at=sf_datetime(r.get("SystemModstamp")),
            created_at=sf_datetime(r.get("CreatedDate")), rates=rates)
