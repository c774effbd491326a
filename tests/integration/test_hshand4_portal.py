"""A HubSpot portal no earlier audit shaped, end to end on the documentation emulator (audit hshand4, 7 Dec 2026).

Every figure below was computed by hand from HubSpot's documentation and pac's documented rules BEFORE the first run
(the audit's report keeps them as written then). Themes no earlier audit covered:

* a won deal whose ``closedate`` is empty (HubSpot sets it when *a user* moves a deal to a closed stage; a deal
  created through the API, an import or a workflow may have none): rejected, named, in no figure;
* a won stage known by its pipeline metadata alone (id ``148312``, « Commande reçue », isClosed / probability 1.0),
  and a deal moved from it back to an open stage between two nights;
* multi-currency: GBP deals on an EUR portal whose GBP rate changed mid-quarter (1 GBP = 1.15 EUR until 15 May, 1.17
  after). HubSpot fixes a closed deal's exchange rate at its close and re-rates an open one at the latest rate
  (knowledge base, "Exchange rate property on deals"), so D2, won at 1.15, is 11,700 once open again; a GBP deal's
  line items are scaled by its rate, per line, to the cent;
* line items with a percentage discount, a unit discount, fractional quantities (2.5, 4.5, 0.5), one with no
  ``amount`` (price x quantity less the discount, computed), a custom line; the advisor's capacity rule on them;
* a meeting with two owners among its attendees (counts for its ``hubspot_owner_id``), a meeting whose owner changed
  after the fact, a meeting on two deals and no company (the smallest company id among its deals'), e-mails of every
  direction and status, an archived owner with an open action (reassign);
* a company deleted between nights 1 and 2 and restored (its stamp unchanged) before night 3.

Plan Hand4 (Europe/Paris, EUR, 2027), evaluated 30 June 2027 18:00 Paris; one segment S-RA (région
Auvergne-Rhône-Alpes); capacity VAN-M 10 a quarter. AX-EXP clients: objective 30,000 over a fixed baseline 10,950
(x 181 / 365 = 5,430.00), margin 0.25, budget 7,300 (3,620.00 to date). AX-VAN scope product_code VAN-M: objective
5,000 over 2026 to date, margin 0.3, budget 1,825 (905.00 to date).

Night 1: A-1 Julie visits 2 (C1 M1, C3 M3), A-2 Marc 2 (C2 M2, C4 M4), A-3 Julie e-mails 2 (E1, E2), A-4 Sophie calls
1 (K1). AX-EXP D1 12,000.00 + D2 11,500.00 + D3 4,680.47 + D6 3,000.00 = 31,180.47, additional 25,750.47, 85.8 %,
ROI 0.7783; AX-VAN L1 2,700.00 + L3 3,948.75 + L5 350.00 = 6,998.75 over 2,400.00, 92.0 %, ROI 0.5244. Advice: AX-VAN
suspend (VAN-M (2.5 + 4.5 + 0.5 + 4 x 0.5) / 10 = 95 %), AX-EXP reassign A-4.
Night 2: A-1 3, A-2 0; AX-EXP 16,680.47, ROI -0.2230. Night 3: A-2 1; AX-EXP 19,680.47, ROI -0.0159.

Every figure matched the hand figures but one that was not fixed in advance: D4 (won, no close date, created 2 May) is
in AX-EXP's pipeline created (44,180.47, the hand figure said 39,180.47 "to confirm"): decided, it stays there
(docs/hubspot.md, *Deals*). Two behaviours were wrong and are fixed: `pac explain AX-EXP` listed D4 nowhere, and M3
(on two deals of two companies) counted for the smallest id with no warning.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.fakes import default_mapping_path, one_connector_settings
from tests.integration.hand_reading import explained as _explained
from tests.integration.hand_reading import kpis as _kpis
from tests.integration.hand_reading import num as _num
from tests.integration.hand_reading import pac_records as _pac_records
from tests.integration.hs_docs_emulator import DATETIME_PROPS, NUMBER_PROPS, Emulator, Portal
from tests.integration.test_hs_docs_emulator import _stage, sync, t

JULIE, MARC, SOPHIE = "301", "302", "303"
PLAN = """\
plan: {name: "Hand4", year: 2027, timezone: Europe/Paris, currency: EUR, language: en}
people:
  - {email: nat@hand4.example, name: Nathalie Garnier, role: manager}
  - {email: julie@hand4.example, name: Julie Martin, role: rep}
  - {email: marc@hand4.example, name: Marc Leroy, role: rep}
  - {email: sophie@hand4.example, name: Sophie Blanc, role: rep}
