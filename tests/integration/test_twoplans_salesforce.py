"""Two sales managers, two plans, one Salesforce org (audit twoplans, 7 Dec 2026): the France plan (calendar 2027,
Europe/Paris, EUR) and the Québec plan (1 April 2027 - 31 March 2028, America/Toronto, CAD) on one multi-currency org
(corporate EUR, 1 EUR = 1.50 CAD), both with an axis AX-KEY, through pac's real Salesforce connector and sync pipeline
against the org emulated from Salesforce's documentation (``sf_docs_emulator``).

Hand expectations (``twoplans_org``, written before the first run; the report's section 1): FR-A1 2 / 3 (K1, 31 March
23:30 Toronto, is 1 April in Paris), FR-A2 2 / 2, QC-A1 3 / 4 (K3, 1 May 01:30 Paris, is 30 April in Toronto), QC-A2
2 / 2; FR AX-KEY 38,666.67 EUR (CAD 30,000 / 1.5 + CAD 10,000 / 1.5 rounded + EUR 12,000), AX-RA 17,000.00 EUR; QC
AX-KEY 58,000.00 CAD (EUR 12,000 x 1.5), AX-QC 40,000.00 CAD; each account's PAC_Axes__c the union of both plans',
AX-KEY qualified by plan, the Québec plan's keys first (started last); no write on a night with no change, none when one
plan's file cannot be read, and the France plan's axes off once its period is over.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import yaml
from click.testing import CliRunner

from connectors.salesforce.connector import build
from connectors.salesforce.mapping import default_mapping_path
from sync_jobs import pipeline
from sync_jobs.cli import main
from sync_jobs.run_context import RunResult
from tests.fakes import Clock
from tests.integration import sf_docs_emulator
from tests.integration.sf_docs_emulator import ENV, DocsOrg, add_pac_objects, serve
from tests.integration.sf_runs import NO_WAIT
from tests.integration.twoplans_org import (
    ACCOUNTS,
    AFTER_FR_END,
    BOTH,
    CAD_PER_EUR,
    COST_TO_DATE,
    COUNTS,
    DEALS,
    FR,
    FR_FIRST_ALONE,
    N1,
    N1B,
    N2,
    N3,
    N3B,
    QC,
    QC_FIRST_ALONE,
    QC_PLAN,
    REVENUE,
    ROI,
    VISITS,
    settings,
)

PLAN_NAMES = {FR: "france", QC: "quebec"}


def _patch(mp: pytest.MonkeyPatch) -> None:
    for name in ("Opportunity", "Account", "OpportunityLineItem"):
        mp.setitem(sf_docs_emulator.SCHEMA, name, {**sf_docs_emulator.SCHEMA[name], "CurrencyIsoCode": "picklist"})
    for name in ("PAC_Axis__c", "PAC_Action__c"):
        if name in sf_docs_emulator.SCHEMA:
            mp.setitem(sf_docs_emulator.SCHEMA, name, sf_docs_emulator.SCHEMA[name])
    mp.setitem(sf_docs_emulator.PICKLISTS, ("Opportunity", "CurrencyIsoCode"), ["EUR", "CAD"])
    mp.setitem(sf_docs_emulator.PICKLISTS, ("Account", "Type"),
               [*sf_docs_emulator.PICKLISTS[("Account", "Type")], "Grand compte", "Client"])


def _mapping(tmp: Path) -> Path:
    """The shipped mapping, the deals' currency read (a multi-currency org)."""
    text = default_mapping_path().read_text(encoding="utf-8")
    assert "currency_field: null " in text
    path = tmp / "salesforce.twoplans.yaml"
    path.write_text(text.replace("currency_field: null ", "currency_field: CurrencyIsoCode ", 1), encoding="utf-8")
    return path


