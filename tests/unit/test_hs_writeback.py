"""Building HubSpot write inputs: formats, owner lookup, PAC-only fields, fallback tasks."""

import logging
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from connectors.base import ApiUsage, Target, TransientError, WriteChange
from connectors.hubspot.associations import LinkFailed, Links, created_links, multi_status
from connectors.hubspot.schema import ACTION_PROPS, AXIS_PROPS, Prop, refused_option_fix, task_status
from connectors.hubspot.transport import BadRequest, Conflict, NotFound, Reply
from connectors.hubspot.writeback import SPLIT_CALLS, TASKS, Writer, fmt
from pac_core.kpis import ROI_HELP


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
        was sent as "2027-05-23". The task's due date itself is noon UTC of that day (``due_instant``)."""
        stamp = Prop("hs_timestamp", "", "datetime", "date")
        assert fmt(stamp, "2027-05-23") == "1811030400000"           # 2027-05-23T00:00:00Z
        assert fmt(stamp, "2027-05-23T08:30:00+00:00") == "1811061000000"
        assert fmt(ACTION_PROPS["window_end"], "2027-05-23") == "2027-05-23"
        assert fmt(stamp, "soon") == "soon"
        task = _writer(fallback=True)._task_props(WriteChange(Target.ACTION, "pac-2027:A-1", {
            "name": "Visiter", "window_end": "2027-05-23", "status": "planned"}))
        assert isinstance(task, dict) and task["hs_timestamp"] == "1811073600000"    # 2027-05-23T12:00:00Z


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
        """In fallback mode an action is a task: subject, due date = noon UTC of the window's last day, status
        (hs_task_status only COMPLETED or NOT_STARTED, the action's own in pac_status), owner."""
        where, props = _writer(fallback=True)._inputs(WriteChange(Target.ACTION, "pac:A-01", {
            "name": "Visiter 5 clients dormants", "window_end": date(2027, 5, 9), "status": "in_progress",
            "owner_email": "lea.rousseau@durand-process.example"}))
        assert where == ("tasks", TASKS)       # found by pac_key, then updated by id or created: never upserted
        assert props["hs_task_subject"] == "Visiter 5 clients dormants"
        assert props["hs_timestamp"] == "1809864000000"      # 2027-05-09T12:00:00Z
        assert props["hs_task_status"] == "NOT_STARTED" and props["pac_status"] == "in_progress"
        assert props["hubspot_owner_id"] == "102" and props["pac_key"] == "pac:A-01"

    @pytest.mark.parametrize(("status", "written"), [("planned", "NOT_STARTED"), ("in_progress", "NOT_STARTED"),
                                                     ("done", "COMPLETED"), ("cancelled", "COMPLETED")])
    def test_task_status_is_one_the_tasks_guide_documents(self, status, written):
        """hs_task_status gets COMPLETED or NOT_STARTED only; read back with pac's status it is that status again
        (no false edit), and a person's change of it reads as done / planned."""
        props = _writer(fallback=True)._task_props(WriteChange(Target.ACTION, "pac:A-01", {"status": status}))
        assert isinstance(props, dict) and props["hs_task_status"] == written and props["pac_status"] == status
        assert task_status(written, status) == status
        flipped = "NOT_STARTED" if written == "COMPLETED" else "COMPLETED"
        assert task_status(flipped, status) == ("planned" if flipped == "NOT_STARTED" else "done")
        assert task_status("DEFERRED", status) == "cancelled" and task_status("nonsense", status) is None

    def test_fallback_axis_has_no_home(self):
        """In fallback mode axes are not stored in HubSpot (nothing to send)."""
        assert _writer(fallback=True)._inputs(WriteChange(Target.AXIS, "pac:AX", {"name": "x"}))[0] is None


