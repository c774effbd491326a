"""Week 53 of 2026 across the year end, through pac's real Salesforce connector, the real sync pipeline and the real
engine against the org emulated from Salesforce's documentation (``sf_docs_emulator``), calendar53 audit.

Hand expectations, written before the run. The plan runs from 1 July 2026 to 30 June 2027 (Europe/Paris, French), so
it holds the whole ISO week 53 of 2026, Monday 28 December 2026 - Sunday 3 January 2027, UTC [2026-12-27T23:00Z,
2027-01-03T23:00Z); its quarters are Jul-Sep, Oct-Dec (T2), Jan-Mar (T3), Apr-Jun.

A-W53 Julie, visit 4 distinct accounts of the Rhône (69) « en semaine 53 »:
  E1 Lyon 2026-12-27T22:30Z (Sunday 27, 23:30 Paris: week 52) no; E2 Villeurbanne 2026-12-27T23:30Z (Monday 28,
  00:30 Paris) yes; E3 Vénissieux all-day, ActivityDate 2026-12-29 (a plain date) yes once its day is over;
  E4 Caluire all-day 2026-12-30 yes once 30 December is over; E5 Bron 2026-12-30T08:00Z yes; E6 Givors
  2026-12-31T22:30Z (31 December 23:30 Paris) yes once past; E7 Rillieux 2027-01-02T09:00Z (Saturday) yes once past;
  E8 Grenoble (38) 2027-01-02 no (out of scope); E9 Lyon all-day 2027-01-04 no (week 1).
A-XM Marc, call 3 accounts of the 69 « du 21 décembre au 8 janvier » = [2026-12-20T23:00Z, 2027-01-08T23:00Z):
  T1 Givors completed, due 2026-12-21 yes; T2 Lyon completed, due 2026-12-20 no (the day before); T3 Bron completed,
  due 2027-01-08 (its last day, completed that day at 17:00Z) yes once completed.

Night 1, 30 December 2026 at 12:00 Paris (11:00Z): A-W53 counts E2, E3, E5 = 3 (E4's day is not over; E6, E7 to
come); 2.5 of its 7 days gone: expected 4 x 2.5 / 7 = 1.43; on track. A-XM counts T1 = 1; 9.5 of 19 days: expected
1.5. The CRM's action record: window 2026-12-28 .. 2027-01-03 (both years), done 3, target 4.
Night 2, 4 January 2027 at 02:00 Paris (01:00Z): A-W53 E2, E3, E4, E5, E6, E7 = 6, done. A-XM still 1 (T3 to come).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import yaml

from connectors.salesforce.connector import build
from connectors.salesforce.mapping import default_mapping_path
from pac_config.settings import load_settings
from sync_jobs import pipeline
from sync_jobs.run_context import RunResult
from tests.cli import run_pac
from tests.fakes import Clock, write_settings
from tests.integration.sf_docs_emulator import ENV, DocsOrg, add_pac_objects, serve
from tests.integration.sf_runs import NO_WAIT

PLAN = """\
plan:
  name: "PAC 2026-2027"
  year: 2026
  period: 2026-07-01..2027-06-30
  timezone: Europe/Paris
  currency: EUR
  language: fr
people:
  - {email: julie@example.com, name: Julie}
  - {email: marc@example.com, name: Marc}
segments:
  - {id: S-1, name: Rhône, kind: horizontale, scope: {departement: "69"}}
axes:
  - {id: AX-1, name: Clients du Rhône, segment: S-1, status: actif}
actions:
  - {id: A-W53, axis: AX-1, text: "Visiter 4 clients du Rhône en semaine 53", who: julie@example.com,
     what: {activity: visite, count: 4}, when: "semaine 53"}
  - {id: A-XM, axis: AX-1, text: "Appeler 3 clients du Rhône du 21 décembre au 8 janvier", who: marc@example.com,
     what: {activity: appel, count: 3}, when: "du 21 décembre au 8 janvier"}
