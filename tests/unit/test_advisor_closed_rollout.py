"""An axis whose own period is over and that worked is suggested for roll-out (decision of the lead engineer, 6 Dec
2026, docs/engine.md *The advisor*): the manager's question at the end of an axis is whether to roll it out
elsewhere (pac-method.md, *Managing with the plan*). Its closing verdict (advisor2) gains « à reconduire et déployer
vers … » / "worth repeating and rolling out to …" when the roll-out rule's conditions hold on its final figures;
an ended axis that did not work gets none, and no drop either.

The plan: « Relance Isère » ran over the first quarter of 2027 only (cost 5,000, margin 30 %, objective 100,000
more); Rhône's axis over the year. Deals of 1 February, this year and last: Rhône 60,000 / 50,000 (+20 %), Isère
130,000 / 10,000, Savoie 10,000 / 10,000 (0 %), Ain 9,000 / 10,000 (-10 %). A visit of Isère's action in February.
By hand, Isère's axis: 120,000 more = 120 % of its objective; 120,000 x 30 % = 36,000 against 5,000: final ROI
(36,000 - 5,000) / 5,000 = 620 %; its period is 1 January 00:00 CET to 1 April 00:00 CEST = 2,159 hours =
89.958 days = 2.9555 months of 30.4375 days, paid back in 5,000 x 2.9555 / 36,000 = 0.41 months (« 0,4 mois »).
Savoie (0 %) and Ain (-10 %) grow less than 5 %: the targets; Rhône (+20 %) does not.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, datetime
from html import unescape

from connectors.base import Target
from pac_core.engine import EngineSettings, evaluate
from pac_core.plan import Axis, Plan, Segment, SegmentKind
from pac_core.records import Records
from pac_core.results import Evaluation, Recommendation, Rule
from pac_core.scopes import Condition, Scope
from pac_core.window import Window
from sync_jobs.cli_advice import advice_lines
from sync_jobs.cli_status import read_advice
from sync_jobs.diff import desired_state, record_key
from sync_jobs.notify.alerts import compute_alerts
from sync_jobs.notify.digest import render_digest
from sync_jobs.report import render_html, tables
from sync_jobs.report.evidence import rows as evidence_rows
from sync_jobs.report.fmt import NBSP, NNBSP, Formatter
from sync_jobs.report_inputs import ReportInputs
from sync_jobs.review import markdown
from sync_jobs.review.model import build_review
from sync_jobs.run_advice import kept_advice
from tests.unit.test_engine_support import PARIS, USERS, account, action, axis, plan, visit, won


def _segment(ident: str, name: str, departement: str) -> Segment:
    return Segment(ident, name, SegmentKind.HORIZONTAL, Scope((Condition("departement", "in", (departement,)),)))


SEGMENTS = (_segment("SEG-69", "Rhône", "69"), _segment("SEG-38", "Isère", "38"),
            _segment("SEG-73", "Savoie", "73"), _segment("SEG-01", "Ain", "01"))
ACCOUNTS = (account("r1", "69003"), account("i1", "38000"), account("s1", "73000"), account("a1", "01000"))
FEBRUARY = Window(datetime(2027, 2, 1, tzinfo=PARIS), datetime(2027, 3, 1, tzinfo=PARIS), "février")
Q1 = Window(datetime(2027, 1, 1, tzinfo=PARIS), datetime(2027, 4, 1, tzinfo=PARIS), "2027-T1")
AUGUST_15 = datetime(2027, 8, 15, 10, tzinfo=PARIS)
PLAN_END = datetime(2028, 1, 1, tzinfo=PARIS)      # the year-end report's instant (its advice kept)
IN_38 = Scope((Condition("departement", "in", ("38",)),))
VISITS = (visit("v-r1", "r1", datetime(2027, 2, 10, 9, tzinfo=PARIS)),
          visit("v-i1", "i1", datetime(2027, 2, 11, 9, tzinfo=PARIS)))
MANAGER = "claire@durand-process.example"

WORKED_FR = ("L'axe « Relance Isère » s'est terminé le 31 mars 2027 : il a atteint son objectif (120\u00a0% de "
             "l'objectif : CA supplémentaire 120\u202f000\u00a0€ sur 100\u202f000\u00a0€), ROI final 620\u00a0%, "
             "rentabilisé en 0,4\u00a0mois depuis le 1er janvier ; à reconduire et déployer vers « Savoie », « Ain », "
             "où la croissance est inférieure à 5\u00a0%.")
WORKED_EN = ('Axis "Relance Isère" ended on March 31, 2027: it reached its objective (120% of the objective: '
             'additional revenue €120,000 of €100,000), final ROI 620%, paid back in 0.4\u00a0months from January 1; '
             'worth repeating and rolling out to "Savoie", "Ain", where growth is below 5%.')


def _plan(*, language: str = "fr", twin_in_savoie: bool = False, isere_budget: str = "5000") -> Plan:
    isere = axis("AX-38", "SEG-38", budget=isere_budget, name="Relance Isère")
    assert isere.objective is not None
    axes: tuple[Axis, ...] = (
        axis("AX-69", "SEG-69", budget="5000", name="Grands comptes du Rhône", products=("PX200",)),
        replace(isere, objective=replace(isere.objective, period=Q1)))
    if twin_in_savoie:      # the same axis (same own scope, same products) already runs in Savoie
        axes += (axis("AX-73", "SEG-73", budget="5000", name="Relance Savoie"),)
    return plan(action(axis_id="AX-69", window=FEBRUARY), action("A-38", axis_id="AX-38", window=FEBRUARY, scope=IN_38),
                axes=axes, segments=SEGMENTS, language=language)


def _evaluate(p: Plan, isere_now: str, as_of: datetime = AUGUST_15, *, savoie_now: str = "10000") -> Evaluation:
    deals = [won(f"{ident}-{year}", ident, amount, date(year, 2, 1))
             for ident, now, before in (("r1", "60000", "50000"), ("i1", isere_now, "10000"),
                                        ("s1", savoie_now, "10000"), ("a1", "9000", "10000"))
             for year, amount in ((2027, now), (2026, before))]
    return evaluate(p, Records(accounts=ACCOUNTS, activities=VISITS, deals=tuple(deals), users=USERS),
                    as_of=as_of, settings=EngineSettings())


def _rec(ev: Evaluation, axis_id: str = "AX-38") -> Recommendation:
    [rec] = [r for r in ev.recommendations if r.axis_id == axis_id]
    return rec


def _text(html: str, section: str) -> str:
    start = html.index(f'<section id="{section}">')
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html[start:html.index("</section>", start)])))
    return text.replace(NNBSP, " ").replace(NBSP, " ")


def _plain(text: str) -> str:
    return text.replace(NNBSP, " ").replace(NBSP, " ")


class TestAnEndedAxisThatWorked:
    def test_its_closing_verdict_suggests_rolling_it_out_in_both_languages(self) -> None:
        """In August: the closing verdict, then the roll-out worded for what comes next (seen failing before the
        fix: the sentence ended at « ROI final 620 %. »)."""
        rec = _rec(_evaluate(_plan(), "130000"))
        assert rec.rule is Rule.CLOSED and rec.overruled == ()
        assert rec.summary == WORKED_FR
        assert rec.text("en") == WORKED_EN
        english = _rec(_evaluate(_plan(language="en"), "130000"))
        assert (english.summary, english.text("fr")) == (WORKED_EN, WORKED_FR)

    def test_its_evidence_holds_the_roll_outs_figures(self) -> None:
        rec = _rec(_evaluate(_plan(), "130000"))
        assert rec.evidence["to_segments"] == ["SEG-73", "SEG-01"]
        assert abs(rec.evidence["final_roi"] - 6.2) < 1e-9
        assert abs(rec.evidence["time_to_roi_months"] - 5000 * (2159 / 24 / 30.4375) / 36000) < 1e-9
        assert (rec.evidence["min_roi"], rec.evidence["max_months_to_roi"]) == (0.5, 6.0)
        p = _plan()
        shown = {label: value for label, value, _ in evidence_rows(rec.evidence, p, Formatter.for_plan(p, "fr"))}
        assert _plain(shown["Segments cibles"]) == "Savoie, Ain"
        assert _plain(shown["Croissance des segments cibles"]) == "Savoie 0 %, Ain −10 %"
        assert _plain(shown["Rentabilisé en (depuis le début de la période)"]) == "0,4 mois"
        assert _plain(shown["ROI final"]) == "620 %"
        assert "ROI à date de l'axe" not in shown      # its ROI is the final one, shown once

    def test_a_segment_running_the_same_axis_is_no_target(self) -> None:
        """Savoie already runs an equivalent axis: only Ain, and Savoie listed as left out."""
        rec = _rec(_evaluate(_plan(twin_in_savoie=True), "130000"))
        assert rec.summary.endswith("; à reconduire et déployer vers « Ain », où la croissance est inférieure à "
                                    "5\u00a0%.")
        assert rec.evidence["to_segments"] == ["SEG-01"] and list(rec.evidence["already_running"]) == ["SEG-73"]

    def test_at_the_roi_threshold(self) -> None:
        """35,000 in Isère: 25,000 more x 30 % = 7,500 against 5,000: ROI exactly 50 %, the minimum: rolled out;
        one cent less (34,999.99): ROI just below 50 %: the closing verdict alone."""
        at = _rec(_evaluate(_plan(), "35000"))
        assert "ROI final 50\u00a0%, rentabilisé en" in at.summary and "à reconduire et déployer vers" in at.summary
        below = _rec(_evaluate(_plan(), "34999.99"))
        assert below.rule is Rule.CLOSED and "reconduire" not in below.summary
        assert "to_segments" not in below.evidence

    def test_no_lagging_segment_no_suggestion(self) -> None:
        """Savoie at exactly +5 % (10,500 / 10,000) is not lagging, Ain is: Ain alone."""
        rec = _rec(_evaluate(_plan(), "130000", savoie_now="10500"))
        assert "vers « Ain », où" in rec.summary and "Savoie" not in rec.summary

    def test_a_free_axis_that_brought_revenue(self) -> None:
        rec = _rec(_evaluate(_plan(isere_budget="0"), "130000"))
        assert rec.summary.endswith("sur 100\u202f000\u00a0€), sans coût ; à reconduire et déployer vers « Savoie », "
                                    "« Ain », où la croissance est inférieure à 5\u00a0%.")
        assert rec.text("en").endswith('of €100,000), at no cost; worth repeating and rolling out to "Savoie", '
                                       '"Ain", where growth is below 5%.')


class TestAnEndedAxisThatDidNotWork:
    def test_its_verdict_says_it_missed_with_no_drop_and_no_roll_out(self) -> None:
        """22,000 in Isère: 12,000 more, 12 % of its objective; 3,600 against 5,000: ROI -28 %."""
        rec = _rec(_evaluate(_plan(), "22000"))
        assert rec.rule is Rule.CLOSED and rec.overruled == ()
        assert rec.summary == ("L'axe « Relance Isère » s'est terminé le 31 mars 2027 : il n'a pas atteint son "
                               "objectif (12\u00a0% de l'objectif : CA supplémentaire 12\u202f000\u00a0€ sur "
                               "100\u202f000\u00a0€), ROI final −28\u00a0%.")


class TestEverySurface:
    def test_pac_advice(self) -> None:
        p = _plan()
        lines = advice_lines(p, _evaluate(p, "130000"), "en", "AX-38")
        assert lines[1] == f"  [Ended] {_plain(WORKED_EN)}"      # a terminal's plain spaces (cli_advice)
        assert "    - Target segments: Savoie, Ain" in lines

    def test_pac_status(self) -> None:
        """`pac status` prints the advice the run kept (stored as JSON with the run)."""
        p = _plan()
        kept = json.loads(json.dumps(kept_advice(p, _evaluate(p, "130000"))))
        [rec] = [r for r in read_advice(1, kept).recommendations if r.axis_id == "AX-38"]
        assert (rec.summary, rec.text("en")) == (WORKED_FR, WORKED_EN)

    def test_the_monthly_review(self) -> None:
        p = _plan()
        review = build_review(p, _evaluate(p, "130000"), None, month="2027-08", previous=None, previous_source=None,
                              next_until=datetime(2027, 9, 1, tzinfo=PARIS))
        assert _plain(WORKED_EN) in _plain(markdown.render(review, "en"))
        assert _plain(WORKED_FR) in _plain(markdown.render(review, "fr"))

    def test_the_crm_advice_field(self) -> None:
        p = _plan()
        ev = _evaluate(p, "130000")
        assert desired_state(p, ev)[(Target.AXIS, record_key(p, "AX-38"))]["advice"] == WORKED_FR

    def test_the_report_and_its_workbook(self) -> None:
        p = _plan()
        ev = _evaluate(p, "130000")
        assert f"Terminé Relance Isère · Isère {_plain(WORKED_FR)}" in _text(render_html(ReportInputs(p, ev)), "recos")
        assert f"Ended Relance Isère · Isère {_plain(WORKED_EN)}" in _text(render_html(ReportInputs(p, ev), "en"),
                                                                           "recos")
        _, rows = tables.recommendations(ReportInputs(p, ev), Formatter.for_plan(p, "fr"))
        [row] = [r for r in rows if r[1] == "Relance Isère"]
        assert row[0] == "Terminé" and row[3] == WORKED_FR and "Segments cibles : Savoie, Ain" in _plain(row[4])

    def test_the_digest(self) -> None:
        """A new alert when the suggestion comes (its own key): a closing verdict told alone on 1 April, and the
        roll-out found later when a segment starts lagging, is told again."""
        p = replace(_plan(), people=(*_plan().people, replace(_plan().people[0], email=MANAGER, role="manager")))
        ev = _evaluate(p, "130000")
        [alert] = [a for a in compute_alerts(p, ev, [], month="2027-08") if a.kind == "recommendation"
                   and a.subject == "AX-38"]
        assert alert.key == "reco:closed:AX-38:roll_out"
        assert f"- Ended · Relance Isère: {WORKED_EN}" in render_digest([alert], "en")[1].splitlines()
        missed = _evaluate(p, "22000")
        assert [a.key for a in compute_alerts(p, missed, [], month="2027-08") if a.subject == "AX-38"
                and a.kind == "recommendation"] == ["reco:closed:AX-38"]


class TestTheYearEnd:
    """The year-end report (evaluated at the plan's end instant, advice kept and worded for the next plan) is where
    the manager prepares next year: an axis of the first quarter that worked is suggested there too."""

    def test_the_year_end_report_suggests_it_for_the_next_plan(self) -> None:
        p = _plan()
        ev = _evaluate(p, "130000", PLAN_END)
        assert _rec(ev).summary == WORKED_FR
        fr = _text(render_html(ReportInputs(p, ev)), "recos")
        assert "Pour le plan suivant" in fr and f"Terminé Relance Isère · Isère {_plain(WORKED_FR)}" in fr
        en = _text(render_html(ReportInputs(p, ev), "en"), "recos")
        assert "For the next plan" in en and f"Ended Relance Isère · Isère {_plain(WORKED_EN)}" in en
        _, rows = tables.recommendations(ReportInputs(p, ev), Formatter.for_plan(p, "en"))
        assert [r[3] for r in rows if r[1] == "Relance Isère"] == [WORKED_EN]
