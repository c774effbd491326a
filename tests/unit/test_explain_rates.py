"""``pac explain AXIS``: a converted deal's line reads as the CRM shows its rate, so an admin can check it there
(audit explainrates, 7 Dec 2026), and the data-quality warnings write their amounts as the report writes money.

Expected lines written by hand before the code (plan in EUR, Paris; won deals of account a1, evaluated 1 June 2027):

Salesforce (Object Reference, DatedConversionRate / CurrencyType ``ConversionRate``: units of the currency per one
unit of the corporate currency, as Setup > Manage Currencies shows it):
- corporate EUR, GBP 0.80 on the close date: GBP 4,000 -> 4,000 / 0.80 = €5,000.00;
  "£4,000.00 in the CRM = €5,000.00; Salesforce rate of its close date: 1 EUR = 0.80 GBP"
  « 4 000,00 £GB dans le CRM = 5 000,00 € ; taux Salesforce de sa date de clôture : 1 EUR = 0,80 GBP »
  (before: "converted at 1.25", EUR per GBP, a figure Setup does not show);
- GBP 8,500 at 0.85 -> 10,000.00 (8,500 / 0.85 = 10,000): "1 EUR = 0.85 GBP" (before: no rate, 1.176470588… not
  exact to six places); USD 3,300 at 1.10 -> 3,000.00: "1 EUR = 1.10 USD" (before: no rate);
- corporate USD, EUR 0.92 and GBP 0.79 in the org: GBP 4,000 x 0.92 / 0.79 = 4,658.2278 -> €4,658.23;
  "Salesforce rates of its close date: 1 USD = 0.79 GBP, 1 USD = 0.92 EUR";
- corporate USD, no EUR in the org, engine.fx_rates {USD: 0.92}: GBP 4,000 / 0.79 = $5,063.29, x 0.92 = 4,658.2268
  -> €4,658.23; "Salesforce rate of its close date: 1 USD = 0.79 GBP; engine.fx_rates in pac.yaml: 1 USD = 0.92 EUR".
HubSpot (settings API, Currencies: ``conversionRate``, "the exchange rate from the additional currency to your
company currency", up to 6 decimals): company currency EUR, a USD 5,000 deal with 4,600 in company currency ->
€4,600.00, "HubSpot rate of its close date: 1 USD = 0.92 EUR"; USD 3,300 for €3,000: 0.909090… -> "0.909091".
engine.fx_rates (docs/engine.md: "currency -> rate into the plan's currency"): USD 10,000 at 0.92 -> €9,200.00,
"engine.fx_rates in pac.yaml: 1 USD = 0.92 EUR"; a rate of 0.9234567 reads 0.923457 (USD 1,000 -> €923.46).

Warnings: a GBP deal with no amount whose lines are 500 + 300 (read as 500.0 and 300.0): "deal amount empty: the
sum of its line items used, £800.00" (before: "800.0"); French « montant de l'affaire vide : somme de ses lignes
utilisée, 800,00 £GB ».
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from pac_core.engine import EngineSettings, evaluate
from pac_core.explain import explain_axis, localise
from pac_core.plan import Plan
from pac_core.records import CrmRates, Deal, DealLine, Records
from pac_core.revenue import value_warnings
from tests.unit.test_engine_support import PARIS, USERS, account, action, axis, plan, won


def _plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def _sf(corporate: str, **rates: str) -> CrmRates:
    """A Salesforce org's rates of one day, as ``OrgRates.on`` gives them: the corporate currency's at 1."""
    found = {corporate: Decimal(1), **{k: Decimal(v) for k, v in rates.items()}}
    return CrmRates(corporate, tuple(sorted(found.items())), 2)


def _hs(home: str, home_amount: str, currency: str, amount: str) -> CrmRates:
    """A HubSpot deal's two amounts, as ``connectors.hubspot.currency.home_rates`` keeps them."""
    return CrmRates(home, tuple(sorted(((home, Decimal(home_amount)), (currency, Decimal(amount))))), 2)


