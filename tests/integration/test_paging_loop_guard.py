"""A CRM (or a proxy) that hands back a paging cursor it already gave must not make pac read forever.

The real client libraries talk HTTP to the sandbox CRM wrapped in ``Replaying``: it answers like the sandbox,
except that the paged answers it replays carry a cursor pac already followed (Salesforce ``nextRecordsUrl``
and Bulk API 2.0 ``Sforce-Locator``; HubSpot ``paging.next.after`` of list, owners and each record's
associations; HubSpot search, paged by keyset, gets its first page again for every later search). It replays at
most ``REPLAYS`` times, then ends the paging, so the code before the loop guard finished (with every record read
``REPLAYS`` times over) instead of hanging: these tests failed there, and now
see a ``ConnectorError`` naming the read and the repeated cursor.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from connectors.base import ConnectorError, ObjectKind
from connectors.hubspot.connector import HubSpotConnector
from connectors.hubspot.reads import list_objects, read_associations
from connectors.paging import RepeatedCursor
from connectors.retry import RetryPolicy
from connectors.salesforce.connector import SalesforceConnector, build
from pac_config.loader import config_dir
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.run import sandbox_env
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import Fault, Request, Response, SandboxServer
from tests.contract.factory_hubspot import sandbox_connector

REPLAYS = 30
SF_CURSOR = "/services/data/v62.0/query/01gREPLAYED-2000"
HS_CURSOR = "200"
NO_WAIT = RetryPolicy(max_attempts=2, sleep=lambda _s: None, jitter=lambda: 0.0)


class Replaying:
    """The sandbox API ``inner``, whose paged answers point, ``REPLAYS`` times, to a cursor already given."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self.prefixes = inner, inner.name, inner.prefixes
        self.replays = 0
        self.saved: dict[tuple[str, str], Response] = {}

    def handle(self, request: Request, fault: Fault | None) -> Response:
        if self.name == "salesforce":
            return self._salesforce(request, fault)
        return self._hubspot(request, fault)

    def _more(self) -> bool:
        self.replays += 1
        return self.replays <= REPLAYS

    def _salesforce(self, request: Request, fault: Fault | None) -> Response:
        if request.path == SF_CURSOR:          # query_more on the replayed cursor: the same cursor again
            more = self._more()
            body: dict[str, Any] = {"totalSize": 2001, "done": not more, "records": []}
            return Response(200, body | ({"nextRecordsUrl": SF_CURSOR} if more else {}))
        response = self.inner.handle(request, fault)
        if request.path.rstrip("/").endswith(("/query", "/queryAll")) and isinstance(response.body, dict):
            response.body.update({"done": False, "nextRecordsUrl": SF_CURSOR})
        elif request.path.endswith("/results") and "/jobs/query/" in request.path:
            response.headers["Sforce-Locator"] = "REPLAYED" if self._more() else "null"
        return response

    def _hubspot(self, request: Request, fault: Fault | None) -> Response:
        body = request.json() if request.body else None
        key = (request.method, request.path)
        asked = request.arg("after") or (body.get("after") if isinstance(body, dict) else None)
        # the page after the cursor, or any later search (pac's keyset pages are new searches): the same page again
        if (asked == HS_CURSOR or request.path.endswith("/search")) and key in self.saved:
            saved = self.saved[key]
            if not self._more():
                saved.body.pop("paging", None)
            return Response(saved.status, saved.body, dict(saved.headers))
        response = self.inner.handle(request, fault)
        data = response.body
        if not isinstance(data, dict) or not data.get("results"):
            return response
        if "/associations/" in request.path and request.path.endswith("/batch/read"):
            more = self._more()
            for result in data["results"]:
                if more:
                    result["paging"] = {"next": {"after": HS_CURSOR}}
        elif request.method == "GET" or request.path.endswith("/search"):
            data["paging"] = {"next": {"after": HS_CURSOR, "link": "replayed"}}
            self.saved[key] = response
        return response


