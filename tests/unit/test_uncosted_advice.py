"""A live axis with no cost written has no ROI, so the drop and roll-out rules cannot judge it: with no
recommendation, the advice, the status, the review and the report name it and say what to write, instead of « chaque
axe est dans les seuils fixés » (decided 7 Dec 2026, after audit m3cost: the plan's ROI read « – » for want of that
cost while the advice said every axis was within its thresholds). A cost of 0 is written (« sans coût »): judged."""

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
from pac_core.plan import AxisState, AxisStatus, Plan
from pac_core.plan_end import quiet_line, too_early_line, uncosted_line
from pac_core.records import Records
from pac_core.snapshots import recommendations_payload
from sync_jobs import cli_status
from sync_jobs.cli_advice import advice_lines
from sync_jobs.report import render_html
from sync_jobs.report_inputs import ReportInputs
from sync_jobs.review import build_review, render_markdown
from tests.unit.test_engine_support import PARIS, USERS, account, axis, plan

JANUARY_12 = datetime(2027, 1, 12, 3, tzinfo=PARIS)
JUNE_7 = datetime(2027, 6, 7, 3, tzinfo=PARIS)
FR_ONE = ("Aucune recommandation pour les axes jugés ; « Laboratoires » n'a pas de coût renseigné, donc pas de ROI : "
          "les règles d'abandon et de déploiement n'ont pas pu le juger. Écrivez son coût sous son objectif dans le "
          "plan (budget:, ou effort_days: et day_cost: ; budget: 0 s'il ne coûte rien).")
EN_ONE = ('No recommendation for the axes judged; "Laboratoires" has no cost written, so no ROI: the drop and roll-out '
          "rules could not judge it. Write its cost under its objective in the plan file (budget:, or effort_days: "
          "and day_cost:; budget: 0 if it costs nothing).")


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", text)).replace("\u00a0", " ").replace("\u202f", " "))


def _plan(*, lab_budget: str | None = None, rhone_budget: str | None = "10000") -> Plan:
    base = plan()
    seg = base.segments[0].id
    return replace(base, axes=(axis("AX-RHONE", seg, name="Rhône", budget=rhone_budget),
                               axis("AX-LAB", seg, name="Laboratoires", budget=lab_budget)),
                   actions=(replace(base.actions[0], axis_id="AX-RHONE"),))


def _evaluation(p: Plan, as_of: datetime = JUNE_7):
    return evaluate(p, Records(accounts=(account("r1", "69003"),), users=USERS), as_of=as_of)


class TestLine:
    def test_one_axis_without_a_cost(self) -> None:
        p = _plan()
        assert uncosted_line(p, JUNE_7) == FR_ONE and uncosted_line(p, JUNE_7, "en") == EN_ONE
        assert quiet_line(p, JUNE_7) == FR_ONE

    def test_several_axes_are_named_together(self) -> None:
        p = _plan(rhone_budget=None)
        assert uncosted_line(p, JUNE_7) == (
            "Aucune recommandation pour les axes jugés ; « Rhône » et « Laboratoires » n'ont pas de coût renseigné, "
            "donc pas de ROI : les règles d'abandon et de déploiement n'ont pas pu les juger. Écrivez leur coût sous "
            "leur objectif dans le plan (budget:, ou effort_days: et day_cost: ; budget: 0 s'il ne coûte rien).")
        assert uncosted_line(p, JUNE_7, "en").startswith(  # type: ignore[union-attr]
            'No recommendation for the axes judged; "Rhône" and "Laboratoires" have no cost written')

    def test_a_written_cost_of_zero_a_suspended_axis_and_the_plans_edges_are_not_named(self) -> None:
        """A cost of 0 is judged (a free return); a suspended axis is judged by no rule at all (it is not live);
        before the period or after it the plan's own line says why there is no advice; too early, that line wins."""
        assert uncosted_line(_plan(lab_budget="0"), JUNE_7) is None
        p = _plan()
        paused = replace(p, axes=(p.axes[0], replace(p.axes[1], status=AxisStatus(AxisState.SUSPENDED,
                                                                                reason="saturated"))))
        assert uncosted_line(paused, JUNE_7) is None
        assert uncosted_line(p, p.period.start) is None and uncosted_line(p, datetime(2028, 1, 5, tzinfo=PARIS)) is None
        assert quiet_line(p, JANUARY_12) == too_early_line(p, JANUARY_12) is not None


class TestSurfaces:
    """Seen failing before the line existed: each surface said « chaque axe est dans les seuils fixés »."""

    def test_pac_advice(self) -> None:
        p = _plan()
        ev = _evaluation(p)
        assert ev.recommendations == () and [a.roi is None for a in ev.axes] == [False, True]
        assert advice_lines(p, ev, "fr")[0] == FR_ONE and advice_lines(p, ev, "en")[0] == EN_ONE
        costed = _plan(lab_budget="5000")
        later = _evaluation(costed)
        assert later.recommendations == () and advice_lines(costed, later, "fr")[0].endswith("dans les seuils fixés.")

    def test_pac_status_at_the_kept_evaluations_instant(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(cli_status.repo, "latest_advice", lambda engine, plan_id: SimpleNamespace(
            id=7, advice={"plan": "PAC 2027", "language": "fr", "as_of": JUNE_7.isoformat(),
                          "recommendations": recommendations_payload([]), "labels": {}}))
        out = io.StringIO()
        cli_status.print_kept_advice(Console(file=out, width=400), None, "plan", 7,  # type: ignore[arg-type]
                                     plan=_plan(), lang="fr")
        assert out.getvalue().strip() == f"Conseils : {FR_ONE}"   # one language (audit newcomer3 L5)

    def test_the_review(self) -> None:
        p = _plan()
        review = build_review(p, _evaluation(p), None, month="2027-05", previous=None, previous_source=None,
                              next_until=datetime(2027, 7, 1, tzinfo=PARIS))
        text = _plain(render_markdown(review))
        assert FR_ONE in text and "seuils fixés" not in text
        assert EN_ONE in _plain(render_markdown(review, "en"))

    def test_the_report(self) -> None:
        p = _plan()
        ev = _evaluation(p)
        section = render_html(ReportInputs(p, ev))
        assert _plain(section[section.index('<section id="recos">'):]).startswith(f" Recommandations {FR_ONE}")
        english = render_html(ReportInputs(p, ev), "en")
        assert f" Recommendations {EN_ONE}" in _plain(english[english.index('<section id="recos">'):])
