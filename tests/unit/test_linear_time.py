"""The linter and the period parser take time in proportion to their input, whatever the input.

Regular expressions that may backtrack (a run of digits after « avant le », blanks between a figure
and its currency) used to take minutes on a few thousand characters. The fix is structural (every
pattern starts at the head of a number, blanks are one space before matching, span checks are O(1))
plus a bound with a clear message. The structural part is checked on inputs far over the bound, in a
child process with a generous time limit: linear code finishes them in about a second, the old code
in hours. No timing of our own is asserted.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest
from click.testing import CliRunner

from pac_core import linter
from pac_core.errors import PeriodError
from pac_core.linter import MAX_STATEMENT_CHARS, lint_statement
from pac_core.periods import MAX_PERIOD_CHARS, find_periods, parse_period

N = 40_000
# Inputs that made a pattern backtrack (each is N characters or so).
HOSTILE = [
    "Visiter 5 clients avant le " + "1" * N,            # issue 12: 18 s on 20,000 digits
    "Augmenter le CA de 5" + " " * N + "x",             # a figure, blanks, no currency
    "Visiter " + "1 " * (N // 2),                       # numbers everywhere
    "Visiter " + "1." * (N // 2),
    "Visiter " + "a" * N + "@",                         # an e-mail that never ends
    "Visiter " + "Ab " * (N // 3),                      # capitalised words (named targets)
    "Visiter " + "le 1 mars " * (N // 10),              # many periods
    "Visiter le Rhone " * (N // 17),                    # many places
    "Rencontrer via" + " " * N + "!",
    "en mai" + " " * N + "2027",
]

CHILD = """
import json, sys
from pac_core import linter
from pac_core.periods import find_periods
texts = json.loads(sys.stdin.read())
for text in texts:
    linter._gather(" ".join(text.split()), year=2027, tz="Europe/Paris", today=None, people=["Julie Martin"])
    find_periods(text, year=2027, tz="Europe/Paris", problems=[])
print("done", len(texts))
"""


def test_hostile_inputs_are_read_in_linear_time() -> None:
    """Every rule of the linter and the period finder on 40,000-character hostile inputs."""
    proc = subprocess.run([sys.executable, "-c", CHILD], input=json.dumps(HOSTILE), capture_output=True,
                          text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"done {len(HOSTILE)}"


def test_blank_runs_keep_spans_in_the_original_text() -> None:
    text = "Visiter 5 clients   en  semaine\t18 puis avant le    30 juin"
    found = find_periods(text, year=2027, tz="Europe/Paris")
    assert [text[a:b] for (a, b), _ in found] == ["semaine\t18", "avant le    30 juin"]
    assert found[0][1].start.date() == date(2027, 5, 3)


def test_a_long_statement_is_read_up_to_the_bound_and_says_so() -> None:
    result = lint_statement("Visiter 5 clients avant le " + "1" * 20_000, year=2027, tz="Europe/Paris")
    assert any(f"first {MAX_STATEMENT_CHARS:,} characters" in r for r in result.reasons)
    assert result.text.endswith("1" * 100)          # the statement is reported as given


def test_lint_cli_refuses_a_long_statement_with_its_line(tmp_path) -> None:
    from sync_jobs.cli import main

    path = tmp_path / "s.txt"
    path.write_text("Visiter 5 clients en semaine 18\nVisiter 5 clients avant le " + "1" * 20_000 + "\n",
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["plan", "lint", str(path)])
    assert result.exit_code == 2
    assert f"{path}:2: the statement is 20,027 characters long" in result.output
    assert "at most 1,000" in result.output and "split it" in result.output


def test_parse_period_refuses_a_long_text() -> None:
    with pytest.raises(PeriodError) as exc:
        parse_period("avant le " + "1" * 20_000, year=2027, tz="Europe/Paris")
    assert f"at most {MAX_PERIOD_CHARS} characters" in str(exc.value)
    assert "20,009 characters" in str(exc.value)


def test_the_plans_people_are_folded_once_not_once_per_statement(monkeypatch: pytest.MonkeyPatch) -> None:
    """A plan of 1,200 actions and 120 people folded every person's name two or three times per statement
    (883,082 folds, 21 s of `pac plan lint`, audit bigplan): the people's forms are made once per people list."""
    people = [f"Commercial Numéro{k:03d}" for k in range(60)] + [f"rep{k:03d}@bigplan.example" for k in range(60)]
    folded: list[str] = []
    real = linter._norm

    def counting(text: str) -> str:
        if text.strip() in people:
            folded.append(text)
        return real(text)

    monkeypatch.setattr(linter, "_norm", counting)
    for k in range(40):
        lint_statement(f"Visiter {k + 2} clients dormants du 69 en semaine 18", year=2027, tz="Europe/Paris",
                       people=people)
    assert len(folded) <= 3 * len(people)
