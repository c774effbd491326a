"""``pac config check --online`` reads the mapping file once: the CLI parses it, and the connector, the offline
and the online checks take the parsed document (it was parsed 4 times, then 3)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pac_config import fast_yaml, loader
from sync_jobs.cli import main

MAPPINGS = loader.config_dir() / "mappings"
BROKEN_HUBSPOT = ("crm: hubspot\n# comment\ndeals:\n  pipelines: [default, nope]\n\n\n\ncompanies:\n"
                  "  name: name\n  postal_code: zipp\n")


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts every YAML parse of this process read (``pac_config.loader`` is the one YAML reader: libyaml's
    parse when it takes the file, ruamel's pure parse otherwise)."""
    seen: list[str] = []
    real: Callable[[], Any] = loader._yaml

    def counting() -> Any:
        yaml = real()
        load = yaml.load

        def counted(source: str) -> Any:
            seen.append(source)
            return load(source)

        yaml.load = counted
        return yaml

    def fast(source: str, constructor: Any) -> Any:   # the libyaml path: a parse when it takes the file
        data = real_fast(source, constructor)
        if data is not None:
            seen.append(source)
        return data

    real_fast = fast_yaml.parse
    monkeypatch.setattr(loader, "_yaml", counting)
    monkeypatch.setattr(fast_yaml, "parse", fast)
    return seen


@pytest.mark.parametrize("name", ["salesforce.demo.yaml", "hubspot.default.yaml"])
def test_an_online_check_parses_the_mapping_once(parses: list[str], name: str) -> None:
    """Both CRMs: one parse of the file for the crm, the offline problems, the connector and the online check."""
    path = MAPPINGS / name
    done = CliRunner().invoke(main, ["config", "check", str(path), "--online", "--sandbox"])
    assert done.exit_code == 0, done.output
    assert "mapping OK" in done.output and "checked against the CRM" in done.output
    assert parses.count(path.read_text(encoding="utf-8")) == 1


def test_online_problems_are_still_located_in_the_file_from_the_one_parse(parses: list[str],
                                                                           tmp_path: Path) -> None:
    """The problems the portal reveals name the file, the line of the key and the fix, from the same parse."""
    path = tmp_path / "hb.yaml"
    path.write_text(BROKEN_HUBSPOT, encoding="utf-8")
    done = CliRunner().invoke(main, ["config", "check", str(path), "--online", "--sandbox"])
    lines = [line for line in done.output.splitlines() if line.startswith(str(path))]
    assert done.exit_code == 2 and len(lines) == 2, done.output
    assert lines[0].startswith(f"{path}:4 deals.pipelines[1]: no deal pipeline with id 'nope'")
    assert lines[1].startswith(f"{path}:10 companies.postal_code: the portal has no companies property 'zipp'")
    assert parses.count(BROKEN_HUBSPOT) == 1
