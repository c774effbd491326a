"""The linter against the method (audit lintmethod): statements a French or English sales manager writes, labelled
from /work/shared/docs/pac-method.md before the linter was run, with the kind and the 5Q parts missing.

``tests/data/linter_method_corpus.tsv``: text, expected kind, expected ``missing`` ("-" for none), language, and an
optional fifth column: ``limit: …`` for a statement the linter is known to read otherwise (docs/linter.md, Limits),
kept with the method's label so that the figure stays honest. Every other row must agree exactly, kind and missing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pac_core.linter import LintResult, lint_statement

DATA = Path(__file__).resolve().parents[1] / "data" / "linter_method_corpus.tsv"


def rows() -> list[tuple[str, str, list[str], str, str]]:
    out = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith(("#", "text\t")):
            continue
        text, kind, missing, lang, *note = line.split("\t")
        out.append((text, kind, [] if missing == "-" else missing.split(","), lang, note[0] if note else ""))
    return out


ROWS = rows()


def lint(text: str) -> LintResult:
    return lint_statement(text, year=2027, tz="Europe/Paris")


def test_corpus_size_and_balance() -> None:
    """80-120+ statements, both languages, every kind."""
    assert len(ROWS) >= 100
    assert {r[3] for r in ROWS} == {"fr", "en"}
    assert {r[1] for r in ROWS} == {"action", "objective", "intention"}


@pytest.mark.parametrize(("text", "kind", "missing"),
                         [(t, k, m) for t, k, m, _, note in ROWS if not note], ids=lambda v: str(v)[:60])
def test_statement(text: str, kind: str, missing: list[str]) -> None:
    result = lint(text)
    assert (result.kind, result.missing) == (kind, missing), result.reasons


def test_agreement_floor() -> None:
    """Kind agreement over the whole corpus, the known limits included (docs/linter.md, Accuracy)."""
    agree = sum(lint(t).kind == k for t, k, _, _, _ in ROWS)
    assert agree / len(ROWS) >= 0.97, agree
