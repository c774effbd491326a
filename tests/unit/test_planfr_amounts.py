"""Amounts as French managers write them: « 150 k€ HT », « 1,5 million d'euros » (audit planfr, 7 Dec 2026).

Revenue in French business writing is before tax (HT, hors taxes): « 150 k€ HT » is 150 000 €, the amount a CRM
deal holds. « TTC » (VAT included) is not what pac adds up (won deals' amounts): refused with what to write.
Cases: /tmp/audits/planfr/EXPECTED.md (Y00, Y01, Y07, Y08, Z05-Z07).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from pac_core.scopes import parse_money


@pytest.mark.parametrize(("written", "amount"), [
    ("150 k€ HT", 150_000), ("15 000 € HT", 15_000), ("15\u202f000\u00a0€\u00a0HT", 15_000),
    ("15 000 € H.T.", 15_000), ("15000 HT", 15_000), ("15 000 € hors taxes", 15_000), ("1,5 M€ HT", 1_500_000),
    ("1,5 million d'euros", 1_500_000), ("1,5 millions €", 1_500_000), ("1,5 million d’euros", 1_500_000),
    ("2 milliards €", 2_000_000_000), ("15 mille €", 15_000), ("1,5 million", 1_500_000),
])
def test_french_amounts(written: str, amount: int) -> None:
    assert parse_money(written, "EUR", "fr") == Decimal(amount)


def test_english_million() -> None:
    assert parse_money("$1.5 million", "USD", "en") == Decimal(1_500_000)


@pytest.mark.parametrize("written", ["18 000 € TTC", "18 k€ T.T.C."])
def test_vat_included_refused(written: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_money(written, "EUR", "fr")
    text = str(caught.value)
    assert "TTC" in text and "before tax (HT)" in text


def test_ht_inside_words_is_not_dropped() -> None:
    """Only a trailing HT after the amount is read: « HT 15 000 » or a code ending in ht stays refused."""
    for written in ("HT 15 000 €", "15 000 KHT"):
        with pytest.raises(ValueError):
            parse_money(written, "EUR", "fr")
