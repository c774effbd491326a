"""Provisioning and write-back in a portal: custom objects, the fallback on a Starter portal, idempotence."""

from __future__ import annotations

from datetime import date

import pytest

from connectors.base import ManagerEdit, ObjectKind, PacListed, PacValue, SchemaError, Target, WriteChange
from connectors.hubspot.mapping import check_mapping_online, load_mapping, provision
from pac_core.kpis import ROI_HELP
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.server import SandboxServer
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
        """Provisioning creates objects, group and properties once; a second run does nothing. With custom objects
        the deals get no PAC property: pac writes the deals' pac_axes and pac_target in the fallback layout only, and
        here they were made and stayed empty for good (audit hshand3; seen failing before: "deals" among the check's
        objects)."""
        api, _, _ = _portal()
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            assert {i.object for i in connector.check_schema()} == {"pac_axis", "pac_action", "companies"}
            dry = provision(connector, dry_run=True)
            assert dry and api.schemas == {}
            assert provision(connector)
            assert provision(connector) == [] and connector.check_schema() == []
            assert api.table("pac_axis").properties["pac_key"]["hasUniqueValue"] is True
            assert not {"pac_axes", "pac_target"} & set(api.table("deals").properties)

    def test_a_pac_property_made_calculated_or_retyped_is_named_by_the_check(self):
        """An admin (or another app) defined the company's pac_axes as a calculated property, and pac_target as a
        number: every write of pac's values is refused, night after night, while `pac crm check` said nothing and
        provisioning saw them there (audit ops). Each is a schema issue naming what the portal holds and the fix.
        Seen failing before the fix: [] (no issue)."""
        api, _, _ = _portal()
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            provision(connector)
            companies = api.table("companies").properties
            companies["pac_axes"]["calculated"] = True
            companies["pac_axes"]["modificationMetadata"]["readOnlyValue"] = True
            companies["pac_target"].update(type="number", fieldType="number")
            issues = {(i.object, i.field): (i.problem, i.fix) for i in sandbox_connector(server).check_schema()}
        fix = "delete it in Settings > Properties (its values are pac's to write), then run pac crm provision hubspot"
        assert issues == {
            ("companies", "pac_axes"): (
                "pac_axes is a calculated (read-only) property in this portal: HubSpot refuses every value pac writes",
                fix),
            ("companies", "pac_target"): (
                "pac_target is a number property in this portal; pac writes a bool (booleancheckbox)", fix),
        }

    def test_pac_roi_gets_its_description_in_the_plans_language(self):
        """pac_axis.pac_roi carries ROI_HELP as its description: sent with the schema's property definitions
        (crm-object-schemas "Create a new custom object schema": ``properties[].description``), and a portal
        provisioned before, whose pac_roi has none, gets it from the next provisioning (PropertyUpdate's
        ``description``), once. Seen failing before the fix (audit hspkg F4): the description was stripped from
        the schema and never sent by a relabel, so pac_roi's stayed "" for good."""
        api, _, _ = _portal()
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            connector.labels_language = "fr"
            connector.provision_schema()
            roi = api.table("pac_axis").properties["pac_roi"]
            assert roi["description"] == ROI_HELP[1]
            roi["description"] = ""                     # as a portal provisioned by an older pac holds it
            api.requests.clear()
            done = connector.provision_schema()
            assert roi["description"] == ROI_HELP[1], done
            patched = [body for method, path, body in api.requests
                       if method == "PATCH" and path.endswith("/pac_roi")]
            assert patched == [{"description": ROI_HELP[1]}]
            assert connector.provision_schema() == []

    def test_the_checkboxes_are_created_with_their_two_options(self):
        """pac_target (companies and deals) is a single checkbox: it is created with the options a checkbox made in
        HubSpot's settings has, "true" / "false" labelled Yes / No (« Oui » / « Non » in a French portal), so the values
        pac writes are options of the property (HubSpot checks a checkbox's value against its options: INVALID_OPTION);
        a portal provisioned before, whose checkbox has none, gets them from the next provisioning, once. Seen failing
        before the fix (audit hshand3): created with no ``options``, and nothing added them."""
        api, _, company = _portal("starter")      # the fallback layout: companies and deals both get the checkbox
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            connector.labels_language = "fr"
            connector.provision_schema()
            for obj in ("companies", "deals"):
                target = api.table(obj).properties["pac_target"]
                assert (target["type"], target["fieldType"]) == ("bool", "booleancheckbox")
                assert [(o["value"], o["label"]) for o in target["options"]] == [("true", "Oui"), ("false", "Non")]
            api.table("companies").properties["pac_target"]["options"] = []    # as an older pac created it
            assert connector.provision_schema() != []
            assert [o["value"] for o in api.table("companies").properties["pac_target"]["options"]] == ["true", "false"]
            assert connector.provision_schema() == []
            assert all(r.ok for r in connector.write(_changes(company)))
            assert api.tables["companies"].rows[company].props["pac_target"] == "true"

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
            assert first[1].crm_id not in api.links.get(("pac_action", "companies"), {})   # no company named

    def test_action_object_associated_to_owner_and_named_companies(self):
        """Custom objects: the action record has its owner and is associated with the companies named."""
        api, owner, company = _portal()
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            connector.provision_schema()
            action = WriteChange(Target.ACTION, "pac-2027:A-09", {"name": "Démo chez Toulouse Eau", "target": 1,
                                                                  "owner_email": LEA, "companies": [company]})
            [result] = connector.write([action])
            record = api.table("pac_action").rows[result.crm_id].props
            assert record["hubspot_owner_id"] == owner
            assert set(api.links[("pac_action", "companies")][result.crm_id]) == {company}

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
            assert {i.object for i in connector.check_schema()} == {"companies", "deals", "tasks"}
            connector.provision_schema()
            assert connector.check_schema() == []
            results = connector.write(_changes(company))
            assert results and all(r.ok for r in results)
            tasks = list(api.tables["tasks"].rows.values())
            assert len(tasks) == 1
            task = tasks[0].props
            assert task["hs_task_subject"] == "Visiter 5 clients dormants du 31"
            assert task["hs_timestamp"] == "1809864000000" and task["hubspot_owner_id"] == owner   # noon UTC
            assert task["hs_task_status"] == "NOT_STARTED" and task["pac_status"] == "in_progress"
            assert task["pac_key"] == "pac-2027:A-07"
            connector.write(_changes(company))
            assert len(api.tables["tasks"].rows) == 1

    def test_property_groups_on_companies_and_deals(self):
        """Fallback provisioning makes a PAC group with its properties on companies, deals and tasks."""
        api, _, _ = _portal("starter")
        with SandboxServer([api]) as server:
            done = sandbox_connector(server).provision_schema()
        assert "created property group pac on deals" in done
        assert "created 2 properties on deals: pac_axes, pac_target" in done
        for object_type in ("companies", "deals", "tasks"):
            assert "pac" in api.tables[object_type].groups
        assert api.tables["deals"].properties["pac_axes"]["groupName"] == "pac"

    def test_deals_carry_the_axes_of_their_primary_company(self):
        """An account change copies its axes onto the deals whose primary company it is, and only those."""
        api, _, company = _portal("starter")
        other = api.add("companies", {"name": "Albi Chimie", "zip": "81000"})
        mine = api.add("deals", {"dealname": "Pompe doseuse", "pipeline": "default", "dealstage": "closedwon"})
        api.associate("deals", mine, "companies", company, primary=True)
        elsewhere = api.add("deals", {"dealname": "Filtre", "pipeline": "default", "dealstage": "closedwon"})
        api.associate("deals", elsewhere, "companies", other, primary=True)
        api.associate("deals", elsewhere, "companies", company)       # linked, but its primary is another
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            connector.provision_schema()
            changes = [WriteChange(Target.ACCOUNT, "acc", {"axes": ["AX-RA-DORM", "AX-SO-MAINT"]}, crm_id=company)]
            results = connector.write(changes)
            assert len(results) == len(changes) > 0 and all(r.ok for r in results)
            deal = api.tables["deals"].rows[mine].props
            assert deal["pac_axes"] == "AX-RA-DORM; AX-SO-MAINT" and deal["pac_target"] == "true"
            assert not api.tables["deals"].rows[elsewhere].props.get("pac_axes")
            cleared = [WriteChange(Target.ACCOUNT, "acc", {"axes": None, "target": False}, crm_id=company)]
            results = connector.write(cleared)
            assert len(results) == len(cleared) > 0 and all(r.ok for r in results)
            assert api.tables["deals"].rows[mine].props["pac_target"] == "false"
            assert not api.tables["deals"].rows[mine].props.get("pac_axes")

    def test_task_is_associated_to_the_companies_its_scope_names(self):
        """An action change naming companies links its task to them; the ids are not written as a property."""
        api, owner, company = _portal("starter")
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            connector.provision_schema()
            changes = [WriteChange(Target.ACTION, "pac-2027:A-08", {"name": "Relancer Toulouse Eau", "target": 1,
                                                                    "window_end": date(2027, 6, 30),
                                                                    "owner_email": LEA, "companies": [company]})]
            [result] = connector.write(changes)
            assert result.ok and result.crm_id
            task = api.tables["tasks"].rows[result.crm_id].props
            assert task["hubspot_owner_id"] == owner and "companies" not in task
            assert set(api.links[("tasks", "companies")][result.crm_id]) == {company}

    def test_task_completed_by_the_manager_flows_back(self):
        """A task marked completed in HubSpot comes back as the action's status 'done'; the full read lists the
        live tasks' keys (``PacListed``: a task deleted there is written again, audit hsemu F2)."""
        api, _, company = _portal("starter")
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            connector.provision_schema()
            connector.write(_changes(company))
            task_id = next(iter(api.tables["tasks"].rows))
            api.update("tasks", task_id, {"hs_task_status": "COMPLETED"})
            items = list(connector.pull(ObjectKind.PAC_EDITS, None))
            edits = [e for e in items if isinstance(e, ManagerEdit) and not isinstance(e, PacValue)]
            assert [(e.key, e.field, e.value) for e in edits] == [("pac-2027:A-07", "action_status", "done")]
            assert [(i.target, i.keys) for i in items if isinstance(i, PacListed)] \
                == [(Target.ACTION, frozenset({"pac-2027:A-07"}))]
            # the values pac computes, read back for drift repair (audit hspkg F3): the task's figures, due day,
            # subject and owner, never its status, which is the manager's
            values = {(v.field, v.crm_field): v.value for v in items if isinstance(v, PacValue)}
            assert {k: values[k] for k in [("target", "pac_target"), ("done", "pac_done"), ("name", "hs_task_subject"),
                                           ("window_end", "hs_timestamp"), ("window_end", "pac_window_end"),
                                           ("owner_email", "hubspot_owner_id")]} \
                == {("target", "pac_target"): "5", ("done", "pac_done"): "2",
                    ("name", "hs_task_subject"): "Visiter 5 clients dormants du 31",
                    ("window_end", "hs_timestamp"): "2027-05-09", ("window_end", "pac_window_end"): "2027-05-09",
                    ("owner_email", "hubspot_owner_id"): LEA}
            assert "status" not in {v.field for v in items if isinstance(v, PacValue)}
            assert len(items) == len(edits) + len(values) + 1

    def test_custom_objects_mode_on_starter_is_refused(self, tmp_path):
        """Mode custom_objects on a portal without them is a clear SchemaError."""
        path = tmp_path / "hs.yaml"
        path.write_text("writeback:\n  mode: custom_objects\n", encoding="utf-8")
        api, _, company = _portal("starter")
        with SandboxServer([api]) as server, pytest.raises(SchemaError, match=r"writeback\.mode"):
            sandbox_connector(server, mapping=path).write(_changes(company))


