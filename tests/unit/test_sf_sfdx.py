"""The SFDX source is valid metadata XML in the documented layout and matches what the connector writes."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import ClassVar

import pytest

from connectors.base import EDIT_FIELDS, Target
from connectors.hubspot.schema import ACTION_PROPS, AXIS_PROPS, OPTION_LABELS, PROGRESS_LABELS
from connectors.hubspot.schema import LABELS as HS_LABELS
from connectors.salesforce.mapping import load_mapping
from connectors.salesforce.schema import PAC_ACTION, PAC_AXIS, PAC_OBJECTS
from sync_jobs.report.i18n import ENUMS

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "force-app" / "main" / "default"
NS = "{http://soap.sforce.com/2006/04/metadata}"


def _parse(path: Path) -> ET.Element:
    return ET.parse(path).getroot()  # noqa: S314 - our own repository files


class TestSfdxSource:
    def test_project_file_points_at_force_app(self) -> None:
        """sfdx-project.json declares force-app as the default package directory."""
        project = json.loads((ROOT / "sfdx-project.json").read_text(encoding="utf-8"))
        assert project["packageDirectories"][0] == {"path": "force-app", "default": True}

    @pytest.mark.parametrize("path", sorted(DEFAULT.rglob("*-meta.xml")), ids=lambda p: p.name)
    def test_every_file_is_metadata_xml(self, path: Path) -> None:
        """Every file parses and its root element is in the metadata namespace."""
        assert _parse(path).tag.startswith(NS)

    @pytest.mark.parametrize("obj", PAC_OBJECTS, ids=lambda o: o.name)
    def test_fields_match_the_connector_schema(self, obj: object) -> None:
        """Each object's field files are exactly the connector's fields, with the same type."""
        fields_dir = DEFAULT / "objects" / obj.name / "fields"  # type: ignore[attr-defined]
        on_disk = {}
        for path in fields_dir.glob("*.field-meta.xml"):
            root = _parse(path)
            assert root.tag == f"{NS}CustomField"
            name = root.findtext(f"{NS}fullName")
            assert path.name == f"{name}.field-meta.xml"
            on_disk[name] = root.findtext(f"{NS}type")
        assert on_disk == {f.name: f.type for f in obj.fields}  # type: ignore[attr-defined]

    @pytest.mark.parametrize("name,layout", [("PAC_Axis__c", "PAC Axis Layout"),
                                             ("PAC_Action__c", "PAC Action Layout")])
    def test_object_list_view_and_layout(self, name: str, layout: str) -> None:
        """Each custom object has its object file, a list view and a layout listing all its fields."""
        assert _parse(DEFAULT / "objects" / name / f"{name}.object-meta.xml").tag == f"{NS}CustomObject"
        assert _parse(DEFAULT / "objects" / name / "listViews" / "All.listView-meta.xml").tag == f"{NS}ListView"
        root = _parse(DEFAULT / "layouts" / f"{name}-{layout}.layout-meta.xml")
        assert root.tag == f"{NS}Layout"
        placed = {item.findtext(f"{NS}field") for item in root.iter(f"{NS}layoutItems")}
        expected = {f.name for o in PAC_OBJECTS if o.name == name for f in o.fields}
        assert expected <= placed

    def test_mapping_writes_only_fields_in_the_source(self) -> None:
        """Every field the default mapping writes exists in the SFDX source (or is standard: Name, OwnerId)."""
        mapping = load_mapping()
        for obj, keyed in mapping.write_fields().items():
            for field in keyed.values():
                if field in ("Name", "OwnerId"):
                    continue
                assert (DEFAULT / "objects" / obj / "fields" / f"{field}.field-meta.xml").is_file(), (obj, field)


def _texts(root: ET.Element, tag: str) -> list[str]:
    return [e.text or "" for e in root.iter(f"{NS}{tag}")]


class TestRenderedSource:
    def test_rendered_files_are_on_disk(self) -> None:
        """Fields, objects, permission sets and French translations on disk are what sfdx.py renders from the
        connector's definitions (run `python -m connectors.salesforce.sfdx` after changing schema.py)."""
        from connectors.salesforce.sfdx import rendered

        stale = [str(rel) for rel, text in rendered().items()
                 if not (DEFAULT / rel).is_file() or (DEFAULT / rel).read_text(encoding="utf-8") != text]
        assert stale == []

    def test_every_field_has_a_french_label_and_every_picklist_value_too(self) -> None:
        for obj in PAC_OBJECTS:
            for f in obj.fields:
                assert f.label_fr, (obj.name, f.name)
                assert len(f.value_labels_fr) == len(f.values), (obj.name, f.name)
                path = DEFAULT / "objectTranslations" / f"{obj.name}-fr" / f"{f.name}.fieldTranslation-meta.xml"
                root = _parse(path)
                assert root.findtext(f"{NS}label") == f.label_fr
                assert _texts(root, "masterLabel") == list(f.values)     # API values stay stable


    def test_roi_field_says_it_is_a_ratio_to_date(self) -> None:
        """PAC_ROI__c stays a Number(12, 4) holding a ratio (orgs have it deployed), labelled as one in English and
        French, with inline help users see (audit E F9: labelled « ROI », 0,1875 read as 0.19 %)."""
        path = DEFAULT / "objects" / "PAC_Axis__c" / "fields" / "PAC_ROI__c.field-meta.xml"
        root = _parse(path)
        assert (root.findtext(f"{NS}type"), root.findtext(f"{NS}precision"), root.findtext(f"{NS}scale")) == (
            "Number", "12", "4")
        assert root.findtext(f"{NS}label") == "ROI to date (1 = 100 %)"
        assert "0.1875" in (root.findtext(f"{NS}inlineHelpText") or "")
        tags = [child.tag.removeprefix(NS) for child in root]
        assert tags.index("externalId") < tags.index("inlineHelpText") < tags.index("label")
        fr = _parse(DEFAULT / "objectTranslations" / "PAC_Axis__c-fr" / "PAC_ROI__c.fieldTranslation-meta.xml")
        assert fr.findtext(f"{NS}label") == "ROI à date (1 = 100 %)"
        assert "0,1875" in (fr.findtext(f"{NS}help") or "")
        assert [child.tag.removeprefix(NS) for child in fr] == ["help", "label", "name"]
        for obj in PAC_OBJECTS:
            for f in obj.fields:
                assert len(f.label) <= 40 and len(f.label_fr) <= 40, f.name

    def test_pace_reads_the_same_in_salesforce_hubspot_and_the_report(self) -> None:
        """One verdict wherever a manager looks: Salesforce's pace labels (English and French), HubSpot's options and
        the report's words. Failed before (write-back audit F4): 'late' was « En retard » in Salesforce, « Manquée »
        in HubSpot and the report (whose glossary says: window closed, target missed)."""
        salesforce = {(obj.name, v): (en, fr) for obj in PAC_OBJECTS for f in obj.fields if f.name == "PAC_Pace__c"
                      for v, en, fr in zip(f.values, f.value_labels, f.value_labels_fr, strict=True)}
        assert {name for name, _ in salesforce} == {"PAC_Axis__c", "PAC_Action__c"}
        hubspot = {name: {o["value"]: (o["label"], fr["label"]) for o, fr in zip(
            props["pace"].option_bodies("en"), props["pace"].option_bodies("fr"), strict=True)}
            for name, props in (("PAC_Axis__c", AXIS_PROPS), ("PAC_Action__c", ACTION_PROPS))}
        words = {"PAC_Axis__c": ENUMS["axis_pace"], "PAC_Action__c": ENUMS["pace"]}
        for (obj, value), labels in salesforce.items():
            assert labels == hubspot[obj][value] == (words[obj]["en"][value], words[obj]["fr"][value]), (obj, value)
        assert ("PAC_Action__c", "late") in salesforce and salesforce["PAC_Action__c", "late"] == ("Missed", "Manquée")
        assert OPTION_LABELS["done"] == ("Done", "Terminée")   # the action's (and its status's) word

    def test_an_axis_whose_objective_is_reached_reads_so_in_salesforce(self) -> None:
        """An axis at 104 % on 20 May read « Terminée » / "Done" on its page, badge and donut, where the report says
        « Objectif atteint » (audit sfpkg F4; the meeting read « Terminée » as "closed, stop working on it"). The API
        value stays ``done``; the French agrees with « axe » (masculine) where the word agrees at all. Seen failing
        before the fix: 'Done' != 'Objective reached'."""
        axis = PAC_AXIS.field("PAC_Pace__c")
        labels = dict(zip(axis.values, zip(axis.value_labels, axis.value_labels_fr, strict=True), strict=True))
        assert labels["done"] == ("Objective reached", "Objectif atteint")
        assert [labels[v][1] for v in ("late", "inactive", "removed")] == ["Manqué", "Inactif", "Retiré du plan"]
        action = PAC_ACTION.field("PAC_Pace__c")
        assert action.values == axis.values                       # the same API values, reports and views unchanged
        assert dict(zip(action.values, action.value_labels_fr, strict=True))["done"] == "Terminée"
        field = _parse(DEFAULT / "objects" / "PAC_Axis__c" / "fields" / "PAC_Pace__c.field-meta.xml")
        shown = {v.findtext(f"{NS}fullName"): v.findtext(f"{NS}label") for v in field.iter(f"{NS}value")}
        assert shown["done"] == "Objective reached"
        fr = _parse(DEFAULT / "objectTranslations" / "PAC_Axis__c-fr" / "PAC_Pace__c.fieldTranslation-meta.xml")
        assert {p.findtext(f"{NS}masterLabel"): p.findtext(f"{NS}translation")
                for p in fr.iter(f"{NS}picklistValues")}["done"] == "Objectif atteint"


