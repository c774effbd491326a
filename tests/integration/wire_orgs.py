"""Random small organisations for the wire oracle (audit wireoracle, 7 Dec 2026): a seeded generator of logical
organisations and plans, an oracle written from the documented rules only (/work/shared/docs/worked-example.md,
pac-method.md, docs/engine.md *Matching activities to actions*, *Scopes and dormancy*, *Revenue, baseline and
attribution*), and loaders writing each organisation in each vendor's documented wire form into the docs emulators
(``sf_docs_emulator.DocsOrg``, ``hs_docs_emulator.Portal``). Nothing here reads pac_core's matching or engine code.

The logical organisation is CRM-neutral; the loaders are where each CRM's own form comes in:

* an instant (visit, call, meeting, deal close) is an aware UTC datetime; a Salesforce Task's ``ActivityDate`` and an
  Opportunity's ``CloseDate`` are its local (Europe/Paris) date (Object Reference: Date fields are plain dates); a
  HubSpot ``hs_timestamp`` / ``closedate`` is the instant itself, written as ISO 8601 or epoch milliseconds (a
  ``closedate`` sometimes as the plain ``YYYY-MM-DD`` day, docs/engine.md *Dates*);
* an all-day visit is a day: a Salesforce all-day Event (``IsAllDayEvent``, ``ActivityDate`` the day, midnight GMT);
  HubSpot has no all-day meeting, so the portal holds a meeting at 00:00 Paris of that day (the same window rule:
  "counts when 00:00 of that calendar day in the plan's timezone is in the window");
* a visit that did not happen (planned, cancelled, no-show) is a HubSpot meeting outcome; a standard Salesforce org
  has no event status ("a filed event counts as completed", the shipped mapping), so the org simply holds no Event;
* a call not completed is a Salesforce Task not closed (``Not Started``) and a HubSpot call with status
  ``NO_ANSWER`` / ``BUSY`` or disposition *No answer*;
* deleted: Salesforce ``IsDeleted`` (read through queryAll), HubSpot archived; an account deleted takes its
  activities and opportunities in Salesforce (cascade delete), while HubSpot keeps them associated to the archived
  company: neither counts (rule 4, "the account exists, is not deleted");
* currency USD at 1 EUR = 1.08 USD in both: Salesforce's ``CurrencyType`` / ``DatedConversionRate``, HubSpot's
  ``amount_in_home_currency`` (amount / 1.08, unrounded, as HubSpot calculates it); the oracle rounds each deal half
  up to the cent (docs/engine.md: "each rounded half up to the cent (per deal and per line)").
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
YEAR = 2027
AS_OF = datetime(2027, 6, 30, 16, 0, tzinfo=UTC)          # 18:00 Paris
AS_OF_TEXT = "2027-06-30T18:00:00+02:00"
USD_PER_EUR = Decimal("1.08")
RATES = {"EUR": Decimal("1"), "USD": USD_PER_EUR, "GBP": Decimal("0.80")}   # units per EUR (GBP gives half cents)
REPS = (("julie", "Julie"), ("marc", "Marc"), ("lea", "Lea"))
OTHERS = (("paul", "Paul"),)                                 # a user of the CRM no action names
DEPTS = {"69": ("69001", "69003", "69100", "69289 CEDEX 02", "69500"), "38": ("38000", "38100"),
         "75": ("75008", "75015"), "13": ("13001",)}
INDUSTRIES = ("Chemicals", "Banking", "Manufacturing")
TYPES = ("Customer - Direct", "Prospect")
# Paris: summer time from 28 March 2027 02:00 (01:00 UTC) to 31 October 2027 03:00 (01:00 UTC)
EDGES = (date(2027, 3, 28), date(2027, 10, 31), date(2026, 3, 29), date(2026, 10, 25))


def email(rep: str) -> str:
    return f"{rep}@wire.example"


@dataclass
class Account:
    key: str
    postal: str
    industry: str
    kind: str
    dormant: bool
    owner: str
    deleted: bool = False

    @property
    def dept(self) -> str:
        return self.postal[:2]


@dataclass
class Activity:
    key: str
    kind: str               # visit, call, meeting
    owner: str
    account: str | None
    at: datetime | None      # the instant (None for an all-day visit)
    day: date | None = None  # an all-day visit's day
    status: str = "completed"   # completed, planned, cancelled, no_show, not_answered
    deleted: bool = False
    via_opportunity: bool = False   # Salesforce: WhatId an opportunity of the account (AccountId derived)


@dataclass
class Deal:
    key: str
    account: str
    stage: str              # won, lost, open
    close: datetime          # the close instant; its Paris date is the close date
    amount: Decimal
    currency: str
    deleted: bool = False


@dataclass
class Action:
    id: str
    axis: str
    who: str
    kind: str
    count: int
    counting: str            # distinct_accounts, activities
    when: str                # "week 19", "May 2027", "Q2 2027"
    window: tuple[datetime, datetime]
    scope: dict[str, Any] = field(default_factory=dict)


@dataclass
class Axis:
    id: str
    scope: dict[str, Any]


@dataclass
class Org:
    seed: int
    accounts: dict[str, Account]
    activities: list[Activity]
    deals: list[Deal]
    segment: dict[str, Any]
    axes: list[Axis]
    actions: list[Action]
    upper_emails: bool
    inactive: tuple[str, ...] = ()     # reps whose user is deactivated (Salesforce) / owner archived (HubSpot)


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), PARIS).astimezone(UTC)


def local_date(at: datetime) -> date:
    return at.astimezone(PARIS).date()


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def _window(rng: random.Random) -> tuple[str, tuple[datetime, datetime]]:
    kind = rng.choice(("week", "month", "quarter"))
    if kind == "week":
        week = rng.randint(1, 27)
        monday = date.fromisocalendar(YEAR, week, 1)
        return f"week {week}", (local_midnight(monday), local_midnight(monday + timedelta(days=7)))
    if kind == "month":
        month = rng.randint(1, 7)
        first = date(YEAR, month, 1)
        following = date(YEAR + (month == 12), month % 12 + 1, 1)
        return f"{MONTHS[month - 1]} {YEAR}", (local_midnight(first), local_midnight(following))
    quarter = rng.randint(1, 3)
    first = date(YEAR, 3 * quarter - 2, 1)
    following = date(YEAR, 3 * quarter + 1, 1)
    return f"Q{quarter} {YEAR}", (local_midnight(first), local_midnight(following))


def _instant(rng: random.Random, windows: list[tuple[datetime, datetime]]) -> datetime:
    """An instant near a local midnight or a summer-time change, often at a window's edge."""
    pick = rng.random()
    if pick < 0.45 and windows:
        start, end = rng.choice(windows)
        edge = rng.choice((start, end))
        return edge + timedelta(minutes=rng.choice((-90, -61, -60, -30, -1, 0, 1, 30, 59, 60, 61, 90)))
    if pick < 0.6:
        day = rng.choice(EDGES)
        base = datetime.combine(day, time(0), PARIS).astimezone(UTC)
        return base + timedelta(minutes=rng.randint(-120, 240))
    day = date(2026, 12, 1) + timedelta(days=rng.randint(0, 300))
    local = datetime.combine(day, time(rng.choice((0, 0, 1, 9, 14, 22, 23)), rng.choice((0, 15, 30, 45))), PARIS)
    return local.astimezone(UTC)


