"""The pipeline against the store (SQLite and PostgreSQL) with in-memory CRMs: idempotence, checkpoints,
partial failures, quota stops, dry runs, reconciliation, manager edits, two CRMs in one plan."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from connectors.base import AuthError, ObjectKind, QuotaExhausted, Target
from pac_config.settings import load_settings
from pac_core.records import Rejected
from sync_jobs import pipeline
from sync_jobs.hooks import RunHooks
from sync_jobs.store import open_store, repo
from sync_jobs.store import records as store_records
from tests.fakes import SMALL_PLAN, Clock, FakeConnector, account, edit, fake_evaluate, user, visit, write_settings

W18 = datetime(2027, 5, 4, 8, 0, tzinfo=UTC)


def _seed(crm: FakeConnector) -> None:
    crm.put(user("u1", "julie@example.com", crm.name), user("u2", "lea@example.com", crm.name),
            account("a1", crm.name), account("a2", crm.name),
            visit("v1", "u1", "a1", W18, crm.name), visit("v2", "u1", "a2", W18.replace(day=5), crm.name))


@pytest.fixture
def settings(tmp_path, database_url):
    return load_settings(write_settings(tmp_path, database_url), env={})


def _sync(settings, crm: FakeConnector | dict, clock: Clock | None = None, **kw):
    connectors = crm if isinstance(crm, dict) else {"fake": crm}
    return pipeline.run_sync(None, settings, connectors=connectors, clock=clock or Clock(),
                             evaluator=fake_evaluate, **kw)


class TestIdempotence:
    def test_first_run_writes_every_record_second_run_writes_nothing(self, settings) -> None:
        """Run 1 creates 2 axes and 2 actions; run 2 with no CRM change sends no write at all."""
        crm = FakeConnector()
        _seed(crm)
        first = _sync(settings, crm)
        calls_before = crm.usage().calls
        second = _sync(settings, crm)
        assert (first.status, first.written) == ("ok", 4)
        assert crm.pac[("action", f"{first.plan_id}:A-01")]["done"] == 2
        assert (second.status, second.written) == ("ok", 0)
        assert crm.usage().calls - calls_before == len(ObjectKind)   # one page per object, no write

    def test_a_new_visit_updates_only_the_changed_fields(self, settings) -> None:
        """A new visit changes A-01's count, progress and pace (and last_synced), nothing else."""
        crm = FakeConnector()
        crm.put(user("u1", "julie@example.com"), user("u2", "lea@example.com"),
                account("a1"), account("a2"), account("a3"),
                visit("v1", "u1", "a1", W18))
        clock = Clock()
        first = _sync(settings, crm, clock)
        crm.put(visit("v3", "u1", "a3", W18.replace(day=6), modified_at=clock.now))
        clock.advance(days=1)
        _sync(settings, crm, clock)
        sent = {c.key: set(c.fields) for c in crm.writes[-1]}
        assert sent == {f"{first.plan_id}:A-01": {"done", "progress_pct", "pace", "last_synced"}}


