"""The action linter: is a statement of a plan an action, an objective or an intention?

The method's core insight is that most plans are lists of intentions or objectives, not actions.
Rules (French or English, rule-based and explainable, no model):

- **action**: an activity verb (visit, call, meet, present, invite, organise, follow up, qualify,
  book, run, email, file... visiter, appeler, relancer, rencontrer, présenter, organiser...) or a
  counted activity noun ("5 visites"), with a concrete what or whom (a count of accounts, contacts
  or activities, or a named account or person) and a time bound (date, week, month, quarter, range,
  "avant / by" a date), and not over "all/every" of a scope;
- **objective**: a measurable result (revenue, CA, share, growth %, number of wins or contracts,
  a rate; result verbs such as increase, win, sign, reactivate, augmenter, signer, réactiver), dated
  or not; or an activity over a whole scope ("tous les clients dormants", "our key accounts") or
  counted but with no time bound;
- **intention**: neither measurable nor time-bound ("go and meet this CEO", "développer notre
  présence en pharmacie").

Issue 11's decisions: a named company's people ("les acheteurs de Danone") are one target (an
intention without a date, an action with one); a cadence ("chaque semaine", "every Monday") is not
"all of a scope"; a result verb on a defined set of accounts ("réactiver les clients dormants de la
Loire") is an objective; reminders to oneself and image-building with no figure are intentions.
Text is read up to MAX_STATEMENT_CHARS and every rule runs in linear time.

Each result lists what is missing (who, what, how_many, when; and, for actions, info_needed and
info_source: the 5Q rule's "what information, from whom") and the parsed structure: verb, activity
type, count, target, named target, scope hints (départements, régions, industries, dormant), window.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from pac_core import geography
from pac_core.errors import GeographyError, PeriodError
from pac_core.periods import RelativePeriodError, day_words, find_periods, two_way_dates
from pac_core.plan import Action, ActivityType, Plan
from pac_core.scopes import GROUPED_COUNT
from pac_core.text import fold_keep_length, fold_words
from pac_core.window import Window

KINDS = ("action", "objective", "intention")
_ONE_DAY = timedelta(days=1)
# A 5Q action is one sentence. Longer text is read up to this length (with a reason saying so); the
# CLIs refuse it up front (exit 2) with statement_too_long(). Every rule runs in linear time anyway.
MAX_STATEMENT_CHARS = 1000


def statement_too_long(text: str) -> str | None:
    """The plain-words problem when ``text`` is over MAX_STATEMENT_CHARS, else None."""
    if len(text) <= MAX_STATEMENT_CHARS:
        return None
    return (f"the statement is {len(text):,} characters long; the linter reads at most {MAX_STATEMENT_CHARS:,} "
            "(a 5Q action is one sentence: who does what, how many, when): shorten it or split it into several "
            "actions")
MISSING_ORDER = ("who", "what", "how_many", "when", "info_needed", "info_source")


@dataclass(frozen=True)
class LintResult:
    """The verdict on one statement, with its reasons and what it lacks to be a 5Q action."""

    text: str
    kind: str                                   # action | objective | intention
    missing: list[str] = field(default_factory=list)
    parsed: dict[str, Any] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "kind": self.kind, "missing": list(self.missing),
                "parsed": dict(self.parsed), "reasons": list(self.reasons)}


# --------------------------------------------------------------------------------------- vocabulary


_norm = fold_keep_length


def _fr(stem: str) -> str:
    """The usual forms of a French first-group verb from its stem ("visit" -> visiter, visite...)."""
    return rf"{stem}(?:er|e|es|ez|ons|ent|era|erai|eras|erons|erez|eront|ant)"


_T = ActivityType
# « être plus présent chez… », "be more present with…": the adjective, not the verb to present (audit lintmethod: « Être
# plus présent chez les grands comptes » was an objective, read as presenting to "les grands comptes").
_NOT_ADJECTIVE = (r"(?<!plus\s)(?<!tres\s)(?<!etre\s)(?<!bien\s)(?<!rester\s)(?<!more\s)(?<!very\s)"
                  r"(?<!\bbe\s)(?<!been\s)(?<!stay\s)(?<!remain\s)")
# (lemma, pattern, activity type or None when the object decides)
_ACTIVITY_VERBS: list[tuple[str, str, ActivityType | None]] = [
    ("visiter", _fr("visit"), _T.VISIT),
    ("visit", r"visit(?:s|ing)?", _T.VISIT),
    ("ride along", r"ride[\s-]+along(?!s)", _T.VISIT),      # a joint field visit with a rep (audit linten)
    ("rendre visite", r"rendre\s+visite|rend(?:s|ra|rons)?\s+visite", _T.VISIT),
    ("aller voir", r"(?:aller|passer|va|ira|irons|allons|passera)\s+voir", _T.VISIT),
    ("voir", r"voir|see|sees|seeing", _T.VISIT),
    ("se rendre", r"se\s+rendre\s+(?:chez|dans|aupres)", _T.VISIT),
    ("appeler", r"(?:re)?appel(?:er|le|les|lez|lons|lent|lera|lerai|lerons|leront)|rappeler"
                r"|r?apell?er|r?appeller", _T.CALL),       # « apeller », « appeller »: the commonest misspellings
    ("téléphoner", _fr("telephon"), _T.CALL),
    ("call", r"(?:cold-?)?call(?:s|ing)?|phon(?:e|es|ing)|ring|call\s+back", _T.CALL),
    ("contacter", _fr("(?:re)?contact") + r"|contact(?:s|ing)?|reach\s+out|joindre", None),
    ("rencontrer", _fr("rencontr"), _T.MEETING),
    ("meet", r"meet(?:s|ing)?(?!s)", _T.MEETING),
    ("prendre rendez-vous", r"(?:prendre|prend|prendra|obtenir|decrocher|caler|fixer|planifier|get|secure|set\s+up)"
                            r"(?:\s+\w+){0,2}\s+(?:rendez-vous|rdv|meetings?|appointments?)", _T.MEETING),
    ("book", r"book(?:s|ing)?|schedul(?:e|es|ing)", _T.MEETING),
    ("présenter", _NOT_ADJECTIVE + _fr("present"), _T.DEMO),
    ("present", _NOT_ADJECTIVE + r"present(?:s|ing)?|pitch(?:es|ing)?|showcas(?:e|es|ing)|show(?:s|ing)?", _T.DEMO),
    ("démontrer", _fr("demontr") + r"|demonstrat(?:e|es|ing)|demo(?:s|ing)?", _T.DEMO),
    ("inviter", _fr("invit") + r"|invit(?:e|es|ing)", None),
    ("organiser", _fr("organis") + r"|organi[sz](?:e|es|ing)|arrange|mettre\s+en\s+place|set\s+up", None),
    ("relancer", _fr("relanc") + r"|relance", None),
    ("follow up", r"follow(?:s|ing)?[\s-]+up|chas(?:e|es|ing)", None),
    ("qualifier", r"qualifi(?:er|e|es|ez|ons|ent|era|erons|eront)|qualif(?:y|ies|ying)", None),
    ("envoyer", r"envo(?:yer|ie|ies|yez|yons|ient|iera|ierons|ieront)|adresser|expedier", _T.EMAIL),
    ("send", r"send(?:s|ing)?|e-?mail(?:s|ing)?|mail(?:s|ing)?|write\s+to|ecrire\s+a", _T.EMAIL),
    ("emailer", r"e-?mailer|mailer", _T.EMAIL),
    ("proposer", _fr("propos") + r"|propos(?:e|es|ing)|offer(?:s|ing)?", None),
    ("déposer", _fr("depos") + r"|soumettre|remettre|fil(?:e|es|ing)|submit(?:s|ting)?", None),
    ("répondre", r"repondre|respond\s+to|answer", None),
    ("animer", _fr("anim") + r"|host(?:s|ing)?", None),
    ("participer", _fr("particip") + r"|attend(?:s|ing)?|exhibit(?:s|ing)?", None),
    ("négocier", _fr("negoci") + r"|negotiat(?:e|es|ing)", None),
    ("identifier", r"identifi(?:er|e|ez|era)|identify|lister|cartographier|map\s+out", None),
    ("prospecter", _fr("prospect") + r"|demarcher|canvass", _T.VISIT),
    ("former", r"former|train(?=\s+\d)", None),
    ("inviter", r"convier", None),
]
# Light verbs are activities only with an activity noun ("réaliser 3 démonstrations").
_LIGHT_VERBS = (r"realiser|realise|realisera|effectuer|effectue|faire|fait|fera|mener|menera|conduire|conduct"
                r"|run|runs|hold|holds|carry\s+out|perform|do|make|tenir|lancer|launch|prendre|take")
# (noun pattern, activity type)
_ACTIVITY_NOUNS: list[tuple[str, ActivityType | None]] = [
    (r"visites?|visits?|tournees?|tours?|ride[\s-]?alongs?", _T.VISIT),
    (r"appels?(?!\s+d'offres)|calls?(?!\s+for\s+tenders?)|phoning|coups?\s+de\s+(?:fil|telephone)", _T.CALL),
    (r"rendez-vous|rdv|reunions?|meetings?|appointments?|dejeuners?|lunch(?:es)?|entretiens?|qbrs?"
     r"|(?:account|business|quarterly)\s+reviews?", _T.MEETING),
    (r"demos?|demonstrations?|presentations?|essais?|trials?|webinaires?|webinars?|ateliers?|workshops?"
     r"|journees?\s+portes?\s+ouvertes?|open\s+days?", _T.DEMO),
    (r"e-?mails?|mailings?|newsletters?|courriels?|campagnes?\s+(?:e-?)?mail(?:ing)?", _T.EMAIL),
    (r"devis|quotes?|quotations?|(?<!d')offres?|proposals?|propositions?", _T.QUOTE_FOLLOW_UP),
    (r"salons?|trade\s*shows?|seminaires?|seminars?|audits?|formations?|trainings?|points?\s+(?:de\s+)?compte",
     None),
]
_RESULT_VERBS = (
    r"augment\w*|accroi\w*|increas\w*|grow\w*|grew|developp(?:er|e|es|ez|ons|ent|era|erons|eront)|develop(?:s|ing)?"
    r"|booster|boost\w*|doubl\w*|tripl\w*|atteindre|atteign\w*"
    r"|reach\w*|achiev\w*|hit|depass\w*|exceed\w*|surpass\w*|gagn\w*|win|wins|winning|remport\w*|sign(?:er|e|es|ez"
    r"|ent|era|erons|eront|s|ing)?|conclu\w*|close|closes|closing|obten\w*|obtien\w*|get|secure|convert\w*"
    r"|transformer|reactiv(?:er|e|es|ez|ons|ent|era|erons|eront|ate|ates|ating)|reconque\w*|reconquer\w*|regagn\w*"
    r"|win\s+back|faire\s+revenir|ramener|reviv\w*|re-?engag\w*|conque\w*|acqu[ei]r\w*|recrut\w*"
    r"|recruit\w*|fidelis\w*|retain\w*|keep|conserver|redui\w*|reduc\w*|diminu\w*|cut|amelior\w*|improv\w*"
    r"|optimi[sz]\w*|gener(?:er|e|ent|era|ate|ates|ating)|progress\w*|gain|gains|capter|capture|ouvrir|open"
    r"|vendre|vend|vends|vendra|vendons|vendez|sell|sells|selling|placer"
    r"|renouvel\w*|renew\w*|mainten(?:ir|ons|ez|ent)|maintain\w*|securis\w*|penetr\w*|positionner|etre|be|devenir"
    r"|become|renforc\w*|strengthen\w*|expand\w*|elarg\w*|multipli\w*"
)
# Amounts and percentages start at the head of a number ("1 500 000 €"), never inside one: each
# piece of text is tried once, so the search stays linear however long a run of digits is.
_MONEY = (r"(?<![\d.,])(?<!\d\s)\d+(?:[\s.,]\d+)*\s?(?:(?:k|m|md)\s?)?(?:€|eur\b|euros?\b|\$|usd\b|keur\b|meur\b"
          r"|k€|m€)|(?:€|\$)\s?\d")
_PERCENT = r"(?<![\d.,])\d[\d.,]*\s?(?:%|pour\s?cents?|percent|pts?\b|points?\b)"
_METRIC = (r"\bca\b|chiffre\s+d'affaires|revenues?|turnover|\bsales\b|ventes|marges?|margins?|part\s+de\s+marche"
           r"|parts\s+de\s+marche|market\s+share|share\s+of\s+wallet|\bshare\b|\btaux\b|\brates?\b|croissance|growth"
           r"|panier\s+moyen|average\s+(?:basket|order)|commandes|orders|\bwins?\b|signatures|contrats?\s+signes"
           r"|signed\s+contracts|nombre\s+de|number\s+of|\broi\b|pipeline|backlog|conversion|transformation|nps"
           r"|satisfaction|retention|churn|attrition|renouvellement|renewals?")
_WHOLE_SCOPE = (r"\b(?:tous|toutes|tout\s+le|toute\s+la|l'ensemble\s+(?:de|des|du)|chaque|100\s*%\s+(?:des|of)"
                r"|all|every|each|entire|whole|the\s+whole|all\s+of)\b")
# "chaque semaine", "tous les lundis", "every Monday": a cadence inside a period, not a whole scope.
_CADENCE = re.compile(r"\b(?:tous\s+les|toutes\s+les|chaque|every|each)\s+(?:(?:other|second)\s+)?(?:jours?|semaines?"
                      r"|mois|trimestres?|quinzaines?|lundis?|mardis?|mercredis?|jeudis?|vendredis?|samedis?|dimanches?"
                      r"|matins?|soirs?|days?|weeks?|months?|quarters?|fortnights?|mondays?|tuesdays?|wednesdays?"
                      r"|thursdays?|fridays?|saturdays?|sundays?|mornings?)\b")
# "30 minutes each", "1.5 hours each", "10 leads each": per call, per visit, per rep, not all of a scope (audit
# lintnums: "Call 5 customers for 30 minutes each in May" was an objective "over all of a scope"); "each customer" still
# is. A number is tried from its first digit only (linear time on long runs of digits).
_EACH_AFTER_NUMBER = re.compile(r"(?<![\d.,])\d[\d.,]*\s?(?:[a-z%€$£]+\s)?each"
                                r"(?=\s?[,;.)]|$|\s(?:in|by|on|before|during|until|from|at|per|for|and|or|within|this"
                                r"|next)(?![a-z]))")
# "5 customers per week", « 5 clients par mois », "weekly": a rate. The count is then what is done each week or month,
# not the window's target, which pac counts (usplan audit: "5 per week in Q3" was a target of 5 over 13 weeks).
_RATE = re.compile(r"(?<![a-z])(?:(?P<lead>per|a|an|each|every|par|chaque|tous\s+les|toutes\s+les)\s+"
                   r"(?P<unit>weeks?|months?|days?|semaines?|mois|jours?)|(?P<adj>weekly|monthly|daily"
                   r"|hebdomadaires?|mensuel(?:le)?s?|quotidien(?:ne)?s?|hebdomadairement|mensuellement"
                   r"|quotidiennement))(?![a-z])"
                   r"|(?<=[a-z])\s?/\s?(?P<slash>week|wk|month|mo|day|semaine|sem|mois|jour|j)(?![a-z])")
_RATE_UNIT = (("week", "semaine", "hebdo", "wk", "sem"), ("day", "jour", "quotidien", "j"))
_NOT_RATE_BEFORE = re.compile(r"(?:^|\s)(?:in|within|for|over|after|dans|pour|en|apres|sous)\s+$")


def _rate(s: str) -> tuple[str, str] | None:
    """The first rate of the normalised statement ``s``: (as written, "week" or "month"); "in a week", « dans un mois »
    are durations, not rates."""
    for m in _RATE.finditer(s):
        if m.group("lead") in ("a", "an") and _NOT_RATE_BEFORE.search(s[max(0, m.start() - 10):m.start()]):
            continue
        word = m.group("unit") or m.group("adj") or m.group("slash")
        written = m.group(0).strip() if m.group("slash") is None else "/" + m.group("slash")
        unit = "week" if word.startswith(_RATE_UNIT[0]) else "day" if word.startswith(_RATE_UNIT[1]) else "month"
        if unit == "day" and m.group("lead") in ("each", "every", "chaque", "tous les", "toutes les"):
            continue      # "every day in May" is a cadence of the whole window, "a day" / "per day" a rate
        return written, unit
    return None


def _rate_reason(facts: _Facts) -> str:
    """What the linter says of a count given as a rate: pac counts the number over the whole window, so write the total
    for the window (with the product worked out when the window is known) or one action per week or month."""
    assert facts.rate is not None and facts.count is not None
    written, unit = facts.rate
    count = facts.count
    units, per = ("working days", "week") if unit == "day" else (f"{unit}s", unit)
    if facts.windows:
        w = facts.windows[0]
        first, end = date.fromisoformat(w["start"][:10]), date.fromisoformat(w["end"][:10])
        if unit == "week":
            n = max(1, round((end - first).days / 7))
        elif unit == "day":     # a working day (Monday to Friday): reps do not call on Sundays
            n = max(1, sum((first + timedelta(days=k)).weekday() < 5 for k in range((end - first).days)))
        else:
            n = max(1, round((end.year - first.year) * 12 + end.month - first.month
                              + (end.day - first.day) / 30.44))
        return (f"count: {count} {written!r} is a rate, not a target: pac counts {count} over the whole window "
                f"{w['label']!r} ({first.isoformat()} to {(end - _ONE_DAY).isoformat()}), not {count} each {unit} "
                f"(write the total for the window, {count} × {n} {units} = {count * n}, or one action per {per})")
    return (f"count: {count} {written!r} is a rate, not a target: pac counts a number over a window (write the "
            f"total for the window, {count} × its {units}, or one action per {per})")


# "les acheteurs de Danone", "the buyers at Unilever": people of one named account, not a scope.
_ROLE_GROUP = re.compile(r"(?:acheteu(?:rs|ses)|achats|decideurs|decisionnaires|dirigeants|directeurs|directrices"
                         r"|responsables|equipes|interlocuteurs|ingenieurs|buyers|purchasers|purchasing|procurement"
                         r"|decision-makers|executives|directors|managers|teams|engineers|people|staff)")
# A reminder to oneself ("penser à", "don't forget to") is an intention, dated or not.
_REMINDER = re.compile(r"\s*(?:[a-z][\w'-]*\s*:\s*)?(?:penser\s+a|pense\s+a|ne\s+pas\s+oublier|n'oublie\s+pas"
                       r"|n'oublions\s+pas|me\s+rappeler|se\s+rappeler|nous\s+rappeler|remember\s+to"
                       r"|don't\s+forget|do\s+not\s+forget|remind\s+(?:me|myself|us)|note\s+to\s+self)\b")
# Image-building ("soigner notre image", "brand awareness"): an intention unless it has a figure.
_IMAGE = re.compile(r"\b(?:image|notoriete|visibilite|reputation|se\s+faire\s+connaitre|awareness|visibility"
                    r"|visible|brand)\b")
# The accounts a result verb may act on as a defined set ("réactiver les clients dormants de la Loire").
_ACCOUNT_WORDS = re.compile(r"(?:clients|customers|comptes|accounts|distributeurs|distributors|revendeurs|resellers"
                            r"|prospects|partenaires|partners|dealers|acheteurs|buyers)")
_SCOPE_DET = r"\b(?:les|nos|mes|vos|leurs|ses|the|our|my|your|their|ces|these|those)\s+"
_VAGUE_DET = r"\b(?:des|quelques|plusieurs|certains|certaines|some|several|a\s+few|few|more|plus\s+de|davantage\s+de)\b"
_NUMBER_WORDS = {
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
    "onze": 11, "douze": 12, "quinze": 15, "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "cent": 100,
    "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
    "dizaine": 10, "douzaine": 12, "quinzaine": 15, "vingtaine": 20, "trentaine": 30, "cinquantaine": 50,
    "centaine": 100, "dozen": 12,
}
_UNITS = (r"(?:%|€|\$|£|¥|k€|m€|k|m|keur|meur|eur|euros?|usd|gbp|chf|jpy|cad|aud|pour|percent|pts?|points?|jours?"
          r"|days?|semaines?|weeks?"
          r"|mois|months?|heures?|hours?|h|ans?|years?|fois|times|minutes?|min|x|fois|ans|an|tonnes?|kg|litres?"
          r"|unites?|units?)(?![a-z])")
_TARGET_STOP = (r"(?:du|de|des|d'|dans|en|in|from|of|sur|on|with|avec|par|by|before|avant|pour|for|chez|at|a|au|aux"
                r"|to|et|and|ou|or|entre|between|during|pendant|qui|that|who|which|afin|so|le|la|les|l'|the|this"
                r"|cette|ce|until|jusqu'au|d'ici|semaine|week|ayant|having|equipes|equipped|situes|located|sans"
                r"|without|using|grace|via|lors)")
_NOT_NAMES = {
    "ca", "dg", "pdg", "ceo", "cfo", "cto", "coo", "dsi", "daf", "drh", "rse", "crm", "erp", "pme", "eti", "tpe",
    "kam", "sav", "adv", "it", "rh", "hr", "bu", "kpi", "roi", "nps", "b2b", "b2c", "vip", "cdd", "cdi", "ia", "ai",
    "ue", "eu", "france", "europe", "usa", "uk", "i", "we", "nous", "je", "our", "my", "the", "le", "la", "les",
    "sud-ouest", "nord-est", "sud-est", "nord-ouest", "ouest", "est", "client", "clients", "customer", "customers",
    "prospects", "prospect", "salon", "email", "e-mail", "linkedin", "webinar", "webinaire", "ok",
    "directeur", "director", "manager", "head", "vp", "responsable", "acheteur", "buyer", "service", "marketing",
    "sales", "direction", "french", "francais", "german", "european", "pharma",
    "mr", "mrs", "ms", "dr", "m", "mme", "monsieur", "madame",
    "sme", "smes", "smb", "smbs", "pmi",     # the English PME and the French PMI: segments, not accounts
    "eom", "eoq", "eoy", "eofy", "eow",     # "by EOM": a deadline read or asked for (audit linten), not an account
}
_MONTH_OR_DAY = {
    "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre", "novembre",
    "decembre", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "semaine", "week", "noel", "christmas",
    "paques", "easter", "toussaint",
}
_INDUSTRIES: dict[str, str] = {
    r"pharma\w*|laboratoires?|labs?\b": "pharmaceutique", r"agro\w*|food|laiteries?|dairy|dairies|conserveries?"
    r"|canneries?": "agroalimentaire", r"chimi\w*|chemical\w*": "chimie", r"cosmeti\w*": "cosmétique",
    r"automobile|automotive|equipementiers?": "automobile", r"aeronauti\w*|aerospace": "aéronautique",
    r"hopita\w*|hospitals?|cliniques?|clinics?|sante|healthcare": "santé", r"btp|construction": "construction",
    r"energie|energy": "énergie", r"traitement\s+de\s+l'eau|water\s+treatment|stations?\s+d'epuration": "eau",
    r"plasturgi\w*|plastics?": "plasturgie", r"metallurgi\w*|steel": "métallurgie", r"papeteries?|paper\s+mills?":
    "papeterie", r"brasseries?|breweries|brewery": "brasserie", r"distributeurs?|distributors?|revendeurs?"
    r"|resellers?|integrateurs?|integrators?": "distribution",
}
_DORMANT = r"dormant\w*|inacti\w*|sans\s+commande|no\s+orders?\s+(?:for|since|in)|lapsed|sleeping|endormis"
_ACCOUNT_TYPES = {r"prospects?": "prospect", r"clients?|customers?": "client", r"distributeurs?|distributors?"
                  r"|revendeurs?|resellers?": "distributeur", r"grands\s+comptes|key\s+accounts|major\s+accounts"
                  r"|strategic\s+accounts": "grand compte"}
_INFO_NEEDED = (r"\b(?:liste|listes|list|lists|fichier|file\s+of|extraction|extract|export|donnees|data|infos?"
                r"|informations?|rapport|report|historique|history|base\s+installee|installed\s+base|tableau|brief"
                r"|dossier|etude|study|fiche|sheet|relev[ee]|statistiques|stats|argumentaire|pitch\s+deck|plaquette"
                r"|catalogue|catalog|tarifs?|price\s+list|references?)\b")
_INFO_SOURCE = (r"\b(?:aupres\s+d[eu']|fourni\w*\s+par|provided\s+by|from\s+(?:the\s+)?[a-z]|source\s*:|d'apres"
                r"|selon|according\s+to|obtenu\w*\s+(?:par|aupres|de)|demander\s+a|ask(?:ing)?\s+\w+\s+for"
                r"|extraite?s?\s+(?:du|de|par)|exported?\s+from|extracted\s+from|via\s+(?:le|la|l'|the)?\s*\w+"
                r"|du\s+crm|from\s+crm|par\s+l'adv|par\s+le\s+marketing|de\s+l'adv|du\s+marketing)")

_COMPILED_VERBS = [(lemma, re.compile(rf"\b(?:{pat})\b"), kind) for lemma, pat, kind in _ACTIVITY_VERBS]
# A misspelt first verb (« Visister », « Telephonner », "Vist"): the lexicon's verbs it is one slip from (one letter
# missing, extra, wrong, or two swapped), read as that verb with a reason saying so (audit lintmethod). Only the
# statement's first word, only when no other verb is found, never a real word one slip from a verb.
_SPELLED = {"visiter": _T.VISIT, "visit": _T.VISIT, "appeler": _T.CALL, "rappeler": _T.CALL, "telephoner": _T.CALL,
            "contacter": None, "contact": None, "rencontrer": _T.MEETING, "presenter": _T.DEMO, "present": _T.DEMO,
            "demontrer": _T.DEMO, "inviter": None, "invite": None, "organiser": None, "organise": None,
            "organize": None, "relancer": None, "qualifier": None, "qualify": None, "envoyer": _T.EMAIL,
            "proposer": None, "propose": None, "prospecter": _T.VISIT, "negocier": None, "negotiate": None}
_NOT_SLIPS = {"prevent", "present", "invent", "events", "visits", "visite", "visites", "invites", "invited", "contacts",
              "proposes", "proposed", "relance", "relances", "rappel", "appel", "appels", "summit", "aimer"}


def _one_slip(word: str, verb: str) -> bool:
    """Whether ``word`` is ``verb`` with one letter missing, extra or wrong, or two neighbours swapped."""
    if word == verb or abs(len(word) - len(verb)) > 1:
        return False
    i = 0
    while i < min(len(word), len(verb)) and word[i] == verb[i]:
        i += 1
    return (word[i + 1:] == verb[i + 1:] or word[i:] == verb[i + 1:] or word[i + 1:] == verb[i:]
            or (word[i + 2:] == verb[i + 2:] and word[i:i + 2] == verb[i:i + 2][::-1]))


def _misspelt_verb(s: str) -> tuple[int, str, str] | None:
    """(position, word, verb) when the statement's first word (after « Name : ») is one slip from a verb."""
    m = re.match(r"\s*(?:[a-z][\w'-]*\s*:\s*)?([a-z]{4,})\b", s)
    if not m or m.group(1) in _NOT_SLIPS:
        return None
    verb = next((v for v in _SPELLED if len(v) >= 5 and _one_slip(m.group(1), v)), None)
    return (m.start(1), m.group(1), verb) if verb else None
