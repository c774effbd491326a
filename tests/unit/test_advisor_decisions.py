"""The advisor's product decisions of 6 Dec 2026 (docs/engine.md, *The advisor*): an axis whose own period is over gets
a closing verdict in the past tense, never a forward-looking one; a free axis bringing revenue meets the roll-out's
ROI and payback conditions; a segment whose revenue went negative is said to fall by an amount, not « 400 % »; a
segment with no revenue last year is no roll-out target, and the evidence says so."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from html import unescape

from connectors.base import Target
from pac_core.engine import EngineSettings, evaluate
from pac_core.plan import Axis, Plan, Segment, SegmentKind
from pac_core.records import Records
from pac_core.results import Evaluation, Rule
from pac_core.scopes import Condition, Scope
from pac_core.window import Window
from sync_jobs.cli_advice import advice_lines
from sync_jobs.diff import desired_state, record_key
from sync_jobs.report import render_html, tables
from sync_jobs.report.evidence import rows as evidence_rows
from sync_jobs.report.fmt import NBSP, NNBSP, Formatter
from sync_jobs.report.i18n import enum_label, for_next_plan
from sync_jobs.report_inputs import ReportInputs
from tests.unit.test_engine_support import PARIS, USERS, account, action, axis, plan, visit, won

SEGMENTS = (
    Segment("SEG-69", "Rhône", SegmentKind.HORIZONTAL, Scope((Condition("departement", "in", ("69",)),))),
    Segment("SEG-38", "Isère", SegmentKind.HORIZONTAL, Scope((Condition("departement", "in", ("38",)),))),
)
ACCOUNTS = (account("r1", "69003"), account("i1", "38000"))
SETTINGS = EngineSettings()
FEBRUARY = Window(datetime(2027, 2, 1, tzinfo=PARIS), datetime(2027, 3, 1, tzinfo=PARIS), "février")
Q1 = Window(datetime(2027, 1, 1, tzinfo=PARIS), datetime(2027, 4, 1, tzinfo=PARIS), "2027-T1")
AUGUST_15 = datetime(2027, 8, 15, 10, tzinfo=PARIS)
APRIL_1 = datetime(2027, 4, 1, tzinfo=PARIS)
VISITS = (visit("v-r1", "r1", datetime(2027, 2, 10, 9, tzinfo=PARIS)),)


def _deals(rhone_now: str, rhone_before: str, isere_now: str, isere_before: str) -> list:
    return [won("r-now", "r1", rhone_now, date(2027, 2, 1)), won("r-then", "r1", rhone_before, date(2026, 2, 1)),
            won("i-now", "i1", isere_now, date(2027, 2, 1)), won("i-then", "i1", isere_before, date(2026, 2, 1))]


def _in_q1(a: Axis) -> Axis:
    assert a.objective is not None
    return replace(a, objective=replace(a.objective, period=Q1))


def _plan(*, language: str = "fr", rhone_budget: str = "5000", isere_budget: str = "5000",
          isere_additional: str = "100000", isere_q1: bool = False) -> Plan:
    isere = axis("AX-38", "SEG-38", budget=isere_budget, name="Relance Isère", additional=isere_additional)
    axes = (axis("AX-69", "SEG-69", budget=rhone_budget, name="Grands comptes du Rhône", products=("PX200",)),
            _in_q1(isere) if isere_q1 else isere)
    return plan(action(axis_id="AX-69", window=FEBRUARY), axes=axes, segments=SEGMENTS, language=language)


def _evaluate(p: Plan, deals: list, as_of: datetime, visits: tuple = VISITS) -> Evaluation:
    return evaluate(p, Records(accounts=ACCOUNTS, activities=visits, deals=tuple(deals), users=USERS),
                    as_of=as_of, settings=SETTINGS)


def _rec(ev: Evaluation, axis_id: str):
    [rec] = [r for r in ev.recommendations if r.axis_id == axis_id]
    return rec


class TestAnAxisWhosePeriodIsOver:
    """Decision 1: Isère's axis ran over the first quarter only; in August it was « Abandonner … après 100 % de la
    période » (seen failing before the fix), in the CRM's field all year."""

    def test_a_closing_verdict_in_the_past_tense_not_a_drop(self) -> None:
        """Isère's axis brought 12,000 more (22,000 against 10,000) of its 100,000: 12 % of its objective; 12,000 x
        30 % = 3,600 against its whole cost of 5,000: final ROI -28 %."""
        ev = _evaluate(_plan(isere_q1=True), _deals("60000", "50000", "22000", "10000"), AUGUST_15)
        rec = _rec(ev, "AX-38")
        assert rec.rule is Rule.CLOSED and rec.overruled == ()
        assert rec.summary == ("L'axe « Relance Isère » s'est terminé le 31 mars 2027 : il n'a pas atteint son "
                               "objectif (12\u00a0% de l'objectif : CA supplémentaire 12\u202f000\u00a0€ sur "
                               "100\u202f000\u00a0€), ROI final −28\u00a0%.")
        assert rec.text("en") == ('Axis "Relance Isère" ended on March 31, 2027: it did not reach its objective '
                                  '(12% of the objective: additional revenue €12,000 of €100,000), final ROI −28%.')
        assert rec.evidence["reached"] is False and abs(rec.evidence["final_roi"] + 0.28) < 1e-9

    def test_the_day_after_its_period_ends(self) -> None:
        """On its last day (31 March, 23:00) the drop rule still speaks (100 % of its period elapsed, ROI -100 %);
        from 1 April 00:00:01 its period is over: the closing verdict."""
        p = _plan(isere_q1=True)
        deals = _deals("60000", "50000", "10000", "10000")
        assert _rec(_evaluate(p, deals, datetime(2027, 3, 31, 23, tzinfo=PARIS)), "AX-38").rule is Rule.DROP
        assert _rec(_evaluate(p, deals, APRIL_1.replace(second=1)), "AX-38").rule is Rule.CLOSED

    def test_at_its_end_instant_the_quarters_report_closes_it(self) -> None:
        """1 April 00:00 is the instant `pac report --quarter 2027-Q1` and the Q1 snapshot evaluate (« Situation à
        la fin du 31 mars 2027 »): nothing of the axis's period is left, as `period_closed` says of the plan. The Q1
        report read « Abandonner l'axe « Relance Isère » (ROI à date -100 % après 100 % de la période …) », and with
        its objective reached nothing at all, while the CRM's field said « s'est terminé le 31 mars 2027 » from the
        night's run on (audit reporthand; seen failing before the fix: Rule.DROP, then no recommendation).
        An axis whose period ends with the plan's keeps its advice at that instant, worded for the next plan (the
        year-end report: docs/report.md)."""
        p = _plan(isere_q1=True)
        missed = _rec(_evaluate(p, _deals("60000", "50000", "10000", "10000"), APRIL_1), "AX-38")
        assert missed.rule is Rule.CLOSED and missed.overruled == ()
        # 0 more of 100,000; 0 x 30 % against the whole 5,000: final ROI -100 %
        assert missed.summary == ("L'axe « Relance Isère » s'est terminé le 31 mars 2027 : il n'a pas atteint son "
                                  "objectif (0\u00a0% de l'objectif : CA supplémentaire 0\u00a0€ sur "
                                  "100\u202f000\u00a0€), ROI final −100\u00a0%.")
        reached = [r for r in _evaluate(p, _deals("60000", "50000", "130000", "10000"), APRIL_1).recommendations
                   if r.axis_id == "AX-38"]
        assert [r.rule for r in reached] == [Rule.CLOSED]
        # the year-long Rhône axis at the plan's end instant: its rules still speak: 10,000 more x 30 % = 3,000
        # against its whole 5,000: ROI -40 % after 100 % of its period, a drop (« Ne pas reconduire » in the report)
        year_end = _evaluate(p, _deals("60000", "50000", "10000", "10000"), datetime(2028, 1, 1, tzinfo=PARIS))
        assert _rec(year_end, "AX-69").rule is Rule.DROP

    def test_an_objective_reached(self) -> None:
        """120,000 more of 100,000: reached, 120 %; 36,000 x 1 against 5,000: ROI 620 %."""
        ev = _evaluate(_plan(isere_q1=True, language="en"), _deals("60000", "50000", "130000", "10000"), AUGUST_15)
        rec = _rec(ev, "AX-38")
        assert rec.summary == ('Axis "Relance Isère" ended on March 31, 2027: it reached its objective (120% of the '
                               'objective: additional revenue €120,000 of €100,000), final ROI 620%.')
        assert rec.text("fr").startswith("L'axe « Relance Isère » s'est terminé le 31 mars 2027 : il a atteint "
                                         "son objectif (120\u00a0%")

    def test_just_short_of_the_objective_does_not_read_100(self) -> None:
        """99,990 of 100,000: not reached, and not « 100 % » beside it."""
        ev = _evaluate(_plan(isere_q1=True), _deals("60000", "50000", "109990", "10000"), AUGUST_15)
        assert "il n'a pas atteint son objectif (99,99\u00a0% de l'objectif" in _rec(ev, "AX-38").summary

    def test_a_free_axis_closes_with_no_cost(self) -> None:
        ev = _evaluate(_plan(isere_q1=True, isere_budget="0"), _deals("60000", "50000", "22000", "10000"), AUGUST_15)
        rec = _rec(ev, "AX-38")
        assert rec.summary.endswith("sur 100\u202f000\u00a0€), sans coût.")
        assert rec.text("en").endswith("of €100,000), at no cost.")

    def test_never_the_axis_to_put_the_effort_into(self) -> None:
        """Rhône's axis loses money in August (10,000 more: ROI -3.5 %): it is dropped, and not in favour of Isère's
        axis, over since March, whatever its ROI."""
        ev = _evaluate(_plan(isere_q1=True), _deals("60000", "50000", "130000", "10000"), AUGUST_15)
        rec = _rec(ev, "AX-69")
        assert rec.rule is Rule.DROP and rec.evidence["in_favour_of"] is None

    def test_every_surface_shows_it(self) -> None:
        """pac advice (the rule's word and the evidence), the report's heading for the rule in both its wordings,
        and the next plan's wording leaves the sentence as it is."""
        p = _plan(isere_q1=True)
        ev = _evaluate(p, _deals("60000", "50000", "22000", "10000"), AUGUST_15)
        lines = advice_lines(p, ev, "fr", "AX-38")
        assert lines[1].startswith("  [Terminé] L'axe « Relance Isère » s'est terminé le 31 mars 2027")
        assert "    - Part de l'objectif atteinte : 12 %" in lines
        assert "    - ROI final : −28 %" in lines
        assert "Abandonner" not in "\n".join(lines)
        assert [enum_label(kind, "closed", lang) for kind in ("rule", "rule_next") for lang in ("fr", "en")] == [
            "Terminé", "Ended", "Terminé", "Ended"]
        rec = _rec(ev, "AX-38")
        assert for_next_plan(rec.summary, "fr") == rec.summary

    def test_the_crm_field_and_the_report(self) -> None:
        """The CRM's advice field holds the closing verdict (not « Abandonner »), and the report's recommendations
        give it under its rule's word, in either language."""
        p = _plan(isere_q1=True)
        ev = _evaluate(p, _deals("60000", "50000", "22000", "10000"), AUGUST_15)
        field = desired_state(p, ev)[(Target.AXIS, record_key(p, "AX-38"))]["advice"]
        assert field == _rec(ev, "AX-38").summary and "Abandonner" not in field
        for lang, head in (("fr", "Terminé Relance Isère · Isère L'axe « Relance Isère » s'est terminé le 31 mars "
                                  "2027"),
                           ("en", 'Ended Relance Isère · Isère Axis "Relance Isère" ended on March 31, 2027')):
            html = render_html(ReportInputs(p, ev), lang)
            start = html.index('<section id="recos">')
            text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html[start:html.index("</section>", start)])))
            assert head in text.replace(NNBSP, " ").replace(NBSP, " ")

    def test_the_evidence_reads_below_the_objective(self) -> None:
        ev = _evaluate(_plan(isere_q1=True), _deals("60000", "50000", "109990", "10000"), AUGUST_15)
        shown = dict((label, value) for label, value, _ in evidence_rows(_rec(ev, "AX-38").evidence, _plan(),
                                                                           Formatter.for_plan(_plan(), "fr")))
        assert shown["Part de l'objectif atteinte"] == "99,99\u00a0%"
        assert (shown["Fin de la période de l'axe"], shown["Objectif atteint"]) == ("31 mars 2027", "✗")


