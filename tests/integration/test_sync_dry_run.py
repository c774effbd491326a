"""The dry run is exact: in the same situation it returns (and prints) exactly the changes the real run then
writes, including the deletions a full read finds and the manager edits pulled from the CRM."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rich.console import Console

from connectors.base import Target
from pac_config.settings import load_settings
from sync_jobs import pipeline
from sync_jobs.cli_sync import print_changes
from sync_jobs.store import open_store, repo
from tests.fakes import Clock, FakeConnector, account, edit, user, visit, write_settings

W18 = datetime(2027, 5, 4, 8, 0, tzinfo=UTC)


@pytest.fixture
def settings(tmp_path, database_url):
    return load_settings(write_settings(tmp_path, database_url), env={})


def _sync(settings, crm: FakeConnector, clock: Clock, **kw):
    """The pipeline with the real engine (so a manager's edit changes what is written)."""
    return pipeline.run_sync(None, settings, connectors={"fake": crm}, clock=clock, **kw)


def _fields(changes) -> dict[tuple[Target, str], dict]:
    return {(c.target, c.key): dict(c.fields) for c in changes}


def _situation(settings) -> tuple[FakeConnector, Clock, str]:
    """A first real run, then in the CRM: visit v2 deleted and axis AX-1 suspended by the manager."""
    crm, clock = FakeConnector(), Clock()
    crm.put(user("u1", "julie@example.com"), account("a1"), account("a2"),
            visit("v1", "u1", "a1", W18), visit("v2", "u1", "a2", W18.replace(day=5)))
    first = _sync(settings, crm, clock)
    assert crm.pac[("action", f"{first.plan_id}:A-01")]["done"] == 2
    clock.advance(hours=1)
    del crm.records["activities"]["v2"]
    crm.put(edit(f"{first.plan_id}:AX-1", "axis_status", "suspended", clock.now))
    return crm, clock, first.plan_id


class TestDryRunIsExact:
    def test_dry_run_returns_exactly_what_the_real_run_then_writes(self, settings) -> None:
        """Deletion + manager edit: the dry run's changes equal, field for field, the real run's writes."""
        crm, clock, plan_id = _situation(settings)
        dry = _sync(settings, crm, clock, dry_run=True, full=True)
        before = len(crm.writes)
        real = _sync(settings, crm, clock, full=True)
        sent = [c for batch in crm.writes[before:] for c in batch]
        key = f"{plan_id}:A-01"
        assert _fields(dry.changes["fake"])[(Target.ACTION, key)]["done"] == 1
        assert dry.plan.axis("AX-1").status.state.value == "suspended"
        assert _fields(dry.changes["fake"]) == _fields(sent) == _fields(real.changes["fake"])
        assert dry.counts["activities"]["deleted"] == real.counts["activities"]["deleted"] == 1

    def test_dry_run_prints_every_field_the_real_run_writes(self, settings) -> None:
        """The printed table holds one row per field the real run then sends, with its old and new value."""
        crm, clock, _plan_id = _situation(settings)
        dry = _sync(settings, crm, clock, dry_run=True, full=True)
        console = Console(record=True, width=400)
        print_changes(console, dry.changes, dry.previous)
        printed = console.export_text()
        before = len(crm.writes)
        _sync(settings, crm, clock, full=True)
        sent = [c for batch in crm.writes[before:] for c in batch]
        assert sent
        for change in sent:
            for name, value in change.fields.items():
                assert f"{change.target.value} {change.key}" in printed and repr(value) in printed, (name, value)
        assert printed.count("\n") - 4 >= sum(len(c.fields) for c in sent)   # title, rules and header aside

    def test_dry_run_stores_nothing_even_with_deletions_and_edits(self, settings) -> None:
        """The deletion and the edit live in memory only: no override, no deleted mark, no run is stored."""
        crm, clock, plan_id = _situation(settings)
        engine = open_store(settings.database())
        try:
            runs = len(repo.runs(engine, plan_id))
            _sync(settings, crm, clock, dry_run=True, full=True)
            assert repo.overrides(engine, plan_id) == [] and len(repo.runs(engine, plan_id)) == runs
            again = _sync(settings, crm, clock, dry_run=True, full=True)
            assert _fields(again.changes["fake"])[(Target.ACTION, f"{plan_id}:A-01")]["done"] == 1
        finally:
            engine.dispose()
