"""The « deleted » column of a run's counts: the records the store held live that this run found deleted in the CRM,
whatever the read (audit opscounts). An incremental read learns of a deletion from a record flagged deleted
(Salesforce ``queryAll``'s ``IsDeleted``, HubSpot's ``archived=true`` lists, read on every pull); a full read from
the records it returns flagged deleted (the recycle bin) and from those it does not return at all. A record already
deleted in the store and handed over deleted again (HubSpot lists its recycle bin every night for 90 days; an
overlap window read twice) is no new deletion; a record the store never held live is none either."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from pac_config.settings import load_settings
from sync_jobs import pipeline
from sync_jobs.cli import main
from sync_jobs.store import open_store, repo
from tests.fakes import Clock, FakeConnector, account, fake_evaluate, user, visit, write_settings

W18 = datetime(2027, 5, 4, 8, 0, tzinfo=UTC)


@pytest.fixture
def settings(tmp_path, database_url):
    return load_settings(write_settings(tmp_path, database_url), env={})


def _sync(settings, crm: FakeConnector, clock: Clock, **kw):
    return pipeline.run_sync(None, settings, connectors={"fake": crm}, clock=clock, evaluator=fake_evaluate, **kw)


def _deleted(counts: dict) -> dict[str, int | None]:
    """The « deleted » figure per record object (None: none recorded, the summary's blank and the report's « – »)."""
    return {kind: counts.get(kind, {}).get("deleted") for kind in ("accounts", "activities")}


def _first_night(settings) -> tuple[FakeConnector, Clock]:
    crm, clock = FakeConnector(), Clock()
    crm.put(user("u1", "julie@example.com"), *(account(f"a{i}") for i in range(1, 5)),
            visit("v1", "u1", "a1", W18), visit("v2", "u1", "a2", W18.replace(day=5)))
    _sync(settings, crm, clock)
    return crm, clock


def _flag_deleted(crm: FakeConnector, kind: str, rid: str, clock: Clock) -> None:
    """The CRM hands ``rid`` over as deleted (its recycle bin), stamped now."""
    crm.records[kind][rid] = replace(crm.records[kind][rid], deleted=True, modified_at=clock.now)


def _night(settings, crm: FakeConnector, clock: Clock, **kw):
    clock.advance(days=1)
    return _sync(settings, crm, clock, **kw)


class TestDeletedColumn:
    def test_each_deletion_is_counted_once_whatever_the_read(self, settings) -> None:
        """Nights 2 to 6 of the audit's table (REPORT.md 1a): v2 deleted (– / 1); a3, a4 deleted and v2 handed over
        again (2 / –); a full read returning the recycle bin (0 / 0); a2 purged (1 / 0); a2 still absent (0 / 0).
        Seen failing before the fix: nights 2 and 3 showed no deletion (– / –), as in audit hshand4."""
        crm, clock = _first_night(settings)
        clock.advance(hours=1)
        _flag_deleted(crm, "activities", "v2", clock)
        assert _deleted(_night(settings, crm, clock).counts) == {"accounts": None, "activities": 1}
        _flag_deleted(crm, "accounts", "a3", clock)
        _flag_deleted(crm, "accounts", "a4", clock)
        crm.records["activities"]["v2"] = replace(crm.records["activities"]["v2"], modified_at=clock.now)
        assert _deleted(_night(settings, crm, clock).counts) == {"accounts": 2, "activities": None}
        assert _deleted(_night(settings, crm, clock, full=True).counts) == {"accounts": 0, "activities": 0}
        del crm.records["accounts"]["a2"]
        assert _deleted(_night(settings, crm, clock, full=True).counts) == {"accounts": 1, "activities": 0}
        assert _deleted(_night(settings, crm, clock, full=True).counts) == {"accounts": 0, "activities": 0}

    def test_a_record_never_held_live_is_no_deletion(self, settings) -> None:
        """A company created and deleted between two nights (the store never held it) arrives flagged deleted:
        stored as deleted, counted in no « deleted » figure (it never counted in any figure)."""
        crm, clock = _first_night(settings)
        clock.advance(hours=1)
        crm.put(account("a9", deleted=True, modified_at=clock.now))
        assert _deleted(_night(settings, crm, clock).counts) == {"accounts": None, "activities": None}

    def test_the_run_log_keeps_the_summarys_figures(self, settings) -> None:
        """What a later `pac status` and the report read (the run log's counts) is what `pac sync` printed."""
        crm, clock = _first_night(settings)
        clock.advance(hours=1)
        _flag_deleted(crm, "accounts", "a3", clock)
        _flag_deleted(crm, "activities", "v2", clock)
        result = _night(settings, crm, clock)
        assert _deleted(result.counts) == {"accounts": 1, "activities": 1}
        (run,) = [r for r in repo.runs(open_store(settings.database_url), result.plan_id, limit=5)
                  if r.id == result.run_id]
        assert run.counts == result.counts


class TestDryRunCountsAsTheRealRun:
    @pytest.mark.parametrize("full", [False, True])
    def test_dry_run_counts_the_same_deletions(self, settings, full: bool) -> None:
        """The dry run's overlay store counts the deletions the real run then counts: flagged deleted tonight (a3),
        flagged again after last night's deletion (v2), never held (a9), and (full read) purged (a2)."""
        crm, clock = _first_night(settings)
        clock.advance(hours=1)
        _flag_deleted(crm, "activities", "v2", clock)
        _night(settings, crm, clock)
        _flag_deleted(crm, "accounts", "a3", clock)
        crm.records["activities"]["v2"] = replace(crm.records["activities"]["v2"], modified_at=clock.now)
        crm.put(account("a9", deleted=True, modified_at=clock.now))
        del crm.records["accounts"]["a2"]
        clock.advance(days=1)
        dry = _sync(settings, crm, clock, dry_run=True, full=full)
        real = _sync(settings, crm, clock, full=full)
        expected = {"accounts": 2, "activities": 0} if full else {"accounts": 1, "activities": None}
        assert _deleted(dry.counts) == _deleted(real.counts) == expected


class TestStatusReadsTheSummary:
    def test_pac_status_shows_the_runs_figures_grouped_by_thousands(self, settings) -> None:
        """A first night reading 1 user, 1,200 accounts and 1 visit: `pac sync`'s summary reads 1,200 accounts and
        `pac status` 1,202 records read, the API calls and the calls left today as the run kept them, grouped by
        thousands as the summary's API line (« 99,972 left today ») and the report write them. Seen failing before
        the fix: « 1202 » and « fake=99993 »."""
        crm, clock = FakeConnector(), Clock()
        crm.put(user("u1", "julie@example.com"), *(account(f"a{i}") for i in range(1200)),
                visit("v1", "u1", "a1", W18))
        result = _sync(settings, crm, clock)
        assert result.counts["accounts"]["read"] == 1200
        used = result.api["fake"]
        assert used["remaining"] == 100_000 - used["used"] and used["remaining"] >= 1000
        shown = CliRunner().invoke(main, ["status"], env={"PAC_CONFIG": str(settings.source), "COLUMNS": "300"})
        assert shown.exit_code == 0, shown.output
        row = next(line for line in shown.stdout.splitlines() if line.startswith(f"│ {result.run_id} "))
        cells = [c.strip() for c in row.split("│")[1:-1]]
        assert cells[5:] == ["1,202", f"{result.written:,}", "0", "0", f"fake={used['calls']}",
                             f"fake={used['remaining']:,}"], cells

    def test_pac_status_shows_each_runs_deletions(self, settings) -> None:
        """`pac status`'s Last runs table gives each run's « deleted » (audit smallleft), the sum of the summary's
        column: nights 1 to 6 of the audit's table (REPORT.md 1a of audit opscounts) and a seventh, incremental,
        with no deletion. Written by hand: night 1 (first run, a full read) 0; night 2 (v2) 1; night 3 (a3, a4; v2
        again) 2; night 4 (full read, the recycle bin) 0; night 5 (a2 purged) 1; night 6 0; night 7 blank, as the
        summary leaves an incremental night's objects with no deletion blank. Seen failing before the fix: the
        table had no « deleted » column."""
        crm, clock = _first_night(settings)
        clock.advance(hours=1)
        _flag_deleted(crm, "activities", "v2", clock)
        _night(settings, crm, clock)
        _flag_deleted(crm, "accounts", "a3", clock)
        _flag_deleted(crm, "accounts", "a4", clock)
        crm.records["activities"]["v2"] = replace(crm.records["activities"]["v2"], modified_at=clock.now)
        _night(settings, crm, clock)
        _night(settings, crm, clock, full=True)
        del crm.records["accounts"]["a2"]
        _night(settings, crm, clock, full=True)
        _night(settings, crm, clock, full=True)
        last = _night(settings, crm, clock)
        shown = CliRunner().invoke(main, ["status"], env={"PAC_CONFIG": str(settings.source), "COLUMNS": "300"})
        assert shown.exit_code == 0, shown.output
        lines = shown.stdout.splitlines()
        head = next(line for line in lines if "┃ run " in line)
        columns = [c.strip() for c in head.split("┃")[1:-1]]
        assert columns[5:9] == ["read", "written", "rejected", "deleted"], columns
        deleted = {}
        for line in lines:
            cells = [c.strip() for c in line.split("│")[1:-1]]
            if cells and cells[0].isdigit():
                deleted[int(cells[0])] = cells[8]
        first = last.run_id - 6
        assert [deleted[first + n] for n in range(7)] == ["0", "1", "2", "0", "1", "0", ""], deleted

    def test_pac_status_groups_deletions_by_thousands(self, settings) -> None:
        """1,200 accounts deleted in one night (a full read not returning them) read « 1,200 », as the summary."""
        crm, clock = FakeConnector(), Clock()
        crm.put(user("u1", "julie@example.com"), *(account(f"a{i}") for i in range(1201)),
                visit("v1", "u1", "a1200", W18))
        _sync(settings, crm, clock)
        for i in range(1200):
            del crm.records["accounts"][f"a{i}"]
        result = _night(settings, crm, clock, full=True)
        assert result.counts["accounts"]["deleted"] == 1200
        shown = CliRunner().invoke(main, ["status"], env={"PAC_CONFIG": str(settings.source), "COLUMNS": "300"})
        row = next(line for line in shown.stdout.splitlines() if line.startswith(f"│ {result.run_id} "))
        assert [c.strip() for c in row.split("│")[1:-1]][8] == "1,200", row
