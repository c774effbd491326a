"""A multi-currency Salesforce org's own rates (CurrencyType, DatedConversionRate): amounts converted into its
corporate currency as Salesforce converts them, figures worked out by hand (audit findings 1 and 2)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from connectors.base import ObjectKind, SchemaError, reading_of
from connectors.salesforce.connector import (
    ACCOUNT_CURRENCY,
    ACCOUNT_RULES,
    DEAL_RULES,
    FAMILY_LABELS,
    READING_RULES,
    SalesforceConnector,
)
from connectors.salesforce.currency import NO_RATES, DatedRate, OrgRates, read_rates
from connectors.salesforce.mapping import load_mapping
from connectors.salesforce.normalise import Normaliser
from pac_config.loader import config_dir
from pac_config.planfile import load_plan_text
from pac_core.engine import evaluate
from pac_core.engine_settings import EngineSettings
from pac_core.geography import COUNTRY_READING
from pac_core.plan import ActivityType
from pac_core.records import Account, Activity, CrmRates, Deal, Records, User
from pac_core.revenue import conversion
from pac_core.scope_eval import AnnualRevenue
from tests.fakes import LABELS_STAMP, STANDARD_LABELS, labels_unchanged

STAMP = "2027-05-04T10:00:00.000+0000"
DEMO = config_dir() / "mappings" / "salesforce.demo.yaml"          # multi-currency: deals.currency_field
DEFAULT = config_dir() / "mappings" / "salesforce.default.yaml"    # single-currency
# corporate EUR; CurrencyType: 1 EUR = 1.08 USD = 160 JPY; ACM: USD 1.10 from 2027-01-01, 1.05 from 2027-04-01
RATES = OrgRates("EUR", 2, {"EUR": Decimal(1), "USD": Decimal("1.08"), "JPY": Decimal(160)},
                 {"USD": (DatedRate(date(2027, 1, 1), date(2027, 4, 1), Decimal("1.10")),
                          DatedRate(date(2027, 4, 1), None, Decimal("1.05")))})
PLAN = """
plan: {name: "Currency", year: 2027, timezone: Europe/Paris, currency: EUR, language: en}
people:
  - {email: julie@x.example, name: Julie, role: rep}
  - {email: boss@x.example, name: Boss, role: manager}
segments:
  - id: S-RA
    name: RA
    kind: horizontal
    scope: {region: Auvergne-Rhône-Alpes}
    swot: {strengths: [a], weaknesses: [b], opportunities: [c], threats: [d]}
axes:
  - id: AX1
    name: Axis one
    segment: S-RA
    status: active
    objective: {additional_revenue: 100000, period: "2027", baseline: 0, budget: 1000}
actions:
  - id: A-VIS
    axis: AX1
    text: "Visit large accounts of 69 in May"
    who: julie@x.example
    what: {activity: visit, count: 20, counting: activities,
           scope: {departement: "69", annual_revenue: {gte: "50 M€"}}}
    when: "mai 2027"
