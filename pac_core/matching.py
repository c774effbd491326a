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

Speed: activities are read once with C-level column extraction, sorted by start instant and grouped
by owner e-mail and by type; each action is a bisection into its owner's list plus a C-level filter of
its type's activities in the window (other owners' near misses). There is no loop over records x actions.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import compress, groupby, repeat
from operator import attrgetter, is_, is_not, not_
from zoneinfo import ZoneInfo

from pac_core.plan import Action, ActivityType, Counting, Plan
from pac_core.records import Account, Activity, ActivityStatus, User
from pac_core.results import Decision
from pac_core.scope_eval import AccountKey, ScopeIndex, compile_scope, describe_failure
from pac_core.scopes import Condition, Scope

STATUS_RULES = {ActivityStatus.CANCELLED: "cancelled", ActivityStatus.NO_SHOW: "no_show",
                ActivityStatus.PLANNED: "planned"}
NEAR_SPAN = timedelta(days=1)   # how far outside a window an activity is still reported as a near miss


def owner_emails(users: Sequence[User]) -> dict[AccountKey, str]:
    """(source, user id) -> lower-case e-mail; users with no e-mail are left out (never matched)."""
    return {(u.source, u.id): u.email.strip().lower() for u in users if u.email and u.email.strip()}


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


@dataclass
class ActivityIndex:
    """Activities sorted by start instant, with the lookups matching needs (positions into ``acts``)."""

    acts: list[Activity]
    ts: list[float]                          # POSIX seconds of the start (or of local midnight of ``day``)
    email: list[str]
    acc: list[int | None]                    # account number, None when missing or unknown
    by_owner: dict[str, tuple[list[float], list[int]]]
    # (type, partition of the account, e.g. its département) -> (start instants, account numbers, positions)
    by_type: dict[tuple[ActivityType, Hashable], tuple[list[float], list[int], list[int]]]
    rejected: list[Decision] = field(default_factory=list)

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
        if None in acc or None in types:
            for i in [i for i, (a, t) in enumerate(zip(acc, types, strict=True)) if a is None or t is None]:
                if i not in excluded and not acts[i].deleted:
                    cls._reject_unmatchable(acts[i], acc[i], starts[i], rejected)
        # Grouping first (sequential access), then sorting each small group by time, keeps memory access local.
        kept = range(n) if not excluded else [i for i in range(n) if i not in excluded]
        by_owner: dict[str, tuple[list[float], list[int]]] = {}
        owner_number = {email: k for k, email in enumerate(set(email_col))}   # sort on ints, not on e-mails
        owner_col = list(map(owner_number.__getitem__, email_col))
        for _, group in groupby(sorted(kept, key=owner_col.__getitem__), key=owner_col.__getitem__):
            ordered = _break_ties(sorted(group, key=ts.__getitem__), ts, acts)
            email = email_col[ordered[0]]
            by_owner[email] = (list(map(ts.__getitem__, ordered)), ordered)  # type: ignore[index]
        # usable by other reps' near misses: completed, not deleted, typed, on a known account (C-level masks)
        mask = list(map(all, zip(map(is_, map(attrgetter("status"), acts), repeat(ActivityStatus.COMPLETED)),
                                 map(not_, map(attrgetter("deleted"), acts)),
                                 map(is_not, types, repeat(None)), map(is_not, acc, repeat(None)), strict=True)))
        for i in excluded:
            mask[i] = False
        usable = list(compress(range(n), mask))
        part_of = partition if partition is not None else [None] * len(account_number)
        groups: defaultdict[tuple[ActivityType, Hashable], list[int]] = defaultdict(list)
        for pos, key in zip(usable, zip(map(types.__getitem__, usable),
                                        map(part_of.__getitem__, map(acc.__getitem__, usable)), strict=True),
                            strict=True):
            groups[key].append(pos)
        by_type = {}
        for key, positions in groups.items():
            positions.sort(key=ts.__getitem__)
            by_type[key] = (list(map(ts.__getitem__, positions)), list(map(acc.__getitem__, positions)), positions)
        return cls(acts, ts, email_col, acc, by_owner, by_type, rejected)  # type: ignore[arg-type]

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

    def reference_date(self, action: Action) -> date:
        """Dormancy is judged on the first local day of the action's window."""
        return action.window.start.astimezone(self.zone).date()

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
        own = ix.by_owner.get(who)
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
        email = ix.email
        others: list[int] = []
        for part in self._partitions(members):
            found = ix.by_type.get((action.activity_type, part))
            if found is None:
                continue
            times, accs, positions = found
            lo, hi = bisect_left(times, ws), bisect_left(times, we)
            if lo == hi:
                continue
            # C-level filter of the type's activities in the window down to the scope's accounts
            in_scope = compress(positions[lo:hi], map(members.__contains__, accs[lo:hi]))
            others.extend(pos for pos in in_scope if email[pos] != who)
        others.sort(key=ix.ts.__getitem__)
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