class TestAccessModel:
    def _fls(self, name: str) -> dict[str, tuple[bool, bool]]:
        root = _parse(DEFAULT / "permissionsets" / f"{name}.permissionset-meta.xml")
        return {p.findtext(f"{NS}field") or "": (p.findtext(f"{NS}readable") == "true",
                                                  p.findtext(f"{NS}editable") == "true")
                for p in root.iter(f"{NS}fieldPermissions")}

    def _editable(self, name: str) -> set[str]:
        return {f for f, (_, edit) in self._fls(name).items() if edit}

    def test_actions_are_private_and_axes_public(self) -> None:
        action = _parse(DEFAULT / "objects" / "PAC_Action__c" / "PAC_Action__c.object-meta.xml")
        axis = _parse(DEFAULT / "objects" / "PAC_Axis__c" / "PAC_Axis__c.object-meta.xml")
        assert action.findtext(f"{NS}sharingModel") == "Private"
        assert axis.findtext(f"{NS}sharingModel") == "ReadWrite"

    def test_managers_edit_status_priority_targets_and_due_dates_only(self) -> None:
        assert self._editable("PAC_Manager") == {
            "PAC_Axis__c.PAC_Status__c", "PAC_Axis__c.PAC_Priority__c", "PAC_Action__c.PAC_Status__c",
            "PAC_Action__c.PAC_Target__c", "PAC_Action__c.PAC_Window_End__c"}

    def test_people_edit_only_what_pac_reads_back(self) -> None:
        """A field a manager or a rep may edit is one pac reads back into the plan (EDIT_FIELDS, the mapping's
        ``editable``): anything else pac restores the next night, silently (audit sfpkg F7: the axis's objective and
        window dates and the action's window start were editable). Seen failing before the fix: the manager's set held
        PAC_Axis__c.PAC_Objective__c, PAC_Axis__c.PAC_Window_Start__c, PAC_Axis__c.PAC_Window_End__c and
        PAC_Action__c.PAC_Window_Start__c."""
        writeback = load_mapping().writeback
        read_back = set()
        for target, tmap in ((Target.AXIS, writeback.axis), (Target.ACTION, writeback.action)):
            read_back |= {f"{tmap.object}.{tmap.fields[logical]}" for logical in EDIT_FIELDS[target].values()
                          if logical in tmap.fields}
            read_back |= {f"{tmap.object}.{name}" for name in tmap.editable}
        assert read_back
        for name in ("PAC_Manager", "PAC_Rep"):
            assert self._editable(name) <= read_back, (name, self._editable(name) - read_back)

    def test_reps_update_their_actions_status_only(self) -> None:
        assert self._editable("PAC_Rep") == {"PAC_Action__c.PAC_Status__c"}
        root = _parse(DEFAULT / "permissionsets" / "PAC_Rep.permissionset-meta.xml")
        objects = {o.findtext(f"{NS}object"): (o.findtext(f"{NS}allowEdit"), o.findtext(f"{NS}viewAllRecords"))
                   for o in root.iter(f"{NS}objectPermissions")}
        assert objects == {"PAC_Axis__c": ("false", "false"), "PAC_Action__c": ("true", "false")}

    def test_keys_and_computed_fields_are_edited_by_nobody_but_the_integration_user(self) -> None:
        computed = {"PAC_Key__c", "PAC_Plan__c", "PAC_Progress_Pct__c", "PAC_Pace__c", "PAC_Last_Synced__c",
                    "PAC_Revenue__c", "PAC_ROI__c", "PAC_Done__c", "PAC_Text__c", "PAC_Axis__c", "PAC_Axis_Key__c",
                    "PAC_Done_Counted__c"}
        formulas = {f"{o.name}.{f.name}" for o in PAC_OBJECTS for f in o.fields if f.formula is not None}
        assert formulas == {"PAC_Action__c.PAC_Done_Counted__c"}
        for name in ("PAC_Manager", "PAC_Rep"):
            assert not {f for f in self._editable(name) if f.split(".")[1] in computed}, name
            assert self._fls(name) and all(read for read, _ in self._fls(name).values())
        # the integration user edits every field but a formula, which Salesforce computes (edit access refused)
        integration = self._fls("PAC_Integration")
        assert integration and all(edit is (f not in formulas) for f, (read, edit) in integration.items())
        assert all(read for read, _ in integration.values())

    def test_kpi_descriptions_say_what_the_engine_divides(self) -> None:
        """Revenue per visit divides by every activity the actions count (calls too), the average won deal by the
        won deals with an amount, the win rate counts CRM opportunities (audit E F11: "counted visits")."""
        fields = DEFAULT / "objects" / "PAC_Axis__c" / "fields"
        described = {name: _parse(fields / f"{name}.field-meta.xml").findtext(f"{NS}description") or ""
                     for name in ("PAC_Revenue_Per_Visit__c", "PAC_Average_Won_Deal__c", "PAC_Win_Rate__c")}
        assert "activities counted by its actions" in described["PAC_Revenue_Per_Visit__c"]
        assert "counted visits" not in described["PAC_Revenue_Per_Visit__c"]
        assert "won deals with an amount" in described["PAC_Average_Won_Deal__c"]
        assert "(CRM opportunities) won / won + lost" in described["PAC_Win_Rate__c"]

    def test_history_is_tracked_on_what_people_edit(self) -> None:
        people = {("PAC_Axis__c", "PAC_Status__c"), ("PAC_Axis__c", "PAC_Priority__c"),
                  ("PAC_Action__c", "PAC_Status__c"), ("PAC_Action__c", "PAC_Target__c"),
                  ("PAC_Action__c", "PAC_Window_End__c")}
        for obj in PAC_OBJECTS:
            for f in obj.fields:
                root = _parse(DEFAULT / "objects" / obj.name / "fields" / f"{f.name}.field-meta.xml")
                assert (root.findtext(f"{NS}trackHistory") == "true") == ((obj.name, f.name) in people), (
                    obj.name, f.name)

    def test_pace_is_a_restricted_picklist_and_account_axes_filterable_text(self) -> None:
        for obj in ("PAC_Axis__c", "PAC_Action__c"):
            root = _parse(DEFAULT / "objects" / obj / "fields" / "PAC_Pace__c.field-meta.xml")
            assert root.findtext(f"{NS}type") == "Picklist"
            assert root.findtext(f"{NS}valueSet/{NS}restricted") == "true"
            assert _texts(root, "fullName")[1:] == ["done", "on_track", "at_risk", "late", "not_started", "inactive",
                                                   "removed"]
            pct = _parse(DEFAULT / "objects" / obj / "fields" / "PAC_Progress_Pct__c.field-meta.xml")
            assert int(pct.findtext(f"{NS}precision") or 0) - int(pct.findtext(f"{NS}scale") or 0) > 4
        axes = _parse(DEFAULT / "objects" / "Account" / "fields" / "PAC_Axes__c.field-meta.xml")
        assert (axes.findtext(f"{NS}type"), axes.findtext(f"{NS}length")) == ("Text", "255")

    def test_action_looks_up_its_axis(self) -> None:
        root = _parse(DEFAULT / "objects" / "PAC_Action__c" / "fields" / "PAC_Axis__c.field-meta.xml")
        assert (root.findtext(f"{NS}type"), root.findtext(f"{NS}referenceTo"),
                root.findtext(f"{NS}relationshipName")) == ("Lookup", "PAC_Axis__c", "PAC_Actions")


