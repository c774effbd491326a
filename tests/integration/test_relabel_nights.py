"""A picklist value relabelled in the CRM (ops2 audit F4): Salesforce Setup shows Industry `Chemicals` as « Industrie
chimique » instead of « Chimie fine », a HubSpot option's label is edited. No record changes, so the nightly incremental
reads left the accounts already stored with the old label until the weekly full read, the figures moving then with
no warning. Each night now asks whether the labels changed (Salesforce: Account's describe with If-Modified-Since,
304 when nothing changed; HubSpot: one batch read of the scope properties); a change is part of the accounts'
reading fingerprint, so that night reads them in full, and a warning names the change and the plan values it left
matching no label. Through the real connectors and pipeline against the sandbox CRMs; Salesforce's describe
answers are scripted with ``responses`` (200, then 304, then 200 with the new label)."""

from __future__ import annotations

import re
import ssl
import urllib.request
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import responses

from pac_config.loader import config_dir
from pac_config.settings import load_settings
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.hubspot.records import _options
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import SandboxServer
from sync_jobs.store import open_store, repo
from tests.fakes import Clock, sandbox_sync

DEMO = config_dir() / "mappings" / "salesforce.demo.yaml"
JULIE = "julie@relabel.example"


def _settings(tmp_path: Path, database_url: str, crm: str, mapping: Path, scope_field: str) -> Any:
    """One plan with two axes on one scope field: AX-OLD on the label « Chimie fine », AX-NEW on « Industrie
    chimique »."""
    plan = tmp_path / "plan.pac.yaml"
    plan.write_text(f"""\
plan: {{name: "Chimie", year: 2027, timezone: Europe/Paris, currency: EUR, language: fr}}
people:
  - {{email: {JULIE}, name: Julie Martin, role: rep}}
segments:
  - {{id: S-FR, name: France, kind: horizontal, scope: {{country: France}}}}
axes:
  - id: AX-OLD
    name: Chimie
    segment: S-FR
    scope: {{{scope_field}: Chimie fine}}
    status: active
    objective: {{additional_revenue: 100000, baseline: 0, margin_rate: 0.3, budget: 10000, expected_roi: 2}}
  - id: AX-NEW
    name: Industrie chimique
    segment: S-FR
    scope: {{{scope_field}: Industrie chimique}}
    status: active
    objective: {{additional_revenue: 100000, baseline: 0, margin_rate: 0.3, budget: 10000, expected_roi: 2}}
actions:
  - {{id: A-1, axis: AX-OLD, text: "Visiter", who: {JULIE}, what: {{activity: visit, count: 2}}, when: "Q2 2027"}}
""", encoding="utf-8")
    settings = tmp_path / "pac.yaml"
    settings.write_text(f"database_url: '{database_url}'\nconnectors:\n"
                        f"  - {{name: main, crm: {crm}, mapping: '{mapping}', reconciliation_days: 7}}\n"
                        f"plans:\n  - {{name: chimie, file: '{plan}', connectors: [main], "
                        "as_of: '2027-06-30T18:00:00+02:00'}\n", encoding="utf-8")
    return load_settings(settings, env={})


def _revenue(result: Any) -> tuple[Decimal, Decimal]:
    assert not result.errors, result.errors
    return result.evaluation.axis("AX-OLD").revenue, result.evaluation.axis("AX-NEW").revenue


def _accounts_full_at(database_url: str) -> datetime | None:
    return repo.watermarks(open_store(database_url), "main")[("main", "accounts")].last_full_at


class _Describes:
    """Account's describe, scripted: each answer is the sandbox org's own (its labels as they stand), except on the
    nights ``unchanged`` is set, when it is 304 Not Modified with no body; every request's If-Modified-Since is
    kept."""

    def __init__(self, server: SandboxServer) -> None:
        self.server = server
        self.unchanged = False
        self.asked: list[str | None] = []
        self.context = ssl.create_default_context(cafile=server.ca_path)

    def __call__(self, request: Any) -> tuple[int, dict[str, str], str]:
        self.asked.append(request.headers.get("If-Modified-Since"))
        date_header = format_datetime(datetime.now(UTC), usegmt=True)
        if self.unchanged:
            return 304, {"Date": date_header}, ""
        headers = {k: v for k, v in request.headers.items() if k.lower() != "if-modified-since"}
        with urllib.request.urlopen(urllib.request.Request(request.url, headers=headers),  # noqa: S310 - the sandbox
                                    context=self.context) as answer:
            return answer.status, {"Date": date_header, "Content-Type": "application/json"}, answer.read().decode()


