"""Every input path fuzzed with a small budget (``./dev fuzz`` runs the same targets with 100,000 cases): only the
documented rejections may come out, and no case may take longer than the deadline."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from connectors.salesforce.normalise import Normaliser
from tests.fuzz.targets import CONFIG, TARGETS, Target, _cached

SMALL = {"plan loader": 8, "salesforce mapping loader": 6, "hubspot mapping loader": 6, "plan importer (CSV)": 8}


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_only_documented_rejections(target: Target) -> None:
    """A few cases of the target: no crash (an exception other than InvalidInput / Rejected), none over 2 s."""
    @settings(max_examples=SMALL.get(target.name, 40), deadline=2000, database=None,
              suppress_health_check=list(HealthCheck))
    @given(target.strategy)
    def case(value: object) -> None:
        target.run(value)

    case()


class TestFoundByFuzzing:
    @pytest.mark.parametrize("items", ["2027-05-03T08:00:00.000+0000", {"records": "x"}, {"records": [1]}])
    def test_salesforce_deal_with_a_malformed_subquery_is_rejected(self, items: object) -> None:
        """OpportunityLineItems that is not a subquery result: the deal is rejected with a reason (an
        AttributeError ended the pull before)."""
        from connectors.salesforce.mapping import load_mapping
        from pac_core.records import Rejected

        normaliser = Normaliser("sf", _cached(load_mapping, CONFIG / "mappings" / "salesforce.demo.yaml"))
        rejected = normaliser.deal({"Id": "006A", "OpportunityLineItems": items})
        assert isinstance(rejected, Rejected) and "OpportunityLineItems is not a list of records" in rejected.reason

    @pytest.mark.parametrize("stamp", ["300000000000000", "99999999999999999999999", "²"])
    def test_hubspot_timestamp_out_of_range_is_no_date(self, stamp: str) -> None:
        """An epoch-milliseconds value past year 9999 (or a non-ASCII digit) reads as no date (a ValueError
        ended the pull before)."""
        from connectors.hubspot.mapping import load_mapping
        from connectors.hubspot.normalise import parse_datetime, to_account

        assert parse_datetime(stamp) is None
        mapping = _cached(load_mapping, CONFIG / "mappings" / "hubspot.default.yaml")
        account = to_account({"id": "1", "properties": {"name": "ACME"}, "updatedAt": stamp}, "hs", mapping)
        assert account.modified_at is None and account.name == "ACME"
