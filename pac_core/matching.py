"""Matching activities to actions, exact to the visit, with every decision explained.

An activity counts for an action when all of these hold:

* owner: the activity's owner e-mail (owner id -> ``User.email`` of the same source, lower-cased)
  is the action's ``who``: the same person in two CRMs is one owner; or it is a former owner the action was handed
  over from (``Action.handed_over``) and the activity's instant is before the first instant of the hand-over day
  (``holders``); a former owner's activity from that instant on is a near miss ``handed_over``;
* type: the activity's type is the action's activity type;
* window: its start instant is in the action's window [start, end); an all-day activity (``day``,
  no ``start``) counts when 00:00 of that calendar day in the plan's timezone is in the window (the
  day is never shifted);
* scope: its account exists, is not deleted, and is in segment AND axis AND action scope, dormancy
  judged on the first day of the action's window;
* status: completed (planned, cancelled and no-show do not count); deleted activities never count;
* happened: it starts before the evaluation instant; a whole-day entry (``Activity.whole_day``: an all-day
  calendar event with no status of its own) once its day is over, at the next local midnight (at the 02:00
  night, today's all-day visit is still to come; ``pac explain`` lists it as not over yet);
* distinct accounts: with ``Counting.DISTINCT_ACCOUNTS`` an account counts once, the earliest
  activity (by start, then source and id) is the counted one.

A near miss fails one of these rules, or several for an owner's activity of the action's type (listed under the
first of ``CAUSES``, the others named); near misses are recorded, up to a limit per action.
Records that cannot be matched at all (no owner e-mail, no start, naive start, no or unknown account,
unknown type) are rejected with a reason: never counted, never a crash.

Speed: activities are read once with C-level column extraction; the countable ones are grouped per
(owner e-mail, type) into arrays sorted by start instant. Counting an action (``Matcher.count``) is two
bisections and a C-level filter of the slice by the scope, with no per-record object; explaining one
(``Matcher.match``) walks its owner's activities around the window and other reps' activities of its type
on the scope's partitions. There is no loop over records x actions.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from itertools import compress
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from pac_core.columnar import NO_DAY, NO_TIME, AccountColumns, ActivityTable, Rows, stable_argsort
from pac_core.decision_words import ALSO  # "; also: " before the other rules a near miss fails (first_cause)
from pac_core.plan import ACTIVITY_WORDS, Action, ActivityType, Counting, Plan
from pac_core.records import Account, Activity, ActivityStatus, User, past_at
from pac_core.results import Amount, Decision
from pac_core.scope_eval import (
    DETAIL,
    NOT_READ_OWNER,
    AccountKey,
    Values,
    compile_scope,
    dormancy_rule,
    dormancy_values,
    failure_values,
    failure_words,
    is_dormancy,
)
from pac_core.scopes import Condition, Scope
from pac_core.window import Window

STATUS_RULES = {ActivityStatus.CANCELLED: "cancelled", ActivityStatus.NO_SHOW: "no_show",
                ActivityStatus.PLANNED: "planned"}
# a call's no_show is a call nobody answered (HubSpot's No answer, Busy; a Salesforce call task so marked): a call has
# no attendee to be absent, so ``pac explain`` does not call it a no-show (audit matching F6)
NOT_ANSWERED = "not_answered"
# a call cancelled (HubSpot's Wrong number disposition, a call status CANCELED) reached nobody either: it is no
# « annulée » appointment, it is a call not completed
NOT_COMPLETED = "call_not_completed"
CALL_RULES = {"no_show": NOT_ANSWERED, "cancelled": NOT_COMPLETED}
# a near miss that fails several rules is listed once, under the first of these it fails: the cause no fix of the
# activity lifts first (the activity deleted, its account, its date, its owner after a hand-over), its status last;
# the others are named after its detail ("; also: cancelled"). An activity of another type (or of none) that fails
# another rule too is not the action's activity: it is not listed (a week's calls and to-dos would drown the answer)
CAUSES = ("deleted", "no_account", "outside_scope", "outside_window", "handed_over", "cancelled", "no_show",
          NOT_ANSWERED, NOT_COMPLETED, "planned", "not_over")
# a record dated by the earlier of two dates (``Activity.moment``): the other named after an outside_window detail
OTHER_DATE = {"completed": "due", "due": "completed"}
# an owner id that is no user pac reads, in a state note, beside its id (pac_core.explain words it in French), is
# ``scope_eval.NOT_READ_OWNER``; a scope failure's amounts and values (``scope_eval.failure_values``)
Failure = tuple[tuple[Amount, ...], Values]


def first_cause(failed: Sequence[str]) -> str | None:
    """The rule a near miss is listed under: "" when none fails (it counts), the one that fails, the first of
    ``CAUSES`` among several; None when it is not listed (another type, or none, and another rule)."""
    if not failed:
        return ""
    if len(failed) == 1:
        return failed[0]
    if "wrong_type" in failed or "unknown_type" in failed:
        return None
    return min(failed, key=CAUSES.index)


FEW_KEYS = 8                    # owners looked up one by one (a column scan each) before grouping them all
NEAR_SPAN = timedelta(days=1)   # how far outside a window an activity is still reported as a near miss


class OwnerEmails(dict[AccountKey, str]):
    """(source, user id) -> the owner's identity: the user's lower-case e-mail, or the plan e-mail of the person it
    is an alias of (``people[].aliases``). ``resolve`` gives the identity of an e-mail written as an owner id."""

    def __init__(self, pairs: Iterable[tuple[AccountKey, str]], aliases: Mapping[str, str]) -> None:
        super().__init__(pairs)
        self.aliases = dict(aliases)

    def resolve(self, email: str) -> str:
        email = email.strip().lower()
        return self.aliases.get(email, email)


def owner_emails(users: Sequence[User], aliases: Mapping[str, str] | None = None) -> OwnerEmails:
    """(source, user id) -> lower-case e-mail, an alias resolved to its person's plan e-mail (``aliases``:
    ``Plan.aliases()``), so that every consumer (matching, revenue, scopes, routing) sees one identity per person;
    users with no e-mail are left out (never matched)."""
    known = aliases or {}
    return OwnerEmails((((u.source, u.id), known.get(e, e)) for u in users if u.email
                        for e in (u.email.strip().lower(),) if e), known)


def resolve_owner(emails: Mapping[AccountKey, str], email: str) -> str:
    """The identity of an owner given as an e-mail (an owner id that is one): its person's plan e-mail when it is
    an alias in ``emails`` (an ``OwnerEmails``), else the lower-case e-mail."""
    resolve = getattr(emails, "resolve", None)
    return resolve(email) if resolve is not None else email.strip().lower()


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


@dataclass(frozen=True)
class Holder:
    """One owner whose activities count for an action: its ``who`` (``cut`` None), or a former owner it was handed
    over from (``Action.handed_over``), whose activities count before ``cut`` (POSIX seconds: the first instant of
    ``on``, the new owner's first day, in the plan's time zone)."""

    email: str
    cut: float | None = None
    on: date | None = None


def holders(action: Action, emails: Mapping[AccountKey, str], zone: ZoneInfo) -> tuple[Holder, ...]:
    """The owners whose activities count for ``action`` (rule 1, docs/engine.md): its ``who`` at any instant, and
    each former owner of its ``handed_over`` before the first instant of the hand-over day (the latest one when the
    same person is named twice; never the ``who`` itself). Identities as owners resolve (an alias is its person's
    plan e-mail: ``resolve_owner``)."""
    who = action.who.strip().lower()
    if not action.handed_over:
        return (Holder(who),)
    latest: dict[str, date] = {}
    for hand in action.handed_over:
        former = resolve_owner(emails, hand.from_)
        if former != who and (former not in latest or latest[former] < hand.on):
            latest[former] = hand.on
    return (Holder(who), *(Holder(email, local_midnight(on, zone).timestamp(), on) for email, on in latest.items()))


NEAR = timedelta(days=31)   # pac explain lists a rejected activity this near an action's window (or its length)


def near_span(window: Window) -> tuple[datetime, datetime]:
    """The instants around an action's window where ``pac explain`` looks for its owner's rejected activities
    (``near_misses``): the window widened by its own length or a month (``NEAR``), whichever is longer."""
    slack = max(window.end - window.start, NEAR)
    return window.start - slack, window.end + slack


Spans = Mapping[tuple[ActivityType, str | None], tuple[float, float]]


def reject_spans(actions: Iterable[Action], emails: Mapping[AccountKey, str], zone: ZoneInfo) -> Spans:
    """Which bad activities are the plan's to reject (docs/engine.md, *Bad records*: decided 7 Dec 2026, audit
    rejectscope): per (type an action counts, owner e-mail one names: its ``who`` or a former owner, ``holders``),
    the POSIX seconds from the earliest to the latest ``near_span`` of those actions, both included; per (type,
    None), the same over every action of the type, for an activity whose owner cannot be told. An activity outside
    these had, well formed, counted for no action of the plan: another team's visit, one of 2019."""
    out: dict[tuple[ActivityType, str | None], tuple[float, float]] = {}
    for action in actions:
        lo, hi = (t.timestamp() for t in near_span(action.window))
        for owner in (None, *(h.email for h in holders(action, emails, zone))):
            key = (action.activity_type, owner)
            was = out.get(key)
            out[key] = (lo, hi) if was is None else (min(was[0], lo), max(was[1], hi))
    return out


