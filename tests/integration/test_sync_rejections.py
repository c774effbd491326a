"""Rejections reach the run: records a connector could not normalise and stored records the engine set aside
(no account, a currency with no rate, no amount) are counted per object once, stored with their reason and
listed grouped by reason; only the new ones (not rejected for the same reason by the previous finished run)
make the run partial (exit 1)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import text

from connectors.base import ConnectorError, ObjectKind
from pac_config.settings import load_settings
from pac_core.records import Deal, DealStage, Records, Rejected
from pac_core.reject_codes import rejection
from pac_core.reject_words import reason_words
from pac_core.results import Decision, Evaluation
from sync_jobs import pipeline
from sync_jobs.rejections import group_rejections
from sync_jobs.store import open_store, repo
from tests.fakes import Clock, FakeConnector, account, user, visit, write_settings

W18 = datetime(2027, 5, 4, 8, 0, tzinfo=UTC)


@pytest.fixture
def settings(tmp_path, database_url):
    return load_settings(write_settings(tmp_path, database_url), env={})


def _deal(did: str, amount: str | None, currency: str, name: str, close: date | None = date(2027, 4, 2)) -> Deal:
    return Deal(id=did, source="fake", account_id="a1", owner_id="u1", amount=None if amount is None else
                Decimal(amount), currency=currency, close_date=close, stage=DealStage.WON, name=name,
                modified_at=W18)


def _crm() -> FakeConnector:
    """Two good visits, one visit with no account, a won deal in CHF (no rate), a won deal with no close date
    (a negative amount is a credit, counted: no longer a rejection), and one activity the connector itself cannot
    normalise."""
    crm = FakeConnector()
    crm.put(user("u1", "julie@example.com"), account("a1"), account("a2"),
            visit("v1", "u1", "a1", W18), visit("v2", "u1", "a2", W18.replace(day=5)),
            visit("v9", "u1", None, W18.replace(day=6), subject="Salon visit (no account)"),
            _deal("d1", "1000", "CHF", "Geneva order"),
            _deal("d2", "500", "EUR", "Deal with no close date", close=None))
    crm.reject(ObjectKind.ACTIVITIES, Rejected("fake", "activities", "v-bad", "start: not a date"))
    return crm


# a deal the connector rejects with a code (HubSpot: a stage of no pipeline)
STAGE = rejection("fake", "deals", "d-stage", "unknown_stage", stage="x9", pipeline="default", home="")


def _forget_codes(settings, run_id: int | None) -> int:
    """The run's rejections as a pac older than the reason codes stored them: their English text alone."""
    engine = open_store(settings.database())
    try:
        with engine.begin() as conn:
            return conn.execute(text("UPDATE pac_rejection SET code = NULL, reason_values = NULL WHERE run_id = :run "
                                     "AND code IS NOT NULL"), {"run": run_id}).rowcount
    finally:
        engine.dispose()


def _sync(settings, crm: FakeConnector, **kw):
    return pipeline.run_sync(None, settings, connectors={"fake": crm}, clock=Clock(), **kw)