class TestProgressLabels:
    def test_axis_progress_is_the_additional_revenue_progress_action_progress_done_over_target(self) -> None:
        """One property name, ``pac_progress_pct``, labelled for what pac writes on each object (audit F4)."""
        assert [AXIS_PROPS["progress_pct"].label_in(lang) for lang in ("en", "fr")] == [
            "Additional revenue progress (%)", "Avancement du CA supplémentaire (%)"]
        assert [ACTION_PROPS["progress_pct"].label_in(lang) for lang in ("en", "fr")] == ["Progress (%)",
                                                                                           "Avancement (%)"]


class TestKpiLabels:
    def test_kpi_and_advice_properties_are_labelled_in_french(self) -> None:
        """``--lang fr`` labels the KPI, KPIs and advice properties in French, the words of the KPI vocabulary and
        of Salesforce's French labels, unit suffix kept (audit E F10: "Win rate (%)" under fr)."""
        fr = {k: AXIS_PROPS[k].label_in("fr") for k in ("kpi_win_rate", "kpi_reactivation_rate",
                                                        "kpi_average_won_deal", "kpi_new_accounts", "kpis", "advice")}
        assert fr == {"kpi_win_rate": "Taux de réussite (%)", "kpi_reactivation_rate": "Taux de réactivation (%)",
                      "kpi_average_won_deal": "Montant moyen des affaires gagnées",
                      "kpi_new_accounts": "Nouveaux comptes",
                      "kpis": "Indicateurs", "advice": "Recommandation"}
        assert AXIS_PROPS["kpi_win_rate"].label_in("en") == "Win rate (%)"
        assert AXIS_PROPS["kpis"].label_in("en") == "KPIs"


class TestRoiLabel:
    def test_pac_roi_says_it_is_a_ratio_to_date(self) -> None:
        """``pac_roi`` holds a ratio (0.1875 for the report's 19 %) beside properties in percent: its label says so,
        in both languages, and its description (where the properties API creates it) gives the formula (audit E
        F9: labelled « ROI », read as 0.19 %)."""
        prop = AXIS_PROPS["roi"]
        # English writes "100%" (usplan audit, minor list: the French space leaked into an --lang en portal)
        assert [prop.label_in(lang) for lang in ("en", "fr")] == ["ROI to date (1 = 100%)", "ROI à date (1 = 100 %)"]
        assert prop.relabel_body({"label": "ROI to date (1 = 100 %)", "description": ROI_HELP[0]}, "en") \
            == {"label": "ROI to date (1 = 100%)"}
        assert "0.1875" in prop.create_body("pac", "en")["description"]
        assert "cost to date" in prop.create_body("pac", "en")["description"]
        body = prop.create_body("pac", "fr")
        assert body["label"] == "ROI à date (1 = 100 %)"
        assert "0,1875" in body["description"] and "coût au prorata" in body["description"]
        # HubSpot's PropertyUpdate takes a description (audit hspkg F4): a relabel sends it where it differs
        assert prop.relabel_body({"label": "ROI", "description": ""}, "fr") == {"label": "ROI à date (1 = 100 %)",
                                                                               "description": ROI_HELP[1]}
        assert prop.relabel_body({"label": "ROI à date (1 = 100 %)", "description": ROI_HELP[1]}, "fr") is None
        assert "description" not in AXIS_PROPS["objective"].create_body("pac", "fr")


