"""An amount in a currency, written for a reader in French or English: the one money format of the report
(``sync_jobs.report.fmt.Formatter.money``) and of the advisor's sentences.

Through Babel's CLDR data (locales ``fr_FR`` and ``en_US``; no locale of the machine is read): French
``12 110 €`` / ``12 110 $US`` (narrow no-break space between thousands, no-break space before the symbol),
English ``€12,110`` / ``$12,110`` / ``CHF 1,500``. The amount is rounded half up first (``rounding.half_up``;
Babel alone would round half to even).

A negative figure is written with the minus sign U+2212 (« −13 000 € », "−€13,000", « −9,99 % »), not CLDR's
hyphen-minus: the one sign of every surface people read (the report, the review, digests, the terminal, the CRM's text
fields), as French typography sets it (Imprimerie nationale; fr.wikipedia *Signes plus et moins*: « moins (−) »).
Machine surfaces (the CSV, the workbook's numbers and their formats, the CRM's numeric fields) keep numbers and ASCII
(docs/report.md, *Signs*). A figure that rounds to 0 has no sign (``rounding.half_up``).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import cache

from babel import Locale
from babel.numbers import (
    NumberPattern,
    format_currency,
    format_decimal,
    format_percent,
    get_currency_symbol,
    parse_pattern,
)

from pac_core.results import AxisProgress, PlanTotals
from pac_core.rounding import half_up

# ISO 4217 minor units of the currencies that do not have two decimals (the rest have cents)
_MINOR_UNITS = {**dict.fromkeys(("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX",
                                 "UYI", "VND", "VUV", "XAF", "XOF", "XPF"), 0),
                **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3)}
NBSP = "\u00a0"        # before € and % in French
NNBSP = "\u202f"       # French thousands separator
MINUS = "\u2212"       # the minus sign of a negative figure people read (CLDR's '-' is the keyboard's hyphen)
LOCALES = {"fr": "fr_FR", "en": "en_US"}


@cache
def _locale(lang: str) -> Locale:
    """``lang``'s Babel locale, parsed once: Babel parses a locale's name again on every call given a name, most of
    the cost of a percentage (the advisor writes a few hundred an evaluation)."""
    return Locale.parse(LOCALES[lang])


@cache
def _pattern(text: str) -> NumberPattern:
    """A number format, parsed once (a handful of them: the digits and the sign or currency's place)."""
    return parse_pattern(text)


def minor_digits(currency: str) -> int:
    """How many decimal places ``currency``'s amounts have: 2 for EUR, 0 for JPY, 3 for KWD (ISO 4217)."""
    return _MINOR_UNITS.get(currency.upper(), 2)


def minor_unit(currency: str) -> Decimal:
    """The smallest amount of ``currency``: ``Decimal("0.01")`` for EUR, ``Decimal("1")`` for JPY (ISO 4217)."""
    return Decimal(1).scaleb(-minor_digits(currency))


def shown_digits(currency: str) -> int:
    """The decimals an amount of ``currency`` is written with to the last unit: 2 (cents), 0 for JPY, and 2 for a
    currency of three (a KWD amount to the fils would read « 999,000 KWD », 999 000 to a French reader)."""
    return min(minor_digits(currency), 2)


def with_minus(text: str) -> str:
    """``text``, a figure Babel wrote, with its leading hyphen-minus as the minus sign U+2212: « -9,99 % » ->
    « −9,99 % », "-€13,000" -> "−€13,000"; any other text as it is."""
    return MINUS + text[1:] if text.startswith("-") else text


def digits(decimals: int) -> str:
    """The number part of a pattern: ``#,##0`` or ``#,##0.0``."""
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def money(value: Decimal | float | int, currency: str, lang: str, decimals: int = 0) -> str:
    """``value`` in ``currency`` for a reader of ``lang`` (``fr`` or ``en``), rounded half up to ``decimals``."""
    locale = _locale(lang)
    number = digits(decimals)
    if lang == "fr":
        pattern = f"{number}{NBSP}¤"
    else:
        symbol = get_currency_symbol(currency, locale)
        pattern = f"¤{NBSP}{number}" if symbol[-1:].isalpha() else f"¤{number}"   # CHF 1,500 / €1,500
    return with_minus(format_currency(half_up(value, decimals), currency, format=_pattern(pattern),
                                      currency_digits=False, locale=locale))


def shown_additional(revenue: Decimal, baseline: Decimal, decimals: int = 0) -> Decimal:
    """The additional revenue as the two figures it comes from are shown: ``revenue`` and ``baseline`` each rounded
    half up to ``decimals``, then subtracted, so « CA réalisé » − « CA de référence » = « CA supplémentaire » to the
    last shown digit (10 000,40 − 4 931,51: 10 000 − 4 932 = 5 068, where the exact 5 068,89 rounds to 5 069;
    audit revenue F6)."""
    return half_up(revenue, decimals) - half_up(baseline, decimals)


def shown_total(parts: Iterable[tuple[Decimal, Decimal]], additional: Decimal,
                own: tuple[Decimal, Decimal] | None = None, decimals: int = 0) -> Decimal:
    """A total of additional revenue (the plan's headline, a segment's ROI basis) as shown beside the figures of the
    axes it counts, ``parts`` (each axis's revenue and baseline), ``additional`` the exact total (each deal once):
    the sum of the axes' shown figures (``shown_additional``) when they count no deal twice, so a plan of one axis
    reads its axis's card and disjoint axes' cards add up to it (5 068 + 5 068 = 10 136, where the exact 10 137,78
    read 10 138); where they do count deals twice, the total's ``own`` revenue less its own baseline as shown
    (``shown_additional``), or the exact total rounded when those are not known, and what the axes count twice is
    then the difference of the shown figures (decided 7 Dec 2026, audit roundings)."""
    listed = list(parts)
    twice = sum((r - b for r, b in listed), Decimal(0)) - additional
    if abs(twice) < Decimal(1).scaleb(-decimals):    # nothing counted twice to the unit shown
        return sum((shown_additional(r, b, decimals) for r, b in listed), Decimal(0))
    if own is not None:
        return shown_additional(*own, decimals)
    return half_up(additional, decimals)


def shown_totals(totals: PlanTotals, axes: Iterable[AxisProgress], decimals: int = 0) -> tuple[Decimal, Decimal]:
    """The plan's additional revenue as its headline shows it (``shown_total`` over the live axes ``totals`` counts,
    taken from ``axes``), and what those axes count twice as shown: the sum of their cards less that headline (0 when
    they count no deal twice)."""
    parts = [(a.revenue, a.baseline) for a in axes if a.axis_id in totals.axis_ids]
    shown = shown_total(parts, totals.additional, (totals.revenue, totals.baseline), decimals)
    return shown, sum((shown_additional(r, b, decimals) for r, b in parts), Decimal(0)) - shown


def shown_objective(totals: PlanTotals, axes: Iterable[AxisProgress], segment: Iterable[str] | None = None,
                    decimals: int = 0) -> Decimal | None:
    """The plan's objective (or, ``segment`` naming its axes, a segment's) as shown beside its live axes': the sum of
    their objectives each rounded half up to ``decimals``, so the total row adds up to the rows above it (two
    objectives of 33 000,50 €, 30 % of 110 001,67 €, read 33 001 € each and 66 002 €, where the exact 66 001 € read
    66 001 €; audit roundings). None when no live axis has an objective."""
    ids = set(totals.axis_ids) if segment is None else set(totals.axis_ids) & set(segment)
    found = [half_up(a.objective, decimals) for a in axes if a.axis_id in ids and a.objective is not None]
    return sum(found, Decimal(0)) if found else None


def total_digits(total: Decimal, count: Decimal | int, average: Decimal | None, currency: str) -> int:
    """The decimals an average's total is written with beside it, « 2 500 € (5 000,50 € / 2) »: none when the total to
    the unit, divided by ``count``, reads the ``average`` shown (to the unit), else the currency's cents, so the parts
    give the figure they explain (5 001 € / 2 is 2 500,50 €, « 2 501 € », beside an average of 2 500,25 € shown
    « 2 500 € »; audit roundings)."""
    if average is None or not count or half_up(half_up(total) / Decimal(count)) == half_up(average):
        return 0
    return shown_digits(currency)


def count(value: Decimal | float | int, lang: str) -> str:
    """A whole number (rounded half up) with the language's grouping: « 1 234 » (narrow no-break space) / "1,234"."""
    return with_minus(format_decimal(half_up(value), format=digits(0), locale=LOCALES[lang]))


def percent(ratio: Decimal | float, lang: str, decimals: int = 0) -> str:
    """A ratio (1.0 = 100 %) as a percentage for a reader of ``lang``, rounded half up: « 2 101 % » / "2,101%"
    (CLDR's grouping; a no-break space before « % » in French)."""
    sign = f"{NBSP}%" if lang == "fr" else "%"
    return with_minus(format_percent(half_up(ratio, decimals, percent=True).scaleb(-2),
                                     format=_pattern(digits(decimals) + sign), locale=_locale(lang)))


MONTH_WORDS = {"fr": ("mois", "mois"), "en": ("month", "months")}


def months(value: float | Decimal, lang: str, limits: Iterable[Limit] = ()) -> str:
    """A number of months as the report's « Délai de retour » column writes it (``sync_jobs.report.fmt.Formatter.
    months``), and the advisor's sentences too: rounded half up to one decimal, without a trailing « ,0 »: « 6 mois »,
    « 2,7 mois », "1 month", "2.5 months"; under 0.05 of a month « < 0,1 mois » / "< 0.1 month", not a payback of
    zero (a no-break space before the unit; audit surfaces F1: the advice read « rentabilisé en 6,0 mois »). With
    ``limits``, on its own side of each (``apart``): 6.04 months beside a roll-out within 6 reads « 6,04 mois »."""
    locale = LOCALES[lang]
    one, many = MONTH_WORDS[lang]
    limits = tuple(limits)
    shown = apart(value, limits, 1, percent=False) if limits else half_up(value, 1)
    if value > 0 and shown == 0:     # a day or so: not a payback of zero
        return f"<{NBSP}{format_decimal(Decimal('0.1'), format=digits(1), locale=locale)}{NBSP}{one}"
    decimals = 0 if shown == shown.to_integral_value() else places_of(shown)
    number = with_minus(format_decimal(shown, format=digits(decimals), locale=locale))
    return f"{number}{NBSP}{one if shown == 1 else many}"


Limit = tuple[float, bool]   # a threshold the advisor compares a figure with; True: the threshold itself meets >= / <


def _side(value: Decimal, limit: Decimal, closed_above: bool) -> bool:
    return value >= limit if closed_above else value > limit


def apart(ratio: float | Decimal, limits: Iterable[Limit], decimals: int = 0, most: int = 2, *,
          percent: bool = True) -> Decimal:
    """``ratio`` as a percentage (``half_up``) that reads on its own side of every threshold in ``limits`` (decided 7
    Dec 2026, audit nearthreshold): ``decimals`` places, one more (up to ``most``) only while the rounded figure sits
    on the other side of a threshold, or on it when the exact one is not (-9.99 % reads « -9,99 % », not the « -10 % »
    that prioritises; 49.96 % « 49,96 % », not the roll-out's « 50 % »). Still on the wrong side at ``most`` places
    (-9.999999 %), it is rounded towards its own side there (« -9,99 % »). A threshold is ``(value, closed_above)``:
    True when the threshold itself counts with the figures above it (ROI >= 50 % rolls out, ROI < 0 % drops), False
    when with those below (a trend <= -10 % prioritises). ``percent`` False: ``ratio`` is a plain number (a payback
    of 6.04 months reads « 6,04 mois » beside the roll-out's « 6 mois » at most, not « 6 mois »)."""
    scale = 2 if percent else 0
    exact = Decimal(str(ratio)) if isinstance(ratio, float) else Decimal(ratio)
    exact = exact.scaleb(scale)
    bounds = [(Decimal(str(v)).scaleb(scale), closed) for v, closed in limits]
    wrong: list[tuple[Decimal, bool]] = []
    for places in range(decimals, most + 1):
        shown = half_up(ratio, places, percent=percent)
        wrong = [(b, c) for b, c in bounds if _side(shown, b, c) != _side(exact, b, c)]
        if not wrong:
            return shown
    b, closed = wrong[0]
    rounding = ROUND_CEILING if _side(exact, b, closed) else ROUND_FLOOR
    return exact.quantize(Decimal(1).scaleb(-most), rounding=rounding)


def places_of(shown: Decimal) -> int:
    """The decimals a rounded figure holds (``apart``'s, ``half_up``'s)."""
    return -shown.as_tuple().exponent  # type: ignore[operator]


def decimals_apart(ratio: float | Decimal, limits: Iterable[Limit], decimals: int = 0, most: int = 2, *,
                   percent: bool = True) -> int:
    """How many decimals ``apart`` writes ``ratio`` with."""
    return places_of(apart(ratio, limits, decimals, most, percent=percent))


def percent_apart(ratio: float | Decimal, lang: str, limits: Iterable[Limit], decimals: int = 0, *,
                  signed: bool = False) -> str:
    """``percent`` with the decimals of ``apart``: the figure never reads as meeting a threshold it did not meet,
    nor missing one it met. ``signed``: a figure above 0 as shown gets its « + » (a change from a baseline)."""
    shown = apart(ratio, limits, decimals)
    text = percent(shown.scaleb(-2), lang, places_of(shown))
    return f"+{text}" if signed and shown > 0 else text


def decimals_below(ratio: Decimal | float, limit: Decimal | float, most: int = 2) -> int | None:
    """The fewest decimals (0 to ``most``) at which ``ratio``, below ``limit``, still reads below it, both rounded half
    up as percentages: a ROI of -0.3 % reads « -0,3 % » beside a threshold of « 0 % », not « 0 % » (a rule that
    fires on a figure below its threshold never shows the threshold's own figure). None when even ``most`` decimals
    read them alike (-0.00004 %: the caller says « just below »)."""
    for decimals in range(most + 1):
        if half_up(ratio, decimals, percent=True) < half_up(limit, decimals, percent=True):
            return decimals
    return None


# A progress (an action's done / target, an axis's additional revenue / objective) reads on its own side of 0 % and
# 100 %: under 100 % never « 100 % » (not done, not reached), over 0 never « 0 % » (begun), under 0 never « 0 % » (an
# axis's revenue under its baseline) (decided 7 Dec 2026, audit nearleft: maint-ra at 99.96 % of its objective, at
# risk, read « 100 % » in the review)
PROGRESS_LIMITS: tuple[Limit, ...] = ((0.0, False), (0.0, True), (1.0, True))


def pace_decimals(progress: float | Decimal | None, expected: float | Decimal | None, decimals: int = 0,
                  most: int = 2, *, percent: bool = True) -> int:
    """The decimals at which a progress behind its expected share by now (an axis « At risk »: progress < expected)
    and that share both read as behind: the fewest from ``decimals`` up to ``most`` at which the progress, rounded
    half up, is below the share rounded alike. 45.75 % against 45.96 % read « 46 % | 46 % | At risk » (audit
    sfhand7): « 45,8 % | 46,0 % » now. ``decimals`` when the progress is not behind (or either is unknown); ``most``
    when even that reads them alike (less than 0.005 % apart). Both figures are to be written with these decimals
    (the progress with ``progress_percent``'s, which may add more near 0 % or 100 %). ``percent`` False: plain
    numbers, an action's count done against its count expected by now (5 done, 5.004 expected: « 5,00 »)."""
    if progress is None or expected is None or not progress < expected:
        return decimals
    for places in range(decimals, most + 1):
        if half_up(progress, places, percent=percent) < half_up(expected, places, percent=percent):
            return places
    return most


def progress_percent(ratio: float | Decimal, lang: str, decimals: int = 0) -> str:
    """A progress as the report, the review, ``pac explain`` and the notifications write it: ``percent`` on its own
    side of 0 % and 100 % (``apart`` with ``PROGRESS_LIMITS``): « 99,96 % », « 99,9 % », « 0,4 % », « 100 % »."""
    return percent_apart(ratio, lang, PROGRESS_LIMITS, decimals)
