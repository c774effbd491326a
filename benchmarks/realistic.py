"""An organisation shaped like a real one, for the engine benchmark (``--shape real``).

At scale 1: 400 reps on home territories (one to four neighbouring départements); 100,000 accounts, each
with a CRM dormant flag; 1,000,000 activities over two years; 200,000 deals; 5,000 actions whose scopes mix
one to four of their rep's départements with industry and dormancy conditions (about 4,000 distinct scopes)
and whose windows start on about 600 distinct instants (weeks, months, fortnights, quarters and "before"
deadlines over two years). Everything scales with ``scale`` (reps included), so growth can be measured from
0.25x to 4x. Deterministic for a seed; records come from generators, as in ``synthetic``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta

from benchmarks.synthetic import (
    AS_OF,
    AXIS_KINDS,
    INDUSTRIES,
    PARIS,
    SOURCES,
    TERRITORIES,
    TYPES,
    Organisation,
    Rep,
    Sizes,
    regional_axes,
)
from pac_core.plan import Action, Counting, Person, Plan
from pac_core.records import Account, Records
from pac_core.scopes import Condition, Scope
from pac_core.window import Window

REPS_AT_SCALE_1 = 400
FIRST_START = datetime(2026, 1, 5, tzinfo=PARIS)   # a Monday; windows start over two years from here
PERIOD = Window(datetime(2026, 1, 1, tzinfo=PARIS), datetime(2028, 2, 1, tzinfo=PARIS), "2026-2027")


class RealisticOrganisation(Organisation):
    """400 reps x scale, each on 1-4 neighbouring départements; every account carries a dormant flag."""

    def __init__(self, sizes: Sizes | None = None, seed: int = 2027, scale: float = 1.0) -> None:
        super().__init__(sizes or Sizes().scaled(scale), seed)
        rng = random.Random(seed + 10)
        n_terr = len(TERRITORIES)
        n_reps = max(2, round(REPS_AT_SCALE_1 * scale))
        self.reps = [
            Rep(i, f"rep{i:04d}@synthetic.example", SOURCES[0] if i % 5 else SOURCES[1], f"U{i:05d}",
                tuple((i + k) % n_terr for k in range(1 + rng.randrange(4))))     # neighbouring codes
            for i in range(n_reps)
        ]
        self.reps_of = {}
        for rep in self.reps:
            for t in rep.territory:
                self.reps_of.setdefault((rep.source, t), []).append(rep)
        for i, t in enumerate(self.account_territory):   # each territory's accounts in the CRMs its reps use
            covering = [s for s in SOURCES if (s, t) in self.reps_of] or list(SOURCES)
            self.account_source[i] = covering[0] if len(covering) == 1 or rng.random() < 0.8 else covering[1]
        self.pools = {}
        for i, t in enumerate(self.account_territory):
            self.pools.setdefault((self.account_source[i], t), []).append(i)

    def iter_accounts(self) -> Iterator[Account]:
        """As ``synthetic``, but every account has a dormant flag (about one in three dormant)."""
        rng = random.Random(self.seed + 11)
        for account in super().iter_accounts():
            yield replace(account, dormant=rng.random() < 0.33)

    def plan(self) -> Plan:
        """One segment per région (three axes each); actions per rep with mixed scopes and varied windows."""
        rng = random.Random(self.seed + 12)
        segments, axes, segment_of = regional_axes()
        region_of = dict(TERRITORIES)
        actions = []
        for k in range(self.sizes.actions):
            rep = self.reps[k % len(self.reps)]
            home = rep.territory[rng.randrange(len(rep.territory))]
            region = TERRITORIES[home][1]
            # one to four départements of the rep's territory in the same région (the segment holds them)
            same = [t for t in rep.territory if TERRITORIES[t][1] == region]
            depts = tuple(sorted({TERRITORIES[t][0] for t in rng.sample(same, 1 + rng.randrange(len(same)))}))
            conditions = [Condition("departement", "in", depts, "départements " + ", ".join(depts))]
            if rng.random() < 0.5:
                industry = INDUSTRIES[rng.randrange(len(INDUSTRIES))]
                conditions.append(Condition("industry", "in", (industry,), industry))
            if rng.random() < 0.35:
                conditions.append(Condition("dormant", "is", (True,), "dormants"))
            assert all(region_of[d] == region for d in depts)
            kind = AXIS_KINDS[k % 3]
            actions.append(Action(
                f"ACT{k:05d}", f"{segment_of[region]}-{kind}", f"action {k}", rep.email,
                TYPES[k % 3], 2 + rng.randrange(8), _window(rng),
                Counting.ACTIVITIES if k % 5 == 0 else Counting.DISTINCT_ACCOUNTS, Scope(tuple(conditions))))
        people = tuple(Person(r.email, f"Rep {r.number}", "rep") for r in self.reps)
        return Plan("PAC réaliste", PERIOD, "Europe/Paris", people=people, segments=segments,
                    axes=axes, actions=tuple(actions))


def _window(rng: random.Random) -> Window:
    """A week, a fortnight, a month, a quarter or a deadline, starting on one of ~600 instants over two years."""
    roll = rng.random()
    if roll < 0.45:                                   # a week (104 Monday starts)
        start = FIRST_START + timedelta(weeks=rng.randrange(104))
        return Window(start, start + timedelta(weeks=1), "semaine")
    if roll < 0.6:                                    # a fortnight from any weekday (~520 starts)
        start = FIRST_START + timedelta(days=rng.randrange(728))
        return Window(start, start + timedelta(days=14), "quinzaine")
    if roll < 0.85:                                   # a calendar month (24 starts)
        m = rng.randrange(24)
        start = datetime(2026 + m // 12, m % 12 + 1, 1, tzinfo=PARIS)
        end = datetime(2026 + (m + 1) // 12, (m + 1) % 12 + 1, 1, tzinfo=PARIS)
        return Window(start, end, "mois")
    if roll < 0.95:                                   # a quarter (8 starts)
        q = rng.randrange(8)
        start = datetime(2026 + q // 4, q % 4 * 3 + 1, 1, tzinfo=PARIS)
        end = datetime(2026 + (q + 1) // 4, (q + 1) % 4 * 3 + 1, 1, tzinfo=PARIS)
        return Window(start, end, "trimestre")
    start = datetime(2026 + rng.randrange(2), 1, 1, tzinfo=PARIS)   # "avant le ..." from the year's start
    return Window(start, start + timedelta(days=30 + rng.randrange(330)), "avant le")


def generate_realistic(scale: float = 1.0, *, seed: int = 2027) -> tuple[Plan, Records, datetime]:
    """(plan, records, as_of) for the realistic organisation x ``scale``."""
    org = RealisticOrganisation(Sizes().scaled(scale), seed, scale)
    records = Records(accounts=tuple(org.iter_accounts()), activities=tuple(org.iter_activities()),
                      deals=tuple(org.iter_deals()), users=org.users())
    return org.plan(), records, AS_OF
