"""How often a Salesforce org is read in full (sflife audit F5): never later than the Recycle Bin keeps deletions
for an incremental ``queryAll`` to see, whatever ``reconciliation_days`` says; and the mapping's own
``reconciliation_days`` applies when pac.yaml gives none for the connector."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from pac_config.settings import load_settings
from sandbox_crm.server import SandboxServer
from sync_jobs.store import open_store, repo
from sync_jobs.store import records as store_records
from tests.integration.sf_runs import DEMO, SfRuns, demo_org_server


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    yield from demo_org_server()


def _mapping(tmp_path: Path, days: int) -> Path:
    """The demo mapping with ``reconciliation_days: days``."""
    text = DEMO.read_text(encoding="utf-8")
    assert "reconciliation_days: 7 " in text
    path = tmp_path / "salesforce.mapping.yaml"
    path.write_text(text.replace("reconciliation_days: 7 ", f"reconciliation_days: {days} "), encoding="utf-8")
    return path


def _settings_days(runs: SfRuns, tmp_path: Path, days: int | None) -> None:
    """pac.yaml's ``reconciliation_days`` for the connector: ``days``, or left out when None."""
    cfg = tmp_path / "pac.yaml"
    text = cfg.read_text(encoding="utf-8")
    assert ", reconciliation_days: 7}" in text
    cfg.write_text(text.replace(", reconciliation_days: 7}", "}" if days is None else
                                f", reconciliation_days: {days}}}"), encoding="utf-8")
    runs.settings = load_settings(cfg, env={})


def _days_later(runs: SfRuns, engine: Engine, days: int) -> dict:  # type: ignore[type-arg]
    """Both clocks ``days`` later, one more sync: the watermarks after it."""
    runs.clock.advance(hours=days * 24)
    runs.crm_now[0] += timedelta(days=days)
    runs.sync()
    return repo.watermarks(engine, "sf-main")


def _done_visit(api) -> str:   # type: ignore[no-untyped-def]
    return next(r["Id"] for r in api.rows("Event") if r.get("Type") == "Visite client"
                and r.get("Statut__c") == "Réalisée" and not r["IsDeleted"] and not r["IsChild"] and r.get("AccountId"))


def test_after_an_outage_longer_than_the_recycle_bin_keeps_deletions_every_object_is_read_in_full(
        tmp_path, database_url, server) -> None:
    """Full reads every 30 days (pac.yaml), the server down 20 days, a visit deleted and purged meanwhile (the
    Recycle Bin keeps deleted rows 15 days): ``queryAll`` cannot show the deletion any more, so the first run back
    reads every object in full and retires the visit. Seen failing before the fix: the run was incremental (20 < 30
    days) and the purged visit kept counting until day 30."""
    runs = SfRuns(tmp_path, database_url, server)
    _settings_days(runs, tmp_path, 30)
    api, crm_now = runs.api, runs.crm_now
    runs.sync()
    engine = open_store(database_url)
    before = repo.watermarks(engine, "sf-main")
    visit = _done_visit(api)
    api.org.store["Event"].pop(visit)            # deleted, then purged from the Recycle Bin: gone from queryAll too
    runs.clock.advance(hours=20 * 24)
    crm_now[0] += timedelta(days=20)
    runs.sync()
    after = repo.watermarks(engine, "sf-main")
    assert all(after[k].last_full_at != before[k].last_full_at for k in before if not k[1].startswith("pac_edits"))
    stored = {r.id: r for r in store_records.iter_records(engine, ["sf-main"], "activities")}
    assert stored[visit].deleted


def test_a_gap_shorter_than_the_recycle_bin_keeps_the_incremental_read(tmp_path, database_url, server) -> None:
    """Full reads every 30 days, 10 days without a run: deletions of those days are still in the Recycle Bin, so
    the run stays incremental (no full read is forced by a gap queryAll still covers)."""
    runs = SfRuns(tmp_path, database_url, server)
    _settings_days(runs, tmp_path, 30)
    runs.sync()
    engine = open_store(database_url)
    before = repo.watermarks(engine, "sf-main")
    after = _days_later(runs, engine, 10)
    assert not any(after[k].last_full_at != before[k].last_full_at for k in before)


def test_the_mappings_reconciliation_days_applies_when_pac_yaml_gives_none(tmp_path, database_url, server) -> None:
    """The mapping's ``reconciliation_days: 10`` with none in pac.yaml: 8 days after the first sync the run is
    incremental, 11 days after it is full. Seen failing before the fix: read in full on day 8 (pac.yaml's default 7
    always applied, the mapping's key had no effect)."""
    runs = SfRuns(tmp_path, database_url, server, mapping=_mapping(tmp_path, 10))
    _settings_days(runs, tmp_path, None)
    runs.sync()
    engine = open_store(database_url)
    first = repo.watermarks(engine, "sf-main")
    second = _days_later(runs, engine, 8)
    assert not any(second[k].last_full_at != first[k].last_full_at for k in first)
    third = _days_later(runs, engine, 3)
    assert all(third[k].last_full_at != first[k].last_full_at for k in first if not k[1].startswith("pac_edits"))


def test_pac_yaml_wins_over_the_mapping(tmp_path, database_url, server) -> None:
    """Both give a value: pac.yaml's (7) applies, the mapping's (10) not."""
    runs = SfRuns(tmp_path, database_url, server, mapping=_mapping(tmp_path, 10))
    runs.sync()
    engine = open_store(database_url)
    first = repo.watermarks(engine, "sf-main")
    second = _days_later(runs, engine, 8)
    assert all(second[k].last_full_at != first[k].last_full_at for k in first if not k[1].startswith("pac_edits"))
