"""The whole action statement reaches HubSpot (write-back audit F3): ``pac_name``, the record's title, is cut at 80
characters, as Salesforce's Name; the statement's end (often the "when" of the 5Q) was written nowhere in HubSpot."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pac_config.settings import load_settings
from sandbox_crm.demo_org import build_demo_org
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.server import SandboxServer
from sync_jobs.demo import write_demo_settings
from tests.fakes import sandbox_sync

SHIPPED_PLAN = Path(__file__).resolve().parents[2] / "config" / "plans" / "example.pac.yaml"
A11 = "Présenter l'offre de maintenance à 4 conserveries de l'Hérault et du Gard au troisième trimestre"


@pytest.fixture(params=["enterprise", "starter"])
def synced(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, HubSpotApi]]:
    """The example plan synced to a HubSpot portal of the demo org alone: with custom objects, or without."""
    api = HubSpotApi(build_demo_org(), tier=request.param, ten_second_limit=1_000_000)
    server = SandboxServer([api]).start()
    try:
        plan = tmp_path / "plan.pac.yaml"
        shutil.copy(SHIPPED_PLAN, plan)
        path = write_demo_settings(f"sqlite:///{tmp_path / 'pac.db'}", tmp_path / "pac.yaml")
        text = path.read_text(encoding="utf-8").replace(str(SHIPPED_PLAN), str(plan))
        text = re.sub(r"connectors: \[[^\]]*\]", "connectors: [hs-west]", text)
        path.write_text("\n".join(line for line in text.splitlines() if "crm: salesforce" not in line) + "\n",
                        encoding="utf-8")
        result = sandbox_sync(load_settings(path, env={}), server)
        assert not result.errors, result.errors
        yield request.param, api
    finally:
        server.stop()


def _records(api: HubSpotApi, table: str) -> dict[str, dict[str, Any]]:
    return {o.props["pac_key"]: o.props for o in api.tables[table].rows.values() if o.props.get("pac_key")}


def test_the_whole_statement_is_written(synced: tuple[str, HubSpotApi]) -> None:
    """A-11 (97 characters): its title keeps 80 (ends with «…»), its statement is whole: ``pac_text`` on the
    pac_action record, the task's body in fallback. Failed before: the statement was written nowhere."""
    tier, api = synced
    assert len(A11) > 80
    key = "pac-2027-durand-process:A-11"
    if tier == "starter":
        task = _records(api, "tasks")[key]
        assert task["hs_task_subject"].endswith("…") and len(task["hs_task_subject"]) <= 80
        assert task["hs_task_body"] == A11
    else:
        table = next(name for name in api.tables if "pac_action" in name)
        record = _records(api, table)[key]
        assert record["pac_name"].endswith("…") and len(record["pac_name"]) <= 80
        assert record["pac_text"] == A11
