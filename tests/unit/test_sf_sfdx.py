"""The SFDX source is valid metadata XML in the documented layout and matches what the connector writes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from connectors.salesforce.mapping import load_mapping
from connectors.salesforce.schema import PAC_OBJECTS

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
