"""A second, independent oracle of the actions' counts, written from the documentation only (docs/engine.md,
*Matching activities to actions*, *Scopes and dormancy*, *Dates*, *Activities still planned on a past date*;
docs/plan-format.md; the shared pac-method and worked example), before reading pac_core's matching code. It focuses
on the rules added late and how they combine: hand-overs, account state as of the window's first day, people's
aliases, whole-day activities, completed tasks dated at the earlier of their due day and completion, cancelled and
no-show meetings, distinct accounts, multi-select values, ZIP+4 and Corsican postal codes, annual revenue in
another currency, DST in the plan's time zone, windows written as weeks or fiscal quarters.

Plain Python: no pac_core import but the record and plan types it reads. ``world(seed)`` draws a random small
organisation and plan (the plan as the YAML a manager writes); ``expected(world)`` gives what each action should
count. tests/unit/test_oracle2_counts.py compares them with ``evaluate()``; it holds no test itself.
"""

from __future__ import annotations

import calendar
import random
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from pac_core import geography
from pac_core.plan import ActivityType
from pac_core.records import (
    Account,
    AccountChange,
    Activity,
    ActivityStatus,
    CrmRates,
    Deal,
    DealStage,
    Records,
    User,
)

JULIE, MARC, SOPHIE = "julie@durand.example", "marc@durand.example", "sophie@durand.example"
ALIASES = {"julie.old@durand.example": JULIE, "j.martin@hs.example": JULIE}
USERS = (User("005J", "sf", JULIE), User("005JO", "sf", "julie.old@durand.example", active=False),   # migrated
         User("005M", "sf", MARC), User("005S", "sf", SOPHIE), User("005Q", "sf", None, "Queue"),
         User("77J", "hs", "j.martin@hs.example"), User("77M", "hs", MARC), User("77S", "hs", SOPHIE))
# an activity's owner: a user id (of its source or of the other one), an e-mail (any case, an alias), none
OWNER_IDS = ("005J", "005JO", "005M", "005S", "005Q", "77J", "77M", "77S", "Julie@Durand.example",
             "julie.old@durand.example", "MARC@durand.example", None)
ACCOUNT_OWNERS = ("005J", "005JO", "005M", "005S", "77J", "77M", "77S", "marc@durand.example", None)
FRENCH = {"FR", "GP", "MQ", "GF", "RE", "YT", None}
# (postal code as typed in the CRM, country)
PLACES = (("69003", "FR"), ("69289 CEDEX 02", "FR"), ("69003 Lyon", "FR"), ("38000", "FR"), ("20090", "FR"),
          ("20200", "FR"), ("20401 Bastia Cedex 9", "FR"), ("20704", "FR"), ("20300", "FR"), (None, "FR"),
          ("69100", None), ("60606-1234", "US"), ("60606", "US"), ("60120", "US"), ("1201", "CH"),
          ("97133", "FR"), ("97410", "RE"), ("01000", "FR"))
INDUSTRIES = ("Chimie", "chimie", "Pharmaceutique;Chimie", "Pharmaceutique", "Agroalimentaire", "Chímie", None)
TYPES = ("Client", "Prospect", "Distributeur", None)
# a multi-currency Salesforce org's CurrencyType rates (EUR corporate), one without CHF
ORG_RATES = (CrmRates("EUR", (("EUR", Decimal(1)), ("CHF", Decimal("0.95")), ("USD", Decimal("1.1")))),
             CrmRates("EUR", (("EUR", Decimal(1)), ("USD", Decimal("1.1")))))


# ---------------------------------------------------------------------------------------------------- windows

def _iso_week(year: int, week: int) -> tuple[date, date]:
    monday = date.fromisocalendar(year, week, 1)
    return monday, monday + timedelta(days=7)


