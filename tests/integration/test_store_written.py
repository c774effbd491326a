"""The per-batch checkpoint of what was last written, on SQLite and PostgreSQL: set-based, merging, idempotent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from sync_jobs.store import open_store, repo

NOW = datetime(2027, 5, 20, 16, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=1)


@pytest.fixture
def engine(database_url):
    engine = open_store(database_url)
    yield engine
    engine.dispose()


def _batch(n: int, start: int = 0, **fields: object) -> list[tuple[str, str, str | None, dict[str, object]]]:
    return [("account", f"acc-{i:05d}", f"001{i:05d}", {"pac_axes": f"AX-{i % 7}", **fields})
            for i in range(start, start + n)]


class TestSaveWrittenBatch:
    def test_a_batch_larger_than_one_statement_mixes_new_and_known_records(self, engine) -> None:
        """Known records merge their fields, new ones are created, the count covers every tuple sent."""
        repo.save_written(engine, "p", "sf", _batch(300, target_flag=True), NOW)
        saved = repo.save_written(engine, "p", "sf", _batch(repo.WRITTEN_CHUNK + 200, pac_axes_n=2), LATER)
        rows = repo.written(engine, "p", "sf")
        assert saved == repo.WRITTEN_CHUNK + 200 and len(rows) == repo.WRITTEN_CHUNK + 200
        assert rows[("account", "acc-00007")].fields == {"pac_axes": "AX-0", "target_flag": True, "pac_axes_n": 2}
        assert rows[("account", "acc-00650")].fields == {"pac_axes": "AX-6", "pac_axes_n": 2}
        assert {r.written_at for r in rows.values()} == {LATER}

    def test_saving_the_same_batch_twice_changes_nothing(self, engine) -> None:
        """A checkpoint replayed after a crash leaves the same rows and values (idempotent)."""
        repo.save_written(engine, "p", "hs", _batch(50), NOW)
        first = {k: (r.crm_id, r.fields) for k, r in repo.written(engine, "p", "hs").items()}
        repo.save_written(engine, "p", "hs", _batch(50), NOW)
        assert {k: (r.crm_id, r.fields) for k, r in repo.written(engine, "p", "hs").items()} == first

    def test_one_record_twice_in_a_batch_merges_in_order(self, engine) -> None:
        """The later tuple's values win field by field; a missing CRM id keeps the one already known."""
        repo.save_written(engine, "p", "sf", [("action", "p:A-01", "a0X", {"done": 1, "name": "A"}),
                                              ("action", "p:A-01", None, {"done": 2, "owner": None})], NOW)
        row = repo.written(engine, "p", "sf")[("action", "p:A-01")]
        assert (row.crm_id, row.fields) == ("a0X", {"done": 2, "name": "A", "owner": None})

    def test_a_cleared_field_is_kept_as_null(self, engine) -> None:
        """Writing None (a field cleared in the CRM) replaces the stored value instead of dropping the key."""
        repo.save_written(engine, "p", "sf", [("account", "acc-1", "001", {"pac_axes": "AX-1"})], NOW)
        repo.save_written(engine, "p", "sf", [("account", "acc-1", None, {"pac_axes": None})], LATER)
        assert repo.written(engine, "p", "sf")[("account", "acc-1")].fields == {"pac_axes": None}

    def test_other_plans_connectors_and_targets_are_untouched(self, engine) -> None:
        """The same key under another plan, connector or target is a different record."""
        for plan, conn, target in (("p", "sf", "axis"), ("q", "sf", "account"), ("p", "hs", "account")):
            repo.save_written(engine, plan, conn, [(target, "k1", "x", {"v": plan + conn + target})], NOW)
        repo.save_written(engine, "p", "sf", [("account", "k1", "y", {"v": "new"})], LATER)
        assert repo.written(engine, "p", "sf")[("axis", "k1")].fields == {"v": "psfaxis"}
        assert repo.written(engine, "q", "sf")[("account", "k1")].fields == {"v": "qsfaccount"}
        assert repo.written(engine, "p", "hs")[("account", "k1")].fields == {"v": "phsaccount"}
        assert repo.written(engine, "p", "sf")[("account", "k1")].fields == {"v": "new"}

    def test_a_batch_costs_a_few_statements_not_one_per_record(self, engine) -> None:
        """Checkpointing 1,200 records runs one read and one upsert per chunk of keys, whatever was stored."""
        repo.save_written(engine, "p", "sf", _batch(600), NOW)
        statements: list[str] = []

        def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
            statements.append(statement.split()[0].upper())

        event.listen(engine, "before_cursor_execute", count)
        try:
            repo.save_written(engine, "p", "sf", _batch(1200), LATER)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        chunks = -(-1200 // repo.WRITTEN_CHUNK)
        assert statements.count("SELECT") == chunks and statements.count("INSERT") == chunks
        assert len(repo.written(engine, "p", "sf")) == 1200

    def test_an_empty_batch_touches_nothing(self, engine) -> None:
        """A batch the CRM refused entirely saves nothing and returns 0."""
        assert repo.save_written(engine, "p", "sf", [], NOW) == 0
        assert repo.written(engine, "p", "sf") == {}
