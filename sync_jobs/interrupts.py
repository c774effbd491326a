"""How ``pac`` stops when it is asked to: SIGTERM takes the path of Ctrl-C.

SIGTERM is what ``kill``, systemd (``systemctl stop``), Kubernetes, and cron or CI timeouts send. Without a handler
Python ends at once with no clean-up: a ``pac sync`` ended that way exited -15 with no message and left its run
``running`` in ``pac status`` for good. ``install()`` (called by ``sync_jobs.cli.run`` for every command) makes it
raise ``Terminated``, a ``KeyboardInterrupt``, in the main thread, as Ctrl-C (SIGINT) raises ``KeyboardInterrupt``:
the run being synced is closed as ``failed`` with the words of ``interruption`` (``sync_jobs.unit_of_work``), the
locks are released, and the command exits with its own code (``sync_jobs.exit_codes.EXIT_INTERRUPTED``). Commands
that stop cleanly on their own (``pac schedule``, ``pac sandbox``) install their own handlers over it.

Light on purpose: loaded by ``sync_jobs.cli`` before any command (``pac --help`` included).
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

# the head of the error a run gets when the next run closes it, its process having ended without closing it
# (killed): ``unit_of_work.ABANDONED``, and how ``pac status`` recognises such a run
ABANDONED_HEAD = "interrupted: the process ended without closing the run"
# what an interrupted run means for the next one (the run's error, ``pac sync``'s line)
NOTHING_LOST = "nothing is lost, the next run starts over"


class Terminated(KeyboardInterrupt):
    """The process was sent SIGTERM (its args: the signal's name)."""


_terminated = threading.Event()
_run_opened = threading.Event()   # this process opened a run in the store (``note_run_opened``)


def raise_terminated(signum: int, _frame: FrameType | None) -> None:
    _terminated.set()
    raise Terminated(signal.Signals(signum).name)


def terminating() -> bool:
    """Whether this process was sent SIGTERM (``install``): a CRM call failing from then on is not retried
    (``connectors.retry.stop_retrying_when``, registered by ``sync_jobs.factory``), so a read under way on a prefetch
    thread ends with its call (``read_timeout`` at most) instead of retrying while the process waits for it."""
    return _terminated.is_set()


def note_run_opened() -> None:
    """A run of this process was opened in the store (``StoreUnitOfWork.start_run``): from now on an interruption
    closes it as interrupted (``sync_jobs.cli.interrupted`` says so only then)."""
    _run_opened.set()


def run_opened() -> bool:
    """Whether this process opened a run in the store (``note_run_opened``): a ``pac sync`` stopped while it waits
    for the lock or reads its settings has no run to close, and nothing was sent or stored."""
    return _run_opened.is_set()


def install() -> None:
    """SIGTERM raises ``Terminated`` in the main thread from now on (call it from the main thread)."""
    signal.signal(signal.SIGTERM, raise_terminated)


def interruption(exc: BaseException) -> str:
    """How the process was stopped, in words: ``SIGTERM`` or ``Ctrl-C (SIGINT)``."""
    if isinstance(exc, Terminated):
        return str(exc.args[0]) if exc.args else "SIGTERM"
    return "Ctrl-C (SIGINT)"


class StopRequest:
    """A stop asked of runs in other threads (``pac schedule``'s signal handler, in the main thread, for the sync
    running in a job thread, where no signal handler runs). A run given ``check`` calls it between its steps, before
    each write batch and each pulled object, and while it waits for a lock (``sync_jobs.pipeline.run_sync``): once a
    stop is asked, it raises there as the signal would have in the run's own thread (``Terminated``, or
    ``KeyboardInterrupt`` for SIGINT), so the run is closed as interrupted and nothing more is sent."""

    def __init__(self) -> None:
        self._signal: str | None = None
        self._lock = threading.Lock()

    def request(self, signal_name: str) -> None:
        with self._lock:
            self._signal = self._signal or signal_name

    def clear(self) -> None:
        with self._lock:
            self._signal = None

    @property
    def requested(self) -> str | None:
        """The signal that asked for the stop, or None."""
        return self._signal

    def check(self) -> None:
        """Raise when a stop was asked."""
        name = self._signal
        if name is not None:
            raise KeyboardInterrupt() if name == "SIGINT" else Terminated(name)
