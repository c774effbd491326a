"""The one retry policy of the project: rate limits wait as told, transient faults back off.

``RateLimited`` sleeps its ``retry_after`` (capped at ``max_delay``); ``TransientError`` sleeps an
exponential backoff ``base_delay * 2**(attempt-1)`` (capped) plus up to one ``base_delay`` of jitter.
``AuthError``, ``QuotaExhausted``, ``RecordRejected`` (and anything else) are never retried: they
mean "stop" or "skip", and retrying would only spend the CRM's daily allocation. Delays are seconds.

Retries never nest: a ``call_with_retry`` made inside another one (a login inside a query) makes one
attempt and lets the outer one retry, so an unreachable CRM is tried ``max_attempts`` times, not their
square (6 logins x 6 queries took two minutes). Every wait is taken from the policy's ``RetryBudget``,
shared by every call of a run (``sync_jobs.factory`` gives all the run's connectors one policy): a run
never spends more than ``budget.total`` seconds waiting to retry, and the error raised on giving up says
how many attempts, how long it waited and the budget.

Every call is also bounded in time (``RetryPolicy.timeout``: seconds to connect, seconds a socket read may wait for
the next bytes; each connector's ``connect_timeout`` and ``read_timeout`` in pac.yaml): a call the CRM (or a proxy,
or a connection a firewall dropped) never answers fails with ``TransientError`` and is retried as any dropped
connection, within the same attempts and budget, instead of holding the run (and its lock) for good.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TypeVar

from connectors.base import RateLimited, TransientError

T = TypeVar("T")
log = logging.getLogger(__name__)


CONNECT_TIMEOUT = 10.0
"""Seconds a call may take to open its connection (TCP and TLS) before it fails as transient."""
READ_TIMEOUT = 120.0
"""Seconds a call may wait for the next bytes of its answer (not the whole download: a Bulk API result of many
megabytes that keeps flowing is never cut) before it fails as transient."""
RUN_BUDGET_SECONDS = 300.0
"""What one run may spend waiting to retry, all calls and connectors together (rate limits included)."""


class RetryBudget:
    """Seconds of waiting a run may spend on retries; ``spent`` grows with every wait, across calls."""

    def __init__(self, total: float = RUN_BUDGET_SECONDS) -> None:
        self.total = float(total)
        self.spent = 0.0

    @property
    def left(self) -> float:
        return max(self.total - self.spent, 0.0)

    def __repr__(self) -> str:
        return f"RetryBudget(total={self.total:g}, spent={self.spent:g})"


@dataclass(frozen=True)
class RetryPolicy:
    """How many attempts (the first call included), how long to wait between them, the run's budget, and how long
    one attempt may wait on the CRM (``timeout``: connect, read; seconds)."""

    max_attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    jitter: Callable[[], float] = field(default=random.random, repr=False)
    budget: RetryBudget = field(default_factory=RetryBudget, compare=False)
    timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT)

    def delay(self, attempt: int, error: Exception) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        if isinstance(error, RateLimited):
            return min(max(float(error.retry_after), 0.0), self.max_delay)
        backoff = self.base_delay * (2 ** (attempt - 1)) + self.base_delay * self.jitter()
        return min(backoff, self.max_delay)


NO_WAIT = RetryPolicy(sleep=lambda _s: None, jitter=lambda: 0.0)


_retrying: ContextVar[bool] = ContextVar("pac_retrying", default=False)

# Checks that say the process is being stopped (SIGTERM: ``sync_jobs.interrupts``, registered by the layer above;
# connectors import nothing of it): a call that fails then is not retried. The signal stops the main thread at once,
# but a read under way on a prefetch thread (``connectors.paging``) would otherwise go on retrying, and the process,
# which waits for those threads on exit, with it.
_stop_checks: list[Callable[[], bool]] = []


def stop_retrying_when(check: Callable[[], bool]) -> None:
    """From now on, a failed call is not retried while ``check()`` is true (once per check)."""
    if check not in _stop_checks:
        _stop_checks.append(check)


def _stopping() -> bool:
    return any(check() for check in _stop_checks)


def call_with_retry(fn: Callable[[], T], *, policy: RetryPolicy, what: str = "") -> T:
    """Call ``fn()`` until it succeeds, retrying ``RateLimited`` and ``TransientError`` only.

    Inside another ``call_with_retry`` it is one attempt (the outer call retries). After
    ``policy.max_attempts`` failed attempts, or when the next wait would pass the run's budget, the last
    error is raised again, of the same type, its message saying how long was waited and the budget.
    """
    if _retrying.get():
        return fn()
    token = _retrying.set(True)
    try:
        return _retry(fn, policy, what)
    finally:
        _retrying.reset(token)


def _retry(fn: Callable[[], T], policy: RetryPolicy, what: str) -> T:
    attempt, waited = 0, 0.0
    budget = policy.budget
    while True:
        attempt += 1
        try:
            return fn()
        except (RateLimited, TransientError) as error:
            wait = policy.delay(attempt, error)
            if _stopping():
                why = f"not retried after {attempt} attempts: the process is being stopped"
            elif attempt >= policy.max_attempts:
                why = f"gave up after {attempt} attempts"
            elif wait > budget.left:
                why = (f"gave up after {attempt} attempts: waiting {wait:.0f} s more would pass this run's retry "
                       f"budget")
            else:
                log.info("retry.wait what=%s attempt=%d of=%d seconds=%.1f budget_left=%.0f error=%s", what, attempt,
                         policy.max_attempts, wait, budget.left, _first_line(error))
                policy.sleep(wait)
                waited += wait
                budget.spent += wait
                continue
            log.warning("retry.give_up what=%s attempts=%d waited=%.0f error=%s", what, attempt, waited,
                        type(error).__name__)
            raise _given_up(error, f"{why}; waited {waited:.0f} s; retry budget of {budget.total:.0f} s per run, "
                                   f"{budget.left:.0f} s left") from error


def _first_line(error: Exception) -> str:
    """The error's first line, cut at about 120 characters between words: half a token (an echoed credential cut in
    two) would match no redaction, so the word the cut falls in is left out whole."""
    text = str(error).strip().splitlines()
    if not text:
        return type(error).__name__
    line = text[0]
    if len(line) <= 120:
        return line
    head = line[:121]
    return head.rsplit(" ", 1)[0] + " …" if " " in head else f"{type(error).__name__} …"


def _given_up(error: RateLimited | TransientError, why: str) -> Exception:
    message = f"{error} ({why})"
    if isinstance(error, RateLimited):
        return RateLimited(message, retry_after=error.retry_after)
    return TransientError(message)
