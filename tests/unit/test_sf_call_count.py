"""Salesforce's per-run call count is one per request sent, answered or not (audit quota F2): a request whose
connection dropped or timed out may well have been executed, and charged, by the org, and the run's "API calls"
(``pac status``, the report) say what was sent, as HubSpot's transport counts each attempt before sending it."""

from __future__ import annotations

import requests
import responses

from connectors.retry import RetryPolicy
from connectors.salesforce.client import Credentials, SfClient

DOMAIN = "acme.my.salesforce.com"
TOKEN = f"https://{DOMAIN}/services/oauth2/token"
QUERY = f"https://{DOMAIN}/services/data/v62.0/query/"


def _client() -> SfClient:
    creds = Credentials.from_env(
        {
            "PAC_SF_AUTH": "client_credentials",
            "PAC_SF_DOMAIN": DOMAIN,
            "PAC_SF_CLIENT_ID": "cid",
            "PAC_SF_CLIENT_SECRET": "csecret-1234",
        }
    )
    return SfClient(creds, policy=RetryPolicy(sleep=lambda _s: None, jitter=lambda: 0.0))


@responses.activate
def test_requests_that_got_no_answer_are_counted() -> None:
    """The token request drops once, the query drops once and times out once, then each is answered: 5 requests
    sent, 5 counted, and the answer's ``Sforce-Limit-Info`` and ``Date`` are still read (seen failing before the fix:
    calls 2, by endpoint {'oauth2': 1, 'query': 1}: only the answered requests were counted)."""
    responses.post(TOKEN, body=requests.ConnectionError("connection dropped"))
    responses.post(
        TOKEN,
        json={
            "access_token": "tok",
            "instance_url": f"https://{DOMAIN}",
            "id": "https://login.salesforce.com/id/00D000000000001AAA/005000000000001AAA",
        },
    )
    responses.get(QUERY, body=requests.ConnectionError("connection dropped"))
    responses.get(QUERY, body=requests.ReadTimeout("read timed out"))
    responses.get(
        QUERY,
        json={"totalSize": 0, "done": True, "records": []},
        headers={"Sforce-Limit-Info": "api-usage=42/15000", "Date": "Sun, 06 Dec 2026 05:00:00 GMT"},
    )
    client = _client()
    assert list(client.query_pages("SELECT Id FROM User")) == [[]]
    assert len(responses.calls) == 5
    assert (client.usage.calls, client.usage.by_endpoint) == (5, {"oauth2": 2, "query": 3})
    assert (client.usage.used, client.usage.limit) == (42, 15000)
    assert client.server_time is not None and client.server_time.isoformat() == "2026-12-06T05:00:00+00:00"
