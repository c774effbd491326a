"""The report's KPI section (per axis, per segment, formulas) and its advice (overruled rules, context)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from html import unescape

import pytest

from pac_core.engine import evaluate
from pac_core.plan import ContextChange, ContextKind, Impact
from pac_core.records import Records
from sync_jobs.report import render_html, tables
from sync_jobs.report.fmt import NBSP, NNBSP, Formatter
from sync_jobs.report.i18n import for_next_plan
from sync_jobs.report_inputs import ReportInputs
from tests.unit import report_fixtures as fx
from tests.unit.test_advisor_coherent import ACCOUNTS, ISERE, RHONE, _deals
from tests.unit.test_engine_support import PARIS, USERS, action, axis, plan
from tests.unit.test_kpi_vocabulary import AS_OF, _plan, _records


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)).replace(NNBSP, " ").replace(NBSP, " "))


def _section(html: str, anchor: str) -> str:
    start = html.index(f'<section id="{anchor}">')
    return html[start:html.index("</section>", start)]


def _kpi_inputs() -> ReportInputs:
    base = _plan()
    the_axis = base.axes[0]
    assert the_axis.objective is not None
    the_plan = replace(base, axes=(replace(the_axis, objective=replace(
        the_axis.objective, kpis=("reactivation_rate", "win_rate", "pipeline_created"))),))
    return ReportInputs(the_plan, evaluate(the_plan, _records(), as_of=AS_OF))


class TestKpiSection:
    def test_named_kpis_per_axis_with_their_parts(self) -> None:
        """The axis shows the three KPIs it names, in order, each with its parts (the hand-computed figures)."""
        text = plain(_section(render_html(_kpi_inputs()), "kpis"))
        assert "Taux de réactivation 67 % (2 / 3) Taux de réussite 67 % (4 / 6) Pipeline créé 12 000 €" in text

    def test_segments_and_formulas(self) -> None:
        """The segment row gives the core KPIs over its own scope; the formulas of what is shown follow."""
        text = plain(_section(render_html(_kpi_inputs()), "kpis"))
        assert "Auvergne-Rhône-Alpes 67 % 2 / 3 71 % 5 / 7" in text        # reactivation, then win rate 5 / 7
        assert ("Taux de réussite affaires (opportunités CRM) gagnées / gagnées + perdues, conclues sur la "
                "période") in text

    def test_english_report(self) -> None:
        """In English the KPI names and formulas are English."""
        text = plain(_section(render_html(_kpi_inputs(), "en"), "kpis"))
        assert "Reactivation rate 67% (2 / 3)" in text.replace("67 %", "67%")
        assert "deals (CRM opportunities) won / won + lost, closed in the period" in text


    def test_the_conversion_formula_gives_the_configured_window(self) -> None:
        """The visit-to-win formula names the conversion window the engine used (engine.attribution_days), not a
        fixed 90 days. Seen failing before: a 60-day setting still read "90 jours"."""
        base = _kpi_inputs()
        the_axis = base.plan.axes[0]
        assert the_axis.objective is not None
        the_plan = replace(base.plan, axes=(replace(the_axis, objective=replace(
            the_axis.objective, kpis=("visit_to_win",))),))
        inputs = replace(base, plan=the_plan, attribution_days=60)
        text = plain(_section(render_html(inputs), "kpis"))
        assert "affaire gagnée dans les 60 jours (attribution_days) après l'une de leurs visites" in text
        assert "90 jours" not in text
        assert "within 60 days" in plain(_section(render_html(inputs, "en"), "kpis"))

    def test_win_rate_formula_says_what_it_counts(self) -> None:
        """The plan named « taux de transformation »; the report shows « Taux de réussite » with a formula line saying
        it counts CRM opportunities, won / won + lost, and that it is the plan's « taux de transformation » (audit E
        F11: « affaires gagnées / affaires conclues » left the reader guessing whether quotes or prospects counted)."""
        base = _kpi_inputs()
        the_axis = base.plan.axes[0]
        assert the_axis.objective is not None
        the_plan = replace(base.plan, axes=(replace(the_axis, objective=replace(
            the_axis.objective, kpis=("win_rate",))),))
        inputs = replace(base, plan=the_plan)
        fr = plain(_section(render_html(inputs), "kpis"))
        assert ("Taux de réussite affaires (opportunités CRM) gagnées / gagnées + perdues, conclues sur la période, en "
                "nombre (le « taux de transformation » d'un plan est ce chiffre)") in fr
        en = plain(_section(render_html(inputs, "en"), "kpis"))
        assert "Win rate deals (CRM opportunities) won / won + lost, closed in the period, by number" in en

    def test_per_visit_formulas_say_every_counted_activity_counts(self) -> None:
        """« CA par visite » divides by every activity the axis's actions count, calls and meetings too
        (activities_done): its formula line says so, as do visit-to-win's and coverage's, under the managers' KPI
        names. Seen failing on the old code: "chiffre d'affaires de l'axe / visites comptées", and a manager
        divided 96,500 by the 3 visits (32,167) where pac divided by 11 activities, 8 of them calls (audit E, F3)."""
        base = _kpi_inputs()
        the_axis = base.plan.axes[0]
        assert the_axis.objective is not None
        the_plan = replace(base.plan, axes=(replace(the_axis, objective=replace(
            the_axis.objective, kpis=("revenue_per_visit", "visit_to_win", "coverage"))),))
        inputs = replace(base, plan=the_plan)
        fr = plain(_section(render_html(inputs), "kpis"))
        assert ("CA par visite chiffre d'affaires de l'axe / activités comptées par ses actions (visites, appels, "
                "rendez-vous… ; une par compte pour une action en comptes distincts)") in fr
        assert ("Couverture du périmètre comptes du périmètre touchés par une activité comptée / comptes du "
                "périmètre") in fr
        en = plain(_section(render_html(inputs, "en"), "kpis"))
        assert ("Revenue per visit the axis's revenue / activities counted by its actions (visits, calls, "
                "meetings…; one per account for an action counting distinct accounts)") in en
        assert "/ accounts touched by a counted activity" in en
        for text in (fr, en):
            assert not any(w in text for w in ("visites comptées", "comptes visités", "counted visits",
                                               "visited accounts", "après une visite", "after a visit")), text


class TestAdvice:
    def test_overruled_rule_and_context_are_shown(self) -> None:
        """Drop wins over prioritise for the Rhône axis; the prioritise sentence and figures are still shown,
        and the declared context is listed above the recommendations."""
        axes = (axis("AX-69", "SEG-69", budget="50000", name="Rhône"), axis("AX-38", "SEG-38", budget="1000"))
        the_plan = plan(action(axis_id="AX-69"), axes=axes, segments=(RHONE, ISERE))
        the_plan = replace(the_plan, context=(ContextChange(
            ContextKind.MARKET_EVENT, segment_id="SEG-38", impact=Impact.OPPORTUNITY, note="nouvelle norme",
            on=date(2027, 9, 1)),))
        evaluation = evaluate(the_plan, Records(accounts=ACCOUNTS, deals=tuple(_deals("30000", "50000", "20000",
                                                                                    "10000")), users=USERS),
                              as_of=datetime(2027, 8, 15, tzinfo=PARIS))
        text = plain(_section(render_html(ReportInputs(the_plan, evaluation)), "recos"))
        assert "Changements de contexte pris en compte Événement de marché (opportunité) · Isère" in text
        assert "à partir du 1er septembre 2027 — nouvelle norme" in text
        assert "Abandonner l'axe « Rhône »" in text
        assert "Aussi envisagé, écarté par la règle prioritaire Prioriser Prioriser l'axe « Rhône »" in text
        assert "Évolution du segment −40 %" in text

    def test_the_context_is_listed_when_the_advisor_recommends_nothing(self) -> None:
        """A plan whose axes are all within their thresholds still lists its declared context, above « Aucune
        recommandation » (audit reporttidy, 7 Dec 2026: the section showed the context only beside a recommendation,
        so a capacity or a departure declared in a quiet quarter was on no page, while the workbook lists it). Seen
        failing before the fix: no context line in the section."""
        inputs = fx.inputs()
        quiet = replace(inputs, plan=replace(inputs.plan, context=(ContextChange(
            ContextKind.CAPACITY, product="PX200", capacity=Decimal(40), until=date(2027, 9, 30)),)),
            evaluation=replace(inputs.evaluation, recommendations=()))
        fr = plain(_section(render_html(quiet), "recos"))
        assert "Changements de contexte pris en compte Capacité de production · PX200 40 par trimestre" in fr
        assert "jusqu'au 30 septembre 2027" in fr
        assert fr.index("Changements de contexte") < fr.index("Aucune recommandation")
        en = plain(_section(render_html(quiet, "en"), "recos"))
        assert "Context changes taken into account Production capacity · PX200 40 per quarter" in en

    def test_a_report_in_the_other_language_gives_the_advice_in_that_language(self) -> None:
        """A French plan's report read in English (--lang en) writes the advisor's sentences in English, the
        overruled rule's too; in French they stay French, and the CRM keeps the plan's language (summary). Seen
        failing before: the English report quoted « Abandonner l'axe … »."""
        axes = (axis("AX-69", "SEG-69", budget="50000", name="Rhône"), axis("AX-38", "SEG-38", budget="1000"))
        the_plan = plan(action(axis_id="AX-69"), axes=axes, segments=(RHONE, ISERE))
        evaluation = evaluate(the_plan, Records(accounts=ACCOUNTS, deals=tuple(_deals("30000", "50000", "20000",
                                                                                    "10000")), users=USERS),
                              as_of=datetime(2027, 8, 15, tzinfo=PARIS))
        english = plain(_section(render_html(ReportInputs(the_plan, evaluation), "en"), "recos"))
        assert 'Drop axis "Rhône"' in english and 'Prioritise axis "Rhône"' in english
        assert "Abandonner" not in english and "Prioriser" not in english
        [drop] = [r for r in evaluation.recommendations if r.axis_id == "AX-69"]
        assert drop.summary.startswith("Abandonner l'axe « Rhône »") and drop.text("fr") == drop.summary
        assert "Abandonner l'axe « Rhône »" in plain(_section(render_html(ReportInputs(the_plan, evaluation)), "recos"))


