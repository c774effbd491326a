"""`pac explain ACTION` finds an activity by its other date too (audit explainspan, 7 Dec 2026; audit sfhand6 L2).

A record with two dates (a completed Salesforce Task: its due ``day`` and its completion ``start``) is dated at the
earlier (docs/engine.md, rule 3); the near-miss search looked a day around the window by that instant only, so a
task due in the window and done a week before it, or long overdue and done in it, was listed nowhere. Now the later
date is searched too (``ActivityIndex.owner_later_dates``), and the outside-the-window words name both dates. What
counts is unchanged. Seen failing before the fix: neither task listed (no row), and « 2 mai 2027, avant la période »
with no word of the completion.
"""

from __future__ import annotations

from datetime import date, datetime

from pac_core.engine import evaluate
from pac_core.explain import explain_action
from pac_core.plan import ActivityType
from pac_core.records import Records
from tests.unit.test_engine_support import PARIS, USERS, account, plan, utc, visit
from tests.unit.test_engine_worked_example import AS_OF

# week 18 of 2027 (3-9 May), Julie's visits (the support's default action A-01)
ACTS = (visit("due-before", "lyon", utc(5, 4, 10), day=date(2027, 4, 25)),     # due 25 April, done 4 May 12:00
        visit("done-before", "lyon", utc(4, 28, 8), day=date(2027, 5, 5)),     # done 28 April 10:00, due 5 May
        visit("far", "lyon", utc(4, 22, 8), day=date(2027, 4, 20)),            # both dates far from the window
        visit("todo", "lyon", utc(4, 27, 8), day=date(2027, 5, 5), kind=None),
        visit("call", "lyon", utc(4, 27, 8), day=date(2027, 5, 5), kind=ActivityType.CALL),
        visit("in", "lyon", utc(5, 5, 8)))


def _records(*acts: object) -> Records:
    return Records(accounts=(account("lyon", "69003"),), activities=tuple(acts), users=USERS)  # type: ignore[arg-type]


def test_a_task_dated_before_the_window_by_one_date_and_in_it_by_the_other_is_listed_with_both() -> None:
    evaluation = evaluate(plan(language="en"), _records(*ACTS), as_of=AS_OF, explain=True)
    assert evaluation.action("A-01").done == evaluate(plan(), _records(*ACTS), as_of=AS_OF).action("A-01").done == 1
    en = {r["record"]: (r["when"], r["rule"], r["detail"]) for r in explain_action(plan(), evaluation, "A-01",
                                                                                  lang="en").rows}
    assert en == {
        "in": ("2027-05-05 10:00", "counted", ""),
        "due-before": ("2027-04-25", "outside_window", "due 2027-04-25, before the window “week 18” (2027-05-03 – "
                                                       "2027-05-09); completed 2027-05-04 12:00"),
        "done-before": ("2027-04-28 10:00", "outside_window", "completed 2027-04-28 10:00, before the window “week 18” "
                                                              "(2027-05-03 – 2027-05-09); due 2027-05-05")}
    fr = {r["record"]: r["detail"] for r in explain_action(plan(), evaluation, "A-01", lang="fr").rows}
    assert (fr["due-before"], fr["done-before"]) == (
        "échéance le 25 avril 2027, avant la période « semaine 18 » (du 3 au 9 mai 2027) ; terminée le 4 mai à 12:00",
        "terminée le 28 avril 2027 à 10:00, avant la période « semaine 18 » (du 3 au 9 mai 2027) ; échéance le 5 mai")


def test_a_task_listed_by_its_due_day_has_happened_by_the_evaluation() -> None:
    """Explained on 30 April at noon: the task done on 28 April (due 5 May) is listed; one done on 1 May (due 4 May),
    after the evaluation's instant, has not happened yet and is not, as any activity after it."""
    as_of = datetime(2027, 4, 30, 12, tzinfo=PARIS)
    acts = (ACTS[1], visit("later", "lyon", utc(5, 1, 8), day=date(2027, 5, 4)))
    evaluation = evaluate(plan(language="en"), _records(*acts), as_of=as_of, explain=True)
    assert [(d.record_id, d.rule) for d in evaluation.action("A-01").decisions] == [("done-before", "outside_window")]


def test_a_task_of_one_instant_reads_as_before() -> None:
    """A task completed at its due day's 00:00 has one date: its words name no other (as before)."""
    acts = (visit("midnight", "lyon", datetime(2027, 5, 2, tzinfo=PARIS), day=date(2027, 5, 2)),)
    evaluation = evaluate(plan(language="en"), _records(*acts), as_of=AS_OF, explain=True)
    assert [d.detail for d in evaluation.action("A-01").decisions] == [
        "2027-05-02 00:00, before the window “semaine 18” (2027-05-03 – 2027-05-09)"]
