"""HubSpot wire records -> normalised records: amounts, dates, stages, statuses, companies."""

import logging
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from connectors.hubspot.associations import choose_company, contact_primary_company
from connectors.hubspot.mapping import CONNECTED, LEFT_VOICEMAIL, NO_ANSWER, WRONG_NUMBER, HubSpotMapping, load_mapping
from connectors.hubspot.normalise import (
    option_labels,
    parse_amount,
    parse_date,
    parse_datetime,
    parse_pipelines,
    stage_of,
    to_account,
    to_call,
    to_deal,
    to_email,
    to_meeting,
    to_task,
    to_user,
    undated_rejection,
    with_labels,
)
from pac_core.geography import postal_code_problem
from pac_core.plan import ActivityType
from pac_core.records import Account, Activity, ActivityStatus, Deal, DealLine, DealStage, Rejected, User
from pac_core.revenue import SAME, conversion

MAPPING = load_mapping()
PIPELINES = parse_pipelines([
    {"id": "default", "label": "Sales", "stages": [
        {"id": "open1", "metadata": {"isClosed": "false", "probability": "0.4"}},
        {"id": "closedwon", "metadata": {"isClosed": "true", "probability": "1.0"}},
        {"id": "closedlost", "metadata": {"isClosed": "true", "probability": "0.0"}}]},
    {"id": "maintenance", "label": "Maintenance", "stages": [
        {"id": "1002", "metadata": {"isClosed": "true", "probability": "1.0"}}]}], {})


def _obj(props, id_="1", **extra):
    return {"id": id_, "properties": props | {"hs_lastmodifieddate": "2027-05-03T07:30:00.000Z"}, **extra}


class TestParseAmount:
    @pytest.mark.parametrize(("text", "expected"), [
        ("12500.50", "12500.50"), ("12,500.50", "12500.50"), ("12 500,50", "12500.50"), ("12.500,50", "12500.50"),
        ("12\u00a0500", "12500"), ("1,234,567", "1234567"), ("12,5", "12.5"), ("12,500", "12500"),
        ("€ 3 000", "3000"), ("-40", "-40")])
    def test_separators_in_either_convention(self, text, expected):
        """Thousands separators (comma, space, dot) and decimal commas are both understood."""
        assert parse_amount(text) == Decimal(expected)

    def test_empty_is_none(self):
        """An empty amount means 'no amount', not zero."""
        assert parse_amount("") is None and parse_amount(None) is None

    @pytest.mark.parametrize("text", ["abc", "12..5x", "NaN"])
    def test_not_a_number_raises(self, text):
        """A non-numeric amount raises ValueError naming the value."""
        with pytest.raises(ValueError, match="not a number"):
            parse_amount(text)


class TestDates:
    def test_iso_and_epoch_ms_datetimes(self):
        """HubSpot datetimes arrive as ISO 8601 or epoch milliseconds; both become aware UTC."""
        assert parse_datetime("2027-05-02T22:30:00.000Z") == datetime(2027, 5, 2, 22, 30, tzinfo=UTC)
        assert parse_datetime("1809295800000") == datetime(2027, 5, 2, 22, 10, tzinfo=UTC)

    def test_date_is_never_shifted(self):
        """A close date at midnight UTC stays on its calendar day."""
        assert parse_date("2027-05-09T00:00:00.000Z") == date(2027, 5, 9)
        assert parse_date("2027-05-09") == date(2027, 5, 9)


class TestStages:
    def test_closed_with_probability_one_is_won(self):
        """isClosed with probability 1.0 is won; closed otherwise is lost; open is open."""
        assert stage_of({"isClosed": "true", "probability": "1.0"}) is DealStage.WON
        assert stage_of({"isClosed": "true", "probability": "0.0"}) is DealStage.LOST
        assert stage_of({"isClosed": "false", "probability": "0.9"}) is DealStage.OPEN

    @pytest.mark.parametrize(("metadata", "stage"), [
        ({"probability": "1.0"}, DealStage.WON), ({"probability": 1.0}, DealStage.WON), ({"probability": 1},
                                                                                       DealStage.WON),
        ({"probability": "0.0"}, DealStage.LOST), ({"probability": 0}, DealStage.LOST),
        ({"probability": "0.5"}, DealStage.OPEN), ({}, DealStage.OPEN), ({"probability": ""}, DealStage.OPEN),
        ({"isClosed": "false", "probability": "1.0"}, DealStage.OPEN),     # said open: open
        ({"isClosed": "false", "probability": "0.0"}, DealStage.OPEN),
        ({"isClosed": True, "probability": 1.0}, DealStage.WON)])
    def test_a_stage_without_is_closed_reads_its_probability(self, metadata, stage):
        """The pipelines API documents one required stage metadata for deals: ``probability``, "a value between 0.0
        and 1.0, 0.0 being Closed Lost and 1.0 being Closed Won" (CRM API, Pipelines; the create-stage example
        sends ``{"probability": 0.5}`` alone). A stage whose metadata leaves ``isClosed`` out is read by its
        probability: 1.0 won, 0.0 lost, anything else open. Failed before: every such stage was open, so a portal
        answering what its stages were created with counted none of its won deals."""
        assert stage_of(metadata) is stage

    def test_override_applies_only_inside_its_pipeline(self):
        """A stage override for a stage id of another pipeline is ignored there."""
        pipelines = parse_pipelines([{"id": "p", "stages": [{"id": "s", "metadata": {"isClosed": "false"}}]}],
                                    {"p": {"s": DealStage.WON, "other": DealStage.WON}})
        assert pipelines["p"].stages == {"s": DealStage.WON}


