"""Incremental nights in the store (SQLite and PostgreSQL): the kept state round trip, the night's change list, and
a run of the real pipeline with the incremental evaluator, equal to a full evaluation of the stored records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from pac_config.settings import Settings, engine_settings, load_settings
from pac_core.columnar import RecordColumns
from pac_core.engine import evaluate
from pac_core.incremental import KeptAction, KeptState, NightStats
from pac_core.plan import Plan
from pac_core.records import Records
from pac_core.results import Evaluation
from sync_jobs import pipeline
from sync_jobs.incremental_night import night_evaluator
from sync_jobs.store import kept as kept_store
from sync_jobs.store import open_store
from sync_jobs.store import records as store_records
from sync_jobs.unit_of_work import unit_of_work
from tests.fakes import SMALL_PLAN, Clock, FakeConnector, account, user, visit, write_settings

NOW = datetime(2027, 5, 20, 16, 0, tzinfo=UTC)
W18 = datetime(2027, 5, 4, 8, 0, tzinfo=UTC)


@pytest.fixture
def engine(database_url):
    engine = open_store(database_url)
    yield engine
    engine.dispose()


def _kept(actions: dict[str, KeptAction]) -> KeptState:
    return KeptState("1", "s", "u", NOW, actions, frozenset({("sf", "T9")}))


def _settings(tmp_path: Path, database_url: str, extra: str = "") -> tuple[Settings, Plan]:
    """Settings for one plan on the fake connector (``extra``: more settings lines), and that plan."""
    settings = load_settings(write_settings(tmp_path, database_url, extra=extra), env={})
    plan, _ = pipeline.load_plan_file(settings.plan(None))
    return settings, plan


def _full_evaluation(result: pipeline.RunResult, engine: Engine, settings: Settings, plan: Plan) -> Evaluation:
    """``evaluate()`` on the records the store holds, as of the run's evaluation instant."""
    assert result.evaluation is not None
    return evaluate(result.plan, store_records.load_records(engine, ["fake"]), as_of=result.evaluation.as_of,
                    settings=engine_settings(settings, plan.currency))


class TestKeptState:
    def test_round_trip_and_only_changed_actions_rewritten(self, engine) -> None:
        first = _kept({"A-01": KeptAction("f1", frozenset({("sf", "T1"), ("hs", "T2")})),
                       "A-02": KeptAction("f2", frozenset())})
        assert kept_store.load_kept(engine, "P") is None
        assert kept_store.save_kept(engine, "P", first, NOW, NOW) == 2
        loaded, stamp = kept_store.load_kept(engine, "P")   # type: ignore[misc]
        assert (loaded, stamp) == (first, NOW)
        second = _kept({"A-01": first.actions["A-01"], "A-03": KeptAction("f3", frozenset({("sf", "T3")}))})
        assert kept_store.save_kept(engine, "P", second, NOW + timedelta(days=1), NOW, loaded) == 1
        assert kept_store.load_kept(engine, "P") == (second, NOW + timedelta(days=1))
        assert kept_store.load_kept(engine, "other plan") is None
        kept_store.forget_kept(engine, "P")
        assert kept_store.load_kept(engine, "P") is None

    def test_changes_are_the_records_stored_since_the_mark(self, engine) -> None:
        store_records.upsert_records(engine, "sf", [user("u1", "julie@example.com", "sf"), account("a1", "sf"),
                                                    visit("v1", "u1", "a1", W18, "sf")], run_id=1, now=NOW)
        assert kept_store.changes_since(engine, ["sf"], None) is None
        stamp = kept_store.records_stamp(engine, ["sf"])
        assert stamp == NOW
        later = NOW + timedelta(days=1)
        store_records.upsert_records(engine, "sf", [visit("v2", "u1", "a1", W18, "sf"), account("a2", "sf")],
                                     run_id=2, now=later)
        changes = kept_store.changes_since(engine, ["sf"], later - kept_store.RECHECK)
        assert changes is not None
        assert (changes.activities, changes.accounts, changes.users) == (
            {("sf", "v2")}, {("sf", "a2")}, frozenset())
        assert kept_store.changes_since(engine, ["hs"], NOW) == kept_store.changes_since(engine, ["hs"], later)


