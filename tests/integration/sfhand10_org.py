"""The org of audit sfhand10 (7 Dec 2026): a week of visits whose Salesforce records change after the week, and the
monthly action review over it. Julie's and Marc's visits of week 21 (24–30 May 2027) include a private event (no account
can be related to it), a timed visit of three days and eight hours (Friday → Monday, ``DurationInMinutes`` 4800) and
an all-day one of three days (Sunday → Tuesday), both starting in week 21 and ending in week 22; after the week one
visit is re-assigned from Julie to Marc (``OwnerId``), one moved to another account (``WhatId``), and the private one
made public and related to its account. The hand figures are in /tmp/audits/sfhand10/EXPECTED.md and
``test_sfhand10_private_multiday_org``.

Salesforce's documentation relied on (Object Reference, Event,
https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_event.htm):
IsPrivate "users with the View All Data or Modify All Data permission can see private events in reports and searches
... Private events can't be associated with opportunities, accounts, cases, campaigns, contracts, leads, or contacts";
DurationInMinutes "If the multiday event feature is enabled, then API versions 13.0 and later support values greater
than 1440", Usage "Multiday events can't exceed 14 days"; OwnerId "Contains the ID of the user or public calendar who
owns the event. Label is Assigned to ID" (Create, Update); AccountId derived from the What (``DocsOrg.account_of``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from connectors.salesforce.connector import build
from pac_config.settings import load_settings
from sync_jobs import pipeline
from sync_jobs.run_context import RunResult
from tests.fakes import Clock
from tests.integration.sf_docs_emulator import ENV, DocsOrg
from tests.integration.sf_runs import NO_WAIT

PLAN = """\
plan:
  id: pac-sud-2027
  name: "PAC Sud 2027"
  year: 2027
  timezone: Europe/Paris
  currency: EUR
  language: en
people:
  - {email: sophie@example.com, name: Sophie Arnaud, role: manager}
  - {email: julie@example.com, name: Julie Morel, role: rep}
  - {email: marc@example.com, name: Marc Dupont, role: rep}
segments:
  - {id: S-69, name: Rhône, kind: horizontal, scope: {departement: "69"}}
axes:
  - id: AX-KEY
    name: Key accounts
    segment: S-69
    status: active
    objective: {additional_revenue: 10000, baseline: 0, margin_rate: 0.3, budget: 1000}
actions:
  - {id: A-1, axis: AX-KEY, text: "Visit 4 accounts in week 21", who: julie@example.com,
     what: {activity: visit, count: 4}, when: "week 21"}
  - {id: A-2, axis: AX-KEY, text: "Visit 3 accounts in week 21", who: marc@example.com,
     what: {activity: visit, count: 3}, when: "week 21"}
  - {id: A-3, axis: AX-KEY, text: "Make 6 visits in May 2027", who: julie@example.com,
     what: {activity: visit, count: 6, counting: activities}, when: "May 2027"}
  - {id: A-4, axis: AX-KEY, text: "Make 6 visits in Q2", who: marc@example.com,
     what: {activity: visit, count: 6, counting: activities}, when: "Q2"}
  - {id: A-5, axis: AX-KEY, text: "Visit 2 accounts in week 22", who: marc@example.com,
     what: {activity: visit, count: 2}, when: "week 22"}
