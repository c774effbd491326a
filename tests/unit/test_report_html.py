"""The HTML report: self-contained, in the reader's language, escaped, and free of secrets and CRM ids."""

import re
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from html import unescape

import pytest

from pac_core.results import Decision, Evaluation, KpiValue, Pace, PlanTotals
from sync_jobs.logs import register_secret
from sync_jobs.report import render_html
from sync_jobs.report.evidence import rows as evidence_rows
from sync_jobs.report.fmt import NBSP, NNBSP, Formatter
from sync_jobs.report.page import kpi_cards
from sync_jobs.report_inputs import ReportInputs
from tests.unit import report_fixtures as fx


def plain(text: str) -> str:
    """The page's text with entities decoded and no-break spaces shown as ordinary spaces."""
    return unescape(text).replace(NNBSP, " ").replace(NBSP, " ")


@pytest.fixture(scope="module")
def html_fr() -> str:
    return render_html(fx.inputs())


@pytest.fixture(scope="module")
def html_en() -> str:
    return render_html(fx.inputs(), "en")


class TestSelfContained:
    def test_no_script_and_no_external_resource(self, html_fr: str) -> None:
        """The page carries no script, stylesheet link, font, image URL or iframe: it opens offline."""
        lowered = html_fr.lower()
        for forbidden in ("<script", "<link", "@import", "<iframe", "<img", "url(", "src="):
            assert forbidden not in lowered.replace("&lt;script&gt;", ""), forbidden
        assert not re.search(r"""(href|src)=["']?(https?:)?//""", lowered)

    def test_content_security_policy_forbids_scripts_and_network(self, html_fr: str) -> None:
        """A CSP meta tag blocks any script and any fetch, even if some text escaped escaping."""
        assert "http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'" \
            in html_fr

    def test_print_rules_for_a4_landscape(self, html_fr: str) -> None:
        """Printing gives A4 landscape pages, one section per page, colours kept."""
        assert "@page{size:A4 landscape" in html_fr
        assert "break-before:page" in html_fr
        assert "print-color-adjust:exact" in html_fr

    def test_every_section_is_present_and_linked(self, html_fr: str) -> None:
        """The contents bar links to each section of the meeting."""
        for anchor in ("overview", "segments", "axes", "actions", "gaps", "recos", "data"):
            assert f'<section id="{anchor}">' in html_fr
            assert f'href="#{anchor}"' in html_fr


