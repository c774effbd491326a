"""Person Accounts: ``accounts.postal_code`` / ``country`` as an ordered list of fields, the first non-empty wins."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from connectors.base import ObjectKind
from connectors.salesforce import connector as sf_connector
from connectors.salesforce.connector import build
from connectors.salesforce.mapping import (
    SalesforceMapping,
    check_mapping_offline,
    default_mapping_path,
    load_mapping,
    person_account_notes,
)
from connectors.salesforce.normalise import Normaliser
from pac_config.planfile import load_plan_text
from pac_core.engine import evaluate
from pac_core.records import Account, Activity, Records, User
from tests.fakes import labels_unchanged

SHIPPED = default_mapping_path()
STAMP = "2027-05-04T10:00:00.000+0000"
BOTH = "  postal_code: [BillingPostalCode, PersonMailingPostalCode]\n" \
       "  country: [BillingCountry, PersonMailingCountry]"
PLAN = """
plan: {name: Person accounts, year: 2027, timezone: Europe/Paris, currency: EUR, language: en}
people:
  - {email: julie@x.example, name: Julie, role: rep}
segments:
  - {id: S-RA, name: RA, kind: horizontal, scope: {region: Auvergne-Rhône-Alpes},
     swot: {strengths: [a], weaknesses: [b], opportunities: [c], threats: [d]}}
axes:
  - {id: AX1, name: Rhône, segment: S-RA, status: active,
     objective: {additional_revenue: 1000, period: "2027", baseline: 0, budget: 100}}
actions:
  - {id: A-VIS, axis: AX1, text: "Visit accounts of 69 in May", who: julie@x.example,
     what: {activity: visit, count: 5, counting: activities, scope: {departement: "69"}}, when: "mai 2027"}
"""


def _mapping_file(tmp_path: Path, accounts: str = BOTH) -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    old = "  postal_code: BillingPostalCode\n  country: BillingCountry"
    assert old in text
    path = tmp_path / "m.yaml"
    path.write_text(text.replace(old, accounts, 1), encoding="utf-8")
    return path


def _rhone_customers() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A business account billed in Lyon 1er and a person account whose only address is the person's, Lyon 3e;
    Julie visits each once in May."""
    accounts = [
        {"Id": "001B2B", "Name": "Lyon SARL", "IsPersonAccount": False, "BillingPostalCode": "69001",
         "BillingCountry": "France", "PersonMailingPostalCode": None, "PersonMailingCountry": None,
         "OwnerId": "005J", "IsDeleted": False, "SystemModstamp": STAMP},
        {"Id": "001PA", "Name": "Jean Dupont", "IsPersonAccount": True, "BillingPostalCode": None,
         "BillingCountry": None, "PersonMailingPostalCode": "69003", "PersonMailingCountry": "France",
         "OwnerId": "005J", "IsDeleted": False, "SystemModstamp": STAMP},
    ]
    events = [{"Id": f"00U{i}", "OwnerId": "005J", "WhatId": acct, "AccountId": acct, "Subject": "Visite",
               "Type": "Customer visit", "IsDeleted": False, "SystemModstamp": STAMP, "ActivityDate": "2027-05-10",
               "ActivityDateTime": "2027-05-10T08:00:00.000+0000", "IsAllDayEvent": False, "IsChild": False,
               "GroupEventType": "0", "IsRecurrence": False} for i, acct in enumerate(("001B2B", "001PA"))]
    return accounts, events


def _visits_counted(mapping: SalesforceMapping) -> tuple[int, list[Account]]:
    n = Normaliser("sf", mapping, warn=lambda _t: None)
    accounts_rows, event_rows = _rhone_customers()
    user = n.user({"Id": "005J", "Email": "julie@x.example", "Name": "Julie", "IsActive": True,
                   "SystemModstamp": STAMP})
    accounts = [n.account(r) for r in accounts_rows]
    events = [n.activity("Event", r) for r in event_rows]
    assert isinstance(user, User) and all(isinstance(a, Account) for a in accounts)
    assert all(isinstance(e, Activity) for e in events)
    records = Records(users=(user,), accounts=tuple(accounts), activities=tuple(events), deals=(),  # type: ignore[arg-type]
                      rejected=())
    ev = evaluate(load_plan_text(PLAN), records, as_of=datetime.fromisoformat("2027-06-20T12:00:00+02:00"))
    return ev.action("A-VIS").done, accounts  # type: ignore[return-value]