def generate(seed: int) -> Org:
    rng = random.Random(seed)
    accounts: dict[str, Account] = {}
    for i in range(rng.randint(10, 30)):
        dept = rng.choice(("69", "69", "69", "69", "69", "38", "38", "75", "13"))
        accounts[f"A{i:02d}"] = Account(f"A{i:02d}", rng.choice(DEPTS[dept]), rng.choice(INDUSTRIES),
                                        rng.choice(TYPES), rng.random() < 0.4, rng.choice(REPS)[0],
                                        deleted=rng.random() < 0.07)
    keys = sorted(accounts)
    actions: list[Action] = []
    axes = [Axis("AX-1", rng.choice(({}, {"industry": rng.choice(INDUSTRIES)}, {"dormant": True}))),
            Axis("AX-2", rng.choice(({}, {"account_type": rng.choice(TYPES)}, {"departement": "69"})))]
    segment = rng.choice(({"departement": ["69", "38"]}, {"departement": ["69", "38", "75"]},
                          {"region": "Auvergne-Rhône-Alpes"}))
    for i in range(rng.randint(3, 6)):
        when, window = _window(rng)
        scope = rng.choice(({}, {}, {}, {"departement": "69"}, {"dormant": True}, {"dormant": {"months": 12}},
                            {"departement": "69", "dormant": True}))
        actions.append(Action(f"A-{i + 1}", rng.choice(axes).id, rng.choice(REPS)[0],
                              rng.choice(("visit", "visit", "call", "meeting")), rng.randint(2, 8),
                              rng.choice(("distinct_accounts", "activities")), when, window, scope))
    windows = [a.window for a in actions]
    owners = [r for r, _ in REPS] + [r for r, _ in OTHERS]
    activities: list[Activity] = []
    for i in range(rng.randint(30, 150)):
        kind = rng.choice(("visit", "visit", "call", "meeting"))
        owner = rng.choice(owners)
        account = None if rng.random() < 0.05 else rng.choice(keys)
        at: datetime | None = _instant(rng, windows)
        if rng.random() < 0.6:      # most are an action's: its rep, its type, in or at the edge of its window
            action = rng.choice(actions)
            kind, owner = action.kind, action.who
            if rng.random() < 0.6:
                start, end = action.window
                at = start + (end - start) * rng.random()
        day = None
        if kind == "visit" and rng.random() < 0.15 and at is not None:
            day, at = local_date(at), None
            if day == local_date(AS_OF):
                day -= timedelta(days=1)
        if at is not None and kind == "call" and local_date(at) == local_date(AS_OF):
            at -= timedelta(days=1)     # a Salesforce Task of the evaluation's day counts from its 00:00
        statuses = {"visit": ("completed",) * 4 + ("planned", "cancelled", "no_show"),
                    "meeting": ("completed",) * 4 + ("cancelled",),
                    "call": ("completed",) * 4 + ("not_answered",)}[kind]
        activities.append(Activity(f"{kind[0].upper()}{i:03d}", kind, owner, account, at, day,
                                   rng.choice(statuses), deleted=rng.random() < 0.06,
                                   via_opportunity=rng.random() < 0.2))
    deals: list[Deal] = []
    currencies = rng.choice((("EUR",), ("EUR", "EUR", "USD"), ("EUR", "GBP"), ("EUR", "USD", "GBP")))
    for i in range(rng.randint(10, 40)):
        year = rng.choice((2026, 2027, 2027, 2027))
        if rng.random() < 0.3:
            day = rng.choice((date(year, 1, 1), date(year, 6, 30), date(year, 7, 1), date(year, 3, 28),
                              date(2026, 12, 31), date(2026, 6, 30)))
            close = local_midnight(day) + timedelta(minutes=rng.choice((-30, 0, 30, 23 * 60 + 30)))
        else:
            close = local_midnight(date(year, 1, 1) + timedelta(days=rng.randint(0, 200))) + timedelta(hours=10)
        cents, currency = rng.randint(10_000, 2_000_000), rng.choice(currencies)
        if currency == "GBP" and rng.random() < 0.5:
            cents += 2 - cents % 4      # 1.25 x cents ends in half a cent: rounded half up, never to even
        deals.append(Deal(f"D{i:03d}", rng.choice(keys), rng.choice(("won", "won", "lost", "open")), close,
                          Decimal(cents) / 100, currency, deleted=rng.random() < 0.06))
    for d in deals:
        if accounts[d.account].deleted:
            d.deleted = True
    for a in activities:
        if a.account and accounts[a.account].deleted:
            a.deleted = True
    return Org(seed, accounts, activities, deals, segment, axes, actions, rng.random() < 0.3,
               ("lea",) if rng.random() < 0.3 else ())


