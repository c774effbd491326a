"""``pac plan check`` warns of what a plan leaves to fill in that the method needs, each at its line with what to
write: an axis with no objective, a segment with an empty SWOT, a person with no role where it matters (audit
newcomer F8: the plan `pac plan import` writes, whose header asks to fill these in and then to run `pac plan check`,
got « ✓ plan OK » and not a word)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from sync_jobs.cli import main

ROOT = Path(__file__).resolve().parents[2]

PLAN_FILE = """\
plan: {{name: PAC 2027, year: 2027, timezone: Europe/Paris, language: en}}
people:
  - {{email: nathalie@example.com, name: Nathalie{manager}}}
  - {{email: julie@example.com, name: Julie}}
  - {{email: paul@example.com, name: Paul}}
segments:
  - id: SEG
    name: Rhône
    kind: horizontal
    scope: {{departement: "69"}}
{swot}
axes:
  - id: AX-1
    name: Dormant clients
    segment: SEG
    objective: {{additional_revenue: 20000, margin_rate: 0.4, budget: 5000}}
  - id: AX-2
    name: Maintenance
    segment: SEG
actions:
  - {{id: A-01, axis: AX-1, text: "Visit 5 clients in May", who: julie@example.com,
     what: {{activity: visit, count: 5}}, when: May}}
"""
SWOT = "    swot: {strengths: [a local team], threats: [a new competitor]}"


def _check(tmp_path: Path, *, manager: bool = True, swot: str = SWOT) -> list[str]:
    path = tmp_path / "pac.yaml"
    path.write_text(PLAN_FILE.format(manager=", role: manager" if manager else "", swot=swot), encoding="utf-8")
    shown = CliRunner().invoke(main, ["plan", "check", str(path)], env={"PAC_CONFIG": None})
    assert shown.exit_code == 0 and shown.output.startswith("✓ plan OK"), shown.output
    return [line for line in shown.output.splitlines() if line.startswith("warning: ")]


def test_an_axis_with_no_objective_is_warned_of_at_its_line(tmp_path: Path) -> None:
    """AX-2 (line 17) has no objective; AX-1 has one and is not named."""
    path = tmp_path / "pac.yaml"
    assert _check(tmp_path)[0] == (
        f"warning: {path}:17 axis AX-2: no objective: its progress, ROI and advice are unknown (write objective: "
        "{additional_revenue: 50000 (or \"30 %\" of last year's revenue), margin_rate: 0.4, budget: 10000 (or "
        "effort_days and day_cost)}; docs/plan-format.md, Axes)")


def test_an_empty_swot_is_warned_of_at_its_line(tmp_path: Path) -> None:
    """Step 2 of the method: a SWOT per segment. Written empty (line 11) or left out (the segment's line, 7)."""
    path = tmp_path / "pac.yaml"
    for swot, line in (("    swot: {strengths: [], weaknesses: [], opportunities: [], threats: []}", 11), ("", 7)):
        warned = [w for w in _check(tmp_path, swot=swot) if " segment SEG: " in w]
        assert warned == [f"warning: {path}:{line} segment SEG: empty SWOT: step 2 of the method (strengths, "
                          "weaknesses, opportunities, threats) is what the segment's axes are built on (write at "
                          "least one sentence under swot: strengths, weaknesses, opportunities or threats)"], swot
    assert [w for w in _check(tmp_path) if "SWOT" in w] == []


def test_a_person_with_no_role_is_warned_of_where_it_matters(tmp_path: Path) -> None:
    """With a manager in the plan, Julie (no role, owns A-01) is a rep, as her role would say: no warning; Paul (no
    role, no action) would get nothing. With no manager, everyone with no role is named: the managers' alerts reach
    nobody."""
    path = tmp_path / "pac.yaml"
    fix = ("(write role: manager for the sales manager, who gets every alert of the plan, role: rep for a rep; "
           "docs/plan-format.md)")
    people = [w for w in _check(tmp_path) if " people " in w]
    assert people == [f"warning: {path}:5 people paul@example.com: no role and no action of their own: this person "
                      f"will get no alert {fix}"]
    people = [w for w in _check(tmp_path, manager=False) if " people " in w]
    assert people == [f"warning: {path}:{line} people {who}: no role, and the plan has no manager: the alerts for "
                      f"managers (axes behind, advice, refused records) reach nobody {fix}"
                      for line, who in ((3, "nathalie@example.com"), (4, "julie@example.com"), (5, "paul@example.com"))]


def test_the_imported_sample_is_told_what_to_fill_in(tmp_path: Path) -> None:
    """The README's sample sheet imported, then checked as its header says: one warning per axis (5, no objective),
    per segment (4, empty SWOTs) and per person (6: no role, no manager), in French as the plan is."""
    out = tmp_path / "sample.pac.yaml"
    imported = CliRunner().invoke(main, ["plan", "import", str(ROOT / "config" / "plans" / "example.actions.csv"),
                                         "-o", str(out)], env={"PAC_CONFIG": None})
    assert imported.exit_code == 0, imported.output
    assert "pac plan check" in out.read_text(encoding="utf-8").split("plan:", 1)[0]
    shown = CliRunner().invoke(main, ["plan", "check", str(out)], env={"PAC_CONFIG": None})
    assert shown.exit_code == 0, shown.output
    warned = [line for line in shown.output.splitlines() if line.startswith("attention : ")]   # audit frwords
    assert sum(": pas d'objectif : " in w for w in warned) == 5, warned
    assert sum(": SWOT vide : " in w for w in warned) == 4, warned
    assert sum(": pas de rôle, et le plan n'a aucun manager" in w for w in warned) == 6, warned
    assert all(w.startswith(f"attention : {out}:") for w in warned), warned


def test_an_axis_no_action_serves_is_warned_of_at_its_line(tmp_path: Path) -> None:
    """Step 5 of the method: each axis's objective is reached through actions. AX-2 (line 17) has none (audit
    lintmethod: a plan of objectives with no action is the plan that dies, and « ✓ plan OK » said nothing); AX-1
    has A-01 and is not named."""
    path = tmp_path / "pac.yaml"
    assert [w for w in _check(tmp_path) if "no action serves it" in w] == [
        f"warning: {path}:17 axis AX-2: no action serves it: nothing the reps do is counted for it, and its objective "
        "is a wish (write at least one action with axis: AX-2: who does what, how many, when; or suspend or drop the "
        "axis)"]


def test_a_suspended_or_dropped_axis_with_no_action_is_not_warned_of(tmp_path: Path) -> None:
    path = tmp_path / "pac.yaml"
    text = PLAN_FILE.format(manager=", role: manager", swot=SWOT).replace(
        "    segment: SEG\nactions:", "    segment: SEG\n    status: {state: dropped, reason: no capacity}\nactions:")
    path.write_text(text, encoding="utf-8")
    shown = CliRunner().invoke(main, ["plan", "check", str(path)], env={"PAC_CONFIG": None})
    assert shown.exit_code == 0, shown.output
    assert "no action serves it" not in shown.output
