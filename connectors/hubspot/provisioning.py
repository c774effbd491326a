"""``pac crm check|provision hubspot``: what the portal lacks, and creating it idempotently.

Checked: every property the mapping reads; the "PAC" property group and properties on companies and deals;
the custom objects ``pac_axis`` / ``pac_action`` with their properties and a unique ``pac_key``, and the
association definition between them (each action linked to its axis); or, in fallback mode, the PAC
properties on tasks with a ``pac_key`` that is not unique (``schema.TASK_PROPS``: a task's uniqueness is not
asked of HubSpot; a portal whose tasks' ``pac_key`` an older pac made unique keeps it, and works the same).
Provisioning creates only the PAC group, PAC properties, custom object schemas and that association; properties
the mapping reads are the portal's own and are reported, never created. A second provisioning run does nothing.

Labels people read (object names, property labels, option labels) are written in the plan's language
(``connector.labels_language``: "fr" or "en", set by ``pac crm provision``); internal names and option
values never change. Provisioning in another language relabels what pac created (``PATCH`` of the property
and of the schema's labels), so a portal first provisioned in English reads French afterwards.
"""

from __future__ import annotations

from typing import Any, Protocol

from connectors.base import SchemaError, SchemaIssue
from connectors.hubspot.mapping import HubSpotMapping
from connectors.hubspot.schema import (
    COMPANY_PROPS,
    DEAL_PROPS,
    KEY,
    TASK_PROPS,
    Prop,
    association_name,
    custom_objects,
)
from connectors.hubspot.transport import Conflict, HubSpotTransport


class Portal(Protocol):
    """What provisioning needs of the HubSpot connector (its portal metadata, mapping and transport)."""

    mapping: HubSpotMapping
    transport: HubSpotTransport
    labels_language: str

    def fallback(self) -> bool: ...

    def object_type(self, name: str) -> str | None: ...

    def custom_schemas(self) -> dict[str, dict[str, Any]] | None: ...

    def property_names(self, object_type: str) -> set[str]: ...

    def property_definitions(self, object_type: str) -> dict[str, dict[str, Any]]: ...

    def forget_properties(self) -> None: ...


PROVISION = "run `pac crm provision hubspot`"
OPTIONS_FIX = f"{PROVISION} (it adds the missing options, values unchanged)"
GROUPED = ("companies", "deals", "tasks")      # standard objects that get the PAC property group


def _lang(connector: Portal) -> str:
    return connector.labels_language or "en"


def _wanted(connector: Portal) -> list[tuple[str, str, list[Prop]]]:
    """(object type id, display name, PAC properties it needs) for existing objects."""
    wanted: list[tuple[str, str, list[Prop]]] = [("companies", "companies", list(COMPANY_PROPS.values()))]
    if connector.fallback():
        # the deals' pac_axes and pac_target are written in this layout only (``writeback._write_deals``): with custom
        # objects they were made and stayed empty for good (audit hshand3, decided 7 Dec 2026: writing them there too
        # would stamp every deal of a changed company, which the next night then reads again)
        wanted.append(("deals", "deals", list(DEAL_PROPS.values())))
        wanted.append(("tasks", "tasks", list(TASK_PROPS.values())))
    else:
        w = connector.mapping.writeback
        for obj in custom_objects(w.axis_object, w.action_object):
            type_id = connector.object_type(obj.name)
            if type_id:
                wanted.append((type_id, obj.name, list(obj.props.values())))
    return wanted


def action_axis_association(connector: Portal) -> tuple[str, str, bool] | None:
    """(action type id, axis type id, defined?) once both custom objects exist; None before."""
    w = connector.mapping.writeback
    schemas = connector.custom_schemas() or {}
    action, axis = schemas.get(w.action_object), schemas.get(w.axis_object)
    if not action or not axis:
        return None
    pair = {action["objectTypeId"], axis["objectTypeId"]}
    defined = any({a.get("fromObjectTypeId"), a.get("toObjectTypeId")} == pair
                  for schema in (action, axis) for a in schema.get("associations") or [])
    return action["objectTypeId"], axis["objectTypeId"], defined