# --- the plan ------------------------------------------------------------------------------------------------


def _yaml_scope(scope: dict[str, Any]) -> str:
    parts = []
    for k, v in scope.items():
        if isinstance(v, dict):
            parts.append(f"{k}: {{months: {v['months']}}}")
        elif isinstance(v, bool):
            parts.append(f"{k}: {'true' if v else 'false'}")
        elif isinstance(v, list):
            parts.append(f"{k}: [" + ", ".join(f'"{x}"' for x in v) + "]")
        else:
            parts.append(f'{k}: "{v}"')
    return "{" + ", ".join(parts) + "}"


def plan_text(org: Org) -> str:
    lines = [f'plan: {{name: "Wire {org.seed}", year: {YEAR}, timezone: Europe/Paris, currency: EUR, language: en}}',
             "people:"]
    lines += [f"  - {{email: {email(r)}, name: {n}, role: rep}}" for r, n in REPS]
    lines += ["segments:", f"  - {{id: S-1, name: Zone, kind: horizontal, scope: {_yaml_scope(org.segment)}}}",
              "axes:"]
    for axis in org.axes:
        lines += [f"  - id: {axis.id}", f"    name: Axis {axis.id}", "    segment: S-1"]
        if axis.scope:
            lines.append(f"    scope: {_yaml_scope(axis.scope)}")
        lines += ["    status: active",
                  "    objective: {additional_revenue: 100000, baseline: 0, margin_rate: 0.3, budget: 10000}"]
    lines.append("actions:")
    for a in org.actions:
        what = f"activity: {a.kind}, count: {a.count}, counting: {a.counting}"
        if a.scope:
            what += f", scope: {_yaml_scope(a.scope)}"
        lines += [f"  - id: {a.id}", f"    axis: {a.axis}", f'    text: "Do {a.count} {a.kind}s"',
                  f"    who: {email(a.who)}", f"    what: {{{what}}}", f'    when: "{a.when}"']
    return "\n".join(lines) + "\n"


# --- the oracle ----------------------------------------------------------------------------------------------

ARA = {"01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"}


def _months_before(r: date, n: int) -> date:
    """docs/engine.md: "the local days from the same day N months earlier, or that month's last day when it has no
    such day, up to the day before r"."""
    month = r.month - n
    year = r.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for day in range(r.day, 0, -1):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError(r)


def _won_days(org: Org, account: str) -> list[date]:
    return [local_date(d.close) for d in org.deals if d.account == account and d.stage == "won" and not d.deleted]


