"""A mapped property no record of a page holds a value for (audit hslimits F3). HubSpot's objects API: "If any of the
specified properties are not present on the requested object(s), they will be ignored". A portal that answers a
record without the properties it holds no value for (that sentence's literal reading) is a portal where those
properties exist: pac asks the properties API before stopping the run as for a misspelt mapping property (exit 2), so
a page of companies none of which has an annual revenue, or of deals with no currency code, reads as it should, and a
misspelt property still stops the run, named at its mapping key. The sandbox portal and hubspot-api-client over real
HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from connectors.base import MappingRefused, ObjectKind
from pac_core.records import Account, Activity, Deal
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.server import SandboxServer
from tests.contract.factory_hubspot import sandbox_connector


@pytest.fixture
def portal() -> Iterator[tuple[HubSpotApi, SandboxServer]]:
    """Five companies, a meeting and a deal holding only their names, owners and dates: no industry, type, annual
    revenue, meeting type or outcome, deal currency... each answered without the properties it holds no value for."""
    api = HubSpotApi(None)
    owner = api.add_owner("lea.rousseau@durand-process.example", "Léa", "Rousseau")
    companies = [api.add("companies", {"name": f"Company {i}", "zip": "31000", "hubspot_owner_id": owner})
                 for i in range(5)]
    meeting = api.add("meetings", {"hs_meeting_title": "Visite", "hubspot_owner_id": owner,
                                   "hs_timestamp": datetime(2027, 5, 3, 7, 30, tzinfo=UTC)})
    api.associate("meetings", meeting, "companies", companies[0])
    deal = api.add("deals", {"dealname": "Deal", "amount": "1000", "pipeline": "default", "dealstage": "closedwon",
                             "closedate": datetime(2027, 5, 3, tzinfo=UTC), "hubspot_owner_id": owner})
    api.associate("deals", deal, "companies", companies[0], primary=True)
    for table in api.tables.values():
        table.omit_empty = True
    with SandboxServer([api]) as server:
        yield api, server


def _pulled(connector: Any, kind: ObjectKind) -> list[Any]:
    return list(connector.pull(kind, None))


def test_properties_no_record_holds_are_read_as_empty(portal: tuple[HubSpotApi, SandboxServer]) -> None:
    api, server = portal
    answer = api.tables["companies"].rows[next(iter(api.tables["companies"].rows))].render(["industry", "name"],
                                                                                          omit_empty=True)
    assert "industry" not in answer["properties"]           # the portal leaves the empty property out
    connector = sandbox_connector(server)
    accounts = [r for r in _pulled(connector, ObjectKind.ACCOUNTS) if isinstance(r, Account)]
    assert len(accounts) == 5 and all(a.industry is None and a.annual_revenue is None for a in accounts)
    [meeting] = [r for r in _pulled(connector, ObjectKind.ACTIVITIES) if isinstance(r, Activity)]
    assert meeting.type == "meeting"
    [deal] = [r for r in _pulled(connector, ObjectKind.DEALS) if isinstance(r, Deal)]
    assert deal.amount == 1000
    # the properties API answered once per object type that had such a page, and only then
    assert connector.usage().by_endpoint.get("properties.companies") == 1


def test_a_misspelt_property_still_stops_the_run(portal: tuple[HubSpotApi, SandboxServer], tmp_path: Path) -> None:
    _, server = portal
    path = tmp_path / "hs.yaml"
    path.write_text("companies:\n  industry: industri\n", encoding="utf-8")
    connector = sandbox_connector(server, mapping=path)
    with pytest.raises(MappingRefused) as info:
        _pulled(connector, ObjectKind.ACCOUNTS)
    assert "companies.industry" in str(info.value) and "'industri'" in str(info.value)