class TestMultiStatusLinks:
    """Which links of an associations ``batch/create`` or ``batch/archive`` a 207 multi-status answer refused
    (HubSpot's error-handling guide: "207 Multi-Status: Returned when there are different statuses (e.g., errors
    and successes)"). Ignored before: a refused link was counted as made and never tried again."""

    BATCH = (("a1", "c1"), ("a1", "c2"), ("a2", "c3"))

    def test_an_answer_without_errors_refuses_nothing(self):
        assert multi_status({"status": "COMPLETE", "results": []}, self.BATCH, confirmed=set()) == []
        assert multi_status(None, self.BATCH, confirmed=None) == []      # batch/archive's 204, no body

    def test_an_error_naming_an_id_fails_the_links_of_that_id_with_hubspots_message(self):
        data = {"results": [{"fromObjectId": "a1", "toObjectId": "c1"}], "numErrors": 1,
                "errors": [{"status": "error", "category": "OBJECT_NOT_FOUND", "message": "No object with id c2",
                            "context": {"ids": ["c2"]}}]}
        assert multi_status(data, self.BATCH, confirmed={("a1", "c1")}) == [
            LinkFailed("a1", "c2", "No object with id c2")]

    def test_errors_naming_no_link_fail_those_absent_from_the_results(self):
        """HubSpot documents an error's ``context`` as a free map: with none of the batch's ids in it, a created
        link is one the answer lists; the others failed, with the answer's messages."""
        data = {"results": [{"fromObjectId": 7, "toObjectId": 8}, {"fromObjectId": "a2", "toObjectId": "c3"}],
                "errors": [{"category": "INTERNAL_ERROR", "message": "try again", "context": {}}]}
        failed = multi_status(data, [("7", "8"), *self.BATCH], confirmed=created_links(data))
        assert failed == [LinkFailed("a1", "c1", "try again"), LinkFailed("a1", "c2", "try again")]

    def test_an_archive_answer_with_anonymous_errors_fails_its_whole_batch(self):
        """``batch/archive`` lists no results: with errors naming none of its links, every one is tried again."""
        data = {"errors": [{"category": "RATE_LIMITS", "message": "busy"}]}
        assert [(f.from_id, f.to_id) for f in multi_status(data, self.BATCH, confirmed=None)] == list(self.BATCH)


def test_a_refused_option_names_the_fix_in_hubspots_own_words() -> None:
    """HubSpot's batch refusal of a value a PAC dropdown lacks ("Property values were not valid", the option's
    INVALID_OPTION inside) gets the fix `pac crm check` gives; any other refusal is left as HubSpot said it."""
    real = ('Property values were not valid: [{"isValid":false,"message":"removed was not one of the allowed '
            'options: [label: \\"Done\\"\\nvalue: \\"done\\"]","error":"INVALID_OPTION","name":"pac_pace"}]')
    assert refused_option_fix(real) == ("pac_pace lacks the option 'removed' (a portal provisioned by an older pac): "
                                        "run `pac crm provision hubspot`, which adds it; pac crm check names every "
                                        "such option")
    assert refused_option_fix('behind was not one of the allowed options for property "pac_pace"') == ""
    assert refused_option_fix('Property "pac_pace" does not exist') == ""


class RefusingPortal:
    """A transport whose batch upserts are refused whole (400 VALIDATION_ERROR) while they hold a ``bad`` key, as
    HubSpot answers an upsert with one invalid value; it records each batch sent."""

    def __init__(self, bad: set[str]) -> None:
        self.bad, self.sent, self.usage = bad, [], ApiUsage()

    def call(self, what, api, method, object_type, body):
        keys = [i["id"] for i in body["inputs"]]
        assert [i["objectWriteTraceId"] for i in body["inputs"]] == keys     # unique per input: its pac_key
        self.sent.append(keys)
        if self.bad & set(keys):
            raise BadRequest(f"HubSpot {what}: HTTP 400 VALIDATION_ERROR: Property values were not valid",
                             {"status": "error", "category": "VALIDATION_ERROR"})
        return Reply(200, {"results": [{"id": f"id-{k}", "properties": {"pac_key": k}} for k in keys]})


