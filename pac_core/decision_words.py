"""The words of the engine's decisions, in one language: each rule's word (``REASONS``) and a decision's English
detail in the asked language (``localise``, with one fixed phrase table), for ``pac explain``, the report and
``pac status``.

The engine words its details in English around the plan's (French) scope labels; ``localise`` turns them into ``fr``
or ``en`` so one output never mixes the two (``pac_core.explain.detail_words`` writes a decision's words from the
values it keeps, and this for the rest). This module imports no engine and no NumPy: ``pac status --lang fr`` words
its rejections with it (``reject_words``, ``sync_jobs.run_views.french_reason``), and ``pac status --help`` loads no
engine (tests/unit/test_cli_lazy.py).
"""

from __future__ import annotations

import itertools
import re
from datetime import date
from decimal import Decimal
from functools import cache

from babel.numbers import get_currency_symbol, list_currencies

from pac_core.money import LOCALES, shown_digits
from pac_core.money import money as format_money
from pac_core.periods import FRENCH_MONTHS
from pac_core.plan import ACTIVITY_WORDS
from pac_core.scope_eval import NOT_READ_OWNER

SEP = {"fr": " ; ", "en": "; "}   # between a detail's parts: French puts a space before « ; » (audit explainleft)
ALSO = "also: "   # after a near miss's detail, the codes of the other rules it fails (pac_core.matching.first_cause)

REASONS = {   # the one wording of each decision rule, for pac explain and the report
    "fr": {
        "counted": "comptée", "outside_window": "hors de la période", "other_owner": "autre commercial",
        "outside_scope": "compte hors périmètre", "cancelled": "annulée", "no_show": "absent (no-show)",
        "not_answered": "appel sans réponse", "call_not_completed": "appel non abouti",
        "planned": "pas encore réalisée", "planned_past": "toujours prévue, à une date passée",
        "wrong_type": "autre type d'activité",
        "duplicate_account": "compte déjà compté", "deleted": "supprimée", "no_account": "sans compte",
        "no_owner": "sans propriétaire", "no_start": "sans date", "unknown_type": "type non compté",
        "truncated": "non listées", "no_amount": "comptée sans montant (0)", "no_close_date": "sans date de clôture",
        "unknown_currency": "devise sans taux de change", "currency": "devise sans taux de change",
        "negative_amount": "montant négatif", "credit": "avoir (montant négatif), déduit",
        "amount_from_lines": "montant vide : somme des lignes", "amount_differs_from_lines":
        "montant différent de ses lignes", "line_unknown_currency": "ligne dans une devise sans taux de change (0)",
        "other_deal_owner": "affaire d'un autre propriétaire",
        "other_product": "autre produit",
        "not_over": "pas encore passée", "handed_over": "après la passation", "outside_period": "hors de la période",
        "account_state": "compte hors périmètre au premier jour",
        "crm_rejected": "rejetée à la lecture du CRM",
    },
    "en": {
        "counted": "counted", "outside_window": "outside the window", "other_owner": "another rep",
        "outside_scope": "account outside the scope", "cancelled": "cancelled", "no_show": "no-show",
        "not_answered": "call not answered", "call_not_completed": "call not completed",
        "planned": "not done yet", "planned_past": "still planned on a past date",
        "wrong_type": "another activity type",
        "duplicate_account": "account already counted", "deleted": "deleted", "no_account": "no account",
        "no_owner": "no owner", "no_start": "no date", "unknown_type": "type not counted",
        "truncated": "not listed", "no_amount": "counted with no amount (0)", "no_close_date": "no close date",
        "unknown_currency": "currency without an exchange rate", "currency": "currency without an exchange rate",
        "negative_amount": "negative amount", "credit": "credit (negative amount), subtracted",
        "amount_from_lines": "empty amount: the sum of its lines", "amount_differs_from_lines":
        "amount differs from its lines", "line_unknown_currency": "line in a currency without an exchange rate (0)",
        "other_deal_owner": "deal owned by someone else",
        "other_product": "another product",
        "not_over": "not over yet", "handed_over": "after the hand-over", "outside_period": "outside the period",
        "account_state": "account outside the scope on the first day",
        "crm_rejected": "rejected when read from the CRM",
    },
}

