"""``engine.fx_rates`` per plan currency (audit multi F1): a rate "into the plan's currency" is a different number
for a EUR plan and a CHF plan, so settings whose plans have several currencies key the rates by the plan's currency;
a flat table keeps its meaning where every plan has one currency, and is refused (naming the file, the key and the
fix) where they have several."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pac_config.settings import engine_settings, load_settings
from pac_core.errors import InvalidInput

PLAN = "plan:\n  name: {name}\n  year: 2027\n  currency: {currency}\n"


def _settings(tmp_path: Path, currencies: dict[str, str], engine: str) -> Path:
    (tmp_path / "m.yaml").write_text("crm: fake\n", encoding="utf-8")
    for name, currency in currencies.items():
        (tmp_path / f"{name}.pac.yaml").write_text(PLAN.format(name=name, currency=currency), encoding="utf-8")
    path = tmp_path / "pac.yaml"
    path.write_text("connectors:\n  - {name: sf, crm: salesforce, mapping: m.yaml}\nplans:\n"
                    + "".join(f"  - {{file: {name}.pac.yaml, connectors: [sf]}}\n" for name in currencies)
                    + engine, encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(InvalidInput) as info:
        load_settings(path, env={})
    return [str(p).removeprefix(f"{path}:") for p in info.value.problems]


def test_rates_keyed_by_plan_currency_give_each_plan_its_own(tmp_path: Path) -> None:
    """A EUR plan and a CHF plan: USD 0.92 into EUR, USD 0.8648 and EUR 0.94 into CHF. Seen failing before the fix:
    a table of tables was refused (fx_rates values must be numbers), and a flat one gave both plans USD 0.92."""
    path = _settings(tmp_path, {"export": "EUR", "suisse": "CHF"},
                     "engine:\n  fx_rates:\n    EUR: {USD: 0.92}\n    CHF: {USD: 0.8648, EUR: 0.94}\n")
    settings = load_settings(path, env={})
    assert dict(engine_settings(settings, "EUR").fx_rates) == {"USD": Decimal("0.92")}
    assert dict(engine_settings(settings, "CHF").fx_rates) == {"USD": Decimal("0.8648"), "EUR": Decimal("0.94")}
    assert dict(engine_settings(settings, "GBP").fx_rates) == {}       # no table for it: every other currency unknown


def test_a_flat_table_keeps_its_meaning_when_the_plans_share_a_currency(tmp_path: Path) -> None:
    path = _settings(tmp_path, {"nord": "EUR", "sud": "EUR"}, "engine:\n  fx_rates: {USD: 0.92, chf: 1.06}\n")
    rates = engine_settings(load_settings(path, env={}), "EUR").fx_rates
    assert dict(rates) == {"USD": Decimal("0.92"), "CHF": Decimal("1.06")}


def test_a_flat_table_for_plans_of_several_currencies_is_refused(tmp_path: Path) -> None:
    """Seen failing before the fix: loaded, and the CHF plan read USD 0.92 (a USD -> EUR rate) as USD -> CHF."""
    path = _settings(tmp_path, {"export": "EUR", "suisse": "CHF"},
                     "engine:\n  fx_rates: {USD: 0.92, CHF: 1.06, EUR: 0.94}\n")
    (line,) = _problems(path)
    assert line.startswith("7 engine.fx_rates: one table of rates for plans in EUR (export) and CHF (suisse)")
    assert "key the rates by the plan's currency" in line and "CHF: {EUR: …, USD: …}" in line


def test_a_table_mixing_rates_and_tables_is_refused(tmp_path: Path) -> None:
    path = _settings(tmp_path, {"export": "EUR"}, "engine:\n  fx_rates:\n    USD: 0.92\n    CHF: {EUR: 0.94}\n")
    problems = _problems(path)
    assert problems and any("engine.fx_rates" in p and "both" in p for p in problems)


def test_a_rate_written_with_a_comma_is_one_problem_naming_the_currency(tmp_path: Path) -> None:
    """`USD: "0,92"` (a French decimal comma, quoted) is one problem at its line, naming the currency and the fix.
    Seen failing before the fix: two problems naming pydantic's union members, 'engine.fx_rates.USD.decimal: must be
    a number' and 'engine.fx_rates.USD.dict[str,decimal]: must be a mapping of keys to values'."""
    path = _settings(tmp_path, {"nord": "EUR"}, 'engine:\n  fx_rates:\n    USD: "0,92"\n')
    assert _problems(path) == [
        "7 engine.fx_rates.USD: must be a number (1 unit of that currency in the plan's currency) or a table of rates "
        "by plan currency, not '0,92' (write it with a dot for decimals: 0.92)"]
    tables = _settings(tmp_path, {"nord": "EUR", "sud": "CHF"}, "engine:\n  fx_rates:\n    CHF: {USD: 0.86, EUR: x}\n"
                       "    EUR: {USD: 0.92}\n")
    assert _problems(tables) == [
        "8 engine.fx_rates.CHF: EUR must be a number (1 EUR in this plan currency), not 'x' (write a number with a dot "
        "for decimals, e.g. 0.92)"]
