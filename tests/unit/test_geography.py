"""French geography: postal codes, départements and 2016 régions."""

from __future__ import annotations

import pytest

from pac_core.errors import GeographyError
from pac_core.geography import (
    DEPARTEMENTS,
    REGIONS,
    country_code,
    country_suggestion,
    departement_from_postal_code,
    departement_name,
    departements_of_region,
    postal_code_problem,
    region_of_departement,
    resolve_departement,
    resolve_region,
)


class TestTables:
    def test_there_are_101_departements(self) -> None:
        """France has 96 metropolitan and 5 overseas départements."""
        assert len(DEPARTEMENTS) == 101
        assert "20" not in DEPARTEMENTS and "975" not in DEPARTEMENTS

    def test_there_are_18_regions_each_with_departements(self) -> None:
        """The 13 metropolitan régions and 5 overseas ones each own at least one département."""
        assert len(REGIONS) == 18
        assert all(departements_of_region(r) for r in REGIONS)
        assert sum(len(departements_of_region(r)) for r in REGIONS) == 101

    @pytest.mark.parametrize(("region", "count"), [
        ("Auvergne-Rhône-Alpes", 12), ("Bourgogne-Franche-Comté", 8), ("Bretagne", 4), ("Centre-Val de Loire", 6),
        ("Corse", 2), ("Grand Est", 10), ("Hauts-de-France", 5), ("Île-de-France", 8), ("Normandie", 5),
        ("Nouvelle-Aquitaine", 12), ("Occitanie", 13), ("Pays de la Loire", 5), ("Provence-Alpes-Côte d'Azur", 6),
    ])
    def test_region_sizes(self, region: str, count: int) -> None:
        """Each metropolitan région has its official number of départements."""
        assert len(departements_of_region(region)) == count

    @pytest.mark.parametrize("code", sorted(DEPARTEMENTS))
    def test_every_departement_round_trips(self, code: str) -> None:
        """Code, name, lower-case unaccented name and "Name (code)" all resolve to the code."""
        name = departement_name(code)
        assert resolve_departement(code) == code
        assert resolve_departement(name) == code
        assert resolve_departement(name.lower()) == code
        assert resolve_departement(f"{name} ({code})") == code
        assert code in departements_of_region(region_of_departement(code))