PLANNED_PAST = "update its outcome or status in the CRM for it to count"


# The engine words its details in English around the plan's (French) scope labels; each phrase below is
# turned into the asked language, longest first, so one output never mixes the two.
_TO_FR = (
    ("closed on ", "clôturée le "), (", before the first day counted, ", ", avant le premier jour compté, le "),
    (", after the last day counted, ", ", après le dernier jour compté, le "),   # revenue._outside_period
    ("more deals outside the period not listed", "autres affaires hors de la période non listées"),
    (", unknown in ", ", inconnu en "), (": no exchange rate for", " : no exchange rate for"),   # scope_eval
    (", before the window “", ", avant la période « "), (", after the window “", ", après la période « "),
    ("” (", " » ("),
    ("outside the scope", "hors périmètre"), ("(scope: ", "(périmètre : "), ("(axis: ", "(axe : "),
    ("all day: counted once that day is over", "toute la journée : comptée une fois la journée passée"),
    ("account already counted for this action", "compte déjà compté pour cette action"),
    ("the activity has no known account", "l'activité n'a pas de compte connu"),
    ("the activity has no account", "l'activité n'a pas de compte"),
    # matching.Matcher's no_start: a rep's undated visit, listed under her action's table (audit explainhand)
    ("the activity has neither a start time nor a day", "l'activité n'a ni heure de début ni date"),
    ("the start time has no timezone (naive)", "l'heure de début n'a pas de fuseau horaire"),
    ("the activity was deleted in the CRM", "l'activité a été supprimée dans le CRM"),
    ("the account was deleted in the CRM", "le compte a été supprimé dans le CRM"),
    ("no counted activity type: a type the mapping does not list (a meeting's type, a task's type or subject), or a "
     "direction it does not count (an inbound call)",
     "aucun type d'activité compté : un type que le mapping ne liste pas (type d'une réunion, type ou objet d'une "
     "tâche), ou un sens qu'il ne compte pas (un appel entrant)"),
    ("more counted activities not listed", "autres activités comptées non listées"),
    ("more near misses not listed", "autres activités non comptées non listées"),
    ("the won deal has no amount: counted as won, worth 0", "affaire gagnée sans montant : comptée, pour 0"),
    ("the won deal has no account", "l'affaire gagnée n'a pas de compte"),
    ("the won deal has no close date", "l'affaire gagnée n'a pas de date de clôture"),
    ("is not among the accounts of", "n'est pas parmi les comptes de"),
    ("is negative", "est négatif"), ("no exchange rate for", "pas de taux de change pour"),
    # fx.no_rate's fix, whatever the settings file's name (``EngineSettings.settings_file``, audit leftsmall); its
    # second form: a currency the CRM converts into its own, which has no rate (audit reasonsfr F2)
    ("(add it to engine.fx_rates in ", "(ajoutez-le à engine.fx_rates dans "),
    ("; the CRM converts ", " ; le CRM convertit "), (" and has no rate for ", " et n'a pas de taux pour "),
    (" into ", " en "),
    # matching.Matcher's no_owner (audit reasonsfr F2; ``_NOT_A_USER`` words the other one)
    ("the activity has no owner", "l'activité n'a pas de propriétaire"),
    ("' gives no département", "' : aucun département"), ("postal code '", "code postal '"),   # scope_eval
    ("no postal code", "sans code postal"), ("no département, country ", "aucun département, pays "),
    ("no région, country ", "aucune région, pays "),
    ("no product line", "aucune ligne de produit"), ("unknown owner", "propriétaire inconnu"),
    # the dormancy rule's evidence (matching.dormancy_evidence)
    ("not dormant: never won a deal (prospect)", "non dormant : jamais d'affaire gagnée (prospect)"),
    ("not dormant: no won deal before ", "non dormant : aucune affaire gagnée avant le "),
    (" (a prospect then)", " (prospect à cette date)"),
    ("not dormant: last won deal on ", "non dormant : dernière affaire gagnée le "),
    ("dormant: no won deal from ", "dormant : aucune affaire gagnée depuis le "),
    ("), the last on ", "), la dernière le "),
    (", within the ", ", dans les "), (" months before ", " mois avant le "), (" month before ", " mois avant le "),
    (" (from ", " (depuis le "), ("call not answered", "appel sans réponse"),
    ("call not completed", "appel non abouti"),
    ("not dormant", "non dormant"), ("unknown", "inconnu"), ("the window", "la période"),
    (", before ", ", avant "), (", after ", ", après "), ("cancelled", "annulée"), ("no-show", "absent"),
    (PLANNED_PAST, "mettez à jour son résultat ou son statut dans le CRM pour qu'elle compte"),
    ("planned", "prévue"), ("completed", "réalisée"), (", not ", ", pas "), ("amount ", "montant "),
    ("account ", "compte "),
)
_TO_EN = (
    ("propriétaire du compte", "account owner"), ("propriétaire de l'affaire", "deal owner"),
    ("famille de produits", "product family"), ("code produit", "product code"), ("produit", "product"),
    ("clients dormants", "dormant customers"), ("non dormant", "not dormant"), ("type de compte", "account type"),
    ("CA annuel", "annual revenue"), ("code postal", "postal code"), ("région", "region"),
    ("secteur", "industry"), ("industrie", "industry"), ("pays", "country"), ("compte", "account"),
    (" mois", " months"), ("hors ", "not "), ("entre ", "between "), (" et ", " and "), (" oui", " yes"),
    (" non", " no"), ("semaine", "week"), ("nom ", "name "),
)


