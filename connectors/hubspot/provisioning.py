"""``pac crm check|provision hubspot``: what the portal lacks, and creating it idempotently.

Checked: every property the mapping reads; the "PAC" property group and properties on companies and deals;
the custom objects ``pac_axis`` / ``pac_action`` with their properties and a unique ``pac_key`` (or, in
fallback mode, the PAC properties on tasks with a unique ``pac_key``). Provisioning creates only the
PAC group, PAC properties and custom object schemas; properties the mapping reads are the portal's
own and are reported, never created. A second provisioning run does nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from connectors.base import SchemaIssue
from connectors.hubspot.schema import COMPANY_PROPS, DEAL_PROPS, KEY, TASK_PROPS, Prop, custom_objects
from connectors.hubspot.transport import Conflict

if TYPE_CHECKING:
    from connectors.hubspot.connector import HubSpotConnector

PROVISION = "run `pac crm provision hubspot`"
GROUPED = ("companies", "deals", "tasks")      # standard objects that get the PAC property group


def _wanted(connector: HubSpotConnector) -> list[tuple[str, str, list[Prop]]]:
    """(object type id, display name, PAC properties it needs) for existing objects."""
    wanted: list[tuple[str, str, list[Prop]]] = [("companies", "companies", list(COMPANY_PROPS.values())),
                                                 ("deals", "deals", list(DEAL_PROPS.values()))]
    if connector.fallback():
        wanted.append(("tasks", "tasks", list(TASK_PROPS.values())))
    else:
        w = connector.mapping.writeback
        for obj in custom_objects(w.axis_object, w.action_object):
            type_id = connector.object_type(obj.name)
            if type_id:
                wanted.append((type_id, obj.name, list(obj.props.values())))
    return wanted


def check(connector: HubSpotConnector) -> list[SchemaIssue]:
    issues: list[SchemaIssue] = []
    for object_type, props in connector.mapping.read_properties().items():
        known = connector.property_names(object_type)
        for prop in props:
            if prop not in known:
                issues.append(SchemaIssue(object_type, prop, "the mapping reads a property the portal lacks",
                                          "fix the property name in the HubSpot mapping"))
    if not connector.fallback():
        w = connector.mapping.writeback
        for obj in custom_objects(w.axis_object, w.action_object):
            if connector.object_type(obj.name) is None:
                issues.append(SchemaIssue(obj.name, None, "custom object missing", PROVISION))
    group = connector.mapping.writeback.group
    for object_type, display, props in _wanted(connector):
        known = connector.property_names(object_type)
        for prop in props:
            if prop.name not in known:
                issues.append(SchemaIssue(display, prop.name, "PAC property missing", PROVISION))
        if object_type in GROUPED and not _has_group(connector, object_type, group):
            issues.append(SchemaIssue(display, None, f"property group {group!r} missing", PROVISION))
    return issues


def _has_group(connector: HubSpotConnector, object_type: str, group: str) -> bool:
    reply = connector.transport.call(f"groups.{object_type}", "groups", "get_all", object_type)
    return any(g.get("name") == group for g in reply.data.get("results") or [])


def provision(connector: HubSpotConnector) -> list[str]:
    done: list[str] = []
    w = connector.mapping.writeback
    if not connector.fallback():
        for obj in custom_objects(w.axis_object, w.action_object):
            if connector.object_type(obj.name) is None:
                try:
                    connector.transport.call("schemas.create", "schemas", "create", obj.create_body(w.group))
                    done.append(f"created custom object {obj.name} ({len(obj.props)} properties, unique {KEY})")
                except Conflict:
                    pass
        connector.forget_properties()
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
            body = {"inputs": [p.create_body(w.group) for p in missing]}
            connector.transport.call(f"properties.create.{object_type}", "properties.batch", "create",
                                     object_type, body)
            done.append(f"created {len(missing)} properties on {display}: {', '.join(p.name for p in missing)}")
    connector.forget_properties()
    return done
