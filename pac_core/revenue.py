"""Won revenue: the ledger of usable won deals, sums per account over date ranges, product load.

Rules (units: money in the plan's currency, Decimal; dates are local calendar dates):

* a deal counts when it is won, not deleted, has an account, and its close date falls in the range;
* a deal in the plan's currency counts its own amount, exactly; a deal with no currency is taken to be in the
  plan's currency; a deal in another currency is converted (``conversion``): at the CRM's own rates of its close
  date when the CRM gave them (``Deal.rates``: a multi-currency Salesforce org, a HubSpot portal's company currency)
  and they know the plan's currency, else into the CRM's corporate currency at those rates and on with ``fx_rates``
  (currency -> rate into the plan's currency), else with ``fx_rates``; each converted amount (and each line) is
  rounded half up to the plan currency's minor unit, one record at a time, as a report of converted amounts shows
  it, so the listed deals add up to the total;
* its close date is the deal's day in the plan's timezone (``Deal.day``): a CRM instant (HubSpot
  ``closedate``) becomes its local date, a plain date (Salesforce ``CloseDate``) stays as it is;
* a won deal's value is its amount; with **no amount** but priced line items (HubSpot: "when importing line
  items, the associated deal amount will not be updated") the sum of its lines, with a data-quality warning
  (rule ``amount_from_lines``); a typed amount that differs from its lines' sum is counted as typed, with a
  warning (``amount_differs_from_lines``: product axes count the lines);
* a won deal with **no amount** and no priced line counts as a won deal worth 0 (for dormancy, conversion and
  the deal lists) and is listed as a data-quality warning (``WonLedger.warnings``, rule ``no_amount``): it is
  not a rejection and does not make a run partial;
* a won deal with a **negative** value is a credit (an avoir, a refund or a cancelled order booked as its own
  deal): its signed amount counts, as a CRM's Closed-Won report sums signed amounts, with a data-quality warning
  (rule ``credit``); it is no purchase: not a won deal for dormancy, first won deals, conversion, the won-deal
  counts and the average's denominator (``is_credit``, ``WonLedger.credit``);
* a won deal with an unknown currency, no close date or no known account is rejected with a reason and never
  summed;
* deal-level scope conditions (``deal_owner``, ``product``...) and an axis's ``who`` are applied per deal
  (``DealFilter``): a product condition counts the amounts of the matching lines only, not the deal's;
* revenue figures are "to date": from the first day of the period up to the evaluation date (or the
  period's last day when it is over); the baseline is the same span one year earlier.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from calendar import monthrange
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from itertools import chain, compress, islice, repeat
from operator import attrgetter, gt, is_, is_not, lt, ne
from typing import cast
from zoneinfo import ZoneInfo

import numpy as np

from pac_core.columnar import NO_DAY, NO_TIME, DealTable, Rows
from pac_core.columnar import local_ordinals as _local_ordinals
from pac_core.engine_settings import SETTINGS_FILE
from pac_core.fx import SAME, Conversion, conversion, for_lines, line_currencies, no_rate, no_rate_values, no_rate_words
from pac_core.money import money, shown_digits
from pac_core.records import Deal, DealLine, DealStage, Rejected
from pac_core.results import Amount, Decision
from pac_core.rounding import half_up
from pac_core.scope_eval import AccountKey
from pac_core.scopes import Condition
from pac_core.text import fold_value
from pac_core.window import Window

ZERO = Decimal(0)
_ONE = Decimal(1)
_ONE_MICROSECOND = timedelta(microseconds=1)
DateRange = tuple[date, date]          # inclusive first and last day; empty when first > last
Members = frozenset[int] | np.ndarray   # account numbers: a set, or a boolean array indexed by account number
NEAR_PERIOD = timedelta(days=31)   # how far outside the counted days a won deal is still listed (``pac explain AXIS``)


def row_conversions(table: DealTable, rows: np.ndarray, currency: str, fx_rates: Mapping[str, Decimal]
                    ) -> tuple[list[Conversion | None], np.ndarray]:
    """``conversion`` of the deal rows ``rows``: each distinct (currency, CRM rates) pair once, and per row the
    index of its conversion in that list."""
    cur_codes = table.currency.codes[rows].astype(np.int64)
    rate_values = table.rates.values if table.rates is not None else ()
    rate_codes = table.rates.codes[rows].astype(np.int64) if table.rates is not None else np.full(len(rows), -1)
    # each row's pair as one non-negative key (a currency code of -1, none, is key 0..); the distinct keys ascending and
    # each row's rank among them, as ``np.unique(..., return_inverse=True)`` gives them, by a count when the keys are
    # few (a sort of every won deal costs more than the rest of this function)
    keys = (cur_codes + 1) * (len(rate_values) + 1) + rate_codes + 1
    if len(keys) and int(keys.max()) < 4 * len(keys) + 4096:
        present = np.bincount(keys) > 0
        pairs = np.flatnonzero(present) - (len(rate_values) + 1)
        index = (np.cumsum(present) - 1)[keys]
    else:
        pairs, index = np.unique(keys, return_inverse=True)
        pairs = pairs - (len(rate_values) + 1)
    out: list[Conversion | None] = []
    for pair in pairs.tolist():
        cur_code, rate_code = divmod(pair, len(rate_values) + 1)
        cur = table.currency.values[cur_code] if cur_code >= 0 else None
        out.append(conversion(cur, rate_values[rate_code - 1] if rate_code else None, currency, fx_rates))
    return out, index.reshape(-1)


def contains(members: Members, number: int) -> bool:
    """``number in members`` for a set or a boolean array."""
    if isinstance(members, np.ndarray):
        return 0 <= number < len(members) and bool(members[number])
    return number in members


def as_set(members: Members) -> frozenset[int]:
    """The account numbers as a set (a boolean array's true positions, ascending)."""
    return frozenset(np.flatnonzero(members).tolist()) if isinstance(members, np.ndarray) else members


def lines_total(lines: Sequence[DealLine]) -> Decimal | None:
    """The sum of a deal's priced lines (in the deal's currency); None when no line has an amount. A line priced in
    another currency (``DealLine.currency``) has no amount in the deal's and is left out, as a line with none is."""
    priced = [line.amount for line in lines if line.amount is not None and line.currency is None]
    return sum(priced, ZERO) if priced else None


def deal_value(amount: Decimal | None, lines: Sequence[DealLine]) -> Decimal | None:
    """What a won deal is worth, in its currency: its amount, else the sum of its priced lines (None: unknown)."""
    return amount if amount is not None else lines_total(lines)


def differs_from_lines(amount: Decimal | None, lines: Sequence[DealLine]) -> bool:
    """A typed amount differing from the deal's priced lines, compared in the deal's currency (the warning
    ``amount_differs_from_lines``): converted, each line rounded on its own, an amount that is its lines' sum may
    differ by a cent, which is no difference."""
    on_lines = lines_total(lines)
    # a line priced in another currency leaves the lines' sum in the deal's currency unknown: nothing to compare
    return amount is not None and on_lines is not None and on_lines != amount and not line_currencies(lines)


def is_credit(value: Decimal | None) -> bool:
    """A won deal worth less than 0 is a credit (an avoir): subtracted from revenue, never a purchase."""
    return value is not None and value < 0


# The words of a won deal's value warnings (``value_warnings``), English and French: one table, each amount a
# placeholder written from its value (``Decision.amounts``) as the report writes money in that language, "£800.00" /
# « 800,00 £GB » (``explain.detail_words``); the English is the decision's ``detail``. Before (audit decamounts, 7 Dec
# 2026) the French was read back out of the English with a symbol table: « -F CFA 1,235 » stayed English.
VALUE_WORDS = {
    "amount_from_lines": {"en": "deal amount empty: the sum of its line items used, {0}",
                          "fr": "montant de l'affaire vide : somme de ses lignes utilisée, {0}"},
    "amount_differs_from_lines": {
        "en": "deal amount {0} differs from its line items, {1}: product axes count the lines",
        "fr": "montant de l'affaire {0} différent de ses lignes, {1} : les axes de produits comptent les lignes"},
    "credit": {"en": "won deal with a negative amount ({0}): a credit, subtracted from the won revenue",
               "fr": "affaire gagnée de montant négatif ({0}) : un avoir, déduit du CA gagné"},
}


def amount_words(amount: Amount, lang: str) -> str:
    """An amount of a decision's words as the report writes money in ``lang``: to the cent, to the yen in JPY
    ("¥1,135"), to the cent in a currency of three decimals."""
    return money(amount.value, amount.currency, lang, decimals=shown_digits(amount.currency))


def value_words(rule: str, amounts: Sequence[Amount], lang: str) -> str | None:
    """A value warning's words in ``lang`` from its amounts (``VALUE_WORDS``); None for another rule, or amounts that
    are not the rule's (a decision of another kind)."""
    words = VALUE_WORDS.get(rule)
    if words is None or len(amounts) != words["en"].count("{"):
        return None
    return words[lang].format(*(amount_words(a, lang) for a in amounts))


def value_warnings(deal: Deal, value: Decimal | None, day: date | None, currency: str) -> list[Decision]:
    """The data-quality warnings of a counted won deal's value (``deal_value``): ``no_amount``,
    ``amount_from_lines``, ``amount_differs_from_lines``, ``credit``. Their amounts read as the report writes money,
    in the deal's currency (``currency``, the plan's, for a deal of none): "the sum of its line items used, £800.00"
    (it read "800.0", a float's look with no currency: audit explainrates, 7 Dec 2026), and are kept as values beside
    the words (``Decision.amounts``), from which ``explain.detail_words`` writes them in French, « 800,00 £GB »."""
    out: list[Decision] = []
    cur = deal.currency or currency

    def warn(rule: str, *amounts: Decimal) -> None:
        kept = tuple(Amount(a, cur) for a in amounts)
        words = value_words(rule, kept, "en")
        assert words is not None
        out.append(Decision(deal.source, deal.id, True, rule, words, deal.account_id, day, amounts=kept))

    if value is None:
        out.append(Decision(deal.source, deal.id, True, "no_amount", "the won deal has no amount: counted as won, "
                            "worth 0", deal.account_id, day))
        return out
    if deal.amount is None:
        warn("amount_from_lines", value)
    elif differs_from_lines(deal.amount, deal.lines) and (on_lines := lines_total(deal.lines)) is not None:
        warn("amount_differs_from_lines", deal.amount, on_lines)
    if value < 0:
        warn("credit", value)
    return out


def line_currency_warnings(deal: Deal, rate: Conversion, currency: str, day: date | None,
                           file: str = SETTINGS_FILE) -> list[Decision]:
    """A counted won deal's lines priced in a currency no rate converts into the plan's (``DealLine.currency``, with
    no ``fx_rates`` entry for it: ``Conversion.others``), one ``line_unknown_currency`` warning each: such a line
    counts 0 on product axes, and the warning names the rate to add. Its words are kept as values too
    (``Decision.values``, ``line_currency_words``): the line's name is a CRM text, never reworded in French."""
    unknown = {cur for cur, conv in rate.others if conv is None}
    out = []
    for line in deal.lines:
        if line.currency is None or line.currency not in unknown:
            continue
        cur, corporate, into = no_rate_values(line.currency, deal.rates, currency)
        values = (("line", line.code or line.name or line.product), ("line_currency", line.currency),
                  ("deal_currency", deal.currency or currency), ("currency", cur), ("corporate", corporate),
                  ("into", into), *((("file", file),) if file != SETTINGS_FILE else ()))
        out.append(Decision(deal.source, deal.id, True, "line_unknown_currency",
                            line_currency_words(dict(values), "en"), deal.account_id, day, values=values))
    return out


LINE_CURRENCY = {"en": "line {line} is priced in {line_currency}, its deal in {deal_currency}: counted 0 on product "
                       "axes, {why}",
                 "fr": "ligne « {line} » au prix en {line_currency}, son affaire en {deal_currency} : comptée 0 sur "
                       "les axes de produits, {why}"}


def line_currency_words(values: Mapping[str, str], lang: str) -> str:
    """A ``line_unknown_currency`` warning's words in ``lang`` from its values (``line_currency_warnings``)."""
    why = no_rate_words(values["currency"], values["corporate"], values["into"], lang, values.get("file"))
    return LINE_CURRENCY[lang].format(line=values["line"], line_currency=values["line_currency"],
                                      deal_currency=values["deal_currency"], why=why)


@dataclass(frozen=True)
class WonValues:
    """What each won, live deal row of a ``DealTable`` is worth (``deal_value``), read once for the ledger and for
    dormancy: ``rows`` the won rows not deleted, ascending; per row its ``value`` (its amount, else the sum of its
    priced lines, None when neither), ``missing`` (no value), ``credit`` (``is_credit``: worth less than 0, no
    purchase) and ``noted`` (a data-quality warning to give: no value, an amount from its lines or differing from
    them, a credit; ``value_warnings`` words it); ``exact``: ``given`` as ``exact_units`` (None when they do not fit),
    read once for the credits and the ledger's sums."""

    rows: np.ndarray
    value: list[Decimal | None]
    given: list[Decimal]        # ``value``, ZERO where it is None: what the ledger sums
    missing: np.ndarray
    credit: np.ndarray
    noted: np.ndarray
    foreign: frozenset[int] = frozenset()   # the rows with a line priced in another currency (``DealLine.currency``)
    exact: tuple[np.ndarray, np.ndarray, int] | None = None

    @classmethod
    def of(cls, table: DealTable) -> WonValues:
        won_codes = [k for k, v in enumerate(table.stage.values) if v is DealStage.WON]
        rows = np.flatnonzero(np.isin(table.stage.codes, won_codes) & ~table.deleted)
        at = rows.tolist()
        value: list[Decimal | None] = list(map(table.amount.__getitem__, at))
        noted = np.zeros(len(rows), dtype=bool)
        foreign: frozenset[int] = frozenset()
        if table.lines is not None:
            # a line says something of its deal's value only when it is priced or in another currency than its
            # deal: when no line of a won deal is either (lines of quantities only), the lines change nothing
            lines = chain.from_iterable(map(table.lines.__getitem__, at))
            if any(map(ne, map(_AMOUNT_AND_CURRENCY, lines), repeat((None, None)))):
                foreign = _with_lines(list(map(table.lines.__getitem__, at)), value, noted, rows)
        missing = np.fromiter(map(is_, value, repeat(None)), dtype=bool, count=len(rows))
        given: list[Decimal] = cast(list[Decimal], value)
        if missing.any():
            given = given.copy()
            for k in np.flatnonzero(missing).tolist():
                given[k] = ZERO
        try:
            exact = exact_units(given)
        except ValueError:      # a NaN or infinite amount (no connector gives one): read as before, below and later
            exact = None
        # a credit: worth less than 0, read on the exact units (the sign of each amount) when they fit
        credit = exact[0] < 0 if exact is not None else \
            np.fromiter(map(lt, given, repeat(ZERO)), dtype=bool, count=len(rows))
        return cls(rows, value, given, missing, credit, noted | missing | credit, foreign, exact)

    def purchases(self, n: int) -> np.ndarray:
        """Per deal row of the table (``n`` rows), whether it is a won, live deal that is no credit."""
        out = np.zeros(n, dtype=bool)
        out[self.rows[~self.credit]] = True
        return out


_AMOUNT = attrgetter("amount")
_CURRENCY = attrgetter("currency")
_AMOUNT_AND_CURRENCY = attrgetter("amount", "currency")


def _with_lines(held: list[tuple[DealLine, ...]], value: list[Decimal | None], noted: np.ndarray, rows: np.ndarray
                ) -> frozenset[int]:
    """``WonValues.of``'s reading of the won deals' lines (``held``, per won row), when some line is priced or in
    another currency than its deal: each deal with a priced line in its currency is compared with its lines' sum
    (``lines_total``: in line order, from ZERO), unless a line in another currency leaves that sum unknown while
    it has an amount; a differing deal is ``noted``, and one with no amount takes its lines' sum as ``value``
    (both changed in place). The rows with a line in another currency are returned. Each line's amount and
    currency are read with one pass over all lines, each deal's flags gathered from them, and only the priced
    lines are added in Python."""
    n = len(held)
    counts = np.fromiter(map(len, held), dtype=np.int64, count=n)
    lines = list(chain.from_iterable(held))
    owner = np.repeat(np.arange(n), counts)       # each line's deal (its index among the won rows)
    amounts = list(map(_AMOUNT, lines))
    other = np.fromiter(map(is_not, map(_CURRENCY, lines), repeat(None)), dtype=bool, count=len(lines))
    priced = np.fromiter(map(is_not, amounts, repeat(None)), dtype=bool, count=len(lines)) & ~other
    in_other = np.zeros(n, dtype=bool)
    in_other[owner[other]] = True
    # each deal's lines' sum in its currency, for the deals with a priced line in it, as ``lines_total`` adds it
    on_lines: dict[int, Decimal] = {}
    for k, amount in zip(owner[priced].tolist(), compress(amounts, priced.tolist()), strict=True):
        on_lines[k] = on_lines.get(k, ZERO) + amount
    for k, total in on_lines.items():
        if value[k] is not None and in_other[k]:    # its lines' sum in the deal's currency is unknown: no comparison
            continue
        if value[k] != total:       # Decimals compare by value
            noted[k] = True
            if value[k] is None:
                value[k] = total
    return frozenset(rows[in_other].tolist())


def exact_units(amounts: Sequence[Decimal]) -> tuple[np.ndarray, np.ndarray, int] | None:
    """Every amount as integer units of a common power of ten (``10**-scale``) with its exponent (capped at 0,
    as a sum from ZERO is), so that a sum over any positions is computed in NumPy and is exactly Python's
    ``Decimal`` sum from ZERO, value and exponent (the exponent of an exact Decimal sum is its terms' smallest).
    None when they do not fit well inside int64 (the caller then adds Decimals). Amounts of exponent 0 (most
    CRM amounts) are read with ``int``, the others through their exponent."""
    n = len(amounts)
    if not n:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 0
    integral = np.fromiter(map(Decimal.same_quantum, amounts, repeat(_ONE)), dtype=bool, count=n)
    others = np.flatnonzero(~integral).tolist()
    exps = np.zeros(n, dtype=np.int64)
    if others:
        exps[others] = [amounts[k].as_tuple().exponent for k in others]
    scale = max(0, -int(exps.min()))
    if scale > 9:
        return None
    bound = (1 << 62) // n
    try:
        units = np.fromiter(map(int, amounts), dtype=np.int64, count=n)   # exact where the exponent is 0
    except OverflowError:
        return None
    if int(np.abs(units).max()) >= bound // 10 ** scale:
        return None
    units *= 10 ** scale
    if others:
        units[others] = [int(amounts[k].scaleb(scale)) for k in others]
        if int(np.abs(units).max()) >= bound:
            return None
    return units, np.minimum(exps, 0), scale


@dataclass(frozen=True)
class Units:
    """Amounts as ``exact_units`` gives them (``units`` of ``10**-scale``, ``exps`` each amount's exponent capped at
    0), for exact Decimal sums over any positions; with, to find a selection's smallest exponent without a pass over
    the whole selection, the most common exponent ``mode`` and the positions whose exponent is another, ``odd``
    (ascending: few, as most amounts of a CRM share one exponent)."""

    units: np.ndarray
    exps: np.ndarray
    scale: int
    mode: int
    odd: np.ndarray

    @classmethod
    def of(cls, exact: tuple[np.ndarray, np.ndarray, int]) -> Units:
        units, exps, scale = exact
        mode = -int(np.bincount(-exps, minlength=1).argmax()) if len(exps) else 0   # exponents in [-scale, 0]
        return cls(units, exps, scale, mode, np.flatnonzero(exps != mode))

    def sum(self, chosen: np.ndarray, lo: int = 0, hi: int | None = None) -> Decimal:
        """The Decimal sum from ZERO of the amounts at ``chosen`` (an index), or at the positions ``lo + k`` where
        ``chosen[k]`` (a boolean array over ``[lo, hi)``, the whole when ``hi`` is None): the integer sum of their
        units made a Decimal of their smallest exponent, exactly Python's sum (the exponent of an exact Decimal
        sum is its terms' smallest)."""
        if chosen.dtype != bool:
            if not len(chosen):
                return ZERO
            total, exponent = int(self.units[chosen].sum()), int(self.exps[chosen].min())
        else:
            hi = len(self.units) if hi is None else hi
            count = int(np.count_nonzero(chosen))
            if not count:
                return ZERO
            span = self.units[lo:hi]
            # a sparse selection gathered, a dense one as a dot product with the 0/1 selection (int64: exact, the
            # units are bounded so that any sum fits)
            total = int(span[chosen].sum()) if count * 16 < len(span) else int(np.dot(span, chosen))
            # the smallest exponent: the odd positions' chosen ones, and the most common exponent if any position
            # chosen is not odd
            a, b = (int(k) for k in np.searchsorted(self.odd, [lo, hi]))
            picked = self.odd[a:b][chosen[self.odd[a:b] - lo]]
            smallest = [int(self.exps[picked].min())] if len(picked) else []
            exponent = min([*smallest, self.mode]) if count > len(picked) else smallest[0]
        return Decimal(total).scaleb(-self.scale).quantize(Decimal(1).scaleb(exponent))


def year_earlier(day: date) -> date:
    """The same calendar day a year earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def window_days(window: Window, zone: ZoneInfo) -> DateRange:
    """The local calendar days a window covers: a day is in when its 00:00 local is in the window."""
    start = window.start.astimezone(zone)
    first = start.date() if start.time() == datetime.min.time() else start.date() + timedelta(days=1)
    return first, last_day(window.end, zone)


def last_day(as_of: datetime, zone: ZoneInfo) -> date:
    """The evaluation date: the last local calendar day begun at ``as_of``, as ``window_days`` ends a window.

    Its local day, except at the day's very first instant, when nothing of the new day has happened yet: as of
    1 July 00:00 (a closed quarter's end), the last day is 30 June, so a deal closed on 1 July is not counted
    in the quarter's figures, and the quarter is the second one. A day whose midnight a DST change skips begins
    at its first instant that exists (Asunción, 1 October 2023: 01:00 local): that instant is judged the same
    way. Instants are in microseconds, so the day of the microsecond before (in UTC) is exactly that.
    """
    return (as_of.astimezone(UTC) - _ONE_MICROSECOND).astimezone(zone).date()


def prorated(amount: Decimal, days: DateRange, as_of: datetime, zone: ZoneInfo) -> Decimal:
    """``amount`` pro-rated by the share of the range's local days up to the evaluation date (``last_day``
    included), day for day as the revenue it is compared with: 20,000 over a 365-day year is 20,000 x 273 / 365
    at the end of September, whatever hour summer time took in March (an elapsed-time share lost it: 2.28 less)."""
    first, last = days
    upto = min(last, last_day(as_of, zone))
    if upto < first:
        return amount * 0
    return amount * ((upto - first).days + 1) / ((last - first).days + 1)


def to_date(days: DateRange, as_of: datetime, zone: ZoneInfo) -> DateRange:
    """The part of a range up to the evaluation date (``last_day``: its local calendar day included)."""
    return days[0], min(days[1], last_day(as_of, zone))


def weekly_year(quarters: Sequence[tuple[date, date]]) -> DateRange | None:
    """The first and last days of a plan's year when its declared fiscal quarters (``Window.quarters``, from
    ``plan.fiscal_calendar``) cut it in weeks: a 52- or 53-week year (364 or 371 days) whose quarters are no runs of
    months (a 4-4-5 year); None otherwise (quarters declared by first days that all fall on a 1st are months, and keep
    the calendar's year earlier). ``baseline_range`` reads its 53rd week from it."""
    if not quarters:
        return None
    first, end = quarters[0][0], quarters[-1][1]
    if (end - first).days in (364, 371) and any(start.day != 1 for start, _ in quarters):
        return first, end - timedelta(days=1)
    return None


def baseline_range(days: DateRange, weeks: DateRange | None = None) -> DateRange:
    """The same span one year earlier, the baseline's days. Each end is the same calendar day a year earlier,
    except around 29 February, so that adjacent spans map to adjacent spans (no day counted twice, none left out):

    * a last day that is its month's last day maps to the same month's last day (28 February 2029 to 29 February
      2028: February 2029's baseline is the whole of February 2028; 29 February 2028 to 28 February 2027);
    * a first day on 29 February maps to 1 March (the day after the year-earlier 28 February, which ends the span
      before it): the single day 29 February 2028 has no day a year earlier (an empty range).

    ``weeks`` (the days of a plan's year cut in weeks, ``weekly_year``): the same days 52 weeks (364 days) earlier,
    last year's same fiscal weeks and weekdays, as a retailer compares its sales: a 4-4-5 year from Sunday 31 January
    2027 compares its Q2 (2 May – 31 July 2027) with 3 May – 1 August 2026, last year's Q2 (audit growthhand: it
    was 2 May – 31 July 2026, a Saturday of last year's Q1 in, the last Saturday of its Q2 out). The 53rd week of a
    53-week year has no week a year earlier, as 29 February has no day (audit fiscal53: 52 weeks before it is the
    year's own week 1, whose sales are this year's revenue): a last day in it maps to last year's last day, a first
    day in it to this year's first day, so a span of that week alone is empty and a 53-week year, or its 14-week
    quarter, compares with last year's 52 weeks, or its 13. A day after the year (an objective period reaching into
    the next one) maps to the same day of its week 53 weeks earlier, this year's same fiscal week, so that no
    baseline ever reads a day of its span's own fiscal year.
    """
    first, last = days
    if weeks is not None:
        return _weeks_earlier(first, weeks, True), _weeks_earlier(last, weeks, False)
    start = date(first.year - 1, 3, 1) if (first.month, first.day) == (2, 29) else year_earlier(first)
    end = year_earlier(last)
    if (last + timedelta(days=1)).day == 1:
        end = end.replace(day=monthrange(end.year, end.month)[1])
    return start, end


def _weeks_earlier(day: date, weeks: DateRange, first: bool) -> date:
    """A span's first (``first``) or last day a year earlier in a year cut in weeks (``baseline_range``): 52 weeks
    earlier, none for a day of the 53rd week (the first day after, or the last day before, the days that have one:
    this year's first day, last year's last day), the year's length earlier after the year (this year's same week)."""
    year, end = weeks[0], weeks[1] + timedelta(days=1)
    if day < year + timedelta(weeks=52):      # ``end`` in a 52-week year: every day of it 52 weeks earlier
        return day - timedelta(weeks=52)
    if day >= end:
        return day - (end - year)
    return year if first else year - timedelta(days=1)


@dataclass
class WonLedger:
    """Usable won deals sorted by close date, plus every account's won close dates (for dormancy)."""

    days: Sequence[date] = field(default_factory=list)
    accounts: list[int] = field(default_factory=list)
    amounts: Sequence[Decimal] = field(default_factory=list)
    deals: Sequence[Deal] = field(default_factory=list)
    won_dates: list[tuple[date, ...]] = field(default_factory=list)   # per account number, sorted
    rates: list[Conversion] = field(default_factory=list)    # per position: deal currency -> plan's currency
    rejected: list[Decision] = field(default_factory=list)
    rejected_accounts: list[int | None] = field(default_factory=list)
    # the won deals a connector rejected (``Rejected.record``): listed by ``counted_deals`` as the engine's rejected
    # ones, never among ``Evaluation.rejected`` (the run stores the connector's rejection already)
    crm_rejected: list[Decision] = field(default_factory=list)
    crm_rejected_accounts: list[int | None] = field(default_factory=list)
    # the won deals rejected ``no_account`` because they have no account at all, by (source, id): the plan decides
    # which are its to reject (``DealReaders``, audit hsdealnocompany)
    unplaced: dict[tuple[str, str], Deal] = field(default_factory=dict)
    warnings: list[Decision] = field(default_factory=list)   # counted, with a data-quality problem (no amount...)
    _sums: dict[DateRange, tuple[dict[int, Decimal], dict[int, list[int]]]] = field(default_factory=dict)
    day_ordinals: np.ndarray | None = None     # from columns: ``days`` and ``accounts`` as arrays too
    account_array: np.ndarray | None = None
    _exact: Units | None = None                # exact sums: each amount as integer units and its exponent
    _masks: dict[int, tuple[frozenset[int], np.ndarray]] = field(default_factory=dict)
    _table: DealTable | None = None             # from columns: the deal table and each position's row in it
    _rows: np.ndarray | None = None
    _selected: dict[tuple[DateRange, int], tuple[Members, int, int, np.ndarray]] = field(default_factory=dict)
    _totals: dict[tuple[DateRange, int], tuple[Members, Decimal]] = field(default_factory=dict)
    _no_amount: np.ndarray | None = None        # per position: a won deal with no amount (the ``no_amount`` warnings)
    credit: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))   # per position: a credit (< 0)

    def sum_at(self, positions: np.ndarray) -> Decimal:
        """The Decimal sum (from ZERO) of the amounts at these ledger positions (an index or a boolean array)."""
        if self._exact is None:
            chosen = np.flatnonzero(positions) if positions.dtype == bool else positions
            return sum(map(self.amounts.__getitem__, chosen.tolist()), ZERO)
        return self._exact.sum(positions)

    def span(self, days: DateRange) -> tuple[int, int]:
        """The ledger positions [lo, hi) of the deals closed in the inclusive range (from columns)."""
        assert self.day_ordinals is not None
        if days[0] > days[1]:
            return 0, 0
        lo = int(np.searchsorted(self.day_ordinals, days[0].toordinal(), side="left"))
        hi = int(np.searchsorted(self.day_ordinals, days[1].toordinal(), side="right"))
        return lo, hi

    def sum_span(self, lo: int, hi: int, keep: np.ndarray) -> Decimal:
        """The Decimal sum (from ZERO) of the amounts at positions ``lo + k`` where ``keep[k]`` (a boolean array
        over the span ``[lo, hi)``)."""
        if self._exact is None:
            return sum(map(self.amounts.__getitem__, (lo + np.flatnonzero(keep)).tolist()), ZERO)
        return self._exact.sum(keep, lo, hi)

    def positions_of(self, days: DateRange, members: Members, limit: int | None = None) -> list[int]:
        """The ledger positions (ascending) of the deals of ``members`` closed in the inclusive range (the first
        ``limit`` when given)."""
        if self.day_ordinals is None or self.account_array is None:
            _, positions = self.by_account(days)
            return sorted(chain.from_iterable(positions[n] for n in positions if contains(members, n)))[:limit]
        lo, _, keep = self.select(days, members)
        picked: list[int] = (lo + np.flatnonzero(keep)[:limit]).tolist()
        return picked

    def count_of(self, days: DateRange, members: Members) -> int:
        """How many deals of ``members`` closed in the inclusive range (``positions_of`` without a limit)."""
        if self.day_ordinals is None or self.account_array is None:
            return len(self.positions_of(days, members))
        return int(np.count_nonzero(self.select(days, members)[2]))

    def select(self, days: DateRange, members: Members) -> tuple[int, int, np.ndarray]:
        """(lo, hi, keep): the deals closed in the inclusive range are the ledger positions [lo, hi), and
        ``keep[k]`` says whether position ``lo + k`` is a deal of ``members`` (from columns; kept per range and
        members object: an axis's revenue, KPIs, listed deals and totals read the same selection)."""
        assert self.account_array is not None
        key = (days, id(members))
        found = self._selected.get(key)
        if found is None or found[0] is not members:
            lo, hi = self.span(days)
            found = self._selected[key] = (members, lo, hi, self._member_mask(members)[self.account_array[lo:hi]])
        return found[1], found[2], found[3]

    def _member_mask(self, members: Members) -> np.ndarray:
        """Per account number, in ``members`` (a boolean array as it is; a set made into one, cached)."""
        if isinstance(members, np.ndarray):
            return members
        found = self._masks.get(id(members))
        if found is None or found[0] is not members:
            assert self.account_array is not None
            size = int(self.account_array.max()) + 1 if len(self.account_array) else 0
            mask = np.zeros(size, dtype=bool)
            numbers = np.fromiter(members, dtype=np.int64, count=len(members))
            mask[numbers[numbers < size]] = True
            found = self._masks[id(members)] = (members, mask)
        return found[1]

    def _grouped(self, days: DateRange) -> tuple[dict[int, Decimal], dict[int, list[int]]]:
        """``by_account`` on the arrays: the range by two sorted searches, positions grouped per account by a
        stable sort (each account's positions stay in ledger order), its amounts summed in that order."""
        assert self.day_ordinals is not None and self.account_array is not None
        if days[0] > days[1]:
            return {}, {}
        lo = int(np.searchsorted(self.day_ordinals, days[0].toordinal(), side="left"))
        hi = int(np.searchsorted(self.day_ordinals, days[1].toordinal(), side="right"))
        accounts = self.account_array[lo:hi]
        order = np.argsort(accounts, kind="stable")
        grouped = accounts[order]
        starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]]) if len(grouped) else grouped
        ordered = order + lo
        numbers = grouped[starts].tolist()
        groups = [g.tolist() for g in np.split(ordered, starts[1:])] if len(grouped) else []
        by = dict(zip(numbers, groups, strict=True))
        if self._exact is not None and len(grouped):
            unit_sums = np.add.reduceat(self._exact.units[ordered], starts).tolist()
            exponents = np.minimum.reduceat(self._exact.exps[ordered], starts).tolist()
            shift = Decimal(1).scaleb(-self._exact.scale)
            quanta = {e: Decimal(1).scaleb(e) for e in set(exponents)}
            totals = [(Decimal(u) * shift).quantize(quanta[e]) for u, e in zip(unit_sums, exponents, strict=True)]
        else:
            amounts = self.amounts
            totals = [sum(map(amounts.__getitem__, g), ZERO) for g in groups]
        return dict(zip(numbers, totals, strict=True)), by

    @classmethod
    def build(cls, deals: Iterable[Deal], *, account_number: Mapping[AccountKey, int], n_accounts: int,
              currency: str, fx_rates: Mapping[str, Decimal], zone: tzinfo = UTC,
              settings_file: str = SETTINGS_FILE) -> WonLedger:
        rows: list[tuple[date, int, Decimal, Deal, Conversion]] = []
        dates: list[list[date]] = [[] for _ in range(n_accounts)]
        ledger = cls()
        for deal in deals:
            if deal.deleted or deal.stage is not DealStage.WON:
                continue
            day = deal.day(zone)
            number = account_number.get((deal.source, deal.account_id)) if deal.account_id is not None else None
            value = deal_value(deal.amount, deal.lines)
            if number is not None and day is not None and not is_credit(value):    # a credit is no purchase
                dates[number].append(day)
            problem = _money_problem(deal, day, number, currency, fx_rates, settings_file)
            if problem is not None:
                ledger.rejected.append(Decision(deal.source, deal.id, False, problem[0], problem[1],
                                                deal.account_id, day))
                ledger.rejected_accounts.append(number)
                if deal.account_id is None:
                    ledger.unplaced[(deal.source, deal.id)] = deal
                continue
            assert day is not None and number is not None
            rate = conversion(deal.currency, deal.rates, currency, fx_rates)
            assert rate is not None
            rate = for_lines(rate, deal.lines, deal.rates, currency, fx_rates)
            ledger.warnings.extend(value_warnings(deal, value, day, currency))
            ledger.warnings.extend(line_currency_warnings(deal, rate, currency, day, settings_file))
            amount = ZERO if value is None else rate(value)
            rows.append((day, number, amount, deal, rate))
        rows.sort(key=lambda r: (r[0], r[3].source, r[3].id))
        ledger.days = [r[0] for r in rows]
        ledger.accounts = [r[1] for r in rows]
        ledger.amounts = [r[2] for r in rows]
        ledger.deals = [r[3] for r in rows]
        values = [deal_value(r[3].amount, r[3].lines) for r in rows]
        ledger._no_amount = np.fromiter((v is None for v in values), dtype=bool, count=len(rows))
        ledger.credit = np.fromiter(map(is_credit, values), dtype=bool, count=len(rows))
        ledger.rates = [r[4] for r in rows]
        ledger.won_dates = [tuple(sorted(d)) if d else () for d in dates]
        return ledger

    @classmethod
    def from_columns(cls, table: DealTable, *, numbers: np.ndarray, days: np.ndarray,
                     won_dates: Sequence[tuple[date, ...]], currency: str, fx_rates: Mapping[str, Decimal],
                     deals: Sequence[Deal], values: WonValues | None = None,
                     settings_file: str = SETTINGS_FILE) -> WonLedger:
        """The ledger of ``build`` read from deal columns: ``numbers`` and ``days`` give each row's account number
        (-1 unknown) and ``Deal.day`` ordinal (NO_DAY none); ``won_dates`` each account's won close dates; record
        objects (``deals``, made on access) only for the rows a decision lists. Same rules, same order."""
        values = values if values is not None else WonValues.of(table)
        rows, amounts, missing, credit = values.rows, values.value, values.missing, values.credit
        ledger = cls()
        ledger.won_dates = won_dates     # type: ignore[assignment]
        noted, given = values.noted, values.given
        # each row's conversion into the plan's currency (its currency and the CRM's rates of the deal)
        rate_of, cur_codes = row_conversions(table, rows, currency, fx_rates)
        ok = (table.account.codes[rows] >= 0) & (numbers[rows] >= 0) & (days[rows] != NO_DAY)
        unknown = np.array([r is None for r in rate_of], dtype=bool)[cur_codes]
        good = ok & ~unknown
        for k in np.flatnonzero(~good).tolist():     # the rejections, in the rows' order
            deal = deals[int(rows[k])]
            number = int(numbers[rows[k]])
            day = date.fromordinal(int(days[rows[k]])) if days[rows[k]] != NO_DAY else None
            problem = _money_problem(deal, day, number if number >= 0 else None, currency, fx_rates, settings_file)
            assert problem is not None
            ledger.rejected.append(Decision(deal.source, deal.id, False, problem[0], problem[1], deal.account_id,
                                            day))
            ledger.rejected_accounts.append(number if number >= 0 else None)
            if deal.account_id is None:
                ledger.unplaced[(deal.source, deal.id)] = deal
        kept = np.flatnonzero(good)
        kept_rows = rows[kept]
        # amounts converted (no amount: ZERO, whatever the rate), in the rows' order, and their exact units: the won
        # values' own (``WonValues.exact``), with those of the converted ones (a foreign currency: few) put in
        rated = np.array([r is not None and r is not SAME for r in rate_of], dtype=bool)[cur_codes[kept]] \
            & ~missing[kept]
        converted = {p: rate_of[int(cur_codes[kept[p]])](given[int(kept[p])])    # type: ignore[misc]
                     for p in np.flatnonzero(rated).tolist()}
        row_of = kept

        def amount_at(p: int) -> Decimal:   # the converted amount of position p in the rows' order
            return converted[p] if p in converted else given[int(row_of[p])]

        exact = _kept_units(values.exact, kept, converted)
        if exact is None:
            exact = exact_units(list(map(amount_at, range(len(kept)))))
        # ledger order: close day, then source, then id (as ``build`` sorts)
        order = _ledger_order(table, kept_rows, days)
        kept, kept_rows = kept[order], kept_rows[order]
        day_ordinals = ledger.day_ordinals = days[kept_rows].astype(np.int64)
        ledger.days = Rows(len(kept_rows), lambda p: date.fromordinal(int(day_ordinals[p])))
        ledger.accounts = numbers[kept_rows].tolist()
        ledger.account_array = numbers[kept_rows].astype(np.int64)
        rates: list[Conversion] = list(map(rate_of.__getitem__, cur_codes[kept].tolist()))  # type: ignore[arg-type]
        foreign = np.isin(kept_rows, list(values.foreign)) if values.foreign else np.zeros(len(kept_rows), bool)
        for p in np.flatnonzero(foreign).tolist():   # the few deals with a line priced in another currency
            deal = deals[int(kept_rows[p])]
            rates[p] = for_lines(rates[p], deal.lines, deal.rates, currency, fx_rates)
        ledger.rates = rates
        ledger.amounts = Rows(len(kept_rows), amount_at, order)   # read for the few deals listed
        ledger.deals = Rows(len(kept_rows), deals.__getitem__, kept_rows)
        ledger._table, ledger._rows = table, kept_rows
        if exact is not None:
            ledger._exact = Units.of((exact[0][order], exact[1][order], exact[2]))
        ledger._no_amount = missing[kept]
        ledger.credit = credit[kept]
        for p in np.flatnonzero(noted[kept] | foreign).tolist():
            if noted[kept[p]]:
                ledger.warnings.extend(value_warnings(ledger.deals[p], amounts[int(kept[p])], ledger.days[p],
                                                          currency))
            if foreign[p]:
                ledger.warnings.extend(line_currency_warnings(ledger.deals[p], rates[p], currency, ledger.days[p],
                                                              settings_file))
        return ledger

    def by_account(self, days: DateRange) -> tuple[dict[int, Decimal], dict[int, list[int]]]:
        """(account -> revenue, account -> ledger positions) for deals closed in the inclusive range."""
        found = self._sums.get(days)
        if found is None and self.account_array is not None:
            found = self._sums[days] = self._grouped(days)
        if found is None:
            sums: dict[int, Decimal] = {}
            positions: dict[int, list[int]] = {}
            if days[0] <= days[1]:
                lo, hi = bisect_left(self.days, days[0]), bisect_right(self.days, days[1])
                for pos in range(lo, hi):
                    number = self.accounts[pos]
                    sums[number] = sums.get(number, ZERO) + self.amounts[pos]
                    positions.setdefault(number, []).append(pos)
            found = self._sums[days] = (sums, positions)
        return found

    def total(self, days: DateRange, members: Members) -> Decimal:
        """Revenue of the accounts in ``members`` over the range; each deal once."""
        if self.day_ordinals is not None and self.account_array is not None:
            key = (days, id(members))
            found = self._totals.get(key)
            if found is None or found[0] is not members:
                found = self._totals[key] = (members, self.sum_span(*self.select(days, members)))
            return found[1]
        sums, _ = self.by_account(days)
        return sum((v for n, v in sums.items() if contains(members, n)), ZERO)   # exact: any order gives the same

    def counted_deals(self, days: DateRange, members: Members, limit: int, flt: DealFilter | None = None,
                      owner_email: Mapping[AccountKey, str] | None = None, shares: np.ndarray | None = None,
                      own: int = 0, deleted: np.ndarray | None = None,
                      state_out: Mapping[int, str] | None = None) -> list[Decision]:
        """Up to ``limit`` counted deals of the scope (deterministic order; ``detail`` the amount counted, in the
        plan's currency, rule ``no_amount`` for a won deal without amount, worth 0; with split attribution,
        ``shares`` and ``own`` as ``engine._scope_revenue`` takes them, a deal divided between several axes reads
        "900.00 / 2 = 450.00": its amount, the divisor, the share this scope counts), then up to ``limit`` deals of
        the scope's accounts that a deal condition left out (``other_deal_owner``, ``other_product``), then the
        scope's rejected deals. Deals beyond ``limit`` are counted, not listed, as an action's activities are: a
        ``truncated`` decision (no record) after the counted ones, "58 more counted deals not listed" (with
        " (2 with no amount)" when some of them have none), and one after the left-out ones, "3 more deals left
        out not listed", so ``pac explain`` can give the real numbers. ``deleted`` (per account number: deleted in
        the CRM, in the scope as if it were not, ``AccountColumns.deleted_mask``): their won deals of the range that
        pass ``flt`` are listed as not counted too, rule ``deleted``, as an action lists a visit of a deleted
        account: a won deal left live on a deleted company counts nothing, and the revenue it leaves names it.
        ``state_out`` (account number -> why: in the scope with its owner or type now, not on the reference date,
        ``AccountColumns.state_mask``): their won deals of the range that pass ``flt`` are listed as not counted,
        rule ``account_state``, with the account's words (audit sfhand4: an account given to Julie after 1 April read
        nowhere in « pac explain » of her Q1 axis)."""
        out: list[Decision] = []
        on_lines: dict[int, tuple[int, ...] | None] = {}
        if flt is not None and not flt.is_everything:
            kept, missed = measure(self, days, as_set(members), flt, owner_email or {})
            amounts = {p: amount for p, (amount, _) in kept.items()}
            on_lines = {p: lines for p, (_, lines) in kept.items()}
            every = sorted(kept)
            picked, total = every[:limit], len(every)
        else:
            picked = self.positions_of(days, members, limit)   # the scope's first deals in ledger order
            amounts, missed = {p: self.amounts[p] for p in picked}, []
            every, total = [], self.count_of(days, members)
        for p in picked:
            source, ident, _, account = self._listed(p)
            rule = self.rule_of(p, on_lines.get(p))
            divisor = 1 if shares is None else int(shares[p]) + own
            detail = f"{half_up(amounts[p], 2)}"
            if divisor > 1:
                detail += f" / {divisor} = {half_up(amounts[p] / divisor, 2)}"
            out.append(Decision(source, ident, True, rule, detail, account, self.days[p],
                                Decimal(amounts[p]) / divisor if divisor > 1 else Decimal(amounts[p])))
        if total > len(picked):
            unlisted = 0
            if self.warnings:   # a won deal without amount exists somewhere: look for the unlisted ones
                rest = every[limit:] if every else self.positions_of(days, members)[limit:]
                unlisted = self.without_amount(np.asarray(rest, dtype=np.int64))
            out.append(Decision("", "", True, "truncated", f"{total - len(picked)} more counted deals not listed"
                                + (f" ({unlisted} with no amount)" if unlisted else "")))
        for p, rule, detail in sorted(missed)[:limit]:
            source, ident, _, account = self._listed(p)
            out.append(Decision(source, ident, False, rule, detail, account, self.days[p]))
        if len(missed) > limit:
            out.append(Decision("", "", False, "truncated", f"{len(missed) - limit} more deals left out not listed"))
        gone = self._kept_on(days, deleted, flt, owner_email or {}) if deleted is not None else []
        for p in gone[:limit]:
            source, ident, _, account = self._listed(p)
            out.append(Decision(source, ident, False, "deleted", "the account was deleted in the CRM", account,
                                self.days[p]))
        if len(gone) > limit:
            out.append(Decision("", "", False, "truncated",
                                f"{len(gone) - limit} more deals of deleted accounts not listed"))
        if state_out:
            moved = self._kept_on(days, frozenset(state_out), flt, owner_email or {})
            for p in moved[:limit]:
                source, ident, _, account = self._listed(p)
                number = int(self.account_array[p]) if self.account_array is not None else self.accounts[p]
                out.append(Decision(source, ident, False, "account_state", state_out[number], account, self.days[p]))
            if len(moved) > limit:
                out.append(Decision("", "", False, "truncated",
                                    f"{len(moved) - limit} more deals of accounts outside the scope then not listed"))
        if days[0] <= days[1]:
            out.extend(self._outside_period(days, members, limit, flt, owner_email or {}))
        # the rejected deals of the scope's accounts closed in the range, or with no close date (``no_close_date``:
        # of no period, listed on every axis of its account, where the manager looks for it; audit hshand4)
        for rejected, accounts in ((self.rejected, self.rejected_accounts),
                                   (self.crm_rejected, self.crm_rejected_accounts)):
            out.extend(d for d, n in zip(rejected, accounts, strict=True)
                       if n is not None and contains(members, n)
                       and (d.when is None or (isinstance(d.when, date) and days[0] <= d.when <= days[1])))
        return out

    def note_crm_rejected(self, rejected: Iterable[Rejected], number_of: Callable[[str, str], int | None],
                          zone: tzinfo) -> None:
        """The won deals a connector rejected (``Rejected.record``: a HubSpot deal whose stage belongs to another
        pipeline, whose amount is no number), each a ``crm_rejected`` decision on its company (``number_of``: (source,
        account id) -> account number, None when unknown) and close day, its detail the rejection's English and its
        values the code's (``explain`` words them in either language): ``pac explain AXIS`` lists it, not counted,
        on every axis of its company, where the manager looks for its order (audit hsmulti: « 3 deals counted, 0 not
        counted » beside a 4,000 order rejected by the connector)."""
        for r in rejected:
            deal = r.record
            if not isinstance(deal, Deal) or deal.account_id is None:
                continue
            values = (("code", r.code), *r.values)
            self.crm_rejected.append(Decision(r.source, r.id, False, "crm_rejected", r.reason, deal.account_id,
                                              deal.day(zone), values=values))
            self.crm_rejected_accounts.append(number_of(r.source, deal.account_id))


    def _outside_period(self, days: DateRange, members: Members, limit: int, flt: DealFilter | None,
                        owner_email: Mapping[AccountKey, str]) -> list[Decision]:
        """The won deals of the scope's accounts (kept by ``flt``) closed within ``NEAR_PERIOD`` of the counted days
        ``days``: the last ones before its first day, the first ones after its last (the evaluation's day, or the
        period's last): not counted, ``outside_period``, "closed on 2026-12-31, before the first day counted,
        2027-01-01" (audit explain: « why is the Durand order not in my revenue? » had no answer)."""
        out: list[Decision] = []
        before = self._kept_on((days[0] - NEAR_PERIOD, days[0] - timedelta(days=1)), members, flt, owner_email)
        after = self._kept_on((days[1] + timedelta(days=1), days[1] + NEAR_PERIOD), members, flt, owner_email)
        for found, words in ((before[-limit:] if limit else [], f"before the first day counted, {days[0]:%Y-%m-%d}"),
                             (after[:limit], f"after the last day counted, {days[1]:%Y-%m-%d}")):
            for p in found:
                source, ident, _, account = self._listed(p)
                out.append(Decision(source, ident, False, "outside_period",
                                    f"closed on {self.days[p]:%Y-%m-%d}, {words}", account, self.days[p]))
        unlisted = max(0, len(before) - limit) + max(0, len(after) - limit)
        if unlisted:
            out.append(Decision("", "", False, "truncated", f"{unlisted} more deals outside the period not listed"))
        return out

    def _kept_on(self, days: DateRange, accounts: Members, flt: DealFilter | None,
                 owner_email: Mapping[AccountKey, str]) -> list[int]:
        """The ledger positions of the won deals closed in ``days`` on ``accounts`` (a boolean array per account
        number, or a set of numbers: the deleted accounts, those outside the scope then) that ``flt`` keeps (its
        owner and product conditions)."""
        found = self.positions_of(days, accounts)
        if flt is None or flt.is_everything:
            return found
        return [p for p in found if flt.verdict((deal := self.deals[p]).source, deal.owner_id, deal.lines,
                                                owner_email)[0] is not None]

    def rule_of(self, position: int, lines: tuple[int, ...] | None = None) -> str:
        """How a counted deal is listed: ``no_amount`` when what the scope counts of it is unknown (the deal has no
        value; with ``lines``, the lines a product scope counts, none of them priced), ``credit`` for a credit,
        else ``counted``."""
        if lines is not None:
            deal_lines = self.deals[position].lines
            if all(deal_lines[i].amount is None for i in lines):
                return "no_amount"
        elif self._no_amount is not None and self._no_amount[position]:
            return "no_amount"
        return "credit" if len(self.credit) and self.credit[position] else "counted"

    def unknown_among(self, kept: Measured) -> int:
        """How many of the deals a scope with deal conditions kept (``measure``) count an unknown figure (rule
        ``no_amount``): a deal counted whole with no value, or counted by lines none of which is priced."""
        return sum(1 for p, (_, lines) in kept.items() if self.rule_of(p, lines) == "no_amount")

    def without_amount(self, positions: np.ndarray) -> int:
        """How many of the deals at these ledger positions (an index array) are won deals with no amount (counted
        as won, worth 0: the ``no_amount`` warnings); read only when the ledger has such a warning."""
        if not self.warnings or not len(positions) or self._no_amount is None:
            return 0
        return int(self._no_amount[positions].sum())   # one gather, not a record read per position

    def _listed(self, position: int) -> tuple[str, str, Decimal | None, str | None]:
        """(source, id, amount as the CRM gave it, account id) of the deal at a ledger position: read from the deal
        columns when the ledger has them (no record object), else from the deal."""
        if self._table is not None and self._rows is not None:
            row, table = int(self._rows[position]), self._table
            return table.source.at(row), table.id[row], table.amount[row], table.account.at(row)
        deal = self.deals[position]
        return deal.source, deal.id, deal.amount, deal.account_id


