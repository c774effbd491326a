"""The demo's figures against a hand computation from the seed data alone (audit demohand, 6 Dec 2026).

The constants below were computed by hand from ``sandbox_crm.demo_org`` (the records each CRM is seeded with) and
the rules of docs/engine.md, without the engine: /tmp/audits/demohand/HAND.md says which records and which rule
give each one. Evaluation instant: the demo clock, 2027-05-20 18:00 Europe/Paris (140 of 2027's 365 days; the
plan's wall-clock share of the year 139.75 / 365).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pac_config.settings import load_settings
from pac_core.results import Pace
from sandbox_crm.demo_org import build_demo_org
from sync_jobs.app import current
from tests.cli import run_pac
from tests.e2e.conftest import DemoRun

# action: (done, target, pace) by hand (matching rules 1-6; pace: done >= target, window not begun, window closed,
# done / target against the window's elapsed wall-clock share)
ACTIONS = {
    "A-01": (4, 5, Pace.LATE), "A-02": (12, 10, Pace.DONE), "A-03": (0, 8, Pace.NOT_STARTED),
    "A-04": (4, 6, Pace.ON_TRACK), "A-05": (9, 12, Pace.ON_TRACK), "A-06": (4, 30, Pace.LATE),
    "A-07": (2, 8, Pace.AT_RISK), "A-08": (3, 6, Pace.AT_RISK), "A-09": (2, 15, Pace.LATE),
    "A-10": (0, 5, Pace.NOT_STARTED), "A-11": (0, 4, Pace.NOT_STARTED), "A-12": (0, 3, Pace.LATE),
    "A-13": (0, 5, Pace.INACTIVE), "A-14": (0, 8, Pace.NOT_STARTED), "A-15": (2, 2, Pace.DONE),
    "A-16": (4, 4, Pace.DONE), "A-17": (0, 20, Pace.NOT_STARTED), "A-18": (0, 2, Pace.NOT_STARTED),
    "A-19": (0, 10, Pace.NOT_STARTED), "A-20": (0, 4, Pace.NOT_STARTED),
}
# axis: (revenue, baseline, ROI to date in whole %) by hand (revenue to date vs the same days of 2026, or the fixed
# baseline x 140 / 365; ROI = (additional x margin - cost x 140 / 365) / (cost x 140 / 365))
AXES = {
    "AX-RA-DORM": ("87400", "0", 343), "AX-RA-MAINT": ("513600", "475200", 275),
    "AX-IDF-PROSP": ("87400", "0", 163), "AX-SO-DORM": ("25700", "0", 71),
    "AX-PHARMA-MX50": ("596400", "495600", 250), "AX-PHARMA-PX200": ("775000", "737500", 86),
    "AX-AGRO-MAINT": ("2186500", "2132602.74", 485), "AX-GC-QUOTES": ("4410400", "4344600", 157),
}
SEGMENTS = {   # revenue, baseline (each deal once, the segment's scope)
    "S-RA": ("2571500", "2494900"), "S-IDF": ("2762500", "2675100"), "S-SO": ("1962600", "1936900"),
    "S-PHARMA": ("1640200", "1487500"), "S-AGRO": ("2186500", "2132602.74"), "S-GC": ("4410400", "4344600"),
}
IDF = frozenset({"75", "77", "78", "91", "92", "93", "94", "95"})
RA = frozenset({"01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"})


@pytest.fixture(scope="module")
def demo_dir(demo_run: DemoRun) -> Path:
    assert demo_run.returncode == 0, demo_run.stdout[-3000:] + demo_run.stderr[-3000:]
    return demo_run.cwd


@pytest.fixture(scope="module")
def now(demo_dir):
    return current(load_settings(demo_dir / ".pac" / "demo.yaml", env={}))


def _round(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"))


class TestDemoByHand:
    def test_actions(self, now) -> None:
        got = {a.action_id: (a.done, a.target, a.pace) for a in now.evaluation.actions}
        assert got == ACTIONS

    def test_axes(self, now) -> None:
        got = {a.axis_id: (str(_round(a.revenue).normalize()), str(_round(a.baseline).normalize()),
                           round(a.roi * 100)) for a in now.evaluation.axes}
        assert got == {k: (str(Decimal(r).normalize()), str(Decimal(b).normalize()), roi)
                       for k, (r, b, roi) in AXES.items()}

    def test_segments_and_plan(self, now) -> None:
        got = {s.segment_id: (_round(s.revenue), _round(s.baseline)) for s in now.evaluation.segments}
        assert got == {k: (_round(Decimal(r)), _round(Decimal(b))) for k, (r, b) in SEGMENTS.items()}
        plan = now.evaluation.plan
        # the live axes' additional revenue, the Rhône-Alpes dormant clients' 28,800 of MAINT lines once
        assert (_round(plan.additional), plan.objective, round(plan.roi * 100)) == (
            Decimal("430597.26"), Decimal(1_200_000), 214)

    def test_pipeline_created_counts_the_deals_opened_this_year_in_both_crms(self, now) -> None:
        """« Pipeline créé » is the deals created since 1 January. Each seeded deal is created on its close day when
        that day is past, else in the 30 days before the clock (docs/demo-org.md): so the deals closing from
        1 January 2027 on, won, lost or open, in either CRM. The Salesforce sandbox dated every opportunity's
        CreatedDate in the real clock's previous year, so the Salesforce segments read « Pipeline créé 0 € » (and
        the prospects axis 0 € beside four new accounts won) where the HubSpot team's read millions."""
        org = build_demo_org()
        accounts = {a.key: a for a in org.accounts}

        def dep(key: str) -> str:
            a = accounts[key]
            return (a.postal_code or "")[:2] if a.country == "FR" else ""

        def created(keep) -> Decimal:   # in EUR: the CHF deal (no rate) is rejected, counted nowhere
            return sum((d.amount or Decimal(0) for d in org.deals if d.account_key and keep(d.account_key)
                        and d.currency == "EUR" and d.close_date >= date(2027, 1, 1)), Decimal(0))

        prospects = created(lambda k: dep(k) in IDF and accounts[k].account_type == "Prospect")
        expected = {"AX-IDF-PROSP": prospects, "S-IDF": created(lambda k: dep(k) in IDF),
                    "S-RA": created(lambda k: dep(k) in RA)}
        assert prospects >= Decimal(87_400)     # at least the four prospects won this year
        axes = {a.axis_id: a.kpis for a in now.evaluation.axes}
        segments = {s.segment_id: s.kpis for s in now.evaluation.segments}
        got = {key: next(k.value for k in (axes.get(key) or segments[key]) if k.kpi == "pipeline_created")
               for key in expected}
        assert got == expected

    def test_explain_a01_says_why_in_one_language(self, demo_dir: Path, demo_run: DemoRun) -> None:
        """v8, Marc's visit, is « autre commercial » with the owner named in French (it read « owner
        marc.dubois@… » in the French table: docs/engine.md, *Explain*, one language per output)."""
        done = run_pac("explain", "A-01", cwd=demo_dir, env=demo_run.env, timeout=120)
        assert done.returncode == 0, done.stderr
        line = next(x for x in done.stdout.splitlines() if "Givors" in x)
        assert "autre commercial" in line and "propriétaire marc.dubois@durand-process.example" in line, line
        assert " owner " not in done.stdout
