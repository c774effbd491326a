"""The org of audit sfhand11 (8 Dec 2026): calls as reps log them in Salesforce, over a calendar 2027 plan read on
1 February 2027 and again on 12 January 2028, in the ended plan's late-entries month, once Salesforce has archived
January 2027's calls. Léa's and Hugo's January calls include calls logged on support cases (``WhatId`` a Case: its
``AccountId`` is the contact's, or none), a call closed with the org's own closed statuses « Annulée » (listed under
``cancelled``) and « Terminée » (listed nowhere), a call whose ``CallDisposition`` says nobody answered, an inbound
call, an e-mail task and a to-do typed 'Call' by its ``Type`` rather than logged with *Log a Call*
(``TaskSubtype`` Task). The hand figures are in /tmp/audits/sfhand11/EXPECTED.md and
``test_sfhand11_tasks_org``.

Salesforce's documentation relied on:

* Task.AccountId (Object Reference, Task,
  https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_task.htm):
  "If the value of WhatId is any of the following objects, then Salesforce uses that object's AccountId: Account,
  Opportunity, Contract, Custom object that is a child of Account. If the value of the WhatId field is any other
  object, and the value of the WhoId field is a Contact object, then Salesforce uses that contact's AccountId ...
  Otherwise, Salesforce sets the value of the AccountId field to null." A Case is "any other object".
* Task.CallDisposition "Represents the result of a given call, for example, "we'll call back," or "call
  unsuccessful." Limit is 255 characters"; CallDurationInSeconds "Duration of the call in seconds"; CallType "The type
  of call being answered: Inbound, Internal, or Outbound" (same page).
* TaskStatus.IsClosed "Indicates whether this task status value represents a closed Task (true) or not (false).
  Multiple task status values can represent a closed Task" (Object Reference, TaskStatus).
* Archived Activities (SOAP API Developer Guide,
  https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_guidelines_archive.htm): "Salesforce
  archives activities (tasks and events) that are over a year old ... Tasks with an IsClosed value of true and an
  ActivityDate value greater than or equal to 365 days old ... In the API, archived activities can only be queried via
  queryAll()" (``DocsOrg.archive_activities``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from connectors.salesforce.connector import build
from connectors.salesforce.mapping import default_mapping_path
from pac_config.settings import load_settings
from sync_jobs import pipeline
from sync_jobs.run_context import RunResult
from tests.fakes import Clock
from tests.integration.sf_docs_emulator import ENV, DocsOrg
from tests.integration.sf_runs import NO_WAIT

PLAN = """\
plan:
  id: pac-appels-2027
  name: "PAC Appels Rhône 2027"
  year: 2027
  timezone: Europe/Paris
  currency: EUR
  language: fr
people:
  - {email: claire@example.com, name: Claire Petit, role: manager}
  - {email: lea@example.com, name: Léa Martin, role: rep}
  - {email: hugo@example.com, name: Hugo Bernard, role: rep}
segments:
  - {id: S-69, name: Rhône, kind: horizontal, scope: {departement: "69"}}
axes:
  - id: AX-APP
    name: Appels clients
    segment: S-69
    status: active
    objective: {additional_revenue: 10000, baseline: 0, margin_rate: 0.3, budget: 1000}
actions:
  - {id: A-1, axis: AX-APP, text: "Passer 6 appels en janvier 2027", who: lea@example.com,
     what: {activity: call, count: 6, counting: activities}, when: "2027-01"}
  - {id: A-2, axis: AX-APP, text: "Appeler 4 comptes en janvier 2027", who: lea@example.com,
     what: {activity: call, count: 4}, when: "2027-01"}
  - {id: A-3, axis: AX-APP, text: "Passer 5 appels en janvier 2027", who: hugo@example.com,
     what: {activity: call, count: 5, counting: activities}, when: "2027-01"}
  - {id: A-4, axis: AX-APP, text: "Passer 40 appels en 2027", who: hugo@example.com,
     what: {activity: call, count: 40, counting: activities}, when: "2027"}