def moments_us(table: ActivityTable, zone: ZoneInfo) -> np.ndarray:
    """Each activity's instant (``Activity.moment``) as int64 microseconds, vectorised: its start; 00:00 of its day
    in ``zone`` when it has no start (all-day), the earlier of the two when it has both (a Salesforce Task completed
    before its due date); ``NO_TIME`` when it has neither. Midnights are computed once per distinct day. A naive
    start is left as it is (the caller rejects it)."""
    out = table.start.copy()
    dated = (table.day != NO_DAY) & ~((out != NO_TIME) & table.naive)
    if dated.any():
        days, of_day = np.unique(table.day[dated], return_inverse=True)
        midnights = np.array([int(local_midnight(date.fromordinal(int(d)), zone).timestamp() * 1_000_000)
                              for d in days.tolist()], dtype=np.int64)[of_day.reshape(-1)]
        starts = out[dated]
        out[dated] = np.where(starts != NO_TIME, np.minimum(starts, midnights), midnights)
    return out


def day_start(until: float, zone: ZoneInfo) -> float:
    """The first instant (POSIX seconds) of the local day ``until`` falls in: a whole-day activity whose day starts
    there or later is not over at ``until`` (its day ends at the next midnight, after ``until``)."""
    return local_midnight(datetime.fromtimestamp(until, zone).date(), zone).timestamp()


Countable = tuple[np.ndarray, np.ndarray, np.ndarray]   # start instants (float64), account numbers, positions


