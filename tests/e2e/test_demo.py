"""`pac demo`: the README's first command, end to end on a fresh directory."""

from __future__ import annotations

import re
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from pac_config.settings import load_settings
from tests.cli import run_pac
from tests.e2e.conftest import DemoRun, copy_demo_store
from tests.explain_agreement import store_disagreements


@pytest.fixture(scope="module")
def demo(demo_run: DemoRun) -> tuple[DemoRun, Path, dict[str, str]]:
    """The session's ``pac demo --lang en`` (tests/e2e/conftest.py): its output, its directory, its environment.
    These tests only read its directory (the commands they run read the store)."""
    return demo_run, demo_run.cwd, demo_run.env


@pytest.fixture(scope="module")
def again(demo, tmp_path_factory: pytest.TempPathFactory) -> tuple[CompletedProcess[str], Path]:
    """``pac demo`` run again, with --db on a copy of the session's demo store elsewhere and --output beside it, from
    that directory (which has no .pac/ of its own): its output and the directory."""
    run, _, env = demo
    where = tmp_path_factory.mktemp("elsewhere")
    copy_demo_store(run, where)
    done = run_pac("--log-format", "json", "demo", "--db", str(where / "demo.db"), "--output",
                   str(where / "again.html"), cwd=where, env=env, timeout=600)
    return done, where


