"""Time expressions of plans, French or English, resolved to an exact [start, end) window.

Every window is made of whole local days in the plan's timezone: it starts at local midnight of its
first day and ends at local midnight after its last day, so daylight-saving changes are handled
(ISO week 13 of 2027 in Europe/Paris lasts 167 hours). Time is never read from the clock: callers
give ``year`` (the plan's year, used when the text omits it) and optionally ``today``.

What is understood (case and accents ignored):
- ISO weeks: "semaine 18", "sem. 18", "S18", "week 18", "wk 18", "W18", "2027-W18", "semaine 18 2027",
  "semaines 18 à 20", "semaine du 3 mai" / "week of May 3" (the ISO week holding that day), "la 18e semaine",
  "the 18th week" (not "la 1re semaine de juin": a week of a month), "CW18", "S18/S19" (weeks 18 to 19; "S18/S20" is
  two periods, as "S18 et S20"); a year before the period it holds
  is its year ("en 2027, semaine 18", "2027, T2", "2027-S18").
  "semaines 52 à 2" crosses 1 January: each week inside the plan's period (a year written is the end's,
  as in "du 20 décembre au 10 janvier 2028"), else a PeriodError giving the plan's part of it.
  With the plan's period (``within``), an ISO week straddling its first or last day is cut to the plan's days
  ("semaine 53" of a 2026 plan is 28-31 December 2026); ``Window.uncut`` keeps the days written, ``cut_note`` says it.
  A range of weeks with a whole week outside the plan ("weeks 4-6" of a plan ending on 31 January 2028) is a
  PeriodError giving the weeks the plan holds (4 or more of their days in it, ISO's rule).
  "S" + a number is an ISO week (French usage "S18", also "S3" to "S53" and "S01"), **except "S1" and
  "S2" alone** ("S1", "S2 2027", "fin S1", "S1-S2"), which French business writing mostly uses for the
  half-years: they are a PeriodError asking for "semaine 1" or "1er semestre" ("week 1" or "H1");
  halves are written "H1"/"H2", "1er semestre", "premier/second semestre", "first/second half".
- months: "mai 2027", "mai", "May 2027", "05/2027", "2027-05", "de mars à mai";
- half months: "première quinzaine de juin" / "first half of June" is the 1st-15th, "seconde (deuxième, 2e,
  dernière) quinzaine" / "second half of June" the 16th to the month's end; another quinzaine is a PeriodError;
- quarters: "T2 2027", "Q2", "2027-Q2", "2e trimestre", "2e trim.", "2nd qtr", "second quarter 2027"; "Q2.5",
  "T2,5", "H1.5" are no period (a quarter or half before a decimal is a name: a release, a price list);
- halves: see above; years: "2027", "année 2027", "FY 2027". A fiscal year named by its years
  ("exercice 2027-2028", "FY 2027-28", "2027/2028", "T2 2027-2028") is a PeriodError: its first month
  cannot be known, so its days are asked for ("2027-04-01..2028-03-31"); "2027..2028" and
  "de 2027 à 2028" stay two calendar years. "FY 2027" / "exercice 2027" is the calendar year in a
  calendar plan, and a PeriodError in a fiscal plan (the fiscal year ending or starting in 2027?); as the plan's
  own period (``plan_period``) a PeriodError always; "Q1 FY2028", "H1 FY28", "H2 FY2028" follow the same rule (the
  calendar quarter or half, or a PeriodError with both readings in a fiscal plan); after "FY" "28" is 2028;
- single days: "le 15 mars", "15/03/2027", "March 15, 2027", "2027-03-15". Numeric dates are
  day/month (French order) on every plan, English too: "03/04/2027" is 3 April; "6/15/2027", a date only
  in US month/day order, is a PeriodError giving "15/06/2027", never another date; with ``date_order="mdy"``
  (a plan's ``date_order: mdy``) they are month/day instead, and "15/03/2027" is the one refused;
- ranges, both ends included: "entre le 2 et le 13 mars", "du 2 au 13 mars 2027", "from 2 to 13 March",
  "between March 2 and March 13, 2027", "2027-03-02..2027-03-13";
- lists: "et"/"and" makes a range only after "entre"/"between". Elsewhere "X et Y" is two periods:
  their union when they touch ("mai et juin", "semaines 18 et 19", "le 3 et le 4 mai"), else a
  PeriodError naming the phrase ("mai et juillet", "T2 et T4", "les 3 et 9 mai"): a window is one
  interval, so write two actions or one range "du … au …";
- relative periods, from ``today`` (an error without it): "cette semaine", "la semaine prochaine",
  "next month", "ce trimestre", "demain"; "cette année" / "this year" is the plan's year, and in a fiscal
  year "ce trimestre" / "this quarter" the plan's quarter holding today ("next quarter" the one after);
- deadlines: "avant le 30/06/2027", "d'ici le 30 juin", "by March 31, 2027", "before 31/03/2027",
  "d'ici fin avril", "by end of April", "pour fin avril", "fin mars" (a bare « fin mars » / "end of March" is kept as
  a deadline, ``end_word_note`` says so; « en fin de mars », « à la fin de mars », "at the end of March", « fin de
  semaine 12 » name no exact window: a PeriodError with the period, its last days and the deadline as fixes).
  **A deadline's window starts at ``today`` when it
  is given, else at the start of the plan's year, and ends at the end of the named day** (a deadline
  includes its day: the window ends at the next local midnight). "fin avril", "d'ici la semaine 18",
  "by Q2" end with the named period; "avant mai" / "before week 18" end when that period starts.
  "through June 30" / "thru June 30" are deadlines like "until June 30"; "by year end", "by the end of the fiscal
  year", « d'ici la fin de l'exercice », « avant la fin de l'exercice », « avant la fin de l'année », « fin
  d'exercice » end with the plan's period. « avant la fin du trimestre », "by the end of the month" (which one?) are
  a PeriodError naming the forms that say it (« avant la fin du T2 », "by the end of June").
- "1H" / "2H" (a whole text only: « 1h » in a sentence is an hour) are H1 / H2; "fiscal Q1", "FQ1" the plan's Q1
  ("fiscal Q1 2028": a PeriodError, which fiscal year?); "Mar-27" (a whole text only) is March 2027;
  "every month", "monthly", « chaque mois »… are a PeriodError saying a recurring action is one action per month.
- open-ended starts: "à partir du 15 juin", "à compter du", "dès le", "depuis le", "from 15 June",
  "starting (on) June 15", "as of", "since": **from the first day of the period named to the end of the
  plan's period** (its year without ``within``), the mirror of a deadline; with an end, a range. "after March 15",
  « après le 15 mars », "after week 18" start the day after the period named.

**Fiscal years.** Given the plan's period (``within=``), a period written without its year resolves
inside it: in a plan from 1 April 2027 to 31 March 2028, "janvier" is January 2028, "semaine 2" is
ISO week 2 of 2028, "le 15 janvier" 15 January 2028; when the plan's period is 12 months from the
1st of a month other than January (a fiscal year), "T1"/"Q1"/"premier trimestre" is its first
quarter (April-June 2027) and "H1"/"premier semestre" its first half; "l'année", "this year" and
"fin de l'année" are the plan's period; deadlines start on the plan's first day. A year written in
the text keeps the calendar ("T1 2027" is January-March 2027). A period that occurs twice in a plan
longer than 12 months ("juillet" from July 2027 to December 2028) is an error asking for the year.
Calendar-year plans resolve as without ``within``.

**In a sentence only** (``find_periods``, the linter's statements; docs/linter.md, « Quand »): « début septembre » /
"early September" is the 1st-10th, « mi-juin » / "mid-June" the 11th-20th, "late May" the 21st to the end (« début
T3 », "late Q2": the quarter's first or last month; « fin mars début avril » the 21st to the 10th), « courant mai » /
« au cours du T2 » the period, « avant l'été » / "before summer" a deadline to 30 June, « sous 15 jours » / "within 15
days" today to 15 days later, « d'ici la fin du trimestre » the quarter holding today; a range may end « … à fin
juin », and « du 20 décembre au 10 janvier », « semaines 52 à 2 » without a plan period run into the next year. A
``when:`` (``parse_period``) keeps refusing them as vague, its fix giving these days.

The year is ``year`` when omitted. Input over MAX_PERIOD_CHARS (200) is refused; every pattern
runs on text whose blanks are one space, so parsing time is linear in the length of the text.
Anything impossible or ambiguous ("2027-13", "semaine 54",
"30 février", a range that ends before it starts) raises ``PeriodError`` whose fix says how to write it.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pac_core.errors import PeriodError
from pac_core.text import fold_keep_length
from pac_core.window import Window

__all__ = [
    "DATE_ORDERS",
    "RelativePeriodError",
    "cut_note",
    "day_window",
    "days_phrase",
    "end_word_note",
    "find_periods",
    "iso_week_label",
    "iso_week_note",
    "iso_week_window",
    "looks_month_day",
    "month_window",
    "parse_period",
    "quarter_window",
    "two_way_dates",
    "weeks_in_year",
]

_EXAMPLES_EN = "'week 18', 'May 2027', 'Q2 2027', 'from March 2 to 13', 'by March 31, 2027'"
_EXAMPLES_FR = "'semaine 18', 'mai 2027', 'T2 2027', 'du 2 au 13 mars', 'avant le 30/06/2027'"
EXAMPLES = f"e.g. {_EXAMPLES_EN}; {_EXAMPLES_FR}"

# The plan's language while a period is read (``parse_period`` / ``find_periods``' ``language``): the examples an
# error's fix gives are written in it ("write week 1 to week 52" in an English plan, « semaine 1 » in a French
# one); None (a caller that does not know it) keeps both languages' examples.
_LANGUAGE: ContextVar[str | None] = ContextVar("pac_period_language", default=None)
# The order numeric dates are read in (``parse_period`` / ``find_periods``' ``date_order``, a plan's
# ``plan.date_order``): "dmy" (3/4/2027 is 3 April, the default) or "mdy" (US order: March 4).
_ORDER: ContextVar[str] = ContextVar("pac_period_date_order", default="dmy")
# True while the plan's own period is read (``parse_period(plan_period=True)``): "FY2028" there cannot be placed.
_PLAN_PERIOD: ContextVar[bool] = ContextVar("pac_period_plan_period", default=False)
# True while a free sentence is read (``find_periods``, the linter's statements): the words of a manager's sentence that
# name days without naming them exactly (« mi-juin », « début septembre », "late May", « avant l'été », « sous 15
# jours ») are read there by the conventions of docs/linter.md; a `when:` (``parse_period``) keeps refusing them as
# vague (docs/plan-format.md): it is what pac counts, so it says its days.
_FREE_TEXT: ContextVar[bool] = ContextVar("pac_period_free_text", default=False)
# The plan's period while a period is read (``parse_period`` / ``find_periods``' ``within``: first day, day after the
# last), for an error's fix that must pass in the plan (« semaine 53 2027 » in a 2026 plan: ``_last_week_hint``).
_PLAN_DAYS: ContextVar[tuple[date, date] | None] = ContextVar("pac_period_plan_days", default=None)

DATE_ORDERS = ("dmy", "mdy")
"""The orders a plan's numeric dates may be read in (``plan.date_order``, ``pac plan import --date-order``)."""


@contextmanager
def _speaking(language: str | None, date_order: str | None = None, plan_period: bool = False) -> Iterator[None]:
    if date_order not in (None, *DATE_ORDERS):
        raise PeriodError(f"unknown date order {date_order!r}", "use mdy (month/day, US) or dmy (day/month)")
    tokens = (_LANGUAGE.set(language), _ORDER.set(date_order or "dmy"), _PLAN_PERIOD.set(plan_period))
    try:
        yield
    finally:
        _PLAN_PERIOD.reset(tokens[2])
        _ORDER.reset(tokens[1])
        _LANGUAGE.reset(tokens[0])


def _say(fr: str, en: str, both: str | None = None) -> str:
    """An example for an error's fix in the plan's language: ``fr`` or ``en``; ``both`` (default « fr » / 'en'
    joined) when the language is not known."""
    language = _LANGUAGE.get()
    if language == "fr":
        return fr
    if language == "en":
        return en
    return both if both is not None else f"{fr} / {en}"


def _day_language() -> str:
    """The language days are written in for an error's fix: the plan's, French when it is not known."""
    return "en" if _LANGUAGE.get() == "en" else "fr"


def _quoted(phrase: str) -> str:
    """A phrase to write, quoted as the plan's language quotes: « du 1er au 4 janvier » / 'January 1 to 4'."""
    return f"'{phrase}'" if _LANGUAGE.get() == "en" else f"« {phrase} »"


def _examples(ctx: _Ctx | None = None) -> str:
    """The forms a fix shows, each one that passes in the plan: in a calendar-year plan with its year ('mai 2026' in a
    2026 plan: they were always 2027's, each refused in a 2026 or 2028 plan, calendar audit F5), in another plan
    without one (resolved inside its period); in a fiscal plan its own quarter ('Q2') rather than the calendar one
    ('Q2 2027', which is not a quarter of a plan from February: usplan audit F10)."""
    en, fr = _EXAMPLES_EN, _EXAMPLES_FR
    if ctx is None:
        return f"e.g. {_say(fr, en, f'{en}; {fr}')}"
    calendar_year = ctx.period is None or ctx.period == (date(ctx.year, 1, 1), date(ctx.year + 1, 1, 1))
    if calendar_year:
        y = ctx.year
        en = f"'week 18', 'May {y}', 'Q2 {y}', 'from March 2 to 13', 'by March 31, {y}'"
        fr = f"'semaine 18', 'mai {y}', 'T2 {y}', 'du 2 au 13 mars', 'avant le 30/06/{y}'"
    else:
        en = "'week 18', 'May', 'Q2', 'from March 2 to 13', 'by March 31'"
        fr = "'semaine 18', 'mai', 'T2', 'du 2 au 13 mars', 'avant le 30 juin'"
    if ctx.fiscal:
        en = en.replace("'Q2'", "'Q2' (the plan's second quarter)")
        fr = fr.replace("'T2'", "'T2' (le 2e trimestre du plan)")
    return f"e.g. {_say(fr, en, f'{en}; {fr}')}"


# « pendant les fêtes », « entre Noël et le jour de l'an », "over the holidays", "Christmas week", « la dernière
# semaine de décembre »: the year's end, which pac reads as no period (calendar audit F5).
_YEAR_END_WORDS = re.compile(r"(?<![a-z])(?:fetes|noel|nouvel\s+an|jour\s+de\s+l'\s*an|reveillon|christmas|xmas"
                             r"|the\s+holidays|holiday\s+season|new\s+year'?s?(?:\s+eve)?"
                             r"|derniere\s+semaine\s+(?:de\s+|d')(?:l'\s*)?(?:decembre|annee)"
                             r"|last\s+week\s+of\s+(?:december|the\s+year))(?![a-z])")


def _year_end_fix(ctx: _Ctx) -> str | None:
    """For a year-end phrase: the plan's last week of December (« semaine 53 » of a 2026 plan, 28-31 December 2026,
    cut to the plan's days) and « du 21 au 31 décembre »; None when the plan holds no 31 December."""
    first, end = ctx.period or (date(ctx.year, 1, 1), date(ctx.year + 1, 1, 1))
    y = (end - timedelta(days=1)).year
    if date(y, 12, 31) >= end:
        y -= 1
    if date(y, 12, 31) < first:
        return None
    n = weeks_in_year(y)
    monday = date.fromisocalendar(y, n, 1)
    last = min(monday + timedelta(days=6), end - timedelta(days=1))
    language = _day_language()
    week = _say(f"« semaine {n} »", f"'week {n}'")
    days = _say("« du 21 au 31 décembre »", "'from December 21 to 31'")
    return (f"for the end of the year, write the last week of December in the plan, {week} "
            f"({days_phrase(monday, last, language)}), or {days}")



class RelativePeriodError(PeriodError):
    """A relative period ("next week") met without ``today``: written right, but not resolvable."""

# --------------------------------------------------------------------------------------------- helpers


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise PeriodError(f"unknown timezone {tz!r}", "use an IANA name such as Europe/Paris") from exc


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone)


def _window(first: date, end: date, tz: str, label: str, uncut: tuple[date, date] | None = None) -> Window:
    """The window of whole local days [first, end) (``end`` is the day after the last day); ``uncut``: the days
    written, when a week straddling the plan's edge was cut to the plan's days."""
    zone = _zone(tz)
    return Window(_midnight(first, zone), _midnight(end, zone), label,
                  (_midnight(uncut[0], zone), _midnight(uncut[1], zone)) if uncut else None)


def weeks_in_year(year: int) -> int:
    """52 or 53: the number of ISO weeks of ``year``."""
    return date(year, 12, 28).isocalendar()[1]


def _check_week(year: int, week: int) -> None:
    n = weeks_in_year(year)
    if not 1 <= week <= n:
        fix = (f"{year} has {n} ISO weeks; write "
               + _say(f"semaine 1 to semaine {n}", f"week 1 to week {n}", f"semaine 1 to semaine {n}"))
        if week == 53:
            fix = _plans_week_53(year) or fix + _last_week_hint(year)
        raise PeriodError(f"week {week} does not exist in {year}", fix)


