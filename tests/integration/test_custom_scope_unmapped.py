"""A plan scope on a custom attribute no mapping of the plan's connectors defines (`custom.departement` before the
mapping line `accounts.custom: {departement: Departement__c}`) matches no account: A-01 went 4/5 -> 0/5 with every
check OK and an `ok` night (ops2 audit F3). `pac config check` now refuses it, `pac plan check` and `pac sync` warn,
each naming the plan's file, line and the mapping key to add; `pac explain` labels it as written."""

from __future__ import annotations

import os
from pathlib import Path

from pac_config.settings import load_settings
from pac_core.scopes import parse_scope
from sandbox_crm.demo_org import build_demo_org
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import SandboxServer
from sync_jobs.demo import write_demo_settings
from tests.cli import run_pac
from tests.fakes import sandbox_sync

BUILT_IN = 'scope: {departement: "69", dormant: {months: 12}}}'
CUSTOM = 'scope: {custom.departement: "69", dormant: {months: 12}}}'


def _settings_with_custom_scope(tmp_path: Path) -> tuple[Path, Path, int]:
    """Demo settings whose plan is a copy scoping A-01 on custom.departement: (settings, plan, the scope's line)."""
    path = write_demo_settings(tmp_path / "pac.db", tmp_path / "pac.yaml")
    [entry] = load_settings(path, env={}).plans
    text = entry.file.read_text(encoding="utf-8")
    assert text.count(BUILT_IN) == 1
    plan = tmp_path / "plan.pac.yaml"
    plan.write_text(text.replace(BUILT_IN, CUSTOM), encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace(f"'{entry.file}'", f"'{plan}'"), encoding="utf-8")
    line = next(i for i, row in enumerate(plan.read_text(encoding="utf-8").splitlines(), 1) if CUSTOM in row)
    return path, plan, line


def test_config_check_refuses_a_custom_scope_no_mapping_defines(tmp_path: Path) -> None:
    """Failed before: exit 0 "settings OK"."""
    path, plan, line = _settings_with_custom_scope(tmp_path)
    result = run_pac("config", "check", str(path), env={**os.environ}, cwd=tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode == 2, out
    assert f"{plan}:{line}" in out and "custom.departement" in out, out
    assert "accounts.custom: {departement:" in out and "companies.custom: {departement:" in out, out


def test_the_night_warns_of_it(tmp_path: Path) -> None:
    """Failed before: no warning (the action silently at 0)."""
    path, plan, line = _settings_with_custom_scope(tmp_path)
    org = build_demo_org()
    with SandboxServer([SalesforceApi(org), HubSpotApi(org)]) as server:
        result = sandbox_sync(load_settings(path, env={}), server)
    [warning] = [w for w in result.unmeasured if "custom.departement" in w]
    assert warning.startswith(f"{plan}:{line} actions[0].what.scope.custom.departement: no mapping of the plan's "
                              "connectors (sf-main (salesforce), hs-west (hubspot)) defines the custom attribute "
                              "'departement'"), warning


def test_a_custom_attribute_is_labelled_as_written() -> None:
    """`pac explain` said "périmètre : departement 69", which reads as the built-in département. Failed before:
    label 'departement 69'."""
    [condition] = parse_scope({"custom.departement": "69"}).conditions
    assert condition.label == "custom.departement 69"
    [flag] = parse_scope({"custom.key_account": True}).conditions
    assert flag.label == "custom.key_account oui"
