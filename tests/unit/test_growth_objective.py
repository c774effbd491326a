"""A growth objective written as a percentage ("+30 %" on the clients of Rhône-Alpes): the spellings the plan file
accepts and refuses, the amount ``evaluate()`` resolves (the rate x the axis's baseline over the whole period), every
figure equal to the same plan with that amount written, and the words that say where the amount comes from."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from connectors.base import Target
from pac_config.planfile import load_plan_text
from pac_core.engine import EngineSettings, evaluate
from pac_core.errors import InvalidInput
from pac_core.explain import explain_axis
from pac_core.growth import AmbiguousRate, parse_growth_rate, with_evaluation
from pac_core.growth_words import provenance, span_label, zero_base_warning
from pac_core.plan import Axis, Objective, Plan, Segment, SegmentKind
from pac_core.records import Records
from pac_core.results import AxisProgress, Evaluation, Pace
from pac_core.scopes import Condition, Scope
from pac_core.snapshots import evaluation_from_payload, snapshot_payload
from sync_jobs.cli import main
from sync_jobs.diff import desired_state, record_key
from sync_jobs.report import tables
from sync_jobs.report.fmt import Formatter
from sync_jobs.report_inputs import ReportInputs
from tests.fakes import write_settings
from tests.unit.test_engine_support import PARIS, USERS, YEAR_2027, account, action, plan, won

NBSP, NNBSP = "\u00a0", "\u202f"
SEG = Segment("SEG", "Rhône", SegmentKind.HORIZONTAL, Scope((Condition("departement", "in", ("69",)),)))
CLIENTS = Scope((Condition("account_type", "in", ("Client",), "clients"),))
ACCOUNTS = (
    account("lyon", "69003", account_type="Client"),
    account("villeurbanne", "69100", account_type="Client"),
    account("bron", "69500", account_type="Client"),
    account("prospect", "69200", account_type="Prospect"),     # outside the axis's scope (a prospect)
    account("grenoble", "38000", account_type="Client"),       # outside the segment (département 38)
)
# 2026, the baseline year: 40,000 + 25,000 + 30,000 + 15,000 = 110,000 on the axis's accounts
DEALS_2026 = (won("b1", "lyon", "40000", date(2026, 2, 10)), won("b2", "villeurbanne", "25000", date(2026, 5, 5)),
              won("b3", "bron", "30000", date(2026, 9, 30)), won("b4", "lyon", "15000", date(2026, 12, 31)),
              won("x1", "prospect", "70000", date(2026, 3, 1)), won("x2", "grenoble", "50000", date(2026, 6, 1)),
              won("x3", "villeurbanne", "99000", date(2025, 12, 31)))
# 2027: 60,000 + 50,000 + 20,000 = 130,000 on the axis's accounts
DEALS_2027 = (won("n1", "lyon", "60000", date(2027, 3, 1)), won("n2", "villeurbanne", "50000", date(2027, 7, 1)),
              won("n3", "bron", "20000", date(2027, 11, 15)), won("y1", "prospect", "8000", date(2027, 4, 1)))
RECORDS = Records(accounts=ACCOUNTS, deals=DEALS_2026 + DEALS_2027, users=USERS)
YEAR_END = datetime(2028, 1, 10, tzinfo=PARIS)
MID_YEAR = datetime(2027, 7, 1, tzinfo=PARIS)      # 30 June included


def _axis(amount: str | None, *, rate: str | None = None, baseline: str | None = None, ident: str = "AX-CLIENTS",
          scope: Scope = CLIENTS) -> Axis:
    objective = Objective(Decimal(amount or 0), YEAR_2027, None if baseline is None else Decimal(baseline),
                          Decimal("0.3"), Decimal("10000"), growth_rate=None if rate is None else Decimal(rate))
    return Axis(ident, "Clients du Rhône", "SEG", scope, objective=objective)


def _plan(*axes: Axis, language: str = "fr") -> Plan:
    return plan(action(axis_id=axes[0].id), axes=axes, segments=(SEG,), language=language)


def _figures(progress: AxisProgress) -> dict[str, object]:
    """Every field of an axis's progress but the rate and the base (the displayed provenance)."""
    return {f.name: getattr(progress, f.name) for f in fields(progress)
            if f.name not in ("growth_rate", "growth_base", "growth_base_through")}


class TestSpellings:
    @pytest.mark.parametrize(("written", "rate"), [
        ("30 %", "0.3"), ("30%", "0.3"), ("+30 %", "0.3"), ("+ 30 %", "0.3"), (f"30{NBSP}%", "0.3"),
        (f"30{NNBSP}%", "0.3"), ("12,5 %", "0.125"), ("12.5%", "0.125"), ("30 pct", "0.3"), ("30 percent", "0.3"),
        ("30 pour cent", "0.3"), ("-10 %", "-0.1"), ("1500 %", "15")])
    def test_percentages_read(self, written: str, rate: str) -> None:
        assert parse_growth_rate(written) == Decimal(rate)

    @pytest.mark.parametrize("written", [150000, "150 k€", "1,5 M€", "0.3", 0.3, "30", "trente %", None])
    def test_other_values_are_not_percentages(self, written: object) -> None:
        """A bare number is always an amount (0.3 is 0.30 €, never 30 %): the amount's reader judges it."""
        assert parse_growth_rate(written) is None

    def test_thousands_or_decimals_is_refused(self) -> None:
        with pytest.raises(ValueError, match="ambiguous"):
            parse_growth_rate("1,500 %")

    def test_one_group_is_thousands_in_an_english_plan(self) -> None:
        """An English plan's « 1,000 % » is a thousand percent (it was refused as ambiguous: audit amounts F1); a
        French plan's stays refused with both readings and what to write for each."""
        assert parse_growth_rate("1,000 %", "en") == Decimal(10)
        assert parse_growth_rate("+1,500%", "en") == Decimal(15)
        with pytest.raises(AmbiguousRate) as info:
            parse_growth_rate("1,500 %", "fr")
        assert str(info.value) == ("'1,500 %' is ambiguous: 1500 % with a comma grouping thousands, or 1,5 % with a "
                                   "decimal comma")
        assert info.value.fix == 'write "1,5 %" for 1.5 percent, or "1500 %" for 1500 percent'


