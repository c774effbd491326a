"""Incremental nights: re-match only the actions a night's changes can touch, and stay equal to a full evaluation.

Pure (no I/O, no clock). What is kept from one night to the next (``KeptState``) is not a copy of last night's
figures but what the expensive part of an evaluation found: for every action, the activities it matched (its
*matched set*, counted ones and distinct-account repeats), plus the activities the engine rejected. Everything
else is recomputed every night by the engine itself, so the clock is handled by construction:

* an action's count does not depend on the evaluation instant (its window and the day its dormancy is judged on,
  the window's first local day, are fixed by the plan), so an action whose inputs did not change matches the same
  activities tonight as last night;
* what does move with the clock (expected by now, pace, forecast, an axis's revenue and baseline "to date", a
  prorated baseline, elapsed shares, months to ROI, the quarter's load, the advice) is recomputed every night for
  every action and axis, from the matched sets, by ``evaluate()``.

A night is then one ``evaluate()`` on the whole plan, over every account, deal and user, but over a small subset of
the activities: the kept matched sets of the untouched actions, the rejected ones, the changed ones, the ones on
changed accounts, and every candidate (right owner, type and window) of the touched actions. The touched actions
are evaluated with ``explain`` to learn their new matched sets. Why this equals a full evaluation, rule by rule,
is in docs/engine.md, "Incremental nights".

An action is *touched* (re-matched) when
1. it is new, or its fingerprint changed (the action itself, its segment AND axis AND action scope, the plan's
   timezone);
2. one of last night's matched activities changed or disappeared;
3. a changed activity (its new version) could match it: same owner e-mail, same type, start within the window
   (one day of slack on each side, for all-day activities);
4. an activity on a *changed account* could match it (same test): an account record that changed, appeared or
   disappeared;
5. its full scope has a dormancy condition and an activity on an account whose won deals changed could match it
   (same test): the account of a changed deal won last night or now (won deals decide dormancy when the CRM has no flag;
   nothing else in matching reads deals).

A change of users (e-mails decide owners), of the engine version or of the settings makes a full night.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time
from itertools import compress, repeat
from operator import attrgetter, is_
from zoneinfo import ZoneInfo

import numpy as np

from pac_core.engine import EngineSettings, evaluate
from pac_core.plan import Action, Counting, Plan
from pac_core.records import Activity, Deal, DealStage, Records, User
from pac_core.results import Decision, Evaluation
from pac_core.scope_eval import is_dormancy

ENGINE_VERSION = "1"   # bump whenever a rule of the engine changes what an action matches: kept states are dropped
SLACK_SECONDS = 86_400.0  # a candidate's instant may lie one day outside the window (all-day activities, zones)
UNLIMITED = 1_000_000_000   # the counted-decision limit while re-matching: every counted activity is listed
DEFAULT_SETTINGS = EngineSettings()
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Key = tuple[str, str]   # (source, CRM id)


@dataclass(frozen=True)
class Changes:
    """The records that changed since the kept state was saved, by (source, id): created, updated or deleted
    (flagged or gone from the records). Their new versions are read from the night's records; the old versions
    that matter are in the kept state (matched sets, rejected activities, won deals' accounts)."""

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
        return cls(diff(old.activities, new.activities), diff(old.accounts, new.accounts),
                   diff(old.deals, new.deals), diff(old.users, new.users))


@dataclass(frozen=True)
class KeptAction:
    fingerprint: str
    matched: frozenset[Key]


@dataclass(frozen=True)
class KeptState:
    """What one night leaves for the next (see the module's docstring)."""

    engine_version: str
    settings_fingerprint: str
    users_fingerprint: str
    as_of: datetime
    actions: Mapping[str, KeptAction]
    rejected: frozenset[Key]                 # activities the engine rejected
    won_deal_accounts: Mapping[Key, Key]     # won deal -> its account (a changed deal's old account)


@dataclass(frozen=True)
class NightStats:
    """What a night recomputed: ``mode`` "full" or "incremental" and why; axes are recomputed every night (the
    clock moves their figures), actions only when touched; ``activities_read`` of ``activities_total`` went
    into the evaluation."""

    mode: str
    reason: str
    actions_rematched: int
    actions_total: int
    axes_recomputed: int
    activities_read: int
    activities_total: int
    touched_by: Mapping[str, int] = field(default_factory=dict)   # rule -> actions it touched (first rule wins)
    rematched: tuple[str, ...] = ()                                # the re-matched actions' ids


def action_fingerprints(plan: Plan) -> dict[str, str]:
    """Action id -> a digest of everything its matching reads: the action, its full scope, the plan's timezone."""
    return {a.id: _digest((a, plan.action_scope(a), plan.timezone)) for a in plan.actions}


def settings_fingerprint(settings: EngineSettings) -> str:
    return _digest(tuple(sorted((k, repr(v)) for k, v in vars(settings).items())))


def users_fingerprint(users: Iterable[User]) -> str:
    return _digest(sorted(((u.source, u.id, u.email, u.active) for u in users), key=repr))


def _digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode("utf-8")).hexdigest()[:32]