def _details(*deals: Deal, fx: dict[str, str] | None = None, crm: str | None = "salesforce", lang: str = "en",
             currency: str = "EUR") -> dict[str, str]:
    p: Plan = plan(action(axis_id="AX-69"), axes=(axis("AX-69", "SEG-ARA"),), language=lang)
    p = replace(p, currency=currency)
    rates = {k: Decimal(v) for k, v in (fx or {}).items()}
    ev = evaluate(p, Records(accounts=(account("a1", "69003"),), deals=deals, users=USERS),
                  as_of=datetime(2027, 6, 1, tzinfo=PARIS), settings=EngineSettings(fx_rates=rates), explain=True)
    rows = explain_axis(p, ev, "AX-69", deals={(d.source, d.id): d for d in deals}, lang=lang, fx_rates=rates,
                        crms={"sf": crm} if crm else None).rows
    assert all(r["counted"] for r in rows) and len(rows) == len(deals)
    return {r["record"]: _plain(r["detail"]) for r in rows}


def _deal(ident: str, amount: str, currency: str, close: date, rates: CrmRates | None) -> Deal:
    return replace(won(ident, "a1", amount, close, currency=currency), rates=rates)


class TestSalesforceRates:
    def test_the_orgs_rate_as_setup_shows_it(self) -> None:
        deals = (_deal("op2", "4000", "GBP", date(2027, 5, 10), _sf("EUR", GBP="0.80", USD="1.10")),
                 _deal("op1", "8500", "GBP", date(2027, 4, 15), _sf("EUR", GBP="0.85", USD="1.10")),
                 _deal("op4", "3300", "USD", date(2027, 2, 10), _sf("EUR", GBP="0.85", USD="1.10")))
        en = _details(*deals)
        assert en == {
            "op2": "£4,000.00 in the CRM = €5,000.00; Salesforce rate of its close date: 1 EUR = 0.80 GBP",
            "op1": "£8,500.00 in the CRM = €10,000.00; Salesforce rate of its close date: 1 EUR = 0.85 GBP",
            "op4": "$3,300.00 in the CRM = €3,000.00; Salesforce rate of its close date: 1 EUR = 1.10 USD"}
        fr = _details(*deals, lang="fr")
        assert fr["op2"] == ("4 000,00 £GB dans le CRM = 5 000,00 € ; taux Salesforce de sa date de clôture : "
                             "1 EUR = 0,80 GBP")
        assert fr["op4"] == ("3 300,00 $US dans le CRM = 3 000,00 € ; taux Salesforce de sa date de clôture : "
                             "1 EUR = 1,10 USD")

    def test_a_third_currency_names_both_rates_of_the_org(self) -> None:
        deal = _deal("g", "4000", "GBP", date(2027, 5, 10), _sf("USD", EUR="0.92", GBP="0.79"))
        assert _details(deal)["g"] == ("£4,000.00 in the CRM = €4,658.23; Salesforce rates of its close date: "
                                       "1 USD = 0.79 GBP, 1 USD = 0.92 EUR")

    def test_a_plan_currency_the_org_lacks_goes_on_with_fx_rates(self) -> None:
        deal = _deal("g", "4000", "GBP", date(2027, 5, 10), _sf("USD", GBP="0.79"))
        assert _details(deal, fx={"USD": "0.92"})["g"] == (
            "£4,000.00 in the CRM = €4,658.23; Salesforce rate of its close date: 1 USD = 0.79 GBP; "
            "engine.fx_rates in pac.yaml: 1 USD = 0.92 EUR")
        assert _details(deal, fx={"USD": "0.92"}, lang="fr")["g"] == (
            "4 000,00 £GB dans le CRM = 4 658,23 € ; taux Salesforce de sa date de clôture : 1 USD = 0,79 GBP ; "
            "engine.fx_rates de pac.yaml : 1 USD = 0,92 EUR")


