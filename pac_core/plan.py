"""The Commercial Action Plan: segments, SWOT, development axes, objectives and 5Q actions.

Frozen dataclasses; ``Plan`` checks the method's invariants when built and reports every problem
at once (``PlanError``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from pac_core.errors import PlanError, Problem
from pac_core.scopes import EVERYTHING, Scope
from pac_core.text import fold_alnum
from pac_core.window import Window

MAX_RANK = 999      # the highest priority rank the CRMs hold (Salesforce PAC_Priority__c is a 3-digit Number)
MAX_GROWTH_RATE = Decimal(10)   # +1,000 %: the largest growth objective written as a percentage (pac_core.growth)


class SegmentKind(StrEnum):
    HORIZONTAL = "horizontal"   # geography: région, territoire, département
    VERTICAL = "vertical"       # market, application, product line
    MIXED = "mixed"             # account type, revenue band


class AxisState(StrEnum):
    ACTIVE = "active"
    PRIORITISED = "prioritised"
    SUSPENDED = "suspended"
    DROPPED = "dropped"


class ActivityType(StrEnum):
    VISIT = "visit"
    CALL = "call"
    MEETING = "meeting"
    DEMO = "demo"
    EMAIL = "email"
    QUOTE_FOLLOW_UP = "quote_follow_up"


# what each activity type is called in explanations (English, French)
ACTIVITY_WORDS: dict[ActivityType, tuple[str, str]] = {
    ActivityType.VISIT: ("visit", "visite"), ActivityType.CALL: ("call", "appel"),
    ActivityType.MEETING: ("meeting", "rendez-vous"), ActivityType.DEMO: ("demo", "démo"),
    ActivityType.EMAIL: ("e-mail", "e-mail"), ActivityType.QUOTE_FOLLOW_UP: ("quote follow-up", "relance de devis"),
}


class Counting(StrEnum):
    DISTINCT_ACCOUNTS = "distinct_accounts"   # an account counts once, whatever the visits
    ACTIVITIES = "activities"                 # every matching activity counts


class ActionStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Person:
    email: str            # lower-case; the identity that joins CRMs
    name: str = ""
    role: str = ""        # "rep", "manager"...
    aliases: tuple[str, ...] = ()   # lower-case: the person's other e-mails (a former address, another CRM's)


@dataclass(frozen=True)
class Swot:
    strengths: tuple[str, ...] = ()
    weaknesses: tuple[str, ...] = ()
    opportunities: tuple[str, ...] = ()
    threats: tuple[str, ...] = ()


@dataclass(frozen=True)
class Segment:
    id: str
    name: str
    kind: SegmentKind
    scope: Scope = EVERYTHING
    swot: Swot = Swot()


@dataclass(frozen=True)
class AxisStatus:
    state: AxisState = AxisState.ACTIVE
    rank: int | None = None          # prioritised: 1 is the first priority
    reason: str = ""                 # suspended or dropped: why
    until: date | None = None        # suspended: until when (inclusive)
    # the day this state took effect (a CRM edit's day, written by the sync and ``pac plan pull``); None: in force
    # over the whole period. A day before it is evaluated as before the decision: the axis live (``axis_inactive``)
    since: date | None = None


@dataclass(frozen=True)
class Objective:
    """Growth objective of an axis: additional revenue over a period, in the plan's currency.

    ``baseline`` is a fixed figure; None means "the same period a year earlier, same scope".
    Cost is ``budget`` or ``effort_days`` x ``day_cost``; ROI = (additional x margin - cost) / cost.

    An objective written as a percentage (``additional_revenue: "30 %"``, pac_core.growth) has ``growth_rate``
    (0.30): its amount is that share of the axis's baseline over the whole period, known only from the records.
    As loaded, ``growth_base`` is None and ``additional_revenue`` 0 (not an objective yet: ``resolved`` is False);
    ``evaluate()`` resolves it first (``growth_base``: the baseline, ``additional_revenue``: the rate x it, to
    the cent), and every figure reads that amount, as if the manager had written it.
    """

    additional_revenue: Decimal
    period: Window
    baseline: Decimal | None = None
    margin_rate: Decimal = Decimal("0.3")
    budget: Decimal | None = None
    effort_days: Decimal | None = None
    day_cost: Decimal | None = None
    expected_roi: Decimal | None = None
    kpis: tuple[str, ...] = ()
    growth_rate: Decimal | None = None    # written as a percentage: 0.30 for "+30 %"
    growth_base: Decimal | None = None    # the baseline the rate was applied to (set by evaluate())
    # set by evaluate() when the base period was not over at the evaluation instant: the last day its revenue
    # counts (the base is provisional); None for a final base
    growth_base_through: date | None = None
    # set by evaluate() under ``attribution: split`` for a measured base: it is the axis's share of the scope's
    # year-earlier revenue (deals shared with other live axes divided evenly), which the words say
    growth_base_split: bool = False

    @property
    def resolved(self) -> bool:
        """An amount is known: written as one, or a percentage whose baseline evaluate() has measured."""
        return self.growth_rate is None or self.growth_base is not None

    @property
    def cost(self) -> Decimal | None:
        if self.budget is not None:
            return self.budget
        if self.effort_days is not None and self.day_cost is not None:
            return self.effort_days * self.day_cost
        return None


@dataclass(frozen=True)
class Axis:
    id: str
    name: str
    segment_id: str
    scope: Scope = EVERYTHING
    status: AxisStatus = AxisStatus()
    objective: Objective | None = None
    products: tuple[str, ...] = ()   # products whose production capacity this axis draws on
    who: tuple[str, ...] = ()        # e-mails: when given, only the deals these people own count (revenue)


def axis_inactive(axis: Axis, today: date) -> bool:
    """A dropped axis, or a suspended one whose until-date (inclusive) is not past: the one rule of liveness,
    read by the engine (pace, plan totals), the advisor and the CRM targeting alike. A status with a ``since`` day
    is not in force on the days before it: a decision taken in May does not change what the axis was in March
    (a restated first quarter counts it live, its cost spent and its revenue earned)."""
    return axis_state_on(axis, today) in (AxisState.SUSPENDED, AxisState.DROPPED)


def suspension_lapsed(status: AxisStatus, today: date) -> bool:
    """A suspension whose until-day (inclusive) is past on ``today``: the axis is live again, and the CRMs show it
    ``active`` (what ``axis_inactive`` counts), so that a manager's ``suspended`` there is a new suspension."""
    return status.state is AxisState.SUSPENDED and status.until is not None and today > status.until


