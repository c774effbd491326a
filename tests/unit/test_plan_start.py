"""The first hours of a plan (audit year-end F4): on 1 January at 02:00 no axis or action is « À risque » and no
axis is told to prioritise because its segment sold nothing on a bank holiday; the verdicts wait for a tenth of
the window or period (``kpis.FORECAST_MIN_SHARE``, the forecast's own threshold; ``prioritise_min_elapsed``)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from rich.console import Console

from connectors.base import Target
from pac_config.planfile import load_plan
from pac_core import kpis
from pac_core.engine import EngineSettings, evaluate
from pac_core.kpi_vocabulary import summary
from pac_core.plan import ContextChange, ContextKind, Impact
from pac_core.plan_end import starts_line
from pac_core.records import Records
from pac_core.results import Pace, Rule
from pac_core.scopes import Scope
from pac_core.window import Window
from sync_jobs import cli_common, cli_status
from sync_jobs.cli_advice import advice_lines
from sync_jobs.cli_sync import print_result
from sync_jobs.diff import desired_state, record_key
from sync_jobs.run_context import RunResult
from tests.unit.test_advisor import ACCOUNTS, SEGMENTS
from tests.unit.test_engine_support import DORMANT, PARIS, USERS, WEEK_18, action, axis, plan, visit, won

SHIPPED = Path(__file__).resolve().parents[2] / "config" / "plans" / "example.pac.yaml"
NEW_YEAR_2AM = datetime(2027, 1, 1, 2, tzinfo=PARIS)
FEB_10 = datetime(2027, 2, 10, tzinfo=PARIS)           # 11 % of 2027 elapsed
JANUARY = Window(datetime(2027, 1, 1, tzinfo=PARIS), datetime(2027, 2, 1, tzinfo=PARIS), "janvier")
# a segment that sold on 1 January 2026 and not (yet) on 1 January 2027: -100 %
DEALS = (won("r-then", "r1", "5000", date(2026, 1, 1)), won("i-then", "i1", "5000", date(2026, 1, 1)))


DEFAULTS = EngineSettings()


def _evaluate(as_of: datetime, *, settings: EngineSettings = DEFAULTS, context: tuple = (),
              deals: tuple = DEALS):
    axes = (axis("AX-69", "SEG-69", name="Grands comptes du Rhône"), axis("AX-38", "SEG-38", name="Relance Isère"))
    p = plan(action(axis_id="AX-69", window=JANUARY, target=3), axes=axes, segments=SEGMENTS)
    p = replace(p, context=context)
    return evaluate(p, Records(accounts=ACCOUNTS, deals=deals, users=USERS), as_of=as_of, settings=settings)


class TestPaceGrace:
    def test_no_verdict_in_the_first_tenth_of_the_window(self) -> None:
        """A tenth of week 18 is 16.8 hours: 0 of 5 on Monday 10:00 is not « À risque », on Tuesday it is."""
        assert kpis.pace(0, 5, 5 * WEEK_18.elapsed_share(datetime(2027, 5, 3, 10, tzinfo=PARIS)), WEEK_18,
                         datetime(2027, 5, 3, 10, tzinfo=PARIS)) is Pace.ON_TRACK
        tuesday = datetime(2027, 5, 4, 10, tzinfo=PARIS)
        assert kpis.pace(0, 5, 5 * WEEK_18.elapsed_share(tuesday), WEEK_18, tuesday) is Pace.AT_RISK

    def test_a_reached_target_is_still_done(self) -> None:
        assert kpis.pace(5, 5, 0.1, WEEK_18, datetime(2027, 5, 3, 1, tzinfo=PARIS)) is Pace.DONE

    def test_first_night_of_the_year(self) -> None:
        """1 January 02:00: the axes (0 € of 100 000 €, ≈ 23 € expected) and the January action (0 of 3) are on
        track, not at risk (they were: audit year-end F4); past a tenth of their span, at risk."""
        ev = _evaluate(NEW_YEAR_2AM)
        assert [a.pace for a in ev.axes] == [Pace.ON_TRACK, Pace.ON_TRACK]
        assert [a.pace for a in ev.actions] == [Pace.ON_TRACK]
        later = _evaluate(FEB_10)
        assert [a.pace for a in later.axes] == [Pace.AT_RISK, Pace.AT_RISK]
        assert [a.pace for a in later.actions] == [Pace.LATE]
        assert [a.pace for a in _evaluate(datetime(2027, 1, 5, tzinfo=PARIS)).actions] == [Pace.AT_RISK]


class TestPrioritiseWaits:
    def test_no_prioritise_from_one_bank_holiday(self) -> None:
        """Both segments « reculent de 100 % » on 1 January (5 000 € on 1 January 2026, nothing yet in 2027): no
        « Prioriser » before a tenth of the plan's period (it was written to the CRM: audit year-end F4)."""
        ev = _evaluate(NEW_YEAR_2AM)
        assert [s.trend for s in ev.segments] == [-1.0, -1.0]
        assert ev.recommendations == ()

    def test_prioritises_once_a_tenth_has_elapsed(self) -> None:
        recos = _evaluate(FEB_10).recommendations
        assert [(r.rule, r.axis_id) for r in recos] == [(Rule.PRIORITISE, "AX-69"), (Rule.PRIORITISE, "AX-38")]

    def test_the_wait_is_a_setting(self) -> None:
        recos = _evaluate(NEW_YEAR_2AM, settings=EngineSettings(prioritise_min_elapsed=0)).recommendations
        assert [r.rule for r in recos] == [Rule.PRIORITISE, Rule.PRIORITISE]
        assert EngineSettings().prioritise_min_elapsed == 0.1

    def test_a_lost_key_account_does_not_wait(self) -> None:
        """The wait is for a trend to mean something; a key account lost on 1 January is a fact: prioritised."""
        lost = ContextChange(ContextKind.LOST_KEY_ACCOUNT, account="r1", on=date(2027, 1, 1))
        recos = _evaluate(NEW_YEAR_2AM, context=(lost,)).recommendations
        assert [(r.rule, r.axis_id, r.evidence["triggers"]) for r in recos] == \
            [(Rule.PRIORITISE, "AX-69", ["lost_key_account"])]


