"""Salesforce query records -> normalised records: the awkward cases of the issue, each handled."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from connectors.base import HELD_PAC
from connectors.salesforce.mapping import SalesforceMapping, load_mapping
from connectors.salesforce.normalise import Normaliser, undated_rejection
from pac_config.loader import config_dir
from pac_core.plan import ActivityType
from pac_core.records import Account, Activity, ActivityStatus, Deal, DealStage, Rejected, User

STAMP = "2027-05-04T10:00:00.000+0000"


def _normaliser(name: str = "salesforce.demo.yaml") -> tuple[Normaliser, list[str]]:
    warnings: list[str] = []
    return Normaliser("sf", load_mapping(config_dir() / "mappings" / name), warn=warnings.append), warnings


def _event(**values: object) -> dict[str, object]:
    base = {"Id": "00U1", "OwnerId": "0051", "WhatId": "0011", "AccountId": "0011", "Subject": "Visite",
            "Type": "Visite client", "Statut__c": "Réalisée", "IsAllDayEvent": False, "IsDeleted": False,
            "ActivityDateTime": "2027-05-02T22:30:00.000+0000", "ActivityDate": "2027-05-03", "SystemModstamp": STAMP}
    base.update(values)
    return base


class TestActivities:
    def test_visit_event_is_typed_and_timed_in_utc(self) -> None:
        """A 'Visite client' event becomes a completed visit starting at its UTC instant."""
        n, _ = _normaliser()
        act = n.activity("Event", _event())
        assert isinstance(act, Activity) and act.type is ActivityType.VISIT
        assert act.start == datetime(2027, 5, 2, 22, 30, tzinfo=UTC) and act.status is ActivityStatus.COMPLETED

    def test_all_day_event_keeps_its_date_unshifted(self) -> None:
        """An all-day event carries its calendar day and no start."""
        n, _ = _normaliser()
        act = n.activity("Event", _event(IsAllDayEvent=True, ActivityDateTime="2027-04-22T00:00:00.000+0000",
                                         ActivityDate="2027-04-22"))
        assert isinstance(act, Activity) and act.start is None and act.day == date(2027, 4, 22)

    def test_an_all_day_event_without_a_status_of_its_own_is_whole_day(self) -> None:
        """An all-day Event whose status is the mapping's default (a standard org's Events have no status: the
        shipped mapping; the demo org's Statut__c left empty) is whole_day, counted once its day is over; one whose
        Statut__c says Réalisée is done when the rep says so, and so is a Task (its Status), all-day or not; a timed
        Event never is (its start says when it happens)."""
        all_day = {"IsAllDayEvent": True, "ActivityDateTime": "2027-04-22T00:00:00.000+0000",
                   "ActivityDate": "2027-04-22"}
        shipped, _ = _normaliser("salesforce.default.yaml")
        demo, _ = _normaliser()
        task = {"Id": "00T1", "TaskSubtype": "Call", "Status": "Completed", "IsClosed": True, "IsDeleted": False,
                "WhatId": "0011", "OwnerId": "0051", "ActivityDate": "2027-04-22", "SystemModstamp": STAMP}
        out = {
            "shipped all-day": shipped.activity("Event", _event(Type="Customer visit", **all_day)),
            "shipped timed": shipped.activity("Event", _event(Type="Customer visit")),
            "demo empty status": demo.activity("Event", _event(Statut__c=None, **all_day)),
            "demo Réalisée": demo.activity("Event", _event(**all_day)),
            "task": shipped.activity("Task", task),
        }
        assert {k: (a.whole_day, a.status) for k, a in out.items() if isinstance(a, Activity)} == {
            "shipped all-day": (True, ActivityStatus.COMPLETED), "shipped timed": (False, ActivityStatus.COMPLETED),
            "demo empty status": (True, ActivityStatus.COMPLETED), "demo Réalisée": (False, ActivityStatus.COMPLETED),
            "task": (False, ActivityStatus.COMPLETED)}

    def test_null_account_is_kept_without_account(self) -> None:
        """An event with no account is normalised with account_id None (it can never count)."""
        n, _ = _normaliser()
        act = n.activity("Event", _event(WhatId=None, AccountId=None))
        assert isinstance(act, Activity) and act.account_id is None

    def test_cancelled_status_from_the_mapped_field(self) -> None:
        """Statut__c 'Annulée' reads as cancelled."""
        n, _ = _normaliser()
        assert n.activity("Event", _event(Statut__c="Annulée")).status is ActivityStatus.CANCELLED  # type: ignore[union-attr]

    def test_unmatched_type_is_none(self) -> None:
        """An event matching no rule keeps type None (never counted, still stored)."""
        n, _ = _normaliser()
        assert n.activity("Event", _event(Type="Other")).type is None  # type: ignore[union-attr]

    def test_a_call_to_a_lead_is_left_out_not_rejected(self) -> None:
        """A call Task on a lead (WhoId 00Q..., no account: Salesforce sets AccountId only for contacts and
        accounts) is a prospect's, outside every scope: left out and counted under 'lead', not a 'no account'
        rejection that makes an SDR team's every night exit 1 (failed before: an Activity with no account). The
        same call on a contact of an account, or with an account as What, stays a call."""
        n, _ = _normaliser()
        call = {"Id": "00T9", "TaskSubtype": "Call", "Status": "Completed", "IsDeleted": False,
                "ActivityDate": "2027-05-06", "SystemModstamp": STAMP}
        lead = n.activity("Task", {**call, "WhoId": "00Q000000000001", "AccountId": None})
        assert n.skipped["lead"] == 1
        # stored as deleted, with no type or date, so that it replaces a version that counted (a call re-related to
        # a lead) and is counted nowhere, listed nowhere
        assert isinstance(lead, Activity)
        assert (lead.id, lead.deleted, lead.type, lead.day, lead.start) == ("00T9", True, None, None, None)
        on_contact = n.activity("Task", {**call, "WhoId": "003000000000001", "AccountId": "001000000000001"})
        with_what = n.activity("Task", {**call, "WhoId": "00Q000000000001", "WhatId": "001000000000002"})
        assert isinstance(on_contact, Activity) and on_contact.account_id == "001000000000001"
        assert isinstance(with_what, Activity) and with_what.account_id == "001000000000002"

    def test_closed_call_task(self) -> None:
        """A completed Call task is a completed call at its CompletedDateTime."""
        n, _ = _normaliser()
        act = n.activity("Task", {"Id": "00T1", "TaskSubtype": "Call", "Status": "Completed", "IsDeleted": False,
                                  "CompletedDateTime": "2027-05-06T08:00:00.000+0000", "SystemModstamp": STAMP})
        assert isinstance(act, Activity) and act.type is ActivityType.CALL and act.status is ActivityStatus.COMPLETED

    def test_a_call_logged_late_counts_on_the_date_the_rep_gave(self) -> None:
        """A call made on Friday 28 May and logged on Wednesday 2 June (ActivityDate 2027-05-28, CompletedDateTime
        2 June): May's call, as Salesforce's activity reports and timeline date it (failed before: 2 June 09:00
        Paris, counted in June). A closed task with no ActivityDate keeps its CompletedDateTime."""
        n, _ = _normaliser()
        task = {"Id": "00T1", "TaskSubtype": "Call", "Status": "Completed", "IsDeleted": False,
                "CompletedDateTime": "2027-06-02T07:00:00.000+0000", "SystemModstamp": STAMP}
        late = n.activity("Task", {**task, "ActivityDate": "2027-05-28"})
        undated = n.activity("Task", {**task, "ActivityDate": None})
        assert isinstance(late, Activity) and isinstance(undated, Activity)
        paris = ZoneInfo("Europe/Paris")
        assert (late.day, late.moment(paris)) == (date(2027, 5, 28), datetime(2027, 5, 28, tzinfo=paris))
        assert (undated.day, undated.moment(paris)) == (None, datetime(2027, 6, 2, 7, tzinfo=UTC))

    def test_a_task_completed_before_its_due_date_is_dated_when_it_was_done(self) -> None:
        """A follow-up due on 10 July and closed on 10 June (CompletedDateTime) happened by 10 June: it is dated then
        (audit hsdoc F2; failed before: dated 10 July, counted nowhere on 30 June). One closed on its due date at
        15:00 keeps its due date's 00:00; an open one, its due date whatever it holds."""
        n, _ = _normaliser()
        paris = ZoneInfo("Europe/Paris")
        task = {"Id": "00T1", "TaskSubtype": "Call", "IsDeleted": False, "ActivityDate": "2027-07-10",
                "SystemModstamp": STAMP}
        early = n.activity("Task", {**task, "Status": "Completed", "CompletedDateTime": "2027-06-10T08:00:00.000+0000"})
        same_day = n.activity("Task", {**task, "Status": "Completed",
                                       "CompletedDateTime": "2027-07-10T13:00:00.000+0000"})
        still_open = n.activity("Task", {**task, "Status": "Not Started", "CompletedDateTime": None})
        assert isinstance(early, Activity) and isinstance(same_day, Activity) and isinstance(still_open, Activity)
        assert (early.day, early.moment(paris), early.when(paris)) == (
            date(2027, 7, 10), datetime(2027, 6, 10, 8, tzinfo=UTC), datetime(2027, 6, 10, 8, tzinfo=UTC))
        assert (same_day.moment(paris), same_day.when(paris)) == (datetime(2027, 7, 10, tzinfo=paris),
                                                                  date(2027, 7, 10))
        assert (still_open.status, still_open.start, still_open.moment(paris)) == (
            ActivityStatus.PLANNED, None, datetime(2027, 7, 10, tzinfo=paris))

    def test_an_org_may_date_completed_tasks_by_their_completion(self) -> None:
        """``activities.task_date: completed``: a call due on 10 March and closed on 20 March is dated 20 March (its
        CompletedDateTime, no due day beside it), one closed before its due date likewise, an open one keeps its due
        date, and a closed one with no CompletedDateTime keeps its due date. Seen failing before the key existed (the
        mapping refused ``task_date``)."""
        base, _ = _normaliser()
        m = base.m.model_copy(update={"activities": base.m.activities.model_copy(update={"task_date": "completed"})})
        n = Normaliser("sf", m, warn=lambda _: None)
        paris = ZoneInfo("Europe/Paris")
        task = {"Id": "00T1", "TaskSubtype": "Call", "IsDeleted": False, "ActivityDate": "2027-03-10",
                "SystemModstamp": STAMP}
        late = n.activity("Task", {**task, "Status": "Completed", "CompletedDateTime": "2027-03-20T09:00:00.000+0000"})
        early = n.activity("Task", {**task, "Status": "Completed", "CompletedDateTime": "2027-03-02T09:00:00.000+0000"})
        still_open = n.activity("Task", {**task, "Status": "Not Started", "CompletedDateTime": None})
        no_stamp = n.activity("Task", {**task, "Status": "Completed", "CompletedDateTime": None})
        assert all(isinstance(a, Activity) for a in (late, early, still_open, no_stamp))
        assert [(a.day, a.moment(paris)) for a in (late, early, still_open, no_stamp)] == [  # type: ignore[union-attr]
            (None, datetime(2027, 3, 20, 9, tzinfo=UTC)), (None, datetime(2027, 3, 2, 9, tzinfo=UTC)),
            (date(2027, 3, 10), datetime(2027, 3, 10, tzinfo=paris)),
            (date(2027, 3, 10), datetime(2027, 3, 10, tzinfo=paris))]
        shipped_late = base.activity("Task", {**task, "Status": "Completed",
                                              "CompletedDateTime": "2027-03-20T09:00:00.000+0000"})
        assert isinstance(shipped_late, Activity)
        assert shipped_late.moment(paris) == datetime(2027, 3, 10, tzinfo=paris)

    def test_a_task_closed_by_a_status_of_the_orgs_own_is_completed(self) -> None:
        """Salesforce lets an org add closed Task statuses ('Clôturée'); it marks them closed in IsClosed. A call
        task with such a status is a completed call (default mapping and demo mapping); open with an unlisted
        status, it stays planned; a listed status wins over the checkbox (Deferred: cancelled). Seen failing
        before: the closed call read as planned and never counted."""
        for name in ("salesforce.default.yaml", "salesforce.demo.yaml"):
            n, _ = _normaliser(name)
            task = {"Id": "00T1", "TaskSubtype": "Call", "IsDeleted": False, "ActivityDate": "2027-05-06",
                    "SystemModstamp": STAMP}
            closed = n.activity("Task", {**task, "Status": "Clôturée", "IsClosed": True})
            still_open = n.activity("Task", {**task, "Status": "Rappeler", "IsClosed": False})
            deferred = n.activity("Task", {**task, "Status": "Deferred", "IsClosed": True})
            assert [a.status for a in (closed, still_open, deferred)] == [  # type: ignore[union-attr]
                ActivityStatus.COMPLETED, ActivityStatus.PLANNED, ActivityStatus.CANCELLED], name

    def test_html_subject_and_non_latin_text_are_kept_as_data(self) -> None:
        """Script payloads and Japanese text pass through unchanged, as plain strings."""
        n, _ = _normaliser()
        subject = "<script>alert('pac')</script> 株式会社 東京精機"
        assert n.activity("Event", _event(Subject=subject)).subject == subject  # type: ignore[union-attr]

    def test_undated_activity_is_kept_undated_for_the_engine(self) -> None:
        """An event with no date at all is no crash: a visit done, kept with no start nor day (not deleted) for the
        engine to reject when the plan counts its owner's visits (audit connrejects), in the words
        ``undated_rejection`` gives it."""
        n, _ = _normaliser()
        out = n.activity("Event", _event(ActivityDateTime=None, StartDateTime=None))
        assert isinstance(out, Activity) and (out.start, out.day, out.deleted) == (None, None, False)
        words = undated_rejection("sf", "00U1")
        assert words is not None and (words.code, words.reason) == (
            "no_activity_date", "Event has no date (ActivityDateTime, ActivityDate)")
        assert undated_rejection("sf", "0011") is None

    def test_an_undated_row_is_rejected_only_when_a_completed_activity_of_a_mapped_type(self) -> None:
        """Task.ActivityDate is nillable ("New Task" leaves Due Date blank) and CompletedDateTime is set only once the
        task is closed. With the shipped mapping: an open to-do (TaskSubtype Task, Not Started), an open call, a
        deferred call and a completed to-do, none dated, are no activity to count: each comes back deleted (it
        replaces a dated version the store may hold) and counted under 'undated'. A completed call with no date is
        kept undated, not deleted, for the engine to judge (audit connrejects: rejected by the connector before, in
        every plan). Seen failing on the old code: all five rejected 'Task has no date'."""
        n, _ = _normaliser("salesforce.default.yaml")
        base = {"IsDeleted": False, "ActivityDate": None, "CompletedDateTime": None, "AccountId": "0011",
                "OwnerId": "0051", "SystemModstamp": STAMP}
        rows = {"todo": ("Task", "Not Started"), "open_call": ("Call", "Not Started"), "deferred": ("Call", "Deferred"),
                "done_todo": ("Task", "Completed"), "done_call": ("Call", "Completed")}
        out = {name: n.activity("Task", {**base, "Id": name, "TaskSubtype": subtype, "Status": status})
               for name, (subtype, status) in rows.items()}
        left_out = [out.pop(name) for name in ("todo", "open_call", "deferred", "done_todo")]
        assert [(a.id, a.deleted, a.day, a.start) for a in left_out if isinstance(a, Activity)] == [
            ("todo", True, None, None), ("open_call", True, None, None), ("deferred", True, None, None),
            ("done_todo", True, None, None)]
        assert n.skipped == {"undated": 4}
        kept = out["done_call"]
        assert isinstance(kept, Activity) and (kept.type, kept.start, kept.day, kept.deleted) == (
            ActivityType.CALL, None, None, False)

    def test_garbled_datetime_is_rejected(self) -> None:
        """An unreadable datetime becomes a Rejected with the value in the reason."""
        n, _ = _normaliser()
        out = n.activity("Event", _event(ActivityDateTime="lundi matin"))
        assert isinstance(out, Rejected) and "lundi matin" in out.reason