class TestAccounts:
    def test_postal_code_gives_departement_and_region(self):
        """A French zip gives the département and its région."""
        account = to_account(_obj({"name": "Lyon A", "zip": "69003", "country": "France"}), "hs", MAPPING)
        assert isinstance(account, Account)
        assert (account.departement, account.region, account.country) == ("69", "Auvergne-Rhône-Alpes", "FR")

    @pytest.mark.parametrize("written", ["United States", "USA", "U.S.", "United States of America", "us"])
    def test_us_country_as_typed_reads_as_us(self, written):
        """HubSpot's country property is free text: "United States", "USA", "U.S." all read as US (they were kept
        as typed, and a plan's `country: US` silently left those companies out)."""
        account = to_account(_obj({"name": "Chicago Tools", "zip": "60601", "country": written}), "hs", MAPPING)
        assert isinstance(account, Account) and (account.country, account.departement) == ("US", None)

    @pytest.mark.parametrize(("written", "country", "departement", "region"), [
        ("N/A", "FR", "69", "Auvergne-Rhône-Alpes"), ("n.a.", "FR", "69", "Auvergne-Rhône-Alpes"),
        ("Unknown", "FR", "69", "Auvergne-Rhône-Alpes")])
    def test_a_country_filler_is_an_empty_country(self, written, country, departement, region):
        """« N/A » names no country: the mapping's default (FR), not Namibia (NA) with no département (second
        re-verification F2)."""
        account = to_account(_obj({"name": "Lyon A", "zip": "69003", "country": written}), "hs", MAPPING)
        assert isinstance(account, Account)
        assert (account.country, account.departement, account.region) == (country, departement, region)

    @pytest.mark.parametrize(("written", "code", "departement"), [
        ("Réunion", "RE", "974"), ("La Réunion", "RE", "974"), ("Martinique", "MQ", "972"), ("GP", "GP", "971"),
        ("Guyane", "GF", "973"), ("Mayotte", "YT", "976")])
    def test_an_overseas_departement_named_as_its_country_keeps_its_departement(self, written, code, departement):
        """A Réunion company (country « Réunion », the RE Salesforce's country picklist lists) is in the 974 and
        its région, as it is with country France (second re-verification F5: no département)."""
        zip_code = {"974": "97400", "972": "97200", "971": "97100", "973": "97300", "976": "97600"}[departement]
        account = to_account(_obj({"name": "Saint-Denis SA", "zip": zip_code, "country": written}), "hs", MAPPING)
        assert isinstance(account, Account) and (account.country, account.departement) == (code, departement)
        assert account.region is not None

    @pytest.mark.parametrize(("written", "code"), [("Turkey", "TR"), ("Burma", "MM"), ("Myanmar", "MM"),
                                                   ("Swaziland", "SZ"), ("Canary Islands", "ES"), ("KSA", "SA")])
    def test_common_names_cldr_lacks(self, written, code):
        """Names CLDR no longer gives (« Türkiye ») or never did: read (second re-verification F3, F4: Turkey was
        kept as typed, the Canary Islands read as IC, no ISO country)."""
        account = to_account(_obj({"name": "X", "country": written}), "hs", MAPPING)
        assert isinstance(account, Account) and account.country == code

    def test_unknown_country_is_kept_as_typed(self):
        """A country no reader knows is kept as written (it is reported by scope explanations, never guessed)."""
        account = to_account(_obj({"name": "X", "country": "Atlantis"}), "hs", MAPPING)
        assert isinstance(account, Account) and account.country == "Atlantis"

    def test_unmappable_zip_leaves_geography_empty(self):
        """A zip that maps to no département keeps the account, without département."""
        account = to_account(_obj({"name": "Monaco SA", "zip": "98000"}), "hs", MAPPING)
        assert isinstance(account, Account) and account.departement is None and account.postal_code == "98000"

    def test_cedex_codes_and_codes_typed_with_their_town_are_placed(self, caplog):
        """Bastia's and Ajaccio's CEDEX codes and « 69289 CEDEX 02 » give a département and its région, silently (audit
        matching F4, F5: none, and no word)."""
        placed = {}
        with caplog.at_level(logging.WARNING):
            for zip_code in ("20401", "20704", "69289 CEDEX 02"):
                account = to_account(_obj({"name": "X", "zip": zip_code}), "hs", MAPPING)
                assert isinstance(account, Account)
                placed[zip_code] = (account.departement, account.region)
        assert placed == {"20401": ("2B", "Corse"), "20704": ("2A", "Corse"),
                          "69289 CEDEX 02": ("69", "Auvergne-Rhône-Alpes")}
        assert not caplog.records

    def test_a_zip_in_no_departement_is_warned_about_as_in_salesforce(self, caplog):
        """A French zip that gives no département is logged per company with the reason and the fix, the words of the
        Salesforce normaliser's warning (audit matching F4: HubSpot left the département empty without a word)."""
        with caplog.at_level(logging.WARNING, logger="connectors.hubspot.normalise"):
            account = to_account(_obj({"name": "X", "zip": "20300"}, id_="77"), "hs", MAPPING)
            again = to_account(_obj({"name": "Y", "zip": "20300"}, id_="78"), "hs", MAPPING)
        assert isinstance(account, Account) and account.departement is None and account.region is None
        assert isinstance(again, Account)
        messages = [r.getMessage() for r in caplog.records]
        problem = postal_code_problem("20300")
        assert messages == [f"hubspot.company_postal_code company=77 problem={problem}",
                            f"hubspot.company_postal_code company=78 problem={problem}"]

    def test_revenue_with_commas(self):
        """Annual revenue strings with separators are parsed."""
        account = to_account(_obj({"name": "X", "annualrevenue": "12,000,000"}), "hs", MAPPING)
        assert account.annual_revenue == Decimal("12000000")


