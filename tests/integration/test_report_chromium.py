"""The HTML report in a real browser: Debian's headless Chromium renders it with no console error.

Chromium comes from ``tests/setup-system.sh`` (``./dev test`` runs it). Console messages are read from
Chromium's own log (``--enable-logging=stderr``: each one is a ``CONSOLE`` line); a control page that
throws proves the check can see an error. Nothing is fetched: the page is a local file and the flags
turn off every background connection.
"""

from __future__ import annotations

import re
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sync_jobs.report import render_html
from sync_jobs.report.fmt import NBSP, NNBSP
from tests.unit import report_fixtures as fx

pytestmark = pytest.mark.chromium

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
         "--enable-logging=stderr", "--v=0")
CONSOLE = re.compile(r"CONSOLE[:(]|Uncaught|Refused to|Content Security Policy")


def chromium(page: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium on a local file with its own profile; returns stdout (DOM) and stderr (log)."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run tests/setup-system.sh (./dev test does it)")
    profile = tmp / f"profile-{page.stem}-{len(args)}"
    return subprocess.run([str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
                          capture_output=True, text=True, timeout=180, check=False)


def console_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if CONSOLE.search(line)]


class _Text(HTMLParser):
    """The visible text of a DOM (style content left out) and the tags it holds."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._skip += tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag == "style"

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible(dom: str) -> tuple[str, list[str]]:
    parser = _Text()
    parser.feed(dom)
    text = " ".join(parser.parts).replace(NNBSP, " ").replace(NBSP, " ")
    return re.sub(r"\s+", " ", text), parser.tags


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[subprocess.CompletedProcess[str], Path]]:
    tmp = tmp_path_factory.mktemp("chromium")
    out = {}
    for lang in ("fr", "en"):
        page = tmp / f"report-{lang}.html"
        page.write_text(render_html(fx.inputs(), lang), encoding="utf-8")
        out[lang] = (chromium(page, tmp, "--dump-dom"), page)
    return out


class TestConsoleCheck:
    def test_a_page_that_throws_is_caught(self, tmp_path: Path) -> None:
        """Control: a page with a failing script produces console lines the check recognises."""
        page = tmp_path / "broken.html"
        page.write_text("<!DOCTYPE html><p>x</p><script>console.error('control'); missingFunction();</script>",
                        encoding="utf-8")
        result = chromium(page, tmp_path, "--dump-dom")
        assert any("Uncaught" in line or "control" in line for line in console_lines(result.stderr))


class TestReportInChromium:
    @pytest.mark.parametrize("lang", ["fr", "en"])
    def test_renders_with_no_console_error(self, rendered, lang: str) -> None:
        """The report loads with no console message at all: no error, no blocked resource, no CSP report."""
        result, _ = rendered[lang]
        assert result.returncode == 0, result.stderr[-2000:]
        assert console_lines(result.stderr) == []
        assert result.stdout.lstrip().startswith("<!DOCTYPE html>")

    def test_key_figures_are_in_the_rendered_dom_in_french(self, rendered) -> None:
        """The browser's DOM shows the plan, the live axes' totals, A-01's 4 / 5, French plurals and dates."""
        text, _ = visible(rendered["fr"][0].stdout)
        for expected in ("PAC 2027 — Durand Process", "Le plan en un coup d'œil", "240 000 €", "69 %",
                         "114 500 € / 150 000 €", "Visiter 5 clients dormants du 69 en semaine 18", "4 / 5",
                         "3–9 mai 2027 (semaine 18)", "Prioritaire n° 1", "Julie Martin", "Déployer",
                         "Partielle", "20 août 2027 à 18:00", "2 actions à risque · 1 action manquée"):
            assert expected in text, expected

    def test_key_figures_are_in_the_rendered_dom_in_english(self, rendered) -> None:
        """The English rendering shows English labels and number formats."""
        text, _ = visible(rendered["en"][0].stdout)
        for expected in ("The plan at a glance", "€240,000", "69%", "€114,500 / €150,000",
                         "May 3–9, 2027 (semaine 18)", "Priority #1", "Roll out", "August 20, 2027 at 18:00",
                         "2 actions at risk · 1 missed action"):
            assert expected in text, expected

    def test_script_payload_stays_text(self, rendered) -> None:
        """The CRM's <script>alert(1)</script> is visible as text and no script element exists in the DOM."""
        dom = rendered["fr"][0].stdout
        text, tags = visible(dom)
        assert "script" not in tags
        assert text.count("<script>alert(1)</script>") >= 4
        assert "<script>" not in dom
        assert re.search(r"<title>[^<]*Durand Process", dom)

    def test_screenshot_and_print(self, rendered, tmp_path: Path) -> None:
        """A screenshot is a real image, and printing gives several A4 landscape pages (one per section)."""
        _, page = rendered["fr"]
        shot = tmp_path / "shot.png"
        result = chromium(page, tmp_path, "--window-size=1400,1000", f"--screenshot={shot}")
        assert result.returncode == 0 and console_lines(result.stderr) == []
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", data[16:24]) == (1400, 1000)
        pdf = tmp_path / "report.pdf"
        result = chromium(page, tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
        assert result.returncode == 0
        raw = pdf.read_bytes()
        pages = len(re.findall(rb"/Type\s*/Page[^s]", raw))
        assert pages >= 7
        sizes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", raw)
        boxes = {(round(float(w)), round(float(h))) for w, h in sizes}
        assert boxes == {(842, 595)}, boxes   # A4 landscape, in points

    def test_text_is_unescaped_once_only(self, rendered) -> None:
        """Accents and apostrophes show as characters, not as entity codes."""
        text, _ = visible(rendered["fr"][0].stdout)
        assert "&#x27;" not in text and "&amp;" not in text and "&lt;" not in text
        assert "Industrie pharmaceutique" in text and "Léa Rousseau" in text