class TestRoiWaits:
    """ROI to date is the period's ROI projected at the current pace: it waits for a tenth of the objective's
    period as the forecast and the pace do (audit reverify N7)."""

    def test_no_roi_in_the_first_tenth(self) -> None:
        """1 January 02:00: 5 000 € sold on 1 January 2026, nothing yet in 2027: ROI None (it read -5 575 %, written
        to PAC_ROI__c as -55.75; the audit saw -6 488 %), the CRM field null. Seen failing before the fix."""
        ev = _evaluate(NEW_YEAR_2AM)
        assert [(a.roi, a.time_to_roi_months) for a in ev.axes] == [(None, None), (None, None)]
        assert all(a.cost_to_date is not None and a.cost_to_date > 0 for a in ev.axes)    # known, only too early
        p = plan(action(axis_id="AX-69", window=JANUARY, target=3),
                 axes=(axis("AX-69", "SEG-69", name="Grands comptes du Rhône"), axis("AX-38", "SEG-38")),
                 segments=SEGMENTS)
        rows = desired_state(p, ev)
        assert [rows[(Target.AXIS, record_key(p, a))]["roi"] for a in ("AX-69", "AX-38")] == [None, None]
        assert ev.plan is not None and ev.plan.roi is None
        assert all(s.roi is None for s in ev.segments)

    def test_roi_once_a_tenth_has_elapsed(self) -> None:
        """10 February (11 % of 2027): the ROI to date is given, -236,875 % (-5 000 € against 1 096 € spent)."""
        assert [a.roi for a in _evaluate(FEB_10).axes] == [-2.36875, -2.36875]
        assert kpis.roi(Decimal("100000"), Decimal("0.3"), Decimal("10000"), share=0.0999) is None
        assert kpis.roi(Decimal("100000"), Decimal("0.3"), Decimal("10000"), share=0.10) == 2.0

    def test_the_advisor_rules_are_unchanged(self) -> None:
        """Drop waits for half the period and roll-out for rollout_min_elapsed (0.2), both past the tenth: with
        those waits at 0, nothing fires before the tenth either (no ROI), and at 11 % the ROI-based rules see it."""
        waits = EngineSettings(drop_min_elapsed=0.0, rollout_min_elapsed=0.0, prioritise_min_elapsed=1.0)
        assert _evaluate(NEW_YEAR_2AM, settings=waits).recommendations == ()
        assert {r.rule for r in _evaluate(FEB_10, settings=waits).recommendations} == {Rule.DROP}
        assert EngineSettings().drop_min_elapsed >= kpis.FORECAST_MIN_SHARE
        assert EngineSettings().rollout_min_elapsed >= kpis.FORECAST_MIN_SHARE


