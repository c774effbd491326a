"""Salesforce provisioning through simple-salesforce against the sandbox org: objects, fields and field access."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest

from connectors.base import SchemaError, Target, WriteChange
from connectors.retry import RetryPolicy
from connectors.salesforce.connector import SalesforceConnector, build
from connectors.salesforce.permissions import FIELD_ACCESS, OBJECT_ACCESS, PERMISSION_SET, wanted
from connectors.salesforce.schema import PAC_OBJECTS
from pac_config.loader import config_dir
from sandbox_crm.run import sandbox_env
from sandbox_crm.salesforce import INTEGRATION_USER, SalesforceApi
from sandbox_crm.server import SandboxServer

ROOT = Path(__file__).resolve().parents[2]
DEMO = config_dir() / "mappings" / "salesforce.demo.yaml"
PERMSET_XML = ROOT / "force-app" / "main" / "default" / "permissionsets" / "PAC_Integration.permissionset-meta.xml"
NO_WAIT = RetryPolicy(max_attempts=4, sleep=lambda _s: None, jitter=lambda: 0.0)
NS = {"md": "http://soap.sforce.com/2006/04/metadata"}
XML_FLAGS = {"allowRead": "PermissionsRead", "allowCreate": "PermissionsCreate", "allowEdit": "PermissionsEdit",
             "allowDelete": "PermissionsDelete", "viewAllRecords": "PermissionsViewAllRecords",
             "modifyAllRecords": "PermissionsModifyAllRecords"}


@pytest.fixture
def fresh() -> Iterator[tuple[SalesforceApi, SandboxServer]]:
    api = SalesforceApi(None, provisioned=False)
    with SandboxServer([api]) as server:
        yield api, server


def _connector(server: SandboxServer) -> SalesforceConnector:
    return build("sf", DEMO, sandbox_env(server), policy=NO_WAIT)


def _action(key: str = "pac-2027:A-001") -> WriteChange:
    return WriteChange(Target.ACTION, key, {"name": "Relancer les devis", "done": 1, "target": 4})


def _raw(connector: SalesforceConnector) -> Salesforce:
    return connector.client.sf


class TestFieldAccess:
    def test_provision_grants_access_and_the_check_after_is_clean(self, fresh) -> None:
        """Provisioning creates the objects and fields, the permission set with their access, and assigns it."""
        api, server = fresh
        connector = _connector(server)
        done = connector.provision_schema()
        assert "created object PAC_Axis__c" in done and f"created permission set {PERMISSION_SET}" in done
        assert "granted field access on 43 field(s) in PAC_Integration" in done     # 41 before plan end
        assert {f"created field PAC_Axis__c.{f}" for f in ("PAC_Won_Revenue__c", "PAC_Baseline__c")} <= set(done)
        assert "created permission set PAC_Manager" in done and "created permission set PAC_Rep" in done
        assert "granted object access on 2 object(s) in PAC_Integration" in done
        assert f"assigned permission set {PERMISSION_SET} to the integration user" in done
        assert connector.check_schema() == []
        results = connector.write([_action()])
        assert len(results) == 1 and results[0].ok
        [pset] = api.find("PermissionSet", Name=PERMISSION_SET)
        assert api.find("PermissionSetAssignment", PermissionSetId=pset["Id"], AssigneeId=api.integration_user)

    def test_provisioned_objects_track_their_fields_history(self, fresh) -> None:
        """pac creates the PAC objects with « Track Field History » (``enableHistory``) and their editable fields
        tracked (``trackHistory``), so the org keeps ``PAC_Action__History``: pac reads it to tell a person's edit
        from its own. The sandbox left the history object out, so pac's read of it warned « unavailable » on every
        org it had provisioned (seen with the connectors' notices kept in `pac status`, 7 Dec 2026)."""
        api, server = fresh
        connector = _connector(server)
        connector.provision_schema()
        custom = [obj for obj in PAC_OBJECTS if obj.custom]
        assert {obj.name: api.org.tracked.get(obj.name) for obj in custom} == {
            obj.name: {f.name for f in obj.fields if f.tracked} for obj in custom}
        assert all(api.org.tracked[obj.name] for obj in custom)
        for obj in custom:
            assert _raw(connector).query(f"SELECT Id FROM {obj.name[:-3]}__History")["totalSize"] == 0  # noqa: S608

    def test_second_run_changes_nothing_with_ten_queries(self, fresh) -> None:
        """A second provisioning creates nothing: three queries per permission set, one for the assignment."""
        _, server = fresh
        connector = _connector(server)
        connector.provision_schema()
        before = dict(connector.usage().by_endpoint)
        assert connector.provision_schema() == []
        after = connector.usage().by_endpoint
        assert after.get("query", 0) - before.get("query", 0) == 10
        assert after.get("composite", 0) == before.get("composite", 0)
        assert after.get("tooling", 0) == before.get("tooling", 0)

    def test_org_with_force_app_deployed_needs_nothing(self) -> None:
        """An org where an admin deployed force-app/ and assigned PAC_Integration: provisioning changes nothing."""
        with SandboxServer([SalesforceApi(None)]) as server:
            connector = _connector(server)
            assert connector.check_schema() == [] and connector.provision_schema() == []
            assert connector.usage().by_endpoint.get("composite", 0) == 0

    def test_fields_created_without_access_are_invisible_until_granted(self, fresh) -> None:
        """As in a real org: a Tooling-created field is hidden, writes fail; provisioning grants, not duplicates."""
        _, server = fresh
        connector = _connector(server)
        sf = _raw(connector)
        meta = {"label": "PAC Axis", "pluralLabel": "PAC Axes", "nameField": {"label": "Name", "type": "Text"},
                "deploymentStatus": "Deployed", "sharingModel": "ReadWrite"}
        sf.restful("tooling/sobjects/CustomObject", method="POST", json={"FullName": "PAC_Action__c",
                                                                          "Metadata": meta})
        sf.restful("tooling/sobjects/CustomField", method="POST", json={
            "FullName": "PAC_Action__c.PAC_Key__c",
            "Metadata": {"label": "PAC Key", "type": "Text", "length": 255, "externalId": True, "unique": True}})
        issues = {(i.object, i.field) for i in connector.check_schema()}
        assert ("PAC_Action__c", "PAC_Key__c") in issues
        with pytest.raises(SalesforceMalformedRequest, match="No such column 'PAC_Key__c'"):
            sf.query("SELECT Id, PAC_Key__c FROM PAC_Action__c")
        done = connector.provision_schema()
        assert "created field PAC_Action__c.PAC_Key__c" not in done
        assert "created field PAC_Action__c.PAC_Done__c" in done
        assert connector.check_schema() == [] and all(r.ok for r in connector.write([_action()]))

    def test_read_only_access_is_raised_to_edit(self, fresh) -> None:
        """A permission set granting read only: fields describe as not updateable, provisioning adds edit."""
        api, server = fresh
        connector = _connector(server)
        connector.provision_schema()
        [pset] = api.find("PermissionSet", Name=PERMISSION_SET)
        for row in api.find("FieldPermissions", ParentId=pset["Id"]):
            row["PermissionsEdit"] = False
        connector._describes.clear()
        issues = connector.check_schema()
        assert issues and all("not updateable by the integration user" in i.problem for i in issues)
        assert connector.provision_schema() == ["set field access on 43 existing row(s) of PAC_Integration"]
        assert connector.check_schema() == []

    def test_refused_setup_changes_stop_with_the_instruction(self, fresh) -> None:
        """An integration user who may not manage permission sets gets the permission set to assign, by name."""
        api, server = fresh
        api.manage_permissions = False
        connector = _connector(server)
        with pytest.raises(SchemaError) as caught:
            connector.provision_schema()
        message = str(caught.value)
        assert "INSUFFICIENT_ACCESS_OR_READONLY" in message
        assert "sf org assign permset --name PAC_Integration" in message
        assert api.schema["PAC_Axis__c"] is not None     # objects and fields were created before the refusal


class TestSetupObjectsWireFormat:
    def test_duplicate_permission_set_name_is_refused(self, fresh) -> None:
        """POST /sobjects/PermissionSet twice with one Name: 201, then 400 DUPLICATE_VALUE."""
        _, server = fresh
        sf = _raw(_connector(server))
        created = sf.restful("sobjects/PermissionSet", method="POST", json={"Name": "Sales_Ops", "Label": "Ops"})
        assert created["success"] is True and created["id"].startswith("0PS")
        with pytest.raises(SalesforceMalformedRequest, match="DUPLICATE_VALUE"):
            sf.restful("sobjects/PermissionSet", method="POST", json={"Name": "Sales_Ops", "Label": "Ops 2"})

    def test_field_permission_rules(self, fresh) -> None:
        """Edit without read, an unknown field and a second row for one field are refused, one SaveResult each."""
        _, server = fresh
        sf = _raw(_connector(server))
        pset = sf.restful("sobjects/PermissionSet", method="POST", json={"Name": "Ops", "Label": "Ops"})["id"]

        def row(field: str, read: bool = True) -> dict[str, object]:
            return {"attributes": {"type": "FieldPermissions"}, "ParentId": pset, "SobjectType": "Account",
                    "Field": field, "PermissionsRead": read, "PermissionsEdit": True}

        results = sf.restful("composite/sobjects", method="POST", json={"allOrNone": False, "records": [
            row("Account.Description"), row("Account.Description"), row("Account.Nope__c"),
            row("Account.Industry", read=False)]})
        assert [r["success"] for r in results] == [True, False, False, False]
        assert [r["errors"][0]["statusCode"] for r in results[1:]] == [
            "DUPLICATE_VALUE", "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "FIELD_INTEGRITY_EXCEPTION"]

    def test_assignment_twice_is_a_duplicate(self, fresh) -> None:
        """The same permission set assigned twice to one user: DUPLICATE_VALUE."""
        api, server = fresh
        sf = _raw(_connector(server))
        pset = sf.restful("sobjects/PermissionSet", method="POST", json={"Name": "Ops", "Label": "Ops"})["id"]
        [user] = api.find("User", Username=INTEGRATION_USER)
        body = {"PermissionSetId": pset, "AssigneeId": user["Id"]}
        assert sf.restful("sobjects/PermissionSetAssignment", method="POST", json=body)["success"]
        with pytest.raises(SalesforceMalformedRequest, match="DUPLICATE_VALUE"):
            sf.restful("sobjects/PermissionSetAssignment", method="POST", json=body)


class TestSfdxPermissionSet:
    def test_force_app_permission_set_matches_what_pac_grants(self) -> None:
        """force-app's PAC_Integration grants exactly the object and field access pac provisions."""
        root = ET.parse(PERMSET_XML).getroot()  # noqa: S314 - the repository's own file
        objects = {o.findtext("md:object", namespaces=NS): {XML_FLAGS[c.tag.split("}")[1]]: c.text == "true"
                                                             for c in o if c.tag.split("}")[1] in XML_FLAGS}
                   for o in root.findall("md:objectPermissions", NS)}
        fields = {f.findtext("md:field", namespaces=NS): (f.findtext("md:readable", namespaces=NS) == "true",
                                                           f.findtext("md:editable", namespaces=NS) == "true")
                  for f in root.findall("md:fieldPermissions", NS)}
        custom, names = wanted()
        assert objects == {name: OBJECT_ACCESS for name in custom}
        # every field read and edited, but a formula field, read only (Salesforce computes it: edit access refused)
        formulas = {f"{o.name}.{f.name}" for o in PAC_OBJECTS for f in o.fields if f.formula is not None}
        assert fields == {name: (FIELD_ACCESS["PermissionsRead"],
                                 FIELD_ACCESS["PermissionsEdit"] and name not in formulas) for name in names}


class TestFieldSizes:
    """A PAC field the org holds narrower than pac writes it (an org provisioned by an older pac, or created by hand):
    ``pac crm check`` names it, since the save refuses or rounds what pac writes there (audit sfwrite F1)."""

    def test_the_check_names_a_field_shorter_or_with_fewer_digits_than_pacs(self) -> None:
        """Seen failing before the fix: the check compared the fields' types only and returned [] for all three."""
        api = SalesforceApi(None)
        with SandboxServer([api]) as server:
            connector = _connector(server)
            axis = api.schema["PAC_Axis__c"].fields
            axis["PAC_Progress_Pct__c"].precision = 5   # Percent(5, 1), an older pac's: 9,999.9 % at most
            axis["PAC_ROI__c"].scale = 2                # Number(12, 2): 0.1875 saved as 0.19
            api.schema["Account"].fields["PAC_Axes__c"].length = 100    # Text(100): pac cuts the list at 255
            issues = {(i.object, i.field): i for i in connector.check_schema()}
        assert set(issues) == {("PAC_Axis__c", "PAC_Progress_Pct__c"), ("PAC_Axis__c", "PAC_ROI__c"),
                               ("Account", "PAC_Axes__c")}
        progress = issues[("PAC_Axis__c", "PAC_Progress_Pct__c")]
        # Percent(5, 1) keeps 5 - 1 = 4 digits before the point (10^4 = 10,000 refused), pac's Percent(18, 1) 17
        assert progress.problem.startswith("PAC_Axis__c.PAC_Progress_Pct__c is a Percent(5, 1) field; pac writes a "
                                           "Percent(18, 1): a value of 10,000 or more (or -10,000 or less) is "
                                           "refused (NUMBER_OUTSIDE_VALID_RANGE)")
        roi = issues[("PAC_Axis__c", "PAC_ROI__c")]
        assert "Number(12, 2) field; pac writes a Number(12, 4)" in roi.problem and "rounds" in roi.problem
        axes = issues[("Account", "PAC_Axes__c")]
        assert "Text(100) field; pac writes a Text(255)" in axes.problem and "STRING_TOO_LONG" in axes.problem
        assert not any(i.by_provisioning for i in issues.values())     # provisioning never changes an existing field
        assert all("force-app" in i.fix and "Setup" in i.fix for i in issues.values())

    def test_a_wider_field_is_no_problem(self) -> None:
        """An admin who widened a field (Text(255) kept, Percent(18, 2)) loses nothing: not named."""
        api = SalesforceApi(None)
        with SandboxServer([api]) as server:
            connector = _connector(server)
            api.schema["PAC_Axis__c"].fields["PAC_Progress_Pct__c"].scale = 2
            api.schema["PAC_Axis__c"].fields["PAC_Progress_Pct__c"].precision = 19
            assert connector.check_schema() == []

    def test_a_value_out_of_the_orgs_range_says_what_to_run(self) -> None:
        """A progress of 12,000 % in a Percent(5, 1) field is refused (NUMBER_OUTSIDE_VALID_RANGE: 12,000 >=
        10^(5 - 1) = 10,000): the error says the field is narrower than pac's and names the check, as
        STRING_TOO_LONG's. Seen failing before the fix: the error carried no hint."""
        api = SalesforceApi(None)
        with SandboxServer([api]) as server:
            connector = _connector(server)
            api.schema["PAC_Axis__c"].fields["PAC_Progress_Pct__c"].precision = 5
            [result] = connector.write([WriteChange(Target.AXIS, "pac-2027:AX-1", {"name": "AX-1 Dormants",
                                                                                 "progress_pct": 12000.0})])
        assert not result.ok and result.error is not None
        assert result.error.startswith("NUMBER_OUTSIDE_VALID_RANGE: ")
        assert "run `pac crm check`" in result.error


class TestUpsertKey:
    """The upsert key (``PAC_Key__c``) as the REST API needs it: "External ID" (an upsert by another field is
    refused) and "Unique" ("The Unique attribute prevents the creation of duplicates"; an External ID that is not
    unique needs "View All Data" to upsert, and a key matched by several records refuses the upsert: "If the external
    ID matches multiple existing records, then a 300 error is returned", REST API, Upsert Records Using sObject Rows
    by External ID). A key field created by hand without them passed the check (audit sfwrite F2)."""

    def test_a_key_field_that_is_no_external_id_is_named(self) -> None:
        """Seen failing before the fix: check_schema() returned [], and every axis upsert was refused as a whole call
        (INVALID_FIELD) with "(run: pac crm check / pac crm provision salesforce)"."""
        api = SalesforceApi(None)
        with SandboxServer([api]) as server:
            connector = _connector(server)
            api.schema["PAC_Axis__c"].fields["PAC_Key__c"].external_id = False
            issues = {(i.object, i.field): i for i in connector.check_schema()}
            with pytest.raises(SchemaError, match="INVALID_FIELD"):
                connector.write([WriteChange(Target.AXIS, "pac-2027:AX-1", {"name": "AX-1 Dormants"})])
        assert set(issues) == {("PAC_Axis__c", "PAC_Key__c")}
        issue = issues[("PAC_Axis__c", "PAC_Key__c")]
        assert issue.problem.startswith("PAC_Axis__c.PAC_Key__c is not an External ID field: pac upserts "
                                        "PAC_Axis__c records by it")
        assert "External ID and Unique" in issue.fix and not issue.by_provisioning

    def test_a_key_field_that_is_not_unique_is_named(self) -> None:
        """Seen failing before the fix: check_schema() returned []."""
        api = SalesforceApi(None)
        with SandboxServer([api]) as server:
            connector = _connector(server)
            api.schema["PAC_Action__c"].fields["PAC_Key__c"].unique = False
            issues = {(i.object, i.field): i for i in connector.check_schema()}
        assert set(issues) == {("PAC_Action__c", "PAC_Key__c")}
        issue = issues[("PAC_Action__c", "PAC_Key__c")]
        assert issue.problem.startswith("PAC_Action__c.PAC_Key__c is an External ID but not Unique")
        assert "View All Data" in issue.problem and "several records" in issue.problem