class TestAdviceForTheNextPlan:
    """Audit yearend F7: the year-end report of an ended plan recommended « Abandonner l'axe … au profit de … » for
    a plan with no day left. The report still carries the advisor's conclusions (for writing next year's plan), but
    once the plan's period is over at the report's instant they are worded for the next plan."""

    @staticmethod
    def _inputs(as_of: datetime) -> ReportInputs:
        axes = (axis("AX-69", "SEG-69", budget="50000", name="Rhône"), axis("AX-38", "SEG-38", budget="1000"))
        the_plan = plan(action(axis_id="AX-69"), axes=axes, segments=(RHONE, ISERE))
        evaluation = evaluate(the_plan, Records(accounts=ACCOUNTS, deals=tuple(_deals("30000", "50000", "20000",
                                                                                    "10000")), users=USERS),
                              as_of=datetime(2027, 8, 15, tzinfo=PARIS))
        # the same conclusions, as a report made at (or after) the plan's end shows them: presentation only
        return ReportInputs(the_plan, replace(evaluation, as_of=as_of))

    def test_at_the_plans_end_the_section_is_for_the_next_plan(self) -> None:
        """The Q4 snapshot is evaluated at the plan's end instant (1 January 00:00): the plan is over."""
        text = plain(_section(render_html(self._inputs(datetime(2028, 1, 1, tzinfo=PARIS))), "recos"))
        assert text.startswith(" Pour le plan suivant Le plan est terminé : voici les conclusions du conseiller")
        assert "Ne pas reconduire l'axe « Rhône »" in text and "Abandonner" not in text
        assert "écarté par la règle prioritaire Reconduire en priorité Reconduire en priorité l'axe « Rhône »" in text
        english = plain(_section(render_html(self._inputs(datetime(2028, 1, 5, tzinfo=PARIS)), "en"), "recos"))
        assert english.startswith(" For the next plan The plan is over: the advisor's conclusions on its axes")
        assert 'Do not renew Rhône · Rhône Do not renew axis "Rhône"' in english
        assert "Drop" not in english and "Prioritise" not in english

    def test_with_no_conclusion_the_section_is_for_the_next_plan_too(self) -> None:
        """Audit janmeet F2: with no recommendation the year-end report read « Recommandations — Aucune
        recommandation ce trimestre : les axes sont dans les seuils fixés. », the running plan's words, while the
        December review of the same instant read « Pour le plan suivant »."""
        none = self._inputs(datetime(2028, 1, 1, tzinfo=PARIS))
        none = replace(none, evaluation=replace(none.evaluation, recommendations=()))
        text = plain(_section(render_html(none), "recos"))
        assert text == (" Pour le plan suivant Le plan est terminé : le conseiller n'a aucune conclusion à reprendre "
                        "dans le plan suivant, chaque axe est dans les seuils fixés à la fin du plan. ")
        english = plain(_section(render_html(none, "en"), "recos"))
        assert english == (" For the next plan The plan is over: the advisor has no conclusion to carry into the next "
                           "plan, every axis is within its thresholds at the plan's end. ")
        running = replace(none, evaluation=replace(none.evaluation, as_of=datetime(2027, 12, 31, 23, 59, tzinfo=PARIS)))
        assert plain(_section(render_html(running), "recos")).startswith(" Recommandations Aucune recommandation ce "
                                                                         "trimestre")

    def test_the_workbook_sheet_too(self) -> None:
        cols, rows = tables.recommendations(self._inputs(datetime(2028, 1, 1, tzinfo=PARIS)), Formatter(lang="fr"))
        assert cols[3][0] == "Pour le plan suivant"
        # the overruled prioritise on its own row under it, worded for the next plan as the page words it (sfhand7)
        assert [r[0] for r in rows] == ["Ne pas reconduire", "Reconduire en priorité (écarté)"]
        assert rows[0][3].startswith("Ne pas reconduire l'axe « Rhône »")
        assert rows[1][3].startswith("Reconduire en priorité l'axe « Rhône » : le chiffre d'affaires de « Rhône »")

    def test_a_second_before_the_end_the_words_are_the_advisors(self) -> None:
        text = plain(_section(render_html(self._inputs(datetime(2027, 12, 31, 23, 59, tzinfo=PARIS))), "recos"))
        assert text.startswith(" Recommandations") and "Abandonner l'axe « Rhône »" in text

    @pytest.mark.parametrize(("lang", "written", "shown"), [
        ("fr", "Déployer l'axe « A » (ROI à date 80 %) vers « B ».", "Reconduire et étendre l'axe « A » (ROI à date "
                                                                     "80 %) vers « B »."),
        ("fr", "Suspendre l'axe « A » : chargée.", "Réexaminer l'axe « A » : chargée."),
        ("fr", "Réaffecter les actions A-01 de l'axe « A » : Julie s'en va.",
         "Réattribuer dans le plan suivant les actions A-01 de l'axe « A » : Julie s'en va."),
        ("en", "Roll out axis \"A\" to \"B\".", "Renew and extend axis \"A\" to \"B\"."),
        ("en", "Suspend axis \"A\": loaded.", "Reconsider axis \"A\": loaded."),
        ("en", "Reassign actions A-01 of axis \"A\".", "In the next plan, reassign actions A-01 of axis \"A\"."),
        ("en", "Reassign actions A-01 of axis \"A\": Julie is leaving (leaving on May 5, 2027). In the plan, change "
               "who: and add handed_over: {from: j@x.fr, on: 2027-05-05} to keep the activities already made.",
         "In the next plan, reassign actions A-01 of axis \"A\": Julie is leaving (leaving on May 5, 2027)."),
        ("fr", "Réaffecter les actions A-01 de l'axe « A » : Julie s'en va. Dans le plan, changez who: et ajoutez "
               "handed_over: {from: j@x.fr, on: 2027-05-05} pour garder les activités déjà faites.",
         "Réattribuer dans le plan suivant les actions A-01 de l'axe « A » : Julie s'en va."),
        ("en", "Something else.", "Something else.")])
    def test_every_rule_has_its_next_plan_words(self, lang: str, written: str, shown: str) -> None:
        assert for_next_plan(written, lang) == shown


