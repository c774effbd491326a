"""One person, several e-mails: ``people[].aliases`` folds a former address (a domain migration) or the address
a person has in another CRM into their plan e-mail, everywhere owners are compared (actions, axes' ``who``,
``deal_owner`` / ``account_owner``, the advisor's leavers, the incremental night)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from pac_config.planfile import load_plan_text
from pac_core.engine import evaluate
from pac_core.errors import InvalidInput
from pac_core.incremental import Changes, evaluate_incremental
from pac_core.plan import ActivityType
from pac_core.records import Account, Activity, ActivityStatus, Deal, DealStage, Records, User
from tests.unit.test_engine_support import PARIS, utc

OLD, NEW, HS = "julie.martin@acme.fr", "julie.martin@acme.com", "j.martin@acme.fr"
MARC = "marc.dubois@acme.fr"
AS_OF = datetime(2027, 6, 30, 18, tzinfo=PARIS)


def plan_text(aliases: str = f"[{NEW}, {HS}]", *, extra_people: str = "", axis_scope: str = "{departement: '69'}"
              ) -> str:
    return f"""
plan: {{name: ACME, year: 2027, timezone: Europe/Paris, language: en}}
people:
  - {{email: {OLD}, name: Julie Martin, role: rep, aliases: {aliases}}}
  - {{email: {MARC}, name: Marc Dubois, role: rep}}
{extra_people}
segments:
  - {{id: S-FR, name: France, kind: horizontal, scope: {{country: FR}}}}
axes:
  - id: AX-LYON
    name: Lyon
    segment: S-FR
    scope: {axis_scope}
    who: [{OLD}]
    objective: {{additional_revenue: 100000, baseline: 0, budget: 1000}}
actions:
  - {{id: A-JULIE, axis: AX-LYON, text: Visits, who: {OLD}, what: {{activity: visit, count: 8}}, when: Q2 2027}}