class TestActivities:
    def test_visit_meeting_completed(self):
        """A meeting of type 'Visite client' with outcome COMPLETED is a completed visit."""
        act = to_meeting(_obj({"hs_activity_type": "Visite client", "hs_meeting_outcome": "COMPLETED",
                               "hs_meeting_start_time": "2027-05-03T07:30:00Z"}), "hs", MAPPING, "c1")
        assert isinstance(act, Activity)
        assert (act.type, act.status, act.account_id) == (ActivityType.VISIT, ActivityStatus.COMPLETED, "c1")

    @pytest.mark.parametrize(("outcome", "status"), [("CANCELED", ActivityStatus.CANCELLED),
                                                     ("NO_SHOW", ActivityStatus.NO_SHOW),
                                                     ("RESCHEDULED", ActivityStatus.PLANNED),
                                                     ("SCHEDULED", ActivityStatus.PLANNED)])
    def test_meeting_outcomes(self, outcome, status):
        """Each HubSpot meeting outcome maps to its status."""
        act = to_meeting(_obj({"hs_meeting_outcome": outcome, "hs_timestamp": "2027-05-03T07:30:00Z"}), "hs",
                         MAPPING, None)
        assert act.status is status and act.type is ActivityType.MEETING

    def test_missing_start_is_kept_undated_for_the_engine(self):
        """A meeting with neither start time nor hs_timestamp is never counted: kept with no start, its object noted,
        for the engine to reject when the plan counts its type for its owner (audit hsundated; rejected by the
        connector before, for every plan)."""
        act = to_meeting(_obj({"hs_meeting_outcome": "COMPLETED"}), "hs", MAPPING, "c1")
        assert isinstance(act, Activity) and (act.start, act.day, act.deleted, act.crm_object) == (
            None, None, False, "meeting")

    def test_hs_timestamp_alone_dates_the_meeting(self):
        """Without hs_meeting_start_time the meeting starts at hs_timestamp."""
        act = to_meeting(_obj({"hs_timestamp": "2027-05-02T22:30:00Z"}), "hs", MAPPING, None)
        assert act.start == datetime(2027, 5, 2, 22, 30, tzinfo=UTC)

    def test_hs_timestamp_wins_over_the_start_time(self):
        """hs_timestamp "marks the date and time that the meeting occurred" (Meetings guide): it dates the meeting
        when the start time differs; the start time only when hs_timestamp is empty."""
        both = to_meeting(_obj({"hs_timestamp": "2027-03-30T08:00:00Z",
                                "hs_meeting_start_time": "2027-04-02T08:00:00Z"}), "hs", MAPPING, None)
        assert both.start == datetime(2027, 3, 30, 8, tzinfo=UTC)
        start_only = to_meeting(_obj({"hs_timestamp": "", "hs_meeting_start_time": "2027-04-02T08:00:00Z"}), "hs",
                                MAPPING, None)
        assert start_only.start == datetime(2027, 4, 2, 8, tzinfo=UTC)

    @pytest.mark.parametrize(("outcome", "day"), [("RESCHEDULED", 5), ("SCHEDULED", 5), ("COMPLETED", 20),
                                                  ("NO_SHOW", 20)])
    def test_a_meeting_still_planned_is_due_on_its_later_start(self, outcome, day):
        """A meeting logged for 20 June whose start was moved to 5 July after it was logged (hs_timestamp keeps 20
        June): still planned, it is due on 5 July, not « still planned on a past date » on 20 June; held (or not
        held), it stays where HubSpot shows it, its hs_timestamp (audit hshand5). Seen failing before the fix:
        RESCHEDULED and SCHEDULED dated 20 June."""
        act = to_meeting(_obj({"hs_meeting_outcome": outcome, "hs_timestamp": "2027-06-20T08:00:00Z",
                               "hs_meeting_start_time": "2027-07-05T08:00:00Z"}), "hs", MAPPING, None)
        assert act.start == datetime(2027, 7 if day == 5 else 6, day, 8, tzinfo=UTC)
        earlier = to_meeting(_obj({"hs_meeting_outcome": outcome, "hs_timestamp": "2027-06-20T08:00:00Z",
                                   "hs_meeting_start_time": "2027-06-02T08:00:00Z"}), "hs", MAPPING, None)
        assert earlier.start == datetime(2027, 6, 20, 8, tzinfo=UTC)

    def test_unknown_outcome_is_rejected(self):
        """An outcome the mapping does not know is reported rather than guessed."""
        act = to_meeting(_obj({"hs_meeting_outcome": "MAYBE", "hs_timestamp": "2027-05-02T22:30:00Z"}), "hs",
                         MAPPING, None)
        assert isinstance(act, Rejected) and "MAYBE" in act.reason

    def test_call_disposition_and_status(self):
        """A connected call is completed; a 'no answer' one is a no-show; a CANCELED status wins."""
        ok = to_call(_obj({"hs_timestamp": "2027-05-03T08:00:00Z", "hs_call_disposition": CONNECTED}), "hs",
                     MAPPING, None)
        missed = to_call(_obj({"hs_timestamp": "2027-05-03T08:00:00Z", "hs_call_disposition": NO_ANSWER}), "hs",
                         MAPPING, None)
        cancelled = to_call(_obj({"hs_timestamp": "2027-05-03T08:00:00Z", "hs_call_status": "CANCELED",
                                  "hs_call_disposition": CONNECTED}), "hs", MAPPING, None)
        assert (ok.status, missed.status, cancelled.status) == (ActivityStatus.COMPLETED, ActivityStatus.NO_SHOW,
                                                                ActivityStatus.CANCELLED)
        assert ok.type is ActivityType.CALL

    @pytest.mark.parametrize("mapping", [MAPPING, HubSpotMapping()], ids=["shipped", "defaults"])
    def test_a_voicemail_left_is_a_call_made(self, mapping):
        """Audit matching F6: « Left voicemail » (status COMPLETED) is a call the rep made, as Salesforce counts every
        logged call; « No answer » and « Wrong number » stay not counted. Seen failing before the fix: no_show."""
        def dialled(disposition):
            return to_call(_obj({"hs_timestamp": "2027-05-03T08:00:00Z", "hs_call_status": "COMPLETED",
                                 "hs_call_direction": "OUTBOUND", "hs_call_disposition": disposition}), "hs",
                           mapping, None).status
        assert (dialled(LEFT_VOICEMAIL), dialled(NO_ANSWER), dialled(WRONG_NUMBER)) == (
            ActivityStatus.COMPLETED, ActivityStatus.NO_SHOW, ActivityStatus.CANCELLED)

    @pytest.mark.parametrize(("status", "want"), [
        ("MISSED", ActivityStatus.NO_SHOW), ("missed", ActivityStatus.NO_SHOW), ("UNKNOWN", ActivityStatus.NO_SHOW),
        ("NO_ANSWER", ActivityStatus.NO_SHOW), ("BUSY", ActivityStatus.NO_SHOW), ("FAILED", ActivityStatus.NO_SHOW),
        ("CALLING_CRM_USER", ActivityStatus.PLANNED), ("HOLD", ActivityStatus.PLANNED),
        ("QUEUED", ActivityStatus.PLANNED), ("RINGING", ActivityStatus.PLANNED),
        ("CONNECTING", ActivityStatus.PLANNED), ("IN_PROGRESS", ActivityStatus.PLANNED),
        ("CANCELED", ActivityStatus.CANCELLED), ("COMPLETED", ActivityStatus.COMPLETED),
        ("", ActivityStatus.COMPLETED)])
    def test_every_documented_call_status_without_outcome(self, status, want):
        """Each hs_call_status HubSpot documents (Calls guide; inbound calling's finalCallStatus), on a call with no
        outcome (an inbound call nobody answered has none): MISSED (the guide writes it "missed" too) and UNKNOWN are
        no-shows, CALLING_CRM_USER (ringing the rep) and HOLD still under way (planned), never completed calls;
        COMPLETED, or no status, leaves it to the disposition: none, so the mapping's no_disposition (completed).
        Before: MISSED, missed, UNKNOWN, CALLING_CRM_USER and HOLD were all completed calls."""
        call = to_call(_obj({"hs_timestamp": "2027-05-03T08:00:00Z", "hs_call_status": status,
                             "hs_call_disposition": ""}), "hs", MAPPING, None)
        assert isinstance(call, Activity) and call.status is want

    def test_unlisted_call_status_is_rejected_not_completed(self):
        """A status the mapping does not list (one HubSpot adds later) rejects the call, naming the status, even
        with a "Connected" outcome: it is reported, not guessed (before: the disposition made it completed)."""
        for disposition in ("", CONNECTED):
            call = to_call(_obj({"hs_timestamp": "2027-05-03T08:00:00Z", "hs_call_status": "TRANSFERRED",
                                 "hs_call_disposition": disposition}, "77"), "hs", MAPPING, None)
            assert call == Rejected("hs", "activities", "77", "call status 'TRANSFERRED' is not in the mapping "
                                    "(activities.calls.statuses or disposition_statuses)")

    def test_call_status_property_unmapped_leaves_the_disposition(self):
        """With ``status_property: null`` the disposition alone decides, whatever hs_call_status holds."""
        calls = MAPPING.activities.calls.model_copy(update={"status_property": None})
        mapping = MAPPING.model_copy(update={"activities": MAPPING.activities.model_copy(update={"calls": calls})})
        call = to_call(_obj({"hs_timestamp": "2027-05-03T08:00:00Z", "hs_call_status": "TRANSFERRED",
                             "hs_call_disposition": NO_ANSWER}), "hs", mapping, None)
        assert isinstance(call, Activity) and call.status is ActivityStatus.NO_SHOW


    @pytest.mark.parametrize(("direction", "counted"), [
        ("OUTBOUND", True), ("outbound", True), ("", True), (None, True), ("INBOUND", False)])
    def test_inbound_call_is_not_the_reps_call(self, direction, counted):
        """hs_call_direction (Calls guide: INBOUND when the HubSpot user received the call, OUTBOUND when they made
        it): a client's call to the rep, connected, has no type (counted for no action); an outbound call, or one
        with no direction, is a call. Audit F6: before, the inbound call 2004 counted toward "Call 10 clients"."""
        props = {"hs_timestamp": "2027-05-18T08:00:00Z", "hs_call_status": "COMPLETED",
                 "hs_call_disposition": CONNECTED}
        if direction is not None:
            props["hs_call_direction"] = direction
        call = to_call(_obj(props, "2004"), "hs", MAPPING, "101")
        assert isinstance(call, Activity) and call.status is ActivityStatus.COMPLETED
        assert call.type is (ActivityType.CALL if counted else None)

    def test_every_direction_counts_when_the_mapping_lists_both_or_none(self):
        """``count_directions: [OUTBOUND, INBOUND]`` or ``direction_property: null``: an inbound call is a call."""
        inbound = _obj({"hs_timestamp": "2027-05-18T08:00:00Z", "hs_call_direction": "INBOUND",
                        "hs_call_disposition": CONNECTED})
        for update in ({"count_directions": ["OUTBOUND", "INBOUND"]}, {"direction_property": None}):
            calls = MAPPING.activities.calls.model_copy(update=update)
            mapping = MAPPING.model_copy(update={"activities": MAPPING.activities.model_copy(update={"calls": calls})})
            call = to_call(inbound, "hs", mapping, None)
            assert isinstance(call, Activity) and call.type is ActivityType.CALL

    def test_call_direction_is_read(self):
        """The calls search asks for hs_call_direction (the shipped mapping's ``direction_property``)."""
        assert "hs_call_direction" in MAPPING.read_properties()["calls"]


