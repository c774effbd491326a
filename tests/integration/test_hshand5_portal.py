"""A HubSpot portal no earlier audit shaped, end to end on the documentation emulator (audit hshand5, 7 Dec 2026).

Every figure below was computed by hand from HubSpot's documentation and pac's documented rules BEFORE the first run
(the audit's report, /tmp/audits/hshand5/REPORT.md, keeps them as written then). Themes no earlier audit covered:

* association labels (v4): a deal on two companies, one under the portal's own label « Installateur » (category
  USER_DEFINED, on the smaller company id), the other under HubSpot's primary (typeId 5): it counts for the primary;
  a meeting on a child company and its parent (HubSpot-defined company -> company 13 / 14): for the child, unwarned;
* owners: Julie has two HubSpot users, 301 (active) and 304 (her old e-mail, deactivated: an ``archived`` owner), the
  old e-mail among her plan ``aliases``: a company and a meeting owned by 304 are hers, and she is not « leaving »;
* deals: a won stage labelled « Signé » (closed, probability 1.0) in a second pipeline; ``hs_forecast_category``
  COMMIT on an open deal (not read); a deal ``hs_is_closed_won`` whose ``dealstage`` belongs to the other pipeline:
  rejected ``unknown_stage`` until its pipeline is set right the next night;
* engagements: a meeting whose ``hs_timestamp`` (31 March) and start (2 April) differ: dated 31 March; a meeting
  rescheduled (RESCHEDULED, hs_timestamp 20 June, start moved to 5 July): not counted; a call of duration 0,
  COMPLETED, no outcome: counts; a call COMPLETED with outcome « No answer »: not counted, then counted once its
  outcome is « Connected »; a task of type CALL, completed: read with no type (``tasks.types`` left empty);
* geography for a département-scoped plan: zips « 69 003 » and « 69289 LYON CEDEX 02 », countries « France », « FR »,
  « fr » and none; a US company (Nebraska, zip 69001, state NE) out of département 69;
* time zones: plan Europe/Paris; closedate at midnight UTC (1 April 02:00 Paris), 2026-12-31T23:30Z (a 2027 deal in
  Paris), 2026-06-30T22:30Z (1 July 2026 in Paris: out of the 2026-to-date baseline) and 21:30Z (in it).

Plan Hand5 (Europe/Paris, EUR, 2027), nights on 30 June 2027; segment S-69 (département 69). AX-69 clients: +20,000
over 2026 to date, margin 0.3, budget 3,650 (1,810.00 to date). AX-JU Julie's accounts: +10,000 over a fixed 7,300
(x 181 / 365 = 3,620.00), margin 0.25, budget 1,460 (724.00 to date).

Night 1: A-1 Julie visits 3 (C1, C2 by her old user, C6 the child), A-2 Marc calls 2 (K1 duration 0, K3); AX-69
D1 8,000 + D2 5,000 + D3 3,000 = 16,000 over 2,500 (D5 1,500 + D6 1,000), ROI 1.2375; AX-JU D1 + D3 = 11,000 over
3,620, ROI 1.5483. Night 2 (D7 put in its pipeline, K2's outcome Connected): A-2 3; AX-69 20,000, ROI 1.9005.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.fakes import one_connector_settings
from tests.integration.hand_reading import kpis as _kpis
from tests.integration.hand_reading import num as _num
from tests.integration.hand_reading import pac_records as _pac_records
from tests.integration.hand_reading import tasks_mapping
from tests.integration.hs_docs_emulator import DATETIME_PROPS, NUMBER_PROPS, Emulator, Portal
from tests.integration.test_hs_docs_emulator import _stage, sync, t

JULIE, MARC, JULIE_OLD = "301", "302", "304"
PLAN = """\
plan: {name: "Hand5", year: 2027, timezone: Europe/Paris, currency: EUR, language: en}
people:
  - {email: nat@hand5.example, name: Nathalie Garnier, role: manager}
  - {email: julie@hand5.example, name: Julie Martin, role: rep, aliases: [julie.martin@old-hand5.example]}
  - {email: marc@hand5.example, name: Marc Leroy, role: rep}
segments:
  - {id: S-69, name: Rhone, kind: horizontal, scope: {departement: "69"}}
