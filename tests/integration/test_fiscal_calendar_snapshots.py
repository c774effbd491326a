"""A 4-4-5 plan keeps its closed quarters (``plan.fiscal_calendar``): the scheduler's start-up catch-up takes each
declared quarter that has ended, labelled by its days, and ``pac report --quarter Q2`` is then the kept snapshot, a
visit typed late only saying what changed since. Sandbox CRM (Salesforce), real client library.

Hand computation (New York time; fiscal year from Sunday 31 January 2027, quarters of 13 weeks): Q1 is 31 January to
1 May, Q2 2 May to 31 July, closed at 1 August 00:00 EDT (04:00 UTC). Julie's visits: Alpha at 23:30 on 1 May (03:30
UTC on 2 May: Q1), Beta at 00:15 on 2 May (Q2), Gamma at 23:30 on 31 July (03:30 UTC on 1 August: Q2). A-Q2 ("visit 3
customers in Q2") has 2 of 3 at the close. Won: Alpha 10,000 on 31 July (Q2), Beta 5,000 on 1 August (Q3): Q2's
revenue is 10,000. On 10 August a visit to Delta on 20 July is typed late: today's Q2 has 3 of 3, the kept report
still 2 of 3, and the line since the close says 2 -> 3.

Before: the catch-up took no quarterly snapshot (such a plan was refused one) and the report of Q2 was recomputed
from the store of 10 August (3 of 3), not the figures as they were at the close.
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
from sandbox_crm.demo_org import JULIE, DemoAccount, DemoActivity, DemoDeal, DemoOrg, DemoUser
from sandbox_crm.run import start_sandbox
from sync_jobs.app import load_report_inputs
from sync_jobs.scheduler import catch_up_snapshots
from sync_jobs.store import open_store, repo
from sync_jobs.store.db import stored_instant
from tests.fakes import one_plan_settings, sandbox_sync_clean

PLAN = """plan:
  name: "Retail FY2027"
  year: 2027
  timezone: America/New_York
  currency: EUR
  language: en
  period: "2027-01-31..2028-01-29"
  fiscal_calendar: 4-4-5
people:
  - {email: julie.martin@durand-process.example, name: Julie Martin, role: rep}
segments:
  - {id: S-RA, name: Rhône-Alpes, kind: horizontale, scope: {region: Auvergne-Rhône-Alpes}}
axes:
  - id: AX-CLI
    name: Rhône-Alpes customers
    segment: S-RA
    scope: {account_type: Client}
    objective: {additional_revenue: 20000, baseline: 0, period: "Q2"}
actions:
  - id: A-Q2
    axis: AX-CLI
    text: "Visit 3 customers in Q2"
    who: julie.martin@durand-process.example
    what: {activity: visite, count: 3}
    when: "Q2"
"""
Q1, Q2 = "2027-01-31..2027-05-01", "2027-05-02..2027-07-31"
NIGHTS = ("2027-08-01T06:00:00-04:00", "2027-08-10T06:00:00-04:00")


def _org() -> DemoOrg:
    def account(key: str) -> DemoAccount:
        return DemoAccount(key, key.title(), "69001", "Lyon", "FR", "Chimie", "Client", Decimal(1_000_000), JULIE,
                           "salesforce")

    def visit(key: str, account_key: str, at: datetime) -> DemoActivity:
        return DemoActivity(key, "visit", "completed", at, None, JULIE, account_key, f"visit {account_key}", False,
                            "salesforce")

    def won(key: str, account_key: str, amount: int, day: date) -> DemoDeal:
        return DemoDeal(key, f"Deal {key}", account_key, JULIE, Decimal(amount), "EUR", day, "won")

    activities = [visit("v1", "alpha", datetime(2027, 5, 2, 3, 30, tzinfo=UTC)),
                  visit("v2", "beta", datetime(2027, 5, 2, 4, 15, tzinfo=UTC)),
                  visit("v3", "gamma", datetime(2027, 8, 1, 3, 30, tzinfo=UTC))]
    deals = [won("d1", "alpha", 10_000, date(2027, 7, 31)), won("d2", "beta", 5_000, date(2027, 8, 1))]
    org = DemoOrg([DemoUser("u-julie", JULIE, "Julie Martin", "salesforce")],
                  [account(k) for k in ("alpha", "beta", "gamma", "delta")], activities, deals)
    org.as_of = datetime(2027, 8, 1, 10, tzinfo=UTC)
    return org


def _settings(tmp: Path, as_of: str) -> Any:
    return one_plan_settings(tmp, PLAN, "retail", as_of)


@pytest.fixture(scope="module")
def kept(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Synced on the night of 1 August (the scheduler then starting: its catch-up), then on 10 August after a late
    visit was typed."""
    tmp = tmp_path_factory.mktemp("fiscal-snapshots")
    out: dict[str, Any] = {}
    with start_sandbox(_org(), hubspot=False) as server:
        settings = _settings(tmp, NIGHTS[0])
        sandbox_sync_clean(settings, server, plan="retail", provision=True)
        out["caught_up"] = catch_up_snapshots(settings)
        sf = server.api("salesforce")
        delta = next(r["Id"] for r in sf.rows("Account") if r["Name"] == "Delta")
        at = "2027-07-20T14:00:00.000+0000"
        sf.create("Event", OwnerId=sf.ids["u-julie"], WhatId=delta, Type="Visite client", Subject="Visite",
                  ActivityDateTime=at, StartDateTime=at, DurationInMinutes=60, Statut__c="Réalisée")
        settings = _settings(tmp, NIGHTS[1])
        sandbox_sync_clean(settings, server, plan="retail")
        out["settings"] = settings
        yield out


def test_the_catch_up_keeps_each_declared_quarter_closed(kept: dict[str, Any]) -> None:
    assert kept["caught_up"]["quarterly:retail"] == [Q1, Q2]
    plan = load_plan(kept["settings"].plan("retail").file)
    engine = open_store(kept["settings"].database())
    try:
        rows = {r.label: r for r in repo.snapshots(engine, plan.id)}
        assert [rows[q].kind for q in (Q1, Q2)] == ["quarterly", "quarterly"]
        # evaluated as of each close, 00:00 New York the day after the quarter's last day
        assert stored_instant(rows[Q2].taken_at) == datetime(2027, 8, 1, 4, tzinfo=UTC)
        assert stored_instant(rows[Q1].taken_at) == datetime(2027, 5, 2, 4, tzinfo=UTC)
    finally:
        engine.dispose()


def test_the_report_of_q2_is_the_kept_snapshot_and_says_what_changed_since(kept: dict[str, Any]) -> None:
    settings = kept["settings"]
    plan = load_plan(settings.plan("retail").file)
    as_of = report_instant(plan, "Q2", datetime.fromisoformat(NIGHTS[1]))
    assert as_of == datetime.fromisoformat("2027-08-01T00:00:00-04:00")
    inputs = load_report_inputs(settings, "retail", as_of=as_of, closed=True)
    assert inputs.basis is not None and inputs.basis.kind == "snapshot"
    action = inputs.evaluation.action("A-Q2")
    assert (action.done, action.target) == (2, 3)
    assert inputs.evaluation.axis("AX-CLI").revenue == Decimal(10_000)
    assert inputs.basis.since.actions == (("A-Q2", 2, 3, 3, 3),)
    restated = load_report_inputs(settings, "retail", as_of=as_of, closed=True, restated=True)
    assert restated.evaluation.action("A-Q2").done == 3