class TestEmails:
    EMAILS = MAPPING.model_copy(update={"activities": MAPPING.activities.model_copy(update={
        "emails": MAPPING.activities.emails.model_copy(update={"enabled": True})})})

    @pytest.mark.parametrize(("status", "want"), [
        ("SENT", ActivityStatus.COMPLETED), ("sent", ActivityStatus.COMPLETED), ("", ActivityStatus.COMPLETED),
        ("SCHEDULED", ActivityStatus.PLANNED), ("SENDING", ActivityStatus.PLANNED),
        ("BOUNCED", ActivityStatus.CANCELLED), ("FAILED", ActivityStatus.CANCELLED)])
    def test_sent_email_is_an_email_activity(self, status, want):
        """An e-mail the rep sent (hs_email_direction EMAIL) is an ``email`` activity on its hs_timestamp, its
        status from hs_email_status (HubSpot's Emails guide: BOUNCED, FAILED, SCHEDULED, SENDING, SENT)."""
        email = to_email(_obj({"hs_timestamp": "2027-05-12T08:00:00.000Z", "hs_email_direction": "EMAIL",
                               "hs_email_status": status, "hs_email_subject": "Relance devis",
                               "hubspot_owner_id": "501"}, "4001"), "hs", self.EMAILS, "101")
        assert isinstance(email, Activity)
        assert (email.type, email.status, email.account_id, email.owner_id, email.subject) == (
            ActivityType.EMAIL, want, "101", "501", "Relance devis")
        assert email.start == datetime(2027, 5, 12, 8, tzinfo=UTC)

    def test_reply_has_no_type_and_odd_status_is_rejected(self):
        """A reply (INCOMING_EMAIL) read all the same has no type; a send status the mapping does not list is
        reported, never counted; no hs_timestamp is rejected."""
        reply = to_email(_obj({"hs_timestamp": "2027-05-12T08:00:00Z", "hs_email_direction": "INCOMING_EMAIL"}),
                         "hs", self.EMAILS, None)
        assert isinstance(reply, Activity) and reply.type is None
        odd = to_email(_obj({"hs_timestamp": "2027-05-12T08:00:00Z", "hs_email_status": "QUEUED"}, "9"), "hs",
                       self.EMAILS, None)
        assert odd == Rejected("hs", "activities", "9", "e-mail status 'QUEUED' is not in the mapping "
                               "(activities.emails.statuses)")
        undated = to_email(_obj({"hs_email_status": "SENT"}), "hs", self.EMAILS, None)
        assert isinstance(undated, Activity) and (undated.start, undated.crm_object) == (None, "e-mail")

    def test_emails_are_read_only_when_enabled(self):
        """The shipped mapping reads no e-mails (opt-in); enabled, the search asks for their mapped properties."""
        assert "emails" not in MAPPING.read_properties()
        assert ActivityType.EMAIL not in MAPPING.activity_types()
        assert self.EMAILS.read_properties()["emails"] == sorted(
            ["hs_timestamp", "hs_email_subject", "hubspot_owner_id", "hs_email_direction", "hs_email_status",
             "hs_lastmodifieddate"])
        assert ActivityType.EMAIL in self.EMAILS.activity_types()