class TestAccountsDealsUsers:
    def test_account_geography_from_postal_code(self) -> None:
        """69003 gives département 69 in Auvergne-Rhône-Alpes."""
        n, warnings = _normaliser()
        acc = n.account({"Id": "0011", "Name": "Lyon A", "BillingPostalCode": "69003", "BillingCountry": "France",
                         "AnnualRevenue": 12000000.0, "SystemModstamp": STAMP})
        assert isinstance(acc, Account) and acc.departement == "69" and acc.country == "FR"
        assert acc.region == "Auvergne-Rhône-Alpes" and acc.annual_revenue == Decimal("12000000.0") and not warnings

    def test_an_account_keeps_the_pac_values_it_holds(self) -> None:
        """The account query reads ``PAC_Axes__c`` / ``PAC_Target__c`` back (audit longlife F1): each account keeps
        them (``HELD_PAC``) with its stamp and the length ``PAC_Axes__c`` keeps (255: the write cuts a longer list),
        the same over REST (JSON booleans, null) and over Bulk API 2.0 (cells the describe did not type: the text
        ``"true"``, an empty cell null); a row the query read them not on (an org lacking them) keeps none."""
        n, _ = _normaliser()
        base = {"Id": "0011", "Name": "Lyon A", "BillingPostalCode": "69003", "SystemModstamp": STAMP}
        rest = n.account({**base, "PAC_Axes__c": "AX-1; AX-2", "PAC_Target__c": True})
        bulk = n.account({**base, "PAC_Axes__c": "AX-1; AX-2", "PAC_Target__c": "true"})
        empty_rest = n.account({**base, "PAC_Axes__c": None, "PAC_Target__c": False})
        empty_bulk = n.account({**base, "PAC_Axes__c": None, "PAC_Target__c": "false"})
        lacking = n.account(base)
        at = "2027-05-04T10:00:00+00:00"
        assert isinstance(rest, Account) and isinstance(bulk, Account) and isinstance(lacking, Account)
        assert rest.custom[HELD_PAC] == bulk.custom[HELD_PAC] == {"axes": "AX-1; AX-2", "target": True, "at": at,
                                                                  "length": 255}
        assert isinstance(empty_rest, Account) and isinstance(empty_bulk, Account)
        assert empty_rest.custom[HELD_PAC] == empty_bulk.custom[HELD_PAC] == {"axes": None, "target": False,
                                                                              "at": at, "length": 255}
        assert HELD_PAC not in lacking.custom

    def test_us_country_spellings_read_as_us(self) -> None:
        """BillingCountry "U.S." and "United States of America" (free text on an org without state and country
        picklists) read as US, like "USA": a plan's `country: US` scope holds them."""
        n, warnings = _normaliser("salesforce.default.yaml")
        for written in ("United States", "USA", "U.S.", "United States of America", "us"):
            acc = n.account({"Id": "0019", "Name": "Chicago Tools", "BillingPostalCode": "60601",
                             "BillingCountry": written, "SystemModstamp": STAMP})
            assert isinstance(acc, Account) and (acc.country, acc.departement) == ("US", None), written
        assert not warnings

    def test_a_country_filler_and_an_overseas_departement(self) -> None:
        """« N/A » is an empty country (the default, FR: the 69), not Namibia; « Réunion » keeps the 974."""
        n, warnings = _normaliser("salesforce.default.yaml")
        acc = n.account({"Id": "0019", "Name": "Lyon", "BillingPostalCode": "69003", "BillingCountry": "N/A",
                         "SystemModstamp": STAMP})
        assert isinstance(acc, Account) and (acc.country, acc.departement) == ("FR", "69")
        acc = n.account({"Id": "0020", "Name": "Saint-Denis", "BillingPostalCode": "97400", "BillingCountry": "Réunion",
                         "SystemModstamp": STAMP})
        assert isinstance(acc, Account) and (acc.country, acc.departement) == ("RE", "974") and acc.region
        assert not warnings

    def test_unmappable_postal_code_is_a_warning_not_a_rejection(self) -> None:
        """A 4-digit French code keeps departement None and is reported as a warning."""
        n, warnings = _normaliser()
        acc = n.account({"Id": "0012", "Name": "Bourg", "BillingPostalCode": "1000", "SystemModstamp": STAMP})
        assert isinstance(acc, Account) and acc.departement is None and len(warnings) == 1

    def test_cedex_codes_and_codes_typed_with_their_town_are_placed(self) -> None:
        """Bastia's and Ajaccio's CEDEX codes, « 69289 CEDEX 02 » and « 69003 Lyon » give a département and its
        région, without a warning (audit matching F4, F5: no département, no région, a warning per account)."""
        n, warnings = _normaliser("salesforce.default.yaml")
        placed = {}
        for postal in ("20401", "20704", "69289 CEDEX 02", "69003 Lyon"):
            acc = n.account({"Id": "0014", "Name": "X", "BillingPostalCode": postal, "BillingCountry": "France",
                             "SystemModstamp": STAMP})
            assert isinstance(acc, Account)
            placed[postal] = (acc.departement, acc.region, acc.postal_code)
        assert placed == {"20401": ("2B", "Corse", "20401"), "20704": ("2A", "Corse", "20704"),
                          "69289 CEDEX 02": ("69", "Auvergne-Rhône-Alpes", "69289 CEDEX 02"),
                          "69003 Lyon": ("69", "Auvergne-Rhône-Alpes", "69003 Lyon")}
        assert not warnings

    def test_the_postal_code_warning_offers_what_exists(self) -> None:
        """A Corsican code in no known range is warned about with fixes that exist (correct it in the CRM, or a plan's
        postal_code scope), never "set the département explicitly", which no mapping key allows."""
        n, warnings = _normaliser("salesforce.default.yaml")
        acc = n.account({"Id": "0015", "Name": "X", "BillingPostalCode": "20300", "SystemModstamp": STAMP})
        assert isinstance(acc, Account) and acc.departement is None
        assert len(warnings) == 1 and warnings[0].startswith("salesforce.account_postal_code account=0015 problem=")
        assert "explicitly" not in warnings[0] and "correct it in the CRM" in warnings[0]

    def test_huge_and_script_names_are_data(self) -> None:
        """A script tag as a name and a 32,000-character field are kept as given."""
        n, _ = _normaliser()
        acc = n.account({"Id": "0013", "Name": "<script>alert(1)</script>", "Industry": "x" * 32000,
                         "BillingPostalCode": None, "SystemModstamp": STAMP})
        assert isinstance(acc, Account) and acc.name == "<script>alert(1)</script>" and len(acc.industry or "") == 32000

    def test_won_deal_with_lines_and_currency(self) -> None:
        """IsWon gives won; line items come from the subquery; the currency from CurrencyIsoCode."""
        n, _ = _normaliser()
        deal = n.deal({"Id": "0061", "Name": "D", "AccountId": "0011", "OwnerId": "0051", "IsWon": True,
                       "IsClosed": True, "Amount": 27000.0, "CloseDate": "2026-11-17", "CurrencyIsoCode": "CHF",
                       "IsDeleted": False, "SystemModstamp": STAMP,
                       "OpportunityLineItems": {"totalSize": 1, "done": True, "records": [
                           {"Product2": {"Name": "PX200"}, "Quantity": 2.0, "TotalPrice": 27000.0,
                            "ServiceDate": None}]}})
        assert isinstance(deal, Deal) and deal.stage is DealStage.WON and deal.currency == "CHF"
        assert deal.close_date == date(2026, 11, 17) and deal.lines[0].product == "PX200"

    def test_deal_without_amount_and_org_currency(self) -> None:
        """No amount stays None; a single-currency org's deals take org_currency; closed & not won is lost."""
        n, _ = _normaliser("salesforce.default.yaml")
        deal = n.deal({"Id": "0062", "IsWon": False, "IsClosed": True, "Amount": None, "CloseDate": "2027-01-01",
                       "SystemModstamp": STAMP, "OpportunityLineItems": None})
        assert isinstance(deal, Deal) and deal.amount is None and deal.currency == "EUR"
        assert deal.stage is DealStage.LOST

    def test_deal_filter_leaves_out_a_deal_as_deleted(self) -> None:
        """``deals.exclude`` leaves out a deal where any listed field holds one of its values (an empty field, a
        record type that is null, excludes nothing); ``deals.where`` keeps a deal only when every listed field holds
        one of its values (an empty field matches nothing). A deal left out comes back deleted, with no amount or
        line (it replaces a stored version: counted nowhere), and is counted in ``skipped``."""
        base, _ = _normaliser()

        def with_deals(**filters: object) -> Normaliser:
            raw = base.m.model_dump()
            raw["deals"].update(filters)
            return Normaliser("sf", SalesforceMapping.model_validate(raw))

        def opp(record_type: str | None, kind: str | None = "New Business") -> dict[str, object]:
            return {"Id": "0063", "Name": "P", "AccountId": "0011", "IsWon": True, "IsClosed": True, "Amount": 5e4,
                    "CloseDate": "2027-04-15", "SystemModstamp": STAMP, "Type": kind,
                    "RecordType": None if record_type is None else {"DeveloperName": record_type},
                    "OpportunityLineItems": {"totalSize": 1, "done": True, "records": [
                        {"Product2": {"Name": "MAINT"}, "Quantity": 1.0, "TotalPrice": 5e4}]}}

        exclude = with_deals(exclude={"RecordType.DeveloperName": ["Partner_Deal"], "Type": ["Interne"]})
        gone = exclude.deal(opp("Partner_Deal"))
        assert isinstance(gone, Deal) and gone.deleted and gone.amount is None and gone.lines == ()
        assert gone.stage is DealStage.WON and gone.modified_at is not None
        assert exclude.deal(opp("Standard", "Interne")).deleted is True           # any listed field: left out
        kept = [exclude.deal(opp(rt)) for rt in ("Standard", None)]
        assert [(d.deleted, d.amount) for d in kept] == [(False, Decimal("50000"))] * 2   # type: ignore[union-attr]
        assert exclude.skipped == {"deals_exclude": 2}
        where = with_deals(where={"RecordType.DeveloperName": ["Standard"], "Type": ["New Business"]})
        assert [where.deal(opp(rt)).deleted for rt in ("Standard", None, "Partner_Deal")] == [  # type: ignore[union-attr]
            False, True, True]
        assert where.deal(opp("Standard", None)).deleted is True                 # every listed field: kept
        assert where.skipped == {"deals_where": 3}

    def test_user_email_lower_cased(self) -> None:
        """E-mails are the identity across CRMs: lower-cased."""
        n, _ = _normaliser()
        user = n.user({"Id": "0051", "Email": "Sophie.Bernard@Durand-Process.example", "Name": "S",
                       "IsActive": True, "SystemModstamp": STAMP})
        assert isinstance(user, User) and user.email == "sophie.bernard@durand-process.example"