class TestFigures:
    def test_french_labels_numbers_and_dates(self, html_fr: str) -> None:
        """The plan's language (French) gives French labels, 114 500 €, 76 % and 20 août 2027."""
        text = plain(html_fr)
        assert '<html lang="fr">' in html_fr
        assert "Le plan en un coup d'œil" in text
        assert "114 500 € / 150 000 €" in text.replace("<b>", "").replace("</b>", "")
        assert "76 %" in text
        assert "20 août 2027 à 18:00" in text
        assert "3–9 mai 2027 (semaine 18)" in text
        assert "Prioritaire n° 1" in text
        assert "Suspendu jusqu'au 30 septembre 2027" in text

    def test_lang_overrides_the_plan_language(self, html_en: str) -> None:
        """--lang en gives English labels and English number and date formats on a French plan."""
        assert '<html lang="en">' in html_en
        assert "The plan at a glance" in html_en
        assert "€114,500" in html_en and "76%" in html_en
        assert "Aug 20, 2027" not in html_en and "August 20, 2027 at 18:00" in html_en
        assert "May 3–9, 2027 (semaine 18)" in html_en
        assert "Suspended until September 30, 2027" in html_en

    def test_action_progress_reads_done_over_target_with_words(self, html_fr: str) -> None:
        """A-01 shows 4 / 5, 80 % and its pace in words next to the colour."""
        row = html_fr[html_fr.index("Visiter 5 clients dormants du 69 en semaine 18</b>"):]
        row = row[: row.index("</tr>")]
        assert "<b>4</b> / 5" in row
        assert plain("80 %") in plain(row)
        assert "Manquée" in row and "pace-late" in row

    def test_reps_are_grouped_by_name(self, html_fr: str) -> None:
        """Who does what: one block per rep, named, not by e-mail."""
        for name in ("Julie Martin", "Marc Dubois", "Sophie Bernard", "Léa Rousseau"):
            assert f"<h4>{name} " in html_fr
        assert "julie.martin@durand-process.example" not in html_fr

    def test_recommendations_show_their_evidence_and_thresholds(self, html_fr: str) -> None:
        """Each recommendation shows its rule, its figures, and which figures are thresholds."""
        text = plain(html_fr)
        assert "Déployer" in text and "Abandonner" in text and "Prioriser" in text and "Suspendre" in text
        assert "ROI à date minimal <span class=\"tag\">seuil</span></th><td class=\"num\">50 %" in text
        assert "Au profit de</th><td class=\"num\">Clients dormants" in text
        assert "PX200 96 % (gagné 120 + engagé 40 / capacité 166)" in text

    def test_five_q_gaps_say_what_is_missing(self, html_fr: str) -> None:
        """Intentions and objectives are listed with what they lack; precise actions are not."""
        gaps = html_fr[html_fr.index('<section id="gaps">'):html_fr.index('<section id="recos">')]
        assert "Rencontrer le PDG de Sanofi" in gaps and "Intention" in gaps
        assert "qui (le commercial)" in gaps and "combien (une cible chiffrée)" in gaps
        assert "Visiter 5 clients dormants du 69" not in gaps

    def test_trend_chart_has_one_column_per_quarter(self, html_fr: str) -> None:
        """The segment trend draws Q1, Q2 from snapshots and Q3 from today's evaluation."""
        segments = html_fr[html_fr.index('<section id="segments">'):html_fr.index('<section id="axes">')]
        for label in ("T1 2027", "T2 2027", "T3 2027"):
            assert f">{label}</text>" in segments

    def test_a_past_quarter_names_no_later_period(self) -> None:
        """``pac report --quarter 2027-Q2`` written once Q3 and July are kept: the header says T2 2027, the
        segments' trend and the month-by-month block stop at T2 2027 / juin 2027. (The fixture's suspend advice
        names 2027-Q3, its production quarter, elsewhere on the page.)"""
        from tests.unit.test_report_view import Q2_END, QUARTERS, _closed, _report

        july = _closed("2027-07", "monthly", datetime(2027, 8, 1, tzinfo=fx.PARIS), 0.5)
        june = _closed("2027-06", "monthly", Q2_END, 0.5)
        page = render_html(_report(Q2_END, 0.5, *QUARTERS[:3], june, july))
        header = page[:page.index('<section id="overview">')]
        segments = page[page.index('<section id="segments">'):page.index('<section id="axes">')]
        months = page[page.index('<div class="avoid months">'):]
        months = months[:months.index("</table></div>")]
        assert "T2 2027" in header and ">T2 2027</text>" in segments and "juin 2027" in months
        assert "T3 2027" not in header + segments and "juil. 2027" not in months

    def test_data_section_shows_sync_and_rejections(self, html_fr: str) -> None:
        """When the last sync ran, its status, counts, API calls, and rejections grouped by reason."""
        data = plain(html_fr[html_fr.index('<section id="data">'):])
        assert "Partielle" in data and "20 août 2027 à 03:00" in data
        assert "1 840" in data and ">40<" in data
        assert "event has no account</td><td class=\"num\">2" in data
        assert "devise sans taux de change" in data


    def test_data_section_words_the_write_back_objects(self, html_fr: str, html_en: str) -> None:
        """The PAC records written back are named, not shown by their code (audit janmeet F3: « axis | – | 2 »)."""
        for html, words in ((html_fr, ("Axes du plan (fiches PAC)", "Actions du plan (fiches PAC)")),
                            (html_en, ("Plan axes (PAC records)", "Plan actions (PAC records)"))):
            data = plain(html[html.index('<section id="data">'):])
            assert all(f"<td>{w}</td>" in data for w in words), data
            assert "<td>axis</td>" not in data and "<td>action</td>" not in data


class TestSignedTrend:
    def test_the_segment_cards_sign_the_trend(self, html_fr: str, html_en: str) -> None:
        """Audit janmeet F11: « Tendance 210 % » beside « CA réalisé » and « Référence » read as revenue at 210 % of
        last year; growth is signed as a decline is."""
        assert re.findall(r"Tendance</span><b>([^<]*)</b>", plain(html_fr)) == ["+9 %", "+14 %", "−7 %"]
        assert re.findall(r"Trend</span><b>([^<]*)</b>", plain(html_en)) == ["+9%", "+14%", "−7%"]

    def test_the_advisors_evidence_signs_growth_too(self) -> None:
        """The same figure in a recommendation's evidence reads as on the card (« Évolution du segment +14 % »)."""
        plan = fx.plan()
        shown = list(evidence_rows({"trend": 0.14, "growth": {"pharma": 0.091, "rhone-alpes": -0.2},
                                    "min_decline": 0.1}, plan, Formatter("fr")))
        assert [(label, plain(value)) for label, value, _ in shown] == [
            ("Évolution du segment", "+14 %"),
            ("Croissance des segments cibles", "Industrie pharmaceutique +9 %, Rhône-Alpes −20 %"),
            ("Baisse minimale", "10 %")]

    def test_the_advisors_evidence_puts_the_french_space_before_colons_and_semicolons(self) -> None:
        """« Segments écartés : Sud-Ouest : Clients dormants Sud-Ouest (ROI 71 %) ; … » in French, "South-West:
        …; …" in English (audit demohand: the French read « Sud-Ouest: Clients dormants… »). Seen failing before."""
        plan = fx.plan()
        running = {"already_running": {s.id: {"axis": plan.axes[0].id, "roi": 0.71} for s in plan.segments[:2]}}
        segment, axis = plan.segments[0].name, plan.axes[0].name
        (_, fr, _), = evidence_rows(running, plan, Formatter("fr"))
        (_, en, _), = evidence_rows(running, plan, Formatter("en"))
        assert len(plan.segments) >= 2
        assert plain(fr).startswith(f"{segment} : {axis} (ROI 71 %) ; "), plain(fr)
        assert plain(en).startswith(f"{segment}: {axis} (ROI 71%); "), plain(en)


