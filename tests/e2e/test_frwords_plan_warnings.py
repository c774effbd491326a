"""``pac plan check`` on a French plan heads its warnings with the house's French word, « attention : » (the head
``pac sync --lang fr`` and ``pac status --lang fr`` give a warning: ``sync_jobs.cli_sync.WORDS``,
``sync_jobs.warnings_kept.HEADS``), not "warning:" (audit frwords: a French manager read « warning: axe AX-RA-MAINT :
son coût est 0… »); the statement that contradicts its ``when:`` is said in French too. An English plan's lines are
byte for byte as before. Expected lines written by hand in /tmp/audits/frwords/EXPECTED.md (section C)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from tests.cli import run_pac

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / "config" / "plans" / "example.pac.yaml").read_text(encoding="utf-8")


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("PAC_")}


def _warned(tmp: Path, *, english: bool = False) -> Path:
    """The example with a rep of an unknown role, an axis of cost 0 and A-01's statement (semaine 18) against its
    ``when:`` (semaine 19)."""
    text = EXAMPLE.replace("role: rep}        # 69", "role: stagiaire}        # 69", 1)
    text = re.sub(r"budget: \d+", "budget: 0", text, count=1)
    text = text.replace('    when: "semaine 18"\n', '    when: "semaine 19"\n', 1)
    if english:
        text = text.replace("  language: fr\n", "  language: en\n", 1)
    path = tmp / "warned.pac.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_french_plan_check_says_attention(tmp_path: Path) -> None:
    plan = _warned(tmp_path)
    done = run_pac("plan", "check", str(plan), env=_env(), cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "✓ plan OK : 6 segments, 8 axes, 20 actions"
    assert not [line for line in lines if line.startswith("warning")]
    assert ("attention : axe AX-RA-MAINT : son coût est 0, il n'a donc pas de ROI (le rapport dit « sans coût ») : si "
            "l'axe coûte quelque chose, écrivez son budget (ou effort_days et day_cost)") in lines
    assert any(line.startswith("attention : people julie.martin@durand-process.example: le rôle 'stagiaire' n'est "
                               "pas un rôle connu de pac : ") for line in lines)
    assert (f"attention : {plan}:189 A-01 : l'énoncé et les champs se contredisent : l'énoncé dit semaine 18 (du "
            "2027-05-03 au 2027-05-09), when semaine 19 (du 2027-05-10 au 2027-05-16) (les champs sont ce que pac "
            "compte, l'énoncé ce que les commerciaux lisent dans le CRM et le rapport : réécrivez text: ou les champs "
            "pour qu'ils disent la même chose)") in lines


def test_an_english_plan_check_says_warning_as_before(tmp_path: Path) -> None:
    plan = _warned(tmp_path, english=True)
    done = run_pac("plan", "check", str(plan), env=_env(), cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert "attention" not in done.stdout
    assert (f"warning: {plan}:189 A-01: the statement and the fields disagree: statement says semaine 18 (2027-05-03 "
            "to 2027-05-09), when semaine 19 (2027-05-10 to 2027-05-16) (the fields are what pac counts, the statement "
            "what reps read in the CRM and the report: rewrite text: or the fields so that they say the same)") in lines
    assert any(line.startswith("warning: axis AX-RA-MAINT") for line in lines)


def test_the_big_plan_bar_is_french_for_a_french_plan() -> None:
    """The bar of a big plan's check (a terminal only) names its two steps in the plan's language, read from the
    file's text before it loads: « lecture du plan (lignes) », « vérification des actions »."""
    from sync_jobs.cli_plan import _PlanProgress

    for lang, words in (("fr", ["lecture du plan (lignes)", "vérification des actions"]),
                        ("en", ["reading the plan (lines)", "checking the actions"])):
        bar = _PlanProgress(lang)
        shown: list[str] = []
        bar.enabled = True
        bar.show = lambda key, label, done, total, shown=shown: shown.append(label)  # type: ignore[method-assign]
        bar("reading", 1, 10)
        bar("checking", 1, 10)
        assert shown == words
