"""The capacity rule's evidence reads each product's quantities as the CRM holds them (audit hshand4 F3): a HubSpot
line item's ``quantity`` is a number and takes decimals, so 2.5 + 4.5 + 0.5 won is 7.5, and « gagné 8 + engagé 2 /
capacité 10 » beside « 95 % » added up to 100 %. Quantities keep their own decimals (up to three), whole ones none."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pac_core.plan import Plan
from pac_core.window import Window
from sync_jobs.report.evidence import value_text
from sync_jobs.report.fmt import Formatter

PLAN = Plan("p", Window(datetime(2027, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC)), "Europe/Paris")


@pytest.mark.parametrize(("lang", "row", "expected"), [
    ("fr", {"product": "VAN-M", "won": "7.5", "committed": "2.0", "capacity": "10", "load": 0.95},
     "VAN-M 95\u00a0% (gagné 7,5 + engagé 2 / capacité 10)"),
    ("en", {"product": "VAN-M", "won": "7.5", "committed": "2.0", "capacity": "10", "load": 0.95},
     "VAN-M 95% (won 7.5 + committed 2 / capacity 10)"),
    ("fr", {"product": "PX200", "won": "8", "committed": "1.0", "capacity": "10", "load": 0.9},
     "PX200 90\u00a0% (gagné 8 + engagé 1 / capacité 10)"),
    ("en", {"product": "KIT", "won": "1234.125", "committed": "0.3333333", "capacity": "1500", "load": 0.82},
     "KIT 82% (won 1,234.125 + committed 0.333 / capacity 1,500)"),
])
def test_quantities_keep_their_decimals(lang: str, row: dict[str, object], expected: str) -> None:
    assert value_text("products", "products", [row], PLAN, Formatter(lang=lang)) == expected
