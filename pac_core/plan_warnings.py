"""The plan's warnings a run words itself, kept as a code and its values so each output words them in its language.

``pac sync`` warns a manager of what keeps the plan from being measured: an action no connector of the plan can
measure (``unmeasured_action``), an e-mail the plan names that no CRM knows (``unknown_owner``), a CRM user whose
e-mail changed (``remembered_email``, ``remembered_shared``, ``reused_email``), an action handed to another rep with
no ``handed_over`` (``handed_over``), an objective written as a percentage of a baseline of 0 (``zero_base``), a
type the plan counts of which no activity was ever read (``never_read``: a mapping rule matching nothing). Each
is a ``PlanWarning``: its English words as a ``str`` (what the log, the plan checks and the tests have always read,
byte for byte), with its ``code`` and ``values`` (names, ids, ``file:line`` places: JSON), and ``words(lang)``
giving it in ``en`` or ``fr``, as ``pac_core.decision_words`` does for the engine's decisions. The run keeps them as
records on its run-log row (``record``, ``pac_run.plan_warnings``, migration 0017), so ``pac status --lang fr`` and
the report word them later; a record of a code this pac does not know (a newer pac's) reads as its English words.

A warning the run words as free text (``text``: a scope on a custom attribute no mapping defines, a person with
several CRM users...) is kept as worded and shown so in either language. What a mapping says to do is kept in both
languages (``activity_type_fix``); its keys (``activities.emails.enabled: true``) are the mapping's.

Standard library and ``pac_core.periods`` only: ``pac status`` words the kept records without loading a run
module.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from pac_core.periods import day_words

LANGS = ("en", "fr")


class PlanWarning(str):
    """One plan warning: its English words (the ``str``), its ``code`` and its ``values`` (JSON: strings, numbers,
    booleans, lists); ``words(lang)`` for ``en`` or ``fr``."""

    code: str
    values: dict[str, Any]

    def __new__(cls, code: str, values: Mapping[str, Any]) -> PlanWarning:
        values = dict(values)
        obj = super().__new__(cls, _worded(code, values, "en"))
        obj.code, obj.values = code, values
        return obj

    def words(self, lang: str = "en") -> str:
        """The warning in ``lang`` (``fr``; English for any other)."""
        return _worded(self.code, self.values, lang)

    def __reduce__(self) -> tuple[Any, ...]:
        return (PlanWarning, (self.code, self.values))


def text(words: str) -> PlanWarning:
    """A warning the run words as free text: kept and shown as worded, in any language."""
    return PlanWarning("text", {"text": words})


def warning_of(warning: str) -> PlanWarning:
    """``warning`` as a ``PlanWarning`` (a plain string: ``text``)."""
    return warning if isinstance(warning, PlanWarning) else text(str(warning))


def record(warning: str) -> dict[str, Any]:
    """The JSON record of a warning kept on its run's row (``from_record`` reads it back); its English words
    (``en``) kept with it, so a pac that does not know its code still shows it."""
    w = warning_of(warning)
    # JSON as the run log's column keeps it (a value of another type, never expected, as its text: never a failed run)
    return {"code": w.code, "values": json.loads(json.dumps(w.values, default=str)), "en": str(w)}


def from_record(row: Mapping[str, Any]) -> PlanWarning:
    """The warning a kept record names; one of a code this pac does not know: its English words as text."""
    code, values = str(row.get("code") or "text"), row.get("values")
    if code in _WORDS and isinstance(values, Mapping):
        try:
            return PlanWarning(code, values)
        except (KeyError, TypeError, ValueError, IndexError):
            pass
    kept = values.get("text") if isinstance(values, Mapping) else None
    return text(str(row.get("en") or kept or ""))


def words_of(warnings: Iterable[str], lang: str) -> list[str]:
    """Each warning in ``lang`` (a plain string as it is)."""
    return [w.words(lang) if isinstance(w, PlanWarning) else str(w) for w in warnings]


# -- the words, code by code ------------------------------------------------------------------------------------------
def _worded(code: str, values: Mapping[str, Any], lang: str) -> str:
    return _WORDS[code](values, "fr" if lang == "fr" else "en")


def _text(v: Mapping[str, Any], lang: str) -> str:
    return str(v["text"])


def _crms(pairs: Sequence[Sequence[str]]) -> str:
    return ", ".join(f"{name} ({crm})" for name, crm in pairs)


def _unmeasured_action(v: Mapping[str, Any], lang: str) -> str:
    """``coverage.unmeasured`` (``owner`` None: no connector of the plan reads the type) and
    ``coverage.unmeasured_for_owners`` (``owner``: none of those the owner works in reads it); ``fixes``: per
    connector, its name and what its mapping says to do, in English then French."""
    kind, owner, where = str(v["kind"]), v.get("owner"), _crms(v["connectors"])
    if lang == "fr":
        why = (f"qu'aucun connecteur du plan ne lit ({where})" if owner is None else
               f"mais son responsable {owner} ne travaille que dans {where}, qui ne les lit pas")
        fixes = " ; ".join(f"{fix[0]} : {fix[-1]}" for fix in v["fixes"])
        return (f"l'action {v['action']} compte les activités {kind!r}, {why} : elle restera à 0 quoi qu'on fasse. "
                f"Pour la mesurer : {fixes} ; ou comptez une autre activité")
    why = (f"which none of the plan's connectors reads ({where})" if owner is None else
           f"but its owner {owner} works only in {where}, which does not read them")
    fixes = "; ".join(f"{fix[0]}: {fix[1]}" for fix in v["fixes"])
    return (f"action {v['action']} counts {kind!r} activities, {why}: it will stay at 0 whatever is done. "
            f"To measure it: {fixes}; or count another activity")


UNKNOWN_WORDS = {
    "fr": {"colon": " : ", "semi": " ; ", "unknown": "n'est utilisateur d'aucun CRM du plan",
           "action": "ses actions restent à 0 et ne sont écrites dans aucun CRM",
           "revenue": "aucune affaire ni aucun compte ne compte comme le sien",
           "nothing": "rien ne peut compter pour cette personne", "has": "a",
           "moved": " : si cette personne a changé d'adresse, écrivez la nouvelle dans le plan, ou ajoutez-la à ses "
                    "`aliases` dans people, à {email} : {yaml}",
           "fix": "Corrigez l'adresse dans le plan, ajoutez son adresse dans le CRM à ses `aliases` dans people, ou "
                  "créez-lui un utilisateur dans l'un de ces CRM."},
    "en": {"colon": ": ", "semi": "; ", "unknown": "is a user of none of the plan's CRMs",
           "action": "their actions stay at 0 and are written to no CRM",
           "revenue": "no deal or account counts as theirs", "nothing": "nothing can count for them", "has": "has",
           "moved": ": if this person changed address, write the new one in the plan, or add it to their `aliases` "
                    "in people, at {email}: {yaml}",
           "fix": "Fix the address in the plan, add their address in the CRM to their `aliases` in people, or give "
                  "them a user in one of these CRMs."},
}
"""The unknown-owner warning's words (``coverage.unknown_owners``)."""


