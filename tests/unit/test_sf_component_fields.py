"""The pacPlan component reads only fields the source deploys, that every PAC permission set lets a user read, and
filters and sorts only on fields the GraphQL API can filter and sort (audit lwcaudit).

"The GraphQL wire adapter uses the Salesforce GraphQL API schema, which enables you to use UI API enabled objects with
the object-level security and field-level security of the current user" (LWC guide, graphql): a field a rep or a
manager may not read fails the whole query unless it is asked ``@optional`` (API v65.0, audit lwcgql: the figures the
card shows are, and read « non disponible »); a field the query filters or sorts on cannot be, so one hidden from a user
still makes the card say « Le plan n'a pas pu être chargé ». The component names
its fields in GraphQL text assembled from fragments in JavaScript (``${AXIS_FIELDS}``: the "dynamic query
construction" of lightning/graphql), not in ``@salesforce/schema`` imports, which a deploy refuses when the field is
missing; whether a deploy checks such assembled text is not documented, so this test is where a field removed or
renamed in ``force-app`` breaks.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from connectors.salesforce.schema import PAC_OBJECTS

DEFAULT = Path(__file__).resolve().parents[2] / "force-app" / "main" / "default"
SOURCE = (DEFAULT / "lwc" / "pacPlan" / "pacPlan.js").read_text(encoding="utf-8")
NS = "{http://soap.sforce.com/2006/04/metadata}"
TYPES = {(o.name, f.name): f.type for o in PAC_OBJECTS for f in o.fields}


def _block(name: str) -> str:
    """The text of the template literal ``const NAME = `...`;`` (a GraphQL fragment or query)."""
    found = re.search(rf"const {name} = (?:gql)?`(.*?)`;", SOURCE, re.S)
    assert found, name
    return found.group(1)


def _fields(text: str) -> set[str]:
    return set(re.findall(r"\b(PAC_\w+__c)\b", text))


def read_fields() -> set[tuple[str, str]]:
    """(object, field) of every PAC field the component reads or filters on."""
    axis = _block("AXIS_FIELDS")
    axis_own, _, actions_args = axis.partition("PAC_Actions__r")
    out = {("PAC_Axis__c", f) for f in _fields(axis_own)}
    out |= {("PAC_Action__c", f) for f in _fields(_block("ACTION_FIELDS")) | _fields(actions_args.split("{")[0])}
    account = re.search(r"Account\(.*?\{(.*?)\}\s*totalCount", _block("AXIS_QUERY"), re.S)
    assert account
    out |= {("Account", f) for f in _fields(account.group(1))}
    # filters built in JavaScript (where: Home, account and axis pages) and schema imports
    filters = re.findall(r"\{ (PAC_\w+__c): \{ (?:in|ne|eq|like|gte)\b", SOURCE)
    out |= {("PAC_Axis__c", f) for f in filters if f != "PAC_Axes__c"}
    out |= {("Account", "PAC_Axes__c")} if "PAC_Axes__c" in filters else set()
    out |= {(o, f) for o, f in re.findall(r"@salesforce/schema/(\w+)\.(\w+)", SOURCE)}
    return out


def test_the_component_reads_the_fields_it_shows() -> None:
    """The parser finds what the card shows (a guard against a parser that finds nothing)."""
    fields = read_fields()
    assert {("PAC_Axis__c", "PAC_Progress_Pct__c"), ("PAC_Axis__c", "PAC_Won_Revenue__c"),
            ("PAC_Action__c", "PAC_Window_End__c"), ("PAC_Action__c", "PAC_Progress_Pct__c"),
            ("Account", "PAC_Axes__c"), ("PAC_Axis__c", "PAC_Plan_End__c"), ("PAC_Axis__c", "PAC_Key__c")} <= fields


@pytest.mark.parametrize("obj,field", sorted(read_fields()))
def test_each_field_is_deployed(obj: str, field: str) -> None:
    assert (DEFAULT / "objects" / obj / "fields" / f"{field}.field-meta.xml").is_file()


@pytest.mark.parametrize("pset", ["PAC_Rep", "PAC_Manager", "PAC_Integration"])
def test_every_pac_permission_set_reads_every_field_the_component_reads(pset: str) -> None:
    root = ET.parse(DEFAULT / "permissionsets" / f"{pset}.permissionset-meta.xml").getroot()  # noqa: S314
    readable = {p.findtext(f"{NS}field") for p in root.iter(f"{NS}fieldPermissions")
                if p.findtext(f"{NS}readable") == "true"}
    objects = {p.findtext(f"{NS}object") for p in root.iter(f"{NS}objectPermissions")
               if p.findtext(f"{NS}allowRead") == "true"}
    assert {"PAC_Axis__c", "PAC_Action__c"} <= objects
    assert {f"{o}.{f}" for o, f in read_fields()} - readable == set()


def test_no_long_text_in_a_filter_or_an_order() -> None:
    """A long text area can be neither filtered nor sorted (SOQL, which the GraphQL API runs): PAC_KPIs__c or
    PAC_Text__c in a where or an orderBy would fail the query."""
    filtered = set(re.findall(r"\{ (PAC_\w+__c): \{ (?:in|ne|eq|like|gte|order)\b", SOURCE))
    filtered |= set(re.findall(r"orderBy: \{ (PAC_\w+__c):", SOURCE))
    assert filtered
    for field in filtered:
        kinds = {t for (_, f), t in TYPES.items() if f == field}
        assert kinds and "LongTextArea" not in kinds, field
