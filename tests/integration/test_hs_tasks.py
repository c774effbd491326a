"""HubSpot tasks read as visit reports (opt-in ``activities.tasks``), through hubspot-api-client, the sandbox CRM and
the real pipeline: Julie's quote follow-ups (« Relance devis ») in Q2 2027, on a Starter portal (no custom objects: pac
writes one task per action, the fallback write-back, and must never count those).

Julie's tasks, every one on Lyon Chimie (101) unless said, all "Relance devis ..." unless said, Q2 2027 in Paris:

* 6001 TODO, COMPLETED, due 12 May: counts;
* 6002 CALL, COMPLETED, due 20 May on Grenoble Pharma (205), subject "Relance de devis - Grenoble Pharma": counts (the
  subject keyword wins over the CALL type);
* 6003 NOT_STARTED, due 25 May: not done, does not count;
* 6004 "Envoyer la plaquette" TODO, COMPLETED, due 26 May: no keyword and TODO is mapped to nothing: no type;
* 6005 COMPLETED, due 14 May, carrying ``pac_key`` "pac-2026:A-3": one of pac's own fallback tasks (last year's
  plan), never read;
* 6006 COMPLETED, due 18 May, associated with contact 7001 only (its primary company: Lyon Chimie): counts through it;
* 6007 COMPLETED, due 30 June 22:30 UTC, which is 1 July in Paris: outside Q2;
* 6008 COMPLETED on 2 June (``hs_task_completion_date``) but due 31 March: a task counts on its due date (Q1);
* 6009 no due date and no completion date: rejected, reported.

A-5 « Relance devis : 5 relances en T2 » comes out at 3 / 5 (6001, 6002, 6006).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from connectors.base import ObjectKind
from connectors.hubspot.mapping import default_mapping_path
from pac_core.explain import explain_action
from pac_core.plan import ActivityType
from pac_core.records import Activity
from sync_jobs.app import current
from tests.fakes import (
    SeededPortal,
    audit_plan,
    hubspot_opted_in,
    one_connector_settings,
    sandbox_connectors,
)

PLAN = audit_plan("Relances HS", "fr", """\
  - {id: A-1, axis: AX-RA, text: "Visiter 10 clients au T2", who: julie@audit.example,
     what: {activity: visit, count: 10, counting: activities}, when: "Q2 2027", status: in_progress}
  - {id: A-5, axis: AX-RA, text: "Relance devis : 5 relances en T2", who: julie@audit.example,
     what: {activity: quote_follow_up, count: 5, counting: activities}, when: "Q2 2027", status: in_progress}
