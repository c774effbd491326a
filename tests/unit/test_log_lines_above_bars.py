"""A log line written while the progress bars are drawn is printed above them, on a line of its own (audit
newcomer3): on a terminal, `pac sync --full` showed ``reading sf-main users ━━━ 0/8 0:00:002026-12-07 09:50:41,014
INFO pac.sync sync.pull ...``, the log line glued to a bar and the bars drawn again under it, because the log handler
kept the stderr of its start while rich's bars print what is written to ``sys.stderr`` above themselves."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator

import pytest
from rich.console import Console

from sync_jobs.logs import setup_logging
from sync_jobs.run_views import Bars


@pytest.fixture
def logging_restored() -> Iterator[None]:
    """``pac``'s text logging set up; the root logger as it was after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    setup_logging("text")
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def patched_stderr(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """The process's stderr, a string (patched in the test itself: pytest's capture sets ``sys.stderr`` again
    between a fixture's setup and the test)."""
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    return err


def test_a_log_line_goes_through_the_bars_console(logging_restored: None, monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = patched_stderr(monkeypatch)
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    with Bars(console, enabled=True) as bars:
        bars.show("users", "reading sf-main users", 3, 8)
        logging.getLogger("pac.sync").info("sync.pull crm=salesforce object=users records=8")
        bars.show("users", "reading sf-main users", 8, 8)
    assert "INFO pac.sync sync.pull crm=salesforce object=users records=8" in screen.getvalue()
    assert "sync.pull" not in stderr.getvalue()


def test_without_bars_the_log_goes_to_stderr(logging_restored: None, monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = patched_stderr(monkeypatch)
    logging.getLogger("pac.sync").info("sync.end plan=p run=1 status=ok")
    assert stderr.getvalue().rstrip().endswith("INFO pac.sync sync.end plan=p run=1 status=ok")


def test_a_stream_set_by_hand_stays(logging_restored: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """``handler.setStream(...)`` (what the redaction tests do) still sends the lines there."""
    stderr = patched_stderr(monkeypatch)
    elsewhere = io.StringIO()
    logging.getLogger().handlers[0].setStream(elsewhere)  # type: ignore[attr-defined]
    logging.getLogger("pac.sync").warning("sync.warn x=1")
    assert "sync.warn x=1" in elsewhere.getvalue() and "sync.warn" not in stderr.getvalue()