def _holds(org: Org, acc: Account, scope: dict[str, Any], reference: date) -> bool:
    for key, value in scope.items():
        if key == "departement":
            if acc.dept not in (value if isinstance(value, list) else [value]):
                return False
        elif key == "region":
            if acc.dept not in ARA:
                return False
        elif key == "industry":
            if acc.industry != value:
                return False
        elif key == "account_type":
            if acc.kind != value:
                return False
        elif key == "dormant":
            if value is True:
                if not acc.dormant:     # the CRM's flag (both connectors map it)
                    return False
            else:
                since = _months_before(reference, value["months"])
                days = _won_days(org, acc.key)
                if not any(d < reference for d in days) or any(since <= d < reference for d in days):
                    return False
        else:
            raise AssertionError(key)
    return True


def oracle_counts(org: Org) -> dict[str, int]:
    axes = {a.id: a for a in org.axes}
    out: dict[str, int] = {}
    for action in org.actions:
        start, end = action.window
        end = min(end, AS_OF)
        reference = local_date(action.window[0])
        hits: list[tuple[datetime, str]] = []
        for act in org.activities:
            if act.kind != action.kind or act.owner != action.who or act.deleted or act.status != "completed":
                continue
            if act.account is None:
                continue
            acc = org.accounts[act.account]
            if acc.deleted:
                continue
            if act.at is not None:
                moment = act.at
                happened = moment < AS_OF
            else:
                assert act.day is not None
                moment = local_midnight(act.day)
                happened = local_midnight(act.day + timedelta(days=1)) <= AS_OF   # "once its day is over"
            if not (start <= moment < end) or not happened:
                continue
            if not all(_holds(org, acc, s, reference)
                       for s in (org.segment, axes[action.axis].scope, action.scope)):
                continue
            hits.append((moment, acc.key))
        out[action.id] = len({k for _, k in hits}) if action.counting == "distinct_accounts" else len(hits)
    return out


def eur(deal: Deal) -> Decimal:
    if deal.currency == "EUR":
        return deal.amount
    return (deal.amount / RATES[deal.currency]).quantize(Decimal("0.01"), ROUND_HALF_UP)


def oracle_revenue(org: Org) -> dict[str, Decimal]:
    first, last = date(YEAR, 1, 1), local_date(AS_OF)
    out: dict[str, Decimal] = {}
    for axis in org.axes:
        total = Decimal("0")
        for d in org.deals:
            acc = org.accounts[d.account]
            if d.stage != "won" or d.deleted or acc.deleted or not first <= local_date(d.close) <= last:
                continue
            if _holds(org, acc, org.segment, first) and _holds(org, acc, axis.scope, first):
                total += eur(d)
        out[axis.id] = total
    return out


# --- Salesforce: the org in the REST API's documented form -----------------------------------------------------

SF_STAGES = {"won": ("Closed Won", True, True, "Closed"), "lost": ("Closed Lost", False, True, "Omitted"),
             "open": ("Prospecting", False, False, "Pipeline")}