class TestScreens:
    def _layout(self, name: str) -> ET.Element:
        return _parse(DEFAULT / "layouts" / f"{name}.layout-meta.xml")

    @pytest.mark.parametrize("name,editable", [
        ("PAC_Axis__c-PAC Axis Layout", {"PAC_Status__c", "PAC_Priority__c"}),
        ("PAC_Action__c-PAC Action Layout", {"PAC_Status__c", "PAC_Target__c", "PAC_Window_End__c"})])
    def test_keys_and_computed_fields_are_read_only_on_layouts(self, name: str, editable: set[str]) -> None:
        """Only what pac reads back is editable on the layouts (audit sfpkg F7: objective and window dates were
        « Edit » and pac restored them the next night)."""
        behaviour = {i.findtext(f"{NS}field"): i.findtext(f"{NS}behavior") for i in self._layout(name).iter(
            f"{NS}layoutItems")}
        assert behaviour["PAC_Key__c"] == "Readonly"
        assert {f for f, b in behaviour.items() if b == "Edit"} == editable

    def test_the_axis_page_edits_only_status_and_priority(self) -> None:
        """The axis record page's PAC fields (highlights and details) are read-only but for status and priority. Seen
        failing before the fix: Record.PAC_Objective__c, PAC_Window_Start__c and PAC_Window_End__c editable."""
        root = _parse(DEFAULT / "flexipages" / "PAC_Axis_Record_Page.flexipage-meta.xml")
        editable = set()
        for field in root.iter(f"{NS}fieldInstance"):
            behaviour = {p.findtext(f"{NS}name"): p.findtext(f"{NS}value")
                         for p in field.iter(f"{NS}fieldInstanceProperties")}
            if behaviour.get("uiBehavior") != "readonly":
                editable.add(field.findtext(f"{NS}fieldItem"))
        # the name is Salesforce's required field; an axis's owner is not pac's (its mapping writes none)
        assert editable == {"Record.Name", "Record.OwnerId", "Record.PAC_Status__c", "Record.PAC_Priority__c"}

    def test_axis_layout_lists_its_actions(self) -> None:
        related = _texts(self._layout("PAC_Axis__c-PAC Axis Layout"), "relatedList")
        assert "PAC_Action__c.PAC_Axis__c" in related

    RUNNING = (("PAC_Plan_End__c", "TODAY"), ("PAC_Plan_End__c", None))

    @pytest.mark.parametrize("obj,name,scope,filters", [
        # the last two: the plan has not ended (today or later, or not written yet)
        ("PAC_Action__c", "My_Actions", "Mine", [("PAC_Pace__c", "removed"), *RUNNING]),   # notEqual: not retired
        ("PAC_Action__c", "Late_Actions", "Everything", [("PAC_Pace__c", "late"), *RUNNING]),
        ("PAC_Axis__c", "Axes_at_Risk", "Everything", [("PAC_Pace__c", "at_risk,late"),
                                                        ("PAC_Status__c", "active,prioritised"), *RUNNING]),
    ])
    def test_list_views(self, obj: str, name: str, scope: str, filters: list[tuple[str, str]]) -> None:
        root = _parse(DEFAULT / "objects" / obj / "listViews" / f"{name}.listView-meta.xml")
        assert root.findtext(f"{NS}filterScope") == scope
        assert [(f.findtext(f"{NS}field"), f.findtext(f"{NS}value")) for f in root.iter(f"{NS}filters")] == filters

    @pytest.mark.parametrize("obj,name", [("PAC_Action__c", "My_Actions"), ("PAC_Action__c", "Late_Actions"),
                                          ("PAC_Axis__c", "Axes_at_Risk")])
    def test_running_list_views_leave_out_an_ended_plans_records(self, obj: str, name: str) -> None:
        """In January the ended plan's late actions and axes are history, not this year's « Late actions » / « Axes at
        risk » (audit year-end F5): each running view keeps records whose plan ends today or later, or says nothing
        (a record pac has not written the field on yet, e.g. a mapping copied from an older default)."""
        root = _parse(DEFAULT / "objects" / obj / "listViews" / f"{name}.listView-meta.xml")
        filters = [(f.findtext(f"{NS}field"), f.findtext(f"{NS}operation"), f.findtext(f"{NS}value") or "")
                   for f in root.iter(f"{NS}filters")]
        ended = [i + 1 for i, f in enumerate(filters) if f[0] == "PAC_Plan_End__c"]
        assert [filters[i - 1][1:] for i in ended] == [("greaterOrEqual", "TODAY"), ("equals", "")]
        others = " AND ".join(str(i + 1) for i in range(len(filters)) if i + 1 not in ended)
        assert root.findtext(f"{NS}booleanFilter") == f"{others} AND ({ended[0]} OR {ended[1]})"

    def test_app_with_tabs_and_pages(self) -> None:
        app = _parse(DEFAULT / "applications" / "PAC_Plan.app-meta.xml")
        assert app.findtext(f"{NS}label") == "Plan d'Actions Commerciales"
        assert {"PAC_Axis__c", "PAC_Action__c"} <= set(_texts(app, "tabs"))
        assert set(_texts(app, "content")) == {"PAC_Axis_Record_Page", "PAC_Account_Record_Page", "PAC_Home"}
        for tab in ("PAC_Axis__c", "PAC_Action__c"):
            assert _parse(DEFAULT / "tabs" / f"{tab}.tab-meta.xml").findtext(f"{NS}customObject") == "true"

    @pytest.mark.parametrize("page", ["PAC_Axis_Record_Page", "PAC_Account_Record_Page", "PAC_Home"])
    def test_the_component_is_on_the_pages(self, page: str) -> None:
        root = _parse(DEFAULT / "flexipages" / f"{page}.flexipage-meta.xml")
        assert "c:pacPlan" in _texts(root, "componentName")
        assert (DEFAULT / "lwc" / "pacPlan" / "pacPlan.js").is_file()

    def test_every_label_the_component_imports_exists_in_english_and_french(self) -> None:
        """A custom label the component imports is deployed with it (CustomLabels) and translated (translations/fr)."""
        source = (DEFAULT / "lwc" / "pacPlan" / "pacPlan.js").read_text(encoding="utf-8")
        imported = set(re.findall(r"@salesforce/label/c\.(\w+)", source))
        labels = set(_texts(_parse(DEFAULT / "labels" / "CustomLabels.labels-meta.xml"), "fullName"))
        french = {c.findtext(f"{NS}name") for c in _parse(DEFAULT / "translations" / "fr.translation-meta.xml").iter(
            f"{NS}customLabels")}
        assert {"PAC_Accounts_Shown", "PAC_Actions_Elsewhere"} <= imported
        assert imported <= labels and imported <= french

    def test_every_lookup_field_the_source_names_exists(self) -> None:
        """Fields named by layouts, list views, pages and reports exist (in the source, or are standard)."""
        known = {f"{o.name}.{f.name}" for o in PAC_OBJECTS for f in o.fields}
        named: set[str] = set()
        for path in (DEFAULT / "layouts").glob("PAC_*.xml"):
            obj = path.name.split("-")[0]
            named |= {f"{obj}.{f}" for f in _texts(_parse(path), "field") if f.startswith("PAC_")}
        for path in (DEFAULT / "flexipages").glob("*.xml"):
            obj = _parse(path).findtext(f"{NS}sobjectType")
            named |= {f"{obj}.{f.removeprefix('Record.')}" for f in _texts(_parse(path), "fieldItem")
                      if "PAC_" in f}
        for path in (DEFAULT / "reports").rglob("*.report-meta.xml"):
            for f in _texts(_parse(path), "field") + _texts(_parse(path), "column"):
                if "$PAC_" in f:
                    table, _, field = f.partition("$")
                    named.add(f"{table}.{field}")
        assert named and named <= known

    def test_dashboard_reads_the_reports(self) -> None:
        root = _parse(DEFAULT / "dashboards" / "PAC_Dashboards" / "PAC_Reunion_Commerciale.dashboard-meta.xml")
        assert root.findtext(f"{NS}title") == "PAC — réunion commerciale"
        for report in _texts(root, "report"):
            folder, name = report.split("/")
            assert (DEFAULT / "reports" / folder / f"{name}.report-meta.xml").is_file()


