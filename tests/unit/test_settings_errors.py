"""Settings files (config/pac.yaml, PAC_CONFIG): every mistake in one run, located, with a fix."""

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from pac_config.settings import AdvisorSettings, EngineSection, check_cron, engine_settings, load_settings
from pac_core.engine_settings import EngineSettings
from pac_core.errors import InvalidInput
from pac_core.kpi_vocabulary import BY_ID
from sync_jobs.demo import write_demo_settings

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


ENGINE = """\
engine:
  advisor:
    rollout_min_roi: 0.3
{extra}"""


def engine_of(tmp_path: Path, text: str) -> EngineSettings:
    path = tmp_path / "pac.yaml"
    path.write_text(text, encoding="utf-8")
    return engine_settings(load_settings(path, env={}))


class TestEngineSection:
    """docs/operations.md, Settings: engine.advisor takes the engine's thresholds and limits, engine.attribution the
    attribution rule; a misspelt key is an error, not a threshold silently left at its default."""

    def test_misspelt_threshold_is_refused_with_the_close_name(self, tmp_path: Path) -> None:
        """rollout_min_rio: its line, the key, and the key meant."""
        found = settings_problems(tmp_path, ENGINE.format(extra="    rollout_min_rio: 0.3\n"))
        assert found == ["4 engine.advisor.rollout_min_rio: unknown key 'rollout_min_rio' "
                         "(did you mean 'rollout_min_roi'?)"]

    def test_thresholds_reach_the_engine(self, tmp_path: Path) -> None:
        """Every key written is the engine's value; the others keep the engine's defaults."""
        settings = engine_of(tmp_path, ENGINE.format(extra="    committed_weight: 0.25\n    near_miss_limit: 10\n"))
        assert (settings.rollout_min_roi, settings.committed_weight, settings.near_miss_limit) == (
            0.3, Decimal("0.25"), 10)
        assert (settings.drop_max_roi, settings.attribution) == (EngineSettings().drop_max_roi, "full")

    def test_whole_numbers_stay_whole(self, tmp_path: Path) -> None:
        """attribution_days: 30 is the int 30: the report's KPI formula reads "dans les 30 jours", not 30.0."""
        settings = engine_of(tmp_path, "engine:\n  advisor: {attribution_days: 30, dormant_default_months: 18}\n")
        assert (settings.attribution_days, settings.dormant_default_months) == (30, 18)
        assert type(settings.attribution_days) is int and type(settings.dormant_default_months) is int
        assert "dans les 30 jours" in BY_ID["visit_to_win"].formula("fr", settings.attribution_days)

    def test_a_fraction_of_days_is_refused(self, tmp_path: Path) -> None:
        """attribution_days: 30.5 is not a number of days."""
        (line,) = settings_problems(tmp_path, "engine:\n  advisor: {attribution_days: 30.5}\n")
        assert line.startswith("2 engine.advisor.attribution_days: must be a whole number")

    def test_split_attribution_is_a_setting(self, tmp_path: Path) -> None:
        """engine.attribution: split (docs/engine.md, Overlapping axes) reaches the engine."""
        assert engine_of(tmp_path, "engine:\n  attribution: split\n").attribution == "split"
        (line,) = settings_problems(tmp_path, "engine:\n  attribution: spilt\n")
        assert line.startswith("2 engine.attribution: 'spilt' is not allowed (did you mean 'split'?")

    def test_attribution_under_advisor_says_where_it_goes(self, tmp_path: Path) -> None:
        """advisor: {attribution: split} is refused with the key to write instead."""
        (line,) = settings_problems(tmp_path, "engine:\n  advisor: {attribution: split}\n")
        assert line == ("2 engine.advisor.attribution: unknown key 'attribution' "
                        "(write it as engine.attribution: split, beside advisor:)")

    def test_advisor_keys_are_the_engine_fields(self) -> None:
        """Every field of EngineSettings is settable: the tables and the attribution rule have their own keys; the
        settings file's own name (``settings_file``, what the fixes name) is no setting."""
        own_keys = {"fx_rates", "capacity", "attribution"}
        assert set(AdvisorSettings.model_fields) == ({f.name for f in dataclasses.fields(EngineSettings)} - own_keys
                                                     - {"settings_file"})
        assert own_keys <= set(EngineSection.model_fields)

    def test_demo_settings_carry_the_engine_section(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """pac demo / pac sandbox copy the shipped engine section: attribution, thresholds and tables alike."""
        shipped = tmp_path / "shipped.yaml"
        config = Path(__file__).resolve().parents[2] / "config"
        mapping = config / "mappings" / "salesforce.demo.yaml"
        shipped.write_text(f"connectors: [{{name: sf, crm: salesforce, mapping: '{mapping}'}}]\n"
                           f"plans: [{{file: '{config}/plans/example.pac.yaml', connectors: [sf]}}]\n"
                           "engine:\n  attribution: split\n  fx_rates: {USD: 0.92}\n  capacity: {PX200: 240}\n"
                           "  advisor: {rollout_min_roi: 0.3, attribution_days: 30}\n", encoding="utf-8")
        monkeypatch.setattr("sync_jobs.demo.default_settings_path", lambda: shipped)
        demo = engine_settings(load_settings(write_demo_settings(tmp_path / "demo.db", tmp_path / "demo.yaml"),
                                             env={}))
        assert demo.settings_file == "demo.yaml"      # the file the fixes name: the demo's own
        assert demo == dataclasses.replace(engine_of(tmp_path, shipped.read_text(encoding="utf-8")),
                                           settings_file="demo.yaml")
        assert (demo.attribution, demo.rollout_min_roi, demo.attribution_days) == ("split", 0.3, 30)


class TestScheduleSection:
    def test_jobstore_is_not_a_setting(self, tmp_path: Path) -> None:
        """schedule.jobstore was accepted and ignored (pac schedule reads --jobstore): now an unknown key."""
        (line,) = settings_problems(tmp_path, "schedule:\n  jobstore: /srv/pac/jobs.db\n")
        assert line.startswith("2 schedule.jobstore: unknown key 'jobstore' (")
        assert "--jobstore" in line



def test_a_plan_or_mapping_named_as_a_directory_says_so(tmp_path: Path) -> None:
    """`file: plans` (the folder, not the plan in it): named as a directory, not "not found" while it is there (audit
    ops). Seen failing before the fix: "plan file 'plans' not found (looked for .../plans ...)"."""
    (tmp_path / "plans").mkdir()
    (tmp_path / "m.yaml").write_text("crm: fake\n", encoding="utf-8")
    path = tmp_path / "pac.yaml"
    path.write_text("connectors:\n  - {name: sf, crm: salesforce, mapping: m.yaml}\nplans:\n"
                    "  - {name: p, file: plans, connectors: [sf]}\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as info:
        load_settings(path, env={})
    assert [str(p) for p in info.value.problems] == [
        f"{path}:4 plans[0].file: plan file 'plans' is a directory, not a file (name the file in {tmp_path / 'plans'})"]