class TestAFreeAxisRollsOut:
    """Decision 2: Rhône's axis costs nothing and brings 100,000 more while Isère is flat: it was never rolled out
    (ROI None; seen failing before the fix)."""

    def test_rolled_out_with_no_cost(self) -> None:
        ev = _evaluate(_plan(rhone_budget="0"), _deals("150000", "50000", "10000", "10000"), APRIL_1)
        rec = _rec(ev, "AX-69")
        assert rec.rule is Rule.ROLL_OUT and rec.evidence["to_segments"] == ["SEG-38"]
        assert rec.evidence["time_to_roi_months"] == 0.0 and rec.evidence["roi"] is None
        assert rec.summary.startswith("Déployer l'axe « Grands comptes du Rhône » (sans coût, CA supplémentaire "
                                      "100\u202f000\u00a0€ sur « Rhône ») vers « Isère »")
        assert rec.text("en").startswith('Roll out axis "Grands comptes du Rhône" (no cost, additional revenue '
                                         '€100,000 in "Rhône") to "Isère"')

    def test_the_other_conditions_still_apply(self) -> None:
        """Nothing more (free but no return), nobody carried it out, or too early in the year: no roll-out."""
        flat = _evaluate(_plan(rhone_budget="0"), _deals("50000", "50000", "10000", "10000"), APRIL_1)
        idle = _evaluate(_plan(rhone_budget="0"), _deals("150000", "50000", "10000", "10000"), APRIL_1, visits=())
        early = _evaluate(_plan(rhone_budget="0"), _deals("150000", "50000", "10000", "10000"),
                          datetime(2027, 2, 20, tzinfo=PARIS))
        for ev in (flat, idle, early):
            assert Rule.ROLL_OUT not in {r.rule for r in ev.recommendations}


