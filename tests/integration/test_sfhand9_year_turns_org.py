"""A ninth org nobody has shaped before, emulated from Salesforce's documentation alone (``sf_docs_emulator``), run
through pac's real connector, sync pipeline, engine, write-back, snapshot and report over three nights (audit sfhand9,
7 Dec 2026).

The year turns, and two managers share the org. What it holds that no earlier hand org did: Anne's « PAC Nord 2027 »
(English, calendar 2027) and Bruno's « PAC Nord 2028 » (French, calendar 2028, a leap year) in one settings file on
one connector, both with an axis ``AX-KEY`` over the Rhône accounts, Anne's ``AX-GRE`` and Bruno's ``AX-ISE`` over
the Isère ones; Julie a rep of both plans, Luc of the 2027 one only, Marc of the 2028 one only; nights on Friday 31
December 2027 at 23:00 Paris, Saturday 1 January 2028 at 02:00 and Tuesday 4 January 2028 at 02:00, each plan's run
five minutes apart (the connector's lock). The 2027 plan's « week 52 » (ISO: Monday 27 December 2027 – Sunday 2
January 2028) cut to the plan's days; the 2028 plan's « semaine 1 » ISO week 1 of 2028 (Monday 3 – Sunday 9 January:
1 January 2028 is a Saturday, in ISO week 52 of 2027); a visit on that Saturday, counted by neither week but by
January's visits; a percentage objective against last year's Q4 (``+10 %``, ``period: Q4``, ``baseline:
previous_year``); a deal won on 31 December entered on 2 January (a late entry the ended plan's run still counts);
each account's ``PAC_Axes__c`` holding both plans' axes while both are in force (``AX-KEY`` qualified by its plan's
key, the plan in its period first), the ended plan's axes taken off by the first run after its end (the remaining
``AX-KEY`` bare again), no run erasing the other plan's axes; the drop advice at year end, emptied the night after
the plan's end, « the next plan is in place »; the 2028 plan not begun (« Le plan commence le 1er janvier 2028 ») and
then too early to judge; the Q4 2027 report from its snapshot, and what changed since. Also: both runs' orders,
a run at the stroke of midnight (the 2027 plan's end instant: still in force, its advice at « 100% » of the period),
night 3 read in full, and the ended plan taken out of ``plans:`` on 4 January (nothing written, its records kept).

Every figure was computed by hand before the first run (/tmp/audits/sfhand9/EXPECTED.md; the organisation is in
``tests.integration.sfhand9_org``). Every one matched pac but one slip of mine: restated, the Q4 report's drop of
AX-GRE is in favour of AX-KEY (reached, so kept, ROI +14 %), not « no better axis ». No pac change was needed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from connectors.salesforce.mapping import default_mapping_path
from pac_config.settings import load_settings
from sync_jobs.cli import main
from tests.explain_agreement import store_disagreements
from tests.integration.hand_reading import explain_table
from tests.integration.hand_reading import sf_written as _written
from tests.integration.sf_docs_emulator import DocsOrg, add_pac_objects, serve
from tests.integration.sfhand9_org import (
    ACCOUNTS,
    LATER,
    N1,
    N2,
    N3,
    NAMES,
    NEW,
    OLD,
    YEAR_END,
    add_logged,
    build_org,
    settings,
    sync,
)

ACTION = ("PAC_Done__c", "PAC_Target__c", "PAC_Progress_Pct__c", "PAC_Pace__c")
AXIS = ("PAC_Won_Revenue__c", "PAC_Baseline__c", "PAC_Revenue__c", "PAC_Objective__c", "PAC_Progress_Pct__c",
        "PAC_ROI__c", "PAC_Pace__c", "PAC_Target__c", "PAC_Done__c")
DROP = ('Drop axis "{}" (ROI to date −{}% after {}% of the period, threshold 0%): no better axis is kept to take over '
        "the effort.")
ENDED = ('The plan ended on December 31, 2027: the next plan, "PAC Nord 2028", is in place; remove this one from '
         "plans: once its late entries are counted.")
BOTH = f"{OLD}:AX-KEY; {NEW}:AX-KEY"
N4 = N3 + timedelta(days=1)     # Wednesday 5 January 2028, 02:00 Paris


class Year:
    """The org served, the settings, and what each run saw: ``runs[(plan, night)]`` its result, what it wrote to the
    PAC records (``actions``, ``axes``) and each account's ``PAC_Axes__c`` / ``PAC_Target__c`` after it."""

    def __init__(self, org: DocsOrg, ids: dict[str, str], cfg: Any, mapping: Path) -> None:
        self.org, self.ids, self.cfg, self.mapping = org, ids, cfg, mapping
        self.runs: dict[tuple[str, str], dict[str, Any]] = {}
        self.last = N1

    def night(self, name: str, first: str = OLD, full: bool = False) -> None:
        """Both plans' runs of night ``name``, ``first``'s at the hour and the other's five minutes later (``full``:
        each reads the whole org again)."""
        at = {"N1": N1, "N0": YEAR_END, "N2": N2, "N3": N3, "N4": N4}[name]
        if at > self.last:
            add_logged(self.org, self.ids, self.last + LATER, at)
            self.last = at
        plans = [p.name for p in self.cfg.plans]
        for plan, when in ((first, at), ({OLD: NEW, NEW: OLD}[first], at + LATER)):
            if NAMES[plan] not in plans:
                continue
            self.org.now = when - timedelta(minutes=1)
            mark, errors = len(self.org.requests), len(self.org.errors)
            result = sync(self.cfg, self.mapping, plan, when, full=full)
            rows = {r["Id"]: r for r in self.org.rows["Account"]}
            self.runs[(plan, name)] = {
                "result": result, "actions": _written(self.org, "PAC_Action__c", mark),
                "axes": _written(self.org, "PAC_Axis__c", mark),
                "accounts": {k: (rows[self.ids[k]]["PAC_Axes__c"], rows[self.ids[k]]["PAC_Target__c"])
                             for k, *_ in ACCOUNTS},
                "keys": {str(r["PAC_Key__c"]) for m, p, body in self.org.requests[mark:]
                         if m == "PATCH" and p.endswith("/PAC_Key__c") for r in body["records"]},
                "account_writes": sum(1 for m, _p, body in self.org.requests[mark:] if m == "PATCH"
                                      and isinstance(body, dict) for r in body.get("records", ())
                                      if r.get("attributes", {}).get("type") == "Account"),
                # the emulator has no field history on the PAC objects: pac says so (docs/salesforce.md §4)
                "errors": [e for e in self.org.errors[errors:] if "__History' is not supported" not in e]}

    def run(self, plan: str, night: str) -> dict[str, Any]:
        seen = self.runs[(plan, night)]
        result = seen["result"]
        assert (self.org.unhandled, seen["errors"], result.rejections, result.warnings) == ([], [], [], []), result
        assert result.evaluation is not None, result
        return seen


