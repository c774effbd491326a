"""HubSpot engagements with no start time, kept undated for the engine (audit hsundated, 7 Dec 2026): how each reader
keeps them, the words the engine's rejection of one is given (those the connector rejected every such engagement
with before: ``no_start_time``), and where the connector finds its object (HubSpot's ids do not tell it)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from connectors.base import StoredRecords, WordsUndated
from connectors.hubspot.connector import Companies, HubSpotConnector
from connectors.hubspot.mapping import CONNECTED, load_mapping
from connectors.hubspot.normalise import (
    call_reader,
    email_reader,
    meeting_reader,
    task_reader,
    undated_rejection,
)
from pac_core.plan import ActivityType
from pac_core.records import Activity, ActivityStatus, Rejected
from pac_core.reject_codes import CODES, rejection
from sync_jobs.store.codec import from_payload, to_payload

SHIPPED = load_mapping()
_ON = {"enabled": True}
MAPPING = SHIPPED.model_copy(update={"activities": SHIPPED.activities.model_copy(update={
    "emails": SHIPPED.activities.emails.model_copy(update=_ON),
    "tasks": SHIPPED.activities.tasks.model_copy(update=_ON)})})
STAMP = "2027-05-03T07:30:00.000Z"
# the words the connector rejected each object with before (main, 7 Dec 2026): code, values, English
BEFORE = {
    "meeting": ("meeting", "hs_timestamp, hs_meeting_start_time",
                "meeting has no start time (hs_timestamp and hs_meeting_start_time empty)"),
    "call": ("call", "hs_timestamp", "call has no start time (hs_timestamp empty)"),
    "e-mail": ("e-mail", "hs_timestamp", "e-mail has no timestamp (hs_timestamp empty)"),
    "task": ("task", "hs_timestamp, hs_task_completion_date",
             "task has no due date (hs_timestamp and hs_task_completion_date empty)"),
}
READERS = {"meeting": meeting_reader, "call": call_reader, "e-mail": email_reader, "task": task_reader}
# a completed engagement of each object, of a type the shipped mapping counts, with no date property
PROPS = {
    "meeting": {"hs_meeting_outcome": "COMPLETED", "hs_activity_type": "Visite client"},
    "call": {"hs_call_status": "COMPLETED", "hs_call_disposition": CONNECTED, "hs_call_direction": "OUTBOUND"},
    "e-mail": {"hs_email_status": "SENT", "hs_email_direction": "EMAIL"},
    "task": {"hs_task_status": "COMPLETED", "hs_task_subject": "Relance devis Lyon"},
}
KINDS = {"meeting": ActivityType.VISIT, "call": ActivityType.CALL, "e-mail": ActivityType.EMAIL,
         "task": ActivityType.QUOTE_FOLLOW_UP}


def _obj(props: dict[str, Any], oid: str = "9001") -> dict[str, Any]:
    return {"id": oid, "properties": {"hubspot_owner_id": "501", "hs_lastmodifieddate": STAMP, **props}}


@pytest.mark.parametrize("what", list(READERS))
def test_each_object_is_kept_undated_and_worded_as_before(what: str) -> None:
    """Each engagement object with no date: an ``Activity`` with its type, owner, status and company, no start
    nor day, not deleted, its object noted; the engine's rejection of it is worded with the very code, values and
    English of the connector's rejection before, and the French of ``no_start_time``."""
    record = READERS[what](MAPPING, "hs")(_obj(PROPS[what]), "101")
    assert isinstance(record, Activity)
    assert (record.type, record.owner_id, record.account_id, record.status) == (
        KINDS[what], "501", "101", ActivityStatus.COMPLETED)
    assert (record.start, record.day, record.deleted, record.crm_object) == (None, None, False, what)
    obj, fields, english = BEFORE[what]
    words = undated_rejection("hs", "9001", record.crm_object, MAPPING)
    assert words == Rejected("hs", "activities", "9001", english, "no_start_time",
                             (("object", obj), ("fields", fields)))
    assert words == rejection("hs", "activities", "9001", "no_start_time", object=obj, fields=fields)
    assert CODES["no_start_time"].fr(dict(words.values)).endswith(" dans le CRM")


@pytest.mark.parametrize(("what", "props"), [
    ("meeting", {"hs_meeting_outcome": "BIZARRE"}), ("call", {"hs_call_status": "WEIRD"}),
    ("call", {"hs_call_status": "COMPLETED", "hs_call_disposition": "not-a-guid"}),
    ("e-mail", {"hs_email_status": "QUEUED"}), ("task", {"hs_task_status": "DONE"})])
def test_no_date_and_a_status_the_mapping_does_not_list_is_rejected_as_before(what: str, props: dict) -> None:
    """No status can be read, so no activity can be kept: the connector rejects it, plan-wide, for its date as it
    did before (its key unchanged on upgrade); dated, it would be rejected for its status."""
    obj, fields, english = BEFORE[what]
    assert READERS[what](MAPPING, "hs")(_obj(props), None) == Rejected(
        "hs", "activities", "9001", english, "no_start_time", (("object", obj), ("fields", fields)))
    dated = READERS[what](MAPPING, "hs")(_obj({**props, "hs_timestamp": STAMP}), None)
    assert isinstance(dated, Rejected) and dated.code == "unmapped_status"


