"""A night whose plan file does not load (audit planstate F6): the run log says so, nothing else is written, the
next good night is normal, and a snapshot that fired that night is taken again at the next sync fire."""

from __future__ import annotations

import logging
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from pac_config.settings import load_settings
from pac_core.errors import InvalidInput
from sandbox_crm.demo_org import build_demo_org
from sandbox_crm.hubspot import HubSpotApi
from sandbox_crm.salesforce import SalesforceApi
from sandbox_crm.server import SandboxServer
from sync_jobs import scheduler as sched
from sync_jobs.cli import main
from sync_jobs.demo import write_demo_settings
from sync_jobs.pipeline import run_sync
from sync_jobs.run_status import RunStatus
from sync_jobs.store import open_store, repo
from tests.cli import run_pac
from tests.fakes import (
    Clock,
    FakeConnector,
    account,
    fake_evaluate,
    sandbox_env_fast,
    user,
    visit,
    write_settings,
)

BROKEN = ("    who: julie@example.com\n", "    who: julie@example.com\n   bad: [\n")  # line 20 of SMALL_PLAN


def _night(tmp_path: Path, as_of: str) -> tuple[object, FakeConnector]:
    """Settings of the small plan at ``as_of`` and its CRM, after one good sync."""
    path = write_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
    path.write_text(
        path.read_text(encoding="utf-8").replace("connectors: [fake]}", f"connectors: [fake], as_of: '{as_of}'}}"),
        encoding="utf-8",
    )
    settings = load_settings(path, env={})
    crm = FakeConnector()
    crm.put(
        user("u1", "julie@example.com"), account("a1"), visit("v1", "u1", "a1", datetime(2027, 3, 3, 9, tzinfo=UTC))
    )
    # the sync's clock is the night's: the plan version it records is of that night, before Q1's cutoff
    run_sync(None, settings, connectors={"fake": crm}, clock=Clock(datetime.fromisoformat(as_of)),
             evaluator=fake_evaluate)
    return settings, crm


def _break(tmp_path: Path) -> str:
    plan = tmp_path / "plan.pac.yaml"
    good = plan.read_text(encoding="utf-8")
    plan.write_text(good.replace(*BROKEN, 1), encoding="utf-8")
    return good


def _runs(settings) -> list:  # type: ignore[no-untyped-def]
    engine = open_store(settings.database())
    try:
        return repo.runs(engine, None)
    finally:
        engine.dispose()


