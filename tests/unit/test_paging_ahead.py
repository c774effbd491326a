"""``connectors.paging.ahead``: the next item (a HubSpot buffer of records with its associations and line items) is
produced in a worker thread while the caller works on the current one, at most one ahead, in order; errors
come at their place and a caller that stops early closes the source."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from connectors.paging import ahead

WAIT = 30.0     # seconds: a bound on a thread handoff, never reached when it works


def test_the_items_come_in_order_each_once() -> None:
    assert list(ahead(iter(range(7)))) == [0, 1, 2, 3, 4, 5, 6]
    assert list(ahead(iter([]))) == []


def test_the_next_item_is_produced_while_the_caller_holds_the_current_one() -> None:
    second_started = threading.Event()

    def source() -> Iterator[int]:
        yield 0
        second_started.set()
        yield 1

    items = ahead(source())
    assert next(items) == 0
    # the caller has not asked for item 1: a plain generator would not have started producing it
    assert second_started.wait(WAIT)
    assert list(items) == [1]


def test_never_more_than_one_item_ahead() -> None:
    started: list[int] = []
    seen: list[tuple[int, int]] = []

    def source() -> Iterator[int]:
        for i in range(6):
            started.append(i)
            yield i

    for item in ahead(source()):
        seen.append((item, len(started)))
    assert [item for item, _ in seen] == [0, 1, 2, 3, 4, 5]
    # when the caller gets item k, items up to k + 1 at most have been started
    assert all(n <= item + 2 for item, n in seen)


def test_an_error_comes_after_every_item_before_it() -> None:
    def source() -> Iterator[int]:
        yield 0
        yield 1
        raise RuntimeError("page 3 failed")

    got: list[int] = []
    with pytest.raises(RuntimeError, match="page 3 failed"):
        for item in ahead(source()):
            got.append(item)
    assert got == [0, 1]


def test_a_caller_that_stops_early_closes_the_source() -> None:
    closed = threading.Event()

    def source() -> Iterator[int]:
        try:
            yield from range(100)
        finally:
            closed.set()

    items = ahead(source())
    assert next(items) == 0
    items.close()
    assert closed.wait(WAIT)
