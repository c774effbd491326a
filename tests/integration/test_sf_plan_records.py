"""What the sync writes to the PAC objects, through simple-salesforce against the sandbox org (issue 15):
the action -> axis lookup set through the axis's external id (sObject Collections upsert with a relationship
reference), titles cut with « … » and the whole text kept, the pace picklist restricted, currency with the
amounts in a multi-currency org, and the whole demo sync filling every field the layouts and list views show."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from connectors.base import ObjectKind, PacValue, Target, WriteChange
from connectors.retry import RetryPolicy
from connectors.salesforce.connector import SalesforceConnector, build
from connectors.salesforce.schema import PAC_OBJECTS
from pac_config.loader import config_dir
from sandbox_crm.run import sandbox_env, start_sandbox
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import SandboxServer
from sync_jobs.diff import changes_for
from sync_jobs.drift import drifted
from tests.fakes import sandbox_connectors, sandbox_settings

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "force-app" / "main" / "default"
DEMO = config_dir() / "mappings" / "salesforce.demo.yaml"
DEFAULT = config_dir() / "mappings" / "salesforce.default.yaml"
NO_WAIT = RetryPolicy(max_attempts=4, sleep=lambda _s: None, jitter=lambda: 0.0)
NS = {"md": "http://soap.sforce.com/2006/04/metadata"}


@pytest.fixture
def fresh():
    """An org with nothing provisioned; pac provisions it through the Tooling API (the path under test)."""
    api = SalesforceApi(None, provisioned=False)
    with SandboxServer([api]) as server:
        yield api, server


def _connector(server: SandboxServer, mapping: Path = DEMO) -> SalesforceConnector:
    connector = build("sf", mapping, sandbox_env(server), policy=NO_WAIT)
    connector.provision_schema()
    return connector


def _axis(key: str, **fields: object) -> WriteChange:
    return WriteChange(Target.AXIS, key, {"name": "AX-1 Clients dormants", "status": "active", **fields})


def _action(key: str, axis_key: str | None, **fields: object) -> WriteChange:
    return WriteChange(Target.ACTION, key, {"name": "A-01 Visiter", "axis_key": axis_key, "target": 5,
                                            "done": 1, **fields})


class TestAxisLookup:
    def test_action_is_tied_to_its_axis_created_in_the_same_write(self, fresh) -> None:
        """A new axis and its action in one write: axes go first, the action's PAC_Axis__c holds the axis's id,
        resolved by Salesforce from PAC_Axis__r {PAC_Key__c}; SOQL reads it back through the relationship."""
        api, server = fresh
        sf = _connector(server)
        results = sf.write([_action("p:A-01", "p:AX-1"), _axis("p:AX-1")])
        assert results and all(r.ok for r in results), results
        axis_id = next(r.crm_id for r in results if r.key == "p:AX-1")
        action = api.row("PAC_Action__c", next(r.crm_id for r in results if r.key == "p:A-01"))
        assert action["PAC_Axis__c"] == axis_id and action["PAC_Axis_Key__c"] == "p:AX-1"
        raw = sf.client.sf
        rows = raw.query("SELECT PAC_Key__c, PAC_Axis__r.PAC_Key__c FROM PAC_Action__c")["records"]
        assert [(r["PAC_Key__c"], r["PAC_Axis__r"]["PAC_Key__c"]) for r in rows] == [("p:A-01", "p:AX-1")]
        children = raw.query("SELECT PAC_Key__c, (SELECT PAC_Key__c FROM PAC_Actions__r) FROM PAC_Axis__c")
        [parent] = children["records"]
        assert [c["PAC_Key__c"] for c in parent["PAC_Actions__r"]["records"]] == ["p:A-01"]

    def test_the_wire_body_names_the_axis_by_its_external_id(self, fresh) -> None:
        """The upsert body carries ``PAC_Axis__r: {attributes: {type: PAC_Axis__c}, PAC_Key__c: ...}``."""
        _, server = fresh
        sf = _connector(server)
        path, record = sf._record(_action("p:A-01", "p:AX-1"))
        assert path == "composite/sobjects/PAC_Action__c/PAC_Key__c"
        assert record["PAC_Axis__r"] == {"attributes": {"type": "PAC_Axis__c"}, "PAC_Key__c": "p:AX-1"}
        assert "PAC_Axis__c" not in record

    def test_an_unknown_axis_key_fails_that_record_only(self, fresh) -> None:
        """As documented: "Foreign key external ID: ... not found"; the other records of the call are written."""
        api, server = fresh
        sf = _connector(server)
        sf.write([_axis("p:AX-1")])
        bad, good = sf.write([_action("p:A-02", "p:AX-404"), _action("p:A-03", "p:AX-1")])
        assert not bad.ok and "Foreign key external ID: p:AX-404 not found" in (bad.error or "")
        assert good.ok and api.row("PAC_Action__c", good.crm_id)["PAC_Axis__c"]

    def test_a_relationship_reference_on_a_raw_collection_upsert(self, fresh) -> None:
        """The same request sent with simple-salesforce by hand, attributes.type omitted (optional for a lookup
        to one object): the sandbox resolves it; a non-external-id field is refused."""
        api, server = fresh
        raw = _connector(server).client.sf
        raw.restful("composite/sobjects/PAC_Axis__c/PAC_Key__c", method="PATCH", json={"allOrNone": False, "records": [
            {"attributes": {"type": "PAC_Axis__c"}, "PAC_Key__c": "k:AX", "Name": "AX"}]})
        ok, refused = raw.restful("composite/sobjects/PAC_Action__c/PAC_Key__c", method="PATCH", json={
            "allOrNone": False, "records": [
                {"attributes": {"type": "PAC_Action__c"}, "PAC_Key__c": "k:A1", "PAC_Axis__r": {"PAC_Key__c": "k:AX"}},
                {"attributes": {"type": "PAC_Action__c"}, "PAC_Key__c": "k:A2", "PAC_Axis__r": {"PAC_Plan__c": "x"}}]})
        assert ok["success"] and api.row("PAC_Action__c", ok["id"])["PAC_Axis__c"].startswith(api.schema[
            "PAC_Axis__c"].prefix)
        assert not refused["success"] and refused["errors"][0]["statusCode"] == "INVALID_FIELD"

    def test_the_lookup_is_described_as_a_reference_to_the_axis(self, fresh) -> None:
        _, server = fresh
        sf = _connector(server)
        field = sf.describe_fields("PAC_Action__c")["pac_axis__c"]
        assert (field["type"], field["referenceTo"], field["relationshipName"]) == (
            "reference", ["PAC_Axis__c"], "PAC_Axis__r")


class TestFieldValues:
    def test_pace_is_a_restricted_picklist_of_the_values_pac_writes(self, fresh) -> None:
        """Every pace pac computes is accepted; anything else is refused by the org."""
        _, server = fresh
        sf = _connector(server)
        paces = ["done", "on_track", "at_risk", "late", "not_started", "inactive"]
        results = sf.write([_axis(f"p:AX-{p}", pace=p) for p in paces] + [_axis("p:AX-x", pace="behind")])
        assert [r.ok for r in results] == [True] * 6 + [False]
        assert "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST" in (results[-1].error or "")

    def test_progress_above_9999_percent_fits(self, fresh) -> None:
        api, server = fresh
        sf = _connector(server)
        [result] = sf.write([_axis("p:AX-big", progress_pct=123456.7)])
        assert result.ok and float(api.row("PAC_Axis__c", result.crm_id)["PAC_Progress_Pct__c"]) == 123456.7

    def test_currency_goes_with_the_amounts_in_a_multi_currency_org(self, fresh) -> None:
        """The demo org is multi-currency (deals.currency_field: CurrencyIsoCode): the axis carries the plan's
        currency; with the default mapping (single currency) nothing is written but a warning when they differ."""
        api, server = fresh
        sf = _connector(server)
        [result] = sf.write([_axis("p:AX-chf", objective=150000.0, currency="CHF")])
        assert result.ok and api.row("PAC_Axis__c", result.crm_id)["CurrencyIsoCode"] == "CHF"
        single = build("sf2", DEFAULT, sandbox_env(server), policy=NO_WAIT)
        _, record = single._record(_axis("p:AX-usd", objective=1.0, currency="USD"))
        assert "CurrencyIsoCode" not in record
        assert any("org's currency is EUR" in w for w in single.warnings)

    def test_an_axis_currency_changed_in_salesforce_is_read_back_and_restored(self, fresh) -> None:
        """In a multi-currency org an amount is read in its record's ``CurrencyIsoCode``: an axis whose currency was
        changed in Salesforce (or that an older write created in the integration user's currency: the mapping read the
        org as single-currency, so pac sent none but recorded the plan's as written) shows 150,000 CHF as 150,000 EUR.
        The record's currency is read back with the PAC fields and restored as any computed field (audit sfwrite F3).
        Seen failing before the fix: no ``currency`` value was read back ([] != [('p:AX-chf', 'EUR', ...)])."""
        api, server = fresh
        sf = _connector(server)
        desired = {"name": "AX-1 Clients dormants", "objective": 150000.0, "currency": "CHF"}
        [written] = sf.write([WriteChange(Target.AXIS, "p:AX-chf", desired)])
        assert written.ok and written.crm_id is not None
        person = api.create("User", Username="ops@example.com", Email="ops@example.com", FirstName="Ops",
                            LastName="Admin", IsActive=True)
        api.edit("PAC_Axis__c", written.crm_id, by=person, CurrencyIsoCode="EUR")
        read = [e for e in sf.pull(ObjectKind.PAC_EDITS, None) if isinstance(e, PacValue) and e.field == "currency"]
        assert [(v.key, v.value, v.crm_field, v.by_integration) for v in read] == [
            ("p:AX-chf", "EUR", "CurrencyIsoCode", False)]
        rows = {"sf": {("axis", "p:AX-chf"): SimpleNamespace(crm_id=written.crm_id, fields=dict(desired))}}
        want = {(Target.AXIS, "p:AX-chf"): desired}
        repair = drifted(rows, [("sf", v) for v in read], want, {"sf": set(want)})
        assert [d.line() for d in repair.drifts] == ["sf p:AX-chf currency: 'EUR' in the CRM, restored to 'CHF'"]
        [change] = changes_for(want, want, repair.rows["sf"], datetime(2027, 5, 4, 8, 0, tzinfo=UTC))
        assert set(change.fields) == {"currency", "last_synced"}
        [again] = sf.write([change])
        assert again.ok and api.row("PAC_Axis__c", written.crm_id)["CurrencyIsoCode"] == "CHF"

    def test_an_axis_object_without_a_currency_is_read_as_before(self, fresh) -> None:
        """A mapping reading deals' currency against an org whose PAC_Axis__c has no CurrencyIsoCode (not a
        multi-currency org after all): the PAC fields are read as before the currency was read back, no warning."""
        api, server = fresh
        sf = _connector(server)
        [written] = sf.write([WriteChange(Target.AXIS, "p:AX-1", {"name": "AX-1", "objective": 1000.0})])
        assert written.ok
        del api.schema["PAC_Axis__c"].fields["CurrencyIsoCode"]
        read = [e for e in sf.pull(ObjectKind.PAC_EDITS, None) if isinstance(e, PacValue) and e.key == "p:AX-1"]
        assert {(v.field, v.value) for v in read} >= {("objective", 1000.0)}
        assert not any(v.field == "currency" for v in read)
        assert not [w for w in sf.warnings if "skipped" in w or "lacks" in w]

    def test_account_axes_is_a_filterable_text_field(self, fresh) -> None:
        _, server = fresh
        sf = _connector(server)
        field = sf.describe_fields("Account")["pac_axes__c"]
        assert field["type"] == "string" and field["length"] == 255 and field["filterable"]


def _shown_fields(obj: str) -> set[str]:
    """The PAC fields an admin's layouts and list views show for ``obj``."""
    shown: set[str] = set()
    for path in (SOURCE / "layouts").glob(f"{obj}-*.layout-meta.xml"):
        shown |= {e.text or "" for e in ET.parse(path).getroot().iter(f"{{{NS['md']}}}field")}  # noqa: S314
    for path in (SOURCE / "objects" / obj / "listViews").glob("*.listView-meta.xml"):
        shown |= {e.text or "" for e in ET.parse(path).getroot().findall("md:columns", NS)}  # noqa: S314
    return {f for f in shown if f.startswith("PAC_")}


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    """The demo plan synced once into a fresh sandbox org (Salesforce and HubSpot, as `pac demo` does)."""
    from sync_jobs.pipeline import run_sync

    tmp = tmp_path_factory.mktemp("sf-shown")
    with start_sandbox() as server:
        settings = sandbox_settings(tmp, f"sqlite:///{tmp / 'pac.db'}")
        result = run_sync(None, settings, connectors=sandbox_connectors(settings, server), full=True)
        assert result.plan is not None and result.evaluation is not None
        yield server.api("salesforce"), result.plan, result.evaluation


