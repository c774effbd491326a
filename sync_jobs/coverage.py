"""Owners and actions the plan's connectors cannot measure.

Actions that none of their plan's connectors can measure: an action counting an activity type that no connector's
mapping reads records as (e-mails on a HubSpot-only plan) stays at 0 whatever the reps do, late and at risk with
nothing to fix in the CRM. ``pac config check`` (settings), ``pac plan check`` (a plan the settings name) and
``pac sync`` warn of each, naming the action, the type and the connectors, and saying what to do. A warning, never a
failure: the plan is valid, and the action may be measured later (a mapping changed, a connector added).

People the connectors do not know (``unknown_owners``): an e-mail the plan names people by that is a user of none
of the plan's connectors (a rep's e-mail changed in the CRM, a typo, someone with no CRM user) counts nothing;
``pac sync`` warns of each (it reads the users; ``pac plan check`` and ``pac config check`` read none)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from connectors.base import PicklistLabels, ProductRename
from connectors.hubspot import mapping as hubspot_mapping
from connectors.salesforce import mapping as salesforce_mapping
from pac_config.loader import Document, format_path, load_yaml
from pac_config.settings import Settings, load_settings
from pac_core.errors import InvalidInput, Problem
from pac_core.people import Remembered, Reused, remembered, reused
from pac_core.plan import Plan
from pac_core.plan_warnings import PlanWarning
from pac_core.records import User
from pac_core.text import fold_value

# the mapping parsers by CRM (the mapping modules only: `pac plan check` does not load the CRM clients)
_PARSERS: dict[str, Callable[[Document], tuple[Any, list[Any]]]] = {
    "hubspot": hubspot_mapping.parse_mapping, "salesforce": salesforce_mapping.parse_mapping}


def _types_read(connectors: Sequence[tuple[str, str, Any]]) -> dict[str, frozenset[Any]] | None:
    """The activity types each connector's mapping reads; None when there is no connector, or a mapping cannot tell
    its types (no ``activity_types``: taken to read every one, so nothing is warned of)."""
    if not connectors or any(not hasattr(m, "activity_types") for _, _, m in connectors):
        return None
    return {name: frozenset(m.activity_types()) for name, _, m in connectors}


def _warning(action: Any, connectors: Sequence[tuple[str, str, Any]], owner: str | None = None) -> PlanWarning:
    """``unmeasured_action`` (``pac_core.plan_warnings``): the action, its type, the connectors that do not read it
    (``owner``: those its owner works in), and what each one's mapping says to do."""
    kind = action.activity_type
    return PlanWarning("unmeasured_action", {
        "action": action.id, "kind": kind.value, "owner": owner, "connectors": [[n, crm] for n, crm, _ in connectors],
        "fixes": [[name, m.activity_type_fix(kind), m.activity_type_fix(kind, "fr")] for name, _, m in connectors]})


def unmeasured(plan: Plan, connectors: Sequence[tuple[str, str, Any]]) -> list[PlanWarning]:
    """One warning per action whose activity type none of ``connectors`` ((name, crm, mapping) of each connector
    of the plan) reads. A mapping that cannot tell its types (no ``activity_types``) is taken to read every one."""
    types = _types_read(connectors)
    if types is None:
        return []
    readable = frozenset().union(*types.values())
    return [_warning(action, connectors) for action in plan.actions if action.activity_type not in readable]


def unmeasured_for_owners(plan: Plan, connectors: Sequence[tuple[str, str, Any]],
                          users_of: Mapping[str, set[str]]) -> list[PlanWarning]:
    """One warning per action that some connector of the plan measures, but none of those its owner works in (is
    a user of): a rep who is a HubSpot user only, with an action counting activities only the Salesforce mapping
    reads, stays at 0 (their records are in HubSpot). Actions whose owner is a user of no connector are left to
    ``unknown_owners``."""
    types = _types_read(connectors)
    if types is None:
        return []
    readable = frozenset().union(*types.values())
    out = []
    for action in plan.actions:
        kind, emails = action.activity_type, plan.emails_of(action.who)
        homes = [(name, crm, m) for name, crm, m in connectors if not emails.isdisjoint(users_of.get(name, set()))]
        if kind not in readable or not homes or any(kind in types[name] for name, _, _ in homes):
            continue
        out.append(_warning(action, homes, owner=action.who))
    return out


