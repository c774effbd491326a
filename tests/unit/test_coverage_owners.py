"""An action measurable by the plan's connectors, but not in the CRM its owner works in (ops audit F10: a HubSpot-only
rep's « Relance devis » action stayed at 0 with no warning, the Salesforce mapping reading that type)."""

from __future__ import annotations

from pathlib import Path

from connectors.hubspot.mapping import parse_mapping as parse_hubspot
from connectors.salesforce.mapping import parse_mapping as parse_salesforce
from pac_config.loader import load_yaml
from pac_config.planfile import load_plan
from pac_core.records import User
from sync_jobs.coverage import unknown_owners, unmeasured, unmeasured_for_owners

CONFIG = Path(__file__).resolve().parents[2] / "config"
MARC = "marc.dubois@durand-process.example"


def _connectors() -> list[tuple[str, str, object]]:
    sf, sf_problems = parse_salesforce(load_yaml(CONFIG / "mappings" / "salesforce.demo.yaml"))
    hs, hs_problems = parse_hubspot(load_yaml(CONFIG / "mappings" / "hubspot.default.yaml"))
    assert not sf_problems and not hs_problems
    return [("sf-main", "salesforce", sf), ("hs-west", "hubspot", hs)]


def test_an_owner_only_in_the_crm_that_does_not_read_the_type_is_warned() -> None:
    """A-19 (Marc, « relance devis », quote_follow_up: Salesforce Events typed « Relance devis »; the shipped HubSpot
    mapping reads none) is measurable by the plan, so the plan-wide check says nothing; with Marc a user of
    hs-west only, the run warns of A-19 and of no other of his actions (his calls and meetings are read there)."""
    plan = load_plan(CONFIG / "plans" / "example.pac.yaml")
    connectors = _connectors()
    assert not [w for w in unmeasured(plan, connectors) if "A-19" in w]
    warnings = unmeasured_for_owners(plan, connectors, {"sf-main": set(), "hs-west": {MARC}})
    assert len(warnings) == 1 and warnings[0].startswith(
        "action A-19 counts 'quote_follow_up' activities, but its owner marc.dubois@durand-process.example works "
        "only in hs-west (hubspot), which does not read them"), warnings
    assert "hs-west:" in warnings[0]
    assert [a.id for a in plan.actions if a.who == MARC and a.id != "A-19"]      # his other actions: not warned
    assert unmeasured_for_owners(plan, connectors, {"sf-main": {MARC}, "hs-west": {MARC}}) == []
    assert unmeasured_for_owners(plan, connectors, {"sf-main": {MARC}, "hs-west": set()}) == []


UNKNOWN_PLAN = """\
plan: {{name: ACME, year: 2027, timezone: Europe/Paris, language: {language}}}
people:
  - {{email: julie.martin@acme.fr, name: Julie Martin, role: rep}}
  - {{email: marc.dubois@acme.fr, name: Marc Dubois, role: rep}}
  - {{email: zoe.blanc@acme.fr, name: Zoé Blanc, role: rep}}
segments:
  - {{id: S-FR, name: France, kind: horizontal, scope: {{country: FR}}}}
axes:
  - id: AX-LYON
    name: Lyon
    segment: S-FR
    scope: {{departement: "69"}}
    who: [julie.martin@acme.fr, marc.dubois@acme.fr]
  - id: AX-ZOE
    name: Zoé's accounts
    segment: S-FR
    scope: {{account_owner: zoe.blanc@acme.fr}}
actions:
  - {{id: A-JULIE, axis: AX-LYON, text: Visits, who: julie.martin@acme.fr, what: {{activity: visit, count: 8}},
     when: Q2 2027}}
  - {{id: A-MARC, axis: AX-LYON, text: Visits, who: marc.dubois@acme.fr, what: {{activity: visit, count: 8}},
     when: Q2 2027}}
"""
# Julie's Salesforce user now has the .com address (a domain migration: same user id); Marc is unchanged; Zoé's
# HubSpot owner has another address and her name without the accent
USERS = [User("005J", "sf-main", "julie.martin@acme.com", "Julie Martin"),
         User("005M", "sf-main", "marc.dubois@acme.fr", "Marc Dubois"),
         User("91", "hs-main", "z.blanc@acme.fr", "Zoe Blanc")]
USERS_OF = {"sf-main": {"julie.martin@acme.com", "marc.dubois@acme.fr"}, "hs-main": {"z.blanc@acme.fr"}}


def _unknown(tmp_path: Path, language: str, text: str = UNKNOWN_PLAN) -> list[str]:
    path = tmp_path / "plan.pac.yaml"
    path.write_text(text.format(language=language), encoding="utf-8")
    return unknown_owners(load_plan(path), path, USERS_OF, USERS)


