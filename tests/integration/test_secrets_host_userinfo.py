"""A password written in a CRM host variable (``https://user:password@host``, a gateway's basic auth pasted in
PAC_SF_DOMAIN, PAC_SF_INSTANCE_URL or PAC_HS_HOST) is refused before any call, never printed (audit secretsaudit).

Those variables are settings, not credentials: nothing registers their values for redaction, and every message naming
the host printed it whole (« Salesforce refused the client_credentials login at gw:<password>@host », stored in the
run's errors and shown by `pac status`; HubSpot's « TLS certificate verification failed for gw:<password>@host »).
Seen failing before the fix: the password in `pac sync`'s output, its JSON log, `pac status` and the store.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from connectors.base import CredentialsMissing
from connectors.hubspot.connector import connect
from connectors.hubspot.mapping import load_mapping
from connectors.salesforce.client import Credentials
from sandbox_crm.run import start_sandbox
from tests.cli import run_pac
from tests.fakes import sandbox_env_fast, sandbox_settings

GATEWAY_PASSWORD = "Plant3dGatewayPassw0rd"


@pytest.fixture(scope="module")
def crm():
    with start_sandbox() as server:
        yield server


@pytest.mark.slow
def test_pac_sync_refuses_a_salesforce_domain_holding_a_password(crm, tmp_path: Path) -> None:
    settings = sandbox_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
    env = {**os.environ, **sandbox_env_fast(crm), "PAC_CONFIG": settings.source}
    env.pop("PAC_DATABASE_URL", None)
    env["PAC_SF_DOMAIN"] = f"https://gw:{GATEWAY_PASSWORD}@{env['PAC_SF_DOMAIN']}"
    done = run_pac("--log-format", "json", "sync", env=env, cwd=tmp_path, timeout=300)
    status = run_pac("status", env=env, cwd=tmp_path, timeout=300)
    output = done.stdout + done.stderr + status.stdout + status.stderr
    store = b"".join(p.read_bytes() for p in tmp_path.glob("pac.db*"))
    assert GATEWAY_PASSWORD not in output and GATEWAY_PASSWORD.encode() not in store, output
    assert done.returncode == 2 and "PAC_SF_DOMAIN holds a user name and password" in done.stderr, output


@pytest.mark.parametrize("variable", ["DOMAIN", "INSTANCE_URL"])
def test_salesforce_host_variables_with_a_password_are_refused_unechoed(variable: str) -> None:
    env = {"PAC_SF_AUTH": "session" if variable == "INSTANCE_URL" else "client_credentials",
           "PAC_SF_DOMAIN": "acme.my.salesforce.com", "PAC_SF_CLIENT_ID": "cid", "PAC_SF_CLIENT_SECRET": "secret-123",
           "PAC_SF_ACCESS_TOKEN": "00Dtoken", "PAC_SF_INSTANCE_URL": "https://acme.my.salesforce.com"}
    env[f"PAC_SF_{variable}"] = f"https://gw:{GATEWAY_PASSWORD}@acme.my.salesforce.com"
    with pytest.raises(CredentialsMissing) as info:
        Credentials.from_env(env, connector="sf-main")
    text = f"{info.value} {info.value.problems}"
    assert GATEWAY_PASSWORD not in text and f"PAC_SF_{variable} holds a user name and password" in text, text


def test_a_hubspot_host_with_a_password_is_refused_unechoed() -> None:
    env = {"PAC_HS_ACCESS_TOKEN": "pat-eu1-x", "PAC_HS_HOST": f"https://gw:{GATEWAY_PASSWORD}@api.hubapi.com"}
    with pytest.raises(CredentialsMissing) as info:
        connect("hs-west", load_mapping(), env)
    text = f"{info.value} {info.value.problems}"
    assert GATEWAY_PASSWORD not in text and "PAC_HS_HOST holds a user name and password" in text, text
