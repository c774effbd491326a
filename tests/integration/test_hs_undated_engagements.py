"""HubSpot engagements with no start time, decided by the plan (audit hsundated, 7 Dec 2026), through the real
HubSpot connector and pipeline on a sandbox portal with the shipped mapping.

Before, the connector rejected every engagement with no start time before any plan was read: another team's undated
call made every plan's night ``partial`` (exit 1) and was listed « to fix in the CRM » of a plan that would never
count it. Now it is stored undated, its object noted (``Activity.crm_object``), the engine's plan-aware ``no_start``
decides (docs/engine.md, *Bad records*: its type counted by an action naming its owner), and a rejection reads in
the connector's words of before (``no_start_time``, object and properties), so its known-vs-new key is unchanged.

The portal: Julie's clients in Rhône-Alpes, Lyon Chimie; plan A-1 « Julie visits 10 clients in Q2 2027 », A-3
« Julie calls 10 clients in Q2 2027 »; Julie's visit of 3 May and call of 5 May count (1 each). Marc, of another
team, is a portal owner no action names (he is not in the plan).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from connectors.hubspot.mapping import CONNECTED, default_mapping_path
from pac_core.reject_codes import CODES, rejection
from sync_jobs.exit_codes import exit_code_for
from tests.fakes import AUDIT_PEOPLE, SeededPortal, audit_plan, one_connector_settings

ACTIONS = """\
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
"""
PLAN = audit_plan("Undated HS", "en", ACTIONS)
# the same plan once it names Marc: his calls in Q2 (a plan edit, no CRM change)
MARC_PLAN = audit_plan("Undated HS", "en", ACTIONS + """\
  - id: A-5
    axis: AX-RA
    text: "Marc calls 5 clients in Q2"
    who: marc@other.example
    what: {activity: call, count: 5, counting: activities}
    when: "Q2 2027"
    status: in_progress
