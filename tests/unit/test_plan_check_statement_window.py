"""``pac plan check`` compares each action's statement with its fields as ``pac plan lint`` does (audit lintperiods):
« Visiter 5 clients dormants mi-juin » counted over `when: juin` got « ✓ plan OK » and not a word, while the CRM and
the report show reps « mi-juin » (11-20 June, docs/linter.md) and pac counts the whole of June."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from pac_config.planfile import load_plan_text
from pac_core.linter import action_disagreements, action_window_disagreement
from sync_jobs.cli import main

PLAN_FILE = """\
plan: {name: PAC 2027, year: 2027, timezone: Europe/Paris, language: fr}
people:
  - {email: nathalie@example.com, name: Nathalie, role: manager}
  - {email: julie@example.com, name: Julie, role: rep}
segments:
  - id: SEG
    name: Rhône
    kind: horizontal
    scope: {departement: "69"}
    swot: {strengths: [une équipe locale], threats: [un nouveau concurrent]}
axes:
  - id: AX-1
    name: Clients dormants
    segment: SEG
    objective: {additional_revenue: 20000, margin_rate: 0.4, budget: 5000}
actions:
  - id: A-01
    axis: AX-1
    text: "Visiter 5 clients dormants du 69 mi-juin"
    who: julie@example.com
    what: {activity: visit, count: 5}
    when: "juin"
  - id: A-02
    axis: AX-1
    text: "Visiter 5 clients dormants du 69 mi-juin"
    who: julie@example.com
    what: {activity: visit, count: 5}
    when: "du 11 au 20 juin"
  - id: A-03
    axis: AX-1
    text: "Appeler 8 clients dormants du 69 début septembre"
    who: julie@example.com
    what: {activity: call, count: 8}
    when: "septembre"
"""


def _warnings(tmp_path: Path) -> tuple[Path, list[str]]:
    path = tmp_path / "pac.yaml"
    path.write_text(PLAN_FILE, encoding="utf-8")
    shown = CliRunner().invoke(main, ["plan", "check", str(path)], env={"PAC_CONFIG": None})
    assert shown.exit_code == 0 and shown.output.startswith("✓ plan OK"), shown.output
    return path, [line for line in shown.output.splitlines() if "l'énoncé et les champs se contredisent" in line]


def test_a_statement_whose_window_is_not_the_one_counted_is_warned_of_at_its_line(tmp_path: Path) -> None:
    path, found = _warnings(tmp_path)
    assert found == [
        f"attention : {path}:19 A-01 : l'énoncé et les champs se contredisent : l'énoncé dit mi-juin (du 2027-06-11 "
        "au 2027-06-20), when juin (du 2027-06-01 au 2027-06-30) (les champs sont ce que pac compte, l'énoncé ce que "
        "les commerciaux lisent dans le CRM et le rapport : réécrivez text: ou les champs pour qu'ils disent la même "
        "chose)",
        f"attention : {path}:31 A-03 : l'énoncé et les champs se contredisent : l'énoncé dit début septembre (du "
        "2027-09-01 au 2027-09-10), when septembre (du 2027-09-01 au 2027-09-30) (les champs sont ce que pac compte, "
        "l'énoncé ce que les commerciaux lisent dans le CRM et le rapport : réécrivez text: ou les champs pour qu'ils "
        "disent la même chose)",
    ]


def test_the_same_warning_as_pac_plan_lint(tmp_path: Path) -> None:
    path, found = _warnings(tmp_path)
    linted = CliRunner().invoke(main, ["plan", "lint", str(path)], env={"PAC_CONFIG": None})
    shown = "".join(linted.output.split())      # the lint's console wraps long lines, a long path mid-word
    # the same actions at the same lines and the same windows; `pac plan lint` words them in English, `pac plan
    # check` in the French plan's language (audit frwords)
    english = [re.sub(r"^attention : (\S+) (A-\d+) : l'énoncé et les champs se contredisent : l'énoncé dit (.*?) "
                      r"\(du (\S+) au (\S+)\), when (.*?) \(du (\S+) au (\S+)\) .*$",
                      r"warning: \1 \2: the statement and the fields disagree: statement says \3 (\4 to \5), when \6 "
                      r"(\7 to \8)", warning) for warning in found]
    assert len(found) == 2 and all("".join(warning.split()) in shown for warning in english)


def test_the_window_check_is_the_linters(tmp_path: Path) -> None:
    """``action_window_disagreement`` (what ``pac plan check`` says) is the ``when`` part of ``action_disagreements``
    (what ``pac plan lint`` says), over the period corpus's statements (tests/data/linter_period_corpus.tsv) each
    counted over several windows."""
    corpus = Path(__file__).resolve().parents[1] / "data" / "linter_period_corpus.tsv"
    texts = [line.split("\t")[0] for line in corpus.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith(("#", "text\t")) and line.split("\t")[4] == "-"]
    whens = ["juin", "T2", "semaine 18", "du 11 au 20 juin", "d'ici fin juin", "2027"]
    head, _, _ = PLAN_FILE.partition("  - id: A-01")
    actions = "".join(
        f"  - {{id: A-{n:03d}, axis: AX-1, text: {json.dumps(text)}, who: julie@example.com, "
        f"what: {{activity: visit, count: 5}}, when: {json.dumps(whens[n % len(whens)])}}}\n"
        for n, text in enumerate(texts))
    plan = load_plan_text(head + actions, name="corpus.pac.yaml")
    both = [(action_window_disagreement(plan, a), [d for d in action_disagreements(plan, a) if d[0] == "when"])
            for a in plan.actions]
    assert len(both) >= 80 and sum(bool(lint) for _, lint in both) >= 40
    assert all(check == lint for check, lint in both), [b for b in both if b[0] != b[1]]