class TestPaybackAndFormulas:
    def test_payback_column_says_months_from_the_period_start(self, html_fr: str, html_en: str) -> None:
        """« Retour sur invest. » is the ROI in French, but the column holds a payback in months counted from the
        period's start (audit E F6): its header says so, in both languages."""
        for html, header in ((html_fr, "Délai de retour (mois depuis le début)"),
                             (html_en, "Payback (months from period start)")):
            text = plain(html)
            axes = text[text.index('<section id="axes">'):]
            assert f">{header}</th>" in axes
        assert "Retour sur invest." not in plain(html_fr)

    def test_formula_list_explains_roi_payback_expected_and_pace(self, html_fr: str, html_en: str) -> None:
        """Under the axes' table, « Comment chaque chiffre est calculé » gives how the ROI to date, the payback, the
        expected-by-now figure and the pace are computed (audit E F6: only the KPIs had formulas, and a report
        whose axes name no KPI had none at all)."""
        for html, titles, words in (
                (html_fr, ("ROI à date", "Délai de retour", "Attendu à date", "Rythme"),
                 ("coût au prorata", "depuis le début de la période", "part écoulée", "Dans les temps")),
                (html_en, ("ROI to date", "Payback", "Expected by now", "Pace"),
                 ("cost to date", "from the period's start", "share of the", "On track"))):
            text = plain(html)
            axes = text[text.index('<section id="axes">'):]
            formulas = axes[axes.index('class="kpi-formulas"'):]
            formulas = formulas[:formulas.index("</dl>")]
            for title in titles:
                assert f"<dt>{title}</dt>" in formulas, title
            for word in words:
                assert word in formulas, word


class TestNoCost:
    def test_an_axis_with_no_cost_reads_no_cost_not_unknown(self) -> None:
        """An axis whose cost is 0: its ROI and payback read « sans coût » / "no cost" (not « – », unknown, nor
        « 0 mois »), and the ranking lists it apart, unranked (audit E F5)."""
        inputs = fx.inputs()
        ev = inputs.evaluation
        free = tuple(replace(a, cost=Decimal(0), roi=None, time_to_roi_months=None) if a.axis_id == "maint-ra" else a
                     for a in ev.axes)
        inputs = replace(inputs, evaluation=replace(ev, axes=free))
        name = next(a.name for a in inputs.plan.axes if a.id == "maint-ra")
        for lang, words in (("fr", "sans coût"), ("en", "no cost")):
            text = plain(render_html(inputs, lang))
            axes = text[text.index('<section id="axes">'):text.index('</section>', text.index('<section id="axes">'))]
            row = axes[axes.index(f"<b>{name}</b>"):]
            row = row[:row.index("</tr>")]
            assert row.count(words) == 2 and "0 mois" not in row and "0 months" not in row, row
            assert f"· {name}<" in axes and words in axes[:axes.index("</svg>")]
            overview = text[text.index('<section id="overview"'):text.index('<section id="segments"')]
            assert words in overview


