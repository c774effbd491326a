"""Salesforce picklists that plan scopes test read as their labels (re-verification audit F1): a French org shows the
standard Industry value `Chemicals` as « Chimie », the plan author writes `industry: Chimie`, and a plan spanning
Salesforce and HubSpot (whose dropdowns are read as their labels) uses that one word for both. Through the real
simple-salesforce and hubspot-api-client against the sandbox CRMs."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from connectors.base import HELD_PAC, ObjectKind, reading_of
from connectors.hubspot.mapping import default_mapping_path as hubspot_mapping
from connectors.salesforce.connector import ACTIVITY_RULES, READING_RULES, build
from pac_config.loader import config_dir
from pac_config.settings import load_settings
from pac_core.records import Account
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.run import sandbox_env
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.salesforce.schema import SField
from sandbox_crm.server import SandboxServer
from tests.fakes import labels_unchanged, sandbox_sync

DEMO = config_dir() / "mappings" / "salesforce.demo.yaml"
DEFAULT = config_dir() / "mappings" / "salesforce.default.yaml"       # single-currency: its reading makes no call
JULIE = "julie@labels.example"


def _org() -> SalesforceApi:
    """An org whose Industry value `Chemicals` is shown « Chimie » (as a French org's Translation Workbench shows it),
    with a custom multi-select picklist `Gammes__c` (px « Pompes PX », mx « Mélangeurs MX ») and a text field."""
    api = SalesforceApi(None)
    api.relabel("Account", "Industry", "Chemicals", "Chimie")
    api.org.schema["Account"].add(
        SField("Gammes__c", "multipicklist", label="Gammes", length=255, picklist=("px", "mx"), custom=True,
               labels={"px": "Pompes PX", "mx": "Mélangeurs MX"}),
        SField("Segment__c", "string", label="Segment", length=80, custom=True))
    return api


def _mapping(tmp_path: Path, custom: str = "{}") -> Path:
    path = tmp_path / "sf.yaml"
    path.write_text(DEMO.read_text(encoding="utf-8").replace("  custom: {}", f"  custom: {custom}"), encoding="utf-8")
    return path


def _accounts(server: SandboxServer, mapping: Path) -> tuple[dict[str, Account], dict[str, int]]:
    connector = build("sf-labels", mapping, sandbox_env(server))
    try:
        found = {a.name: a for a in connector.pull(ObjectKind.ACCOUNTS, None) if isinstance(a, Account)}
        return found, dict(connector.usage().by_endpoint)
    finally:
        connector.close()


class TestReadAsLabels:
    def test_the_picklists_plan_scopes_test_come_as_their_labels(self, tmp_path: Path) -> None:
        """Industry, Type and a custom multi-select picklist come as the labels Salesforce shows (toLabel()); a text
        field and a value with no picklist entry as stored. Seen failing before: industry 'Chemicals'."""
        api = _org()
        api.create("Account", Name="Lyon Chimie", BillingPostalCode="69003", Industry="Chemicals", Type="Partner",
                   Gammes__c="px;mx", Segment__c="Grands comptes")
        api.create("Account", Name="Ancienne valeur", BillingPostalCode="69001", Industry="Textile")
        mapping = _mapping(tmp_path, "{gammes: Gammes__c, segment: Segment__c}")
        with SandboxServer([api]) as server:
            accounts, calls = _accounts(server, mapping)
        lyon = accounts["Lyon Chimie"]
        assert (lyon.industry, lyon.account_type) == ("Chimie", "Partenaire")
        assert {k: v for k, v in lyon.custom.items() if k != HELD_PAC} == {  # (what it holds of pac's: apart)
            "gammes": "Pompes PX;Mélangeurs MX", "segment": "Grands comptes"}
        assert accounts["Ancienne valeur"].industry == "Textile"
        assert calls.get("sobjects") == 1          # Account's describe types the custom fields, once

    def test_the_standard_picklists_cost_no_call(self, tmp_path: Path) -> None:
        """The shipped mappings test Industry and Type only, standard picklists: no describe, the query as before."""
        api = _org()
        api.create("Account", Name="Lyon Chimie", BillingPostalCode="69003", Industry="Chemicals")
        with SandboxServer([api]) as server:
            accounts, calls = _accounts(server, DEMO)
        assert accounts["Lyon Chimie"].industry == "Chimie"
        assert "sobjects" not in calls, calls

    def test_the_accounts_are_read_again_once(self) -> None:
        """The accounts' reading fingerprint changes (an existing install reads every account again once, with
        the labels); the other objects' do not. Seen failing before: the accounts' fingerprint was unchanged."""
        connector = labels_unchanged(build("sf-labels", DEFAULT, {"PAC_SF_AUTH": "session", "PAC_SF_ACCESS_TOKEN": "x",
                                                                "PAC_SF_INSTANCE_URL": "https://example.invalid"}))
        m = connector.mapping
        before = reading_of(READING_RULES, "accounts", m.accounts.model_dump(mode="json"))
        assert connector.reading(ObjectKind.ACCOUNTS) != before
        assert connector.reading(ObjectKind.USERS) == reading_of(READING_RULES, "users", None)
        # the activities' changes with ACTIVITY_RULES alone (all-day events' whole_day), not with the labels
        assert connector.reading(ObjectKind.ACTIVITIES) == reading_of(READING_RULES, "activities",
                                                                      [m.activities.model_dump(
                                                                          mode="json", exclude={"task_date"}),
                                                                       ACTIVITY_RULES])   # task_date at its default

    def test_the_activities_are_read_again_once_for_whole_day_events(self) -> None:
        """The activities' reading fingerprint changed with ``whole_day`` (an existing install reads every activity
        again once, so a stored all-day Event gets the flag and counts once its day is over)."""
        connector = build("sf-labels", DEFAULT, {"PAC_SF_AUTH": "session", "PAC_SF_ACCESS_TOKEN": "x",
                                              "PAC_SF_INSTANCE_URL": "https://example.invalid"})
        before = reading_of(READING_RULES, "activities", connector.mapping.activities.model_dump(mode="json"))
        assert connector.reading(ObjectKind.ACTIVITIES) != before


def _plan(tmp_path: Path, *, connectors: str, hubspot: Path | None = None) -> Any:
    plan = tmp_path / "plan.pac.yaml"
    plan.write_text(f"""\
