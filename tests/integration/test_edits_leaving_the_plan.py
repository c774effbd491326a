"""A manager's CRM edit of an action read on the night the plan file renames or removes that action (audit planlife
F3): the edit cannot apply (the item is no longer in the plan), and `pac sync` says so with the retirement, naming
the value, who, when and the fix, as it does for the values accepted on earlier nights (audit planstate F2). Before,
the edit vanished without a word: no warning, no conflict, and `pac history` said nothing was recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox_crm.server import SandboxServer
from tests.integration.test_plan_state import BOTH, Org

NATHALIE = "u-nathalie-sf"


@pytest.fixture
def both(tmp_path: Path, server: SandboxServer) -> Org:
    return Org(tmp_path, server, BOTH)


def _raise_a05_target_in_salesforce(org: Org, plan_id: str) -> None:
    sf = org.server.api("salesforce")
    [row] = sf.find("PAC_Action__c", PAC_Key__c=f"{plan_id}:A-05")
    assert row["PAC_Target__c"] == 12
    sf.edit("PAC_Action__c", row["Id"], by=sf.ids[NATHALIE], PAC_Target__c=15)


def _lost(result: object) -> list[str]:
    return [w for w in result.unmeasured if "no longer in the plan, and with it" in w]   # type: ignore[attr-defined]


def test_an_edit_read_the_night_its_action_is_renamed_is_named_with_the_fix(both: Org) -> None:
    """Nathalie raises A-05's target 12 -> 15 in Salesforce during the day; ops renames A-05 to A-05b in the file the
    same day. The night retires A-05 and writes A-05b with the file's 12, and warns of the 15 it could not apply,
    from Nathalie, with « write target 15 in A-05b »; the night after says nothing more."""
    first = both.sync()
    _raise_a05_target_in_salesforce(both, first.plan_id)
    both.edit_file("  - id: A-05\n", "  - id: A-05b\n")
    second = both.sync()
    assert "A-05: no longer in the plan, marked removed in sf-main" in second.retired
    assert second.plan is not None and second.plan.action("A-05b").target == 12
    [warned] = _lost(second)
    assert warned.startswith("A-05: no longer in the plan, and with it go the edits made in the CRMs since the last "
                             "run, not applied: target 15 (12 in the file) from sf-main (Nathalie Garnier) on 20")
    assert "write target 15 in A-05b" in warned and "come back" not in warned
    assert not _lost(both.sync())


def test_an_edit_read_the_night_its_action_is_removed_is_named(both: Org) -> None:
    """The same edit, A-05 removed from the file: the warning names it and the action that replaces it."""
    first = both.sync()
    _raise_a05_target_in_salesforce(both, first.plan_id)
    text = both.plan.read_text(encoding="utf-8")
    both.plan.write_text(text[:text.index("  - id: A-05\n")] + text[text.index("  - id: A-06\n"):], encoding="utf-8")
    second = both.sync()
    [warned] = _lost(second)
    assert "target 15 (12 in the file) from sf-main (Nathalie Garnier)" in warned
    assert "write target 15 in the action that replaces it" in warned
