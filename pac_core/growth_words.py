"""The words that say where an objective written as a percentage comes from (pac_core/growth.py), in French or
English: « +30 % de 110 000 € (CA 2026 du périmètre) = 33 000 € » / "+30% of €110,000 (the scope's 2026 revenue) =
€33,000" (a base whose period is not over at the evaluation instant: « (CA 2026 du périmètre au 5 décembre,
provisoire : 2026 n'est pas terminé) »; under ``attribution: split`` the axis's share: « (part de l'axe dans le CA
2026 du périmètre, affaires partagées avec d'autres axes divisées à parts égales) »), what the report, ``pac explain
AXIS``, ``pac plan check``, ``pac sync`` and the CRM's KPI text say."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date

from pac_core.money import LOCALES, money, percent
from pac_core.periods import day_words
from pac_core.plan import Axis, Objective
from pac_core.plan_warnings import PlanWarning, zero_base_words
from pac_core.revenue import DateRange, baseline_range, last_day, prorated, window_days
from pac_core.rounding import half_up


def base_days(objective: Objective, zone: ZoneInfo, weeks: DateRange | None = None) -> DateRange:
    """The days whose revenue the rate applies to: the objective's whole period, a year earlier (52 weeks earlier
    in a year cut in weeks, ``weeks``: ``revenue.weekly_year``; its 53rd week has none)."""
    return baseline_range(window_days(objective.period, zone), weeks)


def span_label(days: DateRange, lang: str, fiscal: date | None = None) -> str:
    """A span of days as a manager names it: ``2026``, ``T2 2026`` / ``Q2 2026``, ``1er semestre 2026`` / ``H1 2026``,
    ``mai 2026`` / ``May 2026``, ``avril 2026 – mars 2027`` / ``April 2026 – March 2027``, else its first and last
    days. On a fiscal plan (``fiscal``: its year's first day, ``report_period.fiscal_start``) a quarter or a half of
    a fiscal year is named by the plan's own quarters, as the report's heading: « T3 de l'exercice 2026-2027 » /
    "Q3 of fiscal year 2026-2027", « 1er semestre de l'exercice 2026-2027 » / "H1 of fiscal year 2026-2027" (the
    base of « +20 % au T3 » on a year from April read « CA T4 2026 »: audit growthhand)."""
    first, last = days
    locale = LOCALES[lang]
    whole_months = first.day == 1 and (last + timedelta(days=1)).day == 1
    if whole_months and (first.month, last.month) == (1, 12) and first.year == last.year:
        return str(first.year)
    if whole_months:
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        if months == 1:
            return format_date(first, "LLLL y", locale=locale)
        if fiscal is not None and fiscal.month != 1 and months in (3, 6):
            offset = (first.month - fiscal.month) % 12
            year = first.year if first.month >= fiscal.month else first.year - 1
            years = f"{year}-{year + 1}"
            if months == 3 and offset % 3 == 0:
                k = offset // 3 + 1
                return f"T{k} de l'exercice {years}" if lang == "fr" else f"Q{k} of fiscal year {years}"
            if months == 6 and offset in (0, 6):
                half = 1 if offset == 0 else 2
                return (f"{'1er' if half == 1 else '2e'} semestre de l'exercice {years}" if lang == "fr"
                        else f"H{half} of fiscal year {years}")
            # a calendar quarter or half that is none of the fiscal year's (« T2 » is the plan's own): its months
            return f"{format_date(first, 'LLLL y', locale=locale)} – {format_date(last, 'LLLL y', locale=locale)}"
        if months == 3 and first.month % 3 == 1:
            return f"{'T' if lang == 'fr' else 'Q'}{first.month // 3 + 1} {first.year}"
        if months == 6 and first.month in (1, 7):      # the calendar's halves, as the plan writes them
            half = 1 if first.month == 1 else 2
            return f"{'1er' if half == 1 else '2e'} semestre {first.year}" if lang == "fr" else f"H{half} {first.year}"
        return f"{format_date(first, 'LLLL y', locale=locale)} – {format_date(last, 'LLLL y', locale=locale)}"
    return f"{format_date(first, 'long', locale=locale)} – {format_date(last, 'long', locale=locale)}"


def _rate_text(rate: Decimal, lang: str) -> str:
    """``+30 %`` / ``+30%``, ``+12,5 %`` / ``+12.5%``, ``+33,333 %``: as many decimals as written (at most 4; it was
    2, so « +33,333 % » read « +33,33 % de 99 999,00 € = 33 332,67 € », 33 329,67 € by hand: audit growthhand)."""
    exponent = (rate * 100).normalize().as_tuple().exponent
    decimals = min(4, max(0, -exponent)) if isinstance(exponent, int) else 0
    return "+" + percent(rate, lang, decimals)


rate_text = _rate_text     # « +50 % », as ``provenance`` writes the rate (``pac explain AXIS``'s baseline lines)


def _day_text(day: date, days: DateRange, lang: str) -> str:
    """``5 décembre`` / ``December 5`` (``1er`` in French), with the year when the span is not all of ``day``'s."""
    first, last = days
    return day_words(day, lang, year=not first.year == last.year == day.year)


