"""A company's state before pac's first night, from HubSpot's property history (audit hshistory, 7 Dec 2026): pac's
real HubSpot connector, sync pipeline, store and engine against the portal emulated from HubSpot's documentation
(``hs_docs_emulator``). Hand-computed before the first run (/tmp/audits/hshistory/EXPECTED.md).

A batch read of companies with ``propertiesWithHistory`` answers every value a property held, newest first, each with
its ``timestamp`` (the oldest the value the company was created with); HubSpot refuses more than 50 inputs a call
("The maximum number of inputs supported in a batch request for property histories is 50").

Plan in Europe/Paris, June 2027; pac's first night 30 June 2027 17:00 UTC. Owners Julie (101) and Marc (102); the
company ``type`` dropdown PROSPECT « Prospect » / CUSTOMER « Customer ». Alpha (11) Julie's until 20 June 09:00 UTC, ten
days before the first night, Marc's since; Beta (12) Julie's; Gamma (13) Marc's until 20 June 10:00, Julie's since;
Delta (14) a Prospect until 18 June, a Customer since; Epsilon (15) a Prospect.

A-1 Julie, visit 3 of her accounts in June (reference day 1 June): Alpha 10 June yes (Julie's on 1 June), Beta 12 June
yes -> 2 (every company as it is now: 1).
A-2 Julie, call 2 prospects in June: Delta 5 June yes (a Prospect on 1 June), Epsilon 6 June yes -> 2 (as now: 1).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import create_engine, select

from connectors.hubspot.mapping import CONNECTED, default_mapping_path
from sync_jobs.store import open_store
from sync_jobs.store.db import alembic_config, stored_instant
from sync_jobs.store.tables import AccountChangeRow, Watermark
from tests.fakes import one_connector_settings
from tests.integration.hs_docs_emulator import DATETIME_PROPS, NUMBER_PROPS, Emulator, Portal
from tests.integration.test_hs_docs_emulator import sync

JULIE, MARC = "101", "102"
PLAN = """\
plan: {name: "History plan", year: 2027, timezone: Europe/Paris, currency: EUR, language: en}
people:
  - {email: julie@audit.example, name: Julie Martin, role: rep}
  - {email: marc@audit.example, name: Marc Durand, role: rep}
segments:
  - {id: S-ALL, name: Everyone, kind: horizontal}
