"""Scopes: a small declarative, safe filter language over normalised account attributes.

A scope is a conjunction of conditions (no ``eval``, no code): every condition must hold.
The empty scope matches every account.

Account fields: country, postal_code, departement, region, industry, account_type, annual_revenue,
account_owner (an e-mail; ``owner`` is its documented alias, kept for plans written before the two owners
were named apart), name, dormant, and ``custom.<name>`` for mapped custom attributes.

Deal fields (``DEAL_FIELDS``), for revenue only (axes and segments; refused in an action's scope): deal_owner
(e-mails of the deals' owners), product (a line's product code, family or name), product_family,
product_code, product_id (a HubSpot line's product library id). An account-level evaluation ignores them
(``Scope.accounts_part``); the won-deal ledger applies them per deal and per line (``pac_core.revenue.DealFilter``).
Operators: in, not_in, gte, lte, gt, lt, between, is (booleans), dormant_months.
Postal-code values ending in ``*`` are prefixes ("69*"); industry, account type and name values
are stored as written (the evaluator compares them case- and accent-insensitively).

``parse_scope`` turns the mapping a manager writes in a plan file into a normalised ``Scope``.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any

from babel.numbers import get_currency_symbol

from pac_core.errors import InvalidInput, Problem, ScopeError
from pac_core.geography import (
    country_code,
    country_suggestion,
    former_region,
    resolve_departements,
    resolve_region,
)
from pac_core.money import MINUS, minor_digits, minor_unit
from pac_core.text import fold_key

DEAL_FIELDS = ("deal_owner", "product", "product_family", "product_code", "product_id")
FIELDS = (
    "country", "postal_code", "departement", "region", "industry", "account_type",
    "annual_revenue", "owner", "name", "dormant", *DEAL_FIELDS,
)
OPERATORS = ("in", "not_in", "gte", "lte", "gt", "lt", "between", "is", "dormant_months")


@dataclass(frozen=True)
class Condition:
    """One test on one attribute; ``values`` are already normalised (e.g. départements as codes)."""

    field: str
    op: str
    values: tuple[Any, ...]
    label: str = ""   # how the user wrote it, for explanations ("département 69")


@dataclass(frozen=True)
class Scope:
    """A conjunction of conditions over accounts."""

    conditions: tuple[Condition, ...] = ()

    def __and__(self, other: Scope) -> Scope:
        return Scope(self.conditions + other.conditions)

    @property
    def is_everything(self) -> bool:
        return not self.conditions

    @property
    def accounts_part(self) -> Scope:
        """The conditions on accounts (what decides membership of an account)."""
        if not any(c.field in DEAL_FIELDS for c in self.conditions):
            return self
        return Scope(tuple(c for c in self.conditions if c.field not in DEAL_FIELDS))

    @property
    def deals_part(self) -> tuple[Condition, ...]:
        """The conditions on deals and their lines (deal owner, products): revenue only."""
        return tuple(c for c in self.conditions if c.field in DEAL_FIELDS)


EVERYTHING = Scope()


# --------------------------------------------------------------------------------------------
# Parsing: the YAML mapping a manager writes -> a normalised Scope (documented in docs/plan-format.md)
# --------------------------------------------------------------------------------------------

#: Keys a manager may write, French or English, accents optional -> the canonical field.
KEY_ALIASES: dict[str, str] = {
    "country": "country", "pays": "country",
    "postal_code": "postal_code", "code_postal": "postal_code", "cp": "postal_code",
    "departement": "departement", "departements": "departement", "dept": "departement", "dpt": "departement",
    "region": "region", "regions": "region",
    "industry": "industry", "industrie": "industry", "secteur": "industry", "marche": "industry",
    "account_type": "account_type", "type_de_compte": "account_type", "type_compte": "account_type",
    "typologie": "account_type", "type": "account_type",
    "annual_revenue": "annual_revenue", "chiffre_affaires": "annual_revenue", "chiffre_d_affaires": "annual_revenue",
    "ca": "annual_revenue", "ca_annuel": "annual_revenue", "revenue": "annual_revenue",
    "account_owner": "owner", "owner": "owner", "proprietaire": "owner", "commercial": "owner",
    "proprietaire_du_compte": "owner", "proprietaire_compte": "owner",
    "deal_owner": "deal_owner", "proprietaire_de_l_affaire": "deal_owner", "proprietaire_affaire": "deal_owner",
    "proprietaire_opportunite": "deal_owner", "opportunity_owner": "deal_owner",
    "product": "product", "products": "product", "produit": "product", "produits": "product",
    "product_family": "product_family", "famille": "product_family", "famille_produit": "product_family",
    "famille_de_produits": "product_family", "gamme": "product_family",
    "product_code": "product_code", "code_produit": "product_code", "sku": "product_code",
    "product_id": "product_id", "id_produit": "product_id", "hs_product_id": "product_id",
    "name": "name", "nom": "name", "compte": "name",
    "dormant": "dormant", "dormants": "dormant",
}
NEGATION_KEYS = ("not", "sauf", "hors")
COMPARISONS = ("gte", "lte", "gt", "lt", "between")
_INVERSE = {"in": "not_in", "gte": "lt", "lt": "gte", "lte": "gt", "gt": "lte"}
# How a field is named to a person, in a scope's label ("secteur Chimie") and in why an account fails it
# (``scope_eval.describe_failure``: "secteur Pharmaceutique (périmètre : secteur Chimie)"): one table, so one line
# never names the same attribute two ways (audit janmeet F10: « secteur … (périmètre : industrie …) »).
FIELD_LABELS = {
    "country": "pays", "postal_code": "code postal", "departement": "département", "region": "région",
    "industry": "secteur", "account_type": "type de compte", "annual_revenue": "CA annuel",
    "owner": "propriétaire du compte", "name": "compte", "dormant": "dormant",
    "deal_owner": "propriétaire de l'affaire", "product": "produit", "product_family": "famille de produits",
    "product_code": "code produit", "product_id": "id produit",
}
_SYMBOLS = {"gte": "≥", "lte": "≤", "gt": ">", "lt": "<"}
# Keys of a non-French subdivision: no such field, the error says what works (a custom field, ZIP prefixes).
_STATE_KEYS = frozenset({"state", "states", "province", "provinces", "county", "canton", "cantons", "etat",
                         "land", "bundesland", "us_state", "state_code"})
_POSTAL = re.compile(r"^(?:\d|2[AaBb])[\dA-Za-z]{0,4}\*?$")


_MONEY = re.compile(r"^([+-]?\d+(?:[.,]\d+)?)(k|m|md|mds|g|b|bn)?$")
_SCALE = {None: 1, "k": 10**3, "m": 10**6, "md": 10**9, "mds": 10**9, "g": 10**9, "b": 10**9, "bn": 10**9}
# thousands commas that cannot be decimals: two groups or more (1,500,000), or groups then a decimal point
# (1,234.56, 150,000.00); one group alone (1,500) is read by ``_one_group``
_GROUPED = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?|\d{1,3}(?:,\d{3})+\.\d+)(k|m|md|mds|g|b|bn)?$")
# one group of three digits after a comma or a point, the first group not 0 ("0,125" is a decimal comma)
_ONE_GROUP = re.compile(r"^([+-]?[1-9]\d{0,2})([,.])(\d{3})(k|m|md|mds|g|b|bn)?$")
_CODE = re.compile(r"^([a-z]{3})?([+-]?[\d.,]+(?:k|m|md|mds|g|b|bn)?)([a-z]{3})?$")
# points grouping thousands then a decimal comma (1.500,00; 1.234.567,89), or two point groups or more (1.500.000),
# as German, Italian, Spanish write amounts; one point group alone (1.500) is read by ``_one_group``
_POINTS = re.compile(r"^([+-]?)(\d{1,3}(?:\.\d{3})+,\d+|\d{1,3}(?:\.\d{3}){2,})(k|m|md|mds|g|b|bn)?$")
# apostrophes grouping thousands, the Swiss way (1'500.00, 1’500, 1'500,50)
_APOSTROPHES = re.compile(r"^([+-]?)(\d{1,3}(?:['’]\d{3})+(?:[.,]\d+)?)(k|m|md|mds|g|b|bn)?$")
# a count grouped in thousands by a space (a no-break one too), an apostrophe, a comma or a point, the same mark
# between every group, then perhaps a decimal part of zeros with the other mark (« 1 200 », "1,200", « 1.200,0 »)
GROUPED_COUNT = r"[1-9]\d{0,2}(?P<mark>[ ',.’])\d{3}(?:(?P=mark)\d{3})*"     # also read in statements (``linter``)
_COUNT = re.compile(rf"(?P<number>{GROUPED_COUNT}|\d+)(?:(?P<dot>[.,])0+)?")
# a currency sign (Unicode category Sc: $ € £ ¥ ₹...) among what is written before the number
_SIGN = re.compile(r"[$€£¥₹₩₽₺₪₫₱₦¢₴₸₡₲₵₭₮₼₾]")


class AmbiguousAmount(ValueError):
    """ "1,500 M€": thousands (1 500 M) or decimals (1,5 M)? ``thousands`` and ``decimals`` are the two readings,
    the written scale applied (1500000000 and 1500000); ``fix`` says what to write for each."""

    def __init__(self, message: str, thousands: Decimal, decimals: Decimal) -> None:
        super().__init__(message)
        self.thousands = thousands
        self.decimals = decimals

    @property
    def fix(self) -> str:
        return f"write {_plain(self.thousands)} for thousands, or {_plain(self.decimals)} for decimals"


class TooPrecise(ValueError):
    """ "0,125" in a EUR plan, "1,5" in a JPY one: an amount finer than the currency's smallest unit (ISO 4217), which
    nobody pays; ``fix`` names the two amounts of that unit around it, in the plan's language ("write 0,12 or 0,13")."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.fix = fix


