"""Field and object access to the PAC objects: three permission sets, kept by pac and in ``force-app/``.

A custom field created through the Tooling API is visible to nobody (field-level security) until a
permission set grants it. ``grant_access`` makes the org hold the same permission sets as
``force-app/main/default/permissionsets/`` (``sfdx.py`` renders those files from ``PERMISSION_SETS``; a test
keeps both in step), through the REST API's setup objects (Object Reference: ``PermissionSet``,
``ObjectPermissions``, ``FieldPermissions``, ``PermissionSetAssignment``):

* ``PAC_Integration`` (the integration user): read, create, edit, delete, view all and modify all on both
  objects (actions are private: updating a rep's action needs "Modify All"), read + edit on every PAC field;
  assigned to the integration user by pac;
* ``PAC_Manager``: read + edit on axes (public read/write) and actions (their team's, through the role
  hierarchy); edit on the fields managers own (``editor`` manager or rep in ``schema.py``: statuses, priority,
  action target and due date, the values pac reads back into the plan), read on the rest; an admin assigns it;
* ``PAC_Rep``: read on axes, read + edit on actions (their own: actions are private); edit on the action's
  status only, read on the rest; an admin assigns it.

Nobody but the integration user edits keys and computed fields. For each set: ``PermissionSet`` found by a
query, else created; ``ObjectPermissions`` and ``FieldPermissions`` rows created (``POST /composite/sobjects``,
200 per call) or set to the wanted flags (``PATCH /composite/sobjects``). Idempotent: a second run makes ten
queries (three per set, one for the assignment) and changes nothing. The integration user needs "Manage
Profiles and Permission Sets" and "Assign Permission Sets"; without them the run stops with ``SchemaError``
saying which permission set an admin must deploy and assign.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from more_itertools import chunked
from simple_salesforce.format import format_soql

from connectors.base import QuotaExhausted, RateLimited, SchemaError, TransientError
from connectors.salesforce.client import SfClient
from connectors.salesforce.schema import PAC_OBJECTS, PacField, PacObject

FLAGS = ("PermissionsRead", "PermissionsCreate", "PermissionsEdit", "PermissionsDelete",
         "PermissionsViewAllRecords", "PermissionsModifyAllRecords")


def _flags(*on: str) -> dict[str, bool]:
    return {f: f.removeprefix("Permissions").removesuffix("Records") in on for f in FLAGS}


@dataclass(frozen=True)
class PermSet:
    name: str
    label: str
    description: str
    objects: dict[str, dict[str, bool]]       # custom object -> ObjectPermissions flags
    edits: frozenset[str]                     # field editors ("sync", "manager", "rep") this set may edit

    def field_access(self, pac_field: PacField) -> dict[str, bool]:
        # a formula field is read-only for everyone (Salesforce refuses edit access to it)
        return {"PermissionsRead": True,
                "PermissionsEdit": pac_field.formula is None and pac_field.editor in self.edits}


ALL = _flags("Read", "Create", "Edit", "Delete", "ViewAll", "ModifyAll")
INTEGRATION = PermSet("PAC_Integration", "PAC Integration",
                      "Read and edit the PAC objects and fields written by pac (the integration user).",
                      {"PAC_Axis__c": ALL, "PAC_Action__c": ALL}, frozenset({"sync", "manager", "rep"}))
MANAGER = PermSet("PAC_Manager", "PAC Manager",
                  "Sales managers: read the plan, edit axis status and priority, action status, targets and due dates.",
                  {"PAC_Axis__c": _flags("Read", "Edit"), "PAC_Action__c": _flags("Read", "Edit")},
                  frozenset({"manager", "rep"}))
REP = PermSet("PAC_Rep", "PAC Rep", "Sales reps: read the plan's axes, read and update the status of their actions.",
              {"PAC_Axis__c": _flags("Read"), "PAC_Action__c": _flags("Read", "Edit")}, frozenset({"rep"}))
PERMISSION_SETS: tuple[PermSet, ...] = (INTEGRATION, MANAGER, REP)

# the integration set, by the names older callers use
PERMISSION_SET, LABEL, DESCRIPTION = INTEGRATION.name, INTEGRATION.label, INTEGRATION.description
OBJECT_ACCESS = ALL
FIELD_ACCESS = {"PermissionsRead": True, "PermissionsEdit": True}
BATCH = 200
ASSIGN_HINT = (f"ask a Salesforce admin to deploy the permission set {PERMISSION_SET} and assign it to the integration "
               f"user: sf project deploy start --source-dir force-app --target-org ORG, then sf org assign permset "
               f"--name {PERMISSION_SET} --on-behalf-of INTEGRATION_USERNAME --target-org ORG")


def wanted(objects: Iterable[PacObject] = PAC_OBJECTS) -> tuple[list[str], list[str]]:
    """(custom objects needing object access, ``Object.Field`` names needing access) for ``objects``."""
    objects = list(objects)
    return ([o.name for o in objects if o.custom], [f"{o.name}.{f.name}" for o in objects for f in o.fields])


def grant_access(client: SfClient, objects: Sequence[PacObject], user_id: str | None) -> list[str]:
    """Keep the three PAC permission sets for ``objects`` and assign ``PAC_Integration`` to ``user_id``.

    Returns what changed (empty when nothing had to). Raises ``SchemaError`` with the admin's instruction
    when the org refuses (the integration user may not manage or assign permission sets).
    """
    try:
        done: list[str] = []
        integration = None
        for pset in PERMISSION_SETS:
            pset_id = _keep(client, pset, objects, done)
            if pset is INTEGRATION:
                integration = pset_id
        _assign(client, str(integration), user_id, done)
        return done
    except (TransientError, RateLimited, QuotaExhausted):
        raise
    except Exception as exc:   # AuthError, SchemaError, ConnectorError: the org refused a setup change
        raise SchemaError(f"Salesforce refused to grant access to the PAC fields ({exc}): {ASSIGN_HINT}") from None


def _keep(client: SfClient, pset: PermSet, objects: Sequence[PacObject], done: list[str]) -> str:
    rows = _query(client, format_soql("SELECT Id FROM PermissionSet WHERE Name = {}", pset.name))
    if rows:
        pset_id = str(rows[0]["Id"])
    else:
        reply = client.restful("sobjects/PermissionSet", method="POST",
                               json={"Name": pset.name, "Label": pset.label, "Description": pset.description})
        pset_id = str(reply["id"])
        done.append(f"created permission set {pset.name}")
    custom = [o.name for o in objects if o.custom and o.name in pset.objects]
    if custom:
        have = {str(r["SobjectType"]): r for r in _query(client, format_soql(
            "SELECT Id, SobjectType, {:literal} FROM ObjectPermissions WHERE ParentId = {}", ", ".join(FLAGS),
            pset_id))}
        done += _sync(client, "ObjectPermissions", pset, pset_id, {n: pset.objects[n] for n in custom}, have,
                      "SobjectType", lambda name: {"SobjectType": name}, "object access")
    have = {str(r["Field"]).lower(): r for r in _query(client, format_soql(
        "SELECT Id, Field, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE ParentId = {}", pset_id))}
    fields = {f"{o.name}.{f.name}": pset.field_access(f) for o in objects for f in o.fields}
    done += _sync(client, "FieldPermissions", pset, pset_id, fields, have, "Field",
                  lambda name: {"SobjectType": name.split(".", 1)[0], "Field": name}, "field access")
    return pset_id


def _assign(client: SfClient, pset: str, user_id: str | None, done: list[str]) -> None:
    if user_id is None:
        raise SchemaError("the integration user's id is unknown (session credentials)")
    assigned = _query(client, format_soql("SELECT Id FROM PermissionSetAssignment WHERE PermissionSetId = {} "
                                          "AND AssigneeId = {}", pset, user_id))
    if not assigned:
        client.restful("sobjects/PermissionSetAssignment", method="POST",
                       json={"PermissionSetId": pset, "AssigneeId": user_id})
        done.append(f"assigned permission set {PERMISSION_SET} to the integration user")


def _sync(client: SfClient, sobject: str, pset: PermSet, pset_id: str, wanted_access: dict[str, dict[str, bool]],
          have: dict[str, dict[str, Any]], key: str, identity: Any, what: str) -> list[str]:
    """Create the missing rows and set the others to the wanted flags; what changed, as one line each."""
    lookup = {k.lower(): v for k, v in have.items()}
    missing = [n for n in wanted_access if n.lower() not in lookup]
    differ = [(lookup[n.lower()], a) for n, a in wanted_access.items() if n.lower() in lookup
              and any(bool(lookup[n.lower()].get(flag)) != value for flag, value in a.items())]
    creates = [{"attributes": {"type": sobject}, "ParentId": pset_id, **identity(n), **wanted_access[n]}
               for n in missing]
    updates = [{"attributes": {"type": sobject}, "id": r["Id"], **a} for r, a in differ]
    for method, records in (("POST", creates), ("PATCH", updates)):
        for batch in chunked(records, BATCH):
            results = client.restful("composite/sobjects", method=method, json={"allOrNone": True, "records": batch})
            failed = [r for r in results or [] if not r.get("success")]
            if failed:
                error = (failed[0].get("errors") or [{}])[0]
                raise SchemaError(f"{sobject}: {error.get('statusCode', '')} {error.get('message', '')}".strip())
    out = []
    if missing:
        out.append(f"granted {what} on {len(missing)} {'object' if key == 'SobjectType' else 'field'}(s) "
                   f"in {pset.name}")
    if differ:
        out.append(f"set {what} on {len(differ)} existing row(s) of {pset.name}")
    return out


def _query(client: SfClient, soql: str) -> list[dict[str, Any]]:
    return [row for page in client.query_pages(soql) for row in page]
