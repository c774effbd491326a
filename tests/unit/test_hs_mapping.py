"""The HubSpot mapping file: shipped defaults load, every problem is located and reported at once."""

from pathlib import Path

from connectors.hubspot.mapping import LEFT_VOICEMAIL, check_mapping_offline, default_mapping_path, load_mapping
from pac_core.plan import ActivityType
from pac_core.records import ActivityStatus


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hubspot.yaml"
    path.write_text(text, encoding="utf-8")
    return path


class TestShippedMapping:
    def test_default_is_valid(self):
        """The shipped mapping has no problem and maps 'Visite client' meetings to visits."""
        assert check_mapping_offline(default_mapping_path()) == []
        assert load_mapping().activities.meetings.types["Visite client"] is ActivityType.VISIT

    def test_reads_only_mapped_properties(self):
        """A pull asks for the mapped properties only (plus hs_lastmodifieddate, the merged ids of companies and
        deals, and the deals' createdate)."""
        props = load_mapping().read_properties()
        assert props["companies"] == sorted(["name", "zip", "country", "industry", "type", "annualrevenue",
                                             "hubspot_owner_id", "hs_lastmodifieddate", "hs_merged_object_ids"])
        assert "hs_merged_object_ids" in props["deals"] and "hs_merged_object_ids" not in props["calls"]
        assert "createdate" in props["deals"]      # pipeline created: asked for, not left to the answer's createdAt


class TestOfflineProblems:
    def test_unknown_key_is_located_with_suggestion(self, tmp_path):
        """A misspelt key names file, line, key path and the closest known key."""
        path = _write(tmp_path, "crm: hubspot\ncompanies:\n  postal_cod: zip\n")
        problems = check_mapping_offline(path)
        assert len(problems) == 1
        text = str(problems[0])
        assert f"{path}:3" in text and "companies.postal_cod" in text and "postal_code" in text

    def test_all_problems_at_once(self, tmp_path):
        """A bad activity type and a bad status are both reported in one pass."""
        path = _write(tmp_path, "activities:\n  meetings:\n    types:\n      Visite: visite\n"
                                "    no_outcome: done\n")
        problems = check_mapping_offline(path)
        paths = {p.path for p in problems}
        assert {"activities.meetings.types.Visite", "activities.meetings.no_outcome"} <= paths
        assert problems and all(p.line for p in problems)

    def test_override_for_unread_pipeline(self, tmp_path):
        """A stage override under a pipeline the mapping does not read is reported."""
        path = _write(tmp_path, "deals:\n  pipelines: [default]\n  stage_overrides:\n"
                                "    maintenance: {'1002': won}\n")
        problems = check_mapping_offline(path)
        assert [p.path for p in problems] == ["deals.stage_overrides.maintenance"]

    def test_yaml_syntax_error_is_a_problem(self, tmp_path):
        """A YAML syntax error becomes one located problem, not a crash."""
        problems = check_mapping_offline(_write(tmp_path, "companies: [\n"))
        assert len(problems) == 1 and "YAML" in problems[0].message


class TestTaskSection:
    """``activities.tasks`` (opt-in HubSpot tasks): its mistakes are named with file, line, key and fix."""

    def test_shipped_section_is_off_and_reads_quote_follow_ups_once_on(self):
        tasks = load_mapping().activities.tasks
        assert tasks.enabled is False and tasks.default_type is None and tasks.types == {}
        assert tasks.subjects["Relance devis"] is ActivityType.QUOTE_FOLLOW_UP
        assert tasks.read_types() == {ActivityType.QUOTE_FOLLOW_UP}

    def test_misspelt_key_names_file_line_key_and_fix(self, tmp_path):
        path = _write(tmp_path, "activities:\n  tasks:\n    enabled: true\n    subject: {Relance devis: "
                                "quote_follow_up}\n")
        [problem] = check_mapping_offline(path)
        assert (problem.file, problem.line, problem.path, problem.message, problem.fix) == (
            str(path), 4, "activities.tasks.subject", "unknown key 'subject'", "did you mean 'subjects'?")

    def test_unknown_activity_type_is_located(self, tmp_path):
        path = _write(tmp_path, "activities:\n  tasks:\n    types:\n      CALL: appel\n")
        [problem] = check_mapping_offline(path)
        assert (problem.line, problem.path) == (4, "activities.tasks.types.CALL")

    def test_codes_not_upper_case_and_empty_keyword(self, tmp_path):
        """hs_task_type and hs_task_status values are codes compared upper-cased: 'call' would never match; an
        empty keyword would match every task."""
        path = _write(tmp_path, "activities:\n  tasks:\n    types:\n      call: call\n    statuses:\n"
                                "      Completed: completed\n    subjects:\n      ' - ': quote_follow_up\n")
        problems = check_mapping_offline(path)
        assert [(p.line, p.path, p.fix) for p in problems] == [
            (4, "activities.tasks.types.call", "write CALL"),
            (6, "activities.tasks.statuses.Completed", "write COMPLETED"),
            (8, "activities.tasks.subjects. - ", "write the words a task's subject holds, e.g. 'Relance devis'")]

    def test_enabled_with_nothing_mapped_is_a_problem(self, tmp_path):
        """Tasks read with no type, keyword or default_type would all count for nothing: said, with the fix."""
        path = _write(tmp_path, "activities:\n  tasks:\n    enabled: true\n    subjects: {}\n")
        [problem] = check_mapping_offline(path)
        assert (problem.line, problem.path) == (3, "activities.tasks.enabled")
        assert "no task would count" in problem.message and "activities.tasks.types" in problem.fix


