"""HubSpot search paging: keyset pages (each a new search from the last stamp read, never an ``after`` offset), so
records edited while pac pages skip nothing and no query nears the 10,000-result cap; a stamp shared by more than a
page is paged by id."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from connectors.base import ObjectKind
from connectors.hubspot.reads import MODIFIED, OBJECT_ID, search_modified, to_ms
from pac_core.records import Account
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.server import SandboxServer
from tests.contract.factory_hubspot import sandbox_connector

BASE = datetime(2027, 1, 1, tzinfo=UTC)


def _pull(api):
    """The companies the connector's full pull reads, its searches, and those that asked for an ``after`` offset."""
    with SandboxServer([api]) as server:
        connector = sandbox_connector(server)
        ids = [r.id for r in connector.pull(ObjectKind.ACCOUNTS, None) if isinstance(r, Account)]
        paged = [body for _, path, body in api.requests if path.endswith("/search") and "after" in body]
        return ids, connector.usage().by_endpoint["search.companies"], paged


def _bounds(body):
    """A search's paging: its sort and its filter groups as ``[(property, operator, value or values)...]``; it never
    carries ``after``."""
    assert "after" not in body, body
    groups = [[(f["propertyName"], f["operator"], f.get("value", f.get("values"))) for f in g["filters"]]
              for g in body.get("filterGroups") or []]
    return body["sorts"][0]["propertyName"], groups