axes:
  - id: AX-69
    name: Clients du Rhone
    segment: S-69
    scope: {account_type: Client}
    status: active
    objective: {additional_revenue: 20000, margin_rate: 0.3, budget: 3650}
  - id: AX-JU
    name: Comptes de Julie
    segment: S-69
    scope: {account_owner: julie@hand5.example}
    status: active
    objective: {additional_revenue: 10000, baseline: 7300, margin_rate: 0.25, budget: 1460}
actions:
  - id: A-1
    axis: AX-69
    text: "Visit 3 clients in Q2"
    who: julie@hand5.example
    what: {activity: visit, count: 3}
    when: "Q2 2027"
  - id: A-2
    axis: AX-69
    text: "Call clients 3 times in Q2"
    who: marc@hand5.example
    what: {activity: call, count: 3, counting: activities}
    when: "Q2 2027"
"""

CONNECTED, NO_ANSWER = "f240bbac-87c9-4f6e-bf70-924b57d47db7", "73a0d17f-1163-4015-bdd5-ec830791da20"
VENTES, PROJETS = "p-ventes", "p-proj"
INSTALLER = 41            # the portal's own deal -> company label « Installateur » (USER_DEFINED)
FIRST, SECOND = t("2027-06-30T02:00:00Z"), t("2027-06-30T15:00:00Z")
CHANGES = t("2027-06-30T10:00:00Z")


def _mapping(tmp: Path) -> Path:
    """The shipped mapping, tasks read (their ``types`` left empty, as shipped), the portal's currency named."""
    return tasks_mapping(tmp, "hubspot.hand5.yaml")


