"""The plan file's shape, as pydantic models: what a manager may write, with French aliases.

These models only check the shape and normalise spellings (``visite`` -> ``visit``); the
conversion to the frozen ``pac_core.plan.Plan`` (periods, scopes, invariants) is in ``planfile``.
They also generate the JSON Schema editors use (``pac plan schema > config/plan.schema.json``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.numbers import get_currency_symbol
from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from pac_core.growth import AmbiguousRate, parse_growth_rate
from pac_core.kpi_vocabulary import VOCABULARY
from pac_core.plan import MAX_GROWTH_RATE
from pac_core.roles import normalise_role
from pac_core.scopes import KEY_ALIASES, NEGATION_KEYS, AmbiguousAmount, TooPrecise, parse_money, read_count
from pac_core.text import INVISIBLE, fold_key

# canonical value -> the other spellings accepted (accents, case, spaces, hyphens are ignored)
ACTIVITY_ALIASES = {
    "visit": ("visite", "visiter", "visite client", "site visit", "customer visit"),
    "call": ("appel", "appeler", "appel téléphonique", "téléphone", "phoning", "phone call", "phone"),
    "meeting": ("rendez-vous", "rdv", "réunion", "rencontre"),
    "demo": ("démo", "démonstration", "demonstration"),
    "email": ("e-mail", "mail", "courriel"),
    "quote_follow_up": ("relance devis", "relance de devis", "quote follow-up", "relance"),
}
COUNTING_ALIASES = {
    "distinct_accounts": ("comptes distincts", "distinct accounts", "comptes", "accounts"),
    "activities": ("activités", "activites", "occurrences"),
}
SEGMENT_KIND_ALIASES = {
    "horizontal": ("horizontale", "géographique", "geographic", "geographique", "territoire"),
    "vertical": ("verticale", "marché", "market", "application"),
    "mixed": ("mixte", "typologie", "typologie de comptes"),
}
AXIS_STATE_ALIASES = {
    "active": ("actif", "active"),
    "prioritised": ("prioritaire", "prioritized", "priorisé", "priority", "priorité"),
    "suspended": ("suspendu", "suspendue", "en pause", "on hold", "paused"),
    "dropped": ("abandonné", "abandonnée", "abandon", "abandoned"),
}
ACTION_STATUS_ALIASES = {
    # a US tracker's words (audit importus F4: « Not started » was offered « did you mean 'started'? »)
    "planned": ("prévu", "prévue", "planifié", "planifiée", "à faire", "todo", "to do", "not started", "scheduled"),
    "in_progress": ("en cours", "in progress", "started", "ongoing"),
    "done": ("fait", "faite", "réalisé", "réalisée", "terminé", "terminée", "completed", "complete", "finished"),
    "cancelled": ("annulé", "annulée", "canceled"),
}
CONTEXT_KIND_ALIASES = {
    "market_event": ("événement de marché", "evenement de marche", "marché", "market", "événement"),
    "lost_key_account": ("compte clé perdu", "perte de compte clé", "perte d'un compte clé", "lost account",
                         "compte perdu"),
    "rep_leaving": ("départ", "départ d'un commercial", "départ commercial", "rep leaving", "leaving"),
    "capacity": ("capacité", "capacité de production", "production capacity"),
}
IMPACT_ALIASES = {"opportunity": ("opportunité", "opportunite"), "threat": ("menace",)}
LANGUAGE_ALIASES = {"fr": ("français", "francais", "french"), "en": ("anglais", "english")}
DATE_ORDER_ALIASES = {"dmy": ("day/month", "d/m/y", "dd/mm/yyyy", "jour/mois"),
                      "mdy": ("month/day", "m/d/y", "mm/dd/yyyy", "us", "mois/jour")}
PREVIOUS_YEAR = ("previous_year", "année précédente", "annee precedente", "n-1", "year before")


ENGLISH_ALIASES = frozenset({
    "geographic", "market", "application", "prioritized", "priority", "abandoned", "todo", "in progress", "started",
    "completed", "canceled", "phoning", "demonstration", "e-mail", "mail", "quote follow-up", "distinct accounts",
    "accounts", "occurrences", "lost account", "rep leaving", "leaving", "production capacity", "english",
    "site visit", "customer visit", "phone call", "phone", "on hold", "paused", "to do", "not started", "scheduled",
    "ongoing", "complete", "finished",
})
"""The aliases above that are English words: an English plan's did-you-mean looks among them and the canonical
values (English) first (usplan audit F8: 'vertical market' was offered the French 'verticale')."""


@functools.lru_cache(maxsize=4096)
def _key(text: str) -> str:
    return fold_key(text).replace("_", " ")


_LOOKUPS: dict[int, tuple[dict[str, tuple[str, ...]], dict[str, str]]] = {}
"""Each alias table's spellings as keys (``_key``), built once: a 5,000-action plan looked ten values up per action,
each lookup folding every spelling again (0.3 s of its load). The table is kept beside its lookup, so that a
table's id is not reused for another."""


def spellings(table: dict[str, tuple[str, ...]]) -> list[str]:
    """Every accepted spelling, canonical first, for schemas and messages."""
    return [s for canonical, aliases in table.items() for s in (canonical, *aliases)]


