"""A fifth org nobody has shaped before, emulated from Salesforce's documentation alone (``sf_docs_emulator``), run
through pac's real connector, sync pipeline, engine and write-back over two nights (audit sfhand5, 7 Dec 2026).

What it holds that no earlier hand org did: Events around the night Paris leaves summer time (Sunday 31 October 2027,
03:00 CEST -> 02:00 CET: an event spanning it, the hour 02:30 lived twice, 23:30 CET on the 31st = 22:30 UTC); a
Task due in its window but completed after it, one due after it but completed inside; an Event ending in its window
but started before it; an account hierarchy (``ParentId``) whose child has no ``Industry`` under an axis scoped on
industry; a multi-currency org with Advanced Currency Management, a USD deal closed the day a dated rate starts, and
the same org without it; a user whose e-mail changes between the nights; a person with two users, the second
e-mail in ``people[].aliases``; a won opportunity given to another owner after its close.

Every figure was computed by hand before the first run (/tmp/audits/sfhand5/REPORT.md, section 1).
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

from connectors.salesforce.mapping import default_mapping_path
from pac_config.settings import load_settings
from sync_jobs.app import load_report_inputs
from sync_jobs.report import render_html
from tests.fakes import write_settings
from tests.integration.hand_reading import explain_table
from tests.integration.hand_reading import sf_sync as _sync
from tests.integration.hand_reading import sf_written as _written
from tests.integration.sf_docs_emulator import PICKLISTS, SCHEMA, DocsOrg, add_pac_objects, serve

PLAN = """\
plan:
  name: "PAC 2027 Rhône"
  year: 2027
  period: 2027-01-01..2027-12-31
  timezone: Europe/Paris
  currency: EUR
  language: en
people:
  - {email: julie@example.com, name: Julie Morel}
  - {email: marc@example.com, name: Marc Dupont}
  - {email: sam@example.com, name: Sam Petit, aliases: [sam.lyon@example.com]}
segments:
  - {id: S-69, name: Rhône, kind: horizontal, scope: {departement: "69"}}
axes:
  - id: AX-R
    name: Rhône Q4
    segment: S-69
    status: active
    objective: {additional_revenue: 20000, period: Q4, baseline: previous_year, budget: 5000,
                kpis: ["win rate", "average won deal"]}
  - id: AX-C
    name: Chemicals Q4
    segment: S-69
    scope: {industry: Chemicals}
    status: active
    objective: {additional_revenue: 12000, period: Q4, baseline: previous_year, budget: 2000}
actions:
  - id: A-1
    axis: AX-R
    text: "Visit 5 accounts in week 43"
    who: julie@example.com
    what: {activity: visit, count: 5}
    when: "week 43"
  - id: A-2
    axis: AX-R
    text: "Make 4 calls in October 2027"
    who: marc@example.com
    what: {activity: call, count: 4, counting: activities}
    when: "October 2027"
  - id: A-3
    axis: AX-C
    text: "Visit 3 chemicals accounts in October 2027"
    who: sam@example.com
    what: {activity: visit, count: 3}
    when: "October 2027"
