"""Upgrading to ROI written at PAC_ROI__c's four places (it was three): on both CRMs the first run after the upgrade
rewrites each axis's ROI whose fourth place the old rounding dropped, that field only, once; the run after writes
nothing (sandbox CRM, real client libraries, shipped plan)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from connectors.base import Target
from pac_core.rounding import half_up
from sandbox_crm.server import SandboxServer
from sync_jobs import diff
from tests.integration.test_plan_state import BOTH, Org


def _three_places(value: float | None, limits: object = ()) -> float | None:
    """How pac wrote a ratio before this change."""
    return None if value is None else float(half_up(value, 3))


def test_the_first_run_after_the_upgrade_rewrites_the_rois_once(tmp_path: Path, server: SandboxServer,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Seen failing on the old code: the run after the 'older pac' rewrote no ROI (0 changes), CRMs kept 0.188."""
    org = Org(tmp_path, server, BOTH)
    with monkeypatch.context() as older_pac:
        older_pac.setattr(diff, "_ratio", _three_places)
        before = org.sync()
    assert not before.errors, before.errors
    plan = before.plan
    assert plan is not None
    rois = {a.axis_id: a.roi for a in before.evaluation.axes} if before.evaluation else {}
    moved = {axis for axis, roi in rois.items() if roi is not None and half_up(roi, 4) != half_up(roi, 3)}
    assert moved, f"no axis of the shipped plan has a fourth ROI place to rewrite: {rois}"

    upgraded = org.sync()
    assert not upgraded.errors, upgraded.errors
    for connector in BOTH:
        sent = {c.key.split(":", 1)[1]: set(c.fields) for c in upgraded.changes[connector] if c.target is Target.AXIS}
        assert sent == {axis: {"roi", "last_synced"} for axis in moved}, connector
        others = [c for c in upgraded.changes[connector] if c.target is not Target.AXIS]
        assert others == [], connector
    for axis in moved:
        want = half_up(rois[axis], 4)
        assert Decimal(str(org.sf_axis(before.plan_id, axis)["PAC_ROI__c"])) == want
        assert Decimal(org.hs_axis(before.plan_id, axis).props["pac_roi"]) == want

    again = org.sync()
    assert not again.errors, again.errors
    assert again.written == 0 and again.accounts_written == 0
    assert all(again.changes[c] == [] for c in BOTH)
