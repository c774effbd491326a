"""Describe in the sandbox org (``GET /sobjects``, ``/sobjects/{T}/describe``), shaped as the REST API Developer
Guide documents it; each user sees the fields field-level security lets them read."""

from __future__ import annotations

from typing import Any

from sandbox_crm.http import Response
from sandbox_crm.salesforce.access import FieldSecurity
from sandbox_crm.salesforce.org import Org
from sandbox_crm.salesforce.wire import error

MAX_COLLECTION = 200     # the global describe's maxBatchSize: sObject Collections take 200 records
MASTER_RECORD_TYPE = "012000000000000AAA"    # the master record type's id, the same in every org


class Describe:
    def __init__(self, org: Org, security: FieldSecurity) -> None:
        self.org = org
        self.security = security

    def handle(self, version: str, parts: list[str], user: str) -> Response:
        """``GET /sobjects`` (the global describe), ``/sobjects/{T}`` and ``/sobjects/{T}/describe``."""
        if not parts:
            return Response(200, {"encoding": "UTF-8", "maxBatchSize": MAX_COLLECTION, "sobjects": [
                {"name": o.name, "label": o.label, "custom": o.custom, "keyPrefix": o.prefix, "queryable": True,
                 "urls": {"describe": f"/services/data/v{version}/sobjects/{o.name}/describe"}}
                for o in self.org.schema.values()]})
        obj = self.org.sobject(parts[0])
        if obj is None:
            return error(404, "NOT_FOUND", f"The requested resource does not exist: {parts[0]}")
        if len(parts) == 1 or parts[1] != "describe":
            return Response(200, {"objectDescribe": {"name": obj.name, "label": obj.label, "custom": obj.custom}})
        return Response(200, {
            "name": obj.name, "label": obj.label, "custom": obj.custom, "keyPrefix": obj.prefix,
            "queryable": True, "updateable": True, "createable": True,
            "fields": self.security.described_fields(obj, user),
            "childRelationships": [{"relationshipName": rel, "childSObject": child, "field": fld}
                                   for rel, (child, fld) in obj.children.items()],
            "recordTypeInfos": self.record_type_infos(obj.name)})

    def record_type_infos(self, sobject: str) -> list[dict[str, Any]]:
        """The object's record types as its describe lists them (``recordTypeInfos``): the master record type
        (``012000000000000AAA``), which every object has, then each of ``RecordType``'s rows for it: ``name`` is
        the label, ``developerName`` the API name."""
        master = {"active": True, "available": True, "defaultRecordTypeMapping": True, "developerName": "Master",
                  "master": True, "name": "Master", "recordTypeId": MASTER_RECORD_TYPE}
        return [master] + [{"active": bool(r.get("IsActive")), "available": True, "defaultRecordTypeMapping": False,
                            "developerName": r["DeveloperName"], "master": False, "name": r["Name"],
                            "recordTypeId": r["Id"]}
                           for r in self.org.store["RecordType"].values() if r.get("SobjectType") == sobject]