class TestHeadline:
    def test_behind_actions_agree_in_number(self, html_fr: str, html_en: str) -> None:
        """The actions card says '2 actions à risque · 1 action manquée' (and '1 missed action' in English)."""
        assert "2 actions à risque · 1 action manquée" in plain(html_fr)
        assert "2 actions at risk · 1 missed action" in plain(html_en)
        assert "1 manquée" not in plain(html_fr) and "2 en retard" not in plain(html_fr)

    def test_actions_card_names_the_actions_to_come(self, html_fr: str, html_en: str) -> None:
        """A-04 has not started: it is one of the card's 8 live actions and the note names it (audit E F8: counted
        in « 4 / 8 » but named nowhere)."""
        assert "<div class=\"value\">4 / 8</div>" in plain(html_fr)
        note = "terminées ou dans les temps · 2 actions à risque · 1 action manquée · 1 action à venir"
        assert note in plain(html_fr)
        assert "done or on track · 2 actions at risk · 1 missed action · 1 action to come" in plain(html_en)

    def test_headline_is_the_engines_each_deal_once(self) -> None:
        """With the engine's plan totals the card shows its figures and says each deal is counted once."""
        inputs = fx.inputs()
        done = PlanTotals(Decimal(823_456), Decimal(700_000), Decimal(123_456), Decimal(350_000), 123_456 / 350_000,
                          Decimal(60_000), 0.25, ("dormants-69", "maint-ra", "pharma-mx50"))
        html = plain(render_html(replace(inputs, evaluation=replace(inputs.evaluation, plan=done))))
        kpis = html[html.index('<div class="kpis">'):html.index("</main>")][:1500]
        assert "123 456 €" in kpis and "25 %" in kpis and "chaque affaire comptée une fois" in kpis

    def test_suspended_and_dropped_axes_are_greyed_with_their_reason(self, html_fr: str) -> None:
        """Left-out axes keep their row, greyed, with their reason, and 'hors total' under their ROI."""
        overview = plain(html_fr[html_fr.index('<section id="overview">'):html_fr.index('<section id="segments">')])
        at = overview.index("Pompes doseuses PX200 en pharma")
        row = overview[overview.rindex("<tr", 0, at):overview.index("</tr>", at)]
        assert 'class="left-out"' in row and "production de PX200 saturée" in row and "hors total" in row

    def test_roi_ranking_leaves_out_inactive_axes(self, html_fr: str) -> None:
        """The ROI ranking ranks live axes only and names the left-out ones with their status and reason."""
        axes = plain(html_fr[html_fr.index('<section id="axes">'):html_fr.index('<section id="actions">')])
        chart = axes[axes.index("<svg"):axes.index("</svg>")]
        assert "Pompes doseuses PX200" not in chart and "Salons professionnels" not in chart
        assert "Hors totaux et hors classement" in axes and "ROI trop faible en 2026" in axes
        table = axes[axes.index("<tbody>"):]
        assert table.index("Mélangeurs MX50") < table.index("Pompes doseuses PX200")

    def test_roi_footnote_explains_segment_below_its_axes(self) -> None:
        """The overview explains the ROI formula, and a segment below every axis gets its own sentence."""
        inputs = fx.inputs()
        segments = tuple(replace(s, roi=-0.54) if s.segment_id == "rhone-alpes" else s
                         for s in inputs.evaluation.segments)
        html = plain(render_html(replace(inputs, evaluation=replace(inputs.evaluation, segments=segments))))
        note = html[html.index('class="footnote"'):]
        note = note[:note.index("</div>")]
        assert "chaque affaire comptée une fois" in note
        assert "Rhône-Alpes : ROI −54 % alors que ses axes sont à 123 % et −21 %" in note


class TestGaps:
    def test_actions_missing_only_the_complement_are_listed_with_what_is_missing(self) -> None:
        """An action lacking 'what information, from whom' appears last, with its rep and both missing items."""
        inputs = replace(fx.inputs(), lint=(*fx.inputs().lint,
                                            {"action_id": "A-04", "text": "Visiter 12 clients de Savoie en septembre",
                                             "kind": "action", "missing": ["info_needed", "info_source"]}))
        html = plain(render_html(inputs))
        gaps = html[html.index('<section id="gaps">'):html.index('<section id="recos">')]
        row = gaps[gaps.index("Visiter 12 clients de Savoie"):]
        row = row[:row.index("</tr>")]
        assert "A-04 · Marc Dubois" in row and "Action à compléter" in row
        assert "l'information nécessaire, auprès de qui l'obtenir" in row
        assert gaps.index("Rencontrer le PDG de Sanofi") < gaps.index("Visiter 12 clients de Savoie")


class TestEscaping:
    def test_script_from_crm_and_plan_is_shown_as_text(self, html_fr: str) -> None:
        """<script>alert(1)</script> in an account, an action, a SWOT and a lint text never becomes markup."""
        assert "<script>alert(1)</script>" not in html_fr
        assert html_fr.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4

    def test_attribute_values_are_quoted_safely(self) -> None:
        """A quote in a reason used as a tooltip cannot close the attribute."""
        inputs = fx.inputs()
        plan = inputs.plan
        axes = list(plan.axes)
        axes[2] = replace(axes[2], status=replace(axes[2].status, reason='x" onmouseover="alert(1)'))
        html = render_html(replace(inputs, plan=replace(plan, axes=tuple(axes))))
        assert 'onmouseover="alert(1)"' not in html
        assert "x&quot; onmouseover=&quot;alert(1)" in html


