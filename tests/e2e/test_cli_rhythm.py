"""The monthly rhythm as a manager runs it on the demo's store: ``pac review`` and ``pac notify``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PAC = Path(sys.executable).with_name("pac")
JULIE = "julie.martin@durand-process.example"


def pac(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PAC), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=600,
                          check=False)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A demo store (``pac demo``: sandbox CRM, two syncs, monthly snapshots January to April)."""
    where = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAC_")}
    result = pac("demo", "--db", str(where / "demo.db"), "--output", str(where / "demo.html"), env=env, cwd=where)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    env["PAC_CONFIG"] = str(where / "demo.yaml")
    return where, env


class TestReview:
    def test_may_review_for_the_manager(self, demo: tuple[Path, dict[str, str]]) -> None:
        """May 2027 as of the demo clock, against the April snapshot: A-01 late at 4 / 5 for Julie, A-09 (Hugo)
        went from at risk to missed when April closed, the team table and the advisor's two roll-outs."""
        where, env = demo
        result = pac("review", "--month", "2027-05", "-o", "mai.md", env=env, cwd=where)
        assert result.returncode == 0, result.stderr
        assert "compared with 2027-04 (snapshot)" in result.stdout
        text = (where / "mai.md").read_text(encoding="utf-8")
        assert "Situation au 20 mai 2027 à 18:00." in text
        assert "Comparée à la revue précédente (avr. 2027, instantané gardé alors)." in text
        assert "| Julie Martin | 0 | 0 | 0 | 1 | 2 | 1 |" in text
        julie = text[text.index("## Julie Martin"):]
        late = julie[julie.index("### En retard"):julie.index("### À risque")]
        assert "Visiter 5 clients dormants du 69 en semaine 18 (A-01) | 3–9 mai 2027 | 4 / 5 | Manquée |" in late
        hugo = text[text.index("## Hugo Lambert"):text.index("## Julie Martin")]
        changed = hugo[hugo.index("### Ce qui a changé"):hugo.index("### Prochaines")]
        assert "(A-09)" in changed and "À risque → Manquée" in changed
        assert text.count("- **Déployer** ·") == 2

    def test_rep_review_in_english_html(self, demo: tuple[Path, dict[str, str]]) -> None:
        """--rep keeps Julie's part only (no team table); --lang en; the page has no script."""
        where, env = demo
        result = pac("review", "--month", "2027-05", "--rep", JULIE, "--lang", "en", "-o", "julie.html",
                     env=env, cwd=where)
        assert result.returncode == 0, result.stderr
        html = (where / "julie.html").read_text(encoding="utf-8")
        assert '<html lang="en">' in html and "Monthly action review" in html
        assert "Julie Martin" in html and "Marc Dubois" not in html and 'id="team"' not in html
        assert "<script" not in html

    def test_first_month(self, demo: tuple[Path, dict[str, str]]) -> None:
        """January, the plan's first month, has no previous review to compare with."""
        where, env = demo
        january = pac("review", "--month", "2027-01", "-o", "jan.md", env=env, cwd=where)
        assert january.returncode == 0, january.stderr
        assert "Premier mois du plan" in (where / "jan.md").read_text(encoding="utf-8")

    @pytest.mark.parametrize(("args", "message"), [
        (("--month", "2027-13"), "is not a month"),
        (("--month", "2027-07"), "has not started yet"),
        (("--month", "2028-02"), "outside the plan's period"),
        (("--rep", "nobody@example.com"), "owns no action"),
    ])
    def test_refusals(self, demo: tuple[Path, dict[str, str]], args: tuple[str, ...], message: str) -> None:
        where, env = demo
        result = pac("review", *args, "-o", "x.html", env=env, cwd=where)
        assert result.returncode == 2 and message in result.stderr, result.stderr

    def test_unknown_suffix_refused(self, demo: tuple[Path, dict[str, str]]) -> None:
        where, env = demo
        result = pac("review", "-o", "x.pdf", env=env, cwd=where)
        assert result.returncode == 2 and ".html or .md" in result.stderr
