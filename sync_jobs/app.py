"""Read-side services over the store: the current evaluation, snapshots, what the report needs.

Nothing here calls a CRM: the evaluation is recomputed (pure engine) from the stored records and the
plan file with the manager's CRM edits applied, as of the given date (default: the plan's configured
``as_of``, else now).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from pac_config.planfile import load_plan_text
from pac_config.settings import PlanSettings, Settings, engine_settings, kept_engine_section, with_engine_section
from pac_core.errors import InvalidInput, PeriodError, Problem
from pac_core.growth import with_evaluation
from pac_core.linter import lint_statement
from pac_core.people import with_remembered
from pac_core.plan import Plan
from pac_core.records import Records
from pac_core.restatement import Restatement, since_close
from pac_core.results import Evaluation
from pac_core.revenue import last_day
from pac_core.snapshots import (
    KEPT,
    closed_periods,
    closing_instant,
    current_quarter,
    due_snapshots,
    evaluation_from_payload,
    last_closed,
    parse_label,
    period_window,
    plan_label,
    quarter_phase,
    snapshot_payload,
)
from sync_jobs import overrides as plan_state
from sync_jobs.deal_moves import AxisMoves, close_moves
from sync_jobs.evaluation import (
    DEALS,
    CountedDeals,
    counted_deals,
    deals_from_payload,
    deals_payload,
    effective_plan,
    evaluate,
    load_plan_file,
    plan_edits,
    without_axis_decisions,
)
from sync_jobs.overrides import apply_overrides
from sync_jobs.plan_identity import check_period_kept
from sync_jobs.report_inputs import KeptOverlap, ReportBasis, ReportInputs, RunSummary, SnapshotPoint
from sync_jobs.retired_kept import from_record
from sync_jobs.store import open_store, repo
from sync_jobs.store import records as store_records
from sync_jobs.store.db import stored_instant
from sync_jobs.store_guard import require_sync

log = logging.getLogger("pac.snapshot")

@dataclass(frozen=True)
class Current:
    plan: Plan
    evaluation: Evaluation
    records: Records
    settings: PlanSettings


def current(settings: Settings, plan_ref: str | None = None, *, as_of: datetime | None = None,
            engine: Engine | None = None, explain: Sequence[str] = (), plan: Plan | None = None,
            all_deals: bool = False) -> Current:
    """The plan (with CRM edits) evaluated on the stored records; ``explain``: the actions whose
    per-record decisions are kept (``pac explain``), in the same pass; ``plan``: the plan file as the caller
    already loaded it (read once); ``all_deals``: every axis's counted deals listed (``evaluation.counted_deals``).
    The plan returned carries the amounts of its objectives written as a
    percentage, as the evaluation resolved them (``pac_core.growth.with_evaluation``)."""
    ps = settings.plan(plan_ref)
    if plan is None:
        plan, _ = load_plan_file(ps)
    own = engine is None
    if own:   # figures from an empty store would read as "0 / 5" and "every axis within thresholds"
        require_sync(settings.database(), ps.key, plan.id)
    engine = engine or open_store(settings.database())
    try:
        plan, _refused = effective_plan(engine, plan)
        # an explanation lists the records the runs rejected (``repo.known_rejections``, ``Rejected.record``): won
        # deals on their axes, engagements among their rep's rejected records
        rejected = repo.known_rejections(engine, plan.id) if explain else ()
        records = store_records.load_records(engine, ps.connectors, rejected)
        plan = with_remembered(plan, records.users)   # a login's former e-mail the plan names (pac_core.people)
        when = as_of or ps.as_of or datetime.now(UTC)
        evaluation = evaluate(plan, records, when, settings, explain=list(explain), all_deals=all_deals)
        # objectives written as a percentage carry the amount the evaluation resolved (pac_core/growth.py)
        return Current(with_evaluation(plan, evaluation), evaluation, records, ps)
    finally:
        if own:
            engine.dispose()


def run_summary(row: Any, conflicts: Sequence[str] = ()) -> RunSummary:
    return RunSummary(run_id=row.id, started_at=row.started_at, finished_at=row.finished_at, status=row.status,
                      counts={k: dict(v) for k, v in row.counts.items()},
                      api_calls={k: int(v.get("calls", 0)) for k, v in row.api.items()},
                      quota_left={k: v.get("remaining") for k, v in row.api.items()}, errors=tuple(row.errors),
                      conflicts=tuple(conflicts),
                      removed=None if row.removed is None else tuple(from_record(r) for r in row.removed),
                      plan_warnings=None if row.plan_warnings is None else tuple(row.plan_warnings))


def take_snapshot(settings: Settings, plan_ref: str | None, kind: str | None = None, *, period: str | None = None,
                  now: datetime | None = None, engine: Engine | None = None, replace: bool = False) -> str:
    """Keep the evaluation of a closed period as its snapshot; returns its label. One already kept for the period
    is refused (``InvalidInput`` naming when it was taken and ``--replace``) unless ``replace``.

    ``period``: ``2027-03`` (monthly) or ``2027-Q1`` (quarterly), or one of the plan's quarters as the plan reads
    it (``Q1``: on a year from February, ``2027-02..2027-04``, ``snapshots.plan_label``; a calendar quarter that is
    none of the plan's is refused); default: the last period of ``kind`` that has
    ended at ``now`` (default: the plan's configured ``as_of``, else the clock). The plan is evaluated at the
    period's end in its timezone (``closing_instant``), and the snapshot is stored with that instant (the
    report's trends sort by it). A period that has not ended, or that lies outside the plan's period, is refused
    (``InvalidInput``, with the periods that can be taken)."""
    return take_snapshots(settings, plan_ref, kind, [period] if period else None, now=now, engine=engine,
                          replace=replace, refuse_kept=True)[0]


def _kept_labels(settings: Settings, engine: Engine | None, plan_id: str, kind: str) -> set[str]:
    """The labels of the plan's snapshots of ``kind`` kept in the store (``engine``, else the settings' store)."""
    store = engine or open_store(settings.database())
    try:
        return {s.label for s in repo.snapshots(store, plan_id) if s.kind == kind}
    finally:
        if engine is None:
            store.dispose()


def _closed_choices(kind: str, allowed: Sequence[str], kept: set[str]) -> str:
    """The fix of a refused ``--period``: the closed periods of ``kind`` still to take, those kept set apart (one
    kept is taken again only with ``--replace``: offering it alone sent the admin to a second refusal)."""
    free, taken = [p for p in allowed if p not in kept], [p for p in allowed if p in kept]
    if not allowed:
        return "choose a closed period of the plan: none has ended yet"
    if not taken:
        return f"choose a closed period of the plan: {', '.join(free)}"
    if not free:
        return (f"every closed {'quarter' if kind == 'quarterly' else 'month'} of the plan is kept already "
                f"({', '.join(taken)}): add --replace to take one again")
    return (f"choose a closed period of the plan not kept yet: {', '.join(free)} (kept already: {', '.join(taken)}; "
            "--replace takes one again)")


def take_snapshots(settings: Settings, plan_ref: str | None, kind: str | None, periods: Sequence[str] | None, *,
                   now: datetime | None = None, engine: Engine | None = None, replace: bool = False,
                   refuse_kept: bool = False) -> list[str]:
    """``take_snapshot`` for several periods, reading the store once (the scheduler's catch-up); returns the
    labels kept. A period already kept is left as it is (logged, not in the list; ``refuse_kept``: refused) unless
    ``replace``. Each snapshot keeps, besides the evaluation, when it was taken (``now``), the plan version and the
    CRM edits it was evaluated with (``snapshots.KEPT``), so ``kept_plan`` rebuilds that plan."""
    ps = settings.plan(plan_ref)
    plan, fingerprint = load_plan_file(ps)
    now = now or ps.as_of or datetime.now(UTC)
    tz = plan.timezone
    wanted: list[tuple[str, str]] = []
    for text in periods or [last_closed(kind or "monthly", now, tz, quarter_phase(plan.period), within=plan.period)]:
        what, label = plan_label(text, plan.period, tz)
        if kind is not None and what != kind:
            raise InvalidInput(Problem("--period", f"{text} is a {what[:-2]}, not a {kind[:-2]}",
                                       "write a month as 2027-03 or a quarter as 2027-Q1"))
        allowed = closed_periods(what, now, tz, plan.period)
        if label not in allowed:
            window = period_window(label, tz)
            why = (f"{label} has not ended yet (now is {now.astimezone(ZoneInfo(tz)):%Y-%m-%d %H:%M} {tz})"
                   if window.end > now else f"{label} is outside the plan's period")
            raise InvalidInput(Problem("--period", why, _closed_choices(what, allowed,
                                                                    _kept_labels(settings, engine, plan.id, what))))
        wanted.append((what, label))
    own = engine is None
    engine = engine or open_store(settings.database())
    try:
        kept_before = {(s.kind, s.label): s for s in repo.snapshots(engine, plan.id)}
        for what, label in wanted:
            if (what, label) in kept_before and not replace:
                _already_kept(kept_before[what, label], plan.id, tz, refuse=refuse_kept)
        if all((what, label) in kept_before for what, label in wanted) and not replace:
            return []
        check_period_kept(engine, plan, file=str(ps.file))   # a new year's plan under last year's id: refused
        effective, _refused = effective_plan(engine, plan)
        edits = [[e.key, e.field, e.value, e.at and stored_instant(e.at).isoformat()] for e in plan_edits(engine, plan)]
        version, _ = repo.save_plan_version(engine, plan.id, fingerprint, str(ps.file),
                                            ps.file.read_text(encoding="utf-8"), now)
        section, _ = repo.save_engine_settings(engine, plan.id, kept_engine_section(settings), now)
        today_info = {"taken_on": now.astimezone(UTC).isoformat(), "plan_version": version.version, "edits": edits,
                      "settings_version": section.version}
        versions = repo.plan_versions(engine, plan.id)
        sections = repo.engine_settings_versions(engine, plan.id)
        history = repo.field_events(engine, plan.id)
        records = store_records.load_records(engine, ps.connectors)
        taken = []
        plans_then: dict[tuple[object, str], Plan] = {}    # (plan version, CRM edits) -> that plan (late snapshots)
        for what, label in wanted:
            if (what, label) in kept_before and not replace:
                continue
            end = closing_instant(label, tz)
            kept_info, then, cutoff = today_info, effective, plan_cutoff(end, tz)
            settings_then = settings
            if replace and now >= cutoff:       # --replace: today's plan and settings, by design, and said
                kept_info = {**today_info, "plan_of": today_info["taken_on"], "settings_of": today_info["taken_on"]}
            elif now >= cutoff:                 # a late snapshot: the plan and the settings as they were at the close
                kept_info = plan_then_info(versions, edits, cutoff, today_info, history=history, plan=plan)
                kept_info, settings_then = settings_then_info(sections, cutoff, kept_info, settings, plan.id)
                if kept_info["plan_version"] != version.version or kept_info["edits"] != edits:
                    # a catch-up of several periods often reads one version with the same edits: built once
                    key = (kept_info["plan_version"], repr(kept_info["edits"]))
                    if key not in plans_then:
                        chosen = next(v for v in versions if v.version == kept_info["plan_version"])
                        plans_then[key] = _version_plan(engine, plan.id, chosen, kept_info, history)
                    then = plans_then[key]
            # every axis's counted deals kept beside the figures: the next review says which moved (audit reviewdeals)
            evaluation = evaluate(then, records, end, settings_then, all_deals=True)
            deals = deals_payload(counted_deals(evaluation))
            evaluation = without_axis_decisions(evaluation)
            try:
                repo.save_snapshot(engine, effective.id, what, label,
                                   {**snapshot_payload(evaluation), KEPT: kept_info, DEALS: deals},
                                   end.astimezone(UTC),
                                   replace=replace)
            except IntegrityError:   # another worker sharing the store kept it between the read above and this insert
                row = repo.snapshot(engine, effective.id, what, label)
                if row is None:      # not that: the store refused the row for another reason
                    raise
                _already_kept(row, plan.id, tz, refuse=refuse_kept, meanwhile=True)
                continue
            taken.append(label)
        return taken
    finally:
        if own:
            engine.dispose()


def plan_cutoff(end: datetime, tz: str) -> datetime:
    """The instant a period's plan is read at (``end``: its closing instant): the end of the day after the period,
    in the plan's timezone. The scheduler keeps a period on that day (its nightly sync, then the snapshot job at
    05:45), with the plan file of that night: a plan edited on the period's last evening is recorded by the next
    night's sync, and a snapshot taken by then reads today's plan, as it always did. One taken later (the
    scheduler's catch-up, ``pac snapshot --period`` weeks after) reads the plan version in force then
    (``plan_then_info``), not the plan of the day it is taken."""
    local = end.astimezone(ZoneInfo(tz))
    return (local.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)


def plan_then_info(versions: Sequence[Any], edits: Sequence[Sequence[Any]], cutoff: datetime,
                   today: dict[str, Any], *, history: Sequence[Any] = (), plan: Plan | None = None) -> dict[str, Any]:
    """What a late snapshot keeps of its plan (``snapshots.KEPT``), the plan as the store knew it at ``cutoff``
    (``plan_cutoff``): the latest plan version imported by then, with the CRM edits in force then: each field's
    last change made by then in ``history`` (``repo.field_events``, oldest first; ``overrides.in_force_at``), kept
    when it was a CRM edit, the version's own value standing when it was the file's or when the field had no change
    by then. So a target edited twice, 5 -> 8 on 20 March and 8 -> 3 on 10 April, is 8 in March (audit snapedits;
    it read the file's 5, the store's state holding only the 10 April value), and a target or a due date lowered in
    a CRM in April does not move March. A field the history has no change of (none made, or a store from before it
    kept them) takes ``edits`` (today's rows [key, field, value, at]) made by then; a row with no day, pac's or the
    file's, goes with today's version only. With no version imported by then (a store started later), the first one
    the store kept, and ``plan_of`` says when it was recorded (the report's header names that day: the plan is not
    the close's). ``today``: the info of today's plan (its ``taken_on`` is kept); ``plan``: today's plan file, whose
    version keeps only the edits that change it, as ``edits`` does (``evaluation.plan_edits``), so a late snapshot
    on today's version with today's edits is evaluated on today's effective plan, built once."""
    before = [v for v in versions if stored_instant(v.imported_at) <= cutoff]
    chosen = before[-1] if before else versions[0] if versions else None
    if chosen is None:
        return {**today, "plan_of": today["taken_on"]}
    current = chosen.version == today["plan_version"]    # a row with no day belongs to today's file: kept with it
    last, told = plan_state.in_force_at(history, cutoff)
    made = {(e.target, e.key, e.field): e for e in last.values() if e.source == "crm"}
    values = {k: e.value for k, e in made.items()}
    at: dict[tuple[str, str, str], datetime | None] = {k: stored_instant(e.changed_at) for k, e in made.items()}
    if current and plan is not None:   # as today's rows are: only those that change the version's values
        rows = [[e.key, e.field, e.value, e.at and stored_instant(e.at).isoformat()]
                for e in plan_state.overrides_of(plan, values, at)]
    else:
        rows = [[k[1], k[2], e.value, stored_instant(e.changed_at).isoformat()] for k, e in sorted(made.items())]
    rows += [list(e) for e in edits if (e[0], e[1]) not in told
             and (datetime.fromisoformat(e[3]) <= cutoff if e[3] else current)]
    info = {**today, "plan_version": chosen.version, "edits": rows}
    if not before:
        info["plan_of"] = stored_instant(chosen.imported_at).astimezone(UTC).isoformat()
    return info


def settings_then_info(sections: Sequence[Any], cutoff: datetime, info: dict[str, Any], settings: Settings,
                       plan_id: str = "") -> tuple[dict[str, Any], Settings]:
    """The engine settings a late snapshot is evaluated with, and ``info`` (``snapshots.KEPT``) saying which: the
    latest engine section the store recorded for the plan by ``cutoff`` (``plan_cutoff``; ``sections``:
    ``repo.engine_settings_versions``, oldest first), so a rate or an attribution rule changed in pac.yaml after
    the close does not move the closed period (audit snapsettings: a USD deal of 10,000 won in March read 8,500.00
    EUR, April's rate 0.85, not March's 9,200.00). With none recorded by then (a store started later, or upgraded
    since: 0013 fills nothing), or one a newer pac no longer reads, today's ``settings``, and ``settings_of`` says so
    (the day taken, as ``plan_of`` says the plan is not the close's)."""
    before = [s for s in sections if stored_instant(s.recorded_at) <= cutoff]
    then = with_engine_section(settings, before[-1].content) if before else None
    if then is None:
        if before:
            log.warning(f"snapshot plan={plan_id}: the engine settings recorded on "
                        f"{stored_instant(before[-1].recorded_at):%Y-%m-%d} no longer load: today's are used")
        return {**info, "settings_of": info["taken_on"]}, settings
    return {**info, "settings_version": before[-1].version}, then


def _already_kept(row: Any, plan_id: str, tz: str, *, refuse: bool, meanwhile: bool = False) -> None:
    """A period kept before (``row``, its snapshot): refused (``refuse``, ``pac snapshot``: ``InvalidInput`` naming
    when it was taken and ``--replace``), else left as it is with a log line (the scheduler's jobs). ``meanwhile``:
    kept by another worker sharing the store between this one's read and its insert; said the same way."""
    taken = taken_words(row, tz) + (", by another worker meanwhile" if meanwhile else "")
    if refuse:
        raise InvalidInput(Problem("--period", f"{row.label} is already kept (taken on {taken}): taking it again "
                                   "would replace the figures kept then",
                                   "add --replace to replace them and print what changes, or leave the kept "
                                   "snapshot as it is"))
    log.info("snapshot %s of %s already kept (taken on %s): left as it is (pac snapshot --period %s --replace "
             "replaces it)", row.label, plan_id, taken, row.label)


def taken_words(row: Any, tz: str) -> str:
    """When a kept snapshot was taken, for messages: ``2027-04-01 05:45 (Europe/Paris)``; a snapshot kept before
    pac recorded it: ``an unknown date``."""
    taken = taken_on(row.payload)
    return f"{when_taken(taken, tz)} ({tz})" if taken else when_taken(taken, tz)


def when_taken(taken: datetime | None, tz: str) -> str:
    """``taken`` (a snapshot's ``taken_on``) in the plan's timezone, ``2027-04-01 05:45``, or ``an unknown date``."""
    return f"{taken.astimezone(ZoneInfo(tz)):%Y-%m-%d %H:%M}" if taken else "an unknown date"


def taken_on(payload: dict[str, Any]) -> datetime | None:
    """When the snapshot holding ``payload`` was taken (``snapshots.KEPT``); None for one kept before pac
    recorded it."""
    text = (payload.get(KEPT) or {}).get("taken_on")
    return datetime.fromisoformat(text) if text else None


@dataclass(frozen=True)
class Kept:
    """A kept snapshot as the report reads it: its evaluation, the plan it was evaluated with, when it was taken."""

    label: str
    evaluation: Evaluation
    plan: Plan
    taken_on: datetime | None
    # the plan is not the close's but the one recorded on that day (a store started after the period, --replace):
    # the report's header says so (audit asofplan F5); None for the plan of the close (or a snapshot kept before)
    plan_of: datetime | None = None
    plan_version: int | None = None   # the stored plan version it was evaluated with (None: kept before pac said)
    # the engine settings are not the close's but those of that day (none recorded by the cutoff, --replace): said
    # beside plan_of (audit snapsettings); None for the settings of the close (or a snapshot kept before 0013)
    settings_of: datetime | None = None
    # every axis's counted deals at the close (``evaluation.counted_deals``); None for a snapshot kept before they were
    # (7 Dec 2026): the review then says the sign of what moved, not which deals (audit reviewdeals)
    deals: CountedDeals | None = None


def kept_snapshot(settings: Settings, plan_ref: str | None, kind: str, label: str, *,
                  engine: Engine | None = None, plan: Plan | None = None) -> Kept | None:
    """The snapshot kept for ``label`` (None when there is none); ``engine``: the caller's open store, else one is
    opened for the read; ``plan``: the plan file as the caller already loaded it."""
    ps = settings.plan(plan_ref)
    plan = plan or load_plan_file(ps)[0]
    own = engine is None
    engine = engine or open_store(settings.database())
    try:
        row = repo.snapshot(engine, plan.id, kind, label)
        return None if row is None else _kept(engine, plan, row)
    finally:
        if own:
            engine.dispose()


def _kept(engine: Engine, plan: Plan, row: Any) -> Kept:
    evaluation = evaluation_from_payload(row.payload)
    info = row.payload.get(KEPT) or {}
    of, settings_of = info.get("plan_of"), info.get("settings_of")
    return Kept(row.label, evaluation, kept_plan(engine, plan, row.payload, evaluation), taken_on(row.payload),
                datetime.fromisoformat(of) if of else None, info.get("plan_version"),
                datetime.fromisoformat(settings_of) if settings_of else None, deals_from_payload(row.payload))


def kept_settings(engine: Engine, plan_id: str, payload: dict[str, Any], settings: Settings) -> Settings:
    """The settings a kept snapshot (``payload``) was evaluated with: ``settings`` with the engine section of its
    ``settings_version`` (``snapshots.KEPT``, ``pac_engine_settings``); ``settings`` when it kept none (taken before
    0013) or that section no longer loads."""
    number = (payload.get(KEPT) or {}).get("settings_version")
    if number is None:
        return settings
    row = next((v for v in repo.engine_settings_versions(engine, plan_id) if v.version == number), None)
    return (with_engine_section(settings, row.content) if row is not None else None) or settings


def kept_plan(engine: Engine, plan: Plan, payload: dict[str, Any], evaluation: Evaluation) -> Plan:
    """``_kept_plan``, or ``plan`` (today's file with its edits, what the report read before snapshots kept their
    plan) when the stored version of then no longer loads (a plan format since tightened): the report is made, and
    the log says so, rather than a closed quarter's report failing."""
    try:
        return _kept_plan(engine, plan, payload, evaluation)
    except InvalidInput as exc:
        log.warning(f"report.kept_plan plan={plan.id}: the plan version the snapshot was taken with no longer loads "
                    f"({str(exc).splitlines()[0] if str(exc) else type(exc).__name__}): today's plan is used")
        return effective_plan(engine, plan)[0]


def _kept_plan(engine: Engine, plan: Plan, payload: dict[str, Any], evaluation: Evaluation) -> Plan:
    """The plan a snapshot was evaluated with: its plan version (``pac_plan_version``) with the CRM edits it kept
    (``snapshots.KEPT``). A snapshot kept before pac recorded them: the latest version imported by the period's end
    (the snapshot ``evaluation``'s ``as_of``; the first one when the plan was imported later) whose actions and axes
    are the snapshot's (else the latest of them), with the edits the store holds now; ``plan``
    (today's file with its edits) when the store has no version of the plan."""
    info = payload.get(KEPT) or {}
    versions = repo.plan_versions(engine, plan.id)
    if not versions:
        return effective_plan(engine, plan)[0]
    if info.get("plan_version") is not None:
        chosen = next((v for v in versions if v.version == info["plan_version"]), versions[-1])
    else:   # kept before pac recorded its plan: the latest version of then that has the snapshot's actions and axes
        before = [v for v in versions if stored_instant(v.imported_at) <= evaluation.as_of] or versions[:1]
        ids = ({a.action_id for a in evaluation.actions}, {a.axis_id for a in evaluation.axes})
        for version in reversed(before):
            then = load_plan_text(version.content, version.source_path)
            if ({a.id for a in then.actions}, {a.id for a in then.axes}) == ids:
                break
        else:
            then = load_plan_text(before[-1].content, before[-1].source_path)
        return effective_plan(engine, then)[0]
    return _version_plan(engine, plan.id, chosen, info)


def _version_plan(engine: Engine, plan_id: str, chosen: Any, info: dict[str, Any],
                  history: Sequence[Any] | None = None) -> Plan:
    """The plan of a stored version (``chosen``) with the CRM edits ``info`` keeps (``snapshots.KEPT``);
    ``history``: the plan's ``repo.field_events`` when the caller has read them already."""
    then = load_plan_text(chosen.content, chosen.source_path)
    # the kept values, each with the reason an axis suspended or dropped in a CRM gets (who, when: the store's), and
    # when the CRM edit was made ([key, field, value, at]; at None, or absent before pac kept it: the status's since)
    target_of = {(key, f): t for t, key, f in plan_state.file_values(then)}
    rows = info.get("edits") or ()
    values = {(target_of.get((k, f), ""), k, f): v for k, f, v, *_ in rows}
    at = {(target_of.get((k, f), ""), k, f): datetime.fromisoformat(a[0]) if a and a[0] else None
          for k, f, _, *a in rows}
    edits = plan_state.overrides_of(then, values, at, sources=_sources_then(engine, plan_id, values, at, history))
    return apply_overrides(then, edits)[0]


def _sources_then(engine: Engine, plan_id: str, values: dict[tuple[str, str, str], Any],
                  at: dict[tuple[str, str, str], datetime | None],
                  history: Sequence[Any] | None = None) -> dict[tuple[str, str, str], Any]:
    """Where each kept value came from, for the reason of an axis suspended or dropped in a CRM (« suspended in
    sf-main (Nathalie) on March 20, 2027 »): the store's state, or, for a status changed since (the axis resumed on
    10 April), the CRM edit that set the kept value then (``pac_field_event``); before, such an axis read « suspended
    in a CRM », its who and when lost (audit snapedits)."""
    sources: dict[tuple[str, str, str], Any] = dict(repo.field_states(engine, plan_id))
    stale = {k for k, v in values.items()
             if k[2] == "axis_status" and (k not in sources or not plan_state.same(sources[k].value, v))}
    events = (repo.field_events(engine, plan_id) if history is None else history) if stale else ()
    for event in events:
        k = (event.target, event.key, event.field)
        if (k in stale and event.source == "crm" and event.outcome == "applied"
                and plan_state.same(event.value, values[k])
                and (at.get(k) is None or stored_instant(event.changed_at) == at[k])):
            sources[k] = event
    return sources


def kept_off_calendar(settings: Settings, plan_ref: str | None, quarter: str) -> str | None:
    """The label of a quarterly snapshot kept under ``quarter`` (``2027-Q1``, as it was taken), for a quarter today's
    plan refuses as none of its own: its calendar changed since (a fiscal year moved from January to February or
    April, a 4-4-5 calendar declared). None when ``quarter`` is no label or no such snapshot is kept (audit
    fiscalchange)."""
    try:
        kind, label = parse_label(quarter.strip())
    except PeriodError:
        return None
    if kind != "quarterly":
        return None
    ps = settings.plan(plan_ref)
    plan, _ = load_plan_file(ps)
    engine = open_store(settings.database())
    try:
        return label if repo.snapshot(engine, plan.id, "quarterly", label) is not None else None
    finally:
        engine.dispose()


def take_due_snapshots(settings: Settings, plan_ref: str | None, kind: str, *, now: datetime | None = None,
                       due_by: datetime | None = None, plan: Plan | None = None) -> list[str]:
    """Take every closed period of the plan that has no snapshot of ``kind`` yet (oldest first): what the
    scheduler's snapshot jobs do on their cron and at start-up, so a missed one is never skipped. ``due_by``: only
    the periods closed by then (the scheduler's retry at a sync fire: those whose snapshot job has fired), taken
    ``now``. Each is evaluated at its period's end on the records of ``now`` and the plan of then (``plan_cutoff``)
    and keeps ``now`` as when it was taken: a snapshot taken late says so where the report shows it (« instantané
    du 2 avril 2027 »). ``plan``:
    the plan file already loaded by the caller (the scheduler's retry at each sync fire)."""
    ps = settings.plan(plan_ref)
    plan = plan or load_plan_file(ps)[0]
    now = now or ps.as_of or datetime.now(UTC)
    engine = open_store(settings.database())
    try:
        taken = repo.snapshot_labels(engine, plan.id, kind)
        due = due_snapshots(kind, min(due_by, now) if due_by is not None else now, plan.timezone, plan.period,
                            taken)
        return take_snapshots(settings, plan_ref, kind, due, now=now, engine=engine) if due else []
    finally:
        engine.dispose()


def load_report_inputs(settings: Settings, plan_ref: str | None = None, *, as_of: datetime | None = None,
                       linter: Callable[..., Any] | None = None, closed: bool = False,
                       kept_label: str | None = None,
                       restated: bool = False, ended: bool = False) -> ReportInputs:
    """Everything the quarterly report shows, from the store (no CRM call).

    ``closed``: ``as_of`` is the end of a closed quarter (``pac report --quarter``). When a quarterly snapshot of
    it is kept, the report is that snapshot (its evaluation, the plan it was taken with), and today's
    re-evaluation of the quarter only says what changed since (``ReportInputs.basis``); ``restated``: the
    re-evaluation is the report (what ``pac report --quarter`` gave before), the header saying so. ``ended``:
    ``as_of`` is the end of a plan that is over (``pac report`` without ``--quarter``, ``report_instant`` clamped
    it): the report is today's re-evaluation of its last quarter, so when that quarter's snapshot is kept it is
    worded as ``--quarter Q --restated`` (« recalculé sur les saisies et le plan d'aujourd'hui » and what changed
    since the close: audit janmeet F6, two reports headed « T4 2026 » at 127 000 € and 139 000 € and only one
    saying why); with no snapshot kept it is the plain report, as before."""
    engine = open_store(settings.database())
    try:
        ps = settings.plan(plan_ref)
        file_plan = load_plan_file(ps)[0]
        when = as_of or ps.as_of or datetime.now(UTC)
        rows = repo.snapshots(engine, file_plan.id)
        points = [SnapshotPoint(s.label, s.kind, s.taken_at, evaluation_from_payload(s.payload)) for s in rows]
        # a closed quarter's since-close lines name the deals of each axis's move (audit reportdeals): today's counted
        # deals listed in the same pass, then the decisions dropped (the report shows figures, not decisions). Only
        # when the quarter's kept snapshot holds its own to compare them with: one kept before 7 Dec 2026 holds none,
        # and listing them was an engine pass for nothing (3.1 s -> 4.2 s at 200,000 deals; audit leftsmall)
        wanted = (closed or ended) and kept_label is None and _kept_deals(
            _closing_row(rows, points, when, file_plan, closed))
        now = current(settings, plan_ref, as_of=when, engine=engine, plan=file_plan, all_deals=wanted)
        counted = counted_deals(now.evaluation) if wanted else None
        now = dataclasses.replace(now, evaluation=without_axis_decisions(now.evaluation))
        plan, evaluation, basis = now.plan, now.evaluation, None
        row = _closing_row(rows, points, now.evaluation.as_of, now.plan, closed)
        label = current_quarter(last_day(now.evaluation.as_of, ZoneInfo(now.plan.timezone)), now.plan.period)[0]
        if ended and row is not None:
            closed = restated = True
        # a quarter kept under a former calendar overlapping this one (same name, other days): said (audit snapedits)
        overlaps = () if kept_label is not None else kept_overlaps(rows, label, now.plan.timezone)
        if kept_label is not None:   # a quarter kept under a calendar the plan no longer has (audit fiscalchange)
            row = next(r for r in rows if r.kind == "quarterly" and r.label == kept_label)
            held = _kept(engine, load_plan_file(now.settings)[0], row)
            zone = ZoneInfo(now.plan.timezone)
            today = (now.plan.period.start.astimezone(zone).date(), last_day(now.plan.period.end, zone))
            plan, evaluation = held.plan, held.evaluation
            basis = ReportBasis("snapshot", held.evaluation.as_of, held.taken_on, True, Restatement(), held.plan_of,
                                today, held.settings_of)
        elif closed:
            kept = _kept(engine, load_plan_file(now.settings)[0], row) if row is not None else None
            since = since_close(kept.plan, kept.evaluation, now.plan, now.evaluation) if kept else Restatement()
            if kept is not None and not restated:
                plan, evaluation = kept.plan, kept.evaluation
            basis = ReportBasis("snapshot" if kept is not None and not restated else "restated",
                                now.evaluation.as_of, kept.taken_on if kept else None, kept is not None, since,
                                kept.plan_of if kept else None, settings_of=kept.settings_of if kept else None,
                                moves=since_moves(settings, plan_ref, engine, now, kept, since, counted)
                                if kept else {})
        runs, run_of = repo.runs(engine, plan.id, limit=1, include_dry=False), "latest"
        if basis is not None and basis.kind == "snapshot":   # the sync the kept figures were taken from
            then = (repo.runs(engine, plan.id, limit=1, include_dry=False, finished_by=basis.taken_on)
                    if basis.taken_on is not None else [])
            runs, run_of = (then, "snapshot") if then else (runs, "latest_unknown")
        last = run_summary(runs[0], repo.run_conflicts(engine, plan.id, runs[0].id)) if runs else None
        rejected = tuple(repo.rejections(engine, runs[0].id)) if runs and runs[0].id is not None else ()
        people = {p.email: p.name for p in plan.people if p.name}
        # a kept quarter's words (the glossary's conversion window) are those of the settings its figures were
        # evaluated with, not today's (audit snapsettings F2)
        kept_basis = row is not None and basis is not None and basis.kind == "snapshot"
        shown = kept_settings(engine, plan.id, row.payload, settings) if kept_basis and row else settings
        engine_of = engine_settings(shown, plan.currency)
        return ReportInputs(plan=plan, evaluation=evaluation, snapshots=tuple(points), last_run=last,
                            rejected=rejected, lint=tuple(_lint(plan, linter)), people=people,
                            attribution_days=engine_of.attribution_days, attribution=engine_of.attribution,
                            basis=basis, run_of=run_of, overlaps=overlaps, roi_limits=engine_of.roi_limits,
                            trend_limits=engine_of.trend_limits, payback_limits=engine_of.payback_limits)
    finally:
        engine.dispose()


def _closing_row(rows: Sequence[Any], points: Sequence[SnapshotPoint], as_of: datetime, plan: Plan,
                 closed: bool) -> Any | None:
    """The quarterly snapshot (of ``rows``, read as ``points``) kept at ``as_of``; for a closed quarter
    (``closed``) whose end ``as_of`` is, the one of its label: it was kept at the end of the quarter in the plan's
    timezone of then, which the plan may have changed since (audit planlife F1: the report said no snapshot was
    kept). None when there is none."""
    row = next((r for r, p in zip(rows, points, strict=True)
                if p.kind == "quarterly" and p.evaluation.as_of == as_of), None)
    label = current_quarter(last_day(as_of, ZoneInfo(plan.timezone)), plan.period)[0]
    if row is None and closed and as_of == closing_instant(label, plan.timezone):
        row = next((r for r in rows if r.kind == "quarterly" and r.label == label), None)
    return row


def _kept_deals(row: Any | None) -> bool:
    """Whether the kept snapshot ``row`` holds its counted deals (``evaluation.DEALS``: none before 7 Dec 2026)."""
    return row is not None and isinstance(row.payload.get(DEALS), dict)


def since_moves(settings: Settings, plan_ref: str | None, engine: Engine, now: Current, kept: Kept,
                since: Restatement, counted: CountedDeals | None) -> dict[str, AxisMoves]:
    """Per axis whose additional revenue moved since the quarter's close, the deals that make the move (``counted``:
    today's counted deals at the close, None when they were not listed: then listed here, in a pass of their own);
    none when the snapshot kept no deals or the currency changed since (the two figures are then in two currencies,
    no difference is said)."""
    if kept.deals is None or since.currency is not None:
        return {}
    if counted is None:   # the snapshot read before the evaluation was not this one (never seen): listed apart
        counted = counted_deals(current(settings, plan_ref, as_of=now.evaluation.as_of, engine=engine,
                                        all_deals=True).evaluation)
    return close_moves(now.plan, [axis for axis, _, _ in since.axes], kept.evaluation, now.evaluation,
                       (kept.deals, counted), {(d.source, d.id): d for d in now.records.deals})


def kept_overlaps(rows: Sequence[Any], label: str, tz: str) -> tuple[KeptOverlap, ...]:
    """The quarterly snapshots (``rows``) whose period overlaps the plan's quarter ``label`` without being it: quarters
    kept under a calendar the plan no longer has (the plan's own quarters never overlap one another), oldest first.
    A year moved from January to February after 2027-Q1 was kept: its Q1, ``2027-02..2027-04``, overlaps the kept
    ``2027-Q1`` (January-March) on February and March (audit snapedits F2)."""
    mine = period_window(label, tz)
    out = []
    for row in rows:
        if row.kind != "quarterly" or row.label == label:
            continue
        theirs = period_window(row.label, tz)
        start, end = max(mine.start, theirs.start), min(mine.end, theirs.end)
        if start < end:
            out.append(KeptOverlap(row.label, theirs.start, theirs.end, taken_on(row.payload), (start, end)))
    return tuple(sorted(out, key=lambda k: k.start))


def _lint(plan: Plan, linter: Callable[..., Any] | None) -> list[dict[str, Any]]:
    extra: dict[str, Any] = {}
    if linter is None:
        linter = lint_statement
        extra["within"] = plan.period     # periods without a year resolve inside the plan's (fiscal) period
    year = plan.period.start.year
    out = []
    for action in plan.actions:
        result = linter(action.text, year=year, tz=plan.timezone, people=[p.email for p in plan.people],
                        who=action.who, info_needed=action.info_needed or None,
                        info_source=action.info_from or None, **extra)
        data = result if isinstance(result, dict) else _as_dict(result)
        data.setdefault("action_id", action.id)
        out.append(data)
    return out


def _as_dict(result: Any) -> dict[str, Any]:
    for name in ("to_json", "to_dict"):
        if hasattr(result, name):
            return dict(getattr(result, name)())
    if dataclasses.is_dataclass(result):
        return dataclasses.asdict(result)  # type: ignore[arg-type]
    return dict(result)
