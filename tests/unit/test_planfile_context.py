"""Context changes in a plan file: French kinds accepted, every mistake located."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pac_config.planfile import load_plan_text
from pac_core.errors import InvalidInput
from pac_core.plan import ContextKind, Impact

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = (ROOT / "tests" / "data" / "plans" / "minimal.pac.yaml").read_text(encoding="utf-8")
CONTEXT = """context:
  - {kind: "événement de marché", segment: S-RA, impact: menace, note: "concurrent allemand", until: 30/09/2027}
  - {kind: départ, who: julie.martin@durand-process.example, on: 2027-06-30}
  - {kind: compte clé perdu, account: "Laboratoires Rhodia"}
  - {kind: compte clé perdu, crm_field: custom.lost_on}
  - {kind: capacité, product: PX200, capacity: 40}
"""


class TestContextInPlans:
    def test_every_kind_in_french(self) -> None:
        """The four kinds, written in French, load with their details."""
        plan = load_plan_text(MINIMAL + CONTEXT)
        kinds = [c.kind for c in plan.context]
        assert kinds == [ContextKind.MARKET_EVENT, ContextKind.REP_LEAVING, ContextKind.LOST_KEY_ACCOUNT,
                         ContextKind.LOST_KEY_ACCOUNT, ContextKind.CAPACITY]
        event, leaving, lost, lost_crm, capacity = plan.context
        assert (event.impact, event.segment_id, event.until) == (Impact.THREAT, "S-RA", date(2027, 9, 30))
        assert (leaving.who, leaving.on) == ("julie.martin@durand-process.example", date(2027, 6, 30))
        assert lost.account == "Laboratoires Rhodia" and lost_crm.crm_field == "custom.lost_on"
        assert (capacity.product, capacity.capacity) == ("PX200", Decimal(40))

    def test_mistakes_are_located(self) -> None:
        """A market event without impact on an unknown segment, a leaving without who: file:line key: problem (fix)."""
        bad = """context:
  - {kind: market_event, segment: S-XX}
  - {kind: rep_leaving, on: 2027-06-30}
  - {kind: capacité, product: PX200, capacity: 0}
"""
        with pytest.raises(InvalidInput) as info:
            load_plan_text(MINIMAL + bad, "t.pac.yaml")
        found = sorted(str(p) for p in info.value.problems)
        assert found == [
            "t.pac.yaml:22 context[0].impact: a market event needs its impact "
            "(write impact: opportunity (opportunité) or threat (menace))",
            "t.pac.yaml:22 context[0].segment: segment 'S-XX' does not exist (use one of ['S-RA'])",
            "t.pac.yaml:23 context[1].who: a rep leaving needs the rep's e-mail (write who: <e-mail>)",
            "t.pac.yaml:24 context[2].capacity: the capacity must be a positive quantity per quarter "
            "(write capacity: 40)",
        ]
