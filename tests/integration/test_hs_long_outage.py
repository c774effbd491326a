"""A HubSpot portal keeps a deleted record in its recycle bin, where the archived lists show it, for 90 days ("you can
restore ... records deleted within the last 90 days", HubSpot, *Restore deleted records*); after that it is gone for
good, from the lists too. An incremental night learns of a deletion from those lists only, so the first night after
pac has not run for that long reads every object in full, whatever ``reconciliation_days`` says (as a Salesforce org's
15-day Recycle Bin does: ``Connector.deletions_kept_days``, sync_jobs/pull.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox_crm.run import start_sandbox
from sandbox_crm.server import SandboxServer
from sync_jobs.store import open_store
from sync_jobs.store import records as store_records
from tests.fakes import Clock, sandbox_settings, sandbox_sync

HS = "hs-west"


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with start_sandbox() as srv:
        yield srv


def _meetings(url: str) -> dict[str, bool]:
    """The HubSpot connector's stored activities: id -> deleted."""
    engine = open_store(url)
    try:
        return {r.id: r.deleted for r in store_records.iter_records(engine, [HS], "activities")}
    finally:
        engine.dispose()


def test_a_meeting_purged_from_the_recycle_bin_during_a_95_day_outage_stops_counting(tmp_path: Path,
                                                                                       server: SandboxServer) -> None:
    """Night 1 reads the portal. A rep deletes a meeting the next day; pac does not run again for 95 days, and on day
    91 HubSpot empties it from the recycle bin (the sandbox drops it from the archived list). ``reconciliation_days``
    is 365 for the portal (a big portal's admin saving calls), so night 2 (day 95) is not a weekly full read.

    Hand reasoning: the meeting is in no search (deleted) and in no archived list (purged), so only a full read tells
    it is gone. Seen failing before the fix: night 2 read incrementally and the meeting stayed live in the store,
    counted as a visit 95 days after it was deleted."""
    url = f"sqlite:///{tmp_path / 'pac.db'}"
    settings = sandbox_settings(tmp_path, url)
    settings = settings.model_copy(update={"connectors": [
        c.model_copy(update={"reconciliation_days": 365}) if c.name == HS else c for c in settings.connectors]})
    api = server.api("hubspot")
    clock = Clock()
    sandbox_sync(settings, server, clock=clock)                       # night 1
    stored = _meetings(url)
    meetings = api.table("meetings")
    gone = next(i for i in sorted(meetings.rows) if stored.get(i) is False)
    api.archive("meetings", gone)                                     # day 1: deleted, in the recycle bin
    meetings.archived.pop(gone)                                       # day 91: emptied from it for good
    clock.advance(days=95)
    sandbox_sync(settings, server, provision=False, clock=clock)      # night 2, day 95
    assert _meetings(url)[gone] is True, "a meeting deleted 95 days ago still counts"