@pytest.fixture
def sf_server() -> Iterator[tuple[SandboxServer, Replaying]]:
    api = SalesforceApi(None)
    owner = api.create("User", Username="julie@example.com", Email="julie@example.com", LastName="Martin",
                       Name="Julie Martin", IsActive=True)
    api.create("Account", Name="Lyon A", BillingPostalCode="69003", OwnerId=owner)
    replaying = Replaying(api)
    with SandboxServer([replaying]) as server:
        yield server, replaying


@pytest.fixture
def sf(sf_server: tuple[SandboxServer, Replaying]) -> Iterator[SalesforceConnector]:
    connector = build("sf-loop", config_dir() / "mappings" / "salesforce.demo.yaml", sandbox_env(sf_server[0]),
                      policy=NO_WAIT)
    yield connector
    connector.close()


@pytest.fixture
def hs() -> Iterator[tuple[HubSpotConnector, HubSpotApi, Replaying]]:
    api = HubSpotApi(None)
    owner = api.add_owner("julie.martin@durand-process.example", "Julie", "Martin")
    company = api.add("companies", {"name": "Lyon A", "zip": "69003", "hubspot_owner_id": owner})
    start = datetime(2027, 5, 3, 7, 30, tzinfo=UTC)
    meeting = api.add("meetings", {"hs_meeting_title": "Visite", "hs_timestamp": start, "hubspot_owner_id": owner},
                      companies=(company,))
    api.archive("meetings", api.add("meetings", {"hs_meeting_title": "Old", "hubspot_owner_id": owner}))
    replaying = Replaying(api)
    with SandboxServer([replaying]) as server:
        connector = sandbox_connector(server)
        connector.meeting_id = meeting  # type: ignore[attr-defined]
        try:
            yield connector, api, replaying
        finally:
            connector.close()


def _stops(read: Any, what: str) -> None:
    with pytest.raises(RepeatedCursor) as caught:
        list(read())
    assert isinstance(caught.value, ConnectorError)
    text = str(caught.value)
    assert what in text and "a second time" in text, text


def test_salesforce_query_stops_on_a_repeated_next_records_url(sf: SalesforceConnector,
                                                               sf_server: tuple[SandboxServer, Replaying]) -> None:
    _stops(lambda: sf.pull(ObjectKind.USERS, None), "Salesforce query")
    assert sf_server[1].replays == 1         # the first repeat stops it: one query_more, not REPLAYS


def test_salesforce_bulk_stops_on_a_repeated_locator(sf: SalesforceConnector,
                                                     sf_server: tuple[SandboxServer, Replaying]) -> None:
    _stops(lambda: sf.client.bulk_pages("SELECT Id, Name FROM Account"), "Bulk API 2.0")
    assert sf_server[1].replays == 2


def test_hubspot_search_stops_when_a_page_repeats(hs: tuple[HubSpotConnector, HubSpotApi, Replaying]) -> None:
    """The search pages by keyset (each page a new search from the last stamp or id read, no ``after``): a server
    that answers every search with the same page and "more" would ask pac for the same next search forever; the
    second time pac is about to ask it, the read stops."""
    connector, _api, replaying = hs
    _stops(lambda: connector.pull(ObjectKind.ACCOUNTS, None), "HubSpot search of companies")
    assert replaying.replays == 2       # the lone company's stamp by id, then the same id again: stopped


def test_hubspot_owners_stop_on_a_repeated_after(hs: tuple[HubSpotConnector, HubSpotApi, Replaying]) -> None:
    connector, _api, _replaying = hs
    _stops(lambda: connector.pull(ObjectKind.USERS, None), "HubSpot owners")


def test_hubspot_list_stops_on_a_repeated_after(hs: tuple[HubSpotConnector, HubSpotApi, Replaying]) -> None:
    connector, _api, _replaying = hs
    _stops(lambda: list_objects(connector.transport, "meetings", ["hs_meeting_title"], archived=True),
           "HubSpot list of meetings")


def test_hubspot_associations_stop_on_a_repeated_after(hs: tuple[HubSpotConnector, HubSpotApi, Replaying]) -> None:
    connector, _api, _replaying = hs
    meeting = connector.meeting_id  # type: ignore[attr-defined]
    _stops(lambda: read_associations(connector.transport, "meetings", "companies", [meeting]).items(),
           "HubSpot associations meetings -> companies")