class TestDemoSyncFillsWhatIsShown:
    @pytest.mark.parametrize("obj", ["PAC_Axis__c", "PAC_Action__c"])
    def test_every_field_shown_is_written(self, org, obj) -> None:
        """Each PAC field on a layout or list view holds a value on at least one record the sync wrote, and the
        plan, target, done and the lookup hold one on every record."""
        api, plan, _ = org
        rows = api.rows(obj)
        assert rows
        shown = _shown_fields(obj)
        assert {"PAC_Plan__c", "PAC_Target__c", "PAC_Done__c", "PAC_Pace__c"} <= shown
        # a formula field is Salesforce's to compute (PAC_Done_Counted__c from PAC_Done__c and PAC_Target__c, both
        # checked on every record below): pac writes its inputs, never the field
        formulas = {f.name for o in PAC_OBJECTS if o.name == obj for f in o.fields if f.formula is not None}
        empty = sorted(f for f in shown - formulas if all(r.get(f) is None for r in rows))
        assert empty == []
        for row in rows:
            assert row["PAC_Plan__c"] == plan.name and row["PAC_Target__c"] is not None
            assert row["PAC_Done__c"] is not None

    def test_actions_carry_their_whole_text_and_their_axis(self, org) -> None:
        """Each action in Salesforce (the reps who are Salesforce users) has its whole text and its axis."""
        api, plan, _ = org
        axes = {r["Id"]: r["PAC_Key__c"] for r in api.rows("PAC_Axis__c")}
        by_key = {r["PAC_Key__c"]: r for r in api.rows("PAC_Action__c")}
        written = [a for a in plan.actions if f"{plan.id}:{a.id}" in by_key]
        assert len(written) >= 5
        assert any(len(f"{a.id} {a.text}") > 80 for a in written)
        for action in written:
            row = by_key[f"{plan.id}:{action.id}"]
            assert row["PAC_Text__c"] == action.text
            assert axes[row["PAC_Axis__c"]] == row["PAC_Axis_Key__c"] == f"{plan.id}:{action.axis_id}"
            assert len(row["Name"]) <= 80
            if len(f"{action.id} {action.text}") > 80:
                assert row["Name"].endswith("…")

    @pytest.mark.parametrize("obj", ["PAC_Axis__c", "PAC_Action__c"])
    def test_every_record_carries_its_plans_last_day(self, org, obj) -> None:
        """PAC_Plan_End__c is the plan's last day on every record: once past, the running views leave it out (an ended
        plan's records kept as history, audit year-end F5)."""
        api, plan, _ = org
        rows = api.rows(obj)
        assert rows
        last = (plan.period.end - timedelta(microseconds=1)).date().isoformat()
        assert last.endswith("-12-31")
        assert {str(r.get("PAC_Plan_End__c")) for r in rows} == {last}

    def test_an_axis_adds_up_its_actions(self, org) -> None:
        """An axis's target and done add up all its actions (in either CRM; cancelled left out, done capped)."""
        api, plan, evaluation = org
        done = {a.action_id: a.done for a in evaluation.actions}
        by_key = {r["PAC_Key__c"]: r for r in api.rows("PAC_Axis__c")}
        for axis in plan.axes:
            mine = [a for a in plan.actions if a.axis_id == axis.id and a.status.value != "cancelled"]
            row = by_key[f"{plan.id}:{axis.id}"]
            assert int(row["PAC_Target__c"]) == sum(a.target for a in mine)
            assert int(row["PAC_Done__c"]) == sum(min(done.get(a.id, 0), a.target) for a in mine)
        assert any(int(r["PAC_Done__c"]) > 0 for r in by_key.values())


