"""The sandbox HubSpot portal's seed: change stamps spread like a real portal's, so a no-change run reads one page."""

from __future__ import annotations

from collections import Counter

from sandbox_crm.demo_org import build_demo_org
from sandbox_crm.hubspot import HubSpotApi

OVERLAP_MS = 10 * 60 * 1000     # the HubSpot connector's overlap window
PAGE = 200                      # HubSpot search page size


class TestHubSpotSeedStamps:
    def test_no_pile_up_at_the_demo_clock(self) -> None:
        """Deals, meetings and calls: no stamp is shared by more than a handful of records, and the overlap
        window before the newest stamp holds less than one search page."""
        api = HubSpotApi(build_demo_org(scale=2))
        for name in ("deals", "meetings", "calls"):
            stamps = [o.modified for o in api.tables[name].rows.values()]
            top = max(stamps)
            assert max(Counter(stamps).values()) <= 5, name
            assert sum(1 for s in stamps if s >= top - OVERLAP_MS) < PAGE, name

    def test_stamps_never_after_the_clock(self) -> None:
        """A seeded record was modified at or before the demo clock (planned meetings and open deals included)."""
        org = build_demo_org()
        api = HubSpotApi(org)
        clock = int(org.as_of.timestamp() * 1000)
        for name in ("deals", "meetings", "calls", "line_items"):
            rows = api.tables[name].rows.values()
            assert rows and all(o.modified <= clock for o in rows), name
