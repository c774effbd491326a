"""How the numbers of an action text are read (audit lintnums, 7 Dec 2026).

``tests/data/linter_numbers.tsv``: statements, French and English, a manager writes with numbers in them (« 1 200 »,
"1,200", « 1,5 », "2.5", "Q2.5", « S18 », « sem. 18 », « T2 », « 2e trimestre », « mi-mai », « fin juin », « du 69 »,
« dans le 01 », « 5k€ », percentages, ranges, « 1er », « 14h30 », "2027"), each with the count, the window and the
départements the manager means, written by hand before the linter was run. Every row is checked: a misread date is a
wrong window (a wrong ``when`` warning of ``pac plan check``), a misread count a wrong target or a wrong warning.
"""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from pac_config.planfile import load_plan_text
from pac_core.linter import action_disagreements, action_window_disagreement, lint_statement
from pac_core.periods import parse_period

DATA = Path(__file__).resolve().parents[1] / "data" / "linter_numbers.tsv"


def _rows() -> list[tuple[str, str, str, str, str]]:
    rows = []
    for line in DATA.read_text(encoding="utf-8").splitlines()[1:]:
        if line.startswith("#") or not line.strip():
            continue
        rid, text, count, window, departements, _meaning = line.split("\t")
        rows.append((rid, text, count, window, departements))
    return rows


ROWS = _rows()


@pytest.mark.parametrize(("rid", "text", "count", "window", "departements"), ROWS, ids=[r[0] for r in ROWS])
def test_each_number_reads_as_the_manager_means(rid: str, text: str, count: str, window: str,
                                                departements: str) -> None:
    parsed = lint_statement(text, year=2027, tz="Europe/Paris").parsed
    read = parsed["window"]
    got_window = "-" if not read else (
        f"{read['start'][:10]}..{date.fromisoformat(read['end'][:10]) - timedelta(days=1)}")
    got_count = "-" if parsed["count"] is None else str(parsed["count"])
    got_departements = ",".join(sorted((parsed.get("scope_hints") or {}).get("departements") or [])) or "-"
    assert (got_count, got_window, got_departements) == (count, window, departements)


def test_a_slash_between_two_counts_is_a_range_and_says_so() -> None:
    """« 3/4 clients » is 3 or 4 of them: the lower bound, with the range's reason (it was 3 April, and no count)."""
    result = lint_statement("Appeler 3/4 clients en mai", year=2027, tz="Europe/Paris")
    assert result.parsed["count"] == 3
    assert any("'3/4' is a range: read as its lower bound, 3" in reason for reason in result.reasons), result.reasons


@pytest.mark.parametrize(("text", "kind"), [
    ("Call 5 customers for 30 minutes each in May", "action"),
    ("Visit 4 accounts in Q3 at 1.5 hours each", "action"),
    ("Call 20 prospects, 15 min each, in week 18", "action"),
    ("Call each customer in May", "objective"),
    ("Visit each of our key accounts in Q3", "objective"),
])
def test_each_after_a_number_is_per_unit_not_all_of_a_scope(text: str, kind: str) -> None:
    """"30 minutes each" is how long each call lasts: the statement keeps its count (it was "over all of a scope", an
    objective); "each customer" is still every one of them."""
    assert lint_statement(text, year=2027, tz="Europe/Paris").kind == kind