def _in_span(span: str) -> str:
    """The French preposition before a span's name: « en 2026 », « en mai 2026 », « au T2 2026 », « au 1er semestre
    2026 », « sur la période avril 2026 – mars 2027 » (« en T4 2026 », « en 1er semestre 2026 » read wrong: audit
    growthhand)."""
    if "–" in span:
        return f"sur la période {span}"
    if span.startswith("T") or "semestre" in span:
        return f"au {span}"
    return f"en {span}"


def _not_over(span: str, lang: str) -> str:
    """« 2026 n'est pas terminé » / "2026 is not over"; a span of days: « la période … »."""
    if "–" in span:
        return "la période n'est pas terminée" if lang == "fr" else "the period is not over"
    return f"{span} n'est pas terminé" if lang == "fr" else f"{span} is not over"


# under ``attribution: split`` a measured base is the axis's share (``Objective.growth_base_split``): the words say it
# and how it is made (audit splitwords: it read « (the scope's April 2026 – March 2027 revenue) » beside the axis's
# 14,700 where the CRM's report of that scope says 24,400)
_SHARED = {"fr": "affaires partagées avec d'autres axes divisées à parts égales",
           "en": "deals shared with other axes divided evenly"}


def _revenue_words(span: str, lang: str, share: bool) -> str:
    """« CA 2026 du périmètre » / "the scope's 2026 revenue"; the axis's share of it under split: « part de l'axe dans
    le CA 2026 du périmètre » / "the axis's share of the scope's 2026 revenue"."""
    if lang == "fr":
        return f"part de l'axe dans le CA {span} du périmètre" if share else f"CA {span} du périmètre"
    return f"the axis's share of the scope's {span} revenue" if share else f"the scope's {span} revenue"