@pytest.fixture
def year(tmp_path: Path, database_url: str) -> Iterator[Year]:
    add_pac_objects(yaml.safe_load(default_mapping_path().read_text(encoding="utf-8"))["writeback"])
    org, ids = build_org(N1)
    cfg = settings(tmp_path, database_url)
    for _ in serve(org):
        yield Year(org, ids, cfg, default_mapping_path())


def _actions(ev: Any) -> dict[str, tuple[int, int, str]]:
    return {a.action_id: (a.done, a.target, a.pace) for a in ev.actions}


def _axes(ev: Any) -> dict[str, tuple[Any, ...]]:
    """Each axis's revenue, baseline, additional, objective, pace, cost to date and ROI to 4 places."""
    return {x.axis_id: (float(x.revenue), float(x.baseline), float(x.additional), float(x.objective), x.pace,
                        float(x.cost_to_date), None if x.roi is None else round(x.roi, 4)) for x in ev.axes}


def _visits(ev: Any, axis: str) -> tuple[Any, ...]:
    """An axis's activities done, accounts visited, coverage, revenue per visit and visit-to-win (4 places)."""
    got = {k.kpi: k.value for k in ev.axis(axis).kpis}
    return tuple(None if got[k] is None else round(float(got[k]), 4)
                 for k in ("activities_done", "accounts_visited", "coverage", "revenue_per_visit", "visit_to_win"))


