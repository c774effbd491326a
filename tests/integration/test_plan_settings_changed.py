"""A plan's timezone or currency changed mid-year (audit planlife F1, F2): a closed quarter's kept snapshot is still
the report of that quarter (found by its label, not by the instant its end falls on in the new timezone), and what
changed since its close says the plan's timezone or currency changed, each amount in its own currency."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from pac_config.settings import Settings, load_settings
from pac_core.snapshots import closing_instant
from sync_jobs import app
from sync_jobs.pipeline import run_sync
from sync_jobs.report import render_html
from sync_jobs.review.load import load_review
from tests.fakes import Clock, FakeConnector, account, fake_evaluate, user, visit, write_settings

AS_OF = datetime(2027, 5, 20, 16, 0, tzinfo=UTC)


@pytest.fixture
def synced(tmp_path: Path, database_url: str) -> Settings:
    """The small plan (Paris, EUR) synced on 20 May 2027 with two visits of May, its Q1 and April kept."""
    settings = load_settings(write_settings(tmp_path, database_url), env={})
    crm = FakeConnector()
    crm.put(user("u1", "julie@example.com"), account("a1"), account("a2"),
            visit("v1", "u1", "a1", datetime(2027, 5, 4, 8, tzinfo=UTC)),
            visit("v2", "u1", "a2", datetime(2027, 5, 5, 8, tzinfo=UTC)))
    run_sync(None, settings, connectors={"fake": crm}, clock=Clock(), evaluator=fake_evaluate)
    assert app.take_snapshot(settings, None, period="2027-Q1", now=AS_OF) == "2027-Q1"
    assert app.take_snapshot(settings, None, period="2027-04", now=AS_OF) == "2027-04"
    return settings


def _edit_plan(settings: Settings, old: str, new: str) -> None:
    """The manager edits the plan file, and the next night's sync records it."""
    plan = Path(settings.plan(None).file)
    text = plan.read_text(encoding="utf-8")
    assert old in text
    plan.write_text(text.replace(old, new), encoding="utf-8")
    run_sync(None, settings, connectors={"fake": FakeConnector()}, clock=Clock(AS_OF), evaluator=fake_evaluate)


class TestTimezoneChanged:
    def test_the_closed_quarter_is_still_its_kept_snapshot(self, synced: Settings) -> None:
        """Q1 was kept at its end in Paris (31 March 22:00 UTC); the plan moves to New York in May. `pac report
        --quarter 2027-Q1` now ends Q1 at 1 April 04:00 UTC: it must still show the kept Q1, not re-evaluate it and
        say « no snapshot of the quarter kept » (a kept snapshot the report can no longer find)."""
        _edit_plan(synced, "timezone: Europe/Paris", "timezone: America/New_York")
        q1_end = closing_instant("2027-Q1", "America/New_York")
        assert q1_end == datetime(2027, 4, 1, 4, 0, tzinfo=UTC)
        inputs = app.load_report_inputs(synced, as_of=q1_end, closed=True)
        assert inputs.basis is not None
        assert (inputs.basis.kind, inputs.basis.kept) == ("snapshot", True)
        assert inputs.evaluation.as_of == datetime(2027, 3, 31, 22, 0, tzinfo=UTC)    # the kept figures
        assert inputs.plan.timezone == "Europe/Paris"                                  # with the plan of then
        assert inputs.basis.since.timezone == ("Europe/Paris", "America/New_York")
        html = render_html(inputs, "en")
        assert "no snapshot of the quarter kept" not in html
        assert ("Status at the end of March 31, 2027 (snapshot of May 20, 2027, with the plan and settings of May 20, "
                "2027)") in html
        assert "plan timezone Europe/Paris → America/New_York" in html
        restated = app.load_report_inputs(synced, as_of=q1_end, closed=True, restated=True)
        assert restated.basis is not None and (restated.basis.kind, restated.basis.kept) == ("restated", True)
        assert restated.plan.timezone == "America/New_York"

    def test_the_review_of_a_closed_month_still_compares_with_its_snapshot(self, synced: Settings) -> None:
        """The monthly review of April, kept in Paris, reviewed after the move to New York: it says what changed
        since April's snapshot (the timezone), as before the move it would have said any change."""
        _edit_plan(synced, "timezone: Europe/Paris", "timezone: America/New_York")
        review = load_review(synced, month="2027-04", now=AS_OF)
        assert review.since.timezone == ("Europe/Paris", "America/New_York")


class TestCurrencyChanged:
    def test_what_changed_since_the_close_names_each_amount_in_its_currency(self, synced: Settings) -> None:
        """The plan goes from EUR to USD in May: the kept Q1 (in euros) is still Q1's report, and its "since the
        close" lines say the currency changed, each amount in its own currency (they read « 4 237 400 € → 0 € »
        beside a re-evaluation in dollars, and « 4 237 400 $US » for the kept euros under --restated)."""
        _edit_plan(synced, "currency: EUR", "currency: USD")
        q1_end = closing_instant("2027-Q1", "Europe/Paris")
        inputs = app.load_report_inputs(synced, as_of=q1_end, closed=True)
        assert inputs.basis is not None and inputs.basis.kind == "snapshot"
        assert inputs.plan.currency == "EUR"
        assert inputs.basis.since.currency == ("EUR", "USD")
        for report in (inputs, app.load_report_inputs(synced, as_of=q1_end, closed=True, restated=True)):
            assert "plan currency EUR → USD" in render_html(report, "en")