def never_read(plan: Plan, connectors: Sequence[tuple[str, str, Any]], present: Mapping[str, frozenset[Any]],
               when: datetime, warned: frozenset[str] = frozenset()) -> list[PlanWarning]:
    """One warning per activity type the plan's actions count that some connector's mapping reads, of which the
    store holds no activity from any of the plan's connectors (``present``: per connector, the types of the
    activities the store holds, deleted ones included), once an action counting it has begun (``when``): after a
    full read of two years, a type nobody ever logged while an action counts it is most likely a mapping rule that
    matches none of the CRM's values (a picklist value misspelt, a HubSpot meeting type renamed), which ``pac config
    check --online`` names and the night cannot (it asks no describe: audit opsmap, cases 08 and 09). A type only
    actions still to come count (a practice the plan starts in the autumn) is not warned of. Types no connector
    reads are ``unmeasured``'s, and actions already warned of as unmeasured for their owner (``warned``) are left
    out; one warning per type, naming its begun actions. Costs no call: the store's activities are loaded for the
    evaluation anyway."""
    types = _types_read(connectors)
    if types is None:
        return []
    seen = frozenset().union(*(present.get(name, frozenset()) for name, _, _ in connectors))
    counted: dict[Any, list[str]] = {}
    for action in plan.actions:
        if action.window.start <= when and action.id not in warned:
            counted.setdefault(action.activity_type, []).append(action.id)
    out = []
    for kind, actions in counted.items():
        readers = [(name, crm) for name, crm, _ in connectors if kind in types[name]]
        if readers and kind not in seen:
            out.append(PlanWarning("never_read", {"kind": kind.value, "actions": actions,
                                                  "connectors": [list(r) for r in readers]}))
    return out


def _custom_mapped(mapping: Any) -> frozenset[str] | None:
    """The custom account attributes a mapping defines (Salesforce ``accounts.custom``, HubSpot
    ``companies.custom``); None for a mapping that has neither (taken to define every one)."""
    section = getattr(mapping, "accounts", None) or getattr(mapping, "companies", None)
    custom = getattr(section, "custom", None)
    return frozenset(custom) if isinstance(custom, Mapping) else None


_CUSTOM_SECTION = {"salesforce": ("accounts.custom", "Account field"), "hubspot": ("companies.custom", "property")}


def unmapped_custom(plan: Plan, plan_file: Path | None, connectors: Sequence[tuple[str, str, Any]]
                    ) -> list[tuple[bool, Problem]]:
    """Each scope condition on a custom attribute (``custom.<name>``) that some of the plan's ``connectors``
    ((name, crm, mapping)) do not map, located in ``plan_file``: (True, problem) when none maps it (no account can
    ever be in the scope: the action or axis stays at 0, silently), (False, problem) when only some do (their
    accounts alone can match). ``pac config check`` refuses the first, ``pac plan check`` and ``pac sync`` warn of
    both."""
    mapped = {name: _custom_mapped(m) for name, _, m in connectors}
    if not connectors or any(v is None for v in mapped.values()):
        return []
    doc = _plan_doc(plan_file)
    out: list[tuple[bool, Problem]] = []
    for at, scope in _scopes(plan):
        for field in dict.fromkeys(c.field for c in scope.conditions if c.field.startswith("custom.")):
            name = field.removeprefix("custom.")
            lacking = [(n, crm) for n, crm, _ in connectors if name not in (mapped[n] or ())]
            if not lacking:
                continue
            path = (*at, field)
            line = doc.line(path) if doc is not None else None
            fixes = "; ".join(f"map it in {n}'s mapping: `{_CUSTOM_SECTION.get(crm, ('custom', 'field'))[0]}: "
                              f"{{{name}: <{_CUSTOM_SECTION.get(crm, ('custom', 'field'))[1]}>}}`"
                              for n, crm in lacking)
            none = len(lacking) == len(connectors)
            which = ", ".join(f"{n} ({crm})" for n, crm in lacking)
            why = (f"no mapping of the plan's connectors ({which}) defines the custom attribute {name!r}: no account "
                   "can match this scope, so what it counts stays at 0" if none else
                   f"{which} does not map the custom attribute {name!r}: its accounts never match this scope")
            out.append((none, Problem(format_path(path), why, fixes, file=str(plan_file) if plan_file else None,
                                      line=line)))
    return out


def _scopes(plan: Plan) -> list[tuple[tuple[str | int, ...], Any]]:
    """Each scope of the plan with its key path in the plan file (segments, axes, actions)."""
    return [*((("segments", i, "scope"), s.scope) for i, s in enumerate(plan.segments)),
            *((("axes", i, "scope"), a.scope) for i, a in enumerate(plan.axes)),
            *((("actions", i, "what", "scope"), a.scope) for i, a in enumerate(plan.actions))]


