"""Which of a person's e-mails names the user that owns their PAC records in one CRM (``sync_jobs.owner_choice``,
audit sfownerpick): Julie is julie@example.com in the plan, alias julie.m@example.net, and pac remembers that one of
her logins moved to julie.martin@example.com."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from connectors.base import Target
from pac_config.planfile import load_plan_text
from pac_core.people import person_emails
from pac_core.plan import Plan
from pac_core.records import Records, User
from sync_jobs import diff
from sync_jobs.owner_choice import local_owners, moved_from, to_ask
from tests.fakes import SMALL_PLAN, fake_evaluate

PLAN_E, ALIAS, MOVED = "julie@example.com", "julie.m@example.net", "julie.martin@example.com"


@pytest.fixture
def plan() -> Plan:
    julie = "{email: julie@example.com, name: Julie}"
    text = SMALL_PLAN.replace(julie, julie[:-1] + f", aliases: [{ALIAS}]}}")
    return replace(load_plan_text(text, "plan.pac.yaml"), remembered=((MOVED, PLAN_E),))


def _desired(plan: Plan) -> tuple[dict, tuple[Target, str]]:
    desired = diff.desired_state(plan, fake_evaluate(plan, Records(), datetime(2027, 5, 20, tzinfo=UTC)))
    return desired, (Target.ACTION, f"{plan.id}:A-01")


def _last(key: tuple[Target, str], owner: str) -> dict:
    return {(key[0].value, key[1]): SimpleNamespace(fields={"owner_email": owner}, crm_id="a01")}


def test_her_emails_in_the_order_their_users_are_preferred(plan: Plan) -> None:
    assert person_emails(plan, PLAN_E) == (PLAN_E, ALIAS, MOVED)
    assert person_emails(plan, MOVED) == (PLAN_E, ALIAS, MOVED)
    assert person_emails(plan, "nobody@example.com") == ("nobody@example.com",)


def test_only_a_person_with_several_active_emails_is_asked(plan: Plan) -> None:
    desired, _key = _desired(plan)
    assert to_ask(desired, plan, {PLAN_E, MOVED, "lea@example.com"}) == {PLAN_E, MOVED}
    assert to_ask(desired, plan, {PLAN_E, "lea@example.com"}) == set()


def test_a_new_record_goes_to_the_email_whose_user_can_own_it(plan: Plan) -> None:
    """Her plan e-mail's only active user is Chatter Free (not able): her Standard user under the remembered e-mail
    gets it, with no warning (one able user)."""
    desired, key = _desired(plan)
    out, twins = local_owners(desired, plan, {PLAN_E, MOVED}, {}, {MOVED: "Julie Martin (005S, Standard)"})
    assert out[key]["owner_email"] == MOVED and twins == []


def test_nobody_able_leaves_the_first_active_email_for_the_connector_to_warn_of(plan: Plan) -> None:
    desired, key = _desired(plan)
    out, twins = local_owners(desired, plan, {ALIAS, MOVED}, {}, {})
    assert out[key]["owner_email"] == ALIAS and twins == []


def test_two_able_users_the_current_owner_is_kept_a_new_record_is_given_and_warned_of(plan: Plan) -> None:
    desired, key = _desired(plan)
    able = {PLAN_E: "Julie (005A, Standard)", MOVED: "Julie Martin (005S, Standard)"}
    out, twins = local_owners(desired, plan, {PLAN_E, MOVED}, _last(key, MOVED), able, connector="sf-main")
    assert out[key]["owner_email"] == MOVED and twins == []       # kept: nothing chosen, nothing to warn of
    new, twins = local_owners(desired, plan, {PLAN_E, MOVED}, {}, able, connector="sf-main")
    assert new[key]["owner_email"] == PLAN_E          # a new record: the plan's e-mail first
    [twin] = twins
    assert (twin.person, twin.chosen, twin.items, [e for e, _w in twin.able]) == (PLAN_E, PLAN_E, ("A-01",),
                                                                                   [PLAN_E, MOVED])
    warning = twin.warning("en")
    assert all(w in warning for w in ("005A", "005S", "sf-main", "Julie", "A-01", "deactivate")), warning
    assert "désactivez" in twin.warning("fr")


def test_the_email_last_written_is_kept_while_the_user_that_had_it_has_another_of_hers(plan: Plan) -> None:
    """A-01 was written under julie@example.com when her Standard user had it; it moved to julie.martin@, her
    Chatter Free user kept julie@: nothing to send, the record's owner is hers."""
    desired, key = _desired(plan)
    users = [User("005S", "sf", MOVED, former_emails=(PLAN_E,)), User("005C", "sf", PLAN_E),
             User("005X", "hs", "other@example.com", former_emails=(PLAN_E,))]
    moved = moved_from(users, "sf")
    assert moved == {PLAN_E: {MOVED}}
    able = {MOVED: "Julie Martin (005S, Standard)"}
    out, _ = local_owners(desired, plan, {PLAN_E, MOVED}, _last(key, PLAN_E), able, moved)
    assert out[key]["owner_email"] == PLAN_E
    out, _ = local_owners(desired, plan, {PLAN_E, MOVED}, _last(key, PLAN_E), able, {})
    assert out[key]["owner_email"] == MOVED           # no such user: given to her Standard user


def test_a_crm_that_cannot_tell_keeps_the_active_email_last_written(plan: Plan) -> None:
    """HubSpot (no ``owner_users``): every active owner can own; the owner last written stays while active."""
    desired, key = _desired(plan)
    out, twins = local_owners(desired, plan, {PLAN_E, ALIAS}, _last(key, ALIAS))
    assert out[key]["owner_email"] == ALIAS and twins == []
    out, _ = local_owners(desired, plan, {ALIAS}, {})
    assert out[key]["owner_email"] == ALIAS
