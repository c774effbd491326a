"""An axis written in a currency the multi-currency org does not have: refused before any call, with the fix, through
the real requests + simple-salesforce stack against ``responses`` (audit sfmoney F1).

A record's ``CurrencyIsoCode`` is a picklist of the org's currencies (``CurrencyType``: "Inactive currency types do not
appear in picklists", Object Reference, CurrencyType.IsActive): a CHF plan on an EUR/USD org cannot label its axes
CHF, and writing them in another currency would show the CHF amounts as EUR."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import responses

from connectors.base import Target, WriteChange
from connectors.retry import RetryPolicy
from connectors.salesforce.connector import SalesforceConnector, build
from pac_config.loader import config_dir

DOMAIN = "acme.my.salesforce.com"
DATA = f"https://{DOMAIN}/services/data/v62.0"
DEMO = config_dir() / "mappings" / "salesforce.demo.yaml"          # multi-currency: deals.currency_field
AXES = f"{DATA}/composite/sobjects/PAC_Axis__c/PAC_Key__c"
ACTIONS = f"{DATA}/composite/sobjects/PAC_Action__c/PAC_Key__c"
NOW = datetime(2027, 5, 4, 8, 0, tzinfo=UTC)
CURRENCIES = [{"IsoCode": "EUR", "ConversionRate": 1.0, "DecimalPlaces": 2, "IsCorporate": True, "IsActive": True},
              {"IsoCode": "USD", "ConversionRate": 1.08, "DecimalPlaces": 2, "IsCorporate": False, "IsActive": True},
              {"IsoCode": "GBP", "ConversionRate": 0.86, "DecimalPlaces": 2, "IsCorporate": False, "IsActive": False}]


def _connector() -> SalesforceConnector:
    responses.post(f"https://{DOMAIN}/services/oauth2/token",
                   json={"access_token": "tok", "instance_url": f"https://{DOMAIN}",
                         "id": "https://login.salesforce.com/id/00D000000000001AAA/005000000000001AAA"})
    return build("sf-main", DEMO, {"PAC_SF_AUTH": "client_credentials", "PAC_SF_DOMAIN": DOMAIN,
                                   "PAC_SF_CLIENT_ID": "cid", "PAC_SF_CLIENT_SECRET": "csecret-1234"},
                 policy=RetryPolicy(max_attempts=2, sleep=lambda _s: None, jitter=lambda: 0.0))


def _org(rows: list[dict[str, Any]]) -> None:
    """The org's CurrencyType rows, and no DatedConversionRate (no advanced currency management)."""
    responses.get(f"{DATA}/query/", json={"totalSize": len(rows), "done": True, "records": rows})
    responses.get(f"{DATA}/query/", status=400, json=[{"errorCode": "INVALID_TYPE", "message": (
        "sObject type 'DatedConversionRate' is not supported.")}])


def _changes(currency: str) -> list[WriteChange]:
    return [WriteChange(Target.AXIS, "p:AX-1", {"name": "Axis 1", "currency": currency, "target": 150000}),
            WriteChange(Target.ACTION, "p:A-1", {"name": "Action 1", "axis_key": "p:AX-1"})]


def _patched() -> list[str]:
    return [str(call.request.url) for call in responses.calls if call.request.method == "PATCH"]


@responses.activate
def test_an_axis_in_a_currency_the_org_lacks_is_refused_before_any_call() -> None:
    """A CHF plan on an org whose currencies are EUR and USD: the axis is not sent (no PATCH at all), its result names
    CHF, the org's currencies and where to add it; its action waits for it (retried next run). Seen failing before
    the fix: the axis was sent with CurrencyIsoCode CHF, which the org refuses every night."""
    connector = _connector()
    _org(CURRENCIES)
    results = connector.write(_changes("CHF"))
    assert _patched() == []
    axis, action = results
    assert not axis.ok and not axis.retryable
    assert "CHF" in (axis.error or "") and "EUR, USD" in (axis.error or "") and "Manage Currencies" in (
        axis.error or ""), axis.error
    assert not action.ok and action.retryable and "p:AX-1" in (action.error or "")


@responses.activate
def test_an_inactive_currency_is_refused_too() -> None:
    """GBP is in CurrencyType but inactive: refused the same way, saying it is inactive."""
    connector = _connector()
    _org(CURRENCIES)
    axis, _action = connector.write(_changes("GBP"))
    assert not axis.ok and "inactive" in (axis.error or ""), axis.error
    assert _patched() == []


@responses.activate
def test_a_currency_the_org_has_is_written_with_the_amounts() -> None:
    """A USD plan on the same org: the axis goes with CurrencyIsoCode USD, then its action."""
    connector = _connector()
    _org(CURRENCIES)
    responses.patch(AXES, json=[{"success": True, "id": "a01", "created": True, "errors": []}])
    responses.patch(ACTIONS, json=[{"success": True, "id": "a02", "created": True, "errors": []}])
    axis, action = connector.write(_changes("USD"))
    assert axis.ok and action.ok
    sent = responses.calls[[c.request.method for c in responses.calls].index("PATCH")].request.body
    assert b'"CurrencyIsoCode": "USD"' in sent, sent


@responses.activate
def test_an_org_whose_currencies_cannot_be_read_is_written_as_before() -> None:
    """CurrencyType unreadable (no rates, a warning): pac cannot tell, and sends the axis as before."""
    connector = _connector()
    responses.get(f"{DATA}/query/", status=400, json=[{"errorCode": "INVALID_TYPE", "message": (
        "sObject type 'CurrencyType' is not supported.")}])
    responses.patch(AXES, json=[{"success": True, "id": "a01", "created": True, "errors": []}])
    responses.patch(ACTIONS, json=[{"success": True, "id": "a02", "created": True, "errors": []}])
    axis, action = connector.write(_changes("CHF"))
    assert axis.ok and action.ok