PLAN_FILE = """\
plan: {{name: PAC 2027, year: 2027, timezone: Europe/Paris, language: fr}}
people: [{{email: julie@example.com, name: Julie, role: manager}}]
segments:
  - {{id: SEG, name: Rhône, kind: horizontal, scope: {{departement: "69"}}, swot: {{strengths: [une équipe locale]}}}}
axes:
  - id: AX
    name: Clients du Rhône
    segment: SEG
    objective:
      additional_revenue: {value}
      budget: 10000{more}
actions:
  - {{id: A-01, axis: AX, text: "Visiter 5 clients en mai", who: julie@example.com,
     what: {{activity: visite, count: 5}}, when: mai}}
"""


# the same plan in English: pac plan check words an English plan's lines in English (a French plan's in French since
# audit clifr, tests/e2e/test_clifr_plan_check_french.py)
PLAN_FILE_EN = PLAN_FILE.replace("language: fr", "language: en").replace(
    '"Visiter 5 clients en mai"', '"Visit 5 clients in May"').replace("when: mai", "when: May")


def _load(value: str, more: str = "") -> Plan:
    return load_plan_text(PLAN_FILE.format(value=value, more=more), "pac.yaml")


def _problems(value: str, more: str = "") -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        _load(value, more)
    return [str(p) for p in caught.value.problems]


class TestPlanFile:
    def test_a_percentage_is_a_growth_rate_resolved_later(self) -> None:
        """"+30 %" is kept as the rate; the amount (unknown until the records are read) is not an objective yet."""
        objective = _load('"+30 %"').axes[0].objective
        assert objective is not None
        assert (objective.growth_rate, objective.growth_base, objective.resolved) == (Decimal("0.3"), None, False)

    def test_french_decimal_comma(self) -> None:
        objective = _load('"12,5 %"').axes[0].objective
        assert objective is not None and objective.growth_rate == Decimal("0.125")

    def test_with_a_fixed_baseline_the_amount_is_known_at_once(self) -> None:
        """baseline: 20000 and "30 %": 6,000, known when the plan is read (pac plan check can show it)."""
        objective = _load('"30 %"', "\n      baseline: 20000").axes[0].objective
        assert objective is not None
        assert (objective.additional_revenue, objective.growth_base, objective.resolved) == (6000, 20000, True)

    def test_margin_and_cost_are_read_as_before(self) -> None:
        objective = _load('"30 %"', "\n      margin_rate: \"35 %\"").axes[0].objective
        assert objective is not None and (objective.margin_rate, objective.cost) == (Decimal("0.35"), 10000)

    def test_an_amount_is_still_an_amount(self) -> None:
        objective = _load('"150 k€"').axes[0].objective
        assert objective is not None and (objective.additional_revenue, objective.growth_rate) == (150000, None)

    def test_a_negative_rate_is_refused_with_its_key_and_fix(self) -> None:
        assert _problems('"-10 %"') == [
            "pac.yaml:10 axes[0].objective.additional_revenue: '-10 %' is not a growth: the objective is the revenue "
            "the axis must add over its baseline (write the rise expected, e.g. \"30 %\", or the additional revenue "
            "as an amount)"]

    def test_zero_is_refused(self) -> None:
        [problem] = _problems('"0 %"')
        assert "axes[0].objective.additional_revenue: '0 %' is not a growth" in problem

    def test_an_absurd_rate_is_refused_naming_the_limit(self) -> None:
        assert _problems('"1500 %"') == [
            "pac.yaml:10 axes[0].objective.additional_revenue: '1500 %' is more than +1,000 %, the largest growth pac "
            "accepts (check the figure (\"30 %\" is 30 percent); for an axis that starts from almost nothing, write "
            "the additional revenue as an amount, e.g. 50000)"]

    def test_garbage_says_both_forms(self) -> None:
        assert _problems('"trente"') == [
            "pac.yaml:10 axes[0].objective.additional_revenue: 'trente' is not an amount (write an amount such as "
            "150000 or \"150 k€\", or a growth over the baseline such as \"30 %\")"]


