"""Account-level write-back: which axes target each account, and the diff against what was last written."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from connectors.base import Target
from pac_config.planfile import load_plan_text
from pac_core.plan import ActionStatus
from pac_core.records import Account, AccountChange, Deal, DealStage, Records, User
from pac_core.scopes import Condition, Scope
from pac_core.text import cut_list
from sync_jobs import account_targets as at

AS_OF = datetime(2027, 5, 20, 16, 0, tzinfo=UTC)

PLAN = """\
plan:
  name: "Accounts plan"
  year: 2027
  timezone: Europe/Paris
  currency: EUR
  language: en
people:
  - {email: julie@example.com, name: Julie}
segments:
  - {id: S-RA, name: Rhone, kind: horizontal, scope: {departement: "69"}}
  - {id: S-PH, name: Pharma, kind: vertical, scope: {industry: Pharmaceutique}}
axes:
  - {id: AX-RA-DORM, name: Dormant in 69, segment: S-RA, status: active, scope: {dormant: {months: 12}}}
  - {id: AX-PH, name: Pharma, segment: S-PH, status: {state: prioritised, rank: 1}}
  - {id: AX-OFF, name: Suspended pharma, segment: S-PH,
     status: {state: suspended, reason: "production saturated"}}
  - {id: AX-GONE, name: Dropped, segment: S-RA, status: {state: dropped, reason: "no ROI"}}
actions:
  - id: A-01
    axis: AX-RA-DORM
    text: "Visit 2 dormant customers in week 18"
    who: julie@example.com
    what: {activity: visit, count: 2}
    when: "week 18"
"""


@pytest.fixture(scope="module")
def plan():
    return load_plan_text(PLAN, "plan.pac.yaml")


def _account(aid: str, source: str = "sf", **kw) -> Account:
    return Account(id=aid, source=source, name=f"Account {aid}", **kw)


def _won(did: str, account_id: str, day: date, source: str = "sf") -> Deal:
    return Deal(id=did, source=source, account_id=account_id, owner_id=None, currency="EUR", stage=DealStage.WON,
                amount=Decimal(1000),
                close_date=day)


def _bought_before(*keys: tuple[str, str]) -> tuple[Deal, ...]:
    """A won deal in 2025 for each (source, account id): a customer that bought before, dormant by 12 months in
    2027 (a never-won account is a prospect, not dormant)."""
    return tuple(_won(f"old-{aid}", aid, date(2025, 3, 1), source) for source, aid in keys)


def _row(fields, crm_id=None):
    return SimpleNamespace(fields=dict(fields), crm_id=crm_id)


class TestTargetedAxes:
    def test_scope_and_dormancy_decide_the_axes_of_each_account(self, plan) -> None:
        """A dormant 69 account (bought in 2025, not since) gets the dormant axis, a 69 account won last year does
        not, nor a 69 prospect that never bought; pharma gets AX-PH."""
        records = Records(accounts=(_account("dorm", departement="69"), _account("won", departement="69"),
                                    _account("pharma", departement="69", industry="Pharmaceutique"),
                                    _account("prospect", departement="69"), _account("lyon-nothing", departement="38")),
                          deals=(_won("d1", "won", date(2026, 9, 1)),
                                 *_bought_before(("sf", "dorm"), ("sf", "pharma"))))
        held = at.targeted_axes(plan, records, AS_OF)
        assert held == {("sf", "dorm"): ("AX-RA-DORM",), ("sf", "pharma"): ("AX-PH", "AX-RA-DORM")}

    def test_suspended_and_dropped_axes_target_nobody(self, plan) -> None:
        """AX-OFF (suspended) and AX-GONE (dropped) hold accounts in scope, yet never appear."""
        records = Records(accounts=(_account("p", industry="Pharmaceutique", departement="69"),),
                          deals=_bought_before(("sf", "p")))
        assert at.targeted_axes(plan, records, AS_OF) == {("sf", "p"): ("AX-PH", "AX-RA-DORM")}

    def test_deleted_accounts_and_other_sources_are_not_targets(self, plan) -> None:
        """A deleted account is in no scope; ``sources`` keeps only the named connectors' accounts."""
        records = Records(accounts=(_account("del", departement="69", deleted=True),
                                    _account("hs1", "hs", departement="69")),
                          deals=_bought_before(("sf", "del"), ("hs", "hs1")))
        assert at.targeted_axes(plan, records, AS_OF, sources=["sf"]) == {}
        assert at.targeted_axes(plan, records, AS_OF) == {("hs", "hs1"): ("AX-RA-DORM",)}


    def test_an_account_flagged_dormant_when_the_period_began_stays_a_target(self, plan) -> None:
        """The engine counts the axis's revenue on the accounts in its scope on the first day of its objective's
        period: an account flagged dormant on 1 January whose flag was cleared in May (it ordered again) stays a
        target of the dormant axis, as its order counts in the axis's revenue (audit matching F1)."""
        by_flag = replace(plan.axes[0], scope=Scope((Condition("dormant", "is", (True,), "dormant"),)))
        dormant_flag = replace(plan, axes=(by_flag, *plan.axes[1:]))
        records = Records(accounts=(_account("back", departement="69", dormant=False),),
                          account_changes=(AccountChange("sf", "back", "dormant", datetime(2027, 5, 12, tzinfo=UTC),
                                                         True, False),))
        assert at.targeted_axes(dormant_flag, records, AS_OF) == {("sf", "back"): ("AX-RA-DORM",)}
        assert at.targeted_axes(dormant_flag, Records(accounts=records.accounts), AS_OF) == {}


