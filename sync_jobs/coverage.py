"""Actions that none of their plan's connectors can measure: an action counting an activity type that no connector's
mapping reads records as (e-mails on a HubSpot-only plan) stays at 0 whatever the reps do, late and at risk with
nothing to fix in the CRM. ``pac config check`` (settings), ``pac plan check`` (a plan the settings name) and
``pac sync`` warn of each, naming the action, the type and the connectors, and saying what to do. A warning, never a
failure: the plan is valid, and the action may be measured later (a mapping changed, a connector added)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from connectors.hubspot import mapping as hubspot_mapping
from connectors.salesforce import mapping as salesforce_mapping
from pac_config.loader import Document, load_yaml
from pac_config.settings import load_settings
from pac_core.errors import InvalidInput
from pac_core.plan import Plan

# the mapping parsers by CRM (the mapping modules only: `pac plan check` does not load the CRM clients)
_PARSERS: dict[str, Callable[[Document], tuple[Any, list[Any]]]] = {
    "hubspot": hubspot_mapping.parse_mapping, "salesforce": salesforce_mapping.parse_mapping}


def _types_read(connectors: Sequence[tuple[str, str, Any]]) -> dict[str, frozenset[Any]] | None:
    """The activity types each connector's mapping reads; None when there is no connector, or a mapping cannot tell
    its types (no ``activity_types``: taken to read every one, so nothing is warned of)."""
    if not connectors or any(not hasattr(m, "activity_types") for _, _, m in connectors):
        return None
    return {name: frozenset(m.activity_types()) for name, _, m in connectors}


def _warning(action: Any, why: str, fixers: Sequence[tuple[str, str, Any]]) -> str:
    kind = action.activity_type
    fixes = "; ".join(f"{name}: {m.activity_type_fix(kind)}" for name, _, m in fixers)
    return (f"action {action.id} counts {kind.value!r} activities, {why}: it will stay at 0 whatever is done. "
            f"To measure it: {fixes}; or count another activity")


def unmeasured(plan: Plan, connectors: Sequence[tuple[str, str, Any]]) -> list[str]:
    """One warning per action whose activity type none of ``connectors`` ((name, crm, mapping) of each connector
    of the plan) reads. A mapping that cannot tell its types (no ``activity_types``) is taken to read every one."""
    types = _types_read(connectors)
    if types is None:
        return []
    readable = frozenset().union(*types.values())
    names = ", ".join(f"{name} ({crm})" for name, crm, _ in connectors)
    return [_warning(action, f"which none of the plan's connectors reads ({names})", connectors)
            for action in plan.actions if action.activity_type not in readable]


def unmeasured_for_owners(plan: Plan, connectors: Sequence[tuple[str, str, Any]],
                          users_of: Mapping[str, set[str]]) -> list[str]:
    """One warning per action that some connector of the plan measures, but none of those its owner works in (is
    a user of): a rep who is a HubSpot user only, with an action counting activities only the Salesforce mapping
    reads, stays at 0 (their records are in HubSpot). Actions whose owner is a user of no connector are left to
    the other warnings (an unknown owner)."""
    types = _types_read(connectors)
    if types is None:
        return []
    readable = frozenset().union(*types.values())
    out = []
    for action in plan.actions:
        kind, who = action.activity_type, action.who.lower()
        homes = [(name, crm, m) for name, crm, m in connectors if who in users_of.get(name, set())]
        if kind not in readable or not homes or any(kind in types[name] for name, _, _ in homes):
            continue
        where = ", ".join(f"{name} ({crm})" for name, crm, _ in homes)
        out.append(_warning(action, f"but its owner {action.who} works only in {where}, which does not read them",
                            homes))
    return out


def connector_mappings(connectors: Sequence[tuple[str, Any]]) -> list[tuple[str, str, Any]]:
    """(name, crm, mapping) of built connectors ((name, connector)), for ``unmeasured``."""
    return [(name, str(getattr(c, "crm", "")), getattr(c, "mapping", None)) for name, c in connectors]


def settings_warnings(plan: Plan, plan_file: Path, settings_path: Path | None) -> list[str]:
    """``pac plan check``: the warnings for ``plan`` when the settings (``settings_path``) name its file, with the
    mappings of that entry's connectors; nothing when they do not, or cannot be read (the plan check is about the
    plan: ``pac config check`` reports the settings' own problems)."""
    if settings_path is None or not settings_path.is_file():
        return []
    try:
        settings = load_settings(settings_path, env={})
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
        return list(dict.fromkeys(out))
    except (InvalidInput, OSError, LookupError):
        return []
