"""The org of audit sfhand9 (7 Dec 2026): the year turns and two managers share one Salesforce org. Anne's « PAC Nord
2027 » (English, calendar 2027) ends on 31 December 2027; Bruno's « PAC Nord 2028 » (French, calendar 2028) starts on 1
January 2028; both on the connector ``sf-main``, both with an axis ``AX-KEY`` over the Rhône accounts. The hand
figures are in /tmp/audits/sfhand9/EXPECTED.md and ``test_sfhand9_year_turns_org``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from connectors.salesforce.connector import build
from pac_config.settings import load_settings
from sync_jobs import pipeline
from sync_jobs.run_context import RunResult
from tests.fakes import Clock
from tests.integration.sf_docs_emulator import ENV, DocsOrg
from tests.integration.sf_runs import NO_WAIT

OLD, NEW = "pac-nord-2027", "pac-nord-2028"
NAMES = {OLD: "nord-2027", NEW: "nord-2028"}

PLAN_2027 = """\
plan:
  id: pac-nord-2027
  name: "PAC Nord 2027"
  year: 2027
  timezone: Europe/Paris
  currency: EUR
  language: en
people:
  - {email: anne@example.com, name: Anne Carrel, role: manager}
  - {email: julie@example.com, name: Julie Morel, role: rep}
  - {email: luc@example.com, name: Luc Girard, role: rep}
segments:
  - {id: S-69, name: Rhône, kind: horizontal, scope: {departement: "69"}}
  - {id: S-38, name: Isère, kind: horizontal, scope: {departement: "38"}}
axes:
  - id: AX-KEY
    name: Key accounts
    segment: S-69
    status: active
    objective: {additional_revenue: "+10 %", period: Q4, baseline: previous_year, margin_rate: 0.3, budget: 920}
  - id: AX-GRE
    name: Grenoble growth
    segment: S-38
    status: active
    objective: {additional_revenue: 5000, baseline: 0, margin_rate: 0.3, budget: 3650}
actions:
  - {id: A-1, axis: AX-KEY, text: "Visit 4 accounts in week 52", who: julie@example.com,
     what: {activity: visit, count: 4}, when: "week 52"}
  - {id: A-2, axis: AX-KEY, text: "Visit 3 accounts in December 2027", who: luc@example.com,
     what: {activity: visit, count: 3}, when: "December 2027"}
"""

PLAN_2028 = """\
plan:
  id: pac-nord-2028
  name: "PAC Nord 2028"
  year: 2028
  timezone: Europe/Paris
  currency: EUR
  language: fr
people:
  - {email: bruno@example.com, name: Bruno Lefèvre, role: manager}
  - {email: julie@example.com, name: Julie Morel, role: rep}
  - {email: marc@example.com, name: Marc Dupont, role: rep}
segments:
  - {id: S-69, name: Rhône, kind: horizontale, scope: {departement: "69"}}
  - {id: S-38, name: Isère, kind: horizontale, scope: {departement: "38"}}
axes:
  - id: AX-KEY
    name: Grands comptes
    segment: S-69
    status: actif
    objective: {additional_revenue: 20000, baseline: 0, margin_rate: 0.3, budget: 3660}
  - id: AX-ISE
    name: Clients de l'Isère
    segment: S-38
    status: actif
    objective: {additional_revenue: 10000, baseline: 0, margin_rate: 0.25, budget: 1830}
actions:
  - {id: B-1, axis: AX-KEY, text: "Visiter 2 comptes en semaine 1", who: julie@example.com,
     what: {activity: visite, count: 2}, when: "semaine 1"}
  - {id: B-2, axis: AX-KEY, text: "Faire 4 visites en janvier 2028", who: julie@example.com,
     what: {activity: visite, count: 4, counting: activités}, when: "janvier 2028"}
  - {id: B-3, axis: AX-ISE, text: "Visiter 3 clients de l'Isère en janvier 2028", who: marc@example.com,
     what: {activity: visite, count: 3}, when: "janvier 2028"}
