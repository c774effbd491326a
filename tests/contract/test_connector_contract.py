"""The connector contract, run against every adapter (Salesforce, HubSpot, the in-memory fake)."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from connectors.base import ConnectorError, HistoryRead, ManagerEdit, ObjectKind, PacListed, Target, WriteChange
from connectors.hubspot.connector import HubSpotConnector
from connectors.salesforce.connector import SalesforceConnector
from pac_core.records import Account, Activity, Deal, Rejected, User

# PacListed: a full PAC read's keys; HistoryRead: the accounts whose kept history a full read read (HubSpot)
NORMALISED = (Account, Activity, Deal, User, Rejected, ManagerEdit, PacListed, HistoryRead)


def _activities(connector: Any, since: Any = None) -> list[Any]:
    return list(connector.pull(ObjectKind.ACTIVITIES, since))


class TestPull:
    def test_pulls_yield_only_normalised_records(self, rig: Any) -> None:
        """Every kind yields only normalised records, Rejected or ManagerEdit (and, on a full read of the PAC records,
        the keys it listed: PacListed; on a full read of HubSpot's companies with a store, the companies whose
        property history it read: HistoryRead)."""
        rig.add_activity()
        seen = 0
        for kind in ObjectKind:
            pulled = list(rig.connector.pull(kind, None))
            assert all(isinstance(r, NORMALISED) for r in pulled)
            seen += len(pulled)
        assert seen >= 1   # at least the activity just added

    def test_new_activity_is_pulled_with_its_source(self, rig: Any) -> None:
        """An added visit comes back as an Activity from this connector."""
        crm_id = rig.add_activity(subject="Visite <b>test</b>")
        found = [r for r in _activities(rig.connector) if isinstance(r, Activity) and r.id == crm_id]
        assert len(found) == 1 and found[0].source == rig.connector.name and found[0].subject == "Visite <b>test</b>"

    def test_incremental_includes_equal_timestamps_and_changes(self, rig: Any) -> None:
        """Since a watermark: records stamped exactly at it, and records touched after it, come back."""
        first, _second = rig.add_activity(), rig.add_activity()
        pulled = [r for r in _activities(rig.connector) if isinstance(r, Activity)]
        watermark = max(r.modified_at for r in pulled)
        at_mark = {r.id for r in pulled if r.modified_at == watermark}
        rig.touch(ObjectKind.ACTIVITIES, first)
        again = {r.id for r in _activities(rig.connector, watermark) if isinstance(r, Activity)}
        assert at_mark <= again and first in again

    def test_deleted_activity_comes_back_flagged(self, rig: Any) -> None:
        """A deleted activity is yielded with deleted=True."""
        crm_id = rig.add_activity()
        pulled = _activities(rig.connector)
        watermark = max(r.modified_at for r in pulled if isinstance(r, Activity))
        rig.delete(ObjectKind.ACTIVITIES, crm_id)
        flagged = [r for r in _activities(rig.connector, watermark) if isinstance(r, Activity) and r.id == crm_id]
        assert flagged and flagged[-1].deleted


    def test_a_pull_leaves_older_objects_out_of_the_collector_and_gives_them_back(self, crm_rig: Any) -> None:
        """While a CRM connector's pull runs, what was alive before it is frozen (connectors.heap: the collector
        scans only the pull's own objects); when the pull ends, or is left early, the heap is given back. Run on
        the two real connectors only (``crm_rig``): the in-memory fake makes no client-library objects."""
        rig = crm_rig
        assert isinstance(rig.connector, HubSpotConnector | SalesforceConnector)
        rig.add_activity()
        rig.add_activity()
        gc.collect()        # an earlier test's pull left in a reference cycle is finalised (and thaws) here
        assert gc.get_freeze_count() == 0
        during: list[int] = []
        for record in rig.connector.pull(ObjectKind.ACTIVITIES, None):
            during.append(gc.get_freeze_count())
            assert isinstance(record, NORMALISED)
        assert len(during) >= 2 and min(during) > 0
        assert gc.get_freeze_count() == 0
        early = rig.connector.pull(ObjectKind.ACTIVITIES, None)
        next(early)
        assert gc.get_freeze_count() > 0
        early.close()
        assert gc.get_freeze_count() == 0


class TestWrite:
    def _changes(self, rig: Any) -> list[WriteChange]:
        return [WriteChange(Target.AXIS, "contract:AX-1", {"name": "Clients dormants", "status": "active",
                                                           "progress_pct": 80.0}),
                WriteChange(Target.ACTION, "contract:A-01", {"name": "Visiter 5 clients dormants du 69",
                                                             "axis_key": "contract:AX-1", "target": 5, "done": 4}),
                WriteChange(Target.ACCOUNT, "contract:acc", {"axes": ["AX-1"], "target": True},
                            crm_id=rig.account_id())]

    def test_one_result_per_change_in_order(self, rig: Any) -> None:
        """write returns a result per change, in the order given, all successful."""
        results = rig.connector.write(self._changes(rig))
        assert [r.key for r in results] == ["contract:AX-1", "contract:A-01", "contract:acc"]
        assert results and all(r.ok for r in results), results

    def test_writing_twice_is_idempotent(self, rig: Any) -> None:
        """The same change written twice updates the same CRM records, never duplicates them."""
        first = rig.connector.write(self._changes(rig))
        second = rig.connector.write(self._changes(rig))
        assert [r.crm_id for r in first] == [r.crm_id for r in second] and all(r.ok for r in second)


class TestUsageAndFaults:
    def test_usage_counts_calls(self, rig: Any) -> None:
        """usage() counts the calls a pull made."""
        before = rig.connector.usage().calls
        _activities(rig.connector)
        assert rig.connector.usage().calls > before

    @pytest.mark.parametrize("fault", ["server_error", "rate_limit"])
    def test_transient_faults_are_retried(self, rig: Any, fault: str) -> None:
        """After one injected 5xx or rate limit the pull still succeeds."""
        crm_id = rig.add_activity()
        rig.fault(fault, 1)
        assert crm_id in {r.id for r in _activities(rig.connector)}

    def test_vendor_exceptions_never_leak(self, rig: Any) -> None:
        """When faults outlast the retries the caller sees a connectors.base exception, nothing else."""
        rig.add_activity()
        rig.fault("server_error", 50)
        with pytest.raises(ConnectorError):
            _activities(rig.connector)
