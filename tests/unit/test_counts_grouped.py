"""Counts written with thousands grouped (audit amounts2): an action's ``what.count``, a *Combien* cell, a statement's
« Visiter 1 200 clients » / "Call 1,200 customers". A count is whole, so « 1,200 », « 1.200 », « 1 200 », « 1'200 »
are 1200 in a French and an English plan alike; « 1,5 » is refused with the two counts around it. Oracle:
/tmp/audits/amounts2/oracle.md, written before the code was read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pac_config.plan_import import import_spreadsheet
from pac_config.planfile import load_plan_text
from pac_core.errors import InvalidInput
from pac_core.linter import action_disagreements, lint_statement

MINIMAL = (Path(__file__).parent.parent / "data" / "plans" / "minimal.pac.yaml").read_text(encoding="utf-8")
JULIE = "julie.martin@durand-process.example"


def plan(count: str, language: str = "fr") -> str:
    text = MINIMAL.replace("count: 5,", f"count: {count},")
    return text.replace("timezone: Europe/Paris}", f"timezone: Europe/Paris, language: {language}}}")


def refusal(text: str) -> str:
    with pytest.raises(InvalidInput) as info:
        load_plan_text(text, "pac.yaml")
    said = [str(p) for p in info.value.problems]
    assert len(said) == 1, said
    return said[0]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("written", ["'1 200'", "'1\u00a0200'", "'1\u202f200'", "'1,200'", "'1.200'",
                                     "\"1'200\"", "1200"])
def test_a_plan_count_grouped_in_thousands(written: str, language: str) -> None:
    """« count: '1 200' » was « '1 200' is not a whole number »; so were "1,200" and « 1.200 » (audit amounts2 F1,
    seen failing before the fix)."""
    assert load_plan_text(plan(written, language)).actions[0].target == 1200


@pytest.mark.parametrize(("written", "said"), [
    ("'1,5'", "'1,5' is not a whole number (a count is whole: write 1 or 2)"),
    ("'0,5'", "'0,5' is not a whole number (a count is whole: write 1 or more)"),
    ("1.2", "1.2 is not a whole number (a count is whole: write 1 or 2, or \"1.200\" in quotes for 1200 (YAML "
            "reads 1.200 unquoted as 1.2))"),
])
def test_a_fraction_is_no_count_and_the_fix_says_which(written: str, said: str) -> None:
    """The fix said « say how many, e.g. 5 » to a manager who had said how many; YAML's unquoted « 1.200 » is 1.2
    before pac reads it, so the fix names the quotes (audit amounts2 F1)."""
    assert refusal(plan(written)).endswith("actions[0].what.count: " + said)


def combien(tmp_path: Path, cell: str) -> int:
    path = tmp_path / "pac.csv"
    path.write_text("Segment;Axe;Action;Qui;Quoi;Combien;Quand\n"
                    f"Ouest;Dormants;Visiter des clients;{JULIE};visite;{cell};semaine 18\n", encoding="utf-8")
    result = import_spreadsheet(path, year=2027, today=date(2027, 1, 4))
    return load_plan_text(result.text).actions[0].target


@pytest.mark.parametrize("cell", ["1 200", "1\u202f200", "1,200", "1.200", "1'200", "1.200,0"])
def test_a_french_sheet_count_grouped_in_thousands(tmp_path: Path, cell: str) -> None:
    """A French sheet's « 1,200 » and « 1.200 » were « not a whole number » (only an English sheet read them)."""
    assert combien(tmp_path, cell) == 1200


