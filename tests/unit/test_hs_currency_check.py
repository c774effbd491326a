"""``pac config check`` warns of a HubSpot mapping whose ``deals.default_currency`` is not the portal's company
currency (``deals.home_currency``): HubSpot keeps a deal with no currency of its own in the company currency, so
such a mapping reads those deals in a currency they are not in (audit hsdoc F1). A warning, never a failure."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from sync_jobs.cli import main

SHIPPED = Path(__file__).resolve().parents[2] / "config" / "mappings" / "hubspot.default.yaml"


def _mapping(tmp_path: Path, home: str, default: str) -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    text, n = re.subn(r"(?m)^  home_currency: null", f"  home_currency: {home}", text)
    text, m = re.subn(r"(?m)^  default_currency: null", f"  default_currency: {default}", text)
    assert (n, m) == (1, 1)
    path = tmp_path / "hubspot.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _line(path: Path, key: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if line.startswith(f"  {key}:"))


def test_default_currency_other_than_the_company_currency_is_warned_of(tmp_path: Path) -> None:
    path = _mapping(tmp_path, "USD", "eur")
    result = CliRunner().invoke(main, ["config", "check", str(path)], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    warned = [line.removeprefix("warning: ") for line in result.output.splitlines() if line.startswith("warning: ")]
    assert warned == [
        f"{path}:{_line(path, 'default_currency')} deals.default_currency: EUR differs from deals.home_currency USD, "
        "the portal's company currency: deals with no currency code are read in EUR, though HubSpot keeps a deal "
        "without a currency of its own in the company currency (set default_currency: null, or USD, unless those "
        "deals really are in EUR)"], result.output
    assert result.output.rstrip().endswith("mapping OK (hubspot)")


@pytest.mark.parametrize(("home", "default"), [("USD", "null"), ("USD", "usd"), ("null", "EUR")])
def test_agreeing_or_single_currency_settings_say_nothing(tmp_path: Path, home: str, default: str) -> None:
    path = _mapping(tmp_path, home, default)
    result = CliRunner().invoke(main, ["config", "check", str(path)], env={"COLUMNS": "400"})
    assert result.exit_code == 0 and "warning" not in result.output, result.output


def test_the_settings_check_warns_too(tmp_path: Path) -> None:
    """``pac config check pac.yaml`` checks every mapping it names: the same warning, the settings still OK."""
    mapping = _mapping(tmp_path, "USD", "EUR")
    plan = Path(__file__).resolve().parents[2] / "config" / "plans" / "example.pac.yaml"
    settings = tmp_path / "pac.yaml"
    settings.write_text(f"connectors:\n  - {{name: hs, crm: hubspot, mapping: {mapping}}}\n"
                        f"plans:\n  - {{file: {plan}, connectors: [hs]}}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["config", "check", str(settings)], env={"COLUMNS": "400"})
    flat = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert "deals.default_currency: EUR differs from deals.home_currency USD" in flat, result.output
    assert "settings OK" in flat, result.output
