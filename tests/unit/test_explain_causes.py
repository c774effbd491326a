"""``pac explain A-01`` names the real cause of each visit that does not count (audit explain, 6 Dec 2026): one
organisation per cause, and several causes at once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from pac_core.engine import evaluate
from pac_core.engine_settings import EngineSettings
from pac_core.explain import explain_action, explain_axis
from pac_core.plan import Action, ActivityType, HandOver
from pac_core.records import Activity, ActivityStatus, Deal, Records
from pac_core.results import Evaluation
from pac_core.scopes import Condition, Scope
from tests.unit.test_engine_support import (
    DEPT_69,
    IN_69,
    JULIE,
    MARC,
    PARIS,
    USERS,
    account,
    action,
    axis,
    plan,
    utc,
    visit,
    won,
)

AS_OF = datetime(2027, 5, 20, 18, tzinfo=PARIS)
ACCOUNTS = (account("lyon", "69003"), account("grenoble", "38000"),
            account("rich", "69005", annual_revenue=Decimal("1000000"), currency="CHF"))


def _rows(*activities: Activity, act: Action | None = None, lang: str = "en") -> tuple[str, list[tuple[str, ...]]]:
    """The header and the (record, rule, reason, detail) rows of A-01 over ``activities``."""
    the_action = act or action()
    p = plan(the_action, language=lang)
    evaluation: Evaluation = evaluate(p, Records(accounts=ACCOUNTS, activities=activities, users=USERS), as_of=AS_OF,
                                      explain=True)
    explanation = explain_action(p, evaluation, "A-01")
    return explanation.header, [(r["record"], r["rule"], r["reason"], r["detail"]) for r in explanation.rows]


class TestSeveralCauses:
    """A rep's visit in the window that fails two rules was listed nowhere: « 0 / 5 — 0 counted, 0 not counted », no
    answer to "why doesn't my visit count?". It is listed once, under the rule no fix of the activity lifts (the
    account, then the date, then the status), the other causes named after it."""

    def test_a_cancelled_visit_to_an_account_outside_the_scope(self) -> None:
        """Seen failing before the fix: no row at all. The scope is named first: marking the visit completed would
        not make it count."""
        cancelled = visit("x", "grenoble", utc(5, 4, 8), status=ActivityStatus.CANCELLED)
        header, rows = _rows(cancelled)
        assert header == "0 / 5 (0%) — 0 counted, 1 not counted"
        assert rows == [("x", "outside_scope", "account outside the scope",
                         "département 38 (scope: département 69); also: cancelled")]
        _, fr = _rows(cancelled, lang="fr")
        assert fr == [("x", "outside_scope", "compte hors périmètre",
                       "département 38 (périmètre : département 69) ; aussi : annulée")]

    def test_a_planned_visit_a_minute_before_the_window(self) -> None:
        """The date first, then the status, in the words ``pac explain`` gives a past planned visit."""
        _, rows = _rows(visit("x", "lyon", utc(5, 2, 21, 59), status=ActivityStatus.PLANNED))
        assert rows == [("x", "outside_window", "outside the window",
                         "2027-05-02 23:59, before the window “week 18” (2027-05-03 – 2027-05-09); also: still "
                         "planned on a past date")]

    def test_a_task_due_today_outside_the_scope_is_not_yet_past(self) -> None:
        """A visit task dated by its day alone, due on the evaluation's day and still planned, to an account outside
        the scope: its status is « not done yet », not « still planned on a past date » (audit oracle2counts F4, after
        F2: its own row said so, the « also » of a row naming another cause did not); yesterday's is past."""
        today = visit("t", "grenoble", None, status=ActivityStatus.PLANNED, day=date(2027, 5, 20))
        yday = visit("y", "grenoble", None, status=ActivityStatus.PLANNED, day=date(2027, 5, 19))
        window = action(window=replace(action().window, end=datetime(2027, 5, 31, tzinfo=PARIS)))
        _, rows = _rows(today, yday, act=window)
        assert {r[0]: r[3] for r in rows} == {
            "t": "département 38 (scope: département 69); also: not done yet",
            "y": "département 38 (scope: département 69); also: still planned on a past date"}

    def test_a_cancelled_visit_with_no_account(self) -> None:
        _, rows = _rows(visit("x", None, utc(5, 4, 8), status=ActivityStatus.CANCELLED))
        assert rows == [("x", "no_account", "no account", "the activity has no account; also: cancelled")]

    def test_a_former_owners_cancelled_visit_after_the_hand_over(self) -> None:
        handed = action(who=MARC, handed_over=(HandOver(JULIE, date(2027, 5, 5)),))
        _, rows = _rows(visit("x", "lyon", utc(5, 6, 8), status=ActivityStatus.CANCELLED), act=handed)
        assert rows == [("x", "handed_over", "after the hand-over",
                         f"owner {JULIE}, after the hand-over to {MARC} on 2027-05-05; also: cancelled")]

    def test_a_call_outside_the_scope_is_no_visit(self) -> None:
        """An activity of another type that fails another rule is not the rep's visit: not listed (a week's calls and
        to-dos would drown the answer)."""
        header, rows = _rows(visit("x", "grenoble", utc(5, 4, 8), kind=ActivityType.CALL),
                             visit("y", None, utc(5, 4, 9), kind=None))
        assert (header, rows) == ("0 / 5 (0%) — 0 counted, 0 not counted", [])


