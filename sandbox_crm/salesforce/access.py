"""Field-level security and the setup objects in the sandbox org, as the REST API and Object Reference document
them (record creation itself: ``records.py``).

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

from connectors.salesforce.permissions import INTEGRATION, PERMISSION_SETS
from connectors.salesforce.schema import PAC_OBJECTS
from sandbox_crm.salesforce.org import Org
from sandbox_crm.salesforce.schema import SField, SObject, describe_field
from sandbox_crm.salesforce.soql import labelled
from sandbox_crm.salesforce.wire import SaveError

SETUP_OBJECTS = frozenset({"PermissionSet", "ObjectPermissions", "FieldPermissions", "PermissionSetAssignment"})


class FieldSecurity:
    """Who may read and edit which field of ``org``, and the rules of the setup objects that say so."""

    def __init__(self, org: Org) -> None:
        self.org = org
        self.manage_permissions = True     # False: the integration user may not manage or assign permission sets
        self.restricted_fields: set[tuple[str, str]] = set()    # Tooling-created: field-level security applies

    # -- field-level security ----------------------------------------------------------------------
    def field_access(self, user: str | None) -> dict[tuple[str, str], bool]:
        """(object, field lower-cased) -> editable, for the restricted fields ``user`` may read."""
        store = self.org.store
        sets = {r["PermissionSetId"] for r in store["PermissionSetAssignment"].values()
                if r["AssigneeId"] == user and not r["IsDeleted"]}
        out: dict[tuple[str, str], bool] = {}
        for r in store["FieldPermissions"].values():
            if r["ParentId"] in sets and r["PermissionsRead"] and not r["IsDeleted"]:
                obj, _, name = str(r["Field"]).partition(".")
                key = (obj, name.lower())
                out[key] = out.get(key, False) or bool(r["PermissionsEdit"])
        return out

    def restrict(self, sobject: str, name: str) -> None:
        """A field created through the Tooling API: granted to nobody until a permission set says so."""
        self.restricted_fields.add((sobject, name.lower()))

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

    def check_readable(self, sobject: str, names: list[str], user: str | None) -> None:
        """Refuse a query naming a restricted field ``user`` may not read (as if it did not exist)."""
        if not self.restricted_fields:
            return
        access = self.field_access(user)
        for name in (labelled(n) or n for n in names):
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
        insert, schema = self.org.insert, self.org.schema
        for spec in PERMISSION_SETS:
            pset = insert("PermissionSet", {"Name": spec.name, "Label": spec.label, "Description": spec.description})
            for pac in PAC_OBJECTS:
                if pac.name not in schema:
                    continue
                if pac.custom and pac.name in spec.objects:
                    insert("ObjectPermissions", {"ParentId": pset, "SobjectType": pac.name, **spec.objects[pac.name]})
                for f in pac.fields:
                    if schema[pac.name].lookup(f.name) is not None:
                        insert("FieldPermissions", {"ParentId": pset, "SobjectType": pac.name,
                                                    "Field": f"{pac.name}.{f.name}", **spec.field_access(f)})
            if spec is INTEGRATION:
                insert("PermissionSetAssignment", {"AssigneeId": user, "PermissionSetId": pset})

    def validate_setup_update(self, sobject: str, existing: dict[str, Any], changes: dict[str, Any]) -> None:
        """An update of a setup object: managed permissions only, and edit still requires read."""
        self.check_setup_change(sobject)
        if sobject in ("FieldPermissions", "ObjectPermissions"):
            merged = {**existing, **changes}
            if merged.get("PermissionsEdit") and not merged.get("PermissionsRead"):
                raise SaveError("FIELD_INTEGRITY_EXCEPTION", "Permission Edit depends on permission(s): Read")

    def validate_setup(self, sobject: str, values: dict[str, Any]) -> None:
        rows = self.org.store.get(sobject, {}).values()
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
            target = self.org.sobject(str(values.get("SobjectType", "")))
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
