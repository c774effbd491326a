"""A sixth org nobody has shaped before, emulated from Salesforce's documentation alone (``sf_docs_emulator``), run
through pac's real connector, sync pipeline, engine and write-back over two nights (audit sfhand6, 7 Dec 2026).

A mid-size French distributor of machines and consumables. What it combines that no earlier hand org did: a
multi-currency org with dated rates whose USD opportunity is counted by its product lines (``Product2.Family``)
under a growth objective written as a percentage of last year's quarter (a USD baseline deal at the rate of its own
close date); a ``deal_owner`` axis beside it (a colleague's deal on the rep's account); dormancy by pac's rule on an
axis (judged on the quarter's first day) and on its action (judged on the window's first day, where the same
accounts are not the same), and by the CRM's checkbox flag on another action (an account flagged dormant that
ordered in March, a flagged prospect); an action handed over mid-window to another rep; call tasks due and completed
on either side of the week's edges; a rep in New York whose evening visit is the next Paris day; a rep on holiday;
an opportunity deleted (queryAll) then undeleted, and one reopened after its win.

Every figure was computed by hand before the first run (/tmp/audits/sfhand6/EXPECTED.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from connectors.salesforce.mapping import default_mapping_path
from pac_config.settings import load_settings
from sync_jobs.app import load_report_inputs
from sync_jobs.cli import main
from sync_jobs.report import render_html
from tests.fakes import write_settings
from tests.integration.hand_reading import sf_sync as _sync
from tests.integration.hand_reading import sf_written as _written
from tests.integration.sf_docs_emulator import PICKLISTS, SCHEMA, DocsOrg, add_pac_objects, serve

PLAN = """\
plan:
  name: "PAC 2027 Sud-Est"
  year: 2027
  period: 2027-01-01..2027-12-31
  timezone: Europe/Paris
  currency: EUR
  language: en
people:
  - {email: julie@example.com, name: Julie Morel}
  - {email: marc@example.com, name: Marc Dupont}
  - {email: sam@example.com, name: Sam Petit}
  - {email: lea@example.com, name: Léa Roux}
segments:
  - {id: S-69, name: Rhône, kind: horizontal, scope: {departement: "69"}}
  - {id: S-38, name: Isère, kind: horizontal, scope: {departement: "38"}}
axes:
  - id: AX-MACH
    name: Machines Q2
    segment: S-69
    scope: {product_family: Machines}
    status: active
    objective: {additional_revenue: "+25 %", period: Q2, baseline: previous_year, budget: 3000,
                kpis: ["win rate", "average won deal"]}
  - id: AX-JUL
    name: Julie's deals Q2
    segment: S-69
    scope: {deal_owner: julie@example.com}
    status: active
    objective: {additional_revenue: 8000, period: Q2, baseline: previous_year, budget: 2000}
  - id: AX-DORM
    name: Dormant customers Q2
    segment: S-38
    scope: {dormant: {months: 12}}
    status: active
    objective: {additional_revenue: 6000, period: Q2, baseline: previous_year, budget: 1000,
                kpis: ["reactivation rate"]}
actions:
  - id: A-1
    axis: AX-MACH
    text: "Visit 5 accounts in June 2027"
    who: marc@example.com
    handed_over: {from: julie@example.com, on: 2027-06-08}
    what: {activity: visit, count: 5}
    when: "June 2027"
  - id: A-2
    axis: AX-MACH
    text: "Make 4 calls in week 23"
    who: marc@example.com
    what: {activity: call, count: 4, counting: activities}
    when: "week 23"
  - id: A-3
    axis: AX-DORM
    text: "Visit 2 dormant customers in June 2027"
    who: sam@example.com
    what: {activity: visit, count: 2}
    when: "June 2027"
  - id: A-4
    axis: AX-DORM
    text: "Make 3 calls to dormant customers in June 2027"
    who: lea@example.com
    what: {activity: call, count: 3, counting: activities}
    when: "June 2027"
  - id: A-5
    axis: AX-JUL
    text: "Visit 2 accounts flagged dormant in June 2027"
    who: julie@example.com
    what: {activity: visit, count: 2, scope: {dormant: true}}
    when: "June 2027"
