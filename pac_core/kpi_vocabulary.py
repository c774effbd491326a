"""The KPI vocabulary: the indicators a plan may name per axis, their formulas, and their measurement.

Every KPI is measured on a *scope over a span*: an axis's scope (segment AND axis) over its objective's
period, or a segment's scope over the plan's period, both **to date** (first day up to the evaluation day,
local calendar days in the plan's timezone); over a span not begun (a plan configured ahead) no ratio exists
(None, « – »), the counts are 0. The "visits" behind the KPIs named after them (visit-to-win,
revenue per visit, accounts visited: the managers' words) are the activities counted by the actions of the axis
(of every axis of the segment), whatever their type (visits, calls, meetings...), every rule of their action
passed: the ✔ lines of ``pac explain``, so a repeat visit to an account an action counting distinct accounts has
already counted (« compte déjà compté ») is not one, and an activity two actions count is one (audit meeting F4);
their formula lines say so.

* ``reactivation_rate`` = dormant accounts with a won deal in the span / dormant accounts of the scope;
  dormant at the span's first day, by the scope's own dormancy rule when it has one, else ``dormant: true``
  (the CRM flag, else a won deal before and none in ``dormant_default_months`` months: a never-won prospect is not
  dormant, so a first-ever win is a new account, never a reactivation);
* ``win_rate`` = won deals / (won + lost deals), closed in the span on the scope's accounts, by number;
* ``visit_to_win`` = accounts touched by a counted activity with a won deal within ``attribution_days`` on
  or after one of their visits by the scope's actions (a repeat visit that an action counting distinct accounts
  leaves out of its count is a visit too: decided 7 Dec 2026, audit kpioracle) / accounts touched by a counted
  activity;
* ``average_won_deal`` = won revenue / won deals with an amount, closed in the span on the scope's accounts (a won
  deal with no amount is unknown, not a 0 order: left out of the denominator, ``KpiValue.excluded`` says how many;
  it stays in ``won_deals`` and ``win_rate``); a credit (a won deal worth less than 0, an avoir) is subtracted from
  the won revenue but is no deal won: out of ``won_deals``, ``win_rate``, the average (numerator and denominator: it
  reduces revenue, not the average deal size), reactivation,
  new accounts and visit-to-win (docs/engine.md, *Credits*);
* ``coverage`` = accounts of the scope touched by a counted activity / accounts of the scope;
* ``new_accounts`` = accounts of the scope whose first won deal ever (in the CRM's data) closes in the span;
* ``revenue_per_visit`` = the axis's revenue / counted activities;
* ``pipeline_created`` = amount of the deals (any stage, not deleted) created in the span on the scope's
  accounts, converted into the plan's currency (a deal without amount counts 0; one in a currency
  without rate is left out);
* ``accounts_visited``, ``activities_done``, ``won_deals``, ``revenue``: the counts and sum behind them.

Names are matched casefolded, accent- and punctuation-insensitive, in French or English (``taux de
réactivation``, ``reactivation rate``, ``reactivation_rate``...). Pure: no I/O, no clock.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import partial

from pac_core.money import count, money, percent, total_digits
from pac_core.results import KpiValue
from pac_core.text import fold_alnum

ZERO = Decimal(0)


@dataclass(frozen=True)
class Kpi:
    id: str
    fr: str
    en: str
    unit: str                     # "ratio" (0.25 = 25 %), "money" (plan's currency) or "count"
    formula_fr: str
    formula_en: str
    aliases: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en

    def title(self, lang: str) -> str:
        """The label with a capital first letter, to start a line or a cell."""
        label = self.label(lang)
        return label[:1].upper() + label[1:]

    def formula(self, lang: str, attribution_days: int = 90) -> str:
        """How the KPI is computed, in ``lang``; the conversion window as the engine's settings set it."""
        return (self.formula_fr if lang == "fr" else self.formula_en).replace("{days}", str(attribution_days))


