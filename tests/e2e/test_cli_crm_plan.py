"""`pac crm check` checks every connector of the plan (a plan spanning Salesforce and HubSpot: both)."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from sandbox_crm.run import start_sandbox
from tests.cli import run_pac
from tests.fakes import sandbox_connectors, sandbox_env_fast, sandbox_settings


@pytest.fixture(scope="module")
def crm():
    with start_sandbox() as server:
        yield server


def pac(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_pac(*args, env=env, cwd=Path.cwd(), timeout=300)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TestEveryConnector:
    def test_both_crms_of_the_plan_are_checked(self, crm, tmp_path) -> None:
        """On a provisioned sandbox, `pac crm check` (no --crm) checks sf-main and hs-west, each with its mapping:
        exit 0 and one line per connector (Salesforce only before)."""
        settings = sandbox_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
        for c in sandbox_connectors(settings, crm).values():
            c.close()
        env = {**os.environ, **sandbox_env_fast(crm), "PAC_CONFIG": settings.source, "COLUMNS": "200"}
        done = pac(env, "crm", "check")
        assert done.returncode == 0, done.stdout + done.stderr
        assert "sf-main (salesforce): the CRM has every object and field" in done.stdout
        assert "hs-west (hubspot): the CRM has every object and field" in done.stdout

    def test_one_crm_unreachable_the_other_still_checked_exit_4(self, crm, tmp_path) -> None:
        """HubSpot unreachable: its error is printed, Salesforce is still checked, exit 4."""
        settings = sandbox_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
        for c in sandbox_connectors(settings, crm).values():
            c.close()
        env = {**os.environ, **sandbox_env_fast(crm), "PAC_CONFIG": settings.source, "COLUMNS": "200",
               "PAC_HS_HOST": f"https://127.0.0.1:{closed_port()}"}
        done = pac(env, "crm", "check")
        assert done.returncode == 4, done.stdout + done.stderr
        assert "sf-main (salesforce): the CRM has every object and field" in done.stdout
        assert "hs-west (hubspot): CRM error" in done.stdout

    def test_a_mapping_error_is_exit_2_at_its_line_the_other_crm_still_checked(self, crm, tmp_path) -> None:
        """A write-back to a standard field in sf-main's mapping is a problem of the file: printed at its line with
        its fix, HubSpot still checked, exit 2 (it was "CRM error" and exit 4, as if the org had refused)."""
        settings = sandbox_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
        for c in sandbox_connectors(settings, crm).values():
            c.close()
        sf = next(c for c in settings.connectors if c.crm == "salesforce")
        bad = tmp_path / "salesforce.yaml"
        text = Path(sf.mapping).read_text(encoding="utf-8")
        assert "      revenue: PAC_Revenue__c" in text
        bad.write_text(text.replace("      revenue: PAC_Revenue__c", "      revenue: AnnualRevenue", 1),
                       encoding="utf-8")
        source = Path(settings.source)
        source.write_text(source.read_text(encoding="utf-8").replace(str(sf.mapping), str(bad)), encoding="utf-8")
        env = {**os.environ, **sandbox_env_fast(crm), "PAC_CONFIG": settings.source, "COLUMNS": "200"}
        done = pac(env, "crm", "check")
        assert done.returncode == 2, done.stdout + done.stderr
        assert f"sf-main (salesforce): {bad}:" in done.stdout and "writeback.axis.fields.revenue" in done.stdout
        assert "CRM error" not in done.stdout
        assert "hs-west (hubspot): the CRM has every object and field" in done.stdout

    def test_fresh_sandboxes_list_what_each_crm_lacks(self) -> None:
        """`pac crm check --sandbox` starts a fresh sandbox per CRM of the plan and lists what each lacks, exit 2."""
        done = pac({**os.environ, "COLUMNS": "200"}, "crm", "check", "--sandbox")
        assert done.returncode == 2, done.stdout + done.stderr
        assert "PAC_Axis__c" in done.stdout and "pac_axes" in done.stdout
        assert "sf-main (salesforce)" in done.stdout and "hs-west (hubspot)" in done.stdout