def _salesforce_org() -> tuple[SalesforceApi, list[datetime]]:
    """Lyon, whose Industry is `Chemicals` « Chimie fine », won 10,000 in April 2027; an account stamped two hours later
    moves the accounts' watermark past Lyon's stamp and its overlap, so an incremental read leaves Lyon unread."""
    sf = SalesforceApi(None)
    crm_now = [datetime.now(UTC).replace(microsecond=0) - timedelta(hours=6)]
    sf.org.now = lambda: crm_now[0]
    julie = sf.create("User", Username=JULIE, Email=JULIE, FirstName="Julie", LastName="Martin", Name="Julie Martin",
                      IsActive=True)
    sf.relabel("Account", "Industry", "Chemicals", "Chimie fine")
    lyon = sf.create("Account", Name="Lyon Chem", BillingPostalCode="69003", BillingCountry="France",
                     Industry="Chemicals", Type="Client", OwnerId=julie)
    sf.create("Opportunity", Name="won", AccountId=lyon, OwnerId=julie, StageName="Closed Won",
              CloseDate=date(2027, 4, 10), Amount=Decimal(10000), CurrencyIsoCode="EUR")
    crm_now[0] += timedelta(hours=2)
    sf.create("Account", Name="Later", BillingPostalCode="75001", BillingCountry="France", Industry="Banking",
              OwnerId=julie)
    crm_now[0] += timedelta(hours=2)
    return sf, crm_now


class TestSalesforce:
    def test_a_relabel_night_reads_the_accounts_in_full_and_a_quiet_night_asks_with_if_modified_since(
            self, tmp_path: Path, database_url: str) -> None:
        """Night 1: describe 200, Lyon's 10,000 counts for « Chimie fine ». Night 2: the describe is asked with
        If-Modified-Since (the date of night 1's answer) and answers 304: one call with no body, the accounts read
        incrementally. Night 3: Industry `Chemicals` relabelled « Industrie chimique » in Setup (Lyon untouched):
        the describe's 200 changes the accounts' reading, they are read in full, Lyon's 10,000 moves to the axis
        written with the new label, and a warning names the field, old -> new, and the plan value left matching
        no label. Seen failing before the fix: night 3 still counted 10,000 for AX-OLD (Lyon stored as « Chimie »
        until the weekly full read)."""
        sf, _crm_now = _salesforce_org()
        settings = _settings(tmp_path, database_url, "salesforce", DEMO, "industry")
        clock = Clock(datetime.now(UTC).replace(microsecond=0))
        with SandboxServer([sf]) as server, responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            describes = _Describes(server)
            rsps.add_callback(responses.GET, re.compile(r".*/sobjects/Account/describe/?$"), callback=describes)
            rsps.add_passthru(re.compile(".*"))

            def night() -> Any:
                result = sandbox_sync(settings, server, provision=False, clock=clock)
                clock.advance(hours=1)
                return result

            first = night()
            assert _revenue(first) == (Decimal(10000), Decimal(0))
            assert describes.asked == [None]                     # nothing kept yet: asked unconditionally
            full_at = _accounts_full_at(database_url)

            describes.unchanged = True
            quiet = night()
            assert _revenue(quiet) == (Decimal(10000), Decimal(0))
            assert len(describes.asked) == 2 and describes.asked[1]          # one conditional describe, no more
            # Account's 304, and Product2's (the labels of the lines' family, read as labels: sffamily F1), 304 too
            assert quiet.api["main"]["by_endpoint"].get("sobjects") == 2
            assert _accounts_full_at(database_url) == full_at                 # no full read of the accounts
            assert not quiet.relabelled

            describes.unchanged = False
            sf.relabel("Account", "Industry", "Chemicals", "Industrie chimique")
            relabel = night()
        assert _revenue(relabel) == (Decimal(0), Decimal(10000))
        assert _accounts_full_at(database_url) != full_at                     # read in full that night
        [warning] = relabel.relabelled
        assert warning.startswith("main: Salesforce shows the picklist value 'Chemicals' of Account.Industry as "
                                  "'Industrie chimique', no longer 'Chimie fine': pac read every account again tonight")
        assert "axes[0].scope.industry: 'Chimie fine' now matches no label" in warning
        assert "write 'Industrie chimique' there" in warning and "pac config check" in warning
        kept = repo.crm_labels(open_store(database_url), "main")
        assert kept is not None and kept["labels"]["Industry"]["Chemicals"] == "Industrie chimique"
        run = repo.runs(open_store(database_url), limit=1)[0]
        assert any(e.startswith("warning: main: Salesforce shows") for e in run.errors)   # `pac status` shows it


