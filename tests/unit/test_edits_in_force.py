"""``overrides.in_force_at``: each manager-editable field's value at a late snapshot's cutoff, from the history of
its changes (``pac_field_event``), not from the store's one state per field (audit snapedits)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from sync_jobs.overrides import in_force_at

KEY = "p:A-03"
CUTOFF = datetime(2027, 4, 1, 22, 0, tzinfo=UTC)     # 2 April 00:00 Paris: March's plan cutoff


def _event(id_: int, value: object, at: datetime, source: str = "crm", outcome: str = "applied") -> SimpleNamespace:
    return SimpleNamespace(id=id_, target="action", key=KEY, field="action_target", value=value, source=source,
                           changed_at=at, outcome=outcome)


class TestInForceAt:
    def test_the_edit_of_20_march_not_the_one_of_10_april(self) -> None:
        events = [_event(1, 8, datetime(2027, 3, 20, 9, tzinfo=UTC)), _event(2, 3, datetime(2027, 4, 10, tzinfo=UTC))]
        last, told = in_force_at(events, CUTOFF)
        assert last[(KEY, "action_target")].value == 8
        assert told == {(KEY, "action_target")}

    def test_changes_made_by_then_count_in_the_order_pac_applied_them(self) -> None:
        """A file saved on 19 March and read by the sync of 26 March replaced the CRM's 8 of 20 March: 6 at the end
        of March, though its day is the earlier."""
        events = [_event(1, 8, datetime(2027, 3, 20, tzinfo=UTC)),
                  _event(2, 6, datetime(2027, 3, 19, tzinfo=UTC), source="file")]
        assert in_force_at(reversed(events), CUTOFF)[0][(KEY, "action_target")].value == 6

    def test_a_lost_or_refused_change_never_was_the_value(self) -> None:
        events = [_event(1, 8, datetime(2027, 3, 20, tzinfo=UTC)),
                  _event(2, 9, datetime(2027, 3, 21, tzinfo=UTC), outcome="lost"),
                  _event(3, -1, datetime(2027, 3, 22, tzinfo=UTC), outcome="refused")]
        assert in_force_at(events, CUTOFF)[0][(KEY, "action_target")].value == 8

    def test_a_field_changed_only_after_the_cutoff_has_nothing_in_force_but_is_told(self) -> None:
        last, told = in_force_at([_event(1, 3, datetime(2027, 4, 10, tzinfo=UTC))], CUTOFF)
        assert last == {} and told == {(KEY, "action_target")}
