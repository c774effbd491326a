"""A plan's calendar changed after a quarter was kept (audit fiscalchange): the company moves its fiscal year from
January to February or April, or declares its 4-4-5 quarters. The quarter kept under the old calendar stays
readable under the label it was taken with, ``pac report --quarter 2027-Q1``, with a word that the calendar changed;
before, pac refused the label as « not one of the plan's quarters » or « outside the plan's period »."""

from __future__ import annotations

from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from pac_config.settings import Settings, load_settings
from pac_core.errors import InvalidInput
from sync_jobs import app
from sync_jobs.cli import main
from sync_jobs.pipeline import run_sync
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
MARCH_20 = datetime(2027, 3, 20, 1, 0, tzinfo=UTC)
APRIL_1 = datetime(2027, 4, 1, 0, 0, tzinfo=UTC)
APRIL_1_NIGHT = datetime(2027, 4, 1, 3, 45, tzinfo=UTC)
APRIL_10 = datetime(2027, 4, 10, 0, 0, tzinfo=UTC)
CALENDARS = {
    "february": '  period: "2027-02-01..2028-01-31"\n',
    "april": '  period: "2027-04-01..2028-03-31"\n',
    "4-4-5": '  period: "2027-01-31..2028-01-29"\n  fiscal_calendar: 4-4-5\n',
}


def _changed(tmp_path: Path, database_url: str, calendar: str) -> Settings:
    """A calendar 2027 plan, Q1 kept on 1 April (A-03 missed: 1 visit of 2); on 10 April its calendar changes."""
    settings = load_settings(write_settings(tmp_path, database_url, plan_text=SMALL_PLAN + MARCH_ACTION), env={})
    crm = FakeConnector()
    crm.put(user("u1", "julie@example.com"), account("a1"),
            visit("v1", "u1", "a1", datetime(2027, 3, 10, 8, tzinfo=UTC)))
    run_sync(None, settings, connectors={"fake": crm}, clock=Clock(MARCH_20), as_of=MARCH_20, evaluator=fake_evaluate)
    run_sync(None, settings, connectors={"fake": FakeConnector()}, clock=Clock(APRIL_1), as_of=APRIL_1,
             evaluator=fake_evaluate)
    assert app.take_snapshot(settings, None, period="2027-Q1", now=APRIL_1_NIGHT) == "2027-Q1"
    assert app.take_snapshot(settings, None, period="2027-03", now=APRIL_1_NIGHT) == "2027-03"
    plan = Path(settings.plan(None).file)
    text = plan.read_text(encoding="utf-8").replace("  year: 2027\n", "  year: 2027\n" + CALENDARS[calendar])
    if calendar == "april":   # March is before the new year: its action leaves the plan (it stays in the kept Q1)
        text = text.replace(MARCH_ACTION, "")
    plan.write_text(text, encoding="utf-8")
    run_sync(None, settings, connectors={"fake": FakeConnector()}, clock=Clock(APRIL_10), as_of=APRIL_10,
             evaluator=fake_evaluate)
    path = Path(settings.source)
    path.write_text(path.read_text(encoding="utf-8").replace(
        "connectors: [fake]}", "connectors: [fake], as_of: '2027-05-20T10:00:00+02:00'}"), encoding="utf-8")
    return settings


def _report(settings: Settings, tmp_path: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["report", *args, "-o", str(tmp_path / "r.html"), "--config",
                                     str(settings.source)])