"""

NIGHT1 = datetime(2027, 11, 2, 17, 0, tzinfo=UTC)    # 18:00 Paris (CET)
NIGHT2 = datetime(2027, 11, 3, 17, 0, tzinfo=UTC)
BETWEEN = datetime(2027, 11, 3, 16, 30, tzinfo=UTC)


def _utc(month: int, day: int, hour: int, minute: int = 0, year: int = 2027) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def _made(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def build_org(acm: bool = True) -> tuple[DocsOrg, dict[str, str]]:
    org, ids = DocsOrg(page_size=5), {}
    org.multi_currency = True
    org.now = datetime(2027, 11, 2, 16, 0, tzinfo=UTC)
    org.add("User", Id="005000000000INTAAA", Username="integration@acme.example", Email="integration@acme.example",
            Name="Integration", LastName="Integration", IsActive=True, UserType="Standard", LanguageLocaleKey="en_US")
    for key, first, last, mail in (("julie", "Julie", "Morel", "julie"), ("marc", "Marc", "Dupont", "marc"),
                                   ("sam", "Sam", "Petit", "sam"), ("samlyon", "Sam", "Petit", "sam.lyon")):
        ids[key] = org.add("User", Username=f"{mail}@example.com", Email=f"{mail}@example.com",
                           Name=f"{first} {last}", FirstName=first, LastName=last, IsActive=True,
                           UserType="Standard")
    for iso, rate in (("EUR", 1.0), ("USD", 1.2)):
        org.add("CurrencyType", IsoCode=iso, ConversionRate=rate, DecimalPlaces=2, IsActive=True,
                IsCorporate=iso == "EUR")
    if acm:
        org.add("DatedConversionRate", IsoCode="EUR", ConversionRate=1.0, StartDate=date(1, 1, 1),
                NextStartDate=date(9999, 12, 31))
        for rate, start, end in ((1.1, date(2026, 1, 1), date(2027, 10, 15)),
                                 (1.25, date(2027, 10, 15), date(9999, 12, 31))):
            org.add("DatedConversionRate", IsoCode="USD", ConversionRate=rate, StartDate=start, NextStartDate=end)
    julie, marc = ids["julie"], ids["marc"]
    for key, name, owner, postal, industry, parent in (
            ("HOLD", "Chimie Holding", julie, "69003", "Chemicals", None),
            ("SITE", "Site de Feyzin", julie, "69320", None, "HOLD"),
            ("PLA", "Plasturgie Vénissieux", julie, "69200", "Chemicals", None),
            ("CHX", "Chimie Est", julie, "69008", "Chemicals", None),
            ("MEC", "Mécanique Rhône", marc, "69007", "Manufacturing", None),
            ("BAN", "Banque Lyon", marc, "69002", "Banking", None)):
        ids[key] = org.add("Account", Name=name, OwnerId=owner, BillingPostalCode=postal, BillingCountry="France",
                           Industry=industry, ParentId=ids[parent] if parent else None, Type="Customer - Direct",
                           CurrencyIsoCode="EUR")

    def opp(key: str, account: str, stage: str, day: date, amount: float, created: date, iso: str = "EUR") -> None:
        won, closed = stage == "Closed Won", stage in ("Closed Won", "Closed Lost")
        category = "Closed" if won else "Omitted" if closed else "Pipeline"
        owner = next(r["OwnerId"] for r in org.rows["Account"] if r["Id"] == ids[account])
        ids[key] = org.add("Opportunity", Name=key, AccountId=ids[account], OwnerId=owner, StageName=stage,
                           IsWon=won, IsClosed=closed, CloseDate=day, Amount=amount, ForecastCategory=category,
                           ForecastCategoryName=category, CreatedDate=_made(created), CurrencyIsoCode=iso)

    opp("O1", "HOLD", "Closed Won", date(2027, 10, 15), 10000.0, date(2027, 9, 1), "USD")   # the day 1.25 starts
    opp("O2", "PLA", "Closed Won", date(2027, 10, 14), 5500.0, date(2027, 10, 2), "USD")    # its last day at 1.10
    opp("O3", "SITE", "Closed Won", date(2027, 10, 20), 3000.0, date(2027, 10, 5))
    opp("O4", "MEC", "Closed Won", date(2027, 10, 5), 4000.0, date(2027, 8, 1))
    opp("O5", "BAN", "Closed Lost", date(2027, 10, 10), 2000.0, date(2027, 10, 3))
    opp("O6", "HOLD", "Negotiation/Review", date(2027, 12, 15), 6000.0, date(2027, 10, 3))
    opp("O7", "CHX", "Closed Won", date(2027, 9, 30), 1000.0, date(2027, 9, 1))
    opp("B1", "HOLD", "Closed Won", date(2026, 10, 20), 2000.0, date(2026, 9, 1))
    opp("B2", "MEC", "Closed Won", date(2026, 10, 28), 1500.0, date(2026, 9, 1))
    opp("B3", "SITE", "Closed Won", date(2026, 11, 10), 5000.0, date(2026, 9, 1))
    opp("B4", "PLA", "Closed Won", date(2026, 10, 10), 1100.0, date(2026, 9, 1), "USD")

    def event(key: str, owner: str, account: str, start: datetime, minutes: int, local_day: date) -> None:
        end = start + timedelta(minutes=minutes)
        ids[key] = org.add("Event", Subject=key, Type="Visite client", OwnerId=ids[owner], AccountId=ids[account],
                           WhatId=ids[account], ActivityDateTime=start, StartDateTime=start, ActivityDate=local_day,
                           DurationInMinutes=minutes, EndDateTime=end, EndDate=end.date(), IsAllDayEvent=False)

    event("E1", "julie", "HOLD", _utc(10, 30, 21), 240, date(2027, 10, 30))     # 23:00 CEST - 02:00 CET
    event("E2", "julie", "SITE", _utc(10, 31, 22, 30), 60, date(2027, 10, 31))  # 23:30 CET
    event("E3", "julie", "MEC", _utc(10, 24, 22, 30), 60, date(2027, 10, 25))   # Monday 00:30 CEST
    event("E4", "julie", "BAN", _utc(10, 31, 23, 30), 60, date(2027, 11, 1))    # 1 November 00:30 CET
    event("E5", "julie", "HOLD", _utc(10, 27, 8), 60, date(2027, 10, 27))
    event("E6", "julie", "PLA", _utc(10, 31, 1, 30), 60, date(2027, 10, 31))    # 02:30 CET, the second one
    event("E7", "julie", "PLA", _utc(10, 31, 0, 30), 60, date(2027, 10, 31))    # 02:30 CEST, the first one
    event("S1", "sam", "HOLD", _utc(10, 12, 8), 60, date(2027, 10, 12))
    event("S2", "samlyon", "PLA", _utc(10, 20, 8), 60, date(2027, 10, 20))
    event("S3", "sam", "SITE", _utc(10, 21, 8), 60, date(2027, 10, 21))
    event("S4", "samlyon", "CHX", _utc(9, 30, 21), 120, date(2027, 9, 30))      # 23:00 CEST - 01:00 on 1 October

    for key, account, due, done_at in (("T1", "MEC", date(2027, 10, 31), _utc(11, 2, 9)),
                                       ("T2", "BAN", date(2027, 11, 5), _utc(10, 29, 9)),
                                       ("T3", "MEC", date(2027, 10, 15), _utc(10, 15, 9)),
                                       ("T4", "BAN", date(2027, 9, 30), _utc(10, 1, 8)),
                                       ("T5", "SITE", None, _utc(10, 31, 23, 30))):
        ids[key] = org.add("Task", Subject=key, TaskSubtype="Call", Type="Call", Status="Completed", IsClosed=True,
                           ActivityDate=due, CompletedDateTime=done_at, OwnerId=marc, AccountId=ids[account],
                           WhatId=ids[account], Priority="Normal")
    return org, ids


def _fixture(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch,
             acm: bool) -> Iterator[tuple[DocsOrg, Any, Path]]:
    add_pac_objects(yaml.safe_load(default_mapping_path().read_text(encoding="utf-8"))["writeback"])
    # a multi-currency org: every object with a currency field has CurrencyIsoCode, the PAC objects too
    for name in ("Opportunity", "Account", "OpportunityLineItem", "PAC_Axis__c", "PAC_Action__c"):
        monkeypatch.setitem(SCHEMA, name, {**SCHEMA[name], "CurrencyIsoCode": "picklist"})
    monkeypatch.setitem(SCHEMA["Task"], "CompletedDateTime", "datetime")
    monkeypatch.setitem(PICKLISTS, ("Opportunity", "CurrencyIsoCode"), ["EUR", "USD"])
    if not acm:     # an org without advanced currency management has no DatedConversionRate: INVALID_TYPE
        monkeypatch.delitem(SCHEMA, "DatedConversionRate")
    org, _ids = build_org(acm)
    settings = load_settings(write_settings(tmp_path, database_url, connectors=(("sf-main", "salesforce"),),
                                            plan_text=PLAN), env={})
    text = default_mapping_path().read_text(encoding="utf-8")
    assert "currency_field: null " in text
    mapping = tmp_path / "salesforce.usd.yaml"
    mapping.write_text(text.replace("currency_field: null ", "currency_field: CurrencyIsoCode ", 1), encoding="utf-8")
    for _ in serve(org):
        yield org, settings, mapping


@pytest.fixture
def dst_org(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[DocsOrg, Any, Path]]:
    yield from _fixture(tmp_path, database_url, monkeypatch, acm=True)


@pytest.fixture
def no_acm_org(tmp_path: Path, database_url: str,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[DocsOrg, Any, Path]]:
    yield from _fixture(tmp_path, database_url, monkeypatch, acm=False)


def _between_the_nights(org: DocsOrg) -> None:
    """3 November 16:30 UTC: Marc's user gets a new e-mail; O4 (won 5 October) is given to Julie; Marc logs a call of
    28 October, completed today."""
    org.now = BETWEEN
    marc = next(u for u in org.rows["User"] if u["Email"] == "marc@example.com")
    marc.update(Email="marc.dupont@example.com", SystemModstamp=BETWEEN, LastModifiedDate=BETWEEN)
    julie = next(str(u["Id"]) for u in org.rows["User"] if u["Email"] == "julie@example.com")
    o4 = next(r for r in org.rows["Opportunity"] if r["Name"] == "O4")
    o4.update(OwnerId=julie, SystemModstamp=BETWEEN, LastModifiedDate=BETWEEN)
    ban = next(str(r["Id"]) for r in org.rows["Account"] if r["Name"] == "Banque Lyon")
    org.add("Task", Subject="T6", TaskSubtype="Call", Type="Call", Status="Completed", IsClosed=True,
            ActivityDate=date(2027, 10, 28), CompletedDateTime=BETWEEN, OwnerId=str(marc["Id"]), AccountId=ban,
            WhatId=ban, Priority="Normal", CreatedDate=BETWEEN, SystemModstamp=BETWEEN, LastModifiedDate=BETWEEN)


AXIS = ("PAC_Won_Revenue__c", "PAC_Baseline__c", "PAC_Revenue__c", "PAC_Objective__c", "PAC_Progress_Pct__c",
        "PAC_ROI__c", "PAC_Target__c", "PAC_Done__c", "PAC_Pace__c")
KPIS = ("PAC_Win_Rate__c", "PAC_Average_Won_Deal__c", "PAC_Coverage__c", "PAC_Visit_To_Win__c",
        "PAC_Revenue_Per_Visit__c", "PAC_Pipeline_Created__c", "PAC_Reactivation_Rate__c", "PAC_New_Accounts__c")


class TestDstOrg:
    def test_night_one(self, dst_org: tuple[DocsOrg, Any, Path]) -> None:
        org, settings, mapping = dst_org
        result = _sync(org, settings, mapping, NIGHT1)
        assert (org.unhandled, org.errors) == ([], [])
        ev = result.evaluation
        assert ev is not None, result
        assert {a: ev.action(a).done for a in ("A-1", "A-2", "A-3")} == {"A-1": 4, "A-2": 3, "A-3": 2}
        figures = {x: (ev.axis(x).revenue, ev.axis(x).baseline, ev.axis(x).additional) for x in ("AX-R", "AX-C")}
        assert figures == {"AX-R": (Decimal("20000.00"), Decimal("4500.00"), Decimal("15500.00")),
                           "AX-C": (Decimal("13000.00"), Decimal("3000.00"), Decimal("10000.00"))}
        assert [r.id for r in result.rejections] == []
        assert [(r.id, r.reason) for r in result.warnings] == []
        axes, actions = _written(org, "PAC_Axis__c"), _written(org, "PAC_Action__c")
        assert {f: axes["AX-R"].get(f) for f in AXIS} == {
            "PAC_Won_Revenue__c": 20000.0, "PAC_Baseline__c": 4500.0, "PAC_Revenue__c": 15500.0,
            "PAC_Objective__c": 20000.0, "PAC_Progress_Pct__c": 77.5, "PAC_ROI__c": 1.5927, "PAC_Target__c": 9,
            "PAC_Done__c": 7, "PAC_Pace__c": "on_track"}
        assert {f: axes["AX-R"].get(f) for f in KPIS} == {
            "PAC_Win_Rate__c": 80.0, "PAC_Average_Won_Deal__c": 5000.0, "PAC_Coverage__c": 83.3,
            "PAC_Visit_To_Win__c": 0.0, "PAC_Revenue_Per_Visit__c": 2857.14, "PAC_Pipeline_Created__c": 16000.0,
            "PAC_Reactivation_Rate__c": None, "PAC_New_Accounts__c": 0}
        assert {f: axes["AX-C"].get(f) for f in AXIS} == {
            "PAC_Won_Revenue__c": 13000.0, "PAC_Baseline__c": 3000.0, "PAC_Revenue__c": 10000.0,
            "PAC_Objective__c": 12000.0, "PAC_Progress_Pct__c": 83.3, "PAC_ROI__c": 3.1818, "PAC_Target__c": 3,
            "PAC_Done__c": 2, "PAC_Pace__c": "on_track"}
        assert {k: (v.get("PAC_Done__c"), v.get("PAC_Progress_Pct__c"), v.get("PAC_Pace__c"), v.get(
            "PAC_Window_Start__c"), v.get("PAC_Window_End__c")) for k, v in actions.items()} == {
            "A-1": (4, 80.0, "late", "2027-10-25", "2027-10-31"), "A-2": (3, 75.0, "late", "2027-10-01", "2027-10-31"),
            "A-3": (2, 66.7, "late", "2027-10-01", "2027-10-31")}
        assert [(r.axis_id, str(r.rule.value)) for r in ev.recommendations] == []

    def test_nights_two_and_three_a_rep_whose_e_mail_changed(self, dst_org: tuple[DocsOrg, Any, Path]) -> None:
        """Night 2: Marc's user now has marc.dupont@example.com, the plan's `who` still marc@example.com. pac read
        that user under marc@example.com on night 1 and remembers it (decided 7 Dec 2026, audit emailchange,
        docs/plan-format.md *people*; before, A-2 counted 0 until the manager wrote the alias): the user is still
        Marc, so A-2 counts 4 of 4 (T6 of 28 October, logged on 3 November, with T1 T2 T3), done, written; AX-R done
        4 + 4 = 8 (night 1: 4 + 3), coverage 5 / 6 = 83.3 as on night 1 (T6's Banque Lyon was visited then: not
        written again), revenue per visit 20,000 / 8 = 2,500.00 (night 1: 20,000 / 7), ROI (4,650 - 1,847.83) /
        1,847.83 = 1.5165 (34 / 92), O4 given to Julie after its close: 20,000.00 unchanged; the run warns, naming the
        user, its new address and the alias line to write. Night 3: the manager writes the alias: the same counts, A-2
        not written again (unchanged), AX-R's ROI at 35 / 92 1.4446 alone; no warning."""
        org, settings, mapping = dst_org
        assert _sync(org, settings, mapping, NIGHT1).evaluation is not None
        _between_the_nights(org)
        before = len(org.requests)
        result = _sync(org, settings, mapping, NIGHT2)
        assert (org.unhandled, org.errors) == ([], [])
        ev = result.evaluation
        assert ev is not None, result
        assert {a: ev.action(a).done for a in ("A-1", "A-2", "A-3")} == {"A-1": 4, "A-2": 4, "A-3": 2}
        assert ev.axis("AX-R").revenue == Decimal("20000.00")
        [remembered] = result.unmeasured        # the plan's people as the CRM has them: where the unknown owner was
        assert "it had marc@example.com, which the plan names" in remembered, remembered
        assert "aliases: [marc.dupont@example.com]" in remembered, remembered
        axes, actions = _written(org, "PAC_Axis__c", before), _written(org, "PAC_Action__c", before)
        assert {f: actions["A-2"].get(f) for f in ("PAC_Done__c", "PAC_Progress_Pct__c", "PAC_Pace__c")} == {
            "PAC_Done__c": 4, "PAC_Progress_Pct__c": 100.0, "PAC_Pace__c": "done"}
        assert {f: axes["AX-R"].get(f, "unchanged") for f in (*AXIS, *KPIS)} == {
            **{f: "unchanged" for f in (*AXIS, *KPIS)}, "PAC_ROI__c": 1.5165, "PAC_Done__c": 8,
            "PAC_Revenue_Per_Visit__c": 2500.0}
        assert {f: axes["AX-C"].get(f, "unchanged") for f in AXIS} == {
            **{f: "unchanged" for f in AXIS}, "PAC_ROI__c": 3.0588}

        plan = Path(settings.source).parent / "plan.pac.yaml"
        plan.write_text(plan.read_text(encoding="utf-8").replace(
            "name: Marc Dupont}", "name: Marc Dupont, aliases: [marc.dupont@example.com]}"), encoding="utf-8")
        before = len(org.requests)
        result = _sync(org, settings, mapping, NIGHT2 + timedelta(days=1))
        ev = result.evaluation
        assert ev is not None, result
        assert {a: ev.action(a).done for a in ("A-1", "A-2", "A-3")} == {"A-1": 4, "A-2": 4, "A-3": 2}
        assert result.unmeasured == []
        axes, actions = _written(org, "PAC_Axis__c", before), _written(org, "PAC_Action__c", before)
        assert "A-2" not in actions
        assert {f: axes["AX-R"].get(f, "unchanged") for f in (*AXIS, *KPIS)} == {
            **{f: "unchanged" for f in (*AXIS, *KPIS)}, "PAC_ROI__c": 1.4446}


