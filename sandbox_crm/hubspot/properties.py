"""Properties, property groups and custom object schemas of the sandbox portal (``/crm/v3/properties/{type}``,
``/crm-object-schemas/v3/schemas``), after HubSpot's published OpenAPI specs: create (one or a batch), PATCH of a
custom property's label and options, schema labels PATCH and association definitions; schemas are refused (403)
on tier "starter"."""

from __future__ import annotations

import time
from typing import Any

from sandbox_crm.http import Response
from sandbox_crm.hubspot.portal import Portal
from sandbox_crm.hubspot.records import (
    DEFAULT_PROPERTIES,
    PORTAL_ID,
    Table,
    batch_body,
    error,
    input_error,
    ms_to_iso,
)

_PATCHABLE = {"label", "description", "groupName", "options", "displayOrder", "hidden", "formField", "fieldType",
              "type", "calculationFormula", "currencyPropertyName", "numberDisplayHint", "showCurrencySymbol",
              "textDisplayHint"}
_KINDS = {"string", "number", "date", "datetime", "enumeration", "bool"}
_FIELD_TYPES = {"textarea", "text", "date", "file", "number", "select", "radio", "checkbox", "booleancheckbox",
                "calculation_equation"}
STANDARD_OBJECTS = {"CONTACT": "contacts", "COMPANY": "companies", "DEAL": "deals", "TICKET": "tickets",
                    "LINE_ITEM": "line_items", "PRODUCT": "products", "TASK": "tasks", "MEETING": "meetings",
                    "CALL": "calls", "NOTE": "notes", "EMAIL": "emails"}


class Properties:
    """One object type's property definitions and groups (they live on its ``Table``)."""

    def properties(self, table: Table, rest: list[str], method: str, body: Any) -> Response:
        if rest == ["groups"]:
            if method == "GET":
                return Response(200, {"results": list(table.groups.values())})
            if not body or not body.get("name") or not body.get("label"):
                return error(400, "A property group needs name and label", "VALIDATION_ERROR")
            if body["name"] in table.groups:
                return error(409, f"A property group named '{body['name']}' already exists.", "OBJECT_ALREADY_EXISTS")
            group = {"name": body["name"], "label": body["label"], "displayOrder": body.get("displayOrder", -1),
                     "archived": False}
            table.groups[body["name"]] = group
            return Response(201, group)
        if rest == ["batch", "create"] and method == "POST":
            results, errors = [], []
            for item in (body or {}).get("inputs") or []:
                made = self.define(table, item)
                if isinstance(made, Response):
                    errors.append(input_error(made.body["category"], made.body["message"], [str(item.get("name"))]))
                else:
                    results.append(made)
            started = ms_to_iso(int(time.time() * 1000))
            return Response(207 if errors else 201, batch_body(started, results, errors))
        if rest == ["batch", "read"] and method == "POST":
            # ``POST /crm/v3/properties/{objectType}/batch/read`` (BatchReadInputPropertyName: ``inputs`` of names,
            # ``archived``): the definitions asked for; a name the object lacks is an error of a 207
            results, errors = [], []
            for item in (body or {}).get("inputs") or []:
                prop = table.properties.get(str((item or {}).get("name")))
                if prop is None:
                    errors.append(input_error("OBJECT_NOT_FOUND", f"Unable to find property {item.get('name')}",
                                              [str(item.get("name"))]))
                else:
                    results.append(prop)
            started = ms_to_iso(int(time.time() * 1000))
            return Response(207 if errors else 200, batch_body(started, results, errors))
        if not rest:
            if method == "GET":
                return Response(200, {"results": list(table.properties.values())})
            made = self.define(table, body or {})
            return made if isinstance(made, Response) else Response(201, made)
        if len(rest) == 1 and method == "GET":
            prop = table.properties.get(rest[0])
            return Response(200, prop) if prop else error(404, f"Unable to find property {rest[0]}", "OBJECT_NOT_FOUND")
        if len(rest) == 1 and method == "PATCH":
            return self.update_property(table, rest[0], body or {})
        return error(404, "no such properties endpoint", "OBJECT_NOT_FOUND")




    def update_property(self, table: Table, name: str, body: dict[str, Any]) -> Response:
        """``PATCH /crm/v3/properties/{objectType}/{propertyName}`` (PropertyUpdate): HubSpot's own properties are
        read-only definitions; options need label, value and hidden."""
        prop = table.properties.get(name)
        if prop is None:
            return error(404, f"Unable to find property {name}", "OBJECT_NOT_FOUND")
        if prop["modificationMetadata"]["readOnlyDefinition"]:
            return error(400, f"{name} is a HubSpot-defined property; its definition cannot be changed",
                          "VALIDATION_ERROR")
        unknown = sorted(set(body) - _PATCHABLE)
        if unknown:
            return error(400, f"Unrecognized field(s) {', '.join(unknown)} in PropertyUpdate", "VALIDATION_ERROR")
        options = body.get("options")
        if options is not None and any(not {"label", "value", "hidden"} <= set(o) for o in options):
            return error(400, "Each option needs label, value and hidden", "VALIDATION_ERROR")
        if body.get("groupName") and body["groupName"] not in table.groups:
            return error(400, f"Property group {body['groupName']} does not exist", "VALIDATION_ERROR")
        prop.update({k: v for k, v in body.items()})
        return Response(200, prop)




    def define(self, table: Table, item: dict[str, Any], *, group_required: bool = True) -> dict[str, Any] | Response:
        missing = [k for k in ("name", "label", "type", "fieldType", "groupName") if not item.get(k)]
        if missing and not (missing == ["groupName"] and not group_required):
            return error(400, f"Property is missing {', '.join(missing)}", "VALIDATION_ERROR")
        if item["type"] not in _KINDS or item["fieldType"] not in _FIELD_TYPES:
            return error(400, f"Invalid type/fieldType {item['type']}/{item['fieldType']}", "VALIDATION_ERROR")
        if group_required and item["groupName"] not in table.groups:
            return error(400, f"Property group {item['groupName']} does not exist", "VALIDATION_ERROR")
        if item["name"] in table.properties:
            return error(409, f"Property {item['name']} already exists", "OBJECT_ALREADY_EXISTS")
        prop = table.define(item["name"], item["type"], item["fieldType"], group=item.get("groupName", ""),
                            label=item["label"], unique=bool(item.get("hasUniqueValue")), options=item.get("options"),
                            custom=True)
        prop["custom"] = True
        if item.get("description"):     # kept as HubSpot keeps it (pac_roi's says how to read the ratio)
            prop["description"] = item["description"]
        return prop


