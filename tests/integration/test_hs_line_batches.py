"""HubSpot line items are batch-read 100 a call across the deals' association buffers (audit quota F6): the line
items of each 1,000-deal buffer were read on their own, so every buffer left a partial batch (the audit's 2,253
lines of 1,171 deals took 24 calls, where 23 carry them). The lines a buffer leaves over are read with the next
buffer's, and its deals pulled then; the records are the same."""

from __future__ import annotations

import math

import pytest

import connectors.hubspot.connector as hubspot_connector
from connectors.base import ObjectKind
from pac_core.records import Deal
from sandbox_crm.demo_org import build_demo_org
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.server import SandboxServer
from tests.contract.factory_hubspot import sandbox_connector


def _lines_read(connector: hubspot_connector.HubSpotConnector) -> int:
    return connector.usage().by_endpoint.get("batch_read.line_items", 0)


def test_line_items_are_read_100_a_call_across_buffers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo's 269 deals in buffers of 30 (9 buffers of about 54 lines): the full pull reads their line items in
    as many calls as 100 a call needs, and yields the same deals, lines included, as one buffer does (seen failing
    before the fix: 9 calls, one per buffer, for 486 lines, where 5 carry them)."""
    api = HubSpotApi(build_demo_org())
    with SandboxServer([api]) as server:
        connector = sandbox_connector(server)
        try:
            whole = {d.id: d for d in connector.pull(ObjectKind.DEALS, None) if isinstance(d, Deal)}
            monkeypatch.setattr(hubspot_connector, "ASSOCIATION_BUFFER", 30)
            before = _lines_read(connector)
            buffered = [d for d in connector.pull(ObjectKind.DEALS, None) if isinstance(d, Deal)]
            spent = _lines_read(connector) - before
        finally:
            connector.close()
    lines = {line for deal in whole for line in api.portal.links.get(("deals", "line_items"), {}).get(deal, {})}
    assert len(whole) > 240 and len(lines) > 400
    assert spent == math.ceil(len(lines) / 100), (spent, len(lines))
    assert len(buffered) == len(whole) and {d.id: d for d in buffered} == whole