class TestAStatusSaidOnce:
    """A cancelled or no-show activity's row said its reason twice, in the reason and again as its detail: « annulée |
    annulée », "no-show | no-show" (audit reporttidy, 7 Dec 2026). It is said once, in the reason; the detail keeps
    only what it adds. Seen failing before the fix: the detail repeated it."""

    def test_cancelled_and_no_show_in_both_languages(self) -> None:
        activities = (visit("c", "lyon", utc(5, 4, 8), status=ActivityStatus.CANCELLED),
                      visit("n", "lyon", utc(5, 5, 8), status=ActivityStatus.NO_SHOW))
        _, en = _rows(*activities)
        assert en == [("c", "cancelled", "cancelled", ""), ("n", "no_show", "no-show", "")]
        _, fr = _rows(*activities, lang="fr")
        assert fr == [("c", "cancelled", "annulée", ""), ("n", "no_show", "absent (no-show)", "")]

    def test_a_call_not_answered_or_not_completed(self) -> None:
        """A call's no-show and cancellation read « appel sans réponse » / « appel non abouti » once too."""
        calls = action(kind=ActivityType.CALL)
        activities = (visit("c", "lyon", utc(5, 4, 8), kind=ActivityType.CALL, status=ActivityStatus.CANCELLED),
                      visit("n", "lyon", utc(5, 5, 8), kind=ActivityType.CALL, status=ActivityStatus.NO_SHOW))
        _, en = _rows(*activities, act=calls)
        assert en == [("c", "call_not_completed", "call not completed", ""),
                      ("n", "not_answered", "call not answered", "")]
        _, fr = _rows(*activities, act=calls, lang="fr")
        assert fr == [("c", "call_not_completed", "appel non abouti", ""),
                      ("n", "not_answered", "appel sans réponse", "")]

    def test_a_cause_named_before_the_status_keeps_it(self) -> None:
        """The status named after another cause is no repeat: « …; also: cancelled » stays."""
        _, rows = _rows(visit("x", None, utc(5, 4, 8), status=ActivityStatus.CANCELLED))
        assert rows == [("x", "no_account", "no account", "the activity has no account; also: cancelled")]