def _plans_week_53(year: int) -> str | None:
    """The fix for « semaine 53 2027 » in a plan that holds the year end before it, a 2026 plan or one from July 2026
    (4 or more days of week 53 of 2026, ISO's rule): the week meant is 2026's week 53, which ends in 2027, the plan's
    « semaine 53 » (calendar53 audit: the fix named 2027's last week, 27 December 2027 - 2 January 2028, outside the
    plan). None when the plan (or its absence) says nothing of it."""
    plan = _PLAN_DAYS.get()
    if plan is None or weeks_in_year(year - 1) != 53:
        return None
    first, end = date.fromisocalendar(year - 1, 53, 1), date.fromisocalendar(year, 1, 1)
    if _days_inside((first, end), plan) < _MOST_OF_A_WEEK:
        return None
    language = _day_language()
    held = max(first, plan[0]), min(end, plan[1]) - timedelta(days=1)
    days = days_phrase(*held, language)
    if held[1] < end - timedelta(days=1):
        days += (f" in this plan; it ends on {day_words(end - timedelta(days=1), language)}")
    return (f"{year} has 52 ISO weeks; the plan's year-end week is week 53 of {year - 1}: write "
            + _say("« semaine 53 »", "'week 53'") + f" ({days})")


def _last_week_hint(year: int) -> str:
    """« semaine 53 » in a year of 52 ISO weeks, most often a plan copied from a year that had one (2026's « semaine
    53 » was 28-31 December): the year's last week, with its days in a calendar plan, and where 1-3 January are
    (calendar audit F6: the fix said « semaine 1 to semaine 52 » only, the docs sent the manager to 1-3 January, which
    moved a year-end action to the year's start)."""
    language = _day_language()
    monday = date.fromisocalendar(year, 52, 1)
    sunday, dec31 = monday + timedelta(days=6), date(year, 12, 31)
    hint = (": the year's last week is " + _say("« semaine 52 »", "'week 52'")
            + f" ({days_phrase(monday, sunday, language)}")
    if sunday > dec31:
        hint += f", in a {year} plan {days_phrase(monday, dec31, language)}"
    hint += ")"
    jan1 = date(year, 1, 1)
    iso_year, iso_week, _ = jan1.isocalendar()
    if iso_year < year:
        last_old = date.fromisocalendar(iso_year, iso_week, 7)
        hint += (f"; {'1' if last_old.day == 1 else f'1-{last_old.day}'} January {year} "
                 f"{'is' if last_old.day == 1 else 'are'} in week {iso_week} of {iso_year} ("
                 + _say(f"« semaine {iso_week} {iso_year} »", f"'week {iso_week} {iso_year}'") + ")")
    return hint


def _check_month(month: int) -> None:
    if not 1 <= month <= 12:
        raise PeriodError(f"there is no month {month}", "write the month as 01 to 12, e.g. 2027-05 or "
                          + _say("mai 2027", "May 2027", "mai 2027"))


def _check_quarter(q: int, letter: str | None = None) -> None:
    """``letter``: the quarter's letter as written (``Q`` in "2027-Q5", ``T`` in « T5 » or « trimestre 5 »): the
    fix answers in it, whatever the plan's language (audit newcomer3 L4: "2027-Q5" was told « write T1 to T4 »);
    None (an ordinal word): the plan's language's."""
    if not 1 <= q <= 4:
        written = {"Q": "Q1 to Q4", "T": "T1 to T4"}.get(letter or "")
        raise PeriodError(f"there is no quarter {q}", "a year has 4 quarters: write "
                          + (written or _say("T1 to T4", "Q1 to Q4", "T1 to T4 (Q1 to Q4)")))


def _quarter_letter(m: re.Match[str]) -> str | None:
    """The letter a quarter was written with: ``Q`` ("Q5", "2027-Q5", "quarter 5"), ``T`` (« T5 », « trimestre
    5 »); None for an ordinal word (« 5e trimestre »)."""
    if _g(m, "q") is not None:     # the letter just before the digit: [tq](?P<q>\d)
        return m.string[m.start("q") - 1].upper()
    if _g(m, "q2") is not None:    # (trimestre|quarter)\s+(?P<q2>\d)
        return "Q" if "quarter" in m.group(0) else "T"
    return None


def _week_days(year: int, week: int) -> tuple[date, date]:
    _check_week(year, week)
    monday = date.fromisocalendar(year, week, 1)
    return monday, monday + timedelta(days=7)


def _month_days(year: int, month: int) -> tuple[date, date]:
    _check_month(month)
    return date(year, month, 1), (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1))


def _quarter_days(year: int, q: int) -> tuple[date, date]:
    _check_quarter(q)
    return _month_days(year, 3 * q - 2)[0], _month_days(year, 3 * q)[1]


def _half_days(year: int, h: int) -> tuple[date, date]:
    if h not in (1, 2):
        raise PeriodError(f"there is no half {h}", "write H1 or H2 ("
                          + _say("premier or second semestre", "first or second half", "premier or second semestre")
                          + ")")
    return (date(year, 1, 1), date(year, 7, 1)) if h == 1 else (date(year, 7, 1), date(year + 1, 1, 1))


def _day(year: int, month: int, day: int) -> date:
    _check_month(month)
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise PeriodError(f"{day} {_MONTH_LABELS[month - 1]} {year} does not exist",
                          f"{_MONTH_LABELS[month - 1]} {year} has {last} days; check the date")
    return date(year, month, day)


def iso_week_window(year: int, week: int, tz: str) -> Window:
    """ISO week ``week`` of ``year``: Monday 00:00 to the next Monday 00:00, local time."""
    return _window(*_week_days(year, week), tz, f"{year}-W{week:02d}")


def month_window(year: int, month: int, tz: str) -> Window:
    return _window(*_month_days(year, month), tz, f"{year}-{month:02d}")


def quarter_window(year: int, q: int, tz: str) -> Window:
    return _window(*_quarter_days(year, q), tz, f"{year}-Q{q}")


def day_window(day: date, tz: str) -> Window:
    return _window(day, day + timedelta(days=1), tz, day.isoformat())


# ----------------------------------------------------------------------------------------- vocabulary

_MONTH_LABELS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                 "October", "November", "December")
_MONTHS: dict[str, int] = {}
for _i, _names in enumerate((
    "janvier janv jan january", "fevrier fevr fev february feb", "mars march mar",
    "avril avr april apr", "mai may", "juin june jun", "juillet juil july jul", "aout august aug",
    "septembre sept sep september", "octobre oct october", "novembre nov november", "decembre dec december",
), start=1):
    for _n in _names.split():
        _MONTHS[_n] = _i
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
# Abbreviations may end with a dot; a full name must not be followed by letters.
_MONTH = rf"(?:{_MONTH_RE})\.?(?![a-z])"
_ORDINALS = {
    "premier": 1, "premiere": 1, "1er": 1, "1re": 1, "1ere": 1, "first": 1, "1st": 1, "1e": 1,
    "deuxieme": 2, "second": 2, "seconde": 2, "2e": 2, "2eme": 2, "2nd": 2, "2d": 2, "2nde": 2,
    "troisieme": 3, "third": 3, "3e": 3, "3eme": 3, "3rd": 3,
    "quatrieme": 4, "fourth": 4, "4e": 4, "4eme": 4, "4th": 4,
    "dernier": -1, "derniere": -1, "last": -1, "final": -1,
}
_ORD = "|".join(sorted(_ORDINALS, key=len, reverse=True))
_WEEKDAY = (r"(?P<wd>lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday"
            r"|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)\.?,?\s+")
