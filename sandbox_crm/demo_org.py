"""The demo organisation, Durand Process Équipements, as neutral data both sandbox CRMs seed from.

Deterministic (``random.Random(2027)``): the same org on every machine. See ``docs/demo-org.md``.
Every record says which CRM holds it (``crm``: "salesforce" or "hubspot"); people are matched across
CRMs by e-mail, so the sales manager, who works in both, is one ``DemoUser`` per CRM.

It contains, exactly, the twelve records of the worked example (Julie Martin, week 18 of 2027,
département 69: action A-01 evaluates to 4 / 5), no other activity of Julie's in that week, and no
won deal in the 12 months before 2027-05-03 on the example's accounts except Bron (won 2026-11).
It also contains the deliberately awkward records the connectors must report or handle
(see ``AWKWARD``). Amounts are Decimal in ``currency``; times are aware UTC datetimes.

Deals follow a story (``STORY``) so that, as of the demo clock, the example plan's axes read like a real
year: each account reorders in 2027 what it ordered in 2026, and a few groups of accounts gain or lose
business. ``ACTION_STORY`` adds the activities that give the example's actions a varied progress.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
DOMAIN = "durand-process.example"
HISTORY_START = date(2026, 1, 1)
DEMO_CLOCK = datetime(2027, 5, 20, 16, 0, tzinfo=UTC)          # 2027-05-20T18:00 Europe/Paris
WEEK18 = (datetime(2027, 5, 2, 22, 0, tzinfo=UTC), datetime(2027, 5, 9, 22, 0, tzinfo=UTC))
INDUSTRIES = ("Pharmaceutique", "Agroalimentaire", "Chimie", "Cosmétique", "Automobile", "Traitement de l'eau")
ACCOUNT_TYPES = ("Client", "Prospect", "Distributeur")
PRODUCTS = {"PX200": ("Pompe doseuse PX200", Decimal("12500")),
            "MX50": ("Mélangeur MX50", Decimal("8400")),
            "MAINT": ("Contrat de maintenance", Decimal("4800"))}
PRODUCT_FAMILIES = {"PX200": "Pompes", "MX50": "Mélangeurs", "MAINT": "Maintenance"}   # Product2.Family


@dataclass(frozen=True)
class DemoUser:
    key: str
    email: str | None
    name: str
    crm: str                  # "salesforce" | "hubspot"
    role: str = "rep"         # "rep" | "manager"
    departements: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoAccount:
    key: str
    name: str
    postal_code: str | None
    city: str
    country: str              # ISO 3166 alpha-2
    industry: str | None
    account_type: str | None
    annual_revenue: Decimal | None
    owner_email: str | None
    crm: str
    description: str = ""


@dataclass(frozen=True)
class DemoActivity:
    key: str
    kind: str                 # "visit" | "call" | "meeting"
    status: str               # "completed" | "planned" | "cancelled" | "no_show"
    start: datetime | None    # aware UTC; None for an all-day event
    all_day: date | None      # the calendar day of an all-day event, never shifted
    owner_email: str | None
    account_key: str | None
    subject: str
    deleted: bool
    crm: str
    duration_minutes: int = 60


@dataclass(frozen=True)
class DemoDeal:
    key: str
    name: str
    account_key: str | None
    owner_email: str | None
    amount: Decimal | None
    currency: str
    close_date: date
    stage: str                # "won" | "lost" | "open"
    lines: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)   # (product code, quantity, amount)
    crm: str = "salesforce"


@dataclass
class DemoOrg:
    users: list[DemoUser]
    accounts: list[DemoAccount]
    activities: list[DemoActivity]
    deals: list[DemoDeal]
    products: dict[str, tuple[str, Decimal]] = field(default_factory=lambda: dict(PRODUCTS))
    as_of: datetime = DEMO_CLOCK

    def for_crm(self, crm: str) -> DemoOrg:
        """Only the records one CRM holds."""
        return DemoOrg([u for u in self.users if u.crm == crm], [a for a in self.accounts if a.crm == crm],
                       [a for a in self.activities if a.crm == crm], [d for d in self.deals if d.crm == crm],
                       dict(self.products), self.as_of)

    def account(self, key: str) -> DemoAccount:
        return next(a for a in self.accounts if a.key == key)

    def activity(self, key: str) -> DemoActivity:
        return next(a for a in self.activities if a.key == key)


#: The span before the clock in which a seeded deal still open was created (both CRMs: Salesforce ``CreatedDate``,
#: HubSpot ``createdate``).
OPEN_DEALS_CREATED_WITHIN = timedelta(days=30)


def deal_created(deal: DemoDeal, as_of: datetime) -> datetime:
    """When a deal was created in its CRM, the same in both: on its close day (12:00 UTC) when that is before the
    clock, else, still open, at some second of the 30 days before the clock, spread by its key. So the deals created
    since 1 January (the KPI « pipeline créé ») are those closing from 1 January on, won, lost or open."""
    closed = datetime.combine(deal.close_date, datetime.min.time(), UTC) + timedelta(hours=12)
    if closed < as_of:
        return closed
    spread = int(OPEN_DEALS_CREATED_WITHIN.total_seconds())
    return as_of - timedelta(seconds=1 + zlib.crc32(deal.key.encode()) % spread)


def _email(first_last: str) -> str:
    return f"{first_last}@{DOMAIN}"


# (e-mail local part, name, crm, role, home départements)
PEOPLE: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("nathalie.garnier", "Nathalie Garnier", "both", "manager", ()),
    ("julie.martin", "Julie Martin", "salesforce", "rep", ("69", "01", "38", "42")),
    ("marc.dubois", "Marc Dubois", "salesforce", "rep", ("69", "73", "74")),
    ("sophie.bernard", "Sophie Bernard", "salesforce", "rep", ("75", "92", "93", "94", "77", "78", "91", "95")),
    ("thomas.petit", "Thomas Petit", "salesforce", "rep", ("13", "83", "84", "06")),
    ("claire.moreau", "Claire Moreau", "salesforce", "rep", ("44", "49", "85", "35", "56")),
    ("antoine.leroy", "Antoine Leroy", "salesforce", "rep", ("59", "62", "80")),
    ("lea.rousseau", "Léa Rousseau", "hubspot", "rep", ("31", "34", "30")),
    ("hugo.lambert", "Hugo Lambert", "hubspot", "rep", ("33", "64", "17")),
)
JULIE, MARC = _email("julie.martin"), _email("marc.dubois")

# Real postal codes and towns per département.
PLACES: dict[str, tuple[tuple[str, str], ...]] = {
    "69": (("69001", "Lyon"), ("69002", "Lyon"), ("69007", "Lyon"), ("69008", "Lyon"), ("69009", "Lyon"),
           ("69400", "Villefranche-sur-Saône"), ("69800", "Saint-Priest"), ("69120", "Vaulx-en-Velin"),
           ("69150", "Décines-Charpieu"), ("69230", "Saint-Genis-Laval")),
    "01": (("01000", "Bourg-en-Bresse"), ("01100", "Oyonnax"), ("01500", "Ambérieu-en-Bugey")),
    "38": (("38100", "Grenoble"), ("38200", "Vienne"), ("38300", "Bourgoin-Jallieu"),
           ("38400", "Saint-Martin-d'Hères")),
    "42": (("42000", "Saint-Étienne"), ("42300", "Roanne"), ("42400", "Saint-Chamond")),
    "73": (("73000", "Chambéry"), ("73100", "Aix-les-Bains"), ("73200", "Albertville")),
    "74": (("74000", "Annecy"), ("74100", "Annemasse"), ("74300", "Cluses")),
    "75": (("75008", "Paris"), ("75011", "Paris"), ("75015", "Paris"), ("75012", "Paris")),
    "92": (("92100", "Boulogne-Billancourt"), ("92000", "Nanterre"), ("92200", "Neuilly-sur-Seine")),
    "93": (("93200", "Saint-Denis"), ("93100", "Montreuil")),
    "94": (("94000", "Créteil"), ("94200", "Ivry-sur-Seine")),
    "77": (("77000", "Melun"), ("77100", "Meaux")),
    "78": (("78000", "Versailles"), ("78100", "Saint-Germain-en-Laye")),
    "91": (("91000", "Évry-Courcouronnes"), ("91300", "Massy")),
    "95": (("95000", "Cergy"), ("95100", "Argenteuil")),
    "13": (("13008", "Marseille"), ("13100", "Aix-en-Provence"), ("13500", "Martigues")),
    "83": (("83000", "Toulon"), ("83400", "Hyères")),
    "84": (("84000", "Avignon"), ("84100", "Orange")),
    "06": (("06000", "Nice"), ("06400", "Cannes"), ("06600", "Antibes")),
    "44": (("44000", "Nantes"), ("44600", "Saint-Nazaire")),
    "49": (("49000", "Angers"), ("49300", "Cholet")),
    "85": (("85000", "La Roche-sur-Yon"), ("85300", "Challans")),
    "35": (("35000", "Rennes"), ("35400", "Saint-Malo")),
    "56": (("56100", "Lorient"), ("56000", "Vannes")),
    "59": (("59000", "Lille"), ("59100", "Roubaix"), ("59200", "Tourcoing"), ("59140", "Dunkerque")),
    "62": (("62000", "Arras"), ("62100", "Calais"), ("62200", "Boulogne-sur-Mer")),
    "80": (("80000", "Amiens"), ("80100", "Abbeville")),
    "31": (("31000", "Toulouse"), ("31300", "Toulouse"), ("31100", "Toulouse")),
    "34": (("34000", "Montpellier"), ("34500", "Béziers")),
    "30": (("30000", "Nîmes"), ("30100", "Alès")),
    "33": (("33000", "Bordeaux"), ("33700", "Mérignac"), ("33600", "Pessac")),
    "64": (("64000", "Pau"), ("64100", "Bayonne")),
    "17": (("17000", "La Rochelle"), ("17100", "Saintes")),
}

# The worked example's accounts: key, name, postal code, city, owner.
EXAMPLE_ACCOUNTS = (
    ("acc-lyon-a", "Laboratoires Lyon A", "69003", "Lyon", JULIE),
    ("acc-villeurbanne", "Villeurbanne Dosage", "69100", "Villeurbanne", JULIE),
    ("acc-venissieux", "Vénissieux Chimie", "69200", "Vénissieux", JULIE),
    ("acc-caluire", "Caluire Process", "69300", "Caluire-et-Cuire", JULIE),
    ("acc-grenoble", "Grenoble Fluides", "38000", "Grenoble", JULIE),
    ("acc-bron", "Bron Agro", "69500", "Bron", JULIE),
    ("acc-givors", "Givors Mélange", "69700", "Givors", MARC),
    ("acc-tassin", "Tassin Cosmétique", "69160", "Tassin-la-Demi-Lune", JULIE),
    ("acc-oullins", "Oullins Industrie", "69600", "Oullins", JULIE),
    ("acc-ecully", "Écully Pharma", "69130", "Écully", JULIE),
    ("acc-rillieux", "Rillieux Eau", "69140", "Rillieux-la-Pape", JULIE),
)


def _utc(y: int, mo: int, d: int, h: int, mi: int) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


# The twelve records: key, owner, account, kind, status, start (UTC), deleted.
EXAMPLE_ACTIVITIES = (
    ("v1", JULIE, "acc-lyon-a", "visit", "completed", _utc(2027, 5, 3, 7, 30), False),
    ("v2", JULIE, "acc-villeurbanne", "visit", "completed", _utc(2027, 5, 2, 22, 30), False),
    ("v3", JULIE, "acc-venissieux", "visit", "completed", _utc(2027, 5, 9, 21, 45), False),
    ("v4", JULIE, "acc-caluire", "visit", "completed", _utc(2027, 5, 9, 22, 15), False),
    ("v5", JULIE, "acc-lyon-a", "visit", "completed", _utc(2027, 5, 6, 12, 0), False),
    ("v6", JULIE, "acc-grenoble", "visit", "completed", _utc(2027, 5, 4, 8, 0), False),
    ("v7", JULIE, "acc-bron", "visit", "completed", _utc(2027, 5, 4, 13, 0), False),
    ("v8", MARC, "acc-givors", "visit", "completed", _utc(2027, 5, 5, 9, 0), False),
    ("v9", JULIE, "acc-tassin", "visit", "cancelled", _utc(2027, 5, 5, 14, 0), False),
    ("v10", JULIE, "acc-oullins", "call", "completed", _utc(2027, 5, 6, 8, 0), False),
    ("v11", JULIE, "acc-ecully", "visit", "completed", _utc(2027, 5, 7, 9, 0), True),
    ("v12", JULIE, "acc-rillieux", "visit", "completed", _utc(2027, 5, 5, 7, 0), False),
)

#: Keys of the deliberately awkward records and what each one tests.
AWKWARD = {
    "act-no-account": "an event with no account",
    "act-all-day": "an all-day event (a date, never shifted by timezone)",
    "act-html-subject": "an HTML/script payload in a subject",
    "deal-usd": "an opportunity in USD (rate configured)",
    "deal-chf": "an opportunity in CHF (no rate: reported)",
    "deal-no-amount": "a deal with no amount",
    "acc-script": "an account named <script>alert(1)</script>",
    "acc-tokyo": "an account name in Japanese, with a non-French postal code",
    "acc-long-description": "a very long description (32,000 characters)",
    "u-hs-no-email": "a user with no e-mail (HubSpot owner)",
}


def build_demo_org(*, scale: float = 1.0) -> DemoOrg:
    """The whole demo org. ``scale`` multiplies the generated accounts, activities and deals."""
    rng = random.Random(2027)
    users = _users()
    accounts = _accounts(rng, scale)
    activities = list(_activities(rng, scale, users, accounts))
    deals = list(_deals(rng, scale, accounts))
    activities += _action_story(accounts, activities, deals)
    return DemoOrg(users, accounts, activities, deals)


def _users() -> list[DemoUser]:
    out: list[DemoUser] = []
    for local, name, crm, role, deps in PEOPLE:
        crms = ("salesforce", "hubspot") if crm == "both" else (crm,)
        for c in crms:
            suffix = f"-{'sf' if c == 'salesforce' else 'hs'}" if crm == "both" else ""
            out.append(DemoUser(f"u-{local.split('.')[0]}{suffix}", _email(local), name, c, role, deps))
    out.append(DemoUser("u-hs-no-email", None, "Compte partagé Salon", "hubspot", "rep", ()))
    return out


def _rep_for(departement: str) -> tuple[str, str]:
    """The rep whose territory holds a département (first listed wins) and their CRM."""
    for local, _name, crm, role, deps in PEOPLE:
        if role == "rep" and departement in deps:
            return _email(local), crm
    raise KeyError(departement)


_NAME_A = ("Atelier", "Laboratoires", "Industries", "Société", "Groupe", "Établissements", "Fabrique", "Usine")
_NAME_B = ("Rhodanien", "du Lac", "Martel", "Vauclair", "Bellerive", "Chaumont", "Delorme", "Fontaine", "Garnier",
           "Lemaire", "Morel", "Perrin", "Roche", "Blanchard", "Aubert", "Vidal", "Marchand", "Colin")


def _accounts(rng: random.Random, scale: float) -> list[DemoAccount]:
    out = [DemoAccount(key, name, pc, city, "FR", INDUSTRIES[i % len(INDUSTRIES)], "Client",
                       Decimal(rng.randrange(2, 80)) * 1_000_000, owner, "salesforce",
                       "Compte de l'exemple travaillé (semaine 18, 69).")
           for i, (key, name, pc, city, owner) in enumerate(EXAMPLE_ACCOUNTS)]
    targets = {"salesforce": round(600 * scale), "hubspot": round(150 * scale)}
    deps = {crm: [d for d in PLACES if _rep_for(d)[1] == crm] for crm in targets}
    n = 0
    for crm, count in targets.items():
        for _ in range(max(count - (len(out) if crm == "salesforce" else 0), 0)):
            n += 1
            dep = rng.choice(deps[crm])
            pc, city = rng.choice(PLACES[dep])
            owner, _ = _rep_for(dep)
            revenue = Decimal(rng.choice((1, 2, 3, 5, 8, 12, 20, 35, 50, 80, 120, 250, 800))) * 1_000_000
            kind = rng.choices(ACCOUNT_TYPES, weights=(60, 30, 10))[0]
            name = f"{rng.choice(_NAME_A)} {rng.choice(_NAME_B)} {city}"
            out.append(DemoAccount(f"acc-{n:05d}", name, pc, city, "FR", rng.choice(INDUSTRIES), kind,
                                   revenue, owner, crm))
    out += [
        DemoAccount("acc-script", "<script>alert(1)</script>", "69002", "Lyon", "FR", "Chimie", "Prospect",
                    Decimal(3_000_000), JULIE, "salesforce", "<b>bold</b> & <img src=x onerror=alert(1)>"),
        DemoAccount("acc-tokyo", "株式会社 東京精機", "100-0005", "東京都千代田区", "JP", "Automobile", "Distributeur",
                    Decimal(120_000_000), _email("sophie.bernard"), "salesforce", "日本の販売代理店"),
        DemoAccount("acc-long-description", "Fromagerie Longue Description", "01000", "Bourg-en-Bresse", "FR",
                    "Agroalimentaire", "Client", Decimal(9_000_000), JULIE, "salesforce",
                    ("Historique de la relation. " * 1300)[:32000]),
    ]
    return out


def _working_time(rng: random.Random, day: date) -> datetime:
    local = datetime(day.year, day.month, day.day, rng.randrange(8, 18), rng.choice((0, 15, 30, 45)), tzinfo=PARIS)
    return local.astimezone(UTC)


def _activities(rng: random.Random, scale: float, users: list[DemoUser], accounts: list[DemoAccount]
                ) -> Iterator[DemoActivity]:
    for key, owner, account_key, kind, status, start, deleted in EXAMPLE_ACTIVITIES:
        yield DemoActivity(key, kind, status, start, None, owner, account_key,
                           _subject(kind, account_key, accounts), deleted, "salesforce")
    example_keys = {a[0] for a in EXAMPLE_ACCOUNTS}
    by_owner: dict[str, list[DemoAccount]] = {}
    for acc in accounts:
        if acc.owner_email and acc.key not in example_keys and not acc.key.startswith(("acc-script", "acc-tokyo")):
            by_owner.setdefault(acc.owner_email, []).append(acc)
    horizon = (DEMO_CLOCK + timedelta(days=14)).date()
    n = 0
    for user in users:
        if user.role != "rep" or not user.email:
            continue
        pool = by_owner.get(user.email, [])
        if not pool:
            continue
        day = HISTORY_START
        while day <= horizon:
            if day.weekday() == 0:
                for _ in range(round(rng.randint(6, 10) * scale)):
                    when = _working_time(rng, day + timedelta(days=rng.randrange(0, 5)))
                    if user.email == JULIE and WEEK18[0] - timedelta(days=1) <= when < WEEK18[1] + timedelta(days=1):
                        continue   # keep the worked example exact: Julie's week 18 holds only v1..v12
                    kind = rng.choices(("visit", "call", "meeting"), weights=(50, 35, 15))[0]
                    if when > DEMO_CLOCK:
                        status = "planned"
                    else:
                        status = rng.choices(("completed", "cancelled", "no_show"), weights=(92, 5, 3))[0]
                    account = rng.choice(pool)
                    n += 1
                    yield DemoActivity(f"act-{n:06d}", kind, status, when, None, user.email, account.key,
                                       _subject(kind, account.key, accounts, account), rng.random() < 0.01,
                                       user.crm, rng.choice((30, 45, 60, 90)))
            day += timedelta(days=1)
    yield DemoActivity("act-no-account", "visit", "completed", _utc(2027, 4, 14, 9, 0), None, JULIE, None,
                       "Visite salon Pollutec (sans compte)", False, "salesforce")
    yield DemoActivity("act-all-day", "visit", "completed", None, date(2027, 4, 22), MARC, "acc-givors",
                       "Journée sur site : audit de l'installation", False, "salesforce")
    yield DemoActivity("act-html-subject", "call", "completed", _utc(2027, 4, 20, 14, 0), None, JULIE,
                       "acc-script", "<script>alert('pac')</script> Appel <b>relance</b>", False, "salesforce")


#: Activities that give the example plan's actions their progress as of the demo clock: (key prefix, owner,
#: kind, départements, account filter, how many distinct accounts, first and last local day, dormant since
#: (no won deal from that day to the first day) or None). The filter is the action's axis scope, as
#: ``key=value`` words: type (account type), industry, large (annual revenue >= 50 M€, not a distributor).
#: A-02, A-15, A-16 end up done; A-04, A-05 on track; A-08 at risk (week 20 is half gone; Haute-Garonne holds only
#: three dormant clients, all three visited: six is out of reach, its forecast 3 is the scope's size); A-01, A-06, A-09
#: (Gironde has fewer dormant clients than the plan assumed) and A-12 missed.
ACTION_STORY: tuple[tuple[str, str, str, tuple[str, ...], str, int, date, date, date | None], ...] = (
    ("a02", MARC, "call", ("73", "74"), "type=Client", 3, date(2027, 1, 4), date(2027, 4, 29), date(2026, 1, 1)),
    ("a04", MARC, "meeting", ("69",), "type=Client", 4, date(2027, 4, 1), date(2027, 5, 19), None),
    ("a05", _email("sophie.bernard"), "visit", ("92", "94"), "type=Prospect", 8, date(2027, 5, 3), date(2027, 5, 20),
     None),
    ("a08", _email("lea.rousseau"), "visit", ("31",), "type=Client", 4, date(2027, 5, 17), date(2027, 5, 20),
     date(2026, 1, 1)),
    ("a15", _email("claire.moreau"), "meeting", ("35",), "industry=Pharmaceutique", 1, date(2027, 5, 3),
     date(2027, 5, 19), None),
    ("a16", _email("antoine.leroy"), "meeting", ("59", "62"), "large=yes", 1, date(2027, 1, 11), date(2027, 3, 26),
     None),
)


def _fits(account: DemoAccount, words: str) -> bool:
    key, _, value = words.partition("=")
    if key == "type":
        return account.account_type == value
    if key == "industry":
        return account.industry == value
    return (account.annual_revenue or 0) >= _LARGE and account.account_type != "Distributeur"


def _action_story(accounts: list[DemoAccount], activities: list[DemoActivity], deals: list[DemoDeal]
                  ) -> list[DemoActivity]:
    """The activities of ``ACTION_STORY``, on accounts the owner had not yet met that way in the window.

    Its own random stream (``Random(2028)``), so the rest of the org does not depend on it.
    """
    rng = random.Random(2028)
    won: dict[str, list[date]] = {}
    for deal in deals:
        if deal.stage == "won" and deal.account_key:
            won.setdefault(deal.account_key, []).append(deal.close_date)
    example = {a[0] for a in EXAMPLE_ACCOUNTS}
    out: list[DemoActivity] = []
    for prefix, owner, kind, deps, words, count, first, last, dormant_since in ACTION_STORY:
        lo = datetime(first.year, first.month, first.day, tzinfo=PARIS).astimezone(UTC)
        hi = datetime(last.year, last.month, last.day, 23, 59, tzinfo=PARIS).astimezone(UTC)
        seen = {a.account_key for a in activities if a.owner_email == owner and a.kind == kind and a.start
                and lo <= a.start <= hi}
        candidates = [a for a in accounts if a.country == "FR" and (a.postal_code or "")[:2] in deps
                      and a.key not in example and a.key not in AWKWARD and a.key not in seen and _fits(a, words)
                      and (dormant_since is None or not any(dormant_since <= d < first for d in won.get(a.key, ())))]
        crm = next(u[2] for u in PEOPLE if _email(u[0]) == owner)
        for i, account in enumerate(rng.sample(candidates, min(count, len(candidates)))):
            when = None
            while when is None or when >= DEMO_CLOCK - timedelta(minutes=90):
                when = _working_time(rng, first + timedelta(days=rng.randrange((last - first).days + 1)))
            out.append(DemoActivity(f"act-{prefix}-{i + 1}", kind, "completed", when, None, owner, account.key,
                                    _subject(kind, account.key, accounts, account), False, crm,
                                    rng.choice((30, 45, 60, 90))))
    return out


_SUBJECTS = {"visit": "Visite", "call": "Appel", "meeting": "Réunion"}


def _subject(kind: str, account_key: str, accounts: list[DemoAccount], account: DemoAccount | None = None) -> str:
    account = account or next(a for a in accounts if a.key == account_key)
    return f"{_SUBJECTS[kind]} {account.name}"


def _lines(rng: random.Random) -> list[tuple[str, Decimal, Decimal]]:
    lines = []
    for code in rng.sample(sorted(PRODUCTS), rng.randint(1, 3)):
        qty = Decimal(rng.randint(1, 6))
        lines.append((code, qty, qty * PRODUCTS[code][1]))
    return lines


# Départements of the plan's territories, as the generator sees them (the engine uses its own geography).
_RA = frozenset({"69", "01", "38", "42", "73", "74"})
_IDF = frozenset({"75", "92", "93", "94", "77", "78", "91", "95"})
_SO = frozenset({"31", "34", "30", "33", "64", "17"})
_LARGE = Decimal(50_000_000)         # "grands comptes": annual revenue at least 50 M€
_FOCUS = ("Pharmaceutique", "Agroalimentaire")

#: The year's story, as of the demo clock (2027-01-01 to 2027-05-20, against the same span of 2026): each
#: row adds won deals (``gain``) or turns repeat orders into lost deals (``churn``) on one group of accounts,
#: amounts in EUR. Every other account orders in 2027 what it ordered in 2026, so each plan axis shows its
#: story and nothing else. See docs/demo-org.md.
STORY: tuple[tuple[str, str, int, int], ...] = (
    # (group, what, amount, deals)
    ("ra-dormant", "gain", 95_000, 4),        # Rhône-Alpes: dormant clients reactivated (ahead of plan)
    ("ra-regular", "churn", 30_000, 0),       # ... while a few regular clients did not reorder
    ("idf-prospect", "gain", 90_000, 4),      # Île-de-France: prospects won (on track)
    ("so-dormant", "gain", 25_000, 2),        # Sud-Ouest: few dormant clients back (behind plan), region flat
    ("pharma", "gain", 160_000, 4),           # pharmaceutical labs outside the three territories (3 MX50, 1 PX200)
    ("agro", "gain", 60_000, 3),              # food industry: maintenance and mixers
    ("large", "gain", 70_000, 3),             # large accounts outside the territories (behind plan)
    # last, so the random draws of everything above stay as they were: maintenance contracts alone
    ("ra-regular", "maint", 24_000, 5),       # Rhône-Alpes: regular clients sign maintenance contracts
)
# the main product of a group's gains, per deal (None: drawn at random): the pharmaceutical labs buy MX50 mixers
# (the demonstrations axis) and one more PX200 pump (the line whose production is saturated)
GAIN_PRODUCTS = {"pharma": ("MX50", "MX50", "MX50", "PX200")}


def _dep(account: DemoAccount) -> str:
    return (account.postal_code or "")[:2] if account.country == "FR" else ""


def _group(account: DemoAccount, dormant: bool) -> str | None:
    """The story group of an account (None: it only repeats its 2026 orders)."""
    dep, large = _dep(account), (account.annual_revenue or 0) >= _LARGE
    if account.industry in _FOCUS:
        if large or dep in _RA | _IDF | _SO:
            return None
        return "pharma" if account.industry == "Pharmaceutique" else "agro"
    if large:
        return "large" if dep not in _RA | _IDF | _SO and account.account_type != "Distributeur" else None
    region = "ra" if dep in _RA else "idf" if dep in _IDF else "so" if dep in _SO else None
    if region is None:
        return None
    if account.account_type == "Prospect":
        return f"{region}-prospect"
    if account.account_type == "Client":
        return f"{region}-dormant" if dormant else f"{region}-regular"
    return f"{region}-regular"


def _lines_for(rng: random.Random, amount: int, product: str | None = None) -> list[tuple[str, Decimal, Decimal]]:
    """Order lines worth about ``amount`` (within one maintenance contract); ``product`` forces the main line
    (the random draw is made all the same, so the draws that follow do not move)."""
    drawn = rng.choice(("PX200", "MX50"))
    main = product or drawn
    qty = max(1, amount // int(PRODUCTS[main][1]))
    lines = [(main, Decimal(qty), qty * PRODUCTS[main][1])]
    rest = round((amount - int(lines[0][2])) / int(PRODUCTS["MAINT"][1]))
    if rest > 0:
        lines.append(("MAINT", Decimal(rest), rest * PRODUCTS["MAINT"][1]))
    return lines


def _deal(key: str, account: DemoAccount, lines: list[tuple[str, Decimal, Decimal]], close: date,
          stage: str) -> DemoDeal:
    return DemoDeal(key, f"{account.name} — {' + '.join(c for c, _, _ in lines)}", account.key, account.owner_email,
                    sum((line[2] for line in lines), Decimal(0)), "EUR", close, stage, lines, account.crm)


def _deals(rng: random.Random, scale: float, accounts: list[DemoAccount]) -> Iterator[DemoDeal]:
    """2026's orders, their 2027 repeats, the year's story (``STORY``), then the named deals.

    2026: about three clients in four and every distributor win a deal (so about a quarter of the clients
    are dormant at the start of 2027), some lose one; prospects win none. 2027: each 2026 deal comes back
    on the same account about a year later (won or lost as in 2026 up to the demo clock, open after it).
    ``scale`` is accepted for the generator's callers; the number of deals follows the accounts.
    """
    example_keys = {a[0] for a in EXAMPLE_ACCOUNTS}
    pool = [a for a in accounts if a.key not in example_keys and a.key not in AWKWARD]
    clock = DEMO_CLOCK.date()
    cutoff = clock.replace(year=2026)
    book: list[tuple[DemoAccount, date, str, list[tuple[str, Decimal, Decimal]]]] = []
    for account in pool:
        wins = 0
        if account.account_type == "Client":
            wins = (rng.random() < 0.75) + (rng.random() < 0.15)
        elif account.account_type == "Distributeur":
            wins = 1 + (rng.random() < 0.3)
        for _ in range(wins):
            book.append((account, date(2026, 1, 1) + timedelta(days=rng.randrange(365)), "won", _lines(rng)))
        if rng.random() < 0.2:
            book.append((account, date(2026, 1, 1) + timedelta(days=rng.randrange(365)), "lost", _lines(rng)))
    won_2026 = {account.key for account, _day, stage, _l in book if stage == "won"}
    groups = {a.key: _group(a, a.key not in won_2026) for a in pool}
    churn = {group: amount for group, what, amount, _n in STORY if what == "churn"}
    churned: dict[str, int] = dict.fromkeys(churn, 0)
    n = 0
    for account, day, stage, lines in book:
        n += 1
        yield _deal(f"deal-{n:05d}", account, lines, day, stage)
        # the repeat order: same side of the demo clock's day of the year, a few days either way
        early = day <= cutoff
        low, high = (date(2027, 1, 1), clock) if early else (clock + timedelta(days=1), date(2027, 12, 31))
        again = min(max(day.replace(year=2027) + timedelta(days=rng.randint(-6, 6)), low), high)
        amount = int(sum((line[2] for line in lines), Decimal(0)))
        group = groups[account.key]
        if not early:
            stage = "open"
        elif stage == "won" and group in churn and churned[group] + amount <= churn[group] * 1.05 \
                and churned[group] < churn[group] * 0.95:
            churned[group] += amount
            stage = "lost"
        n += 1
        yield _deal(f"deal-{n:05d}", account, lines, again, stage)
    members: dict[str, list[DemoAccount]] = {}
    for account in pool:
        members.setdefault(groups[account.key] or "", []).append(account)
    for group, what, amount, count in STORY:
        if what not in ("gain", "maint") or not members.get(group):
            continue
        candidates = members[group] if what == "gain" else [a for a in members[group]
                                                             if (a.annual_revenue or 0) < _LARGE]
        chosen = rng.sample(candidates, min(count, len(candidates)))
        for i, account in enumerate(chosen):
            share = amount // len(chosen) + (amount % len(chosen) if i == 0 else 0)
            n += 1
            day = date(2027, 1, 11) + timedelta(days=rng.randrange((clock - date(2027, 1, 11)).days - 3))
            if what == "maint":
                contracts = max(1, round(share / int(PRODUCTS["MAINT"][1])))
                lines = [("MAINT", Decimal(contracts), contracts * PRODUCTS["MAINT"][1])]
            else:
                products = GAIN_PRODUCTS.get(group)
                lines = _lines_for(rng, share, products[i % len(products)] if products else None)
            yield _deal(f"deal-{n:05d}", account, lines, day, "won")
    px = PRODUCTS["PX200"][1]
    yield DemoDeal("deal-bron-won", "Bron Agro — PX200", "acc-bron", JULIE, px * 2, "EUR", date(2026, 11, 17),
                   "won", [("PX200", Decimal(2), px * 2)])
    yield DemoDeal("deal-lyon-a-2026", "Laboratoires Lyon A — MAINT", "acc-lyon-a", JULIE, Decimal(4800), "EUR",
                   date(2026, 3, 12), "won", [("MAINT", Decimal(1), Decimal(4800))])
    yield DemoDeal("deal-tassin-lost", "Tassin Cosmétique — MX50", "acc-tassin", JULIE, Decimal(16800), "EUR",
                   date(2026, 9, 30), "lost", [("MX50", Decimal(2), Decimal(16800))])
    yield DemoDeal("deal-usd", "Export Tokyo — PX200 (USD)", "acc-tokyo", _email("sophie.bernard"),
                   Decimal(27000), "USD", date(2027, 3, 18), "won", [("PX200", Decimal(2), Decimal(27000))])
    swiss = next(a for a in pool if a.crm == "salesforce")
    yield DemoDeal("deal-chf", "Genève Pharma — MX50 (CHF)", swiss.key, swiss.owner_email, Decimal(9100),
                   "CHF", date(2027, 2, 25), "won", [("MX50", Decimal(1), Decimal(9100))])
    yield DemoDeal("deal-no-amount", "Opportunité sans montant", "acc-script", JULIE, None, "EUR",
                   date(2027, 4, 30), "won", [])
    # the dormant clients' last order, in 2025: a dormant customer has bought before (a never-won account is a
    # prospect, not dormant: docs/engine.md, *Scopes and dormancy*). Before the 12 months of any 2027 window and
    # out of 2026, they count in no figure of the story; no random draw, so nothing else moves.
    maint = PRODUCTS["MAINT"][1]
    bought_2026 = won_2026 | {"acc-bron", "acc-lyon-a"}
    lapsed = [a for a in pool if a.account_type == "Client" and a.key not in bought_2026] + \
        [a for a in accounts if a.key in example_keys and a.key not in bought_2026]
    for i, account in enumerate(lapsed):
        yield _deal(f"deal-2025-{i + 1:04d}", account, [("MAINT", Decimal(1), maint)],
                    date(2025, 1, 6) + timedelta(days=(i * 37) % 330), "won")