class TestDesiredFields:
    def test_axes_are_sorted_and_joined(self) -> None:
        """The axes text is sorted and stable whatever the input order; target is True."""
        assert at.desired_fields(["AX-RA-DORM", "AX-GC-QUOTES"]) == {"axes": "AX-GC-QUOTES; AX-RA-DORM",
                                                                      "target": True}

    def test_no_axis_gives_the_cleared_values(self) -> None:
        """No axis: axes null and target False."""
        assert at.desired_fields([]) == {"axes": None, "target": False}


class TestAccountChanges:
    def test_new_target_is_sent_whole_by_id(self) -> None:
        """An account never written gets both fields, keyed source:id and addressed by its CRM id."""
        (change,) = at.account_changes("sf", {"001A": ("AX-2", "AX-1")}, {"001A"}, {})
        assert (change.target, change.key, change.crm_id) == (Target.ACCOUNT, "sf:001A", "001A")
        assert change.fields == {"axes": "AX-1; AX-2", "target": True}

    def test_unchanged_account_writes_nothing(self) -> None:
        """Values equal to the last written ones produce no change."""
        written = {("account", "sf:001A"): _row({"axes": "AX-1", "target": True}, "001A")}
        assert at.account_changes("sf", {"001A": ("AX-1",)}, {"001A"}, written) == []

    def test_only_the_changed_field_is_sent(self) -> None:
        """A new axis on an account already targeted sends the axes text only."""
        written = {("account", "sf:001A"): _row({"axes": "AX-1", "target": True}, "001A")}
        (change,) = at.account_changes("sf", {"001A": ("AX-1", "AX-2")}, {"001A"}, written)
        assert change.fields == {"axes": "AX-1; AX-2"}

    def test_account_no_longer_targeted_is_cleared_once(self) -> None:
        """Written before, held by no axis now: cleared; once cleared, nothing more is sent."""
        written = {("account", "sf:001A"): _row({"axes": "AX-1", "target": True}, "001A")}
        (change,) = at.account_changes("sf", {}, {"001A"}, written)
        assert (change.key, change.crm_id, change.fields) == ("sf:001A", "001A", {"axes": None, "target": False})
        cleared = {("account", "sf:001A"): _row({"axes": None, "target": False}, "001A")}
        assert at.account_changes("sf", {}, {"001A"}, cleared) == []

    def test_never_targeted_account_is_not_written(self) -> None:
        """An account no axis ever held is never touched (no row, no change)."""
        assert at.account_changes("sf", {}, {"001A", "001B"}, {}) == []

    def test_deleted_or_vanished_account_is_left_alone(self) -> None:
        """A written account that is no longer live is neither cleared nor updated (the CRM would refuse it)."""
        written = {("account", "sf:001A"): _row({"axes": "AX-1", "target": True}, "001A")}
        assert at.account_changes("sf", {"001A": ("AX-2",)}, set(), written) == []
        assert at.account_changes("sf", {}, set(), written) == []

    def test_other_targets_and_connectors_rows_are_ignored(self) -> None:
        """Axis rows and another connector's account rows never turn into account changes here."""
        written = {("axis", "plan:AX-1"): _row({"name": "x"}), ("account", "hs:9"): _row({"axes": "AX-1"})}
        assert at.account_changes("sf", {}, {"9"}, written) == []

    def test_only_declared_fields_are_computed_and_sent(self) -> None:
        """An org that keeps only the axes text gets only ``axes``; one that keeps neither gets nothing."""
        (change,) = at.account_changes("sf", {"001A": ("AX-1",)}, {"001A"}, {}, declared=["axes"])
        assert change.fields == {"axes": "AX-1"}
        assert at.account_changes("sf", {"001A": ("AX-1",)}, {"001A"}, {}, declared=[]) == []


