"""A snapshot taken late keeps the engine settings in force at its period's end (audit snapsettings), as it keeps
the plan and the CRM edits of then (audits asofplan, snapedits): the store records the ``engine`` section of pac.yaml
each night (``pac_engine_settings``, a new version when it changes), never the rest of the file.

Hand computation: an EUR plan, AX-1 and AX-2 with no scope (both hold every deal), AX-1's objective 20,000 EUR; one
deal of USD 10,000.00 won on 20 March 2027, converted with ``engine.fx_rates`` (no CRM rate). pac.yaml reads
``fx_rates: {USD: 0.92}`` until 10 April, when the manager writes 0.85 (or turns ``attribution`` from full to split).
- March (and Q1) taken on time, 1 April 05:45 Paris: 10,000 x 0.92 = 9,200.00 EUR on AX-1 (and on AX-2: full).
- The same taken late, 15 April: before this audit today's settings, 10,000 x 0.85 = 8,500.00 EUR (700 EUR less
  for a month closed before the change), or 4,600.00 on each axis under split; now 9,200.00 on each, as on time.
- A store that recorded no settings by the cut-off (started on 10 April): today's settings, 8,500.00, and the kept
  snapshot says so (``settings_of``, as ``plan_of`` says the plan is not the close's).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from pac_config.settings import Settings, load_settings
from pac_core.records import Deal, DealStage
from pac_core.snapshots import KEPT, closing_instant
from sync_jobs import app
from sync_jobs.cli import main
from sync_jobs.pipeline import run_sync
from sync_jobs.report import render_html
from sync_jobs.store import open_store, repo
from tests.fakes import SMALL_PLAN, Clock, FakeConnector, account, fake_evaluate, user, write_settings

PLAN = SMALL_PLAN.replace("{id: AX-1, name: Dormant customers, segment: S-1, status: active}",
                          "{id: AX-1, name: Dormant customers, segment: S-1, status: active, "
                          "objective: {additional_revenue: 20000, baseline: 0}}")
MARCH_20_NIGHT = datetime(2027, 3, 21, 1, 0, tzinfo=UTC)
APRIL_1_SYNC = datetime(2027, 4, 1, 0, 0, tzinfo=UTC)        # 02:00 Paris, the night after the close
APRIL_1_SNAPSHOT = datetime(2027, 4, 1, 3, 45, tzinfo=UTC)   # 05:45 Paris, the scheduler's snapshot job
APRIL_10_NIGHT = datetime(2027, 4, 11, 0, 0, tzinfo=UTC)
APRIL_15 = datetime(2027, 4, 15, 3, 45, tzinfo=UTC)


class Case:
    """The plan above, ``engine`` written ``before`` in pac.yaml, synced on 20 March and 1 April (unless
    ``started_late``: the store's first night is 10 April's); on 10 April pac.yaml's engine section becomes ``after``
    and that night's sync runs with it."""

    def __init__(self, tmp_path: Path, database_url: str, before: str, after: str, *,
                 started_late: bool = False) -> None:
        self.path = write_settings(tmp_path, database_url, plan_text=PLAN, extra=before)
        self.before, self.after = before, after
        self.crm = FakeConnector()
        self.crm.put(user("u1", "julie@example.com"), account("a1"),
                     Deal("d1", "fake", "a1", "u1", Decimal("10000.00"), "USD", date(2027, 3, 20), DealStage.WON,
                          modified_at=datetime(2027, 3, 20, 9, tzinfo=UTC)))
        self.settings = load_settings(self.path, env={})
        if not started_late:
            self.sync(MARCH_20_NIGHT)
            self.sync(APRIL_1_SYNC)

    def sync(self, at: datetime) -> None:
        run_sync(None, self.settings, connectors={"fake": self.crm}, clock=Clock(at), as_of=at,
                 evaluator=fake_evaluate)

    def change_settings(self) -> None:
        text = self.path.read_text(encoding="utf-8")
        assert self.before in text
        self.path.write_text(text.replace(self.before, self.after), encoding="utf-8")
        self.settings = load_settings(self.path, env={})
        self.sync(APRIL_10_NIGHT)

    def revenue(self, label: str = "2027-03", kind: str = "monthly") -> tuple[Decimal, Decimal]:
        kept = app.kept_snapshot(self.settings, None, kind, label)
        assert kept is not None
        axes = {a.axis_id: a.revenue for a in kept.evaluation.axes}
        return axes["AX-1"], axes["AX-2"]

    def kept_info(self, label: str = "2027-03", kind: str = "monthly") -> dict[str, object]:
        engine = open_store(self.settings.database())
        try:
            row = repo.snapshot(engine, _plan_id(self.settings), kind, label)
            assert row is not None
            return dict(row.payload[KEPT])
        finally:
            engine.dispose()


def _plan_id(settings: Settings) -> str:
    return app.current(settings, None).plan.id


