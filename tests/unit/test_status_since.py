"""The day a status took effect (``since``, audit planstate F3) and what the CRMs show of a lapsed suspension (F7):
the liveness rule, the plan file, the edits' rows and the « since the close » words."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from pac_config.planfile import load_plan_text
from pac_core.errors import InvalidInput
from pac_core.plan import AxisState, AxisStatus, action_cancelled, axis_inactive
from pac_core.restatement import Restatement, StatusChange
from sync_jobs import overrides as plan_state
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.restated import since_lines

SHIPPED = Path(__file__).resolve().parents[2] / "config" / "plans" / "example.pac.yaml"
GC = "    segment: S-GC\n    status: active\n"
A06 = "    info: {needed: \"liste des visiteurs du salon CFIA\", from: \"Marketing\"}\n    status: done\n"
CLOSE = datetime(2027, 3, 31, 22, 0, tzinfo=UTC)


def _plan(old: str, new: str, *more: tuple[str, str]) -> object:
    text = SHIPPED.read_text(encoding="utf-8")
    for a, b in ((old, new), *more):
        assert a in text
        text = text.replace(a, b, 1)
    return load_plan_text(text, "plan.pac.yaml")


class TestLiveness:
    def test_a_suspension_with_a_since_day_is_not_in_force_before_it(self) -> None:
        plan = _plan(GC, "    segment: S-GC\n    status: {state: suspendu, reason: budget, since: 12/05/2027}\n")
        axis = plan.axis("AX-GC-QUOTES")
        assert axis.status.since == date(2027, 5, 12)
        assert not axis_inactive(axis, date(2027, 3, 31)) and not axis_inactive(axis, date(2027, 5, 11))
        assert axis_inactive(axis, date(2027, 5, 12))

    def test_without_since_a_status_holds_over_the_whole_period_as_before(self) -> None:
        plan = _plan(GC, "    segment: S-GC\n    status: {state: abandonné, reason: budget}\n")
        assert axis_inactive(plan.axis("AX-GC-QUOTES"), date(2027, 1, 1))

    def test_a_cancellation_with_a_since_day_leaves_the_days_before_it(self) -> None:
        plan = _plan(A06, A06.replace("status: done", "status: {state: annulée, since: 2027-05-12}"))
        action = plan.action("A-06")
        assert (action.status.value, action.status_since) == ("cancelled", date(2027, 5, 12))
        assert not action_cancelled(action, date(2027, 3, 31)) and action_cancelled(action, date(2027, 5, 12))
        plain = _plan(A06, A06.replace("status: done", "status: annulée"))
        assert action_cancelled(plain.action("A-06"), date(2027, 1, 1))

    def test_a_since_after_the_until_day_is_refused_with_its_key(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            _plan(GC, "    segment: S-GC\n    status: {state: suspended, reason: x, until: 2027-04-30, "
                      "since: 2027-05-12}\n")
        assert "plan.pac.yaml:180 axes[7].status.since: the suspension starts on 2027-05-12 after its until-day " \
               "2027-04-30" in str(caught.value)


class TestEditRows:
    """The status a CRM edit gives carries the edit's day; a ``suspended`` set after a suspension lapsed is new."""

    def test_a_crm_suspension_carries_its_day(self) -> None:
        plan = _plan(GC, GC)
        key = f"{plan.id}:AX-GC-QUOTES"
        edits = plan_state.overrides_of(plan, {("axis", key, "axis_status"): "suspended"},
                                        {("axis", key, "axis_status"): datetime(2027, 5, 11, 22, 30, tzinfo=UTC)})
        effective, refused = plan_state.apply_overrides(plan, edits)
        assert not refused
        status = effective.axis("AX-GC-QUOTES").status
        assert (status.state, status.since) == (AxisState.SUSPENDED, date(2027, 5, 12))   # Paris: 12 May 00:30

    def test_suspended_again_after_the_until_day_is_a_new_suspension(self) -> None:
        plan = _plan("until: 2027-09-30\n    products: [PX200]", "until: 2027-04-30\n    products: [PX200]")
        key = ("axis", f"{plan.id}:AX-PHARMA-PX200", "axis_status")
        may = datetime(2027, 5, 20, 9, 0, tzinfo=UTC)
        assert plan_state.shown_value(plan, key, "suspended", None, may) == "active"
        assert plan_state.shown_value(plan, key, "suspended", None, datetime(2027, 4, 30, 9, tzinfo=UTC)) == \
            "suspended"
        [row] = plan_state.overrides_of(plan, {key: "suspended"}, {key: may})
        effective, _ = plan_state.apply_overrides(plan, [row])
        assert effective.axis("AX-PHARMA-PX200").status == AxisStatus(
            AxisState.SUSPENDED, None, plan.axis("AX-PHARMA-PX200").status.reason, None, date(2027, 5, 20))
        assert plan_state.shown_value(plan, key, "suspended", may, may) == "suspended"   # now an echo
        assert plan_state.overrides_of(plan, {key: "suspended"}) == []                  # the file's own value


