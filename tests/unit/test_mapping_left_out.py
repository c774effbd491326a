"""A mapping copied from an older shipped default (before ``plan_end``) is warned of by ``pac config check`` and
``pac crm check`` (file, line, key path, the line to add), never failed; the shipped mappings say nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pac_config.loader import load_yaml
from sync_jobs.cli import main
from sync_jobs.cli_crm import left_out_fields

MAPPINGS = Path(__file__).resolve().parents[2] / "config" / "mappings"
SF_DEFAULT = MAPPINGS / "salesforce.default.yaml"
PLAN_END = re.compile(r"^ *plan_end: PAC_Plan_End__c.*\n", re.MULTILINE)


def _older(tmp_path: Path) -> Path:
    """The shipped Salesforce mapping as an older pac shipped it: no plan_end on the axis nor the action."""
    text, n = PLAN_END.subn("", SF_DEFAULT.read_text(encoding="utf-8"))
    assert n == 2
    path = tmp_path / "salesforce.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _line(path: Path, key: str, after: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == after)
    return next(i for i in range(start, len(lines)) if lines[i].strip() == key) + 1


def test_config_check_warns_of_each_left_out_field_and_passes(tmp_path: Path) -> None:
    path = _older(tmp_path)
    result = CliRunner().invoke(main, ["config", "check", str(path)], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    axis, action = _line(path, "fields:", "axis:"), _line(path, "fields:", "action:")
    warned = [line.removeprefix("warning: ") for line in result.output.splitlines() if line.startswith("warning: ")]
    expected = [
        f"{path}:{axis} writeback.axis.fields: leaves out plan_end, which the shipped mapping "
        "(salesforce.default.yaml) writes, so pac never fills it: add `writeback.axis.fields.plan_end: "
        "PAC_Plan_End__c` (the line `plan_end: PAC_Plan_End__c` under writeback.axis.fields)",
        f"{path}:{action} writeback.action.fields: leaves out plan_end, which the shipped mapping "
        "(salesforce.default.yaml) writes, so pac never fills it: add `writeback.action.fields.plan_end: "
        "PAC_Plan_End__c` (the line `plan_end: PAC_Plan_End__c` under writeback.action.fields)"]
    assert warned == expected, result.output
    assert result.output.rstrip().endswith("mapping OK (salesforce)")


@pytest.mark.parametrize("name", ["salesforce.default.yaml", "salesforce.demo.yaml", "hubspot.default.yaml"])
def test_the_shipped_mappings_leave_nothing_out(name: str) -> None:
    doc = load_yaml(MAPPINGS / name)
    assert left_out_fields(doc, str(doc.data["crm"])) == []


def test_a_copy_of_the_shipped_hubspot_mapping_says_nothing(tmp_path: Path) -> None:
    """HubSpot's PAC properties are pac's own (no writeback fields in the mapping): nothing can be left out."""
    path = tmp_path / "hubspot.yaml"
    path.write_text((MAPPINGS / "hubspot.default.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(main, ["config", "check", str(path)], env={"COLUMNS": "400"})
    assert result.exit_code == 0 and "warning" not in result.output, result.output


def test_crm_check_warns_too(tmp_path: Path) -> None:
    path = _older(tmp_path)
    result = CliRunner().invoke(main, ["crm", "check", "--crm", "salesforce", "--mapping", str(path), "--sandbox"],
                                env={"COLUMNS": "400"})
    flat = " ".join(result.output.split())
    assert "writeback.action.fields: leaves out plan_end" in flat and "writeback.axis.fields: leaves out plan_end" \
        in flat, result.output