class TestChangesByConnector:
    def test_each_account_goes_to_its_own_connector(self, plan) -> None:
        """Salesforce accounts go to sf, HubSpot companies to hs; a connector keeping no field gets nothing."""
        records = Records(accounts=(_account("001A", "sf", departement="69"), _account("77", "hs", departement="69"),
                                    _account("88", "other", departement="69")),
                          deals=_bought_before(("sf", "001A"), ("hs", "77"), ("other", "88")))
        out = _changes_by_connector(plan, records, AS_OF, {"sf": ["axes", "target"], "hs": ["axes", "target"],
                                                             "other": []}, {})
        assert {n: [c.key for c in cs] for n, cs in out.items()} == {"sf": ["sf:001A"], "hs": ["hs:77"]}

    def test_second_run_on_same_data_sends_nothing(self, plan) -> None:
        """Feeding back what was sent as last written gives no change: a no-change run writes nothing."""
        records = Records(accounts=(_account("001A", departement="69"), _account("001B", departement="38")))
        first = _changes_by_connector(plan, records, AS_OF, {"sf": ["axes", "target"]}, {})
        written = {"sf": {("account", c.key): _row(c.fields, c.crm_id) for c in first["sf"]}}
        assert _changes_by_connector(plan, records, AS_OF, {"sf": ["axes", "target"]}, written) == {"sf": []}


    def test_a_plan_whose_period_is_over_clears_what_it_wrote(self, plan) -> None:
        """Evaluated after its period's end (1 January 2028, the 2027 plan's): the plan targets no account, its run
        clears the account it wrote; seen failing before (the account kept AX-RA-DORM, no change)."""
        records = Records(accounts=(_account("001A", departement="69"),), deals=_bought_before(("sf", "001A")))
        first = _changes_by_connector(plan, records, AS_OF, {"sf": ["axes", "target"]}, {})
        assert [c.fields for c in first["sf"]] == [{"axes": "AX-RA-DORM", "target": True}]
        written = {"sf": {("account", c.key): _row(c.fields, c.crm_id) for c in first["sf"]}}
        after = _changes_by_connector(plan, records, datetime(2028, 1, 1, 0, 0, tzinfo=UTC),
                                        {"sf": ["axes", "target"]}, written)
        assert [(c.key, c.fields) for c in after["sf"]] == [("sf:001A", {"axes": None, "target": False})]


def _sharer(plan_id: str, axes: str, start: str, end: str, rows: dict[str, tuple[str, ...]]) -> at.Sharer:
    return at.Sharer(plan_id, frozenset(axes.split()), datetime.fromisoformat(start), datetime.fromisoformat(end),
                     rows)


# the 2026 plan (running on 5 December 2026) and the 2027 one (not begun), both having AX-1 and AX-2
Y26 = _sharer("y26", "AX-1 AX-2 AX-3", "2025-12-31T23:00:00+00:00", "2026-12-31T23:00:00+00:00",
              {"sf:1": ("AX-1", "AX-3")})
Y27 = _sharer("y27", "AX-1 AX-2 AX-9", "2026-12-31T23:00:00+00:00", "2027-12-31T23:00:00+00:00",
              {"sf:1": ("AX-1", "AX-2", "AX-9")})
DEC = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
JAN = datetime(2027, 1, 4, 1, 0, tzinfo=UTC)