class TestTheRunLog:
    def test_a_plan_file_that_does_not_load_is_a_failed_run_pac_status_shows(self, tmp_path) -> None:
        """`pac sync` on a plan file with a YAML error still refuses (InvalidInput: exit 2) and reads or writes no
        CRM; the night is kept as a ``failed`` run of the plan naming the file, the line and what to do, so the
        next morning's `pac status` shows it (it listed the previous night's run as the last one)."""
        settings, crm = _night(tmp_path, "2027-05-20T18:00:00+02:00")
        calls, written = crm.usage_.calls, len(crm.writes)
        _break(tmp_path)
        with pytest.raises(InvalidInput, match=r"plan\.pac\.yaml:20 YAML syntax error"):
            run_sync(None, settings, connectors={"fake": crm}, clock=Clock(), evaluator=fake_evaluate)
        assert (crm.usage_.calls, len(crm.writes)) == (calls, written)  # no CRM read, nothing written
        last, before = _runs(settings)[:2]
        assert (last.plan_id, last.status, before.status) == ("test-plan", "failed", "ok")
        assert last.finished_at is not None and last.counts == {} and last.advice is None
        (error,) = last.errors
        assert "plan.pac.yaml:20 YAML syntax error" in error and "pac plan check" in error, error
        assert "pac sync --plan test" in error and "nothing was read from or written to the CRMs" in error, error
        shown = CliRunner().invoke(main, ["status"], env={"PAC_CONFIG": str(settings.source), "COLUMNS": "250"})
        assert shown.exit_code == 0, shown.output
        assert f"{last.id} " in shown.output and "failed" in shown.output, shown.output
        assert "Last run's problems (1):" in shown.output and "plan.pac.yaml:20" in shown.output, shown.output

    def test_a_dry_run_keeps_nothing(self, tmp_path) -> None:
        settings, crm = _night(tmp_path, "2027-05-20T18:00:00+02:00")
        _break(tmp_path)
        with pytest.raises(InvalidInput):
            run_sync(None, settings, connectors={"fake": crm}, clock=Clock(), evaluator=fake_evaluate, dry_run=True)
        assert [r.status for r in _runs(settings)] == ["ok"]

    def test_the_next_good_night_is_normal(self, tmp_path) -> None:
        """Once the file is fixed, the next night is an ordinary one: ``ok``, nothing to write (the CRM holds the
        figures of the night before the failed one), no rejection taken as new, and it is the last run shown."""
        settings, crm = _night(tmp_path, "2027-05-20T18:00:00+02:00")
        good = _break(tmp_path)
        with pytest.raises(InvalidInput):
            run_sync(None, settings, connectors={"fake": crm}, clock=Clock(), evaluator=fake_evaluate)
        (tmp_path / "plan.pac.yaml").write_text(good, encoding="utf-8")
        written = len(crm.writes)
        result = run_sync(None, settings, connectors={"fake": crm}, clock=Clock(), evaluator=fake_evaluate)
        assert result.status is RunStatus.OK and len(crm.writes) == written and not result.new_rejections
        assert [r.status for r in _runs(settings)] == ["ok", "failed", "ok"]

    def test_a_plan_whose_header_does_not_load_is_logged_under_its_stored_id(self, tmp_path) -> None:
        """A file broken in its ``plan:`` header (its id unreadable) is logged under the plan id of the version the
        store kept from that file, so `pac status --plan` and the plan's block find it."""
        settings, crm = _night(tmp_path, "2027-05-20T18:00:00+02:00")
        plan = tmp_path / "plan.pac.yaml"
        plan.write_text(plan.read_text(encoding="utf-8").replace("plan:\n", "plan: [\n", 1), encoding="utf-8")
        with pytest.raises(InvalidInput):
            run_sync(None, settings, connectors={"fake": crm}, clock=Clock(), evaluator=fake_evaluate)
        assert [(r.plan_id, r.status) for r in _runs(settings)] == [("test-plan", "failed"), ("test-plan", "ok")]

    def test_a_scheduled_night_logs_it_too(self, tmp_path, caplog) -> None:
        """The scheduler's sync job: the fire is claimed (in the plan's timezone as the store's last version of the
        plan gives it: the claim read the file and failed first), the same failed run is kept once, and its
        ``schedule.run`` line is at WARNING; a second worker's job for the same fire skips it."""
        settings, _ = _night(tmp_path, "2027-05-20T18:00:00+02:00")
        _break(tmp_path)
        with caplog.at_level(logging.INFO, logger="pac.schedule"):
            sched.sync_job(str(settings.source), "test")
        ran = [r for r in caplog.records if "schedule.run" in r.getMessage() and "job=sync" in r.getMessage()]
        assert len(ran) == 1 and ran[0].levelno == logging.WARNING and " exit=2 " in ran[0].getMessage(), ran
        assert [r.status for r in _runs(settings)] == ["failed", "ok"]
        assert sched.claim_scheduled_run(settings, "test", "sync", worker="worker-b") == sched.WORKER

    def test_pac_status_of_the_plan_shows_its_failed_night(self, tmp_path) -> None:
        """`pac status --plan test` on the broken file lists the plan's runs, the failed night first (it refused,
        exit 2, on the file it is asked to look at)."""
        settings, crm = _night(tmp_path, "2027-05-20T18:00:00+02:00")
        _break(tmp_path)
        with pytest.raises(InvalidInput):
            run_sync(None, settings, connectors={"fake": crm}, clock=Clock(), evaluator=fake_evaluate)
        for ref in ("test", "test-plan"):  # its name in the settings, its id (read from the file's header)
            shown = CliRunner().invoke(
                main, ["status", "--plan", ref], env={"PAC_CONFIG": str(settings.source), "COLUMNS": "250"}
            )
            assert shown.exit_code == 0, shown.output
            assert "failed" in shown.output and "plan.pac.yaml:20" in shown.output, shown.output


def _kept(settings) -> list[tuple[str, str, datetime, datetime | None]]:  # type: ignore[no-untyped-def]
    from sync_jobs.app import taken_on

    engine = open_store(settings.database())
    try:
        return [(s.kind, s.label, s.taken_at, taken_on(s.payload)) for s in repo.snapshots(engine, "test-plan")]
    finally:
        engine.dispose()


def _as_of(settings, tmp_path: Path, as_of: str):  # type: ignore[no-untyped-def]
    """The same settings, their clock moved to ``as_of``."""
    path = Path(settings.source)
    path.write_text(re.sub(r"as_of: '[^']*'", f"as_of: '{as_of}'", path.read_text(encoding="utf-8")), encoding="utf-8")
    return load_settings(path, env={})


