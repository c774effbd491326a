"""`pac explain AXIS` names a counted deal's account whose owner the axis reads as on its first day (audit explainspan,
7 Dec 2026; audit hshand6 L3): ``explain.account_state_notes``, in the words of an action's counted visit.

A deal-owner axis reads the deal's owner as it is now, so an account's owner change says nothing of its figure: no
note. Seen failing before the fix: the counted deal's detail was empty (and no ``account_state_notes``)."""

from __future__ import annotations

from datetime import date, datetime

from pac_core.engine import evaluate
from pac_core.explain import account_state_notes, explain_axis
from pac_core.plan import Plan
from pac_core.records import AccountChange, Records
from pac_core.scopes import parse_scope
from tests.unit.test_engine_support import JULIE, MARC, PARIS, USERS, account, action, axis, plan, won

ACCOUNTS = (account("lyon", "69003", owner_id="005M"), account("gier", "69004", owner_id="005J"))
# Lyon given by Julie to Marc on 30 June; Gier's owner changed in December 2026, before the year began
CHANGES = (AccountChange("sf", "lyon", "owner_id", datetime(2027, 6, 30, 12, tzinfo=PARIS), "005J", "005M"),
           AccountChange("sf", "gier", "owner_id", datetime(2026, 12, 1, 12, tzinfo=PARIS), "005M", "005J"))
RECORDS = Records(accounts=ACCOUNTS, users=USERS, account_changes=CHANGES,
                  deals=(won("d1", "lyon", "5000", date(2027, 5, 20)), won("d2", "gier", "8000", date(2027, 4, 15))))
AS_OF = datetime(2027, 7, 1, 12, tzinfo=PARIS)


def _plan(field: str) -> Plan:
    return plan(action(axis_id="AX-JU"), axes=(axis("AX-JU", "SEG-ARA", scope=parse_scope({field: JULIE})),),
                language="en")


def test_a_counted_deal_on_an_account_given_to_another_rep_since_the_first_day_says_so() -> None:
    accounts_plan = _plan("account_owner")
    evaluation = evaluate(accounts_plan, RECORDS, as_of=AS_OF, explain=True)
    states = account_state_notes(accounts_plan, "AX-JU", RECORDS, default_months=12)
    note = (f"account owner {JULIE} on 2027-01-01, the period's first day (owner {MARC} since 2027-06-30)")
    assert states == {("sf", "lyon"): note}
    deals = {(d.source, d.id): d for d in RECORDS.deals}
    rows = explain_axis(accounts_plan, evaluation, "AX-JU", deals=deals, states=states, lang="en").rows
    assert {r["record"]: (r["rule"], r["detail"]) for r in rows} == {"d1": ("counted", note), "d2": ("counted", "")}


def test_a_deal_owner_axis_reads_no_account_state() -> None:
    deals_plan = _plan("deal_owner")
    assert account_state_notes(deals_plan, "AX-JU", RECORDS, default_months=12) == {}