class TestHierarchy:
    def test_a_child_account_is_scoped_on_its_own_industry_or_a_formula_the_mapping_names(
            self, dst_org: tuple[DocsOrg, Any, Path], monkeypatch: pytest.MonkeyPatch) -> None:
        """Site de Feyzin (ParentId Chimie Holding, Chemicals) has no Industry of its own: pac reads the account's
        own field, as a Salesforce report on Account Industry does, so « Chemicals Q4 » leaves it out (night 1
        above: A-3 2 of 3, AX-C 13,000.00). An org that scopes sites on their group's industry names a formula field
        (Text, ``BLANKVALUE(TEXT(Industry), TEXT(Parent.Industry))``) as ``accounts.industry`` (decided 7 Dec 2026,
        audit sfhand5, docs/salesforce.md): then S3 counts (A-3 3 of 3, done) and O3 (3,000) joins AX-C: 16,000.00,
        baseline 3,000.00 (B3, 10 November 2026, is after the night's day), additional 13,000.00, 108.3 %, ROI
        (3,900 - 717.39) / 717.39 = 4.4364, done."""
        org, settings, mapping = dst_org
        monkeypatch.setitem(SCHEMA["Account"], "Group_Industry__c", "string")
        by_id = {r["Id"]: r for r in org.rows["Account"]}
        for row in org.rows["Account"]:
            parent = by_id.get(row["ParentId"]) or {}
            row["Group_Industry__c"] = row["Industry"] or parent.get("Industry")
        text = mapping.read_text(encoding="utf-8")
        assert "  industry: Industry " in text
        mapping.write_text(text.replace("  industry: Industry ", "  industry: Group_Industry__c ", 1),
                           encoding="utf-8")
        result = _sync(org, settings, mapping, NIGHT1)
        assert (org.unhandled, org.errors) == ([], [])
        ev = result.evaluation
        assert ev is not None, result
        assert (ev.action("A-3").done, ev.action("A-3").pace) == (3, "done")
        ax = ev.axis("AX-C")
        assert (ax.revenue, ax.baseline, ax.additional) == (Decimal("16000.00"), Decimal("3000.00"),
                                                            Decimal("13000.00"))
        axes = _written(org, "PAC_Axis__c")
        assert {f: axes["AX-C"].get(f) for f in ("PAC_Progress_Pct__c", "PAC_ROI__c", "PAC_Pace__c")} == {
            "PAC_Progress_Pct__c": 108.3, "PAC_ROI__c": 4.4364, "PAC_Pace__c": "done"}