class TestCombined:
    def test_alone_the_tokens_are_the_sorted_ids(self) -> None:
        tokens, owners = at.combined(_sharer("p", "AX-2 AX-1", "2027-01-01T00:00:00+00:00",
                                             "2028-01-01T00:00:00+00:00", {"sf:1": ("AX-2", "AX-1")}), [], DEC)
        assert (tokens, owners) == ({"sf:1": ("AX-1", "AX-2")}, {"AX-1": "p", "AX-2": "p"})

    def test_ids_both_plans_have_are_qualified_the_running_plan_first(self) -> None:
        """5 December: AX-1 and AX-2 are in both plan files (the 2026 plan does not target with AX-2): qualified;
        AX-3 and AX-9 bare, first; then the running 2026 plan's, then the 2027 plan's, whichever plan runs."""
        want = ("AX-3", "AX-9", "y26:AX-1", "y27:AX-1", "y27:AX-2")
        assert at.combined(Y26, [Y27], DEC)[0] == {"sf:1": want}
        assert at.combined(Y27, [Y26], DEC)[0] == {"sf:1": want}

    def test_the_running_plan_comes_first_whatever_its_id(self) -> None:
        """The plan not begun is named "a-next": still after the running one, whose id sorts last."""
        nxt = at.Sharer("a-next", Y27.axis_ids, Y27.start, Y27.end, Y27.rows)
        now = at.Sharer("z-now", Y26.axis_ids, Y26.start, Y26.end, Y26.rows)
        assert at.combined(now, [nxt], DEC)[0] == {"sf:1": ("AX-3", "AX-9", "z-now:AX-1", "a-next:AX-1",
                                                            "a-next:AX-2")}

    def test_a_plan_whose_period_is_over_counts_for_nothing(self) -> None:
        """4 January 2027: the 2026 plan is over; its contribution and its ids count no more, whichever plan runs."""
        assert at.combined(Y27, [Y26], JAN) == ({"sf:1": ("AX-1", "AX-2", "AX-9")},
                                                {"AX-1": "y27", "AX-2": "y27", "AX-9": "y27"})
        assert at.combined(Y26, [Y27], JAN)[0] == {"sf:1": ("AX-1", "AX-2", "AX-9")}


class TestAccountFields:
    def test_fields_come_from_the_connectors_mapping(self) -> None:
        """A connector whose mapping declares account fields gets them (a HubSpot connector built from the shipped
        mapping; nothing is called); one with no account write-back (the fake) gets none."""
        from connectors import registry
        from tests.fakes import FakeConnector

        hubspot = registry.build("hubspot", "hs", registry.crm_spec("hubspot").mapping_path(),
                                 {"PAC_HS_ACCESS_TOKEN": "pat-test"})
        assert at.account_fields(hubspot) == {"axes": "pac_axes", "target": "pac_target"}
        assert at.account_fields(FakeConnector("fake")) == {}


class TestAxisCompanies:
    def test_last_written_overlaid_by_the_changes(self) -> None:
        """The companies each axis targets once this run's changes are written: unchanged accounts keep their
        last-written axes, changed ones take the new text, cleared ones drop out."""
        from types import SimpleNamespace

        from connectors.base import Target, WriteChange
        from sync_jobs.account_targets import axis_companies

        written = {("account", "hs:1"): SimpleNamespace(fields={"axes": "AX-1; AX-2", "target": True}),
                   ("account", "hs:2"): SimpleNamespace(fields={"axes": "AX-1", "target": True}),
                   ("account", "hs:3"): SimpleNamespace(fields={"axes": "AX-2", "target": True}),
                   ("action", "pac:A-1"): SimpleNamespace(fields={"done": 1})}
        changes = [WriteChange(Target.ACCOUNT, "hs:2", {"axes": None, "target": False}, crm_id="2"),
                   WriteChange(Target.ACCOUNT, "hs:4", {"axes": "AX-2", "target": True}, crm_id="4"),
                   WriteChange(Target.ACCOUNT, "hs:3", {"target": True}, crm_id="3")]
        assert axis_companies(written, changes) == {"AX-1": {"1"}, "AX-2": {"1", "3", "4"}}

    def test_accounts_no_longer_live_are_left_out(self) -> None:
        """A company merged away or deleted keeps its row's last-written axes: no axis links it (audit hslife H6:
        the full reconciliation asked HubSpot to link the retired id, "No object with id", a partial run)."""
        from connectors.base import Target, WriteChange
        from sync_jobs.account_targets import axis_companies

        written = {("account", "hs:1"): SimpleNamespace(fields={"axes": "AX-1", "target": True}),
                   ("account", "hs:2"): SimpleNamespace(fields={"axes": "AX-1", "target": True})}
        changes = [WriteChange(Target.ACCOUNT, "hs:3", {"axes": "AX-1", "target": True}, crm_id="3")]
        assert axis_companies(written, changes, live={"2", "3"}) == {"AX-1": {"2", "3"}}