axes:
  - {id: AX-J, name: Julie's accounts, segment: S-ALL, status: active, scope: {account_owner: julie@audit.example}}
  - {id: AX-P, name: Prospects, segment: S-ALL, status: active, scope: {account_type: Prospect}}
actions:
  - {id: A-1, axis: AX-J, text: "Visit 3 of my accounts in June", who: julie@audit.example,
     what: {activity: visit, count: 3}, when: "June 2027"}
  - {id: A-2, axis: AX-P, text: "Call 2 prospects in June", who: julie@audit.example,
     what: {activity: call, count: 2}, when: "June 2027"}
"""
NIGHT = datetime(2027, 6, 30, 17, 0, tzinfo=UTC)
CREATED = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def t(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def build_portal(companies: int = 5) -> Portal:
    """The hand portal; ``companies`` > 5 adds Julie's companies 16.. with no history (a portal of more than 50)."""
    p = Portal()
    p.add_owner(JULIE, 201, "julie@audit.example", "Julie", "Martin")
    p.add_owner(MARC, 202, "marc@audit.example", "Marc", "Durand")
    standard = {"companies": ["name", "zip", "country", "industry", "annualrevenue", "hubspot_owner_id",
                              "hs_merged_object_ids", "hs_lastmodifieddate", "createdate"],
                "meetings": ["hs_meeting_title", "hs_timestamp", "hs_meeting_start_time", "hubspot_owner_id",
                             "hs_lastmodifieddate"],
                "calls": ["hs_call_title", "hs_timestamp", "hs_call_status", "hs_call_direction",
                          "hs_call_disposition", "hubspot_owner_id", "hs_lastmodifieddate"],
                "deals": ["dealname", "pipeline", "dealstage", "amount", "amount_in_home_currency", "closedate",
                          "createdate", "deal_currency_code", "hs_is_closed_won", "hs_is_closed",
                          "hs_merged_object_ids", "hubspot_owner_id", "hs_lastmodifieddate"]}
    for object_type, names in standard.items():
        for name in names:
            kind = ("datetime" if name in DATETIME_PROPS else "number" if name in NUMBER_PROPS else "string")
            p.define(object_type, name, kind, {"datetime": "date", "number": "number"}.get(kind, "text"))
    p.define("companies", "type", "enumeration", "select", [("PROSPECT", "Prospect"), ("CUSTOMER", "Customer")])
    p.define("meetings", "hs_activity_type", "enumeration", "select", [("Visite client", "Visite client")])
    p.define("meetings", "hs_meeting_outcome", "enumeration", "select",
             [(v, v.title()) for v in ("SCHEDULED", "COMPLETED", "RESCHEDULED", "NO_SHOW", "CANCELED")])
    p.pipelines["deals"] = []
    start = [("11", "Alpha", JULIE, "CUSTOMER"), ("12", "Beta", JULIE, "CUSTOMER"), ("13", "Gamma", MARC, "CUSTOMER"),
             ("14", "Delta", JULIE, "PROSPECT"), ("15", "Epsilon", JULIE, "PROSPECT")]
    start += [(str(k), f"Other {k}", JULIE, "CUSTOMER") for k in range(16, 11 + companies)]
    for cid, name, owner, kind in start:
        p.add("companies", cid, {"name": name, "zip": "69001", "country": "France", "type": kind,
                                 "hubspot_owner_id": owner, "createdate": CREATED}, modified=CREATED)
        p.objects["companies"][cid].created = CREATED
    p.objects["companies"]["14"].set({"type": "CUSTOMER"}, t("2027-06-18T08:00:00Z"), user_id=201)
    p.objects["companies"]["11"].set({"hubspot_owner_id": MARC}, t("2027-06-20T09:00:00Z"), user_id=202)
    p.objects["companies"]["13"].set({"hubspot_owner_id": JULIE}, t("2027-06-20T10:00:00Z"), user_id=202)
    stamp = t("2027-06-26T12:00:00Z")
    for mid, company, day in (("301", "11", 10), ("302", "12", 12)):
        at = datetime(2027, 6, day, 8, 0, tzinfo=UTC)
        p.add("meetings", mid, {"hs_meeting_title": f"Visit {company}", "hs_timestamp": at,
                                "hs_meeting_start_time": at, "hs_meeting_outcome": "COMPLETED",
                                "hs_activity_type": "Visite client", "hubspot_owner_id": JULIE},
              modified=stamp, companies=(company,))
    for kid, company, day in (("401", "14", 5), ("402", "15", 6)):
        at = datetime(2027, 6, day, 9, 0, tzinfo=UTC)
        p.add("calls", kid, {"hs_call_title": f"Call {company}", "hs_timestamp": at, "hs_call_status": "COMPLETED",
                             "hs_call_direction": "OUTBOUND", "hs_call_disposition": CONNECTED,
                             "hubspot_owner_id": JULIE}, modified=stamp, companies=(company,))
    return p


class Night:
    """The run's clock, moved on from night to night (the portal stamps pac's writes at it)."""

    def __init__(self) -> None:
        self.now = NIGHT

    def __call__(self) -> datetime:
        return self.now


def _settings(tmp: Path) -> Any:
    return one_connector_settings(tmp, PLAN, "hs-docs", default_mapping_path(), "hist",
                                  as_of="2027-06-30T19:00:00+02:00")


def _done(result: Any) -> dict[str, int]:
    assert not result.errors, result.errors
    ev = result.evaluation
    assert ev is not None, result
    return {a: ev.action(a).done for a in ("A-1", "A-2")}


def _recorded(settings: Any) -> list[tuple[str, str, str, Any, Any]]:
    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(AccountChangeRow.crm_id, AccountChangeRow.field, AccountChangeRow.changed_at,
                                       AccountChangeRow.old, AccountChangeRow.new)
                                .order_by(AccountChangeRow.changed_at, AccountChangeRow.id)).all()
    finally:
        engine.dispose()
    return [(str(i), str(f), str(at)[:16], old, new) for i, f, at, old, new in rows]