class TestSinceLines:
    def _since(self) -> Restatement:
        return Restatement(
            revenue=(Decimal(4_237_400), Decimal(2_288_000)),
            totals=(("additional", Decimal(138_341), Decimal(283_441)),
                    ("objective", Decimal(1_200_000), Decimal(900_000)), ("roi", 1.34, 3.25)),
            statuses=(StatusChange("AX-GC-QUOTES", "active", "suspended"),
                      StatusChange("AX-RA-MAINT", "prioritised", "active", rank_before=2),
                      StatusChange("A-06", "done", "cancelled", axis=False, since=date(2027, 5, 12))),
            axis_paces=(("AX-GC-QUOTES", "at_risk", "inactive"),), paces=(("A-06", "late", "inactive"),))

    def test_french(self) -> None:
        lines = since_lines(self._since(), CLOSE, Formatter("fr", "EUR", "Europe/Paris"))
        assert lines[2] == ("CA supplémentaire du plan 138\u202f341\u00a0€ → 283\u202f441\u00a0€ ; objectif du plan "
                            "1\u202f200\u202f000\u00a0€ → 900\u202f000\u00a0€ ; ROI du plan à date 134\u00a0% → "
                            "325\u00a0%")
        assert lines[3] == ("statuts\u00a0: AX-GC-QUOTES Actif → Suspendu ; AX-RA-MAINT Prioritaire n° 2 → Actif ; "
                            "A-06 faite → annulée (depuis le 12 mai 2027)")
        assert lines[4] == "rythmes\u00a0: AX-GC-QUOTES À risque → Inactif ; A-06 Manquée → Inactive"

    def test_english(self) -> None:
        lines = since_lines(self._since(), CLOSE, Formatter("en", "EUR", "Europe/Paris"))
        assert lines[2] == ("plan additional revenue €138,341 → €283,441; plan objective €1,200,000 → €900,000; "
                            "plan ROI to date 134% → 325%")
        assert lines[3] == ("statuses: AX-GC-QUOTES Active → Suspended; AX-RA-MAINT Priority #2 → Active; "
                            "A-06 done → cancelled (since May 12, 2027)")
        assert lines[4] == "paces: AX-GC-QUOTES At risk → Inactive; A-06 Missed → Inactive"


def test_the_report_words_a_suspension_with_its_day() -> None:
    """A restated Q1 shows AX-GC-QUOTES live beside « Suspendu (depuis le 12 mai 2027) », not a bare « Suspendu »."""
    from sync_jobs.report.view import axis_status

    plan = _plan(GC, "    segment: S-GC\n    status: {state: suspendu, reason: budget, since: 2027-05-12}\n")
    assert axis_status(plan.axis("AX-GC-QUOTES"), Formatter("fr", "EUR", "Europe/Paris")) == \
        "Suspendu (depuis le 12 mai 2027)"
    assert axis_status(plan.axis("AX-GC-QUOTES"), Formatter("en", "EUR", "Europe/Paris")) == \
        "Suspended (since May 12, 2027)"
    assert axis_status(plan.axis("AX-PHARMA-PX200"), Formatter("fr", "EUR", "Europe/Paris")) == \
        "Suspendu jusqu'au 30 septembre 2027"