def evaluate_incremental(plan: Plan, records: Records, changes: Changes | None, kept: KeptState | None, *,
                         as_of: datetime, settings: EngineSettings = DEFAULT_SETTINGS, full: bool = False
                         ) -> tuple[Evaluation, KeptState, NightStats]:
    """The night's evaluation, equal field by field to ``evaluate(plan, records, as_of=as_of, settings=settings)``,
    with the state to keep for the next night and what was recomputed.

    A full night (every action re-matched on every activity) when ``full`` is asked, when there is no kept state
    or no change list, or when the engine version, the settings or the users changed; an incremental one otherwise.
    """
    reason = _full_reason(records, changes, kept, settings, full)
    fingerprints = action_fingerprints(plan)
    if reason is not None or changes is None or kept is None:
        touched: dict[str, str] = {a.id: "full" for a in plan.actions}
        subset = records.activities
    else:
        touched, subset = _plan_night(plan, records, changes, kept, fingerprints)
    # the touched actions are explained to learn what they match: every counted activity is listed (no limit);
    # repeats on an already counted account (distinct-account actions) are not listed, so their matched set is
    # the counted activities plus the action's candidates on the counted accounts (a superset: harmless)
    wide = replace(settings, counted_limit=UNLIMITED, near_miss_limit=0)
    evaluation = evaluate(plan, replace(records, activities=tuple(subset)), as_of=as_of, settings=wide,
                          explain=tuple(touched))
    counted: dict[str, list[Decision]] = {}
    rows = []
    for row in evaluation.actions:
        if row.action_id in touched:
            counted[row.action_id] = [d for d in row.decisions if d.counted and d.source]
        rows.append(replace(row, decisions=()) if row.decisions else row)
    matched = _matched_sets(plan, counted, subset, records.users)
    evaluation = replace(evaluation, actions=tuple(rows))
    previous = kept.actions if kept is not None else {}
    new_kept = KeptState(
        engine_version=ENGINE_VERSION, settings_fingerprint=settings_fingerprint(settings),
        users_fingerprint=users_fingerprint(records.users), as_of=as_of,
        actions={a.id: KeptAction(fingerprints[a.id], matched[a.id] if a.id in matched else previous[a.id].matched)
                 for a in plan.actions},
        rejected=_rejected_activities(evaluation, subset),
        won_deal_accounts=_won_accounts(records.deals, changes if reason is None else None, kept))
    by_rule: dict[str, int] = {}
    for rule in touched.values():
        by_rule[rule] = by_rule.get(rule, 0) + 1
    stats = NightStats("full" if reason is not None else "incremental", reason or "",
                       len(touched), len(plan.actions), len(plan.axes), len(subset), len(records.activities), by_rule,
                       tuple(touched))
    return evaluation, new_kept, stats


