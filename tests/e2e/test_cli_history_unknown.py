"""`pac history KEY` of an id the plan does not have says so, with the plan's ids, as `pac explain` does (audit
newcomer3: `pac history A-99` answered « No change recorded for A-99 yet: its values come from the plan file », exit
0, of an action no plan file ever had)."""

from __future__ import annotations

import os
from pathlib import Path

from tests.cli import run_pac

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config" / "plans" / "example.pac.yaml"
MAPPING = ROOT / "config" / "mappings" / "salesforce.default.yaml"


def _history(tmp_path: Path, key: str) -> tuple[int, str]:
    settings = tmp_path / "pac.yaml"
    settings.write_text(f"database_url: 'sqlite:///{tmp_path / 'pac.db'}'\n"
                        f"connectors:\n  - {{name: sf-main, crm: salesforce, mapping: '{MAPPING}'}}\n"
                        f"plans:\n  - {{name: example, file: '{EXAMPLE}', connectors: [sf-main]}}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAC_")}
    done = run_pac("history", key, env={**env, "PAC_CONFIG": str(settings)}, cwd=tmp_path, timeout=120)
    return done.returncode, done.stdout + done.stderr


def test_an_unknown_id_is_refused_with_the_plans_ids(tmp_path: Path) -> None:
    code, output = _history(tmp_path, "A-99")
    assert code == 2, output
    assert "no action or axis 'A-99' in plan 'PAC 2027 — Durand Process'" in output
    assert "A-01, A-02" in output and "AX-RA-DORM" in output


def test_a_known_id_with_no_change_yet_says_where_its_values_come_from(tmp_path: Path) -> None:
    code, output = _history(tmp_path, "A-01")
    assert code == 0, output
    assert "No change recorded for A-01 yet: its values come from the plan file" in output