RATE_092 = "engine:\n  fx_rates: {USD: 0.92}\n"
RATE_085 = "engine:\n  fx_rates: {USD: 0.85}\n"


class TestARateChangedAfterTheClose:
    @pytest.mark.parametrize("late", [False, True], ids=["on time", "late"])
    def test_march_converts_at_the_rate_of_march(self, tmp_path: Path, database_url: str, late: bool) -> None:
        """Seen failing before the fix (late): 8,500.00, 10,000 USD at the rate written on 10 April."""
        case = Case(tmp_path, database_url, RATE_092, RATE_085)
        if not late:
            assert app.take_snapshot(case.settings, None, period="2027-03", now=APRIL_1_SNAPSHOT) == "2027-03"
        case.change_settings()
        if late:
            assert app.take_snapshot(case.settings, None, period="2027-03", now=APRIL_15) == "2027-03"
        assert case.revenue() == (Decimal("9200.00"), Decimal("9200.00"))
        assert "settings_of" not in case.kept_info()

    def test_the_scheduler_catch_up_of_month_and_quarter(self, tmp_path: Path, database_url: str) -> None:
        case = Case(tmp_path, database_url, RATE_092, RATE_085)
        case.change_settings()
        assert "2027-03" in app.take_due_snapshots(case.settings, None, "monthly", now=APRIL_15)
        assert "2027-Q1" in app.take_due_snapshots(case.settings, None, "quarterly", now=APRIL_15)
        assert case.revenue() == (Decimal("9200.00"), Decimal("9200.00"))
        assert case.revenue("2027-Q1", "quarterly") == (Decimal("9200.00"), Decimal("9200.00"))

    def test_replace_takes_it_again_with_today_s_settings_and_says_so(self, tmp_path: Path,
                                                                     database_url: str) -> None:
        """--replace is today's records and plan, by design: today's settings too."""
        case = Case(tmp_path, database_url, RATE_092, RATE_085)
        case.change_settings()
        app.take_snapshot(case.settings, None, period="2027-03", now=APRIL_15)
        app.take_snapshot(case.settings, None, period="2027-03", now=APRIL_15, replace=True)
        assert case.revenue() == (Decimal("8500.00"), Decimal("8500.00"))
        info = case.kept_info()
        assert info["settings_of"] == info["taken_on"] == APRIL_15.isoformat()

    def test_a_store_started_after_the_close_uses_today_s_settings_and_says_so(self, tmp_path: Path,
                                                                               database_url: str) -> None:
        """No settings recorded by 2 April 00:00 Paris: today's rate (8,500.00), and the kept info names its day."""
        case = Case(tmp_path, database_url, RATE_092, RATE_085, started_late=True)
        case.change_settings()
        app.take_snapshot(case.settings, None, period="2027-03", now=APRIL_15)
        assert case.revenue() == (Decimal("8500.00"), Decimal("8500.00"))
        info = case.kept_info()
        assert info["settings_of"] == info["taken_on"] == APRIL_15.isoformat()


class TestTheAttributionRuleChangedAfterTheClose:
    def test_march_keeps_the_rule_of_march(self, tmp_path: Path, database_url: str) -> None:
        """full -> split on 10 April. Seen failing before the fix: 4,600.00 on each axis (split), 'split'."""
        case = Case(tmp_path, database_url, RATE_092 + "  attribution: full\n", RATE_092 + "  attribution: split\n")
        case.change_settings()
        app.take_snapshot(case.settings, None, period="2027-03", now=APRIL_15)
        assert case.revenue() == (Decimal("9200.00"), Decimal("9200.00"))
        kept = app.kept_snapshot(case.settings, None, "monthly", "2027-03")
        assert kept is not None and kept.evaluation.attribution == "full"


