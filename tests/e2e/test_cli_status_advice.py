"""``pac status`` shows the advice each sync keeps with its run log: it builds no evaluation (it used to evaluate
the plan on the stored records, as long as the nightly evaluation, to list the advice)."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from click.testing import CliRunner, Result

from pac_config.settings import load_settings
from sync_jobs.app import current
from sync_jobs.cli import main
from sync_jobs.cli_status import ADVICE_LATER, read_advice
from sync_jobs.report.i18n import enum_label
from sync_jobs.store import open_store, repo
from sync_jobs.store.db import alembic_config
from tests.e2e.conftest import DemoRun, copy_demo_store


def _status(settings: Path, *args: str) -> Result:
    """``pac status`` in this process, on the store of ``settings`` (no other ``PAC_`` variable)."""
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("PAC_")}
    return CliRunner().invoke(main, ["status", *args], env={**env, "PAC_CONFIG": str(settings), "COLUMNS": "200"})


@pytest.fixture
def no_engine(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The engine's ``evaluate()`` raises, wherever it is called from; the calls are listed."""
    calls: list[Any] = []

    def boom(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        raise AssertionError("pac status evaluated the plan")

    monkeypatch.setattr("pac_core.engine.evaluate", boom)
    monkeypatch.setattr("sync_jobs.evaluation.engine_evaluate", boom)
    return calls


def _advice_block(out: str, head: str = "Advice") -> list[str]:
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(head))
    return lines[start:]


def test_status_lists_the_kept_advice_without_evaluating(demo_run: DemoRun, tmp_path: Path,
                                                        no_engine: list[Any]) -> None:
    """After the demo's syncs, with the engine made to raise, ``pac status`` still prints the advice: one line per
    advised axis, with the rule's sentence the last run kept (the next test checks it is the run's evaluation's)."""
    settings = copy_demo_store(demo_run, tmp_path)
    done = _status(settings)
    assert done.exit_code == 0, done.output
    assert no_engine == []
    engine = open_store(load_settings(settings).database())
    try:
        kept = repo.latest_advice(engine, repo.runs(engine, limit=1)[0].plan_id)
        assert kept is not None and kept.id is not None and kept.advice is not None
        advice = read_advice(kept.id, kept.advice)
    finally:
        engine.dispose()
    block = _advice_block(done.output)
    n = len(advice.recommendations)
    assert block[0] == (f"Advice for {advice.plan_name} ({n} {'axis' if n == 1 else 'axes'}; evidence: pac advice "
                        "AXIS):")
    assert len(block) == 1 + len(advice.recommendations) >= 2
    assert advice.language == "fr"
    # one language (audit newcomer3 L5: the French plan's sentences under English headings): the English sentence
    for line, reco in zip(block[1:], advice.recommendations, strict=True):
        lost = "".join(f" [+{o.rule.value.replace('_', ' ')}]" for o in reco.overruled)
        assert line == f"  {reco.axis_id}: {reco.text('en')}{lost}".replace("\u00a0", " ")
        assert reco.text("en") != reco.summary
    french = _status(settings, "--lang", "fr")
    assert french.exit_code == 0, french.output
    assert "Dernières exécutions" in french.output and "Last runs" not in french.output
    assert "Points de reprise" in french.output and "Watermarks" not in french.output
    block = _advice_block(french.output, "Conseils")
    assert block[0] == f"Conseils pour {advice.plan_name} ({n} axe{'s' if n > 1 else ''} ; justificatifs : pac " \
                       "advice AXE) :"
    for line, reco in zip(block[1:], advice.recommendations, strict=True):   # the plan's sentences, its labels
        lost = "".join(f" [+{enum_label('rule', o.rule.value, advice.language)}]" for o in reco.overruled)
        assert line == f"  {reco.axis_id} : {reco.summary}{lost}".replace("\u00a0", " ")


def test_the_kept_advice_is_what_the_run_evaluated(demo_run: DemoRun, tmp_path: Path) -> None:
    """The advice kept by the demo's last sync equals the advisor's on the stored records as of that run's
    evaluation instant (rules, axes, sentences, evidence)."""
    settings = copy_demo_store(demo_run, tmp_path)
    loaded = load_settings(settings)
    engine = open_store(loaded.database())
    try:
        last = repo.runs(engine, limit=1)[0]
        kept = repo.latest_advice(engine, last.plan_id)
        assert kept is not None and kept.id == last.id and kept.advice is not None
        advice = read_advice(kept.id, kept.advice)
        now = current(loaded, as_of=advice.as_of, engine=engine)
    finally:
        engine.dispose()
    assert advice.recommendations, "the demo's plan has advised axes"
    expected = now.evaluation.recommendations
    assert [(r.rule, r.axis_id, r.summary) for r in advice.recommendations] == [
        (r.rule, r.axis_id, r.summary) for r in expected]
    assert [[o.rule for o in r.overruled] for r in advice.recommendations] == [
        [o.rule for o in r.overruled] for r in expected]
    assert [set(r.evidence) for r in advice.recommendations] == [set(r.evidence) for r in expected]
    assert (advice.plan_name, advice.language) == (now.plan.name, now.plan.language)
    assert isinstance(advice.as_of, datetime)


def test_runs_recorded_before_the_migration_say_the_advice_comes_with_the_next_sync(
        demo_run: DemoRun, tmp_path: Path, no_engine: list[Any]) -> None:
    """A store whose runs were recorded before migration 0006 (downgraded, then upgraded again: every run's
    advice is NULL): status lists the runs and says the advice appears after the next sync."""
    settings = copy_demo_store(demo_run, tmp_path)
    engine = open_store(load_settings(settings).database())
    try:
        command.downgrade(alembic_config(engine), "0005")
    finally:
        engine.dispose()
    done = _status(settings)   # opening the store upgrades it to head again: the column is back, empty
    assert done.exit_code == 0, done.output
    assert "Last runs" in done.output and ADVICE_LATER.split(";")[0] in done.output
    assert "Advice for" not in done.output
    assert no_engine == []


def test_a_run_that_did_not_evaluate_shows_the_advice_of_the_last_that_did(
        demo_run: DemoRun, tmp_path: Path, no_engine: list[Any]) -> None:
    """The last run failed before evaluating (it kept no advice): status shows the previous run's, saying which."""
    settings = copy_demo_store(demo_run, tmp_path)
    engine = open_store(load_settings(settings).database())
    try:
        evaluated = repo.runs(engine, limit=1)[0]
        failed = repo.start_run(engine, evaluated.plan_id, evaluated.started_at)
        repo.finish_run(engine, failed, status="failed", now=evaluated.started_at, counts={}, api={},
                        errors=["CRM unreachable"])
    finally:
        engine.dispose()
    done = _status(settings)
    assert done.exit_code == 0, done.output
    assert _advice_block(done.output)[0].endswith(
        f"(kept by run {evaluated.id}, the last that evaluated the plan):")
    assert no_engine == []
