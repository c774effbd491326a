"""Windows as French managers write them with a weekday (audit planfr, 7 Dec 2026).

Hand-checked calendar: 3 May 2027 is a Monday, 7 May 2027 a Friday, 4 May 2027 a Tuesday; 5 May 2026 is a Tuesday,
5 May 2027 a Wednesday (Python's calendar agrees; ISO 8601 numbers Monday 1). Cases: /tmp/audits/planfr/EXPECTED.md
(X19, Z01-Z04).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from pac_config.planfile import check_plan_file
from pac_core.errors import PeriodError
from pac_core.periods import parse_period


def days(text: str, year: int = 2027, language: str | None = None) -> tuple[date, date]:
    window = parse_period(text, year=year, tz="Europe/Paris", language=language)
    return window.start.date(), (window.end - timedelta(days=1)).date()


@pytest.mark.parametrize(("written", "first", "last"), [
    ("du lundi 3 au vendredi 7 mai", date(2027, 5, 3), date(2027, 5, 7)),
    ("du lundi 3 mai au vendredi 7 mai 2027", date(2027, 5, 3), date(2027, 5, 7)),
    ("le lundi 3 mai", date(2027, 5, 3), date(2027, 5, 3)),
    ("avant le vendredi 7 mai", date(2027, 1, 1), date(2027, 5, 7)),
    ("Monday, May 3, 2027", date(2027, 5, 3), date(2027, 5, 3)),
])
def test_weekday_that_agrees_is_read(written: str, first: date, last: date) -> None:
    assert days(written) == (first, last)


def test_weekday_that_disagrees_is_refused_with_both_days() -> None:
    with pytest.raises(PeriodError) as caught:
        days("le mardi 3 mai", language="fr")
    text = str(caught.value)
    assert "3 May 2027 is a Monday, not a Tuesday" in text
    assert "« lundi 3 mai 2027 »" in text and "« mardi 4 mai 2027 »" in text


def test_weekday_in_a_range_is_checked() -> None:
    with pytest.raises(PeriodError, match="7 May 2027 is a Friday, not a Thursday"):
        days("du lundi 3 au jeudi 7 mai")


def test_english_weekday_checked() -> None:
    with pytest.raises(PeriodError) as caught:
        days("Monday, May 4, 2027", language="en")
    assert "4 May 2027 is a Tuesday, not a Monday" in str(caught.value)
    assert "'Tuesday, May 4, 2027'" in str(caught.value)


def test_plan_copied_from_last_year() -> None:
    """« le mardi 5 mai » is 5 May 2026 in a 2026 plan; copied into 2027 (a Wednesday) it is refused."""
    assert days("le mardi 5 mai", year=2026) == (date(2026, 5, 5), date(2026, 5, 5))
    with pytest.raises(PeriodError, match="5 May 2027 is a Wednesday, not a Tuesday"):
        days("le mardi 5 mai", year=2027)


def test_plan_check_names_file_line_key(tmp_path: Path) -> None:
    plan = tmp_path / "plan.pac.yaml"
    plan.write_text(PLAN.format(when="le mardi 3 mai"), encoding="utf-8")
    lines = [str(p) for p in check_plan_file(plan)]
    expected = f"{plan}:21 actions[0].when: 3 May 2027 is a Monday, not a Tuesday"
    assert any(line.startswith(expected) for line in lines), lines


PLAN = """plan:
  name: "PAC test"
  year: 2027
  timezone: Europe/Paris
  language: fr
people:
  - {{email: julie.martin@acme.example, name: Julie Martin, role: manager}}
segments:
  - id: S-RA
    name: RA
    kind: horizontal
    swot: {{strengths: [a], weaknesses: [b], opportunities: [c], threats: [d]}}
axes:
  - {{id: AX-1, name: Dormants, segment: S-RA, objective: {{additional_revenue: 15000, budget: 1000}}}}
actions:
  - id: A-01
    axis: AX-1
    text: "Visiter 5 clients"
    who: julie.martin@acme.example
    what: {{activity: visite, count: 5}}
    when: {when}
"""
