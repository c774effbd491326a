"""A status carries the day it took effect (audit planstate F3), and the CRMs show the state the figures count
(audit planstate F7): the sandbox CRMs through the real clients, the shipped example plan, both CRMs.

The sandbox stamps a CRM edit with its own clock; the demo settings evaluate at 20 May 2027 18:00 Paris. Each test
sets the CRM's clock to the day the manager acts (12 or 20 May 2027), as a real night would see it."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pac_config.planfile import load_plan
from pac_core.plan import AxisState, AxisStatus, axis_inactive
from sandbox_crm.server import SandboxServer
from sync_jobs.app import load_report_inputs, take_snapshot
from sync_jobs.pipeline import RunResult, run_sync
from sync_jobs.plan_pull import pull_plan
from sync_jobs.report.fmt import Formatter
from sync_jobs.report.restated import since_lines
from tests.fakes import sandbox_connectors
from tests.integration.test_plan_state import AXIS, BOTH, NATHALIE, Org

MAY_12 = datetime(2027, 5, 12, 9, 0, tzinfo=UTC)
MAY_20 = datetime(2027, 5, 20, 9, 0, tzinfo=UTC)
Q1_END = datetime(2027, 3, 31, 22, 0, tzinfo=UTC)    # 1 April 00:00 Paris
PX200 = "AX-PHARMA-PX200"


@pytest.fixture
def both(tmp_path: Path, server: SandboxServer) -> Org:
    return Org(tmp_path, server, BOTH)


def _sf_at(org: Org, instant: datetime) -> object:
    sf = org.server.api("salesforce")
    sf.org.now = lambda: instant
    return sf


def _hs_at(org: Org, instant: datetime) -> object:
    hs = org.server.api("hubspot")
    hs.portal.clock = lambda: instant.timestamp()
    return hs


def _hs_action(org: Org, plan_id: str, action: str) -> object:
    table = org.server.api("hubspot").table("pac_action")
    [obj] = [o for o in table.rows.values() if o.props.get("pac_key") == f"{plan_id}:{action}"]
    return obj


def _restated_q1(org: Org) -> object:
    return load_report_inputs(org.settings, as_of=Q1_END, closed=True, restated=True)


class TestAStatusChangedAfterTheClose:
    """Q1 2027 is kept; in May Nathalie suspends AX-GC-QUOTES (live over Q1, its cost spent) and cancels A-06 (the
    March action, missed). What Q1 was does not change: the restated Q1 still counts the axis and A-06 is still
    missed; the « since the close » lines say the statuses changed, and on which day."""

    def _kept_q1(self, org: Org) -> tuple[str, object]:
        first = org.sync()
        take_snapshot(org.settings, None, "quarterly", period="2027-Q1")
        before = _restated_q1(org)
        assert before.basis is not None and not before.basis.since
        return first.plan_id, before

    def test_suspended_and_cancelled_in_salesforce_in_may_leave_the_restated_q1_as_it_was(self, both: Org) -> None:
        """Seen failing before the fix: the restated Q1's objective fell from 1 200 000 to 900 000 €, its ROI rose
        from 134 % to 325 %, A-06 turned « Inactive », and the only line said « chiffre d'affaires du plan
        4 237 400 € → 2 288 000 € (−1 949 400 €) »."""
        plan_id, before = self._kept_q1(both)
        sf = _sf_at(both, MAY_12)
        [action] = sf.find("PAC_Action__c", PAC_Key__c=f"{plan_id}:A-06")
        sf.edit("PAC_Action__c", action["Id"], by=sf.ids["u-nathalie-sf"], PAC_Status__c="cancelled")
        sf.edit("PAC_Axis__c", both.sf_axis(plan_id)["Id"], by=sf.ids["u-nathalie-sf"], PAC_Status__c="suspended")
        now = both.sync()
        assert now.plan is not None and not now.errors
        after = _restated_q1(both)
        assert after.evaluation.plan.objective == before.evaluation.plan.objective == 1_200_000
        assert after.evaluation.plan.roi == before.evaluation.plan.roi
        assert after.evaluation.action("A-06").pace.value == "late"
        assert after.evaluation.axis("AX-GC-QUOTES").pace == before.evaluation.axis("AX-GC-QUOTES").pace
        status = now.plan.axis("AX-GC-QUOTES").status
        assert (status.state.value, status.since) == ("suspended", date(2027, 5, 12))
        assert (now.plan.action("A-06").status.value, now.plan.action("A-06").status_since) == ("cancelled",
                                                                                                 date(2027, 5, 12))
        assert now.evaluation.axis("AX-GC-QUOTES").pace.value == "inactive"     # in May: suspended
        since = after.basis.since
        assert since.revenue is None and not since.totals and not since.paces and not since.axis_paces
        assert [(s.item, s.before, s.after, s.since) for s in since.statuses] == [
            ("AX-GC-QUOTES", "active", "suspended", date(2027, 5, 12)),
            ("A-06", "done", "cancelled", date(2027, 5, 12))]
        fr = since_lines(since, Q1_END, Formatter("fr", "EUR", "Europe/Paris"))
        assert fr[1] == ("statuts\u00a0: AX-GC-QUOTES Actif → Suspendu (depuis le 12 mai 2027) ; "
                         "A-06 faite → annulée (depuis le 12 mai 2027)")
        en = since_lines(since, Q1_END, Formatter("en", "EUR", "Europe/Paris"))
        assert en[1] == ("statuses: AX-GC-QUOTES Active → Suspended (since May 12, 2027); "
                         "A-06 done → cancelled (since May 12, 2027)")

    def test_a_suspension_written_without_a_day_moves_q1_and_the_lines_say_why(self, both: Org) -> None:
        """Ops writes the suspension in the file with no `since`: in force over the whole period, as before, so the
        restated Q1 leaves the axis out; the lines now name the status, the paces and the headline figures that
        moved. Seen failing before the fix: only « chiffre d'affaires du plan … (−1 949 400 €) »."""
        self._kept_q1(both)
        both.edit_file("    segment: S-GC\n    status: active",
                       "    segment: S-GC\n    status: {state: suspendu, reason: budget}", at=MAY_12)
        both.sync()
        since = _restated_q1(both).basis.since
        fr = since_lines(since, Q1_END, Formatter("fr", "EUR", "Europe/Paris"))
        assert fr[2] == ("CA supplémentaire du plan 138\u202f341\u00a0€ → 283\u202f441\u00a0€ ; objectif du plan "
                         "1\u202f200\u202f000\u00a0€ → 900\u202f000\u00a0€ ; ROI du plan à date 134\u00a0% → "
                         "325\u00a0%")
        assert fr[3] == "statuts\u00a0: AX-GC-QUOTES Actif → Suspendu"
        assert fr[4].startswith("rythmes\u00a0: AX-GC-QUOTES À risque → Inactif ; A-07 ")

    def test_cancelled_in_hubspot_in_may_leaves_the_march_action_missed(self, both: Org) -> None:
        """A-11 (HubSpot) cancelled there in May: the restated Q1 keeps its Q1 pace; the status line names it.
        (The sandbox portal never stamps before its seeded records, which reach 20 May.) Seen failing before the
        fix: A-11's Q1 pace turned « Inactive », and no line said why."""
        plan_id, before = self._kept_q1(both)
        then = before.evaluation.action("A-11").pace
        hs = _hs_at(both, MAY_20)
        hs.update("pac_action", _hs_action(both, plan_id, "A-11").id, {"pac_status": "cancelled"},
                  by_user=both.hs_user(NATHALIE))
        now = both.sync()
        after = _restated_q1(both)
        assert after.evaluation.action("A-11").pace == then != "inactive"
        assert now.plan is not None and now.plan.action("A-11").status_since == date(2027, 5, 20)
        assert now.evaluation.action("A-11").pace.value == "inactive"
        assert [(s.item, s.after, s.since) for s in after.basis.since.statuses] == [
            ("A-11", "cancelled", date(2027, 5, 20))]

    def test_plan_pull_writes_the_day_and_the_file_then_says_the_same(self, both: Org) -> None:
        """`pac plan pull` writes `since:` with the status, and the plan read from the file evaluates Q1 as the
        store did. Seen failing before the fix: no since in the file (the restated Q1 lost the axis again)."""
        plan_id, _ = self._kept_q1(both)
        sf = _sf_at(both, MAY_12)
        sf.edit("PAC_Axis__c", both.sf_axis(plan_id)["Id"], by=sf.ids["u-nathalie-sf"], PAC_Status__c="suspended")
        [action] = sf.find("PAC_Action__c", PAC_Key__c=f"{plan_id}:A-06")
        sf.edit("PAC_Action__c", action["Id"], by=sf.ids["u-nathalie-sf"], PAC_Status__c="cancelled")
        both.sync()
        changes = pull_plan(both.settings, None)
        assert {(c.item, c.field, c.new) for c in changes} >= {("AX-GC-QUOTES", "since", "2027-05-12"),
                                                               ("A-06", "since", "2027-05-12")}
        plan = load_plan(both.plan)
        assert plan.axis("AX-GC-QUOTES").status.since == date(2027, 5, 12)
        assert (plan.action("A-06").status.value, plan.action("A-06").status_since) == ("cancelled",
                                                                                        date(2027, 5, 12))
        text = both.plan.read_text(encoding="utf-8")
        assert "status: {state: cancelled, since: 2027-05-12}" in text
        again = both.sync()
        assert again.written == 0 and not again.conflicts
        assert _restated_q1(both).evaluation.plan.objective == 1_200_000


