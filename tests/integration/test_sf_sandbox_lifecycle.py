"""The sandbox org's record life as Salesforce documents it (sflife F4, revenue F5): an activity's AccountId derived
from an opportunity it is related to, an account's children deleted and undeleted with it, an opportunity product's
TotalPrice derived and rolled up into the opportunity's Amount (its stamp moving). pac's own tests rely on these."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from sandbox_crm.salesforce import SalesforceApi


@pytest.fixture
def api() -> SalesforceApi:
    ticks = itertools.count()       # each change a second after the one before: stamps that move are later
    return SalesforceApi(now=lambda: datetime(2027, 2, 1, tzinfo=UTC) + timedelta(seconds=next(ticks)))


def _account_with_children(api: SalesforceApi) -> tuple[str, str, str, str]:
    account = api.create("Account", Name="Durand Agro")
    opp = api.create("Opportunity", Name="Pompes", AccountId=account, StageName="Prospecting",
                     CloseDate=date(2027, 3, 1))
    visit = api.create("Event", Subject="Visite", WhatId=account, ActivityDate=date(2027, 2, 1))
    call = api.create("Task", Subject="Appel", WhatId=opp, ActivityDate=date(2027, 2, 2), Status="Completed")
    return account, opp, visit, call


def test_an_activity_related_to_an_opportunity_takes_its_account(api: SalesforceApi) -> None:
    """Object Reference, Event/Task AccountId: "If the value of WhatId is any of the following objects, then
    Salesforce uses that object's AccountId: Account, Opportunity, ..."."""
    account, opp, _visit, call = _account_with_children(api)
    assert api.row("Task", call)["AccountId"] == account
    event = api.create("Event", Subject="Démo", WhatId=opp, ActivityDate=date(2027, 2, 3))
    assert api.row("Event", event)["AccountId"] == account


def test_deleting_an_account_deletes_its_children_and_undelete_restores_them(api: SalesforceApi) -> None:
    """SOAP API undelete(): "Since a delete call cascade-deletes child records, an undelete call undeletes the
    cascade-deleted records"."""
    account, opp, visit, call = _account_with_children(api)
    other = api.create("Event", Subject="Visite ailleurs", WhatId=api.create("Account", Name="Autre"),
                       ActivityDate=date(2027, 2, 1))
    earlier: dict[str, Any] = {i: api.row(t, i)["SystemModstamp"] for t, i in (("Opportunity", opp),
                                                                               ("Event", visit), ("Task", call))}
    api.delete("Account", account)
    children = [("Opportunity", opp), ("Event", visit), ("Task", call)]
    assert [api.row(t, i)["IsDeleted"] for t, i in children] == [True, True, True]
    assert all(api.row(t, i)["SystemModstamp"] > earlier[i] for t, i in children)
    assert api.row("Event", other)["IsDeleted"] is False
    api.delete("Event", other)          # deleted on its own: not the account's to restore

    api.undelete("Account", account)
    assert api.row("Account", account)["IsDeleted"] is False
    assert [api.row(t, i)["IsDeleted"] for t, i in children] == [False, False, False]
    assert api.row("Event", other)["IsDeleted"] is True


def test_a_child_deleted_before_its_account_stays_deleted_on_undelete(api: SalesforceApi) -> None:
    account, _opp, visit, _call = _account_with_children(api)
    api.delete("Event", visit)
    api.delete("Account", account)
    api.undelete("Account", account)
    assert api.row("Event", visit)["IsDeleted"] is True


def test_an_opportunity_product_total_is_derived_and_rolled_up(api: SalesforceApi) -> None:
    """Opportunity Fields: "For opportunities with products, the amount is the sum of the related products";
    OpportunityLineItem: TotalPrice is Quantity x UnitPrice less the Discount percent, Subtotal before it."""
    account = api.create("Account", Name="Durand Agro")
    opp = api.create("Opportunity", Name="Pompes", AccountId=account, StageName="Closed Won",
                     CloseDate=date(2027, 3, 1), Amount=100.0)
    product = api.create("Product2", Name="Pompe MX50", IsActive=True)
    before = api.row("Opportunity", opp)["SystemModstamp"]
    line = api.create("OpportunityLineItem", OpportunityId=opp, Product2Id=product, Quantity=2.0, UnitPrice=1000.0,
                      Discount=10.0, TotalPrice=15000.0)
    assert (api.row("OpportunityLineItem", line)["Subtotal"], api.row("OpportunityLineItem", line)["TotalPrice"]) \
        == (2000.0, 1800.0)
    assert api.row("Opportunity", opp)["Amount"] == 1800.0
    assert api.row("Opportunity", opp)["SystemModstamp"] > before

    second = api.create("OpportunityLineItem", OpportunityId=opp, Product2Id=product, Quantity=3.0, TotalPrice=900.0)
    assert api.row("OpportunityLineItem", second)["UnitPrice"] == 300.0
    assert api.row("Opportunity", opp)["Amount"] == 2700.0

    stamp = api.row("Opportunity", opp)["SystemModstamp"]
    api.edit("OpportunityLineItem", line, Quantity=3.0)
    assert api.row("OpportunityLineItem", line)["TotalPrice"] == 2700.0
    assert api.row("Opportunity", opp)["Amount"] == 3600.0
    assert api.row("Opportunity", opp)["SystemModstamp"] > stamp

    api.delete("OpportunityLineItem", second)
    assert api.row("Opportunity", opp)["Amount"] == 2700.0