class TestDemo:
    def test_demo_runs_end_to_end(self, demo) -> None:
        """Exit 0, the plan's progress printed with A-01 at 4 / 5, a second sync that writes nothing."""
        done, _, _ = demo
        assert done.returncode == 0, done.stdout + done.stderr
        a01 = next(line for line in done.stdout.splitlines() if "│ A-01" in line)
        assert "4 / 5" in a01
        assert "Second sync (nothing changed in the CRMs): wrote 0 records" in done.stdout

    def test_first_sync_partial_with_new_rejections_second_ok(self, demo) -> None:
        """The first sync is partial (2 rejected, all new); the second rejects them again, known: status ok."""
        done, _, _ = demo
        assert "First sync (full read): partial" in done.stdout and "2 rejected (2 new)" in done.stdout
        second = " ".join(done.stdout.split("Second sync", 1)[-1].split())   # as wrapped at the console's width
        assert "status ok (2 rejected, 0 new" in second.split("Snapshots", 1)[0], second

    def test_second_sync_says_its_calls_are_reads_and_no_write(self, demo) -> None:
        """A night that writes nothing makes no write call, and the line says so: "22 of them reads" left a newcomer
        asking what the other 7 of 29 calls wrote (the login, two describes, owners, pipelines and schemas: reads
        too). Audit newcomer2."""
        done, _, _ = demo
        second = " ".join(done.stdout.split("Second sync", 1)[-1].split()).split("Snapshots", 1)[0]
        found = re.search(r"(\d+) API calls \(salesforce (\d+), hubspot (\d+): (\d+) record reads, (\d+) login, "
                          r"describe and list reads, 0 writes\)", second)
        assert found is not None, second
        total, sf, hs, records, other = (int(g) for g in found.groups())
        assert total == sf + hs == records + other and records > 0 and other > 0, second

    def test_api_calls_left_are_grouped_by_thousands(self, demo) -> None:
        """Each CRM's API line says the calls left today as every other figure of the run is shown, grouped by
        thousands (« 99,972 left today », not « 99972 »)."""
        done, _, _ = demo
        lines = [line for line in done.stdout.splitlines() if line.startswith("API ")]
        assert {line.split(":")[0] for line in lines} == {"API sf-main", "API hs-west"}, lines
        for line in lines:
            assert re.fullmatch(r"API [\w-]+: [\d,]+ calls this run, \d{1,3}(,\d{3})+ left today", line), line

    def test_demo_writes_the_report_and_says_where_to_look(self, demo) -> None:
        """The HTML report exists and the next commands are printed."""
        done, cwd, _ = demo
        assert (cwd / "out" / "pac-report.html").stat().st_size > 1000
        assert "pac explain A-01" in done.stdout and "pac status" in done.stdout

    def test_demo_prints_a_clean_narrative(self, demo) -> None:
        """Without -v no log line reaches the terminal: stdout holds the story, stderr only the (vanished) bars."""
        done, _, _ = demo
        assert " INFO " not in done.stderr and " INFO " not in done.stdout
        assert "sync.end" not in done.stderr

    def test_awkward_records_are_reported_with_their_reasons(self, demo) -> None:
        """The rejected column counts the event with no account and the CHF deal, each listed with its reason;
        the amount-less won deal is counted (worth 0) and warned about; the handled ones (USD, all-day, script
        name, no e-mail) are said so."""
        done, _, _ = demo
        rows = {line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:-1]]
                for line in done.stdout.splitlines() if line.startswith("│ ") and line.count("│") == 8}
        assert rows["activities"][1] == "1" and rows["deals"][1] == "1" and rows["deals"][2] == "1", rows
        assert "data-quality warning, not a rejection" in done.stdout
        # the visit with no account, in words that say what to change (audit sfhints; before: "no_account: ...")
        for reason in ("Event is related to no account", "unknown_currency", "has no amount", "USD counted as",
                       "all-day event", "stored as text", "has no e-mail"):
            assert reason in done.stdout, reason

    def test_next_step_commands_work(self, demo) -> None:
        """`pac explain A-01` and `pac status`, as printed, read the demo's store."""
        _, cwd, env = demo
        env = {**env, "PAC_CONFIG": str(cwd / ".pac" / "demo.yaml")}
        explain = run_pac("explain", "A-01", cwd=cwd, env=env, timeout=120)
        status = run_pac("status", cwd=cwd, env=env, timeout=120)
        assert explain.returncode == 0 and "4 / 5" in explain.stdout
        assert status.returncode == 0 and status.stdout.count(" ok ") + status.stdout.count("partial") >= 2

    def test_next_step_commands_work_as_printed(self, demo, tmp_path: Path) -> None:
        """Without PAC_CONFIG, `pac explain`, `pac status` and `pac report` in the demo's directory read its store."""
        _, cwd, env = demo
        explain = run_pac("explain", "A-01", cwd=cwd, env=env, timeout=120)
        status = run_pac("status", cwd=cwd, env=env, timeout=120)
        report = run_pac("report", "-o", str(tmp_path / "again.html"), cwd=cwd, env=env, timeout=120)
        assert explain.returncode == 0 and "4 / 5" in explain.stdout, explain.stderr
        assert "demo" in explain.stderr
        assert status.returncode == 0 and status.stdout.count(" ok ") + status.stdout.count("partial") >= 2
        assert report.returncode == 0 and "as of 2027-05-20T18:00" in report.stdout, report.stderr

    def test_explain_an_axis_piped_shows_every_record_id_whole(self, demo) -> None:
        """`pac explain AXIS` into a pipe (160 columns): each deal's record id is printed whole, on one line, so a
        manager can open it in the CRM (audit newcomer F9: every Salesforce id was cut to `0065g00000001…`)."""
        _, cwd, env = demo
        env = {**env, "PAC_CONFIG": str(cwd / ".pac" / "demo.yaml")}
        done = run_pac("explain", "AX-RA-MAINT", "--lang", "en", cwd=cwd, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        tables = done.stdout.split("\n┏")     # the revenue's deals, then the baseline's (audit explainbase)
        rows = [[cell.strip() for cell in line.split("│")[2:4]] for line in done.stdout.splitlines()
                if line.startswith(("│ ✔", "│ ✘"))]
        # 33 counted, 7 left out by the MAINT product condition, 4 MAINT deals won in December 2026, outside the period
        assert sum(line.startswith(("│ ✔", "│ ✘")) for line in tables[1].splitlines()) == 44, done.stdout
        assert len(tables) == 3 and "\nBaseline €475,200.00: deals won 2026-01-01 – " in tables[1], done.stdout
        assert len(rows) > 44
        cut = [record for record, crm in rows if not (re.fullmatch(r"[0-9A-Za-z]{18}", record) if crm == "sf-main"
                                                      else re.fullmatch(r"[0-9]+", record))]
        assert cut == [], done.stdout[:3000]
        assert max(len(line) for line in done.stdout.splitlines()) <= 160

    def test_explain_agrees_with_the_figures_of_every_action_and_axis(self, demo) -> None:
        """Each of A-01..A-20 and of the 8 axes explained as `pac explain` does reproduces the figure `pac status` and
        the report show: counted rows = count (distinct accounts), counted deals add up to the revenue to the cent,
        the actions' ✔ lines are their axis's activities (audit explainleft; ``tests.explain_agreement``)."""
        _, cwd, _env = demo
        settings = load_settings(cwd / ".pac" / "demo.yaml", env={})
        assert store_disagreements(settings) == []

    def test_demo_store_is_recreated_each_time(self, again) -> None:
        """Running the demo again on an existing demo store (here a copy, named with --db; the report where
        --output says) starts from a fresh store: its first sync is run 1 again."""
        done, where = again
        # an explicit --log-format json (for log collectors) lets the log lines through
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        assert '"run": 1' in done.stderr and '"run": 3' not in done.stderr
        assert (where / "again.html").stat().st_size > 1000

    def test_next_steps_of_a_demo_elsewhere_read_its_store(self, again, demo) -> None:
        """A demo whose --db is not .pac/demo.db prints its next commands with PAC_CONFIG naming its settings, and
        they read its store as printed, from the directory it ran in (audit newcomer F3: they read ./.pac/demo.yaml,
        an earlier demo's store, or said "No run yet")."""
        done, where = again
        _, _, env = demo
        printed = [line.split() for line in done.stdout.splitlines() if line.lstrip().startswith("PAC_CONFIG=")]
        commands = {words[2]: words for words in printed}
        assert sorted(commands) == ["explain", "status"], done.stdout[-1500:]
        for words in commands.values():
            assert words[0] == f"PAC_CONFIG={where / 'demo.yaml'}" and words[1] == "pac", words
        explain = run_pac(*commands["explain"][2:4], cwd=where, env={**env, "PAC_CONFIG": str(where / "demo.yaml")},
                          timeout=120)
        status = run_pac("status", cwd=where, env={**env, "PAC_CONFIG": str(where / "demo.yaml")}, timeout=120)
        assert explain.returncode == 0 and "4 / 5" in explain.stdout, explain.stderr
        assert status.returncode == 0 and "No run yet" not in status.stdout, status.stdout
        assert status.stdout.count(" ok ") + status.stdout.count("partial") >= 2, status.stdout
