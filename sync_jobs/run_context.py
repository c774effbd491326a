"""One run's context: what it reads (plan, settings, connectors, unit of work, clock, hooks), what its steps hand
each other, and the result being built (``RunResult``: what ``run_sync`` returns)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from connectors.base import Connector, Target, WriteChange
from pac_config.settings import PlanSettings, Settings
from pac_core.columnar import RecordColumns
from pac_core.plan import Plan
from pac_core.records import Records, Rejected
from pac_core.results import Evaluation
from sync_jobs.account_targets import Shared
from sync_jobs.drift import Repair
from sync_jobs.hooks import RunHooks
from sync_jobs.overrides import Change
from sync_jobs.pull import PullOutcome
from sync_jobs.run_status import RunStatus
from sync_jobs.unit_of_work import UnitOfWork
from sync_jobs.writeback import Writer

Clock = Callable[[], datetime]
Evaluator = Callable[[Plan, Records | RecordColumns, datetime], Evaluation]    # (plan, records, as of) -> evaluation



@dataclass
class RunResult:
    plan_id: str
    status: RunStatus = RunStatus.OK
    run_id: int | None = None                                 # None: a dry run (no run is logged)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    api: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    changes: dict[str, list[WriteChange]] = field(default_factory=dict)   # connector -> sent (or would send)
    previous: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # connector -> key -> last written
    evaluation: Evaluation | None = None
    plan: Plan | None = None
    timings: dict[str, float] = field(default_factory=dict)   # seconds: pull, load, evaluate, write
    # every record left out, once: connector rejections first, then the stored records the engine set aside
    rejections: list[Rejected] = field(default_factory=list)
    # those not rejected with the same reason by the previous finished run (they, or a failed write, make a run partial)
    new_rejections: list[Rejected] = field(default_factory=list)
    labels: dict[tuple[str, str, str], str] = field(default_factory=dict)   # (source, object, id) -> subject/name
    # records counted with a data-quality problem (a won deal with no amount: won, worth 0); never make a run partial
    warnings: list[Rejected] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)        # editable values changed on several sides (overrides)
    state_changes: dict[tuple[str, str, str], Change] = field(default_factory=dict)   # (t, key, f) -> Change
    drift: list[str] = field(default_factory=list)            # hand-changed PAC fields restored
    # PAC fields an automation of the CRM rewrites after pac writes them, found this run (sync_jobs.drift): no longer
    # restored, reported once (among the errors); they make the run partial
    rewritten: list[str] = field(default_factory=list)
    # records of axes and actions no longer in the plan, marked removed by this run (diff.retired_line)
    retired: list[str] = field(default_factory=list)
    # the plan's warnings (``pac_core.plan_warnings.PlanWarning``, in English as a ``str``, ``words(lang)``; a plain
    # string for a warning worded as free text): actions none of the plan's connectors can measure
    # (``sync_jobs.coverage``), owners no CRM knows, objectives written as a percentage of a baseline of 0
    # (``pac_core.growth``)...: warned of, never a failure; kept on the run's row (``pac_run.plan_warnings``) with
    # ``relabelled`` so `pac status` words them in its language
    unmeasured: list[str] = field(default_factory=list)
    # per connector, the PAC fields the CRM lacks (an org or portal provisioned by an older pac: left out of the
    # write-back) and the command that creates them (``Connector.lacking_fields``): warned of, never a failure;
    # kept with the run's problems as ``warning: ...`` (``pac status``)
    lacking: list[str] = field(default_factory=list)
    # per connector, the scope picklist values the CRM shows under a new label since the last night, with the plan's
    # values that named the old one (``coverage.relabel_warnings``): warned of, never a failure; kept with the run's
    # problems as ``warning: ...`` (``pac status``)
    relabelled: list[str] = field(default_factory=list)
    # per connector, the records the CRM holds several copies of (HubSpot fallback tasks sharing a pac_key), with
    # what to do (``ReportsCopies.copies_found``): warned of, never a failure; kept with the run's problems as
    # ``warning: ...`` (``pac status``)
    copies: list[str] = field(default_factory=list)
    # per connector, what its reads and writes warned of about the CRM as a whole (``ReportsNotices.notices``: a
    # field not history-tracked, the org's currency not the plan's...): warned of, never a failure; kept with the
    # run's problems as ``warning: ...`` (``pac status``; audit sfhand8: they reached the log alone)
    notices: list[str] = field(default_factory=list)
    # warnings said on one night only (an action handed to another rep without handed_over, the night its file is
    # recorded; the CRM values lost with an item leaving the plan, the night it leaves): printed among ``unmeasured``
    # and kept with the run's problems as ``warning: ...``, so `pac status` shows them the morning after a night
    # `pac schedule` ran (its output reaches no one; audit hshand7)
    said_once: list[str] = field(default_factory=list)
    @property
    def log_status(self) -> str:
        """The status as the run log words it (``failed`` for a CRM unreachable or a schema pac cannot use)."""
        return self.status.logged

    @property
    def written(self) -> int:
        """PAC records (axes and actions) created or updated in the CRMs."""
        return sum(c.get("written", 0) for obj, c in self.counts.items() if obj != Target.ACCOUNT.value)

    @property
    def accounts_written(self) -> int:
        """Accounts whose PAC fields (axes targeting them, target flag) were updated."""
        return self.counts.get(Target.ACCOUNT.value, {}).get("written", 0)

    @property
    def api_lines(self) -> list[str]:
        """One line per connector: its API calls this run and, when the CRM said it, the calls left today (``API
        sf-main: 29 calls this run, 99,972 left today``), numbers grouped by thousands as the other tables show them."""
        out = []
        for name, api in self.api.items():
            left = api.get("remaining")
            out.append(f"API {name}: {api['calls']:,} calls this run"
                       + ("" if left is None else f", {left:,} left today"))
        return out

    def count(self, obj: str, what: str, n: int) -> None:
        bucket = self.counts.setdefault(obj, {})
        bucket[what] = bucket.get(what, 0) + n


@dataclass
class RunContext:
    """What a run reads (first block) and what its steps hand each other (second block, in step order)."""

    settings: Settings
    plan_settings: PlanSettings
    plan: Plan                                  # the plan file, as loaded
    fingerprint: str
    connectors: Mapping[str, Connector]
    store: UnitOfWork
    writer: Writer
    clock: Clock
    hooks: RunHooks
    evaluator: Evaluator
    now: datetime
    full: bool = False
    as_of: datetime | None = None
    # begin: the plan file is not the version the store last recorded (a first run of the plan too)
    plan_changed: bool = False
    progress: Callable[..., None] | None = None
    # called between the steps, before each pulled object and write batch: raises to stop the run (a stop asked by
    # ``pac schedule``'s signal handler, ``sync_jobs.interrupts.StopRequest``)
    stop: Callable[[], None] | None = None
    result: RunResult = field(init=False)
    status: RunStatus = RunStatus.OK            # how the steps ended (the result's, once finished)

    pulled: PullOutcome = field(default_factory=PullOutcome)                  # pull
    written: dict[str, dict[tuple[str, str], Any]] = field(default_factory=dict)   # plan state, then route
    effective: Plan | None = None               # plan state: the plan with the editable values decided
    plan_edits: int | None = None               # plan state: the PAC records a person changed in a CRM
    # plan state: the editable values a CRM edit set ((target, key, field) -> value), shown from their own day on
    edited: dict[tuple[str, str, str], Any] = field(default_factory=dict)
    # plan state: a person's CRM edits of items the plan file no longer has (``overrides.Decision.outside``)
    outside: list[tuple[tuple[str, str, str], Any]] = field(default_factory=list)
    records: Records | RecordColumns | None = None   # load (columns, or objects in a dry run)
    evaluation: Evaluation | None = None        # evaluate
    set_aside: list[Rejected] = field(default_factory=list)                   # evaluate
    desired: dict[tuple[Target, str], dict[str, Any]] = field(default_factory=dict)   # route
    routes: dict[str, set[tuple[Target, str]]] = field(default_factory=dict)  # route
    users_of: dict[str, set[str]] = field(default_factory=dict)              # route: each CRM's user e-mails
    active_of: dict[str, set[str]] = field(default_factory=dict)             # route: its active users' e-mails
    accounts: dict[str, list[WriteChange]] = field(default_factory=dict)      # route
    shared: dict[str, Shared] = field(default_factory=dict)   # route: per connector, the accounts' plans and base
    plan_files: dict[Path, Plan | None] = field(default_factory=dict)   # route: the other plans' files, loaded once
    retiring: dict[str, set[str]] = field(default_factory=dict)   # route: per connector, keys no longer in the plan
    repair: Repair | None = None                # route: drift repair's decisions (the "restored" lines, after writes)
    writing: bool = False       # write: the writes began (a stop from here on may follow records already written)

    def __post_init__(self) -> None:
        self.result = RunResult(plan_id=self.plan.id, plan=self.plan)

    @property
    def names(self) -> list[str]:
        """The plan's connectors, in the settings' order (the first one wins ties between CRMs)."""
        return list(self.plan_settings.connectors)

    @property
    def when(self) -> datetime:
        """The evaluation date: ``as_of``, else the plan's configured ``as_of``, else the run's clock."""
        return self.as_of or self.plan_settings.as_of or self.now