class TestALapsedSuspension:
    """AX-PHARMA-PX200 is suspended until 30 April 2027; at the demo clock (20 May) it is live again."""

    def _lapsed(self, org: Org) -> str:
        org.edit_file("until: 2027-09-30\n    products: [PX200]", "until: 2027-04-30\n    products: [PX200]")
        first = org.sync()
        assert first.evaluation.axis(PX200).pace.value != "inactive"
        return first.plan_id

    def test_both_crms_show_it_active(self, both: Org) -> None:
        """Seen failing before the fix: both CRMs read « suspended » next to a live pace (at_risk)."""
        plan_id = self._lapsed(both)
        assert both.sf_axis(plan_id, PX200)["PAC_Status__c"] == "active"
        assert both.hs_axis(plan_id, PX200).props["pac_status"] == "active"
        assert both.sync().written == 0

    @pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
    def test_suspending_it_again_in_a_crm_is_a_new_suspension(self, both: Org, crm: str) -> None:
        """Nathalie follows the advisor (« Suspendre l'axe … ») in a CRM: the axis is suspended from that day, with
        no until (the past one is dropped), both CRMs say so, and the file gets it from `pac plan pull`. Seen
        failing before the fix: taken as an echo, the axis stayed live (pace at_risk), no history line."""
        plan_id = self._lapsed(both)
        if crm == "salesforce":
            sf = _sf_at(both, MAY_20)
            sf.edit("PAC_Axis__c", both.sf_axis(plan_id, PX200)["Id"], by=sf.ids["u-nathalie-sf"],
                    PAC_Status__c="suspended")
        else:
            hs = _hs_at(both, MAY_20)
            hs.update("pac_axis", both.hs_axis(plan_id, PX200).id, {"pac_status": "suspended"},
                      by_user=both.hs_user(NATHALIE))
        second = both.sync()
        assert second.plan is not None and not second.conflicts and not second.errors
        assert second.evaluation.axis(PX200).pace.value == "inactive"
        status = second.plan.axis(PX200).status
        assert (status.state.value, status.until, status.since) == ("suspended", None, date(2027, 5, 20))
        assert both.sf_axis(plan_id, PX200)["PAC_Status__c"] == "suspended"
        assert both.hs_axis(plan_id, PX200).props["pac_status"] == "suspended"
        third = both.sync()
        assert third.written == 0 and third.evaluation.axis(PX200).pace.value == "inactive"
        changes = pull_plan(both.settings, None)
        assert {(c.field, c.new) for c in changes if c.item == PX200} == {("since", "2027-05-20"), ("until", None)}
        plan = load_plan(both.plan)
        assert (plan.axis(PX200).status.until, plan.axis(PX200).status.since) == (None, date(2027, 5, 20))
        assert both.sync().written == 0


