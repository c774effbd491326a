"""Incremental nights: re-select only the actions a night's changes can touch, and stay equal to a full evaluation.

Pure (no I/O, no clock). What is kept from one night to the next (``KeptState``) is not a copy of last night's
figures but, for every action, its *candidates*: the activities that could count for it whatever the deals say
(its owner, its type, in its window with a day of slack, completed or planned, not deleted, on a known account that
passes its scope's account conditions, dormancy judged by the CRM flag when the account has one and not judged
otherwise; the account in its state on the window's first day: its flag, owner and type then, from their recorded
changes). That is a superset of what the action matches, and it does not depend on the clock nor on any deal.
Everything else is recomputed every night by the engine itself, so the clock is handled by construction:

* an action's count does not depend on the evaluation instant (its window and the day its dormancy is judged on,
  the window's first local day, are fixed by the plan);
* what does move with the clock (expected by now, pace, forecast, an axis's revenue and baseline "to date", a
  prorated baseline, elapsed shares, months to ROI, the quarter's load, the advice) is recomputed every night for
  every action and axis by ``evaluate()``.

A night is one ``evaluate()`` on the whole plan, over every account, deal and user, but over a subset of the
activities: the kept candidates of the untouched actions, the new candidates of the touched ones, the activities
rejected last night, the changed ones and the ones on changed accounts. The engine decides on that subset exactly
what it would decide on every activity (its decision for an activity depends on that activity, its account, the
users and the plan only); why, rule by rule, is in docs/engine.md, "Incremental nights".

An action is *touched* (its candidates selected again) when
1. it is new, or its fingerprint changed (the action itself, its segment AND axis AND action scope, the plan's
   timezone);
2. one of its kept candidates changed or disappeared;
3. a changed activity (its new version) could be a candidate: same owner e-mail, same type, start within the
   window (one day of slack on each side, for all-day activities); for an action handed over, a former owner's
   activity up to the hand-over day (with the same slack) as well;
4. an activity on a *changed account* (an account record that changed, appeared or disappeared, or whose recorded
   state changes did: the store records them with the account's upsert) could be a candidate (same test).
Deals never touch an action: candidates do not read them (won deals only decide dormancy, which candidates
leave to the engine). A change of users (e-mails decide owners) or of the plan's ``people[].aliases`` (which person an
e-mail is), of the engine version or of the settings, or of which bad activities the plan rejects (its types, owners
and windows: ``matching.reject_spans``) makes a full night.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import repeat
from zoneinfo import ZoneInfo

import numpy as np

from pac_core.columnar import NO_TIME, AccountColumns, ActivityTable, Categorical, RecordColumns
from pac_core.engine import as_columns, evaluate, gc_paused
from pac_core.engine_settings import EngineSettings
from pac_core.matching import holders, moments_us, owner_emails, reject_spans, resolve_owner
from pac_core.people import with_remembered
from pac_core.plan import Action, Plan
from pac_core.records import AccountChange, ActivityStatus, Records, User
from pac_core.results import Evaluation
from pac_core.scope_eval import AnnualRevenue, dormancy_rule, is_dormancy
from pac_core.scopes import Scope

ENGINE_VERSION = "9"   # bump whenever a rule of the engine changes what an action matches: kept states are dropped
# 2 (5 Dec 2026): windows end at the evaluation instant (kept candidates stay a superset; a full night once anyway)
# 4: dormancy by won deals needs a won deal before the N months (a never-won prospect is not dormant: audit E F2)
# 5: an activity with both a start and a day (a Salesforce Task done before its due date) is dated at the earlier;
#    planned activities are candidates too (the warnings of those still planned on a past date)
# 6: an action handed over (``handed_over``) counts its former owners' activities before the hand-over day: their
#    activities in its window are candidates too (``matching.holders``)
# 7 (6 Dec 2026): an account's dormant flag, owner and type are read as of the reference date from their recorded
#    changes (audit matching F1, F2): candidates judge each account in its state on the action's window's first day
# 8: an account's annual revenue is compared in the plan's currency (converted with the CRM's rates it carries, else
#    engine.fx_rates; unknown when none does: audit multi F2), so the plan's currency is part of each action's
#    fingerprint
# 9: an account's US ZIP+4 ("60606-1234") is in its ZIP's postal_code scope ("60606"; audit oracle-counts)
SLACK_SECONDS = 86_400.0  # a candidate's instant may lie one day outside the window (all-day activities, zones)
DEFAULT_SETTINGS = EngineSettings()
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Key = tuple[str, str]   # (source, CRM id)


@dataclass(frozen=True)
class Changes:
    """The records that changed since the kept state was saved, by (source, id): created, updated or deleted
    (flagged or gone from the records). Their new versions are read from the night's records; the old versions
    that matter are in the kept state (candidates, rejected activities)."""

    activities: frozenset[Key] = frozenset()
    accounts: frozenset[Key] = frozenset()
    deals: frozenset[Key] = frozenset()
    users: frozenset[Key] = frozenset()

    @property
    def size(self) -> int:
        return len(self.activities) + len(self.accounts) + len(self.deals) + len(self.users)

    @classmethod
    def between(cls, old: Records, new: Records) -> Changes:
        """Every record that differs (or exists on one side only) between two sets of records (tests, benchmark)."""
        def diff(a: Iterable[object], b: Iterable[object]) -> frozenset[Key]:
            before = {(r.source, r.id): r for r in a}   # type: ignore[attr-defined]
            after = {(r.source, r.id): r for r in b}    # type: ignore[attr-defined]
            return frozenset(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        def history(records: Records) -> dict[Key, list[AccountChange]]:
            found: dict[Key, list[AccountChange]] = {}
            for change in records.account_changes:
                found.setdefault((change.source, change.account_id), []).append(change)
            return found

        before, after = history(old), history(new)
        restated = frozenset(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        return cls(diff(old.activities, new.activities), diff(old.accounts, new.accounts) | restated,
                   diff(old.deals, new.deals), diff(old.users, new.users))


@dataclass(frozen=True)
class KeptAction:
    fingerprint: str
    candidates: frozenset[Key]     # a superset of the activities the action matches (see the module's docstring)


@dataclass(frozen=True)
class KeptState:
    """What one night leaves for the next (see the module's docstring): the engine version, settings and users it
    ran with (a change of any makes a full night), its instant, each action's fingerprint and candidates, and the
    activities the engine rejected (read again every night: a rejection depends on the users and accounts)."""

    engine_version: str
    settings_fingerprint: str
    users_fingerprint: str
    as_of: datetime
    actions: Mapping[str, KeptAction]
    rejected: frozenset[Key]                 # activities the engine rejected


@dataclass(frozen=True)
class NightStats:
    """What a night recomputed: ``mode`` "full" or "incremental" and why; every action's and axis's figures are
    recomputed every night (the clock moves them), an action's candidates only when it is touched (``reselected``);
    ``activities_read`` of ``activities_total`` went into the evaluation."""

    mode: str
    reason: str
    actions_reselected: int
    actions_total: int
    axes_recomputed: int
    activities_read: int
    activities_total: int
    touched_by: Mapping[str, int] = field(default_factory=dict)   # rule -> actions it touched (first rule wins)
    reselected: tuple[str, ...] = ()                               # the touched actions' ids


def action_fingerprints(plan: Plan) -> dict[str, str]:
    """Action id -> a digest of everything its matching reads: the action, its full scope, the plan's timezone and
    currency (an ``annual_revenue`` bound is an amount of it: the accounts' revenue is converted into it)."""
    axes = {axis.id: axis for axis in plan.axes}
    segments = {segment.id: segment for segment in plan.segments}
    upper = {axis.id: _digest((segments[axis.segment_id].scope, axis.scope, plan.timezone, plan.currency))
             for axis in plan.axes}
    return {a.id: _digest((a, upper[a.axis_id])) if a.axis_id in axes else _digest((a, plan.timezone, plan.currency))
            for a in plan.actions}


def settings_fingerprint(settings: EngineSettings, plan: Plan | None = None) -> str:
    """The engine settings, and which bad activities the plan rejects (``matching.reject_spans``: per type its
    actions count and owner they name, as written, the span of instants; the owners' resolution is the users'
    fingerprint's): an activity outside them is never rejected, so a plan that starts counting a type, names a new
    owner or moves its windows makes its rejections, on accounts or owners no candidate reads, a full night's to
    find. An edit that leaves every span as it was (a target, a scope, a window inside the others) does not."""
    part = tuple(sorted((k, repr(v)) for k, v in vars(settings).items()))
    if plan is None:
        return _digest(part)
    spans = reject_spans(plan.actions, {}, ZoneInfo(plan.timezone))
    return _digest((part, sorted((kind.value, owner or "", span) for (kind, owner), span in spans.items())))


def users_fingerprint(users: Iterable[User], aliases: Mapping[str, str] | None = None) -> str:
    """The users as owners resolve: each user's e-mail and activity, and the plan's ``people[].aliases`` (which
    person an e-mail is; with those pac remembers, ``Plan.remembered``): a change of either makes a full night.
    Without aliases, the users' digest alone (what nights kept before aliases existed hold)."""
    users_part = sorted(((u.source, u.id, u.email, u.active) for u in users), key=repr)
    return _digest((users_part, sorted(aliases.items())) if aliases else users_part)


def _digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode("utf-8")).hexdigest()[:32]


def evaluate_incremental(plan: Plan, records: Records | RecordColumns, changes: Changes | None,
                         kept: KeptState | None, *, as_of: datetime, settings: EngineSettings = DEFAULT_SETTINGS,
                         full: bool = False) -> tuple[Evaluation, KeptState, NightStats]:
    """The night's evaluation, equal field by field to ``evaluate(plan, records, as_of=as_of, settings=settings)``,
    with the state to keep for the next night and what was recomputed.

    ``records`` as objects or as columns (what the store's ``load_columns`` gives): objects are read into columns
    once, and everything below reads the columns (the same code for both), so the night's subset is a gather of
    rows, handed to ``evaluate()`` as columns (no record object is made for it).

    A full night (every action's candidates selected from every activity) when ``full`` is asked, when there is
    no kept state or no change list, or when the engine version, the settings, the users or the plan's aliases
    changed; an incremental one otherwise.

    The cyclic garbage collector is paused for the night, as ``evaluate()`` pauses it for itself: the selection
    makes hundreds of thousands of small acyclic objects (keys, dictionaries), which would otherwise trigger full
    collections over everything the process holds.
    """
    plan = with_remembered(plan, records.users)   # a login's former e-mail the plan names (pac_core.people)
    with gc_paused():
        return _night(plan, records, changes, kept, as_of, settings, full)




def _night(plan: Plan, records: Records | RecordColumns, changes: Changes | None, kept: KeptState | None,
           as_of: datetime, settings: EngineSettings, full: bool) -> tuple[Evaluation, KeptState, NightStats]:
    reason = _full_reason(records, changes, kept, settings, full, plan)
    fingerprints = action_fingerprints(plan)
    zone = ZoneInfo(plan.timezone)
    table = as_columns(records)
    emails = owner_emails(table.users, plan.aliases())
    columns = _Columns(table, emails, zone)
    if reason is not None or changes is None or kept is None:
        touched: dict[str, str] = {a.id: "full" for a in plan.actions}
        candidates, _ = _candidates(plan, plan.actions, columns, emails, settings)
        positions = None
        night = table
    else:
        # the subset: changed activities, those on changed accounts, last night's rejected ones and every kept
        # candidate (those of touched actions too: a larger subset is as exact), plus the touched actions' new ones
        changed_account = columns.on_accounts(changes.accounts)
        named = set(kept.rejected).union(*(a.candidates for a in kept.actions.values()))
        changed_activity, kept_rows = columns.among(changes.activities, named)
        touched = _touched(plan, changes, kept, fingerprints, columns, changed_activity, changed_account)
        candidates, fresh = _candidates(plan, [a for a in plan.actions if a.id in touched], columns, emails,
                                        settings)
        positions = np.flatnonzero(changed_activity | kept_rows | fresh | changed_account)
        night = _rows_of(table, positions)
    evaluation = evaluate(plan, night, as_of=as_of, settings=settings)
    previous = kept.actions if kept is not None and reason is None else {}
    new_kept = KeptState(
        engine_version=ENGINE_VERSION, settings_fingerprint=settings_fingerprint(settings, plan),
        users_fingerprint=users_fingerprint(table.users, plan.aliases()), as_of=as_of,
        actions={a.id: KeptAction(fingerprints[a.id], candidates[a.id] if a.id in candidates
                                  else previous[a.id].candidates) for a in plan.actions},
        rejected=_rejected_activities(evaluation, columns, positions))
    by_rule: dict[str, int] = {}
    for rule in touched.values():
        by_rule[rule] = by_rule.get(rule, 0) + 1
    stats = NightStats("full" if reason is not None else "incremental", reason or "",
                       len(touched), len(plan.actions), len(plan.axes),
                       columns.n if positions is None else len(positions), columns.n, by_rule, tuple(touched))
    return evaluation, new_kept, stats


def _full_reason(records: Records | RecordColumns, changes: Changes | None, kept: KeptState | None,
                 settings: EngineSettings, full: bool, plan: Plan) -> str | None:
    aliases = plan.aliases()
    if full:
        return "full evaluation asked"
    if kept is None:
        return "no kept state"
    if changes is None:
        return "no change list"
    if kept.engine_version != ENGINE_VERSION:
        return f"engine version {kept.engine_version} -> {ENGINE_VERSION}"
    if kept.settings_fingerprint != settings_fingerprint(settings, plan):
        return "engine settings, or the activities the plan rejects, changed"
    if kept.users_fingerprint != users_fingerprint(records.users, aliases):   # re-stored equal users: no change
        return "users or people's aliases changed" if aliases else "users changed"
    return None


def _spans(action: Action, emails: Mapping[Key, str], zone: ZoneInfo) -> list[tuple[str, float, float]]:
    """(owner e-mail, from, to): the instants an activity of each owner whose activities count for the action (its
    who; a former owner, ``matching.holders``, up to the hand-over day) may have to be a candidate, the window
    widened by the slack on each side (a former owner's end: the earlier of the window's and the hand-over's)."""
    start, end = action.window.start.timestamp(), action.window.end.timestamp()
    return [(h.email, start - SLACK_SECONDS, (end if h.cut is None else min(end, h.cut)) + SLACK_SECONDS)
            for h in holders(action, emails, zone)]


class _Windows:
    """Actions by (owner e-mail, type) with their windows widened by the slack: which actions an activity
    (owner e-mail, type, instant) could be a candidate of (an action handed over: under each of its owners)."""

    def __init__(self, actions: Iterable[Action], emails: Mapping[Key, str], zone: ZoneInfo) -> None:
        self.groups: dict[tuple[str, object], list[tuple[float, float, str]]] = {}
        for a in actions:
            for email, lo, hi in _spans(a, emails, zone):
                self.groups.setdefault((email, a.activity_type), []).append((lo, hi, a.id))

    def of(self, email: str | None, kind: object, instant: float | None) -> list[str]:
        if email is None or instant is None or instant != instant:   # NaN: no usable instant
            return []
        return [aid for lo, hi, aid in self.groups.get((email, kind), ()) if lo <= instant < hi]


def _pairs(left: np.ndarray, right: np.ndarray, n_right: int) -> tuple[list[tuple[int, int]], np.ndarray]:
    """The distinct (left code, right code) pairs of two code columns (-1 allowed) and each row's pair number,
    in the order of the combined code. Without a sort: the combined codes index a table of every possible pair
    (codes are dense and their products small: sources x owners, e-mails x types, sources x account ids)."""
    width = n_right + 1
    combined = (left.astype(np.int64) + 1) * width + (right.astype(np.int64) + 1)
    if not len(combined):
        return [], np.zeros(0, dtype=np.int64)
    seen = np.zeros(int(combined.max()) + 1, dtype=bool)
    seen[combined] = True
    distinct = np.flatnonzero(seen)
    number = np.zeros(len(seen), dtype=np.int64)
    number[distinct] = np.arange(len(distinct))
    pairs = [(c // width - 1, c % width - 1) for c in distinct.tolist()]
    return pairs, number[combined]


class _Columns:
    """The night's activities as the engine's columns, with what the selection reads, each computed once per
    distinct value and gathered (NumPy): the owner's e-mail as the engine resolves it (a code into ``emails``,
    -1 for none), the type, the instant, the account's row (-1 unknown), countable (completed or planned, not
    deleted).
    Keys (source, id) are made only for the rows a night keeps."""

    def __init__(self, records: RecordColumns, emails: Mapping[Key, str], zone: ZoneInfo) -> None:
        acts = self.acts = records.activity_table
        self.records = records
        self.owner_emails, self.zone = emails, zone
        self.n = acts.n
        sources = acts.source.values
        pairs, inverse = _pairs(acts.source.codes, acts.owner.codes, len(acts.owner.values))
        email_code: dict[str, int] = {}
        codes = [-1 if email is None else email_code.setdefault(email, len(email_code))
                 for email in (_owner_email(sources[s] if s >= 0 else None, acts.owner.values[o] if o >= 0 else None,
                                            emails) for s, o in pairs)]
        self.emails: list[str] = list(email_code)
        self.email = np.array(codes, dtype=np.int64)[inverse] if codes else np.full(self.n, -1, dtype=np.int64)
        self.instants = _instants(acts, zone)
        # completed, or planned: a planned activity that would count but for its status is warned of
        # (``engine.still_planned``), so the night's subset holds it as a full evaluation reads it
        completed = [k for k, v in enumerate(acts.status.values) if v in (ActivityStatus.COMPLETED,
                                                                          ActivityStatus.PLANNED)]
        self.countable = np.isin(acts.status.codes, completed) & ~acts.deleted
        accounts = records.account_table
        row_of = dict(zip(zip(accounts.source.decoded(), accounts.id, strict=True), range(accounts.n), strict=True))
        self.account_pairs, self.account_pair = _pairs(acts.source.codes, acts.account.codes,
                                                       len(acts.account.values))
        self.account_keys: list[Key | None] = [
            (sources[s], acts.account.values[a]) if s >= 0 and a >= 0 else None for s, a in self.account_pairs]
        self.account_row = np.array([-1 if k is None else row_of.get(k, -1) for k in self.account_keys] or [-1],
                                    dtype=np.int64)[self.account_pair] if self.n else np.zeros(0, dtype=np.int64)

    def key(self, i: int) -> Key:
        return (self.acts.source.values[int(self.acts.source.codes[i])], self.acts.id[i])

    def among(self, *groups: Iterable[Key]) -> list[np.ndarray]:
        """Per group of keys, whether each row's key is in it: per source, one C-level pass over the ids for all
        the groups together (a bit per group: up to 63 groups), no key tuple made."""
        if len(groups) > 63:
            raise ValueError("at most 63 groups of keys")
        bits: dict[str, dict[str, int]] = {}
        for g, keys in enumerate(groups):
            for source, rid in keys:
                of_source = bits.setdefault(source, {})
                of_source[rid] = of_source.get(rid, 0) | 1 << g
        found = np.zeros(self.n, dtype=np.int64)
        for code, source in enumerate(self.acts.source.values):
            named = bits.get(source)
            if named:
                hits = np.fromiter(map(named.get, self.acts.id, repeat(0)), dtype=np.int64, count=self.n)
                found |= np.where(self.acts.source.codes == code, hits, 0)
        return [(found & 1 << g) != 0 for g in range(len(groups))]

    def on_accounts(self, accounts: Collection[Key]) -> np.ndarray:
        """Whether each row is on one of these accounts (by its account's key; the account need not exist)."""
        if not accounts or not self.n:
            return np.zeros(self.n, dtype=bool)
        hit = np.array([k is not None and k in accounts for k in self.account_keys], dtype=bool)
        found: np.ndarray = hit[self.account_pair]
        return found

    def email_of(self, i: int) -> str | None:
        code = int(self.email[i])
        return None if code < 0 else self.emails[code]


def _touched(plan: Plan, changes: Changes, kept: KeptState, fingerprints: Mapping[str, str], columns: _Columns,
             changed_activity: np.ndarray, changed_account: np.ndarray) -> dict[str, str]:
    """Touched action id -> the first rule that touched it (see the module's docstring)."""
    touched: dict[str, str] = {}
    for action in plan.actions:
        old = kept.actions.get(action.id)
        if old is None or old.fingerprint != fingerprints[action.id]:
            touched[action.id] = "plan"
        elif not old.candidates.isdisjoint(changes.activities):
            touched[action.id] = "candidate changed"
    windows = _Windows(plan.actions, columns.owner_emails, columns.zone)
    types = columns.acts.type
    for rule, mask in (("changed activity", changed_activity), ("changed account", changed_account)):
        for i in np.flatnonzero(mask).tolist():
            for aid in windows.of(columns.email_of(i), types.at(i), float(columns.instants[i])):
                touched.setdefault(aid, rule)
    return touched


def _candidates(plan: Plan, actions: Sequence[Action], columns: _Columns, emails: Mapping[Key, str],
                settings: EngineSettings) -> tuple[dict[str, frozenset[Key]], np.ndarray]:
    """Action id -> its candidates (see the module's docstring), for these actions, and every candidate's row
    (a mask): the countable activities on known accounts of each (owner e-mail, type) pair sorted by instant once
    (NumPy), two sorted searches per action, then the account test on the window's slice as masks: the engine's own
    static conditions per combination of account classes (``AccountColumns``, built without won deals), the CRM
    dormant flag where the condition reads it and the account has one."""
    rows_kept = np.zeros(columns.n, dtype=bool)
    if not actions:
        return {}, rows_kept
    by_pair: dict[tuple[str, object], list[tuple[Action, float, float]]] = {}
    for a in actions:
        for email, lo, hi in _spans(a, emails, columns.zone):
            by_pair.setdefault((email, a.activity_type), []).append((a, lo, hi))
    code_of: dict[tuple[str, object], int] = {pair: k for k, pair in enumerate(by_pair)}
    types = columns.acts.type
    pairs, inverse = _pairs(columns.email, types.codes, len(types.values))
    table = np.array([code_of.get((columns.emails[e], types.values[t]), -1) if e >= 0 and t >= 0 else -1
                      for e, t in pairs] or [-1], dtype=np.int64)
    codes = table[inverse] if columns.n else np.zeros(0, dtype=np.int64)
    inside = np.flatnonzero((codes >= 0) & columns.countable & (columns.account_row >= 0))
    inside = inside[np.lexsort((columns.instants[inside], codes[inside]))]
    bounds = np.searchsorted(codes[inside], np.arange(len(code_of) + 1))
    scopes = {a.id: plan.action_scope(a) for a in actions}
    none = np.zeros(0, dtype=np.int64)
    account_columns = AccountColumns(columns.records.account_table, emails, none, none, settings.dormant_default_months,
                                     list(scopes.values()), columns.zone,
                                     AnnualRevenue(plan.currency, settings.fx_rates, settings.settings_file))
    tests: dict[tuple[object, ...], Callable[[np.ndarray, int], np.ndarray]] = {}
    result: dict[str, frozenset[Key]] = {a.id: frozenset() for a in actions}
    for k, group_actions in enumerate(by_pair.values()):
        group = inside[bounds[k]:bounds[k + 1]]
        times = columns.instants[group]
        for action, start, end in group_actions:
            scope = scopes[action.id]
            test = tests.get(scope.conditions)
            if test is None:
                test = tests[scope.conditions] = _account_test(scope, account_columns,
                                                               settings.dormant_default_months)
            lo, hi = np.searchsorted(times, (start, end))
            rows = group[lo:hi]
            rows = rows[test(columns.account_row[rows],
                             action.window.start.astimezone(columns.zone).date().toordinal())]
            rows_kept[rows] = True
            found = frozenset(map(columns.key, rows.tolist()))
            result[action.id] = result[action.id] | found if result[action.id] else found
    return result, rows_kept


def _rows_of(records: RecordColumns, positions: np.ndarray) -> RecordColumns:
    """The same records with only these activity rows (in their order): a gather of every column, the distinct
    values kept (the engine reads codes)."""
    t = records.activity_table
    take = positions.tolist()

    def cat(c: Categorical) -> Categorical:
        return Categorical(c.codes[positions], c.values)

    origin = t._origin
    activities = ActivityTable(
        source=cat(t.source), id=[t.id[i] for i in take], type=cat(t.type), owner=cat(t.owner),
        account=cat(t.account), start=t.start[positions], naive=t.naive[positions], day=t.day[positions],
        status=cat(t.status), deleted=t.deleted[positions],
        subject=None if t.subject is None else [t.subject[i] for i in take],
        modified=None if t.modified is None else t.modified[positions],
        origin=None if origin is None else [origin[i] for i in take], whole_day=t.whole_day[positions])
    return RecordColumns(records.account_table, activities, records.deal_table, records.users, records.rejected)


def _account_test(scope: Scope, accounts: AccountColumns, default_months: int
                  ) -> Callable[[np.ndarray, int], np.ndarray]:
    """Per account row given, whether it can be in the scope whatever its won deals, each account in its state in
    force at the reference day given (an ordinal: the action's window's first day, ``AccountColumns.rows_at``): live
    and every static account condition holds (the engine's classes), dormancy by the CRM flag when the condition
    reads it and the account has one, and not judged otherwise."""
    conditions = scope.accounts_part.conditions
    passing = accounts.static_pass(tuple(c for c in conditions if not is_dormancy(c)))
    by_flag = [wanted for wanted, _months, use_flag in (dormancy_rule(c, default_months) for c in conditions
                                                          if is_dormancy(c)) if use_flag]

    def test(rows: np.ndarray, reference: int) -> np.ndarray:
        states = accounts.rows_at(rows, reference)
        mask: np.ndarray = passing[accounts.combo[states]]
        for wanted in by_flag:
            flag = accounts.flags[states]
            mask &= (flag == 0) | ((flag == 1) == wanted)
        return mask

    return test


def _instants(acts: ActivityTable, zone: ZoneInfo) -> np.ndarray:
    """Each activity's instant as a POSIX timestamp, as the engine dates it (``matching.moments_us``: its start,
    local midnight of its day when it is all-day, the earlier of the two when it has both), NaN when it has none the
    engine would use (a naive start, or neither)."""
    instants = np.full(acts.n, np.nan)
    moments = moments_us(acts, zone)
    usable = (moments != NO_TIME) & ~((acts.start != NO_TIME) & acts.naive)
    instants[usable] = moments[usable] / 1e6     # exactly datetime.timestamp(): microseconds / 10**6
    return instants


def _owner_email(source: str | None, owner_id: str | None, emails: Mapping[Key, str]) -> str | None:
    """The owner's e-mail as the engine resolves it: the user's, else an owner id that is an e-mail."""
    if owner_id is None or source is None:
        return None
    email = emails.get((source, owner_id))
    if email is None and "@" in owner_id:
        email = resolve_owner(emails, owner_id)
    return email


def _rejected_activities(evaluation: Evaluation, columns: _Columns, positions: np.ndarray | None
                         ) -> frozenset[Key]:
    """The activities among the evaluated ones (``positions``, None: all) that the engine rejected (deal
    rejections have other keys)."""
    if not evaluation.rejected:
        return frozenset()
    rejected = {(d.source, d.record_id) for d in evaluation.rejected}
    if positions is not None:    # a night's subset: its few keys
        return frozenset(key for key in map(columns.key, positions.tolist()) if key in rejected)
    (evaluated,) = columns.among(rejected)
    return frozenset(columns.key(i) for i in np.flatnonzero(evaluated).tolist())


def touched_summary(stats: NightStats) -> str:
    """One line for the run log."""
    rules = ", ".join(f"{rule}: {n}" for rule, n in sorted(stats.touched_by.items()))
    return (f"{stats.mode} night{f' ({stats.reason})' if stats.reason else ''}: {stats.actions_reselected}/"
            f"{stats.actions_total} actions' candidates selected ({rules or 'none'}), "
            f"{stats.axes_recomputed} axes recomputed, "
            f"{stats.activities_read}/{stats.activities_total} activities read")