def action_cancelled(action: Action, today: date) -> bool:
    """A cancelled action, from its ``status_since`` day on (the whole period when none is given): cancelling in
    May an action missed in March leaves it missed in March."""
    return action_status_on(action, today) is ActionStatus.CANCELLED


def axis_state_on(axis: Axis, today: date) -> AxisState:
    """The axis's state in force on ``today``, as the CRMs and the report show it beside the figures
    (``axis_inactive`` counts it so): ``active`` on the days before a ``since`` still to come (a suspension decided
    for 1 June leaves the axis live until then, audit reverify N2) and once a suspension's until-day is past (the
    CRMs have no until field, so a ``suspended`` set there is a new suspension), the written state otherwise."""
    status = axis.status
    if (status.since is not None and today < status.since) or suspension_lapsed(status, today):
        return AxisState.ACTIVE
    return status.state


def action_status_on(action: Action, today: date) -> ActionStatus:
    """The action's status in force on ``today`` (what the CRMs show): on the days before its ``status_since`` (a
    cancellation decided for 1 June) the action is still under way, ``in_progress`` once its window has begun,
    ``planned`` before (the file keeps no earlier status); the written status otherwise (``action_cancelled``
    counts it so)."""
    if action.status_since is not None and today < action.status_since:
        return ActionStatus.IN_PROGRESS if today >= action.window.start.date() else ActionStatus.PLANNED
    return action.status


class ContextKind(StrEnum):
    """A change of context the manager declares (or the CRM shows) that the advisor takes into account."""

    MARKET_EVENT = "market_event"           # événement de marché: an opportunity or a threat on a segment/axis
    LOST_KEY_ACCOUNT = "lost_key_account"   # perte d'un compte clé
    REP_LEAVING = "rep_leaving"             # départ d'un commercial
    CAPACITY = "capacity"                   # capacité de production d'un produit, par trimestre civil


