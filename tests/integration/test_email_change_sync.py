"""A rep's CRM login changes e-mail during the plan (audit emailchange, 7 Dec 2026): the shipped example plan on the
sandbox CRM (Salesforce and HubSpot) through the real client libraries, pipeline and store (``Org`` of
``test_plan_state``).

Salesforce: an admin edits the user's ``Email`` (same Id, same records: Object Reference, User); HubSpot: the owner's
``email`` follows its user's (CRM API, Owners v3). The plan still names the old addresses, with no alias: their
visits keep counting, their actions stay with their users, and the run says what pac did with the alias to write.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pac_core.plan_warnings import words_of
from sandbox_crm.server import SandboxServer
from sync_jobs.cli import main
from tests.integration.test_plan_state import BOTH, Org, _plan_id

JULIE, JULIE_NEW = "julie.martin@durand-process.example", "julie.martin@durand-group.example"
LEA, LEA_NEW = "lea.rousseau@durand-process.example", "lea.rousseau@durand-group.example"


def _hs_owner(server: SandboxServer, email: str) -> dict:
    return next(o for o in server.api("hubspot").owners if o.get("email") == email)


def test_visits_and_actions_stay_with_the_rep_whose_login_changed_email(tmp_path: Path, server: SandboxServer
                                                                        ) -> None:
    """Night 1 as shipped; then Julie's Salesforce user and Léa's HubSpot owner get new e-mails; night 2: A-01 and
    A-08 count what they counted (it was 0 for both: the users' e-mails were no longer the plan's), no owner is
    unknown, the actions keep their owners, and one warning each names the old and new e-mail and the alias line;
    ``pac explain A-01`` counts them and says under which e-mail. Night 3, a new action of Julie's in the plan: it is
    created in Salesforce, owned by her user; the same figures."""
    org = Org(tmp_path, server, BOTH)
    plan = _plan_id(org)
    first = org.sync()
    done = {a: first.evaluation.action(a).done for a in ("A-01", "A-08")}
    assert done["A-01"] > 0 and done["A-08"] > 0
    sf = server.api("salesforce")
    julie = sf.ids["u-julie"]
    sf.edit("User", julie, Email=JULIE_NEW)
    lea = _hs_owner(server, LEA)
    lea["email"] = LEA_NEW

    second = org.sync()
    assert {a: second.evaluation.action(a).done for a in done} == done
    said = words_of(second.unmeasured, "fr")        # as `pac sync --lang fr` words them (audit warnfr)
    assert not [w for w in said if "n'est utilisateur d'aucun CRM" in w]
    [julie_says] = [w for w in said if f"a maintenant l'adresse {JULIE_NEW}" in w]
    assert f"il avait {JULIE}, que le plan nomme" in julie_says
    assert julie_says.endswith(f"sous people, à {JULIE} : aliases: [{JULIE_NEW}]")
    [lea_says] = [w for w in said if f"a maintenant l'adresse {LEA_NEW}" in w]
    assert lea_says.startswith(f"l'utilisateur {lea['id']} (Léa Rousseau) de hs-west ")
    [a01] = sf.find("PAC_Action__c", PAC_Key__c=f"{plan}:A-01")
    assert a01["OwnerId"] == julie
    hs_actions = server.api("hubspot").table("pac_action")
    [a08] = [o for o in hs_actions.rows.values() if o.props.get("pac_key") == f"{plan}:A-08"]
    assert a08.props.get("hubspot_owner_id") == lea["id"]

    shown = CliRunner().invoke(main, ["explain", "A-01"], env={"PAC_CONFIG": str(tmp_path / "pac.yaml"),
                                                                 "COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert (f"Compté aussi sous {JULIE_NEW} : l'utilisateur {julie} (Julie Martin) de sf-main avait {JULIE}, que le "
            f"plan nomme (pac s'en souvient ; pour l'écrire dans le plan, sous people, à {JULIE} : aliases: "
            f"[{JULIE_NEW}]).") in " ".join(shown.output.split())
    assert shown.output.count("✔") == done["A-01"]

    org.edit_file("  - id: A-04\n", '  - id: A-99\n    axis: AX-RA-MAINT\n    text: "Relancer les contrats"\n'
                  f"    who: {JULIE}\n    what: {{activity: appel, count: 3}}\n    when: \"juin 2027\"\n\n"
                  "  - id: A-04\n")
    third = org.sync()
    assert {a: third.evaluation.action(a).done for a in done} == done
    [a99] = sf.find("PAC_Action__c", PAC_Key__c=f"{plan}:A-99")     # a new action of hers: created, owned by her
    assert a99["OwnerId"] == julie
