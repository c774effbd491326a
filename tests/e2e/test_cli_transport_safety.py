"""Credentials travel only over verified TLS: a plain-HTTP CRM URL is refused, a certificate that does not verify
stops at once with the CA variable to set (security audit F3, F7)."""

from __future__ import annotations

import os
import socket

from tests.cli import run_pac


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_crm_check_refuses_a_plain_http_hubspot_host(tmp_path) -> None:
    """``PAC_HS_HOST=http://…``: exit 2 naming the variable and the fix, before any call. Seen failing before the
    fix: the token was sent (here to a closed port: retried as an outage, exit 4)."""
    env = {**os.environ, "PAC_HS_ACCESS_TOKEN": "pat-na1-plain-http-check", "PAC_HS_HOST": f"http://127.0.0.1:{closed_port()}"}
    done = run_pac("crm", "check", "--crm", "hubspot", cwd=tmp_path, env=env, timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert "PAC_HS_HOST is not an https:// URL" in output and "https://api.hubapi.com" in output
