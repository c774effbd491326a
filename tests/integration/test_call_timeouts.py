"""A CRM call never answered fails after the configured timeout and is retried as a dropped connection (ops2 audit
F6: no read timeout, one unanswered request hung `pac sync` for good, holding the plan's lock; SIGTERM waited on it)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors import retry
from connectors.base import TransientError
from connectors.hubspot.transport import HubSpotTransport
from connectors.retry import READ_TIMEOUT, RetryPolicy
from connectors.salesforce.client import Credentials, SfClient
from pac_config.settings import load_settings
from sync_jobs import factory, interrupts
from sync_jobs.demo import write_demo_settings
from sync_jobs.factory import build_connector

TIMEOUT = (2.0, 0.5)         # connect, read: the test's bound


@pytest.fixture
def silent() -> Iterator[str]:
    """A local server that accepts connections (the kernel completes the handshake: listen backlog) and never
    answers a byte: what a stuck proxy or a half-open connection looks like to the client."""
    with socket.create_server(("127.0.0.1", 0), backlog=16) as server:
        host, port = server.getsockname()[:2]
        yield f"http://{host}:{port}"


def _policy(waits: list[float]) -> RetryPolicy:
    return RetryPolicy(max_attempts=3, sleep=waits.append, jitter=lambda: 0.0, timeout=TIMEOUT)


def test_a_hubspot_search_never_answered_is_retried_then_given_up(silent: str) -> None:
    """Before the fix the call blocked until the test's own bound (`timeout`) ended it."""
    waits: list[float] = []
    transport = HubSpotTransport(host=silent, access_token="pat-test", policy=_policy(waits))
    started = time.monotonic()
    try:
        with pytest.raises(TransientError, match="gave up after 3 attempts"):
            transport.call("search.companies", "objects.search", "do_search", "companies", {"limit": 1},
                           search=True)
    finally:
        transport.close()
    assert len(waits) == 2                      # retried as a dropped connection, within the run's budget
    assert time.monotonic() - started < 3 * (max(TIMEOUT) + 1)     # waits are recorded, not slept


def test_a_salesforce_query_never_answered_is_retried_then_given_up(silent: str) -> None:
    waits: list[float] = []
    creds = Credentials("session", "", "62.0", {"ACCESS_TOKEN": "00Dtest", "INSTANCE_URL": silent})
    client = SfClient(creds, policy=_policy(waits))
    started = time.monotonic()
    try:
        with pytest.raises(TransientError, match="gave up after 3 attempts"):
            list(client.query_pages("SELECT Id FROM Account"))
    finally:
        client.close()
    assert len(waits) == 2
    assert time.monotonic() - started < 3 * (max(TIMEOUT) + 1)     # waits are recorded, not slept


def test_a_salesforce_login_never_answered_waits_the_connectors_timeout(silent: str) -> None:
    """The token request is bounded by the connector's timeouts as every other call (audit secretsaudit: it waited a
    fixed 60 s per attempt whatever `read_timeout` said, 2 attempts 120 s against a host that never answers). Seen
    failing before the fix: the test's bound (3 x 2.5 s) ran out on the first attempt's 60 s."""
    waits: list[float] = []
    domain = silent.removeprefix("http://")
    creds = Credentials("client_credentials", domain, "62.0", {"CLIENT_ID": "id", "CLIENT_SECRET": "secret"})
    client = SfClient(creds, policy=_policy(waits))
    started = time.monotonic()
    try:
        with pytest.raises(TransientError, match="gave up after 3 attempts"):
            client.login()
    finally:
        client.close()
    assert len(waits) == 2
    assert time.monotonic() - started < 3 * (max(TIMEOUT) + 1)     # waits are recorded, not slept


def test_the_timeouts_are_each_connectors_settings(tmp_path: Path) -> None:
    """`connect_timeout` / `read_timeout` in pac.yaml reach each connector's calls; left out, 10 s and 120 s."""
    path = write_demo_settings(tmp_path / "pac.db", tmp_path / "pac.yaml")
    text = path.read_text(encoding="utf-8")
    assert "reconciliation_days: 7}" in text
    path.write_text(text.replace("crm: hubspot,", "crm: hubspot, connect_timeout: 3, read_timeout: 45,", 1),
                    encoding="utf-8")
    settings = load_settings(path, env={})
    env = {"PAC_HS_ACCESS_TOKEN": "pat-test", "PAC_SF_AUTH": "session", "PAC_SF_ACCESS_TOKEN": "00Dtest",
           "PAC_SF_INSTANCE_URL": "https://example.my.salesforce.com"}
    by_crm = {c.crm: c.name for c in settings.connectors}
    hs = build_connector(settings, by_crm["hubspot"], env)
    sf = build_connector(settings, by_crm["salesforce"], env)
    try:
        assert hs.transport.policy.timeout == (3.0, 45.0)    # type: ignore[attr-defined]
        assert sf.client.policy.timeout == (10.0, READ_TIMEOUT)   # type: ignore[attr-defined]
        assert sf.client.session.get_adapter("https://x").timeout == (10.0, 120.0)   # type: ignore[attr-defined]
    finally:
        hs.close()
        sf.close()


def test_a_process_being_stopped_does_not_retry(silent: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """SIGTERM (``sync_jobs.interrupts.terminating``, registered by ``sync_jobs.factory``): a read under way on a
    prefetch thread ends with its call instead of retrying while the process waits for it on exit."""
    monkeypatch.setattr(retry, "_stop_checks", [lambda: True])
    waits: list[float] = []
    transport = HubSpotTransport(host=silent, access_token="pat-test", policy=_policy(waits))
    try:
        with pytest.raises(TransientError, match="not retried after 1 attempts: the process is being stopped"):
            transport.call("search.companies", "objects.search", "do_search", "companies", {"limit": 1},
                           search=True)
    finally:
        transport.close()
    assert waits == []


def test_sigterm_stops_the_retries_of_the_built_connectors() -> None:
    assert factory.terminating is interrupts.terminating
    assert interrupts.terminating in retry._stop_checks
