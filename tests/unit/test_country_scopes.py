"""A US segment across both CRMs: the country as each CRM keeps it, one reader, one scope."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from connectors.hubspot.mapping import load_mapping as load_hubspot_mapping
from connectors.hubspot.normalise import to_account
from connectors.salesforce.mapping import load_mapping as load_salesforce_mapping
from connectors.salesforce.normalise import Normaliser
from pac_config.loader import config_dir
from pac_core.engine import evaluate
from pac_core.plan import Segment, SegmentKind
from pac_core.records import Account, Records
from pac_core.scope_eval import compile_scope
from pac_core.scopes import parse_scope
from pac_core.window import Window
from tests.unit.test_engine_support import PARIS, USERS, action, axis, plan, utc, visit

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


class TestZipPlusFour:
    """A US account's postal code as the CRM often keeps it, ZIP+4 (« 60606-1234 »), is in the ZIP a plan names: the
    plan takes 5 characters or a prefix (a ZIP+4 there is refused), so `postal_code: "60606"` is the Chicago Loop's
    ZIP, and its ZIP+4 accounts are in it, as « 69003 Lyon » is in « 69003 » (docs/plan-format.md)."""

    ACCOUNTS = (Account("z4", "sf", "Loop ZIP+4", postal_code="60606-1234", country="US"),
                Account("z5", "sf", "Loop ZIP", postal_code="60606", country="US"),
                Account("other", "sf", "Evanston", postal_code="60201-4410", country="US"))

    def _inside(self, scope: dict[str, object]) -> list[str]:
        test = compile_scope(parse_scope(scope), as_of_for_dormant=date(2027, 5, 3), last_won={}, owner_email={})
        return [a.id for a in self.ACCOUNTS if test(a) is None]

    def test_a_zip_holds_its_zip_plus_four_accounts(self) -> None:
        assert self._inside({"postal_code": "60606"}) == ["z4", "z5"]
        assert self._inside({"postal_code": ["60606*"]}) == ["z4", "z5"]
        assert self._inside({"postal_code": ["606*"]}) == ["z4", "z5"]

    def test_outside_a_zip_is_not_its_zip_plus_four(self) -> None:
        assert self._inside({"not": {"postal_code": "60606"}}) == ["other"]

    def test_the_action_counts_the_visit_to_the_zip_plus_four_account(self) -> None:
        """Julie's visits in week 18 to the two Loop accounts and the Evanston one, `postal_code: "60606"`: 2 (both
        Loop accounts; it read 1, the ZIP+4 account outside); `not: {postal_code: "60606"}`: 1 (Evanston; it read 2)."""
        week = Window(datetime(2027, 5, 3, tzinfo=PARIS), datetime(2027, 5, 10, tzinfo=PARIS), "semaine 18")
        visits = tuple(visit(f"v-{a.id}", a.id, utc(5, 4, 8)) for a in self.ACCOUNTS)
        records = Records(accounts=self.ACCOUNTS, activities=visits, users=USERS)
        for scope, done in (({"postal_code": "60606"}, 2), ({"not": {"postal_code": "60606"}}, 1)):
            p = plan(action(window=week, scope=parse_scope(scope)), axes=(axis("AX-DORMANT", "SEG-ALL"),),
                     segments=(Segment("SEG-ALL", "All", SegmentKind.HORIZONTAL),))
            assert evaluate(p, records, as_of=datetime(2027, 6, 1, tzinfo=PARIS)).action("A-01").done == done, scope