class TestTasksReading:
    """``Connector.reading`` of activities (a change makes the next sync read every activity again): the tasks
    section counts only while tasks are read, so shipping it changed nothing for portals that do not read them."""

    @staticmethod
    def _reading(*, start_first: bool = False, voicemail_no_show: bool = False, **tasks):
        from connectors.base import ObjectKind
        from connectors.hubspot.connector import HubSpotConnector

        m = load_mapping()
        meetings, calls = m.activities.meetings, m.activities.calls
        if start_first:     # the meetings' dates as shipped before audit B-3: the start time first
            meetings = meetings.model_copy(update={"start": "hs_meeting_start_time", "fallback_start": "hs_timestamp"})
        if voicemail_no_show:   # « Left voicemail » as shipped before audit matching F6: not a call made
            calls = calls.model_copy(update={"dispositions": {**calls.dispositions,
                                                              LEFT_VOICEMAIL: ActivityStatus.NO_SHOW}})
        m = m.model_copy(update={"activities": m.activities.model_copy(update={
            "meetings": meetings, "calls": calls, "tasks": m.activities.tasks.model_copy(update=tasks)})})
        return HubSpotConnector("hs", m, None).reading(ObjectKind.ACTIVITIES)   # type: ignore[arg-type]

    def test_disabled_tasks_leave_the_reading_as_before_them(self, monkeypatch):
        """With the meetings dated as they were then (start time first), the shipped mapping's activities reading is
        the one pac gave before the tasks section existed (computed on the previous commit, e7102f4, at
        ``READING_RULES`` 6): no portal reads all its activities again for it. Later rule versions change the reading
        on purpose (audit B's account rules, 5 Dec 2026), so the mapping's part is compared at version 6."""
        from connectors.hubspot import connector

        monkeypatch.setattr(connector, "READING_RULES", 6)
        monkeypatch.setattr(connector, "ACTIVITY_RULES", "")   # (the activities' own rules came later: hsplanaware)
        assert self._reading(start_first=True, voicemail_no_show=True) == "6:fbcc99f352074dd4"
        assert self._reading(subjects={}, types={"CALL": ActivityType.CALL}) == self._reading()

    def test_dating_meetings_by_hs_timestamp_reads_the_activities_again_once(self, monkeypatch):
        """The shipped meetings dated by hs_timestamp (audit B-3) give another reading than the start time first:
        a store synced before reads its activities again on its next sync, so every stored meeting is dated anew."""
        from connectors.hubspot import connector

        monkeypatch.setattr(connector, "READING_RULES", 6)
        monkeypatch.setattr(connector, "ACTIVITY_RULES", "")   # (the activities' own rules came later: hsplanaware)
        assert self._reading(voicemail_no_show=True) == "6:7b4b27884b0efd4c"
        assert self._reading() != self._reading(start_first=True)

    def test_enabling_or_editing_read_tasks_changes_it(self):
        on = self._reading(enabled=True)
        assert on != self._reading()
        assert self._reading(enabled=True, default_type=ActivityType.MEETING) != on

    def test_dating_completed_tasks_by_their_completion_reads_the_tasks_again_once(self, monkeypatch):
        """A portal that reads tasks (the shipped section, enabled) gave "9:c9dc1205b3bf27e8" before a completed task
        was dated no later than its completion (``completed_at``, audit hsdoc F2; computed on the previous commit):
        it reads its activities again once, so its stored tasks are dated anew; one that does not read tasks keeps
        its reading."""
        from connectors.hubspot import connector

        monkeypatch.setattr(connector, "READING_RULES", 9)
        monkeypatch.setattr(connector, "ACTIVITY_RULES", "")   # (the activities' own rules came later: hsplanaware)
        assert self._reading(enabled=True, voicemail_no_show=True) != "9:c9dc1205b3bf27e8"
        assert self._reading(voicemail_no_show=True) == "9:ee9437f14bfb58b0"

    def test_keeping_contact_only_engagements_reads_the_activities_again_once(self, monkeypatch):
        """Audit hsplanaware: an engagement on contacts with no primary company is stored for the plans to judge,
        where the connector rejected it before: the reading changes, so a store synced before reads its engagements
        again once and no rejection of before is carried into a plan it does not concern."""
        from connectors.hubspot import connector

        now = self._reading()
        monkeypatch.setattr(connector, "ACTIVITY_RULES", "")
        assert self._reading() != now

    def test_a_voicemail_counted_reads_the_calls_again_once(self):
        """Audit matching F6: « Left voicemail » shipped as a call made changes the reading, so a store synced before
        reads its activities again and its voicemail calls, stored as no-shows, count."""
        assert self._reading() != self._reading(voicemail_no_show=True)
