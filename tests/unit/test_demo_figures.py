"""`pac demo`'s console tables and `pac sync`'s run summary read every figure as the report does (audit opscounts):
the report's formatter (``sync_jobs.report.fmt.Formatter``, in English, with the settings' ``roi_limits``) writes
the axes' figures, so an ROI of 49.96 % reads « 49.96% » (not the roll-out's « 50 % ») and a progress of 99.96 %
« 99.96% » (not « 100 % »: audits nearleft and surfaces2); counts are grouped by thousands, as the report's data
section and the API line (« 99,972 left today ») show them. Every expectation is written by hand."""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from rich.console import Console

from pac_core.engine import EngineSettings
from pac_core.results import Evaluation, Pace
from sync_jobs import demo
from sync_jobs.report.fmt import Formatter
from sync_jobs.run_views import counts_table, print_rejection_table
from tests.unit import report_fixtures as fx

D = Decimal
AXIS = "maint-ra"


def _printed(ev: Evaluation, fmt: Formatter | None = None) -> str:
    out = io.StringIO()
    console = Console(file=out, width=300)
    if fmt is None:
        demo.print_progress(console, fx.plan(), ev)
    else:
        demo.print_progress(console, fx.plan(), ev, fmt)
    return out.getvalue()


def _axis_cells(ev: Evaluation, fmt: Formatter | None = None) -> list[str]:
    """additional, objective, progress, expected by now, ROI to date of ``AXIS``'s row."""
    [row] = [line for line in _printed(ev, fmt).splitlines() if AXIS in line and "│" in line]
    return [cell.strip() for cell in row.split("│")[3:8]]


def _with(**changes: Any) -> Evaluation:
    ev = fx.evaluation()
    return replace(ev, axes=tuple(replace(a, **changes) if a.axis_id == AXIS else a for a in ev.axes))


class TestAxesTable:
    def test_an_roi_just_short_of_the_roll_out_keeps_its_decimals(self) -> None:
        """ROI 49.96 %, roll-out at 50 %: « 49.96% », as the report; seen failing before the fix: « 50 % »."""
        assert _axis_cells(_with(roi=0.4996))[4] == "49.96%"

    def test_an_roi_just_below_zero_reads_below_zero(self) -> None:
        """ROI -0.04 %, dropped below 0 %: « -0.04% », not « 0 % » (seen failing before the fix: « 0 % »)."""
        assert _axis_cells(_with(roi=-0.0004))[4] == "−0.04%"

    def test_an_roi_against_the_settings_thresholds(self) -> None:
        """The settings' thresholds, not the defaults: roll-out at 40 %, ROI 39.96 % reads « 39.96% »; the same ROI
        against the default 50 % reads « 40% »."""
        fmt = Formatter.for_plan(fx.plan(), "en", EngineSettings(rollout_min_roi=0.4).roi_limits)
        assert _axis_cells(_with(roi=0.3996), fmt)[4] == "39.96%"
        assert _axis_cells(_with(roi=0.3996))[4] == "40%"

    def test_a_progress_just_short_of_the_objective_is_not_100(self) -> None:
        """99.96 % of the objective: « 99.96% » (seen failing before the fix: « 100 % »); 0.04 %: « 0.04% »."""
        assert _axis_cells(_with(progress=0.9996))[2] == "99.96%"
        assert _axis_cells(_with(progress=0.0004))[2] == "0.04%"

    def test_an_objective_missed_by_cents_reads_its_cents(self) -> None:
        """109,999.60 won over a baseline of 10,000 for an objective of 100,000: « €99,999.60 » / « €100,000 », as the
        report (surfaces2); seen failing before the fix: « 100,000 » / « 100,000 »."""
        cells = _axis_cells(_with(revenue=D("109999.60"), baseline=D("10000"), additional=D("99999.60"),
                                  objective=D("100000"), progress=0.999996))
        assert cells[:3] == ["€99,999.60", "€100,000", "99.99%"]

    def test_an_axis_with_no_cost_says_so(self) -> None:
        """A cost of 0: « no cost » as the report, not an ROI (seen failing before the fix: « - »)."""
        assert _axis_cells(_with(cost=D(0), roi=None))[4] == "no cost"

    def test_every_figure_is_the_reports(self) -> None:
        """Each cell is what the report's formatter writes for the same axis (money with its currency, the expected
        share rounded once as the report's workbook shows it)."""
        ev = _with(progress=0.125, expected_by_now=0.625, roi=-0.125, additional=D("1234.5"), revenue=D("1234.5"),
                   baseline=D("0"))
        fmt = Formatter.for_plan(fx.plan(), "en", EngineSettings().roi_limits)
        p = ev.axis(AXIS)
        assert _axis_cells(ev) == [fmt.additional(p), fmt.objective_beside(p.objective, fmt.cents(p)),
                                   fmt.progress(p.progress), fmt.percent(p.expected_by_now), fmt.roi(p.roi, p.cost)]
        assert _axis_cells(ev) == ["€1,235", "€80,000", "13%", "63%", "−13%"]

    def test_the_status_is_the_reports(self) -> None:
        """A prioritised axis reads « Priority #1 » as in the report, not the code « prioritised »."""
        plan = fx.plan()
        ranked = next(a for a in plan.axes if a.status.state.value == "prioritised")
        [row] = [line for line in _printed(fx.evaluation()).splitlines() if ranked.id in line and "│" in line]
        assert f"Priority #{ranked.status.rank}" in row, row

    def test_an_axis_at_risk_reads_below_its_expected_share(self) -> None:
        """At risk at 45.75 % of its objective against 45.96 % expected by now: « 45.8% » / « 46.0% », not the
        « 46% » / « 46% » of an axis on its expected share (audit sfhand7); on track at 46.02 % against 45.96 %, the
        usual « 46% » / « 46% ». Seen failing before the fix: « 46% » / « 46% » at risk."""
        assert _axis_cells(_with(progress=0.4575, expected_by_now=0.4596, pace=Pace.AT_RISK))[2:4] == ["45.8%", "46.0%"]
        assert _axis_cells(_with(progress=0.4602, expected_by_now=0.4596, pace=Pace.ON_TRACK))[2:4] == ["46%", "46%"]
        # a hair apart: two decimals (45.954 % vs 45.96 %: « 45.95% » / « 45.96% »)
        assert _axis_cells(_with(progress=0.45954, expected_by_now=0.4596, pace=Pace.AT_RISK))[2:4] == [
            "45.95%", "45.96%"]


