"""``evaluate()`` builds the activity index and counts the actions on a second thread while the first builds the
account columns, the won-deal ledger and the deal book (pac_core/engine.py ``_build``; docs/engine.md, "Two
threads"): the same counts as on one thread, errors of either side reach the caller, no thread is left behind."""

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import pac_core.engine as engine
from benchmarks.bench_engine import SETTINGS
from benchmarks.realistic import generate_columns
from pac_core.columnar import RecordColumns
from pac_core.engine import build_indexes, count_actions, evaluate
from pac_core.matching import ActivityIndex
from pac_core.plan import Plan
from pac_core.revenue import WonLedger


@pytest.fixture(scope="module")
def organisation() -> tuple[Plan, RecordColumns, Any]:
    return generate_columns(0.02, seed=3)


@pytest.fixture
def no_thread_left() -> Iterator[None]:
    before = {t.ident for t in threading.enumerate()}
    yield
    left = [t.name for t in threading.enumerate() if t.ident not in before and t.name.startswith("pac-activities")]
    assert left == []


def test_counts_made_on_the_second_thread_equal_the_counts_made_on_one(
        organisation: tuple[Plan, RecordColumns, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    plan, columns, as_of = organisation
    threads: list[str] = []
    original: Callable[..., Any] = engine.count_actions

    def counting(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return original(*args, **kwargs)

    monkeypatch.setattr(engine, "count_actions", counting)
    evaluation = evaluate(plan, columns, as_of=as_of, settings=SETTINGS)
    assert threads and all(name.startswith("pac-activities") for name in threads)
    monkeypatch.undo()
    alone = count_actions(plan, build_indexes(plan, columns, SETTINGS), until=as_of.timestamp())  # this thread
    done = {row.action_id: row.done for row in evaluation.actions}
    assert len(done) == len(plan.actions) > 50
    assert sum(done.values()) > 100              # a real organisation, not zeros compared with zeros
    assert done == {action_id: found.done for action_id, found in alone.items()}


@pytest.mark.parametrize(("owner", "method", "words"), [
    (ActivityIndex, "build", "activity column broken"),        # the second thread's side
    (WonLedger, "from_columns", "deal column broken"),         # this thread's, while the second one works
])
def test_an_error_on_either_side_reaches_the_caller_and_leaves_no_thread(
        organisation: tuple[Plan, RecordColumns, Any], monkeypatch: pytest.MonkeyPatch, no_thread_left: None,
        owner: type, method: str, words: str) -> None:
    plan, columns, as_of = organisation

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError(words)

    monkeypatch.setattr(owner, method, broken)
    with pytest.raises(ValueError, match=words):
        evaluate(plan, columns, as_of=as_of, settings=SETTINGS)
