"""KPIs and advice written back to both CRMs through the real client libraries, and deals' creation instants read.

The axis evaluated is the hand-computed one of tests/unit/test_kpi_vocabulary.py (win rate 4 / 6, coverage
3 / 4, average won deal 2,750 €, pipeline created 12,000 €). With one more deal won a year earlier (``BASELINE_DEAL``:
2,500 € on a1 on 10 March 2026, inside 1 January - 20 May 2026) the axis has won 11,000 € (d1 5,000 + w3a 3,000 +
w3b 1,000 + w4 2,000) over a baseline of 2,500 €: additional revenue 8,500 €.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from connectors.base import ObjectKind, Target
from connectors.salesforce.connector import SalesforceConnector, build
from pac_config.loader import config_dir
from pac_core.engine import evaluate
from pac_core.records import Deal
from sandbox_crm.demo_org import build_demo_org
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.run import sandbox_env
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import SandboxServer
from sync_jobs.diff import changes_for, desired_state, kept_by, record_key
from tests.contract.factory_hubspot import sandbox_connector
from tests.unit.test_engine_support import won
from tests.unit.test_kpi_vocabulary import AS_OF, _plan, _records

DEMO = config_dir() / "mappings" / "salesforce.demo.yaml"
NOW = datetime(2027, 5, 20, 10, tzinfo=UTC)
BASELINE_DEAL = won("b1-2026", "a1", "2500", date(2026, 3, 10))


def _axis_change(connector: object, *, baseline: bool = False):
    base = _plan()
    axis = base.axes[0]
    assert axis.objective is not None
    plan = replace(base, axes=(replace(axis, objective=replace(axis.objective, kpis=("win_rate", "coverage"))),))
    records = _records()
    if baseline:
        records = replace(records, deals=(*records.deals, BASELINE_DEAL))
    desired = kept_by(desired_state(plan, evaluate(plan, records, as_of=AS_OF)), connector)   # as the pipeline
    key = record_key(plan, "AX-69")
    [change] = changes_for(desired, [(Target.AXIS, key)], {}, NOW)
    return key, change


@pytest.fixture(scope="module")
def org() -> object:
    return build_demo_org(scale=0.3)


@pytest.fixture
def salesforce(org: object) -> Iterator[tuple[SandboxServer, SalesforceConnector]]:
    with SandboxServer([SalesforceApi(org)]) as server:  # type: ignore[arg-type]
        connector = build("sf-main", DEMO, sandbox_env(server))
        yield server, connector
        connector.close()


class TestSalesforce:
    def test_axis_kpis_and_summary_written(self, salesforce) -> None:
        """PAC_Axis__c gets one field per core KPI (percent fields as 66.7) and the named KPIs as a line."""
        server, sf = salesforce
        key, change = _axis_change(sf)
        [result] = sf.write([change])
        assert result.ok, result.error
        [row] = server.api("salesforce").find("PAC_Axis__c", PAC_Key__c=key)
        assert row["PAC_Win_Rate__c"] == Decimal("66.7") and row["PAC_Coverage__c"] == 75
        assert row["PAC_Average_Won_Deal__c"] == 2750 and row["PAC_Pipeline_Created__c"] == 12000
        assert row["PAC_Reactivation_Rate__c"] == Decimal("66.7") and row["PAC_New_Accounts__c"] == 0
        assert row["PAC_KPIs__c"] == ("Taux de réussite : 67\u00a0% (4 / 6) · Couverture du périmètre : 75\u00a0% "
                                      "(3 / 4)")

    def test_axis_won_revenue_and_baseline_written(self, salesforce) -> None:
        """PAC_Axis__c gets the won revenue (11,000) and the baseline (2,500) beside the additional revenue (8,500),
        so the axis reconciles with a report of won opportunities. Failed before: neither field was written (the
        record had no PAC_Won_Revenue__c nor PAC_Baseline__c, the change no won_revenue nor baseline)."""
        server, sf = salesforce
        key, change = _axis_change(sf, baseline=True)
        assert (change.fields["won_revenue"], change.fields["baseline"], change.fields["revenue"]) == (11000, 2500,
                                                                                                       8500)
        [result] = sf.write([change])
        assert result.ok, result.error
        [row] = server.api("salesforce").find("PAC_Axis__c", PAC_Key__c=key)
        assert (row["PAC_Won_Revenue__c"], row["PAC_Baseline__c"], row["PAC_Revenue__c"]) == (11000, 2500, 8500)

    def test_deals_carry_their_creation_instant(self, salesforce) -> None:
        """Opportunities are read with CreatedDate, an aware instant (pipeline created)."""
        server, sf = salesforce
        deals = [d for d in sf.pull(ObjectKind.DEALS, None) if isinstance(d, Deal)]
        rows = {r["Id"]: r for r in server.api("salesforce").rows("Opportunity")}
        assert deals and all(d.created_at is not None and d.created_at.tzinfo is not None for d in deals)
        sample = deals[0]
        assert sample.created_at == datetime.fromisoformat(str(rows[sample.id]["CreatedDate"]).replace("Z", "+00:00")
                                                           ).astimezone(UTC)


class TestHubSpot:
    def test_axis_kpi_properties_written(self) -> None:
        """pac_axis records get pac_win_rate_pct, pac_coverage_pct... and pac_kpis once provisioned."""
        api = HubSpotApi(build_demo_org())
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            try:
                connector.provision_schema()
                key, change = _axis_change(connector)
                [result] = connector.write([change])
                assert result.ok, result.error
                [obj] = [o for o in api.table("pac_axis").rows.values() if o.props.get("pac_key") == key]
                number = {k: Decimal(v) for k, v in obj.props.items() if k.startswith("pac_") and k != "pac_kpis"
                          and v.replace(".", "", 1).isdigit()}
                assert number["pac_win_rate_pct"] == Decimal("66.7") and number["pac_coverage_pct"] == 75
                assert number["pac_average_won_deal"] == 2750 and number["pac_new_accounts"] == 0
                assert obj.props["pac_kpis"].startswith("Taux de réussite : 67\u00a0% (4 / 6)")
            finally:
                connector.close()

    def test_axis_won_revenue_and_baseline_written(self) -> None:
        """Provisioning creates pac_won_revenue and pac_baseline on pac_axis; the axis record gets 11,000 won and
        the 2,500 baseline beside the 8,500 additional revenue. Failed before: neither property existed nor was
        written."""
        api = HubSpotApi(build_demo_org())
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            try:
                connector.provision_schema()
                props = api.table("pac_axis").properties
                assert (props["pac_won_revenue"]["type"], props["pac_baseline"]["type"]) == ("number", "number")
                key, change = _axis_change(connector, baseline=True)
                [result] = connector.write([change])
                assert result.ok, result.error
                [obj] = [o for o in api.table("pac_axis").rows.values() if o.props.get("pac_key") == key]
                assert [Decimal(obj.props[p]) for p in ("pac_won_revenue", "pac_baseline", "pac_revenue")] == [
                    11000, 2500, 8500]
            finally:
                connector.close()

    def test_deals_carry_their_creation_instant(self) -> None:
        """A deal created at 22:30 UTC on 31 March comes back with that instant (1 April in Paris)."""
        api = HubSpotApi(build_demo_org())
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            try:
                created = datetime(2027, 3, 31, 22, 30, tzinfo=UTC)
                deal = api.add("deals", {"pipeline": "default", "dealstage": "qualifiedtobuy", "amount": "7000",
                                         "closedate": "2027-09-01T00:00:00.000Z"}, modified=created)
                found = {d.id: d for d in connector.pull(ObjectKind.DEALS, None) if isinstance(d, Deal)}
                assert found[deal].created_at == created
            finally:
                connector.close()
