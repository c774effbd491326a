"""The first hand-computed organisation spanning both CRMs in one plan (audit xcrm, 7 Dec 2026): « PAC Duo » over a
Salesforce org (``sf_docs_emulator``, single-currency EUR, users in Tokyo) and a HubSpot portal (``hs_docs_emulator``,
company currency USD, New York time), one settings file naming both connectors, pac's real connectors, pipeline,
engine, write-back, `pac status`, `pac explain`, `pac review` and `pac report` over two nights (17 and 18 May 2027,
02:00 Paris). The organisation is ``tests.integration.xcrm_org``; every figure was computed by hand before the first
run (/tmp/audits/xcrm/EXPECTED.md). What it holds:

* Julie known in both CRMs under one e-mail, Marc under two (``people[].aliases``): A-1's visits logged half in each
  CRM are counted together (docs/engine.md, *Matching*, rule 1); A-2, distinct accounts, counts « Lyon Soie » once in
  each CRM, two accounts (rule 6: "the same customer kept in both CRMs of a plan is two accounts"), a second visit to
  Salesforce's Villeurbanne a duplicate;
* money over two CRMs: Salesforce's EUR deals as they are, HubSpot's USD deals (company currency USD, one with no
  currency code: "A deal with no currency code is in the company currency", docs/hubspot.md) converted with the
  plan's ``engine.fx_rates`` {USD: 0.92}, each rounded half up to the cent (docs/engine.md, ``fx_rates``); AX-1 =
  6,000 + 4,600.00 + 1,135.80; the segment counting each deal once, its baseline the axis's fixed 0 (docs/engine.md,
  *A live axis with a fixed baseline*: my EXPECTED.md had last year's 3,920.00, my slip);
* time zones: a visit at 23:30 Paris on 30 April logged in each CRM is April's (A-5), one at 00:30 Paris on 1 May
  (18:30 on 30 April in the portal's New York) May's (A-1); both wires carry UTC instants (see ``xcrm_org``);
* one plan, one truth: between the nights the manager sets A-1's target to 6 in HubSpot at 08:00Z and to 5 in
  Salesforce at 10:00Z (the later wins: 5, the conflict named), and AX-2's status to suspended in HubSpot; after the
  second night both CRMs' PAC records agree field by field with each other and with the evaluation;
* Léa a Salesforce user only (A-3 goes to Salesforce alone), Paul a user of neither (A-4 written nowhere, warned of
  by `pac sync`, `pac status` and, since this audit, the report's data section: docs/operations.md, *The plan's
  warnings*, "the report's data section in the report's language"; before, the report listed Paul's action « At
  risk » with nothing saying no CRM measures it).
"""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from connectors.salesforce.mapping import default_mapping_path
from sync_jobs.cli import main
from tests.integration.hand_reading import explain_table
from tests.integration.hand_reading import pac_records as hs_records
from tests.integration.hs_docs_emulator import Emulator, Portal
from tests.integration.sf_docs_emulator import DocsOrg, add_pac_objects, serve
from tests.integration.xcrm_org import (
    HS_EDIT_STATUS,
    HS_EDIT_TARGET,
    JULIE,
    MARC,
    N1,
    N2,
    N3,
    NAT_USER,
    SF_EDIT_TARGET,
    build_org,
    build_portal,
    hs_log_later,
    settings,
    sf_log_later,
    sync,
)

AS_OF = "2027-05-18T02:10:00+02:00"
PAUL = ("A-4: paul@duo.example is a user of none of the plan's CRMs (sf-duo, hs-duo) ({file}:7 people[4], :29 "
        "actions[3].who (A-4)): their actions stay at 0 and are written to no CRM. Fix the address in the plan, add "
        "their address in the CRM to their `aliases` in people, or give them a user in one of these CRMs.")
CONFLICT = ("conflict on pac-duo:A-1 action_target: kept 5 from sf-duo (Nathalie Garnier) at 2027-05-17 10:00 UTC "
            "over 6 from hs-duo (Nathalie Garnier) at 2027-05-17 08:00 UTC (the later change wins (a tie goes to the "
            "CRM edit, then to the plan's first CRM))")


def _hs_record(portal: Portal, key: str) -> Any:
    return next(rec for table in portal.objects.values() for rec in table.values()
                if rec.properties.get("pac_key") == f"pac-duo:{key}")


def _sf_records(org: DocsOrg) -> dict[str, dict[str, Any]]:
    return {str(r["PAC_Key__c"]).split(":")[-1]: dict(r) for obj in ("PAC_Axis__c", "PAC_Action__c")
            for r in org.rows[obj]}