"""
AS_OF = datetime.fromisoformat("2027-06-20T12:00:00+02:00")


def _normaliser(path: Any = DEMO, rates: OrgRates = RATES) -> tuple[Normaliser, list[str]]:
    warnings: list[str] = []
    n = Normaliser("sf", load_mapping(path), warn=warnings.append)
    n.rates = rates
    return n, warnings


def _opp(i: str, amount: float | None, currency: str, close: str, lines: list[float] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    return {"Id": i, "Name": i, "AccountId": "001A", "OwnerId": "005J", "IsDeleted": False, "SystemModstamp": STAMP,
            "CreatedDate": "2027-01-05T09:00:00.000+0000", "IsWon": True, "IsClosed": True, "Amount": amount,
            "CloseDate": close, "CurrencyIsoCode": currency,
            "OpportunityLineItems": {"totalSize": len(lines), "done": True, "records": [
                {"Product2": {"Name": "PX200", "ProductCode": "PX200", "Family": "Pompes"}, "Quantity": 1.0,
                 "TotalPrice": amount_} for amount_ in lines]} if lines else None}


def _account(i: str, revenue: float, currency: str) -> dict[str, Any]:
    return {"Id": i, "Name": i, "BillingPostalCode": "69001", "BillingCountry": "France", "OwnerId": "005J",
            "IsDeleted": False, "SystemModstamp": STAMP, "AnnualRevenue": revenue, "CurrencyIsoCode": currency}


def _records(n: Normaliser, accounts: list[dict[str, Any]], opps: list[dict[str, Any]],
             visits: list[str] = ()) -> Records:  # type: ignore[assignment]
    users = (User("005J", "sf", "julie@x.example", "Julie"),)
    accs = tuple(a for a in map(n.account, accounts) if isinstance(a, Account))
    deals = tuple(d for d in map(n.deal, opps) if isinstance(d, Deal))
    acts = tuple(Activity(f"00U{i}", "sf", ActivityType.VISIT, "005J", account,
                          datetime.fromisoformat("2027-05-10T08:00:00+00:00")) for i, account in enumerate(visits))
    return Records(accounts=accs, deals=deals, users=users, activities=acts)


def _evaluate(records: Records, fx: dict[str, str] | None = None) -> Any:
    settings = EngineSettings(fx_rates={k: Decimal(v) for k, v in (fx or {}).items()})
    return evaluate(load_plan_text(PLAN), records, as_of=AS_OF, settings=settings, explain=True)


class TestOrgRates:
    def test_a_deal_on_the_day_a_dated_rate_starts_takes_that_rate(self) -> None:
        """NextStartDate is the day after the end of a rate: on 2027-04-01 the 1.05 rate is in force, the day before
        1.10; a day before every dated rate falls back to CurrencyType's 1.08."""
        assert RATES.rate("USD", date(2027, 4, 1), dated=True) == Decimal("1.05")
        assert RATES.rate("USD", date(2027, 3, 31), dated=True) == Decimal("1.10")
        assert RATES.rate("USD", date(2026, 12, 31), dated=True) == Decimal("1.08")
        assert RATES.rate("USD", date(2027, 4, 1), dated=False) == Decimal("1.08")     # not an opportunity

    def test_conversion_rounds_half_up_to_the_corporate_decimals(self) -> None:
        """10,000 USD / 1.10 = 9,090.909... -> 9,090.91; 0.015 corporate is 0.02 (half up, not to even)."""
        assert RATES.convert(Decimal(10000), "USD", date(2027, 2, 15), dated=True) == Decimal("9090.91")
        assert OrgRates("EUR", 2, {"X": Decimal(2)}).convert(Decimal("0.03"), "X", None, dated=False) == Decimal("0.02")
        assert RATES.convert(Decimal(5000), "EUR", None, dated=True) == Decimal(5000)

    def test_the_rates_of_a_day_are_worked_out_once(self) -> None:
        """An org with daily dated rates (a finance feed: 10 currencies x 3 years, 10,950 rows): the deals closed on
        one day share one set of rates, worked out once, each rate found among the rows by bisection, with the same
        rates as the rows say. Seen failing before (audit sfmoney F3): a new set for each deal, each currency's rows
        scanned from the first, 0.47 ms a deal (12 s for 25,500 deals)."""
        daily = {iso: tuple(DatedRate(date(2025, 1, 1) + timedelta(days=i), date(2025, 1, 2) + timedelta(days=i)
                                      if i < 1094 else None, Decimal(100 + i) / 100) for i in range(1095))
                 for iso in ("USD", "GBP", "CHF", "JPY", "CAD", "AUD", "SEK", "NOK", "DKK", "PLN")}
        rates = OrgRates("EUR", 2, {iso: Decimal(1) for iso in (*daily, "EUR")}, daily)
        day = date(2026, 6, 30)                                       # the 546th row: 1 + 545 / 100
        assert rates.on(day) is rates.on(day)
        assert dict(rates.on(day).rates)["USD"] == Decimal("6.45") == rates.rate("USD", day, dated=True)
        assert rates.rate("USD", date(2024, 12, 31), dated=True) == Decimal(1)       # before the rows: CurrencyType's
        assert rates.rate("USD", date(2031, 1, 1), dated=True) == Decimal("11.94")   # the last row, still in force
        assert rates.on(None) is rates.on(None) and dict(rates.on(None).rates)["USD"] == Decimal(1)

    def test_the_digest_follows_the_rates(self) -> None:
        """A changed dated rate changes the deals' digest, not the accounts' (they use CurrencyType only)."""
        moved = OrgRates("EUR", 2, RATES.static, {"USD": (DatedRate(date(2027, 1, 1), None, Decimal("1.11")),)})
        assert moved.digest(dated=True) != RATES.digest(dated=True)
        assert moved.digest(dated=False) == RATES.digest(dated=False)