class TestWholeBatchRefused:
    """HubSpot refuses a batch upsert or update whole (400 VALIDATION_ERROR) for one invalid input: the multi-status
    answer is documented for batch create only (audit writefail F2)."""

    @staticmethod
    def _write(portal, n=100):
        writer = Writer(transport=portal, fallback=False, owner_id={}.get, axis_type="2-1001", action_type=None)
        return writer.write([WriteChange(Target.AXIS, f"p:AX-{i:03d}", {"name": f"Axis {i}"}) for i in range(n)])

    def test_one_bad_input_of_100_is_isolated_in_14_more_calls(self):
        portal = RefusingPortal({"p:AX-042"})
        results = self._write(portal)
        assert [r.key for r in results if not r.ok] == ["p:AX-042"]
        assert "VALIDATION_ERROR" in results[42].error and not results[42].retryable
        assert len(portal.sent) == 1 + 14

    def test_the_extra_calls_are_bounded_and_what_was_not_isolated_is_refused_with_the_batchs_message(self):
        """Ten bad inputs spread over the batch: no more than ``SPLIT_CALLS`` more calls; the good inputs of the
        parts left whole are refused (sent again next run), saying the bad one was not found among them."""
        bad = {f"p:AX-{i:03d}" for i in range(5, 100, 10)}
        portal = RefusingPortal(bad)
        results = self._write(portal)
        assert len(portal.sent) == 1 + SPLIT_CALLS
        assert {r.key for r in results if not r.ok} >= bad
        whole = [r for r in results if not r.ok and r.key not in bad]
        assert whole and all("not found among these" in r.error for r in whole)
        assert sum(r.ok for r in results) == len(results) - len(bad) - len(whole) > 0


class GonePortal:
    """A fallback portal (companies updated by id, tasks upserted by pac_key) where the company ``gone`` was deleted
    since pac read it: a batch update naming it is refused whole, by ``refusal`` (HubSpot documents its multi-status
    answer for the batch create endpoints only, and does not say with which status a batch update naming a missing
    record is refused); deals are read from ``deals`` (company -> deal ids) and their batch update refused with
    ``deal_refusal`` when set; ``refusal`` None answers it 207 ``OBJECT_NOT_FOUND`` naming ``gone``. It records each
    batch sent."""

    def __init__(self, gone: str, refusal: Exception | None, deals: dict[str, list[str]] | None = None,
                 deal_refusal: Exception | None = None) -> None:
        self.gone, self.refusal, self.deals, self.deal_refusal = gone, refusal, deals or {}, deal_refusal
        self.sent: list[tuple[str, list[str]]] = []
        self.usage = ApiUsage()

    def call(self, what, api, method, *args, search=False):
        if search:      # the tasks' search by pac_key: none held yet
            return Reply(200, {"total": 0, "results": []})
        if method == "get_page":        # associations: companies -> deals, deals -> companies
            from_type, _to, body = args
            ids = [i["id"] for i in body["inputs"]]
            if from_type == "companies":
                found = {c: [{"toObjectId": d} for d in self.deals.get(c, [])] for c in ids}
            else:
                found = {d: [{"toObjectId": c, "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": 5}]}
                             for c, ds in self.deals.items() if d in ds] for d in ids}
            return Reply(200, {"results": [{"from": {"id": i}, "to": tos} for i, tos in found.items() if tos]})
        object_type, body = args
        ids = [str(i.get("id") or i["properties"]["pac_key"]) for i in body["inputs"]]
        self.sent.append((object_type, ids))
        if object_type == "deals" and self.deal_refusal is not None:
            raise self.deal_refusal
        if object_type == "companies" and self.gone in ids:
            if self.refusal is None:        # a 207 naming it, as the documentation-emulated portal answers
                return Reply(207, {"status": "COMPLETE", "numErrors": 1,
                                   "results": [{"id": i, "properties": {}} for i in ids if i != self.gone],
                                   "errors": [{"status": "error", "category": "OBJECT_NOT_FOUND",
                                               "message": "Could not get some COMPANY objects, they may be deleted "
                                                          "or not exist.", "context": {"ids": [self.gone]}}]})
            raise self.refusal
        if method == "create":
            return Reply(201, {"results": [{"id": f"t-{k}", "properties": {"pac_key": k}} for k in ids]})
        return Reply(200, {"results": [{"id": i, "properties": {}} for i in ids]})