PLAN = """\
plan: {name: PAC 2027, year: 2027, timezone: Europe/Paris, language: en}
people:
  - {email: amy@example.com, name: Amy, role: rep}
segments:
  - {id: SEG, name: Rhône, kind: horizontal, scope: {departement: "69"}}
axes:
  - {id: AX, name: Dormant customers, segment: SEG}
actions:
  - {id: A-01, axis: AX, who: amy@example.com, what: {activity: call, count: 12}, when: May,
     text: "Call 12 prospects about the Q2.5 pricing"}
  - {id: A-02, axis: AX, who: amy@example.com, what: {activity: call, count: 5}, when: June,
     text: "Call 5 customers on the 2.5 release"}
  - {id: A-03, axis: AX, who: amy@example.com, what: {activity: visit, count: 5}, when: week 18,
     text: "Visiter 5 des 10 clients dormants du 69 en S18"}
  - {id: A-04, axis: AX, who: amy@example.com, what: {activity: call, count: 5}, when: weeks 18 to 19,
     text: "Call 5 customers in wk 18/19"}
  - {id: A-05, axis: AX, who: amy@example.com, what: {activity: visit, count: 6}, when: week 19,
     text: "Visiter 5 clients dormants du 69 en S18"}
"""


def test_plan_check_and_lint_say_nothing_of_a_number_read_right() -> None:
    """What a misread number cost a plan: ``pac plan check`` (the window) and ``pac plan lint`` (the window and the
    count) warned of disagreements the manager had not written: A-01 "Q2" against May, A-02 2 May against June,
    A-03 « statement says 10 » against 5, A-04 week 18 against weeks 18-19. A-05 does disagree, twice."""
    plan = load_plan_text(PLAN, name="numbers.pac.yaml")
    checked = {a.id: action_window_disagreement(plan, a) for a in plan.actions}
    linted = {a.id: [d[0] for d in action_disagreements(plan, a)] for a in plan.actions}
    assert {k: v for k, v in checked.items() if v} == {"A-05": checked["A-05"]} and checked["A-05"]
    assert {k: v for k, v in linted.items() if v} == {"A-05": ["count", "when"]}


@pytest.mark.parametrize(("text", "written", "fix"), [
    ("Call 12 prospects in Q2.5", "Q2.5", "Q2"),
    ("Appeler 12 prospects au T2,5", "T2,5", "T2"),
])
def test_a_decimal_quarter_says_why_the_statement_has_no_time_bound(text: str, written: str, fix: str) -> None:
    """"Q2.5" is no quarter (F1): the statement lacks when, and the reasons say why rather than « add: when » alone."""
    result = lint_statement(text, year=2027, tz="Europe/Paris")
    assert result.parsed["window"] is None and "when" in result.missing
    assert f"when: '{written}' is no quarter nor half (a year has 4 quarters and 2 halves): read as a name, not a " \
           f"period (write the period, e.g. '{fix}', or its days)" in result.reasons, result.reasons


@pytest.mark.parametrize(("when", "first", "end"), [
    ("2027-S18", "2027-05-03", "2027-05-10"),
    ("2027, semaine 18", "2027-05-03", "2027-05-10"),
    ("2027, T2", "2027-04-01", "2027-07-01"),
    ("S18/S19", "2027-05-03", "2027-05-17"),
    ("CW18", "2027-05-03", "2027-05-10"),
    ("2e trim.", "2027-04-01", "2027-07-01"),
    ("the 18th week", "2027-05-03", "2027-05-10"),
])
def test_the_same_forms_are_read_as_a_when(when: str, first: str, end: str) -> None:
    """The period parser is one (``pac_core.periods``): a plan's ``when:`` reads what a statement does. « 2027-S18 » was
    1 January to the end of week 18, the others « cannot read »."""
    window = parse_period(when, year=2027, tz="Europe/Paris")
    assert (window.start.date().isoformat(), window.end.date().isoformat()) == (first, end)


@pytest.mark.parametrize("text", [row[1] for row in ROWS if row[0] in {f"L0{k}" for k in range(1, 8)}])
def test_a_year_beside_a_narrower_period_is_one_period(text: str) -> None:
    """« au T1 en 2027 », "in 2027 in Q1": the year says which quarter, it is no second period to warn of (the lint
    said "several periods: the first is used", and when the year came first it was the window)."""
    reasons = lint_statement(text, year=2027, tz="Europe/Paris").reasons
    assert not [r for r in reasons if "several periods" in r], reasons