_LIGHT = re.compile(rf"\b(?:{_LIGHT_VERBS})\b")
_NOUNS = [(re.compile(rf"\b(?:{pat})\b"), kind) for pat, kind in _ACTIVITY_NOUNS]
_HEAD_NOUN = re.compile(r"\s*(?:[a-z][\w'-]*\s*:\s*)?(?P<noun>" + "|".join(pat for pat, _ in _ACTIVITY_NOUNS)
                        + r"|prospections?|prospecting)(?![\w-])")
_RESULT = re.compile(rf"\b(?:{_RESULT_VERBS})\b")
# a count, grouped in thousands by a space, an apostrophe, a comma or a point in either language (« Visiter 1 200
# clients », "Call 1,200 customers", « 1.200 », « 1'200 »: a count is whole, so none is 1,2): audit importus F3 read
# "1,234" in English only; audit amounts2 F2: « 1 200 » read 200 (the « 1 » dropped), « 1,234 » and « 1.200 » no count
# "2k customers", « 1,5k clients »: thousands of accounts or activities (audit lintnums: no count, « add: how many »);
# before anything else (« 5k€ », "5k of pipeline", « 50k de CA ») a k is money. « 3/4 clients » is 3 or 4 of them,
# read as a range (``_COUNT_RANGE``); « 3/4 des devis » stays a share (``_SHARE``).
_COUNTED_NOUN = (r"(?=\s(?:clients|customers|comptes|accounts|prospects|leads|contacts|distributeurs|distributors"
                 r"|revendeurs|resellers|partenaires|partners|dealers|appels|calls|e-?mails|mails|visites|visits)"
                 r"(?![a-z]))")
