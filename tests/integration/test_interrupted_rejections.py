"""An interrupted sync keeps the rejections it met (audit leftsmall item 5): a run stopped by Ctrl-C once it had read
and evaluated everything kept its API calls and its reads (audits newcomer3, newcomerleft) but no rejection: `pac
status` showed none, and `pac explain` could not name the deals the run set aside. Seen failing before the fix: no
rejection row for the stopped run (`[] == [...]`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pac_config.settings import load_settings
from sync_jobs import app, pipeline
from sync_jobs.cli import main
from sync_jobs.hooks import RunHooks
from sync_jobs.store import open_store, repo
from tests.fakes import Clock, write_settings
from tests.integration.test_sync_rejections import _crm

MET = [("activities", "v-bad"), ("activities", "v9"), ("deals", "d1"), ("deals", "d2")]


class _CtrlCBeforeWrites(RunHooks):
    """Ctrl-C once every object is read and the plan evaluated, before anything is sent."""

    def before_writes(self) -> None:
        raise KeyboardInterrupt


def test_a_run_stopped_by_ctrl_c_keeps_the_rejections_it_met(tmp_path: Path) -> None:
    config = write_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
    settings = load_settings(config, env={})
    with pytest.raises(KeyboardInterrupt):
        pipeline.run_sync(None, settings, connectors={"fake": _crm()}, clock=Clock(), hooks=_CtrlCBeforeWrites())
    engine = open_store(settings.database())
    try:
        [run] = repo.runs(engine)
        kept = sorted((r.object, r.id) for r in repo.rejections(engine, run.id))
        counts = {kind: c.get("rejected") for kind, c in (run.counts or {}).items() if c.get("rejected")}
    finally:
        engine.dispose()
    assert run.status == "failed" and any("interrupted by Ctrl-C" in e for e in run.errors), run.errors
    assert kept == MET
    assert counts == {"activities": 2, "deals": 2}

    shown = CliRunner().invoke(main, ["status"], env={"PAC_CONFIG": str(config), "COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "rejected records (4" in shown.output and "v-bad" in shown.output and "d1" in shown.output

    # what pac explain reads: the records the connectors rejected, the stopped run's included
    listed = app.current(settings, None, explain=["AX-1"], as_of=Clock()())
    assert ("deals", "d1") in {(r.object, r.id) for r in listed.records.rejected}
