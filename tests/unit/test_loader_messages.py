"""Document.validate: pydantic's errors become plain sentences with a fix, located in the file."""

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field

from pac_config.loader import explain_error, load_yaml
from pac_config.plan_models import ActionIn
from pac_core.errors import InvalidInput


class Sample(BaseModel):
    model_config = ConfigDict(extra="forbid")

    count: int = 1
    share: float = 0.5
    amount: Decimal = Decimal(0)
    minimum: int = Field(default=0, ge=0)
    positive: float = Field(default=1, gt=0)
    at_most: int = Field(default=1, le=10)
    day: date = date(2027, 1, 1)
    moment: datetime = datetime(2027, 1, 1)
    label: str = Field(default="x", min_length=1)
    code: str = Field(default="ab", min_length=2, max_length=3)
    items: list[str] = Field(default_factory=lambda: ["a"], min_length=1)
    flag: bool = False
    crm: Literal["salesforce", "hubspot"] = "salesforce"
    word: str = "x"


def problem(yaml_line: str) -> str:
    """The one problem of a sample file made of ``yaml_line`` (after a first comment line)."""
    doc = load_yaml(Path("s.yaml"), text=f"# sample\n{yaml_line}\n")
    parsed, found = doc.validate(Sample)
    assert parsed is None and len(found) == 1, found
    return str(found[0])


class TestPlainMessages:
    @pytest.mark.parametrize(("line", "expected"), [
        ("count: cinq", "s.yaml:2 count: must be a whole number, not 'cinq' (write a number such as 5)"),
        ("count: 2.5", "s.yaml:2 count: must be a whole number, not 2.5 (write a number without decimals, such as 5)"),
        ("share: moitié", "s.yaml:2 share: must be a number, not 'moitié' (write a number such as 0.5 (a dot for "
                          "decimals))"),
        ("amount: beaucoup", "s.yaml:2 amount: must be a number, not 'beaucoup' (write a number such as 1500.50 "
                             "(a dot for decimals))"),
        ("minimum: -1", "s.yaml:2 minimum: must be at least 0, not -1 (write 0 or more)"),
        ("positive: 0", "s.yaml:2 positive: must be more than 0, not 0 (write a number above 0)"),
        ("at_most: 11", "s.yaml:2 at_most: must be at most 10, not 11 (write 10 or less)"),
        ("day: 30 février", "s.yaml:2 day: must be a date, not '30 février' (write it as YYYY-MM-DD, "
                            "e.g. 2027-06-30)"),
        ("moment: demain", "s.yaml:2 moment: must be a date and time, not 'demain' (write it as "
                           "2027-05-20T18:00:00+02:00 (date, T, time, offset))"),
        ("label: ''", "s.yaml:2 label: must not be empty (write a value)"),
        ("code: a", "s.yaml:2 code: must be at least 2 characters long (write it in full)"),
        ("code: abcd", "s.yaml:2 code: must be at most 3 characters long, not 'abcd' (shorten it)"),
        ("items: []", "s.yaml:2 items: needs at least 1 item (add one)"),
        ("items: x", "s.yaml:2 items: must be a list, not 'x' (write it as [a, b], or one '- item' per line "
                     "under the key)"),
        ("flag: peut-être", "s.yaml:2 flag: must be true or false, not 'peut-être' (write true or false)"),
        ("word: [1]", "s.yaml:2 word: must be text, not [1] (write it as text, in quotes if it looks like a number "
                      "or a date)"),
    ])
    def test_common_errors_read_as_a_sentence_with_a_fix(self, line: str, expected: str) -> None:
        """No raw "Input should be ..." message: each common error has a plain message and a fix."""
        assert problem(line) == expected

    def test_long_values_are_shortened(self) -> None:
        """A long bad value is cut so the problem stays on one line."""
        assert "not 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' (" in problem("count: " + "x" * 80)

    def test_unknown_type_keeps_the_message_without_the_value_error_prefix(self) -> None:
        """A validator's ValueError reads as its own sentence, not "Value error, ..."."""
        err = {"type": "value_error", "msg": "Value error, as_of needs a timezone", "loc": ("as_of",), "input": 1}
        assert explain_error(err) == ("as_of needs a timezone", "")


class TestClosedLists:
    def test_literal_with_did_you_mean_lists_the_values_once(self) -> None:
        """A misspelt Literal value: did-you-mean, then the allowed values once, unquoted."""
        assert problem("crm: salesforse") == ("s.yaml:2 crm: 'salesforse' is not allowed "
                                              "(did you mean 'salesforce'? (one of: salesforce, hubspot))")

    def test_literal_without_a_close_match(self) -> None:
        """Nothing close: the fix lists the allowed values."""
        assert problem("crm: pipedrive") == "s.yaml:2 crm: 'pipedrive' is not allowed (use one of: salesforce, hubspot)"

    def test_french_spelling_lists_canonical_values_and_matches_aliases(self) -> None:
        """'visitee' is close to the French 'visite': did you mean it, then the canonical values once."""
        doc = load_yaml(Path("p.yaml"), text="activity: visitee\ncount: 2\n")
        _, found = doc.validate(ActionIn.model_fields["what"].annotation)
        fix = next(p.fix for p in found if p.path == "activity")
        assert fix == "did you mean 'visite'? (one of: visit, call, meeting, demo, email, quote_follow_up)"
        assert fix.count("visit") == 2   # the value list is not repeated

    def test_impossible_date_in_the_yaml_is_located(self) -> None:
        """2027-02-30, which YAML itself cannot read, is reported at its line with a fix."""
        with pytest.raises(InvalidInput) as info:
            load_yaml(Path("s.yaml"), text="# sample\nday: 2027-02-30\n")
        assert str(info.value.problems[0]) == ("s.yaml:2 2027-02-30 is not a real date (day is out of range for month) "
                                               "(check the day and the month: dates are written YYYY-MM-DD)")


class TestUnreadableFiles:
    """A YAML file pac cannot read as text is one problem naming the file, where, and the fix (audit ops)."""

    def test_a_file_saved_in_windows_1252_names_the_line_and_the_character(self, tmp_path: Path) -> None:
        """« é » saved by Notepad in Windows-1252 is byte 0xE9: the line it is on and what it reads as. Seen failing
        before the fix: 'the file is not UTF-8 text (save it as UTF-8)', no line."""
        path = tmp_path / "plan.yaml"
        path.write_bytes("plan:\n  name: PAC 2027\n  # équipe Sud\n".encode("cp1252"))
        with pytest.raises(InvalidInput) as info:
            load_yaml(path)
        assert [str(p) for p in info.value.problems] == [
            f"{path}:3 the file is not UTF-8 text: byte 0xE9 on this line ('é' in Windows-1252, the encoding it was "
            "probably saved in) (save it as UTF-8: in Notepad or Excel, 'Save as' with the encoding UTF-8)"]

    def test_a_directory_is_named_as_one(self, tmp_path: Path) -> None:
        """Seen failing before the fix: IsADirectoryError escaped (pac: unexpected error, exit 6)."""
        with pytest.raises(InvalidInput) as info:
            load_yaml(tmp_path)
        assert [str(p) for p in info.value.problems] == [
            f"{tmp_path} is a directory, not a file (name the YAML file in it)"]
