"""``pac plan check`` warns of an axis whose cost is 0: a forgotten budget is likelier than a free axis (audit E F5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sync_jobs.cli import main

PLAN_FILE = """\
plan: {{name: PAC 2027, year: 2027, timezone: Europe/Paris, language: fr}}
people: [{{email: julie@example.com, name: Julie}}]
segments:
  - {{id: SEG, name: Rhône, kind: horizontal, scope: {{departement: "69"}}}}
axes:
  - id: AX
    name: Clients du Rhône
    segment: SEG
    objective:
      additional_revenue: 20000
{cost}
actions:
  - {{id: A-01, axis: AX, text: "Visiter 5 clients en mai", who: julie@example.com,
     what: {{activity: visite, count: 5}}, when: mai}}
"""
WARNING = ("warning: axis AX: its cost is 0, so it has no ROI (the report says \"no cost\"): if the axis does "
           "cost something, write its budget (or effort_days and day_cost)")


@pytest.mark.parametrize("cost", ["      budget: 0", "      effort_days: 0\n      day_cost: 500"])
def test_a_cost_of_zero_is_warned_of(tmp_path: Path, cost: str) -> None:
    path = tmp_path / "pac.yaml"
    path.write_text(PLAN_FILE.format(cost=cost), encoding="utf-8")
    shown = CliRunner().invoke(main, ["plan", "check", str(path)])
    assert shown.exit_code == 0 and shown.output.splitlines()[1:] == [WARNING]


@pytest.mark.parametrize("cost", ["      budget: 5000", "      margin_rate: 0.3"])
def test_a_cost_or_no_cost_at_all_is_not(tmp_path: Path, cost: str) -> None:
    """A budget, or no cost written at all (ROI unknown, said elsewhere), gives no such warning."""
    path = tmp_path / "pac.yaml"
    path.write_text(PLAN_FILE.format(cost=cost), encoding="utf-8")
    shown = CliRunner().invoke(main, ["plan", "check", str(path)])
    assert shown.exit_code == 0 and shown.output.splitlines()[0].startswith("✓ plan OK")
    assert "cost is 0" not in shown.output