plan: {{name: "Chimie", year: 2027, timezone: Europe/Paris, currency: EUR, language: fr}}
people:
  - {{email: {JULIE}, name: Julie Martin, role: rep}}
segments:
  - {{id: S-RA, name: Rhone-Alpes, kind: horizontal, scope: {{region: Auvergne-Rhône-Alpes}}}}
axes:
  - id: AX-CHIM
    name: Chimie
    segment: S-RA
    scope: {{industry: Chimie}}
    status: active
    objective: {{additional_revenue: 100000, baseline: 0, margin_rate: 0.3, budget: 10000, expected_roi: 2}}
actions:
  - {{id: A-1, axis: AX-CHIM, text: "Visiter 2 clients", who: {JULIE}, what: {{activity: visit, count: 2}}, \
when: "Q2 2027", status: in_progress}}
""", encoding="utf-8")
    lines = [f"database_url: 'sqlite:///{tmp_path / 'pac.db'}'", "connectors:",
             f"  - {{name: sf-main, crm: salesforce, mapping: '{DEMO}', env_prefix: PAC_SF_}}"]
    if hubspot is not None:
        lines.append(f"  - {{name: hs-main, crm: hubspot, mapping: '{hubspot}', env_prefix: PAC_HS_}}")
    lines += ["plans:", f"  - {{name: chimie, file: '{plan}', connectors: [{connectors}], "
              "as_of: '2027-06-30T18:00:00+02:00'}"]
    settings = tmp_path / "pac.yaml"
    settings.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_settings(settings, env={})


def _salesforce_side() -> SalesforceApi:
    """A Lyon account whose Industry is `Chemicals` « Chimie »: a won opportunity of 10,000 in April 2027, a visit in
    May."""
    sf = SalesforceApi(None)
    julie = sf.create("User", Username=JULIE, Email=JULIE, FirstName="Julie", LastName="Martin", Name="Julie Martin",
                      IsActive=True)
    sf.relabel("Account", "Industry", "Chemicals", "Chimie")
    lyon = sf.create("Account", Name="Lyon Chem SF", BillingPostalCode="69003", BillingCountry="France",
                     Industry="Chemicals", Type="Client", OwnerId=julie)
    sf.create("Opportunity", Name="SF won", AccountId=lyon, OwnerId=julie, StageName="Closed Won",
              CloseDate=date(2027, 4, 10), Amount=Decimal(10000), CurrencyIsoCode="EUR")
    sf.create("Event", Subject="Visite", Type="Visite client", WhatId=lyon, OwnerId=julie,
              ActivityDate=date(2027, 5, 5),
              ActivityDateTime=datetime(2027, 5, 5, 8, tzinfo=UTC), StartDateTime=datetime(2027, 5, 5, 8, tzinfo=UTC),
              EndDateTime=datetime(2027, 5, 5, 9, tzinfo=UTC), Statut__c="Réalisée")
    return sf


class TestCountedInScope:
    def test_a_french_labelled_industry_counts_in_its_scope(self, tmp_path: Path) -> None:
        """`industry: Chimie` on a French org whose account holds `Chemicals` « Chimie »: its 10,000 and its visit
        count. Seen failing before: revenue 0, the visit "hors périmètre" (secteur Chemicals)."""
        settings = _plan(tmp_path, connectors="sf-main")
        with SandboxServer([_salesforce_side()]) as server:
            result = sandbox_sync(settings, server)
        assert not result.errors, result.errors
        assert result.evaluation.axis("AX-CHIM").revenue == Decimal(10000)
        assert result.evaluation.action("A-1").done == 1

    def test_a_plan_spanning_salesforce_and_hubspot_uses_one_word(self, tmp_path: Path) -> None:
        """The audit's F1: HubSpot's CHEMICALS « Chimie » (won 5,000 and 3,000) and Salesforce's Chemicals « Chimie »
        (won 10,000) under one `industry: Chimie` axis: 10,000 + 5,000 + 3,000 = 18,000, two visited accounts. Seen
        failing before: 8,000, the Salesforce account left out silently."""
        hs = HubSpotApi(tier="starter", ten_second_limit=1_000_000)
        julie = hs.add_owner(JULIE, "Julie", "Martin")
        grenoble = hs.add("companies", {"name": "Grenoble Chem HS", "zip": "38000", "country": "France",
                                        "industry": "CHEMICALS", "type": "CUSTOMER", "hubspot_owner_id": julie})
        annecy = hs.add("companies", {"name": "Annecy Chem HS", "zip": "74000", "country": "France",
                                      "industry": "CHEMICALS", "type": "CUSTOMER", "hubspot_owner_id": julie})
        for company, amount in ((grenoble, 5000), (annecy, 3000)):
            hs.add("deals", {"dealname": "HS won", "amount": str(amount), "dealstage": "closedwon",
                             "pipeline": "default", "closedate": "2027-04-12T10:00:00Z", "hubspot_owner_id": julie},
                   companies=(company,))
        hs.add("meetings", {"hubspot_owner_id": julie, "hs_meeting_start_time": "2027-05-03T09:00:00Z",
                            "hs_timestamp": "2027-05-03T09:00:00Z", "hs_meeting_outcome": "COMPLETED",
                            "hs_activity_type": "Visite client", "hs_meeting_title": "Visite"}, companies=(grenoble,))
        settings = _plan(tmp_path, connectors="sf-main, hs-main", hubspot=hubspot_mapping())
        with SandboxServer([_salesforce_side(), hs]) as server:
            result = sandbox_sync(settings, server)
        assert not result.errors, result.errors
        assert result.evaluation.axis("AX-CHIM").revenue == Decimal(18000)
        assert result.evaluation.action("A-1").done == 2


class TestOnlineCheck:
    def test_it_says_the_picklists_are_read_by_label_in_the_users_language(self, tmp_path: Path) -> None:
        """`pac config check MAPPING --online` (``online_notes``): one line per picklist read by its labels, naming
        the integration user's language (``User.LanguageLocaleKey``); a plan value that is an entry's API name is
        told to be written as the label, one matching no label is named. A text field is not mentioned."""
        mapping = _mapping(tmp_path, "{gammes: Gammes__c, segment: Segment__c}")
        plan_values = {"industry": [("plan.pac.yaml axis AX-1", "Chemicals"), ("plan.pac.yaml axis AX-2", "chimie"),
                                    ("plan.pac.yaml axis AX-3", "Pharmaceutiqe")],
                       "custom.gammes": [("plan.pac.yaml axis AX-4", "px")]}
        with SandboxServer([_org()]) as server:
            connector = build("sf-labels", mapping, sandbox_env(server))
            try:
                notes = [n for n in connector.online_notes(plan_values)
                         if not n.startswith(("currency:", "deals.line_family:"))]    # (the lines' family: below)
            finally:
                connector.close()
        assert notes[0].startswith("accounts.industry: Account.Industry is a picklist: pac reads its values as their "
                                   "labels (SOQL toLabel()), in the integration user's language (fr) ('Banque', not "
                                   "'Banking'): write those labels in plan scopes ('Pharmaceutique', "), notes
        assert notes[1] == ("warning: plan.pac.yaml axis AX-1: 'Chemicals' is the API name of the picklist value "
                            "labelled 'Chimie' of Account.Industry: pac reads the label, so write 'Chimie'")
        assert notes[2].startswith("warning: plan.pac.yaml axis AX-3: 'Pharmaceutiqe' matches no label of "
                                   "Account.Industry's picklist") and "did you mean 'Pharmaceutique'?" in notes[2]
        assert notes[3].startswith("accounts.account_type: Account.Type is a picklist")
        assert notes[4].startswith("accounts.custom.gammes: Account.Gammes__c is a multi-select picklist")
        assert "'Pompes PX', not 'px'" in notes[4] and "write 'Pompes PX'" in notes[5]
        assert len(notes) == 6 and not any("Segment__c" in n for n in notes)

    def test_it_says_the_lines_family_is_read_by_label(self, tmp_path: Path) -> None:
        """The lines' family (Product2.Family, `MACH` labelled « Machines »): one line saying it is read by its
        labels; a `product_family` value that is its API name is told to be written as the label, one matching no
        label is named; a `product` value that is its API name is told too (it may still match a code or name), one
        matching no family is not (a code or a name). Seen failing before: nothing said, `product_family: MACH`
        silently matched no line."""
        api = _org()
        api.add_picklist_value("Product2", "Family", "MACH", "Machines")
        plan_values = {"product_family": [("plan.pac.yaml axis AX-1", "MACH"), ("plan.pac.yaml axis AX-2", "machines"),
                                          ("plan.pac.yaml axis AX-3", "Machine")],
                       "product": [("plan.pac.yaml axis AX-4", "mach"), ("plan.pac.yaml axis AX-5", "PX200")]}
        with SandboxServer([api]) as server:
            connector = build("sf-labels", DEMO, sandbox_env(server))
            try:
                notes = [n for n in connector.online_notes(plan_values) if not n.startswith(("accounts.", "currency:"))]
            finally:
                connector.close()
        assert notes[0].startswith("deals.line_family: Product2.Family is a picklist: pac reads a line's family as "
                                   "its label (SOQL toLabel()), in the integration user's language (fr) ('Machines', "
                                   "not 'MACH'): write those labels in product_family and product scopes ("), notes
        assert notes[1] == ("warning: plan.pac.yaml axis AX-1: 'MACH' is the API name of the product family labelled "
                            "'Machines' (Product2.Family): pac reads the label, so write 'Machines'")
        assert notes[2].startswith("warning: plan.pac.yaml axis AX-3: 'Machine' matches no label of Product2.Family's "
                                   "picklist") and "did you mean 'Machines'?" in notes[2]
        assert notes[3].startswith("warning: plan.pac.yaml axis AX-4: 'mach' is the API name of the product family "
                                   "labelled 'Machines'") and "still matches" in notes[3]
        assert len(notes) == 4, notes
