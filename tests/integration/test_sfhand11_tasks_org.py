"""An eleventh org nobody has shaped before, emulated from Salesforce's documentation alone (``sf_docs_emulator``), run
through pac's real connector, sync pipeline, engine, write-back, `pac explain` and `pac status` over two nights a year
apart (audit sfhand11, 8 Dec 2026): calls as reps log them.

What no earlier test held (grep: no Case anywhere in the docs emulator, no ``CallDisposition``, no archival between
two nights of one plan): calls logged on support cases, whose ``AccountId`` Salesforce takes from the contact ("If the
value of the WhatId field is any other object, and the value of the WhoId field is a Contact object, then Salesforce
uses that contact's AccountId ... Otherwise ... null", Object Reference, Task): Léa's call on Beta's case with Beta's
contact counts on Beta, her call on Gamma's case with no contact has no account (rejected « no account »), Hugo's call
on Delta's case with Epsilon's contact counts on Epsilon; the org's own closed statuses (TaskStatus.IsClosed)
« Annulée » (listed under cancelled: « appel non abouti ») and « Terminée » (listed nowhere: completed); a call whose
``CallDisposition`` says « Pas de réponse » (counted: Salesforce's calls are counted whatever their result); an inbound
call (counted); an e-mail task and a to-do typed 'Call' (``TaskSubtype`` Task: no rule's); then the ended plan's
late-entries night of 12 January 2028, a full read after Salesforce archived every closed Task of 12 January 2027 or
before ("In the API, archived activities can only be queried via queryAll()", SOAP API Developer Guide, Archived
Activities): January 2027's figures must not move. The organisation is in ``tests.integration.sfhand11_org``.

Every figure was computed by hand before the first run (/tmp/audits/sfhand11/EXPECTED.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from connectors.salesforce.connector import build
from connectors.salesforce.mapping import default_mapping_path
from sync_jobs.cli import main
from tests.integration import sf_docs_emulator
from tests.integration.hand_reading import explain_table
from tests.integration.hand_reading import sf_written as _written
from tests.integration.sf_docs_emulator import ENV, DocsOrg, add_pac_objects, serve
from tests.integration.sf_runs import NO_WAIT
from tests.integration.sfhand11_org import N1, N2, STATUSES, between_nights, build_org, mapping, settings, sync

ACTION = ("PAC_Done__c", "PAC_Target__c", "PAC_Pace__c")


def _case_words(case: str) -> str:
    """L3's rejection, in words saying why it has no account and what to change (audit sfhints; before: "no_account:
    the activity has no account")."""
    return (f"Task is related to case {case} and to no contact: Salesforce takes the account of such a task from its "
            "contact (Name); add a contact of the account in Name, or relate it to the account (Related To)")


class Org:
    def __init__(self, org: DocsOrg, ids: dict[str, str], cfg: Any, mapping_path: Path) -> None:
        self.tmp = mapping_path.parent
        self.org, self.ids, self.cfg, self.mapping = org, ids, cfg, mapping_path
        self.archived: list[str] = []

    def night(self, name: str) -> dict[str, Any]:
        at = {"N1": N1, "N2": N2}[name]
        if name == "N2":
            self.archived = between_nights(self.org, self.ids)
        self.org.now = at
        mark, errors = len(self.org.requests), len(self.org.errors)
        result = sync(self.cfg, self.mapping, at)
        seen = {"result": result, "actions": _written(self.org, "PAC_Action__c", mark),
                "requests": self.org.requests[mark:],
                "errors": [e for e in self.org.errors[errors:] if "__History' is not supported" not in e]}
        assert (self.org.unhandled, seen["errors"], result.warnings) == ([], [], []), seen
        assert result.evaluation is not None, result
        return seen


@pytest.fixture
def appels(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Org]:
    add_pac_objects(yaml.safe_load(default_mapping_path().read_text(encoding="utf-8"))["writeback"])
    monkeypatch.setitem(sf_docs_emulator.PICKLISTS, ("Task", "Status"), [label for label, _closed in STATUSES])
    org, ids = build_org()
    cfg = settings(tmp_path, database_url)
    for _ in serve(org):
        yield Org(org, ids, cfg, mapping(tmp_path))


def _actions(ev: Any) -> dict[str, tuple[int, int, str]]:
    return {a.action_id: (a.done, a.target, a.pace) for a in ev.actions}


def _rejected(result: Any) -> list[tuple[str, str]]:
    return [(r.id, r.reason) for r in result.rejections]