class Impact(StrEnum):
    OPPORTUNITY = "opportunity"
    THREAT = "threat"


@dataclass(frozen=True)
class ContextChange:
    """One declared change of context. Which fields matter depends on ``kind`` (see docs/engine.md):
    market event: ``impact`` and ``segment_id`` or ``axis_id``; lost key account: ``account`` (name or CRM id)
    or ``crm_field`` (an account field marking lost accounts); rep leaving: ``who``; capacity: ``product``
    and ``capacity`` (quantity per calendar quarter). ``on`` / ``until`` bound when it applies (inclusive)."""

    kind: ContextKind
    on: date | None = None
    until: date | None = None
    note: str = ""
    segment_id: str | None = None
    axis_id: str | None = None
    who: str | None = None
    account: str | None = None
    crm_field: str | None = None
    product: str | None = None
    capacity: Decimal | None = None
    impact: Impact | None = None

    def applies(self, day: date) -> bool:
        """In force on ``day``: on or after ``on`` and on or before ``until`` (each when given)."""
        return (self.on is None or self.on <= day) and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class HandOver:
    """An action handed over to its current ``who`` by a former owner: ``from_`` (their plan e-mail) held it until
    ``on``, the new owner's first day (a local day of the plan's time zone). The former owner's activities dated
    before that day's first instant still count for the action; theirs from that instant on do not (docs/engine.md,
    *Matching activities to actions*, rule 1). Decided 5 Dec 2026 (audit planstate F1: changing ``who`` as the
    advisor's *reassign* asks erased the visits already made, A-01 4 / 5 -> 1 / 5)."""

    from_: str                        # the former owner's e-mail (lower-case; an alias or a name is resolved on load)
    on: date                          # the new owner's first day


@dataclass(frozen=True)
class Action:
    """An action written with the 5Q rule: who does what and when, with what information from whom."""

    id: str
    axis_id: str
    text: str                         # the statement as the manager wrote it
    who: str                          # e-mail of the person who acts
    activity_type: ActivityType
    target: int                       # how many (accounts or activities, see ``counting``)
    window: Window                    # when, in the plan's timezone
    counting: Counting = Counting.DISTINCT_ACCOUNTS
    scope: Scope = EVERYTHING         # extra scope, on top of the axis and segment scopes
    info_needed: str = ""
    info_from: str = ""
    status_since: date | None = None  # the day ``status`` took effect (``action_cancelled``); None: the whole period
    status: ActionStatus = ActionStatus.PLANNED
    handed_over: tuple[HandOver, ...] = ()   # former owners, whose activities before the hand-over still count


def hand_over_problems(plan: Plan, at: str, action: Action, emails: set[str], aliases: dict[str, str]) -> list[Problem]:
    """The problems of an action's ``handed_over`` (``at``: its key path): a former owner that is no e-mail, no
    person of ``people`` (when the plan lists people), or the action's own ``who``; a day outside the plan's
    period."""
    out: list[Problem] = []
    zone = plan.period.start.tzinfo
    first = plan.period.start.astimezone(zone).date()
    last = (plan.period.end.astimezone(zone) - timedelta(microseconds=1)).date()
    for j, hand in enumerate(action.handed_over):
        where = f"{at}.handed_over[{j}]"
        former = aliases.get(hand.from_, hand.from_)
        if "@" not in hand.from_:
            out.append(Problem(f"{where}.from", f"{hand.from_!r} is neither an e-mail nor the name of a person of "
                               "people", "write the former owner's e-mail, or their name as people writes it"))
        elif emails and former not in emails:
            out.append(Problem(f"{where}.from", f"{hand.from_} is not in the plan's people",
                               "keep the former owner under people (their activities before the hand-over count), "
                               "or fix the spelling"))
        elif former == action.who:
            out.append(Problem(f"{where}.from", f"{hand.from_} is the action's own who: an action is handed over from "
                               "its former owner to its who", "write the former owner in from:, or remove this entry"))
        if not first <= hand.on <= last:
            out.append(Problem(f"{where}.on", f"the hand-over day {hand.on.isoformat()} is outside the plan's period "
                               f"({first.isoformat()}..{last.isoformat()})",
                               "write the new owner's first day, inside the plan's period"))
    return out


