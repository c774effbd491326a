"""The one scope evaluator: per account (with the failing condition, for explanations) and per set (for speed).

Semantics, shared by both paths so they can never disagree:

* strings are compared casefolded and accent-insensitive ("Rhône" == "rhone");
* ``postal_code`` values ending with ``*`` are prefixes ("69*" holds 69003);
* a missing attribute fails every operator except ``not_in`` (an account with no industry is not "in Chimie",
  and it is "not in Chimie"), but a French account France does not place (no postal code, or one that gives no
  département) has an *unknown* département and région (``UNPLACED``): it fails ``not_in`` too, since it may well be
  in the 69; an account abroad is in no département, and passes ``not_in``;
* a postal code typed with its town or CEDEX ("69289 CEDEX 02") is compared as its 5-digit code, a US ZIP+4
  ("60606-1234") as its ZIP;
* an account's annual revenue is compared in the plan's currency (a scope's bounds are written in it): converted from
  the account's own currency with the CRM's rates it carries, else ``engine.fx_rates``, as a deal's amount
  (``AnnualRevenue``, ``pac_core.fx.conversion``); one no rate converts is *unknown* (``UNRATED``): it fails every
  test, ``not`` included (a GBP revenue with no GBP rate is neither above nor below 50 M€), as ``UNPLACED``;
* ``dormant is True`` uses the account's CRM flag when it has one, else the rule "at least one won deal
  closed before the reference date, and none whose close date falls in the ``default_months`` months before
  it" (a dormant customer has bought before: a prospect that never won a deal is not dormant);
  ``dormant_months N`` always applies the rule with N months (the flag is ignored);
* the reference date is chosen by the caller: for an action, the first day of its window (an account
  visited in week 18 and won in week 19 was dormant when the action began and keeps counting); for an
  axis, the first day of its objective period.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import compress, repeat
from operator import attrgetter, eq, not_
from typing import Any

from pac_core.engine_settings import SETTINGS_FILE
from pac_core.errors import ScopeError
from pac_core.fx import Conversion, conversion, no_rate_values, no_rate_words
from pac_core.geography import FRENCH_GEOGRAPHY, postal_code_digits
from pac_core.money import money, shown_digits
from pac_core.periods import day_words
from pac_core.records import Account, CrmRates
from pac_core.results import Amount
from pac_core.scopes import FIELD_LABELS, FIELDS, OPERATORS, Condition, Scope, money_label
from pac_core.text import fold_value

AccountKey = tuple[str, str]          # (source, account id)
WonDates = date | Sequence[date]      # the last won close date before the reference, or all of them sorted


# fields a CRM may fill from a multi-select list (options joined by ";"), and every custom field
MULTI_VALUE_FIELDS = frozenset({"industry", "account_type"})
PLAIN_FIELDS = frozenset({"country", "departement", "region", "industry", "account_type", "name"})
TEXT_FIELDS = frozenset({"country", "postal_code", "departement", "region", "industry", "account_type",
                         "owner", "name", "deal_owner", "product", "product_family", "product_code",
                         "product_id"})
# département and région: France's places, unknown (not absent) for a French account without one
PLACE_FIELDS = frozenset({"departement", "region"})


class _Unknown:
    """A value that is not known, rather than absent: it fails every test, ``not_in`` included. ``UNPLACED``: the
    département or région of a French account that France does not place (unknown is not "outside the 69");
    ``UNRATED``: an annual revenue no rate converts into the plan's currency (unknown is not "under 50 M€")."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


UNPLACED: Any = _Unknown("UNPLACED")
UNRATED: Any = _Unknown("UNRATED")


class AnnualRevenue:
    """How an account's annual revenue compares with a scope's ``annual_revenue`` bounds, which are written in the
    plan's ``currency``: converted from its own currency with the CRM's rates it carries, else ``fx_rates`` (the
    plan's ``engine.fx_rates``), exactly as a deal's amount (``pac_core.fx.conversion``, rounded half up to the plan
    currency's minor unit); an account with no currency is taken to be in the plan's; one no rate converts is
    ``UNRATED``. ``currency`` None (a caller with no plan: tests, tools) compares the amounts as the CRM gives them.
    Each distinct (currency, rates) pair's conversion is worked out once."""

    def __init__(self, currency: str | None = None, fx_rates: Mapping[str, Decimal] | None = None,
                 settings_file: str = SETTINGS_FILE) -> None:
        self.currency = currency.upper() if currency else None
        self.fx_rates: Mapping[str, Decimal] = fx_rates or {}
        self.settings_file = settings_file     # where a missing rate goes (``EngineSettings.settings_file``)
        self._conversions: dict[tuple[str | None, CrmRates | None], Conversion | None] = {}

    def conversion(self, currency: str | None, rates: CrmRates | None) -> Conversion | None:
        """The conversion of an amount of ``currency`` with ``rates`` into the plan's currency (None: no rate)."""
        key = (currency, rates)
        if key in self._conversions:
            return self._conversions[key]
        assert self.currency is not None
        found = self._conversions[key] = conversion(currency, rates, self.currency, self.fx_rates)
        return found

    def value(self, amount: Any, currency: str | None, rates: CrmRates | None) -> Any:
        """The amount as compared: a Decimal of the plan's currency, None (no annual revenue) or ``UNRATED``."""
        number = normalise(amount)
        if number is None or self.currency is None or not isinstance(number, Decimal):
            return number
        rate = self.conversion(currency, rates)
        return UNRATED if rate is None else rate(number)

    def of(self, account: Account) -> Any:
        return self.value(account.annual_revenue, account.currency, account.rates)