def _rows(appels: Org, action: str, keys: tuple[str, ...], as_of: str) -> dict[str, tuple[str, ...]]:
    """`pac explain ACTION --lang fr --as-of AS_OF`: each listed row of ``keys`` (key -> its cells but the id)."""
    _out, rows = explain_table(appels.cfg, action, "--lang", "fr", "--as-of", as_of)
    by_id = {appels.ids[k]: k for k in keys}
    return {by_id[r[1]]: (r[0], *r[2:]) for r in rows if r[1] in by_id}


def _cli(cfg: Any, *args: str) -> str:
    shown = CliRunner().invoke(main, list(args), env={"PAC_CONFIG": str(Path(cfg.source)), "COLUMNS": "250"})
    assert shown.exit_code == 0, (shown.output, shown.exception)
    return re.sub(r"[\u202f\xa0]", " ", shown.stdout)


LEA = ("L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8", "L9")


class TestJanuary:
    def test_night_one(self, appels: Org) -> None:
        """1 February 2027 02:00 Paris. A-1 Léa: L1, L2 (Beta's case, Beta's contact), L5 (« Terminée »), L6 (« Pas de
        réponse ») = 4/6 missed; A-2 Alpha, Beta, Epsilon = 3/4 missed; A-3 Hugo: H1 (Delta's case, Epsilon's contact),
        H2, H3, H4 (inbound) = 4/5 missed; A-4 4/40, 31 d 2 h of 365 gone (0.0852 <= 0.10): on track. L3 (Gamma's
        case, no contact) rejected « no account »: the night is partial."""
        n1 = appels.night("N1")
        result = n1["result"]
        assert _actions(result.evaluation) == {"A-1": (4, 6, "late"), "A-2": (3, 4, "late"), "A-3": (4, 5, "late"),
                                               "A-4": (4, 40, "on_track")}
        assert (result.status, _rejected(result)) == (
            "partial", [(appels.ids["L3"], _case_words(appels.ids["CS-GAM"]))])
        assert {k: tuple(v[f] for f in ACTION) for k, v in n1["actions"].items()} == {
            "A-1": (4, 6, "late"), "A-2": (3, 4, "late"), "A-3": (4, 5, "late"), "A-4": (4, 40, "on_track")}

    def test_what_explain_says_of_each_call(self, appels: Org) -> None:
        """`pac explain A-1` (fr): L1, L2, L5, L6 comptées; L3 « sans compte »; L4 (« Annulée ») « appel non abouti »;
        L7 « autre type d'activité »; L8 « type non compté »; L9 (« Pas de réponse », no_show) « appel sans réponse »;
        A-2: L6 « compte déjà compté »; A-3: H1 on Epsilon."""
        appels.night("N1")
        rows = _rows(appels, "A-1", LEA, "2027-02-01T02:10")
        verdicts = {k: (v[0], v[4]) for k, v in rows.items()}
        assert verdicts == {"L1": ("✔", "comptée"), "L2": ("✔", "comptée"), "L3": ("✘", "sans compte"),
                            "L4": ("✘", "appel non abouti"), "L5": ("✔", "comptée"), "L6": ("✔", "comptée"),
                            "L7": ("✘", "autre type d'activité"), "L8": ("✘", "type non compté"),
                            "L9": ("✘", "appel sans réponse")}, rows
        rows = _rows(appels, "A-2", LEA, "2027-02-01T02:10")
        assert rows["L6"][0] == "✘" and "compte déjà compté" in rows["L6"], rows
        rows = _rows(appels, "A-3", ("H1", "H2", "H3", "H4"), "2027-02-01T02:10")
        assert "Epsilon" in rows["H1"] and rows["H1"][0] == "✔", rows


class TestAYearLater:
    def test_archived_calls_keep_january(self, appels: Org) -> None:
        """12 January 2028 02:00 Paris, the ended plan's late-entries month, read in full (last read 345 days ago):
        L1–L7 and H1–H4 archived since; read through queryAll, January is unchanged (A-1 4/6, A-2 3/4, A-3 4/5) and
        A-4 H1–H6 = 6/40 missed; L3's rejection known: the night is ok."""
        appels.night("N1")
        n2 = appels.night("N2")
        ids = appels.ids
        assert sorted(appels.archived) == sorted(ids[k] for k in (*LEA[:7], "H1", "H2", "H3", "H4"))
        result = n2["result"]
        assert _actions(result.evaluation) == {"A-1": (4, 6, "late"), "A-2": (3, 4, "late"), "A-3": (4, 5, "late"),
                                               "A-4": (6, 40, "late")}
        assert (result.status, _rejected(result), result.new_rejections) == (
            "ok", [(ids["L3"], _case_words(ids["CS-GAM"]))], [])
        task_reads = [path for method, path, _body in n2["requests"] if method == "GET" and "FROM+Task" in path]
        assert task_reads and all("/queryAll" in p for p in task_reads), task_reads
        rows = _rows(appels, "A-1", LEA, "2028-01-12T02:10")
        assert {k: (v[0], v[4]) for k, v in rows.items()} == {
            "L1": ("✔", "comptée"), "L2": ("✔", "comptée"), "L3": ("✘", "sans compte"),
            "L4": ("✘", "appel non abouti"), "L5": ("✔", "comptée"), "L6": ("✔", "comptée"),
            "L7": ("✘", "autre type d'activité"), "L8": ("✘", "type non compté"),
            "L9": ("✘", "appel sans réponse")}, rows
        status = _cli(appels.cfg, "status")
        assert "pac-appels-2027" in status and "│ 2   │ pac-appels-2027 │ 2028-01-12 01:00 │" in status, status


