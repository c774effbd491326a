"""Bad values in plans, settings, secrets and CLI options: a clear located error with the limit, never a crash."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from pac_config.planfile import check_plan_file
from pac_core.errors import InvalidInput
from sync_jobs.cli import main
from sync_jobs.cli_common import as_of
from sync_jobs.secrets import read_secrets_file

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / "config" / "plans" / "example.pac.yaml").read_text(encoding="utf-8")


def plan_with(tmp_path: Path, old: str, new: str) -> Path:
    assert old in EXAMPLE
    path = tmp_path / "p.pac.yaml"
    path.write_text(EXAMPLE.replace(old, new, 1), encoding="utf-8")
    return path


def only_problem(path: Path) -> str:
    problems = check_plan_file(path)
    assert len(problems) == 1, problems
    return str(problems[0])


class TestPlanBounds:
    def test_huge_count_is_refused_with_the_limit(self, tmp_path: Path) -> None:
        """`count: 99999999999999999999999999999999` is refused at its line, naming the limit (it passed before)."""
        path = plan_with(tmp_path, "count: 5,", "count: 99999999999999999999999999999999,")
        message = only_problem(path)
        line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "99999999999999999999" in text)
        assert f":{line} actions[0].what.count:" in message and "100,000" in message

    def test_huge_amount_is_refused_with_the_limit(self, tmp_path: Path) -> None:
        """An objective of 10^40 is refused, naming the largest amount accepted."""
        path = plan_with(tmp_path, "additional_revenue: ", "additional_revenue: 1e40 #")
        message = only_problem(path)
        assert "additional_revenue" in message and "1,000,000,000,000" in message

    def test_overlong_text_is_refused_with_the_limit(self, tmp_path: Path) -> None:
        """An action text of 100,000 characters is refused, naming the limit."""
        path = plan_with(tmp_path, 'text: "Visiter 5 clients dormants du 69 en semaine 18"',
                         'text: "Visiter 5 clients dormants du 69 en semaine 18 ' + "x" * 100_000 + '"')
        message = only_problem(path)
        assert "actions[0].text" in message and "2000 characters" in message

    @pytest.mark.parametrize("zone", ["A" * 300, "Europe/Paris\x00", "../../../etc/passwd", "/etc/localtime"])
    def test_impossible_timezone_is_a_plain_problem(self, tmp_path: Path, zone: str) -> None:
        """A 300-character timezone (OSError before), a NUL or a path: `unknown timezone` at its line."""
        path = plan_with(tmp_path, "timezone: Europe/Paris", f"timezone: {zone!r}".replace("\\x00", "\\0"))
        message = only_problem(path)
        assert "plan.timezone: unknown timezone" in message and "Europe/Paris" in message


class TestCliOptions:
    @pytest.mark.parametrize(("value", "command"), [
        (value, command) for value in ("yesterday", "2027-02-30T00:00+01:00")
        for command in (["sync", "--dry-run"], ["explain", "A-01"])])
    def test_bad_as_of_exits_2_with_the_accepted_forms(self, command: list[str], value: str) -> None:
        """`--as-of yesterday` or an impossible date: exit 2 naming the accepted forms (exit 6 before); pac sync
        reads a value without an offset in its plan's timezone too, as explain and advice do (audit leftsmall:
        tests/unit/test_as_of_forms.py)."""
        result = CliRunner().invoke(main, [*command, "--as-of", value])
        assert result.exit_code == 2, result.output
        assert "--as-of" in result.output and "2027-05-20T18:00+02:00" in result.output

    def test_as_of_without_an_offset_is_in_the_plans_timezone(self) -> None:
        """usplan audit, minor list: `pac explain A-03 --as-of 2027-03-14` asked for an offset although the plan's
        timezone is known. A wall time takes the zone's offset of that day, a bare date is the end of that day."""
        chicago = "America/Chicago"
        assert as_of("2027-11-07T12:00", chicago) == datetime(2027, 11, 7, 18, tzinfo=UTC)
        assert as_of("2027-07-04T12:00", chicago) == datetime(2027, 7, 4, 17, tzinfo=UTC)
        assert as_of("2027-03-14", chicago) == datetime(2027, 3, 15, 5, tzinfo=UTC)
        assert as_of("2027-03-14T00:00-06:00", chicago) == datetime(2027, 3, 14, 6, tzinfo=UTC)   # an offset wins

    def test_long_timezone_option_of_plan_lint(self) -> None:
        """`plan lint --tz` with 300 characters: exit 2, unknown timezone (OSError before)."""
        result = CliRunner().invoke(main, ["plan", "lint", "-", "--tz", "A" * 300], input="Visiter 5 clients\n")
        assert result.exit_code == 2 and "unknown timezone" in result.output


class TestSecretsFile:
    def test_non_utf8_secrets_file(self, tmp_path: Path) -> None:
        """A secrets file in Latin-1: a clear message naming the file and the fix (UnicodeDecodeError before)."""
        path = tmp_path / "secrets.env"
        path.write_bytes("PAC_HS_ACCESS_TOKEN=clé\n".encode("latin-1"))
        os.chmod(path, 0o600)
        with pytest.raises(InvalidInput) as caught:
            read_secrets_file(path)
        message = str(caught.value)
        assert str(path) in message and "UTF-8" in message


class TestMappingBounds:
    @pytest.mark.parametrize(("crm", "old", "new", "words"), [
        ("salesforce", "bulk_threshold: 50000", "bulk_threshold: 99999999999999999999999999",
         "bulk_threshold: must be at most 100000000"),
        ("hubspot", "  name: name\n", "  name: " + "n" * 5000 + "\n",
         "companies.name: must be at most 1000 characters"),
    ])
    def test_mapping_values_are_bounded(self, tmp_path: Path, crm: str, old: str, new: str, words: str) -> None:
        """A 26-digit bulk threshold or a 5,000-character property name: `pac config check` exits 2 with the limit."""
        shipped = (ROOT / "config" / "mappings" / f"{crm}.default.yaml").read_text(encoding="utf-8")
        assert old in shipped
        path = tmp_path / f"{crm}.yaml"
        path.write_text(shipped.replace(old, new, 1), encoding="utf-8")
        result = CliRunner().invoke(main, ["config", "check", str(path)])
        assert result.exit_code == 2 and words in result.output, result.output


class TestPlainWords:
    @pytest.mark.parametrize(("yaml_value", "shown"), [
        ("2027-01-03", "not 2027-01-03"), ("2027-01-03T10:00:00+02:00", "not 2027-01-03T10:00:00+02:00"),
        ("true", "not true"), ("{a: 2027-01-03}", "not {a: 2027-01-03}")])
    def test_values_are_shown_as_written(self, tmp_path: Path, yaml_value: str, shown: str) -> None:
        """A date, a boolean or a mapping where text or a list is expected is shown as written in the file, not as
        Python's repr (``datetime.date(2027, 1, 3)``, ``True``), found by fuzzing."""
        path = plan_with(tmp_path, "people:\n", f"people: {yaml_value}\nunused_people:\n")
        problems = [str(p) for p in check_plan_file(path)]
        assert any(shown in p for p in problems), problems
        assert not any("datetime." in p or "True" in p for p in problems), problems
