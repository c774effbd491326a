"""An action handed over to another rep, end to end (audit planstate F1): the sandbox CRMs, the shipped example plan
(a copy we edit), the real pipeline. Julie leaves; ops hands A-01 over to Marc in the plan file."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from sandbox_crm.server import SandboxServer
from sync_jobs import cli
from tests.integration.test_plan_state import Org, _plan_id

JULIE = "julie.martin@durand-process.example"
MARC = "marc.dubois@durand-process.example"
A01_WHO = f"who: {JULIE}\n    what: {{activity: visite, count: 5"


def _sf_done(org: Org, action: str = "A-01") -> tuple[float, str]:
    [row] = org.server.api("salesforce").find("PAC_Action__c", PAC_Key__c=f"{_plan_id(org)}:{action}")
    return row["PAC_Done__c"], row["OwnerId"]


def _hand_to_marc(org: Org, handed_over: str = "") -> None:
    org.edit_file(A01_WHO, (f"handed_over: {handed_over}\n    " if handed_over else "")
                  + A01_WHO.replace(JULIE, MARC))
    os.utime(org.plan, None)


def test_handing_a01_over_with_handed_over_keeps_julies_visits(tmp_path: Path, server: SandboxServer) -> None:
    """The audit's scenario: A-01 at 4 / 5 (Julie's visits); who: Marc with handed_over from Julie reads 5 / 5 (her
    4 and Marc's 1) in the evaluation and in Salesforce, owned by Marc (audit: 1 / 5, « Manquée »)."""
    org = Org(tmp_path, server, ("sf-main", "hs-west"))
    first = org.sync()
    assert first.evaluation is not None and first.evaluation.action("A-01").done == 4
    _hand_to_marc(org, f"{{from: {JULIE}, on: 2027-05-20}}")
    second = org.sync()
    assert second.evaluation is not None
    a01 = second.evaluation.action("A-01")
    assert (a01.done, a01.pace.value) == (5, "done")
    done, owner = _sf_done(org)
    assert int(done) == 5
    [marc] = server.api("salesforce").find("User", Email=MARC)
    assert owner == marc["Id"]
    assert not [w for w in second.unmeasured if "handed_over" in w]


def test_who_changed_alone_is_warned_of_by_sync_and_plan_check(tmp_path: Path, server: SandboxServer) -> None:
    """who changed without handed_over: the count restarts (1 / 5, as documented), and both pac sync (the night that
    records the changed file) and pac plan check (any time after) say Julie's activities stop counting, with the YAML
    to write."""
    org = Org(tmp_path, server, ("sf-main",))
    org.sync()
    _hand_to_marc(org)
    result = org.sync()
    assert result.evaluation is not None and result.evaluation.action("A-01").done == 1
    [warning] = [w for w in result.unmeasured if "handed_over" in w]
    assert warning.startswith(f"A-01: who changed from {JULIE} to {MARC} since the store's version 1 of the plan: "
                              f"the activities of {JULIE} stop counting for it")
    assert f"handed_over: {{from: {JULIE}, on: 2027-05-20}}" in warning
    # said on the run that records the changed file; a quiet night parses no older version and says nothing
    assert not [w for w in org.sync().unmeasured if "handed_over" in w]
    assert org.settings.source is not None
    shown = CliRunner().invoke(cli.main, ["plan", "check", str(org.plan)], prog_name="pac",
                               env={"PAC_CONFIG": str(org.settings.source), "COLUMNS": "400"})
    assert shown.exit_code == 0, shown.output
    # the plan is French: pac plan check words the warning in French, as pac sync --lang fr (audit clifr)
    assert (f"attention : A-01 : le responsable est passé de {JULIE} à {MARC} depuis la version 1 du plan gardée par "
            f"pac : les activités de {JULIE} ne comptent plus pour elle") in shown.output
