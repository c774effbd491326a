"""The one retry policy of the project: rate limits wait as told, transient faults back off.

``RateLimited`` sleeps its ``retry_after`` (capped at ``max_delay``); ``TransientError`` sleeps an
exponential backoff ``base_delay * 2**(attempt-1)`` (capped) plus up to one ``base_delay`` of jitter.
``AuthError``, ``QuotaExhausted``, ``RecordRejected`` (and anything else) are never retried: they
mean "stop" or "skip", and retrying would only spend the CRM's daily allocation. Delays are seconds.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from connectors.base import RateLimited, TransientError

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """How many attempts (the first call included) and how long to wait between them."""

    max_attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    jitter: Callable[[], float] = field(default=random.random, repr=False)

    def delay(self, attempt: int, error: Exception) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        if isinstance(error, RateLimited):
            return min(max(float(error.retry_after), 0.0), self.max_delay)
        backoff = self.base_delay * (2 ** (attempt - 1)) + self.base_delay * self.jitter()
        return min(backoff, self.max_delay)


NO_WAIT = RetryPolicy(sleep=lambda _s: None, jitter=lambda: 0.0)


def call_with_retry(fn: Callable[[], T], *, policy: RetryPolicy, what: str = "") -> T:
    """Call ``fn()`` until it succeeds, retrying ``RateLimited`` and ``TransientError`` only.

    After ``policy.max_attempts`` failed attempts the last error is raised unchanged.
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            return fn()
        except (RateLimited, TransientError) as error:
            if attempt >= policy.max_attempts:
                log.warning("retry.give_up what=%s attempts=%d error=%s", what, attempt, type(error).__name__)
                raise
            wait = policy.delay(attempt, error)
            log.info("retry.wait what=%s attempt=%d seconds=%.2f error=%s", what, attempt, wait,
                     type(error).__name__)
            policy.sleep(wait)
