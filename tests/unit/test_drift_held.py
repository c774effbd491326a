"""Drift repair's rules for a value an automation rewrites after pac writes it (audit writefail F3,
``sync_jobs.drift``): restored once, held when the same CRM value comes back by pac's own user right after pac's
accepted write, reported once, tried again on a night that lists every PAC record, released when the CRM keeps pac's
value; a person's change is restored every time."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from connectors.base import RESTORED, PacValue, Target
from sync_jobs.drift import DriftKind, Repair, drifted

KEY = "pac-2027:AX-01"
ROUTED = {"sf-main": {(Target.AXIS, KEY)}}
DESIRED = {(Target.AXIS, KEY): {"progress_pct": 58.3, "done": 4}}
AT = datetime(2027, 5, 3, tzinfo=UTC)


def _run(crm_value: float, *, state: dict[str, Any] | None = None, written: float | None = 58.3, mine: bool = True,
         listed: tuple[str, ...] = ()) -> Repair:
    fields: dict[str, Any] = {"done": 4} if written is None else {"progress_pct": written, "done": 4}
    if state is not None:
        fields[RESTORED] = {"progress_pct": state}
    rows = {"sf-main": {("axis", KEY): SimpleNamespace(crm_id="a01", fields=fields)}}
    seen = [("sf-main", PacValue(Target.AXIS, KEY, "progress_pct", crm_value, AT, by_integration=mine,
                                 crm_field="PAC_Progress_Pct__c"))]
    return drifted(rows, seen, DESIRED, ROUTED, crms={"sf-main": "salesforce"}, listed=listed)


def _kinds(repair: Repair) -> list[DriftKind]:
    return [d.kind for d in repair.drifts]


def _state(repair: Repair) -> dict[str, Any]:
    return repair.states["sf-main"][("axis", KEY, "a01")]


def test_the_first_rewrite_is_restored_and_remembered() -> None:
    repair = _run(58.0)
    assert _kinds(repair) == [DriftKind.RESTORE]
    assert "progress_pct" not in repair.rows["sf-main"][("axis", KEY)].fields       # sent again
    assert _state(repair) == {"progress_pct": {"found": 58.0, "to": 58.3, "held": False}}
    assert repair.lines == ["sf-main pac-2027:AX-01 progress_pct: 58.0 in the CRM, restored to 58.3"]


def test_the_same_value_back_by_pacs_own_user_after_pacs_write_is_held_and_reported_once() -> None:
    repair = _run(58.0, state={"found": 58.0, "to": 58.3, "held": False})
    assert _kinds(repair) == [DriftKind.HELD]
    assert repair.rows["sf-main"][("axis", KEY)].fields["progress_pct"] == 58.3    # not sent again
    assert repair.lines == []
    [line] = repair.held_lines()
    assert line.startswith("sf-main pac-2027:AX-01 progress_pct: an automation in the org")
    assert "rewrites PAC_Progress_Pct__c after pac writes it, as pac's own integration user" in line
    assert "(58.3 written, 58.0 in the CRM again): exclude the PAC objects or pac's integration user from it" in line
    assert _state(repair)["progress_pct"]["held"] is True
    # the night after: left alone, nothing said
    later = _run(58.0, state=_state(repair)["progress_pct"])
    assert _kinds(later) == [DriftKind.KEPT] and later.held_lines() == [] and later.lines == []
    assert later.rows["sf-main"][("axis", KEY)].fields["progress_pct"] == 58.3


def test_a_write_that_did_not_go_through_is_no_proof() -> None:
    """The restore was refused (the row lacks the field): the CRM's value is not a rewrite of pac's write."""
    repair = _run(58.0, state={"found": 58.0, "to": 58.3, "held": False}, written=None)
    assert repair.drifts == []         # the diff sends the missing field as any change


def test_a_person_is_restored_every_time_even_with_the_same_value() -> None:
    repair = _run(58.0, state={"found": 58.0, "to": 58.3, "held": False}, mine=False)
    assert _kinds(repair) == [DriftKind.RESTORE] and repair.held_lines() == []


def test_a_held_value_is_tried_again_when_every_pac_record_is_read_and_released_once_the_crm_keeps_it() -> None:
    held = {"found": 58.0, "to": 58.3, "held": True}
    repair = _run(58.0, state=held, listed=("sf-main",))
    assert _kinds(repair) == [DriftKind.RETRY]
    assert "progress_pct" not in repair.rows["sf-main"][("axis", KEY)].fields
    assert "tried again" in repair.lines[0]
    assert _state(repair)["progress_pct"]["held"] is True          # still held, should the automation still run
    released = _run(58.3, state=held)
    assert released.drifts == [] and _state(released) == {}
