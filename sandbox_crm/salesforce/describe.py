"""Describe in the sandbox org (``GET /sobjects``, ``/sobjects/{T}/describe``), shaped as the REST API Developer
Guide documents it; each user sees the fields field-level security lets them read."""

from __future__ import annotations

from sandbox_crm.http import Response
from sandbox_crm.salesforce.access import FieldSecurity
from sandbox_crm.salesforce.org import Org
from sandbox_crm.salesforce.wire import error

MAX_COLLECTION = 200     # the global describe's maxBatchSize: sObject Collections take 200 records


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
                                   for rel, (child, fld) in obj.children.items()]})
