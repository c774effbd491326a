"""connectors.heap.frozen_heap: one freeze shared by nested and concurrent pulls, never thawing someone else's."""

from __future__ import annotations

import gc
import threading

import pytest

from connectors.heap import frozen_heap


@pytest.fixture(autouse=True)
def _thawed() -> None:
    """Each test starts from a thawed heap: a pull an earlier test left in a reference cycle is finalised first."""
    gc.collect()
    assert gc.get_freeze_count() == 0


def test_the_outermost_block_freezes_and_the_last_to_end_thaws() -> None:
    before = [{"kept": [i]} for i in range(3)]      # tracked containers alive before the block
    with frozen_heap():
        frozen = gc.get_freeze_count()
        assert frozen >= len(before)
        with frozen_heap():
            assert gc.get_freeze_count() == frozen     # nested: no second freeze
        assert gc.get_freeze_count() == frozen         # the outer block still runs
    assert gc.get_freeze_count() == 0


def test_an_error_inside_still_thaws() -> None:
    try:
        with frozen_heap():
            assert gc.get_freeze_count() > 0
            raise KeyError("boom")
    except KeyError:
        pass
    assert gc.get_freeze_count() == 0


def test_concurrent_blocks_share_one_freeze() -> None:
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with frozen_heap():
            inside.set()
            release.wait(timeout=30)

    worker = threading.Thread(target=other)
    worker.start()
    assert inside.wait(timeout=30)
    with frozen_heap():
        pass
    assert gc.get_freeze_count() > 0                   # the other thread's block still runs
    release.set()
    worker.join(timeout=30)
    assert gc.get_freeze_count() == 0


def test_a_heap_frozen_by_someone_else_is_left_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with frozen_heap():
            assert gc.get_freeze_count() >= frozen
        assert gc.get_freeze_count() >= frozen > 0     # not thawed by the pull
    finally:
        gc.unfreeze()