def load_sf(org: Org, docs_org: Any, rng: random.Random) -> None:
    """Fill ``docs_org`` (an ``sf_docs_emulator.DocsOrg``) with the organisation: Users, Accounts (``Dormant__c``),
    the org's rates, Opportunities, Events (visits 'Visite client', meetings 'Réunion'), Tasks (calls)."""
    docs_org.multi_currency = True
    docs_org.add("User", Id="005000000000INTAAA", Username="integration@wire.example",
                 Email="integration@wire.example", Name="Integration", LastName="Integration", IsActive=True,
                 UserType="Standard", LanguageLocaleKey="en_US")
    users = {}
    for rep, name in (*REPS, *OTHERS):
        mail = email(rep).upper() if org.upper_emails and rep == "julie" else email(rep)
        users[rep] = docs_org.add("User", Username=email(rep), Email=mail, Name=f"{name} X", FirstName=name,
                                  LastName="X", IsActive=rep not in org.inactive, UserType="Standard")
    ids: dict[str, str] = {}
    for acc in org.accounts.values():
        ids[acc.key] = docs_org.add("Account", Name=f"Account {acc.key}", BillingPostalCode=acc.postal,
                                    BillingCountry=rng.choice(("France", "FR", None)), OwnerId=users[acc.owner],
                                    Industry=acc.industry, Type=acc.kind, CurrencyIsoCode="EUR",
                                    Dormant__c=acc.dormant, IsDeleted=acc.deleted)
    for iso, rate in ((iso, float(r)) for iso, r in RATES.items()):
        docs_org.add("CurrencyType", IsoCode=iso, ConversionRate=rate, DecimalPlaces=2, IsActive=True,
                     IsCorporate=iso == "EUR")
        docs_org.add("DatedConversionRate", IsoCode=iso, ConversionRate=rate, StartDate=date(1, 1, 1),
                     NextStartDate=date(9999, 12, 31))
    opp_of: dict[str, str] = {}
    for d in org.deals:
        stage, won, closed, category = SF_STAGES[d.stage]
        made = min(d.close, datetime(2026, 1, 2, 9, tzinfo=UTC))
        opp = docs_org.add("Opportunity", Name=d.key, AccountId=ids[d.account], OwnerId=users[org.accounts[
            d.account].owner], StageName=stage, IsWon=won, IsClosed=closed, CloseDate=local_date(d.close),
            Amount=float(d.amount), CurrencyIsoCode=d.currency, ForecastCategory=category,
            ForecastCategoryName=category, CreatedDate=made, IsDeleted=d.deleted)
        if not d.deleted:
            opp_of.setdefault(d.account, opp)
    for act in org.activities:
        if act.kind != "call" and act.status != "completed":
            continue        # a standard org has no event status: a visit that did not happen is no Event
        account = ids[act.account] if act.account else None
        what = (opp_of.get(act.account, account) if act.via_opportunity and act.account else account)
        common = {"Subject": act.key, "OwnerId": users[act.owner], "AccountId": account, "WhatId": what,
                  "IsDeleted": act.deleted}
        if act.account and not act.via_opportunity and rng.random() < 0.15:    # related to a contact only
            contact = docs_org.add("Contact", Name=f"Contact {act.key}", AccountId=account, OwnerId=users[act.owner])
            common.update(WhatId=None, WhoId=contact)
        if act.kind == "call":
            assert act.at is not None
            done = act.status == "completed"
            due, completed = local_date(act.at), act.at if done else None
            if done and rng.random() < 0.3:     # closed before its due date: it counts when it was closed
                due += timedelta(days=rng.randint(1, 10))
            elif done and rng.random() < 0.2 and act.at + timedelta(days=3) < AS_OF:
                completed = act.at + timedelta(days=rng.randint(1, 3))   # ticked late: it counts on its due date
            status = (rng.choice(("Completed", "Completed", "Clôturée")) if done
                      else rng.choice(("Not Started", "In Progress", "Deferred")))
            docs_org.add("Task", TaskSubtype="Call", Type="Call", Status=status, IsClosed=done, ActivityDate=due,
                         CompletedDateTime=completed, Priority="Normal", **common)
            continue
        kind = rng.choice(("Visite client", "Customer visit")) if act.kind == "visit" else rng.choice(
            ("Réunion", "Meeting"))
        if act.at is not None:
            timed = {"ActivityDateTime": act.at, "StartDateTime": act.at, "ActivityDate": local_date(act.at),
                     "DurationInMinutes": 60, "EndDateTime": act.at + timedelta(hours=1),
                     "EndDate": local_date(act.at), "IsAllDayEvent": False}
            event = docs_org.add("Event", Type=kind, **timed, **common)
            if rng.random() < 0.1:      # a group event: the copy an invitee gets (IsChild) is not the invitee's
                invitee = rng.choice([u for r, u in users.items() if r != act.owner])
                docs_org.add("Event", Type=kind, **timed, **{**common, "OwnerId": invitee}, IsChild=True,
                             IsGroupEvent=True, GroupEventType="1")
            elif rng.random() < 0.1:    # a Classic series: its master repeats its first occurrence (this one)
                master = docs_org.add("Event", Type=kind, **timed, **{**common, "Subject": f"{act.key} series"},
                                      IsRecurrence=True)
                row = next(r for r in docs_org.rows["Event"] if r["Id"] == event)
                row["RecurrenceActivityId"] = master
        else:
            assert act.day is not None
            midnight = datetime(act.day.year, act.day.month, act.day.day, tzinfo=UTC)
            days = rng.choice((1, 1, 2, 3))    # a multi-day event is one visit, dated its first day
            last = act.day + timedelta(days=days - 1)
            docs_org.add("Event", Type=kind, ActivityDateTime=midnight, StartDateTime=midnight,
                         ActivityDate=act.day, IsAllDayEvent=True, DurationInMinutes=1440 * days, EndDate=last,
                         EndDateTime=datetime(last.year, last.month, last.day, tzinfo=UTC), **common)


# --- HubSpot: the portal in the CRM v3 documented form ---------------------------------------------------------

HS_STANDARD = {"companies": ["name", "zip", "country", "industry", "annualrevenue", "hubspot_owner_id",
                             "hs_merged_object_ids", "hs_lastmodifieddate", "createdate"],
               "meetings": ["hs_meeting_title", "hs_timestamp", "hs_meeting_start_time", "hubspot_owner_id",
                            "hs_lastmodifieddate"],
               "calls": ["hs_call_title", "hs_timestamp", "hs_call_status", "hs_call_direction",
                         "hs_call_disposition", "hubspot_owner_id", "hs_lastmodifieddate"],
               "tasks": ["hs_task_subject", "hs_task_status", "hs_timestamp", "hs_task_completion_date",
                         "hs_task_type", "hs_task_priority", "hs_task_body", "hubspot_owner_id",
                         "hs_lastmodifieddate"],
               "deals": ["dealname", "pipeline", "dealstage", "amount", "amount_in_home_currency", "closedate",
                         "createdate", "deal_currency_code", "hs_merged_object_ids", "hubspot_owner_id",
                         "hs_lastmodifieddate"]}
