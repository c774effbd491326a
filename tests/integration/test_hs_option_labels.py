"""HubSpot dropdowns read as their labels, and what the online mapping check says of company properties, PAC objects
and stage overrides (ops audit F1, F4, F7, F8): through hubspot-api-client against the sandbox portal."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from connectors.base import HELD_PAC, ObjectKind
from connectors.hubspot.mapping import check_mapping_online, label_notes, load_mapping, provision
from pac_core.records import Account
from sandbox_crm.demo_org import build_demo_org
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.hubspot.records import _options
from sandbox_crm.server import SandboxServer
from tests.contract.factory_hubspot import sandbox_connector

DEMO = build_demo_org().for_crm("hubspot")


def _berthier() -> HubSpotApi:
    """A portal shaped like the audit's second customer: a custom dropdown sector whose value 'agro' is labelled
    « Agroalimentaire », a multiple-checkbox property, a dropdown Oui / Non 'dormant' and a second pipeline whose
    won stage is 'gagnee' « Gagnée »."""
    api = HubSpotApi(None)
    companies = api.tables["companies"]
    companies.define("secteur_activite", "enumeration", "select", label="Secteur d'activité", custom=True,
                     options=_options((("agro", "Agroalimentaire"), ("chimie", "Chimie"))))
    companies.define("gammes", "enumeration", "checkbox", label="Gammes", custom=True,
                     options=_options((("px", "Pompes PX"), ("mx", "Mélangeurs MX"))))
    companies.define("client_dormant", "bool", "booleancheckbox", label="Client dormant", custom=True)
    companies.define("client_dormant_fr", "enumeration", "select", label="Client dormant (fr)", custom=True,
                     options=_options((("oui", "Oui"), ("non", "Non"))))
    api.portal.pipelines["deals"].append(
        {"id": "distribution", "label": "Distribution", "displayOrder": 2, "archived": False, "stages": [
            {"id": "en_cours", "label": "En cours", "displayOrder": 0, "archived": False,
             "metadata": {"isClosed": "false", "probability": "0.5"}},
            {"id": "gagnee", "label": "Gagnée", "displayOrder": 1, "archived": False,
             "metadata": {"isClosed": "true", "probability": "1.0"}},
            {"id": "perdue", "label": "Perdue", "displayOrder": 2, "archived": False,
             "metadata": {"isClosed": "true", "probability": "0.0"}}]})
    return api


def _mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hs-berthier.yaml"
    path.write_text("crm: hubspot\n" + text, encoding="utf-8")
    return path


def _accounts(connector: Any, since: Any = None) -> dict[str, Account]:
    return {a.id: a for a in connector.pull(ObjectKind.ACCOUNTS, since) if isinstance(a, Account)}


class TestDropdownsReadAsLabels:
    def test_a_custom_dropdown_is_read_as_the_label_plan_authors_write(self, tmp_path: Path) -> None:
        """Audit F1: `secteur_activite` holds 'agro', HubSpot shows « Agroalimentaire », the plan says
        `secteur: Agroalimentaire`: A-04 counted 0 instead of 2. Seen failing before: the account's industry was
        'agro'. Multiple checkboxes ('px;mx') read as their labels joined the same way; a value no option has (an
        option deleted since) is kept as it is."""
        api = _berthier()
        vercors = api.add("companies", {"name": "Coopérative du Vercors", "zip": "38000", "secteur_activite": "agro",
                                        "gammes": "px;mx", "type": "RESELLER"})
        other = api.add("companies", {"name": "Ancienne option", "zip": "69001", "secteur_activite": "textile"})
        path = _mapping(tmp_path, "companies:\n  industry: secteur_activite\n  custom:\n    gammes: gammes\n"
                                  "    secteur: secteur_activite\n")
        with SandboxServer([api]) as server:
            accounts = _accounts(sandbox_connector(server, mapping=path))
        assert accounts[vercors].industry == "Agroalimentaire"
        assert {k: v for k, v in accounts[vercors].custom.items() if k != HELD_PAC} == {  # (what it holds of pac's)
            "gammes": "Pompes PX;Mélangeurs MX", "secteur": "Agroalimentaire"}
        assert accounts[vercors].account_type == "Distributeur"       # HubSpot's type RESELLER, labelled in French
        assert accounts[other].industry == "textile"

    def test_the_demo_portal_holds_internal_values_and_reads_back_its_labels(self) -> None:
        """The sandbox's `industry` and `type` are dropdowns like a real portal's (internal values such as
        PHARMACEUTICALS and RESELLER in the records), and the connector reads the demo's words back: the demo's
        figures stay those of the demo organisation."""
        api = HubSpotApi(build_demo_org())
        stored = {str(o.props.get("industry")) for o in api.tables["companies"].rows.values()}
        assert "PHARMACEUTICALS" in stored and "Pharmaceutique" not in stored
        with SandboxServer([api]) as server:
            accounts = _accounts(sandbox_connector(server))
        got = sorted((a.name, a.industry or "", a.account_type or "") for a in accounts.values())
        assert got and got == sorted((a.name, a.industry or "", a.account_type or "") for a in DEMO.accounts)

    def test_the_scope_labels_are_read_once_by_one_small_batch_read(self) -> None:
        """One `POST /crm/v3/properties/companies/batch/read` of the scope properties alone for a pull of companies
        (not the portal's whole list of company properties, `GET /crm/v3/properties/companies`), none for a pull that
        reads no company; the companies' reading makes that same one call every night (audit ops2 F4: a relabelled
        option is seen the night it is made), so a run's pull of companies makes no second one."""
        api = HubSpotApi(build_demo_org())
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            accounts = _accounts(connector)
            assert len(accounts) == len(DEMO.accounts)
            calls = connector.usage().by_endpoint
            assert calls["properties.companies.labels"] == 1 and "properties.companies" not in calls, calls
            quiet = sandbox_connector(server)
            mark = max(a.modified_at for a in accounts.values() if a.modified_at) + timedelta(days=1)
            assert _accounts(quiet, mark) == {}
            assert "properties.companies.labels" not in quiet.usage().by_endpoint
            night = sandbox_connector(server)
            night.reading(ObjectKind.ACCOUNTS)
            assert _accounts(night, mark) == {}
            assert night.usage().by_endpoint["properties.companies.labels"] == 1


