"""The monthly review's content (model) and its HTML / Markdown rendering, on hand-built evaluations."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest

from pac_core.errors import InvalidInput
from pac_core.restatement import Restatement
from pac_core.results import Pace, Rule
from sync_jobs.deal_moves import AxisMoves, DealMove
from sync_jobs.report.fmt import Formatter
from sync_jobs.review import build_review, render_html, render_markdown
from sync_jobs.review.common import axis_change
from sync_jobs.review.load import month_bounds, rep_email, review_month, shift
from sync_jobs.review.model import AxisLine
from tests.unit import report_fixtures as fx

PARIS = fx.PARIS
AS_OF = datetime(2027, 8, 20, 18, 0, tzinfo=PARIS)          # the August review, month still running
NEXT_UNTIL = datetime(2027, 10, 1, tzinfo=PARIS)            # end of September


def _before():
    """The end-of-July state: A-01 already late, A-02 at risk with 10 done, A-09 not started; the drop rule
    not made yet, a roll-out to 'gc-salons' made then and withdrawn since."""
    ev = fx.evaluation()
    actions = {a.action_id: a for a in ev.actions}
    actions["A-02"] = replace(actions["A-02"], done=10, pace=Pace.AT_RISK)
    actions["A-09"] = replace(actions["A-09"], done=0, pace=Pace.NOT_STARTED)
    axes = {a.axis_id: a for a in ev.axes}
    axes["maint-ra"] = replace(axes["maint-ra"], pace=Pace.ON_TRACK)
    recos = tuple(r for r in ev.recommendations if r.rule is not Rule.DROP)
    recos += (replace(ev.recommendations[0], axis_id="gc-salons"),)
    return replace(ev, as_of=datetime(2027, 7, 31, 23, 59, 59, tzinfo=PARIS), actions=tuple(actions.values()),
                   axes=tuple(axes.values()), recommendations=recos)


def _review(rep=None, before=True):
    return build_review(fx.plan(), replace(fx.evaluation(), as_of=AS_OF), _before() if before else None,
                        month="2027-08", previous="2027-07" if before else None,
                        previous_source="snapshot" if before else None, next_until=NEXT_UNTIL, rep=rep)


class TestModel:
    def test_per_rep_done_late_at_risk(self) -> None:
        """Julie: A-01 late (4/5), A-02 done (22/20); Sophie: A-05 done, A-06 at risk."""
        reps = {r.email: r for r in _review().reps}
        julie = reps["julie.martin@durand-process.example"]
        assert [x.action.id for x in julie.with_pace(Pace.LATE)] == ["A-01"]
        assert [x.action.id for x in julie.with_pace(Pace.DONE)] == ["A-02"]
        sophie = reps["sophie.bernard@durand-process.example"]
        assert [x.action.id for x in sophie.with_pace(Pace.DONE)] == ["A-05"]
        assert [x.action.id for x in sophie.with_pace(Pace.AT_RISK)] == ["A-06"]

    def test_changes_since_last_month(self) -> None:
        """A-02 went at risk -> done with 12 more; A-09 not started -> on track with 2; A-01 unchanged."""
        julie = next(r for r in _review().reps if r.name == "Julie Martin")
        changed = {x.action.id: x for x in julie.changed}
        assert sorted(changed) == ["A-02", "A-09"]
        assert changed["A-02"].done_delta == 12 and changed["A-02"].before.pace is Pace.AT_RISK

    def test_next_actions_due_until_the_end_of_next_month(self) -> None:
        """Open actions whose deadline falls after the review and by 30 September: A-03, A-04 (Marc), A-06, A-08,
        A-09; A-02 is done, A-07 inactive (its axis suspended)."""
        due = sorted(x.action.id for r in _review().reps for x in r.next_due)
        assert due == ["A-03", "A-04", "A-06", "A-08", "A-09"]

    @pytest.mark.parametrize(("today", "due"), [
        (date(2027, 8, 31), ["A-03", "A-04", "A-06", "A-08", "A-09"]),   # A-09's last day: still due today
        (date(2027, 9, 1), ["A-03", "A-04", "A-06", "A-08"]),            # its deadline past: no longer "next"
    ])
    def test_an_action_whose_deadline_passed_before_the_review_is_written_is_not_next(self, today, due) -> None:
        """A closed month read after the next one began (the August review written on 1 September): A-09, due on 31
        August, is past its deadline that day, done or missed, so it is not among the next actions due; on its last
        day it still is (decided 7 Dec 2026 after audit sfhand10, as a target reached by the day the review is
        written leaves them: what is listed is still to be done the day the review is read)."""
        review = build_review(fx.plan(), replace(fx.evaluation(), as_of=AS_OF), _before(), month="2027-08",
                              previous="2027-07", previous_source="snapshot", next_until=NEXT_UNTIL, today=today)
        assert sorted(x.action.id for r in review.reps for x in r.next_due) == due

    def test_advisor_news_new_still_and_withdrawn(self) -> None:
        """The drop rule is new; the three others still stand; the roll-out of 'gc-salons' is withdrawn."""
        review = _review()
        news = {(n.recommendation.rule, n.recommendation.axis_id): n.new for n in review.news}
        assert news == {(Rule.ROLL_OUT, "dormants-69"): False, (Rule.DROP, "maint-ra"): True,
                        (Rule.PRIORITISE, "pharma-mx50"): False, (Rule.SUSPEND, "pharma-px200"): False}
        assert [(r.rule, r.axis_id) for r in review.withdrawn] == [(Rule.ROLL_OUT, "gc-salons")]

    def test_rep_filter_drops_the_manager_part(self) -> None:
        review = _review(rep="Marc.Dubois@durand-process.example")
        assert [r.name for r in review.reps] == ["Marc Dubois"] and not review.manager


class TestMonths:
    def test_bounds_in_the_plan_timezone(self) -> None:
        start, end = month_bounds("2027-12", "Europe/Paris")
        assert (start.isoformat(), end.isoformat()) == ("2027-12-01T00:00:00+01:00", "2028-01-01T00:00:00+01:00")
        assert shift("2027-01", -1) == "2026-12" and shift("2027-12", 1) == "2028-01"

    @pytest.mark.parametrize(("month", "problem"), [("2027-5", "not a month"), ("2027-13", "not a month"),
                                                     ("2028-01", "outside the plan's period"),
                                                     ("2027-09", "has not started yet")])
    def test_refused_months(self, month: str, problem: str) -> None:
        with pytest.raises(InvalidInput, match=problem):
            review_month(fx.plan(), month, AS_OF)

    def test_running_month_is_reviewed_as_of_now(self) -> None:
        assert review_month(fx.plan(), "2027-08", AS_OF) == ("2027-08", AS_OF)
        assert review_month(fx.plan(), "2027-07", AS_OF)[1] == datetime(2027, 8, 1, tzinfo=PARIS)
        assert review_month(fx.plan(), None, AS_OF)[0] == "2027-08"


class TestRendering:
    def test_html_escapes_and_has_no_script(self) -> None:
        """The hostile action text of A-09 is escaped; the page carries the report's CSP."""
        html = render_html(_review())
        assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "default-src 'none'" in html and '<html lang="fr">' in html
        assert "À risque → Terminée · +12 depuis le mois dernier" in html
        assert "Comparée à la revue précédente (juillet 2027, instantané gardé alors)" in html

    def test_markdown_in_english(self) -> None:
        text = render_markdown(_review(), "en")
        assert text.startswith("# PAC 2027 — Durand Process — Monthly action review · August 2027")
        assert "| Drop" not in text and "- **Drop** · Contrats de maintenance (new):" in text
        assert "\\<script\\>alert(1)\\</script\\>" in text        # escaped, cannot open a tag
        assert "### Next actions due (until September 30, 2027)" in text

    def test_first_month_says_there_is_no_previous_review(self) -> None:
        text = render_markdown(_review(before=False))
        assert "Premier mois du plan\u00a0: pas de revue précédente." in text
        assert "Ce qui a changé" not in text

    def test_first_month_tags_no_recommendation_as_still_standing(self) -> None:
        """With no previous review there is nothing a recommendation could still stand from: no tag, in Markdown and
        HTML (a later month keeps its new / still standing tags). Seen failing before: every recommendation of the
        first month read « toujours valable »."""
        review = _review(before=False)
        assert review.news
        text, html = render_markdown(review), render_html(review)
        assert "toujours valable" not in text + html and "(nouveau)" not in text and 'class="tag' not in html
        later = render_markdown(_review())
        assert "(nouveau)" in later