class TestDealConversion:
    def test_won_revenue_reconciles_with_a_salesforce_report(self) -> None:
        """USD 10,000 closed 15 Feb at 1.10 + USD 10,000 closed 15 May at 1.05 + EUR 5,000 = 9,090.91 + 9,523.81 +
        5,000 = 23,614.72 EUR, the report's total; before, 23,400 with fx_rates USD 0.92 (5,000 without)."""
        n, _ = _normaliser()
        records = _records(n, [_account("001A", 1.0, "EUR")], [
            _opp("006A", 10000.0, "USD", "2027-02-15"), _opp("006B", 10000.0, "USD", "2027-05-15"),
            _opp("006C", 5000.0, "EUR", "2027-04-01")])
        assert _evaluate(records, {"USD": "0.92"}).axis("AX1").revenue == Decimal("23614.72")
        assert _evaluate(records).axis("AX1").revenue == Decimal("23614.72")     # no fx_rates needed

    def test_lines_are_converted_at_the_deal_s_close_date_rate(self) -> None:
        """Each line is converted and rounded on its own at the CloseDate's rate: 3,000 / 1.05 = 2,857.142... ->
        2,857.14 and 7,000 / 1.05 = 6,666.666... -> 6,666.67; the deal keeps USD and the org's rates of that day."""
        n, _ = _normaliser()
        deal = n.deal(_opp("006L", 10000.0, "USD", "2027-04-01", [3000.0, 7000.0]))
        assert isinstance(deal, Deal) and deal.currency == "USD" and deal.amount == Decimal("10000.0")
        assert deal.rates == CrmRates("EUR", (("EUR", Decimal(1)), ("JPY", Decimal(160)), ("USD", Decimal("1.05"))))
        into_eur = conversion(deal.currency, deal.rates, "EUR", {})
        assert into_eur is not None and into_eur(Decimal("10000.0")) == Decimal("9523.81")
        assert [into_eur(line.amount) for line in deal.lines] == [  # type: ignore[arg-type]
            Decimal("2857.14"), Decimal("6666.67")]

    def test_a_currency_the_org_has_no_rate_for_stays_as_it_was(self) -> None:
        """GBP has no CurrencyType row: the deal keeps GBP 1,000, and the engine converts it with fx_rates or rejects
        it (unknown_currency) as before."""
        n, _ = _normaliser()
        deal = n.deal(_opp("006G", 1000.0, "GBP", "2027-05-15"))
        assert isinstance(deal, Deal) and deal.currency == "GBP" and deal.amount == Decimal(1000)
        records = _records(n, [_account("001A", 1.0, "EUR")], [_opp("006G", 1000.0, "GBP", "2027-05-15")])
        assert _evaluate(records, {"GBP": "1.15"}).axis("AX1").revenue == Decimal("1150.00")
        assert [d.rule for d in _evaluate(records).rejected] == ["unknown_currency"]

    def test_an_org_that_gave_no_rates_converts_nothing(self) -> None:
        """NO_RATES (CurrencyType empty or unreadable): the deal keeps its currency, fx_rates apply as before."""
        n, _ = _normaliser(rates=NO_RATES)
        deal = n.deal(_opp("006A", 10000.0, "USD", "2027-02-15"))
        assert isinstance(deal, Deal) and deal.currency == "USD" and deal.amount == Decimal(10000)


