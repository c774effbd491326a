"""A seventh org nobody has shaped before, emulated from Salesforce's documentation alone (``sf_docs_emulator``), run
through pac's real connector, sync pipeline, engine, write-back and quarterly report over two nights (audit sfhand7,
7 Dec 2026).

The manager's advice and the money: five axes built to sit just on each side of the advisor's thresholds
(docs/engine.md, *The advisor*) — a roll-out paid back in 5.99 months (within 6) whose payback passes 6.02 the next
night with no CRM change; an axis at ROI 98 % whose 6.05-month payback keeps it from rolling out; a drop at ROI
−0.26 % after 84 % of its quarter (its segment's exactly −10 % decline overruled), a prioritise for that −10 %; a
product axis whose quarter's load is exactly 90 % of its capacity (suspend, its negative ROI's drop overruled), the
load falling to 70 % when an open deal is lost; segments at exactly +5 % (not lagging) and −9.99 % (not declining,
but a roll-out's target); growth objectives as an amount, as a percentage of last year and of last year's quarter;
ROI, payback, the plan's and segments' totals, the PAC fields written, the report's words.

Every figure was computed by hand before the first run (/tmp/audits/sfhand7/EXPECTED.md).
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
from openpyxl import load_workbook

from connectors.salesforce.mapping import default_mapping_path
from pac_config.settings import load_settings
from sync_jobs.app import load_report_inputs
from sync_jobs.cli import main
from sync_jobs.report import render_html, write_xlsx
from sync_jobs.report.workbook import FIRST_ROW
from tests.fakes import write_settings
from tests.integration.hand_reading import sf_sync as _sync
from tests.integration.hand_reading import sf_written as _written
from tests.integration.sf_docs_emulator import PICKLISTS, DocsOrg, add_pac_objects, serve

PLAN = """\
plan:
  name: "PAC 2027 Conseils"
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
  - {id: S-42, name: Loire, kind: horizontal, scope: {departement: "42"}}
  - {id: S-01, name: Ain, kind: horizontal, scope: {departement: "01"}}
axes:
  - id: AX-ROLL
    name: Chemicals Rhône
    segment: S-69
    scope: {industry: Chemicals}
    status: active
    objective: {additional_revenue: 40000, budget: 6000}
  - id: AX-SLOW
    name: Food Isère
    segment: S-38
    scope: {industry: Food}
    status: active
    objective: {additional_revenue: "+75 %", baseline: previous_year, budget: 6000}
  - id: AX-DROP
    name: Metals Loire
    segment: S-42
    scope: {industry: Metals}
    status: active
    objective: {additional_revenue: 30000, period: Q2, budget: 9100}
  - id: AX-PRIO
    name: Plastics Loire
    segment: S-42
    scope: {industry: Plastics}
    status: active
    objective: {additional_revenue: "+10 %", period: Q2, baseline: previous_year, budget: 400}
  - id: AX-SUSP
    name: R-200 Ain
    segment: S-01
    scope: {product: R-200}
    products: [R-200]
    status: active
    objective: {additional_revenue: 5000, period: Q2, budget: 1500}
actions:
  - id: A-1
    axis: AX-ROLL
    text: "Visit 3 chemical accounts in June 2027"
    who: julie@example.com
    what: {activity: visit, count: 3}
    when: "June 2027"
  - id: A-2
    axis: AX-PRIO
    text: "Visit 2 plastics accounts in June 2027"
    who: lea@example.com
    what: {activity: visit, count: 2}
    when: "June 2027"
context:
  - {kind: capacity, product: R-200, capacity: 20}
