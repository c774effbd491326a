"""Audit opsmap: a Salesforce mapping key naming a field of another type (`annual_revenue: BillingCity`, a text field
where a number is needed) stops the night before any write-back, exit 2, at the key, as a field the org lacks does
(docs/operations.md: "A mapping key that names what the CRM does not know stops the night before any write-back").

Salesforce types its fields: the describe gives each one's type, and a currency field holds "Currency values", a
double "Double values" (Schema.DisplayType, "A Schema.DisplayType enum value is returned by the field describe
result's getType method": https://developer.salesforce.com/docs/platform/apex-ref/references/apex-ref/
apex-enum-schema-displaytype.html). So a text where pac reads a number is the mapping's, not one record's, and the
describes (what `pac config check --online` reads) say which key: asked once a run, on that rejection only.

Before the fix: each of the 603 Salesforce accounts was rejected ("not a number: <its city>"), its deals and visits with
it ("no account"), and the night wrote its figures without them, exit 1 as any night with rejections (seen with
`annual_revenue: Industry`: 1,738 records rejected, 16 axes, 20 actions and 93 accounts' PAC fields written). A record
alone with a bad value stays a rejection (the house rule).
"""

from __future__ import annotations

import copy
from pathlib import Path

from pac_config.settings import load_settings
from sandbox_crm.demo_org import build_demo_org
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import SandboxServer
from sync_jobs.demo import write_demo_settings
from sync_jobs.run_status import RunStatus
from tests.fakes import sandbox_sync

DEMO = build_demo_org()


def test_a_number_read_from_a_text_field_stops_the_night_before_any_write(tmp_path: Path) -> None:
    path = write_demo_settings(tmp_path / "pac.db", tmp_path / "pac.yaml")
    shipped = next(c for c in load_settings(path, env={}).connectors if c.crm == "salesforce")
    text = Path(shipped.mapping).read_text(encoding="utf-8")
    assert "annual_revenue: AnnualRevenue" in text
    edited = tmp_path / "salesforce.yaml"
    edited.write_text(text.replace("annual_revenue: AnnualRevenue", "annual_revenue: BillingCity", 1), encoding="utf-8")
    settings_text = path.read_text(encoding="utf-8")
    assert f"'{shipped.mapping}'" in settings_text
    path.write_text(settings_text.replace(f"'{shipped.mapping}'", f"'{edited}'"), encoding="utf-8")
    line = next(i for i, ln in enumerate(edited.read_text(encoding="utf-8").splitlines(), 1)
                if "annual_revenue: BillingCity" in ln)
    with SandboxServer([SalesforceApi(DEMO), HubSpotApi(DEMO)]) as server:
        sf, hs = server.api("salesforce"), server.api("hubspot")
        result = sandbox_sync(load_settings(path, env={}), server, provision=True)
        sf_after, hs_after = copy.deepcopy(sf.org.store), {i: dict(o.props) for i, o in
                                                           hs.tables["companies"].rows.items()}
    assert result.status is RunStatus.BAD_INPUT, (result.status, result.errors[:3])
    [error] = result.errors
    assert (f"{edited}:{line} accounts.annual_revenue: Account.BillingCity is a string field; expected currency or "
            "double or int (map a field of the right type)") in error, error
    assert not any(result.changes.values()), result.changes
    assert not sf_after.get("PAC_Axis__c") and not sf_after.get("PAC_Action__c")
    assert not any(p.get("pac_axes") for p in hs_after.values())


def _edited_settings(tmp: Path, old: str, new: str) -> tuple[Path, Path]:
    """The demo settings with the Salesforce mapping a copy where ``old`` is ``new``: (settings, mapping)."""
    path = write_demo_settings(tmp / "pac.db", tmp / "pac.yaml")
    shipped = next(c for c in load_settings(path, env={}).connectors if c.crm == "salesforce")
    text = Path(shipped.mapping).read_text(encoding="utf-8")
    assert old in text
    edited = tmp / "salesforce.yaml"
    edited.write_text(text.replace(old, new, 1), encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace(f"'{shipped.mapping}'", f"'{edited}'"), encoding="utf-8")
    return path, edited


