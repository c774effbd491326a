"""A US segment across both CRMs: the country as each CRM keeps it, one reader, one scope."""

from __future__ import annotations

from datetime import date

import pytest

from connectors.hubspot.mapping import load_mapping as load_hubspot_mapping
from connectors.hubspot.normalise import to_account
from connectors.salesforce.mapping import load_mapping as load_salesforce_mapping
from connectors.salesforce.normalise import Normaliser
from pac_config.loader import config_dir
from pac_core.records import Account
from pac_core.scope_eval import compile_scope
from pac_core.scopes import parse_scope

STAMP = "2027-05-04T10:00:00.000+0000"


def _accounts() -> list[Account]:
    hubspot = load_hubspot_mapping()
    salesforce = Normaliser("sf", load_salesforce_mapping(config_dir() / "mappings" / "salesforce.default.yaml"))
    out: list[Account] = []
    for i, country in enumerate(("United States", "USA", "U.S.", "France")):
        acc = to_account({"id": f"h{i}", "properties": {"name": f"HubSpot {country}", "zip": "60601",
                                                        "country": country,
                                                        "hs_lastmodifieddate": "2027-05-03T07:30:00.000Z"}},
                         "hs", hubspot)
        assert isinstance(acc, Account)
        out.append(acc)
    for i, country in enumerate(("United States of America", "Canada")):
        acc = salesforce.account({"Id": f"001{i}", "Name": f"Salesforce {country}", "BillingPostalCode": "60601",
                                  "BillingCountry": country, "SystemModstamp": STAMP})
        assert isinstance(acc, Account)
        out.append(acc)
    return out


@pytest.mark.parametrize("written", ["US", "USA", "United States"])
def test_us_segment_holds_every_spelling_from_both_crms(written: str) -> None:
    """HubSpot companies "United States", "USA", "U.S." and the Salesforce account "United States of America" are
    all in a `country: <written>` segment; the French company and the Canadian account are not."""
    test = compile_scope(parse_scope({"country": written}), as_of_for_dormant=date(2027, 5, 3), last_won={},
                         owner_email={})
    inside = [a.name for a in _accounts() if test(a) is None]
    assert inside == ["HubSpot United States", "HubSpot USA", "HubSpot U.S.", "Salesforce United States of America"]