VOCABULARY: tuple[Kpi, ...] = (
    Kpi("reactivation_rate", "taux de réactivation", "reactivation rate", "ratio",
        "comptes dormants avec une affaire gagnée sur la période / comptes dormants du périmètre",
        "dormant accounts with a won deal in the period / dormant accounts of the scope",
        ("réactivation", "taux de réactivation des dormants", "dormant reactivation rate", "reactivation",
         "win-back rate", "win back rate", "winback rate", "win-back", "clients réactivés", "comptes réactivés",
         "clients dormants réactivés", "dormants réactivés", "reactivated accounts", "reactivated customers")),
    Kpi("win_rate", "taux de réussite", "win rate", "ratio",
        "affaires (opportunités CRM) gagnées / gagnées + perdues, conclues sur la période, en nombre (le « taux de "
        "transformation » d'un plan est ce chiffre)",
        "deals (CRM opportunities) won / won + lost, closed in the period, by number (a plan's « taux de "
        "transformation » is this figure)",
        ("taux de transformation", "taux de signature", "taux de signature des devis", "taux de gain",
         "taux de succès", "hit rate", "closing rate", "success rate")),
    Kpi("visit_to_win", "conversion visite-commande", "visit-to-win conversion", "ratio",
        "comptes touchés par une activité comptée avec une affaire gagnée dans les {days} jours "
        "(attribution_days) après l'une de leurs visites (visites répétées comprises) / comptes touchés par une "
        "activité comptée",
        "accounts touched by a counted activity with a won deal within {days} days (attribution_days) after one of "
        "their visits (repeat visits too) / accounts touched by a counted activity",
        ("taux de conversion", "conversion", "conversion des visites", "visite commande", "visit to win",
         "visit to win rate", "essais convertis en commande", "visites converties")),
    Kpi("average_won_deal", "montant moyen des affaires gagnées", "average won deal", "money",
        "chiffre d'affaires des affaires gagnées (avoirs exclus) / nombre d'affaires gagnées avec un montant sur "
        "la période (une affaire gagnée sans montant est exclue : montant inconnu, pas une commande à 0 ; un avoir "
        "réduit le CA, pas le montant moyen)",
        "won deals' revenue (credits excluded) / number of won deals with an amount in the period (a won deal with "
        "no amount is left out: its amount is unknown, not 0; a credit reduces revenue, not the average deal)",
        ("panier moyen", "montant moyen", "affaire moyenne", "ticket moyen", "average deal", "average deal size",
         "average won deal size")),
    Kpi("coverage", "couverture du périmètre", "scope coverage", "ratio",
        "comptes du périmètre touchés par une activité comptée / comptes du périmètre",
        "accounts of the scope touched by a counted activity / accounts of the scope",
        ("couverture", "taux de couverture", "coverage of the scope", "couverture du portefeuille")),
    Kpi("new_accounts", "nouveaux comptes", "new accounts", "count",
        "comptes du périmètre non dormants au premier jour de la période dont la première affaire gagnée tombe "
        "dans la période (un client dormant qui commande est une réactivation)",
        "accounts of the scope not dormant on the period's first day whose first ever won deal closes in the "
        "period (a dormant customer's order is a reactivation)",
        ("nouveaux clients", "comptes conquis", "clients conquis", "new customers", "accounts won")),
    Kpi("revenue_per_visit", "CA par visite", "revenue per visit", "money",
        "chiffre d'affaires de l'axe / activités comptées par ses actions (visites, appels, rendez-vous… ; une "
        "par compte pour une action en comptes distincts)",
        "the axis's revenue / activities counted by its actions (visits, calls, meetings…; one per account for an "
        "action counting distinct accounts)",
        ("chiffre d'affaires par visite", "ca visite", "revenue visit")),
    Kpi("pipeline_created", "pipeline créé", "pipeline created", "money",
        "montant des affaires créées sur la période (toutes étapes)",
        "amount of the deals created in the period (any stage)",
        ("pipe créé", "pipeline généré", "affaires créées", "opportunités créées", "new pipeline",
         "pipeline generated", "devis émis")),
    Kpi("accounts_visited", "comptes visités", "accounts visited", "count",
        "comptes distincts touchés par les activités comptées", "distinct accounts of the counted activities",
        ("clients visités", "prospects visités", "laboratoires visités", "clients dormants visités",
         "comptes contactés", "clients contactés", "clients dormants contactés", "accounts contacted")),
    Kpi("activities_done", "activités réalisées", "activities done", "count",
        "activités comptées par les actions (visites, appels, rendez-vous… ; une par compte pour une action en "
        "comptes distincts)",
        "activities counted by the actions (visits, calls, meetings…; one per account for an action counting "
        "distinct accounts)",
        ("visites réalisées", "démonstrations réalisées", "rendez-vous réalisés", "appels passés",
         "devis relancés", "visits done", "activities", "visites", "visits")),
    Kpi("won_deals", "affaires gagnées", "won deals", "count",
        "affaires gagnées conclues sur la période", "won deals closed in the period",
        ("commandes", "commandes gagnées", "contrats signés", "deals won", "orders")),
    Kpi("revenue", "chiffre d'affaires", "revenue", "money",
        "chiffre d'affaires des affaires gagnées sur la période", "revenue of the deals won in the period",
        ("ca", "ca gagné", "won revenue")),
)

BY_ID: Mapping[str, Kpi] = {k.id: k for k in VOCABULARY}