class TestAnnualRevenue:
    def test_annual_revenue_in_jpy_is_not_50_meur(self) -> None:
        """EUR 60 M is in a 50 M€ scope; JPY 1,000,000,000 / 160 = 6,250,000 EUR and USD 52 M / 1.08 = 48,148,148.15
        EUR are not (CurrencyType's rate, never the dated one): one visit counts, not three. Each account keeps its
        own amount and currency with CurrencyType's rates, which the engine converts it with."""
        n, _ = _normaliser()
        accounts = [_account("001EUR", 60e6, "EUR"), _account("001JPY", 1e9, "JPY"), _account("001USD", 52e6, "USD")]
        jpy = n.account(accounts[1])
        assert isinstance(jpy, Account) and (jpy.annual_revenue, jpy.currency) == (Decimal("1000000000.0"), "JPY")
        assert jpy.rates == CrmRates("EUR", (("EUR", Decimal(1)), ("JPY", Decimal(160)), ("USD", Decimal("1.08"))))
        usd = n.account(accounts[2])
        assert isinstance(usd, Account) and usd.rates == jpy.rates
        assert [AnnualRevenue("EUR").of(a) for a in (jpy, usd)] == [Decimal("6250000.00"), Decimal("48148148.15")]
        records = _records(n, accounts, [], ["001EUR", "001JPY", "001USD"])
        assert _evaluate(records).action("A-VIS").done == 1

    def test_a_chf_plan_compares_the_revenue_in_chf(self) -> None:
        """The Swiss subsidiary's CHF plan on the group's EUR org (CurrencyType CHF 0.95), `annual_revenue: {gte: "55
        M"}` written in CHF: EUR 60 M = CHF 57 M is inside, EUR 57 M = CHF 54.15 M just outside; one visit counts.
        Seen failing before the fix (audit multi F2): the EUR amounts were compared with the CHF bound, 2 counted."""
        n, _ = _normaliser(rates=OrgRates("EUR", 2, {"EUR": Decimal(1), "CHF": Decimal("0.95")}))
        accounts = [_account("001IN", 60e6, "EUR"), _account("001OUT", 57e6, "EUR")]
        plan = load_plan_text(PLAN.replace("currency: EUR", "currency: CHF").replace('"50 M€"', '"55 M"'))
        ev = evaluate(plan, _records(n, accounts, [], ["001IN", "001OUT"]), as_of=AS_OF, explain=True)
        assert ev.action("A-VIS").done == 1
        assert {d.account_id for d in ev.action("A-VIS").decisions if d.counted} == {"001IN"}

    def test_an_account_currency_without_a_rate_is_kept_with_a_warning(self) -> None:
        """GBP has no rate: the amount is kept in GBP with no rates (engine.fx_rates may convert it, else the engine
        treats it as unknown) and a warning names the currency, once."""
        n, warnings = _normaliser()
        for i in ("1", "2"):
            acc = n.account(_account("001G" + i, 70e6, "GBP"))
            assert isinstance(acc, Account) and (acc.annual_revenue, acc.currency, acc.rates) == (
                Decimal("70000000.0"), "GBP", None)
        assert len(warnings) == 1 and "GBP" in warnings[0]


