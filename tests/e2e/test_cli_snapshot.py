"""``pac snapshot --period`` as ops staff run it: a past month or quarter kept, a running or foreign one refused."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pac_config.settings import load_settings
from sync_jobs.pipeline import run_sync
from sync_jobs.store import open_store, repo
from tests.cli import run_pac
from tests.fakes import (
    SMALL_PLAN,
    Clock,
    FakeConnector,
    account,
    fake_evaluate,
    synced_one_visit,
    user,
    visit,
    write_settings,
)


def pac(*args: str, config: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PAC_")}, "PAC_CONFIG": str(config)}
    return run_pac(*args, env=env, cwd=cwd, timeout=300)


@pytest.fixture
def synced(tmp_path, database_url):
    """A store holding one sync of the small plan (visits on 4 and 5 May 2027), its clock on 20 May 2027."""
    path = write_settings(tmp_path, database_url)
    path.write_text(path.read_text(encoding="utf-8").replace(
        "connectors: [fake]}", "connectors: [fake], as_of: '2027-05-20T18:00:00+02:00'}"), encoding="utf-8")
    settings = load_settings(path, env={})
    crm = FakeConnector()
    crm.put(user("u1", "julie@example.com"), account("a1"), account("a2"),
            visit("v1", "u1", "a1", datetime(2027, 5, 4, 8, tzinfo=UTC)),
            visit("v2", "u1", "a2", datetime(2027, 5, 5, 8, tzinfo=UTC)))
    run_sync(None, settings, connectors={"fake": crm}, clock=Clock(), evaluator=fake_evaluate)
    return settings


def _kept(settings) -> list[tuple[str, str, datetime]]:
    engine = open_store(settings.database())
    try:
        return [(s.kind, s.label, s.taken_at) for s in repo.snapshots(engine, "test-plan")]
    finally:
        engine.dispose()


class TestSnapshotCommand:
    def test_a_past_quarter_as_of_its_end(self, synced, tmp_path) -> None:
        """`pac snapshot --period 2027-Q1` keeps Q1 evaluated at its end (1 April 00:00 Paris), exit 0;
        taken again, it replaces the first (one per label)."""
        for _ in range(2):
            result = pac("snapshot", "--period", "2027-Q1", config=Path(synced.source), cwd=tmp_path)
            assert result.returncode == 0, result.stderr
        assert "2027-Q1: quarterly" in result.stdout
        assert "the end of its last day, 2027-03-31 (Europe/Paris)" in result.stdout
        assert _kept(synced) == [("quarterly", "2027-Q1", datetime(2027, 3, 31, 22, 0, tzinfo=UTC))]

    def test_a_past_month(self, synced, tmp_path) -> None:
        """`--period 2027-04` keeps April as a monthly snapshot."""
        result = pac("snapshot", "--period", "2027-04", "--plan", "test", config=Path(synced.source), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert [(k, label) for k, label, _ in _kept(synced)] == [("monthly", "2027-04")]

    @pytest.mark.parametrize(("period", "words"), [
        ("2027-Q2", "2027-Q2 has not ended yet"), ("2027-06", "2027-06 has not ended yet"),
        ("2026-Q4", "outside the plan's period"), ("2027-13", "write a month as 2027-03 or a quarter as 2027-Q1")])
    def test_refused_with_the_choices(self, synced, tmp_path, period: str, words: str) -> None:
        """A running, future, foreign or malformed period: exit 2, the reason and what can be taken; nothing kept."""
        result = pac("snapshot", "--period", period, config=Path(synced.source), cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert words in result.stderr
        if "ended" in words or "outside" in words:
            assert "2027-Q1" in result.stderr or "2027-01, 2027-02, 2027-03, 2027-04" in result.stderr
        assert _kept(synced) == []


@pytest.fixture
def synced_february(tmp_path, database_url):
    """The small plan over a fiscal year from 1 February 2027 (Chicago), synced, its clock on 2 August 2027."""
    plan_text = SMALL_PLAN.replace("  timezone: Europe/Paris\n",
                                   '  timezone: America/Chicago\n  period: "2027-02-01..2028-01-31"\n')
    return synced_one_visit(tmp_path, database_url, "2027-08-02T09:00:00-05:00", datetime(2027, 5, 4, 15, tzinfo=UTC),
                            plan_text=plan_text)


class TestFiscalQuarters:
    """Audit US, F5: on a year from 1 February, `--period Q1` was refused ("'Q1' is not a month or a quarter")
    and `--period 2027-Q1` kept January-March, a quarter the plan does not have."""

    def test_the_plans_quarter_by_its_name(self, synced_february, tmp_path) -> None:
        """`--period Q1` keeps February-April, evaluated at the end of 30 April (Chicago), labelled by its months;
        `--period Q2` May-July."""
        config = Path(synced_february.source)
        first = pac("snapshot", "--period", "Q1", config=config, cwd=tmp_path)
        assert first.returncode == 0, first.stderr
        assert "2027-02..2027-04: quarterly" in first.stdout
        assert "the end of its last day, 2027-04-30 (America/Chicago)" in first.stdout
        assert pac("snapshot", "--period", "Q2", config=config, cwd=tmp_path).returncode == 0
        assert _kept(synced_february) == [("quarterly", "2027-02..2027-04", datetime(2027, 5, 1, 5, tzinfo=UTC)),
                                          ("quarterly", "2027-05..2027-07", datetime(2027, 8, 1, 5, tzinfo=UTC))]

    def test_a_calendar_quarter_is_refused_naming_the_plans(self, synced_february, tmp_path) -> None:
        """`--period 2027-Q1` (January-March) is none of the plan's quarters: exit 2 with its quarters; nothing kept."""
        result = pac("snapshot", "--period", "2027-Q1", config=Path(synced_february.source), cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert "2027-Q1 (January to March 2027) is not one of the plan's quarters" in result.stderr
        assert "Q1 = 2027-02..2027-04" in result.stderr
        assert _kept(synced_february) == []

    def test_the_running_quarter_is_refused(self, synced_february, tmp_path) -> None:
        """On 2 August, Q3 (August-October) has not ended: refused with the closed quarters."""
        result = pac("snapshot", "--period", "Q3", config=Path(synced_february.source), cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert "2027-08..2027-10 has not ended yet" in result.stderr
        assert "2027-02..2027-04, 2027-05..2027-07" in result.stderr

    def test_the_report_names_the_plans_quarters_by_their_months(self, synced_february, tmp_path) -> None:
        """After `--period Q1`, `pac report --quarter Q2` is headed Q2 with its months and its columns are Q1 Feb–Apr
        and Q2 May–Jul (the audit's column read "Jul–Sep 2027"); `--quarter 2027-Q2` (April-June) is refused
        naming the plan's quarters."""
        config = Path(synced_february.source)
        assert pac("snapshot", "--period", "Q1", config=config, cwd=tmp_path).returncode == 0
        done = pac("report", "--quarter", "Q2", "-o", "q2.html", config=config, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        html = (tmp_path / "q2.html").read_text(encoding="utf-8")
        assert "Q2 of fiscal year 2027-2028 (May–July 2027)" in html
        assert ">Q1 Feb–Apr</text>" in html and ">Q2 May–Jul</text>" in html
        assert "Jul–Sep" not in html
        refused = pac("report", "--quarter", "2027-Q2", "-o", "cq2.html", config=config, cwd=tmp_path)
        assert refused.returncode == 2, refused.stderr
        assert "2027-Q2 (April to June 2027) is not one of the plan's quarters (its year starts on 1 February)" \
            in refused.stderr
        assert "Q2 (2027-05-01 to 2027-07-31)" in refused.stderr
        assert not (tmp_path / "cq2.html").exists()
