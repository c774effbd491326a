"""Bulk API 2.0 query jobs that do not give their results (sfbulk audit F2-F5), through the real requests +
simple-salesforce stack against ``responses``: a job that ends Failed, a job or locator gone (404), a job left
InProgress, a compound field. Each read falls back to the same SOQL over REST (queryAll, ORDER BY), rows once each."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

from connectors.base import ReadFailed, SchemaError
from connectors.retry import RetryPolicy
from connectors.salesforce.client import Credentials, SfClient
from connectors.salesforce.mapping import check_mapping_online, load_mapping
from connectors.salesforce.reads import Reader
from pac_config.loader import config_dir
from sync_jobs.pipeline import stopped_by

DOMAIN = "acme.my.salesforce.com"
BASE = f"https://{DOMAIN}/services/data/v62.0/"
JOBS = re.compile(re.escape(BASE) + r"jobs/query(/.*)?$")
QUERY_ALL = re.compile(re.escape(BASE) + r"queryAll/?(\?.*)?$")
DEMO = config_dir() / "mappings" / "salesforce.demo.yaml"
FIELDS = ["Id", "Subject", "SystemModstamp"]
ROWS = [{"Id": f"00U{i:015d}", "Subject": f"Visite {i}", "SystemModstamp": "2026-10-01T08:00:00.000+0000"}
        for i in range(5)]
FAILED = "Retried more than 15 times. Apply a filter criteria and try again."
Handler = Callable[[requests.PreparedRequest], tuple[int, dict[str, str], str]]


def _csv(rows: list[dict[str, Any]]) -> str:
    lines = ['"Id","Subject","SystemModstamp"']
    lines += [f'"{r["Id"]}","{r["Subject"]}","{r["SystemModstamp"].replace("+0000", "Z")}"' for r in rows]
    return "\n".join(lines) + "\n"


class Org:
    """An org of ``total`` events (over the threshold by default), answering COUNT() with it and the REST read with
    ``ROWS`` and ``totalSize`` ``total`` (``rest_status``: what REST answers instead, after the first read, which
    sized the full read), and Bulk API 2.0 jobs as
    ``states`` (one list of poll answers per job created) and ``results`` (per job, the answers of its result sets:
    a list of rows, or an HTTP status)."""

    def __init__(self, states: list[list[dict[str, Any]]], results: list[list[Any]] | None = None,
                 rest_status: int = 200, total: int = 5000) -> None:
        self.states, self.results, self.rest_status, self.total = states, results or [], rest_status, total
        self.created: list[str] = []
        self.polls = 0
        self.aborted: list[tuple[str, Any]] = []
        self.rest_reads: list[str] = []
        self.counts: list[str] = []         # the COUNT() queries asked

    def install(self, rsps: responses.RequestsMock) -> None:
        for method in (responses.GET, responses.POST, responses.PATCH):
            rsps.add_callback(method, JOBS, callback=self.jobs)
        rsps.add_callback(responses.GET, QUERY_ALL, callback=self.query)

    def query(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        q = parse_qs(urlsplit(str(request.url)).query)["q"][0]
        if q.startswith("SELECT COUNT()"):
            self.counts.append(q)
            return 200, {}, json.dumps({"totalSize": self.total, "done": True, "records": []})
        self.rest_reads.append(q)
        if self.rest_status != 200 and len(self.rest_reads) > 1:
            return self.rest_status, {}, json.dumps([{"errorCode": "SERVER_UNAVAILABLE", "message": "down"}])
        return 200, {}, json.dumps({"totalSize": self.total, "done": True, "records": ROWS})

    def jobs(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        parts = urlsplit(str(request.url)).path.split("/jobs/query", 1)[1].strip("/").split("/")
        if request.method == "POST":
            self.created.append(_body(request)["query"])
            return 200, {}, json.dumps({"id": f"750J{len(self.created)}", "state": "UploadComplete"})
        job = int(parts[0].removeprefix("750J")) - 1
        if request.method == "PATCH":
            self.aborted.append((parts[0], _body(request)))
            return 200, {}, json.dumps({"id": parts[0], "state": "Aborted"})
        if len(parts) == 1:
            self.polls += 1
            answers = self.states[job]
            state = answers.pop(0) if len(answers) > 1 else answers[0]
            if state.get("status") == 404:
                return 404, {}, json.dumps([{"errorCode": "NOT_FOUND", "message": "The requested resource does "
                                             "not exist"}])
            return 200, {}, json.dumps({"id": parts[0], **state})
        locator = parse_qs(urlsplit(str(request.url)).query).get("locator", ["0"])[0]
        sets = self.results[job]
        answer = sets[int(locator)]
        if isinstance(answer, int):
            return answer, {}, json.dumps([{"errorCode": "NOT_FOUND", "message": "The requested resource does not "
                                            "exist"}])
        following = str(int(locator) + 1) if int(locator) + 1 < len(sets) else "null"
        return 200, {"Sforce-Locator": following, "Content-Type": "text/csv"}, _csv(answer)


def _body(request: requests.PreparedRequest) -> Any:
    body = request.body
    return json.loads(body if isinstance(body, (str, bytes)) else b"{}")


def _reader(slept: list[float] | None = None, describe: dict[str, dict[str, dict[str, Any]]] | None = None
            ) -> tuple[Reader, list[str]]:
    env = {"PAC_SF_AUTH": "session", "PAC_SF_ACCESS_TOKEN": "00Dx!tok", "PAC_SF_INSTANCE_URL": f"https://{DOMAIN}"}
    sleep = slept.append if slept is not None else (lambda _s: None)
    client = SfClient(Credentials.from_env(env), policy=RetryPolicy(max_attempts=2, sleep=sleep, jitter=lambda: 0.0))
    mapping = load_mapping(DEMO).model_copy(update={"bulk_threshold": 2000})
    warnings: list[str] = []
    described = describe or {}
    return Reader(client, mapping, warnings.append, describe=lambda obj: described.get(obj)), warnings


def _rows(reader: Reader) -> Iterator[dict[str, Any]]:
    return reader.rows("Event", FIELDS, None)


SOQL = "SELECT Id, Subject, SystemModstamp FROM Event ORDER BY SystemModstamp, Id"


@responses.activate
def test_a_full_read_under_the_threshold_is_sized_by_its_first_page() -> None:
    """A full read of an object Bulk could read is sized by its first REST page's ``totalSize`` ("the total number of
    records returned by the Query request", REST API, *Query*), which is then the read's first page: one call, no
    COUNT() query (audit quota2 F1: seen failing before the fix, one COUNT() query more per object and full read)."""
    org = Org([], total=len(ROWS))
    org.install(responses.mock)
    reader, warnings = _reader()
    assert [r["Id"] for r in _rows(reader)] == [r["Id"] for r in ROWS]
    assert org.counts == [] and org.created == [] and org.rest_reads == [SOQL] and not warnings
    assert reader.client.usage.by_endpoint == {"queryAll": 1}


@responses.activate
def test_a_full_read_over_the_threshold_goes_to_bulk_without_a_count() -> None:
    """Over ``bulk_threshold`` by its first page's ``totalSize``, the read goes through a Bulk API 2.0 job: the first
    page, its sizing, costs the call the COUNT() query cost (seen failing before the fix: a COUNT() query and no REST
    page)."""
    org = Org([[{"state": "JobComplete"}]], [[ROWS]])
    org.install(responses.mock)
    reader, _warnings = _reader()
    assert sorted(r["Id"] for r in _rows(reader)) == sorted(r["Id"] for r in ROWS)
    assert org.counts == [] and org.created == ["SELECT Id, Subject, SystemModstamp FROM Event"]
    assert org.rest_reads == [SOQL] and reader.client.usage.by_endpoint["queryAll"] == 1


@responses.activate
def test_a_failed_job_is_read_again_through_rest() -> None:
    """A job that ends Failed with "Retried more than 15 times" (Bulk API 2.0, *Limits for Query Jobs*) stopped every
    night as "CRM unreachable" (seen failing before the fix: ConnectorError ... failed: Retried more than 15
    times). The same SOQL is read through REST queryAll, ORDER BY SystemModstamp, Id, with a warning naming it."""
    org = Org([[{"state": "InProgress"}, {"state": "Failed", "errorMessage": FAILED}]])
    org.install(responses.mock)
    reader, warnings = _reader()
    assert [r["Id"] for r in _rows(reader)] == [r["Id"] for r in ROWS]
    assert org.created == ["SELECT Id, Subject, SystemModstamp FROM Event"]
    assert org.rest_reads == [SOQL, SOQL]     # the first page that sized the read, then the read from its start
    assert len(warnings) == 1 and FAILED.rstrip(".") in warnings[0] and "REST" in warnings[0], warnings


@responses.activate
def test_a_failed_job_then_rest_down_names_bulk_threshold() -> None:
    """REST failing too after the Bulk job: the error is a Bulk read failure naming ``bulk_threshold``, and the run's
    words are not "CRM unreachable" (the org answered)."""
    org = Org([[{"state": "Failed", "errorMessage": FAILED}]], rest_status=503)
    org.install(responses.mock)
    reader, _warnings = _reader()
    with pytest.raises(ReadFailed) as info:
        list(_rows(reader))
    _status, words = stopped_by(info.value)
    assert FAILED.rstrip(".") in words and "bulk_threshold" in words and "unreachable" not in words, words


@responses.activate
def test_a_job_gone_before_its_second_result_set_is_created_again() -> None:
    """A 404 on a job's results (a deleted job, an expired locator: REST *Status Codes*, "the resource is deleted")
    was a SchemaError, exit 2 "CRM schema ... mapping" (seen failing before the fix: SchemaError NOT_FOUND). The job
    is created once more and every row comes once: the 2 rows of the first set are not yielded twice."""
    org = Org([[{"state": "JobComplete"}], [{"state": "JobComplete"}]],
              [[ROWS[:2], 404], [ROWS[3:], ROWS[:3]]])
    org.install(responses.mock)
    reader, _warnings = _reader()
    ids = [r["Id"] for r in _rows(reader)]
    assert sorted(ids) == sorted(r["Id"] for r in ROWS) and len(ids) == len(ROWS)
    assert len(org.created) == 2 and org.rest_reads == [SOQL]      # the first page only, which sized the read


@responses.activate
def test_a_job_gone_twice_is_read_through_rest() -> None:
    """Gone again after being created again (its poll answers 404): the read falls back to REST, the rows the first
    job gave are not yielded a second time, and no SchemaError blames the mapping."""
    org = Org([[{"state": "JobComplete"}], [{"status": 404}]], [[ROWS[:2], 404], []])
    org.install(responses.mock)
    reader, warnings = _reader()
    try:
        ids = [r["Id"] for r in _rows(reader)]
    except SchemaError as exc:
        pytest.fail(f"a job gone is no mapping problem: {exc}")
    assert ids == [r["Id"] for r in ROWS] and len(org.created) == 2
    assert org.rest_reads == [SOQL, SOQL]     # the first page that sized the read, then the read from its start
    assert any("no longer exists" in w for w in warnings), warnings


@responses.activate
def test_a_job_left_in_progress_is_aborted_after_the_max_wait() -> None:
    """A job that stays InProgress was polled 2,000 times over 16.6 hours and never aborted (seen failing before the
    fix: 2,000 polls, no PATCH). Now the waits between polls stop at the mapping's bulk_max_wait_minutes (30), the
    job is aborted as documented (PATCH {"state": "Aborted"}, *Abort a Query Job*), the polls are counted in the run's
    usage, and the read falls back to REST."""
    org = Org([[{"state": "InProgress"}]])
    org.install(responses.mock)
    slept: list[float] = []
    reader, warnings = _reader(slept)
    assert [r["Id"] for r in _rows(reader)] == [r["Id"] for r in ROWS]
    assert sum(slept) <= 30 * 60 and sum(slept) > 25 * 60, sum(slept)
    assert org.polls < 80 and org.aborted == [("750J1", {"state": "Aborted"})]
    assert reader.client.usage.by_endpoint["jobs"] == 1 + org.polls + 1      # create, polls, abort
    assert any("aborted" in w and "bulk_max_wait_minutes" in w for w in warnings), warnings


@responses.activate
def test_an_interruption_while_polling_aborts_the_job() -> None:
    """Any exception while the job is polled (SIGTERM's, a quota stop) aborts the job before it propagates."""
    org = Org([[{"state": "InProgress"}]])
    org.install(responses.mock)

    def interrupted(_seconds: float) -> None:
        raise KeyboardInterrupt

    reader, _warnings = _reader()
    reader.client.policy = RetryPolicy(sleep=interrupted)
    with pytest.raises(KeyboardInterrupt):
        list(_rows(reader))
    assert org.aborted == [("750J1", {"state": "Aborted"})]


ACCOUNT_DESCRIBE: dict[str, dict[str, Any]] = {
    "id": {"name": "Id", "type": "id"},
    "billingaddress": {"name": "BillingAddress", "type": "address"},
    "billingpostalcode": {"name": "BillingPostalCode", "type": "string", "compoundFieldName": "BillingAddress"},
    "billingcity": {"name": "BillingCity", "type": "string", "compoundFieldName": "BillingAddress"},
}


@responses.activate
def test_a_compound_field_is_never_sent_to_bulk() -> None:
    """Bulk API 2.0 does not support compound fields (*Create a Query Job*): a read with BillingAddress failed once the
    object crossed bulk_threshold (seen failing before the fix: a job was created with BillingAddress). Now no job
    is created: the read goes through REST, with a warning naming the field and its components."""
    org = Org([[{"state": "JobComplete"}]], [[ROWS]])
    org.install(responses.mock)
    reader, warnings = _reader(describe={"Event": {**ACCOUNT_DESCRIBE, "subject": {"name": "Subject",
                                                                                   "type": "string"}}})
    rows = list(reader.rows("Event", ["Id", "BillingAddress"], None))
    assert org.created == [] and len(rows) == len(ROWS) and len(org.rest_reads) == 1
    assert any("BillingAddress" in w and "BillingPostalCode" in w for w in warnings), warnings


class _Describes:
    def describe_fields(self, sobject: str) -> dict[str, dict[str, Any]] | None:
        return ACCOUNT_DESCRIBE if sobject == "Account" else {}


def test_the_online_check_refuses_a_compound_field(tmp_path: Any) -> None:
    """`pac config check --online` said OK for accounts.custom.addr: BillingAddress (seen failing before the fix: no
    problem for it); it is refused at its line, with its components as the fix."""
    path = tmp_path / "m.yaml"
    path.write_text(DEMO.read_text(encoding="utf-8").replace("custom: {}", "custom: {addr: BillingAddress}"),
                    encoding="utf-8")
    problems = [p for p in check_mapping_online(load_mapping(path), _Describes(), path)
                if p.path == "accounts.custom.addr"]
    assert len(problems) == 1 and problems[0].line and problems[0].file == str(path)
    assert "compound" in problems[0].message and "Bulk API 2.0" in problems[0].message
    assert "BillingPostalCode" in problems[0].fix and "BillingCity" in problems[0].fix


def test_relationship_columns_are_typed_through_the_parent_describe() -> None:
    """``Reader`` types a relationship column by the describe of the object its relationship refers to (the field
    whose ``relationshipName`` is the column's first part, its ``referenceTo``), read once per object and run;
    a polymorphic relationship (several ``referenceTo``) is left untyped (seen failing before the fix: the
    Bulk types held Account's own fields only, no 'parent.annualrevenue')."""
    describe: dict[str, dict[str, dict[str, Any]]] = {"Account": {"id": {"name": "Id", "type": "id"},
                            "parentid": {"name": "ParentId", "type": "reference", "relationshipName": "Parent",
                                         "referenceTo": ["Account"]},
                            "ownerid": {"name": "OwnerId", "type": "reference", "relationshipName": "Owner",
                                        "referenceTo": ["Group", "User"]},
                            "annualrevenue": {"name": "AnnualRevenue", "type": "currency"},
                            "createddate": {"name": "CreatedDate", "type": "datetime"}}}
    asked: list[str] = []

    def describe_fields(obj: str) -> dict[str, dict[str, Any]] | None:
        asked.append(obj)
        return describe.get(obj)

    reader, _warnings = _reader()
    reader.describe = describe_fields
    types = reader._types("Account", ["Id", "Parent.AnnualRevenue", "parent.CreatedDate", "Owner.Email",
                                      "Parent.Parent.AnnualRevenue"])
    assert types["parent.annualrevenue"] == "currency" and types["parent.createddate"] == "datetime"
    assert types["parent.parent.annualrevenue"] == "currency" and "owner.email" not in types
    assert set(asked) == {"Account"}


# ROWS[1] as a rep leaves it between the first job and the read that takes over from it: cancelled, stamped later
CHANGED = {**ROWS[1], "Subject": "Visite 1 annulée", "SystemModstamp": "2026-10-01T08:40:00.000+0000"}


def _latest(rows: Iterator[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Id -> the last version read of each row, as the store keeps them (an upsert per row, in order)."""
    return {r["Id"]: r for r in rows}


@responses.activate
def test_a_row_changed_before_the_job_is_created_again_comes_with_its_new_version() -> None:
    """Audit cursors F2. Job 1 gives ROWS[0:2], then its results are gone (404); job 2, created again 40 minutes
    later, answers ROWS[1] changed meanwhile (stamped 08:40). Left out by its id as "already read", its old version
    stayed in the store while the watermark (the newest stamp read, 08:40 here) passed its change: no incremental
    night read it until the next full read. A row job 2 answers at the stamp job 1 gave is still left out."""
    org = Org([[{"state": "JobComplete"}], [{"state": "JobComplete"}]],
              [[ROWS[:2], 404], [[ROWS[0], CHANGED, *ROWS[2:]]]])
    org.install(responses.mock)
    reader, _warnings = _reader()
    read = list(_rows(reader))
    assert _latest(iter(read))[CHANGED["Id"]]["Subject"] == "Visite 1 annulée"
    # 5 rows, ROWS[1] twice (its old version, then its new one); ROWS[0] once (same stamp in both jobs)
    assert sorted(r["Id"] for r in read) == sorted([*(r["Id"] for r in ROWS), CHANGED["Id"]])


class _ChangedOrg(Org):
    """The org of ``Org`` whose REST read after the Bulk job answers ROWS[1] changed (``CHANGED``)."""

    def query(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        status, headers, body = super().query(request)
        if len(self.rest_reads) > 1:
            answer = json.loads(body)
            answer["records"] = [CHANGED if r["Id"] == CHANGED["Id"] else r for r in answer["records"]]
            body = json.dumps(answer)
        return status, headers, body


@responses.activate
def test_a_row_changed_before_the_rest_read_takes_over_comes_with_its_new_version() -> None:
    """Audit cursors F2, the REST side: job 1 gives ROWS[0:2] and is gone, job 2 is gone too (its poll answers 404),
    and the read through REST that takes over answers ROWS[1] changed since job 1. Its new version is read; the rows
    REST answers at the stamp the job gave are not read twice."""
    org = _ChangedOrg([[{"state": "JobComplete"}], [{"status": 404}]], [[ROWS[:2], 404], []])
    org.install(responses.mock)
    reader, _warnings = _reader()
    read = list(_rows(reader))
    assert _latest(iter(read))[CHANGED["Id"]]["Subject"] == "Visite 1 annulée"
    assert sorted(r["Id"] for r in read) == sorted([*(r["Id"] for r in ROWS), CHANGED["Id"]])
