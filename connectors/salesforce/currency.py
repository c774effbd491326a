"""A multi-currency org's own exchange rates, and amounts converted into its corporate currency with them.

Salesforce keeps them in two objects (Object Reference): ``CurrencyType`` (``IsoCode``, ``ConversionRate``: the
"conversion rate of this currency type against the corporate currency", i.e. units of that currency per one unit of
the corporate currency; ``IsCorporate``; ``DecimalPlaces``), "not available in single-currency organizations"; and,
with Advanced Currency Management (ACM), ``DatedConversionRate`` (``IsoCode``, ``ConversionRate``, ``StartDate``,
``NextStartDate``: "the day after the end date for this exchange rate"), not available without ACM.

What Salesforce converts with which rate (SOQL and SOSL Reference, convertCurrency()): "If an org has enabled
advanced currency management, dated exchange rates are used when converting currency fields on opportunities,
opportunity line items, and opportunity history ... the conversion rate that corresponds to a given field (for
example, CloseDate on opportunities). When advanced currency management isn't enabled, the most recent conversion
date entered is used". So an opportunity and its lines are converted at the dated rate in force on the CloseDate
(``StartDate <= CloseDate < NextStartDate``), else at ``CurrencyType``'s rate; every other record (an account's
``AnnualRevenue``) at ``CurrencyType``'s rate. Each converted amount is ``amount / rate``, rounded half up to the
corporate currency's ``DecimalPlaces``, one record (and one line) at a time, as a report of converted amounts shows it.

An opportunity keeps its own amount and currency: the connector gives it the org's rates of its CloseDate
(``OrgRates.on``, a ``pac_core.records.CrmRates``), and the engine converts it into the plan's currency with them
(``pac_core.revenue.conversion``): a deal in the plan's currency counts its own amount, one in the corporate currency
of a EUR plan counts ``amount / rate`` as above, and one in a third currency is crossed at the rates of the same day
(audit multi F4). An account keeps its ``AnnualRevenue`` in its own currency too, with ``CurrencyType``'s rates
(``OrgRates.on`` of no day: dated rates apply to opportunities only), and the engine compares it in the plan's currency
with them (audit multi F2; before, it was converted here into the corporate currency and compared with a scope's bounds
written in the plan's).
"""

from __future__ import annotations

import hashlib
import json
import logging
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from simple_salesforce.format import format_soql

from connectors.base import KeptRates, SchemaError
from connectors.salesforce.client import SfClient
from pac_core.records import CrmRates

log = logging.getLogger(__name__)
CURRENCY_TYPES = "SELECT IsoCode, ConversionRate, DecimalPlaces, IsCorporate, IsActive FROM CurrencyType"
# the rows' system fields (Object Reference, DatedConversionRate: Id, SystemModstamp) let a night read only the rows
# changed since the last (``read_rates``); StartDate is not updateable (an edit changes ConversionRate alone) and
# NextStartDate is read only, set by Salesforce: "the date on which the next effective dated exchange rate will start"
DATED_FIELDS = ("Id", "IsoCode", "ConversionRate", "StartDate", "NextStartDate", "SystemModstamp")
DATED_RATES = ("SELECT Id, IsoCode, ConversionRate, StartDate, NextStartDate, SystemModstamp FROM DatedConversionRate "
               "ORDER BY IsoCode, StartDate")
DATED_SINCE = ("SELECT Id, IsoCode, ConversionRate, StartDate, NextStartDate, SystemModstamp FROM DatedConversionRate "
               "WHERE SystemModstamp >= {}")
DATED_COUNT = "SELECT COUNT() FROM DatedConversionRate"
_NONE: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class DatedRate:
    """One ``DatedConversionRate`` row: ``rate`` units of the currency per corporate unit from ``start`` to the day
    before ``next_start`` (None: still in force)."""

    start: date
    next_start: date | None
    rate: Decimal