REPORTS = DEFAULT / "reports" / "PAC_Reports"
PAC_REPORT_TYPES = {"PAC_Axes__c": "PAC_Axis__c", "PAC_Actions__c": "PAC_Action__c"}
TODAY = "2027-05-20"


def _criteria(root: ET.Element) -> list[tuple[str, str, str]]:
    return [(c.findtext(f"{NS}column") or "", c.findtext(f"{NS}operator") or "", c.findtext(f"{NS}value") or "")
            for c in root.iter(f"{NS}criteriaItems")]


def _keeps(root: ET.Element, record: dict[str, object]) -> bool:
    """Whether a Summary report's filter keeps ``record`` (Salesforce Reports help, "Filter Operators": a comma-
    separated value is "any of"; an empty value is "no value"; TODAY the day's date; the filter logic names the
    criteria by their 1-based rank, AND by default)."""
    results = []
    for column, operator, value in _criteria(root):
        have = record.get(column.split("$", 1)[1])
        have = "" if have is None else str(have)
        wanted = [TODAY if v == "TODAY" else v for v in value.split(",")]
        if operator == "equals":
            results.append(have in wanted)
        elif operator == "notEqual":
            results.append(have not in wanted)
        elif operator == "greaterOrEqual":
            results.append(have != "" and have >= wanted[0])
        else:
            raise AssertionError(f"operator {operator} not emulated")
    logic = root.findtext(f"{NS}filter/{NS}booleanFilter") or " AND ".join(str(i + 1) for i in range(len(results)))
    expression = "".join(f" {results[int(tok) - 1]} " if tok.isdigit() else f" {tok.lower()} "
                         for tok in logic.replace("(", " ( ").replace(")", " ) ").split())
    assert set(expression.split()) <= {"true", "false", "True", "False", "and", "or", "not", "(", ")"}, expression
    return bool(eval(expression))  # noqa: S307 - only True/False/and/or/not/parentheses, checked above