class TestFailures:
    def test_a_locked_row_is_retried_next_run_and_the_rest_is_written(self, settings) -> None:
        """One record refused with a retryable error: the run is partial, the others are checkpointed."""
        crm = FakeConnector()
        _seed(crm)
        key = "test-plan:A-01"
        crm.fail_keys[key] = ("UNABLE_TO_LOCK_ROW: unable to obtain exclusive access", True)
        first = _sync(settings, crm)
        assert (first.status, first.counts["action"]) == ("partial", {"written": 1, "failed": 1})
        second = _sync(settings, crm)
        assert [c.key for c in crm.writes[-1]] == [key]
        assert second.status == "ok" and crm.pac[("action", key)]["done"] == 2

    def test_malformed_record_is_skipped_and_reported(self, settings) -> None:
        """A record the connector rejects is stored as a rejection of the run; exit code 1."""
        crm = FakeConnector()
        _seed(crm)
        crm.reject(ObjectKind.ACTIVITIES, Rejected("fake", "activities", "v9", "no start date"))
        result = _sync(settings, crm)
        engine = open_store(settings.database())
        assert (result.status, result.counts["activities"]["rejected"]) == ("partial", 1)
        assert repo.rejections(engine, result.run_id)[0].reason == "no start date"
        engine.dispose()

    def test_crash_between_writes_and_checkpoint_leaves_no_duplicate_and_no_loss(self, settings) -> None:
        """Killed after writing but before the checkpoint: the next run re-reads and writes nothing new."""
        crm = FakeConnector()
        _seed(crm)

        class Crash(RunHooks):
            def after_writes(self) -> None:
                raise SystemExit(77)

        with pytest.raises(SystemExit):
            _sync(settings, crm, hooks=Crash())
        assert len(crm.pac) == 4                                 # the writes were sent before the crash
        engine = open_store(settings.database())
        assert repo.watermarks(engine, "fake") == {}          # nothing checkpointed
        writes_before = len(crm.writes)
        result = _sync(settings, crm)
        assert (result.status, result.written, len(crm.writes)) == ("ok", 0, writes_before)
        assert len(crm.pac) == 4
        engine.dispose()

    def test_quota_guard_stops_the_run_and_the_next_run_resumes(self, settings) -> None:
        """Quota nearly spent: exit 5, no watermark moves; with a fresh allocation the next run finishes."""
        crm = FakeConnector(daily_limit=8, max_daily_share=0.5)   # 4 calls allowed, 5 pulls needed
        _seed(crm)
        stopped = _sync(settings, crm)
        engine = open_store(settings.database())
        assert stopped.status == "quota_stopped"
        assert repo.watermarks(engine, "fake") == {} and "daily API allocation" in stopped.errors[0]
        # what the operator reads is what happens: nothing written, the next run reads the same changes again
        assert "nothing was written" in stopped.errors[0] and "reads the same changes again" in stopped.errors[0]
        crm.usage_.used = 0       # tomorrow: a new rolling allocation
        crm.usage_.limit = 100
        resumed = _sync(settings, crm)
        assert (resumed.status, resumed.written) == ("ok", 4)
        assert repo.runs(engine, resumed.plan_id)[1].status == "quota_stopped"
        engine.dispose()

    def test_a_quota_stop_during_the_writes_counts_and_keeps_what_was_written(self, settings) -> None:
        """The CRM refuses a write call because its daily allocation is spent, after 2 of the 4 records (the axes'
        batch: each batch holds one target since audit bigplan) were accepted: the run (quota_stopped) counts them,
        says "2 records written before the stop", keeps them as written, and the next run sends only the other two.
        Seen failing before the fix (audit writefail F4): written 0, "nothing was written", and the next run sent
        the accepted ones again."""
        crm = FakeConnector()
        _seed(crm)
        crm.stop_write = (2, QuotaExhausted("HubSpot refused the call: HTTP 429 daily limit", refused_by_crm=True))
        stopped = _sync(settings, crm)
        assert (stopped.status, stopped.written) == ("quota_stopped", 2), stopped.errors
        [error] = stopped.errors
        assert "2 records written before the stop; the rest next run" in error and "nothing was written" not in error
        engine = open_store(settings.database())
        assert len(repo.written(engine, stopped.plan_id, "fake")) == 2
        counts = repo.runs(engine, stopped.plan_id)[0].counts      # what `pac status` shows
        assert sum(c.get("written", 0) for c in counts.values()) == 2, counts
        resumed = _sync(settings, crm)
        assert (resumed.status, resumed.written, len(crm.writes[-1])) == ("ok", 2, 2)
        engine.dispose()

    def test_refused_credentials_fail_with_exit_4_and_no_write(self, settings) -> None:
        """An AuthError while pulling stops the run before any write."""
        crm = FakeConnector()
        _seed(crm)
        crm.fail_pull["accounts"] = AuthError("token refused")
        result = _sync(settings, crm)
        assert (result.status, crm.writes) == ("crm_unreachable", [])

    def test_quota_during_pull_is_not_an_exception_to_the_caller(self, settings) -> None:
        """QuotaExhausted raised mid-pull becomes the run's status, not a crash."""
        crm = FakeConnector()
        _seed(crm)
        crm.fail_pull["deals"] = QuotaExhausted("stop", 10, 20)
        assert _sync(settings, crm).status == "quota_stopped"


