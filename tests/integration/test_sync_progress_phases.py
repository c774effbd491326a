"""The progress callback of a sync names every long phase (audit bigplan): on a plan of 1,200 actions the run read
for 55 s with bars, then loaded the store and evaluated for 17 s (60 s of a no-change night) with nothing on the
terminal, as if it hung. The load and the evaluation now report to the callback too: started, then finished."""

from __future__ import annotations

from typing import Any

import pytest

from pac_config.settings import load_settings
from sync_jobs import pipeline
from sync_jobs.run_views import ProgressView
from tests.fakes import Clock, FakeConnector, account, fake_evaluate, user, write_settings


@pytest.fixture
def settings(tmp_path, database_url):
    return load_settings(write_settings(tmp_path, database_url), env={})


def test_the_load_and_the_evaluation_report_their_start_and_end(settings) -> None:
    crm = FakeConnector()
    crm.put(user("u1", "julie@example.com"), account("a1"))
    seen: list[tuple[str, dict[str, Any]]] = []
    result = pipeline.run_sync(None, settings, connectors={"fake": crm}, clock=Clock(), evaluator=fake_evaluate,
                               progress=lambda phase, **kw: seen.append((phase, kw)))
    assert result.status == "ok"
    phases = [phase for phase, _ in seen]
    assert phases.index("pull") < phases.index("load") < phases.index("evaluate") < phases.index("write")
    for phase in ("load", "evaluate"):
        reported = [kw for p, kw in seen if p == phase]
        assert reported[0] == {"connector": "", "done": 0}
        assert reported[-1] == {"connector": "", "done": 1, "finished": True}


def test_the_bars_name_the_phases() -> None:
    view = ProgressView(console=None, enabled=True)  # type: ignore[arg-type]
    labels: list[str] = []
    view.show = lambda key, label, done, total: labels.append(label)  # type: ignore[method-assign]
    view("load", connector="", done=0)
    view("evaluate", connector="", done=0)
    view("pull", connector="sf-main", object="accounts", done=10)
    view("write", connector="sf-main", done=10, total=20)
    assert labels == ["loading the records", "evaluating the plan", "reading sf-main accounts", "writing sf-main"]