_NUMBER = re.compile(r"(?<![\w.,/'’-])(?P<digits>" + GROUPED_COUNT + r"|\d{1,6})"
                     r"(?![\w/]|[.,]\d)|(?<![\w.,/'’-])(?P<slash>\d{1,3})(?=/\d{1,3}\s[a-z])"
                     r"|(?<![\w.,/'’-])(?P<kilo>\d{1,3}(?:[.,]\d{1,2})?)\s?k" + _COUNTED_NOUN
                     + r"|\b(?P<word>" + "|".join(_NUMBER_WORDS) + r")\b")
_YEAR_COUNT = re.compile(_COUNTED_NOUN)
_SLASH_OTHER = re.compile(r"/(\d{1,3})")
_HALF_DAY = re.compile(r"\s*(?:journees?|matinees?|soirees?|apres-midi|temps)(?![a-z])")     # « 1/2 journée »
_SHARE = re.compile(r"/(?P<of>\d{1,3})\s(?:des|de|du|d'|of|la|le|les|the|our|nos|mes)(?![a-z])")
# a number with a fraction, « 1,5 clients »: no count (a count is whole), said so rather than « add: how many »
_FRACTION = re.compile(r"(?<![\w.,/$€£¥-])(\d{1,6})[.,](\d{1,2}|\d{4,})(?![\w/]|[.,]\d)")
# "Q2.5", « T2,5 », "H1.5": no period (``periods``), said so when the statement has no other (audit lintnums)
_DECIMAL_QUARTER = re.compile(r"(?<![\w.,])[tqh][1-4][.,]\d{1,2}(?![\w]|[.,]\d)")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass
class _Facts:
    """What the rules found in one statement (positions are in the normalised text)."""

    verb: str | None = None
    verb_lemma: str | None = None
    verb_at: int = -1
    activity_type: ActivityType | None = None
    result_verb: str | None = None
    result_at: int = -1
    count: int | None = None
    count_is_activity: bool = False
    target: str | None = None
    named_target: str | None = None
    whole_scope: bool = False
    scope_plural: bool = False
    vague_quantity: bool = False
    measure: list[str] = field(default_factory=list)
    windows: list[dict[str, str]] = field(default_factory=list)
    period_spans: list[tuple[int, int]] = field(default_factory=list)
    period_problems: list[str] = field(default_factory=list)
    relative_unresolved: bool = False            # "next week" without today: time-bound, window unknown
    role_group: bool = False                     # "les acheteurs (de Danone)": people of an account
    result_set: bool = False                     # a result verb on a defined set of accounts
    reminder: bool = False                       # "penser à...", "don't forget to..."
    image: bool = False                          # image-building words
    count_range: str | None = None               # « 5 à 8 », « entre 5 et 8 »: a range of targets, read as 5
    fraction: str | None = None                  # « 1,5 clients »: a number with a fraction where a count goes
    durations: list[str] = field(default_factory=list)   # the measures that are ages: "30 jours", "6 months"
    misspelt: str | None = None                  # the verb a misspelt first word was read as
    rate: tuple[str, str] | None = None          # "per week", « chaque mois »: (as written, week or month)
    scope_hints: dict[str, Any] = field(default_factory=dict)
    who: str | None = None
    info_needed: bool = False
    info_source: bool = False
    reasons: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------------------ extraction


