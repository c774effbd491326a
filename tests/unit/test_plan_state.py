"""The plan's state rules (sync_jobs.overrides.decide): provenance, the later change wins, conflicts (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from connectors.base import ManagerEdit, Target
from pac_config.planfile import load_plan_text
from sync_jobs import overrides as plan_state
from tests.fakes import SMALL_PLAN

NOW = datetime(2027, 5, 20, 16, 0, tzinfo=UTC)
FILE_AT = NOW - timedelta(days=30)


@pytest.fixture(scope="module")
def plan():
    return load_plan_text(SMALL_PLAN, "plan.pac.yaml")


def _states(plan, **changed):
    """Stored states as a first run leaves them (every value from the file), with ``changed`` values."""
    first = plan_state.decide(plan, {}, [], {}, file_changed_at=FILE_AT, now=FILE_AT, order=["sf", "hs"])
    rows = {(s["target"], s["key"], s["field"]): SimpleNamespace(**s) for s in first.new_states}
    for field, value in changed.items():
        rows[("axis", f"{plan.id}:AX-1", field)].value = value
    return rows


def _written(plan, status="active"):
    return {"sf": {("axis", f"{plan.id}:AX-1"): SimpleNamespace(fields={"status": status}, crm_id="a1")},
            "hs": {("axis", f"{plan.id}:AX-1"): SimpleNamespace(fields={"status": status}, crm_id="9")}}


def _edit(plan, value, at, *, mine=False, who="005N"):
    return ManagerEdit(Target.AXIS, f"{plan.id}:AX-1", "axis_status", value, at, by_id=who, by_name="Nathalie",
                       by_integration=mine)


class TestDecide:
    def test_first_run_takes_every_value_from_the_file(self, plan) -> None:
        """No state yet: each editable value starts from the file, with no change and no conflict."""
        out = plan_state.decide(plan, {}, [], {}, file_changed_at=FILE_AT, now=NOW, order=["sf"])
        assert out.values[("axis", f"{plan.id}:AX-1", "axis_status")] == "active"
        assert {s["source"] for s in out.new_states} == {"file"} and not out.changed and not out.conflicts

    def test_pac_own_value_read_back_is_never_an_edit(self, plan) -> None:
        """The value pac last wrote, read back (whoever the CRM names), and the integration user's change are
        ignored."""
        edits = [("sf", _edit(plan, "active", NOW, mine=False)), ("hs", _edit(plan, "dropped", NOW, mine=True))]
        out = plan_state.decide(plan, _states(plan), edits, _written(plan), file_changed_at=FILE_AT, now=NOW,
                                order=["sf", "hs"])
        assert out.ignored == 2 and not out.changed

    def test_a_persons_edit_is_taken_and_the_crm_recorded_as_holding_it(self, plan) -> None:
        """Nathalie's suspension in HubSpot becomes the value, from hs, by her; hs holds it already (echo)."""
        out = plan_state.decide(plan, _states(plan), [("hs", _edit(plan, "Suspended", NOW))], _written(plan),
                                file_changed_at=FILE_AT, now=NOW, order=["sf", "hs"])
        change = out.changed[("axis", f"{plan.id}:AX-1", "axis_status")]
        assert (change.value, change.connector, change.who_name) == ("suspended", "hs", "Nathalie")
        assert out.echoes == [("hs", "axis", f"{plan.id}:AX-1", "status", "suspended")]

    def test_the_later_change_wins_and_the_other_is_a_conflict(self, plan) -> None:
        """Salesforce at 10:00, HubSpot at 11:00: HubSpot wins; one conflict naming both."""
        ten = NOW.replace(hour=10)
        edits = [("sf", _edit(plan, "dropped", ten)), ("hs", _edit(plan, "suspended", ten + timedelta(hours=1)))]
        out = plan_state.decide(plan, _states(plan), edits, _written(plan), file_changed_at=FILE_AT, now=NOW,
                                order=["sf", "hs"])
        [conflict] = out.conflicts
        assert conflict.kept.value == "suspended" and [c.value for c in conflict.lost] == ["dropped"]
        assert [e["outcome"] for e in out.events] == ["applied", "lost"]

    def test_a_tie_goes_to_the_crm_then_to_the_first_connector(self, plan) -> None:
        """Same instant in the file, Salesforce and HubSpot: the first connector's CRM edit wins."""
        text = SMALL_PLAN.replace("status: active", "status: {state: dropped, reason: budget}", 1)
        edited = load_plan_text(text, "plan.pac.yaml")
        edits = [("hs", _edit(plan, "suspended", NOW)), ("sf", _edit(plan, "prioritised", NOW))]
        out = plan_state.decide(edited, _states(plan), edits, _written(plan), file_changed_at=NOW, now=NOW,
                                order=["sf", "hs"])
        assert out.values[("axis", f"{plan.id}:AX-1", "axis_status")] == "prioritised"
        assert {c.source for c in out.conflicts[0].lost} == {"file", "crm"}

    def test_a_file_change_after_a_crm_edit_wins(self, plan) -> None:
        """The CRM edit was accepted last week (state crm); the file changed today: the file's value applies."""
        text = SMALL_PLAN.replace("status: active", "status: {state: dropped, reason: budget}", 1)
        edited = load_plan_text(text, "plan.pac.yaml")
        states = _states(plan, axis_status="suspended")
        out = plan_state.decide(edited, states, [], _written(plan, "suspended"), file_changed_at=NOW, now=NOW,
                                order=["sf"])
        assert out.values[("axis", f"{plan.id}:AX-1", "axis_status")] == "dropped" and not out.conflicts

    def test_upgrade_keeps_real_legacy_edits_and_drops_echoes(self, plan) -> None:
        """pac_override rows of an earlier version start the state: a manager's value is kept, pac's own echo
        (equal to what pac wrote) is not."""
        legacy = {("axis", f"{plan.id}:AX-1", "axis_status"): SimpleNamespace(value="suspended", modified_at=NOW,
                                                                              connector="sf")}
        kept = plan_state.decide(plan, {}, [], _written(plan), file_changed_at=FILE_AT, now=NOW, order=["sf"],
                                 legacy=legacy)
        assert kept.values[("axis", f"{plan.id}:AX-1", "axis_status")] == "suspended"
        echo = plan_state.decide(plan, {}, [], _written(plan, "suspended"), file_changed_at=FILE_AT, now=NOW,
                                 order=["sf"], legacy=legacy)
        assert echo.values[("axis", f"{plan.id}:AX-1", "axis_status")] == "active"