class _Client:
    """``SfClient.query_pages`` answering from a table by object name; ``SchemaError`` for an object it lacks."""

    def __init__(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        self.tables = tables
        self.queries: list[str] = []

    def query_pages(self, soql: str, **_kw: Any) -> Iterator[list[dict[str, Any]]]:
        self.queries.append(soql)
        obj = soql.split(" FROM ")[1].split()[0]
        if obj not in self.tables:
            raise SchemaError(f"Salesforce query: INVALID_TYPE sObject type '{obj}' is not supported.")
        yield self.tables[obj]


CURRENCY_TYPES = [
    {"IsoCode": "EUR", "ConversionRate": 1.0, "DecimalPlaces": 2, "IsCorporate": True, "IsActive": True},
    {"IsoCode": "USD", "ConversionRate": 1.08, "DecimalPlaces": 2, "IsCorporate": False, "IsActive": True}]
WARNINGS: list[str] = []


class TestReadRates:
    def test_an_org_without_acm_uses_currency_type(self) -> None:
        """DatedConversionRate does not exist without advanced currency management (INVALID_TYPE): static rates."""
        rates, _ = read_rates(_Client({"CurrencyType": CURRENCY_TYPES}), WARNINGS.append)  # type: ignore[arg-type]
        assert rates.corporate == "EUR" and rates.static["USD"] == Decimal("1.08") and not rates.dated

    def test_dated_rows_are_read_with_their_next_start(self) -> None:
        dated = [{"IsoCode": "USD", "ConversionRate": 1.1, "StartDate": "2027-01-01", "NextStartDate": "2027-04-01"},
                 {"IsoCode": "USD", "ConversionRate": 1.05, "StartDate": "2027-04-01", "NextStartDate": None}]
        client = _Client({"CurrencyType": CURRENCY_TYPES, "DatedConversionRate": dated})
        rates, _ = read_rates(client, WARNINGS.append)  # type: ignore[arg-type]
        assert rates.rate("USD", date(2027, 4, 1), dated=True) == Decimal("1.05")

    def test_an_org_without_currency_type_gives_no_rates_and_a_warning(self) -> None:
        """A mapping reading a currency on an org that is not multi-currency: nothing converted, said once."""
        warnings: list[str] = []
        client = _Client({})
        assert read_rates(client, warnings.append) == (NO_RATES, None)  # type: ignore[arg-type]
        assert len(client.queries) == 1 and "CurrencyType" in warnings[0]


class _NoCalls:
    """A client any call of which fails the test: a single-currency org must cost no rates query."""

    user_id = None

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"unexpected call {name}")


class TestSingleCurrencyOrg:
    def test_no_rates_query_and_the_same_reading(self) -> None:
        """The default mapping (no currency field): no query, and the same fingerprint as before the org's rates
        were read, so no store is re-read after the upgrade."""
        m = load_mapping(DEFAULT)
        sf = SalesforceConnector("sf", m, _NoCalls())  # type: ignore[arg-type]
        assert sf.org_rates() is NO_RATES
        labels_unchanged(sf)       # Account's describe answers 304 (the labels' check: no rates query either)
        # Product2's describe, as read (the lines' family read by its labels, audit sffamily F1: its labels are part
        # of the deals' reading): `MACH` labelled « Machines »
        sf.schema.remember("Product2", {"fields": [{"name": "Family", "type": "picklist", "picklistValues": [
            {"value": "Pompes", "label": "Pompes"}, {"value": "MACH", "label": "Machines"}]}]})
        # the deal filter's keys, unset, are not part of it (they came later: tests/unit/test_sf_mapping.py)
        assert sf.reading(ObjectKind.DEALS) == reading_of(READING_RULES, "deals", [
            m.org_currency, m.deals.model_dump(mode="json", exclude={"where", "exclude"}), DEAL_RULES,
            FAMILY_LABELS, {"MACH": "Machines"}])
        # accounts: the mapping's section, the scope picklists read as labels, how countries are read, the annual
        # revenue kept in the org's currency (audit multi F2) and the picklists' labels (``SalesforceConnector.labels``,
        # audit ops2 F4): a change of any re-reads the accounts once
        assert sf.reading(ObjectKind.ACCOUNTS) == reading_of(READING_RULES, "accounts",
                                                             [m.accounts.model_dump(mode="json"), ACCOUNT_RULES,
                                                              COUNTRY_READING, ACCOUNT_CURRENCY, m.org_currency],
                                                             STANDARD_LABELS, {"metadata": LABELS_STAMP})
        assert "CurrencyIsoCode" not in m.read_fields()["Account"].values()

    def test_deals_keep_their_amounts(self) -> None:
        """A single-currency deal is untouched (the org's currency, the amount as read)."""
        n, _ = _normaliser(DEFAULT, NO_RATES)
        deal = n.deal(_opp("006A", 10000.5, "USD", "2027-02-15"))
        assert isinstance(deal, Deal) and deal.currency == "EUR" and deal.amount == Decimal("10000.5")
        # an account's annual revenue is in the org's currency too (CurrencyIsoCode is not read)
        acc = n.account(_account("001A", 1e9, "JPY"))
        assert isinstance(acc, Account) and (acc.annual_revenue, acc.currency, acc.rates) == (
            Decimal("1000000000.0"), "EUR", None)
