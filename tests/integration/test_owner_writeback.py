"""An action's owner whose CRM user is not active at the first write: the owner is set once the user is active.

The shipped example plan on the sandbox CRM (Salesforce and HubSpot) through the real client libraries, the real
pipeline and store (``Org`` of ``test_plan_state``)."""

from __future__ import annotations

from pathlib import Path

from sandbox_crm.server import SandboxServer
from sync_jobs.store import open_store, repo
from tests.integration.test_plan_state import BOTH, Org, _plan_id

JULIE = "julie.martin@durand-process.example"      # owns A-01, a Salesforce user
LEA = "lea.rousseau@durand-process.example"        # owns A-08, a HubSpot owner


def _hs_owner(server: SandboxServer, email: str) -> dict:
    return next(o for o in server.api("hubspot").owners if o.get("email") == email)


def _last_written(org: Org, connector: str, key: str) -> dict:
    engine = open_store(org.settings.database())
    try:
        return dict(repo.written(engine, _plan_id(org), connector)[("action", key)].fields)
    finally:
        engine.dispose()


class TestOwnerNotActiveYet:
    def test_the_owner_is_written_once_the_user_is_active(self, tmp_path: Path, server: SandboxServer) -> None:
        """Night 1: Julie's Salesforce user is inactive and Léa is no HubSpot owner (archived): their actions are
        written without an owner, and their ``owner_email`` is not recorded as written. Night 2, nothing changed:
        the owner still cannot be set, and nothing is written. Night 3, both are active: the owner is sent and set.
        Seen failing before: ``owner_email`` was saved as written on night 1, so night 3 had nothing to send and
        the actions stayed owned by the integration user for good."""
        org = Org(tmp_path, server, BOTH)
        sf = server.api("salesforce")
        julie = sf.ids["u-julie"]
        sf.edit("User", julie, IsActive=False)
        _hs_owner(server, LEA)["archived"] = True
        plan = _plan_id(org)

        org.sync()
        [a01] = sf.find("PAC_Action__c", PAC_Key__c=f"{plan}:A-01")
        assert a01["OwnerId"] != julie
        assert "owner_email" not in _last_written(org, "sf-main", f"{plan}:A-01")
        hs_actions = server.api("hubspot").table("pac_action")
        [a08] = [o for o in hs_actions.rows.values() if o.props.get("pac_key") == f"{plan}:A-08"]
        assert a08.props.get("hubspot_owner_id") in (None, "")
        assert "owner_email" not in _last_written(org, "hs-west", f"{plan}:A-08")

        assert org.sync().written == 0             # an owner that still cannot be set costs no write
        assert "owner_email" not in _last_written(org, "sf-main", f"{plan}:A-01")

        sf.edit("User", julie, IsActive=True)
        _hs_owner(server, LEA)["archived"] = False
        org.sync()
        [a01] = sf.find("PAC_Action__c", PAC_Key__c=f"{plan}:A-01")
        assert a01["OwnerId"] == julie
        assert _last_written(org, "sf-main", f"{plan}:A-01")["owner_email"] == JULIE
        assert hs_actions.rows[a08.id].props.get("hubspot_owner_id") == _hs_owner(server, LEA)["id"]
        assert _last_written(org, "hs-west", f"{plan}:A-08")["owner_email"] == LEA
