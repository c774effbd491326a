"""Describe in the sandbox org (``GET /sobjects``, ``/sobjects/{T}/describe``), shaped as the REST API Developer
Guide documents it; each user sees the fields field-level security lets them read."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
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
        # (object, user) -> (the describe's digest, when it was first answered so): a change made behind the org's
        # back (a test editing the schema) is a change of the metadata too
        self._answered: dict[tuple[str, str], tuple[str, datetime]] = {}

    def modified(self, sobject: str, user: str, body: dict[str, Any]) -> datetime:
        """When the object's metadata (as ``user`` sees it) last changed, to the second: the org's own record of it
        (``Org.metadata_changed``: a field created, or deleted and created again, which changes nothing the
        describe shows), or the first answer showing its present content, else the org's creation."""
        digest = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()
        base = self.org.metadata_changed.get(sobject, self.org._seed_clock).replace(microsecond=0)
        seen = self._answered.get((sobject, user))
        if seen is None:
            seen = (digest, base)
        elif seen[0] != digest:     # later than any date answered before (a test's clock may have been set back)
            seen = (digest, max(self.org.now().replace(microsecond=0), seen[1] + timedelta(seconds=1)))
        self._answered[(sobject, user)] = seen
        return max(base, seen[1]).astimezone(UTC)

    def handle(self, version: str, parts: list[str], user: str, since: str | None = None) -> Response:
        """``GET /sobjects`` (the global describe), ``/sobjects/{T}`` and ``/sobjects/{T}/describe``; a describe
        asked ``If-Modified-Since`` (``since``) a date at or after its metadata's last change answers 304 Not
        Modified with no body ("response metadata will only be returned if the object metadata has changed since
        the provided date", REST API Developer Guide, *Get Object Metadata Changes*), else the describe with its
        ``Last-Modified``."""
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
        body = {
            "name": obj.name, "label": obj.label, "custom": obj.custom, "keyPrefix": obj.prefix,
            "queryable": True, "updateable": True, "createable": True,
            "fields": self.security.described_fields(obj, user),
            "childRelationships": [{"relationshipName": rel, "childSObject": child, "field": fld}
                                   for rel, (child, fld) in obj.children.items()],
            "recordTypeInfos": self.record_type_infos(obj.name)}
        modified = self.modified(obj.name, user, body)
        try:
            asked = parsedate_to_datetime(since) if since else None
        except (TypeError, ValueError):
            asked = None
        if asked is not None and asked.tzinfo is not None and modified <= asked:
            return Response(304, None)
        return Response(200, body, headers={"Last-Modified": format_datetime(modified, usegmt=True)})

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
