"""A meeting logged on a contact with no company is placed the night after its contact gets a primary company (audit
hshistory, 7 Dec 2026): pac's real HubSpot connector, pipeline, store and engine on the documentation's emulated portal.
Hand-computed before the run (/tmp/audits/hshistory/EXPECTED.md, case 2).

The portal of ``test_hs_docs_company_history`` (Julie's A-1 « visit 3 of my accounts in June »: Alpha 10 June, Beta
12 June -> 2), plus Anne (contact 701), who has no company, and Julie's visit M303 of 15 June logged on Anne only
(calendar sync). Night 1 (30 June): M303 is kept with no account and rejected for the plan ``contact_only`` (« …
associate it with a company (the contact has no primary company) »): A-1 2. Between the nights, Anne is given her
primary company Epsilon (Julie's): the association is the contact's, M303 is not touched, its ``hs_lastmodifieddate``
stays. Night 2 (1 July, incremental): M303 counts on Epsilon, A-1 3, no rejection left. Before, it stayed rejected
until the full read (``reconciliation_days``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from tests.integration.hs_docs_emulator import ASSOCIATION_TYPES, PRIMARY_CONTACT_COMPANY, Emulator, Portal
from tests.integration.test_hs_docs_company_history import JULIE, Night, _done, _settings, build_portal
from tests.integration.test_hs_docs_emulator import _stage, sync

ANNE = "701"
VISIT = "303"
WORDS = "meeting associated with contact 701 only: associate it with a company (the contact has no primary company)"


def with_anne() -> Portal:
    p = build_portal()
    for name in ("email", "firstname", "lastname", "hs_lastmodifieddate"):
        p.define("contacts", name, "string", "text")
    stamp = datetime(2027, 6, 26, 12, 0, tzinfo=UTC)
    p.add("contacts", ANNE, {"email": "anne@client.example", "firstname": "Anne"}, modified=stamp)
    at = datetime(2027, 6, 15, 8, 0, tzinfo=UTC)
    p.add("meetings", VISIT, {"hs_meeting_title": "Visit Anne", "hs_timestamp": at, "hs_meeting_start_time": at,
                              "hs_meeting_outcome": "COMPLETED", "hs_activity_type": "Visite client",
                              "hubspot_owner_id": JULIE}, modified=stamp)
    p.associate("meetings", VISIT, "contacts", ANNE)
    return p


def _calls(emulator: Emulator, since: int) -> list[str]:
    return [path.split("/crm/")[-1] for method, path, _q, _b in emulator.requests[since:]]


def test_the_meeting_is_placed_the_night_after_its_contact_gets_a_company(tmp_path: Path) -> None:
    """Seen failing before the re-check: night 2 still {'A-1': 2} with the contact_only rejection carried."""
    settings = _settings(tmp_path)
    clock = Night()
    with Emulator(with_anne()) as emulator:
        first = sync(settings, emulator, [], clock=clock)
        assert _done(first) == {"A-1": 2, "A-2": 2}
        assert [(r.id, r.reason) for r in first.rejections] == [(VISIT, WORDS)]
        clock.now += timedelta(days=1)
        # Anne given her primary company in the app: the contact's association, the meeting untouched
        emulator.portal.link("contacts", ANNE, "companies", "15",
                             [PRIMARY_CONTACT_COMPANY, ASSOCIATION_TYPES[("contacts", "companies")]])
        emulator.portal.objects["contacts"][ANNE].set({"firstname": "Anne"}, clock.now - timedelta(hours=5),
                                                      user_id=201)
        mark = len(emulator.requests)
        second = sync(settings, emulator, [], clock=clock)
        assert _done(second) == {"A-1": 3, "A-2": 2}
        assert second.rejections == []
        calls = _calls(emulator, mark)
        assert calls.count("v4/associations/contacts/companies/batch/read") == 2   # the re-check, then its placing
        assert calls.count("v3/objects/meetings/batch/read") == 1                  # M303 read again by id
        # a third night: M303 is placed, nothing is checked again
        clock.now += timedelta(days=1)
        mark = len(emulator.requests)
        third = sync(settings, emulator, [], clock=clock)
        assert _done(third) == {"A-1": 3, "A-2": 2}
        assert "v4/associations/contacts/companies/batch/read" not in _calls(emulator, mark)


def test_while_the_contact_has_no_company_a_night_asks_one_association_read_more(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    clock = Night()
    with Emulator(with_anne()) as emulator:
        sync(settings, emulator, [], clock=clock)
        clock.now += timedelta(days=1)
        mark = len(emulator.requests)
        second = sync(settings, emulator, [], clock=clock)
        assert _done(second) == {"A-1": 2, "A-2": 2}
        assert [(r.id, r.reason) for r in second.rejections] == [(VISIT, WORDS)]
        calls = _calls(emulator, mark)
        assert calls.count("v4/associations/contacts/companies/batch/read") == 1
        assert "v3/objects/meetings/batch/read" not in calls


ORDER = "501"
DEAL_WORDS = "deal associated with contact 701 only: associate it with a company (the contact has no primary company)"


def with_annes_order() -> Portal:
    """Anne's portal with Julie's won order of 20 June 2027 (4,000 EUR) carried by Anne alone (a quoting integration),
    no visit: a plan whose segment has no deal condition rejects it (it could be one of its accounts')."""
    p = with_anne()
    del p.objects["meetings"][VISIT]
    p.associations[("meetings", "contacts")].pop(VISIT, None)
    p.associations[("contacts", "meetings")].pop(ANNE, None)
    p.pipelines["deals"] = [
        {"id": "default", "label": "Sales Pipeline", "displayOrder": 0, "archived": False,
         "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z",
         "stages": [_stage("appointmentscheduled", "Appointment scheduled", 0, False, "0.2"),
                    _stage("closedwon", "Closed won", 1, True, "1.0"),
                    _stage("closedlost", "Closed lost", 2, True, "0.0")]}]
    close = datetime(2027, 6, 20, 10, 0, tzinfo=UTC)
    p.add("deals", ORDER, {"dealname": "Commande Anne", "pipeline": "default", "dealstage": "closedwon",
                           "amount": "4000", "closedate": close, "deal_currency_code": "EUR",
                           "hs_is_closed_won": "true", "hs_is_closed": "true", "hubspot_owner_id": JULIE},
          modified=datetime(2027, 6, 26, 12, 0, tzinfo=UTC))
    p.associate("deals", ORDER, "contacts", ANNE)
    return p


def _stored_account(settings: Any, kind: str, crm_id: str) -> str | None:
    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT account_id FROM pac_record WHERE kind = :k AND crm_id = :i"),
                                {"k": kind, "i": crm_id}).scalar_one()
    finally:
        engine.dispose()


def test_a_won_order_on_a_contact_is_placed_the_night_after_its_contact_gets_a_company(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    clock = Night()
    with Emulator(with_annes_order()) as emulator:
        first = sync(settings, emulator, [], clock=clock)
        assert [(r.id, r.reason) for r in first.rejections] == [(ORDER, DEAL_WORDS)]
        assert _stored_account(settings, "deals", ORDER) is None
        clock.now += timedelta(days=1)
        emulator.portal.link("contacts", ANNE, "companies", "15",
                             [PRIMARY_CONTACT_COMPANY, ASSOCIATION_TYPES[("contacts", "companies")]])
        mark = len(emulator.requests)
        second = sync(settings, emulator, [], clock=clock)
        assert second.rejections == []
        assert _stored_account(settings, "deals", ORDER) == "15"
        assert _calls(emulator, mark).count("v3/objects/deals/batch/read") == 1
