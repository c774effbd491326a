"""The store records the changes of the accounts' state fields (the CRM dormant flag, the owner, the account type)
when an upsert changes them, and hands them to the engine with the records (``load_columns``, ``load_records``):
the worked example's flags cleared the night after the week-19 orders still read 4 / 5 (audit matching F1, F2)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import inspect

from connectors.base import HistoryRead
from pac_core.engine import evaluate
from pac_core.records import AccountChange
from sync_jobs.store import open_store
from sync_jobs.store import records as store_records
from sync_jobs.store.db import alembic_config
from tests.unit.test_engine_support import PARIS, USERS, plan
from tests.unit.test_engine_worked_example import ACCOUNTS, ACTIVITIES

AS_OF = datetime(2027, 5, 20, 18, tzinfo=PARIS)
FIRST = datetime(2027, 5, 1, 0, 30, tzinfo=UTC)      # the night the accounts were first read
CLEARED_AT = datetime(2027, 5, 13, 0, 10, tzinfo=UTC)  # the CRM's stamp of the ERP sync clearing the flag
NIGHT = datetime(2027, 5, 14, 0, 30, tzinfo=UTC)     # the night that read it


@pytest.fixture
def engine(database_url):
    engine = open_store(database_url)
    yield engine
    engine.dispose()


def _store(engine, records, now):
    store_records.upsert_records(engine, "sf", records, run_id=1, now=now)


def _first_night(engine):
    _store(engine, [replace(a, modified_at=FIRST) for a in ACCOUNTS], FIRST)
    _store(engine, [*ACTIVITIES, *USERS], FIRST)


def _cleared(ids, **changes):
    return [replace(a, modified_at=CLEARED_AT, **changes) for a in ACCOUNTS if a.id in ids]


class TestAccountStateHistory:
    def test_flags_cleared_after_the_window_began_keep_the_worked_example_at_four(self, engine) -> None:
        """Lyon A and Villeurbanne ordered in week 19 and their Dormant box was cleared: read from the store's
        columns (what a run reads) and records, A-01 is still 4 / 5."""
        _first_night(engine)
        _store(engine, _cleared(("lyon-a", "villeurbanne"), dormant=False), NIGHT)
        for records in (store_records.load_columns(engine, ["sf"]), store_records.load_records(engine, ["sf"])):
            assert evaluate(plan(), records, as_of=AS_OF).action("A-01").done == 4

    def test_each_change_is_recorded_once_with_the_crm_stamp(self, engine) -> None:
        _first_night(engine)
        _store(engine, _cleared(("lyon-a",), dormant=False, owner_id="005M"), NIGHT)
        _store(engine, _cleared(("lyon-a",), dormant=False, owner_id="005M"), NIGHT)   # read again: no change
        changes = store_records.load_records(engine, ["sf"]).account_changes
        assert changes == (AccountChange("sf", "lyon-a", "dormant", CLEARED_AT, True, False),
                           AccountChange("sf", "lyon-a", "owner_id", CLEARED_AT, None, "005M"))

    def test_a_change_without_a_new_stamp_is_dated_by_the_run(self, engine) -> None:
        """A formula or roll-up field changes the value without moving the account's stamp: the run's instant."""
        _first_night(engine)
        _store(engine, [replace(a, modified_at=FIRST, dormant=False) for a in ACCOUNTS if a.id == "caluire"], NIGHT)
        assert store_records.load_records(engine, ["sf"]).account_changes == (
            AccountChange("sf", "caluire", "dormant", NIGHT, True, False),)

    def test_corrections_deletions_and_a_flag_appearing_are_not_state_changes(self, engine) -> None:
        """A département fixed, an account deleted (its row may be a bare id), a flag first mapped (None -> True):
        no change is recorded, every window reads the account as it is."""
        _first_night(engine)
        accounts = {a.id: a for a in ACCOUNTS}
        _store(engine, [replace(accounts["grenoble"], departement="69", postal_code="69001", modified_at=NIGHT),
                        replace(accounts["bron"], deleted=True, dormant=None, owner_id=None, modified_at=NIGHT)],
               NIGHT)
        _store(engine, [replace(accounts["givors"], dormant=None, modified_at=NIGHT)], NIGHT)
        _store(engine, [replace(accounts["givors"], dormant=True, modified_at=NIGHT)], NIGHT)
        assert store_records.load_records(engine, ["sf"]).account_changes == ()


class TestHistoryRead:
    """The companies whose property history was read, and from which property (``pac_history_read``, migration
    0015; audit hsweekly), kept with the changes that read recorded, on SQLite and PostgreSQL."""

    def test_the_accounts_read_are_kept_with_their_changes_and_a_field_read_again_replaces_its_property(
            self, engine) -> None:
        change = AccountChange("hs", "lyon-a", "owner_id", CLEARED_AT, "005J", "005M")
        store_records.upsert_records(engine, "hs", [replace(a, source="hs") for a in ACCOUNTS], run_id=1, now=FIRST)
        read = [HistoryRead(("lyon-a", "bron"), (("owner_id", "hubspot_owner_id"), ("account_type", "type")))]
        assert store_records.record_history(engine, "hs", [change], run_id=1, now=FIRST, read=read) == 1
        assert store_records.histories_read(engine, "hs", ["lyon-a", "bron", "caluire"]) == {
            "lyon-a": {"owner_id": "hubspot_owner_id", "account_type": "type"},
            "bron": {"owner_id": "hubspot_owner_id", "account_type": "type"}}
        assert store_records.histories_read(engine, "sf", ["lyon-a"]) == {}      # another connector's
        again = [HistoryRead(("bron",), (("account_type", "pac_segment"), ("dormant", "")))]
        assert store_records.record_history(engine, "hs", [], run_id=2, now=NIGHT, read=again) == 0
        assert store_records.histories_read(engine, "hs", ["bron"]) == {
            "bron": {"owner_id": "hubspot_owner_id", "account_type": "pac_segment", "dormant": ""}}
        assert [c for c in store_records.load_records(engine, ["hs"]).account_changes] == [change]

    def test_going_back_to_0014_drops_them(self, engine, database_url) -> None:
        store_records.record_history(engine, "hs", [], run_id=1, now=FIRST,
                                     read=[HistoryRead(("lyon-a",), (("owner_id", "hubspot_owner_id"),))])
        command.downgrade(alembic_config(engine), "0014")
        try:
            assert "pac_history_read" not in inspect(engine).get_table_names()
        finally:
            open_store(database_url).dispose()     # back to head: the table again, empty (no company read)
        assert store_records.histories_read(engine, "hs", ["lyon-a"]) == {}
