"""A type the plan counts that the store never held an activity of, once an action counting it has begun
(``coverage.never_read``, audit opsmap cases 08 and 09): the shipped example plan and mappings, the types present
given per connector as the night finds them in the store."""

from __future__ import annotations

from datetime import UTC, datetime

from pac_config.planfile import load_plan
from pac_core.plan import ActivityType
from sync_jobs.coverage import never_read
from tests.unit.test_coverage_owners import CONFIG, _connectors

MAY_20 = datetime(2027, 5, 20, 16, tzinfo=UTC)
EVERY = frozenset(ActivityType)


def _plan():
    return load_plan(CONFIG / "plans" / "example.pac.yaml")


def test_nothing_when_each_begun_type_was_read_by_one_connector_or_another() -> None:
    present = {"sf-main": EVERY - {ActivityType.MEETING}, "hs-west": frozenset({ActivityType.MEETING})}
    assert never_read(_plan(), _connectors(), present, MAY_20) == []


def test_a_type_never_read_is_warned_once_naming_only_its_begun_actions() -> None:
    present = {"sf-main": EVERY - {ActivityType.MEETING}, "hs-west": EVERY - {ActivityType.MEETING}}
    (warning,) = never_read(_plan(), _connectors(), present, MAY_20)
    assert warning.values == {"kind": "meeting", "actions": ["A-04", "A-12", "A-15", "A-16"],
                              "connectors": [["sf-main", "salesforce"], ["hs-west", "hubspot"]]}
    assert never_read(_plan(), _connectors(), present, datetime(2027, 1, 5, tzinfo=UTC))[0].values["actions"] == \
        ["A-16"]                                          # Q1's alone on 5 January
    assert never_read(_plan(), _connectors(), present, datetime(2026, 12, 31, tzinfo=UTC)) == []   # none begun


def test_an_action_warned_of_as_unmeasured_for_its_owner_is_left_out() -> None:
    present = {"sf-main": EVERY - {ActivityType.MEETING}, "hs-west": EVERY - {ActivityType.MEETING}}
    (warning,) = never_read(_plan(), _connectors(), present, MAY_20, frozenset({"A-04", "A-12", "A-15"}))
    assert warning.values["actions"] == ["A-16"]
    assert str(warning).startswith("no 'meeting' activity was ever read from sf-main (salesforce), hs-west "
                                   "(hubspot): action A-16 counts them and stays at 0. ")
    assert warning.words("fr").startswith("aucune activité 'meeting' n'a jamais été lue de sf-main (salesforce), "
                                          "hs-west (hubspot) : l'action A-16 les compte et reste à 0. ")
    assert never_read(_plan(), _connectors(), present, MAY_20, frozenset({"A-04", "A-12", "A-15", "A-16"})) == []


def test_a_type_only_a_connector_without_it_in_its_mapping_lacks_is_not_this_warning() -> None:
    """quote_follow_up is read by the Salesforce mapping only: its absence from HubSpot's records says nothing."""
    present = {"sf-main": EVERY, "hs-west": frozenset()}
    assert never_read(_plan(), _connectors(), present, datetime(2027, 12, 1, tzinfo=UTC)) == []
