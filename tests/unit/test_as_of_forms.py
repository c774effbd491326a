"""Every ``--as-of`` takes the same forms through one parser (audit leftsmall item 4): `pac explain` and `pac advice`
read 2027-05-20 (the end of that day) and 2027-05-20T18:00 in the plan's timezone, `pac sync` refused both (« give a
timezone offset »). Seen failing before the fix: sync's option had another help and callback, and its bare date was
refused (exit 2)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from sync_jobs import cli_sync
from sync_jobs.cli import main
from tests.fakes import write_settings

COMMANDS = ("sync", "explain", "advice")


def _option(name: str) -> click.Option:
    command = main.get_command(click.Context(main), name)
    assert command is not None
    [option] = [p for p in command.params if p.name == "as_of"]
    assert isinstance(option, click.Option)
    return option


def test_one_option_for_every_command() -> None:
    options = [_option(name) for name in COMMANDS]
    assert len({(o.help, o.metavar, o.callback) for o in options}) == 1
    assert all(o.callback is not None for o in options)
    help_text = options[0].help or ""
    assert "2027-05-20T18:00+02:00" in help_text and "2027-05-20T18:00 " in help_text and "2027-05-20 " in help_text


@pytest.mark.parametrize("command", [["sync", "--dry-run"], ["explain", "A-01"], ["advice"]])
def test_one_error_naming_the_forms(command: list[str]) -> None:
    result = CliRunner().invoke(main, [*command, "--as-of", "yesterday"])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.replace("│", " ").split())
    assert "'yesterday': not a date and time; write it as 2027-05-20 (the end of that day in the plan's" in said
    assert "2027-05-20T18:00 (in the plan's timezone) or 2027-05-20T18:00+02:00" in said


@pytest.mark.parametrize(("text", "expected"), [
    ("2027-05-20", datetime(2027, 5, 20, 22, tzinfo=UTC)),            # the end of 20 May in Paris
    ("2027-05-20T18:00", datetime(2027, 5, 20, 16, tzinfo=UTC)),
    ("2027-05-20T18:00+02:00", datetime(2027, 5, 20, 16, tzinfo=UTC)),
    ("2027-05-20T16:00Z", datetime(2027, 5, 20, 16, tzinfo=UTC)),
])
def test_sync_reads_them_in_the_plans_timezone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str,
                                               expected: datetime) -> None:
    """`pac sync --as-of` on a Europe/Paris plan: the instant handed to the run."""
    seen: list[Any] = []

    def run_sync(*_args: Any, as_of: datetime | None = None, **_kwargs: Any) -> None:
        seen.append(as_of)
        raise click.exceptions.Exit(0)

    monkeypatch.setattr(cli_sync, "run_sync", run_sync)
    config = write_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
    result = CliRunner().invoke(main, ["sync", "--dry-run", "--as-of", text], env={"PAC_CONFIG": str(config)})
    assert result.exit_code == 0, result.output
    assert seen == [expected] and seen[0].utcoffset() is not None
