"""Drift repair of a PAC record's owner (sflife F3): the plan's ``who`` is the truth, any of the rep's e-mails
(``people[].aliases``) is the same owner, and a rep with no active user in the CRM leaves the record alone."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from types import SimpleNamespace

from connectors.base import PacValue, Target
from sync_jobs.drift import Repair, drifted
from sync_jobs.owner_choice import able_of

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


class _Org:
    """A CRM connector that says which e-mails hold a user able to own PAC records (``PicksOwners``): Julie's only
    active user is Chatter Free, Marc's is Standard; records the e-mails it was asked about."""

    def __init__(self) -> None:
        self.asked: list[set[str]] = []

    def owner_users(self, emails: Collection[str]) -> dict[str, str]:
        self.asked.append(set(emails))
        return {e: "Marc Dubois (005B, Standard)" for e in emails if e == MARC}


def _unowned(crm_owner: str, connectors: dict[str, object]) -> Repair:
    written = {"sf-main": {("action", KEY): SimpleNamespace(crm_id="a01", fields={"owner_email": JULIE, "done": 4}),
                           ("action", KEY + "b"): SimpleNamespace(crm_id="a02",
                                                                   fields={"owner_email": JULIE, "done": 1})}}
    seen = [("sf-main", PacValue(Target.ACTION, k, "owner_email", crm_owner, datetime(2027, 5, 3, tzinfo=UTC)))
            for k in (KEY, KEY + "b")]
    desired = {**DESIRED, (Target.ACTION, KEY + "b"): {"owner_email": JULIE, "done": 1}}
    routed = {"sf-main": {(Target.ACTION, KEY), (Target.ACTION, KEY + "b")}}
    return drifted(written, seen, desired, routed, active={"sf-main": {JULIE, MARC}},
                   emails_of=lambda e: frozenset({JULIE, ALIAS}) if e in (JULIE, ALIAS) else frozenset({e}),
                   able=able_of(connectors))


def test_no_restore_toward_a_rep_whose_users_cannot_own_and_one_warning() -> None:
    """Julie's only active user is Chatter Free (it cannot own a custom object's record): her two actions moved to
    Marc by hand are left with Marc, nothing is sent (the rows keep her e-mail: the diff sends nothing) and the run
    says it once, naming both records; one question to the connector for the whole run."""
    org = _Org()
    repair = _unowned(MARC, {"sf-main": org})
    assert repair.lines == [] and repair.drifts == []
    assert all(row.fields["owner_email"] == JULIE for row in repair.rows["sf-main"].values())
    assert repair.unowned_lines() == [
        f"sf-main: {JULIE}'s PAC records {KEY}, {KEY}b are owned by {MARC} in the CRM and pac does not give them "
        f"back: none of the active users of {JULIE} can own PAC records (a Chatter Free or portal user cannot own a "
        "custom object's record). Give this person a user that can (Salesforce: a Standard licence), or hand the "
        "actions over by changing `who` in the plan"]
    assert org.asked == [{JULIE}]


def test_a_connector_that_cannot_tell_restores_as_before() -> None:
    repair = _unowned(MARC, {"sf-main": object()})
    assert len(repair.lines) == 2 and repair.unowned_lines() == []
    assert all("owner_email" not in row.fields for row in repair.rows["sf-main"].values())