# What a tracker's « Statut » column holds that is no status (audit planfr): pac's own findings, from the count and the
# window (it offered « did you mean 'not started'? » for « en retard »), and a postponement, which is a new window.
_COMPUTED_STATES = frozenset({"en retard", "retard", "late", "overdue", "behind", "a risque", "en danger", "at risk",
                              "manque", "manquee", "missed", "en avance", "ahead", "on track", "dans les temps"})
_POSTPONED = frozenset({"reporte", "reportee", "decale", "decalee", "postponed", "rescheduled", "delayed"})


def _no_status(value: object) -> None:
    """Refuse a computed state or a postponement written as an action's status, with what to write instead."""
    key = _key(value) if isinstance(value, str) else ""
    if key in _COMPUTED_STATES:
        raise PydanticCustomError("status_computed", "{shown} is not a status to write: pac works it out from the "
                                  "count and the window (late, at risk, missed)",
                                  {"shown": repr(value), "fix": "write where the work stands: prévu, en cours, fait "
                                   "or annulé (planned, in_progress, done or cancelled)"})
    if key in _POSTPONED:
        raise PydanticCustomError("status_postponed", "{shown} is no status: a postponed action keeps its status",
                                  {"shown": repr(value), "fix": "write the new window in when: (e.g. « semaine 22 »)"
                                   " and keep status: prévu or en cours"})


def normalise_enum(table: dict[str, tuple[str, ...]], what: str, value: object, context: object = None) -> str:
    """The canonical value for any accepted spelling; PydanticCustomError (with did-you-mean) otherwise. In an
    English plan (``context``: the plan's validation context) the did-you-mean looks among the English spellings
    first (``preferred``), then among all."""
    lookup = _LOOKUPS.get(id(table))
    if lookup is None or lookup[0] is not table:
        lookup = _LOOKUPS[id(table)] = (table, {_key(s): canonical for canonical, aliases in table.items()
                                                for s in (canonical, *aliases)})
    if isinstance(value, str) and _key(value) in lookup[1]:
        return lookup[1][_key(value)]
    if table is ACTION_STATUS_ALIASES:
        _no_status(value)
    english = isinstance(context, dict) and context.get("language") == "en"
    preferred = {"preferred": ", ".join(repr(s) for s in spellings(table) if s in table or s in ENGLISH_ALIASES)
                 } if english else {}
    raise PydanticCustomError("enum_alias", "unknown {what} {shown}", {
        "what": what, "shown": repr(value), "expected": ", ".join(repr(s) for s in table),   # listed in the fix
        "accepted": ", ".join(repr(s) for s in spellings(table)), **preferred})             # for did-you-mean


def _canonical(table: dict[str, tuple[str, ...]], what: str) -> BeforeValidator:
    """The validator that turns any accepted spelling into the canonical value."""
    def canonical(value: object, info: ValidationInfo) -> str:
        return normalise_enum(table, what, value, info.context)
    return BeforeValidator(canonical)


def _spelled(table: dict[str, tuple[str, ...]], description: str) -> WithJsonSchema:
    """The JSON schema of an aliased enum: every accepted spelling."""
    return WithJsonSchema({"type": "string", "enum": spellings(table), "description": description})


Activity = Annotated[str, _canonical(ACTIVITY_ALIASES, "activity"),
                     _spelled(ACTIVITY_ALIASES, "What the rep does; French spellings accepted (visite, appel...).")]
CountingIn = Annotated[str, _canonical(COUNTING_ALIASES, "counting"),
                       _spelled(COUNTING_ALIASES, "What is counted: distinct accounts (once each) or activities.")]
SegmentKindIn = Annotated[str, _canonical(SEGMENT_KIND_ALIASES, "segment kind"),
                          _spelled(SEGMENT_KIND_ALIASES, "horizontal: geography; vertical: market/application; "
                                                         "mixed: account type or size.")]
AxisStateIn = Annotated[str, _canonical(AXIS_STATE_ALIASES, "axis state"),
                        _spelled(AXIS_STATE_ALIASES, "active, prioritised (rank), suspended or dropped.")]
ActionStatusIn = Annotated[str, _canonical(ACTION_STATUS_ALIASES, "action status"),
                           _spelled(ACTION_STATUS_ALIASES, "planned, in_progress, done or cancelled.")]
LanguageIn = Annotated[str, _canonical(LANGUAGE_ALIASES, "language"),
                       _spelled(LANGUAGE_ALIASES, "Language of the plan's texts and reports.")]
DateOrderIn = Annotated[str, _canonical(DATE_ORDER_ALIASES, "date order"),
                        _spelled(DATE_ORDER_ALIASES, "How the plan's numeric dates read: dmy (3/4/2027 is 3 April) or "
                                                     "mdy (US order: March 4).")]
ContextKindIn = Annotated[str, _canonical(CONTEXT_KIND_ALIASES, "context kind"),
                          _spelled(CONTEXT_KIND_ALIASES, "market_event, lost_key_account, rep_leaving or capacity "
                                                         "(French names accepted).")]
ImpactIn = Annotated[str, _canonical(IMPACT_ALIASES, "impact"),
                     _spelled(IMPACT_ALIASES, "A market event's impact: opportunity (opportunité) or threat (menace).")]


