"""A HubSpot meeting dated months before the evaluation whose outcome is still SCHEDULED or RESCHEDULED is a meeting
whose outcome nobody updated, not one still to come: HubSpot's Meetings guide defines ``hs_timestamp`` as "the date and
time that the meeting occurred" and the outcomes "scheduled, completed, rescheduled, no show, and canceled"
(https://developers.hubspot.com/docs/api-reference/crm-meetings-v3/guide). The shipped mapping reads both as planned
(they do not count); the real pipeline, through hubspot-api-client on the sandbox portal, warns of those that would
count for an action but for their outcome, and ``pac explain`` says what to do (audit hsdoc F4).

Julie's meetings at Lyon Chimie, plan evaluated on 30 June 2027 18:00 Paris, action A-V "visit 10 clients in 2027":
M1 COMPLETED 10 February (counts); M2 SCHEDULED 10 March and M6 RESCHEDULED 13 April (still planned, in the past:
warned); M8 SCHEDULED 1 August (still to come: not warned); M9 SCHEDULED 12 March but of a meeting type the mapping
does not list (an internal meeting: no plan activity, not warned)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from connectors.hubspot.mapping import default_mapping_path
from pac_core.explain import explain_action
from sync_jobs.app import current
from sync_jobs.cli_sync import print_warning_summary
from sync_jobs.pipeline import RunResult
from tests.fakes import SeededPortal, audit_plan, one_connector_settings, sandbox_sync_clean

PLAN = audit_plan("F4", "en", """\
  - {id: A-V, axis: AX-RA, text: "Visit 10 clients in 2027", who: julie@audit.example,
     what: {activity: visit, count: 10, counting: activities}, when: "2027", status: in_progress}
""")


class Portal(SeededPortal):
    def __init__(self, tmp: Path) -> None:
        super().__init__()
        api = self.api
        julie = api.add_owner("julie@audit.example", "Julie", "Martin")
        lyon = api.add("companies", {"name": "Lyon Chimie", "zip": "69001", "country": "France", "type": "Client",
                                     "hubspot_owner_id": julie})
        self.ids: dict[str, str] = {}

        def meeting(key: str, when: str, outcome: str, kind: str = "Visite client") -> None:
            self.ids[key] = api.add("meetings", {
                "hubspot_owner_id": julie, "hs_timestamp": when, "hs_meeting_start_time": when,
                "hs_meeting_outcome": outcome, "hs_activity_type": kind, "hs_meeting_title": f"Visite {key}"},
                companies=(lyon,))

        meeting("M1", "2027-02-10T08:00:00.000Z", "COMPLETED")
        meeting("M2", "2027-03-10T08:00:00.000Z", "SCHEDULED")
        meeting("M6", "2027-04-13T08:00:00.000Z", "RESCHEDULED")
        meeting("M8", "2027-08-01T08:00:00.000Z", "SCHEDULED")
        meeting("M9", "2027-03-12T08:00:00.000Z", "SCHEDULED", kind="Réunion interne")
        self.serve()
        self.settings = one_connector_settings(tmp, PLAN, "hs-f4", default_mapping_path(), "f4")

    def sync(self) -> RunResult:
        result: RunResult = sandbox_sync_clean(self.settings, self.server)
        return result


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    with Portal(tmp_path) as p:
        yield p


def test_past_meetings_still_scheduled_are_data_quality_warnings(portal: Portal) -> None:
    """The sync counts M1 alone and warns of M2 and M6 (object activities, rule planned_past, in the run's counts and
    its summary), never of M8 (to come) or M9 (no plan activity); the run stays ok (a warning is no rejection). Seen
    failing before: no warning (the summary said nothing of the two visits)."""
    result = portal.sync()
    ids = portal.ids
    assert result.evaluation is not None and result.evaluation.action("A-V").done == 1
    assert result.status == "ok" and result.rejections == []
    assert [(w.object, w.id, w.reason) for w in result.warnings] == [
        ("activities", ids["M2"], "planned_past: still planned on 2027-03-10, a past date: update its outcome or "
                                  "status in the CRM for it to count (A-V)"),
        ("activities", ids["M6"], "planned_past: still planned on 2027-04-13, a past date: update its outcome or "
                                  "status in the CRM for it to count (A-V)")]
    assert result.counts["activities"]["warnings"] == 2
    out = io.StringIO()
    print_warning_summary(Console(file=out, width=200), result)
    assert ("activities: still planned on a past date, counted nowhere: update its outcome or status x2, e.g. "
            f"{ids['M2']} «Visite M2», {ids['M6']} «Visite M6»") in out.getvalue()


def test_explain_says_to_update_the_outcome(portal: Portal) -> None:
    """``pac explain A-V`` lists M2 and M6 as "still planned on a past date" with the fix, not "not done yet" (seen
    failing before: "not done yet" on a March visit)."""
    portal.sync()
    now = current(portal.settings, explain=["A-V"])
    rows = {r["record"]: (r["reason"], r["detail"]) for r in explain_action(now.plan, now.evaluation, "A-V").rows}
    fix = ("still planned on a past date", "update its outcome or status in the CRM for it to count")
    assert (rows[portal.ids["M2"]], rows[portal.ids["M6"]]) == (fix, fix)
    assert portal.ids["M8"] not in rows
