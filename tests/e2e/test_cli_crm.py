"""`pac config check` and `pac crm check | provision` as ops staff run them (Salesforce side)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from sync_jobs.cli import main

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "config" / "mappings" / "salesforce.demo.yaml"
DEFAULT = ROOT / "config" / "mappings" / "salesforce.default.yaml"
PAC = Path(sys.executable).parent / "pac"


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.output


def _broken(tmp_path: Path, *swaps: tuple[str, str]) -> Path:
    text = DEMO.read_text(encoding="utf-8")
    for old, new in swaps:
        text = text.replace(old, new, 1)
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    return path


class TestConfigCheck:
    def test_shipped_mapping_ok(self) -> None:
        """The shipped default mapping passes, as the installed command (exit 0)."""
        done = subprocess.run([str(PAC), "config", "check", str(DEFAULT)], capture_output=True, text=True,
                              check=False, env={**os.environ, "COLUMNS": "200"})
        assert done.returncode == 0 and "mapping OK" in done.stdout

    def test_broken_mapping_every_problem_located(self, tmp_path: Path) -> None:
        """Two mistakes: two `file:line key: problem (fix)` lines, a count, exit 2."""
        path = _broken(tmp_path, ("type: visit", "type: visite"), ("      axes: PAC_Axes__c", "      axes: Industry"))
        code, out = run("config", "check", str(path))
        lines = out.strip().splitlines()
        assert code == 2 and lines[-1] == f"2 problem(s) in {path}"
        assert lines[0].startswith(f"{path}:") and "did you mean 'visit'" in out
        assert "writeback.account.fields.axes: the write-back may not write Account.Industry" in out

    def test_online_check_against_the_sandbox(self, tmp_path: Path) -> None:
        """With --online --sandbox a picklist typo is reported with its line and the closest value."""
        path = _broken(tmp_path, ("'Visite client'", "'Visite cliente'"))
        code, out = run("config", "check", str(path), "--online", "--sandbox")
        assert code == 2
        assert (f"{path}:23 activities.rules[0].where.Type: Type value 'Visite cliente' matches no picklist value "
                "of Event.Type (did you mean 'Visite client'?)") in out

    def test_unknown_crm(self, tmp_path: Path) -> None:
        """A file without crm: salesforce|hubspot is refused with its line."""
        path = tmp_path / "m.yaml"
        path.write_text("crm: pipedrive\n", encoding="utf-8")
        code, out = run("config", "check", str(path))
        assert code == 2 and "unknown or missing crm 'pipedrive'" in out


class TestCrmCommands:
    def test_check_against_the_sandbox(self) -> None:
        """`pac crm check --sandbox` finds every object and field (exit 0)."""
        code, out = run("crm", "check", "--sandbox")
        assert code == 0 and "every object and field" in out

    def test_provision_on_a_fresh_sandbox(self) -> None:
        """`pac crm provision salesforce --sandbox` creates the PAC objects and fields."""
        code, out = run("crm", "provision", "salesforce", "--sandbox")
        assert code == 0 and "created object PAC_Axis__c" in out and "created field Account.PAC_Axes__c" in out

    def test_dry_run_changes_nothing(self) -> None:
        """--dry-run says what it would create."""
        code, out = run("crm", "provision", "salesforce", "--sandbox", "--dry-run")
        assert code == 0 and "would fix: PAC_Axis__c" in out

    def test_missing_credentials_exit_4_naming_the_variable(self) -> None:
        """Without credentials the command names the variable to set, exit 4."""
        env = {k: "" for k in os.environ if k.startswith("PAC_SF_")}
        code, out = run("crm", "check", env={**env, "PAC_SF_AUTH": ""})
        assert code == 4 and "set PAC_SF_AUTH" in out
