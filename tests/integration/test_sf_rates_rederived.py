"""A multi-currency org whose exchange rates change while its records do not (a daily rate feed, a past rate
corrected by finance, a currency activated): the stored deals and accounts are converted again from the org's new
rates without being read again (``SalesforceConnector.rerate``, ``sync_jobs.pull``), and the store then holds exactly
what a full read gives (audit sfrates F1)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from connectors.salesforce.connector import build
from pac_core.plan import Plan
from pac_core.records import Deal, Records
from pac_core.results import Evaluation
from pac_core.revenue import conversion
from sandbox_crm.run import sandbox_env
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import SandboxServer
from sync_jobs import pipeline
from sync_jobs.store import open_store, repo
from sync_jobs.store import records as store_records
from tests.fakes import fake_evaluate
from tests.integration.sf_runs import NO_WAIT, SfRuns

# corporate EUR; CurrencyType 1 EUR = 1.08 USD = 160 JPY; ACM: USD 1.10 from 2027-01-01, 1.05 from 2027-04-01
STATIC = {"USD": 1.08, "JPY": 160.0}
DATED = {"USD": [(date(2027, 1, 1), 1.10), (date(2027, 4, 1), 1.05)]}
PLACES = {"JPY": 0}


def _seed(api: SalesforceApi) -> dict[str, str]:
    """A rep, four accounts (EUR, JPY, USD, CHF: the org has no CHF rate yet) and four won deals (USD in February and
    May, EUR in April, CHF in March)."""
    api.set_currency_rates("EUR", STATIC, DATED, places=PLACES)
    rep = api.create("User", Username="julie@x.example", Email="julie@x.example", FirstName="Julie",
                     LastName="Martin", Name="Julie Martin", IsActive=True)
    ids = {f"acc-{iso}": api.create("Account", Name=f"Acc {iso}", BillingPostalCode="69001", BillingCountry="France",
                                    AnnualRevenue=revenue, CurrencyIsoCode=iso, OwnerId=rep)
           for iso, revenue in (("EUR", 60_000_000), ("JPY", 1_000_000_000), ("USD", 52_000_000),
                                ("CHF", 40_000_000))}
    for key, amount, iso, close in (("feb", 10000, "USD", date(2027, 2, 15)), ("may", 10000, "USD", date(2027, 5, 15)),
                                    ("eur", 5000, "EUR", date(2027, 4, 1)), ("chf", 9100, "CHF", date(2027, 3, 10))):
        ids[key] = api.create("Opportunity", Name=key, AccountId=ids["acc-EUR"], StageName="Closed Won",
                              CloseDate=close, Amount=amount, CurrencyIsoCode=iso, OwnerId=rep)
    return ids


def _new_daily_rate(api: SalesforceApi) -> None:
    """The feed's night: a USD rate from 1 June (after every deal's close date) and CurrencyType's USD rate moved."""
    api.set_currency_rates("EUR", {**STATIC, "USD": 1.09},
                           {"USD": [*DATED["USD"], (date(2027, 6, 1), 1.02)]}, places=PLACES)


def _past_rate_edited(api: SalesforceApi) -> None:
    """Finance corrects the USD rate from 1 April: 1.04, not 1.05 (the May deal's range)."""
    api.set_currency_rates("EUR", STATIC, {"USD": [(date(2027, 1, 1), 1.10), (date(2027, 4, 1), 1.04)]},
                           places=PLACES)


def _currency_activated(api: SalesforceApi) -> None:
    """CHF added in Manage Currencies (0.94 per EUR), with a dated rate from 1 January (0.95)."""
    api.set_currency_rates("EUR", {**STATIC, "CHF": 0.94}, {**DATED, "CHF": [(date(2027, 1, 1), 0.95)]},
                           places=PLACES)


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer([SalesforceApi(None)]) as srv:
        yield srv