def build_org(stamp: datetime = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)) -> tuple[DocsOrg, dict[str, str]]:
    """The org, every record last modified at ``stamp`` (before the first night synced)."""
    org = DocsOrg(page_size=200)
    org.multi_currency = True
    org.now = datetime(2027, 6, 14, 12, 0, tzinfo=UTC)
    org.add("User", Id="005000000000INTAAA", Username="integration@vega.example", Email="integration@vega.example",
            Name="Integration", LastName="Integration", IsActive=True, UserType="Standard", LanguageLocaleKey="fr")
    users = {rep: org.add("User", Username=f"{rep}@vega.example", Email=f"{rep}@vega.example", Name=rep.title(),
                          FirstName=rep.title(), LastName="X", IsActive=True, UserType="Standard")
             for rep in ("karim", "julie", "luc")}
    for iso, rate in (("EUR", 1.0), ("CAD", float(CAD_PER_EUR))):
        org.add("CurrencyType", IsoCode=iso, ConversionRate=rate, DecimalPlaces=2, IsActive=True,
                IsCorporate=iso == "EUR")
        org.add("DatedConversionRate", IsoCode=iso, ConversionRate=rate, StartDate=date(1, 1, 1),
                NextStartDate=date(9999, 12, 31))
    ids = {a.key: org.add("Account", Name=a.name, BillingPostalCode=a.postal, BillingCountry=a.country,
                          OwnerId=users["karim"], Industry="Manufacturing", Type=a.kind,
                          CurrencyIsoCode="EUR" if a.country == "France" else "CAD", SystemModstamp=stamp)
           for a in ACCOUNTS}
    for key, rep, account, when in VISITS:
        common = {"Subject": key, "Type": "Visite client", "OwnerId": users[rep], "AccountId": ids[account],
                  "WhatId": ids[account], "SystemModstamp": stamp}
        if isinstance(when, datetime):
            org.add("Event", ActivityDateTime=when, StartDateTime=when, ActivityDate=when.date(),
                    DurationInMinutes=60, EndDateTime=when + timedelta(hours=1), EndDate=when.date(),
                    IsAllDayEvent=False, **common)
        else:
            midnight = datetime(when.year, when.month, when.day, tzinfo=UTC)
            org.add("Event", ActivityDateTime=midnight, StartDateTime=midnight, ActivityDate=when,
                    IsAllDayEvent=True, DurationInMinutes=1440, EndDateTime=midnight, EndDate=when, **common)
    for key, account, amount, currency, close, _ in DEALS:
        org.add("Opportunity", Name=key, AccountId=ids[account], OwnerId=users["karim"], StageName="Closed Won",
                IsWon=True, IsClosed=True, CloseDate=close, Amount=float(amount), CurrencyIsoCode=currency,
                ForecastCategory="Closed", ForecastCategoryName="Closed", SystemModstamp=stamp,
                CreatedDate=datetime(2027, 1, 10, 9, 0, tzinfo=UTC))
    return org, ids


def _sync(cfg: Any, plan: str, now: datetime) -> RunResult:
    connector = build("sf-main", cfg.connectors[0].mapping, ENV, policy=NO_WAIT)
    try:
        return pipeline.run_sync(PLAN_NAMES[plan], cfg, connectors={"sf-main": connector}, clock=Clock(now))
    finally:
        connector.close()


def _writes(org: DocsOrg, since: int) -> list[tuple[str, str, Any]]:
    return [r for r in org.requests[since:] if r[0] != "GET" and r[1] != "/services/oauth2/token"]


def _account_writes(org: DocsOrg, since: int) -> list[dict[str, Any]]:
    out = []
    for method, _, body in _writes(org, since):
        if method == "PATCH" and isinstance(body, dict):
            out += [r for r in body.get("records", ()) if r.get("attributes", {}).get("type") == "Account"]
    return out


def _accounts(org: DocsOrg, ids: dict[str, str]) -> dict[str, Any]:
    rows = {r["Id"]: r for r in org.rows["Account"]}
    return {key: rows[i]["PAC_Axes__c"] for key, i in ids.items()}


def _targets(org: DocsOrg, ids: dict[str, str]) -> dict[str, Any]:
    rows = {r["Id"]: r for r in org.rows["Account"]}
    return {key: rows[i]["PAC_Target__c"] for key, i in ids.items()}


def _record(org: DocsOrg, sobject: str, key: str) -> dict[str, Any]:
    [row] = [r for r in org.rows[sobject] if r.get("PAC_Key__c") == key]
    return row


