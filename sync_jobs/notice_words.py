"""What the CRMs' connectors warned of, and a run's stop on the API quota, in the words of ``pac sync --lang fr``
(audit frwords): a French sales manager read « ! stopped before exceeding the configured share of the daily API
allocation: Salesforce daily API allocation: … » and « attention : sf-main: salesforce.schema PAC_Axis__c lacks … »
in an otherwise French night.

The connectors and the pipeline word these lines in English: the run log keeps them so, ``pac status`` shows them
so, and scripts read them (docs/operations.md). This module words the known ones again for the French terminal, each
from the English as the connector or the pipeline writes it (a change of that English needs its French here: the
tests build the English with the connectors' own functions). A line it does not know is shown as written. The CRMs'
own words inside a line (an error the CRM answered, field and object API names, ids) stay as the CRM wrote them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pac_core.errors import Problem
from sync_jobs.plan_refusal import problem_words
from sync_jobs.run_views import grouped

# when a CRM gives calls back (``QuotaExhausted.resets``: connectors.salesforce.client.DAILY_RESETS,
# connectors.hubspot.limits.DAILY_RESETS, connectors.base.QUOTA_RESETS), worded to follow « quand »
RESETS = {
    "the org's calls of the last 24 hours leave room (Salesforce counts a rolling 24 hours)":
        "les appels de l'org des dernières 24 heures laissent de la place (Salesforce compte 24 heures glissantes)",
    "the portal's daily allowance resets (midnight in the HubSpot account's time zone)":
        "le quota quotidien du portail se réinitialise (minuit dans le fuseau horaire du compte HubSpot)",
    "the CRM's daily API allocation has room": "le quota quotidien d'API du CRM a de la place",
}


def _n(text: str) -> str:
    return grouped(int(text), "fr")


def _percent(text: str) -> str:
    return text.rstrip("% ").replace(".", ",") + "\u00a0%"


def _written(text: str) -> str:
    """``sync_jobs.pipeline.stop_words`` in French."""
    if text == "nothing was written and no watermark moved":
        return "rien n'a été écrit et aucun point de reprise n'a avancé"
    m = re.fullmatch(r"(\d+) records? written before the stop; the rest next run, as no watermark moved", text)
    if m is None:
        return text
    s = "s" if int(m[1]) > 1 else ""
    return (f"{_n(m[1])} enregistrement{s} écrit{s} avant l'arrêt ; le reste à la prochaine exécution, aucun point de "
            "reprise n'ayant avancé")


def _resets(text: str) -> str:
    return RESETS.get(text, text)


def _lacks(text: str) -> str:
    """« PAC_Axis__c lacks A, B; PAC_Action__c lacks C » -> « il manque à PAC_Axis__c : A, B ; il manque à … »."""
    return " ; ".join(re.sub(r"^(\S+) lacks (.*)$", r"il manque à \1 : \2", part) for part in text.split("; "))


def _copies(text: str) -> str:
    """``HubSpotConnector.copies_found``'s keys: « KEY (copies 1, 2); …; and 3 more (this run's log names them) »."""
    text = re.sub(r"; and (\d+) more \(this run's log names them\)$", r" ; et \1 autres (le journal de cette "
                  r"exécution les nomme)", text)
    return text.replace(" (copies ", " (copies : ").replace("); ", ") ; ")


_PROBLEM = re.compile(r"(?P<file>.+?):(?P<line>\d+) (?:(?P<path>[^\s:]+): )?(?P<message>.*?)(?: \((?P<fix>.*)\))?",
                      re.DOTALL)


def _problems(shown: str) -> str:
    """``failed_plan._stopped_words``'s problems (« FILE:LINE KEY: MESSAGE (FIX); …; and 3 more »), each as ``pac
    plan check`` words it in French; one it cannot read back, as written."""
    more = ""
    if (m := re.search(r"; and (\d+) more$", shown)) is not None:
        shown, more = shown[:m.start()], f" ; et {m[1]} autres"
    file = shown.split(":", 1)[0]
    out = []
    for chunk in re.split(rf"; (?={re.escape(file)}:\d)", shown):
        if (p := _PROBLEM.fullmatch(chunk)) is None:
            out.append(chunk)
            continue
        out.append(problem_words(Problem(p["path"] or "", p["message"], p["fix"] or "", file=p["file"],
                                         line=int(p["line"])), "fr"))
    return " ; ".join(out) + more


# the connector's or pipeline's exception text inside a stop (``QuotaExhausted``'s message)
_QUOTA: list[tuple[str, Callable[[re.Match[str]], str]]] = [
    (r"Salesforce daily API allocation: (\d+) of (\d+) used; this run stops at (\S+) of it to leave the rest to the "
     r"org\. It resumes on the next run\.",
     lambda m: f"quota quotidien d'API Salesforce : {_n(m[1])} sur {_n(m[2])} utilisés ; cette exécution s'arrête à "
               f"{_percent(m[3])} pour laisser le reste à l'org. Elle reprend à la prochaine exécution."),
    (r"HubSpot daily API allocation: the portal has used (\d+) of (\d+) calls \(every integration together\); pac "
     r"stops at (.+?) of it to leave the rest to the portal\. It resumes on the next run\.",
     lambda m: f"quota quotidien d'API HubSpot : le portail a utilisé {_n(m[1])} sur {_n(m[2])} appels (toutes les "
               f"intégrations ensemble) ; pac s'arrête à {_percent(m[3])} pour laisser le reste au portail. Il "
               "reprend à la prochaine exécution."),
    (r"Salesforce refused the call: the org's daily API allocation is spent \((.*) Setup > Company Information shows "
     r"its API requests of the last 24 hours\)",
     lambda m: f"Salesforce a refusé l'appel : le quota quotidien d'API de l'org est épuisé ({m[1]} Setup > Company "
               "Information montre ses requêtes d'API des dernières 24 heures)"),
    (r"HubSpot refused the call: (.*) \(the portal's daily API allocation is spent\)",
     lambda m: f"HubSpot a refusé l'appel : {m[1]} (le quota quotidien d'API du portail est épuisé)"),
]


# ``pipeline.stopped_by``'s « (WHAT: the next run reads the same changes again) » after a stop during the writes
_AFTER = (r"(?: \((nothing was written and no watermark moved|\d+ records? written before the stop; the rest next "
          r"run, as no watermark moved): the next run reads the same changes again\))?")


def _after(what: str | None) -> str:
    return f" ({_written(what)} : la prochaine exécution relit les mêmes modifications)" if what else ""


def _quota(text: str) -> str:
    for pattern, french in _QUOTA:
        if (m := re.fullmatch(pattern, text, re.DOTALL)) is not None:
            return french(m)
    return text


# (the English line as a regular expression, its French); ``sync_jobs.pipeline.stopped_by`` for the stops, the
# connectors' ``lacking_fields``, ``copies_found`` and ``notices`` for the warnings (after « NAME: »)
_LINES: list[tuple[str, Callable[[re.Match[str]], str]]] = [
    (r"stopped before exceeding the configured share of the daily API allocation: (.*) \((.*?): the next run reads "
     r"the same changes again, so run it once (.*), or raise this connector's max_daily_share in (\S+)\)",
     lambda m: f"arrêtée avant de dépasser la part configurée du quota quotidien d'API : {_quota(m[1])} "
               f"({_written(m[2])} : la prochaine exécution relit les mêmes modifications, lancez-la donc quand "
               f"{_resets(m[3])}, ou augmentez le max_daily_share de ce connecteur dans {m[4]})"),
    (r"(.*): the CRM's daily API allocation is shared by pac and every other integration of the org, and none is "
     r"left today \((.*?): the next run reads the same changes again once (.*), usually the next night\)",
     lambda m: f"{_quota(m[1])} : le quota quotidien d'API du CRM est partagé par pac et toutes les autres "
               f"intégrations de l'org, et il n'en reste plus aujourd'hui ({_written(m[2])} : la prochaine exécution "
               f"relit les mêmes modifications quand {_resets(m[3])}, en général la nuit suivante)"),
    (r"plan file not loaded: (.*)\. This night's sync did not run: nothing was read from or written to the CRMs "
     r"\(they keep the last run's values\) and no snapshot was taken\. Fix the file \(`(.*?)` names each problem\), "
     r"then run `(.*?)` or let the next night run",
     lambda m: f"fichier du plan non chargé : {_problems(m[1])}. La synchronisation de cette nuit n'a pas eu lieu : "
               "rien n'a été lu dans les CRM ni écrit (ils gardent les valeurs de la dernière exécution) et aucun "
               f"instantané n'a été pris. Corrigez le fichier (`{m[2]}` nomme chaque problème), puis lancez `{m[3]}` "
               "ou laissez la prochaine nuit s'exécuter"),
    (r"credentials refused: (.*?)" + _AFTER, lambda m: f"identifiants refusés : {m[1]}{_after(m[2])}"),
    (r"CRM unreachable: (.*?)" + _AFTER, lambda m: f"CRM injoignable : {m[1]}{_after(m[2])}"),
    (r"CRM read failed: (.*?)" + _AFTER, lambda m: f"échec de lecture du CRM : {m[1]}{_after(m[2])}"),
    (r"salesforce\.schema (.*) \(an org provisioned by an older pac\): left out of the sync, everything else is "
     r"written; to fill them deploy force-app/ again \(sf project deploy start --source-dir force-app --target-org "
     r"ORG: the fields with the list views and the Lightning component that read them\), or run pac crm provision "
     r"salesforce for the fields alone",
     lambda m: f"salesforce.schema {_lacks(m[1])} (une org provisionnée par une version antérieure de pac) : laissés "
               "hors de la synchronisation, tout le reste est écrit ; pour les remplir, déployez de nouveau force-app/ "
               "(sf project deploy start --source-dir force-app --target-org ORG : les champs avec les vues de liste "
               "et le composant Lightning qui les lisent), ou lancez pac crm provision salesforce pour les champs "
               "seuls"),
    (r"hubspot\.schema (.*) \(a portal provisioned by an older pac\): left out of the sync, everything else is "
     r"written; to fill them run: pac crm provision hubspot",
     lambda m: f"hubspot.schema {_lacks(m[1])} (un portail provisionné par une version antérieure de pac) : laissées "
               "hors de la synchronisation, tout le reste est écrit ; pour les remplir, lancez : pac crm provision "
               "hubspot"),
    (r"HubSpot holds several live tasks with one pac_key: (.*)\. pac reads and writes the lowest id of each and "
     r"leaves the copies as they are \(a rep's notes may be there\): delete the extra copies in HubSpot",
     lambda m: f"HubSpot a plusieurs tâches actives avec un même pac_key : {_copies(m[1])}. pac lit et écrit l'id le "
               "plus bas de chacune et laisse les copies telles quelles (les notes d'un commercial peuvent s'y "
               "trouver) : supprimez les copies en trop dans HubSpot"),
    (r"companies: the property history could not be read \((.*)\): changes of the companies' owner, type or dormant "
     r"flag made before pac's first night are unknown",
     lambda m: f"entreprises : l'historique des propriétés n'a pas pu être lu ({m[1]}) : les changements de "
               "propriétaire, de type ou de l'indicateur dormant des entreprises faits avant la première nuit de pac "
               "sont inconnus"),
    (r"accounts: AccountHistory could not be read \((.*)\): changes of the accounts' owner, type or dormant flag "
     r"made before pac's first night are unknown",
     lambda m: f"comptes : AccountHistory n'a pas pu être lu ({m[1]}) : les changements de propriétaire, de type ou "
               "de l'indicateur dormant des comptes faits avant la première nuit de pac sont inconnus"),
    (r"accounts: Account\.(\S+) \((.*?)\) is not history-tracked: its changes made before pac's first night are "
     r"unknown, so a past window reads it as it is now; turn tracking on in Setup > Object Manager > Account > "
     r"Fields & Relationships > Set History Tracking, tick it \(20 fields an object\); changes made before it was "
     r"turned on are not kept",
     lambda m: f"comptes : l'historique de Account.{m[1]} ({m[2]}) n'est pas suivi : ses changements faits avant la "
               "première nuit de pac sont inconnus, donc une période passée le lit tel qu'il est aujourd'hui ; "
               "activez le suivi dans Setup > Object Manager > Account > Fields & Relationships > Set History "
               "Tracking, cochez-le (20 champs par objet) ; les changements faits avant son activation ne sont pas "
               "gardés"),
]
_COMPILED = [(re.compile(p, re.DOTALL), f) for p, f in _LINES]
_CONNECTOR = re.compile(r"^([\w.-]+): (?=\S)")


def notice_words(text: str, lang: str) -> str:
    """A connector's warning (« NAME: … ») or a run's stop, in ``lang``: as written in English, or when this module
    does not know it; else in French, « NAME : … »."""
    if lang != "fr":
        return text
    head, body = "", text
    if (m := _CONNECTOR.match(text)) is not None and any(p.fullmatch(text[m.end():]) for p, _ in _COMPILED):
        head, body = f"{m[1]} : ", text[m.end():]
    for pattern, french in _COMPILED:
        if (found := pattern.fullmatch(body)) is not None:
            return head + french(found)
    return text