HS_OUTCOME = {"completed": "COMPLETED", "planned": "SCHEDULED", "cancelled": "CANCELED", "no_show": "NO_SHOW"}
CONNECTED = "f240bbac-87c9-4f6e-bf70-924b57d47db7"
NO_ANSWER = "73a0d17f-1163-4015-bdd5-ec830791da20"
HS_STAGES = {"won": "closedwon", "lost": "closedlost", "open": "qualifiedtobuy"}
LOADED = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)


def _hs_time(at: datetime, rng: random.Random) -> str:
    """An instant as HubSpot may return it: ISO 8601 with milliseconds, or epoch milliseconds."""
    if rng.random() < 0.5:
        return str(int(at.timestamp() * 1000))
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def load_hs(org: Org, portal: Any, rng: random.Random, stage: Any, datetime_props: set[str],
            number_props: set[str]) -> None:
    """Fill ``portal`` (an ``hs_docs_emulator.Portal``) with the organisation. ``stage`` builds a pipeline stage
    (``test_hs_docs_emulator._stage``)."""
    owners = {}
    for i, (rep, name) in enumerate((*REPS, *OTHERS)):
        owners[rep] = str(301 + i)
        mail = email(rep).upper() if org.upper_emails and rep == "julie" else email(rep)
        portal.add_owner(owners[rep], 9100 + i, mail, name, "X", archived=rep in org.inactive)
    for object_type, names in HS_STANDARD.items():
        for name in names:
            kind = "datetime" if name in datetime_props else "number" if name in number_props else "string"
            portal.define(object_type, name, kind, {"datetime": "date", "number": "number"}.get(kind, "text"))
    portal.define("companies", "type", "enumeration", "select",
                  [("CUSTOMER", "Customer - Direct"), ("PROSPECT", "Prospect")])
    portal.define("companies", "pac_wire_dormant", "bool", "booleancheckbox", [("true", "Yes"), ("false", "No")])
    portal.define("meetings", "hs_activity_type", "enumeration", "select",
                  [("Visite client", "Visite client"), ("Customer visit", "Customer visit"), ("Réunion", "Réunion")])
    portal.define("meetings", "hs_meeting_outcome", "enumeration", "select",
                  [(v, v.title()) for v in ("SCHEDULED", "COMPLETED", "RESCHEDULED", "NO_SHOW", "CANCELED")])
    portal.pipelines["deals"] = [{
        "id": "default", "label": "Sales Pipeline", "displayOrder": 0, "archived": False,
        "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z",
        "stages": [stage("qualifiedtobuy", "Qualified", 0, False, "0.4"),
                   stage("closedwon", "Closed won", 1, True, "1.0"),
                   stage("closedlost", "Closed lost", 2, True, "0.0")]}, {
        "id": "b2b-7f3a", "label": "Distribution", "displayOrder": 1, "archived": False,
        "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z",
        "stages": [stage("d-nego", "Négociation", 0, False, "0.6"),
                   stage("closedwon-wait", "Gagné - attente bon de commande", 1, False, "0.9"),
                   stage("d-gagne", "Gagné", 2, True, "1.0"), stage("d-perdu", "Perdu", 3, True, "0.0")]}]
    distribution = {"won": "d-gagne", "lost": "d-perdu", "open": "d-nego"}
    cid: dict[str, str] = {}
    for n, acc in enumerate(org.accounts.values()):
        cid[acc.key] = str(90 + 53 * n)     # ids of 2, 3 and 4 digits: "smallest id" is a number's order
        portal.add("companies", cid[acc.key], {
            "name": f"Account {acc.key}", "zip": acc.postal, "country": rng.choice(("France", "FR", None)),
            "industry": acc.industry, "type": "CUSTOMER" if acc.kind == "Customer - Direct" else "PROSPECT",
            "hubspot_owner_id": owners[acc.owner], "pac_wire_dormant": "true" if acc.dormant else "false",
            "createdate": "2024-03-01T09:00:00.000Z"},
            modified=datetime(2026, 11, 1, 9, tzinfo=UTC), archived=LOADED if acc.deleted else None)
    for n, d in enumerate(org.deals):
        pipeline, stages = (("b2b-7f3a", distribution) if rng.random() < 0.3 else ("default", HS_STAGES))
        if d.stage == "open" and pipeline != "default" and rng.random() < 0.5:
            stages = {"open": "closedwon-wait"}     # open, whatever its name says
        deal = {"dealname": d.key, "pipeline": pipeline, "dealstage": stages[d.stage], "amount": str(d.amount),
                 "deal_currency_code": d.currency,
                 "closedate": local_date(d.close).isoformat() if rng.random() < 0.15 else _hs_time(d.close, rng),
                 "createdate": "2026-01-02T09:00:00.000Z", "hubspot_owner_id": owners[org.accounts[d.account].owner],
                 "amount_in_home_currency": str(d.amount / RATES[d.currency])}
        on: tuple[str, ...] = (cid[d.account],)
        if rng.random() < 0.15:     # a second company, not the primary: the deal counts for its primary
            on = tuple(sorted({*on, rng.choice(list(cid.values()))}, key=int))
        portal.add("deals", str(5000 + n), deal, modified=min(d.close, LOADED),
                   archived=LOADED if d.deleted else None, companies=on, primary=cid[d.account])
    props: dict[str, str | None]
    for n, act in enumerate(org.activities):
        at = act.at if act.at is not None else local_midnight(act.day)  # type: ignore[arg-type]
        companies: tuple[str, ...] = (cid[act.account],) if act.account else ()
        larger = [c for c in cid.values() if companies and int(c) > int(companies[0])]
        if larger and rng.random() < 0.1:   # a second company of a larger id: no contact or parent tells them
            companies = (*companies, rng.choice(larger))    # apart, the smallest id is taken
        base: dict[str, str | None] = {"hs_timestamp": _hs_time(at, rng), "hubspot_owner_id": owners[act.owner]}
        if act.kind == "call":
            status, disposition = "COMPLETED", rng.choice((CONNECTED, CONNECTED, None))
            if act.status != "completed":
                status, disposition = rng.choice((("NO_ANSWER", None), ("BUSY", None), ("COMPLETED", NO_ANSWER)))
            props = {**base, "hs_call_title": act.key, "hs_call_status": status, "hs_call_direction": "OUTBOUND",
                     "hs_call_disposition": disposition}
            portal.add("calls", str(20000 + n), props, modified=min(at, LOADED),
                       archived=LOADED if act.deleted else None, companies=companies)
            continue
        outcome = HS_OUTCOME[act.status] if act.status != "completed" or rng.random() < 0.8 else None
        props = {**base, "hs_meeting_title": act.key, "hs_meeting_start_time": base["hs_timestamp"],
                 "hs_meeting_outcome": outcome,     # a logged meeting with no outcome happened
                 "hs_activity_type": rng.choice(("Visite client", "Customer visit")) if act.kind == "visit"
                 else "Réunion"}
        if rng.random() < 0.1:      # no hs_timestamp: the start time stands for it (the mapping's fallback_start)
            del props["hs_timestamp"]
        elif rng.random() < 0.1:    # "hs_timestamp marks the date and time that the meeting occurred": it wins
            props["hs_meeting_start_time"] = _hs_time(at + timedelta(hours=rng.choice((-3, 2, 26))), rng)
        if act.kind == "meeting" and rng.random() < 0.2:
            del props["hs_activity_type"]   # a meeting of no type: the mapping's default_type, meeting
        portal.add("meetings", str(20000 + n), props, modified=min(at, LOADED),
                   archived=LOADED if act.deleted else None, companies=companies)


