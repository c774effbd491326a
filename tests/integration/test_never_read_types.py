"""A type the plan counts that no activity of the store ever had: the mapping's rule matches none of the CRM's values.

Audit opsmap (cases 08 and 09): a Salesforce rule listing values the org's picklist lacks (« Reunion », « Meetings »
for « Réunion », « Meeting ») or a HubSpot meeting type renamed reads every such meeting as no type at all; `pac config
check --online` names the values, but the night ran with the meetings uncounted and said nothing: A-15 « Rencontrer 2
laboratoires d'Ille-et-Vilaine en mai » at 0 for ever. The night now warns of a counted type of which the store holds
no activity from any of the plan's connectors once an action counting it has begun, after its reads, at no API call
(the store's activities are loaded for the evaluation anyway). Seen failing before the change: no warning named
'meeting'. The demo's plan on Salesforce alone with the mapping as shipped: no such warning; its demos and quote
follow-ups, which the demo org holds none of, are counted only by actions still to come (A-18 in October, A-19 in
Q3): no warning either. (The shipped mapping reads A-16's four meetings: 4 / 4 in the demo.)
"""
from __future__ import annotations

from pathlib import Path

import pytest

from pac_config.settings import load_settings
from sandbox_crm.run import start_sandbox
from sync_jobs.demo import write_demo_settings
from tests.fakes import sandbox_sync

MISSPELT = ("Type: ['Réunion', 'Meeting']", "Type: ['Reunion', 'Meetings']")


@pytest.fixture(scope="module")
def crm():
    with start_sandbox() as server:
        yield server


def _settings(tmp: Path, misspelt: bool):
    path = write_demo_settings(f"sqlite:///{tmp / 'pac.db'}", tmp / "pac.yaml")
    text = Path(path).read_text(encoding="utf-8")
    text = text.replace("connectors: [sf-main, hs-west]", "connectors: [sf-main]")   # Salesforce alone
    if misspelt:
        right, wrong = MISSPELT
        shipped = next(line.split("mapping: '")[1].split("'")[0] for line in text.splitlines() if "sf-main" in line)
        mapping = Path(shipped).read_text(encoding="utf-8")
        assert right in mapping
        (tmp / "salesforce.yaml").write_text(mapping.replace(right, wrong), encoding="utf-8")
        text = text.replace(shipped, str(tmp / "salesforce.yaml"))
    Path(path).write_text(text, encoding="utf-8")
    return load_settings(path, env={})


# the actions counting meetings (« rendez-vous », « réunion », « meeting ») begun on the demo clock, 20 May 2027: Q2,
# week 19, May, Q1; A-03 (June), A-11 (Q3) and A-20 (second half) not yet
BEGUN_MEETINGS = ["A-04", "A-12", "A-15", "A-16"]


def _never_read(result) -> list:
    return [w for w in result.unmeasured if getattr(w, "code", "") == "never_read"]


def test_a_rule_matching_no_value_of_the_crm_is_warned_of_after_the_night(crm, tmp_path: Path) -> None:
    result = sandbox_sync(_settings(tmp_path, misspelt=True), crm)
    (warning,) = _never_read(result)
    assert warning.values["kind"] == "meeting"
    assert warning.values["actions"] == BEGUN_MEETINGS
    assert str(warning) == (
        "no 'meeting' activity was ever read from sf-main (salesforce): actions A-04, A-12, A-15, A-16 count them "
        "and stay at 0. If reps log them in the CRM, the mapping's rules for 'meeting' match none of their values: "
        "`pac config check --online` names the values they list that the CRM lacks")
    assert warning.words("fr").startswith(
        "aucune activité 'meeting' n'a jamais été lue de sf-main (salesforce) : les actions A-04, A-12, A-15, A-16 les "
        "comptent et restent à 0. Si les commerciaux")
    assert {a.action_id: a.done for a in result.evaluation.actions if a.action_id in BEGUN_MEETINGS} == \
        dict.fromkeys(BEGUN_MEETINGS, 0)


def test_the_shipped_mappings_read_every_type_the_demo_plan_counts(crm, tmp_path: Path) -> None:
    result = sandbox_sync(_settings(tmp_path, misspelt=False), crm)
    assert result.evaluation is not None and result.evaluation.actions
    assert _never_read(result) == []