class TestDryRun:
    def test_dry_run_lists_the_changes_and_writes_nothing(self, settings) -> None:
        """A dry run returns every field it would send, touches neither the CRM nor the store's watermarks."""
        crm = FakeConnector()
        _seed(crm)
        result = _sync(settings, crm, dry_run=True)
        engine = open_store(settings.database())
        assert result.status == "dry_run" and crm.writes == []
        assert len(result.changes["fake"]) == 4
        assert repo.watermarks(engine, "fake") == {} and repo.runs(engine) == []
        assert store_records.count_records(engine) == {}
        engine.dispose()


    def test_dry_run_after_a_change_shows_old_and_new_values(self, settings) -> None:
        """After a new visit, the dry run lists A-01's done going from 1 to 2, and still writes nothing."""
        crm = FakeConnector()
        crm.put(user("u1", "julie@example.com"), user("u2", "lea@example.com"),
                account("a1"), account("a2"), visit("v1", "u1", "a1", W18))
        clock = Clock()
        first = _sync(settings, crm, clock)
        crm.put(visit("v2", "u1", "a2", W18.replace(day=5), modified_at=clock.now))
        writes = len(crm.writes)
        result = _sync(settings, crm, clock, dry_run=True)
        key = f"{first.plan_id}:A-01"
        (change,) = [c for c in result.changes["fake"] if c.key == key]
        assert (result.previous["fake"][key]["done"], change.fields["done"]) == (1, 2)
        assert len(crm.writes) == writes


class TestReconciliation:
    def test_full_run_marks_records_deleted_in_the_crm(self, settings) -> None:
        """A visit deleted in the CRM (gone from a full read) stops counting."""
        crm = FakeConnector()
        _seed(crm)
        first = _sync(settings, crm)
        del crm.records["activities"]["v2"]
        second = _sync(settings, crm, full=True)
        assert second.counts["activities"]["deleted"] == 1
        assert crm.pac[("action", f"{first.plan_id}:A-01")]["done"] == 1

    def test_a_connector_reading_its_records_otherwise_reads_that_object_in_full(self, settings) -> None:
        """The connector's reading of activities changes (its mapping was edited): the next run reads activities in
        full, so a visit the CRM no longer has is retired, while the other objects stay incremental (one page each);
        the run after that is incremental again. Seen failing before: the run stayed incremental, A-01 kept 2."""
        crm = FakeConnector()
        _seed(crm)
        first = _sync(settings, crm)
        del crm.records["activities"]["v2"]          # gone from the CRM; only a full read can tell
        crm.readings["activities"] = "fake:2"
        pages = crm.usage().calls
        second = _sync(settings, crm)
        assert second.counts["activities"]["deleted"] == 1
        assert crm.pac[("action", f"{first.plan_id}:A-01")]["done"] == 1
        assert crm.usage().calls - pages == len(ObjectKind) + 1       # + the write of A-01's new count
        marks = repo.watermarks(open_store(settings.database_url), "fake")
        assert marks[("fake", "activities")].reading == "fake:2"
        assert {obj: m.reading for (_, obj), m in marks.items() if obj != "activities"} == {
            "users": "fake:1", "accounts": "fake:1", "deals": "fake:1", f"pac_edits@{first.plan_id}": ""}
        third = _sync(settings, crm)
        assert "deleted" not in third.counts.get("activities", {}) and third.written == 0


    def test_the_weeks_full_read_is_one_night_for_every_object_after_a_reread(self, settings) -> None:
        """Activities re-read in full on day 3 (the connector reads them otherwise): on day 7, when the others' weekly
        full read is due, every object is read in full, activities too, so the objects' reconciliations stay on one
        night (sflife audit F1). Seen failing before: day 7 read users, accounts and deals in full, not activities
        (their own clock started on day 3), and from then on their full reads fell on other nights."""
        crm = FakeConnector()
        _seed(crm)
        clock = Clock()
        _sync(settings, crm, clock)
        engine = open_store(settings.database_url)
        clock.advance(days=3)
        crm.readings["activities"] = "fake:2"
        _sync(settings, crm, clock)
        before = repo.watermarks(engine, "fake")
        clock.advance(days=4)
        _sync(settings, crm, clock)
        after = repo.watermarks(engine, "fake")
        fulls = {obj for (_, obj), m in after.items() if m.last_full_at != before[("fake", obj)].last_full_at}
        assert fulls >= {"users", "accounts", "activities", "deals"}
        assert len({after[("fake", obj)].last_full_at for obj in ("users", "accounts", "activities", "deals")}) == 1

    def test_an_outage_longer_than_the_crm_keeps_deletions_reads_in_full(self, settings) -> None:
        """A CRM that shows a deletion to incremental reads for 15 days (``deletions_kept_days``, Salesforce's
        Recycle Bin): a run 14 days after the last one reads every object in full, though reconciliation_days (30
        here) has not passed, so a record deleted and purged meanwhile is retired; 10 days after, it stays
        incremental."""
        crm = FakeConnector()
        crm.deletions_kept_days = 15
        _seed(crm)
        clock = Clock()
        days = settings.model_copy(update={"connectors": [c.model_copy(update={"reconciliation_days": 30})
                                                          for c in settings.connectors]})
        _sync(days, crm, clock)
        engine = open_store(settings.database_url)
        clock.advance(days=10)
        before = repo.watermarks(engine, "fake")
        _sync(days, crm, clock)
        after = repo.watermarks(engine, "fake")
        assert all(after[k].last_full_at == before[k].last_full_at for k in before)
        del crm.records["activities"]["v2"]         # deleted and purged: only a full read can tell
        clock.advance(days=14)
        result = _sync(days, crm, clock)
        assert result.counts["activities"]["deleted"] == 1