segments:
  - {id: S-RA, name: Rhone-Alpes, kind: horizontal, scope: {region: Auvergne-Rhône-Alpes}}
context:
  - {kind: capacity, product: VAN-M, capacity: 10}
axes:
  - id: AX-EXP
    name: Clients export
    segment: S-RA
    scope: {account_type: Client}
    status: active
    objective: {additional_revenue: 30000, baseline: 10950, margin_rate: 0.25, budget: 7300}
  - id: AX-VAN
    name: Vannes VAN-M
    segment: S-RA
    scope: {product_code: VAN-M}
    products: [VAN-M]
    status: active
    objective: {additional_revenue: 5000, margin_rate: 0.3, budget: 1825}
actions:
  - id: A-1
    axis: AX-EXP
    text: "Visit 3 clients in Q2"
    who: julie@hand4.example
    what: {activity: visit, count: 3}
    when: "Q2 2027"
  - id: A-2
    axis: AX-EXP
    text: "Visit 2 clients in Q2"
    who: marc@hand4.example
    what: {activity: visit, count: 2}
    when: "Q2 2027"
  - id: A-3
    axis: AX-EXP
    text: "E-mail clients 3 times in Q2"
    who: julie@hand4.example
    what: {activity: email, count: 3, counting: activities}
    when: "Q2 2027"
  - id: A-4
    axis: AX-EXP
    text: "Call clients 4 times in Q2"
    who: sophie@hand4.example
    what: {activity: call, count: 4, counting: activities}
    when: "Q2 2027"
