"""A snapshot taken late (the scheduler's catch-up, ``pac snapshot --period`` weeks after, ``pac demo``) is the period
as it was closed: evaluated on today's records, but with the plan as it was at the period's end, as the store kept
it (audit asofplan F1). Before, a March taken on 15 April read April's plan: a target lowered on 10 April turned a
missed action into a done one, and an action written on 10 April appeared in March's figures."""

from __future__ import annotations

from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pac_config.settings import Settings, load_settings
from pac_core.snapshots import closing_instant
from sync_jobs import app
from sync_jobs.cli import main
from sync_jobs.pipeline import run_sync
from sync_jobs.report import render_html
from sync_jobs.review.load import load_review
from sync_jobs.review.markdown import render as render_review
from tests.fakes import SMALL_PLAN, Clock, FakeConnector, account, fake_evaluate, user, visit, write_settings

MARCH_ACTION = """\
  - id: A-03
    axis: AX-1
    text: "Visit 2 customers in March"
    who: julie@example.com
    what: {activity: visit, count: 2}
    when: "March 2027"
"""
ADDED_IN_APRIL = """\
  - id: A-04
    axis: AX-1
    text: "Visit 1 customer in March"
    who: julie@example.com
    what: {activity: visit, count: 1}
    when: "March 2027"
"""
MARCH_20 = datetime(2027, 3, 20, 1, 0, tzinfo=UTC)
APRIL_1_NIGHT = datetime(2027, 4, 1, 3, 45, tzinfo=UTC)     # 05:45 Paris, the scheduler's snapshot job
APRIL_10 = datetime(2027, 4, 10, 0, 0, tzinfo=UTC)
APRIL_15 = datetime(2027, 4, 15, 3, 45, tzinfo=UTC)


@pytest.fixture
def edited(tmp_path: Path, database_url: str) -> Settings:
    """The small plan with A-03 (2 visits in March), synced on 20 March (one visit on 10 March); on 10 April the
    manager lowers A-03's target to 1 and writes A-04 (a March action), and the night's sync records them."""
    settings = load_settings(write_settings(tmp_path, database_url, plan_text=SMALL_PLAN + MARCH_ACTION), env={})
    crm = FakeConnector()
    crm.put(user("u1", "julie@example.com"), account("a1"),
            visit("v1", "u1", "a1", datetime(2027, 3, 10, 8, tzinfo=UTC)))
    run_sync(None, settings, connectors={"fake": crm}, clock=Clock(MARCH_20), as_of=MARCH_20,
             evaluator=fake_evaluate)
    plan = Path(settings.plan(None).file)
    text = plan.read_text(encoding="utf-8").replace("count: 2}\n    when: \"March 2027\"",
                                                    "count: 1}\n    when: \"March 2027\"")
    plan.write_text(text + ADDED_IN_APRIL, encoding="utf-8")
    run_sync(None, settings, connectors={"fake": FakeConnector()}, clock=Clock(APRIL_10), as_of=APRIL_10,
             evaluator=fake_evaluate)
    return settings


def _march(settings: Settings) -> app.Kept:
    kept = app.kept_snapshot(settings, None, "monthly", "2027-03")
    assert kept is not None
    return kept


class TestALateSnapshotKeepsThePlanOfThen:
    def test_march_taken_on_15_april_counts_the_target_of_march(self, edited: Settings) -> None:
        """Seen failing before the fix: A-03 read 1/1 done (April's target) and A-04 was among March's actions."""
        assert app.take_snapshot(edited, None, period="2027-03", now=APRIL_15) == "2027-03"
        kept = _march(edited)
        a03 = next(a for a in kept.evaluation.actions if a.action_id == "A-03")
        assert (a03.target, a03.pace.value) == (2, "late")
        assert {a.action_id for a in kept.evaluation.actions} == {"A-01", "A-02", "A-03"}
        assert {a.id for a in kept.plan.actions} == {"A-01", "A-02", "A-03"}    # the report's plan of then
        assert kept.plan.action("A-03").target == 2

    def test_the_scheduler_catch_up_takes_the_plan_of_then_too(self, edited: Settings) -> None:
        taken = app.take_due_snapshots(edited, None, "monthly", now=APRIL_15)
        assert "2027-03" in taken
        a03 = next(a for a in _march(edited).evaluation.actions if a.action_id == "A-03")
        assert a03.target == 2

    def test_replace_takes_it_again_on_today_s_plan(self, edited: Settings) -> None:
        """--replace is documented as today's records and plan: the lowered target and A-04 are in."""
        app.take_snapshot(edited, None, period="2027-03", now=APRIL_15)
        app.take_snapshot(edited, None, period="2027-03", now=APRIL_15, replace=True)
        kept = _march(edited)
        assert next(a for a in kept.evaluation.actions if a.action_id == "A-03").target == 1
        assert "A-04" in {a.action_id for a in kept.evaluation.actions}