class TestRunRejections:
    def test_engine_set_asides_count_per_object_and_make_the_run_partial(self, settings) -> None:
        """1 connector + 1 engine rejection on activities, 2 on deals; status partial, exit 1."""
        result = _sync(settings, _crm())
        assert result.status == "partial"
        assert result.counts["activities"]["rejected"] == 2 and result.counts["deals"]["rejected"] == 2
        assert {(r.object, r.id) for r in result.rejections} == {
            ("activities", "v-bad"), ("activities", "v9"), ("deals", "d1"), ("deals", "d2")}

    def test_rejections_are_stored_with_rule_and_detail(self, settings) -> None:
        """The run log keeps each rejected record once, engine ones as `rule: detail`; status shows the count."""
        result = _sync(settings, _crm())
        engine = open_store(settings.database())
        try:
            stored = {r.id: r.reason for r in repo.rejections(engine, result.run_id)}
            (run,) = repo.runs(engine, result.plan_id, limit=1)
        finally:
            engine.dispose()
        assert stored["v9"].startswith("no_account: ") and stored["d1"].startswith("unknown_currency: ")
        assert stored["d2"].startswith("no_close_date: ") and stored["v-bad"] == "start: not a date"
        assert run.status == "partial" and sum(c.get("rejected", 0) for c in run.counts.values()) == 4

    def test_groups_by_reason_with_stored_names(self, settings) -> None:
        """`pac status`'s query groups the run's rejections by object and reason, with the records' names."""
        result = _sync(settings, _crm())
        engine = open_store(settings.database())
        try:
            groups = {(g.object, g.reason): g for g in repo.rejection_groups(engine, result.run_id)}
        finally:
            engine.dispose()
        assert set(groups) == {("activities", "no_account"), ("activities", "start"), ("deals", "unknown_currency"),
                               ("deals", "no_close_date")}
        assert groups[("activities", "no_account")].examples == (("fake", "v9", "Salon visit (no account)"),)
        assert groups[("deals", "unknown_currency")].examples == (("fake", "d1", "Geneva order"),)
        in_memory = {(g.object, g.reason, g.count) for g in group_rejections(result.rejections, result.labels)}
        assert in_memory == {(g.object, g.reason, g.count) for g in groups.values()}

    def test_a_won_deal_without_amount_is_a_warning_not_a_rejection(self, settings) -> None:
        """A won deal with no amount counts (worth 0): listed as a warning with its name, counted per object,
        and the run is not partial because of it."""
        crm = _crm()
        crm.rejected["activities"].clear()
        crm.put(visit("v9", "u1", "a1", W18.replace(day=6)), _deal("d1", "1000", "EUR", "Geneva order"),
                _deal("d2", None, "EUR", "Deal with no amount"))
        result = _sync(settings, crm)
        assert (result.status, result.rejections) == ("ok", [])
        assert [(w.object, w.id, w.reason.split(":")[0]) for w in result.warnings] == [("deals", "d2", "no_amount")]
        assert result.counts["deals"]["warnings"] == 1
        assert result.labels[("fake", "deals", "d2")] == "Deal with no amount"

    def test_a_clean_run_after_the_fix_is_ok(self, settings) -> None:
        """Once the CRM records are fixed, the next run reports nothing and ends ok (exit 0)."""
        crm = _crm()
        _sync(settings, crm)
        crm.rejected["activities"].clear()
        crm.put(visit("v9", "u1", "a1", W18.replace(day=6), modified_at=datetime(2027, 5, 20, 15, tzinfo=UTC)),
                _deal("d1", "1000", "EUR", "Geneva order"), _deal("d2", "500", "EUR", "Deal with a negative amount"))
        result = _sync(settings, crm, full=True)
        assert (result.status, result.rejections) == ("ok", [])


LATER = datetime(2027, 5, 20, 15, tzinfo=UTC)


def _new(result) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {(r.object, r.id) for r in result.new_rejections}