def _nights(tmp: Path, order: tuple[str, str]) -> Iterator[dict[str, Any]]:
    with pytest.MonkeyPatch.context() as mp:
        _patch(mp)
        add_pac_objects(yaml.safe_load(default_mapping_path().read_text(encoding="utf-8"))["writeback"])
        for name in ("PAC_Axis__c", "PAC_Action__c"):     # a multi-currency org: every object has a currency
            mp.setitem(sf_docs_emulator.SCHEMA, name, {**sf_docs_emulator.SCHEMA[name], "CurrencyIsoCode": "picklist"})
        cfg = settings(tmp, "sf-main", "salesforce", _mapping(tmp), "PAC_SF_")
        org, ids = build_org()
        seen: dict[str, Any] = {"org": org, "ids": ids}
        for _ in serve(org):
            def night(step: str, plan: str, now: datetime) -> None:
                org.now = now - timedelta(minutes=1)
                mark, errors = len(org.requests), len(org.errors)
                result = _sync(cfg, plan, now)
                seen[step] = {"result": result, "writes": _writes(org, mark),
                              "account_writes": _account_writes(org, mark), "axes": _accounts(org, ids),
                              "targets": _targets(org, ids),
                              # the emulator has no field history: pac says so and reads each field's author
                              # from the record (docs/salesforce.md §4); the other errors are the run's
                              "errors": [e for e in org.errors[errors:] if "__History' is not supported" not in e],
                              "history_reads": [r[1] for r in org.requests[mark:] if "__History" in unquote(r[1])],
                              "unhandled": list(org.unhandled)}

            # both plans' crons fire at 02:00 Paris; the connector's lock makes the second run wait for the first,
            # and a run's instant is taken once it holds the lock (``pipeline.run_sync``): a few minutes later
            first, second = order
            later = timedelta(minutes=5)
            night("N1 first", first, N1)
            night("N1 second", second, N1 + later)
            seen["N1 records"] = {k: dict(_record(org, "PAC_Axis__c", k)) for k in (
                f"{FR}:AX-KEY", f"{QC}:AX-KEY", f"{FR}:AX-RA", f"{QC}:AX-QC")}
            night("N1B second", second, N1B)
            night("N1B first", first, N1B + later)
            qc_file = Path(cfg.plans[1].file)
            qc_file.write_text(QC_PLAN.replace("  currency: CAD\n", "  currency: CAD\n  bogus: [\n"), encoding="utf-8")
            night("N2 fr, qc unreadable", FR, N2)
            qc_file.write_text(QC_PLAN, encoding="utf-8")
            night("N2 qc", QC, N2 + timedelta(minutes=10))
            night("N2 fr", FR, N2 + timedelta(minutes=20))
            night("N3 first", first, N3)
            night("N3 second", second, N3 + later)
            night("N3B first", first, N3B)
            night("N3B second", second, N3B + later)
        yield seen


