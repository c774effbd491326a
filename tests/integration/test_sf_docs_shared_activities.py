"""Salesforce activities in their less common documented shapes, through pac's real Salesforce connector, sync pipeline
and engine against the org emulated from Salesforce's documentation (``sf_docs_emulator``), audit sfshared.

The shapes (Object Reference: Event, Task, EventRelation, EventWhoRelation, TaskWhoRelation; Change Data Capture
Developer Guide, Recurring Activities): group events with a user invited (the invitee's calendar copy, ``IsChild``) and
a contact invited (an ``EventRelation`` only); Shared Activities (several contacts, the first the primary ``WhoId``,
``WhoCount``; ``AccountId`` derived from the What's account, else from the primary contact's); a person account reached
through its person contact; a Lightning Experience event series (its series record, ``GroupEventType`` 3, and its
occurrences, ``IsRecurrence2``); Classic recurring series of Events and Tasks (the master, ``IsRecurrence``, and its
occurrences, ``RecurrenceActivityId``); Tasks of subtype Call, Email, ListEmail and Cadence; archived activities
(``IsArchived``: queryAll only); an activity on a lead.

Hand expectations, written before the run (/tmp/audits/sfshared/EXPECTED.md). Plan Europe/Paris 2027, evaluated on
20 May 2027 at 16:00 UTC; the shipped mapping (visit: Event Type 'Visite client'; call: TaskSubtype Call; email:
TaskSubtype Email). Accounts (all 69xxx, Customer - Direct): Alpha, Beta, Gamma, Delta, Epsilon, Zeta, Omega, Durand
(a person account).

A-V Julie, visit 5 accounts in week 19 (10-16 May 2027, Paris):
  V1 Julie's group event on Alpha, Marc (a user: his copy) and Alpha's contact invited: yes (Alpha); V2 Marc's group
  event on Beta, Julie invited: her copy no; V3 Shared Activities, contacts of Gamma (primary) and Zeta, no What:
  AccountId Gamma, yes; V4 Durand's person contact, no What: yes (Durand); V5 a Lightning series on an opportunity of
  Delta: the series record no, its occurrences of 3 May (week 18) no, 10 May yes, 17 May (week 20) no; V6 a Classic
  series on Epsilon: the master no, its occurrences of 14 and 15 May: Epsilon, once; V8 on a lead: left out, no
  rejection; V9 archived, April 2026 on Omega: outside the window.          -> 5 of 5: done
A-MV Marc, visit 2 accounts in week 19: V2 Beta yes; his copy of V1 no.       -> 1 of 2
A-C Marc, call 3 accounts in May 2027:
  T1 Shared Activities call, contacts of Beta (primary) and Alpha: Beta yes; T2 on an opportunity of Omega: yes; T3 a
  Classic recurring call on Zeta: master no, occurrence of 5 May completed yes, of 12 May not started no; T4 a Cadence
  task (Type Call) on Gamma: no; T5 on Delta, due 30 April, closed 3 May: April, no; T6 archived 2026: no.
                                                                              -> 3 of 3: done
A-E Julie, e-mail 2 accounts in May 2027: M1 Email on Alpha yes; M2 ListEmail to Gamma's contact no; M3 Email to
  Delta's contact (no What) yes (Delta).                                      -> 2 of 2: done
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from connectors.salesforce.connector import build
from connectors.salesforce.mapping import default_mapping_path
from pac_config.settings import load_settings
from sync_jobs import pipeline
from sync_jobs.app import current
from sync_jobs.run_context import RunResult
from tests.fakes import Clock, write_settings
from tests.integration.sf_docs_emulator import ENV, DocsOrg, add_pac_objects, serve
from tests.integration.sf_runs import NO_WAIT

PLAN = """\
plan:
  name: "Shared activities"
  year: 2027
  timezone: Europe/Paris
  currency: EUR
  language: en
people:
  - {email: julie@example.com, name: Julie}
  - {email: marc@example.com, name: Marc}
segments:
  - {id: S-69, name: Rhône, kind: horizontal, scope: {departement: "69"}}
axes:
  - {id: AX-1, name: Rhône accounts, segment: S-69, status: active}
