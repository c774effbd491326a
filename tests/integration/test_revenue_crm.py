"""Axis revenue from CRM records read through the real client libraries (hubspot-api-client, simple-salesforce)
against the sandbox CRM: close instants dated in the plan's timezone, deals without amount, deal owners, product
lines."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from connectors.base import ObjectKind, reading_of
from connectors.hubspot.connector import READING_RULES
from pac_core.engine import evaluate
from pac_core.engine_settings import EngineSettings
from pac_core.plan import Segment, SegmentKind
from pac_core.records import Account, Deal, Records, User
from pac_core.revenue import conversion
from pac_core.scopes import parse_scope
from pac_core.window import Window
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.hubspot.records import _options
from sandbox_crm.server import SandboxServer
from tests.contract.factory_hubspot import sandbox_connector
from tests.contract.factory_salesforce import SalesforceRig
from tests.unit.test_engine_support import JULIE, MARC, PARIS, action, axis, plan

APRIL = Window(datetime(2027, 4, 1, tzinfo=PARIS), datetime(2027, 5, 1, tzinfo=PARIS), "avril")
AS_OF = datetime(2027, 6, 1, tzinfo=PARIS)
SEG = Segment("SEG", "Rhône", SegmentKind.HORIZONTAL, parse_scope({"departement": "69"}))


def _pull(connector) -> Records:
    got = {kind: [r for r in connector.pull(kind, None, full=True) if not hasattr(r, "reason")]
           for kind in (ObjectKind.USERS, ObjectKind.ACCOUNTS, ObjectKind.DEALS)}
    return Records(accounts=tuple(r for r in got[ObjectKind.ACCOUNTS] if isinstance(r, Account)),
                   deals=tuple(r for r in got[ObjectKind.DEALS] if isinstance(r, Deal)),
                   users=tuple(r for r in got[ObjectKind.USERS] if isinstance(r, User)))


def _axis_in_april(records: Records, scope: dict | None = None, who: tuple[str, ...] = ()):
    ax = axis("AX", "SEG", scope=parse_scope(scope or {}), baseline="0")
    ax = replace(ax, objective=replace(ax.objective, period=APRIL), **({"who": who} if who else {}))
    p = plan(action(axis_id="AX"), axes=(ax,), segments=(SEG,))
    return evaluate(p, records, as_of=AS_OF, explain=True)


@pytest.fixture
def portal():
    api = HubSpotApi(None)
    with SandboxServer([api]) as server:
        julie = api.add_owner(JULIE, "Julie", "Martin")
        marc = api.add_owner(MARC, "Marc", "Dubois")
        company = api.add("companies", {"name": "Lyon A", "zip": "69003", "hubspot_owner_id": julie})
        connector = sandbox_connector(server)

        def deal(name: str, closedate: str, amount: str | None, owner: str = julie,
                 lines: tuple[tuple[str, str], ...] = ()) -> str:
            props = {"dealname": name, "closedate": closedate, "pipeline": "default", "dealstage": "closedwon",
                     "deal_currency_code": "EUR", "hubspot_owner_id": owner}
            if amount is not None:
                props["amount"] = amount
            deal_id = api.add("deals", props)
            api.associate("deals", deal_id, "companies", company, primary=True)
            for sku, line_amount in lines:
                line = api.add("line_items", {"name": sku, "hs_sku": sku, "quantity": "1", "amount": line_amount})
                api.associate("deals", deal_id, "line_items", line)
            return deal_id

        yield api, connector, deal, marc
        connector.close()


class TestHubSpotCloseInstants:
    def test_just_after_midnight_in_paris_counts_in_april(self, portal):
        """A deal closed at 00:30 in Paris on 1 April (22:30 UTC on 31 March) counts for April; one closed at
        23:15 in Paris on 31 March (21:15 UTC) does not; epoch milliseconds are read the same way."""
        _, connector, deal, _ = portal
        deal("after midnight", "2027-03-31T22:30:00.000Z", "1000")
        deal("evening", "2027-03-31T21:15:00.000Z", "200")
        deal("epoch ms", str(int(datetime(2027, 4, 30, 21, 30, tzinfo=UTC).timestamp() * 1000)), "30")
        ev = _axis_in_april(_pull(connector))
        assert ev.axis("AX").revenue == Decimal("1030")
        decisions = ev.axis("AX").decisions
        assert sorted(d.when for d in decisions if d.counted) == [date(2027, 4, 1), date(2027, 4, 30)]
        # the evening deal is March's: listed by pac explain as outside the period (audit explain)
        assert [(d.when, d.rule) for d in decisions if not d.counted] == [(date(2027, 3, 31), "outside_period")]


class TestHubSpotPrimaryCompany:
    def test_the_primary_company_by_type_id_takes_the_revenue(self, portal):
        """A won deal of 20,000 € linked to a Paris company (unlabelled) and, as its primary, to a Lyon one with the
        larger id: HubSpot labels that association "Deal with Primary Company" (typeId 5) since February 2024, so
        the deal is Lyon's and its 20,000 € count for the Rhône axis. Failed before: only the label "Primary" was
        recognised, the deal went to the smallest id (Paris) and the axis counted 0 €."""
        api, connector, _, _ = portal
        paris = api.add("companies", {"name": "Paris SA", "zip": "75008"})
        lyon = api.add("companies", {"name": "Lyon B", "zip": "69007"})
        assert int(paris) < int(lyon)
        won = api.add("deals", {"dealname": "two companies", "closedate": "2027-04-12T10:00:00.000Z",
                                "pipeline": "default", "dealstage": "closedwon", "amount": "20000",
                                "deal_currency_code": "EUR"})
        api.associate("deals", won, "companies", paris)
        api.associate("deals", won, "companies", lyon, primary=True)
        records = _pull(connector)
        assert {d.id: d.account_id for d in records.deals}[won] == lyon
        assert _axis_in_april(records).axis("AX").revenue == Decimal("20000")


class TestHubSpotMultiCurrencyPortal:
    def test_a_usd_deal_counts_hubspots_company_currency_amount(self, tmp_path):
        """The audit's axis in an EUR portal (mapping deals.home_currency: EUR): a 20,000 EUR deal on its primary
        company (typeId 5, the larger id) and a USD 5,000 deal whose "Amount in company currency" is 4,600 (HubSpot's
        rate, fixed at its close): the axis counts 24,600 EUR, with no fx_rates at all, and the USD deal's line is
        scaled to 4,600.00 (the deal keeps USD 5,000 with HubSpot's two amounts as its rates). Failed before:
        amount_in_home_currency was never read; the USD deal was set aside (no exchange rate for USD into EUR) and
        the axis counted 20,000 at best."""
        mapping = tmp_path / "hubspot.yaml"
        shipped = (Path(__file__).resolve().parents[2] / "config" / "mappings" / "hubspot.default.yaml")
        text = shipped.read_text(encoding="utf-8")
        assert "  home_currency: null\n" in text
        mapping.write_text(text.replace("  home_currency: null\n", "  home_currency: EUR\n"), encoding="utf-8")
        api = HubSpotApi(None)
        with SandboxServer([api]) as server:
            paris = api.add("companies", {"name": "Paris SA", "zip": "75008"})
            lyon = api.add("companies", {"name": "Lyon B", "zip": "69007"})
            won = {"pipeline": "default", "dealstage": "closedwon", "closedate": "2027-04-12T10:00:00.000Z"}
            eur = api.add("deals", {**won, "dealname": "EUR", "amount": "20000", "deal_currency_code": "EUR",
                                    "amount_in_home_currency": "20000"})
            api.associate("deals", eur, "companies", paris)
            api.associate("deals", eur, "companies", lyon, primary=True)
            usd = api.add("deals", {**won, "dealname": "USD", "amount": "5000", "deal_currency_code": "USD",
                                    "amount_in_home_currency": "4600"}, companies=(lyon,))
            line = api.add("line_items", {"name": "MX50", "hs_sku": "MX50", "quantity": "1", "amount": "5000"})
            api.associate("deals", usd, "line_items", line)
            connector = sandbox_connector(server, mapping=str(mapping))
            try:
                records = _pull(connector)
            finally:
                connector.close()
        deals = {d.id: d for d in records.deals}
        assert (deals[usd].amount, deals[usd].currency, deals[usd].lines[0].amount) == (
            Decimal("5000"), "USD", Decimal("5000"))
        into_eur = conversion(deals[usd].currency, deals[usd].rates, "EUR", {})
        assert into_eur is not None and into_eur(deals[usd].lines[0].amount) == Decimal("4600.00")
        ev = _axis_in_april(records)
        assert ev.axis("AX").revenue == Decimal("24600") and not [r for r in ev.rejected if r.record_id == usd]


    def test_a_line_in_another_currency_than_its_deal_is_converted(self, tmp_path):
        """HubSpot's API takes a line item's own currency (``hs_line_item_currency_code``: "Provided line item
        currency CAD is not supported by portal" is refused, a currency the portal has is not), so a line may be in
        another currency than its deal. An EUR portal: a USD 5,000 deal (4,600 in the company currency) holds an MX50
        line priced in EUR, 4,600: the MX50 axis of an EUR plan counts 4,600.00 (the line is USD 5,000.00 at the
        deal's own rate, then 4,600.00 back). An EUR deal of 800 holds a PX line priced in CHF, 500: no HubSpot rate
        between CHF and EUR is known to pac: the line keeps CHF 500, and the PX axis counts it at the plan's
        ``fx_rates`` (CHF 0.95: 475.00 €), or 0 with the warning ``line_unknown_currency`` naming the rate to add
        when they have none, not 500 €. Seen failing before: 4,232.00 (the EUR 4,600 read as USD 4,600) and 500
        (CHF 500 read as EUR 500); then 0 whatever the plan's rates (audit products F2)."""
        mapping = tmp_path / "hubspot.yaml"
        shipped = (Path(__file__).resolve().parents[2] / "config" / "mappings" / "hubspot.default.yaml")
        text = shipped.read_text(encoding="utf-8")
        mapping.write_text(text.replace("  home_currency: null\n", "  home_currency: EUR\n"), encoding="utf-8")
        api = HubSpotApi(None)
        with SandboxServer([api]) as server:
            lyon = api.add("companies", {"name": "Lyon B", "zip": "69007"})
            won = {"pipeline": "default", "dealstage": "closedwon", "closedate": "2027-04-12T10:00:00.000Z"}
            usd = api.add("deals", {**won, "dealname": "USD", "amount": "5000", "deal_currency_code": "USD",
                                    "amount_in_home_currency": "4600"}, companies=(lyon,))
            line = api.add("line_items", {"name": "MX50", "hs_sku": "MX50", "quantity": "1", "amount": "4600",
                                          "hs_line_item_currency_code": "EUR"})
            api.associate("deals", usd, "line_items", line)
            eur = api.add("deals", {**won, "dealname": "EUR", "amount": "800", "deal_currency_code": "EUR",
                                    "amount_in_home_currency": "800"}, companies=(lyon,))
            chf = api.add("line_items", {"name": "PX", "hs_sku": "PX", "quantity": "1", "amount": "500",
                                         "hs_line_item_currency_code": "CHF"})
            api.associate("deals", eur, "line_items", chf)
            connector = sandbox_connector(server, mapping=str(mapping))
            try:
                records = _pull(connector)
            finally:
                connector.close()
        deals = {d.id: d for d in records.deals}
        assert (deals[usd].currency, deals[usd].lines[0].amount) == ("USD", Decimal("5000.00"))
        assert _axis_in_april(records, {"product": "MX50"}).axis("AX").revenue == Decimal("4600.00")
        assert (deals[eur].lines[0].amount, deals[eur].lines[0].currency) == (Decimal(500), "CHF")
        ev = _axis_in_april(records, {"product": "PX"})
        assert ev.axis("AX").revenue == Decimal("0")
        [warning] = [w for w in ev.warnings if w.rule == "line_unknown_currency"]
        assert (warning.record_id, warning.counted) == (eur, True)
        assert warning.detail == ("line PX is priced in CHF, its deal in EUR: counted 0 on product axes, no exchange "
                                  "rate for CHF into EUR (add it to engine.fx_rates in pac.yaml)")
        ax = axis("AX", "SEG", scope=parse_scope({"product": "PX"}), baseline="0")
        ax = replace(ax, objective=replace(ax.objective, period=APRIL))
        ev = evaluate(plan(action(axis_id="AX"), axes=(ax,), segments=(SEG,)), records, as_of=AS_OF,
                      settings=EngineSettings(fx_rates={"CHF": Decimal("0.95")}))
        assert ev.axis("AX").revenue == Decimal("475.00") and not ev.warnings

    def test_a_deal_in_the_plans_currency_counts_its_own_amount(self, tmp_path):
        """A USD plan on an EUR portal (home_currency EUR), fx_rates {EUR: 1.09}: the USD 5,000 deal (4,600 in the
        company currency) counts USD 5,000.00, its own amount, and the EUR 20,000 deal 20,000 x 1.09 = 21,800.00
        (audit multi F4). Seen failing before the fix: the USD deal counted 4,600 x 1.09 = 5,014.00."""
        mapping = tmp_path / "hubspot.yaml"
        shipped = (Path(__file__).resolve().parents[2] / "config" / "mappings" / "hubspot.default.yaml")
        text = shipped.read_text(encoding="utf-8")
        mapping.write_text(text.replace("  home_currency: null\n", "  home_currency: EUR\n"), encoding="utf-8")
        api = HubSpotApi(None)
        with SandboxServer([api]) as server:
            lyon = api.add("companies", {"name": "Lyon B", "zip": "69007"})
            won = {"pipeline": "default", "dealstage": "closedwon", "closedate": "2027-04-12T10:00:00.000Z"}
            eur = api.add("deals", {**won, "dealname": "EUR", "amount": "20000", "deal_currency_code": "EUR",
                                    "amount_in_home_currency": "20000"}, companies=(lyon,))
            usd = api.add("deals", {**won, "dealname": "USD", "amount": "5000", "deal_currency_code": "USD",
                                    "amount_in_home_currency": "4600"}, companies=(lyon,))
            connector = sandbox_connector(server, mapping=str(mapping))
            try:
                records = _pull(connector)
            finally:
                connector.close()
        ax = axis("AX", "SEG", scope=parse_scope({}), baseline="0")
        ax = replace(ax, objective=replace(ax.objective, period=APRIL))
        p = replace(plan(action(axis_id="AX"), axes=(ax,), segments=(SEG,)), currency="USD")
        ev = evaluate(p, records, as_of=AS_OF, explain=True, settings=EngineSettings(fx_rates={"EUR": Decimal("1.09")}))
        counted = {d.record_id: d.detail for d in ev.axis("AX").decisions if d.counted}
        assert counted == {usd: "5000.00", eur: "21800.00"}
        assert ev.axis("AX").revenue == Decimal("26800.00")

    def test_a_deal_with_no_currency_code_counts_in_the_portals_company_currency(self, tmp_path):
        """Audit hsdoc F1: a USD portal (home_currency USD, default_currency left null) under an EUR plan with
        fx_rates {USD: 0.92}; two won deals of 1,000, one with deal_currency_code USD, one with none (created through
        the API or an import: HubSpot keeps it in the company currency). Both are 1,000 USD: 1,840 EUR. Seen failing
        before the fix: 1,920 (the deal with no code was read with no currency and counted as 1,000 EUR)."""
        mapping = tmp_path / "hubspot.yaml"
        shipped = (Path(__file__).resolve().parents[2] / "config" / "mappings" / "hubspot.default.yaml")
        text = shipped.read_text(encoding="utf-8")
        assert "  home_currency: null\n" in text and "  default_currency: null " in text
        mapping.write_text(text.replace("  home_currency: null\n", "  home_currency: USD\n"), encoding="utf-8")
        api = HubSpotApi(None)
        with SandboxServer([api]) as server:
            lyon = api.add("companies", {"name": "Lyon B", "zip": "69007"})
            won = {"pipeline": "default", "dealstage": "closedwon", "closedate": "2027-04-12T10:00:00.000Z",
                   "amount": "1000"}
            coded = api.add("deals", {**won, "dealname": "USD coded", "deal_currency_code": "USD"}, companies=(lyon,))
            bare = api.add("deals", {**won, "dealname": "no currency code"}, companies=(lyon,))
            connector = sandbox_connector(server, mapping=str(mapping))
            try:
                records = _pull(connector)
            finally:
                connector.close()
        assert {d.id: d.currency for d in records.deals} == {coded: "USD", bare: "USD"}
        ax = axis("AX", "SEG", scope=parse_scope({}), baseline="0")
        ax = replace(ax, objective=replace(ax.objective, period=APRIL))
        ev = evaluate(plan(action(axis_id="AX"), axes=(ax,), segments=(SEG,)), records, as_of=AS_OF,
                      settings=EngineSettings(fx_rates={"USD": Decimal("0.92")}), explain=True)
        assert ev.axis("AX").revenue == Decimal("1840.00")


    def test_a_companys_annual_revenue_is_compared_in_the_plans_currency(self, tmp_path):
        """A CHF plan on an EUR portal (home_currency EUR), fx_rates {EUR: 0.95}, an axis of the companies of at
        least 55 M CHF: Lyon A's annualrevenue of 60,000,000 (the company currency, EUR) is CHF 57 M and its EUR 1,000
        deal counts CHF 950.00; Lyon B's 57,000,000 is CHF 54.15 M, outside, and its deal does not count. Seen
        failing before the fix (audit multi F2): the companies came with no currency and EUR 57 M was compared with
        the CHF bound, CHF 1,900.00."""
        mapping = tmp_path / "hubspot.yaml"
        shipped = (Path(__file__).resolve().parents[2] / "config" / "mappings" / "hubspot.default.yaml")
        text = shipped.read_text(encoding="utf-8")
        mapping.write_text(text.replace("  home_currency: null\n", "  home_currency: EUR\n"), encoding="utf-8")
        api = HubSpotApi(None)
        with SandboxServer([api]) as server:
            big = api.add("companies", {"name": "Lyon A", "zip": "69003", "annualrevenue": "60000000"})
            small = api.add("companies", {"name": "Lyon B", "zip": "69007", "annualrevenue": "57000000"})
            won = {"pipeline": "default", "dealstage": "closedwon", "closedate": "2027-04-12T10:00:00.000Z",
                   "amount": "1000", "deal_currency_code": "EUR", "amount_in_home_currency": "1000"}
            deal_big = api.add("deals", {**won, "dealname": "A"}, companies=(big,))
            api.add("deals", {**won, "dealname": "B"}, companies=(small,))
            connector = sandbox_connector(server, mapping=str(mapping))
            try:
                records = _pull(connector)
            finally:
                connector.close()
        companies = {a.id: a for a in records.accounts}
        assert (companies[big].annual_revenue, companies[big].currency) == (Decimal("60000000"), "EUR")
        ax = axis("AX", "SEG", scope=parse_scope({"annual_revenue": {"gte": "55 M"}}), baseline="0")
        ax = replace(ax, objective=replace(ax.objective, period=APRIL))
        p = replace(plan(action(axis_id="AX"), axes=(ax,), segments=(SEG,)), currency="CHF")
        ev = evaluate(p, records, as_of=AS_OF, explain=True, settings=EngineSettings(fx_rates={"EUR": Decimal("0.95")}))
        assert {d.record_id: d.detail for d in ev.axis("AX").decisions if d.counted} == {deal_big: "950.00"}
        assert ev.axis("AX").revenue == Decimal("950.00")

    def test_the_deals_stored_before_are_read_again(self):
        """A deal with no currency code now means the company currency: the deals' reading differs from the one the
        connector gave before (the mapping's deals section and the pipelines' stages at the same rule version), so
        the first sync after upgrading reads every deal again and no deal stored with no currency keeps counting
        in the plan's currency until the weekly full read. Seen failing before the fix: the same reading."""
        api = HubSpotApi(None)
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            try:
                before = reading_of(READING_RULES, "deals", [
                    connector.mapping.deals.model_dump(mode="json"),
                    {pid: p.stages for pid, p in sorted(connector.deal_pipelines().items())}])
                assert connector.reading(ObjectKind.DEALS) != before
            finally:
                connector.close()


class TestHubSpotDealsWithoutAmount:
    def test_counted_as_won_worth_zero_with_a_warning(self, portal):
        """A won deal with no amount is an axis deal worth 0 and a warning, not a rejection."""
        _, connector, deal, _ = portal
        missing = deal("no amount", "2027-04-10T10:00:00.000Z", None)
        deal("paid", "2027-04-11T10:00:00.000Z", "500")
        ev = _axis_in_april(_pull(connector))
        assert ev.axis("AX").revenue == Decimal("500")
        assert [d.record_id for d in ev.rejected] == []
        assert [(w.record_id, w.rule) for w in ev.warnings] == [(missing, "no_amount")]
        assert {d.record_id: d.counted for d in ev.axis("AX").decisions}[missing] is True


class TestHubSpotDealOwnersAndProducts:
    def test_axis_who_counts_only_their_deals(self, portal):
        """On an account of the axis, Marc's deal does not count for an axis given to Julie; it is listed as such."""
        _, connector, deal, marc = portal
        deal("julie", "2027-04-10T10:00:00.000Z", "700")
        other = deal("marc", "2027-04-12T10:00:00.000Z", "300", owner=marc)
        records = _pull(connector)
        assert _axis_in_april(records).axis("AX").revenue == Decimal("1000")
        given = _axis_in_april(records, who=(JULIE,)).axis("AX")
        assert given.revenue == Decimal("700")
        assert {d.record_id: d.rule for d in given.decisions}[other] == "other_deal_owner"
        by_scope = _axis_in_april(records, {"deal_owner": MARC}).axis("AX")
        assert by_scope.revenue == Decimal("300")

    def test_product_axis_counts_the_matching_lines_only(self, portal):
        """An axis on product MAINT counts the MAINT lines' amounts, not the whole deals."""
        _, connector, deal, _ = portal
        deal("pump + maintenance", "2027-04-10T10:00:00.000Z", "17300", lines=(("PX200", "12500"),
                                                                               ("MAINT", "4800")))
        deal("maintenance", "2027-04-11T10:00:00.000Z", "9600", lines=(("MAINT", "9600"),))
        pump = deal("pump", "2027-04-12T10:00:00.000Z", "12500", lines=(("PX200", "12500"),))
        records = _pull(connector)
        ev = _axis_in_april(records, {"product": "MAINT"}).axis("AX")
        assert ev.revenue == Decimal("14400")
        assert {d.record_id: d.rule for d in ev.decisions}[pump] == "other_product"
        assert _axis_in_april(records).axis("AX").revenue == Decimal("39400")


class TestSalesforceProductFamilies:
    def test_family_and_code_of_opportunity_line_items(self):
        """Product2.Family and ProductCode of OpportunityLineItems (a SOQL subquery with relationship fields)
        select the lines counted; CloseDate, a plain date, is never shifted."""
        rig = SalesforceRig()
        try:
            api = rig.api
            maint = api.create("Product2", Name="Contrat de maintenance", ProductCode="MAINT", Family="Maintenance",
                               IsActive=True)
            pump = api.create("Product2", Name="Pompe doseuse PX200", ProductCode="PX200", Family="Pompes",
                              IsActive=True)
            opp = api.create("Opportunity", Name="Lyon A — PX200 + MAINT", AccountId=rig.account, OwnerId=rig.owner,
                             StageName="Closed Won", CloseDate=date(2027, 4, 1), Amount=Decimal("17300"))
            api.create("OpportunityLineItem", OpportunityId=opp, Product2Id=pump, Quantity=1,
                       UnitPrice=Decimal("12500"), TotalPrice=Decimal("12500"))
            api.create("OpportunityLineItem", OpportunityId=opp, Product2Id=maint, Quantity=1,
                       UnitPrice=Decimal("4800"), TotalPrice=Decimal("4800"))
            records = _pull(rig.connector)
            [line_deal] = [d for d in records.deals if d.id == opp]
            assert {(ln.code, ln.family) for ln in line_deal.lines} == {("MAINT", "Maintenance"), ("PX200", "Pompes")}
            records = replace(records, users=tuple(replace(u, email=JULIE) if u.id == rig.owner else u
                                                   for u in records.users))
            assert _axis_in_april(records, {"product_family": "Maintenance"}).axis("AX").revenue == Decimal("4800")
            assert _axis_in_april(records, {"product_code": "PX200"}).axis("AX").revenue == Decimal("12500")
            assert _axis_in_april(records).axis("AX").revenue == Decimal("17300")
        finally:
            rig.close()

    def test_a_family_is_matched_by_the_label_users_see(self):
        """A French org's Product2.Family value `MACH` is labelled « Machines » (what users see on the product and
        write in the plan); a won deal of 9,000 holds a MACH line of 6,000 and a pump line of 3,000. The axis scoped
        `product_family: Machines` (and `product: Machines`) counts the MACH line, 6,000, as Account's picklists
        are matched by their labels. Seen failing before: 0 (the family was read as its API name, MACH)."""
        rig = SalesforceRig()
        try:
            api = rig.api
            api.add_picklist_value("Product2", "Family", "MACH", "Machines")
            machine = api.create("Product2", Name="Presse P40", ProductCode="P40", Family="MACH", IsActive=True)
            pump = api.create("Product2", Name="Pompe doseuse PX200", ProductCode="PX200", Family="Pompes",
                              IsActive=True)
            opp = api.create("Opportunity", Name="Lyon A — P40 + PX200", AccountId=rig.account, OwnerId=rig.owner,
                             StageName="Closed Won", CloseDate=date(2027, 4, 2), Amount=Decimal("9000"))
            api.create("OpportunityLineItem", OpportunityId=opp, Product2Id=machine, Quantity=1,
                       UnitPrice=Decimal("6000"), TotalPrice=Decimal("6000"))
            api.create("OpportunityLineItem", OpportunityId=opp, Product2Id=pump, Quantity=1,
                       UnitPrice=Decimal("3000"), TotalPrice=Decimal("3000"))
            records = _pull(rig.connector)
            [line_deal] = [d for d in records.deals if d.id == opp]
            assert {(ln.code, ln.family) for ln in line_deal.lines} == {("P40", "Machines"), ("PX200", "Pompes")}
            assert _axis_in_april(records, {"product_family": "Machines"}).axis("AX").revenue == Decimal("6000")
            assert _axis_in_april(records, {"product": "Machines"}).axis("AX").revenue == Decimal("6000")
            assert _axis_in_april(records, {"product_family": "MACH"}).axis("AX").revenue == Decimal("0")
        finally:
            rig.close()


class TestHubSpotLineFamily:
    def test_a_dropdown_family_is_matched_by_its_option_label(self, tmp_path):
        """A portal's line item dropdown `famille` (the mapping's line_family) has the option `mach` labelled
        « Machines » (what users see, and write in the plan, as for Salesforce's Product2.Family since sffamily F1):
        a won deal of 6,000 holds a `mach` line; the axis scoped product_family: Machines counts 6,000. Relabelling
        the option changes the deals' reading (they are read in full that night, each line with its new label).
        Seen failing before: 0 (the line's family read as its internal value, `mach`)."""
        mapping = tmp_path / "hubspot.yaml"
        shipped = (Path(__file__).resolve().parents[2] / "config" / "mappings" / "hubspot.default.yaml")
        text = shipped.read_text(encoding="utf-8")
        assert "  line_family: null " in text
        mapping.write_text(text.replace("  line_family: null ", "  line_family: famille "), encoding="utf-8")
        api = HubSpotApi(None)
        api.tables["line_items"].define("famille", "enumeration", "select", label="Famille", custom=True,
                                        options=_options((("mach", "Machines"), ("pomp", "Pompes"))))
        with SandboxServer([api]) as server:
            lyon = api.add("companies", {"name": "Lyon B", "zip": "69007"})
            won = {"pipeline": "default", "dealstage": "closedwon", "closedate": "2027-04-12T10:00:00.000Z"}
            deal = api.add("deals", {**won, "dealname": "P40", "amount": "6000", "deal_currency_code": "EUR"},
                           companies=(lyon,))
            line = api.add("line_items", {"name": "Presse P40", "hs_sku": "P40", "quantity": "1", "amount": "6000",
                                          "famille": "mach"})
            api.associate("deals", deal, "line_items", line)
            connector = sandbox_connector(server, mapping=str(mapping))
            try:
                records = _pull(connector)
                before = connector.reading(ObjectKind.DEALS)
            finally:
                connector.close()
            api.tables["line_items"].define("famille", "enumeration", "select", label="Famille", custom=True,
                                            options=_options((("mach", "Machines spéciales"), ("pomp", "Pompes"))))
            again = sandbox_connector(server, mapping=str(mapping))
            try:
                assert again.reading(ObjectKind.DEALS) != before
            finally:
                again.close()
        [line_deal] = [d for d in records.deals if d.id == deal]
        assert [ln.family for ln in line_deal.lines] == ["Machines"]
        assert _axis_in_april(records, {"product_family": "Machines"}).axis("AX").revenue == Decimal("6000")


class TestHubSpotLineItemEdits:
    def test_a_line_edited_without_its_deal_is_read_on_the_next_incremental_night(self, portal):
        """A won deal with one PUMP line of 1,000; a day later the line's amount is corrected to 1,200 in HubSpot
        (the line item changes, its deal's stamp does not: nothing in HubSpot's documentation says editing a line
        item touches the deal). The next incremental pull must return the deal with its line at 1,200. Before,
        only deals whose own stamp moved were read: the line stayed at 1,000 until the next full read."""
        api, connector, deal, _ = portal
        deal_id = deal("pump", "2027-04-10T10:00:00.000Z", "1000", lines=(("PUMP", "1000"),))
        first = {d.id: d for d in connector.pull(ObjectKind.DEALS, None) if isinstance(d, Deal)}
        assert [x.amount for x in first[deal_id].lines] == [Decimal("1000")]
        mark = max(d.modified_at for d in first.values() if d.modified_at) + timedelta(hours=12)
        [(line_id, _)] = list(api.portal.links[("deals", "line_items")][deal_id].items())
        api.add("contacts", {"email": "x@example.com"}, modified=mark + timedelta(hours=12))   # the clock moves on
        api.update("line_items", line_id, {"amount": "1200"})
        again = {d.id: d for d in connector.pull(ObjectKind.DEALS, mark) if isinstance(d, Deal)}
        assert deal_id in again and [x.amount for x in again[deal_id].lines] == [Decimal("1200")]
        # the deal carries its line's stamp (when its figures last changed), so the watermark passes the line: a
        # quiet night searches the lines from there minus the overlap only (one page), never from the old mark
        line_stamp = api.tables["line_items"].rows[line_id].modified
        assert again[deal_id].modified_at is not None
        assert int(again[deal_id].modified_at.timestamp() * 1000) == line_stamp
        watermark = max(d.modified_at for d in again.values() if d.modified_at)
        before = dict(connector.usage().by_endpoint)
        list(connector.pull(ObjectKind.DEALS, watermark + timedelta(minutes=11)))   # past the overlap: nothing
        spent = {k: v - before.get(k, 0) for k, v in connector.usage().by_endpoint.items() if v - before.get(k, 0)}
        assert "batch_read.deals" not in spent and spent.get("search.line_items") == 1, spent

    def test_a_line_edited_while_a_night_reads_is_found_the_next_night(self):
        """Night 2 searches the line items; right after, L2 is corrected to 2,500, then L1 (whose deal this night
        reads) a second later: L1's stamp carries the watermark past L2's edit. The next night must still find
        L2 (its search runs from the watermark minus the overlap, as every search). Before, it searched from the
        watermark itself: D2 kept its 2,000 line until the next full read (the review's reproduction)."""
        now = [datetime(2027, 5, 1, 2, 0, tzinfo=UTC).timestamp()]
        api = HubSpotApi(None, clock=lambda: now[0])
        with SandboxServer([api]) as server:
            julie = api.add_owner(JULIE, "Julie", "Martin")
            company = api.add("companies", {"name": "Lyon A", "zip": "69003", "hubspot_owner_id": julie})
            connector = sandbox_connector(server)

            def deal(name: str, amount: str) -> tuple[str, str]:
                d = api.add("deals", {"dealname": name, "closedate": "2027-04-10T10:00:00.000Z",
                                      "pipeline": "default", "dealstage": "closedwon", "deal_currency_code": "EUR",
                                      "hubspot_owner_id": julie, "amount": amount})
                api.associate("deals", d, "companies", company, primary=True)
                line = api.add("line_items", {"name": "PUMP", "hs_sku": "PUMP", "quantity": "1", "amount": amount})
                api.associate("deals", d, "line_items", line)
                return d, line

            try:
                _, l1 = deal("one", "1000")
                d2, l2 = deal("two", "2000")
                now[0] += 3600
                deal("zero", "10")                     # a later deal: night 1's watermark an hour after D1 and D2
                night1 = [r for r in connector.pull(ObjectKind.DEALS, None) if isinstance(r, Deal)]
                mark = max(r.modified_at for r in night1 if r.modified_at)
                now[0] += 86400
                api.update("line_items", l1, {"amount": "1100"})
                real_call = connector.transport.call

                def call(what: str, *args, **kwargs):   # the edits land right after night 2's line search
                    reply = real_call(what, *args, **kwargs)
                    if what == "search.line_items":
                        connector.transport.call = real_call
                        now[0] += 1
                        api.update("line_items", l2, {"amount": "2500"})
                        now[0] += 1
                        api.update("line_items", l1, {"amount": "1200"})
                    return reply

                connector.transport.call = call
                now[0] += 3600
                night2 = [r for r in connector.pull(ObjectKind.DEALS, mark) if isinstance(r, Deal)]
                connector.transport.call = real_call
                mark2 = max([mark, *(r.modified_at for r in night2 if r.modified_at)])
                now[0] += 86400
                night3 = {r.id: r for r in connector.pull(ObjectKind.DEALS, mark2) if isinstance(r, Deal)}
                assert d2 in night3 and [x.amount for x in night3[d2].lines] == [Decimal("2500")]
            finally:
                connector.close()