class _Spans(list[tuple[int, int]]):
    """Spans of the statement with a mask over its characters: ``pos in spans`` costs O(1), so checking
    every word against every period or place found stays linear in the length of the statement."""

    def __init__(self, size: int, spans: Iterable[tuple[int, int]] = ()) -> None:
        super().__init__()
        self._mask = bytearray(size + 1)
        for span in spans:
            self.append(span)

    def append(self, span: tuple[int, int]) -> None:
        super().append(span)
        a, b = max(0, span[0]), min(span[1], len(self._mask))
        if b > a:
            self._mask[a:b] = b"\x01" * (b - a)

    def covers(self, pos: int) -> bool:
        return 0 <= pos < len(self._mask) and bool(self._mask[pos])


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    if isinstance(spans, _Spans):
        return spans.covers(pos)
    return any(a <= pos < b for a, b in spans)


def _find_verbs(s: str, facts: _Facts) -> None:
    best: tuple[int, str, str, ActivityType | None] | None = None
    for lemma, pattern, kind in _COMPILED_VERBS:
        for m in pattern.finditer(s):
            if _inside(m.start(), facts.period_spans):
                continue
            if best is None or m.start() < best[0]:
                best = (m.start(), m.group(0), lemma, kind)
            break
    light = next((m for m in _LIGHT.finditer(s) if not _inside(m.start(), facts.period_spans)), None)
    if light and (best is None or light.start() < best[0]):
        window = s[light.end():light.end() + 40]
        if any(p.search(window) for p, _ in _NOUNS):
            best = (light.start(), light.group(0), light.group(0).split()[0], None)
    result = next((m for m in _RESULT.finditer(s) if not _inside(m.start(), facts.period_spans)), None)
    # « RDV avec 5 clients… », « Appels à 20 prospects… », "Meetings with 5 customers…": a to-do line headed by an
    # activity noun says the activity as a verb would (audit lintmethod: they were intentions, "no activity verb").
    head = _HEAD_NOUN.match(s) if best is None and result is None else None
    if head is not None:
        noun = head.group("noun")
        best = (head.start("noun"), noun, noun, next((k for p, k in _NOUNS if p.fullmatch(noun)), None))
    slip = _misspelt_verb(s) if best is None and result is None else None
    if slip is not None:
        best = (slip[0], slip[1], slip[2], _SPELLED[slip[2]])
        facts.misspelt = slip[2]
    if best is not None:
        facts.verb_at, facts.verb, facts.verb_lemma, facts.activity_type = best
        if facts.verb_lemma == "prendre rendez-vous":   # "obtenir 10 rendez-vous": the verb is "obtenir"
            facts.verb = facts.verb.split()[0]
    if result:
        facts.result_verb, facts.result_at = result.group(0), result.start()
    if facts.activity_type is None:
        after = s[max(facts.verb_at, 0):]
        hits = [(m.start(), kind) for p, kind in _NOUNS for m in p.finditer(after) if kind is not None]
        if hits:
            facts.activity_type = min(hits, key=lambda h: h[0])[1]


def _departement_spans(s: str) -> list[tuple[int, int, str]]:
    """Département codes written as numbers ("du 69", "dans le 38", "département 74", "department 69", « dépt. 69 »,
    "(69)")."""
    out: list[tuple[int, int, str]] = []
    pattern = re.compile(r"(?:\b(?:du|dans\s+le|le|departements?|departments?|depts?\.?|dpts?\.?|deps?|in|in\s+the"
                         r"|en|of|et\s+du|et\s+le|and|et|,)\s+|\()(\d{2,3}|2a|2b)(?![a-z0-9])(?!\s*[%€])")
    for m in pattern.finditer(s):
        code_text = m.group(1)
        # "les 69 clients" is a count, "du 69" a département: a following noun means a count.
        follow = s[m.end():m.end() + 20]
        if re.match(r"\s+(?!et\b|and\b|en\b|in\b|ou\b|or\b|du\b|de\b|d'|avant\b|before\b|by\b|pour\b|for\b|d'ici\b"
                    r"|entre\b|between\b|au\b|from\b|during\b|pendant\b|sur\b|on\b|le\b|la\b|the\b|semaine\b|week\b"
                    r"|with\b|avec\b|$)[a-z]", follow):
            continue
        try:
            out.append((m.start(1), m.end(1), geography.resolve_departement(code_text)))
        except GeographyError:
            continue
    return out


_DEPT_NAMES = sorted(((fold_words(name), code) for code, (name, _) in geography.DEPARTEMENTS.items()),
                     key=lambda x: -len(x[0]))
_AMBIGUOUS_NAMES = {"cher", "manche", "somme", "nord", "lot", "var", "aube", "orne", "ain", "eure", "marne", "loire",
                    "vienne", "indre", "gard", "tarn", "gers", "oise", "aude", "doubs", "jura", "paris", "savoie",
                    "rhone", "meuse", "creuse", "landes"}


def _spelling_pattern(key: str) -> re.Pattern[str]:
    """A normalised name ("rhone alpes") as a pattern that also accepts hyphens between words."""
    return re.compile(r"\b" + r"[\s-]+".join(re.escape(w) for w in key.split()) + r"\b")


_DEPARTEMENT_AFTER = re.compile(r"\s+(?:departement|department)\b")
_REGION_PATTERNS = [(_spelling_pattern(key), name)
                    for key, name in sorted(geography.REGION_SPELLINGS.items(), key=lambda kv: -len(kv[0]))
                    if len(key) >= 5]