def _provisioned(server):
    """A connector on a portal pac has provisioned: the online check reports the PAC objects a portal lacks (as the
    Salesforce one does), so these tests of the mapping's own problems run where they exist."""
    connector = sandbox_connector(server)
    provision(connector)
    return connector


class TestOnlineMappingCheck:
    def test_unknown_property_and_foreign_stage(self, tmp_path):
        """The portal reveals a misspelt property and a stage id listed under the wrong pipeline."""
        path = tmp_path / "hs.yaml"
        path.write_text("companies:\n  postal_code: zipcode\ndeals:\n  stage_overrides:\n"
                        "    default: {'1002': won}\n", encoding="utf-8")
        api, _, _ = _portal()
        with SandboxServer([api]) as server:
            connector = _provisioned(server)
            problems = check_mapping_online(load_mapping(path), connector)
            messages = {p.path: p.message for p in problems}
            assert messages["companies.postal_code"] == "the portal has no companies property 'zipcode'"
            assert "pipeline 'maintenance'" in messages["deals.stage_overrides.default.1002"]
            assert check_mapping_online(load_mapping(), connector) == []

    def test_problems_are_located_and_in_file_order(self, tmp_path):
        """With the mapping file, each problem carries the line of its key, problems sorted by line."""
        path = tmp_path / "hb.yaml"
        path.write_text("deals:\n  stage_overrides:\n    default: {'1002': won}\n# notes\n\n\n\ncompanies:\n"
                        "  name: name\n  postal_code: zipp\n  custom:\n    sector: secteurr\n", encoding="utf-8")
        api, _, _ = _portal()
        with SandboxServer([api]) as server:
            problems = check_mapping_online(load_mapping(path), _provisioned(server), path)
        assert [(p.line, p.path) for p in problems] == [
            (3, "deals.stage_overrides.default.1002"), (10, "companies.postal_code"), (12, "companies.custom.sector")]
        assert str(problems[1]).startswith(f"{path}:10 companies.postal_code: the portal has no companies property "
                                           "'zipp' (did you mean 'zip'?)")


