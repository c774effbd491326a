"""An incremental Salesforce read that also reads rows by account (a merge's winners) or by product (a product
reclassified) must not move the watermark past what its own ``SystemModstamp`` query could see.

The query's results are fixed when it runs: "Each locator and its associated results are available for two days after
the initial query executes" (Salesforce Help, *INVALID_QUERY_LOCATOR*), so a change made after the query ran is for
the next night's query, which starts at the watermark (the newest stamp read) less ``overlap_minutes`` (5). The rows
read by account or by product are read as they are when that read is made, with their current stamps: read after the
query, while its pages were read (minutes on a big night), a stamp among them later than the query's own can carry
the watermark past a change made in between, which no incremental night then reads (until the weekly full read)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from connectors.salesforce.connector import SalesforceConnector
from pac_core.records import Activity
from sandbox_crm.server import SandboxServer
from sync_jobs.store import open_store, repo
from sync_jobs.store import records as store_records
from tests.integration.sf_runs import SfRuns, demo_org_server


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    yield from demo_org_server()


def _live_events(org: Any) -> list[dict[str, Any]]:
    return [r for r in org.rows("Event") if not r["IsDeleted"] and not r["IsChild"] and not r.get("IsArchived")
            and r.get("AccountId")]


def test_a_visit_deleted_while_a_merge_winners_events_are_read_stops_counting(tmp_path, database_url,
                                                                               server) -> None:
    """Night 2 follows an account merge, so it reads the winner's Events by account besides its Event query. While
    it reads (the hook below: on the read by account), a rep deletes a visit of another account (stamped 1 minute
    after the night's clock) and, 10 minutes later, someone edits an Event of the winner (stamped +11 min), which
    the read by account returns. Night 3 reads Events from the watermark less 5 minutes.

    Hand arithmetic (minutes after T, the CRM clock when night 2 starts): deletion at T+1, winner's event at T+11.
    Read after the Event query, the winner's event makes the watermark T+11, so night 3 reads from T+11-5 = T+6 > T+1:
    the deletion is never read and the visit keeps counting until the weekly full read. Read before the query, the
    query (run at T+11) returns the deletion itself."""
    runs = SfRuns(tmp_path, database_url, server)
    org = runs.api
    runs.sync()                                                        # night 1: every object read in full
    events = _live_events(org)
    on = {r["AccountId"] for r in events}
    winner, loser = sorted(on)[:2]
    visit = next(r["Id"] for r in events if r["AccountId"] not in (winner, loser)
                 and r.get("Type") == "Visite client")
    edited = next(r["Id"] for r in events if r["AccountId"] == winner)
    runs.crm_now[0] += timedelta(minutes=1)
    org.merge("Account", winner, loser)
    start = runs.crm_now[0]
    acted = [False]

    def act_while_the_winners_events_are_read(connector: SalesforceConnector) -> None:
        by_account = connector.reader.rows_of_accounts

        def reading(obj: str, fields: list[str], accounts: list[str], **kwargs: Any) -> Iterator[dict[str, Any]]:
            if obj == "Event" and accounts and not acted[0]:
                acted[0] = True
                runs.crm_now[0] = start + timedelta(minutes=1)
                org.delete("Event", visit)
                runs.crm_now[0] = start + timedelta(minutes=11)
                org.edit("Event", edited, Subject="Compte rendu repris")
            yield from by_account(obj, fields, accounts, **kwargs)

        connector.reader.rows_of_accounts = reading  # type: ignore[method-assign]

    runs.sync(act_while_the_winners_events_are_read)                   # night 2: incremental, with the merge
    assert acted[0]
    engine = open_store(database_url)
    mark = repo.watermarks(engine, "sf-main")[("sf-main", "activities:Event")]
    assert mark.value == start + timedelta(minutes=11)                # the winner's event was read
    runs.sync()                                                        # night 3: incremental
    stored = {a.id: a for a in store_records.iter_records(engine, ["sf-main"], "activities")
              if isinstance(a, Activity)}
    assert stored[edited].subject == "Compte rendu repris"
    assert stored[visit].deleted, "the visit deleted during night 2 still counts after night 3"


def test_a_merge_night_in_an_org_without_task_recurrence(tmp_path, database_url, server) -> None:
    """The rows read by account come first now, so in an org whose Task has no ``IsRecurrence`` (the read by account
    is refused INVALID_FIELD: audit sfrates F2) that read is the one made again without the field, and the night goes
    on: the loser's tasks are stored with the winner."""
    runs = SfRuns(tmp_path, database_url, server)
    org = runs.api
    runs.sync()
    org.schema["Task"].fields.pop("IsRecurrence")
    for row in org.store["Task"].values():
        row.pop("IsRecurrence", None)
    org.org.accessors.clear()
    tasks = [r for r in org.rows("Task") if not r["IsDeleted"] and r.get("AccountId")]
    loser = tasks[0]["AccountId"]
    winner = next(r["AccountId"] for r in tasks if r["AccountId"] != loser)
    moved = {r["Id"] for r in tasks if r["AccountId"] == loser}
    runs.crm_now[0] += timedelta(minutes=1)
    org.merge("Account", winner, loser)
    runs.sync()
    engine = open_store(database_url)
    stored = {a.id: a for a in store_records.iter_records(engine, ["sf-main"], "activities")
              if isinstance(a, Activity) and a.id in moved}
    assert stored.keys() == moved and {a.account_id for a in stored.values()} == {winner}
