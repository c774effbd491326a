"""Companies and deals that leave a HubSpot portal stop counting on the next incremental night, not at the next full
reconciliation: merged records (a merge makes a new record whose ``hs_merged_object_ids`` lists the ids merged into
it; those ids vanish from search without being archived) and deleted (archived) won deals and companies. Through
hubspot-api-client against the sandbox CRM, into the store (SQLite and PostgreSQL), evaluated by the engine."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial

import pytest
from sqlalchemy import Engine

from connectors.base import HistoryRead, ObjectKind, StoredRecords
from connectors.hubspot.connector import HubSpotConnector
from pac_core.engine import evaluate
from pac_core.plan import Segment, SegmentKind
from pac_core.records import Records, Rejected
from pac_core.scopes import parse_scope
from pac_core.window import Window
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.server import SandboxServer
from sync_jobs.store import open_store
from sync_jobs.store import records as store_records
from tests.contract.factory_hubspot import sandbox_connector
from tests.unit.test_engine_support import JULIE, PARIS, action, axis, plan

APRIL = Window(datetime(2027, 4, 1, tzinfo=PARIS), datetime(2027, 5, 1, tzinfo=PARIS), "avril")
AS_OF = datetime(2027, 6, 1, tzinfo=PARIS)
SEG = Segment("SEG", "Rhône", SegmentKind.HORIZONTAL, parse_scope({"departement": "69"}))
NIGHT = datetime(2027, 5, 20, 2, 0, tzinfo=UTC)
STAMP = datetime(2027, 4, 20, 12, 0, tzinfo=UTC)       # when the seeded records last changed


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = open_store(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def portal() -> Iterator[tuple[HubSpotApi, HubSpotConnector, str]]:
    api = HubSpotApi(None)
    with SandboxServer([api]) as server:
        julie = api.add_owner(JULIE, "Julie", "Martin")
        connector = sandbox_connector(server)
        yield api, connector, julie
        connector.close()


def _company(api: HubSpotApi, name: str, owner: str) -> str:
    return api.add("companies", {"name": name, "zip": "69003", "hubspot_owner_id": owner}, modified=STAMP)


def _won(api: HubSpotApi, company: str, amount: str, owner: str) -> str:
    deal = api.add("deals", {"dealname": f"Pompe {amount}", "amount": amount, "closedate": "2027-04-10T10:00:00.000Z",
                             "pipeline": "default", "dealstage": "closedwon", "deal_currency_code": "EUR",
                             "hubspot_owner_id": owner}, modified=STAMP)
    api.associate("deals", deal, "companies", company, primary=True)
    return deal


NIGHT_KINDS = (ObjectKind.USERS, ObjectKind.ACCOUNTS, ObjectKind.DEALS)


def _night(engine: Engine, connector: HubSpotConnector, since: datetime | None, run_id: int,
           kinds: tuple[ObjectKind, ...] = NIGHT_KINDS, warned: list[Rejected] | None = None) -> datetime | None:
    """One night's pull of users, companies and deals (or ``kinds``) into the store (a full read when ``since`` is
    None, as the pipeline does on a first run), the connector given the store's records as a sync gives them
    (``StoredRecords``; its data-quality warnings added to ``warned``); the new watermark (the highest change stamp
    read)."""
    stored = StoredRecords(partial(store_records.live_records, engine, connector.name),
                           lambda kind: store_records.retired_records(engine, connector.name, kind,
                                                                      NIGHT - timedelta(days=90)),
                           partial(store_records.placements, engine, connector.name))
    connector.remember_stored(stored)
    top = since
    for kind in kinds:
        got = [r for r in connector.pull(kind, since, full=since is None)
               if not isinstance(r, Rejected | HistoryRead)]      # no record: which histories were read
        store_records.upsert_records(engine, connector.name, got, run_id=run_id, now=NIGHT)
        stamps = [r.modified_at for r in got if kind is not ObjectKind.USERS and r.modified_at is not None]
        top = max([*stamps, *([top] if top else [])], default=None)
    if warned is not None:
        warned.extend(stored.warnings)
    return top


def _stored(engine: Engine, connector: HubSpotConnector) -> Records:
    return store_records.load_records(engine, [connector.name])


def _april_revenue(records: Records, scope: dict[str, str] | None = None) -> Decimal:
    ax = axis("AX", "SEG", scope=parse_scope(scope or {}), baseline="0")
    ax = replace(ax, objective=replace(ax.objective, period=APRIL))
    return evaluate(plan(action(axis_id="AX"), axes=(ax,), segments=(SEG,)), records, as_of=AS_OF).axis("AX").revenue


def _live(records: Records) -> tuple[list[str], list[str]]:
    return (sorted(a.id for a in records.accounts if not a.deleted),
            sorted(d.id for d in records.deals if not d.deleted))


class TestMerges:
    def test_merged_companies_and_deals_count_once_on_the_next_incremental_night(self, engine, portal):
        """Lyon A was keyed twice, and its 1,000 EUR April pump sale once on each copy. The first night counts what
        the portal shows: 2 companies, 2 deals, 2,000 EUR. A user merges the companies (a new company C) and the
        deals (a new deal D, on C). The next incremental night must leave one company (C) and one deal (D): 1,000 EUR.
        Before, the merged-away ids stayed in the store until the next full read: 3 companies, 3 deals, 3,000 EUR."""
        api, connector, julie = portal
        a, b = _company(api, "Lyon A", julie), _company(api, "Lyon A (doublon)", julie)
        d1, d2 = _won(api, a, "1000", julie), _won(api, b, "1000", julie)
        mark = _night(engine, connector, None, run_id=1)
        assert _live(_stored(engine, connector)) == (sorted([a, b]), sorted([d1, d2]))
        assert _april_revenue(_stored(engine, connector)) == Decimal("2000")

        c = api.merge("companies", a, b)
        d = api.merge("deals", d1, d2)
        assert api.tables["deals"].rows[d].props["hs_merged_object_ids"] == f"{d1};{d2}"
        _night(engine, connector, mark, run_id=2)
        stored = _stored(engine, connector)
        assert _live(stored) == ([c], [d])
        assert not {a, b} & (set(api.tables["companies"].rows) | set(api.tables["companies"].archived))
        assert {x.id: x.account_id for x in stored.deals if not x.deleted} == {d: c}
        assert _april_revenue(stored) == Decimal("1000")

    def test_the_children_of_merged_companies_keep_counting_on_the_next_incremental_night(self, engine, portal):
        """Lyon A keyed twice, a 1,000 EUR won deal and a visit on each copy. The companies are merged (new company C);
        the deals and the visits are not: HubSpot moves their associations to C without touching their stamps, so
        the night's searches do not see them. The next incremental night must still hold both deals and both visits,
        now on C: 2,000 EUR. Before, they stayed on the retired ids until the next full read and stopped counting."""
        api, connector, julie = portal
        a, b = _company(api, "Lyon A", julie), _company(api, "Lyon A (doublon)", julie)
        d1, d2 = _won(api, a, "1000", julie), _won(api, b, "1000", julie)
        visits = [api.add("meetings", {"hs_meeting_start_time": "2027-04-12T08:00:00.000Z",
                                       "hs_activity_type": "Visite client", "hs_meeting_outcome": "COMPLETED",
                                       "hubspot_owner_id": julie}, companies=(company,), modified=STAMP)
                  for company in (a, b)]
        kinds = (ObjectKind.USERS, ObjectKind.ACCOUNTS, ObjectKind.ACTIVITIES, ObjectKind.DEALS)
        mark = _night(engine, connector, None, run_id=1, kinds=kinds)
        assert _april_revenue(_stored(engine, connector)) == Decimal("2000")

        # a day later (a contact changed then: the portal's clock moves on), the merge; the night after reads from
        # half a day after the seeded stamps, far past the overlap
        api.add("contacts", {"email": "x@example.com"}, modified=STAMP + timedelta(days=1))
        c = api.merge("companies", a, b)
        assert mark == STAMP
        _night(engine, connector, STAMP + timedelta(hours=12), run_id=2, kinds=kinds)
        stored = _stored(engine, connector)
        assert _live(stored) == ([c], sorted([d1, d2]))
        assert {x.id: x.account_id for x in stored.deals if not x.deleted} == {d1: c, d2: c}
        assert {x.id: x.account_id for x in stored.activities if not x.deleted} == dict.fromkeys(visits, c)
        assert _april_revenue(stored) == Decimal("2000")

    def test_records_placed_through_a_contact_or_a_deal_follow_the_merge(self, engine, portal):
        """A 1,000 EUR won deal and a visit on Paul only (his primary company Lyon A places them), and a quote
        follow-up visit on a deal only (the deal's company places it). Lyon A is merged with its duplicate: HubSpot
        moves Paul's primary association and the deal's company to the new company C without touching the records'
        stamps. The next incremental night must have them on C (audit R-2). Before, they stayed on the retired id:
        April revenue 1,000 -> 0 until the next full read, the visits on a deleted account."""
        api, connector, julie = portal
        a, b = _company(api, "Lyon A", julie), _company(api, "Lyon A (doublon)", julie)
        paul = api.add("contacts", {"email": "paul@lyon.example"}, modified=STAMP)
        api.associate("contacts", paul, "companies", a, primary=True)
        web = api.add("deals", {"dealname": "Web order", "amount": "1000", "closedate": "2027-04-10T10:00:00.000Z",
                                "pipeline": "default", "dealstage": "closedwon", "deal_currency_code": "EUR",
                                "hubspot_owner_id": julie}, modified=STAMP)
        api.associate("deals", web, "contacts", paul)
        quote = api.add("deals", {"dealname": "Devis", "amount": "500", "closedate": "2027-06-10T10:00:00.000Z",
                                  "pipeline": "default", "dealstage": "appointmentscheduled",
                                  "deal_currency_code": "EUR", "hubspot_owner_id": julie}, modified=STAMP)
        api.associate("deals", quote, "companies", a, primary=True)
        meeting = {"hs_timestamp": "2027-04-12T08:00:00.000Z", "hs_activity_type": "Visite client",
                   "hs_meeting_outcome": "COMPLETED", "hubspot_owner_id": julie}
        on_paul = api.add("meetings", dict(meeting), modified=STAMP)
        api.associate("meetings", on_paul, "contacts", paul)
        on_deal = api.add("meetings", dict(meeting), modified=STAMP)
        api.associate("meetings", on_deal, "deals", quote)
        kinds = (ObjectKind.USERS, ObjectKind.ACCOUNTS, ObjectKind.ACTIVITIES, ObjectKind.DEALS)
        _night(engine, connector, None, run_id=1, kinds=kinds)
        stored = _stored(engine, connector)
        assert {x.id: x.account_id for x in stored.activities} == {on_paul: a, on_deal: a}
        assert _april_revenue(stored) == Decimal("1000")

        api.add("contacts", {"email": "x@example.com"}, modified=STAMP + timedelta(days=1))
        c = api.merge("companies", a, b)
        _night(engine, connector, STAMP + timedelta(hours=12), run_id=2, kinds=kinds)
        stored = _stored(engine, connector)
        assert {x.id: x.account_id for x in stored.deals if not x.deleted} == {web: c, quote: c}
        assert {x.id: x.account_id for x in stored.activities if not x.deleted} == {on_paul: c, on_deal: c}
        assert _april_revenue(stored) == Decimal("1000")

    def test_a_merge_seen_by_a_full_company_read_still_moves_the_incremental_children(self, engine, portal):
        """The night after the merge reads the companies in full (their reading changed, say) and the deals
        incrementally: the deals the merge moved are still read, now on C (a merge was noted only by an incremental
        company read)."""
        api, connector, julie = portal
        a, b = _company(api, "Lyon A", julie), _company(api, "Lyon A (doublon)", julie)
        d1, d2 = _won(api, a, "1000", julie), _won(api, b, "1000", julie)
        mark = _night(engine, connector, None, run_id=1)
        assert mark is not None
        api.add("contacts", {"email": "x@example.com"}, modified=STAMP + timedelta(days=1))
        c = api.merge("companies", a, b)
        since = STAMP + timedelta(hours=12)
        list(connector.pull(ObjectKind.ACCOUNTS, since, full=True))
        deals = {d.id: d.account_id for d in connector.pull(ObjectKind.DEALS, since)
                 if not isinstance(d, Rejected) and not d.deleted}
        assert deals == {d1: c, d2: c}

    def test_a_company_merged_long_ago_does_not_send_its_children_to_be_read_again(self, engine, portal):
        """The merged company C, edited weeks after the merge (its name), lists merged ids for ever: that night reads
        C, and no association or record of its children (the review: every change of a merged key account re-read
        all its meetings, calls and deals)."""
        api, connector, julie = portal
        a, b = _company(api, "Lyon A", julie), _company(api, "Lyon A (doublon)", julie)
        _won(api, a, "1000", julie)
        kinds = (ObjectKind.USERS, ObjectKind.ACCOUNTS, ObjectKind.ACTIVITIES, ObjectKind.DEALS)
        c = api.merge("companies", a, b)
        mark = _night(engine, connector, None, run_id=1, kinds=kinds)
        assert mark is not None
        api.add("contacts", {"email": "x@example.com"}, modified=mark + timedelta(days=20))   # weeks later
        api.update("companies", c, {"name": "Lyon A SA"})
        api.requests.clear()
        _night(engine, connector, mark + timedelta(days=19), run_id=2, kinds=kinds)
        asked = [path for _, path, _ in api.requests]
        assert any("/companies/search" in p for p in asked)
        children = [p for p in asked if "/associations/companies/" in p
                    or ("/objects/deals/batch/read" in p)]
        assert children == [], asked

    def test_a_chain_of_merges_retires_every_id(self, engine, portal):
        """A and B merge into C, then C and E into F: F lists A, B, C and E; a night that only sees F (C was never
        stored) still retires A, B and E. One company left."""
        api, connector, julie = portal
        a, b, e = (_company(api, name, julie) for name in ("Lyon A", "Lyon A bis", "Lyon A ter"))
        mark = _night(engine, connector, None, run_id=1)
        c = api.merge("companies", a, b)
        f = api.merge("companies", c, e)
        assert api.tables["companies"].rows[f].props["hs_merged_object_ids"] == f"{a};{b};{c};{e}"
        _night(engine, connector, mark, run_id=2)
        assert _live(_stored(engine, connector))[0] == [f]


class TestDeletions:
    def test_deleted_won_deal_and_company_stop_counting_on_the_next_incremental_night(self, engine, portal):
        """Two won April deals on Lyon A (700 + 300 EUR) and a second company. The 300 EUR deal and the second
        company are deleted in HubSpot: the next incremental night counts 700 EUR and one company (before: 1,000 EUR
        and two companies until the periodic full read)."""
        api, connector, julie = portal
        a, gone = _company(api, "Lyon A", julie), _company(api, "Villeurbanne B", julie)
        keep, lost = _won(api, a, "700", julie), _won(api, a, "300", julie)
        mark = _night(engine, connector, None, run_id=1)
        assert _april_revenue(_stored(engine, connector)) == Decimal("1000")
        api.archive("deals", lost)
        api.archive("companies", gone)
        _night(engine, connector, mark, run_id=2)
        stored = _stored(engine, connector)
        assert _live(stored) == ([a], [keep])
        assert _april_revenue(stored) == Decimal("700")

    def test_deletions_cost_one_archive_list_call_per_object(self, portal):
        """A night with nothing new reads one search page and one archive list page per object: companies 2 calls,
        deals 2 (before: 1 each; the archive lists were read on full reads only), and the line items' search page
        (a line edited leaves its deal's stamp as it is) and archive list page (a line deleted likewise)."""
        api, connector, julie = portal
        _won(api, _company(api, "Lyon A", julie), "700", julie)
        list(connector.pull(ObjectKind.DEALS, None, full=True))         # (stage meanings read once per run)
        later = STAMP + timedelta(days=1)
        before = dict(connector.usage().by_endpoint)
        list(connector.pull(ObjectKind.ACCOUNTS, later))
        list(connector.pull(ObjectKind.DEALS, later))
        spent = {k: v - before.get(k, 0) for k, v in connector.usage().by_endpoint.items() if v - before.get(k, 0)}
        assert spent == {"search.companies": 1, "list.companies": 1, "search.deals": 1, "list.deals": 1,
                         "search.line_items": 1, "list.line_items": 1}


def _with_lines(api: HubSpotApi, company: str, owner: str, lines: dict[str, str]) -> tuple[str, dict[str, str]]:
    """A won April deal whose amount was typed (15,000: HubSpot does not recompute it from its lines), with one line
    item per product, all stamped ``STAMP``; the deal and its line ids by product."""
    deal = _won(api, company, str(sum(int(a) for a in lines.values())), owner)
    ids = {}
    for sku, amount in lines.items():
        ids[sku] = api.add("line_items", {"name": sku, "hs_sku": sku, "quantity": "1", "price": amount,
                                          "amount": amount, "hs_tcv": amount}, modified=STAMP)
        api.associate("deals", deal, "line_items", ids[sku])
    return deal, ids


@pytest.fixture
def clocked(engine: Engine) -> Iterator[tuple[HubSpotApi, HubSpotConnector, str, list[float]]]:
    """A portal on a clock the test moves (``now[0]``, epoch seconds), whose connector finds stored deals by their
    line ids in ``engine`` as a sync's does: a won deal of MAINT 5,000 + PX200 10,000 stamped ``STAMP`` and an open
    deal changed an hour later, so a night's watermark is past the won deal's overlap (as on a real night)."""
    now = [STAMP.timestamp()]
    api = HubSpotApi(None, clock=lambda: now[0])
    with SandboxServer([api]) as server:
        julie = api.add_owner(JULIE, "Julie", "Martin")
        connector = sandbox_connector(server)
        connector.remember_stored_lines(lambda ids: store_records.line_holders(engine, connector.name, ids))
        company = _company(api, "Lyon A", julie)
        api.add("deals", {"dealname": "later", "amount": "1", "closedate": "2027-09-01T10:00:00.000Z",
                          "pipeline": "default", "dealstage": "appointmentscheduled", "deal_currency_code": "EUR"},
                modified=STAMP + timedelta(hours=1), companies=(company,))
        yield api, connector, company, now
        connector.close()


class TestDeletedLineItems:
    """Audit hsdoc F3: a line item deleted (archived) from a won deal leaves the deal's stamp as it is, and search
    never returns archived records; its deal must still be read again the next night."""

    def test_a_deleted_line_stops_counting_on_product_axes_the_next_night(self, engine, clocked):
        """A won deal of 15,000 (typed) with MAINT 5,000 and PX200 10,000; night 1 counts 5,000 on a MAINT axis.
        A day later the MAINT line is deleted in HubSpot, nothing else changes: the next incremental night reads the
        deal again (found by the line id the store keeps) and the MAINT axis counts 0, the PX200 one still 10,000,
        the whole deal 15,000. Seen failing before the fix: 5,000 until the next full read (reconciliation_days)."""
        api, connector, company, now = clocked
        deal, lines = _with_lines(api, company, api.add_owner("x@example.com", "X", "Y"),
                                  {"MAINT": "5000", "PX200": "10000"})
        mark = _night(engine, connector, None, run_id=1)
        assert mark == STAMP + timedelta(hours=1)
        stored = _stored(engine, connector)
        assert {ln.id for d in stored.deals for ln in d.lines} == set(lines.values())
        assert _april_revenue(stored, {"product_code": "MAINT"}) == Decimal("5000")
        now[0] += 86400
        api.archive("line_items", lines["MAINT"])
        _night(engine, connector, mark, run_id=2)
        stored = _stored(engine, connector)
        [kept] = [d for d in stored.deals if d.id == deal]
        assert [ln.code for ln in kept.lines] == ["PX200"]
        assert _april_revenue(stored, {"product_code": "MAINT"}) == Decimal("0")
        assert _april_revenue(stored, {"product_code": "PX200"}) == Decimal("10000")
        assert _april_revenue(stored) == Decimal("15000")

    def test_the_deal_carries_the_deletion_so_the_next_quiet_night_reads_nothing_more(self, engine, clocked):
        """The deal read again carries the line's archivedAt (later than its own stamp), so the watermark passes the
        deletion: a quiet night past the overlap lists the archived lines (one page) and reads no deal again.
        A deleted line of a deal the store does not hold (a line on no deal) reads nothing either."""
        api, connector, company, now = clocked
        deal, lines = _with_lines(api, company, api.add_owner("x@example.com", "X", "Y"),
                                  {"MAINT": "5000", "PX200": "10000"})
        stray = api.add("line_items", {"name": "X", "hs_sku": "X", "quantity": "1", "amount": "1"}, modified=STAMP)
        mark = _night(engine, connector, None, run_id=1)
        assert mark is not None
        now[0] += 86400
        api.archive("line_items", lines["MAINT"])
        api.archive("line_items", stray)
        before = dict(connector.usage().by_endpoint)
        got = {r.id: r for r in connector.pull(ObjectKind.DEALS, mark) if not isinstance(r, Rejected)}
        spent = {k: v - before.get(k, 0) for k, v in connector.usage().by_endpoint.items() if v - before.get(k, 0)}
        # (the open deal, whose stamp is the watermark, comes again with the overlap's search)
        assert deal in got and spent.get("batch_read.deals") == 1, (got, spent)
        archived_at = api.tables["line_items"].archived[lines["MAINT"]].archived_at
        assert got[deal].modified_at is not None and int(got[deal].modified_at.timestamp() * 1000) == archived_at
        now[0] += 3600
        before = dict(connector.usage().by_endpoint)
        list(connector.pull(ObjectKind.DEALS, got[deal].modified_at + timedelta(minutes=11)))
        spent = {k: v - before.get(k, 0) for k, v in connector.usage().by_endpoint.items() if v - before.get(k, 0)}
        assert spent == {"search.deals": 1, "list.deals": 1, "search.line_items": 1, "list.line_items": 1}, spent
