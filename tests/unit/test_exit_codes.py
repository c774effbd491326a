"""One table of exit codes (sync_jobs.exit_codes), used by every command."""

from __future__ import annotations

import ast
import sys
import threading
from enum import StrEnum
from pathlib import Path

import click
import pytest

from connectors.base import AuthError, QuotaExhausted, TransientError
from connectors.hubspot.transport import BadRequest, translate
from sync_jobs import cli, exit_codes, interrupts
from sync_jobs.cli_sync import run_exit_code
from sync_jobs.interrupts import Terminated
from sync_jobs.pipeline import RunResult
from sync_jobs.run_status import RunStatus

ROOT = Path(__file__).resolve().parents[2]


def test_no_module_numbers_its_own_exit_codes() -> None:
    """Only sync_jobs/exit_codes.py assigns EXIT_* names (numbers or aliases); every other module imports them
    (cli.py had the table, cli_lint its aliases EXIT_ALL_ACTIONS..., cli_plan and cli_lint their own 2s)."""
    offenders = []
    for path in (ROOT / "sync_jobs").rglob("*.py"):
        if path.name == "exit_codes.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
                if any(name.startswith("EXIT_") for name in names):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


@pytest.mark.parametrize(("error", "code"), [(TransientError("cannot reach the org"), 4), (AuthError("refused"), 4),
                                             (QuotaExhausted("spent"), 5), (ValueError("bug"), 6),
                                             (BadRequest("HubSpot batch_read.tasks: HTTP 400 VALIDATION_ERROR"), 2)])
def test_a_crm_error_reaching_the_top_of_any_command_has_its_code(monkeypatch, capsys, error, code) -> None:
    """A connector error escaping any command exits 4 (5 for the quota guard) with its message, not 6
    "unexpected error"; anything else is still 6."""
    @click.command("explode")
    def explode() -> None:
        raise error

    cli.main.add_command(explode)
    monkeypatch.setattr(sys, "argv", ["pac", "explode"])
    try:
        with pytest.raises(SystemExit) as caught:
            cli.run()
    finally:
        cli.main.commands.pop("explode")
    assert caught.value.code == code
    assert str(error) in capsys.readouterr().err


def _interrupted_sync(monkeypatch, capsys, interrupt: BaseException, *, open_run: bool) -> tuple[object, str]:
    @click.command("sync")
    def interrupted_sync() -> None:
        if open_run:
            interrupts.note_run_opened()
        raise interrupt

    monkeypatch.setattr(interrupts, "_run_opened", threading.Event())
    monkeypatch.setitem(cli.main.commands, "sync", interrupted_sync)
    monkeypatch.setattr(sys, "argv", ["pac", "sync"])
    with pytest.raises(SystemExit) as caught:
        cli.run()
    return caught.value.code, capsys.readouterr().err


@pytest.mark.parametrize(("interrupt", "words"), [(KeyboardInterrupt(), "interrupted by Ctrl-C (SIGINT)"),
                                                   (Terminated("SIGTERM"), "interrupted by SIGTERM")])
def test_an_interrupted_command_exits_130_saying_so(monkeypatch, capsys, interrupt, words) -> None:
    """Ctrl-C (or SIGTERM, which takes its path) ends any command with exit 130 and a line saying what happened and
    what to do; it exited 1, the code of a run with new rejections, with click's bare "Aborted!" (audit C F3)."""
    code, err = _interrupted_sync(monkeypatch, capsys, interrupt, open_run=True)
    assert code == exit_codes.EXIT_INTERRUPTED == 130
    assert f"pac: sync {words}: the run is closed as interrupted; nothing is lost, the next run starts over" in err
    assert "Aborted!" not in err


def test_a_sync_interrupted_before_its_run_began_does_not_say_a_run_was_closed(monkeypatch, capsys) -> None:
    """A `pac sync` stopped while it waits for the lock or reads its settings opened no run: it said "the run is
    closed as interrupted" all the same (seen failing before the fix: that line); it says nothing was sent."""
    code, err = _interrupted_sync(monkeypatch, capsys, Terminated("SIGTERM"), open_run=False)
    assert code == 130
    assert "pac: sync interrupted by SIGTERM: it stopped before its run began: nothing was sent to a CRM nor stored " \
           "(run `pac sync` again) (exit 130)" in err
    assert "closed as interrupted" not in err


class _Refused:
    """What hubspot-api-client raises: ``status``, ``body`` (a JSON string), ``headers``."""

    status = 400
    body = ('{"status":"error","message":"The maximum number of inputs supported in a batch request for property '
            'histories is 50. Please reduce the number of items and try again","category":"VALIDATION_ERROR"}')
    headers = None


def test_a_request_hubspot_refuses_stops_the_run_as_bad_input_with_its_message() -> None:
    """HubSpot's 400 VALIDATION_ERROR is bad input (exit 2) with HubSpot's category and message, not "CRM
    unreachable" (exit 4: the portal was reached and answered). Failed before: stopped_by gave crm_unreachable."""
    from sync_jobs.pipeline import stopped_by

    status, message = stopped_by(translate(_Refused(), "batch_read.tasks"))
    assert status is RunStatus.BAD_INPUT and exit_codes.exit_code_for(status) == 2
    assert "HubSpot batch_read.tasks: HTTP 400 VALIDATION_ERROR: The maximum number of inputs supported in a batch " \
           "request for property histories is 50" in message and "unreachable" not in message


@pytest.mark.parametrize(("status", "code"), [("ok", 0), ("dry_run", 0), ("partial", 1), ("bad_input", 2),
                                              ("locked", 3), ("crm_unreachable", 4), ("quota_stopped", 5),
                                              ("failed", 6)])
def test_each_run_status_has_its_exit_code(status, code) -> None:
    """The run's statuses and their codes, as docs/operations.md lists them for cron."""
    assert exit_codes.exit_code_for(status) == code


def test_a_str_enum_status_maps_on_its_value() -> None:
    """The pipeline's RunStatus is a StrEnum: its members map like their words."""
    class Status(StrEnum):
        PARTIAL = "partial"
        CRM_UNREACHABLE = "crm_unreachable"

    assert (exit_codes.exit_code_for(Status.PARTIAL), exit_codes.exit_code_for(Status.CRM_UNREACHABLE)) == (1, 4)


def test_an_unknown_status_is_an_error_not_exit_0() -> None:
    with pytest.raises(ValueError, match="running"):
        exit_codes.exit_code_for("running")


def test_the_codes_are_distinct_and_named_once() -> None:
    codes = {name: value for name, value in vars(exit_codes).items() if name.startswith("EXIT_")}
    assert codes == {"EXIT_OK": 0, "EXIT_PARTIAL": 1, "EXIT_BAD_INPUT": 2, "EXIT_LOCKED": 3, "EXIT_CRM": 4,
                     "EXIT_QUOTA": 5, "EXIT_INTERNAL": 6, "EXIT_INTERRUPTED": 130}


@pytest.mark.parametrize(("status", "code"), [("ok", 0), ("partial", 1), ("dry_run", 0), ("quota_stopped", 5),
                                              ("crm_unreachable", 4), ("bad_input", 2), ("failed", 6), ("locked", 3)])
def test_pac_sync_exits_with_its_status_code(status: str, code: int) -> None:
    """The run's result carries a status only (RunStatus); the CLI's table alone decides the exit code."""
    assert run_exit_code(RunResult(plan_id="p", status=RunStatus(status))) == code