class TestPostalCodes:
    @pytest.mark.parametrize(("postal", "dept"), [
        ("69003", "69"), ("75008", "75"), ("01000", "01"), ("13001", "13"), ("38000", "38"), ("95000", "95"),
        ("20000", "2A"), ("20090", "2A"), ("20100", "2A"), ("20137", "2A"), ("20169", "2A"),
        ("20200", "2B"), ("20250", "2B"), ("20600", "2B"), ("20620", "2B"),
        ("97100", "971"), ("97110", "971"), ("97200", "972"), ("97300", "973"), ("97400", "974"), ("97600", "976"),
        (" 69003 ", "69"), ("69 003", "69"),
    ])
    def test_maps(self, postal: str, dept: str) -> None:
        """Metropolitan, Corsican and overseas postal codes map to their département."""
        assert departement_from_postal_code(postal) == dept
        assert postal_code_problem(postal) is None

    @pytest.mark.parametrize(("postal", "says"), [
        ("98000", "Monaco"), ("97500", "Saint-Pierre-et-Miquelon"), ("97700", "collectivity"),
        ("97800", "collectivity"), ("98600", "Wallis"), ("98700", "Polynesia"), ("98800", "Caledonia"),
        ("97133", "Saint-Barthélemy"), ("97150", "Saint-Martin"), ("20300", "Corsica"),
        ("6900", "4 digits"), ("ABCDE", "not 5 digits"), ("", "not 5 digits"), ("690030", "not 5 digits"),
        ("00100", "not a French"), ("97700", "not a département"),
    ])
    def test_does_not_map(self, postal: str, says: str) -> None:
        """Codes outside any département raise with the reason, never a guess."""
        with pytest.raises(GeographyError) as exc:
            departement_from_postal_code(postal)
        assert says in str(exc.value)
        assert exc.value.problems[0].fix
        assert says in (postal_code_problem(postal) or "")

    @pytest.mark.parametrize(("postal", "dept"), [
        ("20401", "2B"), ("20411", "2B"), ("20288", "2B"), ("20291", "2B"), ("20297", "2B"), ("20604", "2B"),
        ("20700", "2A"), ("20701", "2A"), ("20704", "2A"), ("20187", "2A"), ("20188", "2A"), ("20191", "2A"),
    ])
    def test_corsican_cedex_codes_map(self, postal: str, dept: str) -> None:
        """La Poste's CEDEX codes of Bastia (204xx, Haute-Corse prefecture « 20401 Bastia Cedex 9 », DREAL « 20411
        Bastia Cedex ») and Ajaccio (207xx, DRAAF « 20704 Ajaccio Cedex 9 ») are in 2B and 2A (audit matching F4:
        both were in no département, so their visits counted for no 2A / 2B action and their revenue for no région)."""
        assert departement_from_postal_code(postal) == dept
        assert region_of_departement(dept) == "Corse"

    def test_an_unknown_corsican_range_says_what_can_be_done(self) -> None:
        """A 20xxx code in no range of La Poste's is refused with fixes that exist: correct it in the CRM, or scope the
        account by postal code (no mapping sets a département, so "set the département explicitly" was no fix)."""
        problem = postal_code_problem("20300") or ""
        assert "204xx" in problem and "207xx" in problem
        assert "explicitly" not in problem
        assert "correct it in the CRM" in problem and "postal_code: 20300" in problem

    @pytest.mark.parametrize(("postal", "dept"), [
        ("69289 CEDEX 02", "69"), ("69289 Cedex 2", "69"), ("69289 CEDEX", "69"), ("69003 Lyon", "69"),
        ("69003 LYON CEDEX 03", "69"), ("69 003 Lyon", "69"), ("42000 Saint-Étienne", "42"),
        ("75008 Paris 8e", "75"), ("13001 Marseille 1er", "13"), ("20401 Bastia Cedex 9", "2B"),
        ("20704 AJACCIO CEDEX 9", "2A"), ("22300 L'Île-Grande", "22"), ("97400 Saint-Denis", "974"),
    ])
    def test_a_code_typed_with_its_cedex_or_town_maps(self, postal: str, dept: str) -> None:
        """La Poste's last address line, « CODE LOCALITÉ [CEDEX nn] », pasted whole into the postal code field is
        unambiguous: its leading 5-digit group is read (audit matching F5: no département, the visits counted for
        no 69 action)."""
        assert departement_from_postal_code(postal) == dept
        assert postal_code_problem(postal) is None

    @pytest.mark.parametrize("postal", [
        "69003 12 rue de la Paix", "69003 / 38000", "69003-38000", "69003, Lyon", "Lyon 69003", "690031 Lyon",
        "6900 Lyon", "69003 38000", "69003 Lyon 3 rue Garibaldi", "CEDEX 02", "69003Lyon",
    ])
    def test_garbage_around_a_code_is_still_refused(self, postal: str) -> None:
        """Anything but a town or CEDEX after the code (a street, a second code, a comma) is not guessed."""
        with pytest.raises(GeographyError):
            departement_from_postal_code(postal)

    def test_a_refused_code_with_a_town_keeps_its_reason(self) -> None:
        """« 98000 Monaco » is read as 98000: refused because Monaco is no département, not for the town."""
        assert "Monaco" in (postal_code_problem("98000 MONACO") or "")

    def test_dropped_leading_zero_gets_a_fix(self) -> None:
        """A 4-digit code from a spreadsheet suggests putting the zero back."""
        with pytest.raises(GeographyError, match="write 01000"):
            departement_from_postal_code("1000")