class TestHubSpotRates:
    def test_the_portals_rate_from_the_deal_currency_to_the_company_currency(self) -> None:
        deals = (_deal("h1", "5000", "USD", date(2027, 5, 10), _hs("EUR", "4600", "USD", "5000")),
                 _deal("h2", "3300", "USD", date(2027, 5, 11), _hs("EUR", "3000", "USD", "3300")))
        en = _details(*deals, crm="hubspot")
        assert en == {
            "h1": "$5,000.00 in the CRM = €4,600.00; HubSpot rate of its close date: 1 USD = 0.92 EUR",
            "h2": "$3,300.00 in the CRM = €3,000.00; HubSpot rate of its close date: 1 USD = 0.909091 EUR"}
        assert _details(*deals, crm="hubspot", lang="fr")["h1"] == (
            "5 000,00 $US dans le CRM = 4 600,00 € ; taux HubSpot de sa date de clôture : 1 USD = 0,92 EUR")
        # a source whose CRM is not said: its rates read against the corporate currency, 5,000 / 4,600 = 1.086957
        assert _details(deals[0], crm=None)["h1"] == (
            "$5,000.00 in the CRM = €4,600.00; CRM rate of its close date: 1 EUR = 1.086957 USD")


class TestFxRates:
    def test_the_settings_rate_as_written(self) -> None:
        deals = (_deal("u1", "10000", "USD", date(2027, 5, 10), None),)
        assert _details(*deals, fx={"USD": "0.92"}) == {
            "u1": "$10,000.00 in the CRM = €9,200.00; engine.fx_rates in pac.yaml: 1 USD = 0.92 EUR"}
        assert _details(*deals, fx={"USD": "0.92"}, lang="fr") == {
            "u1": "10 000,00 $US dans le CRM = 9 200,00 € ; engine.fx_rates de pac.yaml : 1 USD = 0,92 EUR"}

    def test_a_long_rate_is_rounded_for_reading_only(self) -> None:
        deal = _deal("u2", "1000", "USD", date(2027, 5, 10), None)
        assert _details(deal, fx={"USD": "0.9234567"})["u2"] == (
            "$1,000.00 in the CRM = €923.46; engine.fx_rates in pac.yaml: 1 USD = 0.923457 EUR")


class TestWarningAmounts:
    LINES = (DealLine("P1", Decimal(1), Decimal("500.0"), code="P1"), DealLine("P2", Decimal(1), Decimal("300.0"),
                                                                                code="P2"))

    def test_the_sum_of_the_lines_in_the_deals_currency_to_the_cent(self) -> None:
        deal = won("g", "a1", None, date(2027, 5, 10), currency="GBP", lines=self.LINES)
        [warning] = value_warnings(deal, Decimal("800.0"), None, "EUR")
        assert warning.detail == "deal amount empty: the sum of its line items used, £800.00"
        assert _plain(localise(warning.detail, "fr")) == (
            "montant de l'affaire vide : somme de ses lignes utilisée, 800,00 £GB")

    def test_an_amount_differing_from_its_lines_and_a_credit(self) -> None:
        deal = won("g", "a1", "900", date(2027, 5, 10), currency=None, lines=self.LINES)
        [warning] = value_warnings(deal, Decimal(900), None, "EUR")
        assert warning.detail == ("deal amount €900.00 differs from its line items, €800.00: product axes count the "
                                  "lines")
        assert _plain(localise(warning.detail, "fr")) == (
            "montant de l'affaire 900,00 € différent de ses lignes, 800,00 € : les axes de produits comptent les "
            "lignes")
        credit = won("c", "a1", "-1234.5", date(2027, 5, 10), currency="USD")
        [warning] = value_warnings(credit, Decimal("-1234.5"), None, "EUR")
        assert warning.detail == ("won deal with a negative amount (−$1,234.50): a credit, subtracted from the won "
                                  "revenue")
        assert _plain(localise(warning.detail, "fr")) == (
            "affaire gagnée de montant négatif (−1 234,50 $US) : un avoir, déduit du CA gagné")
