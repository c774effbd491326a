"""Tasks with no date, through the real pipeline over the sandbox org (simple-salesforce, the shipped mapping): an
open to-do with no due date is an ordinary Salesforce record (``Task.ActivityDate`` is nillable, "New Task" leaves Due
Date blank, ``CompletedDateTime`` is set only when the task is closed), no plan activity, and never a rejection; and
rows left out as no activity of their own (``normalise.not_a_report``) replace a counted version the store held."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from connectors.salesforce.connector import build
from connectors.salesforce.mapping import default_mapping_path
from pac_config.settings import load_settings
from pac_core.records import Activity
from sandbox_crm.run import sandbox_env
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import SandboxServer
from sync_jobs import pipeline
from sync_jobs.run_context import RunResult
from sync_jobs.store import open_store
from sync_jobs.store.records import load_records
from tests.fakes import SMALL_PLAN, Clock, write_settings
from tests.integration.sf_runs import NO_WAIT

# SMALL_PLAN with one more action: Julie calls one customer in May (the clock of the runs is 20 May 2027)
CALL_PLAN = SMALL_PLAN + """\
  - id: A-03
    axis: AX-1
    text: "Call 1 customer in May"
    who: julie@example.com
    what: {activity: call, count: 1}
    when: "May 2027"
"""


class Org:
    """An org with Julie and one account in Lyon; ``sync()`` runs the real pipeline (real evaluator) once."""

    def __init__(self, server: SandboxServer, tmp_path: Path, database_url: str, plan_text: str = CALL_PLAN) -> None:
        self.server, self.api = server, server.api("salesforce")
        self.settings = load_settings(write_settings(tmp_path, database_url, connectors=(("sf-main", "salesforce"),),
                                                     plan_text=plan_text), env={})
        self.clock = Clock()
        self.mapping = default_mapping_path()
        self.owner = self.api.create("User", Username="julie@example.com", Email="julie@example.com", LastName="M",
                                     Name="Julie M", IsActive=True)
        self.account = self.api.create("Account", Name="Lyon SARL", BillingPostalCode="69001", OwnerId=self.owner)

    def task(self, subject: str, subtype: str, status: str, day: date | None = None) -> str:
        return self.api.create("Task", Subject=subject, TaskSubtype=subtype, Status=status, WhatId=self.account,
                               OwnerId=self.owner, ActivityDate=day)

    def sync(self) -> RunResult:
        connector = build("sf-main", self.mapping, sandbox_env(self.server), policy=NO_WAIT)
        connector.provision_schema()
        try:
            result = pipeline.run_sync(None, self.settings, connectors={"sf-main": connector}, clock=self.clock)
        finally:
            connector.close()
        self.clock.advance(hours=1)
        return result


@pytest.fixture
def org(tmp_path: Path, database_url: str) -> Iterator[Org]:
    with SandboxServer([SalesforceApi(None, multi_currency=False)]) as srv:
        yield Org(srv, tmp_path, database_url)


def _done(result: RunResult, action: str) -> int:
    assert result.evaluation is not None
    return result.evaluation.action(action).done


def _stored(org: Org, activity_id: str) -> Activity:
    """The activity as the store holds it after the runs."""
    engine = open_store(org.settings.database())
    try:
        [stored] = [a for a in load_records(engine, ["sf-main"]).activities if a.id == activity_id]
    finally:
        engine.dispose()
    return stored


class TestUndatedTasks:
    def test_open_tasks_with_no_due_date_leave_the_night_ok(self, org: Org) -> None:
        """A night after a to-do ('Envoyer la plaquette', TaskSubtype Task, Not Started) and a planned call (Call,
        Not Started), both with no due date, were added: status ok, 0 rejected, the logged call still counted. Seen
        failing on the old code: partial, both rejected 'Task has no date (ActivityDateTime, ActivityDate)'."""
        org.task("Appel Lyon SARL", "Call", "Completed", date(2027, 5, 4))
        first = org.sync()
        assert (first.status, first.rejections, _done(first, "A-03")) == ("ok", [], 1)
        org.task("Envoyer la plaquette", "Task", "Not Started")
        org.task("Rappeler Lyon SARL", "Call", "Not Started")
        second = org.sync()
        assert (second.status, second.rejections, second.new_rejections) == ("ok", [], [])
        assert second.counts["activities"].get("rejected", 0) == 0 and _done(second, "A-03") == 1

    def test_a_completed_call_with_no_date_is_still_rejected(self, org: Org) -> None:
        """A completed call with neither a due date nor a completion instant is a call that cannot be counted on any
        day: the record needs fixing in the CRM, so it stays a rejection and the night is partial."""
        org.sync()
        bad = org.task("Appel sans date", "Call", "Completed")
        result = org.sync()
        assert result.status == "partial"
        assert [(r.object, r.id, r.reason) for r in result.rejections] == [
            ("activities", bad, "Task has no date (ActivityDateTime, ActivityDate)")]

    def test_a_call_reopened_with_its_due_date_cleared_stops_counting(self, org: Org) -> None:
        """A completed call of 4 May counts for A-03; the rep reopens it (Not Started) and clears its due date: the
        stored call is replaced by the undated row, left out as deleted, so A-03 is 0 of 1 and the night ok. Seen
        failing on the old code: the new version was rejected, the stored completed call kept counting (1 of 1)."""
        call = org.task("Appel Lyon SARL", "Call", "Completed", date(2027, 5, 4))
        assert _done(org.sync(), "A-03") == 1
        org.api.edit("Task", call, Status="Not Started", ActivityDate=None)
        result = org.sync()
        assert (result.status, result.rejections, _done(result, "A-03")) == ("ok", [], 0)
        stored = _stored(org, call)
        assert (stored.deleted, stored.day, stored.start) == (True, None, None)


class TestTaskDates:
    def test_a_call_closed_before_its_due_date_counts_when_it_was_closed(self, org: Org) -> None:
        """A call task due on 3 June and closed on 12 May (its CompletedDateTime, set by Salesforce when the task was
        saved closed) was made by 12 May: on 20 May it counts for May's A-03 (audit hsdoc F2; seen failing before:
        dated 3 June, after the evaluation, 0 of 1). Reopened (Not Started, no completion), it is a call due in
        June again: 0 of 1 the next night."""
        call = org.api.create("Task", Subject="Appel Lyon SARL", TaskSubtype="Call", Status="Completed",
                              WhatId=org.account, OwnerId=org.owner, ActivityDate=date(2027, 6, 3),
                              CompletedDateTime=datetime(2027, 5, 12, 8, tzinfo=UTC))
        first = org.sync()
        assert (first.status, first.rejections, _done(first, "A-03")) == ("ok", [], 1)
        org.api.edit("Task", call, Status="Not Started", CompletedDateTime=None)
        assert _done(org.sync(), "A-03") == 0

    def test_an_org_may_date_completed_tasks_when_they_were_closed(self, org: Org, tmp_path: Path) -> None:
        """A call due on 30 April and closed on 5 May: with the shipped mapping it is April's call (its due date, the
        date the rep gave), 0 of May's 1; with ``activities.task_date: completed`` (an org whose reps leave stale due
        dates) it is dated when it was closed and counts for May's A-03, and the change of mapping reads the stored
        activities again, so the call already stored is dated anew the next night. An open call keeps its due date
        either way (one due on 10 May and not done counts 0). Seen failing before the key existed: the mapping was
        refused (unknown key ``task_date``)."""
        org.api.create("Task", Subject="Appel Lyon SARL", TaskSubtype="Call", Status="Completed", WhatId=org.account,
                       OwnerId=org.owner, ActivityDate=date(2027, 4, 30),
                       CompletedDateTime=datetime(2027, 5, 5, 8, tzinfo=UTC))
        org.task("Rappeler Lyon SARL", "Call", "Not Started", date(2027, 5, 10))
        first = org.sync()
        assert (first.status, _done(first, "A-03")) == ("ok", 0)
        text = org.mapping.read_text(encoding="utf-8")
        assert text.count("\n  task_date: due\n") == 1
        org.mapping = tmp_path / "salesforce.yaml"
        org.mapping.write_text(text.replace("\n  task_date: due\n", "\n  task_date: completed\n"), encoding="utf-8")
        second = org.sync()
        assert (second.status, second.rejections, _done(second, "A-03")) == ("ok", [], 1)


class TestRowsLeftOut:
    def test_a_call_re_related_to_a_lead_stops_counting_at_the_next_incremental_night(self, org: Org) -> None:
        """A completed call of 4 May on Lyon SARL counts for A-03; the rep corrects it: the call was with a prospect,
        so Name becomes a lead and Related To is emptied, and Salesforce sets AccountId to null (Task reference,
        AccountId: "Otherwise, Salesforce sets the value of the AccountId field to null"). The next night, an
        incremental one, reads it (its SystemModstamp moved), counts it under 'lead' and stores it as deleted: A-03 is
        0 of 1. Seen failing on the old code: 1 of 1 until the weekly full read (the row yielded nothing, the stored
        call stayed)."""
        call = org.task("Appel Lyon SARL", "Call", "Completed", date(2027, 5, 4))
        assert _done(org.sync(), "A-03") == 1
        org.api.edit("Task", call, WhatId=None, WhoId="00Q000000000042")
        assert org.api.rows("Task")[0]["AccountId"] is None
        result = org.sync()
        assert (result.status, result.rejections, _done(result, "A-03")) == ("ok", [], 0)
        stored = _stored(org, call)
        assert (stored.deleted, stored.type, stored.day, stored.start) == (True, None, None, None)


class TestPlanBlindUndatedRows:
    """Audit connrejects (7 Dec 2026): a done call with no date is the plan's to reject only as the engine's rule
    says (docs/engine.md, *Bad records*: its type counted by an action naming its owner), in the connector's words."""

    def test_another_reps_undated_call_leaves_the_night_ok(self, org: Org) -> None:
        """Marc, a user no action names (CALL_PLAN: Julie's visits A-01 and calls A-03, Léa's visits A-02), logs a
        completed call on Lyon SARL with no date. No action could count it whatever its date: expected status ok,
        no rejection, A-03 still 1 of 1 from Julie's call of 4 May. Main: partial, Marc's call rejected
        'Task has no date (ActivityDateTime, ActivityDate)'."""
        org.task("Appel Lyon SARL", "Call", "Completed", date(2027, 5, 4))
        assert org.sync().status == "ok"
        marc = org.api.create("User", Username="marc@example.com", Email="marc@example.com", LastName="D",
                              Name="Marc D", IsActive=True)
        org.api.create("Task", Subject="Appel salon", TaskSubtype="Call", Status="Completed", WhatId=org.account,
                       OwnerId=marc, ActivityDate=None)
        result = org.sync()
        assert (result.status, result.rejections, _done(result, "A-03")) == ("ok", [], 1)

    def test_the_plans_own_undated_call_is_still_rejected_in_the_same_words(self, org: Org) -> None:
        """The same night holds Julie's completed call with no date (A-03 counts her calls: hers to fix) and Marc's:
        expected exactly Julie's rejected, in the words of before ('Task has no date (ActivityDateTime,
        ActivityDate)', code no_activity_date), the night partial. Main: both rejected."""
        org.sync()
        marc = org.api.create("User", Username="marc@example.com", Email="marc@example.com", LastName="D",
                              Name="Marc D", IsActive=True)
        org.api.create("Task", Subject="Appel salon", TaskSubtype="Call", Status="Completed", WhatId=org.account,
                       OwnerId=marc, ActivityDate=None)
        julie = org.task("Appel sans date", "Call", "Completed")
        result = org.sync()
        assert result.status == "partial"
        assert [(r.object, r.id, r.reason) for r in result.rejections] == [
            ("activities", julie, "Task has no date (ActivityDateTime, ActivityDate)")]
        assert [(r.id, r.code) for r in result.new_rejections] == [(julie, "no_activity_date")]
        # the night after, nothing edited: the same rejection, known (same code and values), so the night is ok
        after = org.sync()
        assert (after.status, [(r.id, r.reason) for r in after.rejections], after.new_rejections) == (
            "ok", [(julie, "Task has no date (ActivityDateTime, ActivityDate)")], [])
