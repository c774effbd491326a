"""``pac sandbox``: the sandbox CRM on its own, to try ``pac sync``, ``pac status``, ``pac explain`` by hand.

It starts the loopback HTTPS server speaking both dialects (Salesforce REST and HubSpot CRM v3), seeded with
the demo organisation (docs/demo-org.md), provisions the PAC objects and fields, writes a settings file (the
shipped plan and mappings, a store of its own, the demo clock) and an environment file (the sandbox's
addresses and throw-away credentials, mode 0600), prints how to use them from another terminal, and serves
until Ctrl-C (or SIGTERM), then stops cleanly. Nothing outside ``--dir`` is written.
"""

from __future__ import annotations

import os
import shlex
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

import click

from pac_config.settings import load_settings
from sandbox_crm.run import sandbox_env, start_sandbox
from sync_jobs import cli_common, textsafe
from sync_jobs.demo import provision_in_plan_language, write_demo_settings
from sync_jobs.exit_codes import EXIT_OK
from sync_jobs.factory import build_connectors

READY = "Ctrl-C stops the sandbox."
TRY_IT = (("sync", "pull, evaluate, write back (then again: nothing to write)"),
          ("sync --dry-run", "what a run would write"),
          ("status", "the runs, watermarks, rejected records"),
          ("explain A-01", "which visits counted for A-01 and why the others did not"),
          ("report -o pac.html", ""))
"""The commands printed for the other terminal, after the program as this process was started."""


def write_env_file(path: Path, env: dict[str, str]) -> Path:
    """``export KEY=VALUE`` lines, quoted for sh, readable by the owner only (they hold the sandbox's credentials,
    throw-away ones, but a habit worth keeping)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "# written by `pac sandbox`: source it in another terminal (set -a; . FILE; set +a)\n"
    text += "".join(f"export {key}={shlex.quote(value)}\n" for key, value in env.items())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(path, 0o600)
    return path


@click.command("sandbox")
@click.option("--dir", "where", type=click.Path(file_okay=False, path_type=Path), default=Path(".pac/sandbox"),
              show_default=True, help="Where the settings, environment file and store are written.")
def sandbox_cmd(where: Path) -> None:
    """Start the sandbox CRM (Salesforce + HubSpot, demo data) and print the settings to use it by hand.

    \b
    In another terminal, in the same directory (the commands are printed as
    this one was started: by the installed script's path after ./dev pac sandbox):
      set -a; . .pac/sandbox/sandbox.env; set +a
      pac sync; pac status; pac explain A-01   (the first sync exits 1: 2 new rejections)
    Ctrl-C (or SIGTERM) stops it. Each start is a fresh org and a fresh store.
    """
    console = textsafe.console(soft_wrap=True)   # one path, one line: copy-pastable
    where.mkdir(parents=True, exist_ok=True)
    db = where / "pac.db"
    for suffix in ("", "-wal", "-shm", "-journal"):   # a fresh org needs a fresh store (watermarks, ids)
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    settings_path = write_demo_settings(db, where / "pac.yaml", by="pac sandbox").resolve()
    settings = load_settings(settings_path, env={})
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with start_sandbox() as server:
            env = {"PAC_CONFIG": str(settings_path), **sandbox_env(server)}
            names = [c.name for c in settings.connectors]
            connectors = build_connectors(settings, names, env)
            try:
                made = provision_in_plan_language(connectors, settings)
            finally:
                for c in connectors.values():
                    c.close()
            env_file = write_env_file((where / "sandbox.env").resolve(), env)
            console.print(f"Sandbox CRM listening on {server.base_url} (Salesforce and HubSpot dialects, seeded "
                          "with Durand Process Équipements: docs/demo-org.md).")
            console.print("PAC objects and fields provisioned: "
                          + ", ".join(f"{n} {k}" for n, k in made.items()) + ".")
            console.print(f"Settings: {settings_path} (the shipped plan and mappings, the store {db.resolve()}, "
                          "the demo clock 2027-05-20 18:00 Europe/Paris).")
            console.print(f"Environment file: {env_file}")
            console.print("\nIn another terminal, in this directory:")
            console.print(f"  set -a; . {shlex.quote(str(env_file))}; set +a")
            pac = cli_common.program()   # .venv/bin/pac when started so (./dev pac sandbox): `pac` is not on PATH
            for command, what in TRY_IT:
                console.print(f"  {pac} {command:<16} {what}".rstrip(), markup=False)
            console.print("or give the variables one by one:")
            for key, value in env.items():
                console.print(f"  export {key}={shlex.quote(value)}")
            console.print(READY)
            sys.stdout.flush()
            while not stop.wait(0.5):
                pass
            console.print("Stopping the sandbox CRM...")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    console.print(f"Sandbox stopped. Its store stays in {db} (the next `pac sandbox` starts afresh).")
    sys.exit(EXIT_OK)