MAY_15_END = datetime(2027, 5, 15, 22, 0, tzinfo=UTC)   # 16 May 00:00 Paris: a day inside the suspension


class TestAResumedSuspension:
    """Audit longlife F2: Nathalie suspends AX-GC-QUOTES in Salesforce on 12 May (pulled into the file), then sets it
    back to active on 20 May. The file holds one status per axis: the resume is written in the form an active axis
    has, dated (`since`), without the suspension's reason."""

    def _suspended_then_resumed(self, org: Org) -> tuple[str, RunResult]:
        plan_id = org.sync().plan_id
        sf = _sf_at(org, MAY_12)
        sf.edit("PAC_Axis__c", org.sf_axis(plan_id)["Id"], by=sf.ids["u-nathalie-sf"], PAC_Status__c="suspended")
        org.sync()
        pull_plan(org.settings, None)
        assert ('status: {state: suspended, reason: "suspendu dans sf-main (Nathalie Garnier) le 12 mai 2027", '
                "since: 2027-05-12}") in org.plan.read_text(encoding="utf-8")
        sf = _sf_at(org, MAY_20)
        sf.edit("PAC_Axis__c", org.sf_axis(plan_id)["Id"], by=sf.ids["u-nathalie-sf"], PAC_Status__c="active")
        resumed = org.sync()
        assert resumed.plan is not None and not resumed.conflicts and not resumed.errors
        return plan_id, resumed

    def test_the_pull_writes_an_active_status_from_the_resume_day_without_the_suspensions_reason(
            self, both: Org) -> None:
        """Seen failing before the fix: the pull wrote `{state: active, reason: "suspendu dans sf-main (Nathalie
        Garnier) le 12 mai 2027", since: 2027-05-12}` (an active axis « since » its suspension's day, carrying its
        reason), and the night's plan kept the reason (the report's axis table showed it beside « Actif »)."""
        plan_id, resumed = self._suspended_then_resumed(both)
        assert resumed.plan is not None
        assert resumed.plan.axis(AXIS).status == AxisStatus(AxisState.ACTIVE, since=date(2027, 5, 20))
        changes = pull_plan(both.settings, None)
        assert {(c.item, c.field, c.old, c.new) for c in changes} == {
            (AXIS, "status", "suspended", "active"), (AXIS, "since", "2027-05-12", "2027-05-20"),
            (AXIS, "reason", "suspendu dans sf-main (Nathalie Garnier) le 12 mai 2027", None)}
        text = both.plan.read_text(encoding="utf-8")
        block = text.split(f"id: {AXIS}", 1)[1].split("- id:", 1)[0]
        assert "    status: {state: active, since: 2027-05-20}\n" in block and "suspendu" not in block
        plan = load_plan(both.plan)
        assert plan.axis(AXIS).status == resumed.plan.axis(AXIS).status
        again = both.sync()
        assert again.written == 0 and not again.conflicts
        assert both.sf_axis(plan_id)["PAC_Status__c"] == "active"
        assert both.hs_axis(plan_id).props["pac_status"] == "active"
        assert pull_plan(both.settings, None) == []

    def test_a_day_inside_the_suspension_reads_live_unless_the_file_writes_the_closed_suspension(
            self, both: Org) -> None:
        """One status per axis: once resumed, a re-evaluation of 15 May (inside the suspension) counts the axis live,
        from the file and from the store alike (docs/plan-format.md: what snapshots keep). A manager who wants such
        days restated as suspended writes the closed suspension by hand (`until` the day before the resume): the
        next night takes it as a file change, the CRMs keep `active` (its until-day is past) and 15 May reads
        suspended."""
        plan_id, resumed = self._suspended_then_resumed(both)
        pull_plan(both.settings, None)
        assert resumed.plan is not None and not axis_inactive(resumed.plan.axis(AXIS), date(2027, 5, 15))
        assert not axis_inactive(load_plan(both.plan).axis(AXIS), date(2027, 5, 15))
        inside = load_report_inputs(both.settings, as_of=MAY_15_END, closed=True, restated=True)
        assert inside.evaluation.axis(AXIS).pace.value != "inactive"
        both.edit_file("status: {state: active, since: 2027-05-20}",
                       'status: {state: suspended, reason: "gel des devis", since: 2027-05-12, until: 2027-05-19}',
                       at=datetime(2027, 5, 20, 12, 0, tzinfo=UTC))
        closed = both.sync()
        assert closed.plan is not None and not closed.conflicts and not closed.errors and closed.written == 0
        assert axis_inactive(closed.plan.axis(AXIS), date(2027, 5, 15))
        assert closed.evaluation.axis(AXIS).pace.value != "inactive"
        assert both.sf_axis(plan_id)["PAC_Status__c"] == "active"
        assert both.hs_axis(plan_id).props["pac_status"] == "active"
        inside = load_report_inputs(both.settings, as_of=MAY_15_END, closed=True, restated=True)
        assert inside.evaluation.axis(AXIS).pace.value == "inactive"
        assert pull_plan(both.settings, None) == []