def _plain(value: Decimal) -> str:
    """A reading as a number to write: no grouping, a decimal point (1500000, 1.5)."""
    return format(value.normalize(), "f")


@functools.lru_cache(maxsize=16)   # a pure function of a 3-letter code, asked for every amount of a plan
def currency_marks(currency: str) -> tuple[str, ...]:
    """What may stand beside an amount of ``currency`` (lower case, longest first): its ISO code and its English
    and French symbols (USD: ``usd``, ``$us``, ``$``; EUR: ``eur``, ``€``)."""
    code = currency.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        return ()
    marks = {code.lower()}
    for locale in ("en_US", "fr_FR"):
        marks.add(get_currency_symbol(code, locale).lower())   # the code itself when Babel has no symbol
    return tuple(sorted(marks, key=len, reverse=True))


def parse_money(value: object, currency: str | None = None, language: str | None = None, *,
                quantity: bool = False) -> Decimal:
    """An amount in the plan's currency: 50000000, "50 M€", "50M", "1,5 M€", "150 k€", "50 000 €", "$1,500,000",
    "$1,234.56", "$25,000", "150000 USD" (``currency``, the plan's ISO code: its code and symbols are read beside the
    number; ``language``, the plan's, ``en`` or ``fr``).

    A comma is a decimal mark ("1,5 M€") unless it cannot be one: two thousands groups or more ("1,500,000") or
    thousands groups followed by a decimal point ("150,000.00"). One group of three digits alone ("1,500", "$25,000")
    is thousands when a currency sign comes before the number (the English way: French writes "25 000 $"), or when no
    k / M follows it (three decimals are no amount of money in a currency of cents or none), or when no k / M follows
    it in an English plan (a currency of three minor digits); else ("1,500 M€", "1,500k": 1,5 M or 1 500 M?) it is
    refused (``AmbiguousAmount``). A point before three digits alone ("1.500 €") with no k / M is refused too
    (1,5 € or 1 500 €, as German and Italian write it?) in a currency of at most two minor digits. Another
    currency's code or symbol is refused ("150000 GBP" or "150 k€" in a USD plan, "$150k" in a EUR plan, "£1,500"
    in a USD plan). An amount finer than the currency's smallest unit ("0,125" €, "1,5" ¥) is refused
    (``TooPrecise``), unless ``quantity`` (days of effort, a capacity: read as amounts are, but no money). Raises
    ValueError.
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not an amount")
    if isinstance(value, int | Decimal | float):      # YAML's 0.125: a float, no less finer than the cent
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        return number if quantity else _to_the_unit(value, number, currency, language)
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not an amount")
    value = _french_money_words(value)
    # the minus sign U+2212 pac writes a negative figure with (« −1 500 € », copied from the report) is a minus
    text = re.sub(r"[\s\u00a0\u202f]", "", value.strip().lower()).replace(MINUS, "-")
    sign_first = bool(_SIGN.search(re.split(r"\d", text, maxsplit=1)[0]))
    marks = currency_marks(currency or "")
    sign, text = (text[0], text[1:]) if text[:1] in ("-", "+") else ("", text)   # "-CHF 1,500", as pac writes it
    for mark in marks:
        if text.startswith(mark) or text.endswith(mark):
            text = text.removeprefix(mark) if text.startswith(mark) else text.removesuffix(mark)
            break
    text = sign + text
    if currency:
        # a mark of another currency left: "150 k€" in a USD plan is not $150,000 (reverify NEW-1); a dollar sign is
        # any dollar currency's (CAD, AUD...: the plan's symbols then hold a "$")
        if re.search(r"€|eur(os?)?$", text) and currency.strip().upper() != "EUR":
            raise ValueError(f"{value!r} is in EUR, and the plan's amounts are in {currency.strip().upper()}")
        if "$" in text and not any("$" in mark for mark in marks):
            raise ValueError(f"{value!r} is in dollars, and the plan's amounts are in {currency.strip().upper()}")
        other = _SIGN.search(text.replace("$", "").replace("€", ""))
        if other and not any(other.group(0) in mark for mark in marks):
            # "£1,500" in a USD plan was "not an amount", which named no currency
            named = {"£": "pounds", "¥": "yen or yuan"}.get(other.group(0), f"another currency ({other.group(0)})")
            raise ValueError(f"{value!r} is in {named}, and the plan's amounts are in {currency.strip().upper()}")
        text = "".join(c for c in text if not (_SIGN.match(c) and any(c in mark for mark in marks)))
    text = re.sub(r"[€$]|eur(os?)?$", "", text)
    grouped = _GROUPED.match(text)
    points = _POINTS.match(text)
    apostrophes = _APOSTROPHES.match(text)
    if grouped:
        text = grouped.group(1) + grouped.group(2).replace(",", "") + (grouped.group(3) or "")
    elif points:            # "1.500,00 €", "1.500.000 €" (audit amounts2: "not an amount")
        text = points.group(1) + points.group(2).replace(".", "").replace(",", ".") + (points.group(3) or "")
    elif apostrophes:       # "CHF 1'500.00"
        text = apostrophes.group(1) + re.sub("['’]", "", apostrophes.group(2)) + (apostrophes.group(3) or "")
    else:
        text = _one_group(value, text, sign_first, currency, language, quantity)
    match = _MONEY.match(text)
    if not match:
        other = _CODE.match(text)
        code = other and (other.group(1) or other.group(3))
        if code and currency and code.upper() != currency.upper() and code not in _SCALE:
            raise ValueError(f"{value!r} is in {code.upper()}, and the plan's amounts are in {currency.upper()}")
        raise ValueError(f"{value!r} is not an amount")
    try:
        number = Decimal(match.group(1).replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the regex only lets numbers through
        raise ValueError(f"{value!r} is not an amount") from None
    amount = number * _SCALE[match.group(2)]
    return amount if quantity else _to_the_unit(value, amount, currency, language)


# « 150 k€ HT », « 15 000 € hors taxes »: before tax, the amount a CRM deal holds; only after the amount (a digit, a
# currency sign or a blank before it: « 15 000 KHT » stays no amount)
_BEFORE_TAX = re.compile(r"(?<=[\d€$£¥\s])\s*(?:h\.?\s?t\.?|hors[\s-]+taxes?)\s*$", re.IGNORECASE)
_VAT_INCLUDED = re.compile(r"(?<=[\d€$£¥\s])\s*(?:t\.?\s?t\.?\s?c\.?|toutes\s+taxes\s+comprises)\s*$", re.IGNORECASE)
# « 1,5 million d'euros », « 2 milliards € », « 15 mille € », "$1.5 million": the scale words, as k / M / Md
_SCALE_WORDS = ((re.compile(r"\s*\bd['’]\s*euros?\b", re.IGNORECASE), " €"),
                (re.compile(r"\bmilliards?\b", re.IGNORECASE), "Md"),
                (re.compile(r"\bmillions?\b", re.IGNORECASE), "M"),
                (re.compile(r"\bmille\b", re.IGNORECASE), "k"))


def _french_money_words(value: str) -> str:
    """``value`` with a trailing « HT » dropped and scale words as k / M / Md (audit planfr: « 150 k€ HT » was « in
    KHT, and the plan's amounts are in EUR », « 1,5 million d'euros » « not an amount »). A trailing « TTC » (VAT
    included) is refused: what pac adds up is revenue before tax."""
    if len(value) > 200:        # no amount is that long: refused as written, and no pattern runs over it
        return value
    if _VAT_INCLUDED.search(value):
        raise ValueError(f"{value!r} includes VAT (TTC), and revenue is counted before tax (HT), as the CRM's deal "
                         "amounts are: write the amount HT")
    value = _BEFORE_TAX.sub("", value)
    for pattern, scale in _SCALE_WORDS:
        value = pattern.sub(scale, value)
    return value


def _to_the_unit(value: object, amount: Decimal, currency: str | None, language: str | None) -> Decimal:
    """``amount`` when it is a whole number of ``currency``'s smallest unit (a cent, a yen; trailing zeros aside:
    "1,5000" is 1,50); else ``TooPrecise`` (audit amounts2: "0,125" € and "1,5" ¥ were read as written). With no
    currency (a rate, 0.125) nothing is refused."""
    if not currency or not re.fullmatch(r"[A-Za-z]{3}", currency.strip()):
        return amount
    code, unit = currency.strip().upper(), minor_unit(currency.strip())
    digits = minor_digits(code)
    exponent = amount.normalize().as_tuple().exponent
    if not isinstance(exponent, int) or exponent >= -digits:
        return amount                   # whole units (1e40 too: MAX_AMOUNT refuses it), or no number (inf, nan)
    try:
        low, high = (amount.quantize(unit, rounding=r) for r in (ROUND_FLOOR, ROUND_CEILING))
    except InvalidOperation:            # more digits than Decimal's precision: refused as too large by the caller
        return amount
    mark = "." if language == "en" else ","
    written = [format(v, "f").replace(".", mark) for v in (low, high)]
    if digits:
        message = (f"{value!r} is {_plain(amount)}, finer than the smallest {code} amount ({unit}: {code} amounts "
                   f"have {digits} decimals)")
    else:
        message = f"{value!r} is {_plain(amount)}, and {code} amounts have no decimals"
    raise TooPrecise(message, f"write {written[0]} or {written[1]}")


def read_count(value: object) -> int | None:
    """A count as a manager or a spreadsheet writes it, or None when it is no whole number: 1200, "1200", « 1 200 »
    (a no-break or narrow no-break space too), "1,200", « 1.200 », « 1'200 » (thousands in either language: a count is
    whole, so « 1,200 » cannot be 1,2), "1,200,000", « 5,0 » / "5.0" (a « 0,0 » cell format); « 1,5 », "1,20",
    « 0,125 », "-5" are None (docs/plan-format.md, *Actions*)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    if not isinstance(value, str):
        return None
    text = re.sub(r"[\u00a0\u202f]", " ", value).strip()
    match = _COUNT.fullmatch(text)
    if not match or (match.group("dot") and match.group("dot") == match.group("mark")):
        return None
    return int(re.sub(r"\D", "", match.group("number")))