def _crm(plan, target, item, field, value, at):
    return ("sf", ManagerEdit(target, f"{plan.id}:{item}", field, value, at, by_id="005N", by_name="Nathalie"))


class TestEditsStandOnTheirOwn:
    """One edit that breaks a rule is refused alone; the night's other edits apply (audit F2)."""

    def test_a_rank_already_given_is_refused_and_the_target_edit_applies(self, plan) -> None:
        """Same night in Salesforce: A-01's target 2 -> 4 (valid) and AX-1 priority 1, which AX-2 holds. The target
        is 4 in the decided values and in the effective plan; the rank edit is refused: not stored as the field's
        state, not taken as held by the CRM, recorded `refused` in the history with the reason, and reported.
        Failed before: decide recorded both `applied` and apply_overrides refused the whole batch (target 2)."""
        ten = NOW.replace(hour=10)
        edits = [_crm(plan, Target.ACTION, "A-01", "action_target", 4, ten),
                 _crm(plan, Target.AXIS, "AX-1", "axis_priority", 1, ten + timedelta(minutes=5))]
        out = plan_state.decide(plan, _states(plan), edits, {}, file_changed_at=FILE_AT, now=NOW, order=["sf"])
        rank_key = ("axis", f"{plan.id}:AX-1", "axis_priority")
        target_key = ("action", f"{plan.id}:A-01", "action_target")
        assert out.values[target_key] == 4 and out.values[rank_key] is None
        assert set(out.changed) == {target_key}
        outcomes = {(e["field"], e["value"]): (e["outcome"], e["note"]) for e in out.events}
        assert outcomes[("action_target", 4)][0] == "applied"
        assert outcomes[("axis_priority", 1)][0] == "refused"
        assert "rank 1 is already given to AX-2" in outcomes[("axis_priority", 1)][1]
        [refused] = out.refused
        assert f"{plan.id}:AX-1 axis_priority = 1 refused" in refused and "sf (Nathalie)" in refused
        assert not [s for s in out.new_states if s["field"] == "axis_priority" and s.get("value") == 1]
        assert [e for e in out.echoes if e[3] == "priority"] == []
        effective, problems = plan_state.apply_overrides(plan, plan_state.overrides_of(plan, out.values))
        assert effective.action("A-01").target == 4 and problems == []
        assert effective.axis("AX-1").status.rank is None

    def test_prioritised_with_no_rank_gets_the_next_free_rank(self) -> None:
        """AX-2 holds rank 2 (= the number of axes); AX-1 set to prioritised in the CRM with no priority gets rank 3
        (the next free one), said in its history; A-01's target edit of the same night applies too.
        Failed before: AX-1 was given rank len(axes) = 2, AX-2's, and every edit of the night was refused."""
        plan2 = load_plan_text(SMALL_PLAN.replace("rank: 1", "rank: 2"), "plan.pac.yaml")
        ten = NOW.replace(hour=10)
        edits = [_crm(plan2, Target.AXIS, "AX-1", "axis_status", "prioritised", ten),
                 _crm(plan2, Target.ACTION, "A-01", "action_target", 4, ten)]
        out = plan_state.decide(plan2, _states(plan2), edits, {}, file_changed_at=FILE_AT, now=NOW, order=["sf"])
        assert out.refused == []
        [status_event] = [e for e in out.events if e["field"] == "axis_status"]
        assert status_event["outcome"] == "applied" and "rank 3" in status_event["note"]
        effective, problems = plan_state.apply_overrides(plan2, plan_state.overrides_of(plan2, out.values))
        assert problems == []
        assert (effective.axis("AX-1").status.state.value, effective.axis("AX-1").status.rank) == ("prioritised", 3)
        assert effective.action("A-01").target == 4


