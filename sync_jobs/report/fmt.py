"""Numbers, money, percentages and dates written the way the report's reader expects them, through Babel (CLDR).

French (``fr_FR``): ``1 234 567 €``, ``80 %``, ``20 mai 2027`` (narrow no-break space between thousands,
no-break space before ``€`` and ``%``, as the Imprimerie nationale and CLDR write them). English (``en_US``,
the month-first dates the report has always used): ``€1,234,567``, ``80%``, ``May 20, 2027``. Babel ships the
CLDR data: no locale of the machine is read, nothing is fetched, so the output is the same everywhere.

Two choices keep the report's bytes where CLDR's default differs: amounts are rounded half up before Babel
formats them (Babel rounds half to even: 0.5 would become 0) by ``pac_core.rounding.half_up``, the one rounding of
every figure pac shows (explain, the CRM's KPI line, the advisor, notifications), and the patterns are the
report's (``1er mai``, ``May 3–9, 2027`` rather than CLDR's interval ``May 3 – 9, 2027``). The currency symbol
is CLDR's for the locale: in French a dollar is ``$US`` and a pound ``£GB`` (the report wrote ``$``/``£`` before
Babel).
"""

from __future__ import annotations

import datetime as dt  # in the annotations of Formatter, where `date` and `datetime` are methods
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Protocol
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

from pac_core.growth_words import fixed_baseline_words, provenance
from pac_core.money import (
    LOCALES,
    NBSP,
    Limit,
    digits,
    money,
    months,
    percent,
    percent_apart,
    progress_percent,
    shown_additional,
    shown_digits,
    with_minus,
)
from pac_core.money import NNBSP as NNBSP  # the French thousands separator, re-exported for the report's tests
from pac_core.plan import Objective, Plan
from pac_core.report_period import fiscal_quarter_of, fiscal_start
from pac_core.results import AxisProgress, PlanTotals, SegmentProgress
from pac_core.revenue import last_day, weekly_year
from pac_core.rounding import half_up
from sync_jobs.report.i18n import labels

DASH = "–"
_DAYS = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")   # a declared fiscal quarter by its days
_MONTHS = re.compile(r"^(\d{4})-(\d{2})\.\.(\d{4})-(\d{2})$")   # a plan's quarter by its months, 2027-02..2027-04


class Thresholds(Protocol):
    """What holds the advisor's thresholds as ``money.apart`` takes them: ``EngineSettings``, ``ReportInputs``."""

    @property
    def roi_limits(self) -> tuple[Limit, ...]: ...
    @property
    def trend_limits(self) -> tuple[Limit, ...]: ...
    @property
    def payback_limits(self) -> tuple[Limit, ...]: ...


