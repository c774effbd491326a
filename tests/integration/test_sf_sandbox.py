"""The sandbox's Salesforce dialect, driven by the real simple-salesforce client (documented wire format)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from simple_salesforce import Salesforce, format_soql
from simple_salesforce.exceptions import SalesforceExpiredSession, SalesforceMalformedRequest, SalesforceRefusedRequest

from sandbox_crm.demo_org import build_demo_org
from sandbox_crm.run import SF_CLIENT_ID, SF_CLIENT_SECRET
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import SandboxServer


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer([SalesforceApi(build_demo_org(scale=0.3))]) as srv:
        yield srv


def _session(server: SandboxServer) -> requests.Session:
    session = requests.Session()
    session.verify, session.trust_env = server.ca_path, False
    return session


def _token(server: SandboxServer, **form: str) -> requests.Response:
    return _session(server).post(f"{server.base_url}/services/oauth2/token", data=form)


@pytest.fixture
def sf(server: SandboxServer) -> Salesforce:
    body = _token(server, grant_type="client_credentials", client_id=SF_CLIENT_ID,
                  client_secret=SF_CLIENT_SECRET).json()
    return Salesforce(session_id=body["access_token"], instance_url=body["instance_url"], session=_session(server),
                      version="62.0")


class TestOAuth:
    def test_client_credentials_token_response(self, server: SandboxServer) -> None:
        """The token response has access_token, instance_url, id, token_type and issued_at."""
        body = _token(server, grant_type="client_credentials", client_id=SF_CLIENT_ID,
                      client_secret=SF_CLIENT_SECRET).json()
        assert {"access_token", "instance_url", "id", "token_type", "issued_at"} <= set(body)
        assert body["instance_url"] == server.base_url

    def test_wrong_secret_is_an_oauth_error(self, server: SandboxServer) -> None:
        """A wrong client secret answers 400 with error and error_description."""
        response = _token(server, grant_type="client_credentials", client_id=SF_CLIENT_ID, client_secret="nope")
        assert response.status_code == 400 and response.json()["error"] == "invalid_client"

    def test_jwt_bearer_grant(self, server: SandboxServer) -> None:
        """A well-formed RS256 assertion for a known user gets a token."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        claims = {"iss": "pac-sandbox-consumer-key", "sub": "julie.martin@durand-process.example",
                  "aud": "https://login.salesforce.com", "exp": int(time.time()) + 60}
        response = _token(server, grant_type="urn:ietf:params:oauth:grant-type:jwt-bearer",
                          assertion=jwt.encode(claims, pem, algorithm="RS256"))
        assert response.status_code == 200 and response.json()["id"].endswith(response.json()["id"][-18:])


