"""CRM v3 objects in the sandbox portal (``/crm/v3/objects/{type}``): basic get and list (``archived``,
``properties``, ``propertiesWithHistory``, ``after`` paging), create, and batch read/create/update/upsert/archive
with 207 multi-status bodies, after HubSpot's published OpenAPI specs (a batch read with ``propertiesWithHistory``
takes at most 50 inputs, as HubSpot's answer says); a ``lock_row`` fault refuses one record of
a batch write (retryable). Its error names the record in ``context.ids`` as it was sent (the ``pac_key`` of an upsert,
the ``objectWriteTraceId`` of a create: a task pac writes carries its ``pac_key`` there),
unless the fault says otherwise: ``context="object_id"`` names the HubSpot object id instead, ``context="none"`` gives
a context without ``ids`` (HubSpot documents every field of an error as optional; ``context`` is a free map)."""

from __future__ import annotations

from typing import Any

from sandbox_crm.faults import Fault
from sandbox_crm.http import Request, Response
from sandbox_crm.hubspot.portal import Portal
from sandbox_crm.hubspot.records import (
    CALCULATED,
    INTEGRATION_SOURCE,
    READ_ONLY,
    Table,
    archived_arg,
    batch_body,
    echo,
    error,
    input_error,
    ms_to_iso,
)
from sandbox_crm.hubspot.search import iso_to_ms, typed

HISTORY_LIMIT = 50          # inputs of a batch read with propertiesWithHistory (HubSpot answers 400 above)


def props_arg(req: Request) -> list[str] | None:
    values = req.query.get("properties") or []
    props = [p for v in values for p in v.split(",") if p]
    return props or None


