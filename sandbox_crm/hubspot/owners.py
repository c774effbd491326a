"""Owners (``/crm/v3/owners``) and deal pipelines (``/crm/v3/pipelines/deals``) of the sandbox portal."""

from __future__ import annotations

from typing import Any

from sandbox_crm.http import Request, Response
from sandbox_crm.hubspot.portal import Portal
from sandbox_crm.hubspot.records import archived_arg, error


class Owners:
    def __init__(self, portal: Portal) -> None:
        self.portal = portal

    def owners(self, req: Request) -> Response:
        archived = archived_arg(req)
        email = (req.arg("email") or "").lower()
        owners = [o for o in self.portal.owners
                  if o["archived"] == archived and (not email or o.get("email", "") == email)]
        limit = min(int(req.arg("limit") or 100), 500)
        after = int(req.arg("after") or 0)
        page = owners[after:after + limit]
        out: dict[str, Any] = {"results": page}
        if after + limit < len(owners):
            out["paging"] = {"next": {"after": str(after + limit), "link": ""}}
        return Response(200, out)

    def pipelines(self, object_type: str) -> Response:
        if object_type not in self.portal.pipelines:
            return error(400, f"Unable to infer object type from: {object_type}", "VALIDATION_ERROR")
        return Response(200, {"results": self.portal.pipelines[object_type]})
