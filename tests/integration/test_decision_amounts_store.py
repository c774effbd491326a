"""Snapshots keep a decision's amounts and values (``Decision.amounts``, ``Decision.values``, audit decamounts), and
the documented rollback (docs/operations.md, "The store") to 0013 strips them, which a pac at 0013 reads strictly
(``snapshots._decode``: KeyError 'amounts' on every snapshot kept since); a recommendation's evidence keeps its own
keys. Upgraded again, the snapshot reads back with no amounts, its French read from its English as before: the same
words."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from alembic import command

from pac_core.engine import EngineSettings, evaluate
from pac_core.explain import detail_words
from pac_core.records import DealLine, Records
from pac_core.results import Decision
from pac_core.snapshots import evaluation_from_payload, snapshot_payload
from sync_jobs.store import open_store, repo
from sync_jobs.store.db import alembic_config
from tests.unit.test_engine_support import PARIS, USERS, account, action, axis, plan, won

NOW = datetime(2027, 6, 1, 16, 0, tzinfo=UTC)
# the fields of a decision a pac at 0013 knows
OLD_FIELDS = {f.name for f in fields(Decision)} - {"amounts", "values"}


@pytest.fixture
def engine(database_url):
    engine = open_store(database_url)
    yield engine
    engine.dispose()


def test_going_back_to_0013_strips_the_decisions_amounts_only(engine, database_url) -> None:
    p = plan(action(axis_id="AX-69"), axes=(axis("AX-69", "SEG-ARA"),))
    lines = (DealLine("P1", Decimal(1), Decimal("500.0"), code="P1"),
             DealLine("P2", Decimal(1), Decimal(300), code="P2", name="Planned unknown amount €500", currency="CHF"))
    deals = (won("g", "a1", None, date(2027, 5, 10), currency="GBP", lines=lines),
             won("c", "a1", "-1234.5", date(2027, 5, 12), currency="XOF"))
    ev = evaluate(p, Records(accounts=(account("a1", "69003"),), deals=deals, users=USERS),
                  as_of=datetime(2027, 6, 1, tzinfo=PARIS), explain=True,
                  settings=EngineSettings(fx_rates={"GBP": Decimal("1.15"), "XOF": Decimal("0.0015")}))
    assert {w.rule for w in ev.warnings} == {"amount_from_lines", "line_unknown_currency", "credit"}
    assert all(w.amounts or w.values for w in ev.warnings)
    payload = snapshot_payload(ev)
    payload["recommendations"] = [{"evidence": {"amounts": [1], "values": {"x": 1}}}]
    repo.save_snapshot(engine, "p", "quarter", "2027-Q2", payload, NOW)
    french = [detail_words(w, "fr") for w in ev.warnings]
    command.downgrade(alembic_config(engine), "0013")
    try:
        kept = repo.snapshot(engine, "p", "quarter", "2027-Q2").payload
        assert all(set(d) <= OLD_FIELDS for d in kept["warnings"])
        assert all(set(d) <= OLD_FIELDS for a in kept["axes"] for d in a["decisions"])
        assert kept["recommendations"] == [{"evidence": {"amounts": [1], "values": {"x": 1}}}]
        assert [d["detail"] for d in kept["warnings"]] == [w.detail for w in ev.warnings]
    finally:
        open_store(database_url).dispose()     # back to head for the other tests
    kept = repo.snapshot(engine, "p", "quarter", "2027-Q2").payload
    kept.pop("recommendations")
    back = evaluation_from_payload(kept)
    assert all(not w.amounts and not w.values for w in back.warnings)
    assert [detail_words(w, "fr") for w in back.warnings] == french
