"""The linter's hint for a région merged in 2016 gives both readings, as a plan scope refuses it (audit clifr; the
scope's refusal: audit planfr, docs/plan-format.md): « Visiter 6 clients en Rhône-Alpes en mai » hinted
``regions: ["Auvergne-Rhône-Alpes"]`` only (12 départements), while ``region: Rhône-Alpes`` in a scope is refused
as « its 8 départements or the 2016 région's? ». Now the hint names the former région, its départements (INSEE COG
2015: 01, 07, 26, 38, 42, 69, 73, 74) and the 2016 région, and no ``regions`` entry for it. Through the real CLI,
``pac plan lint --format json`` on a French plan."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.cli import run_pac

PLAN = """\
plan: {name: PAC régions, year: 2027, timezone: Europe/Paris, currency: EUR, language: fr}
people:
  - {email: julie.martin@durand-process.example, name: Julie Martin, role: manager}
segments:
  - {id: S-FR, name: France, kind: horizontale, scope: {country: FR}, swot: {strengths: [a]}}
axes:
  - {id: AX-1, name: Visites, segment: S-FR, objective: {additional_revenue: 10000, margin_rate: 0.3, budget: 1000}}
actions:
""" + "".join(f"""\
  - id: A-0{i}
    axis: AX-1
    text: "{text}"
    who: julie.martin@durand-process.example
    what: {{activity: visite, count: 6}}
    when: mai
""" for i, text in enumerate(("Visiter 6 clients en Rhône-Alpes en mai", "Visiter 6 clients en Alsace en mai",
                              "Visiter 6 clients en Auvergne-Rhône-Alpes en mai", "Visiter 6 clients en ARA en mai"),
                             1))

RHONE_ALPES = {"name": "Rhône-Alpes", "departements": ["01", "07", "26", "38", "42", "69", "73", "74"],
               "region": "Auvergne-Rhône-Alpes"}
ALSACE = {"name": "Alsace", "departements": ["67", "68"], "region": "Grand Est"}


def test_former_region_hint_gives_both_readings(tmp_path: Path) -> None:
    plan = tmp_path / "plan.pac.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PAC_CONFIG"}
    done = run_pac("plan", "lint", str(plan), "--format", "json", env=env, cwd=tmp_path)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    hints = {item["id"]: item["parsed"]["scope_hints"] for item in json.loads(done.stdout)}
    assert hints["A-01"].get("former_regions") == [RHONE_ALPES], hints["A-01"]
    assert "regions" not in hints["A-01"], hints["A-01"]
    assert hints["A-02"].get("former_regions") == [ALSACE], hints["A-02"]
    assert "regions" not in hints["A-02"], hints["A-02"]
    # the 2016 name and its acronym keep their one reading
    for ident in ("A-03", "A-04"):
        assert hints[ident].get("regions") == ["Auvergne-Rhône-Alpes"], hints[ident]
        assert "former_regions" not in hints[ident], hints[ident]