_REGION_ACRONYMS = {"ARA": "Auvergne-Rhône-Alpes", "AURA": "Auvergne-Rhône-Alpes", "IDF": "Île-de-France",
                    "PACA": "Provence-Alpes-Côte d'Azur", "HDF": "Hauts-de-France", "BFC": "Bourgogne-Franche-Comté",
                    "CVL": "Centre-Val de Loire", "NAQ": "Nouvelle-Aquitaine", "PDL": "Pays de la Loire"}


_US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho",
    "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine",
    "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri",
    "MT": "Montana", "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico",
    "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington", "WV": "West Virginia",
    "WI": "Wisconsin", "WY": "Wyoming", "DC": "District of Columbia",
}
# A US state by its name ("Illinois", "New York State"), longest first ("West Virginia" before "Virginia"); by its
# USPS code only in capitals after a place word or in a list of codes ("in TX/OK", "in PA, NJ and DE"): "IN", "OR",
# "ME", "OK" are words too (audit linten).
_US_STATE_NAMES = tuple((re.compile(rf"\b{re.escape(_norm(name))}(?:\s+state)?\b"), code)
                        for code, name in sorted(_US_STATES.items(), key=lambda kv: -len(kv[1])))
_US_CODES = "|".join(_US_STATES)
_US_CODE_LIST = re.compile(rf"(?<![\w-])(?:in|across|from)\s+((?:{_US_CODES})(?:\s*(?:/|,|\band\b|&|\bor\b)\s*"
                           rf"(?:{_US_CODES}))*)(?![\w-])")
_US_CODE = re.compile(rf"\b(?:{_US_CODES})\b")
_US_REGIONS = ("Pacific Northwest", "New England", "Mid-Atlantic", "Midwest", "Northeast", "Southeast", "Southwest",
               "West Coast", "East Coast", "Gulf Coast", "Great Lakes", "Tri-State Area", "Bay Area", "Sun Belt")
_US_REGION_PATTERNS = tuple((re.compile(rf"\b{re.escape(_norm(name).replace('-', ' '))}\b"), name)
                            for name in _US_REGIONS)


def _us_places(text: str, geo: str, used: _Spans) -> tuple[list[str], list[str]]:
    """The US states (USPS codes) and regions a statement names; their spans are added to ``used``."""
    states: list[tuple[int, str]] = []
    for pattern, code in _US_STATE_NAMES:
        for m in pattern.finditer(geo):
            if not _inside(m.start(), used) and text[m.start()].isupper():
                states.append((m.start(), code))
                used.append(m.span())
    for m in _US_CODE_LIST.finditer(text):
        for listed in _US_CODE.finditer(m.group(1)):
            start = m.start(1) + listed.start()
            if not _inside(start, used):
                states.append((start, listed.group(0)))
                used.append((start, start + 2))
    regions: list[tuple[int, str]] = []
    for pattern, name in _US_REGION_PATTERNS:
        for m in pattern.finditer(geo):
            if not _inside(m.start(), used) and text[m.start()].isupper():
                regions.append((m.start(), name))
                used.append(m.span())
    return (list(dict.fromkeys(code for _, code in sorted(states))),
            list(dict.fromkeys(name for _, name in sorted(regions))))


def _scope_hints(text: str, s: str, facts: _Facts) -> list[tuple[int, int]]:
    """Départements, régions, industries, account types and "dormant"; returns the spans used by places."""
    used = _Spans(len(s))
    depts: list[str] = []
    for a, b, code in _departement_spans(s):
        if not _inside(a, facts.period_spans):
            depts.append(code)
            used.append((a, b))
    geo = re.sub(r"[-']", " ", s)    # same length: names compare with spaces
    regions: list[str] = []
    formers: list[dict[str, object]] = []
    for pattern, name in _REGION_PATTERNS:
        for m in pattern.finditer(geo):
            if _inside(m.start(), used) or (m.group(0) in ("reunion", "centre", "sud", "corse")
                                            and not text[m.start()].isupper()):
                continue
            # a région merged in 2016 (« Rhône-Alpes »): both readings, as a plan scope refuses it (audit clifr)
            former = geography.former_region_hint(m.group(0))
            if former is None:
                regions.append(name)
            elif former not in formers:
                formers.append(former)
            used.append(m.span())
    for acronym, name in _REGION_ACRONYMS.items():
        for m in re.finditer(rf"\b{acronym}\b", text):
            if not _inside(m.start(), used):
                regions.append(name)
                used.append(m.span())
    for name, code in _DEPT_NAMES:
        for m in re.finditer(rf"\b{re.escape(name)}\b", geo):
            if _inside(m.start(), used) or not text[m.start()].isupper():
                continue
            # "Cher", "Lot", "Nord"... are départements only after a place word or before "département".
            if name in _AMBIGUOUS_NAMES and not re.search(
                    r"(?:\b(?:du|de|des|de\s+la|de\s+l|dans\s+le|dans\s+la|dans\s+l|en|in|la|le|l|et|and|the"
                    r"|departement|department)\s*)$", geo[max(0, m.start() - 16):m.start()]) \
                    and not _DEPARTEMENT_AFTER.match(geo, m.end()):
                continue
            depts.append(code)
            used.append(m.span())
    us_states, us_regions = _us_places(text, geo, used)
    if depts:
        facts.scope_hints["departements"] = list(dict.fromkeys(depts))
    if regions:
        facts.scope_hints["regions"] = list(dict.fromkeys(regions))
    if formers:
        facts.scope_hints["former_regions"] = formers
    if us_states:
        facts.scope_hints["us_states"] = us_states
    if us_regions:
        facts.scope_hints["us_regions"] = us_regions
    industries = [label for pat, label in _INDUSTRIES.items() if re.search(rf"\b(?:{pat})", s)]
    if industries:
        facts.scope_hints["industries"] = list(dict.fromkeys(industries))
    account_types = [label for pat, label in _ACCOUNT_TYPES.items() if re.search(rf"\b(?:{pat})\b", s)]
    if account_types:
        facts.scope_hints["account_types"] = account_types
    if re.search(rf"\b(?:{_DORMANT})", s):
        facts.scope_hints["dormant"] = True
    return used


_COLLECTIVE = ("dizaine", "douzaine", "quinzaine", "vingtaine", "trentaine", "cinquantaine", "centaine", "dozen")
_WORD = re.compile(r"\s*([a-z][a-z-]*'?)")
_PARTITIVE = re.compile(r"\s*(?:(?:of|de|des|parmi|among)\s+|d')(?:(?:our|the|my|nos|mes|les|ces|vos|these)\s+)?")
_OF_A_SET = re.compile(r"(\d{1,6})(?![\w.,/])")
_COUNT_RANGE = re.compile(r"\s*(?:a|to|-|ou|or|/)\s*\d+(?!\d)")
# « entre 5 et 8 visites », "between 5 and 8 visits": « et » / "and" closes the range only after entre / between.
_COUNT_BETWEEN = re.compile(r"\s*(?:et|and|a|to|-)\s*\d+(?!\d)")
_COUNT_LEAD = re.compile(r"(?:^|\s)(?P<lead>entre|between|de|from)\s+$")
_IS_UNIT = re.compile(rf"\s*{_UNITS}")
# an amount written the English way, its currency first: "$5,000", "£1,500", "USD 5,000" (audit amounts F5: an
# English statement's "$5,000 of open quotes" was its count, 5000 quotes, where « 5 000 € de devis » is an amount)
_CURRENCY_CODES = frozenset({"usd", "eur", "gbp", "chf", "jpy", "cad", "aud"})
_CURRENCY_FIRST = re.compile(r"(?:[$€£¥]|(?<![a-z])(?:" + "|".join(sorted(_CURRENCY_CODES)) + r")\s?)$")


_DURATION = re.compile(r"\s*(?:jours?|days?|semaines?|weeks?|mois|months?|heures?|hours?|h|ans?|years?|minutes?|min)"
                       r"(?![a-z])")
_TIMES = re.compile(r"\s*(?:fois|times)(?![a-z])")
# "twice", "thrice": "2 times", "3 times" (audit linten: "Visit Acme twice in May" had no count).
_TWICE = re.compile(r"(?<![a-z])(?P<word>twice|thrice)(?![a-z])")


