"""The evaluation engine: ``evaluate(plan, records, as_of=...)`` -> progress, KPIs, ROI, recommendations.

Pure and deterministic: the records and the evaluation instant come in as arguments. The rules
are documented in the modules that apply them (``matching``, ``scope_eval``, ``revenue``, ``kpis``,
``advisor``) and, with every default of ``EngineSettings``, in ``docs/engine.md``.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import chain, compress, repeat
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from pac_core import kpis
from pac_core.advisor import AdvisorContext, LostAccount, RepLeaving, advise
from pac_core.columnar import NO_DAY, AccountColumns, AccountTable, Categorical, RecordColumns, Rows, local_ordinals
from pac_core.engine_settings import SETTINGS_FILE, EngineSettings
from pac_core.fx import no_rate_values, no_rate_words
from pac_core.geography import FRENCH_GEOGRAPHY, french_place
from pac_core.growth import resolved
from pac_core.kpi_vocabulary import ScopeFacts, measure
from pac_core.matching import (
    FEW_KEYS,
    ActionCount,
    ActivityIndex,
    Grouped,
    Matcher,
    day_start,
    holders,
    owner_emails,
    reject_spans,
    state_fields,
    state_note,
)
from pac_core.people import with_remembered
from pac_core.plan import (
    Action,
    ActivityType,
    Axis,
    ContextKind,
    Counting,
    Plan,
    Segment,
    action_cancelled,
    axis_inactive,
)
from pac_core.records import Records, past_at
from pac_core.results import ActionProgress, AxisProgress, Decision, Evaluation, KpiValue, Pace, SegmentProgress
from pac_core.revenue import (
    ZERO,
    DateRange,
    DealColumnsBook,
    DealFilter,
    DealReaders,
    WonLedger,
    WonValues,
    as_set,
    baseline_range,
    last_day,
    product_load_columns,
    prorated,
    to_date,
    weekly_year,
    window_days,
)
from pac_core.revenue import measure as measure_revenue
from pac_core.scope_eval import AccountKey, AnnualRevenue, dormancy_rule, is_dormancy, months_before
from pac_core.scopes import Condition, Scope
from pac_core.snapshots import current_quarter
from pac_core.text import fold_value
from pac_core.totals import with_totals
from pac_core.window import Window

_ANY_DEAL = DealFilter()


def evaluate(plan: Plan, records: Records | RecordColumns, *, as_of: datetime,
             settings: EngineSettings = EngineSettings(), explain: bool | Collection[str] = False,
             explain_bases: bool | Collection[str] | None = None) -> Evaluation:
    """Evaluate a plan against CRM records at ``as_of`` (an aware instant).

    ``explain`` says which actions and axes get their per-record decisions (``ActionProgress.decisions`` and
    ``AxisProgress.decisions``, what ``pac explain`` lists): False none (the default, the nightly run: counts,
    KPIs, ROI and advice are the same either way), True every action and axis, or a collection of action and
    axis ids; ``explain_bases`` the axes whose baseline's deals and percentage objective base's are listed too
    (``AxisProgress.baseline_decisions``, ``base_decisions``: ``pac explain AXIS``), the same as ``explain`` when
    None. The figures always come
    from ``count_actions``, the decisions from ``Matcher.match`` on the same indexes, so one action's
    explanation asked later (``explain_actions``) is what a full run would have listed.

    ``records`` is either ``Records`` (objects, read once into columns) or ``RecordColumns`` (what the store's
    ``load_columns`` gives): the engine reads columns only; record objects are made for the rows an explanation
    or a rejection lists.

    The cyclic garbage collector is paused while the indexes are built (they hold millions of
    small acyclic objects, which would otherwise trigger repeated full collections) and restored after.
    """
    if as_of.tzinfo is None:
        raise ValueError("as_of must be timezone-aware")
    if isinstance(explain, str):   # one action id, not its characters
        explain = (explain,)
    bases_of = _wanted(explain if explain_bases is None else explain_bases)
    plan = with_remembered(plan, records.users)   # a login's former e-mail the plan names (pac_core.people)
    with gc_paused():
        indexes = build_indexes(plan, records, settings)
        plan, bases = growth_objectives(plan, indexes, as_of, settings, bases_of)
        counts = count_actions(plan, indexes, until=as_of.timestamp())
        evaluation = _evaluate(plan, indexes, counts, as_of, settings, explain, bases, bases_of)
        # the indexes freed while the collector is still paused: once it runs again, its first pass would otherwise
        # walk every object they hold (0.02 s at a million activities) before they are freed anyway
        del indexes, counts
    return evaluation


def with_growth_objectives(plan: Plan, indexes: Indexes, as_of: datetime,
                           settings: EngineSettings = EngineSettings()) -> Plan:
    """``growth_objectives``' plan, no deal listed."""
    return growth_objectives(plan, indexes, as_of, settings)[0]


def _wanted(explain: bool | Collection[str]) -> Callable[[str], bool]:
    """Whether an action's or axis's decisions are listed (``evaluate``'s ``explain``)."""
    if explain is True:
        return lambda _: True
    if explain is False:
        return lambda _: False
    return frozenset((explain,) if isinstance(explain, str) else explain).__contains__


def growth_objectives(plan: Plan, indexes: Indexes, as_of: datetime, settings: EngineSettings = EngineSettings(),
                      wanted: Callable[[str], bool] = lambda _: False
                      ) -> tuple[Plan, dict[str, tuple[Decision, ...]]]:
    """The plan whose objectives written as a percentage (``Objective.growth_rate``, pac_core/growth.py) carry their
    amount: the rate x the axis's baseline over its **whole** objective period, what ``_axis_progress`` measures as
    its baseline at the period's end: the fixed ``baseline`` when the objective declares one, else the axis's scope
    revenue (segment AND axis scope, its deal conditions and ``who``) over the period a year earlier; under
    ``attribution: split`` each year-earlier deal divided among the live axes counting it over their whole periods,
    as the baseline to date divides it. Everything downstream (progress, pace, segment and plan objectives, ROI,
    advice, write-back, snapshots) then reads the amount as if it had been written. The same plan when none is.
    With it, per axis ``wanted`` (asked to ``pac explain``) whose base is measured, the deals of its base as
    ``_scope_deals`` lists them with the figure (``AxisProgress.base_decisions``)."""
    rated = [axis for axis in plan.axes if axis.objective is not None and axis.objective.growth_rate is not None]
    if not rated:
        return plan, {}
    zone, ledger, scopes, emails = indexes.zone, indexes.ledger, indexes.columns, indexes.emails
    today = figures_last_day(plan, as_of, zone)   # liveness as ``_evaluate`` judges it
    bases: dict[str, Decimal] = {}
    provisional: dict[str, date] = {}   # the last day counted of a base period not over at ``as_of``
    measured = [axis for axis in rated if not _fixed_baseline(axis)]
    listed: dict[str, tuple[Decision, ...]] = {}
    split = settings.attribution == "split"
    read = (plan.axes if split else measured) if measured else []   # split: every axis's share of a deal is read
    members = {axis.id: scopes.member_mask(plan.axis_scope(axis), axis_reference(plan, axis, zone)) for axis in read}
    filters = {axis.id: DealFilter.of(plan.axis_scope(axis).deals_part, axis.who) for axis in read}
    shares = None
    if measured and split:
        # every axis's whole period: evaluated as of the end of the latest one, each axis's days are its whole period
        end = max([plan.period.end, *(a.objective.period.end for a in plan.axes if a.objective is not None)])
        shares = _split_shares(plan, [a for a in plan.axes if _takes_share(a, today)], members, filters, ledger,
                               end, zone, emails)
    for axis in rated:
        objective = axis.objective
        assert objective is not None
        if objective.baseline is not None:
            bases[axis.id] = objective.baseline
            continue
        flt = filters[axis.id]
        member_set = (scopes.members(plan.axis_scope(axis), axis_reference(plan, axis, zone))
                      if not flt.is_everything else frozenset())
        days, through = base_to_date(objective.period, as_of, zone, weekly_year(plan.period.quarters))
        if through is not None:
            provisional[axis.id] = through
        if days[0] > days[1]:
            bases[axis.id] = ZERO
            continue
        bases[axis.id], listed[axis.id] = _scope_deals(
            ledger, days, members[axis.id], member_set, None if shares is None else shares.baseline, flt, emails,
            int(axis_inactive(axis, today)),
            _listing(indexes.columns, plan, axis, zone, emails, settings) if wanted(axis.id) else None)
    return replace(plan, axes=tuple(replace(axis, objective=resolved(axis.objective, bases[axis.id],
                                                                     provisional.get(axis.id), currency=plan.currency,
                                                                     split=split))
                                    if axis.objective is not None and axis.id in bases else axis
                                    for axis in plan.axes)), {k: v for k, v in listed.items() if wanted(k)}


def base_to_date(period: Window, as_of: datetime, zone: ZoneInfo,
                 weeks: DateRange | None = None) -> tuple[tuple[date, date], date | None]:
    """The days whose revenue a percentage objective over ``period`` applies to, as of ``as_of``, and the last day
    counted when they are not all over yet (None once they are): the period a year earlier, whole once its last day
    has ended at ``as_of`` (the figure is final), else cut at the evaluation date (``last_day``, as every figure to
    date): on 5 December 2026 a 2027 objective's base is 2026's revenue from 1 January to 5 December, provisional,
    never deals dated after the evaluation date. Before the base period starts the range is empty (first > last).
    ``weeks``: the days of a year cut in weeks, whose year earlier is 52 weeks earlier, its 53rd week's none
    (``revenue.weekly_year``, ``revenue.baseline_range``)."""
    first, last = baseline_range(window_days(period, zone), weeks)
    if as_of.astimezone(zone).date() > last:   # the base period's last day is over (at its end's midnight too)
        return (first, last), None
    today = last_day(as_of, zone)   # at most ``last``
    return (first, today), today


