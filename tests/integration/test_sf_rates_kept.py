"""A multi-currency org's exchange rates kept in the store (``pac_crm_rate``): each night reads only the
``DatedConversionRate`` rows whose ``SystemModstamp`` moved since the last read (and ``SELECT COUNT()`` to see a
deleted row, which leaves no stamp), and builds from the kept rows exactly the rates a full read gives (audit
sfrates2): after a new dated rate that splits a range (the previous row's read-only ``NextStartDate`` changes with no
stamp here), an edited past rate, a deleted rate and a new currency; the deals and accounts stored match a store read
in full too."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from connectors.salesforce.connector import build
from pac_core.records import Deal
from pac_core.revenue import conversion
from sandbox_crm.run import sandbox_env
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import SandboxServer
from sync_jobs import pipeline
from sync_jobs.store import open_store, repo
from sync_jobs.store import records as store_records
from tests.fakes import fake_evaluate
from tests.integration.sf_runs import DEMO, NO_WAIT, SfRuns

STATIC = {"USD": 1.08, "JPY": 160.0}


def _seed(api: SalesforceApi) -> dict[str, str]:
    """Corporate EUR; USD dated 1.10 from 1 January, 1.05 from 1 April 2027; a rep, a USD and a CHF account (the org
    has no CHF yet) and three won deals: USD in February and May, CHF in March."""
    api.set_currency_rates("EUR", STATIC, {"USD": [(date(2027, 1, 1), 1.10), (date(2027, 4, 1), 1.05)]},
                           places={"JPY": 0})
    rep = api.create("User", Username="julie@x.example", Email="julie@x.example", FirstName="Julie",
                     LastName="Martin", Name="Julie Martin", IsActive=True)
    ids = {f"acc-{iso}": api.create("Account", Name=f"Acc {iso}", BillingPostalCode="69001", BillingCountry="France",
                                    AnnualRevenue=revenue, CurrencyIsoCode=iso, OwnerId=rep)
           for iso, revenue in (("USD", 52_000_000), ("CHF", 40_000_000))}
    for key, amount, iso, close in (("feb", 10000, "USD", date(2027, 2, 15)), ("may", 10000, "USD", date(2027, 5, 15)),
                                    ("chf", 9100, "CHF", date(2027, 3, 10))):
        ids[key] = api.create("Opportunity", Name=key, AccountId=ids["acc-USD"], StageName="Closed Won",
                              CloseDate=close, Amount=amount, CurrencyIsoCode=iso, OwnerId=rep)
    return ids


def _dated_id(api: SalesforceApi, iso: str, start: date) -> str:
    return next(i for i, r in api.org.store["DatedConversionRate"].items()
                if r["IsoCode"] == iso and str(r["StartDate"]) == str(start))


def _new_daily_rate(api: SalesforceApi) -> None:
    """(a) The feed's rate of 1 May: 1.03, splitting the April range (the May deal's)."""
    api.org.add_dated_rate("USD", date(2027, 5, 1), 1.03)


def _past_rate_edited(api: SalesforceApi) -> None:
    """(b) Finance corrects the USD rate from 1 April: 1.04, not 1.05."""
    api.org.edit("DatedConversionRate", _dated_id(api, "USD", date(2027, 4, 1)), ConversionRate=1.04)


def _rate_deleted(api: SalesforceApi) -> None:
    """(c) The USD rate from 1 April deleted: the January rate runs on (the May deal at 1.10)."""
    api.org.delete_dated_rate(_dated_id(api, "USD", date(2027, 4, 1)))


def _currency_added(api: SalesforceApi) -> None:
    """(d) CHF added (0.94 per EUR), with a dated rate from 1 January (0.95)."""
    api.org.add_currency("CHF", 0.94)
    api.org.add_dated_rate("CHF", date(2027, 1, 1), 0.95)


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer([SalesforceApi(None)]) as srv:
        yield srv


@pytest.mark.parametrize(("change", "may_eur", "chf_eur", "read_in_full"), [
    (_new_daily_rate, Decimal("9708.74"), None, False),
    (_past_rate_edited, Decimal("9615.38"), None, False),
    (_rate_deleted, Decimal("9090.91"), None, True),
    (_currency_added, Decimal("9523.81"), Decimal("9578.95"), False),
])
def test_the_rates_kept_in_the_store_are_those_a_full_read_gives(
        tmp_path: Path, database_url: str, server: SandboxServer, change: Callable[[SalesforceApi], None],
        may_eur: Decimal, chf_eur: Decimal | None, read_in_full: bool) -> None:
    api = server.api("salesforce")
    (tmp_path / "frugal").mkdir()
    frugal = SfRuns(tmp_path / "frugal", database_url, server)
    night = frugal.crm_now[0]
    frugal.crm_now[0] = night - timedelta(days=2)     # the rates entered days ago: out of the read's overlap
    ids = _seed(api)
    frugal.crm_now[0] = night - timedelta(days=1)     # a later row: the kept stamp, the USD rows not read again
    api.org.add_dated_rate("JPY", date(2027, 1, 1), 161.0)
    frugal.crm_now[0] = night
    frugal.sync()
    frugal.crm_now[0] += timedelta(hours=1)
    change(api)
    frugal.sync()                               # reads the rate rows changed since the first night
    (tmp_path / "full").mkdir()
    full_url = f"sqlite:///{tmp_path / 'full' / 'pac.db'}"
    SfRuns(tmp_path / "full", full_url, server).sync()          # a store read in full after the change
    engines = open_store(database_url), open_store(full_url)
    try:
        kept = [{kind: {r.id: r for r in store_records.iter_records(engine, ["sf-main"], kind)}
                 for kind in ("accounts", "deals")} for engine in engines]
        rates = repo.crm_rates(engines[0], "sf-main")
    finally:
        for engine in engines:
            engine.dispose()
    assert rates is not None
    # the second night read the dated rates in full only when a row was deleted (the count fell)
    assert (rates.full_at == rates.updated_at) is read_in_full
    assert kept[0] == kept[1]
    may, chf = kept[0]["deals"][ids["may"]], kept[0]["deals"][ids["chf"]]
    assert isinstance(may, Deal) and isinstance(chf, Deal)
    assert conversion(may.currency, may.rates, "EUR", {})(may.amount) == may_eur  # type: ignore[misc, arg-type]
    assert (chf.rates is None) is (chf_eur is None)
    if chf_eur is not None:
        assert conversion(chf.currency, chf.rates, "EUR", {})(chf.amount) == chf_eur  # type: ignore[misc, arg-type]
    # the connector's rates from the kept rows (a night with no change since) equal a full read's, field for field
    kept_reader = build("sf-main", DEMO, sandbox_env(server), policy=NO_WAIT)
    full_reader = build("sf-main", DEMO, sandbox_env(server), policy=NO_WAIT)
    try:
        kept_reader.remember_rates(rates)
        assert kept_reader.org_rates() == full_reader.org_rates()
        assert kept_reader.org_rates().dated == full_reader.org_rates().dated
        # CurrencyType, the dated rows changed since, SELECT COUNT(): one query each (and the login)
        assert kept_reader.usage().by_endpoint == {"oauth2": 1, "query": 3}
    finally:
        kept_reader.close()
        full_reader.close()


def test_the_weekly_reconciliation_reads_every_rate_row_again(tmp_path: Path, database_url: str,
                                                               server: SandboxServer) -> None:
    """The rows kept are healed as the records are: once ``reconciliation_days`` (7 in the demo mapping) have passed
    since their last full read, a night reads them all again; the nights between read only the changed rows."""
    runs = SfRuns(tmp_path, database_url, server)
    _seed(server.api("salesforce"))
    seen = []
    for advance in (0, 1, 7):
        runs.clock.advance(days=advance)
        runs.sync()
        engine = open_store(database_url)
        try:
            seen.append(repo.crm_rates(engine, "sf-main"))
        finally:
            engine.dispose()
    first, second, third = seen
    assert first is not None and second is not None and third is not None
    stamps = [(r.full_at, r.updated_at) for r in seen if r is not None and r.full_at and r.updated_at]
    assert len(stamps) == 3
    assert stamps[0][0] == stamps[0][1]
    assert stamps[1][0] == stamps[0][0] < stamps[1][1]          # the next day: the changed rows only
    assert stamps[2][0] == stamps[2][1] > stamps[1][1]          # a week on: every row again
    assert len(third.rows) == len(first.rows) == 2


def test_a_dry_run_keeps_no_rate_row(tmp_path: Path, database_url: str, server: SandboxServer) -> None:
    """``pac sync --dry-run`` reads the changed rates and keeps none: the next real night reads them again."""
    api = server.api("salesforce")
    runs = SfRuns(tmp_path, database_url, server)
    _seed(api)
    runs.sync()
    runs.crm_now[0] += timedelta(hours=1)
    _past_rate_edited(api)
    april = _dated_id(api, "USD", date(2027, 4, 1))

    def kept_rate() -> object:
        engine = open_store(database_url)
        try:
            rates = repo.crm_rates(engine, "sf-main")
        finally:
            engine.dispose()
        assert rates is not None
        return rates.rows[april]["ConversionRate"]

    connector = build("sf-main", DEMO, sandbox_env(server), policy=NO_WAIT)
    try:
        pipeline.run_sync(None, runs.settings, connectors={"sf-main": connector}, clock=runs.clock, dry_run=True,
                          evaluator=fake_evaluate)
    finally:
        connector.close()
    assert kept_rate() == 1.05
    runs.sync()
    assert kept_rate() == 1.04