def _chart(name: str, records: list[dict[str, object]]) -> dict[str, float]:
    """The bars a Summary report's chart plots: its first grouping, the chart's aggregate of its column."""
    root = _parse(REPORTS / f"{name}.report-meta.xml")
    group = (root.findtext(f"{NS}groupingsDown/{NS}field") or "").split("$", 1)[1]
    column = (root.findtext(f"{NS}chart/{NS}chartSummaries/{NS}column") or "").split("$", 1)[-1]
    aggregate = root.findtext(f"{NS}chart/{NS}chartSummaries/{NS}aggregate")
    bars: dict[str, list[float]] = {}
    for record in records:
        if _keeps(root, record):
            bars.setdefault(str(record[group]), []).append(
                1.0 if column == "RowCount" else float(record[column] or 0))  # type: ignore[arg-type]
    fold = {"Sum": sum, "Maximum": max, "Average": lambda v: sum(v) / len(v), None: sum}[aggregate]
    return {bar: fold(values) for bar, values in bars.items()}


def _axis_row(plan: str, axis: str, pct: float, *, end: str | None, pace: str = "on_track",
              status: str = "active") -> dict[str, object]:
    return {"Name": f"{axis} Devis", "PAC_Key__c": f"{plan}:{axis}", "PAC_Plan__c": plan, "PAC_Status__c": status,
            "PAC_Pace__c": pace, "PAC_Progress_Pct__c": pct, "PAC_Plan_End__c": end}


