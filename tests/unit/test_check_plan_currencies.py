"""`pac config check pac.yaml --online` hands each connector the currencies of the plans reading through its mapping,
beside their scope values (audit sfmoney F1: a Salesforce org refuses an axis in a currency it lacks)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from pac_config.planfile import load_plan_text
from sync_jobs.cli_crm import _scope_values

PLAN = """
plan: {{name: "P", year: 2027, timezone: Europe/Zurich, currency: {currency}, language: en}}
people:
  - {{email: julie@x.example, name: Julie, role: rep}}
segments:
  - {{id: S-1, name: Tout, kind: horizontal, scope: {{industry: Chimie}},
     swot: {{strengths: [a], weaknesses: [b], opportunities: [c], threats: [d]}}}}
axes:
  - {{id: AX1, name: Axe, segment: S-1, status: active,
     objective: {{additional_revenue: 1000, baseline: 0, budget: 10}}}}
actions: []
"""


def test_the_plans_currencies_ride_with_their_scope_values(tmp_path: Path) -> None:
    """Two plans through the Salesforce connector (CHF, EUR), one through another (USD): the mapping's values hold
    the two currencies with their plan files, and the scope value as before."""
    mapping = tmp_path / "sf.yaml"
    settings = SimpleNamespace(connectors=[SimpleNamespace(name="sf", mapping=str(mapping)),
                                           SimpleNamespace(name="hs", mapping=str(tmp_path / "hs.yaml"))])
    plans = [(SimpleNamespace(file=f"plans/{name}.pac.yaml", connectors=[crm]),
              load_plan_text(PLAN.format(currency=currency))) for name, currency, crm in (
        ("ch", "CHF", "sf"), ("fr", "EUR", "sf"), ("us", "USD", "hs"))]
    values = _scope_values(settings, mapping, plans)
    assert values["currency"] == [("plans/ch.pac.yaml", "CHF"), ("plans/fr.pac.yaml", "EUR")]
    assert [value for _where, value in values["industry"]] == ["Chimie", "Chimie"]
