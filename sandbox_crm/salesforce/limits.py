"""The org's daily API request allocation (``/limits`` ``DailyApiRequests``; every data response's
``Sforce-Limit-Info: api-usage=used/max``), as the REST API Developer Guide documents them; past the maximum,
403 ``REQUEST_LIMIT_EXCEEDED``."""

from __future__ import annotations

from sandbox_crm.faults import Fault
from sandbox_crm.http import Response
from sandbox_crm.salesforce.wire import error


class DailyLimit:
    def __init__(self, daily_max: int) -> None:
        self.daily_max, self.used = daily_max, 0

    def set(self, maximum: int, used: int | None = None) -> None:
        self.daily_max = maximum
        if used is not None:
            self.used = used

    def spend(self, fault: Fault | None) -> Response | None:
        """Count one data request (a ``quota`` fault first uses the day up to ``remaining``); the refusal when
        the request is over the allocation or a ``rate_limit`` fault hits it, else None."""
        if fault is not None and fault.kind == "quota":
            self.used = max(self.used, self.daily_max - int(fault.detail.get("remaining", 5)))
        self.used += 1
        if fault is not None and fault.kind == "rate_limit":
            return error(403, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded.")
        if self.used > self.daily_max:
            return error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
        return None

    def header(self) -> str:
        return f"api-usage={min(self.used, self.daily_max)}/{self.daily_max}"

    def describe(self) -> Response:
        """``GET /limits``."""
        return Response(200, {"DailyApiRequests": {"Max": self.daily_max,
                                                   "Remaining": max(self.daily_max - self.used, 0)}})