def _history_reads(emulator: Emulator, since: int) -> list[int]:
    """The number of companies each batch read with ``propertiesWithHistory`` of companies asked for."""
    return [len(body["inputs"]) for method, path, _q, body in emulator.requests[since:]
            if method == "POST" and path.endswith("/companies/batch/read") and body.get("propertiesWithHistory")]


FIRST_NIGHT = [("14", "account_type", "2027-06-18 08:00", "Prospect", "Customer"),
               ("11", "owner_id", "2027-06-20 09:00", JULIE, MARC),
               ("13", "owner_id", "2027-06-20 10:00", MARC, JULIE)]


class TestCompanyStateBeforeTheFirstNight:
    def test_the_first_night_reads_owners_and_types_as_they_were_on_the_windows_first_day(self, tmp_path: Path
                                                                                           ) -> None:
        """Seen failing before the property history was read: {'A-1': 1, 'A-2': 1} (every company as it is now)."""
        settings = _settings(tmp_path)
        with Emulator(build_portal()) as emulator:
            result = sync(settings, emulator, [], clock=Night())
            assert _done(result) == {"A-1": 2, "A-2": 2}
            assert _recorded(settings) == FIRST_NIGHT
            assert _history_reads(emulator, 0) == [5]      # one call for the 5 companies, whatever the properties
            asked = [body["propertiesWithHistory"] for m, path, _q, body in emulator.requests
                     if m == "POST" and path.endswith("/companies/batch/read") and body.get("propertiesWithHistory")]
            assert asked == [["hubspot_owner_id", "type"]]     # the state properties of the mapping, no other

    def test_a_portal_of_more_than_50_companies_reads_their_history_50_a_call(self, tmp_path: Path) -> None:
        settings = _settings(tmp_path)
        with Emulator(build_portal(companies=120)) as emulator:
            result = sync(settings, emulator, [], clock=Night())
            assert _done(result) == {"A-1": 2, "A-2": 2}
            assert sorted(_history_reads(emulator, 0)) == [20, 50, 50]
            assert _recorded(settings) == FIRST_NIGHT

    def test_later_nights_record_pacs_own_changes_once_and_read_no_history(self, tmp_path: Path) -> None:
        """A quiet night asks no history; a reassignment pac sees itself (Beta to Marc on 2 July) is recorded once, by
        pac; the full read reads the history again and records nothing twice."""
        settings = _settings(tmp_path)
        clock = Night()
        with Emulator(build_portal()) as emulator:
            sync(settings, emulator, [], clock=clock)
            first = _recorded(settings)
            clock.now += timedelta(days=1)
            mark = len(emulator.requests)
            quiet = sync(settings, emulator, [], clock=clock)
            assert _history_reads(emulator, mark) == []
            assert _done(quiet) == {"A-1": 2, "A-2": 2}
            clock.now += timedelta(days=1)
            emulator.portal.objects["companies"]["12"].set({"hubspot_owner_id": MARC}, clock.now - timedelta(hours=3),
                                                           user_id=202)
            moved = sync(settings, emulator, [], clock=clock)
            assert _done(moved) == {"A-1": 2, "A-2": 2}      # Beta was Julie's on 1 June
            after = _recorded(settings)
            assert after[:len(first)] == first
            assert [(i, f, old, new) for i, f, _at, old, new in after[len(first):]] == [("12", "owner_id", JULIE, MARC)]
            clock.now += timedelta(days=1)
            mark = len(emulator.requests)
            full = sync(settings, emulator, [], clock=clock, full=True)
            assert _history_reads(emulator, mark) == [5]
            assert _recorded(settings) == after
            assert _done(full) == {"A-1": 2, "A-2": 2}

    def test_a_dry_run_of_the_first_night_evaluates_as_the_real_one_and_records_nothing(self, tmp_path: Path) -> None:
        settings = _settings(tmp_path)
        with Emulator(build_portal()) as emulator:
            dry = sync(settings, emulator, [], clock=Night(), dry_run=True)
            assert _done(dry) == {"A-1": 2, "A-2": 2}
            assert _recorded(settings) == []