def build_portal() -> Portal:
    p = Portal()
    p.add_owner(JULIE, 9201, "julie@hand5.example", "Julie", "Martin")
    p.add_owner(MARC, 9202, "marc@hand5.example", "Marc", "Leroy")
    p.add_owner(JULIE_OLD, 9204, "julie.martin@old-hand5.example", "Julie", "Martin", archived=True)
    standard = {"companies": ["name", "zip", "country", "state", "city", "industry", "annualrevenue",
                              "hubspot_owner_id", "hs_merged_object_ids", "hs_lastmodifieddate", "createdate"],
                "meetings": ["hs_meeting_title", "hs_timestamp", "hs_meeting_start_time", "hubspot_owner_id",
                             "hs_lastmodifieddate"],
                "calls": ["hs_call_title", "hs_timestamp", "hs_call_status", "hs_call_direction",
                          "hs_call_disposition", "hs_call_duration", "hubspot_owner_id", "hs_lastmodifieddate"],
                "deals": ["dealname", "pipeline", "dealstage", "amount", "amount_in_home_currency", "closedate",
                          "createdate", "deal_currency_code", "hs_exchange_rate", "hs_merged_object_ids",
                          "hs_forecast_category", "hs_is_closed_won", "hubspot_owner_id", "hs_lastmodifieddate"],
                "tasks": ["hs_task_subject", "hs_task_status", "hs_timestamp", "hs_task_completion_date",
                          "hs_task_type", "hs_task_priority", "hs_task_body", "hubspot_owner_id",
                          "hs_lastmodifieddate"],
                "line_items": ["name", "hs_sku", "quantity", "amount", "price", "hs_lastmodifieddate"]}
    for object_type, names in standard.items():
        for name in names:
            kind = ("datetime" if name in DATETIME_PROPS else "number" if name in NUMBER_PROPS else "string")
            p.define(object_type, name, kind, {"datetime": "date", "number": "number"}.get(kind, "text"))
    p.define("companies", "type", "enumeration", "select",
             [("PROSPECT", "Prospect"), ("PARTNER", "Partner"), ("CUSTOMER", "Client"), ("OTHER", "Other")])
    p.define("meetings", "hs_activity_type", "enumeration", "select", [("Visite client", "Visite client")])
    p.define("meetings", "hs_meeting_outcome", "enumeration", "select",
             [(v, v.title()) for v in ("SCHEDULED", "COMPLETED", "RESCHEDULED", "NO_SHOW", "CANCELED")])
    p.pipelines["deals"] = [
        {"id": VENTES, "label": "Ventes", "displayOrder": 0, "archived": False,
         "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z",
         "stages": [_stage("s-open", "Proposition", 0, False, "0.5"), _stage("s-gagne", "Gagné", 1, True, "1.0"),
                    _stage("s-perdu", "Perdu", 2, True, "0.0")]},
        {"id": PROJETS, "label": "Projets", "displayOrder": 1, "archived": False,
         "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z",
         "stages": [_stage("s-etude", "Étude", 0, False, "0.2"), _stage("s-signe", "Signé", 1, True, "1.0"),
                    _stage("s-abandon", "Abandonné", 2, True, "0.0")]}]
    p.user_labels[INSTALLER] = "Installateur"
    stamp = t("2027-06-20T10:00:00Z")
    companies = {  # id: name, zip, country, state, type, owner
        "2101": ("Lyon Soie", "69 003", "France", None, "CUSTOMER", JULIE),
        "2102": ("Lyon Sud", "69289 LYON CEDEX 02", "FR", None, "CUSTOMER", JULIE_OLD),
        "2103": ("Gerland Tech", "69007", "fr", None, "CUSTOMER", MARC),
        "2104": ("Caluire Pro", "69300", None, None, "CUSTOMER", MARC),
        "2105": ("McCook Valves", "69001", "United States", "NE", "CUSTOMER", JULIE),
        "2106": ("Villeurbanne Filiale", "69100", "France", None, "CUSTOMER", MARC),
        "2107": ("Groupe Rhône", "75008", "France", None, "CUSTOMER", JULIE),
        "2108": ("Lyon Installateur", "69002", "France", None, "PARTNER", MARC)}
    for cid, (name, zipcode, country, state, kind, owner) in companies.items():
        p.add("companies", cid, {"name": name, "zip": zipcode, "country": country, "state": state, "type": kind,
                                 "hubspot_owner_id": owner, "createdate": t("2024-03-01T09:00:00Z")}, modified=stamp)
    p.link("companies", "2106", "companies", "2107", [14])       # Villeurbanne Filiale: child of Groupe Rhône
    meetings = [  # id, companies, owner, hs_timestamp, start, outcome
        ("3101", ("2101",), JULIE, "2027-04-01T07:00:00Z", "2027-04-01T07:00:00Z", "COMPLETED"),
        ("3102", ("2102",), JULIE_OLD, "2027-05-12T08:00:00Z", "2027-05-12T08:00:00Z", "COMPLETED"),
        ("3103", ("2103",), JULIE, "2027-03-31T08:00:00Z", "2027-04-02T08:00:00Z", "COMPLETED"),
        ("3104", ("2105",), JULIE, "2027-05-20T15:00:00Z", "2027-05-20T15:00:00Z", "COMPLETED"),
        ("3105", ("2106", "2107"), JULIE, "2027-06-10T08:00:00Z", "2027-06-10T08:00:00Z", "COMPLETED"),
        ("3106", ("2103",), JULIE, "2027-06-20T08:00:00Z", "2027-07-05T08:00:00Z", "RESCHEDULED")]
    for mid, on, owner, when, start, outcome in meetings:
        p.add("meetings", mid, {"hs_meeting_title": f"Visite {mid}", "hs_timestamp": t(when),
                                "hs_meeting_start_time": t(start), "hs_meeting_outcome": outcome,
                                "hs_activity_type": "Visite client", "hubspot_owner_id": owner},
              modified=max(t(when), t("2027-06-22T09:00:00Z")) if mid == "3106" else t(when), companies=on)
    calls = [  # id, company, instant, disposition, duration (ms)
        ("5101", "2104", "2027-04-10T08:00:00Z", None, "0"),
        ("5102", "2104", "2027-05-10T08:00:00Z", NO_ANSWER, "0"),
        ("5103", "2103", "2027-06-01T08:00:00Z", CONNECTED, "300000")]
    for kid, company, when, disposition, duration in calls:
        p.add("calls", kid, {"hs_call_title": f"Appel {kid}", "hs_timestamp": t(when), "hs_call_status": "COMPLETED",
                             "hs_call_direction": "OUTBOUND", "hs_call_disposition": disposition,
                             "hs_call_duration": duration, "hubspot_owner_id": MARC},
              modified=t(when), companies=(company,))
    p.add("tasks", "8101", {"hs_task_subject": "Appeler Caluire Pro", "hs_task_type": "CALL",
                            "hs_task_status": "COMPLETED", "hs_timestamp": t("2027-06-05T08:00:00Z"),
                            "hs_task_completion_date": t("2027-06-05T09:00:00Z"), "hubspot_owner_id": MARC},
          modified=t("2027-06-05T09:00:00Z"), companies=("2104",))
    deals = [  # id, company, pipeline, stage, amount, close, created, extra
        ("6101", "2101", PROJETS, "s-signe", "8000", "2027-04-01T00:00:00Z", "2027-02-01", {}),
        ("6102", "2103", VENTES, "s-gagne", "5000", "2027-05-15T10:00:00Z", "2027-02-01", {}),
        ("6103", "2102", VENTES, "s-gagne", "3000", "2026-12-31T23:30:00Z", "2026-12-01", {}),
        ("6104", "2103", VENTES, "s-gagne", "2000", "2026-06-30T22:30:00Z", "2026-02-01", {}),
        ("6105", "2104", VENTES, "s-gagne", "1500", "2026-04-15T10:00:00Z", "2026-02-01", {}),
        ("6106", "2101", VENTES, "s-gagne", "1000", "2026-06-30T21:30:00Z", "2026-02-01", {}),
        ("6107", "2103", VENTES, "s-signe", "4000", "2027-05-20T10:00:00Z", "2027-02-01",
         {"hs_is_closed_won": "true"}),
        ("6108", "2106", PROJETS, "s-etude", "6000", "2027-09-30T10:00:00Z", "2027-03-01",
         {"hs_forecast_category": "COMMIT"}),
        ("6109", "2104", VENTES, "s-perdu", "2500", "2027-05-05T10:00:00Z", "2027-02-01", {}),
        ("6110", "2105", VENTES, "s-gagne", "9000", "2027-05-10T10:00:00Z", "2027-02-01", {})]
    for did, company, pipeline, stage, amount, close, created, extra in deals:
        p.add("deals", did, {"dealname": f"Affaire {did}", "pipeline": pipeline, "dealstage": stage, "amount": amount,
                             "deal_currency_code": "EUR", "closedate": t(close),
                             "createdate": t(created + "T09:00:00Z"), "hubspot_owner_id": JULIE, **extra},
              modified=min(t(close), stamp), companies=(company,), primary=company)
    p.link("deals", "6102", "companies", "2101", [341, INSTALLER])  # D2 also on Lyon Soie, as its installer
    return p


