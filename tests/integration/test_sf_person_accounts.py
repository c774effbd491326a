"""Person Accounts over HTTP: the sandbox org through simple-salesforce, with an ordered list of address fields."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors.base import ObjectKind
from connectors.retry import RetryPolicy
from connectors.salesforce.connector import build
from connectors.salesforce.mapping import check_mapping_online, default_mapping_path, load_mapping
from pac_core.records import Account
from sandbox_crm.http import Request
from sandbox_crm.run import sandbox_env
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.salesforce.schema import SField
from sandbox_crm.server import SandboxServer

NO_WAIT = RetryPolicy(max_attempts=4, sleep=lambda _s: None, jitter=lambda: 0.0)
SINGLE = "  postal_code: BillingPostalCode\n  country: BillingCountry"


def _mapping(tmp_path: Path, accounts: str = "  postal_code: [BillingPostalCode, PersonMailingPostalCode]\n"
                                             "  country: [BillingCountry, PersonMailingCountry]") -> Path:
    text = default_mapping_path().read_text(encoding="utf-8")
    assert SINGLE in text
    path = tmp_path / "m.yaml"
    path.write_text(text.replace(SINGLE, accounts, 1), encoding="utf-8")
    return path


def _person_accounts(api: SalesforceApi) -> None:
    """The fields Salesforce adds to Account when Person Accounts are enabled (those the test reads)."""
    api.schema["Account"].add(SField("IsPersonAccount", "boolean", updateable=False, createable=False,
                                     nillable=False),
                              SField("PersonMailingPostalCode", "string", length=20),
                              SField("PersonMailingCountry", "string", length=80))


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer([SalesforceApi(None, multi_currency=False)]) as srv:
        yield srv


def _record_queries(api: SalesforceApi) -> list[str]:
    """Every SOQL statement the org is sent (``q`` of the query calls)."""
    seen: list[str] = []
    handle = api.handle

    def recording(request: Request, fault: Any) -> Any:
        if request.arg("q"):
            seen.append(str(request.arg("q")))
        return handle(request, fault)

    api.handle = recording  # type: ignore[method-assign]
    return seen


class TestPersonAccountsOverHttp:
    def test_the_query_selects_both_fields_and_both_groups_are_placed(self, server: SandboxServer,
                                                                       tmp_path: Path) -> None:
        """A business account (BillingPostalCode 69001) and a person account (only PersonMailingPostalCode 69003,
        PersonMailingCountry France): the accounts' SOQL selects Billing and PersonMailing fields, and both accounts
        come out in the Rhône. Seen failing before: the list was refused as "must be text"."""
        api: SalesforceApi = server.api("salesforce")
        _person_accounts(api)
        owner = api.integration_user
        business = api.create("Account", Name="Lyon SARL", BillingPostalCode="69001", BillingCountry="France",
                              OwnerId=owner, IsPersonAccount=False)
        person = api.create("Account", Name="Jean Dupont", PersonMailingPostalCode="69003",
                            PersonMailingCountry="France", OwnerId=owner, IsPersonAccount=True)
        queries = _record_queries(api)
        connector = build("sf", _mapping(tmp_path), sandbox_env(server), policy=NO_WAIT)
        try:
            accounts = {a.id: a for a in connector.pull(ObjectKind.ACCOUNTS, None) if isinstance(a, Account)}
        finally:
            connector.close()
        [soql] = [q for q in queries if q.startswith("SELECT Id,") and " FROM Account" in q]
        selected = {f.strip() for f in soql.split(" FROM ")[0].removeprefix("SELECT ").split(",")}
        assert {"BillingPostalCode", "PersonMailingPostalCode", "BillingCountry", "PersonMailingCountry"} <= selected
        assert [(accounts[i].postal_code, accounts[i].departement, accounts[i].country) for i in (business, person)] \
            == [("69001", "69", "FR"), ("69003", "69", "FR")]

    def test_online_check_on_an_org_without_person_accounts(self, server: SandboxServer, tmp_path: Path) -> None:
        """Listing PersonMailingPostalCode on an org without Person Accounts is named at its item (the query would
        fail), the Billing field of the same list being fine; the shipped default checks clean there."""
        connector = build("sf", default_mapping_path(), sandbox_env(server), policy=NO_WAIT)
        try:
            path = _mapping(tmp_path)
            problems = check_mapping_online(load_mapping(path), connector, path)
            assert sorted(p.path for p in problems) == ["accounts.country[1]", "accounts.postal_code[1]"]
            assert all(p.line is not None and "Account has no field 'PersonMailing" in p.message for p in problems)
            default = check_mapping_online(load_mapping(default_mapping_path()), connector)
            assert [p for p in default if p.path.startswith("accounts.")] == []
        finally:
            connector.close()

    def test_online_check_names_a_listed_field_in_another_case_or_type(self, server: SandboxServer,
                                                                        tmp_path: Path) -> None:
        """Each listed field is checked as a single one is: written in another case, the check says how Salesforce
        spells it (records carry that name only); a field of the wrong type is named with its type."""
        api: SalesforceApi = server.api("salesforce")
        _person_accounts(api)
        path = _mapping(tmp_path, "  postal_code: [BillingPostalCode, personmailingpostalcode]\n"
                                  "  country: [BillingCountry, IsPersonAccount]")
        connector = build("sf", default_mapping_path(), sandbox_env(server), policy=NO_WAIT)
        try:
            problems = {p.path: p for p in check_mapping_online(load_mapping(path), connector, path)
                        if p.path.startswith("accounts.")}
        finally:
            connector.close()
        assert set(problems) == {"accounts.postal_code[1]", "accounts.country[1]"}
        assert problems["accounts.postal_code[1]"].fix == "write PersonMailingPostalCode"
        assert "is a boolean field" in problems["accounts.country[1]"].message
        assert (problems["accounts.postal_code[1]"].line, problems["accounts.country[1]"].line) == (12, 13)


def _person_notes(server: SandboxServer, mapping: Path) -> tuple[list[str], list[str]]:
    """What `pac config check MAPPING --online` says of ``mapping`` on the org: its problems on ``accounts.*`` (they
    exit 2) and its notes mentioning Person Accounts (printed, exit 0)."""
    connector = build("sf", mapping, sandbox_env(server), policy=NO_WAIT)
    try:
        problems = [p.path for p in check_mapping_online(load_mapping(mapping), connector)
                    if p.path.startswith("accounts.")]
        return problems, [n for n in connector.online_notes() if "Person" in n]
    finally:
        connector.close()


class TestOnlineWarning:
    def test_the_shipped_mapping_on_an_org_with_person_accounts_is_warned_with_the_fix(self, server: SandboxServer
                                                                                       ) -> None:
        """An org with Person Accounts: a business account (BillingPostalCode 69001), a person account with only
        PersonMailingPostalCode 69003 (read with the shipped mapping: no département, no région) and one with both.
        The online check stays clean (exit code unchanged) and warns once, naming both keys, the one person account
        left outside every scope, and the lists to write. Seen failing on the old code: no note at all."""
        api: SalesforceApi = server.api("salesforce")
        _person_accounts(api)
        owner = api.integration_user
        api.create("Account", Name="Lyon SARL", BillingPostalCode="69001", OwnerId=owner, IsPersonAccount=False)
        api.create("Account", Name="Jean Dupont", PersonMailingPostalCode="69003", PersonMailingCountry="France",
                   OwnerId=owner, IsPersonAccount=True)
        api.create("Account", Name="Marie Curie", BillingPostalCode="75005", PersonMailingPostalCode="69003",
                   OwnerId=owner, IsPersonAccount=True)
        problems, notes = _person_notes(server, default_mapping_path())
        assert problems == []
        assert notes == [
            "warning: accounts.postal_code, accounts.country: the org has Person Accounts (Account.IsPersonAccount) "
            "and the mapping reads BillingPostalCode, BillingCountry only: a person account whose address is the "
            "person's mailing address (PersonMailing*) falls outside every département and région scope, silently; "
            "1 person account has a PersonMailingPostalCode and no BillingPostalCode today. Fix: write postal_code: "
            "[BillingPostalCode, PersonMailingPostalCode] and country: [BillingCountry, PersonMailingCountry] (the "
            "first non-empty value wins; docs/salesforce.md, Person Accounts)"]

    def test_a_mapping_listing_the_person_fields_is_not_warned(self, server: SandboxServer, tmp_path: Path) -> None:
        """Both keys listing their PersonMailing field: no warning; the country alone missing it: a warning for
        ``accounts.country`` only (a person account's country is read as default_country), with its fix."""
        _person_accounts(server.api("salesforce"))
        assert _person_notes(server, _mapping(tmp_path)) == ([], [])
        country = _mapping(tmp_path, "  postal_code: [BillingPostalCode, PersonMailingPostalCode]\n"
                                     "  country: BillingCountry")
        [note] = _person_notes(server, country)[1]
        assert note.startswith("warning: accounts.country: the org has Person Accounts (Account.IsPersonAccount) and "
                               "the mapping reads BillingCountry only: a person account whose address is the person's "
                               "mailing address (PersonMailing*) is taken to be in default_country (FR). Fix: write "
                               "country: [BillingCountry, PersonMailingCountry]"), note

    def test_an_org_without_person_accounts_is_not_warned(self, server: SandboxServer) -> None:
        """The shipped mapping on a standard org (no IsPersonAccount): no note about Person Accounts."""
        assert _person_notes(server, default_mapping_path()) == ([], [])
