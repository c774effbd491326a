"""The org refuses a call because its whole daily allocation is spent (403 ``REQUEST_LIMIT_EXCEEDED``
"TotalRequests Limit exceeded."), through the real requests + simple-salesforce stack against ``responses``."""

from __future__ import annotations

import pytest
import responses

from connectors.base import QuotaExhausted
from connectors.salesforce.client import Credentials, SfClient
from sync_jobs.pipeline import stopped_by

DOMAIN = "acme.my.salesforce.com"
QUERY = f"https://{DOMAIN}/services/data/v62.0/query/"


def _client() -> SfClient:
    responses.post(f"https://{DOMAIN}/services/oauth2/token",
                   json={"access_token": "tok", "instance_url": f"https://{DOMAIN}",
                         "id": "https://login.salesforce.com/id/00D000000000001AAA/005000000000001AAA"})
    creds = Credentials.from_env({"PAC_SF_AUTH": "client_credentials", "PAC_SF_DOMAIN": DOMAIN,
                                  "PAC_SF_CLIENT_ID": "cid", "PAC_SF_CLIENT_SECRET": "csecret-1234"})
    return SfClient(creds)


@responses.activate
def test_a_refusal_without_usage_header_leaves_nothing_today() -> None:
    """A first answer says 10 of 15,000 used; the next call is refused by the org with no ``Sforce-Limit-Info``:
    the refusal is ``QuotaExhausted`` marked as the org's, and the usage left today is 0, not the stale 14,990
    (seen failing before the fix: 14990 left, and the pipeline's error advised raising max_daily_share)."""
    client = _client()
    responses.get(QUERY, json={"totalSize": 0, "done": True, "records": []},
                  headers={"Sforce-Limit-Info": "api-usage=10/15000"})
    responses.get(QUERY, status=403, json=[{"errorCode": "REQUEST_LIMIT_EXCEEDED",
                                             "message": "TotalRequests Limit exceeded."}])
    assert list(client.query_pages("SELECT Id FROM User")) == [[]]
    assert client.usage.remaining == 14990
    with pytest.raises(QuotaExhausted) as info:
        list(client.query_pages("SELECT Id FROM Account"))
    assert info.value.refused_by_crm
    assert client.usage.remaining == 0
    _status, error = stopped_by(info.value, settings="pac.yaml")
    assert "max_daily_share" not in error and "refused" in error, error


def test_pacs_own_guard_keeps_its_words() -> None:
    """pac's own stop at ``max_daily_share`` still says so, with the setting to raise."""
    _status, error = stopped_by(QuotaExhausted("Salesforce daily API allocation: 7600 of 15000 used", 7600, 15000),
                                settings="pac.yaml")
    assert "configured share" in error and "max_daily_share in pac.yaml" in error, error
