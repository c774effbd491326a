"""Drift repair of an action's owner toward a rep none of whose active Salesforce users can own PAC records (audit
leftowner): her only active user is now Chatter Free (``UserType`` CsnOnly: it "cannot be the owner of a custom object
record"), and her action was moved to Marc by hand. The shipped example plan on the sandbox CRM through
simple-salesforce and the real pipeline (``Org`` of ``test_plan_state``)."""

from __future__ import annotations

from pathlib import Path

from sandbox_crm.server import SandboxServer
from tests.integration.test_owner_writeback import JULIE
from tests.integration.test_plan_state import Org, _plan_id
from tests.integration.test_sf_owner_users import _a01


def test_no_restore_toward_a_chatter_free_rep_and_one_warning_a_night(tmp_path: Path, server: SandboxServer) -> None:
    """Before (seen failing): every night a « restored: … owner … » line toward Julie, never done, and the owner
    sent again. Now: A-01 stays Marc's, no « restored » line, nothing written to A-01, one warning naming A-01."""
    org = Org(tmp_path, server, ("sf-main",))
    sf = server.api("salesforce")
    org.sync()
    marc = sf.find("User", Email="marc.dubois@durand-process.example")[0]["Id"]
    sf.org.edit("User", sf.ids["u-julie"], UserType="CsnOnly")
    sf.edit("PAC_Action__c", _a01(org)["Id"], OwnerId=marc)
    for _night in range(2):
        stamp = _a01(org)["SystemModstamp"]
        result = org.sync()
        assert _a01(org)["OwnerId"] == marc and _a01(org)["SystemModstamp"] == stamp
        assert not [line for line in result.drift if "owner" in line], result.drift
        said = [w for w in result.unmeasured if "does not give them back" in w]
        assert len(said) == 1 and f"{_plan_id(org)}:A-01" in said[0] and JULIE in said[0], result.unmeasured
