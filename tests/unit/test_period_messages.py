"""The period errors a plan check or an import shows: options they have, examples in English and French."""

from __future__ import annotations

import pytest

from pac_core.errors import PeriodError
from pac_core.periods import parse_period


def _error(text: str) -> str:
    with pytest.raises(PeriodError) as info:
        parse_period(text, year=2027, tz="America/Chicago")
    return str(info.value)


def test_relative_period_does_not_send_check_or_import_to_an_option_they_lack() -> None:
    """'next month' in a plan's when: pac plan check and pac plan import have no --today; the fix says what a
    plan takes (the period itself), in both languages, and names lint's --today as lint's."""
    message = _error("next month")
    assert "give today's date (--today)" not in message
    assert "pac plan lint" in message and "--today" in message
    assert "'June 2027'" in message and "« juin 2027 »" in message


@pytest.mark.parametrize("text", ["whenever possible", ""])   # "Q2 FY2028", "every month" have their own words
def test_unreadable_period_examples_are_english_and_french(text: str) -> None:
    """The forms understood are shown in both languages, not French ones only ('semaine 18', 'mai 2027')."""
    message = _error(text)
    for english in ("'week 18'", "'May 2027'", "'Q2 2027'", "'by March 31, 2027'"):
        assert english in message
    assert "'semaine 18'" in message and "'mai 2027'" in message


def test_month_day_date_refusal_names_the_import_option() -> None:
    """'3/31/2027' in a plan: refused, with both languages' forms and the import's --date-order."""
    message = _error("3/31/2027")
    assert "31/03/2027" in message and "'March 31, 2027'" in message and "--date-order mdy" in message
