"""A HubSpot portal no earlier audit shaped, end to end on the documentation emulator (audit hshand3, 7 Dec 2026).

Everything below was computed by hand from HubSpot's documentation and pac's documented rules BEFORE the first run.

The portal (company currency EUR; USD at 1 EUR = 1.08 USD, so ``amount_in_home_currency`` = amount / 1.08 as HubSpot
calculates it, unrounded):

* two deal pipelines with custom stage ids. Pipelines API: "isClosed" and "probability" ("0.0 being Closed Lost and 1.0
  being Closed Won"). "Ventes directes" v-devis (open 0.4), v-signe (closed 1.0), v-perdu (closed 0.0);
  "Distribution" d-nego (open 0.6), d-gagne (closed 1.0), d-annule (closed 0.0) and a stage whose **id is
  ``closedwon``** but which is open (isClosed false, 0.9, « Gagné - attente bon de commande »): never won.
* owners: Julie (id 201, userId 9002), Marc (202, userId 9001), Luc (203) archived (a deactivated user).
* companies (country France unless said): C1 Lyon Soie 69003 Client, C2 Lyon Bis " 69003 " Client (zip padded),
  C3 Grenoble Verre 38000 Client, C4 Paris Nord Client with no zip (no département: outside the région),
  C5 Annecy Neuf 74000 Prospect, C6 Valence Neuve 26000 Prospect, C7 Saint-Étienne Métal 42000 Client (Marc's),
  C8 Chambéry Partenaire 73000 Partner.

Plan Hand3 (Europe/Paris, EUR, 2027), evaluated 30 June 2027 18:00 Paris; segment S-RA = région
Auvergne-Rhône-Alpes:

* AX-CLI clients: scope {C1, C2, C3, C7} (C4 no région, C8 a partner); objective 40,000 over a fixed baseline 7,300,
  margin 0.3, budget 3,650.
* AX-PRO prospects: scope {C5, C6}; objective "+50 %" of the scope's 2026 revenue, margin 0.4, budget 730.

Night 1 by hand:

* A-1 Julie, visit 4 clients in Q2 (distinct accounts): M1 C1, M2 C2 (the padded zip is 69003 all the same),
  M11 C3 (logged with no outcome: completed) = **3**. Not: M3 SCHEDULED and M4 RESCHEDULED on past dates, M5 NO_SHOW,
  M6 CANCELED, M7 SCHEDULED in July, M8 C4 (no région), M9 archived, M10 C1 again.
* A-2 Julie, call 4 times in Q2 (activities): K1 connected, K2 left voicemail, K7 left live message = **3**. Not: K3 no
  answer and K4 busy (outcome GUIDs), K5 NO_ANSWER and K6 BUSY and K10 FAILED (status), K8 CANCELED, K9 archived,
  K11 wrong number.
* A-3 Luc (archived owner), visit 2 prospects in Q2: L1 C5, L2 C6 = **2** (L3 C5 again).
* A-4 Julie, follow up 2 quotes in Q2 (tasks, activities): T1 C5 completed 10 May, T3 C6 due 15 July completed
  20 June (dated 20 June) = **2**. Not: T2 NOT_STARTED, T4 due 25 March (Q1), T5 IN_PROGRESS, T6 archived.
* AX-CLI revenue 1 Jan - 30 Jun 2027: D1 12,500.50 (C1) + D2 USD 3,000.25 = 3,000.25 / 1.08 = 2,778.009... ->
  2,778.01 (C2) = **15,278.51** (the first hand figure said 2,777.64, a slip of the hand division that the run
  showed: 1.08 x 2,778 = 3,000.24; every figure below follows the corrected one). Not: D3 (8,000, on C3
  unlabelled and on C8 with the Primary type 5: HubSpot's primary is its company, a partner), D4 lost, D5 in stage
  ``closedwon`` which is open, D6 archived, D7 open tonight, D12 C4.
  Baseline 7,300 x 181 / 365 = 3,620.00; additional 11,658.51; progress 11,658.51 / 40,000 = 29.1 %; elapsed
  (180 d 18 h) / 365 d = 0.4952: at risk. Cost to date 3,650 x 181 / 365 = 1,810.00; ROI (11,658.51 x 0.3 - 1,810) /
  1,810 = 0.93235 -> **0.9323**.
  KPIs: win rate won D1, D2 / closed D1, D2, D4 = 2 / 3 = 66.7; average won deal 15,278.51 / 2 = 7,639.255 ->
  7,639.26; coverage C1, C2, C3 / 4 = 75.0; accounts visited 3; activities 6 (3 + 3); revenue per visit
  15,278.51 / 6 = 2,546.42;
  visit-to-win C1 (D1 15 April after M1 6 April), C2 (D2 20 May after M2) / C1, C2, C3 = 66.7; new accounts C2
  (first won deal ever) = 1 (C1 won D11 in 2025); reactivation C1 (dormant on 1 Jan 2027: won in Nov 2025, none in 12
  months; won D1) / C1 = 100.0; pipeline created in 2027 D1 + D2 + D4 4,000 + D5 6,000 + D7 7,000.75 = 32,279.26.
* AX-PRO base 2026: D9 2,000 (C6) + D10 USD 1,080 = 1,000.00 (C5) = 3,000; objective **1,500.00**. Revenue D8 1,500.50
  + D13 2,999.99 = **4,500.49**; baseline 1 Jan - 30 Jun 2026: D9 = 2,000; additional 2,500.49; progress 166.7 %:
  done (objective reached). Cost to date 730 x 181 / 365 = 362.00; ROI (2,500.49 x 0.4 - 362) / 362 = **1.7630**.
  KPIs: win rate D8, D13 / D8, D13, D14, D15 (lost in each pipeline) = 50.0; average 4,500.49 / 2 = 2,250.245 ->
  2,250.25; coverage 2 / 2 = 100.0; accounts visited 2; activities 4; revenue per visit 4,500.49 / 4 = 1,125.12;
  visit-to-win C6 (D13 25 June after L2, T3) / C5 (D8 in March, before its visits), C6 = 50.0; new accounts 0;
  reactivation none dormant: null; pipeline created D8 + D13 + D14 800 + D15 1,200 = 6,500.49.

Night 2 (the day after): D7 (7,000.75, C2) moved from "Ventes directes" v-devis to "Distribution" d-gagne: AX-CLI
revenue 22,279.26, additional 18,659.26, progress 46.6 %, ROI (18,659.26 x 0.3 - 1,810) / 1,810 = 2.0927; win rate
3 / 4 = 75.0, average 22,279.26 / 3 = 7,426.42, revenue per visit 22,279.26 / 6 = 3,713.21.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.fakes import one_connector_settings
from tests.integration.hand_reading import cents, explain_table, tasks_mapping
from tests.integration.hand_reading import num as _num
from tests.integration.hs_docs_emulator import DATETIME_PROPS, NUMBER_PROPS, Emulator, Portal
from tests.integration.test_hs_docs_emulator import _stage, sync, t

JULIE, MARC, LUC = "201", "202", "203"
PLAN = """\
plan: {name: "Hand3", year: 2027, timezone: Europe/Paris, currency: EUR, language: en}
people:
  - {email: nat@hand3.example, name: Nathalie Garnier, role: manager}
  - {email: julie@hand3.example, name: Julie Martin, role: rep}
  - {email: luc@hand3.example, name: Luc Perrin, role: rep}
