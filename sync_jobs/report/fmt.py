"""Numbers, money, percentages and dates written the way the report's reader expects them.

French: ``1 234 567 €``, ``80 %``, ``20 mai 2027`` (narrow no-break space between thousands,
no-break space before ``€`` and ``%``, as the Imprimerie nationale and CLDR write them).
English: ``€1,234,567``, ``80%``, ``May 20, 2027``. Pure functions of the standard library:
no locale of the machine is read, nothing is fetched, so the output is the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

NBSP = "\u00a0"        # before € and % in French
NNBSP = "\u202f"       # French thousands separator

_MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}
_SHORT_MONTHS = {
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}


@dataclass(frozen=True)
class Formatter:
    """Formats figures for one language (``fr`` or ``en``), one currency and one timezone."""

    lang: str = "fr"
    currency: str = "EUR"
    timezone: str = "Europe/Paris"

    def __post_init__(self) -> None:
        if self.lang not in _MONTHS:
            raise ValueError(f"unsupported report language {self.lang!r}: use fr or en")

    # -- numbers -------------------------------------------------------------------------------
    def number(self, value: float | Decimal | int | None, decimals: int = 0) -> str:
        """A plain number with the language's separators; ``–`` when unknown."""
        if value is None:
            return "–"
        q = Decimal(1).scaleb(-decimals) if decimals else Decimal(1)
        d = Decimal(str(value)).quantize(q, rounding=ROUND_HALF_UP)
        if d == 0:
            d = abs(d)   # no "-0"
        sign = "-" if d < 0 else ""
        whole, _, frac = f"{abs(d):f}".partition(".")
        groups = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        groups.insert(0, whole)
        sep, point = (NNBSP, ",") if self.lang == "fr" else (",", ".")
        text = sep.join(groups)
        if frac:
            text += point + frac
        return sign + text

    def money(self, value: Decimal | float | int | None, decimals: int = 0) -> str:
        """An amount in the plan's currency, rounded to the unit by default."""
        if value is None:
            return "–"
        text = self.number(value, decimals)
        sign = ""
        if text.startswith("-"):
            sign, text = "-", text[1:]
        symbol = _SYMBOLS.get(self.currency)
        if self.lang == "fr":
            return f"{sign}{text}{NBSP}{symbol or self.currency}"
        return f"{sign}{symbol}{text}" if symbol else f"{sign}{self.currency}{NBSP}{text}"

    def money_compact(self, value: Decimal | float | int | None) -> str:
        """Short amounts for chart axes and labels: ``250 k€`` / ``€250k``, ``1,2 M€`` / ``€1.2M``."""
        if value is None:
            return "–"
        v = float(value)
        for size, unit in ((1e6, "M"), (1e3, "k")):
            if abs(v) >= size:
                suffix = unit
                scaled = v / size
                decimals = 0 if abs(scaled) >= 100 or scaled == int(scaled) else 1
                text = self.number(round(scaled, decimals), decimals)
                break
        else:
            text, suffix = self.number(v), ""
        symbol = _SYMBOLS.get(self.currency, self.currency)
        if self.lang == "fr":
            return f"{text}{NBSP}{suffix}{symbol}"
        sign = ""
        if text.startswith("-"):
            sign, text = "-", text[1:]
        return f"{sign}{symbol}{text}{suffix}"

    def percent(self, ratio: float | Decimal | None, decimals: int = 0) -> str:
        """A ratio (1.0 = 100 %) as a percentage: ``80 %`` / ``80%``."""
        if ratio is None:
            return "–"
        text = self.number(Decimal(str(ratio)) * 100, decimals)
        return f"{text}{NBSP}%" if self.lang == "fr" else f"{text}%"

    def months(self, value: float | None) -> str:
        if value is None:
            return "–"
        unit = "mois" if self.lang == "fr" else ("month" if round(value, 1) == 1 else "months")
        return f"{self.number(value, 0 if float(value) == int(value) else 1)}{NBSP}{unit}"

    # -- dates ---------------------------------------------------------------------------------
    def local(self, moment: datetime) -> datetime:
        """``moment`` in the plan's timezone (naive datetimes are taken as UTC)."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo("UTC"))
        return moment.astimezone(ZoneInfo(self.timezone))

    def date(self, value: date | datetime | None) -> str:
        """``20 mai 2027`` / ``May 20, 2027``."""
        if value is None:
            return "–"
        if isinstance(value, datetime):
            value = self.local(value).date()
        month = _MONTHS[self.lang][value.month - 1]
        if self.lang == "fr":
            day = "1er" if value.day == 1 else str(value.day)
            return f"{day} {month} {value.year}"
        return f"{month} {value.day}, {value.year}"

    def short_date(self, value: date | datetime) -> str:
        """``20 mai`` / ``May 20``: for tables where the year is the plan's."""
        if isinstance(value, datetime):
            value = self.local(value).date()
        month = _SHORT_MONTHS[self.lang][value.month - 1]
        return f"{value.day} {month}" if self.lang == "fr" else f"{month} {value.day}"

    def datetime(self, value: datetime | None) -> str:
        """``20 mai 2027 à 18:00`` / ``May 20, 2027 at 18:00``, in the plan's timezone."""
        if value is None:
            return "–"
        local = self.local(value)
        joiner = "à" if self.lang == "fr" else "at"
        return f"{self.date(local.date())} {joiner} {local:%H:%M}"

    def date_range(self, start: datetime, end: datetime) -> str:
        """A half-open window [start, end) as the days it covers: ``3–9 mai 2027`` / ``May 3–9, 2027``."""
        first = self.local(start).date()
        last_moment = self.local(end)
        last = last_moment.date()
        if last_moment.time() == datetime.min.time() and last > first:
            last = last - timedelta(days=1)   # the window ends at midnight: the previous day is the last
        if first == last:
            return self.date(first)
        dash = "–"
        if first.year != last.year:
            return f"{self.date(first)} {dash} {self.date(last)}"
        if self.lang == "fr":
            day = "1er" if first.day == 1 else str(first.day)
            if first.month == last.month:
                return f"{day}{dash}{last.day} {_MONTHS['fr'][last.month - 1]} {last.year}"
            return f"{day} {_MONTHS['fr'][first.month - 1]} {dash} {self.date(last)}"
        if first.month == last.month:
            return f"{_MONTHS['en'][first.month - 1]} {first.day}{dash}{last.day}, {last.year}"
        return f"{_MONTHS['en'][first.month - 1]} {first.day} {dash} {self.date(last)}"

    def quarter(self, moment: datetime) -> str:
        """``T2 2027`` (trimestre) / ``Q2 2027``."""
        local = self.local(moment)
        q = (local.month - 1) // 3 + 1
        return f"{'T' if self.lang == 'fr' else 'Q'}{q} {local.year}"

    def period_label(self, label: str) -> str:
        """Snapshot labels (``2027-Q1``, ``2027-04``) written for the reader: ``T1 2027``, ``avr. 2027``."""
        year, _, rest = label.partition("-")
        if rest.upper().startswith("Q") and rest[1:].isdigit():
            return f"{'T' if self.lang == 'fr' else 'Q'}{rest[1:]} {year}"
        if rest.isdigit() and 1 <= int(rest) <= 12:
            return f"{_SHORT_MONTHS[self.lang][int(rest) - 1]} {year}"
        return label