class TestNoAdvancedCurrencyManagement:
    def test_every_deal_takes_the_currency_types_rate(self, no_acm_org: tuple[DocsOrg, Any, Path]) -> None:
        org, settings, mapping = no_acm_org
        result = _sync(org, settings, mapping, NIGHT1)
        ev = result.evaluation
        assert ev is not None, result
        figures = {x: (ev.axis(x).revenue, ev.axis(x).baseline, ev.axis(x).additional) for x in ("AX-R", "AX-C")}
        assert figures == {"AX-R": (Decimal("19916.66"), Decimal("4416.67"), Decimal("15499.99")),
                           "AX-C": (Decimal("12916.66"), Decimal("2916.67"), Decimal("9999.99"))}


class TestOwnerAfterClose:
    def test_a_won_deal_given_to_another_rep_after_its_close_counts_for_its_owner_today(
            self, dst_org: tuple[DocsOrg, Any, Path]) -> None:
        """An axis given to Julie (`who`): night 1 her Q4 deals O1 8,000 + O2 5,000 + O3 3,000 = 16,000.00, baseline
        B1 2,000 + B4 1,000 = 3,000.00 (B2 is Marc's). O4 (Marc's, won 5 October) is given to Julie on 3 November:
        night 2 counts it for her, 20,000.00, as Salesforce's reports and forecasts by opportunity owner do (decided
        7 Dec 2026, audit sfhand5, docs/salesforce.md: pac reads the owner today; Salesforce keeps no owner history
        on Opportunity unless field history tracks it)."""
        org, settings, mapping = dst_org
        plan = Path(settings.source).parent / "plan.pac.yaml"
        plan.write_text(plan.read_text(encoding="utf-8").replace("actions:\n", (
            "  - id: AX-D\n    name: Julie's deals Q4\n    segment: S-69\n    who: [julie@example.com]\n"
            "    status: active\n    objective: {additional_revenue: 10000, period: Q4, baseline: previous_year}\n"
            "actions:\n"), 1), encoding="utf-8")
        night = _sync(org, settings, mapping, NIGHT1).evaluation
        assert night is not None
        assert (night.axis("AX-D").revenue, night.axis("AX-D").baseline) == (Decimal("16000.00"), Decimal("3000.00"))
        _between_the_nights(org)
        night = _sync(org, settings, mapping, NIGHT2).evaluation
        assert night is not None
        assert (night.axis("AX-D").revenue, night.axis("AX-D").baseline) == (Decimal("20000.00"), Decimal("3000.00"))
        assert night.axis("AX-R").revenue == Decimal("20000.00")


