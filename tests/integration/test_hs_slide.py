"""The search's 10,000-result cap: the window slides, and a timestamp shared by more records pages by id."""

from __future__ import annotations

import base64
from collections import Counter
from datetime import UTC, datetime, timedelta

from connectors.base import ObjectKind
from connectors.hubspot.reads import search_modified, to_ms
from pac_core.records import Account
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.server import SandboxServer
from tests.contract.factory_hubspot import sandbox_connector

BASE = datetime(2027, 1, 1, tzinfo=UTC)


def _offset(body):
    """The offset a search asks for: its ``after`` cursor, digits or (``opaque_cursors``) base64 of them."""
    after = body.get("after") or "0"
    return int(after) if after.isdigit() else int(base64.urlsafe_b64decode(after))


def _pull(api):
    with SandboxServer([api]) as server:
        connector = sandbox_connector(server)
        ids = [r.id for r in connector.pull(ObjectKind.ACCOUNTS, None) if isinstance(r, Account)]
        refused = [body for _, path, body in api.requests if path.endswith("/search") and _offset(body) >= 10_000]
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


def _slide(api, since=None, **kw):
    """Every company ``search_modified`` yields on the sandbox with a small page and cap, and the searches' bodies."""
    with SandboxServer([api]) as server:
        connector = sandbox_connector(server)
        since_ms = None if since is None else to_ms(since)
        ids = [o["id"] for o in search_modified(connector.transport, "companies", ["name"], since_ms, **kw)]
        searches = [body for _, path, body in api.requests if path.endswith("/search")]
        return ids, searches


class TestWindowEdges:
    """The slide reads stamps only at a window's edges (its first records, stamped like the window's lower bound,
    and its last ones); these pin the edges on a cap of 20 and pages of 5."""

    def test_run_of_one_stamp_across_pages_at_the_cap(self):
        """13 companies share the stamp at the cap, over three pages: the next window starts at that stamp and skips
        every one of them, not only those of the last page; each company comes back exactly once, in order."""
        api = HubSpotApi(None)
        made = [api.add("companies", {"name": f"A{i}"}, modified=BASE + timedelta(seconds=i)) for i in range(9)]
        made += [api.add("companies", {"name": f"B{i}"}, modified=BASE + timedelta(seconds=30)) for i in range(13)]
        made += [api.add("companies", {"name": f"C{i}"}, modified=BASE + timedelta(seconds=40 + i)) for i in range(5)]
        ids, searches = _slide(api, page_size=5, cap=20)
        assert ids == made
        # the second window (from the shared stamp: 13 + 5 records) re-reads the 13, yields only the 5
        assert [s.get("after") for s in searches] == [None, "5", "10", "15", None, "5", "10", "15"]

    def test_records_at_the_lower_bound_already_read_are_skipped(self):
        """A window starting at a stamp held by records already read (the last 3 of the first window) leaves them
        out and keeps the 2 not yet read at that stamp."""
        api = HubSpotApi(None)
        made = [api.add("companies", {"name": f"A{i}"}, modified=BASE + timedelta(seconds=i)) for i in range(17)]
        made += [api.add("companies", {"name": f"B{i}"}, modified=BASE + timedelta(seconds=20)) for i in range(5)]
        made.append(api.add("companies", {"name": "C"}, modified=BASE + timedelta(seconds=21)))
        ids, searches = _slide(api, page_size=5, cap=20)
        assert ids == made
        second = searches[4]["filterGroups"][0]["filters"]
        lower = str(to_ms(BASE) + 20_000)
        assert second == [{"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": lower}]

    def test_incremental_window_from_a_shared_stamp(self):
        """An incremental read from a stamp that several records share returns them all once, then the later ones."""
        api = HubSpotApi(None)
        api.add("companies", {"name": "old"}, modified=BASE)
        made = [api.add("companies", {"name": f"S{i}"}, modified=BASE + timedelta(seconds=5)) for i in range(7)]
        made += [api.add("companies", {"name": f"L{i}"}, modified=BASE + timedelta(seconds=6 + i)) for i in range(20)]
        ids, _ = _slide(api, since=BASE + timedelta(seconds=5), page_size=5, cap=20)
        assert ids == made


class TestOpaqueCursors:
    """The search's ``paging.next.after`` is "the cursor token to use in the after parameter" (a string in the API
    reference): pac hands it back as it came and counts the answers itself to stay under the cap."""

    def test_opaque_cursors_page_and_slide(self):
        """47 companies, pages of 5, cap 20, cursors as base64 tokens: every company once, in order, no page
        past the cap (the pull stopped with ValueError: int('NQ==') before)."""
        api = HubSpotApi(None, opaque_cursors=True)
        made = [api.add("companies", {"name": f"A{i}"}, modified=BASE + timedelta(seconds=i)) for i in range(47)]
        ids, searches = _slide(api, page_size=5, cap=20)
        assert ids == made
        assert max(map(_offset, searches)) == 15 and len(searches) >= 47 // 5

    def test_a_whole_pull_with_opaque_cursors(self):
        """The connector's own pull of 450 companies (pages of 200) with opaque cursors reads each once."""
        api = HubSpotApi(None, opaque_cursors=True)
        made = {api.add("companies", {"name": f"C{i}"}, modified=BASE + timedelta(seconds=i)) for i in range(450)}
        ids, searches, _ = _pull(api)
        assert Counter(ids) == Counter(made) and searches == 3