JUNE_2 = datetime(2027, 6, 2, 16, 0, tzinfo=UTC)   # 2 June 2027 18:00 Paris: a night after the day to come
MAINT = "AX-RA-MAINT"
A04 = ('info: {needed: "clients équipés de PX200 hors contrat", from: "Service après-vente"}\n    status: en cours',
       'info: {needed: "clients équipés de PX200 hors contrat", from: "Service après-vente"}\n'
       '    status: {state: annulée, since: 2027-06-01}')
GC_FROM_JUNE = ("segment: S-GC\n    status: active",
                "segment: S-GC\n    status: {state: suspendu, reason: fin du budget, since: 2027-06-01}")


def _night(org: Org, as_of: datetime | None = None) -> RunResult:
    connectors = sandbox_connectors(org.settings, org.server)
    try:
        return run_sync(None, org.settings, connectors=connectors, as_of=as_of)
    finally:
        for c in connectors.values():
            c.close()


class TestAStatusFromADayToCome:
    """The manager plans ahead in the file: « on arrête A-04 à partir du 1er juin », AX-GC-QUOTES suspended from
    1 June. On 20 May (the demo clock) the figures count both live; the CRMs show the state the figures count
    (docs/sync.md), so `in_progress` / `active` and the axis's action totals with A-04; the first night from 1 June
    on writes `cancelled` / `suspended` (audit reverify N2)."""

    def test_an_action_cancelled_from_1_june_is_in_progress_until_then(self, both: Org) -> None:
        """Seen failing before the fix: on 20 May Salesforce read A-04 « cancelled » beside its on-track pace, and
        AX-RA-MAINT's written target / done fell from 14 / 4 to 8 / 0."""
        first = both.sync()
        plan_id = first.plan_id
        before = dict(both.sf_axis(plan_id, MAINT))
        both.edit_file(*A04)
        os.utime(both.plan, None)
        may = both.sync()
        assert may.plan is not None and not may.errors and not may.conflicts
        assert may.evaluation.action("A-04").pace.value != "inactive"
        sf = both.server.api("salesforce")
        [record] = sf.find("PAC_Action__c", PAC_Key__c=f"{plan_id}:A-04")
        assert record["PAC_Status__c"] == "in_progress"
        axis = both.sf_axis(plan_id, MAINT)
        assert (axis["PAC_Target__c"], axis["PAC_Done__c"]) == (before["PAC_Target__c"], before["PAC_Done__c"])
        assert (before["PAC_Target__c"], before["PAC_Done__c"]) == (14, 4)
        june = _night(both, JUNE_2)
        assert not june.errors and not june.conflicts
        assert june.evaluation.action("A-04").pace.value == "inactive"
        [record] = sf.find("PAC_Action__c", PAC_Key__c=f"{plan_id}:A-04")
        assert record["PAC_Status__c"] == "cancelled"
        assert both.sf_axis(plan_id, MAINT)["PAC_Target__c"] == before["PAC_Target__c"] - 6
        again = _night(both, JUNE_2)
        assert again.written == 0 and not again.conflicts
        assert again.plan is not None and again.plan.action("A-04").status_since == date(2027, 6, 1)

    def test_an_axis_suspended_from_1_june_is_active_until_then(self, both: Org) -> None:
        """Seen failing before the fix: both CRMs read « suspended » on 20 May beside the axis's live pace."""
        plan_id = both.sync().plan_id
        both.edit_file(*GC_FROM_JUNE)
        os.utime(both.plan, None)
        may = both.sync()
        assert may.evaluation.axis("AX-GC-QUOTES").pace.value != "inactive" and not may.conflicts
        assert both.sf_axis(plan_id)["PAC_Status__c"] == "active"
        assert both.hs_axis(plan_id).props["pac_status"] == "active"
        assert both.sync().written == 0
        june = _night(both, JUNE_2)
        assert june.evaluation.axis("AX-GC-QUOTES").pace.value == "inactive" and not june.conflicts
        assert both.sf_axis(plan_id)["PAC_Status__c"] == "suspended"
        assert both.hs_axis(plan_id).props["pac_status"] == "suspended"
        again = _night(both, JUNE_2)
        assert again.written == 0 and not again.conflicts
        status = again.plan.axis("AX-GC-QUOTES").status
        assert (status.state.value, status.since, status.reason) == ("suspended", date(2027, 6, 1), "fin du budget")

    def test_suspending_it_in_a_crm_before_the_day_is_a_suspension_from_that_day(self, both: Org) -> None:
        """The CRMs show it active on 20 May: Nathalie's `suspended` in Salesforce that day is her decision (the
        axis suspended from 20 May), not an echo of the file's word. Seen failing before the fix: (with the CRMs
        showing it) compared with the file's `suspended`, an echo."""
        plan_id = both.sync().plan_id
        both.edit_file(*GC_FROM_JUNE)
        os.utime(both.plan, None)
        both.sync()
        sf = _sf_at(both, MAY_20)
        sf.edit("PAC_Axis__c", both.sf_axis(plan_id)["Id"], by=sf.ids["u-nathalie-sf"], PAC_Status__c="suspended")
        night = both.sync()
        assert not night.errors and not night.conflicts
        assert night.evaluation.axis("AX-GC-QUOTES").pace.value == "inactive"
        assert night.plan.axis("AX-GC-QUOTES").status.since == date(2027, 5, 20)
        assert both.hs_axis(plan_id).props["pac_status"] == "suspended"