class TestOneCauseWords:
    def test_a_no_show_reads_in_english(self) -> None:
        """Seen failing before the fix: the detail read the engine's code "no_show"."""
        _, rows = _rows(visit("x", "lyon", utc(5, 4, 8), status=ActivityStatus.NO_SHOW))
        assert rows == [("x", "no_show", "no-show", "")]

    def test_an_unknown_account_is_named(self) -> None:
        """An activity on an account the store does not hold says which (a deleted or unread account), as the
        rejected table does; seen failing before the fix: "the activity has no known account"."""
        _, rows = _rows(visit("x", "ghost", utc(5, 4, 8)))
        assert rows == [("x", "no_account", "no account", "account ghost is not among the accounts of sf")]
        _, fr = _rows(visit("x", "ghost", utc(5, 4, 8)), lang="fr")
        assert fr == [("x", "no_account", "sans compte", "compte ghost n'est pas parmi les comptes de sf")]

    def test_an_annual_revenue_without_rate_in_french(self) -> None:
        """Seen failing before the fix: « CA annuel 1000000 CHF, inconnu in EUR: pas de taux … », half English."""
        big = action(scope=Scope((DEPT_69, Condition("annual_revenue", "gte", (Decimal("5000000"),), "CA ≥ 5 M€"))))
        _, fr = _rows(visit("x", "rich", utc(5, 4, 8)), act=big, lang="fr")
        assert fr == [("x", "outside_scope", "compte hors périmètre",
                       "CA annuel 1\u202f000\u202f000\u00a0CHF, inconnu en EUR : pas de taux de change pour CHF en EUR "
                       "(ajoutez-le à engine.fx_rates dans pac.yaml) (périmètre : CA ≥ 5 M€)")]

    def test_an_annual_revenue_bound_reads_in_english(self) -> None:
        """An English plan's explanation wrote the scope's bounds in French, « between 1,5 M and 2 Md » (a US reader's
        « 1,5 M » is no number, « Md » no unit); seen failing before the fix (audit amounts F6)."""
        band = Condition("annual_revenue", "between", (Decimal(1_500_000), Decimal(2_000_000_000)),
                         "CA annuel entre 1,5 M et 2 Md")
        _, en = _rows(visit("x", "rich", utc(5, 4, 8)), act=action(scope=Scope((DEPT_69, band))), lang="en")
        assert [row[3].endswith("(scope: annual revenue between 1.5 M and 2 bn)") for row in en] == [True], en
        _, fr = _rows(visit("x", "rich", utc(5, 4, 8)), act=action(scope=Scope((DEPT_69, band))), lang="fr")
        assert [row[3].endswith("(périmètre : CA annuel entre 1,5 M et 2 Md)") for row in fr] == [True]



class TestAxisRowsAddUp:
    """``pac explain AXIS``: the counted rows add up to the revenue the header shows, to the cent. Each share or
    converted amount rounded on its own drifted from the rounded total (three halves of 100.01: 3 x 50.01 = 150.03 under
    a revenue of 150.015 shown 150.02); the cents are given out as a ledger does (largest remainder first, then in the
    listed order)."""

    ACCOUNTS = (account("a1", "69003"), account("a2", "38000"))
    AS_OF = datetime(2027, 6, 1, tzinfo=PARIS)

    def _explain(self, deals: tuple[Deal, ...], settings: EngineSettings, axis_id: str) -> tuple[str, list[str]]:
        axes = (axis("AX-ALL", "SEG-ARA"), axis("AX-69", "SEG-ARA", scope=IN_69))
        p = plan(action(axis_id="AX-69"), axes=axes, language="en")
        evaluation = evaluate(p, Records(accounts=self.ACCOUNTS, deals=deals, users=USERS), as_of=self.AS_OF,
                              settings=settings, explain=True)
        explanation = explain_axis(p, evaluation, axis_id, deals={(d.source, d.id): d for d in deals})
        return explanation.header, [r["amount"] for r in explanation.rows]

    def test_three_halves_of_a_split(self) -> None:
        """Seen failing before the fix: €50.01 three times under « Revenue €150.02 »."""
        deals = tuple(won(f"e{i}", "a1", "100.01", date(2027, 2, i)) for i in (1, 2, 3))
        header, amounts = self._explain(deals, EngineSettings(attribution="split"), "AX-69")
        assert header.startswith("Revenue €150.02 ")
        assert amounts == ["€100.01 / 2 = €50.01", "€100.01 / 2 = €50.01", "€100.01 / 2 = €50.00"]

    def test_amounts_with_a_tenth_of_a_cent(self) -> None:
        """A HubSpot amount keeps the decimals typed: three deals of 10.005 are 30.015, shown €30.02; the rows read
        10.01, 10.01, 10.00 (seen failing before the fix: 10.01 three times, €30.03)."""
        deals = tuple(won(f"c{i}", "a1", "10.005", date(2027, 2, i)) for i in (1, 2, 3))
        header, amounts = self._explain(deals, EngineSettings(), "AX-69")
        assert header.startswith("Revenue €30.02 ")
        assert amounts == ["€10.01", "€10.01", "€10.00"]

    def test_converted_amounts_are_whole_cents(self) -> None:
        """CHF 10.10 at 1.05 is €10.605, converted to the cent (€10.61) before it is added: three are €31.83, as the
        rows read."""
        deals = tuple(won(f"c{i}", "a1", "10.10", date(2027, 2, i), currency="CHF") for i in (1, 2, 3))
        header, amounts = self._explain(deals, EngineSettings(fx_rates={"CHF": Decimal("1.05")}), "AX-69")
        assert header.startswith("Revenue €31.83 ")
        assert amounts == ["€10.61", "€10.61", "€10.61"]

    def test_a_credit_among_them(self) -> None:
        """A credit takes its share of the rounding too: 10.005 + 10.005 - 0.004 = 20.006, shown €20.01."""
        deals = (won("e1", "a1", "10.005", date(2027, 2, 1)), won("e2", "a1", "-0.004", date(2027, 2, 2)),
                 won("e3", "a1", "10.005", date(2027, 2, 3)))
        header, amounts = self._explain(deals, EngineSettings(), "AX-69")
        assert header.startswith("Revenue €20.01 ")
        assert amounts == ["€10.01", "€0.00", "€10.00"]


