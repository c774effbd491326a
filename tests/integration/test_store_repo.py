"""The store on SQLite and PostgreSQL: migrations, idempotent upserts, versions, overrides, runs, snapshots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from pac_core.errors import InvalidInput
from pac_core.records import Rejected
from sync_jobs.store import open_store, repo
from sync_jobs.store import records as store_records
from sync_jobs.store.db import alembic_config
from tests.fakes import account, user, visit

NOW = datetime(2027, 5, 20, 16, 0, tzinfo=UTC)


@pytest.fixture
def engine(database_url):
    engine = open_store(database_url)
    yield engine
    engine.dispose()


class TestMigrations:
    def test_upgrade_creates_every_table_and_is_repeatable(self, engine, database_url) -> None:
        """Opening the store twice applies the migrations once and leaves every table in place."""
        open_store(database_url).dispose()
        names = set(inspect(engine).get_table_names())
        assert {"pac_plan_version", "pac_record", "pac_watermark", "pac_written", "pac_override", "pac_run",
                "pac_rejection", "pac_snapshot", "pac_run_lock", "alembic_version"} <= names

    def test_the_migrations_build_exactly_the_models(self, engine) -> None:
        """The schema the migrations build is the one the models declare (tables, columns, types, nullability,
        indexes): a model changed without its migration would fail here, not in an ops person's store."""
        with engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
        assert set(SQLModel.metadata.tables) >= {"pac_record", "pac_run", "pac_kept_night"}   # the models are loaded
        assert differences == []

    def test_a_store_migrated_by_a_newer_pac_is_refused_in_plain_words(self, engine, database_url) -> None:
        """A worker left on the older version when another upgraded the store (revision unknown here) is told
        what happened and what to do, exit 2; it ended with "unexpected error: CommandError: Can't locate
        revision identified by '0009'", exit 6 (upgrade audit, finding 2)."""
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
        try:
            with pytest.raises(InvalidInput) as raised:
                open_store(database_url).dispose()
            problem = raised.value.problems[0]
            assert "0099" in problem.message and "newer pac" in problem.message
            assert "upgrade pac" in problem.fix and "docs/operations.md" in problem.fix
        finally:
            with engine.begin() as conn:
                conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": _head()})


    def test_going_back_to_0007_leaves_snapshots_an_older_pac_reads(self, engine, database_url) -> None:
        """The documented rollback (docs/operations.md, "The store") downgrades to 0007: the snapshots this version
        kept lose the fields it added (growth_base_through), which a pac at 0007 refused (KeyError, exit 6, in
        report / review / snapshot); upgraded again, they read back with the field's default. Seen failing before
        the downgrade stripped them (the key still in the payload)."""
        axis = {"axis_id": "AX-1", "growth_base_through": {"date": "2026-12-05"}, "revenue": "10"}
        repo.save_snapshot(engine, "p", "quarter", "2026-Q4", {"axes": [axis], "plan": {"growth_base_through": None}},
                           NOW)
        command.downgrade(alembic_config(engine), "0007")
        try:
            payload = repo.snapshot(engine, "p", "quarter", "2026-Q4").payload
            assert payload == {"axes": [{"axis_id": "AX-1", "revenue": "10"}], "plan": {}}
        finally:
            open_store(database_url).dispose()     # back to head for the other tests
        assert repo.snapshot(engine, "p", "quarter", "2026-Q4").payload["axes"] == [{"axis_id": "AX-1",
                                                                                     "revenue": "10"}]


    def test_going_back_to_0007_strips_the_evaluations_newer_keys(self, engine, database_url) -> None:
        """A pac at 0007 reads a snapshot's evaluation strictly (every key a field of ``Evaluation``); the later
        readers leave out keys they do not know, so the keys added to the evaluation itself since, ``kept`` (when and
        with which plan it was taken, 5 Dec 2026) and ``attribution`` (6 Dec 2026, audit splitwords), were stripped by
        no downgrade: the rollback to 0007 left every snapshot kept since unreadable (KeyError 'kept' with the 0007
        code, checked by hand). They go at the top level only (a recommendation's evidence keeps its own keys)."""
        payload = {"plan_id": "p", "attribution": "split", "kept": {"taken_on": "2027-01-01T05:30:00+00:00"},
                   "recommendations": [{"evidence": {"kept": 1, "attribution": "x"}}],
                   # every axis's counted deals (7 Dec 2026, audit reviewdeals)
                   "axis_deals": {"AX-1": [["sf", "006A", "9000", "2026-12-20"]]}}
        repo.save_snapshot(engine, "p", "quarter", "2026-Q4", payload, NOW)
        command.downgrade(alembic_config(engine), "0007")
        try:
            assert repo.snapshot(engine, "p", "quarter", "2026-Q4").payload == {
                "plan_id": "p", "recommendations": [{"evidence": {"kept": 1, "attribution": "x"}}]}
        finally:
            open_store(database_url).dispose()     # back to head for the other tests


