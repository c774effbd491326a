"""An objective written as a percentage through a whole run (the real engine, the store, an in-memory CRM): the CRM
gets the amount, ``pac explain AXIS`` and the report say where it comes from, ``pac sync`` warns of a scope with no
history (its objective is 0)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner

from pac_config.settings import load_settings
from pac_core.records import Deal, DealStage
from sync_jobs import pipeline
from sync_jobs.app import load_report_inputs
from sync_jobs.cli import main
from sync_jobs.report import render_html
from tests.fakes import SMALL_PLAN, Clock, FakeConnector, account, user, visit, write_settings

W18 = datetime(2027, 5, 4, 8, 0, tzinfo=UTC)
PLAN = SMALL_PLAN.replace(
    "  - {id: AX-1, name: Dormant customers, segment: S-1, status: active}",
    "  - id: AX-1\n    name: Customers +30 %\n    segment: S-1\n    status: active\n"
    "    objective: {additional_revenue: \"+30 %\", budget: 5000, margin_rate: 0.4}")


def _deal(ident: str, amount: str, close: date) -> Deal:
    return Deal(ident, "fake", "a1", "u1", Decimal(amount), "EUR", close, DealStage.WON, modified_at=W18)


def _synced(tmp_path: Path, database_url: str, deals: tuple[Deal, ...],
            as_of: str = "2027-07-01T00:00:00+02:00") -> tuple[Path, FakeConnector, object]:
    path = write_settings(tmp_path, database_url, plan_text=PLAN)
    path.write_text(path.read_text(encoding="utf-8").replace(
        "connectors: [fake]}", f"connectors: [fake], as_of: '{as_of}'}}"), encoding="utf-8")
    crm = FakeConnector()
    crm.put(user("u1", "julie@example.com"), user("u2", "lea@example.com"),   # A-02 is Léa's: a user, no warning
            account("a1"), account("a2"), visit("v1", "u1", "a1", W18), *deals)
    result = pipeline.run_sync(None, load_settings(path, env={}), connectors={"fake": crm}, clock=Clock())
    return path, crm, result


HISTORY = (_deal("b1", "80000", date(2026, 3, 10)), _deal("b2", "30000", date(2026, 11, 2)),   # 2026: 110,000
           _deal("n1", "50000", date(2027, 2, 1)))


def test_the_crm_gets_the_amount_and_explain_and_the_report_say_where_it_comes_from(tmp_path: Path,
                                                                                     database_url: str) -> None:
    """+30 % of 2026's 110,000: the CRM's objective is 33,000.00; explain and the report (both languages) show the
    sum."""
    path, crm, result = _synced(tmp_path, database_url, HISTORY)
    axis = crm.pac[("axis", "test-plan:AX-1")]
    assert axis["objective"] == Decimal("33000.00")
    assert result.unmeasured == []

    shown = CliRunner().invoke(main, ["explain", "AX-1"], env={"PAC_CONFIG": str(path), "COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "Objective: +30% of €110,000 (the scope's 2026 revenue) = €33,000" in shown.output
    assert "objective €33,000.00" in shown.output

    inputs = load_report_inputs(load_settings(path, env={}))
    english = unescape(render_html(inputs, "en"))
    french = unescape(render_html(inputs, "fr")).replace("\u202f", " ").replace("\u00a0", " ")
    assert "+30% of €110,000 (the scope's 2026 revenue) = €33,000" in english
    assert "+30 % de 110 000 € (CA 2026 du périmètre) = 33 000 €" in french
    # as of 30 June: 50,000 against 80,000 a year earlier to date, -30,000 of the 33,000
    assert re.findall(r"<b>([^<]*)</b> / ([^<]*)</div>", french)[:1] == [("−30 000 €", "33 000 €")]


def test_a_scope_with_no_history_is_warned_of_and_its_objective_is_zero(tmp_path: Path, database_url: str) -> None:
    _, crm, result = _synced(tmp_path, database_url, (_deal("n1", "50000", date(2027, 2, 1)),))
    assert crm.pac[("axis", "test-plan:AX-1")]["objective"] == Decimal("0.00")
    assert result.unmeasured == [
        "axis AX-1: a growth of +30% gives no objective: its scope won no deal in 2026 (write the additional revenue "
        "as an amount, e.g. additional_revenue: 20000)"]


@pytest.fixture
def database_url(tmp_path: Path) -> str:   # SQLite only: the store is not what this tests
    return f"sqlite:///{tmp_path / 'pac.db'}"


def test_before_the_base_year_is_over_the_crm_gets_the_base_to_date_and_explain_says_provisional(
        tmp_path: Path, database_url: str) -> None:
    """The 2027 plan synced on 5 December 2026 (audit yearend F2): a 2026 deal closed on 20 December is after the
    evaluation date, so the base is 110,000 to date (not 130,000) and the objective 33,000 (not 39,000), provisional."""
    deals = (*HISTORY, _deal("b3", "20000", date(2026, 12, 20)))
    path, crm, _ = _synced(tmp_path, database_url, deals, "2026-12-05T02:00:00+01:00")
    assert crm.pac[("axis", "test-plan:AX-1")]["objective"] == Decimal("33000.00")
    shown = CliRunner().invoke(main, ["explain", "AX-1"], env={"PAC_CONFIG": str(path), "COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert ("Objective: +30% of €110,000 (the scope's 2026 revenue to December 5, provisional: 2026 is not over) "
            "= €33,000") in shown.output