def _unknown_owner(v: Mapping[str, Any], lang: str) -> str:
    w = UNKNOWN_WORDS[lang]
    ids, email, lookalikes = list(v["ids"]), str(v["email"]), v["lookalikes"]
    what = [w[kind] for kind in ("action", "revenue") if kind in v["kinds"]]
    words = (f"{', '.join(ids) + w['colon'] if ids else ''}{email} {w['unknown']} ({v['crms']}) "
             f"({', '.join(v['where'])}){w['colon']}{w['semi'].join(what) or w['nothing']}. ")
    if lookalikes:
        words += w["semi"].join(f"{c} {w['has']} {e}" + (f" ({n})" if n else "") for c, e, n in lookalikes)
        words += w["moved"].format(email=email, yaml=v["yaml"])
    else:
        words += w["fix"]
    return words


REMEMBERED_WORDS = {
    "fr": {"colon": " : ", "semi": " ; ", "user": "l'utilisateur {user} de {crm}",
           "now": "a maintenant l'adresse {email}",
           "had": "il avait {former}, que le plan nomme",
           "counts": "pac compte les enregistrements de cet utilisateur pour {person}, avant comme après le "
                     "changement, et ses actions restent à cet utilisateur",
           "write": "Écrivez-le dans le plan, sous people, à {person} : ",
           "both": "les utilisateurs {users} ont maintenant l'adresse {email} ; ils avaient {formers}, que le plan "
                   "nomme pour des personnes différentes : pac ne compte leurs enregistrements pour aucune d'elles. "
                   "Ajoutez {email} aux `aliases` de la bonne personne dans people, ou donnez-lui une adresse à elle "
                   "dans le CRM."},
    "en": {"colon": ": ", "semi": "; ", "user": "{crm}'s user {user}", "now": "now has the e-mail {email}",
           "had": "it had {former}, which the plan names",
           "counts": "pac counts this user's records for {person}, before and after the change, and their "
                     "actions stay with this user",
           "write": "Write it in the plan, under people, at {person}: ",
           "both": "the users {users} now have the e-mail {email}; they had {formers}, which the plan names for "
                   "different people: pac counts their records for none of them. Add {email} to the right person's "
                   "`aliases` in people, or give the user an e-mail of their own in the CRM."},
}
"""The remembered-alias warnings' words (``coverage.remembered_warnings``)."""