def _head() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


class TestRecords:
    def test_upsert_is_idempotent_and_keeps_the_latest_payload(self, engine) -> None:
        """Storing a record twice leaves one row, with the second version's values."""
        store_records.upsert_records(engine, "sf", [account("a1", source="sf", name="Old")], run_id=1, now=NOW)
        store_records.upsert_records(engine, "sf", [account("a1", source="sf", name="New")], run_id=2, now=NOW)
        records = store_records.load_records(engine, ["sf"])
        assert [a.name for a in records.accounts] == ["New"]

    def test_records_round_trip_with_aware_utc_datetimes(self, engine) -> None:
        """An activity comes back equal, its start an aware UTC datetime."""
        start = datetime(2027, 5, 2, 22, 30, tzinfo=UTC)
        original = visit("v2", "u1", "a1", start, source="sf")
        store_records.upsert_records(engine, "sf", [original], run_id=1, now=NOW)
        (back,) = store_records.load_records(engine, ["sf"]).activities
        assert back == original and back.start.tzinfo is not None

    def test_same_id_in_two_connectors_is_two_records(self, engine) -> None:
        """(connector, crm id) is the key: the same id in two CRMs does not collide."""
        store_records.upsert_records(engine, "sf", [account("1", source="sf")], run_id=1, now=NOW)
        store_records.upsert_records(engine, "hs", [account("1", source="hs")], run_id=1, now=NOW)
        assert len(store_records.load_records(engine, ["sf", "hs"]).accounts) == 2

    def test_reconciliation_marks_unseen_records_deleted(self, engine) -> None:
        """After a full read that did not return a2, a2 is kept but marked deleted."""
        store_records.upsert_records(engine, "sf", [account("a1", source="sf"), account("a2", source="sf")],
                                     run_id=1, now=NOW)
        store_records.upsert_records(engine, "sf", [account("a1", source="sf")], run_id=2, now=NOW)
        assert store_records.mark_unseen_deleted(engine, "sf", "accounts", 2, NOW) == 1
        deleted = {a.id: a.deleted for a in store_records.load_records(engine, ["sf"]).accounts}
        assert deleted == {"a1": False, "a2": True}

    def test_user_emails_route_by_connector(self, engine) -> None:
        """The e-mails of one connector's users, lower-cased."""
        store_records.upsert_records(engine, "hs", [user("7", "Lea@Example.com", source="hs")], run_id=1, now=NOW)
        assert store_records.user_emails(engine, "hs") == {"lea@example.com"}
        assert store_records.user_emails(engine, "sf") == set()


class TestPlanVersions:
    def test_new_version_only_when_the_fingerprint_changes(self, engine) -> None:
        """Same content: same version; edited content: version 2; version 1 is kept."""
        v1, created1 = repo.save_plan_version(engine, "p", "f1", "plan.yaml", "a", NOW)
        again, created_again = repo.save_plan_version(engine, "p", "f1", "plan.yaml", "a", NOW)
        v2, created2 = repo.save_plan_version(engine, "p", "f2", "plan.yaml", "b", NOW + timedelta(days=1))
        assert (created1, created_again, created2) == (True, False, True)
        assert (v1.version, again.version, v2.version) == (1, 1, 2)
        assert [v.content for v in repo.plan_versions(engine, "p")] == ["a", "b"]


