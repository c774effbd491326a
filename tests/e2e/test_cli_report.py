"""``pac report`` as a manager runs it, on the demo's store: HTML, xlsx, CSV, a past quarter, errors."""

from __future__ import annotations

import csv
import os
import resource
import subprocess
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from tests.cli import PAC
from tests.cli import run_pac as pac


class TestReportCommand:
    def test_html_in_the_plan_language(self, demo: tuple[Path, dict[str, str]]) -> None:
        """The default report is French HTML for the French demo plan, with A-01 at 4 / 5."""
        where, env = demo
        result = pac("report", "-o", "pac.html", env=env, cwd=where)
        assert result.returncode == 0, result.stderr
        html = (where / "pac.html").read_text(encoding="utf-8")
        assert '<html lang="fr">' in html and "PAC 2027 — Durand Process" in html
        row = html[html.index("Visiter 5 clients dormants du 69 en semaine 18"):]
        assert "<b>4</b> / 5" in row[: row.index("</tr>")]
        assert "20 mai 2027 à 18:00" in html
        assert "<script" not in html.replace("&lt;script", "")
        assert "pac.html: html, fr" in result.stdout

    def test_lang_and_past_quarter(self, demo: tuple[Path, dict[str, str]]) -> None:
        """--lang en --quarter 2027-Q1 gives the English report as Q1 closed: its snapshot (the demo keeps one), at
        the end of 31 March."""
        where, env = demo
        result = pac("report", "--lang", "en", "--quarter", "2027-Q1", "-o", "q1.html", env=env, cwd=where)
        assert result.returncode == 0, result.stderr
        html = (where / "q1.html").read_text(encoding="utf-8")
        assert '<html lang="en">' in html and "The plan at a glance" in html
        assert "Status at the end of March 31, 2027 (snapshot of May 20, 2027)" in html
        assert "Quarterly sales meeting · Q1 2027" in html     # the quarter asked for, not the next one

    def test_xlsx(self, demo: tuple[Path, dict[str, str]]) -> None:
        """--format xlsx (or a .xlsx name) writes one sheet per view with numeric figures."""
        where, env = demo
        result = pac("report", "-o", "pac.xlsx", env=env, cwd=where)
        assert result.returncode == 0, result.stderr
        book = openpyxl.load_workbook(where / "pac.xlsx")
        assert book.sheetnames == ["Synthèse", "Segments", "Axes", "Indicateurs", "Actions", "Recommandations",
                                   "Données"]
        kpis = book["Indicateurs"]
        levels = [row[0].value for row in kpis.iter_rows(min_row=4)]
        assert levels == ["Axe"] * 8 + ["Segment"] * 6          # the demo's 8 axes, then its 6 segments
        win_rates = [row[4].value for row in kpis.iter_rows(min_row=4)]
        assert all(isinstance(v, float) and 0 < v < 1 for v in win_rates)   # « Taux de réussite », a number
        actions = book["Actions"]
        header = [c.value for c in actions[3]]
        targets = [row[header.index("Cible")].value for row in actions.iter_rows(min_row=4)]
        assert targets and all(isinstance(t, int) for t in targets)

    def test_csv(self, demo: tuple[Path, dict[str, str]]) -> None:
        """--format csv writes action progress for Excel: BOM and ';' for the French plan."""
        where, env = demo
        result = pac("report", "--format", "csv", "-o", "actions.txt", env=env, cwd=where)
        assert result.returncode == 0, result.stderr
        raw = (where / "actions.txt").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
        a01 = next(r for r in rows if r["Id"] == "A-01")
        assert (a01["Fait"], a01["Cible"], a01["Avancement (%)"]) == ("4", "5", "80,0")

    def test_restated_of_the_running_quarter_says_it_changes_nothing(self, demo: tuple[Path, dict[str, str]]) -> None:
        """--restated with the running quarter (2027-Q2 on the demo clock, 20 May) has no kept snapshot to set aside:
        the report is today's evaluation, as without it (exit 0), and one line on stderr says so (it was silently
        ignored)."""
        where, env = demo
        result = pac("report", "--quarter", "2027-Q2", "--restated", "-o", "q2r.csv", env=env, cwd=where)
        assert result.returncode == 0, result.stderr
        assert result.stderr.strip() == ("note: --restated changes nothing: 2027-Q2 is still running, so the report is "
                                         "already today's evaluation on the current records and plan (a quarter's "
                                         "snapshot is kept once it closes)")
        plain = pac("report", "--quarter", "2027-Q2", "-o", "q2.csv", env=env, cwd=where)
        assert plain.returncode == 0 and plain.stderr == ""
        assert (where / "q2r.csv").read_bytes() == (where / "q2.csv").read_bytes()

    def test_future_quarter_is_refused(self, demo: tuple[Path, dict[str, str]]) -> None:
        """A quarter that has not begun exits 2 with the fix in the message."""
        where, env = demo
        result = pac("report", "--quarter", "2027-Q4", "-o", "q4.html", env=env, cwd=where)
        assert result.returncode == 2
        assert "2027-Q4 has not started yet" in result.stderr and "leave --quarter out" in result.stderr
        assert "that has begun: 2027-Q1, 2027-Q2; 2027-Q3 begins" in result.stderr, result.stderr
        assert not (where / "q4.html").exists()

    @pytest.mark.parametrize(("asked", "fix"), [("2027-Q5", "Q1 to Q4"), ("T5", "T1 to T4")])
    def test_an_unknown_quarter_is_refused_on_the_option_in_the_letter_written(
            self, demo: tuple[Path, dict[str, str]], asked: str, fix: str) -> None:
        """`--quarter 2027-Q5` (a French plan): exit 2, the option named, the fix in the user's letter (audit
        newcomer3 L4: « there is no quarter 5 (a year has 4 quarters: write T1 to T4) »)."""
        where, env = demo
        result = pac("report", "--quarter", asked, "-o", "q5.html", env=env, cwd=where)
        assert result.returncode == 2
        assert f"--quarter: there is no quarter 5 (a year has 4 quarters: write {fix})" in result.stderr, \
            result.stderr
        assert not (where / "q5.html").exists()

    def test_unknown_plan_is_refused(self, demo: tuple[Path, dict[str, str]]) -> None:
        """--plan with a name that is not configured exits 2 and lists the configured plans."""
        where, env = demo
        result = pac("report", "--plan", "nope", "-o", "x.html", env=env, cwd=where)
        assert result.returncode == 2
        assert "no plan named 'nope'" in result.stderr and "example" in result.stderr

    def test_quarter_outside_the_plan_is_refused_with_its_quarters(self, demo: tuple[Path, dict[str, str]]) -> None:
        """--quarter 2026-Q4 on a 2027 plan exits 2 and lists the plan's quarters that have begun (the demo's day is
        20 May 2027), saying when the others begin."""
        where, env = demo
        result = pac("report", "--quarter", "2026-Q4", "-o", "old.html", env=env, cwd=where)
        assert result.returncode == 2
        assert "2026-Q4 is outside the plan's period (2027-01-01 to 2027-12-31)" in result.stderr
        assert ("choose one of the plan's quarters that have begun: 2027-Q1, 2027-Q2; 2027-Q3 begins on 2027-07-01, "
                "2027-Q4 on 2027-10-01)") in result.stderr
        assert not (where / "old.html").exists()

    def test_headline_counts_each_deal_once_and_words_agree(self, demo: tuple[Path, dict[str, str]]) -> None:
        """The demo's headline counts each deal once, leaves the suspended PX200 axis out of the ranking,
        and its behind actions read as French plurals."""
        where, env = demo
        assert pac("report", "-o", "head.html", env=env, cwd=where).returncode == 0
        html = (where / "head.html").read_text(encoding="utf-8")
        kpis = html[html.index('<div class="kpis">'):html.index('<section id="overview">')]
        assert "chaque affaire comptée une fois" in kpis
        assert "actions manquées" in kpis and " manquée<" not in kpis
        axes = html[html.index('<section id="axes">'):html.index('<section id="actions">')]
        ranking = axes[axes.index("<svg"):axes.index("</svg>")]
        assert "PX200" not in ranking and "Hors totaux et hors classement" in axes