def _portal() -> tuple[HubSpotApi, str]:
    """A portal whose custom dropdown `secteur_activite` has the option `chimie` « Chimie fine »; Lyon holds it and won
    10,000 in April 2027; a company changed two hours later."""
    hs = HubSpotApi(tier="starter", ten_second_limit=1_000_000)
    hs.tables["companies"].define("secteur_activite", "enumeration", "select", label="Secteur d'activité",
                                  custom=True,
                                  options=_options((("chimie", "Chimie fine"), ("agro", "Agroalimentaire"))))
    julie = hs.add_owner(JULIE, "Julie", "Martin")
    old = datetime.now(UTC) - timedelta(days=2)
    lyon = hs.add("companies", {"name": "Lyon Chem", "zip": "69003", "country": "France",
                                "secteur_activite": "chimie", "hubspot_owner_id": julie}, modified=old)
    hs.add("deals", {"dealname": "won", "amount": "10000", "dealstage": "closedwon", "pipeline": "default",
                     "closedate": "2027-04-12T10:00:00Z", "hubspot_owner_id": julie}, companies=(lyon,), modified=old)
    # changed two hours later: the companies' watermark passes Lyon's stamp and its overlap (Lyon is not read again)
    hs.add("companies", {"name": "Later", "zip": "75001", "country": "France", "secteur_activite": "agro",
                         "hubspot_owner_id": julie}, modified=old + timedelta(hours=2))
    return hs, lyon


class TestHubSpot:
    def test_a_relabelled_option_reads_the_companies_in_full_and_a_quiet_night_costs_one_small_call(
            self, tmp_path: Path, database_url: str) -> None:
        """Night 1 counts Lyon's 10,000 for « Chimie fine ». Night 2, nothing changed: one batch read of the scope
        property (`properties.companies.labels`), no full read of the companies, no other properties call. Night
        3: the option `chimie` relabelled « Industrie chimique » (Lyon untouched): the companies are read in full,
        the 10,000 moves to the new label's axis, and a warning says so. Seen failing before the fix: night 3 still
        counted 10,000 for AX-OLD."""
        hs, _lyon = _portal()
        mapping = tmp_path / "hubspot.yaml"
        mapping.write_text("crm: hubspot\ncompanies:\n  industry: secteur_activite\n", encoding="utf-8")
        settings = _settings(tmp_path, database_url, "hubspot", mapping, "industry")
        clock = Clock(datetime.now(UTC).replace(microsecond=0))
        with SandboxServer([hs]) as server:
            def night(provision: bool = False) -> Any:      # provisioned once: its calls are not a night's
                result = sandbox_sync(settings, server, clock=clock, provision=provision)
                clock.advance(hours=1)
                return result

            assert _revenue(night(provision=True)) == (Decimal(10000), Decimal(0))
            full_at = _accounts_full_at(database_url)
            quiet = night()
            assert _revenue(quiet) == (Decimal(10000), Decimal(0))
            calls = quiet.api["main"]["by_endpoint"]
            assert calls.get("properties.companies.labels") == 1 and "properties.companies" not in calls, calls
            assert _accounts_full_at(database_url) == full_at
            assert not quiet.relabelled

            options = hs.tables["companies"].properties["secteur_activite"]["options"]
            next(o for o in options if o["value"] == "chimie")["label"] = "Industrie chimique"
            relabel = night()
        assert _revenue(relabel) == (Decimal(0), Decimal(10000))
        assert _accounts_full_at(database_url) != full_at
        [warning] = relabel.relabelled
        assert warning.startswith("main: HubSpot shows the option 'chimie' of the company property secteur_activite "
                                  "as 'Industrie chimique', no longer 'Chimie fine'")
        assert "axes[0].scope.industry: 'Chimie fine' now matches no label" in warning