actions:
  - {id: A-V, axis: AX-1, text: "Visit 5 accounts in week 19", who: julie@example.com,
     what: {activity: visit, count: 5}, when: "week 19"}
  - {id: A-MV, axis: AX-1, text: "Visit 2 accounts in week 19", who: marc@example.com,
     what: {activity: visit, count: 2}, when: "week 19"}
  - {id: A-C, axis: AX-1, text: "Call 3 accounts in May", who: marc@example.com,
     what: {activity: call, count: 3}, when: "May 2027"}
  - {id: A-E, axis: AX-1, text: "E-mail 2 accounts in May", who: julie@example.com,
     what: {activity: email, count: 2}, when: "May 2027"}
"""
STAMP = datetime(2027, 5, 19, 12, 0, tzinfo=UTC)


def _at(month: int, day: int, hour: int, year: int = 2027) -> dict[str, Any]:
    """An Event's timed fields at ``hour`` UTC, one hour long."""
    start = datetime(year, month, day, hour, 0, tzinfo=UTC)
    return {"ActivityDateTime": start, "StartDateTime": start, "ActivityDate": start.date(), "DurationInMinutes": 60,
            "EndDateTime": start.replace(hour=hour + 1), "EndDate": start.date(), "IsAllDayEvent": False}


def _done(due: date, hour: int = 9, closed: date | None = None) -> dict[str, Any]:
    """A completed Task's fields: due ``due``, closed on ``closed`` (default the same day) at ``hour`` UTC."""
    day = closed or due
    return {"ActivityDate": due, "Status": "Completed", "IsClosed": True,
            "CompletedDateTime": datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)}