class TestSnapshotOnAFailedNight:
    def test_a_snapshot_job_that_fails_logs_at_warning(self, tmp_path, caplog) -> None:
        """The quarterly job at 05:45 on 1 April on a broken file keeps nothing and says so at WARNING, as a failed
        sync does (it was INFO, so a kept quarter missing was in no alert)."""
        settings, _ = _night(tmp_path, "2027-04-01T05:45:00+02:00")
        _break(tmp_path)
        with caplog.at_level(logging.INFO, logger="pac.schedule"):
            sched.snapshot_job(str(settings.source), "test", "quarterly")
        ran = [r for r in caplog.records if "job=quarterly_snapshot" in r.getMessage()]
        assert len(ran) == 1 and "status=error: InvalidInput" in ran[0].getMessage(), caplog.text
        assert ran[0].levelno == logging.WARNING and "plan.pac.yaml:20" in ran[0].getMessage()
        assert _kept(settings) == []

    def test_the_quarter_is_kept_at_the_next_sync_fire_and_says_when(self, tmp_path, monkeypatch, caplog) -> None:
        """The file fixed on 1 April, the next sync fire (2 April 02:00) takes the quarter and the month its
        snapshot jobs could not (not three months later, at the next quarterly fire), evaluated at the period's end
        and kept with when it was taken (2 April: the report's « instantané du 2 avril 2027 »)."""
        settings, _ = _night(tmp_path, "2027-04-01T05:45:00+02:00")
        good = _break(tmp_path)
        sched.snapshot_job(str(settings.source), "test", "monthly")
        sched.snapshot_job(str(settings.source), "test", "quarterly")
        assert _kept(settings) == []
        (tmp_path / "plan.pac.yaml").write_text(good, encoding="utf-8")
        later = _as_of(settings, tmp_path, "2027-04-02T02:00:00+02:00")
        monkeypatch.setattr(sched, "claim_scheduled_run", lambda *_: None)
        monkeypatch.setattr(sched, "_run_plan", lambda *_: ("ok", 0))  # the night's sync (tested above)
        with caplog.at_level(logging.INFO, logger="pac.schedule"):
            sched.sync_job(str(later.source), "test")
        kept = {(kind, label): (at, taken) for kind, label, at, taken in _kept(later)}
        end_of_march = datetime(2027, 3, 31, 22, 0, tzinfo=UTC)
        retried = datetime(2027, 4, 2, 0, 0, tzinfo=UTC)
        assert kept[("quarterly", "2027-Q1")] == (end_of_march, retried), kept
        assert kept[("monthly", "2027-03")] == (end_of_march, retried), kept
        from sync_jobs.app import load_report_inputs
        from sync_jobs.report.fmt import Formatter
        from sync_jobs.report.restated import status_line

        inputs = load_report_inputs(later, "test", as_of=end_of_march, closed=True)
        assert inputs.basis is not None and (inputs.basis.kind, inputs.basis.taken_on) == ("snapshot", retried)
        header = status_line(inputs, Formatter.for_plan(inputs.plan, "en"))
        assert "(snapshot of April 2, 2027)" in header, header  # the report's words of when the kept quarter was taken
        lines = [r.getMessage() for r in caplog.records if "trigger=retry" in r.getMessage()]
        assert any("job=quarterly_snapshot" in line and "2027-Q1" in line for line in lines), caplog.text

    def test_a_sync_fire_does_not_take_a_period_before_its_snapshot_job_fires(self, tmp_path, monkeypatch) -> None:
        """On 1 April at 02:00 (the sync), March and Q1 are closed but their jobs fire at 05:30 and 05:45 (a cron
        may wait for late entries): the sync fire leaves them to those jobs, and takes only the periods whose job
        fired before and did not keep them (January and February, here never kept)."""
        settings, _ = _night(tmp_path, "2027-04-01T02:00:00+02:00")
        monkeypatch.setattr(sched, "claim_scheduled_run", lambda *_: None)
        monkeypatch.setattr(sched, "_run_plan", lambda *_: ("ok", 0))
        sched.sync_job(str(settings.source), "test")
        assert [(kind, label) for kind, label, _, _ in _kept(settings)] == [
            ("monthly", "2027-01"),
            ("monthly", "2027-02"),
        ]

    def test_a_failed_sync_fire_takes_nothing(self, tmp_path, monkeypatch) -> None:
        settings, _ = _night(tmp_path, "2027-04-02T02:00:00+02:00")
        _break(tmp_path)
        monkeypatch.setattr(sched, "claim_scheduled_run", lambda *_: None)
        sched.sync_job(str(settings.source), "test")
        assert _kept(settings) == []