def _full_reason(records: Records, changes: Changes | None, kept: KeptState | None, settings: EngineSettings,
                 full: bool) -> str | None:
    if full:
        return "full evaluation asked"
    if kept is None:
        return "no kept state"
    if changes is None:
        return "no change list"
    if kept.engine_version != ENGINE_VERSION:
        return f"engine version {kept.engine_version} -> {ENGINE_VERSION}"
    if kept.settings_fingerprint != settings_fingerprint(settings):
        return "engine settings changed"
    if kept.users_fingerprint != users_fingerprint(records.users):   # re-stored but equal users are no change
        return "users changed"
    return None


class _Candidates:
    """Actions by (owner e-mail, type) with their windows (widened by the slack), to find which actions an
    activity could match (``of``) or whether it could match any of them (``any``: merged intervals, one bisection).
    """

    def __init__(self, actions: Iterable[Action]) -> None:
        groups: dict[tuple[str, object], list[tuple[float, float, str]]] = {}
        for a in actions:
            groups.setdefault((a.who.strip().lower(), a.activity_type), []).append(
                (a.window.start.timestamp() - SLACK_SECONDS, a.window.end.timestamp() + SLACK_SECONDS, a.id))
        self.groups = groups
        self.merged: dict[tuple[str, object], tuple[list[float], list[float]]] = {}
        for key, windows in groups.items():
            starts: list[float] = []
            ends: list[float] = []
            for lo, hi, _ in sorted(windows):
                if ends and lo <= ends[-1]:
                    ends[-1] = max(ends[-1], hi)
                else:
                    starts.append(lo)
                    ends.append(hi)
            self.merged[key] = (starts, ends)
        self.owners = frozenset(who for who, _ in groups)

    def of(self, email: str | None, kind: object, instant: float | None) -> list[str]:
        """The actions (ids) this activity (owner e-mail, type, instant) could match."""
        if email is None or instant is None:
            return []
        return [aid for lo, hi, aid in self.groups.get((email, kind), ()) if lo <= instant < hi]

    def any(self, email: str | None, kind: object, instant: float | None) -> bool:
        merged = self.merged.get((email, kind))   # type: ignore[arg-type]
        if merged is None or instant is None:
            return False
        k = bisect_right(merged[0], instant) - 1
        return k >= 0 and instant < merged[1][k]


def _instant(a: Activity, zone: ZoneInfo) -> float | None:
    if a.start is not None:
        return a.start.timestamp() if a.start.tzinfo is not None and a.start.utcoffset() is not None else None
    if a.day is not None:
        return datetime.combine(a.day, time(0), tzinfo=zone).timestamp()
    return None


def _instants(acts: Sequence[Activity], zone: ZoneInfo) -> np.ndarray:
    """Each activity's instant as a POSIX timestamp (NaN when it has none the engine would use)."""
    starts: list[datetime | None] = list(map(attrgetter("start"), acts))
    odd = [i for i, start in enumerate(starts) if start is None or start.tzinfo is None]
    for i in odd:
        starts[i] = _EPOCH
    instants = np.fromiter(map(datetime.timestamp, starts), dtype=np.float64, count=len(starts))  # type: ignore[arg-type]
    for i in odd:
        instant = _instant(acts[i], zone)
        instants[i] = np.nan if instant is None else instant
    return instants


def _owner_email(a: Activity, emails: Mapping[Key, str]) -> str | None:
    """The owner's e-mail as the engine resolves it: the user's, else an owner id that is an e-mail."""
    if a.owner_id is None:
        return None
    email = emails.get((a.source, a.owner_id))
    if email is None and "@" in a.owner_id:
        email = a.owner_id.strip().lower()
    return email


