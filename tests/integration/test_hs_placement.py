"""Which company a HubSpot engagement counts for, over its life (audit matching F3, F7): a visit placed through its
contact's primary company keeps that company when the contact changes employer, at the weekly full read and on an
incremental night; it follows its own associations as ever. An engagement on a client's site and on the group's
head office (its parent company in HubSpot) counts for the site; on two companies that nothing tells apart, for the
smallest id, named in ``pac explain`` and listed as a data-quality warning. Through hubspot-api-client against the
sandbox CRM, into the store (SQLite and PostgreSQL), evaluated by the engine, with the harness of
``test_hs_retirements`` (each night's connector given the store's records as ``pac sync`` gives them)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from connectors.base import ObjectKind
from pac_core.engine import evaluate
from pac_core.explain import explain_action
from pac_core.plan import Counting, Segment, SegmentKind
from pac_core.records import Records, Rejected
from pac_core.scopes import parse_scope
from sandbox_crm.run import start_sandbox
from sync_jobs.cli_explain import also_on_names
from sync_jobs.store import open_store
from sync_jobs.store import records as store_records
from tests.fakes import sandbox_settings, sandbox_sync
from tests.integration import test_hs_retirements as harness
from tests.integration.test_hs_retirements import APRIL, STAMP, _april_revenue, _night, _stored
from tests.unit.test_engine_support import PARIS, action, axis, plan

engine, portal = harness.engine, harness.portal       # the fixtures: a store, a sandbox portal with Julie

KINDS = (ObjectKind.USERS, ObjectKind.ACCOUNTS, ObjectKind.ACTIVITIES, ObjectKind.DEALS)
VISIT = {"hs_timestamp": "2027-04-12T08:00:00.000Z", "hs_activity_type": "Visite client",
         "hs_meeting_outcome": "COMPLETED"}
SEPTEMBER = datetime(2027, 9, 20, tzinfo=PARIS)
FRANCE = Segment("SEG", "France", SegmentKind.HORIZONTAL, parse_scope({}))


def _rhone_plan():
    act = action("A-01", window=APRIL, scope=parse_scope({"departement": "69"}), axis_id="AX", target=5,
                 counting=Counting.DISTINCT_ACCOUNTS, text="Visiter 5 clients du 69 en avril")
    return plan(act, axes=(axis("AX", "SEG", scope=parse_scope({}), baseline="0"),), segments=(FRANCE,))


def _rhone_visits(records: Records) -> int:
    """« Visiter 5 clients du 69 en avril », evaluated in September."""
    return int(evaluate(_rhone_plan(), records, as_of=SEPTEMBER).action("A-01").done)


def _company(api, name: str, zip_code: str, owner: str) -> str:
    return api.add("companies", {"name": name, "zip": zip_code, "hubspot_owner_id": owner}, modified=STAMP)


def _placed(records: Records) -> dict[str, str | None]:
    return {x.id: x.account_id for x in records.activities if not x.deleted}


class TestContactChangesEmployer:
    def _seed(self, api, julie):
        """Lyon A (69003) and Grenoble B (38000); Paul's primary company Lyon A; Julie's visit of 12 April logged on
        Paul only (calendar sync style), and a 1,000 EUR web order won on 10 April on Paul only."""
        a, b = _company(api, "Lyon A", "69003", julie), _company(api, "Grenoble B", "38000", julie)
        paul = api.add("contacts", {"email": "paul@lyon.example"}, modified=STAMP)
        api.associate("contacts", paul, "companies", a, primary=True)
        visit = api.add("meetings", {**VISIT, "hubspot_owner_id": julie}, modified=STAMP)
        api.associate("meetings", visit, "contacts", paul)
        web = api.add("deals", {"dealname": "Web order", "amount": "1000", "closedate": "2027-04-10T10:00:00.000Z",
                                "pipeline": "default", "dealstage": "closedwon", "deal_currency_code": "EUR",
                                "hubspot_owner_id": julie}, modified=STAMP)
        api.associate("deals", web, "contacts", paul)
        return a, b, paul, visit, web

    @staticmethod
    def _moves(api, paul, a, b):
        """September: Paul joins Grenoble B, his primary company; the meeting and the deal are not touched."""
        api.unassociate("contacts", paul, "companies", a)
        api.associate("contacts", paul, "companies", b, primary=True)

    def test_the_full_read_keeps_the_visit_and_the_won_deal_on_the_company_they_were_placed_on(
            self, engine, portal, caplog):
        """Night 1: the April visit counts for Lyon A (1 / 5 in the 69), the web order 1,000 EUR on Lyon A. Paul moves
        to Grenoble B; the next full read must keep both on Lyon A (a closed April is not restated because a person
        changed employer months later), with a warning naming the contact, the old and the new company. Seen failing
        before the fix: the visit re-placed on Grenoble B (0 / 5), the order on Grenoble B."""
        api, connector, julie = portal
        a, b, paul, visit, web = self._seed(api, julie)
        _night(engine, connector, None, run_id=1, kinds=KINDS)
        stored = _stored(engine, connector)
        assert (_placed(stored), _rhone_visits(stored)) == ({visit: a}, 1)
        assert {x.id: x.account_id for x in stored.deals} == {web: a}
        self._moves(api, paul, a, b)
        with caplog.at_level(logging.WARNING, logger="connectors.hubspot.connector"):
            _night(engine, connector, None, run_id=2, kinds=KINDS)
        stored = _stored(engine, connector)
        assert (_placed(stored), _rhone_visits(stored)) == ({visit: a}, 1)
        assert {x.id: x.account_id for x in stored.deals} == {web: a}
        assert _april_revenue(stored, {"departement": "69"}) == Decimal("1000")
        kept = sorted(r.getMessage() for r in caplog.records if "kept on" in r.getMessage())
        why = ("where it was placed through that contact (change its own company or contact associations to move "
               "it)")
        assert kept == [f"hs-test: contact {paul}'s primary company is now {b}: deal {web} kept on {a}, {why}",
                        f"hs-test: contact {paul}'s primary company is now {b}: meeting {visit} kept on {a}, {why}"]

    def test_an_incremental_night_that_reads_the_visit_again_keeps_it_too(self, engine, portal):
        """Paul moves, then Julie edits the meeting's notes (its stamp moves): the incremental night reads it again
        and must keep it on Lyon A. Seen failing before the fix: Grenoble B."""
        api, connector, julie = portal
        a, b, paul, visit, _ = self._seed(api, julie)
        mark = _night(engine, connector, None, run_id=1, kinds=KINDS)
        self._moves(api, paul, a, b)
        api.update("meetings", visit, {"hs_meeting_body": "Compte rendu complété"})
        _night(engine, connector, mark, run_id=2, kinds=KINDS)
        stored = _stored(engine, connector)
        assert (_placed(stored), _rhone_visits(stored)) == ({visit: a}, 1)

    def test_a_contact_left_with_no_primary_company_does_not_take_the_visit_off(self, engine, portal):
        """Paul leaves Lyon A and joins no company in the portal: the visit keeps Lyon A instead of being rejected
        as "associated with contact N only"."""
        api, connector, julie = portal
        a, _, paul, visit, _ = self._seed(api, julie)
        _night(engine, connector, None, run_id=1, kinds=KINDS)
        api.unassociate("contacts", paul, "companies", a)
        got = list(connector.pull(ObjectKind.ACTIVITIES, None, full=True))
        assert [(r.id, getattr(r, "account_id", None)) for r in got if not isinstance(r, Rejected)] == [(visit, a)]
        assert [r for r in got if isinstance(r, Rejected)] == []

    def test_an_engagement_on_two_companies_keeps_the_one_its_contact_decided(self, engine, portal):
        """A visit logged on Grenoble B (created first: the smaller id), on Lyon A and on Paul, whose primary company
        Lyon A decides (rule 3). Paul joins Villeurbanne C, which the meeting is not on: the full read must keep Lyon
        A, with no "several companies" warning (the contact decided it when it was read). Seen failing before the
        fix: Grenoble B, the smaller id."""
        api, connector, julie = portal
        b, a = _company(api, "Grenoble B", "38000", julie), _company(api, "Lyon A", "69003", julie)
        paul = api.add("contacts", {"email": "paul@lyon.example"}, modified=STAMP)
        api.associate("contacts", paul, "companies", a, primary=True)
        visit = api.add("meetings", {**VISIT, "hubspot_owner_id": julie}, companies=(b, a), modified=STAMP)
        api.associate("meetings", visit, "contacts", paul)
        _night(engine, connector, None, run_id=1, kinds=KINDS)
        assert _placed(_stored(engine, connector)) == {visit: a}
        c = _company(api, "Villeurbanne C", "69100", julie)
        api.unassociate("contacts", paul, "companies", a)
        api.associate("contacts", paul, "companies", c, primary=True)
        warned: list[Rejected] = []
        _night(engine, connector, None, run_id=2, kinds=KINDS, warned=warned)
        stored = _stored(engine, connector)
        assert (_placed(stored), _rhone_visits(stored), warned) == ({visit: a}, 1, [])

    def test_the_visit_follows_its_own_associations_as_ever(self, engine, portal):
        """The meeting itself re-associated: with Marie of Grenoble B instead of Paul, it counts for Grenoble B (its
        own contact changed); associated with a company, it counts for that company."""
        api, connector, julie = portal
        a, b, paul, visit, _ = self._seed(api, julie)
        _night(engine, connector, None, run_id=1, kinds=KINDS)
        self._moves(api, paul, a, b)
        marie = api.add("contacts", {"email": "marie@grenoble.example"}, modified=STAMP)
        api.associate("contacts", marie, "companies", b, primary=True)
        api.unassociate("meetings", visit, "contacts", paul)
        api.associate("meetings", visit, "contacts", marie)
        _night(engine, connector, None, run_id=2, kinds=KINDS)
        assert _placed(_stored(engine, connector)) == {visit: b}
        c = _company(api, "Villeurbanne C", "69100", julie)
        api.associate("meetings", visit, "companies", c)
        _night(engine, connector, None, run_id=3, kinds=KINDS)
        assert _placed(_stored(engine, connector)) == {visit: c}


class TestSeveralCompanies:
    def _seed(self, api, julie):
        """Groupe Durand (siège, 75008), created first (the smaller id), and Durand Lyon (69003); Julie's April visit
        to Durand Lyon associated with both, no contact."""
        group = _company(api, "Groupe Durand (siège)", "75008", julie)
        lyon = _company(api, "Durand Lyon", "69003", julie)
        visit = api.add("meetings", {**VISIT, "hubspot_owner_id": julie}, companies=(group, lyon), modified=STAMP)
        return group, lyon, visit

    def test_the_site_wins_over_its_parent_company(self, engine, portal):
        """Durand Lyon is a child of Groupe Durand in HubSpot (company -> company 14, "child company to parent
        company"): the visit counts for Durand Lyon, 1 / 5 in the 69, with no warning. Seen failing before the fix:
        the head office, the smaller id (0 / 5)."""
        api, connector, julie = portal
        group, lyon, visit = self._seed(api, julie)
        api.associate("companies", lyon, "companies", group, type_id=14)
        warned: list[Rejected] = []
        _night(engine, connector, None, run_id=1, kinds=KINDS, warned=warned)
        stored = _stored(engine, connector)
        assert (_placed(stored), _rhone_visits(stored)) == ({visit: lyon}, 1)
        assert warned == []

    def test_two_companies_nothing_tells_apart_are_named_in_explain_and_warned_of(self, engine, portal):
        """No parent link, no contact: the smallest id (the head office) as before, but the sync lists the meeting
        once as a data-quality warning and ``pac explain`` names Durand Lyon in the decision's detail. Seen failing
        before the fix: no warning, and the detail only « département 75 (scope: département 69) »."""
        api, connector, julie = portal
        group, lyon, visit = self._seed(api, julie)
        warned: list[Rejected] = []
        _night(engine, connector, None, run_id=1, kinds=KINDS, warned=warned)
        stored = _stored(engine, connector)
        assert _placed(stored) == {visit: group}
        assert [(w.object, w.id, w.reason) for w in warned] == [(
            "activities", visit,
            f"several companies: meeting {visit} is associated with companies {group}, {lyon} and no contact or "
            f"parent company tells which was visited (HubSpot engagements have no primary company): counted for "
            f"{group}, the smallest id; associate it with the company visited only, or with the contact met there")]
        ev = evaluate(_rhone_plan(), stored, as_of=SEPTEMBER, explain=True)
        names = {(x.source, x.id): x.name for x in stored.accounts}
        others = also_on_names(store_records.also_on(engine, [connector.name], [visit]), stored.accounts)
        rows = explain_action(_rhone_plan(), ev, "A-01", accounts=names, lang="en", also_on=others).rows
        assert [(r["account"], r["rule"], r["detail"]) for r in rows] == [(
            "Groupe Durand (siège)", "outside_scope",
            "département 75 (scope: département 69); also on Durand Lyon (69003): HubSpot engagements have no "
            "primary company; pac keeps the one it counted it for (or the company that one was merged into), else "
            "takes the smallest id")]
        fr = explain_action(_rhone_plan(), ev, "A-01", accounts=names, lang="fr", also_on=others).rows
        assert fr[0]["detail"].endswith(" ; aussi sur Durand Lyon (69003) : HubSpot ne donne pas d'entreprise "
                                        "principale à une activité ; pac garde celle où il la comptait (ou "
                                        "l'entreprise issue de sa fusion), sinon prend le plus petit identifiant"), fr


def test_a_sync_keeps_a_moved_contacts_visit_and_lists_an_undecided_one(tmp_path: Path) -> None:
    """Through ``pac sync`` on the seeded demo portal (the pipeline hands the connector the store): a meeting logged on
    a contact only keeps its company after the contact changes company, at the next full sync; a meeting on two
    companies nothing tells apart is listed once among the run's data-quality warnings."""
    settings = sandbox_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
    with start_sandbox() as server:
        api = server.api("hubspot")
        api.limits.ten_second_limit = 10**9
        links = api.links.get(("meetings", "companies"), {})
        on_contact, on_two = sorted((m for m in links if links[m]), key=int)[:2]
        first, second = next(iter(links[on_contact])), next(iter(links[on_two]))
        other = next(c for c in sorted(api.tables["companies"].rows, key=int) if c not in (first, second))
        paul = api.add("contacts", {"email": "paul@placement.example"}, modified=STAMP)
        api.associate("contacts", paul, "companies", first, primary=True)
        api.unassociate("meetings", on_contact, "companies", first)
        api.associate("meetings", on_contact, "contacts", paul)
        api.associate("meetings", on_two, "companies", other)
        sandbox_sync(settings, server)
        api.unassociate("contacts", paul, "companies", first)
        api.associate("contacts", paul, "companies", other, primary=True)
        result = sandbox_sync(settings, server, full=True)
    warned = [(w.source, w.object, w.id) for w in result.warnings if w.reason.startswith("several companies:")]
    assert warned == [("hs-west", "activities", on_two)]
    engine = open_store(settings.database())
    try:
        placed = {a.id: a.account_id for a in store_records.load_records(engine, ["hs-west"]).activities}
        others = store_records.also_on(engine, ["hs-west"], [on_two])
    finally:
        engine.dispose()
    assert (placed[on_contact], placed[on_two]) == (first, min(second, other, key=int))
    assert others == {("hs-west", on_two): (max(second, other, key=int),)}


class TestMergeOfTheCountedCompany:
    """Audit hsengage F1: a record on two companies nothing tells apart counts for the smallest id when first read;
    a merge of that company makes a new company with a new, larger id (HubSpot's changelog "Updated merge
    functionality for contacts and companies": "a new record with a new ID will be created"), and the record must
    follow it instead of moving to the other company, now the smaller id, outside the scope."""

    def _seed(self, api, julie):
        """Alpha (69003, the smallest id), Gamma Paris (75003), Alpha's duplicate (69004); Julie's April visit on Alpha
        and Gamma (no contact), and a 1,000 EUR April won deal on both with no primary company."""
        alpha, gamma = _company(api, "Alpha", "69003", julie), _company(api, "Gamma Paris", "75003", julie)
        dup = _company(api, "Alpha (doublon)", "69004", julie)
        visit = api.add("meetings", {**VISIT, "hubspot_owner_id": julie}, companies=(alpha, gamma), modified=STAMP)
        order = api.add("deals", {"dealname": "Pompe", "amount": "1000", "closedate": "2027-04-10T10:00:00.000Z",
                                  "pipeline": "default", "dealstage": "closedwon", "deal_currency_code": "EUR",
                                  "hubspot_owner_id": julie}, modified=STAMP)
        for company in (alpha, gamma):
            api.associate("deals", order, "companies", company)
        return alpha, gamma, dup, visit, order

    @staticmethod
    def _merge(api, alpha, dup) -> str:
        """A day later (a contact changed then: the portal's clock moves on), Alpha merged with its duplicate: a new
        company, whose id is larger than Gamma's; the visit's and the deal's stamps do not move."""
        api.add("contacts", {"email": "x@example.com"}, modified=STAMP + timedelta(days=1))
        return api.merge("companies", alpha, dup)

    def test_the_merge_night_keeps_the_visit_and_the_deal_on_the_merged_company(self, engine, portal):
        """Night 1: both on Alpha (the smallest id), 1 / 5 in the 69 and 1,000 EUR, the visit warned of. Alpha is
        merged into C: the next incremental night must have both on C (1 / 5, 1,000 EUR), the visit still warned of,
        naming C. Seen failing before the fix: both moved to Gamma Paris, 0 / 5 and 0 EUR, for good."""
        api, connector, julie = portal
        alpha, gamma, dup, visit, order = self._seed(api, julie)
        _night(engine, connector, None, run_id=1, kinds=KINDS)
        stored = _stored(engine, connector)
        assert (_placed(stored), _rhone_visits(stored)) == ({visit: alpha}, 1)
        c = self._merge(api, alpha, dup)
        assert int(c) > int(gamma)
        connector._warned.clear()       # a new run (``pac sync`` makes a new connector each run)
        warned: list[Rejected] = []
        _night(engine, connector, STAMP + timedelta(hours=12), run_id=2, kinds=KINDS, warned=warned)
        stored = _stored(engine, connector)
        assert (_placed(stored), _rhone_visits(stored)) == ({visit: c}, 1)
        assert {x.id: x.account_id for x in stored.deals if not x.deleted} == {order: c}
        assert _april_revenue(stored, {"departement": "69"}) == Decimal("1000")
        assert [(w.object, w.id, w.reason) for w in warned] == [(
            "activities", visit,
            f"several companies: meeting {visit} is associated with companies {gamma}, {c} and no contact or parent "
            f"company tells which was visited (HubSpot engagements have no primary company): counted for {c}, where "
            f"pac counted it before ({alpha}, since merged into {c}); associate it with the company visited only, "
            "or with the contact met there")]

    def test_a_later_full_read_follows_a_merge_it_did_not_see(self, engine, portal):
        """The merge night reads the companies only (the visit and the deal are not read again), a later night reads
        the meetings and deals in full and not the companies: the store holds both on Alpha, retired; HubSpot answers
        Alpha's id with the merged company ("both of the previous IDs will point to the resulting merged record"),
        so both go to C. Seen failing before the fix: Gamma Paris."""
        api, connector, julie = portal
        alpha, _, dup, visit, order = self._seed(api, julie)
        _night(engine, connector, None, run_id=1, kinds=KINDS)
        c = self._merge(api, alpha, dup)
        _night(engine, connector, STAMP + timedelta(hours=12), run_id=2, kinds=(ObjectKind.ACCOUNTS,))
        _night(engine, connector, None, run_id=3, kinds=(ObjectKind.ACTIVITIES, ObjectKind.DEALS))
        stored = _stored(engine, connector)
        assert (_placed(stored), _rhone_visits(stored)) == ({visit: c}, 1)
        assert {x.id: x.account_id for x in stored.deals if not x.deleted} == {order: c}

    def test_a_record_never_stored_still_takes_the_smallest_id(self, engine, portal):
        """The same visit first read after the merge: nothing stored tells where it counted, so the smallest id,
        Gamma Paris, as documented."""
        api, connector, julie = portal
        alpha, gamma, dup, visit, order = self._seed(api, julie)
        self._merge(api, alpha, dup)
        _night(engine, connector, None, run_id=1, kinds=KINDS)
        stored = _stored(engine, connector)
        assert _placed(stored) == {visit: gamma}
        assert {x.id: x.account_id for x in stored.deals if not x.deleted} == {order: gamma}