def _accepted(plan, item, field, value, at):
    """Stored states as a first run leaves them, with ``item``'s ``field`` accepted from sf (Nathalie) at ``at``."""
    rows = _states(plan)
    row = rows[("action", f"{plan.id}:{item}", field)]
    row.value, row.source, row.connector, row.who_id, row.who_name, row.changed_at = (
        value, "crm", "sf", "005N", "Nathalie", at)
    return rows


class TestTranscribedIsNoChange:
    """Audit planstate F5: the file brought in line with a value the plan holds already (`pac plan pull`, or ops
    copying it by hand) is no change, whatever the file's modification time."""

    def test_a_pulled_value_does_not_beat_the_managers_newer_crm_edit(self, plan) -> None:
        """Night 1 accepted A-01's target 2 -> 5 from Salesforce; at 09:00 Nathalie raises it to 8 there; at 10:00
        `pac plan pull` writes 5 into the file (file saved at 10:00). Night 2: 8 applies alone, no conflict, and the
        file's 5 is remembered as the file's value. Failed before: 5 "from the plan file at 10:00" won, a conflict
        blaming the file, and her 8 was lost."""
        key = ("action", f"{plan.id}:A-01", "action_target")
        pulled = load_plan_text(SMALL_PLAN.replace("count: 2}", "count: 5}", 1), "plan.pac.yaml")
        states = _accepted(plan, "A-01", "action_target", 5, NOW - timedelta(days=1))
        nine = NOW.replace(hour=9)
        out = plan_state.decide(pulled, states, [_crm(plan, Target.ACTION, "A-01", "action_target", 8, nine)], {},
                                file_changed_at=nine + timedelta(hours=1), now=NOW, order=["sf"])
        assert out.values[key] == 8 and out.conflicts == []
        assert (out.changed[key].source, out.changed[key].who_name) == ("crm", "Nathalie")
        [state] = [s for s in out.new_states if (s["target"], s["key"], s["field"]) == key]
        assert (state["value"], state["file_value"]) == (8, 5)

    def test_a_transcribed_value_alone_keeps_the_crm_provenance(self, plan) -> None:
        """No CRM edit since: the file now says 5 as the plan does; the value stays Nathalie's (source crm, her
        day), no change, no event; only the file's value is remembered (so a later file edit is seen)."""
        key = ("action", f"{plan.id}:A-01", "action_target")
        pulled = load_plan_text(SMALL_PLAN.replace("count: 2}", "count: 5}", 1), "plan.pac.yaml")
        out = plan_state.decide(pulled, _accepted(plan, "A-01", "action_target", 5, FILE_AT), [], {},
                                file_changed_at=NOW, now=NOW, order=["sf"])
        assert out.values[key] == 5 and out.changed == {} and out.events == []
        assert [s for s in out.new_states if (s["target"], s["key"], s["field"]) == key] == [
            {"target": "action", "key": key[1], "field": "action_target", "file_value": 5, "updated_at": NOW}]