class TestAToDoTypedCall:
    def test_a_rule_on_type_counts_it(self, appels: Org) -> None:
        """An org whose reps also log calls as to-dos typed 'Call' (``TaskSubtype`` Task, ``Type`` Call) adds a rule on
        ``Type`` after the shipped one: L8 (Delta, 13 January) counts, A-1 5/6 missed, A-2 Alpha, Beta, Epsilon, Delta
        4/4 done; L7, an e-mail task with no Type, stays an e-mail; Hugo's actions unchanged."""
        appels.mapping = mapping(appels.tmp, typed_calls=True)
        result = appels.night("N1")["result"]
        assert _actions(result.evaluation) == {"A-1": (5, 6, "late"), "A-2": (4, 4, "done"), "A-3": (4, 5, "late"),
                                               "A-4": (4, 40, "on_track")}
        rows = _rows(appels, "A-1", ("L7", "L8"), "2027-02-01T02:10")
        assert {k: (v[0], v[4]) for k, v in rows.items()} == {"L7": ("✘", "autre type d'activité"),
                                                              "L8": ("✔", "comptée")}, rows


class TestTheOnlineCheck:
    def test_it_names_the_closed_status_listed_nowhere_and_where_each_goes(self, appels: Org) -> None:
        """`pac config check --online`'s TaskStatus note: the org closes Tasks in Completed, « Terminée », « Annulée »
        and « Pas de réponse »; the mapping lists all but « Terminée ». The advice says where each kind goes: a call
        not made under cancelled (« appel non abouti »), one nobody answered under no_show (« appel sans réponse », as
        HubSpot's *No answer*: L9 above), a done one under completed (seen failing before the fix: it said « list one
        that means it was not made (cancelled, no answer) under cancelled », so a no-answer call read « appel non
        abouti » in Salesforce and « appel sans réponse » in HubSpot)."""
        connector = build("sf-main", appels.mapping, ENV, policy=NO_WAIT)
        try:
            notes = [n for n in connector.online_notes() if "TaskStatus" in n]
        finally:
            connector.close()
        assert notes == [
            "warning: activities.status.Task: the org's closed Task statuses 'Terminée' are listed under no status, so "
            "a Task closed in one counts as completed (closed_field: IsClosed), a call or e-mail made "
            "(TaskStatus.IsClosed); list those that mean it was not made under cancelled, those that mean nobody "
            "answered under no_show, and those that mean done under completed to silence this"]
        assert (appels.org.unhandled, appels.org.errors) == ([], [])


def _cli_as_of(cfg: Any, as_of: str, *args: str) -> str:
    """A CLI command under the settings' file with ``as_of`` set for it (the nights keep their own clock)."""
    path = Path(cfg.source)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("connectors: [sf-main]}", f"connectors: [sf-main], as_of: '{as_of}'}}"),
                    encoding="utf-8")
    try:
        return _cli(cfg, *args)
    finally:
        path.write_text(text, encoding="utf-8")


class TestJanuarySReviewAYearLater:
    def test_nothing_changed_since_the_close(self, appels: Org, tmp_path: Path) -> None:
        """January's snapshot kept on 1 February 2027 02:05 after night 1; night 2 on 12 January 2028 reads January's
        calls archived since; `pac review --month 2027-01` then: A-1 4 / 6, A-2 3 / 4, A-3 4 / 5 « Manquée », and no
        change since the close (the archived calls still read: losing them would read « A-1 4/6 → 0/6 »)."""
        appels.night("N1")
        assert _cli_as_of(appels.cfg, "2027-02-01T02:05:00+01:00", "snapshot", "--period", "2027-01").startswith(
            "2027-01: ")
        appels.night("N2")
        out = tmp_path / "janvier.md"
        _cli_as_of(appels.cfg, "2028-01-12T02:10:00+01:00", "review", "--month", "2027-01", "--lang", "fr", "-o",
                   str(out))
        text = out.read_text(encoding="utf-8").replace("\u202f", " ").replace("\xa0", " ")
        for shown in ("| Passer 6 appels en janvier 2027 (A-1) |", "| Appeler 4 comptes en janvier 2027 (A-2) |",
                      "| Passer 5 appels en janvier 2027 (A-3) |"):
            line = next(row for row in text.splitlines() if row.startswith(shown))
            assert "Manquée" in line, line
        assert [row for row in text.splitlines() if "→" in row] == [], text
        assert "| 4 / 6 |" in text and "| 3 / 4 |" in text and "| 4 / 5 |" in text, text
        # January's re-evaluation equals its kept snapshot: no « recalculé … » header, no « Depuis la clôture » line
        assert "Situation à la fin du 31 janvier 2027.\n" in text, text
        assert "recalcul" not in text and "Depuis la clôture" not in text, text