def test_an_edit_of_the_last_evening_is_in_march_whether_taken_on_time_or_late(tmp_path: Path,
                                                                                 database_url: str) -> None:
    """The manager lowers A-03's target on 31 March at 18:00; the night's sync (1 April 02:00 Paris) records it. The
    snapshot job of 05:45 reads it, as it always did, and so does a catch-up of March taken on 15 April: both are
    the plan of the night after the close, not the version of 20 March."""
    settings = load_settings(write_settings(tmp_path, database_url, plan_text=SMALL_PLAN + MARCH_ACTION), env={})
    run_sync(None, settings, connectors={"fake": FakeConnector()}, clock=Clock(MARCH_20), as_of=MARCH_20,
             evaluator=fake_evaluate)
    plan = Path(settings.plan(None).file)
    plan.write_text(plan.read_text(encoding="utf-8").replace("count: 2}\n    when: \"March 2027\"",
                                                             "count: 1}\n    when: \"March 2027\""), encoding="utf-8")
    night = datetime(2027, 4, 1, 0, 0, tzinfo=UTC)
    run_sync(None, settings, connectors={"fake": FakeConnector()}, clock=Clock(night), as_of=night,
             evaluator=fake_evaluate)
    assert app.take_snapshot(settings, None, period="2027-03", now=APRIL_1_NIGHT) == "2027-03"
    assert app.take_snapshot(settings, None, period="2027-Q1", now=APRIL_15) == "2027-Q1"
    for kind, label in (("monthly", "2027-03"), ("quarterly", "2027-Q1")):
        kept = app.kept_snapshot(settings, None, kind, label)
        assert kept is not None
        assert next(a for a in kept.evaluation.actions if a.action_id == "A-03").target == 1


class TestAPastPeriodOnTodaysPlanSaysSo:
    """Where a past period is re-evaluated with today's plan (no snapshot kept, --restated), the header says the
    plan is today's, not only « the current data », which a manager reads as the CRM's entries (audit asofplan F2,
    F3): March's figures count A-03's target of April and A-04, written in April."""

    def test_the_report_of_a_quarter_with_no_snapshot_kept(self, edited: Settings) -> None:
        inputs = app.load_report_inputs(edited, as_of=closing_instant("2027-Q1", "Europe/Paris"), closed=True)
        assert "A-04" in {a.action_id for a in inputs.evaluation.actions}    # today's plan, by design
        assert ("Status at the end of March 31, 2027, recalculated on today's entries and plan "
                "(no snapshot of the quarter kept)") in unescape(render_html(inputs, "en"))
        assert ("Situation à la fin du 31 mars 2027, recalculé sur les saisies et le plan d'aujourd'hui "
                "(aucun instantané conservé du trimestre)") in unescape(render_html(inputs, "fr"))

    def test_the_review_of_a_closed_month_with_no_snapshot_kept(self, edited: Settings) -> None:
        """Seen failing before the fix: « Status at the end of March 31, 2027. » and A-04 (written on 10 April)
        among March's missed actions, with nothing saying the plan is April's."""
        review = load_review(edited, month="2027-03", now=APRIL_15)
        assert ("Status at the end of March 31, 2027, recalculated on today's entries and plan "
                "(no snapshot of the month kept).") in render_review(review, "en")
        assert ("Situation à la fin du 31 mars 2027, recalculé sur les saisies et le plan d'aujourd'hui "
                "(aucun instantané conservé du mois).") in render_review(review, "fr")

    def test_the_review_of_a_month_still_running_says_nothing(self, edited: Settings) -> None:
        review = load_review(edited, month="2027-04", now=APRIL_15)
        text = render_review(review, "en")
        assert "Status as of April 15, 2027" in text and "today's entries and plan" not in text

    def test_the_review_of_a_closed_month_kept_unchanged_says_nothing(self, edited: Settings) -> None:
        app.take_snapshot(edited, None, period="2027-03", now=APRIL_15, replace=False)
        kept = load_review(edited, month="2027-03", now=APRIL_15)
        assert kept.since  # the kept March (plan of then) differs from today's re-evaluation: the lines say why
        assert "recalculated on today's entries and plan." in render_review(kept, "en")


