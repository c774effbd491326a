"""Settings files (config/pac.yaml, PAC_CONFIG): every mistake in one run, located, with a fix."""

from pathlib import Path

import pytest

from pac_config.settings import check_cron, load_settings
from pac_core.errors import InvalidInput

MANY = """\
connectors:
  - name: sf
    crm: salesforse
    mapping: m.yaml
    max_daily_share: 2
  - name: sf
    crm: hubspot
    mapping: nope.yaml
    reconciliation_days: cinq
plans:
  - file: plan.pac.yaml
    connectors: [sf, hs]
    schedule: {cron: "0 25 * * *"}
schedule:
  monthly_snapshot: "30 5 1 * * *"
"""


def settings_problems(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "m.yaml").write_text("crm: fake\n", encoding="utf-8")
    (tmp_path / "plan.pac.yaml").write_text("plan: {name: x, year: 2027}\n", encoding="utf-8")
    path = tmp_path / "pac.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as info:
        load_settings(path, env={})
    return [str(p).removeprefix(f"{path}:") for p in info.value.problems]


class TestAllAtOnce:
    def test_shape_and_reference_mistakes_come_in_one_run(self, tmp_path: Path) -> None:
        """Bad values, a duplicate name, a missing mapping, an unknown connector and bad crons: one run, in order."""
        found = settings_problems(tmp_path, MANY)
        assert [f.split(":", 1)[0] for f in found] == [
            "3 connectors[0].crm", "5 connectors[0].max_daily_share", "6 connectors[1].name",
            "8 connectors[1].mapping", "9 connectors[1].reconciliation_days", "12 plans[0].connectors[1]",
            "13 plans[0].schedule.cron", "15 schedule.monthly_snapshot"]

    def test_each_problem_has_a_fix(self, tmp_path: Path) -> None:
        """Every line ends with a fix in parentheses, and no raw pydantic wording is left."""
        found = settings_problems(tmp_path, MANY)
        assert found and all(f.endswith(")") and "Input should" not in f for f in found)
        assert "6 connectors[1].name: connector 'sf' is named twice (give each connector its own name " \
               "(the first is at line 2))" in found
        assert "9 connectors[1].reconciliation_days: must be a whole number, not 'cinq' " \
               "(write a number such as 5)" in found

    def test_missing_mapping_says_where_it_looked(self, tmp_path: Path) -> None:
        """A mapping that does not exist names the resolved path and the folder paths start from."""
        (line,) = [f for f in settings_problems(tmp_path, MANY) if "mapping" in f]
        assert f"mapping file 'nope.yaml' not found (looked for {tmp_path / 'nope.yaml'}" in line

    def test_unknown_connector_suggests_the_close_one(self, tmp_path: Path) -> None:
        """A plan naming 'sf-mian' gets "did you mean 'sf-main'?"."""
        text = ("connectors:\n  - {name: sf-main, crm: salesforce, mapping: m.yaml}\n"
                "plans:\n  - {file: plan.pac.yaml, connectors: [sf-mian]}\n")
        assert settings_problems(tmp_path, text) == [
            "4 plans[0].connectors[0]: unknown connector 'sf-mian' (did you mean 'sf-main'? (configured: sf-main))"]

    def test_duplicate_plan_names(self, tmp_path: Path) -> None:
        """Two plans with the same name cannot be told apart by --plan: the second is reported."""
        text = ("connectors:\n  - {name: sf, crm: salesforce, mapping: m.yaml}\n"
                "plans:\n  - {name: p, file: plan.pac.yaml, connectors: [sf]}\n"
                "  - {name: p, file: plan.pac.yaml, connectors: [sf]}\n")
        assert settings_problems(tmp_path, text) == [
            "5 plans[1].name: plan 'p' is configured twice (give each plan its own name (the first 'p' is at line 4))"]

    def test_connector_name_rule_is_explained(self, tmp_path: Path) -> None:
        """A connector name with capitals and a space says which characters are allowed."""
        text = "connectors:\n  - {name: SF Main, crm: salesforce, mapping: m.yaml}\n"
        (line,) = settings_problems(tmp_path, text)
        assert line.startswith("2 connectors[0].name: 'SF Main' is not a connector name (use at most 40 lowercase")