class TestCrmStatusReason:
    """Audit planstate F4: an axis suspended or dropped in a CRM gets a reason in the plan's language naming the
    CRM, the person and the day (what `pac plan pull` writes), not an English constant."""

    @pytest.mark.parametrize(("language", "state", "expected"), [
        ("fr", "suspended", "suspendu dans sf (Nathalie) le 12 mai 2027"),
        ("fr", "dropped", "abandonné dans sf (Nathalie) le 12 mai 2027"),
        ("en", "suspended", "suspended in sf (Nathalie) on May 12, 2027")])
    def test_the_reason_names_the_crm_the_person_and_the_day(self, language: str, state: str, expected: str) -> None:
        """Nathalie suspended AX-1 in Salesforce late on 11 May UTC, 12 May in Paris: the effective plan's reason is
        in the plan's language, with her day in the plan's timezone. Failed before: 'changed in the CRM by the
        manager' whatever the language, with neither who nor when."""
        plan = load_plan_text(SMALL_PLAN.replace("language: en", f"language: {language}"), "plan.pac.yaml")
        at = datetime(2027, 5, 11, 22, 30, tzinfo=UTC)
        out = plan_state.decide(plan, _states(plan), [("sf", _edit(plan, state, at))], _written(plan),
                                file_changed_at=FILE_AT, now=NOW, order=["sf"])
        sources = plan_state.sources_of(_states(plan), out)
        rows = plan_state.overrides_of(plan, out.values, sources=sources)
        effective, problems = plan_state.apply_overrides(plan, rows)
        assert problems == [] and effective.axis("AX-1").status.state.value == state
        assert effective.axis("AX-1").status.reason == expected

    def test_no_provenance_still_speaks_the_plans_language(self) -> None:
        """A value whose origin the store does not hold (a snapshot kept before pac recorded it) says where in the
        plan's language, without who or when."""
        plan = load_plan_text(SMALL_PLAN.replace("language: en", "language: fr"), "plan.pac.yaml")
        values = {("axis", f"{plan.id}:AX-1", "axis_status"): "suspended"}
        effective, _ = plan_state.apply_overrides(plan, plan_state.overrides_of(plan, values))
        assert effective.axis("AX-1").status.reason == "suspendu dans un CRM"


