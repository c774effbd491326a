"""The data-quality warnings of a won deal's value write their amounts as the report writes money, in the deal's
currency to the cent (audit explainrates, 7 Dec 2026).

Expected by hand before the code: a GBP deal with no amount whose lines are 500 + 300 (read as 500.0 and 300.0): "deal
amount empty: the sum of its line items used, £800.00" (before: "800.0"); French « montant de l'affaire vide : somme
de ses lignes utilisée, 800,00 £GB » (the French report's GBP).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pac_core.explain import localise
from pac_core.records import DealLine
from pac_core.revenue import value_warnings
from tests.unit.test_engine_support import won


def _plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


class TestWarningAmounts:
    LINES = (DealLine("P1", Decimal(1), Decimal("500.0"), code="P1"), DealLine("P2", Decimal(1), Decimal("300.0"),
                                                                                code="P2"))

    def test_the_sum_of_the_lines_in_the_deals_currency_to_the_cent(self) -> None:
        deal = won("g", "a1", None, date(2027, 5, 10), currency="GBP", lines=self.LINES)
        [warning] = value_warnings(deal, Decimal("800.0"), None, "EUR")
        assert warning.detail == "deal amount empty: the sum of its line items used, £800.00"
        assert _plain(localise(warning.detail, "fr")) == (
            "montant de l'affaire vide : somme de ses lignes utilisée, 800,00 £GB")

    def test_an_amount_differing_from_its_lines_and_a_credit(self) -> None:
        deal = won("g", "a1", "900", date(2027, 5, 10), currency=None, lines=self.LINES)
        [warning] = value_warnings(deal, Decimal(900), None, "EUR")
        assert warning.detail == ("deal amount €900.00 differs from its line items, €800.00: product axes count the "
                                  "lines")
        assert _plain(localise(warning.detail, "fr")) == (
            "montant de l'affaire 900,00 € différent de ses lignes, 800,00 € : les axes de produits comptent les "
            "lignes")
        credit = won("c", "a1", "-1234.5", date(2027, 5, 10), currency="USD")
        [warning] = value_warnings(credit, Decimal("-1234.5"), None, "EUR")
        assert warning.detail == ("won deal with a negative amount (-$1,234.50): a credit, subtracted from the won "
                                  "revenue")
        assert _plain(localise(warning.detail, "fr")) == (
            "affaire gagnée de montant négatif (-1 234,50 $US) : un avoir, déduit du CA gagné")
