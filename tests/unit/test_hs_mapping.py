"""The HubSpot mapping file: shipped defaults load, every problem is located and reported at once."""

from pathlib import Path

from connectors.hubspot.mapping import check_mapping_offline, default_mapping_path, load_mapping
from pac_core.plan import ActivityType


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