def _remembered_email(v: Mapping[str, Any], lang: str) -> str:
    w = REMEMBERED_WORDS[lang]
    return (f"{w['user'].format(user=v['user'], crm=v['crm'])} {w['now'].format(email=v['email'])}{w['semi']}"
            f"{w['had'].format(former=v['former'])} ({v['place']}){w['colon']}"
            f"{w['counts'].format(person=v['person'])}. {w['write'].format(person=v['person'])}{v['yaml']}")


def _remembered_shared(v: Mapping[str, Any], lang: str) -> str:
    return REMEMBERED_WORDS[lang]["both"].format(users=v["users"], email=v["email"], formers=v["formers"])


REUSED_WORDS = {
    "fr": "l'utilisateur {user} de {crm} a maintenant l'adresse {email}, que le plan nomme ; il avait {former}, que le "
          "plan nomme pour une autre personne ({place}) : tous les enregistrements de cet utilisateur, ceux du temps "
          "de {former} compris, comptent pour {person} (pac reconnaît une personne à son utilisateur du CRM, pas à la "
          "date). Si cet utilisateur a été donné à une autre personne, donnez à chacune son propre utilisateur dans le "
          "CRM et rendez à {former} ses enregistrements (changement de propriétaire).",
    "en": "{crm}'s user {user} now has the e-mail {email}, which the plan names; it had {former}, which the plan "
          "names for another person ({place}): every record of this user, those of {former}'s time included, counts "
          "for {person} (pac tells a person by their CRM user, not by the date). If this login was given to another "
          "person, give each one a user of their own in the CRM and give {former} their records back (Change "
          "Owner).",
}
"""The reused-login warning's words (``coverage.reused_warnings``)."""


def _reused_email(v: Mapping[str, Any], lang: str) -> str:
    return REUSED_WORDS[lang].format(crm=v["crm"], user=v["user"], email=v["email"], former=v["former"],
                                     place=v["place"], person=v["person"])


def _handed_over(v: Mapping[str, Any], lang: str) -> str:
    """``plan_identity.owner_change_warnings``: an action whose ``who`` changed with no ``handed_over``."""
    action, old, new, day, version = v["action"], v["old"], v["new"], v["day"], v.get("version")
    yaml = f"handed_over: {{from: {old}, on: {day}}}"
    if lang == "fr":
        where = f"la version {version} du plan gardée par pac" if version is not None else "le plan que pac garde"
        why = (f"le jour de départ de {old}, d'après rep_leaving du plan" if v["declared"] else
               "aujourd'hui : écrivez le premier jour du nouveau responsable si c'en était un autre")
        return (f"{action} : le responsable est passé de {old} à {new} depuis {where} : les activités de {old} ne "
                f"comptent plus pour elle ; pour garder celles faites avant la passation, ajoutez à l'action  {yaml}"
                f"  ({why})")
    where = f"the store's version {version} of the plan" if version is not None else "the plan the store keeps"
    why = (f"{old}'s leaving day, from the plan's rep_leaving" if v["declared"] else
           "today: write the new owner's first day if it was another")
    return (f"{action}: who changed from {old} to {new} since {where}: the activities of {old} stop "
            f"counting for it; to keep those made before the hand-over, add to the action  {yaml}  ({why})")


