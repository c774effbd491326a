"""The contract rig of the in-memory ``FakeConnector`` (tests/fakes.py), so the fake obeys the same contract."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

from connectors.base import ObjectKind
from pac_core.plan import ActivityType
from tests.fakes import FakeConnector, account, user, visit

_KINDS = {"visit": ActivityType.VISIT, "call": ActivityType.CALL, "meeting": ActivityType.MEETING,
          "demo": ActivityType.DEMO, "email": ActivityType.EMAIL}


class FakeRig:
    def __init__(self) -> None:
        self.connector = FakeConnector("fake")
        self._ids = itertools.count(1)
        self._now = datetime(2027, 5, 1, 8, 0, tzinfo=UTC)
        self.connector.put(user("u1", "julie@example.com"), account("a1", modified_at=self._tick()))

    def _tick(self) -> datetime:
        self._now += timedelta(seconds=1)
        return self._now

    def add_activity(self, *, subject: str = "Visite", kind: str = "visit", account: bool = True) -> str:
        crm_id = f"act-{next(self._ids):05d}"
        stamp = self._tick()
        self.connector.put(visit(crm_id, "u1", "a1" if account else None, stamp, type=_KINDS.get(kind),
                                 subject=subject, modified_at=stamp))
        return crm_id

    def touch(self, kind: ObjectKind, crm_id: str) -> None:
        store = self.connector.records[kind.value]
        store[crm_id] = dataclasses.replace(store[crm_id], modified_at=self._tick())

    def delete(self, kind: ObjectKind, crm_id: str) -> None:
        store = self.connector.records[kind.value]
        store[crm_id] = dataclasses.replace(store[crm_id], deleted=True, modified_at=self._tick())

    def fault(self, kind: str, times: int = 1) -> None:
        self.connector.faults.extend([kind] * times)

    def calls(self) -> int:
        return self.connector.usage().calls

    def account_id(self) -> str:
        return "a1"

    def close(self) -> None:
        self.connector.close()


def make(tmp_path: Path) -> FakeRig:
    return FakeRig()
