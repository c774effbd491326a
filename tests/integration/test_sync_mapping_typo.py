"""A mapping field the CRM lacks stops the sync with exit 2 and says where to look (ops audit F5: the message said
"run `pac crm provision`", which then answered that nothing was missing, and named no file)."""

from __future__ import annotations

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


def _with_mapping_edit(tmp_path: Path, crm: str, old: str, new: str) -> tuple[Path, Path, Path]:
    """Demo settings whose ``crm`` mapping is a copy with ``old`` replaced by ``new``: (settings, shipped, edited)."""
    path = write_demo_settings(tmp_path / "pac.db", tmp_path / "pac.yaml")
    shipped = next(c for c in load_settings(path, env={}).connectors if c.crm == crm)
    text = Path(shipped.mapping).read_text(encoding="utf-8")
    assert old in text
    edited = tmp_path / f"{crm}.yaml"
    edited.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path, Path(shipped.mapping), edited


def _use_mapping(settings_path: Path, mapping: Path, instead_of: Path) -> None:
    text = settings_path.read_text(encoding="utf-8")
    assert f"'{instead_of}'" in text
    settings_path.write_text(text.replace(f"'{instead_of}'", f"'{mapping}'"), encoding="utf-8")


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_a_hubspot_property_the_portal_lacks_stops_the_night_before_any_write(tmp_path: Path) -> None:
    """`postal_code: zipcode` (the portal's property is `zip`): HubSpot answers 200 and leaves the property out of every
    company, so each company read as having no postal code and the night rewrote the figures (-100 % ROI). The night
    now stops with exit 2 naming the file, line and key, and writes nothing. Failed before: status ok, 0 errors."""
    path, shipped, typo = _with_mapping_edit(tmp_path, "hubspot", "postal_code: zip ", "postal_code: zipcode ")
    with SandboxServer([SalesforceApi(DEMO), HubSpotApi(DEMO)]) as server:
        first = sandbox_sync(load_settings(path, env={}), server)
        assert not first.errors, first.errors
        _use_mapping(path, typo, shipped)
        settings = load_settings(path, env={})
        assert any(c.mapping == typo for c in settings.connectors)
        hs = server.api("hubspot")
        before = {i: dict(o.props) for i, o in hs.tables["companies"].rows.items()}
        result = sandbox_sync(settings, server)
        after = {i: dict(o.props) for i, o in hs.tables["companies"].rows.items()}
    assert result.status is RunStatus.BAD_INPUT, (result.status, result.errors)
    [error] = result.errors
    assert f"{typo}:{_line_of(typo, 'postal_code: zipcode')} companies.postal_code: the portal has no companies " \
           "property 'zipcode'" in error, error
    assert "pac config check --online` lists the portal's properties" in error, error
    assert not any(result.changes.values()), result.changes
    assert after == before


def test_a_misspelt_hubspot_type_property_stops_the_night(tmp_path: Path) -> None:
    """`meetings.type_property: hs_activity_typ`: every meeting fell to `default_type` (A-08 3/6 -> 0/6); now exit 2
    naming `activities.meetings.type_property`. Failed before: status ok."""
    path, shipped, typo = _with_mapping_edit(tmp_path, "hubspot", "type_property: hs_activity_type",
                                             "type_property: hs_activity_typ")
    _use_mapping(path, typo, shipped)
    with SandboxServer([SalesforceApi(DEMO), HubSpotApi(DEMO)]) as server:
        result = sandbox_sync(load_settings(path, env={}), server)
    assert result.status is RunStatus.BAD_INPUT, (result.status, result.errors)
    [error] = result.errors
    assert f"{typo}:{_line_of(typo, 'hs_activity_typ')} activities.meetings.type_property: the portal has no " \
           "meetings property 'hs_activity_typ'" in error, error


def test_a_salesforce_field_spelt_in_another_case_in_a_where_is_a_mapping_error(tmp_path: Path) -> None:
    """`where: {TaskSubType: ['Call']}` (Salesforce spells it TaskSubtype): the query selects the field twice and the
    org answers 400 MALFORMED_QUERY "duplicate field selected". Exit 2 naming the file, line and key, not "CRM
    unreachable". Failed before: status crm_unreachable, "CRM unreachable: ConnectorError: ...", no file."""
    path, shipped, typo = _with_mapping_edit(tmp_path, "salesforce", "where: {TaskSubtype: ['Call']}",
                                             "where: {TaskSubType: ['Call']}")
    _use_mapping(path, typo, shipped)
    with SandboxServer([SalesforceApi(DEMO), HubSpotApi(DEMO)]) as server:
        result = sandbox_sync(load_settings(path, env={}), server)
    assert result.status is RunStatus.BAD_INPUT, (result.status, result.errors)
    [error] = result.errors
    line = _line_of(typo, "TaskSubType")
    assert f"{typo}:{line} activities.rules[" in error and ".where.TaskSubType: " in error, error
    assert "TaskSubtype" in error and "CRM unreachable" not in error, error
    assert not any(result.changes.values()), result.changes
