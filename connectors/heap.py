"""The garbage collector during a pull: what was alive when it started is left out of its collections.

A pull decodes and builds hundreds of thousands of small objects (JSON dicts and lists, records); CPython's
cyclic collector runs every few hundred of them, and every tenth or so of those runs is a full collection that
scans the whole heap again: the modules, the client libraries' generated classes and the store's session, more
than 100,000 objects that a pull never frees. ``frozen_heap`` moves what is alive when the outermost pull starts to
the collector's permanent generation (``gc.freeze``) and gives it back when that pull ends (``gc.unfreeze``): the
collector still runs, on the pull's own objects only, so a reference cycle the pull makes is still collected
during the pull (unlike ``gc.disable``). Measured on the bench org (docs/engine.md, "Pull throughput"): a full
collection cost 35-80 ms in every HubSpot pull of 15,000 records, about a sixth of the connector's CPU.

Nested and concurrent pulls (two connectors in two threads) share one freeze: the first to start freezes, the last
to end thaws. When something else already froze the heap (a process that freezes after its start-up), it is left
as it is.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_ours = False


@contextmanager
def frozen_heap() -> Iterator[None]:
    """The objects alive on entry are out of the collector's sight until the outermost block ends."""
    global _depth, _ours
    with _lock:
        if _depth == 0:
            _ours = gc.get_freeze_count() == 0
            if _ours:
                gc.freeze()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _ours:
                gc.unfreeze()
                _ours = False
