"""The steps of a run, in order, each a function of the run's context (``sync_jobs.run_context.RunContext``):
it reads the fields its docstring names and sets the ones it produces. ``sync_jobs.pipeline`` runs them."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from connectors.base import (
    RESTORED,
    Connector,
    ConnectorError,
    KeepsRates,
    NamesProducts,
    ObjectKind,
    PicklistLabels,
    ProductRename,
    RenamesProducts,
    ReportsCopies,
    ReportsNotices,
    StoredRecords,
    Target,
    WordsUndated,
    WordsUnplaced,
)
from pac_config.planfile import load_plan
from pac_config.settings import engine_settings, kept_engine_section, reconciliation_days_of
from pac_core.columnar import ActivityTable, RecordColumns
from pac_core.errors import InvalidInput
from pac_core.growth import with_evaluation
from pac_core.growth_words import zero_base_line
from pac_core.people import with_remembered
from pac_core.plan import Plan
from pac_core.plan_warnings import record
from pac_core.records import Records, Rejected
from pac_core.reject_codes import DEAL_RULES, ENGINE_RULES, read_reason, reason_key
from pac_core.report_period import base_calendar
from pac_core.results import Evaluation
from pac_core.text import fold_value
from sync_jobs import account_targets, diff, owner_choice
from sync_jobs import overrides as plan_state
from sync_jobs.coverage import (
    connector_mappings,
    never_read,
    product_values,
    relabel_warnings,
    remembered_warnings,
    rename_warnings,
    reused_warnings,
    unknown_owners,
    unmapped_custom,
    unmeasured,
    unmeasured_for_owners,
)
from sync_jobs.drift import DriftKind, Repair, drifted
from sync_jobs.failed_plan import kept_plan
from sync_jobs.logs import event, redact, register_secret
from sync_jobs.plan_identity import stored_owner_warnings
from sync_jobs.pull import needs_full, pull_connector
from sync_jobs.run_advice import kept_advice
from sync_jobs.run_context import RunContext, RunResult
from sync_jobs.run_status import RunStatus
from sync_jobs.store.repo import stored_rejection
from sync_jobs.unit_of_work import UnitOfWork
from sync_jobs.warnings_kept import WARNING_HEAD
from sync_jobs.writeback import WriteOutcome

log = logging.getLogger("pac.sync")


def begin(ctx: RunContext) -> None:
    """Stores the plan file's version and the engine settings, and opens the run log: ``result.run_id`` (None when
    nothing is logged)."""
    ps, now = ctx.plan_settings, ctx.now
    # an action handed over to another rep without handed_over: said on the run that records the changed file
    store_engine = getattr(ctx.store, "engine", None)
    handed = [] if store_engine is None else stored_owner_warnings(
        store_engine, ctx.plan, ctx.fingerprint, ctx.when.astimezone(ZoneInfo(ctx.plan.timezone)).date(), new_only=True)
    ctx.plan_changed = ctx.store.save_plan_version(ctx.plan.id, ctx.fingerprint, str(ps.file),
                                                   ps.file.read_text(encoding="utf-8"), now)
    # the engine section of this night: what a snapshot of a period closed by now, taken late, is evaluated with
    ctx.store.save_engine_settings(ctx.plan.id, kept_engine_section(ctx.settings), now)
    ctx.result.run_id = ctx.store.start_run(ctx.plan.id, now, full=ctx.full)
    event(log, "sync.start", plan=ctx.plan.id, run=ctx.result.run_id, dry_run=ctx.store.discards, full=ctx.full)
    mappings = connector_mappings([(n, ctx.connectors[n]) for n in ctx.names])
    ctx.result.said_once = list(handed)
    ctx.result.unmeasured = [*unmeasured(ctx.plan, mappings), *handed,
                             *(str(problem) for _, problem in unmapped_custom(ctx.plan, ctx.plan_settings.file,
                                                                               mappings))]
    for warning in ctx.result.unmeasured:
        event(log, "sync.unmeasured", plan=ctx.plan.id, warning=warning)


def pull(ctx: RunContext) -> None:
    """Every connector's objects since their watermarks into the unit of work: ``pulled`` (counts, rejections,
    the CRM edits of editable values, the watermarks seen). A record a connector rejected in the previous run and
    that this pull does not read again (an incremental read only reads what changed) still stands: it is carried
    into this run's rejections, as known, until the record is read again (fixed, deleted or still wrong) or a full
    read of its kind does not see it. One stored by a pac older than the reason codes is carried with the code its
    words read as (``reject_codes.read_reason``), and so stored from then on. One whose record the store holds live is
    an engine set-aside in its connector's words (``_connector_words``: a HubSpot record on contacts with no primary
    company, an undated engagement or Event): recomputed every run, never carried (audit hsdealnocompany: a plan
    edited to stop reading Marc's order kept it listed until the weekly full read)."""
    previous = [r for r in ctx.store.previous_rejections(ctx.plan.id, ctx.result.run_id)
                if r.source in ctx.names and not _engine_reason(r)]
    held = _stored_keys(ctx.store, previous)
    ctx.pulled.standing = {(r.source, r.object, r.id): _with_code(r) for r in previous
                           if (r.source, r.object, r.id) not in held}
    for name in ctx.names:
        connector = ctx.connectors[name]
        # the plan's zone: the day HubSpot's task due dates are read back in
        connector.note_plan_zone(ctx.plan.timezone)
        # what pac last wrote: no property-history read (HubSpot) for records holding pac's own values
        connector.remember_written(ctx.store.written(ctx.plan.id, name))
        # the stored deals holding given line ids: a line item HubSpot lists as deleted names no deal
        connector.remember_stored_lines(partial(ctx.store.line_holders, name))
        # the store's live and lately retired records: merges followed, companies kept, restores read (HubSpot);
        # the companies whose property history was read (HubSpot reads it once a company; all again on --full); the
        # recorded state changes of the companies a merge retires (their past becomes the merged company's)
        stored = StoredRecords(partial(ctx.store.live_records, name),
                               partial(_retired, ctx.store, name, ctx.now - timedelta(days=RECYCLE_BIN_DAYS)),
                               partial(ctx.store.placements, name), partial(ctx.store.stored_records, name),
                               partial(ctx.store.accounts_holding, name),
                               unplaced=partial(ctx.store.unplaced_records, name),
                               several=partial(ctx.store.several_companies_records, name),
                               histories=_no_history if ctx.full else partial(ctx.store.histories_read, name),
                               changes=partial(ctx.store.account_changes_of, name))
        connector.remember_stored(stored)
        # the scope picklists' labels of the last night: the accounts' reading asks whether they changed since
        kept_json = ctx.store.crm_labels(name)
        kept = PicklistLabels.from_json(kept_json)
        connector.remember_labels(kept)
        days = reconciliation_days_of(ctx.settings.connector(name).reconciliation_days, connector.reconciliation_days)
        if isinstance(connector, KeepsRates):
            # the dated exchange rates kept from the last night: only the rows changed since are read, except on the
            # periodic reconciliation (and --full), which reads them all again
            rates = ctx.store.crm_rates(name)
            connector.remember_rates(None if rates is None or needs_full(rates.full_at, ctx.now, days, ctx.full)
                                     else rates)
        if ctx.plan_changed and isinstance(connector, NamesProducts) and (named := product_values(ctx.plan)):
            # a plan written on a product's new SKU or name counts its old lines that night (audit renames F2)
            connector.note_plan_products(named, partial(ctx.store.deal_lines, name))
        pull_connector(ctx.store, connector, run_id=ctx.result.run_id, now=ctx.now, reconciliation_days=days,
                       full=ctx.full, outcome=ctx.pulled, progress=ctx.progress, stop=ctx.stop, plan_id=ctx.plan.id)
        if isinstance(connector, KeepsRates) and (read := connector.rates_to_keep()) is not None:
            ctx.pulled.rates[name] = read
        for secret in connector.secrets():  # (a token obtained mid-pull was registered then: base.new_secret)
            register_secret(secret)
        ctx.pulled.warnings.extend(stored.warnings)
        _relabelled(ctx, name, connector, kept, kept_json)
        if isinstance(connector, RenamesProducts) and (renames := _not_relabelled(connector.products_renamed(), kept,
                                                                                  connector.labels())):
            for warning in rename_warnings(_plans_of(ctx, name), name, connector.crm, renames):
                ctx.result.relabelled.append(warning)
                event(log, "sync.relabelled", level=logging.WARNING, plan=ctx.plan.id, warning=warning)
    ctx.pulled.rejected.extend(ctx.pulled.standing[key] for key in sorted(ctx.pulled.standing))


def _stored_keys(store: UnitOfWork, rejections: Sequence[Rejected]) -> set[tuple[str, str, str]]:
    """(source, object, id) of those of ``rejections`` whose record the store holds live: one query per connector and
    kind of activities or deals (a connector's own rejection is never stored, or retired the night it is made)."""
    by: dict[tuple[str, str], list[str]] = {}
    for r in rejections:
        if r.object in (ObjectKind.ACTIVITIES.value, ObjectKind.DEALS.value):
            by.setdefault((r.source, r.object), []).append(r.id)
    return {(source, kind, i) for (source, kind), ids in by.items() for i in store.live_records(source, kind, ids)}


def _relabelled(ctx: RunContext, name: str, connector: Connector, kept: PicklistLabels | None,
                kept_json: Mapping[str, Any] | None) -> None:
    """The labels this pull read (``Connector.labels``), kept with the run where they differ from the last night's,
    and a warning per value relabelled since (``coverage.relabel_warnings``): the accounts were read in full by
    them already (their reading changed)."""
    seen = connector.labels()
    if seen is None:
        return
    if (seen_json := seen.as_json()) != kept_json:
        ctx.pulled.labels[name] = seen_json
    if kept is None or not (kept.relabelled(seen) or kept.family_relabelled(seen)):   # nothing relabelled: no other
        return                                                                         # plan file read
    mapping = getattr(connector, "mapping", None)
    for warning in relabel_warnings(_plans_of(ctx, name), name, connector.crm, mapping, kept, seen):
        ctx.result.relabelled.append(warning)
        event(log, "sync.relabelled", level=logging.WARNING, plan=ctx.plan.id, warning=warning)


def _not_relabelled(renames: Sequence[ProductRename], kept: PicklistLabels | None,
                    seen: PicklistLabels | None) -> list[ProductRename]:
    """``renames`` but a product family whose label was relabelled in Setup (``PicklistLabels.family_relabelled``):
    that night reads the deals in full, which shows the new label on every line, and ``_relabelled`` warns of it
    already, naming the picklist value (audit renames: one warning, not two)."""
    if kept is None or seen is None:
        return list(renames)
    relabelled = {fold_value(old) for _field, _value, old, _new in kept.family_relabelled(seen)}
    return [r for r in renames if not (r.field == "family" and fold_value(r.old) in relabelled)]


def _plans_of(ctx: RunContext, name: str) -> list[tuple[Plan, Path | None]]:
    """Every plan reading through connector ``name``, with its file: the labels are kept once per connector (and a
    renamed product's deals stored once), so the first run to see a relabel names the values of the other plans
    sharing it too (their runs will not see it again)."""
    plans: list[tuple[Plan, Path | None]] = [(ctx.plan, ctx.plan_settings.file)]
    for entry in ctx.settings.plans:       # a plan file that does not load is its own run's to report
        if name in entry.connectors and Path(entry.file).resolve() != Path(ctx.plan_settings.file).resolve() \
                and (other := _plan_of(ctx, entry.file)) is not None:
            plans.append((other, Path(entry.file)))
    return plans


# how long a CRM keeps a deleted record restorable (HubSpot's recycle bin: "up to 90 days after they were deleted"):
# the retired records a pull may find restored
RECYCLE_BIN_DAYS = 90


def _no_history(_ids: Sequence[str]) -> dict[str, dict[str, str]]:
    """No company's property history read (``StoredRecords.histories``): ``pac sync --full``, asked by the user, reads
    every company's again, as the first night did (docs/hubspot.md, *A company's state before pac's first night*)."""
    return {}


def _retired(store: UnitOfWork, name: str, since: datetime, kind: str) -> list[str]:
    return store.retired_records(name, kind, since)


def decide_plan_state(ctx: RunContext) -> None:
    """The manager-editable values decided from the file and ``pulled.edits`` (``sync_jobs.overrides``), saved
    with their provenance: ``effective`` (the plan with them), ``written`` (per connector, what pac last wrote,
    with the values a CRM holds already), the result's conflicts, state changes and refused edits."""
    names, plan, now = ctx.names, ctx.plan, ctx.now
    written = {n: ctx.store.written(plan.id, n) for n in names}
    written = without_deleted(ctx, written)
    states = ctx.store.field_states(plan.id)
    legacy = {} if states else {(o.target, o.key, o.field): o for o in ctx.store.overrides(plan.id)}
    decision = plan_state.decide(plan, states, ctx.pulled.edits, written,
                                 file_changed_at=file_changed_at(ctx), now=now, order=names,
                                 run_id=ctx.result.run_id, legacy=legacy, as_of=ctx.when)
    ctx.written = with_echoes(ctx.store, plan.id, written, decision.echoes, ctx)
    ctx.edited = {k: v for k, v in decision.values.items() if decision.at.get(k) is not None}
    ctx.outside = decision.outside
    ctx.store.save_field_states(plan.id, decision.new_states, decision.events)
    ctx.plan_edits = len(decision.edited)
    # the figure the run's table shows as « pac_edits read » (``sync.pull`` names the PAC records read back)
    event(log, "sync.plan_edits", plan=plan.id, changed_by_people=ctx.plan_edits)
    ctx.result.conflicts = [c.describe() for c in decision.conflicts]
    ctx.result.state_changes = dict(decision.changed)
    ctx.effective, refused = plan_state.apply_overrides(plan, plan_state.overrides_of(
        plan, decision.values, decision.at, sources=plan_state.sources_of(states, decision)))
    ctx.result.errors.extend([*decision.refused, *refused])


def load(ctx: RunContext) -> None:
    """The records the engine reads: ``records`` (the store, through the unit of work: as columns in a real run,
    as objects in a dry run); ``effective`` with the aliases pac remembers from its users (a login whose e-mail
    changed, ``pac_core.people``), and the result's warning for each."""
    ctx.records = ctx.store.load_records(ctx.names, ctx.pulled.rejected)
    if ctx.effective is not None:   # a login whose e-mail changed is still the person the plan names (pac_core.people)
        ctx.effective = with_remembered(ctx.effective, ctx.records.users)
        users, file = ctx.records.users, ctx.plan_settings.file
        for warning in [*remembered_warnings(ctx.effective, file, users), *reused_warnings(ctx.effective, file, users)]:
            ctx.result.unmeasured.append(warning)
            event(log, "sync.remembered_email", plan=ctx.plan.id, warning=warning)


def evaluate(ctx: RunContext) -> None:
    """The effective plan evaluated on ``records`` as of ``when``: ``evaluation`` (also the result's, with its
    plan), ``set_aside`` (the stored records the engine left out), the result's warnings and labels."""
    assert ctx.effective is not None and ctx.records is not None
    records, result = ctx.records, ctx.result
    evaluation = ctx.evaluator(ctx.effective, records, ctx.when)
    ctx.evaluation = result.evaluation = evaluation
    result.plan = ctx.effective
    ctx.set_aside, result.labels = engine_rejections(evaluation, records, ctx.pulled.rejected)
    ctx.set_aside = [_connector_words(ctx, r) for r in ctx.set_aside]
    result.warnings = [*(Rejected(w.source, WARNED_OBJECT.get(w.rule, "deals"), w.record_id, f"{w.rule}: {w.detail}")
                         for w in evaluation.warnings), *ctx.pulled.warnings]
    for kind in sorted({w.object for w in result.warnings}):
        names_of = labels_of(records, kind)
        result.labels.update({(w.source, kind, w.id): names_of.get((w.source, w.id), "") for w in result.warnings
                              if w.object == kind})
    # an objective written as a percentage over a scope that sold nothing a year earlier: no objective (growth.py)
    zone = ZoneInfo(ctx.effective.timezone)
    for axis in with_evaluation(ctx.effective, evaluation).axes:
        warning = zero_base_line(axis, zone, *base_calendar(ctx.effective))
        if warning is not None:
            result.unmeasured.append(warning)
            event(log, "sync.unmeasured", plan=ctx.plan.id, warning=warning)


def types_present(records: Records | RecordColumns) -> dict[str, frozenset[Any]]:
    """Per connector, the types of the activities ``records`` hold (deleted ones included): one pass over two code
    columns when they are columns."""
    if not isinstance(records, RecordColumns):
        out: dict[str, set[Any]] = {}
        for a in records.activities:
            out.setdefault(a.source, set()).add(a.type)
        return {name: frozenset(kinds) for name, kinds in out.items()}
    acts = records.activity_table
    pairs = np.unique(np.stack([acts.source.codes, acts.type.codes]), axis=1) if acts.n else np.zeros((2, 0), int)
    found: dict[str, set[Any]] = {}
    for source, kind in pairs.T.tolist():
        if source >= 0 and kind >= 0:
            found.setdefault(acts.source.values[source], set()).add(acts.type.values[kind])
    return {name: frozenset(kinds) for name, kinds in found.items()}


def route(ctx: RunContext) -> None:
    """What each CRM should hold: ``desired`` (fields per PAC record), ``routes`` (the records each CRM gets, by
    where their owners work; ``users_of``, each CRM's user e-mails; a warning per plan e-mail no CRM knows),
    ``written`` without the hand-changed fields (drift, the result's), ``accounts`` (the account PAC fields to
    update, per connector)."""
    assert ctx.effective is not None and ctx.evaluation is not None and ctx.records is not None
    names = ctx.names
    # the ROI written on the side of the advisor's thresholds the report reads it on (audit nearleft)
    ctx.desired = diff.desired_state(ctx.effective, ctx.evaluation, ctx.edited,
                                     engine_settings(ctx.settings, ctx.effective.currency).roi_limits)
    users_of = ctx.users_of = {n: ctx.store.user_emails(n) for n in names}
    ctx.routes = diff.route(ctx.effective, names, users_of)
    # the records of items no longer in the plan: their pace marked removed (written once, diffed as any field)
    known = {key for rows in ctx.written.values() for _t, key in rows}
    added: dict[str, list[str]] = {}
    for target, key in sorted(ctx.desired, key=lambda tk: (tk[0].value, tk[1])):
        if key not in known:
            added.setdefault(target.value, []).append(key.split(":", 1)[-1])
    leaving: set[str] = set()
    for name, keys in diff.retired(ctx.desired, ctx.written).items():
        for item in keys:
            ctx.desired[item] = diff.retired_fields(item[0], ctx.plan.language)
            ctx.routes[name].add(item)
            ctx.retiring.setdefault(name, set()).add(item[1])
            if ctx.written[name][(item[0].value, item[1])].fields.get("pace") != diff.REMOVED:
                leaving.add(item[1])          # not marked removed yet: it leaves the plan this run
    if leaving:
        lost = plan_state.lost_with_retired(ctx.plan, leaving, ctx.store.field_states(ctx.plan.id), added,
                                            when="dry_run" if ctx.store.discards else "run", pending=ctx.outside)
        for warning in lost:
            ctx.result.unmeasured.append(warning)
            ctx.result.said_once.append(warning)
            event(log, "sync.lost_edits", level=logging.WARNING, plan=ctx.plan.id, warning=warning)
    users = [u for u in ctx.records.users if u.source in users_of]
    for warning in unknown_owners(ctx.effective, ctx.plan_settings.file, users_of, users):
        ctx.result.unmeasured.append(warning)
        event(log, "sync.unknown_owner", plan=ctx.plan.id, warning=warning)
    mappings = connector_mappings([(n, ctx.connectors[n]) for n in names])
    elsewhere = unmeasured_for_owners(ctx.effective, mappings, users_of)
    warned = frozenset(str(w.values["action"]) for w in elsewhere)
    for warning in [*elsewhere, *never_read(ctx.effective, mappings, types_present(ctx.records), ctx.when, warned)]:
        ctx.result.unmeasured.append(warning)
        event(log, "sync.unmeasured", plan=ctx.plan.id, warning=warning)
    active = ctx.active_of = {n: {u.email.lower() for u in users if u.source == n and u.active and u.email}
                              for n in names}
    repair = drifted(ctx.written, ctx.pulled.edits, ctx.desired, ctx.routes, active=active,
                     emails_of=ctx.effective.emails_of, crms={n: ctx.connectors[n].crm for n in names},
                     listed={name for name, _target in ctx.pulled.listed},
                     able=owner_choice.able_of({n: ctx.connectors[n] for n in names}))
    for line in repair.unowned_lines():       # a CRM licence matter, the admin's: in English (free text)
        ctx.result.unmeasured.append(line)
        event(log, "sync.unknown_owner", plan=ctx.plan.id, warning=line)
    ctx.written, ctx.repair = repair.rows, repair
    _save_drift(ctx, repair)
    ctx.accounts = account_changes(ctx)


def write(ctx: RunContext) -> None:
    """Per connector, the fields that differ from what was last written (``result.changes``, with the values they
    replace in ``result.previous``), handed to the writer; then the connector's links settled (HubSpot, on a run
    that read every company: even with nothing to write). Written and failed counts, refused writes' and failed
    links' errors; a CRM's stop during the writes (a daily quota, credentials refused) counts the records written
    before it (``ConnectorError.outcome``) and goes up to the run, which says so."""
    ctx.hooks.before_writes()
    ctx.writing = True
    try:
        _write_all(ctx)
    except ConnectorError as exc:
        if isinstance(exc.outcome, WriteOutcome):
            _counted(ctx.result, exc.outcome)
        raise
    ctx.hooks.after_writes()


def _write_all(ctx: RunContext) -> None:
    """``write``'s work, connector by connector."""
    result, last_of = ctx.result, ctx.written
    for name in ctx.names:
        connector, last = ctx.connectors[name], last_of[name]
        kept = diff.kept_by(ctx.desired, connector)   # the fields this CRM keeps
        if ctx.effective is not None and ctx.effective.aliases():   # a person with several e-mails: which user owns
            kept = _owners_here(ctx, name, kept, last)
        changes = diff.changes_for(kept, ctx.routes[name], last, ctx.now) + ctx.accounts.get(name, [])
        result.changes[name] = changes
        result.previous[name] = {c.key: dict(last[(c.target.value, c.key)].fields) for c in changes
                                 if (c.target.value, c.key) in last}
        # HubSpot links each axis to the companies it targets, under a cap (Salesforce: a lookup, nothing to note);
        # its task due dates are noon of the action's last day in the plan's zone
        connector.note_plan_zone(ctx.plan.timezone)
        shared = ctx.shared.get(name)
        connector.note_axis_targets(ctx.plan.id, account_targets.axis_companies(
            shared.base if shared is not None else last, ctx.accounts.get(name, []),
            shared.live if shared is not None else None), owners=shared.owners if shared is not None else None)
        written = ctx.writer.write(ctx.plan.id, connector, changes, now=ctx.now) if changes else WriteOutcome()
        _counted(result, written)
        unlinked = list(written.unlinked)
        recreated = [item for item in written.created if item in last]
        if recreated:       # deleted in the CRM since pac wrote them: this write made new, partial records
            again = _recreated_changes(ctx, name, kept, last, recreated)
            result.changes[name] = [*changes, *again]
            second = ctx.writer.write(ctx.plan.id, connector, again, now=ctx.now) if again else WriteOutcome()
            for target, _key in recreated:      # counted once, by the first write
                second.written[target] = max(0, second.written.get(target, 0) - 1)
            _counted(result, second)
            unlinked += second.unlinked
        result.retired += _retired_lines(ctx, name, changes)
        result.drift += _drift_lines(ctx, name)
        _counted(result, ctx.writer.settle_links(ctx.plan.id, connector, unlinked, now=ctx.now))


def _owners_here(ctx: RunContext, name: str, kept: Mapping[tuple[Target, str], Mapping[str, Any]],
                 last: Mapping[tuple[str, str], Any]) -> dict[tuple[Target, str], dict[str, Any]]:
    """``kept`` with each action's owner e-mail in connector ``name`` (``sync_jobs.owner_choice``), asking the
    connector which of a person's e-mails hold a user able to own PAC records when they have several; the result's
    warning for a person with several such users."""
    assert ctx.effective is not None and ctx.records is not None
    connector, active = ctx.connectors[name], ctx.active_of.get(name, set())
    asked = owner_choice.to_ask(kept, ctx.effective, active)
    able = connector.owner_users(asked) if asked and isinstance(connector, owner_choice.PicksOwners) else None
    out, twins = owner_choice.local_owners(kept, ctx.effective, active, last, able,
                                           owner_choice.moved_from(ctx.records.users, name), name)
    for twin in twins:
        warning = twin.plan_warning()
        ctx.result.unmeasured.append(warning)
        event(log, "sync.unknown_owner", plan=ctx.plan.id, warning=warning)
    return out


def _recreated_changes(ctx: RunContext, name: str, kept: Mapping[tuple[Target, str], Mapping[str, Any]],
                       last: Mapping[tuple[str, str], Any], recreated: Sequence[tuple[str, str]]) -> list[Any]:
    """The whole records of ``recreated`` (``(target, key)``: records pac had written whose upsert created them
    again, so they were deleted in the CRM and hold only the fields just sent: owner, text, plan... missing), and the
    axis link of the actions of a recreated axis (Salesforce clears an action's lookup when its axis is deleted,
    ``deleteConstraint`` SetNull; HubSpot drops the association with the record): one line each in the run's
    "restored" lines."""
    axes = {key for target, key in recreated if target == Target.AXIS.value}
    rows = {item: row for item, row in last.items() if item not in set(recreated)}
    relink: list[tuple[str, str]] = []
    for (target, key), row in list(rows.items()):
        if target == Target.ACTION.value and row.fields.get("axis_key") in axes:
            rows[(target, key)] = SimpleNamespace(crm_id=row.crm_id,
                                                  fields={k: v for k, v in row.fields.items() if k != "axis_key"})
            relink.append((target, key))
    if relink:      # not recorded as written: sent again by the next run if this write fails
        ctx.store.forget_written(ctx.plan.id, name, [(t, last[(t, k)].crm_id, ["axis_key"]) for t, k in relink
                                                     if last[(t, k)].crm_id])
    for _target, key in recreated:
        linked = [k for t, k in relink if last[(t, k)].fields.get("axis_key") == key]
        more = f"; its {len(linked)} action(s) linked to it again" if linked else ""
        ctx.result.drift.append(f"{name} {key}: created again in the CRM (it had been deleted there): "
                                f"written again in full{more}")
    wanted = {*recreated, *relink}
    return [c for c in diff.changes_for(kept, ctx.routes[name], rows, ctx.now) if (c.target.value, c.key) in wanted]


def without_deleted(ctx: RunContext, written: dict[str, dict[tuple[str, str], Any]]
                    ) -> dict[str, dict[tuple[str, str], Any]]:
    """``written`` without the rows of the PAC records a full read of the PAC records did not list
    (``pulled.listed``): deleted in the CRM (an admin's clean-up), they are written again in full (owner, text,
    plan and axis link included) by this run's diff, as new records; their rows are removed from the store too, so a
    refused write is sent again. A Salesforce action whose axis was deleted lost its lookup too: its ``axis_key`` is
    read back through the lookup and restored by drift repair. One "restored" line per record still in the plan
    (a record of an item removed from the plan is not written again)."""
    out = {n: dict(rows) for n, rows in written.items()}
    for (name, target), keys in sorted(ctx.pulled.listed.items()):
        rows = out.get(name)
        if rows is None:
            continue
        gone = sorted(item for item in rows if item[0] == target and item[1] not in keys)
        if not gone:
            continue
        ctx.store.drop_written(ctx.plan.id, name, gone)
        for item in gone:
            row = rows.pop(item)
            if row.fields.get("pace") != diff.REMOVED:
                ctx.result.drift.append(f"{name} {item[1]}: no longer in the CRM (deleted there): written again "
                                        "in full")
        event(log, "sync.pac_deleted", plan=ctx.plan.id, connector=name, object=target, records=len(gone))
    return out


def _retired_lines(ctx: RunContext, name: str, changes: Sequence[Any]) -> list[str]:
    """One line per record of an item no longer in the plan that this run marks removed in ``name`` (a dry run:
    would mark); a write the CRM refused says nothing here (its error does, and the next run tries again)."""
    keys = [c.key for c in changes if c.key in ctx.retiring.get(name, ())]
    if not keys:
        return []
    if ctx.store.discards:
        return [diff.retired_line(k, name, dry_run=True) for k in keys]
    now = ctx.store.written(ctx.plan.id, name)
    done = {k for (t, k), row in now.items() if row.fields.get("pace") == diff.REMOVED}
    return [diff.retired_line(k, name) for k in keys if k in done]


def _counted(result: RunResult, outcome: WriteOutcome) -> None:
    for target, n in outcome.written.items():
        result.count(target, "written", n)
    for target, n in outcome.failed.items():
        result.count(target, "failed", n)
    for target, n in outcome.links_failed.items():
        result.count(target, "links_failed", n)
    result.errors.extend(outcome.errors)


def compare_rejections(ctx: RunContext) -> None:
    """``result.new_rejections``: those the previous finished run did not have; they, a write the CRM refused or a
    link it did not make, make the run ``partial``."""
    result = ctx.result
    rejections = [*ctx.pulled.rejected, *ctx.set_aside]
    result.new_rejections = new_rejections(ctx.store, ctx.plan.id, result.run_id, rejections)
    if result.new_rejections or result.rewritten \
            or any(c.get("failed") or c.get("links_failed") for c in result.counts.values()):
        ctx.status = RunStatus.PARTIAL


def tally(ctx: RunContext) -> None:
    """The result's counts per object (read, rejected, new, warnings, deleted), API usage, redacted errors. Runs
    whether the steps before went through or not."""
    result, pulled = ctx.result, ctx.pulled
    for kind, n in read_counts(ctx).items():
        result.count(kind, "read", n)
    result.rejections = [*pulled.rejected, *ctx.set_aside]
    for rejected in result.rejections:
        result.count(rejected.object, "rejected", 1)
    if ctx.status.got_through:   # its rejections were compared with the previous run's
        for rejected in result.rejections:
            result.count(rejected.object, "rejected_new", 0)
        for rejected in result.new_rejections:
            result.count(rejected.object, "rejected_new", 1)
    for warned in result.warnings:
        result.count(warned.object, "warnings", 1)
        # the one warning pac status names per object, counted apart from the others (a credit is no deal without
        # amount); 0 when the object has warnings of other kinds only, so a run recorded before reads as such
        if (figure := NAMED_WARNING.get(warned.object)) is not None:
            result.count(warned.object, figure, int(warned.reason.startswith(f"{figure}:")))
    for kind, n in pulled.deleted.items():
        result.count(kind, "deleted", n)
    result.api = {name: usage(c) for name, c in ctx.connectors.items() if name in ctx.names}
    result.errors = [redact(e) for e in result.errors]
    result.lacking = [f"{name}: {line}" for name in ctx.names
                      if name in ctx.connectors and (line := ctx.connectors[name].lacking_fields()) is not None]
    result.copies = [f"{name}: {line}" for name in ctx.names
                     if isinstance(connector := ctx.connectors.get(name), ReportsCopies)
                     and (line := connector.copies_found()) is not None]
    result.notices = []
    for name in ctx.names:
        if isinstance(noticing := ctx.connectors.get(name), ReportsNotices):
            result.notices.extend(redact(f"{name}: {line}") for line in noticing.notices())


def read_counts(ctx: RunContext) -> dict[str, int]:
    """The records read so far, per object, as the run log counts them. ``pac_edits``: the PAC records a person
    changed, not every one read: the night after pac wrote them it reads its own values back (audit meeting F8:
    « Modifications du plan saisies dans le CRM : 10 » after a night with no edit); none when the plan state was not
    decided (the edits will be read again)."""
    read = {}
    for kind, n in ctx.pulled.read.items():
        if kind == ObjectKind.PAC_EDITS.value:
            if ctx.plan_edits is None:
                continue
            n = ctx.plan_edits
        read[kind] = n
    return read


def counted_so_far(ctx: RunContext) -> dict[str, dict[str, int]]:
    """The counts of a run stopped before its tally (Ctrl-C, SIGTERM, an unexpected error): the records written so
    far (``result.counts``), and those read and found deleted, as ``tally`` counts them (set, not added: a stop
    after the tally counts nothing twice). Kept on the stopped run's row (``UnitOfWork.guard``): ``pac status``
    shows what it read, not 0 (audit newcomerleft), and the rejections it met (``rejections_so_far``, audit
    leftsmall); whether they are new is not said (the stopped run compared them with no run)."""
    counts = {kind: dict(c) for kind, c in ctx.result.counts.items()}
    for kind, n in read_counts(ctx).items():
        counts.setdefault(kind, {})["read"] = n
    met: dict[str, int] = {}
    for rejected in rejections_so_far(ctx):
        met[rejected.object] = met.get(rejected.object, 0) + 1
    for kind, n in met.items():
        counts.setdefault(kind, {})["rejected"] = n
    for kind, n in ctx.pulled.deleted.items():
        counts.setdefault(kind, {})["deleted"] = n
    return counts


def rejections_so_far(ctx: RunContext) -> list[Rejected]:
    """The rejections a run met before it stopped (Ctrl-C, SIGTERM, an unexpected error): the connectors' of what
    it read, and the engine's when it evaluated, as ``tally`` lists them; kept with the stopped run
    (``UnitOfWork.guard``) so ``pac status`` and ``pac explain`` name them (audit leftsmall)."""
    return [*ctx.pulled.rejected, *ctx.set_aside]


def checkpoint(ctx: RunContext) -> None:
    """The run log, its rejections, its advice (when it evaluated) and (when the run got through) the new
    watermarks, committed together; the result's status (``dry_run`` for a dry run that got through)."""
    result, status = ctx.result, ctx.status
    result.status = RunStatus.DRY_RUN if ctx.store.discards and status is RunStatus.OK else status
    if result.run_id is not None:
        advance = status.got_through
        ctx.store.finish_run(result.run_id, status=status.logged, now=ctx.clock(), counts=result.counts,
                             api=result.api, errors=[*result.errors, *(f"{WARNING_HEAD}{w}"
                                                                       for w in [*result.lacking, *result.copies,
                                                                                 *result.notices,
                                                                                 *result.relabelled,
                                                                                 *result.said_once])],
                             rejections=result.rejections,
                             watermarks_seen=ctx.pulled.watermarks if advance else None,
                             full_objects=ctx.pulled.full_objects if advance else (),
                             advice=kept_advice(ctx.effective, ctx.evaluation),
                             readings=ctx.pulled.readings if advance else None,
                             labels=ctx.pulled.labels if advance else None,
                             rates=ctx.pulled.rates if advance else None,
                             plan_warnings=[record(w) for w in [*result.unmeasured, *result.relabelled]])
    event(log, "sync.end", plan=ctx.plan.id, run=result.run_id, status=result.log_status, written=result.written,
          accounts=result.accounts_written, rejected=len(result.rejections), errors=len(result.errors))


# -- helpers of the steps ---------------------------------------------------------------------------------
def file_changed_at(ctx: RunContext) -> datetime:
    """When the plan file was last changed: its modification time (never later than the run's ``now``)."""
    try:
        return min(datetime.fromtimestamp(ctx.plan_settings.file.stat().st_mtime, UTC), ctx.now)
    except OSError:
        return ctx.now


def with_echoes(store: UnitOfWork, plan_id: str, written: dict[str, dict[tuple[str, str], Any]],
                echoes: Sequence[tuple[str, str, str, str, Any]], ctx: RunContext
                ) -> dict[str, dict[tuple[str, str], Any]]:
    """A CRM that holds a value already (the manager's edit there) needs no write of it: record it as "last
    written" to that CRM, so the diff sends it only to the other CRMs."""
    out = {n: dict(rows) for n, rows in written.items()}
    by_connector: dict[str, list[tuple[str, str, str | None, dict[str, Any]]]] = {}
    for connector, target, key, logical, value in echoes:
        rows = out.get(connector)
        if rows is None or (target, key) not in rows:
            continue
        row = rows[(target, key)]
        rows[(target, key)] = SimpleNamespace(crm_id=row.crm_id, fields={**row.fields, logical: value})
        by_connector.setdefault(connector, []).append((target, key, None, {logical: value}))
    for connector, saved in by_connector.items():
        store.save_written(plan_id, connector, saved, ctx.now)
    return out


def _save_drift(ctx: RunContext, repair: Repair) -> None:
    """Drift repair's decisions kept in the store: the fields sent again forgotten from what was last written (a
    write that fails is sent again by the next run, and a write accepted puts them back: the "restored" lines are
    worded after the writes, ``_drift_lines``), the new ``RESTORED`` states saved, the automations found rewriting
    pac's values reported (once: the run is partial) and logged."""
    again: dict[str, list[tuple[str, str, list[str]]]] = {}
    for d in repair.of(DriftKind.RESTORE, DriftKind.RETRY):
        if d.crm_id:
            again.setdefault(d.connector, []).append((d.target.value, d.crm_id, [d.field]))
    for name, items in again.items():
        ctx.store.forget_written(ctx.plan.id, name, items)
    for name, states in repair.states.items():
        kept = [(target, key, None, {RESTORED: state}) for (target, key, _id), state in states.items() if state]
        gone = [(target, crm_id, [RESTORED]) for (target, _key, crm_id), state in states.items()
                if not state and crm_id]
        if kept:
            ctx.store.save_written(ctx.plan.id, name, kept, ctx.now)
        if gone:
            ctx.store.forget_written(ctx.plan.id, name, gone)
    held = repair.held_lines()
    ctx.result.rewritten.extend(held)
    ctx.result.errors.extend(held)
    for name in sorted({d.connector for d in repair.of(DriftKind.HELD, DriftKind.KEPT)}):
        event(log, "sync.drift_held", level=logging.WARNING, plan=ctx.plan.id, connector=name,
              new=sum(1 for d in repair.of(DriftKind.HELD) if d.connector == name),
              held=sum(1 for d in repair.of(DriftKind.HELD, DriftKind.KEPT) if d.connector == name))


def _drift_lines(ctx: RunContext, name: str) -> list[str]:
    """The ``restored: …`` lines of connector ``name``'s values sent again, worded by what the write did: restored
    (the CRM accepted it: what was last written holds it again), not restored (refused or not sent: sent again by
    the next run), would be restored (a dry run)."""
    sent = [d for d in ctx.repair.of(DriftKind.RESTORE, DriftKind.RETRY) if d.connector == name] \
        if ctx.repair is not None else []
    if not sent:
        return []
    if ctx.store.discards:
        return [d.line("would be restored") + " (dry run)" for d in sent]
    now = ctx.store.written(ctx.plan.id, name)
    out = []
    for d in sent:
        row = now.get((d.target.value, d.key))
        done = row is not None and d.field in row.fields and plan_state.same(row.fields[d.field], d.want)
        out.append(d.line() if done else d.line("not restored") + " (the write did not go through: sent again by "
                                                                   "the next run)")
    return out


def _engine_reason(rejected: Rejected) -> bool:
    """The rules of the engine's set-asides (``Evaluation.rejected``, ``reject_codes.ENGINE_RULES``), stored as
    "rule: detail" with no code: recomputed every run from the stored records, never carried over (``pull``)."""
    rule = rejected.reason.split(":", 1)[0]
    return not rejected.code and rule in ENGINE_RULES


def _connector_words(ctx: RunContext, rejected: Rejected) -> Rejected:
    """An engine's ``no_start`` of an activity its connector words (``WordsUndated``: Salesforce's done Event or Task
    with no date, ``no_activity_date``, audit connrejects; HubSpot's engagement with no start time,
    ``no_start_time``, audit hsundated), or its ``no_account`` of an activity or a won deal (``WordsUnplaced``:
    HubSpot's engagement or won deal on contacts with no primary company, ``contact_only``, audits hsplanaware,
    hsdealnocompany), in those words; any other as it is."""
    connector = ctx.connectors.get(rejected.source)
    if rejected.reason.startswith("no_account:") and rejected.object in ("activities", "deals") \
            and isinstance(connector, WordsUnplaced):
        return connector.unplaced_rejection(rejected.id, rejected.object) or rejected
    if rejected.object != "activities":
        return rejected
    if rejected.reason.startswith("no_start:") and isinstance(connector, WordsUndated):
        return connector.undated_rejection(rejected.id) or rejected
    return rejected


def _with_code(rejected: Rejected) -> Rejected:
    """A stored connector rejection with its code and values: as stored, else as its English words read
    (``reject_codes.read_reason``: a row of a pac older than the codes); a text no code reads stays as it is."""
    if rejected.code or (read := read_reason(rejected.reason)) is None:
        return rejected
    return replace(rejected, code=read[0], values=read[1])


# The object a data-quality warning's record is (``Evaluation.warnings``, by rule): a won deal with no amount
# (``no_amount``), else an activity still planned on a past date that would count (``planned_past``)
# the data-quality warning ``pac status`` names per object (« N won deal(s) with no amount », « N activities still
# planned on a past date »): counted under its rule's name in the run's counts, beside ``warnings`` (all of them)
NAMED_WARNING = {"deals": "no_amount", "activities": "planned_past", "accounts": "postal_code_unplaced"}
WARNED_OBJECT = {"no_amount": "deals", "planned_past": "activities", "annual_revenue_no_rate": "accounts",
                 "lost_account_unknown": "accounts", "postal_code_unplaced": "accounts"}


def labels_of(records: Records | RecordColumns, kind: str) -> dict[tuple[str, str], str]:
    """(source, id) -> subject (``activities``) or name (``deals``, ``accounts``), read from the columns when the
    records are columns (no record object made)."""
    if kind == "accounts":
        if isinstance(records, RecordColumns):
            accounts = records.account_table
            return dict(zip(zip(accounts.source.decoded(), accounts.id, strict=True), accounts.name, strict=True))
        return {(a.source, a.id): a.name for a in records.accounts}
    if isinstance(records, RecordColumns):
        table = records.activity_table if kind == "activities" else records.deal_table
        labels = table.subject if isinstance(table, ActivityTable) else table.name
        keys = zip(table.source.decoded(), table.id, strict=True)
        return dict(zip(keys, labels, strict=True)) if labels is not None else dict.fromkeys(keys, "")
    if kind == "activities":
        return {(a.source, a.id): a.subject for a in records.activities}
    return {(d.source, d.id): d.name for d in records.deals}


def engine_rejections(evaluation: Evaluation, records: Records | RecordColumns, already: Sequence[Rejected] = ()
                      ) -> tuple[list[Rejected], dict[tuple[str, str, str], str]]:
    """The stored records the engine set aside, as ``Rejected`` (reason ``rule: detail``), each record once and
    none that a connector already rejected in this run (``already``); plus their labels (activity subject,
    deal name) keyed by (source, object, id)."""
    if not evaluation.rejected:
        return [], {}
    activities, deals = labels_of(records, "activities"), labels_of(records, "deals")
    seen = {(r.source, r.object, r.id) for r in already}
    out: list[Rejected] = []
    labels: dict[tuple[str, str, str], str] = {}
    for d in evaluation.rejected:
        key = (d.source, d.record_id)
        if key in deals and key not in activities:
            obj = "deals"
        elif key in activities and key not in deals:
            obj = "activities"
        else:   # an id both kinds share (or neither): the rule tells
            obj = "deals" if d.rule in DEAL_RULES or "deal" in d.detail else "activities"
        full = (d.source, obj, d.record_id)
        if full in seen:
            continue
        seen.add(full)
        out.append(Rejected(d.source, obj, d.record_id, f"{d.rule}: {d.detail}" if d.detail else d.rule))
        labels[full] = (deals if obj == "deals" else activities).get(key, "") or ""
    return out, labels


def new_rejections(store: UnitOfWork, plan_id: str, run_id: int | None,
                   rejections: Sequence[Rejected]) -> list[Rejected]:
    """The rejections that are new: not rejected for the same reason by the plan's previous finished run
    (``repo.previous_rejections``). The reason is compared by its code (``reject_codes.reason_key``: the engine's
    rule, ``unknown_currency``; a connector's code with the values that name the problem, ``unknown_stage`` of stage
    'x9' in pipeline 'default'), not its words, so a new version's rewording (a fix hint, a connector's English) is
    no new rejection on the night of an upgrade, and a text stored by a pac older than the codes is read as its
    code. The others are known: reported, but no run is partial because of them, so exit code 1 keeps meaning
    "something changed: look"."""
    if not rejections:
        return []
    known = {_identity(r) for r in store.previous_rejections(plan_id, run_id)}
    return [r for r in rejections if _identity(stored_rejection(r)) not in known]


def _identity(r: Rejected) -> tuple[str, ...]:
    """A rejection as ``new_rejections`` compares it: its record and ``reject_codes.reason_key``."""
    return (r.source, r.object, r.id, *reason_key(r.reason, r.code, r.values))


def accounts_read_in_full(full_objects: Iterable[tuple[str, str]]) -> frozenset[str]:
    """The connectors whose accounts this run read in full (``PullOutcome.full_objects``: their watermark keys,
    ``accounts`` or ``accounts:<part>``): what they hold in the CRM is what was read tonight."""
    return frozenset(name for name, key in full_objects if key.split(":", 1)[0] == ObjectKind.ACCOUNTS.value)


def account_changes(ctx: RunContext) -> dict[str, list[Any]]:
    """Per connector, the account PAC fields to update (see ``sync_jobs.account_targets``)."""
    assert ctx.effective is not None and ctx.records is not None
    declared = {n: account_targets.account_fields(ctx.connectors[n]) for n in ctx.names}
    if not any(declared.values()):
        return {}
    settings = engine_settings(ctx.settings, ctx.effective.currency)
    names = [n for n, fields in declared.items() if fields]
    others = {n: _other_contributions(ctx, n) for n in names}
    everyone = {n: ctx.store.written_accounts(n, other_than=ctx.plan.id) for n in names}
    ctx.shared = account_targets.shared_changes(ctx.effective, ctx.records, ctx.when, declared, ctx.written,
                                                default_months=settings.dormant_default_months, others=others,
                                                everyone=everyone, fx_rates=settings.fx_rates,
                                                fresh=accounts_read_in_full(ctx.pulled.full_objects))
    for name, shared in ctx.shared.items():
        ctx.store.save_account_axes(ctx.plan.id, name, shared.own, ctx.now)
    return {n: shared.changes for n, shared in ctx.shared.items()}


def _other_contributions(ctx: RunContext, name: str) -> list[account_targets.Sharer]:
    """The other plans of the settings that use connector ``name`` (a plan removed from the settings, or no longer
    using the connector, counts no more), each with its axis ids, its period and its stored contribution to the
    accounts' fields (``account_targets.combined`` leaves out those whose period is over). A plan alone on its
    connector reads nothing. When a plan file of the settings cannot be read (a typo tonight), the store's last
    version of it stands for it (``failed_plan.kept_plan``: its id, axis ids and period as last synced), so the
    accounts keep their tokens in their places (audit twoplans F1: its keys moved last, two writes for nothing);
    with no such version its id is unknown: every other stored contribution counts, its plan's period and axes
    unknown."""
    entries = [ps for ps in ctx.settings.plans if name in ps.connectors and ps.file != ctx.plan_settings.file]
    if not entries:
        return []
    loaded = [_plan_of(ctx, ps.file) or kept_plan(ctx.store.engine, ps) for ps in entries]
    plans = [p for p in loaded if p is not None]
    unreadable = len(plans) < len(loaded)
    stored = ctx.store.account_axes(name, other_than=ctx.plan.id)
    out = [account_targets.Sharer.of(p, stored.get(p.id, {})) for p in plans if p.id != ctx.plan.id]
    if unreadable:
        known = {p.id for p in plans}
        out += [account_targets.Sharer(plan_id, frozenset(a for ids in rows.values() for a in ids), rows=rows)
                for plan_id, rows in sorted(stored.items()) if plan_id not in known]
    return out


def _plan_of(ctx: RunContext, file: Path) -> Plan | None:
    """The settings' plan file ``file`` as it loads, once per run (every connector's account fields read the other
    plans: each file parsed once, not once per connector); None when it does not load (``pac plan check``'s)."""
    if file not in ctx.plan_files:
        try:
            ctx.plan_files[file] = load_plan(file)
        except (InvalidInput, OSError):
            ctx.plan_files[file] = None
    return ctx.plan_files[file]


def usage(connector: Connector) -> dict[str, Any]:
    used = connector.usage()
    return {"calls": used.calls, "used": used.used, "limit": used.limit, "remaining": used.remaining,
            "by_endpoint": dict(used.by_endpoint)}