def test_a_visit_counts_from_the_first_hour() -> None:
    """The grace changes the verdict, not the count: a visit at 01:00 is done and shown."""
    axes = (axis("AX-69", "SEG-69"),)
    p = plan(action(axis_id="AX-69", window=JANUARY, target=1), axes=axes, segments=SEGMENTS[:1])
    ev = evaluate(p, Records(accounts=ACCOUNTS, activities=(visit("v", "r1", datetime(2027, 1, 1, 1, tzinfo=PARIS)),),
                             users=USERS), as_of=NEW_YEAR_2AM)
    assert ev.actions[0].done == 1 and ev.actions[0].pace is Pace.DONE


DEC_5_2026 = datetime(2026, 12, 5, 2, tzinfo=PARIS)     # the 2027 plan configured a month ahead
NAMED = ("reactivation_rate", "coverage", "accounts_visited")


def _not_started():
    """The 2027 plan as of 5 December 2026: dormant accounts in its scope (r1 and i1), none visited yet."""
    axes = tuple(replace(a, objective=replace(a.objective, kpis=NAMED)) for a in
                 (axis("AX-69", "SEG-69", scope=Scope((DORMANT,))), axis("AX-38", "SEG-38", scope=Scope((DORMANT,)))))
    p = plan(action(axis_id="AX-69", window=JANUARY, target=3), axes=axes, segments=SEGMENTS)
    deals = (won("r-old", "r1", "5000", date(2024, 3, 1)), won("i-old", "i1", "5000", date(2024, 3, 1)))
    return p, evaluate(p, Records(accounts=ACCOUNTS, deals=deals, users=USERS), as_of=DEC_5_2026)


class TestRatesOfASpanNotBegun:
    def test_no_rate_before_the_period_begins(self) -> None:
        """Reactivation and coverage over 1 January 2027 → 5 December 2026: no rate (« – »), not « 0 % (0 / 1) »
        (the CRM read 0 %: audit year-end F3); the counts stay (0 accounts visited is true)."""
        _, ev = _not_started()
        kpis_of = {v.kpi: v for v in ev.axes[0].kpis}
        assert kpis_of["reactivation_rate"].value is None and kpis_of["coverage"].value is None
        assert kpis_of["accounts_visited"].value == 0
        assert ev.axes[0].coverage is None
        assert summary(ev.axes[0].kpis, NAMED, "fr") == \
            "Taux de réactivation : – · Couverture du périmètre : – · Comptes visités : 0"

    def test_crm_fields_are_null(self) -> None:
        p, ev = _not_started()
        fields = desired_state(p, ev)[(Target.AXIS, record_key(p, "AX-69"))]
        assert fields["kpi_reactivation_rate"] is None and fields["kpi_coverage"] is None
        assert "0 %" not in fields["kpis"] and "–" in fields["kpis"]

    def test_rates_once_begun(self) -> None:
        """From the period's first day the rates exist, 0 % included."""
        p, _ = _not_started()
        deals = (won("r-old", "r1", "5000", date(2024, 3, 1)), won("i-old", "i1", "5000", date(2024, 3, 1)))
        ev = evaluate(p, Records(accounts=ACCOUNTS, deals=deals, users=USERS), as_of=NEW_YEAR_2AM)
        kpis_of = {v.kpi: v for v in ev.axes[0].kpis}
        assert (kpis_of["reactivation_rate"].value, kpis_of["reactivation_rate"].denominator) == (0, 1)
        assert kpis_of["coverage"].value == 0


STARTS_FR = "Le plan commence le 1er janvier 2027."
STARTS_EN = "The plan starts on January 1, 2027."


