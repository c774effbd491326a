"""A Salesforce visit pac sets aside « no account » tells the rep why and what to change (audit sfhints, 8 Dec 2026).

Before: every Event or Task with no account read « the activity has no account » (« l'activité n'a pas de compte »)
in `pac sync`'s rejected lines and `pac explain`'s near misses, whatever the cause. The causes a rep meets, from
Salesforce's Object Reference:

* a private Event: IsPrivate "Private events can't be associated with opportunities, accounts, cases, campaigns,
  contracts, leads, or contacts"
  (https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_event.htm);
* a Task or Event on a Case with no contact: AccountId "If the value of the WhatId field is any other object, and the
  value of the WhoId field is a contact object, then Salesforce uses that contact's AccountId ... Otherwise, Salesforce
  sets the value of the AccountId field to null"
  (https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_task.htm);
* on a contact that has no account (the same rule), or related to nothing at all.

(An activity on a lead with no account is left out before, by design: ``normalise.not_a_report`` "lead".)

The orgs are sfhand10's (Julie's private visit J4) and sfhand11's (Léa's call L3 on Gamma's case, no contact), on the
docs emulator, through the real connector, pipeline and CLI. The figures and the rejections' count stay as they were.
Expected lines by hand: /tmp/audits/sfhints/EXPECTED.md.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any, cast

from connectors.base import StoredRecords
from connectors.salesforce.connector import SalesforceConnector
from connectors.salesforce.mapping import default_mapping_path, load_mapping
from connectors.salesforce.normalise import Normaliser, unplaced_rejection
from pac_core.records import Activity
from pac_core.reject_words import reason_words
from tests.integration.hand_reading import explain_tables
from tests.integration.sfhand10_org import N1, sync
from tests.integration.test_sfhand10_private_multiday_org import Org as PrivateOrg
from tests.integration.test_sfhand10_private_multiday_org import sud  # noqa: F401 (the fixture)
from tests.integration.test_sfhand11_tasks_org import Org as CaseOrg
from tests.integration.test_sfhand11_tasks_org import appels  # noqa: F401 (the fixture)

PRIVATE_EN = ("Event is private: a private event cannot be related to an account or a contact; untick Private and "
              "relate it to the account (Related To)")
PRIVATE_FR = ("l'événement (Event) est privé : un événement privé ne peut être rattaché à aucun compte ni contact ; "
              "décochez « Privé » et rattachez-le au compte (Associé à)")


def case_en(case: str) -> str:
    return (f"Task is related to case {case} and to no contact: Salesforce takes the account of such a task from its "
            "contact (Name); add a contact of the account in Name, or relate it to the account (Related To)")


def case_fr(case: str) -> str:
    return (f"la tâche (Task) est rattachée à la requête {case} sans contact : Salesforce prend alors le compte de son "
            "contact (Nom) ; ajoutez un contact du compte dans Nom, ou rattachez-la au compte (Associé à)")


def _cells(cfg: Any, *args: str) -> list[str]:
    _out, tables = explain_tables(cfg, *args)
    return [" ".join(row) for table in tables for row in table]


def test_a_private_visit_says_untick_private(sud: PrivateOrg) -> None:  # noqa: F811
    """Night 1 (1 June 2027): the figures of sfhand10 unchanged (A-1 4/4 done ... A-5 0/2), J4 still the one rejection,
    now in words a rep can act on, in English and French; `pac explain A-1` lists it among Julie's rejected records
    with those words."""
    result = sud.night("N1")["result"]
    assert {a.action_id: (a.done, a.target, a.pace) for a in result.evaluation.actions} == {
        "A-1": (4, 4, "done"), "A-2": (2, 3, "late"), "A-3": (5, 6, "late"), "A-4": (3, 6, "at_risk"),
        "A-5": (0, 2, "at_risk")}
    (r,) = result.rejections
    assert (result.status, r.id, r.reason) == ("partial", sud.ids["J4"], PRIVATE_EN)
    assert reason_words(r.reason, "fr", r.code, r.values) == PRIVATE_FR
    fr = _cells(sud.cfg, "A-1", "--lang", "fr", "--as-of", "2027-06-01T02:10")
    assert any(sud.ids["J4"] in row and PRIVATE_FR in row for row in fr), fr
    en = _cells(sud.cfg, "A-1", "--lang", "en", "--as-of", "2027-06-01T02:10")
    assert any(sud.ids["J4"] in row and PRIVATE_EN in row for row in en), en
    # a quiet run an hour later reads nothing again: J4 worded alike from the stored record, known
    sud.org.now = N1 + timedelta(hours=1)
    quiet = sync(sud.cfg, default_mapping_path(), N1 + timedelta(hours=1))
    assert ([(x.id, x.reason) for x in quiet.rejections], quiet.new_rejections) == ([(sud.ids["J4"], PRIVATE_EN)], [])
    # night 2: still rejected, known (not new), the night ok
    result = sud.night("N2")["result"]
    assert (result.status, [(x.id, x.reason) for x in result.rejections], result.new_rejections) == (
        "ok", [(sud.ids["J4"], PRIVATE_EN)], [])


def test_a_call_on_a_case_with_no_contact_says_add_a_contact(appels: CaseOrg) -> None:  # noqa: F811
    """Night 1 (1 February 2027): sfhand11's figures unchanged, L3 (Léa's call on Gamma's case, no contact) the one
    rejection, in words naming the case and what to change; `pac explain A-1 --lang fr` lists it so; the
    next night, which does not read it again, words it alike from the stored record."""
    result = appels.night("N1")["result"]
    assert {a.action_id: (a.done, a.target, a.pace) for a in result.evaluation.actions} == {
        "A-1": (4, 6, "late"), "A-2": (3, 4, "late"), "A-3": (4, 5, "late"), "A-4": (4, 40, "on_track")}
    case = appels.ids["CS-GAM"]
    (r,) = result.rejections
    assert (result.status, r.id, r.reason) == ("partial", appels.ids["L3"], case_en(case))
    assert reason_words(r.reason, "fr", r.code, r.values) == case_fr(case)
    fr = _cells(appels.cfg, "A-1", "--lang", "fr", "--as-of", "2027-02-01T02:10")
    assert any(appels.ids["L3"] in row and case_fr(case) in row for row in fr), fr
    # night 2 (12 January 2028) reads only what changed: L3 not read again, worded from the stored record, known
    result = appels.night("N2")["result"]
    assert ([(x.id, x.reason) for x in result.rejections], result.new_rejections) == (
        [(appels.ids["L3"], case_en(case))], [])


def test_a_task_on_nothing_or_on_a_contact_with_no_account() -> None:
    """The two other causes, as the normaliser reads the rows: a Task related to nothing, and one whose contact has no
    account (AccountId null: "Otherwise, Salesforce sets the value of the AccountId field to null")."""
    n = Normaliser("sf-main", load_mapping(default_mapping_path()))
    base = {"OwnerId": "005000000000001AAA", "Subject": "Appel", "TaskSubtype": "Call", "Status": "Completed",
            "ActivityDate": "2027-01-12", "IsDeleted": False, "SystemModstamp": "2027-01-12T10:00:00.000+0000"}
    alone = n.activity("Task", {**base, "Id": "00T000000000001AAA", "WhatId": None, "WhoId": None,
                                "AccountId": None})
    contact = n.activity("Task", {**base, "Id": "00T000000000002AAA", "WhatId": None, "WhoId": "003000000000009AAA",
                                  "AccountId": None})
    assert isinstance(alone, Activity) and isinstance(contact, Activity)
    assert (alone.placed_by, contact.placed_by) == (("none",), ("who:003000000000009AAA",))
    r = unplaced_rejection("sf-main", alone)
    assert r is not None and r.reason == ("Task is related to no account, contact or record: relate it to the account "
                                          "(Related To) or to a contact of the account (Name)")
    assert reason_words(r.reason, "fr", r.code, r.values) == (
        "la tâche (Task) n'est rattachée à aucun compte, contact ni enregistrement : rattachez-la au compte "
        "(Associé à) ou à un contact du compte (Nom)")
    r = unplaced_rejection("sf-main", contact)
    assert r is not None and r.reason == (
        "Task is related to contact 003000000000009AAA, who has no account: put the contact on an account, or relate "
        "it to the account (Related To)")
    assert reason_words(r.reason, "fr", r.code, r.values) == (
        "la tâche (Task) est rattachée au contact 003000000000009AAA, qui n'a pas de compte : rattachez le contact à "
        "un compte, ou rattachez-la au compte (Associé à)")
    # the English alone (a digest's alert carries no code) reads back into the code: worded in French too
    assert reason_words(r.reason, "fr") == reason_words(r.reason, "fr", r.code, r.values)
    assert reason_words(PRIVATE_EN, "fr") == PRIVATE_FR


def test_a_night_that_does_not_read_it_again_words_it_from_the_store() -> None:
    """The connector words a visit this pull did not read from the record the store keeps (its note of why), and
    leaves a won deal, or a visit stored before pac noted why, to the engine's words."""
    n = Normaliser("sf-main", load_mapping(default_mapping_path()))
    stored = n.activity("Event", {"Id": "00U000000000001AAA", "OwnerId": "005000000000001AAA", "Subject": "Visite",
                                  "IsPrivate": True, "WhatId": None, "WhoId": None, "AccountId": None,
                                  "ActivityDateTime": "2027-05-03T08:00:00.000+0000", "IsDeleted": False,
                                  "SystemModstamp": "2027-05-03T10:00:00.000+0000"})
    assert isinstance(stored, Activity) and stored.placed_by == ("private",)
    records = StoredRecords(lambda _kind, _ids: {}, lambda _kind: [], lambda _kind, _ids: {},
                            records=lambda kind, ids: {i: stored for i in ids if kind == "activities"})
    connector = cast(Any, SimpleNamespace(name="sf-main", normaliser=SimpleNamespace(unplaced={}), _stored=records))
    found = SalesforceConnector.unplaced_rejection(connector, "00U000000000001AAA")
    assert found is not None and (found.reason, found.record) == (PRIVATE_EN, stored)
    assert SalesforceConnector.unplaced_rejection(connector, "00U000000000001AAA", "deals") is None