@pytest.fixture(scope="module", params=[(FR, QC), (QC, FR)], ids=["fr-then-qc", "qc-then-fr"])
def nights(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    yield from _nights(tmp_path_factory.mktemp("twoplans-sf"), request.param)


def _order(nights: dict[str, Any]) -> tuple[str, str]:
    first = nights["N1 first"]["result"].plan_id
    return (FR, QC) if first == FR else (QC, FR)


class TestFigures:
    def test_every_run_is_clean(self, nights: dict[str, Any]) -> None:
        for step, seen in nights.items():
            if isinstance(seen, dict) and "result" in seen:
                assert (seen["result"].status, seen["errors"], seen["unhandled"]) == ("ok", [], []), step

    @pytest.mark.parametrize("step", ["N1 first", "N1 second"])
    def test_counts_and_revenue_of_each_plan(self, nights: dict[str, Any], step: str) -> None:
        result = nights[step]["result"]
        plan = result.plan_id
        ev = result.evaluation
        assert {a: ev.action(a).done for a in COUNTS[plan]} == COUNTS[plan]
        assert {x: ev.axis(x).revenue for x in REVENUE[plan]} == REVENUE[plan]
        assert {x: ev.axis(x).cost_to_date for x in COST_TO_DATE[plan]} == COST_TO_DATE[plan]
        assert {x: round(ev.axis(x).roi, 4) for x in ROI[plan]} == ROI[plan]

    def test_each_plans_ax_key_record_holds_its_own_figures(self, nights: dict[str, Any]) -> None:
        records = nights["N1 records"]
        fr, qc = records[f"{FR}:AX-KEY"], records[f"{QC}:AX-KEY"]
        assert (fr["CurrencyIsoCode"], fr["PAC_Won_Revenue__c"], fr["PAC_Plan_End__c"]) == (
            "EUR", 38666.67, "2027-12-31")
        assert (qc["CurrencyIsoCode"], qc["PAC_Won_Revenue__c"], qc["PAC_Plan_End__c"]) == (
            "CAD", 58000.0, "2028-03-31")
        assert (round(fr["PAC_ROI__c"], 4), round(qc["PAC_ROI__c"], 4)) == (2.494, 8.6667)
        # KPIs, each plan's own: 3 won deals each; average won deal 38,666.67 / 3 = 12,888.89 EUR and 58,000 / 3 =
        # 19,333.33 CAD; revenue per visit = revenue / the activities the axis's actions counted (docs/engine.md):
        # FR-A1's K1, K2: 38,666.67 / 2 = 19,333.34 (half up); QC-A1's K2, K3, K4: 58,000 / 3 = 19,333.33
        kpis = {k: (fr[k], qc[k]) for k in ("PAC_Win_Rate__c", "PAC_Average_Won_Deal__c", "PAC_Coverage__c",
                                            "PAC_Revenue_Per_Visit__c")}
        assert kpis == {"PAC_Win_Rate__c": (100.0, 100.0), "PAC_Average_Won_Deal__c": (12888.89, 19333.33),
                        "PAC_Coverage__c": (100.0, 100.0), "PAC_Revenue_Per_Visit__c": (19333.34, 19333.33)}


class TestAccountFields:
    def test_the_first_plan_alone(self, nights: dict[str, Any]) -> None:
        alone = FR_FIRST_ALONE if _order(nights)[0] == FR else QC_FIRST_ALONE
        assert nights["N1 first"]["axes"] == alone

    def test_both_plans_whichever_order(self, nights: dict[str, Any]) -> None:
        assert nights["N1 second"]["axes"] == BOTH
        assert nights["N1 second"]["targets"] == {k: (v is not None) or None for k, v in BOTH.items()}

    def test_a_night_with_no_change_writes_nothing(self, nights: dict[str, Any]) -> None:
        for step in ("N1B second", "N1B first"):
            assert nights[step]["writes"] == [], step

    def test_no_run_reads_the_field_history_of_the_other_plans_records(self, nights: dict[str, Any]) -> None:
        """A run asks Salesforce who edited its own plan's records only: the other plan's records never hold what
        this plan wrote, so each run read their PAC_Axis__History and PAC_Action__History every night (audit
        twoplans F2: 2 calls a night per plan, and a warning each night on an org without field history). Seen
        failing before the fix: N1B's runs each read the history (2 queries)."""
        for step in ("N1B first", "N1B second", "N3B first", "N3B second"):
            assert nights[step]["history_reads"] == [], step

    def test_an_unreadable_plan_file_moves_no_account(self, nights: dict[str, Any]) -> None:
        for step in ("N2 fr, qc unreadable", "N2 qc", "N2 fr"):
            assert (nights[step]["account_writes"], nights[step]["axes"]) == ([], BOTH), step

    def test_the_ended_plan_leaves_the_accounts(self, nights: dict[str, Any]) -> None:
        assert nights["N3 first"]["axes"] == AFTER_FR_END
        assert nights["N3 second"]["account_writes"] == []
        for step in ("N3B first", "N3B second"):
            assert nights[step]["account_writes"] == [], step


class TestRecords:
    def test_action_records_each_under_its_own_plans_axis(self, nights: dict[str, Any]) -> None:
        """FR-A1 « avril 2027 » (Paris) 2 / 3, late; QC-A1 « T1 » of the fiscal year (April-June, Toronto) 3 / 4;
        QC-A2 « d'ici le 05/06/2027 » read day/month: 1 April - 5 June; each linked to its own plan's AX-KEY."""
        org: DocsOrg = nights["org"]
        axes = {r["Id"]: r["PAC_Key__c"] for r in org.rows["PAC_Axis__c"]}
        got = {}
        for key in (f"{FR}:FR-A1", f"{FR}:FR-A2", f"{QC}:QC-A1", f"{QC}:QC-A2"):
            row = _record(org, "PAC_Action__c", key)
            got[key] = (axes[row["PAC_Axis__c"]], row["PAC_Window_Start__c"], row["PAC_Window_End__c"],
                        row["PAC_Target__c"], row["PAC_Plan_End__c"])
        assert got == {
            f"{FR}:FR-A1": (f"{FR}:AX-KEY", "2027-04-01", "2027-04-30", 3, "2027-12-31"),
            f"{FR}:FR-A2": (f"{FR}:AX-RA", "2027-04-01", "2027-06-30", 2, "2027-12-31"),
            f"{QC}:QC-A1": (f"{QC}:AX-KEY", "2027-04-01", "2027-06-30", 4, "2028-03-31"),
            f"{QC}:QC-A2": (f"{QC}:AX-QC", "2027-04-01", "2027-06-05", 2, "2028-03-31")}


def test_the_quebec_keys_go_first_the_night_its_year_begins_in_toronto(tmp_path: Path) -> None:
    """The order of the keys on an account: the plans whose period holds the run's instant, the most recently
    started first, then the plans not begun. 1 April 2027 02:00 Paris is 31 March 20:00 in Toronto: the Québec plan
    has not begun (its keys after the France plan's); the night after (1 April 20:00 Toronto) it has: its keys go
    first, one write of each account both plans target (V-LYON, V-MTL), and none the night after."""
    with pytest.MonkeyPatch.context() as mp:
        _patch(mp)
        add_pac_objects(yaml.safe_load(default_mapping_path().read_text(encoding="utf-8"))["writeback"])
        for name in ("PAC_Axis__c", "PAC_Action__c"):
            mp.setitem(sf_docs_emulator.SCHEMA, name, {**sf_docs_emulator.SCHEMA[name], "CurrencyIsoCode": "picklist"})
        cfg = settings(tmp_path, "sf-main", "salesforce", _mapping(tmp_path), "PAC_SF_")
        org, ids = build_org(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
        seen = {}
        for _ in serve(org):
            for day in (1, 2, 3):
                night = datetime(2027, 4, day, 0, 0, tzinfo=UTC)
                writes = []
                for i, plan in enumerate((FR, QC)):
                    org.now = night + timedelta(minutes=5 * i - 1)
                    mark = len(org.requests)
                    assert _sync(cfg, plan, night + timedelta(minutes=5 * i)).status == "ok"
                    writes += [r["id"] for r in _account_writes(org, mark)]
                seen[day] = (_accounts(org, ids)["V-LYON"], sorted(writes))
    both, alone = ids["V-LYON"], ids["V-MTL"]
    assert seen == {1: (f"AX-RA; {FR}:AX-KEY; {QC}:AX-KEY", sorted((both, both, alone, alone, ids["L-BRON"],
                                                                     ids["Q-LAVAL"]))),
                    2: (f"AX-RA; {QC}:AX-KEY; {FR}:AX-KEY", sorted((ids["V-LYON"], ids["V-MTL"]))),
                    3: (f"AX-RA; {QC}:AX-KEY; {FR}:AX-KEY", [])}


def test_an_ended_plan_whose_file_cannot_be_read_leaves_the_accounts(tmp_path: Path) -> None:
    """1 January 2028: the France plan's period is over, and its file has a typo that night. The Québec plan's run
    still knows the France plan's period (the store's last version of its file) and takes its axes off: V-LYON
    « AX-KEY » (bare: the Québec plan alone has it now), L-BRON cleared. Seen failing before: the France plan's
    period was unknown while its file did not load, so it never ended and its axes stayed on the accounts."""
    with pytest.MonkeyPatch.context() as mp:
        _patch(mp)
        add_pac_objects(yaml.safe_load(default_mapping_path().read_text(encoding="utf-8"))["writeback"])
        for name in ("PAC_Axis__c", "PAC_Action__c"):
            mp.setitem(sf_docs_emulator.SCHEMA, name, {**sf_docs_emulator.SCHEMA[name], "CurrencyIsoCode": "picklist"})
        cfg = settings(tmp_path, "sf-main", "salesforce", _mapping(tmp_path), "PAC_SF_")
        org, ids = build_org()
        for _ in serve(org):
            for i, plan in enumerate((FR, QC)):
                org.now = N1 + timedelta(minutes=5 * i - 1)
                assert _sync(cfg, plan, N1 + timedelta(minutes=5 * i)).status == "ok"
            assert _accounts(org, ids) == BOTH
            fr_file = Path(cfg.plans[0].file)
            fr_file.write_text(fr_file.read_text(encoding="utf-8") + "  - {id: oops\n", encoding="utf-8")
            org.now = N3 - timedelta(minutes=1)
            assert _sync(cfg, QC, N3).status == "ok"
            assert (_accounts(org, ids), _targets(org, ids)["L-BRON"]) == (AFTER_FR_END, False)


def test_pac_sync_of_each_plan_from_the_settings_listing_both(tmp_path: Path) -> None:
    """`pac sync --plan france` then `--plan quebec --as-of 2027-06-14T20:00-04:00` (the same night, Toronto's
    words) against the org, the settings listing both plans: each exits 0 and the accounts hold both plans' axes;
    `pac sync` with no --plan names the plans to choose from."""
    with pytest.MonkeyPatch.context() as mp:
        _patch(mp)
        add_pac_objects(yaml.safe_load(default_mapping_path().read_text(encoding="utf-8"))["writeback"])
        for name in ("PAC_Axis__c", "PAC_Action__c"):
            mp.setitem(sf_docs_emulator.SCHEMA, name, {**sf_docs_emulator.SCHEMA[name], "CurrencyIsoCode": "picklist"})
        cfg = settings(tmp_path, "sf-main", "salesforce", _mapping(tmp_path), "PAC_SF_")
        org, ids = build_org()
        env = {**ENV, "PAC_CONFIG": str(cfg.source), "COLUMNS": "200"}
        runner = CliRunner()
        outputs = []
        for _ in serve(org):
            none = runner.invoke(main, ["sync"], env=env)
            for plan, as_of in (("france", "2027-06-15T02:00+02:00"), ("quebec", "2027-06-14T20:05-04:00")):
                org.now = datetime.fromisoformat(as_of).astimezone(UTC) - timedelta(minutes=1)
                done = runner.invoke(main, ["sync", "--plan", plan, "--as-of", as_of], env=env)
                outputs.append((done.exit_code, done.output))
            assert _accounts(org, ids) == BOTH
    assert "2 plans are configured (name one with --plan (france, quebec))" in str(none.exception)   # exit 2
    assert [code for code, _ in outputs] == [0, 0], outputs


def test_each_plans_advice_goes_to_its_own_ax_key(tmp_path: Path) -> None:
    """Karim, the key-account rep of both plans, leaves (his user deactivated). Hand: the Québec plan's QC-A1 (T1,
    open to 30 June, 3 / 4) is his: « reassign » on pac-qc-2027:AX-KEY naming QC-A1; the France plan's FR-A1 is his
    too, but its window (April) is over: nothing to reassign, pac-fr-2027:AX-KEY keeps no advice."""
    with pytest.MonkeyPatch.context() as mp:
        _patch(mp)
        add_pac_objects(yaml.safe_load(default_mapping_path().read_text(encoding="utf-8"))["writeback"])
        for name in ("PAC_Axis__c", "PAC_Action__c"):
            mp.setitem(sf_docs_emulator.SCHEMA, name, {**sf_docs_emulator.SCHEMA[name], "CurrencyIsoCode": "picklist"})
        cfg = settings(tmp_path, "sf-main", "salesforce", _mapping(tmp_path), "PAC_SF_")
        org, _ = build_org()
        for row in org.rows["User"]:
            if row["Email"] == "karim@vega.example":
                row["IsActive"] = False
        for _ in serve(org):
            for i, plan in enumerate((FR, QC)):
                org.now = N1 + timedelta(minutes=5 * i - 1)
                assert _sync(cfg, plan, N1 + timedelta(minutes=5 * i)).status == "ok"
            fr, qc = (_record(org, "PAC_Axis__c", f"{p}:AX-KEY")["PAC_Advice__c"] for p in (FR, QC))
    assert fr in ("", None), fr
    assert "QC-A1" in qc and "karim@vega.example" in qc and "FR-A1" not in qc, qc