def _plan_night(plan: Plan, records: Records, changes: Changes, kept: KeptState, fingerprints: Mapping[str, str]
                ) -> tuple[dict[str, str], list[Activity]]:
    """(touched action id -> the first rule that touched it, the activities to evaluate, in the records' order)."""
    zone = ZoneInfo(plan.timezone)
    emails = {(u.source, u.id): u.email.lower() for u in records.users if u.email}
    touched: dict[str, str] = {}
    for action in plan.actions:
        old = kept.actions.get(action.id)
        if old is None or old.fingerprint != fingerprints[action.id]:
            touched[action.id] = "plan"
        elif not old.matched.isdisjoint(changes.activities):
            touched[action.id] = "matched activity changed"
    candidates = _Candidates(plan.actions)
    dormancy = frozenset(a.id for a in plan.actions if any(map(is_dormancy, plan.action_scope(a).conditions)))

    def touch(a: Activity, rule: str, only: frozenset[str] | None = None) -> None:
        for aid in candidates.of(_owner_email(a, emails), a.type, _instant(a, zone)):
            if only is None or aid in only:
                touched.setdefault(aid, rule)

    acts = records.activities
    n = len(acts)
    keys = list(zip(map(attrgetter("source"), acts), map(attrgetter("id"), acts), strict=True))
    for a in compress(acts, map(changes.activities.__contains__, keys)):
        touch(a, "changed activity")
    # accounts whose record changed (any scope condition, and whether the account exists), and accounts whose won
    # deals changed (only dormancy reads them: a changed deal's old account comes from the kept state)
    won_changed: set[Key] = set()
    deals = {(d.source, d.id): d for d in records.deals if (d.source, d.id) in changes.deals} \
        if changes.deals else {}
    for key in changes.deals:
        old_account = kept.won_deal_accounts.get(key)
        if old_account is not None:
            won_changed.add(old_account)
        deal = deals.get(key)
        if deal is not None and deal.account_id is not None and deal.stage is DealStage.WON:
            won_changed.add((deal.source, deal.account_id))
    account_keys = list(zip(map(attrgetter("source"), acts), map(attrgetter("account_id"), acts), strict=True))
    on_changed = list(map(changes.accounts.__contains__, account_keys)) if changes.accounts else [False] * n
    for a in compress(acts, on_changed):
        touch(a, "changed account")
    if won_changed and dormancy:
        for a in compress(acts, map(won_changed.__contains__, account_keys)):
            touch(a, "won deals of the account changed (dormancy)", dormancy)
    # the activities the night reads: untouched actions' matched sets, rejected and changed activities, the
    # activities on changed accounts, and every candidate of the touched actions (owner, type, window)
    wanted: set[Key] = set(kept.rejected) | changes.activities
    for aid, old in kept.actions.items():
        if aid not in touched:
            wanted |= old.matched
    rematch = _Candidates(a for a in plan.actions if a.id in touched)
    chosen = set(compress(range(n), map(wanted.__contains__, keys)))
    chosen.update(compress(range(n), on_changed))
    # the touched actions' candidates, as columns: (owner e-mail, type) pair codes, instants, one sorted search
    # per pair against its merged windows (no Python per activity but for the odd ones: no start, naive, all-day)
    owner_keys = zip(map(attrgetter("source"), acts), map(attrgetter("owner_id"), acts), strict=True)
    email_col = list(map(emails.get, owner_keys))
    code_of = {pair: k for k, pair in enumerate(rematch.merged)}
    codes = np.fromiter(map(code_of.get, zip(email_col, map(attrgetter("type"), acts), strict=True), repeat(-1)),
                        dtype=np.int64, count=n)
    instants = _instants(acts, zone)
    inside = np.flatnonzero(codes >= 0)
    inside = inside[np.argsort(codes[inside], kind="stable")]
    bounds = np.searchsorted(codes[inside], np.arange(len(code_of) + 1))
    for k, (lo_starts, hi_ends) in enumerate(rematch.merged.values()):
        group = inside[bounds[k]:bounds[k + 1]]
        if not len(group):
            continue
        t = instants[group]
        slot = np.searchsorted(np.asarray(lo_starts), t, side="right") - 1
        hit = (slot >= 0) & (t < np.asarray(hi_ends)[np.maximum(slot, 0)])
        chosen.update(group[hit].tolist())
    # owners given as an e-mail rather than a user id (the engine's fallback): the slow path, rare
    for i in compress(range(n), map(is_, email_col, repeat(None))):
        a = acts[i]
        if a.owner_id is not None and "@" in a.owner_id and rematch.any(_owner_email(a, emails), a.type,
                                                                        _instant(a, zone)):
            chosen.add(i)
    subset = [acts[i] for i in sorted(chosen)]
    return touched, subset