class TestNewRejections:
    def test_records_rejected_again_for_the_same_reason_leave_the_run_ok(self, settings) -> None:
        """Second run (full read: the connector rejects v-bad again) with the same four rejections: known, still
        counted, stored and listed, but the run is ok (exit 0)."""
        crm = _crm()
        first = _sync(settings, crm)
        second = _sync(settings, crm, full=True)
        engine = open_store(settings.database())
        try:
            stored = {r.id for r in repo.rejections(engine, second.run_id)}
            (run,) = repo.runs(engine, second.plan_id, limit=1)
        finally:
            engine.dispose()
        assert (first.status, len(first.new_rejections)) == ("partial", 4)
        assert (second.status, second.new_rejections) == ("ok", [])
        assert stored == {"v-bad", "v9", "d1", "d2"} and run.status == "ok"
        assert {o: (c["rejected"], c["rejected_new"]) for o, c in run.counts.items() if "rejected" in c} == {
            "activities": (2, 0), "deals": (2, 0)}

    def test_a_newly_rejected_record_makes_the_run_partial(self, settings) -> None:
        """A visit with no account appears after the first run: partial, and only that record is new."""
        crm = _crm()
        _sync(settings, crm)
        crm.put(visit("v10", "u1", None, W18.replace(day=7), subject="Another one", modified_at=LATER))
        second = _sync(settings, crm)
        assert (second.status, _new(second)) == ("partial", {("activities", "v10")})
        # v-bad, which the connector rejected on the first (full) read and this incremental one did not read again,
        # still stands: listed, known
        assert {(r.object, r.id) for r in second.rejections} == {
            ("activities", "v-bad"), ("activities", "v9"), ("activities", "v10"), ("deals", "d1"), ("deals", "d2")}
        assert second.counts["activities"]["rejected_new"] == 1 and second.counts["deals"]["rejected_new"] == 0

    def test_a_record_rejected_for_another_reason_is_new(self, settings) -> None:
        """The CHF deal is changed to EUR with no close date: rejected again, for another reason: new."""
        crm = _crm()
        _sync(settings, crm)
        crm.put(Deal(id="d1", source="fake", account_id="a1", owner_id="u1", amount=Decimal(1), currency="EUR",
                     close_date=None, stage=DealStage.WON, name="Geneva order", modified_at=LATER))
        second = _sync(settings, crm)
        (new,) = second.new_rejections
        assert (second.status, new.id, new.reason.split(":")[0]) == ("partial", "d1",
                                                                                       "no_close_date")

    def test_a_reason_reworded_by_a_new_version_is_not_new(self, settings) -> None:
        """The CHF deal rejected by a previous version whose words differed (its fix hint: « add it to the fx
        rates »): the same reason code, so known, and the run after the upgrade is ok. Failed before (upgrade
        audit F1): compared word for word, it was new and the upgrade night exited 1."""
        crm = _crm()
        first = _sync(settings, crm)
        engine = open_store(settings.database())
        try:
            with engine.begin() as conn:
                changed = conn.execute(text("UPDATE pac_rejection SET reason = 'unknown_currency: no exchange rate "
                                            "for CHF (add it to the fx rates)' WHERE run_id = :run AND crm_id = 'd1'"),
                                       {"run": first.run_id}).rowcount
        finally:
            engine.dispose()
        assert changed == 1
        second = _sync(settings, crm, full=True)
        assert (second.status, second.new_rejections) == ("ok", [])

    def test_a_connector_reason_stored_as_text_by_an_older_pac_is_known(self, settings) -> None:
        """A connector's rejection stored by a pac older than the reason codes (before migration 0012: its English
        text alone, code NULL) is the rejection the connector's code gives now: the run after the upgrade finds it
        known and is ok, and the stored row reads the same (English as stored, French from its code). Failed before
        the compatibility path (``reject_words.LEGACY``): compared by code, every such row was new."""
        crm = _crm()
        crm.reject(ObjectKind.DEALS, STAGE)
        first = _sync(settings, crm)
        assert _forget_codes(settings, first.run_id) == 1      # d-stage, the one connector rejection with a code
        second = _sync(settings, crm, full=True)
        assert (second.status, second.new_rejections) == ("ok", [])
        assert second.counts["deals"]["rejected_new"] == 0 and second.counts["deals"]["rejected"] == 3
        engine = open_store(settings.database())
        try:
            (stored,) = [r for r in repo.rejections(engine, first.run_id) if r.id == "d-stage"]
        finally:
            engine.dispose()
        assert (stored.code, stored.reason) == ("", STAGE.reason)
        assert reason_words(stored.reason, "fr", stored.code, stored.values) == (
            "l'étape « x9 » n'est pas une étape du pipeline « default » (aucun pipeline ne l'a) : corrigez l'étape de "
            "l'affaire dans le CRM")

    def test_a_connector_reason_new_before_the_upgrade_is_new_after_it(self, settings) -> None:
        """Another stage than the stored text's: a new rejection, as it was when both were texts."""
        crm = _crm()
        crm.reject(ObjectKind.DEALS, rejection("fake", "deals", "d-stage", "unknown_stage", stage="x8",
                                               pipeline="default", home=""))
        first = _sync(settings, crm)
        _forget_codes(settings, first.run_id)
        crm.rejected[ObjectKind.DEALS.value] = [STAGE]
        second = _sync(settings, crm, full=True)
        assert (second.status, _new(second)) == ("partial", {("deals", "d-stage")})

    def test_a_standing_text_of_an_older_pac_is_kept_with_its_code(self, settings) -> None:
        """A rejection an incremental run does not read again stands, known; carried from a row of an older pac,
        it is stored with the code its words read as, so the store's texts take their codes as runs go by."""
        crm = _crm()
        crm.reject(ObjectKind.DEALS, STAGE)
        first = _sync(settings, crm)
        _forget_codes(settings, first.run_id)
        second = _sync(settings, crm)
        engine = open_store(settings.database())
        try:
            (stored,) = [r for r in repo.rejections(engine, second.run_id) if r.id == "d-stage"]
        finally:
            engine.dispose()
        assert (second.status, second.new_rejections) == ("ok", [])
        assert (stored.code, stored.values, stored.reason) == (STAGE.code, STAGE.values, STAGE.reason)

    def test_a_failed_run_in_between_leaves_known_records_known(self, settings) -> None:
        """A run that fails (CRM unreachable while reading deals) is not the previous finished run: the next run
        compares with the last one that went through, and is ok."""
        crm = _crm()
        _sync(settings, crm)
        crm.fail_pull["deals"] = ConnectorError("CRM down")
        failed = _sync(settings, crm)
        third = _sync(settings, crm, full=True)
        assert failed.status == "crm_unreachable"
        assert (third.status, third.new_rejections, len(third.rejections)) == ("ok", [], 4)

    def test_dry_run_exit_code_follows_the_same_rule(self, settings) -> None:
        """After a finished run, a dry run with only known rejections exits 0; with a new one, 1."""
        crm = _crm()
        _sync(settings, crm)
        known = _sync(settings, crm, dry_run=True)
        crm.put(visit("v10", "u1", None, W18.replace(day=7), modified_at=LATER))
        new = _sync(settings, crm, dry_run=True)
        assert (known.status, len(known.rejections)) == ("dry_run", 4)   # v-bad still stands, known
        assert (new.status, _new(new)) == ("partial", {("activities", "v10")})


