"""The HubSpot audit's portal (2026-12-05, findings F5 and F6) in the sandbox CRM, synced by the real pipeline with the
shipped mapping: what Julie's visit and call actions count in Q2 2027.

* meeting 1001 on Lyon Chimie (101) counts; 1003 on Grenoble Pharma (205), no start time and no outcome, counts on its
  ``hs_timestamp``; 1004 carries only a contact of Lyon Chimie (its primary company, contacts -> companies typeId 1):
  it counts through that contact (F5: before, "no account"); 1005 is on 1 July in Paris: outside Q2;
* calls 2001 (connected) and 2003 (no status, no outcome) are outbound and count; 2002 was not answered (no-show);
  2004 is the client ringing Julie (``hs_call_direction`` INBOUND, connected): not her call (F6: before, counted).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from connectors.base import ObjectKind
from connectors.hubspot.mapping import CONNECTED, default_mapping_path
from pac_core.records import Activity
from tests.fakes import (
    SeededPortal,
    audit_plan,
    hubspot_opted_in,
    one_connector_settings,
    sandbox_connectors,
)

PLAN = audit_plan("Audit HS", "en", """\
  - id: A-1
    axis: AX-RA
    text: "Visit 10 clients in Q2"
    who: julie@audit.example
    what: {activity: visit, count: 10, counting: activities}
    when: "Q2 2027"
    status: in_progress
  - id: A-3
    axis: AX-RA
    text: "Call 10 clients in Q2"
    who: julie@audit.example
    what: {activity: call, count: 10, counting: activities}
    when: "Q2 2027"
    status: in_progress
  - id: A-4
    axis: AX-RA
    text: "Send 5 follow-up e-mails in Q2"
    who: julie@audit.example
    what: {activity: email, count: 5, counting: activities}
    when: "Q2 2027"
    status: in_progress