def _count_and_target(text: str, s: str, facts: _Facts, places: list[tuple[int, int]],
                      language: str | None = None) -> None:
    """The first count of something (``5 clients dormants``), skipping amounts, durations and places.

    « N fois » / "N times" after an activity verb is how many times that activity is done (« Appeler 6 fois des
    clients dormants en juillet »: 6 calls, audit F7), the count of the action, not a measured result; when the
    statement also counts its accounts (« appeler 2 fois 5 prospects »), the accounts are its count."""
    times: tuple[int, str] | None = None
    for m in _numbers(s, facts.period_spans + places):
        at = m.start()
        if _inside(at, facts.period_spans) or _inside(at, places):
            continue
        currency = _CURRENCY_FIRST.search(s, max(0, at - 4), at) if m.group("digits") else None
        if currency:
            facts.measure.append(text[currency.start():m.end()])
            continue
        other = _SLASH_OTHER.match(s, m.end()) if m.group("slash") else None
        if other is not None and (_SHARE.match(s, m.end()) or _IS_UNIT.match(s, other.end())
                                  or _HALF_DAY.match(s, other.end()) or int(other.group(1)) <= int(m.group("slash"))):
            continue                    # « 3/4 des devis », « 1/2 journée », "5/3": a share, a half, no range
        kilo = m.group("kilo")
        raw = (re.sub(r"[ ,.'’]", "", m.group("digits")) if m.group("digits") else m.group("slash")
               or (str(round(float(kilo.replace(",", ".")) * 1000)) if kilo else m.group("word")))
        value = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
        repeat = _TIMES.match(s, m.end())
        if repeat and times is None and facts.verb is not None and facts.verb_at < at:
            times = (value, text[m.end():repeat.end()].strip())
            continue
        unit = _IS_UNIT.match(s, m.end()) or re.compile(r"\s*(?:a|to|-)\s*\d+\s*%").match(s, m.end())
        if unit:
            facts.measure.append(text[at:unit.end()].strip())
            if _DURATION.match(s, m.end()):
                facts.durations.append(facts.measure[-1])
            continue
        if m.group("digits") and len(raw) == 4 and 1900 <= value <= 2199 and not _YEAR_COUNT.match(s, m.end()):
            continue                    # a year, but « 2000 clients »: a count (audit lintnums)
        pos = m.end() + (s[m.end():m.end() + 1] == "+")        # "10+ customers": at least 10, the commitment
        lead = _COUNT_LEAD.search(s, max(0, at - 10), at) if raw.isdigit() else None
        between = lead is not None and lead.group("lead") in ("entre", "between")
        span = None
        rng = (_COUNT_BETWEEN if between else _COUNT_RANGE).match(s, pos)
        if rng:
            span, pos = (lead.start("lead") if lead else at, rng.end()), rng.end()
        partitive = (_PARTITIVE if raw not in _COLLECTIVE else re.compile(r"\s*(?:(?:de|of)\s+|d')")).match(s, pos)
        if partitive:
            pos = partitive.end()
            whole = _OF_A_SET.match(s, pos)
            if whole is not None and int(whole.group(1)) > value:
                pos = whole.end()       # « 5 des 10 clients », "5 of the 10 accounts": 5 of them (it was 10)
        first = last = -1
        for _ in range(3):
            word = _WORD.match(s, pos)
            if not word or re.fullmatch(_TARGET_STOP, word.group(1)) or word.group(1) in _MONTH_OR_DAY \
                    or _inside(word.start(1), facts.period_spans) or _inside(word.start(1), places):
                break
            first = word.start(1) if first < 0 else first
            last, pos = word.end(1), word.end()
        if first < 0:
            continue
        facts.count, facts.target = value, text[first:last]
        if span is not None:
            facts.count_range = text[span[0]:span[1]].strip()
        head = s[first:last].split()[0]
        noun = next(((k,) for p, k in _NOUNS if p.fullmatch(head)), None)
        facts.count_is_activity = noun is not None
        if noun is not None and facts.activity_type is None:
            facts.activity_type = noun[0]
        if facts.verb_lemma == "book":      # "Schedule 6 site visits", "Book 3 demos": the noun says what is done
            booked = next((k for w in s[first:last].split() for p, k in _NOUNS if k is not None and p.fullmatch(w)),
                          None)
            facts.activity_type = booked or facts.activity_type
        return
    if times is None and facts.fraction is None:
        fraction = next((f for f in _FRACTION.finditer(s) if not _inside(f.start(), places + facts.period_spans)
                         and not _IS_UNIT.match(s, f.end()) and _WORD.match(s, f.end())), None)
        if fraction is not None:
            facts.fraction = text[fraction.start():fraction.end()]
    if times is None and facts.verb is not None:
        twice = next((m for m in _TWICE.finditer(s, facts.verb_at) if not _inside(m.start(), facts.period_spans)), None)
        if twice is not None:
            times = (2 if twice.group("word") == "twice" else 3, text[twice.start():twice.end()])
    if times is not None:
        facts.count, facts.target = times
        facts.count_is_activity = True


def _numbers(s: str, spans: list[tuple[int, int]]) -> Iterator[re.Match[str]]:
    """The numbers of ``s`` (``_NUMBER``), a number grouped across a period or a place read again from its second
    group: « semaine 18 200 clients » is week 18 and 200 clients, not 18 200."""
    pos = 0
    while (m := _NUMBER.search(s, pos)) is not None:
        if m.group("mark") and _inside(m.start(), spans):
            pos = m.start("mark") + 1
            continue
        pos = max(m.end(), pos + 1)
        yield m


_NAME = re.compile(r"[A-ZÀ-Ý][\w'&.-]*(?:\s+(?:[A-ZÀ-Ý&][\w'&.-]*|de|du|des|la|et))*(?<!\s(?:de|du|la|et))")


@dataclass(frozen=True)
class _PeopleForms:
    """The plan's people as the rules compare them, made once per people list (not once per statement: 1,200
    statements and 120 people made 883,082 folds, 21 s of ``pac plan lint``, audit bigplan)."""

    names: frozenset[str]                                  # folded names and first words (not named targets)
    variants: tuple[tuple[str, tuple[str, ...]], ...]      # longest first: (person, folded forms to look for)


@lru_cache(maxsize=8)
def _people_forms(people: tuple[str, ...]) -> _PeopleForms:
    names = {_norm(p) for p in people}
    names |= {n.split()[0] for n in names if n.strip()}
    variants = []
    for person in sorted(people, key=len, reverse=True):
        key = _norm(person.strip())
        if key:
            variants.append((person, (key, *([key.split()[0]] if " " in key else []))))
    return _PeopleForms(frozenset(names), tuple(variants))


def _named_target(text: str, s: str, facts: _Facts, places: list[tuple[int, int]], people: tuple[str, ...]) -> None:
    people_norm = _people_forms(people).names
    quoted = re.search(r"[«\"“]\s*([^»\"”]{2,60}?)\s*[»\"”]", text)
    if quoted:
        facts.named_target = quoted.group(1)
        return
    title = re.search(r"\b(?:M\.|Mme|Mlle|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Pr\.?)\s+([A-ZÀ-Ý][\w'-]+(?:\s+[A-ZÀ-Ý][\w'-]+)?)",
                      text)
    if title:
        facts.named_target = title.group(0)
        return
    start_sentence = True
    for m in re.finditer(r"[A-Za-zÀ-ÿ0-9&][\w&.-]*", text):
        token = m.group(0).rstrip(".")
        if start_sentence:
            start_sentence = False
            continue
        before = m.start() - 1
        while before >= 0 and text[before].isspace():
            before -= 1
        prev = text[max(0, before - 2):before + 1]     # the last characters before the word
        if prev.endswith((".", ":", "!", "?", ";", "—")) and not prev.endswith(("M.", "St.")):
            continue
        key = _norm(token)
        if not token[0].isupper() or any(c.isdigit() for c in token):
            continue
        if key in _NOT_NAMES or key in _MONTH_OR_DAY or any(re.fullmatch(p, key) for p in _INDUSTRIES):
            continue
        if key in _CURRENCY_CODES:      # "5,000 USD of open quotes" names no account (audit amounts F5)
            continue
        if _inside(m.start(), places) or _inside(m.start(), facts.period_spans) or key in people_norm:
            continue
        if re.fullmatch(r"[tqshw]\d+", key) or (token.isupper() and len(token) <= 2):
            continue
        start = m.start() - 2 if text[max(0, m.start() - 2):m.start()] in ("L'", "L’") else m.start()
        name = _NAME.match(text, start)
        facts.named_target = (name.group(0) if name else token).rstrip(".")
        return


# An order's verb: a French infinitive (« visiter », « aller voir ») or an English base form ("call", "follow up"); a
# capitalised word before it is the lead of the order, not who acts ("Please call", « Bien visiter »).
_INFINITIVE = re.compile(r"[a-z]+(?:er|ir|oir|dre)")
_ENGLISH_BASE = re.compile(r"(?:visit|call|cold-?call|call\s+back|phone|ring|see|meet|book|schedule|present|pitch|show"
                           r"|showcase|demo|demonstrate|invite|organi[sz]e|arrange|set\s+up|follow[\s-]+up|chase|qualify"
                           r"|send|e-?mail|mail|write\s+to|offer|propose|file|submit|answer|respond\s+to|host|attend"
                           r"|exhibit|negotiate|identify|map\s+out|canvass|train|contact|reach\s+out)")
# Lead words of an order or a wish, never who acts: "Try to visit", "Remember to call", "Please call".
_NOT_SUBJECTS = {"try", "remember", "need", "needs", "want", "plan", "continue", "start", "aim", "please", "go",
                 "make", "let", "let's", "lets", "aller", "penser", "essayer", "tenter", "bien", "mieux", "also",
                 "then", "puis", "ensuite", "remind", "don't", "do", "surtout", "vite", "urgent", "priorite",
                 "priority"}