class TestHeldValues:
    """What a company holds in the CRM, read with it (``HELD_PAC``), against what it should hold (audit hslife H5)."""

    STAMP = "2027-05-19T02:00:00+00:00"      # the stamp HubSpot answered pac's last write to the company

    def _row(self, axes: str | None, target: bool) -> SimpleNamespace:
        return SimpleNamespace(fields={"axes": axes, "target": target, "crm_modified_at": self.STAMP})

    def test_a_hand_edit_read_after_the_write_is_restored(self) -> None:
        written = {("account", "hs:1"): self._row("AX-1", True), ("account", "hs:2"): self._row("AX-1", True)}
        held = {"1": {"axes": "", "target": "false", "at": "2027-05-19T09:00:00+00:00"},   # a rep cleared it
                "2": {"axes": "AX-1", "target": "true", "at": "2027-05-19T09:00:00+00:00"}}
        changes = at.account_changes("hs", {"1": ("AX-1",), "2": ("AX-1",)}, {"1", "2"}, written, held=held)
        assert [(c.crm_id, dict(c.fields)) for c in changes] == [("1", {"axes": "AX-1", "target": True})]

    def test_a_read_older_than_pac_s_last_write_says_nothing(self) -> None:
        """The company is not read again for pac's own write: the values read before it are not what it holds."""
        written = {("account", "hs:1"): self._row("AX-1", True)}
        held = {"1": {"axes": "", "target": "false", "at": "2027-05-18T09:00:00+00:00"}}
        assert at.account_changes("hs", {"1": ("AX-1",)}, {"1"}, written, held=held) == []

    def test_values_pac_never_wrote_are_cleared(self) -> None:
        """A merged company holding the values of a company merged into it, or a rep's ``pac_target`` on a company no
        axis targets: cleared; a company holding none (empty, unset) is left alone."""
        held = {"7": {"axes": "AX-1", "target": "true", "at": "2027-05-19T09:00:00+00:00"},
                "8": {"axes": None, "target": None, "at": "2027-05-19T09:00:00+00:00"},
                "9": {"axes": "", "target": "false", "at": "2027-05-19T09:00:00+00:00"}}
        changes = at.account_changes("hs", {}, {"7", "8", "9"}, {}, held=held)
        assert [(c.crm_id, dict(c.fields)) for c in changes] == [("7", {"axes": None, "target": False})]


    def test_a_list_the_crm_holds_cut_is_the_wanted_one(self) -> None:
        """Salesforce keeps 255 characters of ``PAC_Axes__c`` (``length``): the write cuts a longer list to whole tokens
        ending ``…`` (``cut_list``), so the account holds it cut while pac's row keeps the whole list. Compared with the
        wanted list cut alike: equal, no write night after night; a list cut elsewhere (a hand edit) differs and is
        sent again (audit longlife F1)."""
        axes = tuple(f"pac-2027-durand-process:AX-{i:02d}" for i in range(12))     # 12 x 34 characters + "; "
        whole = "; ".join(axes)
        cut = cut_list(whole, 255)
        assert len(whole) > 255 and cut.endswith("; …") and len(cut) <= 255
        read = "2027-05-19T09:00:00+00:00"
        written = {("account", "sf:1"): self._row(whole, True), ("account", "sf:3"): self._row(whole, True)}
        held = {"1": {"axes": cut, "target": True, "at": read, "length": 255},
                "3": {"axes": cut_list(whole, 200), "target": True, "at": read, "length": 255}}
        changes = at.account_changes("sf", {"1": axes, "3": axes}, {"1", "3"}, written, held=held, ordered=True)
        assert [(c.crm_id, dict(c.fields)) for c in changes] == [("3", {"axes": whole})]


