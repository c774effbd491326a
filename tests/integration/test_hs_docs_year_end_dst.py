"""A New York plan's year-end week 53 and its DST weeks through pac's real HubSpot connector, sync pipeline and engine,
against the portal emulated from HubSpot's documentation (``hs_docs_emulator``), calendar53 audit.

HubSpot's meetings and calls are instants (``hs_timestamp``: "the date and time that the meeting occurred", Meetings
guide; no all-day property is documented), so a visit typed at 02:30 on the spring-forward Sunday reaches pac as the
instant the calendar stored (03:30 EDT here), and the repeated 01:30 of the autumn Sunday as two instants an hour apart.

Hand expectations, written before the run. Plan 2026 (1 January - 31 December), America/New_York, English; evaluated
on 30 December 2026 at 12:00 EST (17:00Z).
A-W53 Julie, 4 calls (activities) in week 53: ISO 28 December 2026 - 3 January 2027, cut to the plan's 28-31
  December, UTC [2026-12-28T05:00Z, 2027-01-01T05:00Z): K1 2026-12-28T04:30Z (Sunday 27, 23:30 EST) no; K2
  2026-12-28T05:30Z (Monday 00:30) yes; K3 2026-12-29T15:00Z yes; K4 2026-12-30T16:00Z (11:00) yes; K5
  2027-01-01T04:30Z (31 December 23:30 EST) still to come. Done 3, expected 4 x 2.5 / 4 = 2.5: on track.
A-W10 Julie, 3 visits (activities) in week 10: 2-8 March 2026, summer time from Sunday 8 March 02:00, UTC
  [2026-03-02T05:00Z, 2026-03-09T04:00Z): M1 2026-03-02T04:30Z (Sunday 1, 23:30 EST) no; M2 2026-03-02T05:30Z
  (Monday 00:30 EST) yes; M3 2026-03-08T07:30Z (the « 02:30 » that does not exist, stored as 03:30 EDT) yes;
  M4 2026-03-09T03:30Z (Sunday 8, 23:30 EDT) yes; M5 2026-03-09T04:30Z (Monday 9, 00:30 EDT) no. Done 3: done.
A-W44 Julie, 3 visits (activities) in week 44: 26 October - 1 November 2026, winter time from Sunday 1 November
  02:00 EDT, UTC [2026-10-26T04:00Z, 2026-11-02T05:00Z): M6 2026-11-01T05:30Z (the first 01:30, EDT) yes; M7
  2026-11-01T06:30Z (the second 01:30, EST) yes; M8 2026-11-02T04:30Z (Sunday 1, 23:30 EST) yes; M9
  2026-11-02T05:30Z (Monday 2, 00:30 EST) no. Done 3: done.
The portal's action records: window 2026-12-28 .. 2026-12-31 (the plan's days of week 53), 2026-03-02 .. 03-08 and
2026-10-26 .. 11-01 (local days, DST or not), done and pace as above.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from connectors.hubspot.mapping import default_mapping_path
from tests.fakes import one_connector_settings
from tests.integration.hs_docs_emulator import DATETIME_PROPS, NUMBER_PROPS, Emulator, Portal
from tests.integration.test_hs_docs_emulator import sync

JULIE = "101"
PLAN = """\
plan: {name: "NY 2026", year: 2026, timezone: America/New_York, currency: USD, language: en}
people:
  - {email: nat@audit.example, name: Nat Green, role: manager}
  - {email: julie@audit.example, name: Julie Martin, role: rep}
segments:
  - {id: S-1, name: Everything, kind: horizontal}
axes:
  - {id: AX-1, name: Customers, segment: S-1, status: active}
actions:
  - {id: A-W53, axis: AX-1, text: "Call 4 customers in week 53", who: julie@audit.example,
     what: {activity: call, count: 4, counting: activities}, when: "week 53"}
  - {id: A-W10, axis: AX-1, text: "Visit 3 customers in week 10", who: julie@audit.example,
     what: {activity: visit, count: 3, counting: activities}, when: "week 10"}
  - {id: A-W44, axis: AX-1, text: "Visit 3 customers in week 44", who: julie@audit.example,
     what: {activity: visit, count: 3, counting: activities}, when: "week 44"}