class TestPlanOver:
    """The review of the plan's last month, closed at the plan's end, words the advisor's conclusions for the next plan
    as the quarterly report does (``i18n.for_next_plan``; audit reverify N1)."""

    END = datetime(2028, 1, 1, tzinfo=PARIS)

    def _last_month(self):
        return build_review(fx.plan(), replace(fx.evaluation(), as_of=self.END), _before(), month="2027-12",
                            previous="2027-11", previous_source="snapshot",
                            next_until=datetime(2028, 2, 1, tzinfo=PARIS))

    def test_markdown_words_the_advice_for_the_next_plan(self) -> None:
        """Seen failing before the fix: « Nouvelles du conseiller », « **Abandonner** · … : Abandonner l'axe … »."""
        text = render_markdown(self._last_month()).replace("\u00a0", " ")    # French typography: test_typography
        assert "## Pour le plan suivant" in text and "Nouvelles du conseiller" not in text
        assert "Le plan est terminé : voici les conclusions du conseiller" in text
        assert ("- **Ne pas reconduire** · Contrats de maintenance (nouveau) : Ne pas reconduire l'axe "
                "« Contrats de maintenance » (ROI −21 %") in text
        assert "- **Réexaminer** · Pompes doseuses PX200 en pharma (toujours valable) : Réexaminer l'axe" in text
        assert "Abandonner" not in text and "Suspendre" not in text and "**Déployer**" not in text
        # the withdrawn roll-out is November's, named as November's review printed it (audit reviewyear: it read
        # « Reconduire et étendre · Salons professionnels », words no review had printed)
        assert "- Déployer · Salons professionnels" in text and "- Reconduire et étendre · Salons" not in text

    def test_no_conclusion_is_said_for_the_next_plan(self) -> None:
        """The report's next-plan sentence (audit janmeet F2), not « les axes sont dans les seuils fixés »."""
        review = build_review(fx.plan(), replace(fx.evaluation(), as_of=self.END, recommendations=()), _before(),
                              month="2027-12", previous="2027-11", previous_source="snapshot",
                              next_until=datetime(2028, 2, 1, tzinfo=PARIS))
        text = render_markdown(review).replace("\u00a0", " ")
        assert "## Pour le plan suivant" in text and "le conseiller n'a aucune conclusion à reprendre" in text
        assert "les axes sont dans les seuils fixés" not in text

    def test_html_and_english(self) -> None:
        html = render_html(self._last_month())
        assert "Pour le plan suivant" in html and "Ne pas reconduire l&#x27;axe" in html
        assert "Abandonner" not in html and ">Suspendre<" not in html
        text = render_markdown(self._last_month(), "en")
        assert "## For the next plan" in text and "- **Do not renew** · Contrats de maintenance (new):" in text
        assert "**Drop**" not in text and "**Suspend**" not in text   # (the fixture's sentences are French only)

    def test_a_closed_month_is_headed_by_its_last_day(self) -> None:
        """The December review at 1 January 00:00 reads « Situation à la fin du 31 décembre 2027 », the report's words,
        not « Situation au 1er janvier 2028 à 00:00 » (audit janmeet F4; seen failing before the fix)."""
        review = self._last_month()
        for text in (render_markdown(review), render_html(review)):
            assert "Situation à la fin du 31 décembre 2027" in text and "janvier 2028 à 00:00" not in text
            assert "recalculé" not in text and "Depuis la clôture" not in text
        assert "Status at the end of December 31, 2027." in render_markdown(review, "en")

    def test_a_closed_month_says_what_changed_since_its_snapshot(self) -> None:
        """With what today's re-evaluation changes against the month's kept snapshot (A-01 3/5 then, 4/5 now), the
        header says « recalculé sur les saisies et le plan d'aujourd'hui » and the « Depuis la clôture » lines follow,
        as in the report."""
        review = replace(self._last_month(), since=Restatement(actions=(("A-01", 3, 5, 4, 5),)))
        text, html = render_markdown(review), render_html(review)
        assert "Situation à la fin du 31 décembre 2027, recalculé sur les saisies et le plan d'aujourd'hui." in text
        assert ("Depuis la clôture (saisies et modifications du plan après le 31 décembre 2027)\u00a0:  \n"
                "actions\u00a0: A-01 3/5 → 4/5\n") in text
        assert '<div class="since"><div>Depuis la clôture' in html and "A-01 3/5 → 4/5" in html

    def test_running_last_month_keeps_the_advice_as_made(self) -> None:
        """On 5 December the plan still runs: « Abandonner l'axe … » is advice the manager can still act on."""
        review = build_review(fx.plan(), replace(fx.evaluation(), as_of=datetime(2027, 12, 5, tzinfo=PARIS)),
                              _before(), month="2027-12", previous="2027-11", previous_source="snapshot",
                              next_until=datetime(2028, 2, 1, tzinfo=PARIS))
        text = render_markdown(review)
        assert "## Nouvelles du conseiller" in text and "- **Abandonner** · Contrats de maintenance" in text