def night_two(p: Portal) -> None:
    """10:00 UTC: a user sets D7's pipeline to « Projets » (its stage « Signé » is that pipeline's) and K2's
    outcome to Connected (the client had called back during the call)."""
    p.objects["deals"]["6107"].set({"pipeline": PROJETS}, CHANGES, user_id=9202)
    p.objects["calls"]["5102"].set({"hs_call_disposition": CONNECTED}, CHANGES, user_id=9202)


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("hshand5")
    settings = one_connector_settings(tmp, PLAN, "hs-hand5", _mapping(tmp), "hand5")
    portal = build_portal()
    with Emulator(portal, page_cap=3) as emulator:
        first = sync(settings, emulator, [], clock=lambda: FIRST)
        written = [_pac_records(portal)]
        companies = [{c: (r.properties.get("pac_axes"), r.properties.get("pac_target"))
                      for c, r in portal.objects["companies"].items()}]
        night_two(portal)
        second = sync(settings, emulator, [], clock=lambda: SECOND)
        written.append(_pac_records(portal))
        yield (first, second), emulator, written, settings, companies


class TestNightOne:
    def test_no_error_and_no_refused_request(self, nights: Any) -> None:
        runs, emulator, _w, _s, _c = nights
        assert [r.errors for r in runs] == [[], []]
        assert emulator.refused == []

    def test_the_deal_with_a_stage_of_another_pipeline_is_rejected_then_counts(self, nights: Any) -> None:
        """D7 (``hs_is_closed_won`` true, pipeline Ventes, stage « Signé » of Projets): rejected and named night 1
        (partial, exit 1); its pipeline set right by night 2, it counts and the night is ok."""
        runs = nights[0]
        assert [(r.object, r.id, r.reason) for r in runs[0].new_rejections] == [
            ("deals", "6107", "stage 's-signe' is not a stage of pipeline 'p-ventes': it belongs to pipeline 'p-proj'")]
        assert (runs[1].rejections, [r.status.value for r in runs]) == ([], ["partial", "ok"])

    @pytest.mark.parametrize(("night", "action", "done", "pace"), [
        (0, "A-1", 3, "done"), (0, "A-2", 2, "at_risk"), (1, "A-1", 3, "done"), (1, "A-2", 3, "done")])
    def test_action_counts(self, nights: Any, night: int, action: str, done: int, pace: str) -> None:
        """A-1: C1 (M1), C2 (M2, owned by Julie's deactivated user, her alias), C6 (M5 on the child and its parent);
        M3 is dated 31 March by its hs_timestamp (Q1), M4 is on the US company, M6 is rescheduled. A-2: K1 (duration
        0, no outcome), K3; K2 (« No answer ») the second night only; the CALL task counts for nothing."""
        progress = nights[0][night].evaluation.action(action)
        assert (progress.done, progress.pace.value) == (done, pace)

    def test_axis_figures(self, nights: Any) -> None:
        """AX-69: D1 8,000 (midnight UTC, 1 April) + D2 5,000 (its primary Gerland Tech, not the installer's Lyon
        Soie) + D3 3,000 (23:30 UTC on 31 Dec 2026: 1 January 2027 in Paris) over 2026 to date D5 1,500 + D6 1,000
        (D4, 22:30 UTC on 30 June 2026, is 1 July in Paris). AX-JU: C1 and C2 (owned by Julie's old user): D1 + D3
        over 7,300 x 181 / 365."""
        first, second = (r.evaluation for r in nights[0])
        assert [(first.axis(a).revenue, first.axis(a).baseline, first.axis(a).pace.value) for a in ("AX-69", "AX-JU")
                ] == [(Decimal("16000"), Decimal("2500"), "on_track"), (Decimal("11000"), Decimal("3620"), "on_track")]
        assert (second.axis("AX-69").revenue, second.axis("AX-JU").revenue) == (Decimal("20000"), Decimal("11000"))

    def test_kpis(self, nights: Any) -> None:
        first, second = (r.evaluation for r in nights[0])
        assert _kpis(first, "AX-69") == {
            "reactivation_rate": None, "win_rate": 0.75, "visit_to_win": 0.2, "average_won_deal": Decimal("5333.33"),
            "coverage": 1.0, "new_accounts": 1, "revenue_per_visit": Decimal("3200.00"),
            "pipeline_created": Decimal("21500"), "accounts_visited": 5, "activities_done": 5, "won_deals": 3,
            "revenue": Decimal("16000")}
        assert _kpis(first, "AX-JU") == {
            "reactivation_rate": None, "win_rate": 1.0, "visit_to_win": None, "average_won_deal": Decimal("5500"),
            "coverage": 0.0, "new_accounts": 1, "revenue_per_visit": None, "pipeline_created": Decimal("8000"),
            "accounts_visited": 0, "activities_done": 0, "won_deals": 2, "revenue": Decimal("11000")}
        assert _kpis(second, "AX-69") == {
            "reactivation_rate": None, "win_rate": 0.8, "visit_to_win": 0.2, "average_won_deal": Decimal("5000"),
            "coverage": 1.0, "new_accounts": 1, "revenue_per_visit": Decimal("3333.33"),
            "pipeline_created": Decimal("25500"), "accounts_visited": 5, "activities_done": 6, "won_deals": 4,
            "revenue": Decimal("20000")}


