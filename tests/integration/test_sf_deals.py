"""Which opportunities are deals pac counts, and what "won" means, on a Salesforce org read through simple-salesforce
against the sandbox CRM: won stages checked against StageName's picklist (values, not labels), opportunities of a
record type left out (``deals.exclude`` / ``deals.where``), figures worked out by hand, an incremental night where a
deal moves into the excluded record type (ops audit F2 and F3)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from connectors.base import MappingRefused, ObjectKind, SchemaError
from connectors.retry import RetryPolicy
from connectors.salesforce.connector import SalesforceConnector, build
from connectors.salesforce.mapping import check_mapping_online, load_mapping
from pac_config.loader import config_dir
from pac_core.engine import evaluate
from pac_core.plan import Segment, SegmentKind
from pac_core.records import Account, Deal, Records, User
from pac_core.scopes import parse_scope
from pac_core.window import Window
from sandbox_crm.run import sandbox_env
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import SandboxServer
from sync_jobs.store import open_store, repo
from sync_jobs.store import records as store_records
from tests.integration.sf_runs import SfRuns
from tests.unit.test_engine_support import JULIE, PARIS, action, axis, plan

DEMO = config_dir() / "mappings" / "salesforce.demo.yaml"
NO_WAIT = RetryPolicy(max_attempts=4, sleep=lambda _s: None, jitter=lambda: 0.0)
APRIL = Window(datetime(2027, 4, 1, tzinfo=PARIS), datetime(2027, 5, 1, tzinfo=PARIS), "avril")
SEG = Segment("SEG", "Rhône", SegmentKind.HORIZONTAL, parse_scope({"departement": "69"}))
PARTNER = "{RecordType.DeveloperName: [Partner_Deal]}"


@dataclass
class Org:
    """A small org: Julie, one Lyon account, the record types Standard and Partner_Deal (labelled « Partenaire »),
    « Closed Won » relabelled « Gagnée », and four deals won in April 2027:

    ====  ============  ========  ==========================================
    O1    Standard      20,000    lines PX200 15,000 + MAINT 5,000
    O2    (none)         8,000    created before the org had record types
    O3    Partner_Deal  50,000    line MAINT 50,000: the partner deal
    O4    Standard      12,000    moved into Partner_Deal on night 2
    ====  ============  ========  ==========================================
    """

    api: SalesforceApi
    server: SandboxServer
    ids: dict[str, str]

    def mapping(self, tmp_path: Path, deals: str = "", won_stages: str = "[]") -> Path:
        """The demo mapping with ``deals`` (lines added under ``deals:``) and ``won_stages``."""
        text = DEMO.read_text(encoding="utf-8")
        assert "  won_stages: []\n" in text
        path = tmp_path / f"m{len(list(tmp_path.glob('m*.yaml')))}.yaml"
        path.write_text(text.replace("  won_stages: []\n", f"  won_stages: {won_stages}\n{deals}"), encoding="utf-8")
        return path

    def connector(self, mapping: Path) -> SalesforceConnector:
        return build("sf-main", mapping, sandbox_env(self.server), policy=NO_WAIT)


@pytest.fixture
def org() -> Iterator[Org]:
    api = SalesforceApi(None)
    with SandboxServer([api]) as server:
        julie = api.create("User", Username=JULIE, Email=JULIE, FirstName="Julie", LastName="Martin",
                           Name="Julie Martin", IsActive=True)
        lyon = api.create("Account", Name="Lyon A", BillingPostalCode="69003", OwnerId=julie)
        pump = api.create("Product2", Name="Pompe PX200", ProductCode="PX200", Family="Pompes", IsActive=True)
        maint = api.create("Product2", Name="Maintenance", ProductCode="MAINT", Family="Maintenance", IsActive=True)

        def deal(name: str, amount: int, day: int, record_type: str | None,
                 lines: tuple[tuple[str, int], ...] = ()) -> str:
            opp = api.create("Opportunity", Name=name, AccountId=lyon, OwnerId=julie, StageName="Closed Won",
                             CloseDate=date(2027, 4, day), Amount=Decimal(amount), CurrencyIsoCode="EUR",
                             RecordTypeId=record_type)
            for product, price in lines:
                api.create("OpportunityLineItem", OpportunityId=opp, Product2Id=product, Quantity=1,
                           UnitPrice=Decimal(price), TotalPrice=Decimal(price))
            return opp

        o2 = deal("O2", 8000, 12, None)                      # before the org had record types
        standard = api.add_record_type("Opportunity", "Standard", "Standard")
        partner = api.add_record_type("Opportunity", "Partner_Deal", "Partenaire")
        api.relabel("Opportunity", "StageName", "Closed Won", "Gagnée")
        ids = {"O1": deal("O1", 20000, 10, standard, ((pump, 15000), (maint, 5000))), "O2": o2,
               "O3": deal("O3", 50000, 15, partner, ((maint, 50000),)), "O4": deal("O4", 12000, 20, standard),
               "standard": standard, "partner": partner, "julie": julie}
        yield Org(api, server, ids)


def _records(deals: list[Any], accounts: list[Any], users: list[Any]) -> Records:
    # the plan's people are matched by e-mail: Julie is the owner of every deal here
    return Records(accounts=tuple(a for a in accounts if isinstance(a, Account)),
                   deals=tuple(d for d in deals if isinstance(d, Deal)),
                   users=tuple(replace(u, email=JULIE) for u in users if isinstance(u, User)))


def _pulled(connector: SalesforceConnector) -> Records:
    try:
        return _records(*(list(connector.pull(kind, None, full=True))
                          for kind in (ObjectKind.DEALS, ObjectKind.ACCOUNTS, ObjectKind.USERS)))
    finally:
        connector.close()


def _stored(database_url: str) -> Records:
    engine = open_store(database_url)
    return _records(*(list(store_records.iter_records(engine, ["sf-main"], kind))
                      for kind in ("deals", "accounts", "users")))


def _april(records: Records, scope: dict[str, Any] | None = None) -> Decimal:
    """The won revenue an axis on the Rhône counts in April 2027 (baseline 0), on products ``scope`` if given."""
    ax = axis("AX", "SEG", scope=parse_scope(scope or {}), baseline="0")
    ax = replace(ax, objective=replace(ax.objective, period=APRIL))
    return evaluate(plan(action(axis_id="AX"), axes=(ax,), segments=(SEG,)), records,
                    as_of=datetime(2027, 6, 1, tzinfo=PARIS)).axis("AX").revenue


class TestWonStages:
    def test_the_default_reads_isWon_which_follows_a_relabelled_stage(self, org: Org, tmp_path: Path) -> None:
        """« Closed Won » relabelled « Gagnée »: records keep StageName 'Closed Won' and IsWon true, so the default
        (``won: IsWon``, no won_stages) counts every won deal: 20,000 + 8,000 + 50,000 + 12,000 = 90,000; and
        ``won_stages: ['Closed Won']`` (the value) the same."""
        assert _april(_pulled(org.connector(org.mapping(tmp_path)))) == Decimal("90000")
        assert _april(_pulled(org.connector(org.mapping(tmp_path, won_stages="['Closed Won']")))) == Decimal("90000")

    def test_a_won_stage_written_as_its_label_or_misspelt_is_reported_online(self, org: Org, tmp_path: Path) -> None:
        """``won_stages: ['Gagnée']`` (the label) and ``['Gagnee']`` (the label without its accent) win no deal: every
        axis's revenue 0. The online check said "mapping OK" for both (seen failing before: no problem reported,
        ops audit F2); it now names the key, the line and the value to write."""
        mapping = org.mapping(tmp_path, won_stages="['Gagnée', 'Gagnee', 'Closed Wonn']")
        with pytest.raises(MappingRefused):     # the night stops at the key (audit opsmap); it read a revenue of 0
            _pulled(org.connector(mapping))
        connector = org.connector(mapping)
        try:
            problems = check_mapping_online(load_mapping(mapping), connector, mapping)
        finally:
            connector.close()
        line = next(i for i, text in enumerate(mapping.read_text(encoding="utf-8").splitlines(), 1)
                    if text.startswith("  won_stages:"))
        assert [(p.path, p.line, p.message, p.fix) for p in problems] == [
            ("deals.won_stages[0]", line, "StageName value 'Gagnée' is the label of Opportunity.StageName's picklist "
             "value 'Closed Won': records hold the value, not the label", "write the value: 'Closed Won'"),
            ("deals.won_stages[1]", line, "StageName value 'Gagnee' matches no picklist value of "
             "Opportunity.StageName", "did you mean 'Closed Won', labelled 'Gagnée'?"),
            ("deals.won_stages[2]", line, "StageName value 'Closed Wonn' matches no picklist value of "
             "Opportunity.StageName", "did you mean 'Closed Won', labelled 'Gagnée'?")]
        assert all(p.file == str(mapping) for p in problems)

    def test_won_stages_written_as_values_check_clean(self, org: Org, tmp_path: Path) -> None:
        mapping = org.mapping(tmp_path, won_stages="['Closed Won']")
        connector = org.connector(mapping)
        try:
            assert check_mapping_online(load_mapping(mapping), connector) == []
        finally:
            connector.close()


class TestRecordTypeFilter:
    def test_the_partner_deal_is_left_out_of_every_figure(self, org: Org, tmp_path: Path) -> None:
        """Hand-computed: without a filter the axis counts 20,000 + 8,000 + 50,000 + 12,000 = 90,000 and its MAINT
        lines 5,000 + 50,000 = 55,000; with ``exclude: {RecordType.DeveloperName: [Partner_Deal]}`` the partner deal
        O3 goes, its line with it: 40,000 and 5,000; O2, which has no record type, still counts (an empty field
        excludes nothing). With ``where: {RecordType.DeveloperName: [Standard]}`` only O1 and O4 count: 32,000 (an
        empty field matches no ``where``). Seen failing before: the key ``exclude`` was refused (unknown key), and
        no mapping could leave the 50,000 out (ops audit F3)."""
        plain = _pulled(org.connector(org.mapping(tmp_path)))
        assert (_april(plain), _april(plain, {"product": "MAINT"})) == (Decimal("90000"), Decimal("55000"))
        excluding = org.connector(org.mapping(tmp_path, f"  exclude: {PARTNER}\n"))
        records = _pulled(excluding)
        assert (_april(records), _april(records, {"product": "MAINT"})) == (Decimal("40000"), Decimal("5000"))
        [o3] = [d for d in records.deals if d.id == org.ids["O3"]]
        assert o3.deleted and o3.lines == () and excluding.skipped == {"deals_exclude": 1}
        only = _pulled(org.connector(org.mapping(tmp_path, "  where: {RecordType.DeveloperName: [Standard]}\n")))
        assert _april(only) == Decimal("32000")
        assert {d.id for d in only.deals if not d.deleted} == {org.ids["O1"], org.ids["O4"]}

    def test_the_sandbox_filters_and_selects_the_record_type_as_the_api_does(self, org: Org) -> None:
        """``RecordType.DeveloperName`` in SELECT (nested under ``RecordType``, null for a deal without one) and in
        WHERE through simple-salesforce; ``RecordTypeId`` on an object without record types is "No such column"."""
        connector = org.connector(DEMO)
        try:
            rows = [r for page in connector.client.query_pages(
                "SELECT Id, RecordType.DeveloperName, RecordType.Name FROM Opportunity ORDER BY Name") for r in page]
            assert [(r["RecordType"] or {}).get("DeveloperName") for r in rows] == [
                "Standard", None, "Partner_Deal", "Standard"]
            assert rows[2]["RecordType"]["Name"] == "Partenaire"
            partner = [r["Id"] for page in connector.client.query_pages(
                "SELECT Id FROM Opportunity WHERE RecordType.DeveloperName = 'Partner_Deal'") for r in page]
            assert partner == [org.ids["O3"]]
            with pytest.raises(SchemaError, match="RecordTypeId"):
                list(connector.client.query_pages("SELECT Id, RecordTypeId FROM Account"))
        finally:
            connector.close()

    def test_online_check_of_the_filter(self, org: Org, tmp_path: Path) -> None:
        """The filter's fields must exist (relationship paths followed) and its values be the org's: a record type's
        label written for its API name, a misspelt record type, a picklist value the field lacks are each reported at
        their key; the right filter checks clean."""
        good = org.mapping(tmp_path, f"  exclude: {PARTNER}\n")
        bad = org.mapping(tmp_path, "  exclude: {RecordType.DeveloperName: [Partenaire, Partner_Dael], "
                                    "RecordType.DeveloperNam: [X], Type: ['New Busines']}\n")
        connector = org.connector(good)
        try:
            assert check_mapping_online(load_mapping(good), connector, good) == []
            problems = {p.path: (p.message, p.fix) for p in check_mapping_online(load_mapping(bad), connector, bad)}
        finally:
            connector.close()
        assert problems == {
            "deals.exclude.RecordType.DeveloperName[0]": (
                "record type API name 'Partenaire' is the label of record type 'Partner_Deal': records hold the API "
                "name, not the label", "write the API name: 'Partner_Deal'"),
            "deals.exclude.RecordType.DeveloperName[1]": (
                "record type API name 'Partner_Dael' matches no record type of Opportunity",
                "did you mean 'Partner_Deal', labelled 'Partenaire'?"),
            "deals.exclude.RecordType.DeveloperNam": (
                "RecordType has no field 'DeveloperNam' the integration user can see",
                "if DeveloperNam is the field you mean, field-level security hides it: grant the integration user "
                "read access to RecordType.DeveloperNam (a permission set); otherwise, did you mean 'DeveloperName'?"),
            "deals.exclude.Type[0]": ("Type value 'New Busines' matches no picklist value of Opportunity.Type",
                                      "did you mean 'New Business'?")}


def test_a_record_type_filter_on_an_org_without_record_types_says_so(tmp_path: Path) -> None:
    """An org with no record type on Opportunity has no RecordTypeId: the check says that (docs audit F3: it said
    "Opportunity has no field 'DeveloperName'", sending the admin after a field that exists on RecordType)."""
    with SandboxServer([SalesforceApi(None)]) as server:
        text = DEMO.read_text(encoding="utf-8")
        mapping = tmp_path / "m.yaml"
        mapping.write_text(text.replace("  won_stages: []\n", f"  won_stages: []\n  exclude: {PARTNER}\n"),
                           encoding="utf-8")
        connector = build("sf-main", mapping, sandbox_env(server), policy=NO_WAIT)
        try:
            problems = [(p.path, p.message, p.fix) for p in check_mapping_online(load_mapping(mapping), connector,
                                                                                 mapping)]
        finally:
            connector.close()
    assert problems == [("deals.exclude.RecordType.DeveloperName",
                         "Opportunity has no record types in this org (no RecordTypeId field), so "
                         "RecordType.DeveloperName holds nothing",
                         "leave this condition out, or create the record types first")]


def test_a_deal_moved_into_the_excluded_record_type_stops_counting_the_next_night(org: Org, tmp_path: Path,
                                                                                  database_url: str) -> None:
    """Through the pipeline and the store. Night 1 (full read): 20,000 + 8,000 + 12,000 = 40,000 (O3, the partner
    deal, left out). During the day O4 (12,000) is moved into the partner record type: night 2 reads deals
    incrementally, sees O4 (its SystemModstamp moved) and stores it as left out: 28,000. Then O3 is moved back to
    Standard: night 3, 78,000. A filter in the SOQL WHERE alone would never have read O4 again, and its 12,000 would
    have counted until the next full reconciliation."""
    runs = SfRuns(tmp_path, database_url, org.server, org.mapping(tmp_path, f"  exclude: {PARTNER}\n"))
    runs.crm_now[0] = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    runs.sync()
    assert _april(_stored(database_url)) == Decimal("40000")
    full_at = {obj: m.last_full_at for (_, obj), m in repo.watermarks(open_store(database_url), "sf-main").items()}

    runs.crm_now[0] += timedelta(hours=1)
    org.api.edit("Opportunity", org.ids["O4"], RecordTypeId=org.ids["partner"])
    runs.sync()
    stored = _stored(database_url)
    assert _april(stored) == Decimal("28000")
    assert {d.id for d in stored.deals if d.deleted} == {org.ids["O3"], org.ids["O4"]}
    marks = repo.watermarks(open_store(database_url), "sf-main")
    assert marks[("sf-main", "deals")].last_full_at == full_at["deals"]     # an incremental read of deals

    runs.crm_now[0] += timedelta(hours=1)
    org.api.edit("Opportunity", org.ids["O3"], RecordTypeId=org.ids["standard"])
    runs.sync()
    assert _april(_stored(database_url)) == Decimal("78000")


def test_a_product_reclassified_moves_its_lines_the_next_night(org: Org, tmp_path: Path, database_url: str) -> None:
    """revenue audit F4. The admin moves product PX200 from Family « Pompes » to « Maintenance » (a catalogue
    reclassification): no opportunity's SystemModstamp moves (the Product2's own does). The next incremental night
    reads the Product2 rows changed since the watermark (one query, empty on a quiet night) and reads again the
    opportunities with a line of a product whose mapped field changed: a product axis on « Maintenance » counts
    O1's 15,000 line the next morning, not after the weekly full read. Seen failing before the fix: 5,000 (O1's
    MAINT line only; PX200 kept « Pompes ») until the next full reconciliation, no deal read again."""
    runs = SfRuns(tmp_path, database_url, org.server, org.mapping(tmp_path, f"  exclude: {PARTNER}\n"))
    runs.crm_now[0] = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    # an open deal stamped an hour after the seeded ones: the watermark leaves those out of the overlap re-read
    org.api.create("Opportunity", Name="O6", AccountId=next(r["Id"] for r in org.api.rows("Account")),
                   OwnerId=org.ids["julie"], StageName="Prospecting", CloseDate=date(2027, 9, 1),
                   Amount=Decimal(1000), CurrencyIsoCode="EUR")
    runs.sync()
    maintenance = {"product_family": "Maintenance"}
    assert _april(_stored(database_url), maintenance) == Decimal("5000")
    full_at = repo.watermarks(open_store(database_url), "sf-main")[("sf-main", "deals")].last_full_at
    pump = next(r["Id"] for r in org.api.rows("Product2") if r["ProductCode"] == "PX200")

    runs.sync()                                          # a quiet night: the Product2 query finds nothing
    quiet = runs.calls[-1]
    runs.crm_now[0] += timedelta(hours=2)
    org.api.edit("Product2", pump, Family="Maintenance")
    runs.sync()
    assert repo.watermarks(open_store(database_url), "sf-main")[("sf-main", "deals")].last_full_at == full_at
    assert _april(_stored(database_url), maintenance) == Decimal("20000")
    # the reclassification night costs two calls more than a quiet one: PX200's lines, then their opportunities
    assert runs.calls[-1].get("query", 0) == quiet.get("query", 0) + 1
    assert runs.calls[-1].get("queryAll", 0) == quiet.get("queryAll", 0) + 1


def test_a_deleted_line_item_is_not_counted(org: Org, tmp_path: Path) -> None:
    """sfemu audit F1. O1's PX200 line (15,000) is deleted (its opportunity's Amount rolls back to 5,000). Deals are
    read with ``queryAll``, which returns deleted rows, and nothing in Salesforce's documentation limits that to the
    outer object: the sandbox returns the deleted line in the ``OpportunityLineItems`` subquery, as a queryAll may,
    and pac's subquery asks for live lines only (``WHERE IsDeleted = false``). A PX200 axis counts 0 in April, the
    whole Rhône 25,000 (O1's Amount 5,000, O2, O4; O3 is the excluded partner deal). Seen failing before the fix:
    O1 kept its 2 lines, PX200 counted 15,000 (the deleted line)."""
    pump_line = next(r["Id"] for r in org.api.rows("OpportunityLineItem")
                     if r["OpportunityId"] == org.ids["O1"] and r["TotalPrice"] == Decimal(15000))
    org.api.delete("OpportunityLineItem", pump_line)
    pulled = _pulled(org.connector(org.mapping(tmp_path, f"  exclude: {PARTNER}\n")))
    [o1] = [d for d in pulled.deals if d.id == org.ids["O1"]]
    assert [(line.amount, line.code) for line in o1.lines] == [(Decimal(5000), "MAINT")]
    assert _april(pulled, {"product": "PX200"}) == Decimal(0)
    assert _april(pulled) == Decimal("25000")       # O1 5,000 (its Amount) + O2 8,000 + O4 12,000
