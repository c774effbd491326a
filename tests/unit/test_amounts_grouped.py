"""Amounts in a plan file grouped the European and the Swiss way, and amounts finer than the currency's smallest
unit (audit amounts2). Oracle: /tmp/audits/amounts2/oracle.md, written before the code was read."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pac_config.planfile import load_plan_text
from pac_core.errors import InvalidInput
from pac_core.plan import Objective

MINIMAL = (Path(__file__).parent.parent / "data" / "plans" / "minimal.pac.yaml").read_text(encoding="utf-8")


def plan(currency: str, language: str, objective: str = "", scope: str = "") -> str:
    text = MINIMAL.replace("timezone: Europe/Paris}",
                           f"timezone: Europe/Paris, currency: {currency}, language: {language}}}")
    if objective:
        text = text.replace("    segment: S-RA\n", f"    segment: S-RA\n    objective: {objective}\n", 1)
    if scope:
        text = text.replace("scope: {region: Auvergne-Rhône-Alpes}", f"scope: {scope}")
    return text


def objective(text: str) -> Objective:
    found = load_plan_text(text).axes[0].objective
    assert found is not None
    return found


def refusal(text: str) -> str:
    with pytest.raises(InvalidInput) as info:
        load_plan_text(text, "pac.yaml")
    said = [str(p) for p in info.value.problems]
    assert len(said) == 1, said
    return said[0]


@pytest.mark.parametrize(("currency", "written", "amount"), [
    ("EUR", "1.500,00 €", 1500), ("EUR", "1.500.000 €", 1_500_000), ("EUR", "1.234.567,89 €", Decimal("1234567.89")),
    ("CHF", "CHF 1'500.00", 1500), ("CHF", "CHF 1'500'000", 1_500_000),
])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_budget_grouped_the_european_or_swiss_way(currency: str, written: str, amount: object,
                                                   language: str) -> None:
    """« 1.500,00 € », « CHF 1'500.00 » were « not an amount » (audit amounts2 F3, seen failing before the fix)."""
    written_objective = f'{{additional_revenue: 10000000, budget: "{written}"}}'
    assert objective(plan(currency, language, written_objective)).cost == Decimal(str(amount))


def test_a_scope_bound_grouped_with_points() -> None:
    loaded = load_plan_text(plan("EUR", "fr", scope='{annual_revenue: {gte: "1.500.000 €"}}'))
    assert loaded.segments[0].scope.conditions[0].values == (Decimal(1_500_000),)


@pytest.mark.parametrize(("currency", "language", "written", "said"), [
    ("EUR", "fr", "0,125", "'0,125' is 0.125, finer than the smallest EUR amount (0.01: EUR amounts have 2 decimals) "
                           "(write 0,12 or 0,13)"),
    ("JPY", "en", "1.5", "'1.5' is 1.5, and JPY amounts have no decimals (write 1 or 2)"),
])
def test_a_budget_finer_than_the_currency_unit_is_refused(currency: str, language: str, written: str,
                                                          said: str) -> None:
    """« 0,125 » € and « 1.5 » ¥ were budgets of 0.125 € and 1.5 ¥, read as written (audit amounts2 F4)."""
    written_objective = f'{{additional_revenue: 10000000, budget: "{written}"}}'
    assert refusal(plan(currency, language, written_objective)).endswith("axes[0].objective.budget: " + said)


def test_a_scope_bound_finer_than_the_cent_names_its_key() -> None:
    said = refusal(plan("EUR", "fr", scope='{annual_revenue: {gte: "0,125"}}'))
    assert "segments[0].scope.annual_revenue.gte" in said and "(write 0,12 or 0,13)" in said, said


def test_days_and_rates_are_no_money() -> None:
    """effort_days, a capacity and a margin rate take three decimals: the smallest unit is the currency's only."""
    written = '{additional_revenue: 10000000, effort_days: "12.125", day_cost: 800, margin_rate: 0.125}'
    found = objective(plan("EUR", "fr", written))
    assert (found.cost, found.margin_rate) == (Decimal(9700), Decimal("0.125"))


def test_days_with_one_group_of_three_decimals_are_ambiguous_in_french() -> None:
    """« effort_days: '2,125' » was 2 125 days in a French plan, by the money rule « three decimals are no money »:
    days may have three decimals (audit amounts2 F6, seen failing before the fix). English: the comma groups."""
    written = '{additional_revenue: 10000000, effort_days: "2,125", day_cost: 800}'
    with pytest.raises(InvalidInput) as info:
        load_plan_text(plan("EUR", "fr", written), "pac.yaml")
    assert any(str(p).endswith(
        "axes[0].objective.effort_days: '2,125' is ambiguous: 2125 with a comma grouping thousands, or 2.125 with a "
        "decimal comma (write 2125 for thousands, or 2.125 for decimals)") for p in info.value.problems)
    assert objective(plan("EUR", "en", written)).cost == 2125 * 800
