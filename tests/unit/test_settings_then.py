"""The engine settings a late snapshot is evaluated with (audit snapsettings): what the store keeps of pac.yaml (its
``engine`` section alone, never a connector's or the database's), how it reads back, and which one is in force at a
period's cutoff (``app.settings_then_info``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from pac_config.settings import (
    EngineSection,
    Settings,
    engine_settings,
    kept_engine_section,
    load_settings,
    with_engine_section,
)
from sync_jobs.app import settings_then_info

CUTOFF = datetime(2027, 4, 1, 22, 0, tzinfo=UTC)     # 2 April 00:00 Paris: March's cutoff
TODAY = {"taken_on": "2027-04-15T03:45:00+00:00", "plan_version": 2, "edits": [], "settings_version": 3}
PAC_YAML = """\
database_url: postgresql+psycopg://pac_reader@db.internal.example/pac_prod
connectors:
  - {name: sf-main, crm: salesforce, mapping: mapping.yaml, env_prefix: PAC_SFMAIN_}
plans:
  - {name: test, file: plan.pac.yaml, connectors: [sf-main]}
engine:
  fx_rates: {USD: 0.92}
  attribution: split
  advisor: {attribution_days: 60, near_miss_limit: 10}
  capacity: {PUMP-X: 12}
"""


def _settings(tmp_path: Path, text: str = PAC_YAML) -> Settings:
    (tmp_path / "plan.pac.yaml").write_text("plan: {}\n", encoding="utf-8")
    (tmp_path / "mapping.yaml").write_text("crm: salesforce\n", encoding="utf-8")
    (tmp_path / "pac.yaml").write_text(text, encoding="utf-8")
    return load_settings(tmp_path / "pac.yaml", env={})


def _section(version: int, at: datetime, rate: str) -> SimpleNamespace:
    return SimpleNamespace(version=version, recorded_at=at,
                           content=EngineSection.model_validate({"fx_rates": {"USD": rate}}).model_dump(mode="json"))


class TestWhatTheStoreKeeps:
    def test_the_engine_section_only(self, tmp_path: Path) -> None:
        """Nothing of the connectors (their secrets' prefix), the database URL or the plans is kept."""
        kept = kept_engine_section(_settings(tmp_path))
        assert set(kept) == set(EngineSection.model_fields)
        text = json.dumps(kept)
        for other in ("PAC_SFMAIN_", "sf-main", "pac_reader", "db.internal.example", "plan.pac.yaml"):
            assert other not in text
        assert kept["fx_rates"] == {"USD": "0.92"}      # exact, as text

    def test_it_reads_back_as_the_same_engine_settings(self, tmp_path: Path) -> None:
        then = _settings(tmp_path)
        today = _settings(tmp_path, PAC_YAML.replace("0.92", "0.85").replace("split", "full")
                          .replace("attribution_days: 60", "attribution_days: 90"))
        read = with_engine_section(today, json.loads(json.dumps(kept_engine_section(then))))
        assert read is not None
        assert engine_settings(read, "EUR") == engine_settings(then, "EUR") != engine_settings(today, "EUR")
        assert engine_settings(read, "EUR").fx_rates == {"USD": Decimal("0.92")}
        assert read.connectors == today.connectors and read.database_url == today.database_url

    def test_a_section_a_newer_pac_no_longer_reads_is_none(self, tmp_path: Path) -> None:
        assert with_engine_section(_settings(tmp_path), {"attribution": "by_weight"}) is None


class TestTheSettingsInForceAtTheCutoff:
    def test_the_latest_recorded_by_the_cutoff(self, tmp_path: Path) -> None:
        """0.90 on 1 March, 0.92 on 1 April 02:00 Paris (the night after the close), 0.85 on 10 April: March reads
        0.92, version 2."""
        today = _settings(tmp_path, PAC_YAML.replace("0.92", "0.85"))
        sections = [_section(1, datetime(2027, 3, 1, tzinfo=UTC), "0.90"),
                    _section(2, datetime(2027, 4, 1, 0, 0, tzinfo=UTC), "0.92"),
                    _section(3, datetime(2027, 4, 10, tzinfo=UTC), "0.85")]
        info, then = settings_then_info(sections, CUTOFF, TODAY, today)
        assert engine_settings(then, "EUR").fx_rates == {"USD": Decimal("0.92")}
        assert info == {**TODAY, "settings_version": 2}

    def test_one_recorded_at_the_cutoff_itself_is_in_force(self, tmp_path: Path) -> None:
        sections = [_section(1, datetime(2027, 3, 1, tzinfo=UTC), "0.90"), _section(2, CUTOFF, "0.92")]
        _info, then = settings_then_info(sections, CUTOFF, TODAY, _settings(tmp_path))
        assert engine_settings(then, "EUR").fx_rates == {"USD": Decimal("0.92")}

    def test_none_by_then_today_s_and_said(self, tmp_path: Path) -> None:
        today = _settings(tmp_path, PAC_YAML.replace("0.92", "0.85"))
        info, then = settings_then_info([_section(1, datetime(2027, 4, 10, tzinfo=UTC), "0.85")], CUTOFF, TODAY,
                                        today)
        assert then is today
        assert info == {**TODAY, "settings_of": TODAY["taken_on"]}

    def test_one_that_no_longer_loads_today_s_and_said(self, tmp_path: Path) -> None:
        today = _settings(tmp_path)
        broken = SimpleNamespace(version=1, recorded_at=datetime(2027, 3, 1, tzinfo=UTC),
                                 content={"attribution": "by_weight"})
        info, then = settings_then_info([broken], CUTOFF, TODAY, today)
        assert then is today and info["settings_of"] == TODAY["taken_on"]