# the weekdays, Monday first, in English and in French
_WEEKDAYS = (["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
             ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"])
# a weekday written with a day (« du lundi 3 au vendredi 7 mai », "Monday, May 3", "Mon 3 May"): its number, Monday 0
_WEEKDAY_NUMBER = {name: i for names in (*_WEEKDAYS, [n[:3] for n in _WEEKDAYS[0]]) for i, name in enumerate(names)}
_DAYNUM = r"(?:3[01]|[12]\d|0?[1-9])(?!\d)"
_YEAR = r"(?:19|20|21)\d\d(?!\d)"
_END = r"(?![a-z0-9])"
_SP = r"\s+"


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern + _END)


# -------------------------------------------------------------------------------------- partial values


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class _Ctx:
    """What resolves a period written without its year: the plan's year and, when known, the plan's
    period as (first day, day after the last)."""

    year: int
    period: tuple[date, date] | None = None
    cuts: list[tuple[date, date]] = field(default_factory=list, compare=False)   # weeks cut to the period (written)
    quarters: tuple[tuple[date, date], ...] = ()   # the plan's declared fiscal calendar (``Window.quarters``)

    def uncut(self, days: tuple[date, date]) -> tuple[date, date] | None:
        """The days written, when a week was cut to the plan's period while resolving ``days``; else None."""
        if not self.cuts:
            return None
        written = min(days[0], *(c[0] for c in self.cuts)), max(days[1], *(c[1] for c in self.cuts))
        return None if written == days else written      # nothing dropped: no cut to say (calendar audit F7)

    @property
    def fiscal(self) -> bool:
        """A 12-month period starting on the 1st of a month other than January: a fiscal year; or a period whose
        plan declares its fiscal calendar (a 4-4-5 year: ``quarters``)."""
        if self.period is None:
            return False
        if self.quarters:
            return True
        first, end = self.period
        return first.day == 1 and first.month != 1 and end == _add_months(first, 12)

    @property
    def start(self) -> date:
        return self.period[0] if self.period else date(self.year, 1, 1)

    def own(self, kind: str, k: int) -> tuple[date, date]:
        """A fiscal plan's own quarter or half ``k`` (1-based) as (first day, day after the last): from its declared
        calendar (``quarters``: a half is two of its quarters), else three or six months from its first month."""
        if self.quarters:
            if kind == "quarter":
                return self.quarters[k - 1]
            return self.quarters[2 * k - 2][0], self.quarters[2 * k - 1][1]
        months = 3 if kind == "quarter" else 6
        start = _add_months(self.start, months * (k - 1))
        return start, _add_months(start, months)

    @property
    def plan_year(self) -> tuple[date, date]:
        """"l'année", "this year": the plan's period when known, else the calendar year."""
        return self.period if self.period else (date(self.year, 1, 1), date(self.year + 1, 1, 1))


@dataclass(frozen=True)
class _Part:
    """A parsed piece before the year is known: a day (maybe without month) or a named period.

    ``make(year)`` gives (first day, day after the last) of the period for that year; compound parts
    (ranges, deadlines, "semaine du 3 mai", relative periods) have ``resolve(ctx)`` instead.
    """

    kind: str                                   # day, week, month, quarter, half, year, range, deadline...
    year: int | None
    make: Callable[[int], tuple[date, date]]
    month: int | None = None                    # days only
    day: int | None = None                      # days only
    index: int | None = None                    # quarters and halves: 1 to 4, 1 or 2
    resolve: Callable[[_Ctx], tuple[date, date]] | None = None
    inner: _Part | None = None                  # deadlines: the period named (« fin décembre »: décembre)
    weekday: int | None = None                  # days only: the weekday written with it (« lundi 3 mai »), Monday 0

    def days(self, ctx: _Ctx | int) -> tuple[date, date]:
        if isinstance(ctx, int):
            ctx = _Ctx(ctx)
        if self.resolve is not None:
            days = self.resolve(ctx)
        elif self.year is not None:
            days = self.make(self.year)
        else:
            days = _place(self, ctx)
        return _edge_cut(days, ctx) if self.kind == "week" else days


_WEEK_DAYS = timedelta(days=7)
_MOST_OF_A_WEEK = 4     # ISO: a week straddling 1 January is the year's that holds 4 of its days


def _edge_cut(days: tuple[date, date], ctx: _Ctx) -> tuple[date, date]:
    """ISO weeks straddling the plan's first or last day, cut to the plan's days: « semaine 53 » of a 2026 plan
    (28 December 2026 - 3 January 2027) is 28-31 December 2026, « semaine 1 » (29 December 2025 - 4 January 2026)
    1-4 January 2026; the cut is recorded in ``ctx.cuts`` (it is said). Only the part of the edge week is cut: a
    window reaching further out of the plan, or wholly outside it, is kept as written (the plan check refuses it)."""
    if ctx.period is None:
        return days
    first, end = ctx.period
    if (first <= days[0] and days[1] <= end) or days[1] <= first or end <= days[0]:
        return days
    if first - days[0] >= _WEEK_DAYS or days[1] - end >= _WEEK_DAYS:
        raise _weeks_past_edge(days, ctx)
    ctx.cuts.append(days)
    return max(days[0], first), min(days[1], end)


def _held_weeks(days: tuple[date, date], period: tuple[date, date]) -> tuple[date, date] | None:
    """The weeks of ``days`` that are the plan's by ISO's rule (4 or more of their days inside ``period``), cut to the
    plan's days as a straddling week is; None when none is."""
    held = [(monday, monday + _WEEK_DAYS) for monday in
            (days[0] + timedelta(weeks=i) for i in range((days[1] - days[0]).days // 7))
            if _days_inside((monday, monday + _WEEK_DAYS), period) >= _MOST_OF_A_WEEK]
    if not held:
        return None
    return max(held[0][0], period[0]), min(held[-1][1], period[1])


def _weeks_past_edge(days: tuple[date, date], ctx: _Ctx) -> PeriodError:
    """A range of weeks with a whole week outside the plan's period (« semaines 4 à 6 » of a plan from 1 February 2027
    to 31 January 2028 is 24 January - 13 February 2028, two weeks past the plan's end; week 4 of 2027 is before its
    start): refused, as a single week outside the plan is, with the weeks that the plan holds by ISO's 4-days rule as
    fixes. It was kept as written, a window running past the plan's end (usplan re-verification)."""
    assert ctx.period is not None
    first, end = ctx.period
    last = end - timedelta(days=1)
    shown = f"{first.isoformat()}..{last.isoformat()}"
    w1, w2 = days[0].isocalendar()[1], (days[1] - timedelta(days=1)).isocalendar()[1]
    span = (_days_inside(days, ctx.period), (days[1] - days[0]).days)
    side = (_say(f"commencent le {_fr_day(days[0])}, avant le début du plan",
                 f"start on {_en_day(days[0])}, before the plan's start") if days[0] < first else
            _say(f"finissent le {_fr_day(days[1] - timedelta(days=1))}, après la fin du plan",
                 f"end on {_en_day(days[1] - timedelta(days=1))}, after the plan's end"))
    fixes: list[str] = []
    seen: set[tuple[date, date]] = set()
    for y in range(first.year - 1, last.year + 2):
        try:
            written = _week_days(y, w1)[0], _week_days(y if w2 >= w1 else y + 1, w2)[1]
        except PeriodError:
            continue
        held = _held_weeks(written, (first, end))
        if held is None or held in seen:
            continue
        seen.add(held)
        wa = held[0].isocalendar()
        wb = (held[1] - timedelta(days=1)).isocalendar()
        label = _with_year("week", (date.fromisocalendar(wa[0], wa[1], 1),
                                    date.fromisocalendar(wb[0], wb[1], 7) + timedelta(days=1)))
        fixes.append(f"{label} ({days_phrase(held[0], held[1] - timedelta(days=1), _day_language())})")
    if days[0] < first:
        rest = _say("et mettez les semaines d'avant dans le plan précédent",
                    "and put the weeks before in the previous plan")
    else:
        rest = _say("et mettez les semaines suivantes dans le plan suivant", "and put the weeks after in the next plan")
    return PeriodError(_say(f"les semaines {w1} à {w2} ({days[0].isoformat()}..{(days[1] - timedelta(days=1))})"
                            f" {side} : {span[0]} de leurs {span[1]} jours sont dans la période du plan ({shown})",
                            f"weeks {w1} to {w2} ({days[0].isoformat()}..{(days[1] - timedelta(days=1))}) {side}: "
                            f"{span[0]} of their {span[1]} days are in the plan's period ({shown})"),
                       (_say("écrivez les semaines que le plan contient (une semaine à cheval sur son début ou sa fin "
                             "est la sienne si 4 de ses jours y sont, comme le veut l'ISO) : ",
                             "write the weeks the plan holds (a week straddling its start or end is the plan's when 4 "
                             "of its days are in it, ISO's rule): ")
                        + _say(" ou ", " or ").join(fixes) + f", {rest}") if fixes else
                       _say("écrivez des semaines de la période du plan, ou élargissez la période du plan",
                            "write weeks inside the plan's period, or widen the plan's period"))


def _days_inside(days: tuple[date, date], period: tuple[date, date]) -> int:
    return max(0, (min(days[1], period[1]) - max(days[0], period[0])).days)


def _place_week(part: _Part, ctx: _Ctx, first: date, end: date) -> tuple[date, date] | None:
    """A week (or weeks) written without its year: the occurrence with the most days inside the plan's period, among
    those with at most 3 days outside on either side (a week straddling the plan's edge is the plan's when 4 of its
    days are in it, as ISO gives a week straddling 1 January to the year that holds 4 of its days: « semaine 1 » of a
    2025 plan is 30 December 2024 - 5 January 2025, not 29 December 2025 - 4 January 2026). None: no such week."""
    best: tuple[int, bool, tuple[date, date]] | None = None
    for y in range(first.year - 1, (end - timedelta(days=1)).year + 2):
        try:
            days = part.make(y)
        except PeriodError:
            continue
        inside, most_outside = _days_inside(days, (first, end)), 7 - _MOST_OF_A_WEEK
        if inside == 0 or (first - days[0]).days > most_outside or (days[1] - end).days > most_outside:
            continue
        score = (inside, first <= days[0] < end, days)
        if best is None or score[:2] > best[:2]:
            best = score
    return best[2] if best else None


def _place(part: _Part, ctx: _Ctx) -> tuple[date, date]:
    """A period written without its year, resolved inside the plan's period.

    Without a plan period it is in the plan's year. In a fiscal year (12 months from the 1st of a
    month other than January), "T1"/"Q1" and "H1" are the plan year's first quarter and half. Days,
    weeks and months are the occurrence that starts inside the plan's period; none: the plan's year
    (the plan check then says it is outside the period); two (a period over 12 months): an error.
    """
    if part.kind == "year":
        return ctx.plan_year
    if ctx.period is None:
        return part.make(ctx.year)
    first, end = ctx.period
    if ctx.fiscal and part.kind in ("quarter", "half") and part.index:
        return ctx.own(part.kind, part.index)
    inside: list[tuple[date, date]] = []
    for y in range(first.year - 1, (end - timedelta(days=1)).year + 1):
        try:
            days = part.make(y)
        except PeriodError:      # 29 February, week 53 of a year that has 52: not in that year
            continue
        if first <= days[0] < end:
            inside.append(days)
    if part.kind == "week" and len(inside) > 1:
        # ISO's own rule first (usplan audit F11): « semaine 5 » of a plan from 1 February 2027 to 31 January 2028 is
        # week 5 of 2027 (1-7 February, all in the plan), not that of 2028, which starts on the plan's last day
        held = [d for d in inside if (first - d[0]).days <= 7 - _MOST_OF_A_WEEK
                and (d[1] - end).days <= 7 - _MOST_OF_A_WEEK]
        inside = held or inside
    if len(inside) > 1:
        kind = {"month_part": "part of a month", "season": "summer"}.get(part.kind, part.kind)
        raise PeriodError(f"this {kind} occurs {len(inside)} times in the plan's period "
                          f"({', '.join(d[0].isoformat() for d in inside)})",
                          f"write the year, e.g. {_with_year(part.kind, inside[0])}")
    if part.kind == "week" and (week := _place_week(part, ctx, first, end)) is not None:
        return week
    if inside:
        return inside[0]
    return part.make(first.year)      # impossible (an error that says why) or outside (the check says so)


def _with_year(kind: str, days: tuple[date, date]) -> str:
    """The period ``days`` written with its year, in the unit it was written in: « semaine 5 2027 » / 'week 5 2027',
    « mai 2028 » / 'May 2028', « 15 mars 2028 » / 'March 15, 2028' (the example used to be « mai 2028 » whatever
    was written, a month for a week: usplan audit F11); other periods by their days."""
    first, last = days[0], days[1] - timedelta(days=1)
    if kind == "week":
        (y1, w1, _), (y2, w2, _) = first.isocalendar(), last.isocalendar()
        if (y1, w1) == (y2, w2):
            return _say(f"« semaine {w1} {y1} »", f"'week {w1} {y1}'")
        return _say(f"« semaines {w1} à {w2} {y2} »", f"'weeks {w1} to {w2} {y2}'")
    if kind == "month":
        return _say(f"« {FRENCH_MONTHS[first.month - 1]} {first.year} »", f"'{_MONTH_LABELS[first.month - 1]} "
                                                                             f"{first.year}'")
    if kind == "day":
        return _say(f"« {_fr_day(first)} »", f"'{_en_day(first)}'")
    if kind == "quarter" and days == _quarter_days(first.year, (first.month + 2) // 3):
        # a plan of ISO weeks, 29 December 2025 - 3 January 2027, holds the start of two T1s (calendar53 audit: the
        # example was « 2026-01-01..2026-03-31 »)
        return _say(f"« T{(first.month + 2) // 3} {first.year} »", f"'Q{(first.month + 2) // 3} {first.year}'")
    if kind == "half" and days == _half_days(first.year, 1 if first.month == 1 else 2):
        h = 1 if first.month == 1 else 2
        return _say(f"« {'1er' if h == 1 else '2e'} semestre {first.year} »", f"'H{h} {first.year}'")
    return f"{first.isoformat()}..{last.isoformat()}"


def _day_part(day: int, month: int | None, year: int | None, weekday: int | None = None) -> _Part:
    def make(y: int) -> tuple[date, date]:
        if month is None:
            raise PeriodError(f"day {day} has no month", "name the month, e.g. "
                             + _say("'le 15 mars'", "'15 March'", "'le 15 mars'") + " or 15/03/2027")
        d = _day(y, month, day)
        if weekday is not None and d.weekday() != weekday:
            raise _wrong_weekday(d, weekday)
        return d, d + timedelta(days=1)
    return _Part("day", year, make, month, day, weekday=weekday)


def _wrong_weekday(d: date, weekday: int) -> PeriodError:
    """« mardi 3 mai » when 3 May is a Monday (a slip, or a plan copied from another year): the day or the weekday
    is wrong, and which one the manager meant is not known, so neither is read (audit planfr: the weekday was
    ignored, and « le mardi 3 mai » counted Monday 3 May without a word)."""
    near = min(d + timedelta(days=k) for k in (1, -1, 2, -2, 3, -3) if (d + timedelta(days=k)).weekday() == weekday)

    def written(day: date, wd: int) -> str:
        return _say(f"« {_WEEKDAYS[1][wd]} {_fr_day(day)} »", f"'{_WEEKDAYS[0][wd].capitalize()}, {_en_day(day)}'")
    return PeriodError(f"{d.day} {_MONTH_LABELS[d.month - 1]} {d.year} is a {_WEEKDAYS[0][d.weekday()].capitalize()}, "
                       f"not a {_WEEKDAYS[0][weekday].capitalize()}",
                       f"write {written(d, d.weekday())} for the {_ordinal_en(d.day)}, or {written(near, weekday)} "
                       f"for the {_WEEKDAYS[0][weekday].capitalize()}")


def _ordinal_en(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _year_of(text: str | None) -> int | None:
    if not text:
        return None
    value = int(text)
    return 2000 + value if value < 100 else value


# Dates -------------------------------------------------------------------------------------------
_ISO_DATE = _c(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
# Not before a percent, a currency or « fois » / "times": « de 2.5 % », "by 2.5%", "1.5 times" are numbers (audit
# lintdates: "Increase sales by 2.5% in Q3" was a deadline to 2 May).
# Nor before what is counted, measured or versioned (audit lintnums): "on 2.5 accounts", "the 2.5 release", "on 1.5 hour
# calls", "2.5 acre sites", « 3/4 clients » (3 or 4 of them) were 2 May, 1 May, 3 April, the action's window.
_COUNTED_AFTER = (r"accounts?|customers?|clients?|comptes?|prospects?|leads?|deals?|opportunit(?:y|ies|es?)"
                  r"|devis|quotes?|units?|unites?|licen[cs]es?|seats?|users?|utilisateurs?|employees?|salaries|people|personnes?"
                  r"|visits?|visites?|calls?|appels?|meetings?|demos?|releases?|versions?|updates?|upgrades?|plans?"
                  r"|pricing|offers?|offres?|models?|modeles?|hours?|hrs?|heures?|minutes?|mins?|days?|jours?|weeks?"
                  r"|semaines?|months?|years?|yrs?|ans?|annees?|km|kms|miles?|acres?|hectares?|ha|kg|tonnes?|stars?"
                  r"|etoiles?")
_NUM_DATE = _c(r"(?P<d>\d{1,2})[/.](?P<m>\d{1,2})(?:[/.](?P<y>\d{4}|\d{2}))?(?![/.]?\d)"
               r"(?!\s*(?:%|‰|€|\$|£|pour\s*cents?(?![a-z])|percent(?![a-z])|pts?(?![a-z])|points?(?![a-z])"
               r"|fois(?![a-z])|times(?![a-z])|x(?![a-z])))"
               rf"(?!\s+(?:{_COUNTED_AFTER})(?![a-z]))")
_DAY_MONTH = _c(rf"(?:(?:le|the){_SP})?(?:{_WEEKDAY})?(?P<d>{_DAYNUM})(?:er|st|nd|rd|th|e)?(?:{_SP}of)?{_SP}"
                rf"(?P<m>{_MONTH})(?:,?{_SP}(?P<y>{_YEAR}))?")
_MONTH_DAY = _c(rf"(?:(?:the){_SP})?(?:{_WEEKDAY})?(?P<m>{_MONTH}){_SP}(?:the{_SP})?(?P<d>{_DAYNUM})"
                rf"(?:st|nd|rd|th)?(?:,?{_SP}(?P<y>{_YEAR}))?")
_DAY_ONLY = _c(rf"(?:(?:le|the){_SP})?(?:{_WEEKDAY})?(?P<d>{_DAYNUM})(?:er|st|nd|rd|th|e)?(?:,?{_SP}(?P<y>{_YEAR}))?")


def _month_of(name: str) -> int:
    return _MONTHS[name.rstrip(".")]


def _month_day_only(first: int, second: int) -> bool:
    """"6/15", "12/31": impossible as day/month (there is no month 15), a date as month/day (US order)."""
    return 1 <= first <= 12 and 12 < second <= calendar.monthrange(2000, first)[1]


def _month_day_part(written: str, month: int, day: int, year: int | None) -> _Part:
    """Numeric dates are read in one order on a plan (day/month unless ``plan.date_order: mdy``; the plan's language is
    not a date order): a date that only reads in the other order is refused with its form in the plan's order, not
    read as another date nor "no month 15"."""
    mdy = _ORDER.get() == "mdy"

    def refuse(_: object) -> tuple[date, date]:
        name = _MONTH_LABELS[month - 1]
        fr = FRENCH_MONTHS[month - 1]
        numeric = f"{month:02d}/{day:02d}" if mdy else f"{day:02d}/{month:02d}"
        if year is None:
            forms = f"{numeric}, '{name} {day}'" + _say(f" or « {day} {fr} »", "", f" or « {day} {fr} »")
            meant = f"{name} {day}"
        else:
            forms = f"{numeric}/{year}, {year}-{month:02d}-{day:02d} or '{name} {day}, {year}'"
            meant = f"{name} {day}, {year}"
        if mdy:
            raise PeriodError(f"{written!r} is not a month/day date: numeric dates are read month/day in this plan "
                              f"(plan.date_order: mdy), and there is no month {day}",
                              f"if you mean {meant}, write {forms}")
        raise PeriodError(f"{written!r} is not a day/month date: numeric dates are read day/month in a plan, "
                          f"and there is no month {day}",
                          f"if you mean {meant}, write {forms}; a plan whose numeric dates are all month/day (US "
                          "order) says so with date_order: mdy under plan: (pac plan import reads a sheet's month/day "
                          "dates by itself, or with --date-order mdy)")
    return _Part("day", year, refuse, month, day, resolve=refuse)


FRENCH_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                 "novembre", "décembre")
"""The months' French names, lower case (« 1er mai 2027 »), for every module that words a date in French."""


def _date_at(s: str, pos: int, *, day_only: bool = False) -> tuple[int, _Part] | None:
    """A calendar day starting at ``pos`` (the month may be missing when ``day_only``)."""
    best: tuple[int, _Part] | None = None
    for pattern in (_ISO_DATE, _NUM_DATE, _DAY_MONTH, _MONTH_DAY):
        m = pattern.match(s, pos)
        if m and (best is None or m.end() > best[0]):
            month = m.group("m")
            mon = int(month) if month.isdigit() else _month_of(month)
            day = int(m.group("d"))
            if pattern is _NUM_DATE and _ORDER.get() == "mdy":
                day, mon = mon, day                  # the plan's date_order: mdy, 3/4/2027 is March 4
            wd = _g(m, "wd")
            best = (m.end(), _day_part(day, mon, _year_of(_g(m, "y")), _WEEKDAY_NUMBER[wd] if wd else None))
            if pattern is _NUM_DATE and _month_day_only(day, mon):
                best = (m.end(), _month_day_part(m.group(0), day, mon, _year_of(_g(m, "y"))))
    if best is None and day_only:
        m = _DAY_ONLY.match(s, pos)
        if m:
            wd = _g(m, "wd")
            best = (m.end(), _day_part(int(m.group("d")), None, _year_of(_g(m, "y")),
                                       _WEEKDAY_NUMBER[wd] if wd else None))
    return best


# Named periods -----------------------------------------------------------------------------------
# « en mai 2027 », « mai de 2027 », "May of 2027", and with a preposition: « au T1 en 2027 », "week 18 in 2027"
# (the year was a second period, warned of; stop 38)
_OF_YEAR = rf"(?:,?\s*(?:de\s+l'annee\s+|de\s+|of\s+|du\s+|in\s+|en\s+|-|/)?\s*(?P<y>{_YEAR}))?"
_WEEK_WORD = r"(?:semaines?|sem\.?|weeks?|wk\.?|wks?|cw\.?|s\.?|w\.?)"      # "CW18": a calendar week (lintnums)
_WEEK_NO = r"(?:n[o°]\.?\s*|#\s*|number\s+)?"
_WEEK = _c(rf"(?:la\s+|the\s+)?(?P<word>{_WEEK_WORD})\s*{_WEEK_NO}(?P<w>\d{{1,2}})(?!\d)"
           rf"(?:\s*(?P<sep>a|au|-|/|to|through|thru|et|and|jusqu'a)\s*(?:la\s+)?(?:{_WEEK_WORD}\s*)?(?P<w2>\d{{1,2}})(?!\d))?"
           rf"{_OF_YEAR}")
_ISO_WEEK = _c(r"(?P<y>\d{4})(?:-?w|-(?P<word>s))(?P<w>\d{1,2})(?:-\d)?")      # « 2027-S18 » too (lintnums)
# « la 18e semaine », "the 18th week" (audit lintnums: no time bound); not « la 1re semaine de juin », "the 2nd week of
# June", a week of a month (docs/linter.md, Limits).
_WEEK_ORD = _c(r"(?:la\s+|the\s+)?(?P<w>\d{1,2})(?:e|eme|ere|re|st|nd|rd|th)\s+(?:semaine|week)"
               rf"(?!\s+(?:de\s+|du\s+|d'|of\s+|in\s+)(?!(?:l'annee\s+)?{_YEAR})){_OF_YEAR}")
# "week of May 3", and the UK "w/c 3 May", "week commencing / beginning / starting 3 May" (audit linten: the day alone,
# or from that day to the end of the plan).
_WEEK_OF = re.compile(r"(?:la\s+|the\s+)?(?:semaine\s+du|week\s+of|w/[cb]|week\s+(?:commencing|beginning|starting)"
                      r"(?:\s+on)?)\s+")
_MONTH_NAMED = _c(rf"(?:(?:le|au|the)\s+)?(?:(?:mois|month)\s+(?:de\s+|d'|of\s+))?(?P<m>{_MONTH}){_OF_YEAR}")
_MONTH_NUM = _c(r"(?:(?P<m1>\d{1,2})[/\-.](?P<y1>\d{4})|(?P<y2>\d{4})[/\-.](?P<m2>\d{1,2}))(?![/\-.]?\d)")
# Not before a decimal: "Q2.5", « T2,5 », "H1.5" are no quarter nor half (a release, a pricing, a label: audit lintnums,
# "Present the Q2.5 release to 10 customers in May" was Q2), where "Q2, 2027" and « T2.2027 » keep their year.
_NOT_DECIMAL = r"(?!\d|[.,]\d{1,2}(?!\d))"
_QUARTER = _c(rf"(?:(?:le|the)\s+)?(?:(?:[tq](?P<q>\d){_NOT_DECIMAL})"
              rf"|(?:(?P<o>{_ORD})\s+(?:trimestre|trim\.?|quarter|qtr\.?))"     # « 2e trim. », "2nd qtr" (lintnums)
              rf"|(?:(?:trimestre|quarter)\s+(?P<q2>\d)(?!\d))){_OF_YEAR}")
_QUARTER_ISO = _c(r"(?P<y>\d{4})[-\s]?[tq](?P<q>\d)(?!\d)")
_HALF = _c(rf"(?:(?:le|la|the)\s+)?(?:h(?P<h>\d){_NOT_DECIMAL}"
           rf"|(?:(?P<o>{_ORD})\s+(?:semestre|half(?:-year)?|half\s+year))|(?:semestre\s+(?P<h2>\d)(?!\d))){_OF_YEAR}")
_HALF_ISO = _c(r"(?P<y>\d{4})[-\s]?h(?P<h>\d)(?!\d)")
# "1H" / "2H" (US for H1 / H2): only as a whole period, a `when:`; in a sentence « 1h » is an hour.
_HALF_US = _c(rf"(?P<h>[12])h{_OF_YEAR}")
# "fiscal Q1", "FQ1", "fiscal quarter 1", "first fiscal quarter": the plan's quarter 1 (a calendar plan's fiscal year is
# the calendar one); with a year written, the year it ends or starts? asked for (usplan audit F10).
_FISCAL_Q = _c(rf"(?:(?:le|the)\s+)?(?:(?:fiscal\s+|f)q(?P<q>\d)(?!\d)|fiscal\s+quarter\s+(?P<q2>\d)(?!\d)"
               rf"|(?P<o>{_ORD})\s+fiscal\s+quarter)(?:\s*(?P<y>{_YEAR}))?")
# "Mar-27", "Mar '27", "March-2027": a month and its year as a spreadsheet shows them (Excel's mmm-yy).
_MONTH_YY = _c(rf"(?P<m>{_MONTH})\s?[-'’]\s?(?P<yy>\d\d)(?!\d)")
# « première quinzaine de juin » (1-15), « seconde quinzaine » (16 to the end), "first half of June", « la seconde
# moitié de juin » (audit lintperiods: it was the whole of June)
_FORTNIGHT = _c(rf"(?:(?:la|le|the)\s+)?(?P<o>{_ORD})\s+(?:quinzaine|moitie|half|fortnight)\s+"
                rf"(?:(?:du\s+mois\s+)?(?:de\s+|d')|of\s+(?:the\s+month\s+of\s+)?)(?P<m>{_MONTH}){_OF_YEAR}")
_YEAR_NAMED = _c(rf"(?:(?:l'|the\s+)?(?:annee|year|(?P<fy>exercice|fiscal\s+year|fy))\s*)(?P<y>{_YEAR})")
# In a sentence only (``_FREE_TEXT``): the part of a month a manager names, « mi-juin », « à la mi-juin », « début
# septembre », « début de mois de septembre », "mid-June", "in the middle of June", "early September", "at the
# beginning of September", "late May": début / early = days 1-10, mi / mid = 11-20, late = 21 to the month's end
# (docs/linter.md). A bare « fin juin » / "end of June" stays a deadline (French due-date usage, calendar audit F1).
_MONTH_PART = _c(rf"(?:(?:a\s+la|la|en|in|at|in\s+the|at\s+the|the)\s+)?"
                 r"(?:(?P<mid>mi\s?-?\s?|mid\s?-?\s?|middle\s+of\s+|milieu\s+(?:du\s+mois\s+)?(?:de\s+|d'))"
                 r"|(?P<early>debut\s+(?:(?:du|de)\s+mois\s+)?(?:de\s+|d')?|early\s+(?:in\s+)?|(?:beginning|start)\s+of\s+)"
                 r"|(?P<late>late\s+(?:in\s+)?|towards?\s+the\s+end\s+of\s+|vers\s+(?:la\s+)?fin\s+(?:de\s+|d')?))"
                 rf"(?:the\s+month\s+of\s+|(?:le\s+)?mois\s+(?:de\s+|d'))?(?P<m>{_MONTH}){_OF_YEAR}")
_MONTH_PART_DAYS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
# In a sentence only: « fin mars début avril », « fin décembre-début janvier »: the 21st of the first month to the 10th
# of the next (a written year is the second month's, as in « du 20 décembre au 10 janvier 2028 »).
_LATE_EARLY = _c(rf"fin\s+(?P<m1>{_MONTH})\s?(?:-|/|,|et)?\s?debut\s+(?P<m2>{_MONTH}){_OF_YEAR}")
# In a sentence only: « début T3 », « mi-T3 », "early Q3", "late Q2": the quarter's first, middle or last month.
_QUARTER_PART = re.compile(r"(?:(?:en|in|at|in\s+the|at\s+the|the)\s+)?"
                           r"(?:(?P<early>debut\s+(?:de\s+|du\s+)?|early\s+|(?:beginning|start)\s+of\s+(?:the\s+)?)"
                           r"|(?P<mid>mi\s?-?\s?|mid\s?-?\s?|middle\s+of\s+(?:the\s+)?|milieu\s+(?:de\s+|du\s+))"
                           r"|(?P<late>late\s+))")

_YEAR_BARE = _c(rf"(?P<y>{_YEAR})")
# a year, then the narrower period it qualifies: « 2027, T2 », "2027 week 18", and with a preposition between: "in 2027
# in Q1", « en 2027 pendant le T1 » (the year alone was the window: stop 38)
_YEAR_THEN = re.compile(rf"(?P<y>{_YEAR}),?\s(?P<via>(?:in|during|over|en|pendant|durant|au\s+cours\s+d[eu])\s+"
                        r"(?:(?:the|le|la)\s+)?)?")
# ... when the year itself says when (« en 2027 au T1 »), not since when (« inactifs depuis 2025 en juin »: June)
_IN_BEFORE = re.compile(r"(?:^|\s)(?:in|en|during|pendant|durant|au\s+cours\s+de)\s+$")


def _g(m: re.Match[str], name: str) -> str | None:
    """The group ``name`` of ``m``, or None when absent from the pattern or unmatched."""
    return m.groupdict().get(name)


def _ordinal(text: str, last: int) -> int:
    value = _ORDINALS[text]
    return last if value == -1 else value


def _period_at(s: str, pos: int, *, search: bool, year_first: bool = True) -> tuple[int, _Part] | None:
    """The longest named period (week, month, quarter, half, year) starting at ``pos``; with ``year_first``, a year
    followed by a period inside it (« 2027, semaine 18 ») is that period of that year."""
    found: list[tuple[int, _Part]] = []

    def add(m: re.Match[str] | None, part: Callable[[re.Match[str]], _Part | None]) -> None:
        if m:
            p = part(m)
            if p is not None:
                found.append((m.end(), p))

    def week(m: re.Match[str]) -> _Part:
        w1 = int(m.group("w"))
        w2 = int(m.groupdict().get("w2") or w1)
        listed = _g(m, "sep") in ("et", "and", "/") and not _BETWEEN_BEFORE.search(s[max(0, m.start() - 16):m.start()])
        word = (_g(m, "word") or "").rstrip(".")
        # "S1" / "S2" alone: in French business writing usually the half-years (semestres), else weeks 1 and 2
        semester_like = word == "s" and not m.group("w").startswith("0") and {w1, w2} <= {1, 2}

        def make(y: int) -> tuple[date, date]:
            if semester_like:
                label = m.group(0)[m.start("word") - m.start():m.end("w2" if _g(m, "w2") else "w") - m.start()]
                half = "first" if w1 == 1 else "second"
                # the year written stays in the fix: « S1 2027 » in a plan from July 2026 is « 1er semestre 2027 »
                # (January-June 2027); « 1er semestre » alone is that plan's own first half, July-December 2026
                # (calendar53 audit)
                written = f" {m.group('y')}" if _g(m, "y") else ""
                raise PeriodError(f"{label.upper()!r} is ambiguous: week {w1} or the {half} half-year"
                                  f"{_say(' (semestre)', '', ' (semestre)')}?",
                                  "write " + _say(f"« semaine {w1}{written} »", f"'week {w1}{written}'") + ", or "
                                  + _say(f"« {'1er' if w1 == 1 else '2e'} semestre{written} »", f"'H{w1}{written}'"))
            if w2 < w1:      # "semaines 52 à 2 2028": the year written is the end's, as « du 20 déc. au 10 janv. 2028 »
                return joined(_week_days(y - 1, w1), _week_days(y, w2))
            if listed and w2 != w1 + 1:     # "semaines 18 et 20": two weeks, not 18 to 20
                raise _two_periods(phrase(), _week_days(y, w1), _week_days(y, w2))
            return _week_days(y, w1)[0], _week_days(y, w2)[1]

        def phrase() -> str:
            return m.group(0)[:m.end("w2") - m.start()]

        def joined(da: tuple[date, date], db: tuple[date, date]) -> tuple[date, date]:
            if listed and da[1] != db[0]:
                raise _two_periods(phrase(), da, db)
            return da[0], db[1]

        def across(ctx: _Ctx) -> tuple[date, date]:
            """« S52 à S2 » without a year: each week inside the plan's period, as the ends of « de décembre à
            janvier »; a plan's period with no year end between them is an error giving the years."""
            if semester_like:
                make(ctx.year)           # « S2-S1 »: refused as ambiguous first
            if ctx.period is None and _FREE_TEXT.get():      # a statement read with no plan: into the next year
                return joined(_week_days(ctx.year, w1), _week_days(ctx.year + 1, w2))
            da = _place(_Part("week", None, lambda y: _week_days(y, w1)), ctx)
            db = _place(_Part("week", None, lambda y: _week_days(y, w2)), ctx)
            if db[0] < da[1]:
                raise _weeks_across(w1, w2, da, db, ctx)
            return joined(da, db)
        year = _year_of(_g(m, "y"))
        return _Part("week", year, make, resolve=across if w2 < w1 and year is None else None)

    add(_WEEK.match(s, pos), week)
    add(_ISO_WEEK.match(s, pos), week)
    add(_WEEK_ORD.match(s, pos), week)
    wo = _WEEK_OF.match(s, pos)
    if wo:
        hit = _date_at(s, wo.end())
        if hit:
            inner = hit[1]

            def week_of(ctx: _Ctx, inner: _Part = inner) -> tuple[date, date]:
                d = inner.days(ctx)[0]
                iso_year, iso_week, _ = d.isocalendar()
                return _week_days(iso_year, iso_week)
            found.append((hit[0], _Part("week", inner.year, lambda y: week_of(_Ctx(y)), resolve=week_of)))

    def month_named(m: re.Match[str]) -> _Part | None:
        name = m.group("m")
        if search and _g(m, "y") is None and m.start() == m.start("m") and not _preposition_before(s, m.start()):
            return None   # a bare "may" or "sept" inside a sentence is not a period
        mon = _month_of(name)
        return _Part("month", _year_of(_g(m, "y")), lambda y: _month_days(y, mon))
    add(_MONTH_NAMED.match(s, pos), month_named)

    def month_num(m: re.Match[str]) -> _Part:
        mon = int(m.group("m1") or m.group("m2"))
        _check_month(mon)
        return _Part("month", int(m.group("y1") or m.group("y2")), lambda y: _month_days(y, mon))
    add(_MONTH_NUM.match(s, pos), month_num)

    def quarter(m: re.Match[str]) -> _Part:
        q = _ordinal(o, 4) if (o := _g(m, "o")) else int(_g(m, "q") or _g(m, "q2") or 0)
        _check_quarter(q, _quarter_letter(m))
        return _Part("quarter", _year_of(_g(m, "y")), lambda y: _quarter_days(y, q), index=q)
    add(_QUARTER.match(s, pos), quarter)
    add(_QUARTER_ISO.match(s, pos), quarter)

    def half(m: re.Match[str]) -> _Part:
        h = _ordinal(o, 2) if (o := _g(m, "o")) else int(_g(m, "h") or _g(m, "h2") or 0)
        _half_days(2000, h)
        return _Part("half", _year_of(_g(m, "y")), lambda y: _half_days(y, h), index=h)
    add(_HALF.match(s, pos), half)
    add(_HALF_ISO.match(s, pos), half)
    if not search:
        add(_HALF_US.match(s, pos), half)

    def fiscal_quarter(m: re.Match[str]) -> _Part:
        q = _ordinal(o, 4) if (o := _g(m, "o")) else int(_g(m, "q") or _g(m, "q2") or 0)
        _check_quarter(q, _quarter_letter(m))
        if _g(m, "y") is None:
            return _Part("quarter", None, lambda y: _quarter_days(y, q), index=q)
        phrase, y = re.sub(r"f?q\d", lambda x: x.group(0).upper(), m.group(0).strip()), int(m.group("y"))

        def refuse(_: object) -> tuple[date, date]:
            raise PeriodError(f"{phrase!r}: a fiscal quarter with a year: of the fiscal year ending in {y} or of the "
                              f"one starting in {y}?",
                              "write " + _say(f"« T{q} »", f"'Q{q}'") + f" alone for the plan's own quarter {q}, or "
                              "the quarter's days")
        return _Part("quarter", None, refuse, index=q, resolve=refuse)
    add(_FISCAL_Q.match(s, pos), fiscal_quarter)

    def month_yy(m: re.Match[str]) -> _Part:
        mon = _month_of(m.group("m"))
        return _Part("month", 2000 + int(m.group("yy")), lambda y: _month_days(y, mon))
    if not search:      # in a sentence "May-27" may be a day
        add(_MONTH_YY.match(s, pos), month_yy)

    def fortnight(m: re.Match[str]) -> _Part:
        mon, which = _month_of(m.group("m")), _ordinal(m.group("o"), 2)
        if which not in (1, 2):
            raise _which_quinzaine(m.group(0))

        def make(y: int) -> tuple[date, date]:
            first, end = _month_days(y, mon)
            return (first, date(y, mon, 16)) if which == 1 else (date(y, mon, 16), end)
        return _Part("fortnight", _year_of(_g(m, "y")), make)
    add(_FORTNIGHT.match(s, pos), fortnight)

    def year_named(m: re.Match[str]) -> _Part:
        y = int(m.group("y"))
        calendar_year = (date(y, 1, 1), date(y + 1, 1, 1))
        if not _g(m, "fy"):
            return _Part("year", y, lambda _: calendar_year)      # « année 2027 »: the calendar, always

        def fiscal_year(ctx: _Ctx) -> tuple[date, date]:
            """« FY 2027 », « exercice 2027 »: the calendar year in a calendar plan (both conventions agree);
            in a fiscal plan the year it ends or the year it starts? Companies differ: refused with both. As the plan's
            own period (usplan audit F12) nothing says yet which months it holds: refused, with its readings' days
            (a US "FY2028" is often February 2027 - January 2028; read as the calendar 2028 it moved every window)."""
            if _PLAN_PERIOD.get():
                written = m.group(0).strip()
                raise _one_year_fiscal_period(written.upper() if m.group("fy") == "fy" else written, y)
            if not ctx.fiscal or ctx.period is None:
                return calendar_year
            first, end = ctx.period
            month = first.month

            def show(a: date, b: date) -> str:
                return f"{a.isoformat()}..{(b - timedelta(days=1)).isoformat()}"
            ending = show(date(y - 1, month, 1), date(y, month, 1))
            starting = show(date(y, month, 1), date(y + 1, month, 1))
            raise PeriodError(f"{m.group(0)!r} is ambiguous in a fiscal plan ({show(first, end)}): the fiscal year "
                              f"ending in {y} ({ending}) or the one starting in {y} ({starting})?",
                              f"write its days, e.g. {ending} or {starting}; "
                              + _say("« cette année »", "'this year'") + f" is the plan's period ({show(first, end)})")
        return _Part("year", y, lambda _: calendar_year, resolve=fiscal_year)
    add(_YEAR_NAMED.match(s, pos), year_named)

    def month_part(m: re.Match[str]) -> _Part:
        mon = _month_of(m.group("m"))
        which = next(k for k in _MONTH_PART_DAYS if m.group(k) is not None)
        first_day, last_day = _MONTH_PART_DAYS[which]

        def make(y: int) -> tuple[date, date]:
            end = _month_days(y, mon)[1]      # "late September", « late February »: to the month's last day
            return date(y, mon, first_day), min(end, date(y, mon, min(last_day, calendar.monthrange(y, mon)[1]))
                                                + timedelta(days=1))
        return _Part("month_part", _year_of(_g(m, "y")), make)

    def late_early(m: re.Match[str]) -> _Part | None:
        m1, m2 = _month_of(m.group("m1")), _month_of(m.group("m2"))
        if m2 != m1 % 12 + 1:
            return None
        written = _year_of(_g(m, "y"))

        def make(y: int) -> tuple[date, date]:
            return date(y, m1, 21), date(y + (m1 == 12), m2, 11)
        return _Part("month_part", None if written is None else written - (m1 == 12), make)
    if _FREE_TEXT.get():
        add(_MONTH_PART.match(s, pos), month_part)
        add(_LATE_EARLY.match(s, pos), late_early)
        if (qp := _QUARTER_PART.match(s, pos)) is not None:
            quarter_hit = _period_at(s, qp.end(), search=False)
            if quarter_hit is not None and quarter_hit[1].kind == "quarter":
                found.append((quarter_hit[0], _quarter_part(quarter_hit[1], ("early", "mid", "late").index(
                    next(k for k in ("early", "mid", "late") if qp.group(k) is not None)))))

    def year_bare(m: re.Match[str]) -> _Part | None:
        if search and not _preposition_before(s, m.start()):
            return None   # "2000 clients" is a count, "en 2027" is a period
        return _Part("year", int(m.group("y")), lambda y: (date(y, 1, 1), date(y + 1, 1, 1)))
    add(_YEAR_BARE.match(s, pos), year_bare)
    # « en 2027, semaine 18 », "in 2027 week 18", « 2027, T2 »: the year of the period that follows (audit lintnums: the
    # year was the window, the week a second period)
    if year_first and (year_then := _YEAR_THEN.match(s, pos)) is not None and (
            year_then.group("via") is None or _IN_BEFORE.search(s, max(0, pos - 20), pos) is not None):
        then = _period_at(s, year_then.end(), search=False, year_first=False)     # one step: linear on "2027 2027 …"
        if then is not None and then[1].kind in ("week", "month", "quarter", "half") and then[1].year is None \
                and then[1].resolve is None:
            found.append((then[0], replace(then[1], year=int(year_then.group("y")))))
    return max(found, key=lambda f: f[0]) if found else None


def _quarter_part(quarter: _Part, k: int) -> _Part:
    """Month ``k`` (0, 1, 2) of the quarter ``quarter`` (« début T3 »: July); of a quarter that does not start on the
    1st (a declared 4-4-5 calendar), its first 4 weeks, its last 4, or the weeks between."""
    def resolve(ctx: _Ctx) -> tuple[date, date]:
        first, end = quarter.days(ctx)
        if first.day != 1:
            four = timedelta(weeks=4)
            return ((first, first + four), (first + four, end - four), (end - four, end))[k]
        return _add_months(first, k), _add_months(first, k + 1)
    return _Part("month", quarter.year, lambda y: resolve(_Ctx(y)), resolve=resolve)


def _weeks_phrase(a: int, b: int) -> str:
    return (_say(f"« semaines {a} à {b} »", f"'weeks {a} to {b}'") if a < b
            else _say(f"« semaine {a} »", f"'week {a}'"))


def _weeks_across(w1: int, w2: int, da: tuple[date, date], db: tuple[date, date], ctx: _Ctx) -> PeriodError:
    """« S52 à S2 » in a plan whose period holds no year end: refused, with fixes that pass in this plan (the part
    of the range in it, its last weeks or its first ones, the edge week cut to the plan's days). Giving the years
    (« de la semaine 52 2026 à la semaine 2 2027 ») named a window outside the plan as well (year-end audit F1)."""
    first, end = ctx.plan_year
    shown = f"{first.isoformat()}..{(end - timedelta(days=1)).isoformat()}"
    plan = _Ctx(ctx.year, ctx.plan_year)
    y, yb = da[0].isocalendar()[0], db[0].isocalendar()[0]

    def inside(a: int, b: int, year: int) -> str | None:
        days = _edge_cut((_week_days(year, a)[0], _week_days(year, b)[1]), plan)
        if not (first <= days[0] and days[1] <= end):
            return None
        return f"{_weeks_phrase(a, b)} ({days_phrase(days[0], days[1] - timedelta(days=1), _day_language())})"
    fixes = []
    if (tail := inside(w1, weeks_in_year(y), y)) is not None:
        rest = f"weeks 1 to {w2}" if w2 > 1 else "week 1"
        fixes.append(f"{tail} for the plan's last weeks, and put {rest} of {y + 1} in the next plan")
    if (head := inside(1, w2, yb)) is not None:
        fixes.append(f"{head} if the start of {yb} was meant")
    if w2 < w1 and inside(w2, w1, y) is not None:
        backwards = _say(f"« semaines {w2} à {w1} »", f"'weeks {w2} to {w1}'", f"« semaines {w2} à {w1} »")
        fixes.append(f"{backwards} for weeks {w2} to {w1} of {y}")
    return PeriodError(f"weeks {w1} to {w2} cross a year end, which the plan's period ({shown}) does not",
                       f"write {'; or '.join(fixes)}; or widen the plan's period" if fixes else
                       "write the weeks inside the plan's period, or widen the plan's period")


def _which_quinzaine(written: str) -> PeriodError:
    return PeriodError(f"{written.strip()!r}: a month has two {_say('quinzaines', 'halves', 'quinzaines')}, the 1st "
                       "to the 15th and the 16th to its end",
                       _say("write « première quinzaine de juin » (1-15) or « seconde quinzaine de juin » (16 to "
                            "the month's end), or the days « du 1er au 15 juin »",
                            "write 'first half of June' (1-15) or 'second half of June' (16 to the month's end), or "
                            "the days 'from 1 to 15 June'",
                            "write « première quinzaine de juin » (1-15) or « seconde quinzaine de juin » (16 to the "
                            "month's end), 'first / second half of June', or the days « du 1er au 15 juin »"))


_QUINZAINE = re.compile(r"(?<![a-z])(?:quinzaine|fortnight)(?![a-z])")


_PREPOSITIONS = re.compile(r"(?:^|\s)(?:en|in|during|pendant|durant|courant|sur|over|for|pour|dans|au cours de"
                           r"|from|since|starting|beginning|as of|as from|effective"
                           r"|au cours du|throughout|tout|toute|until|jusqu'en|through|of|d'|de|du|des)\s*$")


def _preposition_before(s: str, pos: int) -> bool:
    return bool(_PREPOSITIONS.search(s[max(0, pos - 20):pos]))


# Ranges and deadlines ----------------------------------------------------------------------------
_RANGE_FROM = re.compile(r"(?P<lead>du|from|entre|between|de|depuis|a\s+partir\s+d[eu]|a\s+compter\s+d[eu]|des|starting"
                         r"(?:\s+(?:on|from))?)\s+(?:(?:le|la|les|the)\s+)?")
# Only "entre X et Y" / "between X and Y" is a range; elsewhere "X et Y" is a list of two periods.
_BETWEEN_BEFORE = re.compile(r"(?:^|\s)(?:entre|between)\s+(?:(?:le|la|les|the)\s+)?$")
_RANGE_SEP = re.compile(r"(?:\s*(?:\.\.|-|–|—)\s*|\s+(?:au|a|to|through|thru|until|till|et|and|jusqu'au|jusqu'a"
                        r"|jusqu'en)\s+(?:(?:le|la|the)\s+)?)")
_DEADLINE = re.compile(
    r"(?P<kw>avant\s+(?:(?:la\s+)?fin\s+(?:de\s+(?:la\s+|l')?|du\s+|d')?|le\s+|la\s+|l')?"
    r"|d'ici\s+(?:le\s+|au\s+|a\s+la\s+|la\s+|l'|a\s+)?(?:(?:la\s+)?fin\s+(?:de\s+(?:la\s+|l')?|du\s+|d')?)?"
    r"|au\s+plus\s+tard\s+(?:le\s+|la\s+|l'|fin\s+|en\s+)?|jusqu'(?:au|a\s+la|a|en)\s+(?:fin\s+)?|pour\s+le\s+"
    r"|(?:by|before|no\s+later\s+than|not\s+later\s+than|until|till|through|thru|prior\s+to|due)\s+"
    r"(?:the\s+)?(?:end(?:\s+of)?\s+(?:the\s+)?|end-)?"       # "by end March", "by end-March" too (audit lintmethod)
    r"|(?:a\s+la\s+|la\s+)?fin\s+(?:de\s+(?:la\s+|l')?|du\s+|d')?|(?:the\s+)?end\s+of\s+(?:the\s+)?)")
# "by end of year", « fin de l'année », "by the end of the fiscal year", « fin d'exercice », "by year end", "by FY end":
# the plan's period (its fiscal year in a fiscal plan). The last three used to be "cannot read" (usplan audit F10).
_END_OF_YEAR = _c(r"(?:l')?(?:annee(?:\s+fiscale)?|year|exercice|fiscal\s+year|fy)")
_YEAR_END = _c(r"(?:the\s+|l')?(?:(?:fiscal\s+)?year|fy)[\s-]?end|fye|eoy|eofy|cloture(?:\s+de\s+l'exercice)?")
_FISCAL_LABEL = _c(rf"(?:(?:l'|the\s+)?(?:annee|year|exercice|fiscal\s+year|fy)\s*)?(?P<y1>{_YEAR})\s*[-–—/]\s*"
                   r"(?P<y2>\d{4}|\d{2})(?!\d)")


def _fiscal_label(phrase: str, first_year: int) -> _Part:
    """« exercice 2027-2028 », "FY 2027-28", « 2027/2028 »: a fiscal year named by its years, whose first
    month cannot be known (April? July? October?). Reading it as two calendar years made a 24-month plan."""
    def refuse(_: object) -> tuple[date, date]:
        y1, y2 = first_year, first_year + 1
        french = _say(f" (« du 1er avril {y1} au 31 mars {y2} »)", "", f" (« du 1er avril {y1} au 31 mars {y2} »)")
        raise PeriodError(f"{phrase.strip()!r} names a fiscal year by its years: its first month cannot be known",
                          f"give its days, e.g. period: {y1}-04-01..{y2}-03-31{french} for a year from April, "
                          f"or {y1}-01-01..{y2}-12-31 for two calendar years")
    return _Part("year", first_year, refuse, resolve=refuse)


def _one_year_fiscal_period(phrase: str, y: int) -> PeriodError:
    """« exercice 2028 », "FY2028", "fiscal year 2028" as the plan's period: the year it ends or the year it starts,
    from which month? Unknowable; the calendar year 2028 it used to be read as is what a company whose fiscal year
    starts in January means only (usplan audit F12)."""
    french = _say(f" (« du 1er avril {y - 1} au 31 mars {y} »)", "", f" (« du 1er avril {y - 1} au 31 mars {y} »)")
    return PeriodError(f"{phrase.strip()!r} names a fiscal year by one year: as the plan's period its first month "
                       f"cannot be known, nor whether {y} is the year it ends or the one it starts",
                       f"give its days, e.g. period: {y - 1}-02-01..{y}-01-31 for a fiscal year ending in January "
                       f"{y} (the US usage: FY{y} ends in {y}), {y - 1}-04-01..{y}-03-31{french} for one ending in "
                       f"March {y}, {y}-04-01..{y + 1}-03-31 for one starting in April {y}, or {y}-01-01..{y}-12-31 "
                       f"for the calendar year {y}")


# « T3 de l'exercice 2027-2028 », « T3 ex. 2027-28 », "Q3 of fiscal year 2027-2028", "Q3 FY2027-28": the names the
# report gives a fiscal plan's quarters (sync_jobs/report: its header and its charts), typed back (fiscal audit F2);
# "Q2 FY27-28", its years in two digits as US sheets shorten them (audit importus F8: « cannot read »).
_FISCAL_QUARTER = _c(rf"(?:(?:le|the)\s+)?(?:[tq](?P<q>[1-4])|(?P<o>{_ORD})\s+(?:trimestre|quarter))\s*"
                     r"(?:(?:de\s+l'\s*|du\s+|of\s+(?:the\s+)?|in\s+(?:the\s+)?)?"
                     r"(?:exercice|ex\.?|fiscal\s+year|fy)\s*)"
                     rf"(?:(?P<y1>{_YEAR})|(?P<yy1>\d\d))\s*[-–—/]\s*(?P<y2>\d{{4}}|\d{{2}})(?!\d)")


def _fiscal_quarter_at(s: str, pos: int) -> tuple[int, _Part] | None:
    """A quarter of a fiscal year named by its years, as the report names a fiscal plan's quarters: in a plan over that
    fiscal year, its own quarter (« T3 de l'exercice 2027-2028 » is October-December 2027 on a year from April);
    elsewhere refused with what to write (its first month cannot be known from its years)."""
    m = _FISCAL_QUARTER.match(s, pos)
    if m is None:
        return None
    y1 = int(m.group("y1")) if m.group("y1") else 2000 + int(m.group("yy1"))
    y2 = m.group("y2")
    if not (int(y2) == y1 + 1 if len(y2) == 4 else int(y2) == (y1 + 1) % 100):
        return None
    k = _ordinal(o, 4) if (o := _g(m, "o")) else int(m.group("q"))
    if not 1 <= k <= 4:
        return None
    phrase = m.group(0).strip()

    def resolve(ctx: _Ctx) -> tuple[date, date]:
        if ctx.fiscal and ctx.period is not None and ctx.period[0].year == y1:
            return ctx.own("quarter", k)
        own = _say(f"'T{k}'", f"'Q{k}'")
        if ctx.fiscal and ctx.period is not None:
            first, end = ctx.period
            shown = f"{first.isoformat()}..{(end - timedelta(days=1)).isoformat()}"
            raise PeriodError(f"{phrase!r} is a quarter of the fiscal year {y1}-{y1 + 1}, not of the plan's "
                              f"({shown})",
                              f"write {own} for the plan's own quarter {k}, or the quarter's days")
        april = _add_months(date(y1, 4, 1), 3 * (k - 1))
        last = _add_months(april, 3) - timedelta(days=1)
        raise PeriodError(f"{phrase!r} names a quarter of a fiscal year by its years: its first month cannot be known",
                          f"give its days ({april.isoformat()}..{last.isoformat()} on a year from April); in a plan "
                          f"over that fiscal year (period: {y1}-04-01..{y1 + 1}-03-31, say) write {own}, its own "
                          f"quarter {k}")
    return m.end(), _Part("quarter", None, lambda y: resolve(_Ctx(y)), index=k, resolve=resolve)


# "Q1 FY2028", « T1 exercice 2028 », "first quarter of fiscal year 2028": a quarter of a fiscal year named by one year
# (usplan audit F10: it was "cannot read" while "FY2028" alone had its own message). "FY28": the year in two digits,
# as US plans write it after "FY" only (« exercice 28 » is nobody's).
_FY_YEAR = rf"(?:de\s+l'\s*|du\s+|of\s+(?:the\s+)?|in\s+(?:the\s+)?)?(?:(?:exercice|ex\.?|fiscal\s+year)\s*" \
           rf"(?P<y>{_YEAR})|fy\s*(?:(?P<fy>{_YEAR})|(?P<yy>\d\d)(?!\d)))(?!\s*[-–—/]\s*\d)"
_FY_QUARTER = _c(rf"(?:(?:le|the)\s+)?(?:[tq](?P<q>[1-4])|(?P<o>{_ORD})\s+(?:trimestre|quarter))\s*(?:{_FY_YEAR})")
# "H1 FY28", "H2 FY2028", « 1er semestre de l'exercice 2028 », "first half of fiscal year 2028": a half, by the same
# rule. "S1" stays ISO week 1 (see « S1 » in docs/plan-format.md).
_FY_HALF = _c(rf"(?:(?:le|la|the)\s+)?(?:h(?P<q>[12])|(?P<o>{_ORD})\s+(?:semestre|half(?:-year)?|half\s+year))\s*"
              rf"(?:{_FY_YEAR})")


def _fy_quarter_at(s: str, pos: int) -> tuple[int, _Part] | None:
    """A quarter or half of a fiscal year named by one year, read by the fiscal-year rule of « FY 2027 »: in a calendar
    plan (or with none) the calendar year's quarter or half, both conventions agreeing; in a fiscal plan the year it
    ends or the year it starts? refused with both readings' days and the plan's own quarter or half; as the plan's
    period, refused as "FY2028". "H1 FY28" used to be "cannot read" while "Q1 FY2028" had this rule."""
    hits = [(m, months, kind) for pattern, months, kind in ((_FY_QUARTER, 3, "quarter"), (_FY_HALF, 6, "half"))
            if (m := pattern.match(s, pos)) is not None]
    if not hits:
        return None
    m, months, kind = hits[0]
    count = 12 // months
    k = _ordinal(o, count) if (o := _g(m, "o")) else int(m.group("q"))
    if not 1 <= k <= count:
        return None
    y = int(_g(m, "y") or _g(m, "fy") or 2000 + int(m.group("yy")))
    phrase = m.group(0).strip()
    shown_phrase = phrase.upper() if re.fullmatch(r"[tqh]\d\s*fy\s*\d{2,4}", phrase) else phrase
    letter_fr, letter_en = ("T", "Q") if kind == "quarter" else ("S", "H")
    unit = "quarter" if kind == "quarter" else "half"

    def show(a: date, b: date) -> str:
        return f"{a.isoformat()}..{(b - timedelta(days=1)).isoformat()}"

    def resolve(ctx: _Ctx) -> tuple[date, date]:
        if _PLAN_PERIOD.get():
            raise _one_year_fiscal_period(shown_phrase, y)
        if not ctx.fiscal or ctx.period is None:
            return _quarter_days(y, k) if kind == "quarter" else _half_days(y, k)
        first, end = ctx.period
        month = first.month
        ending = _add_months(date(y - 1, month, 1), months * (k - 1))
        starting = _add_months(date(y, month, 1), months * (k - 1))
        own, own_end = ctx.own(kind, k)
        own_fr = f"« {letter_fr}{k} »" if kind == "quarter" else f"« {k}{'er' if k == 1 else 'e'} semestre »"
        raise PeriodError(f"{shown_phrase!r} is ambiguous in a fiscal plan ({show(first, end)}): {unit} {k} of the "
                          f"fiscal year ending in {y} ({show(ending, _add_months(ending, months))}) or of the one "
                          f"starting in {y} ({show(starting, _add_months(starting, months))})?",
                          f"write {_say(own_fr, f'{chr(39)}{letter_en}{k}{chr(39)}')} for the plan's own {unit} {k} "
                          f"({show(own, own_end)}), or the {unit}'s days")
    return m.end(), _Part(kind, None, lambda yy: resolve(_Ctx(yy)), index=k, resolve=resolve)


def _fiscal_label_at(s: str, pos: int) -> tuple[int, _Part] | None:
    m = _FISCAL_LABEL.match(s, pos)
    if m is None:
        return None
    y1 = int(m.group("y1")) if m.group("y1") else 2000 + int(m.group("yy1"))
    y2 = m.group("y2")
    follows = int(y2) == y1 + 1 if len(y2) == 4 else (int(y2) > 12 and int(y2) == (y1 + 1) % 100)
    return (m.end(), _fiscal_label(m.group(0), y1)) if follows else None   # "2027-05" is May, "2011-12" December


def _two_periods(phrase: str, a: tuple[date, date], b: tuple[date, date]) -> PeriodError:
    """« mai et juillet », « les 3 et 9 mai »: two periods with a gap, which no one window can be."""
    def show(days: tuple[date, date]) -> str:
        return f"{days[0].isoformat()}..{(days[1] - timedelta(days=1)).isoformat()}"
    return PeriodError(f"{phrase.strip()!r} names two separate periods ({show(a)} and {show(b)}); "
                       f"a window is one interval",
                       "write two actions, one for each period, or one range "
                       + _say("« du … au … » / « de … à … » if the time between counts too; « entre … et … » is a "
                              "range as well",
                              "'from … to …' if the time between counts too; 'between … and …' is a range as well",
                              "« du … au … » / « de … à … » ('from … to …') if the time between counts too; "
                              "« entre … et … » is a range as well"))


# The end of a range written as the end of a period (in a sentence): « de mi-mai à fin juin », "to the end of June".
_RANGE_END_OF = re.compile(r"(?:la\s+)?fin\s+(?:de\s+(?:la\s+)?|du\s+|d')?|(?:the\s+)?end\s+of\s+(?:the\s+)?")


def _range_at(s: str, pos: int, *, search: bool) -> tuple[int, _Part] | None:
    lead = _RANGE_FROM.match(s, pos)
    start_at = lead.end() if lead else pos
    left = _date_at(s, start_at, day_only=True) or _period_at(s, start_at, search=False)
    if left is None:
        return None
    sep = _RANGE_SEP.match(s, left[0])
    if sep is None:
        if lead and left[1].kind == "week" and re.search(r"\s(?:et|and|a|au|to|through|thru|jusqu'a)\s|-",
                                                         s[start_at:left[0]]):
            return left        # "entre la semaine 18 et la semaine 20", « de la semaine 18 à la semaine 20 »,
            #                    "from week 18 to week 20": the week pattern took the range
        return None
    right_at = sep.end()
    listing = sep.group(0).split()[:1] in (["et"], ["and"]) and not (lead and lead.group("lead") in ("entre",
                                                                                                    "between"))
    if _FREE_TEXT.get() and not listing and (upto := _RANGE_END_OF.match(s, right_at)) is not None:
        right_at = upto.end()      # « entre mi-mai et fin juin », "from early May to the end of June": June's end
    right = _date_at(s, right_at, day_only=left[1].kind == "day" and left[1].month is not None)
    right_period = _period_at(s, right_at, search=False)
    if right_period and (right is None or right_period[0] > right[0]):
        right = right_period
    if right is None:
        return None
    a, b = left[1], right[1]
    if a.kind == "day" and b.kind == "day":
        if a.month is None and b.month is None:
            return None           # "3 to 5 clients"
        if a.month is None:
            a = _day_part(a.day or 0, b.month, a.year, a.weekday)
        if b.month is None:
            b = _day_part(b.day or 0, a.month, b.year, b.weekday)
    elif (a.kind == "day" and a.month is None) or (b.kind == "day" and b.month is None):
        return None
    if (b.kind == "year" and a.kind != "year" and a.year is not None and b.year == a.year + 1
            and sep.group(0).strip() in ("-", "–", "—")):
        return right[0], _fiscal_label(s[pos:right[0]], a.year)     # "T2 2027-2028"
    listed = None
    if sep.group(0).split()[:1] in (["et"], ["and"]) and not (lead and lead.group("lead") in ("entre", "between")):
        listed = s[start_at:right[0]]   # "mai et juin", "les 3 et 9 mai": a list, not a range
    return right[0], _join(a, b, listed=listed)


def _range_across(da: tuple[date, date], db: tuple[date, date], period: tuple[date, date]) -> PeriodError:
    """« décembre-janvier », « du 20 décembre au 10 janvier » in a plan whose period holds no year end. Not cut to
    the plan's days (only a week straddling the plan's edge is: a month or a day named is a whole one the plan does not
    hold, and dropping it silently would change the action): refused, with the part inside the plan as a fix that
    passes. It used to say "give both years", which named a window outside the plan as well."""
    first, end = period
    last = end - timedelta(days=1)
    b_last = db[1] - timedelta(days=1)
    written_last = date(b_last.year + 1, b_last.month, min(b_last.day, calendar.monthrange(b_last.year + 1,
                                                                                            b_last.month)[1]))
    shown = f"{first.isoformat()}..{last.isoformat()}"
    return PeriodError(f"the range crosses a year end ({da[0].isoformat()}..{written_last.isoformat()}),"
                       f" which the plan's period ({shown}) does not",
                       f"write the part inside the plan, {_quoted(days_phrase(da[0], last, _day_language()))} "
                       f"({da[0].isoformat()}.."
                       f"{last.isoformat()}), and put the rest in the next plan; or widen the plan's period")


def _join(a: _Part, b: _Part, *, listed: str | None = None) -> _Part:
    """The range from ``a`` to ``b``; or, when ``listed`` (the phrase "X et Y"), the union of the two
    periods if they touch, else an error: a window is one interval."""
    def union(da: tuple[date, date], db: tuple[date, date]) -> tuple[date, date]:
        if da[1] != db[0]:
            raise _two_periods(listed or "", da, db)
        return da[0], db[1]

    def resolve(ctx: _Ctx) -> tuple[date, date]:
        if a.year is None and b.year is None:     # each end inside the plan's period
            if listed is not None:
                return union(a.days(ctx), b.days(ctx))
            da, db = a.days(ctx), b.days(ctx)
            first, end = da[0], db[1]
            if end <= first and ctx.period is not None and db[0].month < da[0].month:
                raise _range_across(da, db, ctx.period)
            if end <= first and ctx.period is None and db[0].month < da[0].month and _FREE_TEXT.get():
                end = b.days(ctx.year + 1)[1]     # a statement's « du 20 décembre au 10 janvier »: into the next year
            if end <= first:
                raise PeriodError(f"the range ends ({end - timedelta(days=1)}) before it starts ({first})",
                                  "write the earlier date first, and give both years if it crosses a year end")
            return first, end
        return make(ctx.year)

    def make(y: int) -> tuple[date, date]:
        ya = a.year if a.year is not None else (b.year if b.year is not None else y)
        yb = b.year if b.year is not None else (a.year if a.year is not None else y)
        if listed is not None:
            da, db = a.make(ya), b.make(yb)
            if db[0] < da[1] and a.year is None and b.year is not None:
                da = a.make(ya - 1)
            elif db[0] < da[1] and b.year is None and a.year is not None:
                db = b.make(yb + 1)
            return union(da, db)
        first, end = a.make(ya)[0], b.make(yb)[1]
        if end <= first and a.year is None and b.year is not None:
            first = a.make(ya - 1)[0]
        elif end <= first and b.year is None and a.year is not None:
            end = b.make(yb + 1)[1]
        if end <= first:
            raise PeriodError(f"the range ends ({end - timedelta(days=1)}) before it starts ({first})",
                              "write the earlier date first, and give both years if it crosses a year end")
        return first, end
    year = a.year if a.year is not None else b.year
    return _Part("range", year, make, resolve=resolve)


_WEEKDAY_LEAD = re.compile(r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?"
                           r"|fri|sat|sun|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\.?,?\s(?:the\s|le\s)?")


def _deadline_at(s: str, pos: int, *, today: date | None) -> tuple[int, _Part] | None:
    kw = _DEADLINE.match(s, pos)
    if kw is None:
        return None
    words = kw.group("kw")
    at = kw.end()
    weekday = _WEEKDAY_LEAD.match(s, at)      # "by Friday 4/16", "before Monday, 16 August" (audit linten)
    if weekday is not None and _date_at(s, weekday.end()) is not None:
        at = weekday.end()
    end_of = bool(re.search(r"\bfin\b|\bend\b", words))
    exclusive = bool(re.match(r"avant|before|prior", words)) and not end_of
    hit = _date_at(s, at)
    for other in (_period_at(s, at, search=False), _relative_at(s, at, today=today)):
        if other and (hit is None or other[0] > hit[0]):
            hit = other
    if hit is None and _FREE_TEXT.get():
        hit = _season_at(s, at) or _unnamed_at(s, pos, at, today=today, end_of=end_of)
        if hit is not None and hit[1].kind == "relative" and not end_of:
            end_of, exclusive = True, False     # "by EOQ", "before EOM": to the end of the quarter or month
        if hit is not None and hit[1].kind == "season":
            if re.match(r"through|thru", words):
                return None                     # "through the summer": the summer itself (_summer_at)
            end_of, exclusive = False, True     # « d'ici l'été » as « avant l'été »: before the summer holidays
    if hit is None:
        eoy = _END_OF_YEAR.match(s, at) if end_of else None
        if eoy is None and (eoy := _YEAR_END.match(s, at)) is not None:
            end_of, exclusive = True, False      # "by year end", "before year-end": the year's last day included
        if eoy:
            hit = (eoy.end(), _Part("year", None, lambda y: (date(y, 1, 1), date(y + 1, 1, 1))))
        else:
            return None
    if hit[1].kind == "year" and not end_of and not re.search(r"d'ici|by|until|till|through|thru|jusqu", words):
        return None
    inner = hit[1]
    vague = _vague_end_of(s, pos, words, inner, hit[0])
    if vague is not None:
        return hit[0], vague

    def resolve(ctx: _Ctx) -> tuple[date, date]:
        cuts_before = len(ctx.cuts)
        first_of_inner, end_of_inner = inner.days(ctx)
        end = first_of_inner if exclusive and inner.kind != "day" else end_of_inner
        if today is not None:
            start = today
        elif ctx.period is None and inner.year is not None:
            start = date(inner.year, 1, 1)       # no plan period: the year the deadline names
        else:
            start = ctx.start
        if end <= start:
            raise PeriodError(f"the deadline {end - timedelta(days=1)} is not after the start of the window ({start})",
                              "give a later date, or check the year")
        # A deadline names the days from its start to the named period's end ("before X": to X's start): a week cut
        # to the plan's days dropped some of them only when its end was the deadline's (calendar audit F7: "before
        # week 53" was said cut although it ends on 27 December, inside the plan).
        cut = ctx.cuts[cuts_before:]
        del ctx.cuts[cuts_before:]
        ctx.cuts.extend((start, c[1]) for c in cut if c[1] > end and end == end_of_inner)
        return start, end
    return hit[0], _Part("deadline", inner.year, lambda y: resolve(_Ctx(y)), resolve=resolve, inner=inner)


# In a sentence only (``_FREE_TEXT``), after « avant », « d'ici », "before", "by": the summer, « l'été », « les vacances
# d'été », "summer", "the summer holidays": July and August, the French summer break, so that « avant l'été » ends on
# 30 June (docs/linter.md).
_SEASON = _c(r"(?:l'\s*|the\s+|les\s+)?(?:ete|summer(?:\s+(?:holidays?|break|vacation))?"
             rf"|vacances\s+(?:d'ete|estivales)|conges\s+d'ete)(?:\s+(?P<y>{_YEAR}))?")


def _season_at(s: str, pos: int) -> tuple[int, _Part] | None:
    m = _SEASON.match(s, pos)
    if m is None:
        return None
    return m.end(), _Part("season", _year_of(_g(m, "y")), lambda y: (date(y, 7, 1), date(y, 9, 1)))


# In a sentence only: "through / over / during the summer", "this summer", « pendant l'été », « cet été »: the summer
# itself, July and August (audit linten: "through the summer" was "before the summer", the others no time bound).
_SUMMER = re.compile(r"(?:through(?:out)?|thru|over|during|in|pendant|durant|en)\s+(?:the\s+|l'\s*)?(?=summer|ete)"
             r"|(?:this|cet)\s+(?=summer|ete)")


def _summer_at(s: str, pos: int) -> tuple[int, _Part] | None:
    m = _SUMMER.match(s, pos)
    return _season_at(s, m.end()) if m is not None else None


# In a sentence only, after « d'ici la fin du », « avant la fin du », "by the end of the": « trimestre », « mois »,
# "quarter", "month" (« en cours », "current"): the one holding today, as « ce trimestre » (a `when:` refuses them:
# the plan is read every night, and "the quarter" would move).
_UNNAMED = _c(r"(?:(?:le|la|the)\s+)?(?:(?P<fr>trimestre|mois)(?:\s+(?:en\s+cours|courant))?"
              r"|(?:current\s+)?(?P<en>quarter|month))"
              r"|eo(?P<eo>[qm])(?![a-z0-9])")   # "by EOQ", "by EOM" (audit linten): after "by", "before" alone


def _unnamed_at(s: str, start: int, pos: int, *, today: date | None, end_of: bool) -> tuple[int, _Part] | None:
    m = _UNNAMED.match(s, pos)
    if m is None or (m.group("eo") is None) != end_of:
        return None
    en = m.group("en") or {"q": "quarter", "m": "month"}.get(m.group("eo") or "")
    this = f"ce {m.group('fr')}" if m.group("fr") else f"this {en}"
    hit = _relative_at(this, 0, today=today)
    if hit is None:
        return None
    relative, quarter = hit[1], m.group("fr") == "trimestre" or en == "quarter"

    def resolve(ctx: _Ctx) -> tuple[date, date]:
        if today is None:
            raise RelativePeriodError(
                f"{s[start:m.end()].strip()!r}: which "
                f"{'quarter' if quarter else 'month'}? the one holding today, which is not given",
                "name it, e.g. " + (_say("« d'ici fin T2 »", "'by the end of Q2'") if quarter else
                                    _say("« d'ici fin juin »", "'by the end of June'")) + ", or give --today")
        return relative.days(ctx)
    return m.end(), _Part("relative", None, lambda y: resolve(_Ctx(y)), resolve=resolve)


# In a sentence only: « sous 15 jours », « dans les 15 jours », « d'ici 15 jours », « sous huitaine », "within 15
# days", "in the next 2 weeks": from today to today + that many days (a RelativePeriodError without today).
_WITHIN = _c(r"(?:(?:sous|dans\s+les|d'ici|within|in\s+the\s+next)\s+(?P<n>\d{1,3})\s+(?P<u>jours?|days?|semaines?"
             r"|weeks?)|sous\s+(?P<word>huitaine|quinzaine)|(?:sous|d'ici|within)\s+(?:une|a)\s+(?P<week>semaine|week))")


def _within_at(s: str, pos: int, *, today: date | None) -> tuple[int, _Part] | None:
    m = _WITHIN.match(s, pos)
    if m is None:
        return None
    word = m.group("word")
    if m.group("week"):
        days = 7
    else:
        days = {"huitaine": 8, "quinzaine": 15}[word] if word else int(m.group("n")) * (
            7 if m.group("u").startswith(("sem", "week")) else 1)
    phrase = m.group(0)

    def make(_: object) -> tuple[date, date]:
        if today is None:
            raise RelativePeriodError(f"{phrase!r} depends on today's date, which is not given",
                                      "write the period itself, e.g. "
                                      + _say("« d'ici le 15 juin »", "'by June 15'",
                                             "« d'ici le 15 juin » ('by June 15')")
                                      + ", or give --today")
        return today, today + timedelta(days=days + 1)
    return m.end(), _Part("relative", None, make, resolve=make)


# « dans le courant de mai », « courant T3 », « au cours du mois de mai » (in a sentence): the period itself.
_COURANT = re.compile(r"(?:dans\s+le\s+|au\s+)?courant\s+(?:du\s+|de\s+(?:la\s+)?|d')?"
                      r"|au\s+cours\s+(?:du|de\s+la|de|d')\s*")


def _courant_at(s: str, pos: int) -> tuple[int, _Part] | None:
    m = _COURANT.match(s, pos)
    if m is None:
        return None
    return _period_at(s, m.end(), search=False)


# « en fin de … », « à la fin de … », "at the end of …": when the words before a bare « fin » / "end of" say "at", not
# "by" (calendar audit F1).
_AT_BEFORE = re.compile(r"(?:^|\s)(?:en|at|in)\s$")


def _vague_end_of(s: str, pos: int, words: str, inner: _Part, end: int) -> _Part | None:
    """« en fin de semaine 52 », « en fin d'année », « à la fin de décembre », "at the end of December", « fin de
    semaine 52 » (« fin de semaine » is the weekend): the end of a period, at no exact day, read as "by the end of"
    they counted from the plan's first day (a March visit for a late-December action, « à risque » in June: calendar
    audit F1). A part that refuses as vague, with the period itself, its last days and the deadline as fixes; None
    for a deadline (« d'ici fin … », « avant la fin … », « pour fin … », "by the end of …", a bare « fin décembre »)."""
    bare = re.match(r"(?:a\s+la\s+|la\s+)?fin\b|(?:the\s+)?end\s+of\b", words)
    if bare is None:
        return None
    week_end = (inner.kind == "week" and re.fullmatch(r"(?:a\s+la\s+|la\s+)?fin\s+de\s+(?:la\s+)?", words) is not None
                and s.startswith("sem", pos + len(words)))
    at = _AT_BEFORE.search(s[max(0, pos - 4):pos])
    if not (words.startswith("a la") or at or week_end):
        return None
    phrase = s[max(0, pos - 4) + at.start() if at else pos:end].strip()

    def refuse(ctx: _Ctx | int) -> tuple[date, date]:
        ctx = ctx if isinstance(ctx, _Ctx) else _Ctx(ctx)
        days = inner.days(ctx)
        itself, last, deadline = _end_of_forms(inner, days, ctx)
        fixes = ([f"the period itself, {itself} ({days_phrase(days[0], days[1] - timedelta(days=1), _day_language())})"]
                 if itself else [])
        if last:
            fixes.append(f"its last {'days' if inner.kind in ('week', 'month') else 'month'}, {last}")
        fixes.append(f"{deadline} for a deadline (from the start of the plan)")
        raise PeriodError(f"{phrase!r} is vague: the end of a period names no exact window (read as a deadline, it "
                          "would count from the plan's first day)",
                          "write " + ", ".join(fixes[:-1]) + (", or " if len(fixes) > 1 else "") + fixes[-1])
    return _Part(inner.kind, inner.year, refuse, resolve=refuse)


def _end_of_forms(inner: _Part, days: tuple[date, date], ctx: _Ctx) -> tuple[str | None, str | None, str]:
    """For the period ``inner`` (its ``days``): how to write it (« semaine 52 », 'December'; None for a year, a day, a
    range), its last days (the last 4 days of a week, the 21st to the end of a month, the last month of a quarter, a
    half or a year) and the deadline at its end (« d'ici fin décembre », 'by the end of December'), quoted in the
    plan's language."""
    language = _day_language()
    first, last = days[0], days[1] - timedelta(days=1)
    y = f" {inner.year}" if inner.year is not None else ""
    month_fr, month_en = FRENCH_MONTHS[last.month - 1], _MONTH_LABELS[last.month - 1]
    last_month = _say(f"« {month_fr}{y} »", f"'{month_en}{y}'")
    if inner.kind == "week":
        (_, w, _), (_, w2, _) = (first - timedelta(days=first.weekday())).isocalendar(), last.isocalendar()
        name_fr = f"semaine {w}" if w == w2 else f"semaines {w} à {w2}"
        name_en = f"week {w}" if w == w2 else f"weeks {w} to {w2}"
        tail = max(first, last - timedelta(days=3))
        return (_say(f"« {name_fr}{y} »", f"'{name_en}{y}'"), _quoted(days_phrase(tail, last, language)),
                _say(f"« d'ici la fin de la semaine {w2}{y} »", f"'by the end of week {w2}{y}'"))
    if inner.kind == "month":
        tail = max(first, last.replace(day=21))
        return (_say(f"« {month_fr}{y} »", f"'{month_en}{y}'"), _quoted(days_phrase(tail, last, language)),
                _say(f"« d'ici fin {month_fr}{y} »", f"'by the end of {month_en}{y}'"))
    if inner.kind == "quarter" and inner.index:
        return (_say(f"« T{inner.index}{y} »", f"'Q{inner.index}{y}'"), last_month,
                _say(f"« d'ici fin T{inner.index}{y} »", f"'by the end of Q{inner.index}{y}'"))
    if inner.kind == "half" and inner.index:
        fr = f"{'1er' if inner.index == 1 else '2e'} semestre{y}"
        return (_say(f"« {fr} »", f"'H{inner.index}{y}'"), last_month,
                _say(f"« d'ici la fin du {fr} »", f"'by the end of H{inner.index}{y}'"))
    if inner.kind == "year":
        if inner.year is not None:
            return None, last_month, _say(f"« d'ici fin {inner.year} »", f"'by the end of {inner.year}'")
        return None, last_month, _say("« d'ici la fin de l'année »", "'by the end of the year'")
    return None, None, _quoted(("d'ici le " if language == "fr" else "by ") + day_words(last, language))


_RELATIVE = _c(r"(?P<this>cette\s+semaine|this\s+week|ce\s+mois(?:-ci)?|this\s+month|ce\s+trimestre|this\s+quarter"
               r"|cette\s+annee|this\s+year)|(?P<next>(?:la\s+)?semaine\s+prochaine|next\s+week|(?:le\s+)?mois\s+prochain"
               r"|next\s+month|(?:le\s+)?trimestre\s+prochain|next\s+quarter)|(?P<day>demain|tomorrow|aujourd'hui|today)"
               r"|(?:next\s+(?P<wd_en>monday|tuesday|wednesday|thursday|friday|saturday|sunday))"
               r"|(?:(?P<wd_fr>lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+prochain)")

# « à partir du 15 juin », "from 15 June", "starting week 18": a start with no end (audit 2, finding 1).
_OPEN_START = re.compile(
    r"(?P<kw>(?:a\s+partir|a\s+compter)\s+(?:du\s+|de\s+la\s+|de\s+l'|de\s+|d')|(?:des|depuis)\s+(?:le\s+|la\s+|l')?"
    r"|(?:from|since|starting(?:\s+(?:on|from|in|with))?|beginning(?:\s+(?:on|in|with))?|as\s+(?:of|from)|effective)"
    r"\s+(?:the\s+)?|(?P<after>after\s+(?:the\s+)?|apres\s+(?:le\s+|la\s+|l')?))")


def _open_start_at(s: str, pos: int, *, search: bool, today: date | None) -> tuple[int, _Part] | None:
    """« à partir du 15 juin », « dès la semaine 18 », "from 15 June", "starting Q3": from the first day of the
    period named to the end of the plan's period (the mirror of a deadline, which runs from its start); "after March
    15", « après le 15 mars », "after week 18": from the day after the period named (usplan audit F10)."""
    kw = _OPEN_START.match(s, pos)
    if kw is None:
        return None
    hit = _date_at(s, kw.end())
    for other in (_period_at(s, kw.end(), search=search), _relative_at(s, kw.end(), today=today)):
        if other and (hit is None or other[0] > hit[0]):
            hit = other
    if hit is None or (hit[1].kind == "year" and kw.group("kw").startswith("des ")):
        return None               # « des 2000 clients »: an article and a count
    inner, phrase = hit[1], s[pos:hit[0]]
    after = kw.group("after") is not None

    def resolve(ctx: _Ctx) -> tuple[date, date]:
        first = inner.days(ctx)[1 if after else 0]
        end = date(inner.year + 1, 1, 1) if ctx.period is None and inner.year is not None else ctx.plan_year[1]
        if end <= first:
            raise PeriodError(f"{phrase.strip()!r} starts on {first.isoformat()}, after the plan's period ends "
                              f"({(end - timedelta(days=1)).isoformat()}); a start with no end runs to the end of "
                              f"the plan's period",
                              "give a start inside the plan's period, or both ends, e.g. "
                              + _say("« du 15 juin au 30 septembre »", "'from 15 June to 30 September'"))
        return first, end
    return hit[0], _Part("open", inner.year, lambda y: resolve(_Ctx(y)), resolve=resolve)


def _relative_at(s: str, pos: int, *, today: date | None) -> tuple[int, _Part] | None:
    """"la semaine prochaine", "this month", "demain"...: resolved from ``today`` (the plan year for "this year")."""
    m = _RELATIVE.match(s, pos)
    if m is None:
        return None
    phrase = m.group(0)
    if re.search(r"annee|year", phrase):
        return m.end(), _Part("year", None, lambda y: (date(y, 1, 1), date(y + 1, 1, 1)))

    def make(y: int, ctx: _Ctx | None = None) -> tuple[date, date]:
        if today is None:
            raise RelativePeriodError(f"{phrase!r} depends on today's date, which is not given",
                                      "write the period itself, e.g. "
                                      + _say("« juin 2027 » or « semaine 18 »", "'June 2027' or 'week 18'",
                                             "'June 2027' or 'week 18' (« juin 2027 », « semaine 18 »)")
                                      + ": a plan's when is read on any day (pac plan lint alone reads a statement "
                                      "from a day: --today)")
        weekday = m.group("wd_en") or m.group("wd_fr")
        if weekday:
            index = (_WEEKDAYS[0] if m.group("wd_en") else _WEEKDAYS[1]).index(weekday)
            d = today + timedelta(days=(index - today.weekday() - 1) % 7 + 1)   # strictly after today
            return d, d + timedelta(days=1)
        if m.group("day"):
            d = today + timedelta(days=1 if phrase in ("demain", "tomorrow") else 0)
            return d, d + timedelta(days=1)
        step = 1 if m.group("next") else 0
        if re.search(r"semaine|week", phrase):
            monday = today - timedelta(days=today.weekday()) + timedelta(weeks=step)
            return monday, monday + timedelta(days=7)
        if re.search(r"mois|month", phrase):
            index = today.year * 12 + today.month - 1 + step
            return _month_days(index // 12, index % 12 + 1)
        if ctx is not None and ctx.quarters:   # the declared calendar's quarter holding today (a 4-4-5 year)
            held = [i for i, (a, b) in enumerate(ctx.quarters) if a <= today < b]
            if held and 0 <= held[0] + step < len(ctx.quarters):
                return ctx.quarters[held[0] + step]
        if ctx is not None and ctx.fiscal:   # the plan's quarter holding today (a year from February: May-July)
            months = (today.year - ctx.start.year) * 12 + today.month - ctx.start.month
            first = _add_months(ctx.start, 3 * (months // 3 + step))
            return first, _add_months(first, 3)
        index = today.year * 4 + (today.month - 1) // 3 + step
        return _quarter_days(index // 4, index % 4 + 1)
    return m.end(), _Part("relative", None, make, resolve=lambda ctx: make(ctx.year, ctx))


def _parse_at(s: str, pos: int, *, search: bool, today: date | None) -> tuple[int, _Part] | None:
    """The longest time expression starting at ``pos`` of the normalised text ``s``."""
    fiscal = _fiscal_quarter_at(s, pos) or _fy_quarter_at(s, pos) or _fiscal_label_at(s, pos)
    if fiscal is not None:               # before "2027-2028" the range, "2027/28" the month 28
        return fiscal
    candidates = [
        _deadline_at(s, pos, today=today),
        _relative_at(s, pos, today=today),
        _range_at(s, pos, search=search),
        _period_at(s, pos, search=search),
        _date_at(s, pos),
        _open_start_at(s, pos, search=search, today=today),     # last: "from week 18 to 20" is the range
    ]
    if _FREE_TEXT.get():
        candidates += [_within_at(s, pos, today=today), _courant_at(s, pos), _summer_at(s, pos)]
    found = [c for c in candidates if c is not None]
    return max(found, key=lambda c: c[0]) if found else None


# ------------------------------------------------------------------------------------------ public API


_normalise = fold_keep_length


_LEAD = re.compile(r"\s*(?:(?:en|in|during|pendant|durant|courant|sur|over|for|pour|dans|au\s+cours\s+(?:de|du)"
                   r"|on|at|le|les|the|a"
                   # « au T1 2027 », « au 2e trimestre », « au second semestre » (« au mois de mai » is a month's own
                   # form); not « au 15 mars », which may say until when (calendar53 audit: "cannot read")
                   rf"|au(?=\s+(?:[tqh]\d|s[12](?!\d)|(?:{_ORD})\s+(?:trimestre|trim|semestre))))\s+)?")


_VAGUE = re.compile(rf"(?<![a-z])(?:mi|mid|debut|early|late|courant|vers|around|fin\s+de\s+semaine)\s*-?\s*"
                    rf"(?:{_MONTH_RE})?")


# Longest period expression read by parse_period ("entre le 2 et le 13 mars 2027" is 30 characters).
MAX_PERIOD_CHARS = 200


def _one_space(s: str) -> tuple[str, list[int]]:
    """``s`` with every run of blanks made one space, and the position in ``s`` of each character kept.

    Every pattern of this module then meets at most one blank where it allows some, so no run of
    blanks can make it backtrack: matching at one position costs a bounded amount of work.
    """
    out: list[str] = []
    where: list[int] = []
    blank = False
    for i, ch in enumerate(s):
        if ch.isspace():
            if blank:
                continue
            ch, blank = " ", True
        else:
            blank = False
        out.append(ch)
        where.append(i)
    where.append(len(s))
    return "".join(out), where


def is_fiscal(period: Window) -> bool:
    """A plan period of 12 months from the 1st of a month other than January: a fiscal year, whose "T1" / "Q1"
    and "H1" are its own first quarter and half."""
    return _context(period.start.year, period).fiscal


def _context(year: int, within: Window | None) -> _Ctx:
    if within is None:
        return _Ctx(year)
    return _Ctx(year, (within.start.date(), within.end.date()), quarters=within.quarters)


def parse_period(text: str, *, year: int, tz: str, today: date | None = None, within: Window | None = None,
                 language: str | None = None, date_order: str | None = None, plan_period: bool = False) -> Window:
    """The window of a whole time expression (see the module docstring); ``label`` is ``text``.

    ``within`` is the plan's period (a window of whole local days): a period written without its
    year resolves inside it ("janvier" in a plan from April 2027 to March 2028 is January 2028, "T1"
    its first quarter), and deadlines start at its first day. Without it, the year is ``year``.
    Raises PeriodError with a fix when the text is not one period or names an impossible one; ``language``
    (the plan's, ``fr`` or ``en``) is the language of the examples the fix gives ("write week 1 to week 52"),
    both languages' when None. ``date_order`` (the plan's ``date_order``): numeric dates are read day/month
    ("dmy", None) or month/day ("mdy"). ``plan_period``: ``text`` is the plan's own period, where a fiscal year
    named by one year ("FY2028", « exercice 2028 ») is refused: no plan says yet which months it holds.
    """
    with _speaking(language, date_order, plan_period):
        token = _PLAN_DAYS.set((within.start.date(), within.end.date()) if within is not None else None)
        try:
            return _parse_period(text, year=year, tz=tz, today=today, within=within)
        finally:
            _PLAN_DAYS.reset(token)


def _parse_period(text: str, *, year: int, tz: str, today: date | None, within: Window | None) -> Window:
    _zone(tz)
    ctx = _context(year, within)
    if len(text) > MAX_PERIOD_CHARS:
        raise PeriodError(f"the period is {len(text):,} characters long; a period is at most {MAX_PERIOD_CHARS} "
                          f"characters", f"write only when, {_examples(ctx)}")
    s = _one_space(_normalise(text))[0].strip().rstrip(".;,")
    if not s:
        raise PeriodError("empty period", f"write when, {_examples(ctx)}")
    lead = _LEAD.match(s)
    for start in dict.fromkeys((0, lead.end() if lead else 0)):
        hit = _parse_at(s, start, search=False, today=today)
        if hit and hit[0] == len(s):
            ctx.cuts.clear()
            first, end = hit[1].days(ctx)
            return _window(first, end, tz, text, ctx.uncut((first, end)))
    if _QUINZAINE.search(s):
        raise _which_quinzaine(text)
    vague = _VAGUE.search(s)
    if vague:
        raise PeriodError(f"{text!r} is vague: {vague.group(0)!r} is no exact window", _vague_fix(s, ctx, today))
    if s.startswith("du ") and (hit := _parse_at(s, 3, search=False, today=today)) and hit[0] == len(s):
        day = text.strip()[2:].strip()
        raise PeriodError(f"{text!r} says when the action starts, not when it ends",
                          f"write both ends ('du {day} au ...'), 'à partir du {day}' for the rest of the plan, "
                          f"or 'le {day}' for that day alone")
    recurring = _RECURRING.search(s)
    if recurring:
        raise _recurring(text, recurring)
    fiscal_part = _OF_FISCAL.search(s)
    if fiscal_part and _parse_at(s, 0, search=False, today=today) is not None:
        part = text.strip().split()[0]
        raise PeriodError(f"{text!r}: the plan's period is its fiscal year already",
                          f"write {part!r} alone (in a plan over a fiscal year, "
                          + _say("'T1', 'S1'", "'Q1', 'H1'", "'T1', 'Q1', 'S1'") + " are that year's)")
    unnamed = _END_OF_UNNAMED.search(s)
    if unnamed:
        quarter = unnamed.group("u") in ("trimestre", "quarter")
        raise PeriodError(
            _say(f"{text.strip()!r} ne dit pas quel {'trimestre' if quarter else 'mois'} : le plan est relu chaque "
                 f"nuit, « le {'trimestre' if quarter else 'mois'} » changerait d'une nuit à l'autre",
                 f"{text.strip()!r} does not say which {'quarter' if quarter else 'month'}: the plan is read again "
                 f"every night, and 'the {'quarter' if quarter else 'month'}' would move from one night to the next"),
            "name it: " + (_say("« avant la fin du T2 », « d'ici fin T3 »", "'by the end of Q2', 'by end of Q3'",
                                "« avant la fin du T2 », 'by the end of Q2'")
                           if quarter else
                           _say("« d'ici fin juin », « avant le 30 juin »", "'by the end of June', 'by June 30'",
                                "« d'ici fin juin », « avant le 30 juin », 'by the end of June', 'by June 30'")))
    if _YEAR_END_WORDS.search(s) and (year_end := _year_end_fix(ctx)) is not None:
        raise PeriodError(f"cannot read {text!r} as a period", year_end)
    raise PeriodError(f"cannot read {text!r} as a period",
                      f"write it as one of the forms understood, {_examples(ctx)}")


def _vague_fix(s: str, ctx: _Ctx, today: date | None) -> str:
    """What to write for a vague `when:`: the days the linter reads it as in a statement (« mi-juin » → « du 11 au 20
    juin 2027 », docs/linter.md « Quand »), so that the statement and its `when:` agree once written, and the deadline
    at their end; an example when it does not read (audit lintperiods: it gave « du 10 au 20 mars » whatever month)."""
    token = _FREE_TEXT.set(True)
    try:
        lead = _LEAD.match(s)
        hits = [hit for start in dict.fromkeys((0, lead.end() if lead else 0))
                if (hit := _parse_at(s, start, search=False, today=today)) is not None and hit[0] == len(s)]
        days = hits[0][1].days(_Ctx(ctx.year, ctx.period, quarters=ctx.quarters)) if hits else None
    except PeriodError:
        days = None
    finally:
        _FREE_TEXT.reset(token)
    if days is None:
        return "write the days, e.g. " + _say("'du 10 au 20 mars' or 'avant le 20 mars'",
                                              "'from 10 to 20 March' or 'before March 20'",
                                              "'du 10 au 20 mars' or 'before March 20'")
    language, last = _day_language(), days[1] - timedelta(days=1)
    by = _quoted(("d'ici le " if language == "fr" else "by ") + day_words(last, language))
    if hits[0][1].kind == "deadline":
        return f"write the day, {by}"
    return (f"write the days, {_quoted(days_phrase(days[0], last, language))} (what pac plan lint reads it as in a "
            f"statement), or {by} for a deadline")


# "every month", "monthly", « chaque mois », « tous les mois », « mensuel »…: a recurrence, not a window.
_RECURRING = re.compile(r"(?<![a-z])(?:(?:every|each|chaque|tous\s+les|toutes\s+les)\s+"
                        r"(?P<unit>mois|month|semaines?|week)|per\s+(?P<unit2>month|week)|par\s+(?P<unit3>mois|semaine)"
                        r"|(?P<adj>monthly|weekly|mensuel(?:le)?s?|hebdomadaires?))(?![a-z])")


def _recurring(text: str, m: re.Match[str]) -> PeriodError:
    """A `when:` that names a recurrence ("every month", « chaque semaine »): pac counts an action over one window, so a
    recurring action is one action per month (or week), or one action with the total over the window. It used to be the
    generic "cannot read" (usplan audit F10)."""
    unit = next(u for u in (m.group("unit"), m.group("unit2"), m.group("unit3"), m.group("adj")) if u)
    weekly = unit.startswith(("sem", "week", "hebdo"))
    return PeriodError(
        _say(f"{text.strip()!r} est une récurrence, pas une fenêtre : pac compte une action sur une seule fenêtre, "
             f"donc une action récurrente est une action par {'semaine' if weekly else 'mois'}",
             f"{text.strip()!r} is a recurrence, not a window: pac counts an action over one window, so a recurring "
             f"action is one action per {'week' if weekly else 'month'}"),
        _say("écrivez une action par " + ("semaine (when: « semaine 18 », « semaine 19 »…)" if weekly else
                                          "mois (when: « mars 2027 », « avril 2027 »…)")
             + " avec le nombre de chacune, ou une seule action sur toute la fenêtre avec le total (when: « T3 », "
             + ("5 × 13 semaines = 65 visites" if weekly else "5 × 3 mois = 15 visites") + ")",
             "write one action per " + ("week (when: 'week 18', 'week 19'…)" if weekly else
                                        "month (when: 'March 2027', 'April 2027'…)")
             + " with each one's count, or one action over the whole window with the total (when: 'Q3', "
             + ("5 × 13 weeks = 65 visits" if weekly else "5 × 3 months = 15 visits") + ")"))


# « avant la fin du trimestre », "by the end of the month": which one? (not "this quarter", which names it).
_END_OF_UNNAMED = re.compile(r"(?<![a-z])(?:fin\s+(?:du|de\s+ce)\s+|end\s+of\s+(?:the\s+)?)"
                             r"(?P<u>trimestre|mois|quarter|month)$")

_OF_FISCAL = re.compile(r"\s+(?:de\s+l'\s*|of\s+the\s+|in\s+the\s+|du\s+)"
                        r"(?:exercice|fiscal\s+year|annee\s+fiscale|fy)$")

_FRACTION = re.compile(r"(?:[1-3]/[2-4]\s+(?:de\s+|d')?(?:journees?|jours?|days?|heures?|hours?|temps|time|mois|months?"
                       r"|semaines?|weeks?|of)\b"
                       # « 3/4 des devis », « 2/3 de nos clients », "2/3 of": a share of a set (audit lintdates)
                       r"|[1-9]/(?:[2-9]|1[0-2])\s+(?:des|de|du|d'|of)(?![a-z]))")

# A number with a dot and no year, « 2.5 », « 12.05 », is a date only where a date is written: after « le », « du »,
# « au », « d'ici », « avant », "on", "by", "the", "from", a weekday…, or heading the line (« 12.05 : appeler… »).
# Elsewhere it is a decimal or a version: "Call 2.5 customers", « 1.5 fois plus », "release 10.12", « l'offre 3.2 »
# (audit lintdates: each was the action's window, 2 May, 1 May, 10 December, 3 February).
_ROUND_THE_CLOCK = re.compile(r"24\s?/\s?7(?![\d/.])")     # "24/7": round the clock (« le 24/7 »: 24 July)
_DOTTED_DAY = re.compile(r"\d{1,2}\.\d{1,2}(?![/.]?\d)")
_DATE_LEAD = re.compile(r"(?:[:;(\-–—]\s*|(?<![a-z'])(?:le|les|the|on|du|au|aux|by|before|avant|ici|until|till"
                        r"|jusqu'au|jusqu'a|from|apres|after|entre|between|through|thru|starting"
                        r"|partir\s+du|compter\s+du|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
                        r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)"
                        r"\.?,?\s+)$")


def _dated_here(s: str, pos: int) -> bool:
    """Whether a dotted number at ``pos`` (« 2.5 ») stands where a date is written (``_DATE_LEAD``)."""
    if _DOTTED_DAY.match(s, pos) is None or not s[:pos].strip():
        return True
    return _DATE_LEAD.search(s, max(0, pos - 40), pos) is not None


def _fr_day(d: date, *, year: bool = True) -> str:
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {FRENCH_MONTHS[d.month - 1]}" + (f" {d.year}" if year else "")


def _en_day(d: date, *, year: bool = True) -> str:
    return f"{_MONTH_LABELS[d.month - 1]} {d.day}" + (f", {d.year}" if year else "")


def day_words(d: date, language: str, *, year: bool = True) -> str:
    """A day as a manager reads it: « 1er janvier 2027 » / "January 1, 2027" (``year`` false: « 5 décembre »,
    "December 5")."""
    return _fr_day(d, year=year) if language == "fr" else _en_day(d, year=year)


def days_phrase(first: date, last: date, language: str) -> str:
    """The days from ``first`` to ``last`` (included) as a manager writes them: « du 28 au 31 décembre 2026 »,
    « du 29 décembre 2025 au 4 janvier 2026 », « le 1er janvier 2027 »; "December 28 to 31, 2026"."""
    if language == "fr":
        if first == last:
            return f"le {_fr_day(first)}"
        if (first.year, first.month) == (last.year, last.month):
            return f"du {'1er' if first.day == 1 else first.day} au {_fr_day(last)}"
        return f"du {_fr_day(first, year=first.year != last.year)} au {_fr_day(last)}"
    if first == last:
        return _en_day(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{_MONTH_LABELS[first.month - 1]} {first.day} to {last.day}, {last.year}"
    return f"{_en_day(first, year=first.year != last.year)} to {_en_day(last)}"


# A numeric date in free text (« 3/4/2027 », "11.02.27", "3/4"): not inside an ISO date, a number or a longer run.
_NUMERIC_PAIR = re.compile(r"(?<![\w/.,-])(\d{1,2})([/.])(\d{1,2})(?:\2(\d{4}|\d{2}))?(?![\w/.-]|,\d)")

# The US zones (tzdata's zone1970.tab, country US, and their old names), where numeric dates are written month/day,
# and Canada's, where English writes them either way; the other America/* countries write day/month.
_MONTH_DAY_ZONES = frozenset(f"America/{z}" for z in (
    "New_York", "Detroit", "Kentucky/Louisville", "Kentucky/Monticello", "Indiana/Indianapolis", "Indiana/Vincennes",
    "Indiana/Winamac", "Indiana/Marengo", "Indiana/Petersburg", "Indiana/Vevay", "Chicago", "Indiana/Tell_City",
    "Indiana/Knox", "Menominee", "North_Dakota/Center", "North_Dakota/New_Salem", "North_Dakota/Beulah", "Denver",
    "Boise", "Phoenix", "Los_Angeles", "Anchorage", "Juneau", "Sitka", "Metlakatla", "Yakutat", "Nome", "Adak",
    "Puerto_Rico", "St_Thomas", "Fort_Wayne", "Indianapolis", "Louisville", "Knox_IN", "Shiprock", "Atka", "Toronto",
    "Vancouver", "Edmonton", "Winnipeg", "Halifax", "St_Johns", "Regina", "Moncton", "Glace_Bay", "Goose_Bay",
    "Whitehorse", "Dawson", "Dawson_Creek", "Fort_Nelson", "Creston", "Iqaluit", "Rankin_Inlet", "Resolute",
    "Cambridge_Bay", "Inuvik", "Atikokan", "Swift_Current", "Thunder_Bay", "Nipigon", "Rainy_River", "Yellowknife",
    "Pangnirtung", "Montreal",
)) | {"Pacific/Honolulu", "Pacific/Guam", "Pacific/Saipan", "Pacific/Pago_Pago"}


def looks_month_day(timezone: str, language: str, currency: str) -> bool:
    """A plan whose managers likely write numeric dates month/day (US order): an English plan in a US (or Canadian)
    timezone, or a plan in US dollars. Only a guess, for a warning: the plan's ``date_order`` decides."""
    american = timezone in _MONTH_DAY_ZONES or timezone.startswith(("US/", "Canada/"))
    return (language == "en" and american) or currency.upper() == "USD"


def two_way_dates(text: str, *, with_year_only: bool = False) -> list[tuple[str, date, date, bool]]:
    """The numeric dates of ``text`` that read as two different days, day/month and month/day (« 11/02/2027 »: 11
    February or November 2; « 5/5 » and « 15/03 » read one way only): (as written, the day/month reading, the
    month/day one, whether a year is written; a date without one is placed in 2000). ``with_year_only``: those with
    a year only (in a statement, « 1/2 » is a half)."""
    out: list[tuple[str, date, date, bool]] = []
    for m in _NUMERIC_PAIR.finditer(_normalise(text)):
        a, b, yy = int(m.group(1)), int(m.group(3)), m.group(4)
        if (yy is None and with_year_only) or not (1 <= a <= 12 and 1 <= b <= 12) or a == b:
            continue
        y = 2000 if yy is None else (2000 + int(yy) if len(yy) == 2 else int(yy))
        out.append((text[m.start():m.end()], date(y, b, a), date(y, a, b), yy is not None))
    return out


# A week number as a manager writes it in English: "week 18", "weeks 18-20", "wk 18", "W18" (not "2027-W18", ISO's
# own form already).
_WEEK_NUMBER = re.compile(r"(?i)(?<![\w-])(?<!ISO )(week|weeks|wks?\.?|w)\s*(?:no\.?\s*|#\s*)?(?=\d{1,2}(?!\d))")


def iso_week_label(label: str, language: str) -> str:
    """``label`` with its week numbers said to be ISO's in English ("week 18" → "ISO week 18", "W18" → "ISO week 18"):
    a US reader numbers weeks another way (Excel's WEEKNUM: from Sunday, week 1 holding January 1), and the days shown
    beside were the only hint (usplan audit F5). French labels are unchanged: « semaine 18 » is ISO's in France."""
    if language != "en":
        return label
    return _WEEK_NUMBER.sub(lambda m: "ISO weeks " if m.group(1).lower() in ("weeks", "wks", "wks.") else "ISO week ",
                            label)


def _us_week(year: int, week: int) -> tuple[date, date]:
    """Week ``week`` of ``year`` as a US calendar numbers it (Excel's WEEKNUM, return type 1): Sunday to Saturday,
    week 1 the one holding January 1, each week's days within ``year``: WEEKNUM numbers a date within its own year, so
    its week 1 starts on January 1 and its last week ends on December 31 (31 December 2026 is week 53, 1 January 2027
    week 1; calendar53 audit: the US week 53 of 2026 was said « December 27, 2026 to January 2, 2027 »)."""
    jan1 = date(year, 1, 1)
    first = jan1 - timedelta(days=(jan1.weekday() + 1) % 7) + timedelta(weeks=week - 1)
    return max(first, jan1), min(first + timedelta(days=6), date(year, 12, 31))


def iso_week_note(window: Window, language: str, timezone: str = "") -> str | None:
    """What an English plan's week number means, when its window names one: "ISO week 18: May 3 to 9, 2027 (Monday
    to Sunday; pac numbers weeks as ISO 8601 does, week 1 being the one that holds January 4)", and in a US timezone
    what a US calendar calls week 18 ("a US calendar's week 18 is April 25 to May 1, 2027"); None otherwise, and for a
    week cut to the plan's days (``cut_note`` says it)."""
    if language != "en" or window.uncut is not None or not _WEEK_NUMBER.search(window.label):
        return None
    first, last = window.start.date(), window.end.date() - timedelta(days=1)
    (y1, w1, d1), (y2, w2, d2) = first.isocalendar(), last.isocalendar()
    if d1 != 1 or d2 != 7:
        return None                  # not whole weeks ("by week 18" runs from the plan's start): the days say it
    weeks = f"ISO week {w1}" if (y1, w1) == (y2, w2) else f"ISO weeks {w1} to {w2}"
    note = (f"{weeks}: {days_phrase(first, last, 'en')} (Monday to Sunday; pac numbers weeks as ISO 8601 does, week 1 "
            "being the one that holds January 4)")
    if timezone in _MONTH_DAY_ZONES or timezone.startswith("US/"):
        note += "; " + _us_weeks(y1, w1, y2, w2)
    return note


def _us_weeks(y1: int, w1: int, y2: int, w2: int) -> str:
    """What a US calendar calls ISO weeks ``w1`` (of ``y1``) to ``w2`` (of ``y2``)."""
    us_first, us_last = _us_week(y1, w1)[0], _us_week(y2, w2)[1]
    us = f"week {w1} is" if (y1, w1) == (y2, w2) else f"weeks {w1} to {w2} are"
    return (f"on a US calendar (Excel's WEEKNUM: Sunday to Saturday, week 1 holding January 1) {us} "
            f"{days_phrase(us_first, us_last, 'en')}")


def cut_note(window: Window, language: str = "fr", timezone: str = "") -> str | None:
    """What a window cut to the plan's period kept, and why; None when it was not cut (``Window.uncut``):
    « semaine 53 : du 28 au 31 décembre 2026 (la semaine 53 finit le 3 janvier 2027, après la fin du plan) » /
    "semaine 53: December 28 to 31, 2026 (week 53 ends on January 3, 2027, after the plan's end)". In English a week
    number is said to be ISO's, and in a US (or Canadian) ``timezone`` the US calendar's week of that number is named,
    as ``iso_week_note`` does for a whole week (calendar audit F2: week 52 of a 2027 Chicago plan, 27-31 December, lost
    both, while a US calendar's week 52 is 19-25 December 2027)."""
    if window.uncut is None:
        return None
    first, last = window.start.date(), (window.end.date() - timedelta(days=1))
    written_first, written_last = window.uncut[0].date(), window.uncut[1].date() - timedelta(days=1)
    fr = language == "fr"
    why: list[str] = []
    if written_first < first:
        week = written_first.isocalendar()[1]
        why.append(f"la semaine {week} commence le {_fr_day(written_first)}, avant le début du plan" if fr else
                   f"week {week} starts on {_en_day(written_first)}, before the plan's start")
    if last < written_last:
        week = written_last.isocalendar()[1]
        why.append(f"la semaine {week} finit le {_fr_day(written_last)}, après la fin du plan" if fr else
                   f"week {week} ends on {_en_day(written_last)}, after the plan's end")
    label = window.label.strip()
    if fr or not _WEEK_NUMBER.search(label):
        return f"{label}{' :' if fr else ':'} {days_phrase(first, last, language)} ({'; '.join(why)})"
    note = (f"{iso_week_label(label, 'en')}: {days_phrase(first, last, 'en')} ({'; '.join(why)}; Monday to Sunday, "
            "ISO 8601)")
    (y1, w1, d1), (y2, w2, d2) = written_first.isocalendar(), written_last.isocalendar()
    if d1 == 1 and d2 == 7 and (timezone in _MONTH_DAY_ZONES or timezone.startswith("US/")):
        note += "; " + _us_weeks(y1, w1, y2, w2)
    return note


# A `when:` that is a bare « fin … » / "end of …" (no « d'ici », « avant », « pour », "by", "before"…).
_BARE_END = re.compile(r"(?:la\s+|the\s+)?(?:fin|end\s+of)\s")


def end_word_note(window: Window, *, year: int, tz: str, within: Window | None, language: str,
                  date_order: str | None = None) -> str | None:
    """A `when:` written as a bare « fin décembre » / "end of December": kept as the deadline « d'ici fin décembre »
    (French business writing puts « fin mars » in a due-date column for « d'ici fin mars »), but a manager may mean
    late December, and the window runs from the plan's first day: said, with the end of the period's days and the
    words that keep the deadline without this note (calendar audit F1). None for any other `when:`."""
    s = _one_space(_normalise(window.label))[0].strip().rstrip(".;,")
    if _BARE_END.match(s) is None:
        return None
    fr = language == "fr"
    with _speaking(language, date_order):
        hit = _deadline_at(s, 0, today=None)
        if hit is None or hit[0] != len(s) or hit[1].inner is None:
            return None
        inner, ctx = hit[1].inner, _context(year, within)
        try:
            days = inner.days(ctx)
        except PeriodError:
            return None
        _, last, deadline = _end_of_forms(inner, days, ctx)
    unit = {"week": ("de la semaine", "week"), "month": ("du mois", "month"), "quarter": ("du trimestre", "quarter"),
            "half": ("du semestre", "half"), "year": ("de l'année", "year")}.get(inner.kind)
    first, end = window.start.date(), window.end.date() - timedelta(days=1)
    label = window.label.strip()
    if fr:
        note = (f"« {label} » est lu comme une échéance : {days_phrase(first, end, 'fr')}, "
                "depuis le début du plan")
        if unit and last:
            note += f" ; pour la fin {unit[0]}, écrivez {last}"
        return note + f" ({deadline} garde l'échéance, sans cet avertissement)"
    note = f"'{label}' is read as a deadline: {days_phrase(first, end, 'en')}, from the start of the plan"
    if unit and last:
        note += f"; for the end of the {unit[1]}, write {last}"
    return note + f" ({deadline} keeps the deadline, without this warning)"


def find_periods(text: str, *, year: int, tz: str, today: date | None = None,
                 problems: list[PeriodError] | None = None,
                 within: Window | None = None, language: str | None = None,
                 date_order: str | None = None) -> list[tuple[tuple[int, int], Window]]:
    """The time expressions inside a free sentence: ((start, end) span in ``text``, window), in order.

    An expression that is recognised but impossible ("semaine 54") raises PeriodError, unless
    ``problems`` is a list: then the error is appended there and the expression skipped. ``language`` and
    ``date_order``: as ``parse_period``'s.
    """
    with _speaking(language, date_order):
        token = _FREE_TEXT.set(True)
        plan = _PLAN_DAYS.set((within.start.date(), within.end.date()) if within is not None else None)
        try:
            return _find_periods(text, year=year, tz=tz, today=today, problems=problems, within=within)
        finally:
            _PLAN_DAYS.reset(plan)
            _FREE_TEXT.reset(token)


def _find_periods(text: str, *, year: int, tz: str, today: date | None, problems: list[PeriodError] | None,
                  within: Window | None) -> list[tuple[tuple[int, int], Window]]:
    _zone(tz)
    ctx = _context(year, within)
    s, where = _one_space(_normalise(text))
    out: list[tuple[tuple[int, int], Window]] = []
    pos = 0
    while pos < len(s):
        if not s[pos].isalnum() or (pos > 0 and s[pos - 1].isalnum()):
            pos += 1
            continue
        hit = None
        try:
            hit = _parse_at(s, pos, search=True, today=today)
            if hit is not None and (_FRACTION.match(s, pos) or not _dated_here(s, pos)
                                    or (_ROUND_THE_CLOCK.match(s, pos) and not _DATE_LEAD.search(s, 0, pos))):
                hit = None          # "1/2 journée", "3/4 des devis", "Call 2.5 customers": not 1 February, 2 May;
                #                     "24/7 support": round the clock, not 24 July (« le 24/7 » is a date)
            if hit is not None:
                end = hit[0]
                while end > pos and s[end - 1] in " ,":
                    end -= 1
                ctx.cuts.clear()
                first, last = hit[1].days(ctx)
                a, b = where[pos], (where[end - 1] + 1 if end > pos else where[pos])
                out.append(((a, b), _window(first, last, tz, text[a:b], ctx.uncut((first, last)))))
                pos = end
                continue
        except PeriodError as exc:
            if problems is None:
                raise
            problems.append(exc)
            if hit is not None:     # read but impossible ("les 3 et 9 mai"): none of its parts is a period
                pos = hit[0]
                continue
            skip = re.compile(r"[\w'./-]+\s*").match(s, pos)
            pos = skip.end() if skip else pos + 1
            continue
        pos += 1
    return out
