"""An unreachable CRM: `pac sync` gives up in bounded time, exit 4, saying how long it waited and the budget."""

from __future__ import annotations

import os
import socket
import time

from tests.cli import run_pac
from tests.fakes import sandbox_settings


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_salesforce_gives_up_within_the_budget(tmp_path) -> None:
    """Salesforce on a closed port: 6 attempts (about 16 s of backoff), exit 4 and the retry budget in the message
    (36 attempts and two minutes before: the login's retries ran inside each query's)."""
    settings = sandbox_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
    env = {**os.environ, "PAC_CONFIG": settings.source, "PAC_SF_AUTH": "client_credentials",
           "PAC_SF_DOMAIN": f"127.0.0.1:{closed_port()}", "PAC_SF_CLIENT_ID": "id", "PAC_SF_CLIENT_SECRET": "s3cret-x",
           "PAC_HS_ACCESS_TOKEN": "t0ken-x", "PAC_HS_HOST": f"https://127.0.0.1:{closed_port()}"}
    env.pop("PAC_DATABASE_URL", None)
    started = time.monotonic()
    done = run_pac("sync", cwd=tmp_path, env=env, timeout=300)
    took = time.monotonic() - started
    output = done.stdout + done.stderr
    assert done.returncode == 4, output
    assert took < 60, took
    # the console wraps the message at its width, where the port's digits and the seconds left put the breaks
    flat = " ".join(output.split())
    assert "gave up after 6 attempts" in flat and "retry budget of 300 s per run" in flat