class TestFiveQOnceThePlanIsOver:
    """Audit janmeet F9: the year-end report (kept Q4 snapshot, plan over at its instant) still asked to rewrite
    the finished plan's statements, « ces énoncés sont à reformuler », each action « Action à compléter »."""

    @staticmethod
    def _page(as_of: datetime, lang: str = "fr") -> str:
        inputs = fx.inputs()
        lint = (*inputs.lint, {"id": "A-01", "text": "Visiter 5 clients dormants du 69 en semaine 18", "kind": "action",
                               "missing": ["info_needed", "info_source"], "parsed": {"target": 5}})
        return render_html(replace(inputs, lint=lint, evaluation=replace(inputs.evaluation, as_of=as_of)), lang)

    def test_the_year_end_report_words_them_for_the_next_plan(self) -> None:
        page = self._page(datetime(2028, 1, 1, tzinfo=PARIS))
        gaps = plain(_section(page, "gaps"))
        assert gaps.startswith(" Pour le plan suivant : énoncés à mieux écrire (règle des 5 Q) Le plan est terminé : "
                               "ses actions ne sont plus à reformuler.")
        assert "Complément manquant" in gaps and "Rencontrer le PDG de Sanofi" in gaps
        assert "à reformuler en actions mesurables" not in gaps and "Action à compléter" not in gaps
        assert '<a href="#gaps">Pour le plan suivant : énoncés à mieux écrire (règle des 5 Q)</a>' in \
            page.replace(NBSP, " ")
        english = plain(_section(self._page(datetime(2028, 1, 1, tzinfo=PARIS), "en"), "gaps"))
        assert english.startswith(" For the next plan: statements to write better (5Q rule) The plan is over")
        assert "Action to complete" not in english and "Complement missing" in english

    def test_while_the_plan_runs_they_are_to_sharpen(self) -> None:
        gaps = plain(_section(self._page(datetime(2027, 12, 31, 23, 59, tzinfo=PARIS)), "gaps"))
        assert gaps.startswith(" Actions à préciser (règle des 5 Q) Une intention ou un objectif")
        assert "Action à compléter" in gaps
