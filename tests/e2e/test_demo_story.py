"""The demo's figures, as a sales manager reads them: believable revenue, ROI, paces and advice."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pac_config.settings import load_settings
from pac_core.results import Pace
from sync_jobs.app import current, load_report_inputs
from tests.e2e.conftest import DemoRun


@pytest.fixture(scope="module")
def demo_dir(demo_run: DemoRun) -> Path:
    """The session's demo directory (tests/e2e/conftest.py); these tests read its store in-process."""
    assert demo_run.returncode == 0, demo_run.stdout + demo_run.stderr
    return demo_run.cwd


@pytest.fixture(scope="module")
def now(demo_dir):
    return current(load_settings(demo_dir / ".pac" / "demo.yaml", env={}))


@pytest.fixture(scope="module")
def inputs(demo_dir):
    return load_report_inputs(load_settings(demo_dir / ".pac" / "demo.yaml", env={}))


class TestDemoStory:
    def test_worked_example_unchanged(self, now) -> None:
        """A-01 stays exactly 4 / 5."""
        a01 = now.evaluation.action("A-01")
        assert (a01.done, a01.target) == (4, 5)

    def test_axes_roi_and_progress_are_believable(self, now) -> None:
        """Every axis: ROI to date between -50 % and +500 %, additional revenue between -20 % and +100 % of its
        objective. The ROI to date is the year's ROI at the current pace (audit E F1): on 20 May (140 of 365 days)
        the agri-food maintenance axis reads 485 %, 143 % against the whole year's cost before."""
        assert now.evaluation.axes
        for axis in now.evaluation.axes:
            assert axis.roi is not None and -0.5 <= axis.roi <= 5.0, (axis.axis_id, axis.roi)
            assert axis.progress is not None and -0.2 <= axis.progress <= 1.0, (axis.axis_id, axis.progress)

    def test_segments_roi_are_believable(self, now) -> None:
        """Every segment's ROI to date (its live axes' deals once vs their cost to date) lies between -100 % and
        +500 % (the agri-food segment is its maintenance axis, 485 %)."""
        assert now.evaluation.segments
        for seg in now.evaluation.segments:
            assert seg.roi is None or -1.0 <= seg.roi <= 5.0, (seg.segment_id, seg.roi)

    def test_axes_spread_ahead_on_track_behind(self, now) -> None:
        """Live axes: some clearly ahead of the time elapsed, some on track, one or two behind."""
        live = [a for a in now.evaluation.axes if a.pace is not Pace.INACTIVE]
        ahead = [a for a in live if a.progress >= a.expected_by_now * 1.3]
        on_track = [a for a in live if a.expected_by_now <= a.progress < a.expected_by_now * 1.3]
        behind = [a for a in live if a.progress < a.expected_by_now]
        assert len(ahead) >= 1 and len(on_track) >= 1 and 1 <= len(behind) <= 2, [
            (a.axis_id, round(a.progress, 2)) for a in live]

    def test_actions_progress_is_varied(self, now) -> None:
        """Some actions done, some on track, some at risk or late."""
        paces = {a.pace for a in now.evaluation.actions}
        assert Pace.DONE in paces and Pace.ON_TRACK in paces
        assert Pace.AT_RISK in paces and Pace.LATE in paces

    def test_advisor_recommends_with_evidence(self, now) -> None:
        """At least one recommendation, each with its figures and thresholds."""
        recs = now.evaluation.recommendations
        assert recs and all(r.evidence and r.summary for r in recs)

    def test_engine_set_aside_the_awkward_records(self, now) -> None:
        """The event with no account and the CHF deal are set aside with a reason; the won deal with no amount is
        counted (worth 0) and listed as a warning."""
        rules = sorted(d.rule for d in now.evaluation.rejected)
        assert rules == ["no_account", "unknown_currency"]
        assert [w.rule for w in now.evaluation.warnings] == ["no_amount"]

    def test_product_axes_measure_their_lines(self, now) -> None:
        """The two pharma axes count their own product lines (they showed the same 115,000 before), and the
        maintenance axis only its MAINT lines (38,400 more than a year earlier)."""
        mx50, px200 = now.evaluation.axis("AX-PHARMA-MX50"), now.evaluation.axis("AX-PHARMA-PX200")
        assert mx50.additional == Decimal("100800") and px200.additional == Decimal("37500")
        assert now.evaluation.axis("AX-RA-MAINT").additional == Decimal("38400")

    def test_snapshots_give_the_report_trends(self, inputs) -> None:
        """January to April monthly and Q1 quarterly snapshots, each as of its period's end, in order."""
        labels = [(s.kind, s.label) for s in inputs.snapshots]
        assert ("quarterly", "2027-Q1") in labels
        assert [label for kind, label in labels if kind == "monthly"] == ["2027-01", "2027-02", "2027-03", "2027-04"]
        q1 = next(s for s in inputs.snapshots if s.label == "2027-Q1")
        assert q1.evaluation.as_of < inputs.evaluation.as_of
        assert sum(s.revenue for s in q1.evaluation.segments) < sum(s.revenue for s in inputs.evaluation.segments)

    def test_last_sync_went_through_reporting_the_set_aside_records(self, inputs) -> None:
        """The report's last sync is the demo's second run: ok with no error, still reporting the two records the
        engine sets aside, none of them new (the first run rejected them for the same reasons), and the warning."""
        run = inputs.last_run
        assert run is not None and run.status == "ok" and run.errors == ()
        assert sum(c.get("rejected", 0) for c in run.counts.values()) == 2
        assert run.counts["deals"]["warnings"] == 1
        assert sum(c.get("rejected_new", 0) for c in run.counts.values()) == 0
        assert sum(c.get("written", 0) for c in run.counts.values()) == 0