class TestNoSecrets:
    def test_tokens_and_database_urls_never_reach_the_page(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Errors quoting a bearer token or a database URL with its password are scrubbed."""
        monkeypatch.setenv("PAC_DATABASE_URL", fx.SECRET_URL)
        monkeypatch.setenv("PAC_HS_ACCESS_TOKEN", fx.TOKEN)
        html = render_html(fx.inputs())
        assert fx.TOKEN not in html
        assert "Sup3rS3cret" not in html
        assert fx.SECRET_URL not in html

    def test_scrubbing_holds_without_the_environment(self) -> None:
        """Even with nothing in the environment, bearer tokens and URL passwords are masked."""
        html = render_html(fx.inputs())
        assert fx.TOKEN not in html and "Sup3rS3cret" not in html
        assert "Bearer ***" in html

    def test_registered_secret_values_are_masked_anywhere(self) -> None:
        """A value registered as a secret is masked even inside plan text."""
        register_secret("sk-live-report-test-42")
        inputs = fx.inputs()
        plan = replace(inputs.plan, name="PAC sk-live-report-test-42")
        assert "sk-live-report-test-42" not in render_html(replace(inputs, plan=plan))

    def test_no_internal_crm_ids(self, html_fr: str) -> None:
        """Record ids of the CRM (in decisions and rejections) are not in the report."""
        for crm_id in (*fx.CRM_IDS, "00U5e000001aaaa", "00U5e000001bbbb"):
            assert crm_id not in html_fr


class TestSparseInputs:
    def test_a_plan_with_no_results_no_sync_and_no_history_still_renders(self) -> None:
        """A brand-new plan (nothing evaluated yet) renders with explicit empty states, no crash."""
        inputs = fx.inputs()
        empty = Evaluation(inputs.plan.id, fx.AS_OF, (), (), ())
        html = render_html(ReportInputs(inputs.plan, empty))
        assert "Aucune synchronisation enregistrée" in html
        assert "Aucune recommandation ce trimestre" in html
        assert "Pas encore d&#x27;historique" in html
        assert "Toutes les actions respectent la règle des 5 Q." in html


class TestMonthByMonth:
    def test_monthly_snapshots_add_the_block_and_change_nothing_else(self) -> None:
        """With monthly snapshots the actions section gains "Mois par mois" (a stacked column per month, the
        targets reached per rep); everything else on the page is byte-identical to the page without them."""
        from tests.unit.test_report_view import _month

        base = fx.inputs()
        months = replace(base, snapshots=(*base.snapshots, _month("2027-06", 30, {"A-02": 12}, Pace.AT_RISK),
                                          _month("2027-07", 31, {"A-02": 20}, Pace.ON_TRACK)))
        without, with_months = render_html(base), render_html(months)
        start = with_months.index('<div class="avoid months">')
        end = with_months.index("</table></div>", start) + len("</table></div>")
        block = with_months[start:end]
        assert with_months[:start] + with_months[end:] == without
        assert "Mois par mois" in block and 'class="chart months"' in block
        assert "juin 2027" in block and "juil. 2027" in block and "août 2027 (aujourd&#x27;hui)" in block
        assert block.count("<tr><td><b>") == len({a.who for a in base.plan.actions})


class TestSegmentTargetLine:
    def test_the_years_target_is_the_whole_periods_baseline_plus_the_objective(self, monkeypatch) -> None:
        """Rhône-Alpes: baseline to date 1,608,500 €, the whole year's 2,540,000 €, objective 230,000 €: the
        dashed target line is drawn at 2,770,000 €, not at the baseline to date + objective (1,838,500 €)."""
        from sync_jobs.report import charts, sections_plan
        from sync_jobs.report.fmt import Formatter

        drawn: dict[str, Decimal | None] = {}
        real = charts.trend_chart

        def spy(points, target, fmt, *, title, legend):
            drawn[title.split(" — ")[0]] = target
            return real(points, target, fmt, title=title, legend=legend)

        monkeypatch.setattr(charts, "trend_chart", spy)
        sections_plan.segments(fx.inputs(), Formatter("fr", "EUR"))
        assert drawn["Rhône-Alpes"] == Decimal(2_770_000)
        assert drawn["Industrie pharmaceutique"] == Decimal(1_850_000 + 370_000)


class TestFiscalPlanQuarters:
    """A plan from April 2027 to March 2028: the header, the segment charts and the evidence name one quarter
    one way, the plan's own (audit F3: « T2 de l'exercice 2027-2028 » above columns « T2 2027 », « T3 2027 »)."""

    @staticmethod
    def _fiscal() -> ReportInputs:
        from pac_core.window import Window

        inputs = fx.inputs()
        year = Window(datetime(2027, 4, 1, tzinfo=fx.PARIS), datetime(2028, 4, 1, tzinfo=fx.PARIS), "exercice")
        return replace(inputs, plan=replace(inputs.plan, period=year))

    def test_charts_name_the_quarters_as_the_header(self) -> None:
        """As of 20 August 2027 the header reads T2 of 2027-2028; the columns of the closed snapshots (calendar
        Q1 and Q2 2027) and today's read T4 ex. 2026-27, T1 ex. 2027-28, T2 ex. 2027-28; no calendar name."""
        for lang, header, now, before in (("fr", "T2 de l'exercice 2027-2028", "T2 ex. 2027-28", "T1 ex. 2027-28"),
                                          ("en", "Q2 of fiscal year 2027-2028", "Q2 FY2027-28", "Q1 FY2027-28")):
            html = plain(render_html(self._fiscal(), lang))
            columns = re.findall(r'font-size="11.5" fill="#1f2a3c">([^<]*)</text>', html)
            assert header in html
            assert {now, before} <= set(columns)
            assert not re.search(r"[TQ][1-4] 2027\b", " ".join(columns)), columns

    def test_the_suspend_evidence_names_the_fiscal_quarter(self) -> None:
        """The suspension's quarter (calendar 2027-Q3 in the evidence) is shown as T2 ex. 2027-28."""
        html = plain(render_html(self._fiscal()))
        assert "<th>Trimestre</th><td class=\"num\">T2 ex. 2027-28</td>" in html


