"""Drift repair against an automation of the CRM that rewrites a value pac wrote (audit writefail F3): a Salesforce
trigger or record-triggered flow running as pac's integration user, a HubSpot workflow. pac restores the value once;
when it comes back changed the same way right after that write, pac stops restoring it and says so once (the run is
partial); a full read tries it again, so once the automation is gone the value is written back once. A person's
change is restored every time, as before. The sandbox CRMs, both at once, through the real connectors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sandbox_crm.server import SandboxServer
from sync_jobs.pipeline import RunResult
from sync_jobs.run_status import RunStatus
from tests.integration.test_plan_state import AXIS, BOTH, NATHALIE, Org

WORKFLOW = {"sourceType": "AUTOMATION_PLATFORM", "sourceId": "workflow:4711", "sourceLabel": "Round progress"}


@pytest.fixture
def org(tmp_path: Path, server: SandboxServer) -> Org:
    return Org(tmp_path, server, BOTH)


def _rounded(value: Any) -> float:
    rounded = float(round(float(value)))
    assert rounded != float(value), f"the axis's progress {value} is whole: pick another axis"
    return rounded


class Salesforce:
    """The org's automation: rounds the axis's PAC_Progress_Pct__c as pac's integration user (a trigger's update);
    or a person (Nathalie) typing the same rounded value."""

    field, connector = "PAC_Progress_Pct__c", "sf-main"

    def __init__(self, org: Org, plan_id: str) -> None:
        self.org, self.plan_id = org, plan_id
        self.api = org.server.api("salesforce")

    def value(self) -> float:
        return float(self.org.sf_axis(self.plan_id)[self.field])

    def rewrite(self, *, person: bool = False) -> float:
        row = self.org.sf_axis(self.plan_id)
        value = _rounded(row[self.field])
        by = self.api.ids["u-nathalie-sf"] if person else self.api.integration_user
        self.api.edit("PAC_Axis__c", row["Id"], by=by, **{self.field: value})
        return value


class HubSpot:
    """The portal's workflow: rounds the axis's pac_progress_pct (no user in the property history); or a person."""

    field, connector = "pac_progress_pct", "hs-west"

    def __init__(self, org: Org, plan_id: str) -> None:
        self.org, self.plan_id = org, plan_id
        self.api = org.server.api("hubspot")

    def value(self) -> float:
        return float(self.org.hs_axis(self.plan_id).props[self.field])

    def rewrite(self, *, person: bool = False) -> float:
        obj = self.org.hs_axis(self.plan_id)
        value = _rounded(obj.props[self.field])
        if person:
            self.api.update("pac_axis", obj.id, {self.field: str(value)},
                            by_user=self.org.hs_user(NATHALIE))
        else:
            self.api.update("pac_axis", obj.id, {self.field: str(value)}, source=WORKFLOW)
        return value


def _axis_sent(result: RunResult, connector: str) -> list[dict[str, Any]]:
    return [dict(c.fields) for c in result.changes.get(connector, []) if c.key.endswith(f":{AXIS}")]


def _lines(lines: list[str], connector: str) -> list[str]:
    return [line for line in lines if line.startswith(f"{connector} ") and line.split()[1].endswith(f":{AXIS}")]


@pytest.mark.parametrize("crm", [Salesforce, HubSpot], ids=["salesforce", "hubspot"])
def test_a_value_an_automation_rewrites_is_restored_once_then_left_and_reported_once(org: Org, crm: type) -> None:
    first = org.sync()                                   # night 1: pac writes 21.9
    side = crm(org, first.plan_id)
    wanted = side.value()
    side.rewrite()                                       # the automation makes it 22
    second = org.sync()                                  # night 2: restored (pac cannot know yet)
    assert side.value() == wanted
    [restored] = _lines(second.drift, side.connector)
    assert "in the CRM, restored to" in restored
    found = side.rewrite()                               # the automation again, right after pac's write
    third = org.sync()                                   # night 3: no restore, one report, partial
    assert side.value() == found
    assert _axis_sent(third, side.connector) == []
    assert _lines(third.drift, side.connector) == []
    [held] = _lines(third.errors, side.connector)
    assert f"rewrites {side.field} after pac writes it" in held and "exclude the PAC objects" in held
    assert third.status is RunStatus.PARTIAL
    fourth = org.sync()                                  # night 4: known, left alone, nothing said
    assert _axis_sent(fourth, side.connector) == [] and _lines(fourth.errors, side.connector) == []
    assert fourth.status is RunStatus.OK and side.value() == found
    # the automation removed: the next full read writes the value once, and the field is no longer held
    fifth = org.sync(full=True)
    assert side.value() == wanted
    [again] = _lines(fifth.drift, side.connector)
    assert "restored to" in again and "tried again" in again
    sixth = org.sync()
    assert _axis_sent(sixth, side.connector) == [] and _lines(sixth.drift, side.connector) == []
    assert side.value() == wanted


@pytest.mark.parametrize("crm", [Salesforce, HubSpot], ids=["salesforce", "hubspot"])
def test_a_person_who_changes_the_value_again_gets_it_restored_again(org: Org, crm: type) -> None:
    first = org.sync()
    side = crm(org, first.plan_id)
    wanted = side.value()
    side.rewrite(person=True)
    second = org.sync()
    assert side.value() == wanted and len(_lines(second.drift, side.connector)) == 1
    side.rewrite(person=True)                            # the same value typed again by the same person
    third = org.sync()
    assert side.value() == wanted
    [restored] = _lines(third.drift, side.connector)
    assert "restored to" in restored
    assert _lines(third.errors, side.connector) == [] and third.status is RunStatus.OK
