"""``pac report`` as a manager runs it, on the demo's store: HTML, xlsx, CSV, a past quarter, errors."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

PAC = Path(sys.executable).with_name("pac")


def pac(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PAC), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=600,
                          check=False)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A demo store (``pac demo``: sandbox CRM, two syncs), and the environment pointing at its settings."""
    where = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAC_")}
    result = pac("demo", "--db", str(where / "demo.db"), "--output", str(where / "demo.html"), env=env, cwd=where)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    env["PAC_CONFIG"] = str(where / "demo.yaml")
    return where, env


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
        """--lang en --quarter 2027-Q1 gives the English report as it stood on 1 April 2027."""
        where, env = demo
        result = pac("report", "--lang", "en", "--quarter", "2027-Q1", "-o", "q1.html", env=env, cwd=where)
        assert result.returncode == 0, result.stderr
        html = (where / "q1.html").read_text(encoding="utf-8")
        assert '<html lang="en">' in html and "The plan at a glance" in html
        assert "Status as of April 1, 2027 at 00:00" in html

    def test_xlsx(self, demo: tuple[Path, dict[str, str]]) -> None:
        """--format xlsx (or a .xlsx name) writes one sheet per view with numeric figures."""
        where, env = demo
        result = pac("report", "-o", "pac.xlsx", env=env, cwd=where)
        assert result.returncode == 0, result.stderr
        book = openpyxl.load_workbook(where / "pac.xlsx")
        assert book.sheetnames == ["Synthèse", "Segments", "Axes", "Actions", "Recommandations", "Données"]
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

    def test_future_quarter_is_refused(self, demo: tuple[Path, dict[str, str]]) -> None:
        """A quarter that has not begun exits 2 with the fix in the message."""
        where, env = demo
        result = pac("report", "--quarter", "2027-Q4", "-o", "q4.html", env=env, cwd=where)
        assert result.returncode == 2
        assert "2027-Q4 has not started yet" in result.stderr and "leave --quarter out" in result.stderr
        assert not (where / "q4.html").exists()

    def test_unknown_plan_is_refused(self, demo: tuple[Path, dict[str, str]]) -> None:
        """--plan with a name that is not configured exits 2 and lists the configured plans."""
        where, env = demo
        result = pac("report", "--plan", "nope", "-o", "x.html", env=env, cwd=where)
        assert result.returncode == 2
        assert "no plan named 'nope'" in result.stderr and "example" in result.stderr
