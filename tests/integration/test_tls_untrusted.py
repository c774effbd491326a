"""A CRM certificate that does not verify (a corporate proxy re-signing TLS, no CA bundle set) is not an outage: it
stops at once, through the real requests / urllib3 / hubspot-api-client stacks against the sandbox CRM (whose CA is
its own), naming the host and the CA variable to set (security audit F7)."""

from __future__ import annotations

import pytest

from connectors.base import AuthError, ObjectKind
from connectors.retry import RetryPolicy
from connectors.salesforce.client import Credentials, SfClient
from sandbox_crm.hubspot import OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, OAUTH_REFRESH_TOKEN, HubSpotApi
from sandbox_crm.run import sandbox_env
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import SandboxServer
from tests.contract.factory_hubspot import SleepLog, sandbox_connector


@pytest.fixture(scope="module")
def server():
    with SandboxServer([SalesforceApi(None), HubSpotApi(None)]) as running:
        yield running


def test_salesforce_login_to_an_untrusted_certificate_fails_at_once(server: SandboxServer) -> None:
    """Seen failing before the fix: ``TransientError: cannot reach HOST: SSLError``, retried 6 times (about 17 s of
    backoff in a real run), with no word of the CA."""
    env = {k: v for k, v in sandbox_env(server).items() if k.startswith("PAC_SF_") and k != "PAC_SF_CA_BUNDLE"}
    sleep = SleepLog()
    client = SfClient(Credentials.from_env(env), policy=RetryPolicy(max_attempts=6, sleep=sleep, jitter=lambda: 0.0))
    with pytest.raises(AuthError) as info:
        client.login()
    assert str(info.value) == (f"TLS certificate verification failed for {server.host_port}: set PAC_SF_CA_BUNDLE "
                               "to the CA that signed its certificate (a PEM file)")
    assert sleep.delays == []


@pytest.mark.parametrize("oauth", [False, True], ids=["private-app", "oauth-refresh"])
def test_hubspot_call_to_an_untrusted_certificate_fails_at_once(server: SandboxServer, oauth: bool) -> None:
    """Seen failing before the fix: ``connection failed (MaxRetryError)``, retried as an outage."""
    env = {"PAC_HS_CA_BUNDLE": ""}
    if oauth:
        env |= {"PAC_HS_ACCESS_TOKEN": "", "PAC_HS_CLIENT_ID": OAUTH_CLIENT_ID,
                "PAC_HS_CLIENT_SECRET": OAUTH_CLIENT_SECRET, "PAC_HS_REFRESH_TOKEN": OAUTH_REFRESH_TOKEN}
    sleep = SleepLog()
    connector = sandbox_connector(server, env=env, sleep=sleep, max_attempts=6)
    with pytest.raises(AuthError) as info:
        list(connector.pull(ObjectKind.ACCOUNTS, None))
    assert str(info.value) == (f"TLS certificate verification failed for {server.host_port}: set PAC_HS_CA_BUNDLE "
                               "to the CA that signed its certificate (a PEM file)")
    assert sleep.delays == []
