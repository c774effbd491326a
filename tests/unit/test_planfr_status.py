"""Statuses a tracker's « Statut » column holds that are pac's own findings, not statuses (audit planfr, 7 Dec 2026).

« En retard », "late", « manquée » are what pac works out from the count and the window; « reporté » is a new window.
`status: en retard` was refused with « did you mean 'not started'? », which would mark a late action as not started.
Cases: /tmp/audits/planfr/EXPECTED.md (T01, T02).
"""

from __future__ import annotations

import pytest

from pac_config.planfile import load_plan_text
from pac_core.errors import InvalidInput

PLAN = """plan: {{name: PAC test, year: 2027, timezone: Europe/Paris, language: fr}}
people:
  - {{email: julie.martin@acme.example, name: Julie Martin, role: manager}}
segments:
  - {{id: S-RA, name: RA, kind: horizontal,
     swot: {{strengths: [a], weaknesses: [b], opportunities: [c], threats: [d]}}}}
axes:
  - {{id: AX-1, name: Dormants, segment: S-RA, objective: {{additional_revenue: 15000, budget: 1000}}}}
actions:
  - {{id: A-01, axis: AX-1, text: Visiter 5 clients, who: julie.martin@acme.example,
     what: {{activity: visite, count: 5}}, when: semaine 18, status: {status}}}
"""


def problem(status: str) -> str:
    with pytest.raises(InvalidInput) as caught:
        load_plan_text(PLAN.format(status=status), "plan.pac.yaml")
    (line,) = [str(p) for p in caught.value.problems]
    return line


@pytest.mark.parametrize("status", ["en retard", "En retard", "late", "overdue", "à risque", "manquée", "missed"])
def test_computed_state_is_no_status(status: str) -> None:
    line = problem(status)
    assert "actions[0].status" in line
    assert "pac works it out" in line and "not started" not in line
    assert "prévu, en cours, fait or annulé" in line


@pytest.mark.parametrize("status", ["reporté", "reportée", "postponed"])
def test_postponed_says_when(status: str) -> None:
    line = problem(status)
    assert "write the new window in when:" in line


def test_statuses_still_read() -> None:
    plan = load_plan_text(PLAN.format(status="en cours"), "plan.pac.yaml")
    assert plan.actions[0].status == "in_progress"
