"""An objective written as a percentage through a whole run (the real engine, the store, an in-memory CRM): the CRM
gets the amount."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from pac_config.settings import load_settings
from pac_core.records import Deal, DealStage
from sync_jobs import pipeline
from tests.fakes import SMALL_PLAN, Clock, FakeConnector, account, user, visit, write_settings

W18 = datetime(2027, 5, 4, 8, 0, tzinfo=UTC)
PLAN = SMALL_PLAN.replace(
    "  - {id: AX-1, name: Dormant customers, segment: S-1, status: active}",
    "  - id: AX-1\n    name: Customers +30 %\n    segment: S-1\n    status: active\n"
    "    objective: {additional_revenue: \"+30 %\", budget: 5000, margin_rate: 0.4}")


def _deal(ident: str, amount: str, close: date) -> Deal:
    return Deal(ident, "fake", "a1", "u1", Decimal(amount), "EUR", close, DealStage.WON, modified_at=W18)


def _synced(tmp_path: Path, database_url: str, deals: tuple[Deal, ...]) -> tuple[Path, FakeConnector, object]:
    path = write_settings(tmp_path, database_url, plan_text=PLAN)
    path.write_text(path.read_text(encoding="utf-8").replace(
        "connectors: [fake]}", "connectors: [fake], as_of: '2027-07-01T00:00:00+02:00'}"), encoding="utf-8")
    crm = FakeConnector()
    crm.put(user("u1", "julie@example.com"), account("a1"), account("a2"), visit("v1", "u1", "a1", W18), *deals)
    result = pipeline.run_sync(None, load_settings(path, env={}), connectors={"fake": crm}, clock=Clock())
    return path, crm, result


HISTORY = (_deal("b1", "80000", date(2026, 3, 10)), _deal("b2", "30000", date(2026, 11, 2)),   # 2026: 110,000
           _deal("n1", "50000", date(2027, 2, 1)))


def test_the_crm_gets_the_amount(tmp_path: Path, database_url: str) -> None:
    """+30 % of 2026's 110,000: the CRM's objective is 33,000.00, as if 33000 had been written."""
    _, crm, _ = _synced(tmp_path, database_url, HISTORY)
    assert crm.pac[("axis", "test-plan:AX-1")]["objective"] == Decimal("33000.00")


def test_a_scope_with_no_history_gets_an_objective_of_zero(tmp_path: Path, database_url: str) -> None:
    _, crm, _ = _synced(tmp_path, database_url, (_deal("n1", "50000", date(2027, 2, 1)),))
    assert crm.pac[("axis", "test-plan:AX-1")]["objective"] == Decimal("0.00")


@pytest.fixture
def database_url(tmp_path: Path) -> str:   # SQLite only: the store is not what this tests
    return f"sqlite:///{tmp_path / 'pac.db'}"
