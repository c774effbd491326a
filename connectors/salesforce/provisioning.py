"""The PAC objects and fields of a Salesforce org: what the org lacks (``check``) and creating it (``provision``:
Tooling API objects and fields, then the ``PAC_Integration`` permission set that grants them). See
docs/salesforce.md.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from connectors.base import ConnectorError, SchemaError, SchemaIssue
from connectors.salesforce.client import SfClient
from connectors.salesforce.mapping import SalesforceMapping
from connectors.salesforce.permissions import grant_access
from connectors.salesforce.schema import DEPLOY, PAC_OBJECTS, PacObject, pac_field, picklist_gaps, size_gap

_DESCRIBE_TYPE = {"Text": "string", "LongTextArea": "textarea", "Number": "double", "Currency": "currency",
                  "Percent": "percent", "Checkbox": "boolean", "Date": "date", "DateTime": "datetime",
                  "Picklist": "picklist", "Lookup": "reference"}   # Metadata API type -> describe() type


class Schema:
    """The org's schema as pac needs it; describes are cached for the connector's life (one run)."""

    def __init__(self, client: SfClient, mapping: SalesforceMapping) -> None:
        self.client, self.mapping = client, mapping
        self.describes: dict[str, dict[str, dict[str, Any]] | None] = {}
        self.record_type_infos: dict[str, list[dict[str, Any]]] = {}

    def describe_fields(self, sobject: str) -> dict[str, dict[str, Any]] | None:
        """The object's fields by lower-case name (one describe call per object and run), None if absent."""
        if sobject not in self.describes:
            self.remember(sobject, self.client.describe(sobject))
        return self.describes[sobject]

    def remember(self, sobject: str, described: dict[str, Any] | None) -> None:
        """``described`` (the object's describe, None when absent) cached for the connector's life: a describe read
        elsewhere (the nightly label check) saves ``describe_fields`` its call."""
        self.describes[sobject] = None if described is None else {
            f["name"].lower(): f for f in described.get("fields", [])}
        infos = (described or {}).get("recordTypeInfos")
        self.record_type_infos[sobject] = [i for i in infos if isinstance(i, dict)] if isinstance(infos, list) else []

    def record_types(self, sobject: str) -> list[dict[str, Any]]:
        """The object's record types as its describe lists them (``recordTypeInfos``: ``developerName`` the API
        name, ``name`` the label, ``recordTypeId``; the master record type first), from the same describe call."""
        self.describe_fields(sobject)
        return self.record_type_infos.get(sobject, [])

    def check(self) -> list[SchemaIssue]:
        issues: list[SchemaIssue] = []
        for obj, keyed in self.mapping.write_fields().items():
            fields = self.describe_fields(obj)
            if fields is None:
                issues.append(SchemaIssue(obj, None, f"the org has no object {obj}",
                                          "run: pac crm provision salesforce (or deploy force-app/ with the sf CLI)"))
                continue
            keys = {name for key, name in keyed.items() if key.endswith(".key_field")}
            for name in dict.fromkeys(keyed.values()):
                f = fields.get(name.lower())
                if f is None:
                    issues.append(SchemaIssue(obj, name, f"{obj}.{name} is missing (or hidden from the integration "
                                              "user)", "run: pac crm provision salesforce (creates it and grants "
                                              "access through the permission set PAC_Integration); an org provisioned "
                                              f"by an older pac: deploy force-app/ again instead ({DEPLOY}), which "
                                              "also brings the list views and the Lightning component that read "
                                              "the new fields"))
                elif not f.get("updateable") and name != "Id":
                    issues.append(SchemaIssue(obj, name, f"{obj}.{name} is not updateable by the integration user",
                                              "run: pac crm provision salesforce, or assign the permission set "
                                              "PAC_Integration to the integration user"))
                elif (spec := pac_field(obj, name)) is not None and f.get("type") != _DESCRIBE_TYPE[spec.type]:
                    issues.append(SchemaIssue(obj, name, f"{obj}.{name} is a {f.get('type')} field; pac writes a "
                                              f"{_DESCRIBE_TYPE[spec.type]} ({spec.type}) there",
                                              "an org provisioned by an older pac: change the field's type in Setup "
                                              f"to {spec.type} (or deploy force-app/), see docs/salesforce.md",
                                              by_provisioning=False))
                elif name in keys and (weak := _key_gap(obj, name, f)) is not None:
                    issues.append(SchemaIssue(obj, name, *weak, by_provisioning=False))
                elif spec is not None and (gap := picklist_gaps(obj, spec, f)) is not None:
                    issues.append(SchemaIssue(obj, name, *gap, by_provisioning=False))
                elif spec is not None and (narrow := size_gap(obj, spec, f)) is not None:
                    issues.append(SchemaIssue(obj, name, *narrow, by_provisioning=False))
        for obj, keyed in self.mapping.read_fields().items():
            fields = self.describe_fields(obj)
            if fields is None:
                issues.append(SchemaIssue(obj, None, f"the org has no object {obj} (or it is hidden)",
                                          "grant the integration user read access to it"))
                continue
            for key, name in keyed.items():
                if "." not in name and name.lower() not in fields:
                    issues.append(SchemaIssue(obj, name, f"{obj}.{name} does not exist ({key})",
                                              "fix the mapping (pac config check --online says more)",
                                              by_provisioning=False))
        return issues

    def provision(self) -> list[str]:
        """Create the PAC objects and fields the org lacks through the Tooling API, then grant access to them.

        Fields created through the Tooling API are visible to nobody until a permission set grants them:
        ``connectors.salesforce.permissions.grant_access`` keeps the permission set ``PAC_Integration``
        (object and field access, as in ``force-app/``) and assigns it to the integration user. A field
        that exists but is hidden from the integration user (describe does not show it) is not created
        twice: the Tooling API's ``DUPLICATE_DEVELOPER_NAME`` is taken as "exists". Idempotent: a second
        run changes nothing and returns an empty list. ``SchemaError`` (with the admin's instruction,
        naming the permission set to assign) when the org refuses the permission set changes.
        """
        done: list[str] = []
        wanted = {obj: set(keyed.values()) for obj, keyed in self.mapping.write_fields().items()}
        granted: list[PacObject] = []
        for pac in PAC_OBJECTS:
            if pac.name not in wanted:
                continue
            fields = self.describe_fields(pac.name)
            if fields is None:
                if not pac.custom:
                    raise SchemaError(f"the org has no {pac.name} object visible to the integration user")
                if self._tooling_create("CustomObject", pac.name, pac.metadata()):
                    done.append(f"created object {pac.name}")
                fields = {}
            for f in pac.fields:
                if f.name.lower() in fields or f.name not in wanted[pac.name]:
                    continue
                if self._tooling_create("CustomField", f"{pac.name}.{f.name}", f.metadata()):
                    done.append(f"created field {pac.name}.{f.name}")
            granted.append(replace(pac, fields=tuple(f for f in pac.fields if f.name in wanted[pac.name])))
            self.describes.pop(pac.name, None)
        if not self.client.user_id:
            self.client.sf  # noqa: B018 - logs in, which tells the integration user's id
        done += grant_access(self.client, granted, self.client.user_id)
        self.describes.clear()
        return done

    def _tooling_create(self, kind: str, full_name: str, metadata: dict[str, Any]) -> bool:
        """Create one ``CustomObject`` or ``CustomField``; False when it already exists (hidden from us)."""
        try:
            self.client.restful(f"tooling/sobjects/{kind}", method="POST",
                                json={"FullName": full_name, "Metadata": metadata})
        except ConnectorError as exc:
            if "DUPLICATE_DEVELOPER_NAME" in str(exc):
                return False
            raise
        return True


def _key_gap(obj: str, name: str, described: dict[str, Any]) -> tuple[str, str] | None:
    """(problem, fix) when the upsert key ``obj.name`` (its describe) is not an External ID, or not Unique: REST
    upserts by a field that is no external id are refused; "If you're upserting a record for an object that has the
    External ID attribute selected but not the Unique attribute selected (a non-unique index), your client
    application must have the permission 'View All Data'", and "If the external ID matches multiple existing records,
    then a 300 error is returned" (REST API, Upsert Records Using sObject Rows by External ID)."""
    if not described.get("externalId"):
        problem = (f"{obj}.{name} is not an External ID field: pac upserts {obj} records by it, so Salesforce "
                   f"refuses every write to {obj} (INVALID_FIELD)")
    elif not described.get("unique"):
        problem = (f"{obj}.{name} is an External ID but not Unique: an upsert by it needs the View All Data "
                   "permission, and a record copied in Salesforce keeps the key, which then matches several records: "
                   "pac's writes of that record are refused every night")
    else:
        return None
    return problem, (f"in Setup (Object Manager, {obj}, {name}, Edit) tick External ID and Unique, or deploy "
                     f"force-app/ ({DEPLOY}); `pac crm provision salesforce` does not change an existing field")