def check(connector: Portal) -> list[SchemaIssue]:
    issues: list[SchemaIssue] = []
    for object_type, props in connector.mapping.read_properties().items():
        known = connector.property_names(object_type)
        for prop in props:
            if prop not in known:
                issues.append(SchemaIssue(object_type, prop, "the mapping reads a property the portal lacks",
                                          "fix the property name in the HubSpot mapping", by_provisioning=False))
    if not connector.fallback():
        w = connector.mapping.writeback
        for obj in custom_objects(w.axis_object, w.action_object):
            if connector.object_type(obj.name) is None:
                issues.append(SchemaIssue(obj.name, None, "custom object missing", PROVISION))
        link = action_axis_association(connector)
        if link is not None and not link[2]:
            issues.append(SchemaIssue(w.action_object, None, f"no association definition with {w.axis_object} "
                                      "(each action linked to its axis)", PROVISION))
    group = connector.mapping.writeback.group
    for object_type, display, wanted in _wanted(connector):
        defs = connector.property_definitions(object_type)
        for pac_prop in wanted:
            if pac_prop.name not in defs:
                issues.append(SchemaIssue(display, pac_prop.name, "PAC property missing", PROVISION))
            elif (unwritable := unwritable_property(pac_prop, defs[pac_prop.name])) is not None:
                issues.append(SchemaIssue(display, pac_prop.name, unwritable, REDEFINE, by_provisioning=False))
            elif (lacking := missing_options(pac_prop, defs[pac_prop.name], _lang(connector))) is not None:
                issues.append(SchemaIssue(display, pac_prop.name, lacking, OPTIONS_FIX))
        if object_type in GROUPED and not _has_group(connector, object_type, group):
            issues.append(SchemaIssue(display, None, f"property group {group!r} missing", PROVISION))
    return issues


REDEFINE = "delete it in Settings > Properties (its values are pac's to write), then run pac crm provision hubspot"


def unwritable_property(prop: Prop, definition: dict[str, Any]) -> str | None:
    """Why the portal's property of a PAC property's name cannot hold what pac writes (audit ops), else None: a
    calculated or read-only one (``calculated``, ``modificationMetadata.readOnlyValue``: an admin's or another app's
    property of that name) refuses every value; one of another type (a number where pac writes a checkbox) refuses or
    mangles them. Provisioning sees the name there and creates nothing: only deleting it lets pac create its own.
    Compared with the properties read the check makes anyway: no call of its own."""
    meta = definition.get("modificationMetadata")
    if definition.get("calculated") or (isinstance(meta, dict) and meta.get("readOnlyValue")):
        return (f"{prop.name} is a calculated (read-only) property in this portal: HubSpot refuses every value pac "
                "writes")
    kind = definition.get("type")
    if kind and kind != prop.type:
        return f"{prop.name} is a {kind} property in this portal; pac writes a {prop.type} ({prop.field_type})"
    return None


def missing_options(prop: Prop, definition: dict[str, Any], lang: str = "en") -> str | None:
    """What a PAC dropdown of the portal (``definition``, as the properties API gives it, with its ``options``)
    lacks of the option values pac writes: HubSpot refuses a write of any other value, as on a portal provisioned
    before pac wrote it (``pac_pace`` = ``removed``, 5 Dec 2026). None when it has them all. Compared with the
    properties read the check makes anyway: no call of its own."""
    if not prop.options:
        return None
    have = {str(o.get("value")) for o in definition.get("options") or [] if isinstance(o, dict)}
    missing = [o for o in prop.options if o not in have]
    if not missing:
        return None
    labels = {o["value"]: o["label"] for o in prop.option_bodies(lang)}
    listed = ", ".join(f"{v!r} ({labels[v]})" for v in missing)
    return (f"{prop.name} lacks the option{'s' if len(missing) > 1 else ''} {listed}, which pac writes: HubSpot "
            f"refuses {'them' if len(missing) > 1 else 'it'}")


def _has_group(connector: Portal, object_type: str, group: str) -> bool:
    reply = connector.transport.call(f"groups.{object_type}", "groups", "get_all", object_type)
    return any(g.get("name") == group for g in reply.data.get("results") or [])


