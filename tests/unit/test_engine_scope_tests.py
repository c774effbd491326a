"""The per-account scope test used by counting agrees with the scope sets used for KPIs."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from pac_core.records import Account
from pac_core.scope_eval import ScopeIndex
from pac_core.scopes import Condition, Scope

OWNERS = {("sf", "005J"): "julie.martin@durand-process.example"}
REFS = (date(2027, 5, 3), date(2026, 11, 1))
CONDITIONS = (
    Condition("departement", "in", ("69",)), Condition("region", "not_in", ("occitanie",)),
    Condition("annual_revenue", "gte", (50_000_000,)), Condition("dormant", "is", (True,)),
    Condition("dormant", "is", (False,)), Condition("dormant", "dormant_months", (12,)),
    Condition("dormant", "dormant_months", (6,)),
)


def _accounts() -> list[Account]:
    return [Account(f"a{i}", "sf", f"a{i}", departement=dep, region=reg, annual_revenue=Decimal(rev), owner_id="005J",
                    dormant=dorm, deleted=(i % 11 == 0))
            for i, (dep, reg, rev, dorm, _) in enumerate(itertools.product(
                ("69", "38"), ("Auvergne-Rhône-Alpes", "Occitanie"), ("1000000", "60000000"), (True, False, None),
                range(3)))]


class TestContains:
    def test_contains_agrees_with_members(self) -> None:
        """For every pair of conditions and two reference dates, contains(n) is n in members()."""
        accounts = _accounts()
        won = [((date(2026, 10, 1),) if i % 4 == 0 else (date(2027, 2, 1),) if i % 4 == 1 else ())
               for i in range(len(accounts))]
        sizes = []
        for a, b in itertools.combinations(CONDITIONS, 2):
            for ref in REFS:
                fresh = ScopeIndex(accounts, OWNERS, won)    # contains() before members() is ever computed
                test = fresh.contains(Scope((a, b)), ref)
                expected = ScopeIndex(accounts, OWNERS, won).members(Scope((a, b)), ref)
                assert {n for n in range(len(accounts)) if test(n)} == expected, (a, b, ref)
                sizes.append(len(expected))
        assert min(sizes) == 0 and max(sizes) > 10

    def test_known_set_is_reused(self) -> None:
        """Once a scope's set is known, contains() answers from it."""
        accounts = _accounts()
        index = ScopeIndex(accounts, OWNERS, [()] * len(accounts))
        scope = Scope((CONDITIONS[0], CONDITIONS[3]))
        members = index.members(scope, REFS[0])
        assert all(index.contains(scope, REFS[0])(n) == (n in members) for n in range(len(accounts)))
