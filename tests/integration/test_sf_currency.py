"""A multi-currency org's own rates, read by the real connector over HTTP from the sandbox org (CurrencyType and
DatedConversionRate through simple-salesforce), and a change of those rates reaching the stored deals."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from connectors.base import ObjectKind
from connectors.salesforce.connector import build
from pac_config.loader import config_dir
from pac_core.records import Account, Deal
from sandbox_crm.run import sandbox_env
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import SandboxServer
from sync_jobs.store import open_store, repo
from sync_jobs.store import records as store_records
from tests.integration.sf_runs import DEMO, NO_WAIT, SfRuns

# corporate EUR; CurrencyType 1 EUR = 1.08 USD = 160 JPY; ACM: USD 1.10 from 2027-01-01, 1.05 from 2027-04-01
STATIC = {"USD": 1.08, "JPY": 160.0}
DATED = {"USD": [(date(2027, 1, 1), 1.10), (date(2027, 4, 1), 1.05)]}


def _seed(api: SalesforceApi) -> dict[str, str]:
    """A rep, three accounts (EUR, JPY, USD) and three won deals (two in USD, one in EUR, the first with lines)."""
    api.set_currency_rates("EUR", STATIC, DATED, places={"JPY": 0})
    rep = api.create("User", Username="julie@x.example", Email="julie@x.example", FirstName="Julie",
                     LastName="Martin", Name="Julie Martin", IsActive=True)
    ids = {f"acc-{iso}": api.create("Account", Name=f"Acc {iso}", BillingPostalCode="69001", BillingCountry="France",
                                    AnnualRevenue=revenue, CurrencyIsoCode=iso, OwnerId=rep)
           for iso, revenue in (("EUR", 60_000_000), ("JPY", 1_000_000_000), ("USD", 52_000_000))}
    product = api.create("Product2", Name="PX200", ProductCode="PX200", IsActive=True, Family="Pompes")
    for key, amount, iso, close in (("feb", 10000, "USD", date(2027, 2, 15)), ("may", 10000, "USD", date(2027, 5, 15)),
                                    ("eur", 5000, "EUR", date(2027, 4, 1))):
        ids[key] = api.create("Opportunity", Name=key, AccountId=ids["acc-EUR"], StageName="Closed Won",
                              CloseDate=close, Amount=amount, CurrencyIsoCode=iso, OwnerId=rep)
    for price in (3000, 7000):
        api.create("OpportunityLineItem", OpportunityId=ids["feb"], Product2Id=product, Quantity=1, UnitPrice=price,
                   TotalPrice=price)
    return ids


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer([SalesforceApi(None)]) as srv:
        yield srv


class TestOrgRatesOverHttp:
    def test_deals_and_accounts_come_in_the_corporate_currency(self, server: SandboxServer) -> None:
        """USD 10,000 closed 15 Feb at 1.10 = 9,090.91 (lines 3,000 -> 2,727.27, 7,000 -> 6,363.64), USD 10,000 closed
        15 May at 1.05 = 9,523.81, EUR 5,000: 23,614.72 EUR. AnnualRevenue at CurrencyType's rate: JPY 1 bn = 6.25 M,
        USD 52 M = 48,148,148.15. The rates cost two queries, once per connector."""
        ids = _seed(server.api("salesforce"))
        sf = build("sf-main", DEMO, sandbox_env(server), policy=NO_WAIT)
        try:
            deals = {d.id: d for d in sf.pull(ObjectKind.DEALS, None) if isinstance(d, Deal)}
            accounts = {a.id: a for a in sf.pull(ObjectKind.ACCOUNTS, None) if isinstance(a, Account)}
            calls = dict(sf.usage().by_endpoint)
            # pac config check --online: which rates, read once already (besides the picklists read by label)
            [note] = [n for n in sf.online_notes() if n.startswith("currency:")]
        finally:
            sf.close()
        feb, may, eur = deals[ids["feb"]], deals[ids["may"]], deals[ids["eur"]]
        assert {feb.currency, may.currency, eur.currency} == {"EUR"}
        assert (feb.amount, may.amount, eur.amount) == (Decimal("9090.91"), Decimal("9523.81"), Decimal(5000))
        assert feb.amount + may.amount + eur.amount == Decimal("23614.72")  # type: ignore[operator]
        assert sorted(line.amount for line in feb.lines) == [Decimal("2727.27"), Decimal("6363.64")]  # type: ignore[type-var]
        assert accounts[ids["acc-JPY"]].annual_revenue == Decimal("6250000.00")
        assert accounts[ids["acc-USD"]].annual_revenue == Decimal("48148148.15")
        assert accounts[ids["acc-EUR"]].annual_revenue == Decimal(60_000_000)
        assert "corporate currency EUR" in note
        assert "dated rate of their CloseDate (DatedConversionRate, 2 rates)" in note
        # CurrencyType and DatedConversionRate (query); deals, the accounts' COUNT() and accounts (queryAll), as before
        assert calls.get("query") == 2 and calls.get("queryAll") == 3

    def test_a_single_currency_org_costs_no_rates_query(self) -> None:
        """The default mapping on a single-currency org: deals, the accounts' COUNT() and accounts, no rates query."""
        with SandboxServer([SalesforceApi(None, multi_currency=False)]) as srv:
            sf = build("sf-main", config_dir() / "mappings" / "salesforce.default.yaml", sandbox_env(srv),
                       policy=NO_WAIT)
            try:
                list(sf.pull(ObjectKind.DEALS, None))
                list(sf.pull(ObjectKind.ACCOUNTS, None))
                calls = dict(sf.usage().by_endpoint)
                assert "query" not in calls and calls.get("queryAll") == 3
            finally:
                sf.close()


def test_a_change_of_the_org_s_rates_reaches_the_stored_deals(tmp_path: Path, database_url: str,
                                                             server: SandboxServer) -> None:
    """Run 1 stores the May deal at 9,523.81. Finance then sets the USD rate from 1 April to 1.04 (the deal's row
    is not touched, its SystemModstamp stays): run 2 reads the deals in full because the rates' digest changed, and
    stores 10,000 / 1.04 = 9,615.38; the accounts (CurrencyType unchanged) are read incrementally."""
    api = server.api("salesforce")
    ids = _seed(api)
    runs = SfRuns(tmp_path, database_url, server)
    runs.sync()
    engine = open_store(database_url)
    try:
        before = repo.watermarks(engine, "sf-main")
        api.set_currency_rates("EUR", STATIC, {"USD": [(date(2027, 1, 1), 1.10), (date(2027, 4, 1), 1.04)]},
                               places={"JPY": 0})
        runs.sync()
        after = repo.watermarks(engine, "sf-main")
        stored = {r.id: r for r in store_records.iter_records(engine, ["sf-main"], "deals")}
    finally:
        engine.dispose()
    assert after[("sf-main", "deals")].last_full_at != before[("sf-main", "deals")].last_full_at
    assert after[("sf-main", "accounts")].last_full_at == before[("sf-main", "accounts")].last_full_at
    may = stored[ids["may"]]
    assert isinstance(may, Deal) and may.amount == Decimal("9615.38") and may.currency == "EUR"
