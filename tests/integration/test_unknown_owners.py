"""A rep's e-mail changed in the CRM while the plan keeps the old one (audit A, F1 and F2).

The shipped example plan on the sandbox CRM (Salesforce and HubSpot) through the real client libraries, the real
pipeline and store (``Org`` of ``test_plan_state``). Night 1 as seeded; then HubSpot's owner of Léa gets another
address (same owner id: a domain migration). Before: night 2 said nothing, Léa's actions dropped to 0 and were
written to Salesforce (the plan's first connector), as records owned by the integration user that stayed after the
plan was fixed. Now: a warning naming her e-mail, its places in the file and the HubSpot owner with her name; her
actions are written nowhere (the HubSpot records stay as they were); with her new address as an alias, they count
and are written to HubSpot again, owned by her."""

from __future__ import annotations

from pathlib import Path

from sandbox_crm.server import SandboxServer
from sync_jobs.store import open_store, repo
from tests.integration.test_plan_state import BOTH, Org, _plan_id

LEA = "lea.rousseau@durand-process.example"        # owns, a HubSpot owner
MIGRATED = "lea.rousseau@durand.example"


def _hs_action(server: SandboxServer, key: str) -> object:
    rows = server.api("hubspot").table("pac_action").rows.values()
    [row] = [o for o in rows if o.props.get("pac_key") == key]
    return row


def _last_written(org: Org, connector: str, key: str) -> dict:
    engine = open_store(org.settings.database())
    try:
        return dict(repo.written(engine, _plan_id(org), connector)[("action", key)].fields)
    finally:
        engine.dispose()


def test_a_changed_email_is_warned_routed_nowhere_then_counted_through_an_alias(tmp_path: Path,
                                                                                server: SandboxServer) -> None:
    org = Org(tmp_path, server, BOTH)
    plan = _plan_id(org)
    first = org.sync()
    assert not [w for w in first.unmeasured if "aucun CRM" in w]
    a08 = _hs_action(server, f"{plan}:A-08")
    owner = next(o for o in server.api("hubspot").owners if o.get("email") == LEA)
    assert a08.props.get("hubspot_owner_id") == owner["id"]
    before = dict(a08.props)

    owner["email"] = MIGRATED
    second = org.sync()
    [warning] = [w for w in second.unmeasured if LEA in w]
    assert warning == (
        f"A-08, A-11 : {LEA} n'est utilisateur d'aucun CRM du plan (sf-main, hs-west) ({org.plan}:28 people[7], "
        ":253 actions[7].who (A-08), :279 actions[10].who (A-11)) : ses actions restent à 0 et ne sont écrites dans "
        f"aucun CRM. hs-west a {MIGRATED} (Léa Rousseau) : si cette personne a changé d'adresse, écrivez la nouvelle "
        "dans le plan, ou ajoutez-la à ses `aliases` dans people.")
    assert second.evaluation is not None and second.evaluation.action("A-08").done == 0
    sf = server.api("salesforce")
    assert sf.find("PAC_Action__c", PAC_Key__c=f"{plan}:A-08") == []        # no ghost record in Salesforce
    assert _hs_action(server, f"{plan}:A-08").props == before              # HubSpot's record left as it was

    org.edit_file("name: Léa Rousseau, role: rep}", f"name: Léa Rousseau, role: rep, aliases: [{MIGRATED}]}}")
    third = org.sync()
    assert not [w for w in third.unmeasured if LEA in w]
    assert sf.find("PAC_Action__c", PAC_Key__c=f"{plan}:A-08") == []
    a08 = _hs_action(server, f"{plan}:A-08")
    assert a08.props.get("hubspot_owner_id") == owner["id"]
    assert _last_written(org, "hs-west", f"{plan}:A-08")["owner_email"] == MIGRATED   # her address in HubSpot
    assert third.evaluation is not None and first.evaluation is not None
    assert third.evaluation.action("A-08").done == first.evaluation.action("A-08").done == 3
