"""The portal emulated from HubSpot's documentation (tests/integration/test_hs_docs_emulator.py, tasks read) with
engagements that have no ``hs_timestamp``: decided by the plan (audit hsundated, 7 Dec 2026).

By hand, on the docs portal's first night (A-1 Julie's visits 3, A-2 Julie's calls 2, A-3 Luc's visits 2, A-4 Julie's
quote follow-ups 2, AX-RA 25,000.50), one completed outbound call (K6, connected) on Lyon Chimie and one completed
« Relance devis » task (T5) on Lyon Chimie, both with no ``hs_timestamp`` (nor completion date):

* Marc's: no action names Marc (he owns deals and a visit only), so whatever their dates they could count for none:
  no rejection, the night ``ok``, the figures unchanged;
* Julie's: A-2 counts her calls and A-4 her quote follow-ups: both rejected, in the connector's words of before
  (« call has no start time (hs_timestamp empty) », « task has no due date (hs_timestamp and hs_task_completion_date
  empty) », code ``no_start_time``), the night ``partial``, the figures unchanged.

Seen failing before the fix (main): Marc's both rejected, the night partial.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakes import hubspot_opted_in, one_connector_settings
from tests.integration.hs_docs_emulator import Emulator
from tests.integration.test_hs_docs_emulator import (
    CONNECTED,
    FIRST,
    JULIE,
    MARC,
    NIGHT_1,
    PLAN,
    build_portal,
    figures,
    sync,
    t,
)


@pytest.mark.parametrize("owner", [MARC, JULIE])
def test_undated_engagements_are_rejected_only_by_the_plan_counting_them(tmp_path: Path, owner: str) -> None:
    settings = one_connector_settings(tmp_path, PLAN, "hs-docs", hubspot_opted_in(tmp_path, "tasks"), "docs")
    portal = build_portal()
    stamp = t("2027-06-21T08:00:00Z")
    portal.add("calls", "306", {"hs_call_title": "Appel sans date", "hs_timestamp": None, "hs_call_status": "COMPLETED",
                                "hs_call_direction": "OUTBOUND", "hs_call_disposition": CONNECTED,
                                "hubspot_owner_id": owner}, modified=stamp, companies=("11",))
    portal.add("tasks", "405", {"hs_task_subject": "Relance devis", "hs_task_status": "COMPLETED", "hs_timestamp": None,
                                "hs_task_completion_date": None, "hs_task_type": "TODO", "hs_task_priority": "NONE",
                                "hubspot_owner_id": owner}, modified=stamp, companies=("11",))
    with Emulator(portal) as emulator:
        result = sync(settings, emulator, [], clock=lambda: FIRST)
    assert result.errors == []
    assert figures(result) == NIGHT_1
    expected = [] if owner == MARC else [
        ("306", "call has no start time (hs_timestamp empty)", "no_start_time"),
        ("405", "task has no due date (hs_timestamp and hs_task_completion_date empty)", "no_start_time")]
    assert (sorted((r.id, r.reason, r.code) for r in result.rejections), result.status.value) == (
        expected, "partial" if expected else "ok")
