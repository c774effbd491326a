"""What a Salesforce org's record errors and whole-call refusals during the write-back leave behind, through the real
requests + simple-salesforce stack against ``responses`` (audit writefail F4, F6)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import responses

from connectors.base import QuotaExhausted, Target, WriteChange
from connectors.retry import RetryPolicy
from connectors.salesforce.connector import SalesforceConnector, build
from pac_config.loader import config_dir
from sync_jobs.hooks import RunHooks
from sync_jobs.writeback import CrmWriter, WriteOutcome
from tests.fakes import MemoryWrittenStore

DOMAIN = "acme.my.salesforce.com"
DATA = f"https://{DOMAIN}/services/data/v62.0"
DEMO = config_dir() / "mappings" / "salesforce.demo.yaml"
AXES = f"{DATA}/composite/sobjects/PAC_Axis__c/PAC_Key__c"
ACCOUNTS = f"{DATA}/composite/sobjects"
NOW = datetime(2027, 5, 4, 8, 0, tzinfo=UTC)


def _connector() -> SalesforceConnector:
    responses.post(f"https://{DOMAIN}/services/oauth2/token",
                   json={"access_token": "tok", "instance_url": f"https://{DOMAIN}",
                         "id": "https://login.salesforce.com/id/00D000000000001AAA/005000000000001AAA"})
    return build("sf-main", DEMO, {"PAC_SF_AUTH": "client_credentials", "PAC_SF_DOMAIN": DOMAIN,
                                   "PAC_SF_CLIENT_ID": "cid", "PAC_SF_CLIENT_SECRET": "csecret-1234"},
                 policy=RetryPolicy(max_attempts=2, sleep=lambda _s: None, jitter=lambda: 0.0))


def _saved(key: str, code: str, message: str, fields: list[str] | None = None) -> dict[str, Any]:
    return {"success": False, "errors": [{"statusCode": code, "message": message, "fields": fields or []}]}


@responses.activate
def test_the_orgs_daily_limit_mid_write_keeps_and_counts_what_it_accepted() -> None:
    """The axes' call is accepted, the accounts' call refused with 403 ``REQUEST_LIMIT_EXCEEDED``: the stop carries
    the axes' results (the account's: None, never sent), and the writer checkpoints the axes, counts them, and
    hands its outcome on with the stop. Seen failing before the fix (audit writefail F4): the stop carried nothing
    and the batch's accepted records were neither counted nor checkpointed ("written 0", sent again next night)."""
    connector = _connector()
    responses.patch(AXES, json=[{"success": True, "id": "a01", "created": True, "errors": []},
                                {"success": True, "id": "a02", "created": True, "errors": []}])
    responses.patch(ACCOUNTS, status=403, json=[{"errorCode": "REQUEST_LIMIT_EXCEEDED",
                                                  "message": "TotalRequests Limit exceeded."}])
    changes = [WriteChange(Target.AXIS, "p:AX-1", {"name": "Axis 1"}),
               WriteChange(Target.AXIS, "p:AX-2", {"name": "2"}),
               WriteChange(Target.ACCOUNT, "sf:1", {"axes": "AX-1", "target": True}, "001000000000001AAA")]
    with pytest.raises(QuotaExhausted) as direct:       # one write of both objects: the connector's own partial
        connector.write(changes)
    assert [(r.key, r.ok) if r else None for r in direct.value.partial or []] == [("p:AX-1", True), ("p:AX-2", True),
                                                                                    None]
    store = MemoryWrittenStore()
    with pytest.raises(QuotaExhausted) as info:     # the writer sends the axes' batch, then the accounts' (bigplan)
        CrmWriter(store, RunHooks(), batch_size=200).write("p", connector, changes, now=NOW)
    assert [(r.key, r.ok) if r else None for r in info.value.partial or []] == [None]
    assert [(target, key, crm_id) for target, key, crm_id, _ in store.saved] == [("axis", "p:AX-1", "a01"),
                                                                                  ("axis", "p:AX-2", "a02")]
    outcome = info.value.outcome
    assert isinstance(outcome, WriteOutcome) and outcome.written == {"axis": 2} and not outcome.failed