def _who(text: str, s: str, facts: _Facts, people: tuple[str, ...]) -> None:
    email = _EMAIL.search(text)
    if email:
        facts.who = email.group(0).lower()
        return
    for person, variants in _people_forms(people).variants:
        for v in variants:
            if v in s and re.search(rf"\b{re.escape(v)}\b", s):     # the substring test first: 120 people
                facts.who = person
                return
    lead = re.match(r"\s*([A-ZÀ-Ý][\w'-]+(?:\s+[A-ZÀ-Ý][\w'-]+)?)\s*(?::|—|-)\s", text)
    if lead and _norm(lead.group(1)) not in _NOT_NAMES:
        facts.who = lead.group(1)
        return
    # "Julie visite...", "Marc to call...": a name right before the activity verb is who acts; but not the lead word
    # of an order ("Please call", "Go meet", "Try to visit", « Aller rencontrer »): the verb is then an infinitive or an
    # English base form, and nobody is named (audit lintmethod: "Please" owned the action, hiding a missing who).
    if facts.verb_at > 0 and facts.verb is not None:
        subject = re.fullmatch(r"\s*([A-ZÀ-Ý][\w'-]+(?:\s+[A-ZÀ-Ý][\w'-]+)?)\s+"
                               r"(?P<modal>(?:to|will|should|must|va|doit|devra)\s+)?", text[:facts.verb_at])
        verb = _norm(facts.verb)
        ordered = subject is not None and not subject.group("modal") and (
            bool(_INFINITIVE.fullmatch(verb.split()[0])) or bool(_ENGLISH_BASE.fullmatch(verb)))
        if subject and not ordered and _norm(subject.group(1)) not in _NOT_NAMES \
                and _norm(subject.group(1).split()[0]) not in _NOT_SUBJECTS:
            facts.who = subject.group(1)


def _gather(text: str, *, year: int, tz: str, today: date | None, people: Iterable[str],
            within: Window | None = None, language: str | None = None, date_order: str | None = None) -> _Facts:
    people = tuple(people)
    s = _norm(text)
    facts = _Facts()
    facts.period_spans = _Spans(len(s))
    problems: list[PeriodError] = []
    for (a, b), window in find_periods(text, year=year, tz=tz, today=today, problems=problems,
                                           within=within, language=language, date_order=date_order):
        facts.period_spans.append((a, b))
        facts.windows.append({"start": window.start.isoformat(), "end": window.end.isoformat(),
                              "label": window.label})
    facts.period_problems = [str(p) for p in problems]
    if not facts.windows and (label := _DECIMAL_QUARTER.search(s)) is not None:
        written = text[label.start():label.end()]
        facts.period_problems.append(f"{written!r} is no quarter nor half (a year has 4 quarters and 2 halves): "
                                     f"read as a name, not a period (write the period, e.g. '{written[:2]}', or its "
                                     "days)")
    facts.relative_unresolved = any(isinstance(p, RelativePeriodError) for p in problems)
    _find_verbs(s, facts)
    if facts.verb:      # shown as written, accents included
        facts.verb = text[facts.verb_at:facts.verb_at + len(facts.verb)]
    if facts.result_verb:
        facts.result_verb = text[facts.result_at:facts.result_at + len(facts.result_verb)]
    places = _scope_hints(text, s, facts)
    _count_and_target(text, s, facts, places, language)
    _who(text, s, facts, people)
    if facts.who and facts.who in text:
        places = _Spans(len(s), [*places, (text.index(facts.who), text.index(facts.who) + len(facts.who))])
    _named_target(text, s, facts, places, people)
    after_verb = s[facts.verb_at:] if facts.verb_at >= 0 else s
    blank = _CADENCE.sub(lambda m: " " * len(m.group(0)), after_verb)
    facts.whole_scope = bool(re.search(_WHOLE_SCOPE, _EACH_AFTER_NUMBER.sub(lambda m: " " * len(m.group(0)), blank)))
    object_zone = after_verb[len(facts.verb or ""):len(facts.verb or "") + 40]
    facts.scope_plural = _plural_scope(object_zone)
    facts.role_group = _plural_scope(object_zone, _ROLE_GROUP)
    if facts.result_verb is not None:
        zone = s[facts.result_at + len(facts.result_verb):facts.result_at + len(facts.result_verb) + 40]
        facts.result_set = _plural_scope(zone, _ACCOUNT_WORDS)
    facts.rate = _rate(s)
    facts.reminder = bool(_REMINDER.match(s))
    facts.image = bool(_IMAGE.search(s))
    facts.vague_quantity = bool(re.match(rf"\s*(?:(?:a|à|to|avec|with|chez|at)\s+)?{_VAGUE_DET}", object_zone))
    if re.search(_MONEY, s):
        facts.measure.append("amount")
    if re.search(_PERCENT, s):
        facts.measure.append("percentage")
    # "customers with no orders for 6 months" names dormant accounts, not a number of orders to reach
    metric = re.search(_METRIC, re.sub(rf"\b(?:{_DORMANT})", lambda d: " " * len(d.group(0)), s))
    if metric:
        facts.measure.append(metric.group(0))
    # "from 2 to 13 March" is a period, not where the information comes from.
    unperiod = "".join(" " if _inside(i, facts.period_spans) else c for i, c in enumerate(s))
    facts.info_needed = bool(re.search(_INFO_NEEDED, unperiod))
    facts.info_source = bool(re.search(_INFO_SOURCE, unperiod))
    return facts


# ------------------------------------------------------------------------------------------ the rules


_PLURAL_OBJECT = re.compile(rf"\s*(?:(?:a|to|avec|with|chez|at|aupres\s+de|on)\s+)?(?:{_SCOPE_DET}|aux\s+)"
                            r"((?:[a-z][\w-]*\s*){1,2})")
_SINGULAR_S = {"process", "pays", "mois", "campus", "bus", "prix", "this", "his", "its", "is", "as", "us"}


def _plural_scope(object_zone: str, nouns: re.Pattern[str] | None = None) -> bool:
    """Whether the verb's object is a whole scope: a definite or possessive determiner and a plural noun
    ("les clients dormants", "our key accounts"); "the CEO" or "le DG" are single people. With
    ``nouns``, the plural noun must be one of them."""
    m = _PLURAL_OBJECT.match(object_zone)
    if not m:
        return False
    words = m.group(1).split()
    return any(w.endswith(("s", "x")) and w not in _SINGULAR_S and (nouns is None or nouns.fullmatch(w))
               for w in words)


def _classify(facts: _Facts) -> tuple[str, list[str]]:
    """The kind of the statement and why, from the facts (the rules of the module docstring)."""
    reasons: list[str] = []
    has_activity = facts.verb is not None or facts.count_is_activity
    timed = bool(facts.windows) or facts.relative_unresolved
    # A name after a plural scope qualifies the scope ("nos clients de Lyon"), it is not one account;
    # but "les acheteurs de Danone" are the people of one named account.
    named = facts.named_target if not facts.scope_plural or facts.role_group else None
    concrete = facts.count is not None or named is not None
    result_first = facts.result_verb is not None and (facts.verb is None or facts.result_at < facts.verb_at)
    measurable_result = bool(facts.measure)

    if facts.reminder:
        reasons.append("a reminder to oneself, not a planned action: say who does what, for how many, when")
        return "intention", reasons
    if facts.image and facts.count is None and not measurable_result:
        reasons.append("image-building with no figure: nothing to count or to measure")
        return "intention", reasons
    if result_first and (measurable_result or facts.count is not None or facts.whole_scope or facts.scope_plural
                         or facts.result_set):
        reasons.append(f"'{facts.result_verb}' asks for a result, not an activity"
                       + (f" ({', '.join(dict.fromkeys(facts.measure))})" if facts.measure else ""))
        return "objective", reasons
    if result_first:
        reasons.append(f"'{facts.result_verb}' names a wish with no figure, no count and no scope to measure")
        return "intention", reasons
    if has_activity:
        what = f"activity verb '{facts.verb}'" if facts.verb else f"counted activity '{facts.target}'"
        if facts.whole_scope:
            reasons.append(f"{what} over all of a scope: a result to reach, not a countable action")
            return "objective", reasons
        if concrete and timed:
            when = facts.windows[0]["label"] if facts.windows else "relative: give today to resolve it"
            whom = f"{facts.count} {facts.target}" if facts.count is not None else named
            reasons.append(f"{what}, concrete target ({whom}) and time bound ({when})")
            return "action", reasons
        if facts.count is not None:
            reasons.append(f"{what} with a count but no time bound: measurable, not yet an action")
            return "objective", reasons
        if facts.scope_plural and not named:
            reasons.append(f"{what} over a whole scope with no count: an objective")
            return "objective", reasons
        # « des devis de plus de 30 jours », "customers with no order for 6 months": an age, not a result to reach
        served = [m for m in facts.measure if m not in facts.durations]
        if served and not named:
            reasons.append(f"{what} serving a measurable result ({', '.join(dict.fromkeys(served))})")
            return "objective", reasons
        if facts.vague_quantity:
            reasons.append(f"{what} on an unspecified number ('some', 'des'): not measurable")
        elif named and not timed:
            reasons.append(f"{what} on {facts.named_target} but no time bound and no measure")
        elif not concrete:
            reasons.append(f"{what} without a count or a named account or person")
        return "intention", reasons
    if facts.whole_scope or measurable_result or (facts.count is not None and facts.result_verb):
        reasons.append("no activity verb; names a measurable result"
                       + (f" ({', '.join(dict.fromkeys(facts.measure))})" if facts.measure else ""))
        return "objective", reasons
    reasons.append("no activity verb and nothing measurable")
    return "intention", reasons


# An English period ("the week of 11/8", "by 10/3"): its numeric dates may be a US manager's month/day (audit linten).
_ENGLISH_WHEN = re.compile(r"(?<![a-z])(?:by|before|on|the|week|of|until|till|from|between|and|through|thru|due|to)"
                           r"(?![a-z])")