def _role(value: object) -> object:
    """A job title as its role (« Sales Manager » -> manager); unknown text is kept (``pac plan check`` warns)."""
    return normalise_role(value) if isinstance(value, str) else value


RoleIn = Annotated[str, BeforeValidator(_role)]


def _text(value: object) -> object:
    """Numbers and dates written without quotes (period: 2027, when: 2027-05-03) are read as text."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | Decimal | date):
        return value.isoformat() if isinstance(value, date) else str(value)
    return value


MAX_COUNT = 100_000
"""The largest count of an action (visits, calls, accounts): more is a typing slip, and CRM number fields and
reports are sized for real plans (a 32-digit count used to reach the CRM, then break every report)."""
MAX_AMOUNT = Decimal(10**12)
"""The largest amount (objective, budget, cost) in the plan's currency: a thousand billion."""
MAX_TEXT = 2_000
"""The longest text of a plan (an action's statement, a name, a SWOT line), in characters."""


def amount_examples(context: object) -> tuple[str, str]:
    """Two amounts written with a scale, in the plan's currency and language (the validation context that
    ``planfile`` passes: ``{"currency": "USD", "language": "en"}``): ``"$150k"``, ``"$1.5M"`` in an English dollar
    plan, ``"150 k€"``, ``"1,5 M€"`` in a French euro one (usplan audit F8: an English USD plan was offered
    "150 k€" and "1,5 M€", a decimal comma a US reader reads as 15)."""
    given = context if isinstance(context, dict) else {}
    currency = str(given.get("currency") or "EUR").upper()
    if str(given.get("language") or "fr") == "en":
        symbol = get_currency_symbol(currency, "en_US")
        space = " " if symbol[-1:].isalpha() else ""     # CHF 150k
        return f'"{symbol}{space}150k"', f'"{symbol}{space}1.5M"'
    symbol = get_currency_symbol(currency, "fr_FR")
    return f'"150 k{symbol}"', f'"1,5 M{symbol}"'


def _money(value: object, info: ValidationInfo | None = None, fix: str = "", *, quantity: bool = False) -> object:
    if value is None:
        return None
    context = info.context if info is not None else None
    currency = context.get("currency") if isinstance(context, dict) else None
    language = context.get("language") if isinstance(context, dict) else None
    try:
        amount = parse_money(value, currency, language, quantity=quantity)
    except (AmbiguousAmount, TooPrecise) as exc:
        raise PydanticCustomError("money", "{error}", {"error": str(exc), "fix": exc.fix}) from None
    except ValueError as exc:
        fix = fix or "write a number or an amount: 150000, {}, {}".format(*amount_examples(context))
        raise PydanticCustomError("money", "{error}", {"error": str(exc), "fix": fix}) from None
    if abs(amount) > MAX_AMOUNT:
        raise PydanticCustomError("money", "{shown} is more than {limit}, the largest amount pac accepts", {
            "shown": _brief(value), "limit": f"{MAX_AMOUNT:,}", "fix": "check the number of zeros"})
    return amount


def _amount(value: object, info: ValidationInfo) -> object:
    return _money(value, info)


def _quantity(value: object, info: ValidationInfo) -> object:
    """Days of effort, a capacity: written as amounts are, but no money, so 0,125 day is no sub-cent amount."""
    return _money(value, info, quantity=True)


@dataclass(frozen=True)
class GrowthRate:
    """An objective written as a percentage of the axis's baseline (``"30 %"`` -> ``GrowthRate(Decimal("0.3"))``)."""

    rate: Decimal


def _objective_amount(value: object, info: ValidationInfo) -> object:
    """An objective's ``additional_revenue``: an amount, or a growth over the baseline written as a percentage
    (pac_core.growth: ``"30 %"``, ``"+30%"``, ``"12,5 %"``, ``"30 pct"``), above 0 and at most +1,000 %."""
    language = info.context.get("language") if isinstance(info.context, dict) else None
    try:
        rate = parse_growth_rate(value, language)
    except AmbiguousRate as exc:
        raise PydanticCustomError("growth", "{error}", {"error": str(exc), "fix": exc.fix}) from None
    if rate is None:
        english = isinstance(info.context, dict) and info.context.get("language") == "en"
        growth = '"30%"' if english else '"30 %"'    # in the plan's typography, as the amounts (docs2 F1)
        _growth_in_words(value, english)
        return _money(value, info, fix=f"write an amount such as 150000 or {amount_examples(info.context)[0]}, or "
                                       f"a growth over the baseline such as {growth}")
    if rate <= 0:
        raise PydanticCustomError("growth", "{shown} is not a growth: the objective is the revenue the axis must "
                                  "add over its baseline", {
                                      "shown": _brief(value),
                                      "fix": "write the rise expected, e.g. \"30 %\", or the additional revenue as "
                                             "an amount"})
    if rate > MAX_GROWTH_RATE:
        raise PydanticCustomError("growth", "{shown} is more than +{limit} %, the largest growth pac accepts", {
            "shown": _brief(value), "limit": f"{MAX_GROWTH_RATE * 100:,.0f}",
            "fix": "check the figure (\"30 %\" is 30 percent); for an axis that starts from almost nothing, write "
                   "the additional revenue as an amount, e.g. 50000"})
    return GrowthRate(rate)


