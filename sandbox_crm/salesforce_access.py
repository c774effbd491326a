"""Record creation and field-level security in the sandbox org, as the REST API and Object Reference document them.

* ``POST /sobjects/{Type}`` creates one record (201 ``{id, success, errors}``; a refusal is a 400 error
  array); ``POST /composite/sobjects`` creates up to 200 (SaveResults in request order, ``allOrNone``).
* Field-level security: a custom field created through the Tooling API (``POST /tooling/sobjects/
  CustomField``) is granted to nobody, as in a real org. Until a ``FieldPermissions`` row with
  ``PermissionsRead`` on a permission set assigned to the user (``PermissionSetAssignment``) exists, the
  field is absent from that user's describe, unknown to their queries and refused in their writes; with
  read but not ``PermissionsEdit`` it is described ``updateable: false`` and writes are refused with
  ``INVALID_FIELD_FOR_INSERT_UPDATE``. Fields provisioned when the sandbox is built are visible to all.
* The setup objects validate as documented: ``PermissionSet.Name`` unique, ``PermissionsEdit`` requires
  ``PermissionsRead``, ``Field`` prefixed with an existing ``SobjectType``, one ``FieldPermissions`` /
  ``ObjectPermissions`` row per permission set and field / object, one assignment per user and set.
  ``manage_permissions = False`` plays an integration user without "Manage Profiles and Permission
  Sets" / "Assign Permission Sets": creating or changing those objects is refused
  (``INSUFFICIENT_ACCESS_OR_READONLY``).
"""

from __future__ import annotations

from typing import Any

from sandbox_crm.salesforce_schema import SField, SObject, describe_field
from sandbox_crm.salesforce_wire import SaveError, collection_records
from sandbox_crm.salesforce_wire import error as _error
from sandbox_crm.server import Request, Response

SETUP_OBJECTS = frozenset({"PermissionSet", "ObjectPermissions", "FieldPermissions", "PermissionSetAssignment"})
MAX_CREATE = 200