class TestTargetGoneSinceRead:
    """A company deleted in HubSpot after the night's pull (or deleted for good, a GDPR deletion: in no archived list,
    so live in pac's store until the next full read) and named by a batch update (audit hswrite F1). The update is
    refused whole; with a 404, or a 400 whose category is not VALIDATION_ERROR, pac refused the 99 other companies of
    the batch or stopped the night's write (the tasks after it never sent); now the batch is split until the missing
    company is alone, as for an invalid input."""

    STAMP = "2027-05-20T16:00:00+00:00"

    def _write(self, portal):
        writer = Writer(transport=portal, fallback=True, owner_id={}.get, axis_type=None, action_type=None)
        changes = [WriteChange(Target.ACCOUNT, f"hs:{100 + i}", {"last_synced": self.STAMP}, crm_id=str(100 + i))
                   for i in range(100)]
        changes.append(WriteChange(Target.ACTION, "p:A-01", {"status": "planned"}))
        return writer.write(changes)

    @pytest.mark.parametrize("refusal", [
        NotFound("HubSpot batch_update.companies: HTTP 404: Object not found.  objectId are usually numeric."),
        BadRequest("HubSpot batch_update.companies: HTTP 400 OBJECT_NOT_FOUND: Object not found",
                   {"status": "error", "category": "OBJECT_NOT_FOUND"})], ids=["404", "400 OBJECT_NOT_FOUND"])
    def test_the_other_companies_and_the_tasks_are_written(self, refusal):
        """Companies 100..199, 142 deleted: 99 written, 142 refused with HubSpot's message, the task written. One
        missing input of 100 is alone after 2 x ceil(log2 100) = 14 more calls: 1 + 14 company calls, 1 task call.
        Failed before the fix: the 404 went up out of ``write`` (NotFound), the 400 refused all 100 companies."""
        portal = GonePortal("142", refusal)
        results = self._write(portal)
        refused = [r for r in results if not r.ok]
        assert [r.key for r in refused] == ["hs:142"] and "Object not found" in refused[0].error
        assert sum(r.ok for r in results[:100]) == 99
        assert results[100].ok and results[100].crm_id == "t-p:A-01"
        assert [t for t, _ in portal.sent].count("companies") == 1 + 14

    @pytest.mark.parametrize("refusal", [
        None,
        NotFound("HubSpot batch_update.companies: HTTP 404: Object not found.  objectId are usually numeric."),
        BadRequest("HubSpot batch_update.companies: HTTP 400 OBJECT_NOT_FOUND: Object not found",
                   {"status": "error", "category": "OBJECT_NOT_FOUND"})],
        ids=["207 OBJECT_NOT_FOUND", "404", "400 OBJECT_NOT_FOUND"])
    def test_the_deleted_company_is_retried_not_left_to_the_admin(self, refusal):
        """Nothing in HubSpot is to fix for a company deleted since the night's read: the next run lists it archived
        and retires it (a permanent deletion, the next full read), then writes to it no more (audit hsdocs F2). Its
        failure is retryable ("retried next run") and says why, in the words Salesforce's ENTITY_IS_DELETED uses
        (audit sfdocs F2). Seen failing before the fix: not retryable ("sent again each night until fixed in the
        CRM"), no hint."""
        results = self._write(GonePortal("142", refusal))
        [refused] = [r for r in results if not r.ok]
        assert refused.key == "hs:142" and refused.retryable, refused
        assert "deleted in HubSpot since tonight's read" in (refused.error or ""), refused.error
        assert "permanent deletion" in (refused.error or ""), refused.error
        assert sum(r.ok for r in results) == 100

    def test_a_refused_copy_onto_the_deals_is_logged_not_fatal(self):
        """Fallback: a company's axes are copied onto its deals after the writes, "logged, never fatal"; a 409
        CONFLICT (another process writing the deal) or a 404 (a deal deleted since its associations were read) on that
        copy went up out of ``write`` and the night's write stopped, the company and task written but not recorded.
        Failed before the fix: Conflict raised."""
        for refusal in (Conflict("HubSpot batch_update.deals: HTTP 409: Conflict"),
                        NotFound("HubSpot batch_update.deals: HTTP 404: Object not found")):
            portal = GonePortal("none", refusal, deals={"100": ["900"]}, deal_refusal=refusal)
            writer = Writer(transport=portal, fallback=True, owner_id={}.get, axis_type=None, action_type=None)
            results = writer.write([WriteChange(Target.ACCOUNT, "hs:100", {"axes": ["AX-1"]}, crm_id="100"),
                                    WriteChange(Target.ACTION, "p:A-01", {"status": "planned"})])
            assert [r.ok for r in results] == [True, True]
            assert ("deals", ["900"]) in portal.sent