class TestResolvedAmount:
    """Baseline 110,000 (the axis's clients in 2026), rate 30 % -> objective 33,000."""

    def test_objective_is_the_rate_of_the_whole_periods_baseline(self) -> None:
        axis = evaluate(_plan(_axis(None, rate="0.3")), RECORDS, as_of=YEAR_END).axis("AX-CLIENTS")
        assert (axis.objective, axis.growth_rate, axis.growth_base) == (Decimal("33000.00"), Decimal("0.3"), 110000)
        # 130,000 - 110,000 = 20,000 of 33,000; ROI (20,000 x 0.3 - 10,000) / 10,000
        assert (axis.additional, axis.progress, axis.roi) == (20000, 20000 / 33000, -0.4)

    def test_a_yen_plan_rounds_the_amount_to_the_yen(self) -> None:
        """A plan in yen: the clients' 2026 revenue ¥110,005 (b4 is ¥15,005), "+30 %" of it is ¥33,001.5, half up to
        the yen (JPY has no minor unit, as a converted deal is rounded to it): ¥33,002, never ¥33,001.50, an amount no
        yen objective field holds (found by the revenue oracle). Seen failing before the fix: 33001.50."""
        deals = tuple(replace(d, currency="JPY", amount=Decimal("15005") if d.id == "b4" else d.amount)
                      for d in DEALS_2026 + DEALS_2027)
        yen = replace(_plan(_axis(None, rate="0.3")), currency="JPY")
        axis = evaluate(yen, replace(RECORDS, deals=deals), as_of=YEAR_END).axis("AX-CLIENTS")
        assert (axis.growth_base, axis.objective) == (110005, Decimal("33002"))

    def test_the_objective_does_not_shrink_with_the_date(self) -> None:
        """On 30 June the baseline to date is 65,000 (40,000 + 25,000); the objective is still the whole year's."""
        axis = evaluate(_plan(_axis(None, rate="0.3")), RECORDS, as_of=MID_YEAR).axis("AX-CLIENTS")
        assert (axis.baseline, axis.objective, axis.growth_base) == (65000, 33000, 110000)

    @pytest.mark.parametrize("as_of", [MID_YEAR, YEAR_END, datetime(2027, 3, 15, 9, tzinfo=PARIS)])
    @pytest.mark.parametrize("attribution", ["full", "split"])
    def test_every_figure_equals_the_plan_with_the_amount_written(self, as_of: datetime, attribution: str) -> None:
        """Field by field: actions, axes (but the displayed rate and base), segments, plan totals, advice."""
        other = _axis("50000", ident="AX-ALL", scope=Scope(()))     # overlaps the clients: split divides deals
        settings = EngineSettings(attribution=attribution)
        with_rate = evaluate(_plan(_axis(None, rate="0.3"), other), RECORDS, as_of=as_of, settings=settings)
        base = with_rate.axis("AX-CLIENTS").growth_base
        assert base is not None
        amount = (Decimal("0.3") * base).quantize(Decimal("0.01"))
        written = evaluate(_plan(_axis(str(amount)), other), RECORDS, as_of=as_of, settings=settings)
        assert with_rate.actions == written.actions
        assert [_figures(a) for a in with_rate.axes] == [_figures(a) for a in written.axes]
        assert with_rate.segments == written.segments
        assert with_rate.plan == written.plan
        assert with_rate.recommendations == written.recommendations
        assert (with_rate.rejected, with_rate.warnings) == (written.rejected, written.warnings)

    def test_split_attribution_takes_the_axis_share_of_the_baseline(self) -> None:
        """Under split the axis's baseline is its share: the clients' 110,000 are shared with an axis over every
        account of the segment (each deal halved: 55,000), the prospect's 70,000 is that axis's alone."""
        other = _axis("50000", ident="AX-ALL", scope=Scope(()))
        split = evaluate(_plan(_axis(None, rate="0.3"), other), RECORDS, as_of=YEAR_END,
                         settings=EngineSettings(attribution="split"))
        clients = split.axis("AX-CLIENTS")
        assert (clients.growth_base, clients.objective) == (55000, Decimal("16500.00"))
        # at the period's end the baseline the axis is measured against is that same figure
        assert clients.baseline == 55000

    def test_a_fixed_baseline_is_the_base(self) -> None:
        axis = evaluate(_plan(_axis(None, rate="0.3", baseline="20000")), RECORDS, as_of=YEAR_END).axis("AX-CLIENTS")
        assert (axis.objective, axis.growth_base) == (6000, 20000)

    def test_who_and_deal_conditions_limit_the_base_as_they_limit_the_baseline(self) -> None:
        """An axis of Julie's deals only: Marc's 2026 deal (25,000) is not part of its base."""
        deals = tuple(replace(d, owner_id="005M") if d.id == "b2" else d for d in DEALS_2026 + DEALS_2027)
        julie = replace(_axis(None, rate="0.3"), who=("julie.martin@durand-process.example",))
        axis = evaluate(_plan(julie), replace(RECORDS, deals=deals), as_of=YEAR_END).axis("AX-CLIENTS")
        assert (axis.growth_base, axis.objective) == (85000, Decimal("25500.00"))

    def test_a_scope_with_no_history_has_an_objective_of_zero(self) -> None:
        """No won deal a year earlier: 30 % of 0 is 0, no progress to measure (never a division by zero)."""
        records = replace(RECORDS, deals=DEALS_2027)
        evaluation = evaluate(_plan(_axis(None, rate="0.3")), records, as_of=MID_YEAR)
        axis = evaluation.axis("AX-CLIENTS")
        assert (axis.objective, axis.growth_base, axis.progress, axis.pace) == (0, 0, None, Pace.ON_TRACK)
        assert evaluation.segments[0].objective == 0
        assert evaluation.plan is not None and (evaluation.plan.objective, evaluation.plan.progress) == (0, None)

    def test_a_negative_base_has_an_objective_of_zero(self) -> None:
        """The axis's clients sold 40,000 in 2026 and were credited 50,000 (credit notes): a base of -10,000. 30 % of
        it is no objective (-3,000 would read an axis falling further as « done », its additional revenue -5,000 at
        « 167 % » of it, and keep it from the drop rule): 0, as a base of 0, the base kept as measured. Seen failing
        before the fix: objective -3000.00, pace done."""
        deals = (won("b1", "lyon", "40000", date(2026, 2, 10)), won("c1", "lyon", "-50000", date(2026, 3, 10)),
                 won("c2", "lyon", "-15000", date(2027, 3, 1)))
        evaluation = evaluate(_plan(_axis(None, rate="0.3")), replace(RECORDS, deals=deals), as_of=YEAR_END)
        axis = evaluation.axis("AX-CLIENTS")
        assert (axis.growth_base, axis.additional) == (-10000, -5000)
        assert (axis.objective, axis.progress, axis.pace) == (0, None, Pace.ON_TRACK)
        assert axis.roi is not None and axis.roi < 0

    def test_the_plan_with_the_evaluations_amounts(self) -> None:
        """What the report, pac explain and the CRM's objective read: the plan file with the resolved amounts."""
        p = _plan(_axis(None, rate="0.3"))
        objective = with_evaluation(p, evaluate(p, RECORDS, as_of=YEAR_END)).axes[0].objective
        assert objective is not None
        assert (objective.additional_revenue, objective.growth_base, objective.growth_rate) == (33000, 110000,
                                                                                                Decimal("0.3"))

    def test_an_evaluation_without_rates_leaves_the_plan_as_it_is(self) -> None:
        p = _plan(_axis("33000"))
        assert with_evaluation(p, evaluate(p, RECORDS, as_of=YEAR_END)) is p

    def test_a_snapshot_keeps_the_rate_and_the_base(self) -> None:
        from pac_core.snapshots import evaluation_from_payload, snapshot_payload

        evaluation = evaluate(_plan(_axis(None, rate="0.3")), RECORDS, as_of=YEAR_END)
        back: Evaluation = evaluation_from_payload(snapshot_payload(evaluation))
        assert back == evaluation and back.axis("AX-CLIENTS").growth_base == 110000