class TestPipeline:
    def test_incremental_runs_equal_full_evaluations_of_the_stored_records(self, tmp_path, database_url,
                                                                          engine) -> None:
        """The real pipeline with the incremental evaluator (``run_sync(evaluator=...)``, no pipeline change):
        run 1 is a full night, run 2 (a new visit) an incremental one selecting only A-01's candidates again;
        both evaluations equal ``evaluate()`` on the stored records."""
        settings, plan = _settings(tmp_path, database_url)
        crm = FakeConnector()
        crm.put(user("u1", "julie@example.com"), account("a1"), account("a2"), account("a3"),
                visit("v1", "u1", "a1", W18))
        clock = Clock()
        nights: list[NightStats] = []

        def run() -> pipeline.RunResult:
            night = night_evaluator(engine, plan.id, ["fake"], lambda p: engine_settings(settings, p.currency),
                                    on_stats=nights.append)
            result = pipeline.run_sync(None, settings, connectors={"fake": crm}, clock=clock, evaluator=night)
            assert result.evaluation == _full_evaluation(result, engine, settings, plan)
            return result

        first = run()
        crm.put(visit("v3", "u1", "a3", W18.replace(day=6), modified_at=clock.now))
        clock.advance(days=1)
        second = run()
        assert [n.mode for n in nights] == ["full", "incremental"]
        assert nights[1].reselected == ("A-01",)
        assert first.evaluation is not None and second.evaluation is not None
        assert second.evaluation.action("A-01").done == first.evaluation.action("A-01").done + 1