def between_the_nights(org: DocsOrg, ids: dict[str, str], portal: Portal) -> None:
    """The manager's edits (HubSpot: A-1's target 6 at 08:00Z, AX-2 suspended at 09:00Z, each a ``CRM_UI`` change
    naming her user; Salesforce: A-1's target 5 at 10:00Z, saved by her user, ``LastModifiedById`` and the stamps
    moving as on any save) and the visits of 17 May logged at noon in each CRM."""
    _hs_record(portal, "A-1").set({"pac_target": "6"}, HS_EDIT_TARGET, user_id=NAT_USER)
    _hs_record(portal, "AX-2").set({"pac_status": "suspended"}, HS_EDIT_STATUS, user_id=NAT_USER)
    row = next(r for r in org.rows["PAC_Action__c"] if r["PAC_Key__c"] == "pac-duo:A-1")
    row.update(PAC_Target__c=5, LastModifiedById=ids["nat"], LastModifiedDate=SF_EDIT_TARGET,
               SystemModstamp=SF_EDIT_TARGET)
    sf_log_later(org, ids)
    hs_log_later(portal)


def _cli(cfg: Any, *args: str) -> str:
    shown = CliRunner().invoke(main, list(args), env={"PAC_CONFIG": str(cfg.source), "COLUMNS": "250"})
    assert shown.exit_code == 0, (shown.output, shown.exception)
    return str(shown.stdout)


def _page_text(html: str) -> str:
    text = unescape(html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script).*?</\1>", "", text, flags=re.S)))


@pytest.fixture(scope="module")
def duo(tmp_path_factory: pytest.TempPathFactory) -> Any:
    add_pac_objects(yaml.safe_load(default_mapping_path().read_text(encoding="utf-8"))["writeback"])
    tmp = tmp_path_factory.mktemp("xcrm")
    cfg, sf_mapping, hs_mapping = settings(tmp)
    org, ids = build_org()
    portal = build_portal()
    out: dict[str, Any] = {"cfg": cfg, "tmp": tmp, "ids": ids, "runs": [], "sf": [], "hs": [], "accounts": []}
    for _ in serve(org):
        with Emulator(portal) as emulator:
            for night, at in enumerate((N1, N2, N3)):
                if night == 1:
                    between_the_nights(org, ids, portal)
                if night == 2:      # what the manager reads the morning after night 2
                    out["cli"] = the_morning_after(cfg, tmp)
                org.now = at
                out["runs"].append(sync(cfg, sf_mapping, hs_mapping, emulator, at))
                out["sf"].append(_sf_records(org))
                out["hs"].append(hs_records(portal))
                out["accounts"].append(
                    ({r["Name"]: (r.get("PAC_Axes__c"), r.get("PAC_Target__c")) for r in org.rows["Account"]},
                     {c.properties["name"]: (c.properties.get("pac_axes"), c.properties.get("pac_target"))
                      for c in portal.objects["companies"].values()}))
            out["unhandled"], out["refused"] = list(org.unhandled), list(emulator.refused)
            # the emulator has no field history on the PAC objects: pac says so (docs/salesforce.md §4)
            out["errors"] = [e for e in org.errors if "__History' is not supported" not in e]
    return out


def the_morning_after(cfg: Any, tmp: Path) -> dict[str, Any]:
    """`pac status`, `pac explain`, `pac review` of May and `pac report` of Q2 on 18 May 02:10 Paris (the settings'
    clock, as an operator sets it for a past date), after night 2; the clock taken out again for night 3."""
    path = Path(cfg.source)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("connectors: [sf-duo, hs-duo]}",
                                 f"connectors: [sf-duo, hs-duo], as_of: '{AS_OF}'}}"), encoding="utf-8")
    review, report = tmp / "may.md", tmp / "q2.html"
    try:
        return {"status": _cli(cfg, "status"), "A-1": explain_table(cfg, "A-1")[1],
                "A-2": explain_table(cfg, "A-2")[1], "AX-1": explain_table(cfg, "AX-1"),
                "review": (_cli(cfg, "review", "--month", "2027-05", "--lang", "en", "-o", str(review)),
                           review.read_text(encoding="utf-8")),
                "report": (_cli(cfg, "report", "--quarter", "2027-Q2", "--lang", "en", "-o", str(report)),
                           _page_text(report.read_text(encoding="utf-8"))),
                "review_path": review}
    finally:
        path.write_text(text, encoding="utf-8")


