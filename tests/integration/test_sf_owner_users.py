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

    def test_two_standard_users_are_named_and_neither_is_guessed(self, tmp_path: Path, server: SandboxServer,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
        """Two active Standard users with Julie's e-mail (a test user made with her address): pac cannot tell which
        is hers; the run warns once, naming both users and the fixes, leaves A-01's owner unchanged (not recorded as
        written, so it is sent again), and once the other user is deactivated the next run gives A-01 to Julie.
        Seen failing before the fix: no warning, A-01 given to the user read last."""
        org = Org(tmp_path, server, ("sf-main",))
        sf = server.api("salesforce")
        julie = sf.ids["u-julie"]
        other = sf.create("User", Username="julie.test@durand-process.example", Email=JULIE, FirstName="Julie",
                          LastName="Test", IsActive=True)
        with caplog.at_level(logging.WARNING):
            org.sync()
        assert _a01(org)["OwnerId"] not in (julie, other)
        assert "owner_email" not in _last_written(org, "sf-main", f"{_plan_id(org)}:A-01")
        shared = [r.getMessage() for r in caplog.records if "share the e-mail" in r.getMessage()]
        assert len(shared) == 1, [r.getMessage() for r in caplog.records]
        assert julie in shared[0] and other in shared[0] and "aliases" in shared[0] and "deactivate" in shared[0]

        sf.org.edit("User", other, IsActive=False)
        org.sync()
        assert _a01(org)["OwnerId"] == julie
        assert _last_written(org, "sf-main", f"{_plan_id(org)}:A-01")["owner_email"] == JULIE
