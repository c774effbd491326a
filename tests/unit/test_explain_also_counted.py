"""``pac explain AXIS`` under ``attribution: full`` names the other axes that count a deal too (audit reporttidy, 7 Dec
2026): each counts it whole, and a deal two axes counted read « comptée » on each with no word of the other, where
``attribution: split`` names the axes it is divided with (``explain.split_partners``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from pac_core.engine import evaluate
from pac_core.engine_settings import EngineSettings
from pac_core.explain import also_counted_by, explain_axis, split_partners
from pac_core.plan import AxisState, AxisStatus
from pac_core.records import Records
from pac_core.scopes import Condition, Scope
from tests.unit.test_engine_support import DEPT_69, DORMANT, PARIS, USERS, account, action, axis, plan, won

AS_OF = datetime(2027, 6, 30, 18, tzinfo=PARIS)
IN_38 = Scope((Condition("departement", "in", ("38",), "département 38"),))
AXES = (axis("AX-69", "SEG-ARA", scope=Scope((DEPT_69,)), name="Clients du Rhône"),
        axis("AX-DORM", "SEG-ARA", scope=Scope((DORMANT,)), name="Clients dormants"),
        axis("AX-38", "SEG-ARA", scope=IN_38, name="Clients de l'Isère"))
RECORDS = Records(accounts=(account("lyon", "69003", dormant=True), account("gre", "38000", dormant=True),
                            account("vil", "69100", dormant=False)),
                  deals=(won("d1", "lyon", "10000", date(2027, 3, 1)), won("d2", "gre", "5000", date(2027, 4, 1)),
                         won("d3", "vil", "2000", date(2027, 5, 1))),
                  users=USERS)
EVERY_DEAL = EngineSettings(deal_decision_limit=2 ** 62)


def _details(attribution: str, axis_id: str, lang: str, axes=AXES) -> dict[str, tuple[str, str]]:
    """(amount, detail) of each counted deal of ``axis_id``, every axis's counted deals listed (``all_deals``)."""
    the_plan = plan(action(axis_id="AX-69"), axes=axes)
    evaluation = evaluate(the_plan, RECORDS, as_of=AS_OF, explain=True,
                          settings=replace(EVERY_DEAL, attribution=attribution))
    named = (split_partners if attribution == "split" else also_counted_by)(the_plan, evaluation, axis_id)
    shown = explain_axis(the_plan, evaluation, axis_id, deals={(d.source, d.id): d for d in RECORDS.deals},
                         lang=lang, **{"shared" if attribution == "split" else "also": named})
    return {r["record"]: (r["amount"], r["detail"]) for r in shown.rows if r["counted"]}


def test_a_deal_two_axes_count_names_the_other_in_both_languages() -> None:
    """Lyon (69, dormant) is AX-69's and AX-DORM's: its 10 000 counted whole by each, each naming the other; Grenoble
    (38, dormant) AX-DORM's and AX-38's; Villeurbanne (69, not dormant) AX-69's alone: nothing said. Seen failing
    before the fix: no such words (``also_counted_by`` did not exist; the detail was empty)."""
    assert _details("full", "AX-69", "en") == {
        "d1": ("€10,000.00", "also counted by AX-DORM “Clients dormants”"), "d3": ("€2,000.00", "")}
    assert _details("full", "AX-DORM", "fr") == {
        "d1": ("10\u202f000,00\xa0€", "aussi comptée par AX-69 « Clients du Rhône »"),
        "d2": ("5\u202f000,00\xa0€", "aussi comptée par AX-38 « Clients de l'Isère »")}


def test_several_other_axes_and_a_suspended_one() -> None:
    """An axis over the whole region counts every deal: Lyon's reads both others; suspended, it still counts them
    whole (its figures are out of the plan's totals, not its deals out of its figures), so it is named too."""
    held = AxisStatus(AxisState.SUSPENDED, reason="gel", until=date(2027, 12, 31))
    region = axis("AX-ARA", "SEG-ARA", name="Toute la région", status=held)
    found = _details("full", "AX-69", "fr", (*AXES, region))
    assert found["d1"][1] == ("aussi comptée par AX-DORM « Clients dormants » et AX-ARA « Toute la région »")
    assert found["d3"][1] == "aussi comptée par AX-ARA « Toute la région »"


@pytest.mark.parametrize("lang, words", [("en", "split evenly with AX-DORM “Clients dormants”"),
                                         ("fr", "partagée à parts égales avec AX-DORM « Clients dormants »")])
def test_split_keeps_its_words(lang: str, words: str) -> None:
    """Under split the same deal reads its share and the axis it is divided with, not « also counted by »."""
    found = _details("split", "AX-69", lang)
    assert found["d1"][1] == words and found["d3"][1] == ""
