"""A night after a manager's Salesforce edit of a PAC record that pac accepted reads no more than any quiet night
(audit nights F2), through the real connectors, the sandbox CRM and the shipped example plan."""

from __future__ import annotations

from pathlib import Path

from sandbox_crm.server import SandboxServer
from tests.integration.test_plan_state import Org


def _queries(org: Org) -> list[str]:
    """One Salesforce night's ``query``/``queryAll`` requests (paths: first pages and next pages alike)."""
    org.server.reset_counts()
    org.sync()
    return [path for api, _method, path in org.server.log if api == "salesforce" and "/query" in path]


def test_the_night_after_an_accepted_edit_asks_no_user_name(tmp_path: Path, server: SandboxServer) -> None:
    """Nathalie saves A-06 in Salesforce with the status it has (as a manager who opens the record and saves it, or
    sets the status pac then accepts with nothing else of the record to change): she is its last editor, and the
    record stays in the PAC records' overlap window (their watermark minus 5 minutes) while no later PAC record
    changes, so each night reads it again. Its values are pac's own (nobody's edit to name). Seen failing before the
    fix: every such night asked Salesforce for Nathalie's name once more (« SELECT Id, Name FROM User WHERE Id IN
    (...) »): 20 queries a night instead of 19 here (with the provisioning's), 12 calls a quiet night instead of 11
    in the soak of nights."""
    org = Org(tmp_path, server, ("sf-main",))
    plan_id = org.sync().plan_id
    quiet = _queries(org)                                   # a quiet night: one page per object
    sf = server.api("salesforce")
    [action] = sf.find("PAC_Action__c", PAC_Key__c=f"{plan_id}:A-06")
    status = action["PAC_Status__c"]
    sf.edit("PAC_Action__c", action["Id"], by=sf.ids["u-nathalie-sf"], PAC_Status__c=status)
    nights = [_queries(org) for _ in range(2)]              # the edited record read again, at the same stamp
    assert [len(n) for n in nights] == [len(quiet)] * 2, (len(quiet), [len(n) for n in nights])
    night = org.sync()
    assert night.plan is not None and night.plan.action("A-06").status.value == status and night.written == 0
