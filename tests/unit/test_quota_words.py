"""A quota stop words each CRM's own reset rule and says whose calls the figures count (audit quota F1).

Salesforce: the allocation is a rolling 24 hours ("Calls are blocked until usage for the preceding 24 hours drops
below the limit", Salesforce Help, *System Overview: API Usage*). HubSpot: "The daily limits reset at midnight based
on the time zone setting of the HubSpot account" (developers.hubspot.com/apisbytier). Both allocations are the whole
org's or portal's, every integration together: pac's guard stops when the org or portal has used its share."""

from __future__ import annotations

import json

import pytest
from simple_salesforce.exceptions import SalesforceError

from connectors.base import QuotaExhausted
from connectors.hubspot.limits import RateLimiter
from connectors.hubspot.transport import translate as hs_translate
from connectors.salesforce.client import Credentials, SfClient
from connectors.salesforce.client import translate as sf_translate
from sync_jobs.pipeline import stopped_by
from sync_jobs.run_status import RunStatus

HS_RESET = "midnight in the HubSpot account's time zone"


class _DailyRefusal:
    """What hubspot-api-client raises on a 429 of the DAILY policy."""

    status = 429
    body = json.dumps(
        {
            "status": "error",
            "message": "You have reached your daily limit.",
            "errorType": "RATE_LIMIT",
            "policyName": "DAILY",
        }
    )
    headers = None


def _hubspot_guard_stop() -> QuotaExhausted:
    """The portal at 499,995 of 1,000,000 with a 50 % share: five calls pass, the sixth is refused."""
    limiter = RateLimiter(max_daily_share=0.5)
    limiter.observe({"X-HubSpot-RateLimit-Daily": "1000000", "X-HubSpot-RateLimit-Daily-Remaining": "500005"})
    for _ in range(5):
        limiter.before()
    with pytest.raises(QuotaExhausted) as info:
        limiter.before()
    return info.value


def test_hubspots_guard_counts_the_portals_calls_not_this_runs() -> None:
    """Seen failing before the fix: "HubSpot daily API allocation: 500000 of 1000000 calls used; this run may use
    up to 50% (500000)": the 500,000 were the portal's (every integration), this run had made 5."""
    stop = _hubspot_guard_stop()
    assert (stop.used, stop.limit, stop.refused_by_crm) == (500000, 1000000, False)
    assert "the portal has used 500000 of 1000000 calls (every integration together); pac stops at 50 %" in str(stop)
    assert "this run may use" not in str(stop)


def test_hubspots_guard_stop_says_when_the_portals_day_resets() -> None:
    """Seen failing before the fix: "run it once the CRM's rolling 24-hour allocation has room" for HubSpot."""
    status, error = stopped_by(_hubspot_guard_stop(), settings="pac.yaml")
    assert status is RunStatus.QUOTA_STOPPED
    assert HS_RESET in error and "rolling" not in error, error
    assert "max_daily_share in pac.yaml" in error, error


def test_hubspots_daily_refusal_says_when_the_portals_day_resets() -> None:
    """Seen failing before the fix: "once the CRM's rolling 24-hour window frees calls" for a 429 on DAILY."""
    refusal = hs_translate(_DailyRefusal(), "search.meetings")
    assert isinstance(refusal, QuotaExhausted) and refusal.refused_by_crm
    status, error = stopped_by(refusal, settings="pac.yaml")
    assert status is RunStatus.QUOTA_STOPPED
    assert HS_RESET in error and "rolling" not in error and "max_daily_share" not in error, error


def _sf_client() -> SfClient:
    creds = Credentials.from_env(
        {
            "PAC_SF_AUTH": "client_credentials",
            "PAC_SF_DOMAIN": "acme.my.salesforce.com",
            "PAC_SF_CLIENT_ID": "cid",
            "PAC_SF_CLIENT_SECRET": "csecret-1234",
        }
    )
    return SfClient(creds)


def test_salesforces_guard_stop_keeps_the_rolling_24_hours() -> None:
    """Salesforce's allocation is a rolling 24 hours: its guard's stop says so, and not HubSpot's midnight."""
    client = _sf_client()
    client.usage.used, client.usage.limit = 57500, 115000
    with pytest.raises(QuotaExhausted) as info:
        client.guard()
    assert "57500 of 115000 used" in str(info.value)
    _status, error = stopped_by(info.value, settings="pac.yaml")
    assert "rolling 24 hours" in error and "midnight" not in error and "max_daily_share in pac.yaml" in error, error


def test_salesforces_refusal_keeps_the_rolling_24_hours() -> None:
    """The org's 403 REQUEST_LIMIT_EXCEEDED "TotalRequests Limit exceeded.": the rolling 24 hours, no setting."""
    refusal = sf_translate(
        SalesforceError(
            "https://acme.my.salesforce.com/services/data/v62.0/query/",
            403,
            "query",
            [{"errorCode": "REQUEST_LIMIT_EXCEEDED", "message": "TotalRequests Limit exceeded."}],
        ),
        "query",
    )
    assert isinstance(refusal, QuotaExhausted) and refusal.refused_by_crm
    _status, error = stopped_by(refusal, settings="pac.yaml")
    assert "rolling 24 hours" in error and "midnight" not in error and "max_daily_share" not in error, error
