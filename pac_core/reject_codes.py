"""A rejected record's reason as a stable code: the connectors' codes, their values, and their words in English and
French (``CODES``); how a stored reason reads as its code, and what tells two rejections apart.

A connector rejects a malformed CRM record with a code and its values (``rejection(source, "deals", id,
"missing_field", field="CloseDate")``): the one table ``CODES`` makes the words of each code, English (``en``, what
is stored as ``Rejected.reason``, logged, and shown to ops by ``pac status`` and ``pac sync``) and French (``fr``,
with what to do; the values the CRM holds quoted « like this »). So a connector reason is never matched by its
English words: rewording the English cannot leave a French report in English (``reject_words.reason_words`` words
a rejection for a reader, the engine's set-asides included).

A reason stored with no code, by a pac older than the codes (up to 7 Dec 2026, ``pac_rejection.code`` NULL), is read
by ``LEGACY``: the patterns of the English words pac wrote then, frozen (never reword them: they read texts already
in stores), into the code and values it would have today (``read_reason``).

``reason_key`` is what tells two rejections of one record apart from one run to the next (``steps.new_rejections``):
the engine's rule, or the code and the values that name the problem (``CodeWords.identity``: the same values the
English reason's head held before the codes, so a run after the upgrade finds last night's stored texts known, and a
rejection new before is new still); ``reason_group`` groups them for ``pac status`` and ``pac sync``.
tests/unit/test_reject_words.py reads every code the connectors' sources emit, and fails on one with no words.
This module imports no engine (``pac status --help`` loads the store, which reads it: tests/unit/test_cli_lazy.py).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pac_core.records import Rejected

# the rules of the engine's set-asides (``Evaluation.rejected``), stored as "rule: detail"
DEAL_RULES = frozenset({"no_close_date", "no_amount", "negative_amount", "unknown_currency"})
ENGINE_RULES = DEAL_RULES | {"no_account", "no_owner", "no_start", "unknown_type"}
# the engine's set-asides a connector words (the run stores them with the connector's code, ``steps._connector_words``):
# a HubSpot engagement or won deal on contacts with no primary company (``no_account``, audits hsplanaware,
# hsdealnocompany), an engagement or a Salesforce activity with no date (``no_start``, audits hsundated, connrejects),
# a Salesforce Event or Task with no account, worded by its cause (``sf_unplaced``, audit sfhints)
WORDED_RULES = {"contact_only": "no_account", "no_start_time": "no_start", "no_activity_date": "no_start",
                "sf_unplaced": "no_account"}

Values = tuple[tuple[str, str], ...]
Words = Callable[[Mapping[str, str]], str]

_WHAT_FR = {"meeting": "le rendez-vous", "call": "l'appel", "e-mail": "l'e-mail", "task": "la tâche",
            "deal": "l'affaire", "Event": "l'événement (Event)", "Task": "la tâche (Task)"}
# an unmapped status's property (``unmapped_status``'s ``what``)
_STATUS_EN = {"meeting_outcome": "meeting outcome", "call_status": "call status",
              "call_disposition": "call disposition", "email_status": "e-mail status", "task_status": "task status"}
_STATUS_FR = {"meeting_outcome": "résultat de rendez-vous", "call_status": "statut d'appel",
              "call_disposition": "issue d'appel", "email_status": "statut d'e-mail", "task_status": "statut de tâche"}
# how an engagement with no date is worded, by object (``no_start_time``): English, then French
_NO_START_EN = {"meeting": "has no start time", "call": "has no start time", "e-mail": "has no timestamp",
                "task": "has no due date"}
_NO_START_FR = {"meeting": "n'a pas d'heure de début", "call": "n'a pas d'heure de début",
                "e-mail": "n'a pas d'horodatage", "task": "n'a pas de date d'échéance"}
_FEMININE = ("task", "deal")


@dataclass(frozen=True)
class CodeWords:
    """A connector reason code: the values it takes (``names``, in order), its words in English and French, and the
    values that tell two problems of this code apart (``identity``, a subset of ``names``: ``reason_key``)."""

    names: tuple[str, ...]
    en: Words
    fr: Words
    identity: tuple[str, ...]


def _q(value: str) -> str:
    """A CRM value in French: « x »."""
    return f"« {value} »"


def _list(names: str, joiner: str) -> str:
    """``hs_timestamp, hs_meeting_start_time`` (how a code keeps a list of fields) joined with ``joiner``."""
    return joiner.join(names.split(", "))


def _empty_fr(fields: str) -> str:
    return "vides" if ", " in fields else "vide"


def _contact_only_en(v: Mapping[str, str]) -> str:
    one = ", " not in v["contacts"]
    return (f"{v['object']} associated with {'contact' if one else 'contacts'} {v['contacts']} only: associate it "
            f"with a company ({'the contact has no' if one else 'none of them has a'} primary company)")


def _contact_only_fr(v: Mapping[str, str]) -> str:
    feminine = v["object"] in _FEMININE
    return (f"{_WHAT_FR[v['object']]} n'est associé{'e' if feminine else ''} qu'à "
            f"{'des contacts' if ', ' in v['contacts'] else 'un contact'} ({v['contacts']}) sans entreprise "
            f"principale : associez-l{'a' if feminine else 'e'} à une entreprise")


# a Salesforce Event or Task with no account, by why (``sf_unplaced``): its object, why, and what it is related to (a
# Case's Id, a contact's Id); the fields as the rep sees them, Related To (« Associé à ») and Name (« Nom »)
_CASE_PREFIX = "500"     # the Case key prefix: "related to case 500…"


def _related_en(what: str) -> str:
    return f"case {what}" if what.startswith(_CASE_PREFIX) else f"record {what}"


def _related_fr(what: str) -> str:
    return f"la requête {what}" if what.startswith(_CASE_PREFIX) else f"l'enregistrement {what}"


def _sf_unplaced_en(v: Mapping[str, str]) -> str:
    obj, why, related = v["object"], v["why"], v["related"]
    if why == "private":
        return ("Event is private: a private event cannot be related to an account or a contact; untick Private and "
                "relate it to the account (Related To)")
    if why == "what":
        return (f"{obj} is related to {_related_en(related)} and to no contact: Salesforce takes the account of such "
                f"{'an' if obj == 'Event' else 'a'} {obj.lower()} from its contact (Name); add a contact of the "
                "account in Name, or relate it to the account (Related To)")
    if why == "who":
        return (f"{obj} is related to contact {related}, who has no account: put the contact on an account, or relate "
                "it to the account (Related To)")
    return (f"{obj} is related to no account, contact or record: relate it to the account (Related To) or to a "
            "contact of the account (Name)")


def _sf_unplaced_fr(v: Mapping[str, str]) -> str:
    obj, why, related = v["object"], v["why"], v["related"]
    e, it = ("e", "la") if obj == "Task" else ("", "le")
    if why == "private":
        return ("l'événement (Event) est privé : un événement privé ne peut être rattaché à aucun compte ni contact ; "
                "décochez « Privé » et rattachez-le au compte (Associé à)")
    if why == "what":
        return (f"{_WHAT_FR[obj]} est rattaché{e} à {_related_fr(related)} sans contact : Salesforce prend alors le "
                f"compte de son contact (Nom) ; ajoutez un contact du compte dans Nom, ou rattachez-{it} au compte "
                "(Associé à)")
    if why == "who":
        return (f"{_WHAT_FR[obj]} est rattaché{e} au contact {related}, qui n'a pas de compte : rattachez le contact à "
                f"un compte, ou rattachez-{it} au compte (Associé à)")
    return (f"{_WHAT_FR[obj]} n'est rattaché{e} à aucun compte, contact ni enregistrement : rattachez-{it} au compte "
            "(Associé à) ou à un contact du compte (Nom)")


def _stage_en(v: Mapping[str, str]) -> str:
    where = f"it belongs to pipeline {v['home']!r}" if v["home"] else "no pipeline has it"
    return f"stage {v['stage']!r} is not a stage of pipeline {v['pipeline']!r}: {where}"


def _stage_fr(v: Mapping[str, str]) -> str:
    where = f"elle est du pipeline {_q(v['home'])}" if v["home"] else "aucun pipeline ne l'a"
    return (f"l'étape {_q(v['stage'])} n'est pas une étape du pipeline {_q(v['pipeline'])} ({where}) : corrigez "
            "l'étape de l'affaire dans le CRM")


CODES: dict[str, CodeWords] = {
    # connectors/salesforce/normalise.py
    "no_name": CodeWords(
        (), lambda v: "account has no name",
        lambda v: "le compte n'a pas de nom : donnez-lui un nom dans le CRM", ()),
    "no_activity_date": CodeWords(       # object: Event or Task; fields: the date fields read, all empty
        ("object", "fields"), lambda v: f"{v['object']} has no date ({v['fields']})",
        lambda v: f"{_WHAT_FR[v['object']]} n'a pas de date ({v['fields']} vides) : renseignez sa date dans le CRM",
        ("object", "fields")),
    "bad_datetime": CodeWords(
        ("value",), lambda v: f"unreadable datetime {v['value']!r}",
        lambda v: f"date illisible {_q(v['value'])} : corrigez-la dans le CRM", ("value",)),
    "bad_date": CodeWords(
        ("value",), lambda v: f"unreadable date {v['value']!r}",
        lambda v: f"date illisible {_q(v['value'])} : corrigez-la dans le CRM", ("value",)),
    "not_a_number": CodeWords(           # value: its first 40 characters
        ("value",), lambda v: f"not a number: {v['value']!r}",
        lambda v: f"{_q(v['value'])} n'est pas un nombre : corrigez-le dans le CRM", ()),
    "not_finite_number": CodeWords(      # NaN, Infinity
        ("value",), lambda v: f"not a finite number: {v['value']!r}",
        lambda v: f"{_q(v['value'])} n'est pas un nombre : corrigez-le dans le CRM", ()),
    "bad_subquery": CodeWords(
        ("name",), lambda v: f"{v['name']} is not a list of records",
        lambda v: f"{v['name']} n'est pas une liste d'enregistrements : réponse du CRM inattendue, relancez la "
                  "synchronisation", ("name",)),
    "truncated_subquery": CodeWords(
        ("name", "read", "total"), lambda v: f"{v['name']} truncated: {v['read']} of {v['total']} records read",
        lambda v: f"{v['name']} tronqué : {v['read']} enregistrements lus sur {v['total']} ; l'enregistrement "
                  "n'est pas compté, signalez-le à l'administrateur de pac", ("name",)),
    "missing_field": CodeWords(          # the CRM's record lacks a field pac reads (a KeyError)
        ("field",), lambda v: repr(v["field"]),
        lambda v: f"champ {v['field']} absent de l'enregistrement : vérifiez les droits de lecture de pac dans le "
                  "CRM", ("field",)),
    "unreadable_record": CodeWords(      # any other error normalising it: Python's own words, the only ones known
        ("detail",), lambda v: v["detail"],
        lambda v: f"enregistrement illisible par pac ({v['detail']}) : signalez-le à l'administrateur de pac",
        ("detail",)),
    # connectors/hubspot/normalise.py
    "bad_annual_revenue": CodeWords(
        ("value",), lambda v: f"annual revenue: amount {v['value']!r} is not a number",
        lambda v: f"chiffre d'affaires annuel : le montant {_q(v['value'])} n'est pas un nombre ; corrigez-le dans "
                  "le CRM", ()),
    "bad_amount": CodeWords(
        ("value",), lambda v: f"amount {v['value']!r} is not a number",
        lambda v: f"le montant {_q(v['value'])} n'est pas un nombre : corrigez-le dans le CRM", ("value",)),
    "bad_home_amount": CodeWords(        # field: the deal's amount in the company currency
        ("field", "value"), lambda v: f"{v['field']}: amount {v['value']!r} is not a number",
        lambda v: f"{v['field']} : le montant {_q(v['value'])} n'est pas un nombre ; corrigez-le dans le CRM",
        ("field",)),
    "no_start_time": CodeWords(          # object: meeting, call, e-mail or task; fields: the date properties read
        ("object", "fields"),
        lambda v: f"{v['object']} {_NO_START_EN[v['object']]} ({_list(v['fields'], ' and ')} empty)",
        lambda v: f"{_WHAT_FR[v['object']]} {_NO_START_FR[v['object']]} ({_list(v['fields'], ' et ')} "
                  f"{_empty_fr(v['fields'])}) : renseignez-{'le' if v['object'] == 'e-mail' else 'la'} dans le CRM",
        ("object", "fields")),
    "unmapped_status": CodeWords(        # what: a key of _STATUS_EN; key: the mapping key to list it under
        ("what", "value", "key"),
        lambda v: f"{_STATUS_EN[v['what']]} {v['value']!r} is not in the mapping ({v['key']})",
        lambda v: f"{_STATUS_FR[v['what']]} {_q(v['value'])} absent du mapping ({v['key']}) : ajoutez-le au mapping",
        ("what", "value", "key")),
    "unknown_pipeline": CodeWords(
        ("pipeline",), lambda v: f"pipeline {v['pipeline']!r} is unknown or not read by the mapping",
        lambda v: f"pipeline {_q(v['pipeline'])} inconnu ou non lu par le mapping : ajoutez-le au mapping ou changez "
                  "le pipeline de l'affaire", ("pipeline",)),
    "unknown_stage": CodeWords(          # home: the pipeline the stage belongs to, "" when none
        ("stage", "pipeline", "home"), _stage_en, _stage_fr, ("stage", "pipeline")),
    # connectors/hubspot/connector.py: linked to contacts only (``Companies.checked``); contacts: "51, 52"
    "contact_only": CodeWords(("object", "contacts"), _contact_only_en, _contact_only_fr, ("object", "contacts")),
    # connectors/salesforce/normalise.py: an Event or Task with no account (``unplaced_rejection``); why: private
    # (an Event), what (related to a record that gives no account, no contact), who (a contact with no account),
    # none (related to nothing); related: the record's or the contact's Id ("" for private and none)
    "sf_unplaced": CodeWords(("object", "why", "related"), _sf_unplaced_en, _sf_unplaced_fr,
                             ("object", "why", "related")),
}


class UnknownReason(Exception):
    """A connector emitted a code ``CODES`` has no words for, or not its values: a bug, never a CRM's data (not a
    ValueError, which a normaliser turns into a rejection)."""


def reason_values(code: str, values: Mapping[str, object]) -> Values:
    """``values`` in the code's order, as text; UnknownReason when the code or its names are not ``CODES``'."""
    words = CODES.get(code)
    if words is None or set(values) != set(words.names):
        raise UnknownReason(f"reason code {code!r} with values {sorted(values)}: not in reject_words.CODES")
    return tuple((name, str(values[name])) for name in words.names)


def english(code: str, values: Values) -> str:
    """The code's English words (``Rejected.reason``)."""
    return CODES[code].en(dict(values))


