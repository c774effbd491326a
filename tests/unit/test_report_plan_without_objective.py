"""The report's headline when no live axis has an objective (a plan just made by ``pac plan import``, or every axis
suspended or dropped): the plan's totals count nothing (docs/engine.md, *Plan totals*), so the « CA supplémentaire »
card and the axes table's total read « – », not « 0 € » beside a segment that sold 5,000 €."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from pac_core.engine import evaluate
from pac_core.plan import Axis, AxisStatus, Objective, Plan, Segment, SegmentKind
from pac_core.records import Deal, DealStage, Records
from pac_core.scopes import EVERYTHING
from sync_jobs.report.fmt import DASH, Formatter
from sync_jobs.report.page import kpi_cards
from sync_jobs.report.view import plan_totals
from sync_jobs.report_inputs import ReportInputs
from tests.unit.test_revenue_oracle import ACCOUNTS, USERS, _window

PARIS = ZoneInfo("Europe/Paris")
YEAR = _window(date(2027, 1, 1), date(2028, 1, 1), "2027")
SEGMENT = Segment("S", "Rhône", SegmentKind.HORIZONTAL, EVERYTHING)
DEALS = (Deal("d1", "sf", "a69c", "005J", Decimal(5000), "EUR", date(2027, 3, 1), DealStage.WON),)


def _inputs(*axes: Axis) -> ReportInputs:
    plan = Plan("PAC", YEAR, "Europe/Paris", segments=(SEGMENT,), axes=axes)
    records = Records(accounts=ACCOUNTS, deals=DEALS, users=USERS)
    return ReportInputs(plan, evaluate(plan, records, as_of=datetime(2027, 7, 1, 12, tzinfo=PARIS)))


def test_no_objective_yet_reads_a_dash_not_zero() -> None:
    inputs = _inputs(Axis("C", "Chimie", "S", EVERYTHING, AxisStatus(), None))
    label, value, _note, _tone = kpi_cards(inputs, Formatter.for_plan(inputs.plan, "fr"))[0]
    assert (label, value) == ("CA supplémentaire", DASH)
    assert plan_totals(inputs)["additional"] is None


def test_an_axis_with_an_objective_reads_its_figure() -> None:
    objective = Objective(Decimal(10000), YEAR, margin_rate=Decimal("0.3"), budget=Decimal(1000))
    inputs = _inputs(Axis("C", "Chimie", "S", EVERYTHING, AxisStatus(), objective))
    _label, value, _note, _tone = kpi_cards(inputs, Formatter.for_plan(inputs.plan, "fr"))[0]
    assert value == "5\u202f000\u00a0€"