"""

NIGHT1 = datetime(2027, 6, 16, 16, 0, tzinfo=UTC)    # 18:00 Paris (CEST)
NIGHT2 = datetime(2027, 6, 17, 16, 0, tzinfo=UTC)
DELETED = datetime(2027, 6, 1, 7, 0, tzinfo=UTC)
BETWEEN = datetime(2027, 6, 17, 9, 0, tzinfo=UTC)


def _utc(month: int, day: int, hour: int, minute: int = 0, year: int = 2027) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def _made(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def build_org() -> tuple[DocsOrg, dict[str, str]]:
    org, ids = DocsOrg(page_size=5), {}
    org.multi_currency = True
    org.now = datetime(2027, 6, 16, 15, 0, tzinfo=UTC)
    org.add("User", Id="005000000000INTAAA", Username="integration@acme.example", Email="integration@acme.example",
            Name="Integration", LastName="Integration", IsActive=True, UserType="Standard", LanguageLocaleKey="en_US",
            TimeZoneSidKey="Europe/Paris")
    for key, first, last, zone in (("julie", "Julie", "Morel", "Europe/Paris"), ("marc", "Marc", "Dupont",
                                   "Europe/Paris"), ("sam", "Sam", "Petit", "America/New_York"),
                                   ("lea", "Léa", "Roux", "Europe/Paris")):
        ids[key] = org.add("User", Username=f"{key}@example.com", Email=f"{key}@example.com",
                           Name=f"{first} {last}", FirstName=first, LastName=last, IsActive=True,
                           UserType="Standard", TimeZoneSidKey=zone)
    for iso, rate in (("EUR", 1.0), ("USD", 1.2)):
        org.add("CurrencyType", IsoCode=iso, ConversionRate=rate, DecimalPlaces=2, IsActive=True,
                IsCorporate=iso == "EUR")
    org.add("DatedConversionRate", IsoCode="EUR", ConversionRate=1.0, StartDate=date(1, 1, 1),
            NextStartDate=date(9999, 12, 31))
    for rate, start, end in ((1.1, date(2026, 1, 1), date(2027, 5, 1)), (1.25, date(2027, 5, 1), date(9999, 12, 31))):
        org.add("DatedConversionRate", IsoCode="USD", ConversionRate=rate, StartDate=start, NextStartDate=end)
    for key, name, owner, postal, flag in (
            ("L1", "Lyon Usinage", "julie", "69003", False), ("L2", "Villeurbanne Froid", "julie", "69100", True),
            ("L3", "Vénissieux Emballage", "marc", "69200", False), ("L4", "Givors Métal", "marc", "69700", True),
            ("L5", "Bron Agro", "julie", "69500", False), ("L6", "Caluire Plast", "marc", "69300", False),
            ("L7", "Tarare Textile", "julie", "69170", False),
            ("G1", "Grenoble Instruments", "sam", "38000", False), ("G2", "Voiron Papeterie", "sam", "38500", False),
            ("G3", "Vienne Chimie", "sam", "38200", False), ("G4", "Bourgoin Logistique", "lea", "38300", False),
            ("G5", "Meylan Soft", "lea", "38240", False), ("G6", "Échirolles Méca", "sam", "38130", True)):
        ids[key] = org.add("Account", Name=name, OwnerId=ids[owner], BillingPostalCode=postal, BillingCountry="France",
                           Industry="Manufacturing", Type="Customer - Direct", CurrencyIsoCode="EUR", Dormant__c=flag)
    machine = org.add("Product2", Name="Machine M-100", ProductCode="M-100", Family="Machines", IsActive=True)
    supplies = org.add("Product2", Name="Consommables C-20", ProductCode="C-20", Family="Consumables", IsActive=True)

    def opp(key: str, owner: str, account: str, stage: str, day: date, created: date,
            lines: tuple[tuple[str, float], ...], iso: str = "EUR") -> None:
        won, closed = stage == "Closed Won", stage in ("Closed Won", "Closed Lost")
        category = "Closed" if won else "Omitted" if closed else "Pipeline"
        ids[key] = org.add("Opportunity", Name=key, AccountId=ids[account], OwnerId=ids[owner], StageName=stage,
                           IsWon=won, IsClosed=closed, CloseDate=day, Amount=sum(a for _, a in lines),
                           ForecastCategory=category, ForecastCategoryName=category, CreatedDate=_made(created),
                           CurrencyIsoCode=iso)
        for product, amount in lines:
            ids[f"{key}-{product}"] = org.add(
                "OpportunityLineItem", Name=f"{key} {product}", OpportunityId=ids[key],
                Product2Id=machine if product == "M" else supplies, Quantity=1.0, UnitPrice=amount,
                TotalPrice=amount, CurrencyIsoCode=iso)

    won, lost, open_ = "Closed Won", "Closed Lost", "Prospecting"
    opp("O1", "julie", "L1", won, date(2027, 4, 20), date(2027, 3, 1), (("M", 6000.0), ("C", 1500.0)))
    opp("O2", "marc", "L3", won, date(2027, 5, 10), date(2027, 4, 2), (("M", 5000.0), ("C", 1250.0)), "USD")
    opp("O3", "julie", "L5", won, date(2027, 6, 16), date(2027, 5, 20), (("M", 3000.0),))
    opp("O4", "marc", "L6", won, date(2027, 5, 20), date(2027, 4, 15), (("M", 2000.0),))
    opp("O5", "julie", "L2", won, date(2027, 3, 15), date(2027, 2, 1), (("C", 1200.0),))
    opp("O6", "julie", "L1", won, date(2027, 6, 2), date(2027, 5, 2), (("M", 4000.0),))
    opp("O7", "marc", "L7", won, date(2027, 5, 5), date(2027, 4, 10), (("C", 2500.0),))
    opp("O8", "marc", "L3", lost, date(2027, 5, 25), date(2027, 4, 20), (("M", 3500.0),))
    opp("O9", "sam", "G1", won, date(2027, 5, 12), date(2027, 4, 20), (("C", 4000.0),))
    opp("O10", "sam", "G2", won, date(2027, 4, 8), date(2027, 3, 10), (("C", 3300.0),), "USD")
    opp("O11", "sam", "G6", won, date(2027, 6, 10), date(2027, 5, 15), (("C", 2500.0),))
    opp("O12", "julie", "L1", open_, date(2027, 7, 15), date(2027, 6, 1), (("M", 9000.0),))
    opp("B1", "marc", "L1", won, date(2026, 4, 15), date(2026, 3, 1), (("M", 12000.0),))
    opp("B2", "marc", "L3", won, date(2026, 6, 20), date(2026, 3, 1), (("M", 8800.0),), "USD")
    opp("B3", "julie", "L5", won, date(2026, 5, 5), date(2026, 3, 1), (("M", 4000.0), ("C", 800.0)))
    opp("B4", "sam", "G3", won, date(2026, 6, 1), date(2026, 3, 1), (("C", 1500.0),))
    opp("B5", "lea", "G4", won, date(2026, 5, 31), date(2026, 3, 1), (("C", 2000.0),))
    opp("B6", "sam", "G1", won, date(2026, 2, 10), date(2026, 1, 5), (("C", 3000.0),))
    opp("B7", "sam", "G2", won, date(2026, 7, 15), date(2026, 6, 1), (("C", 1000.0),))
    opp("B8", "sam", "G6", won, date(2025, 1, 20), date(2025, 1, 5), (("C", 1800.0),))

    def event(key: str, owner: str, account: str, start: datetime, day: date | None = None) -> None:
        end = start + timedelta(minutes=60)
        ids[key] = org.add("Event", Subject=key, Type="Visite client", OwnerId=ids[owner], AccountId=ids[account],
                           WhatId=ids[account], ActivityDateTime=start, StartDateTime=start,
                           ActivityDate=day or start.date(), DurationInMinutes=60, EndDateTime=end,
                           EndDate=end.date(), IsAllDayEvent=False)

    event("J1", "julie", "L1", _utc(6, 3, 8))
    event("J2", "julie", "L5", _utc(6, 7, 21, 30))                      # 23:30 Paris, the eve of the hand-over
    event("J3", "julie", "L2", _utc(6, 8, 7))
    event("J4", "julie", "L7", _utc(5, 31, 16))
    event("J5", "julie", "L4", _utc(6, 15, 12))
    event("M1", "marc", "L3", _utc(6, 2, 8))
    event("M2", "marc", "L1", _utc(6, 10, 8))
    event("M3", "marc", "L6", _utc(6, 14, 8))
    event("M4", "marc", "L4", _utc(6, 9, 8))
    event("S1", "sam", "G6", _utc(6, 1, 0), day=date(2027, 5, 31))      # 31 May 20:00 in New York
    event("S2", "sam", "G4", _utc(5, 31, 21), day=date(2027, 5, 31))    # 17:00 in New York, 23:00 in Paris
    event("S3", "sam", "G1", _utc(6, 4, 14))
    event("S4", "sam", "G4", _utc(6, 9, 19))

    def task(key: str, account: str, due: date, done_at: datetime | None) -> None:
        ids[key] = org.add("Task", Subject=key, TaskSubtype="Call", Type="Call",
                           Status="Completed" if done_at else "Not Started", IsClosed=done_at is not None,
                           ActivityDate=due, CompletedDateTime=done_at, OwnerId=ids["marc"], AccountId=ids[account],
                           WhatId=ids[account], Priority="Normal")

    task("T1", "L3", date(2027, 6, 14), _utc(6, 11, 9))
    task("T2", "L3", date(2027, 6, 6), _utc(6, 8, 8))
    task("T3", "L4", date(2027, 6, 13), _utc(6, 15, 8))
    task("T4", "L1", date(2027, 6, 7), _utc(6, 5, 8))
    task("T5", "L6", date(2027, 6, 9), _utc(6, 9, 8))
    task("T6", "L6", date(2027, 6, 10), None)
    task("T7", "G2", date(2027, 6, 10), _utc(6, 10, 8))
    for key in ("O4", "O4-M", "M4"):            # an opportunity's products go with it to the Recycle Bin
        org.delete(ids[key], DELETED)
    return org, ids


@pytest.fixture
def distributor_org(tmp_path: Path, database_url: str,
                    monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[DocsOrg, Any, Path]]:
    add_pac_objects(yaml.safe_load(default_mapping_path().read_text(encoding="utf-8"))["writeback"])
    for name in ("Opportunity", "Account", "OpportunityLineItem", "PAC_Axis__c", "PAC_Action__c"):
        monkeypatch.setitem(SCHEMA, name, {**SCHEMA[name], "CurrencyIsoCode": "picklist"})
    monkeypatch.setitem(SCHEMA["Task"], "CompletedDateTime", "datetime")
    monkeypatch.setitem(SCHEMA["User"], "TimeZoneSidKey", "picklist")
    monkeypatch.setitem(SCHEMA["Account"], "Dormant__c", "boolean")
    monkeypatch.setitem(PICKLISTS, ("Opportunity", "CurrencyIsoCode"), ["EUR", "USD"])
    monkeypatch.setitem(PICKLISTS, ("Product2", "Family"), ["Machines", "Consumables"])
    org, _ids = build_org()
    settings = load_settings(write_settings(tmp_path, database_url, connectors=(("sf-main", "salesforce"),),
                                            plan_text=PLAN), env={})
    text = default_mapping_path().read_text(encoding="utf-8")
    for old in ("currency_field: null ", "  dormant: null "):
        assert old in text
    text = text.replace("currency_field: null ", "currency_field: CurrencyIsoCode ", 1)
    mapping = tmp_path / "salesforce.distributor.yaml"
    mapping.write_text(text.replace("  dormant: null ", "  dormant: Dormant__c ", 1), encoding="utf-8")
    for _ in serve(org):
        yield org, settings, mapping


def _between_the_nights(org: DocsOrg) -> None:
    """17 June 09:00 UTC: O4 (and its product) undeleted from the Recycle Bin; O6, won on 2 June, reopened."""
    org.now = BETWEEN
    named = {str(r["Name"]): r for name in ("Opportunity", "OpportunityLineItem") for r in org.rows[name]}
    for key in ("O4", "O4 M"):
        named[key].update(IsDeleted=False, SystemModstamp=BETWEEN)
    named["O6"].update(StageName="Negotiation/Review", IsWon=False, IsClosed=False, CloseDate=date(2027, 6, 30),
                       ForecastCategory="Pipeline", ForecastCategoryName="Pipeline", SystemModstamp=BETWEEN,
                       LastModifiedDate=BETWEEN)


AXIS = ("PAC_Won_Revenue__c", "PAC_Baseline__c", "PAC_Revenue__c", "PAC_Objective__c", "PAC_Progress_Pct__c",
        "PAC_ROI__c", "PAC_Target__c", "PAC_Done__c", "PAC_Pace__c")
KPIS = ("PAC_Win_Rate__c", "PAC_Average_Won_Deal__c", "PAC_Coverage__c", "PAC_Visit_To_Win__c",
        "PAC_Revenue_Per_Visit__c", "PAC_Pipeline_Created__c", "PAC_Reactivation_Rate__c", "PAC_New_Accounts__c")


def _figures(ev: Any) -> dict[str, tuple[Decimal, Decimal, Decimal, Decimal]]:
    return {x: (ev.axis(x).revenue, ev.axis(x).baseline, ev.axis(x).additional, ev.axis(x).objective)
            for x in ("AX-MACH", "AX-JUL", "AX-DORM")}


class TestDistributorOrg:
    def test_night_one(self, distributor_org: tuple[DocsOrg, Any, Path]) -> None:
        """16 June 18:00 Paris, Q2 76.75 / 91 elapsed, June 15.75 / 30, costs x 77 / 91, margin 0.3. A-1: Julie's J1 J2
        (before 8 June 00:00) + Marc's M1 M3 = 4 of 5 (M2 L1 again, J3 J5 after the hand-over, M4 deleted); A-2: tasks
        dated at the earlier of due day and completion, T1 (done 11th) T3 (due 13th) T5 = 3 of 4, week closed; A-3:
        dormant on 1 June by the rule = G4 (last order 31 May 2026) and G6, S1 (20:00 in New York = 1 June 02:00
        Paris) and S4 = 2 of 2 (G1 reordered on 12 May); A-4 Léa on holiday 0 of 3; A-5: the flag, L2 (ordered in
        March) and L4 (never ordered) = 2 of 2. AX-MACH: Machines lines O1 6,000 + O2 $5,000 / 1.25 + O3 3,000 (the
        night's day) + O6 4,000 = 17,000 (O4 deleted); baseline to 16 June 2026 B1 12,000 + B3's line 4,000; +25 %
        of Q2 2026 whole (with B2 $8,800 / 1.10) 24,000 = 6,000; ROI (300 - 2,538.46) / 2,538.46. AX-JUL: Julie's O1
        O3 O6 = 14,500 (Marc's O7 on her account out), baseline B3 4,800 (B1 is Marc's). AX-DORM: dormant on 1 April
        = G1, G6: O9 + O11 = 6,500, baseline 0. KPIs: EXPECTED.md of the audit."""
        org, settings, mapping = distributor_org
        result = _sync(org, settings, mapping, NIGHT1)
        assert (org.unhandled, org.errors) == ([], [])
        ev = result.evaluation
        assert ev is not None, result
        assert {a: (ev.action(a).done, ev.action(a).pace) for a in ("A-1", "A-2", "A-3", "A-4", "A-5")} == {
            "A-1": (4, "on_track"), "A-2": (3, "late"), "A-3": (2, "done"), "A-4": (0, "at_risk"),
            "A-5": (2, "done")}
        assert _figures(ev) == {
            "AX-MACH": (Decimal("17000.00"), Decimal("16000.00"), Decimal("1000.00"), Decimal("6000.00")),
            "AX-JUL": (Decimal("14500.00"), Decimal("4800.00"), Decimal("9700.00"), Decimal("8000")),
            "AX-DORM": (Decimal("6500.00"), Decimal("0.00"), Decimal("6500.00"), Decimal("6000"))}
        assert [r.id for r in result.rejections] == []
        assert [w.rule for w in ev.warnings] == ["planned_past"]
        axes, actions = _written(org, "PAC_Axis__c"), _written(org, "PAC_Action__c")
        assert {k: (v.get("PAC_Done__c"), v.get("PAC_Target__c"), v.get("PAC_Progress_Pct__c"), v.get("PAC_Pace__c"),
                    v.get("PAC_Window_Start__c"), v.get("PAC_Window_End__c")) for k, v in actions.items()} == {
            "A-1": (4, 5, 80.0, "on_track", "2027-06-01", "2027-06-30"),
            "A-2": (3, 4, 75.0, "late", "2027-06-07", "2027-06-13"),
            "A-3": (2, 2, 100.0, "done", "2027-06-01", "2027-06-30"),
            "A-4": (0, 3, 0.0, "at_risk", "2027-06-01", "2027-06-30"),
            "A-5": (2, 2, 100.0, "done", "2027-06-01", "2027-06-30")}
        assert {x: {f: axes[x].get(f) for f in AXIS} for x in ("AX-MACH", "AX-JUL", "AX-DORM")} == {
            "AX-MACH": {"PAC_Won_Revenue__c": 17000.0, "PAC_Baseline__c": 16000.0, "PAC_Revenue__c": 1000.0,
                        "PAC_Objective__c": 6000.0, "PAC_Progress_Pct__c": 16.7, "PAC_ROI__c": -0.8818,
                        "PAC_Target__c": 9, "PAC_Done__c": 7, "PAC_Pace__c": "at_risk"},
            "AX-JUL": {"PAC_Won_Revenue__c": 14500.0, "PAC_Baseline__c": 4800.0, "PAC_Revenue__c": 9700.0,
                       "PAC_Objective__c": 8000.0, "PAC_Progress_Pct__c": 121.3, "PAC_ROI__c": 0.7195,
                       "PAC_Target__c": 2, "PAC_Done__c": 2, "PAC_Pace__c": "done"},
            "AX-DORM": {"PAC_Won_Revenue__c": 6500.0, "PAC_Baseline__c": 0.0, "PAC_Revenue__c": 6500.0,
                        "PAC_Objective__c": 6000.0, "PAC_Progress_Pct__c": 108.3, "PAC_ROI__c": 1.3045,
                        "PAC_Target__c": 5, "PAC_Done__c": 2, "PAC_Pace__c": "done"}}
        assert {x: {f: axes[x].get(f) for f in KPIS} for x in ("AX-MACH", "AX-JUL", "AX-DORM")} == {
            "AX-MACH": {"PAC_Win_Rate__c": 80.0, "PAC_Average_Won_Deal__c": 4250.0, "PAC_Coverage__c": 71.4,
                        "PAC_Visit_To_Win__c": 20.0, "PAC_Revenue_Per_Visit__c": 2428.57,
                        "PAC_Pipeline_Created__c": 23500.0, "PAC_Reactivation_Rate__c": 0.0,
                        "PAC_New_Accounts__c": 0},
            "AX-JUL": {"PAC_Win_Rate__c": 100.0, "PAC_Average_Won_Deal__c": 4833.33, "PAC_Coverage__c": 28.6,
                       "PAC_Visit_To_Win__c": 0.0, "PAC_Revenue_Per_Visit__c": 7250.0,
                       "PAC_Pipeline_Created__c": 16000.0, "PAC_Reactivation_Rate__c": 0.0,
                       "PAC_New_Accounts__c": 0},
            "AX-DORM": {"PAC_Win_Rate__c": 100.0, "PAC_Average_Won_Deal__c": 3250.0, "PAC_Coverage__c": 50.0,
                        "PAC_Visit_To_Win__c": 50.0, "PAC_Revenue_Per_Visit__c": 3250.0,
                        "PAC_Pipeline_Created__c": 6500.0, "PAC_Reactivation_Rate__c": 100.0,
                        "PAC_New_Accounts__c": 0}}

    def test_night_two_the_undeleted_and_the_reopened_opportunities(
            self, distributor_org: tuple[DocsOrg, Any, Path]) -> None:
        """O4 undeleted (its 2,000 Machines line back; L6's first order ever: a new account) and O6 reopened: AX-MACH
        17,000 - 4,000 + 2,000 = 15,000, -1,000 against 16,000; AX-JUL 10,500, 5,700 of 8,000 = 71.3 % under 77.75 /
        91: at risk; win rates unchanged (O4 replaces O6; Julie 2 / 2), so not written; costs x 78 / 91."""
        org, settings, mapping = distributor_org
        assert _sync(org, settings, mapping, NIGHT1).evaluation is not None
        _between_the_nights(org)
        before = len(org.requests)
        result = _sync(org, settings, mapping, NIGHT2)
        assert (org.unhandled, org.errors) == ([], [])
        ev = result.evaluation
        assert ev is not None, result
        assert {a: ev.action(a).done for a in ("A-1", "A-2", "A-3", "A-4", "A-5")} == {
            "A-1": 4, "A-2": 3, "A-3": 2, "A-4": 0, "A-5": 2}
        assert _figures(ev) == {
            "AX-MACH": (Decimal("15000.00"), Decimal("16000.00"), Decimal("-1000.00"), Decimal("6000.00")),
            "AX-JUL": (Decimal("10500.00"), Decimal("4800.00"), Decimal("5700.00"), Decimal("8000")),
            "AX-DORM": (Decimal("6500.00"), Decimal("0.00"), Decimal("6500.00"), Decimal("6000"))}
        axes = _written(org, "PAC_Axis__c", before)
        got = {x: {f: axes.get(x, {}).get(f, "unchanged") for f in (*AXIS, *KPIS)} for x in ("AX-MACH", "AX-JUL",
                                                                                            "AX-DORM")}
        unchanged = dict.fromkeys((*AXIS, *KPIS), "unchanged")
        assert got == {
            "AX-MACH": {**unchanged, "PAC_Won_Revenue__c": 15000.0, "PAC_Revenue__c": -1000.0,
                        "PAC_Progress_Pct__c": -16.7, "PAC_ROI__c": -1.1167, "PAC_Average_Won_Deal__c": 3750.0,
                        "PAC_Revenue_Per_Visit__c": 2142.86, "PAC_Pipeline_Created__c": 25500.0,
                        "PAC_New_Accounts__c": 1},
            "AX-JUL": {**unchanged, "PAC_Won_Revenue__c": 10500.0, "PAC_Revenue__c": 5700.0,
                       "PAC_Progress_Pct__c": 71.3, "PAC_ROI__c": -0.0025, "PAC_Pace__c": "at_risk",
                       "PAC_Average_Won_Deal__c": 5250.0, "PAC_Revenue_Per_Visit__c": 5250.0},
            "AX-DORM": {**unchanged, "PAC_ROI__c": 1.275}}


def _accounts_written(org: DocsOrg, since: int = 0) -> dict[str, dict[str, Any]]:
    """Account id -> the PAC fields pac wrote to it (``PATCH composite/sobjects``, records of type Account)."""
    out: dict[str, dict[str, Any]] = {}
    for method, path, body in org.requests[since:]:
        if method == "PATCH" and path.rstrip("/").endswith("/composite/sobjects"):
            for rec in body["records"]:
                if rec["attributes"]["type"] == "Account":
                    out.setdefault(rec["id"], {}).update({k: v for k, v in rec.items() if k.startswith("PAC_")})
    return out


class TestTargetedAccounts:
    """Audit targets (sfhand6 L1): an account is targeted by an axis when it is in the axis's scope as its revenue
    judges it (1 April for AX-DORM: G1, G6) OR when one of the axis's actions not yet over can count it, judged on its
    window's first day (A-3, A-4 in June: G4, G6). EXPECTED.md of audit targets."""

    def test_night_one_targets_the_accounts_june_s_actions_count(
            self, distributor_org: tuple[DocsOrg, Any, Path]) -> None:
        """G4 (dormant on 1 June, Léa's) is targeted by AX-DORM: her « My PAC targeted accounts » is no longer empty;
        G1 (dormant on 1 April, reordered 12 May) keeps AX-DORM for its revenue; G2, G3, G5 are never written; the
        S-69 accounts carry AX-JUL and AX-MACH. Ten accounts in one call; nothing the night after."""
        org, settings, mapping = distributor_org
        _, ids = build_org()
        name = {v: k for k, v in ids.items()}
        assert _sync(org, settings, mapping, NIGHT1).evaluation is not None
        written = {name[i]: (f.get("PAC_Axes__c"), f.get("PAC_Target__c")) for i, f in _accounts_written(org).items()}
        assert written == {**{f"L{n}": ("AX-JUL; AX-MACH", True) for n in range(1, 8)},
                           "G1": ("AX-DORM", True), "G4": ("AX-DORM", True), "G6": ("AX-DORM", True)}
        leas = [r["Name"] for r in org.rows["Account"] if r["OwnerId"] == ids["lea"] and r.get("PAC_Target__c")]
        assert leas == ["Bourgoin Logistique"]
        assert sum(1 for m, p, b in org.requests if m == "PATCH" and p.rstrip("/").endswith("/composite/sobjects")
                   and b["records"][0]["attributes"]["type"] == "Account") == 1
        before = len(org.requests)
        assert _sync(org, settings, mapping, NIGHT2).evaluation is not None
        assert _accounts_written(org, before) == {}

    def test_g4_is_cleared_once_june_s_actions_are_over(self, distributor_org: tuple[DocsOrg, Any, Path]) -> None:
        """1 July 02:00 Paris: A-1, A-3, A-4, A-5 are over; G4 is cleared (the one account written), G1 and G6 keep
        AX-DORM (Q2's revenue scope, the axis in force)."""
        org, settings, mapping = distributor_org
        _, ids = build_org()
        name = {v: k for k, v in ids.items()}
        assert _sync(org, settings, mapping, NIGHT1).evaluation is not None
        before = len(org.requests)
        org.now = datetime(2027, 7, 1, 0, 0, tzinfo=UTC)
        assert _sync(org, settings, mapping, datetime(2027, 7, 1, 0, 0, tzinfo=UTC)).evaluation is not None
        assert {name[i]: (f.get("PAC_Axes__c"), f.get("PAC_Target__c"))
                for i, f in _accounts_written(org, before).items()} == {"G4": (None, False)}


class TestReport:
    def test_the_report_of_night_one_shows_the_plan_totals(self, distributor_org: tuple[DocsOrg, Any, Path]) -> None:
        org, settings, mapping = distributor_org
        _sync(org, settings, mapping, NIGHT1)
        html = unescape(render_html(load_report_inputs(settings, as_of=NIGHT1), "en"))
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script).*?</\1>", "", html, flags=re.S)))
        for shown in ("Additional revenue €8,200 41% of objective · Objective €20,000 · each deal counted once",
                      "Plan ROI to date −52%", "+25% of €24,000 (the scope's Q2 2026 revenue) = €6,000",
                      "Revenue €23,200 Baseline €16,800 Additional revenue €6,400 Objective €14,000 Trend +38%",
                      "each deal once: €1,700, not the segment's €6,400",
                      "Revenue €9,500 Baseline €6,500 Additional revenue €3,000 Objective €6,000 Trend +46%",
                      "Rhône 50% 1 / 2 86% 6 / 7 17% 1 / 6 €3,867 €23,200 / 6 86% 6 / 7 1 €2,578 €23,200 / 9 €35,700",
                      "Isère 100% 1 / 1 100% 3 / 3 50% 1 / 2 €3,167 €9,500 / 3 33% 2 / 6 0 €4,750 €9,500 / 2 €9,500",
                      "Dormant customers Q2 Isère Active €6,500 Baseline €0 €6,500 / €6,000 108% ✓ Objective reached "
                      "€1,000 130% 1.3 months 2 Conversion 50%",
                      "Actions 3 / 5 done or on track · 1 action at risk · 1 missed action"):
            assert shown in text, shown


def _explained(org: DocsOrg, settings: Any, item: str, lang: str = "en",
               detail: bool = False) -> tuple[list[str], list[tuple[str, str, str]]]:
    """`pac explain ITEM` on night 1: the lines above its table, and its rows (mark, record's Subject or Name, reason),
    folded cells joined: its first table's (an axis's revenue deals, not its baseline's)."""
    shown = CliRunner().invoke(main, ["explain", item, "--as-of", "2027-06-16T18:00", "--lang", lang],
                               env={"PAC_CONFIG": str(settings.source), "COLUMNS": "300"})
    assert shown.exit_code == 0, (shown.output, shown.stderr)
    names = {str(r["Id"]): str(r.get("Subject") or r.get("Name")) for sobject in ("Event", "Task", "Opportunity")
             for r in org.rows[sobject]}
    head: list[str] = []
    table: list[list[str]] = []
    for line in shown.stdout.splitlines():
        if line.startswith("┏") and table:
            break
        if "│" not in line:
            if not table and line[:1] not in "┏┃┡└":
                head.append(line)
            continue
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if cells[0] or not table:
            table.append(cells)
        else:
            table[-1] = [f"{a} {b}".strip() for a, b in zip(table[-1], cells, strict=True)]
    return head, [(c[0], names.get(c[1], c[1]), c[-1 if detail else -2]) for c in table]


class TestExplain:
    def test_explain_lists_what_the_hand_said(self, distributor_org: tuple[DocsOrg, Any, Path]) -> None:
        org, settings, mapping = distributor_org
        _sync(org, settings, mapping, NIGHT1)
        _, a1 = _explained(org, settings, "A-1")
        assert {name: (mark, reason) for mark, name, reason in a1 if name[0] in "JM"} == {
            "J1": ("✔", "counted"), "J2": ("✔", "counted"), "M1": ("✔", "counted"), "M3": ("✔", "counted"),
            "J3": ("✘", "after the hand-over"), "J5": ("✘", "after the hand-over"),
            "J4": ("✘", "outside the window"), "M2": ("✘", "account already counted"), "M4": ("✘", "deleted")}
        _, a2 = _explained(org, settings, "A-2")
        assert [(mark, name, reason) for mark, name, reason in a2 if name[0] == "T"] == [
            ("✔", "T5", "counted"), ("✔", "T1", "counted"), ("✔", "T3", "counted"),
            # T4, due in the window and completed before it, listed by its due day (audit explainspan; sfhand6 L2)
            ("✘", "T4", "outside the window"), ("✘", "T2", "outside the window"),
            ("✘", "T6", "still planned on a past date"),
            ("✘", "T7", "account outside the scope")]
        _, a3 = _explained(org, settings, "A-3")
        assert a3 == [("✔", "S1", "counted"), ("✔", "S4", "counted"), ("✘", "S2", "outside the window"),
                      ("✘", "S3", "account outside the scope")]
        _, a5 = _explained(org, settings, "A-5")
        assert a5 == [("✔", "J3", "counted"), ("✔", "J5", "counted"), ("✘", "J4", "account outside the scope"),
                      ("✘", "J1", "account outside the scope"), ("✘", "J2", "account outside the scope")]
        _, jul = _explained(org, settings, "AX-JUL")
        assert [(mark, name, reason) for mark, name, reason in jul] == [
            ("✔", "O1", "counted"), ("✔", "O6", "counted"), ("✔", "O3", "counted"),
            ("✘", "O7", "deal owned by someone else"), ("✘", "O2", "deal owned by someone else"),
            ("✘", "O5", "outside the period")]
        head, mach = _explained(org, settings, "AX-MACH")
        assert "Objective: +25% of €24,000 (the scope's Q2 2026 revenue) = €6,000" in head
        assert [(mark, name) for mark, name, _ in mach] == [("✔", "O1"), ("✔", "O2"), ("✔", "O6"), ("✔", "O3"),
                                                             ("✘", "O7")]

    def test_french_details_write_their_days_in_words(self, distributor_org: tuple[DocsOrg, Any, Path]) -> None:
        """French near misses write their days in words (audit nearmissfmt: « 31 mai 2027 à 18:00, avant la période
        … (du 1er au 30 juin 2027) » for J4); a deal of AX-JUL closed before its quarter read « clôturée le
        2027-03-15, avant le premier jour compté, le 2027-04-01 » in the same French explain (audit sfhand6)."""
        org, settings, mapping = distributor_org
        _sync(org, settings, mapping, NIGHT1)
        _, a1 = _explained(org, settings, "A-1", "fr", detail=True)
        assert dict((name, words) for _, name, words in a1)["J4"] == (
            "31 mai 2027 à 18:00, avant la période « June 2027 » (du 1er au 30 juin 2027)")
        _, jul = _explained(org, settings, "AX-JUL", "fr", detail=True)
        assert dict((name, words) for _, name, words in jul)["O5"] == (
            "clôturée le 15 mars 2027, avant le premier jour compté, le 1er avril 2027")

    def test_explain_says_why_a_rep_on_holiday_has_nothing_listed(
            self, distributor_org: tuple[DocsOrg, Any, Path]) -> None:
        """Léa is on holiday: A-4 reads 0 / 3 over an empty table, as an action to come did before audit explainus;
        the line under the counts says that nothing of hers (nor another rep's call on its accounts) is near it."""
        org, settings, mapping = distributor_org
        _sync(org, settings, mapping, NIGHT1)
        head, rows = _explained(org, settings, "A-4")
        assert rows == []
        assert head[1:] == [
            "0 / 3 (0%) — 0 counted, 0 not counted",
            "Nothing to list: no activity of lea@example.com in its window “June 2027” (2027-06-01 – 2027-06-30) or "
            "a day around it comes near to counting, nor does another rep's call on its accounts. If there were calls, "
            "pac does not have them: have them logged in the CRM as completed, on the customer's account and at their "
            "real date; the next `pac sync` reads them. If not (a rep away), reschedule the action (its `when`) or "
            "hand it over to another rep (`handed_over`) in the plan."], head


class TestHandOverMidWindow:
    @pytest.mark.parametrize("handed", [True, False])
    def test_the_manager_hands_a_1_to_marc_between_the_nights(
            self, distributor_org: tuple[DocsOrg, Any, Path], handed: bool) -> None:
        """Night 1 A-1 is Julie's (J1 J2 J3 J5: 4 of 5); the manager then gives it to Marc. With `handed_over` from 8
        June: J1 J2 (before) + M1 M3 = 4 of 5, the record's owner moves to Marc, nothing else written, no warning.
        Without: Marc's M1 M2 M3 = 3 of 5 (60.0), and the run says which YAML keeps Julie's visits, today's day
        offered."""
        org, settings, mapping = distributor_org
        plan = Path(settings.source).parent / "plan.pac.yaml"
        text = plan.read_text(encoding="utf-8")
        handover = "    who: marc@example.com\n    handed_over: {from: julie@example.com, on: 2027-06-08}\n"
        assert handover in text
        plan.write_text(text.replace(handover, "    who: julie@example.com\n"), encoding="utf-8")
        night = _sync(org, settings, mapping, NIGHT1).evaluation
        assert night is not None and (night.action("A-1").done, night.action("A-1").pace) == (4, "on_track")
        plan.write_text(text if handed else text.replace(handover, "    who: marc@example.com\n"), encoding="utf-8")
        before = len(org.requests)
        result = _sync(org, settings, mapping, NIGHT2)
        assert result.evaluation is not None
        marc = next(str(u["Id"]) for u in org.rows["User"] if u["Email"] == "marc@example.com")
        written = {k: v for k, v in _written(org, "PAC_Action__c", before)["A-1"].items()
                   if k not in ("attributes", "PAC_Key__c", "PAC_Last_Synced__c")}
        if handed:
            assert result.evaluation.action("A-1").done == 4
            assert (written, result.unmeasured) == ({"OwnerId": marc}, [])
        else:
            assert result.evaluation.action("A-1").done == 3
            assert written == {"OwnerId": marc, "PAC_Done__c": 3, "PAC_Progress_Pct__c": 60.0}
            assert result.unmeasured == [
                "A-1: who changed from julie@example.com to marc@example.com since the store's version 1 of the plan: "
                "the activities of julie@example.com stop counting for it; to keep those made before the hand-over, "
                "add to the action  handed_over: {from: julie@example.com, on: 2027-06-17}  (today: write the new "
                "owner's first day if it was another)"]