def test_a_french_sheet_fraction_says_the_two_counts(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as info:
        combien(tmp_path, "1,5")
    said = [str(p) for p in info.value.problems]
    assert len(said) == 1 and "'1,5' is not a whole number (a count is whole: write 1 or 2)" in said[0], said


STATEMENTS = [
    ("fr", "Visiter 1 200 clients dormants du 69 avant fin juin", 1200),
    ("fr", "Visiter 1\u00a0200 clients dormants du 69 avant fin juin", 1200),
    ("fr", "Visiter 1\u202f200 clients dormants du 69 avant fin juin", 1200),
    ("fr", "Visiter 1,234 clients dormants du 69 avant fin juin", 1234),
    ("fr", "Visiter 1.200 clients dormants du 69 avant fin juin", 1200),
    ("fr", "Visiter 1'200 clients dormants du 69 avant fin juin", 1200),
    ("en", "Call 1,200 customers in Ohio by June 30", 1200),
    ("en", "Call 1 200 customers in Ohio by June 30", 1200),
    ("en", "Call 1\u202f200 customers in Ohio by June 30", 1200),
    ("en", "Call 1.200 customers in Ohio by June 30", 1200),
    ("en", "Call 1,200,000 customers in Ohio by June 30", 1_200_000),
    ("fr", "Appeler 5 clients avec 5 000 € de devis avant fin juin", 5),       # an amount stays no count
    ("fr", "Relancer 12 clients du 69 le 14.05.2027", 12),
    ("fr", "Visiter 12 clients en semaine 18 200 fois", 12),
]


@pytest.mark.parametrize(("language", "text", "count"), STATEMENTS)
def test_a_statement_count_grouped_in_thousands(language: str, text: str, count: int) -> None:
    """« Visiter 1 200 clients » read a count of 200 (the « 1 » dropped); « 1,234 » in French and « 1.200 » in either
    read no count, an intention asking how many (audit amounts2 F2, seen failing before the fix)."""
    found = lint_statement(text, year=2027, tz="Europe/Paris", language=language)
    assert (found.kind, found.parsed.get("count")) == ("action", count), found.reasons


@pytest.mark.parametrize(("language", "text", "fix"), [
    ("fr", "Visiter 1,5 clients dormants du 69 avant fin juin", "write 1 or 2"),
    ("en", "Call 2,5 customers in Ohio by June 30", "write 2 or 3"),   # "2.5" is read as 2 May (not fixed)
])
def test_a_statement_fraction_count_says_a_count_is_whole(language: str, text: str, fix: str) -> None:
    """« Visiter 1,5 clients » asked « add: how many », to a manager who had written how many."""
    found = lint_statement(text, year=2027, tz="Europe/Paris", language=language)
    assert any("is not a whole number" in r and fix in r for r in found.reasons), found.reasons


def test_a_statement_count_grouped_agrees_with_its_column() -> None:
    """« Visiter 1 200 clients » with what.count 1200 was warned of as « statement says 200 » (audit amounts2 F2)."""
    text = MINIMAL.replace("count: 5,", "count: 1200,").replace("Visiter 5 clients", "Visiter 1 200 clients")
    loaded = load_plan_text(text)
    assert loaded.actions[0].target == 1200 and "1 200" in loaded.actions[0].text
    assert action_disagreements(loaded, loaded.actions[0]) == []


@pytest.mark.parametrize(("written", "said"), [
    ("'3-5'", "'3-5' is not a whole number (a range: write one number, the one committed to, e.g. 3)"),
    ("'3 à 5'", "'3 à 5' is not a whole number (a range: write one number, the one committed to, e.g. 3)"),
    ("'2k'", "'2k' is not a whole number (write 2000: a count is written in full)"),
    ("'1,5k'", "'1,5k' is not a whole number (write 1500: a count is written in full)"),
    ("'10+'", "'10+' is not a whole number (write 10, the number committed to)"),
    ("'5 visites'", "'5 visites' is not a whole number (write 5 alone: the activity is what.activity)"),
])
def test_a_count_written_as_a_manager_says_it_gets_the_number_to_write(written: str, said: str) -> None:
    """« 3-5 », "2k", "10+", « 5 visites » in what.count (or a Combien cell) were refused with « say how many, e.g. 5 »
    to a manager who had said how many (audit lintnums): the fix now gives the number, as the linter reads it in a
    statement (a range's lower bound, 2k = 2000, 10+ = 10)."""
    assert refusal(plan(written)).endswith("actions[0].what.count: " + said)