def zero_base_words(v: Mapping[str, Any], lang: str) -> str:
    """What a percentage objective whose baseline is 0 or below gives: no objective (``growth_words``), without the
    axis: ``pac plan check`` names it itself. ``rate`` and ``span`` are kept worded in both languages (``_en``,
    ``_fr``): they need the plan's fiscal year and Babel's month names."""
    span, rate = v[f"span_{lang}"], v[f"rate_{lang}"]
    if lang == "fr":
        so_far = f" jusqu'ici ({span} n'est pas terminé)" if v["so_far"] else ""
        if v["negative"]:
            where = ("son CA de référence fixé est négatif" if v["fixed"] else
                     f"sa part du CA {span} de son périmètre est négative (avoirs){so_far}" if v["share"] else
                     f"le CA {span} de son périmètre est négatif (avoirs){so_far}")
        else:
            where = ("son CA de référence fixé est 0" if v["fixed"]
                     else f"son périmètre n'a gagné aucune affaire en {span}{so_far}")
        return (f"une croissance de {rate} ne donne aucun objectif : {where} (écrivez le CA additionnel en montant, "
                "p. ex. additional_revenue: 20000)")
    so_far = f" so far ({span} is not over)" if v["so_far"] else ""
    if v["negative"]:     # credits above the sales
        share = "its share of " if v["share"] else ""
        where = ("its fixed baseline is negative" if v["fixed"]
                 else f"{share}its scope's {span} revenue is negative (credits){so_far}")
    else:
        where = "its fixed baseline is 0" if v["fixed"] else f"its scope won no deal in {span}{so_far}"
    return (f"a growth of {rate} gives no objective: {where} "
            "(write the additional revenue as an amount, e.g. additional_revenue: 20000)")


def _zero_base(v: Mapping[str, Any], lang: str) -> str:
    return f"{'axe' if lang == 'fr' else 'axis'} {v['axis']}{' : ' if lang == 'fr' else ': '}{zero_base_words(v, lang)}"


FIELD_WORDS = {
    "en": {"axis_status": "status", "axis_priority": "rank", "action_status": "status", "action_target": "target",
           "action_due": "due date"},
    "fr": {"axis_status": "statut", "axis_priority": "rang", "action_status": "statut", "action_target": "objectif",
           "action_due": "échéance"},
}
"""An editable field as the plan's warnings name it (``lost_with_retired``)."""


def _where(origin: Sequence[str], lang: str) -> str:
    """Where a value came from (``[source, connector, who]``; ``state``: a stored state's, else a change's):
    ``sf-main (Nathalie Garnier)``, the plan file, pac."""
    source, connector, who = origin
    fr = lang == "fr"
    if source == "file":
        return "le fichier du plan" if fr else "the plan file"
    if source == "pac":
        return "pac"
    if source == "state":      # a stored state's origin
        if who:
            return f"{connector} ({who})"
        return connector or ("un CRM" if fr else "a CRM")
    return f"{connector} ({who or ('un utilisateur' if fr else 'a user')})"


