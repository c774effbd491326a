"""The sandbox portal's API limits, as HubSpot documents them: a daily allocation and a rolling 10-second window
per tier, a per-second search limit; the ``X-HubSpot-RateLimit-*`` headers on every non-search response and the
documented 429 bodies (``policyName`` DAILY, TEN_SECONDLY_ROLLING, SECONDLY) with ``Retry-After``. ``quota`` and
``rate_limit`` faults answer as if the limit were reached."""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque
from datetime import UTC, date, datetime

from sandbox_crm.faults import Fault
from sandbox_crm.http import Response


class RateLimits:
    def __init__(self, ten_second_limit: int, daily_limit: int, search_per_second: float | None) -> None:
        self.ten_second_limit = ten_second_limit
        self.daily_limit = daily_limit
        self.search_per_second = search_per_second
        self.daily_used = 0
        self._day = self._today()
        self._window: deque[float] = deque()
        self._search_window: deque[float] = deque()
        self._lock = threading.Lock()

    @staticmethod
    def _today() -> date:
        return datetime.now(UTC).date()

    def spend(self, search: bool, fault: Fault | None) -> Response | None:
        """Count one call; the 429 to answer instead when a limit is reached, else None."""
        now = time.monotonic()
        with self._lock:
            if self._today() != self._day:
                self._day, self.daily_used = self._today(), 0
            if (fault is not None and fault.kind == "quota") or self.daily_used >= self.daily_limit:
                return self._too_many("You have reached your daily limit.", "DAILY", 3600)
            if fault is not None and fault.kind == "rate_limit":
                return self._too_many("You have reached your ten_secondly_rolling limit.", "TEN_SECONDLY_ROLLING",
                                      float(fault.detail.get("retry_after", 1)))
            if search:
                if self.search_per_second:
                    while self._search_window and self._search_window[0] <= now - 1.0:
                        self._search_window.popleft()
                    if len(self._search_window) >= self.search_per_second:
                        return self._too_many("You have reached your secondly limit.", "SECONDLY", 1)
                    self._search_window.append(now)
            else:
                while self._window and self._window[0] <= now - 10.0:
                    self._window.popleft()
                if len(self._window) >= self.ten_second_limit:
                    wait = max(self._window[0] + 10.0 - now, 0.1)
                    return self._too_many("You have reached your ten_secondly_rolling limit.",
                                          "TEN_SECONDLY_ROLLING", wait)
                self._window.append(now)
            self.daily_used += 1
        return None

    def _too_many(self, message: str, policy: str, retry_after: float) -> Response:
        body = {"status": "error", "message": message, "errorType": "RATE_LIMIT", "correlationId": str(uuid.uuid4()),
                "policyName": policy}
        headers = {"Retry-After": f"{retry_after:g}"} | self.headers()
        return Response(429, body, headers)

    def headers(self) -> dict[str, str]:
        return {"X-HubSpot-RateLimit-Daily": str(self.daily_limit),
                "X-HubSpot-RateLimit-Daily-Remaining": str(max(self.daily_limit - self.daily_used, 0)),
                "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
                "X-HubSpot-RateLimit-Max": str(self.ten_second_limit),
                "X-HubSpot-RateLimit-Remaining": str(max(self.ten_second_limit - len(self._window), 0))}