class AccessMixin:
    """Mixed into ``SalesforceApi``: uses its ``schema``, ``store``, ``_coerce``, ``_insert`` and ``_sobject``."""

    schema: dict[str, SObject]
    store: dict[str, dict[str, dict[str, Any]]]
    manage_permissions = True       # False: the integration user may not manage or assign permission sets
    restricted_fields: set[tuple[str, str]]
    current_user: str | None = None

    # -- field-level security ----------------------------------------------------------------------
    def field_access(self, user: str | None) -> dict[tuple[str, str], bool]:
        """(object, field lower-cased) -> editable, for the restricted fields ``user`` may read."""
        sets = {r["PermissionSetId"] for r in self.store["PermissionSetAssignment"].values()
                if r["AssigneeId"] == user and not r["IsDeleted"]}
        out: dict[tuple[str, str], bool] = {}
        for r in self.store["FieldPermissions"].values():
            if r["ParentId"] in sets and r["PermissionsRead"] and not r["IsDeleted"]:
                obj, _, name = str(r["Field"]).partition(".")
                key = (obj, name.lower())
                out[key] = out.get(key, False) or bool(r["PermissionsEdit"])
        return out

    def _restricted(self, obj: str, name: str) -> bool:
        return bool(self.restricted_fields) and (obj, name.lower()) in self.restricted_fields

    def described_fields(self, obj: SObject, user: str | None) -> list[dict[str, Any]]:
        """The fields of ``obj`` as ``user`` sees them in a describe."""
        access = self.field_access(user) if self.restricted_fields else {}
        out = []
        for f in obj.fields.values():
            if not self._restricted(obj.name, f.name):
                out.append(describe_field(f))
            elif (obj.name, f.name.lower()) in access:
                described = describe_field(f)
                if not access[(obj.name, f.name.lower())]:
                    described.update(updateable=False, createable=False)
                out.append(described)
        return out

    def check_readable(self, sobject: str, names: list[str]) -> None:
        """Refuse a query naming a restricted field the current user may not read (as if it did not exist)."""
        if not self.restricted_fields:
            return
        access = self.field_access(self.current_user)
        for name in names:
            if "." not in name and self._restricted(sobject, name) and (sobject, name.lower()) not in access:
                raise SaveError("INVALID_FIELD", f"No such column '{name}' on entity '{sobject}'. If you are "
                                "attempting to use a custom field, be sure to append the '__c' after the custom "
                                "field name.")

    def check_writable(self, obj: SObject, names: list[str], user: str) -> None:
        """Refuse a write naming a restricted field ``user`` may not edit."""
        if not self.restricted_fields:
            return
        access = self.field_access(user)
        for name in names:
            if not self._restricted(obj.name, name):
                continue
            editable = access.get((obj.name, name.lower()))
            if editable is None:
                raise SaveError("INVALID_FIELD", f"No such column '{name}' on sobject of type {obj.name}", [name])
            if not editable:
                raise SaveError("INVALID_FIELD_FOR_INSERT_UPDATE", f"Unable to create/update fields: {name}. "
                                "Please check the security settings of this field and verify that it is "
                                "read/write for your profile or permission set.", [name])

    def check_setup_change(self, sobject: str) -> None:
        """Refuse changes to permission sets and assignments when the user may not manage them."""
        if sobject in SETUP_OBJECTS and not self.manage_permissions:
            raise SaveError("INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id")

    def deploy_permission_set(self, user: str) -> None:
        """As an admin who deployed ``force-app/`` and assigned ``PAC_Integration`` to ``user`` (no HTTP call):
        the three PAC permission sets, their object and field access to the PAC objects present, and the
        integration user's assignment."""
        from connectors.salesforce.permissions import INTEGRATION, PERMISSION_SETS
        from connectors.salesforce.schema import PAC_OBJECTS

        insert = self._insert   # type: ignore[attr-defined]
        for spec in PERMISSION_SETS:
            pset = insert("PermissionSet", {"Name": spec.name, "Label": spec.label, "Description": spec.description})
            for pac in PAC_OBJECTS:
                if pac.name not in self.schema:
                    continue
                if pac.custom and pac.name in spec.objects:
                    insert("ObjectPermissions", {"ParentId": pset, "SobjectType": pac.name, **spec.objects[pac.name]})
                for f in pac.fields:
                    if self.schema[pac.name].lookup(f.name) is not None:
                        insert("FieldPermissions", {"ParentId": pset, "SobjectType": pac.name,
                                                    "Field": f"{pac.name}.{f.name}", **spec.field_access(f)})
            if spec is INTEGRATION:
                insert("PermissionSetAssignment", {"AssigneeId": user, "PermissionSetId": pset})

    # -- creating records ----------------------------------------------------------------------------
    def create_one(self, request: Request, sobject: str, user: str) -> Response:
        """``POST /sobjects/{Type}``."""
        try:
            body = request.json()
        except ValueError:
            return _error(400, "JSON_PARSER_ERROR", "The request body is not valid JSON")
        obj = self._sobject(sobject)   # type: ignore[attr-defined]
        if obj is None:
            return _error(404, "NOT_FOUND", f"The requested resource does not exist: {sobject}")
        try:
            new_id = self._create(obj, body if isinstance(body, dict) else {}, user)
        except SaveError as exc:
            return _error(400, exc.code, exc.message, exc.fields)
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
                obj = self._sobject(str(record["attributes"].get("type", "")))   # type: ignore[attr-defined]
                if obj is None:
                    raise SaveError("INVALID_TYPE", f"sObject type '{record['attributes'].get('type')}' is not "
                                    "supported.")
                new_id = self._create(obj, record, user)
                created.append((obj.name, new_id))
                results.append({"id": new_id, "success": True, "errors": []})
            except SaveError as exc:
                results.append({"success": False, "errors": [{"statusCode": exc.code, "message": exc.message,
                                                               "fields": exc.fields}]})
        if all_or_none and not all(r["success"] for r in results):
            for sobject, record_id in created:
                self.store[sobject].pop(record_id, None)
            results = [r if not r["success"] else {"id": None, "success": False, "errors": [
                {"statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK", "message": "Record rolled back because not "
                 "all records were valid and the request was using AllOrNone header", "fields": []}]}
                for r in results]
        return Response(200, results)

    def _create(self, obj: SObject, record: dict[str, Any], user: str) -> str:
        self.check_setup_change(obj.name)
        values = {k: v for k, v in record.items() if k != "attributes"}
        fields: dict[str, Any] = {}
        for name, value in values.items():
            f = self._field(obj, name)    # type: ignore[attr-defined]
            fields[f.name] = self._coerce(obj, name, value, creating=True)   # type: ignore[attr-defined]
        missing = [f.name for f in obj.fields.values() if f.createable and not f.nillable and f.type != "boolean"
                   and fields.get(f.name) is None and f.name != "OwnerId"]
        if missing:
            raise SaveError("REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(missing)}]",
                            missing)
        self.check_writable(obj, list(fields), user)
        self._validate_setup(obj.name, fields)
        return str(self._insert(obj.name, fields, stamp=self._next_stamp(), by=user))   # type: ignore[attr-defined]

    def validate_setup_update(self, sobject: str, existing: dict[str, Any], changes: dict[str, Any]) -> None:
        """An update of a setup object: managed permissions only, and edit still requires read."""
        self.check_setup_change(sobject)
        if sobject in ("FieldPermissions", "ObjectPermissions"):
            merged = {**existing, **changes}
            if merged.get("PermissionsEdit") and not merged.get("PermissionsRead"):
                raise SaveError("FIELD_INTEGRITY_EXCEPTION", "Permission Edit depends on permission(s): Read")

    def _validate_setup(self, sobject: str, values: dict[str, Any]) -> None:
        rows = self.store.get(sobject, {}).values()
        if sobject == "PermissionSet":
            name = str(values.get("Name", ""))
            if not name.replace("_", "").isalnum() or not name[:1].isalpha() or "__" in name:
                raise SaveError("INVALID_FIELD", "The API name can only contain underscores and alphanumeric "
                                "characters, must begin with a letter and not include consecutive underscores",
                                ["Name"])
            clash = next((r for r in rows if str(r["Name"]).lower() == name.lower()), None)
            if clash is not None:
                raise SaveError("DUPLICATE_VALUE", f"duplicate value found: Name duplicates value on record with "
                                f"id: {clash['Id']}", ["Name"])
        elif sobject in ("FieldPermissions", "ObjectPermissions"):
            target = self._sobject(str(values.get("SobjectType", "")))   # type: ignore[attr-defined]
            if target is None:
                raise SaveError("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "SObject Type Name: bad value for "
                                f"restricted picklist field: {values.get('SobjectType')}", ["SobjectType"])
            if values.get("PermissionsEdit") and not values.get("PermissionsRead"):
                raise SaveError("FIELD_INTEGRITY_EXCEPTION", "Permission Edit depends on permission(s): Read")
            if sobject == "FieldPermissions":
                prefix, _, name = str(values.get("Field", "")).partition(".")
                field: SField | None = target.lookup(name) if prefix == target.name else None
                if field is None:
                    raise SaveError("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "Field Name: bad value for restricted "
                                    f"picklist field: {values.get('Field')}", ["Field"])
                values["Field"] = f"{target.name}.{field.name}"
                same = [r for r in rows if r["ParentId"] == values["ParentId"] and r["Field"] == values["Field"]]
            else:
                same = [r for r in rows if r["ParentId"] == values["ParentId"] and r["SobjectType"] == target.name]
            values["SobjectType"] = target.name
            if same:
                raise SaveError("DUPLICATE_VALUE", f"duplicate value found: duplicates value on record with id: "
                                f"{same[0]['Id']}")
        elif sobject == "PermissionSetAssignment":
            same = [r for r in rows if r["AssigneeId"] == values["AssigneeId"]
                    and r["PermissionSetId"] == values["PermissionSetId"]]
            if same:
                raise SaveError("DUPLICATE_VALUE", f"Duplicate PermissionSetAssignment. Assignee: "
                                f"{values['AssigneeId']}; Permission Set: {values['PermissionSetId']}")
