"""Owners and products in plans: axes' who, account_owner / deal_owner, product keys, one-language explanations."""

from __future__ import annotations

from pathlib import Path

import pytest

from pac_config.planfile import load_plan, load_plan_text
from pac_core.errors import InvalidInput
from pac_core.explain import localise
from pac_core.records import DealLine
from pac_core.revenue import DealFilter
from pac_core.scopes import parse_scope

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = (ROOT / "tests" / "data" / "plans" / "minimal.pac.yaml").read_text(encoding="utf-8")
JULIE = "julie.martin@durand-process.example"


def _problems(text: str) -> list[str]:
    with pytest.raises(InvalidInput) as info:
        load_plan_text(text, "t.pac.yaml")
    return [str(p) for p in info.value.problems]


class TestOwnerKeys:
    def test_account_owner_and_its_alias_owner_are_the_same_condition(self) -> None:
        """`owner` is the documented alias of `account_owner` (the account's owner)."""
        assert parse_scope({"owner": JULIE}).conditions[0].field == "owner"
        assert parse_scope({"account_owner": JULIE}).conditions == parse_scope({"owner": JULIE}).conditions

    def test_deal_owner_is_a_deal_condition(self) -> None:
        """deal_owner selects deals, so it is not part of the accounts' scope."""
        scope = parse_scope({"departement": "69", "deal_owner": JULIE.upper()})
        assert [c.field for c in scope.accounts_part.conditions] == ["departement"]
        assert [(c.field, c.values) for c in scope.deals_part] == [("deal_owner", (JULIE,))]

    def test_deal_owner_needs_an_email(self) -> None:
        """A deal owner written as a name is refused with the fix."""
        text = MINIMAL.replace("    segment: S-RA\n", "    segment: S-RA\n    scope: {deal_owner: Julie}\n", 1)
        assert any("axes[0].scope.deal_owner" in p and "not an e-mail" in p for p in _problems(text))


class TestAxisWho:
    def test_axis_who_is_read(self) -> None:
        """who: on an axis gives the people whose deals count."""
        text = MINIMAL.replace("    segment: S-RA\n", f"    segment: S-RA\n    who: [{JULIE}]\n", 1)
        assert load_plan_text(text).axes[0].who == (JULIE,)

    def test_axis_who_must_be_a_person_of_the_plan(self) -> None:
        """Someone not under people: the problem names the key and the fix."""
        text = MINIMAL.replace("    segment: S-RA\n", "    segment: S-RA\n    who: [paul@example.com]\n", 1)
        assert any("axes[0].who[0]" in p and "not in the plan's people" in p for p in _problems(text))

    def test_action_scope_refuses_deal_conditions(self) -> None:
        """deal_owner or product in an action's scope is refused: actions count accounts, not deals."""
        text = MINIMAL.replace('dormant: {months: 12}}', 'dormant: {months: 12}, product: MAINT}', 1)
        assert any("actions[0].what.scope.product" in p and "axis" in p for p in _problems(text))


class TestProductLines:
    LINES = (DealLine("PX200", 1, 12500, code="PX200", family="Pompes", name="Pompe doseuse PX200"),
             DealLine("MAINT", 1, 4800, code="MAINT", family="Maintenance", name="Contrat de maintenance"))

    def test_product_matches_code_family_or_name(self) -> None:
        """product: matches a line's code, family or name, casefolded and accent-insensitive."""
        for value in ("maint", "Maintenance", "contrat de maintenance"):
            flt = DealFilter.of(parse_scope({"product": value}).deals_part)
            assert flt.matching_lines(self.LINES) == [1], value

    def test_family_and_code_are_exact_keys(self) -> None:
        """product_family reads only the family, product_code only the code."""
        assert DealFilter.of(parse_scope({"product_family": "Pompes"}).deals_part).matching_lines(self.LINES) == [0]
        assert DealFilter.of(parse_scope({"product_family": "PX200"}).deals_part).matching_lines(self.LINES) == []
        assert DealFilter.of(parse_scope({"product_code": "MAINT"}).deals_part).matching_lines(self.LINES) == [1]

    def test_negated_product(self) -> None:
        """not: {product: MAINT} keeps the other lines."""
        assert DealFilter.of(parse_scope({"not": {"product": "MAINT"}}).deals_part).matching_lines(self.LINES) == [0]

    def test_example_plan_product_axes(self) -> None:
        """The example plan's maintenance and pharma axes measure their product lines."""
        plan = load_plan(ROOT / "config" / "plans" / "example.pac.yaml")
        wanted = {"AX-RA-MAINT": ("MAINT",), "AX-PHARMA-MX50": ("MX50",), "AX-PHARMA-PX200": ("PX200",)}
        for axis_id, values in wanted.items():
            [condition] = plan.axis_scope(plan.axis(axis_id)).deals_part
            assert (condition.field, condition.values) == ("product", values)


class TestOneLanguage:
    def test_french_details(self) -> None:
        """The engine's English details come out in French."""
        assert localise("département 38 (scope: département 69)", "fr") == \
            "département 38 (périmètre : département 69)"
        assert localise("2027-05-10 00:15, after semaine 18", "fr") == "2027-05-10 00:15, après semaine 18"

    def test_english_details(self) -> None:
        """The plan's French scope labels come out in English."""
        assert localise("not dormant (scope: dormant 12 mois)", "en") == "not dormant (scope: dormant 12 months)"


class TestProductFieldWhenLineItemsAreOff:
    def test_hubspot_deal_property_names_the_product_line(self) -> None:
        """With line_items false, a mapped deal property makes one line worth the whole deal."""
        from connectors.hubspot.mapping import load_mapping
        from connectors.hubspot.normalise import parse_pipelines, to_deal

        base = load_mapping()
        mapping = base.model_copy(update={"deals": base.deals.model_copy(
            update={"line_items": False, "product_property": "product_line"})})
        pipelines = parse_pipelines([{"id": "default", "label": "Sales", "stages": [
            {"id": "closedwon", "metadata": {"isClosed": "true", "probability": "1.0"}}]}], {})
        deal = to_deal({"id": "9", "properties": {"pipeline": "default", "dealstage": "closedwon", "amount": "4800",
                                                  "product_line": "Maintenance"}}, "hs", mapping, pipelines, None, ())
        [line] = deal.lines
        assert (line.family, line.amount) == ("Maintenance", 4800)
        assert "product_line" in mapping.read_properties()["deals"]

    def test_salesforce_opportunity_field_names_the_product_line(self) -> None:
        """With line_items false, a mapped Opportunity field makes one line worth the whole deal."""
        from connectors.salesforce.mapping import load_mapping
        from connectors.salesforce.normalise import Normaliser
        from pac_config.loader import config_dir

        base = load_mapping(config_dir() / "mappings" / "salesforce.demo.yaml")
        mapping = base.model_copy(update={"deals": base.deals.model_copy(
            update={"line_items": False, "product_field": "Product_Line__c"})})
        deal = Normaliser("sf", mapping).deal({"Id": "006A", "IsWon": True, "IsClosed": True, "Amount": 9600,
                                                "CloseDate": "2027-04-01", "Product_Line__c": "MAINT"})
        [line] = deal.lines
        assert (line.code, line.amount) == ("MAINT", 9600)
        assert mapping.read_fields()["Opportunity"]["deals.product_field"] == "Product_Line__c"
        assert "OpportunityLineItem" not in mapping.read_fields()