@dataclass(frozen=True)
class Plan:
    name: str
    period: Window
    timezone: str
    currency: str = "EUR"
    language: str = "fr"
    people: tuple[Person, ...] = ()
    segments: tuple[Segment, ...] = ()
    axes: tuple[Axis, ...] = ()
    actions: tuple[Action, ...] = ()
    id: str = field(default="")
    context: tuple[ContextChange, ...] = ()   # changes of context the advisor takes into account
    date_order: str | None = None   # plan.date_order: "mdy" (US) or "dmy"; None: not written (read day/month)
    # (e-mail a CRM user has now, the plan e-mail of the person it held before): aliases pac remembers from the
    # CRM's users, never written in the file (``pac_core.people.with_remembered``)
    remembered: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        problems = check_invariants(self)
        if problems:
            raise PlanError(problems)
        if not self.id:
            object.__setattr__(self, "id", _slug(self.name))

    def segment(self, segment_id: str) -> Segment:
        return next(s for s in self.segments if s.id == segment_id)

    def axis(self, axis_id: str) -> Axis:
        return next(a for a in self.axes if a.id == axis_id)

    def action(self, action_id: str) -> Action:
        return next(a for a in self.actions if a.id == action_id)

    def action_scope(self, action: Action) -> Scope:
        """The scope an action's accounts must be in: segment AND axis AND the action's own."""
        axis = self.axis(action.axis_id)
        return self.segment(axis.segment_id).scope & axis.scope & action.scope

    def axis_scope(self, axis: Axis) -> Scope:
        return self.segment(axis.segment_id).scope & axis.scope

    def leaving_days(self) -> dict[str, date]:
        """The reps the plan declares leaving with their first day gone (``rep_leaving`` context with ``on``): e-mail as
        written, lower-case -> that day."""
        return {change.who.strip().lower(): change.on for change in self.context
                if change.kind is ContextKind.REP_LEAVING and change.who and change.on is not None}

    def aliases(self) -> dict[str, str]:
        """Each alias of ``people`` (lower-case) -> the person's plan e-mail: the one identity owners resolve to
        (``pac_core.matching.owner_emails``), with the aliases pac remembers (``remembered``; a written alias wins).
        Empty when no one has aliases."""
        written = {alias: p.email for p in self.people for alias in p.aliases if alias != p.email}
        return {**dict(self.remembered), **written} if self.remembered else written

    def emails_of(self, email: str) -> frozenset[str]:
        """Every e-mail of the person ``email`` names (lower-case): it, and their aliases when they are in
        ``people`` (those pac remembers, ``remembered``, too); the e-mail alone otherwise."""
        email = email.strip().lower()
        email = dict(self.remembered).get(email, email)
        for person in self.people:
            if person.email == email or email in person.aliases:
                return frozenset((person.email, *person.aliases, *self._remembered_of(person.email)))
        return frozenset((email, *self._remembered_of(email)))

    def _remembered_of(self, email: str) -> tuple[str, ...]:
        return tuple(now for now, person in self.remembered if person == email)


def _slug(text: str) -> str:
    return default_plan_id(text)


def default_plan_id(name: str) -> str:
    """The id of a plan whose file gives no ``id:``: the slug of its name (``PAC Durand Process`` ->
    ``pac-durand-process``). The store and the CRM records (``plan-id:A-01``) are keyed by a plan's id."""
    return fold_alnum(name, "-") or "plan"


