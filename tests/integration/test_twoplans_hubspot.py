"""Two sales managers, two plans, one HubSpot portal (audit twoplans, 7 Dec 2026): the company of
``test_twoplans_salesforce`` on a portal whose company currency is EUR (``amount_in_home_currency`` = amount / 1.5,
unrounded, as HubSpot calculates it), ``engine.fx_rates: {CAD: {EUR: 1.5}}`` keyed by the Québec plan's currency (the
EUR deal of the CAD plan), through pac's real HubSpot connector and sync pipeline against the portal emulated from
HubSpot's documentation (``hs_docs_emulator``).

Hand expectations: the same counts and revenue as on Salesforce (``twoplans_org``); HubSpot has no all-day meeting, so
Luc's L3 is a meeting at 00:00 Toronto of 1 April (the window's first instant); each company's ``pac_axes`` as each
account's ``PAC_Axes__c``, and each company linked to the axis records its ``pac_axes`` names: V-LYON to the France
plan's AX-RA and AX-KEY and the Québec plan's AX-KEY, V-MTL to the Québec plan's AX-QC and both AX-KEYs; no write on a
night with no change, none when one plan's file cannot be read, the France plan's axes and links off once its period
is over (V-LYON then « AX-KEY », linked to the Québec plan's record only).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from sync_jobs.pipeline import run_sync
from sync_jobs.run_context import RunResult
from tests.fakes import default_mapping_path
from tests.integration.hs_docs_emulator import DATETIME_PROPS, NUMBER_PROPS, Emulator, Portal
from tests.integration.test_hs_docs_emulator import _stage, connectors_for
from tests.integration.twoplans_org import (
    ACCOUNTS,
    AFTER_FR_END,
    BOTH,
    CAD_PER_EUR,
    COUNTS,
    DEALS,
    FR,
    FR_FIRST_ALONE,
    N1,
    N1B,
    N2,
    N3,
    N3B,
    QC,
    QC_FIRST_ALONE,
    QC_PLAN,
    REVENUE,
    ROI,
    VISITS,
    settings,
    utc,
)

PLAN_NAMES = {FR: "france", QC: "quebec"}
OWNERS = {"karim": "401", "julie": "402", "luc": "403"}
PIPE, WON = "p-ventes", "s-won"
COMPANY = {a.key: str(2101 + i) for i, a in enumerate(ACCOUNTS)}
TORONTO_MIDNIGHT_1_APRIL = utc(2027, 4, 1, 4, 0)


def _mapping(tmp: Path) -> Path:
    """The shipped mapping, the portal's company currency named (EUR)."""
    text = default_mapping_path().read_text(encoding="utf-8")
    assert "  home_currency: null" in text
    path = tmp / "hubspot.twoplans.yaml"
    path.write_text(text.replace("  home_currency: null", "  home_currency: EUR", 1), encoding="utf-8")
    return path


def build_portal() -> Portal:
    p = Portal()
    for rep, oid in OWNERS.items():
        p.add_owner(oid, 9000 + int(oid), f"{rep}@vega.example", rep.title(), "X")
    standard = {"companies": ["name", "zip", "country", "industry", "annualrevenue", "hubspot_owner_id",
                              "hs_merged_object_ids", "hs_lastmodifieddate", "createdate"],
                "meetings": ["hs_meeting_title", "hs_timestamp", "hs_meeting_start_time", "hubspot_owner_id",
                             "hs_lastmodifieddate"],
                "calls": ["hs_call_title", "hs_timestamp", "hs_call_status", "hs_call_direction",
                          "hs_call_disposition", "hubspot_owner_id", "hs_lastmodifieddate"],
                "deals": ["dealname", "pipeline", "dealstage", "amount", "amount_in_home_currency", "closedate",
                          "createdate", "deal_currency_code", "hs_exchange_rate", "hs_merged_object_ids",
                          "hubspot_owner_id", "hs_lastmodifieddate"],
                "tasks": ["hs_task_subject", "hs_task_status", "hs_timestamp", "hs_task_completion_date",
                          "hs_task_type", "hs_task_priority", "hs_task_body", "hubspot_owner_id",
                          "hs_lastmodifieddate"]}
    for object_type, names in standard.items():
        for name in names:
            kind = ("datetime" if name in DATETIME_PROPS else "number" if name in NUMBER_PROPS | {"hs_exchange_rate"}
                    else "string")
            p.define(object_type, name, kind, {"datetime": "date", "number": "number"}.get(kind, "text"))
    p.define("companies", "type", "enumeration", "select",
             [("KEY_ACCOUNT", "Grand compte"), ("CUSTOMER", "Client"), ("OTHER", "Other")])
    p.define("meetings", "hs_activity_type", "enumeration", "select", [("Visite client", "Visite client")])
    p.define("meetings", "hs_meeting_outcome", "enumeration", "select",
             [(v, v.title()) for v in ("SCHEDULED", "COMPLETED", "RESCHEDULED", "NO_SHOW", "CANCELED")])
    p.pipelines["deals"] = [
        {"id": PIPE, "label": "Ventes", "displayOrder": 0, "archived": False, "createdAt": "2024-01-01T00:00:00.000Z",
         "updatedAt": "2024-01-01T00:00:00.000Z",
         "stages": [_stage("s-open", "Proposition", 0, False, "0.5"), _stage(WON, "Gagnée", 1, True, "1.0")]}]
    stamp = utc(2027, 6, 1, 9, 0)
    for a in ACCOUNTS:
        p.add("companies", COMPANY[a.key], {"name": a.name, "zip": a.postal, "country": a.country,
                                            "type": "KEY_ACCOUNT" if a.kind == "Grand compte" else "CUSTOMER",
                                            "hubspot_owner_id": OWNERS["karim"],
                                            "createdate": utc(2024, 3, 1, 9, 0)}, modified=stamp)
    for i, (key, rep, account, when) in enumerate(VISITS):
        at = when if isinstance(when, datetime) else TORONTO_MIDNIGHT_1_APRIL     # no all-day meeting in HubSpot
        p.add("meetings", str(3001 + i), {"hs_meeting_title": key, "hs_timestamp": at, "hs_meeting_start_time": at,
                                          "hs_meeting_outcome": "COMPLETED", "hs_activity_type": "Visite client",
                                          "hubspot_owner_id": OWNERS[rep]},
              modified=stamp, companies=(COMPANY[account],))
    for i, (key, account, amount, currency, _, close) in enumerate(DEALS):
        home = amount / CAD_PER_EUR if currency == "CAD" else amount      # HubSpot's, unrounded
        p.add("deals", str(6001 + i), {"dealname": key, "pipeline": PIPE, "dealstage": WON, "amount": str(amount),
                                       "deal_currency_code": currency, "amount_in_home_currency": str(home),
                                       "hs_exchange_rate": str(home / amount), "closedate": close,
                                       "createdate": utc(2027, 1, 10, 9, 0), "hubspot_owner_id": OWNERS["karim"]},
              modified=stamp, companies=(COMPANY[account],), primary=COMPANY[account])
    return p


