"""Salesforce account merges: the losing account's deals and visits, moved to the winner without a SystemModstamp
change, are stored with the winner by the next incremental run (not a week later, at the reconciliation)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from pac_core.records import Account, Activity, Deal, DealStage
from sandbox_crm.server import SandboxServer
from sync_jobs.store import open_store, repo
from sync_jobs.store import records as store_records
from tests.integration.sf_runs import SfRuns, demo_org_server


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    yield from demo_org_server()


def test_a_merged_accounts_deal_and_visit_count_for_the_winner_after_the_next_run(tmp_path, database_url,
                                                                                   server) -> None:
    """Run 1 reads everything. Then two accounts are merged as Salesforce does it (the sandbox's ``merge``): the
    loser is deleted with MasterRecordId = the winner, its won deal and its completed visit now name the winner,
    and their SystemModstamp stays months before the watermark (the documented case: reparented children fire no
    triggers). Run 2, incremental, must store the deal and the visit with the winner: before the fix they kept the
    deleted loser (the engine leaves out records of a deleted account) until the weekly full read."""
    runs = SfRuns(tmp_path, database_url, server)
    api, crm_now, calls, sync = runs.api, runs.crm_now, runs.calls, runs.sync

    sync()
    engine = open_store(database_url)
    marks = repo.watermarks(engine, "sf-main")
    # the documented no-bump case: children older than what the next incremental read re-reads (watermark - overlap)
    old_deals = marks[("sf-main", "deals")].value - timedelta(minutes=5)
    old_events = marks[("sf-main", "activities:Event")].value - timedelta(minutes=5)
    won = {r["AccountId"]: r["Id"] for r in api.rows("Opportunity") if r["IsWon"] and not r["IsDeleted"]
           and r["SystemModstamp"] < old_deals}
    visits = {r["AccountId"]: r["Id"] for r in api.rows("Event") if r.get("Type") == "Visite client"
              and r.get("Statut__c") == "Réalisée" and not r["IsDeleted"] and not r["IsChild"]
              and not r.get("IsArchived") and r.get("AccountId") and r["SystemModstamp"] < old_events}
    live = [r for r in api.rows("Account") if not r["IsDeleted"]]
    loser = next(r["Id"] for r in live if r["Id"] in won and r["Id"] in visits)
    winner = next(r["Id"] for r in live if r["Id"] != loser)
    deal, visit = won[loser], visits[loser]
    stamps = (api.row("Opportunity", deal)["SystemModstamp"], api.row("Event", visit)["SystemModstamp"])
    crm_now[0] += timedelta(minutes=1)
    api.merge("Account", winner, loser)
    assert (api.row("Opportunity", deal)["SystemModstamp"], api.row("Event", visit)["SystemModstamp"]) == stamps
    assert api.row("Opportunity", deal)["AccountId"] == winner and api.row("Event", visit)["AccountId"] == winner
    sync()

    after = repo.watermarks(engine, "sf-main")
    assert all(after[k].last_full_at == marks[k].last_full_at for k in marks)      # run 2 read incrementally
    stored = {r.id: r for kind in ("accounts", "activities", "deals")
              for r in store_records.iter_records(engine, ["sf-main"], kind)}
    assert isinstance(stored[loser], Account) and stored[loser].deleted
    assert isinstance(stored[winner], Account) and not stored[winner].deleted
    moved_deal, moved_visit = stored[deal], stored[visit]
    assert isinstance(moved_deal, Deal) and moved_deal.stage is DealStage.WON and not moved_deal.deleted
    assert isinstance(moved_visit, Activity) and not moved_visit.deleted
    assert moved_deal.account_id == winner and moved_visit.account_id == winner
    # the cost: one "AccountId IN (...)" query per object read (Event, Task, Opportunity)
    assert calls[1].get("queryAll", 0) == 4 + 3      # one page each of Account, Event, Task, Opportunity + 3 by account