def check_invariants(plan: Plan) -> list[Problem]:
    """Every broken rule of the method, each with its key path and fix."""
    out: list[Problem] = []
    if plan.language not in ("fr", "en"):
        out.append(Problem("language", f"unknown language {plan.language!r}", "use fr or en"))
    if len(plan.currency) != 3 or not plan.currency.isupper():
        out.append(Problem("currency", f"{plan.currency!r} is not an ISO 4217 code", "write e.g. EUR"))
    _unique(out, "segments", [s.id for s in plan.segments])
    _unique(out, "axes", [a.id for a in plan.axes])
    _unique(out, "actions", [a.id for a in plan.actions])
    segment_ids = {s.id for s in plan.segments}
    axis_ids = {a.id for a in plan.axes}
    emails = {p.email for p in plan.people}
    aliases = _check_people(plan, out)
    ranks: dict[int, str] = {}
    for i, axis in enumerate(plan.axes):
        at = f"axes[{i}]"
        if axis.segment_id not in segment_ids:
            out.append(Problem(f"{at}.segment", f"segment {axis.segment_id!r} does not exist",
                               f"use one of {sorted(segment_ids)}"))
        st = axis.status
        if st.state in (AxisState.SUSPENDED, AxisState.DROPPED) and not st.reason.strip():
            out.append(Problem(f"{at}.status.reason", f"a {st.state} axis needs a reason",
                               "say why, e.g. reason: 'production of PX200 saturated'"))
        if st.state is AxisState.PRIORITISED:
            if st.rank is None or st.rank < 1:
                out.append(Problem(f"{at}.status.rank", "a prioritised axis needs a rank >= 1",
                                   "add rank: 1 for the first priority"))
            elif st.rank > MAX_RANK:
                out.append(Problem(f"{at}.status.rank", f"rank {st.rank} is above {MAX_RANK}, the highest the CRMs' "
                                   "priority field holds (Salesforce PAC_Priority__c: 3 digits)",
                                   f"give a rank from 1 to {MAX_RANK}"))
            elif st.rank in ranks:
                out.append(Problem(f"{at}.status.rank", f"rank {st.rank} is also given to {ranks[st.rank]}",
                                   "give each prioritised axis its own rank"))
            else:
                ranks[st.rank] = axis.id
        if st.since is not None and st.until is not None and st.until < st.since:
            out.append(Problem(f"{at}.status.since", f"the suspension starts on {st.since} after its until-day "
                               f"{st.until}", "give an until-day on or after since, or remove until"))
        if st.until is not None and st.state is not AxisState.SUSPENDED:
            out.append(Problem(f"{at}.status.until", "only a suspended axis has an until-date",
                               "remove until, or set state: suspended"))
        for j, person in enumerate(axis.who):
            if "@" not in person:
                out.append(Problem(f"{at}.who[{j}]", f"{person!r} is not an e-mail", "identify the rep by e-mail"))
            elif person in aliases:
                out.append(_alias_used(f"{at}.who[{j}]", person, aliases[person]))
            elif emails and person not in emails:
                out.append(Problem(f"{at}.who[{j}]", f"{person} is not in the plan's people",
                                   "add them under people, or fix the spelling"))
        obj = axis.objective
        if obj is not None:
            if obj.growth_rate is None and obj.additional_revenue <= 0:
                out.append(Problem(f"{at}.objective.additional_revenue", "the growth objective must be positive",
                                   "write the additional revenue expected, e.g. 150000"))
            elif obj.growth_rate is not None and not Decimal(0) < obj.growth_rate <= MAX_GROWTH_RATE:
                out.append(Problem(f"{at}.objective.additional_revenue",
                                   f"a growth rate is above 0 and at most +{MAX_GROWTH_RATE * 100:.0f} %",
                                   "write the growth expected over the baseline, e.g. \"30 %\", or an amount"))
            if obj.period.end <= plan.period.start or obj.period.start >= plan.period.end:
                out.append(_objective_outside(f"{at}.objective.period", obj.period, plan.period))
            if not Decimal(0) <= obj.margin_rate <= Decimal(1):
                out.append(Problem(f"{at}.objective.margin_rate", "the margin rate is a share between 0 and 1",
                                   "write 0.35 for 35 %"))
            for name in ("budget", "effort_days", "day_cost", "baseline"):
                value = getattr(obj, name)
                if value is not None and value < 0:
                    out.append(Problem(f"{at}.objective.{name}", f"{name} cannot be negative", "fix the figure"))
    for i, action in enumerate(plan.actions):
        at = f"actions[{i}]"
        if action.axis_id not in axis_ids:
            out.append(Problem(f"{at}.axis", f"axis {action.axis_id!r} does not exist",
                               f"use one of {sorted(axis_ids)}"))
        if action.target < 1:
            out.append(Problem(f"{at}.target", f"the target count must be positive, not {action.target}",
                               "say how many, e.g. 5"))
        if "@" not in action.who:
            out.append(Problem(f"{at}.who", f"{action.who!r} is not an e-mail", "identify the rep by e-mail"))
        elif action.who in aliases:
            out.append(_alias_used(f"{at}.who", action.who, aliases[action.who]))
        elif emails and action.who not in emails:
            out.append(Problem(f"{at}.who", f"{action.who} is not in the plan's people",
                               "add them under people, or fix the spelling"))
        for condition in action.scope.deals_part:
            out.append(Problem(f"{at}.what.scope.{condition.field}",
                               f"{condition.field} selects deals (revenue), not the accounts an action counts",
                               "move it to the axis's scope (or give the axis who:); the action already has its who"))
        if action.window.start < plan.period.start or action.window.end > plan.period.end:
            out.append(_outside_period(f"{at}.when", action.window, plan.period))
        if action.handed_over:
            out += hand_over_problems(plan, at, action, emails, {a: p.email for a, (_, p) in aliases.items()})
    _check_owner_conditions(plan, out, aliases)
    _check_context(plan, out, segment_ids, axis_ids)
    return out


