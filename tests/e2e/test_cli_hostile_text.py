"""CRM and plan text printed as text by every command: Rich markup and terminal escapes in account names,
activity subjects and action texts neither crash a command nor reach the terminal."""

from __future__ import annotations

import dataclasses
import os
import subprocess
from pathlib import Path

import pytest

from sandbox_crm.demo_org import build_demo_org
from sandbox_crm.run import start_sandbox
from tests.cli import run_pac
from tests.fakes import sandbox_connectors, sandbox_env_fast, sandbox_settings

ROOT = Path(__file__).resolve().parents[2]
# markup that crashed Rich, an OSC 8 hyperlink, a clear-screen CSI, an 8-bit CSI (C1), a right-to-left override
HOSTILE = (" [/] [link=https://evil.example]clic[/link] \x1b]8;;https://evil.example\x07lien\x1b]8;;\x07"
           " \x1b[2J\x9b31m\u202eevil")
RAW = ("\x1b", "\x07", "\x9b", "\u202e")


def hostile_org():
    org = build_demo_org()
    org.accounts = [dataclasses.replace(a, name=a.name + HOSTILE) for a in org.accounts]
    org.activities = [dataclasses.replace(a, subject=(a.subject or "") + HOSTILE) for a in org.activities]
    return org


@pytest.fixture(scope="module")
def crm():
    with start_sandbox(hostile_org()) as server:
        yield server


@pytest.fixture
def setup(crm, tmp_path):
    settings = sandbox_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
    for c in sandbox_connectors(settings, crm).values():
        c.close()
    env = {**os.environ, **sandbox_env_fast(crm), "PAC_CONFIG": settings.source}
    env.pop("PAC_DATABASE_URL", None)
    return env, tmp_path


def pac(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_pac(*args, env=env, cwd=cwd, timeout=300)


def assert_printed_as_text(done: subprocess.CompletedProcess[str], code: int) -> str:
    output = done.stdout + done.stderr
    assert done.returncode == code, output
    for raw in RAW:
        assert raw not in output, (raw, output)
    return output


class TestHostileCrmText:
    def test_sync_status_explain_print_names_and_subjects_as_text(self, setup) -> None:
        """`sync --dry-run`, `sync`, `status`, `explain A-01` on an org whose every account name and subject carries
        markup and escapes: the usual exit codes, the markup shown literally, the escapes shown as ``\\x1b``."""
        env, cwd = setup
        assert_printed_as_text(pac(env, cwd, "sync", "--dry-run"), 1)
        assert_printed_as_text(pac(env, cwd, "sync"), 1)
        status = assert_printed_as_text(pac(env, cwd, "status"), 0)
        assert "[/]" in status and "\\x1b" in status          # the rejected records' names, as text
        explained = assert_printed_as_text(pac(env, cwd, "explain", "A-01"), 0)
        assert "4 / 5" in explained and "[link=https://evil.example]" in explained and "\\u202e" in explained


class TestHostilePlanText:
    def test_plan_lint_and_check_print_action_text_as_text(self, tmp_path) -> None:
        """An action text with markup and escapes: `plan lint` and `plan check` print it as text (a MarkupError
        ended `plan lint` with exit 6 before)."""
        example = (ROOT / "config" / "plans" / "example.pac.yaml").read_text(encoding="utf-8")
        original = 'text: "Visiter 5 clients dormants du 69 en semaine 18"'
        hostile = 'text: "Visiter 5 clients dormants du 69 en semaine 18 [/] [link=https://x]\\e[2J\\u202e"'
        path = tmp_path / "hostile.pac.yaml"
        path.write_text(example.replace(original, hostile), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
        linted = assert_printed_as_text(pac({**env, "COLUMNS": "300"}, tmp_path, "plan", "lint", str(path)), 1)
        assert "[link=https://x]\\x1b[2J\\u202e" in linted
        assert_printed_as_text(pac(env, tmp_path, "plan", "check", str(path)), 0)