def _lost_with_retired(v: Mapping[str, Any], lang: str) -> str:
    """``overrides.lost_with_retired``: the CRM values an item leaving the plan takes with it (``held``: field,
    value, the file's value, origin, day; ``read``: the same for the CRM edits read and not applied, the file's
    value None when the file never had the field)."""
    fr, item, when = lang == "fr", v["item"], v["when"]
    fields = FIELD_WORDS[lang]
    held = [(f"{fields.get(f, f)} {value}", file_value, origin, day) for f, value, file_value, origin, day in v["held"]]
    read = [(f"{fields.get(f, f)} {value}", file_value, origin, day) for f, value, file_value, origin, day in v["read"]]
    values = [words for words, *_ in [*held, *read]]
    if fr:
        said = " ; ".join(f"{words} ({file_value} dans le fichier) de {_where(origin, lang)}"
                          + (f" le {_day_fr(day)}" if day else "") for words, file_value, origin, day in held)
        said_read = " ; ".join(words + ("" if file_value is None else f" ({file_value} dans le fichier)")
                               + f" de {_where(origin, lang)}" + (f" le {_day_fr(day)}" if day else "")
                               for words, file_value, origin, day in read)
        into = v["into"] or ("l'axe qui le remplace" if v["target"] == "axis" else "l'action qui la remplace")
        write = f"écrivez {', '.join(values)} dans {into}"
        if when == "check":
            return (f"{item} n'est plus dans ce fichier : la prochaine pac sync perd avec lui les valeurs acceptées "
                    f"des CRM que le fichier du plan n'a pas : {said} ; pour les garder, {write}, ou remettez {item}, "
                    "lancez `pac plan pull`, puis renommez-le ou retirez-le")
        parts = ([f"les valeurs acceptées des CRM que le fichier du plan n'a pas : {said} (elles reviennent si {item} "
                  "est remis sous cet id)"] if held else []) \
            + ([f"les modifications faites dans les CRM depuis la dernière exécution, non appliquées : {said_read}"]
               if read else [])
        would = "partiraient" if when == "dry_run" else "partent"
        return (f"{item} : n'est plus dans le plan, et avec lui {would} {' et '.join(parts)} ; pour les garder, {write}"
                + (" ; lancez `pac plan pull` avant de renommer ou de retirer un élément" if held else "")
                + (" (simulation)" if when == "dry_run" else ""))
    said = "; ".join(f"{words} ({file_value} in the file) from {_where(origin, lang)}" + (f" on {day}" if day else "")
                     for words, file_value, origin, day in held)
    said_read = "; ".join(words + ("" if file_value is None else f" ({file_value} in the file)")
                          + f" from {_where(origin, lang)} on {day}" for words, file_value, origin, day in read)
    into = v["into"] or f"the {v['target']} that replaces it"
    write = f"write {', '.join(values)} in {into}"
    if when == "check":
        return (f"{item} is no longer in this file: the next pac sync drops with it the values accepted from the CRMs "
                f"that the plan file does not have: {said}; to keep them, {write}, or put {item} back, run `pac plan "
                f"pull`, then rename or remove it")
    would = "would go" if when == "dry_run" else "go"
    parts = ([f"the values accepted from the CRMs that the plan file does not have: {said} (they come back if "
              f"{item} is put back under that id)"] if held else []) \
        + ([f"the edits made in the CRMs since the last run, not applied: {said_read}"] if read else [])
    return (f"{item}: no longer in the plan, and with it {would} {' and '.join(parts)}; to keep them, {write}"
            + ("; run `pac plan pull` before renaming or removing an item" if held else "")
            + (" (dry run)" if when == "dry_run" else ""))


def _day_fr(iso: str) -> str:
    """``2027-05-20`` -> « 20 mai 2027 » (``pac_core.periods.day_words``)."""
    return day_words(date.fromisoformat(iso), "fr")


_RELABELLED_AS = {
    "en": {"salesforce": "Salesforce shows the picklist value {value!r} of Account.{field}",
           "hubspot": "HubSpot shows the option {value!r} of the company property {field}"},
    "fr": {"salesforce": "Salesforce affiche la valeur de liste {value!r} de Account.{field}",
           "hubspot": "HubSpot affiche l'option {value!r} de la propriété d'entreprise {field}"}}
_FAMILY_RELABELLED_AS = {
    "en": {"salesforce": "Salesforce shows the product family {value!r} of {field}",
           "hubspot": "HubSpot shows the option {value!r} of the line item property {field}"},
    "fr": {"salesforce": "Salesforce affiche la famille de produits {value!r} de {field}",
           "hubspot": "HubSpot affiche l'option {value!r} de la propriété de ligne de produit {field}"}}