def _modes(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The evaluation modes the runs logged (``sync.evaluate mode=...``), in order."""
    return [str(r.fields["mode"]) for r in caplog.records  # type: ignore[attr-defined]
            if r.getMessage().startswith("sync.evaluate ")]


INCREMENTAL = "engine: {incremental_nights: true}"


class TestTheRunIsIncremental:
    def test_by_default_pac_sync_evaluates_in_full_and_keeps_no_night(self, tmp_path, database_url, engine,
                                                                       caplog) -> None:
        """Without ``engine.incremental_nights`` (the default: a night costs more than a full evaluation on the
        store's columns today) the run evaluates in full, saves no kept state and logs no night."""
        settings, plan = _settings(tmp_path, database_url)
        crm = FakeConnector()
        crm.put(user("u1", "julie@example.com"), account("a1"), visit("v1", "u1", "a1", W18))
        with caplog.at_level("INFO", logger="pac.sync"):
            result = pipeline.run_sync(None, settings, connectors={"fake": crm}, clock=Clock())
        assert kept_store.load_kept(engine, plan.id) is None
        assert result.evaluation is not None and result.evaluation.action("A-01").done == 1
        assert result.evaluation == _full_evaluation(result, engine, settings, plan)
        assert _modes(caplog) == []

    def test_pac_sync_evaluates_incrementally_full_on_demand_and_a_dry_run_keeps_nothing(
            self, tmp_path, database_url, engine, caplog) -> None:
        """``run_sync`` with no evaluator given (what ``pac sync`` runs) and ``engine.incremental_nights: true``:
        the first night is full and leaves a kept
        state, the next one is incremental (only A-01 selected again after a new visit), ``full=True`` makes a full
        night, a dry run evaluates in full and leaves the kept state as it was; every evaluation equals
        ``evaluate()`` on the stored records."""
        settings, plan = _settings(tmp_path, database_url, INCREMENTAL)
        crm = FakeConnector()
        crm.put(user("u1", "julie@example.com"), account("a1"), account("a2"), account("a3"),
                visit("v1", "u1", "a1", W18))
        clock = Clock()

        def run(**kw: bool) -> pipeline.RunResult:
            result = pipeline.run_sync(None, settings, connectors={"fake": crm}, clock=clock, **kw)
            assert result.evaluation is not None
            if not kw.get("dry_run"):
                assert result.evaluation == _full_evaluation(result, engine, settings, plan)
            return result

        with caplog.at_level("INFO", logger="pac.sync"):
            first = run()
            assert kept_store.load_kept(engine, plan.id) is not None
            crm.put(visit("v3", "u1", "a3", W18.replace(day=6), modified_at=clock.now))
            clock.advance(days=1)
            second = run()
            kept_after_second = kept_store.load_kept(engine, plan.id)
            crm.put(visit("v4", "u1", "a2", W18.replace(day=7), modified_at=clock.now))
            clock.advance(days=1)
            dry = run(dry_run=True)
            assert kept_store.load_kept(engine, plan.id) == kept_after_second
            full = run(full=True)
        assert _modes(caplog) == ["full", "incremental", "full"]     # the dry run logs no night
        done = [r.evaluation.action("A-01").done for r in (first, second, dry, full) if r.evaluation is not None]
        assert done == [1, 2, 3, 3]

    def test_a_run_reads_the_store_as_columns_and_a_dry_run_as_objects(self, engine) -> None:
        """The run's ``load`` step: a real run's unit of work hands the engine the store's columns (no record
        object), a dry run's the records with its pulled ones laid over; both evaluate as the stored objects do."""
        store_records.upsert_records(engine, "sf", [user("u1", "julie@example.com", "sf"), account("a1", "sf"),
                                                    visit("v1", "u1", "a1", W18, "sf")], run_id=1, now=NOW)
        real = unit_of_work(engine, dry_run=False).load_records(["sf"], ())
        dry = unit_of_work(engine, dry_run=True).load_records(["sf"], ())
        assert isinstance(real, RecordColumns)
        assert isinstance(dry, Records)
        assert [a.id for a in real.activities] == [a.id for a in dry.activities] == ["v1"]

    def test_a_run_whose_clock_is_behind_the_kept_mark_makes_a_full_night(self, tmp_path, database_url, engine,
                                                                           caplog) -> None:
        """Records are stamped with the run's clock: a run whose clock is behind the last night's mark (minus the
        margin) stores records the change list would miss, so its night is full, and exact."""
        settings, plan = _settings(tmp_path, database_url, INCREMENTAL)
        crm = FakeConnector()
        crm.put(user("u1", "julie@example.com"), account("a1"), account("a2"), visit("v1", "u1", "a1", W18))
        with caplog.at_level("INFO", logger="pac.sync"):
            pipeline.run_sync(None, settings, connectors={"fake": crm}, clock=Clock(NOW))
            earlier = Clock(NOW - timedelta(days=3))
            crm.put(visit("v2", "u1", "a2", W18.replace(day=6), modified_at=NOW + timedelta(hours=1)))
            result = pipeline.run_sync(None, settings, connectors={"fake": crm}, clock=earlier)
        assert result.evaluation is not None and result.evaluation.action("A-01").done == 2
        assert result.evaluation == _full_evaluation(result, engine, settings, plan)
        assert _modes(caplog) == ["full", "full"]


DORMANT_PLAN = SMALL_PLAN.replace('''    what: {activity: visit, count: 2}
    when: "week 18"''', '''    what: {activity: visit, count: 2, scope: {dormant: true}}
    when: "week 18"''')


class TestAccountStateNights:
    def test_a_dormant_flag_cleared_after_the_window_began_keeps_counting_night_after_night(
            self, tmp_path, database_url, engine) -> None:
        """A-01 « visit 2 dormant customers in week 18 »: Julie visited a1 and a2, both flagged dormant. a1 orders
        again and the CRM clears its flag: the next night (incremental, through the real pipeline and the store) and
        the quiet one after still count both visits, each equal to ``evaluate()`` on the stored records (audit
        matching F1)."""
        settings = load_settings(write_settings(tmp_path, database_url, plan_text=DORMANT_PLAN, extra=INCREMENTAL),
                                 env={})
        plan, _ = pipeline.load_plan_file(settings.plan(None))
        crm = FakeConnector()
        crm.put(user("u1", "julie@example.com"), account("a1", dormant=True), account("a2", dormant=True),
                visit("v1", "u1", "a1", W18), visit("v2", "u1", "a2", W18.replace(day=5)))
        clock = Clock()
        nights: list[NightStats] = []
        done = []
        for night in range(3):
            evaluator = night_evaluator(engine, plan.id, ["fake"], lambda p: engine_settings(settings, p.currency),
                                        on_stats=nights.append)
            result = pipeline.run_sync(None, settings, connectors={"fake": crm}, clock=clock, evaluator=evaluator)
            assert result.evaluation == _full_evaluation(result, engine, settings, plan)
            done.append(result.evaluation.action("A-01").done)
            if night == 0:
                crm.put(account("a1", dormant=False, modified_at=clock.now + timedelta(hours=2)))
            clock.advance(days=1)
        assert [n.mode for n in nights] == ["full", "incremental", "incremental"]
        assert "A-01" in nights[1].reselected
        assert done == [2, 2, 2]
