"""``pac explain`` data: the header line and the rows, counted first, with reasons."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from pac_core.engine import EngineSettings, evaluate
from pac_core.explain import Explanation, explain_action, explain_axis
from pac_core.matching import local_minute
from pac_core.plan import ActivityType, Axis, Counting, Plan, Segment, SegmentKind
from pac_core.records import Account, Activity, ActivityStatus, Deal, DealLine, Records
from pac_core.results import Evaluation
from pac_core.scopes import EVERYTHING, Condition, Scope, parse_scope
from tests.unit.test_engine_support import (
    DEPT_69,
    IN_69,
    JULIE,
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
from tests.unit.test_engine_worked_example import ACCOUNTS, ACTIVITIES, AS_OF, _evaluate


class TestExplain:
    def test_header_of_the_worked_example(self) -> None:
        """The English header reads "4 / 5 (80%) — 4 counted, 8 not counted" (the report's "80%"; it read "80 %")."""
        p = plan(language="en")
        assert explain_action(p, _evaluate(), "A-01").header == "4 / 5 (80%) — 4 counted, 8 not counted"

    def test_french_header(self) -> None:
        """A French plan gets a French header."""
        assert explain_action(plan(), _evaluate(), "A-01").header.endswith("4 comptées, 8 non comptées")

    def test_rows_counted_first_with_local_times_and_names(self) -> None:
        """Rows list counted visits first, in Paris time, with account names when given."""
        rows = explain_action(plan(), _evaluate(), "A-01", accounts={("sf", "lyon-a"): "Lyon A"}).rows
        assert [r["counted"] for r in rows] == [True] * 4 + [False] * 8
        first_lyon = next(r for r in rows if r["record"] == "v1")
        assert (first_lyon["account"], first_lyon["when"], first_lyon["reason"]) == ("Lyon A", "2027-05-03 09:30",
                                                                                     "comptée")

    def test_another_activity_type_is_named_in_the_plans_words(self) -> None:
        """v10, Julie's call: « appel, pas visite » in French, "call, not visit" in English (the French line read
        « call, pas visit », the engine's codes; « quote_follow_up » for a quote follow-up)."""
        fr = {r["record"]: r["detail"] for r in explain_action(plan(), _evaluate(), "A-01").rows}
        en = {r["record"]: r["detail"] for r in explain_action(plan(language="en"), _evaluate(), "A-01").rows}
        assert (fr["v10"], en["v10"]) == ("appel, pas visite", "call, not visit")
        # a visit outside the window says which days the window holds (ISO weeks differ from US weeks: US audit)
        assert (fr["v4"], en["v4"]) == ("10 mai 2027 à 00:15, après la période « semaine 18 » (du 3 au 9 mai 2027)",
                                        "2027-05-10 00:15, after the window “week 18” (2027-05-03 – 2027-05-09)")

    def test_limit(self) -> None:
        """The limit cuts the rows, not the header's counts, and the header says so."""
        explanation = explain_action(plan(), _evaluate(), "A-01", limit=3)
        assert len(explanation.rows) == 3
        assert explanation.header.endswith("4 comptées, 8 non comptées ; seules les 3 premières sont listées")

    def test_unknown_action(self) -> None:
        """An unknown action id names the known ones."""
        with pytest.raises(KeyError, match="known: A-01"):
            explain_action(plan(), _evaluate(), "A-99")


class TestStillPlannedOnAPastDate:
    """Audit hsdoc F4: a visit dated in the past whose outcome is still "Scheduled" (HubSpot) or whose status is still
    "Not Started" (Salesforce) is no visit still to come: its outcome was never updated."""

    ACCOUNTS = (account("lyon", "69003"), account("grenoble", "38000"))
    AS_OF = datetime(2027, 5, 7, 18, tzinfo=PARIS)

    def _evaluate(self, *activities):
        records = Records(accounts=self.ACCOUNTS, activities=tuple(activities), users=USERS)
        return evaluate(plan(action(), language="en"), records, as_of=self.AS_OF, explain=True)

    def test_explain_says_the_outcome_must_be_updated(self) -> None:
        """Tuesday's visit still planned on Friday evening reads "still planned on a past date" / « toujours prévue,
        à une date passée » with the fix, not "not done yet" (seen failing before: « pas encore réalisée »)."""
        evaluation = self._evaluate(visit("m2", "lyon", utc(5, 4, 8), status=ActivityStatus.PLANNED))
        en = explain_action(plan(language="en"), evaluation, "A-01").rows
        fr = explain_action(plan(), evaluation, "A-01").rows
        assert [(r["record"], r["rule"], r["reason"], r["detail"]) for r in en] == [
            ("m2", "planned_past", "still planned on a past date",
             "update its outcome or status in the CRM for it to count")]
        assert [(r["reason"], r["detail"]) for r in fr] == [
            ("toujours prévue, à une date passée",
             "mettez à jour son résultat ou son statut dans le CRM pour qu'elle compte")]

    def test_the_evaluation_warns_of_those_that_would_count(self) -> None:
        """Only the planned visit that would count for A-01 but for its status is a data-quality warning, once,
        naming the action (seen failing before: no warning at all); the one at 19:00 today has not happened yet, and
        a planned visit of Marc's, one outside the scope (Grenoble), one of no mapped type (a to-do) and one before
        the window are no concern of the plan's."""
        evaluation = self._evaluate(
            visit("m2", "lyon", utc(5, 4, 8), status=ActivityStatus.PLANNED),
            visit("later", "lyon", utc(5, 7, 17), status=ActivityStatus.PLANNED),
            visit("marc", "lyon", utc(5, 4, 8), status=ActivityStatus.PLANNED, owner="005M"),
            visit("grenoble", "grenoble", utc(5, 4, 8), status=ActivityStatus.PLANNED),
            visit("todo", "lyon", utc(5, 4, 8), status=ActivityStatus.PLANNED, kind=None),
            visit("april", "lyon", utc(4, 20, 8), status=ActivityStatus.PLANNED),
            visit("done", "lyon", utc(5, 5, 8)))
        assert evaluation.action("A-01").done == 1
        assert [(w.record_id, w.rule, w.counted, w.detail, w.when) for w in evaluation.warnings] == [
            ("m2", "planned_past", False, "still planned on 2027-05-04, a past date: update its outcome or status in "
             "the CRM for it to count (A-01)", utc(5, 4, 8))]

    def test_a_task_due_today_is_no_past_date_until_its_day_is_over(self) -> None:
        """A Salesforce task dated by its day alone (ActivityDate, no time), still "Not Started" on its own day: the
        rep has the day to do it, as a whole-day visit has happened once its day is over. Audit oracle2counts F2: the
        02:00 night warned « still planned on 2027-05-07, a past date » of every task due that day (and pac explain
        said « toujours prévue, à une date passée »); yesterday's is one nobody closed."""
        evaluation = self._evaluate(visit("today", "lyon", None, status=ActivityStatus.PLANNED, day=date(2027, 5, 7)),
                                    visit("yday", "lyon", None, status=ActivityStatus.PLANNED, day=date(2027, 5, 6)))
        assert [(w.record_id, w.detail) for w in evaluation.warnings] == [
            ("yday", "still planned on 2027-05-06, a past date: update its outcome or status in the CRM for it to "
             "count (A-01)")]
        rows = {r["record"]: (r["rule"], r["reason"]) for r in explain_action(plan(), evaluation, "A-01").rows}
        assert rows == {"today": ("planned", "pas encore réalisée"),
                        "yday": ("planned_past", "toujours prévue, à une date passée")}
        at_midnight = evaluate(plan(action()), Records(accounts=self.ACCOUNTS, users=USERS, activities=(
            visit("today", "lyon", None, status=ActivityStatus.PLANNED, day=date(2027, 5, 7)),)),
            as_of=datetime(2027, 5, 8, tzinfo=PARIS))
        assert [w.record_id for w in at_midnight.warnings] == ["today"]     # its day is over at 8 May 00:00


class TestAgreement:
    """French headers agree with their count: 0 and 1 in the singular, 2 and more in the plural; English ones
    say « 1 deal »."""

    def test_one_visit_counted(self) -> None:
        """One visit of a target of 5 counted, none missed: « 1 comptée, 0 non comptée » (was « 1 comptées,
        0 non comptées »); 1/5 = 20 %."""
        p = plan(action(axis_id="AX-69"), axes=(axis("AX-69", "SEG-ARA"),))
        records = Records(accounts=(account("a1", "69003"),), users=USERS,
                          activities=(visit("v1", "a1", datetime(2027, 5, 4, 10, tzinfo=PARIS)),))
        ev = evaluate(p, records, as_of=datetime(2027, 6, 1, tzinfo=PARIS), explain=True)
        assert explain_action(p, ev, "A-01").header == "1 / 5 (20\u00a0%) — 1 comptée, 0 non comptée"

    def test_counted_visits_beyond_the_limit_are_in_the_header(self) -> None:
        """``counted_limit`` 2, three accounts visited: the header says 3 counted (it said 2, the listed ones,
        while done read 3), lists 2 rows and says so."""
        p = plan(action(axis_id="AX-69"), axes=(axis("AX-69", "SEG-ARA"),))
        visits = tuple(visit(f"v{d}", f"a{d}", datetime(2027, 5, d, 10, tzinfo=PARIS)) for d in (3, 4, 5))
        accounts = tuple(account(f"a{d}", "69003") for d in (3, 4, 5))
        ev = evaluate(p, Records(accounts=accounts, users=USERS, activities=visits),
                      as_of=datetime(2027, 6, 1, tzinfo=PARIS), explain=True,
                      settings=EngineSettings(counted_limit=2))
        explanation = explain_action(p, ev, "A-01", lang="en")
        assert explanation.header == "3 / 5 (60%) — 3 counted, 0 not counted; only the first 2 are listed"
        assert [r["record"] for r in explanation.rows] == ["v3", "v4"]
        assert explain_action(p, ev, "A-01").header.endswith(
            "3 comptées, 0 non comptée ; seules les 2 premières sont listées")

    def test_one_deal_counted_and_one_without_amount(self) -> None:
        """An axis with one won deal, of no amount: « 1 affaire comptée, 0 non comptée ; 1 sans montant (comptée
        pour 0 …) » / « 1 deal counted, 0 not counted » (were « 1 affaires comptées … (comptées pour 0 » and
        « 1 deals counted … fix them »)."""
        p = plan(action(axis_id="AX-69"), axes=(axis("AX-69", "SEG-ARA"),))
        deal = won("d1", "a1", None, date(2027, 5, 4))
        ev = evaluate(p, Records(accounts=(account("a1", "69003"),), deals=(deal,), users=USERS),
                      as_of=datetime(2027, 6, 1, tzinfo=PARIS), explain=True)
        deals = {("sf", "d1"): deal}
        assert explain_axis(p, ev, "AX-69", deals=deals).header.endswith(
            "1 affaire comptée, 0 non comptée ; 1 sans montant (comptée pour 0 : à corriger dans le CRM)")
        assert explain_axis(p, ev, "AX-69", deals=deals, lang="en").header.endswith(
            "1 deal counted, 0 not counted; 1 with no amount (counted as 0: fix it in the CRM)")


    def test_a_credit_is_listed_as_subtracted(self) -> None:
        """An order of 10,000 and a credit of -2,000: revenue 8,000, the credit listed with its negative amount as
        « avoir (montant négatif), déduit » and named in the header (audit revenue F1: it was rejected
        ``negative_amount`` and the revenue read 10,000)."""
        p = plan(action(axis_id="AX-69"), axes=(axis("AX-69", "SEG-ARA"),))
        deals = (won("o", "a1", "10000", date(2027, 3, 1)), won("c", "a1", "-2000", date(2027, 3, 5)))
        ev = evaluate(p, Records(accounts=(account("a1", "69003"),), deals=deals, users=USERS),
                      as_of=datetime(2027, 6, 1, tzinfo=PARIS), explain=True)
        by_id = {(d.source, d.id): d for d in deals}
        fr = explain_axis(p, ev, "AX-69", deals=by_id)
        assert fr.header.startswith("CA 8\u202f000,00\u00a0€") and fr.header.endswith(
            "2 affaires comptées, 0 non comptée ; 1 avoir déduit")
        credit = next(r for r in fr.rows if r["record"] == "c")
        assert (credit["rule"], credit["reason"], credit["amount"]) == (
            "credit", "avoir (montant négatif), déduit", "−2\u202f000,00\u00a0€")
        assert explain_axis(p, ev, "AX-69", deals=by_id, lang="en").header.endswith(
            "2 deals counted, 0 not counted; 1 credit subtracted")


def _axis_69(*deals: Deal, limit: int = 50,
             who: tuple[str, ...] = ()) -> tuple[Plan, Evaluation, dict[tuple[str, str], Deal]]:
    """One axis on the 69 with these won deals (account a1), evaluated on 1 June 2027, ``deal_decision_limit``
    = ``limit``."""
    p = plan(action(axis_id="AX-69"), axes=(replace(axis("AX-69", "SEG-ARA"), who=who),))
    ev = evaluate(p, Records(accounts=(account("a1", "69003"),), deals=deals, users=USERS),
                  as_of=datetime(2027, 6, 1, tzinfo=PARIS), settings=EngineSettings(deal_decision_limit=limit),
                  explain=True)
    return p, ev, {(d.source, d.id): d for d in deals}


class TestDealsBeyondTheLimit:
    """The engine lists at most ``deal_decision_limit`` deals of an axis; the header counts them all (audit G4:
    an axis of 60 deals read "50 deals counted")."""

    def test_sixty_deals_listed_fifty(self) -> None:
        """60 won deals of 100 (one a day from 1 January): revenue 60 x 100 = 6 000, 60 counted, 50 listed."""
        deals = [won(f"d{i:02d}", "a1", "100", date(2027, 1, 1) + timedelta(days=i)) for i in range(60)]
        p, ev, by_id = _axis_69(*deals)
        assert ev.axis("AX-69").revenue == Decimal(6000)
        en = explain_axis(p, ev, "AX-69", deals=by_id, lang="en")
        assert en.header == ("Revenue €6,000.00 (baseline €0.00, additional €6,000.00, objective €100,000.00) — "
                             "60 deals counted, 0 not counted; only the first 50 are listed")
        assert len(en.rows) == 50 and all(r["counted"] for r in en.rows)
        assert explain_axis(p, ev, "AX-69", deals=by_id).header.endswith(
            "— 60 affaires comptées, 0 non comptée ; seules les 50 premières sont listées")

    def test_unlisted_deals_without_amount_are_counted_in_the_header(self) -> None:
        """5 deals, limit 3: 100, 200, 300 listed; the 4th and 5th (no amount, worth 0) are not listed but the
        header says 5 counted, 2 with no amount, revenue 600."""
        deals = [won("d1", "a1", "100", date(2027, 2, 1)), won("d2", "a1", "200", date(2027, 2, 2)),
                 won("d3", "a1", "300", date(2027, 2, 3)), won("d4", "a1", None, date(2027, 2, 4)),
                 won("d5", "a1", None, date(2027, 2, 5))]
        p, ev, by_id = _axis_69(*deals, limit=3)
        en = explain_axis(p, ev, "AX-69", deals=by_id, lang="en")
        assert en.header.startswith("Revenue €600.00 ")
        assert en.header.endswith("— 5 deals counted, 0 not counted; 2 with no amount (counted as 0: fix them in the "
                                  "CRM); only the first 3 are listed")
        assert [r["record"] for r in en.rows] == ["d1", "d2", "d3"] and en.warnings == 2

    def test_deals_left_out_beyond_the_limit(self) -> None:
        """An axis for Julie's deals, limit 2: Julie's 3 deals counted (2 listed), Marc's 3 left out (2 listed);
        revenue 10 + 20 + 30 = 60."""
        mine = [won(f"j{i}", "a1", str(10 * i), date(2027, 3, i)) for i in (1, 2, 3)]
        marc = [replace(won(f"m{i}", "a1", "1000", date(2027, 3, i)), owner_id="005M") for i in (1, 2, 3)]
        p, ev, by_id = _axis_69(*mine, *marc, limit=2, who=(JULIE,))
        en = explain_axis(p, ev, "AX-69", deals=by_id, lang="en")
        assert en.header.startswith("Revenue €60.00 ")
        assert en.header.endswith("— 3 deals counted, 3 not counted; only the first 4 are listed")
        assert [(r["record"], r["rule"]) for r in en.rows] == [("j1", "counted"), ("j2", "counted"),
                                                                ("m1", "other_deal_owner"), ("m2", "other_deal_owner")]
        assert explain_axis(p, ev, "AX-69", deals=by_id).header.endswith(
            "— 3 affaires comptées, 3 non comptées ; seules les 4 premières sont listées")

    def test_the_explain_limit_is_said_too(self) -> None:
        """``pac explain --limit 1`` of an axis with 2 deals: "only the first is listed"; with every deal listed
        the header adds nothing."""
        deals = [won("d1", "a1", "100", date(2027, 2, 1)), won("d2", "a1", "200", date(2027, 2, 2))]
        p, ev, by_id = _axis_69(*deals)
        assert explain_axis(p, ev, "AX-69", deals=by_id, lang="en", limit=1).header.endswith(
            "— 2 deals counted, 0 not counted; only the first is listed")
        assert explain_axis(p, ev, "AX-69", deals=by_id, limit=1).header.endswith(
            "— 2 affaires comptées, 0 non comptée ; seule la première est listée")
        assert explain_axis(p, ev, "AX-69", deals=by_id, lang="en").header.endswith("— 2 deals counted, 0 not counted")


class TestSplitAttribution:
    """``attribution: split``: each listed deal shows the share the axis counts, with its divisor, so the rows add
    up to the header (audit G6: the rows showed the whole 900 under a header of 450); under the default,
    ``full``, the whole amounts."""

    @staticmethod
    def _split(baseline: str | None = None) -> tuple[Plan, Evaluation, tuple[Deal, ...], dict[tuple[str, str], Deal]]:
        """AX-ALL (every account, ``baseline`` fixed when given) and AX-69 live, three won deals, split attribution,
        evaluated on 1 June 2027: (plan, evaluation, deals, deals by (source, id))."""
        axes = (axis("AX-ALL", "SEG-ARA", baseline=baseline), axis("AX-69", "SEG-ARA", scope=IN_69))
        p = plan(action(axis_id="AX-69"), axes=axes)
        deals = (won("e1", "a1", "900", date(2027, 2, 1)), won("e2", "a2", "300", date(2027, 2, 2)),
                 won("e3", "a1", "100.01", date(2027, 2, 3)))
        ev = evaluate(p, Records(accounts=(account("a1", "69003"), account("a2", "38000")), deals=deals,
                                 users=USERS),
                      as_of=datetime(2027, 6, 1, tzinfo=PARIS), settings=EngineSettings(attribution="split"),
                      explain=True)
        return p, ev, deals, {(d.source, d.id): d for d in deals}

    def test_rows_show_the_share_and_add_up_to_the_header(self) -> None:
        """AX-ALL (every account) and AX-69 (the 69) are live. e1 900 and e3 100.01 on a1 (69) are counted by both:
        900 / 2 = 450, 100.01 / 2 = 50.005 -> 50.01 (half up); e2 300 on a2 (38) by AX-ALL alone: 300, no divisor.
        AX-ALL's revenue 450 + 50.005 + 300 = 800.005 -> 800.01 shown; rows 450.00 + 50.01 + 300.00 = 800.01."""
        p, ev, deals, by_id = self._split()
        assert ev.axis("AX-ALL").revenue == Decimal("800.005")
        en = explain_axis(p, ev, "AX-ALL", deals=by_id, lang="en")
        assert en.header.startswith("Revenue €800.01 ")
        assert [(r["record"], r["amount"]) for r in en.rows] == [
            ("e1", "€900.00 / 2 = €450.00"), ("e2", "€300.00"), ("e3", "€100.01 / 2 = €50.01")]
        fr = explain_axis(p, ev, "AX-ALL", deals=by_id)
        assert [r["amount"].replace("\u202f", " ").replace("\u00a0", " ") for r in fr.rows] == [
            "900,00 € / 2 = 450,00 €", "300,00 €", "100,01 € / 2 = 50,01 €"]
        assert [r["amount"] for r in explain_axis(p, ev, "AX-69", deals=by_id, lang="en").rows] == [
            "€900.00 / 2 = €450.00", "€100.01 / 2 = €50.01"]
        full = evaluate(p, Records(accounts=(account("a1", "69003"), account("a2", "38000")), deals=deals,
                                   users=USERS), as_of=datetime(2027, 6, 1, tzinfo=PARIS), explain=True)
        assert [r["amount"] for r in explain_axis(p, full, "AX-ALL", deals=by_id, lang="en").rows] == [
            "€900.00", "€300.00", "€100.01"]   # the default, full attribution: whole amounts, no divisor


    def test_the_headers_three_figures_add_up(self) -> None:
        """The same deals, AX-ALL with a fixed baseline of 1,001 pro-rated to 1 June (151 / 365 days = 414.1123…):
        revenue 800.005 and baseline to the cent read 800.01 and 414.11, so the additional revenue reads 385.90, their
        difference as shown (the report's ``shown_additional``, audit revenue F6), not 385.89 from the exact 385.8927.
        Seen failing before the fix: "additional €385.89"."""
        p, ev, _, by_id = self._split(baseline="1001")
        assert explain_axis(p, ev, "AX-ALL", deals=by_id, lang="en").header.startswith(
            "Revenue €800.01 (baseline €414.11, additional €385.90, objective €100,000.00)")
        assert explain_axis(p, ev, "AX-ALL", deals=by_id).header.replace("\u202f", " ").startswith(
            "CA 800,01\u00a0€ (référence 414,11\u00a0€, supplémentaire 385,90\u00a0€, objectif 100 000,00\u00a0€)")


class TestNearMissWords:
    """usplan audit F6: the window's label read after "before"/"after" ("before by end of Q2"), and two visits of the
    night the clocks go back shown at the same local time."""

    def test_the_windows_label_is_quoted(self) -> None:
        """Failed before: "2027-05-10 00:15, after by end of week 18 (…)"."""
        base = plan(language="en")
        a01 = base.action("A-01")
        renamed = replace(a01, window=replace(a01.window, label="by end of week 18"))
        moved = replace(base, actions=tuple(renamed if a.id == "A-01" else a for a in base.actions))
        evaluation = evaluate(moved, Records(accounts=ACCOUNTS, activities=ACTIVITIES, users=USERS), as_of=AS_OF,
                              explain=True)
        en = {r["record"]: r["detail"] for r in explain_action(moved, evaluation, "A-01").rows}
        assert en["v4"] == "2027-05-10 00:15, after the window “by end of week 18” (2027-05-03 – 2027-05-09)"
        fr = {r["record"]: r["detail"] for r in explain_action(moved, evaluation, "A-01", lang="fr").rows}
        assert fr["v4"] == "10 mai 2027 à 00:15, après la période « by end of week 18 » (du 3 au 9 mai 2027)"

    def test_an_activity_dated_by_its_day_is_shown_by_its_day(self) -> None:
        """An all-day visit on Monday 10 May (the day after week 18) and a task due on Sunday 2 May, done on the 4th
        (dated by its due day): their day, as the table's date column shows them, not a midnight nobody wrote. Audit
        oracle2counts F3: « 2027-05-10 00:00, après la période « semaine 18 » »."""
        acts = (visit("allday", "lyon", None, day=date(2027, 5, 10)),
                visit("late", "lyon", utc(5, 4, 8), day=date(2027, 5, 2)))
        evaluation = evaluate(plan(language="en"), Records(accounts=(account("lyon", "69003"),), activities=acts,
                                                           users=USERS), as_of=AS_OF, explain=True)
        fr = {r["record"]: r["detail"] for r in explain_action(plan(), evaluation, "A-01", lang="fr").rows}
        assert fr == {"allday": "10 mai 2027, après la période « semaine 18 » (du 3 au 9 mai 2027)",
                      # and the task's completion after it (audit explainspan)
                      "late": "échéance le 2 mai 2027, avant la période « semaine 18 » (du 3 au 9 mai 2027) ; "
                              "terminée le 4 mai à 10:00"}

    def test_a_repeated_hour_shows_its_zone(self) -> None:
        """01:30 on 7 November 2027 happens twice in Chicago (CDT, then CST an hour later): each says which;
        other times stay bare. Failed before: no local_minute (both read 2027-11-07 01:30)."""
        chicago = ZoneInfo("America/Chicago")
        first = datetime(2027, 11, 7, 6, 30, tzinfo=UTC)
        assert [local_minute(t, chicago) for t in (first, first + timedelta(hours=1), first + timedelta(hours=3))] == [
            "2027-11-07 01:30 CDT", "2027-11-07 01:30 CST", "2027-11-07 03:30"]
        assert local_minute(datetime(2027, 3, 14, 8, 30, tzinfo=UTC), chicago) == "2027-03-14 03:30"


class TestDealsOfADeletedAccount:
    def test_a_won_deal_whose_account_was_deleted_is_listed_as_not_counted(self) -> None:
        """Audit hsengage F2: Lyon A's 1,000 EUR deal counts; Epsilon (69005) was deleted in the CRM and its 1,500 EUR
        won deal, still live, does not count: the axis must list it as not counted, « supprimée : le compte a été
        supprimé dans le CRM », as an action lists a visit of a deleted account, so a manager sees which deal the
        revenue lost. A deleted account outside the axis's scope (Paris) lists nothing. Seen failing before the
        fix: only d1 listed, "1 deal counted, 0 not counted"."""
        deals = (won("d1", "a1", "1000", date(2027, 3, 1)), won("d5", "a5", "1500", date(2027, 3, 5)),
                 won("d7", "p7", "700", date(2027, 3, 6)))
        accounts = (account("a1", "69003"), account("a5", "69005", deleted=True),
                    account("p7", "75003", region="Île-de-France", deleted=True))
        p = plan(action(axis_id="AX-69"), axes=(axis("AX-69", "SEG-ARA"),))
        ev = evaluate(p, Records(accounts=accounts, deals=deals, users=USERS), as_of=datetime(2027, 6, 1, tzinfo=PARIS),
                      explain=True)
        by_id = {(d.source, d.id): d for d in deals}
        assert ev.axis("AX-69").revenue == Decimal(1000)
        en = explain_axis(p, ev, "AX-69", deals=by_id, lang="en")
        assert en.header.endswith("— 1 deal counted, 1 not counted")
        assert [(r["record"], r["counted"], r["reason"], r["detail"], r["amount"]) for r in en.rows] == [
            ("d1", True, "counted", "", "€1,000.00"),
            ("d5", False, "deleted", "the account was deleted in the CRM", "€1,500.00")]
        fr = explain_axis(p, ev, "AX-69", deals=by_id)
        assert (fr.rows[1]["reason"], fr.rows[1]["detail"]) == ("supprimée", "le compte a été supprimé dans le CRM")


class TestUnplacedAccounts:
    """Audit matching F5: an account France does not place (its postal code gives no département, or it has none)
    is neither in the 69 nor outside it, and `pac explain` names the postal code that gave no département."""

    ACCOUNTS = (Account("lyon-a", "sf", "Lyon A", postal_code="69003", departement="69",
                        region="Auvergne-Rhône-Alpes", country="FR", dormant=True),
                Account("bastia-x", "sf", "Bastia X", postal_code="20300", country="FR", dormant=True),
                Account("grenoble-c", "sf", "Grenoble C", postal_code="38000", departement="38",
                        region="Auvergne-Rhône-Alpes", country="FR", dormant=True),
                Account("lyon-d", "sf", "Lyon D", country="FR", dormant=True),
                Account("geneve-e", "sf", "Genève E", postal_code="1204", country="CH", dormant=True))
    VISITS = tuple(visit(f"v{i}", a.id, utc(5, 4 + i, 8)) for i, a in enumerate(ACCOUNTS))

    def _explained(self, scope: Scope, language: str) -> tuple[int, dict[str, tuple[bool, str]]]:
        everywhere = (Segment("SEG", "France", SegmentKind.HORIZONTAL, EVERYTHING),)
        p = plan(action(scope=scope, axis_id="AX", text="Visiter 5 clients hors du 69"), language=language,
                 segments=everywhere, axes=(Axis("AX", "Tous", "SEG", EVERYTHING),))
        evaluation = evaluate(p, Records(accounts=self.ACCOUNTS, activities=self.VISITS, users=USERS),
                              as_of=datetime(2027, 5, 20, 18, tzinfo=PARIS), explain=True)
        rows = explain_action(p, evaluation, "A-01").rows
        return evaluation.action("A-01").done, {r["record"]: (r["counted"], r["detail"]) for r in rows}

    def test_outside_the_69_counts_only_accounts_placed_elsewhere(self) -> None:
        """`not: {departement: 69}` counts Grenoble (38) and Geneva (abroad: in no département at all), not the
        account whose postal code gives no département nor the one with no postal code: they may be in the 69.
        Seen failing before: 4 (both counted as « outside the 69 », plainly, no word)."""
        done, rows = self._explained(parse_scope({"not": {"departement": 69}}), "fr")
        assert done == 2
        assert rows["v1"] == (False, "département inconnu, code postal '20300' : aucun département "
                                     "(périmètre : hors département 69)")
        assert rows["v3"] == (False, "département inconnu, sans code postal (périmètre : hors département 69)")
        assert rows["v2"][0] and rows["v4"][0] and not rows["v0"][0]

    def test_the_detail_names_the_postal_code_that_gave_no_departement(self) -> None:
        """In the 69: the unplaced account says why, in either language (before: « département inconnu » only)."""
        done, rows = self._explained(IN_69, "en")
        assert done == 1
        assert rows["v1"] == (False, "département unknown, postal code '20300' gives no département "
                                     "(scope: département 69)")
        assert rows["v4"] == (False, "no département, country CH (scope: département 69)")


class TestCallOutcomeWords:
    """Audit matching F6: a call not answered is no « no-show » (the word is a meeting's outcome's)."""

    def test_a_call_not_answered_reads_call_not_answered(self) -> None:
        """Seen failing before the fix: « absent (no-show) » / "no-show", detail « absent » / "no_show". A cancelled
        call (HubSpot's Wrong number) is no « annulée » appointment: « appel non abouti » (seen failing before: the
        rule was ``cancelled``, read « annulée » / "cancelled")."""
        calls = (visit("c1", "lyon-a", utc(5, 4, 8), kind=ActivityType.CALL, status=ActivityStatus.NO_SHOW),
                 visit("c2", "lyon-a", utc(5, 4, 9), kind=ActivityType.CALL, status=ActivityStatus.CANCELLED))
        p = plan(action(kind=ActivityType.CALL, counting=Counting.ACTIVITIES, text="Appeler 5 clients"))
        evaluation = evaluate(p, Records(accounts=(account("lyon-a", "69003"),), activities=calls, users=USERS),
                              as_of=AS_OF, explain=True)
        fr = {r["record"]: (r["rule"], r["reason"], r["detail"]) for r in explain_action(p, evaluation, "A-01").rows}
        en = {r["record"]: (r["reason"], r["detail"])
              for r in explain_action(p, evaluation, "A-01", lang="en").rows}
        # said once, in the reason (audit reporttidy: the detail repeated it)
        assert fr["c1"] == ("not_answered", "appel sans réponse", "")
        assert en["c1"] == ("call not answered", "")
        assert fr["c2"] == ("call_not_completed", "appel non abouti", "")
        assert en["c2"] == ("call not completed", "")

    def test_a_visit_no_show_keeps_its_word(self) -> None:
        """A meeting's no-show stays « absent (no-show) »."""
        visits = (visit("m1", "lyon-a", utc(5, 4, 8), status=ActivityStatus.NO_SHOW),)
        p = plan(action())
        evaluation = evaluate(p, Records(accounts=(account("lyon-a", "69003"),), activities=visits, users=USERS),
                              as_of=AS_OF, explain=True)
        rows = explain_action(p, evaluation, "A-01").rows
        assert [(r["rule"], r["reason"]) for r in rows] == [("no_show", "absent (no-show)")]


class TestRuleDormancyWords:
    """Audit matching F8: rule-based dormancy (no CRM flag) says why an account is not dormant at the reference date
    (the action's first day, 3 May 2027; 12 months)."""

    def _details(self, language: str) -> tuple[int, dict[str, str]]:
        accounts = tuple(account(i, "69003", dormant=None, name=i)
                         for i in ("prospect", "recent", "exactly12", "day1", "old", "later"))
        deals = (won("d1", "recent", "1000", date(2026, 11, 3)), won("d2", "exactly12", "1000", date(2026, 5, 3)),
                 won("d3", "day1", "1000", date(2025, 1, 10)), won("d3b", "day1", "1000", date(2027, 5, 3)),
                 won("d4", "old", "1000", date(2026, 5, 2)), won("d5", "later", "1000", date(2027, 5, 4)))
        visits = tuple(visit(f"v{i}", a.id, utc(5, 5, 8 + i)) for i, a in enumerate(accounts))
        p = plan(action(), language=language)
        evaluation = evaluate(p, Records(accounts=accounts, activities=visits, users=USERS, deals=deals),
                              as_of=datetime(2027, 5, 20, tzinfo=PARIS), explain=True)
        rows = explain_action(p, evaluation, "A-01").rows
        return evaluation.action("A-01").done, {r["account"]: r["detail"] for r in rows if not r["counted"]}

    def test_the_detail_gives_the_evidence_in_french(self) -> None:
        """Seen failing before the fix: « non dormant (périmètre : clients dormants) » for all four. « exactly12 »
        (3 May 2026) is within the 12 months before 3 May 2027 by the rule: the detail says from which day. Its days in
        French words, « le 3 novembre 2026 » (they read « le 2026-11-03 »: audit nearmissfmt)."""
        done, details = self._details("fr")
        assert done == 2
        assert details == {
            "prospect": "non dormant : jamais d'affaire gagnée (prospect) (périmètre : clients dormants)",
            "recent": "non dormant : dernière affaire gagnée le 3 novembre 2026, dans les 12 mois avant le 3 mai 2027 "
                      "(depuis le 3 mai 2026) (périmètre : clients dormants)",
            "exactly12": "non dormant : dernière affaire gagnée le 3 mai 2026, dans les 12 mois avant le 3 mai 2027 "
                         "(depuis le 3 mai 2026) (périmètre : clients dormants)",
            "later": "non dormant : aucune affaire gagnée avant le 3 mai 2027 (prospect à cette date) "
                     "(périmètre : clients dormants)"}

    def test_the_detail_gives_the_evidence_in_english(self) -> None:
        _, details = self._details("en")
        assert details["prospect"] == "not dormant: never won a deal (prospect) (scope: dormant customers)"
        assert details["exactly12"] == ("not dormant: last won deal on 2026-05-03, within the 12 months before "
                                        "2027-05-03 (from 2026-05-03) (scope: dormant customers)")

    def test_a_dormant_account_out_of_a_not_dormant_scope(self) -> None:
        """``dormant: false`` (rule): the dormant account's detail says since when it has not bought."""
        accounts = (account("old", "69003", dormant=None, name="old"),)
        p = plan(action(scope=Scope((DEPT_69, Condition("dormant", "is", (False,), "clients actifs")))))
        evaluation = evaluate(p, Records(accounts=accounts, activities=(visit("v0", "old", utc(5, 5, 8)),),
                                         users=USERS, deals=(won("d4", "old", "1000", date(2026, 5, 2)),)),
                              as_of=datetime(2027, 5, 20, tzinfo=PARIS), explain=True)
        assert [r["detail"] for r in explain_action(p, evaluation, "A-01").rows] == [
            "dormant : aucune affaire gagnée depuis le 3 mai 2026 (12 mois avant le 3 mai 2027), la dernière le "
            "2 mai 2026 (périmètre : clients actifs)"]


def test_a_product_axis_lists_the_line_sold_under_the_renamed_product() -> None:
    """An axis on ``product_code: PX-1``: D1's line sold as PX-1 and D2's sold as PX-2 after the library item 7 was
    renamed (HubSpot keeps each line item's own SKU). Both count (one product, by ``hs_product_id``: 1,000 + 2,000);
    the product lines column names D2's line as it was sold, PX-2 2,000, beside its 2,000 counted. Audit hshand6:
    the column was empty for D2 (``pac explain`` matched the deals' lines without the item's other SKUs, where the
    revenue matched them with), a counted product deal that showed no product line."""
    px1 = DealLine("PX-1", Decimal(1), Decimal(1000), code="PX-1", name="Pompe PX", product_id="7")
    px2 = DealLine("PX-2", Decimal(1), Decimal(2000), code="PX-2", name="Pompe PX v2", product_id="7")
    scope = Scope((Condition("product_code", "in", ("PX-1",), "produit PX-1"),))
    p = plan(action(axis_id="AX-PX"), axes=(axis("AX-PX", "SEG-ARA", scope=scope),))
    deals = (won("d1", "a1", "1000", date(2027, 3, 1), lines=(px1,)),
             won("d2", "a1", "2000", date(2027, 4, 1), lines=(px2,)))
    ev = evaluate(p, Records(accounts=(account("a1", "69003"),), deals=deals, users=USERS),
                  as_of=datetime(2027, 6, 1, tzinfo=PARIS), explain=True)
    assert ev.axis("AX-PX").revenue == Decimal(3000)
    rows = explain_axis(p, ev, "AX-PX", deals={(d.source, d.id): d for d in deals}, lang="en").rows
    assert [(r["record"], r["lines"]) for r in rows] == [("d1", "PX-1 €1,000.00"), ("d2", "PX-2 €2,000.00")]


class TestNothingToList:
    """A live action whose owner logged nothing near its window (a rep on holiday) read « 0 / 5 (0 %) — 0 comptée, 0
    non comptée » over an empty table and no word, as an action to come did before audit explainus; a line says why
    (audit sfhand6)."""

    def _explained(self, *activities: Activity, language: str = "fr", as_of: datetime = AS_OF) -> Explanation:
        p = plan(action(who="marc.dubois@durand-process.example"), language=language)
        records = Records(accounts=ACCOUNTS, activities=activities, users=USERS)
        return explain_action(p, evaluate(p, records, as_of=as_of, explain=True), "A-01")

    def test_a_rep_with_nothing_near_the_window_is_told_so(self) -> None:
        fr, en = self._explained(), self._explained(language="en")
        assert (fr.header, fr.rows) == ("0 / 5 (0\xa0%) — 0 comptée, 0 non comptée", ())
        assert fr.nothing == (
            "Rien à lister : ni marc.dubois@durand-process.example dans sa période « semaine 18 » (du 3 au 9 mai "
            "2027) ou un jour autour, ni un autre commercial sur ses comptes, n'a d'activité (visite) qui "
            "approche de compter. S'il y a eu des visites, pac ne les a pas : faites-les saisir dans le CRM, au statut "
            "réalisé, sur le compte du client et à leur date réelle ; le prochain `pac sync` les lira. Sinon (un "
            "commercial absent), reprogrammez l'action (son `when`) ou passez-la à un autre commercial "
            "(`handed_over`) dans le plan.")
        assert en.nothing == (
            "Nothing to list: no activity of marc.dubois@durand-process.example in its window “semaine 18” "
            "(2027-05-03 – 2027-05-09) or a day around it comes near to counting, nor does another rep's visit on its "
            "accounts. If there were visits, pac does not have them: have them logged in the CRM as completed, on the "
            "customer's account and at their real date; the next `pac sync` reads them. If not (a rep away), "
            "reschedule the action (its `when`) or hand it over to another rep (`handed_over`) in the plan.")

    def test_no_line_once_something_is_listed_nor_for_an_action_to_come(self) -> None:
        julies = self._explained(visit("v1", "lyon-a", utc(5, 4, 8)))
        assert (len(julies.rows), julies.nothing) == (1, "")
        ahead = self._explained(as_of=datetime(2027, 4, 20, 18, tzinfo=PARIS))
        assert (ahead.nothing, ahead.to_come != "") == ("", True)
