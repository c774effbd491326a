"""HubSpot dropdowns read as their labels (ops audit F1): through hubspot-api-client against the sandbox portal."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from connectors.base import ObjectKind
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
        assert accounts[vercors].custom == {"gammes": "Pompes PX;Mélangeurs MX", "secteur": "Agroalimentaire"}
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

    def test_the_property_definitions_are_read_once_and_only_when_companies_come(self) -> None:
        """One `GET /crm/v3/properties/companies` for a pull of companies, none for a pull that reads no company:
        a night with no company in its search window costs what it did."""
        api = HubSpotApi(build_demo_org())
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            accounts = _accounts(connector)
            assert len(accounts) == len(DEMO.accounts)
            assert connector.usage().by_endpoint["properties.companies"] == 1
            quiet = sandbox_connector(server)
            mark = max(a.modified_at for a in accounts.values() if a.modified_at) + timedelta(days=1)
            assert _accounts(quiet, mark) == {}
            assert "properties.companies" not in quiet.usage().by_endpoint