class TestActionsTable:
    def test_done_and_target_are_grouped_by_thousands(self) -> None:
        """1,234 of 2,000 calls: « 1,234 / 2,000 » as the report (seen failing before the fix: « 1234 / 2000 »)."""
        ev = fx.evaluation()
        first = ev.actions[0]
        ev = replace(ev, actions=(replace(first, done=1234, target=2000), *ev.actions[1:]))
        [row] = [line for line in _printed(ev).splitlines() if f"│ {first.action_id} " in line]
        assert "1,234 / 2,000" in row, row


class TestRunSummary:
    def test_counts_are_grouped_by_thousands(self) -> None:
        """4,748 activities read: « 4,748 », as the report's data section and the API line group them (seen failing
        before the fix: « 4748 »); a figure not recorded stays blank."""
        out = io.StringIO()
        Console(file=out, width=200).print(counts_table("run", {"activities": {"read": 4748, "deleted": 1203},
                                                                "action": {"written": 20}}))
        rows = {line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:-1]]
                for line in out.getvalue().splitlines() if line.startswith("│")}
        assert rows["activities"] == ["4,748", "", "1,203", "", ""], rows
        assert rows["PAC actions"] == ["", "", "", "20", ""], rows

    def test_what_is_written_is_named_apart_from_what_is_read(self) -> None:
        """The read side's « accounts » and the write side's accounts were two rows « accounts » and « account »
        (753 read, 485 written), « action » and « axis » beside them: a newcomer read one object twice (audit
        newcomer3). The written rows come after the read ones, named as what is written."""
        out = io.StringIO()
        Console(file=out, width=200).print(counts_table("run", {
            "accounts": {"read": 753, "deleted": 0}, "account": {"written": 485}, "action": {"written": 20},
            "activities": {"read": 4748, "rejected": 1, "deleted": 0}, "axis": {"written": 16},
            "deals": {"read": 1441, "rejected": 1, "deleted": 0}, "users": {"read": 12, "deleted": 0}}))
        names = [line.split("│")[1].strip() for line in out.getvalue().splitlines() if line.startswith("│")]
        assert names == ["accounts", "activities", "deals", "users", "PAC axes", "PAC actions",
                         "accounts' PAC fields"], names


def test_a_long_action_text_and_axis_name_are_cut_at_a_word_with_an_ellipsis() -> None:
    """The demo's tables cut a long text at its column's size, at a word, and say so with « … » (audit newcomer3: the
    demo printed « … de Savoie et de Haute-Savoie ava » and « Pompes doseuses PX200 pour la phar », as if the plan's
    own text stopped there)."""
    plan = fx.plan()
    action_text = "Appeler 10 clients dormants de Savoie et de Haute-Savoie avant le 30 avril 2027"
    axis_name = "Pompes doseuses PX200 pour la pharmacie et la cosmétique du Sud-Est"
    plan = replace(plan, actions=(replace(plan.actions[0], text=action_text), *plan.actions[1:]),
                   axes=(replace(plan.axes[0], name=axis_name), *plan.axes[1:]))
    out = io.StringIO()
    demo.print_progress(Console(file=out, width=300), plan, fx.evaluation())
    printed = out.getvalue()
    assert "│ Appeler 10 clients dormants de Savoie et de Haute-Savoie… " in printed and "Savoie av" not in printed
    assert f"│ {plan.axes[0].id} Pompes doseuses PX200 pour la… " in printed and "la pharmac" not in printed


