"""What the report needs, gathered from the store by sync_jobs and rendered by sync_jobs.report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pac_core.engine_settings import EngineSettings
from pac_core.growth import with_evaluation
from pac_core.plan import Plan
from pac_core.records import Rejected
from pac_core.restatement import Restatement
from pac_core.results import Evaluation
from sync_jobs.deal_moves import AxisMoves
from sync_jobs.retired_kept import RemovedItem


@dataclass(frozen=True)
class RunSummary:
    run_id: int
    started_at: datetime
    finished_at: datetime | None
    status: str                                   # ok, partial, failed, quota_stopped, locked
    counts: dict[str, dict[str, int]] = field(default_factory=dict)   # object -> read/written/rejected
    api_calls: dict[str, int] = field(default_factory=dict)           # connector -> calls this run
    quota_left: dict[str, int | None] = field(default_factory=dict)   # connector -> remaining daily calls
    errors: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()               # editable values changed on several sides, as decided (overrides)
    # the axes and actions the run took out of the plan (``retired_kept``); None: a run recorded before migration
    # 0016, whose items are legacy lines among its errors (``retired_kept.split``)
    removed: tuple[RemovedItem, ...] | None = None
    # the plan's warnings the run worded (``pac_core.plan_warnings.record``); None: a run recorded before migration
    # 0017, whose kept warnings are English lines among its errors (``warnings_kept.kept_problems``)
    plan_warnings: tuple[dict[str, Any], ...] | None = None


@dataclass(frozen=True)
class SnapshotPoint:
    label: str                 # "2027-Q1" (quarterly) or "2027-04" (monthly)
    kind: str                  # "monthly" | "quarterly"
    taken_at: datetime
    evaluation: Evaluation


@dataclass(frozen=True)
class ReportBasis:
    """What the figures of a closed quarter's report are (``pac report --quarter``): ``snapshot``, the quarter as
    kept at its close (``taken_on``: when the snapshot was taken), or ``restated``, re-evaluated on today's records
    and plan (``--restated``, or no snapshot kept: ``kept`` False). ``since``: what today's re-evaluation changes
    against the snapshot (empty when nothing does, or no snapshot is kept)."""

    kind: str                     # "snapshot" | "restated"
    closed_at: datetime           # the quarter's end (its closing instant)
    taken_on: datetime | None = None
    kept: bool = False
    since: Restatement = field(default_factory=Restatement)
    # the kept snapshot's plan is the one recorded that day, not the close's (``app.Kept.plan_of``): said in the header
    plan_of: datetime | None = None
    # the quarter is none of today's plan's quarters (its calendar changed since it was kept): today's period's first
    # and last local days, said in the header (audit fiscalchange)
    calendar_now: tuple[date, date] | None = None
    # the kept snapshot's engine settings are those of that day, not the close's (``app.Kept.settings_of``): said in
    # the header beside plan_of (audit snapsettings)
    settings_of: datetime | None = None
    # per axis of ``since.axes``, the deals that make its move since the close, adding up to it (audit reportdeals);
    # empty when the snapshot kept no deals (kept before 7 Dec 2026) or the currency changed since
    moves: Mapping[str, AxisMoves] = field(default_factory=dict)


@dataclass(frozen=True)
class KeptOverlap:
    """A quarter kept under a calendar the plan no longer has (its label, ``2027-Q1``; its window [start, end)) that
    overlaps the report's quarter (``common``: the days in both, [start, end)): the report says so, so that two
    quarters of one name are not compared as one (audit snapedits F2: a year moved from January to February made
    February-April the plan's Q1 beside the kept January-March Q1)."""

    label: str
    start: datetime
    end: datetime
    taken_on: datetime | None
    common: tuple[datetime, datetime]


@dataclass(frozen=True)
class ReportInputs:
    plan: Plan
    evaluation: Evaluation
    snapshots: tuple[SnapshotPoint, ...] = ()
    last_run: RunSummary | None = None
    rejected: tuple[Rejected, ...] = ()           # records the connectors could not normalise
    lint: tuple[dict[str, Any], ...] = ()         # linter results (text, kind, missing, parsed) per action
    people: dict[str, str] = field(default_factory=dict)   # e-mail -> display name
    attribution_days: int = 90                    # the engine's conversion window (EngineSettings), for the glossary
    # the engine's attribution, for the ROI note and a percentage objective's words: the evaluation's own
    # (``Evaluation.attribution``, a kept snapshot's), else the settings' (a snapshot kept before evaluations said it)
    attribution: str = "full"
    basis: ReportBasis | None = None              # a closed quarter's report: kept snapshot or restated (None: today)
    # which sync ``last_run`` is: "latest", the last one to date; "snapshot", the last one finished when the kept
    # snapshot the report shows was taken (its figures came from it); "latest_unknown", the last one to date beside a
    # kept snapshot that does not say when it was taken (kept before pac recorded it), labelled so
    run_of: str = "latest"
    overlaps: tuple[KeptOverlap, ...] = ()        # kept quarters of a former calendar overlapping the report's
    # the thresholds the advisor compared the axes' ROI and the segments' trends with (``EngineSettings.roi_limits``,
    # ``trend_limits``): a figure just short of one reads with the decimals that keep it short (audit nearthreshold)
    roi_limits: tuple[tuple[float, bool], ...] = EngineSettings().roi_limits
    trend_limits: tuple[tuple[float, bool], ...] = EngineSettings().trend_limits
    payback_limits: tuple[tuple[float, bool], ...] = EngineSettings().payback_limits

    def __post_init__(self) -> None:
        # a kept snapshot's figures were computed under its own attribution, whatever the settings say today
        if self.evaluation.attribution is not None:
            object.__setattr__(self, "attribution", self.evaluation.attribution)
        # objectives written as a percentage: the amounts this evaluation resolved (pac_core/growth.py), so every
        # section reads the objective the figures were computed against, and under split says it is the axis's share
        object.__setattr__(self, "plan", with_evaluation(self.plan, self.evaluation, self.attribution))
