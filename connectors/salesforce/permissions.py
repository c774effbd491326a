"""Field and object access to the PAC objects: the permission set ``PAC_Integration``, kept and assigned by pac.

A custom field created through the Tooling API is visible to nobody (field-level security) until a
permission set grants it. ``grant_access`` makes the org hold the same permission set as
``force-app/main/default/permissionsets/PAC_Integration.permissionset-meta.xml`` (a test keeps both in
step), through the REST API's setup objects (Object Reference: ``PermissionSet``, ``ObjectPermissions``,
``FieldPermissions``, ``PermissionSetAssignment``):

1. ``PermissionSet`` named ``PAC_Integration``: found by a query, else created (``POST /sobjects/PermissionSet``);
2. ``ObjectPermissions`` on ``PAC_Axis__c`` and ``PAC_Action__c``: read, create, edit, view all; no delete,
   no modify all;
3. ``FieldPermissions`` read + edit on every PAC field (``Field`` = ``Object.Field``), missing rows created
   through ``POST /composite/sobjects`` (200 per call), rows lacking read or edit updated through
   ``PATCH /composite/sobjects``;
4. ``PermissionSetAssignment`` of the set to the integration user (the user the token belongs to).

Idempotent: a second run makes four queries and changes nothing. The integration user needs "Manage
Profiles and Permission Sets" and "Assign Permission Sets" for this; without them the run stops with
``SchemaError`` saying which permission set an admin must deploy and assign.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from simple_salesforce import format_soql

from connectors.base import QuotaExhausted, RateLimited, SchemaError, TransientError
from connectors.salesforce.client import SfClient
from connectors.salesforce.schema import PAC_OBJECTS, PacObject

PERMISSION_SET = "PAC_Integration"
LABEL = "PAC Integration"
DESCRIPTION = "Read and edit the PAC objects and fields written by pac."
OBJECT_ACCESS = {"PermissionsRead": True, "PermissionsCreate": True, "PermissionsEdit": True,
                 "PermissionsDelete": False, "PermissionsViewAllRecords": True, "PermissionsModifyAllRecords": False}
FIELD_ACCESS = {"PermissionsRead": True, "PermissionsEdit": True}
BATCH = 200
ASSIGN_HINT = (f"ask a Salesforce admin to deploy the permission set {PERMISSION_SET} and assign it to the integration "
               f"user: sf project deploy start --source-dir force-app --target-org ORG, then sf org assign permset "
               f"--name {PERMISSION_SET} --on-behalf-of INTEGRATION_USERNAME --target-org ORG")


def wanted(objects: Iterable[PacObject] = PAC_OBJECTS) -> tuple[list[str], list[str]]:
    """(custom objects needing object access, ``Object.Field`` names needing read + edit) for ``objects``."""
    objects = list(objects)
    return ([o.name for o in objects if o.custom], [f"{o.name}.{f.name}" for o in objects for f in o.fields])


def grant_access(client: SfClient, objects: Sequence[PacObject], user_id: str | None) -> list[str]:
    """Make ``PAC_Integration`` grant the PAC objects and fields of ``objects`` and assign it to ``user_id``.

    Returns what changed (empty when nothing had to). Raises ``SchemaError`` with the admin's instruction
    when the org refuses (the integration user may not manage or assign permission sets).
    """
    try:
        return _grant(client, objects, user_id)
    except (TransientError, RateLimited, QuotaExhausted):
        raise
    except Exception as exc:   # AuthError, SchemaError, ConnectorError: the org refused a setup change
        raise SchemaError(f"Salesforce refused to grant access to the PAC fields ({exc}): {ASSIGN_HINT}") from None


def _grant(client: SfClient, objects: Sequence[PacObject], user_id: str | None) -> list[str]:
    done: list[str] = []
    custom, fields = wanted(objects)
    rows = _query(client, format_soql("SELECT Id FROM PermissionSet WHERE Name = {}", PERMISSION_SET))
    if rows:
        pset = str(rows[0]["Id"])
    else:
        reply = client.restful("sobjects/PermissionSet", method="POST",
                               json={"Name": PERMISSION_SET, "Label": LABEL, "Description": DESCRIPTION})
        pset = str(reply["id"])
        done.append(f"created permission set {PERMISSION_SET}")
    if custom:
        have = {str(r["SobjectType"]): r for r in _query(client, format_soql(
            "SELECT Id, SobjectType, {:literal} FROM ObjectPermissions WHERE ParentId = {}", ", ".join(OBJECT_ACCESS),
            pset))}
        done += _sync(client, "ObjectPermissions", pset, custom, have, "SobjectType", OBJECT_ACCESS,
                      lambda name: {"SobjectType": name}, "object access")
    have = {str(r["Field"]).lower(): r for r in _query(client, format_soql(
        "SELECT Id, Field, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE ParentId = {}", pset))}
    done += _sync(client, "FieldPermissions", pset, fields, have, "Field", FIELD_ACCESS,
                  lambda name: {"SobjectType": name.split(".", 1)[0], "Field": name}, "read and edit access")
    if user_id is None:
        raise SchemaError("the integration user's id is unknown (session credentials)")
    assigned = _query(client, format_soql("SELECT Id FROM PermissionSetAssignment WHERE PermissionSetId = {} "
                                          "AND AssigneeId = {}", pset, user_id))
    if not assigned:
        client.restful("sobjects/PermissionSetAssignment", method="POST",
                       json={"PermissionSetId": pset, "AssigneeId": user_id})
        done.append(f"assigned permission set {PERMISSION_SET} to the integration user")
    return done


def _sync(client: SfClient, sobject: str, pset: str, names: list[str], have: dict[str, dict[str, Any]],
          key: str, access: dict[str, bool], identity: Any, what: str) -> list[str]:
    """Create the missing rows and raise the access of the weaker ones; what changed, as one line each."""
    lookup = {k.lower(): v for k, v in have.items()}
    missing = [n for n in names if n.lower() not in lookup]
    weaker = [lookup[n.lower()] for n in names if n.lower() in lookup
              and any(bool(lookup[n.lower()].get(flag)) != value for flag, value in access.items() if value)]
    creates = [{"attributes": {"type": sobject}, "ParentId": pset, **identity(n), **access} for n in missing]
    updates = [{"attributes": {"type": sobject}, "id": r["Id"], **{k: v for k, v in access.items() if v}}
               for r in weaker]
    for method, records in (("POST", creates), ("PATCH", updates)):
        for batch in _chunks(records):
            results = client.restful("composite/sobjects", method=method, json={"allOrNone": True, "records": batch})
            failed = [r for r in results or [] if not r.get("success")]
            if failed:
                error = (failed[0].get("errors") or [{}])[0]
                raise SchemaError(f"{sobject}: {error.get('statusCode', '')} {error.get('message', '')}".strip())
    out = []
    if missing:
        out.append(f"granted {what} on {len(missing)} {'object' if key == 'SobjectType' else 'field'}(s) "
                   f"in {PERMISSION_SET}")
    if weaker:
        out.append(f"raised {what} on {len(weaker)} existing row(s) of {PERMISSION_SET}")
    return out


def _query(client: SfClient, soql: str) -> list[dict[str, Any]]:
    return [row for page in client.query_pages(soql) for row in page]


def _chunks(items: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(items), BATCH):
        yield items[start:start + BATCH]