def _one_group(value: str, text: str, sign_first: bool, currency: str | None, language: str | None,
               quantity: bool = False) -> str:
    """``text`` with one group of three digits read (docs/plan-format.md, *Amounts*): "25,000" -> "25000" when the
    group is thousands; raises ``AmbiguousAmount`` when it could be decimals as well; else ``text`` unchanged. A
    ``quantity`` (days) may have three decimals, as a KWD amount: « 2,125 » days is refused in a French plan."""
    one = _ONE_GROUP.match(text)
    if not one:
        return text
    head, mark, tail, scale = one.groups()
    thousands, decimals = Decimal(head + tail), Decimal(f"{head}.{tail}")
    cents = not quantity and minor_digits(currency or "EUR") < 3   # three decimals are no money of this currency
    if mark == ".":
        if scale or not currency or not cents:
            return text                             # 1.500 M€ = 1,5 M€; a rate, 0.350; 1.500 KWD
        raise AmbiguousAmount(f"{value!r} is ambiguous: {_plain(thousands)} with a point grouping thousands (as "
                              f"German or Italian write it), or {_plain(decimals)} with a decimal point",
                              thousands, decimals)
    if sign_first or (not scale and (cents or language == "en")):
        return head + tail + (scale or "")
    size = _SCALE[scale]
    raise AmbiguousAmount(f"{value!r} is ambiguous: {_plain(thousands * size)} with a comma grouping thousands, or "
                          f"{_plain(decimals * size)} with a decimal comma", thousands * size, decimals * size)


