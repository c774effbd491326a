"""A deal's line items past the first batch of its subquery are read before the next page of deals is asked for,
through the real requests + simple-salesforce stack against a ``responses`` org that invalidates child cursors as
documented (audit sfmoney F2): "A queryMore() call on a parent object invalidates all child cursors in the previous
result set. If you need the results from the child, you must use queryMore() on those results before using
queryMore() on the parent results" (SOAP API Developer Guide, queryMore())."""

from __future__ import annotations

import json
import re
from typing import Any

import requests
import responses

from connectors.base import ObjectKind
from connectors.retry import RetryPolicy
from connectors.salesforce.connector import SalesforceConnector, build
from pac_config.loader import config_dir
from pac_core.records import Deal

DOMAIN = "acme.my.salesforce.com"
DATA = f"https://{DOMAIN}/services/data/v62.0"
DEFAULT = config_dir() / "mappings" / "salesforce.default.yaml"      # single-currency: no rates query
STAMP = "2027-05-04T10:00:00.000+0000"
PARENT_NEXT = "/services/data/v62.0/queryAll/01gPARENT-2000"
CHILD_NEXT = "/services/data/v62.0/query/01gCHILD-200"


def _connector() -> SalesforceConnector:
    responses.post(f"https://{DOMAIN}/services/oauth2/token",
                   json={"access_token": "tok", "instance_url": f"https://{DOMAIN}",
                         "id": "https://login.salesforce.com/id/00D000000000001AAA/005000000000001AAA"})
    return build("sf-main", DEFAULT, {"PAC_SF_AUTH": "client_credentials", "PAC_SF_DOMAIN": DOMAIN,
                                      "PAC_SF_CLIENT_ID": "cid", "PAC_SF_CLIENT_SECRET": "csecret-1234"},
                 policy=RetryPolicy(max_attempts=2, sleep=lambda _s: None, jitter=lambda: 0.0))


def _line(amount: int, family: str) -> dict[str, Any]:
    return {"Id": f"00k{amount}{family}", "IsDeleted": False, "Quantity": 1.0, "TotalPrice": amount,
            "Product2": {"Name": family, "ProductCode": family, "Family": family}}


def _deal(i: str, amount: int, lines: dict[str, Any] | None) -> dict[str, Any]:
    return {"Id": i, "Name": i, "AccountId": "001A", "OwnerId": "005J", "IsDeleted": False, "SystemModstamp": STAMP,
            "CreatedDate": STAMP, "IsWon": True, "IsClosed": True, "Amount": amount, "CloseDate": "2027-05-04",
            "StageName": "Closed Won", "OpportunityLineItems": lines}


class Org:
    """Two pages of deals; the first holds a deal whose 3 lines come 2 in the subquery, 1 through the child's
    nextRecordsUrl, which the org answers INVALID_QUERY_LOCATOR once the parent cursor has moved on."""

    def __init__(self) -> None:
        self.parent_moved = False
        self.asked: list[str] = []

    def first(self, _request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        lines = {"totalSize": 3, "done": False, "nextRecordsUrl": CHILD_NEXT,
                 "records": [_line(1000, "Pompes"), _line(2000, "Pompes")]}
        self.asked.append("deals 1")
        return 200, {}, json.dumps({"totalSize": 2, "done": False, "nextRecordsUrl": PARENT_NEXT,
                                    "records": [_deal("006A", 9000, lines)]})

    def parent(self, _request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        self.parent_moved = True
        self.asked.append("deals 2")
        return 200, {}, json.dumps({"totalSize": 2, "done": True, "records": [_deal("006B", 500, None)]})

    def child(self, _request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        self.asked.append("lines 2")
        if self.parent_moved:
            return 400, {}, json.dumps([{"errorCode": "INVALID_QUERY_LOCATOR", "message": "invalid query locator"}])
        return 200, {}, json.dumps({"totalSize": 3, "done": True, "records": [_line(6000, "Vannes")]})


@responses.activate
def test_a_deals_further_lines_are_read_before_the_next_page_of_deals() -> None:
    """The deal's third line (6,000, Vannes) is read before the second page of deals: 3 lines worth 9,000, and the
    other deal too. Seen failing before the fix: the next page of deals was asked for as soon as the first arrived
    (prefetch), the org then refused the child cursor (INVALID_QUERY_LOCATOR) and the pull stopped."""
    connector = _connector()
    org = Org()
    responses.add_callback(responses.GET, re.compile(rf"{re.escape(DATA)}/queryAll/\?q="), callback=org.first)
    responses.add_callback(responses.GET, f"https://{DOMAIN}{PARENT_NEXT}", callback=org.parent)
    responses.add_callback(responses.GET, f"https://{DOMAIN}{CHILD_NEXT}", callback=org.child)
    deals = {d.id: d for d in connector.pull(ObjectKind.DEALS, None, part="Opportunity") if isinstance(d, Deal)}
    assert org.asked == ["deals 1", "lines 2", "deals 2"]
    assert sorted(deals) == ["006A", "006B"]
    assert [line.amount for line in deals["006A"].lines] == [1000, 2000, 6000]
