"""One retry budget per run: retries never nest, the total waiting time is bounded and said when giving up."""

from __future__ import annotations

import logging
import socket

import pytest

from connectors.base import RateLimited, TransientError
from connectors.retry import RetryBudget, RetryPolicy, call_with_retry
from connectors.salesforce.client import Credentials, SfClient
from sync_jobs.logs import redact, register_secret


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unreachable_salesforce(policy: RetryPolicy) -> SfClient:
    env = {"PAC_SF_AUTH": "client_credentials", "PAC_SF_DOMAIN": f"127.0.0.1:{closed_port()}",
           "PAC_SF_CLIENT_ID": "id", "PAC_SF_CLIENT_SECRET": "secret-value-123"}
    return SfClient(Credentials.from_env(env), policy=policy)


class TestNoNesting:
    def test_unreachable_salesforce_is_tried_six_times_not_thirty_six(self) -> None:
        """A query on an unreachable org: one login per attempt, 6 attempts in all and 5 waits (36 logins and
        41 waits before: the login's retries ran inside each of the query's)."""
        slept: list[float] = []
        client = unreachable_salesforce(RetryPolicy(sleep=slept.append, jitter=lambda: 0.0))
        with pytest.raises(TransientError) as caught:
            client.call(lambda sf: sf.query("SELECT Id FROM Account"), "query")
        assert client.usage.calls == 0 and len(slept) == 5
        assert "gave up after 6 attempts" in str(caught.value)

    def test_inner_call_does_not_retry(self) -> None:
        """A call_with_retry inside another one makes one attempt; the outer one retries."""
        slept: list[float] = []
        policy = RetryPolicy(sleep=slept.append, jitter=lambda: 0.0)
        inner_calls = []

        def inner() -> str:
            inner_calls.append(1)
            raise TransientError("503")

        with pytest.raises(TransientError):
            call_with_retry(lambda: call_with_retry(inner, policy=policy), policy=policy)
        assert len(inner_calls) == 6 and len(slept) == 5


class TestBudget:
    def test_total_waiting_is_bounded_and_said(self) -> None:
        """Rate limits asking for 60 s each: the run's budget (90 s) stops the waits, and the message says so."""
        slept: list[float] = []
        policy = RetryPolicy(sleep=slept.append, jitter=lambda: 0.0, budget=RetryBudget(90.0))
        with pytest.raises(RateLimited) as caught:
            call_with_retry(lambda: (_ for _ in ()).throw(RateLimited("429", retry_after=60)), policy=policy,
                            what="query")
        assert sum(slept) <= 90.0 and slept == [60.0]
        message = str(caught.value)
        assert "retry budget of 90 s" in message and "waited 60 s" in message

    def test_budget_is_shared_by_every_call_of_a_run(self) -> None:
        """Two calls sharing one policy share its budget: the second one has only what the first left."""
        slept: list[float] = []
        policy = RetryPolicy(sleep=slept.append, jitter=lambda: 0.0, base_delay=4.0, budget=RetryBudget(20.0))
        for _ in range(2):
            with pytest.raises(TransientError):
                call_with_retry(lambda: (_ for _ in ()).throw(TransientError("503")), policy=policy)
        assert sum(slept) <= 20.0 and slept == [4.0, 8.0, 4.0]


def test_a_retry_line_never_cuts_a_secret_in_two(caplog) -> None:
    """The retry.wait line shows the error's first 120 characters: cutting inside a token left its head, which no
    redaction matches (security audit rerun: ``rejected credential hs-oauth-4077d9640451456b83aec7368b9bcc6``).
    Seen failing before the fix: the token's first 31 characters were printed. A cut falls between words."""
    token = "hs-oauth-4077d9640451456b83aec7368b9bcc6f0e1"
    register_secret(token)
    message = "HubSpot owners: HTTP 502: Internal error; please try again (rejected credential " + token + ")"
    assert message.index(token) < 120 < message.index(token) + len(token)
    failures = iter([TransientError(message)])

    def flaky() -> str:
        for failure in failures:
            raise failure
        return "ok"

    no_wait = RetryPolicy(sleep=lambda _s: None, jitter=lambda: 0.0)
    with caplog.at_level(logging.INFO, logger="connectors.retry"):
        assert call_with_retry(flaky, policy=no_wait, what="owners") == "ok"
    [line] = [redact(r.getMessage()) for r in caplog.records if r.getMessage().startswith("retry.wait")]
    assert "rejected credential" in line and token[:9] not in line
