"""OAuth 2.0 in the sandbox org (``POST /services/oauth2/token``), as the Salesforce Help documents the flows pac
uses: client credentials (the integration user), JWT bearer (structure and claims checked: ``alg`` RS256, ``iss``
a known consumer key, ``sub`` a username, ``aud``, ``exp``; not the signature) and username-password. The token is
an opaque string mapped to its user; ``expire_session`` faults clear them all.
"""

from __future__ import annotations

import base64
import json
import secrets
from urllib.parse import parse_qs

from sandbox_crm.http import Request, Response
from sandbox_crm.salesforce.org import Org

CLIENTS = {"pac-sandbox-client-id": "pac-sandbox-client-secret"}
CONSUMER_KEYS = ("pac-sandbox-consumer-key", "pac-sandbox-client-id")


class OAuth:
    """The org's token endpoint and the sessions it issued (``tokens``: access token -> user id)."""

    def __init__(self, org: Org) -> None:
        self.org = org
        self.tokens: dict[str, str] = {}

    def user(self, request: Request) -> str | None:
        """The user whose session the request's ``Authorization: Bearer`` names, or None (expired or invalid)."""
        return self.tokens.get(request.headers.get("authorization", "").removeprefix("Bearer ").strip())

    def expire_all(self) -> None:
        self.tokens.clear()

    def token(self, request: Request) -> Response:
        """``POST /services/oauth2/token``: a new access token, or the OAuth error the grant deserves."""
        form = {k: v[0] for k, v in parse_qs(request.body.decode(), keep_blank_values=True).items()}
        grant = form.get("grant_type", "")
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("basic "):
            client_id, _, client_secret = base64.b64decode(auth[6:]).decode().partition(":")
        user: str | None = None
        if grant == "client_credentials":
            if CLIENTS.get(client_id or "") != client_secret:
                return Response(400, {"error": "invalid_client", "error_description": "invalid client credentials"})
            user = self.org.integration_user
        elif grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            user, problem = self._jwt_user(form.get("assertion", ""))
            if user is None:
                return Response(400, {"error": "invalid_grant", "error_description": problem})
        elif grant == "password":
            if CLIENTS.get(client_id or "") != client_secret:
                return Response(400, {"error": "invalid_client_id", "error_description": "client identifier invalid"})
            found = self.org.find("User", Username=(form.get("username") or "").lower())
            if not found or not form.get("password"):
                return Response(400, {"error": "invalid_grant", "error_description": "authentication failure"})
            user = found[0]["Id"]
        else:
            return Response(400, {"error": "unsupported_grant_type", "error_description": "grant type not supported"})
        token = "00D5g000000PACsb!" + secrets.token_urlsafe(48)
        self.tokens[token] = user
        base = f"https://{request.headers.get('host', '127.0.0.1')}"
        issued = str(int(self.org.now().timestamp() * 1000))
        body = {"access_token": token, "instance_url": base, "id": f"{base}/id/00D5g000000PACsb/{user}",
                "token_type": "Bearer", "issued_at": issued, "scope": "api",
                "signature": base64.b64encode(secrets.token_bytes(32)).decode()}
        return Response(200, body)

    def _jwt_user(self, assertion: str) -> tuple[str | None, str]:
        """Check the JWT's structure and claims (iss = consumer key, sub = username, aud, exp); not its signature."""
        pieces = assertion.split(".")
        if len(pieces) != 3:
            return None, "invalid assertion"
        try:
            header = json.loads(base64.urlsafe_b64decode(pieces[0] + "=" * (-len(pieces[0]) % 4)))
            claims = json.loads(base64.urlsafe_b64decode(pieces[1] + "=" * (-len(pieces[1]) % 4)))
        except ValueError:
            return None, "invalid assertion"
        if header.get("alg") != "RS256":
            return None, "invalid assertion: alg must be RS256"
        if claims.get("iss") not in CONSUMER_KEYS:
            return None, "invalid_client_id"
        if not str(claims.get("aud", "")).startswith("https://"):
            return None, "invalid audience"
        if int(claims.get("exp", 0)) < self.org.now().timestamp():
            return None, "expired authorization code"
        found = self.org.find("User", Username=str(claims.get("sub", "")).lower())
        if not found:
            return None, "user hasn't approved this consumer"
        return found[0]["Id"], ""