def test_two_clean_nights(duo: Any) -> None:
    """Both nights ok, nothing rejected nor refused; the one plan warning each night: Paul, whom no CRM knows."""
    plan = str(Path(duo["cfg"].source).parent / "duo.pac.yaml")
    assert [(r.status.value, r.errors, r.rejections, r.unmeasured) for r in duo["runs"]] == [
        ("ok", [], [], [PAUL.format(file=plan)])] * 3
    assert (duo["unhandled"], duo["refused"], duo["errors"]) == ([], [], [])


ACTIONS = {0: {"A-1": (3, 4, "on_track"), "A-2": (3, 3, "done"), "A-3": (1, 2, "at_risk"), "A-4": (0, 1, "at_risk"),
               "A-5": (2, 2, "done")},
           1: {"A-1": (5, 5, "done"), "A-2": (3, 3, "done"), "A-3": (1, 2, "at_risk"), "A-4": (0, 1, "at_risk"),
               "A-5": (2, 2, "done")}}


@pytest.mark.parametrize("night", [0, 1])
def test_actions(duo: Any, night: int) -> None:
    """A-1: V1 (Salesforce), 3801 and 3803 (HubSpot, 00:30 Paris on 1 May) = 3 of 4; night 2 adds V7 and 3805 and
    takes Salesforce's target 5. A-2: V3, V4 and HubSpot's Lyon Soie (a second account), V5 a duplicate. A-5: V2 and
    3802, both 23:30 Paris on 30 April."""
    ev = duo["runs"][night].evaluation
    assert {a.action_id: (a.done, a.target, a.pace) for a in ev.actions} == ACTIONS[night]


@pytest.mark.parametrize(("night", "cost", "roi", "ax2"), [(0, "470", 6.784553, "at_risk"),
                                                            (1, "480", 6.622375, "inactive")])
def test_money_over_two_crms(duo: Any, night: int, cost: str, roi: float, ax2: str) -> None:
    """AX-1 = O1 6,000 (EUR org) + 6801 USD 5,000 x 0.92 + 6802 USD 1,234.57 x 0.92 = 1,135.8044 -> 1,135.80 +
    6804 USD 500 x 0.92, won at 00:30 Paris on 1 April (18:30 on 31 March in New York): 12,195.80; cost to date
    910 x 47/91, then 48/91; ROI (0.3 x 12,195.80 - cost) / cost. S-69 counts each deal once, O3 (CloseDate 31
    March, Q1) too: 12,895.80; its baseline is AX-1's fixed 0 (not last year's 3,000 + 920.00). AX-2 suspended
    from night 2."""
    ev = duo["runs"][night].evaluation
    ax1 = ev.axis("AX-1")
    assert (ax1.revenue, ax1.baseline, ax1.additional, ax1.objective, ax1.cost_to_date, round(ax1.roi, 6),
            ax1.pace.value) == (Decimal("12195.80"), Decimal("0"), Decimal("12195.80"), Decimal("10000"),
                                Decimal(cost), roi, "done")
    assert int({k.kpi: k.value for k in ax1.kpis}["won_deals"]) == 4
    assert ev.axis("AX-2").pace.value == ax2
    segments = {s.segment_id: (s.revenue, s.baseline) for s in ev.segments}
    assert segments == {"S-69": (Decimal("12895.80"), Decimal("0")), "S-38": (Decimal("0"), Decimal("0"))}


def test_each_action_goes_where_its_owner_works(duo: Any) -> None:
    """Axes in both CRMs; Julie's and Marc's actions in both (Marc's HubSpot record owned by his alias's owner),
    Léa's in Salesforce only, Paul's nowhere (docs/sync.md, *Which CRM gets which record*)."""
    sf, hs, ids = duo["sf"][1], duo["hs"][1], duo["ids"]
    assert {k: r.get("OwnerId") for k, r in sf.items() if k.startswith("A-")} == {
        "A-1": ids["julie"], "A-2": ids["marc"], "A-3": ids["lea"], "A-5": ids["julie"]}
    assert {k: r.get("hubspot_owner_id") for k, r in hs.items() if k.startswith("A-")} == {
        "A-1": JULIE, "A-2": MARC, "A-5": JULIE}
    assert {k for k in sf if k.startswith("AX")} == {k for k in hs if k.startswith("AX")} == {"AX-1", "AX-2"}


