"""An interrupted `pac sync` keeps the API calls it spent: they count on the CRM's daily allocation whether the run
finished or not (Salesforce: "API requests ... count against the org's 24-hour allocation" as they are received;
HubSpot: every request counts against the daily limit), and an ops admin watching the quota in `pac status` must
see them (audit newcomer3 L1: the run showed "API calls" blank and "quota left" ``-``). Ctrl-C is raised in the
real pipeline on the sandbox CRM at a named point of the run (``RunHooks.before_writes``: after every read), so
the stop is deterministic, with no sleep."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sandbox_crm.run import start_sandbox
from sync_jobs.cli import main
from sync_jobs.hooks import RunHooks
from sync_jobs.pipeline import run_sync
from sync_jobs.store import open_store, repo
from tests.fakes import fake_evaluate, sandbox_connectors, sandbox_settings


@pytest.fixture
def crm() -> Iterator[Any]:
    with start_sandbox() as server:
        yield server


class _CtrlCBeforeWrites(RunHooks):
    """Ctrl-C once every object is read, before anything is sent: the run spent its reads' calls."""

    def before_writes(self) -> None:
        raise KeyboardInterrupt


def test_a_run_stopped_by_ctrl_c_keeps_the_calls_it_spent_and_status_shows_them(crm: Any, tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'pac.db'}"
    settings = sandbox_settings(tmp_path, database_url)
    connectors = sandbox_connectors(settings, crm, provision=False)
    try:
        with pytest.raises(KeyboardInterrupt):
            run_sync(None, settings, connectors=connectors, evaluator=fake_evaluate, hooks=_CtrlCBeforeWrites())
        spent = {name: c.usage() for name, c in connectors.items()}
    finally:
        for c in connectors.values():
            c.close()
    assert all(u.calls > 0 for u in spent.values()), spent     # users, accounts, activities... were read
    engine = open_store(database_url)
    try:
        [run] = repo.runs(engine)
    finally:
        engine.dispose()
    assert run.status == "failed" and any("interrupted by Ctrl-C (SIGINT)" in e for e in run.errors), run.errors
    assert {name: a["calls"] for name, a in (run.api or {}).items()} == {n: u.calls for n, u in spent.items()}
    assert {name: a["remaining"] for name, a in (run.api or {}).items()} == {n: u.remaining for n, u in spent.items()}

    shown = CliRunner().invoke(main, ["status"], env={"PAC_CONFIG": str(settings.source)})
    assert shown.exit_code == 0, shown.output
    cells = _only_row(shown.output)
    assert cells["run"] == "1" and cells["status"] == "failed", cells
    assert cells["API calls"] == ", ".join(f"{name}={used.calls:,}" for name, used in spent.items()), cells
    assert cells["quota left"] == ", ".join(f"{name}={used.remaining:,}" for name, used in spent.items()
                                            if used.remaining is not None), cells


def test_a_run_stopped_by_ctrl_c_keeps_the_records_it_read_and_status_shows_them(crm: Any, tmp_path: Path) -> None:
    """What it read before the stop, object by object, as a run that reads the same CRM to the end counts it (a dry
    run on a store of its own: it writes nothing to the CRM), and pac status's "read" its total, not 0 (audit
    newcomerleft: the row said "read 0" after 6,954 records read)."""
    (tmp_path / "dry").mkdir()
    dry = sandbox_settings(tmp_path / "dry", f"sqlite:///{tmp_path / 'dry.db'}")
    connectors = sandbox_connectors(dry, crm, provision=False)
    try:
        whole = run_sync(None, dry, connectors=connectors, evaluator=fake_evaluate, dry_run=True).counts
    finally:
        for c in connectors.values():
            c.close()
    read = {kind: c["read"] for kind, c in whole.items() if "read" in c}
    assert sum(read.values()) > 0, whole

    database_url = f"sqlite:///{tmp_path / 'pac.db'}"
    settings = sandbox_settings(tmp_path, database_url)
    connectors = sandbox_connectors(settings, crm, provision=False)
    try:
        with pytest.raises(KeyboardInterrupt):
            run_sync(None, settings, connectors=connectors, evaluator=fake_evaluate, hooks=_CtrlCBeforeWrites())
    finally:
        for c in connectors.values():
            c.close()
    engine = open_store(database_url)
    try:
        [run] = repo.runs(engine)
    finally:
        engine.dispose()
    assert {kind: c["read"] for kind, c in (run.counts or {}).items() if "read" in c} == read
    shown = CliRunner().invoke(main, ["status"], env={"PAC_CONFIG": str(settings.source)})
    assert shown.exit_code == 0, shown.output
    assert _only_row(shown.output)["read"] == f"{sum(read.values()):,}"


def _only_row(output: str) -> dict[str, str]:
    """The cells of the "Last runs" table's one row, by column, a cell wrapped on several lines joined."""
    table = output.split("Last runs", 1)[1].split("└", 1)[0].splitlines()
    rule = next(i for i, line in enumerate(table) if line.startswith(("├", "┡")))
    cells = [[part.strip() for part in line.strip().strip("│┃").split("│" if i > rule else "┃")]
             for i, line in enumerate(table) if line.startswith(("│", "┃"))]
    heads = [" ".join(filter(None, parts)) for parts in zip(*cells[:rule - 2], strict=True)]
    return {head: " ".join(filter(None, parts))
            for head, parts in zip(heads, zip(*cells[rule - 2:], strict=True), strict=True)}