"""

CONNECTED = "f240bbac-87c9-4f6e-bf70-924b57d47db7"
PIPE = "p-ventes"
WON, OPEN, LOST = "148312", "s-open", "s-lost"
FIRST, SECOND, THIRD = t("2027-06-30T02:00:00Z"), t("2027-06-30T15:00:00Z"), t("2027-06-30T20:00:00Z")
CHANGES, RESTORED = t("2027-06-30T10:00:00Z"), t("2027-06-30T17:00:00Z")
LINE_PROPS = ("name", "hs_sku", "quantity", "amount", "price", "discount", "hs_discount_percentage", "hs_tcv",
              "hs_line_item_currency_code", "hs_product_id", "recurringbillingfrequency", "hs_recurring_billing_period",
              "hs_term_in_months", "hs_lastmodifieddate")


def _mapping(tmp: Path) -> Path:
    """The shipped mapping, e-mails read, the portal's company currency named (EUR)."""
    text = default_mapping_path().read_text(encoding="utf-8")
    for old, new in (("  emails:\n    enabled: false\n", "  emails:\n    enabled: true\n"),
                     ("  home_currency: null", "  home_currency: EUR")):
        assert old in text
        text = text.replace(old, new)
    path = tmp / "hubspot.hand4.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def build_portal() -> Portal:
    p = Portal()
    p.add_owner(JULIE, 9101, "julie@hand4.example", "Julie", "Martin")
    p.add_owner(MARC, 9102, "marc@hand4.example", "Marc", "Leroy")
    p.add_owner(SOPHIE, 9103, "sophie@hand4.example", "Sophie", "Blanc", archived=True)
    standard = {"companies": ["name", "zip", "country", "industry", "annualrevenue", "hubspot_owner_id",
                              "hs_merged_object_ids", "hs_lastmodifieddate", "createdate"],
                "meetings": ["hs_meeting_title", "hs_timestamp", "hs_meeting_start_time", "hubspot_owner_id",
                             "hs_attendee_owner_ids", "hs_lastmodifieddate"],
                "calls": ["hs_call_title", "hs_timestamp", "hs_call_status", "hs_call_direction",
                          "hs_call_disposition", "hubspot_owner_id", "hs_lastmodifieddate"],
                "emails": ["hs_email_subject", "hs_timestamp", "hs_email_direction", "hs_email_status",
                           "hubspot_owner_id", "hs_lastmodifieddate"],
                "deals": ["dealname", "pipeline", "dealstage", "amount", "amount_in_home_currency", "closedate",
                          "createdate", "deal_currency_code", "hs_exchange_rate", "hs_merged_object_ids",
                          "hubspot_owner_id", "hs_lastmodifieddate"],
                "tasks": ["hs_task_subject", "hs_task_status", "hs_timestamp", "hs_task_completion_date",
                          "hs_task_type", "hs_task_priority", "hs_task_body", "hubspot_owner_id",
                          "hs_lastmodifieddate"],        # no task of a rep: the fallback layout writes pac's own
                "line_items": list(LINE_PROPS)}
    numbers = NUMBER_PROPS | {"quantity", "price", "discount", "hs_discount_percentage", "hs_tcv", "hs_exchange_rate",
                              "hs_term_in_months"}
    for object_type, names in standard.items():
        for name in names:
            kind = ("datetime" if name in DATETIME_PROPS else "number" if name in numbers else "string")
            p.define(object_type, name, kind, {"datetime": "date", "number": "number"}.get(kind, "text"))
    p.define("companies", "type", "enumeration", "select",
             [("PROSPECT", "Prospect"), ("PARTNER", "Partner"), ("CUSTOMER", "Client"), ("OTHER", "Other")])
    p.define("meetings", "hs_activity_type", "enumeration", "select", [("Visite client", "Visite client")])
    p.define("meetings", "hs_meeting_outcome", "enumeration", "select",
             [(v, v.title()) for v in ("SCHEDULED", "COMPLETED", "RESCHEDULED", "NO_SHOW", "CANCELED")])
    p.pipelines["deals"] = [
        {"id": PIPE, "label": "Ventes", "displayOrder": 0, "archived": False, "createdAt": "2024-01-01T00:00:00.000Z",
         "updatedAt": "2024-01-01T00:00:00.000Z",
         "stages": [_stage(OPEN, "Proposition", 0, False, "0.5"), _stage(WON, "Commande reçue", 1, True, "1.0"),
                    _stage(LOST, "Sans suite", 2, True, "0.0")]}]
    stamp = t("2027-06-20T10:00:00Z")
    companies = {  # id: name, zip, type
        "2001": ("Lyon Export", "69003", "CUSTOMER"), "2002": ("Grenoble Export", "38000", "CUSTOMER"),
        "2003": ("Annecy Export", "74000", "CUSTOMER"), "2004": ("Valence Export", "26000", "CUSTOMER"),
        "2005": ("Paris Export", "75008", "CUSTOMER"), "2006": ("Lyon Prospect", "69001", "PROSPECT")}
    for cid, (name, zipcode, kind) in companies.items():
        p.add("companies", cid, {"name": name, "zip": zipcode, "country": "France", "type": kind,
                                 "hubspot_owner_id": JULIE, "createdate": t("2024-03-01T09:00:00Z")}, modified=stamp)
    meetings = [  # id, company, owner, attendees, instant
        ("3001", "2001", JULIE, f"{JULIE};{MARC}", "2027-04-08T08:00:00Z"),
        ("3002", "2002", MARC, MARC, "2027-05-12T08:00:00Z"),
        ("3003", None, JULIE, JULIE, "2027-06-03T08:00:00Z"),
        ("3004", "2004", MARC, MARC, "2027-06-10T08:00:00Z")]
    for mid, company, owner, attendees, when in meetings:
        p.add("meetings", mid, {"hs_meeting_title": f"Visite {mid}", "hs_timestamp": t(when),
                                "hs_meeting_start_time": t(when), "hs_meeting_outcome": "COMPLETED",
                                "hs_activity_type": "Visite client", "hubspot_owner_id": owner,
                                "hs_attendee_owner_ids": attendees},
              modified=t(when), companies=(company,) if company else ())
    p.link("meetings", "3003", "deals", "6008", [212])          # M3 on deals D8 (C3) and D9 (C5) only
    p.link("meetings", "3003", "deals", "6009", [212])
    emails = [  # id, company, direction, status, instant
        ("4001", "2001", "EMAIL", "SENT", "2027-04-20T08:00:00Z"),
        ("4002", "2002", "EMAIL", None, "2027-05-03T08:00:00Z"),
        ("4003", "2003", "INCOMING_EMAIL", None, "2027-05-04T08:00:00Z"),
        ("4004", "2003", "EMAIL", "BOUNCED", "2027-05-06T08:00:00Z"),
        ("4005", "2003", "EMAIL", "SENT", "2027-03-31T21:30:00Z")]
    for eid, company, direction, status, when in emails:
        p.add("emails", eid, {"hs_email_subject": f"Offre {eid}", "hs_timestamp": t(when),
                              "hs_email_direction": direction, "hs_email_status": status, "hubspot_owner_id": JULIE},
              modified=t(when), companies=(company,))
    for kid, company, direction, when in (("5001", "2001", "OUTBOUND", "2027-04-15T08:00:00Z"),
                                          ("5002", "2002", "INBOUND", "2027-04-22T08:00:00Z")):
        p.add("calls", kid, {"hs_call_title": f"Appel {kid}", "hs_timestamp": t(when), "hs_call_status": "COMPLETED",
                             "hs_call_direction": direction, "hs_call_disposition": CONNECTED,
                             "hubspot_owner_id": SOPHIE}, modified=t(when), companies=(company,))
    deals = [  # id, company, stage, amount, currency, home amount, close, created
        ("6001", "2001", WON, "12000.00", "EUR", None, "2027-04-10T10:00:00Z", "2027-02-01"),
        ("6002", "2002", WON, "10000.00", "GBP", "11500", "2027-04-20T10:00:00Z", "2027-02-01"),
        ("6003", "2003", WON, "4000.40", "GBP", "4680.468", "2027-06-10T10:00:00Z", "2027-02-01"),
        ("6004", "2001", WON, "5000.00", "EUR", None, None, "2027-05-02"),
        ("6005", "2006", WON, "1500.00", "EUR", None, "2027-05-20T10:00:00Z", "2027-02-01"),
        ("6006", "2004", WON, "3000.00", "EUR", None, "2027-06-05T10:00:00Z", "2027-02-01"),
        ("6007", "2002", LOST, "2000.00", "EUR", None, "2027-05-15T10:00:00Z", "2027-02-01"),
        ("6008", "2003", OPEN, "6000.00", "EUR", None, "2027-06-25T10:00:00Z", "2027-02-01"),
        ("6009", "2005", WON, "7777.00", "EUR", None, "2027-05-05T10:00:00Z", "2027-02-01"),
        ("6010", "2001", WON, "2400.00", "EUR", None, "2026-03-15T10:00:00Z", "2026-02-01"),
        ("6011", "2003", WON, "800.00", "EUR", None, "2026-11-10T10:00:00Z", "2026-02-01")]
    for did, company, stage, amount, currency, home, close, created in deals:
        rate = None if home is None else str(Decimal(home) / Decimal(amount))
        p.add("deals", did, {"dealname": f"Affaire {did}", "pipeline": PIPE, "dealstage": stage, "amount": amount,
                             "deal_currency_code": currency, "amount_in_home_currency": home or amount,
                             "hs_exchange_rate": rate, "closedate": t(close) if close else None,
                             "createdate": t(created + "T09:00:00Z"), "hubspot_owner_id": JULIE},
              modified=min(t(close), stamp) if close else t(created + "T09:00:00Z"), companies=(company,),
              primary=company)
    lines = [  # id, deal, name, sku, price, quantity, unit discount, percentage, amount, currency
        ("7001", "6001", "Vanne motorisée", "VAN-M", "1200", "2.5", None, "10", "2700.00", "EUR"),
        ("7002", "6001", "Service", "SERV", "9300", "1", None, None, "9300.00", "EUR"),
        ("7003", "6003", "Vanne motorisée", "VAN-M", "800", "4.5", "50", None, "3375.00", "GBP"),
        ("7004", "6003", "Service", "SERV", "625.40", "1", None, None, "625.40", "GBP"),
        ("7005", "6005", "Vanne motorisée", "VAN-M", "800", "0.5", None, "12.5", None, "EUR"),   # imported: no amount
        ("7006", "6005", "Pose", None, "1150", "1", None, None, "1150.00", "EUR"),
        ("7007", "6008", "Vanne motorisée", "VAN-M", "1500", "4", None, None, "6000.00", "EUR"),
        ("7008", "6010", "Vanne motorisée", "VAN-M", "1200", "2", None, None, "2400.00", "EUR")]
    for lid, did, name, sku, price, quantity, unit, pct, amount, currency in lines:
        p.add("line_items", lid, {"name": name, "hs_sku": sku, "price": price, "quantity": quantity, "discount": unit,
                                  "hs_discount_percentage": pct, "amount": amount, "hs_tcv": amount,
                                  "hs_line_item_currency_code": currency},
              modified=p.objects["deals"][did].updated)
        p.link("line_items", lid, "deals", did, [20])
    return p


