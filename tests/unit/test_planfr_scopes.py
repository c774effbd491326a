"""Départements and régions as French managers write them in a plan's scope (audit planfr, 7 Dec 2026).

Expectations written by hand from INSEE's Code officiel géographique (COG): the 101 départements, the 13 + 5
régions of 2016, and the 22 régions before the 2016 merger (COG 2015) with their départements. Cases and their
reasoning: /tmp/audits/planfr/EXPECTED.md (S11-S20).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pac_config.planfile import check_plan_file
from pac_core import geography
from pac_core.errors import GeographyError, ScopeError
from pac_core.geography import departements_of_region, resolve_departement
from pac_core.scopes import parse_scope

# COG 2015: the régions merged on 1 January 2016 and their départements, copied by hand (not from pac's table)
COG_2015 = {
    "Alsace": ("67", "68"),
    "Aquitaine": ("24", "33", "40", "47", "64"),
    "Auvergne": ("03", "15", "43", "63"),
    "Basse-Normandie": ("14", "50", "61"),
    "Bourgogne": ("21", "58", "71", "89"),
    "Champagne-Ardenne": ("08", "10", "51", "52"),
    "Franche-Comté": ("25", "39", "70", "90"),
    "Haute-Normandie": ("27", "76"),
    "Languedoc-Roussillon": ("11", "30", "34", "48", "66"),
    "Limousin": ("19", "23", "87"),
    "Lorraine": ("54", "55", "57", "88"),
    "Midi-Pyrénées": ("09", "12", "31", "32", "46", "65", "81", "82"),
    "Nord-Pas-de-Calais": ("59", "62"),
    "Picardie": ("02", "60", "80"),
    "Poitou-Charentes": ("16", "17", "79", "86"),
    "Rhône-Alpes": ("01", "07", "26", "38", "42", "69", "73", "74"),
}


def values(scope: dict[str, object]) -> tuple[object, ...]:
    (condition,) = parse_scope(scope).conditions
    return condition.values


def problems(scope: dict[str, object]) -> list[str]:
    with pytest.raises(ScopeError) as caught:
        parse_scope(scope)
    return [f"{p.path}: {p.message} ({p.fix})" for p in caught.value.problems]


class TestFormerRegions:
    """A pre-2016 région's name is the former région (its own départements) or the 2016 one that absorbed it:
    refused with both, never silently widened (« Rhône-Alpes » read as Auvergne-Rhône-Alpes added Allier,
    Cantal, Haute-Loire and Puy-de-Dôme to a manager's Rhône-Alpes)."""

    def test_table_is_cog_2015(self) -> None:
        assert {name: codes for name, codes in geography.FORMER_REGIONS.values()} == COG_2015

    def test_former_regions_partition_the_2016_ones(self) -> None:
        """Each merged 2016 région is exactly the union of its former régions (COG)."""
        for region in ("Auvergne-Rhône-Alpes", "Grand Est", "Nouvelle-Aquitaine", "Occitanie", "Hauts-de-France",
                       "Normandie", "Bourgogne-Franche-Comté"):
            inside = sorted(code for name, codes in COG_2015.items() for code in codes
                            if code in departements_of_region(region))
            assert inside == sorted(departements_of_region(region)), region

    @pytest.mark.parametrize(("written", "former", "whole"), [
        ("Rhône-Alpes", "01, 07, 26, 38, 42, 69, 73, 74", "Auvergne-Rhône-Alpes"),
        ("rhone alpes", "01, 07, 26, 38, 42, 69, 73, 74", "Auvergne-Rhône-Alpes"),
        ("Alsace", "67, 68", "Grand Est"),
        ("Midi-Pyrénées", "09, 12, 31, 32, 46, 65, 81, 82", "Occitanie"),
        ("région Picardie", "02, 60, 80", "Hauts-de-France"),
    ])
    def test_refused_with_both_readings(self, written: str, former: str, whole: str) -> None:
        (line,) = problems({"region": written})
        assert line.startswith("scope.region: ")
        assert "former région" in line and "2016" in line
        assert f"region: {whole}" in line
        assert f"departement: [{former}]" in line

    @pytest.mark.parametrize(("written", "region"), [
        ("Auvergne-Rhône-Alpes", "Auvergne-Rhône-Alpes"), ("ARA", "Auvergne-Rhône-Alpes"),
        ("Centre", "Centre-Val de Loire"),   # renamed in 2015, same six départements
        ("Alsace-Champagne-Ardenne-Lorraine", "Grand Est"), ("Nord-Pas-de-Calais-Picardie", "Hauts-de-France"),
        ("PACA", "Provence-Alpes-Côte d'Azur"), ("Bretagne", "Bretagne"), ("Normandie", "Normandie"),
    ])
    def test_same_territory_still_read(self, written: str, region: str) -> None:
        assert values({"region": written}) == (region,)

    def test_plan_check_names_file_line_and_key(self, tmp_path: Path) -> None:
        plan = tmp_path / "plan.pac.yaml"
        plan.write_text(PLAN.replace("SCOPE", "{region: Rhône-Alpes}"), encoding="utf-8")
        lines = [str(p) for p in check_plan_file(plan)]
        assert any(line.startswith(f"{plan}:11 segments[0].scope.region: 'Rhône-Alpes' is the former région")
                   for line in lines), lines


class TestDepartementLists:
    """Several départements written in one value: « Isère et Savoie », « 69, 38 » (the import's Département
    column already split « 69, 38 »; « Isère et Savoie » got « did you mean Indre-et-Loire (37)? »)."""

    @pytest.mark.parametrize(("written", "codes"), [
        ("Isère et Savoie", ("38", "73")), ("69, 38", ("69", "38")), ("69; 38; 42", ("69", "38", "42")),
        ("69/38", ("69", "38")), ("Isère, Savoie et Haute-Savoie", ("38", "73", "74")),
        ("Rhône (69) et Isère (38)", ("69", "38")),
        # a département whose name holds « et » stays one département, hyphens or not
        ("Indre et Loire", ("37",)), ("Saône-et-Loire", ("71",)), ("Isère et Saône et Loire", ("38", "71")),
    ])
    def test_read_as_a_list(self, written: str, codes: tuple[str, ...]) -> None:
        assert geography.resolve_departements(written) == codes
        assert values({"departement": written}) == codes

    def test_misspelt_name_with_et_is_not_split(self) -> None:
        """« Eure et Loire » is Eure-et-Loir misspelt before it is Eure and Loire: refused, both fixes given."""
        (line,) = problems({"departement": "Eure et Loire"})
        assert "Eure-et-Loir (28)" in line and "[Eure, Loire]" in line

    def test_a_bad_part_is_named(self) -> None:
        (line,) = problems({"departement": "Isère et Savoi"})
        assert "'Savoi'" in line and "Savoie (73)" in line


class TestDepartementSpellings:
    @pytest.mark.parametrize(("written", "code"), [
        ("69 - Rhône", "69"), ("69 Rhône", "69"), ("Rhône - 69", "69"), ("01 - Ain", "01"), ("2A - Corse-du-Sud", "2A"),
        ("974 - La Réunion", "974"),
        ("Réunion", "974"), ("La Réunion", "974"),       # a one-département région, nothing to choose
        ("Seine-St-Denis", "93"), ("Seine St Denis", "93"),
    ])
    def test_read(self, written: str, code: str) -> None:
        assert resolve_departement(written) == code

    def test_code_and_name_disagree(self) -> None:
        with pytest.raises(GeographyError, match="Rhône is 69, not 38"):
            resolve_departement("38 - Rhône")

    @pytest.mark.parametrize("written", ["2C", "2 C", "99"])
    def test_code_like_value_lists_the_codes(self, written: str) -> None:
        with pytest.raises(GeographyError) as caught:
            resolve_departement(written)
        text = str(caught.value)
        assert f"{written!r} is not a département code" in text
        assert "2A and 2B for Corsica" in text


PLAN = """plan:
  name: "PAC test"
  year: 2027
  timezone: Europe/Paris
  language: fr
people:
  - {email: julie.martin@acme.example, name: Julie Martin, role: manager}
segments:
  - id: S-RA
    name: RA
    scope: SCOPE
    kind: horizontal
    swot: {strengths: [a], weaknesses: [b], opportunities: [c], threats: [d]}
axes:
  - {id: AX-1, name: Dormants, segment: S-RA, objective: {additional_revenue: 15000, budget: 1000}}
actions:
  - id: A-01
    axis: AX-1
    text: "Visiter 5 clients en semaine 18"
    who: julie.martin@acme.example
    what: {activity: visite, count: 5}
    when: semaine 18
"""