def provision(connector: Portal) -> list[str]:
    done: list[str] = []
    w = connector.mapping.writeback
    lang = _lang(connector)
    if not connector.fallback():
        for obj in custom_objects(w.axis_object, w.action_object):
            if connector.object_type(obj.name) is None:
                try:
                    connector.transport.call("schemas.create", "schemas", "create", obj.create_body(w.group, lang))
                    done.append(f"created custom object {obj.name} ({len(obj.props)} properties, unique {KEY})")
                except Conflict:
                    pass
        connector.forget_properties()
        done += _link_actions_to_axes(connector)
        done += _relabel_objects(connector, lang)
    for object_type, display, props in _wanted(connector):
        if object_type in GROUPED and not _has_group(connector, object_type, w.group):
            try:
                connector.transport.call(f"groups.create.{object_type}", "groups", "create", object_type,
                                         {"name": w.group, "label": w.group_label, "displayOrder": -1})
                done.append(f"created property group {w.group} on {display}")
            except Conflict:
                pass
        known = connector.property_names(object_type)
        missing = [p for p in props if p.name not in known]
        if missing:
            group = w.group if object_type in GROUPED else _group_of(connector, object_type, w.group)
            body = {"inputs": [p.create_body(group, lang) for p in missing]}
            reply = connector.transport.call(f"properties.create.{object_type}", "properties.batch", "create",
                                             object_type, body)
            refused = (reply.data.get("errors") or []) if isinstance(reply.data, dict) else []
            if refused:     # a 207: some inputs created, others not (each error names its property)
                raise SchemaError(f"HubSpot refused to create properties on {display}: "
                                  + "; ".join(f"{e.get('message')}" for e in refused))
            done.append(f"created {len(missing)} properties on {display}: {', '.join(p.name for p in missing)}")
        done += _relabel_properties(connector, object_type, display, [p for p in props if p not in missing], lang)
    connector.forget_properties()
    return done


def _group_of(connector: Portal, object_type: str, default: str) -> str:
    """The property group of a custom object's PAC properties: the one its schema created them in (its own
    information group: the PAC group exists on companies, deals and tasks only), so a property added to a portal
    provisioned by an older pac joins its siblings and is accepted."""
    key = connector.property_definitions(object_type).get(KEY) or {}
    return str(key.get("groupName") or default)


def _link_actions_to_axes(connector: Portal) -> list[str]:
    """The association definition pac_action -> pac_axis (``POST /crm-object-schemas/v3/schemas/{type}/
    associations``), so each action record shows its axis and each axis its actions."""
    link = action_axis_association(connector)
    if link is None or link[2]:
        return []
    action_type, axis_type, _ = link
    w = connector.mapping.writeback
    body = {"fromObjectTypeId": action_type, "toObjectTypeId": axis_type,
            "name": association_name(w.action_object, w.axis_object)}
    try:
        connector.transport.call("schemas.associations.create", "schemas", "create_association", action_type, body)
    except Conflict:
        return []
    connector.forget_properties()
    return [f"created the association {w.action_object} -> {w.axis_object} (each action linked to its axis)"]


def _relabel_objects(connector: Portal, lang: str) -> list[str]:
    w = connector.mapping.writeback
    done = []
    for obj in custom_objects(w.axis_object, w.action_object):
        schema = (connector.custom_schemas() or {}).get(obj.name)
        if schema is None:
            continue
        wanted = obj.labels_in(lang)
        if {k: (schema.get("labels") or {}).get(k) for k in wanted} != wanted:
            connector.transport.call(f"schemas.update.{obj.name}", "schemas", "update", schema["objectTypeId"],
                                     {"labels": wanted})
            done.append(f"labelled custom object {obj.name} in {lang}: {wanted['singular']} / {wanted['plural']}")
    if done:
        connector.forget_properties()
    return done


def _relabel_properties(connector: Portal, object_type: str, display: str, props: list[Prop],
                        lang: str) -> list[str]:
    """PATCH the label and option labels of PAC properties written in another language (values unchanged)."""
    if not props:
        return []
    reply = connector.transport.call(f"properties.{object_type}", "properties", "get_all", object_type)
    existing: dict[str, dict[str, Any]] = {p["name"]: p for p in reply.data.get("results") or []}
    changed = []
    for prop in props:
        body = prop.relabel_body(existing.get(prop.name) or {}, lang) if prop.name in existing else None
        if body:
            connector.transport.call(f"properties.update.{object_type}", "properties", "update", object_type,
                                     prop.name, body)
            changed.append(prop.name)
    return [f"labelled {len(changed)} properties on {display} in {lang}: {', '.join(changed)}"] if changed else []
