"""`pac sandbox` as a newcomer runs it: started in one process, used by `pac sync` in another, stopped by Ctrl-C."""

from __future__ import annotations

import os
import shlex
import signal
import stat
import subprocess
from pathlib import Path

from tests.cli import PAC, run_pac


def read_until_ready(process: subprocess.Popen[str]) -> list[str]:
    """The sandbox's lines up to the one saying it is ready (its output is the readiness signal)."""
    lines: list[str] = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if line.startswith("Ctrl-C stops the sandbox"):
            return lines
    raise AssertionError("the sandbox ended before it was ready:\n" + "\n".join(lines))


def printed_env(lines: list[str]) -> dict[str, str]:
    """The ``export KEY=VALUE`` lines the sandbox printed, as a user would paste them."""
    env = {}
    for line in lines:
        if line.strip().startswith("export "):
            key, _, value = line.strip().removeprefix("export ").partition("=")
            env[key] = shlex.split(value)[0]
    return env


def test_sandbox_serves_a_sync_from_another_process_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    """`pac sandbox` prints the settings; `pac sync`, `status` and `explain` run elsewhere with them; SIGINT stops
    it with exit 0. The environment file it writes is the same, owner-only."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("PAC_")}
    sandbox = subprocess.Popen([*PAC, "sandbox", "--dir", str(tmp_path / "sbx")], cwd=tmp_path, env=base,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = read_until_ready(sandbox)
        env = printed_env(lines)
        assert {"PAC_CONFIG", "PAC_SF_DOMAIN", "PAC_HS_HOST", "PAC_HS_ACCESS_TOKEN"} <= set(env), lines
        env_file = Path(next(line.split(": ", 1)[1] for line in lines if line.startswith("Environment file: ")))
        assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
        assert all(f"export {k}=" in env_file.read_text(encoding="utf-8") for k in env)
        header = Path(env["PAC_CONFIG"]).read_text(encoding="utf-8").splitlines()[0]
        assert header == "# written by `pac sandbox`: the demo's store and clock"     # it said `pac demo`
        user = tmp_path / "elsewhere"
        user.mkdir()
        run = {**base, **env}
        synced = run_pac("sync", cwd=user, env=run, timeout=300)
        assert synced.returncode == 1, synced.stdout + synced.stderr     # first run: the demo's 2 set-asides, new
        assert "2 rejected (2 new)" in synced.stdout
        status = run_pac("status", cwd=user, env=run, timeout=120)
        assert status.returncode == 0 and "partial" in status.stdout, status.stdout + status.stderr
        explained = run_pac("explain", "A-01", cwd=user, env=run, timeout=120)
        assert explained.returncode == 0 and "4 / 5" in explained.stdout, explained.stdout + explained.stderr
    finally:
        sandbox.send_signal(signal.SIGINT)
        out, err = sandbox.communicate(timeout=60)
    assert sandbox.returncode == 0, err
    assert "Sandbox stopped" in out and "Traceback" not in err