class TestInformationNeeded:
    def test_the_colon_follows_each_languages_typography(self, html_fr: str, html_en: str) -> None:
        """« Information nécessaire : … » in French; "Information needed: …" in English, with no space before the
        colon (it read "Information needed : …")."""
        assert "Information nécessaire : " in plain(html_fr)
        assert "Information needed: " in plain(html_en) and "Information needed :" not in plain(html_en)


class TestFebruaryYearQuarters:
    """A plan from 1 February 2027 (fiscal Q1 February-April, Q2 May-July, Q3 August-October, Q4 November-January),
    audit US F5: `pac report --quarter Q2` (as of 1 August) had the header "Q2 of fiscal year 2027-2028" above a
    year-to-date column "Jul–Sep 2027" holding the revenue to 31 July, and the default report (5 December) a
    column "Oct–Dec 2027" under "Q4 of fiscal year". Columns now name the plan's quarters by their months."""

    @staticmethod
    def _february(as_of: datetime) -> ReportInputs:
        from pac_core.snapshots import closing_instant
        from pac_core.window import Window
        from sync_jobs.report_inputs import SnapshotPoint

        inputs = fx.inputs()
        year = Window(datetime(2027, 2, 1, tzinfo=fx.PARIS), datetime(2028, 2, 1, tzinfo=fx.PARIS), "2027-02..2028-01")
        snaps = tuple(SnapshotPoint(label, "quarterly", closing_instant(label, "Europe/Paris"),
                                    fx.evaluation(closing_instant(label, "Europe/Paris"), scale=scale))
                      for label, scale in (("2027-02..2027-04", 0.2), ("2027-05..2027-07", 0.4),
                                           ("2027-08..2027-10", 0.7)))
        return replace(inputs, plan=replace(inputs.plan, period=year), snapshots=snaps,
                       evaluation=replace(inputs.evaluation, as_of=as_of))

    @staticmethod
    def _columns(html: str) -> set[str]:
        return set(re.findall(r'font-size="11.5" fill="#1f2a3c">([^<]*)</text>', html))

    def test_the_second_quarters_report(self) -> None:
        """As of 1 August 00:00 (--quarter Q2): header Q2 with its months, columns Q1 Feb–Apr and Q2 May–Jul."""
        for lang, header, columns in (
                ("en", "Q2 of fiscal year 2027-2028 (May–July 2027)", {"Q1 Feb–Apr", "Q2 May–Jul"}),
                ("fr", "T2 de l'exercice 2027-2028 (mai–juillet 2027)", {"T1 févr.–avr.", "T2 mai–juil."})):
            html = plain(render_html(self._february(datetime(2027, 8, 1, tzinfo=fx.PARIS)), lang))
            assert header in html
            assert columns <= self._columns(html), self._columns(html)
            assert not re.search(r"(Jul|juil\.)–(Sep|sept\.)|Q3|T3 ", " ".join(self._columns(html)))

    def test_the_report_of_5_december(self) -> None:
        """As of 5 December: header Q4 (November-January), the running column Q4 Nov–Jan, not Oct–Dec."""
        html = plain(render_html(self._february(datetime(2027, 12, 5, 12, tzinfo=fx.PARIS)), "en"))
        assert "Q4 of fiscal year 2027-2028 (November 2027–January 2028)" in html
        assert {"Q1 Feb–Apr", "Q2 May–Jul", "Q3 Aug–Oct", "Q4 Nov–Jan"} <= self._columns(html), self._columns(html)
        assert "Oct–Dec" not in html

    def test_calendar_quarter_snapshots_are_left_out_of_the_trend(self) -> None:
        """Calendar quarters kept before (2027-Q2, April-June) are none of the plan's: not drawn among its own."""
        inputs = self._february(datetime(2027, 8, 1, tzinfo=fx.PARIS))
        old = fx.inputs().snapshots[1]   # 2027-Q2
        html = plain(render_html(replace(inputs, snapshots=(*inputs.snapshots, old)), "en"))
        assert "Apr–Jun" not in " ".join(self._columns(html))