# "visit, not call" (an activity of another type than the action's), whole, in French
_KINDS_FR = {f"{a[0]}, not {b[0]}": f"{a[1]}, pas {b[1]}"
             for a, b in itertools.permutations(ACTIVITY_WORDS.values(), 2)}


_HANDED_OVER = re.compile(r"owner (\S+), (after|before) the hand-over to (\S+) on (\d{4}-\d{2}-\d{2})")
_OTHER_OWNER = re.compile(r"owner (\S+)")   # matching.Matcher: another rep's activity (``other_owner``)
# matching.Matcher's no_owner: an owner id that is no user pac reads (a queue), with what to do
_NOT_A_USER = re.compile(r"owner (\S+) is not among the users of (\S+) \(a queue, or a user pac's integration user "
                         r"cannot read\)")
# matching.Matcher._state_note: an account's state (dormant flag, owner, type) on the window's first day, not now
_DAY = r"(\d{4}-\d{2}-\d{2})"
# an owner in a state note: an e-mail, "unknown", or one pac does not read with its id (``matching.NOT_READ_OWNER``)
_OWNER = rf"{re.escape(NOT_READ_OWNER)} \(\S+\)|\S+"
_FIRST = rf"on {_DAY}, the (?:window|period)'s first day"
_STATE_FR = (
    (re.compile(rf"(?<!not )dormant {_FIRST} \(dormant flag cleared on {_DAY}\)"),
     lambda m: f"compte dormant au {french_day(m[1])}, premier jour de la période (drapeau retiré le "
               f"{french_day(m[2], m[1])})"),
    (re.compile(rf"not dormant {_FIRST} \(flagged dormant on {_DAY}\)"),
     lambda m: f"compte non dormant au {french_day(m[1])}, premier jour de la période (marqué dormant le "
               f"{french_day(m[2], m[1])})"),
    (re.compile(rf"account owner ({_OWNER}) {_FIRST} \(owner ({_OWNER}) since {_DAY}\)"),
     lambda m: f"propriétaire du compte {_fr_owner(m[1])} au {french_day(m[2])}, premier jour de la période "
               f"(propriétaire {_fr_owner(m[3])} depuis le {french_day(m[4], m[2])})"),
    (re.compile(rf"account type (.+?) {_FIRST} \((.+?) since {_DAY}\)"),
     lambda m: f"type de compte {_fr_unknown(m[1])} au {french_day(m[2])}, premier jour de la période "
               f"({_fr_unknown(m[3])} depuis le {french_day(m[4], m[2])})"),
)
# a won deal closed outside the days an axis counts (``revenue._outside_period``): in French its days in words, as every
# other near miss's (audit nearmissfmt; audit sfhand6: « clôturée le 2027-03-15, … le 2027-04-01 » stood beside
# « 31 mai 2027 à 18:00, avant la période … » in the same French explain)
_OUTSIDE_PERIOD = re.compile(r"closed on (\d{4}-\d{2}-\d{2}), (before the first|after the last) day counted, "
                             r"(\d{4}-\d{2}-\d{2})")