# --- the night after: what reps and managers change, and each CRM's form of it ----------------------------------

CHANGED = AS_OF + timedelta(hours=2)        # 20:00 Paris, after the first night's run (18:00 Paris)


def night_two(org: Org, rng: random.Random) -> list[tuple[str, str, Any]]:
    """Change the logical organisation as a day's work would, and list the changes: (what, key, detail)."""
    changes: list[tuple[str, str, Any]] = []
    live = [a for a in org.activities if not a.deleted]
    for act in rng.sample(live, k=min(len(live), rng.randint(3, 12))):
        what = rng.choice(("delete", "complete", "move"))
        if what == "delete":
            act.deleted = True
        elif what == "complete" and act.status != "completed":
            changes.append(("complete", act.key, act.status))
            act.status = "completed"
            continue
        elif what == "move" and act.account is not None:
            target = rng.choice([k for k, a in org.accounts.items() if not a.deleted])
            act.account, act.via_opportunity = target, False
            changes.append(("move", act.key, target))
            continue
        else:
            continue
        changes.append(("delete", act.key, None))
    live_deals = [d for d in org.deals if not d.deleted]
    for deal in rng.sample(live_deals, k=min(len(live_deals), rng.randint(2, 6))):
        stage = {"open": "won", "won": rng.choice(("lost", "open")), "lost": "won"}[deal.stage]
        deal.stage = stage
        changes.append(("stage", deal.key, stage))
    # account state changed tonight (20:00 Paris on the evaluation's day): every reference date of the plan is on or
    # before that day, so each scope reads the value in force then, the old one ("the value in force when day r
    # began ... the old value of the first change recorded on or after that local day", docs/engine.md, *Account
    # state as of the reference date*): the logical accounts keep it, only the CRMs change
    for acc in rng.sample(sorted(org.accounts.values(), key=lambda a: a.key), k=3):
        if rng.random() < 0.5:
            changes.append(("dormant", acc.key, not acc.dormant))
        else:
            changes.append(("type", acc.key, TYPES[1 - TYPES.index(acc.kind)]))
    return changes


def _sf_row(docs_org: Any, sobject: str, field_name: str, key: str) -> dict[str, Any] | None:
    return next((r for r in docs_org.rows[sobject] if r.get(field_name) == key and not r.get("IsChild")
                 and not r.get("IsRecurrence")), None)


