"""The HubSpot transport's connections: every API object of the client library shares one urllib3 pool, so a run
opens (and TLS-handshakes) a connection per concurrent caller, not one per endpoint."""

from __future__ import annotations

from connectors.base import ObjectKind
from pac_core.records import Deal
from sandbox_crm.demo_org import build_demo_org
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.server import SandboxServer
from tests.contract.factory_hubspot import sandbox_connector

# what a full pull calls: owners, pipelines, search, the archived lists, associations, line items' batch reads
PULL_APIS = ("owners", "pipelines", "objects.search", "objects.basic", "associations", "objects.batch")


def test_a_full_pull_shares_one_pool_across_endpoints() -> None:
    """After a full pull of the demo portal every API object it used has the same pool manager, which holds one
    connection pool (one host) that opened at most one connection per thread calling at once (the caller, the
    buffer reader, the page prefetch, the line items' batch reads): six endpoints, at most four connections."""
    with SandboxServer([HubSpotApi(build_demo_org())]) as server:
        connector = sandbox_connector(server)
        try:
            records = [r for kind in ObjectKind if kind is not ObjectKind.PAC_EDITS
                       for r in connector.pull(kind, None, full=True)]
            assert any(isinstance(r, Deal) and r.lines for r in records)       # the line items were read too
            managers = {id(connector.transport.api(name).api_client.rest_client.pool_manager) for name in PULL_APIS}
            assert len(managers) == 1
            manager = connector.transport.api("owners").api_client.rest_client.pool_manager
            pools = [manager.pools[key] for key in manager.pools.keys()]  # noqa: SIM118 (not iterable: urllib3)
            assert len(pools) == 1
            assert 1 <= pools[0].num_connections <= 4
        finally:
            connector.close()
