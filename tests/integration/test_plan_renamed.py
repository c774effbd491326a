"""A plan renamed mid-year with no ``id:`` in its file (audit planlife F4): its id is its name's slug, so the new name
made a new plan of it. The night after wrote a second copy of every axis and action into the CRMs beside the old
ones (which stayed, not marked removed: 16 axes in each CRM for the example's 8), and the kept Q1 snapshot, the
manager's CRM edits and their history stayed under the old id (« aucun instantané conservé du trimestre »), while
`pac plan check` said « plan OK ». Now `pac sync` and `pac snapshot` refuse it before anything is written (exit 2),
naming the id to keep; an ``id:`` written in the file says which plan it is."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from pac_config.planfile import load_plan
from pac_config.settings import Settings, load_settings
from pac_core.errors import InvalidInput
from sync_jobs import app
from sync_jobs.pipeline import run_sync
from sync_jobs.plan_identity import stored_period_warning
from sync_jobs.store import open_store, repo
from tests.fakes import Clock, FakeConnector, account, fake_evaluate, user, visit, write_settings

AS_OF = datetime(2027, 5, 20, 16, 0, tzinfo=UTC)
RENAMED = 'name: "Test plan — Durand"'


@pytest.fixture
def synced(tmp_path: Path, database_url: str) -> Settings:
    settings = load_settings(write_settings(tmp_path, database_url), env={})
    crm = FakeConnector()
    crm.put(user("u1", "julie@example.com"), account("a1"),
            visit("v1", "u1", "a1", datetime(2027, 5, 4, 8, tzinfo=UTC)))
    run_sync(None, settings, connectors={"fake": crm}, clock=Clock(), evaluator=fake_evaluate)
    return settings


def _rename(settings: Settings, header: str) -> Settings:
    plan = Path(settings.plan(None).file)
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace('  name: "Test plan"\n', f"  {header}\n"), encoding="utf-8")
    return load_settings(Path(settings.source), env={})


def _sync(settings: Settings) -> object:
    return run_sync(None, settings, connectors={"fake": FakeConnector()}, clock=Clock(AS_OF), evaluator=fake_evaluate)


def _plan_ids(settings: Settings) -> set[str]:
    engine = open_store(settings.database())
    try:
        return {run.plan_id for run in repo.runs(engine, None, limit=50, include_dry=True)}
    finally:
        engine.dispose()


def test_a_renamed_plan_is_refused_naming_the_id_to_keep(synced: Settings) -> None:
    settings = _rename(synced, RENAMED)
    with pytest.raises(InvalidInput) as refused:
        _sync(settings)
    text = str(refused.value)
    assert "was synced as plan 'test-plan'" in text and "'test-plan-durand'" in text
    assert "id: test-plan" in text and "nothing was written" in text
    assert _plan_ids(settings) == {"test-plan"}                  # no run, no version of a second plan
    with pytest.raises(InvalidInput, match="was synced as plan 'test-plan'"):
        app.take_snapshot(settings, None, period="2027-Q1", now=AS_OF)
    warning = stored_period_warning(load_plan(settings.plan(None).file), Path(settings.plan(None).file), settings)
    assert warning is not None and warning.startswith("pac sync will refuse this plan: ")


def test_the_old_id_written_in_the_file_keeps_the_plan(synced: Settings) -> None:
    settings = _rename(synced, f'{RENAMED}\n  id: test-plan')
    assert _sync(settings).plan_id == "test-plan"


def test_a_new_id_written_in_the_file_is_a_new_plan_on_purpose(synced: Settings) -> None:
    settings = _rename(synced, f'{RENAMED}\n  id: test-plan-durand')
    assert _sync(settings).plan_id == "test-plan-durand"

