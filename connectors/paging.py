"""The one cursor pager of the connectors, with a loop guard.

Every CRM read that follows a server cursor goes through ``follow``: Salesforce's ``nextRecordsUrl`` (REST
query) and ``Sforce-Locator`` (Bulk API 2.0 results), HubSpot's ``paging.next.after`` (list, owners;
associations v4 page each record's links with its own cursor inside one batch call: they use ``CursorGuard``,
the same guard, directly). HubSpot's search pages are keyset pages (``connectors/hubspot/reads.py``): their
"cursor" is the next search itself, so an answer that would make pac ask the same search twice stops the same way.
A server that hands back a cursor it already gave (a proxy replaying a page, a vendor bug, a sandbox fault) would
otherwise make the loop read the same page forever and spend the org's daily allocation: ``follow`` stops at the
first repeated cursor with a ``ConnectorError`` naming what was being read.

``ahead`` runs any iterator one item ahead in a worker thread: the HubSpot pull reads its next buffer of records
(search pages, associations, line items) while the current one is normalised.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar, cast

from connectors.base import ConnectorError

P = TypeVar("P")
T = TypeVar("T")
_END = object()


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


def _always(_page: object) -> bool:
    return True


def follow(first: Callable[[], P], following: Callable[[str], P], cursor: Callable[[P], str | None], *,
           what: str, prefetch: bool | Callable[[P], bool] = True) -> Iterator[P]:
    """Pages: ``first()``, then ``following(c)`` for each cursor ``c = cursor(page)`` until it is empty.

    With ``prefetch`` (the default) the next page is requested, in one worker thread, as soon as the current
    page's cursor is known, so the caller's work on a page (normalising its records, reading what rides along)
    overlaps the CRM's answer to the next request: the same requests in the same order, at most one page ahead;
    an error of the next request is raised when its page is reached, as without prefetching. A function as
    ``prefetch`` says, per page, whether its next page may be asked for before the caller is done with it (a
    Salesforce page holding a child cursor may not: the parent's queryMore invalidates it); when it says no, the next
    page is asked for once the caller is done. Raises ``RepeatedCursor`` (a ``ConnectorError``) when a cursor comes
    back a second time.
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
    early: Callable[[P], bool] = prefetch if callable(prefetch) else _always
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pac-page")
    try:
        while True:
            nxt = cursor(page)
            pending: Future[P] | None = None
            if nxt:
                guard.check(nxt)
                if early(page):
                    pending = pool.submit(following, nxt)
            yield page
            if not nxt:
                return
            page = pending.result() if pending is not None else following(nxt)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def ahead(items: Iterator[T], *, name: str = "pac-ahead") -> Iterator[T]:
    """``items``, each produced in one worker thread while the caller works on the one before: at most one item
    ahead, in the same order, with the same requests as without it (``follow``'s prefetch, for what is read in
    steps of several requests: a buffer of records with the associations and line items that ride along). An
    error of the worker is raised when its item is reached, after every item before it. When the caller stops
    early, the item under way is finished and ``items`` is closed (its ``finally`` blocks run) in the worker."""
    ctx = contextvars.copy_context()        # the caller's context variables (log context) in the worker too

    def produce() -> object:
        return ctx.run(next, items, _END)

    def close() -> None:
        closing = getattr(items, "close", None)
        if closing is not None:
            ctx.run(closing)

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
    try:
        pending = pool.submit(produce)
        while True:
            item = pending.result()
            if item is _END:
                return
            pending = pool.submit(produce)
            yield cast(T, item)
    finally:
        pool.submit(close)      # after the item under way, in the worker: a generator is not reentrant
        pool.shutdown(wait=False)