def _formula_values(obj: str, record: dict[str, object]) -> dict[str, object]:
    """The object's formula fields as Salesforce computes them for ``record`` (Formula Operators and Functions:
    "MIN(number, number,...)" the lowest; ``BlankAsZero``: a blank field reads 0); a formula of another shape fails
    the test, to be emulated."""
    out: dict[str, object] = {}
    for path in sorted((DEFAULT / "objects" / obj / "fields").glob("*.field-meta.xml")):
        root = _parse(path)
        formula = root.findtext(f"{NS}formula")
        if formula is None:
            continue
        found = re.fullmatch(r"MIN\((\w+),\s*(\w+)\)", formula.strip())
        assert found is not None and root.findtext(f"{NS}formulaTreatBlanksAs") == "BlankAsZero", formula
        out[root.findtext(f"{NS}fullName") or ""] = min(float(record.get(found[1]) or 0),  # type: ignore[arg-type]
                                                        float(record.get(found[2]) or 0))  # type: ignore[arg-type]
    return out


def _action_row(plan: str, action: str, owner: str, done: int, target: int, *, end: str | None,
                pace: str = "on_track", status: str = "in_progress") -> dict[str, object]:
    row: dict[str, object] = {"Name": action, "PAC_Key__c": f"{plan}:{action}", "Owner": owner,
                              "PAC_Status__c": status, "PAC_Pace__c": pace, "PAC_Done__c": done,
                              "PAC_Target__c": target, "PAC_Plan_End__c": end}
    return {**row, **_formula_values("PAC_Action__c", row)}


