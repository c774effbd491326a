"""The two CRMs of audit xcrm (7 Dec 2026): one plan, « PAC Duo », over a Salesforce org (``sf_docs_emulator``) and a
HubSpot portal (``hs_docs_emulator``) in one settings file, the first hand-computed organisation that spans both.
The hand figures are in /tmp/audits/xcrm/EXPECTED.md and ``test_xcrm_two_crms``.

* Salesforce: a single-currency **EUR** org (the shipped ``org_currency: EUR``) whose users work in Asia/Tokyo;
  HubSpot: a portal whose company currency is **USD** (``deals.home_currency: USD``) set to New York time. Neither
  zone is on the wire (so the emulators carry none; pac reads no user's ``TimeZoneSidKey``): "SOQL queries in a
  client application return dateTime field values as Coordinated Universal Time (UTC) values" (SOQL and SOSL
  Reference, *convertTimezone()*); "HubSpot stores the timestamps internally as UTC time, and any time and date
  that appears in the account will be displayed based on the time zone settings in the Settings > Account Defaults
  > Time Zone" (HubSpot developers FAQ, *How should timestamps be formatted for HubSpot's APIs*). So a visit at
  23:30 Paris on 30 April, which Tokyo shows on 1 May and New York at 17:30 on 30 April, is April's for the plan
  (docs/engine.md, *Matching*, rule 3: instants in the plan's zone).
* People: Julie the same e-mail in both CRMs; Marc a Salesforce user as marc@duo.example and a HubSpot owner as
  marc.leroy@hs-duo.example (``people[].aliases``); Léa a Salesforce user only; Paul in no CRM.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from connectors import registry
from connectors.hubspot.mapping import default_mapping_path as hs_default_mapping
from connectors.retry import RetryPolicy
from connectors.salesforce.connector import build as sf_build
from connectors.salesforce.mapping import default_mapping_path as sf_default_mapping
from pac_config.settings import load_settings
from sync_jobs import pipeline
from sync_jobs.run_context import RunResult
from tests.fakes import Clock
from tests.integration.hs_docs_emulator import Emulator, Portal, define_standard
from tests.integration.sf_docs_emulator import ENV, DocsOrg
from tests.integration.sf_runs import NO_WAIT
from tests.integration.test_hs_docs_emulator import _stage, t

PLAN = """\
plan: {name: "PAC Duo", year: 2027, timezone: Europe/Paris, currency: EUR, language: en}
people:
  - {email: nat@duo.example, name: Nathalie Garnier, role: manager}
  - {email: julie@duo.example, name: Julie Martin, role: rep}
  - {email: marc@duo.example, name: Marc Leroy, role: rep, aliases: [marc.leroy@hs-duo.example]}
  - {email: lea@duo.example, name: Léa Roux, role: rep}
  - {email: paul@duo.example, name: Paul Vidal, role: rep}
segments:
  - {id: S-69, name: Rhône, kind: horizontal, scope: {departement: "69"}}
  - {id: S-38, name: Isère, kind: horizontal, scope: {departement: "38"}}
axes:
  - id: AX-1
    name: Clients Rhône
    segment: S-69
    status: active
    objective: {additional_revenue: 10000, baseline: 0, margin_rate: 0.3, budget: 910, period: Q2 2027}
  - id: AX-2
    name: Isère
    segment: S-38
    status: active
    objective: {additional_revenue: 5000, baseline: 0, margin_rate: 0.3, budget: 455, period: Q2 2027}
actions:
  - {id: A-1, axis: AX-1, text: "Make 4 visits in May 2027", who: julie@duo.example,
     what: {activity: visit, count: 4, counting: activities}, when: "May 2027"}
  - {id: A-2, axis: AX-1, text: "Visit 3 accounts in May 2027", who: marc@duo.example,
     what: {activity: visit, count: 3}, when: "May 2027"}
  - {id: A-3, axis: AX-1, text: "Visit 2 accounts in May 2027", who: lea@duo.example,
     what: {activity: visit, count: 2}, when: "May 2027"}
  - {id: A-4, axis: AX-1, text: "Visit 1 account in May 2027", who: paul@duo.example,
     what: {activity: visit, count: 1}, when: "May 2027"}
  - {id: A-5, axis: AX-1, text: "Make 2 visits in April 2027", who: julie@duo.example,
     what: {activity: visit, count: 2, counting: activities}, when: "April 2027"}
