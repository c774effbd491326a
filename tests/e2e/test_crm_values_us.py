"""Every PAC value the sync writes into both CRMs for the US organisation of test_report_hand_us.py, read back over
the sandbox's HTTP APIs as a CRM user sees it, against that file's hand figures (audit crmhandus, 6 Dec 2026).

The organisation (« Midwest Pumps FY2027-28 »: English, USD, fiscal year from 1 April 2027, ``attribution: split``,
AX-PUMP's « +25 % » objective, AX-CUST's fixed baseline of $50,000) is synced once into a Salesforce org and once
into a HubSpot portal of the sandbox, each holding the plan's three reps and seven accounts, through the real
pipeline and connectors (provisioning, upserts, account updates); the records the plan counts (the file's deals and
activities, on the CRM's own account and owner ids) are those the connector reads, so the figures are the file's.
Evaluated at the fiscal Q2 report's instant, 1 October 2027 00:00 Chicago: every figure is the hand-computed one.

Expected, from the hand figures (written before the write-back code was read):
- AX-PUMP: objective 3,675, won 17,900, baseline 7,000, additional 10,900, progress 296.6 %, ROI 1.9067, pace done
  (« Objective reached »), actions 7 / 8; win rate 80.0, visit-to-win 25.0, coverage 100.0, reactivation none,
  average won deal 7,450 (whole deals: 29,800 / 4), new accounts 0, revenue per visit 2,557.14 (17,900 / 7),
  pipeline created 29,000;
- AX-CUST: 40,000, 18,600, 25,000 (the fixed 50,000 × 183 / 366), -6,400, -16.0 %, -1.32, at risk, actions 2 / 4;
  100.0, 33.3, 100.0, none, 8,000 (40,000 / 5), 0, 6,200 (18,600 / 3), 25,000; advice: drop, for AX-HC;
- AX-HC: 30,000, 18,500, 3,000, 15,500, 51.7 %, 2.4444, on track, prioritised n° 1, actions 6 / 7; 75.0, 100.0,
  100.0, none, 7,500, 0, 2,642.86 (18,500 / 7), 5,000;
- actions: A-01 3 / 3 100 % done (July), A-02 4 / 5 80 % missed (fiscal Q2), A-03 3 / 2 150 % done (August), A-04
  0 / 2 not started (fiscal Q3), A-05 3 / 4 75 % missed, A-06 4 / 3 133.3 % done (June);
- accounts: Acme and Bolt « AX-CUST; AX-PUMP », Cogs « AX-PUMP », Elm « AX-CUST; AX-HC; AX-PUMP », Fir and Gulf
  « AX-HC », all targeted; Delta (Atlanta) none.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from connectors.base import ObjectKind
from pac_config.loader import config_dir
from pac_config.settings import load_settings
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.run import sandbox_env
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.salesforce.org import user_fields
from sandbox_crm.server import SandboxServer
from sync_jobs.pipeline import run_sync
from tests.e2e.test_report_hand_us import ACCOUNTS, ACTIVITIES, DEALS, PLAN
from tests.fakes import Clock, sandbox_connectors

PEOPLE = {"u1": ("alex@pumps.example", "Alex Kim"), "u2": ("sam@pumps.example", "Sam Ortiz"),
          "u3": ("jordan@pumps.example", "Jordan Lee")}
AT = datetime(2027, 10, 1, 5, tzinfo=UTC)       # 1 October 2027 00:00 CDT: the fiscal Q2 report's instant
KEY = "midwest-pumps-fy2027-28:"

KPIS = {
    "AX-PUMP": "Win rate: 80% (4 / 5) · Average won deal: $7,450 ($29,800 / 4) · Pipeline created: $29,000",
    "AX-CUST": ("Reactivation rate: – · Win rate: 100% (5 / 5) · Visit-to-win conversion: 33% (1 / 3) · "
                "Average won deal: $8,000 ($40,000 / 5) · Scope coverage: 100% (3 / 3) · New accounts: 0 · "
                "Revenue per visit: $6,200 ($18,600 / 3) · Pipeline created: $25,000\n"
                "Fixed baseline: $50,000 × 183 / 366 days = $25,000"),
    "AX-HC": "Scope coverage: 100% (3 / 3) · New accounts: 0",
}
ADVICE = {"AX-PUMP": "", "AX-HC": "",
          "AX-CUST": ('Drop axis "Midwest customers" (ROI to date −132% after 50% of the period, threshold 0%) in '
                      'favour of "Healthcare accounts" (ROI to date 244%).')}
# axis: name, status, priority, objective, won, baseline, additional, progress %, ROI, pace, target, done,
#   win rate, visit-to-win, coverage, reactivation, average won deal, new accounts, revenue per visit, pipeline
AXES = {
    "AX-PUMP": ("AX-PUMP Pump line Midwest", "active", None, 3675, 17900, 7000, 10900, 296.6, 1.9067, "done", 8, 7,
                80, 25, 100, None, 7450, 0, 2557.14, 29000),
    "AX-CUST": ("AX-CUST Midwest customers", "active", None, 40000, 18600, 25000, -6400, -16, -1.32, "at_risk", 4, 2,
                100, 33.3, 100, None, 8000, 0, 6200, 25000),
    "AX-HC": ("AX-HC Healthcare accounts", "prioritised", 1, 30000, 18500, 3000, 15500, 51.7, 2.4444, "on_track", 7,
              6, 75, 100, 100, None, 7500, 0, 2642.86, 5000),
}
# action: axis, owner, target, done, progress %, pace, window
ACTIONS = {
    "A-01": ("AX-PUMP", "alex", 3, 3, 100, "done", ("2027-07-01", "2027-07-31")),
    "A-02": ("AX-PUMP", "sam", 5, 4, 80, "late", ("2027-07-01", "2027-09-30")),
    "A-03": ("AX-CUST", "sam", 2, 3, 150, "done", ("2027-08-01", "2027-08-31")),
    "A-04": ("AX-CUST", "alex", 2, 0, 0, "not_started", ("2027-10-01", "2027-12-31")),
    "A-05": ("AX-HC", "jordan", 4, 3, 75, "late", ("2027-07-01", "2027-09-30")),
    "A-06": ("AX-HC", "jordan", 3, 4, 133.3, "done", ("2027-06-01", "2027-06-30")),
}
TARGETED = {"Acme Tools": "AX-CUST; AX-PUMP", "Bolt Works": "AX-CUST; AX-PUMP", "Cogs Inc": "AX-PUMP",
            "Delta Mfg": None, "Elm Clinic": "AX-CUST; AX-HC; AX-PUMP", "Fir Hospital": "AX-HC", "Gulf Labs": "AX-HC"}


def _settings(tmp: Path, crm: str, name: str) -> Any:
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "plan.pac.yaml").write_text(PLAN, encoding="utf-8")
    text = (config_dir() / "mappings" / f"{crm}.default.yaml").read_text(encoding="utf-8")
    if crm == "salesforce":     # a US single-currency org
        text = text.replace("org_currency: EUR ", "org_currency: USD ").replace("default_country: FR",
                                                                               "default_country: US")
    (tmp / "mapping.yaml").write_text(text, encoding="utf-8")
    prefix = "PAC_SF_" if crm == "salesforce" else "PAC_HS_"
    (tmp / "pac.yaml").write_text(
        f"database_url: 'sqlite:///{tmp / 'pac.db'}'\n"
        f"connectors:\n  - {{name: {name}, crm: {crm}, mapping: '{tmp / 'mapping.yaml'}', env_prefix: {prefix}}}\n"
        f"plans:\n  - {{name: pumps, file: '{tmp / 'plan.pac.yaml'}', connectors: [{name}], "
        "as_of: '2027-10-01T00:00:00-05:00'}\n"
        "engine:\n  attribution: split\n  fx_rates: {EUR: 1.08}\n", encoding="utf-8")
    return load_settings(tmp / "pac.yaml", env={})


def _sync(settings: Any, server: SandboxServer, name: str, accounts: dict[str, str], owners: dict[str, str]) -> None:
    """One sync through the real connector, which reads the file's accounts, deals and activities on the CRM's own
    ids (its users and PAC records it reads from the sandbox)."""
    held = {ObjectKind.ACCOUNTS: [replace(a, id=accounts[a.id], source=name) for a in ACCOUNTS],
            ObjectKind.DEALS: [replace(d, source=name, account_id=accounts[d.account_id or ""],
                                       owner_id=owners[d.owner_id or ""]) for d in DEALS],
            ObjectKind.ACTIVITIES: [replace(a, source=name, account_id=accounts[a.account_id or ""],
                                            owner_id=owners[a.owner_id or ""]) for a in ACTIVITIES]}
    connectors = sandbox_connectors(settings, server)
    connector = connectors[name]
    pull = connector.pull

    def reads(kind: ObjectKind, since: datetime | None, *, full: bool = False, part: str | None = None) -> Any:
        if kind in held:    # once, in the first part of a kind read in parts (Salesforce's events, then tasks)
            first = part is None or part == connector.parts(kind)[0]
            return iter(held[kind] if (since is None or full) and first else [])
        return pull(kind, since, full=full, part=part)

    connector.pull = reads
    try:
        result = run_sync(None, settings, connectors=connectors, clock=Clock(AT))
    finally:
        connector.close()
    assert result.status == "ok" and not result.errors, result


def _salesforce(server: SandboxServer, api: SalesforceApi, tmp: Path) -> dict[str, Any]:
    owners = {k: api.org.insert("User", user_fields(e, n)) for k, (e, n) in PEOPLE.items()}
    accounts = {a.id: api.org.insert("Account", {"Name": a.name, "BillingPostalCode": a.postal_code,
                                                  "BillingCountry": "United States", "Industry": a.industry,
                                                  "Type": a.account_type}) for a in ACCOUNTS}
    _sync(_settings(tmp, "salesforce", "sf-main"), server, "sf-main", accounts, owners)
    env = sandbox_env(server)
    base, ca = f"https://{env['PAC_SF_DOMAIN']}", env["PAC_SF_CA_BUNDLE"]
    token = requests.post(f"{base}/services/oauth2/token", verify=ca, timeout=30, data={
        "grant_type": "client_credentials", "client_id": env["PAC_SF_CLIENT_ID"],
        "client_secret": env["PAC_SF_CLIENT_SECRET"]}).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}

    def query(soql: str) -> list[dict[str, Any]]:
        got = requests.get(f"{base}/services/data/v62.0/query", params={"q": soql}, headers=headers, verify=ca,
                           timeout=30).json()
        return list(got["records"])

    out: dict[str, Any] = {}
    for obj in ("PAC_Axis__c", "PAC_Action__c"):
        described = requests.get(f"{base}/services/data/v62.0/sobjects/{obj}/describe", headers=headers, verify=ca,
                                 timeout=30).json()
        fields = [f["name"] for f in described["fields"] if f["name"].startswith("PAC_") or f["name"] == "Name"]
        out[obj] = {r["PAC_Key__c"].removeprefix(KEY): r
                    for r in query(f"SELECT {', '.join(fields)}, Owner.Email FROM {obj}")}  # noqa: S608 (describe names)
    out["Account"] = {r["Name"]: r for r in query("SELECT Name, PAC_Axes__c, PAC_Target__c FROM Account")}
    return out


def _hubspot(server: SandboxServer, api: HubSpotApi, tmp: Path) -> dict[str, Any]:
    owners = {k: api.add_owner(e, *n.split()) for k, (e, n) in PEOPLE.items()}
    companies = {a.id: api.add("companies", {"name": a.name, "zip": a.postal_code, "country": "United States",
                                             "industry": a.industry}) for a in ACCOUNTS}
    _sync(_settings(tmp, "hubspot", "hs-main"), server, "hs-main", companies, owners)
    env = sandbox_env(server)
    host, ca = env["PAC_HS_HOST"], env["PAC_HS_CA_BUNDLE"]
    headers = {"Authorization": f"Bearer {env['PAC_HS_ACCESS_TOKEN']}"}

    def get(path: str, **params: Any) -> Any:
        return requests.get(f"{host}{path}", params=params, headers=headers, verify=ca, timeout=30).json()

    out: dict[str, Any] = {"owners": {v: PEOPLE[k][0] for k, v in owners.items()}}
    for obj in ("pac_axis", "pac_action"):
        props = get(f"/crm/v3/properties/{obj}")["results"]
        out[f"{obj}.options"] = {p["name"]: {o["value"]: o["label"] for o in p.get("options", [])} for p in props}
        rows = get(f"/crm/v3/objects/{obj}", properties=",".join(p["name"] for p in props), limit=100)["results"]
        out[obj] = {r["properties"]["pac_key"].removeprefix(KEY): r["properties"] for r in rows}
    rows = get("/crm/v3/objects/companies", properties="name,pac_axes,pac_target", limit=100)["results"]
    out["companies"] = {r["properties"]["name"]: r["properties"] for r in rows}
    return out


@pytest.fixture(scope="module")
def crms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("crmvalues")
    salesforce, hubspot = SalesforceApi(None, multi_currency=False), HubSpotApi(None)
    salesforce.org.currency = "USD"
    with SandboxServer([salesforce, hubspot]) as server:
        yield {"sf": _salesforce(server, salesforce, tmp / "sf"), "hs": _hubspot(server, hubspot, tmp / "hs")}


def _number(text: str | None) -> float | None:
    return None if text in (None, "") else float(text)      # type: ignore[arg-type]


@pytest.mark.parametrize("axis", list(AXES))
def test_salesforce_axis(crms: dict[str, Any], axis: str) -> None:
    (name, status, priority, objective, won, baseline, additional, progress, roi, pace, target, done, win, v2w,
     coverage, reactivation, average, new, per_visit, pipeline) = AXES[axis]
    row = crms["sf"]["PAC_Axis__c"][axis]
    assert (row["Name"], row["PAC_Plan__c"], row["PAC_Status__c"], row["PAC_Priority__c"]) == (
        name, "Midwest Pumps FY2027-28", status, priority)
    assert [row[f] for f in ("PAC_Objective__c", "PAC_Won_Revenue__c", "PAC_Baseline__c", "PAC_Revenue__c",
                             "PAC_Progress_Pct__c", "PAC_ROI__c", "PAC_Pace__c", "PAC_Target__c", "PAC_Done__c")] == [
        objective, won, baseline, additional, progress, roi, pace, target, done]
    assert [row[f] for f in ("PAC_Win_Rate__c", "PAC_Visit_To_Win__c", "PAC_Coverage__c", "PAC_Reactivation_Rate__c",
                             "PAC_Average_Won_Deal__c", "PAC_New_Accounts__c", "PAC_Revenue_Per_Visit__c",
                             "PAC_Pipeline_Created__c")] == [
        win, v2w, coverage, reactivation, average, new, per_visit, pipeline]
    assert (row["PAC_Window_Start__c"], row["PAC_Window_End__c"], row["PAC_Plan_End__c"]) == (
        "2027-04-01", "2028-03-31", "2028-03-31")
    assert row["PAC_KPIs__c"] == KPIS[axis]
    assert row["PAC_Advice__c"] == ADVICE[axis]


@pytest.mark.parametrize("axis", list(AXES))
def test_hubspot_axis(crms: dict[str, Any], axis: str) -> None:
    """The same figures, as HubSpot number properties (percent figures as Salesforce's: 296.6 for 296.6 %)."""
    (name, status, priority, objective, won, baseline, additional, progress, roi, pace, _target, _done, win, v2w,
     coverage, reactivation, average, new, per_visit, pipeline) = AXES[axis]
    row = crms["hs"]["pac_axis"][axis]
    assert (row["pac_name"], row["pac_status"], _number(row["pac_priority"])) == (name, status, priority)
    assert [_number(row[p]) for p in ("pac_objective", "pac_won_revenue", "pac_baseline", "pac_revenue",
                                      "pac_progress_pct", "pac_roi")] == [
        objective, won, baseline, additional, progress, roi]
    assert [_number(row[p]) for p in ("pac_win_rate_pct", "pac_visit_to_win_pct", "pac_coverage_pct",
                                      "pac_reactivation_rate_pct", "pac_average_won_deal", "pac_new_accounts",
                                      "pac_revenue_per_visit", "pac_pipeline_created")] == [
        win, v2w, coverage, reactivation, average, new, per_visit, pipeline]
    assert row["pac_pace"] == pace
    assert (row["pac_window_start"], row["pac_window_end"], row["pac_plan_end"]) == (
        "2027-04-01", "2028-03-31", "2028-03-31")
    assert row["pac_kpis"] == KPIS[axis]
    assert row["pac_advice"] == ADVICE[axis]


def test_hubspot_pace_labels_are_the_reports_english_words(crms: dict[str, Any]) -> None:
    hs = crms["hs"]
    assert hs["pac_axis.options"]["pac_pace"]["done"] == "Objective reached"
    assert hs["pac_action.options"]["pac_pace"]["done"] == "Done"
    assert {v: hs["pac_action.options"]["pac_pace"][v] for v in ("late", "at_risk", "on_track", "not_started")} == {
        "late": "Missed", "at_risk": "At risk", "on_track": "On track", "not_started": "Not started"}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_actions_in_both_crms(crms: dict[str, Any], action: str) -> None:
    axis, who, target, done, progress, pace, (start, end) = ACTIONS[action]
    email = f"{who}@pumps.example"
    statement = next(a["text"] for a in yaml.safe_load(PLAN)["actions"] if a["id"] == action)
    sf = crms["sf"]["PAC_Action__c"][action]
    assert (sf["Name"], sf["PAC_Text__c"]) == (f"{action} {statement}", statement)
    assert [sf[f] for f in ("PAC_Axis_Key__c", "PAC_Target__c", "PAC_Done__c", "PAC_Progress_Pct__c", "PAC_Pace__c",
                            "PAC_Window_Start__c", "PAC_Window_End__c", "PAC_Status__c", "PAC_Plan_End__c")] == [
        KEY + axis, target, done, progress, pace, start, end, "planned", "2028-03-31"]
    assert sf["Owner"]["Email"] == email and sf["PAC_Axis__c"]
    hs = crms["hs"]["pac_action"][action]
    assert (hs["pac_name"], hs["pac_text"], hs["pac_axis_key"], hs["pac_pace"], hs["pac_status"]) == (
        sf["Name"], statement, KEY + axis, pace, "planned")
    assert [_number(hs[p]) for p in ("pac_target", "pac_done", "pac_progress_pct")] == [target, done, progress]
    assert (hs["pac_window_start"], hs["pac_window_end"]) == (start, end)
    assert crms["hs"]["owners"][hs["hubspot_owner_id"]] == email


def test_accounts_in_both_crms(crms: dict[str, Any]) -> None:
    sf = {n: (r["PAC_Axes__c"], r["PAC_Target__c"]) for n, r in crms["sf"]["Account"].items()}
    assert sf == {n: (axes, axes is not None) for n, axes in TARGETED.items()}
    hs = {n: (r["pac_axes"], r["pac_target"]) for n, r in crms["hs"]["companies"].items()}
    assert hs == {n: (axes, "true" if axes else None) for n, axes in TARGETED.items()}
