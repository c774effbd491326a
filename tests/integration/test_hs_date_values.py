"""The PAC records' date properties read back in each form HubSpot documents for a ``date`` property (audit hslimits
F1). HubSpot: "Date properties will only store the date, and must be set to midnight UTC for the date you want. For
example, May 1 2015 would be 1430438400000" (FAQ, "How should timestamps be formatted for HubSpot's APIs?"); "Time
values are represented in ISO 8601 format in responses". pac writes ``pac_window_start``, ``pac_window_end`` and
``pac_plan_end`` as ``YYYY-MM-DD``; a portal that answers the same day as its midnight-UTC epoch milliseconds or as
an ISO midnight-UTC instant holds pac's value, no drift: before, each was "restored" every full read, then reported
as an automation rewriting it (the run partial). The sandbox portal and hubspot-api-client, over real HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest

from sandbox_crm.server import SandboxServer
from sync_jobs.pipeline import RunResult
from sync_jobs.run_status import RunStatus
from tests.integration.test_hs_fallback_sync import Starter
from tests.integration.test_plan_state import Org

DATES = ("pac_window_start", "pac_window_end", "pac_plan_end")


@pytest.fixture
def org(tmp_path: Path, server: SandboxServer) -> Org:
    return Org(tmp_path, server, ("hs-west",))


def _epoch_ms(day: str) -> str:
    """The day as HubSpot's FAQ writes a date property: midnight UTC in epoch milliseconds."""
    return str(int(datetime.combine(date.fromisoformat(day), time(), UTC).timestamp() * 1000))


def _iso_midnight(day: str) -> str:
    """The day as an ISO 8601 midnight-UTC instant."""
    return f"{day}T00:00:00.000Z"


def _dated(org: Org) -> list[Any]:
    """Every PAC record of the portal (axes and actions) carrying a date pac wrote."""
    api = org.server.api("hubspot")
    return [o for name in ("pac_axis", "pac_action") for o in api.table(name).rows.values()
            if any(o.props.get(p) for p in DATES)]


def _dates_sent(result: RunResult) -> list[tuple[str, str]]:
    return [(c.key, f) for c in result.changes.get("hs-west", []) for f in c.fields
            if f in ("window_start", "window_end", "plan_end")]


@pytest.mark.parametrize("form", [_epoch_ms, _iso_midnight], ids=["epoch_ms", "iso_midnight"])
def test_a_date_read_back_as_midnight_utc_is_the_day_pac_wrote(org: Org, form: Any) -> None:
    first = org.sync()
    records = _dated(org)
    assert {o.props["pac_key"] for o in records} >= {org.hs_axis(first.plan_id).props["pac_key"]}
    assert any(o.props.get("pac_key", "").split(":")[-1].startswith("A-") for o in records)     # actions too
    for obj in records:                     # the portal hands the same days back in another documented form
        for prop in DATES:
            day = obj.props.get(prop)
            if day:
                assert len(day) == 10, (prop, day)          # pac wrote days, YYYY-MM-DD
                obj.props[prop] = form(day)
    api = org.server.api("hubspot")
    api.requests.clear()
    full = org.sync(full=True)              # a full read lists every PAC record with its values
    assert full.drift == []
    assert _dates_sent(full) == []
    assert full.errors == [] and full.status is RunStatus.OK
    # no record's due date differs from what pac wrote: no property history read to find who changed it (the
    # companies' own history, their owner and type before pac's first night, is read by every full read: hshistory)
    assert [b for _, path, b in api.requests if isinstance(b, dict) and b.get("propertiesWithHistory")
            and "/companies/" not in path] == []
    again = org.sync()
    assert again.drift == [] and again.errors == [] and again.status is RunStatus.OK


@pytest.mark.parametrize("form", [_epoch_ms, _iso_midnight], ids=["epoch_ms", "iso_midnight"])
def test_a_fallback_task_date_read_back_as_midnight_utc_is_the_day_pac_wrote(tmp_path: Path, form: Any) -> None:
    """The same on a Starter portal, where each action is a task carrying ``pac_window_start`` / ``pac_window_end``."""
    portal = Starter(tmp_path)
    try:
        portal.sync()
        tasks = [t for t in portal.tasks().values() if any(t.props.get(p) for p in DATES)]
        assert tasks
        for task in tasks:
            for prop in DATES:
                day = task.props.get(prop)
                if day:
                    assert len(day) == 10, (prop, day)
                    task.props[prop] = form(day)
        full = portal.sync(full=True)
        assert full.drift == []
        assert _dates_sent(full) == []
        assert full.status is RunStatus.OK
    finally:
        portal.server.stop()