WEEK = timedelta(days=7)


def _last_full_read_of_companies(settings: Any) -> datetime | None:
    """When the store's watermark says the companies were last read in full (the run's instant)."""
    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            at = conn.execute(select(Watermark.last_full_at).where(Watermark.object == "accounts")).scalar_one()
    finally:
        engine.dispose()
    return None if at is None else stored_instant(at)


def _mapped_settings(tmp: Path, old: str, new: str, name: str) -> Any:
    """The shipped mapping with the line ``old`` written ``new`` (in ``name``, beside the plan)."""
    text = default_mapping_path().read_text(encoding="utf-8")
    assert old in text
    mapping = tmp / name
    mapping.write_text(text.replace(old, new), encoding="utf-8")
    return one_connector_settings(tmp, PLAN, "hs-docs", mapping, "hist", as_of="2027-06-30T19:00:00+02:00")


def _asked(emulator: Emulator, since: int) -> list[tuple[int, list[str]]]:
    """(companies, properties) of each history batch read of companies since request ``since``."""
    return [(len(body["inputs"]), body["propertiesWithHistory"]) for m, path, _q, body in emulator.requests[since:]
            if m == "POST" and path.endswith("/companies/batch/read") and body.get("propertiesWithHistory")]


def _segment_settings(tmp: Path) -> Any:
    """The shipped mapping with the account type read from the portal's own dropdown ``pac_segment``."""
    return _mapped_settings(tmp, "  account_type: type\n", "  account_type: pac_segment\n", "hubspot.segment.yaml")


