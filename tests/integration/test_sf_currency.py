"""A multi-currency org's own rates, read by the real connector over HTTP from the sandbox org (CurrencyType and
DatedConversionRate through simple-salesforce), and a change of those rates reaching the stored deals."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from connectors.base import ObjectKind
from connectors.salesforce.connector import build
from connectors.salesforce.mapping import default_mapping_path
from pac_config.loader import config_dir
from pac_core.engine import evaluate
from pac_core.engine_settings import EngineSettings
from pac_core.plan import Segment, SegmentKind
from pac_core.records import Account, Deal, Records, User
from pac_core.revenue import conversion
from pac_core.scope_eval import AnnualRevenue
from pac_core.scopes import parse_scope
from pac_core.window import Window
from sandbox_crm.run import sandbox_env
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import SandboxServer
from sync_jobs.store import open_store, repo
from sync_jobs.store import records as store_records
from tests.integration.sf_runs import DEMO, NO_WAIT, SfRuns
from tests.unit.test_engine_support import PARIS, action, axis, plan

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
    def test_deals_and_accounts_keep_their_own_currency_with_the_org_s_rates(self, server: SandboxServer) -> None:
        """Each deal keeps its own amount and the org's rates of its CloseDate, which make it, in EUR: USD 10,000
        closed 15 Feb at 1.10 = 9,090.91 (lines 3,000 -> 2,727.27, 7,000 -> 6,363.64), USD 10,000 closed 15 May at
        1.05 = 9,523.81, EUR 5,000: 23,614.72 EUR. Each account keeps its AnnualRevenue in its CurrencyIsoCode with
        CurrencyType's rates (never the dated ones), which make it, in EUR: JPY 1 bn = 6.25 M, USD 52 M =
        48,148,148.15 (audit multi F2: before, the connector stored these EUR amounts with no currency). The rates
        cost two queries, once per connector."""
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
        assert [(d.currency, d.amount) for d in (feb, may, eur)] == [("USD", 10000), ("USD", 10000), ("EUR", 5000)]
        assert feb.rates is not None and feb.rates.rate("USD") == Decimal("1.10") and feb.rates.rate("EUR") == 1
        into_eur = {d.id: conversion(d.currency, d.rates, "EUR", {}) for d in (feb, may, eur)}
        in_eur = [into_eur[d.id](d.amount) for d in (feb, may, eur)]  # type: ignore[misc, arg-type]
        assert in_eur == [Decimal("9090.91"), Decimal("9523.81"), Decimal(5000)]
        assert sum(in_eur) == Decimal("23614.72")
        assert sorted(into_eur[feb.id](line.amount) for line in feb.lines) == [  # type: ignore[misc, arg-type]
            Decimal("2727.27"), Decimal("6363.64")]
        jpy, usd, eur = (accounts[ids[f"acc-{iso}"]] for iso in ("JPY", "USD", "EUR"))
        assert [(a.annual_revenue, a.currency) for a in (jpy, usd, eur)] == [
            (Decimal(1_000_000_000), "JPY"), (Decimal(52_000_000), "USD"), (Decimal(60_000_000), "EUR")]
        assert jpy.rates is not None and jpy.rates.rate("USD") == Decimal("1.08") and jpy.rates.rate("JPY") == 160
        in_eur = AnnualRevenue("EUR")
        assert [in_eur.of(a) for a in (jpy, usd, eur)] == [Decimal("6250000.00"), Decimal("48148148.15"),
                                                           Decimal(60_000_000)]
        assert "corporate currency EUR" in note
        assert "dated rate of their CloseDate (DatedConversionRate, 2 rates)" in note
        # CurrencyType and DatedConversionRate (query); deals and accounts (queryAll: the accounts' first page sizes
        # their full read, no COUNT() query since audit quota2 F1); the accounts' full read asks which state fields
        # are history-tracked (FieldDefinition, audit sfhistory): none in this org, so no AccountHistory query
        assert calls.get("query") == 3 and calls.get("queryAll") == 2

    def test_the_online_check_warns_of_a_plan_currency_the_org_lacks(self, server: SandboxServer) -> None:
        """`pac config check --online`: a plan reading through this mapping in CHF, on an org whose currencies are
        EUR, USD and JPY, gets a warning naming the plan file and the fix, as its axes would be refused at the first
        write (audit sfmoney F1); an EUR plan gets none."""
        server.api("salesforce").set_currency_rates("EUR", STATIC, DATED, places={"JPY": 0})
        sf = build("sf-main", DEMO, sandbox_env(server), policy=NO_WAIT)
        try:
            notes = sf.online_notes({"currency": [("plans/ch.pac.yaml", "CHF"), ("plans/fr.pac.yaml", "EUR")]})
        finally:
            sf.close()
        [warning] = [n for n in notes if "CHF" in n]
        assert warning.startswith("warning: plans/ch.pac.yaml: the plan's currency CHF is not one of the org's active "
                                  "currencies (EUR, JPY, USD)"), warning
        assert "Setup > Manage Currencies" in warning
        assert not [n for n in notes if "fr.pac.yaml" in n]

    def test_a_single_currency_org_costs_no_rates_query(self) -> None:
        """The default mapping on a single-currency org: deals and accounts (no COUNT(): the accounts' first page sizes
        their read), no rates query: the one query asks which of the accounts' state fields are history-tracked
        (FieldDefinition, audit sfhistory); none is in this org, so AccountHistory is not asked."""
        with SandboxServer([SalesforceApi(None, multi_currency=False)]) as srv:
            sf = build("sf-main", config_dir() / "mappings" / "salesforce.default.yaml", sandbox_env(srv),
                       policy=NO_WAIT)
            try:
                list(sf.pull(ObjectKind.DEALS, None))
                list(sf.pull(ObjectKind.ACCOUNTS, None))
                calls = dict(sf.usage().by_endpoint)
                assert calls.get("query") == 1 and calls.get("queryAll") == 2
            finally:
                sf.close()


def test_a_change_of_the_org_s_rates_reaches_the_stored_deals(tmp_path: Path, database_url: str,
                                                             server: SandboxServer) -> None:
    """Run 1 stores the May deal at 9,523.81. Finance then sets the USD rate from 1 April to 1.04 (the deal's row
    is not touched, its SystemModstamp stays): run 2 sees the rates' digest changed and converts the stored deals
    again without reading them in full (audit sfrates F1; before, it read every deal again), storing the deal with
    the rate 1.04 (10,000 / 1.04 = 9,615.38 EUR); the accounts (CurrencyType unchanged) are read incrementally."""
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
    assert after[("sf-main", "deals")].last_full_at == before[("sf-main", "deals")].last_full_at
    assert after[("sf-main", "deals")].reading != before[("sf-main", "deals")].reading
    assert after[("sf-main", "accounts")].last_full_at == before[("sf-main", "accounts")].last_full_at
    may = stored[ids["may"]]
    assert isinstance(may, Deal) and may.amount == Decimal(10000) and may.currency == "USD"
    assert conversion(may.currency, may.rates, "EUR", {})(may.amount) == Decimal("9615.38")  # type: ignore[misc, arg-type]


# The Swiss subsidiary's CHF plan on the group's EUR org (audit multi F4): CurrencyType 1 EUR = 1.08 USD = 0.94 CHF;
# ACM: USD 1.10 and CHF 0.95 from 2027-01-01
CHF_STATIC = {"USD": 1.08, "CHF": 0.94}
CHF_DATED = {"USD": [(date(2027, 1, 1), 1.10)], "CHF": [(date(2027, 1, 1), 0.95)]}
APRIL = Window(datetime(2027, 4, 1, tzinfo=PARIS), datetime(2027, 5, 1, tzinfo=PARIS), "avril")


def _seed_three_currencies(api: SalesforceApi) -> dict[str, str]:
    """Three won deals in April on one account: CHF 9,100, USD 10,000 (two lines of 5,000), EUR 5,000."""
    api.set_currency_rates("EUR", CHF_STATIC, CHF_DATED)
    rep = api.create("User", Username="julie@x.example", Email="julie@x.example", FirstName="Julie",
                     LastName="Martin", Name="Julie Martin", IsActive=True)
    acc = api.create("Account", Name="Genève", BillingPostalCode="69001", BillingCountry="France",
                     CurrencyIsoCode="CHF", OwnerId=rep)
    product = api.create("Product2", Name="PX200", ProductCode="PX200", IsActive=True, Family="Pompes")
    ids = {}
    for key, amount, iso, close in (("chf", 9100, "CHF", date(2027, 4, 12)), ("usd", 10000, "USD", date(2027, 4, 15)),
                                    ("eur", 5000, "EUR", date(2027, 4, 20))):
        ids[key] = api.create("Opportunity", Name=key, AccountId=acc, StageName="Closed Won", CloseDate=close,
                              Amount=amount, CurrencyIsoCode=iso, OwnerId=rep)
    for price in (5000, 5000):
        api.create("OpportunityLineItem", OpportunityId=ids["usd"], Product2Id=product, Quantity=1, UnitPrice=price,
                   TotalPrice=price)
    return ids


def _april(records: Records, currency: str, fx: dict[str, Any]) -> Any:
    ax = axis("AX", "SEG", baseline="0")
    ax = replace(ax, objective=replace(ax.objective, period=APRIL))
    segment = Segment("SEG", "Tout", SegmentKind.HORIZONTAL, parse_scope({}))
    p = replace(plan(action(axis_id="AX"), axes=(ax,), segments=(segment,)), currency=currency)
    return evaluate(p, records, as_of=datetime(2027, 6, 1, tzinfo=PARIS), explain=True,
                    settings=EngineSettings(fx_rates=fx))


def _pulled(server: SandboxServer) -> Records:
    """The users, accounts and deals the Salesforce connector reads from the sandbox org, over HTTP."""
    sf = build("sf-main", DEMO, sandbox_env(server), policy=NO_WAIT)
    try:
        got = {kind: list(sf.pull(kind, None)) for kind in (ObjectKind.USERS, ObjectKind.ACCOUNTS, ObjectKind.DEALS)}
    finally:
        sf.close()
    return Records(accounts=tuple(r for r in got[ObjectKind.ACCOUNTS] if isinstance(r, Account)),
                   deals=tuple(r for r in got[ObjectKind.DEALS] if isinstance(r, Deal)),
                   users=tuple(r for r in got[ObjectKind.USERS] if isinstance(r, User)))


class TestPlanInAnotherCurrencyThanTheCorporate:
    @pytest.fixture
    def records(self, server: SandboxServer) -> tuple[Records, dict[str, str]]:
        ids = _seed_three_currencies(server.api("salesforce"))
        return _pulled(server), ids

    def test_a_chf_plan_counts_its_chf_deal_exactly_and_the_others_at_the_org_s_rates(self, records: Any) -> None:
        """CHF plan, fx_rates {EUR: 0.94}: the CHF deal counts CHF 9,100.00 (no rate involved); the USD deal
        10,000 / 1.10 x 0.95 = 8,636.36 and the EUR deal 5,000 x 0.95 = 4,750.00 at the org's dated rates of their
        close dates: CHF 22,486.36. Seen failing before the fix: the CHF deal counted 9,100 / 0.95 x 0.94 = 9,004.21."""
        recs, ids = records
        ev = _april(recs, "CHF", {"EUR": "0.94"})
        counted = {d.record_id: d.detail for d in ev.axis("AX").decisions if d.counted}
        assert counted == {ids["chf"]: "9100.00", ids["usd"]: "8636.36", ids["eur"]: "4750.00"}
        assert ev.axis("AX").revenue == Decimal("22486.36")

    def test_the_corporate_plan_keeps_its_figures(self, records: Any) -> None:
        """EUR plan: 9,100 / 0.95 = 9,578.95, 10,000 / 1.10 = 9,090.91 and 5,000: 23,669.86 EUR, as a Salesforce
        report of converted amounts, with or without fx_rates."""
        recs, _ids = records
        for fx in ({}, {"CHF": "1.06", "USD": "0.92"}):
            ev = _april(recs, "EUR", fx)
            assert ev.axis("AX").revenue == Decimal("23669.86")

    def test_the_chf_plan_compares_the_annual_revenue_in_chf(self, server: SandboxServer) -> None:
        """Read over HTTP, the Genève account's AnnualRevenue of CHF 56 M is CHF 56 M in a CHF plan, at least 55 M
        (it holds the CHF 9,100 deal), and a Lyon account's EUR 57 M is CHF 57 M x 0.94 = 53.58 M at CurrencyType's
        rate, never a dated one (0.95 would give 54.15 M), outside (its EUR 5,000 deal does not count). Seen failing
        before the fix (audit multi F2): Genève came as EUR 59,574,468.09 and Lyon as EUR 57 M, both compared with the
        CHF bound, so both deals counted."""
        api = server.api("salesforce")
        api.set_currency_rates("EUR", CHF_STATIC, CHF_DATED)
        rep = api.create("User", Username="julie@x.example", Email="julie@x.example", FirstName="Julie",
                         LastName="Martin", Name="Julie Martin", IsActive=True)
        ids = {}
        for key, iso, revenue, amount in (("geneve", "CHF", 56_000_000, 9100), ("lyon", "EUR", 57_000_000, 5000)):
            acc = api.create("Account", Name=key, BillingPostalCode="69001", BillingCountry="France",
                             AnnualRevenue=revenue, CurrencyIsoCode=iso, OwnerId=rep)
            ids[key] = api.create("Opportunity", Name=key, AccountId=acc, StageName="Closed Won",
                                  CloseDate=date(2027, 4, 12), Amount=amount, CurrencyIsoCode=iso, OwnerId=rep)
        records = _pulled(server)
        ax = axis("AX", "SEG", baseline="0", scope=parse_scope({"annual_revenue": {"gte": "55 M"}}))
        ax = replace(ax, objective=replace(ax.objective, period=APRIL))
        segment = Segment("SEG", "Tout", SegmentKind.HORIZONTAL, parse_scope({}))
        p = replace(plan(action(axis_id="AX"), axes=(ax,), segments=(segment,)), currency="CHF")
        ev = evaluate(p, records, as_of=datetime(2027, 6, 1, tzinfo=PARIS), explain=True)
        assert {d.record_id: d.detail for d in ev.axis("AX").decisions if d.counted} == {ids["geneve"]: "9100.00"}

    def test_no_line_warning_when_the_lines_add_up_in_the_deal_s_currency(self, records: Any) -> None:
        """USD 10,000 = 5,000 + 5,000: converted one by one 9,090.91 against 4,545.45 + 4,545.45 = 9,090.90, but
        the CRM record is consistent, so no data-quality warning (audit multi F3). Seen failing before the fix:
        amount_differs_from_lines "deal amount 9090.91 differs from its line items, 9090.90"."""
        recs, ids = records
        ev = _april(recs, "EUR", {})
        assert [w.rule for w in ev.warnings if w.record_id == ids["usd"]] == []
        assert ev.axis("AX").revenue == Decimal("23669.86")


class TestSingleCurrencyOrgCurrency:
    """A single-currency org in USD read with the shipped ``org_currency: EUR`` (audit sfrates F3): the sandbox answers
    SOAP getUserInfo as documented (``orgDefaultCurrencyIsoCode``); the first read of deals warns, with the file,
    the key and the fix; a read with a watermark asks nothing."""

    def test_the_first_read_of_deals_warns_and_the_next_asks_nothing(self) -> None:
        api = SalesforceApi(None, multi_currency=False)
        api.org.currency = "USD"
        with SandboxServer([api]) as srv:
            sf = build("sf-main", default_mapping_path(), sandbox_env(srv), policy=NO_WAIT)
            try:
                list(sf.pull(ObjectKind.DEALS, None))
                first = dict(sf.usage().by_endpoint)
                list(sf.pull(ObjectKind.DEALS, datetime(2026, 12, 5, tzinfo=UTC)))
                second = dict(sf.usage().by_endpoint)
            finally:
                sf.close()
        warned = [w for w in sf.warnings if "org_currency" in w]
        assert warned == [f"{default_mapping_path()}:5 org_currency: EUR is not the org's currency: Salesforce says "
                          "this single-currency org is in USD (getUserInfo orgDefaultCurrencyIsoCode), so every "
                          "amount is read as EUR and never converted (set org_currency: USD in "
                          f"{default_mapping_path()})"]
        assert first.get("Soap") == 1 and second.get("Soap") == 1       # the second read made no such call

    def test_an_eur_org_says_nothing(self) -> None:
        with SandboxServer([SalesforceApi(None, multi_currency=False)]) as srv:
            sf = build("sf-main", default_mapping_path(), sandbox_env(srv), policy=NO_WAIT)
            try:
                list(sf.pull(ObjectKind.DEALS, None))
            finally:
                sf.close()
        assert not [w for w in sf.warnings if "org_currency" in w]