class TestASnapshotNotOnTheSettingsOfTheCloseSaysWhose:
    """The kept report's header and `pac snapshot` name the day of the settings a snapshot was evaluated with when
    they are not the close's, as they name the plan's (audit asofplan F5): a 700 EUR gap must not read as the
    close's figures."""

    def _upgraded(self, tmp_path: Path, database_url: str) -> Case:
        """A store that ran nights in March before it kept settings (upgraded to 0013 on 10 April: it has the plan
        of then, and no settings of then), 0.92 -> 0.85 on 10 April."""
        case = Case(tmp_path, database_url, RATE_092, RATE_085)
        engine = open_store(case.settings.database())
        try:
            with engine.begin() as conn:
                conn.execute(text("DELETE FROM pac_engine_settings"))
        finally:
            engine.dispose()
        case.change_settings()
        return case

    def _header(self, case: Case, lang: str) -> str:
        inputs = app.load_report_inputs(case.settings, as_of=closing_instant("2027-Q1", "Europe/Paris"), closed=True)
        return unescape(render_html(inputs, lang))

    def test_the_plan_of_then_with_today_s_settings(self, tmp_path: Path, database_url: str) -> None:
        """Seen failing before the header named them: « (snapshot of April 15, 2027) » alone over 8,500.00."""
        case = self._upgraded(tmp_path, database_url)
        app.take_snapshot(case.settings, None, period="2027-Q1", now=APRIL_15)
        assert case.revenue("2027-Q1", "quarterly") == (Decimal("8500.00"), Decimal("8500.00"))
        assert ("Status at the end of March 31, 2027 (snapshot of April 15, 2027, with the settings of April 15, "
                "2027)") in self._header(case, "en")
        assert ("Chiffres arrêtés au 31 mars 2027 (instantané du 15 avril 2027, avec les réglages du 15 avril "
                "2027)") in self._header(case, "fr")

    def test_replace_names_the_plan_and_settings_of_the_day(self, tmp_path: Path, database_url: str) -> None:
        case = Case(tmp_path, database_url, RATE_092, RATE_085)
        case.change_settings()
        app.take_snapshot(case.settings, None, period="2027-Q1", now=APRIL_15)
        assert "(snapshot of April 15, 2027)" in self._header(case, "en")     # the plan and settings of then
        app.take_snapshot(case.settings, None, period="2027-Q1", now=APRIL_15, replace=True)
        assert "(snapshot of April 15, 2027, with the plan and settings of April 15, 2027)" in self._header(case, "en")

    def test_pac_snapshot_says_which_settings(self, tmp_path: Path, database_url: str) -> None:
        case = self._upgraded(tmp_path, database_url)
        case.path.write_text(case.path.read_text(encoding="utf-8").replace(
            "connectors: [fake]}", "connectors: [fake], as_of: '2027-04-15T05:45:00+02:00'}"), encoding="utf-8")
        said = CliRunner().invoke(main, ["snapshot", "--period", "2027-03", "--config", str(case.path)])
        assert said.exit_code == 0, (said.output, said.stderr)
        assert ("2027-03-31 (Europe/Paris), with the plan as it was then (its version 1) and the settings of "
                "2027-04-15; `pac report` shows it in the trends.") in said.stdout


def test_the_kept_quarter_s_glossary_gives_the_conversion_window_of_its_figures(tmp_path: Path,
                                                                               database_url: str) -> None:
    """Q1 kept on time with ``attribution_days`` 60; the manager writes 30 on 10 April. The kept quarter's conversion
    figures count wins within 60 days of a visit, and its KPI glossary must say 60. Seen failing before the fix:
    'within 30 days', today's window, beside figures of 60."""
    case = Case(tmp_path, database_url, RATE_092 + "  advisor: {attribution_days: 60}\n",
                RATE_092 + "  advisor: {attribution_days: 30}\n")
    assert app.take_snapshot(case.settings, None, period="2027-Q1", now=APRIL_1_SNAPSHOT) == "2027-Q1"
    case.change_settings()
    inputs = app.load_report_inputs(case.settings, as_of=closing_instant("2027-Q1", "Europe/Paris"), closed=True)
    assert inputs.basis is not None and inputs.basis.kind == "snapshot"
    assert inputs.attribution_days == 60
    assert "within 60 days (attribution_days)" in unescape(render_html(inputs, "en"))
    restated = app.load_report_inputs(case.settings, as_of=closing_instant("2027-Q1", "Europe/Paris"), closed=True,
                                      restated=True)
    assert restated.attribution_days == 30        # today's re-evaluation: today's settings, by design


def test_each_night_records_the_section_a_dry_run_none(tmp_path: Path, database_url: str) -> None:
    """Two nights on 0.92 are one version; 10 April's on 0.85 a second; a dry run records nothing (it writes no
    store row), so the settings of a night that was not run never become a period's."""
    case = Case(tmp_path, database_url, RATE_092, RATE_085)
    path = case.path
    path.write_text(path.read_text(encoding="utf-8").replace(RATE_092, RATE_085), encoding="utf-8")
    run_sync(None, load_settings(path, env={}), connectors={"fake": case.crm}, clock=Clock(APRIL_10_NIGHT),
             as_of=APRIL_10_NIGHT, evaluator=fake_evaluate, dry_run=True)
    engine = open_store(case.settings.database())
    try:
        kept = repo.engine_settings_versions(engine, _plan_id(case.settings))
        assert [(v.version, v.content["fx_rates"], v.recorded_at) for v in kept] == [
            (1, {"USD": "0.92"}, MARCH_20_NIGHT)]
    finally:
        engine.dispose()
    case.settings = load_settings(path, env={})
    case.sync(APRIL_10_NIGHT)
    engine = open_store(case.settings.database())
    try:
        kept = repo.engine_settings_versions(engine, _plan_id(case.settings))
        assert [(v.version, v.content["fx_rates"]) for v in kept] == [(1, {"USD": "0.92"}), (2, {"USD": "0.85"})]
        assert set(kept[-1].content) == {"fx_rates", "attribution", "advisor", "capacity", "incremental_nights"}
    finally:
        engine.dispose()