def rejection(source: str, obj: str, record_id: str, code: str, **values: object) -> Rejected:
    """A connector's rejection of one record: its code, values and the English words made from them."""
    kept = reason_values(code, values)
    return Rejected(source, obj, record_id, english(code, kept), code, kept)


def _unquote(text: str) -> str:
    """A CRM value as pac's older English quoted it (Python's ``'x'``) -> x; anything else as it is."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return text[1:-1]
        return value if isinstance(value, str) else text
    return text


_STATUS_OF = {words: code for code, words in _STATUS_EN.items()}

# The English words pac's connectors wrote before the codes (up to 7 Dec 2026), as stores keep them: pattern, code,
# and how its groups become the code's values. Frozen: a stored text never changes, so neither may these.
LEGACY: tuple[tuple[re.Pattern[str], str, Callable[[re.Match[str]], dict[str, str]]], ...] = tuple(
    (re.compile(pattern, re.S), code, values) for pattern, code, values in (
        (r"account has no name", "no_name", lambda m: {}),
        (r"(?P<object>Event|Task) has no date \((?P<fields>.*)\)", "no_activity_date",
         lambda m: {"object": m["object"], "fields": m["fields"]}),
        (r"unreadable datetime (?P<value>.*)", "bad_datetime", lambda m: {"value": _unquote(m["value"])}),
        (r"unreadable date (?P<value>.*)", "bad_date", lambda m: {"value": _unquote(m["value"])}),
        (r"not a number: (?P<value>.*)", "not_a_number", lambda m: {"value": _unquote(m["value"])}),
        (r"not a finite number: (?P<value>.*)", "not_finite_number", lambda m: {"value": _unquote(m["value"])}),
        (r"(?P<name>\S+) is not a list of records", "bad_subquery", lambda m: {"name": m["name"]}),
        (r"(?P<name>\S+) truncated: (?P<read>\S+) of (?P<total>\S+) records read", "truncated_subquery",
         lambda m: {"name": m["name"], "read": m["read"], "total": m["total"]}),
        (r"'(?P<field>\w+)'", "missing_field", lambda m: {"field": m["field"]}),
        (r"annual revenue: amount (?P<value>.*) is not a number", "bad_annual_revenue",
         lambda m: {"value": _unquote(m["value"])}),
        (r"amount (?P<value>.*) is not a number", "bad_amount", lambda m: {"value": _unquote(m["value"])}),
        (r"(?P<field>\w+): amount (?P<value>.*) is not a number", "bad_home_amount",
         lambda m: {"field": m["field"], "value": _unquote(m["value"])}),
        (r"(?P<object>meeting|call) has no start time \((?P<fields>.*) empty\)", "no_start_time",
         lambda m: {"object": m["object"], "fields": m["fields"].replace(" and ", ", ")}),
        (r"(?P<object>e-mail) has no timestamp \((?P<fields>.*) empty\)", "no_start_time",
         lambda m: {"object": m["object"], "fields": m["fields"].replace(" and ", ", ")}),
        (r"(?P<object>task) has no due date \((?P<fields>.*) empty\)", "no_start_time",
         lambda m: {"object": m["object"], "fields": m["fields"].replace(" and ", ", ")}),
        (r"(?P<what>meeting outcome|call status|call disposition|e-mail status|task status) (?P<value>.*) is not in "
         r"the mapping \((?P<key>.*)\)", "unmapped_status",
         lambda m: {"what": _STATUS_OF[m["what"]], "value": _unquote(m["value"]), "key": m["key"]}),
        (r"pipeline (?P<value>.*) is unknown or not read by the mapping", "unknown_pipeline",
         lambda m: {"pipeline": _unquote(m["value"])}),
        (r"stage (?P<value>.*) is not a stage of pipeline (?P<pipeline>'[^']*'): "
         r"(?:it belongs to pipeline (?P<home>.*)|no pipeline has it)", "unknown_stage",
         lambda m: {"stage": _unquote(m["value"]), "pipeline": _unquote(m["pipeline"]),
                    "home": _unquote(m["home"]) if m["home"] else ""}),
        (r"(?P<what>meeting|call|e-mail|task|deal) associated with contacts? (?P<who>.*) only: associate it with a "
         r"company \((?:the contact has no|none of them has a) primary company\)", "contact_only",
         lambda m: {"object": m["what"], "contacts": m["who"]}),
        # sf_unplaced's English (a text passed on with no code, a digest's alert: read back, so worded in French)
        (r"Event is private: a private event cannot be related to an account or a contact; untick Private and relate "
         r"it to the account \(Related To\)", "sf_unplaced", lambda m: {"object": "Event", "why": "private",
                                                                        "related": ""}),
        (r"(?P<object>Event|Task) is related to (?:case|record) (?P<related>\S+) and to no contact: Salesforce takes "
         r"the account of such an? (?:event|task) from its contact \(Name\); add a contact of the account in Name, or "
         r"relate it to the account \(Related To\)", "sf_unplaced",
         lambda m: {"object": m["object"], "why": "what", "related": m["related"]}),
        (r"(?P<object>Event|Task) is related to contact (?P<related>\S+), who has no account: put the contact on an "
         r"account, or relate it to the account \(Related To\)", "sf_unplaced",
         lambda m: {"object": m["object"], "why": "who", "related": m["related"]}),
        (r"(?P<object>Event|Task) is related to no account, contact or record: relate it to the account \(Related To\) "
         r"or to a contact of the account \(Name\)", "sf_unplaced",
         lambda m: {"object": m["object"], "why": "none", "related": ""}),
    ))


def read_reason(reason: str, code: str = "", values: Values = ()) -> tuple[str, Values] | None:
    """A connector reason's code and values: as given (a rejection made with them), else read from a stored text of
    an older pac (``LEGACY``); None for an engine set-aside or a text no code reads."""
    if code:
        return (code, values) if code in CODES else None
    for pattern, legacy_code, read in LEGACY:
        if found := pattern.fullmatch(reason):
            return legacy_code, reason_values(legacy_code, read(found))
    return None


def engine_rule(reason: str, code: str = "", values: Values = ()) -> str | None:
    """The engine's rule a stored rejection is a set-aside of, in its words (``no_account: …``) or in its
    connector's (``WORDED_RULES``); None for a connector's own rejection."""
    found = reason_code(reason, code, values)
    return found if found in ENGINE_RULES else WORDED_RULES.get(found)


def reason_code(reason: str, code: str = "", values: Values = ()) -> str:
    """A rejection's stable code: the engine's rule (``no_account``), a connector's code (``bad_date``), else
    ``other``. The same in every language."""
    rule = reason.split(": ", 1)[0].strip()
    if not code and rule in ENGINE_RULES:
        return rule
    read = read_reason(reason, code, values)
    return read[0] if read is not None else "other"


def reason_head(reason: str) -> str:
    """A text's head, what rejections of no code are told apart by: ``no_account: the activity has no account`` ->
    ``no_account``."""
    return reason.split(": ", 1)[0].strip() or reason


def reason_key(reason: str, code: str = "", values: Values = ()) -> tuple[str, ...]:
    """What tells apart two rejections of one record, from one run to the next: the engine's rule; a connector's
    code and the values of its ``identity`` (a Python error's words: their head, as a text of no code); else the
    text's head."""
    if not code and reason_head(reason) in ENGINE_RULES:
        return (reason_head(reason),)
    read = read_reason(reason, code, values)
    if read is None:
        return ("", reason_head(reason))
    found, kept = read
    given = dict(kept)
    if found == "unreadable_record":
        return ("", reason_head(given["detail"]))
    return (found, *(given[name] for name in CODES[found].identity))


def reason_group(reason: str, code: str = "", values: Values = ()) -> str:
    """A rejection's group in ``pac status`` and ``pac sync``, in English for ops: the engine's rule, else the head
    of the English words made from the connector's code (the stored text's head when no code reads it)."""
    read = None if not code and reason_head(reason) in ENGINE_RULES else read_reason(reason, code, values)
    return reason_head(english(*read) if read is not None else reason)
