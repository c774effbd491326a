"""The one cursor pager of the connectors, with a loop guard.

Every CRM read that follows a server cursor goes through ``follow``: Salesforce's ``nextRecordsUrl`` (REST
query) and ``Sforce-Locator`` (Bulk API 2.0 results), HubSpot's ``paging.next.after`` (search, list, owners;
associations v4 page each record's links with its own cursor inside one batch call: they use ``CursorGuard``,
the same guard, directly). A server that hands back a cursor it already gave (a proxy replaying a page, a vendor bug, a
sandbox fault) would otherwise make the loop read the same page forever and spend the org's daily allocation:
``follow`` stops at the first repeated cursor with a ``ConnectorError`` naming what was being read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from connectors.base import ConnectorError

P = TypeVar("P")


class RepeatedCursor(ConnectorError):
    """The CRM returned a paging cursor it had already returned: the read stops instead of looping."""


class CursorGuard:
    """The cursors a read has followed; ``check`` raises ``RepeatedCursor`` on the first one seen twice."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.seen: set[str] = set()

    def check(self, cursor: str, *, of: str = "") -> None:
        """Note ``cursor`` (of one record, for cursors per record such as associations), or stop the read."""
        key = f"{of}\x00{cursor}"
        if key in self.seen:
            shown = cursor if len(cursor) <= 80 else cursor[:77] + "..."
            where = f" ({of})" if of else ""
            raise RepeatedCursor(f"{self.what}{where}: the CRM returned the paging cursor {shown!r} a second time "
                                 f"after {len(self.seen) + 1} page(s); stopped instead of reading the same pages "
                                 "forever (a CRM or proxy fault: retry later, and report it if it persists)")
        self.seen.add(key)


def follow(first: Callable[[], P], following: Callable[[str], P], cursor: Callable[[P], str | None], *,
           what: str, prefetch: bool = True) -> Iterator[P]:
    """Pages: ``first()``, then ``following(c)`` for each cursor ``c = cursor(page)`` until it is empty.

    With ``prefetch`` (the default) the next page is requested, in one worker thread, as soon as the current
    page's cursor is known, so the caller's work on a page (normalising its records, reading what rides along)
    overlaps the CRM's answer to the next request: the same requests in the same order, at most one page ahead;
    an error of the next request is raised when its page is reached, as without prefetching. Raises
    ``RepeatedCursor`` (a ``ConnectorError``) when a cursor comes back a second time.
    """
    guard = CursorGuard(what)
    page = first()
    if not prefetch:
        while True:
            yield page
            nxt = cursor(page)
            if not nxt:
                return
            guard.check(nxt)
            page = following(nxt)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pac-page")
    try:
        while True:
            nxt = cursor(page)
            pending: Future[P] | None = None
            if nxt:
                guard.check(nxt)
                pending = pool.submit(following, nxt)
            yield page
            if pending is None:
                return
            page = pending.result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