class LinkPortal:
    """A transport answering associations calls: reads from ``held`` (from id -> to ids), creates confirmed but for
    the pairs naming ``refused`` (a 207 naming that id), archives done; it records the ids each read asked for."""

    def __init__(self, held: dict[str, set[str]], refused: str = "") -> None:
        self.held, self.refused, self.reads, self.usage = held, refused, [], ApiUsage()

    def call(self, what, api, method, *args):
        if method == "get_all":
            return Reply(200, {"results": [{"category": "USER_DEFINED", "typeId": 7, "label": None}]})
        if method == "get_page":
            ids = [i["id"] for i in args[2]["inputs"]]
            self.reads.append(ids)
            return Reply(200, {"results": [{"from": {"id": i}, "to": [{"toObjectId": t} for t in sorted(
                self.held.get(i, set()))]} for i in ids if self.held.get(i)]})
        if method == "archive":
            return Reply(204, None)
        pairs = [(i["from"]["id"], i["to"]["id"]) for i in args[2]["inputs"]]
        errors = [{"category": "OBJECT_NOT_FOUND", "message": f"No object with id {self.refused}",
                   "context": {"ids": [self.refused]}}] if any(self.refused in p for p in pairs) else []
        return Reply(207 if errors else 201, {"results": [{"fromObjectId": f, "toObjectId": t} for f, t in pairs
                                                          if self.refused not in (f, t)], "errors": errors})


class TestKnownLinks:
    """``Links`` reads no link it knows (audit quota2 F2): a record the run created has those the run made, one it
    read and settled those it left; a record whose link failed is read again."""

    def test_created_and_settled_records_are_not_read_but_a_failed_one_is(self):
        portal = LinkPortal({"c1": {"old"}})
        links = Links(portal)
        links.note_created("A", ["a1", "a2"])
        assert links.settle("A", "B", {"a1": {"b1"}, "a2": set()}) == [] and portal.reads == []
        assert links.current("A", "B", ["a1", "a2"]) == {"a1": {"b1"}, "a2": set()} and portal.reads == []
        assert links.settle("C", "A", {"c1": {"a1"}}) == [] and portal.reads == [["c1"]]
        assert links.current("C", "A", ["c1"]) == {"c1": {"a1"}} and portal.reads == [["c1"]]   # settled: known
        assert links.current("A", "C", ["a1"]) == {"a1": {"c1"}} and portal.reads == [["c1"]]   # made both ways
        portal.refused = "b9"
        [failed] = links.settle("A", "B", {"a2": {"b9"}})
        assert (failed.from_id, failed.to_id) == ("a2", "b9")
        links.current("A", "B", ["a1", "a2"])
        assert portal.reads == [["c1"], ["a2"]]         # a2's links are unknown after the failure: read

    def test_a_type_the_portal_held_none_of_has_only_the_runs_links(self):
        portal = LinkPortal({"c1": {"x"}})
        links = Links(portal)
        links.note_none("A")
        links.note_created("A", ["a1"])
        assert links.settle("C", "A", {"c1": {"a1"}, "c2": set()}) == [] and portal.reads == []
        assert links.current("C", "B", ["c1"]) == {"c1": {"x"}} and portal.reads == [["c1"]]   # another type: read