class TestEngineSettingsVersions:
    def test_new_version_only_when_the_section_changes_and_it_reads_back_exactly(self, engine) -> None:
        """The engine section a plan ran with (audit snapsettings): 0.92 twice is one version, 0.85 a second, 0.92
        again a third (a rate put back is in force again); each reads back as recorded, per plan."""
        at = [NOW + timedelta(days=d) for d in range(4)]
        rates = [{"fx_rates": {"USD": "0.92"}}, {"fx_rates": {"USD": "0.92"}}, {"fx_rates": {"USD": "0.85"}},
                 {"fx_rates": {"USD": "0.92"}}]
        saved = [repo.save_engine_settings(engine, "p", content, when) for content, when in zip(rates, at, strict=True)]
        assert [(row.version, created) for row, created in saved] == [(1, True), (1, False), (2, True), (3, True)]
        repo.save_engine_settings(engine, "q", {"attribution": "split"}, NOW)
        kept = repo.engine_settings_versions(engine, "p")
        assert [(v.version, v.content, v.recorded_at) for v in kept] == [
            (1, rates[0], at[0]), (2, rates[2], at[2]), (3, rates[3], at[3])]
        assert [v.content for v in repo.engine_settings_versions(engine, "q")] == [{"attribution": "split"}]

    def test_going_back_to_0011_drops_them(self, engine, database_url) -> None:
        repo.save_engine_settings(engine, "p", {"attribution": "split"}, NOW)
        command.downgrade(alembic_config(engine), "0011")
        try:
            assert "pac_engine_settings" not in inspect(engine).get_table_names()
        finally:
            open_store(database_url).dispose()     # back to head for the other tests
        assert repo.engine_settings_versions(engine, "p") == []


class TestWrittenAndOverrides:
    def test_written_fields_merge(self, engine) -> None:
        """A later partial write updates its fields and keeps the others and the CRM id."""
        repo.save_written(engine, "p", "sf", [("action", "p:A-01", "a0X", {"done": 1, "name": "A"})], NOW)
        repo.save_written(engine, "p", "sf", [("action", "p:A-01", None, {"done": 2})], NOW)
        row = repo.written(engine, "p", "sf")[("action", "p:A-01")]
        assert (row.fields, row.crm_id) == ({"done": 2, "name": "A"}, "a0X")

    def test_newest_manager_edit_wins(self, engine) -> None:
        """An older edit arriving later does not replace a newer one."""
        assert repo.save_override(engine, "p", "axis", "p:AX-1", "axis_status", "suspended", NOW, "sf")
        assert not repo.save_override(engine, "p", "axis", "p:AX-1", "axis_status", "active",
                                      NOW - timedelta(hours=1), "hs")
        (row,) = repo.overrides(engine, "p")
        assert row.value == "suspended"


