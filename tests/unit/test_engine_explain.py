"""``pac explain`` data: the header line and the rows, counted first, with reasons."""

from __future__ import annotations

import pytest

from pac_core.explain import explain_action
from tests.unit.test_engine_support import plan
from tests.unit.test_engine_worked_example import _evaluate


class TestExplain:
    def test_header_of_the_worked_example(self) -> None:
        """The English header reads "4 / 5 (80 %) — 4 counted, 8 not counted"."""
        p = plan(language="en")
        assert explain_action(p, _evaluate(), "A-01").header == "4 / 5 (80 %) — 4 counted, 8 not counted"

    def test_french_header(self) -> None:
        """A French plan gets a French header."""
        assert explain_action(plan(), _evaluate(), "A-01").header.endswith("4 comptées, 8 non comptées")

    def test_rows_counted_first_with_local_times_and_names(self) -> None:
        """Rows list counted visits first, in Paris time, with account names when given."""
        rows = explain_action(plan(), _evaluate(), "A-01", accounts={("sf", "lyon-a"): "Lyon A"}).rows
        assert [r["counted"] for r in rows] == [True] * 4 + [False] * 8
        first_lyon = next(r for r in rows if r["record"] == "v1")
        assert (first_lyon["account"], first_lyon["when"], first_lyon["reason"]) == ("Lyon A", "2027-05-03 09:30",
                                                                                     "comptée")

    def test_limit(self) -> None:
        """The limit cuts the rows, not the header's counts."""
        explanation = explain_action(plan(), _evaluate(), "A-01", limit=3)
        assert len(explanation.rows) == 3 and "8 non comptées" in explanation.header

    def test_unknown_action(self) -> None:
        """An unknown action id names the known ones."""
        with pytest.raises(KeyError, match="known: A-01"):
            explain_action(plan(), _evaluate(), "A-99")
