"""A HubSpot meeting is dated by ``hs_timestamp``, "the date and time that the meeting occurred" (HubSpot's Meetings
guide), and by ``hs_meeting_start_time`` only when it has none (audit B, finding B-3). Synced by the real pipeline
through hubspot-api-client against the sandbox portal: Julie's visit to Lyon Chimie whose ``hs_timestamp`` is 30 March
and whose start is 2 April counts in Q1, as HubSpot's timeline and activity reports place it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from connectors.hubspot.mapping import default_mapping_path
from sync_jobs.pipeline import RunResult
from tests.fakes import SeededPortal, audit_plan, one_connector_settings, sandbox_sync_clean

PLAN = audit_plan("B3", "en", """\
  - id: A-Q1
    axis: AX-RA
    text: "Visit 10 clients in Q1"
    who: julie@audit.example
    what: {activity: visit, count: 10, counting: activities}
    when: "Q1 2027"
    status: in_progress
  - id: A-Q2
    axis: AX-RA
    text: "Visit 10 clients in Q2"
    who: julie@audit.example
    what: {activity: visit, count: 10, counting: activities}
    when: "Q2 2027"
    status: in_progress
""")


class Portal(SeededPortal):
    """M3: ``hs_timestamp`` 2027-03-30T08:00Z, ``hs_meeting_start_time`` 2027-04-02T08:00Z (an integration set them
    apart, or the start was edited), last changed on 1 October 2026; M1: both on 3 May, changed on 1 November 2026 (so
    an incremental read's overlap window holds M1 only)."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        super().__init__()
        api = self.api
        julie = api.add_owner("julie@audit.example", "Julie", "Martin")
        lyon = api.add("companies", {"name": "Lyon Chimie", "zip": "69001", "country": "France", "type": "Client",
                                     "hubspot_owner_id": julie})

        def visit(title: str, timestamp: str, start: str, changed: datetime) -> None:
            api.add("meetings", {"hubspot_owner_id": julie, "hs_timestamp": timestamp, "hs_meeting_start_time": start,
                                 "hs_meeting_outcome": "COMPLETED", "hs_activity_type": "Visite client",
                                 "hs_meeting_title": title}, companies=(lyon,), modified=changed)

        visit("M3", "2027-03-30T08:00:00.000Z", "2027-04-02T08:00:00.000Z", datetime(2026, 10, 1, tzinfo=UTC))
        visit("M1", "2027-05-03T08:00:00.000Z", "2027-05-03T08:00:00.000Z", datetime(2026, 11, 1, tzinfo=UTC))
        self.serve()

    def sync(self, mapping: Path) -> RunResult:
        settings = one_connector_settings(self.tmp, PLAN, "hs-b", mapping, "b3")
        result: RunResult = sandbox_sync_clean(settings, self.server)
        return result


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    with Portal(tmp_path) as p:
        yield p


def _done(result: RunResult) -> tuple[int, int]:
    assert result.evaluation is not None
    return result.evaluation.action("A-Q1").done, result.evaluation.action("A-Q2").done


def test_a_meeting_counts_on_its_hs_timestamp(portal: Portal) -> None:
    """M3 counts in Q1 (its ``hs_timestamp``), M1 in Q2. Failed before: Q1 0, Q2 2 (M3 dated by its start)."""
    assert _done(portal.sync(default_mapping_path())) == (1, 1)


def test_a_store_synced_with_the_old_order_reads_its_meetings_again(portal: Portal, tmp_path: Path) -> None:
    """A store synced with the old defaults (start first) re-reads its meetings on the first sync with the new ones:
    the mapping's meetings section is part of the connector's reading fingerprint, so that sync is a full read of
    activities and M3 moves to Q1 at once, though nothing changed in HubSpot."""
    text = default_mapping_path().read_text(encoding="utf-8")
    new = "    start: hs_timestamp\n    fallback_start: hs_meeting_start_time\n"
    assert new in text
    old = tmp_path / "hubspot.start-first.yaml"
    old.write_text(text.replace(new, "    start: hs_meeting_start_time\n    fallback_start: hs_timestamp\n"),
                   encoding="utf-8")
    assert _done(portal.sync(old)) == (0, 2)
    assert _done(portal.sync(old)) == (0, 2)          # nothing changed: nothing re-read
    assert _done(portal.sync(default_mapping_path())) == (1, 1)