class TestANegativeSegment:
    """Decision 3: Isère sold 10,000 last year and -3,000 this year (credits): « recule de 130 % » (seen failing
    before the fix), now the amount."""

    def test_the_decline_is_an_amount(self) -> None:
        ev = _evaluate(_plan(), _deals("60000", "50000", "-3000", "10000"), APRIL_1)
        rec = _rec(ev, "AX-38")
        assert rec.rule is Rule.PRIORITISE
        assert ("le chiffre d'affaires de « Isère » recule de 13\u202f000\u00a0€ (de 10\u202f000\u00a0€ à "
                "−3\u202f000\u00a0€ ; seuil 10\u00a0%)") in rec.summary
        assert 'revenue of "Isère" is down €13,000 (from €10,000 to −€3,000; threshold 10%)' in rec.text("en")
        assert "%" not in rec.summary.split("recule de")[1].split(";")[0]

    def test_the_evidence_says_the_amount(self) -> None:
        p = _plan()
        ev = _evaluate(p, _deals("60000", "50000", "-3000", "10000"), APRIL_1)
        shown = {label: value for label, value, _ in evidence_rows(_rec(ev, "AX-38").evidence, p,
                                                                     Formatter.for_plan(p, "fr"))}
        assert shown["Évolution du segment"] == "−13\u202f000\u00a0€"

    def test_a_target_segment_gone_negative_reads_as_an_amount(self) -> None:
        """Rhône's axis rolls out to Isère, whose revenue went from 10,000 to -3,000: its growth reads -13,000 €."""
        p = _plan()
        ev = _evaluate(p, _deals("150000", "50000", "-3000", "10000"), APRIL_1)
        [rec] = [r for r in ev.recommendations if r.rule is Rule.ROLL_OUT]
        shown = {label: value for label, value, _ in evidence_rows(rec.evidence, p, Formatter.for_plan(p, "fr"))}
        assert shown["Croissance des segments cibles"] == "Isère −13\u202f000\u00a0€"