class TestDealsOutsideThePeriod:
    """« Why is the Durand order not in my revenue? »: a won deal of the axis's accounts closed just before the period
    (31 Dec for a 2027 objective) or dated after the last day counted (a won deal with a future close date) was listed
    nowhere (seen failing before the fix: only the counted deal). Within a month of the period's edges they are
    listed as not counted, ``outside_period``, with the day and the edge; further away they are not the answer."""

    def test_before_and_after(self) -> None:
        deals = (won("in", "a1", "100", date(2027, 2, 1)), won("before", "a1", "200", date(2026, 12, 31)),
                 won("future", "a1", "300", date(2027, 6, 15)), won("old", "a1", "400", date(2026, 11, 30)),
                 won("far", "a1", "500", date(2027, 7, 3)), won("elsewhere", "a2", "600", date(2026, 12, 31)))
        p = plan(action(axis_id="AX-69"), axes=(axis("AX-69", "SEG-ARA", scope=IN_69),), language="en")
        evaluation = evaluate(p, Records(accounts=TestAxisRowsAddUp.ACCOUNTS, deals=deals, users=USERS),
                              as_of=datetime(2027, 6, 1, 12, tzinfo=PARIS), explain=True)
        by_id = {(d.source, d.id): d for d in deals}
        en = explain_axis(p, evaluation, "AX-69", deals=by_id)
        assert en.header.startswith("Revenue €100.00 ") and en.header.endswith("1 deal counted, 2 not counted")
        assert [(r["record"], r["rule"], r["reason"], r["amount"], r["detail"]) for r in en.rows] == [
            ("in", "counted", "counted", "€100.00", ""),
            ("before", "outside_period", "outside the period", "€200.00",
             "closed on 2026-12-31, before the first day counted, 2027-01-01"),
            ("future", "outside_period", "outside the period", "€300.00",
             "closed on 2027-06-15, after the last day counted, 2027-06-01")]
        fr = explain_axis(p, evaluation, "AX-69", deals=by_id, lang="fr")
        assert [(r["reason"], r["detail"]) for r in fr.rows[1:]] == [
            ("hors de la période", "clôturée le 31 décembre 2026, avant le premier jour compté, le 1er janvier 2027"),
            ("hors de la période", "clôturée le 15 juin 2027, après le dernier jour compté, le 1er juin 2027")]
