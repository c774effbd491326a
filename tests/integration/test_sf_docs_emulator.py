"""pac's real Salesforce connector (simple-salesforce), the real sync pipeline and the real engine against a small org
emulated from Salesforce's documentation alone (``sf_docs_emulator``: no sandbox_crm code), paging at 5 records.

The expected figures were computed by hand before the first run (plan in Europe/Paris, evaluated on 20 May 2027
at 18:00 Paris, the tests' Clock: 16:00 UTC), from the Object Reference and pac-method:

A-01 Julie, visit 5 distinct accounts of the Rhône (69) in week 18 = [2027-05-02T22:00Z, 2027-05-09T22:00Z):
  E1 Lyon A 05-03 07:30Z yes; E2 Villeurbanne 05-02 22:30Z (Mon 00:30 Paris) yes; E3 Caluire 05-09 22:15Z (Mon 10
  May) no; E4 Lyon A again no (same account); E5 Grenoble (38) no; E6 Vénissieux all-day, ActivityDate 2027-05-09
  (Sunday, a plain date) yes; E7 Rillieux 05-05 yes; E8 Caluire 05-07 deleted (queryAll only) no; E9 Marc's no;
  E10 Caluire Type 'Réunion' (a meeting) no; E11 Bron related to an opportunity (WhatId 006..., AccountId derived:
  Bron) yes.                                                                                   -> done 5
A-02 Marc, call 5 distinct accounts of the 69 in May 2027 (Tasks, TaskSubtype Call):
  T1 Givors Completed 05-04 yes; T2 Villeurbanne Completed, due 06-02, completed 05-12 10:00Z (pac dates a
  completed task at the earlier of the two, docs/salesforce.md) yes; T3 Vénissieux Not Started no; T4 Bron Deferred
  no; T5 Rillieux due 04-30 no (April); T6 Lyon A due 05-01 (a plain date) yes; T7 Grenoble no (38); T8 Givors an
  Email no; T9 Caluire status 'Clôturée' (the org's own closed status, IsClosed true) yes; T10 Rillieux deleted no.
                                                                                                -> done 4
A-03 Julie, visit 2 accounts of the 69 in week 20 = [2027-05-16T22:00Z, 2027-05-23T22:00Z):
  E12 Lyon A all-day today 20 May: not counted before its day is over (docs/salesforce.md, engine rule 3); E13
  Villeurbanne all-day 18 May yes; E14 Vénissieux 21 May 08:00Z (future) no.                    -> done 1
AX-1 (scope 69, period 2027, objective 20,000 of additional revenue, baseline the previous year):
  O1 Lyon A won 2027-03-15 12,000.10 yes; O2 lost no; O3 open no; O4 Grenoble won no (38); O5 Bron won 2027-05-12
  3,500.55 yes (amounts in cents: JSON numbers read without a float's error); O6 Rillieux won 2026-03-10 4,000: the
  baseline (2026 to date); O7 Givors won, deleted no; O8 Caluire
  won 2027-01-02 with no Amount: 0 (a warning).
  revenue 15,500.65, baseline 4,000.00, additional 11,500.65, progress 0.5750325.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from connectors.salesforce.connector import build
from connectors.salesforce.mapping import check_mapping_online, default_mapping_path
from pac_config.settings import load_settings
from sync_jobs import pipeline
from sync_jobs.run_context import RunResult
from sync_jobs.store import open_store
from sync_jobs.store.records import load_records
from tests.fakes import Clock, write_settings
from tests.integration.sf_docs_emulator import (
    ENV,
    INTEGRATION_USER,
    PICKLISTS,
    SCHEMA,
    DocsOrg,
    add_pac_objects,
    serve,
)
from tests.integration.sf_runs import NO_WAIT

PLAN = """\
plan:
  name: "Docs org plan"
  year: 2027
  timezone: Europe/Paris
  currency: EUR
  language: en
people:
  - {email: julie@example.com, name: Julie}
  - {email: marc@example.com, name: Marc}
segments:
  - {id: S-1, name: Rhône, kind: horizontal, scope: {departement: "69"}}
axes:
  - id: AX-1
    name: Rhône customers
    segment: S-1
    status: active
    objective: {additional_revenue: 20000, baseline: previous_year}