def _fr_owner(owner: str) -> str:
    """An owner of a state note in French: « un utilisateur que pac ne lit pas (005S…) » for one pac does not read,
    « inconnu » for none."""
    return _fr_unknown(owner.replace(NOT_READ_OWNER, "un utilisateur que pac ne lit pas", 1))


def _fr_unknown(value: str) -> str:
    """A state note's value in French: « inconnu » for none (``matching.Matcher._state_note``'s "unknown"; it read
    « type de compte unknown au 3 mai 2027 », audit nearmissfmt), the CRM's value as it is otherwise."""
    return "inconnu" if value == "unknown" else value


def french_day(iso: str, beside: str | None = None) -> str:
    """2027-05-03 -> « 3 mai 2027 »; without its year when ``beside`` (another ISO day) is of the same year."""
    day = date.fromisoformat(iso)
    words = f"{'1er' if day.day == 1 else day.day} {FRENCH_MONTHS[day.month - 1]}"
    return words if beside is not None and beside[:4] == iso[:4] else f"{words} {day.year}"


# a won deal's value warnings (``revenue.value_warnings``) kept before they kept their amounts (``Decision.amounts``,
# 7 Dec 2026), their amounts written as the English report writes money: read back (frozen, as the words were written)
_VALUE_WARNINGS_FR = (
    (re.compile(r"deal amount empty: the sum of its line items used, (.+)"),
     "montant de l'affaire vide : somme de ses lignes utilisée, {0}"),
    (re.compile(r"deal amount (.+) differs from its line items, (.+): product axes count the lines"),
     "montant de l'affaire {0} différent de ses lignes, {1} : les axes de produits comptent les lignes"),
    (re.compile(r"won deal with a negative amount \((.+)\): a credit, subtracted from the won revenue"),
     "affaire gagnée de montant négatif ({0}) : un avoir, déduit du CA gagné"))
# revenue.line_currency_warnings kept before its values (7 Dec 2026): a line's name (a CRM text), its currency, its
# deal's, why (fx.no_rate)
_LINE_CURRENCY = re.compile(r"line (.+) is priced in (\S+), its deal in (\S+): counted 0 on product axes, "
                            r"(no exchange rate for .+)")
# a sign (the hyphen-minus of details written before 7 Dec 2026, or the minus sign U+2212 pac writes since), a symbol
# (of words joined by narrow no-break spaces: XOF's "F\u202fCFA"), the number
_ENGLISH_MONEY = re.compile(r"([-\u2212]?)([^\d\s\u00a0\u2212-]*(?:\u202f[^\d\s\u00a0\u2212-]+)*)"
                            r"\u00a0?([\d,]+(?:\.\d+)?)")