class TasksPortal:
    """A fallback portal's tasks (id -> properties), served as HubSpot documents them: a search with a ``pac_key IN``
    filter, batch update by id (207 ``OBJECT_NOT_FOUND`` naming a deleted task's id, or, with ``whole_404``, the
    whole batch refused 404: the status of that refusal is not documented), batch create (each result with its
    properties). ``lose`` answers: the creates of that many calls are applied, their answer lost (a transient
    fault). No upsert: tasks take no unique-value property. It records each call (verb, ids or keys)."""

    def __init__(self, tasks: dict[str, dict[str, str]] | None = None, *, whole_404: bool = False,
                 lose: int = 0) -> None:
        self.tasks = tasks or {}
        self.whole_404, self.lose = whole_404, lose
        self.calls: list[tuple[str, list[str]]] = []
        self.next_id = 1000
        self.usage = ApiUsage()

    def call(self, what, api, method, *args, search=False):
        object_type, body = args
        assert object_type == "tasks"
        if search:
            [group] = body["filterGroups"]
            [flt] = [f for f in group["filters"] if f["propertyName"] == "pac_key"]
            assert flt["operator"] == "IN" and len(flt["values"]) <= 100
            self.calls.append(("search", list(flt["values"])))
            found = [{"id": i, "properties": {**p, "hs_lastmodifieddate": "2027-05-20T16:00:00Z"}}
                     for i, p in sorted(self.tasks.items(), key=lambda t: int(t[0])) if p["pac_key"] in flt["values"]]
            return Reply(200, {"total": len(found), "results": found})
        assert method in ("update", "create"), method      # never an upsert
        inputs = body["inputs"]
        if method == "update":
            ids = [str(i["id"]) for i in inputs]
            self.calls.append(("update", ids))
            gone = [i for i in ids if i not in self.tasks]
            if gone and self.whole_404:
                raise NotFound("HubSpot batch_update.tasks: HTTP 404: Object not found")
            for i in inputs:
                if str(i["id"]) in self.tasks:
                    self.tasks[str(i["id"])].update(i["properties"])
            errors = [{"status": "error", "category": "OBJECT_NOT_FOUND", "message": "Could not get some TASK objects",
                       "context": {"ids": gone}}] if gone else []
            return Reply(207 if gone else 200, {"results": [{"id": i, "properties": self.tasks[i]} for i in ids
                                                            if i in self.tasks], "errors": errors})
        keys = [i["properties"]["pac_key"] for i in inputs]
        self.calls.append(("create", keys))
        made = []
        for i in inputs:
            self.next_id += 1
            self.tasks[str(self.next_id)] = dict(i["properties"])
            made.append({"id": str(self.next_id), "properties": dict(i["properties"])})
        if self.lose:
            self.lose -= 1
            raise TransientError("HubSpot batch_create.tasks: read timed out")
        return Reply(201, {"results": made})

    def held(self, key: str) -> list[str]:
        return [i for i, p in self.tasks.items() if p.get("pac_key") == key]


def _task_writer(portal: TasksPortal) -> Writer:
    """A new run's writer (nothing known of the tasks but what the store keeps: each change's ``crm_id``)."""
    return Writer(transport=portal, fallback=True, owner_id={}.get, axis_type=None, action_type=None)


def _task(key: str, target: int = 5, crm_id: str | None = None) -> WriteChange:
    return WriteChange(Target.ACTION, key, {"name": "Visiter", "window_end": "2027-05-23", "status": "planned",
                                            "target": target}, crm_id=crm_id)


