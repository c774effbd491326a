"""A number with a dot or a slash is a date only where a date is written (audit lintdates, 6 Dec 2026).

« Call 2.5 customers by June 30, 2027 » was read as 2 May (the window of the action), « Visiter 1.5 fois plus de
clients en T2 » as 1 May, « Relancer 3/4 des devis » as 3 April, "Increase sales by 2.5% in Q3" as a deadline to
2 May. The expectations were written by hand before the linter was read (/tmp/audits/lintdates/oracle.tsv).
"""
from __future__ import annotations

import pytest

from pac_core.linter import lint_statement

TZ = "Europe/Paris"


def _window(text: str, **kw: object) -> tuple[str, str] | None:
    w = lint_statement(text, year=2027, tz=TZ, **kw).parsed["window"]  # type: ignore[arg-type]
    return (w["start"][:10], w["end"][:10]) if w else None


NOT_DATES = [
    # statement, window expected (start, end exclusive): the real period, not the number
    ("Call 2.5 customers by June 30, 2027", ("2027-01-01", "2027-07-01")),
    ("Call 1.5 customers by 30/6", ("2027-01-01", "2027-07-01")),
    ("Visiter 1.5 fois plus de clients en T2", ("2027-04-01", "2027-07-01")),
    ("Visit 1.5 times more customers in Q2", ("2027-04-01", "2027-07-01")),
    ("Relancer 3/4 des devis de plus de 30 jours avant fin juin", ("2027-01-01", "2027-07-01")),
    ("Relancer 2/3 des clients dormants en juin", ("2027-06-01", "2027-07-01")),
    ("Increase sales by 2.5% in Q3", ("2027-07-01", "2027-10-01")),
    ("Augmenter les ventes de 2.5 % au T3", ("2027-07-01", "2027-10-01")),
    ("Call 5 customers about release 10.12 in May", ("2027-05-01", "2027-06-01")),
    ("Appeler 5 clients sur l'offre 3.2 en juin", ("2027-06-01", "2027-07-01")),
    ("Visit 4 customers rated 4.5 in May", ("2027-05-01", "2027-06-01")),
]


@pytest.mark.parametrize(("text", "window"), NOT_DATES)
def test_a_decimal_or_a_fraction_is_not_the_window(text: str, window: tuple[str, str]) -> None:
    assert _window(text) == window


DATES = [
    ("Call 5 customers by 2.5.2027", ("2027-01-01", "2027-05-03")),
    ("Appeler 5 clients le 2/5", ("2027-05-02", "2027-05-03")),
    ("Call 5 customers by 5/2", ("2027-01-01", "2027-02-06")),
    ("Appeler 5 clients d'ici le 2.05", ("2027-01-01", "2027-05-03")),
    ("Visiter 5 clients le 12.05.2027", ("2027-05-12", "2027-05-13")),
    ("Visiter 5 clients le 12.05", ("2027-05-12", "2027-05-13")),
    ("Call 5 customers by 2.5", ("2027-01-01", "2027-05-03")),
    ("Visiter 5 clients du 2.5 au 9.5", ("2027-05-02", "2027-05-10")),
    ("12.05 : appeler 5 clients dormants", ("2027-05-12", "2027-05-13")),
    ("Appeler Acme 12/05", ("2027-05-12", "2027-05-13")),
]


@pytest.mark.parametrize(("text", "window"), DATES)
def test_a_numeric_date_where_a_date_is_written_stays_a_date(text: str, window: tuple[str, str]) -> None:
    assert _window(text) == window


def test_a_decimal_count_says_it_is_not_whole() -> None:
    r = lint_statement("Call 2.5 customers by June 30, 2027", year=2027, tz=TZ)
    assert r.parsed["count"] is None
    assert any("'2.5' is not a whole number" in reason for reason in r.reasons), r.reasons


def test_a_distance_after_a_is_not_a_date() -> None:
    """« à 2.5 km »: « à » is not a date word (« au 2.5 » is)."""
    assert _window("Visiter 5 clients à 2.5 km de l'agence en juin") == ("2027-06-01", "2027-07-01")
