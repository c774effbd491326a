"""What the connector reads decides what is stored: an edited mapping, or new normalisation rules, apply to the
records already stored (the next run reads that object in full again), not only to those that change next."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pac_core.plan import ActivityType
from pac_core.records import Activity
from sandbox_crm.server import SandboxServer
from sync_jobs.store import open_store, repo
from sync_jobs.store import records as store_records
from tests.integration.sf_runs import DEMO, SfRuns, demo_org_server


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    yield from demo_org_server()


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
    runs = SfRuns(tmp_path, database_url, server, mapping)
    sync = runs.sync

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
    assert all(m.reading for (_, obj), m in marks.items() if not obj.startswith("pac_edits"))