"""

NIGHT1 = datetime(2027, 6, 16, 16, 0, tzinfo=UTC)    # 18:00 Paris (CEST)
NIGHT2 = datetime(2027, 6, 17, 16, 0, tzinfo=UTC)
BETWEEN = datetime(2027, 6, 17, 9, 0, tzinfo=UTC)
INDUSTRIES = ["Banking", "Chemicals", "Manufacturing", "Food", "Metals", "Plastics", "Textiles", "Other"]


def _made(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def build_org() -> tuple[DocsOrg, dict[str, str]]:
    org, ids = DocsOrg(page_size=5), {}
    org.now = datetime(2027, 6, 16, 15, 0, tzinfo=UTC)
    org.add("User", Id="005000000000INTAAA", Username="integration@acme.example", Email="integration@acme.example",
            Name="Integration", LastName="Integration", IsActive=True, UserType="Standard", LanguageLocaleKey="en_US")
    for key, first, last in (("julie", "Julie", "Morel"), ("marc", "Marc", "Dupont"), ("sam", "Sam", "Petit"),
                             ("lea", "Léa", "Roux")):
        ids[key] = org.add("User", Username=f"{key}@example.com", Email=f"{key}@example.com",
                           Name=f"{first} {last}", FirstName=first, LastName=last, IsActive=True,
                           UserType="Standard")
    for key, name, owner, postal, industry in (
            ("R1", "Rhône Chimie", "julie", "69003", "Chemicals"), ("R2", "Lyon Solvants", "julie", "69007",
                                                                     "Chemicals"),
            ("R3", "Villeurbanne Méca", "marc", "69100", "Manufacturing"),
            ("I1", "Grenoble Conserves", "sam", "38000", "Food"), ("I2", "Voiron Banque", "sam", "38500", "Banking"),
            ("L1", "Saint-Étienne Acier", "lea", "42000", "Metals"),
            ("L2", "Roanne Plastiques", "lea", "42300", "Plastics"),
            ("L3", "Montbrison Tissage", "lea", "42600", "Textiles"),
            ("L4", "Firminy Chimie", "lea", "42700", "Chemicals"),
            ("A1", "Bourg Équipements", "marc", "01000", "Manufacturing"),
            ("A2", "Oyonnax Chimie", "marc", "01100", "Chemicals")):
        ids[key] = org.add("Account", Name=name, OwnerId=ids[owner], BillingPostalCode=postal, BillingCountry="France",
                           Industry=industry, Type="Customer - Direct", CreatedDate=_made(date(2025, 1, 2)))
    r200 = org.add("Product2", Name="Réacteur R-200", ProductCode="R-200", Family="Machines", IsActive=True)

    def opp(key: str, account: str, stage: str, day: date, amount: float, units: int = 0) -> None:
        won, closed = stage == "Closed Won", stage in ("Closed Won", "Closed Lost")
        category = "Closed" if won else "Omitted" if closed else "Pipeline"
        owner = next(r["OwnerId"] for r in org.rows["Account"] if r["Id"] == ids[account])
        ids[key] = org.add("Opportunity", Name=key, AccountId=ids[account], OwnerId=owner, StageName=stage,
                           IsWon=won, IsClosed=closed, CloseDate=day, Amount=amount, ForecastCategory=category,
                           ForecastCategoryName=category, CreatedDate=_made(day - timedelta(days=30)))
        if units:
            ids[f"{key}-R"] = org.add("OpportunityLineItem", Name=f"{key} R-200", OpportunityId=ids[key],
                                      Product2Id=r200, Quantity=float(units), UnitPrice=1000.0, TotalPrice=amount)

    won = "Closed Won"
    for key, account, day, amount, units in (
            ("D1", "R1", date(2027, 2, 10), 12300.0, 0), ("D2", "R2", date(2027, 5, 18), 18000.0, 0),
            ("D3", "R3", date(2027, 6, 5), 4000.0, 4), ("D4", "I1", date(2027, 3, 5), 20000.0, 0),
            ("D5", "I1", date(2027, 6, 1), 18100.0, 0), ("D6", "I2", date(2027, 2, 25), 87900.0, 0),
            ("D7", "L1", date(2027, 4, 12), 20000.0, 0), ("D8", "L1", date(2027, 6, 8), 10600.0, 0),
            ("D9", "L2", date(2027, 5, 25), 13500.0, 0), ("D10", "L3", date(2027, 3, 18), 25200.0, 0),
            ("D11", "A1", date(2027, 4, 15), 6000.0, 6), ("D12", "A1", date(2027, 5, 20), 4000.0, 4),
            ("D14", "A2", date(2027, 1, 20), 8002.0, 0),
            ("B1", "R1", date(2026, 3, 15), 12000.0, 0), ("B2", "R2", date(2026, 9, 10), 5000.0, 0),
            ("B3", "R3", date(2026, 4, 10), 8000.0, 0), ("B4", "I1", date(2026, 4, 22), 20000.0, 0),
            ("B5", "I1", date(2026, 9, 15), 10000.0, 0), ("B6", "I2", date(2026, 2, 20), 100000.0, 0),
            ("B7", "L1", date(2026, 5, 20), 5000.0, 0), ("B8", "L2", date(2026, 5, 10), 12000.0, 0),
            ("B9", "L2", date(2026, 6, 25), 8000.0, 0), ("B10", "L3", date(2026, 3, 10), 60000.0, 0),
            ("B11", "A1", date(2026, 5, 12), 6000.0, 6), ("B12", "A2", date(2026, 2, 5), 14000.0, 0)):
        opp(key, account, won, day, amount, units)
    opp("D13", "A1", "Prospecting", date(2027, 6, 28), 8000.0, 8)

    for key, account, june in (("J1", "R1", 3), ("J2", "R2", 10)):
        start = datetime(2027, 6, june, 8, 0, tzinfo=UTC)
        end = start + timedelta(minutes=60)
        ids[key] = org.add("Event", Subject=key, Type="Visite client", OwnerId=ids["julie"], AccountId=ids[account],
                           WhatId=ids[account], ActivityDateTime=start, StartDateTime=start, ActivityDate=start.date(),
                           DurationInMinutes=60, EndDateTime=end, EndDate=end.date(), IsAllDayEvent=False)
    return org, ids


@pytest.fixture
def advice_org(tmp_path: Path, database_url: str,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[DocsOrg, Any, Path]]:
    add_pac_objects(yaml.safe_load(default_mapping_path().read_text(encoding="utf-8"))["writeback"])
    monkeypatch.setitem(PICKLISTS, ("Account", "Industry"), INDUSTRIES)
    monkeypatch.setitem(PICKLISTS, ("Product2", "Family"), ["Machines"])
    org, _ids = build_org()
    settings = load_settings(write_settings(tmp_path, database_url, connectors=(("sf-main", "salesforce"),),
                                            plan_text=PLAN), env={})
    for _ in serve(org):
        yield org, settings, default_mapping_path()


def _between_the_nights(org: DocsOrg, ids: dict[str, str]) -> None:
    """17 June 09:00 UTC: a 500 € Metals order won on L1 that day (D15); the open R-200 order D13 lost."""
    org.now = BETWEEN
    ids["D15"] = org.add("Opportunity", Name="D15", AccountId=ids["L1"], OwnerId=ids["lea"], StageName="Closed Won",
                         IsWon=True, IsClosed=True, CloseDate=date(2027, 6, 17), Amount=500.0,
                         ForecastCategory="Closed", ForecastCategoryName="Closed", CreatedDate=BETWEEN,
                         SystemModstamp=BETWEEN, LastModifiedDate=BETWEEN)
    d13 = next(r for r in org.rows["Opportunity"] if r["Name"] == "D13")
    d13.update(StageName="Closed Lost", IsWon=False, IsClosed=True, CloseDate=date(2027, 6, 17),
               ForecastCategory="Omitted", ForecastCategoryName="Omitted", SystemModstamp=BETWEEN,
               LastModifiedDate=BETWEEN)


AXES = ("AX-ROLL", "AX-SLOW", "AX-DROP", "AX-PRIO", "AX-SUSP")
AXIS = ("PAC_Won_Revenue__c", "PAC_Baseline__c", "PAC_Revenue__c", "PAC_Objective__c", "PAC_Progress_Pct__c",
        "PAC_ROI__c", "PAC_Pace__c")


def _figures(ev: Any) -> dict[str, tuple[Decimal, Decimal, Decimal, Decimal]]:
    return {x: (ev.axis(x).revenue, ev.axis(x).baseline, ev.axis(x).additional, ev.axis(x).objective) for x in AXES}


def _round(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places)


def _page_text(settings: Any, at: datetime) -> str:
    html = unescape(render_html(load_report_inputs(settings, as_of=at), "en"))
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script).*?</\1>", "", html, flags=re.S)))


ROLL_OUT = ('Roll out axis "Chemicals Rhône" (ROI to date 100%, paid back in 6\xa0months from January 1 in "Rhône") to '
            '"Loire", "Ain", where growth is below 5%.')
DROP = ('Drop axis "Metals Loire" (ROI to date −0.3% after 84% of the period, threshold 0%) in favour of '
        '"Chemicals Rhône" (ROI to date 100%).')
PRIORITISE = 'Prioritise axis "{}": revenue of "Loire" is down 10% (threshold 10%).'
SUSPEND = ('Suspend axis "R-200 Ain": production of R-200 is loaded at 90% of capacity in 2027-Q2 (threshold 90%).')
SUSP_DROP = ('Drop axis "R-200 Ain" (ROI to date −{}% after {}% of the period, threshold 0%) in favour of '
             '"Chemicals Rhône" (ROI to date {}%).')


class TestAdviceOrg:
    def test_night_one(self, advice_org: tuple[DocsOrg, Any, Path]) -> None:
        """16 June 18:00 Paris: the year 166.75 / 365 elapsed (costs x 167 / 365), Q2 76.75 / 91 (costs x 77 / 91);
        months elapsed 166 d 17 h / 30.4375 = 5.47707 from 1 January, 76.75 d / 30.4375 = 2.52156 from 1 April.
        AX-ROLL 18,300 x 0.3 = 5,490 against 2,745.21: ROI 99.985 %, payback 6,000 x 5.47707 / 5,490 = 5.986 months
        (within 6): roll out to Loire (−10 %) and Ain (−9.99 %), not to Isère (+5 % exactly is not below 5 %).
        AX-SLOW 5,430: ROI 97.8 %, payback 6.052: no advice. AX-DROP 7,680 against 7,700: −0.26 % after 84 % of Q2,
        drop in favour of AX-ROLL; its Loire's −10 % exactly prioritises AX-PRIO and is overruled here. AX-SUSP:
        R-200's Q2 load (14 won, 6 + 4 in Ain and 4 in Rhône, + 8 open x 0.5) / 20 = 90 %: suspend, its drop
        (−5.45 %) overruled. EXPECTED.md of the audit."""
        org, settings, mapping = advice_org
        result = _sync(org, settings, mapping, NIGHT1)
        assert (org.unhandled, org.errors, result.rejections) == ([], [], [])
        ev = result.evaluation
        assert ev is not None, result
        assert _figures(ev) == {
            "AX-ROLL": (Decimal("30300"), Decimal("12000"), Decimal("18300"), Decimal("40000")),
            "AX-SLOW": (Decimal("38100"), Decimal("20000"), Decimal("18100"), Decimal("22500")),
            "AX-DROP": (Decimal("30600"), Decimal("5000"), Decimal("25600"), Decimal("30000")),
            "AX-PRIO": (Decimal("13500"), Decimal("12000"), Decimal("1500"), Decimal("2000")),
            "AX-SUSP": (Decimal("10000"), Decimal("6000"), Decimal("4000"), Decimal("5000"))}
        assert {x: (_round(ev.axis(x).roi, 6), _round(ev.axis(x).time_to_roi_months, 4)) for x in AXES} == {
            "AX-ROLL": (0.99985, 5.9859), "AX-SLOW": (0.977994, 6.052), "AX-DROP": (-0.002597, 2.9878),
            "AX-PRIO": (0.329545, 2.2414), "AX-SUSP": (-0.054545, 3.152)}
        assert {s.segment_id: (s.revenue, s.baseline, s.objective, s.trend) for s in ev.segments} == {
            "S-69": (Decimal("34300"), Decimal("20000"), Decimal("40000"), 0.715),
            "S-38": (Decimal("126000"), Decimal("120000"), Decimal("22500"), 0.05),
            "S-42": (Decimal("69300"), Decimal("77000"), Decimal("32000"), -0.1),
            "S-01": (Decimal("18002"), Decimal("20000"), Decimal("5000"), -0.0999)}
        plan = ev.plan
        assert plan is not None
        assert (plan.additional, plan.objective, plan.cost, round(plan.roi or 0, 6)) == (
            Decimal("67500"), Decimal("99500"), Decimal("23000"), 0.368419)
        advice = {r.axis_id: (r.rule, r.text("en"), [(o.rule, o.text("en")) for o in r.overruled])
                  for r in ev.recommendations}
        assert advice == {
            "AX-ROLL": ("roll_out", ROLL_OUT, []),
            "AX-DROP": ("drop", DROP, [("prioritise", PRIORITISE.format("Metals Loire"))]),
            "AX-PRIO": ("prioritise", PRIORITISE.format("Plastics Loire"), []),
            "AX-SUSP": ("suspend", SUSPEND, [("drop", SUSP_DROP.format(5, 84, 100))])}
        load = next(r for r in ev.recommendations if r.axis_id == "AX-SUSP").evidence["products"]
        assert load == [{"product": "R-200", "won": "14.0", "committed": "4.00", "capacity": "20", "load": 0.9}]
        assert next(r for r in ev.recommendations if r.axis_id == "AX-ROLL").evidence["growth"] == {
            "S-42": -0.1, "S-01": -0.0999}
        axes = _written(org, "PAC_Axis__c")
        assert {x: {f: axes[x].get(f) for f in AXIS} for x in AXES} == {
            "AX-ROLL": {"PAC_Won_Revenue__c": 30300.0, "PAC_Baseline__c": 12000.0, "PAC_Revenue__c": 18300.0,
                        "PAC_Objective__c": 40000.0, "PAC_Progress_Pct__c": 45.8, "PAC_ROI__c": 0.9999,
                        "PAC_Pace__c": "on_track"},
            "AX-SLOW": {"PAC_Won_Revenue__c": 38100.0, "PAC_Baseline__c": 20000.0, "PAC_Revenue__c": 18100.0,
                        "PAC_Objective__c": 22500.0, "PAC_Progress_Pct__c": 80.4, "PAC_ROI__c": 0.978,
                        "PAC_Pace__c": "on_track"},
            "AX-DROP": {"PAC_Won_Revenue__c": 30600.0, "PAC_Baseline__c": 5000.0, "PAC_Revenue__c": 25600.0,
                        "PAC_Objective__c": 30000.0, "PAC_Progress_Pct__c": 85.3, "PAC_ROI__c": -0.0026,
                        "PAC_Pace__c": "on_track"},
            "AX-PRIO": {"PAC_Won_Revenue__c": 13500.0, "PAC_Baseline__c": 12000.0, "PAC_Revenue__c": 1500.0,
                        "PAC_Objective__c": 2000.0, "PAC_Progress_Pct__c": 75.0, "PAC_ROI__c": 0.3295,
                        "PAC_Pace__c": "at_risk"},
            "AX-SUSP": {"PAC_Won_Revenue__c": 10000.0, "PAC_Baseline__c": 6000.0, "PAC_Revenue__c": 4000.0,
                        "PAC_Objective__c": 5000.0, "PAC_Progress_Pct__c": 80.0, "PAC_ROI__c": -0.0545,
                        "PAC_Pace__c": "at_risk"}}
        assert {x: axes[x].get("PAC_Advice__c") for x in AXES} == {
            "AX-ROLL": ROLL_OUT, "AX-SLOW": "",
            "AX-DROP": f"{DROP}\nOverruled: {PRIORITISE.format('Metals Loire')}",
            "AX-PRIO": PRIORITISE.format("Plastics Loire"),
            "AX-SUSP": f"{SUSPEND}\nOverruled: {SUSP_DROP.format(5, 84, 100)}"}

    def test_night_two_time_and_two_deals_move_the_advice(self, advice_org: tuple[DocsOrg, Any, Path]) -> None:
        """17 June 18:00: no CRM change for AX-ROLL, but its payback is now 6,000 x 5.50992 / 5,490 = 6.022 months:
        no roll-out (its advice emptied), and 45.75 % of its objective is behind the year's 45.96 %: at risk. D15
        (500 of Metals) lifts AX-DROP to 7,830 against 7,800 (+0.38 %) and Loire to −9.35 %: neither drop nor
        prioritise (both advices emptied). D13 lost: R-200 at 14 / 20 = 70 %, no suspend; AX-SUSP's −6.67 % is
        dropped in favour of AX-ROLL (98.8 %) after 85 % of Q2. AX-SLOW: only its ROI moves."""
        org, settings, mapping = advice_org
        assert _sync(org, settings, mapping, NIGHT1).evaluation is not None
        _, ids = build_org()
        _between_the_nights(org, ids)
        before = len(org.requests)
        result = _sync(org, settings, mapping, NIGHT2)
        assert (org.unhandled, org.errors, result.rejections) == ([], [], [])
        ev = result.evaluation
        assert ev is not None, result
        assert [(r.axis_id, r.rule, r.text("en"), r.overruled) for r in ev.recommendations] == [
            ("AX-SUSP", "drop", SUSP_DROP.format("7", "85", "99"), ())]
        assert _round(ev.axis("AX-ROLL").time_to_roi_months, 4) == 6.0218
        assert _round(next(s for s in ev.segments if s.segment_id == "S-42").trend, 4) == -0.0935
        axes = _written(org, "PAC_Axis__c", before)
        got = {x: {f: axes.get(x, {}).get(f, "unchanged") for f in (*AXIS, "PAC_Advice__c")} for x in AXES}
        unchanged = dict.fromkeys((*AXIS, "PAC_Advice__c"), "unchanged")
        assert got == {
            "AX-ROLL": {**unchanged, "PAC_ROI__c": 0.9879, "PAC_Pace__c": "at_risk", "PAC_Advice__c": ""},
            "AX-SLOW": {**unchanged, "PAC_ROI__c": 0.9662},
            "AX-DROP": {**unchanged, "PAC_Won_Revenue__c": 31100.0, "PAC_Revenue__c": 26100.0,
                        "PAC_Progress_Pct__c": 87.0, "PAC_ROI__c": 0.0038, "PAC_Advice__c": ""},
            "AX-PRIO": {**unchanged, "PAC_ROI__c": 0.3125, "PAC_Advice__c": ""},
            "AX-SUSP": {**unchanged, "PAC_ROI__c": -0.0667, "PAC_Advice__c": SUSP_DROP.format("7", "85", "99")}}
        plan = ev.plan
        assert plan is not None and (plan.additional, round(plan.roi or 0, 6)) == (Decimal("68000"), 0.364379)


def _rewrite(settings: Any, edits: tuple[tuple[str, str], ...]) -> None:
    plan = Path(settings.source).parent / "plan.pac.yaml"
    text = plan.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    plan.write_text(text, encoding="utf-8")


def _status(text: str, axis: str, status: str) -> tuple[str, str]:
    """The (old, new) edit giving ``axis`` the ``status`` in the plan file's text."""
    start = text.index(f"id: {axis}")
    end = text.index("status: active", start) + len("status: active")
    return text[start:end], text[start:end].replace("status: active", f"status: {status}")


