"""Authentication in the sandbox portal: the private app's static token (``SANDBOX_TOKEN``) or an OAuth access
token from ``POST /oauth/v1/token`` (refresh-token grant), with HubSpot's 401 bodies; an ``expire_session``
fault expires every OAuth token."""

from __future__ import annotations

import threading
import uuid
from urllib.parse import parse_qs

from sandbox_crm.faults import Fault
from sandbox_crm.http import Request, Response
from sandbox_crm.hubspot.records import error

SANDBOX_TOKEN = "pac-sandbox-hubspot-token"   # noqa: S105 - the sandbox's own throw-away private app token
OAUTH_CLIENT_ID = "pac-sandbox-hs-client-id"
OAUTH_CLIENT_SECRET = "pac-sandbox-hs-client-secret"  # noqa: S105 - idem
OAUTH_REFRESH_TOKEN = "pac-sandbox-hs-refresh-token"  # noqa: S105 - idem


class Auth:
    def __init__(self) -> None:
        self.tokens: set[str] = set()                   # live OAuth access tokens
        self._lock = threading.Lock()

    def check(self, request: Request, fault: Fault | None) -> Response | None:
        """The 401 to answer, or None when the request's bearer token is valid."""
        header = request.headers.get("authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        if fault is not None and fault.kind == "expire_session":
            self.tokens.clear()
            if token:
                return error(401, "The OAuth token used to make this call expired 0 second(s) ago.",
                             "EXPIRED_AUTHENTICATION")
        if token == SANDBOX_TOKEN or token in self.tokens:
            return None
        return error(401, "Authentication credentials not found. This API supports OAuth 2.0 authentication and "
                     "you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
                     "INVALID_AUTHENTICATION")

    def oauth(self, request: Request) -> Response:
        """``POST /oauth/v1/token``."""
        if request.path != "/oauth/v1/token" or request.method != "POST":
            return error(404, "Not found", "OBJECT_NOT_FOUND")
        form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}
        if form.get("grant_type") != "refresh_token":
            return Response(400, {"status": "BAD_GRANT_TYPE", "message": "grant_type must be refresh_token here"})
        if form.get("client_id") != OAUTH_CLIENT_ID or form.get("client_secret") != OAUTH_CLIENT_SECRET:
            return Response(400, {"status": "BAD_CLIENT_ID", "message": "missing or unknown client id"})
        if form.get("refresh_token") != OAUTH_REFRESH_TOKEN:
            return Response(400, {"status": "BAD_REFRESH_TOKEN", "message": "missing or unknown refresh token"})
        token = f"hs-oauth-{uuid.uuid4().hex}"
        with self._lock:
            self.tokens.add(token)
        return Response(200, {"token_type": "bearer", "refresh_token": OAUTH_REFRESH_TOKEN, "access_token": token,
                              "expires_in": 1800})