segments:
  - {id: S-RA, name: Rhone-Alpes, kind: horizontal, scope: {region: Auvergne-Rhône-Alpes}}
axes:
  - id: AX-CLI
    name: Clients Rhone-Alpes
    segment: S-RA
    scope: {account_type: Client}
    status: active
    objective: {additional_revenue: 40000, baseline: 7300, margin_rate: 0.3, budget: 3650, expected_roi: 2}
  - id: AX-PRO
    name: Prospects +50 %
    segment: S-RA
    scope: {account_type: Prospect}
    status: active
    objective: {additional_revenue: "+50 %", margin_rate: 0.4, budget: 730}
actions:
  - id: A-1
    axis: AX-CLI
    text: "Visit 4 clients in Q2"
    who: julie@hand3.example
    what: {activity: visit, count: 4}
    when: "Q2 2027"
  - id: A-2
    axis: AX-CLI
    text: "Call clients 4 times in Q2"
    who: julie@hand3.example
    what: {activity: call, count: 4, counting: activities}
    when: "Q2 2027"
  - id: A-3
    axis: AX-PRO
    text: "Visit 2 prospects in Q2"
    who: luc@hand3.example
    what: {activity: visit, count: 2}
    when: "Q2 2027"
  - id: A-4
    axis: AX-PRO
    text: "Follow up 2 quotes in Q2"
    who: julie@hand3.example
    what: {activity: quote_follow_up, count: 2, counting: activities}
    when: "Q2 2027"