@dataclass(frozen=True)
class OrgRates:
    """The org's rates as read at the start of a pull; ``corporate`` None when the org gave none (single-currency
    org, no access to ``CurrencyType``, an empty table): nothing is converted then, ``engine.fx_rates`` applies as
    before."""

    corporate: str | None = None
    places: int = 2                                                   # the corporate currency's DecimalPlaces
    static: Mapping[str, Decimal] = field(default_factory=lambda: _NONE)             # CurrencyType, by IsoCode
    dated: Mapping[str, tuple[DatedRate, ...]] = field(default_factory=lambda: _NONE)  # ACM, by IsoCode
    active: Mapping[str, bool] = field(default_factory=lambda: _NONE)  # every CurrencyType IsoCode: IsActive
    # worked out once per rate table: each currency's dated start days (bisected), the rates of each day asked
    _starts: dict[str, list[date]] = field(default_factory=dict, init=False, compare=False, repr=False)
    _days: dict[date | None, CrmRates | None] = field(default_factory=dict, init=False, compare=False, repr=False)

    def unwritable(self, iso: str) -> str | None:
        """Why a record cannot be given ``iso`` as its ``CurrencyIsoCode`` (a picklist of the org's currencies:
        "Inactive currency types do not appear in picklists", CurrencyType.IsActive), or None: the org has no such
        currency, or has it inactive. None too when the org gave no currencies (nothing is known)."""
        if self.corporate is None or self.active.get(iso) is True:
            return None
        known = ", ".join(sorted(k for k, on in self.active.items() if on))
        state = "has it inactive" if iso in self.active else "does not have it"
        return (f"the plan's currency {iso} is not one of the org's active currencies ({known}): the org {state}, "
                f"so Salesforce refuses CurrencyIsoCode {iso} (add or activate {iso} in Setup > Manage Currencies, "
                f"with its conversion rate; the amounts stay in {iso}, pac does not convert what it writes)")

    def rate(self, iso: str, day: date | None, *, dated: bool) -> Decimal | None:
        """Units of ``iso`` per corporate unit: the dated rate in force on ``day`` when ``dated`` (opportunities and
        their lines) and the org has one, else ``CurrencyType``'s; None when the org has no rate for ``iso``."""
        rows = self.dated.get(iso) if dated and day is not None else None
        if rows:
            assert day is not None
            starts = self._starts.get(iso)
            if starts is None:
                starts = self._starts[iso] = [row.start for row in rows]       # sorted by org_rates_of
            at = bisect_right(starts, day) - 1             # the last row starting on or before the day
            if at >= 0 and (rows[at].next_start is None or day < rows[at].next_start):   # type: ignore[operator]
                return rows[at].rate
        return self.static.get(iso)

    def convert(self, amount: Decimal | None, iso: str | None, day: date | None, *, dated: bool
                ) -> Decimal | None:
        """``amount`` in ``iso`` as an amount of the corporate currency (half up to its decimal places); unchanged
        when it is None or already corporate. Call only for a currency ``rate`` knows."""
        if amount is None or iso is None or iso == self.corporate:
            return amount
        rate = self.rate(iso, day, dated=dated)
        assert rate is not None
        return (amount / rate).quantize(Decimal(1).scaleb(-self.places), rounding=ROUND_HALF_UP)

    def on(self, day: date | None) -> CrmRates | None:
        """Every rate of the org in force on ``day`` (an opportunity's CloseDate: the dated rate where ACM has one,
        else ``CurrencyType``'s), the corporate currency's own at 1, as a deal keeps them; None without rates."""
        if self.corporate is None:
            return None
        if day in self._days:           # the deals of one close date share one set (an org may date rates daily)
            return self._days[day]
        found: dict[str, Decimal] = {}
        for iso in self.static:
            rate = self.rate(iso, day, dated=True)
            if rate is not None:
                found[iso] = rate
        found[self.corporate] = Decimal(1)
        rates = self._days[day] = CrmRates(self.corporate, tuple((iso, found[iso]) for iso in sorted(found)),
                                           self.places, dated=bool(self.dated))
        return rates

    def knows(self, iso: str | None) -> bool:
        """Whether an amount in ``iso`` is converted (the org has a rate for it, or it is the corporate currency)."""
        return self.corporate is not None and iso is not None and (iso == self.corporate or iso in self.static)

    def digest(self, *, dated: bool) -> str:
        """A short fingerprint of the rates a record kind is converted with (``dated``: opportunities, which read
        the dated rates too), kept in the connector's reading: a change of the org's rates re-reads the records."""
        text = json.dumps([self.corporate, self.places, sorted((k, str(v)) for k, v in self.static.items()),
                           sorted((k, [(str(r.start), str(r.next_start), str(r.rate)) for r in rows])
                                  for k, rows in self.dated.items()) if dated else []], separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def summary(self) -> str:
        """Which rates convert the amounts, in one sentence (``pac config check --online``, the pull's log)."""
        if self.corporate is None:
            return ("the org gave no exchange rates (CurrencyType empty or not readable): amounts stay in their own "
                    "currency and engine.fx_rates converts them, as in a single-currency org")
        how = (f"opportunities and their lines at the dated rate of their CloseDate (DatedConversionRate, "
               f"{sum(len(v) for v in self.dated.values())} rates), account annual revenue at CurrencyType's rate"
               if self.dated else "opportunities, their lines and account annual revenue at CurrencyType's rate "
               "(no advanced currency management)")
        others = ", ".join(sorted(k for k in self.static if k != self.corporate)) or "none"
        return (f"the org's own exchange rates convert amounts into its corporate currency {self.corporate} "
                f"(rounded half up to {self.places} decimals per record): {how}; currencies with a rate: {others}; "
                f"a deal in the plan's currency counts its own amount, one in another currency is converted at the "
                f"org's rates of its CloseDate (engine.fx_rates only for a plan currency the org has no rate for)")


NO_RATES = OrgRates()


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() and number > 0 else None


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value not in (None, "") else None
    except ValueError:
        return None


def read_rates(client: SfClient, warn: Callable[[str], None], kept: KeptRates | None = None,
               overlap: timedelta = timedelta(0)) -> tuple[OrgRates, KeptRates | None]:
    """The org's rates: one ``CurrencyType`` query (a row per currency: one page), and, when that gave a corporate
    currency, its ``DatedConversionRate`` rows (``dated_rows``: those changed since ``kept``, else all; an org
    without ACM answers INVALID_TYPE, an emulator may answer no rows: no dated rates), with the rows to keep (None:
    none read). A row whose rate is not a positive number is left out, with a warning; an org without
    ``CurrencyType`` (it is not multi-currency, or the integration user may not read it) gives ``NO_RATES``, with a
    warning."""
    try:
        rows = [r for page in client.query_pages(CURRENCY_TYPES) for r in page]
    except SchemaError as exc:
        warn(f"salesforce.currency CurrencyType unreadable ({exc}): amounts stay in their own currency, converted "
             "by engine.fx_rates (check that the org is multi-currency, or map deals.currency_field: null)")
        return NO_RATES, None
    corporate = next((r for r in rows if r.get("IsCorporate") is True), None)
    if corporate is None or not corporate.get("IsoCode"):
        if rows:
            warn("salesforce.currency CurrencyType has no corporate currency: amounts stay in their own currency")
        return NO_RATES, None
    keep = dated_rows(client, kept, overlap)
    return org_rates_of(rows, keep.rows.values(), warn), keep


def dated_rows(client: SfClient, kept: KeptRates | None, overlap: timedelta) -> KeptRates:
    """The org's ``DatedConversionRate`` rows by Id. With rows ``kept`` from the last night: those whose
    ``SystemModstamp`` is at or after the highest kept one less ``overlap`` (one page when nothing changed), laid
    over the kept ones, and ``SELECT COUNT()``: a deleted row leaves no stamp (the object has no ``IsDeleted`` and
    supports no queryAll), so when the org holds another number of rows than that makes (a row deleted, or one
    the stamp filter missed), every row is read again. Without kept rows (the first night, the periodic
    reconciliation), every row. A row whose range a new one split keeps its stamp here (Salesforce does not
    document that its read-only ``NextStartDate`` moves it): ``org_rates_of`` takes each range's end from the next
    row's ``StartDate``, as the Object Reference defines it."""
    try:
        if kept is not None and kept.stamp is not None:
            since = format_soql(DATED_SINCE, kept.stamp - overlap)
            changed = _keyed(r for page in client.query_pages(since) for r in page)
            rows = {**kept.rows, **changed}
            if client.count(DATED_COUNT) == len(rows):
                return KeptRates(rows, _highest_stamp(rows.values()), kept.full_at, changed=frozenset(changed))
            log.info("salesforce.currency DatedConversionRate holds another number of rows than kept (a rate was "
                     "deleted): every row read again")
        every = _keyed(r for page in client.query_pages(DATED_RATES) for r in page)
        return KeptRates(every, _highest_stamp(every.values()))
    except SchemaError:              # no advanced currency management: the object does not exist
        return KeptRates({}, None)


def _keyed(rows: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(r.get("Id") or f"{r.get('IsoCode')}:{r.get('StartDate')}"): {f: r.get(f) for f in DATED_FIELDS}
            for r in rows}


def _highest_stamp(rows: Iterable[Mapping[str, Any]]) -> datetime | None:
    """The highest ``SystemModstamp`` of ``rows``; None when one has none (an emulator's: read them all again)."""
    stamps = [_instant(r.get("SystemModstamp")) for r in rows]
    return None if not stamps or None in stamps else max(s for s in stamps if s is not None)


def _instant(value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value)) if value not in (None, "") else None
    except ValueError:
        return None
    return moment if moment is None or moment.tzinfo is not None else None