def test_decide_takes_suspended_on_a_lapsed_suspension_as_a_new_one() -> None:
    """The CRMs show a lapsed suspension `active`; Nathalie's `suspended` there is a change (dated, from her), not
    an echo of the file's word. Before its until-day the same value is the one shown: an echo. Seen failing before
    the fix: an echo on 20 May (overrides.py compared it with the file's `suspended`)."""
    from connectors.base import ManagerEdit, Target

    plan = _plan("until: 2027-09-30\n    products: [PX200]", "until: 2027-04-30\n    products: [PX200]")
    key = f"{plan.id}:AX-PHARMA-PX200"
    may, april = datetime(2027, 5, 20, 9, tzinfo=UTC), datetime(2027, 4, 15, 9, tzinfo=UTC)
    first = plan_state.decide(plan, {}, [], {}, file_changed_at=april, now=april, order=["sf"])
    states = {(s["target"], s["key"], s["field"]): SimpleNamespace(**s) for s in first.new_states}
    written = {"sf": {("axis", key): SimpleNamespace(fields={"status": "active"})}}
    edit = [("sf", ManagerEdit(Target.AXIS, key, "axis_status", "suspended", may, by_id="005N",
                               by_name="Nathalie"))]
    out = plan_state.decide(plan, states, edit, written, file_changed_at=april, now=may, order=["sf"])
    change = out.changed[("axis", key, "axis_status")]
    assert (change.value, change.who_name, out.at[("axis", key, "axis_status")]) == ("suspended", "Nathalie", may)
    assert [e["old_value"] for e in out.events] == ["active"]
    effective, _ = plan_state.apply_overrides(plan, plan_state.overrides_of(plan, out.values, out.at))
    assert (effective.axis("AX-PHARMA-PX200").status.until, effective.axis("AX-PHARMA-PX200").status.since) == (
        None, date(2027, 5, 20))
    early = plan_state.decide(plan, states, edit, written, file_changed_at=april, now=may, order=["sf"], as_of=april)
    assert not early.changed and early.echoes == [("sf", "axis", key, "status", "suspended")]


def test_the_report_words_a_status_from_a_day_to_come() -> None:
    """On 20 May a suspension written for 1 June reads « Suspendu à partir du 1er juin 2027 » beside the axis's live
    pace, not « depuis » a day still to come (audit reverify N2); from that day on, « depuis ». Seen failing before
    the fix: « Suspendu (depuis le 1er juin 2027) » on 20 May."""
    from sync_jobs.report.view import axis_status

    plan = _plan(GC, "    segment: S-GC\n    status: {state: suspendu, reason: budget, since: 2027-06-01}\n")
    axis = plan.axis("AX-GC-QUOTES")
    fr, en = Formatter("fr", "EUR", "Europe/Paris"), Formatter("en", "EUR", "Europe/Paris")
    assert axis_status(axis, fr, date(2027, 5, 20)) == "Suspendu à partir du 1er juin 2027"
    assert axis_status(axis, en, date(2027, 5, 20)) == "Suspended from June 1, 2027"
    assert axis_status(axis, fr, date(2027, 6, 2)) == "Suspendu (depuis le 1er juin 2027)"
    assert axis_status(axis, en, date(2027, 6, 1)) == "Suspended (since June 1, 2027)"


def test_the_crms_show_the_status_in_force_on_the_day() -> None:
    """What diff writes and what the edits are compared with: before a ``since`` still to come, the state then in
    force (audit reverify N2); the axis's action totals keep an action cancelled from a day to come."""
    from pac_core.plan import ActionStatus, action_status_on, axis_state_on

    plan = _plan(GC, "    segment: S-GC\n    status: {state: suspendu, reason: budget, since: 2027-06-01}\n",
                 ('info: {needed: "clients équipés de PX200 hors contrat", from: "Service après-vente"}\n'
                  '    status: en cours',
                  'info: {needed: "clients équipés de PX200 hors contrat", from: "Service après-vente"}\n'
                  '    status: {state: annulée, since: 2027-06-01}'))
    axis, action = plan.axis("AX-GC-QUOTES"), plan.action("A-04")
    assert axis_state_on(axis, date(2027, 5, 20)) is AxisState.ACTIVE
    assert axis_state_on(axis, date(2027, 6, 1)) is AxisState.SUSPENDED
    assert action_status_on(action, date(2027, 5, 20)) is ActionStatus.IN_PROGRESS   # T2 2027 has begun
    assert action_status_on(action, date(2027, 3, 20)) is ActionStatus.PLANNED
    assert action_status_on(action, date(2027, 6, 1)) is ActionStatus.CANCELLED
    may = datetime(2027, 5, 20, 16, 0, tzinfo=UTC)
    axis_key = ("axis", f"{plan.id}:AX-GC-QUOTES", "axis_status")
    action_key = ("action", f"{plan.id}:A-04", "action_status")
    assert plan_state.shown_value(plan, axis_key, "suspended", None, may) == "active"
    assert plan_state.shown_value(plan, action_key, "cancelled", None, may) == "in_progress"
    assert plan_state.shown_value(plan, axis_key, "suspended", may, may) == "suspended"   # set in a CRM that day
    [row] = plan_state.overrides_of(plan, {axis_key: "suspended"}, {axis_key: may})
    effective, _ = plan_state.apply_overrides(plan, [row])
    assert effective.axis("AX-GC-QUOTES").status.since == date(2027, 5, 20)