def night_two(p: Portal) -> None:
    """10:00 UTC: M2's owner Marc -> Julie (in the app); D2 moved back from « Commande reçue » to an open stage, which
    HubSpot re-rates at the latest GBP rate (1.17: 11,700); C4 deleted (archived: its associations no longer shown)."""
    p.objects["meetings"]["3002"].set({"hubspot_owner_id": JULIE}, CHANGES, user_id=9102)
    p.objects["deals"]["6002"].set({"dealstage": OPEN, "amount_in_home_currency": "11700", "hs_exchange_rate": "1.17"},
                                   CHANGES, user_id=9101)
    p.objects["companies"]["2004"].archived_at = CHANGES


def night_three(p: Portal) -> None:
    """C4 restored from the recycle bin; HubSpot documents nothing of its stamp after a restore: left as it was."""
    p.objects["companies"]["2004"].archived_at = None


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("hshand4")
    settings = one_connector_settings(tmp, PLAN, "hs-hand4", _mapping(tmp), "hand4")
    portal = build_portal()
    with Emulator(portal, page_cap=3) as emulator:
        first = sync(settings, emulator, [], clock=lambda: FIRST)
        written = [_pac_records(portal)]
        night_two(portal)
        second = sync(settings, emulator, [], clock=lambda: SECOND)
        written.append(_pac_records(portal))
        night_three(portal)
        third = sync(settings, emulator, [], clock=lambda: THIRD)
        written.append(_pac_records(portal))
        yield (first, second, third), emulator, written, settings


