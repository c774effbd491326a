"""Fixtures of the integration tests: ``server``, a sandbox CRM (Salesforce and HubSpot over real HTTP) per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox_crm.run import start_sandbox
from sandbox_crm.server import SandboxServer


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with start_sandbox() as started:
        yield started