class TestReadingOnTheMorningAfter:
    """The file broken, the manager still prints yesterday's figures: the read commands use the plan version the
    store kept at the last sync, after a warning naming the file and the line (they exited 2)."""

    @pytest.mark.parametrize(
        "args",
        [
            ["report", "-o", "{tmp}/r.html"],
            ["review", "--month", "2027-04", "-o", "{tmp}/rev.md"],
            ["explain", "A-01"],
            ["notify", "--dry-run"],
        ],
    )
    def test_a_read_command_uses_the_kept_plan_and_says_so(self, tmp_path, args) -> None:
        settings, _ = _night(tmp_path, "2027-05-20T18:00:00+02:00")
        _break(tmp_path)
        argv = [a.format(tmp=tmp_path) for a in args]
        shown = CliRunner().invoke(main, argv, env={"PAC_CONFIG": str(settings.source), "COLUMNS": "250"})
        assert shown.exit_code == 0, (shown.output, shown.stderr)
        assert "plan.pac.yaml:20 YAML syntax error" in shown.stderr, shown.stderr
        assert "version 1" in shown.stderr and "pac plan check" in shown.stderr, shown.stderr
        if argv[0] in ("report", "review"):
            assert Path(argv[-1]).stat().st_size > 0
        if argv[0] == "explain":
            assert "A-01" in shown.stdout, shown.stdout

    def test_with_no_kept_version_the_file_error_stands(self, tmp_path) -> None:
        """A store that never kept the plan (no sync): the read commands still refuse on the file (exit 2)."""
        path = write_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}")
        _break(tmp_path)
        shown = CliRunner().invoke(main, ["report", "-o", str(tmp_path / "r.html")], env={"PAC_CONFIG": str(path)})
        assert isinstance(shown.exception, InvalidInput), (shown.output, shown.stderr)  # exit 2 under `pac`
        assert "plan.pac.yaml:20" in str(shown.exception)
        assert not (tmp_path / "pac.db").exists()


def _with_other_plan(settings) -> object:  # type: ignore[no-untyped-def]
    """The same settings with a second plan ("other", its own good file) beside "test"."""
    from tests.fakes import SMALL_PLAN

    path = Path(settings.source)
    (path.parent / "other.pac.yaml").write_text(SMALL_PLAN.replace("Test plan", "Other plan"), encoding="utf-8")
    text = path.read_text(encoding="utf-8").replace(
        "plans:\n", "plans:\n  - {name: other, file: other.pac.yaml, connectors: [fake]}\n", 1
    )
    path.write_text(text, encoding="utf-8")
    return load_settings(path, env={})