class TestTasks:
    """HubSpot tasks (opt-in, ``activities.tasks``): the Tasks guide's properties (https://developers.hubspot.com/docs/
    api/crm/tasks): ``hs_timestamp`` the due date, ``hs_task_status``, ``hs_task_type``, ``hubspot_owner_id``."""

    TASKS = MAPPING.model_copy(update={"activities": MAPPING.activities.model_copy(update={
        "tasks": MAPPING.activities.tasks.model_copy(update={"enabled": True, "types": {"CALL": ActivityType.CALL}})})})

    @staticmethod
    def _task(props, id_="6001"):
        base = {"hs_timestamp": "2027-05-12T08:00:00.000Z", "hs_task_status": "COMPLETED", "hs_task_type": "TODO",
                "hs_task_subject": "Relance devis Lyon Chimie", "hubspot_owner_id": "501"}
        return _obj(base | props, id_)

    @pytest.mark.parametrize(("status", "want"), [
        ("COMPLETED", ActivityStatus.COMPLETED), ("completed", ActivityStatus.COMPLETED),
        ("NOT_STARTED", ActivityStatus.PLANNED), ("IN_PROGRESS", ActivityStatus.PLANNED),
        ("WAITING", ActivityStatus.PLANNED), ("DEFERRED", ActivityStatus.PLANNED), ("", ActivityStatus.PLANNED)])
    def test_status_completed_counts_and_the_others_are_planned(self, status, want):
        """Only a COMPLETED task is done; NOT_STARTED, IN_PROGRESS, WAITING, DEFERRED and no status are not."""
        task = to_task(self._task({"hs_task_status": status}), "hs", self.TASKS, "101")
        assert isinstance(task, Activity) and task.status is want

    def test_quote_follow_up_from_the_subject_on_its_due_date_for_its_owner(self):
        """A completed "Relance devis ..." to-do is a quote follow-up of its owner (hubspot_owner_id), on its company,
        dated by hs_timestamp (the due date), not by when it was completed."""
        task = to_task(self._task({"hs_task_completion_date": "2027-05-20T16:00:00.000Z"}), "hs", self.TASKS, "101")
        assert isinstance(task, Activity)
        assert (task.id, task.type, task.owner_id, task.account_id, task.subject) == (
            "6001", ActivityType.QUOTE_FOLLOW_UP, "501", "101", "Relance devis Lyon Chimie")
        assert task.start == datetime(2027, 5, 12, 8, tzinfo=UTC)

    @pytest.mark.parametrize(("subject", "kind", "want"), [
        ("RELANCE de DEVIS - Grenoble Pharma", "TODO", ActivityType.QUOTE_FOLLOW_UP),   # case, accents, punctuation
        ("Quote follow-up: ACME", "CALL", ActivityType.QUOTE_FOLLOW_UP),   # the subject wins over the type
        ("Call Paul back", "CALL", ActivityType.CALL),                      # types (compared upper-cased)
        ("Call Paul back", "call", ActivityType.CALL),
        ("Relancement devisage", "TODO", None),                             # whole words only
        ("Send the brochure", "TODO", None),                                # no mapped type, default_type null
        ("Connect on LinkedIn", "LINKED_IN_CONNECT", None)])
    def test_type_from_subject_keyword_then_task_type(self, subject, kind, want):
        task = to_task(self._task({"hs_task_subject": subject, "hs_task_type": kind}), "hs", self.TASKS, "101")
        assert isinstance(task, Activity) and task.type is want

    def test_default_type_reads_tasks_of_other_types(self):
        tasks = self.TASKS.activities.tasks.model_copy(update={"default_type": ActivityType.MEETING})
        activities = self.TASKS.activities.model_copy(update={"tasks": tasks})
        mapping = self.TASKS.model_copy(update={"activities": activities})
        task = to_task(self._task({"hs_task_subject": "Send the brochure"}), "hs", mapping, None)
        assert isinstance(task, Activity) and task.type is ActivityType.MEETING

    def test_a_task_completed_before_its_due_date_counts_when_it_was_completed(self):
        """A follow-up COMPLETED on 10 June (hs_task_completion_date) and due on 10 July happened on 10 June: it is
        dated then (audit hsdoc F2; failed before: dated 10 July, so counted nowhere on 30 June). Not completed, the
        same task keeps its due date; ``completed_at: null`` keeps every task on its due date."""
        props = {"hs_timestamp": "2027-07-10T08:00:00.000Z", "hs_task_completion_date": "2027-06-10T14:00:00.000Z"}
        done = to_task(self._task(props), "hs", self.TASKS, "101")
        still_open = to_task(self._task({**props, "hs_task_status": "IN_PROGRESS"}), "hs", self.TASKS, "101")
        tasks = self.TASKS.activities.tasks.model_copy(update={"completed_at": None})
        mapping = self.TASKS.model_copy(update={"activities": self.TASKS.activities.model_copy(
            update={"tasks": tasks})})
        on_due = to_task(self._task(props), "hs", mapping, "101")
        assert isinstance(done, Activity) and isinstance(still_open, Activity) and isinstance(on_due, Activity)
        assert done.start == datetime(2027, 6, 10, 14, tzinfo=UTC)
        assert still_open.start == on_due.start == datetime(2027, 7, 10, 8, tzinfo=UTC)

    def test_swapped_dates_still_date_a_task_by_its_completion(self):
        """A manager whose reps leave stale due dates swaps the two (start: hs_task_completion_date, fallback_start:
        hs_timestamp): a task ticked late counts when it was ticked, an open one (no completion date) on its due
        date, as before."""
        tasks = self.TASKS.activities.tasks.model_copy(update={"start": "hs_task_completion_date",
                                                               "fallback_start": "hs_timestamp"})
        mapping = self.TASKS.model_copy(update={"activities": self.TASKS.activities.model_copy(
            update={"tasks": tasks})})
        late = to_task(self._task({"hs_timestamp": "2027-03-31T08:00:00.000Z",
                                   "hs_task_completion_date": "2027-06-02T15:00:00.000Z"}), "hs", mapping, "101")
        still_open = to_task(self._task({"hs_timestamp": "2027-03-31T08:00:00.000Z", "hs_task_status": "NOT_STARTED"}),
                             "hs", mapping, "101")
        assert isinstance(late, Activity) and isinstance(still_open, Activity)
        assert late.start == datetime(2027, 6, 2, 15, tzinfo=UTC)
        assert still_open.start == datetime(2027, 3, 31, 8, tzinfo=UTC)

    def test_completion_date_only_without_a_due_date(self):
        """hs_timestamp is required by HubSpot; a task without one (imported) falls back on hs_task_completion_date."""
        task = to_task(self._task({"hs_timestamp": "", "hs_task_completion_date": "1810512000000"}), "hs",
                       self.TASKS, None)
        assert isinstance(task, Activity) and task.start == datetime(2027, 5, 17, tzinfo=UTC)

    def test_pacs_own_task_is_no_record(self):
        """The fallback write-back's task (one per action, its pac_key set) is never read, whatever its subject,
        type and status: a COMPLETED "Relance devis ..." task of pac's would otherwise count."""
        assert to_task(self._task({"pac_key": "pac-2027:A-5"}), "hs", self.TASKS, "101") is None
        assert isinstance(to_task(self._task({"pac_key": ""}), "hs", self.TASKS, "101"), Activity)
        assert isinstance(to_task(self._task({"pac_key": None}), "hs", self.TASKS, "101"), Activity)

    def test_malformed_task_is_rejected_naming_the_fix(self):
        """No date at all: kept undated for the engine, worded as before when it rejects it (audit hsundated); a
        status the mapping does not list: reported, never counted."""
        undated = to_task(self._task({"hs_timestamp": ""}, "6009"), "hs", self.TASKS, "101")
        assert isinstance(undated, Activity) and (undated.start, undated.crm_object) == (None, "task")
        words = undated_rejection("hs", "6009", undated.crm_object, self.TASKS)
        assert words is not None and words.reason == ("task has no due date (hs_timestamp and "
                                                      "hs_task_completion_date empty)")
        odd = to_task(self._task({"hs_task_status": "DONE"}, "6010"), "hs", self.TASKS, "101")
        assert odd == Rejected("hs", "activities", "6010", "task status 'DONE' is not in the mapping "
                               "(activities.tasks.statuses)")
        # an unreadable due date reads as none (HubSpot's own values are instants): kept undated likewise, worded
        # as before when the engine rejects it
        garbled = to_task(self._task({"hs_timestamp": "next tuesday"}, "6011"), "hs", self.TASKS, "101")
        assert isinstance(garbled, Activity) and (garbled.id, garbled.start, garbled.crm_object) == (
            "6011", None, "task")

    def test_tasks_are_read_only_when_enabled(self):
        """The shipped mapping reads no tasks (opt-in); enabled, the search asks for their mapped properties and
        quote follow-ups (its subject keywords) become measurable."""
        assert "tasks" not in MAPPING.read_properties()
        assert ActivityType.QUOTE_FOLLOW_UP not in MAPPING.activity_types()
        assert self.TASKS.read_properties()["tasks"] == sorted(
            ["hs_timestamp", "hs_task_completion_date", "hs_task_subject", "hubspot_owner_id", "hs_task_type",
             "hs_task_status", "hs_lastmodifieddate"])
        assert {ActivityType.QUOTE_FOLLOW_UP, ActivityType.CALL} <= self.TASKS.activity_types()


