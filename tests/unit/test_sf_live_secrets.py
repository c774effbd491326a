"""Credentials Salesforce issues at run time (the session a login gets, the JWT assertion pac signs) are hidden from
every log line the moment they exist, through the real requests + simple-salesforce stack against ``responses``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs

import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from connectors.salesforce.client import Credentials, SfClient
from sync_jobs import secrets  # noqa: F401  (subscribes the redaction to new credentials, as every command does)
from sync_jobs.logs import redact

DOMAIN = "acme.my.salesforce.com"
TOKEN_URL = f"https://{DOMAIN}/services/oauth2/token"
# not of the 00D…!… shape the patterns know: only the registration hides it
SESSION = "sess-zz9-not-org-shaped-4f2a"


def _token_reply() -> dict[str, str]:
    return {"access_token": SESSION, "instance_url": f"https://{DOMAIN}",
            "id": "https://login.salesforce.com/id/00D000000000001AAA/005000000000001AAA"}


@responses.activate
def test_a_login_session_is_hidden_the_moment_it_is_obtained() -> None:
    """Security audit F1: the session was registered only when ``steps.pull`` ended. Seen failing before the fix:
    the session id was printed as it is."""
    responses.post(TOKEN_URL, json=_token_reply())
    creds = Credentials.from_env({"PAC_SF_AUTH": "client_credentials", "PAC_SF_DOMAIN": DOMAIN,
                                  "PAC_SF_CLIENT_ID": "cid", "PAC_SF_CLIENT_SECRET": "csecret-1234"})
    client = SfClient(creds)
    client.login()
    assert len(responses.calls) == 1
    assert redact(f"INVALID_SESSION_ID {SESSION} refused") == "INVALID_SESSION_ID *** refused"


@responses.activate
def test_a_jwt_assertion_is_hidden_once_signed(tmp_path: Path) -> None:
    """The signed assertion is a bearer credential for 3 minutes: a token endpoint that repeats it must not print it
    (seen failing before the fix: printed as it is)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = tmp_path / "key.pem"
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
    responses.post(TOKEN_URL, json=_token_reply())
    creds = Credentials.from_env({"PAC_SF_AUTH": "jwt", "PAC_SF_DOMAIN": DOMAIN, "PAC_SF_CONSUMER_KEY": "ck",
                                  "PAC_SF_PRIVATE_KEY_FILE": str(pem), "PAC_SF_USERNAME": "u@acme.example"})
    SfClient(creds).login()
    assert len(responses.calls) == 1
    body = responses.calls[0].request.body
    assertion = parse_qs(body if isinstance(body, str) else body.decode())["assertion"][0]
    assert assertion.startswith("eyJ")
    assert redact(f"invalid_grant: {assertion}") == "invalid_grant: ***"


def test_every_path_that_builds_a_connector_subscribes_the_redaction() -> None:
    """The pipeline's builder (sync_jobs.factory) and the CLI's crm commands import the subscription: a credential
    a connector announces is hidden from then on."""
    probe = ("import sync_jobs.{0}; from connectors.base import new_secret; from sync_jobs.logs import redact; "
             "new_secret('obtained-at-run-time-42'); print(redact('x obtained-at-run-time-42 y'))")
    for module in ("factory", "cli_crm"):
        done = subprocess.run([sys.executable, "-c", probe.format(module)], capture_output=True, text=True, check=False)
        assert done.stdout.strip() == "x *** y", (module, done.stderr[-2000:])