@pytest.mark.parametrize("night", [0, 1])
def test_accounts_targeted_in_each_crm(duo: Any, night: int) -> None:
    """Each CRM's Rhône accounts carry AX-1 (Salesforce ``PAC_Axes__c`` / ``PAC_Target__c``, HubSpot ``pac_axes`` /
    ``pac_target``); Grenoble carries AX-2 until HubSpot's suspension, after which it targets nobody
    (docs/salesforce.md: "an axis suspended or dropped targets nobody")."""
    grenoble = [("AX-2", True), (None, False)][night]
    assert duo["accounts"][night] == (
        {"Lyon Soie": ("AX-1", True), "Villeurbanne Meca": ("AX-1", True), "Grenoble Verre": grenoble},
        {"Lyon Soie": ("AX-1", "true"), "Bron Bois": ("AX-1", "true")})


SHARED = {"PAC_Status__c": "pac_status", "PAC_Target__c": "pac_target", "PAC_Done__c": "pac_done",
          "PAC_Progress_Pct__c": "pac_progress_pct", "PAC_Pace__c": "pac_pace", "PAC_Revenue__c": "pac_revenue",
          "PAC_Won_Revenue__c": "pac_won_revenue", "PAC_Baseline__c": "pac_baseline",
          "PAC_Objective__c": "pac_objective", "PAC_ROI__c": "pac_roi", "PAC_Window_Start__c": "pac_window_start",
          "PAC_Window_End__c": "pac_window_end"}


def _same(sf_value: Any, hs_value: str | None) -> bool:
    if sf_value is None or hs_value in (None, ""):
        return sf_value in (None, "") and hs_value in (None, "")
    if isinstance(sf_value, (int, float)):
        return Decimal(str(sf_value)) == Decimal(hs_value)
    return str(sf_value) == hs_value


def test_one_plan_one_truth(duo: Any) -> None:
    """After night 2: A-1's target 5 (Salesforce's later edit) in both CRMs, the conflict named; AX-2 suspended in
    both; every PAC field the two CRMs share equal, record by record. (HubSpot's pac_axis has the actions' sums too,
    pac_target / pac_done as Salesforce's PAC_Target__c / PAC_Done__c, since audit hshand11: 12 fields an axis.)"""
    assert duo["runs"][0].conflicts == [] and duo["runs"][1].conflicts == [CONFLICT]
    sf, hs = duo["sf"][1], duo["hs"][1]
    assert (sf["A-1"]["PAC_Target__c"], hs["A-1"]["pac_target"]) == (5, "5")
    assert (sf["AX-2"]["PAC_Status__c"], hs["AX-2"]["pac_status"]) == ("suspended", "suspended")
    compared, differ = 0, []
    for key in ("AX-1", "AX-2", "A-1", "A-2", "A-5"):
        for sf_name, hs_name in SHARED.items():
            if hs_name in hs[key]:
                compared += 1
                if not _same(sf[key].get(sf_name), hs[key][hs_name]):
                    differ.append((key, sf_name, sf[key].get(sf_name), hs[key][hs_name]))
    assert differ == [] and compared == 2 * 12 + 3 * 7
    ev = duo["runs"][1].evaluation
    for a in ev.actions:
        if a.action_id in sf:
            assert (sf[a.action_id]["PAC_Done__c"], sf[a.action_id]["PAC_Target__c"],
                    sf[a.action_id]["PAC_Pace__c"]) == (a.done, a.target, a.pace)
    assert (sf["AX-1"]["PAC_Target__c"], sf["AX-1"]["PAC_Done__c"]) == (13, 11)    # 5+3+2+1+2, 5+3+1+0+2
    assert (hs["AX-1"]["pac_target"], hs["AX-1"]["pac_done"]) == ("13", "11")


def test_the_night_after_is_quiet(duo: Any) -> None:
    """Night 3 (19 May, nothing changed in either CRM): no conflict, no action written anywhere (HubSpot's A-1,
    given Salesforce's 5 by night 2, is not read back as an edit), the axes written in both CRMs for the day's cost
    to date only (910 x 49/91 = 490: ROI 3,168.74 / 490 = 6.466816 -> 6.4668)."""
    third = duo["runs"][2]
    assert (third.status.value, third.conflicts, {k: v for k, v in third.counts.items() if "written" in v}) == (
        "ok", [], {"axis": {"written": 4}})
    assert duo["sf"][2]["AX-1"]["PAC_ROI__c"] == 6.4668 and duo["hs"][2]["AX-1"]["pac_roi"] == "6.4668"
    assert {k: r["PAC_Target__c"] for k, r in duo["sf"][2].items()} == {
        k: r["PAC_Target__c"] for k, r in duo["sf"][1].items()}


def test_status_names_the_conflict_and_paul(duo: Any) -> None:
    shown = re.sub(r"\s*\n(?=\S)", " ", duo["cli"]["status"])
    assert f"  - {CONFLICT}" in re.sub(r"\s+", " ", shown).replace(" - conflict", "  - conflict")
    assert "warning: A-4: paul@duo.example is a user of none of the plan's CRMs (sf-duo, hs-duo)" in shown