class TestOnlineCheck:
    @staticmethod
    def _check(api: HubSpotApi, path: Path, *, provisioned: bool = True) -> list[Any]:
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server, mapping=path)
            if provisioned:
                provision(connector)
            return check_mapping_online(load_mapping(path), connector, path)

    def test_a_dormant_property_that_is_no_checkbox_is_refused(self, tmp_path: Path) -> None:
        """Audit F4: a dropdown Oui / Non as `companies.dormant` read every company as not dormant, and the check
        said OK. Seen failing before: no problem. A single checkbox (type bool) passes."""
        path = _mapping(tmp_path, "companies:\n  dormant: client_dormant_fr\n")
        problems = self._check(_berthier(), path)
        assert [(p.line, p.path) for p in problems] == [(3, "companies.dormant")]
        assert problems[0].message.startswith("companies property 'client_dormant_fr' is of type enumeration (field "
                                              "type select), not a single checkbox")
        assert "type bool, field type booleancheckbox" in problems[0].fix
        assert self._check(_berthier(), _mapping(tmp_path, "companies:\n  dormant: client_dormant\n")) == []

    def test_a_stage_label_written_for_its_id_names_the_id(self, tmp_path: Path) -> None:
        """Audit F8: `stage_overrides: {distribution: {Gagnée: won}}` got "no pipeline has it (list it under its own
        pipeline)". Seen failing before. The label compares without case or accents; a label of another pipeline's
        stage names that pipeline."""
        path = _mapping(tmp_path, "deals:\n  stage_overrides:\n    distribution:\n      Gagnée: won\n"
                                  "      PERDUE: lost\n    default:\n      Renewed: won\n      nope: won\n")
        problems = self._check(_berthier(), path)
        assert [(p.line, p.path, p.message, p.fix) for p in problems] == [
            (5, "deals.stage_overrides.distribution.Gagnée",
             "'Gagnée' is the label of stage 'gagnee' of pipeline 'distribution'", "write the id: gagnee"),
            (6, "deals.stage_overrides.distribution.PERDUE",
             "'PERDUE' is the label of stage 'perdue' of pipeline 'distribution'", "write the id: perdue"),
            (8, "deals.stage_overrides.default.Renewed",
             "'Renewed' is the label of stage '1002' of pipeline 'maintenance', not of pipeline 'default'",
             "write the id 1002 under its own pipeline maintenance"),
            (9, "deals.stage_overrides.default.nope",
             "stage 'nope' is not a stage of pipeline 'default': no pipeline has it", problems[-1].fix)]
        assert problems[-1].fix.startswith("write one of the pipeline's stage ids: ['appointmentscheduled', ")

    def test_an_unprovisioned_portal_is_reported_as_salesforce_reports_its_org(self, tmp_path: Path) -> None:
        """Audit F7: before `pac crm provision hubspot`, the online check said "mapping OK" while `pac crm check`
        listed 9 issues (the Salesforce check reports its missing PAC objects, exit 2). Seen failing before: []."""
        path = _mapping(tmp_path, "companies:\n  name: name\nwriteback:\n  mode: auto\n")
        problems = self._check(_berthier(), path, provisioned=False)
        by_path: dict[str, list[str]] = {}
        for p in problems:
            by_path.setdefault(p.path, []).append(p.message)
            assert p.fix == "run `pac crm provision hubspot`"
        assert by_path["writeback.axis_object"] == ["pac_axis: custom object missing"]
        assert by_path["writeback.action_object"] == ["pac_action: custom object missing"]
        assert "companies.pac_axes: PAC property missing" in by_path["writeback.accounts"]
        assert "companies: property group 'pac' missing" in by_path["writeback.group"]
        assert {p.line for p in problems} == {4}                     # the writeback section of the file
        assert self._check(_berthier(), path) == []                  # provisioned: clean

    def test_the_check_says_dropdowns_are_read_by_label_and_names_plan_values_that_match_none(
            self, tmp_path: Path) -> None:
        """`--online` says which scope properties are dropdowns read by their labels and names the plans' values
        that are an option's internal value (write the label) or no option at all."""
        path = _mapping(tmp_path, "companies:\n  industry: secteur_activite\n  custom:\n    gammes: gammes\n")
        plan_values = {"industry": [("plan.yaml segment S-AGRO", "Agroalimentaire"),
                                    ("plan.yaml axis AX-1", "agro"), ("plan.yaml axis AX-2", "Agroalimentair"),
                                    ("plan.yaml action A-1", "Textile")]}
        with SandboxServer([_berthier()]) as server:
            notes = label_notes(load_mapping(path), sandbox_connector(server), plan_values)
        assert notes == [
            "companies.industry: secteur_activite is a dropdown: pac reads its values as their labels, as HubSpot "
            "shows them ('Agroalimentaire', not 'agro'): write those labels in plan scopes ('Agroalimentaire', "
            "'Chimie')",
            "warning: plan.yaml axis AX-1: 'agro' is the internal value of option 'Agroalimentaire' of "
            "companies.secteur_activite: pac reads the label, so write 'Agroalimentaire'",
            "warning: plan.yaml axis AX-2: 'Agroalimentair' is no option of companies.secteur_activite: no company of "
            "this portal can match it (did you mean 'Agroalimentaire'?)",
            "warning: plan.yaml action A-1: 'Textile' is no option of companies.secteur_activite: no company of this "
            "portal can match it (its labels: 'Agroalimentaire', 'Chimie')",
            "companies.account_type: type is a dropdown: pac reads its values as their labels, as HubSpot shows them "
            "('Prospect', not 'PROSPECT'): write those labels in plan scopes ('Prospect', 'Client', 'Partenaire', "
            "...)",
            "companies.custom.gammes: gammes is a dropdown: pac reads its values as their labels, as HubSpot shows "
            "them ('Pompes PX', not 'px'): write those labels in plan scopes ('Pompes PX', 'Mélangeurs MX')"]

    def test_the_check_says_the_line_family_dropdown_is_read_by_label(self, tmp_path: Path) -> None:
        """The line items' family dropdown (deals.line_family: `famille`, `mach` « Machines »), read by its labels
        (audit sffamily F1): said, a product_family value that is an internal value or no option is named, and a
        product value that is an internal value (it may still match a code or name); a product value matching no
        option is not (a code or a name). Seen failing before: nothing said of it."""
        path = _mapping(tmp_path, "deals:\n  line_family: famille\n")
        api = _berthier()
        api.tables["line_items"].define("famille", "enumeration", "select", label="Famille", custom=True,
                                        options=_options((("mach", "Machines"), ("pomp", "Pompes"))))
        plan_values = {"product_family": [("plan.yaml axis AX-1", "mach"), ("plan.yaml axis AX-2", "Pompes"),
                                          ("plan.yaml axis AX-3", "Machine")],
                       "product": [("plan.yaml axis AX-4", "MACH"), ("plan.yaml axis AX-5", "PX200")]}
        with SandboxServer([api]) as server:
            notes = [n for n in label_notes(load_mapping(path), sandbox_connector(server), plan_values)
                     if not n.startswith("companies.")]
        assert notes == [
            "deals.line_family: famille is a dropdown: pac reads a line's family as its label, as HubSpot shows it "
            "('Machines', not 'mach'): write those labels in product_family and product scopes ('Machines', "
            "'Pompes')",
            "warning: plan.yaml axis AX-1: 'mach' is the internal value of option 'Machines' of line_items.famille: "
            "pac reads the label, so write 'Machines'",
            "warning: plan.yaml axis AX-3: 'Machine' is no option of line_items.famille: no line of this portal can "
            "match it (did you mean 'Machines'?)",
            "warning: plan.yaml axis AX-4: 'MACH' is the internal value of option 'Machines' of line_items.famille: "
            "pac reads the label, so write 'Machines' (a product code or name written so still matches)"]
