"""An org whose Task has no ``IsRecurrence`` (recurring tasks never enabled, or the field hidden from the integration
user): the task read is refused INVALID_FIELD if it names it. The tasks are read without it (a series master exists
only where recurring tasks are enabled), with no extra call in an org that has the field (audit sfrates F2)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.base import ObjectKind
from connectors.salesforce.connector import build
from sandbox_crm.run import sandbox_env
from sandbox_crm.server import SandboxServer
from sync_jobs.store import open_store
from sync_jobs.store import records as store_records
from tests.integration.sf_runs import DEMO, NO_WAIT, SfRuns, demo_org_server


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    yield from demo_org_server()


def _without_task_recurrence(server: SandboxServer) -> None:
    sf = server.api("salesforce")
    sf.schema["Task"].fields.pop("IsRecurrence")
    for row in sf.store["Task"].values():
        row.pop("IsRecurrence", None)
    sf.org.accessors.clear()


def test_an_org_without_task_recurrence_reads_its_tasks(tmp_path: Path, database_url: str,
                                                       server: SandboxServer) -> None:
    """Before (seen failing): the run stopped on the Task query (INVALID_FIELD IsRecurrence); now the tasks are
    stored as in an org with the field (none of the demo's is a series master)."""
    runs = SfRuns(tmp_path, database_url, server)
    runs.sync()
    engine = open_store(database_url)
    try:
        tasks = {r.id for r in store_records.iter_records(engine, ["sf-main"], "activities")
                 if r.id in server.api("salesforce").store["Task"]}
    finally:
        engine.dispose()
    _without_task_recurrence(server)
    connector = build("sf-main", DEMO, sandbox_env(server), policy=NO_WAIT)
    try:
        read = {r.id for r in connector.pull(ObjectKind.ACTIVITIES, None, full=True, part="Task")}
        assert read == tasks and tasks
        assert connector.reader.activity_fields("Task").count("IsRecurrence") == 0
    finally:
        connector.close()


def test_an_org_with_the_field_describes_no_task(server: SandboxServer) -> None:
    """A normal org: IsRecurrence is selected and Task is not described (no extra call)."""
    connector = build("sf-main", DEMO, sandbox_env(server), policy=NO_WAIT)
    try:
        list(connector.pull(ObjectKind.ACTIVITIES, None, full=True, part="Task"))
        assert "IsRecurrence" in connector.reader.activity_fields("Task")
        assert "Task" not in connector.schema.describes
    finally:
        connector.close()
