"""Bulk API 2.0 CSV cells typed as REST's JSON types them (``client.bulk_row_shaper``)."""

from __future__ import annotations

from connectors.salesforce.client import bulk_row_shaper


def test_a_relationship_text_field_named_is_something_stays_text() -> None:
    """A relationship column's field is typed by nothing in the header (Bulk API 2.0 heads it
    ``Relationship.Field``): standard checkboxes (``IsPersonAccount``, ``IsDeleted``: ``Is`` then a capital, no
    ``__c``) are booleans, as REST answers them, while a text field whose name merely starts with "Is"
    (``Istat_Code__c``, ``Island__c``) stays text. It read False before: a scope on it then classified records
    differently on the weekly Bulk full read than on the nightly REST reads."""
    shape = bulk_row_shaper(["Id", "Account.Istat_Code__c", "Account.IsPersonAccount", "Account.Island__c",
                             "Account.Isotope"], {"id": "id"})
    row = shape(["00U1", "75056", "true", "Belle-Île", "C14"])
    assert row == {"Id": "00U1", "Account": {"Istat_Code__c": "75056", "IsPersonAccount": True,
                                             "Island__c": "Belle-Île", "Isotope": "C14"}}


def test_a_mapped_custom_checkbox_on_a_relationship_is_still_a_boolean() -> None:
    """The mapping's checkboxes (``boolean_columns``) are booleans whatever their name."""
    shape = bulk_row_shaper(["Id", "Account.Is_Dormant__c", "Account.Dormant__c"], {},
                            frozenset({"Account.Is_Dormant__c", "Account.Dormant__c"}))
    assert shape(["00U2", "true", "false"]) == {"Id": "00U2", "Account": {"Is_Dormant__c": True,
                                                                          "Dormant__c": False}}


def test_a_relationship_column_is_typed_by_its_objects_describe() -> None:
    """``Parent.AnnualRevenue`` (a double of the parent Account) came back as the text '2.5E7' over Bulk, 25000000.0
    over REST: a numeric scope on it matched nothing on the Bulk path (sfbulk audit F1; seen failing before the fix:
    '2.5E7' == 25000000.0). Typed through the describe (``types`` keyed by the lower-case column path), it is the
    number REST answers; a datetime cell comes in REST's form (``…+0000``, not ``…Z``), on a relationship too."""
    shape = bulk_row_shaper(["Id", "Parent.AnnualRevenue", "Parent.NumberOfEmployees", "Last_Audit__c",
                             "Parent.CreatedDate", "Parent.Name"],
                            {"id": "id", "parent.annualrevenue": "currency", "parent.numberofemployees": "int",
                             "last_audit__c": "datetime", "parent.createddate": "datetime", "parent.name": "string"})
    row = shape(["0011", "2.5E7", "250", "2026-10-01T08:00:00.000Z", "2026-09-30T22:30:00.000Z", "1.5E7"])
    assert row == {"Id": "0011", "Last_Audit__c": "2026-10-01T08:00:00.000+0000",
                   "Parent": {"AnnualRevenue": 25000000.0, "NumberOfEmployees": 250,
                              "CreatedDate": "2026-09-30T22:30:00.000+0000", "Name": "1.5E7"}}
