"""`pac sync`, `pac status`, `pac explain` as an operator runs them, against the sandbox CRM."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from connectors.sandbox.run import start_sandbox
from sync_jobs.lock import run_lock
from sync_jobs.store import open_store
from tests.fakes import sandbox_connectors, sandbox_env_fast, sandbox_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def crm():
    with start_sandbox() as server:
        yield server


@pytest.fixture
def setup(crm, tmp_path):
    settings = sandbox_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
    for c in sandbox_connectors(settings, crm).values():   # PAC objects provisioned (idempotent)
        c.close()
    env = {**os.environ, **sandbox_env_fast(crm), "PAC_CONFIG": settings.source}
    env.pop("PAC_DATABASE_URL", None)
    return settings, env, tmp_path


def pac(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from sync_jobs.cli import run; run()", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


class TestSync:
    def test_dry_run_prints_changes_and_writes_nothing(self, crm, setup) -> None:
        """--dry-run lists records and fields and sends no write request to either CRM."""
        _, env, cwd = setup
        crm.reset_counts()
        done = pac(env, cwd, "sync", "--dry-run")
        writes = [e for e in crm.log if e[1] in ("PATCH", "POST") and ("composite/sobjects" in e[2] or
                                                                       "batch/upsert" in e[2])]
        assert done.returncode == 0, done.stderr
        assert "dry run: nothing was written" in done.stdout and "A-01" in done.stdout
        assert "progress_pct" in done.stdout and writes == []

    def test_sync_then_second_sync_writes_nothing_with_json_logs(self, setup) -> None:
        """A real sync logs structured sync.batch events; the second one writes nothing; status shows both."""
        _, env, cwd = setup
        first = pac(env, cwd, "--log-format", "json", "sync")
        events = [json.loads(line) for line in first.stderr.splitlines() if line.startswith("{")]
        batches = [e for e in events if e["event"].startswith("sync.batch")]
        assert first.returncode in (0, 1), first.stderr
        assert batches and {"crm", "connector", "object", "records"} <= set(batches[0])
        second = pac(env, cwd, "--log-format", "json", "sync")
        end = next(json.loads(line) for line in second.stderr.splitlines() if '"sync.end' in line)
        assert end["written"] == 0
        status = pac(env, cwd, "status")
        assert status.returncode == 0 and "Last runs" in status.stdout and "Watermarks" in status.stdout

    def test_held_lock_exits_3_naming_the_holder(self, setup) -> None:
        """While another run holds the plan's lock, `pac sync` exits 3 and says who holds it since when."""
        settings, env, cwd = setup
        engine = open_store(settings.database())
        with run_lock(engine, "pac-2027-durand-process", owner="night-box:4242#abc"):
            done = pac(env, cwd, "sync")
        engine.dispose()
        assert done.returncode == 3
        assert "night-box:4242" in done.stderr and "since" in done.stderr and "--wait" in done.stderr

    def test_bad_settings_exit_2_with_file_and_line(self, setup, tmp_path) -> None:
        """A settings file with an unknown key: exit 2, the message names file, line and fix."""
        _, env, cwd = setup
        bad = tmp_path / "bad.yaml"
        bad.write_text("connectorz: []\n", encoding="utf-8")
        done = pac({**env, "PAC_CONFIG": str(bad)}, cwd, "sync")
        assert done.returncode == 2 and f"{bad}:1 connectorz: unknown key" in done.stderr

    def test_refused_credentials_exit_4(self, setup) -> None:
        """A wrong HubSpot token: exit 4, and the token appears nowhere in the output."""
        _, env, cwd = setup
        done = pac({**env, "PAC_HS_ACCESS_TOKEN": "wrong-token-123456"}, cwd, "sync")
        assert done.returncode == 4, done.stdout + done.stderr
        assert "wrong-token-123456" not in done.stdout + done.stderr


class TestExplain:
    def test_explain_lists_counted_visits_and_reasons(self, setup) -> None:
        """After a sync, `pac explain A-01` shows 4 / 5 with the worked example's reasons."""
        _, env, cwd = setup
        pac(env, cwd, "sync")
        done = pac(env, cwd, "explain", "A-01")
        assert done.returncode == 0, done.stderr
        assert "4 / 5" in done.stdout and "hors de la période" in done.stdout and "supprimée" in done.stdout

    def test_unknown_action_exit_2(self, setup) -> None:
        """An action id that does not exist: exit 2 with the known ids."""
        _, env, cwd = setup
        done = pac(env, cwd, "explain", "A-99")
        assert done.returncode == 2 and "A-01" in done.stderr


class TestSecrets:
    def test_credentials_never_reach_the_store_or_the_logs(self, crm, setup) -> None:
        """After a verbose sync, neither the database file nor the log lines contain a credential."""
        settings, env, cwd = setup
        done = pac(env, cwd, "-vv", "--log-format", "json", "sync")
        secrets = [env["PAC_SF_CLIENT_SECRET"], env["PAC_HS_ACCESS_TOKEN"]]
        secrets += list(crm.api("salesforce").tokens)              # the session ids the org issued
        db = Path(settings.database().removeprefix("sqlite:///"))
        blobs = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
        output = done.stdout + done.stderr
        assert done.returncode in (0, 1), done.stderr
        for secret in secrets:
            assert secret not in output and secret.encode() not in blobs
