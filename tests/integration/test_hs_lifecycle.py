"""HubSpot records over their life (audit hslife, 5 Dec 2026): a company merge whose merged record keeps the primary's
creation date (H0), a contact deletion that leaves its visits and won deals with no association at all (H1), a
record restored from the recycle bin without its stamp moving (H3). Through hubspot-api-client against the sandbox
CRM, into the store (SQLite and PostgreSQL), evaluated by the engine, with the harness of ``test_hs_retirements``
(each night's connector given the store's records as ``pac sync`` gives them)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from connectors.base import ObjectKind
from pac_core.engine import evaluate
from pac_core.plan import Counting
from pac_core.records import Rejected
from pac_core.scopes import parse_scope
from sandbox_crm.run import start_sandbox
from sync_jobs.store import open_store
from sync_jobs.store import records as store_records
from tests.fakes import sandbox_settings, sandbox_sync
from tests.integration import test_hs_retirements as harness
from tests.integration.test_hs_retirements import (
    APRIL,
    AS_OF,
    SEG,
    STAMP,
    _april_revenue,
    _company,
    _live,
    _night,
    _stored,
    _won,
)
from tests.unit.test_engine_support import action, axis, plan

engine, portal = harness.engine, harness.portal       # the fixtures: a store, a sandbox portal with Julie

KINDS = (ObjectKind.USERS, ObjectKind.ACCOUNTS, ObjectKind.ACTIVITIES, ObjectKind.DEALS)
VISIT = {"hs_timestamp": "2027-04-12T08:00:00.000Z", "hs_activity_type": "Visite client",
         "hs_meeting_outcome": "COMPLETED"}


def _april_visits(records) -> int:
    """Visits counted in April by an action with no scope of its own."""
    act = action("A-1", window=APRIL, scope=parse_scope({}), axis_id="AX", target=5, counting=Counting.ACTIVITIES)
    ax = axis("AX", "SEG", scope=parse_scope({}), baseline="0")
    return int(evaluate(plan(act, axes=(ax,), segments=(SEG,)), records, as_of=AS_OF).action("A-1").done)


class TestMergeWithTheOldCreationDate:
    def test_the_children_follow_a_merged_record_dated_as_its_primary(self, engine, portal):
        """Lyon A keyed twice, a 1,000 EUR April won deal and a visit on each copy. The merged company keeps the
        primary's (old) creation date, as HubSpot's changelog says of its property values (the sandbox now does
        too). The next incremental night must still have both deals and both visits on the new company: 2,000 EUR,
        2 visits. Seen failing before the fix: both on the retired ids (0 EUR, 0 visits) until the full read (a merge
        was followed only when the new company was created after the watermark)."""
        api, connector, julie = portal
        a, b = _company(api, "Lyon A", julie), _company(api, "Lyon A (doublon)", julie)
        d1, d2 = _won(api, a, "1000", julie), _won(api, b, "1000", julie)
        visits = [api.add("meetings", {**VISIT, "hubspot_owner_id": julie}, companies=(company,), modified=STAMP)
                  for company in (a, b)]
        _night(engine, connector, None, run_id=1, kinds=KINDS)
        api.add("contacts", {"email": "x@example.com"}, modified=STAMP + timedelta(days=1))
        created = api.tables["companies"].rows[a].created
        c = api.merge("companies", a, b)
        assert api.tables["companies"].rows[c].created == created < int((STAMP + timedelta(hours=12)).timestamp()
                                                                         * 1000)
        _night(engine, connector, STAMP + timedelta(hours=12), run_id=2, kinds=KINDS)
        stored = _stored(engine, connector)
        assert _live(stored) == ([c], sorted([d1, d2]))
        assert {x.id: x.account_id for x in stored.deals if not x.deleted} == {d1: c, d2: c}
        assert {x.id: x.account_id for x in stored.activities if not x.deleted} == dict.fromkeys(visits, c)
        assert _april_revenue(stored) == Decimal("2000")
        assert _april_visits(stored) == 2


class TestContactDeleted:
    def _seed(self, api, julie):
        a = _company(api, "Lyon A", julie)
        paul = api.add("contacts", {"email": "paul@lyon.example"}, modified=STAMP)
        api.associate("contacts", paul, "companies", a, primary=True)
        visit = api.add("meetings", {**VISIT, "hubspot_owner_id": julie}, modified=STAMP)
        api.associate("meetings", visit, "contacts", paul)
        web = api.add("deals", {"dealname": "Web order", "amount": "1000", "closedate": "2027-04-10T10:00:00.000Z",
                                "pipeline": "default", "dealstage": "closedwon", "deal_currency_code": "EUR",
                                "hubspot_owner_id": julie}, modified=STAMP)
        api.associate("deals", web, "contacts", paul)
        return a, paul, visit, web

    def test_a_visit_and_a_won_deal_keep_their_company_when_their_contact_is_deleted(self, engine, portal):
        """Julie's visit of 12 April logged on Paul only, and a 1,000 EUR web order won on 10 April on Paul only; Paul's
        primary company Lyon A places both (1 visit, 1,000 EUR in April). Paul leaves Lyon A and his contact is
        deleted: HubSpot unassociates his activities (the sandbox's archive does; the deal is unassociated here by
        hand), their stamps do not move. The next full read must still count them on Lyon A, each listed as a
        data-quality warning. Seen failing before the fix: no account at the full read (0 visits, 0 EUR)."""
        api, connector, julie = portal
        a, paul, visit, web = self._seed(api, julie)
        _night(engine, connector, None, run_id=1, kinds=KINDS)
        stored = _stored(engine, connector)
        assert (_april_visits(stored), _april_revenue(stored)) == (1, Decimal("1000"))
        api.unassociate("contacts", paul, "companies", a)
        api.unassociate("deals", web, "contacts", paul)
        api.archive("contacts", paul)
        assert not api.links.get(("meetings", "contacts"), {}).get(visit)     # the sandbox unassociated the visit
        warned: list[Rejected] = []
        _night(engine, connector, None, run_id=2, kinds=KINDS, warned=warned)
        stored = _stored(engine, connector)
        assert {x.id: x.account_id for x in stored.activities} == {visit: a}
        assert {x.id: x.account_id for x in stored.deals} == {web: a}
        assert (_april_visits(stored), _april_revenue(stored)) == (1, Decimal("1000"))
        assert sorted((w.object, w.id, w.reason.split(":", 1)[0]) for w in warned) == [
            ("activities", visit, "unassociated"), ("deals", web, "unassociated")]
        assert f"still counted for company {a}" in warned[0].reason

    def test_a_record_moved_to_another_company_still_follows_it(self, engine, portal):
        """The same visit and deal, their contact deleted and both then associated with Villeurbanne B: the full read
        puts them on B, with no warning."""
        api, connector, julie = portal
        _, paul, visit, web = self._seed(api, julie)
        b = _company(api, "Villeurbanne B", julie)
        _night(engine, connector, None, run_id=1, kinds=KINDS)
        api.unassociate("deals", web, "contacts", paul)
        api.archive("contacts", paul)
        api.associate("meetings", visit, "companies", b)
        api.associate("deals", web, "companies", b, primary=True)
        warned: list[Rejected] = []
        _night(engine, connector, None, run_id=2, kinds=KINDS, warned=warned)
        stored = _stored(engine, connector)
        assert {x.id: x.account_id for x in stored.activities} == {visit: b}
        assert {x.id: x.account_id for x in stored.deals} == {web: b}
        assert warned == []


class TestCompanyDeleted:
    def test_the_warning_says_the_company_was_deleted_and_nothing_counts(self, engine, portal):
        """Audit hsengage F2: Julie's April visit and a 1,000 EUR April won deal on Lyon B only. Lyon B is deleted
        (HubSpot shows no association of a deleted record: both are left with none, unassociated here by hand, their
        stamps unchanged). The next full read retires Lyon B; the visit and the deal keep it as their company (a
        restore brings them back), count nothing, and each warning says so: the company was deleted, not counted
        until it is restored or the record associated again. Seen failing before the fix: "(its contact deleted?):
        still counted for company B"."""
        api, connector, julie = portal
        b = _company(api, "Lyon B", julie)
        visit = api.add("meetings", {**VISIT, "hubspot_owner_id": julie}, companies=(b,), modified=STAMP)
        order = _won(api, b, "1000", julie)
        _night(engine, connector, None, run_id=1, kinds=KINDS)
        stored = _stored(engine, connector)
        assert (_april_visits(stored), _april_revenue(stored)) == (1, Decimal("1000"))
        api.unassociate("meetings", visit, "companies", b)
        api.unassociate("deals", order, "companies", b)
        api.archive("companies", b)
        warned: list[Rejected] = []
        _night(engine, connector, None, run_id=2, kinds=KINDS, warned=warned)
        stored = _stored(engine, connector)
        assert ({x.id: x.account_id for x in stored.activities}, {x.id: x.account_id for x in stored.deals}) == (
            {visit: b}, {order: b})
        assert (_april_visits(stored), _april_revenue(stored)) == (0, Decimal("0"))
        assert sorted((w.object, w.id, w.reason) for w in warned) == [
            ("activities", visit, f"unassociated: meeting {visit} has no company, contact or deal left in HubSpot: "
                                  f"its company {b} was deleted in HubSpot, so it is not counted until the company "
                                  "is restored or the meeting associated with another company"),
            ("deals", order, f"unassociated: deal {order} has no company, contact or deal left in HubSpot: its "
                             f"company {b} was deleted in HubSpot, so it is not counted until the company is "
                             "restored or the deal associated with another company")]


