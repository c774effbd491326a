"""The contract rig of the HubSpot connector: the real hubspot-api-client against the sandbox CRM.

Also the helpers the HubSpot integration tests share (``sandbox_connector``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from connectors.base import ObjectKind
from connectors.hubspot.connector import HubSpotConnector, build
from connectors.retry import RetryPolicy
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.run import sandbox_env
from sandbox_crm.server import SandboxServer

_MEETING_TYPES = {"visit": "Visite client", "demo": "Démonstration", "meeting": "Réunion"}


class SleepLog:
    """A retry sleep that records the delays instead of sleeping."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def sandbox_connector(server: SandboxServer, *, env: dict[str, str] | None = None, mapping: Any = None,
                      sleep: SleepLog | None = None, max_attempts: int = 4, max_daily_share: float = 0.5
                      ) -> HubSpotConnector:
    """A connector built as production builds it, pointed at the sandbox, whose retries never really sleep."""
    variables = {k: v for k, v in sandbox_env(server).items() if k.startswith("PAC_HS_")}
    variables["PAC_HS_SEARCH_PER_SECOND"] = "1000"
    variables.update(env or {})
    policy = RetryPolicy(max_attempts=max_attempts, sleep=sleep or SleepLog(), jitter=lambda: 0.0)
    return build("hs-test", mapping, variables, max_daily_share=max_daily_share, policy=policy)


class HubSpotRig:
    def __init__(self) -> None:
        self.api = HubSpotApi(None)
        self.server = SandboxServer([self.api]).start()
        self.owner = self.api.add_owner("julie.martin@durand-process.example", "Julie", "Martin")
        self.company = self.api.add("companies", {"name": "Lyon A", "zip": "69003", "hubspot_owner_id": self.owner})
        self.connector = sandbox_connector(self.server)
        self.connector.provision_schema()

    def add_activity(self, *, subject: str = "Visite", kind: str = "visit", account: bool = True) -> str:
        start = datetime(2027, 5, 3, 7, 30, tzinfo=UTC)
        companies = (self.company,) if account else ()
        if kind == "call":
            return self.api.add("calls", {"hs_call_title": subject, "hs_timestamp": start,
                                          "hs_call_status": "COMPLETED", "hubspot_owner_id": self.owner},
                                companies=companies)
        return self.api.add("meetings", {"hs_meeting_title": subject, "hs_meeting_start_time": start,
                                         "hs_timestamp": start, "hs_meeting_outcome": "COMPLETED",
                                         "hs_activity_type": _MEETING_TYPES.get(kind, "Réunion"),
                                         "hubspot_owner_id": self.owner}, companies=companies)

    def _object(self, kind: ObjectKind, crm_id: str) -> str:
        if kind is ObjectKind.ACTIVITIES:
            return "calls" if crm_id in self.api.tables["calls"].rows else "meetings"
        return {ObjectKind.ACCOUNTS: "companies", ObjectKind.DEALS: "deals"}[kind]

    def touch(self, kind: ObjectKind, crm_id: str) -> None:
        self.api.update(self._object(kind, crm_id), crm_id, {})

    def delete(self, kind: ObjectKind, crm_id: str) -> None:
        self.api.archive(self._object(kind, crm_id), crm_id)

    def fault(self, kind: str, times: int = 1) -> None:
        self.server.faults.inject("hubspot", kind, path="^/crm/", times=times)

    def calls(self) -> int:
        return self.server.calls["hubspot"]

    def account_id(self) -> str:
        return self.company

    def close(self) -> None:
        self.connector.close()
        self.server.stop()


def make(tmp_path: Path) -> HubSpotRig:
    return HubSpotRig()