""")
# the tasks' change stamps: an hour apart, 6001 the latest, so a no-change night's overlap (10 minutes before the
# watermark) holds 6001 alone
LATEST = datetime(2027, 6, 29, 12, tzinfo=UTC)


class TaskPortal(SeededPortal):
    """Julie's portal (Starter: no custom objects) with the tasks above; ``ids`` maps the keys above to the sandbox's
    ids. ``tasks``: read them (the shipped mapping with tasks enabled), else the shipped mapping."""

    def __init__(self, tmp: Path, *, tasks: bool) -> None:
        super().__init__()
        api = self.api
        julie = api.add_owner("julie@audit.example", "Julie", "Martin")
        api.add_owner("nat@audit.example", "Nathalie", "Garnier")
        ids: dict[int, str] = {}
        self.ids = ids
        for key, name, zip_code in ((101, "Lyon Chimie", "69001"), (205, "Grenoble Pharma", "38000")):
            ids[key] = api.add("companies", {"name": name, "zip": zip_code, "country": "France", "type": "Client",
                                             "industry": "Chimie", "hubspot_owner_id": julie})
        ids[7001] = api.add("contacts", {"email": "client@lyonchimie.example", "firstname": "Paul"})
        api.associate("contacts", ids[7001], "companies", ids[101], primary=True)
        ids[1001] = api.add("meetings", {"hubspot_owner_id": julie, "hs_meeting_start_time": "2027-05-03T09:00:00Z",
                                         "hs_timestamp": "2027-05-03T09:00:00Z", "hs_meeting_outcome": "COMPLETED",
                                         "hs_activity_type": "Visite client", "hs_meeting_title": "Visite"},
                            companies=(ids[101],))

        def task(key: int, due: str, *, subject: str = "Relance devis Lyon Chimie", status: str = "COMPLETED",
                 kind: str = "TODO", company: int | None = 101, **extra: Any) -> None:
            ids[key] = api.add("tasks", {"hubspot_owner_id": julie, "hs_timestamp": due, "hs_task_subject": subject,
                                         "hs_task_status": status, "hs_task_type": kind, **extra},
                               modified=LATEST - timedelta(hours=key - 6001),
                               companies=(ids[company],) if company else ())

        task(6001, "2027-05-12T08:00:00.000Z")
        task(6002, "2027-05-20T08:00:00.000Z", subject="Relance de devis - Grenoble Pharma", kind="CALL",
             company=205)
        task(6003, "2027-05-25T08:00:00.000Z", status="NOT_STARTED")
        task(6004, "2027-05-26T08:00:00.000Z", subject="Envoyer la plaquette")
        task(6005, "2027-05-14T08:00:00.000Z", subject="Relance devis Lyon Chimie (PAC 2026)",
             pac_key="pac-2026:A-3")
        task(6006, "2027-05-18T08:00:00.000Z", company=None)
        api.associate("tasks", ids[6006], "contacts", ids[7001])
        task(6007, "2027-06-30T22:30:00.000Z")
        task(6008, "2027-03-31T10:00:00.000Z", hs_task_completion_date="2027-06-02T15:00:00.000Z")
        task(6009, "")
        self.serve()
        mapping = hubspot_opted_in(tmp, "tasks") if tasks else default_mapping_path()
        self.settings = one_connector_settings(tmp, PLAN, "hs-julie", mapping, "relances")


    def activities(self) -> dict[str, Activity]:
        """What a pull of activities reads now (the connector alone, nothing stored)."""
        connectors = sandbox_connectors(self.settings, self.server, provision=False)
        try:
            return {a.id: a for a in connectors["hs-julie"].pull(ObjectKind.ACTIVITIES, None)
                    if isinstance(a, Activity)}
        finally:
            for c in connectors.values():
                c.close()


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[TaskPortal]:
    with TaskPortal(tmp_path, tasks=True) as made:
        yield made


def test_quote_follow_ups_count_julies_completed_tasks(portal: TaskPortal) -> None:
    """A-5: 6001, 6002 and 6006 (through its contact's primary company), 3 / 5; the incomplete 6003, the untyped
    6004, pac's own 6005, 6007 (1 July in Paris) and 6008 (due in Q1) do not count; 6009 is rejected, named. On the
    old code the mapping refused activities.tasks (no tasks were read: A-5 0 / 5 with the section absent)."""
    result = portal.sync()
    ids = portal.ids
    assert result.evaluation is not None
    assert result.evaluation.action("A-5").done == 3
    assert result.evaluation.action("A-1").done == 1                  # the meeting, as before
    assert result.unmeasured == []                                    # quote_follow_up is measured on HubSpot now
    assert [(r.id, r.reason) for r in result.rejections] == [
        (ids[6009], "task has no due date (hs_timestamp and hs_task_completion_date empty)")]
    read = portal.activities()
    assert ids[6005] not in read                                      # pac's own task: never read
    assert {key: (read[ids[key]].type, read[ids[key]].status.value, read[ids[key]].account_id)
            for key in (6001, 6002, 6003, 6004, 6006)} == {
        6001: (ActivityType.QUOTE_FOLLOW_UP, "completed", ids[101]),
        6002: (ActivityType.QUOTE_FOLLOW_UP, "completed", ids[205]),
        6003: (ActivityType.QUOTE_FOLLOW_UP, "planned", ids[101]),
        6004: (None, "completed", ids[101]),
        6006: (ActivityType.QUOTE_FOLLOW_UP, "completed", ids[101])}
    assert read[ids[6008]].start == datetime(2027, 3, 31, 10, tzinfo=UTC)   # its due date, not its completion


def test_a_follow_up_completed_before_its_due_date_counts_when_it_was_completed(portal: TaskPortal) -> None:
    """Julie ticks a « Relance devis » on 10 June whose due date is 10 July (hs_task_completion_date 2027-06-10,
    hs_timestamp 2027-07-10): done by 30 June, it counts for Q2's A-5 (4 / 5) and ``pac explain A-5`` lists it,
    counted, on 10 June; the open 6003 keeps its due date (audit hsdoc F2; seen failing before: A-5 3 / 5 and the
    task in no explanation line, dated 10 July, after the evaluation). Reopened in HubSpot (NOT_STARTED, its
    completion date cleared), it is a to-do due in July again: 3 / 5 the next night."""
    julie = portal.api.tables["tasks"].rows[portal.ids[6001]].props["hubspot_owner_id"]
    early = portal.api.add("tasks", {"hubspot_owner_id": julie, "hs_timestamp": "2027-07-10T08:00:00.000Z",
                                     "hs_task_subject": "Relance devis Lyon Chimie", "hs_task_status": "COMPLETED",
                                     "hs_task_type": "TODO", "hs_task_completion_date": "2027-06-10T14:00:00.000Z"},
                           modified=LATEST, companies=(portal.ids[101],))
    result = portal.sync()
    assert result.evaluation is not None and result.evaluation.action("A-5").done == 4
    now = current(portal.settings, explain=["A-5"])
    rows = {row["record"]: (row["when"], row["reason"]) for row in explain_action(now.plan, now.evaluation, "A-5",
                                                                                 lang="en").rows}
    assert rows[early] == ("2027-06-10 16:00", "counted")
    assert rows[portal.ids[6003]][0] == "2027-05-25 10:00"                    # open: on its due date
    portal.api.update("tasks", early, {"hs_task_status": "NOT_STARTED", "hs_task_completion_date": ""})
    reopened = portal.sync()
    assert reopened.evaluation is not None and reopened.evaluation.action("A-5").done == 3


def test_pacs_written_tasks_are_never_read(portal: TaskPortal) -> None:
    """The first sync writes A-1's and A-5's tasks (the fallback write-back: A-5's subject « A-5 Relance devis : 5
    relances en T2 », its pac_key "relances-hs:A-5"); A-5's completed in HubSpot by the manager (the action marked
    done), the next syncs, incremental and full, still count 3, and no activity read is one of pac's tasks: the tasks
    search leaves them out (NOT_HAS_PROPERTY pac_key)."""
    portal.sync()
    table = portal.api.tables["tasks"]
    written = {oid for oid, obj in table.rows.items() if obj.props.get("pac_key")}
    assert len(written) == 3                                          # A-1's, A-5's, and last year's 6005
    a5 = next(oid for oid in written if table.rows[oid].props["pac_key"].endswith(":A-5"))
    portal.api.update("tasks", a5, {"hs_task_status": "COMPLETED"})
    for night in (portal.sync(), portal.sync(full=True)):
        assert night.evaluation is not None and night.evaluation.action("A-5").done == 3
    assert not written & set(portal.activities())
    searches = [body for method, path, body in portal.api.requests
                if path == "/crm/v3/objects/tasks/search" and "hs_task_type" in body["properties"]]
    assert searches and all({"propertyName": "pac_key", "operator": "NOT_HAS_PROPERTY"} in group["filters"]
                            for body in searches for group in body["filterGroups"])


def _second_night(tmp: Path, *, tasks: bool) -> tuple[Counter[str], list[tuple[str, str, Any]]]:
    """The calls of a no-change sync after a first one (by endpoint), and its requests."""
    tmp.mkdir()
    with TaskPortal(tmp, tasks=tasks) as made:
        made.sync()
        made.api.requests.clear()
        second = made.sync()
        assert second.written == 0              # nothing changed: nothing written
        calls: Counter[str] = Counter(second.api["hs-julie"]["by_endpoint"])
        return calls, list(made.api.requests)


def test_a_no_change_night_costs_the_tasks_page_only_when_enabled(tmp_path: Path) -> None:
    """Tasks enabled, a no-change sync costs exactly one tasks search page and the archived tasks list (deleted tasks
    stop counting the next night, as for meetings and calls); the one task inside the overlap window (6001) is stored
    at the stamp the search answers, so its company association is not read again (audit quota F4: before, one more
    call, associations.tasks.companies); disabled (the shipped mapping), nothing reads tasks as activities: the only
    tasks searches are the fallback write-back's own (its PAC edits: HAS_PROPERTY pac_key), as before."""
    off, off_requests = _second_night(tmp_path / "off", tasks=False)
    on, _ = _second_night(tmp_path / "on", tasks=True)
    assert on - off == Counter({"search.tasks": 1, "list.tasks": 1})
    assert off - on == Counter()
    assert "list.tasks" not in off and not [k for k in off if k.startswith("associations.tasks")]
    task_searches = [body for method, path, body in off_requests if path == "/crm/v3/objects/tasks/search"]
    assert len(task_searches) == off["search.tasks"] >= 1
    assert all({"propertyName": "pac_key", "operator": "HAS_PROPERTY"} in group["filters"]
               for body in task_searches for group in body["filterGroups"])