def product_values(plan: Plan) -> list[str]:
    """The values the plan's scopes name products by SKU or name (``product_code``, ``product``), each once, in plan
    order: what a connector whose lines keep the name they were sold under looks up (``NamesProducts``)."""
    out: dict[str, None] = {}
    for _at, scope in _scopes(plan):
        for c in scope.conditions:
            if c.field in ("product_code", "product"):
                out.update(dict.fromkeys(v for v in c.values if isinstance(v, str)))
    return list(out)


def relabel_warnings(plans: Sequence[tuple[Plan, Path | None]], connector: str, crm: str, mapping: Any,
                     kept: PicklistLabels, seen: PicklistLabels) -> list[PlanWarning]:
    """One warning per picklist value a CRM shows under a new label since the last night that read the labels (a
    relabel in Salesforce Setup, a HubSpot option's label edited): the field, the old label -> the new one, that
    this night read the accounts again in full (``Connector.reading``: every stored account holds the new label),
    and the scope values of ``plans`` ((plan, its file): those reading through ``connector``) that named the old
    label and now match no label (file, line, key path), with the fix. The values matching no label at all, however
    they came to be, are ``pac config check --online``'s (``mapping.label_notes``): the warning sends there rather
    than repeat it."""
    changes = kept.relabelled(seen)
    family = kept.family_relabelled(seen)
    if not changes and not family:
        return []
    keyed = mapping.labelled() if hasattr(mapping, "labelled") else {}
    docs: dict[Path, Document | None] = {}
    for _, plan_file in plans:
        if plan_file is not None and plan_file not in docs:
            try:
                docs[plan_file] = load_yaml(plan_file)
            except (InvalidInput, OSError):
                docs[plan_file] = None
    out: list[PlanWarning] = []
    relabels = [(field, value, old, new, False) for field, value, old, new in changes]
    relabels += [(field, value, old, new, True) for field, value, old, new in family]
    for field, value, old, new, of_family in relabels:
        # the lines' family (audit sffamily F1) is tested by product_family, and by product (which also matches a
        # code or a name: a value naming the old label that is a code or name still matches those)
        scope_fields = {"product_family", "product"} if of_family else {
            key.split(".", 1)[1] for key, f in keyed.items() if f == field}
        shown = (seen.family if of_family and seen.family is not None else seen).labels
        labels = {fold_value(label) for label in (shown.get(field) or {}).values()}
        stale: list[str] = []
        for plan, plan_file in plans:
            doc = docs.get(plan_file) if plan_file is not None else None
            for at, scope in _scopes(plan):
                for c in scope.conditions:
                    for v in c.values if c.field in scope_fields else ():
                        if isinstance(v, str) and fold_value(v) == fold_value(old) and fold_value(v) not in labels:
                            path = (*at, *c.field.split("."))
                            line = doc.line(path) if doc is not None else None
                            where = f"{plan_file}:{line}" if line else str(plan_file or plan.id)
                            stale.append(f"{where} {format_path(path)}: {v!r}")
        out.append(PlanWarning("relabelled", {"connector": connector, "crm": crm, "field": field, "value": value,
                                              "old": old, "new": new, "family": of_family, "stale": stale}))
    return out


# the plan's scope fields that match a line key (``revenue._line_values``)
_LINE_FIELDS = {"code": ("product_code", "product"), "name": ("product",), "family": ("product_family", "product")}