def test_a_won_stage_the_org_lacks_stops_the_night_before_any_write(tmp_path: Path) -> None:
    """`won_stages: ['Gagnée']`, the French label of the org's 'Closed Won' (the mapping's comment asks for API
    names: docs/salesforce.md). No deal was won, every axis's revenue 0, and the night wrote it: the online check
    said so (« matches no picklist value of Opportunity.StageName »), the night did not. Now the night asks StageName's
    describe (one call, only for a mapping listing won stages) and stops, exit 2, at the key. Seen failing before the
    fix: status partial, no error, the axes written. `won_stages: ['Closed Won']` syncs as before."""
    path, edited = _edited_settings(tmp_path, "won_stages: []", "won_stages: ['Gagnée']")
    line = next(i for i, ln in enumerate(edited.read_text(encoding="utf-8").splitlines(), 1) if "Gagnée" in ln)
    with SandboxServer([SalesforceApi(DEMO), HubSpotApi(DEMO)]) as server:
        result = sandbox_sync(load_settings(path, env={}), server)
        written = copy.deepcopy(server.api("salesforce").org.store.get("PAC_Axis__c"))
    assert result.status is RunStatus.BAD_INPUT, (result.status, result.errors[:3])
    [error] = result.errors
    assert f"{edited}:{line} deals.won_stages[0]: StageName value 'Gagnée' matches no picklist value of " \
           "Opportunity.StageName" in error, error
    assert not any(result.changes.values()) and not written


def test_won_stages_the_org_has_sync_as_before(tmp_path: Path) -> None:
    """The API name of the org's won stage: the night runs (the demo's two rejections, as with IsWon)."""
    path, _ = _edited_settings(tmp_path / "a", "won_stages: []", "won_stages: ['Closed Won']")
    with SandboxServer([SalesforceApi(DEMO), HubSpotApi(DEMO)]) as server:
        result = sandbox_sync(load_settings(path, env={}), server)
    assert result.status is RunStatus.PARTIAL and not result.errors, (result.status, result.errors[:3])


def test_a_hubspot_stage_override_under_a_pipeline_label_stops_the_night(tmp_path: Path) -> None:
    """`stage_overrides: {Sales Pipeline: {contractsent: won}}`: overrides are keyed by pipeline id (`default`), as
    the mapping's comment says and HubSpot's pipelines API keeps them apart: "label: the name of the pipeline as it
    is displayed in HubSpot", its `id` another thing ("Every account initially contains a default pipeline with the
    pipelineId “default”"; https://developers.hubspot.com/docs/methods/pipelines/pipelines_overview). Under
    the label, no stage was overridden and the night wrote its figures; the online check said so, the night did not.
    The night reads the pipelines anyway: it now checks them (no call more) and stops, exit 2, at the key. Seen failing
    before the fix: status partial, no error, the axes written."""
    path = write_demo_settings(tmp_path / "pac.db", tmp_path / "pac.yaml")
    shipped = next(c for c in load_settings(path, env={}).connectors if c.crm == "hubspot")
    text = Path(shipped.mapping).read_text(encoding="utf-8")
    assert "stage_overrides: {}" in text
    edited = tmp_path / "hubspot.yaml"
    edited.write_text(text.replace("stage_overrides: {}", "stage_overrides: {Sales Pipeline: {contractsent: won}}",
                                   1), encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace(f"'{shipped.mapping}'", f"'{edited}'"), encoding="utf-8")
    line = next(i for i, ln in enumerate(edited.read_text(encoding="utf-8").splitlines(), 1) if "Sales Pipeline" in ln)
    with SandboxServer([SalesforceApi(DEMO), HubSpotApi(DEMO)]) as server:
        result = sandbox_sync(load_settings(path, env={}), server)
        companies = {i: dict(o.props) for i, o in server.api("hubspot").tables["companies"].rows.items()}
    assert result.status is RunStatus.BAD_INPUT, (result.status, result.errors[:3])
    [error] = result.errors
    assert f"{edited}:{line} deals.stage_overrides.Sales Pipeline: no deal pipeline with id 'Sales Pipeline' (use " \
           "one of ['default', 'maintenance'])" in error, error
    assert not any(result.changes.values())
    assert not any(p.get("pac_axes") for p in companies.values())