"""


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def build_org() -> DocsOrg:
    org = DocsOrg(page_size=5)
    org.now = _utc(2026, 12, 30, 10, 0)
    org.add("User", Id="005000000000INTAAA", Username="integration@acme.example", Email="integration@acme.example",
            Name="Integration", LastName="Integration", IsActive=True, UserType="Standard", LanguageLocaleKey="en_US")
    julie = org.add("User", Username="julie@example.com", Email="julie@example.com", Name="Julie Martin",
                    FirstName="Julie", LastName="Martin", IsActive=True, UserType="Standard")
    marc = org.add("User", Username="marc@example.com", Email="marc@example.com", Name="Marc Dubois",
                   FirstName="Marc", LastName="Dubois", IsActive=True, UserType="Standard")
    ids = {key: org.add("Account", Name=key, BillingPostalCode=code, BillingCountry="France", OwnerId=julie,
                        Industry="Manufacturing", Type="Customer - Direct")
           for key, code in (("Lyon", "69003"), ("Villeurbanne", "69100"), ("Vénissieux", "69200"),
                             ("Caluire", "69300"), ("Bron", "69500"), ("Givors", "69700"), ("Rillieux", "69140"),
                             ("Grenoble", "38000"))}
    stamp = _utc(2026, 12, 29, 12, 0)

    def event(key: str, account: str, start: datetime | date) -> None:
        fields: dict[str, Any] = {"Subject": key, "Type": "Visite client", "OwnerId": julie,
                                  "AccountId": ids[account], "WhatId": ids[account], "SystemModstamp": stamp}
        if isinstance(start, datetime):
            fields.update(ActivityDateTime=start, StartDateTime=start, ActivityDate=start.date(), DurationInMinutes=60,
                          EndDateTime=start.replace(minute=59), EndDate=start.date(), IsAllDayEvent=False)
        else:   # an all-day event: its day in ActivityDate, midnight GMT in the datetimes, one day long
            midnight = datetime(start.year, start.month, start.day, tzinfo=UTC)
            fields.update(ActivityDateTime=midnight, StartDateTime=midnight, ActivityDate=start, IsAllDayEvent=True,
                          DurationInMinutes=1440, EndDateTime=midnight, EndDate=start)
        org.add("Event", **fields)

    event("E1", "Lyon", _utc(2026, 12, 27, 22, 30))
    event("E2", "Villeurbanne", _utc(2026, 12, 27, 23, 30))
    event("E3", "Vénissieux", date(2026, 12, 29))
    event("E4", "Caluire", date(2026, 12, 30))
    event("E5", "Bron", _utc(2026, 12, 30, 8, 0))
    event("E6", "Givors", _utc(2026, 12, 31, 22, 30))
    event("E7", "Rillieux", _utc(2027, 1, 2, 9, 0))
    event("E8", "Grenoble", _utc(2027, 1, 2, 10, 0))
    event("E9", "Lyon", date(2027, 1, 4))

    def task(key: str, account: str, due: date, done_at: datetime) -> None:
        org.add("Task", Subject=key, TaskSubtype="Call", Type="Call", Status="Completed", IsClosed=True,
                ActivityDate=due, CompletedDateTime=done_at, OwnerId=marc, AccountId=ids[account],
                WhatId=ids[account], Priority="Normal", SystemModstamp=stamp)

    task("T1", "Givors", date(2026, 12, 21), _utc(2026, 12, 21, 9, 0))
    task("T2", "Lyon", date(2026, 12, 20), _utc(2026, 12, 20, 9, 0))
    task("T3", "Bron", date(2027, 1, 8), _utc(2027, 1, 8, 17, 0))
    return org


@pytest.fixture
def week53_org(tmp_path: Path, database_url: str) -> Iterator[tuple[DocsOrg, Any]]:
    add_pac_objects(yaml.safe_load(default_mapping_path().read_text(encoding="utf-8"))["writeback"])
    org = build_org()
    settings = load_settings(write_settings(tmp_path, database_url, connectors=(("sf-main", "salesforce"),),
                                            plan_text=PLAN), env={})
    for _ in serve(org):
        yield org, settings


def _sync(settings: Any, now: datetime) -> RunResult:
    connector = build("sf-main", default_mapping_path(), ENV, policy=NO_WAIT)
    try:
        return pipeline.run_sync(None, settings, connectors={"sf-main": connector}, clock=Clock(now))
    finally:
        connector.close()


def _action_row(org: DocsOrg, action_id: str) -> dict[str, Any]:
    [row] = [r for r in org.rows["PAC_Action__c"] if str(r.get("PAC_Key__c", "")).endswith(action_id)]
    return row


class TestWeek53AcrossTheYearEnd:
    def test_the_figures_and_the_crm_fields_of_night_1_and_night_2(self, week53_org: tuple[DocsOrg, Any]) -> None:
        org, settings = week53_org
        first = _sync(settings, _utc(2026, 12, 30, 11, 0))
        assert (org.unhandled, org.errors, first.status) == ([], [], "ok")
        assert first.evaluation is not None
        w53, xm = first.evaluation.action("A-W53"), first.evaluation.action("A-XM")
        assert (w53.done, w53.target, w53.pace) == (3, 4, "on_track")
        assert w53.expected_by_now == pytest.approx(4 * 2.5 / 7)
        assert (xm.done, xm.expected_by_now) == (1, pytest.approx(3 * 9.5 / 19))
        row = _action_row(org, "A-W53")
        assert (row["PAC_Window_Start__c"], row["PAC_Window_End__c"], row["PAC_Plan_End__c"]) == (
            "2026-12-28", "2027-01-03", "2027-06-30")
        assert (row["PAC_Done__c"], row["PAC_Target__c"], row["PAC_Pace__c"]) == (3, 4, "on_track")
        org.now = _utc(2027, 1, 4, 0, 30)
        second = _sync(settings, _utc(2027, 1, 4, 1, 0))
        assert (org.unhandled, org.errors, second.status) == ([], [], "ok")
        assert second.evaluation is not None
        w53 = second.evaluation.action("A-W53")
        assert (w53.done, w53.pace) == (6, "done")
        assert second.evaluation.action("A-XM").done == 1
        row = _action_row(org, "A-W53")
        assert (row["PAC_Done__c"], row["PAC_Pace__c"], row["PAC_Window_End__c"]) == (6, "done", "2027-01-03")

    def test_the_quarterly_reports_file_the_action_under_each_quarter_it_spans(
            self, week53_org: tuple[DocsOrg, Any], tmp_path: Path) -> None:
        """After night 2, `pac report --quarter T2` (October-December 2026, evaluated at 1 January 2027 00:00) and
        `--quarter T3` (running: 4 January 02:00). Hand: T2, A-W53 E2 E3 E4 E5 E6 = 5 of 4, done, expected 4 x 4 / 7
        = 2.3, forecast 5 / (4/7) = 8.75 capped at the scope's 7 accounts; A-XM 1 of 3 at 11 of 19 days: expected
        1.7, forecast 1.7, at risk. T3, A-W53 6 (E7 too), expected 4.0; A-XM expected 3 x (14 + 2/24) / 19 = 2.2,
        forecast 1.3. Both quarters show the window with its two years, « 28 décembre 2026 – 3 janvier 2027 »."""
        org, settings = week53_org
        assert _sync(settings, _utc(2026, 12, 30, 11, 0)).status == "ok"
        org.now = _utc(2027, 1, 4, 0, 30)
        assert _sync(settings, _utc(2027, 1, 4, 1, 0)).status == "ok"
        [cfg] = [p for p in tmp_path.glob("*.yaml") if "plans:" in p.read_text(encoding="utf-8")]
        cfg.write_text(cfg.read_text(encoding="utf-8").replace(
            "connectors: [sf-main]}", "connectors: [sf-main], as_of: '2027-01-04T02:00:00+01:00'}"), encoding="utf-8")
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("PAC_")}, "PAC_CONFIG": str(cfg)}
        rows = {}
        for quarter in ("T2", "T3"):
            for ext in ("csv", "html"):
                done = run_pac("report", "--quarter", quarter, "-o", f"{quarter}.{ext}", env=env, cwd=tmp_path,
                               timeout=300)
                assert done.returncode == 0, done.stderr
            lines = (tmp_path / f"{quarter}.csv").read_text(encoding="utf-8-sig").splitlines()
            rows[quarter] = {r[1]: r[5:13] + r[14:15] for r in csv.reader(lines[1:], delimiter=";")}
            page = unescape((tmp_path / f"{quarter}.html").read_text(encoding="utf-8"))
            assert f"{quarter} de l'exercice 2026-2027" in page
            assert "28 décembre 2026 – 3 janvier 2027 (semaine 53)" in page
        assert rows["T2"] == {
            "A-W53": ["2026-12-28", "2027-01-03", "semaine 53", "5", "4", "125,0", "2,3", "7,0", "done"],
            "A-XM": ["2026-12-21", "2027-01-08", "du 21 décembre au 8 janvier", "1", "3", "33,3", "1,7", "1,7",
                     "at_risk"]}
        assert rows["T3"] == {
            "A-W53": ["2026-12-28", "2027-01-03", "semaine 53", "6", "4", "150,0", "4,0", "6,0", "done"],
            "A-XM": ["2026-12-21", "2027-01-08", "du 21 décembre au 8 janvier", "1", "3", "33,3", "2,2", "1,3",
                     "at_risk"]}
