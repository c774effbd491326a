"""The plan file's pydantic models: French spellings, amounts, and the JSON Schema shipped for editors."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import ValidationError

from pac_config.loader import load_yaml, plain
from pac_config.plan_models import (
    ACTION_STATUS_ALIASES,
    ACTIVITY_ALIASES,
    AXIS_STATE_ALIASES,
    COUNTING_ALIASES,
    SEGMENT_KIND_ALIASES,
    ActionIn,
    AxisIn,
    ObjectiveIn,
    WhatIn,
    normalise_enum,
    plan_json_schema,
)
from pac_core.plan import ActionStatus, ActivityType, AxisState, Counting, SegmentKind

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "config" / "plan.schema.json"
EXAMPLE = ROOT / "config" / "plans" / "example.pac.yaml"


def as_json(node: Any) -> Any:
    """YAML values as an editor's JSON sees them (dates as text)."""
    if isinstance(node, dict):
        return {k: as_json(v) for k, v in node.items()}
    if isinstance(node, list):
        return [as_json(v) for v in node]
    return node.isoformat() if isinstance(node, date) else node


class TestEnumAliases:
    @pytest.mark.parametrize(("table", "enum"), [
        (ACTIVITY_ALIASES, ActivityType), (COUNTING_ALIASES, Counting), (SEGMENT_KIND_ALIASES, SegmentKind),
        (AXIS_STATE_ALIASES, AxisState), (ACTION_STATUS_ALIASES, ActionStatus),
    ])
    def test_tables_cover_the_domain_enums(self, table: dict, enum: type) -> None:
        """Every value of the domain has an entry, and every entry is a domain value."""
        assert set(table) == {e.value for e in enum}

    @pytest.mark.parametrize(("written", "canonical"), [
        ("visite", "visit"), ("Visite", "visit"), ("appel", "call"), ("rendez-vous", "meeting"),
        ("Rendez vous", "meeting"), ("réunion", "meeting"), ("reunion", "meeting"), ("démo", "demo"),
        ("relance devis", "quote_follow_up"), ("quote follow-up", "quote_follow_up"), ("courriel", "email"),
    ])
    def test_activity_spellings(self, written: str, canonical: str) -> None:
        """Case, accents, hyphens and underscores do not matter."""
        assert normalise_enum(ACTIVITY_ALIASES, "activity", written) == canonical

    @pytest.mark.parametrize(("table", "written", "canonical"), [
        (SEGMENT_KIND_ALIASES, "géographique", "horizontal"), (SEGMENT_KIND_ALIASES, "marché", "vertical"),
        (SEGMENT_KIND_ALIASES, "mixte", "mixed"), (AXIS_STATE_ALIASES, "prioritaire", "prioritised"),
        (AXIS_STATE_ALIASES, "suspendu", "suspended"), (AXIS_STATE_ALIASES, "abandonné", "dropped"),
        (AXIS_STATE_ALIASES, "actif", "active"), (COUNTING_ALIASES, "comptes distincts", "distinct_accounts"),
        (ACTION_STATUS_ALIASES, "en cours", "in_progress"), (ACTION_STATUS_ALIASES, "fait", "done"),
    ])
    def test_other_french_values(self, table: dict, written: str, canonical: str) -> None:
        """The French words of the method are accepted for every enumeration."""
        assert normalise_enum(table, "value", written) == canonical

    @pytest.mark.parametrize(("table", "written", "canonical"), [
        (ACTIVITY_ALIASES, "phone call", "call"), (ACTIVITY_ALIASES, "Site visit", "visit"),
        (ACTIVITY_ALIASES, "customer visit", "visit"), (AXIS_STATE_ALIASES, "on hold", "suspended"),
        (AXIS_STATE_ALIASES, "paused", "suspended"),
    ])
    def test_a_us_managers_words(self, table: dict, written: str, canonical: str) -> None:
        """usplan audit (f7.pac.yaml): 'phone call' and 'on hold' were unknown with no did-you-mean."""
        assert normalise_enum(table, "value", written) == canonical

    def test_misspelling_suggests_the_value(self) -> None:
        """'visitt' fails with an 'expected' list from which the loader picks 'visit'."""
        with pytest.raises(ValidationError) as info:
            WhatIn.model_validate({"activity": "visitt", "count": 5})
        (err,) = info.value.errors()
        assert err["msg"] == "unknown activity 'visitt'" and "'visit'" in err["ctx"]["expected"]