def org_rates_of(types: Iterable[Mapping[str, Any]], dated_rows: Iterable[Mapping[str, Any]],
                 warn: Callable[[str], None]) -> OrgRates:
    """The ``OrgRates`` of ``CurrencyType`` rows and ``DatedConversionRate`` rows (by IsoCode, StartDate, whatever
    order they come in): each dated range ends where the next row of its currency starts ("NextStartDate: the date
    on which the next effective dated exchange rate will start"), the last one where Salesforce said."""
    rows = list(types)
    corporate = next(r for r in rows if r.get("IsCorporate") is True)
    static: dict[str, Decimal] = {}
    active = {str(r["IsoCode"]): r.get("IsActive") is not False for r in rows if r.get("IsoCode")}
    for r in rows:
        rate = _decimal(r.get("ConversionRate"))
        if rate is None:
            warn(f"salesforce.currency CurrencyType {r.get('IsoCode')} has no usable rate "
                 f"({r.get('ConversionRate')!r}): its amounts stay in {r.get('IsoCode')}")
        elif r.get("IsoCode"):
            static[str(r["IsoCode"])] = rate
    dated: dict[str, list[DatedRate]] = {}
    for r in sorted(dated_rows, key=lambda r: (str(r.get("IsoCode")), str(r.get("StartDate")))):
        rate, start = _decimal(r.get("ConversionRate")), _day(r.get("StartDate"))
        if rate is None or start is None or not r.get("IsoCode"):
            warn(f"salesforce.currency DatedConversionRate {r.get('IsoCode')} from {r.get('StartDate')} left out: "
                 f"no usable rate or start date ({r.get('ConversionRate')!r})")
            continue
        dated.setdefault(str(r["IsoCode"]), []).append(DatedRate(start, _day(r.get("NextStartDate")), rate))
    places = corporate.get("DecimalPlaces")
    return OrgRates(str(corporate["IsoCode"]), int(places) if isinstance(places, int | float) else 2,
                    MappingProxyType(static),
                    MappingProxyType({k: _chained(v) for k, v in dated.items()}),
                    MappingProxyType(active))


def _chained(rows: list[DatedRate]) -> tuple[DatedRate, ...]:
    ordered = sorted(rows, key=lambda d: d.start)
    return tuple(DatedRate(row.start, ordered[i + 1].start, row.rate) if i + 1 < len(ordered) else row
                 for i, row in enumerate(ordered))