def money_label(amount: Decimal) -> str:
    """50000000 -> "50 M", 1500000 -> "1,5 M", 150000 -> "150 k", 1234 -> "1234" (French decimal comma)."""
    for size, suffix in ((10**9, " Md"), (10**6, " M"), (10**3, " k")):
        if abs(amount) >= size and (amount * 100) % size == 0:
            return _number(amount / size) + suffix
    return _number(amount)


def _number(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


class _Collector:
    """Gathers the problems of one scope, each with its key path."""

    def __init__(self, at: str, currency: str | None = None, language: str | None = None) -> None:
        self.at = at
        self.currency = currency      # the plan's: amounts written with its code or symbol ("$50,000,000")
        self.language = language      # the plan's: how one thousands group reads ("1,500" in an English plan)
        self.problems: list[Problem] = []

    def add(self, key: str, message: str, fix: str = "") -> None:
        self.problems.append(Problem(f"{self.at}.{key}" if key else self.at, message, fix))


def parse_scope(data: Mapping[str, object] | None, *, at: str = "scope", currency: str | None = None,
                language: str | None = None) -> Scope:
    """Parse a scope mapping as written in a plan file into a normalised ``Scope``.

    Every key is one condition; all must hold (AND). Lists mean "any of" (OR inside a key).
    Normalised values: départements as codes ("Rhône" -> "69"), régions as their 2016 names,
    owners lower-cased, revenue as Decimal in the plan's currency, postal codes as strings where
    a trailing ``*`` is a prefix ("69*"). ``not:`` (or ``sauf:``/``hors:``) negates its inner keys.
    Raises ``ScopeError`` carrying every problem found (path, message, fix).
    """
    if data is None:
        return EVERYTHING
    out = _Collector(at, currency, language)
    if not isinstance(data, Mapping):
        out.add("", f"a scope is a mapping of conditions, not {type(data).__name__}",
                "write e.g. scope: {departement: \"69\", industry: Chimie}")
        raise ScopeError(out.problems)
    conditions: list[Condition | None] = []
    for raw_key, value in data.items():
        key = str(raw_key)
        if fold_key(key) in NEGATION_KEYS:
            if not isinstance(value, Mapping) or not value:
                out.add(key, "not: takes a mapping of conditions to exclude",
                        "write e.g. not: {account_type: Distributeur}")
                continue
            for inner_key, inner in value.items():
                if fold_key(str(inner_key)) in NEGATION_KEYS:
                    out.add(f"{key}.{inner_key}", "not: cannot be nested", "move the condition up one level")
                    continue
                conditions.extend(_negate(c, out, f"{key}.{inner_key}")
                                  for c in _conditions(str(inner_key), inner, out, f"{key}.{inner_key}"))
        else:
            conditions.extend(_conditions(key, value, out, key))
    if out.problems:
        raise ScopeError(out.problems)
    return Scope(tuple(c for c in conditions if c is not None))


def _canonical_field(key: str, out: _Collector, where: str) -> str | None:
    if key.startswith("custom."):
        if len(key) > len("custom."):
            return key
        out.add(where, "custom. needs the attribute's name", "write e.g. custom.segment_code: A1")
        return None
    found = KEY_ALIASES.get(fold_key(key))
    if found:
        return found
    if fold_key(key) in _STATE_KEYS:
        out.add(where, f"unknown scope field {key!r}",
                "pac's own geography (département, région) is France's: map the CRM's state field as a custom "
                "attribute (Salesforce `custom: {state: BillingState}`, HubSpot `custom: {state: state}`) and write "
                "`custom.state: IL` with the CRM's own values, or scope by ZIP prefix (postal_code: \"606*\")")
        return None
    known = sorted({*FIELDS, "custom.<name>", "not"})
    close = difflib.get_close_matches(fold_key(key), [*KEY_ALIASES, *NEGATION_KEYS], n=1, cutoff=0.6)
    suggestion = KEY_ALIASES.get(close[0], close[0]) if close else None
    fix = f"did you mean {suggestion!r}?" if suggestion else f"known fields: {', '.join(known)}"
    out.add(where, f"unknown scope field {key!r}", fix)
    return None


def _conditions(key: str, value: object, out: _Collector, where: str) -> list[Condition]:
    field = _canonical_field(key, out, where)
    if field is None:
        return []
    if field == "dormant":
        return _dormant(value, out, where)
    if field == "annual_revenue" or (field.startswith("custom.") and isinstance(value, Mapping)):
        return _comparisons(field, value, out, where)
    if field.startswith("custom.") and isinstance(value, bool):
        return [Condition(field, "is", (value,), f"{field} {'oui' if value else 'non'}")]
    items = _as_list(value, out, where)
    if not items:
        return []
    normalise = _NORMALISERS.get(field, _text)
    values: list[object] = []
    before = len(out.problems)
    for i, item in enumerate(items):
        item_where = f"{where}[{i}]" if isinstance(value, list) else where
        normalised = normalise(item, out, item_where)
        # « Isère et Savoie », « 69, 38 »: one value naming several départements
        for one in (normalised if isinstance(normalised, tuple) else (normalised,)):
            if one is not None and one not in values:
                values.append(one)
    if len(out.problems) > before:
        return []
    # a custom attribute as written (custom.departement), never its bare name: that reads as the built-in field
    name = FIELD_LABELS.get(field, field)
    return [Condition(field, "in", tuple(values), f"{name} {', '.join(str(v) for v in values)}")]


def _as_list(value: object, out: _Collector, where: str) -> list[object]:
    items = list(value) if isinstance(value, list | tuple) else [value]
    if not items or any(item is None or item == "" for item in items):
        out.add(where, "a scope condition needs a value", "write a value, or remove the key")
        return []
    if any(isinstance(item, Mapping | list) for item in items):
        out.add(where, "expected a value or a list of values", "write e.g. [\"69\", \"38\"]")
        return []
    return items


def _text(item: object, out: _Collector, where: str) -> object:
    return str(item).strip()


def _departement(item: object, out: _Collector, where: str) -> object:
    text = f"{item:02d}" if isinstance(item, int) and not isinstance(item, bool) else str(item).strip()
    try:
        codes = resolve_departements(text)
        return codes[0] if len(codes) == 1 else codes
    except InvalidInput as exc:
        first = exc.problems[0] if exc.problems else Problem("", str(exc))
        out.add(where, first.message, first.fix)
        return None


def _region(item: object, out: _Collector, where: str) -> object:
    former = former_region(str(item).strip())
    if former is not None:   # merged in 2016: its own départements, or the 2016 région people still call so?
        name, codes = former
        whole = resolve_region(name)
        out.add(where, f"{str(item).strip()!r} is the former région {name} (before 2016), now part of {whole}: "
                       f"its {len(codes)} départements or the 2016 région's?",
                f"write region: {whole} for the 2016 région, or departement: [{', '.join(codes)}] for the former "
                f"{name}")
        return None
    try:
        return resolve_region(str(item).strip())
    except InvalidInput as exc:
        first = exc.problems[0] if exc.problems else Problem("", str(exc))
        out.add(where, first.message, first.fix)
        return None


def _country(item: object, out: _Collector, where: str) -> object:
    text = str(item).strip()
    code = country_code(text)
    if code:
        return code
    close = country_suggestion(text)
    fix = (f"did you mean {close}?" if close else
           "write the ISO 3166 code (US, FR, GB...), its 3-letter code (USA, FRA) or its English or French name "
           "(United States, France; États-Unis)")
    out.add(where, f"unknown country {text!r}", fix)
    return None


def _postal_code(item: object, out: _Collector, where: str) -> object:
    text = f"{item:05d}" if isinstance(item, int) and not isinstance(item, bool) else str(item).strip()
    if not _POSTAL.match(text) or ("*" not in text and len(text) != 5):
        out.add(where, f"{text!r} is not a postal code or a prefix",
                "write 5 digits (\"38000\", \"60601\") or a prefix ending in * (\"69*\", \"606*\"), quoted; "
                "for a ZIP+4 its first 5 digits as a prefix (\"60601*\")")
        return None
    return text.upper()


def _owner(item: object, out: _Collector, where: str) -> object:
    text = str(item).strip().lower()
    if "@" not in text:
        out.add(where, f"{text!r} is not an e-mail", "identify the owner by e-mail")
        return None
    return text


_NORMALISERS = {
    "departement": _departement, "region": _region, "country": _country,
    "postal_code": _postal_code, "owner": _owner, "deal_owner": _owner,
}


def _comparisons(field: str, value: object, out: _Collector, where: str) -> list[Condition]:
    name = FIELD_LABELS.get(field, field)
    if not isinstance(value, Mapping) or not value:
        out.add(where, f"{field} is compared with gte/lte/gt/lt/between",
                f"write e.g. {field}: {{gte: 50000000}} or {{gte: \"50 M€\"}}")
        return []
    found: list[Condition] = []
    for op_raw, bound in value.items():
        op = str(op_raw).strip().lower()
        op_where = f"{where}.{op_raw}"
        if op not in COMPARISONS:
            close = difflib.get_close_matches(op, COMPARISONS, n=1)
            out.add(op_where, f"unknown comparison {op_raw!r}",
                    f"did you mean {close[0]!r}?" if close else "use gte, lte, gt, lt or between")
            continue
        bounds = bound if op == "between" else [bound]
        if op == "between" and (not isinstance(bound, list) or len(bound) != 2):
            out.add(op_where, "between takes two bounds", "write between: [10000000, 50000000]")
            continue
        try:
            amounts = tuple(parse_money(b, out.currency, out.language) for b in bounds)
        except (AmbiguousAmount, TooPrecise) as exc:   # both readings, as an objective's (audit importus F6)
            out.add(op_where, str(exc), exc.fix)
            continue
        except ValueError as exc:
            euro = (out.currency or "EUR").upper() == "EUR"
            out.add(op_where, str(exc), "write a number, or an amount such as "
                    + ("\"50 M€\", \"50M\" or \"150k\"" if euro else "50000000, \"50M\" or \"150k\""))
            continue
        if op == "between":
            if amounts[0] > amounts[1]:
                out.add(op_where, "the lower bound comes first", f"write between: [{amounts[1]}, {amounts[0]}]")
                continue
            label = f"{name} entre {money_label(amounts[0])} et {money_label(amounts[1])}"
        else:
            label = f"{name} {_SYMBOLS[op]} {money_label(amounts[0])}"
        found.append(Condition(field, op, amounts, label))
    return found


def _dormant(value: object, out: _Collector, where: str) -> list[Condition]:
    if isinstance(value, bool):
        return [Condition("dormant", "is", (value,), "dormant" if value else "non dormant")]
    if isinstance(value, Mapping) and len(value) == 1 and fold_key(str(next(iter(value)))) in ("months", "mois"):
        months = next(iter(value.values()))
        if isinstance(months, int) and not isinstance(months, bool) and months >= 1:
            return [Condition("dormant", "dormant_months", (months,), f"dormant {months} mois")]
        out.add(f"{where}.{next(iter(value))}", f"{months!r} is not a number of months",
                "write a whole number of months >= 1, e.g. months: 12")
        return []
    out.add(where, "dormant is true/false (the CRM's flag) or {months: N} (won before, no won deal for N months)",
            "write dormant: {months: 12}")
    return []


def _negate(condition: Condition, out: _Collector, where: str) -> Condition | None:
    if condition.op == "is":
        flag = not condition.values[0]
        label = (condition.label.replace("non ", "", 1) if not flag and condition.label.startswith("non ")
                 else ("non " + condition.label))
        return Condition(condition.field, "is", (flag,), label)
    if condition.op in _INVERSE:
        return Condition(condition.field, _INVERSE[condition.op], condition.values, f"hors {condition.label}")
    if condition.op == "dormant_months":
        fix = ("no scope says 'a won deal within N months': take it out of not:, or negate the CRM's flag "
               "instead (not: {dormant: true})")
    elif condition.op == "between":
        low, high = condition.values
        fix = (f"write the opposite directly, outside not: {condition.field}: {{lt: {low}}} or "
               f"{condition.field}: {{gt: {high}}} (one axis or action each)")
    else:
        fix = "write the opposite condition directly, outside not:"
    out.add(where, f"{condition.label} cannot be negated", fix)
    return None
