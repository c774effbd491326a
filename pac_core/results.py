"""What an evaluation produces: progress, KPIs, ROI, decisions and recommendations.

Ratios are floats in [0, +inf) (1.0 = 100 %); money is Decimal in the plan's currency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any


class Pace(StrEnum):
    DONE = "done"              # target reached
    ON_TRACK = "on_track"      # at or above where the team should be by now
    AT_RISK = "at_risk"        # behind, but the window is still open
    LATE = "late"              # window closed, target missed
    NOT_STARTED = "not_started"  # window not open yet
    INACTIVE = "inactive"      # cancelled action, or its axis suspended/dropped


@dataclass(frozen=True)
class Amount:
    """An amount a decision's words name, kept as a value: ``value`` in ``currency`` (an ISO 4217 code). Each
    language writes it from these (``explain.detail_words``: « -1 235 F CFA », "-F CFA 1,235"), never by reading it
    back out of the English detail (audit decamounts, 7 Dec 2026)."""

    value: Decimal
    currency: str


@dataclass(frozen=True)
class Decision:
    """Why one record counted or did not count for one action or axis (for ``pac explain``).

    ``rule`` is a stable code: counted, outside_window, other_owner, outside_scope, cancelled,
    no_show (not_answered for a call), cancelled (call_not_completed for a
    call), planned, wrong_type, duplicate_account, deleted, no_account, no_owner,
    no_start, ...
    """

    source: str
    record_id: str
    counted: bool
    rule: str
    detail: str = ""
    account_id: str | None = None
    when: datetime | date | None = None
    amount: Decimal | None = None   # a counted deal: the exact amount (share) the axis counts, ``detail`` to the cent
    # the amounts ``detail`` names, in its order, as values (a won deal's value warnings: ``revenue.VALUE_WORDS``);
    # empty for the other decisions and for one kept before 7 Dec 2026 (then its English is read:
    # ``decision_words.localise``)
    amounts: tuple[Amount, ...] = field(default=(), metadata={"omit_empty": True})
    # the other values its words name, (name, text) in the words' order: CRM texts (a line's name) and codes, so that
    # no language rewrites them (``revenue.line_currency_words``, ``engine.unrated_words``); empty as ``amounts``
    values: tuple[tuple[str, str], ...] = field(default=(), metadata={"omit_empty": True})


@dataclass(frozen=True)
class ActionProgress:
    action_id: str
    done: int
    target: int
    progress: float                  # done / target
    expected_by_now: float           # target x elapsed share of the window
    pace: Pace
    forecast: float | None           # linear projection at the end of the window; None: too early (kpis.forecast)
    coverage: float | None = None    # share of the scope's accounts touched
    decisions: tuple[Decision, ...] = ()
    # an action counting distinct accounts: the accounts its scope holds on its window's first day, the most it can
    # count (None for an action counting every activity); fewer than its target: out of reach whatever the pace says
    scope_accounts: int | None = None

    @property
    def out_of_reach(self) -> bool:
        """Its target is more accounts than its scope holds (A-08: 6 dormant clients of Haute-Garonne to visit, 3 in
        the CRM): however the reps work, it cannot be done; the report and the review say so beside its pace."""
        return self.scope_accounts is not None and self.done < self.target and self.scope_accounts < self.target


@dataclass(frozen=True)
class KpiValue:
    """One KPI measured on one scope: ``value`` = ``numerator`` / ``denominator`` for ratios and averages
    (None when the denominator is 0), the count or the amount otherwise (numerator and denominator None)."""

    kpi: str
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    excluded: int = 0                # left out of the denominator: ``average_won_deal``'s won deals with no amount


@dataclass(frozen=True)
class AxisProgress:
    axis_id: str
    revenue: Decimal                 # won in the objective's period, in scope
    baseline: Decimal                # same period a year earlier, or the plan's figure
    additional: Decimal              # revenue - baseline
    objective: Decimal | None        # additional revenue target
    progress: float | None           # additional / objective
    expected_by_now: float | None
    pace: Pace
    cost: Decimal | None             # the objective's cost for its whole period
    roi: float | None                # ROI to date: (additional x margin - cost_to_date) / cost_to_date
    time_to_roi_months: float | None  # payback, months from the period's start: cost / margin per month to date
    activities_done: int = 0
    coverage: float | None = None
    conversion: float | None = None  # visited accounts with a won deal within the attribution window
    revenue_per_visit: Decimal | None = None
    decisions: tuple[Decision, ...] = ()   # the deals counted and left out, for the axes asked (``explain``)
    # the same of its baseline (the deals a year earlier ``baseline`` adds; none for a fixed baseline), and of a
    # percentage objective's measured base (``growth_base``'s deals: its whole period a year earlier), axes asked
    baseline_decisions: tuple[Decision, ...] = ()
    base_decisions: tuple[Decision, ...] = ()
    kpis: tuple[KpiValue, ...] = ()  # every KPI of the vocabulary (pac_core.kpi_vocabulary), in its order
    # an objective written as a percentage (pac_core.growth): the rate (0.30) and the whole period's baseline it
    # was applied to (``objective`` = rate x base, to the cent); None for an objective written as an amount
    growth_rate: Decimal | None = None
    growth_base: Decimal | None = None
    # the last day the base counts when its period (a year earlier) was not over at the evaluation instant: the base
    # is then that period's revenue to date, provisional (``engine.base_to_date``); None once it is final
    growth_base_through: date | None = None
    # ``cost`` pro-rated day for day over the objective's period up to the evaluation date, as a fixed baseline is
    # (0 before the period starts, ``cost`` once it is over); None without a cost
    cost_to_date: Decimal | None = None


@dataclass(frozen=True)
class SegmentProgress:
    segment_id: str
    revenue: Decimal
    baseline: Decimal
    additional: Decimal
    objective: Decimal | None
    roi: float | None
    trend: float | None = None       # revenue growth vs baseline, a ratio
    kpis: tuple[KpiValue, ...] = ()  # every KPI of the vocabulary over the segment's scope and the plan's period
    # the scope's revenue over the plan's whole period a year earlier (``baseline`` is its part to date): the
    # year's target is ``period_baseline + objective``, the same figure whatever the evaluation date once that year is
    # over; before, that year's revenue up to the evaluation date, provisional as a percentage's base (no won deal
    # dated after the evaluation date: ``engine.base_to_date``, audit m2year)
    period_baseline: Decimal | None = None
    # the additional revenue ``roi`` is computed on: its live axes', each deal once, each axis over its own scope and
    # objective period (pac_core/totals.py); ``additional`` when they cover the segment's scope and the plan's period,
    # another figure otherwise (an axis of the second quarter only), which the report then shows; None without a live
    # axis
    roi_additional: Decimal | None = None


@dataclass(frozen=True)
class PlanTotals:
    """The plan's (or a segment's) figures over its live axes, each won deal counted once.

    Live axes are those not suspended or dropped (``pace`` not inactive). ``revenue`` sums the won deals
    in the union of their scopes and periods (to date), a deal once however many axes hold it; ``baseline``
    is the same on the days a year earlier (a fixed baseline counts for its axis, less what the axes already
    counted hold of it); ``objective``, ``cost`` and ``cost_to_date`` sum the live axes'; ``roi`` is the ROI to
    date, (gross margin - cost to date) / cost to date, each counted deal at the margin rate of the axis counting
    it (``pac_core.totals``), None when a live axis's cost is not written (so are ``cost`` and ``cost_to_date``:
    the others' sum is not the plan's cost). Live axes without an objective are not counted (no period, no
    objective). Money in the plan's currency, ratios as floats.
    """

    revenue: Decimal
    baseline: Decimal
    additional: Decimal                  # revenue - baseline
    objective: Decimal | None            # sum of the live axes' objectives
    progress: float | None               # additional / objective
    cost: Decimal | None                 # sum of the live axes' costs (None when one is not written)
    roi: float | None
    axis_ids: tuple[str, ...] = ()       # the live axes counted
    left_out: tuple[str, ...] = ()       # suspended or dropped axes, not counted
    overlap: Decimal = Decimal(0)        # sum of the live axes' additional revenue minus ``additional``
    cost_to_date: Decimal | None = None  # sum of the live axes' costs to date (each over its own period; None as cost)


class Rule(StrEnum):
    ROLL_OUT = "roll_out"
    DROP = "drop"
    PRIORITISE = "prioritise"
    SUSPEND = "suspend"
    REASSIGN = "reassign"     # a rep leaving still owns open actions of the axis
    CLOSED = "closed"         # the axis's own period is over: its closing verdict, in the past tense (no advice)


@dataclass(frozen=True)
class Recommendation:
    rule: Rule
    axis_id: str
    segment_id: str
    summary: str                         # one sentence in the plan's language
    evidence: dict[str, Any] = field(default_factory=dict)   # figures and thresholds used
    overruled: tuple[Recommendation, ...] = ()   # other rules that fired for the axis, lower in precedence
    other: dict[str, str] = field(default_factory=dict)   # the same sentence in the other languages (lang -> text)

    def text(self, lang: str) -> str:
        """The sentence in ``lang`` (a report or review read in another language than the plan's), else as written."""
        return self.other.get(lang, self.summary)


@dataclass(frozen=True)
class Evaluation:
    plan_id: str
    as_of: datetime
    actions: tuple[ActionProgress, ...]
    axes: tuple[AxisProgress, ...]
    segments: tuple[SegmentProgress, ...]
    recommendations: tuple[Recommendation, ...] = ()
    rejected: tuple[Decision, ...] = ()   # records refused by the engine, with their reasons
    plan: PlanTotals | None = None        # the plan's totals over its live axes, each deal once (None: older data)
    warnings: tuple[Decision, ...] = ()   # records counted with a data-quality problem (won deal with no amount)
    # the engine's attribution the figures were computed with (``EngineSettings.attribution``: "full" or "split"),
    # kept with a snapshot so that the words made from it say what its figures are (a percentage objective's base
    # under split is the axis's share, ``growth_words.provenance``; the report's ROI note); None: a snapshot kept
    # before evaluations carried it (6 Dec 2026), read with the report's settings
    attribution: str | None = None

    def action(self, action_id: str) -> ActionProgress:
        return next(a for a in self.actions if a.action_id == action_id)

    def axis(self, axis_id: str) -> AxisProgress:
        return next(a for a in self.axes if a.axis_id == axis_id)