class TestExplainAsOfAPastDaySaysThePlanIsToday:
    """``pac explain A-03 --as-of 2027-03-31`` evaluates 31 March with today's plan (explain explains the figures of
    today's reports, a restated March's among them): when the plan the store recorded has changed since that day, a
    line says so, with the version of then (audit asofplan F4). Seen failing before: « 0 / 1 » and no word that
    March's target was 2."""

    def _explain(self, settings: Settings, *args: str) -> Result:
        shown = CliRunner().invoke(main, ["explain", *args], env={"PAC_CONFIG": str(settings.source),
                                                                  "COLUMNS": "250"})
        assert shown.exit_code == 0, (shown.output, shown.stderr)
        return shown

    def test_a_day_before_the_edit(self, edited: Settings) -> None:
        out = self._explain(edited, "A-03", "--as-of", "2027-03-31", "--lang", "en").stdout
        assert "0 / 1" in out
        assert ("Note: evaluated with today's plan (version 2, recorded on 2027-04-10); the plan of 2027-03-31 was "
                "its version 1 (recorded on 2027-03-20): a target, a due date, an owner or an action changed since "
                "reads here as it is today. A quarter kept at its close keeps its plan of then "
                "(pac report --quarter).") in out
        fr = self._explain(edited, "A-03", "--as-of", "2027-03-31", "--lang", "fr").stdout
        assert ("Attention : calculé avec le plan d'aujourd'hui (version 2, enregistrée le 10 avril 2027) ; le plan "
                "du 31 mars 2027 était sa version 1 (enregistrée le 20 mars 2027) : une cible, une échéance, un "
                "responsable ou une action modifiés depuis se lisent ici tels qu'ils sont aujourd'hui. Un trimestre "
                "conservé à sa clôture garde son plan d'alors (pac report --quarter).") in fr

    def test_a_day_after_the_edit_or_no_as_of_says_nothing(self, edited: Settings) -> None:
        for args in (("A-03", "--as-of", "2027-04-12"), ("A-03",), ("AX-1", "--as-of", "2027-04-12")):
            assert "today's plan" not in self._explain(edited, *args, "--lang", "en").stdout

    def test_an_axis_says_it_too(self, edited: Settings) -> None:
        assert "Note: evaluated with today's plan (version 2" in self._explain(
            edited, "AX-1", "--as-of", "2027-03-31", "--lang", "en").stdout


class TestASnapshotNotOnThePlanOfTheCloseSaysWhose:
    """A store started after the period has no plan of then: its snapshot is taken with the first plan it recorded,
    and --replace takes today's by design. The kept report's header names that day (audit asofplan F5: it read
    « (snapshot of May 20, 2027) », which says when the figures were frozen, not that the plan is May's)."""

    def test_a_store_started_after_the_quarter(self, tmp_path: Path, database_url: str) -> None:
        settings = load_settings(write_settings(tmp_path, database_url), env={})
        run_sync(None, settings, connectors={"fake": FakeConnector()}, clock=Clock(), evaluator=fake_evaluate)
        may_20 = datetime(2027, 5, 20, 16, 0, tzinfo=UTC)
        assert app.take_snapshot(settings, None, period="2027-Q1", now=may_20) == "2027-Q1"
        inputs = app.load_report_inputs(settings, as_of=closing_instant("2027-Q1", "Europe/Paris"), closed=True)
        assert ("Status at the end of March 31, 2027 (snapshot of May 20, 2027, with the plan and settings of May 20, "
                "2027)" in unescape(render_html(inputs, "en")))
        assert ("Chiffres arrêtés au 31 mars 2027 (instantané du 20 mai 2027, avec le plan et les réglages du 20 mai "
                "2027)" in unescape(render_html(inputs, "fr")))

    def test_the_plan_of_the_close_says_nothing_more(self, edited: Settings) -> None:
        app.take_snapshot(edited, None, period="2027-Q1", now=APRIL_15)
        inputs = app.load_report_inputs(edited, as_of=closing_instant("2027-Q1", "Europe/Paris"), closed=True)
        html = unescape(render_html(inputs, "en"))
        assert "Status at the end of March 31, 2027 (snapshot of April 15, 2027)" in html
        assert "with the plan of" not in html

    def test_replace_takes_today_s_plan_and_says_so(self, edited: Settings) -> None:
        app.take_snapshot(edited, None, period="2027-Q1", now=APRIL_15)
        app.take_snapshot(edited, None, period="2027-Q1", now=APRIL_15, replace=True)
        inputs = app.load_report_inputs(edited, as_of=closing_instant("2027-Q1", "Europe/Paris"), closed=True)
        assert "(snapshot of April 15, 2027, with the plan and settings of April 15, 2027)" in unescape(
            render_html(inputs, "en"))


def test_pac_snapshot_taken_late_says_which_plan(edited: Settings) -> None:
    """`pac snapshot --period 2027-03` on 15 April says March is evaluated with the plan as it was then (its
    version 1), not April's; --replace says it takes the plan of the day (audit asofplan F1, F5)."""
    path = Path(edited.source)
    path.write_text(path.read_text(encoding="utf-8").replace(
        "connectors: [fake]}", "connectors: [fake], as_of: '2027-04-15T05:45:00+02:00'}"), encoding="utf-8")
    said = CliRunner().invoke(main, ["snapshot", "--period", "2027-03", "--config", str(path)])
    assert said.exit_code == 0, (said.output, said.stderr)
    assert ("2027-03: monthly (actions) snapshot of Test plan kept, evaluated at the end of its last day, 2027-03-31 "
            "(Europe/Paris), with the plan as it was then (its version 1); `pac report` shows it in the trends.") \
        in said.stdout
    again = CliRunner().invoke(main, ["snapshot", "--period", "2027-03", "--replace", "--config", str(path)])
    assert again.exit_code == 0, (again.output, again.stderr)
    assert "2027-03-31 (Europe/Paris), with the plan and settings of 2027-04-15;" in again.stdout
    assert "A-04" in again.stdout     # what changes: the action written on 10 April is in the replaced March