class TestWords:
    def _resolved(self, deals: tuple = DEALS_2026 + DEALS_2027, rate: str = "0.3", baseline: str | None = None):
        p = _plan(_axis(None, rate=rate, baseline=baseline))
        return with_evaluation(p, evaluate(p, replace(RECORDS, deals=deals), as_of=YEAR_END)).axes[0].objective

    def test_french(self) -> None:
        assert provenance(self._resolved(), PARIS, "EUR", "fr") == (
            f"+30{NBSP}% de 110{NNBSP}000{NBSP}€ (CA 2026 du périmètre) = 33{NNBSP}000{NBSP}€")

    def test_english(self) -> None:
        assert provenance(self._resolved(), PARIS, "EUR", "en") == (
            "+30% of €110,000 (the scope's 2026 revenue) = €33,000")

    def test_a_decimal_rate_keeps_its_decimal(self) -> None:
        assert provenance(self._resolved(rate="0.125"), PARIS, "USD", "en") == (
            "+12.5% of $110,000 (the scope's 2026 revenue) = $13,750")

    def test_cents_when_there_are_any(self) -> None:
        """+20 % of a fixed 70,000.75 is 14,000.15, as the header line writes the objective (usplan audit F7;
        failed before: "+20% of $70,001 (...) = $14,000", which does not add up)."""
        objective = self._resolved(rate="0.2", baseline="70000.75")
        assert provenance(objective, PARIS, "USD", "en") == (
            "+20% of $70,000.75 (the plan's fixed baseline) = $14,000.15")
        assert provenance(objective, PARIS, "EUR", "fr") == (
            f"+20{NBSP}% de 70{NNBSP}000,75{NBSP}€ (référence fixée dans le plan) = 14{NNBSP}000,15{NBSP}€")

    def test_fixed_baseline(self) -> None:
        assert provenance(self._resolved(baseline="20000"), PARIS, "EUR", "fr") == (
            f"+30{NBSP}% de 20{NNBSP}000{NBSP}€ (référence fixée dans le plan) = 6{NNBSP}000{NBSP}€")

    def test_no_history_says_why_in_both_languages(self) -> None:
        objective = self._resolved(deals=DEALS_2027)
        assert provenance(objective, PARIS, "EUR", "fr") == (
            f"+30{NBSP}% de 0{NBSP}€ (CA 2026 du périmètre) = 0{NBSP}€ : le périmètre n'a rien vendu en 2026, "
            "un pourcentage n'y fixe aucun objectif (écrivez un montant)")
        assert provenance(objective, PARIS, "EUR", "en") == (
            "+30% of €0 (the scope's 2026 revenue) = €0: the scope sold nothing in 2026, so a percentage sets no "
            "objective (write an amount)")

    def test_a_negative_base_says_why_in_both_languages(self) -> None:
        """Credits above the sales a year earlier: no objective, and the words say why (no « = -3 000 € »)."""
        objective = self._resolved(deals=(won("b1", "lyon", "40000", date(2026, 2, 10)),
                                          won("c1", "lyon", "-50000", date(2026, 3, 10))))
        assert provenance(objective, PARIS, "EUR", "fr") == (
            f"+30{NBSP}% de −10{NNBSP}000{NBSP}€ (CA 2026 du périmètre) = 0{NBSP}€ : le CA 2026 du périmètre est "
            "négatif (avoirs), un pourcentage n'y fixe aucun objectif (écrivez un montant)")
        assert provenance(objective, PARIS, "EUR", "en") == (
            "+30% of −€10,000 (the scope's 2026 revenue) = €0: the scope's 2026 revenue is negative (credits), so a "
            "percentage sets no objective (write an amount)")
        assert zero_base_warning(objective, PARIS) == (
            "a growth of +30% gives no objective: its scope's 2026 revenue is negative (credits) (write the "
            "additional revenue as an amount, e.g. additional_revenue: 20000)")

    def test_before_the_records_are_read(self) -> None:
        assert provenance(_axis(None, rate="0.3").objective, PARIS, "EUR", "en") == (
            "+30% of the scope's 2026 revenue, measured on the CRM's won deals at each evaluation")

    def test_an_amount_has_no_provenance(self) -> None:
        assert provenance(_axis("33000").objective, PARIS, "EUR", "fr") == ""

    @pytest.mark.parametrize(("first", "last", "fr", "en"), [
        (date(2026, 1, 1), date(2026, 12, 31), "2026", "2026"),
        (date(2026, 4, 1), date(2026, 6, 30), "T2 2026", "Q2 2026"),
        (date(2026, 5, 1), date(2026, 5, 31), "mai 2026", "May 2026"),
        (date(2026, 4, 1), date(2027, 3, 31), "avril 2026 – mars 2027", "April 2026 – March 2027"),
        # a half-year objective's base (audit reporthand: « CA janvier 2026 – juin 2026 du périmètre »), as the plan
        # writes its halves (docs/plan-format.md)
        (date(2026, 1, 1), date(2026, 6, 30), "1er semestre 2026", "H1 2026"),
        (date(2026, 7, 1), date(2026, 12, 31), "2e semestre 2026", "H2 2026"),
        (date(2026, 4, 1), date(2026, 9, 30), "avril 2026 – septembre 2026", "April 2026 – September 2026"),
        (date(2026, 5, 3), date(2026, 5, 28), "3 mai 2026 – 28 mai 2026", "May 3, 2026 – May 28, 2026")])
    def test_the_base_period_is_named_as_a_manager_names_it(self, first: date, last: date, fr: str, en: str) -> None:
        assert (span_label((first, last), "fr"), span_label((first, last), "en")) == (fr, en)