"""

# the nights: the 2027 plan's run at the hour, the 2028 plan's five minutes later (the connector's lock)
N1 = datetime(2027, 12, 31, 22, 0, tzinfo=UTC)     # Friday 31 December 2027, 23:00 Paris
N2 = datetime(2028, 1, 1, 1, 0, tzinfo=UTC)        # Saturday 1 January 2028, 02:00 Paris
N3 = datetime(2028, 1, 4, 1, 0, tzinfo=UTC)        # Tuesday 4 January 2028, 02:00 Paris
LATER = timedelta(minutes=5)
YEAR_END = datetime(2027, 12, 31, 23, 0, tzinfo=UTC)   # 1 January 2028 00:00 Paris: the 2027 plan's end instant

ACCOUNTS = (("ALP", "Alpha", "69001"), ("BET", "Beta", "69002"), ("GAM", "Gamma", "69003"), ("ZET", "Zeta", "69006"),
            ("DEL", "Delta", "38000"), ("EPS", "Epsilon", "38100"), ("OME", "Omega", "75008"))

# key, rep, account, start (UTC), logged at (None: before the first night)
VISITS: tuple[tuple[str, str, str, datetime, datetime | None], ...] = (
    ("J0", "julie", "ZET", datetime(2027, 12, 26, 9, 0, tzinfo=UTC), None),     # Sunday of week 51
    ("J1", "julie", "ALP", datetime(2027, 12, 27, 9, 0, tzinfo=UTC), None),
    ("J2", "julie", "BET", datetime(2027, 12, 30, 14, 0, tzinfo=UTC), None),
    ("J3", "julie", "GAM", datetime(2027, 12, 31, 13, 0, tzinfo=UTC), None),
    ("J4", "julie", "ZET", datetime(2028, 1, 1, 9, 0, tzinfo=UTC),              # Saturday 1 January, 10:00 Paris
     datetime(2028, 1, 1, 12, 0, tzinfo=UTC)),
    ("J5", "julie", "ALP", datetime(2028, 1, 3, 9, 0, tzinfo=UTC), datetime(2028, 1, 3, 17, 0, tzinfo=UTC)),
    ("J6", "julie", "BET", datetime(2028, 1, 3, 14, 0, tzinfo=UTC), datetime(2028, 1, 3, 17, 0, tzinfo=UTC)),
    ("L1", "luc", "GAM", datetime(2027, 12, 1, 9, 0, tzinfo=UTC), None),
    ("L2", "luc", "ALP", datetime(2027, 12, 15, 9, 0, tzinfo=UTC), None),
    ("L3", "luc", "DEL", datetime(2027, 12, 17, 9, 0, tzinfo=UTC), None),
    ("L4", "luc", "ZET", datetime(2028, 1, 3, 10, 0, tzinfo=UTC), datetime(2028, 1, 3, 17, 0, tzinfo=UTC)),
    ("M1", "marc", "ALP", datetime(2027, 12, 30, 10, 0, tzinfo=UTC), None),
    ("M2", "marc", "DEL", datetime(2028, 1, 3, 9, 0, tzinfo=UTC), datetime(2028, 1, 3, 17, 0, tzinfo=UTC)),
    ("M3", "marc", "EPS", datetime(2028, 1, 1, 10, 0, tzinfo=UTC), datetime(2028, 1, 3, 17, 0, tzinfo=UTC)),
)

# key, account, amount, close date, created (None: long before the first night)
DEALS: tuple[tuple[str, str, float, date, datetime | None], ...] = (
    ("O1", "ALP", 20000.0, date(2026, 11, 15), None),
    ("O2", "BET", 10000.0, date(2026, 12, 31), None),
    ("O3", "GAM", 5000.0, date(2026, 9, 30), None),
    ("O11", "GAM", 6000.0, date(2027, 3, 15), None),
    ("O4", "ALP", 18000.0, date(2027, 10, 10), None),
    ("O5", "BET", 8500.0, date(2027, 12, 20), None),
    ("O6", "GAM", 4000.0, date(2027, 12, 31), None),
    ("O10", "EPS", 4000.0, date(2027, 11, 15), None),
    ("O7", "ZET", 2000.0, date(2028, 1, 1), datetime(2027, 12, 20, 9, 0, tzinfo=UTC)),
    ("O9", "ZET", 3000.0, date(2027, 12, 31), datetime(2028, 1, 2, 10, 0, tzinfo=UTC)),     # a late entry
    ("O8", "DEL", 6000.0, date(2028, 1, 3), datetime(2028, 1, 3, 15, 0, tzinfo=UTC)),
)

SEEDED = datetime(2027, 12, 31, 18, 0, tzinfo=UTC)    # every record not logged later: before the first night


def build_org(until: datetime) -> tuple[DocsOrg, dict[str, str]]:
    """The org as it stands at ``until``: the records logged by then (``add_logged`` adds the later ones)."""
    org, ids = DocsOrg(page_size=5), {}
    org.now = SEEDED
    org.add("User", Id="005000000000INTAAA", Username="integration@acme.example", Email="integration@acme.example",
            Name="Integration", LastName="Integration", IsActive=True, UserType="Standard", LanguageLocaleKey="en_US")
    for key, first, last in (("anne", "Anne", "Carrel"), ("bruno", "Bruno", "Lefèvre"), ("julie", "Julie", "Morel"),
                             ("luc", "Luc", "Girard"), ("marc", "Marc", "Dupont")):
        ids[key] = org.add("User", Username=f"{key}@example.com", Email=f"{key}@example.com", Name=f"{first} {last}",
                           FirstName=first, LastName=last, IsActive=True, UserType="Standard",
                           SystemModstamp=datetime(2025, 1, 2, 9, 0, tzinfo=UTC))
    for key, name, postal in ACCOUNTS:
        ids[key] = org.add("Account", Name=name, OwnerId=ids["julie"], BillingPostalCode=postal,
                           BillingCountry="France", Industry="Manufacturing", Type="Customer - Direct",
                           CreatedDate=datetime(2025, 1, 2, 9, 0, tzinfo=UTC),
                           SystemModstamp=datetime(2025, 1, 2, 9, 0, tzinfo=UTC))
    add_logged(org, ids, None, until)
    return org, ids


def add_logged(org: DocsOrg, ids: dict[str, str], after: datetime | None, until: datetime) -> None:
    """The visits and deals logged after ``after`` (None: from the start) up to ``until``."""
    def due(logged: datetime | None) -> bool:
        at = logged or SEEDED
        return (after is None or at > after) and at <= until

    for key, rep, account, start, logged in VISITS:
        if due(logged):
            stamp = logged or SEEDED
            ids[key] = org.activity("Event", what=ids[account], OwnerId=ids[rep], Subject=key, Type="Visite client",
                                    EventSubtype="Event", ActivityDateTime=start, StartDateTime=start,
                                    ActivityDate=start.date(), DurationInMinutes=60,
                                    EndDateTime=start + timedelta(hours=1), EndDate=start.date(),
                                    IsAllDayEvent=False, SystemModstamp=stamp, CreatedDate=stamp)
    for key, account, amount, close, created in DEALS:
        if due(created):
            made = created or datetime(close.year, close.month, close.day, 9, 0, tzinfo=UTC) - timedelta(days=30)
            ids[key] = org.add("Opportunity", Name=key, AccountId=ids[account], OwnerId=ids["julie"],
                               StageName="Closed Won", IsWon=True, IsClosed=True, CloseDate=close, Amount=amount,
                               ForecastCategory="Closed", ForecastCategoryName="Closed", CreatedDate=made,
                               SystemModstamp=created or SEEDED)


def settings(tmp: Path, database_url: str) -> Any:
    """Both plans on the connector ``sf-main`` (the org's mapping is built by ``sync``)."""
    (tmp / "nord-2027.pac.yaml").write_text(PLAN_2027, encoding="utf-8")
    (tmp / "nord-2028.pac.yaml").write_text(PLAN_2028, encoding="utf-8")
    (tmp / "mapping.yaml").write_text("crm: fake\n", encoding="utf-8")
    path = tmp / "pac.yaml"
    path.write_text(
        f"database_url: {database_url}\n"
        "connectors:\n  - {name: sf-main, crm: salesforce, mapping: mapping.yaml, reconciliation_days: 7}\n"
        "plans:\n  - {name: nord-2027, file: nord-2027.pac.yaml, connectors: [sf-main]}\n"
        "  - {name: nord-2028, file: nord-2028.pac.yaml, connectors: [sf-main]}\n", encoding="utf-8")
    return load_settings(path, env={})


def sync(cfg: Any, mapping: Path, plan: str, at: datetime, full: bool = False) -> RunResult:
    """One run of ``plan`` (its id) at ``at``, through the real connector and pipeline (``full``: `pac sync
    --full`)."""
    connector = build("sf-main", mapping, ENV, policy=NO_WAIT)
    try:
        return pipeline.run_sync(NAMES[plan], cfg, connectors={"sf-main": connector}, clock=Clock(at),
                                 full=full)
    finally:
        connector.close()