class TestAnOpenCallAYearOn:
    def test_still_planned_on_a_past_date_both_nights(self, appels: Org) -> None:
        """Léa's L10, a call of 20 January 2027 left « Not Started » (open: Salesforce archives closed Tasks only):
        not counted (A-1 4/6, A-2 3/4), a data-quality warning each night, `pac explain` « toujours prévue, à une date
        passée »; on 12 January 2028 it is still read, not archived, and still warned of (the ended plan is still
        synced in its late-entries month)."""
        org, ids = appels.org, appels.ids
        ids["L10"] = org.activity("Task", what=ids["BET"], OwnerId=ids["lea"], Subject="Appel L10",
                                  ActivityDate=date(2027, 1, 20), TaskSubtype="Call", Status="Not Started",
                                  IsClosed=False, Priority="Normal", CreatedDate=datetime(2027, 1, 18, 9, tzinfo=UTC),
                                  SystemModstamp=datetime(2027, 1, 18, 9, tzinfo=UTC))
        for at in (N1, N2):
            if at == N2:
                archived = between_nights(org, ids)
                assert ids["L10"] not in archived
            org.now = at
            result = sync(appels.cfg, appels.mapping, at)
            assert result.evaluation is not None
            assert _actions(result.evaluation) == {"A-1": (4, 6, "late"), "A-2": (3, 4, "late"),
                                                   "A-3": (4, 5, "late"),
                                                   "A-4": (4, 40, "on_track") if at == N1 else (6, 40, "late")}
            assert [w.id for w in result.warnings] == [ids["L10"]], result.warnings
            rows = _rows(appels, "A-1", ("L10",), "2027-02-01T02:10" if at == N1 else "2028-01-12T02:10")
            assert (rows["L10"][0], rows["L10"][4]) == ("✘", "toujours prévue, à une date passée"), rows
        assert "1 activité encore planifiée à une date passée" in _cli(appels.cfg, "status", "--lang", "fr")


class TestABulkRead:
    def test_a_bulk_job_of_tasks_keeps_the_archived_ones(self, appels: Org) -> None:
        """2,000 closed e-mail Tasks of Claire's of 1 March 2025, archived by 1 February 2027, and ``bulk_threshold:
        2000``: the full read of Task goes through a Bulk API 2.0 query job, whose operation is queryAll ("The
        queryAll operation also returns information about archived Task and Event records", Bulk API Developer Guide,
        Use Bulk Query); night 1's figures unchanged, L3 the one rejection."""
        org, ids = appels.org, appels.ids
        old = datetime(2025, 3, 1, 9, tzinfo=UTC)
        for n in range(2000):
            org.activity("Task", what=ids["ALP"], OwnerId=ids["claire"], Subject=f"Mail {n}",
                         ActivityDate=old.date(), TaskSubtype="Email", Status="Completed", IsClosed=True,
                         CompletedDateTime=old, CreatedDate=old, SystemModstamp=old)
        assert len(org.archive_activities(date(2027, 2, 1))) == 2000
        text = appels.mapping.read_text(encoding="utf-8")
        assert "bulk_threshold: 50000" in text
        appels.mapping.write_text(text.replace("bulk_threshold: 50000", "bulk_threshold: 2000"), encoding="utf-8")
        n1 = appels.night("N1")
        jobs = [body for method, path, body in n1["requests"] if method == "POST" and path.endswith("/jobs/query")]
        assert [(j["operation"], "FROM Task" in j["query"]) for j in jobs] == [("queryAll", True)], jobs
        result = n1["result"]
        assert _actions(result.evaluation) == {"A-1": (4, 6, "late"), "A-2": (3, 4, "late"), "A-3": (4, 5, "late"),
                                               "A-4": (4, 40, "on_track")}
        assert _rejected(result) == [(ids["L3"], _case_words(ids["CS-GAM"]))]