DECEMBER_5 = datetime(2026, 12, 5, 2, tzinfo=PARIS)   # the 2027 plan synced in December: 2026 is not over


class TestBaseNotOverYet:
    """The 2027 objective resolved during 2026 (audit yearend F2): the base is 2026's revenue up to the evaluation
    date (b4, 15,000 closed on 31 December, is after it), marked provisional on every surface, and final, the same
    figure as today's, once 2026 is over."""

    def test_the_base_is_cut_at_the_evaluation_date_and_provisional(self) -> None:
        """5 December: 40,000 + 25,000 + 30,000 = 95,000 (not 110,000 with a deal dated 31 December), 28,500."""
        axis = evaluate(_plan(_axis(None, rate="0.3")), RECORDS, as_of=DECEMBER_5).axis("AX-CLIENTS")
        assert (axis.growth_base, axis.objective, axis.growth_base_through) == (95000, Decimal("28500.00"),
                                                                                date(2026, 12, 5))

    @pytest.mark.parametrize(("as_of", "base", "through"), [
        (datetime(2026, 12, 31, 23, 59, tzinfo=PARIS), 110000, date(2026, 12, 31)),   # the last day is not over
        (datetime(2027, 1, 1, tzinfo=PARIS), 110000, None),                            # its end: final
        (MID_YEAR, 110000, None),
        (datetime(2025, 11, 5, tzinfo=PARIS), 0, date(2025, 11, 4))])                  # before 2026 began
    def test_final_once_the_base_period_is_over(self, as_of: datetime, base: int, through: date | None) -> None:
        axis = evaluate(_plan(_axis(None, rate="0.3")), RECORDS, as_of=as_of).axis("AX-CLIENTS")
        assert (axis.growth_base, axis.growth_base_through) == (base, through)

    def test_a_fixed_baseline_is_never_provisional(self) -> None:
        axis = evaluate(_plan(_axis(None, rate="0.3", baseline="20000")), RECORDS,
                        as_of=DECEMBER_5).axis("AX-CLIENTS")
        assert (axis.growth_base, axis.growth_base_through) == (20000, None)

    def test_split_attribution_cuts_the_base_too(self) -> None:
        """Each 2026 deal of the clients halved with the axis over every account: 95,000 / 2 to date."""
        other = _axis("50000", ident="AX-ALL", scope=Scope(()))
        axis = evaluate(_plan(_axis(None, rate="0.3"), other), RECORDS, as_of=DECEMBER_5,
                        settings=EngineSettings(attribution="split")).axis("AX-CLIENTS")
        assert (axis.growth_base, axis.growth_base_through) == (47500, date(2026, 12, 5))

    @pytest.mark.parametrize("attribution", ["full", "split"])
    def test_every_figure_equals_the_plan_with_the_amount_written(self, attribution: str) -> None:
        other = _axis("50000", ident="AX-ALL", scope=Scope(()))
        settings = EngineSettings(attribution=attribution)
        with_rate = evaluate(_plan(_axis(None, rate="0.3"), other), RECORDS, as_of=DECEMBER_5, settings=settings)
        base = with_rate.axis("AX-CLIENTS").growth_base
        assert base is not None and with_rate.axis("AX-CLIENTS").growth_base_through == date(2026, 12, 5)
        amount = (Decimal("0.3") * base).quantize(Decimal("0.01"))
        written = evaluate(_plan(_axis(str(amount)), other), RECORDS, as_of=DECEMBER_5, settings=settings)
        assert [_figures(a) for a in with_rate.axes] == [_figures(a) for a in written.axes]
        assert (with_rate.actions, with_rate.segments, with_rate.plan) == (written.actions, written.segments,
                                                                           written.plan)

    def _objective(self, as_of: datetime = DECEMBER_5, deals: tuple = DEALS_2026 + DEALS_2027) -> Objective:
        p = _plan(_axis(None, rate="0.3"))
        objective = with_evaluation(p, evaluate(p, replace(RECORDS, deals=deals), as_of=as_of)).axes[0].objective
        assert objective is not None
        return objective

    def test_the_words_say_provisional_in_both_languages(self) -> None:
        objective = self._objective()
        assert provenance(objective, PARIS, "EUR", "fr") == (
            f"+30{NBSP}% de 95{NNBSP}000{NBSP}€ (CA 2026 du périmètre au 5 décembre, provisoire : 2026 n'est pas "
            f"terminé) = 28{NNBSP}500{NBSP}€")
        assert provenance(objective, PARIS, "EUR", "en") == (
            "+30% of €95,000 (the scope's 2026 revenue to December 5, provisional: 2026 is not over) = €28,500")

    def test_the_first_of_the_month_and_a_day_of_another_year(self) -> None:
        assert "(CA 2026 du périmètre au 1er décembre, provisoire" in provenance(
            self._objective(datetime(2026, 12, 1, 9, tzinfo=PARIS)), PARIS, "EUR", "fr")
        assert "(the scope's 2026 revenue to November 4, 2025, provisional: 2026 is not over)" in provenance(
            self._objective(datetime(2025, 11, 5, tzinfo=PARIS)), PARIS, "EUR", "en")

    def test_nothing_sold_yet_says_so_far(self) -> None:
        objective = self._objective(deals=DEALS_2027)
        assert provenance(objective, PARIS, "EUR", "fr").endswith(
            "le périmètre n'a encore rien vendu en 2026, un pourcentage n'y fixe aucun objectif (écrivez un montant)")
        assert zero_base_warning(objective, PARIS) == (
            "a growth of +30% gives no objective: its scope won no deal in 2026 so far (2026 is not over) (write the "
            "additional revenue as an amount, e.g. additional_revenue: 20000)")

    def test_once_over_the_words_are_todays(self) -> None:
        assert provenance(self._objective(datetime(2027, 1, 1, tzinfo=PARIS)), PARIS, "EUR", "fr") == (
            f"+30{NBSP}% de 110{NNBSP}000{NBSP}€ (CA 2026 du périmètre) = 33{NNBSP}000{NBSP}€")

    def test_pac_explain_and_the_workbook_say_provisional(self) -> None:
        p = _plan(_axis(None, rate="0.3"))
        evaluation = evaluate(p, RECORDS, as_of=DECEMBER_5)
        found = explain_axis(p, evaluation, "AX-CLIENTS", deals={}, lang="fr")
        assert found.objective == (f"Objectif : +30{NBSP}% de 95{NNBSP}000{NBSP}€ (CA 2026 du périmètre au 5 "
                                   f"décembre, provisoire : 2026 n'est pas terminé) = 28{NNBSP}500{NBSP}€")
        _, rows = tables.axes(ReportInputs(plan=p, evaluation=evaluation), Formatter(lang="en"))
        assert (rows[0][7], rows[0][-1]) == (Decimal("28500.00"), "+30% of €95,000 (the scope's 2026 revenue to "
                                             "December 5, provisional: 2026 is not over) = €28,500")

    def test_the_crm_text_says_provisional(self) -> None:
        """The CRM gets the resolved objective (PAC_Objective__c / pac_objective, 28,500, moving night after night) and,
        in the axis's KPI text (PAC_KPIs__c / pac_kpis), where it comes from and that it is provisional; once the
        base year is over the line is gone (audit reverify N7). Seen failing before the fix: no « provisoire » in
        any value written."""
        p = _plan(_axis(None, rate="0.3"))
        row = desired_state(p, evaluate(p, RECORDS, as_of=DECEMBER_5))[(Target.AXIS, record_key(p, "AX-CLIENTS"))]
        assert row["objective"] == 28500.0
        assert row["kpis"].splitlines()[-1] == (
            f"Objectif : +30{NBSP}% de 95{NNBSP}000{NBSP}€ (CA 2026 du périmètre au 5 décembre, provisoire : 2026 "
            f"n'est pas terminé) = 28{NNBSP}500{NBSP}€")
        assert len(row["kpis"].splitlines()) == 2          # the KPIs' line kept above it
        english = _plan(_axis(None, rate="0.3"), language="en")
        row = desired_state(english, evaluate(english, RECORDS, as_of=DECEMBER_5))[
            (Target.AXIS, record_key(english, "AX-CLIENTS"))]
        assert row["kpis"].endswith("\nObjective: +30% of €95,000 (the scope's 2026 revenue to December 5, "
                                    "provisional: 2026 is not over) = €28,500")
        final = desired_state(p, evaluate(p, RECORDS, as_of=MID_YEAR))[(Target.AXIS, record_key(p, "AX-CLIENTS"))]
        assert "Objectif" not in final["kpis"] and "\n" not in final["kpis"] and final["objective"] == 33000.0

    def test_a_snapshot_keeps_the_provisional_mark(self) -> None:
        evaluation = evaluate(_plan(_axis(None, rate="0.3")), RECORDS, as_of=DECEMBER_5)
        back: Evaluation = evaluation_from_payload(snapshot_payload(evaluation))
        assert back == evaluation and back.axis("AX-CLIENTS").growth_base_through == date(2026, 12, 5)


