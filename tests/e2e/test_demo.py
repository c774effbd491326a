"""`pac demo`: the README's first command, end to end on a fresh directory."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAC_")}
    done = subprocess.run([sys.executable, "-c", "from sync_jobs.cli import run; run()", "demo", "--lang", "en"],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    return done, cwd, env


class TestDemo:
    def test_demo_runs_end_to_end(self, demo) -> None:
        """Exit 0, the plan's progress printed with A-01 at 4 / 5, a second sync that writes nothing."""
        done, _, _ = demo
        assert done.returncode == 0, done.stdout + done.stderr
        a01 = next(line for line in done.stdout.splitlines() if "│ A-01" in line)
        assert "4 / 5" in a01
        assert "Second sync (nothing changed in the CRMs): wrote 0 records" in done.stdout

    def test_demo_writes_the_report_and_says_where_to_look(self, demo) -> None:
        """The HTML report exists and the next commands are printed."""
        done, cwd, _ = demo
        assert (cwd / "out" / "pac-report.html").stat().st_size > 1000
        assert "pac explain A-01" in done.stdout and "pac status" in done.stdout

    def test_next_step_commands_work(self, demo) -> None:
        """`pac explain A-01` and `pac status`, as printed, read the demo's store."""
        _, cwd, env = demo
        env = {**env, "PAC_CONFIG": str(cwd / ".pac" / "demo.yaml")}
        explain = subprocess.run([sys.executable, "-c", "from sync_jobs.cli import run; run()", "explain", "A-01"],
                                 cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
        status = subprocess.run([sys.executable, "-c", "from sync_jobs.cli import run; run()", "status"],
                                cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
        assert explain.returncode == 0 and "4 / 5" in explain.stdout
        assert status.returncode == 0 and status.stdout.count(" ok ") + status.stdout.count("partial") >= 2

    def test_demo_store_is_recreated_each_time(self, demo) -> None:
        """Running the demo again starts from a fresh store: its first sync is run 1 again."""
        _, cwd, env = demo
        again = subprocess.run([sys.executable, "-c", "from sync_jobs.cli import run; run()", "--log-format", "json",
                                "demo"], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
        assert again.returncode == 0
        assert '"run": 1' in again.stderr and '"run": 3' not in again.stderr