class TestTheManagerActs:
    def test_the_manager_follows_night_one_s_advice(self, advice_org: tuple[DocsOrg, Any, Path]) -> None:
        """The plan suspends AX-SUSP and drops AX-DROP from 17 June, and makes AX-PRIO priority 1; no CRM change.
        Night 2: live AX-ROLL, AX-SLOW, AX-PRIO: 37,900 of 64,500; costs 2 x 6,000 x 168 / 365 + 400 x 78 / 91 =
        5,866.14 against 11,370 of margin: ROI 93.8 %. Loire's objective is AX-PRIO's 2,000 and its ROI AX-PRIO's
        31.25 %; Ain has no live axis: no objective, no ROI. No advice at all (Loire still −10 %, but AX-PRIO is
        already a priority; AX-ROLL's payback 6.02): the four sentences of night 1 are emptied, the two axes left out
        read inactive."""
        org, settings, mapping = advice_org
        assert _sync(org, settings, mapping, NIGHT1).evaluation is not None
        text = (Path(settings.source).parent / "plan.pac.yaml").read_text(encoding="utf-8")
        _rewrite(settings, (
            _status(text, "AX-SUSP", '{state: suspended, reason: "R-200 production full", since: 2027-06-17, '
                                     "until: 2027-09-30}"),
            _status(text, "AX-DROP", '{state: dropped, reason: "ROI below 0", since: 2027-06-17}'),
            _status(text, "AX-PRIO", "{state: prioritised, rank: 1, since: 2027-06-17}")))
        before = len(org.requests)
        org.now = BETWEEN
        result = _sync(org, settings, mapping, NIGHT2)
        ev = result.evaluation
        assert ev is not None and result.unmeasured == [], result
        assert ev.recommendations == ()
        plan = ev.plan
        assert plan is not None
        assert (plan.additional, plan.objective, plan.cost, round(plan.roi or 0, 6), plan.left_out) == (
            Decimal("37900"), Decimal("64500"), Decimal("12400"), 0.938241, ("AX-DROP", "AX-SUSP"))
        assert {s.segment_id: (s.objective, _round(s.roi, 4)) for s in ev.segments} == {
            "S-69": (Decimal("40000"), 0.9879), "S-38": (Decimal("22500"), 0.9662), "S-42": (Decimal("2000"), 0.3125),
            "S-01": (None, None)}
        axes = _written(org, "PAC_Axis__c", before)
        assert {x: (axes[x].get("PAC_Status__c"), axes[x].get("PAC_Pace__c"), axes[x].get("PAC_Advice__c"))
                for x in AXES if x != "AX-SLOW"} == {
            "AX-ROLL": (None, "at_risk", ""), "AX-DROP": ("dropped", "inactive", ""),
            "AX-PRIO": ("prioritised", None, ""), "AX-SUSP": ("suspended", "inactive", "")}
        page = _page_text(settings, NIGHT2)
        for shown in ("Additional revenue €37,900 59% of objective · Objective €64,500", "Plan ROI to date 94%",
                      "Metals Loire ROI below 0 Dropped (since June 17, 2027) €25,600 / €30,000 85% – Inactive −2% "
                      "left out",
                      "R-200 Ain R-200 production full Suspended until September 30, 2027 (since June 17, 2027) "
                      "€4,000 / €5,000 80% – Inactive −7% left out"):
            assert shown in page, shown

    def test_an_roi_of_exactly_0_is_not_dropped(self, advice_org: tuple[DocsOrg, Any, Path]) -> None:
        """AX-DROP at a margin of 34.375 % and a budget of 10,400: 25,600 x 0.34375 = 8,800 against 10,400 x 77 / 91
        = 8,800, ROI 0 exactly: no drop (below 0 drops), its Loire's prioritise is its advice. Plan ROI 21,370 /
        15,898.10 − 1 = 34.4 %."""
        org, settings, mapping = advice_org
        _rewrite(settings, (("period: Q2, budget: 9100}", "period: Q2, budget: 10400, margin_rate: 0.34375}"),))
        ev = _sync(org, settings, mapping, NIGHT1).evaluation
        assert ev is not None and ev.plan is not None
        assert (ev.axis("AX-DROP").roi, round(ev.plan.roi or 0, 6)) == (0.0, 0.344186)
        assert [(r.axis_id, r.rule, r.text("en"), len(r.overruled)) for r in ev.recommendations
                if r.axis_id == "AX-DROP"] == [("AX-DROP", "prioritise", PRIORITISE.format("Metals Loire"), 0)]
        written = _written(org, "PAC_Axis__c")["AX-DROP"]
        assert (written["PAC_ROI__c"], written["PAC_Advice__c"]) == (0.0, PRIORITISE.format("Metals Loire"))
        assert "Metals Loire Loire Active €30,600 Baseline €5,000 €25,600 / €30,000 85% ● On track €10,400 0% " \
               "3 months" in _page_text(settings, NIGHT1)

    @pytest.mark.parametrize("minute", [0, -1])
    def test_the_drop_waits_for_half_the_quarter_to_the_minute(self, advice_org: tuple[DocsOrg, Any, Path],
                                                                minute: int) -> None:
        """16 May 12:00 Paris is 45.5 of Q2's 91 days: half elapsed, the drop fires (>=) for AX-PRIO (−12,000: ROI
        −1,880 %) and AX-SUSP (0: −100 %), in favour of AX-DROP (+20,000: 6,000 / 4,600 − 1 = 30 %), each with its
        segment's prioritise overruled; a minute earlier both are only prioritised. Every segment is down then:
        Rhône −38.5 %, Isère −10.08 % (on its side of the 10 %), Loire −37.2 %, Ain −29.99 %."""
        org, settings, mapping = advice_org
        _sync(org, settings, mapping, NIGHT1)
        at = datetime(2027, 5, 16, 10, 0, tzinfo=UTC) + timedelta(minutes=minute)
        ev = load_report_inputs(settings, as_of=at).evaluation
        assert ev is not None
        down = 'Prioritise axis "{}": revenue of "{}" is down {}% (threshold 10%).'
        dropped = ('Drop axis "{}" (ROI to date {}% after 50% of the period, threshold 0%) in favour of "Metals Loire" '
                   "(ROI to date 30%).")
        prio, susp = down.format("Plastics Loire", "Loire", 37), down.format("R-200 Ain", "Ain", 30)
        half = {"AX-PRIO": ("drop", dropped.format("Plastics Loire", "−1,880"), [prio]),
                "AX-SUSP": ("drop", dropped.format("R-200 Ain", "−100"), [susp])}
        before: dict[str, tuple[str, str, list[str]]] = {"AX-PRIO": ("prioritise", prio, []),
                                                         "AX-SUSP": ("prioritise", susp, [])}
        assert {r.axis_id: (r.rule, r.text("en"), [o.text("en") for o in r.overruled])
                for r in ev.recommendations} == {
            "AX-ROLL": ("prioritise", down.format("Chemicals Rhône", "Rhône", 39), []),
            "AX-SLOW": ("prioritise", down.format("Food Isère", "Isère", 10), []),
            "AX-DROP": ("prioritise", down.format("Metals Loire", "Loire", 37), []),
            **(half if minute == 0 else before)}

    def test_pac_advice_says_it_as_the_report(self, advice_org: tuple[DocsOrg, Any, Path]) -> None:
        """`pac advice AX-SUSP --as-of` the night: the quarter's load with its parts, the drop overruled, in French."""
        org, settings, mapping = advice_org
        _sync(org, settings, mapping, NIGHT1)
        shown = CliRunner().invoke(main, ["advice", "AX-SUSP", "--as-of", "2027-06-16T18:00", "--lang", "fr"],
                                   env={"PAC_CONFIG": str(settings.source), "COLUMNS": "200"})
        assert shown.exit_code == 0, shown.output
        for line in ("[Suspendre] Suspendre l'axe « R-200 Ain » : la production de R-200 est chargée à 90 % de sa "
                     "capacité en 2027-Q2 (seuil 90 %).",
                     "- Charge de production : R-200 90 % (gagné 14 + engagé 4 / capacité 20)",
                     "[Abandonner] Abandonner l'axe « R-200 Ain » (ROI à date −5 % après 84 % de la période, "
                     "seuil 0 %) au profit de « Chemicals Rhône » (ROI à date 100 %).",
                     "- Coût au prorata à date : 1 269 €"):
            assert line in shown.stdout.replace("\u202f", " ").replace("\xa0", " "), line