def build_org() -> tuple[DocsOrg, dict[str, str]]:
    org, ids = DocsOrg(page_size=5), {}
    org.add("User", Id="005000000000INTAAA", Username="integration@acme.example", Email="integration@acme.example",
            Name="Integration", LastName="Integration", IsActive=True, UserType="Standard", LanguageLocaleKey="en_US")
    for key in ("julie", "marc"):
        ids[key] = org.add("User", Username=f"{key}@example.com", Email=f"{key}@example.com", Name=key.title(),
                           FirstName=key.title(), LastName="X", IsActive=True, UserType="Standard")
    julie, marc = ids["julie"], ids["marc"]
    for n, key in enumerate(("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "omega", "durand"), start=1):
        ids[key] = org.add("Account", Name=key.title(), BillingPostalCode=f"6900{n}", BillingCountry="France",
                           OwnerId=julie, Industry="Manufacturing", Type="Customer - Direct")
        # Durand is a person account: its person contact is a Contact whose AccountId is the account
        ids[f"c_{key}"] = org.add("Contact", Name=f"{key.title()} Contact", AccountId=ids[key], OwnerId=julie)
    ids["lead"] = org.add("Lead", Name="Lee Prospect", Company="Prospect SA", OwnerId=julie, IsConverted=False)
    for key in ("delta", "omega"):
        ids[f"opp_{key}"] = org.add("Opportunity", Name=f"{key} deal", AccountId=ids[key], OwnerId=julie,
                                    StageName="Prospecting", IsWon=False, IsClosed=False, CloseDate=date(2027, 9, 30),
                                    Amount=1000.0)
    visit = {"Type": "Visite client", "EventSubtype": "Event", "SystemModstamp": STAMP}
    ids["V1"], copies = org.group_event(julie, (marc, ids["c_alpha"]), what=ids["alpha"], Subject="V1",
                                        **visit, **_at(5, 11, 8))
    ids["V1_marc"] = copies[marc]
    ids["V2"], copies = org.group_event(marc, (julie,), what=ids["beta"], Subject="V2", **visit, **_at(5, 12, 9))
    ids["V2_julie"] = copies[julie]
    ids["V3"] = org.activity("Event", who=(ids["c_gamma"], ids["c_zeta"]), OwnerId=julie, Subject="V3", **visit,
                             **_at(5, 12, 13))
    ids["V4"] = org.activity("Event", who=(ids["c_durand"],), OwnerId=julie, Subject="V4", **visit, **_at(5, 13, 8))
    ids["V5"], ids["V5_occ"] = org.event_series(
        [_at(5, 3, 8), _at(5, 10, 8), _at(5, 17, 8)], "RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;COUNT=3",
        what=ids["opp_delta"], OwnerId=julie, Subject="V5", **visit)
    ids["V6"], ids["V6_occ"] = org.classic_series(
        "Event", [_at(5, 14, 8), _at(5, 15, 8)],
        {"RecurrenceType": "RecursDaily", "RecurrenceInterval": 1,
         "RecurrenceStartDateTime": datetime(2027, 5, 14, 8, 0, tzinfo=UTC),
         "RecurrenceEndDateOnly": date(2027, 5, 15)},
        what=ids["epsilon"], OwnerId=julie, Subject="V6", **visit)
    ids["V8"] = org.activity("Event", who=(ids["lead"],), OwnerId=julie, Subject="V8", **visit, **_at(5, 13, 14))
    ids["V9"] = org.activity("Event", what=ids["omega"], OwnerId=julie, Subject="V9", IsArchived=True, **visit,
                             **_at(4, 14, 8, year=2026))

    call = {"TaskSubtype": "Call", "Type": "Call", "Priority": "Normal", "OwnerId": marc, "SystemModstamp": STAMP}
    ids["T1"] = org.activity("Task", who=(ids["c_beta"], ids["c_alpha"]), Subject="T1", **call,
                             **_done(date(2027, 5, 3)))
    ids["T2"] = org.activity("Task", what=ids["opp_omega"], Subject="T2", **call, **_done(date(2027, 5, 4)))
    ids["T3"], ids["T3_occ"] = org.classic_series(
        "Task", [_done(date(2027, 5, 5)), {"ActivityDate": date(2027, 5, 12), "Status": "Not Started"}],
        {"RecurrenceType": "RecursWeekly", "RecurrenceInterval": 1, "RecurrenceStartDateOnly": date(2027, 5, 5),
         "RecurrenceEndDateOnly": date(2027, 5, 12)}, what=ids["zeta"], Subject="T3", **call)
    ids["T4"] = org.activity("Task", what=ids["gamma"], Subject="T4",
                             **{**call, "TaskSubtype": "Cadence"}, **_done(date(2027, 5, 6)))
    ids["T5"] = org.activity("Task", what=ids["delta"], Subject="T5", **call,
                             **_done(date(2027, 4, 30), closed=date(2027, 5, 3)))
    ids["T6"] = org.activity("Task", what=ids["alpha"], Subject="T6", IsArchived=True, **call,
                             **_done(date(2026, 3, 2)))

    mail = {"Type": "Email", "Priority": "Normal", "OwnerId": julie, "SystemModstamp": STAMP}
    ids["M1"] = org.activity("Task", what=ids["alpha"], Subject="M1", TaskSubtype="Email", **mail,
                             **_done(date(2027, 5, 6)))
    ids["M2"] = org.activity("Task", who=(ids["c_gamma"],), Subject="M2", TaskSubtype="ListEmail", **mail,
                             **_done(date(2027, 5, 7)))
    ids["M3"] = org.activity("Task", who=(ids["c_delta"],), Subject="M3", TaskSubtype="Email", **mail,
                             **_done(date(2027, 5, 7)))
    return org, ids


@pytest.fixture
def shared_org(tmp_path: Path, database_url: str) -> Iterator[tuple[DocsOrg, dict[str, str], Any]]:
    add_pac_objects(yaml.safe_load(default_mapping_path().read_text(encoding="utf-8"))["writeback"])
    org, ids = build_org()
    settings = load_settings(write_settings(tmp_path, database_url, connectors=(("sf-main", "salesforce"),),
                                            plan_text=PLAN), env={})
    for _ in serve(org):
        yield org, ids, settings


def _sync(settings: Any, now: datetime) -> RunResult:
    connector = build("sf-main", default_mapping_path(), ENV, policy=NO_WAIT)
    try:
        return pipeline.run_sync(None, settings, connectors={"sf-main": connector}, clock=Clock(now))
    finally:
        connector.close()


def _decisions(settings: Any, action_id: str) -> dict[str, tuple[bool, str]]:
    """`pac explain`'s decisions for the action, from the stored records: record id -> (counted, rule)."""
    now = current(settings, as_of=datetime(2027, 5, 20, 16, 0, tzinfo=UTC), explain=[action_id])
    return {d.record_id: (d.counted, d.rule) for d in now.evaluation.action(action_id).decisions}


def _counted(settings: Any, action_id: str) -> set[str]:
    return {record for record, (counted, _rule) in _decisions(settings, action_id).items() if counted}


class TestSharedActivitiesGroupEventsAndSeries:
    def test_the_emulated_org_relates_activities_as_the_object_reference_says(
            self, shared_org: tuple[DocsOrg, dict[str, str], Any]) -> None:
        """The emulator's own shapes, checked once so that the figures below rest on them."""
        org, ids, _settings = shared_org
        rows = {r["Id"]: r for r in org.rows["Event"] + org.rows["Task"]}
        assert (rows[ids["V3"]]["AccountId"], rows[ids["V3"]]["WhoId"], rows[ids["V3"]]["WhoCount"]) == (
            ids["gamma"], ids["c_gamma"], 2)
        assert rows[ids["V5"]]["AccountId"] == ids["delta"] and rows[ids["V4"]]["AccountId"] == ids["durand"]
        assert (rows[ids["V1_marc"]]["OwnerId"], rows[ids["V1_marc"]]["IsChild"]) == (ids["marc"], True)
        assert rows[ids["V8"]]["AccountId"] is None and rows[ids["M3"]]["AccountId"] == ids["delta"]
        invitees = {r["RelationId"] for r in org.rows["EventRelation"] if r["EventId"] == ids["V1"] and r["IsInvitee"]}
        assert invitees == {ids["marc"], ids["c_alpha"]}
        assert {r["RelationId"] for r in org.rows["TaskWhoRelation"] if r["TaskId"] == ids["T1"]} == {
            ids["c_beta"], ids["c_alpha"]}

    def test_who_gets_each_visit_call_and_email(self, shared_org: tuple[DocsOrg, dict[str, str], Any]) -> None:
        org, ids, settings = shared_org
        result = _sync(settings, datetime(2027, 5, 20, 16, 0, tzinfo=UTC))
        assert (org.unhandled, org.errors, result.status, result.rejections) == ([], [], "ok", [])
        assert result.evaluation is not None
        done = {a: (result.evaluation.action(a).done, result.evaluation.action(a).pace)
                for a in ("A-V", "A-MV", "A-C", "A-E")}
        assert done == {"A-V": (5, "done"), "A-MV": (1, done["A-MV"][1]), "A-C": (3, "done"), "A-E": (2, "done")}
        assert _counted(settings, "A-V") == {ids["V1"], ids["V3"], ids["V4"], ids["V5_occ"][1], ids["V6_occ"][0]}
        assert _counted(settings, "A-MV") == {ids["V2"]}
        assert _counted(settings, "A-C") == {ids["T1"], ids["T2"], ids["T3_occ"][0]}
        assert _counted(settings, "A-E") == {ids["M1"], ids["M3"]}


def _statuses(org: DocsOrg) -> None:
    """A standard org's Task statuses (Completed the only closed one) and two of the org's own, both closed:
    'Clôturée' (done) and 'Annulée' (the call was not made)."""
    for order, (label, closed) in enumerate((("Not Started", False), ("In Progress", False), ("Completed", True),
                                              ("Waiting on someone else", False), ("Deferred", False),
                                              ("Clôturée", True), ("Annulée", True)), start=1):
        org.add("TaskStatus", MasterLabel=label, IsClosed=closed, IsDefault=order == 1, SortOrder=order)


class TestClosedTaskStatusesTheMappingDoesNotList:
    """A Task whose status the mapping lists nowhere and which Salesforce marks closed (``closed_field: IsClosed``)
    counts as completed: right for an org's 'Clôturée', wrong for its 'Annulée' (a call closed because it was never
    made). Only the org knows which: `pac config check --online` names each closed status the mapping does not list
    (TaskStatus, IsClosed), so the admin lists the one that means "not made" under cancelled (audit sfshared F1:
    before, nothing said so, and each cancelled call counted as made)."""

    def test_the_online_check_names_each_closed_status_the_mapping_does_not_list(
            self, shared_org: tuple[DocsOrg, dict[str, str], Any], tmp_path: Path) -> None:
        org, _ids, _settings = shared_org
        _statuses(org)
        connector = build("sf-main", default_mapping_path(), ENV, policy=NO_WAIT)
        try:
            notes = [n for n in connector.online_notes() if "TaskStatus" in n]
        finally:
            connector.close()
        assert notes == [
            "warning: activities.status.Task: the org's closed Task statuses 'Clôturée', 'Annulée' are listed under "
            "no status, so a Task closed in one counts as completed (closed_field: IsClosed), a call or e-mail made "
            "(TaskStatus.IsClosed); list those that mean it was not made under cancelled, those that mean nobody "
            "answered under no_show, and those that mean done under completed to silence this"]
        text = default_mapping_path().read_text(encoding="utf-8").replace(
            "completed: ['Completed']", "completed: ['Completed', 'Clôturée']").replace(
            "cancelled: ['Deferred']", "cancelled: ['Deferred', 'Annulée']")
        listed = tmp_path / "listed.yaml"
        listed.write_text(text, encoding="utf-8")
        connector = build("sf-main", listed, ENV, policy=NO_WAIT)
        try:
            assert [n for n in connector.online_notes() if "TaskStatus" in n] == []
        finally:
            connector.close()
        assert (org.unhandled, org.errors) == ([], [])


class TestTheNextNight:
    def test_a_new_primary_contact_a_converted_lead_and_an_uninvited_rep_are_read_incrementally(
            self, shared_org: tuple[DocsOrg, dict[str, str], Any]) -> None:
        """Between two nights (hand figures first): V3's primary contact becomes Zeta's (``WhoId`` changes, Salesforce
        derives ``AccountId`` Zeta anew, the stamp moves): A-V counts Zeta, not Gamma; the lead of V8 is converted
        into a contact of a new account Eta 69009 (its activities move to the contact and account: "converting the
        lead moves its activities", docs/salesforce.md): A-V counts Eta; Julie removes Marc from V1 (his copy is
        deleted): nothing changes. A-V 6 of 5 (V1, V3, V4, V5's 10 May, V6's 14 May, V8); A-MV 1."""
        org, ids, settings = shared_org
        assert _sync(settings, datetime(2027, 5, 20, 16, 0, tzinfo=UTC)).status == "ok"
        moved = org.now = datetime(2027, 5, 20, 16, 30, tzinfo=UTC)
        rows = {r["Id"]: r for r in org.rows["Event"]}
        rows[ids["V3"]].update(WhoId=ids["c_zeta"], AccountId=org.account_of(None, ids["c_zeta"]),
                               SystemModstamp=moved, LastModifiedDate=moved)
        eta = org.add("Account", Name="Eta", BillingPostalCode="69009", BillingCountry="France", OwnerId=ids["julie"],
                      Industry="Manufacturing", Type="Customer - Direct", SystemModstamp=moved)
        contact = org.add("Contact", Name="Lee Prospect", AccountId=eta, OwnerId=ids["julie"], SystemModstamp=moved)
        [lead] = [r for r in org.rows["Lead"] if r["Id"] == ids["lead"]]
        lead.update(IsConverted=True, SystemModstamp=moved)
        rows[ids["V8"]].update(WhoId=contact, AccountId=org.account_of(None, contact), SystemModstamp=moved,
                               LastModifiedDate=moved)
        org.delete(ids["V1_marc"], moved)
        second = _sync(settings, datetime(2027, 5, 20, 17, 0, tzinfo=UTC))
        assert (org.unhandled, org.errors, second.status, second.rejections) == ([], [], "ok", [])
        assert second.evaluation is not None
        assert (second.evaluation.action("A-V").done, second.evaluation.action("A-MV").done) == (6, 1)
        assert _counted(settings, "A-V") == {ids["V1"], ids["V3"], ids["V4"], ids["V5_occ"][1], ids["V6_occ"][0],
                                             ids["V8"]}
        now = current(settings, as_of=datetime(2027, 5, 20, 17, 0, tzinfo=UTC), explain=["A-V"])
        accounts = {d.record_id: d.account_id for d in now.evaluation.action("A-V").decisions if d.counted}
        assert (accounts[ids["V3"]], accounts[ids["V8"]]) == (ids["zeta"], eta)