class TestNoSync:
    @pytest.mark.parametrize("command", [("report", "-o", "pac.html"), ("explain", "A-01"), ("advice",)],
                             ids=["report", "explain", "advice"])
    def test_no_store_is_refused_and_none_is_created(self, tmp_path: Path, command: tuple[str, ...]) -> None:
        """With the shipped settings and no sync yet, pac report exits 2, says what to run, creates nothing.
        So do explain and advice (before: "0 / 5 (0 %)" and "every axis within thresholds", exit 0, from an
        empty store they created)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PAC_")}
        result = pac(*command, env=env, cwd=tmp_path)
        assert result.returncode == 2, result.stdout
        assert "no sync recorded for plan example: run `pac sync` (or `pac demo`)" in result.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == []

    def test_an_empty_store_is_refused_and_left_untouched(self, tmp_path: Path) -> None:
        """A store file with no run of the plan is refused (exit 2) and not migrated behind the user's back."""
        (tmp_path / "empty.db").write_bytes(b"")
        config = Path(__file__).resolve().parents[2] / "config"
        (tmp_path / "pac.yaml").write_text(
            f"database_url: 'sqlite:///{tmp_path / 'empty.db'}'\n"
            "connectors:\n  - {name: sf-main, crm: salesforce, "
            f"mapping: '{config / 'mappings' / 'salesforce.demo.yaml'}', env_prefix: PAC_SF_}}\n"
            f"plans:\n  - {{name: example, file: '{config / 'plans' / 'example.pac.yaml'}', connectors: [sf-main]}}\n",
            encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("PAC_")}
        env["PAC_CONFIG"] = str(tmp_path / "pac.yaml")
        result = pac("report", "-o", "pac.html", env=env, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert "no sync recorded for plan example" in result.stderr
        assert (tmp_path / "empty.db").stat().st_size == 0 and not (tmp_path / "pac.html").exists()


def _file_size_limit(limit: int) -> Callable[[], None]:
    """A ``preexec_fn`` capping the size of any file the process writes at ``limit`` bytes (RLIMIT_FSIZE): a write
    past it fails with EFBIG (Python ignores SIGXFSZ), as a full disk fails one with ENOSPC."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return cap


class TestOutputNeverHalfWritten:
    def test_a_write_that_fails_midway_keeps_the_previous_report_whole(self, demo: tuple[Path, dict[str, str]]) -> None:
        """Last night's report stays whole when tonight's cannot be written (a full disk, a size quota, a process
        killed mid-write): the new file is written beside it and renamed over it once complete. Before, the file was
        truncated first, then written in place: a 64 kB stump of a 115 kB report replaced the good one, and pac said
        ``unexpected error: OSError``. (The file size cap is what makes the write fail here; the store, read in WAL
        mode, needs its index file under the cap, hence the HTML report, the one file well above it;
        tests/unit/test_atomic_file.py covers every writer.)"""
        where, env = demo
        assert pac("report", "-o", "pac.html", env=env, cwd=where).returncode == 0
        before = (where / "pac.html").read_bytes()
        (where / "pac.html").chmod(0o640)            # the mode the owner gave it (a web server's group reads it)
        assert len(before) > 64 * 1024
        failed = subprocess.run([*PAC, "report", "-o", "pac.html"], env=env, cwd=where, capture_output=True,
                                text=True, timeout=300, preexec_fn=_file_size_limit(64 * 1024))
        assert failed.returncode == 6, failed.stderr
        assert (where / "pac.html").read_bytes() == before
        assert failed.stderr.startswith("pac: cannot write pac.html: [Errno 27] File too large: the previous "
                                        "pac.html is kept as it was (free some space or choose another -o, then run "
                                        "the command again; nothing else was changed; exit 6)"), failed.stderr
        assert [p.name for p in where.iterdir() if p.name.startswith(".pac.html")] == []   # no temporary left
        again = pac("report", "-o", "pac.html", env=env, cwd=where)
        assert again.returncode == 0, again.stderr
        assert (where / "pac.html").stat().st_mode & 0o777 == 0o640      # a rewrite keeps the file's mode