def _changes_by_connector(plan: Any, records: Records, as_of: datetime, declared: dict[str, list[str]],
                          written: dict[str, Any]) -> dict[str, list[Any]]:
    """The account updates per connector of ``plan`` alone on its connectors (``shared_changes`` with no other plan)."""
    return {n: shared.changes for n, shared in at.shared_changes(plan, records, as_of, declared, written).items()}


class TestTheDayTheEngineJudges:
    def test_a_suspension_until_30_june_still_holds_at_1_july_midnight(self, plan) -> None:
        """At 1 July 00:00 in Paris (a run with --as-of 2027-06-30, or a snapshot at the quarter's end) the engine
        judges 30 June (``revenue.last_day``), when the suspension until 30 June holds: the axis is inactive in the
        figures, so it targets no company either; from 02:00 it is live again in both (audit pacehand)."""
        suspended = replace(plan, axes=tuple(
            replace(a, status=replace(a.status, until=date(2027, 6, 30))) if a.id == "AX-OFF" else a
            for a in plan.axes))
        records = Records(accounts=(_account("p", industry="Pharmaceutique", departement="69"),),
                          deals=_bought_before(("sf", "p")))
        midnight = datetime(2027, 6, 30, 22, 0, tzinfo=UTC)          # 1 July 00:00 in Paris
        assert at.targeted_axes(suspended, records, midnight) == {("sf", "p"): ("AX-PH", "AX-RA-DORM")}
        two = datetime(2027, 7, 1, 0, 0, tzinfo=UTC)                   # 1 July 02:00, the nightly run
        assert at.targeted_axes(suspended, records, two) == {("sf", "p"): ("AX-OFF", "AX-PH", "AX-RA-DORM")}


ACTIONS_PLAN = """\
plan:
  name: "Actions plan"
  year: 2027
  timezone: Europe/Paris
  currency: EUR
  language: en
people:
  - {email: julie@example.com, name: Julie}
  - {email: marc@example.com, name: Marc}
segments:
  - {id: S-RA, name: Rhone, kind: horizontal, scope: {departement: "69"}}
  - {id: S-PH, name: Pharma, kind: vertical, scope: {industry: Pharmaceutique}}
axes:
  - id: AX-DORM
    name: Dormant in 69
    segment: S-RA
    status: active
    scope: {dormant: {months: 12}}
    objective: {additional_revenue: 6000, period: Q2, baseline: previous_year}
  - {id: AX-OFF, name: Suspended pharma, segment: S-PH, scope: {account_type: Prospect},
     status: {state: suspended, reason: "production saturated"}}
actions:
  - id: A-JUNE
    axis: AX-DORM
    text: "Visit 2 dormant customers in June 2027"
    who: julie@example.com
    what: {activity: visit, count: 2}
    when: "June 2027"
  - id: A-MINE
    axis: AX-DORM
    text: "Call 2 of my dormant customers in July 2027"
    who: marc@example.com
    what: {activity: call, count: 2, scope: {account_owner: marc@example.com}}
    when: "July 2027"
  - id: A-OFF
    axis: AX-OFF
    text: "Visit 2 pharma prospects in June 2027"
    who: julie@example.com
    what: {activity: visit, count: 2}
    when: "June 2027"
"""

JUNE_16 = datetime(2027, 6, 16, 16, 0, tzinfo=UTC)       # 18:00 Paris: June's actions are under way
JULY_1 = datetime(2027, 7, 1, 0, 30, tzinfo=UTC)         # 02:30 Paris: June's actions are over, July's begun


@pytest.fixture(scope="module")
def actions_plan():
    return load_plan_text(ACTIONS_PLAN, "actions.pac.yaml")


