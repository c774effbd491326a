"""The SFDX source files that follow from ``schema.py`` and ``permissions.py``, rendered, never hand-edited.

``python -m connectors.salesforce.sfdx`` (re)writes under ``force-app/main/default``: each PAC field
(``objects/*/fields``), the custom objects, the three permission sets and the French translations of the
objects, fields and picklist values (``objectTranslations/*-fr``). Layouts, list views, tabs, the app, the
FlexiPages, reports, the dashboard and the Lightning web component are written by hand beside them.
``tests/unit/test_sf_sfdx.py`` checks that the files on disk are exactly what this module renders, so
provisioning (Tooling API) and an admin's ``sf project deploy start`` give the same org.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

from connectors.salesforce.permissions import PERMISSION_SETS, PermSet
from connectors.salesforce.schema import PAC_OBJECTS, PacField, PacObject

ROOT = Path(__file__).resolve().parents[2] / "force-app" / "main" / "default"
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
NS = "http://soap.sforce.com/2006/04/metadata"
APP = "PAC_Plan"
TABS = ("PAC_Axis__c", "PAC_Action__c")


def _el(tag: str, value: object, depth: int) -> str:
    text = "true" if value is True else "false" if value is False else escape(str(value))
    return f"{'    ' * depth}<{tag}>{text}</{tag}>\n"


def _doc(root: str, body: str) -> str:
    return f'{HEAD}<{root} xmlns="{NS}">\n{body}</{root}>\n'


def field_xml(f: PacField) -> str:
    body = _el("fullName", f.name, 1)
    if f.type == "Lookup":
        body += _el("deleteConstraint", "SetNull", 1)
    if f.type == "Checkbox":
        body += _el("defaultValue", False, 1)
    if f.description:
        body += _el("description", f.description, 1)
    body += _el("externalId", f.external_id, 1)
    if f.formula is not None:
        body += _el("formula", f.formula, 1) + _el("formulaTreatBlanksAs", "BlankAsZero", 1)
    if f.help:
        body += _el("inlineHelpText", f.help, 1)
    body += _el("label", f.label, 1)
    if f.length is not None:
        body += _el("length", f.length, 1)
    if f.precision is not None:
        body += _el("precision", f.precision, 1)
    if f.type == "Lookup":
        body += _el("referenceTo", f.reference_to, 1)
        body += _el("relationshipLabel", f.relationship_label, 1)
        body += _el("relationshipName", f.relationship, 1)
    if f.type != "Checkbox":
        body += _el("required", False, 1)
    if f.scale is not None:
        body += _el("scale", f.scale, 1)
    body += _el("trackHistory", f.tracked, 1)
    body += _el("type", f.type, 1)
    if f.unique:
        body += _el("unique", True, 1)
    if f.visible_lines is not None:
        body += _el("visibleLines", f.visible_lines, 1)
    if f.values:
        values = "".join(f"            <value>\n{_el('fullName', v, 4)}{_el('default', False, 4)}"
                         f"{_el('label', lab, 4)}            </value>\n"
                         for v, lab in zip(f.values, f.value_labels or f.values, strict=True))
        body += (f"    <valueSet>\n{_el('restricted', True, 2)}        <valueSetDefinition>\n"
                 f"{_el('sorted', False, 3)}{values}        </valueSetDefinition>\n    </valueSet>\n")
    return _doc("CustomField", body)


def object_xml(o: PacObject) -> str:
    body = (_el("allowInChatterGroups", False, 1) + _el("compactLayoutAssignment", "SYSTEM", 1)
            + _el("deploymentStatus", "Deployed", 1) + _el("description", o.description, 1)
            + _el("enableActivities", False, 1) + _el("enableBulkApi", True, 1) + _el("enableFeeds", False, 1)
            + _el("enableHistory", True, 1) + _el("enableLicensing", False, 1) + _el("enableReports", True, 1)
            + _el("enableSearch", True, 1) + _el("enableSharing", True, 1) + _el("enableStreamingApi", True, 1)
            + _el("externalSharingModel", "Private", 1) + _el("label", o.label, 1)
            + f"    <nameField>\n{_el('label', f'{o.label} Name', 2)}{_el('trackHistory', False, 2)}"
            f"{_el('type', 'Text', 2)}    </nameField>\n"
            + _el("pluralLabel", o.plural_label, 1) + _el("sharingModel", o.sharing, 1)
            + _el("visibility", "Public", 1))
    return _doc("CustomObject", body)


def permission_set_xml(p: PermSet) -> str:
    body = ""
    if p.name != "PAC_Integration":
        body += f"    <applicationVisibilities>\n{_el('application', APP, 2)}{_el('visible', True, 2)}" \
                "    </applicationVisibilities>\n"
    body += _el("description", p.description, 1)
    for o in PAC_OBJECTS:
        for f in o.fields:
            access = p.field_access(f)
            body += (f"    <fieldPermissions>\n{_el('editable', access['PermissionsEdit'], 2)}"
                     f"{_el('field', f'{o.name}.{f.name}', 2)}{_el('readable', access['PermissionsRead'], 2)}"
                     "    </fieldPermissions>\n")
    body += _el("hasActivationRequired", False, 1) + _el("label", p.label, 1)
    for name, flags in p.objects.items():
        body += ("    <objectPermissions>\n" + _el("allowCreate", flags["PermissionsCreate"], 2)
                 + _el("allowDelete", flags["PermissionsDelete"], 2) + _el("allowEdit", flags["PermissionsEdit"], 2)
                 + _el("allowRead", flags["PermissionsRead"], 2)
                 + _el("modifyAllRecords", flags["PermissionsModifyAllRecords"], 2) + _el("object", name, 2)
                 + _el("viewAllRecords", flags["PermissionsViewAllRecords"], 2) + "    </objectPermissions>\n")
    if p.name != "PAC_Integration":
        for tab in TABS:
            body += f"    <tabSettings>\n{_el('tab', tab, 2)}{_el('visibility', 'Visible', 2)}    </tabSettings>\n"
    return _doc("PermissionSet", body)


def object_translation_xml(o: PacObject) -> str:
    body = ""
    if o.custom:
        body += (f"    <caseValues>\n{_el('plural', False, 2)}{_el('value', o.label_fr, 2)}    </caseValues>\n"
                 f"    <caseValues>\n{_el('plural', True, 2)}{_el('value', o.plural_label_fr, 2)}    </caseValues>\n"
                 + _el("gender", o.gender_fr, 1)
                 + _el("nameFieldLabel", f"Nom de l'{o.label_fr[:1].lower()}{o.label_fr[1:]}", 1)
                 + _el("startsWith", "Vowel", 1))
    return _doc("CustomObjectTranslation", body)


def field_translation_xml(f: PacField) -> str:
    body = _el("help", f.help_fr, 1) if f.help_fr else ""
    body += _el("label", f.label_fr or f.label, 1) + _el("name", f.name, 1)
    for value, label in zip(f.values, f.value_labels_fr, strict=False):
        body += f"    <picklistValues>\n{_el('masterLabel', value, 2)}{_el('translation', label, 2)}" \
                "    </picklistValues>\n"
    if f.type == "Lookup":
        body += _el("relationshipLabel", "Actions PAC", 1)
    return _doc("CustomFieldTranslation", body)


def rendered() -> dict[Path, str]:
    """Every rendered file, by path relative to ``force-app/main/default``."""
    out: dict[Path, str] = {}
    for o in PAC_OBJECTS:
        base = Path("objects") / o.name
        if o.custom:
            out[base / f"{o.name}.object-meta.xml"] = object_xml(o)
        for f in o.fields:
            out[base / "fields" / f"{f.name}.field-meta.xml"] = field_xml(f)
        tr = Path("objectTranslations") / f"{o.name}-fr"
        out[tr / f"{o.name}-fr.objectTranslation-meta.xml"] = object_translation_xml(o)
        for f in o.fields:
            out[tr / f"{f.name}.fieldTranslation-meta.xml"] = field_translation_xml(f)
    for p in PERMISSION_SETS:
        out[Path("permissionsets") / f"{p.name}.permissionset-meta.xml"] = permission_set_xml(p)
    return out


def write(root: Path = ROOT) -> Iterable[Path]:
    for rel, text in rendered().items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            yield rel


if __name__ == "__main__":
    changed = list(write())
    for rel in changed:
        print(f"wrote {rel}")
    print(f"{len(changed)} file(s) changed under {ROOT}", file=sys.stderr)
