"""Provisioning and write-back in a portal: custom objects, the fallback on a Starter portal, idempotence."""

from __future__ import annotations

from datetime import date

import pytest

from connectors.base import ObjectKind, SchemaError, Target, WriteChange
from connectors.hubspot.mapping import check_mapping_online, load_mapping, provision
from connectors.sandbox.hubspot_api import HubSpotApi
from connectors.sandbox.server import SandboxServer
from tests.contract.factory_hubspot import sandbox_connector

LEA = "lea.rousseau@durand-process.example"


def _portal(tier="enterprise"):
    api = HubSpotApi(None, tier=tier)
    owner = api.add_owner(LEA, "Léa", "Rousseau")
    company = api.add("companies", {"name": "Toulouse Eau", "zip": "31000", "hubspot_owner_id": owner})
    return api, owner, company


def _changes(company):
    return [WriteChange(Target.AXIS, "pac-2027:AX-1", {"name": "Clients dormants", "status": "active", "priority": 1,
                                                       "objective": 150000, "owner_email": LEA}),
            WriteChange(Target.ACTION, "pac-2027:A-07", {"name": "Visiter 5 clients dormants du 31", "target": 5,
                                                         "done": 2, "window_end": date(2027, 5, 9),
                                                         "status": "in_progress", "owner_email": LEA}),
            WriteChange(Target.ACCOUNT, "acc", {"axes": ["pac-2027:AX-1"]}, crm_id=company)]


class TestCustomObjects:
    def test_provision_is_idempotent_and_check_is_clean(self):
        """Provisioning creates objects, group and properties once; a second run does nothing."""
        api, _, _ = _portal()
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            assert {i.object for i in connector.check_schema()} == {"pac_axis", "pac_action", "companies"}
            dry = provision(connector, dry_run=True)
            assert dry and api.schemas == {}
            assert provision(connector)
            assert provision(connector) == [] and connector.check_schema() == []
            assert api.table("pac_axis").properties["pac_key"]["hasUniqueValue"] is True

    def test_second_write_creates_nothing_new(self):
        """Writing the same changes twice upserts the same records: no duplicate, same ids."""
        api, owner, company = _portal()
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            connector.provision_schema()
            first, second = connector.write(_changes(company)), connector.write(_changes(company))
            assert [r.crm_id for r in first] == [r.crm_id for r in second] and all(r.ok for r in second)
            action = next(iter(api.table("pac_action").rows.values()))
            assert action.props["hubspot_owner_id"] == owner and action.props["pac_done"] == "2"
            assert len(api.table("pac_action").rows) == 1
            assert api.tables["companies"].rows[company].props["pac_axes"] == "pac-2027:AX-1"
            axis = first[0].crm_id
            assert set(api.links[("companies", "pac_axis")][company]) == {axis}

    def test_writes_before_provisioning_say_what_to_do(self):
        """Writing to a portal without the PAC objects raises SchemaError naming the command."""
        api, _, company = _portal()
        with SandboxServer([api]) as server, pytest.raises(SchemaError, match="pac crm provision"):
            sandbox_connector(server).write(_changes(company))


class TestFallback:
    def test_starter_portal_gets_tasks(self):
        """Without custom objects, actions become tasks with subject, due date and owner; axes stay out."""
        api, owner, company = _portal("starter")
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            assert {i.object for i in connector.check_schema()} == {"companies", "tasks"}
            connector.provision_schema()
            assert connector.check_schema() == []
            results = connector.write(_changes(company))
            assert all(r.ok for r in results)
            tasks = list(api.tables["tasks"].rows.values())
            assert len(tasks) == 1
            task = tasks[0].props
            assert task["hs_task_subject"] == "Visiter 5 clients dormants du 31"
            assert task["hs_timestamp"] == "1809820800000" and task["hubspot_owner_id"] == owner
            assert task["hs_task_status"] == "IN_PROGRESS" and task["pac_key"] == "pac-2027:A-07"
            connector.write(_changes(company))
            assert len(api.tables["tasks"].rows) == 1

    def test_task_completed_by_the_manager_flows_back(self):
        """A task marked completed in HubSpot comes back as the action's status 'done'."""
        api, _, company = _portal("starter")
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            connector.provision_schema()
            connector.write(_changes(company))
            task_id = next(iter(api.tables["tasks"].rows))
            api.update("tasks", task_id, {"hs_task_status": "COMPLETED"})
            edits = list(connector.pull(ObjectKind.PAC_EDITS, None))
            assert [(e.key, e.field, e.value) for e in edits] == [("pac-2027:A-07", "action_status", "done")]

    def test_custom_objects_mode_on_starter_is_refused(self, tmp_path):
        """Mode custom_objects on a portal without them is a clear SchemaError."""
        path = tmp_path / "hs.yaml"
        path.write_text("writeback:\n  mode: custom_objects\n", encoding="utf-8")
        api, _, company = _portal("starter")
        with SandboxServer([api]) as server, pytest.raises(SchemaError, match=r"writeback\.mode"):
            sandbox_connector(server, mapping=path).write(_changes(company))


class TestOnlineMappingCheck:
    def test_unknown_property_and_foreign_stage(self, tmp_path):
        """The portal reveals a misspelt property and a stage id listed under the wrong pipeline."""
        path = tmp_path / "hs.yaml"
        path.write_text("companies:\n  postal_code: zipcode\ndeals:\n  stage_overrides:\n"
                        "    default: {'1002': won}\n", encoding="utf-8")
        api, _, _ = _portal()
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            problems = check_mapping_online(load_mapping(path), connector)
            messages = {p.path: p.message for p in problems}
            assert "companies.zipcode" in messages
            assert "pipeline 'maintenance'" in messages["deals.stage_overrides.default.1002"]
            assert check_mapping_online(load_mapping(), connector) == []
