"""A plan id keeps its period (docs/plan-format.md, *Plan identity*): last year's file edited in place for the new
year, keeping its name, is refused by ``pac sync`` before any CRM write (it turned 2026's A-01 into 2027's and marked
2026's other records removed); ``--keep-plan-id`` continues the id on purpose; a period widened still syncs. The
sandbox CRM, the real client libraries, the example plan named without its year (« PAC Durand Process »)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pac_core.errors import InvalidInput
from sandbox_crm.server import SandboxServer
from sync_jobs.app import take_snapshot
from sync_jobs.pipeline import run_sync
from sync_jobs.store import open_store, repo
from tests.cli import run_pac
from tests.fakes import sandbox_connectors
from tests.integration.test_plan_state import BOTH, Org

PLAN_ID = "pac-durand-process"


@pytest.fixture
def org(tmp_path: Path, server: SandboxServer) -> Org:
    """The example plan as its 2026 edition, named without its year."""
    org = Org(tmp_path, server, BOTH)
    text = org.plan.read_text(encoding="utf-8").replace('name: "PAC 2027 — Durand Process"',
                                                         'name: "PAC Durand Process"')
    org.plan.write_text(text.replace("2027", "2026"), encoding="utf-8")
    return org


def _sf_actions(org: Org) -> dict[str, dict[str, object]]:
    rows = org.server.api("salesforce").find("PAC_Action__c")
    return {str(r["PAC_Key__c"]): dict(r) for r in rows}


def _stored(org: Org) -> tuple[int, int]:
    """(plan versions, runs) the store holds for the plan id."""
    engine = open_store(org.settings.database())
    try:
        return (len(repo.plan_versions(engine, PLAN_ID)),
                len(repo.runs(engine, PLAN_ID, limit=100, include_dry=True)))
    finally:
        engine.dispose()


def _sync(org: Org, **kwargs: object) -> object:
    connectors = sandbox_connectors(org.settings, org.server)
    try:
        return run_sync(None, org.settings, connectors=connectors, **kwargs)  # type: ignore[arg-type]
    finally:
        for c in connectors.values():
            c.close()


def test_last_years_file_edited_for_the_new_year_is_refused_before_any_crm_write(org: Org) -> None:
    org.sync()
    before, stored = _sf_actions(org), _stored(org)
    assert f"{PLAN_ID}:A-01" in before and not any(r["PAC_Pace__c"] == "removed" for r in before.values())
    org.plan.write_text(org.plan.read_text(encoding="utf-8").replace("2026", "2027"), encoding="utf-8")

    with pytest.raises(InvalidInput) as info:
        _sync(org)
    (problem,) = info.value.problems
    assert problem.file == str(org.plan)
    assert ("plan 'pac-durand-process': this plan's period moved from 2026 to 2027 (the store's last version of "
            "this plan id, version 1 from ") in problem.message
    assert problem.fix.startswith("a new year's plan needs its own name (or id:) so that 2026's records, snapshots "
                                  "and reports stay; keep 2026's file in plans: until its late entries are counted")
    assert "pac sync --keep-plan-id" in problem.fix
    assert _sf_actions(org) == before and _stored(org) == stored    # nothing written, nothing recorded

    with pytest.raises(InvalidInput):   # a dry run is refused the same way
        _sync(org, dry_run=True)
    with pytest.raises(InvalidInput, match="period moved from 2026 to 2027"):   # and a snapshot, which saves a version
        take_snapshot(org.settings, None, "monthly")
    assert _stored(org) == stored


def test_keep_plan_id_continues_the_id_once_then_runs_go_on(org: Org) -> None:
    """The admin's explicit choice: the run goes through and records the new version; the next run needs no flag."""
    org.sync()
    org.plan.write_text(org.plan.read_text(encoding="utf-8").replace("2026", "2027"), encoding="utf-8")
    assert _sync(org, keep_plan_id=True).status in ("ok", "partial")    # type: ignore[attr-defined]
    assert _stored(org)[0] == 2
    assert _sync(org).status in ("ok", "partial")    # type: ignore[attr-defined]


def test_a_period_widened_still_syncs(org: Org) -> None:
    """An overlapping edit (2026 widened to a fiscal year ending in March 2027) syncs as before."""
    org.sync()
    text = org.plan.read_text(encoding="utf-8")
    assert '  period: "2026"' in text
    org.plan.write_text(text.replace('  period: "2026"', "  period: 2026-01-01..2027-03-31", 1), encoding="utf-8")
    assert _sync(org).status in ("ok", "partial")    # type: ignore[attr-defined]
    assert _stored(org)[0] == 2


def test_plan_check_says_before_the_night_that_sync_will_refuse_it(org: Org) -> None:
    """``pac plan check`` reads the settings' store (never creating or migrating it): last year's file edited for
    the new year is still a valid plan (exit 0), with a warning naming the refusal and its fix; with no store yet,
    or a period that still overlaps, no such warning."""
    env = {k: v for k, v in os.environ.items() if k != "PAC_DATABASE_URL"} | {"PAC_CONFIG": str(org.tmp / "pac.yaml")}

    def check() -> str:
        result = run_pac("plan", "check", str(org.plan), env=env, cwd=org.tmp)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "✓ plan OK" in result.stdout
        return result.stdout

    assert "refusera" not in check() and not (org.tmp / "pac.db").exists()   # no store: nothing made
    org.sync()
    assert "refusera" not in check()
    org.plan.write_text(org.plan.read_text(encoding="utf-8").replace("2026", "2027"), encoding="utf-8")
    out = " ".join(check().split())
    # in the French plan's words (audit frwords: « attention : pac sync will refuse this plan: … » before)
    assert ("attention : pac sync refusera ce plan : plan « pac-durand-process » : la période de ce plan est passée "
            "de 2026 à 2027 (la dernière version de cet id de plan gardée par la base, version 1 depuis ") in out, out
    assert ("pour continuer malgré tout le même id de plan en 2027, lancez une fois pac sync --keep-plan-id)") in out
    assert "rien n'a été écrit" not in out
