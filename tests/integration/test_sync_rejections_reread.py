"""A record a pull reads twice (HubSpot reads again a record changed while pac pages, with its new stamp:
docs/hubspot.md; a deal read again by id when a line item changed) is one record: rejected once in the run's
counts, its store and the digest, and not rejected at all when its last reading is a good one (audit reasonsfr F4).
Before, each reading appended its rejection: « 3 rejected » activities for two records, and a record fixed while
pac paged was both counted and reported rejected, « à corriger »."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from connectors.base import ObjectKind
from pac_core.records import Rejected
from sync_jobs.store import open_store, repo
from tests.fakes import FakeConnector
from tests.integration.test_sync_rejections import _crm, _sync, settings  # noqa: F401

BAD = Rejected("fake", "activities", "v-bad", "start: not a date")


class FixedWhilePaging(FakeConnector):
    """Reads visit v1 first as its CRM held it a moment before (no date: rejected), then again as it is now."""

    def pull(self, kind: ObjectKind, since: datetime | None, *, full: bool = False, part: str | None = None
             ) -> Iterator[Any]:
        if kind is ObjectKind.ACTIVITIES:
            yield Rejected("fake", "activities", "v1", "start: not a date")
        yield from super().pull(kind, since, full=full, part=part)


def _stored(settings: Any, run_id: int | None) -> list[tuple[str, str]]:   # noqa: F811
    assert run_id is not None
    engine = open_store(settings.database())
    try:
        return sorted((r.object, r.id) for r in repo.rejections(engine, run_id))
    finally:
        engine.dispose()


class TestOneRecordOneRejection:
    def test_a_record_rejected_on_both_readings_counts_once(self, settings: Any) -> None:  # noqa: F811
        crm = _crm()
        crm.reject(ObjectKind.ACTIVITIES, BAD)         # read twice in the same pull, malformed both times
        result = _sync(settings, crm)
        # v-bad (the connector) and v9 (no account, the engine): two activities
        assert result.counts["activities"]["rejected"] == 2
        assert [r.id for r in result.rejections if r.object == "activities"].count("v-bad") == 1
        assert _stored(settings, result.run_id).count(("activities", "v-bad")) == 1

    def test_a_record_whose_last_reading_is_good_is_not_rejected(self, settings: Any) -> None:  # noqa: F811
        plain = _crm()
        crm = FixedWhilePaging()
        crm.records, crm.rejected = plain.records, plain.rejected
        result = _sync(settings, crm)
        assert "v1" not in {r.id for r in result.rejections}
        assert result.counts["activities"]["rejected"] == 2          # v-bad and v9, as without the first reading
        assert ("activities", "v1") not in _stored(settings, result.run_id)