def test_an_owner_no_crm_knows_is_warned_with_the_places_and_the_crm_user_she_may_be(tmp_path: Path) -> None:
    """Audit A F1: Julie's e-mail changed in Salesforce (same user), the plan keeps the old one: her action and her
    share of AX-LYON dropped to 0 with no word. Now one warning per unknown e-mail, naming every place in the file
    (line and key), what stays at 0, and the Salesforce user with her name under another address."""
    julie, zoe = _unknown(tmp_path, "en")
    path = tmp_path / "plan.pac.yaml"
    assert julie == (
        f"AX-LYON, A-JULIE: julie.martin@acme.fr is a user of none of the plan's CRMs (sf-main, hs-main) "
        f"({path}:3 people[0], :13 axes[0].who[0] (AX-LYON), :19 actions[0].who (A-JULIE)): their actions stay at 0 "
        "and are written to no CRM; no deal or account counts as theirs. sf-main has julie.martin@acme.com "
        "(Julie Martin): if this person changed address, write the new one in the plan, or add it to their "
        "`aliases` in people, at julie.martin@acme.fr: aliases: [julie.martin@acme.com]")
    assert zoe.startswith(f"AX-ZOE: zoe.blanc@acme.fr is a user of none of the plan's CRMs (sf-main, hs-main) "
                          f"({path}:5 people[2], :17 axes[1].scope.account_owner (AX-ZOE)): no deal or account "
                          "counts as theirs. hs-main has z.blanc@acme.fr (Zoe Blanc): ")


def test_the_warning_is_worded_in_french_for_a_french_output(tmp_path: Path) -> None:
    """``words("fr")``: the French of `pac sync --lang fr` and `pac status --lang fr`, whatever the plan's language;
    the warning itself (a ``str``) is its English words, as the log and English output read it (audit warnfr: it
    was the plan's language, so a French plan's English output mixed the two)."""
    warning, _ = _unknown(tmp_path, "fr")
    assert warning.startswith("AX-LYON, A-JULIE: julie.martin@acme.fr is a user of none of the plan's CRMs")
    julie = warning.words("fr")
    assert julie.startswith("AX-LYON, A-JULIE : julie.martin@acme.fr n'est utilisateur d'aucun CRM du plan "
                            "(sf-main, hs-main) (")
    assert julie.endswith("ses actions restent à 0 et ne sont écrites dans aucun CRM ; aucune affaire ni aucun compte "
                          "ne compte comme le sien. sf-main a julie.martin@acme.com (Julie Martin) : si cette personne "
                          "a changé d'adresse, écrivez la nouvelle dans le plan, ou ajoutez-la à ses `aliases` dans "
                          "people, à julie.martin@acme.fr : aliases: [julie.martin@acme.com]")


def test_with_no_lookalike_the_fix_lists_the_ways_out(tmp_path: Path) -> None:
    path = tmp_path / "plan.pac.yaml"
    path.write_text(UNKNOWN_PLAN.format(language="en"), encoding="utf-8")
    [_, zoe] = unknown_owners(load_plan(path), path, USERS_OF, USERS[:2])
    assert zoe.endswith("no deal or account counts as theirs. Fix the address in the plan, add their address in the "
                        "CRM to their `aliases` in people, or give them a user in one of these CRMs.")


def test_aliases_make_the_owner_known_and_people_known_everywhere_say_nothing(tmp_path: Path) -> None:
    text = UNKNOWN_PLAN.replace("name: Julie Martin, role: rep", "name: Julie Martin, role: rep, "
                                "aliases: [julie.martin@acme.com]").replace(
        "name: Zoé Blanc, role: rep", "name: Zoé Blanc, role: rep, aliases: [z.blanc@acme.fr]")
    assert _unknown(tmp_path, "en", text) == []
    assert unknown_owners(load_plan(tmp_path / "plan.pac.yaml"), tmp_path / "plan.pac.yaml", {}, []) != []


def test_a_person_who_owns_nothing_is_not_warned_of(tmp_path: Path) -> None:
    """A director listed in people, owning no action, axis or scope and a user of no CRM, decides nothing: no
    warning every night (re-verification: she was warned of on every sync)."""
    text = UNKNOWN_PLAN.replace("  - {{email: zoe.blanc@acme.fr,",
                                "  - {{email: anne.directrice@acme.fr, name: Anne Directrice, role: manager}}\n"
                                "  - {{email: zoe.blanc@acme.fr,")
    warnings = _unknown(tmp_path, "en", text)
    assert len(warnings) == 2 and not [w for w in warnings if "anne.directrice" in w], warnings
