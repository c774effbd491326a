"""A mapping field the CRM lacks stops the sync with exit 2 and says where to look (ops audit F5: the message said
"run `pac crm provision`", which then answered that nothing was missing, and named no file)."""

from __future__ import annotations

from pathlib import Path

from pac_config.settings import load_settings
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import SandboxServer
from sync_jobs.demo import write_demo_settings
from sync_jobs.run_status import RunStatus
from tests.fakes import sandbox_sync


def test_a_mapping_typo_names_the_mapping_and_the_online_check(tmp_path: Path) -> None:
    """`industry: Industri` in the Salesforce mapping: the run stops (bad input), its error names the mapping file
    and `pac config check <settings> --online`, which locates the line. Failed before: "(run `pac crm provision`)"
    and no file."""
    path = write_demo_settings(tmp_path / "pac.db", tmp_path / "pac.yaml")
    shipped = load_settings(path, env={})
    sf = next(c for c in shipped.connectors if c.crm == "salesforce")
    text = Path(sf.mapping).read_text(encoding="utf-8")
    assert "industry: Industry" in text
    typo = tmp_path / "sf.yaml"
    typo.write_text(text.replace("industry: Industry", "industry: Industri"), encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace(f"'{sf.mapping}'", f"'{typo}'"), encoding="utf-8")
    settings = load_settings(path, env={})
    assert settings.connector(sf.name).mapping == typo
    with SandboxServer([SalesforceApi(None), HubSpotApi(None)]) as server:
        result = sandbox_sync(settings, server)
    assert result.status is RunStatus.BAD_INPUT
    [error] = result.errors
    assert "Industri" in error and str(typo) in error, error
    assert f"`pac config check {path} --online` names its line" in error, error
