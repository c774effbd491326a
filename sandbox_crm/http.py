"""What the sandbox's dialects see of HTTP: a parsed ``Request``, the ``Response`` to send, and the ``Api``
protocol each dialect (``salesforce.SalesforceApi``, ``hubspot.HubSpotApi``) implements."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Protocol

from sandbox_crm.faults import Fault


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]     # lower-case names
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class Response:
    status: int = 200
    body: Any = None                       # JSON-serialisable, or bytes/str sent as is
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json;charset=UTF-8"


class Api(Protocol):
    name: str                    # "salesforce" | "hubspot"
    prefixes: tuple[str, ...]    # URL path prefixes this dialect answers

    def handle(self, request: Request, fault: Fault | None) -> Response: ...
