"""A single-currency org whose currency is not the mapping's ``org_currency`` (a USD org keeping the shipped
``org_currency: EUR``): every amount would be read as EUR. The org's currency is read where the SOAP API documents it
(getUserInfo's ``orgDefaultCurrencyIsoCode``: "Default currency ISO code. Applicable only when
organizationMultiCurrency is false"), by ``pac config check --online`` and on the first sync only, and a mismatch is
a warning naming the mapping file, the key and the fix (audit sfrates F3). Through requests + simple-salesforce
against ``responses``."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import responses

from connectors.base import ObjectKind
from connectors.retry import RetryPolicy
from connectors.salesforce.connector import SalesforceConnector, build
from connectors.salesforce.mapping import default_mapping_path

DOMAIN = "acme.my.salesforce.com"
DATA = f"https://{DOMAIN}/services/data/v62.0"
SOAP = f"https://{DOMAIN}/services/Soap/u/62.0"
SHIPPED = default_mapping_path()         # single-currency: org_currency EUR, deals.currency_field null


def _connector() -> SalesforceConnector:
    responses.post(f"https://{DOMAIN}/services/oauth2/token",
                   json={"access_token": "tok", "instance_url": f"https://{DOMAIN}",
                         "id": "https://login.salesforce.com/id/00D000000000001AAA/005000000000001AAA"})
    return build("sf-main", SHIPPED, {"PAC_SF_AUTH": "client_credentials", "PAC_SF_DOMAIN": DOMAIN,
                                      "PAC_SF_CLIENT_ID": "cid", "PAC_SF_CLIENT_SECRET": "csecret-1234"},
                 policy=RetryPolicy(max_attempts=2, sleep=lambda _s: None, jitter=lambda: 0.0))


def _user_info(currency: str, *, multi: bool = False) -> None:
    """The SOAP API's getUserInfo answer (Partner WSDL), as documented in getUserInfoResult."""
    responses.post(SOAP, content_type="text/xml", body=(
        '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/'
        'envelope/" xmlns="urn:partner.soap.sforce.com"><soapenv:Body><getUserInfoResponse><result>'
        "<accessibilityMode>false</accessibilityMode><currencySymbol>$</currencySymbol>"
        f"<orgDefaultCurrencyIsoCode>{'' if multi else currency}</orgDefaultCurrencyIsoCode>"
        "<organizationId>00D000000000001AAA</organizationId>"
        f"<organizationMultiCurrency>{'true' if multi else 'false'}</organizationMultiCurrency>"
        "<organizationName>Acme Inc</organizationName><userId>005000000000001AAA</userId>"
        "</result></getUserInfoResponse></soapenv:Body></soapenv:Envelope>"))


def _describes() -> None:
    """Every object's describe (what the online check reads besides): no field of note."""
    responses.get(re.compile(f"{DATA}/sobjects/[A-Za-z0-9_]+/describe/?"), json={"fields": []})


def _no_deals() -> None:
    responses.get(f"{DATA}/queryAll/", json={"totalSize": 0, "done": True, "records": []})
    responses.get(f"{DATA}/query/", json={"totalSize": 0, "done": True, "records": []})


def _soap_calls() -> int:
    return sum(1 for call in responses.calls if str(call.request.url).startswith(SOAP))


@responses.activate
def test_the_first_sync_warns_of_a_usd_org_read_as_eur() -> None:
    """Seen failing before the fix: no warning, every USD amount taken as EUR."""
    connector = _connector()
    _user_info("USD")
    _no_deals()
    list(connector.pull(ObjectKind.DEALS, None))
    warned = [w for w in connector.warnings if "org_currency" in w]
    assert len(warned) == 1, connector.warnings
    assert str(SHIPPED) in warned[0] and "org_currency: EUR" in warned[0] and "USD" in warned[0]
    assert "set org_currency: USD" in warned[0]
    assert _soap_calls() == 1


@responses.activate
def test_a_normal_night_asks_nothing() -> None:
    """An incremental read (a watermark): no getUserInfo call, no warning."""
    connector = _connector()
    _user_info("USD")
    _no_deals()
    list(connector.pull(ObjectKind.DEALS, datetime(2026, 12, 5, tzinfo=UTC)))
    assert _soap_calls() == 0
    assert not [w for w in connector.warnings if "org_currency" in w]


@responses.activate
def test_the_online_check_warns_too() -> None:
    connector = _connector()
    _user_info("USD")
    _describes()
    notes = [n for n in connector.online_notes() if "org_currency" in n]
    assert len(notes) == 1, notes
    assert notes[0].startswith(f"warning: {SHIPPED}:5 org_currency: EUR is not the org's currency"), notes[0]
    assert "set org_currency: USD" in notes[0]


@responses.activate
def test_an_eur_org_or_a_multi_currency_answer_says_nothing() -> None:
    for currency, multi in (("EUR", False), ("", True)):
        connector = _connector()
        _user_info(currency, multi=multi)
        _describes()
        assert not [n for n in connector.online_notes() if "org_currency" in n]
        responses.reset()