class TestDeals:
    def test_won_deal_with_comma_amount(self):
        """A closed-won deal with amount '12,500.50' is won for 12500.50 EUR."""
        deal = to_deal(_obj({"pipeline": "default", "dealstage": "closedwon", "amount": "12,500.50",
                             "deal_currency_code": "eur", "closedate": "2027-05-04T00:00:00Z"}), "hs", MAPPING,
                       PIPELINES, "c1", ())
        assert isinstance(deal, Deal)
        assert (deal.stage, deal.amount, deal.currency, deal.close_date) == (
            DealStage.WON, Decimal("12500.50"), "EUR", date(2027, 5, 4))

    def test_stage_from_another_pipeline_is_rejected_naming_it(self):
        """A stage id that belongs to another pipeline rejects the deal and names that pipeline."""
        deal = to_deal(_obj({"pipeline": "default", "dealstage": "1002"}), "hs", MAPPING, PIPELINES, None, ())
        assert isinstance(deal, Rejected) and "'maintenance'" in deal.reason

    def test_no_close_date_is_kept_without_date(self):
        """A deal without close date is kept, dated None (the engine reports it when it matters)."""
        deal = to_deal(_obj({"pipeline": "default", "dealstage": "open1"}), "hs", MAPPING, PIPELINES, None, ())
        assert isinstance(deal, Deal) and deal.close_date is None and deal.stage is DealStage.OPEN

    def test_bad_amount_is_rejected(self):
        """An amount that is not a number rejects the deal with the value."""
        deal = to_deal(_obj({"pipeline": "default", "dealstage": "closedwon", "amount": "lots"}), "hs", MAPPING,
                       PIPELINES, None, ())
        assert isinstance(deal, Rejected) and "lots" in deal.reason


def _home(home_currency: str | None = "EUR", default_currency: str | None = None):
    """The shipped mapping with the portal's company currency (and the default currency of deals without one)."""
    return MAPPING.model_copy(update={"deals": MAPPING.deals.model_copy(update={
        "home_currency": home_currency, "default_currency": default_currency})})


def _foreign(amount: str, home: str | None, currency: str = "USD"):
    props = {"pipeline": "default", "dealstage": "closedwon", "amount": amount, "deal_currency_code": currency,
             "closedate": "2027-05-20T10:00:00Z"}
    return _obj(props | ({"amount_in_home_currency": home} if home is not None else {}))