class TestPersonAccounts:
    def test_two_rhone_customers_visited_count_two(self, tmp_path: Path) -> None:
        """Business account BillingPostalCode 69001, person account with only PersonMailingPostalCode 69003: with
        ``postal_code: [BillingPostalCode, PersonMailingPostalCode]`` both are in the 69 and both visits count (2,
        by hand). Seen failing before: a list was refused, and either single field counted 1 (audit finding 4)."""
        done, accounts = _visits_counted(load_mapping(_mapping_file(tmp_path)))
        assert done == 2
        assert [(a.postal_code, a.departement, a.country) for a in accounts] == [("69001", "69", "FR"),
                                                                                  ("69003", "69", "FR")]

    @pytest.mark.parametrize("field", ["BillingPostalCode", "PersonMailingPostalCode"])
    def test_one_field_still_reads_one_group(self, tmp_path: Path, field: str) -> None:
        """A single field keeps today's meaning: the other group has no département (1 visit of 2)."""
        path = _mapping_file(tmp_path, f"  postal_code: {field}\n  country: BillingCountry")
        assert _visits_counted(load_mapping(path))[0] == 1

    def test_the_first_non_empty_value_wins(self, tmp_path: Path) -> None:
        """Billing first: an account holding both codes reads the billing one; a blank billing code is no value."""
        n = Normaliser("sf", load_mapping(_mapping_file(tmp_path)), warn=lambda _t: None)
        both = n.account({"Id": "0011", "Name": "A", "BillingPostalCode": "75001", "PersonMailingPostalCode": "69003"})
        blank = n.account({"Id": "0012", "Name": "B", "BillingPostalCode": "  ", "PersonMailingPostalCode": "69003",
                           "BillingCountry": "", "PersonMailingCountry": "Belgique"})
        assert isinstance(both, Account) and (both.postal_code, both.departement) == ("75001", "75")
        assert isinstance(blank, Account) and (blank.postal_code, blank.country) == ("69003", "BE")

    def test_the_postal_code_and_the_country_come_from_one_address(self, tmp_path: Path) -> None:
        """Two cross-border person accounts (decided 7 Dec 2026, audit sfhand4): a Lyon billing code with no billing
        country beside a Geneva mailing address is in the 69 (Geneva's country is another place's), a billing address
        holding only the org's default country beside a Geneva mailing address is in Switzerland (not '1201' read as
        a French code); a billing code with its country in the mailing half of the record (no mailing code) keeps it.
        Seen failing before the fix: ('69003', 'CH', None) and ('1201', 'FR', None)."""
        n = Normaliser("sf", load_mapping(_mapping_file(tmp_path)), warn=lambda _t: None)
        rows = [{"Id": "0011", "Name": "Hugo Blanc", "BillingPostalCode": "69003", "BillingCountry": None,
                 "PersonMailingPostalCode": "1201", "PersonMailingCountry": "Switzerland"},
                {"Id": "0012", "Name": "Marie Favre", "BillingPostalCode": None, "BillingCountry": "France",
                 "PersonMailingPostalCode": "1201", "PersonMailingCountry": "Switzerland"},
                {"Id": "0013", "Name": "Ana Ruiz", "BillingPostalCode": "1201", "BillingCountry": " ",
                 "PersonMailingPostalCode": None, "PersonMailingCountry": "Suisse"}]
        read = [n.account(r) for r in rows]
        assert [(a.postal_code, a.country, a.departement) for a in read if isinstance(a, Account)] == [
            ("69003", "FR", "69"), ("1201", "CH", None), ("1201", "CH", None)]

    def test_both_fields_are_read_and_checked_by_name(self, tmp_path: Path) -> None:
        """Each listed field is one of the Account fields read (the SOQL selects them all), each with its own key."""
        fields = load_mapping(_mapping_file(tmp_path)).read_fields()["Account"]
        assert fields["accounts.postal_code[0]"] == "BillingPostalCode"
        assert fields["accounts.postal_code[1]"] == "PersonMailingPostalCode"
        assert fields["accounts.country[1]"] == "PersonMailingCountry"

    def test_the_accounts_fingerprint_follows_the_list(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Listing a second field changes the accounts' reading (the next pull is a full read: every stored account
        normalised again); the single-field mapping keeps today's fingerprint (no full read on upgrade)."""
        env = {"PAC_SF_AUTH": "session", "PAC_SF_ACCESS_TOKEN": "x", "PAC_SF_INSTANCE_URL": "https://y"}
        single, listed = (labels_unchanged(build("sf", path, env)) for path in (SHIPPED, _mapping_file(tmp_path)))
        try:
            assert single.reading(ObjectKind.ACCOUNTS) != listed.reading(ObjectKind.ACCOUNTS)
            assert single.reading(ObjectKind.DEALS) == listed.reading(ObjectKind.DEALS)
            # how a listed mapping reads an address is part of its accounts' reading, and of that one's only
            before = (single.reading(ObjectKind.ACCOUNTS), listed.reading(ObjectKind.ACCOUNTS))
            monkeypatch.setattr(sf_connector, "ACCOUNT_ADDRESS", "each the first that holds a value")
            assert single.reading(ObjectKind.ACCOUNTS) == before[0]
            assert listed.reading(ObjectKind.ACCOUNTS) != before[1]
            assert single.mapping.accounts.model_dump(mode="json")["postal_code"] == "BillingPostalCode"
        finally:
            single.close()
            listed.close()


