"""How an ``AccountHistory`` row's values are read as the account's own fields (audit sfhistory): the owner's row of
ids kept and its row of names left (Object Reference, *EntityHistory*: "Two rows are added to this object when
foreign key fields change"), ids in their 18-character form, a picklist read by label turned into its label, a
checkbox a boolean."""

from __future__ import annotations

from connectors.salesforce.history import NOT_READ, history_field, history_value, id18, state_fields
from connectors.salesforce.mapping import load_mapping
from pac_config.loader import config_dir


def test_a_15_character_id_gets_its_case_safe_suffix() -> None:
    assert id18("001A0000006Vm9r") == "001A0000006Vm9rIAC"
    assert id18("005000000000001") == "005000000000001AAA"
    assert id18("005000000000001AAA") == "005000000000001AAA"


def test_the_owner_row_of_ids_is_read_and_the_row_of_names_left() -> None:
    assert history_value("owner_id", "005000000000001", {}) == "005000000000001AAA"
    assert history_value("owner_id", "00G000000000007AAA", {}) == "00G000000000007AAA"     # a queue
    assert history_value("owner_id", "Julie Martin", {}) is NOT_READ
    assert history_value("owner_id", None, {}) is None


def test_a_picklist_read_by_label_and_a_checkbox() -> None:
    labels = {"Customer - Direct": "Client direct"}
    assert history_value("account_type", "Customer - Direct", labels) == "Client direct"
    assert history_value("account_type", "Prospect", labels) == "Prospect"       # a value with no entry: as it is
    assert [history_value("dormant", v, {}) for v in (True, False, "true", "false")] == [True, False, True, False]
    assert history_value("dormant", None, {}) is NOT_READ


def test_which_fields_and_how_account_history_names_them() -> None:
    mapping = load_mapping(config_dir() / "mappings" / "salesforce.default.yaml")
    assert state_fields(mapping) == {"owner_id": "OwnerId", "account_type": "Type"}
    assert [history_field(f) for f in ("OwnerId", "Type", "Dormant__c")] == ["Owner", "Type", "Dormant__c"]
