"""An org and a portal provisioned before the PAC records' plan end existed (PAC_Plan_End__c, pac_plan_end): the
night's summary (``pac sync``'s output), its recorded problems and ``pac status`` carry one line per connector
naming the missing fields and the command that creates them, not only the log; the run's status is unchanged."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from sandbox_crm.server import SandboxServer
from sync_jobs.cli import main
from sync_jobs.cli_sync import print_result
from sync_jobs.run_status import RunStatus
from tests.integration.test_upgrade_new_axis_fields import Upgraded

SF_LINE = ("sf-main: salesforce.schema PAC_Axis__c lacks PAC_Plan_End__c; PAC_Action__c lacks PAC_Plan_End__c (an org "
           "provisioned by an older pac): left out of the sync, everything else is written; to fill them deploy "
           "force-app/ again (sf project deploy start --source-dir force-app --target-org ORG: the fields with the "
           "list views and the Lightning component that read them), or run pac crm provision salesforce for the "
           "fields alone")
HS_LINE = ("hs-west: hubspot.schema pac_axis lacks pac_plan_end; pac_action lacks pac_plan_end (a portal provisioned "
           "by an older pac): left out of the sync, everything else is written; to fill them run: pac crm provision "
           "hubspot")


def _without_plan_end(server: SandboxServer) -> None:
    sf = server.api("salesforce")
    for obj in ("PAC_Axis__c", "PAC_Action__c"):
        sf.schema[obj].fields.pop("PAC_Plan_End__c")
        for row in sf.find("FieldPermissions", Field=f"{obj}.PAC_Plan_End__c"):
            sf.store["FieldPermissions"].pop(row["Id"])
    sf.org.accessors.clear()
    hs = server.api("hubspot")
    for obj in ("pac_axis", "pac_action"):
        hs.table(obj).properties.pop("pac_plan_end")


@pytest.fixture
def old(tmp_path: Path, server: SandboxServer) -> Upgraded:
    return Upgraded.provisioned(tmp_path, server, _without_plan_end)


def _status(org: Upgraded) -> str:
    shown = CliRunner().invoke(main, ["status"], env={"PAC_CONFIG": str(org.settings.source), "COLUMNS": "400"})
    assert shown.exit_code == 0, shown.output
    return shown.output


def test_the_summary_the_run_and_status_name_the_missing_fields(old: Upgraded) -> None:
    result = old.sync()
    assert result.status in (RunStatus.OK, RunStatus.PARTIAL) and not result.errors, result.errors
    assert result.lacking == [SF_LINE, HS_LINE]
    out = io.StringIO()
    print_result(Console(file=out, width=1000), result)
    printed = [line for line in out.getvalue().splitlines() if line.startswith("warning:")]
    assert printed == [f"warning: {SF_LINE}", f"warning: {HS_LINE}"]
    shown = " ".join(_status(old).split())
    assert f"- warning: {SF_LINE}" in shown and f"- warning: {HS_LINE}" in shown, shown


def test_once_provisioned_nothing_is_said(old: Upgraded) -> None:
    old.sync()
    provisioned = old.sync(provision=True)
    assert provisioned.lacking == [] and not provisioned.errors
    assert "lacks" not in _status(old)