class TestTheHistoryIsReadOncePerCompany:
    """Audit hsweekly (7 Dec 2026): the weekly full read (``reconciliation_days``) read the property history of every
    live company again, ⌈companies / 50⌉ calls a week (2,000 at 100,000 companies), for rows the store then left out
    (it records a company's history only where it holds no change of that field). A company's history is read once,
    for the properties its state fields are read from (``pac_history_read``)."""

    def test_the_weekly_full_read_reads_no_history_of_the_companies_already_read(self, tmp_path: Path) -> None:
        """Seen failing before the change: the weekly read asked [5] again."""
        settings = _settings(tmp_path)
        clock = Night()
        with Emulator(build_portal()) as emulator:
            sync(settings, emulator, [], clock=clock)
            assert _history_reads(emulator, 0) == [5]
            clock.now += WEEK           # reconciliation_days (7) passed: the weekly full read, not asked by the user
            mark = len(emulator.requests)
            weekly = sync(settings, emulator, [], clock=clock)
            assert _last_full_read_of_companies(settings) == clock.now     # the companies were read in full
            assert _history_reads(emulator, mark) == []
            assert _recorded(settings) == FIRST_NIGHT
            assert _done(weekly) == {"A-1": 2, "A-2": 2}

    def test_a_company_new_since_the_last_history_read_has_its_history_read_and_recorded(self, tmp_path: Path
                                                                                          ) -> None:
        """Zeta (17), created on 2 July as Marc's and given to Julie an hour later, is first read by the night of 3
        July (already Julie's: no change pac can see); the weekly read reads its history alone and records the
        change. Seen failing before the change: the weekly read asked [6] (every company again)."""
        settings = _settings(tmp_path)
        clock = Night()
        with Emulator(build_portal()) as emulator:
            sync(settings, emulator, [], clock=clock)
            created = NIGHT + timedelta(days=2)
            emulator.portal.add("companies", "17", {"name": "Zeta", "zip": "69002", "country": "France",
                                                    "type": "CUSTOMER", "hubspot_owner_id": MARC,
                                                    "createdate": created}, modified=created)
            zeta = emulator.portal.objects["companies"]["17"]
            zeta.created = created
            zeta.set({"hubspot_owner_id": JULIE}, created + timedelta(hours=1), user_id=202)
            clock.now += timedelta(days=3)
            mark = len(emulator.requests)
            sync(settings, emulator, [], clock=clock)
            assert _history_reads(emulator, mark) == []             # an incremental night: no history read
            assert _recorded(settings) == FIRST_NIGHT
            clock.now = NIGHT + WEEK
            mark = len(emulator.requests)
            weekly = sync(settings, emulator, [], clock=clock)
            assert _last_full_read_of_companies(settings) == clock.now
            assert _history_reads(emulator, mark) == [1]
            reads = [body["inputs"] for m, path, _q, body in emulator.requests[mark:]
                     if m == "POST" and path.endswith("/companies/batch/read") and body.get("propertiesWithHistory")]
            assert reads == [[{"id": "17"}]]
            assert _recorded(settings) == [*FIRST_NIGHT, ("17", "owner_id", "2027-07-02 18:00", MARC, JULIE)]
            assert _done(weekly) == {"A-1": 2, "A-2": 2}
            clock.now += WEEK
            mark = len(emulator.requests)
            sync(settings, emulator, [], clock=clock)
            assert _history_reads(emulator, mark) == []

    def test_a_store_upgraded_with_companies_and_no_marker_reads_every_history_once(self, tmp_path: Path) -> None:
        """A store kept by a pac before this change (its companies stored, no company's history marked read: as
        after migration 0015) reads the history of every company at its next full read, records nothing twice, and
        never again. Seen failing before the change: the second weekly read asked [5] again."""
        settings = _settings(tmp_path)
        clock = Night()
        with Emulator(build_portal()) as emulator:
            sync(settings, emulator, [], clock=clock)
            engine = open_store(settings.database())
            try:
                command.downgrade(alembic_config(engine), "0014")       # the store as a pac at 0014 kept it
            finally:
                engine.dispose()
            open_store(settings.database()).dispose()                   # upgraded again: no company marked read
            clock.now += WEEK
            mark = len(emulator.requests)
            sync(settings, emulator, [], clock=clock)
            assert _history_reads(emulator, mark) == [5]
            assert _recorded(settings) == FIRST_NIGHT
            clock.now += WEEK
            mark = len(emulator.requests)
            weekly = sync(settings, emulator, [], clock=clock)
            assert _history_reads(emulator, mark) == []
            assert _recorded(settings) == FIRST_NIGHT
            assert _done(weekly) == {"A-1": 2, "A-2": 2}

    def test_a_mapping_reading_the_type_from_another_property_reads_that_property_s_history_once(
            self, tmp_path: Path) -> None:
        """The type read from the portal's own dropdown ``pac_segment`` instead of ``type``: the night the mapping
        changes (a full read of the companies: the reading changed) reads the history of ``pac_segment`` alone, for
        every company, and the weekly read after it none. Seen failing before the change: the re-read asked
        ["hubspot_owner_id", "pac_segment"]."""
        portal = build_portal()
        portal.define("companies", "pac_segment", "enumeration", "select",
                      [("PROSPECT", "Prospect"), ("CUSTOMER", "Customer")])
        for company in portal.objects["companies"].values():
            company.properties["pac_segment"] = company.properties["type"]
        portal.objects["companies"]["14"].history["pac_segment"] = portal.objects["companies"]["14"].history["type"]
        settings = _settings(tmp_path)
        clock = Night()
        with Emulator(portal) as emulator:
            sync(settings, emulator, [], clock=clock)
            clock.now += timedelta(days=1)
            segment = _segment_settings(tmp_path)
            mark = len(emulator.requests)
            moved = sync(segment, emulator, [], clock=clock)
            assert _last_full_read_of_companies(segment) == clock.now      # the reading changed: read in full
            assert _asked(emulator, mark) == [(5, ["pac_segment"])]
            assert _recorded(segment) == FIRST_NIGHT
            assert _done(moved) == {"A-1": 2, "A-2": 2}
            clock.now += WEEK
            mark = len(emulator.requests)
            sync(segment, emulator, [], clock=clock)
            assert _history_reads(emulator, mark) == []

    def test_a_history_read_refused_is_not_marked_read_and_is_asked_again_by_the_next_full_read(
            self, tmp_path: Path) -> None:
        """The first night's history read refused (logged, every company read as it is now: 1 / 1): no company is
        marked read, so the weekly read asks for the 5 and records what the first night would have."""
        settings = _settings(tmp_path)
        clock = Night()
        with Emulator(build_portal()) as emulator:
            route = emulator.route

            def refusing(method: str, path: str, query: Any, body: Any) -> Any:
                if isinstance(body, dict) and body.get("propertiesWithHistory"):
                    return 400, {"status": "error", "category": "VALIDATION_ERROR",
                                 "message": "Property values were not valid"}, {}
                return route(method, path, query, body)

            emulator.route = refusing       # type: ignore[method-assign]
            first = sync(settings, emulator, [], clock=clock)
            assert _history_reads(emulator, 0) == [5]
            assert _recorded(settings) == []
            assert first.evaluation is not None and first.evaluation.action("A-1").done == 1
            emulator.route = route          # type: ignore[method-assign]
            clock.now += WEEK
            mark = len(emulator.requests)
            weekly = sync(settings, emulator, [], clock=clock)
            assert _history_reads(emulator, mark) == [5]
            assert _recorded(settings) == FIRST_NIGHT
            assert _done(weekly) == {"A-1": 2, "A-2": 2}

    def test_a_dormant_flag_no_longer_mapped_then_mapped_again_has_its_history_read_again(self, tmp_path: Path
                                                                                         ) -> None:
        """``companies.dormant`` read from the checkbox ``pac_dormant``, then ``null`` (the night it stops: no call,
        its companies marked read from no property), then ``pac_dormant`` again: the checkbox's changes made while
        pac did not read it are known only to its history, read then for the checkbox alone. Seen failing before the
        change: the night the mapping stopped reading it asked [(5, ['hubspot_owner_id', 'type'])] again."""
        portal = build_portal()
        portal.define("companies", "pac_dormant", "bool", "booleancheckbox", [("true", "Yes"), ("false", "No")])
        for company in portal.objects["companies"].values():
            company.properties["pac_dormant"] = "false"
        line = "  dormant: null"
        reading = _mapped_settings(tmp_path, line, "  dormant: pac_dormant", "hubspot.dormant.yaml")
        clock = Night()
        with Emulator(portal) as emulator:
            sync(reading, emulator, [], clock=clock)
            assert _asked(emulator, 0) == [(5, ["hubspot_owner_id", "pac_dormant", "type"])]
            clock.now += timedelta(days=1)
            stopped = _mapped_settings(tmp_path, line, "  dormant: null", "hubspot.nodormant.yaml")
            mark = len(emulator.requests)
            sync(stopped, emulator, [], clock=clock)
            assert _last_full_read_of_companies(stopped) == clock.now      # the reading changed: read in full
            assert _asked(emulator, mark) == []
            emulator.portal.objects["companies"]["12"].set({"pac_dormant": "true"}, clock.now + timedelta(hours=2))
            clock.now += timedelta(days=1)
            mark = len(emulator.requests)
            sync(reading, emulator, [], clock=clock)
            assert _last_full_read_of_companies(reading) == clock.now
            assert _asked(emulator, mark) == [(5, ["pac_dormant"])]
            assert _recorded(reading) == [*FIRST_NIGHT, ("12", "dormant", "2027-07-01 19:00", False, True)]
