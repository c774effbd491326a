"""The Tooling API subset pac's provisioning uses: ``POST /tooling/sobjects/CustomObject|CustomField``
(``FullName`` and ``Metadata`` as the Metadata API types document them). A field created this way is granted
to nobody (field-level security), as in a real org."""

from __future__ import annotations

from sandbox_crm.http import Request, Response
from sandbox_crm.salesforce.access import FieldSecurity
from sandbox_crm.salesforce.org import Org
from sandbox_crm.salesforce.wire import error


class Tooling:
    def __init__(self, org: Org, security: FieldSecurity) -> None:
        self.org = org
        self.security = security

    def create(self, request: Request, kind: str) -> Response:
        """``POST /tooling/sobjects/CustomObject`` or ``/CustomField``: ``{FullName, Metadata}``."""
        body = request.json() or {}
        full_name, meta = body.get("FullName"), body.get("Metadata")
        if not isinstance(full_name, str) or not isinstance(meta, dict):
            return error(400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [FullName, Metadata]",
                          ["FullName", "Metadata"])
        if kind == "CustomObject":
            if not full_name.endswith("__c"):
                return error(400, "INVALID_FIELD", "custom object names end in __c", ["FullName"])
            new_id = self.org.create_custom_object(full_name, meta)
        elif kind == "CustomField":
            new_id = self.org.create_custom_field(full_name, meta)
            sobject, _, name = full_name.partition(".")
            self.security.restrict(self.org.schema[sobject].name, name)   # granted to nobody yet
        else:
            return error(404, "NOT_FOUND", f"The requested resource does not exist: tooling {kind}")
        return Response(201, {"id": new_id, "success": True, "errors": [], "warnings": [], "infos": []})