class TestManagerEdits:
    def test_axis_suspended_in_the_crm_is_kept_and_never_overwritten(self, settings) -> None:
        """The manager suspends AX-1 in the CRM: the plan takes it, and the sync never writes status back."""
        crm = FakeConnector()
        _seed(crm)
        clock = Clock()
        first = _sync(settings, crm, clock)
        key = f"{first.plan_id}:AX-1"
        crm.pac[("axis", key)]["status"] = "suspended"
        crm.put(edit(key, "axis_status", "suspended", clock.now))
        clock.advance(hours=1)
        second = _sync(settings, crm, clock)
        assert second.plan.axis("AX-1").status.state.value == "suspended"
        assert crm.pac[("axis", key)]["status"] == "suspended"
        assert all("status" not in c.fields for batch in crm.writes[1:] for c in batch if c.target is Target.AXIS)

    def test_only_a_persons_edits_count_as_plan_edits(self, settings) -> None:
        """The night after pac wrote its PAC records, their values read back are no plan edit: of the 4 records
        read (AX-1 and A-01 as pac wrote them, A-02 set by an automation, AX-2 dropped by the manager) the run counts
        1 « plan edit made in the CRM » (audit meeting F8: « Modifications du plan saisies dans le CRM : 10 » after a
        night with no edit, every PAC record pac itself had written)."""
        crm = FakeConnector()
        _seed(crm)
        clock = Clock()
        first = _sync(settings, crm, clock)
        assert "pac_edits" not in first.counts or first.counts["pac_edits"].get("read", 0) == 0
        key = f"{first.plan_id}:"
        crm.put(edit(key + "AX-1", "axis_status", "active", clock.now),
                edit(key + "A-01", "action_target", 2, clock.now, Target.ACTION),
                replace(edit(key + "A-02", "action_status", "in_progress", clock.now, Target.ACTION),
                        by_integration=True),
                edit(key + "AX-2", "axis_status", "dropped", clock.now))
        clock.advance(hours=1)
        second = _sync(settings, crm, clock)
        assert second.plan.axis("AX-2").status.state.value == "dropped"
        assert second.counts["pac_edits"]["read"] == 1

    def test_the_log_names_the_pac_records_read_back_apart_from_the_edits_the_run_counts(self, settings,
                                                                                         caplog) -> None:
        """The same night in the log: the ``sync.pull`` line of ``pac_edits`` said ``records=4`` while the run's
        table said ``pac_edits read 1`` (audit newcomer3 L6). The pull line names the PAC records read back
        (``pac_records=4``), and a ``sync.plan_edits`` line gives the table's figure (``changed_by_people=1``)."""
        crm = FakeConnector()
        _seed(crm)
        clock = Clock()
        first = _sync(settings, crm, clock)
        key = f"{first.plan_id}:"
        crm.put(edit(key + "AX-1", "axis_status", "active", clock.now),
                edit(key + "A-01", "action_target", 2, clock.now, Target.ACTION),
                replace(edit(key + "A-02", "action_status", "in_progress", clock.now, Target.ACTION),
                        by_integration=True),
                edit(key + "AX-2", "axis_status", "dropped", clock.now))
        clock.advance(hours=1)
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="pac.sync"):
            second = _sync(settings, crm, clock)
        [pulled] = [r.fields for r in caplog.records
                    if r.getMessage().startswith("sync.pull ") and r.fields["object"] == "pac_edits"]
        [decided] = [r.fields for r in caplog.records if r.getMessage().startswith("sync.plan_edits ")]
        assert "records" not in pulled and pulled["pac_records"] == 4, pulled
        assert decided["changed_by_people"] == second.counts["pac_edits"]["read"] == 1, decided