def explain_actions(plan: Plan, records: Records | RecordColumns, evaluation: Evaluation,
                    action_ids: Collection[str], *, settings: EngineSettings = EngineSettings()) -> Evaluation:
    """``evaluation`` (from ``evaluate`` on the same plan and records) with the decisions of these actions
    filled in, by the same indexes and rules as ``evaluate(..., explain=action_ids)``; unknown ids are ignored.
    Figures are left as they are: only ``ActionProgress.decisions`` of the asked actions change."""
    wanted = frozenset((action_ids,) if isinstance(action_ids, str) else action_ids)
    plan = with_remembered(plan, records.users)
    known = {action.id: action for action in plan.actions if action.id in wanted}
    if not known:
        return evaluation
    with gc_paused():
        matcher = build_indexes(plan, records, settings).matcher
        until = evaluation.as_of.timestamp()
        rows = tuple(replace(row, decisions=tuple(matcher.match(known[row.action_id],
                                                                plan.action_scope(known[row.action_id]),
                                                                until=until).decisions))
                     if row.action_id in known else row for row in evaluation.actions)
    return replace(evaluation, actions=rows)


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused for the block: an evaluation makes many small acyclic objects."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class Indexes:
    """Everything ``evaluate`` builds once from the records before answering any question."""

    zone: ZoneInfo
    ledger: WonLedger
    columns: AccountColumns
    index: ActivityIndex
    matcher: Matcher
    records: RecordColumns
    emails: Mapping[AccountKey, str]
    deal_days: np.ndarray                  # per deal row, Deal.day(zone) as an ordinal (NO_DAY when none)
    action_scopes: Mapping[str, Scope]     # action id -> segment AND axis AND action scope
    book: DealColumnsBook | None = None    # lost and created deals, for the KPIs
    # per evaluation instant: the actions grouped by (owner, type) with their windows' bounds (``_window_groups``),
    # which counting and the planned activities' warnings both search
    window_groups: dict[float | None, tuple[Sequence[Action], _Windows]] = field(default_factory=dict)


def as_columns(records: Records | RecordColumns) -> RecordColumns:
    """The records as columns (read once when they come as objects)."""
    return records if isinstance(records, RecordColumns) else RecordColumns.of(records)


class _AccountNumbers:
    """(source, account id) -> account number (its row), for columns of records naming accounts: one lookup per
    distinct id when no id is used by two sources (the usual case), else one per distinct id and source."""

    def __init__(self, accounts: AccountTable) -> None:
        self.accounts = accounts
        self.by_id: dict[str, int] = dict(zip(accounts.id, range(accounts.n), strict=True))   # later rows win
        self.by_source: dict[str, dict[str, int]] | None = None
        if len(self.by_id) != accounts.n:          # an id used twice: per source, the last row of each id
            self.by_source = {}
            for s_code, source in enumerate(accounts.source.values):
                rows = np.flatnonzero(accounts.source.codes == s_code).tolist()
                self.by_source[source] = dict(zip(map(accounts.id.__getitem__, rows), rows, strict=True))

    def one(self, source: str, account_id: str) -> int | None:
        """The number of one account (source, id), None when unknown (a few records: no columns)."""
        if self.by_source is not None:
            return self.by_source.get(source, {}).get(account_id)
        number = self.by_id.get(account_id)
        return number if number is not None and self.accounts.source.at(number) == source else None

    def of(self, sources: Categorical, ids: Categorical) -> np.ndarray:
        """Per row, the number of the account (source, id) names, -1 when unknown (then one gather)."""
        if self.by_source is not None:
            return _numbers_of(sources, ids, self.by_source)
        rows = np.fromiter(map(self.by_id.get, ids.values, repeat(-1)), dtype=np.int64, count=len(ids.values))
        account_sources = self.accounts.source
        code_of = {source: k for k, source in enumerate(account_sources.values)}
        # per source code and id code (+ 1: code -1, none, is row and column 0), the account's number when its
        # source is that one, else -1
        wanted = np.array([-2] + [code_of.get(source, -2) for source in sources.values], dtype=np.int64)
        source_of = np.append(-3, np.where(rows >= 0, account_sources.codes[rows], -3))
        return _by_codes(np.where(source_of == wanted[:, None], np.append(-1, rows), -1), sources, ids)


def _numbers_of(sources: Categorical, ids: Categorical, numbers: Mapping[str, Mapping[str, int]]) -> np.ndarray:
    """Per row, the number of the account (source, id) names, -1 when unknown: one lookup per distinct id and
    source (``numbers``: source -> account id -> number), then one gather."""
    table = np.full((len(sources.values) + 1, len(ids.values) + 1), -1, dtype=np.int64)   # code -1: row/column 0
    for s, source in enumerate(sources.values):
        by_id = numbers.get(source)
        if by_id:
            table[s + 1, 1:] = np.fromiter(map(by_id.get, ids.values, repeat(-1)), dtype=np.int64,
                                           count=len(ids.values))
    return _by_codes(table, sources, ids)


def _by_codes(table: np.ndarray, sources: Categorical, ids: Categorical) -> np.ndarray:
    """Per row, ``table[s + 1, i + 1]`` for its source code ``s`` and id code ``i``: one gather at flat positions
    (int32 when they fit: a 2-D fancy index is slower)."""
    flat: np.ndarray = sources.codes.astype(np.int32 if table.size < 2 ** 31 else np.int64)     # a copy
    flat += 1
    flat *= table.shape[1]
    flat += ids.codes
    flat += 1
    found: np.ndarray = np.take(table.ravel(), flat)
    return found


def build_indexes(plan: Plan, records: Records | RecordColumns,
                  settings: EngineSettings = EngineSettings()) -> Indexes:
    """Read every record once, column by column: account numbers and owner e-mails resolved once per distinct
    key, the activity index, the account columns (every field the plan's scopes read, coded once), the won-deal
    ledger. Scope sets are computed on demand."""
    zone = ZoneInfo(plan.timezone)
    columns = as_columns(records)
    accounts, activities, deals = columns.account_table, columns.activity_table, columns.deal_table
    numbers = _AccountNumbers(accounts)
    emails = owner_emails(columns.users, plan.aliases())
    deal_numbers = numbers.of(deals.source, deals.account)
    deal_days = deals.days(zone)
    values = WonValues.of(deals)
    # what dormancy, first won deals and conversion read: purchases, so not credits (a won deal worth less than 0)
    dated = values.purchases(deals.n) & (deal_numbers >= 0) & (deal_days != NO_DAY)
    action_scopes = _action_scopes(plan)
    scopes = [s.scope for s in plan.segments] + [plan.axis_scope(a) for a in plan.axes] + list(action_scopes.values())
    account_columns = AccountColumns(accounts, emails, deal_numbers[dated], deal_days[dated],
                                     settings.dormant_default_months, scopes, zone,
                                     AnnualRevenue(plan.currency, settings.fx_rates, settings.settings_file))
    ledger = WonLedger.from_columns(deals, numbers=deal_numbers, days=deal_days,
                                    won_dates=Rows(accounts.n, account_columns.won_dates_of), currency=plan.currency,
                                    fx_rates=settings.fx_rates, deals=columns.deals, values=values,
                                    settings_file=settings.settings_file)
    ledger.note_crm_rejected(columns.rejected, numbers.one, zone)
    departements = Rows(accounts.n, accounts.departement.at)
    index = ActivityIndex.build(activities, emails=emails,
                                account_number=numbers.of(activities.source, activities.account),
                                zone=zone, partition=departements, acts=columns.activities,
                                spans=reject_spans(plan.actions, emails, zone))
    matcher = Matcher(plan, index, account_columns, columns.accounts, emails, zone,
                      settings.near_miss_limit, settings.counted_limit, departements)
    book = DealColumnsBook(deals, numbers=deal_numbers, days=deal_days, zone=zone, currency=plan.currency,
                           fx_rates=settings.fx_rates)
    return Indexes(zone, ledger, account_columns, index, matcher, columns, emails, deal_days, action_scopes, book)


def _subset(rows: Sequence[Any], mask: np.ndarray) -> list[Any]:
    """The rows where ``mask`` holds, as objects (only those are made)."""
    return [rows[i] for i in np.flatnonzero(mask).tolist()]


def _action_scopes(plan: Plan) -> dict[str, Scope]:
    """Action id -> its scope (segment AND axis AND action), each built once; actions whose scopes have the same
    conditions share one object (the account columns prepare each scope object once)."""
    axes_by_id = {axis.id: axis for axis in plan.axes}
    segments_by_id = {segment.id: segment for segment in plan.segments}
    upper: dict[str, Scope] = {}     # segment AND axis scope, per axis
    out: dict[str, Scope] = {}
    distinct: dict[tuple[Condition, ...], Scope] = {}
    for action in plan.actions:
        base = upper.get(action.axis_id)
        if base is None:
            axis = axes_by_id[action.axis_id]
            base = upper[action.axis_id] = segments_by_id[axis.segment_id].scope & axis.scope
        scope = base & action.scope
        out[action.id] = distinct.setdefault(scope.conditions, scope)
    return out


