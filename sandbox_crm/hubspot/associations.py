"""Associations v4 in the sandbox portal (``/crm/v4/associations/{from}/{to}/batch/{read|create|associate/default|
archive}``, ``/labels``), after HubSpot's published OpenAPI spec: writes need an association definition between
the two types; a primary association (deal -> company) is read as HubSpot gives it since 19 Feb 2024: its
HubSpot-defined type (typeId 5, label "Deal with Primary Company") listed alongside the unlabelled one (341)."""

from __future__ import annotations

from typing import Any

from sandbox_crm.http import Response
from sandbox_crm.hubspot.portal import Portal
from sandbox_crm.hubspot.records import PRIMARY_TYPES, Table, batch_body, error, input_error, ms_to_iso


class Associations:
    def __init__(self, portal: Portal) -> None:
        self.portal = portal

    def associations(self, from_type: str, to_type: str, verb: str, body: dict[str, Any]) -> Response:
        from_table, to_table = self.portal.table(from_type), self.portal.table(to_type)
        if from_table is None or to_table is None:
            return error(400, f"Unknown object type {from_type} or {to_type}", "VALIDATION_ERROR")
        inputs = body.get("inputs") or []
        if len(inputs) > 1000:
            return error(400, "Batch of inputs exceeds the limit of 1000", "VALIDATION_ERROR")
        started = ms_to_iso(self.portal.now_ms())
        links = self.portal.links.get((from_table.name, to_table.name), {})
        if verb == "associate":      # .../batch/associate/default arrives as verb "associate" + "default"
            verb = "default"
        pair = (from_table.name, to_table.name)
        if verb in ("default", "create", "archive") and pair not in self.portal.assoc_types:
            return error(400, f"No association definition exists between {from_type} and {to_type}",
                          "VALIDATION_ERROR")
        if verb in ("default", "create"):
            return self.associate_batch(from_table, to_table, verb, inputs, started)
        if verb == "archive":
            for item in inputs:
                for to in item.get("to") or []:
                    self.portal.unassociate(from_table.name, str(item["from"]["id"]), to_table.name, str(to["id"]))
            return Response(204, None)
        if verb != "read":
            return error(404, f"no association batch {verb}", "OBJECT_NOT_FOUND")
        results, missing = [], []
        for item in inputs:
            from_id = str(item.get("id"))
            tos = links.get(from_id)
            if not tos:
                missing.append(from_id)
                continue
            category, plain = self.portal.assoc_types.get((from_table.name, to_table.name), ("HUBSPOT_DEFINED", 0))
            results.append({"from": {"id": from_id}, "to": [
                {"toObjectId": int(to_id), "associationTypes": (
                    [{"category": "HUBSPOT_DEFINED", "typeId": type_id, "label": label},
                     {"category": category, "typeId": plain, "label": None}] if label else
                    [{"category": category, "typeId": type_id, "label": None}])}
                for to_id, (type_id, label) in sorted(tos.items(), key=lambda kv: int(kv[0]))]})
        errors = [input_error("NO_ASSOCIATIONS_FOUND", f"No {to_type} is associated with {from_type} {i}.", [i])
                  for i in missing]
        return Response(207 if errors else 200, batch_body(started, results, errors))


    def associate_batch(self, from_table: Table, to_table: Table, verb: str, inputs: list[dict[str, Any]],
                         started: str) -> Response:
        """``batch/associate/default`` (the pair's default type) or ``batch/create`` (the types given, which must
        be the pair's): both records must exist; 201 with the labels between each pair, 207 naming the missing."""
        category, type_id = self.portal.assoc_types[(from_table.name, to_table.name)]
        results: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        for item in inputs:
            from_id, to_id = str(item["from"]["id"]), str(item["to"]["id"])
            if verb == "create":
                types = item.get("types") or []
                if not types or any((t.get("associationCategory"), t.get("associationTypeId")) != (category, type_id)
                                    for t in types):
                    return error(400, f"associationTypeId/associationCategory must be {type_id}/{category} between "
                                  f"{from_table.name} and {to_table.name}", "VALIDATION_ERROR")
            missing = [i for i, t in ((from_id, from_table), (to_id, to_table)) if i not in t.rows]
            if missing:
                errors.append(input_error("OBJECT_NOT_FOUND", f"No object with id {', '.join(missing)}", missing))
                continue
            self.portal.associate(from_table.name, from_id, to_table.name, to_id)
            if verb == "create":
                results.append({"fromObjectTypeId": from_table.type_id, "fromObjectId": from_id,
                                "toObjectTypeId": to_table.type_id, "toObjectId": to_id, "labels": []})
            else:
                results.append({"from": {"id": from_id}, "to": {"id": to_id},
                                "associationSpec": {"associationCategory": category, "associationTypeId": type_id}})
        ok = 201 if verb == "create" else 200
        return Response(207 if errors else ok, batch_body(started, results, errors))


    def association_labels(self, from_type: str, to_type: str) -> Response:
        """``GET /crm/v4/associations/{from}/{to}/labels``: the association types between two object types."""
        from_table, to_table = self.portal.table(from_type), self.portal.table(to_type)
        if from_table is None or to_table is None:
            return error(400, f"Unknown object type {from_type} or {to_type}", "VALIDATION_ERROR")
        found = self.portal.assoc_types.get((from_table.name, to_table.name))
        results = [] if found is None else [{"category": found[0], "typeId": found[1], "label": None}]
        primary = PRIMARY_TYPES.get((from_table.name, to_table.name))
        if primary is not None and results:
            results.insert(0, {"category": "HUBSPOT_DEFINED", "typeId": primary[0], "label": primary[1]})
        return Response(200, {"results": results})