def _key(text: str) -> str:
    return fold_alnum(text)


_LOOKUP: dict[str, str] = {}
for _kpi in VOCABULARY:
    for _name in (_kpi.id, _kpi.fr, _kpi.en, *_kpi.aliases):
        _LOOKUP.setdefault(_key(_name), _kpi.id)


_COUNT_OF = ("nombre de ", "nombre d ", "nb de ", "nb d ", "nb ", "number of ")
"""« Nombre de nouveaux clients », "number of new accounts": the count a name already names (audit oracle-vocab)."""


def resolve(name: str) -> str | None:
    """The KPI id a name (French or English, any case, accents or punctuation) stands for, or None; « nombre de … » /
    "number of …" stands for what it counts."""
    if not isinstance(name, str):
        return None
    key = _key(name)
    found = _LOOKUP.get(key)
    if found is None:
        prefix = next((p for p in _COUNT_OF if key.startswith(p)), None)
        if prefix is not None:
            found = _LOOKUP.get(key[len(prefix):])
    return found


AMBIGUOUS: Mapping[str, tuple[str, ...]] = {
    _key(name): ("win_rate", "visit_to_win") for name in ("conversion rate", "conversion ratio", "close ratio")}
"""Names that mean either of two KPIs: a US "conversion rate" is won / closed deals (win rate) as often as visits
turned into orders (visit-to-win); the fix names both (usplan audit, minor: it was offered 'conversion')."""


def suggest(name: str, language: str = "fr") -> str | None:
    """The vocabulary's name closest to a misspelt one (did you mean), or None; an ambiguous name gets both
    readings. In an English plan the English names are looked at first, and the KPI is named in English."""
    if _key(name) in AMBIGUOUS:
        kpis = [BY_ID[k] for k in AMBIGUOUS[_key(name)]]
        return " or ".join(repr(k.label(language)) for k in kpis)
    english = list(dict.fromkeys(_key(n) for k in VOCABULARY for n in (k.en, *k.aliases) if n.isascii()))
    close = ((difflib.get_close_matches(_key(name), english, n=1, cutoff=0.75) if language == "en" else [])
             or difflib.get_close_matches(_key(name), list(_LOOKUP), n=1, cutoff=0.75))
    if not close:
        return None
    kpi = BY_ID[_LOOKUP[close[0]]]
    return repr(next((n for n in (kpi.fr, kpi.en, *kpi.aliases) if _key(n) == close[0]), kpi.label(language)))


def vocabulary_hint(language: str = "fr") -> str:
    """The vocabulary as a plan-check fix lists it: French / English names (English / French in English)."""
    return ", ".join(f"{k.en} / {k.fr}" if language == "en" else f"{k.fr} / {k.en}" for k in VOCABULARY)


@dataclass(frozen=True)
class ScopeFacts:
    """What one scope over one span holds, as the engine counted it (money in the plan's currency, exact Decimal
    sums from zero). ``revenue`` is the scope's figure (an axis's attributed revenue under split attribution);
    ``won_revenue`` the won deals' revenue on the scope's accounts."""

    accounts: int                 # accounts of the scope
    dormant: int                  # of them, dormant at the span's first day
    reactivated: int              # dormant accounts of the scope with a won deal in the span
    won: int                      # won deals closed in the span on the scope's accounts
    won_no_amount: int            # of them, deals with no amount (counted as won, worth 0: unknown, not free)
    won_revenue: Decimal          # their revenue, net of the credits (won deals worth less than 0)
    lost: int                     # lost deals closed in the span on the scope's accounts
    created: Decimal              # amount of the deals created in the span on the scope's accounts
    new_accounts: int             # accounts of the scope with a won deal in the span, their first won deal ever
    visited: int                  # distinct accounts of the counted activities
    visited_in_scope: int         # of them, accounts of the scope
    converted: int                # visited accounts won within the attribution window
    activities: int               # counted activities
    revenue: Decimal
    begun: bool = True            # False: the span has not begun (a plan configured ahead): no rate exists
    credits: Decimal = Decimal(0)  # the credits in ``won_revenue`` (a sum <= 0): out of the average won deal


def _ratio_of(kpi: str, part: int | Decimal, whole: int | Decimal, begun: bool = True) -> KpiValue:
    part, whole = Decimal(part), Decimal(whole)
    if not begun:       # over a span not begun there is nothing to measure: « – », not « 0 % (0 / 37) »
        return KpiValue(kpi, None)
    return KpiValue(kpi, part / whole if whole else None, part, whole)