def count_actions(plan: Plan, indexes: Indexes, *, until: float | None = None) -> dict[str, ActionCount]:
    """Action id -> its count (done, accounts touched, activities matched): the nightly question.

    ``until`` (POSIX seconds: the evaluation instant) ends every window there: an activity that starts at or
    after it has not happened as of the evaluation (a closed quarter's report or snapshot made later from a
    store that holds what came after, or an activity dated in the future), so it does not count. A whole-day
    activity (``Activity.whole_day``: an all-day calendar event with no status of its own) has happened once its
    day is over: the one of ``until``'s local day does not count yet (``ActivityIndex.over``).

    Each action's window is a slice of its owner's countable activities of its type (one sorted search of every
    window at once, ``Grouped.bounds``; an action handed over, one slice per owner, a former owner's ending at the
    hand-over day: ``matching.holders``); the slices' accounts are then tested in one pass against their
    actions' scopes (``AccountColumns.inside_many``: the static conditions as classes over the account columns,
    computed once per distinct scope; dormancy, when a scope has it, tested on the accounts of its slices, each at
    its action's reference date). The same rules as ``Matcher.count``, one action at a time.
    """
    actions = plan.actions
    out: dict[str, ActionCount] = {}
    index = indexes.index
    asked, which, kept_accounts, kept_positions, ends = _in_windows_and_scopes(plan, indexes, index.countable_rows,
                                                                               until)
    if asked:
        # the counted activities of every action at once: ``first_per_account`` of each action's rows (each
        # account's first activity by instant, then position), and every row, each action's in position order
        first = _firsts(which, kept_accounts, kept_positions, index.ts[kept_positions])
        in_order = _by_action(which, kept_positions).tolist()
        first_positions = _by_action(which[first], kept_positions[first]).tolist()
        first_ends = np.cumsum(np.bincount(which[first], minlength=len(asked))).tolist()
        accounts, positions = kept_accounts.tolist(), kept_positions.tolist()
        start = first_start = 0
        distinct = Counting.DISTINCT_ACCOUNTS
        for k, end, first_end in zip(asked, ends, first_ends, strict=True):
            action = actions[k]
            touched = set(accounts[start:end])
            matched = positions[start:end]
            if action.counting is distinct:
                out[action.id] = ActionCount(len(touched), touched, matched, first_positions[first_start:first_end])
            else:
                out[action.id] = ActionCount(len(matched), touched, matched, in_order[start:end])
            start, first_start = end, first_end
    return {action.id: out.get(action.id) or ActionCount(0, set(), []) for action in actions}


