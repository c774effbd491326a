"""One table of exit codes (sync_jobs.cli), used by every command."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import click
import pytest

from connectors.base import AuthError, QuotaExhausted, TransientError
from sync_jobs import cli

ROOT = Path(__file__).resolve().parents[2]


def test_no_module_numbers_its_own_exit_codes() -> None:
    """Only sync_jobs/cli.py gives EXIT_* names numbers; every other module imports them (cli_plan and cli_lint
    had their own 2s)."""
    offenders = []
    for path in (ROOT / "sync_jobs").rglob("*.py"):
        if path.name == "cli.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant | ast.Tuple):
                names = [n.id for t in node.targets for n in ast.walk(t) if isinstance(n, ast.Name)]
                numbers = [c for c in ast.walk(node.value) if isinstance(c, ast.Constant) and isinstance(c.value, int)]
                if numbers and any(name.startswith("EXIT_") for name in names):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


@pytest.mark.parametrize(("error", "code"), [(TransientError("cannot reach the org"), 4), (AuthError("refused"), 4),
                                             (QuotaExhausted("spent"), 5), (ValueError("bug"), 6)])
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