class TestASegmentWithNoRevenueLastYear:
    """Decision 4 (kept): growth from nothing has no percentage, so Isère (0 last year) is no roll-out target; the
    evidence lists it as left out for that reason instead of skipping it silently."""

    def test_listed_as_left_out(self) -> None:
        p = _plan()
        deals = [won("r-now", "r1", "150000", date(2027, 2, 1)), won("r-then", "r1", "50000", date(2026, 2, 1))]
        three = (*SEGMENTS, Segment("SEG-01", "Ain", SegmentKind.HORIZONTAL,
                                    Scope((Condition("departement", "in", ("01",)),))))
        p = replace(p, segments=three)
        ev = evaluate(p, Records(accounts=(*ACCOUNTS, account("a1", "01000")), activities=VISITS,
                                 deals=(*deals, won("a-then", "a1", "10000", date(2026, 2, 1)),
                                        won("a-now", "a1", "10000", date(2027, 2, 1))), users=USERS),
                      as_of=APRIL_1, settings=SETTINGS)
        rec = _rec(ev, "AX-69")
        assert rec.rule is Rule.ROLL_OUT and rec.evidence["to_segments"] == ["SEG-01"]
        assert rec.evidence["no_revenue_last_year"] == ["SEG-38"]
        shown = {label: value for label, value, _ in evidence_rows(rec.evidence, p, Formatter.for_plan(p, "en"))}
        assert shown["Segments left out (no revenue last year)"] == "Isère"