def _explained_rates(settings: Any, lang: str) -> dict[str, str]:
    """`pac explain AX-C` on night 1: each counted deal's detail, by deal name, its folded cells joined (French
    digits grouped by plain spaces)."""
    _out, rows = explain_table(settings, "AX-C", "--as-of", "2027-11-02T18:00", "--lang", lang)
    return {cells[3]: cells[-1].replace("\u202f", " ").replace("\xa0", " ") for cells in rows if cells[0] == "✔"}


class TestRatesExplained:
    def test_with_dated_rates_explain_gives_the_rate_of_the_close_date(
            self, dst_org: tuple[DocsOrg, Any, Path]) -> None:
        org, settings, mapping = dst_org
        _sync(org, settings, mapping, NIGHT1)
        assert _explained_rates(settings, "en") == {
            # AX-R (every Q4 deal of the 69) counts O1 and O2 too: said since audit reporttidy
            "O1": "$10,000.00 in the CRM = €8,000.00; Salesforce rate of its close date: 1 EUR = 1.25 USD; also "
                  "counted by AX-R “Rhône Q4”",
            "O2": "$5,500.00 in the CRM = €5,000.00; Salesforce rate of its close date: 1 EUR = 1.10 USD; also "
                  "counted by AX-R “Rhône Q4”"}

    def test_without_advanced_currency_management_explain_names_the_orgs_one_rate(
            self, no_acm_org: tuple[DocsOrg, Any, Path]) -> None:
        """An org without advanced currency management converts every opportunity at its one conversion rate ("When
        advanced currency management isn't enabled, the most recent conversion date entered is used", SOQL and SOSL
        Reference, convertCurrency()): `pac explain` read « Salesforce rate of its close date: 1 EUR = 1.20 USD », a
        rate no close date has in that org (a controller looks for it in Setup's dated rates, which the org has
        none of). It names the org's rate as what it is (audit sfhand5)."""
        org, settings, mapping = no_acm_org
        _sync(org, settings, mapping, NIGHT1)
        assert _explained_rates(settings, "en") == {
            "O1": "$10,000.00 in the CRM = €8,333.33; Salesforce conversion rate (the org keeps no dated rates): "
                  "1 EUR = 1.20 USD; also counted by AX-R “Rhône Q4”",
            "O2": "$5,500.00 in the CRM = €4,583.33; Salesforce conversion rate (the org keeps no dated rates): "
                  "1 EUR = 1.20 USD; also counted by AX-R “Rhône Q4”"}
        assert _explained_rates(settings, "fr")["O1"] == (
            "10 000,00 $US dans le CRM = 8 333,33 € ; taux de conversion Salesforce (l'organisation n'a pas de "
            "taux datés) : 1 EUR = 1,20 USD ; aussi comptée par AX-R « Rhône Q4 »")