""")


class AuditPortal(SeededPortal):
    """The audit's records (``/tmp/audit-hs/data_main.py`` and ``data_extra.py``) in a sandbox portal; ``ids`` maps
    the audit's ids to the sandbox's."""

    def __init__(self, tmp: Path, mapping: Path | None = None) -> None:
        super().__init__()
        api = self.api
        julie = api.add_owner("julie@audit.example", "Julie", "Martin")
        api.add_owner("nat@audit.example", "Nathalie", "Garnier")
        ids: dict[int, str] = {}
        self.ids = ids

        def company(key: int, name: str, zip_code: str) -> None:
            ids[key] = api.add("companies", {"name": name, "zip": zip_code, "country": "France", "type": "Client",
                                             "industry": "Chimie", "hubspot_owner_id": julie})

        company(101, "Lyon Chimie", "69001")
        company(150, "Paris Négoce", "75001")
        company(205, "Grenoble Pharma", "38000")
        ids[7001] = api.add("contacts", {"email": "client@lyonchimie.example", "firstname": "Paul"})
        api.associate("contacts", ids[7001], "companies", ids[101], primary=True)

        def meeting(key: int, start: str, company: int | None, outcome: str = "COMPLETED", ts: str = "") -> None:
            ids[key] = api.add("meetings", {
                "hubspot_owner_id": julie, "hs_meeting_start_time": start, "hs_timestamp": ts or start,
                "hs_meeting_outcome": outcome, "hs_activity_type": "Visite client", "hs_meeting_title": f"m{key}"},
                companies=(ids[company],) if company else ())

        meeting(1001, "2027-05-03T09:00:00.000Z", 101)
        meeting(1003, "", 205, outcome="", ts="2027-05-04T08:00:00.000Z")
        meeting(1004, "2027-05-05T09:00:00.000Z", None)
        api.associate("meetings", ids[1004], "contacts", ids[7001])
        meeting(1005, "2027-06-30T22:30:00.000Z", 101)

        def call(key: int, ts: str, status: str = "COMPLETED", disposition: str = CONNECTED,
                 direction: str = "OUTBOUND") -> None:
            ids[key] = api.add("calls", {
                "hubspot_owner_id": julie, "hs_timestamp": ts, "hs_call_status": status,
                "hs_call_disposition": disposition or None, "hs_call_direction": direction,
                "hs_call_title": f"c{key}"}, companies=(ids[101],))

        call(2001, "2027-05-05T10:00:00.000Z")
        call(2002, "2027-05-06T10:00:00.000Z", status="NO_ANSWER", disposition="")
        call(2003, "2027-05-07T10:00:00.000Z", status="", disposition="")
        call(2004, "2027-05-18T08:00:00.000Z", direction="INBOUND")
        # data_extra.py: Julie's follow-up e-mail to Lyon Chimie (sent from the CRM: direction EMAIL), and the
        # client's reply (INCOMING_EMAIL), which is not her e-mail
        ids[4001] = api.add("emails", {"hubspot_owner_id": julie, "hs_timestamp": "2027-05-12T08:00:00.000Z",
                                       "hs_email_direction": "EMAIL", "hs_email_subject": "Relance devis",
                                       "hs_email_status": "SENT"}, companies=(ids[101],))
        ids[4002] = api.add("emails", {"hubspot_owner_id": julie, "hs_timestamp": "2027-05-13T08:00:00.000Z",
                                       "hs_email_direction": "INCOMING_EMAIL", "hs_email_subject": "RE: Relance devis"},
                            companies=(ids[101],))
        self.serve()
        self.settings = one_connector_settings(tmp, PLAN, "hs-audit", mapping or default_mapping_path(), "audit")



@pytest.fixture
def audit(tmp_path: Path) -> Iterator[AuditPortal]:
    with AuditPortal(tmp_path) as portal:
        yield portal


def test_julies_visits_count_the_meeting_filed_on_her_clients_contact(audit: AuditPortal) -> None:
    """A-1: 1001, 1003 and 1004 (through contact 7001, whose primary company is Lyon Chimie): 3 / 10, and no
    "no account" rejection. Failed before: 2 / 10, 1004 "no account"."""
    result = audit.sync()
    assert result.evaluation is not None
    assert result.evaluation.action("A-1").done == 3
    assert [r.id for r in result.rejections if r.object == "activities"] == []   # the inbound call: no plan activity


def test_julies_calls_leave_out_the_client_ringing_her(audit: AuditPortal) -> None:
    """A-3: 2001 and 2003 (outbound), not 2002 (no answer) nor the inbound 2004: 2 / 10. Failed before: 3 / 10."""
    result = audit.sync()
    assert result.evaluation is not None
    ids = audit.ids
    assert result.evaluation.action("A-3").done == 2
    # the inbound call has no type: counted for no action and no rejected record (a night with one does not exit 1);
    # pac explain lists it among Julie's near misses ("type not counted")
    assert result.rejections == []
    connectors = sandbox_connectors(audit.settings, audit.server, provision=False)
    try:
        inbound = [a for a in connectors["hs-audit"].pull(ObjectKind.ACTIVITIES, None)
                   if isinstance(a, Activity) and a.id == ids[2004]]
    finally:
        for c in connectors.values():
            c.close()
    assert len(inbound) == 1 and inbound[0].type is None and inbound[0].account_id == ids[101]


def test_sync_warns_of_the_email_action_no_connector_reads(audit: AuditPortal) -> None:
    """A-4 counts e-mails, which the shipped HubSpot mapping does not read: the run says so (audit F3; before: 0 / 5
    and nothing said), and its status is not changed by it."""
    result = audit.sync()
    assert result.evaluation is not None and result.evaluation.action("A-4").done == 0
    assert len(result.unmeasured) == 1 and result.unmeasured[0].startswith(
        "action A-4 counts 'email' activities, which none of the plan's connectors reads (hs-audit (hubspot))")


def test_pac_sync_prints_the_warning(audit: AuditPortal) -> None:
    """`pac sync`'s summary (``cli_sync.print_result``) prints each such warning under the counts."""
    import io

    from rich.console import Console

    from sync_jobs.cli_sync import print_result

    out = io.StringIO()
    print_result(Console(file=out, width=400), audit.sync())
    assert [line for line in out.getvalue().splitlines() if line.startswith("warning: action A-4 counts 'email'")]