def test_raw_client_sees_restricted_pace(fresh) -> None:
    """describe() tells a restricted picklist with exactly pac's pace values (what `pac config check` reads)."""
    _, server = fresh
    sf = _connector(server)
    field = sf.describe_fields("PAC_Action__c")["pac_pace__c"]
    assert field["type"] == "picklist" and field["restrictedPicklist"]
    assert [v["value"] for v in field["picklistValues"]] == ["done", "on_track", "at_risk", "late", "not_started",
                                                              "inactive", "removed"]
    [refused] = sf.client.sf.restful("composite/sobjects/PAC_Action__c/PAC_Key__c", method="PATCH", json={
        "allOrNone": True, "records": [{"attributes": {"type": "PAC_Action__c"}, "PAC_Key__c": "x",
                                        "PAC_Pace__c": "behind"}]})
    assert refused["errors"][0]["statusCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"


def test_check_names_fields_an_older_pac_provisioned_with_another_type(fresh) -> None:
    """An org provisioned before pace became a picklist and the account axes a text field: `pac crm check`
    names both fields with the fix, and nothing else."""
    api, server = fresh
    sf = _connector(server)
    api.schema["PAC_Axis__c"].fields["PAC_Pace__c"].type = "string"
    api.schema["Account"].fields["PAC_Axes__c"].type = "textarea"
    sf._describes.clear()
    issues = {(i.object, i.field): i for i in sf.check_schema()}
    assert set(issues) == {("PAC_Axis__c", "PAC_Pace__c"), ("Account", "PAC_Axes__c")}
    assert "change the field's type in Setup to Picklist" in issues[("PAC_Axis__c", "PAC_Pace__c")].fix


class TestFieldLevelSecurityPerProfile:
    """The sandbox applies field-level security per user as a real org does: a rep and a manager logging in
    (username-password flow) see the PAC fields through the permission set an admin assigned them."""

    def _as(self, api: SalesforceApi, server: SandboxServer, sf: SalesforceConnector, email: str,
            permission_set: str) -> SalesforceConnector:
        user = api.create("User", Username=email, Email=email, FirstName="Rep", LastName=email, IsActive=True)
        [pset] = [r["Id"] for r in api.find("PermissionSet", Name=permission_set)]
        sf.client.sf.restful("sobjects/PermissionSetAssignment", method="POST",
                             json={"PermissionSetId": pset, "AssigneeId": user})
        env = {**sandbox_env(server), "PAC_SF_AUTH": "password", "PAC_SF_USERNAME": email,
               "PAC_SF_PASSWORD": "any-password"}
        return build("as-user", DEMO, env, policy=NO_WAIT)

    @staticmethod
    def _updateable(connector: SalesforceConnector, obj: str) -> set[str]:
        return {f["name"] for f in connector.describe_fields(obj).values()
                if f["name"].startswith("PAC_") and f["updateable"]}

    def test_a_rep_updates_only_the_status_of_actions(self, fresh) -> None:
        api, server = fresh
        sf = _connector(server)
        rep = self._as(api, server, sf, "julie.rep@example.com", "PAC_Rep")
        assert self._updateable(rep, "PAC_Action__c") == {"PAC_Status__c"}
        assert self._updateable(rep, "PAC_Axis__c") == set()
        assert "pac_done__c" in rep.describe_fields("PAC_Action__c")          # read, not edit
        [refused] = rep.write([_action("p:A-09", None, done=3)])
        assert not refused.ok and "INVALID_FIELD_FOR_INSERT_UPDATE" in (refused.error or "")

    def test_a_manager_edits_status_priority_targets_and_due_dates(self, fresh) -> None:
        """Only what pac reads back (audit sfpkg F7: the objective and window dates were editable, and restored)."""
        api, server = fresh
        sf = _connector(server)
        manager = self._as(api, server, sf, "paul.manager@example.com", "PAC_Manager")
        assert self._updateable(manager, "PAC_Axis__c") == {"PAC_Status__c", "PAC_Priority__c"}
        assert self._updateable(manager, "PAC_Action__c") == {"PAC_Status__c", "PAC_Target__c", "PAC_Window_End__c"}
        assert "PAC_Key__c" not in self._updateable(manager, "PAC_Axis__c")