def provenance(objective: Objective | None, zone: ZoneInfo, currency: str, lang: str,
               fiscal: date | None = None, weeks: DateRange | None = None) -> str:
    """Where a percentage objective's amount comes from, in ``lang`` ("" for an objective written as an amount):
    « +30 % de 110 000 € (CA 2026 du périmètre) = 33 000 € » / "+30% of €110,000 (the scope's 2026 revenue) =
    €33,000"; with a fixed baseline « (référence fixée dans le plan) » / "(the plan's fixed baseline)"; before the
    records are read (``pac plan check`` reads no store) what it will be measured on. A baseline of 0, or below 0
    (credits above the sales), says why there is no objective and what to write instead. ``fiscal``: a fiscal
    plan's first day, whose quarters and halves name the base (``span_label``); ``weeks``: the days of a year cut in
    weeks (``revenue.weekly_year``), whose base is 52 weeks earlier (none for a 53rd week).

    A base whose period was not over at the evaluation instant (``Objective.growth_base_through``: the evaluation
    date) is that period's revenue to date, and says so: « +30 % de 3 450 800 € (CA 2026 du périmètre au 5 décembre,
    provisoire : 2026 n'est pas terminé) = 1 035 240 € » / "+30% of €3,450,800 (the scope's 2026 revenue to
    December 5, provisional: 2026 is not over) = €1,035,240".

    Under ``attribution: split`` a measured base is the axis's share (``Objective.growth_base_split``), and says so:
    « +25 % de 14 700 $US (part de l'axe dans le CA avril 2026 – mars 2027 du périmètre, affaires partagées avec
    d'autres axes divisées à parts égales) = 3 675 $US » / "+25% of $14,700 (the axis's share of the scope's April
    2026 – March 2027 revenue, deals shared with other axes divided evenly) = $3,675" (provisional: « … du périmètre au
    5 décembre, affaires partagées …, provisoire : … »)."""
    if objective is None or objective.growth_rate is None:
        return ""
    rate = _rate_text(objective.growth_rate, lang)
    days = base_days(objective, zone, weeks)
    span = span_label(days, lang, fiscal)
    fixed = objective.baseline is not None
    through = None if fixed else objective.growth_base_through
    share = objective.growth_base_split and not fixed
    revenue = _revenue_words(span, lang, share)
    if lang == "fr":
        source = "référence fixée dans le plan" if fixed else revenue
        if through is not None:
            source += f" au {_day_text(through, days, lang)}"
        if share:
            source += f", {_SHARED['fr']}"
        if through is not None:
            source += f", provisoire : {_not_over(span, lang)}"
    else:
        source = "the plan's fixed baseline" if fixed else revenue
        if through is not None:
            source += f" to {_day_text(through, days, lang)}"
        if share:
            source += f", {_SHARED['en']}"
        if through is not None:
            source += f", provisional: {_not_over(span, lang)}"
    if objective.growth_base is None:   # a measured baseline, before the records are read
        if lang == "fr":
            shared = f"de la {revenue} ({_SHARED['fr']}), mesurée" if share else f"du {revenue}, mesuré"
            return f"{rate} {shared} sur les affaires gagnées du CRM à chaque évaluation"
        shared = f" ({_SHARED['en']})" if share else ""
        return f"{rate} of {revenue}{shared}, measured on the CRM's won deals at each evaluation"
    # to the cent when either has cents, as the header line beside it writes the objective: "+20% of $70,001 ... =
    # $14,000" beside "objective $14,000.15" did not add up (usplan audit F7)
    cents = 2 if any(half_up(v, 2) % 1 for v in (objective.growth_base, objective.additional_revenue)) else 0
    base = money(objective.growth_base, currency, lang, cents)
    amount = money(objective.additional_revenue, currency, lang, cents)
    text = (f"{rate} de {base} ({source}) = {amount}" if lang == "fr"
            else f"{rate} of {base} ({source}) = {amount}")
    if objective.growth_base < 0:    # credits above the sales: no objective either (``growth.resolved``)
        so_far = through is not None
        if lang == "fr":
            why = ("la référence est négative" if fixed else
                   f"la {revenue} est négative{' à ce jour' if so_far else ''} (avoirs)" if share else
                   f"le {revenue} est négatif{' à ce jour' if so_far else ''} (avoirs)")
            text += f" : {why}, un pourcentage n'y fixe aucun objectif (écrivez un montant)"
        else:
            why = (f"{revenue} is negative{' so far' if so_far else ''} (credits)"
                   if not fixed else "the baseline is negative")
            text += f": {why}, so a percentage sets no objective (write an amount)"
    elif objective.growth_base == 0:
        if lang == "fr":
            sold = "n'a encore rien vendu" if through is not None else "n'a rien vendu"
            why = (f"le périmètre {sold} {_in_span(span)}" if not fixed else "la référence est 0")
            text += f" : {why}, un pourcentage n'y fixe aucun objectif (écrivez un montant)"
        else:
            sold = "has sold nothing" if through is not None else "sold nothing"
            why = f"the scope {sold} in {span}{' so far' if through is not None else ''}" if not fixed \
                else "the baseline is 0"
            text += f": {why}, so a percentage sets no objective (write an amount)"
    return text


def objective_line(objective: Objective | None, zone: ZoneInfo, currency: str, lang: str,
                   fiscal: date | None = None, weeks: DateRange | None = None) -> str:
    """« Objectif : » / "Objective: " and the ``provenance`` ("" for an objective written as an amount): what
    ``pac explain AXIS`` says, and the CRM's KPI text while the base is provisional (``provisional_line``)."""
    origin = provenance(objective, zone, currency, lang, fiscal, weeks)
    if not origin:
        return ""
    return f"Objectif : {origin}" if lang == "fr" else f"Objective: {origin}"


