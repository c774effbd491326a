"""The exit code of a CRM's refusal in ``pac config check MAPPING --online`` and ``pac crm check``: the table of
docs/operations.md (``sync_jobs.exit_codes``) is the contract. A request HubSpot refused as invalid (HTTP 400) was
reached with accepted credentials, and the same request fails again: exit 2, as ``pac sync`` and every command ending
through ``sync_jobs.crm_exit`` say; an unreachable CRM stays exit 4 and a spent quota exit 5 (audit secrets2 note:
``config check --online`` exited 4 on a 400)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rich.console import Console

from connectors import registry
from connectors.base import ApiUsage, QuotaExhausted, TransientError
from connectors.hubspot.transport import BadRequest
from sync_jobs import cli_common, cli_crm, cli_sync
from sync_jobs.cli import main

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "config" / "mappings" / "hubspot.default.yaml"
REFUSALS = [
    (BadRequest("HubSpot search.companies: HTTP 400 VALIDATION_ERROR: Invalid input JSON",
                {"status": "error", "category": "VALIDATION_ERROR"}), 2),
    (TransientError("HubSpot search.companies: connection refused after 4 attempts"), 4),
    (QuotaExhausted("HubSpot: the daily limit is reached", refused_by_crm=True), 5),
]
IDS = ["400 refused as invalid: 2", "unreachable: 4", "quota spent: 5"]


def _refusing(exc: Exception) -> Any:
    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise exc
    return refuse


@pytest.mark.parametrize(("exc", "code"), REFUSALS, ids=IDS)
def test_config_check_online_exits_by_the_table(monkeypatch: pytest.MonkeyPatch, exc: Exception, code: int) -> None:
    """Seen failing before the fix for the 400 (exit 4) and the quota (exit 4)."""
    monkeypatch.setattr(registry, "connect", _refusing(exc))
    result = CliRunner().invoke(main, ["config", "check", str(MAPPING), "--online"])
    assert result.exit_code == code, result.output
    assert str(exc).split(":")[0] in result.output, result.output


@pytest.mark.parametrize(("exc", "code"), REFUSALS, ids=IDS)
def test_crm_check_exits_by_the_table(monkeypatch: pytest.MonkeyPatch, exc: Exception, code: int) -> None:
    """Seen failing before the fix for the 400 (exit 4) and the quota (exit 4)."""
    monkeypatch.setattr(registry, "build", _refusing(exc))
    result = CliRunner().invoke(main, ["crm", "check", "--crm", "hubspot", "--mapping", str(MAPPING)])
    assert result.exit_code == code, result.output
    assert str(exc).split(":")[0] in result.output, result.output


@pytest.mark.parametrize(("exc", "code"), REFUSALS, ids=IDS)
def test_sync_stopped_outside_its_steps_exits_by_the_table(monkeypatch: pytest.MonkeyPatch, exc: Exception,
                                                           code: int) -> None:
    """A CRM error ``run_sync`` lets through (before its steps: building the connectors) is said with
    the table's code, as a stop inside the steps does (``stopped_by``). Seen failing before the fix for the 400
    and the quota (exit 4)."""
    monkeypatch.setattr(cli_common, "settings", lambda: object())
    monkeypatch.setattr(cli_sync, "run_sync", _refusing(exc))
    result = CliRunner().invoke(main, ["sync"])
    assert result.exit_code == code, result.output
    assert str(exc).split(":")[0] in result.output, result.output


REFUSED = REFUSALS[0][0]
COMMANDS = [
    (registry, "connect", ["config", "check", str(MAPPING), "--online"]),
    (registry, "build", ["crm", "check", "--crm", "hubspot", "--mapping", str(MAPPING)]),
    (registry, "build", ["crm", "provision", "hubspot", "--mapping", str(MAPPING)]),
    (cli_sync, "run_sync", ["sync"]),
]


@pytest.mark.parametrize(("module", "name", "args"), COMMANDS, ids=["config check", "crm check", "crm provision",
                                                                    "sync"])
def test_a_request_refused_as_invalid_is_no_connection_failure(monkeypatch: pytest.MonkeyPatch, module: Any,
                                                               name: str, args: list[str]) -> None:
    """A HubSpot 400 is a refused request, not a CRM unreachable: the line says the CRM refused it as invalid, whole,
    and what to fix, never "CRM error:" or "cannot connect:" (audit smallwords F1: both read as a connection failure;
    seen failing before the fix)."""
    monkeypatch.setattr(cli_common, "settings", lambda: object())
    monkeypatch.setattr(module, name, _refusing(REFUSED))
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "CRM error" not in result.output and "cannot connect" not in result.output, result.output
    assert f"the CRM refused the request as invalid: {REFUSED}" in result.output, result.output
    assert "fix what its message names" in result.output, result.output


class _Ready:
    """A connector whose CRM has everything, past six figures of API usage."""

    def check_schema(self) -> list[Any]:
        return []

    def usage(self) -> ApiUsage:
        return ApiUsage(calls=8, used=12_345, limit=1_000_000)

    def close(self) -> None:
        pass


def test_crm_check_groups_the_api_usage_by_thousands() -> None:
    """« API usage: 12,345 of 1,000,000 today », as `pac sync` says « 999,947 left today » (audit newcomer3: it read
    « 113 of 100000 » beside the sync's « 99,972 left today »)."""
    out = io.StringIO()
    code = cli_crm._check_one("hubspot", "hs-west", _Ready, Console(file=out, width=200))
    assert code == 0
    assert "hs-west: API usage: 12,345 of 1,000,000 today (8 call(s) by this check)" in out.getvalue()