class TestResolveDepartement:
    @pytest.mark.parametrize(("text", "code"), [
        ("69", "69"), ("Rhône", "69"), ("rhone", "69"), ("RHONE", "69"), ("Rhone (69)", "69"), ("2a", "2A"),
        ("2B", "2B"), ("Corse-du-Sud", "2A"), ("corse du sud", "2A"), ("971", "971"), ("Guadeloupe", "971"),
        ("Côtes-d'Armor", "22"), ("cotes d armor", "22"), ("Côtes-d’Armor", "22"), ("1", "01"), ("01", "01"),
        ("département du Rhône", "69"), ("département 69", "69"), ("La Réunion", "974"), ("Val-d'Oise", "95"),
        ("Territoire de Belfort", "90"), ("Loire", "42"), ("Haute-Loire", "43"), ("Paris", "75"),
    ])
    def test_resolves(self, text: str, code: str) -> None:
        """Codes, names with or without accents, and "Name (code)" resolve."""
        assert resolve_departement(text) == code

    def test_misspelt_name_suggests(self) -> None:
        """A misspelt name gets a did-you-mean fix."""
        with pytest.raises(GeographyError) as exc:
            resolve_departement("Rhne")
        assert "did you mean Rhône (69)?" in str(exc.value)

    @pytest.mark.parametrize("text", ["Corse", "corse", "Corsica"])
    def test_corse_is_a_region_not_creuse(self, text: str) -> None:
        """`departement: Corse` suggests the région or its two départements, not « Creuse (23) » (audit matching,
        minor)."""
        with pytest.raises(GeographyError) as exc:
            resolve_departement(text)
        fix = exc.value.problems[0].fix
        assert "region: Corse" in fix and "departement: [2A, 2B]" in fix and "Creuse" not in fix

    def test_a_region_name_as_a_departement_names_its_departements(self) -> None:
        """`departement: Bretagne` suggests `region: Bretagne` or its four départements."""
        with pytest.raises(GeographyError, match=r"region: Bretagne.*departement: \[22, 29, 35, 56\]"):
            resolve_departement("Bretagne")

    def test_twenty_says_2a_or_2b(self) -> None:
        """The old Corsican code 20 is refused with the two codes to use."""
        with pytest.raises(GeographyError, match=r"2A.*2B"):
            resolve_departement("20")

    @pytest.mark.parametrize("text", ["975", "99", "00", "Atlantis", "Rhône (38)", ""])
    def test_unknown_raises(self, text: str) -> None:
        """Unknown codes, names and inconsistent "Name (code)" raise GeographyError."""
        with pytest.raises(GeographyError):
            resolve_departement(text)


class TestRegions:
    @pytest.mark.parametrize(("text", "region"), [
        ("Auvergne-Rhône-Alpes", "Auvergne-Rhône-Alpes"), ("auvergne rhone alpes", "Auvergne-Rhône-Alpes"),
        ("ARA", "Auvergne-Rhône-Alpes"), ("IDF", "Île-de-France"), ("Île-de-France", "Île-de-France"),
        ("ile de france", "Île-de-France"), ("PACA", "Provence-Alpes-Côte d'Azur"),
        ("Provence-Alpes-Côte d'Azur", "Provence-Alpes-Côte d'Azur"), ("Rhône-Alpes", "Auvergne-Rhône-Alpes"),
        ("Midi-Pyrénées", "Occitanie"), ("Languedoc-Roussillon", "Occitanie"), ("Alsace", "Grand Est"),
        ("Picardie", "Hauts-de-France"), ("Limousin", "Nouvelle-Aquitaine"), ("Basse-Normandie", "Normandie"),
        ("Franche-Comté", "Bourgogne-Franche-Comté"), ("région Bretagne", "Bretagne"), ("Réunion", "La Réunion"),
        ("Centre", "Centre-Val de Loire"), ("corse", "Corse"),
    ])
    def test_resolves(self, text: str, region: str) -> None:
        """2016 names, acronyms and pre-2016 names give the 2016 région."""
        assert resolve_region(text) == region

    def test_unknown_region_suggests(self) -> None:
        """A misspelt région gets a did-you-mean fix."""
        with pytest.raises(GeographyError, match="did you mean Bretagne"):
            resolve_region("Bretagn")

    def test_unknown_region_lists_choices(self) -> None:
        """A région far from any known one lists the régions."""
        with pytest.raises(GeographyError, match="Occitanie"):
            resolve_region("Xyzzy")

    def test_region_of_departement(self) -> None:
        """A département (code or name) gives its 2016 région."""
        assert region_of_departement("69") == "Auvergne-Rhône-Alpes"
        assert region_of_departement("Gironde") == "Nouvelle-Aquitaine"
        assert region_of_departement("2B") == "Corse"
        assert region_of_departement("976") == "Mayotte"

    def test_departements_of_old_region_name(self) -> None:
        """An old région name lists the départements of its 2016 région."""
        assert "69" in departements_of_region("Rhône-Alpes")
        assert "63" in departements_of_region("Rhône-Alpes")


