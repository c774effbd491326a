"""Two plans of the settings with one plan id (the slug of their name, or their ``id:``) would share the store's runs,
plan versions, snapshots and written values and the CRM records keyed ``plan-id:A-01``: each run would mark the other
plan's records removed. The settings refuse them when they load (every command, ``pac config check``), naming both
files and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from pac_config.settings import load_settings
from pac_core.errors import InvalidInput

PLAN = "plan:\n  name: {name}\n  year: {year}\n{extra}"


def _settings(tmp_path: Path, plans: dict[str, str]) -> Path:
    (tmp_path / "m.yaml").write_text("crm: fake\n", encoding="utf-8")
    for file, text in plans.items():
        (tmp_path / file).write_text(text, encoding="utf-8")
    path = tmp_path / "pac.yaml"
    path.write_text("connectors:\n  - {name: sf, crm: salesforce, mapping: m.yaml}\nplans:\n"
                    + "".join(f"  - {{file: {file}, connectors: [sf]}}\n" for file in plans), encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(InvalidInput) as info:
        load_settings(path, env={})
    return [str(p).removeprefix(f"{path}:") for p in info.value.problems]


def test_a_copied_plan_keeping_last_years_name_is_refused_naming_both_files(tmp_path: Path) -> None:
    """« PAC Durand Process » for 2026 and its copy for 2027 keeping the name: one plan id, refused at the copy's
    line, with both files and the fix."""
    path = _settings(tmp_path, {
        "process-2026.pac.yaml": PLAN.format(name="PAC Durand Process", year=2026, extra=""),
        "process-2027.pac.yaml": PLAN.format(name="PAC Durand Process", year=2027, extra="")})
    (line,) = _problems(path)
    assert line == (
        f"5 plans[1].file: plans process-2026 ({tmp_path / 'process-2026.pac.yaml'}) and process-2027 "
        f"({tmp_path / 'process-2027.pac.yaml'}) have the same plan id 'pac-durand-process' (the slug of their "
        "names): the store and the CRM records (keys 'pac-durand-process:A-01', 'pac-durand-process:AX-01') are "
        "keyed by it, "
        "so each plan's run would overwrite the other's records and mark the others removed "
        "(give one of them another name: in its plan: header, or an id:, e.g. id: pac-durand-process-2)")


def test_an_id_equal_to_another_plans_slug_is_refused(tmp_path: Path) -> None:
    """Two business units: one names itself, the other writes ``id:`` equal to the first's slug."""
    path = _settings(tmp_path, {
        "nord.pac.yaml": PLAN.format(name="PAC Durand", year=2027, extra=""),
        "sud.pac.yaml": PLAN.format(name="PAC Sud", year=2027, extra="  id: pac-durand\n")})
    (line,) = _problems(path)
    assert line.startswith("5 plans[1].file: plans nord (") and "have the same plan id 'pac-durand' (" in line


def test_distinct_ids_load_and_an_id_separates_two_equal_names(tmp_path: Path) -> None:
    """The fix works: the same name with an ``id:`` of its own loads, as do two names."""
    path = _settings(tmp_path, {
        "process-2026.pac.yaml": PLAN.format(name="PAC Durand Process", year=2026, extra=""),
        "process-2027.pac.yaml": PLAN.format(name="PAC Durand Process", year=2027,
                                             extra="  id: pac-durand-process-2027\n"),
        "pompes.pac.yaml": PLAN.format(name="PAC Durand Pompes", year=2027, extra="")})
    assert [p.key for p in load_settings(path, env={}).plans] == ["process-2026", "process-2027", "pompes"]


def test_a_plan_file_that_does_not_load_is_left_to_its_own_check(tmp_path: Path) -> None:
    """A broken plan file is not reported by the settings (``pac plan check`` and its command say what is wrong)."""
    path = _settings(tmp_path, {"a.pac.yaml": "plan: [\n", "b.pac.yaml": PLAN.format(name="B", year=2027, extra="")})
    assert len(load_settings(path, env={}).plans) == 2