def _family_settings(tmp_path: Path, database_url: str, crm: str = "salesforce", mapping: Path = DEMO) -> Any:
    """One plan with two product axes: AX-OLD on the family label « Machines », AX-NEW on « Machines spéciales »."""
    plan = tmp_path / "plan.pac.yaml"
    plan.write_text(f"""\
plan: {{name: "Machines", year: 2027, timezone: Europe/Paris, currency: EUR, language: fr}}
people:
  - {{email: {JULIE}, name: Julie Martin, role: rep}}
segments:
  - {{id: S-FR, name: France, kind: horizontal, scope: {{country: France}}}}
axes:
  - id: AX-OLD
    name: Machines
    segment: S-FR
    scope: {{product_family: Machines}}
    status: active
    objective: {{additional_revenue: 100000, baseline: 0, margin_rate: 0.3, budget: 10000, expected_roi: 2}}
  - id: AX-NEW
    name: Machines spéciales
    segment: S-FR
    scope: {{product_family: Machines spéciales}}
    status: active
    objective: {{additional_revenue: 100000, baseline: 0, margin_rate: 0.3, budget: 10000, expected_roi: 2}}
actions:
  - {{id: A-1, axis: AX-OLD, text: "Visiter", who: {JULIE}, what: {{activity: visit, count: 2}}, when: "Q2 2027"}}
""", encoding="utf-8")
    settings = tmp_path / "pac.yaml"
    settings.write_text(f"database_url: '{database_url}'\nconnectors:\n"
                        f"  - {{name: main, crm: {crm}, mapping: '{mapping}', reconciliation_days: 7}}\n"
                        f"plans:\n  - {{name: machines, file: '{plan}', connectors: [main], "
                        "as_of: '2027-06-30T18:00:00+02:00'}\n", encoding="utf-8")
    return load_settings(settings, env={})


class TestSalesforceFamily:
    def test_a_relabelled_family_reads_the_deals_in_full_that_night(self, tmp_path: Path, database_url: str) -> None:
        """Product2.Family `MACH` is labelled « Machines »; Lyon's won deal holds a MACH line of 6,000. Night 1 counts
        it for AX-OLD (« Machines »). Night 2, nothing changed: Product2's describe is asked with If-Modified-Since
        (304, no body) and the deals are read incrementally. Then `MACH` is relabelled « Machines spéciales » in
        Setup: no opportunity, line nor product changes. Night 3 must count the 6,000 for AX-NEW, the label users now
        see, not keep the stored line's old label until the weekly full read, and warn naming the plan value left on
        the old label. Seen failing before the family's labels were part of the deals' reading: night 3 still counted
        6,000 for AX-OLD, 0 for AX-NEW."""
        sf = SalesforceApi(None)
        crm_now = [datetime.now(UTC).replace(microsecond=0) - timedelta(hours=6)]
        sf.org.now = lambda: crm_now[0]
        julie = sf.create("User", Username=JULIE, Email=JULIE, FirstName="Julie", LastName="Martin",
                          Name="Julie Martin", IsActive=True)
        sf.add_picklist_value("Product2", "Family", "MACH", "Machines")
        press = sf.create("Product2", Name="Presse P40", ProductCode="P40", Family="MACH", IsActive=True)
        lyon = sf.create("Account", Name="Lyon", BillingPostalCode="69003", BillingCountry="France", OwnerId=julie)
        won = sf.create("Opportunity", Name="won", AccountId=lyon, OwnerId=julie, StageName="Closed Won",
                        CloseDate=date(2027, 4, 10), Amount=Decimal(6000))
        sf.create("OpportunityLineItem", OpportunityId=won, Product2Id=press, Quantity=1, UnitPrice=Decimal(6000),
                  TotalPrice=Decimal(6000))
        crm_now[0] += timedelta(hours=2)
        later = sf.create("Account", Name="Later", BillingPostalCode="75001", BillingCountry="France", OwnerId=julie)
        sf.create("Opportunity", Name="later", AccountId=later, OwnerId=julie, StageName="Prospecting",
                  CloseDate=date(2027, 9, 10), Amount=Decimal(1000))     # moves the deals' watermark past Lyon's
        crm_now[0] += timedelta(hours=2)
        settings = _family_settings(tmp_path, database_url)
        clock = Clock(datetime.now(UTC).replace(microsecond=0))
        with SandboxServer([sf]) as server:
            first = sandbox_sync(settings, server, provision=False, clock=clock)
            assert _revenue(first) == (Decimal(6000), Decimal(0))
            full_at = _deals_full_at(database_url)
            kept = repo.crm_labels(open_store(database_url), "main")
            assert kept is not None and kept["family"]["labels"]["Product2.Family"]["MACH"] == "Machines"
            clock.advance(hours=1)
            quiet = sandbox_sync(settings, server, provision=False, clock=clock)
            assert _revenue(quiet) == (Decimal(6000), Decimal(0))
            assert _deals_full_at(database_url) == full_at and not quiet.relabelled   # read incrementally
            clock.advance(hours=1)
            sf.relabel("Product2", "Family", "MACH", "Machines spéciales")
            relabel = sandbox_sync(settings, server, provision=False, clock=clock)
        assert _revenue(relabel) == (Decimal(0), Decimal(6000))
        assert _deals_full_at(database_url) != full_at                        # read in full that night
        [warning] = relabel.relabelled
        assert warning.startswith("main: Salesforce shows the product family 'MACH' of Product2.Family as 'Machines "
                                  "spéciales', no longer 'Machines': pac read every deal again tonight")
        assert "axes[0].scope.product_family: 'Machines' now matches no label" in warning
        assert "write 'Machines spéciales' there" in warning