"""

N1 = datetime(2027, 2, 1, 1, 0, tzinfo=UTC)      # Monday 1 February 2027, 02:00 Paris
N2 = datetime(2028, 1, 12, 1, 0, tzinfo=UTC)     # Wednesday 12 January 2028, 02:00 Paris
SEEDED = datetime(2027, 1, 31, 18, 0, tzinfo=UTC)
OLD = datetime(2025, 1, 2, 9, 0, tzinfo=UTC)

ACCOUNTS = (("ALP", "Alpha", "69001"), ("BET", "Beta", "69002"), ("GAM", "Gamma", "69003"), ("DEL", "Delta", "69004"),
            ("EPS", "Epsilon", "69005"))
# the org's Task statuses: a standard org's (Completed the only closed one) and two of its own, both closed
STATUSES = (("Not Started", False), ("In Progress", False), ("Completed", True), ("Waiting on someone else", False),
            ("Deferred", False), ("Terminée", True), ("Annulée", True), ("Pas de réponse", True))

# key, rep, ActivityDate, what (an account or case key), who (contact keys), fields
CALL = {"TaskSubtype": "Call", "Status": "Completed", "IsClosed": True}
TASKS: tuple[tuple[str, str, date, str | None, tuple[str, ...], dict[str, Any]], ...] = (
    ("L1", "lea", date(2027, 1, 5), "ALP", (), {**CALL, "CallType": "Outbound", "CallDurationInSeconds": 300,
                                                "CallDisposition": "Intéressé, rappeler en mars"}),
    ("L2", "lea", date(2027, 1, 6), "CS-BET", ("c_beta",), CALL),
    ("L3", "lea", date(2027, 1, 7), "CS-GAM", (), CALL),
    ("L4", "lea", date(2027, 1, 8), "DEL", (), {**CALL, "Status": "Annulée",
                                                "CallDisposition": "Client absent, appel annulé"}),
    ("L5", "lea", date(2027, 1, 11), None, ("c_eps",), {**CALL, "Status": "Terminée"}),
    ("L6", "lea", date(2027, 1, 12), "ALP", (), {**CALL, "CallDisposition": "Pas de réponse",
                                                 "CallDurationInSeconds": 0}),
    ("L7", "lea", date(2027, 1, 12), "DEL", (), {**CALL, "TaskSubtype": "Email"}),
    ("L8", "lea", date(2027, 1, 13), "DEL", (), {**CALL, "TaskSubtype": "Task", "Type": "Call"}),
    ("L9", "lea", date(2027, 1, 14), "ALP", (), {**CALL, "Status": "Pas de réponse", "CallDurationInSeconds": 0}),
    ("H1", "hugo", date(2027, 1, 5), "CS-DEL", ("c_eps",), CALL),
    ("H2", "hugo", date(2027, 1, 6), "GAM", (), CALL),
    ("H3", "hugo", date(2027, 1, 7), "GAM", (), CALL),
    ("H4", "hugo", date(2027, 1, 8), None, ("c_beta",), {**CALL, "CallType": "Inbound"}),
)
LATER = (("H5", "hugo", date(2027, 6, 15), "ALP", (), CALL), ("H6", "hugo", date(2027, 12, 20), "BET", (), CALL))


def _task(org: DocsOrg, ids: dict[str, str], key: str, rep: str, day: date, what: str | None,
          who: tuple[str, ...], fields: dict[str, Any]) -> None:
    """A Task as *Log a Call* saves it: due on the call's day, closed at 10:00 Paris that day (09:00 UTC), stamped then
    (a later entry: when it is saved)."""
    saved = datetime.combine(day, time(9, 0), tzinfo=UTC)
    ids[key] = org.activity("Task", what=ids[what] if what else None, who=tuple(ids[c] for c in who),
                            OwnerId=ids[rep], Subject=f"Appel {key}", ActivityDate=day,
                            CompletedDateTime=saved if fields.get("IsClosed") else None, Priority="Normal",
                            CreatedDate=saved, SystemModstamp=saved, **fields)


def build_org() -> tuple[DocsOrg, dict[str, str]]:
    """The org as night 1 reads it."""
    org, ids = DocsOrg(page_size=5), {}
    org.now = SEEDED
    org.add("User", Id="005000000000INTAAA", Username="integration@acme.example", Email="integration@acme.example",
            Name="Integration", LastName="Integration", IsActive=True, UserType="Standard", LanguageLocaleKey="fr")
    for key, first, last in (("claire", "Claire", "Petit"), ("lea", "Léa", "Martin"), ("hugo", "Hugo", "Bernard")):
        ids[key] = org.add("User", Username=f"{key}@example.com", Email=f"{key}@example.com", Name=f"{first} {last}",
                           FirstName=first, LastName=last, IsActive=True, UserType="Standard", SystemModstamp=OLD)
    for key, name, postal in ACCOUNTS:
        ids[key] = org.add("Account", Name=name, OwnerId=ids["lea"], BillingPostalCode=postal,
                           BillingCountry="France", Industry="Manufacturing", Type="Customer - Direct",
                           CreatedDate=OLD, SystemModstamp=OLD)
    ids["c_beta"] = org.add("Contact", Name="Bruno Vidal", AccountId=ids["BET"], OwnerId=ids["lea"], SystemModstamp=OLD)
    ids["c_eps"] = org.add("Contact", Name="Emma Roux", AccountId=ids["EPS"], OwnerId=ids["hugo"], SystemModstamp=OLD)
    for key, account, contact in (("CS-BET", "BET", "c_beta"), ("CS-GAM", "GAM", None), ("CS-DEL", "DEL", None)):
        ids[key] = org.add("Case", CaseNumber=f"0000{len(ids)}", Subject=f"Panne {key}", Status="New",
                           AccountId=ids[account], ContactId=ids[contact] if contact else None, OwnerId=ids["hugo"],
                           SystemModstamp=OLD)
    for order, (label, closed) in enumerate(STATUSES, start=1):
        org.add("TaskStatus", MasterLabel=label, IsClosed=closed, IsDefault=order == 1, SortOrder=order)
    for task in TASKS:
        _task(org, ids, *task)
    return org, ids


def between_nights(org: DocsOrg, ids: dict[str, str]) -> list[str]:
    """Hugo logs his calls of 15 June and 20 December 2027, each the day it was made; on 12 January 2028 Salesforce's
    archival has flagged every closed Task 365 days old or more. The ids archived."""
    for task in LATER:
        _task(org, ids, *task)
    return org.archive_activities(date(2028, 1, 12))


SHIPPED_CALL_RULE = "    - {object: Task, type: call, where: {TaskSubtype: ['Call']}}\n"
TYPED_CALL_RULE = "    - {object: Task, type: call, where: {Type: ['Call']}}\n"


def mapping(tmp: Path, *, typed_calls: bool = False) -> Path:
    """The shipped mapping, with the org's « Annulée » listed under cancelled and « Pas de réponse » under no_show
    (closed statuses meaning "not made" and "nobody answered", as docs/salesforce.md *activities.status* advises);
    « Terminée » is listed nowhere (closed: completed). ``typed_calls``: a to-do typed 'Call' (``Type``) counts as a
    call too (a rule after the shipped one)."""
    text = default_mapping_path().read_text(encoding="utf-8")
    assert "cancelled: ['Deferred']" in text and SHIPPED_CALL_RULE in text
    text = text.replace("cancelled: ['Deferred']",
                        "cancelled: ['Deferred', 'Annulée']\n        no_show: ['Pas de réponse']")
    if typed_calls:
        text = text.replace(SHIPPED_CALL_RULE, SHIPPED_CALL_RULE + TYPED_CALL_RULE)
    path = tmp / "salesforce.sfhand11.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def settings(tmp: Path, database_url: str) -> Any:
    (tmp / "appels-2027.pac.yaml").write_text(PLAN, encoding="utf-8")
    (tmp / "mapping.yaml").write_text("crm: fake\n", encoding="utf-8")
    path = tmp / "pac.yaml"
    path.write_text(
        f"database_url: {database_url}\n"
        "connectors:\n  - {name: sf-main, crm: salesforce, mapping: mapping.yaml, reconciliation_days: 7}\n"
        "plans:\n  - {name: appels-2027, file: appels-2027.pac.yaml, connectors: [sf-main]}\n", encoding="utf-8")
    return load_settings(path, env={})


def sync(cfg: Any, mapping_path: Path, at: datetime) -> RunResult:
    """One run at ``at`` through the real connector and pipeline."""
    connector = build("sf-main", mapping_path, ENV, policy=NO_WAIT)
    try:
        return pipeline.run_sync("appels-2027", cfg, connectors={"sf-main": connector}, clock=Clock(at))
    finally:
        connector.close()