class TestWonDealsWithNoAmount:
    """A won deal with no amount is left out of the average won deal, and the report says so twice: in the
    value's parts and in the data section (audit E F3: it was a 0 € order, and the warning appeared nowhere)."""

    def _inputs(self) -> ReportInputs:
        inputs = fx.inputs()
        average = KpiValue("average_won_deal", Decimal(2500), Decimal(5000), Decimal(2), excluded=1)
        undefined = KpiValue("win_rate", None, Decimal(0), Decimal(0))
        axes = tuple(replace(a, kpis=(undefined, average)) if a.axis_id == "dormants-69" else a
                     for a in inputs.evaluation.axes)
        why = "the won deal has no amount: counted as won, worth 0"
        warnings = tuple(Decision("sf-main", ident, True, "no_amount", why) for ident in ("006A", "006B"))
        return replace(inputs, evaluation=replace(inputs.evaluation, axes=axes, warnings=warnings))

    def test_the_average_names_the_deals_left_out(self) -> None:
        fr = plain(render_html(self._inputs()))
        en = plain(render_html(self._inputs(), "en"))
        assert "<b>2 500 €</b> <span class=\"sub\">(5 000 € / 2 ; 1 affaire sans montant exclue)</span>" in fr
        assert "<b>€2,500</b> <span class=\"sub\">(€5,000 / 2; 1 deal with no amount left out)</span>" in en

    def test_an_undefined_ratio_is_a_dash_alone(self) -> None:
        fr = plain(render_html(self._inputs()))
        kpis = fr[fr.index('<section id="kpis">'):]
        assert "Taux de réussite</span> <b>–</b></li>" in kpis and "(0 / 0)" not in fr

    def test_the_data_section_lists_the_warnings(self) -> None:
        fr = plain(render_html(self._inputs()))
        data = fr[fr.index('<section id="data">'):]
        assert "comptée sans montant (0)</td><td class=\"num\">2" in data
        assert "exclues du montant moyen des affaires gagnées" in data
        en = plain(render_html(self._inputs(), "en"))
        assert "counted with no amount (0)</td><td class=\"num\">2" in en[en.index('<section id="data">'):]

    def test_each_hint_only_for_the_warnings_present(self) -> None:
        """Only a credit and an amount taken from the lines (audit reverify N1: the « sans montant … pour 0 €, et
        exclues du montant moyen » sentence was printed under them, for a deal counted at 6,000 € and in the
        average). Seen failing before the fix: the no-amount sentence was there, no word of the credit."""
        inputs = self._inputs()
        warnings = (Decision("hs-west", "d2", True, "amount_from_lines", "deal amount empty: lines 6000"),
                    Decision("hs-west", "d3", True, "credit", "won deal with a negative amount (-2000)"))
        inputs = replace(inputs, evaluation=replace(inputs.evaluation, warnings=warnings))
        fr = plain(render_html(inputs))
        data = fr[fr.index('<section id="data">'):]
        assert "sans montant" not in data and "pour 0 €" not in data and "exclues du montant moyen" not in data
        assert "Avoirs (montant négatif) : déduits du chiffre d'affaires" in data
        assert "Montant vide : la somme des lignes de produits est prise" in data
        en = plain(render_html(inputs, "en"))
        data = en[en.index('<section id="data">'):]
        assert "no amount" not in data and "worth 0" not in data
        assert "Credits (negative amount): subtracted from revenue" in data
        assert "Empty amount: the sum of the line items is used" in data
        only_no_amount = plain(render_html(self._inputs()))
        data = only_no_amount[only_no_amount.index('<section id="data">'):]
        assert "exclues du montant moyen" in data and "Avoirs" not in data and "somme des lignes" not in data


