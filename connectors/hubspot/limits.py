"""HubSpot's API limits, respected on the client side before the portal has to refuse us.

Three budgets, all per access token:

* the rolling **10-second** window (``X-HubSpot-RateLimit-Max`` calls per
  ``X-HubSpot-RateLimit-Interval-Milliseconds``; 100 on Free/Starter, 190 on Professional/Enterprise);
* the **search** endpoints' own limit (about 4 requests per second; search is exempt from the
  10-second window and its responses carry no rate-limit headers, so the figure is configured);
* the **daily** allocation (``X-HubSpot-RateLimit-Daily`` / ``-Daily-Remaining``), shared by every
  integration of the portal: we stop with ``QuotaExhausted`` before spending more than
  ``max_daily_share`` of it, so other integrations keep working. "The daily limits reset at midnight based on
  the time zone setting of the HubSpot account" (developers.hubspot.com/apisbytier): not a rolling 24 hours.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping

from connectors.base import QuotaExhausted

DEFAULT_TEN_SECOND_MAX = 100
DEFAULT_SEARCH_PER_SECOND = 4.0
#: When the portal gets its calls back (follows "once" in the stop's words).
DAILY_RESETS = "the portal's daily allowance resets (midnight in the HubSpot account's time zone)"


class RateLimiter:
    """Wait before a call that would exceed a window; refuse one that would pass the daily share."""

    def __init__(self, *, max_daily_share: float = 0.5, search_per_second: float = DEFAULT_SEARCH_PER_SECOND,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        if not 0 < max_daily_share <= 1:
            raise ValueError("max_daily_share must be in (0, 1]")
        self.max_daily_share = max_daily_share
        self.search_interval = 1.0 / search_per_second if search_per_second > 0 else 0.0
        self.window_max = DEFAULT_TEN_SECOND_MAX
        self.window_seconds = 10.0
        self.daily_limit: int | None = None
        self.daily_used: int | None = None
        self._calls: deque[float] = deque()
        self._last_search = float("-inf")
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()

    def before(self, *, search: bool = False) -> None:
        """Block until the call fits both windows; ``QuotaExhausted`` if it would pass the daily share."""
        with self._lock:
            self._check_daily()
            now = self._clock()
            wait = 0.0
            while self._calls and self._calls[0] <= now - self.window_seconds:
                self._calls.popleft()
            if not search and len(self._calls) >= self.window_max:
                wait = self._calls[0] + self.window_seconds - now
            if search and self.search_interval:
                wait = max(wait, self._last_search + self.search_interval - now)
            if wait > 0:
                self._sleep(wait)
                now = self._clock()
            if search:       # search is exempt from the 10-second window (it has its own per-second limit)
                self._last_search = now
            else:
                self._calls.append(now)
            if self.daily_used is not None:
                self.daily_used += 1

    def observe(self, headers: Mapping[str, str]) -> None:
        """Learn the portal's real figures from ``X-HubSpot-RateLimit-*`` response headers."""
        h = {k.lower(): v for k, v in headers.items()}
        with self._lock:
            limit = _int(h.get("x-hubspot-ratelimit-max"))
            interval = _int(h.get("x-hubspot-ratelimit-interval-milliseconds"))
            if limit:
                self.window_max = limit
            if interval:
                self.window_seconds = interval / 1000.0
            daily = _int(h.get("x-hubspot-ratelimit-daily"))
            remaining = _int(h.get("x-hubspot-ratelimit-daily-remaining"))
            if daily:
                self.daily_limit = daily
                if remaining is not None:
                    self.daily_used = daily - remaining

    def _check_daily(self) -> None:
        if self.daily_limit is None or self.daily_used is None:
            return
        allowed = int(self.daily_limit * self.max_daily_share)
        if self.daily_used + 1 > allowed:
            raise QuotaExhausted(
                f"HubSpot daily API allocation: the portal has used {self.daily_used} of {self.daily_limit} calls "
                f"(every integration together); pac stops at {_percent(self.max_daily_share)} of it to leave the "
                "rest to the portal. It resumes on the next run.",
                used=self.daily_used, limit=self.daily_limit, resets=DAILY_RESETS)


def _percent(share: float) -> str:
    """0.5 -> "50 %", 0.125 -> "12.5 %"."""
    return f"{round(share * 100, 1):g} %"


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None