def _firsts(which: np.ndarray, accounts: np.ndarray, positions: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Per row (rows grouped by action, ``which`` ascending): whether it is its account's first activity in its
    action, by instant then position (``first_per_account``). The rows of an action usually come in that order
    already (a slice of one owner's activities): then a stable sort by (action, account) puts each account's first
    row at the head of its run; else one ``lexsort`` of the four keys."""
    m = len(which)
    first = np.zeros(m, dtype=bool)
    if not m:
        return first
    same = which[1:] == which[:-1]
    later = (times[1:] > times[:-1]) | ((times[1:] == times[:-1]) & (positions[1:] > positions[:-1]))
    if bool((later | ~same).all()):
        order = np.argsort(which * (int(accounts.max()) + 1) + accounts, kind="stable")
    else:
        order = np.lexsort((positions, times, accounts, which))
    ordered_which, ordered_accounts = which[order], accounts[order]
    head = np.ones(m, dtype=bool)
    head[1:] = (ordered_which[1:] != ordered_which[:-1]) | (ordered_accounts[1:] != ordered_accounts[:-1])
    first[order[head]] = True
    return first


def _by_action(which: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """The positions sorted by (action, position) (``which`` the action of each row): one sort of packed values."""
    bits = int(positions.max()).bit_length() if len(positions) else 0
    if len(which) and int(which.max()).bit_length() + bits <= 62:
        packed: np.ndarray = np.sort((which << bits) | positions) & ((1 << bits) - 1)
        return packed
    return positions[np.lexsort((positions, which))]


def _in_windows_and_scopes(plan: Plan, indexes: Indexes, rows: Grouped, until: float | None
                           ) -> tuple[list[int], np.ndarray, np.ndarray, np.ndarray, list[int]]:
    """``count_actions``' search: per action (by its index in ``plan.actions``) the activities of ``rows`` (the
    countable or the planned ones) of its owner and type that fall in its window (cut at ``until``) on accounts of
    its scope, as (the actions with a non-empty window slice, in the order of their first slice; per kept row the
    rank of its action in that list, its account number and its position; the end of each action's rows)."""
    actions, columns, index = plan.actions, indexes.columns, indexes.index
    today = day_start(until, indexes.zone) if until is not None and index.any_whole_day else None
    kept = indexes.window_groups.get(until)
    if kept is None or kept[0] is not actions:     # the same actions (a plan with its objectives resolved has them)
        kept = indexes.window_groups[until] = (actions, _window_groups(plan, indexes, until))
    windows = kept[1]
    ks = windows.actions
    lo, hi = rows.bounds(windows.groups, windows.starts, windows.ends)
    lengths = hi - lo
    # the window slices one after the other: each row's place in ``rows.positions`` and its slice
    piece = np.repeat(np.arange(len(ks)), lengths)
    positions = rows.positions[np.arange(len(piece)) + np.repeat(lo - (np.cumsum(lengths) - lengths), lengths)]
    if today is not None:   # the whole-day activities of ``today``'s local day are not over (``ActivityIndex.over``)
        keep = ~(index.whole_day[positions] & (index.ts[positions] >= today))
        piece, positions = piece[keep], positions[keep]
    if not len(positions):
        empty = np.zeros(0, dtype=np.int64)
        return [], empty, empty, empty, []
    # the actions with a non-empty slice, in the order of their first one; each action's slices together, in order
    filled = np.flatnonzero(np.bincount(piece, minlength=len(ks)) if today is not None else lengths)
    action_of = ks[filled]
    _, first = np.unique(action_of, return_index=True)
    asked = action_of[np.sort(first)]
    rank = np.zeros(len(actions), dtype=np.int64)
    rank[asked] = np.arange(len(asked))
    which = rank[ks[piece]]
    if len(asked) < len(filled):   # an action with slices of two owners (handed over): its rows brought together
        together = np.argsort(which, kind="stable")
        which, positions = which[together], positions[together]
    numbers = index.acc[positions]
    asked_list = asked.tolist()
    scopes = indexes.action_scopes
    mask = columns.inside_many([scopes[actions[k].id] for k in asked_list],
                               [windows.references[k] for k in asked_list], which, numbers)
    which = which[mask]
    ends = np.cumsum(np.bincount(which, minlength=len(asked_list))).tolist()
    return asked_list, which, numbers[mask], positions[mask], ends


@dataclass(frozen=True)
class _Windows:
    """Per (action, owner whose activities count for it), grouped by (owner e-mail, type) in the order of their first
    action: the action (by index in ``plan.actions``), the group code of its owner and type (``ActivityIndex.group``)
    and its window as POSIX seconds; per action, its reference date for dormancy (``_reference_dates``)."""

    actions: np.ndarray
    groups: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    references: list[date]


def _window_groups(plan: Plan, indexes: Indexes, until: float | None) -> _Windows:
    """The actions' windows (``_Windows``), ending at ``until`` and, for a former owner, at the hand-over day
    (``matching.holders``; the action's ``who`` counts over its whole window)."""
    actions, index, zone = plan.actions, indexes.index, indexes.zone
    seconds: dict[datetime, float] = {}    # each distinct bound converted once (``datetime.timestamp``)
    days: dict[datetime, date] = {}        # each distinct start's local day (``_reference_dates``)
    starts: list[float] = []
    ends: list[float] = []
    references: list[date] = []
    groups: dict[tuple[str, ActivityType], list[tuple[int, float]]] = {}
    for k, action in enumerate(actions):
        window = action.window
        first, last = window.start, window.end
        start = seconds.get(first)
        if start is None:
            start = seconds[first] = first.timestamp()
        end = seconds.get(last)
        if end is None:
            end = seconds[last] = last.timestamp()
        day = days.get(first)
        if day is None:
            day = days[first] = first.astimezone(zone).date()
        starts.append(start)
        ends.append(end)
        references.append(day)
        if action.handed_over:
            for holder in holders(action, indexes.emails, zone):
                groups.setdefault((holder.email, action.activity_type), []).append(
                    (k, np.inf if holder.cut is None else holder.cut))
        else:
            groups.setdefault((action.who.strip().lower(), action.activity_type), []).append((k, np.inf))
    ks: list[int] = []
    codes: list[int] = []
    cuts: list[float] = []
    for (who, kind), pieces in groups.items():
        codes.extend(repeat(index.group(who, kind), len(pieces)))
        for k, cut in pieces:
            ks.append(k)
            cuts.append(cut)
    of = np.array(ks, dtype=np.int64)
    # each end no later than ``until`` and the former owner's cut (``min`` of the same floats: one of them)
    limits = np.minimum(np.array(ends, dtype=np.float64)[of], np.array(cuts, dtype=np.float64))
    if until is not None:
        limits = np.minimum(limits, until)
    return _Windows(of, np.array(codes, dtype=np.int64), np.array(starts, dtype=np.float64)[of], limits, references)


def unrated_revenue(plan: Plan, indexes: Indexes) -> list[Decision]:
    """The data-quality warnings of annual revenues no rate converts into the plan's currency, which a scope's
    ``annual_revenue`` condition reads (``AccountColumns.unrated``): one per currency, on its first live account,
    saying how many accounts it leaves undecided and which rate to add (rule ``annual_revenue_no_rate``). Such an
    account is neither inside nor outside those conditions (``scope_eval.UNRATED``): it counts for no scope that
    asks for its revenue, ``not`` included, rather than being compared unconverted."""
    columns = indexes.columns
    out = []
    for currency, (count, number) in sorted(columns.unrated.items()):
        account = indexes.records.accounts[number]
        cur, corporate, into = no_rate_values(currency, account.rates, plan.currency)
        file = columns.revenue.settings_file
        values = (("annual_currency", currency or ""), ("count", str(count)), ("currency", cur),
                  ("corporate", corporate), ("into", into), *((("file", file),) if file != SETTINGS_FILE else ()))
        out.append(Decision(account.source, account.id, False, "annual_revenue_no_rate",
                            unrated_words(dict(values), "en"), account.id, values=values))
    return out


UNRATED = {"en": ("annual revenue in {0} on {1} account(s), e.g. this one: {2}; until then annual_revenue scope "
                  "conditions treat it as unknown (neither inside nor outside)", "no currency"),
           "fr": ("CA annuel en {0} sur {1} compte(s), par exemple celui-ci : {2} ; d'ici là, les conditions de "
                  "périmètre annual_revenue le traitent comme inconnu (ni dedans ni dehors)", "aucune devise")}


def unrated_words(values: Mapping[str, str], lang: str) -> str:
    """An ``annual_revenue_no_rate`` warning's words in ``lang`` from its values (``unrated_revenue``)."""
    line, none = UNRATED[lang]
    why = no_rate_words(values["currency"], values["corporate"], values["into"], lang, values.get("file"))
    return line.format(values["annual_currency"] or none, values["count"], why)


GEOGRAPHY_FIELDS = frozenset({"departement", "region"})
UNPLACED = "; in no département or région scope until it is corrected in the CRM"


def unplaced_accounts(plan: Plan, indexes: Indexes) -> list[Decision]:
    """The data-quality warnings of live accounts in France whose postal code gives no département (rule
    ``postal_code_unplaced``, one per account, in the records' order, saying why and what to write:
    ``geography.french_place``), when a scope of the plan (segment, axis or action, ``not:`` included) reads
    départements or régions: such an account is in none of those scopes, so « visit 5 clients of the 01 » missed the
    Ain customer typed « 1000 » without a word outside the connector's log of the night it was read. An account with
    no postal code, or outside France, is not told (nothing to correct: ``postal_code`` and ``country`` scopes reach
    it)."""
    scopes = [*(s.scope for s in plan.segments), *(a.scope for a in plan.axes), *(a.scope for a in plan.actions)]
    if not any(c.field in GEOGRAPHY_FIELDS for scope in scopes for c in scope.conditions):
        return []
    table = indexes.columns.table
    rows = np.flatnonzero((table.departement.codes < 0) & (table.postal_code.codes >= 0) & indexes.columns.live)
    french = np.array([c in FRENCH_GEOGRAPHY for c in table.country.values] + [False], dtype=bool)
    rows = rows[french[table.country.codes[rows]]]      # code -1 (no country) reads the last entry: not French
    problems: dict[int, str | None] = {}
    out = []
    for row in rows.tolist():
        code = int(table.postal_code.codes[row])
        if code not in problems:
            postal = str(table.postal_code.values[code] or "").strip()
            problems[code] = french_place(postal)[2] if postal else None
        if (problem := problems[code]) is not None:
            out.append(Decision(table.source.at(row), table.id[row], False, "postal_code_unplaced",
                                f"{problem}{UNPLACED}", table.id[row]))
    return out


def unknown_lost_accounts(plan: Plan, records: Records | RecordColumns) -> list[Decision]:
    """The data-quality warnings of key accounts the plan declares lost (``context``, ``account``) under a name or id
    no live account of the CRMs has (rule ``lost_account_unknown``, one per declaration): the advisor reads the loss
    through the account (its segments, its revenue to replace), so a typo'd name prioritised nothing, silently
    (audit oracle-advice); with its ``segment`` given, that segment's axes are prioritised and the revenue to
    replace is unknown."""
    out = []
    for change in plan.context:
        if change.kind is not ContextKind.LOST_KEY_ACCOUNT or not change.account:
            continue
        wanted = fold_value(change.account)
        if any(not a.deleted and (a.id == change.account or fold_value(a.name) == wanted) for a in records.accounts):
            continue
        then = (f"the axes of segment {change.segment_id} are prioritised, its revenue to replace is unknown"
                if change.segment_id else "no axis is prioritised for it")
        out.append(Decision("plan", change.account, False, "lost_account_unknown",
                            f"key account declared lost in the plan matches no account of the CRMs (write its name "
                            f"as the CRM does, or its id): {then}"))
    return out


def still_planned(plan: Plan, indexes: Indexes, as_of: datetime) -> list[Decision]:
    """The data-quality warnings of activities still **planned** on a date before ``as_of`` that would count for an
    action but for their status (its owner, type, window to date and scope): a meeting of March whose outcome is
    still "Scheduled", a call task past its due date never closed (a task dated by its day alone once that day is
    over, ``records.past_at``: due today, it is today's to-do). Listed once each, in time order, naming the
    actions they would count for (rule ``planned_past``). The other planned activities (a to-do of no mapped type, a
    meeting still to come, one no action reads) are left alone. The same search as ``count_actions`` over the
    planned activities (``ActivityIndex.planned_for``), usually few."""
    index = indexes.index
    if not len(index.planned_rows):
        return []
    asked, _, _, positions, ends = _in_windows_and_scopes(plan, indexes, index.planned_rows, as_of.timestamp())
    if not asked:
        return []
    actions_of: dict[int, list[str]] = {}
    for k, start, end in zip(asked, [0, *ends[:-1]], ends, strict=True):
        for pos in positions[start:end].tolist():
            actions_of.setdefault(pos, []).append(plan.actions[k].id)
    zone = indexes.zone
    out = []
    for pos in sorted(actions_of, key=lambda p: (float(index.ts[p]), p)):
        a = index.acts[pos]
        moment = a.moment(zone)
        assert moment is not None       # an indexed activity has an instant
        if not past_at(a.when(zone), as_of, zone):
            continue                    # dated by today's day alone: today's to-do, not yet a past date
        out.append(Decision(a.source, a.id, False, "planned_past",
                            f"still planned on {moment.astimezone(zone):%Y-%m-%d}, a past date: update its outcome or "
                            f"status in the CRM for it to count ({', '.join(actions_of[pos])})", a.account_id,
                            a.when(zone)))
    return out


def deal_readers(plan: Plan, zone: ZoneInfo, default_months: int) -> DealReaders:
    """What of ``plan`` reads won deals, for a won deal with no account (``DealReaders``, docs/engine.md, *Bad
    records*, audit hsdealnocompany): each segment (its deal conditions, the plan's period) and axis (segment AND axis
    deal conditions, its ``who``, its objective's period, else the plan's), from the period's first day a year
    earlier to its last day; dormancy: the reference days of the segments (the plan's first day), of the axes (their
    period's first day) and of the actions whose scope reads dormancy (their window's first day), over the longest
    dormancy months of the plan's scopes (``dormant_default_months`` at least); a lost key account of the plan's
    context: the 12 months before its loss (``advisor_context``: its day, else any day up to the plan's last)."""
    weeks = weekly_year(plan.period.quarters)

    def span(period: Window) -> DateRange:
        days = window_days(period, zone)
        return min(baseline_range(days, weeks)[0], days[0]), days[1]

    revenue = [(DealFilter.of(seg.scope.deals_part), span(plan.period)) for seg in plan.segments]
    revenue += [(DealFilter.of(plan.axis_scope(axis).deals_part, axis.who),
                 span(axis.objective.period if axis.objective else plan.period)) for axis in plan.axes]
    references = [plan.period.start.astimezone(zone).date()] if plan.segments else []
    references += [axis_reference(plan, axis, zone) for axis in plan.axes]
    scopes = [seg.scope for seg in plan.segments] + [axis.scope for axis in plan.axes]
    for action in plan.actions:
        scope = plan.action_scope(action)
        if any(is_dormancy(c) for c in scope.conditions):
            references.append(action.window.start.astimezone(zone).date())
        scopes.append(action.scope)
    months = max([default_months, *(dormancy_rule(c, default_months)[1] for scope in scopes
                                    for c in scope.conditions if is_dormancy(c))])
    any_owner = [(months_before(min(references), months), max(references) - timedelta(days=1))] if references else []
    first, last = window_days(plan.period, zone)
    for change in plan.context:
        if change.kind is ContextKind.LOST_KEY_ACCOUNT:
            # the account's won revenue of the 12 months before the day it was lost: the plan's day; else (none, or a
            # CRM field's mark) any day from the plan's first to the evaluation day, its last at most
            if change.on is not None and not change.crm_field:
                any_owner.append((months_before(change.on, 12), change.on - timedelta(days=1)))
            else:
                any_owner.append((months_before(first, 12), last))
    return DealReaders(tuple(revenue), tuple(any_owner))


def _plans_deal_rejections(plan: Plan, ledger: WonLedger, zone: ZoneInfo, settings: EngineSettings,
                           owner_email: Mapping[AccountKey, str]) -> list[Decision]:
    """The ledger's rejected won deals, those with no account only when the plan reads them (``deal_readers``):
    another team's order with no account, one of 2019, is no figure of this plan (audit hsdealnocompany)."""
    if not ledger.unplaced:
        return list(ledger.rejected)
    readers = deal_readers(plan, zone, settings.dormant_default_months)
    return [d for d in ledger.rejected
            if (deal := ledger.unplaced.get((d.source, d.record_id))) is None or d.rule != "no_account"
            or readers.reads(deal, zone, owner_email)]


def _reference_dates(actions: Sequence[Action], zone: ZoneInfo) -> list[date]:
    """Each action's reference date for dormancy (``Matcher.reference_date``: its window's first local day), once
    per distinct window start."""
    days: dict[datetime, date] = {}
    out = []
    for action in actions:
        start = action.window.start
        day = days.get(start)
        if day is None:
            day = days[start] = start.astimezone(zone).date()
        out.append(day)
    return out


def figures_last_day(plan: Plan, as_of: datetime, zone: ZoneInfo) -> date:
    """The last day the plan's figures count: the evaluation date, or the period's last day once the plan is over."""
    return to_date(window_days(plan.period, zone), as_of, zone)[1]


def _evaluate(plan: Plan, indexes: Indexes, counts: Mapping[str, ActionCount], as_of: datetime,
              settings: EngineSettings, explain: bool | Collection[str],
              bases: Mapping[str, tuple[Decision, ...]] | None = None,
              bases_of: Callable[[str], bool] | None = None) -> Evaluation:
    zone = indexes.zone
    # the last day the plan's figures count: the evaluation date, or the period's last day once the plan is over (the
    # nightly sync keeps an ended plan for late entries on its clock, ``schedule.after_end_days``; the report reads it
    # at its end): an axis suspended until 5 January of the next year stays out of an ended 2026 plan (audit janmeet F1)
    today = figures_last_day(plan, as_of, zone)
    ledger, scopes, index = indexes.ledger, indexes.columns, indexes.index
    wanted = _wanted(explain)
    if explain is True or (explain is not False and len(explain) > FEW_KEYS):
        index.few_keys = 0
    action_rows = _action_rows(plan, indexes, counts, as_of, today, wanted)

    axis_members = {axis.id: scopes.member_mask(plan.axis_scope(axis), axis_reference(plan, axis, zone))
                    for axis in plan.axes}
    filters = {axis.id: DealFilter.of(plan.axis_scope(axis).deals_part, axis.who) for axis in plan.axes}
    shares = _split_shares(plan, [axis for axis in plan.axes if _takes_share(axis, today)], axis_members, filters,
                           ledger, as_of, zone, indexes.emails) if settings.attribution == "split" else None
    book = indexes.book
    if book is None:
        book = DealColumnsBook(indexes.records.deal_table, numbers=np.full(indexes.records.deal_table.n, -1),
                               days=indexes.deal_days, zone=zone, currency=plan.currency, fx_rates={})
    counted, visits_to = _positions(plan, counts)
    visit_days = _VisitDays(visits_to.values(), index, zone)
    sales = _ledger_sales(ledger)
    axis_rows = []
    for axis in plan.axes:
        # a visit converts on a deal won in the KPIs' span (the objective's period to date), as every won-deal KPI
        # counts: a 2027 deal does not convert a December visit of the 2026 plan synced in January (audit janmeet F1)
        first, last = _axis_days(plan, axis, as_of, zone)
        visits = _visits(counted[axis.id], visits_to[axis.id], index, scopes, visit_days, settings, (first, last),
                         _kept_won_keys(ledger, filters[axis.id], indexes.emails, last, index.acc[counted[axis.id]],
                                        sales))
        axis_rows.append(_axis_progress(plan, axis, shares, ledger, visits, settings, as_of, zone, today,
                                        filters[axis.id], indexes.emails, scopes, book, wanted(axis.id),
                                        (bases or {}).get(axis.id, ()), (bases_of or wanted)(axis.id)))
    segment_rows = []
    for seg in plan.segments:
        seg_positions, seg_visits = (_union([of[axis.id] for axis in plan.axes if axis.segment_id == seg.id])
                                     for of in (counted, visits_to))
        seg_filter = DealFilter.of(seg.scope.deals_part)
        visits = _visits(seg_positions, seg_visits, index, scopes, visit_days, settings,  # a segment's span: the plan's
                         (window_days(plan.period, zone)[0], today),
                         _kept_won_keys(ledger, seg_filter, indexes.emails, today, index.acc[seg_positions], sales))
        segment_rows.append(_segment_progress(plan, seg.id, scopes, ledger, book, visits, as_of, zone, today,
                                              indexes.emails, seg_filter))
    # segment ROI and the plan's totals: over the live axes, each won deal once (pac_core/totals.py)
    segment_rows, plan_totals = with_totals(plan, segment_rows, axis_rows, axis_members, ledger, as_of=as_of, zone=zone,
                                            filters=filters, owner_email=indexes.emails)

    label, days = current_quarter(today, plan.period)   # the plan's own (a declared 4-4-5 year's: its days)
    load = product_load_columns(indexes.records.deal_table, indexes.deal_days, days, settings.committed_weight, today)
    recommendations = advise(plan, axis_rows, segment_rows, settings=settings, as_of=as_of, load=load,
                             quarter_label=label, today=today,
                             context=advisor_context(plan, indexes.records, scopes, ledger, today, zone),
                             actions=action_rows)
    return Evaluation(plan_id=plan.id, as_of=as_of, actions=tuple(action_rows), axes=tuple(axis_rows),
                      segments=tuple(segment_rows), recommendations=tuple(recommendations),
                      rejected=tuple(index.rejected + _plans_deal_rejections(plan, ledger, zone, settings,
                                                                             indexes.emails)),
                      plan=plan_totals,
                      warnings=(*ledger.warnings, *still_planned(plan, indexes, as_of),
                                *unrated_revenue(plan, indexes), *unplaced_accounts(plan, indexes),
                                *unknown_lost_accounts(plan, indexes.records)),
                      attribution=settings.attribution)


def _action_rows(plan: Plan, indexes: Indexes, counts: Mapping[str, ActionCount], as_of: datetime, today: date,
                 wanted: Callable[[str], bool]) -> list[ActionProgress]:
    """Each action's progress (``wanted``: the actions whose decisions are listed). What depends on its window alone
    (the share elapsed, its last day) is read once per distinct window, and whether its axis was inactive on that
    last day once per axis and day: thousands of actions share a few hundred windows."""
    zone, scopes, matcher = indexes.zone, indexes.columns, indexes.matcher
    until = as_of.timestamp()
    axes_by_id = {axis.id: axis for axis in plan.axes}
    references = _reference_dates(plan.actions, zone)
    inactive_axes = {axis.id: axis_inactive(axis, today) for axis in plan.axes}
    sizes = scopes.sizes([(indexes.action_scopes[action.id], reference)
                          for action, reference in zip(plan.actions, references, strict=True)])
    windows: dict[tuple[datetime, datetime], tuple[float, date]] = {}   # (start, end) -> (share elapsed, last day)
    held: dict[tuple[str, date], bool] = {}                              # (axis, day) -> inactive that day
    rows: list[ActionProgress] = []
    for action, scope_size in zip(plan.actions, sizes, strict=True):
        axis = axes_by_id[action.axis_id]
        found = counts[action.id]
        decisions: tuple[Decision, ...] = ()
        if wanted(action.id):
            decisions = tuple(matcher.match(action, indexes.action_scopes[action.id], until=until).decisions)
        window = action.window
        known = windows.get((window.start, window.end))
        if known is None:
            known = windows[(window.start, window.end)] = (window.elapsed_share(as_of), last_day(window.end, zone))
        share, ended = known
        # an action whose window closed while its axis was suspended (or dropped) stays inactive once the axis is live
        # again: the plan had put it on hold, it is no missed action (audit reviewhand: A-05 of Q2, its axis suspended
        # from 15 May to 30 September, read « Manquée » in the October review)
        inactive = action_cancelled(action, today) or inactive_axes[axis.id]
        if not inactive and ended < today:
            then = held.get((axis.id, ended))
            if then is None:
                then = held[(axis.id, ended)] = axis_inactive(axis, ended)
            inactive = then
        expected = action.target * share
        ceiling = float(scope_size) if action.counting is Counting.DISTINCT_ACCOUNTS else None
        rows.append(ActionProgress(
            action_id=action.id, done=found.done, target=action.target,
            progress=found.done / action.target, expected_by_now=expected,
            pace=kpis.pace(found.done, action.target, expected, window, as_of, inactive=inactive),
            forecast=kpis.forecast(found.done, action.target, share, ceiling),
            coverage=kpis.ratio(len(found.touched), scope_size),
            decisions=decisions, scope_accounts=int(scope_size) if ceiling is not None else None))
    return rows


def axis_reference(plan: Plan, axis: Axis, zone: ZoneInfo) -> date:
    """Dormancy of an axis's accounts is judged on the first day of its objective's period."""
    period = axis.objective.period if axis.objective else plan.period
    return period.start.astimezone(zone).date()


@dataclass(frozen=True)
class _Shares:
    """``attribution: split``: per ledger position, how many live axes count the deal in their revenue (its account
    in their scope, its day in their objective period to date, kept by their deal conditions), and how many in their
    baseline (the same on their days a year earlier; an axis with a fixed baseline among them, its figure standing for
    its scope's deals: a measured axis's baseline is divided as its revenue is, whatever the other axes write)."""

    revenue: np.ndarray
    baseline: np.ndarray


def _axis_days(plan: Plan, axis: Axis, as_of: datetime, zone: ZoneInfo) -> tuple[date, date]:
    """The axis's objective period (else the plan's) as local days, up to the evaluation date."""
    period = axis.objective.period if axis.objective else plan.period
    return to_date(window_days(period, zone), as_of, zone)


def baseline_days(plan: Plan, axis: Axis, as_of: datetime, zone: ZoneInfo) -> tuple[date, date]:
    """The days of a measured baseline: the axis's days to date (``_axis_days``) a year earlier
    (``revenue.baseline_range``, 52 weeks earlier in a year cut in weeks); empty (first > last) before its period."""
    return baseline_range(_axis_days(plan, axis, as_of, zone), weekly_year(plan.period.quarters))


def _takes_share(axis: Axis, today: date) -> bool:
    """``attribution: split``: the axes dividing the deals they count are the live ones with an objective. A suspended
    or dropped axis takes no share from them, nor does one without an objective (no objective period, no progress
    to count a deal towards: an axis pac plan import made, its objective not written yet); such an axis's own figures
    divide by those axes plus itself."""
    return axis.objective is not None and not axis_inactive(axis, today)


def _fixed_baseline(axis: Axis) -> bool:
    return axis.objective is not None and axis.objective.baseline is not None


def _counted(ledger: WonLedger, days: tuple[date, date], members: np.ndarray, flt: DealFilter,
             owner_email: Mapping[tuple[str, str], str]) -> np.ndarray:
    """Per ledger position: the deal counts for a scope (``members``, with its deal conditions ``flt``) over ``days``
    (the same selection as ``_scope_revenue``)."""
    out = np.zeros(len(ledger.amounts), dtype=bool)
    if flt.is_everything:
        lo, hi, keep = ledger.select(days, members)
        out[lo:hi] = keep
    else:
        kept, _ = measure_revenue(ledger, days, as_set(members), flt, owner_email)
        out[np.fromiter(kept, dtype=np.int64, count=len(kept))] = True
    return out


def _split_shares(plan: Plan, live: Sequence[Axis], members: Mapping[str, np.ndarray],
                  filters: Mapping[str, DealFilter], ledger: WonLedger, as_of: datetime, zone: ZoneInfo,
                  owner_email: Mapping[tuple[str, str], str]) -> _Shares:
    """How many of the ``live`` axes count each deal, in their revenue and on their days a year earlier. An axis with
    a fixed baseline is counted there too: its figure stands for the deals its scope held a year earlier, so another
    axis sharing them takes its share of them as it takes its share of this year's (audit reporthand2: a product axis
    beside a fixed-baseline customer axis set half of this year's shared lines against all of last year's)."""
    revenue = np.zeros(len(ledger.amounts), dtype=np.int64)
    baseline = np.zeros(len(ledger.amounts), dtype=np.int64)
    for axis in live:
        days = _axis_days(plan, axis, as_of, zone)
        revenue += _counted(ledger, days, members[axis.id], filters[axis.id], owner_email)
        baseline += _counted(ledger, baseline_range(days, weekly_year(plan.period.quarters)), members[axis.id],
                             filters[axis.id], owner_email)
    return _Shares(revenue, baseline)


def _scope_revenue(ledger: WonLedger, days: tuple[date, date], members: np.ndarray, member_set: frozenset[int],
                   shares: np.ndarray | None, flt: DealFilter = _ANY_DEAL,
                   owner_email: Mapping[tuple[str, str], str] | None = None, own: int = 0) -> Decimal:
    """The scope's revenue over ``days``; with split attribution (``shares``: per ledger position, how many live axes
    count the deal) each deal's counted amount divided by that number plus ``own`` (1 for an axis that is not live,
    so not among them): the deals of one divisor summed exactly, then divided, divisors in ascending order."""
    if not flt.is_everything:   # deal owners or products: per deal (and per line)
        kept, _ = measure_revenue(ledger, days, member_set, flt, owner_email or {})
        if shares is None:
            return sum((amount for amount, _ in kept.values()), ZERO)
        amounts = [amount for amount, _ in kept.values()]
        divisors = shares[np.fromiter(kept, dtype=np.int64, count=len(kept))] + own
        return sum((sum(compress(amounts, divisors == d), ZERO) / d for d in np.unique(divisors).tolist()), ZERO)
    # the deals' sum read at their positions (an index), the figure ``ledger.total`` gives: its masked sum and min read
    # every position of the range, several times slower
    lo, _, keep = ledger.select(days, members)
    positions = lo + np.flatnonzero(keep)
    if shares is None:
        return ledger.sum_at(positions)
    divisors = shares[positions] + own
    return sum((ledger.sum_at(positions[divisors == d]) / d for d in np.unique(divisors).tolist()), ZERO)


@dataclass(frozen=True)
class _Listing:
    """What ``WonLedger.counted_deals`` reads besides a figure's own arguments, for an axis asked to ``pac explain``:
    the most deals of each kind listed, the scope's deleted accounts, those outside it on its first day."""

    limit: int
    deleted: np.ndarray | None
    state_out: Mapping[int, str] | None


def _listing(scopes: AccountColumns, plan: Plan, axis: Axis, zone: ZoneInfo,
             owner_email: Mapping[tuple[str, str], str] | None, settings: EngineSettings) -> _Listing:
    scope, reference = plan.axis_scope(axis), axis_reference(plan, axis, zone)
    return _Listing(settings.deal_decision_limit, scopes.deleted_mask(scope, reference),
                    _state_out(scopes, scope, reference, owner_email))


def _scope_deals(ledger: WonLedger, days: tuple[date, date], members: np.ndarray, member_set: frozenset[int],
                 shares: np.ndarray | None, flt: DealFilter, owner_email: Mapping[tuple[str, str], str] | None,
                 own: int, listing: _Listing | None) -> tuple[Decimal, tuple[Decision, ...]]:
    """A scope's revenue over ``days`` (``_scope_revenue``) and, for an axis asked to ``pac explain`` (``listing``),
    the deals behind it (``WonLedger.counted_deals``) from the same arguments: the one place an axis's revenue, its
    baseline and a percentage objective's base are measured with the deals ``pac explain`` lists for them, so the
    rows cannot be of other days, accounts, deal conditions or divisors than the figure (audit hshand9: the
    baseline's deals were listed nowhere)."""
    figure = _scope_revenue(ledger, days, members, member_set, shares, flt, owner_email, own)
    if listing is None:
        return figure, ()
    return figure, tuple(ledger.counted_deals(days, members if flt.is_everything else member_set, listing.limit, flt,
                                              owner_email, shares, own, listing.deleted, listing.state_out))


def _axis_progress(plan: Plan, axis: Axis, shares: _Shares | None, ledger: WonLedger, visits: _Visits,
                   settings: EngineSettings, as_of: datetime, zone: ZoneInfo, today: date, flt: DealFilter,
                   owner_email: Mapping[tuple[str, str], str] | None, scopes: AccountColumns,
                   book: DealColumnsBook, explained: bool, base_decisions: tuple[Decision, ...] = (),
                   baseline_listed: bool = True) -> AxisProgress:
    objective = axis.objective
    period = objective.period if objective else plan.period
    days = _axis_days(plan, axis, as_of, zone)
    share = period.elapsed_share(as_of)
    scope, reference = plan.axis_scope(axis), axis_reference(plan, axis, zone)
    members = scopes.member_mask(scope, reference)
    # the account numbers as a set only where deals are read one by one (deal conditions)
    member_set = scopes.members(scope, reference) if not flt.is_everything else frozenset()
    inactive = axis_inactive(axis, today)
    own = int(not _takes_share(axis, today))   # split: not among the axes dividing its deals, so a share on top
    listing = _listing(scopes, plan, axis, zone, owner_email, settings) if explained else None
    revenue, decisions = _scope_deals(ledger, days, members, member_set, None if shares is None else shares.revenue,
                                      flt, owner_email, own, listing)
    baseline_decisions: tuple[Decision, ...] = ()
    if objective is not None and objective.baseline is not None:   # pro-rated day for day, as the revenue
        baseline = prorated(objective.baseline, window_days(period, zone), as_of, zone)
    else:
        baseline, baseline_decisions = _scope_deals(
            ledger, baseline_days(plan, axis, as_of, zone), members, member_set,
            None if shares is None else shares.baseline, flt, owner_email, own, listing if baseline_listed else None)
    additional = revenue - baseline
    target = objective.additional_revenue if objective else None
    progress = kpis.ratio(additional, target)
    cost = objective.cost if objective else None
    # the cost to date, pro-rated day for day over the objective's period as a fixed baseline is: the ROI compares
    # the margin to date with what was spent to date (audit E F1), so it is the period's ROI at the current pace
    cost_to_date = None if cost is None else prorated(cost, window_days(period, zone), as_of, zone)
    margin = objective.margin_rate if objective else Decimal(0)
    if progress is None:
        # no objective, no revenue pace to judge: only inactive / not started / on track
        axis_pace = Pace.INACTIVE if inactive else Pace.NOT_STARTED if as_of <= period.start else Pace.ON_TRACK
    else:
        axis_pace = kpis.pace(progress, 1.0, share, period, as_of, inactive=inactive)
    done = len(visits.positions)
    begun = days[0] <= days[1]      # no rate over a period not begun (audit year-end F3), as its KPIs
    return AxisProgress(
        axis_id=axis.id, revenue=revenue, baseline=baseline, additional=additional, objective=target,
        growth_rate=objective.growth_rate if objective else None,
        growth_base=objective.growth_base if objective else None,
        growth_base_through=objective.growth_base_through if objective else None,
        progress=progress, expected_by_now=share if target is not None else None, pace=axis_pace,
        cost=cost, cost_to_date=cost_to_date, roi=kpis.roi(additional, margin, cost_to_date, share=share),
        time_to_roi_months=kpis.time_to_roi_months(additional, margin, cost, kpis.months_elapsed(period, as_of),
                                                   share=share),
        activities_done=done,
        coverage=kpis.ratio(int(np.count_nonzero(members[visits.visited])), int(np.count_nonzero(members)))
        if begun else None,
        # nor a conversion or a revenue per visit (audit oracle-vocab: an axis of the third quarter prepared by June
        # visits read « Conversion 0 % » and « CA par visite 0 € » in the axes table beside « Couverture – »)
        conversion=kpis.ratio(visits.converted, len(visits.visited)) if begun else None,
        revenue_per_visit=(revenue / done) if done and begun else None,
        # the counted and left-out deals ``pac explain AXIS`` lists: only for the axes asked, as actions' decisions;
        # so are those of its baseline and of a percentage objective's base (``_scope_deals``, with their figures)
        decisions=decisions, baseline_decisions=baseline_decisions, base_decisions=base_decisions,
        kpis=_scope_kpis(scope, members, member_set, reference, days, scopes, ledger, book, visits, revenue, flt,
                         owner_email))


def _state_out(scopes: AccountColumns, scope: Scope, reference: date,
               owner_email: Mapping[tuple[str, str], str] | None) -> dict[int, str] | None:
    """The accounts in an axis's scope with their owner or type now, not on its period's first day
    (``AccountColumns.state_mask``), each with why, as an action's near miss words it (``matching.state_note``):
    « account owner marc@… on 2027-04-01, the period's first day (owner julie@… since 2027-06-03) » (audit sfhand4);
    None when there is none."""
    mask = scopes.state_mask(scope, reference)
    if mask is None:
        return None
    fields = state_fields(scope, scopes.default_months) - {"dormant"}
    return {number: state_note(scopes, number, reference, fields, str(scopes.table.source.at(number)),
                               owner_email or {}, "period") or f"outside the scope on {reference:%Y-%m-%d}"
            for number in np.flatnonzero(mask).tolist()}


_DORMANT = Scope((Condition("dormant", "is", (True,), "dormant"),))


@dataclass(frozen=True)
class _Visits:
    """The counted activities of some actions (each once) and what the KPIs read of them."""

    positions: np.ndarray       # index positions, ascending
    visited: np.ndarray         # their distinct account numbers
    converted: int              # visited accounts won within ``attribution_days`` on or after a visit


def _positions(plan: Plan, matches: Mapping[str, ActionCount]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Per axis, the index positions (ascending) of the activities counted by its actions, each once: the ✔ lines of
    ``pac explain``, a repeat visit an action counting distinct accounts leaves out (« compte déjà compté ») is not one
    (audit meeting F4: the axis's « Activités » read 7 where its actions counted 6); and of every activity they
    matched, the repeat visits too: each is a visit to its account, so each opens the conversion window
    (``visit_to_win``): a dormant customer visited on 10 January and again on 1 June converts on its order of 1
    August, 61 days after the second visit (decided 7 Dec 2026, audit kpioracle: only the first visit did). The
    actions are read in one pass, those that matched nothing skipped."""
    number = {axis.id: k for k, axis in enumerate(plan.axes)}
    axes: list[int] = []
    counted: list[Collection[int]] = []
    matched: list[Collection[int]] = []
    for action in plan.actions:
        found = matches[action.id]
        if len(found.matched) or len(found.counted):
            axes.append(number[action.axis_id])
            counted.append(found.counted)
            matched.append(found.matched)
    return _by_axis(plan, axes, counted), _by_axis(plan, axes, matched)


_POSITION_BITS = 40     # an index position below 2**40 (a trillion activities), its axis's number above


def _by_axis(plan: Plan, axes: Sequence[int], parts: Sequence[Collection[int]]) -> dict[str, np.ndarray]:
    """Per axis of the plan, the distinct positions (ascending) of the ``parts`` of its number (``axes``): each
    position keyed by its axis's number in the high bits, all sorted at once and made distinct, then cut per axis."""
    lengths = [len(part) for part in parts]
    keys = _distinct((np.repeat(np.array(axes, dtype=np.int64), lengths) << _POSITION_BITS)
                     | np.fromiter(chain.from_iterable(parts), dtype=np.int64, count=sum(lengths)))
    bounds = np.searchsorted(keys >> _POSITION_BITS, np.arange(len(plan.axes) + 1)).tolist()
    positions = keys & ((1 << _POSITION_BITS) - 1)
    return {axis.id: positions[bounds[k]:bounds[k + 1]] for k, axis in enumerate(plan.axes)}


def _union(parts: Sequence[np.ndarray]) -> np.ndarray:
    """The sorted distinct positions of ``parts``."""
    return _distinct(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)


def _distinct(values: np.ndarray) -> np.ndarray:
    """``np.unique`` of integers (sorted, each once): when they are non-negative and their range not much longer
    than they are, the positions of a presence mask over ``0..max`` (no sort); else by one sort (NumPy 2's
    ``np.unique`` hashes the values before sorting what is left, several times slower on the thousands of positions or
    accounts an axis reads)."""
    top = int(values.max()) + 1 if len(values) else 0
    if not top or top > 32 * len(values) + 4096 or values.min() < 0:
        ordered = np.sort(values)
        if len(ordered) > 1:
            ordered = ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]
        return ordered
    present = np.zeros(top, dtype=bool)
    present[values] = True
    return np.flatnonzero(present).astype(values.dtype, copy=False)


class _VisitDays:
    """The local day of every matched activity (any action's: the counted ones and the repeat visits), computed once:
    axes and segments read theirs."""

    def __init__(self, counted: Iterable[np.ndarray], index: ActivityIndex, zone: ZoneInfo) -> None:
        self.positions = _union(list(counted))
        self.days = local_ordinals(np.rint(index.ts[self.positions] * 1_000_000).astype(np.int64), zone)

    def of(self, positions: np.ndarray) -> np.ndarray:
        """The local days (ordinals) of these matched activities."""
        found: np.ndarray = self.days[np.searchsorted(self.positions, positions)]
        return found


def _visits(positions: np.ndarray, matched: np.ndarray, index: ActivityIndex, columns: AccountColumns,
            days: _VisitDays, settings: EngineSettings, span: tuple[date, date],
            won_keys: np.ndarray | None = None) -> _Visits:
    """The counted activities at ``positions``: the visited accounts, and how many of them were won within
    ``attribution_days`` on or after one of their visits (``matched``: the counted activities and the repeat visits,
    ``_positions``) and inside ``span``, the KPIs' days (from the objective's or the plan's
    first day, as every won-deal KPI counts: a deal of June converts no visit for an axis of the third quarter; to the
    evaluation date, or the period's last day once it is over; visit days local to the plan's timezone);
    ``won_keys``: only those won deals (a scope's deal conditions, ``_kept_won_keys``)."""
    accounts = index.acc[positions]
    return _Visits(positions, _distinct(accounts[accounts >= 0]),
                   columns.won_within(index.acc[matched], days.of(matched), settings.attribution_days, span[1],
                                      won_keys, since=span[0]))


def _ledger_sales(ledger: WonLedger) -> np.ndarray:
    """The won keys of the ledger's won deals that are no credit: the orders a visit converts on. Not the accounts'
    won close dates dormancy reads, which hold the won deals the ledger rejects too (an order in a currency with no
    rate): such an order is no won deal of any KPI until its rate is added, so it converts no visit either (audit
    oracle-vocab: it read « Conversion visite-commande : 100 % (1 / 1) » beside « Affaires gagnées : 0 »)."""
    assert ledger.account_array is not None and ledger.day_ordinals is not None
    sale = ~ledger.credit
    return AccountColumns.won_key_array(ledger.account_array[sale], ledger.day_ordinals[sale])


def _kept_won_keys(ledger: WonLedger, flt: DealFilter, owner_email: Mapping[tuple[str, str], str],
                   today: date, visited: np.ndarray, sales: np.ndarray) -> np.ndarray:
    """The won keys of the deals of the ``visited`` accounts that a scope's deal conditions keep (a product axis
    converts on its products' sales, not on any sale, as its other won-deal KPIs); ``sales`` (``_ledger_sales``)
    when it has none (every won deal of the ledger counts)."""
    if flt.is_everything or not ledger.days:
        return sales
    accounts = frozenset(_distinct(visited[visited >= 0]).tolist())
    kept, _ = measure_revenue(ledger, (ledger.days[0], today), accounts, flt, owner_email)   # sorted by close day
    won = [pos for pos in kept if not ledger.credit[pos]]                                    # a credit is no win
    return AccountColumns.won_key([ledger.accounts[pos] for pos in won], [ledger.days[pos] for pos in won])


def _won_accounts(ledger: WonLedger, scopes: AccountColumns, days: tuple[date, date]) -> np.ndarray:
    """Per account number: a won deal of the ledger closed in the range, not a credit (once per range)."""
    def compute() -> np.ndarray:
        assert ledger.account_array is not None
        lo, hi = ledger.span(days)
        won = np.zeros(scopes.n, dtype=bool)
        won[ledger.account_array[lo:hi][~ledger.credit[lo:hi]]] = True
        return won
    return scopes.cached(("won_accounts", days), compute)


def _scope_kpis(scope: Scope, members: np.ndarray, member_set: frozenset[int], reference: date,
                days: tuple[date, date], scopes: AccountColumns, ledger: WonLedger, book: DealColumnsBook,
                visits: _Visits, revenue: Decimal, flt: DealFilter = _ANY_DEAL,
                owner_email: Mapping[tuple[str, str], str] | None = None) -> tuple[KpiValue, ...]:
    """Every KPI of the vocabulary on one scope over one span (to date); see pac_core/kpi_vocabulary.py. Counted on
    arrays: the scope is a boolean array per account number, the span's won deals a slice of the ledger.

    An axis or a segment limited to some deal owners or products (``flt``) counts only those won deals, and only
    their matching lines' amounts, in its won-deal KPIs (won deals, average won deal, reactivation, new accounts), as
    in its revenue; and only the lost and created deals ``flt`` keeps (``DealColumnsBook``): ``win_rate`` compares
    one population of deals, ``pipeline_created`` adds the matching lines' amounts.
    """
    # a scope of dormant accounts is its own dormant population; any other (``dormant: false`` too) is narrowed to
    # its dormant accounts: the scope's members AND the dormant accounts, both at ``reference`` (a scope is a
    # conjunction, each account judged alone: ``member_mask(scope & _DORMANT)``, without a mask per scope to compute)
    wants_dormant = any(is_dormancy(c) and dormancy_rule(c, 12)[0] for c in scope.conditions)
    dormant = members if wants_dormant else members & scopes.member_mask(_DORMANT, reference)
    # a credit (a won deal worth less than 0) is subtracted from the won revenue but is no deal won: out of the
    # won-deal counts, the average (numerator and denominator, audit reverify N3), reactivation and new accounts
    # (audit revenue F1, F1b)
    if flt.is_everything:
        won_accounts = _won_accounts(ledger, scopes, days)
        lo, hi, keep = ledger.select(days, members)
        won = int(np.count_nonzero(keep & ~ledger.credit[lo:hi]))
        positions = lo + np.flatnonzero(keep)
        no_amount = ledger.without_amount(positions)
        won_revenue = ledger.sum_at(positions)     # ``ledger.total(days, members)``, read at the positions
        credits = sum((ledger.amounts[lo + k] for k in np.flatnonzero(keep & ledger.credit[lo:hi]).tolist()), ZERO)
    else:
        kept, _ = measure_revenue(ledger, days, member_set, flt, owner_email or {})
        sales = [pos for pos in kept if not ledger.credit[pos]]
        won = len(sales)
        # a credit whose counted lines have no price is no deal won, so no deal "with no amount" either (the
        # revenue oracle: a lone such credit read 0 / -1 deals)
        no_amount = ledger.unknown_among({pos: v for pos, v in kept.items() if not ledger.credit[pos]})
        won_revenue = sum((amount for amount, _ in kept.values()), ZERO)
        credits = sum((amount for pos, (amount, _) in kept.items() if ledger.credit[pos]), ZERO)
        won_accounts = np.zeros(scopes.n, dtype=bool)
        won_accounts[[ledger.accounts[pos] for pos in sales]] = True
    return measure(ScopeFacts(
        accounts=int(np.count_nonzero(members)), dormant=int(np.count_nonzero(dormant)),
        reactivated=int(np.count_nonzero(dormant & won_accounts)), won=won, won_no_amount=no_amount,
        won_revenue=won_revenue, credits=credits,
        lost=book.lost_count(days, members, flt, owner_email),
        created=book.created_total(days, members, flt, owner_email),
        new_accounts=int(np.count_nonzero(members & won_accounts & scopes.first_won_mask(days) & ~dormant)),
        visited=len(visits.visited), visited_in_scope=int(np.count_nonzero(members[visits.visited])),
        converted=visits.converted, activities=len(visits.positions), revenue=revenue, begun=days[0] <= days[1]))


def _segment_progress(plan: Plan, segment_id: str, scopes: AccountColumns, ledger: WonLedger,
                      book: DealColumnsBook, visits: _Visits, as_of: datetime, zone: ZoneInfo, today: date,
                      owner_email: Mapping[tuple[str, str], str], flt: DealFilter) -> SegmentProgress:
    """Segment totals and KPIs over the segment's scope and the plan's period to date: each deal once, whatever
    the axes. The scope's deal conditions (``deal_owner``, ``product``...) apply as they do to an axis: a deal
    counts when it passes them, for the amounts of its matching lines; the KPIs read the visits of all its axes'
    actions (``flt``: the scope's deal conditions, ``DealFilter.of(segment.scope.deals_part)``). The objective is its
    **live** axes' (``axis_inactive`` on ``today``: a dropped axis, or one suspended
    until a day not yet past, is left out), as the plan's objective and the segment's ROI (pac_core/totals.py)."""
    segment = plan.segment(segment_id)
    reference = plan.period.start.astimezone(zone).date()
    members = scopes.member_mask(segment.scope, reference)
    # the account numbers as a set only where deals are read one by one (deal conditions)
    member_set = scopes.members(segment.scope, reference) if not flt.is_everything else frozenset()
    whole = window_days(plan.period, zone)
    days = to_date(whole, as_of, zone)
    revenue = _scope_revenue(ledger, days, members, member_set, None, flt, owner_email)
    weeks = weekly_year(plan.period.quarters)   # a 4-4-5 year: last year's same weeks
    baseline = _scope_revenue(ledger, baseline_range(days, weeks), members, member_set, None, flt, owner_email)
    # the year's target's base: the plan's whole period a year earlier, cut at the evaluation date while that year is
    # not over, as a percentage objective's base is (never a won deal dated after tonight: audit m2year)
    period_baseline = _scope_revenue(ledger, base_to_date(plan.period, as_of, zone, weeks)[0], members, member_set,
                                     None, flt, owner_email)
    axes = [a for a in plan.axes
            if a.segment_id == segment_id and a.objective is not None and not axis_inactive(a, today)]
    objective = sum((a.objective.additional_revenue for a in axes if a.objective), ZERO) if axes else None
    trend = float(revenue / baseline - 1) if baseline > 0 else None
    return SegmentProgress(segment_id=segment_id, revenue=revenue, baseline=baseline, additional=revenue - baseline,
                           objective=objective, roi=None, trend=trend, period_baseline=period_baseline,  # roi: totals
                           kpis=_scope_kpis(segment.scope, members, member_set, reference, days, scopes, ledger, book,
                                            visits, revenue, flt, owner_email))


def advisor_context(plan: Plan, records: Records | RecordColumns, scopes: AccountColumns, ledger: WonLedger,
                    today: date, zone: ZoneInfo) -> AdvisorContext:
    """The plan's declared context changes resolved against the records, plus what the CRM itself shows:
    reps whose every CRM user is inactive (they left): every user of every e-mail of theirs (``people[].aliases``),
    accounts marked lost by a mapped field (``crm_field``)."""
    leaving: list[RepLeaving] = []
    declared = set()
    aliases = plan.aliases()
    for change in plan.context:
        if change.kind is ContextKind.REP_LEAVING and change.who:
            who = aliases.get(change.who.lower(), change.who.lower())
            leaving.append(RepLeaving(who, change.on, "plan", change.note))
            declared.add(who)
    identity = {u.email: aliases.get(u.email.strip().lower(), u.email.strip().lower())
                for u in records.users if u.email and u.email.strip()}
    active = {identity[u.email] for u in records.users if u.email in identity and u.active}
    gone = sorted({identity[u.email] for u in records.users if u.email in identity and not u.active}
                  - active - declared)
    leaving += [RepLeaving(email, None, "crm") for email in gone]

    reference = plan.period.start.astimezone(zone).date()
    lost: list[LostAccount] = []
    for change in plan.context:
        if change.kind is not ContextKind.LOST_KEY_ACCOUNT:
            continue
        found: list[tuple[int, date | None, str]] = []
        if change.account:
            wanted = fold_value(change.account)
            found = [(n, change.on, "plan") for n, a in enumerate(records.accounts)
                     if not a.deleted and (a.id == change.account or fold_value(a.name) == wanted)]
        if change.crm_field:
            name = change.crm_field.removeprefix("custom.")
            for n, a in enumerate(records.accounts):
                on, marked = _lost_mark(a.custom.get(name), zone)
                if marked and not a.deleted:
                    found.append((n, on or change.on, "crm"))
        if not found and change.account:
            lost.append(LostAccount(change.account, "", "", change.on,
                                    (change.segment_id,) if change.segment_id else (), ZERO, "plan", change.note))
        for n, on, how in found:
            account = records.accounts[n]
            segs = (change.segment_id,) if change.segment_id else \
                tuple(seg.id for seg in plan.segments if scopes.member_mask(seg.scope, reference)[n])
            end = (on or today) - timedelta(days=1)
            sums, _ = ledger.by_account((months_before(end + timedelta(days=1), 12), end))
            lost.append(LostAccount(account.name, account.id, account.source, on, segs, sums.get(n, ZERO), how,
                                    change.note))
    def accounts_in(axis: Axis, segment: Segment) -> int:
        """The live accounts of ``segment`` the axis's own conditions hold at its reference date (roll-out targets:
        computed for the candidates only, on the cached scope masks)."""
        return int(np.count_nonzero(scopes.member_mask(segment.scope & axis.scope, axis_reference(plan, axis, zone))))

    return AdvisorContext(tuple(lost), tuple(leaving), accounts_in)


def _lost_mark(value: object, zone: ZoneInfo) -> tuple[date | None, bool]:
    """A CRM field marking a lost account: a checkbox (true) or the day it was lost: an ISO date as it is, an instant
    (a Salesforce DateTime, « 2027-03-14T23:30:00.000+0000 ») on its day in the plan's timezone (``zone``), as every
    day the engine derives from a CRM instant (docs/engine.md, *Dates*; it read the UTC day before 6 Dec 2026)."""
    if value is None or value is False or value == "":
        return None, False
    if value is True:
        return None, True
    if isinstance(value, datetime):
        return (value.astimezone(zone) if value.tzinfo is not None else value).date(), True
    if isinstance(value, date):
        return value, True
    text = str(value).strip()
    if fold_value(text) in ("true", "yes", "oui", "1"):
        return None, True
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        instant = None
    if instant is not None and instant.tzinfo is not None:
        return instant.astimezone(zone).date(), True
    try:
        return date.fromisoformat(text[:10]), True
    except ValueError:
        return None, False