def _outside_period(at: str, window: Window, period: Window) -> Problem:
    """An action's window that leaves the plan's period (a week straddling its edge was cut already, in
    pac_core.periods). Its fix names days that pass: the part inside the plan when there is one, else the plan's
    period itself (never "check the year" alone, which looped when the year was right: year-end audit F1)."""
    def days(a: datetime, b: datetime) -> str:
        return f"{a.date().isoformat()}..{(b.date() - timedelta(days=1)).isoformat()}"
    message = (f"the window {window.label or ''} ({days(window.start, window.end)}) is outside the plan's period "
               f"({days(period.start, period.end)})")
    start, end = max(window.start, period.start), min(window.end, period.end)
    if start < end:
        return Problem(at, message, f"write the part inside the plan, {days(start, end)}, and put the rest in the plan "
                                    "that holds it; or widen the plan's period")
    return Problem(at, message, "check the year written, or put the action in the plan of that period, or widen this "
                                "plan's period")


def _objective_outside(at: str, window: Window, period: Window) -> Problem:
    """An axis's objective period with no day in the plan's period (« 2028 » in the 2027 plan): no quarterly review of
    the plan would ever see its revenue (audit lintmethod). One that overlaps the plan's period is accepted."""
    def days(a: datetime, b: datetime) -> str:
        return f"{a.date().isoformat()}..{(b.date() - timedelta(days=1)).isoformat()}"
    return Problem(at, f"the objective's period {window.label or ''} ({days(window.start, window.end)}) has no day in "
                       f"the plan's period ({days(period.start, period.end)})",
                   "check the year written, or leave period: out: the objective then runs over the plan's period")


def _check_people(plan: Plan, out: list[Problem]) -> dict[str, tuple[int, Person]]:
    """Each e-mail is one person: an alias may be neither another person's e-mail (nor their own) nor given twice.
    Returns each alias -> (index, person) of the first person giving it."""
    owners: dict[str, tuple[int, Person]] = {}
    for i, person in enumerate(plan.people):
        owners.setdefault(person.email, (i, person))
    aliases: dict[str, tuple[int, Person]] = {}
    for i, person in enumerate(plan.people):
        for j, alias in enumerate(person.aliases):
            at = f"people[{i}].aliases[{j}]"
            if alias == person.email:
                out.append(Problem(at, f"{alias} is already this person's e-mail", "remove it from the aliases"))
            elif alias in owners:
                k, other = owners[alias]
                out.append(Problem(at, f"{alias} is the e-mail of {_who(other)} (people[{k}]): one e-mail is one "
                                   "person", "remove it from the aliases, or merge the two entries into one person"))
            elif alias in aliases:
                k, other = aliases[alias]
                where = "this person" if k == i else f"{_who(other)} (people[{k}])"
                out.append(Problem(at, f"{alias} is also an alias of {where}",
                                   "give each e-mail once, under the person it belongs to"))
            else:
                aliases[alias] = (i, person)
    return aliases