def _fields(written: dict[str, dict[str, Any]], names: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    return {key: {f: rec[f] for f in names if f in rec} for key, rec in written.items()}


def _page_text(html: str) -> str:
    text = unescape(html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script).*?</\1>", "", text, flags=re.S)))


def _cli(cfg: Any, *args: str, as_of: str | None = None) -> str:
    """`pac ARGS` under the settings' file; ``as_of`` (ISO with offset) sets both plans' clock in the file, as an
    operator would for a past date (`pac status` and `pac report` read the settings' clock, else now)."""
    path = Path(cfg.source)
    text = path.read_text(encoding="utf-8")
    if as_of is not None:
        path.write_text(re.sub(r"connectors: \[sf-main\](, as_of: '[^']*')?\}",
                               f"connectors: [sf-main], as_of: '{as_of}'}}", text), encoding="utf-8")
    shown = CliRunner().invoke(main, list(args), env={"PAC_CONFIG": str(path), "COLUMNS": "250"})
    assert shown.exit_code == 0, (shown.output, shown.exception)
    return shown.stdout.replace("\u202f", " ").replace("\xa0", " ")


class TestNightOne:
    def test_the_year_s_last_evening(self, year: Year) -> None:
        """Friday 31 December 2027, 23:00 Paris. 2027: A-1 J1, J2, J3 (J0 of week 51, J4 of Saturday to come, M1 is
        Marc's) = 3 of 4 in the week cut to 27–31 December, 4 days 23 hours of 5 gone: at risk; A-2 L1, L2 (L3 in
        Isère) = 2 of 3, at risk. AX-KEY: Q4 2026's 30,000 (O1 + O2; O3 in September) gives the objective 3,000 and
        the baseline; O4 + O5 + O6 = 30,500: +500, 16.7 %, ROI (150 − 920) / 920; AX-GRE 4,000 of 5,000, ROI
        (1,200 − 3,650) / 3,650. Both dropped, no better axis kept: 99.95 % and 99.99 % of their periods (100.0 at
        one decimal would read over). 2028: not begun, its actions to come, no advice. The accounts: after the 2027
        run alone AX-KEY is already its key (the 2028 file has the id), after the 2028 run both keys, 2027's first
        (in its period), Isère « AX-GRE; AX-ISE »; Omega (Paris) nothing."""
        year.night("N1")
        old = year.run(OLD, "N1")
        ev = old["result"].evaluation
        assert _actions(ev) == {"A-1": (3, 4, "at_risk"), "A-2": (2, 3, "at_risk")}
        assert _axes(ev) == {"AX-KEY": (30500.0, 30000.0, 500.0, 3000.0, "at_risk", 920.0, -0.837),
                             "AX-GRE": (4000.0, 0.0, 4000.0, 5000.0, "at_risk", 3650.0, -0.6712)}
        assert _visits(ev, "AX-KEY") == (5, 3, 0.75, 6100.0, 0.3333)
        p = ev.plan
        assert (float(p.additional), float(p.objective), float(p.cost), float(p.cost_to_date), round(p.roi, 4)) == (
            4500.0, 8000.0, 4570.0, 4570.0, -0.7046)
        assert [(r.axis_id, r.rule, r.text("en")) for r in ev.recommendations] == [
            ("AX-KEY", "drop", DROP.format("Key accounts", 84, "99.95")),
            ("AX-GRE", "drop", DROP.format("Grenoble growth", 67, "99.99"))]
        assert _fields(old["actions"], (*ACTION, "PAC_Window_Start__c", "PAC_Window_End__c", "PAC_Plan_End__c")) == {
            "A-1": {"PAC_Done__c": 3, "PAC_Target__c": 4, "PAC_Progress_Pct__c": 75.0, "PAC_Pace__c": "at_risk",
                    "PAC_Window_Start__c": "2027-12-27", "PAC_Window_End__c": "2027-12-31",
                    "PAC_Plan_End__c": "2027-12-31"},
            "A-2": {"PAC_Done__c": 2, "PAC_Target__c": 3, "PAC_Progress_Pct__c": 66.7, "PAC_Pace__c": "at_risk",
                    "PAC_Window_Start__c": "2027-12-01", "PAC_Window_End__c": "2027-12-31",
                    "PAC_Plan_End__c": "2027-12-31"}}
        assert _fields(old["axes"], (*AXIS, "PAC_Advice__c")) == {
            "AX-KEY": {"PAC_Won_Revenue__c": 30500.0, "PAC_Baseline__c": 30000.0, "PAC_Revenue__c": 500.0,
                       "PAC_Objective__c": 3000.0, "PAC_Progress_Pct__c": 16.7, "PAC_ROI__c": -0.837,
                       "PAC_Pace__c": "at_risk", "PAC_Target__c": 7, "PAC_Done__c": 5,
                       "PAC_Advice__c": DROP.format("Key accounts", 84, "99.95")},
            "AX-GRE": {"PAC_Won_Revenue__c": 4000.0, "PAC_Baseline__c": 0.0, "PAC_Revenue__c": 4000.0,
                       "PAC_Objective__c": 5000.0, "PAC_Progress_Pct__c": 80.0, "PAC_ROI__c": -0.6712,
                       "PAC_Pace__c": "at_risk", "PAC_Target__c": 0, "PAC_Done__c": 0,
                       "PAC_Advice__c": DROP.format("Grenoble growth", 67, "99.99")}}
        # the Q4 axis's KPIs as the CRM holds them: pipeline created O5 + O6 + O7 (created 20 Nov, 1 Dec, 20 Dec)
        assert {f: old["axes"]["AX-KEY"][f] for f in ("PAC_Coverage__c", "PAC_Visit_To_Win__c",
                                                      "PAC_Revenue_Per_Visit__c", "PAC_Average_Won_Deal__c",
                                                      "PAC_Pipeline_Created__c", "PAC_New_Accounts__c")} == {
            "PAC_Coverage__c": 75.0, "PAC_Visit_To_Win__c": 33.3, "PAC_Revenue_Per_Visit__c": 6100.0,
            "PAC_Average_Won_Deal__c": 10166.67, "PAC_Pipeline_Created__c": 14500.0, "PAC_New_Accounts__c": 0}
        rhone = dict.fromkeys(("ALP", "BET", "GAM", "ZET"), (f"{OLD}:AX-KEY", True))
        assert old["accounts"] == {**rhone, "DEL": ("AX-GRE", True), "EPS": ("AX-GRE", True), "OME": (None, None)}

        new = year.run(NEW, "N1")
        ev = new["result"].evaluation
        assert _actions(ev) == {"B-1": (0, 2, "not_started"), "B-2": (0, 4, "not_started"),
                                "B-3": (0, 3, "not_started")}
        assert _axes(ev) == {"AX-KEY": (0.0, 0.0, 0.0, 20000.0, "not_started", 0.0, None),
                             "AX-ISE": (0.0, 0.0, 0.0, 10000.0, "not_started", 0.0, None)}
        assert ev.recommendations == ()
        assert {a: (w["PAC_Window_Start__c"], w["PAC_Window_End__c"]) for a, w in new["actions"].items()} == {
            "B-1": ("2028-01-03", "2028-01-09"), "B-2": ("2028-01-01", "2028-01-31"),
            "B-3": ("2028-01-01", "2028-01-31")}
        assert {x: (w["PAC_Target__c"], w["PAC_Done__c"], w["PAC_Advice__c"]) for x, w in new["axes"].items()} == {
            "AX-KEY": (6, 0, ""), "AX-ISE": (3, 0, "")}
        assert new["accounts"] == {**dict.fromkeys(("ALP", "BET", "GAM", "ZET"), (BOTH, True)),
                                   "DEL": ("AX-GRE; AX-ISE", True), "EPS": ("AX-GRE; AX-ISE", True),
                                   "OME": (None, None)}
        # each run wrote its own plan's records only: the same axis id AX-KEY is two records
        assert (old["keys"], new["keys"]) == (
            {f"{OLD}:{k}" for k in ("A-1", "A-2", "AX-KEY", "AX-GRE")},
            {f"{NEW}:{k}" for k in ("B-1", "B-2", "B-3", "AX-KEY", "AX-ISE")})


class TestNightTwo:
    def test_the_first_night_of_the_year(self, year: Year) -> None:
        """Saturday 1 January 2028, 02:00 Paris. The 2027 plan is over: its figures are its last day's, A-1, A-2,
        AX-KEY and AX-GRE missed (only the pace written), no advice (their sentences emptied), « the next plan is in
        place »; its own run takes its axes off every account: AX-KEY bare (one plan in force has it), Isère
        « AX-ISE »; the 2028 run then writes no account. 2028, two hours in: O7 (Zeta, 1 January) 2,000 = 10.0 % of
        20,000, on track (no verdict before a tenth of the year), cost to date one day of 366, no ROI yet; AX-ISE 0
        (5.00 to date); B-1 to come (3 January), B-2 and B-3 begun, nothing done, on track."""
        year.night("N1")
        year.night("N2")
        old = year.run(OLD, "N2")
        ev = old["result"].evaluation
        assert _actions(ev) == {"A-1": (3, 4, "late"), "A-2": (2, 3, "late")}
        assert _axes(ev) == {"AX-KEY": (30500.0, 30000.0, 500.0, 3000.0, "late", 920.0, -0.837),
                             "AX-GRE": (4000.0, 0.0, 4000.0, 5000.0, "late", 3650.0, -0.6712)}
        assert ev.recommendations == ()
        assert _fields(old["actions"], ACTION) == {"A-1": {"PAC_Pace__c": "late"}, "A-2": {"PAC_Pace__c": "late"}}
        assert _fields(old["axes"], (*AXIS, "PAC_Advice__c")) == {
            "AX-KEY": {"PAC_Pace__c": "late", "PAC_Advice__c": ""},
            "AX-GRE": {"PAC_Pace__c": "late", "PAC_Advice__c": ""}}
        after = {**dict.fromkeys(("ALP", "BET", "GAM", "ZET"), ("AX-KEY", True)), "DEL": ("AX-ISE", True),
                 "EPS": ("AX-ISE", True), "OME": (None, None)}
        assert (old["accounts"], old["account_writes"]) == (after, 6)

        new = year.run(NEW, "N2")
        ev = new["result"].evaluation
        assert _actions(ev) == {"B-1": (0, 2, "not_started"), "B-2": (0, 4, "on_track"), "B-3": (0, 3, "on_track")}
        assert _axes(ev) == {"AX-KEY": (2000.0, 0.0, 2000.0, 20000.0, "on_track", 10.0, None),
                             "AX-ISE": (0.0, 0.0, 0.0, 10000.0, "on_track", 5.0, None)}
        assert ev.recommendations == ()
        assert {f: new["axes"]["AX-KEY"].get(f) for f in ("PAC_Revenue__c", "PAC_Progress_Pct__c", "PAC_Pace__c",
                                                          "PAC_ROI__c", "PAC_New_Accounts__c")} == {
            "PAC_Revenue__c": 2000.0, "PAC_Progress_Pct__c": 10.0, "PAC_Pace__c": "on_track", "PAC_ROI__c": None,
            "PAC_New_Accounts__c": 1}
        assert (new["accounts"], new["account_writes"]) == (after, 0)


class TestNightThree:
    @pytest.mark.parametrize("full", [False, True], ids=["incremental", "full"])
    def test_the_first_week_of_2028_and_a_late_entry_of_2027(self, year: Year, full: bool) -> None:
        """Tuesday 4 January 2028, 02:00 Paris. O9 (Zeta, won 31 December 2027, entered 2 January) counts for the
        ended plan's Q4: AX-KEY 33,500, +3,500 of 3,000, done, ROI (1,050 − 920) / 920; the plan +7,500, ROI
        (2,250 − 4,570) / 4,570. J4 (Julie, Saturday 1 January) is no week-52 visit of 2027 (cut on 31 December)
        and no « semaine 1 » visit of 2028 (from Monday 3 January): A-1 stays 3 of 4, B-1 J5, J6 = 2 of 2 done, B-2
        J4, J5, J6 = 3 of 4 on track (January 74 of 744 hours gone: no verdict), B-3 M2, M3 = 2 of 3 (Luc's L4 and
        Marc's M1 count for nobody). 2028 AX-KEY: each activity once (J5 and J6 are in B-1 and B-2): 3, 3 accounts,
        visit-to-win Zeta (O7 on J4's day), cost to date 4 days of 366 = 40; AX-ISE O8 6,000, 60.0 %, 20 to date.
        No account is written by either run. The same when both runs read the whole org again (`pac sync --full`)."""
        year.night("N1")
        year.night("N2")
        year.night("N3", full=full)
        old = year.run(OLD, "N3")
        ev = old["result"].evaluation
        assert _actions(ev) == {"A-1": (3, 4, "late"), "A-2": (2, 3, "late")}
        assert _axes(ev) == {"AX-KEY": (33500.0, 30000.0, 3500.0, 3000.0, "done", 920.0, 0.1413),
                             "AX-GRE": (4000.0, 0.0, 4000.0, 5000.0, "late", 3650.0, -0.6712)}
        assert _visits(ev, "AX-KEY") == (5, 3, 0.75, 6700.0, 0.3333)
        assert (float(ev.plan.additional), round(ev.plan.roi, 4)) == (7500.0, -0.5077)
        assert ev.recommendations == ()
        assert old["actions"] == {}
        assert _fields(old["axes"], (*AXIS, "PAC_Advice__c", "PAC_New_Accounts__c")) == {
            "AX-KEY": {"PAC_Won_Revenue__c": 33500.0, "PAC_Revenue__c": 3500.0, "PAC_Progress_Pct__c": 116.7,
                       "PAC_ROI__c": 0.1413, "PAC_Pace__c": "done", "PAC_New_Accounts__c": 1}}
        assert old["account_writes"] == 0

        new = year.run(NEW, "N3")
        ev = new["result"].evaluation
        assert _actions(ev) == {"B-1": (2, 2, "done"), "B-2": (3, 4, "on_track"), "B-3": (2, 3, "on_track")}
        assert _axes(ev) == {"AX-KEY": (2000.0, 0.0, 2000.0, 20000.0, "on_track", 40.0, None),
                             "AX-ISE": (6000.0, 0.0, 6000.0, 10000.0, "on_track", 20.0, None)}
        assert _visits(ev, "AX-KEY") == (3, 3, 0.75, 666.6667, 0.3333)
        assert _visits(ev, "AX-ISE") == (2, 2, 1.0, 3000.0, 0.5)
        assert _fields(new["actions"], ACTION) == {
            "B-1": {"PAC_Done__c": 2, "PAC_Progress_Pct__c": 100.0, "PAC_Pace__c": "done"},
            "B-2": {"PAC_Done__c": 3, "PAC_Progress_Pct__c": 75.0},
            "B-3": {"PAC_Done__c": 2, "PAC_Progress_Pct__c": 66.7}}
        # Zeta's first win is now O9 of 2027: no new account in 2028; O9, created on 2 January, is 2028's pipeline
        assert {x: {f: w.get(f, "unchanged") for f in ("PAC_Done__c", "PAC_New_Accounts__c", "PAC_Pipeline_Created__c",
                                                       "PAC_Progress_Pct__c")} for x, w in new["axes"].items()} == {
            "AX-KEY": {"PAC_Done__c": 5, "PAC_New_Accounts__c": 0, "PAC_Pipeline_Created__c": 3000.0,
                       "PAC_Progress_Pct__c": "unchanged"},
            "AX-ISE": {"PAC_Done__c": 2, "PAC_New_Accounts__c": 1, "PAC_Pipeline_Created__c": 6000.0,
                       "PAC_Progress_Pct__c": 60.0}}
        assert new["account_writes"] == 0


class TestTheOtherOrder:
    def test_bruno_s_plan_runs_first(self, year: Year) -> None:
        """The same nights with the 2028 plan's run first: on 31 December its run alone qualifies AX-KEY (the 2027
        plan is in force and has the id), the 2027 run then adds its key before it; on 1 January the 2028 run takes
        the ended plan's stored axes off and the 2027 run writes no account. The accounts end the same, and every
        figure is the first order's."""
        year.night("N1", first=NEW)
        new, old = year.run(NEW, "N1"), year.run(OLD, "N1")
        assert (new["accounts"], new["account_writes"]) == (
            {**dict.fromkeys(("ALP", "BET", "GAM", "ZET"), (f"{NEW}:AX-KEY", True)), "DEL": ("AX-ISE", True),
             "EPS": ("AX-ISE", True), "OME": (None, None)}, 6)
        assert (old["accounts"], old["account_writes"]) == (
            {**dict.fromkeys(("ALP", "BET", "GAM", "ZET"), (BOTH, True)), "DEL": ("AX-GRE; AX-ISE", True),
             "EPS": ("AX-GRE; AX-ISE", True), "OME": (None, None)}, 6)
        assert _axes(old["result"].evaluation)["AX-KEY"] == (30500.0, 30000.0, 500.0, 3000.0, "at_risk", 920.0,
                                                              -0.837)
        year.night("N2", first=NEW)
        new, old = year.run(NEW, "N2"), year.run(OLD, "N2")
        after = {**dict.fromkeys(("ALP", "BET", "GAM", "ZET"), ("AX-KEY", True)), "DEL": ("AX-ISE", True),
                 "EPS": ("AX-ISE", True), "OME": (None, None)}
        assert (new["accounts"], new["account_writes"]) == (after, 6)
        assert (old["accounts"], old["account_writes"]) == (after, 0)
        assert _axes(new["result"].evaluation)["AX-KEY"] == (2000.0, 0.0, 2000.0, 20000.0, "on_track", 10.0, None)
        assert _fields(old["axes"], ("PAC_Pace__c", "PAC_Advice__c")) == {
            "AX-KEY": {"PAC_Pace__c": "late", "PAC_Advice__c": ""},
            "AX-GRE": {"PAC_Pace__c": "late", "PAC_Advice__c": ""}}


class TestMidnight:
    def test_a_run_at_the_plan_s_end_instant(self, year: Year) -> None:
        """A run of the 2027 plan at 1 January 2028 00:00 Paris, its end instant: its actions and axes missed (their
        windows closed at that instant), the same figures (31 December counted in full at 23:00 already); not over
        yet (over is strictly after), so both drops stay, their share now « 100% », and the accounts keep both
        plans' axes. The 2028 run five minutes later: the 2027 plan is over, its axes come off. At 02:00 the 2027
        run empties its advice and writes no account."""
        year.night("N1")
        year.night("N0")
        old = year.run(OLD, "N0")
        ev = old["result"].evaluation
        assert _actions(ev) == {"A-1": (3, 4, "late"), "A-2": (2, 3, "late")}
        assert _axes(ev) == {"AX-KEY": (30500.0, 30000.0, 500.0, 3000.0, "late", 920.0, -0.837),
                             "AX-GRE": (4000.0, 0.0, 4000.0, 5000.0, "late", 3650.0, -0.6712)}
        assert [(r.axis_id, r.rule, r.text("en")) for r in ev.recommendations] == [
            ("AX-KEY", "drop", DROP.format("Key accounts", 84, "100")),
            ("AX-GRE", "drop", DROP.format("Grenoble growth", 67, "100"))]
        assert _fields(old["axes"], (*AXIS, "PAC_Advice__c")) == {
            "AX-KEY": {"PAC_Pace__c": "late", "PAC_Advice__c": DROP.format("Key accounts", 84, "100")},
            "AX-GRE": {"PAC_Pace__c": "late", "PAC_Advice__c": DROP.format("Grenoble growth", 67, "100")}}
        assert _fields(old["actions"], ACTION) == {"A-1": {"PAC_Pace__c": "late"}, "A-2": {"PAC_Pace__c": "late"}}
        assert (old["accounts"]["ALP"], old["accounts"]["DEL"], old["account_writes"]) == (
            (BOTH, True), ("AX-GRE; AX-ISE", True), 0)
        new = year.run(NEW, "N0")
        after = {**dict.fromkeys(("ALP", "BET", "GAM", "ZET"), ("AX-KEY", True)), "DEL": ("AX-ISE", True),
                 "EPS": ("AX-ISE", True), "OME": (None, None)}
        assert (new["accounts"], new["account_writes"]) == (after, 6)
        ev = new["result"].evaluation
        assert _axes(ev)["AX-KEY"] == (2000.0, 0.0, 2000.0, 20000.0, "on_track", 10.0, None)
        assert ev.recommendations == ()
        year.night("N2")
        old, new = year.run(OLD, "N2"), year.run(NEW, "N2")
        assert old["result"].evaluation.recommendations == ()
        assert (old["actions"], _fields(old["axes"], (*AXIS, "PAC_Advice__c")), old["account_writes"],
                new["account_writes"]) == ({}, {"AX-KEY": {"PAC_Advice__c": ""}, "AX-GRE": {"PAC_Advice__c": ""}}, 0, 0)


class TestTheEndedPlanLeavesTheSettings:
    def test_anne_removes_the_2027_plan(self, year: Year) -> None:
        """On 4 January, the late entries counted, the 2027 plan is taken out of ``plans:`` as its advice says; the
        2028 plan's run on 5 January writes no account (they already hold its axes only), sends nothing under a
        pac-nord-2027 key, and the 2027 records stay in the org as history; its figures move with the clock only
        (cost to date 5 days of 366)."""
        for night in ("N1", "N2", "N3"):
            year.night(night)
        path = Path(year.cfg.source)
        text = path.read_text(encoding="utf-8")
        line = "  - {name: nord-2027, file: nord-2027.pac.yaml, connectors: [sf-main]}\n"
        assert line in text
        path.write_text(text.replace(line, ""), encoding="utf-8")
        year.cfg = load_settings(path, env={})
        mark = len(year.org.requests)
        year.night("N4")
        assert (OLD, "N4") not in year.runs
        new = year.run(NEW, "N4")
        assert (new["accounts"], new["account_writes"]) == (
            {**dict.fromkeys(("ALP", "BET", "GAM", "ZET"), ("AX-KEY", True)), "DEL": ("AX-ISE", True),
             "EPS": ("AX-ISE", True), "OME": (None, None)}, 0)
        ev = new["result"].evaluation
        assert _actions(ev) == {"B-1": (2, 2, "done"), "B-2": (3, 4, "on_track"), "B-3": (2, 3, "on_track")}
        assert _axes(ev) == {"AX-KEY": (2000.0, 0.0, 2000.0, 20000.0, "on_track", 50.0, None),
                             "AX-ISE": (6000.0, 0.0, 6000.0, 10000.0, "on_track", 25.0, None)}
        assert [body for m, _p, body in year.org.requests[mark:] if m != "GET" and OLD in str(body)] == []
        kept = {str(r["PAC_Key__c"]) for sobject in ("PAC_Axis__c", "PAC_Action__c") for r in year.org.rows[sobject]
                if not r["IsDeleted"] and str(r["PAC_Key__c"]).startswith(OLD)}
        assert kept == {f"{OLD}:{k}" for k in ("AX-KEY", "AX-GRE", "A-1", "A-2")}


STATUS = {
    "N1": ("Advice for PAC Nord 2027 (2 axes; evidence: pac advice AXIS):",
           f"AX-KEY: {DROP.format('Key accounts', 84, '99.95')}",
           f"AX-GRE: {DROP.format('Grenoble growth', 67, '99.99')}",
           "Advice for PAC Nord 2028: The plan starts on January 1, 2028."),
    "N2": ("Nightly sync of nord-2027: pac schedule still syncs it for late entries until 2028-02-01 00:00 CET (the "
           "plan ended on 2027-12-31; schedule.after_end_days: 31), then stops.",
           f"Advice for PAC Nord 2027: {ENDED}",
           "Advice for PAC Nord 2028: No recommendation: too early to judge the axes, the ROI to date is computed "
           "from February 6, 2028 (10% of the period).")}


class TestTheYearEnd:
    def test_status_says_each_plan_s_state(self, year: Year) -> None:
        """`pac status` (both plans, the settings' clock just after each night): on 31 December the 2027 plan's two
        drops and the 2028 plan not begun; from 1 January the 2027 plan over, its successor in place, synced for
        late entries until 1 February, and the 2028 plan too early to judge (a tenth of 366 days: 6 February); `pac
        advice` says the same in each plan's language."""
        year.night("N1")
        shown = _cli(year.cfg, "status", as_of="2027-12-31T23:10:00+01:00")
        for line in STATUS["N1"]:
            assert line in shown, line
        year.night("N2")
        for as_of in ("2028-01-01T02:10:00+01:00", "2028-01-04T02:10:00+01:00"):
            if as_of.startswith("2028-01-04"):
                year.night("N3")
            shown = _cli(year.cfg, "status", as_of=as_of)
            for line in STATUS["N2"]:
                assert line in shown, line
            assert "Drop axis" not in shown
        assert _cli(year.cfg, "advice", "--plan", "nord-2027").strip() == ENDED
        assert _cli(year.cfg, "advice", "--plan", "nord-2028").strip() == (
            "Aucune recommandation : trop tôt pour juger les axes, le ROI à date est calculé à partir du 6 février "
            "2028 (10 % de la période).")
        assert _cli(year.cfg, "advice", "--plan", "nord-2028", "--as-of", "2027-12-31T23:00").strip() == (
            "Le plan commence le 1er janvier 2028.")

    def test_the_q4_report_from_its_snapshot(self, year: Year, tmp_path: Path) -> None:
        """The Q4 2027 snapshot taken after night 2 (O9 not yet entered), the report asked on 4 January: the
        snapshot's figures (AX-KEY +500 of 3,000, 17 %, missed, ROI −84 %; the plan +4,500 = 56 % of 8,000, ROI
        −70 %; Rhône 36,500 against 35,000, +4 %; payback 920 x 3.02 months / 150 = 18.5 months), both drops kept
        and worded for the next plan (« Do not renew », 100 % of the period), the actions missed (week 52 cut to 27–31
        December), and what changed since: O9 of 31 December counted after the close, AX-KEY reached. Restated, the
        re-evaluation reads +7,500 (94 %), ROI −51 %, AX-KEY 117 % (ROI 14 %, payback 2.6 months), Rhône +13 %, and
        AX-GRE's drop is now in favour of AX-KEY (reached, kept, ROI 14 %)."""
        year.night("N1")
        year.night("N2")
        assert _cli(year.cfg, "snapshot", "--plan", "nord-2027", "--period", "2027-Q4",
                    as_of="2028-01-01T02:10:00+01:00").startswith(
            "2027-Q4: quarterly (revenue, ROI, actions) snapshot of PAC Nord 2027 kept, evaluated at the end of its "
            "last day, 2027-12-31 (Europe/Paris)")
        year.night("N3")
        out = tmp_path / "q4.html"
        _cli(year.cfg, "report", "--plan", "nord-2027", "--quarter", "2027-Q4", "--lang", "en", "-o", str(out),
             as_of="2028-01-04T02:10:00+01:00")
        page = _page_text(out.read_text(encoding="utf-8"))
        renew = ('Do not renew axis "{}" (ROI to date −{}% after 100% of the period, threshold 0%): no better axis '
                 "is kept")
        for shown in (
                "Status at the end of December 31, 2027 (snapshot of January 1, 2028)",
                "plan revenue €34,500 → €37,500 (+€3,000) plan additional revenue €4,500 → €7,500; plan ROI to date "
                "−70% → −51% paces: AX-KEY Missed → Objective reached axes' additional revenue: AX-KEY €500 → €3,500",
                "AX-KEY +€3,000 · breakdown: O9 +€3,000 (of December 31, 2027, counted after the close)",
                "Additional revenue €4,500 56% of objective · Objective €8,000 · each deal counted once",
                "Plan ROI to date −70%", "Actions 0 / 2 done or on track · 2 missed actions",
                "Key accounts Active €500 / €3,000 17% +10% of €30,000 (the scope's Q4 2026 revenue) = €3,000 "
                "✕ Missed −84%",
                "Grenoble growth Active €4,000 / €5,000 80% ✕ Missed −67%",
                "Revenue €36,500 Baseline €35,000 Additional revenue €1,500 Objective €3,000 Trend +4% "
                "ROI to date −84%",
                "€920 −84% 18.5 months 5 Conversion 33%", "€3,650 −67% 36.5 months 0",
                "December 27–31, 2027 (ISO week 52) 3 / 4 75% ✕ Missed",
                "December 1–31, 2027 (December 2027) 2 / 3 67% ✕ Missed",
                renew.format("Key accounts", 84), renew.format("Grenoble growth", 67)):
            assert shown in page, shown
        # the workbook's Axes sheet, the snapshot's figures unrounded: the payback counts real instants, Q4 2027 in
        # Paris being 92 days and 1 hour (summer time ends on 31 October): 920 x (92.0417 / 30.4375) / 150 months
        book = tmp_path / "q4.xlsx"
        _cli(year.cfg, "report", "--plan", "nord-2027", "--quarter", "2027-Q4", "--lang", "en", "-o", str(book))
        rows = [r for r in load_workbook(book)["Axes"].iter_rows(values_only=True) if r[0] in ("Key accounts",
                                                                                           "Grenoble growth")]
        assert [(r[0], r[4], r[5], r[6], r[7], r[10], r[11], round(r[12], 4), round(r[14], 4), r[15])
                for r in rows] == [
            ("Key accounts", 30500, 30000, 500, 3000, "Missed", 920, -0.837, 18.5469, 5),
            ("Grenoble growth", 4000, 0, 4000, 5000, "Missed", 3650, -0.6712, 36.475, 0)]
        _cli(year.cfg, "report", "--plan", "nord-2027", "--quarter", "2027-Q4", "--restated", "--lang", "en", "-o",
             str(out))
        page = _page_text(out.read_text(encoding="utf-8"))
        for shown in ("Additional revenue €7,500 94% of objective · Objective €8,000", "Plan ROI to date −51%",
                      "Key accounts Active €3,500 / €3,000 117% +10% of €30,000 (the scope's Q4 2026 revenue) = "
                      "€3,000 ✓ Objective reached 14%",
                      "Revenue €39,500 Baseline €35,000 Additional revenue €4,500 Objective €3,000 Trend +13%",
                      "€920 14% 2.6 months 5", "Actions 0 / 2 done or on track · 2 missed actions",
                      # AX-KEY, reached, is kept (never dropped) and its ROI is now above AX-GRE's: the effort goes
                      # to it (my first hand sentence kept « no better axis », a slip: EXPECTED.md, REPORT.md)
                      'Do not renew axis "Grenoble growth" (ROI to date −67% after 100% of the period, threshold '
                      '0%) in favour of "Key accounts" (ROI to date 14%).'):
            assert shown in page, shown
        assert 'Do not renew axis "Key accounts"' not in page     # reached: never dropped

    def test_explain_the_weeks_across_the_new_year(self, year: Year) -> None:
        """`pac explain A-1` (2027): J1, J2, J3 counted; Julie's Sunday of week 51 and her Saturday 1 January both
        outside the window cut to 27–31 December (the cut said), Marc's visit of 30 December another rep's. `pac
        explain B-2` (2028): the Saturday counted for January's visits, 31 December outside, Luc's 3 January visit
        another rep's (he is in no 2028 action). After each night both plans' explanations reproduce their figures."""
        for night in ("N1", "N2", "N3"):
            year.night(night)
            at = {"N1": N1, "N2": N2, "N3": N3}[night]
            for plan, when in (("nord-2027", at), ("nord-2028", at + LATER)):
                assert store_disagreements(year.cfg, plan, as_of=when) == [], (plan, night)
        out, rows = explain_table(year.cfg, "A-1", "--plan", "nord-2027", "--lang", "en", "--as-of",
                                  "2028-01-04T02:10")
        assert ("ISO week 52: December 27 to 31, 2027 (week 52 ends on January 2, 2028, after the plan's end; Monday "
                "to Sunday, ISO 8601)") in out
        ids = year.ids
        got = {r[1]: (r[0], r[5]) for r in rows}
        assert got == {ids["J1"]: ("✔", "counted"), ids["J2"]: ("✔", "counted"), ids["J3"]: ("✔", "counted"),
                       ids["J0"]: ("✘", "outside the window"), ids["J4"]: ("✘", "outside the window"),
                       ids["M1"]: ("✘", "another rep")}
        _out, rows = explain_table(year.cfg, "B-2", "--plan", "nord-2028", "--lang", "en", "--as-of",
                                   "2028-01-04T02:10")
        got = {r[1]: (r[0], r[5]) for r in rows}
        assert got == {ids["J4"]: ("✔", "counted"), ids["J5"]: ("✔", "counted"), ids["J6"]: ("✔", "counted"),
                       ids["J3"]: ("✘", "outside the window"), ids["L4"]: ("✘", "another rep")}


class TestTheMonthlyReviews:
    def test_december_s_and_january_s(self, year: Year, tmp_path: Path) -> None:
        """December's review of the 2027 plan (4 January, November recomputed): AX-KEY from −67 % (O4 18,000 against
        O1 20,000 to 30 November) to 117 %, +5,500: O5, O6 and the late O9, less O2 of 31 December 2026 in the
        baseline; its drop no longer recommended, AX-GRE's still standing, for the next plan. January's review of the
        2028 plan: Marc's B-3 out of reach (3 Isère accounts to visit, the scope holds 2), actions due until 29
        February (a leap year), too early for advice. (Checked by hand after the run: EXPECTED.md addendum 5.)"""
        for night in ("N1", "N2", "N3"):
            year.night(night)
        out = tmp_path / "review.html"
        assert _cli(year.cfg, "review", "--plan", "nord-2027", "--lang", "en", "-o", str(out),
                    as_of="2028-01-04T02:10:00+01:00").startswith(
            f"{out}: review of 2027-12, en, 2 rep(s), 2 late action(s), as of the end of 2027-12-31")
        page = _page_text(out.read_text(encoding="utf-8"))
        for shown in ("Key accounts AX-KEY ✓ Objective reached ▲ At risk 117% −67% → 117% · +€5,500 since last month "
                      "· breakdown: O5 +€8,500 (won on December 20, 2027); O6 +€4,000 (won on December 31, 2027); O9 "
                      "+€3,000 (won on December 31, 2027); baseline to date up €10,000: −€10,000",
                      "Grenoble growth AX-GRE ✕ Missed ▲ At risk 80% progress unchanged",
                      'Do not renew Grenoble growth still standing Do not renew axis "Grenoble growth" (ROI to date '
                      '−67% after 100% of the period, threshold 0%) in favour of "Key accounts" (ROI to date 14%).',
                      "No longer recommended Drop · Key accounts",
                      "Visit 4 accounts in week 52 A-1 · Key accounts December 27–31, 2027 3 / 4 ✕ Missed "
                      "Not started → Missed · +3 since last month"):
            assert shown in page, shown
        _cli(year.cfg, "review", "--plan", "nord-2028", "--lang", "en", "-o", str(out))
        page = _page_text(out.read_text(encoding="utf-8"))
        for shown in ("No recommendation: too early to judge the axes, the ROI to date is computed from February 6, "
                      "2028 (10% of the period).",
                      "Visiter 2 comptes en semaine 1 B-1 · Grands comptes January 3–9, 2028 2 / 2 ✓ Done",
                      "Next actions due (until February 29, 2028)",
                      "Visiter 3 clients de l'Isère en janvier 2028 B-3 · Clients de l'Isère January 1–31, 2028 2 / 3 "
                      "● On track out of reach: 2 accounts in its scope January 31, 2028"):
            assert shown in page, shown
