"""The one retry policy: what is retried, how long it waits, when it gives up."""

from __future__ import annotations

import pytest

from connectors.base import AuthError, QuotaExhausted, RateLimited, RecordRejected, TransientError
from connectors.retry import RetryPolicy, call_with_retry


class _Flaky:
    def __init__(self, errors: list[Exception]) -> None:
        self.errors, self.calls = list(errors), 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


def _policy(slept: list[float], attempts: int = 6) -> RetryPolicy:
    return RetryPolicy(max_attempts=attempts, base_delay=0.5, max_delay=60.0, sleep=slept.append, jitter=lambda: 0.5)


class TestCallWithRetry:
    def test_rate_limited_waits_retry_after(self) -> None:
        """A rate limit sleeps exactly the delay the CRM asked for, then succeeds."""
        slept: list[float] = []
        fn = _Flaky([RateLimited("slow down", retry_after=7.0)])
        assert call_with_retry(fn, policy=_policy(slept)) == "ok"
        assert slept == [7.0] and fn.calls == 2

    def test_retry_after_is_capped(self) -> None:
        """A huge Retry-After is capped at max_delay."""
        slept: list[float] = []
        call_with_retry(_Flaky([RateLimited("x", retry_after=3600)]), policy=_policy(slept))
        assert slept == [60.0]

    def test_transient_backs_off_exponentially_with_jitter(self) -> None:
        """5xx and dropped connections wait base * 2^(n-1) plus jitter."""
        slept: list[float] = []
        call_with_retry(_Flaky([TransientError("503")] * 3), policy=_policy(slept))
        assert slept == [0.75, 1.25, 2.25]

    def test_gives_up_after_max_attempts(self) -> None:
        """The last error is raised once the attempts are spent."""
        slept: list[float] = []
        fn = _Flaky([TransientError("503")] * 10)
        with pytest.raises(TransientError):
            call_with_retry(fn, policy=_policy(slept, attempts=3))
        assert fn.calls == 3 and len(slept) == 2

    @pytest.mark.parametrize("error", [AuthError("no"), QuotaExhausted("spent"), RecordRejected("1", "bad"),
                                       ValueError("bug")])
    def test_never_retries_fatal_errors(self, error: Exception) -> None:
        """Auth, quota, rejected records and bugs are raised at once, without sleeping."""
        slept: list[float] = []
        fn = _Flaky([error])
        with pytest.raises(type(error)):
            call_with_retry(fn, policy=_policy(slept))
        assert fn.calls == 1 and slept == []
