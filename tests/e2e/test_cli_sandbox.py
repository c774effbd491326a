"""`pac sandbox` as a newcomer runs it: started in one process, used by `pac sync` in another, stopped by Ctrl-C."""

from __future__ import annotations

import os
import shlex
import signal
import stat
import subprocess
import sys
from pathlib import Path

from pac_config.settings import load_settings
from sync_jobs.factory import build_connectors
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
        # the HubSpot PAC objects labelled in the shipped plan's language, French, as `pac crm provision` labels
        # them (audit hspkg F5: "PAC axis", "Pace" and "Done" for the French plan)
        settings = load_settings(Path(env["PAC_CONFIG"]), env={})
        [hubspot] = build_connectors(settings, [c.name for c in settings.connectors if c.crm == "hubspot"],
                                     run).values()
        try:
            axis_type = hubspot.object_type("pac_axis")
            assert axis_type is not None and hubspot.custom_schemas()["pac_axis"]["labels"]["singular"] == "Axe du PAC"
            assert hubspot.property_definitions(axis_type)["pac_pace"]["label"] == "Rythme"
        finally:
            hubspot.close()
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


def test_printed_commands_run_from_a_fresh_terminal_after_dev_pac_sandbox(tmp_path: Path) -> None:
    """README: `./dev pac sandbox` starts the installed script by its path inside the clone, without putting pac on
    the PATH. The commands it prints for "another terminal, in this directory" run as printed in a new shell whose
    PATH has no pac (they said `pac sync`: command not found). The script here stands for the one ./dev runs."""
    repo = Path(__file__).resolve().parents[2]
    script = tmp_path / "env" / "bin" / "pac"      # as ./dev runs it: an installed script, by its path
    script.parent.mkdir(parents=True)
    script.write_text(f"#!{sys.executable}\nfrom sync_jobs.cli import run\nrun()\n", encoding="utf-8")
    script.chmod(0o755)
    shell = {k: v for k, v in os.environ.items() if not k.startswith("PAC_")}
    shell |= {"PATH": os.pathsep.join(d for d in os.defpath.split(os.pathsep) if d and not (Path(d) / "pac").exists()),
              "PYTHONPATH": str(repo)}   # this checkout's pac, wherever the interpreter's install points
    sandbox = subprocess.Popen([str(script), "sandbox"], cwd=tmp_path, env=shell, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        lines = read_until_ready(sandbox)
        block = lines[lines.index("In another terminal, in this directory:") + 1:]
        source = block[0].strip()
        sync = next(line.split("  ", 2)[1].strip() for line in block if line.strip().endswith(
            "pull, evaluate, write back (then again: nothing to write)"))
        assert source.startswith("set -a; . ") and sync == "env/bin/pac sync", block
        synced = subprocess.run(["bash", "--noprofile", "--norc", "-c", f"{source}\n{sync}"], cwd=tmp_path, env=shell,
                                capture_output=True, text=True, timeout=300)
        assert synced.returncode == 1, synced.stdout + synced.stderr      # the first run: partial, not 127
        assert "2 rejected (2 new)" in synced.stdout
    finally:
        sandbox.send_signal(signal.SIGINT)
        _, err = sandbox.communicate(timeout=60)
    assert sandbox.returncode == 0, err
