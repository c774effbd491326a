"""A deal moved out of the pipelines the mapping reads (``deals.pipelines``) stops counting on the next incremental
night, not at the next full read (audit B, finding B-1). HubSpot's Deals guide: a deal's pipeline is an ordinary
property ("if you have multiple pipelines, pipeline ... You must use the internal ID of a deal stage or pipeline"), so
moving a deal changes its ``hs_lastmodifieddate``; but the deals search also filters ``pipeline IN deals.pipelines``,
so a deal that has just left them is never read again. Synced by the real pipeline through hubspot-api-client against
the sandbox portal, with the shipped mapping reading only the ``default`` pipeline."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from connectors.hubspot.mapping import default_mapping_path
from pac_core.records import Deal
from sync_jobs.store import open_store
from sync_jobs.store import records as store_records
from tests.fakes import SeededPortal, audit_plan, one_connector_settings

PLAN = audit_plan("B1", "en", """\
  - id: A-1
    axis: AX-RA
    text: "Visit 10 clients in Q2"
    who: julie@audit.example
    what: {activity: visit, count: 10, counting: activities}
    when: "Q2 2027"
    status: in_progress
""")
EARLY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)       # when D1 last changed (long before the watermark)
LATER = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)      # when D2 last changed: the deals' watermark after sync 1


def _default_pipeline_only(tmp: Path) -> Path:
    text = default_mapping_path().read_text(encoding="utf-8")
    assert "  pipelines: null " in text
    path = tmp / "hubspot.default-pipeline.yaml"
    path.write_text(text.replace("  pipelines: null ", "  pipelines: [default] "), encoding="utf-8")
    return path


class Portal(SeededPortal):
    """Julie's client Lyon Chimie with two won deals of the ``default`` pipeline: D1 10,000 (with a line item) and
    D2 3,000; ``maintenance`` is a pipeline the mapping does not read."""

    def __init__(self, tmp: Path, *, pipelines: bool = True) -> None:
        super().__init__()
        api = self.api
        julie = api.add_owner("julie@audit.example", "Julie", "Martin")
        lyon = api.add("companies", {"name": "Lyon Chimie", "zip": "69001", "country": "France", "type": "Client",
                                     "hubspot_owner_id": julie})

        def won(name: str, amount: str, stamp: datetime) -> str:
            return api.add("deals", {"dealname": name, "pipeline": "default", "dealstage": "closedwon",
                                     "amount": amount, "closedate": "2027-05-10T10:00:00.000Z",
                                     "deal_currency_code": "EUR", "hubspot_owner_id": julie},
                           companies=(lyon,), primary=lyon, modified=stamp)

        self.d1 = won("D1", "10000", EARLY)
        self.d2 = won("D2", "3000", LATER)
        self.line = api.add("line_items", {"name": "Pompe", "hs_sku": "POMPE", "quantity": "1", "amount": "10000"},
                            modified=EARLY)
        api.associate("deals", self.d1, "line_items", self.line)
        maintenance = next(p for p in api.portal.pipelines["deals"] if p["id"] == "maintenance")
        self.maintenance_won = next(s["id"] for s in maintenance["stages"] if s["metadata"]["isClosed"] == "true"
                                    and float(s["metadata"]["probability"]) >= 1)
        self.serve()
        mapping = _default_pipeline_only(tmp) if pipelines else default_mapping_path()
        self.settings = one_connector_settings(tmp, PLAN, "hs-b", mapping, "b1")


    def stored(self, deal: str) -> Deal:
        engine = open_store(self.settings.database())
        try:
            found = [r for r in store_records.iter_records(engine, ["hs-b"], "deals") if r.id == deal]
        finally:
            engine.dispose()
        assert len(found) == 1, found
        record = found[0]
        assert isinstance(record, Deal)
        return record


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    with Portal(tmp_path) as p:
        yield p


def test_a_won_deal_moved_to_an_unread_pipeline_stops_counting_that_night(portal: Portal) -> None:
    """D1 moved into the ``maintenance`` pipeline (its won stage): the incremental night counts D2 alone, 3,000, as
    the full read does. Failed before: 13,000 until the next full read (up to ``reconciliation_days``)."""
    first = portal.sync()
    assert first.evaluation.axis("AX-RA").revenue == 13_000
    portal.api.update("deals", portal.d1, {"pipeline": "maintenance", "dealstage": portal.maintenance_won})
    night = portal.sync()
    assert night.evaluation.axis("AX-RA").revenue == 3_000
    assert portal.stored(portal.d1).deleted
    assert portal.sync(full=True).evaluation.axis("AX-RA").revenue == 3_000


def test_a_deal_read_again_for_its_line_in_an_unread_pipeline_is_retired(portal: Portal) -> None:
    """D1 sits in ``maintenance`` with its stamp from before the watermark (the move went unseen), then its line item
    is edited: the deal read again by id for its line is retired, not silently skipped, and carries the line's
    stamp. Failed before: D1 kept counting, 13,000."""
    assert portal.sync().evaluation.axis("AX-RA").revenue == 13_000
    portal.api.update("deals", portal.d1, {"pipeline": "maintenance", "dealstage": portal.maintenance_won},
                      touch=False)
    portal.api.update("line_items", portal.line, {"quantity": "2"})
    night = portal.sync()
    assert night.evaluation.axis("AX-RA").revenue == 3_000
    retired = portal.stored(portal.d1)
    assert retired.deleted and retired.modified_at is not None and retired.modified_at > LATER


def _quiet_night(tmp: Path, *, pipelines: bool) -> Counter[str]:
    """The calls of a no-change sync after a first one, by endpoint."""
    tmp.mkdir()
    with Portal(tmp, pipelines=pipelines) as made:
        made.sync()
        quiet = made.sync()
        assert quiet.written == 0
        return Counter(quiet.api["hs-b"]["by_endpoint"])


def test_a_quiet_night_costs_one_deals_search_page_more_only_with_pipelines_set(tmp_path: Path) -> None:
    """``deals.pipelines`` set, a no-change night makes one more call: the one page of the search for the deals
    changed in the other pipelines; unset (the shipped mapping reads every pipeline), the same calls as before."""
    every = _quiet_night(tmp_path / "every", pipelines=False)
    some = _quiet_night(tmp_path / "some", pipelines=True)
    assert some - every == Counter({"search.deals": 1})
    assert every - some == Counter()
