"""A realistic synthetic sales organisation, as pac_core records, for benchmarks.

Reps work home territories (one to four neighbouring départements); accounts carry real-looking
French postal codes, their département and région; activities are mostly visits, calls and meetings
by the account's territory reps over two years (2026-2027); deals have amounts, currencies and
product lines. A handful of awkward records (no account, unknown type, naive time, CHF without a
rate, no amount) are mixed in, as in a real CRM. Everything is deterministic for a seed.

Defaults: 100,000 accounts, 1,000,000 activities, 200,000 deals, 5,000 actions; ``scale`` multiplies
them all. Records are produced by generators (``Organisation.iter_*``) so a caller can stream them
(e.g. into the sandbox CRM) without holding them; ``generate`` materialises everything.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from pac_core.plan import (
    Action,
    ActivityType,
    Axis,
    Counting,
    Objective,
    Person,
    Plan,
    Segment,
    SegmentKind,
)
from pac_core.records import Account, Activity, ActivityStatus, Deal, DealLine, DealStage, Records, User
from pac_core.scopes import Condition, Scope
from pac_core.window import Window

try:
    from pac_core.geography import DEPARTEMENTS
    TERRITORIES = [(code, region) for code, (_, region) in DEPARTEMENTS.items() if len(code) == 2]
except ImportError:  # geography is optional for the benchmark: a few territories are enough
    TERRITORIES = [("69", "Auvergne-Rhône-Alpes"), ("38", "Auvergne-Rhône-Alpes"), ("75", "Île-de-France"),
                   ("13", "Provence-Alpes-Côte d'Azur"), ("33", "Nouvelle-Aquitaine"), ("59", "Hauts-de-France")]

PARIS = ZoneInfo("Europe/Paris")
SOURCES = ("sf-main", "hs-west")
INDUSTRIES = ("Pharmaceutique", "Agroalimentaire", "Chimie", "Cosmétique", "Automobile", "Traitement de l'eau")
TYPES = (ActivityType.VISIT, ActivityType.CALL, ActivityType.MEETING, ActivityType.DEMO)
TYPE_WEIGHTS = (45, 35, 15, 5)
STATUSES = (ActivityStatus.COMPLETED, ActivityStatus.CANCELLED, ActivityStatus.NO_SHOW, ActivityStatus.PLANNED)
STATUS_WEIGHTS = (90, 4, 3, 3)
PRODUCTS = ("PX200", "MX50", "MAINT")
HISTORY_START = datetime(2026, 1, 1, tzinfo=UTC)
HISTORY_DAYS = 730
AS_OF = datetime(2027, 10, 15, 18, tzinfo=PARIS)
PLAN_YEAR = Window(datetime(2027, 1, 1, tzinfo=PARIS), datetime(2028, 1, 1, tzinfo=PARIS), "2027")
AXIS_KINDS = ("dormant", "big", "pharma")


@dataclass(frozen=True)
class Sizes:
    accounts: int = 100_000
    activities: int = 1_000_000
    deals: int = 200_000
    actions: int = 5_000

    def scaled(self, scale: float) -> Sizes:
        return Sizes(*(max(1, round(n * scale)) for n in (self.accounts, self.activities, self.deals, self.actions)))


@dataclass(frozen=True)
class Rep:
    number: int
    email: str
    source: str
    user_id: str
    territory: tuple[int, ...]          # indexes into TERRITORIES


class Organisation:
    """The reps, their territories and where every account is; the records come from the ``iter_*`` methods."""

    def __init__(self, sizes: Sizes = Sizes(), seed: int = 2027) -> None:
        self.sizes, self.seed = sizes, seed
        rng = random.Random(seed)
        n_reps = max(2, sizes.actions // 10)
        n_terr = len(TERRITORIES)
        self.reps = [
            Rep(i, f"rep{i:04d}@synthetic.example", SOURCES[0] if i % 5 else SOURCES[1], f"U{i:05d}",
                tuple((i * 7 + k) % n_terr for k in range(1 + rng.randrange(4))))
            for i in range(n_reps)
        ]
        # accounts: territory and source decided up front so activities can pick from territory pools
        self.account_territory = [rng.randrange(n_terr) for _ in range(sizes.accounts)]
        self.reps_of: dict[tuple[str, int], list[Rep]] = {}
        for rep in self.reps:
            for t in rep.territory:
                self.reps_of.setdefault((rep.source, t), []).append(rep)
        self.account_source = [SOURCES[0] if rng.random() < 0.8 else SOURCES[1]
                               for t in self.account_territory]
        for i, t in enumerate(self.account_territory):   # an account belongs to a source whose reps cover it
            if (self.account_source[i], t) not in self.reps_of:
                other = SOURCES[1] if self.account_source[i] == SOURCES[0] else SOURCES[0]
                self.account_source[i] = other
        self.pools: dict[tuple[str, int], list[int]] = {}
        for i, t in enumerate(self.account_territory):
            self.pools.setdefault((self.account_source[i], t), []).append(i)

    def users(self) -> tuple[User, ...]:
        users = [User(r.user_id, r.source, r.email, f"Rep {r.number}") for r in self.reps]
        users.append(User("U-NOMAIL", SOURCES[1], None, "Owner without e-mail"))
        return tuple(users)

    def owner_of(self, i: int) -> Rep | None:
        reps = self.reps_of.get((self.account_source[i], self.account_territory[i]))
        return reps[i % len(reps)] if reps else None

    def iter_accounts(self) -> Iterator[Account]:
        rng = random.Random(self.seed + 1)
        for i, t in enumerate(self.account_territory):
            dept, region = TERRITORIES[t]
            owner = self.owner_of(i)
            yield Account(
                id=f"A{i:07d}", source=self.account_source[i], name=f"Société {i}",
                postal_code=f"{dept}{rng.randrange(1000):03d}", departement=dept, region=region, country="FR",
                industry=INDUSTRIES[i % len(INDUSTRIES)], account_type=("Client", "Prospect")[i % 3 == 0],
                annual_revenue=Decimal(rng.randrange(1, 800)) * 1_000_000,
                owner_id=owner.user_id if owner else None,
                dormant=(None if i % 10 else bool(i % 20)), deleted=(i % 997 == 0))

    def iter_activities(self) -> Iterator[Activity]:
        """Each activity by a rep in one of their territories, on an account of their source there."""
        rng = random.Random(self.seed + 2)
        reps = self.reps
        pools = self.pools
        base = HISTORY_START.timestamp()
        for k in range(self.sizes.activities):
            rep = reps[k % len(reps)]
            territory = rep.territory[rng.randrange(len(rep.territory))]
            pool = pools.get((rep.source, territory))
            account = f"A{pool[rng.randrange(len(pool))]:07d}" if pool else None
            day = rng.randrange(HISTORY_DAYS)
            stamp = base + day * 86400 + rng.randrange(6 * 3600, 18 * 3600)
            start: datetime | None = datetime.fromtimestamp(stamp, UTC)
            kind: ActivityType | None = rng.choices(TYPES, TYPE_WEIGHTS)[0]
            status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
            owner: str | None = rep.user_id
            bad = k % 1000
            if bad == 1:
                account = None
            elif bad == 2:
                kind = None
            elif bad == 3:
                start = start.replace(tzinfo=None) if start else None
            elif bad == 4:
                owner = "U-NOMAIL"
            yield Activity(id=f"T{k:08d}", source=rep.source, type=kind, owner_id=owner, account_id=account,
                           start=start, status=status, deleted=(k % 101 == 0))

    def iter_deals(self) -> Iterator[Deal]:
        rng = random.Random(self.seed + 3)
        quantities = [Decimal(q) for q in range(11)]
        first = date(2026, 1, 1)
        n = self.sizes.accounts
        for k in range(self.sizes.deals):
            i = rng.randrange(n)
            owner = self.owner_of(i)
            roll = rng.random()
            stage = DealStage.WON if roll < 0.45 else DealStage.LOST if roll < 0.75 else DealStage.OPEN
            currency = "USD" if k % 50 == 0 else "CHF" if k % 997 == 0 else "EUR"
            amount = None if k % 331 == 0 else Decimal(rng.randrange(5_000, 250_000))
            lines = tuple(DealLine(PRODUCTS[(k + j) % 3], quantities[1 + rng.randrange(10)])
                          for j in range(1 + k % 2))
            yield Deal(id=f"D{k:07d}", source=self.account_source[i], account_id=f"A{i:07d}",
                       owner_id=owner.user_id if owner else None, amount=amount, currency=currency,
                       close_date=first + timedelta(days=rng.randrange(HISTORY_DAYS)), stage=stage, lines=lines)

    def plan(self) -> Plan:
        """One horizontal segment per région, three axes each (dormant, big accounts, pharma), actions per rep."""
        rng = random.Random(self.seed + 4)
        segments, axes, segment_of = regional_axes()
        weeks = [datetime(2027, 1, 4, tzinfo=PARIS) + timedelta(weeks=w) for w in range(52)]
        actions = []
        for k in range(self.sizes.actions):
            rep = self.reps[k % len(self.reps)]
            dept, region = TERRITORIES[rep.territory[k % len(rep.territory)]]
            kind = AXIS_KINDS[k % 3]
            if k % 4 == 0:   # a month
                month = 1 + rng.randrange(12)
                start = datetime(2027, month, 1, tzinfo=PARIS)
                end = datetime(2027 + (month == 12), month % 12 + 1, 1, tzinfo=PARIS)
                window = Window(start, end, f"2027-{month:02d}")
            else:
                w = rng.randrange(51)
                window = Window(weeks[w], weeks[w + 1], f"2027-W{w + 1:02d}")
            actions.append(Action(
                f"ACT{k:05d}", f"{segment_of[region]}-{kind}", f"action {k}", rep.email,
                TYPES[k % 3], 2 + rng.randrange(8), window,
                Counting.ACTIVITIES if k % 5 == 0 else Counting.DISTINCT_ACCOUNTS,
                Scope((Condition("departement", "in", (dept,), f"département {dept}"),))))
        people = tuple(Person(r.email, f"Rep {r.number}", "rep") for r in self.reps)
        return Plan("PAC synthétique 2027", PLAN_YEAR, "Europe/Paris", people=people, segments=segments,
                    axes=axes, actions=tuple(actions))


def regional_axes() -> tuple[tuple[Segment, ...], tuple[Axis, ...], dict[str, str]]:
    """One horizontal segment per région and three axes in each (dormant, big accounts, pharma): (segments,
    axes, région name -> segment id)."""
    regions = sorted({region for _, region in TERRITORIES})
    segments = tuple(Segment(f"S{r:02d}", name, SegmentKind.HORIZONTAL,
                             Scope((Condition("region", "in", (name,), name),)))
                     for r, name in enumerate(regions))
    axis_scopes = {
        "dormant": Scope((Condition("dormant", "is", (True,), "clients dormants"),)),
        "big": Scope((Condition("annual_revenue", "gte", (50_000_000,), "grands comptes"),)),
        "pharma": Scope((Condition("industry", "in", ("Pharmaceutique",), "pharma"),)),
    }
    axes = tuple(
        Axis(f"{seg.id}-{kind}", f"{kind} {seg.name}", seg.id, axis_scopes[kind],
             objective=Objective(Decimal(500_000), PLAN_YEAR, budget=Decimal(40_000)), products=(PRODUCTS[n],))
        for seg in segments for n, kind in enumerate(AXIS_KINDS))
    return segments, axes, {name: seg.id for name, seg in zip(regions, segments, strict=True)}


def generate(scale: float = 1.0, *, seed: int = 2027, sizes: Sizes = Sizes()) -> tuple[Plan, Records, datetime]:
    """(plan, records, as_of) for an organisation of ``sizes`` x ``scale``."""
    org = Organisation(sizes.scaled(scale), seed)
    records = Records(accounts=tuple(org.iter_accounts()), activities=tuple(org.iter_activities()),
                      deals=tuple(org.iter_deals()), users=org.users())
    return org.plan(), records, AS_OF