"""


def _account(ident: str, source: str = "sf", owner: str | None = None) -> Account:
    return Account(ident, source, ident, postal_code="69001", departement="69", region="Auvergne-Rhône-Alpes",
                   country="FR", owner_id=owner)


def _visit(ident: str, account_id: str, owner: str, source: str = "sf") -> Activity:
    return Activity(ident, source, ActivityType.VISIT, owner, account_id, utc(5, 12, 9), ActivityStatus.COMPLETED,
                    subject=ident)


def _won(ident: str, account_id: str, owner: str, amount: str, source: str = "sf") -> Deal:
    return Deal(ident, source, account_id, owner, Decimal(amount), "EUR", date(2027, 5, 2), DealStage.WON)


# Salesforce: Julie's old user (deactivated by the domain migration) and her new one; HubSpot: her owner under a
# third address; Marc in Salesforce
USERS = (User("005OLD", "sf", OLD, "Julie Martin", active=False), User("005NEW", "sf", NEW, "Julie Martin"),
         User("77", "hs", HS, "Julie Martin"), User("005M", "sf", MARC, "Marc Dubois"))
RECORDS = Records(
    accounts=(_account("a1"), _account("a2"), _account("a3"), _account("h1", "hs"), _account("m1")),
    activities=(_visit("v1", "a1", "005OLD"), _visit("v2", "a2", "005NEW"), _visit("v3", "h1", "77", "hs"),
                _visit("v4", "m1", "005M")),
    deals=(_won("d1", "a1", "005OLD", "1000"), _won("d2", "a2", "005NEW", "2000"), _won("d3", "h1", "77", "4000", "hs"),
           _won("d4", "m1", "005M", "8000")),
    users=USERS)


class TestEngine:
    def test_an_alias_owner_counts_for_the_person(self) -> None:
        """Visits under the old, the new and the HubSpot address all count for A-JULIE; Marc's does not."""
        ev = evaluate(load_plan_text(plan_text()), RECORDS, as_of=AS_OF)
        assert ev.action("A-JULIE").done == 3

    def test_without_aliases_only_the_plan_address_counts(self) -> None:
        ev = evaluate(load_plan_text(plan_text("[]")), RECORDS, as_of=AS_OF)
        assert ev.action("A-JULIE").done == 1

    def test_axis_who_takes_deals_owned_under_an_alias(self) -> None:
        """AX-LYON (who: Julie) gets her deals under all three addresses: 1 000 + 2 000 + 4 000, not Marc's."""
        ev = evaluate(load_plan_text(plan_text()), RECORDS, as_of=AS_OF)
        assert ev.axis("AX-LYON").revenue == Decimal("7000")

    def test_deal_owner_and_account_owner_conditions_read_aliases(self) -> None:
        """``deal_owner`` and ``account_owner`` written with the plan e-mail match the alias users' records."""
        records = Records(accounts=(_account("a1", owner="005NEW"), _account("m1", owner="005M")),
                          deals=(_won("d2", "a1", "005NEW", "2000"), _won("d4", "m1", "005M", "8000")),
                          users=USERS)
        by_deal = load_plan_text(plan_text(axis_scope=f"{{deal_owner: {OLD}}}").replace(f"who: [{OLD}]", ""))
        by_account = load_plan_text(plan_text(axis_scope=f"{{account_owner: {OLD}}}").replace(f"who: [{OLD}]", ""))
        assert evaluate(by_deal, records, as_of=AS_OF).axis("AX-LYON").revenue == Decimal("2000")
        assert evaluate(by_account, records, as_of=AS_OF).axis("AX-LYON").revenue == Decimal("2000")

    def test_a_person_with_an_active_alias_user_is_not_leaving(self) -> None:
        """Her old Salesforce user is inactive, her new one active: no "reassign, she is leaving" advice."""
        ev = evaluate(load_plan_text(plan_text()), RECORDS, as_of=AS_OF)
        assert not [r for r in ev.recommendations if "leaving" in r.summary]
        ev = evaluate(load_plan_text(plan_text("[]")), RECORDS, as_of=AS_OF)
        assert [r.summary for r in ev.recommendations if OLD in r.summary and "leaving" in r.summary]

    def test_every_user_of_every_address_inactive_is_leaving(self) -> None:
        users = tuple(User(u.id, u.source, u.email, u.name, active=u.email == MARC) for u in USERS)
        ev = evaluate(load_plan_text(plan_text()), Records(RECORDS.accounts, RECORDS.activities, RECORDS.deals,
                                                           users), as_of=AS_OF)
        leaving = [r.summary for r in ev.recommendations if "leaving" in r.summary]
        assert leaving and all(OLD in s for s in leaving)
        assert not any(NEW in s or HS in s for s in leaving)


class TestIncremental:
    def test_a_new_alias_makes_a_full_night_equal_to_evaluate(self) -> None:
        """Night 1 without aliases (1 visit), night 2 with them and no record changed: a full night, 3 visits."""
        _, kept, _ = evaluate_incremental(load_plan_text(plan_text("[]")), RECORDS, None, None, as_of=AS_OF)
        plan = load_plan_text(plan_text())
        ev, _, stats = evaluate_incremental(plan, RECORDS, Changes(), kept, as_of=AS_OF)
        assert stats.mode == "full"
        assert ev.action("A-JULIE").done == 3 == evaluate(plan, RECORDS, as_of=AS_OF).action("A-JULIE").done


