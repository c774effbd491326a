"""Before ``FORECAST_MIN_SHARE`` of the period no axis has a ROI to date, so no ROI rule has judged any axis: the
advice, the status, the review and the report say it is too early, with the day the ROI appears, instead of « chaque
axe est dans les seuils fixés » (audit janmeet F8: on 12 January, ROI « – » beside that sentence)."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import datetime
from html import unescape
from types import SimpleNamespace

import pytest
from rich.console import Console

from pac_core.engine import evaluate
from pac_core.plan_end import judged_from, too_early_line
from pac_core.records import Records
from pac_core.snapshots import recommendations_payload
from sync_jobs import cli_status
from sync_jobs.cli_advice import advice_lines
from sync_jobs.report import render_html
from sync_jobs.report_inputs import ReportInputs
from sync_jobs.review import build_review, render_markdown
from tests.unit import report_fixtures as fx
from tests.unit.test_engine_support import PARIS, USERS, account, plan

JANUARY_12 = datetime(2027, 1, 12, 3, tzinfo=PARIS)
FEBRUARY_7 = datetime(2027, 2, 7, 3, tzinfo=PARIS)
FR = ("Aucune recommandation : trop tôt pour juger les axes, le ROI à date est calculé à partir du 6 février 2027 "
      "(10 % de la période).")
EN = ("No recommendation: too early to judge the axes, the ROI to date is computed from February 6, 2027 (10% of the "
      "period).")


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", text)).replace("\u00a0", " ").replace("\u202f", " "))


def _evaluation(as_of: datetime):
    p = plan()
    return p, evaluate(p, Records(accounts=(account("r1", "69003"),), users=USERS), as_of=as_of)


class TestLine:
    def test_a_tenth_of_the_year(self) -> None:
        """A 2027 plan: 36.5 days in, 6 February at noon; before it the line, from it none."""
        p = plan()
        assert judged_from(p) == datetime(2027, 2, 6, 12, tzinfo=PARIS)
        assert too_early_line(p, JANUARY_12) == FR and too_early_line(p, JANUARY_12, "en") == EN
        assert too_early_line(p, datetime(2027, 2, 6, 12, tzinfo=PARIS)) is None
        assert too_early_line(p, FEBRUARY_7) is None

    def test_not_before_the_plan_nor_after_it(self) -> None:
        """Outside the period the plan's own line says why there is no advice (``period_line``)."""
        p = plan()
        assert too_early_line(p, p.period.start) is None
        assert too_early_line(p, datetime(2028, 1, 5, tzinfo=PARIS)) is None


class TestSurfaces:
    def test_pac_advice(self) -> None:
        p, ev = _evaluation(JANUARY_12)
        assert ev.recommendations == () and all(a.roi is None for a in ev.axes)
        assert advice_lines(p, ev, "fr")[0] == FR and advice_lines(p, ev, "en")[0] == EN
        assert not any("seuils" in line for line in advice_lines(p, ev, "fr"))
        p, later = _evaluation(FEBRUARY_7)
        assert later.recommendations == () and advice_lines(p, later, "fr")[0].endswith("dans les seuils fixés.")

    @pytest.mark.parametrize(("as_of", "said"), [("2027-01-12T03:00:00+01:00", FR),
                                                 ("2027-02-07T03:00:00+01:00", cli_status.NO_ADVICE["fr"])])
    def test_pac_status_at_the_kept_evaluations_instant(self, monkeypatch: pytest.MonkeyPatch, as_of: str,
                                                        said: str) -> None:
        monkeypatch.setattr(cli_status.repo, "latest_advice", lambda engine, plan_id: SimpleNamespace(
            id=7, advice={"plan": "PAC 2027", "language": "fr", "as_of": as_of,
                          "recommendations": recommendations_payload([]), "labels": {}}))
        out = io.StringIO()
        cli_status.print_kept_advice(Console(file=out, width=300), None, "plan", 7,  # type: ignore[arg-type]
                                     plan=plan(), lang="fr")
        assert out.getvalue().strip() == f"Conseils : {said}"   # one language (audit newcomer3 L5)

    def test_the_review(self) -> None:
        january = datetime(2027, 1, 12, 18, tzinfo=PARIS)
        review = build_review(fx.plan(), replace(fx.evaluation(), as_of=january, recommendations=()), None,
                              month="2027-01", previous=None, previous_source=None,
                              next_until=datetime(2027, 3, 1, tzinfo=PARIS))
        text = _plain(render_markdown(review))
        assert "trop tôt pour juger les axes, le ROI à date est calculé à partir du" in text
        assert "les axes sont dans les seuils fixés" not in text
        assert "too early to judge the axes" in _plain(render_markdown(review, "en"))

    def test_the_report(self) -> None:
        p, ev = _evaluation(JANUARY_12)
        section = render_html(ReportInputs(p, ev))
        section = _plain(section[section.index('<section id="recos">'):])
        assert section.startswith(f" Recommandations {FR}")
        english = render_html(ReportInputs(p, ev), "en")
        assert f" Recommendations {EN}" in _plain(english[english.index('<section id="recos">'):])
        p, later = _evaluation(FEBRUARY_7)
        section = render_html(ReportInputs(p, later))
        assert "Aucune recommandation ce trimestre" in _plain(section[section.index('<section id="recos">'):])