class TestNightOne:
    def test_no_error_and_no_refused_request(self, nights: Any) -> None:
        runs, emulator, _w, _s = nights
        assert [r.errors for r in runs] == [[], [], []]
        assert emulator.refused == []

    def test_the_won_deal_with_no_close_date_is_rejected_once(self, nights: Any) -> None:
        """D4, created won through the API with no ``closedate``: rejected, named (the first night is partial, exit
        1); known the next nights (not new: they are ok)."""
        runs = nights[0]
        assert [(r.object, r.id, r.reason) for r in runs[0].new_rejections] == [
            ("deals", "6004", "no_close_date: the won deal has no close date")]
        assert [len(r.new_rejections) for r in runs[1:]] == [0, 0]
        assert [r.status.value for r in runs] == ["partial", "ok", "ok"]

    @pytest.mark.parametrize(("action", "done", "pace"), [("A-1", 2, "at_risk"), ("A-2", 2, "done"),
                                                          ("A-3", 2, "at_risk"), ("A-4", 1, "at_risk")])
    def test_action_counts(self, nights: Any, action: str, done: int, pace: str) -> None:
        progress = nights[0][0].evaluation.action(action)
        assert (progress.done, progress.pace.value) == (done, pace)

    def test_axis_figures(self, nights: Any) -> None:
        ev = nights[0][0].evaluation
        exp, van = ev.axis("AX-EXP"), ev.axis("AX-VAN")
        assert (exp.revenue, exp.baseline, exp.pace.value) == (Decimal("31180.47"), Decimal("5430"), "on_track")
        assert (van.revenue, van.baseline, van.pace.value) == (Decimal("6998.75"), Decimal("2400"), "on_track")

    def test_kpis(self, nights: Any) -> None:
        ev = nights[0][0].evaluation
        assert _kpis(ev, "AX-EXP") == {
            "reactivation_rate": None, "win_rate": 0.8, "visit_to_win": 0.5, "average_won_deal": Decimal("7795.12"),
            "coverage": 1.0, "new_accounts": 2, "revenue_per_visit": Decimal("4454.35"),
            # D4 (won, no close date, created 2 May) is pipeline created this year: decided (docs/hubspot.md)
            "pipeline_created": Decimal("44180.47"), "accounts_visited": 4, "activities_done": 7, "won_deals": 4,
            "revenue": Decimal("31180.47")}
        assert _kpis(ev, "AX-VAN") == {
            "reactivation_rate": None, "win_rate": 1.0, "visit_to_win": None, "average_won_deal": Decimal("2332.92"),
            "coverage": 0.0, "new_accounts": 1, "revenue_per_visit": None, "pipeline_created": Decimal("12998.75"),
            "accounts_visited": 0, "activities_done": 0, "won_deals": 3, "revenue": Decimal("6998.75")}