"""

N1 = datetime(2027, 5, 17, 0, 0, tzinfo=UTC)          # Monday 17 May 2027, 02:00 Paris
N2 = datetime(2027, 5, 18, 0, 0, tzinfo=UTC)          # Tuesday 18 May 2027, 02:00 Paris
N3 = datetime(2027, 5, 19, 0, 0, tzinfo=UTC)          # Wednesday 19 May 2027, 02:00 Paris: nothing changed
HS_EDIT_TARGET = datetime(2027, 5, 17, 8, 0, tzinfo=UTC)
HS_EDIT_STATUS = datetime(2027, 5, 17, 9, 0, tzinfo=UTC)
SF_EDIT_TARGET = datetime(2027, 5, 17, 10, 0, tzinfo=UTC)
LOGGED = datetime(2027, 5, 17, 12, 0, tzinfo=UTC)     # the visits of 17 May, logged at noon
SEEDED = datetime(2027, 5, 16, 18, 0, tzinfo=UTC)

JULIE, MARC = "801", "802"                            # HubSpot owner ids (user ids 9801, 9802; Nathalie 9800)
NAT_USER = 9800

SF_ACCOUNTS = (("SLY", "Lyon Soie", "69003"), ("SVI", "Villeurbanne Meca", "69100"), ("SGR", "Grenoble Verre", "38000"))
# key, rep, account, start (UTC)
SF_VISITS = (
    ("V1", "julie", "SLY", datetime(2027, 5, 3, 8, 0, tzinfo=UTC)),
    ("V2", "julie", "SLY", datetime(2027, 4, 30, 21, 30, tzinfo=UTC)),     # 23:30 Paris, 1 May 06:30 Tokyo
    ("V3", "marc", "SLY", datetime(2027, 5, 4, 8, 0, tzinfo=UTC)),
    ("V4", "marc", "SVI", datetime(2027, 5, 5, 8, 0, tzinfo=UTC)),
    ("V5", "marc", "SVI", datetime(2027, 5, 6, 8, 0, tzinfo=UTC)),
    ("V6", "lea", "SVI", datetime(2027, 5, 7, 8, 0, tzinfo=UTC)),
)
SF_LATER = (("V7", "julie", "SLY", datetime(2027, 5, 17, 8, 0, tzinfo=UTC)),)
# key, account, amount (EUR), won, close date
SF_DEALS = (("O1", "SLY", 6000.0, True, date(2027, 4, 20)), ("O2", "SVI", 2500.0, False, date(2027, 5, 2)),
            ("O0", "SLY", 3000.0, True, date(2026, 4, 15)),
            ("O3", "SVI", 700.0, True, date(2027, 3, 31)))     # CloseDate, a plain date: Q1, whatever the zone


def build_org() -> tuple[DocsOrg, dict[str, str]]:
    org, ids = DocsOrg(page_size=5), {}
    org.now = SEEDED
    org.add("User", Id="005000000000INTAAA", Username="integration@duo.example", Email="integration@duo.example",
            Name="Integration", LastName="Integration", IsActive=True, UserType="Standard", LanguageLocaleKey="en_US")
    for key, first, last in (("nat", "Nathalie", "Garnier"), ("julie", "Julie", "Martin"), ("marc", "Marc", "Leroy"),
                             ("lea", "Léa", "Roux")):
        ids[key] = org.add("User", Username=f"{key}@duo.example.sf", Email=f"{key}@duo.example",
                           Name=f"{first} {last}", FirstName=first, LastName=last, IsActive=True,
                           UserType="Standard", SystemModstamp=datetime(2025, 1, 2, 9, 0, tzinfo=UTC))
    for key, name, postal in SF_ACCOUNTS:
        ids[key] = org.add("Account", Name=name, OwnerId=ids["julie"], BillingPostalCode=postal,
                           BillingCountry="France", Industry="Manufacturing", Type="Customer - Direct",
                           CreatedDate=datetime(2025, 1, 2, 9, 0, tzinfo=UTC),
                           SystemModstamp=datetime(2025, 1, 2, 9, 0, tzinfo=UTC))
    for visit in SF_VISITS:
        _event(org, ids, *visit, SEEDED)
    for key, account, amount, won, close in SF_DEALS:
        ids[key] = org.add("Opportunity", Name=key, AccountId=ids[account], OwnerId=ids["julie"],
                           StageName="Closed Won" if won else "Closed Lost", IsWon=won, IsClosed=True,
                           CloseDate=close, Amount=amount, ForecastCategory="Closed" if won else "Omitted",
                           ForecastCategoryName="Closed" if won else "Omitted",
                           CreatedDate=datetime(close.year, close.month, close.day, 9, 0, tzinfo=UTC)
                           - timedelta(days=30), SystemModstamp=SEEDED)
    return org, ids


def _event(org: DocsOrg, ids: dict[str, str], key: str, rep: str, account: str, start: datetime,
           stamp: datetime) -> None:
    ids[key] = org.activity("Event", what=ids[account], OwnerId=ids[rep], Subject=key, Type="Visite client",
                            EventSubtype="Event", ActivityDateTime=start, StartDateTime=start,
                            ActivityDate=start.date(), DurationInMinutes=60, EndDateTime=start + timedelta(hours=1),
                            EndDate=start.date(), IsAllDayEvent=False, SystemModstamp=stamp, CreatedDate=stamp)


def sf_log_later(org: DocsOrg, ids: dict[str, str]) -> None:
    for visit in SF_LATER:
        _event(org, ids, *visit, LOGGED)


# id, company, owner, start (UTC)
HS_MEETINGS = (
    ("3801", "2801", JULIE, "2027-05-10T08:00:00Z"),
    ("3802", "2801", JULIE, "2027-04-30T21:30:00Z"),     # 23:30 Paris, 17:30 New York
    ("3803", "2801", JULIE, "2027-04-30T22:30:00Z"),     # 00:30 Paris on 1 May, 18:30 New York on 30 April
    ("3804", "2801", MARC, "2027-05-11T08:00:00Z"),
)
HS_LATER = (("3805", "2801", JULIE, "2027-05-17T09:00:00Z"),)
# id, company, stage, amount (USD), currency code (None: none, the company currency), close
HS_DEALS = (("6801", "2801", "closedwon", "5000", "USD", "2027-05-05T10:00:00Z"),
            ("6802", "2802", "closedwon", "1234.57", None, "2027-05-12T10:00:00Z"),
            ("6803", "2802", "closedlost", "800", "USD", "2027-05-03T10:00:00Z"),
            ("6800", "2801", "closedwon", "1000", "USD", "2026-05-10T10:00:00Z"),
            # 00:30 Paris on 1 April, 18:30 on 31 March in the portal's New York: Q2 for the plan (docs/hubspot.md)
            ("6804", "2802", "closedwon", "500", "USD", "2027-03-31T22:30:00Z"))


def build_portal() -> Portal:
    p = Portal()
    p.add_owner(JULIE, 9801, "julie@duo.example", "Julie", "Martin")
    p.add_owner(MARC, 9802, "marc.leroy@hs-duo.example", "Marc", "Leroy")
    p.add_owner("800", NAT_USER, "nat@duo.example", "Nathalie", "Garnier")
    define_standard(p)
    p.pipelines["deals"] = [
        {"id": "default", "label": "Ventes", "displayOrder": 0, "archived": False,
         "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z",
         "stages": [_stage("appointmentscheduled", "Rendez-vous", 0, False, "0.2"),
                    _stage("closedwon", "Gagné", 1, True, "1.0"), _stage("closedlost", "Perdu", 2, True, "0.0")]}]
    for cid, name, zipcode, owner in (("2801", "Lyon Soie", "69003", JULIE), ("2802", "Bron Bois", "69500", MARC)):
        p.add("companies", cid, {"name": name, "zip": zipcode, "country": "France", "type": "CUSTOMER",
                                 "hubspot_owner_id": owner, "createdate": t("2024-03-01T09:00:00Z")},
              modified=t("2026-01-10T10:00:00Z"))
    for meeting in HS_MEETINGS:
        _meeting(p, *meeting, SEEDED)
    for did, company, stage, amount, currency, close in HS_DEALS:
        props = {"dealname": f"Deal {did}", "pipeline": "default", "dealstage": stage, "amount": amount,
                 "amount_in_home_currency": amount, "closedate": t(close),
                 "createdate": t(close[:4] + "-01-05T09:00:00Z"), "hubspot_owner_id": JULIE}
        if currency:
            props["deal_currency_code"] = currency
        p.add("deals", did, props, modified=SEEDED, companies=(company,), primary=company)
    return p


def _meeting(p: Portal, mid: str, company: str, owner: str, when: str, stamp: datetime) -> None:
    p.add("meetings", mid, {"hs_meeting_title": f"Visite {mid}", "hs_timestamp": t(when),
                            "hs_meeting_start_time": t(when), "hs_meeting_outcome": "COMPLETED",
                            "hs_activity_type": "Visite client", "hubspot_owner_id": owner},
          modified=stamp, companies=(company,))


def hs_log_later(p: Portal) -> None:
    for meeting in HS_LATER:
        _meeting(p, *meeting, LOGGED)


def settings(tmp: Path) -> tuple[Any, Path, Path]:
    """One settings file, one plan on ``sf-duo`` and ``hs-duo``; the HubSpot mapping names the company currency USD."""
    hs_mapping = tmp / "hubspot.duo.yaml"
    text = hs_default_mapping().read_text(encoding="utf-8")
    assert "  home_currency: null" in text
    hs_mapping.write_text(text.replace("  home_currency: null", "  home_currency: USD"), encoding="utf-8")
    (tmp / "duo.pac.yaml").write_text(PLAN, encoding="utf-8")
    path = tmp / "pac.yaml"
    path.write_text(
        f"database_url: 'sqlite:///{tmp / 'pac.db'}'\n"
        "connectors:\n"
        f"  - {{name: sf-duo, crm: salesforce, mapping: '{sf_default_mapping()}', env_prefix: PAC_SF_}}\n"
        f"  - {{name: hs-duo, crm: hubspot, mapping: '{hs_mapping}', env_prefix: PAC_HS_}}\n"
        "plans:\n  - {name: duo, file: duo.pac.yaml, connectors: [sf-duo, hs-duo]}\n"
        "engine:\n  fx_rates: {USD: 0.92}\n", encoding="utf-8")
    return load_settings(path, env={}), sf_default_mapping(), hs_mapping


def sync(cfg: Any, sf_mapping: Path, hs_mapping: Path, emulator: Emulator, at: datetime) -> RunResult:
    """One night of the real pipeline over both CRMs, each connector built as `pac sync` builds it."""
    emulator.portal.now = at
    policy = RetryPolicy(sleep=lambda _s: None, jitter=lambda: 0.0)
    sf = sf_build("sf-duo", sf_mapping, ENV, policy=NO_WAIT)
    hs = registry.build("hubspot", "hs-duo", hs_mapping, emulator.env(), prefix="PAC_HS_", policy=policy)
    try:
        hs.provision_schema()
        return pipeline.run_sync(None, cfg, connectors={"sf-duo": sf, "hs-duo": hs}, clock=Clock(at))
    finally:
        sf.close()
        hs.close()