"""
CONNECTED = "f240bbac-87c9-4f6e-bf70-924b57d47db7"
NIGHT = datetime(2026, 12, 30, 17, 0, tzinfo=UTC)


def t(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def build_portal() -> Portal:
    p = Portal()
    p.add_owner(JULIE, 201, "julie@audit.example", "Julie", "Martin")
    standard = {"companies": ["name", "zip", "country", "industry", "annualrevenue", "hubspot_owner_id",
                              "hs_merged_object_ids", "hs_lastmodifieddate", "createdate"],
                "meetings": ["hs_meeting_title", "hs_timestamp", "hs_meeting_start_time", "hubspot_owner_id",
                             "hs_lastmodifieddate"],
                "calls": ["hs_call_title", "hs_timestamp", "hs_call_status", "hs_call_direction",
                          "hs_call_disposition", "hubspot_owner_id", "hs_lastmodifieddate"],
                "deals": ["dealname", "pipeline", "dealstage", "amount", "amount_in_home_currency", "closedate",
                          "createdate", "deal_currency_code", "hs_is_closed_won", "hs_is_closed",
                          "hs_merged_object_ids", "hubspot_owner_id", "hs_lastmodifieddate"]}
    for object_type, names in standard.items():
        for name in names:
            kind = ("datetime" if name in DATETIME_PROPS else "number" if name in NUMBER_PROPS else "string")
            p.define(object_type, name, kind, {"datetime": "date", "number": "number"}.get(kind, "text"))
    p.define("companies", "type", "enumeration", "select", [("CUSTOMER", "Customer"), ("OTHER", "Other")])
    p.define("meetings", "hs_activity_type", "enumeration", "select", [("Visite client", "Visite client")])
    p.define("meetings", "hs_meeting_outcome", "enumeration", "select",
             [(v, v.title()) for v in ("SCHEDULED", "COMPLETED", "RESCHEDULED", "NO_SHOW", "CANCELED")])
    p.pipelines["deals"] = []
    stamp = t("2026-12-29T12:00:00Z")
    for cid in ("11", "12", "13"):
        p.add("companies", cid, {"name": f"Company {cid}", "zip": "10001", "country": "United States",
                                 "type": "CUSTOMER", "hubspot_owner_id": JULIE,
                                 "createdate": t("2025-03-01T09:00:00Z")}, modified=stamp)
    meetings = ("2026-03-02T04:30:00Z", "2026-03-02T05:30:00Z", "2026-03-08T07:30:00Z", "2026-03-09T03:30:00Z",
                "2026-03-09T04:30:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z", "2026-11-02T04:30:00Z",
                "2026-11-02T05:30:00Z")
    for k, start in enumerate(meetings, start=1):      # M1..M9: ids 301..309
        p.add("meetings", str(300 + k), {"hs_meeting_title": f"Visit M{k}", "hs_timestamp": t(start),
                                         "hs_meeting_start_time": t(start), "hs_meeting_outcome": "COMPLETED",
                                         "hs_activity_type": "Visite client", "hubspot_owner_id": JULIE},
              modified=stamp, companies=("11",))
    calls = ("2026-12-28T04:30:00Z", "2026-12-28T05:30:00Z", "2026-12-29T15:00:00Z", "2026-12-30T16:00:00Z",
             "2027-01-01T04:30:00Z")
    for k, start in enumerate(calls, start=1):         # K1..K5: ids 401..405
        p.add("calls", str(400 + k), {"hs_call_title": f"Call K{k}", "hs_timestamp": t(start),
                                      "hs_call_status": "COMPLETED", "hs_call_direction": "OUTBOUND",
                                      "hs_call_disposition": CONNECTED, "hubspot_owner_id": JULIE},
              modified=stamp, companies=("12",))
    return p


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp: Path = tmp_path_factory.mktemp("hs53")
    settings = one_connector_settings(tmp, PLAN, "hs-docs", default_mapping_path(), "ny",
                                      as_of="2026-12-30T12:00:00-05:00")
    with Emulator(build_portal(), page_cap=4) as emulator:
        yield sync(settings, emulator, [], clock=lambda: NIGHT), emulator


def test_the_hand_figures(night: Any) -> None:
    result, emulator = night
    assert not result.errors, result.errors
    ev = result.evaluation
    w53 = ev.action("A-W53")
    assert (w53.done, w53.target, w53.pace) == (3, 4, "on_track")
    assert w53.expected_by_now == pytest.approx(2.5)
    assert (ev.action("A-W10").done, ev.action("A-W10").pace) == (3, "done")
    assert (ev.action("A-W44").done, ev.action("A-W44").pace) == (3, "done")
    written = {r.properties["pac_key"]: r.properties for r in emulator.portal.objects["2-3"].values()}
    windows = {key: (props["pac_window_start"], props["pac_window_end"], props["pac_done"], props["pac_pace"])
               for key, props in written.items()}
    assert windows == {"ny-2026:A-W53": ("2026-12-28", "2026-12-31", "3", "on_track"),
                       "ny-2026:A-W10": ("2026-03-02", "2026-03-08", "3", "done"),
                       "ny-2026:A-W44": ("2026-10-26", "2026-11-01", "3", "done")}