""", people=AUDIT_PEOPLE + "  - {email: marc@other.example, name: Marc Durand, role: rep}\n")
LONG_AGO = datetime(2026, 11, 1, tzinfo=UTC)   # last changed a month before the first night: no later night reads it
CALL_WORDS = "call has no start time (hs_timestamp empty)"
MEETING_WORDS = "meeting has no start time (hs_timestamp and hs_meeting_start_time empty)"


class Portal(SeededPortal):
    def __init__(self, tmp: Path) -> None:
        super().__init__()
        api = self.api
        self.julie = api.add_owner("julie@audit.example", "Julie", "Martin")
        self.marc = api.add_owner("marc@other.example", "Marc", "Durand")
        self.lyon = api.add("companies", {"name": "Lyon Chimie", "zip": "69001", "country": "France",
                                          "type": "Client", "industry": "Chimie", "hubspot_owner_id": self.julie})
        api.add("meetings", {"hubspot_owner_id": self.julie, "hs_timestamp": "2027-05-03T09:00:00.000Z",
                             "hs_meeting_outcome": "COMPLETED", "hs_activity_type": "Visite client",
                             "hs_meeting_title": "visite"}, companies=(self.lyon,))
        self.call(self.julie, "2027-05-05T10:00:00.000Z")
        self.tmp = tmp
        self.serve()
        self.settings = one_connector_settings(tmp, PLAN, "hs-audit", default_mapping_path(), "undated")

    def call(self, owner: str, ts: str = "", *, direction: str = "OUTBOUND", status: str = "COMPLETED",
             companies: tuple[str, ...] | None = None) -> str:
        """A call on Lyon Chimie (``companies`` else), with no ``hs_timestamp`` unless ``ts``."""
        return self.api.add("calls", {"hubspot_owner_id": owner, "hs_timestamp": ts, "hs_call_status": status,
                                      "hs_call_disposition": CONNECTED, "hs_call_direction": direction,
                                      "hs_call_title": "appel"},
                            companies=(self.lyon,) if companies is None else companies,
                            modified=None if ts else LONG_AGO)

    def meeting(self, owner: str, kind: str = "Visite client", outcome: str = "COMPLETED") -> str:
        """A meeting on Lyon Chimie with neither ``hs_timestamp`` nor ``hs_meeting_start_time``."""
        return self.api.add("meetings", {"hubspot_owner_id": owner, "hs_timestamp": "", "hs_meeting_start_time": "",
                                         "hs_meeting_outcome": outcome, "hs_activity_type": kind,
                                         "hs_meeting_title": "sans date"}, companies=(self.lyon,), modified=LONG_AGO)


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    with Portal(tmp_path) as p:
        yield p


def _done(result: object, action: str) -> int:
    evaluation = result.evaluation  # type: ignore[attr-defined]
    assert evaluation is not None
    return int(evaluation.action(action).done)


def _rejected(result: object) -> list[tuple[str, str, str]]:
    return [(r.object, r.id, r.reason) for r in result.rejections]  # type: ignore[attr-defined]


def test_another_teams_undated_call_leaves_the_night_ok(portal: Portal) -> None:
    """Marc's completed outbound call on Lyon Chimie with no hs_timestamp: no action names Marc, so whatever its
    date it could count for none. By hand: no rejection, status ok (exit 0), A-1 1 and A-3 1 as without it. Seen
    failing before the fix (main): partial (exit 1), Marc's call rejected « call has no start time (hs_timestamp
    empty) »."""
    marc = portal.call(portal.marc)
    result = portal.sync()
    assert (_rejected(result), result.status.value, exit_code_for(result.status)) == ([], "ok", 0), marc
    assert (_done(result, "A-1"), _done(result, "A-3")) == (1, 1)


def test_the_plans_own_undated_call_is_still_rejected_in_the_same_words(portal: Portal) -> None:
    """The same night holds Julie's undated call (A-3 counts her calls: hers to fix) and Marc's. By hand: exactly
    Julie's rejected, in the words, code and values of before (the connector's ``no_start_time``: object call,
    fields hs_timestamp; in French « l'appel n'a pas d'heure de début (hs_timestamp vide) : renseignez-la dans le
    CRM »), new, the night partial; A-3 still 1. The next night (incremental: neither call read again) and a full
    read: the same rejection, known, the night ok. Main: both rejected, partial."""
    portal.call(portal.marc)
    julie = portal.call(portal.julie)
    first = portal.sync()
    assert _rejected(first) == [("activities", julie, CALL_WORDS)]
    assert first.rejections == [rejection("hs-audit", "activities", julie, "no_start_time", object="call",
                                          fields="hs_timestamp")]
    assert CODES["no_start_time"].fr(dict(first.rejections[0].values)) == (
        "l'appel n'a pas d'heure de début (hs_timestamp vide) : renseignez-la dans le CRM")
    assert [(r.id, r.code) for r in first.new_rejections] == [(julie, "no_start_time")]
    assert (first.status.value, exit_code_for(first.status), _done(first, "A-3")) == ("partial", 1, 1)
    for night in (portal.sync(), portal.sync(full=True)):
        assert (_rejected(night), night.new_rejections, night.status.value) == (
            [("activities", julie, CALL_WORDS)], [], "ok")


def test_the_engine_decides_by_type_owner_and_not_by_status(portal: Portal) -> None:
    """Julie's undated engagements, by hand from the engine's rule (type counted by an action naming the owner;
    status not read): a completed visit meeting (A-1 counts her visits) is rejected, « meeting has no start time
    (hs_timestamp and hs_meeting_start_time empty) »; a scheduled one too (a broken record of the plan's type and
    owner, as a planned visit with no account is); a meeting of another HubSpot type (« Réunion »: the mapping's
    default type ``meeting``, which no action counts) is not, nor is an inbound call (no type: the client rang her).
    Main: all four rejected."""
    done = portal.meeting(portal.julie)
    planned = portal.meeting(portal.julie, outcome="SCHEDULED")
    portal.meeting(portal.julie, kind="Réunion")
    portal.call(portal.julie, direction="INBOUND")
    result = portal.sync()
    assert sorted(_rejected(result)) == sorted([("activities", done, MEETING_WORDS),
                                                ("activities", planned, MEETING_WORDS)])
    assert {r.code for r in result.rejections} == {"no_start_time"}
    assert (_done(result, "A-1"), _done(result, "A-3")) == (1, 1)


def test_an_undated_call_on_a_contact_with_no_company_is_judged_by_the_plan(portal: Portal) -> None:
    """An undated call associated only with a contact who has no primary company: it cannot count whatever its
    company, so the connector keeps it (no ``contact_only`` rejection, which is plan-wide) and the engine decides:
    Marc's is nobody's, Julie's is rejected for its start time, in the words of before. Main: both rejected
    « call has no start time (hs_timestamp empty) »."""
    loose = portal.api.add("contacts", {"email": "anne@nowhere.example", "firstname": "Anne"})
    ids = {}
    for who in (portal.julie, portal.marc):
        ids[who] = portal.call(who, companies=())
        portal.api.associate("calls", ids[who], "contacts", loose)
    result = portal.sync()
    assert _rejected(result) == [("activities", ids[portal.julie], CALL_WORDS)]


def test_a_plan_that_starts_naming_the_owner_words_it_from_the_store(portal: Portal) -> None:
    """Night 1: Marc's undated call, nobody's (ok). Night 2: the plan gains A-5, Marc's calls in Q2; nothing changed
    in HubSpot, so the incremental read does not read the call again. By hand: the call is now the plan's to reject,
    new that night (the plan now reads it), partial, in HubSpot's words of before (« call has no start time
    (hs_timestamp empty) », code no_start_time), not the engine's « no_start: the activity has neither a start time
    nor a day »: the object comes from the stored record (HubSpot's ids do not tell it). Then known, ok."""
    marc = portal.call(portal.marc)
    assert portal.sync().status.value == "ok"
    (portal.tmp / "plan.pac.yaml").write_text(MARC_PLAN, encoding="utf-8")
    before = len(portal.api.requests)
    second = portal.sync()
    assert not [b for _m, p, b in list(portal.api.requests)[before:] if p.endswith("/calls/search") and b
                and not any(f.get("propertyName") == "hs_lastmodifieddate" for g in b.get("filterGroups") or ()
                            for f in g.get("filters") or ())], "night 2 read the calls in full"
    assert _rejected(second) == [("activities", marc, CALL_WORDS)]
    assert [(r.id, r.code) for r in second.new_rejections] == [(marc, "no_start_time")]
    assert (second.status.value, _done(second, "A-5")) == ("partial", 0)
    third = portal.sync()
    assert (_rejected(third), third.new_rejections, third.status.value) == (
        [("activities", marc, CALL_WORDS)], [], "ok")
