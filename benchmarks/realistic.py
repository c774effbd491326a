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
from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np

from benchmarks.synthetic import (
    AS_OF,
    AXIS_KINDS,
    HISTORY_DAYS,
    HISTORY_START,
    INDUSTRIES,
    PARIS,
    PRODUCTS,
    SOURCES,
    STATUS_WEIGHTS,
    STATUSES,
    TERRITORIES,
    TYPE_WEIGHTS,
    TYPES,
    Organisation,
    Rep,
    Sizes,
    regional_axes,
)
from pac_core.columnar import NO_TIME, AccountTable, ActivityTable, Categorical, DealTable, RecordColumns, Rows
from pac_core.plan import Action, Counting, Person, Plan
from pac_core.records import Account, DealLine, DealStage, Records
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


def generate_columns(scale: float = 1.0, *, seed: int = 2027) -> tuple[Plan, RecordColumns, datetime]:
    """(plan, records as columns, as_of) for the realistic organisation x ``scale``, generated straight into
    NumPy columns (no record object is ever made, so 4x = 4M activities stays well inside memory and takes seconds).

    The same shape and the same rules as ``RealisticOrganisation``'s record generators (reps, territories, pools,
    the plan and its actions are the organisation's own); the random draws come from a NumPy generator, so the
    records differ from ``iter_activities()``'s at the same seed. Ids and names are made on access only.
    """
    org = RealisticOrganisation(Sizes().scaled(scale), seed, scale)
    rng = np.random.default_rng(seed + 20)
    n_terr, n_reps = len(TERRITORIES), len(org.reps)
    n_acc, n_act, n_deal = org.sizes.accounts, org.sizes.activities, org.sizes.deals
    source_code = {s: k for k, s in enumerate(SOURCES)}

    # accounts: territories and sources are the organisation's; the other fields are drawn here
    terr = np.asarray(org.account_territory, dtype=np.int64)
    acc_source = np.fromiter((source_code[s] for s in org.account_source), dtype=np.int32, count=n_acc)
    regions = sorted({r for _, r in TERRITORIES})
    region_of_terr = np.array([regions.index(r) for _, r in TERRITORIES], dtype=np.int32)
    postal = terr * 1000 + rng.integers(0, 1000, n_acc)
    postal_values, postal_codes = np.unique(postal, return_inverse=True)
    owner_values = [r.user_id for r in org.reps]
    rep_number = {r.user_id: k for k, r in enumerate(org.reps)}
    acc_owner = np.fromiter((rep_number[o.user_id] if (o := org.owner_of(i)) else -1 for i in range(n_acc)),
                            dtype=np.int32, count=n_acc)
    account_ids = [f"A{i:07d}" for i in range(n_acc)]
    numbers = np.arange(n_acc)
    accounts = AccountTable(
        source=Categorical(acc_source, SOURCES), id=account_ids, name=Rows(n_acc, "Société {}".format),
        postal_code=Categorical(postal_codes.reshape(-1).astype(np.int32),
                                [f"{TERRITORIES[v // 1000][0]}{v % 1000:03d}" for v in postal_values.tolist()]),
        departement=Categorical(terr.astype(np.int32), [d for d, _ in TERRITORIES]),
        region=Categorical(region_of_terr[terr], regions),
        country=Categorical(np.zeros(n_acc, dtype=np.int32), ["FR"]),
        industry=Categorical((numbers % len(INDUSTRIES)).astype(np.int32), INDUSTRIES),
        account_type=Categorical((numbers % 3 == 0).astype(np.int32), ("Client", "Prospect")),
        annual_revenue=Categorical(rng.integers(0, 799, n_acc).astype(np.int32),
                                   [Decimal(k + 1) * 1_000_000 for k in range(799)]),
        owner=Categorical(acc_owner, owner_values),
        dormant=np.where(rng.random(n_acc) < 0.33, 1, 2).astype(np.uint8), deleted=numbers % 997 == 0)

    # activities: rep k % reps, in one of their territories, on an account of their source there
    k = np.arange(n_act, dtype=np.int64)
    rep = k % n_reps
    territories = np.full((n_reps, 4), -1, dtype=np.int64)
    sizes = np.zeros(n_reps, dtype=np.int64)
    for r in org.reps:
        territories[r.number, :len(r.territory)] = r.territory
        sizes[r.number] = len(r.territory)
    rep_source = np.array([source_code[r.source] for r in org.reps], dtype=np.int32)
    t = territories[rep, (rng.random(n_act) * sizes[rep]).astype(np.int64)]
    pool_id = np.full((len(SOURCES), n_terr), -1, dtype=np.int64)
    flat: list[int] = []
    offsets, lengths = [], []
    for p, ((source, territory), members) in enumerate(sorted(org.pools.items())):
        pool_id[source_code[source], territory] = p
        offsets.append(len(flat))
        lengths.append(len(members))
        flat.extend(members)
    pools, offset, length = np.asarray(flat, dtype=np.int64), np.asarray([*offsets, 0]), np.asarray([*lengths, 0])
    pid = pool_id[rep_source[rep], t]
    draw = (rng.random(n_act) * length[pid]).astype(np.int64)
    account = np.where(pid >= 0, pools[np.minimum(offset[pid] + draw, len(pools) - 1)], -1)
    stamp = int(HISTORY_START.timestamp()) + rng.integers(0, HISTORY_DAYS, n_act) * 86400 + \
        rng.integers(6 * 3600, 18 * 3600, n_act)
    kind = rng.choice(len(TYPES), n_act, p=np.asarray(TYPE_WEIGHTS) / sum(TYPE_WEIGHTS)).astype(np.int32)
    status = rng.choice(len(STATUSES), n_act, p=np.asarray(STATUS_WEIGHTS) / sum(STATUS_WEIGHTS)).astype(np.int32)
    owner = rep.astype(np.int32)
    bad = k % 1000
    account[bad == 1] = -1                 # no account
    kind[bad == 2] = -1                    # unknown type
    owner[bad == 4] = n_reps               # an owner without e-mail
    activities = ActivityTable(
        source=Categorical(rep_source[rep], SOURCES), id=Rows(n_act, "T{:08d}".format),
        type=Categorical(kind, TYPES), owner=Categorical(owner, [*owner_values, "U-NOMAIL"]),
        account=Categorical(account.astype(np.int32), account_ids), start=stamp * 1_000_000,
        naive=bad == 3, day=np.zeros(n_act, dtype=np.int32), status=Categorical(status, STATUSES),
        deleted=k % 101 == 0)

    # deals: on random accounts, won / lost / open, a few in USD (rated) and CHF (no rate), a few without amount
    j = np.arange(n_deal, dtype=np.int64)
    on = rng.integers(0, n_acc, n_deal)
    roll = rng.random(n_deal)
    stage = np.where(roll < 0.45, 0, np.where(roll < 0.75, 1, 2)).astype(np.int32)
    currency = np.where(j % 50 == 0, 1, np.where(j % 997 == 0, 2, 0)).astype(np.int32)
    amounts = [None if i % 331 == 0 else Decimal(a)
               for i, a in enumerate(rng.integers(5_000, 250_000, n_deal).tolist())]
    quantities = rng.integers(1, 11, (n_deal, 2)).tolist()
    first = date(2026, 1, 1).toordinal()
    line_of = {(p, q): DealLine(p, Decimal(q)) for p in PRODUCTS for q in range(1, 11)}

    lines = [tuple(line_of[(PRODUCTS[(i + m) % 3], q[m])] for m in range(1 + i % 2)) for i, q in enumerate(quantities)]

    deals = DealTable(
        source=Categorical(acc_source[on], SOURCES), id=[f"D{i:07d}" for i in range(n_deal)],
        account=Categorical(on.astype(np.int32), account_ids), owner=Categorical(acc_owner[on], owner_values),
        amount=amounts, currency=Categorical(currency, ("EUR", "USD", "CHF")),
        close_date=(first + rng.integers(0, HISTORY_DAYS, n_deal)).astype(np.int32),
        closed_at=np.full(n_deal, NO_TIME, dtype=np.int64),
        stage=Categorical(stage, (DealStage.WON, DealStage.LOST, DealStage.OPEN)),
        deleted=np.zeros(n_deal, dtype=bool), created_at=np.full(n_deal, NO_TIME, dtype=np.int64),
        lines=lines)
    return org.plan(), RecordColumns(accounts, activities, deals, org.users()), AS_OF
