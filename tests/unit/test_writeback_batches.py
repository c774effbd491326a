"""How ``CrmWriter`` cuts a run's changes into batches (audit bigplan): one target per batch, so that a CRM whose batch
endpoints take one object type each (HubSpot: 100 companies per batch update) makes the fewest calls. A plan of 40
axes, 127 HubSpot actions and 1,236 companies' PAC fields made 14 company batch updates where 13 do: the first batch
of 200 mixed changes held 33 companies, a call of its own."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime

from connectors.base import Target, WriteChange, WriteResult
from sync_jobs.hooks import RunHooks
from sync_jobs.writeback import CrmWriter
from tests.fakes import MemoryWrittenStore

NOW = datetime(2027, 5, 4, 8, 0, tzinfo=UTC)


class BatchConnector:
    """A CRM whose batch endpoints take one object type and ``per_call`` records a call, as HubSpot's."""

    name, crm, per_call = "hs-west", "hubspot", 100

    def __init__(self) -> None:
        self.batches: list[list[WriteChange]] = []
        self.calls = 0

    def write(self, changes: Sequence[WriteChange]) -> list[WriteResult]:
        self.batches.append(list(changes))
        for target in {c.target for c in changes}:
            self.calls += math.ceil(sum(c.target is target for c in changes) / self.per_call)
        return [WriteResult(c.key, True, c.crm_id or f"id-{c.key}") for c in changes]


def _changes() -> list[WriteChange]:
    return ([WriteChange(Target.AXIS, f"p:AX-{k}", {"name": f"Axe {k}"}) for k in range(40)]
            + [WriteChange(Target.ACTION, f"p:A-{k}", {"done": k}) for k in range(127)]
            + [WriteChange(Target.ACCOUNT, f"hs:{k}", {"axes": "AX-1"}, str(k)) for k in range(1236)])


def test_each_batch_holds_one_target_and_the_calls_are_the_minimum() -> None:
    connector, store = BatchConnector(), MemoryWrittenStore()
    outcome = CrmWriter(store, RunHooks(), batch_size=200).write("p", connector, _changes(), now=NOW)
    assert outcome.written == {"axis": 40, "action": 127, "account": 1236}
    assert [len({c.target for c in batch}) for batch in connector.batches] == [1] * len(connector.batches)
    assert [len(batch) for batch in connector.batches] == [40, 127, *[200] * 6, 36]
    assert connector.calls == 1 + 2 + 13
    assert len(store.saved) == 40 + 127 + 1236


def test_axes_go_first_then_actions_then_accounts() -> None:
    """The axes before the actions that link to them and the accounts, whatever order the changes come in; each
    target's changes in their own order."""
    mixed = [WriteChange(Target.ACCOUNT, "hs:1", {"axes": "AX-1"}, "1"), WriteChange(Target.AXIS, "p:AX-1", {}),
             WriteChange(Target.ACTION, "p:A-1", {}), WriteChange(Target.AXIS, "p:AX-2", {}),
             WriteChange(Target.ACCOUNT, "hs:2", {"axes": "AX-2"}, "2")]
    connector = BatchConnector()
    CrmWriter(MemoryWrittenStore(), RunHooks(), batch_size=200).write("p", connector, mixed, now=NOW)
    assert [[c.key for c in batch] for batch in connector.batches] == [["p:AX-1", "p:AX-2"], ["p:A-1"],
                                                                         ["hs:1", "hs:2"]]