def test_explain_reads_both_crms(duo: Any) -> None:
    """A-1: five counted, three in HubSpot (3803 at 00:30 Paris on 1 May), the 23:30 visits of 30 April of each CRM
    outside the window; A-2: Lyon Soie counted once per CRM, Villeurbanne's second visit a duplicate; AX-1: the USD
    deals at 0.92, 6804 dated 1 April as Paris reads it."""
    rows = duo["cli"]["A-1"]
    assert [(r[0], r[2], r[4], r[5]) for r in rows if r[2] == "hs-duo" or r[5] != "another rep"] == [
        ("✔", "hs-duo", "2027-05-01 00:30", "counted"), ("✔", "sf-duo", "2027-05-03 10:00", "counted"),
        ("✔", "hs-duo", "2027-05-10 10:00", "counted"), ("✔", "sf-duo", "2027-05-17 10:00", "counted"),
        ("✔", "hs-duo", "2027-05-17 11:00", "counted"),
        ("✘", "hs-duo", "2027-04-30 23:30", "outside the window"),
        ("✘", "sf-duo", "2027-04-30 23:30", "outside the window"),
        ("✘", "hs-duo", "2027-05-11 10:00", "another rep")]
    rows = duo["cli"]["A-2"]
    assert [(r[2], r[3], r[5]) for r in rows if r[5] != "another rep"] == [
        ("sf-duo", "Lyon Soie", "counted"), ("sf-duo", "Villeurbanne Meca", "counted"),
        ("hs-duo", "Lyon Soie", "counted"), ("sf-duo", "Villeurbanne Meca", "account already counted")]
    out, rows = duo["cli"]["AX-1"]
    assert ("Revenue €12,195.80 (baseline €0.00, additional €12,195.80, objective €10,000.00) — 4 deals counted"
            in out)
    assert [(r[2], r[7], r[9]) for r in rows] == [
        ("hs-duo", "€460.00", "$500.00 in the CRM = €460.00; engine.fx_rates in pac.yaml: 1 USD = 0.92 EUR"),
        ("sf-duo", "€6,000.00", ""),
        ("hs-duo", "€4,600.00", "$5,000.00 in the CRM = €4,600.00; engine.fx_rates in pac.yaml: 1 USD = 0.92 EUR"),
        ("hs-duo", "€1,135.80", "$1,234.57 in the CRM = €1,135.80; engine.fx_rates in pac.yaml: 1 USD = 0.92 EUR"),
        ("sf-duo", "€700.00", "closed on 2027-03-31, before the first day counted, 2027-04-01")]


def test_may_review(duo: Any) -> None:
    said, text = duo["cli"]["review"]
    assert said.startswith(f"{duo['cli']['review_path']}: review of 2027-05, en, 4 rep(s), 0 late action(s), as of "
                           "2027-05-18T02:10+02:00")
    for line in ("| Julie Martin | 2 | 0 | 0 | 0 | 0 | 1 |", "| Léa Roux | 0 | 0 | 1 | 0 | 0 | 1 |",
                 "| Marc Leroy | 1 | 0 | 0 | 0 | 0 | 1 |", "| Paul Vidal | 0 | 0 | 1 | 0 | 0 | 1 |",
                 "| Make 4 visits in May 2027 (A-1) | May 1–31, 2027 | 5 / 5 | Done |",
                 "| Visit 3 accounts in May 2027 (A-2) | May 1–31, 2027 | 3 / 3 | Done |",
                 "| Visit 2 accounts in May 2027 (A-3) | May 1–31, 2027 | 1 / 2 | 1.1 | At risk |",
                 "| Isère (AX-2) | Inactive | At risk | 0% | Suspended (since May 17, 2027) |"):
        assert line in text, line


def test_quarter_report(duo: Any) -> None:
    """The Q2 report as of 18 May: AX-1's row and the plan's ROI, AX-2 suspended in HubSpot by Nathalie, the
    conflict, and (the fix) Paul's warning in the data section, where `pac status` lists it."""
    text = duo["cli"]["report"][1]
    for shown in ("Clients Rhône Active €12,196 / €10,000 122% ✓ Objective reached 662%",
                  "Isère suspended in hs-duo (Nathalie Garnier) on May 17, 2027 Suspended (since May 17, 2027)",
                  "Plan ROI to date 662%", CONFLICT,
                  "warning: A-4: paul@duo.example is a user of none of the plan's CRMs (sf-duo, hs-duo)"):
        assert shown in text, shown