class TestWrittenBack:
    @pytest.mark.parametrize(("night", "axis", "expected"), [
        (0, "AX-69", ("16000", "2500", "13500", "20000", "67.5", "1.2376", "on_track")),
        (0, "AX-JU", ("11000", "3620", "7380", "10000", "73.8", "1.5483", "on_track")),
        (1, "AX-69", ("20000", "2500", "17500", "20000", "87.5", "1.9006", "on_track"))])
    def test_axis_records(self, nights: Any, night: int, axis: str, expected: tuple[str, ...]) -> None:
        """ROI (13,500 x 0.3 - 1,810) / 1,810 = 1.23757; (7,380 x 0.25 - 724) / 724 = 1.54834; (17,500 x 0.3 -
        1,810) / 1,810 = 1.90055."""
        record = nights[2][night][axis]
        names = ("pac_won_revenue", "pac_baseline", "pac_revenue", "pac_objective", "pac_progress_pct", "pac_roi")
        assert (*(_num(record, n) for n in names), record["pac_pace"]) == (
            *(Decimal(v) for v in expected[:-1]), expected[-1])

    def test_no_advice_and_julie_is_not_leaving(self, nights: Any) -> None:
        """Julie's old user is deactivated, her current one active: she is not « leaving », nothing to reassign."""
        assert [nights[2][n][a]["pac_advice"] for n in (0, 1) for a in ("AX-69", "AX-JU")] == ["", "", "", ""]

    def test_action_records(self, nights: Any) -> None:
        got = [{a: (records[a]["pac_done"], records[a]["pac_progress_pct"], records[a]["pac_pace"],
                    records[a]["hubspot_owner_id"]) for a in ("A-1", "A-2")} for records in nights[2]]
        assert got == [{"A-1": ("3", "100", "done", JULIE), "A-2": ("2", "66.7", "at_risk", MARC)},
                       {"A-1": ("3", "100", "done", JULIE), "A-2": ("3", "100", "done", MARC)}]

    def test_companies(self, nights: Any) -> None:
        """Département 69 read from « 69 003 », « 69289 LYON CEDEX 02 », countries France / FR / fr / none; the US
        company at zip 69001 (Nebraska) and the Paris parent have none; the partner none."""
        assert nights[4][0] == {
            "2101": ("AX-69; AX-JU", "true"), "2102": ("AX-69; AX-JU", "true"), "2103": ("AX-69", "true"),
            "2104": ("AX-69", "true"), "2105": (None, None), "2106": ("AX-69", "true"), "2107": (None, None),
            "2108": (None, None)}