def _relabelled(v: Mapping[str, Any], lang: str) -> str:
    """``coverage.relabel_warnings``: a scope picklist value the CRM shows under a new label since the last night
    (``family``: a product family, on the deal lines), and the plan's scope values (``stale``: ``file:line key:
    'value'``) that named the old label."""
    family, stale, old, new = v["family"], list(v["stale"]), v["old"], v["new"]
    shows = (_FAMILY_RELABELLED_AS if family else _RELABELLED_AS)[lang].get(v["crm"], "{field} {value!r}")
    many = len(stale) > 1
    if lang == "fr":
        words = (f"{v['connector']} : " + shows.format(value=v["value"], field=v["field"])
                 + f" sous {new!r}, et non plus {old!r} : pac a relu "
                 + ("toutes les affaires cette nuit, chaque ligne avec son nouveau libellé" if family else
                    "tous les comptes cette nuit, chacun avec son nouveau libellé"))
        if not stale:
            return words + f" ; aucun périmètre du plan ne nomme {old!r}"
        nothing = "aucune ligne d'affaire n'est" if family else "aucun compte n'est"
        return words + (f" ; {'les valeurs' if many else 'la valeur'} de périmètre du plan {', '.join(stale)} ne "
                        f"correspond{'ent' if many else ''} plus à aucun libellé, donc {nothing} plus dans "
                        f"{'ces périmètres' if many else 'ce périmètre'} : écrivez-y {new!r} (puis `pac config check "
                        "pac.yaml --online` liste toute autre valeur du plan qui ne correspond à aucun libellé)")
    words = (f"{v['connector']}: " + shows.format(value=v["value"], field=v["field"])
             + f" as {new!r}, no longer {old!r}: pac read "
             + ("every deal again tonight, each line with its new label" if family else
                "every account again tonight, each with its new label"))
    if not stale:
        return words + f"; no plan scope names {old!r}"
    nothing = "no deal line is in" if family else "no account is in"
    return words + (f"; the plan scope value{'s' if many else ''} {', '.join(stale)} now "
                    f"match{'' if many else 'es'} no label, so {nothing} "
                    f"{'those scopes' if many else 'that scope'} any more: write {new!r} there (then "
                    "`pac config check pac.yaml --online` lists any other plan value that matches no label)")


_LINE_KEY_WORDS = {"en": {"code": "product code", "name": "product name", "family": "product family"},
                   "fr": {"code": "code produit", "name": "nom de produit", "family": "famille de produits"}}
_CRM_NAMES = {"salesforce": "Salesforce", "hubspot": "HubSpot"}


def _renamed_product(v: Mapping[str, Any], lang: str) -> str:
    """``coverage.rename_warnings``: a product value the deals read again tonight no longer hold (``field``: code,
    name or family; ``new``: the values they hold now; ``library``: HubSpot's product library, whose line items keep
    what they were sold under), and the plan's scope values (``stale``) that named the old one."""
    crm, stale, old, new_values = _CRM_NAMES.get(v["crm"], v["crm"]), list(v["stale"]), v["old"], list(v["new"])
    what = _LINE_KEY_WORDS[lang].get(v["field"], v["field"])
    many, n = len(stale) > 1, int(v["deals"])
    if lang == "fr":
        new = " ou ".join(repr(x) for x in new_values) if new_values else "aucun"
        deals = f"{n} affaire{'s' if n > 1 else ''}"
        values = f"{'les valeurs' if many else 'la valeur'} de périmètre du plan {', '.join(stale)}"
        if v["library"]:
            return (f"{v['connector']} : la bibliothèque de produits de {crm} donne maintenant {new} comme {what}, et "
                    f"non plus {old!r} (un produit renommé : ses lignes sur {deals} lues cette nuit) ; {values} "
                    f"compte{'nt' if many else ''} toujours ses lignes vendues sous l'un ou l'autre (un seul produit, "
                    f"par hs_product_id) ; écrivez-y {new_values[0]!r} pour le nommer comme HubSpot maintenant, ou "
                    "nommez-le par son id (product_id)")
        return (f"{v['connector']} : les lignes de produits que {crm} garde disent maintenant {new} comme {what}, et "
                f"non plus {old!r} (un produit modifié dans {crm} : {deals} relue{'s' if n > 1 else ''} cette nuit) ; "
                f"{values} ne correspond{'ent' if many else ''} plus à aucune de ces lignes, donc leur CA a quitté "
                f"{'ces périmètres' if many else 'ce périmètre'}"
                + (f" : écrivez-y {new_values[0]!r}" if len(new_values) == 1 else " : écrivez-y la nouvelle valeur"))
    new = " or ".join(repr(x) for x in new_values) if new_values else "none"
    deals = f"{n} deal{'s' if n != 1 else ''}"
    if v["library"]:      # HubSpot: the line items keep what they were sold under, and count as one product
        return (f"{v['connector']}: {crm}'s product library now gives the {what} {new}, no longer "
                f"{old!r} (a product renamed: its line items on {deals} read tonight); the plan scope "
                f"value{'s' if many else ''} {', '.join(stale)} still "
                f"count{'' if many else 's'} its line items sold under either (one product, by "
                f"hs_product_id); write {new_values[0]!r} there to name it as HubSpot does now, or name it "
                "by its id (product_id)")
    return (f"{v['connector']}: the product lines {crm} holds now say the {what} {new}, no longer "
            f"{old!r} (a product edited in {crm}: {deals} read again tonight); the plan scope "
            f"value{'s' if many else ''} {', '.join(stale)} now match{'' if many else 'es'}"
            f" none of those lines, so their revenue left {'those scopes' if many else 'that scope'}"
            + (f": write {new_values[0]!r} there" if len(new_values) == 1 else ": write the new value there"))