def _dormancy_org(source: str = "sf") -> Records:
    """69 customers of ``source``: ``back`` dormant on 1 April (last order Feb 2026) and reordered on 12 May 2027, so
    active on 1 June; ``late`` active on 1 April (ordered 31 May 2026) and dormant on 1 June; ``both`` dormant on both
    days (2025); ``never`` a prospect; ``regular`` ordered in September 2026."""
    accounts = tuple(_account(a, source, departement="69") for a in ("back", "late", "both", "never", "regular"))
    deals = (_won("b1", "back", date(2026, 2, 10), source), _won("b2", "back", date(2027, 5, 12), source),
             _won("l1", "late", date(2026, 5, 31), source), _won("o1", "both", date(2025, 1, 20), source),
             _won("r1", "regular", date(2026, 9, 1), source))
    return Records(accounts=accounts, deals=deals)


class TestActionsTargetTheirAccounts:
    """sfhand6 L1: an account is targeted by an axis when it is in the axis's scope as its revenue judges it (the
    objective period's first day) OR when one of the axis's actions not yet over can count it, judged as that action
    counts (its window's first day)."""

    @pytest.mark.parametrize("source", ["sf", "hs"])
    def test_an_account_dormant_on_the_action_s_first_day_is_targeted(self, actions_plan, source: str) -> None:
        """``late`` (dormant on 1 June only) is targeted by AX-DORM through A-JUNE; ``back`` (dormant on 1 April only)
        keeps AX-DORM for its revenue; the same on a HubSpot portal's companies as on a Salesforce org's accounts."""
        held = at.targeted_axes(actions_plan, _dormancy_org(source), JUNE_16)
        assert held == {(source, "back"): ("AX-DORM",), (source, "late"): ("AX-DORM",),
                        (source, "both"): ("AX-DORM",)}

    def test_an_action_over_targets_no_more(self, actions_plan) -> None:
        """On 1 July June's action is over: ``late`` is left to A-MINE (July, Marc's accounts only: it is Julie's),
        so it is no target; ``back`` and ``both`` keep the axis (Q2's revenue scope)."""
        records = _dormancy_org()
        held = at.targeted_axes(actions_plan, records, JULY_1)
        assert held == {("sf", "back"): ("AX-DORM",), ("sf", "both"): ("AX-DORM",)}

    def test_my_accounts_are_the_owner_s_on_the_action_s_first_day(self, actions_plan) -> None:
        """A-MINE (July) counts Marc's accounts as they were owned on 1 July: ``late``, Marc's, is targeted; given
        back to Julie on 2 July it stays targeted (it was his when the window began); Julie's all along, it is not."""
        users = (User(id="005M", source="sf", email="marc@example.com"),
                 User(id="005J", source="sf", email="julie@example.com"))
        base = _dormancy_org()
        marcs = replace(base, users=users, accounts=tuple(
            replace(a, owner_id="005M" if a.id == "late" else "005J") for a in base.accounts))
        assert at.targeted_axes(actions_plan, marcs, JULY_1)[("sf", "late")] == ("AX-DORM",)
        back_to_julie = replace(marcs, accounts=tuple(replace(a, owner_id="005J") for a in marcs.accounts),
                                account_changes=(AccountChange("sf", "late", "owner_id",
                                                               datetime(2027, 7, 2, 8, tzinfo=UTC), "005M", "005J"),))
        assert at.targeted_axes(actions_plan, back_to_julie, JULY_1)[("sf", "late")] == ("AX-DORM",)
        assert ("sf", "late") not in at.targeted_axes(actions_plan, replace(back_to_julie, account_changes=()),
                                                      JULY_1)

    @pytest.mark.parametrize("status", ["done", "cancelled"])
    def test_a_done_or_cancelled_action_targets_nothing(self, actions_plan, status: str) -> None:
        """A manager who marks June's action done or cancelled says stop: ``late`` is no target any more."""
        june = replace(actions_plan.action("A-JUNE"), status=ActionStatus(status))
        plan = replace(actions_plan, actions=(june, *(a for a in actions_plan.actions if a.id != "A-JUNE")))
        assert ("sf", "late") not in at.targeted_axes(plan, _dormancy_org(), JUNE_16)

    def test_an_action_of_a_suspended_axis_targets_nothing(self, actions_plan) -> None:
        """A-OFF's prospects in pharma: its axis is suspended, so neither the axis nor its action targets them."""
        records = Records(accounts=(_account("lab", departement="13", industry="Pharmaceutique",
                                             account_type="Prospect"),))
        assert at.targeted_axes(actions_plan, records, JUNE_16) == {}
