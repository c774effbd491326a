"""``pac explain`` data: the header line and the rows, counted first, with reasons."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from pac_core.engine import evaluate
from pac_core.explain import explain_action, explain_axis
from pac_core.records import Records
from tests.unit.test_engine_support import PARIS, USERS, account, action, axis, plan, visit, won
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


class TestAgreement:
    """French headers agree with their count: 0 and 1 in the singular, 2 and more in the plural; English ones
    say « 1 deal »."""

    def test_one_visit_counted(self) -> None:
        """One visit of a target of 5 counted, none missed: « 1 comptée, 0 non comptée » (was « 1 comptées,
        0 non comptées »); 1/5 = 20 %."""
        p = plan(action(axis_id="AX-69"), axes=(axis("AX-69", "SEG-ARA"),))
        records = Records(accounts=(account("a1", "69003"),), users=USERS,
                          activities=(visit("v1", "a1", datetime(2027, 5, 4, 10, tzinfo=PARIS)),))
        ev = evaluate(p, records, as_of=datetime(2027, 6, 1, tzinfo=PARIS), explain=True)
        assert explain_action(p, ev, "A-01").header == "1 / 5 (20\u00a0%) — 1 comptée, 0 non comptée"

    def test_one_deal_counted_and_one_without_amount(self) -> None:
        """An axis with one won deal, of no amount: « 1 affaire comptée, 0 non comptée ; 1 sans montant (comptée
        pour 0 …) » / « 1 deal counted, 0 not counted » (were « 1 affaires comptées … (comptées pour 0 » and
        « 1 deals counted … fix them »)."""
        p = plan(action(axis_id="AX-69"), axes=(axis("AX-69", "SEG-ARA"),))
        deal = won("d1", "a1", None, date(2027, 5, 4))
        ev = evaluate(p, Records(accounts=(account("a1", "69003"),), deals=(deal,), users=USERS),
                      as_of=datetime(2027, 6, 1, tzinfo=PARIS), explain=True)
        deals = {("sf", "d1"): deal}
        assert explain_axis(p, ev, "AX-69", deals=deals).header.endswith(
            "1 affaire comptée, 0 non comptée ; 1 sans montant (comptée pour 0 : à corriger dans le CRM)")
        assert explain_axis(p, ev, "AX-69", deals=deals, lang="en").header.endswith(
            "1 deal counted, 0 not counted; 1 with no amount (counted as 0: fix it in the CRM)")
