"""Fault injection, shared by both dialects: one ``FaultBook`` per sandbox server.

A test books faults (``server.faults.inject("salesforce", "rate_limit", path="query", times=2)``); the server
takes the first matching one for each request to a dialect and either drops the connection (``drop``) or hands
it to the dialect, which answers it in its vendor's documented format (a 403 ``REQUEST_LIMIT_EXCEEDED``, a 429
with ``Retry-After``, a 503, an expired session, a locked row, a used-up daily quota). One is no documented
behaviour, for the client's guard against it: ``short_answer`` (Salesforce sObject Collections) applies every record
and answers only the first ``keep`` results.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any, Protocol

FAULT_KINDS = ("rate_limit", "server_error", "drop", "expire_session", "lock_row", "quota", "short_answer",
               "invalid_input", "conflict")


class Addressed(Protocol):
    """What a fault matches a request on: its path (``http.Request`` is one)."""

    path: str


@dataclass
class Fault:
    api: str
    kind: str
    path: re.Pattern[str]
    times: int
    detail: dict[str, Any]


class FaultBook:
    """Faults to inject, consumed in order: ``inject("salesforce", "rate_limit", path="query", times=2)``."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def inject(self, api: str, kind: str, *, path: str = ".*", times: int = 1, **detail: Any) -> None:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; use one of {FAULT_KINDS}")
        with self._lock:
            self._faults.append(Fault(api, kind, re.compile(path), times, detail))

    def take(self, api: str, request: Addressed, kinds: tuple[str, ...] = FAULT_KINDS) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.api == api and fault.kind in kinds and fault.path.search(request.path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