class TestQuery:
    def test_versions_and_limits(self, sf: Salesforce, server: SandboxServer) -> None:
        """GET /services/data lists versions; /limits gives DailyApiRequests; every answer has Sforce-Limit-Info."""
        versions = _session(server).get(f"{server.base_url}/services/data/").json()
        assert {"label", "url", "version"} <= set(versions[0])
        limits = sf.limits()
        assert limits["DailyApiRequests"]["Max"] == 100_000
        assert sf.api_usage["api-usage"].total == 100_000

    def test_paging_by_next_records_url(self, sf: Salesforce) -> None:
        """A big result is paged by nextRecordsUrl, 2,000 records at most per page, batchSize honoured."""
        first = sf.query("SELECT Id FROM Event ORDER BY SystemModstamp, Id", include_deleted=True,
                         headers={"Sforce-Query-Options": "batchSize=200"})
        assert len(first["records"]) == 200 and not first["done"] and "/queryAll/" in first["nextRecordsUrl"]
        everything = list(sf.query_all_iter("SELECT Id FROM Event", include_deleted=True))
        assert len(everything) == first["totalSize"] and len({r["Id"] for r in everything}) == len(everything)

    def test_the_parents_next_page_invalidates_the_childrens_cursor(self, sf: Salesforce,
                                                                   server: SandboxServer) -> None:
        """"A queryMore() call on a parent object invalidates all child cursors in the previous result set" (SOAP API,
        queryMore()): 201 opportunities read 200 a page, the first with 250 lines; its lines past the first 200 come
        when asked for before the next page of opportunities, and are refused INVALID_QUERY_LOCATOR after it."""
        api = server.api("salesforce")
        account = next(r["Id"] for r in api.rows("Account") if not r["IsDeleted"])
        deal = api.create("Opportunity", Name="Curseur 000", AccountId=account, StageName="Closed Won",
                          CloseDate="2027-05-04", Amount=250)
        product = api.create("Product2", Name="PX", ProductCode="PX", Family="Pompes", IsActive=True)
        for _ in range(250):
            api.create("OpportunityLineItem", OpportunityId=deal, Product2Id=product, Quantity=1, UnitPrice=1,
                       TotalPrice=1)
        for i in range(1, 201):
            api.create("Opportunity", Name=f"Curseur {i:03d}", AccountId=account, StageName="Prospecting",
                       CloseDate="2027-09-01", Amount=1)
        soql = "SELECT Id, (SELECT Id FROM OpportunityLineItems) FROM Opportunity WHERE Name LIKE 'Curseur%' " \
               "ORDER BY Name"
        options = {"Sforce-Query-Options": "batchSize=200"}

        def first_page() -> tuple[str, str]:
            page = sf.query(soql, headers=options)
            assert len(page["records"]) == 200 and page["records"][0]["Id"] == deal
            return str(page["nextRecordsUrl"]), str(page["records"][0]["OpportunityLineItems"]["nextRecordsUrl"])

        deals_url, lines_url = first_page()
        assert len(sf.query_more(lines_url, identifier_is_url=True)["records"]) == 50      # before: they come
        deals_url, lines_url = first_page()
        assert len(sf.query_more(deals_url, identifier_is_url=True, headers=options)["records"]) == 1
        with pytest.raises(SalesforceMalformedRequest) as info:
            sf.query_more(lines_url, identifier_is_url=True)                                  # after: refused
        assert info.value.content[0]["errorCode"] == "INVALID_QUERY_LOCATOR"

    def test_query_all_returns_deleted_and_archived(self, sf: Salesforce) -> None:
        """query hides deleted and archived events; queryAll returns them with IsDeleted."""
        plain = sf.query("SELECT COUNT() FROM Event")["totalSize"]
        every = sf.query("SELECT COUNT() FROM Event", include_deleted=True)["totalSize"]
        deleted = sf.query("SELECT Id, IsDeleted FROM Event WHERE IsDeleted = true", include_deleted=True)
        assert every > plain and deleted["totalSize"] >= 1 and deleted["records"][0]["IsDeleted"] is True

    def test_relationship_fields_and_format_soql(self, sf: Salesforce) -> None:
        """Owner.Email comes back nested with attributes; format_soql values are understood."""
        soql = format_soql("SELECT Id, Owner.Email, What.Name FROM Event WHERE Subject = {} AND "
                           "ActivityDateTime >= {}", "Visite Laboratoires Lyon A", datetime(2027, 5, 1, tzinfo=UTC))
        records = sf.query(soql)["records"]
        assert records and records[0]["Owner"]["Email"] == "julie.martin@durand-process.example"
        assert records[0]["Owner"]["attributes"]["type"] == "User"

    def test_unknown_field_is_a_documented_error_body(self, sf: Salesforce) -> None:
        """An unknown column answers 400 with [{message, errorCode: INVALID_FIELD}]."""
        with pytest.raises(SalesforceMalformedRequest) as err:
            sf.query("SELECT Nope__c FROM Account")
        assert err.value.content[0]["errorCode"] == "INVALID_FIELD"