JUNE_10 = datetime(2027, 6, 10, 9, 0, tzinfo=UTC)   # a CRM edit after the evaluation day (the demo clock, 20 May)


class TestAnEditAfterTheEvaluationDay:
    """A run evaluates an earlier day than the day a manager acted in a CRM (`pac sync --as-of <past day>`, a plan's
    `as_of`): the edit is accepted from its own day, so the figures of the evaluation day count the status in force
    then; but the CRMs are live records: the write-back never takes the accepted edit back there, and gives it to
    the other CRM (audit hsemu F3: the rep's completed task reopened in the same run)."""

    def test_an_action_cancelled_in_salesforce_stays_cancelled(self, both: Org) -> None:
        """A-06 (done in the file, its window in March) cancelled in Salesforce on 10 June. Seen failing before the
        fix: the run applied « cancelled » (since 10 June) and wrote « in_progress » back to Salesforce, the status
        in force on 20 May."""
        plan_id = both.sync().plan_id
        sf = _sf_at(both, JUNE_10)
        [action] = sf.find("PAC_Action__c", PAC_Key__c=f"{plan_id}:A-06")
        sf.edit("PAC_Action__c", action["Id"], by=sf.ids["u-nathalie-sf"], PAC_Status__c="cancelled")
        night = both.sync()
        assert night.plan is not None and not night.errors and not night.conflicts
        assert (night.plan.action("A-06").status.value, night.plan.action("A-06").status_since) \
            == ("cancelled", date(2027, 6, 10))
        assert night.evaluation.action("A-06").pace.value != "inactive"     # under way on 20 May
        [action] = sf.find("PAC_Action__c", PAC_Key__c=f"{plan_id}:A-06")
        assert action["PAC_Status__c"] == "cancelled"
        again = both.sync()
        assert again.written == 0 and not again.conflicts and not again.state_changes

    def test_an_axis_suspended_in_hubspot_stays_suspended_in_both_crms(self, both: Org) -> None:
        """Seen failing before the fix: HubSpot's `pac_status` and Salesforce's went back to « active », the state in
        force on 20 May."""
        plan_id = both.sync().plan_id
        hs = _hs_at(both, JUNE_10)
        hs.update("pac_axis", both.hs_axis(plan_id).id, {"pac_status": "suspended"}, by_user=both.hs_user(NATHALIE))
        night = both.sync()
        assert night.plan is not None and not night.errors and not night.conflicts
        status = night.plan.axis("AX-GC-QUOTES").status
        assert (status.state.value, status.since) == ("suspended", date(2027, 6, 10))
        assert night.evaluation.axis("AX-GC-QUOTES").pace.value != "inactive"     # live on 20 May
        assert both.hs_axis(plan_id).props["pac_status"] == "suspended"
        assert both.sf_axis(plan_id)["PAC_Status__c"] == "suspended"
        again = both.sync()
        assert again.written == 0 and not again.conflicts and not again.state_changes