class Objects:
    def __init__(self, portal: Portal) -> None:
        self.portal = portal

    def list(self, table: Table, req: Request) -> Response:
        archived = archived_arg(req)
        source = table.archived if archived else table.rows
        limit = min(int(req.arg("limit") or 10), 100)
        after = int(req.arg("after") or 0)
        ids = sorted(int(i) for i in source if int(i) > after)
        page = ids[:limit]
        out: dict[str, Any] = {"results": [source[str(i)].render(props_arg(req), known=table.properties,
                                                                 omit_empty=table.omit_empty) for i in page]}
        if len(ids) > limit:
            out["paging"] = {"next": {"after": str(page[-1]), "link": ""}}
        return Response(200, out)


    def get(self, table: Table, object_id: str, req: Request) -> Response:
        archived = archived_arg(req)
        source = table.archived if archived else table.rows
        id_property = req.arg("idProperty")
        if id_property:
            object_id = table.unique.get(id_property, {}).get(object_id, "")
        obj = source.get(object_id)
        if obj is None and not archived:     # an id merged away answers the record it was merged into
            obj = source.get(table.merged.get(object_id, ""))
        if obj is None:
            return error(404, "Object not found.  objectId are usually numeric.", "OBJECT_NOT_FOUND")
        history = [p for v in req.query.get("propertiesWithHistory") or [] for p in v.split(",") if p]
        return Response(200, obj.render(props_arg(req), history, known=table.properties,
                                            omit_empty=table.omit_empty))


    def invalid(self, table: Table, props: dict[str, Any]) -> str | None:
        """Why a property map cannot be written (unknown, read-only, bad number or option), or None."""
        for name, value in props.items():
            prop = table.properties.get(name)
            if prop is None:
                return f'Property "{name}" does not exist'
            if name in READ_ONLY or name in CALCULATED:
                return f'"{name}" is a read only property; its value cannot be set.'
            if value in (None, ""):
                continue
            if prop["type"] == "number" and typed("number", value) is None:
                return f'{value} was not a valid number for property "{name}"'
            if prop["type"] in ("date", "datetime") and iso_to_ms(str(value)) is None:
                return f'{value} was not a valid date for property "{name}"'
            options = prop.get("options") or []
            if prop["type"] == "enumeration" and options and prop.get("custom") \
                    and str(value) not in {o["value"] for o in options}:
                return f'{value} was not one of the allowed options for property "{name}"'
        return None


    @staticmethod
    def uncreatable(table: Table, props: dict[str, Any]) -> str | None:
        """Why a record cannot be created with ``props`` (a property HubSpot requires to create one), or None. A task
        needs its due date: the tasks guide (https://developers.hubspot.com/docs/api/crm/tasks, *Create a task*):
        "hs_timestamp: Required. This field marks the task's due date" (audit hsemu F2)."""
        if table.name == "tasks" and props.get("hs_timestamp") in (None, ""):
            return "hs_timestamp is required to create a task"
        return None

    def create(self, table: Table, body: dict[str, Any]) -> Response:
        props = body.get("properties") or {}
        problem = self.invalid(table, props) or self.uncreatable(table, props)
        if problem:
            return error(400, problem, "VALIDATION_ERROR")
        object_id = self.portal.add(table.name, props, source=INTEGRATION_SOURCE)
        return Response(201, table.rows[object_id].render(list(props)))


    def batch(self, table: Table, verb: str, body: dict[str, Any], req: Request,
               fault: Fault | None) -> Response:
        inputs = body.get("inputs") or []
        limit = 100
        if len(inputs) > limit:
            return error(400, f"Batch of {len(inputs)} inputs exceeds the limit of {limit}", "VALIDATION_ERROR")
        if verb == "read" and body.get("propertiesWithHistory") and len(inputs) > HISTORY_LIMIT:
            # HubSpot's own answer (HubSpot/hubspot-api-python#143); the batch read reference does not say it
            return error(400, "The maximum number of inputs supported in a batch request for property histories is "
                         f"{HISTORY_LIMIT}. Please reduce the number of items and try again", "VALIDATION_ERROR")
        started = ms_to_iso(self.portal.now_ms())
        if verb == "read":
            id_property = body.get("idProperty")
            archived = archived_arg(req)
            source = table.archived if archived else table.rows
            found: list[dict[str, Any]] = []
            missing: list[str] = []
            for item in inputs:
                key = str(item.get("id"))
                object_id = table.unique.get(id_property, {}).get(key, "") if id_property else key
                obj = source.get(object_id)
                if obj is None:
                    missing.append(key)
                else:
                    found.append(obj.render(list(body.get("properties") or []),
                                              list(body.get("propertiesWithHistory") or []), known=table.properties,
                                              omit_empty=table.omit_empty))
            out = batch_body(started, found, [input_error("OBJECT_NOT_FOUND", "Could not get some objects",
                                                              missing)] if missing else [])
            return Response(207 if missing else 200, out)
        if verb not in ("update", "upsert", "create"):
            return error(404, f"no batch {verb}", "OBJECT_NOT_FOUND")
        if fault is not None and fault.kind == "conflict":    # the whole batch, as HubSpot's 409 answers it
            return error(409, str(fault.detail.get("message") or "Conflict: another request is modifying one of "
                                  "these objects"), "CONFLICT")
        if fault is not None and fault.kind == "invalid_input" \
                and any(str(i.get("id")) == str(fault.detail.get("key")) for i in inputs):
            # a batch upsert or update holding one invalid value is refused whole (the multi-status answer is
            # documented for batch create only), with HubSpot's message naming the property, not the input
            prop = str(fault.detail.get("property") or "pac_pace")
            return error(400, 'Property values were not valid: [{"isValid":false,"message":"bad was not one of the '
                         f'allowed options","error":"INVALID_OPTION","name":"{prop}"}}]', "VALIDATION_ERROR")
        locked = None
        if fault is not None and fault.kind == "lock_row" and inputs:
            wanted = fault.detail.get("key")
            locked = next((_named(i, verb) for i in inputs if _named(i, verb) == wanted), _named(inputs[0], verb))
        id_property = body.get("idProperty") if verb != "upsert" else None
        results: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        for item in inputs:
            key = _named(item, verb)
            props = dict(item.get("properties") or {})
            if locked is not None and key == locked:
                refusal = input_error("CONFLICT", "The record is being updated by another process; retry later"
                                      + echo(req, fault), [key])
                named = (fault.detail.get("context") if fault is not None else None) or "ids"
                if named == "object_id":        # the record by its HubSpot id, not by the idProperty value sent
                    unique = item.get("idProperty") if verb == "upsert" else id_property
                    hs_id = table.unique.get(unique, {}).get(key) if unique else key
                    refusal["context"] = {"ids": [hs_id]} if hs_id else {}
                elif named == "none":
                    refusal["context"] = {"propertyName": sorted(props)[:1]}
                errors.append(refusal)
                continue
            problem = self.invalid(table, props)
            if problem:
                errors.append(input_error("VALIDATION_ERROR", problem, [key]))
                continue
            if verb == "create":
                if refused := self.uncreatable(table, props):
                    errors.append(input_error("VALIDATION_ERROR", refused, [key]))
                    continue
                object_id = self.portal.add(table.name, props, source=INTEGRATION_SOURCE)
                trace = {"objectWriteTraceId": key} if key else {}
                results.append(table.rows[object_id].render(list(props)) | trace)
                continue
            if verb == "upsert":
                unique = item.get("idProperty")
                if not unique or unique not in table.unique:
                    errors.append(input_error("VALIDATION_ERROR", f"idProperty {unique!r} is not a unique property",
                                               [key]))
                    continue
                existing = table.unique[unique].get(key)
                if existing is not None and existing not in table.rows:
                    # the key's record was archived (a user deleted it): HubSpot answers a documented status, never
                    # a 500; the upsert makes a new record holding the key ("Create or update records identified by
                    # a unique property value", batch upsert), its result ``new: true``
                    existing = None
                new = existing is None
                if new and (refused := self.uncreatable(table, props)):
                    errors.append(input_error("VALIDATION_ERROR", refused, [key]))
                    continue
                if existing is None:
                    object_id = self.portal.add(table.name, props | {unique: key}, source=INTEGRATION_SOURCE)
                    table.unique[unique][key] = object_id
                else:
                    object_id = existing
                    self.portal.update(table.name, object_id, props, source=INTEGRATION_SOURCE)
                rendered = table.rows[object_id].render(sorted(set(props) | {unique}))
                results.append(rendered | {"new": new})
                continue
            object_id = table.unique.get(id_property, {}).get(key, "") if id_property else key
            if object_id not in table.rows:
                errors.append(input_error("OBJECT_NOT_FOUND", f"No object with id {key}", [key]))
                continue
            self.portal.update(table.name, object_id, props, source=INTEGRATION_SOURCE)
            results.append(table.rows[object_id].render(list(props)))
        status = 207 if errors else (201 if verb == "create" else 200)
        return Response(status, batch_body(started, results, errors))


def _named(item: dict[str, Any], verb: str) -> str:
    """How a batch input is named back (its result, an error's ``context.ids``): a create's by its
    ``objectWriteTraceId`` (it has no id yet: HubSpot's multi-status answer of batch create names inputs by it), any
    other by its ``id`` as sent."""
    return str(item.get("objectWriteTraceId") or "") if verb == "create" else str(item.get("id", ""))
