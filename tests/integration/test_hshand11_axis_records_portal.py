"""The plan as a sales manager reads it inside HubSpot (audit hshand11, 8 Dec 2026), on the documentation emulator.

Every figure below was written by hand BEFORE the first run (/tmp/audits/hshand11/EXPECTED.md keeps them as written
then), from pac's documented rules and HubSpot's documentation. A French plan (``language: fr``) on an Enterprise
portal (custom objects ``pac_axis`` / ``pac_action``); what Nathalie, the manager, opens in HubSpot after each of two
nights: every property of each axis and action record (status, priority, pace, progress, objective, revenue, won
revenue, baseline, ROI, the axis's actions target and done, windows, plan, currency), the French labels of the
properties and of the dropdowns' options, the companies' PAC properties, and what happens to her own edits in HubSpot
between the nights (the later change wins everywhere; ``pac plan pull``).

HubSpot facts relied on (quoted):

* custom objects: "To create a custom object, you'll first need to define the object schema. The schema includes
  the object name, properties, and associations to other CRM objects" (https://developers.hubspot.com/docs/guides/
  api/crm/objects/custom-objects);
* property types: "number: A number value containing numeric digits and at most one decimal", "enumeration: A string
  representing a set of options" (https://developers.hubspot.com/docs/api/crm/properties): the axis's actions target
  and done are whole numbers, as Salesforce's Number(9, 0) PAC_Target__c / PAC_Done__c; a dropdown's option has a
  ``label`` and a ``value`` ("label": "Option A", "value": "A", https://developers.hubspot.com/docs/api-reference/
  legacy/crm/properties/create-property): pac writes the value, HubSpot shows the label, in French here;
* "description: A description of the property. Displayed as help text when viewing records in HubSpot"
  (https://legacydocs.hubspot.com/docs/methods/crm-properties/crm-properties-overview): the two new properties say
  what they add up.

The gap closed here: HubSpot's axis record had no actions target / done (Salesforce's axis has had them): a manager
reading « AX-RH » in HubSpot saw its revenue progress but not « 7 planned, 5 done » of its reps' work. Now
``pac_target`` « Objectif des actions » and ``pac_done`` « Actions réalisées » on ``pac_axis``, the same figures as
Salesforce's; a portal provisioned before them is named by ``pac crm check`` and completed by ``pac crm provision
hubspot`` (also ``test_upgrade_new_axis_fields``).

Plan Hand11 (Europe/Paris, EUR, fr). AX-RH Rhône (prioritised, rank 1) +20,000 over T2 2027, margin 0.3, budget
9,100; AX-IS Isère (active) +10,000, budget 4,550. A-1 Julie 4 distinct clients visited in June; A-2 Marc 3 calls
(every call counts) in week 23 (7-13 June), 4 made; A-3 Marc cancelled in the file; A-4 Marc 3 Isère clients in T2.
Night 1 16 June 2027 02:00Z, night 2 17 June 02:00Z. Between them Nathalie (user 9100) suspends AX-IS, moves AX-RH to
rank 2, raises A-1's target to 6 and A-2's to 5 in HubSpot; the plan file is saved later (11:00Z) with A-2 at 4.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from connectors.hubspot.schema import AXIS_PROPS
from connectors.salesforce.schema import PAC_AXIS
from sync_jobs.cli import main
from sync_jobs.pipeline import run_sync
from tests.fakes import default_mapping_path, one_connector_settings
from tests.integration.hand_reading import pac_records
from tests.integration.hs_docs_emulator import DATETIME_PROPS, NUMBER_PROPS, Emulator, Portal
from tests.integration.test_hs_docs_emulator import _stage, connectors_for, t

NAT, JULIE, MARC = "1100", "1101", "1102"
NAT_USER = 9100
PLAN = """\
plan: {name: "Hand11", year: 2027, timezone: Europe/Paris, currency: EUR, language: fr}
people:
  - {email: nat@hand11.example, name: Nathalie Garnier, role: manager}
  - {email: julie@hand11.example, name: Julie Martin, role: rep}
  - {email: marc@hand11.example, name: Marc Dubois, role: rep}
segments:
  - {id: S-69, name: Rhône, kind: horizontal, scope: {departement: "69"}}
  - {id: S-38, name: Isère, kind: horizontal, scope: {departement: "38"}}
