"""The CRM's ROI field is empty for two different reasons a manager must tell apart: an axis whose cost is 0 has no ROI
to compute (« sans coût », as the report says), an axis with no cost written has an unknown one (« – »: write its
cost). Before, both left the field empty and the KPI text said nothing; the KPI text now says which (stop 38).
Organisation 1 of ``test_kpis_by_hand`` (its axis costs 10 000 €, ROI -0.4184), with its cost set to 0 or removed."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from connectors.base import Target
from pac_core.engine import evaluate
from pac_core.plan import Plan
from sync_jobs.diff import desired_state, record_key
from tests.unit.test_kpis_by_hand import AS_OF_1, _org1

NBSP = "\u00a0"


def _fields(budget: Decimal | None, language: str = "fr") -> dict[str, object]:
    p, records = _org1()
    assert isinstance(p, Plan)
    ax = p.axes[0]
    assert ax.objective is not None
    p = replace(p, language=language,
                axes=(replace(ax, objective=replace(ax.objective, budget=budget, effort_days=None, day_cost=None)),))
    return desired_state(p, evaluate(p, records, as_of=AS_OF_1))[(Target.AXIS, record_key(p, "AX-69"))]


def test_a_free_axis_says_it_has_no_cost() -> None:
    fields = _fields(Decimal(0))
    assert fields["roi"] is None
    assert str(fields["kpis"]).splitlines()[-1] == "ROI : sans coût (coût 0 écrit pour cet axe)"
    assert str(_fields(Decimal(0), "en")["kpis"]).splitlines()[-1] == "ROI: no cost (a cost of 0 written for this axis)"


def test_an_uncosted_axis_says_its_roi_is_unknown_and_what_to_write() -> None:
    fields = _fields(None)
    assert fields["roi"] is None
    assert str(fields["kpis"]).splitlines()[-1] == (
        "ROI : inconnu, aucun coût écrit pour cet axe (écrire budget, ou effort_days et day_cost)")
    assert str(_fields(None, "en")["kpis"]).splitlines()[-1] == (
        "ROI: unknown, no cost written for this axis (write budget, or effort_days and day_cost)")


def test_a_costed_axis_gets_no_roi_line() -> None:
    fields = _fields(Decimal(10000))
    assert fields["roi"] == -0.4184
    assert "ROI" not in str(fields["kpis"])