def test_a_dated_engagement_carries_no_object() -> None:
    """Only an undated engagement notes its object: every other stored payload is unchanged."""
    record = call_reader(MAPPING, "hs")(_obj({**PROPS["call"], "hs_timestamp": STAMP}), "101")
    assert isinstance(record, Activity) and record.crm_object is None
    assert "crm_object" not in to_payload(record)


def test_undated_inbound_call_has_no_type() -> None:
    """A client's call (INBOUND) with no date: no type, so no action could count it and the engine rejects it for
    no plan (it was rejected before)."""
    record = call_reader(MAPPING, "hs")(_obj({**PROPS["call"], "hs_call_direction": "INBOUND"}), "101")
    assert isinstance(record, Activity) and (record.type, record.crm_object) == (None, "call")


def test_a_completed_task_with_a_completion_but_no_start_is_no_crash() -> None:
    """A mapping with no fallback start: a completed task with a completion date and no due date is kept undated
    (before, rejected for its due date), never compared with a start it lacks."""
    tasks = MAPPING.activities.tasks.model_copy(update={"fallback_start": None})
    m = MAPPING.model_copy(update={"activities": MAPPING.activities.model_copy(update={"tasks": tasks})})
    record = task_reader(m, "hs")(_obj({**PROPS["task"], "hs_task_completion_date": STAMP}), "101")
    assert isinstance(record, Activity) and (record.start, record.crm_object) == (None, "task")
    words = undated_rejection("hs", "9001", "task", m)
    assert words is not None and words.reason == "task has no due date (hs_timestamp empty)"


def test_the_store_keeps_the_object_of_an_undated_engagement() -> None:
    record = call_reader(MAPPING, "hs")(_obj(PROPS["call"]), "101")
    assert isinstance(record, Activity)
    payload = to_payload(record)
    assert payload["crm_object"] == "call"
    back = from_payload("activities", "9001", "hs", payload, deleted=False, modified_at=record.modified_at)
    assert back == record


def _connector(stored: dict[str, Any] | None = None) -> HubSpotConnector:
    connector = HubSpotConnector("hs", MAPPING, None)  # type: ignore[arg-type]
    if stored is not None:
        connector.remember_stored(StoredRecords(
            live=lambda _k, _ids: {}, retired=lambda _k: [], placed=lambda _k, _ids: {},
            records=lambda kind, ids: {i: stored[i] for i in ids if kind == "activities" and i in stored}))
    return connector


def test_the_connector_words_what_this_pull_read_undated() -> None:
    """A reading of this pull tells the object; read again dated in the same pull, it is no undated one."""
    connector = _connector()
    assert isinstance(connector, WordsUndated)
    read = meeting_reader(MAPPING, "hs")
    connector._noted(read(_obj(PROPS["meeting"], "7001"), "101"))
    words = connector.undated_rejection("7001")
    assert words is not None and words.reason == BEFORE["meeting"][2]
    connector._noted(read(_obj({**PROPS["meeting"], "hs_timestamp": STAMP}, "7001"), "101"))
    assert connector.undated_rejection("7001") is None
    assert connector.undated_rejection("7002") is None


def test_the_connector_words_a_stored_undated_engagement_it_did_not_read() -> None:
    """A night that does not read it again (an incremental read; the plan starts naming its owner): the stored
    record's object tells. A stored dated one, or one of no object, is not worded so (None: the engine's words)."""
    when = datetime(2027, 5, 3, 7, 30, tzinfo=UTC)
    undated = Activity("8001", "hs", ActivityType.CALL, "501", "101", None, crm_object="call")
    stored = {"8001": undated, "8002": Activity("8002", "hs", ActivityType.CALL, "501", "101", when),
              "8003": Activity("8003", "hs", ActivityType.CALL, "501", "101", None)}
    connector = _connector(stored)
    assert connector.undated_rejection("8001") == rejection("hs", "activities", "8001", "no_start_time",
                                                            object="call", fields="hs_timestamp")
    assert [connector.undated_rejection(i) for i in ("8002", "8003", "8004")] == [None, None, None]


def test_an_undated_engagement_on_a_contact_only_is_kept_for_the_engine() -> None:
    """Linked to a contact with no primary company only: an undated call cannot count whatever its company, so it is
    kept with no account, for the engine to judge by the plan (before, rejected for its start time in every plan); a
    dated one too since audit hsplanaware (before, rejected ``contact_only`` plan-wide), its contacts noted."""
    companies = Companies({"9001": None}, contact_only={"9001": ("call", "51")})
    undated = call_reader(MAPPING, "hs")(_obj(PROPS["call"]), None)
    kept = companies.checked(undated, _obj(PROPS["call"]), "hs")
    assert isinstance(kept, Activity) and (kept.account_id, kept.crm_object) == (None, "call")
    dated = call_reader(MAPPING, "hs")(_obj({**PROPS["call"], "hs_timestamp": STAMP}), None)
    kept = companies.checked(dated, _obj(PROPS["call"]), "hs")
    assert isinstance(kept, Activity) and (kept.account_id, kept.crm_object, kept.placed_by) == (
        None, "call", ("contact:51",))
