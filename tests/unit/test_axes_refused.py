"""One rule for both connectors: an action whose axis is a NEW axis (no CRM record yet) the CRM refused in the run
waits (not sent, a retryable failure naming its axis); an action whose axis HAS a record is sent even when that
axis's update was refused, since the CRM names the axis by its record (``connectors.base.AxesRefused``).
Salesforce through the real requests + simple-salesforce stack against ``responses``."""

from __future__ import annotations

import responses

from connectors.base import AxesRefused, Target, WriteChange, WriteResult
from connectors.retry import RetryPolicy
from connectors.salesforce.connector import SalesforceConnector, build
from pac_config.loader import config_dir

DOMAIN = "acme.my.salesforce.com"
DATA = f"https://{DOMAIN}/services/data/v62.0"
AXES = f"{DATA}/composite/sobjects/PAC_Axis__c/PAC_Key__c"
ACTIONS = f"{DATA}/composite/sobjects/PAC_Action__c/PAC_Key__c"
REFUSED = {"success": False, "created": False, "errors": [{
    "statusCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION", "message": "Objective required by a validation rule",
    "fields": []}]}


def _connector() -> SalesforceConnector:
    responses.post(f"https://{DOMAIN}/services/oauth2/token",
                   json={"access_token": "tok", "instance_url": f"https://{DOMAIN}",
                         "id": "https://login.salesforce.com/id/00D000000000001AAA/005000000000001AAA"})
    return build("sf-main", config_dir() / "mappings" / "salesforce.default.yaml",
                 {"PAC_SF_AUTH": "client_credentials", "PAC_SF_DOMAIN": DOMAIN, "PAC_SF_CLIENT_ID": "cid",
                  "PAC_SF_CLIENT_SECRET": "csecret-1234"},
                 policy=RetryPolicy(max_attempts=2, sleep=lambda _s: None, jitter=lambda: 0.0))


def _changes(axis_id: str | None) -> list[WriteChange]:
    return [WriteChange(Target.AXIS, "p:AX-1", {"name": "Axis 1", "target": 150000}, crm_id=axis_id),
            WriteChange(Target.ACTION, "p:A-1", {"name": "Action 1", "axis_key": "p:AX-1"})]


@responses.activate
def test_an_action_of_an_axis_with_a_record_is_sent_when_the_axis_update_is_refused() -> None:
    """The axis has a record (written on an earlier night); tonight its update is refused by a validation rule: its
    action is still sent (the lookup by the axis's key resolves to that record) and written. Seen failing before the
    one rule: the Salesforce writer held the action back ("not sent: its axis p:AX-1 was not written ..."), so a rule
    refusing an axis's figures also froze every action of the axis, which HubSpot's writer did not do."""
    connector = _connector()
    responses.patch(AXES, json=[{"id": "a01000000000001AAA", **REFUSED}])
    responses.patch(ACTIONS, json=[{"id": "a02000000000001AAA", "success": True, "created": False, "errors": []}])
    axis, action = connector.write(_changes("a01000000000001AAA"))
    assert not axis.ok and "validation rule" in axis.error
    assert action.ok, action.error
    assert len([c for c in responses.calls if c.request.url == ACTIONS]) == 1


@responses.activate
def test_an_action_of_a_new_axis_refused_waits_and_names_it() -> None:
    """A new axis (no record) refused: no action call, the action a retryable failure naming its axis and Salesforce."""
    connector = _connector()
    responses.patch(AXES, json=[{**REFUSED}])
    axis, action = connector.write(_changes(None))
    assert not axis.ok
    assert not action.ok and action.retryable
    assert action.error.startswith("held back: its axis p:AX-1 was not written to Salesforce (")
    assert [c for c in responses.calls if c.request.url == ACTIONS] == []


def test_the_rule_itself() -> None:
    """Refused with no record: held; refused with a record: not held; written later in the run: released."""
    refused = AxesRefused("HubSpot")
    action = WriteChange(Target.ACTION, "p:A-1", {"axis_key": "p:AX-1"})
    refused.note("p:AX-1", WriteResult("p:AX-1", False, error="400 VALIDATION_ERROR"), has_record=True)
    assert refused.waiting(action, "p:AX-1") is None
    refused.note("p:AX-1", WriteResult("p:AX-1", False, error="400 VALIDATION_ERROR"), has_record=False)
    held = refused.waiting(action, "p:AX-1")
    assert held is not None and not held.ok and held.retryable and "HubSpot (400 VALIDATION_ERROR)" in held.error
    assert refused.waiting(action, "p:AX-2") is None and refused.waiting(action, None) is None
    refused.note("p:AX-1", WriteResult("p:AX-1", True, "id-1"), has_record=False)
    assert refused.waiting(action, "p:AX-1") is None