class TestOnlineOptionCheck:
    """Mapped values of enumeration properties (meeting types and outcomes, call statuses and dispositions) are
    checked against the portal's options, and a property written by its label is named by its internal name."""

    @staticmethod
    def _check(tmp_path, text):
        path = tmp_path / "hs.yaml"
        path.write_text(text, encoding="utf-8")
        api, _, _ = _portal()
        with SandboxServer([api]) as server:
            return check_mapping_online(load_mapping(path), _provisioned(server), path)

    def test_the_sandbox_gives_options_and_labels_as_the_properties_api(self):
        """GET /crm/v3/properties/{objectType}: each option with value and label, the default properties' labels."""
        api, _, _ = _portal()
        with SandboxServer([api]) as server:
            connector = _provisioned(server)
            calls = connector.property_definitions("calls")
            dispositions = {o["value"]: o["label"] for o in calls["hs_call_disposition"]["options"]}
            assert dispositions["f240bbac-87c9-4f6e-bf70-924b57d47db7"] == "Connected"
            assert {"value", "label", "hidden", "displayOrder"} <= set(calls["hs_call_status"]["options"][0])
            outcomes = connector.property_definitions("meetings")["hs_meeting_outcome"]["options"]
            assert [o["value"] for o in outcomes] == ["SCHEDULED", "COMPLETED", "RESCHEDULED", "NO_SHOW", "CANCELED"]
            assert connector.property_definitions("companies")["zip"]["label"] == "Postal Code"

    def test_the_sandbox_types_the_amounts_as_hubspot_documents_them(self):
        """HubSpot's default deal property `amount` is a number (knowledge base, "HubSpot's default deal properties";
        GET /crm/v3/properties/deals gives type number, fieldType number), as are the company's annualrevenue and
        the line item's quantity, price and amount. Seen failing before (audit ops2): the sandbox gave deals.amount
        as string / text."""
        api, _, _ = _portal()
        with SandboxServer([api]) as server:
            connector = _provisioned(server)
            deals = connector.property_definitions("deals")
            lines = connector.property_definitions("line_items")
            companies = connector.property_definitions("companies")
            assert (deals["amount"]["type"], deals["amount"]["fieldType"]) == ("number", "number")
            assert {(lines[p]["type"], lines[p]["fieldType"]) for p in ("quantity", "price", "amount")} \
                == {("number", "number")}
            assert (companies["annualrevenue"]["type"], companies["annualrevenue"]["fieldType"]) == ("number", "number")

    def test_mistyped_values_are_located_with_the_value_meant(self, tmp_path):
        """A meeting type in the wrong case matched no meeting (A-08 went from 3 visits to 0 with the check OK),
        a label written for a disposition GUID matched no call; each is now a located problem with its fix. Seen
        failing before: check_mapping_online returned []."""
        problems = self._check(tmp_path, (
            "activities:\n"
            "  meetings:\n"
            "    types:\n"
            "      Visite Client: visit\n"                 # line 4: 'Visite client' in the portal
            "      Démonstration: demo\n"
            "    outcomes:\n"
            "      COMPLETED: completed\n"
            "      Canceled: cancelled\n"                  # line 8: compared upper-cased
            "      CANCELLED: cancelled\n"                 # line 9: HubSpot spells it CANCELED
            "  calls:\n"
            "    dispositions:\n"
            "      Connected: completed\n"                 # line 12: the label of a GUID
            "      f240bbac-87c9-4f6e-bf70-924b57d47db7: completed\n"
            "    statuses:\n"
            "      NO ANSWER: no_show\n"                   # line 15
            "      MISSED: no_show\n"
            "    disposition_statuses: [completed, DONE]\n"))   # line 17: completed is upper-cased, DONE is not one
        assert [(p.line, p.path, p.message, p.fix) for p in problems] == [
            (4, "activities.meetings.types.Visite Client",
             "meeting type 'Visite Client' matches no option of meetings.hs_activity_type",
             "did you mean 'Visite client'?"),
            (8, "activities.meetings.outcomes.Canceled", "meeting outcome 'Canceled' matches no option of "
             "meetings.hs_meeting_outcome: meeting outcome values are compared upper-cased", "write CANCELED"),
            (9, "activities.meetings.outcomes.CANCELLED",
             "meeting outcome 'CANCELLED' matches no option of meetings.hs_meeting_outcome",
             "did you mean 'CANCELED'?"),
            (12, "activities.calls.dispositions.Connected",
             "'Connected' is the label of call disposition option 'f240bbac-87c9-4f6e-bf70-924b57d47db7'",
             "write the option's value: f240bbac-87c9-4f6e-bf70-924b57d47db7"),
            (15, "activities.calls.statuses.NO ANSWER", "'NO ANSWER' is the label of call status option 'NO_ANSWER'",
             "write the option's value: NO_ANSWER"),
            (17, "activities.calls.disposition_statuses[1]",
             "call status 'DONE' matches no option of calls.hs_call_status", problems[-1].fix)]
        assert problems[-1].fix.startswith("use one of ['BUSY', 'CALLING_CRM_USER', 'CANCELED', 'COMPLETED',")

    def test_call_directions_are_checked_against_the_portal(self, tmp_path):
        """``calls.count_directions`` lists hs_call_direction values (compared upper-cased): 'outbound' passes, a
        value the property does not have (OUTGOING) is located with the one meant; the shipped mapping's
        ``direction_property`` exists in the portal (audit F6)."""
        problems = self._check(tmp_path, "activities:\n  calls:\n    count_directions: [outbound, OUTGOING]\n")
        assert [(p.line, p.path, p.message, p.fix) for p in problems] == [
            (3, "activities.calls.count_directions[1]",
             "call direction 'OUTGOING' matches no option of calls.hs_call_direction", "did you mean 'OUTBOUND'?")]

    def test_email_directions_and_statuses_are_checked_once_enabled(self, tmp_path):
        """``activities.emails`` (opt-in): its properties exist in the portal (the sandbox's emails object), and a
        direction or status no option has is located; disabled, nothing of it is checked."""
        assert self._check(tmp_path, "activities:\n  emails:\n    count_directions: [SENT]\n") == []
        problems = self._check(tmp_path, "activities:\n  emails:\n    enabled: true\n"
                                         "    count_directions: [SENT]\n    statuses:\n      DELIVERED: completed\n")
        assert [(p.line, p.path, p.message) for p in problems] == [
            (4, "activities.emails.count_directions[0]",
             "e-mail direction 'SENT' matches no option of emails.hs_email_direction"),
            (6, "activities.emails.statuses.DELIVERED",
             "e-mail status 'DELIVERED' matches no option of emails.hs_email_status")]

    def test_task_section_is_checked_against_the_portal_once_enabled(self, tmp_path):
        """``activities.tasks`` (opt-in): disabled, nothing of it is checked; enabled, its properties exist in the
        portal (the sandbox's tasks object: the Tasks guide's properties), a label written for the internal name
        gives the name, and a task type or status no option of hs_task_type / hs_task_status has is located with
        the value meant; the shipped section, enabled, checks clean."""
        bad = ("    fallback_start: Completed at\n"          # line 4: the label of hs_task_completion_date
               "    types:\n      LINKED_IN_MESSAGES: email\n"   # line 6
               "    statuses:\n      DONE: completed\n")        # line 8
        assert self._check(tmp_path, "activities:\n  tasks:\n    enabled: false\n" + bad) == []
        problems = self._check(tmp_path, "activities:\n  tasks:\n    enabled: true\n" + bad)
        assert [(p.line, p.path, p.message, p.fix) for p in problems] == [
            (4, "activities.tasks.fallback_start", "'Completed at' is the label of tasks property "
             "'hs_task_completion_date'", "write the internal name: hs_task_completion_date"),
            (6, "activities.tasks.types.LINKED_IN_MESSAGES",
             "task type 'LINKED_IN_MESSAGES' matches no option of tasks.hs_task_type",
             "did you mean 'LINKED_IN_MESSAGE'?"),
            (8, "activities.tasks.statuses.DONE", "task status 'DONE' matches no option of tasks.hs_task_status",
             problems[-1].fix)]
        assert problems[-1].fix == "use one of ['COMPLETED', 'DEFERRED', 'IN_PROGRESS', 'NOT_STARTED', 'WAITING']"
        assert self._check(tmp_path, "activities:\n  tasks:\n    enabled: true\n") == []

    def test_documented_values_pass_where_the_portal_lists_fewer(self, tmp_path):
        """HubSpot's documented outcomes, call statuses and default dispositions are never flagged, even on a portal
        whose property lists fewer options (MISSED and HOLD are inbound calling's); the shipped mapping checks
        clean."""
        api, _, _ = _portal()
        calls = api.tables["calls"].properties
        calls["hs_call_status"]["options"] = [o for o in calls["hs_call_status"]["options"]
                                              if o["value"] not in ("MISSED", "HOLD", "UNKNOWN")]
        calls["hs_call_disposition"]["options"] = []
        with SandboxServer([api]) as server:
            assert check_mapping_online(load_mapping(), _provisioned(server)) == []

    def test_a_property_label_or_case_names_the_internal_name(self, tmp_path):
        """'Postal Code' (the label of zip) and 'ZIP' got "no companies property" with no suggestion. Seen failing
        before: the fix was "fix the property name in the mapping or create it in HubSpot"."""
        problems = self._check(tmp_path, "companies:\n  postal_code: Postal Code\n  annual_revenue: ANNUALREVENUE\n"
                                         "  industry: Industri\n")
        assert [(p.path, p.message, p.fix) for p in problems] == [
            ("companies.postal_code", "'Postal Code' is the label of companies property 'zip'",
             "write the internal name: zip"),
            ("companies.annual_revenue", "the portal has no companies property 'ANNUALREVENUE'",
             "did you mean 'annualrevenue'? property names are case-sensitive"),
            ("companies.industry", "the portal has no companies property 'Industri'", "did you mean 'industry'?")]