def fixed_baseline_words(objective: Objective | None, as_of: datetime, zone: ZoneInfo, currency: str, lang: str) -> str:
    """How a fixed baseline's figure to date is pro-rated (``revenue.prorated``, day for day over the objective's
    period): « Référence fixe : 100 000 € × 140 / 365 jours = 38 356 € » / "Fixed baseline: €100,000 × 140 / 365
    days = €38,356", « Référence fixe : 100 000 € (période entière) » once the period is over; "" for a measured
    baseline (audit meeting F1: the 38 356 € was explained nowhere)."""
    if objective is None or objective.baseline is None:
        return ""
    first, last = window_days(objective.period, zone)
    upto = min(last, last_day(as_of, zone))
    whole = money(objective.baseline, currency, lang)
    label = "Référence fixe : " if lang == "fr" else "Fixed baseline: "
    if upto >= last:
        return f"{label}{whole} ({'période entière' if lang == 'fr' else 'whole period'})"
    elapsed, total = max(0, (upto - first).days + 1), (last - first).days + 1
    figure = money(prorated(objective.baseline, (first, last), as_of, zone), currency, lang)
    return f"{label}{whole} × {elapsed} / {total} {'jours' if lang == 'fr' else 'days'} = {figure}"


def provisional_line(objective: Objective | None, zone: ZoneInfo, currency: str, lang: str,
                     fiscal: date | None = None, weeks: DateRange | None = None) -> str:
    """``objective_line`` while the objective is provisional (its base period not over at the evaluation: a 2027
    objective resolved on 5 December 2026), else "": the CRM holds the resolved amount in its objective field,
    and this line in the axis's KPI text says it will still move (audit reverify N7)."""
    if objective is None or objective.growth_base is None or objective.growth_base_through is None:
        return ""
    return objective_line(objective, zone, currency, lang, fiscal, weeks)


def zero_base_values(objective: Objective, zone: ZoneInfo, fiscal: date | None = None,
                     weeks: DateRange | None = None) -> dict[str, Any]:
    """The values of a percentage objective whose baseline is 0 or below (``pac_core.plan_warnings.zero_base_words``):
    the rate and the base's span worded in both languages, whether the base is negative (credits above the sales),
    fixed, the axis's share (``attribution: split``), measured so far (its period not over)."""
    days = base_days(objective, zone, weeks)
    rate = objective.growth_rate or Decimal(0)
    return {"rate_en": _rate_text(rate, "en"), "rate_fr": _rate_text(rate, "fr"),
            "span_en": span_label(days, "en", fiscal), "span_fr": span_label(days, "fr", fiscal),
            "negative": objective.growth_base is not None and objective.growth_base < 0,
            "fixed": objective.baseline is not None, "share": bool(objective.growth_base_split),
            "so_far": objective.growth_base_through is not None}


def zero_base_warning(objective: Objective, zone: ZoneInfo, fiscal: date | None = None,
                      weeks: DateRange | None = None) -> str:
    """What ``pac plan check`` says of a percentage objective whose baseline is 0 or below (fixed, or measured on
    the records of the last sync: credits above the sales): it gives no objective."""
    return zero_base_words(zero_base_values(objective, zone, fiscal, weeks), "en")


def zero_base_line(axis: Axis, zone: ZoneInfo, fiscal: date | None = None,
                   weeks: DateRange | None = None) -> PlanWarning | None:
    """``axis AX: ...`` (``zero_base_warning``; ``zero_base``, in English or French: ``pac_core.plan_warnings``) for
    an axis whose objective, written as a percentage, has a baseline of 0 or below; None for any other axis."""
    objective = axis.objective
    if objective is None or objective.growth_rate is None or objective.growth_base is None \
            or objective.growth_base > 0:
        return None
    return PlanWarning("zero_base", {"axis": axis.id, **zero_base_values(objective, zone, fiscal, weeks)})


__all__ = ["base_days", "fixed_baseline_words", "provenance", "rate_text", "span_label", "zero_base_line",
           "zero_base_values", "zero_base_warning"]