class TestManagerEditsOfTwoPlans:
    def test_an_edit_the_other_plans_run_reads_first_still_reaches_its_plan(self, tmp_path, database_url) -> None:
        """Two plans on one connector: the manager of "other" suspends its AX-1, then the manager of "test" edits
        test's AX-1 half an hour later; test's run reads both edits first. Other's next run still takes its edit
        (the edits' watermark was the connector's: test's run moved it past other's edit, which waited for the
        weekly full read; audit of two HubSpot business units, F1). Seen failing before: other's AX-1 active."""
        path = write_settings(tmp_path, database_url)
        (tmp_path / "other.pac.yaml").write_text(SMALL_PLAN.replace('name: "Test plan"', 'name: "Other plan"'),
                                                 encoding="utf-8")
        path.write_text(path.read_text(encoding="utf-8").replace(
            "plans:\n", "plans:\n  - {name: other, file: other.pac.yaml, connectors: [fake]}\n"), encoding="utf-8")
        settings = load_settings(path, env={})
        crm, clock = FakeConnector(), Clock()
        _seed(crm)

        def sync(plan: str) -> Any:
            return pipeline.run_sync(plan, settings, connectors={"fake": crm}, clock=clock, evaluator=fake_evaluate)

        mine, theirs = sync("test").plan_id, sync("other").plan_id
        assert mine != theirs
        crm.pac[("axis", f"{theirs}:AX-1")]["status"] = "suspended"
        crm.put(edit(f"{theirs}:AX-1", "axis_status", "suspended", clock.now))
        clock.advance(minutes=30)
        crm.put(edit(f"{mine}:AX-1", "axis_priority", 2, clock.now))
        clock.advance(hours=1)
        assert sync("test").plan.axis("AX-1").status.state.value != "suspended"   # not its edit
        clock.advance(hours=1)
        assert sync("other").plan.axis("AX-1").status.state.value == "suspended"


class TestTwoCrms:
    def test_actions_go_to_the_crm_of_their_owner_axes_to_both(self, tmp_path, database_url) -> None:
        """Julie is in Salesforce, Léa in HubSpot: A-01 goes to sf, A-02 to hs, both get the axes."""
        settings = load_settings(write_settings(tmp_path, database_url, (("sf", "salesforce"), ("hs", "hubspot"))),
                                 env={})
        sf, hs = FakeConnector("sf"), FakeConnector("hs", "hubspot")
        sf.put(user("005A", "julie@example.com", "sf"))
        hs.put(user("77", "lea@example.com", "hs"))
        result = _sync(settings, {"sf": sf, "hs": hs})
        plan = result.plan_id
        assert {k for k in sf.pac if k[0] == "action"} == {("action", f"{plan}:A-01")}
        assert {k for k in hs.pac if k[0] == "action"} == {("action", f"{plan}:A-02")}
        assert {k for k in sf.pac if k[0] == "axis"} == {k for k in hs.pac if k[0] == "axis"}


class TestUnexpectedErrors:
    def test_an_escaping_exception_closes_the_run_as_failed(self, settings) -> None:
        """A bug in evaluation propagates, but its run is closed `failed` with the error and no watermark moves."""
        crm = FakeConnector()
        _seed(crm)

        def broken(plan, records, as_of):
            raise RuntimeError("boom in the engine")

        with pytest.raises(RuntimeError):
            pipeline.run_sync(None, settings, connectors={"fake": crm}, clock=Clock(), evaluator=broken)
        engine = open_store(settings.database())
        try:
            (run,) = repo.runs(engine)
            assert run.status == "failed" and run.finished_at is not None
            assert run.errors == ["unexpected error: RuntimeError: boom in the engine"]
            assert repo.watermarks(engine, "fake") == {}
        finally:
            engine.dispose()
        assert _sync(settings, crm).status == "ok"     # the lock was released, the next run goes through