class TestReports:
    """The reports and the dashboard « PAC — réunion commerciale » count the running plan's records, as the list views
    and the component do (audit sfpkg F1: a 2026 axis reusing a 2027 axis's name was added to it, 2 670.9 %)."""

    @pytest.mark.parametrize("path", sorted(REPORTS.glob("*.report-meta.xml")), ids=lambda p: p.name)
    def test_every_pac_report_leaves_out_removed_records_and_ended_plans(self, path: Path) -> None:
        """Seen failing before the fix: PAC_Actions_by_Pace had only the status criterion."""
        root = _parse(path)
        table = PAC_REPORT_TYPES.get(root.findtext(f"{NS}reportType") or "")
        if table is None:    # the accounts report: its PAC fields hold the plans in force only (docs/salesforce.md)
            assert root.findtext(f"{NS}reportType") == "AccountList"
            return
        criteria = _criteria(root)
        assert (f"{table}$PAC_Pace__c", "notEqual", "removed") in criteria
        ended = [criteria.index((f"{table}$PAC_Plan_End__c", "greaterOrEqual", "TODAY")) + 1,
                 criteria.index((f"{table}$PAC_Plan_End__c", "equals", "")) + 1]
        others = " AND ".join(str(i + 1) for i in range(len(criteria)) if i + 1 not in ended)
        assert root.findtext(f"{NS}filter/{NS}booleanFilter") == f"{others} AND ({ended[0]} OR {ended[1]})"

    @pytest.mark.parametrize("path", sorted(REPORTS.glob("*.report-meta.xml")), ids=lambda p: p.name)
    def test_every_field_a_report_names_is_in_its_report_type(self, path: Path) -> None:
        """Filters, groupings and columns name fields of the report type (PAC_Key__c, PAC_Plan_End__c included)."""
        root = _parse(path)
        kind = root.findtext(f"{NS}reportType") or ""
        if kind not in PAC_REPORT_TYPES:
            return
        report_type = _parse(DEFAULT / "reportTypes" / f"{kind.removesuffix('__c')}.reportType-meta.xml")
        offered = {f"{c.findtext(f'{NS}table')}${c.findtext(f'{NS}field')}" for c in report_type.iter(f"{NS}columns")}
        named = {t for t in _texts(root, "field") + _texts(root, "column") + _texts(root, "groupingColumn")
                 if "$" in t}
        assert named and named <= offered, named - offered

    def test_progress_by_axis_plots_each_running_axis_once(self) -> None:
        """Seen failing before the fix: the bar 'AX-GC-QUOTES Devis' plotted 21.9 + 2649.0 (the 2026 axis)."""
        rows = [_axis_row("pac-2027", "AX-GC-QUOTES", 21.9, end="2027-12-31"),
                _axis_row("pac-2026", "AX-GC-QUOTES", 2649.0, end="2026-12-31", pace="done"),
                _axis_row("pac-2027", "AX-RA-MAINT", 48.0, end="2027-12-31", status="prioritised"),
                _axis_row("pac-2027", "AX-OLD", 12.0, end="2027-12-31", pace="removed"),
                _axis_row("pac-2027", "AX-NEW", 5.0, end=None)]    # plan end not written yet: kept
        assert _chart("PAC_Progress_by_Axis", rows) == {
            "pac-2027:AX-GC-QUOTES": 21.9, "pac-2027:AX-RA-MAINT": 48.0, "pac-2027:AX-NEW": 5.0}

    def test_progress_by_axis_never_adds_percentages(self) -> None:
        root = _parse(REPORTS / "PAC_Progress_by_Axis.report-meta.xml")
        assert root.findtext(f"{NS}groupingsDown/{NS}field") == "PAC_Axis__c$PAC_Key__c"
        assert root.findtext(f"{NS}chart/{NS}chartSummaries/{NS}aggregate") == "Maximum"
        aggregates = {c.findtext(f"{NS}field"): _texts(c, "aggregateTypes") for c in root.iter(f"{NS}columns")}
        assert aggregates["PAC_Axis__c$PAC_Progress_Pct__c"] == ["Maximum"]
        assert root.findtext(f"{NS}showGrandTotal") == "false"

    def test_actions_by_rep_counts_the_running_plans_actions(self) -> None:
        """Seen failing before the fix: Sophie's removed A-05 (9 done) and her ended 2026 actions were counted:
        15 / 50 with the 2027 plan alone, where the report says 6 / 38."""
        rows = [_action_row("pac-2027", "A-05", "Sophie Bernard", 9, 12, end="2027-12-31", pace="removed"),
                _action_row("pac-2027", "A-06", "Sophie Bernard", 4, 30, end="2027-12-31"),
                _action_row("pac-2027", "A-07", "Sophie Bernard", 2, 8, end="2027-12-31", pace="at_risk"),
                _action_row("pac-2026", "A-06", "Sophie Bernard", 7, 50, end="2026-12-31", pace="late"),
                _action_row("pac-2027", "A-08", "Sophie Bernard", 1, 5, end="2027-12-31", status="cancelled")]
        assert _chart("PAC_Actions_by_Rep", rows) == {"Sophie Bernard": 6.0}
        assert _chart("PAC_Actions_by_Pace", rows) == {"on_track": 1.0, "at_risk": 1.0}

    def test_actions_by_rep_counts_each_action_up_to_its_target(self) -> None:
        """As pac's report counts a rep's done (each action's capped at its target) and the axis's PAC_Done__c: Sophie
        at 15 / 10 and 0 / 10 is 10 / 20 (50 %), not the 15 / 20 (75 %) of a sum of the CRM's done (audit lwcaudit
        F7). Seen failing before the fix: the chart summed PAC_Done__c, 15.0."""
        rows = [_action_row("pac-2027", "A-1", "Sophie Bernard", 15, 10, end="2027-12-31", pace="done"),
                _action_row("pac-2027", "A-2", "Sophie Bernard", 0, 10, end="2027-12-31", pace="late"),
                _action_row("pac-2027", "A-3", "Marc Petit", 3, 4, end="2027-12-31")]
        assert _chart("PAC_Actions_by_Rep", rows) == {"Sophie Bernard": 10.0, "Marc Petit": 3.0}
        root = _parse(REPORTS / "PAC_Actions_by_Rep.report-meta.xml")
        aggregates = {c.findtext(f"{NS}field"): _texts(c, "aggregateTypes") for c in root.iter(f"{NS}columns")}
        assert aggregates["PAC_Action__c$PAC_Done_Counted__c"] == ["Sum"]
        assert aggregates["PAC_Action__c$PAC_Done__c"] == []       # each action's own done, shown, not added up

    def test_axes_by_pace_counts_the_running_axes(self) -> None:
        rows = [_axis_row("pac-2027", "AX-1", 104.0, end="2027-12-31", pace="done"),
                _axis_row("pac-2026", "AX-1", 80.0, end="2026-12-31", pace="late"),
                _axis_row("pac-2027", "AX-2", 10.0, end="2027-12-31", pace="removed")]
        assert _chart("PAC_Axes_by_Pace", rows) == {"done": 1.0}

    def test_targeted_accounts_report_says_it_groups_by_combination(self) -> None:
        """``Account.PAC_Axes__c`` holds the axes joined by '; ': a report grouped on it has one bar per combination
        (« AX-AGRO-MAINT; AX-GC-QUOTES; AX-RA-MAINT »), not per axis, and AX-RA-DORM, always with AX-RA-MAINT, had no
        bar of its own (audit sfpkg F2). The report says what it groups; the count per axis is on each axis's page.
        Seen failing before the fix: 'PAC targeted accounts by axis'."""
        root = _parse(REPORTS / "PAC_Targeted_Accounts.report-meta.xml")
        assert root.findtext(f"{NS}groupingsDown/{NS}field") == "Account.PAC_Axes__c"
        words = " ".join(t or "" for t in (root.findtext(f"{NS}name"), root.findtext(f"{NS}description"),
                                           root.findtext(f"{NS}chart/{NS}title")))
        assert "by axis" not in words
        assert root.findtext(f"{NS}name") == "PAC targeted accounts by combination of axes"
        assert "combination" in (root.findtext(f"{NS}chart/{NS}title") or "")