AS_GIVEN = AnnualRevenue()   # no plan currency: the annual revenue compared as the CRM gives it


def unplaced(country: str | None) -> bool:
    """An account of this country with no département has an unknown one (France, its overseas départements, or no
    country at all), rather than none (abroad)."""
    return country is None or country in FRENCH_GEOGRAPHY


def place_value(value: Any, country: str | None) -> Any:
    """A département's or région's normalised value: ``UNPLACED`` for a French account without one."""
    return UNPLACED if value is None and unplaced(country) else value


_ZIP_PLUS_FOUR = re.compile(r"(\d{5})-\d{4}")


def postal_key(postal_code: str) -> str:
    """How a postal code compares: its 5-digit code when typed with a town or CEDEX, spaces dropped, folded; a US
    ZIP+4 ("60606-1234") as its ZIP ("60606"): a plan names 5 characters or a prefix, never a ZIP+4, so the ZIP is
    all a scope can compare it with, and `postal_code: "60606"` holds the Loop's ZIP+4 accounts."""
    key = fold_value(postal_code_digits(postal_code))
    zip_plus_four = _ZIP_PLUS_FOUR.fullmatch(key)
    return zip_plus_four[1] if zip_plus_four else key


def normalise(value: Any) -> Any:
    """A value in comparable form: folded text, Decimal numbers, booleans and None unchanged."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return fold_value(value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | float):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None
    return value


def months_before(day: date, months: int) -> date:
    """The same calendar day ``months`` months earlier (clamped to the month's last day)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    for dd in (day.day, 30, 29, 28):
        try:
            return date(year, month, dd)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def dormant_by_deals(won: WonDates | None, reference: date, months: int) -> bool:
    """The dormancy rule on won close dates: one before ``reference - months`` and none in [reference - months,
    reference). ``won``: the sorted dates, or the last one before ``reference`` (None: never won)."""
    if won is None:
        return False
    low = months_before(reference, months)
    if isinstance(won, date):
        return won < low
    return 0 < bisect_left(won, low) == bisect_left(won, reference)


def account_value(account: Account, field: str, owner_email: Mapping[AccountKey, str],
                  revenue: AnnualRevenue = AS_GIVEN) -> Any:
    """The normalised value of one scope field on one account (``custom.<name>`` included); the annual revenue in
    the plan's currency (``revenue``)."""
    if field == "annual_revenue":
        return revenue.of(account)
    if field.startswith("custom."):
        return normalise(account.custom.get(field[7:]))
    if field == "owner":
        if account.owner_id is None:
            return None
        email = owner_email.get((account.source, account.owner_id))
        return fold_value(email) if email else None
    if field == "postal_code":
        return postal_key(account.postal_code) if account.postal_code else None
    value = getattr(account, field)
    if isinstance(value, str):
        return fold_value(value)
    if field in PLACE_FIELDS:
        return place_value(value, account.country)
    return normalise(value)


class ValueTest:
    """One condition (other than dormancy) compiled to a test on a normalised value."""

    def __init__(self, condition: Condition) -> None:
        self.condition = condition
        op, field = condition.op, condition.field
        if op not in OPERATORS:
            raise ScopeError(f"unknown scope operator {op!r}", f"use one of {', '.join(OPERATORS)}")
        if field not in FIELDS and not field.startswith("custom."):
            raise ScopeError(f"unknown scope field {field!r}", f"use one of {', '.join(FIELDS)} or custom.<name>")
        values: tuple[Any, ...]
        if field in TEXT_FIELDS and op in ("in", "not_in"):
            values = tuple(fold_value(str(v)).replace(" ", "") if field == "postal_code" else fold_value(str(v))
                           for v in condition.values)
        else:
            values = tuple(normalise(v) for v in condition.values)
        self.exact = frozenset(v for v in values if not (isinstance(v, str) and v.endswith("*")))
        self.prefixes = tuple(v[:-1] for v in values if isinstance(v, str) and v.endswith("*"))
        self.values = values
        # a multi-select field holds its options joined by ";" (Salesforce multi-select picklists, HubSpot multiple
        # checkboxes): "in" holds when one of them is listed
        self.options = op in ("in", "not_in") and (field in MULTI_VALUE_FIELDS or field.startswith("custom."))
        self.bounds = tuple(v for v in values if isinstance(v, Decimal))   # all of them for gte..between
        if op in ("gte", "lte", "gt", "lt", "between") and not all(isinstance(v, Decimal) for v in values):
            raise ScopeError(f"{condition.label or field}: {op} needs numbers, got {condition.values!r}",
                             "write a number such as 50000000")
        if op == "between" and len(values) != 2:
            raise ScopeError(f"{condition.label or field}: between needs two bounds", "write [low, high]")

    def _hit(self, value: Any) -> bool:
        return value in self.exact or (bool(self.prefixes) and isinstance(value, str)
                                       and value.startswith(self.prefixes))

    def __call__(self, value: Any) -> bool:
        op = self.condition.op
        if value is None:
            return op == "not_in"
        if isinstance(value, _Unknown):      # UNPLACED, UNRATED
            return False
        if op in ("in", "not_in"):
            hit = self._hit(value) or (self.options and isinstance(value, str) and ";" in value
                                       and any(self._hit(part.strip()) for part in value.split(";")))
            return hit if op == "in" else not hit
        if op == "is":
            return value == bool(self.values[0]) if isinstance(value, bool) else False
        if not isinstance(value, Decimal):
            return False
        low = self.bounds[0]
        if op == "gte":
            return value >= low
        if op == "lte":
            return value <= low
        if op == "gt":
            return value > low
        if op == "lt":
            return value < low
        return low <= value <= self.bounds[1]   # between, inclusive


def is_dormancy(condition: Condition) -> bool:
    return condition.field == "dormant" or condition.op == "dormant_months"


def dormancy_rule(condition: Condition, default_months: int) -> tuple[bool, int, bool]:
    """(wanted dormant?, months, use the CRM flag first?) for a dormancy condition."""
    if condition.op == "dormant_months":
        months = int(condition.values[0]) if condition.values else default_months
        return True, months, False
    if condition.op != "is":
        raise ScopeError(f"dormant takes 'is' or 'dormant_months', not {condition.op!r}",
                         "write dormant: true or dormant: {months: 12}")
    return bool(condition.values[0]) if condition.values else True, default_months, True


def compile_scope(
    scope: Scope,
    *,
    as_of_for_dormant: date,
    last_won: Mapping[AccountKey, WonDates],
    owner_email: Mapping[AccountKey, str],
    default_months: int = 12,
    revenue: AnnualRevenue = AS_GIVEN,
) -> Callable[[Account], Condition | None]:
    """A function returning the first condition of ``scope`` an account fails, or None when it is in scope.

    ``last_won`` maps an account to its won close dates (sorted) or to its last won close date
    before ``as_of_for_dormant``; dormancy is judged at ``as_of_for_dormant``; ``revenue``: the annual revenue in
    the plan's currency.
    """
    tests: list[tuple[Condition, Callable[[Account], bool]]] = []
    for condition in scope.accounts_part.conditions:   # deal conditions apply to revenue only
        if is_dormancy(condition):
            wanted, months, use_flag = dormancy_rule(condition, default_months)

            def dormant_test(account: Account, wanted: bool = wanted, months: int = months,
                             use_flag: bool = use_flag) -> bool:
                if use_flag and account.dormant is not None:
                    return account.dormant == wanted
                won = last_won.get((account.source, account.id))
                return dormant_by_deals(won, as_of_for_dormant, months) == wanted

            tests.append((condition, dormant_test))
        else:
            test, field = ValueTest(condition), condition.field

            def value_test(account: Account, test: ValueTest = test, field: str = field) -> bool:
                return test(account_value(account, field, owner_email, revenue))

            tests.append((condition, value_test))

    def first_failure(account: Account) -> Condition | None:
        for condition, test in tests:
            if not test(account):
                return condition
        return None

    return first_failure


def describe_failure(condition: Condition, account: Account, owner_email: Mapping[AccountKey, str],
                     revenue: AnnualRevenue = AS_GIVEN) -> str:
    """Why an account fails a condition, as the engine keeps it (``Decision.detail``: English around the plan's
    French field names and scope label): "département 38 (scope: département 69)"; an annual revenue converted into
    the plan's currency with its own amount and currency beside ("CA annuel €60,000,000 = CHF 57,000,000.00"), or why
    it is unknown there. Each language is written from its values (``failure_values``, ``failure_words``)."""
    return failure_words(*failure_values(condition, account, owner_email, revenue), DETAIL)


Values = tuple[tuple[str, str], ...]
DETAIL = "detail"    # the words a decision keeps: English around the plan's French field names (``FIELD_LABELS``)
NOT_READ_OWNER = "a user pac does not read"   # an owner id no user pac reads names (a queue, an inactive user)
# an account field's name in English; the engine's details and French use the plan's (``scopes.FIELD_LABELS``)
FIELD_WORDS_EN = {
    "country": "country", "postal_code": "postal code", "departement": "département", "region": "region",
    "industry": "industry", "account_type": "account type", "annual_revenue": "annual revenue",
    "owner": "account owner", "name": "account", "dormant": "dormant",
}
_FEMININE = frozenset({"region"})   # « région inconnue », « aucune région »


@dataclass(frozen=True)
class _Words:
    """A language's words for a scope failure (``failure_words``)."""

    unknown: tuple[str, str]   # masculine, feminine
    scope: str
    flag: tuple[str, str]      # dormant, not dormant, by the CRM's flag (it decided, not the rule by won deals)
    bool: tuple[str, str]      # a checkbox ticked, not ticked
    not_read: str              # an owner no user pac reads
    options: str               # between a multi-select's options
    unrated: str
    abroad: tuple[str, str]    # masculine, feminine
    with_code: str
    without_code: str


_WORDS = {
    "en": _Words(("unknown", "unknown"), "(scope: {})",
                 ("dormant by the CRM's dormant flag (pac's rule by won deals not applied)",
                  "not dormant by the CRM's dormant flag (pac's rule by won deals not applied)"),
                 ("yes", "no"), NOT_READ_OWNER,
                 "; ", "{}, unknown in {}: {}", ("no {}, country {}",) * 2,
                 "{} {}, postal code '{}' gives no département", "{} {}, no postal code"),
    "fr": _Words(("inconnu", "inconnue"), "(périmètre : {})",
                 ("dormant d'après le drapeau dormant du CRM (la règle des affaires gagnées ne s'applique pas)",
                  "non dormant d'après le drapeau dormant du CRM (la règle des affaires gagnées ne s'applique pas)"),
                 ("oui", "non"),
                 "un utilisateur que pac ne lit pas", " ; ", "{}, inconnu en {} : {}",
                 ("aucun {}, pays {}", "aucune {}, pays {}"), "{} {}, code postal '{}' : aucun département",
                 "{} {}, sans code postal"),
}
_RULE_WORDS = {   # the dormancy rule's evidence (``dormancy_values``)
    "en": {"never": "not dormant: never won a deal (prospect)",
           "later": "not dormant: no won deal before {ref} (a prospect then)",
           "recent": "not dormant: last won deal on {last}, within the {span} before {ref} (from {low})",
           "dormant": "dormant: no won deal from {low} ({span} before {ref}), the last on {last}"},
    "fr": {"never": "non dormant : jamais d'affaire gagnée (prospect)",
           "later": "non dormant : aucune affaire gagnée avant le {ref} (prospect à cette date)",
           "recent": "non dormant : dernière affaire gagnée le {last}, {within} avant le {ref} (depuis le {low})",
           "dormant": "dormant : aucune affaire gagnée depuis le {low} ({span} avant le {ref}), la dernière le {last}"},
}


def _head(condition: Condition) -> Values:
    """What every failure keeps of its condition: the field, the label and a comparison's bounds (for the label in
    each language: ``label_words``)."""
    label = condition.label or f"{condition.field} {condition.op} {list(condition.values)}"
    bounds = ";".join(str(v) for v in condition.values if isinstance(v, Decimal | int) and not isinstance(v, bool))
    return (("field", condition.field), ("label", label), *((("bounds", bounds),) if bounds else ()))


def failure_values(condition: Condition, account: Account, owner_email: Mapping[AccountKey, str],
                   revenue: AnnualRevenue = AS_GIVEN) -> tuple[tuple[Amount, ...], Values]:
    """Why an account fails a condition, as values (``Decision.amounts`` and ``Decision.values``), from which
    ``failure_words`` writes each language: no amount, code, date or CRM text is read back out of words (audit
    nearmissfmt, 7 Dec 2026: « CA annuel 60000000 EUR = 57000000.00 CHF » in both languages). ``kind``: ``flag``
    (the CRM's dormant flag), ``rule`` (the dormancy rule: ``dormancy_values``), ``revenue``, ``unrated`` (no rate
    converts it), ``abroad`` (no département or région, abroad), ``unplaced`` (a French account France does not
    place), ``value`` (the account's value as the CRM gives it: ``value`` absent when it has none, ``owner_id`` for an
    owner no user pac reads)."""
    head = _head(condition)
    if is_dormancy(condition):
        return (), (*head, ("kind", "flag"), ("dormant", "0" if _wants_dormant(condition) else "1"))
    if condition.field == "annual_revenue":
        return _revenue_values(account, revenue, head)
    if condition.field.startswith("custom."):
        raw = account.custom.get(condition.field[7:])
    elif condition.field == "owner":
        raw = owner_email.get((account.source, account.owner_id or ""))
        if raw is None and account.owner_id:
            return (), (*head, ("kind", "value"), ("owner_id", account.owner_id))
    else:
        raw = getattr(account, condition.field)
    if raw is None and condition.field in PLACE_FIELDS:
        if not unplaced(account.country):
            return (), (*head, ("kind", "abroad"), ("country", str(account.country)))
        return (), (*head, ("kind", "unplaced"), ("postal_code", account.postal_code or ""))
    if raw is None:
        return (), (*head, ("kind", "value"))
    shape = ("bool" if isinstance(raw, bool) else "number" if isinstance(raw, int | float | Decimal) else
             "options" if isinstance(raw, str) and ";" in raw and (condition.field in MULTI_VALUE_FIELDS
                                                                    or condition.field.startswith("custom."))
             else "text")
    shown = ("1" if raw else "0") if shape == "bool" else str(normalise(raw)) if shape == "number" else str(raw)
    return (), (*head, ("kind", "value"), ("type", shape), ("value", shown))


def _revenue_values(account: Account, revenue: AnnualRevenue, head: Values) -> tuple[tuple[Amount, ...], Values]:
    """An annual revenue's values: its own amount and currency, and what it is in the plan's (or why not)."""
    amount = normalise(account.annual_revenue)
    if not isinstance(amount, Decimal):
        return (), (*head, ("kind", "value"))
    cur = (account.currency or revenue.currency or "").upper()
    if not cur:    # no plan, no currency: the amount as the CRM gives it
        return (), (*head, ("kind", "value"), ("type", "number"), ("value", str(amount)))
    own = Amount(amount, cur)
    if revenue.currency is None or cur == revenue.currency:
        return (own,), (*head, ("kind", "revenue"))
    value = revenue.of(account)
    if value is UNRATED:
        said, corporate, into = no_rate_values(cur, account.rates, revenue.currency)
        file = revenue.settings_file
        return (own,), (*head, ("kind", "unrated"), ("currency", said), ("corporate", corporate), ("into", into),
                        *((("file", file),) if file != SETTINGS_FILE else ()))
    return (own, Amount(value, revenue.currency)), (*head, ("kind", "revenue"))


def dormancy_values(condition: Condition, won: Sequence[date], reference: date,
                    months: int) -> tuple[tuple[Amount, ...], Values]:
    """Why the dormancy rule (no CRM flag) fails for an account at ``reference``, with its won close dates
    (sorted), as values: ``then`` ``never`` (never won), ``later`` (won only from ``reference`` on), ``recent`` (a won
    deal within the ``months`` before it), ``dormant`` (the scope wants the others); ``failure_words`` writes them,
    "not dormant: last won deal on 2026-11-03, within the 12 months before 2027-05-03 (from 2026-05-03)", « non
    dormant : dernière affaire gagnée le 3 novembre 2026, dans les 12 mois avant le 3 mai 2027 (depuis le 3 mai
    2026) » (audit matching F8; French days in words: audit nearmissfmt)."""
    wanted = _wants_dormant(condition)
    before = [day for day in won if day < reference]
    then = "dormant" if not wanted else "never" if not won else "later" if not before else "recent"
    return (), (*_head(condition), ("kind", "rule"), ("then", then), ("reference", reference.isoformat()),
                ("since", months_before(reference, months).isoformat()), ("months", str(months)),
                ("last", before[-1].isoformat() if before else ""))


def _rule_words(kept: Mapping[str, str], lang: str) -> str:
    """The dormancy rule's evidence in ``lang`` (``dormancy_values``); days ISO in English, in words in French."""
    months = int(kept["months"])
    if lang == "fr":
        def day(iso: str) -> str:
            return day_words(date.fromisoformat(iso), "fr") if iso else ""
        span = f"{months} mois"
        within = "dans le mois" if months == 1 else f"dans les {span}"
    else:
        def day(iso: str) -> str:
            return iso
        span = f"{months} month{'' if months == 1 else 's'}"
        within = ""
    return _RULE_WORDS[lang][kept["then"]].format(ref=day(kept["reference"]), low=day(kept["since"]),
                                                   last=day(kept["last"]), span=span, within=within)


def _own_amount(amount: Amount, lang: str) -> str:
    """An account's own annual revenue as pac writes money: to the unit when whole (Salesforce's AnnualRevenue is a
    whole-number currency field), else to the currency's last unit."""
    whole = amount.value == amount.value.to_integral_value()
    return money(amount.value, amount.currency, lang, decimals=0 if whole else shown_digits(amount.currency))


def failure_words(amounts: Sequence[Amount], values: Values, lang: str, label: str | None = None) -> str:
    """``failure_values`` in ``lang`` (``fr``, ``en``, or ``DETAIL``: the words the engine keeps), with the scope's
    ``label`` in that language (as the plan wrote it when not given). Amounts as pac writes money (« 60 000 000 € =
    57 000 000,00 CHF », "€60,000,000 = CHF 57,000,000.00": the converted amount to the cent, as compared)."""
    kept = dict(values)
    said = "en" if lang == DETAIL else lang
    words = _WORDS[said]
    field = kept["field"]
    name = FIELD_WORDS_EN.get(field, field) if lang == "en" else FIELD_LABELS.get(field, field)
    feminine = field in _FEMININE
    unknown = words.unknown[feminine]
    kind = kept["kind"]
    tail = words.scope.format(kept["label"] if label is None else label)
    if kind == "flag":    # the CRM's flag decided: said so, as the rule's evidence is (audit smallleft)
        return f"{words.flag[0] if kept['dormant'] == '1' else words.flag[1]} {tail}"
    if kind == "rule":
        return f"{_rule_words(kept, said)} {tail}"
    if kind == "revenue":
        shown = " = ".join((_own_amount(amounts[0], said),
                            *(money(a.value, a.currency, said, decimals=shown_digits(a.currency))
                              for a in amounts[1:])))
        return f"{name} {shown} {tail}"
    if kind == "unrated":
        why = no_rate_words(kept["currency"], kept["corporate"], kept["into"], said, kept.get("file"))
        return f"{name} {words.unrated.format(_own_amount(amounts[0], said), kept['into'], why)} {tail}"
    if kind == "abroad":
        return f"{words.abroad[feminine].format(name, kept['country'])} {tail}"
    if kind == "unplaced":
        if kept["postal_code"]:
            return f"{words.with_code.format(name, unknown, kept['postal_code'])} {tail}"
        return f"{words.without_code.format(name, unknown)} {tail}"
    if "owner_id" in kept:
        return f"{name} {words.not_read} ({kept['owner_id']}) {tail}"
    if "value" not in kept:
        return f"{name} {unknown} {tail}"
    value, shape = kept["value"], kept.get("type", "text")
    if shape == "bool":
        value = words.bool[value != "1"]
    elif shape == "number" and said == "fr":
        value = value.replace(".", ",")
    elif shape == "options":
        value = words.options.join(o.strip() for o in value.split(";"))
    return f"{name} {value} {tail}"


_SYMBOL = re.compile(r"(≥|≤|>|<) (.+)")
_BETWEEN = re.compile(r"entre (.+) et (.+)")
_MONTHS_LABEL = re.compile(r"dormant (\d+) mois")


def _money_label_en(amount: Decimal) -> str:
    """``scopes.money_label`` as an English plan reads it: "1.5 M", "2 bn", "1234567.5"."""
    return money_label(amount).replace(",", ".").replace(" Md", " bn")


def label_words(values: Values, lang: str) -> str | None:
    """A failed condition's scope label in ``lang``: as the plan wrote it in French; in English rebuilt from what
    pac made it of (« hors » and the field's name, a comparison's amounts, « oui »/« non », a dormancy's months), its
    values as the plan wrote them (a CRM's label is never translated: « secteur Grands comptes » is "industry Grands
    comptes"). None when the label is not one pac made of the condition (the caller translates it as a whole)."""
    kept = dict(values)
    label = kept["label"]
    if lang != "en":
        return label
    field = kept["field"]
    negated = label.startswith(("hors ", "non "))
    rest = label[5:] if label.startswith("hors ") else label[4:] if label.startswith("non ") else label
    lead = "not " if negated else ""
    if field == "dormant":
        months = _MONTHS_LABEL.fullmatch(rest)
        if months:
            return f"{lead}dormant {months[1]} month{'' if months[1] == '1' else 's'}"
        return f"{lead}dormant" if rest == "dormant" else None
    name = FIELD_LABELS.get(field, field)
    if not rest.startswith(name + " "):
        return None
    body = rest[len(name) + 1:]
    bounds = [Decimal(b) for b in kept.get("bounds", "").split(";") if b]
    symbol, between = _SYMBOL.fullmatch(body), _BETWEEN.fullmatch(body)
    if symbol and len(bounds) == 1 and symbol[2] == money_label(bounds[0]):
        body = f"{symbol[1]} {_money_label_en(bounds[0])}"
    elif between and len(bounds) == 2 and (between[1], between[2]) == tuple(map(money_label, bounds)):
        body = f"between {_money_label_en(bounds[0])} and {_money_label_en(bounds[1])}"
    elif field.startswith("custom.") and body in ("oui", "non"):
        body = "yes" if body == "oui" else "no"
    return f"{lead}{FIELD_WORDS_EN.get(field, field)} {body}"


def _wants_dormant(condition: Condition) -> bool:
    return condition.op == "dormant_months" or (bool(condition.values[0]) if condition.values else True)


class ScopeIndex:
    """Set-based scope evaluation over accounts numbered 0..n-1, with the same semantics as ``compile_scope``.

    Each field is indexed once (normalised value -> account numbers); a condition's set is the union
    over the distinct values that pass its test, computed once and cached; a scope's set is the
    intersection of its conditions' sets. Deleted accounts are never members.
    """

    def __init__(self, accounts: Sequence[Account], owner_email: Mapping[AccountKey, str],
                 won_dates: Sequence[tuple[date, ...]], default_months: int = 12,
                 revenue: AnnualRevenue = AS_GIVEN) -> None:
        self.accounts = accounts
        self.revenue = revenue                # the annual revenue in the plan's currency
        self.owner_email = owner_email
        self.won_dates = won_dates            # per account number, sorted won close dates
        self.default_months = default_months
        self.live = frozenset(i for i, a in enumerate(accounts) if not a.deleted)
        self._fields: dict[str, dict[Any, set[int]]] = {}
        self._conditions: dict[Condition, frozenset[int]] = {}
        self._scopes: dict[tuple[tuple[Condition, ...], date], frozenset[int]] = {}
        self._flags: tuple[frozenset[int], frozenset[int], frozenset[int]] | None = None
        self._active: dict[tuple[date, date], bytearray] = {}
        self._splits: dict[int, tuple[frozenset[int], tuple[list[int], list[int], list[int], list[int]]]] = {}
        self._asked: dict[tuple[date, date], int] = {}
        self._codes: bytearray | None = None
        self._statics: dict[tuple[Condition, ...], frozenset[int]] = {}
        won = sorted((d, i) for i, dates in enumerate(won_dates) for d in dates)
        self._won_days = [d for d, _ in won]
        self._won_accounts = [i for _, i in won]

    def members(self, scope: Scope, reference: date) -> frozenset[int]:
        """Numbers of the live accounts in ``scope``, dormancy judged at ``reference`` (deal conditions ignored)."""
        scope = scope.accounts_part
        static = tuple(c for c in scope.conditions if not is_dormancy(c))
        dynamic = tuple(c for c in scope.conditions if is_dormancy(c))
        key = (scope.conditions, reference if dynamic else date.min)
        found = self._scopes.get(key)
        if found is not None:
            return found
        result = self._static_set(static)
        for condition in dynamic:
            result = self._dormancy_filter(result, condition, reference)
        self._scopes[key] = result
        return result

    def contains(self, scope: Scope, reference: date) -> Callable[[int], bool]:
        """A test of one account number, true exactly when it is in ``members(scope, reference)``.

        Without dormancy conditions (or when that set is already known) it is the set's own membership
        test; with them, the scope's other conditions come from their cached set and dormancy is tested
        on the account's own won dates and CRM flag: a few accounts tested instead of a whole set built.
        """
        scope = scope.accounts_part
        static = tuple(c for c in scope.conditions if not is_dormancy(c))
        dynamic = tuple(c for c in scope.conditions if is_dormancy(c))
        key = (scope.conditions, reference if dynamic else date.min)
        found = self._scopes.get(key)
        if found is not None:
            return found.__contains__
        base = self._static_set(static)
        if not dynamic:
            self._scopes[key] = base
            return base.__contains__
        tests = tuple(self._dormancy_test(c, reference) for c in dynamic)
        if len(tests) == 1:
            [test] = tests
            return lambda n: n in base and test(n)
        return lambda n: n in base and all(t(n) for t in tests)

    def index_fields(self, scopes: Iterable[Scope]) -> None:
        """Index now every account field these scopes read (else each field is indexed on first use)."""
        for scope in scopes:
            for condition in scope.accounts_part.conditions:
                if not is_dormancy(condition):
                    self._field_index(condition.field)
        self._dormant_codes()

    def _static_set(self, static: tuple[Condition, ...]) -> frozenset[int]:
        result = self._statics.get(static)
        if result is None:
            result = self.live
            for s in sorted((self._condition_set(c) for c in static), key=len):
                result = result & s
                if not result:
                    break
            self._statics[static] = result
        return result

    def _dormancy_test(self, condition: Condition, reference: date) -> Callable[[int], bool]:
        """Per account, the rule of ``_dormancy_filter``: the CRM flag first when the condition uses it, else
        dormant = a won deal closed before ``reference - months`` and none in [reference - months, reference)."""
        wanted, months, use_flag = dormancy_rule(condition, self.default_months)
        low = months_before(reference, months)
        won = self.won_dates
        codes = self._dormant_codes() if use_flag else None

        def test(n: int) -> bool:
            if codes is not None:
                code = codes[n]
                if code:
                    return (code == 1) == wanted
            dates = won[n]
            return (0 < bisect_left(dates, low) == bisect_left(dates, reference)) == wanted

        return test

    def _dormant_codes(self) -> bytearray:
        """Per account: 1 flagged dormant in the CRM, 2 flagged not dormant, 0 no flag."""
        if self._codes is None:
            self._codes = bytearray(1 if a.dormant is True else 2 if a.dormant is False else 0
                                    for a in self.accounts)
        return self._codes

    def _condition_set(self, condition: Condition) -> frozenset[int]:
        found = self._conditions.get(condition)
        if found is None:
            test = ValueTest(condition)
            index = self._field_index(condition.field)
            found = frozenset().union(*(ids for value, ids in index.items() if test(value)))
            self._conditions[condition] = found
        return found

    def _field_index(self, field: str) -> dict[Any, set[int]]:
        index = self._fields.get(field)
        if index is None:
            index = {}
            accounts, emails, live = self.accounts, self.owner_email, self.live
            if field in PLAIN_FIELDS:   # same values as account_value, without a call per account
                values = [fold_value(v) if isinstance(v, str) else normalise(v)
                          for v in map(attrgetter(field), accounts)]
                if field in PLACE_FIELDS:
                    values = [place_value(v, a.country) for v, a in zip(values, accounts, strict=True)]
            else:
                values = [account_value(a, field, emails, self.revenue) for a in accounts]
            for i, value in enumerate(values):
                if i not in live:
                    continue
                found = index.get(value)
                if found is None:
                    index[value] = {i}
                else:
                    found.add(i)
            self._fields[field] = index
        return index

    def _won_marks(self, low: date, high: date) -> bytearray:
        """Per account number, 1 when a won deal closed in [low, high): one mark array per span, cached."""
        found = self._active.get((low, high))
        if found is None:
            lo, hi = bisect_left(self._won_days, low), bisect_left(self._won_days, high)
            found = self._active[(low, high)] = bytearray(len(self.accounts))
            deque(map(found.__setitem__, self._won_accounts[lo:hi], repeat(1)), maxlen=0)   # C-level scatter
        return found

    def _flag_split(self, base: frozenset[int]) -> tuple[list[int], list[int], list[int], list[int]]:
        """(every account, flagged dormant, flagged not dormant, no flag) of a scope set, cached per set."""
        found = self._splits.get(id(base))
        if found is None or found[0] is not base:
            codes = self._dormant_codes()
            every = list(base)
            flags = list(map(codes.__getitem__, every))
            found = self._splits[id(base)] = (base, (every, list(compress(every, map(eq, flags, repeat(1)))),
                                                     list(compress(every, map(eq, flags, repeat(2)))),
                                                     list(compress(every, map(not_, flags)))))
        return found[1]

    def _dormancy_filter(self, base: Iterable[int], condition: Condition, reference: date) -> frozenset[int]:
        wanted, months, use_flag = dormancy_rule(condition, self.default_months)
        low = months_before(reference, months)
        base = base if isinstance(base, frozenset) else frozenset(base)
        span = (low, reference)
        asked = self._asked[span] = self._asked.get(span, 0) + 1
        deals_in_span = bisect_left(self._won_days, reference) - bisect_left(self._won_days, low)
        if span not in self._active and asked == 1 and len(base) * 16 < deals_in_span:
            # a small scope seen once: test its accounts' own won dates (the span's marks are built
            # from its second use on, when scopes share a reference date, as a plan's actions do)
            won = self.won_dates
            dormant: frozenset[int] = frozenset(
                n for n in base if 0 < bisect_left(won[n], low) == bisect_left(won[n], reference))
            if not use_flag:
                return base & dormant if wanted else base - dormant
            flag_true, flag_false, flag_none = self._dormant_flags()
            by_rule = (flag_none & base) & dormant if wanted else (flag_none & base) - dormant
            return (base & (flag_true if wanted else flag_false)) | by_rule
        marks, before = self._won_marks(low, reference), self._won_marks(date.min, low)
        every, flagged_true, flagged_false, unflagged = self._flag_split(base)
        ruled = unflagged if use_flag else every
        dormant_marks = [before[n] and not marks[n] for n in ruled]
        kept = list(compress(ruled, dormant_marks if wanted else map(not_, dormant_marks)))
        if use_flag:
            kept.extend(flagged_true if wanted else flagged_false)
        return frozenset(kept)

    def _dormant_flags(self) -> tuple[frozenset[int], frozenset[int], frozenset[int]]:
        if self._flags is None:
            true = frozenset(i for i in self.live if self.accounts[i].dormant is True)
            false = frozenset(i for i in self.live if self.accounts[i].dormant is False)
            self._flags = (true, false, self.live - true - false)
        return self._flags