def test_a_rejection_reason_and_its_detail_read_without_nested_parentheses() -> None:
    """`pac status` grouped a lone rejection as « currency with no exchange rate (no exchange rate for CHF into EUR
    (add it to engine.fx_rates in pac.yaml)) »: the detail, which ends with its own fix in parentheses, now follows
    a colon (audit newcomer3)."""
    group = SimpleNamespace(object="deals", reason="unknown_currency", count=1,
                            sample="unknown_currency: no exchange rate for CHF into EUR (add it to engine.fx_rates "
                                   "in pac.yaml)",
                            examples=[("deals", "0065g00000001xuAAA", "Genève Pharma — MX50 (CHF)")])
    out = io.StringIO()
    print_rejection_table(Console(file=out, width=300), [group], "rejected")
    assert ("│ no exchange rate for CHF into EUR (add it to engine.fx_rates in pac.yaml) │") in out.getvalue()


def test_a_lone_rejection_says_its_reason_once() -> None:
    """`pac status` read « currency with no exchange rate: no exchange rate for CHF into EUR (…) » and « no account:
    the activity has no account »: the rule's words, then the detail saying them again (audit leftsmall item 3; seen
    failing before the fix). A lone engine rejection now reads its detail alone, the reason in full with its fix; a
    group of several keeps the rule's words (each record's detail differs); a connector's reason its own text."""
    groups = [SimpleNamespace(object="activities", reason="no_account", count=1,
                              sample="no_account: the activity has no account", examples=[("sf", "00T1", "Visite")]),
              SimpleNamespace(object="deals", reason="no_close_date", count=2,
                              sample="no_close_date: the won deal has no close date",
                              examples=[("sf", "0061", ""), ("sf", "0062", "")]),
              SimpleNamespace(object="deals", reason="unparseable date", count=1,
                              sample="unparseable date: '2027-13-01' in CloseDate", examples=[("sf", "0063", "")])]
    out = io.StringIO()
    print_rejection_table(Console(file=out, width=300), groups, "rejected")
    rows = [line.split("│")[2].strip() for line in out.getvalue().splitlines() if line.count("│") == 5]
    assert rows == ["the activity has no account", "won deal with no close date",
                    "unparseable date: '2027-13-01' in CloseDate"]


def test_the_axes_title_writes_the_plans_first_day_as_a_date() -> None:
    """The axes' table read « additional revenue since 01 Jan vs the same days a year earlier »: a day with a leading
    zero and no year, where every other date of the demo reads « September 30, 2027 ». It now reads the plan's first
    day as the report writes a date."""
    plan = fx.plan()
    out = io.StringIO()
    demo.print_progress(Console(file=out, width=400), plan, fx.evaluation())
    title = next(line for line in out.getvalue().splitlines() if "additional revenue since" in line)
    assert f"since {Formatter.for_plan(plan, 'en').date(plan.period.start)} vs" in title
    assert f"{plan.period.start:%d %b}" not in title


def test_pac_status_in_french_words_the_reasons_in_french() -> None:
    """`pac status --lang fr` wrote its headings in French and every rejection's reason in English (« no account: the
    activity has no account », « won deal with no close date »; audit leftsmall, left). A lone record now reads its
    reason as the report words it in French, a group its rule's French word; English is unchanged."""
    lone = SimpleNamespace(object="activities", reason="no_account", count=1, code="", values=(),
                           sample="no_account: the activity has no account", examples=[("sf", "00T1", "Visite")])
    several = SimpleNamespace(object="deals", reason="no_close_date", count=2, code="", values=(),
                              sample="no_close_date: the won deal has no close date",
                              examples=[("sf", "0061", ""), ("sf", "0062", "")])
    rows = {}
    for lang in ("fr", "en"):
        out = io.StringIO()
        print_rejection_table(Console(file=out, width=300), [lone, several], "rejected", lang=lang)
        rows[lang] = [line.split("│")[2].strip() for line in out.getvalue().splitlines() if line.count("│") == 5]
    assert rows["fr"] == ["l'activité n'a pas de compte", "sans date de clôture"]
    assert rows["en"] == ["the activity has no account", "won deal with no close date"]