@responses.activate
@pytest.mark.parametrize(("code", "message", "hint"), [
    ("FIELD_CUSTOM_VALIDATION_EXCEPTION", "Objective must be approved by finance",
     "a validation rule of the org refused it: exempt the integration user or the PAC objects from that rule"),
    ("DUPLICATES_DETECTED", "Use one of these records?",
     "a duplicate rule of the org blocked it: exempt the integration user or the PAC objects from that duplicate "
     "rule"),
    ("INVALID_FIELD_FOR_INSERT_UPDATE", "Unable to create/update fields: PAC_Objective__c.",
     "field-level security: assign the integration user the permission set `pac crm check` names"),
    ("STRING_TOO_LONG", "Name: data value too large: x (max length=80)",
     "the org's field is shorter than pac's schema: run `pac crm check`"),
])
def test_a_record_error_says_it_is_sent_again_and_what_fixes_it(code: str, message: str, hint: str) -> None:
    """A record error the org gives each night until its admin acts: the run's error says the record is sent again
    each night until fixed in the CRM (not "refused", which read as given up), with the fix for that status code.
    Seen failing before the fix (audit writefail F6): "(refused)" and no hint."""
    connector = _connector()
    responses.patch(AXES, json=[_saved("p:AX-1", code, message),
                                {"success": True, "id": "a02", "created": False, "errors": []}])
    changes = [WriteChange(Target.AXIS, "p:AX-1", {"name": "Axis 1"}),
               WriteChange(Target.AXIS, "p:AX-2", {"name": "2"})]
    outcome = CrmWriter(MemoryWrittenStore(), RunHooks(), batch_size=200).write("p", connector, changes, now=NOW)
    [error] = outcome.errors
    assert error.startswith(f"sf-main p:AX-1: {code}: {message}"), error
    assert f"({hint}" in error and error.endswith("(sent again each night until fixed in the CRM)"), error
    assert "(refused)" not in error


@responses.activate
def test_writes_save_through_a_duplicate_rule_that_only_alerts() -> None:
    """A duplicate rule whose action is Allow with an alert lets a person save after the alert; through the API
    "The default value for all fields is false. allowSave ... false—don't allow the user to acknowledge the alert or
    save the duplicate record" (REST API, Duplicate Rule Header): without the header such a rule on a PAC object
    refused pac's records every night (DUPLICATES_DETECTED). Every write call carries ``Sforce-Duplicate-Rule-Header:
    allowSave=true``; a rule that blocks still blocks, with its hint (above). Seen failing before the fix: the
    header was not sent (KeyError: 'Sforce-Duplicate-Rule-Header') (audit sfwrite F4)."""
    connector = _connector()
    responses.patch(AXES, json=[{"success": True, "id": "a01", "created": True, "errors": []}])
    responses.patch(ACCOUNTS, json=[{"success": True, "id": "001000000000001AAA", "errors": []}])
    connector.write([WriteChange(Target.AXIS, "p:AX-1", {"name": "Axis 1"}),
                     WriteChange(Target.ACCOUNT, "sf:1", {"target": True}, "001000000000001AAA")])
    writes = [c.request for c in responses.calls if c.request.method == "PATCH"]
    assert [r.url for r in writes] == [AXES, ACCOUNTS]
    assert [r.headers["Sforce-Duplicate-Rule-Header"] for r in writes] == ["allowSave=true", "allowSave=true"]


@responses.activate
def test_an_account_deleted_since_the_read_is_retried_not_left_to_the_admin() -> None:
    """An account a user deleted (or merged away) after tonight's read refuses the update with ENTITY_IS_DELETED
    (REST API, sObject Collections: one result per record, in order; Status Codes: "ENTITY_IS_DELETED: You can't
    refer to a record that has been deleted"): nothing in the CRM is to fix, and the next run reads the deletion
    (audit sfdocs F1) and writes to the account no more. The error says so and the failure is retryable; the other
    account is written. Seen failing before the fix: "(sent again each night until fixed in the CRM)", no hint."""
    connector = _connector()
    responses.patch(ACCOUNTS, json=[_saved("sf:1", "ENTITY_IS_DELETED", "entity is deleted"),
                                    {"success": True, "id": "001000000000002AAA", "errors": []}])
    changes = [WriteChange(Target.ACCOUNT, "sf:1", {"target": True}, "001000000000001AAA"),
               WriteChange(Target.ACCOUNT, "sf:2", {"target": True}, "001000000000002AAA")]
    outcome = CrmWriter(MemoryWrittenStore(), RunHooks(), batch_size=200).write("p", connector, changes, now=NOW)
    [error] = outcome.errors
    assert error.startswith("sf-main sf:1: ENTITY_IS_DELETED: entity is deleted"), error
    assert "deleted in Salesforce since tonight's read" in error and error.endswith("(retried next run)"), error
    assert outcome.written == {Target.ACCOUNT: 1} and outcome.failed == {Target.ACCOUNT: 1}
