"""pac_config.loader against hostile YAML: merge keys, alias bombs, huge comment blocks."""

import subprocess
import time
from pathlib import Path

import pytest

from pac_config.loader import MAX_ALIAS_VALUES, load_yaml
from pac_config.planfile import check_plan_file, load_plan
from pac_core.errors import InvalidInput
from tests.cli import PAC

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / "config" / "plans" / "example.pac.yaml").read_text(encoding="utf-8")

FIRST = "  - id: A-01\n    axis: AX-RA-DORM\n"
SECOND = "  - id: A-02\n    axis: AX-RA-DORM\n"


def merged_plan(tmp_path: Path, base_extra: str = "") -> Path:
    """The example plan whose A-02 takes its axis (and ``base_extra``) from A-01 by a merge key."""
    text = EXAMPLE.replace(FIRST, f"  - &base\n    id: A-01\n{base_extra}    axis: AX-RA-DORM\n", 1)
    text = text.replace(SECOND, "  - <<: *base\n    id: A-02\n", 1)
    assert "<<: *base" in text
    path = tmp_path / "merged.pac.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def bomb(levels: int = 10) -> str:
    """A "billion laughs" file: 9**levels strings from about 400 bytes."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


class TestMergeKeys:
    def test_merge_key_is_supported(self, tmp_path: Path) -> None:
        """`<<: *base` gives the merged keys to the action that merges them."""
        plan = load_plan(merged_plan(tmp_path))
        second = next(a for a in plan.actions if a.id == "A-02")
        assert second.axis_id == "AX-RA-DORM"

    def test_problem_in_merged_key_is_located_at_the_anchor(self, tmp_path: Path) -> None:
        """A wrong key brought in by a merge is reported at its line in the anchored mapping (a KeyError before)."""
        path = merged_plan(tmp_path, base_extra="    bogus: 1\n")
        line = path.read_text(encoding="utf-8").splitlines().index("    bogus: 1") + 1
        problems = check_plan_file(path)
        assert [(p.path, p.line) for p in problems] == [("actions[0].bogus", line), ("actions[1].bogus", line)]
        assert all("unknown key 'bogus'" in p.message for p in problems)


class TestAliasBomb:
    def test_bomb_is_refused_with_the_limit(self) -> None:
        """A 1 KB alias bomb is refused at once, at the alias that goes past the limit, naming the limit."""
        started = time.process_time()   # this process's CPU: what the parser spends, whatever else the machine runs
        with pytest.raises(InvalidInput) as caught:
            load_yaml(Path("bomb.yaml"), text=bomb())
        assert time.process_time() - started < 20
        problem = caught.value.problems[0]
        assert f"{MAX_ALIAS_VALUES:,}" in problem.message and problem.line is not None and problem.line > 1

    def test_a_few_aliases_are_fine(self) -> None:
        """Aliases standing for a few thousand values load as usual."""
        doc = load_yaml(Path("ok.yaml"), text=bomb(levels=3))
        assert len(doc.data["a2"]) == 9 and doc.data["a2"][0][0][0] == "lol"

    def test_plan_check_does_not_hang(self, tmp_path: Path) -> None:
        """`pac plan check` on the bomb ends with exit 2 and the limit (it hung before)."""
        path = tmp_path / "bomb.pac.yaml"
        path.write_text(bomb(), encoding="utf-8")
        command = [*PAC, "plan", "check", str(path)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert result.returncode == 2, result.stdout + result.stderr
        assert "100,000 values" in result.stdout + result.stderr


class TestLinearTime:
    def test_forty_thousand_comment_lines(self, tmp_path: Path) -> None:
        """40,000 comment lines inside a mapping load in well under the seconds they once took (quadratic)."""
        i = EXAMPLE.index("\nsegments:")
        comments = "  # un commentaire de plus, assez long pour que la copie de chaînes se voie bien\n" * 40_000
        path = tmp_path / "comments.pac.yaml"
        path.write_text(EXAMPLE[:i] + "\n" + comments + EXAMPLE[i:], encoding="utf-8")
        started = time.process_time()
        plan = load_plan(path)
        # about 1 s of CPU; the quadratic scanner copied ~60 GB of strings here (minutes of CPU). CPU time of this
        # process, not wall time: a busy machine (the suite's other worker, other jobs) stretches wall time 10x.
        assert time.process_time() - started < 30
        assert len(plan.actions) == 20

    def test_lines_stay_right_after_comments(self) -> None:
        """Key lines are still found when comments are read as whitespace."""
        doc = load_yaml(Path("c.yaml"), text="a:\n  # one\n  # two\n  b: 1  # three\n  c: |\n    # kept\n")
        assert doc.line(("a", "b")) == 4 and doc.line(("a", "c")) == 5
        assert doc.data["a"]["c"] == "# kept\n"