def apply_sf(org: Org, changes: list[tuple[str, str, Any]], docs_org: Any) -> None:
    """Each change as Salesforce records it: ``SystemModstamp`` moves to the change's time."""
    at = CHANGED
    docs_org.now = at
    accounts = {str(r["Name"]).removeprefix("Account "): r["Id"] for r in docs_org.rows["Account"]}
    acts = {a.key: a for a in org.activities}
    for what, key, detail in changes:
        if what in ("dormant", "type"):
            row = next(r for r in docs_org.rows["Account"] if r["Id"] == accounts[key])
            row.update({"Dormant__c" if what == "dormant" else "Type": detail, "SystemModstamp": at,
                        "LastModifiedDate": at})
            continue
        if what == "stage":
            row = _sf_row(docs_org, "Opportunity", "Name", key)
            assert row is not None
            stage, won, closed, category = SF_STAGES[detail]
            row.update(StageName=stage, IsWon=won, IsClosed=closed, ForecastCategory=category,
                       ForecastCategoryName=category, SystemModstamp=at, LastModifiedDate=at)
            continue
        act = acts[key]
        row = _sf_row(docs_org, "Task" if act.kind == "call" else "Event", "Subject", key)
        if what == "delete":
            if row is not None:
                docs_org.delete(row["Id"], at)
        elif what == "move":
            if row is not None:
                row.update(AccountId=accounts[detail], WhatId=accounts[detail], WhoId=None, SystemModstamp=at,
                           LastModifiedDate=at)
        elif act.kind == "call":
            assert row is not None
            row.update(Status="Completed", IsClosed=True, CompletedDateTime=act.at, SystemModstamp=at,
                       LastModifiedDate=at)
        else:   # a visit or meeting that happened after all: the rep files it now
            account = accounts[act.account] if act.account else None
            kind = "Visite client" if act.kind == "visit" else "Réunion"
            when = act.at if act.at is not None else datetime(act.day.year, act.day.month, act.day.day,  # type: ignore[union-attr]
                                                                tzinfo=UTC)
            owner = next(u["Id"] for u in docs_org.rows["User"] if str(u["Email"]).lower() == email(act.owner))
            docs_org.add("Event", Subject=key, Type=kind, OwnerId=owner, AccountId=account, WhatId=account,
                         ActivityDateTime=when, StartDateTime=when, ActivityDate=act.day or local_date(when),
                         DurationInMinutes=1440 if act.at is None else 60, IsAllDayEvent=act.at is None,
                         EndDateTime=when + timedelta(hours=1), EndDate=act.day or local_date(when),
                         CreatedDate=at, SystemModstamp=at)


def apply_hs(org: Org, changes: list[tuple[str, str, Any]], portal: Any, link_type: Any) -> None:
    """Each change as HubSpot records it: a property set moves ``hs_lastmodifieddate``; archiving sets ``archivedAt``
    (and takes the record out of search); a move to another company sets a property too (the rep edits the
    meeting), as association changes alone move no stamp (docs/hubspot.md)."""
    at = CHANGED
    titles = {"meetings": "hs_meeting_title", "calls": "hs_call_title", "deals": "dealname"}
    find = {(t, rec.properties.get(p)): rec for t, p in titles.items() for rec in portal.objects.get(t, {}).values()}
    companies = {rec.properties["name"].removeprefix("Account "): rec.id
                 for rec in portal.objects["companies"].values()}
    stages = {"default": HS_STAGES, "b2b-7f3a": {"won": "d-gagne", "lost": "d-perdu", "open": "d-nego"}}
    acts = {a.key: a for a in org.activities}
    for what, key, detail in changes:
        if what in ("dormant", "type"):
            value = ("true" if detail else "false") if what == "dormant" else (
                "CUSTOMER" if detail == "Customer - Direct" else "PROSPECT")
            portal.objects["companies"][companies[key]].set(
                {"pac_wire_dormant" if what == "dormant" else "type": value}, at, user_id=9100)
            continue
        if what == "stage":
            rec = find[("deals", key)]
            rec.set({"dealstage": stages[rec.properties["pipeline"]][detail]}, at, user_id=9100)
            continue
        kind = "calls" if acts[key].kind == "call" else "meetings"
        rec = find[(kind, key)]
        if what == "delete":
            rec.archived_at = rec.updated = at
        elif what == "move":
            for other, _types in list(portal.associations.get((kind, "companies"), {}).get(rec.id, [])):
                portal.unlink(kind, rec.id, "companies", other)
            portal.link(kind, rec.id, "companies", companies[detail], [link_type[(kind, "companies")]])
            rec.set({titles[kind]: key}, at, user_id=9100)
        elif kind == "calls":
            rec.set({"hs_call_status": "COMPLETED", "hs_call_disposition": CONNECTED}, at, user_id=9100)
        else:
            rec.set({"hs_meeting_outcome": "COMPLETED"}, at, user_id=9100)