axes:
  - id: AX-RH
    name: Clients du Rhône
    segment: S-69
    status: {state: prioritised, rank: 1}
    objective: {additional_revenue: 20000, margin_rate: 0.3, budget: 9100, period: T2 2027}
  - id: AX-IS
    name: Clients de l'Isère
    segment: S-38
    status: active
    objective: {additional_revenue: 10000, margin_rate: 0.3, budget: 4550, period: T2 2027}
actions:
  - id: A-1
    axis: AX-RH
    text: "Visiter 4 clients du Rhône en juin"
    who: julie@hand11.example
    what: {activity: visit, count: 4}
    when: "juin 2027"
  - id: A-2
    axis: AX-RH
    text: "Appeler les clients du Rhône en semaine 23"
    who: marc@hand11.example
    what: {activity: call, count: 3, counting: activities}
    when: "semaine 23"
  - id: A-3
    axis: AX-IS
    text: "Visiter 2 clients de l'Isère"
    who: marc@hand11.example
    what: {activity: visit, count: 2}
    when: "T2 2027"
    status: cancelled
  - id: A-4
    axis: AX-IS
    text: "Visiter 3 clients de l'Isère au T2"
    who: marc@hand11.example
    what: {activity: visit, count: 3}
    when: "T2 2027"
"""
CONNECTED = "f240bbac-87c9-4f6e-bf70-924b57d47db7"
N1, N2, N3 = t("2027-06-16T02:00:00Z"), t("2027-06-17T02:00:00Z"), t("2027-06-18T02:00:00Z")
COMPANIES = {"101": ("Lyon Soie", "69003", JULIE), "102": ("Villeurbanne Métal", "69100", JULIE),
             "103": ("Vénissieux Bois", "69200", MARC), "201": ("Grenoble Verre", "38000", MARC),
             "202": ("Voiron Papier", "38500", MARC), "301": ("Paris Nord", "75010", JULIE)}
MEETINGS = [("3101", "101", JULIE, "2027-06-03T08:00:00Z"), ("3102", "102", JULIE, "2027-06-10T08:00:00Z"),
            ("3201", "201", MARC, "2027-05-10T08:00:00Z"), ("3202", "202", MARC, "2027-05-20T08:00:00Z")]
CALLS = [("5101", "101", "2027-06-08T08:00:00Z"), ("5102", "102", "2027-06-09T08:00:00Z"),
         ("5103", "103", "2027-06-10T08:00:00Z"), ("5104", "101", "2027-06-11T08:00:00Z")]
DEALS = [("6101", "101", "closedwon", "12000", "2027-04-20T10:00:00Z"),
         ("6102", "102", "closedwon", "5000", "2027-06-08T10:00:00Z"),
         ("6103", "103", "open", "9000", "2027-06-30T10:00:00Z"),
         ("6201", "201", "closedwon", "6000", "2027-05-25T10:00:00Z"),
         ("6901", "101", "closedwon", "3000", "2026-05-15T10:00:00Z"),
         ("6902", "102", "closedwon", "4000", "2026-06-20T10:00:00Z"),
         ("6903", "202", "closedwon", "2000", "2026-04-10T10:00:00Z")]

# the labels Nathalie reads (schema.py's French), provisioned by `pac crm provision hubspot` for a French plan
AXIS_PACE_FR = ["Objectif atteint", "Dans les temps", "À risque", "Manqué", "À venir", "Inactif", "Retiré du plan"]
ACTION_PACE_FR = ["Terminée", "Dans les temps", "À risque", "Manquée", "À venir", "Inactive", "Retirée du plan"]


def build_portal() -> Portal:
    p = Portal()
    p.add_owner(NAT, NAT_USER, "nat@hand11.example", "Nathalie", "Garnier")
    p.add_owner(JULIE, 9101, "julie@hand11.example", "Julie", "Martin")
    p.add_owner(MARC, 9102, "marc@hand11.example", "Marc", "Dubois")
    standard = {"companies": ["name", "zip", "country", "state", "city", "industry", "annualrevenue",
                              "hubspot_owner_id", "hs_merged_object_ids", "hs_lastmodifieddate", "createdate"],
                "meetings": ["hs_meeting_title", "hs_timestamp", "hs_meeting_start_time", "hubspot_owner_id",
                             "hs_lastmodifieddate"],
                "calls": ["hs_call_title", "hs_timestamp", "hs_call_status", "hs_call_direction",
                          "hs_call_disposition", "hs_call_duration", "hubspot_owner_id", "hs_lastmodifieddate"],
                "deals": ["dealname", "pipeline", "dealstage", "amount", "amount_in_home_currency", "closedate",
                          "createdate", "deal_currency_code", "hs_exchange_rate", "hs_merged_object_ids",
                          "hs_is_closed_won", "hubspot_owner_id", "hs_lastmodifieddate"],
                "line_items": ["name", "hs_sku", "quantity", "amount", "price", "hs_lastmodifieddate"]}
    for object_type, names in standard.items():
        for name in names:
            kind = ("datetime" if name in DATETIME_PROPS else "number" if name in NUMBER_PROPS else "string")
            p.define(object_type, name, kind, {"datetime": "date", "number": "number"}.get(kind, "text"))
    p.define("companies", "type", "enumeration", "select",
             [("PROSPECT", "Prospect"), ("CUSTOMER", "Client"), ("OTHER", "Other")])
    p.define("meetings", "hs_activity_type", "enumeration", "select", [("Visite client", "Visite client")])
    p.define("meetings", "hs_meeting_outcome", "enumeration", "select",
             [(v, v.title()) for v in ("SCHEDULED", "COMPLETED", "RESCHEDULED", "NO_SHOW", "CANCELED")])
    p.pipelines["deals"] = [
        {"id": "default", "label": "Ventes", "displayOrder": 0, "archived": False,
         "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z",
         "stages": [_stage("open", "Proposition", 0, False, "0.5"), _stage("closedwon", "Gagné", 1, True, "1.0"),
                    _stage("closedlost", "Perdu", 2, True, "0.0")]}]
    for cid, (name, zipcode, owner) in COMPANIES.items():
        p.add("companies", cid, {"name": name, "zip": zipcode, "country": "France", "type": "CUSTOMER",
                                 "hubspot_owner_id": owner, "createdate": t("2024-03-01T09:00:00Z")},
              modified=t("2026-01-10T10:00:00Z"))
    for mid, company, owner, when in MEETINGS:
        visit(p, mid, company, owner, when)
    for cid, company, when in CALLS:
        p.add("calls", cid, {"hs_call_title": f"Appel {COMPANIES[company][0]}", "hs_timestamp": t(when),
                             "hs_call_status": "COMPLETED", "hs_call_direction": "OUTBOUND",
                             "hs_call_disposition": CONNECTED, "hs_call_duration": "300000",
                             "hubspot_owner_id": MARC},
              modified=t(when), companies=(company,))
    for did, company, stage, amount, close in DEALS:
        created = close[:4] + "-03-01T09:00:00Z"
        p.add("deals", did, {"dealname": f"Affaire {did}", "pipeline": "default", "dealstage": stage,
                             "amount": amount, "deal_currency_code": "EUR", "closedate": t(close),
                             "createdate": t(created), "hubspot_owner_id": COMPANIES[company][2]},
              modified=min(t(close), t("2027-06-12T10:00:00Z")), companies=(company,), primary=company)
    return p


def visit(p: Portal, mid: str, company: str, owner: str, when: str) -> None:
    p.add("meetings", mid, {"hs_meeting_title": f"Visite {COMPANIES[company][0]}", "hs_timestamp": t(when),
                            "hs_meeting_start_time": t(when), "hs_meeting_outcome": "COMPLETED",
                            "hs_activity_type": "Visite client", "hubspot_owner_id": owner},
          modified=t(when), companies=(company,))


def _record(emulator: Emulator, kind: str, key: str) -> Any:
    [record] = [r for r in emulator.portal.objects[emulator._type_id(kind)].values()
                if str(r.properties.get("pac_key", "")).endswith(":" + key)]
    return record


def between_the_nights(emulator: Emulator, plan_file: Path) -> None:
    """16 June: Nathalie's edits in HubSpot (CRM_UI, her user), Julie's visit, the plan file saved at 11:00Z."""
    edits = [("pac_axis", "AX-IS", {"pac_status": "suspended"}, "09:00"),
             ("pac_axis", "AX-RH", {"pac_priority": "2"}, "09:05"),
             ("pac_action", "A-1", {"pac_target": "6"}, "09:10"),
             ("pac_action", "A-2", {"pac_target": "5"}, "09:15"),
             ("pac_axis", "AX-IS", {"pac_done": "3"}, "09:20")]     # a computed sum typed over: put back
    for kind, key, values, at in edits:
        _record(emulator, kind, key).set(values, t(f"2027-06-16T{at}:00Z"), user_id=NAT_USER)
    visit(emulator.portal, "3103", "103", JULIE, "2027-06-16T09:30:00Z")
    text = plan_file.read_text(encoding="utf-8")
    old = "what: {activity: call, count: 3, counting: activities}"
    assert old in text
    plan_file.write_text(text.replace(old, old.replace("count: 3", "count: 4")), encoding="utf-8")
    saved = t("2027-06-16T11:00:00Z").timestamp()
    os.utime(plan_file, (saved, saved))


def _night(settings: Any, emulator: Emulator, clock: datetime) -> Any:
    """The nightly run: no provisioning (that is `pac crm provision hubspot`'s), the portal stamping its writes."""
    emulator.portal.now = clock
    connectors = connectors_for(settings, emulator, [])
    try:
        return run_sync(None, settings, connectors=connectors, clock=lambda: clock, as_of=clock)
    finally:
        for c in connectors.values():
            c.close()


def _labels(portal: Portal, kind: str) -> dict[str, Any]:
    return {name: (d.get("label"), [o["label"] for o in d.get("options") or []])
            for name, d in portal.properties[kind].items() if name.startswith("pac_")}


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("hshand11")
    text = default_mapping_path().read_text(encoding="utf-8")
    assert "  home_currency: null" in text
    mapping = tmp / "hubspot.hand11.yaml"
    mapping.write_text(text.replace("  home_currency: null", "  home_currency: EUR"), encoding="utf-8")
    settings = one_connector_settings(tmp, PLAN, "hs-hand11", mapping, "hand11", as_of="2027-06-17T04:00:00+02:00")
    plan_file = tmp / "plan.pac.yaml"
    out: dict[str, Any] = {"plan_file": plan_file}
    with Emulator(build_portal()) as emulator:
        env = {"PAC_CONFIG": str(settings.source), "COLUMNS": "400", **emulator.env()}
        cli = CliRunner()
        out["provision"] = cli.invoke(main, ["crm", "provision", "hubspot"], env=env)
        # a portal an older pac provisioned: pac_axis without the actions' sums
        for name in ("pac_target", "pac_done"):
            emulator.portal.properties["pac_axis"].pop(name)
        out["check older"] = cli.invoke(main, ["crm", "check"], env=env)
        out["provision again"] = cli.invoke(main, ["crm", "provision", "hubspot"], env=env)
        out["check after"] = cli.invoke(main, ["crm", "check"], env=env)
        out["labels"] = {kind: _labels(emulator.portal, kind) for kind in ("pac_axis", "pac_action", "companies")}
        out["descriptions"] = {n: emulator.portal.properties["pac_axis"][n].get("description")
                               for n in ("pac_target", "pac_done")}
        out["runs"], out["written"], out["companies"] = [], [], []
        for night, clock in enumerate((N1, N2, N3)):
            if night == 1:
                between_the_nights(emulator, plan_file)
            mark = len(emulator.requests)
            out["runs"].append(_night(settings, emulator, clock))
            out.setdefault("writes", []).append([(m, p, b) for m, p, _q, b in emulator.requests[mark:]
                                                 if m in ("POST", "PATCH") and "/batch/" in p and "read" not in p
                                                 and "search" not in p])
            out["written"].append(pac_records(emulator.portal))
            out["companies"].append({cid: {k: v for k, v in r.properties.items() if k.startswith("pac_")}
                                     for cid, r in emulator.portal.objects["companies"].items()})
        out["refused"] = list(emulator.refused)
        out["axis type"] = emulator._type_id("pac_axis")
        out["pull"] = cli.invoke(main, ["plan", "pull"], env=env)
        out["plan after pull"] = plan_file.read_text(encoding="utf-8")
    yield out


def test_provisioning_in_french_and_an_older_portal(portal: Any) -> None:
    """`pac crm provision hubspot` labels in the plan's language; on a portal lacking the axis's sums `pac crm check`
    names them with the fix, provisioning again creates them (French labels, help text), the check is then clean of
    PAC properties."""
    assert portal["provision"].exit_code in (0, 2), portal["provision"].output
    older = portal["check older"].output
    assert "pac_target" in older and "pac_done" in older and "pac crm provision hubspot" in older, older
    again = portal["provision again"].output
    assert "created 2 properties on pac_axis: pac_target, pac_done" in again, again
    assert "pac_target" not in portal["check after"].output and "pac_done" not in portal["check after"].output
    axis, action, companies = (portal["labels"][k] for k in ("pac_axis", "pac_action", "companies"))
    assert axis["pac_target"] == ("Objectif des actions", []) and axis["pac_done"] == ("Actions réalisées", [])
    assert portal["descriptions"] == {
        "pac_target": "Somme des objectifs des actions de l'axe (actions annulées exclues).",
        "pac_done": "Somme des réalisations des actions de l'axe, chacune comptée jusqu'à son objectif."}
    assert axis["pac_status"] == ("Statut de l'axe", ["Actif", "Prioritaire", "Suspendu", "Abandonné"])
    assert axis["pac_pace"] == ("Rythme", AXIS_PACE_FR)
    assert {n: axis[n][0] for n in ("pac_priority", "pac_progress_pct", "pac_objective", "pac_revenue",
                                    "pac_won_revenue", "pac_baseline", "pac_window_end", "pac_currency")} == {
        "pac_priority": "Rang de priorité", "pac_progress_pct": "Avancement du CA supplémentaire (%)",
        "pac_objective": "Objectif de CA supplémentaire", "pac_revenue": "CA supplémentaire à date",
        "pac_won_revenue": "CA gagné à date", "pac_baseline": "CA de référence",
        "pac_window_end": "Fin de la fenêtre", "pac_currency": "Devise des montants"}
    assert action["pac_status"] == ("Statut de l'action", ["Prévue", "En cours", "Terminée", "Annulée"])
    assert action["pac_pace"] == ("Rythme", ACTION_PACE_FR)
    assert (action["pac_target"][0], action["pac_done"][0], action["pac_progress_pct"][0]) == (
        "Cible", "Réalisé", "Avancement (%)")
    assert (companies["pac_axes"][0], companies["pac_target"][0]) == (
        "Axes du PAC qui ciblent l'entreprise", "Ciblée par le PAC")


def test_three_clean_nights(portal: Any) -> None:
    assert [(r.status.value, r.errors, r.lacking) for r in portal["runs"]] == [("ok", [], [])] * 3
    assert portal["refused"] == []


AXIS_FIELDS = ("pac_status", "pac_priority", "pac_pace", "pac_progress_pct", "pac_target", "pac_done",
               "pac_objective", "pac_won_revenue", "pac_baseline", "pac_revenue", "pac_roi", "pac_window_start",
               "pac_window_end", "pac_plan", "pac_currency", "pac_plan_end", "pac_name")
ACTION_FIELDS = ("pac_status", "pac_pace", "pac_progress_pct", "pac_target", "pac_done", "pac_window_start",
                 "pac_window_end", "pac_axis_key", "pac_name")


def _shown(records: dict[str, dict[str, str]], key: str, fields: tuple[str, ...]) -> dict[str, Any]:
    """What the record shows, numbers as numbers (HubSpot holds strings)."""
    out: dict[str, Any] = {}
    for name in fields:
        value = records[key].get(name) or None     # "" is a cleared property (the properties guide: "" clears it)
        try:
            out[name] = float(value) if value not in (None, "") and name not in (
                "pac_window_start", "pac_window_end", "pac_plan_end", "pac_name", "pac_plan") else value
        except ValueError:
            out[name] = value
    return out


def _axis(status: str, priority: float | None, pace: str, progress: float, sums: tuple[int, int], objective: int,
          won: int, baseline: int, roi: float, name: str) -> dict[str, Any]:
    return {"pac_status": status, "pac_priority": priority, "pac_pace": pace, "pac_progress_pct": progress,
            "pac_target": float(sums[0]), "pac_done": float(sums[1]), "pac_objective": float(objective),
            "pac_won_revenue": float(won), "pac_baseline": float(baseline), "pac_revenue": float(won - baseline),
            "pac_roi": roi, "pac_window_start": "2027-04-01", "pac_window_end": "2027-06-30", "pac_plan": "Hand11",
            "pac_currency": "EUR", "pac_plan_end": "2027-12-31", "pac_name": name}


def _action(status: str, pace: str, progress: float, target: int, done: int, window: tuple[str, str], axis: str,
            name: str) -> dict[str, Any]:
    return {"pac_status": status, "pac_pace": pace, "pac_progress_pct": progress, "pac_target": float(target),
            "pac_done": float(done), "pac_window_start": window[0], "pac_window_end": window[1],
            "pac_axis_key": axis, "pac_name": name}


JUNE, WEEK23, T2 = ("2027-06-01", "2027-06-30"), ("2027-06-07", "2027-06-13"), ("2027-04-01", "2027-06-30")


def _records(portal: Any, night: int) -> dict[str, dict[str, Any]]:
    written = portal["written"][night]
    got = {k: _shown(written, k, AXIS_FIELDS if k.startswith("AX") else ACTION_FIELDS) for k in written}
    for v in got.values():
        if "pac_axis_key" in v:
            v["pac_axis_key"] = str(v["pac_axis_key"]).rsplit(":", 1)[-1]
    return got


def test_night_one_as_the_manager_reads_it(portal: Any) -> None:
    """16 June 04:00 Paris: T2 76 d 4 h of 91 (0.837), 77 days to date; June 15 d 4 h of 30 (0.5056). A-3, cancelled,
    keeps its figures (docs/engine.md: "An inactive action keeps its figures"): Marc's two Isère visits count for it
    as for A-4, 2 / 2, 100 %, « Inactive » (the hand figures had 0 / 2: a slip of mine); the axis's sums leave it out
    (3 / 2: A-4's alone)."""
    assert _records(portal, 0) == {
        "AX-RH": _axis("prioritised", 1.0, "at_risk", 70.0, (7, 5), 20000, 17000, 3000, -0.4545,
                       "AX-RH Clients du Rhône"),
        "AX-IS": _axis("active", None, "at_risk", 40.0, (3, 2), 10000, 6000, 2000, -0.6883,
                       "AX-IS Clients de l'Isère"),
        "A-1": _action("planned", "at_risk", 50.0, 4, 2, JUNE, "AX-RH", "A-1 Visiter 4 clients du Rhône en juin"),
        "A-2": _action("planned", "done", 133.3, 3, 4, WEEK23, "AX-RH",
                       "A-2 Appeler les clients du Rhône en semaine 23"),
        "A-3": _action("cancelled", "inactive", 100.0, 2, 2, T2, "AX-IS", "A-3 Visiter 2 clients de l'Isère"),
        "A-4": _action("planned", "at_risk", 66.7, 3, 2, T2, "AX-IS", "A-4 Visiter 3 clients de l'Isère au T2")}


def test_night_one_companies(portal: Any) -> None:
    companies = portal["companies"][0]
    assert {c: (p.get("pac_axes"), p.get("pac_target")) for c, p in companies.items()} == {
        "101": ("AX-RH", "true"), "102": ("AX-RH", "true"), "103": ("AX-RH", "true"),
        "201": ("AX-IS", "true"), "202": ("AX-IS", "true"), "301": (None, None)}


def test_night_two_the_managers_edits_and_the_later_file(portal: Any) -> None:
    """Nathalie's suspension, rank and A-1 target are the plan's and every record reads them; her A-2 target (09:15)
    lost to the file saved at 11:00 (4): one conflict, HubSpot's A-2 put back to 4. AX-IS's actions done typed 3 by
    hand is a computed figure: put back to 2, with its ``restored`` line."""
    run = portal["runs"][1]
    assert run.conflicts == [
        "conflict on hand11:A-2 action_target: kept 4 from the plan file at 2027-06-16 11:00 UTC over 5 from "
        "hs-hand11 (Nathalie Garnier) at 2027-06-16 09:15 UTC (the later change wins (a tie goes to the CRM edit, "
        "then to the plan's first CRM))"]
    assert [line for line in run.drift if "AX-IS" in line] == [
        "hs-hand11 hand11:AX-IS done: '3' in the CRM, restored to 2"], run.drift
    assert _records(portal, 1) == {
        "AX-RH": _axis("prioritised", 2.0, "at_risk", 70.0, (10, 7), 20000, 17000, 3000, -0.4615,
                       "AX-RH Clients du Rhône"),
        "AX-IS": _axis("suspended", None, "inactive", 40.0, (3, 2), 10000, 6000, 2000, -0.6923,
                       "AX-IS Clients de l'Isère"),
        "A-1": _action("planned", "at_risk", 50.0, 6, 3, JUNE, "AX-RH", "A-1 Visiter 4 clients du Rhône en juin"),
        "A-2": _action("planned", "done", 100.0, 4, 4, WEEK23, "AX-RH",
                       "A-2 Appeler les clients du Rhône en semaine 23"),
        "A-3": _action("cancelled", "inactive", 100.0, 2, 2, T2, "AX-IS", "A-3 Visiter 2 clients de l'Isère"),
        "A-4": _action("planned", "inactive", 66.7, 3, 2, T2, "AX-IS", "A-4 Visiter 3 clients de l'Isère au T2")}


def test_night_two_companies_of_the_suspended_axis(portal: Any) -> None:
    companies = portal["companies"][1]
    assert {c: (p.get("pac_axes") or None, p.get("pac_target")) for c, p in companies.items()} == {
        "101": ("AX-RH", "true"), "102": ("AX-RH", "true"), "103": ("AX-RH", "true"),
        "201": (None, "false"), "202": (None, "false"), "301": (None, None)}


def test_the_night_after_writes_nothing(portal: Any) -> None:
    """18 June: nothing changed but the day: the axes' cost to date moves (their ROI, and AX-RH's advice, rewritten),
    no action, no company, no edit read, no axis's actions target or done written again."""
    assert portal["runs"][2].conflicts == [] and portal["runs"][2].drift == []
    sent = {(p.rsplit("/", 3)[-3], i["id"]): sorted(i["properties"]) for _m, p, b in portal["writes"][2]
            for i in b.get("inputs", [])}
    axis = portal["axis type"]
    assert set(sent) == {(axis, "hand11:AX-IS"), (axis, "hand11:AX-RH")}, sent
    assert all(not {"pac_target", "pac_done", "pac_status", "pac_priority"} & set(v) for v in sent.values())


def test_plan_pull_writes_the_managers_edits(portal: Any) -> None:
    """The file gets AX-IS suspended since 16 June, AX-RH rank 2, A-1 count 6; A-2 stays 4 (the file's already)."""
    assert portal["pull"].exit_code == 0, portal["pull"].output
    text = portal["plan after pull"]
    assert "what: {activity: visit, count: 6}" in text and "count: 4, counting: activities" in text
    assert ('status: {state: suspended, reason: "suspendu dans hs-hand11 (Nathalie Garnier) le 16 juin 2027", '
            'since: 2027-06-16}') in text
    assert "status: {state: prioritised, rank: 2}" in text
    # the statement still says 4: pull says so (the CRMs and the report show the statement)
    said = portal["pull"].output
    assert "A-1: the statement at" in said and "statement says 4, what.count 6" in said


def test_the_axis_sums_read_alike_in_both_crms() -> None:
    """Parity guard: HubSpot's pac_axis pac_target / pac_done carry Salesforce's PAC_Axis__c PAC_Target__c /
    PAC_Done__c labels in both languages and their descriptions, as whole numbers."""
    sf = {f.name: f for f in PAC_AXIS.fields}
    for logical, sf_name in (("target", "PAC_Target__c"), ("done", "PAC_Done__c")):
        hs, field = AXIS_PROPS[logical], sf[sf_name]
        assert (hs.label_in("en"), hs.label_in("fr")) == (field.label, field.label_fr)
        assert hs.description_in("en") == field.description
        assert (hs.type, field.type, field.scale) == ("number", "Number", 0)