def test_emails_opted_in_count_the_reps_sent_email(tmp_path: Path) -> None:
    """With ``activities.emails.enabled: true``: A-4 counts Julie's sent e-mail 4001, 1 / 5 (audit F3: before,
    0 / 5 and no request to emails); the reply 4002 is not searched (the direction filter), and no warning is left."""
    with AuditPortal(tmp_path, mapping=hubspot_opted_in(tmp_path, "emails")) as portal:
        result = portal.sync()
        requests = list(portal.api.requests)
    assert result.evaluation is not None and result.evaluation.action("A-4").done == 1
    assert result.unmeasured == []
    searches = [body for method, path, body in requests if path.endswith("/objects/emails/search")]
    assert searches and all({"propertyName": "hs_email_direction", "operator": "IN", "values": ["EMAIL"]}
                            in group["filters"] for body in searches for group in body["filterGroups"])


def test_shipped_mapping_reads_no_emails(audit: AuditPortal) -> None:
    """E-mails are opt-in: the shipped mapping sends no request to the emails API."""
    audit.sync()
    assert audit.api.requests and not [p for _, p, _ in audit.api.requests if "/emails" in p]


def test_an_inbound_call_on_a_contact_with_no_company_is_no_rejected_record(audit: AuditPortal) -> None:
    """A client with no company rings Julie (INBOUND, associated with its contact only): not her call, so no plan
    activity, and no rejected record making the night exit 1 (failed before: rejected "call associated with
    contact N only"). Julie's outbound call to the same contact is still rejected, naming the contact."""
    api, ids = audit.api, audit.ids
    julie = next(o["id"] for o in api.portal.owners if o["email"] == "julie@audit.example")
    ids[7002] = api.add("contacts", {"email": "someone@nowhere.example", "firstname": "Anne"})
    for key, direction in ((2005, "INBOUND"), (2006, "OUTBOUND")):
        ids[key] = api.add("calls", {"hubspot_owner_id": julie, "hs_timestamp": "2027-05-19T08:00:00.000Z",
                                     "hs_call_status": "COMPLETED", "hs_call_disposition": CONNECTED,
                                     "hs_call_direction": direction, "hs_call_title": f"c{key}"})
        api.associate("calls", ids[key], "contacts", ids[7002])
    result = audit.sync()
    assert [(r.id, r.reason.split(":")[0]) for r in result.rejections] == [
        (ids[2006], f"call associated with contact {ids[7002]} only")]


def test_a_rejected_record_stands_until_it_is_read_again(audit: AuditPortal) -> None:
    """A meeting with no start time, last changed a month ago: rejected on the first night; the next nights read
    only what changed, yet it is still listed, as known (no new rejection, the run not partial), and a full read
    finds it known too. Fixed in HubSpot, it counts the next night. Failed before: gone from the second night's
    rejections, then "new" again on the full read (exit 1 with nothing changed)."""
    julie = next(o["id"] for o in audit.api.portal.owners if o["email"] == "julie@audit.example")
    bad = audit.api.add("meetings", {"hubspot_owner_id": julie, "hs_meeting_start_time": "", "hs_timestamp": "",
                                     "hs_meeting_outcome": "COMPLETED", "hs_activity_type": "Visite client",
                                     "hs_meeting_title": "no start"},
                        modified=datetime(2026, 11, 1, tzinfo=UTC), companies=(audit.ids[101],))
    first = audit.sync()
    assert [r.id for r in first.rejections] == [bad] and [r.id for r in first.new_rejections] == [bad]
    for night in (audit.sync(), audit.sync(full=True)):
        assert [r.id for r in night.rejections] == [bad], night.rejections
        assert night.new_rejections == [] and night.status.value == "ok"
    audit.api.update("meetings", bad, {"hs_meeting_start_time": "2027-05-10T08:00:00.000Z"})
    fixed = audit.sync()
    assert fixed.rejections == [] and fixed.evaluation is not None
    assert fixed.evaluation.action("A-1").done == 4
