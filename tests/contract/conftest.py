"""The connector contract: the same tests run against every adapter through a ``ContractRig``.

Each factory module (``factory_salesforce``, ``factory_hubspot``, ``factory_fake``; all three must
exist) exposes ``make(tmp_path: pathlib.Path) -> ContractRig``. A ``ContractRig`` is an object with:

* ``connector``: a ready ``connectors.base.Connector`` (retries must not really sleep);
* ``add_activity(*, subject: str = "Visite", kind: str = "visit", account: bool = True) -> str``: create
  in the CRM one activity of that kind (a visit report by default) on an existing account (or none),
  return its CRM id;
* ``touch(kind: ObjectKind, crm_id: str) -> None``: change the record in the CRM so its change stamp moves;
* ``delete(kind: ObjectKind, crm_id: str) -> None``: delete it in the CRM (recycle bin / archive);
* ``fault(kind: str, times: int = 1) -> None``: the next ``times`` CRM calls fail with that fault
  (``"rate_limit"`` or ``"server_error"``);
* ``calls() -> int``: API calls the CRM has answered so far;
* ``account_id() -> str``: the CRM id of one existing account (for ``Target.ACCOUNT`` writes);
* ``close() -> None``: release everything (the fixture calls it).

The contract (``test_connector_contract.py``): pulls yield only normalised records, ``Rejected`` or
``ManagerEdit``; an incremental pull since a watermark returns records changed at or after it (equal
stamps included); deleted activities come back flagged; ``write`` returns one result per change, in
order; writing the same change twice is idempotent; ``usage()`` counts calls; vendor exceptions never
leak (after an injected 5xx or rate limit the caller sees success or a ``connectors.base`` exception).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

FACTORIES = ("factory_salesforce", "factory_hubspot", "factory_fake")


CRM_FACTORIES = FACTORIES[:2]   # the real connectors over their client libraries (not the in-memory fake)


def _made(name: str, tmp_path: Path) -> Iterator[Any]:
    module = importlib.import_module(f"tests.contract.{name}")
    made = module.make(tmp_path)
    try:
        yield made
    finally:
        made.close()


@pytest.fixture(params=FACTORIES)
def rig(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A ContractRig from each factory module (a missing module is an error, not a skip)."""
    yield from _made(request.param, tmp_path)


@pytest.fixture(params=CRM_FACTORIES)
def crm_rig(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A ContractRig of each real connector only: what holds of the client libraries' objects (no skip on the fake,
    which makes none)."""
    yield from _made(request.param, tmp_path)


@pytest.fixture
def connector(rig: Any) -> Any:
    return rig.connector