def test_the_child_company_visit_is_not_warned_of(nights: Any) -> None:
    """M5 on Villeurbanne Filiale and its parent Groupe Rhône: counted for the child, no « several companies »."""
    assert [w for r in nights[0] for w in r.warnings if w.id == "3105"] == []


def test_a_meeting_rescheduled_to_a_later_day_is_not_called_stale(nights: Any) -> None:
    """M6 (Gerland Tech, Julie): logged for 20 June, its outcome RESCHEDULED and its start moved to 5 July. It is
    planned for 5 July, not « still planned on a past date »: no warning asking to update its outcome (the rep did).
    Seen failing before the fix: « planned_past: still planned on 2027-06-20, a past date: update its outcome or
    status in the CRM for it to count (A-1) » every night until 5 July."""
    assert [(w.id, w.reason) for r in nights[0] for w in r.warnings if w.id == "3106"] == []


def test_the_same_portal_in_fallback_mode(tmp_path: Path) -> None:
    """A Starter portal (no custom objects), tasks read: pac writes one task per action (night 2: A-1 3, A-2 3), never
    reads them back as the reps' tasks (Marc's CALL task stays the one read, counted for nothing), and each deal gets
    its primary company's PAC values: D2 those of Gerland Tech (its primary), not of Lyon Soie (its « Installateur »);
    D10, on the US company at zip 69001, none."""
    settings = one_connector_settings(tmp_path, PLAN, "hs-hand5", _mapping(tmp_path), "hand5")
    portal = build_portal()
    with Emulator(portal, page_cap=3, enterprise=False) as emulator:
        runs = [sync(settings, emulator, [], clock=lambda: FIRST)]
        night_two(portal)
        runs.append(sync(settings, emulator, [], clock=lambda: SECOND))
    assert [r.errors for r in runs] == [[], []]
    assert [p for p in emulator.refused if "schemas" not in p[1]] == []
    assert [runs[1].evaluation.action(a).done for a in ("A-1", "A-2")] == [3, 3]
    tasks = {r.properties.get("pac_key"): (r.properties.get("pac_done"), r.properties.get("hubspot_owner_id"))
             for r in portal.objects["tasks"].values()}
    assert tasks == {None: (None, MARC), "hand5:A-1": ("3", JULIE), "hand5:A-2": ("3", MARC)}
    deals = portal.objects["deals"]
    assert {d: deals[d].properties.get("pac_axes") for d in ("6101", "6102", "6107", "6110")} == {
        "6101": "AX-69; AX-JU", "6102": "AX-69", "6107": "AX-69", "6110": None}