def rename_warnings(plans: Sequence[tuple[Plan, Path | None]], connector: str, crm: str,
                    renames: Sequence[ProductRename]) -> list[PlanWarning]:
    """One warning per product value the deals read again tonight for an edited product no longer hold
    (``RenamesProducts``: a Salesforce Product2's code, name or family edited, which moves no opportunity) that a
    scope of ``plans`` names (``product_code``, ``product_family`` or ``product``): the old value -> the new one(s),
    and the plan values (file, line, key path) now matching none of those lines, with the fix. A rename no plan scope
    names is not warned of (the figures of no axis move). Audit products, 6 Dec 2026: before, a product axis on the
    old code fell to 0 the next morning with no word."""
    docs: dict[Path, Document | None] = {}
    out: list[PlanWarning] = []
    for rename in renames:
        fields = _LINE_FIELDS.get(rename.field, ("product",))
        stale: list[str] = []
        for plan, plan_file in plans:
            if plan_file is not None and plan_file not in docs:
                try:
                    docs[plan_file] = load_yaml(plan_file)
                except (InvalidInput, OSError):
                    docs[plan_file] = None
            doc = docs.get(plan_file) if plan_file is not None else None
            for at, scope in _scopes(plan):
                for c in scope.conditions:
                    for v in c.values if c.field in fields else ():
                        if isinstance(v, str) and fold_value(v) == fold_value(rename.old):
                            path = (*at, *c.field.split("."))
                            line = doc.line(path) if doc is not None else None
                            where = f"{plan_file}:{line}" if line else str(plan_file or plan.id)
                            stale.append(f"{where} {format_path(path)}: {v!r}")
        if not stale:
            continue
        out.append(PlanWarning("renamed_product", {
            "connector": connector, "crm": crm, "field": rename.field, "old": rename.old, "new": list(rename.new),
            "deals": rename.deals, "library": bool(rename.library), "stale": stale}))
    return out


_OWNER_FIELDS = ("owner", "deal_owner")   # the scope conditions naming people (account_owner is "owner")


def _plan_emails(plan: Plan) -> dict[str, list[tuple[tuple[str | int, ...], str, str]]]:
    """Each e-mail the plan names people by -> where: (key path in the file, the item's id, what it decides:
    "people", "action", "revenue")."""
    out: dict[str, list[tuple[tuple[str | int, ...], str, str]]] = {}
    for i, person in enumerate(plan.people):
        out.setdefault(person.email, []).append((("people", i), "", "people"))
    scopes: list[tuple[tuple[str | int, ...], str, Any]] = [
        *((("segments", i, "scope"), s.id, s.scope) for i, s in enumerate(plan.segments)),
        *((("axes", i, "scope"), a.id, a.scope) for i, a in enumerate(plan.axes)),
        *((("actions", i, "what", "scope"), a.id, a.scope) for i, a in enumerate(plan.actions))]
    for i, axis in enumerate(plan.axes):
        for j, who in enumerate(axis.who):
            out.setdefault(who.lower(), []).append((("axes", i, "who", j), axis.id, "revenue"))
    for i, action in enumerate(plan.actions):
        out.setdefault(action.who.lower(), []).append((("actions", i, "who"), action.id, "action"))
    for at, ident, scope in scopes:
        for condition in scope.conditions:
            if condition.field in _OWNER_FIELDS:
                for value in condition.values:
                    if "@" in str(value):
                        out.setdefault(str(value).lower(), []).append(((*at, condition.field), ident, "revenue"))
    return out


def _located(doc: Document | None, path: tuple[str | int, ...], email: str) -> tuple[int | None, str]:
    """The line and the written key of a place ``_plan_emails`` names: a scope condition is found under the key
    the file writes it with (account_owner, propriétaire...), by its value."""
    if doc is None:
        return None, format_path(path)
    if path and path[-1] in _OWNER_FIELDS:
        node: Any = doc.data
        for part in path[:-1]:
            node = (node.get(part) if isinstance(node, dict) else
                    node[part] if isinstance(node, list) and isinstance(part, int) and part < len(node) else None)
        written = [k for k, v in node.items() if email in str(v).lower()] if isinstance(node, dict) else []
        if written:
            path = (*path[:-1], written[0])
    return doc.line(path), format_path(path)


