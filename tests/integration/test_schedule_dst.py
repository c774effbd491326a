"""``pac schedule`` on the DST nights (audit calendar F4): every local day gets its run, once.

The triggers are driven the way APScheduler 3's scheduler drives them (``Job._get_run_times``, then
``trigger.get_next_fire_time(last_run, now)`` just after each fire), with no sleep and no real clock; the claims are
made with the store's clock given (``now``)."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pac_config.settings import load_settings
from sync_jobs import scheduler as sched
from tests.fakes import write_settings

PARIS = ZoneInfo("Europe/Paris")
NEVER = datetime(2030, 1, 1, tzinfo=UTC)


def fires(expr: str, since: datetime, until: datetime) -> list[datetime]:
    """The fires of ``expr`` (Paris) from ``since`` to ``until``, in UTC, as the scheduler computes them."""
    trigger = sched._cron(expr, "Europe/Paris", NEVER)
    out: list[datetime] = []
    nrt = trigger.get_next_fire_time(None, since)
    while nrt is not None and nrt <= until:
        now = nrt.astimezone(UTC) + timedelta(milliseconds=5)  # the scheduler wakes just after the fire time
        run_times, nxt = [], nrt
        while nxt is not None and nxt.astimezone(UTC) <= now:  # apscheduler/job.py Job._get_run_times
            run_times.append(nxt)
            nxt = trigger.get_next_fire_time(nxt, now)
        out += [r.astimezone(UTC) for r in run_times]
        nrt = trigger.get_next_fire_time(run_times[-1], now)  # BaseScheduler._process_jobs
        assert len(out) < 2000
    return out


def z(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


class TestTheTrigger:
    @pytest.mark.parametrize(("expr", "minute"), [("0 0 * * *", 0), ("30 0 * * *", 30), ("5 0 * * *", 5)])
    def test_a_cron_in_the_midnight_hour_runs_on_the_night_after_the_spring_change(self, expr, minute) -> None:
        """APScheduler 3 adds 24 real hours to step a day; 28 March 2027 has 23 in Paris, so from 00:xx on the 28th
        it landed on 01:xx on the 29th and went on to the 30th: no run on 29 March (agronholm/apscheduler#606)."""
        got = fires(expr, z(2027, 3, 26, 12), z(2027, 3, 31, 12))
        assert got == [
            z(2027, 3, 26, 23, minute),
            z(2027, 3, 27, 23, minute),
            z(2027, 3, 28, 22, minute),
            z(2027, 3, 29, 22, minute),
            z(2027, 3, 30, 22, minute),
        ]

    def test_a_fire_in_the_spring_gap_runs_once_an_hour_later(self) -> None:
        """02:00 and 02:30 do not exist on 28 March 2027: they run once, at 03:00 and 03:30 CEST (as before)."""
        assert fires("0 2 * * *", z(2027, 3, 27, 12), z(2027, 3, 29, 12)) == [z(2027, 3, 28, 1), z(2027, 3, 29, 0)]
        assert fires("30 2 * * *", z(2027, 3, 27, 12), z(2027, 3, 29, 12)) == [
            z(2027, 3, 28, 1, 30),
            z(2027, 3, 29, 0, 30),
        ]

    @pytest.mark.parametrize(
        "expr", ["0 0 * * *", "30 0 * * *", "0 1 * * *", "0 2 * * *", "30 2 * * *", "0 3 * * *", "59 23 * * *"]
    )
    def test_every_local_day_of_the_year_has_its_wall_time(self, expr) -> None:
        """Over 2027, each local date has a fire at the cron's wall time (the spring gap's an hour later); a wall
        time the autumn change repeats fires at both instants, and the claim runs the first only (below)."""
        minute, hour = (int(f) for f in expr.split()[:2])
        got = fires(expr, datetime(2027, 1, 1, tzinfo=PARIS), datetime(2028, 1, 1, tzinfo=PARIS) - timedelta(seconds=1))
        days: dict[date, list[datetime]] = {}
        for fire in got:
            days.setdefault(fire.astimezone(PARIS).date(), []).append(fire.astimezone(PARIS))
        assert len(days) == 365 and min(days) == date(2027, 1, 1) and max(days) == date(2027, 12, 31)
        for day, local in days.items():
            walls = {(f.hour, f.minute) for f in local}
            if day == date(2027, 3, 28) and hour == 2:
                assert walls == {(3, minute)} and len(local) == 1, local
            else:
                assert walls == {(hour, minute)}, (day, local)
                assert len(local) == (2 if day == date(2027, 10, 31) and hour == 2 else 1), (day, local)

    def test_the_claim_walk_ends_on_the_repeated_hour(self) -> None:
        trigger = sched._cron("0 2 * * *", "Europe/Paris", NEVER)
        assert sched.previous_fire(trigger, z(2027, 10, 31, 1, 30)) == z(2027, 10, 31, 1)
        assert sched.previous_fire(trigger, z(2027, 10, 31, 0, 30)) == z(2027, 10, 31, 0)
        assert sched.previous_fire(trigger, z(2027, 3, 29, 0, 30)) == z(2027, 3, 29, 0)

    def test_an_end_date_still_ends_it(self) -> None:
        trigger = sched._cron("0 2 * * *", "Europe/Paris", datetime(2027, 11, 2, tzinfo=PARIS))
        assert trigger.get_next_fire_time(z(2027, 11, 1, 1), z(2027, 11, 1, 1, 0, 1)) is None


@pytest.fixture
def settings(tmp_path):
    return load_settings(write_settings(tmp_path, f"sqlite:///{tmp_path / 'pac.db'}"), env={})


class TestTheAutumnNight:
    def test_the_repeated_0200_is_claimed_once_and_the_skip_is_logged(self, settings, caplog) -> None:
        """On 31 October 2027 02:00 comes twice (CEST, then CET): the first fire runs, the second (same local date
        and wall time) is skipped, whichever worker fires it, and the log says why; the next night runs."""
        assert sched.claim_scheduled_run(settings, "test", "sync", now=z(2027, 10, 30, 0, 0, 1), worker="a") is None
        assert sched.claim_scheduled_run(settings, "test", "sync", now=z(2027, 10, 31, 0, 0, 1), worker="a") is None
        with caplog.at_level(logging.INFO, logger="pac.schedule"):
            assert sched.claim_scheduled_run(settings, "test", "sync", now=z(2027, 10, 31, 1, 0, 1), worker="a") == "a"
            assert sched.claim_scheduled_run(settings, "test", "sync", now=z(2027, 10, 31, 1, 0, 1), worker="b") == "a"
        said = [r.getMessage() for r in caplog.records if "schedule.dst_repeat" in r.getMessage()]
        assert len(said) == 2 and "2027-10-31 02:00 CET" in said[0] and "02:00 CEST" in said[0], said
        assert sched.claim_scheduled_run(settings, "test", "sync", now=z(2027, 11, 1, 1, 0, 1), worker="b") is None

    def test_the_sync_job_runs_the_night_once(self, settings, monkeypatch, caplog) -> None:
        ran: list[datetime] = []
        clock = [z(2027, 10, 31, 0, 0, 1)]
        monkeypatch.setattr(sched, "store_now", lambda _engine: clock[0])
        monkeypatch.setattr(sched, "worker_now", lambda: clock[0])
        monkeypatch.setattr(sched, "_run_plan", lambda *_: (ran.append(clock[0]), ("ok", 0))[1])
        monkeypatch.setattr(sched, "retry_snapshots", lambda *_: {})
        with caplog.at_level(logging.INFO, logger="pac.schedule"):
            sched.sync_job(str(settings.source), "test")
            clock[0] = z(2027, 10, 31, 1, 0, 1)
            sched.sync_job(str(settings.source), "test")
        assert ran == [z(2027, 10, 31, 0, 0, 1)]
        assert any("schedule.skip job=sync plan=test" in r.getMessage() for r in caplog.records), caplog.text


class TestUpgrade:
    def test_a_stored_plain_cron_trigger_is_replaced_once_and_said(self, settings, tmp_path, caplog) -> None:
        """A job store written before this fix holds APScheduler's own ``CronTrigger`` (same fields, same end, same
        ``str``): the first start replaces it (its jobs would skip 29 March), says so once, and the next is quiet."""
        from apscheduler.triggers.cron import CronTrigger

        store = tmp_path / "jobs.db"
        helper = sched.offline_scheduler(settings, store)
        for spec in sched.wanted_jobs(settings):
            new = spec["trigger"]
            minute, hour, day, month, dow = (str(new.fields[i]) for i in (6, 5, 2, 1, 4))
            old = CronTrigger(
                minute=minute,
                hour=hour,
                day=day,
                month=month,
                day_of_week=dow,
                timezone=new.timezone,
                end_date=new.end_date,
            )
            assert str(old) == str(new)
            helper.add_job(spec["func"], old, id=spec["id"], args=spec["args"], name=spec["id"], **spec["options"])
        helper.shutdown(wait=False)
        with caplog.at_level(logging.WARNING, logger="pac.schedule"):
            jobs = sched.sync_jobstore(settings, store)
        assert {type(j.trigger) for j in jobs} == {sched.LocalDayCron}
        (warned,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert "sync:test: trigger now gives each local day its fire (DST nights)" in warned, warned
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="pac.schedule"):
            sched.sync_jobstore(settings, store)
        assert not caplog.records, caplog.text