class TestStartingOnABrokenNight:
    """`pac schedule` (re)started while one plan file does not load (planstate follow-up): that plan is scheduled
    from the version the store kept, or left out with a warning, and every other plan runs (it exited 2 and
    stopped them all)."""

    def test_the_broken_plan_runs_from_its_kept_version_and_its_fire_keeps_the_failed_night(
        self, tmp_path, caplog
    ) -> None:
        settings, _ = _night(tmp_path, "2027-05-20T18:00:00+02:00")
        settings = _with_other_plan(settings)
        _break(tmp_path)
        with caplog.at_level(logging.INFO, logger="pac.schedule"):
            jobs = {j.id: j for j in sched.sync_jobstore(settings, tmp_path / "jobs.db")}
        assert set(jobs) == {
            f"{kind}:{plan}" for kind in ("sync", "monthly", "quarterly") for plan in ("test", "other")
        }
        assert str(jobs["sync:test"].trigger.timezone) == "Europe/Paris"
        (warned,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert "schedule.plan_unloaded plan=test" in warned and "plan.pac.yaml:20 YAML syntax error" in warned, warned
        assert "version 1 of test-plan" in warned and "pac plan check" in warned, warned
        assert sched.catch_up_snapshots(settings).keys() == {"monthly:other", "quarterly:other"}
        jobs["sync:test"].func(*jobs["sync:test"].args)  # the night's fire, as the scheduler calls it
        assert [r.status for r in _runs(settings)] == ["failed", "ok"]

    def test_a_broken_plan_with_no_kept_version_is_left_out_and_the_others_run(self, tmp_path, caplog) -> None:
        settings = _with_other_plan(load_settings(write_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}"), env={}))
        _break(tmp_path)
        with caplog.at_level(logging.INFO, logger="pac.schedule"):
            jobs = {j.id for j in sched.sync_jobstore(settings, tmp_path / "jobs.db")}
        assert jobs == {"sync:other", "monthly:other", "quarterly:other"}
        (warned,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert "schedule.plan_unloaded plan=test" in warned and "plan.pac.yaml:20 YAML syntax error" in warned, warned
        assert "left out" in warned and "pac plan check" in warned and "restart" in warned, warned

    def test_pac_schedule_starts_with_the_others(self, tmp_path, monkeypatch) -> None:
        """The real start-up path (``run_scheduler``) returns to its scheduler loop instead of exiting 2."""
        from apscheduler.schedulers.background import BackgroundScheduler

        settings = _with_other_plan(load_settings(write_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}"), env={}))
        _break(tmp_path)
        started = []
        build = sched.build_scheduler

        def background(settings, path, cls=None):  # type: ignore[no-untyped-def]
            if cls is not None:  # the short-lived helper that edits the job store
                return build(settings, path, cls)
            started.append(build(settings, path, BackgroundScheduler))
            return started[-1]

        monkeypatch.setattr(sched, "build_scheduler", background)
        try:
            sched.run_scheduler(settings, str(tmp_path / "jobs.db"))
            jobs = started[0].get_jobs(jobstore="default")     # (its own settings check runs beside them)
            assert {j.id for j in jobs} == {"sync:other", "monthly:other", "quarterly:other"}
        finally:
            for scheduler in started:
                scheduler.shutdown(wait=False)

    def test_exit_2_only_when_no_plan_can_be_scheduled(self, tmp_path) -> None:
        settings = load_settings(write_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}"), env={})
        _break(tmp_path)
        with pytest.raises(InvalidInput, match=r"plan\.pac\.yaml:20 YAML syntax error") as caught:
            sched.run_scheduler(settings, str(tmp_path / "jobs.db"))
        assert "no plan can be scheduled" in str(caught.value), caught.value


class TestABrokenMapping:
    def test_a_mapping_file_that_does_not_load_is_a_failed_run_pac_status_shows(self, tmp_path) -> None:
        """A tab in the Salesforce mapping (a half-saved file): `pac sync` exits 2 as before, and the night is now a
        ``failed`` run naming the mapping's file and line, so `pac status` shows it (ops2 audit F5). Failed before:
        the runs were ["ok"], the night before shown as the last run."""
        path = write_demo_settings(tmp_path / "pac.db", tmp_path / "pac.yaml")
        sf = next(c for c in load_settings(path, env={}).connectors if c.crm == "salesforce")
        text = sf.mapping.read_text(encoding="utf-8")
        assert "  name: Name\n" in text
        mapping = tmp_path / "sf.yaml"
        mapping.write_text(text, encoding="utf-8")
        path.write_text(path.read_text(encoding="utf-8").replace(f"'{sf.mapping}'", f"'{mapping}'"), encoding="utf-8")
        settings = load_settings(path, env={})
        org = build_demo_org()
        with SandboxServer([SalesforceApi(org), HubSpotApi(org)]) as server:
            env = sandbox_env_fast(server)
            first = run_sync(None, settings, env=env)
            assert first.run_id is not None
            mapping.write_text(text.replace("  name: Name\n", "  name: Name\n\t  x: 1\n", 1), encoding="utf-8")
            line = text.splitlines().index("  name: Name") + 2
            with pytest.raises(InvalidInput, match=rf"sf\.yaml:{line}"):
                run_sync(None, settings, env=env)
        last, before = _runs(settings)[:2]
        assert (last.status, before.id) == ("failed", first.run_id)
        (error,) = last.errors
        assert error.startswith(f"mapping file not loaded: {mapping}:{line}"), error
        assert f"pac config check {path}" in error and "nothing was read from or written to the CRMs" in error, error
        shown = CliRunner().invoke(main, ["status"], env={"PAC_CONFIG": str(path), "COLUMNS": "250"})
        assert "Last run's problems (1):" in shown.output and f"sf.yaml:{line}" in shown.output, shown.output

    def test_a_settings_file_that_does_not_load_says_no_run_is_kept(self, tmp_path) -> None:
        """pac.yaml names the store: when it does not load no run can be kept, and `pac sync` says so (stderr) above
        the file's problems. Failed before: the problems alone, nothing saying `pac status` would not show it."""
        path = write_demo_settings(tmp_path / "pac.db", tmp_path / "pac.yaml")
        path.write_text(path.read_text(encoding="utf-8").replace("connectors:\n", "connectors:\n\t- x\n", 1),
                        encoding="utf-8")
        done = run_pac("sync", env={**os.environ, "PAC_CONFIG": str(path), "COLUMNS": "250"}, cwd=tmp_path)
        assert done.returncode == 2, done.stderr
        assert "this night is kept in no store" in done.stderr and f"{path}:4" in done.stderr, done.stderr