class TestHomeCurrency:
    def test_a_deal_in_another_currency_takes_hubspots_amount_in_company_currency(self):
        """The audit's deal: USD 5,000 in an EUR portal, HubSpot's "Amount in company currency" 4,600: it keeps
        USD 5,000 and the two amounts as its rates, which make it 4,600 EUR in an EUR plan, its lines scaled by 0.92
        (USD 3,333.33 -> 3,066.66, USD 1,666.67 -> 1,533.34). Failed before: pac read USD 5,000, which the engine set
        aside with no USD rate (or converted at its own fixed rate)."""
        lines = (DealLine("MX50", Decimal(1), Decimal("3333.33")), DealLine("PX200", Decimal(2), Decimal("1666.67")))
        deal = to_deal(_foreign("5000", "4600"), "hs", _home(), PIPELINES, "c1", lines)
        assert isinstance(deal, Deal) and (deal.amount, deal.currency) == (Decimal("5000"), "USD")
        into_eur = conversion(deal.currency, deal.rates, "EUR", {})
        assert into_eur is not None and into_eur(Decimal(5000)) == Decimal("4600.00")
        assert [(x.product, x.quantity, into_eur(x.amount)) for x in deal.lines] == [
            ("MX50", Decimal(1), Decimal("3066.66")), ("PX200", Decimal(2), Decimal("1533.34"))]
        assert conversion(deal.currency, deal.rates, "USD", {}) is SAME      # a USD plan counts USD 5,000

    def test_lines_round_half_up_to_the_company_currencys_minor_unit(self):
        """Each line is rounded on its own, half up: 0.05 at a ratio of 0.5 is 0.03 EUR (not 0.02, the banker's
        rounding); a JPY portal has no cents: 1 USD at 500/3 is 167 JPY; a line with no amount keeps none."""
        half = to_deal(_foreign("100", "50"), "hs", _home(), PIPELINES, "c1",
                       (DealLine("A", Decimal(1), Decimal("0.05")), DealLine("B", Decimal(1), None)))
        assert isinstance(half, Deal) and [x.amount for x in half.lines] == [Decimal("0.05"), None]
        into_eur = conversion(half.currency, half.rates, "EUR", {})
        assert into_eur is not None and into_eur(Decimal("0.05")) == Decimal("0.03")
        yen = to_deal(_foreign("3", "500"), "hs", _home("JPY"), PIPELINES, "c1",
                      (DealLine("A", Decimal(1), Decimal("1")),))
        into_jpy = conversion(yen.currency, yen.rates, "JPY", {}) if isinstance(yen, Deal) else None
        assert into_jpy is not None and into_jpy(Decimal(1)) == Decimal("167")

    def test_what_stays_in_the_deals_own_currency(self):
        """A deal in the company currency is read as it is; so is every deal when the mapping names no company
        currency (home_currency and default_currency null: fx_rates convert), one HubSpot gives no converted amount
        for, and one of amount 0 (no ratio for its lines). default_currency stands for the company currency."""
        same = to_deal(_foreign("700", "650", "eur"), "hs", _home(), PIPELINES, "c1", ())
        assert isinstance(same, Deal) and (same.amount, same.currency) == (Decimal("700"), "EUR")
        for mapping, obj in ((MAPPING, _foreign("5000", "4600")), (_home(), _foreign("5000", None)),
                             (_home(), _foreign("0", "0"))):
            kept = to_deal(obj, "hs", mapping, PIPELINES, "c1", ())
            assert isinstance(kept, Deal) and kept.currency == "USD" and kept.rates is None
        by_default = to_deal(_foreign("5000", "4600"), "hs", _home(None, "EUR"), PIPELINES, "c1", ())
        assert isinstance(by_default, Deal) and by_default.rates is not None
        assert conversion(by_default.currency, by_default.rates, "EUR", {})(Decimal(5000)) == Decimal("4600.00")  # type: ignore[misc]

    def test_a_deal_with_no_currency_code_is_in_the_company_currency(self):
        """HubSpot keeps a deal without a currency of its own in the portal's company currency: a USD portal
        (home_currency USD, default_currency null) reads its deal of 1,000 with no deal_currency_code as 1,000 USD,
        which fx_rates bring to the plan's EUR. default_currency, when set, still decides (the mapping says so).
        Seen failing before the fix (audit hsdoc F1): currency None, counted as 1,000 EUR."""
        bare = _obj({"pipeline": "default", "dealstage": "closedwon", "amount": "1000",
                     "closedate": "2027-05-20T10:00:00Z"})
        deal = to_deal(bare, "hs", _home("USD"), PIPELINES, "c1", ())
        assert isinstance(deal, Deal) and (deal.amount, deal.currency) == (Decimal("1000"), "USD")
        both = to_deal(bare, "hs", _home("USD", "CAD"), PIPELINES, "c1", ())
        assert isinstance(both, Deal) and both.currency == "CAD"
        neither = to_deal(bare, "hs", MAPPING, PIPELINES, "c1", ())
        assert isinstance(neither, Deal) and neither.currency is None

    def test_a_companys_annual_revenue_is_in_the_company_currency(self):
        """HubSpot keeps a company's currency properties in the portal's company currency (only deals and line items
        have a currency of their own): an EUR portal's company of 60,000,000 is EUR 60 M, which the engine compares
        in the plan's currency (audit multi F2); default_currency stands for the company currency; a portal naming
        neither keeps no currency (the plan's), and a company with no revenue none either."""
        props = {"name": "Lyon A", "zip": "69003", "annualrevenue": "60000000"}
        company = to_account(_obj(props), "hs", _home())
        assert isinstance(company, Account) and (company.annual_revenue, company.currency, company.rates) == (
            Decimal("60000000"), "EUR", None)
        by_default = to_account(_obj(props), "hs", _home(None, "chf"))
        assert isinstance(by_default, Account) and by_default.currency == "CHF"
        for mapping, obj in ((MAPPING, _obj(props)), (_home(), _obj({"name": "Lyon B", "zip": "69003"}))):
            kept = to_account(obj, "hs", mapping)
            assert isinstance(kept, Account) and kept.currency is None

    def test_a_converted_amount_that_is_not_a_number_rejects_the_deal(self):
        """HubSpot's converted amount unreadable: the deal is rejected naming the property, never counted."""
        deal = to_deal(_foreign("5000", "n/a"), "hs", _home(), PIPELINES, "c1", ())
        assert isinstance(deal, Rejected) and "amount_in_home_currency" in deal.reason and "n/a" in deal.reason


