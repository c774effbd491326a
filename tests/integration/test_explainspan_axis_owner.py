"""`pac explain AXIS` names an account's owner change as `pac explain ACTION` does (audit explainspan, 7 Dec 2026;
audit hshand6 L3).

In the hshand6 portal, AX-JU « Comptes de Julie » (scope: account owner julie) counts D2 (6202), won on Villeurbanne
Métal, a company pac recorded given to Marc on 30 June: the axis reads the owner in force on its period's first day
(1 January: its objective names no period), so D2 counts. `pac explain A-5` said so of M9 on the same company; `pac
explain AX-JU` listed D2 « counted » and nothing, and a manager reading « Julie's accounts » over a deal of Marc's
company could not tell why it counts. D1 (Lyon Soie, Julie's throughout) reads nothing, as before; the figures are
unchanged.
"""

from __future__ import annotations

from typing import Any

from tests.integration.test_hshand6_rename_portal import _explained
from tests.integration.test_hshand6_rename_portal import nights as nights  # the fixture


def test_the_axis_names_the_owner_in_force_on_its_first_day(nights: Any) -> None:
    settings = nights[3]["settings"]
    out, rows = _explained(settings, "AX-JU")
    assert ("Revenue €13,000.00 (baseline €3,620.00, additional €9,380.00, objective €10,000.00) — 2 deals "
            "counted") in out
    assert {deal: (rows[deal][0], rows[deal][-2], rows[deal][-1]) for deal in ("6201", "6202")} == {
        # AX-69 (the 69's clients) counts D1 and D2 too (hshand6's hand figures): said since audit reporttidy
        "6201": ("✔", "counted", "also counted by AX-69 “Clients du Rhone”"),
        "6202": ("✔", "counted", "also counted by AX-69 “Clients du Rhone”; account owner julie@hand6.example on "
                                 "2027-01-01, the period's first day (owner marc@hand6.example since 2027-06-30)")}
    _out, fr = _explained(settings, "AX-JU", "fr")
    assert (fr["6202"][-2], fr["6202"][-1]) == (
        "comptée", "aussi comptée par AX-69 « Clients du Rhone » ; propriétaire du compte julie@hand6.example au "
                   "1er janvier 2027, premier jour de la période (propriétaire marc@hand6.example depuis le 30 juin)")
    # the same words as the action's counted visit on that company (A-5's M9), its window's first day
    _out, five = _explained(settings, "A-5", "fr")
    assert five["3209"][-1] == ("propriétaire du compte julie@hand6.example au 1er avril 2027, premier jour de la "
                                "période (propriétaire marc@hand6.example depuis le 30 juin)")
