"""The engagements noted on several companies are found through their partial index, not by reading every activity.

Every incremental night asks the store for the HubSpot engagements pac counted on one of several companies
(``records.several_companies_records``, audit hshand10). Before migration 0018 the query read every activity's payload
of the connector: 0.77 s on SQLite and 1.5 s on PostgreSQL at a million activities, each night (measured 8 Dec 2026);
with the partial index 0.003 s and 0.001 s. The test asks each database how it runs the query: before the index, and
with the index but the JSON path sent as a bound parameter, SQLite answered « SEARCH pac_record USING INDEX
ix_pac_record_seen (connector=? AND kind=?) », every activity of the connector (seen failing); PostgreSQL had no
such index.
"""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select, text

from sync_jobs.store import open_store
from sync_jobs.store import records as store_records
from sync_jobs.store.records import _T
from sync_jobs.store.tables import SEVERAL_COMPANIES
from tests.fakes import visit

NOW = datetime(2027, 5, 20, 16, 0, tzinfo=UTC)


@pytest.fixture
def engine(database_url):
    engine = open_store(database_url)
    yield engine
    engine.dispose()


def _store(engine) -> None:
    records = [visit(f"m{i}", "u1", "2801", NOW, source="hs") for i in range(40)]
    records += [visit("m-two", "u1", "2801", NOW, source="hs", also_on=("2802",)),
                visit("m-three", "u1", "2803", NOW, source="hs", also_on=("2801", "2802"))]
    store_records.upsert_records(engine, "hs", records, run_id=1, now=NOW)


def test_the_engagements_on_several_companies_are_read_by_their_index(engine) -> None:
    _store(engine)
    assert store_records.several_companies_records(engine, "hs", "activities") == ["m-three", "m-two"]
    query = select(_T.c.crm_id).where(_T.c.connector == "hs", _T.c.kind == "activities", _T.c.deleted.is_(False),
                                      SEVERAL_COMPANIES)
    compiled = query.compile(engine, compile_kwargs={"literal_binds": True})
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            plan = " ".join(row[-1] for row in conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
            assert "USING INDEX ix_pac_record_several" in plan, plan
            # and the statement the night sends, with its parameters (a bound JSON path would match no index)
            sent: list[tuple[str, tuple]] = []
            event.listen(engine, "before_cursor_execute", lambda *a: sent.append((a[2], tuple(a[3]))))
            store_records.several_companies_records(engine, "hs", "activities")
            (statement, params), = [s for s in sent if "JSON_EXTRACT" in s[0]]
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params).fetchall()
            assert "USING INDEX ix_pac_record_several" in " ".join(str(r[-1]) for r in rows), rows
        else:
            definition = conn.execute(text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_pac_record_several'"
                                           )).scalar()
            assert definition is not None and "also_on" in definition and "WHERE" in definition
            conn.execute(text("SET enable_seqscan = off"))   # 42 rows: the planner would scan them whatever it has
            plan = " ".join(row[0] for row in conn.execute(text(f"EXPLAIN {compiled}")))
            assert "ix_pac_record_several" in plan, plan
