"""HubSpot's archived lists (audit hsemu F1): pac asks for them with the documented ``archived=true`` and retires only
what they hold as archived. hubspot-api-client serialises a Python bool as ``True``; a server that reads only the
documented ``true`` (the sandbox, as HubSpot's reference writes it) then answers the live list, and pac retired every
live deal, company, engagement and owner in one run. And a list holding a live record (a server that ignores the
flag) retires nothing of it: each listed object's own ``archived`` decides. Through hubspot-api-client against the
sandbox CRM."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from connectors.base import ObjectKind
from connectors.hubspot.connector import HubSpotConnector
from pac_core.records import Deal, User
from sandbox_crm.http import Request, Response
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.hubspot.objects import Objects
from sandbox_crm.hubspot.owners import Owners
from sandbox_crm.server import SandboxServer
from tests.contract.factory_hubspot import sandbox_connector

STAMP = datetime(2027, 4, 20, 12, 0, tzinfo=UTC)
JULIE = "julie.martin@durand-process.example"


class Portal:
    """Two live won deals and one archived, an active owner and an archived one."""

    def __init__(self, api: HubSpotApi, connector: HubSpotConnector) -> None:
        self.api, self.connector = api, connector
        self.julie = api.add_owner(JULIE, "Julie", "Martin")
        self.paul = api.add_owner("paul.roux@durand-process.example", "Paul", "Roux", archived=True)
        company = api.add("companies", {"name": "Lyon A", "zip": "69003", "hubspot_owner_id": self.julie},
                          modified=STAMP)
        self.deals = [api.add("deals", {"dealname": f"Pompe {n}", "amount": str(n), "pipeline": "default",
                                        "dealstage": "closedwon", "closedate": "2027-04-10T10:00:00.000Z",
                                        "hubspot_owner_id": self.julie}, modified=STAMP, companies=(company,))
                      for n in (1000, 2000, 3000)]
        api.archive("deals", self.deals[2])

    def deleted_deals(self) -> list[str]:
        return sorted(d.id for d in self.connector.pull(ObjectKind.DEALS, None, full=True)
                      if isinstance(d, Deal) and d.deleted)

    def users(self) -> list[tuple[str, bool]]:
        return sorted((u.id, u.active) for u in self.connector.pull(ObjectKind.USERS, None)
                      if isinstance(u, User))


@pytest.fixture
def portal() -> Iterator[Portal]:
    api = HubSpotApi(None)
    with SandboxServer([api]) as server:
        connector = sandbox_connector(server)
        yield Portal(api, connector)
        connector.close()


def _without_flag(req: Request) -> Request:
    return Request(req.method, req.path, {k: v for k, v in req.query.items() if k != "archived"}, req.headers,
                   req.body)


def test_archived_lists_retire_only_the_archived_deal(portal: Portal) -> None:
    """Seen failing before the fix: the sandbox, strict like the docs, read ``archived=True`` as not archived and
    answered the live deals: deleted ["10002", "10003"] (both live deals) instead of ["10004"], the archived one."""
    assert portal.deleted_deals() == [portal.deals[2]]


def test_an_archived_owner_is_inactive_and_an_active_one_listed_once(portal: Portal) -> None:
    """Seen failing before the fix: Julie came back twice, active then inactive (the "archived" page was the live
    one), and the archived owner Paul not at all."""
    assert portal.users() == sorted([(portal.julie, True), (portal.paul, False)])


def test_a_server_ignoring_the_flag_retires_nothing_live(portal: Portal, caplog: pytest.LogCaptureFixture) -> None:
    """A server that answers the live list whatever ``archived`` says: every listed object says ``archived: false``,
    so nothing is retired and no owner turns inactive; said once per list in the log."""
    api = portal.api
    api.objects.list = lambda table, req: Objects.list(api.objects, table, _without_flag(req))  # type: ignore[method-assign]

    def owners(req: Request) -> Response:
        return Owners.owners(api.owners_api, _without_flag(req))

    api.owners_api.owners = owners      # type: ignore[method-assign]
    with caplog.at_level(logging.WARNING, logger="connectors.hubspot"):
        assert portal.deleted_deals() == []
        assert portal.users() == [(portal.julie, True)]
    ignored = [r.getMessage() for r in caplog.records if "archived" in r.getMessage() and "live" in r.getMessage()]
    assert len([m for m in ignored if "deals" in m]) == 1, ignored
    assert len([m for m in ignored if "owners" in m]) == 1, ignored