class TestTasksFoundThenUpdatedOrCreated:
    """Fallback tasks without an upsert (audit hstasks; hsdocs F1: HubSpot documents unique-value properties, which an
    upsert's ``idProperty`` must be, for companies, deals, tickets, custom objects and contacts only). Each failed
    before the fix: the writer sent one batch upsert by ``pac_key``, which this portal does not serve."""

    def test_a_create_whose_answer_was_lost_is_found_not_made_twice(self):
        """Night 1: the create is applied but its answer lost (retryable, nothing recorded, no id). Night 2: the
        search finds the task, which is updated by id: one task, never two."""
        portal = TasksPortal(lose=1)
        [lost] = _task_writer(portal).write([_task("p:A-01")])
        assert not lost.ok and lost.retryable and portal.held("p:A-01") == ["1001"]
        [again] = _task_writer(portal).write([_task("p:A-01", target=6)])
        assert again.ok and again.crm_id == "1001" and not again.created
        assert portal.held("p:A-01") == ["1001"] and portal.tasks["1001"]["pac_target"] == "6"
        assert portal.calls[2:] == [("search", ["p:A-01"]), ("update", ["1001"])]

    @pytest.mark.parametrize("whole_404", [False, True], ids=["207 OBJECT_NOT_FOUND", "404 whole batch"])
    def test_a_task_the_rep_deleted_is_created_again(self, whole_404):
        """Task 7 (the id pac last wrote to, kept by the store) was deleted: the update is answered not found (a 207
        naming it, or the batch refused 404 and split until it is alone), and the task is created again whole
        (subject, due date), ``created`` (the pipeline sends the rest); task 8 of the batch is updated."""
        portal = TasksPortal({"8": {"pac_key": "p:A-02"}}, whole_404=whole_404)
        results = _task_writer(portal).write([_task("p:A-01", crm_id="7"), _task("p:A-02", crm_id="8")])
        assert [(r.ok, r.created) for r in results] == [(True, True), (True, False)]
        [new] = portal.held("p:A-01")
        assert results[0].crm_id == new != "7" and results[1].crm_id == "8"
        assert portal.tasks[new]["hs_task_subject"] == "Visiter" and portal.tasks[new]["hs_timestamp"]
        assert portal.calls[-1] == ("create", ["p:A-01"])

    def test_several_tasks_of_one_key_the_lowest_is_written_the_others_reported_once(self, caplog):
        """Tasks 99 and 100 carry p:A-01 (a copy made by hand): 99, the lowest id (as a number: "100" < "99" as
        text), is written, 100 left as it is and named once in the run's warnings though the run writes the key
        twice; nothing is created."""
        portal = TasksPortal({"100": {"pac_key": "p:A-01", "pac_target": "1"},
                              "99": {"pac_key": "p:A-01", "pac_target": "1"}})
        writer = _task_writer(portal)
        with caplog.at_level(logging.WARNING, logger="connectors.hubspot.writeback"):
            [first] = writer.write([_task("p:A-01", target=6)])
            again = Writer(transport=portal, fallback=True, owner_id={}.get, axis_type=None, action_type=None,
                           task_ids=writer.task_ids, duplicates=writer.duplicates).write([_task("p:A-01", target=7)])
        assert first.ok and first.crm_id == "99" and again[0].crm_id == "99"
        assert portal.tasks["99"]["pac_target"] == "7" and portal.tasks["100"]["pac_target"] == "1"
        warned = [r.getMessage() for r in caplog.records if "duplicate_tasks" in r.getMessage()]
        assert len(warned) == 1 and "written=99 others=100" in warned[0]
        assert [verb for verb, _ in portal.calls] == ["search", "update", "update"]   # the run knows 99: no search

    def test_a_batch_is_one_search_of_its_keys_then_one_update_and_one_create(self):
        """150 tasks to write, 100 per batch, 40 of them held: per batch one ``pac_key IN`` search of at most 100
        values, one update of those found, one create of the others. The same keys written again in the same run
        (its recreated records' rest) search nothing: a task just created may not be in search yet."""
        keys = [f"p:A-{i:03d}" for i in range(150)]
        portal = TasksPortal({str(10 + i): {"pac_key": keys[i * 3]} for i in range(40)})
        writer = _task_writer(portal)
        results = writer.write([_task(k) for k in keys])
        assert all(r.ok for r in results) and len({r.crm_id for r in results}) == 150
        assert [verb for verb, _ in portal.calls] == ["search", "update", "create", "search", "update", "create"]
        assert [len(ids) for verb, ids in portal.calls if verb == "search"] == [100, 50]
        assert all(len(portal.held(k)) == 1 for k in keys)
        before = len(portal.calls)
        writer.write([_task(k, target=9) for k in keys[:3]])
        assert portal.calls[before:] == [("update", [r.crm_id for r in results[:3]])]