class TestStartsLine:
    """« Le plan commence le … », the counterpart of « Le plan s'est terminé le … », in sync, status and advice: a
    plan configured ahead said nothing of it and « Aucune recommandation : chaque axe est dans les seuils fixés »
    claimed an evaluation that did not happen (audit year-end F3)."""

    def test_words(self) -> None:
        p = plan()
        assert starts_line(p, DEC_5_2026) == STARTS_FR and starts_line(p, DEC_5_2026, "en") == STARTS_EN
        assert starts_line(p, datetime(2027, 1, 1, tzinfo=PARIS)) == STARTS_FR    # its first instant: not begun
        assert starts_line(p, NEW_YEAR_2AM) is None

    def test_no_advice_before_the_plan_begins(self) -> None:
        """A market opportunity declared in force from December: no « Prioriser » for a plan not begun."""
        opportunity = ContextChange(ContextKind.MARKET_EVENT, on=date(2026, 12, 1), impact=Impact.OPPORTUNITY,
                                    segment_id="SEG-69", note="salon")
        assert _evaluate(DEC_5_2026, context=(opportunity,)).recommendations == ()
        assert [r.rule for r in _evaluate(NEW_YEAR_2AM, context=(opportunity,)).recommendations] == \
            [Rule.PRIORITISE]

    def test_pac_advice_says_it_instead_of_every_axis_within_thresholds(self) -> None:
        p, ev = _not_started()
        lines = advice_lines(p, ev, "fr")
        assert lines[0] == STARTS_FR and not any("seuils" in line for line in lines)
        assert advice_lines(p, ev, "en")[0] == STARTS_EN

    def test_pac_sync_says_it_once(self) -> None:
        p, ev = _not_started()
        out = io.StringIO()
        print_result(Console(file=out, width=200), RunResult(plan_id=p.id, plan=p, evaluation=ev))
        assert out.getvalue().count(STARTS_FR) == 1

    def test_pac_status_says_it_and_names_the_plan(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """With two plans shown, the advice line names the plan it is about."""
        monkeypatch.setattr(cli_status.repo, "latest_advice", lambda engine, plan_id: SimpleNamespace(
            id=7, advice={"plan": "PAC 2027", "language": "fr", "as_of": "2026-12-05T02:00:00+01:00",
                          "recommendations": [], "labels": {}}))
        out = io.StringIO()
        cli_status.print_kept_advice(Console(file=out, width=200), None, "plan", 7,  # type: ignore[arg-type]
                                     notice=starts_line(plan(), DEC_5_2026), named="PAC 2027", lang="fr")
        assert out.getvalue().splitlines() == [f"Conseils pour PAC 2027 : {STARTS_FR}"]   # one language (L5)
        out = io.StringIO()
        cli_status.print_kept_advice(Console(file=out, width=200), None, "plan", 7,  # type: ignore[arg-type]
                                     named="PAC 2027", lang="fr")
        assert out.getvalue().splitlines() == [
            "Conseils pour PAC 2027 : Aucune recommandation : chaque axe est dans les seuils fixés."]


def _write_plan(folder: Path, year: int) -> Path:
    """The shipped example plan moved to ``year`` (« PAC 2026 — Durand Process »...), in a folder of its own."""
    folder.mkdir()
    for shipped in SHIPPED.parent.glob("example.*"):
        (folder / shipped.name).write_text(shipped.read_text(encoding="utf-8").replace("2027", str(year)),
                                           encoding="utf-8")
    return folder / SHIPPED.name


class TestStatusOfTwoPlans:
    """``pac status`` with the 2026 and 2027 plans in the settings (the ended one's line names the next plan)."""

    def test_period_notice(self, tmp_path: Path) -> None:
        old, new = _write_plan(tmp_path / "p2026", 2026), _write_plan(tmp_path / "p2027", 2027)
        settings = SimpleNamespace(plans=(SimpleNamespace(file=old, as_of=datetime(2027, 1, 4, 2, tzinfo=PARIS)),
                                          SimpleNamespace(file=new, as_of=DEC_5_2026)))
        plans = [load_plan(old), load_plan(new)]
        assert [p.name for p in plans] == ["PAC 2026 — Durand Process", "PAC 2027 — Durand Process"]
        loaded = cli_common.settings_plans(settings)
        _, line_2026 = cli_status._period_notice(loaded, plans[0].id)
        assert line_2026 == ("Le plan s'est terminé le 31 décembre 2026 : le plan suivant, « PAC 2027 — Durand "
                             "Process », est en place ; retirez celui-ci de plans: quand ses saisies tardives sont "
                             "comptées.")
        assert cli_status._period_notice(loaded, plans[1].id) == (plans[1], STARTS_FR)