def _sync(cfg: Any, emulator: Emulator, plan: str, now: datetime, provision: bool) -> RunResult:
    emulator.portal.now = now - timedelta(minutes=1)
    connectors = connectors_for(cfg, emulator, [])
    try:
        if provision:
            for c in connectors.values():
                c.provision_schema()
        return run_sync(PLAN_NAMES[plan], cfg, connectors=connectors, clock=lambda: now)
    finally:
        for c in connectors.values():
            c.close()


def _is_write(method: str, path: str) -> bool:
    """A request that changes the portal (a search or a batch read is a POST that reads)."""
    return not (method == "GET" or "oauth" in path or path.endswith("/search") or "batch/read" in path)


def _axis_keys(emulator: Emulator) -> dict[str, str]:
    """Axis record id -> its pac_key."""
    return {rid: str(rec.properties["pac_key"]) for table in emulator.portal.objects.values()
            for rid, rec in table.items() if ":AX-" in str(rec.properties.get("pac_key") or "")}


def _links(emulator: Emulator) -> dict[str, set[str]]:
    """Company key -> the pac_key of every axis record it is linked to."""
    keys = _axis_keys(emulator)
    out: dict[str, set[str]] = {a.key: set() for a in ACCOUNTS}
    names = {v: k for k, v in COMPANY.items()}
    for (a, _b), rows in emulator.portal.associations.items():
        if emulator._type_id(a) != "0-2":
            continue
        for company, targets in rows.items():
            for target, _ in targets:
                if target in keys and company in names:
                    out[names[company]].add(keys[target])
    return out


def _state(emulator: Emulator) -> dict[str, Any]:
    companies = emulator.portal.objects["companies"]
    # a cleared property reads "" in HubSpot (pac sends it empty)
    return {a.key: companies[COMPANY[a.key]].properties.get("pac_axes") or None for a in ACCOUNTS}


