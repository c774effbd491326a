"""The requests the connector sends, captured at the sandbox, validated against HubSpot's OpenAPI schemas.

The schemas are vendored from HubSpot/HubSpot-public-api-spec-collection (tests/data/hubspot_specs/).
The test is stricter than the spec on one point, so typos cannot pass: objects that declare
``properties`` accept no other key. One documented discrepancy is patched: the spec types
``PublicObjectSearchRequest.sorts`` items as strings, while the search guide documents the object
form ``{"propertyName", "direction"}`` that the connector sends.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from connectors.base import ObjectKind, Target, WriteChange
from sandbox_crm.demo_org import build_demo_org
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.server import SandboxServer
from tests.contract.factory_hubspot import sandbox_connector

SPECS = Path(__file__).resolve().parents[1] / "data" / "hubspot_specs"
SORT_OBJECT = {"type": "object", "required": ["propertyName"], "additionalProperties": False,
               "properties": {"propertyName": {"type": "string"},
                              "direction": {"type": "string", "enum": ["ASCENDING", "DESCENDING"]}}}
ROUTES = [  # (method, path pattern, spec file, schema)
    ("POST", r"^/crm/v3/objects/[^/]+/search$", "objects_v3.json", "PublicObjectSearchRequest"),
    ("POST", r"^/crm/v3/objects/[^/]+/batch/upsert$", "objects_v3.json",
     "BatchInputSimplePublicObjectBatchInputUpsert"),
    ("POST", r"^/crm/v3/objects/[^/]+/batch/read$", "objects_v3.json", "BatchReadInputSimplePublicObjectId"),
    # fallback tasks created and updated by id (audit hstasks: never upserted), companies and deals updated by id
    ("POST", r"^/crm/v3/objects/[^/]+/batch/create$", "objects_v3.json",
     "BatchInputSimplePublicObjectBatchInputForCreate"),
    ("POST", r"^/crm/v3/objects/[^/]+/batch/update$", "objects_v3.json", "BatchInputSimplePublicObjectBatchInput"),
    ("POST", r"^/crm/v4/associations/[^/]+/[^/]+/batch/read$", "associations_v4.json",
     "BatchInputPublicFetchAssociationsBatchRequest"),
    ("POST", r"^/crm/v4/associations/[^/]+/[^/]+/batch/create$", "associations_v4.json",
     "BatchInputPublicAssociationMultiPost"),
    ("POST", r"^/crm/v4/associations/[^/]+/[^/]+/batch/archive$", "associations_v4.json",
     "BatchInputPublicAssociationMultiArchive"),
    ("POST", r"^/crm/v3/properties/[^/]+/batch/create$", "properties_v3.json", "BatchInputPropertyCreate"),
    ("POST", r"^/crm/v3/properties/[^/]+/groups$", "properties_v3.json", "PropertyGroupCreate"),
    ("PATCH", r"^/crm/v3/properties/[^/]+/[^/]+$", "properties_v3.json", "PropertyUpdate"),
    ("POST", r"^/crm-object-schemas/v3/schemas$", "schemas_v3.json", "ObjectSchemaEgg"),
    ("PATCH", r"^/crm-object-schemas/v3/schemas/[^/]+$", "schemas_v3.json", "ObjectTypeDefinitionPatch"),
    ("POST", r"^/crm-object-schemas/v3/schemas/[^/]+/associations$", "schemas_v3.json", "AssociationDefinitionEgg"),
]


def _strict(node: Any) -> Any:
    if isinstance(node, dict):
        node = {k: _strict(v) for k, v in node.items()}
        if "properties" in node and node.get("type") == "object" and "additionalProperties" not in node:
            node["additionalProperties"] = False
        return node
    if isinstance(node, list):
        return [_strict(v) for v in node]
    return node


def _validator(spec_file: str, schema: str) -> jsonschema.Draft7Validator:
    spec = json.loads((SPECS / spec_file).read_text(encoding="utf-8"))
    components = _strict(copy.deepcopy(spec["components"]))
    if schema == "PublicObjectSearchRequest":
        components["schemas"][schema]["properties"]["sorts"]["items"] = SORT_OBJECT
    return jsonschema.Draft7Validator({"$ref": f"#/components/schemas/{schema}", "components": components})


@pytest.fixture(scope="module")
def captured():
    requests: list[tuple[str, str, Any]] = []
    for tier in ("enterprise", "starter"):
        api = HubSpotApi(build_demo_org(), tier=tier)
        with SandboxServer([api]) as server:
            connector = sandbox_connector(server)
            for kind in ObjectKind:
                list(connector.pull(kind, None, full=True))
            connector.provision_schema()
            connector.labels_language = "fr"
            connector.provision_schema()                 # relabels what it made: property and schema PATCHes
            company, other = list(api.tables["companies"].rows)[:2]
            connector.write([
                WriteChange(Target.AXIS, "pac:AX-1", {"name": "Dormants", "status": "active", "roi": 1.5}),
                WriteChange(Target.AXIS, "pac:AX-0", {"name": "Maintenance", "status": "active"}),
                WriteChange(Target.ACTION, "pac:A-1", {"name": "Visiter", "target": 5, "done": 1, "status": "planned",
                                                       "window_end": date(2027, 5, 9), "axis_key": "pac:AX-1",
                                                       "owner_email": "lea.rousseau@durand-process.example",
                                                       "companies": [company, other]}),
                WriteChange(Target.ACCOUNT, "acc", {"axes": "AX-1"}, crm_id=company)])
            connector.write([WriteChange(Target.ACCOUNT, "acc", {"axes": "AX-0"}, crm_id=company),   # links moved
                             WriteChange(Target.ACTION, "pac:A-1", {"axis_key": "pac:AX-0", "companies": [other]})])
            requests += list(api.requests)
    return requests


class TestWireFormat:
    @pytest.mark.parametrize(("method", "pattern", "spec_file", "schema"), ROUTES, ids=[r[3] for r in ROUTES])
    def test_requests_match_the_published_schema(self, captured, method, pattern, spec_file, schema):
        """Every request of this kind the connector sent is valid against HubSpot's schema."""
        validator = _validator(spec_file, schema)
        bodies = [body for m, path, body in captured if m == method and re.search(pattern, path)]
        assert bodies, f"the connector sent no {schema}"
        for body in bodies:
            errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(body)]
            assert not errors, errors[:3]

    def test_search_pages_and_batches_at_the_maxima(self, captured):
        """Searches ask 200 per page; batch writes and reads stay within 100; associations within 1,000."""
        for _method, path, body in captured:
            if path.endswith("/search"):
                assert body["limit"] == 200
            elif "/batch/" in path and path.startswith("/crm/v3/objects"):
                assert len(body["inputs"]) <= 100
            elif path.startswith("/crm/v4/associations") and body is not None:
                assert len(body["inputs"]) <= (1000 if path.endswith("/read") else 100)