"""

N1 = datetime(2027, 6, 1, 0, 0, tzinfo=UTC)      # Tuesday 1 June 2027, 02:00 Paris
N2 = datetime(2027, 6, 2, 0, 0, tzinfo=UTC)      # Wednesday 2 June, 02:00 Paris
N3 = datetime(2027, 6, 3, 0, 0, tzinfo=UTC)      # Thursday 3 June, 02:00 Paris
SEEDED = datetime(2027, 5, 31, 18, 0, tzinfo=UTC)
DAY_ONE = datetime(2027, 6, 1, 15, 0, tzinfo=UTC)    # the edits between nights 1 and 2
DAY_TWO = datetime(2027, 6, 2, 15, 0, tzinfo=UTC)    # between nights 2 and 3

ACCOUNTS = (("ALP", "Alpha", "69001"), ("BET", "Beta", "69002"), ("GAM", "Gamma", "69003"), ("DEL", "Delta", "69004"),
            ("EPS", "Epsilon", "69005"), ("ZET", "Zeta", "69006"))


def _utc(month: int, day: int, hour: int) -> datetime:
    return datetime(2027, month, day, hour, 0, tzinfo=UTC)


# key, rep, account (None: a private event), start (UTC), minutes
TIMED = (("J6", "julie", "ZET", _utc(5, 11, 8), 60), ("J1", "julie", "ALP", _utc(5, 24, 7), 60),
         ("J2", "julie", "BET", _utc(5, 25, 12), 60), ("J3", "julie", "GAM", _utc(5, 26, 8), 60),
         ("J4", "julie", None, _utc(5, 27, 8), 90), ("J5", "julie", "DEL", _utc(5, 28, 12), 60),
         ("M0", "marc", "ALP", _utc(4, 15, 8), 60),
         # a trade-fair stand at Epsilon's, Friday 28 May 09:00 Paris to Monday 31 May 17:00: 3 days 8 hours
         ("M1", "marc", "EPS", _utc(5, 28, 7), 4800))


def build_org() -> tuple[DocsOrg, dict[str, str]]:
    """The org as night 1 reads it."""
    org, ids = DocsOrg(page_size=5), {}
    org.now = SEEDED
    org.add("User", Id="005000000000INTAAA", Username="integration@acme.example", Email="integration@acme.example",
            Name="Integration", LastName="Integration", IsActive=True, UserType="Standard", LanguageLocaleKey="en_US")
    for key, first, last in (("sophie", "Sophie", "Arnaud"), ("julie", "Julie", "Morel"), ("marc", "Marc", "Dupont")):
        ids[key] = org.add("User", Username=f"{key}@example.com", Email=f"{key}@example.com", Name=f"{first} {last}",
                           FirstName=first, LastName=last, IsActive=True, UserType="Standard",
                           SystemModstamp=datetime(2025, 1, 2, 9, 0, tzinfo=UTC))
    for key, name, postal in ACCOUNTS:
        ids[key] = org.add("Account", Name=name, OwnerId=ids["julie"], BillingPostalCode=postal,
                           BillingCountry="France", Industry="Manufacturing", Type="Customer - Direct",
                           CreatedDate=datetime(2025, 1, 2, 9, 0, tzinfo=UTC),
                           SystemModstamp=datetime(2025, 1, 2, 9, 0, tzinfo=UTC))
    for key, rep, account, start, minutes in TIMED:
        end = start + timedelta(minutes=minutes)
        ids[key] = org.activity("Event", what=ids[account] if account else None, OwnerId=ids[rep], Subject=key,
                                Type="Visite client", EventSubtype="Event", ActivityDateTime=start,
                                StartDateTime=start, ActivityDate=start.date(), DurationInMinutes=minutes,
                                EndDateTime=end, EndDate=end.date(), IsAllDayEvent=False,
                                IsPrivate=account is None, SystemModstamp=SEEDED, CreatedDate=SEEDED)
    # an all-day event of three days, Sunday 30 May to Tuesday 1 June: "the Event due date information is contained
    # in the ActivityDate field", midnight GMT; EndDateTime the last day's midnight as the docs emulator's others
    sunday, last = date(2027, 5, 30), date(2027, 6, 1)
    midnight = datetime(2027, 5, 30, tzinfo=UTC)
    ids["M2"] = org.activity("Event", what=ids["ZET"], OwnerId=ids["marc"], Subject="M2", Type="Visite client",
                             EventSubtype="Event", ActivityDateTime=midnight, StartDateTime=midnight,
                             ActivityDate=sunday, IsAllDayEvent=True, DurationInMinutes=3 * 1440, EndDate=last,
                             EndDateTime=datetime(2027, 6, 1, tzinfo=UTC), SystemModstamp=SEEDED,
                             CreatedDate=SEEDED)
    ids["O1"] = org.add("Opportunity", Name="O1", AccountId=ids["ALP"], OwnerId=ids["julie"], StageName="Closed Won",
                        IsWon=True, IsClosed=True, CloseDate=date(2027, 5, 10), Amount=6000.0,
                        ForecastCategory="Closed", ForecastCategoryName="Closed",
                        CreatedDate=datetime(2027, 4, 10, 9, 0, tzinfo=UTC), SystemModstamp=SEEDED)
    return org, ids


def _visit(org: DocsOrg, ids: dict[str, str], key: str, rep: str, account: str, start: datetime,
           logged: datetime) -> None:
    ids[key] = org.activity("Event", what=ids[account], OwnerId=ids[rep], Subject=key, Type="Visite client",
                            EventSubtype="Event", ActivityDateTime=start, StartDateTime=start,
                            ActivityDate=start.date(), DurationInMinutes=60, EndDateTime=start + timedelta(hours=1),
                            EndDate=start.date(), IsAllDayEvent=False, SystemModstamp=logged, CreatedDate=logged)


def day_one(org: DocsOrg, ids: dict[str, str]) -> None:
    """1 June: Julie corrects J2's account (Beta → Alpha, she was at Alpha); Sophie re-assigns J3 to Marc (his visit,
    which Julie logged); Marc logs M3, his visit of that morning at Alpha."""
    org.edit_activity(ids["J2"], DAY_ONE, ids["julie"], what=ids["ALP"])
    org.edit_activity(ids["J3"], DAY_ONE + timedelta(minutes=5), ids["sophie"], OwnerId=ids["marc"])
    _visit(org, ids, "M3", "marc", "ALP", _utc(6, 1, 7), DAY_ONE + timedelta(minutes=10))


def day_two(org: DocsOrg, ids: dict[str, str]) -> None:
    """2 June: Julie unticks Private on J4 and relates it to Beta; Marc logs M4, his visit of that morning at Beta."""
    org.edit_activity(ids["J4"], DAY_TWO, ids["julie"], what=ids["BET"], IsPrivate=False)
    _visit(org, ids, "M4", "marc", "BET", _utc(6, 2, 8), DAY_TWO + timedelta(minutes=10))


def settings(tmp: Path, database_url: str) -> Any:
    (tmp / "sud-2027.pac.yaml").write_text(PLAN, encoding="utf-8")
    (tmp / "mapping.yaml").write_text("crm: fake\n", encoding="utf-8")
    path = tmp / "pac.yaml"
    path.write_text(
        f"database_url: {database_url}\n"
        "connectors:\n  - {name: sf-main, crm: salesforce, mapping: mapping.yaml, reconciliation_days: 7}\n"
        "plans:\n  - {name: sud-2027, file: sud-2027.pac.yaml, connectors: [sf-main]}\n", encoding="utf-8")
    return load_settings(path, env={})


def sync(cfg: Any, mapping: Path, at: datetime) -> RunResult:
    """One run at ``at`` through the real connector and pipeline."""
    connector = build("sf-main", mapping, ENV, policy=NO_WAIT)
    try:
        return pipeline.run_sync("sud-2027", cfg, connectors={"sf-main": connector}, clock=Clock(at))
    finally:
        connector.close()