_REFUSE_FINISH = {   # the store refuses to close a run as finished: a fault at the run's very last commit
    "sqlite": ["CREATE TRIGGER refuse_finish BEFORE UPDATE OF status ON pac_run "
               "WHEN NEW.status IN ('ok', 'partial') BEGIN SELECT RAISE(ABORT, 'disk full'); END"],
    "postgresql": ["CREATE FUNCTION refuse_finish() RETURNS trigger AS $$ BEGIN "
                   "RAISE EXCEPTION 'disk full'; END $$ LANGUAGE plpgsql",
                   "CREATE TRIGGER refuse_finish BEFORE UPDATE ON pac_run FOR EACH ROW "
                   "WHEN (NEW.status IN ('ok', 'partial')) EXECUTE FUNCTION refuse_finish()"],
}


class TestRejectionsCommittedWithTheRunLog:
    def test_a_run_whose_log_cannot_be_committed_is_closed_failed_with_the_rejections_it_met(self, settings) -> None:
        """The store fails at the run log's commit: nothing of the finished log is stored (it is committed in one
        transaction, or not at all), and the run is closed as failed, keeping what it met as an interrupted run
        does (audit leftsmall: before, a stopped run kept none, and `pac status` showed no rejection): its four
        rejections, with the failed row, never with an ``ok`` or ``partial`` one."""
        engine = open_store(settings.database())
        try:
            with engine.begin() as conn:
                for statement in _REFUSE_FINISH[engine.dialect.name]:
                    conn.execute(text(statement))
            with pytest.raises(Exception, match="disk full"):
                _sync(settings, _crm())
            (run,) = repo.runs(engine)
            stored = repo.rejections(engine, run.id)
        finally:
            engine.dispose()
        assert run.status == "failed" and run.finished_at is not None
        assert sorted((r.object, r.id) for r in stored) == [
            ("activities", "v-bad"), ("activities", "v9"), ("deals", "d1"), ("deals", "d2")]


class TestNoDoubleCounting:
    def test_a_record_rejected_by_its_connector_is_not_set_aside_again(self) -> None:
        """The engine's decision on a record its connector rejected in the same run is not counted twice."""
        decisions = (Decision("fake", "v9", False, "no_account", "the activity has no account"),
                     Decision("fake", "v9", False, "no_account", "the activity has no account"),
                     Decision("fake", "d1", False, "no_amount", "the won deal has no amount"))
        evaluation = Evaluation(plan_id="p", as_of=W18, actions=(), axes=(), segments=(), recommendations=(),
                                rejected=decisions)
        records = Records(activities=(visit("v9", "u1", None, W18),), deals=(_deal("d1", None, "EUR", "x"),))
        out, labels = pipeline.engine_rejections(evaluation, records)
        assert [(r.object, r.id) for r in out] == [("activities", "v9"), ("deals", "d1")]
        assert labels[("fake", "deals", "d1")] == "x"
        out, _ = pipeline.engine_rejections(evaluation, records,
                                            [Rejected("fake", "activities", "v9", "start: not a date")])
        assert [(r.object, r.id) for r in out] == [("deals", "d1")]


class TestReadCounts:
    def test_a_pac_record_read_with_its_edit_values_counts_once(self, settings) -> None:
        """A connector gives every editable value of a changed PAC record (one item per field): the run's 'read'
        counts the record once (failed before: one per field, 'read 131' on a night with about 35 records)."""
        from connectors.base import Target
        from tests.fakes import edit

        crm = _crm()
        plan_id = _sync(settings, crm).plan_id
        at = W18.replace(day=10)
        # a person's edits of the plan's own items (audit meeting F8: "read" counts the PAC records a person changed;
        # this test's keys, "pac-2027:…", named no item of the plan, so they counted only as records read)
        crm.put(edit(f"{plan_id}:A-01", "action_status", "done", at, Target.ACTION),
                edit(f"{plan_id}:A-01", "action_target", 5, at, Target.ACTION),
                edit(f"{plan_id}:A-01", "action_due", "2027-05-09", at, Target.ACTION),
                edit(f"{plan_id}:AX-1", "axis_status", "suspended", at))
        result = _sync(settings, crm)
        assert result.counts[ObjectKind.PAC_EDITS.value]["read"] == 2
