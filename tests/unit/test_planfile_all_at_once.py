"""Plan files: every mistake is reported in one run, even beside a bad header or an unknown key."""

from pathlib import Path

import pytest

from pac_config.planfile import check_plan_file, load_plan_text
from pac_core.errors import InvalidInput

DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "plans"
MINIMAL = (DATA / "minimal.pac.yaml").read_text(encoding="utf-8")

EIGHT = """\
plan: {name: Test plan, year: 2027, timezone: Europe/Pariss, language: klingon}
people:
  - {email: julie.martin@durand-process.example, name: Julie Martin, role: rep}
segments:
  - {id: S-RA, name: Rhône-Alpes, kind: horizontale, scope: {region: Auvergne-Rhône-Alpes}}
axes:
  - id: AX-DORM
    name: Clients dormants
    segment: S-RA
    status: {state: suspendu}
actions:
  - id: A-01
    axis: AX-DORM
    text: "Visiter 5 clients dormants du 69 en semaine 54"
    who: julie.martin@durand-process.example
    what: {activity: visite, count: 5}
    when: "semaine 54"
  - id: A-02
    axis: AX-DORM
    colour: red
    text: "Appeler 10 clients"
    who: julie.martin@durand-process.example
    what: {activity: appel, count: 0}
    when: mai
  - id: A-03
    axis: AX-NOPE
    text: "Appeler des clients"
    who: paul@durand-process.example
    what: {activity: visitt, count: 3}
    when: juin
"""


def problems(text: str) -> list[str]:
    with pytest.raises(InvalidInput) as info:
        load_plan_text(text, "t.pac.yaml")
    return [str(p) for p in info.value.problems]


def located(text: str) -> list[str]:
    """'line path' of each problem, e.g. '1 plan.timezone'."""
    return [" ".join(p.split(" ", 2)[:2]).removeprefix("t.pac.yaml:").rstrip(":") for p in problems(text)]


class TestEveryProblemAtOnce:
    def test_nine_mistakes_with_a_bad_header_are_all_reported_with_their_lines(self) -> None:
        """A bad timezone and language do not hide the items: all nine mistakes come back, in file order."""
        assert located(EIGHT) == [
            "1 plan.language", "1 plan.timezone", "10 axes[0].status.reason", "17 actions[0].when",
            "20 actions[1].colour", "23 actions[1].what.count", "26 actions[2].axis", "28 actions[2].who",
            "29 actions[2].what.activity"]

    def test_messages_of_the_nine_mistakes(self) -> None:
        """Each problem says what is wrong, with its fix."""
        found = "\n".join(problems(EIGHT))
        for part in ("unknown timezone 'Europe/Pariss' (use an IANA name such as Europe/Paris)",
                     "unknown language 'klingon' (use one of: fr, en)",
                     "a suspended axis needs a reason", "week 54 does not exist in 2027",
                     "unknown key 'colour'", "the target count must be positive, not 0",
                     "axis 'AX-NOPE' does not exist", "paul@durand-process.example is not in the plan's people",
                     "unknown activity 'visitt' (did you mean 'visit'? (one of: visit, call, meeting, demo, email, "
                     "quote_follow_up))"):
            assert part in found

    def test_check_plan_file_reports_the_same_from_a_file(self, tmp_path: Path) -> None:
        """pac plan check's function gives the nine problems, each with the file name and line."""
        path = tmp_path / "eight.pac.yaml"
        path.write_text(EIGHT, encoding="utf-8")
        found = check_plan_file(path)
        assert len(found) == 9 and all(p.file == str(path) and p.line for p in found)


