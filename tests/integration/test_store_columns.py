"""The store read straight into columns (``load_columns``), on SQLite and PostgreSQL: the same records as
``load_records`` and the same evaluation."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import orjson
import pytest
from sqlalchemy.orm import Session

from benchmarks.realistic import RealisticOrganisation
from benchmarks.synthetic import AS_OF, Sizes
from pac_core.columnar import RecordColumns
from pac_core.engine import evaluate
from pac_core.plan import ActivityType
from pac_core.records import (
    Account,
    Activity,
    ActivityStatus,
    CrmRates,
    Deal,
    DealLine,
    DealStage,
    Rejected,
    User,
)
from sync_jobs.store import open_store
from sync_jobs.store import records as store_records

NOW = datetime(2027, 5, 20, 16, 0, tzinfo=UTC)
SIZES = Sizes(accounts=120, activities=1500, deals=300, actions=30)

# the awkward records: every field the columns carry, empty and full
ODD = [
    Account("X1", "sf-main", "Société à l'accent", postal_code="69 003", departement="69",
            region="Auvergne-Rhône-Alpes", country="FR", industry="Chimie", account_type="Client",
            annual_revenue=Decimal("12.50"), owner_id="U00001",
            dormant=None, custom={"lost_on": "2027-03-01", "tier": 2}, deleted=False),
    Account("X2", "sf-main", "Supprimée", deleted=True, dormant=False),
    Account("X3", "sf-main", "Genève SA", annual_revenue=Decimal("56000000"), currency="CHF",
            rates=CrmRates("EUR", (("CHF", Decimal("0.95")), ("EUR", Decimal(1))))),
    User("U-X", "sf-main", "someone@example.com", "Someone", active=False),
    Activity("T-ALLDAY", "sf-main", ActivityType.VISIT, "U00001", "X1", None, day=date(2027, 3, 4),
             subject="Visite annuelle"),
    Activity("T-WHOLEDAY", "sf-main", ActivityType.VISIT, "U00001", "X1", None, day=date(2027, 3, 5),
             subject="Visite toute la journée", whole_day=True),
    Activity("T-PLANNED", "sf-main", ActivityType.CALL, "owner@example.com", "X1",
             datetime(2027, 3, 4, 21, 30, 15, 123456, tzinfo=UTC), status=ActivityStatus.PLANNED),
    Activity("T-NONE", "sf-main", None, None, None, None, deleted=True),
    Deal("D-HS", "sf-main", "X1", "U00001", Decimal("1234.56"), "USD", date(2027, 3, 31), DealStage.WON, name="HubSpot",
         lines=(DealLine("PX200", Decimal("2"), Decimal("1000.00"), date(2027, 4, 1), "PX-200", "Pompes", "Pompe"),),
         closed_at=datetime(2027, 3, 31, 22, 30, tzinfo=UTC), created_at=datetime(2027, 1, 2, 8, 0, tzinfo=UTC)),
    Deal("D-NOAMOUNT", "sf-main", "X1", None, None, None, None, DealStage.OPEN),
]


@pytest.fixture
def engine(database_url):
    engine = open_store(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def stored(engine):
    """A small realistic organisation plus the awkward records, stored under their connectors."""
    org = RealisticOrganisation(SIZES, seed=5, scale=0.02)
    records = [*org.iter_accounts(), *org.iter_activities(), *org.iter_deals(), *org.users(), *ODD]
    # a naive start cannot be stored (the connectors give aware instants): those generated are left out
    records = [r for r in records if not (isinstance(r, Activity) and r.start is not None and r.start.tzinfo is None)]
    for connector in ("sf-main", "hs-west"):
        store_records.upsert_records(engine, connector, [r for r in records if r.source == connector], run_id=1,
                                     now=NOW)
    return org.plan()


def _without_stamps(records: object) -> list[object]:
    return [replace(r, modified_at=None) for r in records]  # type: ignore[attr-defined]


class TestLoadColumns:
    def test_columns_give_back_the_records_load_records_gives(self, engine, stored) -> None:
        """Every account, activity, deal and user read into columns comes back equal to ``load_records``'s (the
        change stamp aside: the columns do not read it)."""
        rejected = (Rejected("sf-main", "accounts", "A9", "no name"),)
        objects = store_records.load_records(engine, ["sf-main", "hs-west"], rejected)
        columns = store_records.load_columns(engine, ["sf-main", "hs-west"], rejected)
        assert isinstance(columns, RecordColumns)
        for kind in ("accounts", "activities", "deals"):
            assert _without_stamps(getattr(columns, kind)) == _without_stamps(getattr(objects, kind)), kind
        assert columns.users == objects.users and columns.rejected == rejected
        assert len(columns.activity_table.start) == len(objects.activities) > 1500
        # the all-day event with no status of its own keeps its flag both ways (it counts once its day is over)
        assert [a.id for a in columns.activities if a.whole_day] == [a.id for a in objects.activities
                                                                      if a.whole_day] == ["T-WHOLEDAY"]
        by_id = {a.id: a for a in columns.activities}
        assert by_id["T-PLANNED"].start == datetime(2027, 3, 4, 21, 30, 15, 123456, tzinfo=UTC)
        assert by_id["T-ALLDAY"].day == date(2027, 3, 4) and by_id["T-ALLDAY"].start is None

    def test_columns_built_over_many_chunks_are_the_same(self, engine, stored, monkeypatch) -> None:
        """Each column is built chunk by chunk (``FETCH`` rows at a time: a categorical's codes carry on from one
        chunk to the next); 7 rows a chunk gives the same records and the same categorical columns as one chunk."""
        names = ["sf-main", "hs-west"]
        whole = store_records.load_columns(engine, names)
        monkeypatch.setattr(store_records, "FETCH", 7)
        chunked = store_records.load_columns(engine, names)
        for kind in ("accounts", "activities", "deals"):
            assert _without_stamps(getattr(chunked, kind)) == _without_stamps(getattr(whole, kind)), kind
        assert len(chunked.activity_table.owner.codes) > 1500
        for column in ("source", "owner", "account", "type", "status"):
            one, many = getattr(whole.activity_table, column), getattr(chunked.activity_table, column)
            assert (one.codes == many.codes).all() and one.values == many.values, column

    def test_evaluation_from_columns_is_the_evaluation_from_records(self, engine, stored) -> None:
        """The engine gives the same evaluation whether it reads the store's records or its columns."""
        names = ["sf-main", "hs-west"]
        from_records = evaluate(stored, store_records.load_records(engine, names), as_of=AS_OF)
        from_columns = evaluate(stored, store_records.load_columns(engine, names), as_of=AS_OF)
        assert from_columns == from_records
        assert sum(a.done for a in from_columns.actions) > 0 and from_columns.rejected

    def test_a_session_or_a_connection_reads_the_same_columns(self, engine, stored) -> None:
        """Given a Session (the run's unit of work) or a Connection, the loader reads in that transaction."""
        expected = _without_stamps(store_records.load_records(engine, ["sf-main"]).deals)
        with Session(engine) as session:
            assert _without_stamps(store_records.load_columns(session, ["sf-main"]).deals) == expected
        with engine.connect() as conn:
            assert _without_stamps(store_records.load_columns(conn, ["sf-main"]).deals) == expected


class TestPayloadText:
    """``load_columns`` parses each stored payload once, with orjson, and falls back to ``json`` for what
    ``json.dumps`` may have written and orjson refuses (SQLAlchemy's JSON column writes with ``json.dumps``)."""

    def test_what_orjson_refuses_is_read_as_json_reads_it(self) -> None:
        nan = json.dumps({"custom": {"score": float("nan")}, "big": 2 ** 70})
        with pytest.raises(orjson.JSONDecodeError):
            orjson.loads(nan)
        read = store_records._loads(nan)
        assert math.isnan(read["custom"]["score"]) and read["big"] == 2 ** 70

    def test_a_missing_payload_reads_as_no_field(self) -> None:
        assert store_records._loads(None) == {}
        assert store_records._loads('{"type": "visit", "subject": "Visite \\u00e0 Lyon"}') == {
            "type": "visit", "subject": "Visite à Lyon"}