@cache
def _currency_of_symbol() -> dict[str, str]:
    """The English report's currency symbols -> ISO codes ("£" -> GBP, "CA$" -> CAD; a code is its own symbol)."""
    found: dict[str, str] = {}
    for code in sorted(list_currencies()):
        found.setdefault(get_currency_symbol(code, LOCALES["en"]), code)
    return {**found, "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}


def _money_fr(english: str) -> str:
    """An amount the English report wrote ("£800.00", "-$1,234.50", "CHF 1,500.00") as the French report writes it
    (« 800,00 £GB »); as it is when it reads as no amount."""
    found = _ENGLISH_MONEY.fullmatch(english.strip())
    code = _currency_of_symbol().get(found[2]) if found else None
    if found is None or code is None:
        return english
    number = Decimal(found[3].replace(",", ""))
    return money(-number if found[1] else number, code, "fr")


def localise(detail: str, lang: str) -> str:
    """A decision's detail in one language: ``fr`` or ``en`` (see the phrase tables above); ``detail_words`` when the
    decision is at hand (it writes the amounts it keeps from their values)."""
    if not detail:
        return detail
    head, also, codes = detail.rpartition(f"; {ALSO}")
    if also:   # a near miss failing several rules: the other rules' codes after its detail (matching.first_cause)
        named = (REASONS[lang][code] for code in codes.split(", "))   # planned_past or planned (not yet): matching
        return f"{localise(head, lang)}{SEP[lang]}{'aussi : ' if lang == 'fr' else ALSO}{', '.join(named)}"
    if lang == "fr" and detail in _KINDS_FR:
        return _KINDS_FR[detail]
    for warning, french in _VALUE_WARNINGS_FR if lang == "fr" else ():    # revenue.value_warnings
        if (amounts := warning.fullmatch(detail)) is not None:
            return french.format(*map(_money_fr, amounts.groups()))
    if lang == "fr" and (line := _LINE_CURRENCY.fullmatch(detail)):     # kept before its values: its name as it is
        return (f"ligne « {line[1]} » au prix en {line[2]}, son affaire en {line[3]} : comptée 0 sur les axes de "
                f"produits, {localise(line[4], lang)}")
    if lang == "fr" and (hand := _HANDED_OVER.match(detail)):   # matching.Matcher._handed_over, _before_hand_over
        side = "après" if hand[2] == "after" else "avant"
        said = f"propriétaire {hand[1]}, {side} la passation à {hand[3]} le {french_day(hand[4])}"
        rest = detail[hand.end():]
        return said + (f" ; {localise(rest[2:], lang)}" if rest.startswith("; ") else rest)
    if lang == "fr" and (user := _NOT_A_USER.fullmatch(detail)):
        return (f"le propriétaire {user[1]} n'est pas parmi les utilisateurs de {user[2]} (une file d'attente, ou un "
                "utilisateur que l'utilisateur d'intégration de pac ne peut pas lire) : donnez l'activité à un "
                "commercial dans le CRM")
    if lang == "fr" and (closed := _OUTSIDE_PERIOD.fullmatch(detail)):   # revenue._outside_period: days in words
        side = "avant le premier" if closed[2] == "before the first" else "après le dernier"
        return f"clôturée le {french_day(closed[1])}, {side} jour compté, le {french_day(closed[3])}"
    if lang == "fr" and (other := _OTHER_OWNER.fullmatch(detail)):
        return f"propriétaire {other[1]}"
    head, sep, notes = detail.partition("; ")
    if lang == "fr" and sep and any(pattern.search(notes) for pattern, _ in _STATE_FR):   # a near miss's state then
        return f"{localise(head, lang)} ; {localise(notes, lang)}"
    if lang == "fr" and any(pattern.match(detail) for pattern, _ in _STATE_FR):
        for pattern, words in _STATE_FR:
            detail = pattern.sub(words, detail)
        return detail
    table = _TO_FR if lang == "fr" else _TO_EN
    for old, new in table:
        detail = detail.replace(old, new)
    if lang == "en":    # a scope's amounts as an English plan writes them: "1.5 M", "2 bn" (audit amounts F6)
        detail = _SCALED_FR.sub(lambda m: f"{m[1]}{'.' + m[2] if m[2] else ''} {'bn' if m[3] == 'Md' else m[3]}",
                                detail)
    return detail


# an amount of a scope's label (``scopes.money_label``: "1,5 M", "2 Md", "150 k"), French-written
_SCALED_FR = re.compile(r"(?<![\d.,])(\d+)(?:,(\d+))? (k|M|Md)(?![\w])")


def money(amount: Decimal, currency: str, lang: str) -> str:
    """12345.5 -> "12 345,50 €" (fr) or "€12,345.50" (en): to the cent, in the report's money format
    (``pac_core.money``); to the yen in JPY ("¥1,135": ¥1,135.40 is no amount a JPY plan reads, audit amounts2 F5),
    to the cent in a currency of three decimals, as the CRM's fields (``sync_jobs.diff.money_places``)."""
    return format_money(amount, currency, lang, decimals=shown_digits(currency))