class TestRuns:
    def test_run_log_and_watermarks_commit_together(self, engine) -> None:
        """Finishing a run stores its figures and advances the watermark to the highest stamp seen."""
        run_id = repo.start_run(engine, "p", NOW)
        stamp = NOW - timedelta(hours=3)
        repo.add_rejections(engine, run_id, [Rejected("sf", "deals", "006X", "currency CHF has no rate")])
        repo.finish_run(engine, run_id, status="partial", now=NOW, counts={"deals": {"read": 3, "rejected": 1}},
                        api={"sf": {"calls": 4}}, errors=["one"], watermarks_seen={("sf", "deals"): stamp},
                        full_objects=[("sf", "deals")])
        (run,) = repo.runs(engine, "p")
        mark = repo.watermarks(engine, "sf")[("sf", "deals")]
        assert (run.status, run.counts["deals"]["rejected"], mark.value, mark.last_full_at) == (
            "partial", 1, stamp, NOW)
        assert repo.rejections(engine, run_id)[0].reason == "currency CHF has no rate"

    def test_a_fire_that_could_not_start_is_not_the_last_run(self, engine, database_url) -> None:
        """A scheduled fire recorded as ``locked`` (it read and wrote nothing) is listed, but the report, the
        digests and the store guard read the last run that ran: its rejections (review: the locked row hid them,
        and a store holding only a locked row passed for a synced one)."""
        from pac_core.errors import InvalidInput
        from sync_jobs.store_guard import require_sync

        repo.record_run_not_run(engine, "p", NOW - timedelta(days=1), NOW - timedelta(days=1), "lock held")
        with pytest.raises(InvalidInput):
            require_sync(database_url, "p", "p")
        run_id = repo.start_run(engine, "p", NOW)
        repo.add_rejections(engine, run_id, [Rejected("sf", "deals", "006X", "currency CHF has no rate")])
        repo.finish_run(engine, run_id, status="partial", now=NOW, counts={}, api={}, errors=[])
        repo.record_run_not_run(engine, "p", NOW + timedelta(hours=1), NOW + timedelta(hours=1), "lock held")
        assert [r.status for r in repo.runs(engine, "p")] == ["locked", "partial", "locked"]
        [last] = repo.runs(engine, "p", limit=1, include_dry=False)
        assert last.id == run_id and repo.rejections(engine, last.id)[0].reason == "currency CHF has no rate"
        require_sync(database_url, "p", "p")

    def test_watermark_never_moves_back(self, engine) -> None:
        """A run that saw only older stamps keeps the newer watermark."""
        for stamp in (NOW, NOW - timedelta(days=1)):
            run_id = repo.start_run(engine, "p", NOW)
            repo.finish_run(engine, run_id, status="ok", now=NOW, counts={}, api={}, errors=[],
                            watermarks_seen={("sf", "accounts"): stamp})
        assert repo.watermarks(engine, "sf")[("sf", "accounts")].value == NOW

    def test_errors_are_redacted_before_storage(self, engine) -> None:
        """A registered secret inside an error message never reaches the run log."""
        from sync_jobs.logs import register_secret

        register_secret("s3cr3t-token-value")
        run_id = repo.start_run(engine, "p", NOW)
        repo.finish_run(engine, run_id, status="failed", now=NOW, counts={}, api={},
                        errors=["401 with token s3cr3t-token-value"])
        assert "s3cr3t" not in repo.runs(engine, "p")[0].errors[0]


ADVICE = {"plan": "PAC 2027", "language": "en", "as_of": NOW.isoformat(), "recommendations": [
        {"rule": "prioritise", "axis_id": "AX-1", "segment_id": "S-1", "summary": "Prioritise AX-1",
         "evidence": {"revenue": "1500.50", "on": {"date": "2027-05-01"}}, "overruled": []}]}


class TestRunAdvice:
    def test_the_advice_is_kept_with_the_run_log(self, engine) -> None:
        """The advice is committed by ``finish_run`` with the run; runs that kept none are skipped when reading."""
        first = repo.start_run(engine, "p", NOW)
        repo.finish_run(engine, first, status="ok", now=NOW, counts={}, api={}, errors=[], advice=ADVICE)
        failed = repo.start_run(engine, "p", NOW)
        repo.finish_run(engine, failed, status="failed", now=NOW, counts={}, api={}, errors=["unreachable"])
        kept = repo.latest_advice(engine, "p")
        assert kept is not None and (kept.id, kept.advice) == (first, ADVICE)
        assert repo.runs(engine, "p")[0].advice is None
        assert repo.latest_advice(engine, "other") is None


class TestSnapshots:
    def test_snapshot_per_label_is_replaced_only_when_asked(self, engine) -> None:
        """Taking the 2027-Q2 snapshot again is refused (the kept one stays); with ``replace`` the last one is kept."""
        from sqlalchemy.exc import IntegrityError

        repo.save_snapshot(engine, "p", "quarterly", "2027-Q2", {"v": 1}, NOW)
        with pytest.raises(IntegrityError):
            repo.save_snapshot(engine, "p", "quarterly", "2027-Q2", {"v": 2}, NOW)
        assert [s.payload for s in repo.snapshots(engine, "p")] == [{"v": 1}]
        repo.save_snapshot(engine, "p", "quarterly", "2027-Q2", {"v": 3}, NOW, replace=True)
        assert [s.payload for s in repo.snapshots(engine, "p")] == [{"v": 3}]