def measure(facts: ScopeFacts) -> tuple[KpiValue, ...]:
    """Every KPI of the vocabulary on one scope, in vocabulary order; no ratio (None) over a span not begun
    (``facts.begun``: the plan's 2027 period as of December 2026 read « Taux de réactivation : 0 % (0 / 37) »,
    audit year-end F3); the counts and sums are 0 there, which is true."""
    won = facts.won
    ratio = partial(_ratio_of, begun=facts.begun)
    values = {
        "reactivation_rate": ratio("reactivation_rate", facts.reactivated, facts.dormant),
        "win_rate": ratio("win_rate", won, won + facts.lost),
        "visit_to_win": ratio("visit_to_win", facts.converted, facts.visited),
        # the deals won's own amounts over their count: credits reduce revenue, not the average deal size (audit
        # reverify N3: a 1,000 order and a -3,000 credit read an average won deal of -2,000)
        "average_won_deal": replace(ratio("average_won_deal", facts.won_revenue - facts.credits,
                                          won - facts.won_no_amount),
                                    excluded=facts.won_no_amount),
        "coverage": ratio("coverage", facts.visited_in_scope, facts.accounts),
        "new_accounts": KpiValue("new_accounts", Decimal(facts.new_accounts)),
        "revenue_per_visit": ratio("revenue_per_visit", facts.revenue, facts.activities),
        "pipeline_created": KpiValue("pipeline_created", facts.created),
        "accounts_visited": KpiValue("accounts_visited", Decimal(facts.visited)),
        "activities_done": KpiValue("activities_done", Decimal(facts.activities)),
        "won_deals": KpiValue("won_deals", Decimal(won)),
        "revenue": KpiValue("revenue", facts.revenue),
    }
    return tuple(values[k.id] for k in VOCABULARY)


def pick(values: Iterable[KpiValue], ids: Iterable[str]) -> list[KpiValue]:
    """The values of the KPIs named (in the order named), for reports and write-back."""
    table = {v.kpi: v for v in values}
    return [table[i] for i in ids if i in table]


CORE = ("reactivation_rate", "win_rate", "visit_to_win", "average_won_deal", "coverage", "new_accounts",
        "revenue_per_visit", "pipeline_created")
"""The KPIs every axis writes back to its own CRM field (the others are in the text summary when named)."""


def format_value(kpi: str, value: Decimal | None, lang: str, currency: str = "EUR") -> str:
    """A KPI's value as plain text for a CRM field: 67 % / 2 750 € / 1 234 (fr), 67% / €2,750 / 1,234 (en); – when
    unknown. One set of separators, the report's (``pac_core.money``): in French a narrow no-break space between
    thousands and a no-break space before « % » and « € »."""
    if value is None:
        return "–"
    unit = BY_ID[kpi].unit
    if unit == "ratio":
        return percent(value, lang)
    if unit == "money":
        return money(value, currency, lang)        # as the report and the advisor write it
    return count(value, lang)


_LEFT_OUT = {"fr": ("affaire sans montant exclue", "affaires sans montant exclues"),
             "en": ("deal with no amount left out", "deals with no amount left out")}


def summary(values: Iterable[KpiValue], ids: Sequence[str], lang: str, currency: str = "EUR") -> str:
    """« Taux de réactivation : 67 % (2 / 3) · ... »: the KPIs named (else the core ones), one line, for the CRM's
    text field and ``pac advice``. Each quotient gives its parts in brackets as the report's KPI table does: a rate's
    counts, an average's sum and count (« Montant moyen des affaires gagnées : 7 450 € (29 800 € / 4) »), then the
    won deals with no amount it left out (« (5 000 € / 2 ; 1 affaire sans montant exclue) »). Before (audit
    crmhandus), an average had no parts in the CRM: under split attribution its whole deals (29 800 $ / 4) could not
    be told from the axis's share beside it (17 900 $), which the report explained."""
    out = []
    for v in pick(values, ids or CORE):
        kpi = BY_ID[v.kpi]
        colon = " :" if lang == "fr" else ":"
        text = f"{kpi.title(lang)}{colon} {format_value(v.kpi, v.value, lang, currency)}"
        parts = []
        if v.value is not None and v.denominator and kpi.unit in ("ratio", "money"):
            # an average's total to the cent when, to the unit, it would not divide into the average shown
            top = (money(v.numerator or 0, currency, lang,
                         total_digits(v.numerator or Decimal(0), v.denominator, v.value, currency))
                   if kpi.unit == "money" else count(v.numerator or 0, lang))
            parts.append(f"{top} / {count(v.denominator, lang)}")
        if v.excluded:
            parts.append(f"{v.excluded} {_LEFT_OUT[lang][v.excluded > 1]}")
        if parts:
            text += f" ({(' ; ' if lang == 'fr' else '; ').join(parts)})"
        out.append(text)
    return " · ".join(out)