class Grouped:
    """Activities (rows of the ``ActivityTable``) sorted by (group, start instant), equal instants in row order: a
    group is one (owner e-mail, type) pair, coded ``e-mail code * width + type code`` (``ActivityIndex.group``).

    ``positions`` are the rows in that order. ``keys`` (the usual case) is the sorted int64 key of each:
    ``group << group_shift | (µs - low) // unit << time_shift | row``, ``unit`` the largest number of microseconds
    every instant's offset from the first is a multiple of (a second for most CRMs), the row in the low
    ``time_shift`` bits when it fits too: then the sort is one sort of values, stable by construction, and no
    gather; else ``time_shift`` is 0 and the keys are sorted by ``stable_argsort``. Every window's rows are then
    found by one sorted search of all the windows' keys (``bounds``). When the group and the instant do not fit
    in 63 bits (instants centuries apart), ``keys`` is None: one ``lexsort``, each group searched apart.
    """

    def __init__(self, positions: np.ndarray, groups: np.ndarray | None, ts: np.ndarray, keys: np.ndarray | None,
                 low: int = 0, unit: int = 1, time_bits: int = 0, time_shift: int = 0) -> None:
        self.positions = positions
        self._groups = groups                  # the group of each sorted row (None when ``keys`` says it)
        self._ts = ts                          # the index's start instants (POSIX seconds), per row of the table
        self.keys, self.low, self.unit = keys, low, unit
        self.time_bits, self.time_shift, self.group_shift = time_bits, time_shift, time_shift + time_bits

    def __len__(self) -> int:
        return len(self.positions)

    @classmethod
    def of(cls, rows: np.ndarray, groups: np.ndarray, us: np.ndarray, ts: np.ndarray, n_groups: int) -> Grouped:
        """``rows`` (ascending) with their group codes (0 <= code < ``n_groups``) and instants in microseconds
        (``ts`` the same per row of the table as POSIX seconds, ``us / 1_000_000``)."""
        m = len(rows)
        if not m:
            return cls(rows, groups, ts, None)
        low = int(us.min())
        offsets = us - low
        unit = int(np.gcd.reduce(offsets)) or 1
        steps = offsets
        if unit > 1:
            steps //= unit
        time_bits = max(1, int(steps.max()).bit_length())
        group_bits = n_groups.bit_length()     # room for ``n_groups`` itself: the end of the last group (``bounds``)
        row_bits = int(rows[-1]).bit_length()
        reach = max(abs(low), abs(low + (unit << time_bits))) + 2_000_000
        if group_bits + time_bits > 62 or reach >= 1 << 52:   # keys do not fit, or instants beyond float precision
            order = np.lexsort((us, groups))
            return cls(rows[order], groups[order], ts, None)
        if group_bits + time_bits + row_bits <= 62:       # the row in the key: one sort of values, no argsort
            keys = groups.astype(np.int64, copy=False) << (time_bits + row_bits)
            steps <<= row_bits
            keys |= steps
            keys |= rows
            keys.sort()
            return cls(keys & ((1 << row_bits) - 1), None, ts, keys, low, unit, time_bits, row_bits)
        order, keys = stable_argsort((groups.astype(np.int64, copy=False) << time_bits) | steps)
        return cls(rows[order], None, ts, keys, low, unit, time_bits)

    def group_codes(self) -> np.ndarray:
        """The group of each sorted row."""
        groups = self._groups
        if groups is None:
            groups = self._groups = (self.keys >> self.group_shift if self.keys is not None
                                     else np.zeros(0, dtype=np.int64))
        return groups

    def bounds(self, groups: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per window (its group, -1 for a pair with no code; its start and end, POSIX seconds): the range
        ``[lo, hi)`` of ``positions`` holding the group's rows whose instant ``t`` has ``start <= t < end``, as
        ``np.searchsorted`` of the group's instants (float seconds) would give it; ``hi >= lo``."""
        if not len(groups) or not len(self):
            zero = np.zeros(len(groups), dtype=np.int64)
            return zero, zero.copy()
        known = groups >= 0
        if self.keys is not None:
            lo = np.searchsorted(self.keys, self._key(groups, starts))
            hi = np.searchsorted(self.keys, self._key(groups, ends))
        else:                                  # each group's instants searched apart
            codes = self.group_codes()
            first = np.searchsorted(codes, groups)
            last = np.searchsorted(codes, groups, side="right")
            lo, hi = first.copy(), first.copy()
            for g in np.unique(groups[known]).tolist():
                at = np.flatnonzero(groups == g)
                a, b = int(first[at[0]]), int(last[at[0]])
                times = self._ts[self.positions[a:b]]
                lo[at] = a + np.searchsorted(times, starts[at])
                hi[at] = a + np.searchsorted(times, ends[at])
        lo, hi = np.where(known, lo, 0), np.where(known, hi, 0)
        return lo, np.maximum(lo, hi)

    def _key(self, groups: np.ndarray, bounds: np.ndarray) -> np.ndarray:
        """The key below which a group's rows are those with ``instant < bound`` (seconds): the first microsecond
        ``u`` with ``u / 1_000_000 >= bound`` (the instants are compared as the index computes them, in float
        seconds, so exactly as a search of those), in steps of ``unit`` from ``low``, past the group's rows when
        beyond them."""
        low, unit = self.low, self.unit
        top = unit << self.time_bits
        x = np.clip(bounds, low / 1_000_000 - 1, (low + top) / 1_000_000 + 1)   # the same rows before, either way
        u = np.ceil(x * 1_000_000).astype(np.int64)
        while True:                            # off by a microsecond or two at most: made exact
            early = (u - 1) / 1_000_000 >= x
            late = u / 1_000_000 < x
            if not (early.any() or late.any()):
                break
            u += late.astype(np.int64) - early.astype(np.int64)
        steps = -(-np.clip(u - low, 0, top) // unit)      # the first step at or after u
        keys: np.ndarray = (np.maximum(groups, 0) << self.group_shift) + (steps << self.time_shift)
        return keys

    def slices(self, emails: Sequence[str], kinds: Sequence[Any], acc: np.ndarray
               ) -> dict[tuple[str, int], Countable]:
        """Per (owner e-mail, id of the type) with rows: its (start instants, account numbers, positions)."""
        m = len(self)
        if not m:
            return {}
        group, positions = self.group_codes(), self.positions
        c_ts, c_acc = self._ts[positions], acc[positions]
        edges = np.flatnonzero(group[1:] != group[:-1]) + 1
        width = len(kinds) + 1
        out: dict[tuple[str, int], Countable] = {}
        for lo, hi in zip([0, *edges.tolist()], [*edges.tolist(), m], strict=True):
            owner_code, type_code = divmod(int(group[lo]), width)
            out[(emails[owner_code], id(kinds[type_code]))] = (c_ts[lo:hi], c_acc[lo:hi], positions[lo:hi])
        return out


class ActivityIndex:
    """The activities once, as columns (positions are rows of the ``ActivityTable``), with the lookups matching
    needs.

    ``countable_rows`` is what counting reads: the activities that can count (completed, not deleted, typed, on a
    known account, with an owner e-mail and a start) sorted by (owner e-mail, type, start instant), ``Grouped``;
    ``countable`` the same per (owner e-mail, type) as compact parallel arrays sorted by start instant, made on
    first use (``Matcher``). Explanations also read ``owner_activities`` (every activity
    of an owner, ties broken by source and id) and ``owners_on`` (which owners have countable activities
    of a type on a partition's accounts, to find other reps' near misses in ``countable``), built on first use.
    """

    def __init__(self, acts: Sequence[Activity], ts: np.ndarray, email_codes: np.ndarray, emails: list[str],
                 acc: np.ndarray, countable: Grouped, excluded: np.ndarray,
                 partition: Sequence[Hashable] | None, rejected: list[Decision],
                 planned: Grouped | None = None, whole_day: np.ndarray | None = None,
                 kinds: Sequence[Any] = (), table: ActivityTable | None = None, zone: ZoneInfo | None = None) -> None:
        self.acts, self.ts, self.acc = acts, ts, acc       # acc: account number per row, -1 when none
        self.email_codes, self.emails = email_codes, emails
        self.kinds = kinds                     # the ActivityType members, by type code
        self._email_code = {email: k for k, email in enumerate(emails)}
        self._type_code = {id(kind): k for k, kind in enumerate(kinds)}
        self.countable_rows = countable
        # the same for the planned activities (status aside, countable)
        self.planned_rows = planned if planned is not None else Grouped.of(
            np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), ts, 0)
        self._countable: dict[tuple[str, int], Countable] | None = None
        self._planned: dict[tuple[str, int], Countable] | None = None
        self.rejected = rejected
        self._partition = partition
        self._excluded = excluded              # rows rejected before indexing (no owner, no start)
        # per row: an all-day entry that happens once its day is over (``Activity.whole_day``)
        self.whole_day = whole_day if whole_day is not None else np.zeros(len(ts), dtype=bool)
        self.any_whole_day = bool(self.whole_day.any())
        self._owners: dict[str, tuple[list[float], list[int]] | None] = {}
        self.few_keys = FEW_KEYS               # kept for callers; owners are looked up by one vectorised scan
        self._owners_on: defaultdict[tuple[int, Hashable], set[str]] | None = None
        # the columns a record dated by two dates is read from (``owner_later_dates``: explanations only)
        self._table, self._zone = table, zone
        self._later: dict[str, tuple[list[float], list[int]] | None] = {}

    def email(self, pos: int) -> str | None:
        code = int(self.email_codes[pos])
        return None if code < 0 else self.emails[code]

    def account(self, pos: int) -> int | None:
        number = int(self.acc[pos])
        return None if number < 0 else number

    def group(self, who: str, kind: ActivityType) -> int:
        """The group code of (owner e-mail, type) in ``countable_rows`` and ``planned_rows``: -1 when no activity
        has that owner or that type."""
        email, code = self._email_code.get(who), self._type_code.get(id(kind))
        return -1 if email is None or code is None else email * (len(self.kinds) + 1) + code

    @property
    def countable(self) -> dict[tuple[str, int], Countable]:
        """(e-mail, id of the ActivityType member) -> the countable activities of that owner and type."""
        if self._countable is None:
            self._countable = self.countable_rows.slices(self.emails, self.kinds, self.acc)
        return self._countable

    @property
    def planned(self) -> dict[tuple[str, int], Countable]:
        """The same as ``countable`` for the planned activities (status aside, countable)."""
        if self._planned is None:
            self._planned = self.planned_rows.slices(self.emails, self.kinds, self.acc)
        return self._planned

    def countable_for(self, who: str, kind: ActivityType) -> Countable | None:
        """The countable activities of one owner (lower-case e-mail) and type, sorted by start instant."""
        return self.countable.get((who, id(kind)))

    def planned_for(self, who: str, kind: ActivityType) -> Countable | None:
        """The planned activities of one owner and type that would be countable but for their status, sorted by
        start instant (what the sync's "still planned on a past date" warnings look among)."""
        return self.planned.get((who, id(kind)))

    def over(self, times: np.ndarray, rows: np.ndarray, lo: int, hi: int, today: float | None) -> np.ndarray | None:
        """Which activities of the slice ``[lo, hi)`` of a countable group (``times`` sorted, ``rows`` their
        positions) have happened by the cut whose local day starts at ``today`` (``day_start``): a mask, False for
        the whole-day activities of that day (the slice ends before the cut, so none of a later day is in it); None
        when every one has (none is whole-day there: the usual case, no copy)."""
        if today is None or not self.any_whole_day:
            return None
        first = max(lo, int(np.searchsorted(times, today)))
        if first >= hi or not self.whole_day[rows[first:hi]].any():
            return None
        keep = np.ones(hi - lo, dtype=bool)
        keep[first - lo:] = ~self.whole_day[rows[first:hi]]
        return keep

    @classmethod
    def build(cls, table: ActivityTable, *, emails: Mapping[AccountKey, str], account_number: np.ndarray,
              zone: ZoneInfo, partition: Sequence[Hashable] | None = None,
              acts: Sequence[Activity] | None = None, spans: Spans | None = None) -> ActivityIndex:
        """Index the activities column by column: owners resolved once per distinct (source, owner id), starts
        once per distinct all-day date; only the rejected rows become objects.

        ``account_number``: per row, the account's number (-1 when unknown). ``partition`` gives each account
        number a partition key (the engine uses the département) so other reps' near misses are looked for only
        among the activities of the scope's partitions. ``spans``: which activities are the plan's to reject
        (``reject_spans``; None: every one of a mapped type); only those are rejected.
        """
        n = table.n
        acts = acts if acts is not None else Rows(n, table.record)
        # owner e-mail: once per distinct (source, owner id); an owner id that is an e-mail is accepted as such
        distinct: dict[str, int] = {}
        s_last, o_last = len(table.source.values), len(table.owner.values)
        # per (source code + 1, owner code + 1): code -1 (no source, no owner) at row and column 0
        pair_email = np.full((s_last + 1, o_last + 1), -1, dtype=np.int64)
        problems: dict[tuple[int, int], str] = {}
        for s_code, source in enumerate((*table.source.values, None)):
            for o_code, owner in enumerate((*table.owner.values, None)):
                email = emails.get((source, owner)) if owner is not None and source is not None else None
                if email is None:
                    if owner is None:
                        problems[(s_code, o_code)] = "the activity has no owner"
                        continue
                    if "@" not in owner:
                        problems[(s_code, o_code)] = (f"owner {owner} is not among the users of {source} (a queue, "
                                                      "or a user pac's integration user cannot read)")
                        continue
                    email = resolve_owner(emails, owner)
                pair_email[(s_code + 1) % (s_last + 1), (o_code + 1) % (o_last + 1)] = distinct.setdefault(
                    email, len(distinct))
        # one gather of the flattened table at (source code + 1) * (owners + 1) + owner code + 1
        flat = np.multiply(table.source.codes, o_last + 1, dtype=np.int64)
        flat += table.owner.codes
        flat += o_last + 2
        email_codes = pair_email.ravel()[flat]
        # start instants: the start, else 00:00 of the all-day date in the plan's timezone (once per date), the
        # earlier of the two when a record has both
        has_start = table.start != NO_TIME
        naive = has_start & table.naive
        all_day = ~has_start & (table.day != NO_DAY)   # whole-day entries (``Activity.whole_day``) are among them
        start_us = moments_us(table, zone)
        no_start = naive | (start_us == NO_TIME)
        excluded = (email_codes < 0) | no_start
        kinds = table.type.values
        ours = cls._ours(spans, table.type.codes, kinds, email_codes, list(distinct), start_us, no_start)
        start_us[excluded] = 0                     # never read: excluded rows are neither counted nor listed
        ts = start_us / 1_000_000                  # POSIX seconds, as datetime.timestamp() gives them
        acc = np.asarray(account_number, dtype=np.int64)
        type_codes = table.type.codes
        # rejections, in row order: owner and start problems first, then no account. Only an activity that, well
        # formed, could have counted for the plan is rejected (``reject_spans``): one that matches no rule (a
        # to-do), a rule of a type no action counts (an internal team meeting of Salesforce's standard Event Type
        # 'Meeting' in a plan with no meeting action), another team's visit, a visit of 2019, is no plan activity,
        # left out quietly (pac explain still lists an untyped one among an action's near misses)
        rejected: list[Decision] = []
        typed = (type_codes >= 0) & ours
        for i in np.flatnonzero(excluded & ~table.deleted & typed).tolist():
            a = acts[i]
            s_code, o_code = int(table.source.codes[i]), int(table.owner.codes[i])
            problem = problems.get((s_last if s_code < 0 else s_code, o_last if o_code < 0 else o_code))
            if problem is not None:
                rejected.append(Decision(a.source, a.id, False, "no_owner", problem, a.account_id, a.start))
            elif naive[i]:
                rejected.append(Decision(a.source, a.id, False, "no_start", "the start time has no timezone (naive)",
                                         a.account_id, a.start))
            else:
                rejected.append(Decision(a.source, a.id, False, "no_start",
                                         "the activity has neither a start time nor a day", a.account_id, a.start))
        unmatchable = (acc < 0) | (type_codes < 0)
        for i in np.flatnonzero(unmatchable & ~excluded & ~table.deleted & typed).tolist():
            a = acts[i]
            cls._reject_unmatchable(a, None if acc[i] < 0 else int(acc[i]), a.moment(zone), rejected)
        # countable: completed, not deleted, typed, on a known account, matchable; one set of columns sorted by
        # (owner e-mail, type, start instant), stable so equal instants keep the rows' order. The planned ones that
        # are otherwise the same, likewise (usually few): the sync warns of those dated in the past that would count
        live = ~table.deleted & ~excluded & ~unmatchable
        status = table.status.mapped(lambda v: 1 if v is ActivityStatus.COMPLETED else
                                     2 if v is ActivityStatus.PLANNED else 0, 0, np.int8)
        planned = status == 2
        email_list = list(distinct)
        width = len(kinds) + 1

        def grouped(rows: np.ndarray) -> Grouped:   # group code: e-mail code * width + type code
            return Grouped.of(rows, email_codes[rows] * width + type_codes[rows], start_us[rows], ts,
                              len(email_list) * width)

        countable = grouped(np.flatnonzero((status == 1) & live))
        waiting = grouped(np.flatnonzero(planned & live)) if planned.any() else None
        return cls(acts, ts, email_codes, email_list, acc, countable, excluded, partition, rejected, waiting,
                   whole_day=all_day & table.whole_day, kinds=kinds, table=table, zone=zone)

    def owner_activities(self, who: str) -> tuple[list[float], list[int]] | None:
        """(start instants, positions) of every matchable activity of one owner, any status or type, ties
        broken by source and id (one vectorised scan of the e-mail column per owner asked, cached)."""
        if who not in self._owners:
            code = next((k for k, e in enumerate(self.emails) if e == who), None)
            found = None
            if code is not None:
                positions = np.flatnonzero((self.email_codes == code) & ~self._excluded)
                positions = positions[np.argsort(self.ts[positions], kind="stable")]
                ordered = _break_ties(positions.tolist(), self.ts, self.acts)
                found = (self.ts[ordered].tolist(), ordered) if ordered else None
            self._owners[who] = found
        return self._owners[who]

    def owner_later_dates(self, who: str) -> tuple[list[float], list[int]] | None:
        """(later instants sorted, positions) of the owner's matchable activities dated by the earlier of two dates (a
        completed Salesforce Task: its due day's 00:00 and its completion, ``Activity.moment``): the later of the two,
        by which ``pac explain`` finds a task due in a window and done before it (audit explainspan). Read from the
        columns of the owner's activities only, on first use (cached); None when the owner has none."""
        if who not in self._later:
            found, table, zone = self.owner_activities(who), self._table, self._zone
            later = None
            if found is not None and table is not None and zone is not None:
                rows = np.asarray(found[1], dtype=np.int64)
                start, day = table.start[rows], table.day[rows]
                both = (start != NO_TIME) & (day != NO_DAY) & ~table.naive[rows]
                if both.any():
                    rows, start, day = rows[both], start[both], day[both]
                    days, of_day = np.unique(day, return_inverse=True)
                    midnights = np.array([int(local_midnight(date.fromordinal(int(d)), zone).timestamp() * 1_000_000)
                                          for d in days.tolist()], dtype=np.int64)[of_day.reshape(-1)]
                    two = start != midnights                       # one instant: no other date
                    if two.any():
                        instants = np.maximum(start[two], midnights[two]) / 1_000_000
                        order = np.argsort(instants, kind="stable")
                        later = (instants[order].tolist(), rows[two][order].tolist())
            self._later[who] = later
        return self._later[who]

    def owners_on(self, kind: ActivityType, parts: Sequence[Hashable]) -> list[str]:
        """The owners with countable activities of this type on accounts of these partitions (sorted)."""
        index = self._owners_on
        if index is None:
            index = self._owners_on = defaultdict(set)
            part_of = self._partition
            for (email, kind_id), (_, accs, _) in self.countable.items():
                for part in (set(map(part_of.__getitem__, accs.tolist())) if part_of is not None else (None,)):
                    index[(kind_id, part)].add(email)
        kind_id = id(kind)
        return sorted(set().union(*(index.get((kind_id, part), ()) for part in parts)))

    @staticmethod
    def _ours(spans: Spans | None, type_codes: np.ndarray, kinds: Sequence[Any], email_codes: np.ndarray,
              emails: Sequence[str], start_us: np.ndarray, no_start: np.ndarray) -> np.ndarray:
        """Per row, whether a bad activity there is the plan's to reject (``reject_spans``): its type and owner
        (any owner, when it cannot be told: no e-mail) have a span, and its instant is in it or it has none (a
        missing or naive start). Once per distinct (owner e-mail, type), then gathered."""
        if spans is None:
            return np.ones(len(type_codes), dtype=bool)
        width = len(kinds) + 1
        lo = np.full((len(emails) + 1) * width, np.inf)     # e-mail code -1 (none) at the last row, type -1 last
        hi = np.full((len(emails) + 1) * width, -np.inf)
        for t, kind in enumerate(kinds):
            for e, email in enumerate((*emails, None)):
                span = spans.get((kind, email))
                if span is not None:
                    lo[e * width + t], hi[e * width + t] = span[0] * 1_000_000, span[1] * 1_000_000
        cell = (np.where(email_codes < 0, len(emails), email_codes) * width
                + np.where(type_codes < 0, len(kinds), type_codes))
        row_lo, row_hi = lo[cell], hi[cell]
        ours: np.ndarray = (row_lo <= row_hi) & (no_start | ((start_us >= row_lo) & (start_us <= row_hi)))
        return ours

    @staticmethod
    def _reject_unmatchable(a: Activity, number: int | None, start: datetime | None, rejected: list[Decision]) -> None:
        if a.account_id is None:
            rejected.append(Decision(a.source, a.id, False, "no_account", "the activity has no account", None, start))
        elif number is None:
            rejected.append(Decision(a.source, a.id, False, "no_account",
                                     f"account {a.account_id} is not among the accounts of {a.source}",
                                     a.account_id, start))


def _break_ties(order: list[int], ts: np.ndarray, acts: Sequence[Activity]) -> list[int]:
    """Positions already sorted by start instant; equal instants reordered by (source, id), so results
    never depend on the order the records came in."""
    ordered = ts[order].tolist()
    ties = [k for k in range(len(ordered) - 1) if ordered[k] == ordered[k + 1]]
    done_until = -1
    for k in ties:
        if k <= done_until:
            continue
        j = k + 1
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[k]:
            j += 1
        order[k:j + 1] = sorted(order[k:j + 1], key=lambda i: (acts[i].source, acts[i].id))
        done_until = j
    return order


class _WonByKey(Mapping[AccountKey, tuple[date, ...]]):
    """(source, account id) -> that account's won close dates (sorted), read from the account columns on demand
    (explanations only)."""

    def __init__(self, columns: AccountColumns) -> None:
        table = columns.table
        self._columns = columns
        self._numbers = {(table.source.at(n), table.id[n]): n for n in range(table.n)}

    def __getitem__(self, key: AccountKey) -> tuple[date, ...]:
        return self._columns.won_dates_of(self._numbers[key])

    def __iter__(self) -> Iterator[AccountKey]:
        return iter(self._numbers)

    def __len__(self) -> int:
        return len(self._numbers)


def state_note(columns: AccountColumns, number: int, reference: date, fields: Collection[str], source: str,
               emails: Mapping[tuple[str, str], str], span: str) -> str:
    """Words for account ``number`` whose state fields among ``fields`` (the CRM dormant flag, the owner, the account
    type) were not on ``reference`` (the first day of the action's window or the axis's period: ``span``, "window"
    or "period") what they are now: "dormant on 2027-05-03, the window's first day (dormant flag cleared on
    2027-05-12)", "account owner marc@… on 2027-04-01, the period's first day (owner julie@… since 2027-06-03)"; ""
    when none differs. An owner pac does not read is named with its id (a bare CRM id says nothing: smallwords F2)."""
    return state_words(columns.state_notes(number, reference, fields), reference, source, emails, span)


def state_words(parts: Iterable[tuple[str, Any, Any, date]], reference: date, source: str,
                emails: Mapping[tuple[str, str], str], span: str) -> str:
    """``state_note``'s words for the state fields that differ (field, value then, value now, day of the last
    change: ``AccountColumns.state_notes``), also what ``pac explain AXIS`` says of a counted deal's account
    (``explain.account_state_notes``, audit explainspan)."""
    def owner(owner_id: object) -> str:
        if owner_id is None:
            return "unknown"
        email = emails.get((source, str(owner_id)))
        return email if email else f"{NOT_READ_OWNER} ({owner_id})"

    first = f"on {reference:%Y-%m-%d}, the {span}'s first day"
    out = []
    for name, then, now, day in parts:
        if name == "dormant":
            out.append(f"dormant {first} (dormant flag cleared on {day:%Y-%m-%d})" if then is True else
                         f"not dormant {first} (flagged dormant on {day:%Y-%m-%d})")
        elif name == "owner_id":
            out.append(f"account owner {owner(then)} {first} (owner {owner(now)} since {day:%Y-%m-%d})")
        else:
            out.append(f"account type {then or 'unknown'} {first} ({now or 'unknown'} since {day:%Y-%m-%d})")
    return "; ".join(out)


def state_fields(scope: Scope, default_months: int) -> frozenset[str]:
    """The account state fields (``records.HISTORY_FIELDS``) a scope reads: the CRM dormant flag (a dormancy condition
    that reads it first), the owner, the account type."""
    out = set()
    for condition in scope.accounts_part.conditions:
        if is_dormancy(condition):
            if dormancy_rule(condition, default_months)[2]:
                out.add("dormant")
        elif condition.field == "owner":
            out.add("owner_id")
        elif condition.field == "account_type":
            out.add("account_type")
    return frozenset(out)


def local_minute(instant: datetime, zone: ZoneInfo) -> str:
    """``instant`` to the minute in ``zone`` (``2027-11-07 01:30``), with the zone's abbreviation when that wall
    time occurs twice, in the hour repeated when the clocks go back (``2027-11-07 01:30 CDT`` and ``... CST``, an
    hour apart: usplan audit F6, two visits of the same night read the same)."""
    local = instant.astimezone(zone)
    text = f"{local:%Y-%m-%d %H:%M}"
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        text += f" {local:%Z}"
    return text


@dataclass
class ActionCount:
    """What counting found for one action (no per-record decisions: those come from ``Matcher.match``)."""

    done: int
    touched: set[int]                    # accounts of counted activities
    matched: list[int]                   # positions of activities passing every rule (counted + repeats)
    # positions of the counted activities (ascending): ``matched``, less the repeats of an action counting distinct
    # accounts (each account's first activity in time order, the ✔ line of ``pac explain``; audit meeting F4)
    counted: list[int] = field(default_factory=list)


def first_per_account(accounts: np.ndarray, positions: np.ndarray, times: np.ndarray) -> list[int]:
    """The positions (ascending) of each account's first activity in time order (ties by position): what an action
    counting distinct accounts counts, its repeats left out."""
    if not len(positions):
        return []
    order = np.lexsort((positions, times))
    _, first = np.unique(accounts[order], return_index=True)
    return sorted(positions[order][first].tolist())


@dataclass
class ActionMatch:
    """What matching found for one action."""

    done: int
    decisions: list[Decision]
    touched: set[int]                    # accounts of counted activities
    matched: list[int]                   # positions of activities passing every rule (counted + repeats)
    scope_size: int


class Matcher:
    """Matches every action of a plan against one ActivityIndex; scopes are masks over the account columns."""

    def __init__(self, plan: Plan, index: ActivityIndex, columns: AccountColumns, accounts: Sequence[Account],
                 emails: Mapping[AccountKey, str], zone: ZoneInfo, near_miss_limit: int = 50,
                 counted_limit: int = 1000, partition: Sequence[Hashable] | None = None) -> None:
        self.plan, self.index, self.columns, self.accounts = plan, index, columns, accounts
        self.emails, self.zone = emails, zone
        self.near_miss_limit, self.counted_limit = near_miss_limit, counted_limit
        self._explainers: dict[tuple[tuple[Condition, ...], date], Callable[[Account], Condition | None]] = {}
        self._won_by_key: _WonByKey | None = None   # one for every scope explained (each holds every account)
        self._parts: dict[int, tuple[frozenset[int], list[Hashable]]] = {}
        self.partition = partition

    def reference_date(self, action: Action) -> date:
        """Dormancy is judged on the first local day of the action's window."""
        return action.window.start.astimezone(self.zone).date()

    def count(self, action: Action, scope: Scope | None = None, *, until: float | None = None) -> ActionCount:
        """Count one action: two sorted searches for its window in its owner's countable activities of its type,
        then the slice's accounts tested against its scope (segment AND axis AND action scope, computed when not
        given) as one mask over the account columns; the window ends at ``until`` (the evaluation instant, POSIX
        seconds) when that is earlier, and a whole-day activity counts once its day is over."""
        start, end = action.window.start.timestamp(), action.window.end.timestamp()
        end = end if until is None else min(end, until)
        today = day_start(until, self.zone) if until is not None and self.index.any_whole_day else None
        pieces: list[tuple[np.ndarray, np.ndarray]] = []
        for holder in holders(action, self.emails, self.zone):   # its who, and former owners before the hand-over
            found = self.index.countable_for(holder.email, action.activity_type)
            if found is None:
                continue
            times, accs, positions = found
            lo, hi = (int(k) for k in np.searchsorted(times, (start, end if holder.cut is None
                                                              else min(end, holder.cut))))
            if lo >= hi:
                continue
            over = self.index.over(times, positions, lo, hi, today)
            pieces.append((accs[lo:hi], positions[lo:hi]) if over is None else
                          (accs[lo:hi][over], positions[lo:hi][over]))
        if not pieces:
            return ActionCount(0, set(), [])
        scope = scope if scope is not None else self.plan.action_scope(action)
        window_accounts, window_positions = (pieces[0] if len(pieces) == 1 else
                                             (np.concatenate([a for a, _ in pieces]),
                                              np.concatenate([p for _, p in pieces])))
        reference = self.reference_date(action)
        mask = self.columns.inside(scope, reference, window_accounts)
        touched = set(window_accounts[mask].tolist())
        matched = window_positions[mask].tolist()
        distinct = action.counting is Counting.DISTINCT_ACCOUNTS
        done = len(touched) if distinct else len(matched)
        counted = first_per_account(window_accounts[mask], window_positions[mask],
                                    self.index.ts[window_positions[mask]]) if distinct else sorted(matched)
        return ActionCount(done, touched, matched, counted)

    def match(self, action: Action, scope: Scope | None = None, *, until: float) -> ActionMatch:
        """Count one action; ``scope`` is its segment AND axis AND action scope (computed when not given). An
        activity that starts at or after ``until`` (the evaluation instant) has not happened yet: it is neither
        counted nor listed as a near miss; a whole-day activity of ``until``'s day has not happened either (its day
        is not over), and is listed as a near miss (``not_over``) when it passes every other rule."""
        ix = self.index
        today = day_start(until, self.zone) if ix.any_whole_day else None
        reference = self.reference_date(action)
        scope = scope if scope is not None else self.plan.action_scope(action)
        members = self.columns.members(scope, reference)
        ws, we = action.window.start.timestamp(), action.window.end.timestamp()
        span = min(we - ws, NEAR_SPAN.total_seconds())
        who = action.who.strip().lower()
        distinct = action.counting is Counting.DISTINCT_ACCOUNTS
        counted: list[Decision] = []
        near: list[Decision] = []
        more = counted_more = 0
        seen: set[int] = set()
        matched: list[int] = []
        owners = holders(action, self.emails, self.zone)
        # the owners' activities around the window, in time order (ties by source and id): its who's, and a former
        # owner's (``handed_over``) with the hand-over's cut, from which theirs fail the owner rule
        own: list[tuple[float, int, Holder]] = []
        resort = False
        for holder in owners:
            found = ix.owner_activities(holder.email)
            if found is not None:
                times, positions = found
                lo, hi = bisect_left(times, ws - span), min(bisect_left(times, we + span), bisect_left(times, until))
                own.extend((times[k], positions[k], holder) for k in range(lo, hi))
            # and those dated before that span (the earlier of two dates) whose later date is in it: a task due in the
            # window and completed days before it, a task long overdue completed in it (audit explainspan)
            later = ix.owner_later_dates(holder.email)
            if later is not None:
                cut = min(ws - span, until)
                for k in range(bisect_left(later[0], ws - span), bisect_left(later[0], we + span)):
                    pos = later[1][k]
                    if float(ix.ts[pos]) < cut:
                        own.append((float(ix.ts[pos]), pos, holder))
                        resort = True
        if len(owners) > 1 or resort:
            own.sort(key=lambda e: (e[0], ix.acts[e[1]].source, ix.acts[e[1]].id))
        if own:
            for t, pos, holder in own:
                failed = self._failures(pos, action, members, ws, we)
                if today is not None and ix.whole_day[pos] and t >= today:
                    failed.append("not_over")
                if holder.cut is not None and t >= holder.cut:
                    failed.append("handed_over")                  # after the hand-over: no longer its owner
                rule = first_cause(failed)
                if rule == "":
                    number = ix.account(pos)
                    matched.append(pos)
                    if distinct and number in seen:
                        rule = "duplicate_account"
                    else:
                        seen.add(number)  # type: ignore[arg-type]
                        if len(counted) < self.counted_limit:
                            note = self._state_note(scope, number, reference)
                            if holder.cut is not None:   # a former owner's, before the hand-over (audit explainus)
                                note = "; ".join(n for n in (self._before_hand_over(holder, who), note) if n)
                            counted.append(self._decision(pos, True, "counted", note))
                        else:
                            counted_more += 1
                        continue
                if rule is None:
                    continue
                if len(near) < self.near_miss_limit:
                    amounts, values = self._values(rule, pos, action, scope, reference)
                    detail = self._not_over(pos) if rule == "not_over" else \
                        self._handed_over(holder, who) if rule == "handed_over" else \
                        self._detail(rule, pos, action, scope, reference, (amounts, values))
                    # a planned status is named as pac explain names its own row: past, or not done yet (a task
                    # due today, records.past_at; audit oracle2counts F4)
                    others = [("planned_past" if past_at(ix.acts[pos].when(self.zone),
                                                         datetime.fromtimestamp(until, self.zone), self.zone)
                               else r) if r == "planned" else r for r in failed if r != rule]
                    near.append(replace(self._decision(pos, False, rule, f"{detail}; {ALSO}{', '.join(others)}"
                                                       if others else detail), amounts=amounts, values=values))
                else:
                    more += 1
        more += self._other_owners(action, {h.email for h in owners}, members, ws, min(we, until), near, today)
        done = len(seen) if distinct else len(matched)
        if counted_more:
            counted.append(Decision("", "", True, "truncated", f"{counted_more} more counted activities not listed"))
        if more:
            near.append(Decision("", "", False, "truncated", f"{more} more near misses not listed"))
        decisions = counted + near
        return ActionMatch(done, decisions, seen, matched, len(members))

    def _failures(self, pos: int, action: Action, members: frozenset[int], ws: float, we: float) -> list[str]:
        """The codes of the rules the activity fails (type, window, status, deleted, account and scope), in that
        order; [] when every one holds."""
        ix = self.index
        a = ix.acts[pos]
        failed = []
        if a.type is not action.activity_type:
            failed.append("wrong_type" if a.type is not None else "unknown_type")
        t = float(ix.ts[pos])
        if not ws <= t < we:
            failed.append("outside_window")
        status_rule = STATUS_RULES.get(a.status)
        if status_rule is not None:
            failed.append(CALL_RULES.get(status_rule, status_rule) if a.type is ActivityType.CALL else status_rule)
        if a.deleted:
            failed.append("deleted")
        number = ix.account(pos)
        if number is None or number not in members:
            failed.append("no_account" if number is None else
                          "deleted" if self.accounts[number].deleted else "outside_scope")
        return failed

    def _detail(self, rule: str, pos: int, action: Action, scope: Scope, reference: date, found: Failure) -> str:
        """Words for a near miss (computed only for the near misses that are listed), from its values where it has
        some (``_values``: the window's, the scope failure's)."""
        ix = self.index
        a = ix.acts[pos]
        if rule == "wrong_type":
            return f"{ACTIVITY_WORDS[a.type][0] if a.type else '?'}, not {ACTIVITY_WORDS[action.activity_type][0]}"
        if rule == "unknown_type":
            return ("no counted activity type: a type the mapping does not list (a meeting's type, a task's type or "
                    "subject), or a direction it does not count (an inbound call)")
        if rule == "outside_window":
            when = dict(found[1])
            first, last = when["first"], when["last"]
            days = first if first == last else f"{first} – {last}"
            label = when["label"]
            # the label quoted after "the window": "before by end of Q2" / "after before March 15, 2027" read
            # as nonsense (usplan audit F6); explain.detail_words writes « … » in French
            dated, other = when.get("dated"), when.get("other")
            at = f"{dated} {when['at']}" if dated else when["at"]
            # a record dated by the earlier of two dates names the other after (audit explainspan): "completed
            # 2027-06-05 10:00, before the window “week 23” (…); due 2027-06-07"
            after = f"; {OTHER_DATE[dated]} {other}" if dated and other else ""
            return (f"{at}, {when['side']} the window “{label}” ({days}){after}" if label else
                    f"{at}, {when['side']} the window ({days}){after}")
        if rule in STATUS_RULES.values():
            return "no-show" if rule == "no_show" else a.status.value   # the words, not the code
        if rule == NOT_ANSWERED:
            return "call not answered"
        if rule == NOT_COMPLETED:
            return "call not completed"
        if rule == "duplicate_account":
            return "account already counted for this action"
        if rule == "no_account":
            if a.account_id is None:
                return "the activity has no account"
            return f"account {a.account_id} is not among the accounts of {a.source}"   # as the rejected table says
        if rule == "deleted":
            if a.deleted:
                return "the activity was deleted in the CRM"
            return "the account was deleted in the CRM"
        number = ix.account(pos)
        assert number is not None
        failure = failure_words(*found, DETAIL) if found[1] else "outside the scope"
        note = self._state_note(scope, number, reference)
        return f"{failure}; {note}" if note else failure

    def _values(self, rule: str, pos: int, action: Action, scope: Scope, reference: date) -> Failure:
        """A near miss's amounts and values, from which each language writes its words (``explain.detail_words``):
        a scope failure's (``scope_eval.failure_values``), the moment and window of one outside the window, the day
        of one not over; empty for another."""
        if rule == "outside_window":
            return (), self._window_values(pos, action)
        if rule == "not_over":
            return (), (("day", f"{self.index.acts[pos].day:%Y-%m-%d}"),)
        number = self.index.account(pos)
        if rule != "outside_scope" or number is None:
            return (), ()
        return self._failure(scope, self.columns.account_at(number, reference, self.accounts[number]), reference)

    def _window_values(self, pos: int, action: Action) -> Values:
        """An activity outside the window: ``at`` its local minute (its day alone when dated by its day: not « 00:00 »,
        audit oracle2counts F3), ``side`` before or after, the window's ``label``, ``first`` and ``last`` days."""
        ix = self.index
        t = float(ix.ts[pos])
        shown = ix.acts[pos].when(self.zone)   # an activity dated by its day (all-day, a task by its due day): that day
        local = (local_minute(datetime.fromtimestamp(t, self.zone), self.zone) if isinstance(shown, datetime)
                 or shown is None else f"{shown:%Y-%m-%d}")
        first = action.window.start.astimezone(self.zone).date()
        last = (action.window.end.astimezone(self.zone) - timedelta(microseconds=1)).date()
        values: Values = (("at", local), ("side", "before" if t < action.window.start.timestamp() else "after"),
                          ("label", action.window.label or ""), ("first", f"{first:%Y-%m-%d}"),
                          ("last", f"{last:%Y-%m-%d}"))
        return values + self._other_date(ix.acts[pos])

    def _other_date(self, a: Activity) -> Values:
        """A completed record with two dates (a Salesforce Task: its due ``day`` and its completion ``start``) dated by
        one of them: ``dated`` which (``due`` or ``completed``) and ``other`` the other, its day or its local minute;
        none for a record of one date, of two that are one instant, or not completed (no completion to name: the
        connectors give no such record two dates; audit explainspan)."""
        if a.start is None or a.day is None or a.start.tzinfo is None or a.status is not ActivityStatus.COMPLETED:
            return ()
        midnight = local_midnight(a.day, self.zone)
        if a.start == midnight:
            return ()
        if a.start < midnight:     # dated by its completion, before its due day
            return ("dated", "completed"), ("other", f"{a.day:%Y-%m-%d}")
        return ("dated", "due"), ("other", local_minute(a.start.astimezone(self.zone), self.zone))

    def _state_note(self, scope: Scope, number: int | None, reference: date) -> str:
        """Words for an account whose state fields the scope reads (the CRM dormant flag, the owner, the account
        type) were not on ``reference`` (the window's first day, when the scope is judged) what they are now: "dormant
        on 2027-05-03, the window's first day (dormant flag cleared on 2027-05-12)"; "" when none differs."""
        if number is None or not self.columns.has_versions:
            return ""
        fields = state_fields(scope, self.columns.default_months)
        if not fields:
            return ""
        return state_note(self.columns, number, reference, fields, self.accounts[number].source, self.emails,
                          "window")

    def _failure(self, scope: Scope, account: Account, reference: date) -> Failure:
        """The first condition of ``scope`` the account fails at ``reference``, as values (``failure_values``; the
        dormancy rule's evidence, ``dormancy_values``, when no CRM flag decides); empty when it fails none."""
        key = (scope.conditions, reference)
        explain = self._explainers.get(key)
        if explain is None:
            if self._won_by_key is None:
                self._won_by_key = _WonByKey(self.columns)
            explain = compile_scope(scope, as_of_for_dormant=reference, last_won=self._won_by_key,
                                    owner_email=self.emails, default_months=self.columns.default_months,
                                    revenue=self.columns.revenue)
            self._explainers[key] = explain
        condition = explain(account)
        if condition is None:   # cannot happen while both paths share their semantics; say so rather than guess
            return (), ()
        if is_dormancy(condition):
            _, months, use_flag = dormancy_rule(condition, self.columns.default_months)
            if not (use_flag and account.dormant is not None):
                won = self._won_by_key.get((account.source, account.id), ()) if self._won_by_key else ()
                return dormancy_values(condition, tuple(won), reference, months)
        return failure_values(condition, account, self.emails, self.columns.revenue)

    def _not_over(self, pos: int) -> str:
        """Words for a whole-day activity whose day is not over at the evaluation (``not_over``)."""
        day = self.index.acts[pos].day
        return f"{day:%Y-%m-%d}, all day: counted once that day is over"

    @staticmethod
    def _handed_over(holder: Holder, who: str) -> str:
        """Words for a former owner's activity from the hand-over day on (``handed_over``)."""
        return f"owner {holder.email}, after the hand-over to {who} on {holder.on:%Y-%m-%d}"

    @staticmethod
    def _before_hand_over(holder: Holder, who: str) -> str:
        """Words for a former owner's activity counted, before the hand-over day: « why do Alex's meetings count for
        Sam's action? » (its row said « counted » and nothing; audit explainus)."""
        return f"owner {holder.email}, before the hand-over to {who} on {holder.on:%Y-%m-%d}"

    def _other_owners(self, action: Action, owners: set[str], members: frozenset[int], ws: float, we: float,
                      near: list[Decision], today: float | None = None) -> int:
        """Other reps' near misses (right type, window, scope, status, happened: a whole-day activity of ``today``'s
        local day is not over): not the action's ``owners`` (its who, its former owners, whose activities the
        owners' walk lists); returns how many are unlisted."""
        ix = self.index
        if not members:
            return 0
        parts = self._partitions(members)
        others: list[int] = []
        for owner in ix.owners_on(action.activity_type, parts):
            found = ix.countable_for(owner, action.activity_type)
            if owner in owners or found is None:
                continue
            times, accs, positions = found
            lo = bisect_left(times, ws)
            hi = bisect_left(times, we, lo)
            if lo < hi:   # C-level filter of the owner's activities in the window down to the scope's accounts
                over = ix.over(times, positions, lo, hi, today)
                inside = map(members.__contains__, accs[lo:hi].tolist())
                others.extend(compress(positions[lo:hi].tolist(), inside if over is None else
                                       map(bool.__and__, inside, over.tolist())))
        # time order; equal instants by partition (in the order of ``parts``), then by position
        part_of, rank = self.partition, {part: k for k, part in enumerate(parts)}
        ts = ix.ts
        others.sort(key=(lambda p: (float(ts[p]), rank[part_of[int(ix.acc[p])]], p)) if part_of is not None
                    else (lambda p: (float(ts[p]), p)))
        room = max(0, self.near_miss_limit - len(near))
        for pos in others[:room]:
            near.append(self._decision(pos, False, "other_owner", f"owner {ix.email(pos)}"))
        return max(0, len(others) - room)

    def _partitions(self, members: frozenset[int]) -> list[Hashable]:
        """The partitions (départements) the scope's accounts fall in, cached per scope set."""
        cached = self._parts.get(id(members))
        if cached is None or cached[0] is not members:
            part_of = self.partition
            parts: list[Hashable] = sorted({part_of[n] for n in members}, key=str) if part_of is not None else [None]
            cached = self._parts[id(members)] = (members, parts)
        return cached[1]

    def _decision(self, pos: int, counted: bool, rule: str, detail: str) -> Decision:
        a = self.index.acts[pos]
        return Decision(a.source, a.id, counted, rule, detail, a.account_id, a.when(self.zone))
