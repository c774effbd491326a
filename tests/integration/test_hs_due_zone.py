"""A fallback task's due date (``hs_timestamp``, an instant HubSpot shows in each user's timezone) is noon of the
action's last day **in the plan's timezone**, written and read back through the real client library against the
sandbox portal (audit hsdue; tz F2). Before, it was noon UTC: 00:00-01:45 the next day in New Zealand and Chatham.
A task an older pac wrote at noon UTC whose day in the plan's zone is the action's last day is left as it is (no
rewrite every night); one whose day was wrong (UTC+12 and beyond) is written once more, at noon in the zone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.integration.test_hs_fallback_sync import Starter

ZONES = ["Pacific/Auckland", "Pacific/Chatham", "Europe/Paris", "America/New_York", "Pacific/Pago_Pago"]
# zones where noon UTC of a day is already the next day: an older pac's due dates there were one day late
NEXT_DAY = {"Pacific/Auckland", "Pacific/Chatham"}


class ZonedStarter(Starter):
    """The Starter portal syncing the example plan moved to ``zone``."""

    def __init__(self, tmp: Path, zone: str) -> None:
        super().__init__(tmp)
        plan = tmp / "plan.pac.yaml"
        text = plan.read_text(encoding="utf-8")
        assert "  timezone: Europe/Paris\n" in text
        plan.write_text(text.replace("  timezone: Europe/Paris\n", f"  timezone: {zone}\n"), encoding="utf-8")
        self.zone = ZoneInfo(zone)


@pytest.fixture(params=ZONES)
def zoned(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ZonedStarter]:
    started = ZonedStarter(tmp_path, request.param)
    try:
        yield started
    finally:
        started.server.stop()


def _instant(value: object) -> datetime:
    """A stored ``hs_timestamp`` (ISO or epoch milliseconds) as an aware instant."""
    text = str(value)
    if text.isdigit():
        return datetime.fromtimestamp(int(text) / 1000, UTC)
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _noon(day: str, zone: ZoneInfo) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(12), zone)


def _dues(portal: ZonedStarter) -> dict[str, tuple[str, datetime]]:
    """pac_key -> (pac_window_end, the due instant)."""
    return {k: (str(t.props["pac_window_end"])[:10], _instant(t.props["hs_timestamp"]))
            for k, t in portal.tasks().items()}


def test_the_due_date_is_noon_of_the_last_day_in_the_plans_zone(zoned: ZonedStarter) -> None:
    """Every task is due at noon of its action's last day in the plan's zone (the day HubSpot shows a user in that
    zone), and a second night writes nothing."""
    zoned.sync()
    dues = _dues(zoned)
    assert dues
    for key, (day, due) in dues.items():
        assert due == _noon(day, zoned.zone), (key, day, due.isoformat())
        assert due.astimezone(zoned.zone).date().isoformat() == day
    assert zoned.sync().written == 0
    assert _dues(zoned) == dues


def test_a_task_an_older_pac_wrote_at_noon_utc(zoned: ZonedStarter) -> None:
    """Tasks as an older pac left them (due at noon UTC of the last day): where that instant is the last day in the
    plan's zone nothing is written, night after night; where it is the next day (New Zealand, Chatham) each task
    is written once, at noon in the zone, then nothing."""
    zoned.sync()
    for task in zoned.tasks().values():
        day = str(task.props["pac_window_end"])[:10]
        old = datetime.combine(date.fromisoformat(day), time(12), UTC)
        zoned.api.update("tasks", task.id, {"hs_timestamp": str(int(old.timestamp() * 1000))}, touch=True,
                         source={"sourceType": "INTEGRATION", "sourceId": "pac"})
    before = _dues(zoned)
    again = zoned.sync()
    after = _dues(zoned)
    if zoned.zone.key in NEXT_DAY:
        assert again.counts.get("action", {}).get("written", 0) == len(before), again.counts
        assert all(due == _noon(day, zoned.zone) for day, due in after.values()), after
    else:
        assert again.written == 0, again.counts
        assert after == before
    assert zoned.sync().written == 0


def test_a_managers_move_to_the_next_morning_is_seen(zoned: ZonedStarter) -> None:
    """A manager moves a task's due date to 09:00 the next morning in the plan's zone: pac sees the change and puts
    the action's last day back (the due date is pac's, docs/hubspot.md). In New Zealand 09:00 on the next day is
    still the last day in UTC: read as its UTC day, the move was not seen."""
    zoned.sync()
    key, task = sorted(zoned.tasks().items())[0]
    day = str(task.props["pac_window_end"])[:10]
    moved = datetime.combine(date.fromisoformat(day) + timedelta(days=1), time(9), zoned.zone)
    zoned.api.update("tasks", task.id, {"hs_timestamp": str(int(moved.timestamp() * 1000))},
                     by_user=zoned.user("hugo"))
    result = zoned.sync()
    assert _instant(zoned.tasks()[key].props["hs_timestamp"]) == _noon(day, zoned.zone)
    assert any(key in line for line in result.drift), result.drift