SPLIT = EngineSettings(attribution="split")
ALL = _axis("50000", ident="AX-ALL", scope=Scope(()))   # every account of the segment: shares each client deal
SHARE_FR = "part de l'axe dans le CA 2026 du périmètre"
SHARED_FR = "affaires partagées avec d'autres axes divisées à parts égales"


class TestWordsUnderSplit:
    """Under ``attribution: split`` the base is the axis's share of the year-earlier revenue (each client deal
    halved with AX-ALL: 110,000 -> 55,000; to 5 December 95,000 -> 47,500): every surface says the axis's share, where
    it read « (CA 2026 du périmètre) » / "(the scope's 2026 revenue)" beside 55,000 while the CRM's report of the
    scope says 110,000 (audit reporthand2, known; audit splitwords). A fixed baseline is never divided: its words
    stay."""

    def _split(self, language: str = "fr", as_of: datetime = YEAR_END, deals: tuple = DEALS_2026 + DEALS_2027,
               baseline: str | None = None) -> tuple[Plan, Evaluation]:
        p = _plan(_axis(None, rate="0.3", baseline=baseline), ALL, language=language)
        return p, evaluate(p, replace(RECORDS, deals=deals), as_of=as_of, settings=SPLIT)

    def _objective(self, as_of: datetime = YEAR_END, deals: tuple = DEALS_2026 + DEALS_2027,
                   baseline: str | None = None) -> Objective:
        p, evaluation = self._split(as_of=as_of, deals=deals, baseline=baseline)
        objective = with_evaluation(p, evaluation).axes[0].objective
        assert objective is not None
        return objective

    def test_both_languages_say_the_axis_share(self) -> None:
        objective = self._objective()
        assert provenance(objective, PARIS, "EUR", "fr") == (
            f"+30{NBSP}% de 55{NNBSP}000{NBSP}€ ({SHARE_FR}, {SHARED_FR}) = 16{NNBSP}500{NBSP}€")
        assert provenance(objective, PARIS, "EUR", "en") == (
            "+30% of €55,000 (the axis's share of the scope's 2026 revenue, deals shared with other axes divided "
            "evenly) = €16,500")

    def test_full_attribution_keeps_its_words(self) -> None:
        p = _plan(_axis(None, rate="0.3"), ALL)
        evaluation = evaluate(p, RECORDS, as_of=YEAR_END)
        assert evaluation.attribution == "full"
        assert provenance(with_evaluation(p, evaluation).axes[0].objective, PARIS, "EUR", "en") == (
            "+30% of €110,000 (the scope's 2026 revenue) = €33,000")

    def test_a_fixed_baseline_is_not_divided_and_keeps_its_words(self) -> None:
        assert provenance(self._objective(baseline="20000"), PARIS, "EUR", "en") == (
            "+30% of €20,000 (the plan's fixed baseline) = €6,000")

    def test_provisional(self) -> None:
        assert provenance(self._objective(as_of=DECEMBER_5), PARIS, "EUR", "en") == (
            "+30% of €47,500 (the axis's share of the scope's 2026 revenue to December 5, deals shared with other "
            "axes divided evenly, provisional: 2026 is not over) = €14,250")

    def test_a_negative_share_says_it_is_the_share(self) -> None:
        """Lyon's 40,000 and its -50,000 credit halved: -5,000."""
        objective = self._objective(deals=(won("b1", "lyon", "40000", date(2026, 2, 10)),
                                           won("c1", "lyon", "-50000", date(2026, 3, 10))))
        assert provenance(objective, PARIS, "EUR", "fr") == (
            f"+30{NBSP}% de −5{NNBSP}000{NBSP}€ ({SHARE_FR}, {SHARED_FR}) = 0{NBSP}€ : la part de l'axe dans le CA "
            "2026 du périmètre est négative (avoirs), un pourcentage n'y fixe aucun objectif (écrivez un montant)")
        assert provenance(objective, PARIS, "EUR", "en") == (
            "+30% of −€5,000 (the axis's share of the scope's 2026 revenue, deals shared with other axes divided "
            "evenly) = €0: the axis's share of the scope's 2026 revenue is negative (credits), so a percentage sets "
            "no objective (write an amount)")
        assert zero_base_warning(objective, PARIS) == (
            "a growth of +30% gives no objective: its share of its scope's 2026 revenue is negative (credits) (write "
            "the additional revenue as an amount, e.g. additional_revenue: 20000)")

    def test_pac_explain_the_workbook_and_the_crm_text(self) -> None:
        p, evaluation = self._split(as_of=DECEMBER_5)
        words = (f"+30{NBSP}% de 47{NNBSP}500{NBSP}€ ({SHARE_FR} au 5 décembre, {SHARED_FR}, provisoire : 2026 "
                 f"n'est pas terminé) = 14{NNBSP}250{NBSP}€")
        assert explain_axis(p, evaluation, "AX-CLIENTS", deals={}, lang="fr").objective == f"Objectif : {words}"
        row = desired_state(p, evaluation)[(Target.AXIS, record_key(p, "AX-CLIENTS"))]
        assert (row["objective"], row["kpis"].splitlines()[-1]) == (14250.0, f"Objectif : {words}")
        _, rows = tables.axes(ReportInputs(plan=p, evaluation=evaluation), Formatter(lang="fr"))
        assert rows[0][-1] == words

    def test_a_snapshot_keeps_the_attribution(self) -> None:
        _, evaluation = self._split()
        assert evaluation.attribution == "split"
        back: Evaluation = evaluation_from_payload(snapshot_payload(evaluation))
        assert back == evaluation and back.attribution == "split"

    def test_a_snapshot_kept_before_it_reads_the_reports_attribution(self) -> None:
        """A payload kept before evaluations carried their attribution decodes (None), and its words follow the
        attribution the report is made with (``ReportInputs.attribution``, the settings'), as its ROI note does."""
        p, evaluation = self._split()
        payload = snapshot_payload(evaluation)
        del payload["attribution"]
        old = evaluation_from_payload(payload)
        assert old.attribution is None and old.axes == evaluation.axes
        for attribution, words in (("split", "(the axis's share of the scope's 2026 revenue, deals shared with other "
                                             "axes divided evenly)"), ("full", "(the scope's 2026 revenue)")):
            _, rows = tables.axes(ReportInputs(plan=p, evaluation=old, attribution=attribution), Formatter(lang="en"))
            assert rows[0][-1] == f"+30% of €55,000 {words} = €16,500"
        # a kept evaluation's own attribution wins over the settings' (the figures are its)
        inputs = ReportInputs(plan=p, evaluation=evaluation, attribution="full")
        assert inputs.attribution == "split"
        assert "axis's share" in tables.axes(inputs, Formatter(lang="en"))[1][0][-1]

    def test_plan_check_under_split(self, tmp_path: Path) -> None:
        """pac plan check reads no store, so it says what the objective is measured on: under the settings'
        ``attribution: split`` (PAC_CONFIG naming the plan), the axis's share."""
        config = write_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}",
                                plan_text=PLAN_FILE_EN.format(value='"30 %"', more=""),
                                extra="engine:\n  attribution: split")
        shown = CliRunner().invoke(main, ["plan", "check", str(tmp_path / "plan.pac.yaml")],
                                   env={"PAC_CONFIG": str(config)})
        assert shown.exit_code == 0, shown.output
        assert ("AX objective: +30% of the axis's share of the scope's 2026 revenue (deals shared with other axes "
                "divided evenly), measured on the CRM's won deals at each evaluation (after a sync, pac explain AX "
                "shows the amount)") in shown.output.splitlines()
        assert provenance(replace(_axis(None, rate="0.3").objective, growth_base_split=True), PARIS, "EUR", "fr") == (
            f"+30{NBSP}% de la {SHARE_FR} ({SHARED_FR}), mesurée sur les affaires gagnées du CRM à chaque évaluation")


