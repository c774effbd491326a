"""Start the sandbox CRM (Salesforce and/or HubSpot dialects) and point the connectors at it.

``server = start_sandbox()`` seeds both dialects from the demo organisation and starts the HTTPS
server; ``sandbox_env(server)`` gives the environment variables ``connectors.salesforce.build`` and
the HubSpot connector read, so the demo and the tests use the real client libraries unchanged.
Stop it with ``server.stop()`` (or use it as a context manager).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from sandbox_crm.demo_org import DemoOrg, build_demo_org
from sandbox_crm.server import Api, SandboxServer

SF_CONSUMER_KEY = "pac-sandbox-consumer-key"
SF_CLIENT_ID = "pac-sandbox-client-id"
SF_CLIENT_SECRET = "pac-sandbox-client-secret"  # noqa: S105 - the sandbox's own throw-away credential
HS_TOKEN_DEFAULT = "pac-sandbox-hubspot-token"  # noqa: S105 - idem


def start_sandbox(org: DemoOrg | None = None, *, salesforce: bool = True, hubspot: bool = True) -> SandboxServer:
    """A started sandbox CRM seeded with ``org`` (default: the demo organisation)."""
    org = org if org is not None else build_demo_org()
    apis: list[Api] = []
    if salesforce:
        from sandbox_crm.salesforce_api import SalesforceApi

        apis.append(SalesforceApi(org))
    if hubspot:
        module = _optional("sandbox_crm.hubspot_api")
        if module is not None:
            apis.append(module.HubSpotApi(org))
    server = SandboxServer(apis)
    server.start()
    for api in apis:    # dialects that need the server (faults, base URL) get it once started
        attach = getattr(api, "attach", None)
        if callable(attach):
            attach(server)
    return server


def _optional(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None


def sandbox_env(server: SandboxServer) -> dict[str, str]:
    """Environment variables pointing the Salesforce (``PAC_SF_*``) and HubSpot (``PAC_HS_*``) connectors here.

    Salesforce uses OAuth client credentials against the sandbox's token endpoint.
    """
    env = {
        "PAC_SF_AUTH": "client_credentials",
        "PAC_SF_DOMAIN": server.host_port,
        "PAC_SF_CLIENT_ID": SF_CLIENT_ID,
        "PAC_SF_CLIENT_SECRET": SF_CLIENT_SECRET,
        "PAC_SF_CA_BUNDLE": server.ca_path,
        "PAC_SF_API_VERSION": "62.0",
    }
    hs_token = HS_TOKEN_DEFAULT
    module = _optional("sandbox_crm.hubspot_api")
    if module is not None:
        hs_token = getattr(module, "SANDBOX_TOKEN", getattr(module, "TOKEN", HS_TOKEN_DEFAULT))
    env.update({"PAC_HS_ACCESS_TOKEN": hs_token, "PAC_HS_HOST": server.base_url, "PAC_HS_CA_BUNDLE": server.ca_path})
    return env