class TestWritesAndFaults:
    def test_upsert_by_external_id(self, sf: Salesforce) -> None:
        """PATCH composite/sobjects/T/ExtId creates then updates; SaveResults carry created."""
        body = {"allOrNone": False, "records": [{"attributes": {"type": "PAC_Action__c"}, "PAC_Key__c": "t:A-9",
                                                 "Name": "Action", "PAC_Done__c": 1}]}
        first = sf.restful("composite/sobjects/PAC_Action__c/PAC_Key__c", method="PATCH", json=body)
        second = sf.restful("composite/sobjects/PAC_Action__c/PAC_Key__c", method="PATCH", json=body)
        assert first[0]["created"] is True and second[0]["created"] is False and first[0]["id"] == second[0]["id"]

    def test_a_text_length_counts_utf16_units(self, sf: Salesforce) -> None:
        """Name holds 80 characters as Salesforce counts them, UTF-16 units (an emoji counts two, Salesforce Help
        005166849): 78 letters and an emoji (80 units) are saved, 79 letters and an emoji (81) refused. Seen failing
        before the emulator counted units: both saved (audit wbvalues F1)."""
        def name(text: str) -> dict[str, object]:
            return sf.restful("composite/sobjects/PAC_Action__c/PAC_Key__c", method="PATCH", json={
                "allOrNone": False, "records": [{"attributes": {"type": "PAC_Action__c"}, "PAC_Key__c": "t:A-8",
                                                 "Name": text}]})[0]
        assert name("x" * 78 + "🚀")["success"]
        refused = name("x" * 79 + "🚀")
        assert not refused["success"] and refused["errors"][0]["statusCode"] == "STRING_TOO_LONG"

    def test_update_by_15_character_id(self, sf: Salesforce, server: SandboxServer) -> None:
        """An update by a 15-character id reaches the same record as its 18-character form."""
        api = server.api("salesforce")
        account = api.ids["acc-bron"]
        result = sf.restful("composite/sobjects", method="PATCH", json={"allOrNone": False, "records": [
            {"attributes": {"type": "Account"}, "id": account[:15], "PAC_Target__c": True}]})
        assert result[0]["success"] and result[0]["id"] == account and api.row("Account", account)["PAC_Target__c"]

    def test_more_than_200_records_refused(self, sf: Salesforce) -> None:
        """A collection above 200 records is refused as a whole."""
        records = [{"attributes": {"type": "PAC_Action__c"}, "PAC_Key__c": f"t:{i}"} for i in range(201)]
        with pytest.raises(SalesforceMalformedRequest):
            sf.restful("composite/sobjects/PAC_Action__c/PAC_Key__c", method="PATCH",
                       json={"allOrNone": False, "records": records})

    def test_faults(self, sf: Salesforce, server: SandboxServer) -> None:
        """Injected rate limit and expired session answer 403 REQUEST_LIMIT_EXCEEDED and 401 INVALID_SESSION_ID."""
        server.faults.inject("salesforce", "rate_limit", path="query")
        with pytest.raises(SalesforceRefusedRequest) as err:
            sf.query("SELECT Id FROM User")
        assert err.value.content[0]["errorCode"] == "REQUEST_LIMIT_EXCEEDED"
        server.faults.inject("salesforce", "expire_session", path="query")
        with pytest.raises(SalesforceExpiredSession):
            sf.query("SELECT Id FROM User")
        with pytest.raises(SalesforceExpiredSession):
            sf.query("SELECT Id FROM User")   # stays expired until re-authentication

    def test_bulk2_query_job(self, sf: Salesforce) -> None:
        """A Bulk API 2.0 query job returns CSV pages chained by Sforce-Locator."""
        pages = list(sf.bulk2.Account.query("SELECT Id, Name FROM Account", max_records=50))
        rows = sum(page.count("\n") - 1 for page in pages)
        assert len(pages) > 1 and rows == sf.query("SELECT COUNT() FROM Account")["totalSize"]