actions:
  - id: A-01
    axis: AX-1
    text: "Visit 5 customers in week 18"
    who: julie@example.com
    what: {activity: visit, count: 5}
    when: "week 18"
  - id: A-02
    axis: AX-1
    text: "Call 5 customers in May"
    who: marc@example.com
    what: {activity: call, count: 5}
    when: "May 2027"
  - id: A-03
    axis: AX-1
    text: "Visit 2 customers in week 20"
    who: julie@example.com
    what: {activity: visit, count: 2}
    when: "week 20"
"""


def _utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def build_org() -> tuple[DocsOrg, dict[str, str]]:
    org, ids = DocsOrg(page_size=5), {}
    org.add("User", Id="005000000000INTAAA", Username="integration@acme.example", Email="integration@acme.example",
            Name="Integration", LastName="Integration", IsActive=True, UserType="Standard", LanguageLocaleKey="en_US")
    julie = org.add("User", Username="julie@example.com", Email="julie@example.com", Name="Julie Martin",
                    FirstName="Julie", LastName="Martin", IsActive=True, UserType="Standard")
    marc = org.add("User", Username="marc@example.com", Email="marc@example.com", Name="Marc Dubois",
                   FirstName="Marc", LastName="Dubois", IsActive=True, UserType="Standard")
    for key, name, code in (("lyon", "Lyon A", "69003"), ("villeurbanne", "Villeurbanne", "69100"),
                            ("venissieux", "Vénissieux", "69200"), ("caluire", "Caluire", "69300"),
                            ("grenoble", "Grenoble", "38000"), ("bron", "Bron", "69500"),
                            ("givors", "Givors", "69700"), ("rillieux", "Rillieux", "69140")):
        ids[key] = org.add("Account", Name=name, BillingPostalCode=code, BillingCountry="France", OwnerId=julie,
                           Industry="Manufacturing", Type="Customer - Direct")

    def opp(key: str, account: str, stage: str, won: bool, closed: bool, day: date, amount: float | None,
            deleted: bool = False) -> None:
        ids[key] = org.add("Opportunity", Name=key, AccountId=ids[account], OwnerId=julie, StageName=stage, IsWon=won,
                           IsClosed=closed, CloseDate=day, Amount=amount, IsDeleted=deleted)

    opp("O1", "lyon", "Closed Won", True, True, date(2027, 3, 15), 12000.1)
    opp("O2", "villeurbanne", "Closed Lost", False, True, date(2027, 4, 2), 8000.0)
    opp("O3", "venissieux", "Prospecting", False, False, date(2027, 6, 30), 20000.0)
    opp("O4", "grenoble", "Closed Won", True, True, date(2027, 2, 10), 5000.0)
    opp("O5", "bron", "Closed Won", True, True, date(2027, 5, 12), 3500.55)
    opp("O6", "rillieux", "Closed Won", True, True, date(2026, 3, 10), 4000.0)
    opp("O7", "givors", "Closed Won", True, True, date(2027, 4, 20), 9000.0, deleted=True)
    opp("O8", "caluire", "Closed Won", True, True, date(2027, 1, 2), None)

    def event(key: str, owner: str, account: str, start: datetime | date, kind: str = "Visite client",
              deleted: bool = False, what: str | None = None) -> None:
        fields: dict[str, Any] = {"Subject": key, "Type": kind, "OwnerId": owner, "AccountId": ids[account],
                                  "WhatId": what or ids[account], "IsDeleted": deleted}
        if isinstance(start, datetime):
            fields.update(ActivityDateTime=start, StartDateTime=start, ActivityDate=start.date(), DurationInMinutes=60,
                          EndDateTime=start.replace(hour=start.hour + 1), EndDate=start.date(), IsAllDayEvent=False)
        else:   # an all-day event: its day in ActivityDate, midnight GMT in the datetimes, one day long
            midnight = datetime(start.year, start.month, start.day, tzinfo=UTC)
            fields.update(ActivityDateTime=midnight, StartDateTime=midnight, ActivityDate=start, IsAllDayEvent=True,
                          DurationInMinutes=1440, EndDateTime=midnight, EndDate=start)
        ids[key] = org.add("Event", **fields)

    event("E1", julie, "lyon", _utc(2027, 5, 3, 7, 30))
    event("E2", julie, "villeurbanne", _utc(2027, 5, 2, 22, 30))
    event("E3", julie, "caluire", _utc(2027, 5, 9, 22, 15))
    event("E4", julie, "lyon", _utc(2027, 5, 6, 12, 0))
    event("E5", julie, "grenoble", _utc(2027, 5, 4, 8, 0))
    event("E6", julie, "venissieux", date(2027, 5, 9))
    event("E7", julie, "rillieux", _utc(2027, 5, 5, 7, 0))
    event("E8", julie, "caluire", _utc(2027, 5, 7, 9, 0), deleted=True)
    event("E9", marc, "givors", _utc(2027, 5, 5, 9, 0))
    event("E10", julie, "caluire", _utc(2027, 5, 5, 14, 0), kind="Réunion")
    event("E11", julie, "bron", _utc(2027, 5, 6, 8, 0), what=ids["O5"])
    event("E12", julie, "lyon", date(2027, 5, 20))
    event("E13", julie, "villeurbanne", date(2027, 5, 18))
    event("E14", julie, "venissieux", _utc(2027, 5, 21, 8, 0))

    def task(key: str, account: str, status: str, due: date | None, done_at: datetime | None = None,
             subtype: str = "Call", closed: bool | None = None, deleted: bool = False) -> None:
        is_closed = status in ("Completed", "Clôturée") if closed is None else closed
        ids[key] = org.add("Task", Subject=key, TaskSubtype=subtype, Type=subtype, Status=status, IsClosed=is_closed,
                           ActivityDate=due, CompletedDateTime=done_at if is_closed else None, OwnerId=marc,
                           AccountId=ids[account], WhatId=ids[account], IsDeleted=deleted, Priority="Normal")

    task("T1", "givors", "Completed", date(2027, 5, 4), _utc(2027, 5, 4, 10, 0))
    task("T2", "villeurbanne", "Completed", date(2027, 6, 2), _utc(2027, 5, 12, 10, 0))
    task("T3", "venissieux", "Not Started", date(2027, 5, 10))
    task("T4", "bron", "Deferred", date(2027, 5, 11))
    task("T5", "rillieux", "Completed", date(2027, 4, 30), _utc(2027, 4, 30, 21, 0))
    task("T6", "lyon", "Completed", date(2027, 5, 1), _utc(2027, 5, 3, 8, 0))
    task("T7", "grenoble", "Completed", date(2027, 5, 6), _utc(2027, 5, 6, 9, 0))
    task("T8", "givors", "Completed", date(2027, 5, 6), _utc(2027, 5, 6, 9, 0), subtype="Email")
    task("T9", "caluire", "Clôturée", date(2027, 5, 11), _utc(2027, 5, 11, 9, 0))
    task("T10", "rillieux", "Completed", date(2027, 5, 14), _utc(2027, 5, 14, 9, 0), deleted=True)
    return org, ids


@pytest.fixture
def docs_org(tmp_path: Path, database_url: str) -> Iterator[tuple[DocsOrg, Any]]:
    add_pac_objects(yaml.safe_load(default_mapping_path().read_text(encoding="utf-8"))["writeback"])
    org, _ids = build_org()
    settings = load_settings(write_settings(tmp_path, database_url, connectors=(("sf-main", "salesforce"),),
                                            plan_text=PLAN), env={})
    for _ in serve(org):
        yield org, settings


def _sync(org: DocsOrg, settings: Any, clock: Clock | None = None, mapping: Path | None = None) -> RunResult:
    connector = build("sf-main", mapping or default_mapping_path(), ENV, policy=NO_WAIT)
    try:
        return pipeline.run_sync(None, settings, connectors={"sf-main": connector}, clock=clock or Clock())
    finally:
        connector.close()


class TestDocsOrg:
    def test_figures_match_the_hand_computed_ones(self, docs_org: tuple[DocsOrg, Any]) -> None:
        org, settings = docs_org
        result = _sync(org, settings)
        assert (org.unhandled, org.errors) == ([], [])
        assert result.evaluation is not None, result
        ev = result.evaluation
        got = {a: ev.action(a).done for a in ("A-01", "A-02", "A-03")}
        axis = ev.axis("AX-1")
        assert (result.status, result.rejections) == ("ok", [])
        assert got == {"A-01": 5, "A-02": 4, "A-03": 1}
        assert (axis.revenue, axis.baseline, axis.additional) == (Decimal("15500.65"), Decimal("4000.00"),
                                                                 Decimal("11500.65"))
        assert axis.progress == pytest.approx(0.5750325)

    def test_an_incremental_night_reads_the_changes(self, docs_org: tuple[DocsOrg, Any]) -> None:
        """Night 2, an hour later (hand-computed before the run): E7 (Rillieux, Julie's only visit there) deleted; E6
        (Vénissieux, all-day 9 May) moved to Monday 10 May, week 19; T3 (Vénissieux, Not Started) completed; T1
        (Givors) deleted by a transaction that committed late, stamped 2 minutes before the last row night 1 read
        (within the mapping's 5-minute overlap); O3 (Vénissieux, 20,000) won today.
        A-01 5 - Rillieux - Vénissieux = 3; A-02 4 - Givors + Vénissieux = 4; A-03 1; revenue 35,500.65, additional
        31,500.65 (the baseline 4,000 unchanged)."""
        org, settings = docs_org
        first = _sync(org, settings)
        assert first.status == "ok"
        ids = {r["Subject"]: r for name in ("Event", "Task") for r in org.rows[name]}
        org.now = datetime(2027, 5, 20, 16, 30, tzinfo=UTC)
        stamp = org.now
        ids["E7"].update(IsDeleted=True, SystemModstamp=stamp)
        midnight = datetime(2027, 5, 10, tzinfo=UTC)
        ids["E6"].update(ActivityDate=date(2027, 5, 10), ActivityDateTime=midnight, StartDateTime=midnight,
                         EndDateTime=midnight, EndDate=date(2027, 5, 10), SystemModstamp=stamp)
        ids["T3"].update(Status="Completed", IsClosed=True, CompletedDateTime=datetime(2027, 5, 20, 16, 20, tzinfo=UTC),
                         SystemModstamp=stamp)
        ids["T1"].update(IsDeleted=True, SystemModstamp=datetime(2027, 5, 19, 11, 58, tzinfo=UTC))
        [o3] = [r for r in org.rows["Opportunity"] if r["Name"] == "O3"]
        o3.update(StageName="Closed Won", IsWon=True, IsClosed=True, CloseDate=date(2027, 5, 20), SystemModstamp=stamp)
        second = _sync(org, settings, Clock(datetime(2027, 5, 20, 17, 0, tzinfo=UTC)))
        assert (org.unhandled, org.errors) == ([], [])
        assert second.evaluation is not None, second
        ev = second.evaluation
        assert {a: ev.action(a).done for a in ("A-01", "A-02", "A-03")} == {"A-01": 3, "A-02": 4, "A-03": 1}
        axis = ev.axis("AX-1")
        assert (axis.revenue, axis.baseline, axis.additional) == (Decimal("35500.65"), Decimal("4000.00"),
                                                                 Decimal("31500.65"))
        assert second.status == "ok"

    def test_an_account_deleted_while_pac_writes_is_read_deleted_the_next_night(
            self, docs_org: tuple[DocsOrg, Any], database_url: str) -> None:
        """Night 1 writes every Rhône account's PAC fields (pac is their last modifier). Night 2 (16:30): Julie moves
        Givors to Ain (01700) at 16:25, so pac writes Givors's PAC fields; while the night runs, before that write,
        a user deletes Bron (16:29:59): Salesforce stamps the deletion in SystemModstamp (getDeleted's deletedDate
        "is obtained using the SystemModstamp system field") and promises nothing about LastModifiedById, which
        here stays pac's. Night 3 must read Bron deleted (queryAll returns it, IsDeleted true): the Rhône segment's
        live accounts are then Lyon A, Villeurbanne, Vénissieux, Caluire and Rillieux, 5 (Bron's visit and won deal
        went with it: A-01 4 and AX-1 revenue 12,000.10). Seen failing before the fix: Bron still live in the
        store, 6 accounts, the incremental account read leaving out a deleted row whose last modifier was pac."""
        org, settings = docs_org
        assert _sync(org, settings).status == "ok"
        accounts = {r["Name"]: r for r in org.rows["Account"]}
        julie = next(str(u["Id"]) for u in org.rows["User"] if u["Email"] == "julie@example.com")
        assert accounts["Bron"]["LastModifiedById"] == INTEGRATION_USER     # pac wrote its PAC fields on night 1
        org.now = datetime(2027, 5, 20, 16, 30, tzinfo=UTC)
        accounts["Givors"].update(BillingPostalCode="01700", LastModifiedById=julie,
                                  SystemModstamp=datetime(2027, 5, 20, 16, 25, tzinfo=UTC))

        def delete_bron(sobject: str | None, _body: Any) -> None:
            if sobject is None and not accounts["Bron"]["IsDeleted"]:      # the accounts' update, after the reads
                org.delete(str(accounts["Bron"]["Id"]), datetime(2027, 5, 20, 16, 29, 59, tzinfo=UTC))

        org.before_write.append(delete_bron)
        second = _sync(org, settings, Clock(datetime(2027, 5, 20, 17, 0, tzinfo=UTC)))
        assert second.status == "ok" and accounts["Bron"]["IsDeleted"]
        org.now = datetime(2027, 5, 21, 1, 0, tzinfo=UTC)
        third = _sync(org, settings, Clock(datetime(2027, 5, 21, 2, 0, tzinfo=UTC)))
        assert (org.unhandled, org.errors, third.status) == ([], [], "ok")
        assert third.evaluation is not None
        engine = open_store(settings.database())
        try:
            live = {a.name for a in load_records(engine, ["sf-main"]).accounts if not a.deleted}
        finally:
            engine.dispose()
        assert "Bron" not in live and {"Lyon A", "Rillieux"} <= live
        assert third.evaluation.action("A-01").done == 4
        assert third.evaluation.axis("AX-1").revenue == Decimal("12000.10")

    def test_a_full_read_through_bulk_api_gives_the_same_figures(self, docs_org: tuple[DocsOrg, Any],
                                                                  tmp_path: Path) -> None:
        """2,000 more Tasks (Marc's open to-dos in Grenoble, due 25 May: no call, out of the Rhône) put the Tasks'
        full read at the mapping's ``bulk_threshold`` (2,000): it goes through a Bulk API 2.0 queryAll job, whose
        CSV ("Get Results for a Query Job": every value a string, null an empty cell, datetimes
        ``2027-05-12T10:00:00.000Z``, sets chained by ``Sforce-Locator`` until 'null') gives A-02 the same 4 calls
        as REST's JSON (T2 dated by its CompletedDateTime, T9's closed status, T10 deleted)."""
        org, settings = docs_org
        marc = next(str(u["Id"]) for u in org.rows["User"] if u["Email"] == "marc@example.com")
        grenoble = next(str(a["Id"]) for a in org.rows["Account"] if a["Name"] == "Grenoble")
        for i in range(2000):
            org.add("Task", Subject=f"todo {i}", TaskSubtype="Task", Status="Not Started", OwnerId=marc,
                    AccountId=grenoble, WhatId=grenoble, ActivityDate=date(2027, 5, 25))
        mapping = tmp_path / "salesforce.bulk.yaml"
        mapping.write_text(default_mapping_path().read_text(encoding="utf-8").replace(
            "bulk_threshold: 50000", "bulk_threshold: 2000"), encoding="utf-8")
        result = _sync(org, settings, mapping=mapping)
        assert (org.unhandled, org.errors, result.status) == ([], [], "ok")
        assert [m for m, path, _ in org.requests if path.endswith("/jobs/query")] == ["POST"]
        assert result.evaluation is not None
        assert {a: result.evaluation.action(a).done for a in ("A-01", "A-02", "A-03")} == {"A-01": 5, "A-02": 4,
                                                                                            "A-03": 1}

    def test_a_multi_currency_org_converts_at_the_dated_rate_of_the_close_date(
            self, docs_org: tuple[DocsOrg, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """The same org with multiple currencies and advanced currency management (Object Reference: CurrencyType,
        DatedConversionRate; ConversionRate is units of the currency per unit of the corporate one, EUR): O1 is
        12,000.10 USD closed 15 March, when 1 EUR was 1.20 USD (1.25 from 1 April): 10,000.08 EUR; O5 is 3,500.55 CHF
        at 0.95: 3,684.79 EUR. AX-1's revenue is 13,684.87 EUR (hand-computed before the run), the baseline's
        4,000 EUR unchanged, and the axis's amounts are written with CurrencyIsoCode EUR (a record's currency fields
        are in its own currency)."""
        org, settings = docs_org
        for sobject in ("Opportunity", "Account", "OpportunityLineItem", "PAC_Axis__c"):
            monkeypatch.setitem(SCHEMA[sobject], "CurrencyIsoCode", "picklist")
        monkeypatch.setitem(PICKLISTS, ("Opportunity", "CurrencyIsoCode"), ["EUR", "USD", "CHF"])
        org.multi_currency = True
        for row in org.rows["Opportunity"] + org.rows["Account"]:
            row["CurrencyIsoCode"] = {"O1": "USD", "O5": "CHF"}.get(str(row["Name"]), "EUR")
        for iso, rate in (("EUR", 1.0), ("USD", 1.25), ("CHF", 0.95)):
            org.add("CurrencyType", IsoCode=iso, ConversionRate=rate, DecimalPlaces=2, IsActive=True,
                    IsCorporate=iso == "EUR")
        for iso, rate, start, following in (("EUR", 1.0, date(1, 1, 1), date(9999, 12, 31)),
                                            ("USD", 1.20, date(1, 1, 1), date(2027, 4, 1)),
                                            ("USD", 1.25, date(2027, 4, 1), date(9999, 12, 31)),
                                            ("CHF", 0.95, date(1, 1, 1), date(9999, 12, 31))):
            org.add("DatedConversionRate", IsoCode=iso, ConversionRate=rate, StartDate=start, NextStartDate=following)
        mapping = tmp_path / "salesforce.multi.yaml"
        mapping.write_text(default_mapping_path().read_text(encoding="utf-8").replace(
            "currency_field: null ", "currency_field: CurrencyIsoCode "), encoding="utf-8")
        result = _sync(org, settings, mapping=mapping)
        assert (org.unhandled, org.errors, result.status) == ([], [], "ok")
        assert result.evaluation is not None
        axis = result.evaluation.axis("AX-1")
        assert (axis.revenue, axis.baseline) == (Decimal("13684.87"), Decimal("4000.00"))
        [axis_write] = [body["records"][0] for method, path, body in org.requests
                        if method == "PATCH" and path.endswith("/PAC_Axis__c/PAC_Key__c")]
        assert (axis_write["CurrencyIsoCode"], axis_write["PAC_Won_Revenue__c"]) == ("EUR", 13684.87)


class TestMappingCheck:
    def test_a_value_records_hold_without_a_picklist_entry_is_no_mapping_error(self, tmp_path: Path) -> None:
        """Event.Type is an unrestricted picklist (Metadata API, restrictedPicklist: "With a restricted picklist,
        only an admin can add or change values; users can't load or remove values through the API. By default this
        value is false"; Salesforce Help: "When inserting an unrestricted picklist field that does not have a
        PicklistEntry, the system creates an 'inactive' picklist value"): a mobile app logged 'Visite terrain'
        visits through the API, the describe lists no such entry, and the mapping counts them as visits. The online
        check must not call that value a mistake (the fix it suggested, removing it, leaves those visits uncounted);
        a value no record holds ('Visite clinet') is still one. Seen failing before the fix: "Type value 'Visite
        terrain' matches no picklist value of Event.Type"."""
        add_pac_objects(yaml.safe_load(default_mapping_path().read_text(encoding="utf-8"))["writeback"])
        org, _ids = build_org()
        next(e for e in org.rows["Event"] if e["Subject"] == "E7")["Type"] = "Visite terrain"
        path = tmp_path / "salesforce.yaml"
        path.write_text(default_mapping_path().read_text(encoding="utf-8").replace(
            "where: {Type: ['Visite client', 'Customer visit']}",
            "where: {Type: ['Visite client', 'Customer visit', 'Visite terrain', 'Visite clinet']}"), encoding="utf-8")
        for _ in serve(org):
            connector = build("sf-main", path, ENV, policy=NO_WAIT)
            try:
                problems = [str(p) for p in check_mapping_online(connector.mapping, connector, path)]
            finally:
                connector.close()
        assert [p for p in problems if "Visite" in p] == [p for p in problems if "'Visite clinet'" in p]
        assert len([p for p in problems if "'Visite clinet'" in p]) == 1, problems