class TestWrittenBack:
    def test_axis_records(self, nights: Any) -> None:
        exp, van = nights[2][0]["AX-EXP"], nights[2][0]["AX-VAN"]
        assert {k: _num(exp, k) for k in ("pac_won_revenue", "pac_baseline", "pac_revenue", "pac_objective",
                                          "pac_progress_pct", "pac_roi")} == {
            "pac_won_revenue": Decimal("31180.47"), "pac_baseline": Decimal("5430"),
            "pac_revenue": Decimal("25750.47"), "pac_objective": Decimal("30000"),
            "pac_progress_pct": Decimal("85.8"), "pac_roi": Decimal("0.7783")}
        assert {k: _num(van, k) for k in ("pac_won_revenue", "pac_baseline", "pac_revenue", "pac_objective",
                                          "pac_progress_pct", "pac_roi")} == {
            "pac_won_revenue": Decimal("6998.75"), "pac_baseline": Decimal("2400"), "pac_revenue": Decimal("4598.75"),
            "pac_objective": Decimal("5000"), "pac_progress_pct": Decimal("92"), "pac_roi": Decimal("0.5244")}
        assert (exp["pac_pace"], van["pac_pace"]) == ("on_track", "on_track")
        assert {k: _num(exp, k) for k in ("pac_win_rate_pct", "pac_coverage_pct", "pac_visit_to_win_pct",
                                          "pac_reactivation_rate_pct", "pac_average_won_deal",
                                          "pac_revenue_per_visit", "pac_pipeline_created", "pac_new_accounts")} == {
            "pac_win_rate_pct": Decimal("80"), "pac_coverage_pct": Decimal("100"),
            "pac_visit_to_win_pct": Decimal("50"), "pac_reactivation_rate_pct": None,
            "pac_average_won_deal": Decimal("7795.12"), "pac_revenue_per_visit": Decimal("4454.35"),
            "pac_pipeline_created": Decimal("44180.47"), "pac_new_accounts": Decimal("2")}

    def test_advice(self, nights: Any) -> None:
        """AX-VAN: VAN-M loaded (2.5 + 4.5 + 0.5 won + 4 open x 0.5) / 10 = 95 %; AX-EXP: Sophie's user is deactivated
        and her A-4 is open (1 / 4) to its last day, today."""
        written = nights[2][0]
        assert written["AX-VAN"]["pac_advice"] == ('Suspend axis "Vannes VAN-M": production of VAN-M is loaded at 95% '
                                                   'of capacity in 2027-Q2 (threshold 90%).')
        assert written["AX-EXP"]["pac_advice"].startswith('Reassign actions A-4 of axis "Clients export": '
                                                          'sophie@hand4.example is leaving (inactive in the CRM).')

    def test_action_records(self, nights: Any) -> None:
        records = nights[2][0]
        got = {a: (_num(records[a], "pac_done"), _num(records[a], "pac_target"), _num(records[a], "pac_progress_pct"),
                   records[a]["pac_pace"], records[a].get("hubspot_owner_id")) for a in ("A-1", "A-2", "A-3", "A-4")}
        assert got == {"A-1": (2, 3, Decimal("66.7"), "at_risk", JULIE), "A-2": (2, 2, Decimal("100"), "done", MARC),
                       "A-3": (2, 3, Decimal("66.7"), "at_risk", JULIE), "A-4": (1, 4, Decimal("25"), "at_risk", None)}

    def test_companies(self, nights: Any) -> None:
        companies = nights[1].portal.objects["companies"]
        assert {c: (r.properties.get("pac_axes"), r.properties.get("pac_target")) for c, r in companies.items()} == {
            "2001": ("AX-EXP; AX-VAN", "true"), "2002": ("AX-EXP; AX-VAN", "true"),
            "2003": ("AX-EXP; AX-VAN", "true"), "2004": ("AX-EXP; AX-VAN", "true"), "2005": (None, None),
            "2006": ("AX-VAN", "true")}