def unknown_owners(plan: Plan, plan_file: Path, users_of: Mapping[str, set[str]], users: Sequence[User]
                   ) -> list[PlanWarning]:
    """One warning per e-mail the plan names people by (``people``, an action's or axis's ``who``, an
    ``account_owner`` / ``deal_owner`` condition; a ``people`` entry alone, owning nothing, is not warned of) that is
    a user of none of the plan's connectors (``users_of``:
    connector -> its users' lower-case e-mails), the person's ``aliases`` included: nothing of theirs can count
    (their actions stay at 0 and are written to no CRM, no deal or account is theirs). Each names the places in
    ``plan_file`` (line and key) and the fix; when a CRM user (``users``) has the same name or the same local part
    under another address, it names that user (an e-mail changed in the CRM: a domain migration). ``unknown_owner``
    (``pac_core.plan_warnings``): worded in the output's language (before 7 Dec 2026, in the plan's)."""
    known = set().union(*users_of.values()) if users_of else set()
    named = _plan_emails(plan)
    # a person listed in people who owns nothing (a director, an assistant) decides nothing: not warned every night
    unknown = [e for e, places in named.items() if known.isdisjoint(plan.emails_of(e))
               and any(kind != "people" for _, _, kind in places)]
    if not unknown:
        return []
    doc = _plan_doc(plan_file)
    identities = {e for p in plan.people for e in (p.email, *p.aliases)}
    names = {p.email: p.name for p in plan.people}
    crms = ", ".join(users_of)
    out = []
    for email in unknown:
        places = named[email]
        where = []
        for k, (path, ident, _) in enumerate(places):
            line, key = _located(doc, path, email)
            spot = (str(plan_file) if k == 0 else "") + (f":{line}" if line else "")
            where.append(f"{spot} {key}".strip() + (f" ({ident})" if ident else ""))
        ids = list(dict.fromkeys(ident for _, ident, _ in places if ident))
        kinds = {kind for _, _, kind in places}
        lookalikes = _lookalikes(email, names.get(email, ""), users, identities)
        others = dict.fromkeys(e for _, e, _ in lookalikes)
        out.append(PlanWarning("unknown_owner", {
            "ids": ids, "email": email, "crms": crms, "where": where, "kinds": sorted(kinds),
            "lookalikes": [list(found) for found in lookalikes],
            "yaml": _alias_yaml(plan, email, *others) if lookalikes else None}))
    return out


def remembered_warnings(plan: Plan, plan_file: Path, users: Sequence[User]) -> list[PlanWarning]:
    """One warning per CRM user whose e-mail changed from one the plan names to one it does not
    (``pac_core.people.remembered``): what pac does (it counts the user for the person, as an alias would) and the
    alias line to write in the plan (``remembered_email``); one per e-mail remembered for two people, nothing
    counted (``remembered_shared``). The line of the person's ``people`` entry when there is one. Worded in the
    output's language (``pac_core.plan_warnings``; before 7 Dec 2026, in the plan's)."""
    found = remembered(plan, users)
    if not found:
        return []
    doc = _plan_doc(plan_file)
    out = [PlanWarning("remembered_email", {
        "user": _user_words(r), "crm": r.source, "email": r.email, "former": r.former,
        "place": _place_of(plan, plan_file, doc, r.former), "person": r.person,
        "yaml": _alias_yaml(plan, r.person, r.email)}) for r in found if not r.ambiguous]
    ambiguous: dict[str, list[Any]] = {}
    for r in (r for r in found if r.ambiguous):
        ambiguous.setdefault(r.email, []).append(r)
    for email, rows in ambiguous.items():
        out.append(PlanWarning("remembered_shared", {
            "users": ", ".join(f"{r.source} {_user_words(r)}" for r in rows), "email": email,
            "formers": ", ".join(dict.fromkeys(r.former for r in rows))}))
    return out


def reused_warnings(plan: Plan, plan_file: Path, users: Sequence[User]) -> list[PlanWarning]:
    """One warning per CRM user whose e-mail now and a former one are two people of the plan
    (``pac_core.people.reused``: a login given to someone else): whose records they now are, and the fix
    (``reused_email``)."""
    found = reused(plan, users)
    if not found:
        return []
    doc = _plan_doc(plan_file)
    return [PlanWarning("reused_email", {"crm": r.source, "user": _user_words(r), "email": r.email,
                                         "former": r.former, "place": _place_of(plan, plan_file, doc, r.former),
                                         "person": r.person}) for r in found]


_NOTE_WORDS = {
    "fr": "Compté aussi sous {email} : l'utilisateur {user} de {crm} avait {former}, que le plan nomme (pac s'en "
          "souvient ; pour l'écrire dans le plan, sous people, à {person} : {yaml}).",
    "en": "Also counted under {email}: {crm}'s user {user} had {former}, which the plan names (pac remembers it; to "
          "write it in the plan, under people, at {person}: {yaml}).",
}


def remembered_notes(plan: Plan, users: Sequence[User], owners: Sequence[str], lang: str) -> list[str]:
    """``pac explain``'s lines for the owners of an action (``owners``: its who and former owners, as written)
    counted under an e-mail pac remembers (``pac_core.people``): which user, which e-mail it had, the alias line."""
    aliases = plan.aliases()
    people = {aliases.get(e.strip().lower(), e.strip().lower()) for e in owners}
    words = _NOTE_WORDS["fr" if lang == "fr" else "en"]
    return [words.format(email=r.email, crm=r.source, user=_user_words(r),
                         former=r.former, person=r.person, yaml=_alias_yaml(plan, r.person, r.email))
            for r in remembered(plan, users) if not r.ambiguous and r.person in people]


