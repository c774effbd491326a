"""A missing exchange rate's fix names the settings file the user has (audit leftsmall item 2): the texts said
« add it to engine.fx_rates in pac.yaml » whatever file PAC_CONFIG or --config named. The engine stays pure: the
file's name comes in with its settings (``EngineSettings.settings_file``, filled by ``pac_config.settings``).
Seen failing before the fix: « … in pac.yaml » for a file named prod-settings.yaml."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from pac_config.settings import engine_settings, load_settings
from pac_core.engine import evaluate
from pac_core.explain import detail_words, rate_words
from pac_core.fx import conversion, for_lines
from pac_core.records import DealLine, Records
from pac_core.revenue import line_currency_warnings
from tests.unit.test_engine_revenue import ACCOUNTS, SEG, YEAR_END
from tests.unit.test_engine_support import USERS, action, axis, plan, won


def _settings(tmp_path: Path, name: str) -> Path:
    (tmp_path / "m.yaml").write_text("crm: fake\n", encoding="utf-8")
    (tmp_path / "p.pac.yaml").write_text("plan:\n  name: P\n  year: 2027\n  currency: EUR\n", encoding="utf-8")
    path = tmp_path / name
    path.write_text("connectors:\n  - {name: sf, crm: salesforce, mapping: m.yaml}\nplans:\n"
                    "  - {file: p.pac.yaml, connectors: [sf]}\nengine:\n  fx_rates: {USD: 0.92}\n", encoding="utf-8")
    return path


def test_the_fix_names_the_users_settings_file(tmp_path: Path) -> None:
    settings = load_settings(_settings(tmp_path, "prod-settings.yaml"), env={})
    engine = engine_settings(settings, "EUR")
    p = plan(action(axis_id="AX"), axes=(axis("AX", "SEG"),), segments=(SEG,))
    deals = (won("d1", "big-pharma", "1000", date(2027, 3, 1)),
             won("chf", "big-pharma", "5000", date(2027, 4, 1), currency="CHF"))
    ev = evaluate(p, Records(accounts=ACCOUNTS, deals=deals, users=USERS), as_of=YEAR_END, settings=engine,
                  explain=True)
    [rejected] = ev.rejected
    assert rejected.detail == "no exchange rate for CHF into EUR (add it to engine.fx_rates in prod-settings.yaml)"
    assert detail_words(rejected, "fr") == ("pas de taux de change pour CHF en EUR (ajoutez-le à engine.fx_rates dans "
                                            "prod-settings.yaml)")
    usd = won("usd", "big-pharma", "1000", date(2027, 4, 1), currency="USD")
    assert rate_words(usd, "EUR", engine.fx_rates, None, "en", engine.settings_file) == (
        "engine.fx_rates in prod-settings.yaml: 1 USD = 0.92 EUR")
    assert rate_words(usd, "EUR", engine.fx_rates, None, "fr", engine.settings_file) == (
        "engine.fx_rates de prod-settings.yaml : 1 USD = 0,92 EUR")


def test_without_a_file_the_shipped_name(tmp_path: Path) -> None:
    """The engine alone (tests, tools: no settings file read) keeps the shipped file's name, as before."""
    p = plan(action(axis_id="AX"), axes=(axis("AX", "SEG"),), segments=(SEG,))
    deals = (won("chf", "big-pharma", "5000", date(2027, 4, 1), currency="CHF"),)
    ev = evaluate(p, Records(accounts=ACCOUNTS, deals=deals, users=USERS), as_of=YEAR_END, explain=True)
    assert ev.rejected[0].detail.endswith("(add it to engine.fx_rates in pac.yaml)")


def test_the_line_warning_names_it_in_both_languages() -> None:
    """A product line priced in a currency with no rate: its warning, kept with its values, names the file too."""
    lines = (DealLine("P9", Decimal(1), Decimal(500), name="Maintenance", currency="CHF"),)
    deal = won("d", "a1", "900", date(2027, 5, 10), currency="EUR", lines=lines)
    rate = for_lines(conversion("EUR", None, "EUR", {}), deal.lines, None, "EUR", {})
    assert rate is not None
    [warning] = line_currency_warnings(deal, rate, "EUR", None, "prod-settings.yaml")
    assert warning.detail.endswith("(add it to engine.fx_rates in prod-settings.yaml)")
    assert detail_words(warning, "fr").endswith("(ajoutez-le à engine.fx_rates dans prod-settings.yaml)")