class TestUsers:
    def test_email_lower_cased(self):
        """Owner e-mails are lower-cased: the identity across CRMs."""
        user = to_user({"id": 7, "email": " Lea.Rousseau@Durand-Process.example ", "firstName": "Léa"}, "hs")
        assert isinstance(user, User) and user.email == "lea.rousseau@durand-process.example"

    def test_owner_without_email_is_kept_unmatched(self):
        """An owner with no e-mail is a user with email None (reported, never matched)."""
        user = to_user({"id": 8, "firstName": "Compte", "lastName": "Salon"}, "hs")
        assert user.email is None and user.name == "Compte Salon"


class TestContactPrimaryCompany:
    def test_type_1_is_the_primary_company_whatever_its_label(self):
        """contacts -> companies: the HubSpot-defined type 1 is the primary company, labelled "Primary" before
        19 Feb 2024 and "Contact with Primary Company" since (the changelog says to rely on the typeId only); it
        comes with the unlabelled 279 on the same company, while other companies carry 279 alone."""
        links = [{"toObjectId": 150, "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": 279,
                                                           "label": None}]},
                 {"toObjectId": 205, "associationTypes": [
                     {"category": "HUBSPOT_DEFINED", "typeId": 1, "label": "Contact with Primary Company"},
                     {"category": "HUBSPOT_DEFINED", "typeId": 279, "label": None}]}]
        assert contact_primary_company(links) == "205"

    def test_no_primary_company(self):
        """Unlabelled companies only, a user-defined type 1, or none at all: no primary company."""
        assert contact_primary_company([{"toObjectId": 150, "associationTypes": [{"typeId": 279}]}]) is None
        assert contact_primary_company([{"toObjectId": 150, "associationTypes": [
            {"category": "USER_DEFINED", "typeId": 1, "label": "Ancien employeur"}]}]) is None
        assert contact_primary_company(None) is None and contact_primary_company([]) is None


class TestChooseCompany:
    def test_primary_wins(self):
        """With several companies the one labelled Primary is chosen."""
        links = [{"toObjectId": 5, "associationTypes": [{"typeId": 188, "label": None}]},
                 {"toObjectId": 9, "associationTypes": [{"typeId": 5, "label": "Primary"}]}]
        assert choose_company(links) == "9"

    def test_the_primary_is_recognised_by_its_type_id_whatever_its_label(self):
        """A deal's primary company as HubSpot answers since 19 Feb 2024: typeId 5 labelled "Deal with Primary
        Company", beside the unlabelled 341, on the larger id: it wins. Failed before: only the label "Primary"
        counted, so the smaller id (unlabelled) won."""
        links = [{"toObjectId": 150, "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": 341,
                                                           "label": None}]},
                 {"toObjectId": 205, "associationTypes": [
                     {"category": "HUBSPOT_DEFINED", "typeId": 5, "label": "Deal with Primary Company"},
                     {"category": "HUBSPOT_DEFINED", "typeId": 341, "label": None}]}]
        assert choose_company(links, "deals") == "205"
        assert choose_company(links) == "205"
        unlabelled = [{**links[0]}, {"toObjectId": 205, "associationTypes": [
            {"category": "HUBSPOT_DEFINED", "typeId": 5, "label": None}]}]
        assert choose_company(unlabelled, "deals") == "205"

    def test_type_ids_are_per_object_pair_and_a_primary_label_is_the_fallback(self):
        """typeId 1 is the primary of a contact, not of a deal; a portal's own label containing "primary"
        (USER_DEFINED) still marks the primary when no HubSpot-defined primary type is there."""
        contact_primary = [{"toObjectId": 3, "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": 279}]},
                           {"toObjectId": 8, "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": 1}]}]
        assert choose_company(contact_primary, "contacts") == "8"
        assert choose_company(contact_primary, "deals") == "3"
        labelled = [{"toObjectId": 3, "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": 341}]},
                    {"toObjectId": 8, "associationTypes": [{"category": "USER_DEFINED", "typeId": 1042,
                                                            "label": "Primary account"}]}]
        assert choose_company(labelled, "deals") == "8"

    def test_else_smallest_id(self):
        """Without a primary the smallest company id is chosen, deterministically."""
        links = [{"toObjectId": 12, "associationTypes": []}, {"toObjectId": 5, "associationTypes": []}]
        assert choose_company(links) == "5"

    def test_none(self):
        """No association means no account."""
        assert choose_company(None) is None and choose_company([]) is None


OPTION_DEFINITIONS = {
    "industry": {"type": "enumeration", "fieldType": "select",
                 "options": [{"value": "PHARMACEUTICALS", "label": "Pharmaceutique"}]},
    "gammes": {"type": "enumeration", "fieldType": "checkbox",
               "options": [{"value": "px", "label": "Pompes PX"}, {"value": "mx", "label": "Mélangeurs MX"}]},
    "flag": {"type": "enumeration", "fieldType": "booleancheckbox",
             "options": [{"value": "true", "label": "Yes"}, {"value": "false", "label": "No"}]},
    "city": {"type": "string", "fieldType": "text", "options": []}}


class TestOptionLabels:
    """Dropdowns read as their labels (``option_labels`` + ``with_labels``): only enumerations shown as a dropdown,
    radio buttons or multiple checkboxes; a single checkbox keeps true / false, a text property its text."""

    def test_labels_replace_values_where_the_property_is_a_dropdown(self):
        labels = option_labels(OPTION_DEFINITIONS, ["industry", "gammes", "flag", "city", "absent"])
        assert sorted(labels) == ["gammes", "industry"]
        obj = _obj({"industry": "PHARMACEUTICALS", "gammes": "mx;px;old", "flag": "true", "city": "Lyon"})
        props = with_labels(obj, labels)["properties"]
        assert (props["industry"], props["gammes"], props["flag"], props["city"]) == (
            "Pharmaceutique", "Mélangeurs MX;Pompes PX;old", "true", "Lyon")
        assert with_labels(_obj({"industry": None}), labels)["properties"]["industry"] is None