class TestToLabel:
    """``toLabel()`` as the SOQL and SOSL Reference documents it: a picklist entry's label (in the querying user's
    language) under the field's name in SELECT, compared in WHERE, never in ORDER BY, an alias when the field is
    also selected as itself; a value with no entry comes back as it is."""

    @pytest.fixture
    def org(self) -> Iterator[tuple[SalesforceApi, Salesforce]]:
        api = SalesforceApi(None)
        with SandboxServer([api]) as srv:
            body = _token(srv, grant_type="client_credentials", client_id=SF_CLIENT_ID,
                          client_secret=SF_CLIENT_SECRET).json()
            yield api, Salesforce(session_id=body["access_token"], instance_url=body["instance_url"],
                                  session=_session(srv), version="62.0")

    def test_select_where_alias_and_bulk(self, org: tuple[SalesforceApi, Salesforce]) -> None:
        api, sf = org
        lyon = api.create("Account", Name="Lyon", Industry="Chemicals", Type="Partner")
        api.create("Account", Name="Paris", Industry="Pharmaceutique")
        api.create("Account", Name="Vide")
        api.relabel("Account", "Industry", "Chemicals", "Chimie")
        rows = sf.query("SELECT Name, toLabel(Industry), toLabel(Type) FROM Account ORDER BY Name")["records"]
        assert [(r["Name"], r["Industry"], r["Type"]) for r in rows] == [
            ("Lyon", "Chimie", "Partenaire"), ("Paris", "Pharmaceutique", None), ("Vide", None, None)]
        both = sf.query("SELECT Id, Industry, toLabel(Industry) shown FROM Account WHERE toLabel(Industry) = 'chimie'")
        assert [(r["Id"], r["Industry"], r["shown"]) for r in both["records"]] == [(lyon, "Chemicals", "Chimie")]
        pages = list(sf.bulk2.Account.query("SELECT Name, toLabel(Industry) FROM Account"))
        assert '"Name","Industry"' in pages[0] and '"Lyon","Chimie"' in pages[0]

    def test_a_relationship_field_in_a_child_subquery(self, org: tuple[SalesforceApi, Salesforce]) -> None:
        """``toLabel(Product2.Family)`` in the OpportunityLineItems subquery (the syntax is ``toLabel(object.field)``,
        the Reference's example a relationship field, ``toLabel(Recordtype.Name)``): the label comes back under the
        field's name, nested under its relationship as the value would be (``Product2`` -> ``Family``); a line
        whose product holds no family, ``null``."""
        api, sf = org
        api.add_picklist_value("Product2", "Family", "MACH", "Machines")
        press = api.create("Product2", Name="Presse", ProductCode="P40", Family="MACH", IsActive=True)
        bare = api.create("Product2", Name="Divers", ProductCode="DIV", IsActive=True)
        opp = api.create("Opportunity", Name="O", StageName="Closed Won", CloseDate=date(2027, 4, 1))
        for product in (press, bare):
            api.create("OpportunityLineItem", OpportunityId=opp, Product2Id=product, Quantity=1,
                       UnitPrice=Decimal(1), TotalPrice=Decimal(1))
        [row] = sf.query("SELECT Id, (SELECT Product2.ProductCode, toLabel(Product2.Family) FROM OpportunityLineItems)"
                         " FROM Opportunity")["records"]
        lines = {r["Product2"]["ProductCode"]: r["Product2"]["Family"] for r in row["OpportunityLineItems"]["records"]}
        assert lines == {"P40": "Machines", "DIV": None}

    @pytest.mark.parametrize(("text", "message"), [
        ("SELECT Industry, toLabel(Industry) FROM Account", "duplicate field selected: Industry"),
        ("SELECT Id FROM Account ORDER BY toLabel(Industry)", "can't be used in ORDER BY"),
        ("SELECT toLabel(Name) FROM Account", "not supported on field Name of type string")])
    def test_what_it_refuses(self, org: tuple[SalesforceApi, Salesforce], text: str, message: str) -> None:
        with pytest.raises(SalesforceMalformedRequest) as err:
            org[1].query(text)
        assert message in err.value.content[0]["message"]

    def test_the_users_language_is_a_user_field(self, org: tuple[SalesforceApi, Salesforce]) -> None:
        """``User.LanguageLocaleKey`` (what decides the labels toLabel() returns): the sandbox's users speak French."""
        rows = org[1].query("SELECT LanguageLocaleKey FROM User")["records"]
        assert rows and {r["LanguageLocaleKey"] for r in rows} == {"fr"}