def lint_statement(text: str, *, year: int, tz: str, today: date | None = None, people: Iterable[str] = (),
                   who: str | None = None, info_needed: str | None = None,
                   info_source: str | None = None, within: Window | None = None,
                   when: Mapping[str, str] | None = None, language: str | None = None,
                   date_order: str | None = None) -> LintResult:
    """Classify one statement and say what it lacks to be a 5Q action.

    ``people`` are names or e-mails of the plan's people (to find who acts); ``who``, ``info_needed``,
    ``info_source`` and ``when`` (the window of its ``when:``: start, end, label) are the structured fields of a
    plan file's action, when there are some: they count as given even if the text does not repeat them.
    ``year``/``tz``/``today`` resolve periods, and ``within`` (the plan's period) places those written without a
    year (fiscal years); ``language`` (the plan's) is the language of the periods' fixes (``periods.parse_period``);
    ``date_order`` (the plan's ``date_order``: mdy, dmy) the order its numeric dates read in.
    """
    people_list = tuple(p for p in people if p)
    # One space between words: every pattern then meets at most one blank where it allows some, and
    # a run of blanks cannot make a pattern backtrack.
    work = " ".join(text.split())
    cut = statement_too_long(work)
    work = work[:MAX_STATEMENT_CHARS]
    facts = _gather(work, year=year, tz=tz, today=today, people=people_list, within=within, language=language,
                    date_order=date_order)
    if when is not None and not facts.windows and not facts.relative_unresolved:
        facts.windows.append(dict(when))      # the action's when: is its time bound
    kind, reasons = _classify(facts)
    if cut:
        reasons.append(f"only the first {MAX_STATEMENT_CHARS:,} characters were read: {cut}")
    if who:
        facts.who = who
    missing: list[str] = []
    if not facts.who:
        missing.append("who")
    # "visit all my dormant customers" says what (the method's objective lacks an owner, a date and a count)
    if (facts.verb is None and not facts.count_is_activity) or (facts.count is None and not facts.named_target
                                                                and not facts.scope_plural and not facts.whole_scope):
        missing.append("what")
    if facts.count is None and not facts.named_target:
        missing.append("how_many")
    if not facts.windows and not facts.relative_unresolved:
        missing.append("when")
    if kind == "action":
        if not (facts.info_needed or info_needed):
            missing.append("info_needed")
        if not (facts.info_source or info_source):
            missing.append("info_source")
    if facts.misspelt:
        reasons.append(f"read {facts.verb!r} as {facts.misspelt!r}: check the spelling")
    if facts.fraction and facts.count is None:
        low = int(float(facts.fraction.replace(",", ".")))
        reasons.append(f"count: {facts.fraction!r} is not a whole number (a count is whole: write "
                       + (f"{low} or {low + 1})" if low else "1 or more)"))
    if facts.count_range:
        reasons.append(f"count: {facts.count_range!r} is a range: read as its lower bound, {facts.count} (write one "
                       f"number, the one committed to, e.g. '{facts.count} {facts.target}')")
    if facts.rate is not None and facts.count is not None and (facts.verb is not None or facts.count_is_activity):
        reasons.append(_rate_reason(facts))
    for problem in facts.period_problems:
        reasons.append(f"when: {problem}")
    if len(facts.windows) > 1:
        reasons.append("several periods: the first is used; split the statement if they are separate actions")
    if date_order is None and facts.windows and _ENGLISH_WHEN.search(_norm(facts.windows[0]["label"])):
        for written, dmy, mdy, _ in dict.fromkeys(two_way_dates(facts.windows[0]["label"])):
            meant = day_words(mdy, "en", year=False)
            reasons.append(f"when: {written!r} is read {day_words(dmy, 'en', year=False)} (numeric dates are "
                           f"day/month); if you mean {meant}, write '{meant}', or give --date-order mdy (date_order: "
                           "mdy in a plan)")
    if kind != "action" and missing:
        reasons.append("to make it an action, add: " + ", ".join(m.replace("_", " ") for m in missing
                                                                    if m not in ("info_needed", "info_source")))
    window = facts.windows[0] if facts.windows else None
    parsed: dict[str, Any] = {
        "verb": facts.verb, "verb_lemma": facts.verb_lemma,
        "activity_type": facts.activity_type.value if facts.activity_type else None,
        "count": facts.count, "target": facts.target, "named_target": facts.named_target,
        "scope_hints": facts.scope_hints, "window": window, "who": facts.who,
    }
    return LintResult(text=text, kind=kind, missing=missing, parsed=parsed, reasons=reasons)


def lint_many(texts: Iterable[str], *, year: int, tz: str, today: date | None = None,
              people: Iterable[str] = (), within: Window | None = None,
              language: str | None = None) -> Iterator[LintResult]:
    """``lint_statement`` over many statements, lazily, in order."""
    people_list = list(people)
    for text in texts:
        yield lint_statement(text, year=year, tz=tz, today=today, people=people_list, within=within,
                             language=language)


def _days(start: datetime, end: datetime) -> str:
    return f"{start:%Y-%m-%d} to {(end - timedelta(days=1)):%Y-%m-%d}"


def statement_disagreements(result: LintResult, action: Action, *, today: date | None = None
                            ) -> list[tuple[str, str, str]]:
    """Where the statement, as the linter reads it, says another thing than the action's fields:
    (column key, what the statement says, what the field says). Only what the linter reads with
    confidence is compared: its activity verb, one count (not a range), one window (no other period, no
    period problem), the départements it names. A deadline read from ``today`` compares its end only.
    The keys are the importer's columns and the plan file's fields alike (``FIELD_KEYS``): ``pac plan import``
    warns per row, ``pac plan lint`` per action of a plan file, ``pac plan pull`` of a target or due date it
    writes (audit longlife F3)."""
    parsed = result.parsed
    out: list[tuple[str, str, str]] = []
    activity = parsed.get("activity_type")
    if activity and activity != action.activity_type.value:
        out.append(("activity", f"statement says {parsed.get('verb') or activity} ({activity})",
                    f"{action.activity_type.value}"))
    count = parsed.get("count")
    if count is not None and count != action.target and not any(r.startswith("count:") for r in result.reasons):
        out.append(("count", f"statement says {count}", str(action.target)))
    window = parsed.get("window")
    unsure = any(r.startswith(("when:", "several periods")) for r in result.reasons)
    if window and not unsure and (other := _window_disagreement(window, action.window, today)) is not None:
        out.append(other)
    named = (parsed.get("scope_hints") or {}).get("departements")
    given = [c for c in action.scope.conditions if c.field == "departement" and c.op == "in"]
    if named and given and set(named) != {str(v) for c in given for v in c.values}:
        out.append(("scope", f"statement says département {', '.join(sorted(named))}",
                    ", ".join(sorted(str(v) for c in given for v in c.values))))
    return out

def _window_disagreement(window: Mapping[str, str], counted: Window, today: date | None
                         ) -> tuple[str, str, str] | None:
    """The statement's window against the one counted, as ``statement_disagreements`` compares them."""
    start, end = datetime.fromisoformat(window["start"]), datetime.fromisoformat(window["end"])
    from_today = today is not None and start.date() == today
    if end == counted.end and (start == counted.start or from_today):
        return None
    return ("when", f"statement says {window['label']} ({_days(start, end)})",
            f"{counted.label} ({_days(counted.start, counted.end)})")


def action_window_disagreement(plan: Plan, action: Action) -> list[tuple[str, str, str]]:
    """The ``when`` disagreement of ``action_disagreements`` alone, read without the rest of the linter (its period
    parser only, as ``lint_statement`` calls it): the window a statement names against its ``when:``, compared with
    the same confidence (one period, no period problem). ``pac plan check`` says it for every action (audit
    lintperiods), at a fraction of a full lint's cost on a plan of 1,200 actions."""
    work = " ".join(action.text.split())[:MAX_STATEMENT_CHARS]
    problems: list[PeriodError] = []
    found = find_periods(work, year=plan.period.start.year, tz=plan.timezone, problems=problems, within=plan.period,
                         language=plan.language, date_order=plan.date_order)
    if len(found) != 1 or problems:
        return []
    window = found[0][1]
    other = _window_disagreement({"start": window.start.isoformat(), "end": window.end.isoformat(),
                                  "label": window.label}, action.window, None)
    return [other] if other is not None else []


# the plan file's key for each field a statement is compared with (``statement_disagreements``)
FIELD_KEYS = {"activity": "what.activity", "count": "what.count", "when": "when", "scope": "what.scope"}


def action_disagreements(plan: Plan, action: Action) -> list[tuple[str, str, str]]:
    """``statement_disagreements`` of a plan's action, its statement read as the plan reads its periods (its
    period, timezone, language and date order) and its ``when:`` the window counted."""
    window = {"start": action.window.start.isoformat(), "end": action.window.end.isoformat(),
              "label": action.window.label}
    result = lint_statement(action.text, year=plan.period.start.year, tz=plan.timezone, within=plan.period,
                            when=window, language=plan.language, date_order=plan.date_order)
    return statement_disagreements(result, action)


def disagreement_warning(where: str, action_id: str, found: Iterable[tuple[str, str, str]]) -> str:
    """The warning ``pac plan lint`` and ``pac plan check`` print for an action whose statement and fields disagree:
    ``warning: FILE:LINE A-01: the statement and the fields disagree: …``."""
    return (f"warning: {where} {action_id}: the statement and the fields disagree: {disagreement_words(found)} (the "
            "fields are what pac counts, the statement what reps read in the CRM and the report: rewrite text: or the "
            "fields so that they say the same)")


def disagreement_words(found: Iterable[tuple[str, str, str]]) -> str:
    """``statement says 5, what.count 6; statement says semaine 18 (…), when S28 (…)``: each disagreement with the
    plan file's key."""
    return "; ".join(f"{said}, {FIELD_KEYS.get(key, key)} {counted}" for key, said, counted in found)
