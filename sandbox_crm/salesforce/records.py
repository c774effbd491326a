"""Record writes in the sandbox org, as the REST API Developer Guide documents them.

* ``POST /sobjects/{Type}`` creates one record (201 ``{id, success, errors}``; a refusal is a 400 error array);
  ``POST /composite/sobjects`` creates up to 200 of any types (SaveResults in request order, ``allOrNone``).
* sObject Collections ``PATCH /composite/sobjects`` (update by id) and ``PATCH /composite/sobjects/{T}/{ExtId}``
  (upsert by external id, 200 records per call, SaveResults in request order, ``allOrNone``); relationship
  references by external id (``"PAC_Axis__r": {"PAC_Key__c": "..."}``).
* Each value is checked against its field as the API does: createable/updateable, required, type, length,
  restricted picklist, reference target, inactive user; field-level security through ``FieldSecurity``.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sandbox_crm.faults import Fault
from sandbox_crm.http import Request, Response
from sandbox_crm.salesforce.access import SETUP_OBJECTS, FieldSecurity
from sandbox_crm.salesforce.org import Org
from sandbox_crm.salesforce.schema import SObject
from sandbox_crm.salesforce.soql import SoqlError, parse_datetime
from sandbox_crm.salesforce.wire import SaveError, collection_records, error, to18

MAX_COLLECTION = 200
MAX_CREATE = 200


class RecordWrites:
    """Creates, updates and upserts through the REST API, validated, into ``org``."""

    def __init__(self, org: Org, security: FieldSecurity) -> None:
        self.org = org
        self.security = security

    def create_one(self, request: Request, sobject: str, user: str) -> Response:
        """``POST /sobjects/{Type}``."""
        try:
            body = request.json()
        except ValueError:
            return error(400, "JSON_PARSER_ERROR", "The request body is not valid JSON")
        obj = self.org.sobject(sobject)
        if obj is None:
            return error(404, "NOT_FOUND", f"The requested resource does not exist: {sobject}")
        try:
            new_id = self.create(obj, body if isinstance(body, dict) else {}, user)
        except SaveError as exc:
            return error(400, exc.code, exc.message, exc.fields)
        return Response(201, {"id": new_id, "success": True, "errors": []})

    def create_many(self, request: Request, user: str) -> Response:
        """``POST /composite/sobjects``: up to 200 records of any types, SaveResults in request order."""
        parsed = collection_records(request, MAX_CREATE)
        if isinstance(parsed, Response):
            return parsed
        records, all_or_none = parsed
        results: list[dict[str, Any]] = []
        created: list[tuple[str, str]] = []
        for record in records:
            try:
                if not isinstance(record, dict) or not isinstance(record.get("attributes"), dict):
                    raise SaveError("INVALID_FIELD", "each record needs attributes.type", ["attributes"])
                if record.get("id") or record.get("Id"):
                    raise SaveError("INVALID_FIELD", "cannot specify Id in an insert call", ["Id"])
                obj = self.org.sobject(str(record["attributes"].get("type", "")))
                if obj is None:
                    raise SaveError("INVALID_TYPE", f"sObject type '{record['attributes'].get('type')}' is not "
                                    "supported.")
                new_id = self.create(obj, record, user)
                created.append((obj.name, new_id))
                results.append({"id": new_id, "success": True, "errors": []})
            except SaveError as exc:
                results.append({"success": False, "errors": [{"statusCode": exc.code, "message": exc.message,
                                                               "fields": exc.fields}]})
        if all_or_none and not all(r["success"] for r in results):
            for sobject, record_id in created:
                self.org.store[sobject].pop(record_id, None)
            results = [r if not r["success"] else {"id": None, "success": False, "errors": [
                {"statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK", "message": "Record rolled back because not "
                 "all records were valid and the request was using AllOrNone header", "fields": []}]}
                for r in results]
        return Response(200, results)

    def create(self, obj: SObject, record: dict[str, Any], user: str) -> str:
        self.security.check_setup_change(obj.name)
        values = {k: v for k, v in record.items() if k != "attributes"}
        fields: dict[str, Any] = {}
        for name, value in values.items():
            f = self.org.field(obj, name)
            fields[f.name] = self._coerce(obj, name, value, creating=True)
        missing = [f.name for f in obj.fields.values() if f.createable and not f.nillable and f.type != "boolean"
                   and fields.get(f.name) is None and f.name != "OwnerId"]
        if missing:
            raise SaveError("REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(missing)}]",
                            missing)
        self.security.check_writable(obj, list(fields), user)
        self.security.validate_setup(obj.name, fields)
        return str(self.org.insert(obj.name, fields, stamp=self.org.next_stamp(), by=user))

    def collection(self, request: Request, parts: list[str], user: str, fault: Fault | None) -> Response:
        parsed = collection_records(request, MAX_COLLECTION)
        if isinstance(parsed, Response):
            return parsed
        records, all_or_none = parsed
        upsert = None
        if parts:
            if len(parts) != 2 or self.org.sobject(parts[0]) is None:
                return error(404, "NOT_FOUND", "The requested resource does not exist")
            obj = self.org.sobject(parts[0])
            ext = obj.lookup(parts[1])  # type: ignore[union-attr]
            if ext is None or not (ext.external_id or ext.name == "Id"):
                return error(400, "INVALID_FIELD", f"{parts[1]} is not an External ID field on {parts[0]}")
            upsert = (obj.name, ext.name)  # type: ignore[union-attr]
        locked = -1
        if fault is not None and fault.kind == "lock_row":     # detail: key= (external id or id) or index=
            key = fault.detail.get("key")
            locked = int(fault.detail.get("index", 0)) if key is None else next(
                (i for i, r in enumerate(records) if isinstance(r, dict) and key in (
                    r.get(upsert[1]) if upsert else None, r.get("id"), r.get("Id"))), -1)
        results = []
        for i, record in enumerate(records):
            try:
                if i == locked:
                    raise SaveError("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record or 1 "
                                     "records" + (f" (request Authorization: {request.headers.get('authorization')})"
                                                  if fault is not None and fault.detail.get("echo") else ""))
                results.append(self.save(record, upsert, user))
            except SaveError as exc:
                results.append({"success": False, "errors": [{"statusCode": exc.code, "message": exc.message,
                                                               "fields": exc.fields}]})
        if fault is not None and fault.kind == "short_answer":     # not documented: every record saved, fewer results
            results = results[: int(fault.detail.get("keep", len(results) - 1))]
        if all_or_none and not all(r["success"] for r in results):
            results = [r if not r["success"] else {"id": r["id"], "success": False, "errors": [
                {"statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK", "message": "Record rolled back because not "
                 "all records were valid and the request was using AllOrNone header", "fields": []}]}
                for r in results]
        return Response(200, results)

    def save(self, record: Any, upsert: tuple[str, str] | None, user: str) -> dict[str, Any]:
        if not isinstance(record, dict) or not isinstance(record.get("attributes"), dict):
            raise SaveError("INVALID_FIELD", "each record needs attributes.type", ["attributes"])
        obj = self.org.sobject(str(record["attributes"].get("type", "")))
        if obj is None:
            raise SaveError("INVALID_TYPE", f"sObject type '{record['attributes'].get('type')}' is not supported.")
        values = self._references({k: v for k, v in record.items() if k not in ("attributes", "id", "Id")}, obj)
        self.security.check_writable(obj, list(values), user)
        existing: dict[str, Any] | None = None
        if upsert is None:
            record_id = to18(str(record.get("id") or record.get("Id") or ""))
            if not record_id:
                raise SaveError("MISSING_ARGUMENT", "Id not specified in an update call", ["Id"])
            existing = self.org.store[obj.name].get(record_id)
            if existing is None or existing["IsDeleted"]:
                raise SaveError("ENTITY_IS_DELETED" if existing else "INVALID_CROSS_REFERENCE_KEY",
                                 f"invalid cross reference id {record_id}", ["Id"])
        else:
            if obj.name != upsert[0]:
                raise SaveError("INVALID_TYPE", f"records must be of type {upsert[0]}")
            key = values.get(upsert[1])
            if key in (None, ""):
                raise SaveError("MISSING_ARGUMENT", f"{upsert[1]} not specified", [upsert[1]])
            found = self.org.ext_index.get(upsert, {}).get(str(key).lower())
            existing = self.org.store[obj.name].get(found) if found else None
            if existing is not None and existing["IsDeleted"]:
                # a record in the Recycle Bin is no "existing record": "If the external ID doesn't match an existing
                # record, then a new record is created" (REST API Developer Guide, Upsert Records Using sObject
                # Rows by External ID); the new record takes the key in the index
                existing = None
        coerced = {name: self._coerce(obj, name, value, creating=existing is None) for name, value in values.items()}
        if existing is None:
            record_id = self.org.insert(obj.name, {self.org.field(obj, k).name: v for k, v in coerced.items()},
                                     stamp=self.org.next_stamp(), by=user)
            return {"id": record_id, "success": True, "errors": [], "created": True}
        changes = {self.org.field(obj, k).name: v for k, v in coerced.items()}
        if obj.name in SETUP_OBJECTS:
            self.security.validate_setup_update(obj.name, existing, changes)
        self.org.update(obj.name, existing, changes, user)
        result = {"id": existing["Id"], "success": True, "errors": []}
        if upsert is not None:
            result["created"] = False
        return result

    def _references(self, values: dict[str, Any], obj: SObject) -> dict[str, Any]:
        """Relationship references by external id (REST API Developer Guide, upsert "associating with an
        external ID"): ``"PAC_Axis__r": {"PAC_Key__c": "..."}`` (``attributes.type`` optional for a lookup to one
        object) becomes the parent's id in ``PAC_Axis__c``; an unknown key fails the record."""
        out: dict[str, Any] = {}
        for name, value in values.items():
            if not isinstance(value, dict):
                out[name] = value
                continue
            ref = next((f for f in obj.fields.values() if f.relationship and f.relationship.lower() == name.lower()
                        and f.type == "reference"), None)
            if ref is None:
                raise SaveError("INVALID_FIELD", f"No such column '{name}' on sobject of type {obj.name}", [name])
            kind = (value.get("attributes") or {}).get("type") or (ref.reference_to[0] if ref.reference_to else "")
            parent = self.org.sobject(str(kind))
            if parent is None or parent.name not in ref.reference_to:
                raise SaveError("INVALID_TYPE", f"{kind} is not a valid type for {ref.name}", [ref.name])
            keys = [(k, v) for k, v in value.items() if k != "attributes"]
            if len(keys) != 1:
                raise SaveError("INVALID_FIELD", f"a relationship reference names exactly one external id field: "
                                 f"{name}", [name])
            key, ext_value = keys[0]
            ext = parent.lookup(key)
            if ext is None or not (ext.external_id or ext.name == "Id"):
                raise SaveError("INVALID_FIELD", f"Field {key} is not an External ID or indexed field for "
                                 f"{parent.name}", [name])
            found = self.org.ext_index.get((parent.name, ext.name), {}).get(str(ext_value).lower())
            if ext.name == "Id":
                found = to18(str(ext_value)) if to18(str(ext_value)) in self.org.store[parent.name] else None
            if found is None or self.org.store[parent.name][found].get("IsDeleted"):
                raise SaveError("INVALID_FIELD", f"Foreign key external ID: {ext_value} not found for field "
                                 f"{ext.name} in entity {parent.name}", [])
            out[ref.name] = found
        return out

    def _coerce(self, obj: SObject, name: str, value: Any, *, creating: bool) -> Any:
        f = self.org.field(obj, name)
        if not (f.createable if creating else f.updateable):
            raise SaveError("INVALID_FIELD_FOR_INSERT_UPDATE", f"Unable to create/update fields: {f.name}. Please "
                             "check the security settings of this field and verify that it is read/write for your "
                             "profile or permission set.", [f.name])
        if value is None:
            if not f.nillable:
                raise SaveError("REQUIRED_FIELD_MISSING", f"Required fields are missing: [{f.name}]", [f.name])
            return None
        bad = SaveError("INVALID_TYPE_ON_FIELD_IN_RECORD", f"{f.label or f.name}: value not of required type: "
                         f"{value}", [f.name])
        if f.type in ("string", "textarea", "email", "combobox", "picklist", "url", "phone"):
            if not isinstance(value, str):
                raise bad
            # a length in UTF-16 code units, as Salesforce counts it: an emoji counts two (Salesforce Help 005166849)
            if f.length and len(value.encode("utf-16-le")) // 2 > f.length:
                raise SaveError("STRING_TOO_LONG", f"{f.label or f.name}: data value too large: {value[:40]}... "
                                 f"(max length={f.length})", [f.name])
            if f.type == "picklist" and f.restricted and (value not in f.picklist or value in f.inactive):
                raise SaveError("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                                 f"{f.label or f.name}: bad value for restricted picklist field: {value}", [f.name])
            return value
        if f.type == "boolean":
            if not isinstance(value, bool):
                raise bad
            return value
        if f.type in ("double", "currency", "percent", "int"):
            if isinstance(value, bool):
                raise bad
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                raise bad from None
            if not number.is_finite():
                raise bad
            if f.precision:       # Number(p, s): rounded to s places, at most p - s digits before the point
                if f.scale is not None:
                    number = number.quantize(Decimal(1).scaleb(-f.scale), rounding=ROUND_HALF_UP)
                if abs(number) >= Decimal(10) ** (f.precision - (f.scale or 0)):
                    raise SaveError("NUMBER_OUTSIDE_VALID_RANGE", f"{f.label or f.name}: value outside of valid "
                                     f"range on numeric field: {value}", [f.name])
            return number
        if f.type == "date":
            try:
                return date.fromisoformat(str(value))
            except ValueError:
                raise bad from None
        if f.type == "datetime":
            try:
                return parse_datetime(str(value))
            except SoqlError:
                raise bad from None
        if f.type == "reference":
            kind, target = self.org.find_by_id(str(value))
            if target is None or (f.reference_to and kind not in f.reference_to):
                raise SaveError("INVALID_CROSS_REFERENCE_KEY", f"invalid cross reference id: {value}", [f.name])
            if kind == "User" and not target.get("IsActive"):
                raise SaveError("INACTIVE_OWNER_OR_USER", "operation performed with inactive user", [f.name])
            return str(value)
        return value