class TestPlanFile:
    def test_aliases_are_read_lower_cased(self) -> None:
        plan = load_plan_text(plan_text("['  Julie.Martin@ACME.com ']"))
        assert plan.people[0].aliases == (NEW,)

    def test_an_alias_that_is_another_persons_email_is_refused(self) -> None:
        with pytest.raises(InvalidInput) as info:
            load_plan_text(plan_text(f"[{MARC}]"), "t.pac.yaml")
        (problem,) = info.value.problems
        assert (problem.file, problem.line, problem.path) == ("t.pac.yaml", 4, "people[0].aliases[0]")
        assert "Marc Dubois" in problem.message and MARC in problem.message
        assert "remove" in problem.fix

    def test_an_alias_given_twice_is_refused(self) -> None:
        twice = f"  - {{email: paul.roux@acme.fr, name: Paul Roux, aliases: [{NEW}]}}"
        with pytest.raises(InvalidInput) as info:
            load_plan_text(plan_text(f"[{NEW}]", extra_people=twice), "t.pac.yaml")
        (problem,) = info.value.problems
        assert (problem.line, problem.path) == (6, "people[2].aliases[0]")
        assert "Julie Martin" in problem.message and "people[0]" in problem.message

    def test_a_who_written_with_an_alias_is_refused_with_the_main_email(self) -> None:
        """An action owned by an alias would be a second identity: the fix names the person's plan e-mail."""
        with pytest.raises(InvalidInput) as info:
            load_plan_text(plan_text().replace(f"who: {OLD}, what", f"who: {NEW}, what"), "t.pac.yaml")
        (problem,) = info.value.problems
        assert problem.path == "actions[0].who" and OLD in problem.fix


class TestPeopleMessages:
    """Audit A F5: the plan check's messages about people."""

    def test_a_person_without_email_is_one_problem_whose_fix_names_the_email_the_plan_uses(self) -> None:
        """Before: the missing e-mail, then « julie.martin@acme.fr is not in the plan's people (add them under
        people...) » for the axis and the action, although she is under people."""
        text = plan_text("[]").replace(f"email: {OLD}, name: Julie Martin", "name: Julie Martin")
        with pytest.raises(InvalidInput) as info:
            load_plan_text(text, "t.pac.yaml")
        (problem,) = info.value.problems
        assert (problem.line, problem.path, problem.message) == (4, "people[0].email", "required key is missing")
        assert problem.fix == f"add email: {OLD}: the plan names this e-mail, which no entry of people has"

    def test_a_who_written_as_a_name_suggests_that_persons_email(self) -> None:
        text = plan_text("[]").replace(f"who: {OLD}, what", "who: Julie Martin, what").replace(
            f"who: [{OLD}]", "who: [julie martin]")
        with pytest.raises(InvalidInput) as info:
            load_plan_text(text, "t.pac.yaml")
        axis, action = info.value.problems
        assert (axis.path, action.path) == ("axes[0].who[0]", "actions[0].who")
        assert action.message == "'Julie Martin' is not an e-mail address"
        assert action.fix == axis.fix == (f"did you mean {OLD}, Julie Martin's e-mail under people? "
                                          "identify people by e-mail")

    def test_name_and_address_suggests_the_bare_email(self) -> None:
        """« Julie Martin <julie.martin@acme.fr> » is refused in a plan file (the spreadsheet import reads it, and
        adds the person to people); the fix gives the e-mail to write."""
        text = plan_text("[]").replace(f"who: {OLD}, what", f"who: 'Julie Martin <{OLD}>', what")
        with pytest.raises(InvalidInput) as info:
            load_plan_text(text, "t.pac.yaml")
        (problem,) = info.value.problems
        assert problem.fix == f"write the bare e-mail, {OLD}; the name goes under people, as name:"

    @pytest.mark.parametrize(("written", "fix"), [
        (f"mailto:{OLD}", f"write the bare e-mail, {OLD}"),
        (f"{OLD}\u200b", f"write the bare e-mail, {OLD} (the value holds an invisible character: retype it)"),
    ])
    def test_a_mailto_or_an_invisible_character_is_refused_with_the_bare_email(self, written: str, fix: str) -> None:
        """« mailto:julie@… » pasted from a mail client, or a zero-width space pasted with the address, was accepted
        as another person than julie@… (no CRM user matched: none of her visits counted); the spreadsheet import
        strips both (audit xlsximport F11, F13), a plan file refuses them with the address to write (seen failing
        before: the plan loaded)."""
        text = plan_text("[]").replace(f"who: {OLD}, what", f"who: '{written}', what")
        with pytest.raises(InvalidInput) as info:
            load_plan_text(text, "t.pac.yaml")
        (problem,) = info.value.problems
        assert problem.path == "actions[0].who" and problem.fix == fix
