"""An action handed over to another rep (``handed_over``): the visits its former owner made before the hand-over
still count for it (audit planstate F1: changing ``who`` as the advisor's *reassign* asks read A-01 4 / 5 -> 1 / 5,
« Manquée » in the new owner's review)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from pac_config.planfile import load_plan_text
from pac_core.engine import build_indexes, count_actions, evaluate
from pac_core.errors import InvalidInput, PlanError
from pac_core.explain import explain_action
from pac_core.incremental import Changes, evaluate_incremental
from pac_core.plan import ContextChange, ContextKind, HandOver, Person
from pac_core.records import Records, User
from pac_core.results import Pace
from sync_jobs.plan_identity import owner_change_warnings
from sync_jobs.review import build_review
from tests.unit.test_engine_support import JULIE, MARC, PARIS, USERS, account, action, plan, utc, visit

AS_OF = datetime(2027, 5, 20, 12, tzinfo=PARIS)
ACCOUNTS = tuple(account(f"acc{i}", f"6900{i}") for i in range(8))
HANDED = (HandOver(JULIE, date(2027, 5, 6)),)     # Marc's first day: Thursday of week 18


def _run(*actions, activities, as_of=AS_OF, explain=True):
    return evaluate(plan(*actions), Records(accounts=ACCOUNTS, activities=tuple(activities), users=USERS),
                    as_of=as_of, explain=explain)


def _julie_then_marc():
    """Week 18 (3-9 May): Julie's 3 visits before she leaves on the 6th, Marc's 2 after, 5 accounts."""
    return [visit("j1", "acc0", utc(5, 3, 8)), visit("j2", "acc1", utc(5, 4, 8)), visit("j3", "acc2", utc(5, 5, 15)),
            visit("m1", "acc3", utc(5, 6, 9), owner="005M"), visit("m2", "acc4", utc(5, 7, 9), owner="005M")]


class TestCounting:
    def test_the_audit_scenario_keeps_julies_visits_after_the_hand_over(self) -> None:
        """Julie made 4 of A-01's 5 visits; A-01 is handed to Marc (who: Marc) on 6 May, after which Marc made 1.
        Audit F1: 1 / 5 (Marc's only), « Manquée ». With handed_over: 5 / 5, done."""
        acts = [visit(f"j{i}", f"acc{i}", utc(5, 3 + i, 8)) for i in range(3)] + [visit("j3", "acc3", utc(5, 5, 16)),
                                                                                   visit("m1", "acc4", utc(5, 7, 9),
                                                                                         owner="005M")]
        moved = action(who=MARC)
        assert _run(moved, activities=acts).action("A-01").done == 1      # who changed alone: the count restarts
        ev = _run(replace(moved, handed_over=HANDED), activities=acts)
        assert (ev.action("A-01").done, ev.action("A-01").pace) == (5, Pace.DONE)

    def test_a_mid_window_hand_over_counts_both_owners(self) -> None:
        """Julie 3 visits before the 6th, Marc 2 after: 5 / 5 done (it read 2 / 5, « manquée »)."""
        ev = _run(action(who=MARC, handed_over=HANDED), activities=_julie_then_marc())
        assert ev.action("A-01").done == 5
        assert sorted(d.record_id for d in ev.action("A-01").decisions if d.counted) == ["j1", "j2", "j3", "m1", "m2"]

    def test_a_former_owners_visit_after_the_hand_over_does_not_count_and_says_why(self) -> None:
        """Julie's visit on the 6th (Marc's first day) is no longer the action's: a near miss 'handed_over', worded
        in the plan's language."""
        acts = [*_julie_then_marc(), visit("j-late", "acc5", utc(5, 5, 22, 30))]   # 00:30 on 6 May, Paris
        ev = _run(action(who=MARC, handed_over=HANDED), activities=acts)
        assert ev.action("A-01").done == 5
        [late] = [d for d in ev.action("A-01").decisions if d.record_id == "j-late"]
        assert (late.counted, late.rule) == (False, "handed_over")
        assert late.detail == f"owner {JULIE}, after the hand-over to {MARC} on 2027-05-06"
        explained = explain_action(plan(action(who=MARC, handed_over=HANDED)), ev, "A-01")
        [row] = [r for r in explained.rows if r["record"] == "j-late"]
        assert (row["reason"], row["detail"]) == (
            "après la passation", f"propriétaire {JULIE}, après la passation à {MARC} le 6 mai 2027")
        english = explain_action(plan(action(who=MARC, handed_over=HANDED)), ev, "A-01", lang="en")
        assert [r["reason"] for r in english.rows if r["record"] == "j-late"] == ["after the hand-over"]

    def test_explain_says_the_action_was_handed_over_even_with_nothing_of_the_former_owner_listed(self) -> None:
        """Marc's action handed over by Julie on 6 May, only Marc's visits near it: the table names Julie nowhere, so
        a line under the counts says whose it was and which of her activities count (audit explainleft: a manager
        read « 2 / 5 » and Marc's rows with no word of the hand-over). None for an action never handed over."""
        marcs = _julie_then_marc()[3:]
        ev = _run(action(who=MARC, handed_over=HANDED), activities=marcs)
        assert {r["record"] for r in explain_action(plan(action(who=MARC, handed_over=HANDED)), ev, "A-01").rows} == {
            "m1", "m2"}
        fr = explain_action(plan(action(who=MARC, handed_over=HANDED)), ev, "A-01")
        en = explain_action(plan(action(who=MARC, handed_over=HANDED)), ev, "A-01", lang="en")
        assert fr.handed == (f"Passée à {MARC} par {JULIE} le 6 mai 2027 : les activités de {JULIE} d'avant ce jour "
                             "comptent pour elle, pas celles à partir de ce jour.")
        assert en.handed == (f"Handed over to {MARC} by {JULIE} on 2027-05-06: {JULIE}'s activities before that day "
                             "count for it, those from that day on do not.")
        assert explain_action(plan(action(who=MARC)), _run(action(who=MARC), activities=marcs), "A-01").handed == ""

    def test_an_account_visited_by_both_counts_once(self) -> None:
        """Distinct accounts across owners: Julie and Marc both visited acc0, it counts once; the later visit is
        the repeat."""
        acts = [visit("j1", "acc0", utc(5, 3, 8)), visit("m1", "acc0", utc(5, 7, 9), owner="005M")]
        ev = _run(action(who=MARC, handed_over=HANDED), activities=acts)
        assert ev.action("A-01").done == 1
        assert {d.record_id: d.rule for d in ev.action("A-01").decisions} == {"j1": "counted",
                                                                              "m1": "duplicate_account"}

    def test_count_and_explanation_agree_and_the_matcher_counts_alike(self) -> None:
        """The nightly count (count_actions), one action's count (Matcher.count) and its explanation agree."""
        acts = [*_julie_then_marc(), visit("j-late", "acc5", utc(5, 8, 8))]
        p = plan(action(who=MARC, handed_over=HANDED))
        records = Records(accounts=ACCOUNTS, activities=tuple(acts), users=USERS)
        indexes = build_indexes(p, records)
        until = AS_OF.timestamp()
        counted = count_actions(p, indexes, until=until)["A-01"]
        single = indexes.matcher.count(p.actions[0], until=until)
        explained = indexes.matcher.match(p.actions[0], until=until)
        assert counted.done == single.done == explained.done == 5
        assert sorted(counted.matched) == sorted(single.matched) == sorted(explained.matched)

    def test_a_former_owner_named_by_an_alias_is_the_same_person(self) -> None:
        """Julie's HubSpot owner is an alias of hers: her visits there count before the hand-over too."""
        users = (*USERS, User("77", "hs", "j.martin@hs.example", "Julie M."))
        accounts = (*ACCOUNTS, account("h1", "69120", source="hs"))
        p = replace(plan(action(who=MARC)), people=(Person(JULIE, "Julie Martin", aliases=("j.martin@hs.example",)),
                                                    Person(MARC, "Marc Dubois")),
                    actions=(action(who=MARC, handed_over=(HandOver("j.martin@hs.example", date(2027, 5, 6)),)),))
        acts = (visit("h1v", "h1", utc(5, 4, 8), owner="77", source="hs"), visit("m1", "acc3", utc(5, 7, 9),
                                                                                 owner="005M"))
        ev = evaluate(p, Records(accounts=accounts, activities=acts, users=users), as_of=AS_OF)
        assert ev.action("A-01").done == 2


class TestIncremental:
    def test_adding_the_hand_over_reselects_the_action_and_equals_a_full_evaluation(self) -> None:
        """A night after the hand-over is written: the action is touched (its fingerprint), Julie's visits become
        its candidates, and the night equals a full evaluation; the next quiet night too. The night is full: the
        hand-over names Julie, a new owner of the plan's visits, whose bad visits are now the plan's to reject
        (``matching.reject_spans``, audit rejectscope); the next night is incremental again."""
        records = Records(accounts=ACCOUNTS, activities=tuple(_julie_then_marc()), users=USERS)
        moved = plan(action(who=MARC))
        _, kept, _ = evaluate_incremental(moved, records, None, None, as_of=AS_OF)
        handed = plan(action(who=MARC, handed_over=HANDED))
        night, kept, stats = evaluate_incremental(handed, records, Changes(), kept, as_of=AS_OF)
        assert (stats.mode, stats.reason) == ("full", "engine settings, or the activities the plan rejects, changed")
        assert night == evaluate(handed, records, as_of=AS_OF) and night.action("A-01").done == 5
        late = visit("j-late", "acc5", utc(5, 8, 8))    # Julie, after the hand-over: changed, never counted
        after = replace(records, activities=(*records.activities, late))
        quiet, _, stats = evaluate_incremental(handed, after, Changes.between(records, after), kept, as_of=AS_OF)
        assert quiet == evaluate(handed, after, as_of=AS_OF) and quiet.action("A-01").done == 5
        assert stats.mode == "incremental"


class TestReview:
    def test_the_new_owners_review_lists_the_action_with_the_full_count(self) -> None:
        """Marc's May review: A-01 under Marc, 5 / 5 done (the audit's « 1 / 5 Manquée » among his late actions)."""
        p = plan(action(who=MARC, handed_over=HANDED))
        ev = evaluate(p, Records(accounts=ACCOUNTS, activities=tuple(_julie_then_marc()), users=USERS), as_of=AS_OF)
        review = build_review(p, ev, None, month="2027-05", previous=None, previous_source=None,
                              next_until=datetime(2027, 7, 1, tzinfo=PARIS), rep=MARC)
        [marc] = review.reps
        assert marc.email == MARC
        assert [(line.action.id, line.now.done if line.now else None) for line in marc.with_pace(Pace.DONE)] == [
            ("A-01", 5)]
        assert marc.with_pace(Pace.LATE) == []


PLAN = """\
plan: {name: T, year: 2027, timezone: Europe/Paris}
people:
  - {email: julie.martin@acme.fr, name: Julie Martin, aliases: [j.martin@acme.com]}
  - {email: marc.dubois@acme.fr, name: Marc Dubois}
segments: [{id: S, name: S, kind: horizontal}]
axes: [{id: AX, name: AX, segment: S}]
actions:
  - id: A-01
    axis: AX
    text: Visiter 5 clients en semaine 18
    who: marc.dubois@acme.fr
    what: {activity: visite, count: 5}
    when: semaine 18
"""


class TestPlanFile:
    @pytest.mark.parametrize("written", [
        "{from: julie.martin@acme.fr, on: 2027-05-06}", "[{from: Julie.Martin@acme.fr, on: 06/05/2027}]",
        "{from: julie  martin, on: 2027-05-06}", "{from: j.martin@acme.com, on: 2027-05-06}"])
    def test_a_hand_over_names_the_former_owner_by_email_name_or_alias(self, written: str) -> None:
        loaded = load_plan_text(PLAN + f"    handed_over: {written}\n")
        assert loaded.action("A-01").handed_over == (HandOver("julie.martin@acme.fr", date(2027, 5, 6)),)

    @pytest.mark.parametrize(("written", "problem"), [
        ("{from: marc.dubois@acme.fr, on: 2027-05-06}",
         "actions[0].handed_over.from: marc.dubois@acme.fr is the action's own who"),
        ("{from: julie.martin@acme.fr, on: 2028-05-06}",
         "actions[0].handed_over.on: the hand-over day 2028-05-06 is outside the plan's period "
         "(2027-01-01..2027-12-31)"),
        ("[{from: Paul Durand, on: 2027-05-06}]",
         "actions[0].handed_over[0].from: 'Paul Durand' is neither an e-mail nor the name of a person of people"),
        ("{from: paul@acme.fr, on: 2027-05-06}",
         "actions[0].handed_over.from: paul@acme.fr is not in the plan's people"),
        ("{from: julie.martin@acme.fr}", "actions[0].handed_over[0].on: required key is missing"),
    ])
    def test_a_wrong_hand_over_is_a_located_problem(self, written: str, problem: str) -> None:
        with pytest.raises(InvalidInput) as caught:
            load_plan_text(PLAN + f"    handed_over: {written}\n", "plan.pac.yaml")
        [found] = caught.value.problems
        assert f"{found.path}: {found.message}".startswith(problem)
        assert found.line == 14 and found.fix

    def test_a_plan_built_with_its_own_owner_as_former_is_refused(self) -> None:
        with pytest.raises(PlanError):
            plan(action(who=MARC, handed_over=(HandOver(MARC, date(2027, 5, 6)),)))


class TestOwnerChangeWarning:
    def test_a_who_changed_without_a_hand_over_is_warned_of_with_the_yaml(self) -> None:
        before = plan(action())
        after = plan(action(who=MARC))
        [warning] = owner_change_warnings(after, before, date(2027, 5, 20), 3)
        assert warning.startswith(f"A-01: who changed from {JULIE} to {MARC} since the store's version 3 of the plan: "
                                  f"the activities of {JULIE} stop counting for it")
        assert f"handed_over: {{from: {JULIE}, on: 2027-05-20}}" in warning

    def test_the_rep_leaving_day_is_the_hint(self) -> None:
        after = replace(plan(action(who=MARC)), context=(ContextChange(ContextKind.REP_LEAVING, on=date(2027, 5, 6),
                                                                       who=JULIE),))
        [warning] = owner_change_warnings(after, plan(action()), date(2027, 5, 20))
        assert f"handed_over: {{from: {JULIE}, on: 2027-05-06}}" in warning and "leaving day" in warning

    def test_nothing_when_the_hand_over_is_written_or_the_owner_is_the_same(self) -> None:
        assert owner_change_warnings(plan(action(who=MARC, handed_over=HANDED)), plan(action()), AS_OF.date()) == []
        assert owner_change_warnings(plan(action()), plan(action(target=7)), AS_OF.date()) == []
