"""Start the sandbox CRM (Salesforce and/or HubSpot dialects) and point the connectors at it.

``server = start_sandbox()`` seeds both dialects from the demo organisation and starts the HTTPS
server; ``sandbox_env(server)`` gives the environment variables ``connectors.salesforce.build`` and
the HubSpot connector read, so the demo and the tests use the real client libraries unchanged.
Stop it with ``server.stop()`` (or use it as a context manager).
"""

from __future__ import annotations

import argparse
import sys

from sandbox_crm.demo_org import DemoOrg, build_demo_org
from sandbox_crm.http import Api
from sandbox_crm.hubspot import SANDBOX_TOKEN, HubSpotApi
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import SandboxServer

SF_CONSUMER_KEY = "pac-sandbox-consumer-key"
SF_CLIENT_ID = "pac-sandbox-client-id"
SF_CLIENT_SECRET = "pac-sandbox-client-secret"  # noqa: S105 - the sandbox's own throw-away credential


def start_sandbox(org: DemoOrg | None = None, *, salesforce: bool = True, hubspot: bool = True) -> SandboxServer:
    """A started sandbox CRM seeded with ``org`` (default: the demo organisation)."""
    org = org if org is not None else build_demo_org()
    apis: list[Api] = []
    if salesforce:
        apis.append(SalesforceApi(org))
    if hubspot:
        apis.append(HubSpotApi(org))
    server = SandboxServer(apis)
    server.start()
    for api in apis:    # dialects that need the server (faults, base URL) get it once started
        attach = getattr(api, "attach", None)
        if callable(attach):
            attach(server)
    return server


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
        "PAC_HS_ACCESS_TOKEN": SANDBOX_TOKEN,
        "PAC_HS_HOST": server.base_url,
        "PAC_HS_CA_BUNDLE": server.ca_path,
    }
    return env


def main(argv: list[str] | None = None) -> int:
    """``python -m sandbox_crm.run``: this module is the library the tests and ``pac sandbox`` start the sandbox with;
    a contributor's first guess at running it by hand printed nothing and exited 0 (usplan audit, minor list). It
    says which command serves the sandbox by hand instead, and exits 2 (a usage error) unless asked for ``--help``."""
    parser = argparse.ArgumentParser(
        prog="python -m sandbox_crm.run",
        description="The sandbox CRM's start-up functions (start_sandbox, sandbox_env), for tests and scripts: "
                    "this module serves nothing by itself.",
        epilog=_BY_HAND)
    parser.parse_args(argv)
    sys.stderr.write(f"python -m sandbox_crm.run serves nothing: {_BY_HAND}\n")
    return 2


_BY_HAND = ("To try pac by hand against the sandbox CRM, run `pac sandbox` (`./dev pac sandbox` in a fresh clone): it "
            "seeds the demo organisation, serves both dialects until Ctrl-C and writes the environment file to source "
            "(docs/operations.md, 'Try it by hand'). From Python: server = start_sandbox(org); env = "
            "sandbox_env(server); ... server.stop().")


if __name__ == "__main__":
    sys.exit(main())
