"""The nightly sync of a plan whose period is over (audit janmeet F1): ``schedule.after_end_days`` keeps syncing the
2026 plan in January for late entries, on the night's clock, and the figures it writes on the CRM's axis records must
be the plan's figures at its end, the ones ``pac report`` shows. Sandbox CRM (Salesforce), real client library.

Hand computation, axis AX-CLI (the région's clients): its actions count Julie's Q4 visits (Alpha 6 October, Beta
20 October, Gamma 5 November, Zeta 15 December) and Marc's Q3 ones (Gamma 10 July, Delta 30 September): 5 accounts
visited. Won within 90 days on or after a visit **and in 2026**: Gamma (5 October), Delta (18 December): 2 / 5 = 40 %.
Beta's 7,000 € deal won on 6 January 2027 (78 days after its visit) is a 2027 deal, outside the plan's revenue: it
made Beta "converted" in the CRM's ``PAC_Visit_To_Win__c`` (60 %) while the report said 40 %.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pac_config.planfile import load_plan
from pac_core.report_period import report_instant
from sandbox_crm.demo_org import JULIE, MARC, DemoAccount, DemoActivity, DemoDeal, DemoOrg, DemoUser
from sandbox_crm.run import start_sandbox
from sync_jobs.app import load_report_inputs
from tests.fakes import one_plan_settings, sandbox_sync_clean

PLAN = """plan:
  name: "PAC 2026 — fin d'année"
  year: 2026
  timezone: Europe/Paris
  currency: EUR
  language: fr
people:
  - {email: julie.martin@durand-process.example, name: Julie Martin, role: rep}
  - {email: marc.dubois@durand-process.example, name: Marc Dubois, role: rep}
segments:
  - {id: S-RA, name: Rhône-Alpes, kind: horizontale, scope: {region: Auvergne-Rhône-Alpes}}
axes:
  - id: AX-CLI
    name: Clients Rhône-Alpes
    segment: S-RA
    scope: {account_type: Client}
    objective: {additional_revenue: 100000, baseline: previous_year, margin_rate: 0.40, budget: 20000}
actions:
  - id: A-1
    axis: AX-CLI
    text: "Visiter 6 clients de Rhône-Alpes au T4"
    who: julie.martin@durand-process.example
    what: {activity: visite, count: 6}
    when: "T4"
  - id: A-4
    axis: AX-CLI
    text: "Visiter 2 clients de Rhône-Alpes au T3"
    who: marc.dubois@durand-process.example
    what: {activity: visite, count: 2}
    when: "T3"
"""
NIGHTS = ("2027-01-01T02:00:00+01:00", "2027-01-12T03:00:00+01:00")   # the year's last night, then the meeting's


def _org() -> DemoOrg:
    def account(key: str, postal: str, industry: str, owner: str) -> DemoAccount:
        return DemoAccount(key, key.title(), postal, "Lyon", "FR", industry, "Client", Decimal(1_000_000), owner,
                           "salesforce")

    def visit(key: str, owner: str, account_key: str, day: date) -> DemoActivity:
        return DemoActivity(key, "visit", "completed", datetime(day.year, day.month, day.day, 8, tzinfo=UTC), None,
                            owner, account_key, f"visite {account_key}", False, "salesforce")

    def won(key: str, account_key: str, amount: int, day: date) -> DemoDeal:
        return DemoDeal(key, f"Affaire {key}", account_key, JULIE, Decimal(amount), "EUR", day, "won")

    users = [DemoUser("u-julie", JULIE, "Julie Martin", "salesforce"), DemoUser("u-marc", MARC, "Marc Dubois",
                                                                                  "salesforce")]
    accounts = [account("alpha", "69001", "Chimie", JULIE), account("beta", "69100", "Agroalimentaire", JULIE),
                account("gamma", "38000", "Chimie", MARC), account("delta", "69003", "Chimie", MARC),
                account("zeta", "69007", "Pharmaceutique", JULIE)]
    activities = [visit("v-m1", MARC, "gamma", date(2026, 7, 10)), visit("v-m2", MARC, "delta", date(2026, 9, 30)),
                  visit("v-j1", JULIE, "alpha", date(2026, 10, 6)), visit("v-j2", JULIE, "beta", date(2026, 10, 20)),
                  visit("v-j3", JULIE, "gamma", date(2026, 11, 5)), visit("v-j5", JULIE, "zeta", date(2026, 12, 15))]
    deals = [won("d25-1", "alpha", 10_000, date(2025, 11, 15)), won("d26-1", "alpha", 30_000, date(2026, 2, 10)),
             won("d26-3", "gamma", 25_000, date(2026, 10, 5)), won("d26-4", "delta", 40_000, date(2026, 12, 18)),
             won("d27-1", "beta", 7_000, date(2027, 1, 6))]
    org = DemoOrg(users, accounts, activities, deals)
    org.as_of = datetime(2027, 1, 12, 2, tzinfo=UTC)
    return org


def _settings(tmp: Path, as_of: str) -> Any:
    return one_plan_settings(tmp, PLAN, "p2026", as_of)


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The 2026 plan synced on the night of 1 January 2027 (a full night), then on 12 January (an incremental one,
    ``pac sync``'s default), the CRM's AX-CLI record read after each."""
    tmp = tmp_path_factory.mktemp("yearend-figures")
    seen: dict[str, Any] = {}
    with start_sandbox(_org(), hubspot=False) as server:
        sf = server.api("salesforce")
        for night in NIGHTS:
            settings = _settings(tmp, night)
            sandbox_sync_clean(settings, server, plan="p2026", provision=not seen)
            [row] = [r for r in sf.rows("PAC_Axis__c") if str(r.get("PAC_Key__c", "")).endswith(":AX-CLI")]
            seen[night] = {"row": dict(row), "settings": settings}
    yield seen


def test_the_night_after_the_end_writes_the_plans_conversion(nights: dict[str, Any]) -> None:
    """12 January 2027: ``PAC_Visit_To_Win__c`` is 40 (2 / 5), as on the night of 1 January, and the won revenue
    leaves the 2027 deal out (seen failing before the fix: 60.0, Beta's 6 January 2027 deal counted)."""
    first, meeting = (nights[n]["row"] for n in NIGHTS)
    assert (first["PAC_Visit_To_Win__c"], first["PAC_Won_Revenue__c"]) == (40, 95_000)
    assert (meeting["PAC_Visit_To_Win__c"], meeting["PAC_Won_Revenue__c"]) == (40, 95_000)


def test_the_crm_and_the_report_agree(nights: dict[str, Any]) -> None:
    """``pac report`` of the ended plan (evaluated at its end) reads the same conversion as the CRM's record."""
    settings = nights[NIGHTS[1]]["settings"]
    plan = load_plan(settings.plan("p2026").file)
    inputs = load_report_inputs(settings, "p2026",
                                as_of=report_instant(plan, None, datetime.fromisoformat(NIGHTS[1])))
    [kpi] = [k for k in inputs.evaluation.axis("AX-CLI").kpis if k.kpi == "visit_to_win"]
    assert (kpi.numerator, kpi.denominator) == (2, 5)
    assert nights[NIGHTS[1]]["row"]["PAC_Visit_To_Win__c"] == 40