class TestCountries:
    """One country reader for both connectors and plan scopes: codes and English / French names to ISO alpha-2."""

    @pytest.mark.parametrize(("written", "code"), [
        ("United States", "US"), ("USA", "US"), ("U.S.", "US"), ("U.S.A.", "US"), ("us", "US"),
        ("United States of America", "US"), ("États-Unis", "US"), ("les Etats-Unis", "US"),
        ("UK", "GB"), ("United Kingdom", "GB"), ("Royaume-Uni", "GB"), ("GBR", "GB"), ("England", "GB"),
        ("Canada", "CA"), ("CAN", "CA"), ("Switzerland", "CH"), ("Suisse", "CH"), ("CHE", "CH"),
        ("Belgium", "BE"), ("Belgique", "BE"), ("Luxembourg", "LU"), ("Monaco", "MC"), ("MCO", "MC"),
        ("Japan", "JP"), ("Japon", "JP"), ("China", "CN"), ("Chine", "CN"), ("CHN", "CN"),
        ("Germany", "DE"), ("Allemagne", "DE"), ("Deutschland", "DE"), ("the Netherlands", "NL"),
        ("Pays-Bas", "NL"), ("Holland", "NL"), ("Czechia", "CZ"), ("République tchèque", "CZ"),
        ("Irlande", "IE"), ("Poland", "PL"), ("Pologne", "PL"), ("FRANCE", "FR"), ("fra", "FR"),
        ("Côte d'Ivoire", "CI"), ("cote d’ivoire", "CI"),
    ])
    def test_codes_and_names_give_the_alpha2_code(self, written: str, code: str) -> None:
        """Alpha-2, alpha-3, English and French names and usual abbreviations, any case, accents or dots."""
        assert country_code(written) == code

    def test_every_eu_member_in_english_and_french(self) -> None:
        """The 27 EU members are read from their English and their French names."""
        members = {
            "AT": ("Austria", "Autriche"), "BE": ("Belgium", "Belgique"), "BG": ("Bulgaria", "Bulgarie"),
            "HR": ("Croatia", "Croatie"), "CY": ("Cyprus", "Chypre"), "CZ": ("Czechia", "Tchéquie"),
            "DK": ("Denmark", "Danemark"), "EE": ("Estonia", "Estonie"), "FI": ("Finland", "Finlande"),
            "FR": ("France", "France"), "DE": ("Germany", "Allemagne"), "GR": ("Greece", "Grèce"),
            "HU": ("Hungary", "Hongrie"), "IE": ("Ireland", "Irlande"), "IT": ("Italy", "Italie"),
            "LV": ("Latvia", "Lettonie"), "LT": ("Lithuania", "Lituanie"), "LU": ("Luxembourg", "Luxembourg"),
            "MT": ("Malta", "Malte"), "NL": ("Netherlands", "Pays-Bas"), "PL": ("Poland", "Pologne"),
            "PT": ("Portugal", "Portugal"), "RO": ("Romania", "Roumanie"), "SK": ("Slovakia", "Slovaquie"),
            "SI": ("Slovenia", "Slovénie"), "ES": ("Spain", "Espagne"), "SE": ("Sweden", "Suède"),
        }
        assert len(members) == 27
        read = {code: (country_code(en), country_code(fr)) for code, (en, fr) in members.items()}
        assert read == {code: (code, code) for code in members}

    @pytest.mark.parametrize("written", ["Atlantis", "", "   ", None, "EU", "ZZ", "Q2"])
    def test_what_names_no_country_is_none(self, written: str | None) -> None:
        """Unknown text, empty values and CLDR regions that are not countries (EU, ZZ) name no country."""
        assert country_code(written) is None

    def test_a_misspelt_country_gets_a_suggestion(self) -> None:
        """'Untied States' suggests US: the plan's error can say "did you mean"."""
        assert country_suggestion("Untied States") == "US"
        assert country_suggestion("Atlantis") is None