def _deals_full_at(database_url: str) -> datetime | None:
    return repo.watermarks(open_store(database_url), "main")[("main", "deals")].last_full_at


class TestHubSpotFamily:
    def test_a_relabelled_family_option_is_warned_of_naming_the_plan_value(self, tmp_path: Path,
                                                                          database_url: str) -> None:
        """The line items' dropdown `famille` (the mapping's line_family) has the option `mach` « Machines »; Lyon's
        won deal holds a `mach` line of 6,000, counted for AX-OLD (« Machines »). The option is relabelled
        « Machines spéciales » (no line item changes): that night reads the deals in full, the 6,000 moves to AX-NEW,
        and the run warns naming the plan value left on the old label, as a company dropdown's relabel and
        Salesforce's Product2.Family do. Seen failing before (left by audit sffamily): the figures moved with no
        warning (``relabelled`` empty)."""
        shipped = config_dir() / "mappings" / "hubspot.default.yaml"
        text = shipped.read_text(encoding="utf-8")
        assert "  line_family: null " in text
        mapping = tmp_path / "hubspot.yaml"
        mapping.write_text(text.replace("  line_family: null ", "  line_family: famille "), encoding="utf-8")
        hs = HubSpotApi(tier="starter", ten_second_limit=1_000_000)
        hs.tables["line_items"].define("famille", "enumeration", "select", label="Famille", custom=True,
                                       options=_options((("mach", "Machines"), ("pomp", "Pompes"))))
        julie = hs.add_owner(JULIE, "Julie", "Martin")
        old = datetime.now(UTC) - timedelta(days=2)
        lyon = hs.add("companies", {"name": "Lyon", "zip": "69003", "country": "France", "hubspot_owner_id": julie},
                      modified=old)
        deal = hs.add("deals", {"dealname": "P40", "amount": "6000", "dealstage": "closedwon", "pipeline": "default",
                                "closedate": "2027-04-12T10:00:00Z", "hubspot_owner_id": julie,
                                "deal_currency_code": "EUR"}, companies=(lyon,), modified=old)
        line = hs.add("line_items", {"name": "Presse P40", "hs_sku": "P40", "quantity": "1", "amount": "6000",
                                     "famille": "mach"}, modified=old)
        hs.associate("deals", deal, "line_items", line)
        settings = _family_settings(tmp_path, database_url, "hubspot", mapping)
        clock = Clock(datetime.now(UTC).replace(microsecond=0))
        with SandboxServer([hs]) as server:
            first = sandbox_sync(settings, server, clock=clock, provision=True)
            assert _revenue(first) == (Decimal(6000), Decimal(0))
            clock.advance(hours=1)
            quiet = sandbox_sync(settings, server, clock=clock)
            assert _revenue(quiet) == (Decimal(6000), Decimal(0)) and not quiet.relabelled
            clock.advance(hours=1)
            hs.tables["line_items"].define("famille", "enumeration", "select", label="Famille", custom=True,
                                           options=_options((("mach", "Machines spéciales"), ("pomp", "Pompes"))))
            relabel = sandbox_sync(settings, server, clock=clock)
        assert _revenue(relabel) == (Decimal(0), Decimal(6000))
        [warning] = relabel.relabelled
        assert warning.startswith("main: HubSpot shows the option 'mach' of the line item property famille as "
                                  "'Machines spéciales', no longer 'Machines': pac read every deal again tonight")
        assert "axes[0].scope.product_family: 'Machines' now matches no label" in warning
        assert "write 'Machines spéciales' there" in warning