@dataclass(frozen=True)
class Formatter:
    """Formats figures for one language (``fr`` or ``en``), one currency and one timezone; ``fiscal_start``, the
    first day of a fiscal plan's year (``pac_core.report_period.fiscal_start``), names quarters by the plan's own
    (``for_plan`` sets it); ``quarters``, a declared fiscal calendar's quarters (``Window.quarters``), names a
    snapshot labelled by their days."""

    lang: str = "fr"
    currency: str = "EUR"
    timezone: str = "Europe/Paris"
    fiscal_start: dt.date | None = None
    quarters: tuple[tuple[dt.date, dt.date], ...] = ()
    # the thresholds the advisor compares an axis's ROI and a segment's trend with (``money.apart``: a figure just
    # short of one reads « 49,96 % », not « 50 % »; audit nearthreshold); none: every figure rounded once
    roi_limits: tuple[Limit, ...] = ()
    trend_limits: tuple[Limit, ...] = ()
    payback_limits: tuple[Limit, ...] = ()    # an axis's payback, in months (``rollout_max_months_to_roi``)

    @classmethod
    def for_plan(cls, plan: Plan, lang: str | None = None, roi_limits: tuple[Limit, ...] = (),
                 trend_limits: tuple[Limit, ...] = (), payback_limits: tuple[Limit, ...] = ()) -> Formatter:
        """The plan's formatter: its currency, timezone and, on a fiscal plan, its quarters; in ``lang`` or the
        plan's language."""
        return cls(lang=lang or plan.language, currency=plan.currency, timezone=plan.timezone,
                   fiscal_start=fiscal_start(plan), quarters=plan.period.quarters, roi_limits=roi_limits,
                   trend_limits=trend_limits, payback_limits=payback_limits)

    @classmethod
    def with_thresholds(cls, plan: Plan, lang: str | None, thresholds: Thresholds) -> Formatter:
        """``for_plan`` with the advisor's thresholds of ``thresholds`` (the engine settings, the report's inputs)."""
        return cls.for_plan(plan, lang, thresholds.roi_limits, thresholds.trend_limits, thresholds.payback_limits)

    def __post_init__(self) -> None:
        if self.lang not in LOCALES:
            raise ValueError(f"unsupported report language {self.lang!r}: use fr or en")

    @property
    def locale(self) -> str:
        return LOCALES[self.lang]

    # -- numbers -------------------------------------------------------------------------------
    def number(self, value: float | Decimal | int | None, decimals: int = 0) -> str:
        """A plain number with the language's separators; ``–`` when unknown."""
        if value is None:
            return DASH
        return with_minus(format_decimal(half_up(value, decimals), format=digits(decimals), locale=self.locale))

    def money(self, value: Decimal | float | int | None, decimals: int = 0) -> str:
        """An amount in the plan's currency, rounded to the unit by default (``pac_core.money.money``, which the
        advisor's sentences use too)."""
        if value is None:
            return DASH
        return money(value, self.currency, self.lang, decimals)

    def signed_money(self, amount: Decimal, decimals: int = 0) -> str:
        """A change in money, signed as a growth rate is, on the amount as shown: « +2 000 € », « −13 000 € », and
        « 0 € » for a change that rounds to nothing (never « −0 € » nor « +0 € »)."""
        shown = half_up(amount, decimals)
        text = self.money(shown, decimals)
        return f"+{text}" if shown > 0 else text

    def objective_origin(self, objective: Objective | None) -> str:
        """Where an objective written as a percentage comes from (``pac_core.growth.provenance``): « +30 % de
        110 000 € (CA 2026 du périmètre) = 33 000 € »; "" for an objective written as an amount."""
        return provenance(objective, ZoneInfo(self.timezone), self.currency, self.lang, self.fiscal_start,
                          weekly_year(self.quarters))

    def baseline_origin(self, objective: Objective | None, as_of: dt.datetime) -> str:
        """How a fixed baseline's figure to date is pro-rated (``pac_core.growth_words.fixed_baseline_words``):
        « Référence fixe : 100 000 € × 140 / 365 jours = 38 356 € »; "" for a baseline measured on last year."""
        return fixed_baseline_words(objective, as_of, ZoneInfo(self.timezone), self.currency, self.lang)

    def additional(self, progress: AxisProgress | SegmentProgress | PlanTotals | None) -> str:
        """An axis's or segment's additional revenue as its shown revenue less its shown baseline
        (``pac_core.money.shown_additional``), so the three figures side by side reconcile (audit revenue F6); an
        axis's to the cent where to the unit it would read as reaching an objective it did not reach (``cents``)."""
        if progress is None:
            return DASH
        places = self.cents(progress)
        return money(shown_additional(progress.revenue, progress.baseline, places), self.currency, self.lang, places)

    def cents(self, progress: AxisProgress | SegmentProgress | PlanTotals | None) -> int:
        """The decimals an axis's revenue, baseline and additional revenue are written with beside its objective: the
        currency's cents when to the unit its additional revenue would read as much as an objective it did not reach,
        else none. 99 999,60 € of 100 000 € (« Dans les temps », not « Objectif atteint ») read « 100 000 € / 100 000 €
        », now « 99 999,60 € / 100 000 € », its revenue and baseline « 109 999,60 € », « 10 000,00 € » beside it, as
        the advisor's closing verdict writes an objective missed by cents (decided 7 Dec 2026, audit surfaces2)."""
        if not isinstance(progress, AxisProgress) or progress.objective is None or progress.objective <= 0:
            return 0
        if progress.additional >= progress.objective:
            return 0
        shown = shown_additional(progress.revenue, progress.baseline)
        return shown_digits(self.currency) if shown >= half_up(progress.objective) else 0

    def objective_beside(self, amount: Decimal | None, places: int) -> str:
        """An objective beside an additional revenue written with ``places`` (``cents``): to the cent only when it has
        cents itself (« 99 999,60 € / 100 000 € », « 33 000,30 € / 33 000,40 € », never « / 100 000,00 € »)."""
        if amount is None:
            return DASH
        return self.money(amount, places if places and amount != amount.to_integral_value() else 0)

    def trend(self, progress: SegmentProgress) -> str:
        """A segment's trend as the advisor reads it (docs/engine.md, *The advisor*): signed as ``change``; « aucun CA
        l'an dernier » / "no revenue last year" when its baseline is 0 or below (growth from nothing has no
        percentage); its fall as an amount, « -13 000 € », when its revenue is below 0 (credits), not « -130 % »."""
        if progress.baseline <= 0:
            return labels(self.lang)["no_revenue_last_year"]
        if progress.revenue < 0:
            return self.additional(progress)
        return self.change_near(progress.trend)

    def money_compact(self, value: Decimal | float | int | None) -> str:
        """Short amounts for chart axes and labels: ``250 k€`` / ``€250k``, ``1,2 M€`` / ``€1.2M``. The unit and the
        decimals are chosen on the figure as it will be shown (one decimal under 100 units of k or M, none when that
        decimal is 0): 999,999 reads ``1 M€``, not ``1 000 k€``; 45,000.99 reads ``45 k€`` as 45,000 does. It shortens
        the figure the tables show, to the unit: 1 049,60 € is « 1 050 € » there, so « 1,1 k€ » here (it read « 1 k€ »
        from the exact figure; audit roundings)."""
        if value is None:
            return DASH
        v = half_up(Decimal(str(value)) if isinstance(value, float) else Decimal(value), 0)
        scaled, suffix = v, ""
        if abs(scaled) >= 1000:
            scaled, suffix = self._scaled(v / 1000), "k"
            if abs(scaled) >= 1000:
                scaled, suffix = self._scaled(v / 1_000_000), "M"
        decimals = 0 if scaled == scaled.to_integral_value() else 1
        number = digits(decimals)
        if self.lang == "fr":
            pattern = f"{number}{NBSP}'{suffix}'¤" if suffix else f"{number}{NBSP}¤"
        else:
            pattern = f"¤{number}'{suffix}'" if suffix else f"¤{number}"
        return with_minus(format_currency(scaled, self.currency, format=pattern, currency_digits=False,
                                          locale=self.locale))

    @staticmethod
    def _scaled(scaled: Decimal) -> Decimal:
        """A figure in k or M as a chart shows it: rounded half up to one decimal under 100, to the unit from 100."""
        one = half_up(scaled, 1)
        return half_up(scaled, 0) if abs(one) >= 100 else one

    def percent(self, ratio: float | Decimal | None, decimals: int = 0) -> str:
        """A ratio (1.0 = 100 %) as a percentage: ``80 %`` / ``80%``."""
        return DASH if ratio is None else percent(ratio, self.lang, decimals)

    def progress(self, ratio: float | Decimal | None, decimals: int = 0) -> str:
        """A progress (done / target, additional revenue / objective) on its own side of 0 % and 100 %
        (``pac_core.money.progress_percent``): 99.96 % reads « 99,96 % », not the « 100 % » of a done action
        (audit nearleft). ``decimals``: at least these (``money.pace_decimals`` beside an expected share)."""
        return DASH if ratio is None else progress_percent(ratio, self.lang, decimals)

    def change(self, ratio: float | Decimal | None, decimals: int = 0) -> str:
        """A change from a baseline (``revenue / baseline − 1``), signed: ``+210 %`` / ``+210%``, ``-20 %``, ``0 %``.
        Unsigned, « Tendance 210 % » beside the revenue and its baseline read as "at 210 % of last year" (it is at
        310 %; audit janmeet F11); a decline already carried its sign."""
        text = self.percent(ratio, decimals)
        return f"+{text}" if ratio is not None and half_up(ratio, decimals, percent=True) > 0 else text

    def change_near(self, ratio: float | Decimal | None) -> str:
        """A segment's trend as ``change`` writes it, on its own side of the advisor's thresholds (``trend_limits``):
        -9.99 % reads « -9,99 % », not the « -10 % » that prioritises (audit nearthreshold)."""
        if ratio is None or not self.trend_limits:
            return self.change(ratio)
        return percent_apart(ratio, self.lang, self.trend_limits, signed=True)

    def roi_percent(self, ratio: float | Decimal | None) -> str:
        """An axis's ROI on its own side of the advisor's thresholds (``roi_limits``): 49.96 % reads « 49,96 % »,
        not the roll-out's « 50 % » (audit nearthreshold)."""
        return DASH if ratio is None else percent_apart(ratio, self.lang, self.roi_limits)

    @property
    def no_cost(self) -> str:
        """« sans coût » / "no cost": an axis whose cost is 0 (its ROI is not finite, there is nothing to pay back)."""
        return labels(self.lang)["no_cost"]

    def roi(self, ratio: float | None, cost: Decimal | None) -> str:
        """An ROI, or « sans coût » / "no cost" when the cost is 0 (« – » stays for unknown: audit E F5)."""
        return self.no_cost if cost is not None and cost == 0 else self.roi_percent(ratio)

    def payback(self, months: float | None, cost: Decimal | None) -> str:
        """A payback in months, or « sans coût » / "no cost" when the cost is 0 (it read « 0 mois »)."""
        if cost is not None and cost == 0:
            return self.no_cost
        # 6.04 months beside a roll-out paid back within 6: « 6,04 mois », not « 6 mois » (audit nearthreshold)
        return self.months(months, self.payback_limits)

    def months(self, value: float | None, limits: tuple[Limit, ...] = ()) -> str:
        """``3 mois`` / ``1 month``, ``2.5 months``, ``< 0,1 mois``: ``pac_core.money.months``, the advisor's
        sentences' rule too (on its own side of ``limits``)."""
        return DASH if value is None else months(value, self.lang, limits)

    # -- dates ---------------------------------------------------------------------------------
    def local(self, moment: datetime) -> datetime:
        """``moment`` in the plan's timezone (naive datetimes are taken as UTC)."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo("UTC"))
        return moment.astimezone(ZoneInfo(self.timezone))

    def _day(self, value: date) -> str:
        """The day-of-month part of a pattern: French writes the first of the month ``1er``."""
        return "d'er'" if self.lang == "fr" and value.day == 1 else "d"

    def _date_pattern(self, value: date) -> str:
        return f"{self._day(value)} MMMM y" if self.lang == "fr" else "MMMM d, y"

    def date(self, value: date | datetime | None) -> str:
        """``20 mai 2027`` / ``May 20, 2027``."""
        if value is None:
            return DASH
        if isinstance(value, datetime):
            value = self.local(value).date()
        return format_date(value, self._date_pattern(value), locale=self.locale)

    def short_date(self, value: dt.date | dt.datetime) -> str:
        """``20 mai`` / ``May 20``: for tables where the year is the plan's."""
        if isinstance(value, datetime):
            value = self.local(value).date()
        return format_date(value, "d MMM" if self.lang == "fr" else "MMM d", locale=self.locale)

    def datetime(self, value: datetime | None) -> str:
        """``20 mai 2027 à 18:00`` / ``May 20, 2027 at 18:00``, in the plan's timezone."""
        if value is None:
            return DASH
        local = self.local(value)
        joiner = "'à'" if self.lang == "fr" else "'at'"
        return format_datetime(local, f"{self._date_pattern(local.date())} {joiner} HH:mm", tzinfo=local.tzinfo,
                               locale=self.locale)

    def date_range(self, start: dt.datetime, end: dt.datetime) -> str:
        """A half-open window [start, end) as the days it covers: ``3–9 mai 2027`` / ``May 3–9, 2027``."""
        first = self.local(start).date()
        last_moment = self.local(end)
        last = last_moment.date()
        if last_moment.time() == datetime.min.time() and last > first:
            last = last - timedelta(days=1)   # the window ends at midnight: the previous day is the last
        if first == last:
            return self.date(first)
        if first.year != last.year:
            return f"{self.date(first)} {DASH} {self.date(last)}"
        same_month = first.month == last.month
        if self.lang == "fr":
            head = format_date(first, self._day(first) if same_month else f"{self._day(first)} MMMM ",
                               locale=self.locale)
            return f"{head}{DASH}{self.date(last)}" if same_month else f"{head}{DASH} {self.date(last)}"
        head = format_date(first, "MMMM d", locale=self.locale)
        if same_month:
            return f"{head}{DASH}{format_date(last, 'd, y', locale=self.locale)}"
        return f"{head} {DASH} {self.date(last)}"

    def quarter(self, moment: dt.datetime) -> str:
        """``T2 2027`` (trimestre) / ``Q2 2027``: the quarter of the evaluation date (``last_day``: as of 1 July
        00:00, a closed second quarter's end, the last day counted is 30 June, so T2)."""
        return format_date(last_day(self.local(moment), ZoneInfo(self.timezone)), "QQQ y", locale=self.locale)

    def month_span(self, first: dt.date, last: dt.date, width: str = "MMM") -> str:
        """The months from ``first``'s to ``last``'s: ``May–Jul 2027`` / ``mai–juil. 2027``, ``Nov 2027–Jan 2028``;
        ``width="MMMM"`` writes them in full (``May–July 2027``)."""
        tail = format_date(last, f"{width} y", locale=self.locale)
        if first.year != last.year:
            return f'{format_date(first, f"{width} y", locale=self.locale)}{DASH}{tail}'
        return f'{format_date(first, width, locale=self.locale)}{DASH}{tail}'

    def month_name(self, label: str) -> str:
        """A month label (``2027-07``) in full, as a heading names it: ``July 2027`` / ``juillet 2027`` (the
        monthly review's title and its « compared with » line read ``Jul 2027``, ``juil. 2027``: audit
        reviewhandus); any other label as ``period_label`` writes it."""
        year, _, month = label.partition("-")
        if not (year.isdigit() and month.isdigit() and 1 <= int(month) <= 12):
            return self.period_label(label)
        return format_date(date(int(year), int(month), 1), "LLLL y", locale=self.locale)

    def period_label(self, label: str) -> str:
        """Snapshot labels (``2027-Q1``, ``2027-04``) written for the reader: ``T1 2027``, ``avr. 2027``. On a
        fiscal plan a quarter is the plan's own, as the header names it (« T1 de l'exercice 2027-2028 »):
        ``T1 ex. 2027-28`` / ``Q1 FY2027-28`` for April-June 2027 on a year from April; a calendar quarter that
        is none of the plan's quarters (a year from February) is named by its months, ``avr.–juin 2027``. A plan's
        quarter that is no calendar quarter (``2027-05..2027-07``, a year from February) is named by the plan's
        quarter and its months, ``T2 mai–juil.`` / ``Q2 May–Jul`` (the header names the year). A declared fiscal
        calendar's quarter, labelled by its days (``2027-05-02..2027-07-31``), is named by its quarter and days,
        ``T2 (2 mai – 31 juil.)`` / ``Q2 (May 2 – Jul 31)``."""
        days = _DAYS.match(label)
        if days is not None:
            first, last = (dt.date.fromisoformat(d) for d in days.groups())
            pattern = "d MMM" if self.lang == "fr" else "MMM d"
            shown = (f"{format_date(first, pattern, locale=self.locale)} {DASH} "
                     f"{format_date(last, pattern, locale=self.locale)}")
            k = next((k for k, (a, end) in enumerate(self.quarters, 1)
                      if a == first and end == last + dt.timedelta(days=1)), None)
            return f"{'T' if self.lang == 'fr' else 'Q'}{k} ({shown})" if k else f"{shown} {last.year}"
        months = _MONTHS.match(label)
        if months is not None:
            y1, m1, y2, m2 = (int(g) for g in months.groups())
            first, last = date(y1, m1, 1), date(y2, m2, 1)
            offset = (y1 - (self.fiscal_start or first).year) * 12 + m1 - (self.fiscal_start or first).month
            if self.fiscal_start is None or offset % 3:
                return self.month_span(first, last)
            head = f"{'T' if self.lang == 'fr' else 'Q'}{offset // 3 % 4 + 1}"
            return (f'{head} {format_date(first, "MMM", locale=self.locale)}{DASH}'
                    f'{format_date(last, "MMM", locale=self.locale)}')
        year, _, rest = label.partition("-")
        if not year.isdigit():
            return label
        if rest.upper().startswith("Q") and rest[1:].isdigit() and 1 <= int(rest[1:]) <= 4:
            first = date(int(year), 3 * int(rest[1:]) - 2, 1)
            if self.fiscal_start is None:
                return format_date(first, "QQQ y", locale=self.locale)
            found = fiscal_quarter_of(f"{year}-Q{rest[1:]}", self.fiscal_start)
            if found is None:
                return (f'{format_date(first, "MMM", locale=self.locale)}{DASH}'
                        f'{format_date(first.replace(month=first.month + 2), "MMM y", locale=self.locale)}')
            k, start = found
            years = f"{start}-{(start + 1) % 100:02d}"
            return f"T{k} ex. {years}" if self.lang == "fr" else f"Q{k} FY{years}"
        if rest.isdigit() and 1 <= int(rest) <= 12:
            return format_date(date(int(year), int(rest), 1), "MMM y", locale=self.locale)
        return label