class TestProgressField:
    """``PAC_Progress_Pct__c`` holds one thing per object, and says which (audit F4: « Actions target 11 / Actions
    done 6 » next to « Progress % 16.3 », the axis's revenue progress, under a label read as done / target)."""

    def test_the_axis_progress_is_labelled_as_its_additional_revenue_progress(self) -> None:
        root = _parse(DEFAULT / "objects" / "PAC_Axis__c" / "fields" / "PAC_Progress_Pct__c.field-meta.xml")
        assert root.findtext(f"{NS}label") == "Additional revenue progress %"
        assert (root.findtext(f"{NS}description") or "").startswith("Additional revenue so far / objective")
        fr = _parse(DEFAULT / "objectTranslations" / "PAC_Axis__c-fr" / "PAC_Progress_Pct__c.fieldTranslation-meta.xml")
        assert fr.findtext(f"{NS}label") == "Avancement du CA supplémentaire %"

    def test_the_action_progress_is_done_over_target(self) -> None:
        root = _parse(DEFAULT / "objects" / "PAC_Action__c" / "fields" / "PAC_Progress_Pct__c.field-meta.xml")
        assert (root.findtext(f"{NS}label"), root.findtext(f"{NS}description")) == (
            "Progress %", "Done / target, in percent (above 100 when exceeded).")


class TestAxisRevenueWords:
    """The axis's revenue fields say the report's words (« CA supplémentaire », docs/report.md; HubSpot's pac_axis
    properties say them too): a manager reading « CA additionnel réalisé » on the axis page and « CA supplémentaire »
    in the report took them for two figures (audit surfaces F2)."""

    FRENCH: ClassVar[dict[str, str]] = {"PAC_Revenue__c": "CA supplémentaire à date",
                                        "PAC_Objective__c": "Objectif de CA supplémentaire",
                                        "PAC_Progress_Pct__c": "Avancement du CA supplémentaire %"}

    @pytest.mark.parametrize("field", sorted(FRENCH))
    def test_french_labels(self, field: str) -> None:
        fr = _parse(DEFAULT / "objectTranslations" / "PAC_Axis__c-fr" / f"{field}.fieldTranslation-meta.xml")
        assert fr.findtext(f"{NS}label") == self.FRENCH[field]

    def test_the_same_words_as_hubspot(self) -> None:
        hs = {"PAC_Revenue__c": "pac_revenue", "PAC_Objective__c": "pac_objective"}
        for field, prop in hs.items():
            assert self.FRENCH[field] == HS_LABELS[prop][1]
        assert self.FRENCH["PAC_Progress_Pct__c"].replace(" %", " (%)") == PROGRESS_LABELS["axis"][1]

    def test_no_other_word_for_the_additional_revenue(self) -> None:
        """No label, help text or description in force-app/ says « additionnel »."""
        said = [str(p.relative_to(DEFAULT)) for p in DEFAULT.rglob("*.xml")
                if "additionnel" in p.read_text(encoding="utf-8").lower()]
        assert said == []

    def test_the_additional_revenue_field_says_what_it_is(self) -> None:
        root = _parse(DEFAULT / "objects" / "PAC_Axis__c" / "fields" / "PAC_Revenue__c.field-meta.xml")
        assert "Won revenue so far - baseline" in (root.findtext(f"{NS}description") or "")
        assert "CA supplémentaire" in (root.findtext(f"{NS}description") or "")