# « +30 % vs 2026 », « +20 % au T3 », « +15 % sur le CA du segment »: a rate the manager followed with its base or its
# period, which belong elsewhere in the file; « doubler le CA », "x2": a growth of +100 %
_RATE_WITH_WORDS = re.compile(r"^\s*\+?\s*(\d+(?:[.,]\d+)?)\s*(?:%|pct\b|percent\b|pour\s*cent\b)\s*\S", re.I)
_DOUBLE = re.compile(r"^\s*(?:doubler\b|double\b|x\s*2\s*$|×\s*2\s*$)", re.I)


def _growth_in_words(value: object, english: bool) -> None:
    """Refuse a percentage followed by words, or « doubler », with what to write instead: they were refused as
    "not an amount", which told a manager who wrote « +30 % vs 2026 » nothing of where 2026 goes (audit
    growthhand)."""
    if not isinstance(value, str):
        return
    percent = "{}%" if english else "{} %"
    match = _RATE_WITH_WORDS.match(value)
    if match:
        rate = percent.format(match.group(1))
        raise PydanticCustomError("growth", "{shown} has words after its percentage, and pac reads the rate alone: "
                                  "its base is always the axis's revenue over the objective's period a year earlier",
                                  {"shown": _brief(value), "fix": (
                                      f'write additional_revenue: "{rate}" alone; a quarter or half-year goes in '
                                      "period: (e.g. period: T3), a fixed base in baseline:, and for the whole "
                                      "segment's revenue leave the axis's scope: out")})
    if _DOUBLE.match(value):
        raise PydanticCustomError("growth", "{shown} is a growth of +100 %, written in words", {
            "shown": _brief(value), "fix": f'write additional_revenue: "+{percent.format(100)}" (the revenue of the '
                                           "same period a year earlier, doubled), or the additional revenue as an "
                                           "amount"})