def _who(person: Person) -> str:
    return f"{person.name} <{person.email}>" if person.name else person.email


def _alias_used(at: str, email: str, owner: tuple[int, Person]) -> Problem:
    k, person = owner
    return Problem(at, f"{email} is an alias of {_who(person)} (people[{k}].aliases)",
                   f"write their plan e-mail, {person.email} (the aliases are only read in the CRMs)")


def _check_owner_conditions(plan: Plan, out: list[Problem], aliases: dict[str, tuple[int, Person]]) -> None:
    """``account_owner`` / ``deal_owner`` conditions name people by their plan e-mail, as ``who`` does."""
    if not aliases:
        return
    scopes = ([(f"segments[{i}].scope", s.scope) for i, s in enumerate(plan.segments)]
              + [(f"axes[{i}].scope", a.scope) for i, a in enumerate(plan.axes)]
              + [(f"actions[{i}].what.scope", a.scope) for i, a in enumerate(plan.actions)])
    for at, scope in scopes:
        for condition in scope.conditions:
            if condition.field in ("owner", "deal_owner"):
                for value in condition.values:
                    if str(value) in aliases:
                        out.append(_alias_used(f"{at}.{condition.field}", str(value), aliases[str(value)]))


def _check_context(plan: Plan, out: list[Problem], segment_ids: set[str], axis_ids: set[str]) -> None:
    for i, change in enumerate(plan.context):
        at = f"context[{i}]"
        kind = change.kind
        if change.segment_id is not None and change.segment_id not in segment_ids:
            out.append(Problem(f"{at}.segment", f"segment {change.segment_id!r} does not exist",
                               f"use one of {sorted(segment_ids)}"))
        if change.axis_id is not None and change.axis_id not in axis_ids:
            out.append(Problem(f"{at}.axis", f"axis {change.axis_id!r} does not exist",
                               f"use one of {sorted(axis_ids)}"))
        if change.on is not None and change.until is not None and change.until < change.on:
            out.append(Problem(f"{at}.until", "until is before on", "give the last day on or after the first"))
        if kind is ContextKind.MARKET_EVENT:
            if change.impact is None:
                out.append(Problem(f"{at}.impact", "a market event needs its impact",
                                   "write impact: opportunity (opportunité) or threat (menace)"))
            if change.segment_id is None and change.axis_id is None:
                out.append(Problem(f"{at}.segment", "a market event concerns a segment or an axis",
                                   "add segment: <id> or axis: <id>"))
        elif kind is ContextKind.LOST_KEY_ACCOUNT and not (change.account or change.crm_field):
            out.append(Problem(f"{at}.account", "a lost key account needs the account",
                               "write account: <name or CRM id>, or crm_field: custom.<field> to read it from the CRM"))
        elif kind is ContextKind.REP_LEAVING and (not change.who or "@" not in change.who):
            out.append(Problem(f"{at}.who", "a rep leaving needs the rep's e-mail", "write who: <e-mail>"))
        elif kind is ContextKind.CAPACITY:
            if not change.product:
                out.append(Problem(f"{at}.product", "a capacity is a product's", "write product: PX200"))
            if change.capacity is None or change.capacity <= 0:
                out.append(Problem(f"{at}.capacity", "the capacity must be a positive quantity per quarter",
                                   "write capacity: 40"))


def _unique(out: list[Problem], where: str, ids: list[str]) -> None:
    """Each id once, letter case aside: the CRMs match pac's keys without case (a Salesforce external id that is
    unique is case-insensitive unless declared otherwise: ``A-01`` and ``a-01`` would be one record)."""
    seen: dict[str, str] = {}
    for i, item in enumerate(ids):
        other = seen.get(item.casefold())
        if other == item:
            out.append(Problem(f"{where}[{i}].id", f"id {item!r} is used twice", "give each one its own id"))
        elif other is not None:
            out.append(Problem(f"{where}[{i}].id", f"id {item!r} differs from {other!r} only in letter case, and the "
                               "CRMs match ids without case (they would be one record)",
                               "give each one its own id"))
        seen.setdefault(item.casefold(), item)
