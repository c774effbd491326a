"""The plan's warnings a run worded, kept as records on its run-log row (``pac_run.plan_warnings``, migration 0017;
audit warnfr), on SQLite and PostgreSQL: kept by ``finish_run`` with their English words redacted as the errors, read
back and worded in French or English (``warnings_kept.kept_problems``), the line kept for an older pac listed once;
a run recorded before 0017 (English lines only) still listed as it was after the upgrade; going down drops the
column."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import MetaData, Table, inspect

from pac_core.plan_warnings import PlanWarning, record
from sync_jobs.store import open_store, repo
from sync_jobs.store.db import alembic_config
from sync_jobs.warnings_kept import kept_problems

NIGHT = datetime(2027, 5, 20, 2, tzinfo=UTC)
JULIE, MARC = "julie.martin@durand-process.example", "marc.dubois@durand-process.example"
HANDED = PlanWarning("handed_over", {"action": "A-01", "old": JULIE, "new": MARC, "version": 1, "day": "2027-05-20",
                                     "declared": False})
UNKNOWN = PlanWarning("unknown_owner", {"ids": ["A-06"], "email": "paul@x.example", "crms": "sf-main", "where": [
    "plan.pac.yaml:30 people[9]"], "kinds": ["action"], "lookalikes": [], "yaml": None})
CONNECTOR = "warning: sf-main: accounts: Account.Type is not history-tracked: ..."


@pytest.fixture
def engine(database_url):
    engine = open_store(database_url)
    yield engine
    engine.dispose()


def _run(engine, run_id: int):
    [run] = [r for r in repo.runs(engine) if r.id == run_id]
    return run


class TestKeptWithTheRun:
    def test_records_are_kept_and_worded_in_each_language_each_warning_once(self, engine) -> None:
        """The hand-over is kept both as its English line (an older pac reads it) and as its record: listed once, in
        place, in the reader's language; the unknown owner (kept as a record only) after it; the CRM's warning
        as kept, in English."""
        run_id = repo.start_run(engine, "p", NIGHT)
        repo.finish_run(engine, run_id, status="ok", now=NIGHT, counts={}, api={},
                        errors=[CONNECTOR, f"warning: {HANDED}"], plan_warnings=[record(HANDED), record(UNKNOWN)])
        run = _run(engine, run_id)
        assert [r["code"] for r in run.plan_warnings] == ["handed_over", "unknown_owner"]
        french = kept_problems(run.errors, run.plan_warnings, "fr")
        assert french == [CONNECTOR, f"attention : {HANDED.words('fr')}", f"attention : {UNKNOWN.words('fr')}"]
        assert french[1].startswith(f"attention : A-01 : le responsable est passé de {JULIE} à {MARC} depuis la "
                                    "version 1 du plan gardée par pac")
        assert kept_problems(run.errors, run.plan_warnings, "en") == [CONNECTOR, f"warning: {HANDED}",
                                                                       f"warning: {UNKNOWN}"]
        # the report's data section: the warnings it listed before (the kept lines), in its language
        assert kept_problems(run.errors, run.plan_warnings, "fr", every=False) == french[:2]

    def test_a_credential_in_a_warning_is_hidden_in_every_language(self, engine) -> None:
        """A name holding what looks like a credential (``token=…``) is hidden in the kept English words, as in
        the errors, and in the French words read back."""
        odd = PlanWarning("unknown_owner", {**UNKNOWN.values, "where": ["plan.pac.yaml:3 token=abc123secret"]})
        run_id = repo.start_run(engine, "p", NIGHT)
        repo.finish_run(engine, run_id, status="ok", now=NIGHT, counts={}, api={}, errors=[],
                        plan_warnings=[record(odd)])
        run = _run(engine, run_id)
        shown = kept_problems(run.errors, run.plan_warnings, "fr") + kept_problems(run.errors, run.plan_warnings, "en")
        assert len(shown) == 2 and not [line for line in shown if "abc123secret" in line]
        assert "abc123secret" not in run.plan_warnings[0]["en"]


class TestMigration0017:
    def test_a_run_recorded_at_0016_is_still_listed_from_its_lines(self, engine, database_url) -> None:
        """Last night's run, kept by a pac at 0016 with its hand-over as an English line among its errors, after the
        upgrade: NULL records, every line listed as it was, in either language (nothing to word it from)."""
        command.downgrade(alembic_config(engine), "0016")
        try:
            assert "plan_warnings" not in {c["name"] for c in inspect(engine).get_columns("pac_run")}
            table = Table("pac_run", MetaData(), autoload_with=engine)     # the table as a pac at 0016 has it
            with engine.begin() as conn:
                conn.execute(table.insert().values(plan_id="p", started_at=NIGHT, finished_at=NIGHT, status="ok",
                                                   dry_run=False, full=False, counts={}, api={}, removed=[],
                                                   errors=[CONNECTOR, f"warning: {HANDED}"]))
        finally:
            open_store(database_url).dispose()       # back to head
        [run] = repo.runs(engine)
        assert run.plan_warnings is None
        assert kept_problems(run.errors, run.plan_warnings, "fr") == [CONNECTOR, f"warning: {HANDED}"]
        assert kept_problems(run.errors, run.plan_warnings, "en") == [CONNECTOR, f"warning: {HANDED}"]

    def test_going_back_to_0016_drops_the_column_and_keeps_the_lines(self, engine, database_url) -> None:
        run_id = repo.start_run(engine, "p", NIGHT)
        repo.finish_run(engine, run_id, status="ok", now=NIGHT, counts={}, api={}, errors=[f"warning: {HANDED}"],
                        plan_warnings=[record(HANDED), record(UNKNOWN)])
        command.downgrade(alembic_config(engine), "0016")
        try:
            assert "plan_warnings" not in {c["name"] for c in inspect(engine).get_columns("pac_run")}
            table = Table("pac_run", MetaData(), autoload_with=engine)
            with engine.connect() as conn:
                assert [list(r.errors) for r in conn.execute(table.select())] == [[f"warning: {HANDED}"]]
        finally:
            open_store(database_url).dispose()
        assert [(r.id, r.plan_warnings, r.errors) for r in repo.runs(engine)] == [(run_id, None,
                                                                                   [f"warning: {HANDED}"])]
