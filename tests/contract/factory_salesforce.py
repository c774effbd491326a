"""The contract rig of the Salesforce connector: the real simple-salesforce client against the sandbox CRM."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from connectors.base import ObjectKind
from connectors.retry import RetryPolicy
from connectors.salesforce.connector import SalesforceConnector, build
from pac_config.loader import config_dir
from sandbox_crm.run import sandbox_env
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import SandboxServer

_OBJECTS = {ObjectKind.ACTIVITIES: "Event", ObjectKind.ACCOUNTS: "Account", ObjectKind.DEALS: "Opportunity",
            ObjectKind.USERS: "User"}
_TYPES = {"visit": "Visite client", "meeting": "Réunion", "demo": "Démonstration"}


class SalesforceRig:
    def __init__(self) -> None:
        self.api = SalesforceApi(None)
        self.server = SandboxServer([self.api]).start()
        self.owner = self.api.create("User", Username="julie@example.com", Email="julie@example.com",
                                     LastName="Martin", Name="Julie Martin", IsActive=True)
        self.account = self.api.create("Account", Name="Lyon A", BillingPostalCode="69003", OwnerId=self.owner)
        no_wait = RetryPolicy(max_attempts=4, sleep=lambda _s: None, jitter=lambda: 0.0)
        self.connector: SalesforceConnector = build("sf-contract", config_dir() / "mappings" / "salesforce.demo.yaml",
                                                    sandbox_env(self.server), policy=no_wait)

    def add_activity(self, *, subject: str = "Visite", kind: str = "visit", account: bool = True) -> str:
        what = self.account if account else None
        start = datetime(2027, 5, 3, 7, 30, tzinfo=UTC)
        if kind in ("call", "email"):
            return self.api.create("Task", Subject=subject, TaskSubtype=kind.title(), Status="Completed",
                                   CompletedDateTime=start, WhatId=what, OwnerId=self.owner)
        return self.api.create("Event", Subject=subject, Type=_TYPES.get(kind, "Other"), ActivityDateTime=start,
                               StartDateTime=start, WhatId=what, OwnerId=self.owner, Statut__c="Réalisée")

    def _object(self, kind: ObjectKind, crm_id: str) -> str:
        if kind is ObjectKind.ACTIVITIES and crm_id.startswith("00T"):
            return "Task"
        return _OBJECTS[kind]

    def touch(self, kind: ObjectKind, crm_id: str) -> None:
        self.api.edit(self._object(kind, crm_id), crm_id)

    def delete(self, kind: ObjectKind, crm_id: str) -> None:
        self.api.delete(self._object(kind, crm_id), crm_id)

    def fault(self, kind: str, times: int = 1) -> None:
        self.server.faults.inject("salesforce", kind, path="/services/data/", times=times)

    def calls(self) -> int:
        return self.server.calls["salesforce"]

    def account_id(self) -> str:
        return self.account

    def close(self) -> None:
        self.connector.close()
        self.server.stop()


def make(tmp_path: Path) -> SalesforceRig:
    return SalesforceRig()
