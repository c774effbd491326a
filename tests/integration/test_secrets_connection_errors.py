"""Connection failures through the real client stacks (requests / urllib3 / hubspot-api-client): refused, timed out.
Their own texts carry the URL (``MaxRetryError``: ``Max retries exceeded with url: ...``); pac keeps the type's name
and the host. A planted credential is in none of: the error, its traceback as ``pac -v`` prints it, the ``-vv`` log
(audit secretsaudit, paths 3 and 6 of REPORT.md; no defect: passes on main)."""

from __future__ import annotations

import io
import logging
import socket
import threading
import traceback
from collections.abc import Iterator

import pytest

import sync_jobs.secrets  # noqa: F401 - subscribes the redaction to the credentials connectors obtain
from connectors.base import ConnectorError, ObjectKind
from connectors.hubspot.connector import build
from connectors.retry import RetryPolicy
from connectors.salesforce.client import Credentials, SfClient
from sync_jobs.logs import setup_logging

CLIENT_SECRET = "Plant3d-sf-client-secret-0123456789"
HS_TOKEN = "pat-eu1-planted0-0000-0000-0000-000000000000"
HS_REFRESH = "Plant3d-hs-refresh-token-0123456789"
HS_SECRET = "Plant3d-hs-client-secret-0123456789"
POLICY = RetryPolicy(max_attempts=2, sleep=lambda _s: None, jitter=lambda: 0.0, timeout=(0.5, 0.5))


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers (a read timeout)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


@pytest.fixture
def verbose_log() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    setup_logging("text", verbose=2)
    log = io.StringIO()
    root.handlers[0].setStream(log)  # type: ignore[attr-defined]
    yield log
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def _everything(exc: BaseException, log: io.StringIO) -> str:
    return f"{exc}\n{''.join(traceback.format_exception(exc))}\n{log.getvalue()}"


def test_salesforce_login_that_cannot_connect(verbose_log: io.StringIO) -> None:
    """(A login to a host that never answers waits the connector's timeouts: test_call_timeouts.py.)"""
    port = _closed_port()
    creds = Credentials.from_env({"PAC_SF_AUTH": "client_credentials", "PAC_SF_DOMAIN": f"127.0.0.1:{port}",
                                  "PAC_SF_CLIENT_ID": "cid", "PAC_SF_CLIENT_SECRET": CLIENT_SECRET})
    with pytest.raises(ConnectorError) as info:
        SfClient(creds, policy=POLICY).login()
    text = _everything(info.value, verbose_log)
    assert "cannot reach 127.0.0.1" in str(info.value)
    assert CLIENT_SECRET not in text and "client_secret" not in text


@pytest.mark.parametrize("oauth", [False, True], ids=["private-app", "oauth-refresh"])
@pytest.mark.parametrize("kind", ["refused", "timeout"])
def test_hubspot_call_that_cannot_connect(kind: str, oauth: bool, silent_port: int, verbose_log: io.StringIO
                                          ) -> None:
    port = _closed_port() if kind == "refused" else silent_port
    env = {"PAC_HS_HOST": f"https://127.0.0.1:{port}", "PAC_HS_SEARCH_PER_SECOND": "1000"}
    env |= ({"PAC_HS_CLIENT_ID": "cid", "PAC_HS_CLIENT_SECRET": HS_SECRET, "PAC_HS_REFRESH_TOKEN": HS_REFRESH}
            if oauth else {"PAC_HS_ACCESS_TOKEN": HS_TOKEN})
    connector = build("hs-test", None, env, policy=POLICY)
    with pytest.raises(ConnectorError) as info:
        list(connector.pull(ObjectKind.ACCOUNTS, None))
    text = _everything(info.value, verbose_log)
    assert "connection failed" in str(info.value) or "connection" in str(info.value).lower(), str(info.value)
    for secret in (HS_TOKEN, HS_SECRET, HS_REFRESH):
        assert secret not in text
