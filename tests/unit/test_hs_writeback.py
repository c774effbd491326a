"""Building HubSpot write inputs: formats, owner lookup, PAC-only fields, fallback tasks."""

from datetime import UTC, date, datetime
from decimal import Decimal

from connectors.base import Target, WriteChange
from connectors.hubspot.schema import ACTION_PROPS, AXIS_PROPS, Prop
from connectors.hubspot.writeback import Writer, fmt


def _writer(fallback=False):
    owners = {"lea.rousseau@durand-process.example": "102"}
    return Writer(transport=None, fallback=fallback, owner_id=owners.get, axis_type="2-1001", action_type="2-1002")


class TestFmt:
    def test_values(self):
        """Dates are YYYY-MM-DD, datetimes epoch ms, enums their value, lists joined, Decimals plain."""
        assert fmt(ACTION_PROPS["window_end"], date(2027, 5, 9)) == "2027-05-09"
        assert fmt(ACTION_PROPS["last_synced"], datetime(2027, 5, 20, 16, tzinfo=UTC)) == "1810828800000"
        assert fmt(AXIS_PROPS["objective"], Decimal("100000.00")) == "100000"
        assert fmt(None, ["a", "b"]) == "a; b"
        assert fmt(None, True) == "true" and fmt(None, None) == ""

    def test_iso_text_of_a_date_or_datetime_property(self):
        """The pipeline gives an action's last day as ISO text ("2027-05-23"): a datetime property (the fallback
        task's due date ``hs_timestamp``, which HubSpot takes as epoch ms or a full UTC instant) gets that day's
        midnight UTC in ms, a date property the day, other text stays as it is. Seen failing before: hs_timestamp
        was sent as "2027-05-23"."""
        stamp = Prop("hs_timestamp", "", "datetime", "date")
        assert fmt(stamp, "2027-05-23") == "1811030400000"           # 2027-05-23T00:00:00Z
        assert fmt(stamp, "2027-05-23T08:30:00+00:00") == "1811061000000"
        assert fmt(ACTION_PROPS["window_end"], "2027-05-23") == "2027-05-23"
        assert fmt(stamp, "soon") == "soon"
        task = _writer(fallback=True)._task_props(WriteChange(Target.ACTION, "pac-2027:A-1", {
            "name": "Visiter", "window_end": "2027-05-23", "status": "planned"}))
        assert isinstance(task, dict) and task["hs_timestamp"] == "1811030400000"


class TestInputs:
    def test_action_upsert_by_key_with_owner(self):
        """An action becomes an upsert on the action object with pac_key and the owner's id."""
        where, props = _writer()._inputs(WriteChange(Target.ACTION, "pac:A-01", {
            "done": 4, "target": 5, "owner_email": "Lea.Rousseau@durand-process.example"}))
        assert where == ("2-1002", "upsert")
        assert props == {"pac_done": "4", "pac_target": "5", "hubspot_owner_id": "102", "pac_key": "pac:A-01"}

    def test_field_outside_pac_is_refused(self):
        """A field the schema does not declare refuses the whole record."""
        _, props = _writer()._inputs(WriteChange(Target.AXIS, "pac:AX", {"name": "x", "hs_lead_status": "NEW"}))
        assert isinstance(props, str) and "hs_lead_status" in props and "refused" in props

    def test_account_update_by_id_only(self):
        """An account change updates the company by id, and pac_target follows the axes."""
        where, props = _writer()._inputs(WriteChange(Target.ACCOUNT, "acc", {"axes": ["AX-1"]}, crm_id="77"))
        assert where == ("companies", "update") and props == {"pac_axes": "AX-1", "pac_target": "true"}

    def test_fallback_action_is_a_task_due_at_window_end(self):
        """In fallback mode an action is a task: subject, due date = window end, status, owner."""
        where, props = _writer(fallback=True)._inputs(WriteChange(Target.ACTION, "pac:A-01", {
            "name": "Visiter 5 clients dormants", "window_end": date(2027, 5, 9), "status": "in_progress",
            "owner_email": "lea.rousseau@durand-process.example"}))
        assert where == ("tasks", "upsert")
        assert props["hs_task_subject"] == "Visiter 5 clients dormants"
        assert props["hs_timestamp"] == "1809820800000" and props["hs_task_status"] == "IN_PROGRESS"
        assert props["hubspot_owner_id"] == "102" and props["pac_key"] == "pac:A-01"

    def test_fallback_axis_has_no_home(self):
        """In fallback mode axes are not stored in HubSpot (nothing to send)."""
        assert _writer(fallback=True)._inputs(WriteChange(Target.AXIS, "pac:AX", {"name": "x"}))[0] is None