def _matched_sets(plan: Plan, counted: Mapping[str, list[Decision]], activities: Sequence[Activity],
                  users: Iterable[User]) -> dict[str, frozenset[Key]]:
    """Action id -> what it matched: its counted activities, plus, for a distinct-account action, its candidates
    (owner, type, window with slack) on the accounts it counted, which hold its repeats."""
    zone = ZoneInfo(plan.timezone)
    emails = {(u.source, u.id): u.email.lower() for u in users if u.email}
    result = {aid: frozenset((d.source, d.record_id) for d in found) for aid, found in counted.items()}
    distinct = [a for a in plan.actions if a.id in counted and a.counting is Counting.DISTINCT_ACCOUNTS
                and counted[a.id]]
    if not distinct:
        return result
    candidates = _Candidates(distinct)
    accounts = {a.id: {(d.source, d.account_id) for d in counted[a.id]} for a in distinct}
    extra: dict[str, set[Key]] = {a.id: set() for a in distinct}
    counted_accounts = set().union(*accounts.values())
    on_counted = map(counted_accounts.__contains__,
                     zip(map(attrgetter("source"), activities), map(attrgetter("account_id"), activities), strict=True))
    for act in compress(activities, on_counted):
        for aid in candidates.of(_owner_email(act, emails), act.type, _instant(act, zone)):
            if (act.source, act.account_id) in accounts[aid]:
                extra[aid].add((act.source, act.id))
    return {aid: found | extra[aid] if aid in extra else found for aid, found in result.items()}


def _rejected_activities(evaluation: Evaluation, activities: Sequence[Activity]) -> frozenset[Key]:
    """The activities among the evaluated ones that the engine rejected (deal rejections have other keys)."""
    keys = {(a.source, a.id) for a in activities}
    return frozenset(k for k in ((d.source, d.record_id) for d in evaluation.rejected) if k in keys)


def _won_accounts(deals: Sequence[Deal], changes: Changes | None, kept: KeptState | None) -> dict[Key, Key]:
    """Won deal -> its account, updated from last night's by the changed deals (built afresh on a full night)."""
    def won(d: Deal) -> bool:
        return d.stage is DealStage.WON and d.account_id is not None

    if changes is None or kept is None:
        return {(d.source, d.id): (d.source, d.account_id) for d in deals if won(d)}  # type: ignore[misc]
    result = {k: v for k, v in kept.won_deal_accounts.items() if k not in changes.deals}
    if changes.deals:
        for d in deals:
            if (d.source, d.id) in changes.deals and won(d):
                result[(d.source, d.id)] = (d.source, d.account_id)  # type: ignore[assignment]
    return result


def touched_summary(stats: NightStats) -> str:
    """One line for the run log."""
    rules = ", ".join(f"{rule}: {n}" for rule, n in sorted(stats.touched_by.items()))
    return (f"{stats.mode} night{f' ({stats.reason})' if stats.reason else ''}: {stats.actions_rematched}/"
            f"{stats.actions_total} actions re-matched ({rules or 'none'}), {stats.axes_recomputed} axes recomputed, "
            f"{stats.activities_read}/{stats.activities_total} activities read")

