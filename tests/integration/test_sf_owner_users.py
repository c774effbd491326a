"""Two active Salesforce users share a rep's e-mail (User.Email is not unique: Username is): which one owns her PAC
records. The shipped example plan on the sandbox CRM (Salesforce only) through simple-salesforce and the real
pipeline (``Org`` of ``test_plan_state``)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from sandbox_crm.server import SandboxServer
from tests.integration.test_owner_writeback import JULIE, _last_written
from tests.integration.test_plan_state import Org, _plan_id


def _a01(org: Org) -> dict:
    [row] = org.server.api("salesforce").find("PAC_Action__c", PAC_Key__c=f"{_plan_id(org)}:A-01")
    return row


class TestSharedEmail:
    def test_her_standard_user_owns_them_not_her_chatter_user(self, tmp_path: Path, server: SandboxServer) -> None:
        """sfemu audit F2. Julie's Chatter Free user (UserType CsnOnly, same e-mail, created and changed after her
        Standard user) is read last: A-01 is still owned by her Standard user, the one that logs in and reads "My
        actions". Seen failing before the fix: owned by the Chatter Free user (the last active user read wins)."""
        org = Org(tmp_path, server, ("sf-main",))
        sf = server.api("salesforce")
        julie = sf.ids["u-julie"]
        chatter = sf.create("User", Username="julie.martin@durand-process.example.chatter", Email=JULIE,
                            FirstName="Julie", LastName="Martin (Chatter)", IsActive=True)
        sf.org.edit("User", chatter, UserType="CsnOnly")
        org.sync()
        assert _a01(org)["OwnerId"] == julie
        assert _last_written(org, "sf-main", f"{_plan_id(org)}:A-01")["owner_email"] == JULIE

    def test_two_standard_users_the_oldest_is_chosen_and_both_are_named(self, tmp_path: Path, server: SandboxServer,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
        """Two active Standard users with Julie's e-mail (a test user made with her address): A-01 goes to the one
        with the lowest Id (the older: a user made later never takes her records over), the run warns once naming
        both users, the one chosen and the fixes; once the other is deactivated, nothing moves (audit sfownerpick:
        left with no owner, the record was the integration user's, hidden from both users).
        Seen failing before the fix: A-01 not given to either (the integration user kept it)."""
        org = Org(tmp_path, server, ("sf-main",))
        sf = server.api("salesforce")
        julie = sf.ids["u-julie"]
        other = sf.create("User", Username="julie.test@durand-process.example", Email=JULIE, FirstName="Julie",
                          LastName="Test", IsActive=True)
        assert julie < other          # her user was made first
        with caplog.at_level(logging.WARNING):
            org.sync()
        assert _a01(org)["OwnerId"] == julie
        assert _last_written(org, "sf-main", f"{_plan_id(org)}:A-01")["owner_email"] == JULIE
        shared = [r.getMessage() for r in caplog.records if "share the e-mail" in r.getMessage()]
        assert len(shared) == 1, [r.getMessage() for r in caplog.records]
        assert julie in shared[0] and other in shared[0] and "deactivate" in shared[0].lower()
        assert f"gives them to {julie}" in shared[0], shared[0]

        sf.org.edit("User", other, IsActive=False)
        org.sync()
        assert _a01(org)["OwnerId"] == julie