class TestLostWithRetired:
    """Audit planstate F2, the wording: an axis re-ided with its CRM status, and which replacement is named."""

    def _stored(self, plan, item, field, value, file_value, source="crm"):
        rows = _states(plan)
        row = rows[("axis" if item.startswith("AX") else "action", f"{plan.id}:{item}", field)]
        row.value, row.file_value, row.source, row.connector, row.who_name, row.changed_at = (
            value, file_value, source, "hs", "Nathalie", datetime(2027, 5, 11, 22, 30, tzinfo=UTC))
        return rows

    def test_an_axis_re_ided_names_its_crm_status_and_the_new_id(self, plan) -> None:
        """AX-1 suspended in HubSpot (accepted), re-ided AX-1b: its status, the file's, who, the day in the plan's
        timezone (12 May in Paris) and the new id."""
        states = self._stored(plan, "AX-1", "axis_status", "suspended", "active")
        [line] = plan_state.lost_with_retired(plan, [f"{plan.id}:AX-1"], states, {"axis": ["AX-1b"]})
        assert line.startswith("AX-1: no longer in the plan, and with it go the values accepted from the CRMs")
        assert "status suspended (active in the file) from hs (Nathalie) on 2027-05-12" in line
        assert "write status suspended in AX-1b" in line

    def test_two_items_gone_for_one_new_names_no_replacement(self, plan) -> None:
        """A-01 (target from the CRM) and A-02 gone, A-03 new: which replaces A-01 is the manager's to say."""
        states = self._stored(plan, "A-01", "action_target", 4, 2)
        [line] = plan_state.lost_with_retired(plan, [f"{plan.id}:A-01", f"{plan.id}:A-02"], states,
                                              {"action": ["A-03"]}, when="dry_run")
        assert line.startswith("A-01: no longer in the plan, and with it would go") and line.endswith("(dry run)")
        assert "write target 4 in the action that replaces it" in line

    def test_values_from_the_file_or_already_in_it_say_nothing(self, plan) -> None:
        """A value the file set, or a CRM value the file holds already (pulled), is not lost: no line."""
        from_file = self._stored(plan, "A-01", "action_target", 4, 2, source="file")
        pulled = self._stored(plan, "A-01", "action_target", 4, 4)
        for states in (from_file, pulled):
            assert plan_state.lost_with_retired(plan, [f"{plan.id}:A-01"], states, {"action": ["A-03"]}) == []


class TestConflictTimes:
    def test_changes_in_the_same_minute_show_their_seconds(self, plan) -> None:
        """Audit planstate F5: both times printed '23:29 UTC', so the conflict could not show which was later."""
        ten = NOW.replace(hour=10, minute=0, second=10)
        edits = [("sf", _edit(plan, "dropped", ten)), ("hs", _edit(plan, "suspended", ten + timedelta(seconds=30)))]
        out = plan_state.decide(plan, _states(plan), edits, _written(plan), file_changed_at=FILE_AT, now=NOW,
                                order=["sf", "hs"])
        [conflict] = out.conflicts
        text = conflict.describe()
        assert "at 2027-05-20 10:00:40 UTC over 'dropped' from sf (Nathalie) at 2027-05-20 10:00:10 UTC" in text

    def test_changes_minutes_apart_keep_the_minute(self, plan) -> None:
        ten = NOW.replace(hour=10, minute=0, second=10)
        edits = [("sf", _edit(plan, "dropped", ten)), ("hs", _edit(plan, "suspended", ten + timedelta(hours=1)))]
        out = plan_state.decide(plan, _states(plan), edits, _written(plan), file_changed_at=FILE_AT, now=NOW,
                                order=["sf", "hs"])
        assert "at 2027-05-20 11:00 UTC over 'dropped' from sf (Nathalie) at 2027-05-20 10:00 UTC" in \
            out.conflicts[0].describe()