def _segment_card(html: str, name: str) -> str:
    start = html.index('<section id="segments">')
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html[start:html.index("</section>", start)])))
    text = text.replace(NNBSP, " ").replace(NBSP, " ")
    return text[text.index(name):]


class TestTheReportsSegmentTrend:
    """Decisions 3 and 4 where a manager looks at a segment: its card's trend read « -130 % » for a revenue gone below
    0 and « – » for a segment with no revenue last year (seen failing before the fix)."""

    def test_a_negative_revenue_reads_as_an_amount(self) -> None:
        p = _plan()
        ev = _evaluate(p, _deals("60000", "50000", "-3000", "10000"), APRIL_1)
        card = _segment_card(render_html(ReportInputs(p, ev)), "Isère")
        assert "Tendance −13 000 €" in card and "−130 %" not in card
        assert "Trend −€13,000" in _segment_card(render_html(ReportInputs(p, ev), "en"), "Isère")

    def test_no_revenue_last_year_is_said(self) -> None:
        p = _plan()
        deals = [won("r-now", "r1", "60000", date(2027, 2, 1)), won("r-then", "r1", "50000", date(2026, 2, 1)),
                 won("i-now", "i1", "5000", date(2027, 2, 1))]
        ev = _evaluate(p, deals, APRIL_1)
        assert "Tendance aucun CA l'an dernier" in _segment_card(render_html(ReportInputs(p, ev)), "Isère")
        assert "Trend no revenue last year" in _segment_card(render_html(ReportInputs(p, ev), "en"), "Isère")

    def test_the_workbook_has_no_percentage_for_it(self) -> None:
        """The workbook's trend column (a percentage cell) is left empty for a revenue below 0, as for no revenue
        last year; its additional revenue column beside it has the amount."""
        p = _plan()
        ev = _evaluate(p, _deals("60000", "50000", "-3000", "10000"), APRIL_1)
        cols, rows = tables.segments(ReportInputs(p, ev), Formatter.for_plan(p, "fr"))
        trend = [name for name, _ in cols].index("Tendance")
        assert abs(rows[0][trend] - 0.2) < 1e-9 and rows[1][trend] is None
        assert rows[1][trend - 2] == -13000
