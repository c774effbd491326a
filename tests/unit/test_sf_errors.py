"""Vendor exceptions become the project's own, each with the action the runner must take."""

from __future__ import annotations

import pytest
import requests
from simple_salesforce import exceptions as sfx

from connectors.base import AuthError, ConnectorError, QuotaExhausted, RateLimited, SchemaError, TransientError
from connectors.salesforce.client import Credentials, SfClient, translate

URL = "https://acme.my.salesforce.com/services/data/v62.0/query"


def _body(code: str, message: str = "m") -> list[dict[str, str]]:
    return [{"errorCode": code, "message": message}]


class TestTranslate:
    @pytest.mark.parametrize("exc,expected", [
        (sfx.SalesforceRefusedRequest(URL, 403, "query", _body("REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn")),
         RateLimited),
        (sfx.SalesforceRefusedRequest(URL, 403, "query", _body("REQUEST_LIMIT_EXCEEDED", "TotalRequests")),
         QuotaExhausted),
        (sfx.SalesforceRefusedRequest(URL, 403, "query", _body("INSUFFICIENT_ACCESS")), AuthError),
        (sfx.SalesforceGeneralError(URL, 503, "query", _body("SERVER_UNAVAILABLE")), TransientError),
        (sfx.SalesforceGeneralError(URL, 500, "query", _body("UNKNOWN_EXCEPTION")), TransientError),
        (sfx.SalesforceMalformedRequest(URL, 400, "query", _body("INVALID_FIELD")), SchemaError),
        (sfx.SalesforceResourceNotFound(URL, 404, "describe", _body("NOT_FOUND")), SchemaError),
        (sfx.SalesforceGeneralError(URL, 410, "query", _body("GONE")), ConnectorError),
        (requests.ConnectionError("reset by peer"), TransientError),
        (requests.Timeout("read timed out"), TransientError),
        (requests.exceptions.SSLError("bad cert"), AuthError),
        (sfx.SalesforceAuthenticationFailed("invalid_grant", "authentication failure"), AuthError),
        (ValueError("Expecting value"), TransientError),
    ])
    def test_each_vendor_error_maps_to_one_project_error(self, exc: Exception, expected: type) -> None:
        """Every exception simple-salesforce or requests raises becomes exactly the expected base type."""
        translated = translate(exc, "query")
        assert type(translated) is expected

    def test_messages_carry_no_url_query(self) -> None:
        """Translated messages name the operation and the error code, never the request URL."""
        exc = sfx.SalesforceMalformedRequest(URL + "?q=SELECT+Secret", 400, "query", _body("INVALID_FIELD", "No col"))
        text = str(translate(exc, "query"))
        assert "INVALID_FIELD" in text and "SELECT" not in text


class _NoContent:
    """A Salesforce whose REST calls all answer 204 No Content: simple_salesforce's ``restful`` gives None."""

    def restful(self, path: str, method: str = "GET", **kwargs: object) -> None:
        return None


def test_an_empty_bulk_job_reply_is_a_connector_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty reply where the Bulk API 2.0 job must be described is a ConnectorError that says so (a
    TypeError, 'NoneType' object is not subscriptable, before)."""
    env = {"PAC_SF_AUTH": "client_credentials", "PAC_SF_DOMAIN": "acme.my.salesforce.com",
           "PAC_SF_CLIENT_ID": "id", "PAC_SF_CLIENT_SECRET": "secret-value-123"}
    client = SfClient(Credentials.from_env(env))
    monkeypatch.setattr(client, "call", lambda fn, what: fn(_NoContent()))
    with pytest.raises(ConnectorError, match=r"Bulk API 2\.0 query job creation: empty reply"):
        next(client.bulk_pages("SELECT Id FROM Account"))