class TestTenThousandCap:
    def test_more_than_ten_thousand_records_each_once(self):
        """10,450 companies (pairs sharing a second) come back exactly once each, no search paged by offset."""
        api = HubSpotApi(None)
        made = {api.add("companies", {"name": f"C{i}"}, modified=BASE + timedelta(seconds=i // 2))
                for i in range(10_450)}
        ids, searches, paged = _pull(api)
        assert Counter(ids) == Counter(made) and not paged
        # a page ending inside a pair: the next asks for the later stamps or the pair's other id, nothing twice
        assert searches == -(-10_450 // 200)

    def test_loop_guard_when_one_timestamp_holds_more_than_the_cap(self):
        """10,300 companies sharing one timestamp, then 60 later ones: paged by id, each exactly once."""
        api = HubSpotApi(None)
        same = {api.add("companies", {"name": f"S{i}"}, modified=BASE) for i in range(10_300)}
        later = {api.add("companies", {"name": f"L{i}"}, modified=BASE + timedelta(seconds=1 + i))
                 for i in range(60)}
        ids, _, paged = _pull(api)
        assert Counter(ids) == Counter(same | later) and not paged


def _slide(api, since=None, **kw):
    """Every company ``search_modified`` yields on the sandbox (``page_size`` in ``kw``), and the searches' bodies."""
    with SandboxServer([api]) as server:
        connector = sandbox_connector(server)
        since_ms = None if since is None else to_ms(since)
        ids = [o["id"] for o in search_modified(connector.transport, "companies", ["name"], since_ms, **kw)]
        searches = [body for _, path, body in api.requests if path.endswith("/search")]
        return ids, searches


def _ms(seconds):
    return str(to_ms(BASE + timedelta(seconds=seconds)))


class TestPageEdges:
    """Keyset paging on pages of 5: each page is a new search from the last stamp read, never an ``after`` offset.
    The stamps are read only at a page's edges (its first records, stamped like its lower bound, and its last ones)."""

    def test_a_page_ending_inside_a_stamp(self):
        """A page ends inside a stamp (2 of its 4 companies): the next asks for the later stamps or that stamp's
        other ids, so the 2 already read are not read again and the 2 others are; each company once, in order."""
        api = HubSpotApi(None)
        made = [api.add("companies", {"name": f"A{i}"}, modified=BASE + timedelta(seconds=i)) for i in range(3)]
        made += [api.add("companies", {"name": f"B{i}"}, modified=BASE + timedelta(seconds=10)) for i in range(4)]
        made += [api.add("companies", {"name": f"C{i}"}, modified=BASE + timedelta(seconds=11 + i)) for i in range(3)]
        ids, searches = _slide(api, page_size=5)
        assert ids == made
        assert [_bounds(s) for s in searches] == [
            (MODIFIED, []),                                                     # A0-A2, B0-B1
            (MODIFIED, [[(MODIFIED, "GT", _ms(10))],                            # B2-B3, C0-C2
                        [(MODIFIED, "EQ", _ms(10)), (OBJECT_ID, "NOT_IN", made[3:5])]])]

    def test_a_stamp_filling_whole_pages_is_paged_by_id(self):
        """13 companies share a stamp, more than a page: the page made of that stamp alone is followed by the stamp
        paged by id (EQ stamp, GT last id, sorted by id), then the search goes on strictly after it; each company
        exactly once, in order."""
        api = HubSpotApi(None)
        made = [api.add("companies", {"name": f"A{i}"}, modified=BASE + timedelta(seconds=i)) for i in range(9)]
        made += [api.add("companies", {"name": f"B{i}"}, modified=BASE + timedelta(seconds=30)) for i in range(13)]
        made += [api.add("companies", {"name": f"C{i}"}, modified=BASE + timedelta(seconds=40 + i)) for i in range(5)]
        ids, searches = _slide(api, page_size=5)
        assert ids == made
        equal = (MODIFIED, "EQ", _ms(30))
        assert [_bounds(s) for s in searches] == [
            (MODIFIED, []),                                                             # A0-A4
            (MODIFIED, [[(MODIFIED, "GT", _ms(4))],                                     # A5-A8, B0
                        [(MODIFIED, "EQ", _ms(4)), (OBJECT_ID, "NOT_IN", [made[4]])]]),
            (MODIFIED, [[(MODIFIED, "GT", _ms(30))], [equal, (OBJECT_ID, "NOT_IN", [made[9]])]]),  # B1-B5: one stamp
            (OBJECT_ID, [[equal]]),                                                     # B0-B4 by id, all read
            (OBJECT_ID, [[equal, (OBJECT_ID, "GT", made[13])]]),                        # B5-B9
            (OBJECT_ID, [[equal, (OBJECT_ID, "GT", made[18])]]),                        # B10-B12, the stamp's last
            (MODIFIED, [[(MODIFIED, "GT", _ms(30))]])]                                  # C0-C4

    def test_the_stamp_is_read_again_when_leaving_it_out_would_pass_the_limits(self):
        """Leaving out the ids read needs one more filter group; with pac's own write spans the search already has
        five (HubSpot's maximum), so the next page starts at the stamp (GTE) and the ids read come again, left out
        by pac: each company once, in order, the searches within five groups."""
        api = HubSpotApi(None)
        made = [api.add("companies", {"name": f"A{i}"}, modified=BASE + timedelta(seconds=i)) for i in range(3)]
        made += [api.add("companies", {"name": f"B{i}"}, modified=BASE + timedelta(seconds=10)) for i in range(4)]
        made += [api.add("companies", {"name": f"C{i}"}, modified=BASE + timedelta(seconds=11 + i)) for i in range(3)]
        spans = [(to_ms(BASE) + 100_000 * k, to_ms(BASE) + 100_000 * k + 10) for k in range(1, 5)]
        ids, searches = _slide(api, page_size=5, skip=spans)
        assert ids == made
        second = _bounds(searches[1])[1]
        assert len(second) == 5 and all(g[0] == (MODIFIED, "GTE", _ms(10)) for g in second)

    def test_incremental_read_from_a_shared_stamp(self):
        """An incremental read from a stamp that several records share returns them all once, then the later ones."""
        api = HubSpotApi(None)
        api.add("companies", {"name": "old"}, modified=BASE)
        made = [api.add("companies", {"name": f"S{i}"}, modified=BASE + timedelta(seconds=5)) for i in range(7)]
        made += [api.add("companies", {"name": f"L{i}"}, modified=BASE + timedelta(seconds=6 + i)) for i in range(20)]
        ids, _ = _slide(api, since=BASE + timedelta(seconds=5), page_size=5)
        assert ids == made


class TestOpaqueCursors:
    """The search's ``paging.next.after`` is "the cursor token to use in the after parameter" (a string in the API
    reference). pac reads only whether it is there (more results) and never sends one back: each page is a new
    search, so an opaque token changes nothing."""

    def test_opaque_cursors_page_and_slide(self):
        """47 companies, pages of 5, cursors as base64 tokens: every company once, in order, no ``after`` sent."""
        api = HubSpotApi(None, opaque_cursors=True)
        made = [api.add("companies", {"name": f"A{i}"}, modified=BASE + timedelta(seconds=i)) for i in range(47)]
        ids, searches = _slide(api, page_size=5)
        assert ids == made
        assert not any("after" in s for s in searches) and len(searches) == 10     # 5 new a page

    def test_a_whole_pull_with_opaque_cursors(self):
        """The connector's own pull of 450 companies (pages of 200) with opaque cursors reads each once."""
        api = HubSpotApi(None, opaque_cursors=True)
        made = {api.add("companies", {"name": f"C{i}"}, modified=BASE + timedelta(seconds=i)) for i in range(450)}
        ids, searches, _ = _pull(api)
        assert Counter(ids) == Counter(made) and searches == 3


class EditedWhilePaging:
    """The sandbox portal ``api`` where a workflow edits the records ``ids`` (already read) right after answering the
    ``after``-th search of ``object_type``: each moves from its place to the end of the stamp sort, as on HubSpot."""

    def __init__(self, api, object_type, ids, *, after=1):
        self.inner, self.name, self.prefixes = api, api.name, api.prefixes
        self.path, self.ids, self.after, self.searches = f"/{object_type}/search", list(ids), after, 0
        self.object_type = object_type

    def handle(self, request, fault):
        response = self.inner.handle(request, fault)
        if request.method == "POST" and request.path.endswith(self.path):
            self.searches += 1
            if self.searches == self.after:
                for i in self.ids:
                    self.inner.update(self.object_type, i, {"name": "renamed by a workflow"})
        return response


def _read_while_edited(api, edited, since, *, after=1):
    """Every company id ``search_modified`` yields (pages of 200) while ``edited`` are edited after search ``after``."""
    editing = EditedWhilePaging(api, "companies", edited, after=after)
    with SandboxServer([editing]) as server:
        connector = sandbox_connector(server)
        ids = [o["id"] for o in search_modified(connector.transport, "companies", ["name"], to_ms(since))]
        assert editing.searches > after        # the edits came between two pages
        return ids


class TestEditedWhilePaging:
    """HubSpot's search ``after`` is an offset into results computed again for every page: a record edited while pac
    pages moves to the end, and an offset then jumps over the record after the page. Keyset paging skips nothing."""

    DAY = datetime.now(UTC) - timedelta(hours=6)

    @pytest.mark.parametrize("edits", [1, 3])
    def test_records_edited_after_page_one_skip_nothing(self, edits):
        """1,000 companies changed 1 s apart; after page 1 a workflow edits companies #50.. (already read): all 1,000
        are read (by offsets: 999 distinct for one edit, #200 never read), each edited one again with its new stamp."""
        api = HubSpotApi(None)
        made = [api.add("companies", {"name": f"C{i}"}, modified=self.DAY + timedelta(seconds=i)) for i in range(1000)]
        ids = _read_while_edited(api, made[50:50 + edits], self.DAY - timedelta(minutes=5))
        assert [i for i, c in enumerate(made) if c not in set(ids)] == []
        assert Counter(ids) == Counter(made) + Counter(made[50:50 + edits])

    def test_records_edited_while_one_stamp_is_paged_by_id(self):
        """450 companies share one stamp (more than a page), 50 come later; after the first page by id, two of the
        shared stamp's companies already read are edited: every company is read, the edited ones again."""
        api = HubSpotApi(None)
        same = [api.add("companies", {"name": f"S{i}"}, modified=self.DAY) for i in range(450)]
        later = [api.add("companies", {"name": f"L{i}"}, modified=self.DAY + timedelta(seconds=1 + i))
                 for i in range(50)]
        ids = _read_while_edited(api, same[10:12], self.DAY, after=2)
        assert [c for c in same + later if c not in set(ids)] == []
        assert Counter(ids) == Counter(same + later) + Counter(same[10:12])

    def test_two_nights_read_every_company_changed_during_the_day(self):
        """Through the connector's pull: night 1 reads while a workflow edits company #10 after page 1, its
        watermark is the newest stamp read; night 2 reads from it. Every company changed during the day is read
        (by offsets: #200 was in neither night, whose watermark had passed it)."""
        api = HubSpotApi(None)
        owner = api.add_owner("a@x.example", "A", "B")
        made = [api.add("companies", {"name": f"C{i}", "zip": "69003", "hubspot_owner_id": owner},
                        modified=self.DAY + timedelta(seconds=i)) for i in range(1000)]
        editing = EditedWhilePaging(api, "companies", [made[10]])
        with SandboxServer([editing]) as server:
            connector = sandbox_connector(server)
            night1 = [r for r in connector.pull(ObjectKind.ACCOUNTS, self.DAY - timedelta(hours=1))
                      if isinstance(r, Account)]
            watermark = max(r.modified_at for r in night1)
            night2 = [r for r in connector.pull(ObjectKind.ACCOUNTS, watermark) if isinstance(r, Account)]
        read = {r.id for r in night1} | {r.id for r in night2}
        assert [i for i, c in enumerate(made) if c not in read] == []