class TestTheNightsAfter:
    def test_the_summary_counts_the_company_deleted_between_two_nights(self, nights: Any) -> None:
        """C4 archived between nights 1 and 2: night two's « deleted » column reads accounts 1 (HubSpot's archived
        list hands it over to an incremental read); night one (a full read) 0; night three (C4 restored) none.
        Seen failing before the fix (audit opscounts): night two read ``accounts: {'read': 2}``, no « deleted »
        (audit hshand4)."""
        runs = nights[0]
        assert [r.counts.get("accounts", {}).get("deleted") for r in runs] == [0, 1, None]

    def test_night_two(self, nights: Any) -> None:
        """M2 now Julie's; D2 back to an open stage (re-rated 11,700: pipeline created); C4 deleted (D6, M4 out)."""
        ev = nights[0][1].evaluation
        assert [ev.action(a).done for a in ("A-1", "A-2", "A-3", "A-4")] == [3, 0, 2, 1]
        assert ev.axis("AX-EXP").revenue == Decimal("16680.47")
        assert _kpis(ev, "AX-EXP") == {
            "reactivation_rate": None, "win_rate": 0.6667, "visit_to_win": 0.6667,
            "average_won_deal": Decimal("8340.24"), "coverage": 1.0, "new_accounts": 0,
            "revenue_per_visit": Decimal("2780.08"), "pipeline_created": Decimal("41380.47"), "accounts_visited": 3,
            "activities_done": 6, "won_deals": 2, "revenue": Decimal("16680.47")}
        exp = nights[2][1]["AX-EXP"]
        assert (_num(exp, "pac_revenue"), _num(exp, "pac_progress_pct"), _num(exp, "pac_roi"), exp["pac_pace"]) == (
            Decimal("11250.47"), Decimal("37.5"), Decimal("-0.223"), "at_risk")

    def test_night_three(self, nights: Any) -> None:
        """C4 restored from the recycle bin (its stamp unchanged): read again by id, D6 and M4 count again."""
        ev = nights[0][2].evaluation
        assert [ev.action(a).done for a in ("A-1", "A-2", "A-3", "A-4")] == [3, 1, 2, 1]
        assert _kpis(ev, "AX-EXP") == {
            "reactivation_rate": None, "win_rate": 0.75, "visit_to_win": 0.5, "average_won_deal": Decimal("6560.16"),
            "coverage": 1.0, "new_accounts": 1, "revenue_per_visit": Decimal("2811.50"),
            "pipeline_created": Decimal("44380.47"), "accounts_visited": 4, "activities_done": 7, "won_deals": 3,
            "revenue": Decimal("19680.47")}
        exp = nights[2][2]["AX-EXP"]
        assert (_num(exp, "pac_revenue"), _num(exp, "pac_progress_pct"), _num(exp, "pac_roi")) == (
            Decimal("14250.47"), Decimal("47.5"), Decimal("-0.0159"))
        assert nights[2][2]["AX-VAN"]["pac_won_revenue"] == nights[2][0]["AX-VAN"]["pac_won_revenue"]


