"""What the connector reads decides what is stored: an edited mapping, or new normalisation rules, apply to the
records already stored (the next run reads that object in full again), not only to those that change next."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.retry import RetryPolicy
from connectors.salesforce.connector import SalesforceConnector, build
from pac_config.loader import config_dir
from pac_config.settings import load_settings
from pac_core.plan import ActivityType
from pac_core.records import Activity
from sandbox_crm.demo_org import build_demo_org
from sandbox_crm.run import sandbox_env
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import SandboxServer
from sync_jobs import pipeline
from sync_jobs.store import open_store, repo
from sync_jobs.store import records as store_records
from tests.fakes import Clock, fake_evaluate, write_settings

DEMO = config_dir() / "mappings" / "salesforce.demo.yaml"
NO_WAIT = RetryPolicy(max_attempts=4, sleep=lambda _s: None, jitter=lambda: 0.0)


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer([SalesforceApi(build_demo_org(scale=0.1))]) as srv:  # type: ignore[arg-type]
        yield srv


def _connector(server: SandboxServer, mapping: Path) -> SalesforceConnector:
    connector = build("sf-main", mapping, sandbox_env(server), policy=NO_WAIT)
    connector.provision_schema()
    return connector


def _stored_types(database_url: str) -> dict[str, ActivityType | None]:
    engine = open_store(database_url)
    return {a.id: a.type for a in store_records.iter_records(engine, ["sf-main"], "activities")
            if isinstance(a, Activity)}


def test_an_edited_visit_rule_applies_to_the_events_already_stored(tmp_path, database_url, server) -> None:
    """Ops staff drop 'Customer visit' from the visit rule: the next run stores those events (unchanged in the CRM)
    with no visit type, and reads every other object as an ordinary incremental run does. (On the old code the
    run was incremental: the stored events kept the type of the old mapping until the weekly reconciliation.)"""
    mapping = tmp_path / "salesforce.yaml"
    mapping.write_text(DEMO.read_text(encoding="utf-8"), encoding="utf-8")
    settings = load_settings(write_settings(tmp_path, database_url, connectors=(("sf-main", "salesforce"),)), env={})
    clock = Clock()

    def sync() -> None:
        connector = _connector(server, mapping)
        try:
            result = pipeline.run_sync(None, settings, connectors={"sf-main": connector}, clock=clock,
                                       evaluator=fake_evaluate)
        finally:
            connector.close()
        assert result.run_id is not None
        clock.advance(days=1)

    sync()
    org = server.api("salesforce")
    customer = {r["Id"] for r in org.rows("Event") if r.get("Type") == "Customer visit"}
    before = _stored_types(database_url)
    assert customer and {before[i] for i in customer} == {ActivityType.VISIT}

    sync()                               # nothing changed: an incremental run, the stored types as they were
    marks = repo.watermarks(open_store(database_url), "sf-main")
    full_at = {obj: m.last_full_at for (_, obj), m in marks.items()}

    text = mapping.read_text(encoding="utf-8").replace("['Visite client', 'Customer visit']", "['Visite client']")
    assert text != mapping.read_text(encoding="utf-8")
    mapping.write_text(text, encoding="utf-8")
    sync()
    after = _stored_types(database_url)
    assert {after[i] for i in customer} == {None}
    assert all(after[i] == t for i, t in before.items() if i not in customer)
    marks = repo.watermarks(open_store(database_url), "sf-main")
    reread = {obj for (_, obj), m in marks.items() if m.last_full_at != full_at[obj]}
    assert reread == {"activities:Event", "activities:Task"}   # accounts, deals, users: incremental as before
    assert all(m.reading for (_, obj), m in marks.items() if obj != "pac_edits")