class TestReport:
    def test_the_report_of_night_one_shows_the_hand_computed_figures(self, dst_org: tuple[DocsOrg, Any, Path]) -> None:
        """Night 1's report (English), by hand: 15,500 of 32,000 (48 %), plan ROI (4,650 - 2,510.87) / 2,510.87 =
        85 %, 15,500 + 10,000 - 15,500 = 10,000 counted by several axes; paybacks from 1 October (32.75 days /
        30.4375 = 1.0760 months): 5,000 x 1.0760 / 4,650 = 1.2, 2,000 x 1.0760 / 3,000 = 0.7 months. The segment over
        the plan's year: O1 8,000 + O2 5,000 + O3 3,000 + O4 4,000 + O7 1,000 = 21,000 against 4,500 (+367 %); won 5
        of 6 closed (83 %); visited HOLD SITE MEC PLA BAN, HOLD converted by O1 three days after S1 (1 / 5); 21,000 /
        5 = 4,200; coverage 5 / 6; CHX new (its first order, O7); 21,000 / 9 activities = 2,333; created in 2027:
        O1 (8,000 at its close date's rate) + O2 + O3 + O4 + O5 + O6 + O7 = 29,000."""
        org, settings, mapping = dst_org
        _sync(org, settings, mapping, NIGHT1)
        html = unescape(render_html(load_report_inputs(settings, as_of=NIGHT1), "en"))
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script).*?</\1>", "", html, flags=re.S)))
        for shown in ("Quarterly sales meeting · Q4 2027",
                      "Additional revenue €15,500 48% of objective · Objective €32,000", "Plan ROI to date 85%",
                      "€10,000 counted by several axes",
                      "Chemicals Q4 Rhône Active €13,000 Baseline €3,000 €10,000 / €12,000 83% ● On track €2,000 318% "
                      "0.7 months 2 Conversion 50%",
                      "Rhône Q4 Rhône Active €20,000 Baseline €4,500 €15,500 / €20,000 78% ● On track €5,000 159% 1.2 "
                      "months 7 Conversion 0%",
                      "Revenue €21,000 Baseline €4,500 Additional revenue €16,500 Objective €32,000 Trend +367%",
                      "Rhône – 83% 5 / 6 20% 1 / 5 €4,200 €21,000 / 5 83% 5 / 6 1 €2,333 €21,000 / 9 €29,000"):
            assert shown in text, shown