class TestSurfaces:
    """The surfaces a manager reads, each from the plan file and an evaluation of it."""

    def _inputs(self, axis: Axis) -> ReportInputs:
        p = _plan(axis)
        return ReportInputs(plan=p, evaluation=evaluate(p, RECORDS, as_of=YEAR_END))

    def test_the_workbook_shows_the_amount_and_where_it_comes_from(self) -> None:
        """The workbook's Axes sheet: the objective column holds 33,000, a last column says how."""
        cols, rows = tables.axes(self._inputs(_axis(None, rate="0.3")), Formatter(lang="en"))
        assert [c[0] for c in cols][7] == "Objective" and cols[-1] == ("Objective: how it is set", "text")
        assert (rows[0][7], rows[0][-1]) == (33000, "+30% of €110,000 (the scope's 2026 revenue) = €33,000")

    def test_a_plan_of_amounts_keeps_its_workbook_columns(self) -> None:
        with_amounts, _ = tables.axes(self._inputs(_axis("33000")), Formatter(lang="en"))
        with_rate, _ = tables.axes(self._inputs(_axis(None, rate="0.3")), Formatter(lang="en"))
        assert with_amounts == with_rate[:-1]

    def test_pac_explain_axis(self) -> None:
        p = _plan(_axis(None, rate="0.3"))
        found = explain_axis(p, evaluate(p, RECORDS, as_of=YEAR_END), "AX-CLIENTS", deals={}, lang="fr")
        assert found.objective == f"Objectif : +30{NBSP}% de 110{NNBSP}000{NBSP}€ (CA 2026 du périmètre) = " \
                                  f"33{NNBSP}000{NBSP}€"
        assert f"objectif 33{NNBSP}000,00{NBSP}€" in found.header

    def test_plan_check_says_what_the_objective_is_measured_on(self, tmp_path: Path) -> None:
        path = tmp_path / "pac.yaml"
        path.write_text(PLAN_FILE_EN.format(value='"30 %"', more=""), encoding="utf-8")
        shown = CliRunner().invoke(main, ["plan", "check", str(path)])
        assert shown.exit_code == 0 and shown.output.splitlines()[1:] == [
            "AX objective: +30% of the scope's 2026 revenue, measured on the CRM's won deals at each evaluation "
            "(after a sync, pac explain AX shows the amount)"]

    def test_plan_check_shows_the_amount_of_a_fixed_baseline(self, tmp_path: Path) -> None:
        path = tmp_path / "pac.yaml"
        path.write_text(PLAN_FILE_EN.format(value='"30 %"', more="\n      baseline: 20000"), encoding="utf-8")
        shown = CliRunner().invoke(main, ["plan", "check", str(path)])
        assert shown.exit_code == 0 and shown.output.splitlines()[1:] == [
            "AX objective: +30% of €20,000 (the plan's fixed baseline) = €6,000",
            # and 6,000 at the 30 % margin cannot pay the plan's 10,000 cost (audit meeting F2)
            "warning: axis AX: reached in full, its objective does not pay its cost: €6,000 x 30% margin = €1,800, "
            "below the cost of €10,000 (ROI −82% at 100 %); raise the objective or lower the cost, or the advisor "
            "will call the axis unprofitable however well it goes"]

    def test_plan_check_warns_of_a_fixed_baseline_of_zero(self, tmp_path: Path) -> None:
        path = tmp_path / "pac.yaml"
        path.write_text(PLAN_FILE_EN.format(value='"30 %"', more="\n      baseline: 0"), encoding="utf-8")
        shown = CliRunner().invoke(main, ["plan", "check", str(path)])
        assert shown.exit_code == 0 and shown.output.splitlines()[1:] == [
            "warning: axis AX: a growth of +30% gives no objective: its fixed baseline is 0 (write the additional "
            "revenue as an amount, e.g. additional_revenue: 20000)"]
        # a French plan reads it in French, as pac sync --lang fr words it (audit clifr: it read the English)
        path.write_text(PLAN_FILE.format(value='"30 %"', more="\n      baseline: 0"), encoding="utf-8")
        shown = CliRunner().invoke(main, ["plan", "check", str(path)])
        assert shown.exit_code == 0 and shown.output.splitlines()[1:] == [
            f"attention : axe AX : une croissance de +30{NBSP}% ne donne aucun objectif : son CA de référence fixé "
            "est 0 (écrivez le CA additionnel en montant, p. ex. additional_revenue: 20000)"]