"""

# HubSpot's default call outcomes (the same GUIDs in every portal)
CONNECTED = "f240bbac-87c9-4f6e-bf70-924b57d47db7"
LIVE_MESSAGE = "a4c4c377-d246-4b32-a13b-75a56a4cd0ff"
VOICEMAIL = "b2cf5968-551e-4856-9783-52b3da59a7d0"
NO_ANSWER = "73a0d17f-1163-4015-bdd5-ec830791da20"
BUSY = "9d9162e7-6cf3-4944-bf63-4dff82258764"
WRONG_NUMBER = "17b47fee-58de-441e-a44c-c6300d46f273"
DIRECT, DISTRIB = "a1b2c3d4-ventes", "ff00aa11-distribution"
USD_PER_EUR = Decimal("1.08")        # Settings > Currencies: 1 EUR (company currency) = 1.08 USD
FIRST, SECOND = t("2027-06-30T02:00:00Z"), t("2027-06-30T15:00:00Z")
CHANGES = t("2027-06-30T10:00:00Z")


def _mapping(tmp: Path) -> Path:
    """The shipped mapping, tasks read, the portal's company currency named (EUR)."""
    return tasks_mapping(tmp, "hubspot.hand3.yaml")


def _pipeline(pid: str, label: str, order: int, stages: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": pid, "label": label, "displayOrder": order, "archived": False,
            "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z", "stages": stages}