class TestHeadlineTones:
    """The « CA supplémentaire » card's colour follows the plan's pace (progress against the share of the period
    elapsed, as an axis's pace), and a negative additional revenue is red (audit E F7: "good" from 50 % of the
    objective whatever the date, never red)."""

    @staticmethod
    def _tone(progress: float, additional: int, as_of: datetime) -> str:
        inputs = fx.inputs()
        totals = PlanTotals(Decimal(1_000_000), Decimal(1_000_000 - additional), Decimal(additional),
                            Decimal(100_000), progress, Decimal(10_000), 0.1, ("dormants-69",))
        evaluation = replace(inputs.evaluation, plan=totals, as_of=as_of)
        return kpi_cards(replace(inputs, evaluation=evaluation), Formatter("fr", "EUR", "Europe/Paris"))[0][3]

    def test_tone_from_the_pace(self) -> None:
        end_of_q1 = datetime(2027, 4, 1, 0, 0, tzinfo=fx.PARIS)           # a quarter elapsed: 25 % expected
        assert self._tone(0.40, 40_000, end_of_q1) == "good"               # ahead of its pace (was warn)
        assert self._tone(0.55, 55_000, fx.AS_OF) == "warn"                # 63 % expected on 20 August (was good)
        assert self._tone(0.70, 70_000, fx.AS_OF) == "good"
        assert self._tone(0.50, 50_000, datetime(2028, 1, 1, 12, tzinfo=fx.PARIS)) == "bad"   # the year is over
        assert self._tone(-0.03, -3_000, end_of_q1) == "bad"               # below last year (was warn)


class TestClosedQuarterHeader:
    """Audit B, S3 and F5: the Q1 report, evaluated at 1 April 00:00, was headed "Status as of April 1, 2027 at
    00:00" (as if 1 April counted) and its trend said "No history yet: the trend appears after the first quarter
    closes" although Q1 had closed."""

    @staticmethod
    def _q1(lang: str) -> str:
        q1_end = datetime(2027, 4, 1, tzinfo=fx.PARIS)
        inputs = fx.inputs()
        q1 = ReportInputs(plan=inputs.plan, evaluation=replace(inputs.evaluation, as_of=q1_end),
                          snapshots=inputs.snapshots[:1])
        return plain(render_html(q1, lang))

    def test_a_midnight_is_the_end_of_the_day_before(self) -> None:
        en, fr = self._q1("en"), self._q1("fr")
        assert "Status at the end of March 31, 2027" in en and "Status as of April 1" not in en
        assert "Situation à la fin du 31 mars 2027" in fr and "Situation au 1er avril" not in fr

    def test_the_plans_first_quarter_says_the_trend_starts_next_quarter(self) -> None:
        en, fr = self._q1("en"), self._q1("fr")
        assert "First quarter of the plan: the trend starts with the next quarter." in en
        assert "Premier trimestre du plan : la tendance commence au trimestre suivant." in fr
        assert "No history yet" not in en and "Pas encore d'historique" not in fr

    def test_closed_quarters_without_snapshots_say_what_to_run(self) -> None:
        """As of 20 August, two quarters closed and no snapshot kept: the trend's note says so and names pac
        snapshot (usplan audit, minor list; failed before: "No history yet: the trend appears after the first
        quarter closes")."""
        inputs = fx.inputs()
        bare = ReportInputs(plan=inputs.plan, evaluation=inputs.evaluation, snapshots=())
        en, fr = plain(render_html(bare, "en")), plain(render_html(bare, "fr"))
        assert ("No quarterly snapshot kept yet (2 quarter(s) closed): take them with pac snapshot --period 2027-Q1 "
                "then pac snapshot --period 2027-Q2, or let pac schedule take them.") in en
        # the quarters closed, by the labels pac snapshot takes: it refuses a quarter not over, which "(puis T2…)"
        # offered in May (docs-as-contract audit F2, seen failing before that fix)
        assert ("Aucun instantané trimestriel conservé (2 trimestre(s) clos) : prenez-les avec pac snapshot --period "
                "2027-Q1 puis pac snapshot --period 2027-Q2, ou laissez pac schedule les prendre.") in fr
        assert "No history yet" not in en and "Pas encore d'historique" not in fr

    def test_a_time_of_day_stays_as_it_was(self, html_en: str) -> None:
        assert "Status as of August 20, 2027 at 18:00" in plain(html_en)
