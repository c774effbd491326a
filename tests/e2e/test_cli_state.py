"""`pac sync`, `pac status`, `pac history`, `pac plan pull` and `pac report` on a conflict, as a manager runs them
against the sandbox CRM (Salesforce and HubSpot) with a copy of the example plan."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pac_config.settings import load_settings
from sandbox_crm.run import start_sandbox
from sync_jobs.demo import write_demo_settings
from tests.cli import run_pac
from tests.fakes import sandbox_connectors, sandbox_env_fast

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_PLAN = ROOT / "config" / "plans" / "example.pac.yaml"
KEY = "pac-2027-durand-process:AX-GC-QUOTES"


def pac(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_pac(*args, env=env, cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory):
    """A first sync; then Nathalie drops AX-GC-QUOTES in Salesforce and, later, suspends it in HubSpot; a second
    sync decides. Yields the sandbox, the environment, the directory and the second sync's output."""
    tmp = tmp_path_factory.mktemp("state")
    plan = tmp / "plan.pac.yaml"
    shutil.copy(SHIPPED_PLAN, plan)
    os.utime(plan, (1_600_000_000, 1_600_000_000))
    path = write_demo_settings(f"sqlite:///{tmp / 'pac.db'}", tmp / "pac.yaml")
    path.write_text(path.read_text(encoding="utf-8").replace(str(SHIPPED_PLAN), str(plan)), encoding="utf-8")
    settings = load_settings(path, env={})
    with start_sandbox() as server:
        for c in sandbox_connectors(settings, server).values():
            c.close()
        env = {**os.environ, **sandbox_env_fast(server), "PAC_CONFIG": str(path)}
        env.pop("PAC_DATABASE_URL", None)
        first = pac(env, tmp, "sync")
        assert first.returncode in (0, 1), first.stderr
        sf, hs = server.api("salesforce"), server.api("hubspot")
        [row] = sf.find("PAC_Axis__c", PAC_Key__c=KEY)
        sf.edit("PAC_Axis__c", row["Id"], by=sf.ids["u-nathalie-sf"], PAC_Status__c="dropped")
        [obj] = [o for o in hs.table("pac_axis").rows.values() if o.props.get("pac_key") == KEY]
        nathalie = next(o["userId"] for o in hs.owners if o.get("email") == "nathalie.garnier@durand-process.example")
        hs.update("pac_axis", obj.id, {"pac_status": "suspended"}, by_user=nathalie)
        second = pac(env, tmp, "sync")
        yield {"server": server, "env": env, "cwd": tmp, "plan": plan, "second": second}


class TestConflictStory:
    def test_sync_reports_the_conflict_and_the_change(self, story) -> None:
        """`pac sync` says what changed the plan, from whom, and the conflict with the rule that decided it."""
        out = story["second"].stdout
        assert story["second"].returncode == 0, story["second"].stderr + out
        assert "plan: AX-GC-QUOTES axis_status = 'suspended' (from hs-west (Nathalie Garnier))" in out
        assert re.search(r"conflict: conflict on \S+AX-GC-QUOTES axis_status: kept 'suspended' from hs-west "
                         r"\(Nathalie Garnier\).*'dropped' from sf-main \(Nathalie Garnier\).*later change wins",
                         " ".join(out.split()))

    def test_status_lists_the_conflict(self, story) -> None:
        """`pac status` lists the last run's conflicts."""
        done = pac(story["env"], story["cwd"], "status")
        assert done.returncode == 0, done.stderr
        assert "Last run's conflicts on the plan (1" in done.stdout and "kept 'suspended'" in done.stdout

    def test_history_tells_who_what_when_and_where(self, story) -> None:
        """`pac history AX-GC-QUOTES`: the dropped (lost) then suspended (applied) changes, by Nathalie, per CRM."""
        done = pac(story["env"], story["cwd"], "history", "AX-GC-QUOTES")
        assert done.returncode == 0, done.stderr
        text = " ".join(done.stdout.split())
        assert "Nathalie" in text and "sf-main" in text and "hs-west" in text
        assert text.index("dropped") < text.index("suspended") and "not applied" in text

    def test_report_data_section_shows_the_conflict(self, story) -> None:
        """The report's data section lists the conflict."""
        out = story["cwd"] / "report.html"
        done = pac(story["env"], story["cwd"], "report", "--output", str(out), "--lang", "en")
        assert done.returncode == 0, done.stderr
        html = out.read_text(encoding="utf-8")
        assert "Conflicts on the plan" in html and "kept &#x27;suspended&#x27;" in html

    def test_plan_pull_dry_run_then_pull(self, story) -> None:
        """`pac plan pull --dry-run` prints the diff and leaves the file; `pac plan pull` writes the edit in place."""
        before = story["plan"].read_text(encoding="utf-8")
        dry = pac(story["env"], story["cwd"], "plan", "pull", "--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert "-    status: active" in dry.stdout and "+    status: {state: suspended, reason:" in dry.stdout
        assert story["plan"].read_text(encoding="utf-8") == before
        done = pac(story["env"], story["cwd"], "plan", "pull")
        assert done.returncode == 0, done.stderr
        assert "AX-GC-QUOTES" in done.stdout and "hs-west (Nathalie Garnier)" in done.stdout
        after = story["plan"].read_text(encoding="utf-8")
        assert "status: {state: suspended, reason:" in after and after.count("\n") == before.count("\n")
        again = pac(story["env"], story["cwd"], "plan", "pull")
        assert "nothing to pull" in again.stdout