class TestHeaderFallback:
    def test_bad_year_falls_back_to_the_periods_year(self) -> None:
        """year: deux mille is reported; periods are still read in the period's year (2027 has no week 54)."""
        text = EIGHT.replace("year: 2027, timezone: Europe/Pariss, language: klingon",
                             'year: deux mille, period: "2027"')
        found = problems(text)
        assert found[0] == ("t.pac.yaml:1 plan.year: must be a whole number, not 'deux mille' "
                            "(write a number such as 5)")
        assert any("actions[0].when: week 54 does not exist in 2027" in f for f in found)
        assert len(found) == 8

    def test_missing_header_still_checks_the_items(self) -> None:
        """Without plan: the missing header is reported and the actions are still checked."""
        found = problems(EIGHT.split("\n", 1)[1])
        assert found[0] == "t.pac.yaml:1 plan: required key is missing (add plan:)"
        assert any("actions[1].what.count: the target count must be positive" in f for f in found)

    def test_misspelt_year_flags_no_dated_action_as_outside_the_plan(self) -> None:
        """yaer: 2027 is one problem; an action dated 2027-W18 is not "outside" a guessed year's period."""
        text = MINIMAL.replace("year: 2027", "yaer: 2027").replace('"semaine 18"', '"2027-W18"')
        assert problems(text) == ["t.pac.yaml:2 plan.yaer: unknown key 'yaer' (did you mean 'year'?)"]

    def test_bad_period_does_not_make_every_action_outside_it(self) -> None:
        """An unreadable plan period is reported once; actions are still checked, none "outside the period"."""
        text = MINIMAL.replace("timezone: Europe/Paris}", 'timezone: Europe/Paris, period: "T9"}').replace(
            "count: 5", "count: 0")
        found = problems(text)
        assert [f.split(" ")[1] for f in found] == ["plan.period:", "actions[0].what.count:"]
        assert not any("outside the plan's period" in f for f in found)


class TestRepairedItems:
    def test_unknown_key_does_not_hide_a_zero_count(self) -> None:
        """colour: beside count: 0 gives both problems."""
        text = MINIMAL.replace("    axis: AX-DORM\n", "    axis: AX-DORM\n    colour: red\n").replace(
            "count: 5", "count: 0")
        assert located(text) == ["17 actions[0].colour", "20 actions[0].what.count"]

    def test_misspelt_required_key_does_not_hide_a_zero_count(self) -> None:
        """whne: (for when:) is one problem, and the zero count beside it is still reported."""
        text = MINIMAL.replace('    when: "semaine 18"', '    whne: "semaine 18"').replace("count: 5", "count: 0")
        assert located(text) == ["19 actions[0].what.count", "20 actions[0].whne"]

    def test_unknown_key_does_not_hide_unknown_axis_and_person(self) -> None:
        """An unknown key, an unknown axis and an unknown person in one action: three problems."""
        text = MINIMAL.replace("    axis: AX-DORM\n", "    axis: AX-NOPE\n    colour: red\n").replace(
            "    who: julie", "    who: paul")
        assert located(text) == ["16 actions[0].axis", "17 actions[0].colour", "19 actions[0].who"]

    def test_a_bad_required_value_adds_no_problem_of_its_own(self) -> None:
        """A missing axis and a bad who are reported once each: the stand-ins never cause "does not exist"."""
        text = MINIMAL.replace("    axis: AX-DORM\n", "").replace(
            "    who: julie.martin@durand-process.example", "    who: Julie").replace('"semaine 18"', '"semaine 54"')
        found = problems(text)
        assert [f.split(" ")[1] for f in found] == ["actions[0].axis:", "actions[0].who:", "actions[0].when:"]
        assert "required key is missing" in found[0] and "week 54" in found[2]

    def test_a_when_of_the_wrong_shape_is_reported_once(self) -> None:
        """when: [1, 2] is one problem; the rest of the action (count 0) is still checked."""
        text = MINIMAL.replace('"semaine 18"', "[1, 2]").replace("count: 5", "count: 0")
        assert located(text) == ["19 actions[0].what.count", "20 actions[0].when"]

    def test_broken_axis_is_still_checked(self) -> None:
        """An axis with an unknown key and a suspension without reason gives both problems."""
        text = MINIMAL.replace("    segment: S-RA", "    segment: S-RA\n    colour: red\n    status: suspendu")
        assert located(text) == ["14 axes[0].colour", "15 axes[0].status.reason"]