@pytest.mark.parametrize("calendar", sorted(CALENDARS))
def test_the_kept_quarter_is_shown_under_its_label_with_a_note(tmp_path: Path, database_url: str,
                                                               calendar: str) -> None:
    """Seen failing before the fix: exit 1, « 2027-Q1 (January to March 2027) is not one of the plan's quarters »
    (February, 4-4-5) or « 2027-Q1 is outside the plan's period » (April)."""
    settings = _changed(tmp_path, database_url, calendar)
    shown = _report(settings, tmp_path, "--quarter", "2027-Q1", "--lang", "en")
    assert shown.exit_code == 0, (shown.output, shown.stderr, shown.exception)
    html = unescape((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert "Status at the end of March 31, 2027 (snapshot of April 1, 2027; the plan's calendar has changed " \
           "since: this quarter is none of its quarters now" in html
    assert "Q1 2027" in html and "A-03" in html
    fr = _report(settings, tmp_path, "--quarter", "2027-Q1", "--lang", "fr")
    assert fr.exit_code == 0, (fr.output, fr.stderr, fr.exception)
    assert ("(instantané du 1er avril 2027\u00a0; le calendrier du plan a changé depuis\u00a0: ce trimestre n'est "
            "plus l'un des siens") in unescape((tmp_path / "r.html").read_text(encoding="utf-8"))


def test_restated_is_refused_with_the_reason(tmp_path: Path, database_url: str) -> None:
    """Today's plan has no such quarter to re-evaluate: --restated says so and points at the kept report."""
    settings = _changed(tmp_path, database_url, "february")
    shown = _report(settings, tmp_path, "--quarter", "2027-Q1", "--restated")
    assert shown.exit_code == 2
    assert "2027-Q1 is none of the plan's quarters since its calendar changed" in shown.stderr
    assert "without --restated" in shown.stderr


def test_a_quarter_never_kept_is_refused_as_before(tmp_path: Path, database_url: str) -> None:
    settings = _changed(tmp_path, database_url, "february")
    shown = _report(settings, tmp_path, "--quarter", "2026-Q4")
    assert shown.exit_code != 0
    assert not (tmp_path / "r.html").exists()


def test_the_kept_month_outside_today_s_period_is_its_review(tmp_path: Path, database_url: str) -> None:
    """A year moved to April: March 2027 is before it. Seen failing before the fix: « --month: 2027-03 is outside the
    plan's period (2027-04 to 2028-03) », though March's snapshot is kept."""
    settings = _changed(tmp_path, database_url, "april")
    assert app.kept_snapshot(settings, None, "monthly", "2027-03") is not None
    review = load_review(settings, month="2027-03", now=datetime(2027, 5, 20, 8, tzinfo=UTC))
    text = render_review(review, "en")
    assert ("Status at the end of March 31, 2027 (kept snapshot; the plan's calendar has changed since: this month is "
            "outside its period, from April 1, 2027 to March 31, 2028)") in text
    assert "A-03" in text    # March's action, in the plan of then
    fr = render_review(review, "fr")
    assert "le calendrier du plan a changé depuis\u00a0: ce mois est hors de sa période" in fr
    with pytest.raises(InvalidInput):   # a month never kept is refused as before
        load_review(settings, month="2027-01", now=datetime(2027, 5, 20, 8, tzinfo=UTC))


@pytest.mark.parametrize("calendar", ["february", "april"])
def test_pac_snapshot_of_a_period_kept_under_the_old_calendar_says_where_it_is(tmp_path: Path, database_url: str,
                                                                                 calendar: str) -> None:
    """Seen failing before the fix: « 2027-Q1 (January to March 2027) is not one of the plan's quarters … » or
    « 2027-Q1 is outside the plan's period », with no word that it is kept and readable."""
    settings = _changed(tmp_path, database_url, calendar)
    said = CliRunner().invoke(main, ["snapshot", "--period", "2027-Q1", "--config", str(settings.source)])
    assert isinstance(said.exception, InvalidInput), (said.output, said.exception)   # exit 2 from the entry point
    assert ("2027-Q1 is none of the plan's periods since its calendar changed; its snapshot, taken under the "
            "calendar of then, stays kept as it was") in str(said.exception)
    assert "see it with pac report --quarter 2027-Q1" in str(said.exception)
    never = CliRunner().invoke(main, ["snapshot", "--period", "2026-Q4", "--config", str(settings.source)])
    assert isinstance(never.exception, InvalidInput) and "calendar changed" not in str(never.exception)


class TestTheNewQuarterOverlappingAKeptOne:
    """A year moved from January to February after 2027-Q1 (January-March) was kept: the plan's Q1 is now February to
    April, another quarter under the same name. Its report says it overlaps the kept one, so a manager does not
    compare two different Q1s unknowingly (audit snapedits F2). Seen failing before the fix: no word of it."""

    EN = ("Note: this quarter overlaps Q1 2027 as kept under the plan's former calendar (January 1 – March 31, 2027, "
          "snapshot of April 1, 2027): February 1 – March 31, 2027 is in both. They are two different quarters: do "
          "not compare their figures as one quarter's (pac report --quarter 2027-Q1 shows the kept one).")
    FR = ("Attention\u00a0: ce trimestre chevauche le T1 2027 conservé sous l'ancien calendrier du plan (1er janvier "
          "– 31 mars 2027, instantané du 1er avril 2027)\u00a0: les jours du 1er février 2027 au 31 mars 2027 "
          "sont dans les deux. Ce sont deux trimestres différents\u00a0: ne comparez pas leurs chiffres comme ceux "
          "d'un même trimestre (pac report --quarter 2027-Q1 montre celui conservé).")

    def test_the_report_of_the_new_q1_says_it(self, tmp_path: Path, database_url: str) -> None:
        settings = _changed(tmp_path, database_url, "february")
        for lang, words in (("en", self.EN), ("fr", self.FR)):
            shown = _report(settings, tmp_path, "--quarter", "Q1", "--lang", lang)
            assert shown.exit_code == 0, (shown.output, shown.stderr, shown.exception)
            html = unescape((tmp_path / "r.html").read_text(encoding="utf-8"))
            assert words.replace("\u00a0", " ") in html.replace("\u00a0", " ").replace("\u202f", " ")

    def test_the_report_while_the_new_q1_runs_says_it_too(self, tmp_path: Path, database_url: str) -> None:
        settings = _changed(tmp_path, database_url, "february")
        path = Path(settings.source)
        path.write_text(path.read_text(encoding="utf-8").replace("2027-05-20T10:00:00", "2027-04-20T10:00:00"),
                        encoding="utf-8")
        shown = _report(settings, tmp_path, "--lang", "en")
        assert shown.exit_code == 0, (shown.output, shown.stderr, shown.exception)
        assert self.EN in unescape((tmp_path / "r.html").read_text(encoding="utf-8"))

    def test_the_workbook_says_it(self, tmp_path: Path, database_url: str) -> None:
        settings = _changed(tmp_path, database_url, "february")
        shown = CliRunner().invoke(main, ["report", "--quarter", "Q1", "--lang", "en", "-o", str(tmp_path / "r.xlsx"),
                                          "--config", str(settings.source)])
        assert shown.exit_code == 0, (shown.output, shown.stderr, shown.exception)
        sheet = load_workbook(tmp_path / "r.xlsx").worksheets[0]
        assert self.EN in str(sheet["A2"].value)

    def test_the_next_quarter_and_the_kept_one_say_nothing(self, tmp_path: Path, database_url: str) -> None:
        """Q2 (May-July) overlaps nothing kept; the kept 2027-Q1's own report keeps its note alone."""
        settings = _changed(tmp_path, database_url, "february")
        path = Path(settings.source)
        path.write_text(path.read_text(encoding="utf-8").replace("2027-05-20T10:00:00", "2027-08-20T10:00:00"),
                        encoding="utf-8")
        for args in (("--quarter", "Q2"), ("--quarter", "2027-Q1")):
            shown = _report(settings, tmp_path, *args, "--lang", "en")
            assert shown.exit_code == 0, (shown.output, shown.stderr, shown.exception)
            assert "overlaps" not in unescape((tmp_path / "r.html").read_text(encoding="utf-8"))

    def test_a_plan_whose_calendar_never_changed_says_nothing(self, tmp_path: Path, database_url: str) -> None:
        settings = load_settings(write_settings(tmp_path, database_url, plan_text=SMALL_PLAN + MARCH_ACTION), env={})
        run_sync(None, settings, connectors={"fake": FakeConnector()}, clock=Clock(APRIL_1), as_of=APRIL_1,
                 evaluator=fake_evaluate)
        assert app.take_snapshot(settings, None, period="2027-Q1", now=APRIL_1_NIGHT) == "2027-Q1"
        path = Path(settings.source)
        path.write_text(path.read_text(encoding="utf-8").replace(
            "connectors: [fake]}", "connectors: [fake], as_of: '2027-08-20T10:00:00+02:00'}"), encoding="utf-8")
        for args in (("--quarter", "Q1"), ("--quarter", "Q2")):
            shown = _report(settings, tmp_path, *args, "--lang", "en")
            assert shown.exit_code == 0, (shown.output, shown.stderr, shown.exception)
            assert "overlaps" not in unescape((tmp_path / "r.html").read_text(encoding="utf-8"))
