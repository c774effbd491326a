"""Matching activities to actions, exact to the visit, with every decision explained.

An activity counts for an action when all of these hold:

* owner: the activity's owner e-mail (owner id -> ``User.email`` of the same source, lower-cased)
  is the action's ``who``: the same person in two CRMs is one owner;
* type: the activity's type is the action's activity type;
* window: its start instant is in the action's window [start, end); an all-day activity (``day``,
  no ``start``) counts when 00:00 of that calendar day in the plan's timezone is in the window (the
  day is never shifted);
* scope: its account exists, is not deleted, and is in segment AND axis AND action scope, dormancy
  judged on the first day of the action's window;
* status: completed (planned, cancelled and no-show do not count); deleted activities never count;
* distinct accounts: with ``Counting.DISTINCT_ACCOUNTS`` an account counts once, the earliest
  activity (by start, then source and id) is the counted one.

A near miss fails exactly one of these rules; near misses are recorded, up to a limit per action.
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
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from itertools import compress, count, filterfalse, repeat
from operator import attrgetter, eq, is_
from zoneinfo import ZoneInfo

import numpy as np

from pac_core.columnar import AccountColumns
from pac_core.plan import Action, ActivityType, Counting, Plan
from pac_core.records import Account, Activity, ActivityStatus, User
from pac_core.results import Decision
from pac_core.scope_eval import AccountKey, ScopeIndex, compile_scope, describe_failure
from pac_core.scopes import Condition, Scope

STATUS_RULES = {ActivityStatus.CANCELLED: "cancelled", ActivityStatus.NO_SHOW: "no_show",
                ActivityStatus.PLANNED: "planned"}
FEW_KEYS = 8                    # owners looked up one by one (a column scan each) before grouping them all
NEAR_SPAN = timedelta(days=1)   # how far outside a window an activity is still reported as a near miss


def owner_emails(users: Sequence[User]) -> dict[AccountKey, str]:
    """(source, user id) -> lower-case e-mail; users with no e-mail are left out (never matched)."""
    return {(u.source, u.id): u.email.strip().lower() for u in users if u.email and u.email.strip()}


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


Countable = tuple[np.ndarray, np.ndarray, np.ndarray]   # start instants (float64), account numbers, positions


class ActivityIndex:
    """The activities once, as columns (positions into ``acts``), with the lookups matching needs.

    ``countable`` is what counting reads: per (owner e-mail, type), the activities that can count
    (completed, not deleted, typed, on a known account, with an owner e-mail and a start) as compact
    parallel arrays sorted by start instant. Explanations also read ``owner_activities`` (every activity
    of an owner, ties broken by source and id) and ``owners_on`` (which owners have countable activities
    of a type on a partition's accounts, to find other reps' near misses in ``countable``), built on first use.
    """

    def __init__(self, acts: list[Activity], ts: list[float], email: list[str | None], acc: list[int | None],
                 countable: dict[tuple[str, int], Countable], kept: Sequence[int], usable: list[int],
                 partition: Sequence[Hashable] | None, rejected: list[Decision],
                 excluded: frozenset[int] = frozenset()) -> None:
        self.acts, self.ts, self.email, self.acc = acts, ts, email, acc
        self.countable = countable             # (e-mail, id of the ActivityType member) -> Countable
        self.rejected = rejected
        self._kept, self._usable, self._partition = kept, usable, partition
        self._excluded = excluded              # positions rejected before indexing (no owner, no start)
        self._owners: dict[str, tuple[list[float], list[int]] | None] = {}
        self.few_keys = FEW_KEYS     # 0 when many actions will be explained: group everything at once
        self._owners_on: defaultdict[tuple[int, Hashable], set[str]] | None = None

    def countable_for(self, who: str, kind: ActivityType) -> Countable | None:
        """The countable activities of one owner (lower-case e-mail) and type, sorted by start instant."""
        return self.countable.get((who, id(kind)))

    @classmethod
    def build(cls, activities: Sequence[Activity], *, emails: Mapping[AccountKey, str],
              account_number: Mapping[AccountKey, int], zone: ZoneInfo,
              partition: Sequence[Hashable] | None = None) -> ActivityIndex:
        """Index the activities; columns are extracted with C-level maps, Python loops only touch anomalies.

        ``partition`` gives each account number a partition key (the engine uses the département) so
        other reps' near misses are looked for only among the activities of the scope's partitions.
        """
        acts = list(activities)
        n = len(acts)
        rejected: list[Decision] = []
        sources = list(map(attrgetter("source"), acts))
        email_col: list[str | None] = list(map(emails.get, zip(sources, map(attrgetter("owner_id"), acts),
                                                                strict=True)))
        acc: list[int | None] = list(map(account_number.get, zip(sources, map(attrgetter("account_id"), acts),
                                                                  strict=True)))
        del sources
        starts = list(map(attrgetter("start"), acts))
        odd = set() if None not in starts and None not in email_col and None not in map(attrgetter("tzinfo"), starts) \
            else {i for i in range(n) if starts[i] is None or starts[i].tzinfo is None or email_col[i] is None}
        excluded: set[int] = set()
        if odd:
            repaired = list(starts)
            for i in sorted(odd):
                email, start = cls._repair(acts[i], email_col[i], zone, rejected)
                if email is None or start is None:
                    excluded.add(i)
                    repaired[i] = _EPOCH
                else:
                    email_col[i], repaired[i] = email, start
            starts = repaired
        ts: list[float] = list(map(datetime.timestamp, starts))
        types = list(map(attrgetter("type"), acts))
        unmatchable = set(compress(range(n), map(is_, acc, repeat(None)))) if None in acc else set()
        if None in types:
            unmatchable.update(compress(range(n), map(is_, types, repeat(None))))
        for i in sorted(unmatchable):
            if i not in excluded and not acts[i].deleted:
                cls._reject_unmatchable(acts[i], acc[i], starts[i], rejected)
        del starts
        kept = range(n) if not excluded else [i for i in range(n) if i not in excluded]
        # countable: completed, not deleted, typed, on a known account, matchable (C-level filters; the
        # exceptions are few, so they are a set removed from the completed ones)
        unmatchable.update(excluded, compress(range(n), map(attrgetter("deleted"), acts)))
        usable = list(compress(range(n), map(is_, map(attrgetter("status"), acts), repeat(ActivityStatus.COMPLETED))))
        if unmatchable:
            usable = list(filterfalse(unmatchable.__contains__, usable))
        # one set of columns sorted by (owner e-mail, type, start instant), stable so equal instants keep the
        # records' order; an owner's activities of a type are one slice of it (NumPy: no per-record object)
        m = len(usable)
        first_seen: dict[str | None, int] = {}
        owner_code = list(map(first_seen.setdefault, email_col, count()))   # an e-mail's first position
        type_ids = list(map(id, types))
        c_owner = np.fromiter(map(owner_code.__getitem__, usable), dtype=np.int64, count=m)
        c_type = np.fromiter(map(type_ids.__getitem__, usable), dtype=np.int64, count=m)
        c_ts = np.fromiter(map(ts.__getitem__, usable), dtype=np.float64, count=m)
        c_acc = np.fromiter(map(acc.__getitem__, usable), dtype=np.int64, count=m)
        order = np.lexsort((c_ts, c_type, c_owner))
        c_owner, c_type, c_ts, c_acc = c_owner[order], c_type[order], c_ts[order], c_acc[order]
        c_pos = np.asarray(usable, dtype=np.int64)[order]
        del owner_code, type_ids, order
        edges = np.flatnonzero((c_owner[1:] != c_owner[:-1]) | (c_type[1:] != c_type[:-1])) + 1 if m else \
            np.zeros(0, dtype=np.int64)
        starts, ends = [0, *edges.tolist()], [*edges.tolist(), m]
        countable: dict[tuple[str, int], Countable] = {}
        for lo, hi in zip(starts, ends, strict=True) if m else ():
            key = (email_col[int(c_owner[lo])], int(c_type[lo]))
            countable[key] = (c_ts[lo:hi], c_acc[lo:hi], c_pos[lo:hi])  # type: ignore[assignment]
        return cls(acts, ts, email_col, acc, countable, kept, usable, partition, rejected, frozenset(excluded))

    def owner_activities(self, who: str) -> tuple[list[float], list[int]] | None:
        """(start instants, positions) of every matchable activity of one owner, any status or type, ties
        broken by source and id. The first few owners asked are scanned for alone (explaining one action
        needs no full grouping); from then on ``by_owner`` is built once."""
        if "by_owner" in self.__dict__ or len(self._owners) >= self.few_keys:
            return self.by_owner.get(who)
        if who not in self._owners:
            excluded = self._excluded
            positions = [i for i in compress(range(len(self.email)), map(eq, self.email, repeat(who)))
                         if i not in excluded]
            ordered = _break_ties(sorted(positions, key=self.ts.__getitem__), self.ts, self.acts)
            self._owners[who] = (list(map(self.ts.__getitem__, ordered)), ordered) if ordered else None
        return self._owners[who]

    def owners_on(self, kind: ActivityType, parts: Sequence[Hashable]) -> list[str]:
        """The owners with countable activities of this type on accounts of these partitions (sorted)."""
        index = self._owners_on
        if index is None:
            index = self._owners_on = defaultdict(set)
            part_of = self._partition
            for (email, kind_id), (_, accs, _) in self.countable.items():
                for part in (set(map(part_of.__getitem__, accs)) if part_of is not None else (None,)):
                    index[(kind_id, part)].add(email)
        kind_id = id(kind)
        return sorted(set().union(*(index.get((kind_id, part), ()) for part in parts)))

    @cached_property
    def by_owner(self) -> dict[str, tuple[list[float], list[int]]]:
        """Owner e-mail -> (start instants, positions) of every matchable activity, any status or type."""
        ts, acts, email_col, kept = self.ts, self.acts, self.email, self._kept
        groups: defaultdict[str, list[int]] = defaultdict(list)
        for pos, email in zip(kept, map(email_col.__getitem__, kept), strict=True):
            groups[email].append(pos)  # type: ignore[index]
        by_owner: dict[str, tuple[list[float], list[int]]] = {}
        for email, group in groups.items():
            ordered = _break_ties(sorted(group, key=ts.__getitem__), ts, acts)
            by_owner[email] = (list(map(ts.__getitem__, ordered)), ordered)
        return by_owner

    @staticmethod
    def _repair(a: Activity, email: str | None, zone: ZoneInfo,
                rejected: list[Decision]) -> tuple[str | None, datetime | None]:
        """The slow path: owner given as an e-mail, all-day activities, and the rejections."""
        problem = None
        if email is None:
            if a.owner_id is None:
                problem = ("no_owner", "the activity has no owner")
            elif "@" in a.owner_id:
                email = a.owner_id.strip().lower()
            else:
                problem = ("no_owner", f"owner {a.owner_id} has no e-mail among the users of {a.source}")
        start = a.start
        if start is not None:
            if start.tzinfo is None or start.utcoffset() is None:
                problem = problem or ("no_start", "the start time has no timezone (naive)")
                start = None
        elif a.day is not None:
            start = local_midnight(a.day, zone)
        else:
            problem = problem or ("no_start", "the activity has neither a start time nor a day")
        if problem is not None:
            if not a.deleted:
                rejected.append(Decision(a.source, a.id, False, problem[0], problem[1], a.account_id, a.start))
            return None, None
        return email, start

    @staticmethod
    def _reject_unmatchable(a: Activity, number: int | None, start: datetime, rejected: list[Decision]) -> None:
        if a.account_id is None:
            rejected.append(Decision(a.source, a.id, False, "no_account", "the activity has no account", None, start))
        elif number is None:
            rejected.append(Decision(a.source, a.id, False, "no_account",
                                     f"account {a.account_id} is not among the accounts of {a.source}",
                                     a.account_id, start))
        else:
            rejected.append(Decision(a.source, a.id, False, "unknown_type",
                                     f"{a.subject or 'activity'}: its type matches no mapped activity type",
                                     a.account_id, start))


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _break_ties(order: list[int], ts: list[float], acts: list[Activity]) -> list[int]:
    """Positions already sorted by start instant; equal instants reordered by (source, id), so results
    never depend on the order the records came in."""
    ordered = list(map(ts.__getitem__, order))
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


@dataclass
class ActionCount:
    """What counting found for one action (no per-record decisions: those come from ``Matcher.match``)."""

    done: int
    touched: set[int]                    # accounts of counted activities
    matched: list[int]                   # positions of activities passing every rule (counted + repeats)


@dataclass
class ActionMatch:
    """What matching found for one action."""

    done: int
    decisions: list[Decision]
    touched: set[int]                    # accounts of counted activities
    matched: list[int]                   # positions of activities passing every rule (counted + repeats)
    scope_size: int


class Matcher:
    """Matches every action of a plan against one ActivityIndex; scope sets come from a ScopeIndex."""

    def __init__(self, plan: Plan, index: ActivityIndex, scopes: ScopeIndex, accounts: Sequence[Account],
                 emails: Mapping[AccountKey, str], won_by_key: Mapping[AccountKey, tuple[date, ...]],
                 zone: ZoneInfo, near_miss_limit: int = 50, counted_limit: int = 1000,
                 partition: Sequence[Hashable] | None = None) -> None:
        self.plan, self.index, self.scopes, self.accounts = plan, index, scopes, accounts
        self.emails, self.won_by_key, self.zone = emails, won_by_key, zone
        self.near_miss_limit, self.counted_limit = near_miss_limit, counted_limit
        self._explainers: dict[tuple[tuple[Condition, ...], date], Callable[[Account], Condition | None]] = {}
        self._parts: dict[int, tuple[frozenset[int], list[Hashable]]] = {}
        self.partition = partition
        self.columns: AccountColumns | None = None     # set by the engine: scopes as masks over account columns

    def reference_date(self, action: Action) -> date:
        """Dormancy is judged on the first local day of the action's window."""
        return action.window.start.astimezone(self.zone).date()

    def count(self, action: Action, scope: Scope | None = None) -> ActionCount:
        """Count one action: two sorted searches for its window in its owner's countable activities of its type,
        then the slice's accounts tested against its scope (segment AND axis AND action scope, computed when not
        given) as one mask over account columns (``columns``) or, without them, one membership test each."""
        found = self.index.countable_for(action.who.strip().lower(), action.activity_type)
        if found is None:
            return ActionCount(0, set(), [])
        times, accs, positions = found
        lo, hi = (int(k) for k in np.searchsorted(times, (action.window.start.timestamp(),
                                                          action.window.end.timestamp())))
        if lo >= hi:
            return ActionCount(0, set(), [])
        scope = scope if scope is not None else self.plan.action_scope(action)
        window_accounts = accs[lo:hi]
        reference = self.reference_date(action)
        if self.columns is not None:
            mask = self.columns.inside(scope, reference, window_accounts)
        else:
            contains = self.scopes.contains(scope, reference)
            mask = np.fromiter(map(contains, window_accounts.tolist()), dtype=bool, count=hi - lo)
        touched = set(window_accounts[mask].tolist())
        matched = positions[lo:hi][mask].tolist()
        done = len(touched) if action.counting is Counting.DISTINCT_ACCOUNTS else len(matched)
        return ActionCount(done, touched, matched)

    def match(self, action: Action, scope: Scope | None = None) -> ActionMatch:
        """Count one action; ``scope`` is its segment AND axis AND action scope (computed when not given)."""
        ix = self.index
        reference = self.reference_date(action)
        scope = scope if scope is not None else self.plan.action_scope(action)
        members = self.scopes.members(scope, reference)
        ws, we = action.window.start.timestamp(), action.window.end.timestamp()
        span = min(we - ws, NEAR_SPAN.total_seconds())
        who = action.who.strip().lower()
        distinct = action.counting is Counting.DISTINCT_ACCOUNTS
        counted: list[Decision] = []
        near: list[Decision] = []
        more = counted_more = 0
        seen: set[int] = set()
        matched: list[int] = []
        own = ix.owner_activities(who)
        if own is not None:
            times, positions = own
            lo, hi = bisect_left(times, ws - span), bisect_left(times, we + span)
            for k in range(lo, hi):
                pos = positions[k]
                rule = self._failure(pos, action, members, ws, we)
                if rule == "":
                    number = ix.acc[pos]
                    matched.append(pos)
                    if distinct and number in seen:
                        rule = "duplicate_account"
                    else:
                        seen.add(number)  # type: ignore[arg-type]
                        if len(counted) < self.counted_limit:
                            counted.append(self._decision(pos, True, "counted", ""))
                        else:
                            counted_more += 1
                        continue
                if rule is None:
                    continue
                if len(near) < self.near_miss_limit:
                    near.append(self._decision(pos, False, rule, self._detail(rule, pos, action, scope, reference)))
                else:
                    more += 1
        more += self._other_owners(action, who, members, ws, we, near)
        done = len(seen) if distinct else len(matched)
        if counted_more:
            counted.append(Decision("", "", True, "truncated", f"{counted_more} more counted activities not listed"))
        if more:
            near.append(Decision("", "", False, "truncated", f"{more} more near misses not listed"))
        decisions = counted + near
        return ActionMatch(done, decisions, seen, matched, len(members))

    def _failure(self, pos: int, action: Action, members: frozenset[int], ws: float, we: float) -> str | None:
        """"" when every rule holds, the rule's code when exactly one fails, None when several fail."""
        ix = self.index
        a = ix.acts[pos]
        rule = ""
        if a.type is not action.activity_type:
            rule = "wrong_type" if a.type is not None else "unknown_type"
        t = ix.ts[pos]
        if not ws <= t < we:
            if rule:
                return None
            rule = "outside_window"
        status_rule = STATUS_RULES.get(a.status)
        if status_rule is not None:
            if rule:
                return None
            rule = status_rule
        if a.deleted:
            if rule:
                return None
            rule = "deleted"
        number = ix.acc[pos]
        if number is None or number not in members:
            if rule:
                return None
            rule = "no_account" if number is None else "deleted" if self.accounts[number].deleted else "outside_scope"
        return rule

    def _detail(self, rule: str, pos: int, action: Action, scope: Scope, reference: date) -> str:
        """Words for a near miss (computed only for the near misses that are listed)."""
        ix = self.index
        a = ix.acts[pos]
        if rule == "wrong_type":
            return f"{a.type.value if a.type else '?'}, not {action.activity_type.value}"
        if rule == "unknown_type":
            return "the type matches no mapped activity type"
        if rule == "outside_window":
            t = ix.ts[pos]
            side = "before" if t < action.window.start.timestamp() else "after"
            local = datetime.fromtimestamp(t, self.zone).strftime("%Y-%m-%d %H:%M")
            return f"{local}, {side} {action.window.label or 'the window'}"
        if rule in STATUS_RULES.values():
            return a.status.value
        if rule == "duplicate_account":
            return "account already counted for this action"
        if rule == "no_account":
            return "the activity has no known account"
        if rule == "deleted":
            if a.deleted:
                return "the activity was deleted in the CRM"
            return "the account was deleted in the CRM"
        number = ix.acc[pos]
        assert number is not None
        return self._scope_detail(scope, self.accounts[number], reference)

    def _scope_detail(self, scope: Scope, account: Account, reference: date) -> str:
        key = (scope.conditions, reference)
        explain = self._explainers.get(key)
        if explain is None:
            explain = compile_scope(scope, as_of_for_dormant=reference, last_won=self.won_by_key,
                                    owner_email=self.emails, default_months=self.scopes.default_months)
            self._explainers[key] = explain
        condition = explain(account)
        if condition is None:   # cannot happen while both paths share their semantics; say so rather than guess
            return "outside the scope"
        return describe_failure(condition, account, self.emails)

    def _other_owners(self, action: Action, who: str, members: frozenset[int], ws: float, we: float,
                      near: list[Decision]) -> int:
        """Other reps' near misses (right type, window, scope, status); returns how many are unlisted."""
        ix = self.index
        if not members:
            return 0
        email, ts, acc = ix.email, ix.ts, ix.acc
        parts = self._partitions(members)
        others: list[int] = []
        for owner in ix.owners_on(action.activity_type, parts):
            found = ix.countable_for(owner, action.activity_type)
            if owner == who or found is None:
                continue
            times, accs, positions = found
            lo = bisect_left(times, ws)
            hi = bisect_left(times, we, lo)
            if lo < hi:   # C-level filter of the owner's activities in the window down to the scope's accounts
                others.extend(compress(positions[lo:hi], map(members.__contains__, accs[lo:hi])))
        # time order; equal instants by partition (in the order of ``parts``), then by position
        part_of, rank = self.partition, {part: k for k, part in enumerate(parts)}
        others.sort(key=(lambda p: (ts[p], rank[part_of[acc[p]]], p)) if part_of is not None  # type: ignore[index]
                    else (lambda p: (ts[p], p)))
        room = max(0, self.near_miss_limit - len(near))
        for pos in others[:room]:
            near.append(self._decision(pos, False, "other_owner", f"owner {email[pos]}"))
        return max(0, len(others) - room)

    def _partitions(self, members: frozenset[int]) -> list[Hashable]:
        """The partitions (départements) the scope's accounts fall in, cached per scope set."""
        cached = self._parts.get(id(members))
        if cached is None or cached[0] is not members:
            part_of = self.partition
            parts = sorted({part_of[n] for n in members}, key=str) if part_of is not None else [None]
            cached = self._parts[id(members)] = (members, parts)
        return cached[1]

    def _decision(self, pos: int, counted: bool, rule: str, detail: str) -> Decision:
        a = self.index.acts[pos]
        return Decision(a.source, a.id, counted, rule, detail, a.account_id, a.start or a.day)
