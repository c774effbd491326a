"""The demo organisation, Durand Process Équipements, as neutral data both sandbox CRMs seed from.

Deterministic (``random.Random(2027)``): the same org on every machine. See ``docs/demo-org.md``.
Every record says which CRM holds it (``crm``: "salesforce" or "hubspot"); people are matched across
CRMs by e-mail, so the sales manager, who works in both, is one ``DemoUser`` per CRM.

It contains, exactly, the twelve records of the worked example (Julie Martin, week 18 of 2027,
département 69: action A-01 evaluates to 4 / 5), no other activity of Julie's in that week, and no
won deal in the 12 months before 2027-05-03 on the example's accounts except Bron (won 2026-11).
It also contains the deliberately awkward records the connectors must report or handle
(see ``AWKWARD``). Amounts are Decimal in ``currency``; times are aware UTC datetimes.
"""

from __future__ import annotations

import random
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
    for key, owner, account, kind, status, start, deleted in EXAMPLE_ACTIVITIES:
        yield DemoActivity(key, kind, status, start, None, owner, account, _subject(kind, account, accounts),
                           deleted, "salesforce")
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


def _deals(rng: random.Random, scale: float, accounts: list[DemoAccount]) -> Iterator[DemoDeal]:
    example_keys = {a[0] for a in EXAMPLE_ACCOUNTS}
    pool = [a for a in accounts if a.key not in example_keys and a.key not in AWKWARD]
    start, end = HISTORY_START.toordinal(), date(2027, 12, 31).toordinal()
    clock = DEMO_CLOCK.date()
    for n in range(1, round(1200 * scale) + 1):
        account = rng.choice(pool)
        close = date.fromordinal(rng.randint(start, end))
        stage = "open" if close > clock else rng.choices(("won", "lost", "open"), weights=(58, 36, 6))[0]
        lines = _lines(rng)
        amount = sum((line[2] for line in lines), Decimal(0))
        yield DemoDeal(f"deal-{n:05d}", f"{account.name} — {' + '.join(c for c, _, _ in lines)}", account.key,
                       account.owner_email, amount, "EUR", close, stage, lines, account.crm)
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
