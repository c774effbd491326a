"""Stored payloads of normalised records, and when a pull is a full reconciliation (pure, no I/O)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from pac_core.plan import ActivityType
from pac_core.records import Account, Activity, ActivityStatus, CrmRates, Deal, DealLine, DealStage, User
from sync_jobs.pull import needs_full
from sync_jobs.store.codec import from_payload, indexed, kind_of, to_payload

STAMP = datetime(2027, 5, 20, 16, 0, tzinfo=UTC)
RECORDS = [
    Account("001", "sf", "株式会社 東京精機", postal_code="69003", departement="69", region="Auvergne-Rhône-Alpes",
            country="FR", industry="Chimie", account_type="Client", annual_revenue=Decimal("12500000.50"),
            owner_id="005", dormant=True, custom={"segment": "A", "since": "2020"}, modified_at=STAMP),
    Activity("00U", "sf", ActivityType.VISIT, "005", "001", datetime(2027, 5, 2, 22, 30, tzinfo=UTC),
             ActivityStatus.CANCELLED, subject="<script>alert(1)</script>", modified_at=STAMP),
    Activity("00U2", "sf", None, None, None, None, day=date(2027, 5, 4), deleted=True),
    Activity("10004", "hs", ActivityType.VISIT, "101", "10001", datetime(2027, 4, 12, 8, tzinfo=UTC),
             placed_by=("company:10001", "company:10002"), also_on=("10002",)),
    Deal("006", "hs", "001", "005", Decimal("25000.00"), "CHF", date(2027, 4, 30), DealStage.WON, name="Deal",
         lines=(DealLine("PX200", Decimal("2"), Decimal("20000"), date(2027, 5, 1), id="901"),
                DealLine("MAINT", Decimal("1"))),
         modified_at=STAMP),
    Deal("10005", "hs", "10001", "101", Decimal("1000"), "EUR", date(2027, 4, 10), DealStage.WON,
         placed_by=("contact:7001",)),
    User("005", "sf", "julie@example.com", "Julie", modified_at=STAMP),
    # a multi-currency org's account: its annual revenue in its own currency with the org's CurrencyType rates
    Account("002", "sf", "Genève SA", annual_revenue=Decimal("56000000"), currency="CHF",
            rates=CrmRates("EUR", (("CHF", Decimal("0.95")), ("EUR", Decimal(1))))),
]


class TestCodec:
    @pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__ + ":" + r.id)
    def test_payload_round_trips_through_json(self, record) -> None:
        """Every field survives JSON: Decimals exactly, datetimes aware, dates unshifted, enums typed."""
        payload = json.loads(json.dumps(to_payload(record)))
        back = from_payload(kind_of(record), record.id, record.source, payload,
                            deleted=getattr(record, "deleted", False), modified_at=record.modified_at)
        assert back == record

    def test_all_day_event_is_indexed_on_its_calendar_day(self) -> None:
        """An all-day event has no start: its indexed date is its day at midnight UTC."""
        assert indexed(RECORDS[2])["occurred_at"] == datetime(2027, 5, 4, tzinfo=UTC)


class TestNeedsFull:
    def test_first_run_is_full(self) -> None:
        """An object never read in full is read in full."""
        assert needs_full(None, STAMP, 7, False)

    def test_reconciliation_after_the_configured_days(self) -> None:
        """Seven days after the last full read, the next read is full again; six days after, incremental."""
        assert needs_full(STAMP - timedelta(days=7), STAMP, 7, False)
        assert not needs_full(STAMP - timedelta(days=6), STAMP, 7, False)

    def test_full_flag_forces_it(self) -> None:
        """--full reads everything whatever the dates."""
        assert needs_full(STAMP, STAMP, 7, True)


def test_an_orgs_undated_rates_are_kept_as_such() -> None:
    """A Salesforce org without advanced currency management: its one rate per currency is stored with the word
    ``static`` and read back undated; a text stored before (no word) reads as dated rates (audit sfhand5)."""
    static = CrmRates("EUR", (("EUR", Decimal(1)), ("USD", Decimal("1.2"))), 2, dated=False)
    assert static.text() == "EUR 2 static EUR=1 USD=1.2"
    assert CrmRates.parse(static.text()) == static
    assert CrmRates.parse("EUR 2 EUR=1 USD=1.2") == CrmRates("EUR", (("EUR", Decimal(1)), ("USD", Decimal("1.2"))), 2)
    deal = Deal("006A", "sf", "001A", "005", Decimal(10000), "USD", date(2027, 10, 15), DealStage.WON, rates=static)
    payload = json.loads(json.dumps(to_payload(deal)))
    assert from_payload(kind_of(deal), deal.id, deal.source, payload, deleted=False, modified_at=None) == deal
