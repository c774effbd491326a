"""The companies' PAC properties (``pac_axes``, ``pac_target``) as HubSpot holds them (audit hslife H5, H6): a hand
edit is restored, a merged company that inherited another's values is cleared, and the full reconciliation after a
merge links no retired id. Whole ``pac sync`` runs of the shipped plan on the seeded sandbox portal, through the real
hubspot-api-client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sandbox_crm.run import start_sandbox
from tests.fakes import sandbox_settings, sandbox_sync


def _targeted_and_plain(api: Any) -> tuple[Any, Any]:
    """A company pac targets (``pac_target`` true) and one it never wrote (no PAC value), from the demo portal."""
    rows = api.tables["companies"].rows
    targeted = sorted((o for o in rows.values() if o.props.get("pac_target") == "true"), key=lambda o: int(o.id))
    plain = sorted((o for o in rows.values() if not o.props.get("pac_target") and not o.props.get("pac_axes")),
                   key=lambda o: int(o.id))
    return targeted[0], plain[0]


def _pac(api: Any, company: str) -> tuple[str, str]:
    props = api.tables["companies"].rows[company].props
    return props.get("pac_axes") or "", props.get("pac_target") or ""


def test_company_pac_values_changed_by_hand_are_restored(tmp_path: Path) -> None:
    """A rep clears ``pac_axes`` and sets ``pac_target`` false on a targeted company, and sets ``pac_target`` true
    on a company no axis targets. The next (incremental) sync restores the first and clears the second, and the
    sync after writes no company. Seen failing before the fix: both hand edits stayed, through a full sync too (pac
    diffed against what it had last written only; docs/sync.md *Drift repair* promised the restore)."""
    settings = sandbox_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
    with start_sandbox() as server:
        api = server.api("hubspot")
        api.limits.ten_second_limit = 10**9
        sandbox_sync(settings, server)
        targeted, plain = _targeted_and_plain(api)
        axes = targeted.props["pac_axes"]
        api.update("companies", targeted.id, {"pac_axes": "", "pac_target": "false"})
        api.update("companies", plain.id, {"pac_axes": axes, "pac_target": "true"})
        second = sandbox_sync(settings, server)
        restored, cleared = _pac(api, targeted.id), _pac(api, plain.id)
        third = sandbox_sync(settings, server)
    assert second.errors == [] and third.errors == []
    assert restored == (axes, "true")
    assert cleared == ("", "false")
    assert third.accounts_written == 0


def test_a_merged_company_inheriting_pac_values_is_cleared_and_no_retired_id_is_linked(tmp_path: Path) -> None:
    """A company no axis targets (primary) is merged with a targeted one: HubSpot's merged record takes the primary's
    values and the other's where the primary has none, so it says ``pac_target`` true with the other's axes, though
    the plan targets it with no axis. The next sync clears it; the full reconciliation after links no axis to the
    retired id (no error, status not partial for it) and, reading every company pac wrote, sends none again. Seen
    failing before the fix: the merged company kept the inherited values through four syncs, and the full sync
    failed "link to the PAC axis ...: No object with id" (exit 1)."""
    settings = sandbox_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
    with start_sandbox() as server:
        api = server.api("hubspot")
        api.limits.ten_second_limit = 10**9
        sandbox_sync(settings, server)
        targeted, plain = _targeted_and_plain(api)
        merged = api.merge("companies", plain.id, targeted.id)
        inherited = _pac(api, merged)
        second = sandbox_sync(settings, server)
        cleared = _pac(api, merged)
        full = sandbox_sync(settings, server, full=True)
        after = _pac(api, merged)
    assert inherited[1] == "true" and inherited[0]
    assert second.errors == [], second.errors
    assert cleared == ("", "false")
    assert full.errors == [], full.errors
    assert after == ("", "false")
    assert full.accounts_written == 0       # a full read of companies pac wrote finds what it wrote: nothing to send
