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

from tests.integration.hs_docs_emulator import ASSOCIATION_TYPES, PRIMARY_CONTACT_COMPANY, Emulator, Portal
from tests.integration.test_hs_docs_company_history import JULIE, Night, _done, _settings, build_portal
from tests.integration.test_hs_docs_emulator import sync

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