class TestReport:
    def test_the_page_of_night_one(self, advice_org: tuple[DocsOrg, Any, Path]) -> None:
        """The headline, the segments' cards (+72 % for 71.5 %; +5 %, −10 % and −9.99 % on their own sides), their
        ROI bases, the axes' table (ROI −0.3 % rather than the drop's 0 %; payback 6 months within the 6, 6.1
        beyond it) and the recommendations with the quarter's load."""
        org, settings, mapping = advice_org
        _sync(org, settings, mapping, NIGHT1)
        text = _page_text(settings, NIGHT1)
        for shown in (
                "Additional revenue €67,500 68% of objective · Objective €99,500 · each deal counted once",
                "Plan ROI to date 37%", "Actions 1 / 2 done or on track · 1 action at risk",
                "Revenue €34,300 Baseline €20,000 Additional revenue €14,300 Objective €40,000 Trend +72% "
                "ROI to date 100%",
                "computed on its live axes' additional revenue, each over its own scope and period, each deal once: "
                "€18,300, not the segment's €14,300.",
                "Revenue €126,000 Baseline €120,000 Additional revenue €6,000 Objective €22,500 Trend +5% "
                "ROI to date 98%",
                "Revenue €69,300 Baseline €77,000 Additional revenue −€7,700 Objective €32,000 Trend −10% "
                "ROI to date 1%", "€27,100, not the segment's −€7,700.",
                "Revenue €18,002 Baseline €20,000 Additional revenue −€1,998 Objective €5,000 Trend −9.99% "
                "ROI to date −5%",
                "+75% of €30,000 (the scope's 2026 revenue) = €22,500",
                "+10% of €20,000 (the scope's Q2 2026 revenue) = €2,000",
                "1. Chemicals Rhône 100% Food Isère 2. Food Isère 98% Plastics Loire 3. Plastics Loire 33% "
                "Metals Loire 4. Metals Loire −0.3% R-200 Ain 5. R-200 Ain −5%",
                "Chemicals Rhône Rhône Active €30,300 Baseline €12,000 €18,300 / €40,000 46% ● On track €6,000 100% "
                "6 months 2",
                "€22,500 ● On track €6,000 98% 6.1 months 0",
                "Metals Loire Loire Active €30,600 Baseline €5,000 €25,600 / €30,000 85% ● On track €9,100 −0.3% "
                "3 months 0",
                "€2,000 ▲ At risk €400 33% 2.2 months 0", "▲ At risk €1,500 −5% 3.2 months 0",
                ROLL_OUT.replace("\xa0", " "), "Growth of target segments Loire −10%, Ain −9.99%", DROP,
                "Production load R-200 90% (won 14 + committed 4 / capacity 20)", SUSPEND,
                "Also considered, overruled by the rule that takes precedence Prioritise "
                + PRIORITISE.format("Metals Loire")):
            assert shown in text, shown

    def test_the_q2_report_at_its_close(self, advice_org: tuple[DocsOrg, Any, Path]) -> None:
        """1 July 00:00 Paris, night 1's records: the Q2 axes are over, each told its closing verdict with its whole
        cost (AX-PRIO's base now holds B9 of 25 June 2026: −6,500 of 2,000, final ROI −587.5 %); the year's axes
        have paybacks of 6.50 and 6.57 months (180 d 23 h): no advice. Plan 59,500 of 99,500, ROI 17,850 /
        16,950.68 − 1 = 5.3 %; Loire 69,300 / 85,000: −18 %, ROI 5,730 / 9,500 − 1 = −40 %."""
        org, settings, mapping = advice_org
        _sync(org, settings, mapping, NIGHT1)
        close = datetime(2027, 6, 30, 22, 0, tzinfo=UTC)
        ev = load_report_inputs(settings, as_of=close).evaluation
        assert ev is not None and ev.plan is not None
        assert (ev.plan.additional, round(ev.plan.roi or 0, 6)) == (Decimal("59500"), 0.053055)
        assert {x: (ev.axis(x).pace, _round(ev.axis(x).time_to_roi_months, 4)) for x in AXES} == {
            "AX-ROLL": ("at_risk", 6.4975), "AX-SLOW": ("on_track", 6.5693), "AX-DROP": ("late", 3.5425),
            "AX-PRIO": ("late", None), "AX-SUSP": ("late", 3.7372)}
        ended = 'Axis "{}" ended on June 30, 2027: it did not reach its objective ({}), final ROI {}.'
        verdicts = (ended.format("Metals Loire", "85% of the objective: additional revenue €25,600 of €30,000", "−16%"),
                    ended.format("Plastics Loire", "−325% of the objective: additional revenue −€6,500 of €2,000",
                                 "−588%"),
                    ended.format("R-200 Ain", "80% of the objective: additional revenue €4,000 of €5,000", "−20%"))
        assert [(r.axis_id, r.rule, r.text("en")) for r in ev.recommendations] == [
            ("AX-DROP", "closed", verdicts[0]), ("AX-PRIO", "closed", verdicts[1]),
            ("AX-SUSP", "closed", verdicts[2])]
        text = _page_text(settings, close)
        for shown in ("Additional revenue €59,500 60% of objective · Objective €99,500", "Plan ROI to date 5%",
                      "Revenue €69,300 Baseline €85,000 Additional revenue −€15,700 Objective €32,000 Trend −18% "
                      "ROI to date −40%", *verdicts):
            assert shown in text, shown

    def test_the_workbook(self, advice_org: tuple[DocsOrg, Any, Path], tmp_path: Path) -> None:
        """Metals Loire, told to drop at −0.26 %, held 0 under « 0.0 % » in the Overview and Axes sheets, and the
        Recommendations sheet left out the rules each advice overruled (both fixed by audit sfhand7); Ain's −9.99 %
        and the paybacks keep their exact values."""
        org, settings, mapping = advice_org
        _sync(org, settings, mapping, NIGHT1)
        book = load_workbook(write_xlsx(load_report_inputs(settings, as_of=NIGHT1), tmp_path / "r.xlsx", "en"))

        def cells(sheet: str, header: str) -> dict[str, tuple[Any, str]]:
            rows = list(book[sheet].iter_rows(min_row=FIRST_ROW))
            col = [c.value for c in rows[0]].index(header)
            first = 1 if sheet == "Overview" else 0
            return {str(r[first].value): (r[col].value, r[col].number_format) for r in rows[1:]
                    if r[col].value is not None and r[first].value}

        for sheet in ("Overview", "Axes"):
            roi = cells(sheet, "ROI to date")
            assert roi["Metals Loire"] == (pytest.approx(-0.0025974, abs=1e-7), "0.0%"), sheet
            assert roi["Chemicals Rhône"] == (pytest.approx(0.99985, abs=1e-6), "0%"), sheet
        assert {k: (round(v, 4), f) for k, (v, f) in cells("Axes", "Payback (months from period start)").items()} == {
            "Chemicals Rhône": (5.9859, '[<0.05]"< 0.1";0.0'), "Food Isère": (6.052, '[<0.05]"< 0.1";0.0'),
            "Metals Loire": (2.9878, '[<0.05]"< 0.1";0.0'), "Plastics Loire": (2.2414, '[<0.05]"< 0.1";0.0'),
            "R-200 Ain": (3.152, '[<0.05]"< 0.1";0.0')}
        assert cells("Segments", "Trend") == {
            "Rhône": (0.715, "+0%;-0%;0%"), "Isère": (0.05, "+0%;-0%;0%"), "Loire": (-0.1, "+0%;-0%;0%"),
            "Ain": (-0.0999, "+0.00%;-0.00%;0.00%")}
        # the rules each advice overruled, as the page, `pac advice` and the CRM's field give them (audit sfhand7: the
        # sheet listed the drop of Metals Loire alone, not Loire's prioritise it overruled)
        recos = [[c.value for c in r[:4]] for r in book["Recommendations"].iter_rows(min_row=FIRST_ROW + 1)]
        assert recos == [
            ["Roll out", "Chemicals Rhône", "Rhône", ROLL_OUT],
            ["Drop", "Metals Loire", "Loire", DROP],
            ["Prioritise (overruled)", "Metals Loire", "Loire", PRIORITISE.format("Metals Loire")],
            ["Prioritise", "Plastics Loire", "Loire", PRIORITISE.format("Plastics Loire")],
            ["Suspend", "R-200 Ain", "Ain", SUSPEND],
            ["Drop (overruled)", "R-200 Ain", "Ain", SUSP_DROP.format(5, 84, 100)]]
        evidence = [r[4].value for r in book["Recommendations"].iter_rows(min_row=FIRST_ROW + 1)]
        assert evidence[2] == ("Revenue: €69,300\nBaseline: €77,000\nSegment trend: −10%\n"
                               "Minimum decline (threshold): 10%\nTriggers: segment decline")