def _nights(tmp: Path, order: tuple[str, str]) -> Iterator[dict[str, Any]]:
    cfg = settings(tmp, "hs-vega", "hubspot", _mapping(tmp), "PAC_HS_", "engine:\n  fx_rates: {CAD: {EUR: 1.5}}\n")
    seen: dict[str, Any] = {}
    with Emulator(build_portal()) as emulator:
        def night(step: str, plan: str, now: datetime) -> None:
            mark, refused = len(emulator.requests), len(emulator.refused)
            result = _sync(cfg, emulator, plan, now, provision=not seen)
            writes = [(m, p) for m, p, _, _ in emulator.requests[mark:] if _is_write(m, p)]
            seen[step] = {"result": result, "writes": writes,
                          "company_writes": [w for w in writes if "/companies" in w[1]],
                          "axes": _state(emulator), "links": _links(emulator),
                          "refused": emulator.refused[refused:],
                          "records": {str(r.properties["pac_key"]): dict(r.properties)
                                      for name, table in emulator.portal.objects.items()
                                      if name not in ("companies", "deals", "meetings", "tasks")
                                      for r in table.values() if r.properties.get("pac_key")}}

        first, second = order
        later = timedelta(minutes=5)
        night("N1 first", first, N1)
        night("N1 second", second, N1 + later)
        night("N1B second", second, N1B)
        night("N1B first", first, N1B + later)
        qc_file = Path(cfg.plans[1].file)
        qc_file.write_text(QC_PLAN.replace("  currency: CAD\n", "  currency: CAD\n  bogus: [\n"), encoding="utf-8")
        night("N2 fr, qc unreadable", FR, N2)
        qc_file.write_text(QC_PLAN, encoding="utf-8")
        night("N2 qc", QC, N2 + timedelta(minutes=10))
        night("N2 fr", FR, N2 + timedelta(minutes=20))
        night("N3 first", first, N3)
        night("N3 second", second, N3 + later)
        night("N3B first", first, N3B)
        night("N3B second", second, N3B + later)
        yield seen


@pytest.fixture(scope="module", params=[(FR, QC), (QC, FR)], ids=["fr-then-qc", "qc-then-fr"])
def nights(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    yield from _nights(tmp_path_factory.mktemp("twoplans-hs"), request.param)


def _first(nights: dict[str, Any]) -> str:
    return str(nights["N1 first"]["result"].plan_id)


LINKS_BOTH = {"V-LYON": {f"{FR}:AX-RA", f"{FR}:AX-KEY", f"{QC}:AX-KEY"},
              "V-MTL": {f"{QC}:AX-QC", f"{FR}:AX-KEY", f"{QC}:AX-KEY"},
              "L-BRON": {f"{FR}:AX-RA"}, "Q-LAVAL": {f"{QC}:AX-QC"}, "P-PARIS": set()}
LINKS_AFTER_FR_END = {"V-LYON": {f"{QC}:AX-KEY"}, "V-MTL": {f"{QC}:AX-QC", f"{QC}:AX-KEY"}, "L-BRON": set(),
                      "Q-LAVAL": {f"{QC}:AX-QC"}, "P-PARIS": set()}


class TestFigures:
    def test_every_run_is_clean(self, nights: dict[str, Any]) -> None:
        for step, seen in nights.items():
            assert (seen["result"].status, seen["result"].errors, seen["refused"]) == ("ok", [], []), step

    @pytest.mark.parametrize("step", ["N1 first", "N1 second"])
    def test_counts_and_revenue_of_each_plan(self, nights: dict[str, Any], step: str) -> None:
        result = nights[step]["result"]
        plan, ev = result.plan_id, result.evaluation
        assert {a: ev.action(a).done for a in COUNTS[plan]} == COUNTS[plan]
        assert {x: ev.axis(x).revenue for x in REVENUE[plan]} == REVENUE[plan]
        assert {x: round(ev.axis(x).roi, 4) for x in ROI[plan]} == ROI[plan]

    def test_each_plans_ax_key_record(self, nights: dict[str, Any]) -> None:
        """Two axis records, one per plan, each with its own plan's figures in its own currency."""
        portal_records = nights["N1 second"]["records"]
        fr, qc = portal_records[f"{FR}:AX-KEY"], portal_records[f"{QC}:AX-KEY"]
        assert (Decimal(fr["pac_won_revenue"]), Decimal(qc["pac_won_revenue"])) == (Decimal("38666.67"),
                                                                                    Decimal("58000"))
        assert (fr["pac_plan_end"][:10], qc["pac_plan_end"][:10]) == ("2027-12-31", "2028-03-31")


class TestCompanies:
    def test_the_first_plan_alone(self, nights: dict[str, Any]) -> None:
        alone = FR_FIRST_ALONE if _first(nights) == FR else QC_FIRST_ALONE
        assert nights["N1 first"]["axes"] == alone

    def test_both_plans_whichever_order(self, nights: dict[str, Any]) -> None:
        assert nights["N1 second"]["axes"] == BOTH
        assert nights["N1 second"]["links"] == LINKS_BOTH

    def test_a_night_with_no_change_writes_nothing(self, nights: dict[str, Any]) -> None:
        for step in ("N1B second", "N1B first"):
            assert nights[step]["writes"] == [], step

    def test_an_unreadable_plan_file_moves_no_company(self, nights: dict[str, Any]) -> None:
        for step in ("N2 fr, qc unreadable", "N2 qc", "N2 fr"):
            assert (nights[step]["company_writes"], nights[step]["axes"]) == ([], BOTH), step
            assert nights[step]["links"] == LINKS_BOTH, step

    def test_the_ended_plan_leaves_the_companies(self, nights: dict[str, Any]) -> None:
        assert nights["N3 first"]["axes"] == AFTER_FR_END
        assert nights["N3 second"]["links"] == LINKS_AFTER_FR_END
        for step in ("N3 second", "N3B first", "N3B second"):
            assert nights[step]["company_writes"] == [], step
