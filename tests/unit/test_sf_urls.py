"""Salesforce URLs from the environment are https only: the token request and every call carry a credential."""

from __future__ import annotations

import pytest

from connectors.base import CredentialsMissing
from connectors.salesforce.client import Credentials

CLIENT = {"PAC_SF_AUTH": "client_credentials", "PAC_SF_CLIENT_ID": "cid", "PAC_SF_CLIENT_SECRET": "csecret-1234"}
SESSION = {"PAC_SF_AUTH": "session", "PAC_SF_ACCESS_TOKEN": "00Dxx!session-token-value"}


@pytest.mark.parametrize(("env", "variable"), [
    (CLIENT | {"PAC_SF_DOMAIN": "http://durand.my.salesforce.com"}, "PAC_SF_DOMAIN"),
    (CLIENT | {"PAC_SF_DOMAIN": "ftp://durand.my.salesforce.com"}, "PAC_SF_DOMAIN"),
    (SESSION | {"PAC_SF_INSTANCE_URL": "http://durand.my.salesforce.com"}, "PAC_SF_INSTANCE_URL"),
])
def test_a_url_that_is_not_https_is_refused(env: dict[str, str], variable: str) -> None:
    """Seen failing before the fix: ``http://`` was accepted; the DOMAIN gave ``https://http://…`` (a DNS error
    retried as an outage) and the INSTANCE_URL a misleading "TLS verification failed" (security audit F3, F7)."""
    with pytest.raises(CredentialsMissing) as info:
        Credentials.from_env(env, connector="sf-main")
    problem = str(info.value)
    assert variable in problem and "https://" in problem and "durand" not in problem


@pytest.mark.parametrize("domain", ["acme.my.salesforce.com", "https://acme.my.salesforce.com", "login", "test"])
def test_a_host_or_an_https_url_is_accepted(domain: str) -> None:
    creds = Credentials.from_env(CLIENT | {"PAC_SF_DOMAIN": domain})
    assert creds.token_url().startswith("https://") and "://" not in creds.domain