def _kept_units(whole: tuple[np.ndarray, np.ndarray, int] | None, kept: np.ndarray,
                converted: Mapping[int, Decimal]) -> tuple[np.ndarray, np.ndarray, int] | None:
    """``exact_units`` of the amounts ``whole`` holds at the positions ``kept``, those at the positions (among
    ``kept``) of ``converted`` replaced by its amounts: the units taken, the converted amounts' own put in at a
    common scale; None when they would not fit as ``exact_units`` wants (its bound for that many amounts)."""
    if whole is None:
        return None
    units, exps, scale = whole[0][kept], whole[1][kept], whole[2]
    bound = (1 << 62) // max(1, len(kept))
    if not converted:
        return units, exps, scale      # each within the bound of ``whole``'s more amounts
    some = exact_units(list(converted.values()))
    if some is None or max(scale, some[2]) > 9:
        return None
    top = max(scale, some[2])
    if (len(units) and int(np.abs(units).max()) >= bound // 10 ** (top - scale)) or \
            int(np.abs(some[0]).max()) >= bound // 10 ** (top - some[2]):
        return None
    units *= 10 ** (top - scale)
    at = np.fromiter(converted, dtype=np.int64, count=len(converted))
    units[at] = some[0] * 10 ** (top - some[2])
    exps[at] = some[1]
    return units, exps, top


def _ledger_order(table: DealTable, rows: np.ndarray, days: np.ndarray) -> np.ndarray:
    """The ledger's order of the deal rows ``rows`` (ascending): close day (``days``), then source, then id, as
    ``np.lexsort`` of the ids (as a NumPy str array), sources and days gives it. When the ids are str that do not
    descend in the rows' order (the store gives deals in the order they were first synced, often their ids' order;
    Python's str order implies NumPy's), that is the order by day and source with ties in the rows' order (lexsort
    is stable): one integer sort (``by_day_and_account``) rather than a NumPy str array and a sort of strings."""
    source_rank = np.argsort(np.argsort(np.array([str(v) for v in table.source.values] + [""], dtype=str)))
    sources = source_rank[table.source.codes[rows]]
    ids = list(map(table.id.__getitem__, rows.tolist()))
    if all(map(is_, map(type, ids), repeat(str))) and not any(map(gt, ids, islice(ids, 1, None))):
        return by_day_and_account(days[rows], sources)
    order: np.ndarray = np.lexsort((np.array(ids, dtype=str), sources, days[rows]))
    return order


@dataclass(frozen=True)
class DealReaders:
    """Which won deals with no account are a plan's to reject (docs/engine.md, *Bad records*: decided 7 Dec 2026,
    audit hsdealnocompany): those that, placed on the right account (the missing fact: any account condition may hold
    for it), could change one of its figures. ``revenue``: per segment and per axis, its deal conditions (and an
    axis's ``who``) and the days it reads won deals on, from its period's first day a year earlier (baseline,
    percentage base) to its last day; ``dormancy``: the days a won deal of any owner and product tells whether an
    account is dormant on one of the plan's reference days (the CORE reactivation rate and new accounts of every axis
    and segment, ``dormant`` scope conditions), the longest dormancy months before the earliest reference day up to
    the day before the latest, and a lost key account's 12 months before its loss (the advisor's context): every
    owner's and product's deals (``any_owner``). A deal with no close day is the plan's (its date is a data error
    too)."""

    revenue: tuple[tuple[DealFilter, DateRange], ...]
    any_owner: tuple[DateRange, ...]

    def reads(self, deal: Deal, zone: tzinfo, owner_email: Mapping[AccountKey, str]) -> bool:
        day = deal.day(zone)
        if day is None or any(first <= day <= last for first, last in self.any_owner):
            return True
        return any(first <= day <= last and flt.verdict(deal.source, deal.owner_id, deal.lines, owner_email)[0]
                   is not None for flt, (first, last) in self.revenue)


def _money_problem(deal: Deal, day: date | None, number: int | None, currency: str,
                   fx_rates: Mapping[str, Decimal], file: str = SETTINGS_FILE) -> tuple[str, str] | None:
    if deal.account_id is None:
        return "no_account", "the won deal has no account"
    if number is None:
        return "no_account", f"account {deal.account_id} is not among the accounts of {deal.source}"
    if day is None:
        return "no_close_date", "the won deal has no close date"
    if conversion(deal.currency, deal.rates, currency, fx_rates) is None:
        return "unknown_currency", no_rate(deal.currency, deal.rates, currency, file)
    return None


def product_load_columns(table: DealTable, days_of: np.ndarray, days: DateRange,
                         committed_weight: Decimal, today: date | None = None) -> dict[str, dict[str, Decimal]]:
    """Per product, the quantities of the deals closing in the quarter ``days`` (``days_of``: each row's
    ``Deal.day`` ordinal): ``won`` (won deals closed by ``today``) and ``committed`` (open deals, and deals won or
    lost after ``today``, which were still open on that day, weighted: a deal lost after a back-dated evaluation
    was left out while one won that day counted, audit advicefiscal). A line is found under each of its keys
    (capacity key, code, name, and its product library item's other SKUs and names), folded (``fold_value``), once
    per key: the plan names products by code
    ("PX200") while a Salesforce mapping may key lines by ``Product2.Name``, so ``load[fold_value("PX200")]``
    finds the line whichever key holds the code."""
    lost = [k for k, v in enumerate(table.stage.values) if v is DealStage.LOST]
    gone = np.isin(table.stage.codes, lost)     # lost by today: a deal lost later was still open that day
    if today is not None:
        gone &= days_of <= today.toordinal()
    rows = np.flatnonzero(~table.deleted & ~gone & (days_of != NO_DAY)
                          & (days_of >= days[0].toordinal()) & (days_of <= days[1].toordinal()))
    out: dict[str, dict[str, Decimal]] = {}
    if table.lines is None:
        return out
    won_code = [k for k, v in enumerate(table.stage.values) if v is DealStage.WON]
    won_mask = np.isin(table.stage.codes[rows], won_code)
    if today is not None:
        won_mask &= days_of[rows] <= today.toordinal()
    quantities: dict[str, tuple[list[Decimal], list[Decimal]]] = {}     # key -> (won, open) quantities
    all_lines = table.lines
    # each distinct line's keys once: its capacity key, code and name, and the other SKUs and names of its product
    # library item (``DealLine.codes`` / ``names``: a HubSpot product renamed loads under its old and new SKU alike)
    keys_of: dict[tuple[str | None, ...], tuple[str, ...]] = {}
    for i, is_won in zip(rows.tolist(), won_mask.tolist(), strict=True):
        for line in all_lines[i]:
            named = (line.product, line.code, line.name, *line.codes, *line.names)
            keys = keys_of.get(named)
            if keys is None:
                keys = keys_of[named] = tuple({fold_value(k) for k in named if k})
            for key in keys:
                found = quantities.get(key)
                if found is None:
                    found = quantities[key] = ([], [])
                found[0 if is_won else 1].append(line.quantity)
    for product, (won_quantities, open_quantities) in quantities.items():
        out[product] = {"won": sum(won_quantities, ZERO),
                        "committed": sum((q * committed_weight for q in open_quantities), ZERO)}
    return out


def by_day_and_account(days: np.ndarray, numbers: np.ndarray) -> np.ndarray:
    """The order of ``np.lexsort((numbers, days))``: by day, then account number, then position (lexsort is
    stable), by one sort of one integer key (lexsort's two stable passes cost several times as much): the key
    (day, number) with a stable sort when it fits in 16 bits (a radix sort), else (day, number, position), each key
    unique so that any sort gives that order; lexsort when that would not fit in int64."""
    n = len(days)
    if not n:
        return np.zeros(0, dtype=np.int64)
    day = days.astype(np.int64) - int(days.min())
    number = numbers.astype(np.int64) - int(numbers.min())
    width = int(number.max()) + 1
    span = (int(day.max()) + 1) * width
    order: np.ndarray
    if span <= 1 << 16:
        order = np.argsort((day * width + number).astype(np.uint16), kind="stable")
    elif span * n < 1 << 62:
        order = np.argsort((day * width + number) * n + np.arange(n))
    else:
        order = np.lexsort((numbers, days))
    return order


class DealColumnsBook:
    """Lost deals by close day and deals by creation day, per account number, on deal columns, for the KPIs
    (``lost_count`` and ``created_total`` of a scope over a range, by sorted search and the scope's member array):
    both days in the plan's timezone (``days``: each row's ``Deal.day(zone)`` ordinal, NO_DAY when none; a CRM close
    instant on its local day, as won deals), amounts converted, a currency without rate left out (of the lost deals
    too: a won deal in it is rejected, so ``win_rate`` compares one population), a deal with no amount
    worth the sum of its priced lines (``deal_value``, as a won deal), 0 without any.

    A scope with deal conditions or an axis's ``who`` (a ``DealFilter``) reads its range's deals one by one, as the
    won revenue does (``measure``): a deal counts when its owner passes; with product conditions a lost deal counts
    (once) when at least one of its lines matches, and a created deal adds its matching lines' amounts, converted
    like the deal (a deal with no matching line adds nothing)."""

    def __init__(self, table: DealTable, *, numbers: np.ndarray, days: np.ndarray, zone: ZoneInfo, currency: str,
                 fx_rates: Mapping[str, Decimal]) -> None:
        live = ~table.deleted & (table.account.codes >= 0) & (numbers >= 0)
        rate_of, rate_index = row_conversions(table, np.arange(table.n), currency, fx_rates)
        known = np.array([r is not None for r in rate_of], dtype=bool)[rate_index]
        lost_codes = [k for k, v in enumerate(table.stage.values) if v is DealStage.LOST]
        # a lost deal in a currency no rate converts is left out, as a won one is (the ledger rejects it): win_rate
        # compares one population (audit kpioracle D1)
        lost = np.flatnonzero(live & np.isin(table.stage.codes, lost_codes) & (days != NO_DAY) & known)
        order = by_day_and_account(days[lost], numbers[lost])
        self._table = table
        self._lost_rows = lost[order]
        self._lost_days = days[lost][order].astype(np.int64)
        self._lost_accounts = numbers[lost][order]
        created = np.flatnonzero(live & (table.created_at != NO_TIME) & known)
        from_columns = _local_ordinals(table.created_at[created], zone)
        order = by_day_and_account(from_columns, numbers[created])
        created = created[order]
        self._created_rows = created
        self._created_days = from_columns[order]
        self._created_accounts = numbers[created]
        self._created_amounts: list[Decimal] = []
        self._created_rates: list[Conversion] = []
        for i in created.tolist():
            rate = rate_of[int(rate_index[i])]
            assert rate is not None
            # what the deal is worth, as a won deal: its amount, else the sum of its priced lines (a HubSpot deal whose
            # line items were imported keeps an empty amount), else 0
            lines = self._lines_of(i)
            amount = deal_value(table.amount[i], lines) or ZERO
            if line_currencies(lines):      # a line priced in another currency than its deal: its own conversion
                deal_rates = table.rates.values[int(table.rates.codes[i])] \
                    if table.rates is not None and table.rates.codes[i] >= 0 else None
                rate = for_lines(rate, lines, deal_rates, currency, fx_rates)
            self._created_rates.append(rate)
            self._created_amounts.append(rate(amount))
        exact = exact_units(self._created_amounts)
        self._created_units = Units.of(exact) if exact is not None else None

    def lost_count(self, days: DateRange, members: np.ndarray, flt: DealFilter | None = None,
                   owner_email: Mapping[AccountKey, str] | None = None) -> int:
        """Lost deals closed in the inclusive range on accounts of ``members`` (a boolean array per account), kept
        by ``flt`` when given (its owner passes; with product conditions, at least one line matches)."""
        lo, hi = (int(k) for k in np.searchsorted(self._lost_days, [days[0].toordinal(), days[1].toordinal() + 1]))
        if hi <= lo:
            return 0
        keep = members[self._lost_accounts[lo:hi]]
        if flt is None or flt.is_everything:
            return int(np.count_nonzero(keep))
        rows = self._lost_rows[lo:hi][keep].tolist()
        return sum(1 for row in rows if self._kept_lines(row, flt, owner_email or {}) is not None)

    def created_total(self, days: DateRange, members: np.ndarray, flt: DealFilter | None = None,
                      owner_email: Mapping[AccountKey, str] | None = None) -> Decimal:
        """Amount (Decimal sum from ZERO) of the deals created in the inclusive range on accounts of ``members``;
        with ``flt``, of the deals it keeps, and with product conditions of their matching lines only."""
        lo, hi = (int(k) for k in np.searchsorted(self._created_days, [days[0].toordinal(), days[1].toordinal() + 1]))
        if hi <= lo:
            return ZERO
        keep = members[self._created_accounts[lo:hi]]
        if flt is not None and not flt.is_everything:
            amounts: list[Decimal] = []
            for k in (lo + np.flatnonzero(keep)).tolist():
                row = int(self._created_rows[k])
                lines = self._kept_lines(row, flt, owner_email or {})
                if lines is None:
                    continue
                amounts.append(lines_amount(self._lines_of(row), lines, self._created_rates[k])
                               if flt.line_conditions else self._created_amounts[k])
            return sum(amounts, ZERO)
        if self._created_units is None:
            return sum(map(self._created_amounts.__getitem__, (lo + np.flatnonzero(keep)).tolist()), ZERO)
        return self._created_units.sum(keep, lo, hi)

    def _kept_lines(self, row: int, flt: DealFilter, owner_email: Mapping[AccountKey, str]) -> list[int] | None:
        """The deal of this row as ``flt`` keeps it (``DealFilter.verdict``, the rules of won revenue): None when it
        is left out, else the indexes of the lines that count."""
        table = self._table
        return flt.verdict(table.source.at(row), table.owner.at(row), self._lines_of(row), owner_email)[0]

    def _lines_of(self, row: int) -> Sequence[DealLine]:
        return self._table.lines[row] if self._table.lines is not None else ()


# --------------------------------------------------------------------------------------------
# Deal-level conditions: an axis's ``who`` and the scope's deal_owner / product conditions
# --------------------------------------------------------------------------------------------

LINE_FIELDS = ("product", "product_family", "product_code", "product_id")


@dataclass(frozen=True)
class DealFilter:
    """What a deal (and its lines) must satisfy beyond its account being in scope.

    * ``who`` (folded e-mails): the deal's owner, resolved by e-mail among the users of the deal's CRM, is
      one of them (an axis given to people counts only their deals);
    * ``owner_conditions``: ``deal_owner`` conditions (``in`` / ``not_in`` e-mails);
    * ``line_conditions``: ``product`` (a line's code, family, name or capacity key), ``product_family``,
      ``product_code``; a line counts when it passes every one, and the deal counts **the amounts of its
      matching lines**, converted like the deal; a deal with no matching line does not count.
    """

    who: frozenset[str] = frozenset()
    owner_conditions: tuple[Condition, ...] = ()
    line_conditions: tuple[Condition, ...] = ()

    @classmethod
    def of(cls, conditions: Iterable[Condition], who: Iterable[str] = ()) -> DealFilter:
        conditions = tuple(conditions)
        return cls(frozenset(fold_value(w) for w in who), tuple(c for c in conditions if c.field == "deal_owner"),
                   tuple(c for c in conditions if c.field in LINE_FIELDS))

    @property
    def is_everything(self) -> bool:
        return not (self.who or self.owner_conditions or self.line_conditions)

    def owner_problem(self, owner: str | None) -> str | None:
        """Why a deal owned by ``owner`` (an e-mail, or None) does not count; None when it does."""
        folded = fold_value(owner) if owner else None
        if self.who and folded not in self.who:
            return f"{owner or 'unknown owner'} (axis: {', '.join(sorted(self.who))})"
        for c in self.owner_conditions:
            inside = folded is not None and folded in {fold_value(str(v)) for v in c.values}
            if inside != (c.op == "in"):
                return f"{owner or 'unknown owner'} (scope: {c.label})"
        return None

    def matching_lines(self, lines: Sequence[DealLine]) -> list[int]:
        """Indexes of the lines passing every line condition."""
        return [i for i, line in enumerate(lines) if all(_line_passes(c, line) for c in self.line_conditions)]

    def verdict(self, source: str, owner_id: str | None, lines: Sequence[DealLine],
                owner_email: Mapping[AccountKey, str]) -> tuple[list[int], None] | tuple[None, tuple[str, str]]:
        """How a deal (its CRM, owner and lines) fares: ``(lines, None)`` when it counts, ``lines`` the indexes of the
        lines that count (every line without line conditions); ``(None, (rule, detail))`` when it is left out, rule
        ``other_deal_owner`` or ``other_product``. The one decision of won revenue, lost and created deals."""
        owner = owner_email.get((source, owner_id)) if owner_id else None
        problem = self.owner_problem(owner)
        if problem is not None:
            return None, ("other_deal_owner", problem)
        if not self.line_conditions:
            return list(range(len(lines))), None
        matching = self.matching_lines(lines)
        if matching:
            return matching, None
        shown = ", ".join(sorted({ln.code or ln.product for ln in lines})) or "no product line"
        wanted = "; ".join(c.label for c in self.line_conditions)
        return None, ("other_product", f"{shown} (scope: {wanted})")


def lines_amount(lines: Sequence[DealLine], picked: Iterable[int], rate: Conversion) -> Decimal:
    """The amount of a deal's ``picked`` lines (no amount: 0) in the plan's currency (``rate``: the deal's), each line
    converted on its own (rounded to the cent, as the deal's amount is)."""
    return sum((rate.line(lines[i]) for i in picked), ZERO)


def _line_values(condition: Condition, line: DealLine) -> set[str]:
    # ``codes`` / ``names``: the other SKUs and names of the product library item the line was made from (a HubSpot
    # product renamed in its library keeps its old and new lines together: ``products.linked``)
    if condition.field == "product_family":
        raw: tuple[str | None, ...] = (line.family,)
    elif condition.field == "product_code":
        raw = (line.code or line.product, *line.codes)
    elif condition.field == "product_id":
        raw = (line.product_id,)
    else:
        raw = (line.code, line.family, line.name, line.product, *line.codes, *line.names)
    values = {v for v in raw if v}
    # a multi-select field naming a deal's product lines (``product_field`` of a Salesforce multi-select picklist)
    # comes as its values joined by ";": the line holds each of them, as an account's multi-select field does
    values |= {part.strip() for v in values if ";" in v for part in v.split(";") if part.strip()}
    return {fold_value(v) for v in values}


def _line_passes(condition: Condition, line: DealLine) -> bool:
    hit = bool(_line_values(condition, line) & {fold_value(str(v)) for v in condition.values})
    return hit if condition.op == "in" else not hit


Measured = dict[int, tuple[Decimal, tuple[int, ...] | None]]   # position -> (amount, matching lines or None: whole)


def measure(ledger: WonLedger, days: DateRange, members: frozenset[int], flt: DealFilter,
            owner_email: Mapping[AccountKey, str]) -> tuple[Measured, list[tuple[int, str, str]]]:
    """The won deals of ``members`` closed in ``days`` that pass ``flt``: position -> (amount counted, lines), and
    the ones that fail it: (position, rule, detail) with rule ``other_deal_owner`` or ``other_product``."""
    _, positions = ledger.by_account(days)
    small, big = (positions.keys(), members) if len(positions) <= len(members) else (members, positions)
    kept: Measured = {}
    missed: list[tuple[int, str, str]] = []
    for number in small:
        if number not in big:
            continue
        for pos in positions[number]:
            if flt.is_everything:
                kept[pos] = (ledger.amounts[pos], None)
                continue
            deal = ledger.deals[pos]
            lines, miss = flt.verdict(deal.source, deal.owner_id, deal.lines, owner_email)
            if lines is None:
                assert miss is not None
                missed.append((pos, *miss))
            elif not flt.line_conditions:
                kept[pos] = (ledger.amounts[pos], None)
            else:
                kept[pos] = (lines_amount(deal.lines, lines, ledger.rates[pos]), tuple(lines))
    return kept, missed