class TestRestored:
    def test_a_won_deal_restored_without_a_new_stamp_counts_again_the_next_night(self, engine, portal):
        """Two won April deals of 1,000 EUR on Lyon A; one is deleted (the next night counts 1,000), then restored
        from the recycle bin with the stamp it had (HubSpot does not document whether a restore moves it). The next
        incremental night must count 2,000 again: the retired deal the archived list no longer lists is read by id.
        Seen failing before the fix: 1,000 until the next full read."""
        api, connector, julie = portal
        a = _company(api, "Lyon A", julie)
        _won(api, a, "1000", julie)
        gone = _won(api, a, "1000", julie)
        _night(engine, connector, None, run_id=1)
        api.add("contacts", {"email": "x@example.com"}, modified=STAMP + timedelta(days=1))
        api.archive("deals", gone)
        _night(engine, connector, STAMP + timedelta(hours=12), run_id=2)
        assert _april_revenue(_stored(engine, connector)) == Decimal("1000")
        table = api.tables["deals"]
        obj = table.archived.pop(gone)          # restored, its stamp as before the delete
        obj.archived_at, obj.modified = None, int(STAMP.timestamp() * 1000)
        table.rows[gone] = obj
        table.changed()
        api.add("contacts", {"email": "y@example.com"}, modified=STAMP + timedelta(days=3))
        _night(engine, connector, STAMP + timedelta(days=2, hours=12), run_id=3)
        stored = _stored(engine, connector)
        assert {x.id: x.account_id for x in stored.deals if not x.deleted} == {d.id: a for d in stored.deals}
        assert _april_revenue(stored) == Decimal("2000")

    def test_records_still_in_the_recycle_bin_are_not_read_again(self, engine, portal):
        """A won deal and a call deleted and still in the recycle bin: the nights after read nothing by id (the
        archived lists, read anyway, still list them; the call is in the calls' list, not the meetings' one, and the
        activities are checked against both)."""
        api, connector, julie = portal
        a = _company(api, "Lyon A", julie)
        gone = _won(api, a, "1000", julie)
        call = api.add("calls", {"hs_timestamp": "2027-04-12T08:00:00.000Z", "hs_call_status": "COMPLETED",
                                 "hs_call_direction": "OUTBOUND", "hubspot_owner_id": julie}, companies=(a,),
                       modified=STAMP)
        _night(engine, connector, None, run_id=1, kinds=KINDS)
        assert [x.id for x in _stored(engine, connector).activities] == [call]
        api.add("contacts", {"email": "x@example.com"}, modified=STAMP + timedelta(days=1))
        api.archive("deals", gone)
        api.archive("calls", call)
        _night(engine, connector, STAMP + timedelta(hours=12), run_id=2, kinds=KINDS)
        stored = _stored(engine, connector)
        assert [x.deleted for x in stored.activities] == [True] and _live(stored)[1] == []
        before = dict(connector.usage().by_endpoint)
        _night(engine, connector, STAMP + timedelta(days=2), run_id=3, kinds=KINDS)
        spent = {k: v - before.get(k, 0) for k, v in connector.usage().by_endpoint.items() if v - before.get(k, 0)}
        assert not [k for k in spent if k.startswith("batch_read.")], spent
        assert spent.get("list.deals") == spent.get("list.calls") == spent.get("list.meetings") == 1, spent
        assert _live(_stored(engine, connector))[1] == []

    def test_a_call_restored_is_read_again(self, engine, portal):
        """A call deleted, then restored with its stamp as before: counted again the next night (read by id as a
        call, once the meetings did not answer it)."""
        api, connector, julie = portal
        a = _company(api, "Lyon A", julie)
        call = api.add("calls", {"hs_timestamp": "2027-04-12T08:00:00.000Z", "hs_call_status": "COMPLETED",
                                 "hs_call_direction": "OUTBOUND", "hubspot_owner_id": julie}, companies=(a,),
                       modified=STAMP)
        _night(engine, connector, None, run_id=1, kinds=KINDS)
        api.add("contacts", {"email": "x@example.com"}, modified=STAMP + timedelta(days=1))
        api.archive("calls", call)
        _night(engine, connector, STAMP + timedelta(hours=12), run_id=2, kinds=KINDS)
        assert [x.deleted for x in _stored(engine, connector).activities] == [True]
        table = api.tables["calls"]
        obj = table.archived.pop(call)
        obj.archived_at, obj.modified = None, int(STAMP.timestamp() * 1000)
        table.rows[call] = obj
        table.changed()
        _night(engine, connector, STAMP + timedelta(days=2), run_id=3, kinds=KINDS)
        assert [(x.id, x.deleted, x.account_id) for x in _stored(engine, connector).activities] == [(call, False, a)]