class TestModels:
    def test_action_normalises_who_and_from(self) -> None:
        """who is lower-cased; info.from (a Python keyword) is read."""
        action = ActionIn.model_validate({"id": "A-1", "axis": "AX", "text": "t", "who": "Julie.M@X.example",
                                          "what": {"activity": "visite", "count": 2}, "when": "mai",
                                          "info": {"needed": "liste", "from": "ADV"}})
        assert (action.who, action.info.from_, action.what.activity) == ("julie.m@x.example", "ADV", "visit")

    def test_unquoted_period_is_text(self) -> None:
        """period: 2027 and when: 2027-05-03 (read by YAML as number and date) are kept as text."""
        action = ActionIn.model_validate({"id": "A", "axis": "AX", "text": "t", "who": "a@b.example",
                                          "what": {"activity": "call", "count": 1}, "when": date(2027, 5, 3)})
        assert action.when == "2027-05-03"

    def test_status_word_or_mapping(self) -> None:
        """status: suspendu is {state: suspended}."""
        axis = AxisIn.model_validate({"id": "AX", "name": "n", "segment": "S", "status": "suspendu"})
        assert axis.status.state == "suspended"

    def test_amounts_and_rates(self) -> None:
        """Amounts accept k€/M€, rates accept percentages; baseline N-1 is previous_year."""
        objective = ObjectiveIn.model_validate({"additional_revenue": "1,5 M€", "margin_rate": "35 %",
                                                "baseline": "N-1", "budget": "20k"})
        assert (objective.additional_revenue, objective.margin_rate, objective.baseline, objective.budget) == (
            Decimal(1_500_000), Decimal("0.35"), "previous_year", Decimal(20_000))

    def test_bad_amount_has_a_fix(self) -> None:
        """A word as an amount is refused with examples of amounts."""
        with pytest.raises(ValidationError) as info:
            ObjectiveIn.model_validate({"additional_revenue": "beaucoup"})
        assert "150 k€" in info.value.errors()[0]["ctx"]["fix"]

    def test_extra_key_forbidden(self) -> None:
        """Unknown keys are errors, not silently dropped."""
        with pytest.raises(ValidationError):
            WhatIn.model_validate({"activity": "call", "count": 1, "cuont": 2})


class TestJsonSchema:
    def test_shipped_schema_is_up_to_date(self) -> None:
        """config/plan.schema.json equals the schema of the models (else regenerate it)."""
        shipped = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
        assert shipped == plan_json_schema(), (
            "config/plan.schema.json is out of date: run  pac plan schema > config/plan.schema.json")

    def test_schema_is_valid_and_accepts_the_example(self) -> None:
        """The schema is valid draft 2020-12 and the example plan passes it."""
        schema = plan_json_schema()
        jsonschema.Draft202012Validator.check_schema(schema)
        data = as_json(plain(load_yaml(EXAMPLE).data))
        assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)) == []

    def test_schema_lists_french_aliases_and_rejects_typos(self) -> None:
        """Editors complete 'visite' and flag 'visitt' and unknown keys."""
        schema = plan_json_schema()
        assert "visite" in schema["$defs"]["WhatIn"]["properties"]["activity"]["enum"]
        data = as_json(plain(load_yaml(EXAMPLE).data))
        data["actions"][0]["what"]["activity"] = "visitt"
        data["actions"][0]["whne"] = "mai"
        data["segments"][0]["scope"]["industri"] = "Chimie"
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
        assert len(errors) == 3

    def test_example_declares_the_schema(self) -> None:
        """The example's first line points editors at the schema."""
        first = EXAMPLE.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../plan.schema.json"

    def test_schema_accepts_the_french_swot_keys(self) -> None:
        """Editors do not flag forces, faiblesses, opportunités (or opportunites) and menaces."""
        validator = jsonschema.Draft202012Validator(plan_json_schema())
        segment = {"id": "S", "name": "n", "kind": "mixte", "swot": {
            "forces": ["a"], "faiblesses": ["b"], "opportunités": ["c"], "menaces": ["d"]}}
        plan = {"plan": {"name": "p", "year": 2027}, "segments": [segment]}
        assert list(validator.iter_errors(plan)) == []
        segment["swot"] = {"opportunites": ["c"], "forcse": ["a"]}
        assert [e.message for e in validator.iter_errors(plan)] == [
            "Additional properties are not allowed ('forcse' was unexpected)"]
