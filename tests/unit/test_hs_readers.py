"""The HubSpot readers (one per object kind, built once from the mapping, used for every record of a pull) on
tricky inputs: missing properties, empty strings, formatted amounts, stamps in both formats, no company."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from connectors.base import ObjectKind
from connectors.hubspot.currency import home_rates
from connectors.hubspot.mapping import CONNECTED, HubSpotMapping, load_mapping
from connectors.hubspot.normalise import (
    account_reader,
    call_reader,
    deal_reader,
    in_deal_currency,
    line_reader,
    meeting_reader,
    parse_pipelines,
    undated_rejection,
)
from connectors.hubspot.objects import objects_of
from pac_core.plan import ActivityType
from pac_core.records import Account, Activity, ActivityStatus, Deal, DealLine, DealStage, Rejected

MAPPING = load_mapping()
PIPELINES = parse_pipelines([
    {"id": "default", "label": "Sales", "stages": [
        {"id": "open1", "metadata": {"isClosed": "false"}},
        {"id": "closedwon", "metadata": {"isClosed": "true", "probability": "1.0"}}]}], {})
ISO, EPOCH_MS = "2027-05-02T22:10:00.000Z", "1809295800000"      # the same instant in HubSpot's two formats
INSTANT = datetime(2027, 5, 2, 22, 10, tzinfo=UTC)


def _obj(props, id_="1", **extra):
    return {"id": id_, "properties": props, **extra}


class TestMissingAndEmpty:
    def test_meeting_without_properties_is_kept_undated_for_its_start(self):
        """No properties at all (or None): the meeting has no start time, not a crash. It is kept undated, its object
        noted, and the engine's rejection of it (for a plan counting meetings of its owner) is worded as the
        connector rejected it before (audit hsundated)."""
        read = meeting_reader(MAPPING, "hs")
        for obj in ({"id": "7"}, {"id": "7", "properties": None}, _obj({}, "7")):
            record = read(obj, None)
            assert isinstance(record, Activity) and (record.start, record.day, record.crm_object) == (
                None, None, "meeting")
            words = undated_rejection("hs", "7", record.crm_object, MAPPING)
            assert words is not None and words.reason == (
                "meeting has no start time (hs_timestamp and hs_meeting_start_time empty)")

    def test_empty_strings_read_as_absent(self):
        """Empty owner, title, type, outcome: no owner, empty subject, the default type, the no-outcome status."""
        props = {"hs_timestamp": ISO, "hubspot_owner_id": "", "hs_meeting_title": "", "hs_activity_type": "",
                 "hs_meeting_outcome": ""}
        record = meeting_reader(MAPPING, "hs")(_obj(props), None)
        assert record == Activity("1", "hs", ActivityType.MEETING, None, None, INSTANT, ActivityStatus.COMPLETED, "")

    def test_empty_call_disposition_and_status(self):
        """A call with empty disposition and status is completed (the mapping's no_disposition)."""
        record = call_reader(MAPPING, "hs")(_obj({"hs_timestamp": EPOCH_MS, "hs_call_disposition": "",
                                                  "hs_call_status": ""}), "c9")
        assert record == Activity("1", "hs", ActivityType.CALL, None, "c9", INSTANT, ActivityStatus.COMPLETED, "")

    def test_company_without_properties(self):
        """A company with no properties keeps its id as name, the default country and no geography."""
        record = account_reader(MAPPING, "hs")({"id": "7", "properties": None, "updatedAt": ISO})
        assert record == Account("7", "hs", "(company 7)", country="FR", custom={}, modified_at=INSTANT)

    def test_company_with_empty_zip_and_revenue(self):
        """Empty zip and revenue strings are no zip and no revenue, not a rejection."""
        record = account_reader(MAPPING, "hs")(_obj({"name": " Acme ", "zip": " ", "annualrevenue": "",
                                                     "country": ""}))
        assert isinstance(record, Account)
        assert (record.name, record.postal_code, record.annual_revenue, record.departement) == ("Acme", None, None,
                                                                                                None)

    def test_line_without_product_or_quantity(self):
        """A line item naming no product is dropped; one without quantity counts once (and keeps its line id, by
        which a deletion finds its deal)."""
        read = line_reader(MAPPING)
        assert read(_obj({"hs_sku": " ", "name": ""})) is None
        assert read(_obj({"hs_sku": "MX50", "amount": "900"})) == DealLine("MX50", Decimal(1), Decimal(900),
                                                                          code="MX50", id="1")

    def test_a_lines_own_currency(self):
        """A line item's ``hs_line_item_currency_code`` (audit sffamily F2): a line in its deal's currency (any case)
        or of a deal with no currency is kept as read, with no currency of its own; one in the company currency on a
        USD deal is converted at the deal's own rates (USD 1,100 = EUR 1,000: EUR 250 is USD 275.00); one in a
        currency those rates do not know keeps its amount and its currency, for the engine's ``fx_rates`` (audit
        products F2: it had no amount)."""
        read = line_reader(MAPPING)
        same = read(_obj({"hs_sku": "A", "amount": "100", "hs_line_item_currency_code": "usd"}))
        home = read(_obj({"hs_sku": "B", "amount": "250", "hs_line_item_currency_code": "EUR"}))
        other = read(_obj({"hs_sku": "C", "amount": "90", "hs_line_item_currency_code": "CHF"}))
        assert same is not None and home is not None and other is not None
        rates = home_rates(Decimal(1100), Decimal(1000), "USD", "EUR")
        lines = in_deal_currency((same, home, other), "USD", rates)
        assert [type(x) for x in lines] == [DealLine] * 3
        assert [(x.amount, x.currency) for x in lines] == [(Decimal(100), None), (Decimal("275.00"), None),
                                                           (Decimal(90), "CHF")]
        assert (in_deal_currency((home,), None, None)[0].amount, in_deal_currency((home,), None, None)[0].currency) \
            == (Decimal(250), None)

    @pytest.mark.parametrize(("props", "want"), [
        ({"amount": "1000", "hs_tcv": "12000"}, 12_000),     # a 12-month line at 1,000 a month: its contract
        ({"amount": "1000", "hs_tcv": ""}, 1_000),           # no TCV given: the line's own amount
        ({"amount": "1000"}, 1_000),
        ({"amount": "1000", "hs_tcv": "0"}, 0),              # 0 is a value, not an empty property
        ({"hs_tcv": "12000"}, 12_000)])
    def test_line_amount_is_its_tcv_else_its_amount(self, props, want):
        """The shipped ``deals.line_amount`` (``hs_tcv``) when HubSpot gave one, else the line's ``amount``."""
        line = line_reader(MAPPING)(_obj({"hs_sku": "MAINT", "quantity": "1", **props}))
        assert line is not None and line.amount == Decimal(want)

    @pytest.mark.parametrize(("props", "want"), [
        ({"amount": "1000", "recurringbillingfrequency": "monthly", "hs_recurring_billing_period": "P12M"}, 12_000),
        ({"amount": "10000", "recurringbillingfrequency": "annually", "hs_recurring_billing_period": "P36M"}, 30_000),
        ({"amount": "3000", "recurringbillingfrequency": "quarterly", "hs_recurring_billing_period": "P24M"}, 24_000),
        ({"amount": "6000", "recurringbillingfrequency": "per_six_months", "hs_recurring_billing_period": "P2Y"},
         24_000),
        ({"amount": "100", "recurringbillingfrequency": "annually", "hs_recurring_billing_period": "P18M"}, 150),
        ({"amount": "1000", "recurringbillingfrequency": "monthly", "hs_recurring_billing_period": ""}, 12_000),
        ({"amount": "1000", "recurringbillingfrequency": "monthly", "hs_recurring_billing_period": "P12M",
          "hs_tcv": "11000"}, 11_000),                       # HubSpot's own TCV wins
        ({"amount": "3000", "recurringbillingfrequency": ""}, 3_000),         # one-time: its amount
        ({"amount": "500", "recurringbillingfrequency": "weekly", "hs_recurring_billing_period": "P12M"}, 500),
        ({"amount": "500", "recurringbillingfrequency": "someday", "hs_recurring_billing_period": "P12M"}, 500)])
    def test_a_recurring_line_without_tcv_counts_its_term(self, props, want):
        """A recurring line HubSpot gave no ``hs_tcv`` counts its ``amount`` (one billing period) times the billing
        periods of its term (``hs_recurring_billing_period``; none: the 12 months HubSpot assumes), what its
        ``hs_tcv`` would be: the deal amount such a line adds up to. Before, one billing period: the 12-month
        maintenance contract at 1,000 a month counted 1,000 on its product axis and 12,000 on the whole-deal one.
        A frequency whose periods a term in months does not count (weekly) keeps the line's amount."""
        line = line_reader(MAPPING)(_obj({"hs_sku": "MAINT", "quantity": "1", **props}))
        assert line is not None and line.amount == Decimal(want)

    @pytest.mark.parametrize(("props", "want"), [
        ({"price": "10", "quantity": "3"}, 30),                                      # the API guide's line item
        ({"price": "1000", "quantity": "3", "hs_discount_percentage": "10"}, 2_700),
        ({"price": "1000", "quantity": "3", "discount": "50"}, 2_850),              # 50 off each unit
        ({"price": "1000", "quantity": "3", "discount": "", "hs_discount_percentage": ""}, 3_000),
        ({"price": "99.99", "quantity": "1", "hs_discount_percentage": "12.5"}, Decimal("87.49")),
        # the discount is rounded to the cent, then taken off: 1.785 off is 1.79 off, 10.11 (HubSpot's example,
        # "Understand discounts when collecting payments"); 10.12 before (the net price 10.115 rounded)
        ({"price": "11.90", "quantity": "1", "hs_discount_percentage": "15"}, Decimal("10.11")),
        ({"price": "234.56", "quantity": "10", "hs_discount_percentage": "20"}, Decimal("1876.48")),
        ({"price": "1000"}, 1_000),                                                 # no quantity: one unit
        ({"price": "1000", "quantity": "1", "recurringbillingfrequency": "monthly",
          "hs_recurring_billing_period": "P12M"}, 12_000),
        ({"price": "1000", "quantity": "2", "amount": "1500"}, 1_500)])             # HubSpot's own amount wins
    def test_a_line_without_amount_is_priced_by_its_price_and_quantity(self, props, want):
        """A line item HubSpot calculated no ``amount`` for (created through the API with ``price`` and ``quantity``
        only, as in the line items guide's example; an import) counts its net price: unit price x quantity, less
        its unit discount per unit (``discount``) or its discount percentage (``hs_discount_percentage``) of the
        whole line, that discount rounded half up to the cent as HubSpot rounds it; a recurring one, its whole
        term. Before, such a line counted 0 on its product axis and a deal with no amount but such lines was "no
        amount"."""
        line = line_reader(MAPPING)(_obj({"hs_sku": "MAINT", **props}))
        assert line is not None and line.amount == Decimal(want)

    @pytest.mark.parametrize(("props", "want"), [
        ({"recurringbillingfrequency": "annually", "hs_recurring_billing_period": "3"}, 30_000),   # 3 payments
        ({"recurringbillingfrequency": "monthly", "hs_recurring_billing_period": "12"}, 120_000),
        ({"recurringbillingfrequency": "annually", "hs_term_in_months": "24"}, 20_000),
        ({"recurringbillingfrequency": "annually", "hs_term_in_months": "24.0"}, 20_000),
        ({"recurringbillingfrequency": "annually", "hs_term_in_months": "x"}, 10_000),        # 12 months: 1 year
        ({"recurringbillingfrequency": "annually", "hs_recurring_billing_period": "P36M", "hs_term_in_months": "24"},
         30_000)])
    def test_a_term_written_as_payments_or_months(self, props, want):
        """The *Term* as the knowledge base words it, a number of payments ("if a monthly line item has 12 fixed
        payments, the value would be 12"), is that many billing periods; with no term, ``hs_term_in_months`` (the
        term in months) stands for it. Before: one billing period (10,000)."""
        line = line_reader(MAPPING)(_obj({"hs_sku": "MAINT", "quantity": "1", "amount": "10000", **props}))
        assert line is not None and line.amount == Decimal(want)

    def test_a_recurring_line_under_another_line_amount_keeps_its_amount(self):
        """A portal that counts one billing period (``line_amount: amount``) keeps it, recurring or not."""
        mapping = MAPPING.model_copy(update={"deals": MAPPING.deals.model_copy(update={"line_amount": "amount"})})
        line = line_reader(mapping)(_obj({"hs_sku": "MAINT", "amount": "1000", "recurringbillingfrequency": "monthly",
                                          "hs_recurring_billing_period": "P12M"}))
        assert line is not None and line.amount == Decimal(1000)

    @pytest.mark.parametrize("line_amount", ["amount", "hs_acv"])
    def test_a_line_without_amount_is_priced_under_any_line_amount(self, line_amount):
        """Whatever ``line_amount`` the portal maps, a line with none of it nor ``amount`` counts its net price (one
        billing period: only ``hs_tcv`` counts a term). Before, under ``line_amount: amount``, nothing."""
        mapping = MAPPING.model_copy(update={"deals": MAPPING.deals.model_copy(update={"line_amount": line_amount})})
        line = line_reader(mapping)(_obj({"hs_sku": "MAINT", "price": "1000", "quantity": "2",
                                          "recurringbillingfrequency": "monthly",
                                          "hs_recurring_billing_period": "P12M"}))
        assert line is not None and line.amount == Decimal(2000)

    @pytest.mark.parametrize(("quantity", "want"), [("0", 0), ("0.0", 0), ("", 1), (None, 1), ("3", 3)])
    def test_line_quantity_zero_stays_zero(self, quantity, want):
        """A line item of quantity 0 is 0 units (before: 1, as if it had none); an absent or empty one is 1 unit."""
        line = line_reader(MAPPING)(_obj({"hs_sku": "MX50", "amount": "0", "quantity": quantity}))
        assert line is not None and line.quantity == Decimal(want)

    def test_merged_ids(self):
        """hs_merged_object_ids ("id1;id2", HubSpot's multi-value encoding) -> the ids merged away; blanks, repeats
        and the record's own id (a merge that kept the primary's id) are left out."""
        from connectors.hubspot.normalise import merged_ids
        assert merged_ids(_obj({"hs_merged_object_ids": "101;102"}, "103")) == ["101", "102"]
        assert merged_ids(_obj({"hs_merged_object_ids": " 101 ;;103;101"}, "103")) == ["101"]
        assert merged_ids(_obj({"hs_merged_object_ids": ""}, "103")) == merged_ids(_obj({}, "103")) == []


class TestAmounts:
    @pytest.mark.parametrize(("text", "amount"), [("€ 12 500,50", "12500.50"), ("12.500,50 EUR", "12500.50"),
                                                  ("$1,250", "1250"), ("12\u202f500", "12500"), ("-40", "-40")])
    def test_deal_amount_with_currency_formatting(self, text, amount):
        """Separators in either convention and a currency sign or code around the number are read."""
        record = deal_reader(MAPPING, "hs", PIPELINES)(_obj({"pipeline": "default", "dealstage": "open1",
                                                             "amount": text}), None, ())
        assert isinstance(record, Deal) and record.amount == Decimal(amount)

    def test_amount_that_is_not_a_number_rejects_the_deal_and_only_it(self):
        """The reader, reused, rejects the bad deal and reads the next one normally."""
        read = deal_reader(MAPPING, "hs", PIPELINES)
        bad = read(_obj({"pipeline": "default", "dealstage": "open1", "amount": "lots"}, "1"), None, ())
        good = read(_obj({"pipeline": "default", "dealstage": "closedwon", "amount": "1 000"}, "2"), None, ())
        assert bad == Rejected("hs", "deals", "1", "amount 'lots' is not a number")
        assert isinstance(good, Deal) and (good.amount, good.stage) == (Decimal(1000), DealStage.WON)

    def test_company_revenue_that_is_not_a_number_is_rejected(self):
        record = account_reader(MAPPING, "hs")(_obj({"name": "X", "annualrevenue": "n/a"}, "7"))
        assert record == Rejected("hs", "accounts", "7", "annual revenue: amount 'n/a' is not a number")


class TestStamps:
    @pytest.mark.parametrize("stamp", [ISO, EPOCH_MS, "2027-05-02T22:10:00Z"])
    def test_change_stamp_in_either_format(self, stamp):
        """hs_lastmodifieddate as ISO 8601 or epoch ms is the same instant."""
        record = call_reader(MAPPING, "hs")(_obj({"hs_timestamp": stamp, "hs_lastmodifieddate": stamp}), None)
        assert isinstance(record, Activity) and record.start == record.modified_at == INSTANT

    def test_unreadable_change_stamp_falls_back_to_updated_at(self):
        record = meeting_reader(MAPPING, "hs")(_obj({"hs_timestamp": ISO, "hs_lastmodifieddate": "soon"},
                                                    updatedAt=EPOCH_MS), None)
        assert isinstance(record, Activity) and record.modified_at == INSTANT

    def test_close_date_plain_day_or_instant(self):
        """A plain close day stays that day with no instant; an instant keeps its UTC day and the instant."""
        read = deal_reader(MAPPING, "hs", PIPELINES)
        day = read(_obj({"pipeline": "default", "dealstage": "open1", "closedate": "2027-05-03"}), None, ())
        instant = read(_obj({"pipeline": "default", "dealstage": "open1", "closedate": EPOCH_MS}), None, ())
        assert (day.close_date, day.closed_at) == (date(2027, 5, 3), None)
        assert (instant.close_date, instant.closed_at) == (date(2027, 5, 2), INSTANT)


class TestCompaniesAndLines:
    """What the pull loop gives each object's converter (``HsObject.reader``): its company and line items."""

    def _convert(self, object_type):
        kind = {"companies": ObjectKind.ACCOUNTS, "meetings": ObjectKind.ACTIVITIES, "calls": ObjectKind.ACTIVITIES,
                "deals": ObjectKind.DEALS}[object_type]
        spec = next(s for s in objects_of(kind, MAPPING) if s.object_type == object_type)
        return spec.reader(MAPPING, "hs", PIPELINES)

    @pytest.mark.parametrize("object_type", ["meetings", "calls"])
    def test_activity_without_company(self, object_type):
        """An engagement with no company is kept with no account (the engine reports it)."""
        record = self._convert(object_type)(_obj({"hs_timestamp": ISO, "hs_call_disposition": CONNECTED}), None, ())
        assert isinstance(record, Activity) and record.account_id is None

    def test_deal_keeps_its_company_and_lines(self):
        line = DealLine("MX50", Decimal(2), Decimal(900), code="MX50")
        record = self._convert("deals")(_obj({"pipeline": "default", "dealstage": "open1"}), "c5", (line,))
        assert isinstance(record, Deal) and (record.account_id, record.lines) == ("c5", (line,))

    def test_company_ignores_the_company_argument(self):
        record = self._convert("companies")(_obj({"name": "Acme"}, "7"), None, ())
        assert isinstance(record, Account) and record.id == "7"

    def test_deal_product_property_when_line_items_are_off(self):
        """Line items off: the deal property names the one line, which takes the whole amount."""
        mapping = HubSpotMapping.model_validate({"deals": {"line_items": False, "product_property": "product_line"}})
        record = deal_reader(mapping, "hs", PIPELINES)(_obj({"pipeline": "default", "dealstage": "open1",
                                                             "amount": "900", "product_line": " MX50 "}), None, ())
        assert record.lines == (DealLine("MX50", Decimal(1), Decimal(900), code="MX50", family="MX50", name="MX50"),)

    def test_custom_values_are_not_shared_between_records(self):
        """Each account gets its own custom values, read from its own properties."""
        mapping = HubSpotMapping.model_validate({"companies": {"custom": {"segment": "seg"}}})
        read = account_reader(mapping, "hs")
        a, b = read(_obj({"seg": "A"}, "1")), read(_obj({}, "2"))
        assert (a.custom, b.custom) == ({"segment": "A"}, {"segment": None})