def _brief(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _rate(value: object) -> object:
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            return parse_money(value.strip()[:-1]) / 100
        except ValueError:
            pass
    if isinstance(value, str | int | float | Decimal) and not isinstance(value, bool):
        try:
            return parse_money(value)
        except ValueError:
            pass
    raise PydanticCustomError("rate", "{shown} is not a rate", {"shown": repr(value), "fix": "write 0.35 or \"35 %\""})


def _baseline(value: object, info: ValidationInfo) -> object:
    if isinstance(value, str) and _key(value) in {_key(s) for s in PREVIOUS_YEAR}:
        return "previous_year"
    # « +30 % vs 2026 » written baseline: 2026 read a fixed baseline of 2 026 € (an objective of 607,80 €): a bare
    # year is refused with both readings, an amount being written with its currency (audit growthhand)
    text = str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if re.fullmatch(r"(19|20)\d\d", text):
        given = info.context if isinstance(info.context, dict) else {}
        currency = str(given.get("currency") or "EUR").upper()
        english = given.get("language") == "en"
        symbol = get_currency_symbol(currency, "en_US" if english else "fr_FR")
        written = f'"{symbol}{text}"' if english else f'"{text} {symbol}"'
        raise PydanticCustomError("money", "{shown} is a year or an amount?", {
            "shown": _brief(value),
            "fix": "a growth's base is the same period a year earlier by default (leave baseline: out, or write "
                   f"previous_year); another year's revenue is written as an amount ({amount_examples(given)[1]}); a "
                   f"fixed baseline of {text} is written {written}"})
    return _money(value, info, fix="write previous_year (the same period a year earlier, the default) or an amount: "
                                   f"150000, {amount_examples(info.context)[0]}")


def _email(value: object) -> object:
    fix = "identify people by e-mail, e.g. julie.martin@durand-process.example"
    if isinstance(value, str):
        text = value.strip().lower()
        bare = INVISIBLE.sub("", text.removeprefix("mailto:").strip())
        if bare != text and re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", bare):
            # « mailto:julie@… » pasted from a mail client, or an invisible character pasted with the address: another
            # person than julie@… to every CRM (the spreadsheet import strips both; a plan file says so)
            fix = (f"write the bare e-mail, {bare}" + ("" if text.removeprefix("mailto:") != text else
                                                     " (the value holds an invisible character: retype it)"))
            raise PydanticCustomError("email", "{shown} is not an e-mail address", {"shown": repr(value), "fix": fix})
        if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
            return text
        # "Julie Martin <julie.martin@x>" (what the spreadsheet import reads, adding the person to people): refused in
        # a plan file, which names people by their bare e-mail and keeps the name under people
        named = re.fullmatch(r".*<\s*([^<>@\s]+@[^<>@\s]+\.[^<>@\s]+)\s*>", text)
        if named:
            fix = f"write the bare e-mail, {named[1]}; the name goes under people, as name:"
    raise PydanticCustomError("email", "{shown} is not an e-mail address", {"shown": repr(value), "fix": fix})


def _ident(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]*", value.strip()):
        return value.strip()
    raise PydanticCustomError("ident", "{shown} is not a valid id", {
        "shown": repr(value), "fix": "use letters, digits, '-', '_' or '.', e.g. AX-DORM-RA"})


def _count(value: object) -> object:
    """A whole number, grouped as either language groups thousands: « 1 200 », "1,200", « 1.200 », « 1'200 » are 1200
    (``scopes.read_count``; audit amounts2 F1: a quoted « 1 200 » was « not a whole number »); a negative one is left
    to the model's ``gt=0`` message."""
    if isinstance(value, int) and not isinstance(value, bool) and value < 0:
        return value
    number = read_count(value)
    if number is not None:
        if number > MAX_COUNT:
            raise PydanticCustomError("count", "{shown} is more than {limit}, the largest count pac accepts", {
                "shown": _brief(value), "limit": f"{MAX_COUNT:,}", "fix": "say how many, e.g. 5"})
        return number
    raise PydanticCustomError("count", "{shown} is not a whole number", {
        "shown": _brief(value), "fix": _count_fix(value)})


# A count as a manager says it (audit lintnums): « 3-5 », « 3 à 5 », "2k", « 1,5k », "10+", « 5 visites »: the number
# to write, as the linter reads the same words in a statement (docs/linter.md), not « say how many ».
_COUNT_RANGE = re.compile(r"\s*(\d{1,9})\s*(?:-|–|à|a|to|ou|or|/)\s*(\d{1,9})\s*")
_COUNT_KILO = re.compile(r"\s*(\d{1,3}(?:[.,]\d{1,2})?)\s?[kK]\s*")
_COUNT_PLUS = re.compile(r"\s*(?:(\d{1,9})\s*\+|(?:≥|>=|\+)\s*(\d{1,9}))\s*")
_COUNT_WORDS = re.compile(r"\s*(\d{1,9})\s+[^\W\d_][\w' -]*")


def _count_said(value: str) -> str | None:
    if (m := _COUNT_RANGE.fullmatch(value)) and int(m.group(1)) < int(m.group(2)):
        return f"a range: write one number, the one committed to, e.g. {int(m.group(1))}"
    if m := _COUNT_KILO.fullmatch(value):
        return f"write {round(float(m.group(1).replace(',', '.')) * 1000)}: a count is written in full"
    if m := _COUNT_PLUS.fullmatch(value):
        return f"write {int(m.group(1) or m.group(2))}, the number committed to"
    if m := _COUNT_WORDS.fullmatch(value):
        return f"write {int(m.group(1))} alone: the activity is what.activity"
    return None


def _count_fix(value: object) -> str:
    """How to write a count that is no whole number: the two around a fraction (a count is whole), and the quotes
    YAML needs around a grouped 1.200, which it reads as the number 1.2."""
    if isinstance(value, str) and (said := _count_said(value)) is not None:
        return said
    number = value if isinstance(value, float) else None
    if isinstance(value, str) and re.fullmatch(r"\s*\d+[.,]\d+\s*", value):
        number = float(value.strip().replace(",", "."))
    if number is None or not 0 < number < MAX_COUNT:
        return "say how many, e.g. 5"
    low = int(number)
    fix = f"a count is whole: write {low} or {low + 1}" if low else "a count is whole: write 1 or more"
    if isinstance(value, float) and number < 1000 and (number * 1000).is_integer():
        fix += f", or \"{value:.3f}\" in quotes for {int(number * 1000)} (YAML reads {value:.3f} unquoted as {value:g})"
    return fix


def _day(value: object) -> object:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str) and (m := re.fullmatch(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*", value)):
        try:
            return date(int(m[3]), int(m[2]), int(m[1]))
        except ValueError:
            pass
    return value


def _timezone(value: object) -> object:
    try:
        if len(str(value)) > 64:   # longer than any IANA name; ZoneInfo would raise OSError (file name too long)
            raise ValueError(value)
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise PydanticCustomError("timezone", "unknown timezone {shown}", {
            "shown": _brief(value), "fix": "use an IANA name such as Europe/Paris"}) from None
    return str(value)


_NUM_OR_TEXT = {"anyOf": [{"type": "number"}, {"type": "string"}]}
Text = Annotated[str, BeforeValidator(_text)]
Money = Annotated[Decimal, BeforeValidator(_amount),
                  WithJsonSchema({**_NUM_OR_TEXT, "description": "An amount: 150000, \"150 k€\", \"1,5 M€\"."})]
Quantity = Annotated[Decimal, BeforeValidator(_quantity),     # the schema of Money, as before it (amounts2)
                     WithJsonSchema({**_NUM_OR_TEXT, "description": "An amount: 150000, \"150 k€\", \"1,5 M€\"."})]
ObjectiveAmount = Annotated[Decimal | GrowthRate, BeforeValidator(_objective_amount), WithJsonSchema({
    **_NUM_OR_TEXT, "description": "The additional revenue over the period: an amount (150000, \"150 k€\", "
    "\"1,5 M€\"), or a growth over the baseline of the whole period as a percentage (\"30 %\", \"12,5 %\")."})]
Rate = Annotated[Decimal, BeforeValidator(_rate),
                 WithJsonSchema({**_NUM_OR_TEXT, "description": "A share: 0.35 or \"35 %\"."})]
Baseline = Annotated[Decimal | str, BeforeValidator(_baseline), WithJsonSchema({
    "anyOf": [{"type": "number"}, {"type": "string"}],
    "description": "previous_year (same period a year earlier, same scope) or a fixed amount."})]
Email = Annotated[str, BeforeValidator(_email),
                  WithJsonSchema({"type": "string", "format": "email", "description": "An e-mail (the identity)."})]
Ident = Annotated[str, BeforeValidator(_ident),
                  WithJsonSchema({"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"})]
Day = Annotated[date, BeforeValidator(_day)]
Count = Annotated[int, BeforeValidator(_count)]
Timezone = Annotated[str, BeforeValidator(_timezone), WithJsonSchema({"type": "string", "examples": ["Europe/Paris"]})]
# any case and accents are accepted by `pac plan check`; editors propose the vocabulary's spellings
KpiName = Annotated[str, WithJsonSchema({"type": "string", "description": "A KPI of the vocabulary.", "enum": list(
    dict.fromkeys(n for k in VOCABULARY for n in (k.fr, k.en, k.id, *k.aliases)))})]


def _scope_defs() -> dict[str, Any]:
    """JSON Schema definitions of scopes: ``Scope`` and the value shapes its keys share."""
    values = {"anyOf": [{"type": ["string", "number"]}, {"type": "array", "items": {"type": ["string", "number"]}}]}
    compare = {"type": "object", "additionalProperties": False,
               "properties": {op: _NUM_OR_TEXT for op in ("gte", "lte", "gt", "lt")}
               | {"between": {"type": "array", "items": _NUM_OR_TEXT, "minItems": 2, "maxItems": 2}}}
    dormant = {"anyOf": [{"type": "boolean"}, {"type": "object", "additionalProperties": False,
                                               "properties": {"months": {"type": "integer", "minimum": 1}}}]}
    docs = {
        "departement": "Départements: codes or names ('69', 'Rhône', '2A').",
        "region": "Régions (2016 names or codes).",
        "country": "Countries: ISO 3166 codes (US, FR), 3-letter codes (USA), English or French names (United States).",
        "postal_code": "Postal codes; a trailing * is a prefix ('69*').",
        "industry": "Industries as written in the CRM.", "account_type": "Account types (Client, Prospect...).",
        "annual_revenue": "Account revenue: {gte: '50 M€'}, {between: [a, b]}.",
        "account_owner": "Account owner's e-mail.", "owner": "Alias of account_owner (the account's owner).",
        "deal_owner": "Deal owner's e-mail (revenue only: the deals these people own).",
        "product": "Product code, family or name of a deal line (revenue: the matching lines' amounts).",
        "product_family": "Product family of a deal line (Salesforce Product2.Family).",
        "product_code": "Product code / SKU of a deal line.",
        "product_id": "Product library id of a deal line (HubSpot hs_product_id): renames leave it.",
        "name": "Account names.",
        "dormant": "true (the CRM's flag) or {months: N}: a won deal before, none for N months.",
    }
    shape = {"annual_revenue": "ScopeRevenue", "dormant": "ScopeDormant"}
    props: dict[str, Any] = {
        key: {"$ref": f"#/$defs/{shape.get(key, 'ScopeValues')}", "description": doc} for key, doc in docs.items()}
    accented = {"département": "departement", "départements": "departement", "région": "region",
                "régions": "region", "marché": "industry", "propriétaire": "owner"}
    for alias, target in sorted({**KEY_ALIASES, **accented}.items()):
        if alias not in props:
            props[alias] = {**props[target], "description": f"Alias of {target}."}
    custom = {r"^custom\.": {"$ref": "#/$defs/ScopeValues"}}
    negation = {"type": "object", "description": "Conditions to exclude (each negated).",
                "properties": props, "patternProperties": custom, "additionalProperties": False}
    scope_props = {**props, **{key: {"$ref": "#/$defs/ScopeNegation"} for key in NEGATION_KEYS}}
    scope = {"type": "object", "description": "Accounts in scope: every key must hold (AND); lists mean any of.",
             "properties": scope_props, "patternProperties": custom, "additionalProperties": False}
    return {"Scope": scope, "ScopeNegation": negation, "ScopeValues": values, "ScopeRevenue": compare,
            "ScopeDormant": dormant}


_SCOPE_MARK = "x-pac-scope"   # replaced by a $ref to the one Scope definition in plan_json_schema()
ScopeIn = Annotated[dict[str, Any] | None, WithJsonSchema({_SCOPE_MARK: True})]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_max_length=MAX_TEXT)


class PlanHeaderIn(_Model):
    name: str = Field(description="The plan's name, e.g. 'PAC 2027 — Durand Process'.")
    year: int = Field(ge=2000, le=2100, description="Year used for periods written without one ('semaine 18').")
    timezone: Timezone = "Europe/Paris"
    currency: str = Field("EUR", description="ISO 4217 code of every amount in the plan.")
    language: LanguageIn = "fr"
    period: Text | None = Field(None, description="The plan's period; defaults to the calendar year.")
    date_order: DateOrderIn | None = Field(None, description=(
        "How numeric dates read: dmy (3/4/2027 is 3 April, the default) or mdy (US order: March 4)."))
    fiscal_calendar: Text | list[Text] | None = Field(None, description=(
        "The fiscal year's quarters when they are no runs of three months: a week pattern (4-4-5, 4-5-4 or 5-4-4: "
        "the period is 52 or 53 weeks, 13 per quarter, the 53rd in Q4), or the four quarters' first days "
        "([2027-01-31, 2027-05-02, 2027-08-01, 2027-10-31], Q1 on the period's first day). Absent: calendar "
        "quarters, or three months from a fiscal year's first month."))
    id: Ident | None = Field(None, description="Stable id (defaults to a slug of the name).")


class PersonIn(_Model):
    email: Email
    name: str = ""
    role: RoleIn = Field("", description=(
        "manager (every alert of the plan) or rep (their own actions' alerts); job titles are read as their role: "
        "Sales Manager, VP Sales, directeur commercial -> manager; sales rep, account executive, commercial -> rep."))
    aliases: list[Email] = Field(default_factory=list, description=(
        "The person's other e-mails in the CRMs (a former address after a domain migration, their address in "
        "another CRM): records owned under them count as this person's. Never another person's e-mail."))


SWOT_KEY_ALIASES = {
    "strengths": ("forces",),
    "weaknesses": ("faiblesses",),
    "opportunities": ("opportunités", "opportunites"),
    "threats": ("menaces",),
}
"""The French names of the SWOT keys (docs/plan-format.md, *Segments*), with and without accents."""


def _swot_list(key: str, description: str) -> Any:
    return Field(default_factory=list, description=description,
                 validation_alias=AliasChoices(key, *SWOT_KEY_ALIASES[key]))


class SwotIn(_Model):
    strengths: list[str] = _swot_list("strengths", "Forces (internal).")
    weaknesses: list[str] = _swot_list("weaknesses", "Faiblesses (internal).")
    opportunities: list[str] = _swot_list("opportunities", "Opportunités (external).")
    threats: list[str] = _swot_list("threats", "Menaces (external).")

    @model_validator(mode="before")
    @classmethod
    def _one_spelling_each(cls, value: Any) -> Any:
        """``forces`` and ``strengths`` in one SWOT are one list written twice: refused, not half dropped."""
        if isinstance(value, dict):
            for key, aliases in SWOT_KEY_ALIASES.items():
                written = [k for k in (key, *aliases) if k in value]
                if len(written) > 1:
                    raise PydanticCustomError("swot_twice", "{first} and {second} are the same list ({key})", {
                        "first": repr(written[0]), "second": repr(written[1]), "key": key,
                        "fix": "keep one of them, with every sentence"})
        return value


class SegmentIn(_Model):
    id: Ident
    name: str
    kind: SegmentKindIn
    scope: ScopeIn = None
    swot: SwotIn = Field(default_factory=SwotIn)


class _StateOrMapping(_Model):
    """A status written as its word alone (``status: suspended``) or as a mapping with ``state`` and details."""

    @model_validator(mode="before")
    @classmethod
    def _from_word(cls, value: Any) -> Any:
        return {"state": value} if isinstance(value, str) else value


class AxisStatusIn(_StateOrMapping):
    """``status: active`` or a mapping with the state's details."""

    state: AxisStateIn = "active"
    rank: int | None = Field(None, description="prioritised: 1 is the first priority.")
    reason: str = Field("", description="suspended or dropped: why.")
    until: Day | None = Field(None, description="suspended: until when (inclusive).")
    since: Day | None = Field(None, description=(
        "The day the state took effect (written by pac plan pull from a CRM edit); an earlier day is evaluated as "
        "before it (the axis live). Absent: in force over the whole period."))


class ActionStatusMapIn(_StateOrMapping):
    """``status: cancelled`` or ``{state: cancelled, since: 2027-05-12}``."""

    state: ActionStatusIn = "planned"
    since: Day | None = Field(None, description=(
        "The day the status took effect (written by pac plan pull from a CRM edit); a cancelled action counts as "
        "not cancelled on the days before it. Absent: in force over the whole period."))


class ObjectiveIn(_Model):
    additional_revenue: ObjectiveAmount = Field(description=(
        "Additional revenue the axis must bring over the period: an amount, or \"30 %\" of its baseline (the same "
        "period a year earlier, or the fixed baseline)."))
    period: Text | None = Field(None, description="Defaults to the plan's period.")
    baseline: Baseline = "previous_year"
    margin_rate: Rate = Decimal("0.3")
    budget: Money | None = None
    effort_days: Quantity | None = Field(None, description="Days of work; the cost is effort_days x day_cost.")
    day_cost: Money | None = None
    expected_roi: Rate | None = Field(None, description="(gain - cost) / cost, a ratio: 2.5 means 250 %.")
    kpis: list[KpiName] = Field(default_factory=list, description=(
        "KPIs measured for the axis, from the vocabulary of docs/engine.md (French or English names)."))


class AxisIn(_Model):
    id: Ident
    name: str
    segment: Ident = Field(description="Id of the segment this axis develops.")
    scope: ScopeIn = None
    status: AxisStatusIn = Field(default_factory=AxisStatusIn)
    products: list[str] = Field(default_factory=list, description="Products whose capacity the axis draws on.")
    who: list[Email] = Field(default_factory=list, description="People (e-mails) given the axis: when set, only "
                             "the deals they own count for its revenue.")
    objective: ObjectiveIn | None = None


class WhatIn(_Model):
    activity: Activity
    count: Count = Field(description="How many (accounts or activities, see counting).")
    counting: CountingIn = "distinct_accounts"
    scope: ScopeIn = None


class InfoIn(_Model):
    needed: str = Field("", description="Information needed to prepare the action.")
    from_: str = Field("", alias="from", description="From whom (auprès de qui).")


class HandOverIn(_Model):
    """A former owner of the action and the day it was handed over (docs/plan-format.md, *Handing an action over*)."""

    from_: Text = Field(alias="from", description=(
        "The former owner: their e-mail (or an alias of theirs), or their name as people writes it."))
    on: Day = Field(description="The new owner's first day (the former owner's activities before it still count).")


def _hand_overs(value: object) -> object:
    """``handed_over`` written as one mapping is a list of one."""
    return [value] if isinstance(value, dict) else value


class ActionIn(_Model):
    id: Ident
    axis: Ident
    text: str = Field(description="The statement as written: a verb, a count, a target, a time bound.")
    who: Email
    what: WhatIn
    when: Text = Field(description="A period: 'semaine 18', 'mai 2027', 'T2', 'avant le 30/06/2027'...")
    info: InfoIn = Field(default_factory=InfoIn)
    status: ActionStatusMapIn = Field(default_factory=ActionStatusMapIn)
    handed_over: Annotated[list[HandOverIn], BeforeValidator(_hand_overs)] = Field(
        default_factory=list, description=(
            "The former owners of an action handed over to its who, each with the new owner's first day: "
            "{from: julie.martin@..., on: 2027-05-06}; their activities before that day still count."))


class ContextIn(_Model):
    """A change of context the advisor takes into account (docs/engine.md, *Context changes*)."""

    kind: ContextKindIn
    on: Day | None = Field(None, description="From this day (inclusive); a rep leaving: the first day gone.")
    until: Day | None = Field(None, description="Until this day (inclusive).")
    note: str = Field("", description="What happened, in a few words (shown in the advice).")
    segment: Ident | None = Field(None, description="The segment concerned (market event, lost key account).")
    axis: Ident | None = Field(None, description="The axis concerned (market event).")
    who: Email | None = Field(None, description="rep_leaving: the rep's e-mail.")
    account: str | None = Field(None, description="lost_key_account: the account's name or CRM id.")
    crm_field: str | None = Field(None, description=(
        "lost_key_account: read lost accounts from this mapped account field (custom.<name>): "
        "a checkbox, or the day the account was lost."))
    product: str | None = Field(None, description="capacity: the product.")
    capacity: Quantity | None = Field(None, description="capacity: quantity per calendar quarter.")
    impact: ImpactIn | None = None


class PlanFileIn(_Model):
    """A Commercial Action Plan (PAC) file."""

    plan: PlanHeaderIn
    people: list[PersonIn] = Field(default_factory=list)
    segments: list[SegmentIn] = Field(default_factory=list)
    axes: list[AxisIn] = Field(default_factory=list)
    actions: list[ActionIn] = Field(default_factory=list)
    context: list[ContextIn] = Field(default_factory=list, description="Changes of context (advisor).")


class TopIn(_Model):
    """The top level only, so that each item can then be validated (and reported) on its own."""

    plan: dict[str, Any]
    people: list[Any] | None = None
    segments: list[Any] | None = None
    axes: list[Any] | None = None
    actions: list[Any] | None = None
    context: list[Any] | None = None


def plan_json_schema() -> dict[str, Any]:
    """The JSON Schema of plan files, for editors (YAML language server)."""
    schema = PlanFileIn.model_json_schema(by_alias=True)
    status = schema["$defs"]["AxisStatusIn"]
    states = {"type": "string", "enum": spellings(AXIS_STATE_ALIASES)}
    schema["$defs"]["AxisStatusIn"] = {"anyOf": [states, status], "description": status.pop("description", "")}
    handed = schema["$defs"]["ActionIn"]["properties"]["handed_over"]   # one mapping, or a list of them
    schema["$defs"]["ActionIn"]["properties"]["handed_over"] = {
        "anyOf": [{"$ref": "#/$defs/HandOverIn"}, {"type": "array", "items": handed.pop("items")}],
        "description": handed.pop("description", ""), "title": handed.get("title", "Handed Over")}
    status = schema["$defs"]["ActionStatusMapIn"]
    words = {"type": "string", "enum": spellings(ACTION_STATUS_ALIASES)}
    schema["$defs"]["ActionStatusMapIn"] = {"anyOf": [words, status], "description": status.pop("description", "")}
    swot = schema["$defs"]["SwotIn"]["properties"]
    for key, aliases in SWOT_KEY_ALIASES.items():
        swot.update({alias: {**swot[key], "description": f"Alias of {key}."} for alias in aliases})
    schema = _with_scope_refs(schema)
    schema["$defs"].update(_scope_defs())
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "PAC plan file", **schema}


def _with_scope_refs(node: Any) -> Any:
    if isinstance(node, dict):
        if node.get(_SCOPE_MARK):
            return {"anyOf": [{"$ref": "#/$defs/Scope"}, {"type": "null"}]}
        return {k: _with_scope_refs(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_with_scope_refs(v) for v in node]
    return node
