"""The search's 10,000-result cap: the window slides, and a timestamp shared by more records pages by id."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from connectors.base import ObjectKind
from pac_core.records import Account
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.server import SandboxServer
from tests.contract.factory_hubspot import sandbox_connector

BASE = datetime(2027, 1, 1, tzinfo=UTC)


def _pull(api):
    with SandboxServer([api]) as server:
        connector = sandbox_connector(server)
        ids = [r.id for r in connector.pull(ObjectKind.ACCOUNTS, None) if isinstance(r, Account)]
        refused = [body for _, path, body in api.requests
                   if path.endswith("/search") and int(body.get("after") or 0) >= 10_000]
        return ids, connector.usage().by_endpoint["search.companies"], refused


class TestSlidingWindow:
    def test_more_than_ten_thousand_records_each_once(self):
        """10,450 companies (pairs sharing a second) come back exactly once each, no page past the cap."""
        api = HubSpotApi(None)
        made = {api.add("companies", {"name": f"C{i}"}, modified=BASE + timedelta(seconds=i // 2))
                for i in range(10_450)}
        ids, searches, refused = _pull(api)
        assert Counter(ids) == Counter(made) and not refused
        assert searches <= 10_450 // 200 + 3     # one re-read page per slide at most

    def test_loop_guard_when_one_timestamp_holds_more_than_the_cap(self):
        """10,300 companies sharing one timestamp, then 60 later ones: paged by id, each exactly once."""
        api = HubSpotApi(None)
        same = {api.add("companies", {"name": f"S{i}"}, modified=BASE) for i in range(10_300)}
        later = {api.add("companies", {"name": f"L{i}"}, modified=BASE + timedelta(seconds=1 + i))
                 for i in range(60)}
        ids, _, refused = _pull(api)
        assert Counter(ids) == Counter(same | later) and not refused