def test_a_sync_lists_a_record_kept_on_its_company_as_a_data_quality_warning(tmp_path: Path) -> None:
    """Through ``pac sync`` on the seeded demo portal: a meeting loses every association (its contact deleted, say)
    and the next full sync keeps it on its company, listing it among the run's data-quality warnings (the pipeline
    hands the connector the store, and the pull's warnings join the engine's)."""
    settings = sandbox_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
    with start_sandbox() as server:
        api = server.api("hubspot")
        api.limits.ten_second_limit = 10**9
        sandbox_sync(settings, server)
        links = api.links.get(("meetings", "companies"), {})
        meeting = min((m for m in links if links[m]), key=int)
        company = next(iter(links[meeting]))
        for to_type in ("companies", "contacts", "deals"):
            for other in list(api.links.get(("meetings", to_type), {}).get(meeting, {})):
                api.unassociate("meetings", meeting, to_type, other)
        result = sandbox_sync(settings, server, full=True)
    warned = [w for w in result.warnings if w.reason.startswith("unassociated:")]
    assert [(w.source, w.object, w.id) for w in warned] == [("hs-west", "activities", meeting)]
    assert f"still counted for company {company}" in warned[0].reason
    engine = open_store(settings.database())
    try:
        [stored] = [a for a in store_records.load_records(engine, ["hs-west"]).activities if a.id == meeting]
    finally:
        engine.dispose()
    assert (stored.account_id, stored.deleted) == (company, False)