@pytest.mark.parametrize(("change", "may_eur", "chf_eur"), [
    (_new_daily_rate, Decimal("9523.81"), None),
    (_past_rate_edited, Decimal("9615.38"), None),
    (_currency_activated, Decimal("9523.81"), Decimal("9578.95")),
])
def test_a_change_of_rates_only_converts_the_stored_records_again_as_a_full_read_would(
        tmp_path: Path, database_url: str, server: SandboxServer, change: Callable[[SalesforceApi], None],
        may_eur: Decimal, chf_eur: Decimal | None) -> None:
    api = server.api("salesforce")
    ids = _seed(api)
    (tmp_path / "frugal").mkdir()
    frugal = SfRuns(tmp_path / "frugal", database_url, server)
    frugal.sync()
    change(api)
    frugal.sync()                         # the store of the night before: the rates changed, no record did
    (tmp_path / "full").mkdir()
    full_url = f"sqlite:///{tmp_path / 'full' / 'pac.db'}"
    SfRuns(tmp_path / "full", full_url, server).sync()      # a store read in full after the change
    engines = open_store(database_url), open_store(full_url)
    try:
        marks = repo.watermarks(engines[0], "sf-main")
        kept = [{kind: {r.id: r for r in store_records.iter_records(engine, ["sf-main"], kind)}
                 for kind in ("accounts", "deals")} for engine in engines]
    finally:
        for engine in engines:
            engine.dispose()
    # the frugal store read the deals and accounts in full once only (its first night)
    assert marks[("sf-main", "deals")].last_full_at == marks[("sf-main", "accounts")].last_full_at
    assert marks[("sf-main", "deals")].last_full_at is not None
    assert marks[("sf-main", "deals")].last_full_at < marks[("sf-main", "deals")].updated_at
    assert kept[0] == kept[1]              # record for record, rates included: what the engine evaluates
    deals = kept[0]["deals"]
    may, chf = deals[ids["may"]], deals[ids["chf"]]
    assert isinstance(may, Deal) and isinstance(chf, Deal)
    assert conversion(may.currency, may.rates, "EUR", {})(may.amount) == may_eur  # type: ignore[misc, arg-type]
    assert (chf.rates is None) is (chf_eur is None)
    if chf_eur is not None:
        assert conversion(chf.currency, chf.rates, "EUR", {})(chf.amount) == chf_eur  # type: ignore[misc, arg-type]


def test_a_dry_run_evaluates_the_converted_records_and_stores_nothing(tmp_path: Path, database_url: str,
                                                                     server: SandboxServer) -> None:
    """``pac sync --dry-run`` on the night a past rate is corrected: the evaluation sees the May deal at the new rate
    (10,000 / 1.04 = 9,615.38 EUR), the store keeps the old one (9,523.81)."""
    api = server.api("salesforce")
    ids = _seed(api)
    runs = SfRuns(tmp_path, database_url, server)
    runs.sync()
    _past_rate_edited(api)
    seen: list[Records] = []

    def evaluate(plan: Plan, records: Records, as_of: datetime) -> Evaluation:
        seen.append(records)
        return fake_evaluate(plan, records, as_of)

    connector = build("sf-main", runs.mapping, sandbox_env(server), policy=NO_WAIT)
    try:
        pipeline.run_sync(None, runs.settings, connectors={"sf-main": connector}, clock=runs.clock, dry_run=True,
                          evaluator=evaluate)
    finally:
        connector.close()
    engine = open_store(database_url)
    try:
        stored = {r.id: r for r in store_records.iter_records(engine, ["sf-main"], "deals")}
    finally:
        engine.dispose()
    evaluated = {d.id: d for d in seen[-1].deals}
    for deal, eur in ((evaluated[ids["may"]], Decimal("9615.38")), (stored[ids["may"]], Decimal("9523.81"))):
        assert isinstance(deal, Deal)
        assert conversion(deal.currency, deal.rates, "EUR", {})(deal.amount) == eur  # type: ignore[misc, arg-type]