class TestRepByName:
    def test_the_persons_name_or_alias_gives_their_email(self) -> None:
        """`pac review --rep "Julie Martin"` is Julie's review (usplan audit, minor list: the name was refused with
        "owns no action"); case, accents and spaces do not matter; an unknown name is left as written (refused
        downstream with the list of e-mails)."""
        julie = "julie.martin@durand-process.example"
        plan = fx.plan()
        assert rep_email(plan, "Julie Martin") == julie
        assert rep_email(plan, "  julie   MARTIN ") == julie
        assert rep_email(plan, "Léa Rousseau") == rep_email(plan, "lea rousseau") == (
            "lea.rousseau@durand-process.example")
        assert rep_email(plan, julie.upper()) == julie
        assert rep_email(plan, "Nobody Here") == "Nobody Here"
        assert rep_email(plan, None) is None


class TestAxisChange:
    """An axis's « Évolution » since the previous review (audit reviewleft), on hand-built figures."""

    def test_an_objective_edited_and_a_deal_entered_late(self) -> None:
        """maint-ra: July's review printed 40 000 - 16 000 = 24 000 € of 60 000 € (40 %); the objective raised to
        80 000 € since, and August's reads 52 000 - 20 000 = 32 000 € of 80 000 € (40 %): no progress moved, +8 000 €,
        of which July re-evaluated today (43 000 - 16 000 = 27 000 €) +3 000 € entered after its review."""
        axis = next(a for a in fx.plan().axes if a.id == "maint-ra")
        line = AxisLine(axis, fx._axis("maint-ra", 52_000, 20_000, 80_000, Pace.ON_TRACK, None, None),
                        fx._axis("maint-ra", 40_000, 16_000, 60_000, Pace.ON_TRACK, None, None),
                        fx._axis("maint-ra", 43_000, 16_000, 60_000, Pace.ON_TRACK, None, None))
        fmt = Formatter.for_plan(fx.plan(), "fr")
        words = axis_change(line, fmt, "2027-07").replace("\u00a0", " ").replace("\u202f", " ")
        assert words == ("+8 000 € depuis le mois dernier, dont +3 000 € de juillet 2027 ajoutés après sa revue "
                         "(affaire saisie en retard ou augmentée) · objectif 60 000 € → 80 000 €")
        same = AxisLine(axis, line.now, line.now)
        assert axis_change(same, fmt, "2027-07") == "avancement inchangé"
        assert axis_change(AxisLine(axis, line.now, None), fmt, None) == "–"


def test_deals_that_cancel_out_are_still_said() -> None:
    """A deal of 5 000 € reopened and another of 5 000 € won since the previous review: the additional revenue did not
    move, and the axis read « avancement inchangé » with nothing of either (audit reviewdeals); it says both."""
    axis = next(a for a in fx.plan().axes if a.id == "maint-ra")
    now = fx._axis("maint-ra", 40_000, 16_000, 60_000, Pace.ON_TRACK, None, None)
    found = AxisMoves((DealMove("Affaire A", Decimal(-5000), Decimal(-5000), "reopened", Decimal(5000), None, None),
                       DealMove("Affaire B", Decimal(5000), Decimal(5000), "won", None, Decimal(5000),
                                date(2027, 8, 3))))
    fmt = Formatter.for_plan(fx.plan(), "fr")
    words = axis_change(AxisLine(axis, now, now, moves=found), fmt, "2027-07").replace("\u00a0", " ")
    assert words.replace("\u202f", " ") == ("0 € depuis le mois dernier · détail : Affaire A −5 000 € (rouverte) ; "
                                            "Affaire B +5 000 € (gagnée le 3 août 2027)")
