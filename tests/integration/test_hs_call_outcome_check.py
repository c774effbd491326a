"""`pac config check --online` lists the portal's call outcomes the mapping does not map (audit B, G-2).

A HubSpot portal adds its own call outcomes (Settings > Objects > Calls: options of ``hs_call_disposition`` whose
values are GUIDs); pac rejects each call logged with one the mapping does not list (``call disposition '…' is not in
the mapping``), so the first night exits 1. The online check warns of them first, GUID and label, with the line to add.
Through the CLI and hubspot-api-client against the sandbox portal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from connectors.hubspot.mapping import default_mapping_path
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.server import SandboxServer
from sync_jobs.cli import main
from tests.contract.factory_hubspot import sandbox_connector
from tests.fakes import sandbox_env_fast

BOOKED = "0d3b4c8c-aaaa-4f21-b1f9-123456789abc"     # the audit's portal-defined outcome
WARNING = (f"warning: activities.calls.dispositions: the portal's call outcome 'Rendez-vous pris' ({BOOKED}) is not "
           "mapped: each call logged with it is rejected, not counted (`pac sync` exits 1), unless its "
           "hs_call_status is one of activities.calls.statuses; map it: add "
           f"`{BOOKED}: completed` under activities.calls.dispositions (or no_show, cancelled, planned: what the "
           "outcome means)")


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    """A provisioned portal whose calls offer HubSpot's six default outcomes and its own « Rendez-vous pris »."""
    api = HubSpotApi(None)
    options = api.tables["calls"].properties["hs_call_disposition"]["options"]
    options.append({"label": "Rendez-vous pris", "value": BOOKED, "description": "", "displayOrder": len(options),
                    "hidden": False})
    with SandboxServer([api]) as running:
        connector = sandbox_connector(running)
        connector.provision_schema()
        connector.close()
        yield running


def _check(server: SandboxServer, mapping: Path) -> tuple[int, list[str]]:
    done = CliRunner().invoke(main, ["config", "check", str(mapping), "--online"], env=sandbox_env_fast(server))
    return done.exit_code, [" ".join(line.split()) for line in done.output.split(f"{mapping}: ") if line]


def test_the_online_check_warns_of_a_portal_call_outcome_the_mapping_does_not_map(server: SandboxServer) -> None:
    """The shipped mapping maps HubSpot's six default outcomes, not the portal's own: one warning naming its label,
    its GUID and the line to add; a warning, so the check still passes (exit 0). Failed before: no word of it, and the
    first night rejected the call."""
    code, lines = _check(server, default_mapping_path())
    assert code == 0, lines
    assert [line for line in lines if "call outcome" in line] == [WARNING]


def test_a_mapped_portal_outcome_is_no_warning(server: SandboxServer, tmp_path: Path) -> None:
    """Listed under ``activities.calls.dispositions``, the outcome is mapped: nothing to warn of."""
    text = default_mapping_path().read_text(encoding="utf-8")
    anchor = "    dispositions:             # HubSpot's default call outcomes (same GUIDs in every portal)\n"
    assert anchor in text
    mapping = tmp_path / "hubspot.booked.yaml"
    mapping.write_text(text.replace(anchor, f"{anchor}      {BOOKED}: completed   # Rendez-vous pris\n"),
                       encoding="utf-8")
    code, lines = _check(server, mapping)
    assert code == 0 and "mapping OK" in " ".join(lines), lines
    assert not [line for line in lines if "call outcome" in line]