def build_portal() -> Portal:
    p = Portal()
    p.add_owner(JULIE, 9002, "julie@hand3.example", "Julie", "Martin")
    p.add_owner(MARC, 9001, "marc@hand3.example", "Marc", "Leroy")
    p.add_owner(LUC, 9003, "luc@hand3.example", "Luc", "Perrin", archived=True)
    standard = {"companies": ["name", "zip", "country", "industry", "annualrevenue", "hubspot_owner_id",
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
    for object_type, names in standard.items():
        for name in names:
            kind = ("datetime" if name in DATETIME_PROPS else "number" if name in NUMBER_PROPS else "string")
            p.define(object_type, name, kind, {"datetime": "date", "number": "number"}.get(kind, "text"))
    p.define("companies", "type", "enumeration", "select",
             [("PROSPECT", "Prospect"), ("PARTNER", "Partner"), ("CUSTOMER", "Client"), ("OTHER", "Other")])
    p.define("meetings", "hs_activity_type", "enumeration", "select",
             [("Visite client", "Visite client"), ("Réunion", "Réunion")])
    p.define("meetings", "hs_meeting_outcome", "enumeration", "select",
             [(v, v.title()) for v in ("SCHEDULED", "COMPLETED", "RESCHEDULED", "NO_SHOW", "CANCELED")])
    p.pipelines["deals"] = [
        _pipeline(DIRECT, "Ventes directes", 0, [_stage("v-devis", "Devis", 0, False, "0.4"),
                                                 _stage("v-signe", "Signé", 1, True, "1.0"),
                                                 _stage("v-perdu", "Perdu", 2, True, "0.0")]),
        _pipeline(DISTRIB, "Distribution", 1, [_stage("d-nego", "Négociation", 0, False, "0.6"),
                                               _stage("closedwon", "Gagné - attente bon de commande", 1, False,
                                                      "0.9"),
                                               _stage("d-gagne", "Gagné", 2, True, "1.0"),
                                               _stage("d-annule", "Annulé", 3, True, "0.0")])]
    stamp = t("2027-06-20T10:00:00Z")
    companies = {  # id: name, zip, type, owner
        "1001": ("Lyon Soie", "69003", "CUSTOMER", JULIE),
        "1002": ("Lyon Bis", " 69003 ", "CUSTOMER", JULIE),
        "1003": ("Grenoble Verre", "38000", "CUSTOMER", JULIE),
        "1004": ("Paris Nord", None, "CUSTOMER", JULIE),
        "1005": ("Annecy Neuf", "74000", "PROSPECT", LUC),
        "1006": ("Valence Neuve", "26000", "PROSPECT", LUC),
        "1007": ("Saint-Étienne Métal", "42000", "CUSTOMER", MARC),
        "1008": ("Chambéry Partenaire", "73000", "PARTNER", MARC)}
    for cid, (name, zipcode, kind, owner) in companies.items():
        p.add("companies", cid, {"name": name, "zip": zipcode, "country": "France", "type": kind,
                                 "hubspot_owner_id": owner, "createdate": t("2024-03-01T09:00:00Z")}, modified=stamp)
    meetings = [  # id, company, owner, instant, outcome, archived
        ("2001", "1001", JULIE, "2027-04-06T08:00:00Z", "COMPLETED", False),
        ("2002", "1002", JULIE, "2027-04-20T08:00:00Z", "COMPLETED", False),
        ("2003", "1003", JULIE, "2027-05-04T08:00:00Z", "SCHEDULED", False),
        ("2004", "1003", JULIE, "2027-05-11T08:00:00Z", "RESCHEDULED", False),
        ("2005", "1007", JULIE, "2027-05-18T08:00:00Z", "NO_SHOW", False),
        ("2006", "1007", JULIE, "2027-05-25T08:00:00Z", "CANCELED", False),
        ("2007", "1003", JULIE, "2027-07-05T08:00:00Z", "SCHEDULED", False),
        ("2008", "1004", JULIE, "2027-06-02T08:00:00Z", "COMPLETED", False),
        ("2009", "1007", JULIE, "2027-06-08T08:00:00Z", "COMPLETED", True),
        ("2010", "1001", JULIE, "2027-06-15T08:00:00Z", "COMPLETED", False),
        ("2011", "1003", JULIE, "2027-06-22T08:00:00Z", None, False),
        ("2021", "1005", LUC, "2027-04-12T08:00:00Z", "COMPLETED", False),
        ("2022", "1006", LUC, "2027-05-12T08:00:00Z", "COMPLETED", False),
        ("2023", "1005", LUC, "2027-06-01T08:00:00Z", "COMPLETED", False)]
    for mid, company, owner, when, outcome, archived in meetings:
        p.add("meetings", mid, {"hs_meeting_title": f"Visite {mid}", "hs_timestamp": t(when),
                                "hs_meeting_start_time": t(when), "hs_meeting_outcome": outcome,
                                "hs_activity_type": "Visite client", "hubspot_owner_id": owner},
              modified=min(t(when), stamp), archived=stamp if archived else None, companies=(company,))
    calls = [  # id, company, instant, status, disposition, archived
        ("3001", "1001", "2027-04-07T08:00:00Z", "COMPLETED", CONNECTED, False),
        ("3002", "1002", "2027-04-14T08:00:00Z", "COMPLETED", VOICEMAIL, False),
        ("3003", "1003", "2027-04-21T08:00:00Z", "COMPLETED", NO_ANSWER, False),
        ("3004", "1003", "2027-04-28T08:00:00Z", "COMPLETED", BUSY, False),
        ("3005", "1007", "2027-05-05T08:00:00Z", "NO_ANSWER", None, False),
        ("3006", "1007", "2027-05-12T08:00:00Z", "BUSY", None, False),
        ("3007", "1001", "2027-05-19T08:00:00Z", "COMPLETED", LIVE_MESSAGE, False),
        ("3008", "1002", "2027-05-26T08:00:00Z", "CANCELED", None, False),
        ("3009", "1001", "2027-06-02T08:00:00Z", "COMPLETED", CONNECTED, True),
        ("3010", "1003", "2027-06-09T08:00:00Z", "FAILED", None, False),
        ("3011", "1002", "2027-06-16T08:00:00Z", "COMPLETED", WRONG_NUMBER, False)]
    for kid, company, when, status, disposition, archived in calls:
        p.add("calls", kid, {"hs_call_title": f"Appel {kid}", "hs_timestamp": t(when), "hs_call_status": status,
                             "hs_call_direction": "OUTBOUND", "hs_call_disposition": disposition,
                             "hubspot_owner_id": JULIE}, modified=t(when),
              archived=stamp if archived else None, companies=(company,))
    tasks = [  # id, company, status, due, completed, archived
        ("4001", "1005", "COMPLETED", "2027-05-10T08:00:00Z", "2027-05-10T09:00:00Z", False),
        ("4002", "1006", "NOT_STARTED", "2027-06-10T08:00:00Z", None, False),
        ("4003", "1006", "COMPLETED", "2027-07-15T08:00:00Z", "2027-06-20T09:00:00Z", False),
        ("4004", "1005", "COMPLETED", "2027-03-25T08:00:00Z", "2027-04-02T09:00:00Z", False),
        ("4005", "1005", "IN_PROGRESS", "2027-06-12T08:00:00Z", None, False),
        ("4006", "1006", "COMPLETED", "2027-05-20T08:00:00Z", "2027-05-20T09:00:00Z", True)]
    for tid, company, status, due, done, archived in tasks:
        p.add("tasks", tid, {"hs_task_subject": "Relance devis", "hs_task_status": status, "hs_timestamp": t(due),
                             "hs_task_completion_date": t(done) if done else None, "hs_task_type": "TODO",
                             "hs_task_priority": "NONE", "hubspot_owner_id": JULIE},
              modified=min(t(done or due), stamp), archived=stamp if archived else None, companies=(company,))
    deals = [  # id, companies, primary, pipeline, stage, amount, currency, close, created, owner, archived
        ("5001", ("1001",), "1001", DIRECT, "v-signe", "12500.50", "EUR", "2027-04-15T10:00:00Z", "2027-02-01", JULIE,
         False),
        ("5002", ("1002",), "1002", DISTRIB, "d-gagne", "3000.25", "USD", "2027-05-20T10:00:00Z", "2027-02-01", JULIE,
         False),
        ("5003", ("1003", "1008"), "1008", DIRECT, "v-signe", "8000", "EUR", "2027-06-10T10:00:00Z", "2027-02-01",
         JULIE, False),
        ("5004", ("1001",), "1001", DIRECT, "v-perdu", "4000", "EUR", "2027-05-02T10:00:00Z", "2027-02-01", JULIE,
         False),
        ("5005", ("1003",), "1003", DISTRIB, "closedwon", "6000", "EUR", "2027-06-01T10:00:00Z", "2027-02-01", JULIE,
         False),
        ("5006", ("1001",), "1001", DIRECT, "v-signe", "2500", "EUR", "2027-05-05T10:00:00Z", "2027-02-01", JULIE,
         True),
        ("5007", ("1002",), "1002", DIRECT, "v-devis", "7000.75", "EUR", "2027-06-20T10:00:00Z", "2027-02-01",
         JULIE, False),
        ("5008", ("1005",), "1005", DISTRIB, "d-gagne", "1500.50", "EUR", "2027-03-10T10:00:00Z", "2027-02-01", LUC,
         False),
        ("5009", ("1006",), "1006", DIRECT, "v-signe", "2000", "EUR", "2026-05-05T10:00:00Z", "2026-02-01", LUC,
         False),
        ("5010", ("1005",), "1005", DISTRIB, "d-gagne", "1080", "USD", "2026-11-20T10:00:00Z", "2026-02-01", LUC,
         False),
        ("5011", ("1001",), "1001", DIRECT, "v-signe", "5000", "EUR", "2025-11-10T10:00:00Z", "2025-02-01", JULIE,
         False),
        ("5012", ("1004",), "1004", DIRECT, "v-signe", "9999", "EUR", "2027-04-01T10:00:00Z", "2027-02-01", JULIE,
         False),
        ("5013", ("1006",), "1006", DIRECT, "v-signe", "2999.99", "EUR", "2027-06-25T10:00:00Z", "2027-02-01", LUC,
         False),
        ("5014", ("1006",), "1006", DIRECT, "v-perdu", "800", "EUR", "2027-04-30T10:00:00Z", "2027-02-01", LUC,
         False),
        ("5015", ("1005",), "1005", DISTRIB, "d-annule", "1200", "EUR", "2027-05-15T10:00:00Z", "2027-02-01", LUC,
         False)]
    for did, on, primary, pipeline, stage, amount, currency, close, created, owner, archived in deals:
        props = {"dealname": f"Affaire {did}", "pipeline": pipeline, "dealstage": stage, "amount": amount,
                 "deal_currency_code": currency, "closedate": t(close), "createdate": t(created + "T09:00:00Z"),
                 "hubspot_owner_id": owner}
        # HubSpot calculates the amount in the company currency with the portal's rate (amount / 1.08 for USD)
        props["amount_in_home_currency"] = str(Decimal(amount) / USD_PER_EUR) if currency == "USD" else amount
        p.add("deals", did, props, modified=min(t(close), stamp), archived=stamp if archived else None,
              companies=on, primary=primary)
    return p


def the_day_after(p: Portal) -> None:
    """D7 moved from Ventes directes (v-devis, open) to Distribution's won stage: its pipeline and stage change, so
    its ``hs_lastmodifieddate`` moves."""
    rec = p.objects["deals"]["5007"]
    rec.set({"pipeline": DISTRIB, "dealstage": "d-gagne"}, CHANGES, user_id=9002)


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("hshand3")
    settings = one_connector_settings(tmp, PLAN, "hs-hand3", _mapping(tmp), "hand3")
    portal = build_portal()
    with Emulator(portal, page_cap=3) as emulator:
        first = sync(settings, emulator, [], clock=lambda: FIRST)
        written_first = _pac_records(portal)
        the_day_after(portal)
        second = sync(settings, emulator, [], clock=lambda: SECOND)
        yield first, second, emulator, written_first


def _pac_records(portal: Portal) -> dict[str, dict[str, str]]:
    """The PAC custom object records by key (``pac_key`` ends with ``:A-1``, ``:AX-CLI``...), their properties."""
    return {r.properties["pac_key"].rsplit(":", 1)[1]: dict(r.properties)
            for name, table in portal.objects.items() if name not in ("companies", "deals", "tasks")
            for r in table.values() if r.properties.get("pac_key")}


D2_EUR = cents(Decimal("3000.25") / USD_PER_EUR)          # 2,778.01


class TestNightOne:
    def test_no_error_and_no_refused_request(self, nights: Any) -> None:
        first, _second, emulator, _w = nights
        assert first.errors == []
        assert [r for r in emulator.refused] == []

    @pytest.mark.parametrize(("action", "done"), [("A-1", 3), ("A-2", 3), ("A-3", 2), ("A-4", 2)])
    def test_action_counts(self, nights: Any, action: str, done: int) -> None:
        assert nights[0].evaluation.action(action).done == done

    def test_axis_figures(self, nights: Any) -> None:
        ev = nights[0].evaluation
        cli, pro = ev.axis("AX-CLI"), ev.axis("AX-PRO")
        assert Decimal("2778.01") == D2_EUR
        assert (cli.revenue, cli.baseline) == (Decimal("12500.50") + D2_EUR, Decimal("3620.00"))
        assert (pro.revenue, pro.baseline) == (Decimal("4500.49"), Decimal("2000"))
        assert pro.objective == Decimal("1500.00")
        assert (cli.pace.value, pro.pace.value) == ("at_risk", "done")

    def test_kpis(self, nights: Any) -> None:
        ev = nights[0].evaluation
        got = {a: {k.kpi: k.value for k in ev.axis(a).kpis} for a in ("AX-CLI", "AX-PRO")}
        ratios = ("win_rate", "coverage", "visit_to_win", "reactivation_rate")
        shown = {a: {k: (None if v is None else round(float(v), 4) if k in ratios
                         else cents(Decimal(str(v))) if isinstance(v, (Decimal, float)) else v)
                     for k, v in kpis.items()} for a, kpis in got.items()}
        assert shown["AX-CLI"] == {
            "win_rate": 0.6667, "average_won_deal": Decimal("7639.26"), "coverage": 0.75, "accounts_visited": 3,
            "activities_done": 6, "visit_to_win": 0.6667, "new_accounts": 1, "reactivation_rate": 1.0,
            "pipeline_created": Decimal("32279.26"), "revenue_per_visit": Decimal("2546.42"),
            "won_deals": 2, "revenue": Decimal("15278.51")}
        assert shown["AX-PRO"] == {
            "win_rate": 0.5, "average_won_deal": Decimal("2250.25"), "coverage": 1.0, "accounts_visited": 2,
            "activities_done": 4, "visit_to_win": 0.5, "new_accounts": 0, "reactivation_rate": None,
            "pipeline_created": Decimal("6500.49"), "revenue_per_visit": Decimal("1125.12"),
            "won_deals": 2, "revenue": Decimal("4500.49")}


class TestWrittenBack:
    """What HubSpot holds after night 1: numbers as numbers, dates as YYYY-MM-DD (or midnight UTC), options that
    exist (the emulator refuses anything else, ``TestNightOne.test_no_error_and_no_refused_request``)."""

    def test_axis_records(self, nights: Any) -> None:
        records = nights[3]
        cli, pro = records["AX-CLI"], records["AX-PRO"]
        assert _num(cli, "pac_won_revenue") == Decimal("15278.51")
        assert _num(cli, "pac_baseline") == Decimal("3620")
        assert _num(cli, "pac_revenue") == Decimal("11658.51")
        assert _num(cli, "pac_objective") == Decimal("40000")
        assert _num(cli, "pac_progress_pct") == Decimal("29.1")
        assert _num(cli, "pac_roi") == Decimal("0.9323")
        assert cli["pac_pace"] == "at_risk"
        assert _num(pro, "pac_objective") == Decimal("1500")
        assert _num(pro, "pac_won_revenue") == Decimal("4500.49")
        assert _num(pro, "pac_revenue") == Decimal("2500.49")
        assert _num(pro, "pac_progress_pct") == Decimal("166.7")
        assert _num(pro, "pac_roi") == Decimal("1.763")
        assert pro["pac_pace"] == "done"
        for rec in (cli, pro):
            assert (rec["pac_window_start"], rec["pac_window_end"]) in {("2027-01-01", "2027-12-31"),
                                                                        ("1798761600000", "1830211200000")}

    def test_axis_kpi_properties(self, nights: Any) -> None:
        cli, pro = nights[3]["AX-CLI"], nights[3]["AX-PRO"]
        assert {k: _num(cli, k) for k in ("pac_win_rate_pct", "pac_coverage_pct", "pac_visit_to_win_pct",
                                          "pac_reactivation_rate_pct", "pac_average_won_deal",
                                          "pac_revenue_per_visit", "pac_pipeline_created", "pac_new_accounts")} == {
            "pac_win_rate_pct": Decimal("66.7"), "pac_coverage_pct": Decimal("75"),
            "pac_visit_to_win_pct": Decimal("66.7"), "pac_reactivation_rate_pct": Decimal("100"),
            "pac_average_won_deal": Decimal("7639.26"), "pac_revenue_per_visit": Decimal("2546.42"),
            "pac_pipeline_created": Decimal("32279.26"), "pac_new_accounts": Decimal("1")}
        assert {k: _num(pro, k) for k in ("pac_win_rate_pct", "pac_coverage_pct", "pac_visit_to_win_pct",
                                          "pac_reactivation_rate_pct", "pac_average_won_deal",
                                          "pac_revenue_per_visit", "pac_pipeline_created", "pac_new_accounts")} == {
            "pac_win_rate_pct": Decimal("50"), "pac_coverage_pct": Decimal("100"),
            "pac_visit_to_win_pct": Decimal("50"), "pac_reactivation_rate_pct": None,
            "pac_average_won_deal": Decimal("2250.25"), "pac_revenue_per_visit": Decimal("1125.12"),
            "pac_pipeline_created": Decimal("6500.49"), "pac_new_accounts": Decimal("0")}

    def test_action_records(self, nights: Any) -> None:
        records = nights[3]
        got = {a: (_num(records[a], "pac_done"), _num(records[a], "pac_target"), _num(records[a], "pac_progress_pct"),
                   records[a]["pac_pace"]) for a in ("A-1", "A-2", "A-3", "A-4")}
        assert got == {"A-1": (3, 4, Decimal("75"), "at_risk"), "A-2": (3, 4, Decimal("75"), "at_risk"),
                       "A-3": (2, 2, Decimal("100"), "done"), "A-4": (2, 2, Decimal("100"), "done")}
        assert records["A-1"].get("hubspot_owner_id") == JULIE
        # Luc's user is deactivated: his owner is archived, so pac leaves the owner unset (docs/hubspot.md §3)
        assert records["A-3"].get("hubspot_owner_id") in (None, "")
        for a in ("A-1", "A-2", "A-3", "A-4"):
            assert (records[a]["pac_window_start"], records[a]["pac_window_end"]) in {
                ("2027-04-01", "2027-06-30"), ("1806537600000", "1814313600000")}

    def test_companies(self, nights: Any) -> None:
        companies = nights[2].portal.objects["companies"]
        axes = {cid: companies[cid].properties.get("pac_axes") for cid in companies}
        assert {c for c, v in axes.items() if v == "AX-CLI"} == {"1001", "1002", "1003", "1007"}
        assert {c for c, v in axes.items() if v == "AX-PRO"} == {"1005", "1006"}
        assert {c for c, v in axes.items() if v} == {"1001", "1002", "1003", "1005", "1006", "1007"}
        assert {c for c in companies if companies[c].properties.get("pac_target") == "true"} == {
            "1001", "1002", "1003", "1005", "1006", "1007"}


class TestNightTwo:
    def test_no_error(self, nights: Any) -> None:
        assert nights[1].errors == []

    def test_the_moved_deal_counts(self, nights: Any) -> None:
        cli = nights[1].evaluation.axis("AX-CLI")
        assert cli.revenue == Decimal("22279.26")
        kpis = {k.kpi: k.value for k in cli.kpis}
        assert kpis["win_rate"] == pytest.approx(0.75)
        assert cents(Decimal(str(kpis["average_won_deal"]))) == Decimal("7426.42")

    def test_written(self, nights: Any) -> None:
        cli = _pac_records(nights[2].portal)["AX-CLI"]
        assert (_num(cli, "pac_won_revenue"), _num(cli, "pac_revenue"), _num(cli, "pac_progress_pct"),
                _num(cli, "pac_roi")) == (Decimal("22279.26"), Decimal("18659.26"), Decimal("46.6"), Decimal("2.0927"))
        assert (_num(cli, "pac_win_rate_pct"), _num(cli, "pac_average_won_deal"),
                _num(cli, "pac_revenue_per_visit")) == (Decimal("75"), Decimal("7426.42"), Decimal("3713.21"))


def test_last_synced_is_the_runs_instant(nights: Any) -> None:
    """pac_last_synced is a datetime property: the night's instant (02:00 UTC), in epoch milliseconds, on every PAC
    record; the date properties above are days."""
    stamps = {k: v.get("pac_last_synced") for k, v in nights[3].items()}
    assert set(stamps) == {"AX-CLI", "AX-PRO", "A-1", "A-2", "A-3", "A-4"}
    assert set(stamps.values()) == {str(int(FIRST.timestamp() * 1000))}


def test_fallback_deals_take_their_primary_companys_axes(tmp_path: Path) -> None:
    """A Starter portal (no custom objects): each deal gets the PAC values of its primary company (deal -> company
    type 5). D3 is on C3 (a targeted client, unlabelled, the smaller id) and on C8 (its primary, a partner no axis
    targets): it is not targeted, as it counts for no axis; D1 (C1) carries AX-CLI, D8 (C5) AX-PRO; D12 (C4, no
    région) nothing. The archived D6 is written nothing."""
    settings = one_connector_settings(tmp_path, PLAN, "hs-hand3", _mapping(tmp_path), "hand3")
    portal = build_portal()
    with Emulator(portal, page_cap=3, enterprise=False) as emulator:
        result = sync(settings, emulator, [], clock=lambda: FIRST)
    assert result.errors == []
    deals = portal.objects["deals"]
    got = {d: (deals[d].properties.get("pac_axes"), deals[d].properties.get("pac_target"))
           for d in ("5001", "5003", "5006", "5008", "5012")}
    assert got == {"5001": ("AX-CLI", "true"), "5003": (None, None), "5006": (None, None),
                   "5008": ("AX-PRO", "true"), "5012": (None, None)}


def test_the_emulator_checks_custom_object_values(nights: Any) -> None:
    """A guard on the fixture: a write to a PAC custom object by its objectTypeId is checked against the schema's
    property definitions, as a standard object's is (until audit hshand3 the emulator looked them up by the path's
    ``2-2`` and checked nothing, so the written types above were never checked on pac_axis and pac_action)."""
    emulator = nights[2]
    axis_type = next(s["objectTypeId"] for s in emulator.portal.schemas.values() if s["name"] == "pac_axis")
    for props in ({"pac_pace": "bogus"}, {"pac_roi": "0,93"}, {"pac_window_end": "2027-12-31T10:00:00Z"},
                  {"pac_unknown": "1"}):
        body = {"inputs": [{"id": "hand3:AX-CLI", "idProperty": "pac_key", "properties": props}]}
        status, answer, _ = emulator.objects("POST", [axis_type, "batch", "upsert"], {}, body)
        assert (status, answer["category"]) == (400, "VALIDATION_ERROR"), props
    assert _pac_records(emulator.portal)["AX-CLI"]["pac_pace"] == "at_risk"     # refused: nothing written


def _explained_details(settings: Any, item: str, lang: str) -> dict[str, str]:
    """`pac explain ITEM --lang LANG`'s detail column by deal name, a folded cell joined."""
    _out, rows = explain_table(settings, item, "--lang", lang)
    return {r[3]: r[-1].replace("\u202f", " ").replace("\u00a0", " ") for r in rows}


def test_explain_gives_the_portals_rate_of_a_converted_deal(tmp_path: Path) -> None:
    """`pac explain AX-CLI`: D2, USD 3,000.25 whose amount in company currency is 3,000.25 / 1.08, counts €2,778.01;
    its line gives HubSpot's rate as the Currencies settings write it, from the deal's currency to the company
    currency (``conversionRate``: "the exchange rate from the additional currency to your company currency", up to 6
    decimals): 1 / 1.08 = 0.925926 (audit explainrates). Seen failing before: "$3,000.25 in the CRM, converted" and no
    rate (2,778.01 / 3,000.25 is not exact to six places). D1, in euros, says nothing."""
    settings = one_connector_settings(tmp_path, PLAN, "hs-hand3", _mapping(tmp_path), "hand3")
    with Emulator(build_portal(), page_cap=3) as emulator:
        sync(settings, emulator, [], clock=lambda: FIRST)
    en = _explained_details(settings, "AX-CLI", "en")
    assert (en["Affaire 5002"], en["Affaire 5001"]) == (
        "$3,000.25 in the CRM = €2,778.01; HubSpot rate of its close date: 1 USD = 0.925926 EUR", "")
    assert _explained_details(settings, "AX-CLI", "fr")["Affaire 5002"] == (
        "3 000,25 $US dans le CRM = 2 778,01 € ; taux HubSpot de sa date de clôture : 1 USD = 0,925926 EUR")