def test_explain_lists_the_won_deal_with_no_close_date(nights: Any) -> None:
    """`pac explain AX-EXP`: D4 (won 5,000 on Lyon Export, in the scope, no close date) is listed not counted, with
    why, where the manager looks for it. Seen failing before the fix: « 3 deals counted, 0 not counted » and no row:
    a rejected deal was listed only when its close date fell in the period, and this one has none."""
    out, rows = _explained(nights[3], "AX-EXP")
    assert "3 deals counted, 1 not counted" in out
    assert rows["6004"][0] == "✘" and rows["6004"][-2:] == ["no close date", "the won deal has no close date"]
    _fr, rows_fr = _explained(nights[3], "AX-EXP", "fr")
    assert rows_fr["6004"][-2] == "sans date de clôture"


def test_the_meeting_on_two_deals_says_which_company_it_counted_for(nights: Any) -> None:
    """M3 has no company and no contact; it is on D8 (Annecy Export, 2003) and D9 (Paris Export, 2005): it counts for
    2003, the smallest id, as documented (rule 5), and, as a meeting on two companies nothing tells apart (rule 3),
    the night lists it once as a data-quality warning and `pac explain A-1` names the other company. Seen failing
    before the fix: no warning, and nothing on the row."""
    runs = nights[0]
    warned = [w for r in runs for w in r.warnings if w.id == "3003"]
    assert len(warned) == 1 and warned[0].reason.startswith("several companies: meeting 3003")
    assert "2003, 2005" in warned[0].reason and "counted for 2003" in warned[0].reason
    _out, rows = _explained(nights[3], "A-1")
    assert rows["3003"][-1].startswith("also on Paris Export")


def test_a_won_deal_given_its_close_date_counts_the_next_night(tmp_path: Path) -> None:
    """D4 gets its close date (28 June, by a user: its stamp moves) the day after: it counts that night, the
    rejection gone. AX-EXP 31,180.47 + 5,000.00 = 36,180.47; won 5, lost 1: win rate 83.3 %."""
    settings = one_connector_settings(tmp_path, PLAN, "hs-hand4", _mapping(tmp_path), "hand4")
    portal = build_portal()
    with Emulator(portal, page_cap=3) as emulator:
        sync(settings, emulator, [], clock=lambda: FIRST)
        portal.objects["deals"]["6004"].set({"closedate": "2027-06-28T10:00:00.000Z"}, CHANGES, user_id=9101)
        second = sync(settings, emulator, [], clock=lambda: SECOND)
    assert second.rejections == [] and second.status.value == "ok"
    assert second.evaluation.axis("AX-EXP").revenue == Decimal("36180.47")
    assert _kpis(second.evaluation, "AX-EXP")["win_rate"] == 0.8333


def test_the_same_portal_in_fallback_mode(tmp_path: Path) -> None:
    """A Starter portal (no custom objects): the three nights write one task per action, their figures night 3's
    (A-1 3, A-2 1, A-3 2, A-4 1; Sophie's task has no owner), and every deal its company's PAC values (D4, the won deal
    with no close date, on Lyon Export too; D9 on Paris Export, outside the région, none)."""
    settings = one_connector_settings(tmp_path, PLAN, "hs-hand4", _mapping(tmp_path), "hand4")
    portal = build_portal()
    with Emulator(portal, page_cap=3, enterprise=False) as emulator:
        runs = [sync(settings, emulator, [], clock=lambda: FIRST)]
        night_two(portal)
        runs.append(sync(settings, emulator, [], clock=lambda: SECOND))
        night_three(portal)
        runs.append(sync(settings, emulator, [], clock=lambda: THIRD))
    assert [r.errors for r in runs] == [[], [], []]
    assert [p for p in emulator.refused if "schemas" not in p[1]] == []
    tasks = {r.properties["pac_key"]: (r.properties.get("pac_done"), r.properties.get("hubspot_owner_id"))
             for r in portal.objects["tasks"].values()}
    assert tasks == {"hand4:A-1": ("3", JULIE), "hand4:A-2": ("1", MARC), "hand4:A-3": ("2", JULIE),
                     "hand4:A-4": ("1", None)}
    deals = portal.objects["deals"]
    assert {d: deals[d].properties.get("pac_axes") for d in ("6004", "6005", "6009")} == {
        "6004": "AX-EXP; AX-VAN", "6005": "AX-VAN", "6009": None}
