"""A plan whose period is over (audit B S2): no new advice for it, and ``pac sync`` / ``pac status`` /
``pac advice`` say it ended, once, pointing to the next plan."""

from __future__ import annotations

import io
from datetime import datetime
from types import SimpleNamespace

import pytest
from rich.console import Console

from pac_core.engine import evaluate
from pac_core.plan_end import ended_line
from pac_core.records import Records
from pac_core.results import Rule
from pac_core.snapshots import recommendations_payload
from sync_jobs import cli_status
from sync_jobs.cli_advice import advice_lines
from sync_jobs.cli_sync import print_result
from sync_jobs.run_context import RunResult
from tests.unit.test_advisor import _deals, _evaluate
from tests.unit.test_engine_support import PARIS, USERS, account, plan

AUGUST_15 = datetime(2027, 8, 15, tzinfo=PARIS)
YEAR_END = datetime(2028, 1, 1, tzinfo=PARIS)        # the 2027 plan's end instant: its last day is 31 December
MARCH_2028 = datetime(2028, 3, 1, 2, tzinfo=PARIS)
FR = "Le plan s'est terminé le 31 décembre 2027 : écrivez le plan suivant."
EN = "The plan ended on December 31, 2027: write the next plan."
WEAK = ("150000", "50000", "10000", "10000")          # Isère's axis earns nothing: dropped past half the year


class TestAdvisor:
    def test_no_new_advice_once_the_plan_is_over(self) -> None:
        """The drop advice given in August (and at the year's end instant, the year-end report's) is not given on
        1 March 2028, two months after the plan's end: nothing can be dropped in favour of anything any more."""
        assert Rule.DROP in {r.rule for r in _evaluate(_deals(*WEAK), AUGUST_15).recommendations}
        assert Rule.DROP in {r.rule for r in _evaluate(_deals(*WEAK), YEAR_END).recommendations}
        assert _evaluate(_deals(*WEAK), MARCH_2028).recommendations == ()


class TestEndedLine:
    def test_words(self) -> None:
        p = plan()
        assert ended_line(p, MARCH_2028) == FR
        assert ended_line(p, MARCH_2028, "en") == EN
        assert ended_line(p, YEAR_END) is None and ended_line(p, AUGUST_15) is None

    def test_pac_advice_says_it_instead_of_every_axis_within_thresholds(self) -> None:
        ev = _evaluate(_deals(*WEAK), MARCH_2028)
        p = plan()
        lines = advice_lines(p, ev, "fr")
        assert lines[0] == FR and not any("seuils" in line for line in lines)
        assert advice_lines(p, ev, "en")[0] == EN

    def test_pac_sync_says_it_once(self) -> None:
        p = plan()
        ev = evaluate(p, Records(accounts=(account("r1", "69003"),), users=USERS), as_of=MARCH_2028)
        out = io.StringIO()
        print_result(Console(file=out, width=200), RunResult(plan_id="pac-2027", plan=p, evaluation=ev))
        assert out.getvalue().count(FR) == 1
        before = io.StringIO()
        ev_aug = evaluate(p, Records(accounts=(account("r1", "69003"),), users=USERS), as_of=AUGUST_15)
        print_result(Console(file=before, width=200), RunResult(plan_id="pac-2027", plan=p, evaluation=ev_aug))
        assert "terminé" not in before.getvalue()

    @pytest.mark.parametrize("recos", [0, 1])
    def test_pac_status_says_it_once(self, monkeypatch: pytest.MonkeyPatch, recos: int) -> None:
        """``pac status``: the plan ended (its settings' clock past its period), said once, whatever the last run
        kept (a run before the end kept advice; one after, none)."""
        from pac_core.results import Recommendation
        kept = [Recommendation(Rule.DROP, "AX-38", "SEG-38", "Abandonner l'axe.", {})][:recos]
        monkeypatch.setattr(cli_status.repo, "latest_advice", lambda engine, plan_id: SimpleNamespace(
            id=7, advice={"plan": "PAC 2027", "language": "fr", "as_of": "2028-03-01T02:00:00+01:00",
                          "recommendations": recommendations_payload(kept), "labels": {}}))
        out = io.StringIO()
        cli_status.print_kept_advice(Console(file=out, width=200), None, "plan", 7,  # type: ignore[arg-type]
                                     notice=ended_line(plan(), MARCH_2028))
        text = out.getvalue()
        assert text.count(FR) == 1 and "seuils" not in text


def test_first_of_the_month() -> None:
    """A period ending on the 1st (its last day) reads « le 1er »."""
    from dataclasses import replace

    from pac_core.window import Window
    p = plan()
    short = replace(p, period=Window(p.period.start, datetime(2027, 7, 2, tzinfo=PARIS)))
    assert ended_line(short, datetime(2027, 7, 3, tzinfo=PARIS)) == \
        "Le plan s'est terminé le 1er juillet 2027 : écrivez le plan suivant."
