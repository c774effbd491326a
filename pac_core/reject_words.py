"""A rejected record's reason in the reader's language: the one table of the connectors' reasons.

A rejection is stored, logged and compared (``steps.new_rejections``) as its connector or the engine worded it, in
English: that text is its machine form and never changes with a plan's language. What a French manager reads (the
digest, the report's rejected records) is ``reason_words(reason, "fr")``:

* an engine set-aside, ``rule: detail`` (``ENGINE_RULES``), is its detail as ``pac explain`` words it
  (``pac_core.explain.localise``), else its rule's word (``REASONS``);
* a connector's reason is matched against ``CONNECTOR_REASONS``: each row a stable code (``reason_code``), the
  English pattern the connector writes (its CRM field names and values kept as groups) and the French sentence, with
  what to do; the values the CRM holds are quoted « like this »;
* a reason no row matches (a newer wording, a CRM error) is shown as stored, never half translated.

English is the stored text itself: an English plan's outputs are unchanged. tests/unit/test_reject_words.py reads
one malformed record of each kind through the Salesforce and HubSpot normalisers, so a reworded connector reason
that no row matches fails there, not silently in a French digest.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pac_core.explain import REASONS, localise

# the rules of the engine's set-asides (``Evaluation.rejected``), stored as "rule: detail"
DEAL_RULES = frozenset({"no_close_date", "no_amount", "negative_amount", "unknown_currency"})
ENGINE_RULES = DEAL_RULES | {"no_account", "no_owner", "no_start", "unknown_type"}

_WHAT_FR = {"meeting": "le rendez-vous", "call": "l'appel", "e-mail": "l'e-mail", "task": "la tâche",
            "deal": "l'affaire", "Event": "l'événement (Event)", "Task": "la tâche (Task)"}
_STATUS_FR = {"meeting outcome": "résultat de rendez-vous", "call status": "statut d'appel",
              "call disposition": "issue d'appel", "e-mail status": "statut d'e-mail", "task status": "statut de tâche"}


def _quoted(value: str) -> str:
    """A CRM value as the connector wrote it (Python's ``'x'``) -> « x »; anything else as it is."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return f"« {value[1:-1]} »"
    return value


def _fields(names: str) -> str:
    """``hs_timestamp and hs_meeting_start_time`` / ``ActivityDateTime, ActivityDate`` in French: the fields kept."""
    return names.replace(" and ", " et ")


Words = Callable[[re.Match[str]], str]

# (code, the connector's English words, the French sentence): the first row that matches the whole reason wins
CONNECTOR_REASONS: tuple[tuple[str, re.Pattern[str], Words], ...] = tuple(
    (code, re.compile(pattern, re.S), words) for code, pattern, words in (
        # connectors/salesforce/normalise.py
        ("no_name", r"account has no name",
         lambda m: "le compte n'a pas de nom : donnez-lui un nom dans le CRM"),
        ("no_activity_date", r"(?P<what>Event|Task) has no date \((?P<fields>.*)\)",
         lambda m: f"{_WHAT_FR[m['what']]} n'a pas de date ({_fields(m['fields'])} vides) : "
                   "renseignez sa date dans le CRM"),
        ("bad_date", r"unreadable (?:datetime|date) (?P<value>.*)",
         lambda m: f"date illisible {_quoted(m['value'])} : corrigez-la dans le CRM"),
        ("not_a_number", r"not a (?:finite )?number: (?P<value>.*)",
         lambda m: f"{_quoted(m['value'])} n'est pas un nombre : corrigez-le dans le CRM"),
        ("bad_subquery", r"(?P<name>\S+) is not a list of records",
         lambda m: f"{m['name']} n'est pas une liste d'enregistrements : réponse du CRM inattendue, relancez la "
                   "synchronisation"),
        ("truncated_subquery", r"(?P<name>\S+) truncated: (?P<read>\S+) of (?P<total>\S+) records read",
         lambda m: f"{m['name']} tronqué : {m['read']} enregistrements lus sur {m['total']} ; l'enregistrement "
                   "n'est pas compté, signalez-le à l'administrateur de pac"),
        ("missing_field", r"'(?P<field>\w+)'",           # a KeyError: the CRM's record lacks a field pac reads
         lambda m: f"champ {m['field']} absent de l'enregistrement : vérifiez les droits de lecture de pac dans le "
                   "CRM"),
        # connectors/hubspot/normalise.py
        ("bad_annual_revenue", r"annual revenue: amount (?P<value>.*) is not a number",
         lambda m: f"chiffre d'affaires annuel : le montant {_quoted(m['value'])} n'est pas un nombre ; "
                   "corrigez-le dans le CRM"),
        ("bad_amount", r"amount (?P<value>.*) is not a number",
         lambda m: f"le montant {_quoted(m['value'])} n'est pas un nombre : corrigez-le dans le CRM"),
        ("bad_home_amount", r"(?P<field>\w+): amount (?P<value>.*) is not a number",
         lambda m: f"{m['field']} : le montant {_quoted(m['value'])} n'est pas un nombre ; corrigez-le dans le CRM"),
        ("no_start_time", r"(?P<what>meeting|call) has no start time \((?P<fields>.*) empty\)",
         lambda m: f"{_WHAT_FR[m['what']]} n'a pas d'heure de début ({_fields(m['fields'])} "
                   f"{'vides' if ' and ' in m['fields'] else 'vide'}) : renseignez-la dans le CRM"),
        ("no_start_time", r"e-mail has no timestamp \((?P<fields>.*) empty\)",
         lambda m: f"l'e-mail n'a pas d'horodatage ({_fields(m['fields'])} vide) : renseignez-le dans le CRM"),
        ("no_start_time", r"task has no due date \((?P<fields>.*) empty\)",
         lambda m: f"la tâche n'a pas de date d'échéance ({_fields(m['fields'])} "
                   f"{'vides' if ' and ' in m['fields'] else 'vide'}) : renseignez-la dans le CRM"),
        ("unmapped_status", r"(?P<what>meeting outcome|call status|call disposition|e-mail status|task status) "
                            r"(?P<value>.*) is not in the mapping \((?P<key>.*)\)",
         lambda m: f"{_STATUS_FR[m['what']]} {_quoted(m['value'])} absent du mapping ({m['key']}) : "
                   "ajoutez-le au mapping"),
        ("unknown_pipeline", r"pipeline (?P<value>.*) is unknown or not read by the mapping",
         lambda m: f"pipeline {_quoted(m['value'])} inconnu ou non lu par le mapping : ajoutez-le au mapping ou "
                   "changez le pipeline de l'affaire"),
        ("unknown_stage", r"stage (?P<value>.*) is not a stage of pipeline (?P<pipeline>'[^']*'): "
                          r"(?:it belongs to pipeline (?P<home>.*)|no pipeline has it)",
         lambda m: f"l'étape {_quoted(m['value'])} n'est pas une étape du pipeline {_quoted(m['pipeline'])} ("
                   + (f"elle est du pipeline {_quoted(m['home'])}" if m['home'] else "aucun pipeline ne l'a")
                   + ") : corrigez l'étape de l'affaire dans le CRM"),
        # connectors/hubspot/connector.py: linked to contacts only (``Companies.checked``)
        ("contact_only", r"(?P<what>meeting|call|e-mail|task|deal) associated with contacts? (?P<who>.*) only: "
                         r"associate it with a company \((?:the contact has no|none of them has a) primary "
                         r"company\)",
         lambda m: f"{_WHAT_FR[m['what']]} n'est associé{'e' if m['what'] in ('task', 'deal') else ''} qu'à "
                   f"{'des contacts' if ',' in m['who'] else 'un contact'} ({m['who']}) sans entreprise principale : "
                   "associez-l" + ("a" if m['what'] in ('task', 'deal') else "e") + " à une entreprise"),
    ))


def reason_code(reason: str) -> str:
    """A rejection's stable code: the engine's rule (``no_account``), a connector reason's row code
    (``bad_date``), else ``other``. The same in every language."""
    rule = reason.split(": ", 1)[0].strip()
    if rule in ENGINE_RULES:
        return rule
    return next((code for code, pattern, _ in CONNECTOR_REASONS if pattern.fullmatch(reason)), "other")


def reason_words(reason: str, lang: str) -> str:
    """A rejection's reason for people, in ``lang`` (``fr`` or ``en``): see the module's docstring."""
    rule, _, detail = reason.partition(": ")
    if rule in ENGINE_RULES:      # an engine set-aside, "no_account: the activity has no account"
        return localise(detail, lang) if detail else REASONS.get(lang, REASONS["en"]).get(rule, rule)
    if lang != "fr":
        return reason
    for _code, pattern, words in CONNECTOR_REASONS:
        if found := pattern.fullmatch(reason):
            return words(found)
    return reason
