"""What a run took out of the plan, kept as records on its run-log row (``pac_run.removed``, migration 0016; audit
removedrec), on SQLite and PostgreSQL: added in the transaction that records the CRM write marking the records
removed (``repo.save_written`` with the run's id), merged per item across CRMs, never for a record marked before;
a run recorded before 0016 (its items legacy lines among its errors) still listed after the upgrade."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import MetaData, Table, inspect

from sync_jobs.retired_kept import RemovedItem, kept_line, split, status_lines
from sync_jobs.store import open_store, repo
from sync_jobs.store.db import alembic_config

NIGHT1 = datetime(2027, 5, 20, 2, tzinfo=UTC)
NIGHT2 = datetime(2027, 6, 2, 2, tzinfo=UTC)
ODD = "Call «VIP» clients», done 1 / 2: marked removed in sf-x"


@pytest.fixture
def engine(database_url):
    engine = open_store(database_url)
    yield engine
    engine.dispose()


def _night_one(engine, connector: str) -> None:
    repo.save_written(engine, "p", connector, [
        ("axis", "p:AX-2", "ax2", {"name": "AX-2 Dormants, and others", "pace": "on_track"}),
        ("action", "p:A-2", "a2", {"name": "A-2 Call", "text": ODD, "done": 2, "target": 4, "pace": "at_risk"})],
        NIGHT1)


def _removed(engine, run_id: int):
    [run] = [r for r in repo.runs(engine) if r.id == run_id]
    return run.removed


class TestKeptWithTheWrite:
    def test_an_item_marked_in_two_crms_is_one_record_naming_both(self, engine) -> None:
        """A connector whose name holds " and " (settings refuse it; the record does not care) and one more: one
        record per item, its CRMs in the order they were marked; the name as the plan wrote it. The legacy line of
        the same item read back split the connector in two (documented legacy limit)."""
        for connector in ("hs and sf", "sf-main"):
            _night_one(engine, connector)
        run = repo.start_run(engine, "p", NIGHT2)
        assert _removed(engine, run) == []
        for connector in ("hs and sf", "sf-main"):
            repo.save_written(engine, "p", connector, [("axis", "p:AX-2", None, {"pace": "removed"}),
                                                       ("action", "p:A-2", None, {"pace": "removed",
                                                                                  "removed_label": "[Removed]"})],
                              NIGHT2, run_id=run)
        items = split(_removed(engine, run), ["sf-main p:A-9: refused"])
        assert items == ([RemovedItem("AX-2", "axis", "Dormants, and others", None, None, ("hs and sf", "sf-main")),
                          RemovedItem("A-2", "action", ODD, 2, 4, ("hs and sf", "sf-main"))],
                         ["sf-main p:A-9: refused"])
        assert status_lines([], "en", _removed(engine, run))[1:] == [
            "  - AX-2 «Dormants, and others» (axis): marked removed in hs and sf and sf-main",
            f"  - A-2 «{ODD}» (action, done 2 / 4): marked removed in hs and sf and sf-main"]
        legacy = split(None, [f"warning: {kept_line(items[0][0])}"])[0]
        assert legacy[0].crms == ("hs", "sf", "sf-main")        # why the lines were given up

    def test_a_record_marked_before_or_saved_without_the_run_is_not_named(self, engine) -> None:
        _night_one(engine, "hs")
        first = repo.start_run(engine, "p", NIGHT1)
        repo.save_written(engine, "p", "hs", [("action", "p:A-2", None, {"pace": "removed"})], NIGHT1, run_id=first)
        second = repo.start_run(engine, "p", NIGHT2)
        repo.save_written(engine, "p", "hs", [("action", "p:A-2", None, {"pace": "removed"}),     # sent again
                                              ("axis", "p:AX-2", None, {"pace": "removed"})], NIGHT2)  # an echo
        repo.save_written(engine, "p", "hs", [("action", "p:A-2", None, {"pace": "removed"})], NIGHT2, run_id=second)
        assert [r["id"] for r in _removed(engine, first)] == ["A-2"]
        assert _removed(engine, second) == []

    def test_finishing_or_closing_the_run_keeps_its_records(self, engine) -> None:
        _night_one(engine, "hs")
        run = repo.start_run(engine, "p", NIGHT2)
        repo.save_written(engine, "p", "hs", [("action", "p:A-2", None, {"pace": "removed"})], NIGHT2, run_id=run)
        repo.close_own_run(engine, run, NIGHT2, "interrupted by Ctrl-C (SIGINT): ...", replacing="interrupted: ")
        assert [r["id"] for r in _removed(engine, run)] == ["A-2"]
        other = repo.start_run(engine, "p", NIGHT2)
        repo.save_written(engine, "p", "hs", [("axis", "p:AX-2", None, {"pace": "removed"})], NIGHT2, run_id=other)
        repo.finish_run(engine, other, status="ok", now=NIGHT2, counts={}, api={}, errors=[])
        assert [r["id"] for r in _removed(engine, other)] == ["AX-2"]


class TestMigration0016:
    def test_a_run_recorded_at_0015_is_still_listed_from_its_lines(self, engine, database_url) -> None:
        """Last night's run, kept by a pac at 0015 with its legacy line among its errors, after the upgrade: NULL
        records, its item read from the line, the other problem kept as a problem."""
        line = ("warning: removed from the plan by this run: A-2 (action «Call clients 4 times in May», done 2 / 4): "
                "marked removed in hs-hand7")
        command.downgrade(alembic_config(engine), "0015")
        try:
            assert "removed" not in {c["name"] for c in inspect(engine).get_columns("pac_run")}
            table = Table("pac_run", MetaData(), autoload_with=engine)     # the table as a pac at 0015 has it
            with engine.begin() as conn:
                conn.execute(table.insert().values(plan_id="p", started_at=NIGHT2, finished_at=NIGHT2, status="ok",
                                                   dry_run=False, full=False, counts={}, api={},
                                                   errors=[line, "hs-hand7: a problem"]))
        finally:
            open_store(database_url).dispose()       # back to head
        [run] = repo.runs(engine)
        assert run.removed is None
        assert split(run.removed, run.errors) == (
            [RemovedItem("A-2", "action", "Call clients 4 times in May", 2, 4, ("hs-hand7",))], ["hs-hand7: a problem"])
        assert status_lines(run.errors, "fr", run.removed)[1:] == [
            "  - A-2 « Call clients 4 times in May » (action, réalisé 2 / 4) : marquée retirée dans « hs-hand7 »"]

    def test_going_back_to_0015_drops_the_column(self, engine, database_url) -> None:
        run = repo.start_run(engine, "p", NIGHT2)
        command.downgrade(alembic_config(engine), "0015")
        try:
            assert "removed" not in {c["name"] for c in inspect(engine).get_columns("pac_run")}
        finally:
            open_store(database_url).dispose()
        assert [(r.id, r.removed) for r in repo.runs(engine)] == [(run, None)]