class Schemas:
    """Custom object schemas: their types, labels, properties and association definitions (on the ``Portal``)."""

    def __init__(self, portal: Portal, properties: Properties) -> None:
        self.portal = portal
        self.properties = properties

    def schemas(self, rest: list[str], method: str, body: Any) -> Response:
        if self.portal.tier == "starter":
            return error(403, "This portal does not have access to custom objects (requires an Enterprise "
                          "subscription).", "MISSING_SCOPES")
        if not rest and method == "GET":
            return Response(200, {"results": [self._current(s) for s in self.portal.schemas.values()]})
        if rest:
            schema = next((s for s in self.portal.schemas.values() if rest[0] in (s["name"], s["objectTypeId"],
                                                                          s["fullyQualifiedName"])), None)
            if schema is None:
                return error(404, f"Unknown object type {rest[0]}", "OBJECT_NOT_FOUND")
            if len(rest) == 1 and method == "GET":
                return Response(200, self._current(schema))
            if len(rest) == 1 and method == "PATCH":
                return self.update_schema(schema, body or {})
            if rest[1:] == ["associations"] and method == "POST":
                return self.define_association(schema, body or {})
            return error(404, "no such schemas endpoint", "OBJECT_NOT_FOUND")
        if method != "POST":
            return error(404, "no such schemas endpoint", "OBJECT_NOT_FOUND")
        body = body or {}
        name = body.get("name")
        if not name or not body.get("labels") or not body.get("properties"):
            return error(400, "A schema needs name, labels and properties", "VALIDATION_ERROR")
        if name in self.portal.schemas or name in self.portal.tables:
            return error(409, f"An object type named {name} already exists", "OBJECT_ALREADY_EXISTS")
        type_id = f"2-{1000 + len(self.portal.schemas) + 1}"
        table = Table(name, type_id)
        for prop, kind, field_type in DEFAULT_PROPERTIES:
            table.define(prop, kind, field_type)
        table.groups[f"{name}information"] = {"name": f"{name}information", "label": f"{name} information",
                                              "displayOrder": 0, "archived": False}
        for item in body["properties"]:
            made = self.properties.define(table, item | {"groupName": f"{name}information"})
            if isinstance(made, Response):
                return made
        table.define("hubspot_owner_id", "enumeration", "select")
        targets = []
        for other in body.get("associatedObjects") or []:
            target = self.portal.table(STANDARD_OBJECTS.get(str(other).upper(), str(other)))
            if target is None:
                return error(400, f"associatedObjects: unknown object type {other}", "VALIDATION_ERROR")
            targets.append(target)
        self.portal.tables[name] = table
        stamp = ms_to_iso(self.portal.now_ms())
        schema = {"id": type_id.split("-")[1], "objectTypeId": type_id, "name": name, "labels": body["labels"],
                  "fullyQualifiedName": f"p{PORTAL_ID}_{name}", "properties": list(table.properties.values()),
                  "primaryDisplayProperty": body.get("primaryDisplayProperty"),
                  "requiredProperties": body.get("requiredProperties") or [],
                  "searchableProperties": body.get("searchableProperties") or [],
                  "associations": [{"fromObjectTypeId": type_id, "toObjectTypeId": target.type_id,
                                    "name": f"{name}_to_{target.name}",
                                    "id": str(self.portal.define_association(name, target.name)),
                                    "createdAt": stamp, "updatedAt": stamp}
                                   for target in targets],
                  "createdAt": stamp, "updatedAt": stamp, "archived": False}
        self.portal.schemas[name] = schema
        return Response(201, schema)




    def _current(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The schema as it stands: its object's properties now (added or removed since it was created), not the
        list it was created with."""
        table = self.portal.table(schema["name"])
        return schema if table is None else {**schema, "properties": list(table.properties.values())}

    def define_association(self, schema: dict[str, Any], body: dict[str, Any]) -> Response:
        """``POST /crm-object-schemas/v3/schemas/{objectType}/associations`` (AssociationDefinitionEgg)."""
        missing = [k for k in ("fromObjectTypeId", "toObjectTypeId") if not body.get(k)]
        if missing:
            return error(400, f"AssociationDefinitionEgg is missing {', '.join(missing)}", "VALIDATION_ERROR")
        source = self.portal.table(str(body["fromObjectTypeId"]))
        target = self.portal.table(str(body["toObjectTypeId"]))
        if source is None or target is None:
            return error(400, "Unknown fromObjectTypeId or toObjectTypeId", "VALIDATION_ERROR")
        if source.type_id != schema["objectTypeId"]:
            return error(400, "fromObjectTypeId must be the schema's own object type", "VALIDATION_ERROR")
        if (source.name, target.name) in self.portal.assoc_types:
            return error(409, f"An association between {source.name} and {target.name} already exists",
                          "OBJECT_ALREADY_EXISTS")
        stamp = ms_to_iso(self.portal.now_ms())
        type_id = self.portal.define_association(source.name, target.name)
        definition = {"id": str(type_id), "fromObjectTypeId": source.type_id,
                      "toObjectTypeId": target.type_id, "name": body.get("name") or f"{source.name}_to_{target.name}",
                      "createdAt": stamp, "updatedAt": stamp}
        schema["associations"].append(definition)
        return Response(201, definition)


    def update_schema(self, schema: dict[str, Any], body: dict[str, Any]) -> Response:
        """``PATCH /crm-object-schemas/v3/schemas/{objectType}`` (ObjectTypeDefinitionPatch): labels and display
        settings; the name and the properties cannot change here."""
        allowed = {"labels", "primaryDisplayProperty", "secondaryDisplayProperties", "searchableProperties",
                   "requiredProperties", "description", "clearDescription", "restorable", "allowsSensitiveProperties"}
        unknown = sorted(set(body) - allowed)
        if unknown:
            return error(400, f"Unrecognized field(s) {', '.join(unknown)} in ObjectTypeDefinitionPatch",
                          "VALIDATION_ERROR")
        labels = body.get("labels")
        if labels is not None and not (isinstance(labels, dict) and labels.get("singular") and labels.get("plural")):
            return error(400, "labels needs singular and plural", "VALIDATION_ERROR")
        schema.update(body)
        schema["updatedAt"] = ms_to_iso(self.portal.now_ms())
        return Response(200, {k: v for k, v in schema.items() if k != "associations"})