class TestCron:
    def test_out_of_range_hour_is_a_located_problem(self, tmp_path: Path) -> None:
        """0 25 * * * is refused when the settings load, naming the hour field and its range."""
        (line,) = settings_problems(tmp_path, 'schedule: {cron: "0 25 * * *"}\n')
        assert line.startswith("1 schedule.cron: '0 25 * * *': '25' is not a valid hour (the hour goes 0-23;")

    @pytest.mark.parametrize(("cron", "part"), [
        ("61 2 * * *", "'61' is not a valid minute"), ("0 2 32 * *", "'32' is not a valid day of the month"),
        ("0 2 * 13 *", "'13' is not a valid month"), ("0 2 * * lundi", "'lundi' is not a valid weekday"),
        ("0 2 * *", "has 4 fields, not 5"), ("0 2 * * 1-5", "weekday '1-5' uses numbers"),
        ("0 2 * * sat,0", "weekday 'sat,0' uses numbers"),
    ])
    def test_bad_expressions_name_the_field(self, cron: str, part: str) -> None:
        """Each bad field is named; numeric weekdays are refused (APScheduler's 0 is Monday, cron's Sunday)."""
        with pytest.raises(ValueError, match=part):
            check_cron(cron)

    @pytest.mark.parametrize("cron", ["0 2 * * *", "*/15 6-20 * * mon-fri", "45 5 1 1,4,7,10 *", "0 3 * * */2"])
    def test_good_expressions_pass(self, cron: str) -> None:
        """Steps, ranges, lists and named weekdays are accepted unchanged."""
        assert check_cron(cron) == cron


class TestEnvPrefix:
    @pytest.mark.parametrize(("value", "shown"), [
        ("on", "'on'"), ("PAC_HS", "'PAC_HS'"), ("pac_hs2_", "'pac_hs2_'"), ("PAC HS_", "'PAC HS_'"),
        ("CJbT4kLmQ93xYz0987secretvalue", "a value of 29 characters"),
    ])
    def test_a_wrong_env_prefix_is_refused_at_its_line_without_echoing_a_long_value(self, tmp_path: Path, value: str,
                                                                                     shown: str) -> None:
        """env_prefix must look like PAC_HS2_ (capitals, digits, '_', ending with '_'): refused at its line with the
        fix, a long value (a pasted token?) never echoed. It was accepted, and then echoed in "set
        CJbT...ACCESS_TOKEN" with exit 4."""
        text = f"connectors:\n  - name: hs\n    crm: hubspot\n    mapping: m.yaml\n    env_prefix: '{value}'\n" \
               "plans:\n  - file: plan.pac.yaml\n    connectors: [hs]\n"
        [problem] = settings_problems(tmp_path, text)
        assert problem.startswith(f"5 connectors[0].env_prefix: {shown} is not a variable prefix"), problem
        assert "PAC_SECRETS_FILE" in problem
        assert ("write PAC_HS2_: variable names are in capitals" if value == "pac_hs2_" else "e.g. PAC_HS2_") in problem
        if len(value) > 20:
            assert value not in problem

    def test_a_good_env_prefix_is_kept(self, tmp_path: Path) -> None:
        (tmp_path / "m.yaml").write_text("crm: fake\n", encoding="utf-8")
        (tmp_path / "plan.pac.yaml").write_text("plan: {name: x, year: 2027}\n", encoding="utf-8")
        path = tmp_path / "pac.yaml"
        path.write_text("connectors:\n  - {name: hs, crm: hubspot, mapping: m.yaml, env_prefix: PAC_HS2_}\n"
                        "plans:\n  - {file: plan.pac.yaml, connectors: [hs]}\n", encoding="utf-8")
        assert load_settings(path, env={}).connector("hs").prefix == "PAC_HS2_"