def _several_owners(v: Mapping[str, Any], lang: str) -> str:
    """``owner_choice.Twins``: a person with several users able to own their PAC records in one CRM (``able``:
    e-mail, the connector's words for its users), and the one pac gave the records (``chosen``) to."""
    able, who, items, chosen = v["able"], v["who"], ", ".join(v["items"]), v["chosen"]
    users = "; ".join(f"{email}: {words}" for email, words in able)
    if lang == "fr":
        return (f"{v['connector']} : {len(able)} utilisateurs actifs peuvent être propriétaires des "
                f"enregistrements PAC de {who} ({users}) ; pac a donné {items} à l'utilisateur de {chosen} "
                "(l'e-mail du plan d'abord, puis ses aliases dans l'ordre du plan, puis les e-mails dont pac se "
                "souvient), et laisse à chacun ceux dont il est déjà propriétaire. Si cette personne travaille "
                "sous un autre de ces utilisateurs, désactivez celui qu'elle n'utilise plus, ou faites de l'e-mail "
                "de l'autre son `email` sous people dans le plan (celui-ci dans ses aliases)")
    return (f"{v['connector']}: {len(able)} active users can own {who}'s PAC records ({users}); pac gave "
            f"{items} to the user of {chosen} (the plan's e-mail first, then its aliases in the plan's "
            "order, then the e-mails pac remembers), and leaves each record already owned by one of them with it. "
            "If this person works under another of these users, deactivate the one they no longer use, or make "
            "the other's e-mail their `email` under people in the plan (this one under their aliases)")


def _never_read(v: Mapping[str, Any], lang: str) -> str:
    """``coverage.never_read``: a type the plan counts and its connectors' mappings read, of which the store holds
    no activity at all from any of them while an action counting it has begun: the mapping's rules for it most likely
    match none of the values the reps pick in the CRM (a picklist value misspelt, a meeting type renamed)."""
    kind, where, actions = str(v["kind"]), _crms(v["connectors"]), list(v["actions"])
    several = len(actions) > 1
    if lang == "fr":
        who = (f"les actions {', '.join(actions)} les comptent et restent à 0" if several else
               f"l'action {actions[0]} les compte et reste à 0")
        return (f"aucune activité {kind!r} n'a jamais été lue de {where} : {who}. Si les commerciaux en saisissent "
                f"dans le CRM, les règles du mapping pour {kind!r} ne correspondent à aucune de leurs valeurs : "
                "`pac config check --online` nomme les valeurs qu'elles citent et que le CRM n'a pas")
    who = (f"actions {', '.join(actions)} count them and stay at 0" if several else
           f"action {actions[0]} counts them and stays at 0")
    return (f"no {kind!r} activity was ever read from {where}: {who}. If reps log them in the CRM, the mapping's "
            f"rules for {kind!r} match none of their values: `pac config check --online` names the values they list "
            "that the CRM lacks")


_WORDS: dict[str, Callable[[Mapping[str, Any], str], str]] = {
    "text": _text, "unmeasured_action": _unmeasured_action, "unknown_owner": _unknown_owner,
    "remembered_email": _remembered_email, "remembered_shared": _remembered_shared, "reused_email": _reused_email,
    "handed_over": _handed_over, "zero_base": _zero_base, "lost_with_retired": _lost_with_retired,
    "relabelled": _relabelled, "renamed_product": _renamed_product, "several_owners": _several_owners,
    "never_read": _never_read,
}
CODES = frozenset(_WORDS)