def _month(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year + month // 12, month % 12 + 1, 1)


@dataclass(frozen=True)
class PlanShape:
    """A plan's header: its period as written and its days [first, end), and the `when:` phrases drawn for it with
    the days [first, end) each means (computed here, by hand rules, not by pac's period reader)."""

    period: str | None
    fiscal_calendar: str | None
    first: date
    end: date
    whens: Mapping[str, tuple[date, date]]


def _cut(days: tuple[date, date], first: date, end: date) -> tuple[date, date]:
    return max(days[0], first), min(days[1], end)


CALENDAR_2027 = PlanShape(None, None, date(2027, 1, 1), date(2028, 1, 1), {
    "semaine 18": _iso_week(2027, 18),
    "semaine 10": _iso_week(2027, 10),          # US summer time starts on Sunday 14 March
    "semaine 12": _iso_week(2027, 12),          # European summer time starts on Sunday 28 March
    "semaine 43": _iso_week(2027, 43),          # European winter time on Sunday 31 October
    "semaine 44": _iso_week(2027, 44),          # US winter time on Sunday 7 November
    "semaine 53 2026": _cut(_iso_week(2026, 53), date(2027, 1, 1), date(2028, 1, 1)),   # 1-3 January 2027
    "semaine 52": _cut(_iso_week(2027, 52), date(2027, 1, 1), date(2028, 1, 1)),        # 27-31 December
    "mars": _month(2027, 3),
    "mai": _month(2027, 5),
    "T2": (date(2027, 4, 1), date(2027, 7, 1)),
    "entre le 3 et le 28 mai": (date(2027, 5, 3), date(2027, 5, 29)),
    "de la semaine 17 à la semaine 19": (_iso_week(2027, 17)[0], _iso_week(2027, 19)[1]),
    "du 31 mai au 13 juin": (date(2027, 5, 31), date(2027, 6, 14)),     # 3 months before 31 May: from 28 February
    "du 29 mars au 4 avril": (date(2027, 3, 29), date(2027, 4, 5)),     # 1 month before 29 March: from 28 February
})
FISCAL_2027 = PlanShape("2027-04-01..2028-03-31", None, date(2027, 4, 1), date(2028, 4, 1), {
    "T1": (date(2027, 4, 1), date(2027, 7, 1)),
    "T4": (date(2028, 1, 1), date(2028, 4, 1)),
    "semaine 2": _iso_week(2028, 2),
    "semaine 18": _iso_week(2027, 18),
    "semaine 43": _iso_week(2027, 43),
    "janvier": _month(2028, 1),
    "mars": _month(2028, 3),                    # March 2028: summer time on the 26th in Paris, the 12th in New York
    "H2": (date(2027, 10, 1), date(2028, 4, 1)),
})
# a retailer's 4-4-5 year of 52 weeks from Sunday 31 January 2027 (docs/plan-format.md, *Fiscal calendar*)
RETAIL_2027 = PlanShape("2027-01-31..2028-01-29", "4-4-5", date(2027, 1, 31), date(2028, 1, 30), {
    "T1": (date(2027, 1, 31), date(2027, 5, 2)),
    "T2": (date(2027, 5, 2), date(2027, 8, 1)),
    "T4": (date(2027, 10, 31), date(2028, 1, 30)),      # US winter time on 7 November
    "H1": (date(2027, 1, 31), date(2027, 8, 1)),
    "mai": _month(2027, 5),                             # a calendar month stays one in a when:
    "semaine 4": (date(2028, 1, 24), date(2028, 1, 30)),   # ISO week 4 of 2028, 6 of its days in the plan
    "semaine 10": _iso_week(2027, 10),
    "semaine 18": _iso_week(2027, 18),
})


# ---------------------------------------------------------------------------------------------------- the world

@dataclass
class World:
    seed: int
    zone: ZoneInfo
    currency: str
    shape: PlanShape
    plan_yaml: str
    actions: list[dict[str, Any]]        # id, axis scope, who, handed (from, on) list, type, counting, scope, when
    records: Records
    fx_rates: dict[str, Decimal]
    as_of: datetime
    notes: list[str] = field(default_factory=list)


def _text(value: Any) -> str:
    return unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode().casefold().strip()


def _yaml(value: Any) -> str:
    """A flow-style YAML rendering of the small values plans hold."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_yaml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    return '"' + str(value) + '"'


ACTIVITY_WORDS = {ActivityType.VISIT: "visite", ActivityType.CALL: "appel", ActivityType.MEETING: "rendez-vous"}


def _scope(rng: random.Random, currency: str) -> dict[str, Any]:
    """An action's scope: 0 to 3 conditions among those the late rules touch."""
    bound = rng.choice((50_000_000, 30_000_000))
    pool: list[tuple[str, Any]] = [
        ("departement", rng.choice((["69"], ["2A"], ["2B"], ["2A", "2B"], ["69", "38"], ["974"]))),
        ("postal_code", rng.choice((["69*"], ["606*"], ["60606"], ["60606*"], ["69003", "20200"], ["20*"]))),
        ("industry", rng.choice((["Chimie"], ["Pharmaceutique"], ["chimie", "Agroalimentaire"]))),
        ("account_type", rng.choice(("Client", "Prospect", ["Client", "Distributeur"]))),
        ("account_owner", rng.choice((JULIE, MARC, [JULIE, SOPHIE]))),
        ("dormant", rng.choice((True, False, {"months": 6}, {"months": 12}, {"months": 3}))),
        ("annual_revenue", rng.choice(({"gte": bound}, {"lt": bound}, {"between": [bound // 2, bound]}))),
        ("custom.tier", rng.choice((["A1"], ["b2"], ["A1", "C3"]))),
        ("not", rng.choice(({"departement": ["69"]}, {"departement": ["2A"]}, {"industry": ["Chimie"]},
                            {"postal_code": ["60606"]}, {"annual_revenue": {"gte": bound}},
                            {"account_type": "Distributeur"}, {"custom.tier": ["A1"]}))),
    ]
    return dict(rng.sample(pool, rng.choice((0, 0, 1, 1, 2, 3))))


def _local(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def _near(rng: random.Random, days: tuple[date, date], zone: ZoneInfo) -> datetime:
    """An instant near a window: on its first or last instants, around a DST change, or anywhere in or around it."""
    start, end = _local(days[0], zone), _local(days[1], zone)
    pick = rng.random()
    if pick < 0.3:
        edge = rng.choice((start, end))
        return (edge + timedelta(minutes=rng.choice((-90, -61, -1, 0, 1, 30, 59, 61, 90)))).astimezone(UTC)
    span = (end - start).total_seconds()
    return (start + timedelta(seconds=rng.uniform(-0.2 * span, 1.2 * span))).astimezone(UTC).replace(microsecond=0)


def _history(rng: random.Random, values: Sequence[Any], near: Sequence[tuple[date, date]], zone: ZoneInfo,
             source: str, account_id: str, name: str) -> tuple[Any, list[AccountChange]]:
    """A field's current value and 0-2 recorded changes leading to it, at instants near the windows' first days."""
    chain = [rng.choice(values) for _ in range(rng.choice((1, 1, 2, 3)))]
    chain = [v for i, v in enumerate(chain) if i == 0 or v != chain[i - 1]]
    changes, moments = [], sorted(_near(rng, rng.choice(near), zone) for _ in chain[1:])
    for old, new, at in zip(chain, chain[1:], moments, strict=False):
        changes.append(AccountChange(source, account_id, name, at, old, new))
    return chain[-1], changes


def world(seed: int) -> World:
    rng = random.Random(seed)
    zone = ZoneInfo(rng.choice(("Europe/Paris", "America/New_York", "Europe/Paris")))
    currency = rng.choice(("EUR", "EUR", "CHF"))
    fx = {"CHF": Decimal("1.05")} if currency == "EUR" else {"EUR": Decimal("0.95")}
    shape = rng.choice((CALENDAR_2027, CALENDAR_2027, FISCAL_2027, RETAIL_2027))
    people = (JULIE, MARC, SOPHIE)
    actions: list[dict[str, Any]] = []
    for n in range(rng.randint(1, 4)):
        when = rng.choice(sorted(shape.whens))
        who = rng.choice(people)
        handed: list[tuple[str, date]] = []
        if rng.random() < 0.45:
            first, end = shape.whens[when]
            others = [p for p in people if p != who]
            rng.shuffle(others)
            ons = sorted({min(max(first + timedelta(days=rng.randint(-1, (end - first).days)), shape.first),
                              shape.end - timedelta(days=1)) for _ in range(rng.choice((1, 1, 2)))})
            handed = list(zip(others, ons, strict=False))
        actions.append({"id": f"A-{n + 1}", "axis": f"AX-{n + 1}", "who": who, "handed": handed, "when": when,
                        "type": rng.choice((ActivityType.VISIT, ActivityType.VISIT, ActivityType.CALL,
                                            ActivityType.MEETING)),
                        "counting": rng.choice(("distinct_accounts", "distinct_accounts", "activities")),
                        "scope": _scope(rng, currency),
                        "axis_scope": rng.choice(({}, {}, {"not": {"account_type": "Distributeur"}},
                                                  {"industry": ["Chimie", "Pharmaceutique"]}, {"dormant": True},
                                                  {"not": {"account_owner": SOPHIE}}, {"account_owner": [JULIE, MARC]},
                                                  {"not": {"custom.tier": ["B2"]}}))})
    windows = [shape.whens[a["when"]] for a in actions]
    accounts: list[Account] = []
    changes: list[AccountChange] = []
    deals: list[Deal] = []
    for i in range(rng.randint(4, 12)):
        source = rng.choice(("sf", "sf", "hs"))
        ident = f"acc{i}"
        if accounts and rng.random() < 0.15:           # the same id in the other CRM: another account
            twin = rng.choice(accounts)
            source, ident = ("hs" if twin.source == "sf" else "sf"), twin.id
            if any((a.source, a.id) == (source, ident) for a in accounts):
                source, ident = rng.choice(("sf", "hs")), f"acc{i}"
        postal, country = rng.choice(PLACES)
        dept = region = None
        if country in FRENCH and postal is not None:
            dept, region, _ = geography.french_place(postal)        # what the connectors store
        owner, owner_changes = _history(rng, ACCOUNT_OWNERS, windows, zone, source, ident, "owner_id")
        kind, kind_changes = _history(rng, TYPES, windows, zone, source, ident, "account_type")
        flag, flag_changes = _history(rng, (True, False, None, True), windows, zone, source, ident, "dormant")
        revenue = rng.choice((None, Decimal(rng.choice((52_631_579, 52_631_578, 47_619_048, 47_619_047, 60_000_000,
                                                         20_000_000, 30_000_000, 50_000_000, 25_000_000, 55_000_000,
                                                         54_999_999, 57_000_000, 47_500_000, 31_578_948)))))
        accounts.append(Account(ident, source, f"Compte {i}", postal_code=postal, departement=dept, region=region,
                                country=country, industry=rng.choice(INDUSTRIES), account_type=kind,
                                annual_revenue=revenue, owner_id=owner, dormant=flag,
                                deleted=rng.random() < 0.08, currency=rng.choice((None, "EUR", "CHF", "GBP", "USD")),
                                rates=rng.choice(ORG_RATES) if source == "sf" and rng.random() < 0.5 else None,
                                custom={"tier": rng.choice(("A1", "a1;B2", "B2", "C3;A1", None))}))
        changes += owner_changes + kind_changes + flag_changes
        for j in range(rng.choice((0, 0, 1, 2, 3))):
            close = rng.choice(windows)[0] - timedelta(days=rng.choice((1, 0, 30, 89, 91, 92, 180, 183, 200, 364,
                                                                        365, 366, 400, -3)))
            closed_at = None
            if source == "hs":                         # HubSpot: an instant, near the plan's local midnight
                closed_at = (_local(close, zone) + timedelta(minutes=rng.choice((-30, -1, 0, 1, 30)))).astimezone(UTC)
                close = closed_at.date()
            deals.append(Deal(f"d{i}-{j}", source if rng.random() < 0.9 else "hs", ident, "005J",
                              rng.choice((Decimal(1000), None, Decimal(-500), Decimal(0))), None, close,
                              rng.choice((DealStage.WON, DealStage.WON, DealStage.WON, DealStage.LOST)),
                              deleted=rng.random() < 0.1, closed_at=closed_at))
    activities = []
    ids_of = {JULIE: ("005J", "005JO", "77J", "Julie@Durand.example", "julie.old@durand.example"),
              MARC: ("005M", "77M", "MARC@durand.example"), SOPHIE: ("005S", "77S")}
    for k in range(rng.randint(20, 60)):
        source = rng.choice(("sf", "sf", "hs"))
        aimed = rng.choice(actions)                     # most activities are some action's: its owners, its type
        days = shape.whens[aimed["when"]]
        instant = _near(rng, days, zone)
        start: datetime | None = instant
        day = None
        whole_day = False
        form = rng.random()
        if form < 0.12:                       # an all-day calendar entry with no status of its own
            day, start, whole_day = instant.astimezone(zone).date(), None, True
        elif form < 0.22:                     # an all-day activity with its own status (a task dated by its day)
            day, start = instant.astimezone(zone).date(), None
        elif form < 0.34:                     # a completed task: due day and completion instant
            day = (instant.astimezone(zone) + timedelta(days=rng.choice((-2, -1, 0, 1, 2)))).date()
        if start is not None and rng.random() < 0.02:
            start = start.replace(tzinfo=None)          # naive: rejected
        status = rng.choice((ActivityStatus.COMPLETED,) * 5 + (ActivityStatus.PLANNED, ActivityStatus.CANCELLED,
                                                              ActivityStatus.NO_SHOW))
        if whole_day:
            status = ActivityStatus.COMPLETED
        account_id = rng.choice([a.id for a in accounts] + ["ghost", None] if rng.random() < 0.1
                                else [a.id for a in accounts])
        kind = rng.choice((ActivityType.VISIT, ActivityType.CALL, ActivityType.MEETING, None))
        owner_id = rng.choice(OWNER_IDS)
        if rng.random() < 0.75:
            kind = aimed["type"]
            owner_id = rng.choice(ids_of[rng.choice([aimed["who"], *(p for p, _ in aimed["handed"])])])
        activities.append(Activity(f"act{k}", source, kind, owner_id, account_id, start, status, day=day,
                                   deleted=rng.random() < 0.05, whole_day=whole_day))
    # the evaluation instant: long after, or inside a window (a local midnight, or any instant)
    days = rng.choice(windows)
    pick = rng.random()
    dated = [a.day for a in activities if a.day is not None and a.status is ActivityStatus.PLANNED]
    if dated and pick < 0.2:                  # during the day of a task dated by its day (the 02:00 night)
        as_of = _local(rng.choice(dated), zone) + timedelta(hours=rng.choice((2, 2, 9, 23)))
    elif pick < 0.35:
        as_of = datetime(2028, 6, 1, 12, tzinfo=UTC)
    elif pick < 0.7:
        as_of = _local(days[0] + timedelta(days=rng.randint(0, (days[1] - days[0]).days)), zone)
    else:
        as_of = _near(rng, days, zone)
    records = Records(accounts=tuple(accounts), activities=tuple(activities), deals=tuple(deals), users=USERS,
                      account_changes=tuple(changes))
    return World(seed, zone, currency, shape, _plan_yaml(zone, currency, shape, actions), actions, records, fx, as_of)


def _plan_yaml(zone: ZoneInfo, currency: str, shape: PlanShape, actions: list[dict[str, Any]]) -> str:
    period = f", period: {_yaml(shape.period)}" if shape.period else ""
    if shape.fiscal_calendar:
        period += f", fiscal_calendar: {_yaml(shape.fiscal_calendar)}"
    out = [f"plan: {{name: P, year: 2027, timezone: {zone.key}, currency: {currency}, language: fr{period}}}",
           "people:",
           f"  - {{email: {JULIE}, name: Julie Martin, role: rep, aliases: [julie.old@durand.example, "
           "J.Martin@hs.example]}",
           f"  - {{email: {MARC}, name: Marc Dubois, role: manager}}",
           f"  - {{email: {SOPHIE}, name: Sophie Bernard, role: rep}}",
           "segments:", "  - {id: S1, name: Tous, kind: mixte, scope: {}}", "axes:"]
    for a in actions:
        out.append(f"  - {{id: {a['axis']}, name: Axe {a['axis']}, segment: S1, scope: {_yaml(a['axis_scope'])}}}")
    out.append("actions:")
    for a in actions:
        what = {"activity": ACTIVITY_WORDS[a["type"]], "count": 3, "counting": a["counting"], "scope": a["scope"]}
        out += [f"  - id: {a['id']}", f"    axis: {a['axis']}", f"    text: \"Visiter 3 comptes {a['when']}\"",
                f"    who: {a['who']}", f"    what: {_yaml(what)}", f"    when: {_yaml(a['when'])}"]
        if a["handed"]:
            spelt = {JULIE: "Julie Martin", MARC: "marc dubois", SOPHIE: SOPHIE.upper()}
            handed = [{"from": spelt[p] if i % 2 else p, "on": d.isoformat()} for i, (p, d) in enumerate(a["handed"])]
            if a["handed"][0][0] == JULIE and a["id"] in ("A-2", "A-4"):
                handed[0]["from"] = "J.Martin@hs.example"
            out.append(f"    handed_over: {_yaml(handed)}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------------- the oracle

def person(email: str | None) -> str | None:
    """The plan e-mail of a CRM e-mail (lower-cased; an alias is its person's)."""
    if email is None:
        return None
    email = email.strip().lower()
    return ALIASES.get(email, email)


def activity_owner(activity: Activity) -> str | None:
    """Rule 1: the owner id among the users of the activity's source, or an e-mail taken as such."""
    for user in USERS:
        if user.source == activity.source and user.id == activity.owner_id:
            return person(user.email)
    if activity.owner_id and "@" in activity.owner_id:
        return person(activity.owner_id)
    return None


def account_owner(account_source: str, owner_id: str | None) -> str | None:
    """An account's owner: read among the users only (an e-mail written there is no user's id: no owner)."""
    for user in USERS:
        if user.source == account_source and user.id == owner_id:
            return person(user.email)
    return None


def departement(account: Account) -> tuple[str, str | None]:
    """('fr', code or None: unknown) for a French account (or one with no country); ('abroad', None) otherwise.
    From the postal code by La Poste's rules (docs/plan-format.md, *Postal codes*), written here again."""
    if account.country not in FRENCH:
        return "abroad", None
    code = five_digits(account.postal_code)
    if code is None or not re.fullmatch(r"\d{5}", code):
        return "fr", None
    if code in ("97133", "97150") or code[:3] in ("975", "977", "978") or code[:2] in ("98", "99", "00", "96"):
        return "fr", None
    if code.startswith("97"):
        return "fr", (code[:3] if code[:3] in ("971", "972", "973", "974", "976") else None)
    if code.startswith("20"):
        return "fr", {"200": "2A", "201": "2A", "207": "2A", "202": "2B", "204": "2B", "206": "2B"}.get(code[:3])
    return "fr", code[:2]


def five_digits(postal: str | None) -> str | None:
    """The code an account's postal code compares as: the 5 digits of « 69289 CEDEX 02 » or « 69003 Lyon », the ZIP
    of a ZIP+4, else the text itself."""
    if postal is None:
        return None
    text = postal.strip()
    zip4 = re.fullmatch(r"(\d{5})-\d{4}", text)
    if zip4:
        return zip4[1]
    town = re.fullmatch(r"(\d{5})\s+[^\d\s].*", text)
    if town:
        return town[1]
    return text


def months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def dormant_by_rule(w: World, account: Account, ref: date, months: int) -> bool:
    days = [d.closed_at.astimezone(w.zone).date() if d.closed_at else d.close_date for d in w.records.deals
            if d.source == account.source and d.account_id == account.id and d.stage is DealStage.WON
            and not d.deleted and (d.amount is None or d.amount >= 0) and d.close_date is not None]
    since = months_before(ref, months)
    return any(d < ref for d in days) and not any(since <= d < ref for d in days)


def state_on(w: World, account: Account, name: str, ref: date) -> Any:
    """A HISTORY field as in force when local day ``ref`` began: the old value of the first change on or after it."""
    changes = sorted((c for c in w.records.account_changes
                      if c.source == account.source and c.account_id == account.id and c.field == name),
                     key=lambda c: c.changed_at)
    for change in changes:
        if change.changed_at.astimezone(w.zone).date() >= ref:
            return change.old
    return getattr(account, name)


def revenue_in_plan_currency(w: World, account: Account) -> Decimal | str | None:
    """The annual revenue in the plan's currency, None when missing, 'unrated' when no rate converts it."""
    if account.annual_revenue is None:
        return None
    if account.currency in (None, w.currency):
        return account.annual_revenue
    cent = Decimal("0.01")
    org = account.rates
    if org is not None and org.rate(account.currency) is not None:
        own = org.rate(account.currency)
        assert own is not None
        plan_rate = org.rate(w.currency)
        if plan_rate is not None:            # the org knows both: one step
            return (account.annual_revenue * plan_rate / own).quantize(cent, rounding=ROUND_HALF_UP)
        corporate = (account.annual_revenue / own).quantize(cent, rounding=ROUND_HALF_UP)
        on = w.fx_rates.get(org.corporate)   # into the corporate currency, then on with fx_rates of it
        return "unrated" if on is None else (corporate * on).quantize(cent, rounding=ROUND_HALF_UP)
    rate = w.fx_rates.get(account.currency)
    if rate is None:
        return "unrated"
    return (account.annual_revenue * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _options(value: Any) -> set[str]:
    return {_text(v) for v in str(value).split(";") if _text(v)} if value is not None else set()


def _in(values: Any) -> list[Any]:
    return values if isinstance(values, list) else [values]


def condition(w: World, account: Account, key: str, value: Any, ref: date, negated: bool) -> bool:
    """One scope condition (``negated``: under ``not``). A missing attribute fails everything but a negated list;
    an unknown one (French account with no département, revenue no rate converts) fails both."""
    if key == "departement":
        kind, code = departement(account)
        if kind == "fr" and code is None:
            return False
        inside = code is not None and code in {str(v) for v in _in(value)}
        return not inside if negated else inside
    if key == "postal_code":
        code = five_digits(account.postal_code)
        if code is None:
            return negated
        inside = any(code.startswith(p[:-1]) if p.endswith("*") else code == p for p in map(str, _in(value)))
        return not inside if negated else inside
    if key in ("industry", "account_type", "custom.tier"):
        current = {"industry": account.industry, "custom.tier": account.custom.get("tier")}[key] \
            if key != "account_type" else state_on(w, account, "account_type", ref)
        options = _options(current)
        if not options:
            return negated
        inside = bool(options & {_text(v) for v in _in(value)})
        return not inside if negated else inside
    if key == "account_owner":
        owner = account_owner(account.source, state_on(w, account, "owner_id", ref))
        if owner is None:
            return negated
        inside = owner in {person(v) for v in _in(value)}
        return not inside if negated else inside
    if key == "dormant":
        assert not negated
        if isinstance(value, dict):
            return dormant_by_rule(w, account, ref, value["months"])
        flag = state_on(w, account, "dormant", ref)
        dormant = flag if flag is not None else dormant_by_rule(w, account, ref, 12)
        return bool(dormant == value)
    if key == "annual_revenue":
        amount = revenue_in_plan_currency(w, account)
        if amount is None or amount == "unrated":
            return False
        assert isinstance(amount, Decimal)
        [(op, bound)] = value.items()
        if op == "between":
            assert not negated
            return Decimal(bound[0]) <= amount <= Decimal(bound[1])
        tests: dict[str, Callable[[Decimal, Decimal], bool]] = {
            "gte": lambda a, b: a >= b, "lt": lambda a, b: a < b, "lte": lambda a, b: a <= b, "gt": lambda a, b: a > b}
        passes = tests[op](amount, Decimal(bound))
        return not passes if negated else passes
    raise AssertionError(key)


def in_scope(w: World, account: Account, scope: Mapping[str, Any], ref: date) -> bool:
    for key, value in scope.items():
        if key == "not":
            if not all(condition(w, account, k, v, ref, True) for k, v in value.items()):
                return False
        elif not condition(w, account, key, value, ref, False):
            return False
    return True


def moment(w: World, activity: Activity) -> datetime | None:
    """The instant an activity is dated at: its start; 00:00 local of its day; the earlier of both when it has both."""
    if activity.start is not None and activity.start.tzinfo is None:
        return None                                  # a naive start: rejected (no_start)
    midnight = _local(activity.day, w.zone) if activity.day is not None else None
    if activity.start is None:
        return midnight
    if midnight is None:
        return activity.start
    return min(midnight, activity.start)


@dataclass
class Expected:
    counted: dict[str, set[tuple[str, str]]]       # action id -> the counted activities (source, id)
    scope_accounts: dict[str, int | None]
    coverage: dict[str, float | None]              # accounts counted / accounts in scope (None: no account)
    planned_past: dict[tuple[str, str], tuple[date, set[str]]]   # warned "still planned on a past date": its
    # local day and the actions it would count for
    unrated: dict[str, int]                        # annual_revenue_no_rate: currency -> its live accounts


def _holds(w: World, action: Mapping[str, Any], owner: str | None, at: datetime) -> bool:
    if owner == action["who"]:
        return True
    return any(owner == former and at < _local(on, w.zone) for former, on in action["handed"])


def expected(w: World) -> Expected:
    accounts = {(a.source, a.id): a for a in w.records.accounts}
    counted: dict[str, set[tuple[str, str]]] = {}
    sizes: dict[str, int | None] = {}
    coverage: dict[str, float | None] = {}
    planned: dict[tuple[str, str], tuple[date, set[str]]] = {}
    for action in w.actions:
        first, end = w.shape.whens[action["when"]]
        start, stop = _local(first, w.zone), _local(end, w.zone)
        scopes = (action["axis_scope"], action["scope"])

        def member(account: Account | None, first: date = first, scopes: Any = scopes) -> bool:
            return (account is not None and not account.deleted
                    and all(in_scope(w, account, s, first) for s in scopes))

        rows = []
        for act in w.records.activities:
            at = moment(w, act)
            if act.deleted or act.type is not action["type"] or at is None:
                continue
            owner = activity_owner(act)
            if not _holds(w, action, owner, at) or not start <= at < stop:
                continue
            if act.account_id is None or not member(accounts.get((act.source, act.account_id))):
                continue
            over = (_local(act.day + timedelta(days=1), w.zone) <= w.as_of
                    if act.whole_day and act.start is None and act.day is not None
                    else at < w.as_of)
            # a planned activity dated by its day alone (no start, or a due day before its start) is on a past
            # date once that day is over; one with an instant, once that instant is
            by_day = act.day is not None and (act.start is None or _local(act.day, w.zone) <= act.start)
            past = (_local(act.day + timedelta(days=1), w.zone) <= w.as_of if by_day and act.day is not None
                    else at < w.as_of)
            if act.status is ActivityStatus.PLANNED and past:
                planned.setdefault((act.source, act.id), (at.astimezone(w.zone).date(), set()))[1].add(action["id"])
            if act.status is ActivityStatus.COMPLETED and over:
                rows.append((at, act.source, act.id, act.account_id))
        rows.sort()
        seen: set[tuple[str, str | None]] = set()
        mine = set()
        touched = set()
        for _at, source, ident, account_id in rows:
            if action["counting"] == "distinct_accounts":
                if (source, account_id) in seen:
                    continue
                seen.add((source, account_id))
            mine.add((source, ident))
            touched.add((source, account_id))
        counted[action["id"]] = mine
        size = sum(member(a) for a in w.records.accounts)
        sizes[action["id"]] = size if action["counting"] == "distinct_accounts" else None
        coverage[action["id"]] = len(touched) / size if size else None
    reads_revenue = any("annual_revenue" in s or "annual_revenue" in s.get("not", {})
                        for a in w.actions for s in (a["scope"], a["axis_scope"]))
    unrated: dict[str, int] = {}
    for account in w.records.accounts:
        if reads_revenue and not account.deleted and revenue_in_plan_currency(w, account) == "unrated":
            unrated[str(account.currency)] = unrated.get(str(account.currency), 0) + 1
    return Expected(counted, sizes, coverage, planned, unrated)


def near_misses(w: World, counted: Mapping[str, set[tuple[str, str]]]) -> dict[str, dict[tuple[str, str], str]]:
    """Per action, the rule ``pac explain`` gives each activity of its type owned by one of its holders (its ``who``,
    a former owner), dated before the evaluation and from one day before the window to one day after it (or its later
    date there, a record of two dates dated by the earlier: audit explainspan): the first
    cause it fails of (deleted, no account, account deleted or outside the scope, outside the window, after the
    hand-over, its status, not over), else counted or a repeat of an account. Activities within two hours of the
    look-around's ends are left out (one day is 23 or 25 hours across a DST change: the docs do not say which)."""
    accounts = {(a.source, a.id): a for a in w.records.accounts}
    out: dict[str, dict[tuple[str, str], str]] = {}
    for action in w.actions:
        first, end = w.shape.whens[action["when"]]
        start, stop = _local(first, w.zone), _local(end, w.zone)
        pad = min(timedelta(days=1), stop - start)
        holders: dict[str, datetime | None] = {action["who"]: None}
        holders.update({former: _local(on, w.zone) for former, on in action["handed"]})
        rules = out[action["id"]] = {}
        for act in w.records.activities:
            at = moment(w, act)
            owner = activity_owner(act)
            if act.type is not action["type"] or owner not in holders or at is None or at >= w.as_of:
                continue
            # a record of two dates (a task's due day and completion) dated by the earlier is also looked for by the
            # later (docs/engine.md, audit explainspan): a task due in the window and done days before it
            later = (max(act.start, _local(act.day, w.zone)) if act.start is not None and act.day is not None
                     and act.start.tzinfo is not None and act.start != _local(act.day, w.zone) else None)
            if any(min(abs(t - (start - pad)), abs(t - (stop + pad))) < timedelta(hours=2)
                   for t in (at, later) if t is not None):
                continue
            if not (start - pad <= at < stop + pad or
                    (later is not None and at < start - pad and start - pad <= later < stop + pad)):
                continue
            account = accounts.get((act.source, act.account_id)) if act.account_id else None
            cut = holders[owner]
            call = act.type is ActivityType.CALL
            if act.deleted or (account is not None and account.deleted):
                rule = "deleted"
            elif account is None:
                rule = "no_account"
            elif not all(in_scope(w, account, s, first) for s in (action["axis_scope"], action["scope"])):
                rule = "outside_scope"
            elif not start <= at < stop:
                rule = "outside_window"
            elif cut is not None and at >= cut:
                rule = "handed_over"
            elif act.status is ActivityStatus.CANCELLED:
                rule = "call_not_completed" if call else "cancelled"
            elif act.status is ActivityStatus.NO_SHOW:
                rule = "not_answered" if call else "no_show"
            elif act.status is ActivityStatus.PLANNED:
                rule = "planned"          # pac explain: planned_past once its date is past (the warnings' rule)
            elif act.whole_day and act.day is not None and _local(act.day + timedelta(days=1), w.zone) > w.as_of:
                rule = "not_over"
            else:
                rule = "counted" if (act.source, act.id) in counted[action["id"]] else "duplicate_account"
            rules[(act.source, act.id)] = rule
    return out


STATE_NOTES = {
    "dormant": re.compile(r"(?:not )?dormant on \S+, the window's first day \((?:dormant flag cleared|flagged dormant) "
                          r"on (\S+)\)"),
    # an owner is an e-mail, or "a user pac does not read (ID)" (audit smallwords F2)
    "owner_id": re.compile(r"account owner (?:a user pac does not read \(\S+\)|\S+) on \S+, the window's first day "
                           r"\(owner (?:a user pac does not read \(\S+\)|\S+) since (\S+)\)"),
    "account_type": re.compile(r"account type .+? on \S+, the window's first day \(.+? since (\S+)\)"),
}


def state_note_days(w: World, action: Mapping[str, Any], account: Account) -> dict[str, str | None] | None:
    """For a counted visit: per state field the action's scopes read, the day its note should give (the account's
    last change of it, since when it is what it is now: docs/engine.md, *Account state as of the reference date*), or
    None for no note; None overall when a flag that was or is missing makes the wording the rule's (not checked)."""
    first = w.shape.whens[action["when"]][0]
    scopes = (action["scope"], action["axis_scope"])
    keys = {k for s in scopes for k in (*s, *s.get("not", {}))}
    read = {"dormant": any(s.get("dormant") in (True, False) for s in scopes),
            "owner_id": "account_owner" in keys, "account_type": "account_type" in keys}
    out: dict[str, str | None] = {}
    for name, reads in read.items():
        if not reads:
            continue
        then, now = state_on(w, account, name, first), getattr(account, name)
        if name == "dormant" and (then is None or now is None):
            return None
        later = sorted(c.changed_at for c in w.records.account_changes
                        if (c.source, c.account_id, c.field) == (account.source, account.id, name)
                        and c.changed_at.astimezone(w.zone).date() >= first)
        out[name] = later[-1].astimezone(w.zone).date().isoformat() if later and then != now else None
    return out


def shown_date(w: World, activity: Activity) -> str:
    """How an explanation's detail dates an activity: its local minute, or its day alone when it is dated by its day
    (an all-day activity, a task done after its due day), no midnight nobody wrote."""
    at = moment(w, activity)
    assert at is not None
    if activity.day is not None and at != activity.start:
        return activity.day.isoformat()
    return at.astimezone(w.zone).strftime("%Y-%m-%d %H:%M")
