"""Drift repair of a PAC record's owner (sflife F3): the plan's ``who`` is the truth, any of the rep's e-mails
(``people[].aliases``) is the same owner, and a rep with no active user in the CRM leaves the record alone."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from connectors.base import PacValue, Target
from sync_jobs.drift import drifted

KEY = "pac-2027:A-01"
JULIE, ALIAS, MARC = "julie.martin@durand.example", "j.martin@durand-old.example", "marc.dubois@durand.example"
ROUTED = {"sf-main": {(Target.ACTION, KEY)}}
DESIRED = {(Target.ACTION, KEY): {"owner_email": JULIE, "done": 4}}


def _run(crm_owner: str, active: set[str]) -> tuple[dict, list[str]]:
    written = {"sf-main": {("action", KEY): SimpleNamespace(crm_id="a01", fields={"owner_email": JULIE, "done": 4})}}
    seen = [("sf-main", PacValue(Target.ACTION, KEY, "owner_email", crm_owner, datetime(2027, 5, 3, tzinfo=UTC)))]
    repair = drifted(written, seen, DESIRED, ROUTED, active={"sf-main": active},
                     emails_of=lambda e: frozenset({JULIE, ALIAS}) if e in (JULIE, ALIAS) else frozenset({e}))
    return repair.rows, repair.lines


def test_an_owner_changed_in_the_crm_is_forgotten_and_named_with_its_fix() -> None:
    rows, lines = _run(MARC, {JULIE, MARC})
    assert "owner_email" not in rows["sf-main"][("action", KEY)].fields        # the diff sends it again
    assert lines == [f"sf-main {KEY} owner: {MARC} in the CRM, restored to {JULIE} (the plan decides who owns an "
                     "action: to hand it over, change `who` in the plan)"]


def test_the_reps_alias_is_the_same_owner() -> None:
    rows, lines = _run(ALIAS, {ALIAS, MARC})
    assert lines == [] and rows["sf-main"][("action", KEY)].fields["owner_email"] == JULIE


def test_a_rep_with_no_active_user_leaves_the_record_alone() -> None:
    rows, lines = _run(MARC, {MARC})
    assert lines == [] and rows["sf-main"][("action", KEY)].fields["owner_email"] == JULIE