class TestListErrors:
    def test_an_empty_list_names_file_key_and_fix(self, tmp_path: Path) -> None:
        """``postal_code: []`` names no field: refused at its line, with the two forms to write."""
        path = _mapping_file(tmp_path, "  postal_code: []\n  country: BillingCountry")
        [problem] = check_mapping_offline(path)
        assert (problem.file, problem.line, problem.path) == (str(path), 12, "accounts.postal_code")
        assert "empty list" in problem.message
        assert "[BillingPostalCode, PersonMailingPostalCode]" in problem.fix
        assert str(problem).startswith(f"{path}:12 accounts.postal_code: ")

    def test_an_item_that_is_not_a_field_name(self, tmp_path: Path) -> None:
        """``[BillingPostalCode, 69001]`` (a value pasted for a field) names the item, the file and line."""
        path = _mapping_file(tmp_path, "  postal_code: BillingPostalCode\n  country: [BillingCountry, 33]")
        [problem] = check_mapping_offline(path)
        assert (problem.line, problem.path) == (13, "accounts.country")
        assert "item 2" in problem.message and "33" in problem.message
        assert "field's API name" in problem.fix

    def test_a_field_listed_twice(self, tmp_path: Path) -> None:
        """A repeated field would select it twice (SOQL refuses duplicate fields): refused offline."""
        path = _mapping_file(tmp_path, "  postal_code: [BillingPostalCode, BillingPostalCode]\n"
                                       "  country: BillingCountry")
        [problem] = check_mapping_offline(path)
        assert problem.path == "accounts.postal_code" and "twice" in problem.message

    def test_a_listed_name_that_is_no_field_name_is_located(self, tmp_path: Path) -> None:
        """Each item is checked as a single field is, at its own line."""
        path = _mapping_file(tmp_path, "  postal_code:\n    - BillingPostalCode\n    - Code postal\n"
                                       "  country: BillingCountry")
        [problem] = check_mapping_offline(path)
        assert (problem.path, problem.line) == ("accounts.postal_code[1]", 14)

    def test_the_shipped_mappings_still_read_one_field(self) -> None:
        """The default works on orgs without Person Accounts (PersonMailingPostalCode does not exist there): it
        reads BillingPostalCode alone; the list form is a commented example."""
        m = load_mapping(SHIPPED)
        assert (m.accounts.postal_code, m.accounts.country) == ("BillingPostalCode", "BillingCountry")
        assert "[BillingPostalCode, PersonMailingPostalCode]" in SHIPPED.read_text(encoding="utf-8")


class _Org:
    """Account's describe as an org with Person Accounts answers it: the Billing fields, IsPersonAccount and the
    person fields the integration user may read (``person``)."""

    def __init__(self, *person: str) -> None:
        names = ("Name", "BillingPostalCode", "BillingCountry", "BillingCountryCode", "IsPersonAccount", *person)
        self.fields = {n.lower(): {"name": n, "type": "boolean" if n.startswith("Is") else "string"} for n in names}

    def describe_fields(self, sobject: str) -> dict[str, dict[str, Any]] | None:
        return self.fields if sobject == "Account" else None


class TestPersonAccountWarning:
    def test_hidden_person_fields_say_to_grant_them_and_count_nothing(self, tmp_path: Path) -> None:
        """IsPersonAccount shown but PersonMailingPostalCode hidden from the integration user (field-level security):
        the fix grants it first, and no count is asked (the query would fail on the hidden field)."""
        asked: list[list[str]] = []
        [note] = person_account_notes(load_mapping(SHIPPED), _Org(), lambda listed: asked.append(listed) or 0)
        assert asked == [] and "Fix: grant the integration user read access to PersonMailingPostalCode, " \
            "PersonMailingCountry, then write postal_code: [BillingPostalCode, PersonMailingPostalCode]" in note

    def test_a_country_code_is_completed_by_the_persons_code(self, tmp_path: Path) -> None:
        """``country: BillingCountryCode`` (State and Country picklists): the fix lists PersonMailingCountryCode."""
        path = _mapping_file(tmp_path, "  postal_code: [BillingPostalCode, PersonMailingPostalCode]\n"
                                       "  country: BillingCountryCode")
        org = _Org("PersonMailingPostalCode", "PersonMailingCountryCode")
        [note] = person_account_notes(load_mapping(path), org)
        assert note.startswith("warning: accounts.country: ") and \
            note.endswith("Fix: write country: [BillingCountryCode, PersonMailingCountryCode] (the first non-empty "
                          "value wins; docs/salesforce.md, Person Accounts)")

    def test_a_person_contact_field_is_a_choice_made(self, tmp_path: Path) -> None:
        """A mapping reading a contact field Salesforce shows on person accounts (``Code_Postal__pc``) and a
        ``Person*`` country chose where person accounts keep their address: no warning."""
        path = _mapping_file(tmp_path, "  postal_code: [BillingPostalCode, Code_Postal__pc]\n"
                                       "  country: [BillingCountry, PersonOtherCountry]")
        assert person_account_notes(load_mapping(path), _Org("PersonMailingPostalCode")) == []
