"""A rep's e-mail changed in the CRM while the plan keeps the old one (audit A, F1 and F2; audit emailchange).

The shipped example plan on the sandbox CRM (Salesforce and HubSpot) through the real client libraries, the real
pipeline and store (``Org`` of ``test_plan_state``). HubSpot's owner of Léa gets another address (same owner id: a
domain migration). Audit A: night 2 said nothing, Léa's actions dropped to 0 and were written to Salesforce (the
plan's first connector), as records owned by the integration user that stayed after the plan was fixed; then a
warning naming her e-mail, her actions written nowhere. Audit emailchange: when pac had read the owner under her
plan address, it remembers it and counts her (first test); when the migration came before pac's first night, the
warning gives the alias line (second test)."""

from __future__ import annotations

from pathlib import Path

from pac_core.plan_warnings import words_of
from sandbox_crm.server import SandboxServer
from sync_jobs.store import open_store, repo
from tests.integration.test_plan_state import BOTH, Org, _plan_id

LEA = "lea.rousseau@durand-process.example"        # owns, a HubSpot owner
MIGRATED = "lea.rousseau@durand.example"


def _fr(result: object) -> list[str]:
    """The run's plan warnings as `pac sync --lang fr` words them (``pac_core.plan_warnings``; the plan is French:
    before audit warnfr the run worded them in its language, ``result.unmeasured`` being French)."""
    return words_of(result.unmeasured, "fr")      # type: ignore[attr-defined]


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


def test_an_email_changed_after_pac_read_it_keeps_counting_and_the_alias_silences_the_warning(
        tmp_path: Path, server: SandboxServer) -> None:
    """Léa's owner read under her address on night 1, then migrated: pac remembers the address the owner held
    (audit emailchange, 7 Dec 2026; it was the unknown-owner warning below, her actions at 0 and written nowhere):
    night 2 counts her 3 visits, keeps her HubSpot record hers, and warns with the alias line; with the alias
    written, night 3 says nothing and counts the same."""
    org = Org(tmp_path, server, BOTH)
    plan = _plan_id(org)
    first = org.sync()
    assert not [w for w in _fr(first) if "aucun CRM" in w]
    owner = next(o for o in server.api("hubspot").owners if o.get("email") == LEA)
    assert _hs_action(server, f"{plan}:A-08").props.get("hubspot_owner_id") == owner["id"]

    owner["email"] = MIGRATED
    second = org.sync()
    [warning] = [w for w in _fr(second) if LEA in w]
    assert warning == (
        f"l'utilisateur {owner['id']} (Léa Rousseau) de hs-west a maintenant l'adresse {MIGRATED} ; il avait {LEA}, "
        f"que le plan nomme ({org.plan}:28 people[7]) : pac compte les enregistrements de cet utilisateur pour {LEA}, "
        "avant comme après le changement, et ses actions restent à cet utilisateur. Écrivez-le dans le plan, sous "
        f"people, à {LEA} : aliases: [{MIGRATED}]")
    assert second.evaluation is not None and first.evaluation is not None
    assert second.evaluation.action("A-08").done == first.evaluation.action("A-08").done == 3
    sf = server.api("salesforce")
    assert sf.find("PAC_Action__c", PAC_Key__c=f"{plan}:A-08") == []        # no ghost record in Salesforce
    assert _hs_action(server, f"{plan}:A-08").props.get("hubspot_owner_id") == owner["id"]

    org.edit_file("name: Léa Rousseau, role: rep}", f"name: Léa Rousseau, role: rep, aliases: [{MIGRATED}]}}")
    third = org.sync()
    assert not [w for w in third.unmeasured if LEA in w]
    assert third.evaluation is not None and third.evaluation.action("A-08").done == 3
    assert sf.find("PAC_Action__c", PAC_Key__c=f"{plan}:A-08") == []
    assert _hs_action(server, f"{plan}:A-08").props.get("hubspot_owner_id") == owner["id"]


def test_an_email_changed_before_pac_read_it_is_warned_routed_nowhere_then_counted_through_an_alias(
        tmp_path: Path, server: SandboxServer) -> None:
    """The migration done before pac's first night: pac never saw Léa's plan address, so it cannot know the owner
    is hers. A warning naming her e-mail, its places in the file, the HubSpot owner with her name and the alias line;
    her actions stay at 0 and are written nowhere (no ghost record owned by the integration user); with her new
    address as an alias, they count and are written to HubSpot, owned by her."""
    org = Org(tmp_path, server, BOTH)
    plan = _plan_id(org)
    owner = next(o for o in server.api("hubspot").owners if o.get("email") == LEA)
    owner["email"] = MIGRATED
    first = org.sync()
    [warning] = [w for w in _fr(first) if LEA in w]
    assert warning == (
        f"A-08, A-11 : {LEA} n'est utilisateur d'aucun CRM du plan (sf-main, hs-west) ({org.plan}:28 people[7], "
        ":253 actions[7].who (A-08), :279 actions[10].who (A-11)) : ses actions restent à 0 et ne sont écrites dans "
        f"aucun CRM. hs-west a {MIGRATED} (Léa Rousseau) : si cette personne a changé d'adresse, écrivez la nouvelle "
        f"dans le plan, ou ajoutez-la à ses `aliases` dans people, à {LEA} : aliases: [{MIGRATED}]")
    assert first.evaluation is not None and first.evaluation.action("A-08").done == 0
    sf = server.api("salesforce")
    assert sf.find("PAC_Action__c", PAC_Key__c=f"{plan}:A-08") == []        # no ghost record in Salesforce
    assert not [o for o in server.api("hubspot").table("pac_action").rows.values()
                if o.props.get("pac_key") == f"{plan}:A-08"]

    org.edit_file("name: Léa Rousseau, role: rep}", f"name: Léa Rousseau, role: rep, aliases: [{MIGRATED}]}}")
    second = org.sync()
    assert not [w for w in second.unmeasured if LEA in w]
    assert sf.find("PAC_Action__c", PAC_Key__c=f"{plan}:A-08") == []
    a08 = _hs_action(server, f"{plan}:A-08")
    assert a08.props.get("hubspot_owner_id") == owner["id"]
    assert _last_written(org, "hs-west", f"{plan}:A-08")["owner_email"] == MIGRATED   # her address in HubSpot
    assert second.evaluation is not None and second.evaluation.action("A-08").done == 3