def _plan_doc(plan_file: Path | None) -> Document | None:
    """The plan file as YAML nodes (for the line a key stands on), or None when there is none or it cannot be read:
    the warnings then name no line."""
    try:
        return load_yaml(plan_file) if plan_file is not None else None
    except (InvalidInput, OSError):
        return None


def _user_words(r: Remembered | Reused) -> str:
    """A CRM user as the warnings name it: its id, then its name when the CRM gave one."""
    return f"{r.user_id}" + (f" ({r.name})" if r.name else "")


def _place_of(plan: Plan, plan_file: Path, doc: Document | None, email: str) -> str:
    """Where the file first names ``email`` (its ``people`` entry first): ``plan.pac.yaml:28 people[7]``."""
    places = _plan_emails(plan).get(email)
    if not places:
        return str(plan_file)
    line, key = _located(doc, places[0][0], email)
    return f"{plan_file}{f':{line}' if line else ''} {key}"


def _alias_yaml(plan: Plan, person: str, *emails: str) -> str:
    """The YAML that names ``emails`` aliases of ``person``: their ``aliases`` line with them added when they are
    in ``people``, else a ``people`` entry to add."""
    entry = next((p for p in plan.people if p.email == person), None)
    if entry is None:   # the person is named by a who alone: a people entry to add
        return f"- {{email: {person}, aliases: [{', '.join(emails)}]}}"
    return f"aliases: [{', '.join(dict.fromkeys((*entry.aliases, *emails)))}]"


def _lookalikes(email: str, name: str, users: Sequence[User], taken: set[str]) -> list[tuple[str, str, str]]:
    """(connector, e-mail, name) of the CRM users that may be the person ``email`` under another address: the
    same local part, or the same name (accents and case aside); addresses the plan already gives someone are not
    proposed."""
    local, wanted = email.split("@", 1)[0], fold_value(name) if name.strip() else None
    out: dict[tuple[str, str], str] = {}
    for user in users:
        other = (user.email or "").strip().lower()
        if not other or other in taken:
            continue
        if other.split("@", 1)[0] == local or (wanted is not None and fold_value(user.name) == wanted):
            out.setdefault((user.source, other), user.name)
    return [(c, e, n) for (c, e), n in sorted(out.items())]


def connector_mappings(connectors: Sequence[tuple[str, Any]]) -> list[tuple[str, str, Any]]:
    """(name, crm, mapping) of built connectors ((name, connector)), for ``unmeasured``."""
    return [(name, str(getattr(c, "crm", "")), getattr(c, "mapping", None)) for name, c in connectors]


def check_settings(settings_path: Path | None) -> Settings | None:
    """``pac plan check``'s settings, read once for its warnings (``settings_warnings``, ``stored_period_warning``):
    None when there are none or they cannot be read (the plan check is about the plan: ``pac config check`` reports
    the settings' own problems). Of the environment only ``PAC_DATABASE_URL`` is read (the store the sync would
    use), or the secrets file's (``PAC_SECRETS_FILE``); no other secret is needed."""
    if settings_path is None or not settings_path.is_file():
        return None
    try:
        return load_settings(settings_path, env={k: v for k, v in os.environ.items()
                                                   if k in ("PAC_DATABASE_URL", "PAC_SECRETS_FILE")})
    except (InvalidInput, OSError, LookupError):
        return None


def settings_warnings(plan: Plan, plan_file: Path, settings: Settings | None) -> list[str]:
    """``pac plan check``: the warnings for ``plan`` when the settings (``check_settings``) name its file, with the
    mappings of that entry's connectors; nothing when they do not, or cannot be read."""
    if settings is None:
        return []
    try:
        entries = [p for p in settings.plans if p.file.resolve() == plan_file.resolve()]
        out: list[str] = []
        for entry in entries:
            found = []
            for name in entry.connectors:
                cfg = settings.connector(name)
                parse = _PARSERS.get(cfg.crm)
                mapping, problems = parse(load_yaml(cfg.mapping)) if parse else (None, [])
                if mapping is None or problems:
                    return []
                found.append((name, cfg.crm, mapping))
            out += unmeasured(plan, found)
            out += [str(problem) for _, problem in unmapped_custom(plan, plan_file, found)]
        return list(dict.fromkeys(out))
    except (InvalidInput, OSError, LookupError):
        return []
