"""``pac snapshot --period`` as ops staff run it: a past month or quarter kept, a running or foreign one refused."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from html import unescape
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
        taken again with --replace, it replaces the first (one per label)."""
        for extra in ((), ("--replace",)):
            result = pac("snapshot", "--period", "2027-Q1", *extra, config=Path(synced.source), cwd=tmp_path)
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
        assert "2027-02..2027-04 (the plan's Q1 of fiscal year 2027-2028): quarterly" in first.stdout
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


Q1_PLAN = SMALL_PLAN + """\
  - id: A-03
    axis: AX-1
    text: "Visit 3 customers in March"
    who: julie@example.com
    what: {activity: visit, count: 3}
    when: "March 2027"
"""


@pytest.fixture
def closed_q1(tmp_path, database_url):
    """The small plan with A-03 (3 visits in March), synced on 20 May with two March visits, Q1 kept by
    `pac snapshot`; then a third March visit entered late and the plan edited (A-02 removed, A-04 added), and
    synced again: what the audit's Q1 report of 10-15 May met."""
    path = write_settings(tmp_path, database_url, plan_text=Q1_PLAN)
    path.write_text(path.read_text(encoding="utf-8").replace(
        "connectors: [fake]}", "connectors: [fake], as_of: '2027-05-20T18:00:00+02:00'}"), encoding="utf-8")
    settings = load_settings(path, env={})
    crm = FakeConnector()
    crm.put(user("u1", "julie@example.com"), account("a1"), account("a2"), account("a3"),
            visit("v1", "u1", "a1", datetime(2027, 3, 4, 8, tzinfo=UTC)),
            visit("v2", "u1", "a2", datetime(2027, 3, 5, 8, tzinfo=UTC)))
    run_sync(None, settings, connectors={"fake": crm}, clock=Clock(), evaluator=fake_evaluate)
    kept = pac("snapshot", "--period", "2027-Q1", config=path, cwd=tmp_path)
    assert kept.returncode == 0, kept.stderr
    late = datetime(2027, 5, 10, tzinfo=UTC)
    crm.put(visit("v3", "u1", "a3", datetime(2027, 3, 20, 8, tzinfo=UTC), modified_at=late))
    plan = tmp_path / "plan.pac.yaml"
    text = plan.read_text(encoding="utf-8")
    start, end = text.index("  - id: A-02"), text.index("  - id: A-03")
    plan.write_text(text[:start] + text[end:] + text[end:].replace("A-03", "A-04").replace(
        "Visit 3 customers in March", "Visit 1 customer in March").replace("count: 3", "count: 1"), encoding="utf-8")
    run_sync(None, settings, connectors={"fake": crm}, clock=Clock(datetime(2027, 5, 20, 17, tzinfo=UTC)),
             evaluator=fake_evaluate)
    return path


def _rows(path: Path) -> dict[str, list[str]]:
    import csv

    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows, path
    return {row[1]: row for row in rows[1:]}


class TestClosedQuarterReport:
    """Audit B, F1-F2: `pac report --quarter 2027-Q1` of a closed quarter re-evaluated today's plan file on today's
    records: a visit entered in May turned A-03 from 2/3 to 3/3 and the plan edited in May showed in Q1."""

    def test_the_kept_snapshot_is_the_report_with_what_changed_since(self, closed_q1, tmp_path) -> None:
        """The Q1 report (CSV, HTML, xlsx) is the snapshot: A-03 2/3, A-02 still there, A-04 absent; the header
        says so, and a note lists the changes since the close."""
        config = closed_q1
        for name in ("q1.csv", "q1.html", "q1.xlsx"):
            done = pac("report", "--quarter", "2027-Q1", "-o", name, config=config, cwd=tmp_path)
            assert done.returncode == 0, done.stderr
        rows = _rows(tmp_path / "q1.csv")
        assert sorted(rows) == ["A-01", "A-02", "A-03"]
        assert (rows["A-03"][8], rows["A-03"][9]) == ("2", "3")
        html = (tmp_path / "q1.html").read_text(encoding="utf-8")
        assert ("Status at the end of March 31, 2027 (snapshot of May 20, 2027, with the plan and settings of May 20, "
                "2027)") in html
        assert "Since the close" in html and "A-03 2/3 → 3/3" in html
        assert "added to the plan since: A-04" in html and "removed from the plan since: A-02" in html
        from openpyxl import load_workbook

        sheet = load_workbook(tmp_path / "q1.xlsx").worksheets[0]
        assert "(snapshot of May 20, 2027, with the plan and settings of May 20, 2027)" in str(sheet["A2"].value)
        assert "A-03 2/3 → 3/3" in str(sheet["A2"].value)

    def test_restated_is_todays_re_evaluation(self, closed_q1, tmp_path) -> None:
        """`--restated`: the quarter re-evaluated on today's records and plan (A-03 3/3, A-04 in, A-02 out), the
        header saying so."""
        done = pac("report", "--quarter", "2027-Q1", "--restated", "-o", "r.csv", config=closed_q1, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        rows = _rows(tmp_path / "r.csv")
        assert sorted(rows) == ["A-01", "A-03", "A-04"]
        assert (rows["A-03"][8], rows["A-03"][9]) == ("3", "3")
        assert pac("report", "--quarter", "2027-Q1", "--restated", "-o", "r.html", config=closed_q1,
                   cwd=tmp_path).returncode == 0
        html = (tmp_path / "r.html").read_text(encoding="utf-8")
        assert "recalculated on today's entries and plan" in unescape(html)

    def test_a_retake_is_refused_then_replaced_with_what_changes(self, closed_q1, tmp_path) -> None:
        """Audit B, F3: taken again, Q1 was silently replaced. Now refused (exit 2) naming the period, when it was
        taken and --replace; with --replace, what changes is printed and the new figures are kept."""
        refused = pac("snapshot", "--period", "2027-Q1", config=closed_q1, cwd=tmp_path)
        assert refused.returncode == 2, refused.stdout
        assert "2027-Q1 is already kept (taken on 2027-05-20" in refused.stderr and "--replace" in refused.stderr
        assert pac("report", "--quarter", "2027-Q1", "-o", "a.csv", config=closed_q1,
                   cwd=tmp_path).returncode == 0
        assert _rows(tmp_path / "a.csv")["A-03"][8] == "2"
        replaced = pac("snapshot", "--period", "2027-Q1", "--replace", config=closed_q1, cwd=tmp_path)
        assert replaced.returncode == 0, replaced.stderr
        assert "A-03 2/3 → 3/3" in replaced.stdout and "replaced" in replaced.stdout
        assert pac("report", "--quarter", "2027-Q1", "-o", "b.csv", config=closed_q1,
                   cwd=tmp_path).returncode == 0
        assert _rows(tmp_path / "b.csv")["A-03"][8] == "3"
