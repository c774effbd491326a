"""Audit domtom: a French company with reps overseas, the scopes of its accounts.

Postal codes and ISO codes of the overseas regions: 97400 Saint-Denis is La Réunion (974), 97100 Basse-Terre is
Guadeloupe (971), 20000 Ajaccio is Corse-du-Sud (2A), 98000 is Monaco (no département); an account whose country is
« RE » or « MQ » (ISO 3166-1 codes of La Réunion and Martinique) is French geography, placed by its postal code.
The time-zone half of the audit (Réunion and Martinique reps in a Paris plan) is written in docs/engine.md
(« Reps in other time zones ») and was not built on the emulator before the deadline (REPORT.md).
"""
import pytest

from pac_core import geography as g
from pac_core.errors import GeographyError


@pytest.mark.parametrize(("postal", "dep"), [("97400", "974"), ("97100", "971"), ("20000", "2A"), ("97200", "972")])
def test_overseas_and_corsican_postal_codes(postal: str, dep: str) -> None:
    assert g.departement_from_postal_code(postal) == dep


def test_monaco_is_in_no_departement() -> None:
    with pytest.raises(GeographyError, match="Monaco"):
        g.departement_from_postal_code("98000")


def test_region_la_reunion_is_974_and_iso_codes_are_french_geography() -> None:
    assert g.departements_of_region(g.resolve_region("La Réunion")) == ("974",)
    assert g.resolve_departement("974") == "974"
    assert g.country_code("RE") == "RE" and g.country_code("MQ") == "MQ"
    assert {"RE", "MQ", "GP"} <= g.FRENCH_GEOGRAPHY
    assert g.country_code("Monaco") == "MC" and "MC" not in g.FRENCH_GEOGRAPHY
