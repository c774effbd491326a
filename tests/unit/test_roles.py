"""The people's roles: job titles read as manager or rep (English and French), the check's warning for any other
text, and what ``pac notify`` says of a configured person who gets nothing (usplan audit F4)."""

from __future__ import annotations

import dataclasses

import pytest

from pac_config.planfile import load_plan_text
from pac_core.roles import canonical_role, nearest_role, role_warning
from sync_jobs.cli_plan import role_warnings
from sync_jobs.notify.alerts import compute_alerts, managers
from sync_jobs.notify.service import nothing_why
from tests.unit import report_fixtures as fx
from tests.unit.test_planfile import MINIMAL

DANA = "dana.lee@acme-us.example"


def _with_manager(role: str, language: str = "en") -> str:
    """The minimal plan with a second person, Dana, whose role is ``role``."""
    text = MINIMAL.replace("timezone: Europe/Paris}", f"timezone: America/Chicago, language: {language}}}")
    return text.replace("people:\n", f"people:\n  - {{email: {DANA}, name: Dana Lee, role: '{role}'}}\n")


class TestVocabulary:
    @pytest.mark.parametrize("title", ["Sales Manager", "director", "VP Sales", "VP, Sales", "head of sales",
                                       "Directeur commercial", "directrice des ventes", "responsable", "manager"])
    def test_a_managers_job_title_makes_them_a_manager(self, title: str) -> None:
        """Failed before: only manager / responsable / directeur were managers; « Sales Manager » got no digest."""
        plan = load_plan_text(_with_manager(title), "t.pac.yaml")
        assert managers(plan) == (DANA,)
        assert plan.people[0].role == "manager"      # stored canonical: the CRM and the digests see one word

    @pytest.mark.parametrize("title", ["sales rep", "Account Executive", "commerciale", "technico-commercial", "rep"])
    def test_a_reps_job_title_makes_them_a_rep(self, title: str) -> None:
        plan = load_plan_text(_with_manager(title), "t.pac.yaml")
        assert managers(plan) == () and plan.people[0].role == "rep"

    def test_an_unknown_role_is_kept_and_warned_with_the_nearest_title(self) -> None:
        """Kept as written (a stored plan version still loads), warned by pac plan check with a did-you-mean."""
        plan = load_plan_text(_with_manager("Sales Mgr"), "t.pac.yaml")
        assert plan.people[0].role == "Sales Mgr" and managers(plan) == ()
        assert role_warnings(plan) == [
            f"people {DANA}: role 'Sales Mgr' is not one pac knows: this person will get only their own actions' "
            "alerts, as a rep (did you mean 'sales manager' (manager)? write role: manager to get every alert of "
            "the plan — the team's late actions, axes behind, the advisor's recommendations — or role: rep; "
            "docs/plan-format.md)"]

    def test_known_and_empty_roles_are_not_warned(self) -> None:
        assert role_warnings(load_plan_text(_with_manager("Head of Sales"), "t.pac.yaml")) == []
        assert role_warning("", "en") is None and canonical_role("  ") is None

    def test_did_you_mean_in_the_plans_language_first(self) -> None:
        """« directer » is nearest to the English 'director' in an English plan, to « directeur » in a French one."""
        assert nearest_role("directer", "en") == ("director", "manager")
        assert nearest_role("directer", "fr") == ("directeur", "manager")
        assert role_warning("directer", "fr") is not None and "vouliez-vous dire 'directeur'" in str(
            role_warning("directer", "fr"))


class TestNothingToSend:
    def test_an_unknown_role_and_no_manager_are_said(self) -> None:
        """Nathalie's role is « Chief of Staff »: the plan has no manager; she gets nothing, and pac says why and
        that the managers' alerts reach nobody (failed before: she was silently absent from the dry run)."""
        people = tuple(dataclasses.replace(p, role="Chief of Staff") if p.role == "manager" else p
                       for p in fx.plan().people)
        plan = dataclasses.replace(fx.plan(), people=people)
        alerts = compute_alerts(plan, fx.evaluation(), [], month="2027-08")
        who = "nathalie.garnier@durand-process.example"
        mine = [a for a in alerts if who in a.to]
        assert mine == []
        assert nothing_why(plan, who, alerts, mine, True) == (
            "no alert for them: their role 'Chief of Staff' is not one pac knows, so they get only their own "
            "actions' alerts, and none is new; 5 alert(s) for the managers only (axes behind, advice, refused "
            "records) went to nobody: no person of the plan has role: manager")

    def test_no_channel_and_already_delivered(self) -> None:
        plan = fx.plan()
        alerts = compute_alerts(plan, fx.evaluation(), [], month="2027-08")
        who = "nathalie.garnier@durand-process.example"
        mine = [a for a in alerts if who in a.to]
        assert len(mine) == 8
        assert nothing_why(plan, who, alerts, mine, False).startswith("no channel")
        assert nothing_why(plan, who, alerts, mine, True) == "every alert for them (8) was already delivered"
