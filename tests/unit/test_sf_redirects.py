"""A redirect never carries Salesforce credentials elsewhere (security audit `secrets` F1).

``requests`` follows a 307/308 with the same method and body, and strips only the ``Authorization`` header when the
host changes: a token request that followed one re-posted the client secret, the username and the password to the
host the redirect named, ``http://`` included. Salesforce redirects old My Domain URLs (Setup > My Domain,
"redirect to the new domain"), so a stale ``PAC_SF_DOMAIN`` does meet them.
"""

from __future__ import annotations

import pytest
import requests
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from connectors.base import AuthError, ConnectorError
from connectors.retry import RetryPolicy
from connectors.salesforce.client import Credentials, SfClient, authenticate

DOMAIN = "acme.my.salesforce.com"
TOKEN_URL = f"https://{DOMAIN}/services/oauth2/token"
ELSEWHERE = "http://evil.example:38771/services/oauth2/token"
SECRET, PASSWORD, SECURITY_TOKEN = "SFCSaudit8Zq9xK2mVt7Lp4Rw8", "PWaudit7ZxLm9Yt", "STaudit5Kd4Wz2Qx9Pm"
CLIENT = {
    "PAC_SF_AUTH": "client_credentials",
    "PAC_SF_DOMAIN": DOMAIN,
    "PAC_SF_CLIENT_ID": "sfcid-audit",
    "PAC_SF_CLIENT_SECRET": SECRET,
}
PASSWORD_FLOW = CLIENT | {
    "PAC_SF_AUTH": "password",
    "PAC_SF_USERNAME": "julie.martin@durand-process.example",
    "PAC_SF_PASSWORD": PASSWORD,
    "PAC_SF_SECURITY_TOKEN": SECURITY_TOKEN,
}


def _jwt_env(tmp_path) -> dict[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = tmp_path / "server.key"
    pem.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return {
        "PAC_SF_AUTH": "jwt",
        "PAC_SF_DOMAIN": DOMAIN,
        "PAC_SF_CONSUMER_KEY": "3MVG9-audit",
        "PAC_SF_PRIVATE_KEY_FILE": str(pem),
        "PAC_SF_USERNAME": "julie.martin@durand-process.example",
    }


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("flow", ["password", "client_credentials", "jwt"])
@responses.activate
def test_a_redirected_token_request_is_not_sent_on(tmp_path, flow: str, status: int) -> None:
    """Seen failing before the fix: ``assert len(responses.calls) == 1`` (2 calls: the 307 and 308 re-posted the
    form, secrets included, to http://evil.example; the 301/302/303 followed as a GET)."""
    env = {"password": PASSWORD_FLOW, "client_credentials": CLIENT, "jwt": _jwt_env(tmp_path)}[flow]
    responses.add(responses.POST, TOKEN_URL, status=status, headers={"Location": ELSEWHERE + "?from=old"})
    responses.add(responses.POST, ELSEWHERE, json={"access_token": "x", "instance_url": "https://x"})
    responses.add(responses.GET, ELSEWHERE, json={"access_token": "x", "instance_url": "https://x"})
    with pytest.raises(AuthError) as info:
        authenticate(Credentials.from_env(env), requests.Session())
    assert len(responses.calls) == 1 and responses.calls[0].request.url == TOKEN_URL
    message = str(info.value)
    assert "evil.example:38771" in message and "PAC_SF_DOMAIN" in message and "My Domain" in message
    assert "http://" in message  # says the new address is not even encrypted
    for secret in (SECRET, PASSWORD, SECURITY_TOKEN, "from=old"):
        assert secret not in message


@responses.activate
def test_a_redirect_to_the_same_host_names_the_fix_too() -> None:
    """A relative Location (same host, another path) is not followed either; the message names the host."""
    responses.add(responses.POST, TOKEN_URL, status=307, headers={"Location": "/services/oauth2/token2"})
    with pytest.raises(AuthError, match="PAC_SF_DOMAIN"):
        authenticate(Credentials.from_env(CLIENT), requests.Session())
    assert len(responses.calls) == 1


@responses.activate
def test_a_rest_call_is_not_redirected_off_https() -> None:
    """simple-salesforce's calls go through the same session with redirects on: ``requests`` strips the
    Authorization header when the host or scheme changes, but a 307 would still re-send a write's body (CRM data)
    to a plain-HTTP host. Seen failing before the fix: ``assert not [... evil.example ...]`` (the GET went to
    http://evil.example)."""
    query = f"https://{DOMAIN}/services/data/v62.0/query/"
    responses.add(responses.GET, query, status=307, headers={"Location": "http://evil.example:38771/q"})
    responses.add(responses.GET, "http://evil.example:38771/q", json={"done": True, "records": [], "totalSize": 0})
    env = {
        "PAC_SF_AUTH": "session",
        "PAC_SF_ACCESS_TOKEN": "00Dxx0000001gPL!session-token-value",
        "PAC_SF_INSTANCE_URL": f"https://{DOMAIN}",
    }
    client = SfClient(Credentials.from_env(env), policy=RetryPolicy(max_attempts=1, sleep=lambda _s: None))
    with pytest.raises(ConnectorError) as info:
        client.count("SELECT COUNT() FROM Account")
    assert not [c for c in responses.calls if "evil.example" in c.request.url]
    assert "evil.example:38771" in str(info.value) and "session-token-value" not in str(info.value)
